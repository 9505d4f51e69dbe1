/* Tests for the arena: geometry, Fourier lattice, and every error path. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"

#define PI 3.14159265358979323846

START_TEST(test_geometry)
{
    gridform_arena *a = NULL;
    ck_assert_int_eq(gridform_arena_create(&a, 2.0, 1.0, 4, 5, GRIDFORM_WALLED), GRIDFORM_OK);
    size_t nx, ny, nf;
    double lx, ly, dx, dy, da;
    int b;
    ck_assert_int_eq(gridform_arena_get_shape(a, &nx, &ny), GRIDFORM_OK);
    ck_assert_uint_eq(nx, 4);
    ck_assert_uint_eq(ny, 5);
    ck_assert_int_eq(gridform_arena_get_extent(a, &lx, &ly), GRIDFORM_OK);
    ck_assert_double_eq(lx, 2.0);
    ck_assert_double_eq(ly, 1.0);
    ck_assert_int_eq(gridform_arena_get_boundary(a, &b), GRIDFORM_OK);
    ck_assert_int_eq(b, GRIDFORM_WALLED);
    ck_assert_int_eq(gridform_arena_get_spacing(a, &dx, &dy, &da), GRIDFORM_OK);
    ck_assert_double_eq_tol(dx, 0.5, 1e-15);
    ck_assert_double_eq_tol(dy, 0.2, 1e-15);
    ck_assert_double_eq_tol(da, 0.1, 1e-15);
    ck_assert_int_eq(gridform_arena_get_nfreq(a, &nf), GRIDFORM_OK);
    ck_assert_uint_eq(nf, 5 * 3);

    double xy[2 * 20];
    ck_assert_int_eq(gridform_arena_positions(a, xy), GRIDFORM_OK);
    /* point (ix, iy) at -L/2 + (i + 1/2) L/n */
    ck_assert_double_eq_tol(xy[0], -0.75, 1e-15);
    ck_assert_double_eq_tol(xy[1], -0.4, 1e-15);
    ck_assert_double_eq_tol(xy[2 * (3 * 4 + 2)], 0.25, 1e-15);
    ck_assert_double_eq_tol(xy[2 * (3 * 4 + 2) + 1], 0.2, 1e-15);
    /* positions are symmetric about the centre: they sum to zero */
    double sx = 0, sy = 0;
    for (int p = 0; p < 20; p++) { sx += xy[2 * p]; sy += xy[2 * p + 1]; }
    ck_assert_double_eq_tol(sx, 0.0, 1e-13);
    ck_assert_double_eq_tol(sy, 0.0, 1e-13);
    gridform_arena_destroy(a);
}
END_TEST

START_TEST(test_wavevectors)
{
    gridform_arena *a = NULL;
    ck_assert_int_eq(gridform_arena_create(&a, 2.0, 4.0, 6, 4, GRIDFORM_PERIODIC), GRIDFORM_OK);
    double k[2 * 4 * 4];
    ck_assert_int_eq(gridform_arena_wavevectors(a, k), GRIDFORM_OK);
    /* bin (iy, jx) at iy*(nx/2+1)+jx; kx = 2 pi jx/lx, ky from fftfreq */
    int my[4] = {0, 1, -2, -1};
    for (int iy = 0; iy < 4; iy++)
        for (int jx = 0; jx < 4; jx++) {
            int bin = iy * 4 + jx;
            ck_assert_double_eq_tol(k[2 * bin], 2 * PI * jx / 2.0, 1e-12);
            ck_assert_double_eq_tol(k[2 * bin + 1], 2 * PI * my[iy] / 4.0, 1e-12);
        }
    gridform_arena_destroy(a);
}
END_TEST

