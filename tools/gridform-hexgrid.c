/* gridform-hexgrid: grid maps learned from a centre-surround place code.
 *
 * A difference-of-Gaussians place code (sigma, surround ratio s) on a
 * periodic arena defines the kernel Sigma; maps evolve under the
 * pattern-forming dynamics with rectification (doc/theory.md §2.2 and §3) and
 * become hexagonal with spacing 4 pi / (sqrt 3 k*).  The same run with
 * linear maps is the control: the linear theory does not prefer hexagons.
 * Writes PREFIX.png (maps), PREFIX_sac.png (autocorrelograms), PREFIX.npy. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "gridform.h"

#define PI 3.14159265358979323846

typedef struct {
    double sigma, surround, box;
    size_t n, maps, steps;
    uint64_t seed;
    int nl, integrator, commensurate, precision;
    const char *prefix;
} options;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: gridform-hexgrid [options]\n"
            "Learn grid maps from a difference-of-Gaussians place code and score them.\n"
            "  --sigma S          place-field width sigma in metres (0.12)\n"
            "  --surround R       surround variance ratio s > 1 (2)\n"
            "  --box L            side of the periodic arena in metres (4.4)\n"
            "  --n N              grid points per side (64)\n"
            "  --maps M           number of maps (32)\n"
            "  --steps T          maximum number of learning steps (5000)\n"
            "  --seed K           seed of the random initial maps (1)\n"
            "  --nonlinearity NL  relu, soft, tanh or linear (relu)\n"
            "  --integrator I     etd, exponential or euler (etd: error-controlled)\n"
            "  --precision P      double or single: the learner's working precision (double)\n"
            "  --commensurate     fit the box to the predicted hexagonal lattice\n"
            "                     (lx = round(L/a) a, ly = round(L/(sqrt3 a)) sqrt3 a)\n"
            "  --prefix P         output prefix: P.png, P_sac.png, P.npy (hexgrid)\n"
            "  --help             this text\n");
}

static int parse_double(const char *opt, const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !isfinite(v)) {
        fprintf(stderr, "gridform-hexgrid: %s needs a number, got '%s'\n", opt, s);
        return 0;
    }
    *out = v;
    return 1;
}

static int parse_size(const char *opt, const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v == 0 || v > 1000000) {
        fprintf(stderr, "gridform-hexgrid: %s needs a positive integer, got '%s'\n", opt, s);
        return 0;
    }
    *out = (size_t)v;
    return 1;
}

static int parse_args(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        }
        if (strcmp(a, "--commensurate") == 0) {
            o->commensurate = 1;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "gridform-hexgrid: unknown option or missing value: %s (try --help)\n", a);
            return 0;
        }
        const char *v = argv[++i];
        size_t sz;
        if (strcmp(a, "--sigma") == 0) {
            if (!parse_double(a, v, &o->sigma)) return 0;
        } else if (strcmp(a, "--surround") == 0) {
            if (!parse_double(a, v, &o->surround)) return 0;
        } else if (strcmp(a, "--box") == 0) {
            if (!parse_double(a, v, &o->box)) return 0;
        } else if (strcmp(a, "--n") == 0) {
            if (!parse_size(a, v, &o->n)) return 0;
        } else if (strcmp(a, "--maps") == 0) {
            if (!parse_size(a, v, &o->maps)) return 0;
        } else if (strcmp(a, "--steps") == 0) {
            if (!parse_size(a, v, &o->steps)) return 0;
        } else if (strcmp(a, "--seed") == 0) {
            if (!parse_size(a, v, &sz)) return 0;
            o->seed = sz;
        } else if (strcmp(a, "--nonlinearity") == 0) {
            if (strcmp(v, "relu") == 0) o->nl = GRIDFORM_NL_RELU;
            else if (strcmp(v, "soft") == 0) o->nl = GRIDFORM_NL_SOFT;
            else if (strcmp(v, "tanh") == 0) o->nl = GRIDFORM_NL_TANH;
            else if (strcmp(v, "linear") == 0) o->nl = GRIDFORM_NL_LINEAR;
            else {
                fprintf(stderr, "gridform-hexgrid: --nonlinearity must be relu, soft, tanh or linear, got '%s'\n", v);
                return 0;
            }
        } else if (strcmp(a, "--integrator") == 0) {
            if (strcmp(v, "etd") == 0) o->integrator = GRIDFORM_INTEGRATOR_ETD;
            else if (strcmp(v, "exponential") == 0) o->integrator = GRIDFORM_INTEGRATOR_EXPONENTIAL;
            else if (strcmp(v, "euler") == 0) o->integrator = GRIDFORM_INTEGRATOR_EULER;
            else {
                fprintf(stderr, "gridform-hexgrid: --integrator must be etd, exponential or euler, got '%s'\n", v);
                return 0;
            }
        } else if (strcmp(a, "--precision") == 0) {
            if (strcmp(v, "double") == 0) o->precision = GRIDFORM_PRECISION_DOUBLE;
            else if (strcmp(v, "single") == 0) o->precision = GRIDFORM_PRECISION_SINGLE;
            else {
                fprintf(stderr, "gridform-hexgrid: --precision must be double or single, got '%s'\n", v);
                return 0;
            }
        } else if (strcmp(a, "--prefix") == 0) {
            if (v[0] == '\0') {
                fprintf(stderr, "gridform-hexgrid: --prefix must not be empty\n");
                return 0;
            }
            o->prefix = v;
        } else {
            fprintf(stderr, "gridform-hexgrid: unknown option %s (try --help)\n", a);
            return 0;
        }
    }
    if (!(o->sigma > 0)) { fprintf(stderr, "gridform-hexgrid: --sigma must be > 0\n"); return 0; }
    if (!(o->surround > 1)) { fprintf(stderr, "gridform-hexgrid: --surround must be > 1\n"); return 0; }
    if (!(o->box > 0)) { fprintf(stderr, "gridform-hexgrid: --box must be > 0\n"); return 0; }
    if (o->n < 8) { fprintf(stderr, "gridform-hexgrid: --n must be >= 8\n"); return 0; }
    return 1;
}

static const char *nl_name(int nl)
{
    switch (nl) {
    case GRIDFORM_NL_RELU: return "RELU";
    case GRIDFORM_NL_SOFT: return "SOFT";
    case GRIDFORM_NL_TANH: return "TANH";
    default: return "LINEAR";
    }
}

/* A progress bar on stderr, drawn only when stderr is a terminal. */
typedef struct {
    const char *label;
} bar_state;

