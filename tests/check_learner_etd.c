/* The learner's error-controlled default integrator (GRIDFORM_INTEGRATOR_ETD)
 * and the stationarity residual (doc/theory.md §2.7 and §2.9): the residual
 * against its analytic value and its independence of the step, the
 * tolerance's error paths, GRIDFORM_EACCURACY, exact fixed points,
 * bit-identical results across thread counts, and arenas with a shape
 * (set by hand through lib/internal.h until public constructors land). */
#include "config.h"
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"
#include "../lib/internal.h"
#include "learner_fixtures.h"

/* The residual against an independent computation: for LINEAR maps it is
 * |Sigma g - <g, Sigma g> g| / max Sigma~.  A map of two plane waves on
 * bins with eigenvalues s1, s2, g ~ cos(k1.x) + cos(k2.x), has residual
 * |s1 - s2| / (2 max Sigma~) exactly; one plane wave has residual 0. */
START_TEST(test_residual_analytic)
{
    lf_setup s;
    size_t nx = 24, ny = 20, n = nx * ny, nh = nx / 2 + 1, nf = ny * nh;
    double lx = 2.2, ly = 1.9;
    lf_make_dog(&s, lx, ly, nx, ny, GRIDFORM_KERNEL_FOURIER, 256);
    double *sp = malloc(nf * sizeof *sp), *g = malloc(2 * n * sizeof *g);
    ck_assert_int_eq(gridform_kernel_spectrum(s.k, sp), GRIDFORM_OK);
    double smax = lf_smax(s.k, nf);
    /* bins (iy, jx) = (0, 3) and (2, 1) */
    double s1 = sp[0 * nh + 3], s2 = sp[2 * nh + 1];
    for (size_t iy = 0; iy < ny; iy++)
        for (size_t ix = 0; ix < nx; ix++) {
            double p1 = 2 * M_PI * 3.0 * (double)ix / (double)nx;
            double p2 = 2 * M_PI * ((double)ix / (double)nx + 2.0 * (double)iy / (double)ny);
            g[iy * nx + ix] = cos(p1);
            g[n + iy * nx + ix] = cos(p1) + cos(p2);
        }
    gridform_learner *l = NULL;
    ck_assert_int_eq(gridform_learner_create(&l, s.k, 2), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_nonlinearity(l, GRIDFORM_NL_LINEAR, 0.0), GRIDFORM_OK);
    double res;
    ck_assert_int_eq(gridform_learner_get_residual(l, &res), GRIDFORM_EINVAL);   /* no maps yet */
    ck_assert_int_eq(gridform_learner_set_maps(l, g), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_get_residual(l, &res), GRIDFORM_OK);
    double want = fabs(s1 - s2) / (2.0 * smax);
    ck_assert_msg(fabs(res - want) <= 1e-12 * want, "residual %.17g, want %.17g", res, want);
    /* map 0 alone: an eigenvector */
    memcpy(g + n, g, n * sizeof *g);
    ck_assert_int_eq(gridform_learner_set_maps(l, g), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_get_residual(l, &res), GRIDFORM_OK);
    ck_assert_double_lt(res, 1e-13);
    gridform_learner_destroy(l);
    free(sp);
    free(g);
    lf_free_setup(&s);
}
END_TEST

/* The same maps give the same residual under every integrator, step,
 * tolerance and thread count (to 1e-12 relative), for every nonlinearity
 * and coupling. */
