/* symmetry: the symmetry-breaking term of nonnegativity, made computable
 * (doc/theory.md §3).
 *
 * For a difference-of-Gaussians place code it prints
 *   1. the objective, cubic gain and gridness of ideal hexagons, squares and
 *      stripes at the kernel's ring k*, under LINEAR, TANH, SOFT and RELU;
 *   2. the amplitude-equation coefficients derived from the kernel for each
 *      nonlinearity, and the phase diagram: which patterns are stable over a
 *      grid of mu at the derived gamma, g0, g1;
 *   3. the end states of the amplitude equations integrated from random
 *      small amplitudes, for gamma = 0 and gamma != 0. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"

#define PI 3.14159265358979323846

static void usage(FILE *f)
{
    fprintf(f,
            "usage: symmetry [options]\n"
            "  --sigma S      place-field width sigma in metres (default 0.12)\n"
            "  --surround R   DoG surround variance ratio s > 1 (default 2)\n"
            "  --box L        square periodic box of side L metres; default: a\n"
            "                 periodic box commensurate with the hexagonal lattice\n"
            "                 at k* (4 x 7 half-periods, about 5.1 m for the defaults)\n"
            "  --n N          points per side (default 64)\n"
            "  --strength R   SOFT and TANH penalty strength in units of Sigma~(k*)\n"
            "                 (default 0.5); also the RELU projection rate\n"
            "  --seeds N      random starts per row of part 3 (default 10)\n"
            "  --help         this text\n");
}

static int parse_double(const char *opt, const char *s, double *v)
{
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    (void)opt;
    if (errno != 0 || end == s || *end != '\0' || !isfinite(x))
        return 0;
    *v = x;
    return 1;
}

static int parse_size(const char *opt, const char *s, size_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    (void)opt;
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
        return 0;
    *v = (size_t)x;
    return 1;
}

static int fail(const char *what, int rc)
{
    fprintf(stderr, "symmetry: %s: %s (%s)\n", what, gridform_strerror(rc), gridform_last_error());
    return 1;
}

static const char *pattern_name(int p)
{
    switch (p) {
    case GRIDFORM_PATTERN_NONE: return "none";
    case GRIDFORM_PATTERN_STRIPES: return "stripes";
    case GRIDFORM_PATTERN_HEXAGONS: return "hexagons";
    case GRIDFORM_PATTERN_HEXAGONS_PI: return "hexagons-pi";
    default: return "mixed";
    }
}

int main(int argc, char **argv)
{
    double sigma = 0.12, surround = 2.0, box = 0.0, rel_strength = 0.5;
    size_t n = 64, nseeds = 10;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        static const char *known[] = {"--sigma", "--surround", "--box", "--n", "--strength", "--seeds"};
        int is_known = 0;
        for (size_t j = 0; j < sizeof known / sizeof known[0]; j++)
            is_known |= strcmp(o, known[j]) == 0;
        if (!is_known || i + 1 >= argc) {
            fprintf(stderr, "symmetry: %s %s (see --help)\n", is_known ? "missing value for" : "unknown option", o);
            return 2;
        }
        const char *v = argv[++i];
        int ok;
        if (strcmp(o, "--sigma") == 0) ok = parse_double(o, v, &sigma) && sigma > 0;
        else if (strcmp(o, "--surround") == 0) ok = parse_double(o, v, &surround) && surround > 1;
        else if (strcmp(o, "--box") == 0) ok = parse_double(o, v, &box) && box > 0;
        else if (strcmp(o, "--n") == 0) ok = parse_size(o, v, &n) && n >= 8 && n <= 4096;
        else if (strcmp(o, "--strength") == 0) ok = parse_double(o, v, &rel_strength) && rel_strength > 0;
        else if (strcmp(o, "--seeds") == 0) ok = parse_size(o, v, &nseeds) && nseeds >= 1 && nseeds <= 100000;
        else
            ok = 0;
        if (!ok) {
            fprintf(stderr, "symmetry: bad value for %s: %s (sigma > 0, surround > 1, box > 0, "
                            "8 <= n <= 4096, strength > 0, seeds >= 1)\n", o, v);
            return 2;
        }
    }

    /* The continuum ring of the DoG (doc/theory.md §1.5) decides the box. */
    double kring = sqrt(2 * log(surround) / (sigma * sigma * (surround - 1)));
    double lx = box, ly = box;
    if (box == 0) {
        lx = 4 * PI * 4 / kring;
        ly = 4 * PI * 7 / (sqrt(3.0) * kring);
    }
    gridform_arena *ar = NULL;
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    gridform_scorer *sc = NULL;
    gridform_amplitude *amp = NULL;
    double *map = NULL, *work = NULL;
    int rc, status = 1;
    if ((rc = gridform_arena_create(&ar, lx, ly, n, n, GRIDFORM_PERIODIC)) != GRIDFORM_OK) {
        fail("arena", rc);
        goto out;
    }
    if ((rc = gridform_placecode_create(&pc, ar, GRIDFORM_TUNING_DOG, sigma, surround, n * n,
                                        GRIDFORM_CENTERS_LATTICE, 1)) != GRIDFORM_OK) {
        fail("place code", rc);
        goto out;
    }
    if ((rc = gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER)) != GRIDFORM_OK) {
        fail("kernel", rc);
        goto out;
    }
    double kstar, spacing, sstar;
    if ((rc = gridform_kernel_ring(k, &kstar, &spacing)) != GRIDFORM_OK) {
        fail("the kernel's ring", rc);
        goto out;
    }
    if ((rc = gridform_kernel_radial_profile(k, &kstar, 1, &sstar)) != GRIDFORM_OK) {
        fail("Sigma~(k*)", rc);
        goto out;
    }
    if ((rc = gridform_scorer_create(&sc, ar)) != GRIDFORM_OK) {
        fail("scorer", rc);
        goto out;
    }
    map = malloc(n * n * sizeof *map);
    work = malloc(n * n * sizeof *work);
    if (map == NULL || work == NULL) {
        fprintf(stderr, "symmetry: out of memory\n");
        goto out;
    }
    double strength = rel_strength * sstar;
    printf("DoG place code: sigma = %.3f m, s = %.2f; periodic box %.3f x %.3f m at %zu x %zu%s\n", sigma,
           surround, lx, ly, n, n, box == 0 ? " (commensurate with the hexagonal lattice)" : "");
    printf("ring k* = %.4f rad/m, hexagonal spacing %.4f m, Sigma~(k*) = %.6g\n", kstar, spacing, sstar);
    printf("penalty strength (SOFT, TANH) and RELU projection rate: %.6g = %g Sigma~(k*)\n\n", strength,
           rel_strength);

    /* ---- 1. objective, cubic gain, gridness ---- */
    const int lat[3] = {GRIDFORM_LATTICE_HEX, GRIDFORM_LATTICE_SQUARE, GRIDFORM_LATTICE_STRIPES};
    const char *latname[3] = {"hexagons", "squares", "stripes"};
    const int nls[4] = {GRIDFORM_NL_LINEAR, GRIDFORM_NL_TANH, GRIDFORM_NL_SOFT, GRIDFORM_NL_RELU};
    const char *nlname[4] = {"LINEAR", "TANH", "SOFT", "RELU"};
    printf("1. Ideal lattices at k*: objective L / Sigma~(k*) of the unit-norm map (for RELU: of the\n"
           "   rectified, renormalised map), cubic gain <g^3>/<g^2>^(3/2) and gridness score60 of the\n"
           "   map that is scored (rectified under RELU).\n");
    for (int l = 0; l < 3; l++) {
        double kv[6], ku;
        size_t nw;
        if ((rc = gridform_lattice_wavevectors(ar, lat[l], kstar, 0.0, kv, &nw, &ku)) != GRIDFORM_OK) {
            fail("lattice wavevectors", rc);
            goto out;
        }
        printf("   %-8s: %zu wave%s, mean |k| after snapping to the box's Fourier lattice %.4f rad/m "
               "(%+.2f%% of k*)\n", latname[l], nw, nw == 1 ? "" : "s", ku, 100 * (ku / kstar - 1));
    }
    printf("\n   %-7s %-9s %11s %11s %9s\n", "", "pattern", "L/Sigma*", "cubic gain", "score60");
    for (int q = 0; q < 4; q++) {
        for (int l = 0; l < 3; l++) {
            double obj, gain, s60;
            if ((rc = gridform_lattice_synthesize(ar, lat[l], kstar, 0.0, 0.0, 0.0, map)) != GRIDFORM_OK) {
                fail("lattice", rc);
                goto out;
            }
            if ((rc = gridform_pattern_objective(k, map, nls[q], strength, &obj)) != GRIDFORM_OK) {
                fail("objective", rc);
                goto out;
            }
            for (size_t i = 0; i < n * n; i++)
                work[i] = (nls[q] == GRIDFORM_NL_RELU && map[i] < 0) ? 0.0 : map[i];
            if ((rc = gridform_cubic_gain(ar, work, &gain)) != GRIDFORM_OK) {
                fail("cubic gain", rc);
                goto out;
            }
            rc = gridform_scorer_score(sc, work, 1, &s60, NULL, NULL, NULL);
            if (rc != GRIDFORM_OK && rc != GRIDFORM_EUNDEFINED) {
                fail("gridness", rc);
                goto out;
            }
            if (fabs(gain) < 5e-5)
                gain = 0.0;   /* round-off: print 0.0000, not -0.0000 */
            printf("   %-7s %-9s %11.6f %11.4f %9.3f\n", l == 0 ? nlname[q] : "", latname[l], obj / sstar, gain,
                   s60);
        }
    }

    /* ---- 2. amplitude equations from the kernel ---- */
    if ((rc = gridform_amplitude_create(&amp)) != GRIDFORM_OK) {
        fail("amplitude equations", rc);
        goto out;
    }
    double co[4][4];
    printf("\n2. Amplitude equations derived from the kernel (gridform_amplitude(3)), in units of\n"
           "   Sigma~(k*): dA1/dt = mu A1 + gamma conj(A2 A3) - A1 (g0 |A1|^2 + g1 (|A2|^2 + |A3|^2))\n\n");
    printf("   %-7s %9s %9s %9s %9s   %s\n", "", "mu", "gamma", "g0", "g1", "stable at the derived mu");
    for (int q = 0; q < 4; q++) {
        if ((rc = gridform_amplitude_from_kernel(amp, k, nls[q], strength)) != GRIDFORM_OK) {
            fail("amplitude coefficients", rc);
            goto out;
        }
        gridform_amplitude_get_coefficients(amp, &co[q][0], &co[q][1], &co[q][2], &co[q][3]);
        char buf[96] = "";
        for (int p = GRIDFORM_PATTERN_NONE; p <= GRIDFORM_PATTERN_MIXED; p++) {
            int ex, st;
            gridform_amplitude_stability(amp, p, &ex, &st);
            if (st) {
                strcat(buf, buf[0] ? ", " : "");
                strcat(buf, pattern_name(p));
            }
        }
        printf("   %-7s %9.4f %9.4f %9.4f %9.4f   %s\n", nlname[q], co[q][0] / sstar, co[q][1] / sstar,
               co[q][2] / sstar, co[q][3] / sstar, buf[0] ? buf : "none (neutral: g0 = g1, gamma = 0)");
    }
    printf("\n   Phase diagram: stable patterns as mu varies, gamma, g0, g1 as derived\n"
           "   (H = hexagons, H' = hexagons-pi, S = stripes, 0 = rest state, - = nothing\n"
           "   asymptotically stable: LINEAR has g0 = g1, gamma = 0, every ring pattern neutral)\n\n");
    printf("   %10s", "mu/Sigma*");
    for (int q = 0; q < 4; q++)
        printf("  %-8s", nlname[q]);
    printf("\n");
    const double mus[] = {-0.2, -0.05, -0.01, -0.005, -0.002, -0.001, 0.001, 0.01, 0.1, 0.5, 1.0, 2.0};
    for (size_t m = 0; m < sizeof mus / sizeof mus[0]; m++) {
        printf("   %10.3f", mus[m]);
        for (int q = 0; q < 4; q++) {
            char cell[16] = "";
            gridform_amplitude_set_coefficients(amp, mus[m] * sstar, co[q][1], co[q][2], co[q][3]);
            const int ps[4] = {GRIDFORM_PATTERN_NONE, GRIDFORM_PATTERN_HEXAGONS, GRIDFORM_PATTERN_HEXAGONS_PI,
                               GRIDFORM_PATTERN_STRIPES};
            const char *tag[4] = {"0", "H", "H'", "S"};
            for (int p = 0; p < 4; p++) {
                int ex, st;
                gridform_amplitude_stability(amp, ps[p], &ex, &st);
                /* gamma = 0: H and H' are the same family, show it once */
                if (st && !(p == 2 && co[q][1] == 0)) {
                    strcat(cell, cell[0] ? "+" : "");
                    strcat(cell, tag[p]);
                }
            }
            printf("  %-8s", cell[0] ? cell : "-");
        }
        printf("\n");
    }

    /* ---- 3. integration from random small amplitudes ---- */
    printf("\n3. End states from random small amplitudes (|A| <= 1e-3), %zu seeds each,\n"
           "   integrated to t = 400 / mu with RK4:\n\n", nseeds);
    for (int q = 0; q < 4; q++) {
        int count[6] = {0};
        gridform_amplitude_set_coefficients(amp, co[q][0], co[q][1], co[q][2], co[q][3]);
        double dt = 0.02 / co[q][0];
        for (size_t s = 0; s < nseeds; s++) {
            int p;
            gridform_amplitude_seed(amp, 1000 + s, 1e-3);
            if ((rc = gridform_amplitude_iterate(amp, dt, 20000)) != GRIDFORM_OK) {
                fail("integration", rc);
                goto out;
            }
            gridform_amplitude_classify(amp, &p);
            count[p]++;
        }
        printf("   %-7s gamma %s 0:", nlname[q], co[q][1] == 0 ? "=" : "!=");
        for (int p = GRIDFORM_PATTERN_NONE; p <= GRIDFORM_PATTERN_MIXED; p++)
            if (count[p])
                printf("  %s %d", pattern_name(p), count[p]);
        printf("\n");
    }
    status = 0;
out:
    free(map);
    free(work);
    gridform_amplitude_destroy(amp);
    gridform_scorer_destroy(sc);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(ar);
    return status;
}
