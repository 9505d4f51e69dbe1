/* bench/stationarity: the C side of the time-to-stationarity benchmark of
 * issue 19, driven by bench/stationarity.py, which prints the table.
 *
 * One run: ng RELU maps of the demo's DoG code (sigma 0.12 m, s = 2) on a
 * periodic box of 4.4 n/64 m and n x n points (the 64^2 box of the demo,
 * and the same density of points at 128^2), independent or Sanger, seeded,
 * learned with gridform_learner_run until the KKT residual of the maps
 * (gridform_learner_get_residual, doc/theory.md §2.7) falls below --tol,
 * by one scheme:
 *
 *   default   the learner's defaults (GRIDFORM_INTEGRATOR_ETD, its
 *             tolerance; --rtol changes it)
 *   euler     GRIDFORM_INTEGRATOR_EULER at the fixed step --dt-rel /
 *             max Sigma~ (step control off): what a careful user runs
 *   exp02     GRIDFORM_INTEGRATOR_EXPONENTIAL at its default step, 0.2.0's
 *             default: fast, and not the flow's answer
 *   active    GRIDFORM_INTEGRATOR_ACTIVE_SET at the learner's tolerance
 *             (--rtol changes it): bench/reference/active_set_run.py in C
 *
 * transforms_per_map counts the FFTs (forward or inverse) per map the run
 * needed, from the steps and rejections: default (ETD2RK) 3 for the first
 * stage, 5 per attempt and 3 per accepted step; active 2 for the first
 * force, 2 (m - 1) = 6 for the state's basis and 2 + 6 per attempt and 2
 * per accepted step (m = 4 Lanczos steps; a Lanczos breakdown, which only
 * happens at a fixed point, would save some: an upper bound); euler and
 * exp02 2 per attempt.  The residual checks of gridform_learner_run are
 * free under default and active (the accepted step's stage computes it),
 * two transforms per step under euler and exp02 (not counted).
 *
 * and prints one line of key=value: the wall time of the run alone (the
 * learner created, seeded and planned before the clock starts), the
 * steps, the status, the final residual, and the answer: median dominant k
 * of the maps, fraction with score60 > 0.37 and median score60 (the
 * scorer's periodic defaults with annuli around the predicted spacing).
 * --planning sets FFTW's rigor (gridform_learner_set_planning; planned
 * before the clock starts).  --dir writes spectrum.npy and maps0.npy (the seeded maps, unit norm),
 * from which the NumPy and PyTorch references start; --maps-out writes the
 * final maps.  Built by `make bench-stationarity`, never by `make check`. */
#include "config.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "gridform.h"

static void die(const char *what, int rc)
{
    fprintf(stderr, "stationarity: %s: %s (%s)\n", what, gridform_strerror(rc), gridform_last_error());
    exit(1);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double num(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end != '\0' || !isfinite(v)) {
        fprintf(stderr, "stationarity: %s needs a finite number, got '%s'\n", opt, s);
        exit(2);
    }
    return v;
}

static void usage(FILE *f)
{
    fputs("usage: stationarity [options]\n"
          "  --n N           points per side (64); the box is 4.4 N/64 m\n"
          "  --ng NG         maps (32)\n"
          "  --coupling C    independent | sanger | symmetric (independent)\n"
          "  --scheme S      default | euler | exp02 | active (default)\n"
          "  --dt-rel X      euler: the step times max Sigma~ (1)\n"
          "  --rtol R        default, active: the local tolerance (the learner's default)\n"
          "  --tol T         stationarity: KKT residual (1e-4)\n"
          "  --ceiling X     default, active: gridform_learner_set_step(X / max Sigma~), the first and the\n"
          "                  largest step (the integrator's own otherwise)\n"
          "  --max-steps M   give up after M steps (1000000)\n"
          "  --model-time T  instead of running to --tol, step until t max Sigma~ >= T\n"
          "                  (for exp02, whose fixed points are not the flow's, so its\n"
          "                  residual need not reach any tolerance)\n"
          "  --seed S        seed of the maps (1)\n"
          "  --planning P    estimate | measure | patient: FFTW's rigor (estimate, the default)\n"
          "  --dir D         write D/spectrum.npy and D/maps0.npy\n"
          "  --maps-out F    write the final maps to F (.npy)\n", f);
}

