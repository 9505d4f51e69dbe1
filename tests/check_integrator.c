/* Tests of the shared integrator room (lib/integrator.c, doc/theory.md
 * §2.9): phi-functions against a long-double reference, the coefficient
 * cache, the ETD1/ETD2RK pair's order and exact fixed points on a scalar
 * problem, and the PI controller's rules.  The room is internal, so this
 * suite compiles lib/integrator.c itself and supplies its two allocation
 * wrappers. */
#include "config.h"
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include "../lib/internal.h"
#include "../lib/integrator.h"

void *gridform__malloc_array(size_t n, size_t size)
{
    return n == 0 || size == 0 ? malloc(1) : calloc(n, size);
}

void gridform__free(void *p)
{
    free(p);
}

/* phi_k(z) in long double: the series to 60 terms for |z| < 2, else the
 * closed forms, which do not cancel badly in long double there. */
static long double phi_ref(long double z, int k)
{
    if (fabsl(z) < 2.0L) {
        long double s = 0.0L, t = 1.0L;
        for (int i = 2; i <= k; i++)
            t /= (long double)i;
        for (int m = 0; m < 60; m++) {
            s += t;
            t *= z / (long double)(m + k + 1);
        }
        return s;
    }
    long double p1 = expm1l(z) / z;
    if (k == 1)
        return p1;
    long double p2 = (p1 - 1.0L) / z;
    if (k == 2)
        return p2;
    return (p2 - 0.5L) / z;
}

START_TEST(test_phi_accuracy)
{
    /* |z| from 1e-12 to 1e4 (700 for z > 0, where e^z nears overflow): the relative error stays at a few
     * ulps, including where the closed forms cancel (|z| near 1e-8 would
     * lose all digits of phi_3 by the recurrence). */
    double worst = 0.0;
    for (int s = -1; s <= 1; s += 2)
        for (double a = 1e-12; a < (s > 0 ? 7e2 : 1e4); a *= 1.37) {
            double z = s * a, p[3];
            gridform__phi(z, &p[0], &p[1], &p[2]);
            for (int k = 1; k <= 3; k++) {
                long double r = phi_ref((long double)z, k);
                double rel = (double)fabsl(((long double)p[k - 1] - r) / r);
                if (rel > worst)
                    worst = rel;
            }
        }
    ck_assert_msg(worst < 2e-14, "worst relative error of phi_1..3: %g", worst);
    double p1, p2, p3;
    gridform__phi(0.0, &p1, &p2, &p3);
    ck_assert(p1 == 1.0 && p2 == 0.5 && fabs(p3 - 1.0 / 6.0) < 1e-17);
    gridform__phi(-INFINITY, &p1, &p2, &p3);
    ck_assert(p1 == 0.0 && p2 == 0.0 && p3 == 0.0);
    gridform__phi(-1e300, &p1, &p2, NULL);
    ck_assert(p1 > 0.0 && p1 < 1e-299 && p2 >= 0.0 && p2 < 1e-299);
}
END_TEST

START_TEST(test_coeff_cache)
{
    gridform__etd_coeffs c;
    double lin[3] = {0.0, -1.0, -1e6};
    ck_assert_int_eq(gridform__etd_coeffs_init(&c, 3, 0.5), GRIDFORM_OK);
    ck_assert_int_eq(gridform__etd_coeffs_update(&c, lin, 0.1, 0), 1);
    ck_assert_int_eq(gridform__etd_coeffs_update(&c, lin, 0.1, 0), 0);   /* cached */
    ck_assert_int_eq(gridform__etd_coeffs_update(&c, lin, 0.1, 1), 1);   /* forced */
    /* L = 0: e = scale, h phi_1 = h scale, h phi_2 = h scale / 2 */
    ck_assert(c.e[0] == 0.5 && fabs(c.p1[0] - 0.05) < 1e-17 && fabs(c.p2[0] - 0.025) < 1e-17);
    ck_assert(fabs(c.e[1] - 0.5 * exp(-0.1)) < 1e-16);
    ck_assert(fabs(c.p1[1] - 0.5 * (1.0 - exp(-0.1))) < 1e-16);
    /* stiff: h phi_1(hL) -> -1/L, h phi_2 -> -1/(hL^2)... both tiny and >= 0 */
    ck_assert(c.e[2] == 0.0 && fabs(c.p1[2] - 0.5e-6) < 1e-20);
    gridform__etd_coeffs_free(&c);
}
END_TEST

/* du/dt = L u + N(u), L = -2, N(u) = 1 + sin(u): one ETD2RK step. */
static double nfun(double u)
{
    return 1.0 + sin(u);
}