static int draw_bar(size_t done, size_t total, double value, void *user)
{
    const bar_state *b = user;
    int width = 40, fill = total ? (int)((double)width * (double)done / (double)total) : width;
    fprintf(stderr, "\r%-7s [", b->label);
    for (int i = 0; i < width; i++)
        fputc(i < fill ? '#' : '.', stderr);
    fprintf(stderr, "] %zu/%zu  objective %.6g ", done, total, value);
    fflush(stderr);
    return 0;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    if (isnan(a)) return isnan(b) ? 0 : 1;   /* NaN last */
    if (isnan(b)) return -1;
    return a < b ? -1 : (a > b ? 1 : 0);
}

static double median_of(const double *v, size_t n, double *scratch)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            scratch[m++] = v[i];
    if (m == 0)
        return NAN;
    qsort(scratch, m, sizeof *scratch, cmp_double);
    return m % 2 ? scratch[m / 2] : 0.5 * (scratch[m / 2 - 1] + scratch[m / 2]);
}

typedef struct {
    double *s60, *s90, *spacing, *orient, *domk, *scratch;
} scores;

/* Learn o->maps maps with nonlinearity nl; returns 0 on success. */
static int learn(const options *o, const gridform_kernel *k, int nl, double *maps, size_t *steps_done,
                 double *objective)
{
    gridform_learner *l = NULL;
    int rc = gridform_learner_create(&l, k, o->maps);
    if (rc != GRIDFORM_OK) {
        fprintf(stderr, "gridform-hexgrid: %s\n", gridform_last_error());
        return 1;
    }
    double lim;
    gridform_learner_get_euler_limit(l, &lim);
    if ((rc = gridform_learner_set_nonlinearity(l, nl, nl == GRIDFORM_NL_SOFT ? 50.0 / lim
                                                     : nl == GRIDFORM_NL_TANH ? 1.0 : 0.0)) != GRIDFORM_OK
        || (rc = gridform_learner_set_integrator(l, o->integrator)) != GRIDFORM_OK
        || (rc = gridform_learner_set_precision(l, o->precision)) != GRIDFORM_OK
        || (rc = gridform_learner_seed(l, o->seed, 1.0)) != GRIDFORM_OK) {
        fprintf(stderr, "gridform-hexgrid: %s\n", gridform_learner_last_error(l));
        gridform_learner_destroy(l);
        return 1;
    }
    bar_state bar = {nl_name(nl)};
    int tty = isatty(2);
    /* until the patterns are stationary: KKT residual 1e-4 (issue 19) */
    rc = gridform_learner_run(l, o->steps, 1e-4, tty ? draw_bar : NULL, &bar);
    if (tty)
        fputc('\n', stderr);
    if (rc != GRIDFORM_OK && rc != GRIDFORM_CONTINUE) {
        fprintf(stderr, "gridform-hexgrid: %s\n", gridform_learner_last_error(l));
        gridform_learner_destroy(l);
        return 1;
    }
    gridform_learner_get_time(l, NULL, steps_done);
    gridform_learner_objective(l, NULL, objective);
    gridform_learner_get_maps(l, maps);
    gridform_learner_destroy(l);
    return 0;
}

