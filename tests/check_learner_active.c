/* The learner's active-set exponential integrator
 * (GRIDFORM_INTEGRATOR_ACTIVE_SET, lib/learner_active.c, doc/theory.md
 * §2.10): KKT points are fixed points at every step, results are
 * bit-identical across thread counts, unsupported combinations are
 * refused, an arena with a shape keeps the maps at 0 outside it, and a
 * tolerance that cannot be met keeps the last accepted step.  The answer
 * against the default integrator is tests/check_learner_active_conv.c
 * (slow: not run under memcheck).  Small sizes. */
#include "config.h"
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"
#include "../lib/internal.h"
#include "learner_fixtures.h"

/* (1) LINEAR maps equal to one plane wave of the top shell are a KKT point
 * (an eigenvector of Sigma): they stay put, to 1e-14 of their largest
 * value, after fixed steps of every length and after controlled steps.
 * And RELU maps converged by EULER (projected gradient, exact fixed
 * points) stay stationary under long active-set steps. */
START_TEST(test_fixed_points)
{
    lf_setup s;
    size_t nx = 24, ny = 20, n = nx * ny, nh = nx / 2 + 1, nf = ny * nh, ng = 2;
    lf_make_dog(&s, 2.2, 1.9, nx, ny, GRIDFORM_KERNEL_FOURIER, 256);
    double *sp = malloc(nf * sizeof *sp), *g0 = malloc(ng * n * sizeof *g0), *g = malloc(ng * n * sizeof *g);
    ck_assert_int_eq(gridform_kernel_spectrum(s.k, sp), GRIDFORM_OK);
    size_t top = 0;
    for (size_t b = 1; b < nf; b++)
        if (sp[b] > sp[top])
            top = b;
    double smax = sp[top];
    size_t ky = top / nh, kx = top % nh;
    for (size_t j = 0; j < ng; j++)
        for (size_t iy = 0; iy < ny; iy++)
            for (size_t ix = 0; ix < nx; ix++) {
                double ph = 2 * M_PI * ((double)(kx * ix) / (double)nx + (double)(ky * iy) / (double)ny);
                g0[j * n + iy * nx + ix] = cos(ph + 0.7 * (double)j);
            }
    gridform_learner *l = lf_learner(s.k, ng, GRIDFORM_NL_LINEAR, 0.0, -1, GRIDFORM_INTEGRATOR_ACTIVE_SET);
    /* the maps as the learner holds them (unit norm) */
    ck_assert_int_eq(gridform_learner_set_maps(l, g0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_iterate(l, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_get_maps(l, g0), GRIDFORM_OK);
    double amax = 0.0;
    for (size_t i = 0; i < ng * n; i++)
        amax = fmax(amax, fabs(g0[i]));
    for (int control = 0; control <= 1; control++)
        for (double h = 0.1; h <= 2000.0; h *= 10.0) {
            ck_assert_int_eq(gridform_learner_set_step(l, h / smax), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_set_step_control(l, control), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_set_maps(l, g0), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_iterate(l, 10), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_get_maps(l, g), GRIDFORM_OK);
            double d = 0.0;
            for (size_t i = 0; i < ng * n; i++)
                d = fmax(d, fabs(g[i] - g0[i]));
            ck_assert_msg(d <= 1e-14 * amax, "control %d, h max Sigma~ = %g: moved by %g of the largest value",
                          control, h, d / amax);
        }
    gridform_learner_destroy(l);

    /* RELU: a stationary state of the flow stays one */
    double res;
    l = NULL;
    ck_assert_int_eq(gridform_learner_create(&l, s.k, ng), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_EULER), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_seed(l, 2, 1.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_run(l, 20000, 1e-11, NULL, NULL), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_get_maps(l, g), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_ACTIVE_SET), GRIDFORM_OK);
    for (double h = 0.1; h <= 200.0; h *= 4.0) {
        ck_assert_int_eq(gridform_learner_set_step(l, h / smax), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_set_step_control(l, 0), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_set_maps(l, g), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_iterate(l, 20), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_get_residual(l, &res), GRIDFORM_OK);
        ck_assert_msg(res < 1e-10, "RELU, h max Sigma~ = %g: residual %g after 20 steps", h, res);
    }
    gridform_learner_destroy(l);
    free(sp);
    free(g0);
    free(g);
    lf_free_setup(&s);
}
END_TEST

/* (3) Bit-identical maps and residuals for 1 and 3 threads, RELU and
 * LINEAR, both precisions. */
START_TEST(test_threads_identical)
{
    lf_setup s;
    size_t n = 20 * 20, ng = 5;
    lf_make_dog(&s, 2.2, 2.2, 20, 20, GRIDFORM_KERNEL_FOURIER, 256);
    double *g[2], res[2];
    g[0] = malloc(ng * n * sizeof(double));
    g[1] = malloc(ng * n * sizeof(double));
    for (int nl = GRIDFORM_NL_LINEAR; nl <= GRIDFORM_NL_RELU; nl++)
        for (int prec = GRIDFORM_PRECISION_DOUBLE; prec <= GRIDFORM_PRECISION_SINGLE; prec++) {
            for (int t = 0; t < 2; t++) {
                gridform_learner *l = lf_learner(s.k, ng, nl, 0.0, -1, GRIDFORM_INTEGRATOR_ACTIVE_SET);
                ck_assert_int_eq(gridform_learner_set_precision(l, prec), GRIDFORM_OK);
                ck_assert_int_eq(gridform_learner_set_threads(l, t ? 3 : 1), GRIDFORM_OK);
                ck_assert_int_eq(gridform_learner_seed(l, 11, 1.0), GRIDFORM_OK);
                ck_assert_int_eq(gridform_learner_iterate(l, 25), GRIDFORM_OK);
                ck_assert_int_eq(gridform_learner_get_maps(l, g[t]), GRIDFORM_OK);
                ck_assert_int_eq(gridform_learner_get_residual(l, &res[t]), GRIDFORM_OK);
                gridform_learner_destroy(l);
            }
            ck_assert_msg(memcmp(g[0], g[1], ng * n * sizeof(double)) == 0, "nl %d precision %d", nl, prec);
            ck_assert_msg(res[0] == res[1], "nl %d precision %d: residual %.17g vs %.17g", nl, prec, res[0], res[1]);
        }
    free(g[0]);
    free(g[1]);
    lf_free_setup(&s);
}
END_TEST

static void expect_unsupported(int rc, const gridform_learner *l, const char *word)
{
    ck_assert_int_eq(rc, GRIDFORM_EUNSUPPORTED);
    const char *msg = gridform_learner_last_error(l);
    ck_assert_msg(strstr(msg, word) != NULL, "message \"%s\" does not name %s", msg, word);
}

/* (4) Each refusal: set_integrator with SOFT, TANH, Sanger, symmetric or an
 * EXACT kernel; set_nonlinearity and set_coupling while the integrator is
 * selected (the setters refuse, so iterate never meets an unsupported
 * combination); and the combination left unchanged by a refusal. */
START_TEST(test_refusals)
{
    lf_setup s, se;
    lf_make_dog(&s, 2.2, 2.2, 16, 16, GRIDFORM_KERNEL_FOURIER, 256);
    lf_make_dog(&se, 2.2, 2.2, 16, 16, GRIDFORM_KERNEL_EXACT, 256);
    gridform_learner *l = NULL;
    ck_assert_int_eq(gridform_learner_create(&l, se.k, 2), GRIDFORM_OK);
    expect_unsupported(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_ACTIVE_SET), l, "EXACT");
    gridform_learner_destroy(l);

    ck_assert_int_eq(gridform_learner_create(&l, s.k, 2), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_integrator(l, 5), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_learner_set_nonlinearity(l, GRIDFORM_NL_SOFT, 1.0), GRIDFORM_OK);
    expect_unsupported(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_ACTIVE_SET), l, "SOFT");
    ck_assert_int_eq(gridform_learner_set_nonlinearity(l, GRIDFORM_NL_TANH, 1.0), GRIDFORM_OK);
    expect_unsupported(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_ACTIVE_SET), l, "TANH");
    ck_assert_int_eq(gridform_learner_set_nonlinearity(l, GRIDFORM_NL_RELU, 0.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_coupling(l, GRIDFORM_COUPLING_SANGER), GRIDFORM_OK);
    expect_unsupported(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_ACTIVE_SET), l, "Sanger");
    ck_assert_int_eq(gridform_learner_set_coupling(l, GRIDFORM_COUPLING_SYMMETRIC), GRIDFORM_OK);
    expect_unsupported(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_ACTIVE_SET), l, "symmetric");
    ck_assert_int_eq(gridform_learner_set_coupling(l, GRIDFORM_COUPLING_INDEPENDENT), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_ACTIVE_SET), GRIDFORM_OK);
    /* selected: the setters refuse what it cannot step */
    expect_unsupported(gridform_learner_set_nonlinearity(l, GRIDFORM_NL_SOFT, 1.0), l, "SOFT");
    expect_unsupported(gridform_learner_set_nonlinearity(l, GRIDFORM_NL_TANH, 1.0), l, "TANH");
    expect_unsupported(gridform_learner_set_coupling(l, GRIDFORM_COUPLING_SANGER), l, "Sanger");
    expect_unsupported(gridform_learner_set_coupling(l, GRIDFORM_COUPLING_SYMMETRIC), l, "symmetric");
    ck_assert_int_eq(gridform_learner_set_nonlinearity(l, GRIDFORM_NL_LINEAR, 0.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_nonlinearity(l, GRIDFORM_NL_RELU, 0.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_coupling(l, GRIDFORM_COUPLING_INDEPENDENT), GRIDFORM_OK);
    /* still steps */
    ck_assert_int_eq(gridform_learner_seed(l, 3, 1.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_iterate(l, 3), GRIDFORM_OK);
    /* another integrator lifts the restriction */
    ck_assert_int_eq(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_ETD), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_coupling(l, GRIDFORM_COUPLING_SANGER), GRIDFORM_OK);
    gridform_learner_destroy(l);
    lf_free_setup(&s);
    lf_free_setup(&se);
}
END_TEST

/* (5) An arena with a shape (set by hand, as tests/check_learner_etd.c):
 * RELU and LINEAR maps are exactly 0 outside after steps, RELU ones >= 0,
 * unit norm over the inside; the residual falls, and the residual the
 * step reports is the one a fresh learner computes from the maps. */
START_TEST(test_arena_shape)
{
    size_t nx = 24, ny = 24, n = nx * ny, ng = 3;
    lf_setup s;
    lf_make_dog(&s, 2.2, 2.2, nx, ny, GRIDFORM_KERNEL_FOURIER, 256);
    /* a disc of radius 0.9 m */
    const unsigned char *inside = lf_set_disc(s.a, 2.2, 2.2, nx, ny, 0.81);
    double *g = malloc(ng * n * sizeof *g), da = (2.2 / nx) * (2.2 / ny), r0, r1, r2;
    for (int nl = GRIDFORM_NL_LINEAR; nl <= GRIDFORM_NL_RELU; nl++) {
        gridform_learner *l = lf_learner(s.k, ng, nl, 0.0, -1, GRIDFORM_INTEGRATOR_ACTIVE_SET);
        ck_assert_int_eq(gridform_learner_seed(l, 5, 1.0), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_get_residual(l, &r0), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_iterate(l, 40), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_get_residual(l, &r1), GRIDFORM_OK);
        ck_assert_msg(r1 < r0, "nl %d: residual %g after 40 steps, %g before", nl, r1, r0);
        ck_assert_int_eq(gridform_learner_get_maps(l, g), GRIDFORM_OK);
        lf_assert_maps_in_shape(g, ng, n, inside, da, nl == GRIDFORM_NL_RELU);
        gridform_learner *fresh = NULL;
        ck_assert_int_eq(gridform_learner_create(&fresh, s.k, ng), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_set_nonlinearity(fresh, nl, 0.0), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_set_maps(fresh, g), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_get_residual(fresh, &r2), GRIDFORM_OK);
        ck_assert_msg(fabs(r2 - r1) <= 1e-9 * r1, "nl %d: the step reported %.17g, the maps have %.17g", nl, r1, r2);
        gridform_learner_destroy(fresh);
        gridform_learner_destroy(l);
    }
    free(g);
    lf_free_setup(&s);
}
END_TEST

/* A tolerance no step can meet: GRIDFORM_EACCURACY, the maps of the last
 * accepted step kept, and the residual reported still theirs (the half
 * step's evaluation must not leak into it). */
START_TEST(test_cannot_meet_tolerance)
{
    lf_setup s;
    size_t n = 16 * 16, ng = 2;
    lf_make_dog(&s, 2.2, 2.2, 16, 16, GRIDFORM_KERNEL_FOURIER, 256);
    double *g0 = malloc(ng * n * sizeof *g0), *g1 = malloc(ng * n * sizeof *g1), r0, r1;
    gridform_learner *l = NULL;
    ck_assert_int_eq(gridform_learner_create(&l, s.k, ng), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_ACTIVE_SET), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_seed(l, 3, 1.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_iterate(l, 5), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_get_maps(l, g0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_get_residual(l, &r0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_tolerance(l, 1e-300), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_iterate(l, 1), GRIDFORM_EACCURACY);
    ck_assert_ptr_nonnull(strstr(gridform_learner_last_error(l), "tolerance"));
    ck_assert_int_eq(gridform_learner_get_maps(l, g1), GRIDFORM_OK);
    ck_assert(memcmp(g0, g1, ng * n * sizeof *g0) == 0);
    ck_assert_int_eq(gridform_learner_get_residual(l, &r1), GRIDFORM_OK);
    ck_assert_msg(r1 == r0, "residual %.17g before the failed step, %.17g after", r0, r1);
    size_t steps;
    ck_assert_int_eq(gridform_learner_get_time(l, NULL, &steps), GRIDFORM_OK);
    ck_assert_uint_eq(steps, 5);
    gridform_learner_destroy(l);
    free(g0);
    free(g1);
    lf_free_setup(&s);
}
END_TEST

/* gridform_learner_run reaches a tight residual (4 RELU maps, 32^2). */
START_TEST(test_reaches_stationarity)
{
    lf_setup s;
    lf_make_dog(&s, 2.2, 2.2, 32, 32, GRIDFORM_KERNEL_FOURIER, 256);
    gridform_learner *l = NULL;
    ck_assert_int_eq(gridform_learner_create(&l, s.k, 4), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_ACTIVE_SET), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_seed(l, 1, 0.01), GRIDFORM_OK);
    int rc = gridform_learner_run(l, 4000, 1e-5, NULL, NULL);
    size_t steps = 0, rej = 0;
    double res = NAN;
    gridform_learner_get_time(l, NULL, &steps);
    gridform_learner_get_rejected(l, &rej);
    gridform_learner_get_residual(l, &res);
    printf("run to 1e-5: %zu steps, %zu rejected, residual %.3g\n", steps, rej, res);
    ck_assert_msg(rc == GRIDFORM_OK, "run: %s (residual %g after %zu steps)", gridform_strerror(rc), res, steps);
    gridform_learner_destroy(l);
    lf_free_setup(&s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("learner_active");
    TCase *tc = tcase_create("active_set");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_fixed_points);
    tcase_add_test(tc, test_threads_identical);
    tcase_add_test(tc, test_refusals);
    tcase_add_test(tc, test_arena_shape);
    tcase_add_test(tc, test_cannot_meet_tolerance);
    tcase_add_test(tc, test_reaches_stationarity);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