START_TEST(test_commensurate)
{
    /* The box of a hexagonal lattice at k in the angle-0 orientation:
     * lx = p 4 pi / k, ly = round(sqrt 3 p) a, a = 4 pi / (sqrt 3 k); the
     * lattice's waves then lie exactly on the Fourier lattice, so
     * gridform_lattice_wavevectors moves none of them (at 0, 120, 240 deg). */
    const double PI_ = 3.14159265358979323846;
    const struct { double k; size_t p, nx; int boundary; size_t m; } c[4] = {
        {9.81, 6, 64, GRIDFORM_PERIODIC, 10}, {9.81, 1, 5, GRIDFORM_WALLED, 2},
        {3.0, 3, 48, GRIDFORM_PERIODIC, 5}, {25.0, 10, 41, GRIDFORM_PERIODIC, 17}};
    for (int i = 0; i < 4; i++) {
        gridform_arena *a = NULL;
        ck_assert_int_eq(gridform_arena_create_commensurate(&a, c[i].k, c[i].p, c[i].nx, c[i].boundary),
                         GRIDFORM_OK);
        size_t nx, ny;
        double lx, ly, sp = 4 * PI_ / (sqrt(3.0) * c[i].k);
        int b;
        ck_assert_int_eq(gridform_arena_get_shape(a, &nx, &ny), GRIDFORM_OK);
        ck_assert_int_eq(gridform_arena_get_extent(a, &lx, &ly), GRIDFORM_OK);
        ck_assert_int_eq(gridform_arena_get_boundary(a, &b), GRIDFORM_OK);
        ck_assert_int_eq(b, c[i].boundary);
        ck_assert_uint_eq(nx, c[i].nx);
        ck_assert_double_eq_tol(lx, (double)c[i].p * 4 * PI_ / c[i].k, 1e-12 * lx);
        ck_assert_double_eq_tol(ly, (double)c[i].m * sp, 1e-12 * ly);
        /* near-square bins, and wave 2's row below Nyquist */
        ck_assert(fabs((double)ny - (double)nx * ly / lx) <= 0.5 || ny == 2 * c[i].m + 1);
        ck_assert_uint_gt(ny, 2 * c[i].m);
        double kk[6], ku;
        size_t nw;
        ck_assert_int_eq(gridform_lattice_wavevectors(a, GRIDFORM_LATTICE_HEX, c[i].k, 0.0, kk, &nw, &ku),
                         GRIDFORM_OK);
        ck_assert_uint_eq(nw, 3);
        for (int j = 0; j < 3; j++) {
            ck_assert_double_eq_tol(kk[2 * j], c[i].k * cos(j * 2 * PI_ / 3), 1e-12 * c[i].k);
            ck_assert_double_eq_tol(kk[2 * j + 1], c[i].k * sin(j * 2 * PI_ / 3), 1e-12 * c[i].k);
        }
        gridform_arena_destroy(a);
    }
    gridform_arena *a = NULL;
    ck_assert_int_eq(gridform_arena_create_commensurate(&a, 9.81, 4, 16, GRIDFORM_PERIODIC), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "gridform_arena_create_commensurate: nx must be > 4"));
    ck_assert_ptr_null(a);
}
END_TEST

START_TEST(test_errors)
{
    gridform_arena *a = NULL;
    double nan = NAN, inf = INFINITY;
    ck_assert_int_eq(gridform_arena_create(NULL, 1, 1, 8, 8, GRIDFORM_PERIODIC), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_create(&a, 0, 1, 8, 8, GRIDFORM_PERIODIC), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_create(&a, 1, -1, 8, 8, GRIDFORM_PERIODIC), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_create(&a, nan, 1, 8, 8, GRIDFORM_PERIODIC), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_create(&a, 1, inf, 8, 8, GRIDFORM_PERIODIC), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_create(&a, 1, 1, 0, 8, GRIDFORM_PERIODIC), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_create(&a, 1, 1, 8, 1, GRIDFORM_PERIODIC), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_create(&a, 1, 1, 8, 8, 0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_create(&a, 1, 1, 8, 8, 3), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "boundary"));
    ck_assert_int_eq(gridform_arena_create(&a, 1, 1, SIZE_MAX, 8, GRIDFORM_PERIODIC), GRIDFORM_ERANGE);
    ck_assert_int_eq(gridform_arena_create(&a, 1, 1, (size_t)1 << 31, (size_t)1 << 31, GRIDFORM_PERIODIC),
                     GRIDFORM_ERANGE);
    ck_assert_ptr_null(a);

    ck_assert_int_eq(gridform_arena_create(&a, 1, 1, 8, 8, GRIDFORM_PERIODIC), GRIDFORM_OK);
    size_t n;
    double d;
    int b;
    ck_assert_int_eq(gridform_arena_get_shape(NULL, &n, &n), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_get_shape(a, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_gt((int)strlen(gridform_arena_last_error(a)), 0);
    ck_assert_int_eq(gridform_arena_get_extent(NULL, &d, &d), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_get_extent(a, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_get_boundary(NULL, &b), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_get_boundary(a, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_get_spacing(NULL, &d, &d, &d), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_get_spacing(a, NULL, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_positions(NULL, &d), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_positions(a, NULL), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_arena_last_error(a), "xy"));
    ck_assert_int_eq(gridform_arena_get_nfreq(NULL, &n), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_get_nfreq(a, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_wavevectors(NULL, &d), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_wavevectors(a, NULL), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(gridform_arena_last_error(NULL));
    gridform_arena_destroy(a);
    gridform_arena_destroy(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("arena");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_geometry);
    tcase_add_test(tc, test_wavevectors);
    tcase_add_test(tc, test_commensurate);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