int main(int argc, char **argv)
{
    size_t n = 64, ng = 32, max_steps = 1000000;
    double dt_rel = 1.0, rtol = 0.0, tol = 1e-4, model_time_rel = 0.0, ceiling_rel = 0.0;
    unsigned long long seed = 1;
    const char *coupling = "independent", *scheme = "default", *dir = NULL, *maps_out = NULL, *planning = "estimate";
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            usage(stderr);
            return 2;
        }
        const char *v = argv[++i];
        if (strcmp(o, "--n") == 0) n = (size_t)num(o, v);
        else if (strcmp(o, "--ng") == 0) ng = (size_t)num(o, v);
        else if (strcmp(o, "--coupling") == 0) coupling = v;
        else if (strcmp(o, "--scheme") == 0) scheme = v;
        else if (strcmp(o, "--dt-rel") == 0) dt_rel = num(o, v);
        else if (strcmp(o, "--rtol") == 0) rtol = num(o, v);
        else if (strcmp(o, "--tol") == 0) tol = num(o, v);
        else if (strcmp(o, "--ceiling") == 0) ceiling_rel = num(o, v);
        else if (strcmp(o, "--model-time") == 0) model_time_rel = num(o, v);
        else if (strcmp(o, "--max-steps") == 0) max_steps = (size_t)num(o, v);
        else if (strcmp(o, "--seed") == 0) seed = (unsigned long long)num(o, v);
        else if (strcmp(o, "--dir") == 0) dir = v;
        else if (strcmp(o, "--maps-out") == 0) maps_out = v;
        else if (strcmp(o, "--planning") == 0) planning = v;
        else {
            usage(stderr);
            return 2;
        }
    }
    int sanger = strcmp(coupling, "sanger") == 0, symmetric = strcmp(coupling, "symmetric") == 0;
    if (!sanger && !symmetric && strcmp(coupling, "independent") != 0) {
        fprintf(stderr, "stationarity: --coupling must be independent, sanger or symmetric\n");
        return 2;
    }
    int sch = strcmp(scheme, "default") == 0 ? 0 : strcmp(scheme, "euler") == 0 ? 1 : strcmp(scheme, "exp02") == 0 ? 2
            : strcmp(scheme, "active") == 0 ? 3 : -1;
    int rigor = strcmp(planning, "estimate") == 0 ? GRIDFORM_PLAN_ESTIMATE
              : strcmp(planning, "measure") == 0  ? GRIDFORM_PLAN_MEASURE
              : strcmp(planning, "patient") == 0  ? GRIDFORM_PLAN_PATIENT
                                                  : -1;
    if (sch < 0 || rigor < 0 || n < 8 || ng < 1 || !(dt_rel > 0) || !(tol > 0)) {
        usage(stderr);
        return 2;
    }

    double L = 4.4 * (double)n / 64.0;
    gridform_arena *ar = NULL;
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    gridform_learner *l = NULL;
    gridform_scorer *sc = NULL;
    int rc;
    if ((rc = gridform_arena_create(&ar, L, L, n, n, GRIDFORM_PERIODIC)) != GRIDFORM_OK) die("arena", rc);
    if ((rc = gridform_placecode_create(&pc, ar, GRIDFORM_TUNING_DOG, 0.12, 2.0, 1024, GRIDFORM_CENTERS_LATTICE, 1))
        != GRIDFORM_OK)
        die("placecode", rc);
    if ((rc = gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER)) != GRIDFORM_OK) die("kernel", rc);
    size_t nfreq = 0;
    gridform_arena_get_nfreq(ar, &nfreq);
    double *spec = malloc(nfreq * sizeof *spec), *maps = malloc(ng * n * n * sizeof *maps);
    if (spec == NULL || maps == NULL) {
        fprintf(stderr, "stationarity: out of memory\n");
        return 1;
    }
    if ((rc = gridform_kernel_spectrum(k, spec)) != GRIDFORM_OK) die("spectrum", rc);
    double smax = spec[0], smin = spec[0];
    for (size_t i = 1; i < nfreq; i++) {
        smax = fmax(smax, spec[i]);
        smin = fmin(smin, spec[i]);
    }

    if ((rc = gridform_learner_create(&l, k, ng)) != GRIDFORM_OK) die("learner", rc);
    if ((rc = gridform_learner_set_nonlinearity(l, GRIDFORM_NL_RELU, 0.0)) != GRIDFORM_OK) die("nonlinearity", rc);
    if (rigor != GRIDFORM_PLAN_ESTIMATE && (rc = gridform_learner_set_planning(l, rigor)) != GRIDFORM_OK)
        die("planning", rc);
    if (sanger && (rc = gridform_learner_set_coupling(l, GRIDFORM_COUPLING_SANGER)) != GRIDFORM_OK)
        die("coupling", rc);
    if (symmetric && (rc = gridform_learner_set_coupling(l, GRIDFORM_COUPLING_SYMMETRIC)) != GRIDFORM_OK)
        die("coupling", rc);
    if (sch == 1) {
        if ((rc = gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_EULER)) != GRIDFORM_OK
            || (rc = gridform_learner_set_step_control(l, 0)) != GRIDFORM_OK
            || (rc = gridform_learner_set_step(l, dt_rel / smax)) != GRIDFORM_OK)
            die("euler", rc);
    } else if (sch == 2) {
        if ((rc = gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_EXPONENTIAL)) != GRIDFORM_OK)
            die("exp02", rc);
    } else {
        if (sch == 3 && (rc = gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_ACTIVE_SET)) != GRIDFORM_OK)
            die("active", rc);
        if (rtol > 0 && (rc = gridform_learner_set_tolerance(l, rtol)) != GRIDFORM_OK)
            die("tolerance", rc);
        if (ceiling_rel > 0 && (rc = gridform_learner_set_step(l, ceiling_rel / smax)) != GRIDFORM_OK)
            die("ceiling", rc);
    }
    if ((rc = gridform_learner_seed(l, seed, 0.01)) != GRIDFORM_OK) die("seed", rc);
    if (dir != NULL) {
        char path[4096];
        size_t shape3[3] = {ng, n, n}, shape2[2] = {n, n / 2 + 1};
        if ((rc = gridform_learner_get_maps(l, maps)) != GRIDFORM_OK) die("maps", rc);
        snprintf(path, sizeof path, "%s/maps0.npy", dir);
        if ((rc = gridform_npy_write(path, maps, 3, shape3)) != GRIDFORM_OK) die(path, rc);
        snprintf(path, sizeof path, "%s/spectrum.npy", dir);
        if ((rc = gridform_npy_write(path, spec, 2, shape2)) != GRIDFORM_OK) die(path, rc);
    }
    double dt = 0.0, euler_limit = 0.0;
    gridform_learner_get_step(l, &dt);
    gridform_learner_get_euler_limit(l, &euler_limit);
    /* gridform_learner_get_euler_limit is safe from any maps: for coupled
     * maps it assumes all ng aligned, 2 / ((ng - 1) max Sigma~) for
     * Sanger.  Seeded maps are nearly orthogonal (overlaps ~ n^-1/2), and
     * so are the maps all along a Sanger run: then map j only loses its
     * overlaps with the maps before it at rate <= max Sigma~, and the
     * limit is min(2 / (max - min Sigma~), 2 / max Sigma~) (the symmetric
     * rule's 2 / (2 max Sigma~)); lib/learner_step.c derives both. */
    double orth_limit = 2.0 / (smax - smin), orth_rate = sanger ? smax : symmetric ? 2.0 * smax : 0.0;
    if (ng > 1 && orth_rate > 0.0 && 2.0 / orth_rate < orth_limit)
        orth_limit = 2.0 / orth_rate;

    double t0 = now();
    int status;
    if (model_time_rel > 0) {
        double t = 0.0;
        size_t taken = 0;
        status = GRIDFORM_OK;
        while (status == GRIDFORM_OK && t * smax < model_time_rel && taken < max_steps) {
            status = gridform_learner_iterate(l, 1);
            gridform_learner_get_time(l, &t, &taken);
        }
        double r = NAN;
        if (status == GRIDFORM_OK && gridform_learner_get_residual(l, &r) == GRIDFORM_OK && !(r < tol))
            status = GRIDFORM_CONTINUE;
    } else {
        status = gridform_learner_run(l, max_steps, tol, NULL, NULL);
    }
    double seconds = now() - t0;
    if (status != GRIDFORM_OK && status != GRIDFORM_CONTINUE) die("run", status);
    double res = NAN, model_time = 0.0;
    size_t steps = 0, rejected = 0;
    gridform_learner_get_residual(l, &res);
    gridform_learner_get_time(l, &model_time, &steps);
    gridform_learner_get_rejected(l, &rejected);
    double transforms = sch == 0   ? 3.0 + 5.0 * (double)(steps + rejected) + 3.0 * (double)steps
                      : sch == 3 ? 2.0 + 8.0 * (double)(steps + rejected) + 8.0 * (double)steps
                                 : 2.0 * (double)(steps + rejected);
    if ((rc = gridform_learner_get_maps(l, maps)) != GRIDFORM_OK) die("maps", rc);
    if (maps_out != NULL) {
        size_t shape3[3] = {ng, n, n};
        if ((rc = gridform_npy_write(maps_out, maps, 3, shape3)) != GRIDFORM_OK) die(maps_out, rc);
    }

    /* the answer: median dominant k, hexagonal fraction, median score60 */
    double kstar = 0, spacing = 0;
    gridform_kernel_ring(k, &kstar, &spacing);
    /* annuli around the first rings of peaks when the box holds them (it
     * holds several periods), else the scorer's defaults */
    if ((rc = gridform_scorer_create(&sc, ar)) != GRIDFORM_OK)
        die("scorer", rc);
    if (1.2 * spacing < 0.45 * L
        && (rc = gridform_scorer_set_annuli_m(sc, 0.5 * spacing, 1.2 * spacing, fmin(2.5 * spacing, 0.45 * L), 10))
               != GRIDFORM_OK)
        die("annuli", rc);
    double *s60 = malloc(ng * sizeof *s60), *kd = malloc(ng * sizeof *kd);
    if (s60 == NULL || kd == NULL) {
        fprintf(stderr, "stationarity: out of memory\n");
        return 1;
    }
    rc = gridform_scorer_score(sc, maps, ng, s60, NULL, NULL, NULL);
    if (rc != GRIDFORM_OK && rc != GRIDFORM_EUNDEFINED) die("score", rc);
    size_t hex = 0;
    for (size_t j = 0; j < ng; j++) {
        if (!isfinite(s60[j]))
            s60[j] = -2.0;
        hex += s60[j] > 0.37;
        if (gridform_map_dominant_k(sc, maps + j * n * n, &kd[j]) != GRIDFORM_OK)
            kd[j] = NAN;
    }
    printf("result scheme=%s n=%zu ng=%zu coupling=%s tol=%g dt=%.6g dt_rel=%.6g seconds=%.6f steps=%zu time_rel=%.6g "
           "status=%s residual=%.6g median_k=%.6f hex=%zu hex_fraction=%.4f median_score60=%.4f kstar=%.6f "
           "smax=%.6g euler_limit_rel=%.6g euler_limit_orth_rel=%.6g rejected=%zu transforms_per_map=%.0f k_maps=",
           scheme, n, ng, coupling, tol, dt, dt * smax, seconds, steps, model_time * smax,
           status == GRIDFORM_OK ? "converged" : "not_converged", res, median(kd, ng), hex,
           (double)hex / (double)ng, median(s60, ng), kstar, smax, euler_limit * smax,
           orth_limit * smax, rejected, transforms);
    /* each map's dominant k in map order: Sanger maps are ordered, so
     * runs compare map for map (bench/stationarity.py) */
    for (size_t j = 0; j < ng; j++)
        printf("%s%.4f", j ? "," : "", kd[j]);
    printf("\n");
    free(s60);
    free(kd);
    free(spec);
    free(maps);
    gridform_scorer_destroy(sc);
    gridform_learner_destroy(l);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(ar);
    return 0;
}