static void score_maps(const gridform_scorer *sc, const double *maps, size_t nmaps, size_t n, scores *s)
{
    /* EUNDEFINED marks maps without variance or SAC peaks (NaN entries). */
    gridform_scorer_score(sc, maps, nmaps, s->s60, s->s90, s->spacing, s->orient);
    for (size_t j = 0; j < nmaps; j++)
        if (gridform_map_dominant_k(sc, maps + j * n, &s->domk[j]) != GRIDFORM_OK)
            s->domk[j] = NAN;
}

static void summary(const char *name, const scores *s, size_t nmaps, size_t steps, double kstar,
                    double spacing)
{
    size_t above = 0;
    for (size_t j = 0; j < nmaps; j++)
        above += s->s60[j] >= 0.37;
    printf("%-7s median score60 %6.3f, %zu/%zu maps >= 0.37, median score90 %6.3f, "
           "median spacing %.3f m (predicted %.3f), median dominant k %.2f rad/m (k* %.2f), %zu steps\n",
           name, median_of(s->s60, nmaps, s->scratch), above, nmaps, median_of(s->s90, nmaps, s->scratch),
           median_of(s->spacing, nmaps, s->scratch), spacing, median_of(s->domk, nmaps, s->scratch), kstar,
           steps);
}

static int write_image(const char *prefix, const char *suffix, const double *maps, size_t nmaps, size_t nx,
                       size_t ny, size_t zoom, int scaling)
{
    char path[4096];
    size_t ncols = nmaps < 8 ? nmaps : 8;
    snprintf(path, sizeof path, "%s%s.png", prefix, suffix);
    int rc = gridform_image_write_maps(path, maps, nmaps, nx, ny, ncols, scaling, zoom);
    if (rc == GRIDFORM_EUNSUPPORTED) {   /* built without libpng */
        snprintf(path, sizeof path, "%s%s.ppm", prefix, suffix);
        rc = gridform_image_write_maps(path, maps, nmaps, nx, ny, ncols, scaling, zoom);
    }
    if (rc != GRIDFORM_OK) {
        fprintf(stderr, "gridform-hexgrid: %s\n", gridform_last_error());
        return 1;
    }
    printf("wrote %s\n", path);
    return 0;
}