START_TEST(test_residual_step_independent)
{
    lf_setup s;
    size_t nx = 24, ny = 24, n = nx * ny, ng = 4;
    lf_make_dog(&s, 2.2, 2.2, nx, ny, GRIDFORM_KERNEL_FOURIER, 256);
    double *g = malloc(ng * n * sizeof *g), smax = lf_smax(s.k, ny * (nx / 2 + 1));
    for (int nl = GRIDFORM_NL_LINEAR; nl <= GRIDFORM_NL_TANH; nl++)
        for (int cp = GRIDFORM_COUPLING_INDEPENDENT; cp <= GRIDFORM_COUPLING_SYMMETRIC; cp++) {
            double strength = nl == GRIDFORM_NL_SOFT || nl == GRIDFORM_NL_TANH ? 2.0 * smax : 0.0;
            gridform_learner *l = lf_learner(s.k, ng, nl, strength, cp, -1);
            ck_assert_int_eq(gridform_learner_seed(l, 7, 1.0), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_iterate(l, 12), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_get_maps(l, g), GRIDFORM_OK);
            double ref;
            ck_assert_int_eq(gridform_learner_get_residual(l, &ref), GRIDFORM_OK);
            ck_assert(isfinite(ref) && ref > 0.0);
            gridform_learner_destroy(l);
            const int integ[4] = {GRIDFORM_INTEGRATOR_EULER, GRIDFORM_INTEGRATOR_EXPONENTIAL,
                                  GRIDFORM_INTEGRATOR_ETD, GRIDFORM_INTEGRATOR_ETD};
            const double steps[4] = {0.01, 25.0, 0.5, 3.0};
            for (int v = 0; v < 4; v++) {
                double res;
                l = lf_learner(s.k, ng, nl, strength, cp, -1);
                ck_assert_int_eq(gridform_learner_set_integrator(l, integ[v]), GRIDFORM_OK);
                ck_assert_int_eq(gridform_learner_set_step(l, steps[v] / smax), GRIDFORM_OK);
                ck_assert_int_eq(gridform_learner_set_tolerance(l, v == 3 ? 1e-6 : 0.1), GRIDFORM_OK);
                ck_assert_int_eq(gridform_learner_set_threads(l, v % 2 ? 3 : 1), GRIDFORM_OK);
                ck_assert_int_eq(gridform_learner_set_maps(l, g), GRIDFORM_OK);
                ck_assert_int_eq(gridform_learner_get_residual(l, &res), GRIDFORM_OK);
                ck_assert_msg(fabs(res - ref) <= 1e-12 * ref, "nl %d coupling %d variant %d: %.17g vs %.17g", nl, cp,
                              v, res, ref);
                gridform_learner_destroy(l);
            }
        }
    free(g);
    lf_free_setup(&s);
}
END_TEST

