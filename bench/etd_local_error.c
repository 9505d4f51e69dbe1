/* bench/etd_local_error: how accurate one step of each learner integrator
 * is, as a function of the step, on a state where the maps are still
 * choosing their pattern (issue 19: why an accurate integrator cannot take
 * the long steps the speed goals need; doc/theory.md §2.9).
 *
 * The demo's DoG code (sigma 0.12 m, s = 2) on a periodic 4.4 m box of
 * --n^2 points, --ng RELU maps (independent or Sanger), seeded and learned
 * with the defaults up to t max Sigma~ = --t0 (1000: the plateau of the
 * residual, where the patterns are formed and still moving).  From that
 * state x0, for each step H (times max Sigma~: 0.5 ... 64) it prints
 *
 *   moved   |x(H) - x0|, the flow's own displacement over H;
 *   etd2rk  |one ETD2RK step of H - x(H)| (GRIDFORM_INTEGRATOR_ETD, step
 *           control off), and the same over moved;
 *   euler   the same for one EULER step (where H is below its limit);
 *   exp02   the same for one step of 0.2's EXPONENTIAL scheme;
 *   order   log2 of the ETD2RK error's growth from H/2 to H (a smooth
 *           problem gives 3 for a second-order step);
 *   flips   bins whose active state (at 0 or not) differs between x0 and
 *           x(H), summed over the maps: the constraint's kinks crossed.
 *
 * x(H) is 256 ETD2RK steps of H/256 (its own error, from 128 steps of
 * H/128, is printed as refacc).  Distances are the largest over the maps
 * of the unit maps' Euclidean distance, the measure of the step control.
 * Steps, not seconds: the numbers do not depend on the machine.
 * `make bench/etd_local_error && ./bench/etd_local_error [--t0 T] [--n N]
 * [--ng NG] [--coupling independent|sanger] [--dir D]`.
 *
 * --dir D also writes D/spectrum.npy (Sigma~, ny x (nx/2 + 1)), D/x0.npy
 * (the maps at t0, ng x n x n) and D/ref_H.npy (x(H)) for H = 2, 8 and 32,
 * from which bench/reference/active_set_step.py measures the same errors
 * for an exponential step with the active set's operator in L. */
#include "config.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"

static void die(const char *what, int rc)
{
    fprintf(stderr, "etd_local_error: %s: %s (%s)\n", what, gridform_strerror(rc), gridform_last_error());
    exit(1);
}

static double num(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end != '\0' || !isfinite(v) || !(v > 0)) {
        fprintf(stderr, "etd_local_error: %s needs a positive number, got '%s'\n", opt, s);
        exit(2);
    }
    return v;
}

struct setup {
    gridform_kernel *kernel;
    size_t ng, npts;
    int sanger;
    double smax;
};

/* A learner of the setup with x0, integrator ig; fixed step h (times
 * max Sigma~) when h > 0, else the defaults. */
static gridform_learner *learner(const struct setup *s, int ig, double h, const double *x0)
{
    gridform_learner *l = NULL;
    int rc;
    if ((rc = gridform_learner_create(&l, s->kernel, s->ng)) != GRIDFORM_OK) die("learner", rc);
    if ((rc = gridform_learner_set_nonlinearity(l, GRIDFORM_NL_RELU, 0.0)) != GRIDFORM_OK) die("nonlinearity", rc);
    if (s->sanger && (rc = gridform_learner_set_coupling(l, GRIDFORM_COUPLING_SANGER)) != GRIDFORM_OK)
        die("coupling", rc);
    if ((rc = gridform_learner_set_integrator(l, ig)) != GRIDFORM_OK) die("integrator", rc);
    if (h > 0) {
        if ((rc = gridform_learner_set_step_control(l, 0)) != GRIDFORM_OK
            || (rc = gridform_learner_set_step(l, h / s->smax)) != GRIDFORM_OK)
            die("step", rc);
    }
    if (x0 != NULL && (rc = gridform_learner_set_maps(l, x0)) != GRIDFORM_OK) die("maps", rc);
    return l;
}