int main(int argc, char **argv)
{
    options o = {0.12, 2.0, 4.4, 64, 32, 5000, 1, GRIDFORM_NL_RELU, GRIDFORM_INTEGRATOR_ETD, 0,
                 GRIDFORM_PRECISION_DOUBLE, "hexgrid"};
    if (!parse_args(argc, argv, &o))
        return 2;

    /* The predicted ring, from the continuum: k*^2 = 2 ln s / (sigma^2 (s-1)). */
    double kc = sqrt(2.0 * log(o.surround) / (o.sigma * o.sigma * (o.surround - 1.0)));
    double ac = 4.0 * PI / (sqrt(3.0) * kc);
    gridform_arena *arena = NULL;
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    gridform_scorer *sc = NULL;
    int rc;
    if (o.commensurate) {
        /* The box that holds the predicted hexagonal lattice exactly, in
         * gridform_arena_create_commensurate's orientation (rows of peaks
         * along x, 4 pi / k* = sqrt(3) a per period along x), about --box
         * wide. */
        double periods = fmax(1.0, round(o.box / (sqrt(3.0) * ac)));
        rc = gridform_arena_create_commensurate(&arena, kc, (size_t)periods, o.n, GRIDFORM_PERIODIC);
    } else {
        rc = gridform_arena_create(&arena, o.box, o.box, o.n, o.n, GRIDFORM_PERIODIC);
    }
    size_t nx = 0, ny = 0;
    double lx = 0, ly = 0;
    if (rc != GRIDFORM_OK || gridform_arena_get_shape(arena, &nx, &ny) != GRIDFORM_OK
        || gridform_arena_get_extent(arena, &lx, &ly) != GRIDFORM_OK
        || gridform_placecode_create(&pc, arena, GRIDFORM_TUNING_DOG, o.sigma, o.surround, 1024,
                                     GRIDFORM_CENTERS_LATTICE, 1) != GRIDFORM_OK
        || gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER) != GRIDFORM_OK
        || gridform_scorer_create(&sc, arena) != GRIDFORM_OK) {
        fprintf(stderr, "gridform-hexgrid: %s\n", gridform_last_error());
        return 1;
    }
    double kstar, spacing;
    if (gridform_kernel_ring(k, &kstar, &spacing) != GRIDFORM_OK) {
        fprintf(stderr, "gridform-hexgrid: the kernel has no ring (%s)\n", gridform_kernel_last_error(k));
        return 1;
    }
    double lmin = fmin(lx, ly);
    /* Annuli from the predicted spacing a: inner a/2 (excludes the central
     * peak), outer 1.2a to 2.5a (the first and second rings of peaks).  The
     * scorer's defaults are fractions of the box, meant for recorded maps a
     * box holds one or two periods of; here the box holds about six. */
    if (gridform_scorer_set_annuli_m(sc, 0.5 * spacing, fmin(1.2 * spacing, lmin),
                                     fmin(2.5 * spacing, lmin), 10) != GRIDFORM_OK) {
        fprintf(stderr, "gridform-hexgrid: the box (%.3g m) is too small for spacing %.3g m\n", lmin, spacing);
        return 1;
    }
    printf("DoG place code: sigma %.3f m, surround ratio s %.3g; periodic box %.3f x %.3f m on %zu x %zu\n",
           o.sigma, o.surround, lx, ly, nx, ny);
    printf("predicted ring k* = %.3f rad/m (continuum %.3f), wavelength %.3f m, hexagonal spacing %.3f m\n",
           kstar, kc, 2.0 * PI / kstar, spacing);

    size_t n = nx * ny, ng = o.maps;
    double *maps = malloc(ng * n * sizeof *maps), *ctrl = malloc(ng * n * sizeof *ctrl);
    size_t sacn = (2 * nx - 1) * (2 * ny - 1);
    double *sac = malloc(ng * sacn * sizeof *sac);
    scores s = {malloc(ng * sizeof(double)), malloc(ng * sizeof(double)), malloc(ng * sizeof(double)),
                malloc(ng * sizeof(double)), malloc(ng * sizeof(double)), malloc(ng * sizeof(double))};
    scores c = {malloc(ng * sizeof(double)), malloc(ng * sizeof(double)), malloc(ng * sizeof(double)),
                malloc(ng * sizeof(double)), malloc(ng * sizeof(double)), malloc(ng * sizeof(double))};
    if (!maps || !ctrl || !sac || !s.s60 || !s.s90 || !s.spacing || !s.orient || !s.domk || !s.scratch || !c.s60
        || !c.s90 || !c.spacing || !c.orient || !c.domk || !c.scratch) {
        fprintf(stderr, "gridform-hexgrid: out of memory for %zu maps of %zu x %zu\n", ng, nx, ny);
        return 1;
    }
    size_t steps, csteps;
    double obj, cobj;
    if (learn(&o, k, o.nl, maps, &steps, &obj) != 0)
        return 1;
    int control = o.nl != GRIDFORM_NL_LINEAR;
    if (control && learn(&o, k, GRIDFORM_NL_LINEAR, ctrl, &csteps, &cobj) != 0)
        return 1;

    score_maps(sc, maps, ng, n, &s);
    double shk, shv;
    size_t shm, nsh;
    if (gridform_kernel_shells(k, 1, &shk, &shv, &shm, &nsh) != GRIDFORM_OK)
        shv = NAN;
    printf("\n%s maps (%zu steps; mean Rayleigh quotient %.6g, top eigenvalue %.6g at |k| = %.3f):\n",
           nl_name(o.nl), steps, obj / (double)ng, shv, shk);
    printf("  map  score60  score90  spacing(m)  orient(deg)  dominant k(rad/m)\n");
    for (size_t j = 0; j < ng; j++)
        printf("  %3zu  %7.3f  %7.3f  %10.3f  %11.1f  %17.3f\n", j, s.s60[j], s.s90[j], s.spacing[j],
               s.orient[j] * 180.0 / PI, s.domk[j]);
    printf("\n");
    summary(nl_name(o.nl), &s, ng, steps, kstar, spacing);
    if (control) {
        score_maps(sc, ctrl, ng, n, &c);
        summary("LINEAR", &c, ng, csteps, kstar, spacing);
    }

    for (size_t j = 0; j < ng; j++)
        gridform_scorer_autocorr(sc, maps + j * n, sac + j * sacn);
    char path[4096];
    snprintf(path, sizeof path, "%s.npy", o.prefix);
    size_t shape[3] = {ng, ny, nx};
    if (gridform_npy_write(path, maps, 3, shape) != GRIDFORM_OK) {
        fprintf(stderr, "gridform-hexgrid: %s\n", gridform_last_error());
        return 1;
    }
    printf("\nwrote %s\n", path);
    if (write_image(o.prefix, "", maps, ng, nx, ny, 2, GRIDFORM_IMAGE_PER_MAP) != 0
        || write_image(o.prefix, "_sac", sac, ng, 2 * nx - 1, 2 * ny - 1, 1, GRIDFORM_IMAGE_SYMMETRIC) != 0)
        return 1;

    free(maps);
    free(ctrl);
    free(sac);
    double *arrays[] = {s.s60, s.s90, s.spacing, s.orient, s.domk, s.scratch,
                        c.s60, c.s90, c.spacing, c.orient, c.domk, c.scratch};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(arrays[i]);
    gridform_scorer_destroy(sc);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(arena);
    return 0;
}
