/* Tests for place codes: tuning curves, layouts, user centres and tuning,
 * the softmax normalisation, and every error path. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"

#define PI 3.14159265358979323846

START_TEST(test_gaussian_dog)
{
    gridform_arena *a;
    gridform_placecode *pc;
    ck_assert_int_eq(gridform_arena_create(&a, 2.0, 1.0, 40, 20, GRIDFORM_WALLED), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_GAUSSIAN, 0.1, 0, 8,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    /* 8 cells on a 2:1 arena: a 4 x 2 lattice at cell midpoints */
    double c[16];
    ck_assert_int_eq(gridform_placecode_get_centers(pc, c), GRIDFORM_OK);
    ck_assert_double_eq_tol(c[0], -0.75, 1e-15);
    ck_assert_double_eq_tol(c[1], -0.25, 1e-15);
    ck_assert_double_eq_tol(c[2 * 7], 0.75, 1e-15);
    ck_assert_double_eq_tol(c[2 * 7 + 1], 0.25, 1e-15);
    /* peak 1/(2 pi sigma^2); at r = sigma, e^{-1/2} of it */
    double xy[4] = {-0.75, -0.25, -0.65, -0.25}, r[16];
    ck_assert_int_eq(gridform_placecode_response(pc, xy, 2, r), GRIDFORM_OK);
    ck_assert_double_eq_tol(r[0], 1 / (2 * PI * 0.01), 1e-12);
    ck_assert_double_eq_tol(r[8], exp(-0.5) / (2 * PI * 0.01), 1e-12);
    size_t nc;
    int t;
    double sg, su;
    ck_assert_int_eq(gridform_placecode_get_ncells(pc, &nc), GRIDFORM_OK);
    ck_assert_uint_eq(nc, 8);
    ck_assert_int_eq(gridform_placecode_get_tuning(pc, &t, &sg, &su), GRIDFORM_OK);
    ck_assert_int_eq(t, GRIDFORM_TUNING_GAUSSIAN);
    ck_assert_double_eq(sg, 0.1);
    ck_assert_ptr_eq(gridform_placecode_get_arena(pc), a);
    gridform_placecode_destroy(pc);

    /* DoG: integral zero, peak (1 - 1/s)/(2 pi sigma^2) */
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, 0.05, 2.0, 1,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_get_centers(pc, c), GRIDFORM_OK);
    ck_assert_double_eq_tol(c[0], 0, 1e-15);
    double pos[2] = {0, 0}, v;
    ck_assert_int_eq(gridform_placecode_response(pc, pos, 1, &v), GRIDFORM_OK);
    ck_assert_double_eq_tol(v, 0.5 / (2 * PI * 0.0025), 1e-10);
    /* integral by midpoint rule on a fine grid */
    double sum = 0, h = 0.005;
    for (int i = 0; i < 200; i++)
        for (int j = 0; j < 200; j++) {
            double p[2] = {-0.5 + (i + 0.5) * h, -0.5 + (j + 0.5) * h};
            ck_assert_int_eq(gridform_placecode_response(pc, p, 1, &v), GRIDFORM_OK);
            sum += v * h * h;
        }
    ck_assert_double_eq_tol(sum, 0.0, 1e-9);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