/* steps of h from x0 into out; 0, or -1 if the scheme failed */
static int advance(const struct setup *s, int ig, double h, size_t steps, const double *x0,
                   double *out)
{
    gridform_learner *l = learner(s, ig, h, x0);
    int rc = gridform_learner_iterate(l, steps);
    if (rc == GRIDFORM_OK)
        rc = gridform_learner_get_maps(l, out);
    gridform_learner_destroy(l);
    return rc == GRIDFORM_OK ? 0 : -1;
}

/* The largest distance over maps between the unit maps a and b. */
static double distance(const struct setup *s, const double *a, const double *b)
{
    double worst = 0.0;
    for (size_t j = 0; j < s->ng; j++) {
        const double *x = a + j * s->npts, *y = b + j * s->npts;
        double nx = 0.0, ny = 0.0, d = 0.0;
        for (size_t i = 0; i < s->npts; i++) {
            nx += x[i] * x[i];
            ny += y[i] * y[i];
        }
        nx = 1.0 / sqrt(nx);
        ny = 1.0 / sqrt(ny);
        for (size_t i = 0; i < s->npts; i++) {
            double t = x[i] * nx - y[i] * ny;
            d += t * t;
        }
        worst = fmax(worst, sqrt(d));
    }
    return worst;
}

int main(int argc, char **argv)
{
    size_t n = 64, ng = 8;
    double t0 = 1000.0;
    const char *coupling = "independent", *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || i + 1 >= argc) {
            fputs("usage: etd_local_error [--t0 T (1000)] [--n N (64)] [--ng NG (8)] "
                  "[--coupling independent|sanger] [--dir D]\n",
                  i + 1 >= argc && strcmp(argv[i], "--help") != 0 ? stderr : stdout);
            return strcmp(argv[i], "--help") == 0 ? 0 : 2;
        }
        const char *o = argv[i], *v = argv[++i];
        if (strcmp(o, "--t0") == 0) t0 = num(o, v);
        else if (strcmp(o, "--n") == 0) n = (size_t)num(o, v);
        else if (strcmp(o, "--ng") == 0) ng = (size_t)num(o, v);
        else if (strcmp(o, "--coupling") == 0) coupling = v;
        else if (strcmp(o, "--dir") == 0) dir = v;
        else {
            fprintf(stderr, "etd_local_error: unknown option %s\n", o);
            return 2;
        }
    }
    int sanger = strcmp(coupling, "sanger") == 0;
    if ((!sanger && strcmp(coupling, "independent") != 0) || n < 8 || ng < 1) {
        fprintf(stderr, "etd_local_error: --coupling independent|sanger, --n >= 8, --ng >= 1\n");
        return 2;
    }
    gridform_arena *ar = NULL;
    gridform_placecode *pc = NULL;
    struct setup s = {NULL, ng, n * n, sanger, 0.0};
    int rc;
    double L = 4.4 * (double)n / 64.0;
    if ((rc = gridform_arena_create(&ar, L, L, n, n, GRIDFORM_PERIODIC)) != GRIDFORM_OK) die("arena", rc);
    if ((rc = gridform_placecode_create(&pc, ar, GRIDFORM_TUNING_DOG, 0.12, 2.0, 1024, GRIDFORM_CENTERS_LATTICE, 1))
        != GRIDFORM_OK)
        die("placecode", rc);
    if ((rc = gridform_kernel_create(&s.kernel, pc, GRIDFORM_KERNEL_FOURIER)) != GRIDFORM_OK) die("kernel", rc);
    double kstar = 0.0, spacing = 0.0;
    gridform_kernel_ring(s.kernel, &kstar, &spacing);
    size_t nfreq = 0;
    gridform_arena_get_nfreq(ar, &nfreq);
    double *spec = malloc(nfreq * sizeof *spec);
    if (spec == NULL) {
        fprintf(stderr, "etd_local_error: out of memory\n");
        return 1;
    }
    if ((rc = gridform_kernel_spectrum(s.kernel, spec)) != GRIDFORM_OK) die("spectrum", rc);
    s.smax = spec[0];
    for (size_t i = 1; i < nfreq; i++)
        s.smax = fmax(s.smax, spec[i]);
    char path[4096];
    size_t shape2[2] = {n, n / 2 + 1}, shape3[3] = {ng, n, n};
    if (dir != NULL) {
        snprintf(path, sizeof path, "%s/spectrum.npy", dir);
        if ((rc = gridform_npy_write(path, spec, 2, shape2)) != GRIDFORM_OK) die(path, rc);
    }
    free(spec);

    size_t total = ng * s.npts;
    double *x0 = malloc(total * sizeof *x0), *ref = malloc(total * sizeof *ref), *y = malloc(total * sizeof *y);
    if (x0 == NULL || ref == NULL || y == NULL) {
        fprintf(stderr, "etd_local_error: out of memory\n");
        return 1;
    }
    /* the state at t0, by the defaults */
    gridform_learner *l = learner(&s, GRIDFORM_INTEGRATOR_ETD, 0.0, NULL);
    double euler_limit = 0.0, t = 0.0, res = 0.0;
    size_t steps = 0;
    if ((rc = gridform_learner_seed(l, 1, 0.01)) != GRIDFORM_OK) die("seed", rc);
    gridform_learner_get_euler_limit(l, &euler_limit);
    while (t * s.smax < t0) {
        if ((rc = gridform_learner_iterate(l, 1)) != GRIDFORM_OK) die("iterate", rc);
        gridform_learner_get_time(l, &t, &steps);
    }
    if ((rc = gridform_learner_get_residual(l, &res)) != GRIDFORM_OK) die("residual", rc);
    if ((rc = gridform_learner_get_maps(l, x0)) != GRIDFORM_OK) die("maps", rc);
    gridform_learner_destroy(l);
    if (dir != NULL) {
        snprintf(path, sizeof path, "%s/x0.npy", dir);
        if ((rc = gridform_npy_write(path, x0, 3, shape3)) != GRIDFORM_OK) die(path, rc);
    }
    printf("# %zu^2 x %zu RELU maps (%s), demo's DoG code, k* = %.4f rad/m; state at t max Sigma~ = %.1f "
           "(%zu default steps), KKT residual %.3e; Euler limit %.3g / max Sigma~\n",
           n, ng, coupling, kstar, t * s.smax, steps, res, euler_limit * s.smax);
    printf("%8s %10s %10s %8s %10s %8s %10s %8s %6s %6s %9s\n", "H smax", "moved", "etd2rk", "/moved", "euler",
           "/moved", "exp02", "/moved", "order", "flips", "refacc");
    static const double hs[] = {0.5, 1, 2, 4, 8, 16, 32, 64};
    double prev = NAN;
    for (size_t q = 0; q < sizeof hs / sizeof hs[0]; q++) {
        double H = hs[q];
        if (advance(&s, GRIDFORM_INTEGRATOR_ETD, H / 256, 256, x0, ref) != 0
            || advance(&s, GRIDFORM_INTEGRATOR_ETD, H / 128, 128, x0, y) != 0)
            die("reference", GRIDFORM_EDIVERGED);
        double refacc = distance(&s, y, ref), moved = distance(&s, x0, ref);
        if (dir != NULL && (H == 2 || H == 8 || H == 32)) {
            snprintf(path, sizeof path, "%s/ref_%g.npy", dir, H);
            if ((rc = gridform_npy_write(path, ref, 3, shape3)) != GRIDFORM_OK) die(path, rc);
        }
        size_t flips = 0;
        for (size_t i = 0; i < total; i++)
            flips += (x0[i] == 0.0) != (ref[i] == 0.0);
        double e2 = advance(&s, GRIDFORM_INTEGRATOR_ETD, H, 1, x0, y) == 0 ? distance(&s, y, ref) : NAN;
        double eu = H <= euler_limit * s.smax && advance(&s, GRIDFORM_INTEGRATOR_EULER, H, 1, x0, y) == 0
                        ? distance(&s, y, ref) : NAN;
        double ex = advance(&s, GRIDFORM_INTEGRATOR_EXPONENTIAL, H, 1, x0, y) == 0 ? distance(&s, y, ref) : NAN;
        printf("%8.2f %10.3e %10.3e %8.3f %10.3e %8.3f %10.3e %8.3f %6.2f %6zu %9.1e\n", H, moved, e2, e2 / moved, eu,
               eu / moved, ex, ex / moved, log2(e2 / prev), flips, refacc);
        prev = e2;
    }
    free(x0);
    free(ref);
    free(y);
    gridform_kernel_destroy(s.kernel);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(ar);
    return 0;
}