static double etd_step(double u, double h, double *etd1)
{
    gridform__etd_coeffs c;
    double lin = -2.0, a, out, nu, na;
    ck_assert_int_eq(gridform__etd_coeffs_init(&c, 1, 1.0), GRIDFORM_OK);
    gridform__etd_coeffs_update(&c, &lin, h, 0);
    nu = nfun(u);
    gridform__etd1_combine(&c, 0, 1, 1, &u, &nu, &a);
    na = nfun(a);
    gridform__etd2_combine(&c, 0, 1, 1, &u, &nu, &na, &out);
    gridform__etd_coeffs_free(&c);
    if (etd1)
        *etd1 = a;
    return out;
}

START_TEST(test_etd_order_and_fixed_point)
{
    /* Reference at t = 1 from 2^14 steps; ETD2's global error falls by 4
     * per halving (order 2), ETD1's local error estimate by 4 per halving
     * (order 2 locally). */
    double ref = 0.3;
    for (int i = 0; i < 16384; i++)
        ref = etd_step(ref, 1.0 / 16384, NULL);
    double err[3];
    for (int r = 0; r < 3; r++) {
        int nsteps = 16 << r;
        double u = 0.3;
        for (int i = 0; i < nsteps; i++)
            u = etd_step(u, 1.0 / nsteps, NULL);
        err[r] = fabs(u - ref);
    }
    ck_assert_msg(err[0] / err[1] > 3.6 && err[0] / err[1] < 4.4, "ratio %g", err[0] / err[1]);
    ck_assert_msg(err[1] / err[2] > 3.6 && err[1] / err[2] < 4.4, "ratio %g", err[1] / err[2]);
    double e1[2];
    for (int r = 0; r < 2; r++) {
        double a, u2 = etd_step(0.3, 0.1 / (1 << r), &a);
        e1[r] = fabs(u2 - a);
    }
    ck_assert_msg(e1[0] / e1[1] > 3.5 && e1[0] / e1[1] < 4.5, "estimate ratio %g", e1[0] / e1[1]);
    /* The fixed point -2 u + 1 + sin u = 0 (u* by Newton) is a fixed point
     * of every step, however long. */
    double us = 0.5;
    for (int i = 0; i < 60; i++)
        us -= (-2.0 * us + 1.0 + sin(us)) / (-2.0 + cos(us));
    for (double h = 1e-3; h < 1e4; h *= 10.0) {
        double a, u2 = etd_step(us, h, &a);
        ck_assert_msg(fabs(u2 - us) < 1e-15 && fabs(a - us) < 1e-15, "h %g: %g %g", h, u2 - us, a - us);
    }
}
END_TEST

START_TEST(test_pi_controller)
{
    gridform__pi pi;
    double h;
    gridform__pi_init(&pi, 1);
    /* first accepted step, err_prev = 1: h 0.9 err^(-0.4) */
    ck_assert_int_eq(gridform__pi_decide(&pi, 0.5, 1.0, &h), 1);
    ck_assert(fabs(h - 0.9 * pow(0.5, -0.4)) < 1e-15);
    /* second: the PI term err_prev^(+0.155) */
    ck_assert_int_eq(gridform__pi_decide(&pi, 0.25, 1.0, &h), 1);
    ck_assert(fabs(h - 0.9 * pow(0.25, -0.4) * pow(0.5, 0.155)) < 1e-15);
    /* growth at most 4 */
    ck_assert_int_eq(gridform__pi_decide(&pi, 0.0, 1.0, &h), 1);
    ck_assert(h == 4.0);
    /* rejection: 0.9 err^(-1/2), at least 1/4 */
    ck_assert_int_eq(gridform__pi_decide(&pi, 4.0, 1.0, &h), 0);
    ck_assert(fabs(h - 0.45) < 1e-15);
    ck_assert_int_eq(gridform__pi_decide(&pi, 1e6, 1.0, &h), 0);
    ck_assert(h == 0.25);
    ck_assert_int_eq(gridform__pi_decide(&pi, NAN, 1.0, &h), 0);
    ck_assert(h == 0.25);
    /* no growth right after a rejection, growth again after that */
    ck_assert_int_eq(gridform__pi_decide(&pi, 1e-6, 1.0, &h), 1);
    ck_assert(h == 1.0);
    ck_assert_int_eq(gridform__pi_decide(&pi, 1e-6, 1.0, &h), 1);
    ck_assert(h > 1.0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("integrator");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_phi_accuracy);
    tcase_add_test(tc, test_coeff_cache);
    tcase_add_test(tc, test_etd_order_and_fixed_point);
    tcase_add_test(tc, test_pi_controller);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