START_TEST(test_tolerance_errors)
{
    lf_setup s;
    lf_make_dog(&s, 2.2, 2.2, 16, 16, GRIDFORM_KERNEL_FOURIER, 256);
    gridform_learner *l = NULL;
    double rtol;
    ck_assert_int_eq(gridform_learner_create(&l, s.k, 2), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_get_tolerance(l, &rtol), GRIDFORM_OK);
    ck_assert(rtol == 1e-3);   /* the documented default */
    const double bad[] = {0.0, -1e-3, 1.0, 2.0, NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(gridform_learner_set_tolerance(l, bad[i]), GRIDFORM_EINVAL);
        ck_assert_ptr_nonnull(strstr(gridform_learner_last_error(l), "rtol"));
    }
    ck_assert_int_eq(gridform_learner_set_tolerance(NULL, 1e-3), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_learner_get_tolerance(l, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_learner_set_tolerance(l, 2.5e-4), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_get_tolerance(l, &rtol), GRIDFORM_OK);
    ck_assert(rtol == 2.5e-4);
    ck_assert_int_eq(gridform_learner_set_integrator(l, 5), GRIDFORM_EINVAL);
    gridform_learner_destroy(l);
    lf_free_setup(&s);
}
END_TEST

/* A tolerance no step can meet: GRIDFORM_EACCURACY, not OK, and the maps
 * are kept (the seeded ones; then the last accepted ones, with their
 * residual). */
START_TEST(test_cannot_meet_tolerance)
{
    lf_setup s;
    size_t n = 16 * 16, ng = 2;
    lf_make_dog(&s, 2.2, 2.2, 16, 16, GRIDFORM_KERNEL_FOURIER, 256);
    double *g0 = malloc(ng * n * sizeof *g0), *g1 = malloc(ng * n * sizeof *g1);
    gridform_learner *l = NULL;
    ck_assert_int_eq(gridform_learner_create(&l, s.k, ng), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_seed(l, 3, 1.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_get_maps(l, g0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_tolerance(l, 1e-300), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_iterate(l, 1), GRIDFORM_EACCURACY);
    ck_assert_ptr_nonnull(strstr(gridform_learner_last_error(l), "tolerance"));
    ck_assert_ptr_nonnull(strstr(gridform_learner_last_error(l), "gridform_learner_iterate"));
    ck_assert_int_eq(gridform_learner_get_maps(l, g1), GRIDFORM_OK);
    ck_assert(memcmp(g0, g1, ng * n * sizeof *g0) == 0);
    size_t steps, rej;
    ck_assert_int_eq(gridform_learner_get_time(l, NULL, &steps), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_get_rejected(l, &rej), GRIDFORM_OK);
    ck_assert_uint_eq(steps, 0);
    ck_assert_uint_gt(rej, 10);
    ck_assert_str_eq(gridform_strerror(GRIDFORM_EACCURACY), "the step control could not meet the error tolerance");
    /* back to a reasonable tolerance: it steps; then an impossible one
     * fails in run too and keeps the accepted maps */
    ck_assert_int_eq(gridform_learner_set_tolerance(l, 1e-3), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_iterate(l, 5), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_get_maps(l, g0), GRIDFORM_OK);
    double r0, r1;
    ck_assert_int_eq(gridform_learner_get_residual(l, &r0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_tolerance(l, 1e-300), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_run(l, 10, 1e-12, NULL, NULL), GRIDFORM_EACCURACY);
    ck_assert_ptr_nonnull(strstr(gridform_learner_last_error(l), "gridform_learner_run"));
    ck_assert_int_eq(gridform_learner_get_maps(l, g1), GRIDFORM_OK);
    ck_assert(memcmp(g0, g1, ng * n * sizeof *g0) == 0);
    /* the residual reported is the kept maps', not a rejected stage's */
    ck_assert_int_eq(gridform_learner_get_residual(l, &r1), GRIDFORM_OK);
    ck_assert_msg(r1 == r0, "residual %.17g before the failed step, %.17g after", r0, r1);
    ck_assert_int_eq(gridform_learner_iterate(l, 1), GRIDFORM_EACCURACY);
    ck_assert_int_eq(gridform_learner_get_residual(l, &r1), GRIDFORM_OK);
    ck_assert_msg(r1 == r0, "residual %.17g before the failed iterate, %.17g after", r0, r1);
    gridform_learner_destroy(l);
    free(g0);
    free(g1);
    lf_free_setup(&s);
}
END_TEST

/* A stationary state of the continuous problem is a fixed point of the
 * ETD step at every step size: converge RELU maps with EULER (a projected
 * gradient scheme, exact fixed points), then take long ETD steps. */
START_TEST(test_exact_fixed_points)
{
    lf_setup s;
    size_t n = 24 * 24, ng = 2;
    lf_make_dog(&s, 2.2, 2.2, 24, 24, GRIDFORM_KERNEL_FOURIER, 256);
    double smax = lf_smax(s.k, 24 * 13), res;
    double *g = malloc(ng * n * sizeof *g);
    gridform_learner *l = NULL;
    ck_assert_int_eq(gridform_learner_create(&l, s.k, ng), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_EULER), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_seed(l, 2, 1.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_run(l, 20000, 1e-11, NULL, NULL), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_get_maps(l, g), GRIDFORM_OK);
    for (double h = 0.1; h <= 25.0; h *= 4.0) {
        ck_assert_int_eq(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_ETD), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_set_step(l, h / smax), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_set_step_control(l, 0), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_set_maps(l, g), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_iterate(l, 20), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_get_residual(l, &res), GRIDFORM_OK);
        ck_assert_msg(res < 1e-10, "h max Sigma~ = %g: residual %g after 20 steps", h, res);
    }
    gridform_learner_destroy(l);
    free(g);
    lf_free_setup(&s);
}
END_TEST

/* Bit-identical maps for 1 and 3 threads, for every coupling, both
 * precisions and an EXACT kernel. */
START_TEST(test_threads_identical)
{
    const int modes[2] = {GRIDFORM_KERNEL_FOURIER, GRIDFORM_KERNEL_EXACT};
    for (int m = 0; m < 2; m++) {
        lf_setup s;
        size_t n = 20 * 20, ng = 5;
        lf_make_dog(&s, 2.2, 2.2, 20, 20, modes[m], 256);
        double *g[2];
        g[0] = malloc(ng * n * sizeof(double));
        g[1] = malloc(ng * n * sizeof(double));
        for (int cp = GRIDFORM_COUPLING_INDEPENDENT; cp <= GRIDFORM_COUPLING_SYMMETRIC; cp++)
            for (int prec = GRIDFORM_PRECISION_DOUBLE; prec <= GRIDFORM_PRECISION_SINGLE; prec++) {
                if (modes[m] == GRIDFORM_KERNEL_EXACT && prec == GRIDFORM_PRECISION_SINGLE)
                    continue;   /* EXACT kernels are double only */
                for (int t = 0; t < 2; t++) {
                    gridform_learner *l = NULL;
                    ck_assert_int_eq(gridform_learner_create(&l, s.k, ng), GRIDFORM_OK);
                    ck_assert_int_eq(gridform_learner_set_coupling(l, cp), GRIDFORM_OK);
                    ck_assert_int_eq(gridform_learner_set_precision(l, prec), GRIDFORM_OK);
                    ck_assert_int_eq(gridform_learner_set_threads(l, t ? 3 : 1), GRIDFORM_OK);
                    ck_assert_int_eq(gridform_learner_seed(l, 11, 1.0), GRIDFORM_OK);
                    ck_assert_int_eq(gridform_learner_iterate(l, 15), GRIDFORM_OK);
                    ck_assert_int_eq(gridform_learner_get_maps(l, g[t]), GRIDFORM_OK);
                    gridform_learner_destroy(l);
                }
                ck_assert_msg(memcmp(g[0], g[1], ng * n * sizeof(double)) == 0, "mode %d coupling %d precision %d",
                              modes[m], cp, prec);
            }
        free(g[0]);
        free(g[1]);
        lf_free_setup(&s);
    }
}
END_TEST

/* gridform_learner_set_planning remakes the integrator's transforms too,
 * mid-run, without touching its state: FFTW_MEASURE overwrites the arrays it
 * plans on, and the state's spectra live across steps, so the plans are
 * made on scratch arrays.  20 steps, MEASURE (then PATIENT), 20 more steps
 * must agree with 40 steps planned with ESTIMATE to the round-off of a
 * different FFT algorithm (a clobbered state would be off by O(1)); and
 * the residual of the same maps must not change with the plans. */
START_TEST(test_planning_mid_run)
{
    lf_setup s;
    size_t n = 24 * 24, ng = 4;
    lf_make_dog(&s, 2.2, 2.2, 24, 24, GRIDFORM_KERNEL_FOURIER, 256);
    double *g[2];
    double res[2];
    g[0] = malloc(ng * n * sizeof(double));
    g[1] = malloc(ng * n * sizeof(double));
    for (int rigor = GRIDFORM_PLAN_MEASURE; rigor <= GRIDFORM_PLAN_PATIENT; rigor++) {
        for (int t = 0; t < 2; t++) {
            gridform_learner *l = NULL;
            ck_assert_int_eq(gridform_learner_create(&l, s.k, ng), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_set_coupling(l, GRIDFORM_COUPLING_SANGER), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_seed(l, 5, 1.0), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_iterate(l, 20), GRIDFORM_OK);
            if (t == 1) {
                double before = 0.0;
                ck_assert_int_eq(gridform_learner_get_residual(l, &before), GRIDFORM_OK);
                ck_assert_int_eq(gridform_learner_set_planning(l, rigor), GRIDFORM_OK);
                double after = 0.0;
                ck_assert_int_eq(gridform_learner_get_residual(l, &after), GRIDFORM_OK);
                ck_assert_msg(after == before, "rigor %d: residual %.17g before replanning, %.17g after", rigor,
                              before, after);
            }
            ck_assert_int_eq(gridform_learner_iterate(l, 20), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_get_maps(l, g[t]), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_get_residual(l, &res[t]), GRIDFORM_OK);
            gridform_learner_destroy(l);
        }
        double d = 0.0, norm = 0.0;
        for (size_t i = 0; i < ng * n; i++) {
            d = fmax(d, fabs(g[0][i] - g[1][i]));
            norm = fmax(norm, fabs(g[0][i]));
        }
        ck_assert_msg(d <= 1e-9 * norm, "rigor %d: maps differ by %g of their largest value", rigor, d / norm);
        ck_assert_msg(fabs(res[0] - res[1]) <= 1e-6 * res[0], "rigor %d: residual %g against %g", rigor, res[1],
                      res[0]);
    }
    free(g[0]);
    free(g[1]);
    lf_free_setup(&s);
}
END_TEST

/* An arena with a shape (set by hand): maps are exactly 0 outside after
 * seeding and after steps, unit norm over the inside, the residual is
 * computed over the inside and falls; the fixed-step schemes refuse the
 * shape. */
START_TEST(test_arena_shape)
{
    size_t nx = 24, ny = 24, n = nx * ny, ng = 3;
    lf_setup s;
    lf_make_dog(&s, 2.2, 2.2, nx, ny, GRIDFORM_KERNEL_FOURIER, 256);
    /* a disc of radius 0.9 m */
    const unsigned char *inside = lf_set_disc(s.a, 2.2, 2.2, nx, ny, 0.81);
    double *g = malloc(ng * n * sizeof *g), da = (2.2 / nx) * (2.2 / ny), r0, r1;
    gridform_learner *l = NULL;
    ck_assert_int_eq(gridform_learner_create(&l, s.k, ng), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_EULER), GRIDFORM_EUNSUPPORTED);
    ck_assert_int_eq(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_EXPONENTIAL), GRIDFORM_EUNSUPPORTED);
    ck_assert_int_eq(gridform_learner_seed(l, 5, 1.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_get_maps(l, g), GRIDFORM_OK);
    for (size_t j = 0; j < ng; j++)
        for (size_t i = 0; i < n; i++)
            if (!inside[i])
                ck_assert(g[j * n + i] == 0.0);
    ck_assert_int_eq(gridform_learner_get_residual(l, &r0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_iterate(l, 60), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_get_residual(l, &r1), GRIDFORM_OK);
    ck_assert_double_lt(r1, r0);
    ck_assert_int_eq(gridform_learner_get_maps(l, g), GRIDFORM_OK);
    lf_assert_maps_in_shape(g, ng, n, inside, da, 1);
    gridform_learner_destroy(l);
    free(g);
    lf_free_setup(&s);
}
END_TEST

/* Stationarity at the defaults: run() must reach a tight residual for
 * every coupling.  Before the stagnation guard (lib/learner_etd.c), 4
 * Sanger maps on this 32^2 box stalled at a residual of 1.07e-4 for 20000
 * steps, taking steps the error estimate accepted; with it they reach
 * 1e-6 in about 1000 steps (bench/stationarity --n 32 --ng 4 --coupling
 * sanger --tol 1e-6: 994), symmetric maps in about 1600 and independent
 * ones in about 800.  4000 steps leaves room for round-off to move the
 * path. */
START_TEST(test_reaches_stationarity)
{
    const int couplings[3] = {GRIDFORM_COUPLING_INDEPENDENT, GRIDFORM_COUPLING_SANGER, GRIDFORM_COUPLING_SYMMETRIC};
    gridform_arena *a;
    gridform_placecode *pc;
    gridform_kernel *k;
    ck_assert_int_eq(gridform_arena_create(&a, 2.2, 2.2, 32, 32, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, 0.12, 2.0, 1024,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    gridform_learner *l = NULL;
    ck_assert_int_eq(gridform_learner_create(&l, k, 4), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_coupling(l, couplings[_i]), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_seed(l, 1, 0.01), GRIDFORM_OK);
    int rc = gridform_learner_run(l, 4000, 1e-6, NULL, NULL);
    size_t steps = 0;
    double t = 0.0, res = INFINITY;
    ck_assert_int_eq(gridform_learner_get_time(l, &t, &steps), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_get_residual(l, &res), GRIDFORM_OK);
    ck_assert_msg(rc == GRIDFORM_OK && res < 1e-6, "coupling %d: status %d after %zu steps, residual %g (%s)",
                  couplings[_i], rc, steps, res, gridform_learner_last_error(l));
    gridform_learner_destroy(l);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("learner_etd");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_residual_analytic);
    tcase_add_test(tc, test_residual_step_independent);
    tcase_add_test(tc, test_tolerance_errors);
    tcase_add_test(tc, test_cannot_meet_tolerance);
    tcase_add_test(tc, test_exact_fixed_points);
    tcase_add_test(tc, test_threads_identical);
    tcase_add_test(tc, test_planning_mid_run);
    tcase_add_test(tc, test_arena_shape);
    tcase_add_loop_test(tc, test_reaches_stationarity, 0, 3);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