START_TEST(test_min_image_and_random)
{
    gridform_arena *a, *w;
    gridform_placecode *pc, *pw;
    ck_assert_int_eq(gridform_arena_create(&a, 1.0, 1.0, 8, 8, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_arena_create(&w, 1.0, 1.0, 8, 8, GRIDFORM_WALLED), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_GAUSSIAN, 0.1, 0, 50,
                                               GRIDFORM_CENTERS_RANDOM, 42), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pw, w, GRIDFORM_TUNING_GAUSSIAN, 0.1, 0, 50,
                                               GRIDFORM_CENTERS_RANDOM, 42), GRIDFORM_OK);
    double c[100], c2[100];
    ck_assert_int_eq(gridform_placecode_get_centers(pc, c), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_get_centers(pw, c2), GRIDFORM_OK);
    /* same seed, same centres; all inside the box */
    for (int i = 0; i < 100; i++) {
        ck_assert_double_eq(c[i], c2[i]);
        ck_assert(c[i] >= -0.5 && c[i] < 0.5);
    }
    /* periodic: a cell at the left edge responds at the right edge as at
     * the short way round */
    double cen[2] = {-0.45, 0.0};
    ck_assert_int_eq(gridform_placecode_set_centers(pc, cen, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_set_centers(pw, cen, 1), GRIDFORM_OK);
    double xy[2] = {0.45, 0.0}, rp, rw;
    ck_assert_int_eq(gridform_placecode_response(pc, xy, 1, &rp), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_response(pw, xy, 1, &rw), GRIDFORM_OK);
    ck_assert_double_eq_tol(rp, exp(-0.5) / (2 * PI * 0.01), 1e-12);
    ck_assert_double_eq_tol(rw, exp(-0.9 * 0.9 / 0.02) / (2 * PI * 0.01), 1e-15);
    size_t nc;
    ck_assert_int_eq(gridform_placecode_get_ncells(pc, &nc), GRIDFORM_OK);
    ck_assert_uint_eq(nc, 1);
    /* far-away finite coordinates: no inf - inf on the torus, no NaN */
    double far[2] = {1e308, -1e308}, fc[2] = {-1e308, 1e308};
    ck_assert_int_eq(gridform_placecode_set_centers(pc, fc, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_set_centers(pw, fc, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_response(pc, far, 1, &rp), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_response(pw, far, 1, &rw), GRIDFORM_OK);
    ck_assert(isfinite(rp));
    ck_assert_double_eq(rw, 0.0);
    gridform_placecode_destroy(pc);
    gridform_placecode_destroy(pw);
    gridform_arena_destroy(a);
    gridform_arena_destroy(w);
}
END_TEST

START_TEST(test_softmax)
{
    gridform_arena *a;
    gridform_placecode *pc;
    ck_assert_int_eq(gridform_arena_create(&a, 1.0, 1.0, 8, 8, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_SOFTMAX_DOG, 0.1, 2.0, 64,
                                               GRIDFORM_CENTERS_RANDOM, 3), GRIDFORM_OK);
    double xy[64 * 2], r[64 * 64];
    ck_assert_int_eq(gridform_arena_positions(a, xy), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_response(pc, xy, 64, r), GRIDFORM_OK);
    /* at every position: minimum over cells 0, sum over cells 1 */
    for (int p = 0; p < 64; p++) {
        double lo = INFINITY, sum = 0;
        for (int c = 0; c < 64; c++) {
            sum += r[p * 64 + c];
            if (r[p * 64 + c] < lo) lo = r[p * 64 + c];
        }
        ck_assert_double_eq_tol(lo, 0.0, 1e-15);
        ck_assert_double_eq_tol(sum, 1.0, 1e-12);
    }
    /* a point equidistant from both of two cells: the uniform limit */
    double cen[4] = {-0.25, 0, 0.25, 0}, o[2], z[2] = {0, 0.1};
    ck_assert_int_eq(gridform_placecode_set_centers(pc, cen, 2), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_response(pc, z, 1, o), GRIDFORM_OK);
    ck_assert_double_eq(o[0], 0.5);
    ck_assert_double_eq(o[1], 0.5);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

static double box_tuning(double dx, double dy, void *user)
{
    double w = *(double *)user;
    return (fabs(dx) < w && fabs(dy) < w) ? 1.0 : 0.0;
}

static double nan_tuning(double dx, double dy, void *user)
{
    (void)dx; (void)dy; (void)user;
    return NAN;
}

START_TEST(test_user_tuning)
{
    gridform_arena *a;
    gridform_placecode *pc;
    ck_assert_int_eq(gridform_arena_create(&a, 1.0, 1.0, 8, 8, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_GAUSSIAN, 0.1, 0, 4,
                                               GRIDFORM_CENTERS_LATTICE, 3), GRIDFORM_OK);
    double w = 0.2;
    ck_assert_int_eq(gridform_placecode_set_tuning_fn(pc, box_tuning, &w), GRIDFORM_OK);
    int t;
    ck_assert_int_eq(gridform_placecode_get_tuning(pc, &t, NULL, NULL), GRIDFORM_OK);
    ck_assert_int_eq(t, GRIDFORM_TUNING_USER);
    /* centres of a 2 x 2 lattice at (+-0.25, +-0.25) */
    double xy[2] = {-0.3, -0.3}, r[4];
    ck_assert_int_eq(gridform_placecode_response(pc, xy, 1, r), GRIDFORM_OK);
    ck_assert_double_eq(r[0], 1.0);
    ck_assert_double_eq(r[1], 0.0);
    ck_assert_double_eq(r[3], 0.0);
    ck_assert_int_eq(gridform_placecode_set_tuning_fn(pc, nan_tuning, NULL), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_response(pc, xy, 1, r), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_placecode_last_error(pc), "tuning function"));
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

START_TEST(test_errors)
{
    gridform_arena *a;
    gridform_placecode *pc = (gridform_placecode *)1;
    ck_assert_int_eq(gridform_arena_create(&a, 1.0, 1.0, 8, 8, GRIDFORM_PERIODIC), GRIDFORM_OK);
    const int G = GRIDFORM_TUNING_GAUSSIAN, D = GRIDFORM_TUNING_DOG, L = GRIDFORM_CENTERS_LATTICE;
    ck_assert_int_eq(gridform_placecode_create(NULL, a, G, 0.1, 0, 4, L, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_create(&pc, NULL, G, 0.1, 0, 4, L, 1), GRIDFORM_EINVAL);
    ck_assert_ptr_null(pc);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, 0, 0.1, 0, 4, L, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, 5, 0.1, 0, 4, L, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_USER, 0.1, 0, 4, L, 1),
                     GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "set_tuning_fn"));
    ck_assert_int_eq(gridform_placecode_create(&pc, a, G, 0, 0, 4, L, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, G, -0.1, 0, 4, L, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, G, NAN, 0, 4, L, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, G, INFINITY, 0, 4, L, 1), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "sigma"));
    ck_assert_int_eq(gridform_placecode_create(&pc, a, G, 0.1, NAN, 4, L, 1), GRIDFORM_EINVAL);
    /* sigma^2 (or s sigma^2) must be a normal double */
    ck_assert_int_eq(gridform_placecode_create(&pc, a, G, 1e-200, 0, 4, L, 1), GRIDFORM_ERANGE);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, G, 1e200, 0, 4, L, 1), GRIDFORM_ERANGE);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, D, 1e150, 1e20, 4, L, 1), GRIDFORM_ERANGE);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "sigma"));
    ck_assert_int_eq(gridform_placecode_create(&pc, a, D, 0.1, 1.0, 4, L, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, D, 0.1, 0.5, 4, L, 1), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "surround"));
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_SOFTMAX_DOG, 0.1, 1.0, 4, L, 1),
                     GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_SOFTMAX_DOG, 0.1, 2.0, 1, L, 1),
                     GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, G, 0.1, 0, 0, L, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, G, 0.1, 0, SIZE_MAX, L, 1), GRIDFORM_ERANGE);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, G, 0.1, 0, 4, 0, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, G, 0.1, 0, 4, 4, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, G, 0.1, 0, 4, GRIDFORM_CENTERS_USER, 1),
                     GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "set_centers"));
    ck_assert_ptr_null(pc);
    /* allocation failures leave nothing behind */
    for (size_t f = 1; f <= 2; f++) {
        gridform_debug_fail_allocation(f);
        ck_assert_int_eq(gridform_placecode_create(&pc, a, G, 0.1, 0, 4, L, 1), GRIDFORM_ENOMEM);
        ck_assert_ptr_null(pc);
    }
    gridform_debug_fail_allocation(0);

    ck_assert_int_eq(gridform_placecode_create(&pc, a, G, 0.1, 0, 4, L, 1), GRIDFORM_OK);
    double xy[8] = {0}, out[16];
    size_t n;
    int t;
    ck_assert_int_eq(gridform_placecode_response(NULL, xy, 1, out), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_response(pc, NULL, 1, out), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_response(pc, xy, 1, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_response(pc, xy, 0, out), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_response(pc, xy, SIZE_MAX, out), GRIDFORM_ERANGE);
    xy[3] = NAN;
    ck_assert_int_eq(gridform_placecode_response(pc, xy, 2, out), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_placecode_last_error(pc), "position 1"));
    xy[3] = 0;
    ck_assert_int_eq(gridform_placecode_set_centers(NULL, xy, 2), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_set_centers(pc, NULL, 2), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_set_centers(pc, xy, 0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_set_centers(pc, xy, SIZE_MAX), GRIDFORM_ERANGE);
    xy[2] = INFINITY;
    ck_assert_int_eq(gridform_placecode_set_centers(pc, xy, 2), GRIDFORM_EINVAL);
    xy[2] = 0;
    gridform_debug_fail_allocation(1);
    ck_assert_int_eq(gridform_placecode_set_centers(pc, xy, 3), GRIDFORM_ENOMEM);
    gridform_debug_fail_allocation(0);
    ck_assert_int_eq(gridform_placecode_get_ncells(pc, &n), GRIDFORM_OK);
    ck_assert_uint_eq(n, 4); /* unchanged by the failed call */
    ck_assert_int_eq(gridform_placecode_get_centers(NULL, xy), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_get_centers(pc, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_set_tuning_fn(NULL, box_tuning, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_set_tuning_fn(pc, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_get_ncells(NULL, &n), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_get_ncells(pc, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_get_tuning(NULL, &t, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_get_tuning(pc, NULL, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_ptr_null(gridform_placecode_get_arena(NULL));
    ck_assert_int_gt((int)strlen(gridform_placecode_last_error(pc)), 0);
    ck_assert_ptr_nonnull(gridform_placecode_last_error(NULL));
    gridform_placecode_destroy(pc);
    gridform_placecode_destroy(NULL);
    gridform_arena_destroy(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("placecode");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_gaussian_dog);
    tcase_add_test(tc, test_min_image_and_random);
    tcase_add_test(tc, test_softmax);
    tcase_add_test(tc, test_user_tuning);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
