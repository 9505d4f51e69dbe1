/* The two configurations of issue 19's table, run to a fixed model time
 * with any integrator, step and tolerance, and the answers that should not
 * depend on the step: median dominant k, median score60 and the number of
 * hexagonal maps (score60 > 0.37).
 *
 *   demo      periodic 4.4 m, 48^2, DoG (sigma 0.12 m, s 2, 1024 lattice
 *             cells), FOURIER kernel, scored with annuli from the ring;
 *   authors   walled 2.2 m, 50^2, 512 softmax-DoG cells at random centres,
 *             AVERAGED | CENTERED kernel, periodic SAC (examples/
 *             authors_pipeline's pipeline at n = 50).
 *
 * Both: 16 RELU maps from seed 1, t max Sigma~ = 3000 unless --time.
 * Usage: etd_answers demo|authors [--integrator etd|exponential|euler]
 *        [--dt D (units of 1/max Sigma~)] [--rtol R] [--time T] [--seed S]
 * Not a timing benchmark: it prints steps, not seconds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"
#include "../tests/learner_fixtures.h"

static int fail(const char *what, const char *detail)
{
    fprintf(stderr, "etd_answers: %s: %s\n", what, detail);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "demo") != 0 && strcmp(argv[1], "authors") != 0)) {
        fprintf(stderr, "usage: etd_answers demo|authors [--integrator etd|exponential|euler] [--dt D] "
                        "[--rtol R] [--time T] [--seed S]\n");
        return 2;
    }
    int demo = strcmp(argv[1], "demo") == 0, integ = GRIDFORM_INTEGRATOR_ETD;
    double dt = 0.0, rtol = 0.0, tmax = 3000.0;
    unsigned long long seed = 1;
    for (int i = 2; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (!strcmp(a, "--integrator"))
            integ = !strcmp(v, "euler") ? GRIDFORM_INTEGRATOR_EULER
                  : !strcmp(v, "exponential") ? GRIDFORM_INTEGRATOR_EXPONENTIAL : GRIDFORM_INTEGRATOR_ETD;
        else if (!strcmp(a, "--dt"))
            dt = atof(v);
        else if (!strcmp(a, "--rtol"))
            rtol = atof(v);
        else if (!strcmp(a, "--time"))
            tmax = atof(v);
        else if (!strcmp(a, "--seed"))
            seed = strtoull(v, NULL, 10);
        else
            return fail("unknown option", a);
    }
    size_t nside = demo ? 48 : 50, n = nside * nside, nf = nside * (nside / 2 + 1), ng = 16;
    gridform_arena *a = NULL;
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    gridform_scorer *sc = NULL;
    gridform_learner *l = NULL;
    double box = demo ? 4.4 : 2.2;
    if (gridform_arena_create(&a, box, box, nside, nside, demo ? GRIDFORM_PERIODIC : GRIDFORM_WALLED) != GRIDFORM_OK
        || gridform_placecode_create(&pc, a, demo ? GRIDFORM_TUNING_DOG : GRIDFORM_TUNING_SOFTMAX_DOG, 0.12, 2.0,
                                     demo ? 1024 : 512, demo ? GRIDFORM_CENTERS_LATTICE : GRIDFORM_CENTERS_RANDOM, 1)
               != GRIDFORM_OK
        || gridform_kernel_create(&k, pc, demo ? GRIDFORM_KERNEL_FOURIER
                                               : GRIDFORM_KERNEL_AVERAGED | GRIDFORM_KERNEL_CENTERED) != GRIDFORM_OK
        || gridform_scorer_create(&sc, a) != GRIDFORM_OK)
        return fail("setup", gridform_last_error());
    double kstar, spacing;
    if (demo) {
        if (gridform_kernel_ring(k, &kstar, &spacing) != GRIDFORM_OK
            || gridform_scorer_set_annuli_m(sc, 0.5 * spacing, 1.2 * spacing, 2.5 * spacing, 10) != GRIDFORM_OK)
            return fail("annuli", gridform_last_error());
    } else if (gridform_scorer_set_boundary(sc, GRIDFORM_PERIODIC) != GRIDFORM_OK) {
        return fail("scorer", gridform_last_error());
    }
    double *sp = malloc(nf * sizeof *sp), smax = -INFINITY;
    if (sp == NULL || gridform_kernel_spectrum(k, sp) != GRIDFORM_OK)
        return fail("spectrum", gridform_last_error());
    for (size_t b = 0; b < nf; b++)
        smax = fmax(smax, sp[b]);
    free(sp);
    if (gridform_learner_create(&l, k, ng) != GRIDFORM_OK)
        return fail("learner", gridform_last_error());
    if (gridform_learner_set_integrator(l, integ) != GRIDFORM_OK || (dt > 0.0 && gridform_learner_set_step(l, dt / smax))
        || (rtol > 0.0 && gridform_learner_set_tolerance(l, rtol)) || gridform_learner_seed(l, seed, 1.0))
        return fail("options", gridform_learner_last_error(l));
    /* to exactly t = tmax / max Sigma~: the last step is cut to what remains */
    double t = 0.0, tend = tmax / smax, h;
    size_t steps = 0, rejected = 0;
    while (t < tend * (1.0 - 1e-12)) {
        gridform_learner_get_step(l, &h);
        if (t + h > tend)
            gridform_learner_set_step(l, tend - t);
        int rc = gridform_learner_iterate(l, 1);
        if (rc != GRIDFORM_OK)
            return fail("iterate", gridform_learner_last_error(l));
        gridform_learner_get_time(l, &t, &steps);
    }
    gridform_learner_get_rejected(l, &rejected);
    double res, *maps = malloc(ng * n * sizeof *maps), s60[16], dk[16];
    gridform_learner_get_residual(l, &res);
    gridform_learner_get_maps(l, maps);
    int rc = lf_score_maps(sc, maps, ng, n, s60, dk);
    if (rc != GRIDFORM_OK && rc != GRIDFORM_EUNDEFINED)
        return fail("score", gridform_scorer_last_error(sc));
    lf_answers ans = lf_answers_of(s60, dk, ng);
    printf("%s: integrator %d, dt %g, rtol %g, t max Sigma~ %.0f: %zu steps (%zu rejected); median dominant k "
           "%.3f rad/m, median score60 %.3f, %zu/%zu hexagonal, residual %.3g\n", argv[1], integ, dt, rtol, tmax,
           steps, rejected, ans.median_k, ans.median_score60, ans.hex, ng, res);
    free(maps);
    gridform_learner_destroy(l);
    gridform_scorer_destroy(sc);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
    return 0;
}
