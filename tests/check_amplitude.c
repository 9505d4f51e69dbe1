/* Tests for the amplitude equations, ideal lattices, the cubic gain and the
 * pattern objective: analytic stability boundaries reproduced by
 * integration, the classifier, the triad strength of ideal lattices, and
 * every error path. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"

#define PI 3.14159265358979323846

/* ---- helpers ------------------------------------------------------------ */

/* Fixed point of a pattern with small seeded noise of relative size eps. */
static void start_near(gridform_amplitude *a, int pattern, double eps, uint64_t seed)
{
    double R = 0, s[6] = {0};
    ck_assert_int_eq(gridform_amplitude_fixed_point(a, pattern, &R), GRIDFORM_OK);
    if (pattern == GRIDFORM_PATTERN_STRIPES) {
        s[0] = R;
    } else {
        /* phase sum 0: three real positive amplitudes; pi: three negative */
        double sg = (pattern == GRIDFORM_PATTERN_HEXAGONS) ? 1.0 : -1.0;
        s[0] = s[2] = s[4] = sg * R;
    }
    double noise[6];
    ck_assert_int_eq(gridform_amplitude_seed(a, seed, eps * R), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_get_state(a, noise), GRIDFORM_OK);
    for (int i = 0; i < 6; i++)
        s[i] += noise[i];
    ck_assert_int_eq(gridform_amplitude_set_state(a, s), GRIDFORM_OK);
}

/* Integrate for time T and classify.  The step keeps dt times the fastest
 * rate of the equations (|mu|, |gamma| a, (g0 + 2 g1) a^2 at the largest
 * amplitude a a pattern reaches) at 0.2, well inside RK4's stability limit
 * of 2.78 and accurate to about 1e-4 per unit time. */
static int run_and_classify(gridform_amplitude *a, double T)
{
    double mu, gamma, g0, g1;
    ck_assert_int_eq(gridform_amplitude_get_coefficients(a, &mu, &gamma, &g0, &g1), GRIDFORM_OK);
    double S = g0 + 2 * g1;
    double amax = fmax((fabs(gamma) + sqrt(gamma * gamma + 4 * fabs(mu) * S)) / (2 * S), sqrt(fabs(mu) / g0));
    double rate = fmax(fabs(mu), fmax(fabs(gamma) * amax, S * amax * amax));
    double dt = 0.2 / rate;
    size_t n = (size_t)ceil(T / dt);
    ck_assert_int_eq(gridform_amplitude_iterate(a, dt, n), GRIDFORM_OK);
    int p = 0;
    ck_assert_int_eq(gridform_amplitude_classify(a, &p), GRIDFORM_OK);
    return p;
}

static const char *pname(int p)
{
    static const char *names[] = {"?", "none", "stripes", "hexagons", "hexagons-pi", "mixed"};
    return (p >= 1 && p <= 5) ? names[p] : names[0];
}

/* ---- amplitude equations ------------------------------------------------ */

START_TEST(test_defaults_and_state)
{
    gridform_amplitude *a = NULL;
    ck_assert_int_eq(gridform_amplitude_create(&a), GRIDFORM_OK);
    double mu, gamma, g0, g1;
    ck_assert_int_eq(gridform_amplitude_get_coefficients(a, &mu, &gamma, &g0, &g1), GRIDFORM_OK);
    ck_assert_double_eq(mu, 1.0);
    ck_assert_double_eq(gamma, 0.0);
    ck_assert_double_eq(g0, 1.0);
    ck_assert_double_eq(g1, 2.0);
    double s[6] = {0.1, -0.2, 0.3, 0.4, -0.5, 0.6}, t[6];
    ck_assert_int_eq(gridform_amplitude_set_state(a, s), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_get_state(a, t), GRIDFORM_OK);
    for (int i = 0; i < 6; i++)
        ck_assert_double_eq(s[i], t[i]);
    /* same seed, same state; the state is bounded by the amplitude */
    double u[6];
    ck_assert_int_eq(gridform_amplitude_seed(a, 42, 1e-3), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_get_state(a, t), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_seed(a, 42, 1e-3), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_get_state(a, u), GRIDFORM_OK);
    for (int i = 0; i < 6; i++) {
        ck_assert_double_eq(t[i], u[i]);
        ck_assert(fabs(t[i]) <= 1e-3);
    }
    double time;
    ck_assert_int_eq(gridform_amplitude_iterate(a, 0.01, 100), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_get_time(a, &time), GRIDFORM_OK);
    ck_assert_double_eq_tol(time, 1.0, 1e-12);
    gridform_amplitude_destroy(a);
}
END_TEST

START_TEST(test_fixed_points)
{
    gridform_amplitude *a = NULL;
    ck_assert_int_eq(gridform_amplitude_create(&a), GRIDFORM_OK);
    const double mu = 0.7, gamma = 0.9, g0 = 1.0, g1 = 2.5;
    ck_assert_int_eq(gridform_amplitude_set_coefficients(a, mu, gamma, g0, g1), GRIDFORM_OK);
    double R, S = g0 + 2 * g1;
    /* hexagon upper branch (|gamma| + sqrt(gamma^2 + 4 mu S)) / (2 S) */
    ck_assert_int_eq(gridform_amplitude_fixed_point(a, GRIDFORM_PATTERN_HEXAGONS, &R), GRIDFORM_OK);
    ck_assert_double_eq_tol(R, (gamma + sqrt(gamma * gamma + 4 * mu * S)) / (2 * S), 1e-14);
    /* it is a stationary point: the exact hexagon does not move */
    double s[6] = {R, 0, R, 0, R, 0}, t[6];
    ck_assert_int_eq(gridform_amplitude_set_state(a, s), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_iterate(a, 0.01, 1000), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_get_state(a, t), GRIDFORM_OK);
    for (int i = 0; i < 6; i++)
        ck_assert_double_eq_tol(t[i], s[i], 1e-12);
    ck_assert_int_eq(gridform_amplitude_fixed_point(a, GRIDFORM_PATTERN_HEXAGONS_PI, &R), GRIDFORM_OK);
    ck_assert_double_eq_tol(R, (-gamma + sqrt(gamma * gamma + 4 * mu * S)) / (2 * S), 1e-14);
    ck_assert_int_eq(gridform_amplitude_fixed_point(a, GRIDFORM_PATTERN_STRIPES, &R), GRIDFORM_OK);
    ck_assert_double_eq_tol(R, sqrt(mu / g0), 1e-14);
    double st[6] = {0, R, 0, 0, 0, 0};   /* any phase of a single stripe */
    ck_assert_int_eq(gridform_amplitude_set_state(a, st), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_iterate(a, 0.01, 1000), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_get_state(a, t), GRIDFORM_OK);
    for (int i = 0; i < 6; i++)
        ck_assert_double_eq_tol(t[i], st[i], 1e-12);
    ck_assert_int_eq(gridform_amplitude_fixed_point(a, GRIDFORM_PATTERN_NONE, &R), GRIDFORM_OK);
    ck_assert_double_eq(R, 0.0);
    ck_assert_int_eq(gridform_amplitude_fixed_point(a, GRIDFORM_PATTERN_MIXED, &R), GRIDFORM_EUNDEFINED);
    /* below onset there are no stripes, and no hexagons below mu1 */
    ck_assert_int_eq(gridform_amplitude_set_coefficients(a, -0.1, gamma, g0, g1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_fixed_point(a, GRIDFORM_PATTERN_STRIPES, &R), GRIDFORM_EUNDEFINED);
    ck_assert_int_eq(gridform_amplitude_fixed_point(a, GRIDFORM_PATTERN_HEXAGONS_PI, &R), GRIDFORM_EUNDEFINED);
    ck_assert_int_eq(gridform_amplitude_fixed_point(a, GRIDFORM_PATTERN_HEXAGONS, &R), GRIDFORM_EUNDEFINED);
    ck_assert_ptr_nonnull(strstr(gridform_amplitude_last_error(a), "hexagon"));
    gridform_amplitude_destroy(a);
}
END_TEST

/* The analytic boundaries of doc/theory.md §3.6 for g0 < g1, checked two
 * ways at +-2% of each boundary: the analytic stability flags, and the end
 * state of integrating from the perturbed fixed point, classified. */
static const double cases[][3] = {
    /* gamma, g0, g1 */
    {1.0, 1.0, 2.0},
    {0.5, 1.0, 3.0},
    {-1.5, 2.0, 3.0},
    {0.3, 1.0, 1.5},
};

START_TEST(test_boundaries)
{
    const double gamma = cases[_i][0], g0 = cases[_i][1], g1 = cases[_i][2];
    const double S = g0 + 2 * g1, d = g1 - g0;
    const double mu1 = -gamma * gamma / (4 * S);
    const double mu3 = gamma * gamma * g0 / (d * d);
    const double mu4 = gamma * gamma * (2 * g0 + g1) / (d * d);
    const int hex = gamma > 0 ? GRIDFORM_PATTERN_HEXAGONS : GRIDFORM_PATTERN_HEXAGONS_PI;
    const int other = gamma > 0 ? GRIDFORM_PATTERN_HEXAGONS_PI : GRIDFORM_PATTERN_HEXAGONS;
    gridform_amplitude *a = NULL;
    ck_assert_int_eq(gridform_amplitude_create(&a), GRIDFORM_OK);
    int ex, st, p;
    struct { double mu; int start; int stable; int end; } runs[] = {
        /* hexagons: upper boundary mu4 */
        {0.98 * mu4, hex, 1, hex},
        {1.02 * mu4, hex, 0, GRIDFORM_PATTERN_STRIPES},
        /* hexagons: existence boundary mu1 < 0 (below it they decay) */
        {0.98 * mu1, hex, 1, hex},
        {1.02 * mu1, 0, 0, GRIDFORM_PATTERN_NONE},
        /* stripes: lower boundary mu3 */
        {1.02 * mu3, GRIDFORM_PATTERN_STRIPES, 1, GRIDFORM_PATTERN_STRIPES},
        {0.98 * mu3, GRIDFORM_PATTERN_STRIPES, 0, hex},
    };
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        double mu = runs[r].mu;
        ck_assert_int_eq(gridform_amplitude_set_coefficients(a, mu, gamma, g0, g1), GRIDFORM_OK);
        int pat = runs[r].start ? runs[r].start : hex;
        ck_assert_int_eq(gridform_amplitude_stability(a, pat, &ex, &st), GRIDFORM_OK);
        ck_assert_int_eq(st, runs[r].stable);
        if (runs[r].start == 0) {
            /* no hexagon exists below mu1: start from the ghost of the
             * saddle-node, R = |gamma|/(2 S) */
            ck_assert_int_eq(ex, 0);
            double R = fabs(gamma) / (2 * S), sg = gamma > 0 ? 1 : -1;
            double s[6] = {sg * R, 0, sg * R * 1.001, 0, sg * R * 0.999, 0};
            ck_assert_int_eq(gridform_amplitude_set_state(a, s), GRIDFORM_OK);
        } else {
            ck_assert_int_eq(ex, 1);
            start_near(a, pat, 1e-2, 7 + r);
        }
        /* 2% from a boundary the slowest rate is a few 1e-3 |mu_b| (mu3,
         * mu4) or set by the bottleneck of the saddle-node (mu1, about
         * 30/|mu1|): the times below leave a margin of about 4 */
        double T = r < 2 ? 6000.0 / mu4 : r < 4 ? 400.0 / fabs(mu1) : 6000.0 / mu3;
        p = run_and_classify(a, T);
        ck_assert_msg(p == runs[r].end, "gamma=%g g0=%g g1=%g mu=%g: ended as %s, expected %s", gamma, g0, g1,
                      mu, pname(p), pname(runs[r].end));
    }
    /* the hexagon of the wrong phase sum exists for mu > 0 but is never
     * stable; below mu3 the only stable state is the right hexagon */
    ck_assert_int_eq(gridform_amplitude_set_coefficients(a, 0.5 * mu3, gamma, g0, g1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_stability(a, other, &ex, &st), GRIDFORM_OK);
    ck_assert_int_eq(ex, 1);
    ck_assert_int_eq(st, 0);
    start_near(a, other, 1e-2, 99);
    p = run_and_classify(a, 4000.0 / mu3);
    ck_assert_msg(p == hex, "wrong-phase hexagon ended as %s", pname(p));
    ck_assert_int_eq(gridform_amplitude_stability(a, GRIDFORM_PATTERN_MIXED, &ex, &st), GRIDFORM_OK);
    ck_assert_int_eq(ex, 0);
    /* mixed states live between mu3 and mu4 (where stripes and hexagons are
     * bistable) and are unstable */
    ck_assert_int_eq(gridform_amplitude_set_coefficients(a, 0.5 * (mu3 + mu4), gamma, g0, g1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_stability(a, GRIDFORM_PATTERN_MIXED, &ex, &st), GRIDFORM_OK);
    ck_assert_int_eq(ex, 1);
    ck_assert_int_eq(st, 0);
    ck_assert_int_eq(gridform_amplitude_stability(a, hex, &ex, &st), GRIDFORM_OK);
    ck_assert_int_eq(st, 1);
    ck_assert_int_eq(gridform_amplitude_stability(a, GRIDFORM_PATTERN_STRIPES, &ex, &st), GRIDFORM_OK);
    ck_assert_int_eq(st, 1);
    /* the rest state is stable exactly below onset */
    ck_assert_int_eq(gridform_amplitude_stability(a, GRIDFORM_PATTERN_NONE, &ex, &st), GRIDFORM_OK);
    ck_assert_int_eq(ex, 1);
    ck_assert_int_eq(st, 0);
    ck_assert_int_eq(gridform_amplitude_set_coefficients(a, -0.1, gamma, g0, g1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_stability(a, GRIDFORM_PATTERN_NONE, &ex, &st), GRIDFORM_OK);
    ck_assert_int_eq(st, 1);
    gridform_amplitude_destroy(a);
}
END_TEST

/* gamma = 0 with g0 < g1: hexagons are never stable and every start ends in stripes. */
START_TEST(test_no_triad)
{
    gridform_amplitude *a = NULL;
    ck_assert_int_eq(gridform_amplitude_create(&a), GRIDFORM_OK);
    const double mus[] = {-0.5, 0.01, 0.3, 1.0, 5.0};
    for (size_t i = 0; i < sizeof mus / sizeof mus[0]; i++) {
        int ex, st, p;
        ck_assert_int_eq(gridform_amplitude_set_coefficients(a, mus[i], 0.0, 1.0, 2.0), GRIDFORM_OK);
        ck_assert_int_eq(gridform_amplitude_stability(a, GRIDFORM_PATTERN_HEXAGONS, &ex, &st), GRIDFORM_OK);
        ck_assert_int_eq(st, 0);
        ck_assert_int_eq(ex, mus[i] > 0);
        ck_assert_int_eq(gridform_amplitude_stability(a, GRIDFORM_PATTERN_HEXAGONS_PI, &ex, &st), GRIDFORM_OK);
        ck_assert_int_eq(st, 0);
        ck_assert_int_eq(gridform_amplitude_stability(a, GRIDFORM_PATTERN_STRIPES, &ex, &st), GRIDFORM_OK);
        ck_assert_int_eq(st, mus[i] > 0);
        if (mus[i] > 0) {
            start_near(a, GRIDFORM_PATTERN_HEXAGONS, 1e-2, 3 + i);
            p = run_and_classify(a, 100.0 / mus[i]);
            ck_assert_msg(p == GRIDFORM_PATTERN_STRIPES, "mu=%g: hexagon start ended as %s", mus[i], pname(p));
        }
        /* from random small amplitudes */
        ck_assert_int_eq(gridform_amplitude_seed(a, 11 + i, 1e-3), GRIDFORM_OK);
        p = run_and_classify(a, 200.0 / fabs(mus[i]));
        ck_assert_msg(p == (mus[i] > 0 ? GRIDFORM_PATTERN_STRIPES : GRIDFORM_PATTERN_NONE),
                      "mu=%g: random start ended as %s", mus[i], pname(p));
    }
    /* g1 < g0 and gamma = 0: hexagons (any phase sum) are stable, stripes not */
    int ex, st;
    ck_assert_int_eq(gridform_amplitude_set_coefficients(a, 1.0, 0.0, 2.0, 1.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_stability(a, GRIDFORM_PATTERN_HEXAGONS, &ex, &st), GRIDFORM_OK);
    ck_assert_int_eq(st, 1);
    ck_assert_int_eq(gridform_amplitude_stability(a, GRIDFORM_PATTERN_STRIPES, &ex, &st), GRIDFORM_OK);
    ck_assert_int_eq(st, 0);
    gridform_amplitude_destroy(a);
}
END_TEST

/* With gamma != 0 between mu1 and mu3 only hexagons are stable: random
 * small amplitudes end there, with the phase sum set by the sign of gamma. */
START_TEST(test_random_start_hexagons)
{
    gridform_amplitude *a = NULL;
    ck_assert_int_eq(gridform_amplitude_create(&a), GRIDFORM_OK);
    for (int sg = -1; sg <= 1; sg += 2) {
        for (uint64_t seed = 1; seed <= 5; seed++) {
            ck_assert_int_eq(gridform_amplitude_set_coefficients(a, 0.2, sg * 1.0, 1.0, 2.0), GRIDFORM_OK);
            ck_assert_int_eq(gridform_amplitude_seed(a, seed, 1e-3), GRIDFORM_OK);
            int p = run_and_classify(a, 400.0);
            ck_assert_int_eq(p, sg > 0 ? GRIDFORM_PATTERN_HEXAGONS : GRIDFORM_PATTERN_HEXAGONS_PI);
        }
    }
    gridform_amplitude_destroy(a);
}
END_TEST

START_TEST(test_classifier)
{
    gridform_amplitude *a = NULL;
    ck_assert_int_eq(gridform_amplitude_create(&a), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_set_coefficients(a, 1.0, 0.5, 1.0, 2.0), GRIDFORM_OK);
    struct { double s[6]; int p; } c[] = {
        {{0, 0, 0, 0, 0, 0}, GRIDFORM_PATTERN_NONE},
        {{1e-4, 0, 0, 1e-4, 0, 0}, GRIDFORM_PATTERN_NONE},
        {{0, 0, 0.8, 0.3, 1e-4, 0}, GRIDFORM_PATTERN_STRIPES},
        {{0.4, 0, 0.4, 0, 0.4, 0}, GRIDFORM_PATTERN_HEXAGONS},
        /* a translation: phases (1, 2, -3) sum to 0 */
        {{0.4 * 0.5403023058681398, 0.4 * 0.8414709848078965, 0.4 * -0.4161468365471424,
          0.4 * 0.9092974268256817, 0.4 * -0.9899924966004454, 0.4 * -0.1411200080598672},
         GRIDFORM_PATTERN_HEXAGONS},
        {{-0.4, 0, -0.4, 0, -0.4, 0}, GRIDFORM_PATTERN_HEXAGONS_PI},
        {{0.4, 0, 0, 0.4, 0.4, 0}, GRIDFORM_PATTERN_MIXED},        /* phase sum pi/2 */
        {{0.6, 0, 0.3, 0, 0.3, 0}, GRIDFORM_PATTERN_MIXED},        /* unequal */
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        int p;
        ck_assert_int_eq(gridform_amplitude_set_state(a, c[i].s), GRIDFORM_OK);
        ck_assert_int_eq(gridform_amplitude_classify(a, &p), GRIDFORM_OK);
        ck_assert_msg(p == c[i].p, "case %zu: %s, expected %s", i, pname(p), pname(c[i].p));
    }
    /* a looser tolerance accepts a 5%-unequal hexagon */
    double s[6] = {0.4, 0, 0.39, 0, 0.38, 0};
    int p;
    ck_assert_int_eq(gridform_amplitude_set_state(a, s), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_classify(a, &p), GRIDFORM_OK);
    ck_assert_int_eq(p, GRIDFORM_PATTERN_MIXED);
    ck_assert_int_eq(gridform_amplitude_set_tolerance(a, 0.1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_classify(a, &p), GRIDFORM_OK);
    ck_assert_int_eq(p, GRIDFORM_PATTERN_HEXAGONS);
    gridform_amplitude_destroy(a);
}
END_TEST

START_TEST(test_diverged)
{
    gridform_amplitude *a = NULL;
    ck_assert_int_eq(gridform_amplitude_create(&a), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_set_coefficients(a, 1.0, 1.0, 1.0, 2.0), GRIDFORM_OK);
    double s[6] = {10, 0, 10, 0, 10, 0}, t[6];
    ck_assert_int_eq(gridform_amplitude_set_state(a, s), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_iterate(a, 10.0, 100), GRIDFORM_EDIVERGED);
    ck_assert_ptr_nonnull(strstr(gridform_amplitude_last_error(a), "dt"));
    ck_assert_int_eq(gridform_amplitude_get_state(a, t), GRIDFORM_OK);
    for (int i = 0; i < 6; i++)
        ck_assert(isfinite(t[i]));
    gridform_amplitude_destroy(a);
}
END_TEST

START_TEST(test_amplitude_errors)
{
    gridform_amplitude *a = NULL;
    double d = 0, s[6] = {0};
    int i = 0, j = 0;
    ck_assert_int_eq(gridform_amplitude_create(NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_debug_fail_allocation(1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_create(&a), GRIDFORM_ENOMEM);
    ck_assert_ptr_null(a);
    ck_assert_int_eq(gridform_amplitude_create(&a), GRIDFORM_OK);

    ck_assert_int_eq(gridform_amplitude_set_coefficients(NULL, 1, 1, 1, 2), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_set_coefficients(a, NAN, 1, 1, 2), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_set_coefficients(a, 1, NAN, 1, 2), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_set_coefficients(a, 1, 1, INFINITY, 2), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_set_coefficients(a, 1, 1, 1, -INFINITY), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_amplitude_last_error(a), "finite"));
    ck_assert_int_eq(gridform_amplitude_set_coefficients(a, 1, 1, 0, 2), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_set_coefficients(a, 1, 1, 1, -0.5), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_amplitude_last_error(a), "saturation"));
    /* failed setters leave the coefficients alone */
    double mu;
    ck_assert_int_eq(gridform_amplitude_get_coefficients(a, &mu, NULL, NULL, NULL), GRIDFORM_OK);
    ck_assert_double_eq(mu, 1.0);
    ck_assert_int_eq(gridform_amplitude_get_coefficients(NULL, &d, &d, &d, &d), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_get_coefficients(a, NULL, NULL, NULL, NULL), GRIDFORM_EINVAL);

    ck_assert_int_eq(gridform_amplitude_set_state(NULL, s), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_set_state(a, NULL), GRIDFORM_EINVAL);
    s[3] = NAN;
    ck_assert_int_eq(gridform_amplitude_set_state(a, s), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_amplitude_last_error(a), "state[3]"));
    ck_assert_int_eq(gridform_amplitude_get_state(NULL, s), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_get_state(a, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_seed(NULL, 1, 1e-3), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_seed(a, 1, 0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_seed(a, 1, NAN), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_iterate(NULL, 0.01, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_iterate(a, 0, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_iterate(a, -1, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_iterate(a, INFINITY, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_iterate(a, 0.01, 0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_get_time(NULL, &d), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_get_time(a, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_set_tolerance(NULL, 0.1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_set_tolerance(a, 0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_set_tolerance(a, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_set_tolerance(a, NAN), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_classify(NULL, &i), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_classify(a, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_stability(NULL, GRIDFORM_PATTERN_HEXAGONS, &i, &j), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_stability(a, 0, &i, &j), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_stability(a, 6, &i, &j), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_amplitude_last_error(a), "pattern"));
    ck_assert_int_eq(gridform_amplitude_stability(a, GRIDFORM_PATTERN_HEXAGONS, NULL, &j), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_stability(a, GRIDFORM_PATTERN_HEXAGONS, &i, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_fixed_point(NULL, GRIDFORM_PATTERN_STRIPES, &d), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_fixed_point(a, 0, &d), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_fixed_point(a, -1, &d), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_fixed_point(a, GRIDFORM_PATTERN_STRIPES, NULL), GRIDFORM_EINVAL);
    ck_assert_int_gt((int)strlen(gridform_amplitude_last_error(a)), 0);
    ck_assert_ptr_nonnull(gridform_amplitude_last_error(NULL));
    gridform_amplitude_destroy(a);
    gridform_amplitude_destroy(NULL);
}
END_TEST

/* ---- lattices and the cubic gain ----------------------------------------- */

START_TEST(test_lattice_commensurate)
{
    /* Lx = 4 pi m/k, Ly = 4 pi m'/(sqrt3 k): the hexagon's waves are exact
     * lattice points */
    const double k = 9.81;
    gridform_arena *ar = NULL;
    ck_assert_int_eq(gridform_arena_create(&ar, 4 * PI * 3 / k, 4 * PI * 3 / (sqrt(3.0) * k), 64, 56,
                                           GRIDFORM_PERIODIC), GRIDFORM_OK);
    double kv[6], ku;
    size_t nw;
    ck_assert_int_eq(gridform_lattice_wavevectors(ar, GRIDFORM_LATTICE_HEX, k, 0.0, kv, &nw, &ku), GRIDFORM_OK);
    ck_assert_uint_eq(nw, 3);
    ck_assert_double_eq_tol(ku, k, 1e-12);
    for (int j = 0; j < 3; j++) {
        ck_assert_double_eq_tol(hypot(kv[2 * j], kv[2 * j + 1]), k, 1e-12);
        ck_assert_double_eq_tol(kv[2 * j], k * cos(2 * PI * j / 3), 1e-12);
        ck_assert_double_eq_tol(kv[2 * j + 1], k * sin(2 * PI * j / 3), 1e-12);
    }
    double *m = malloc(64 * 56 * sizeof *m), g;
    ck_assert_int_eq(gridform_lattice_synthesize(ar, GRIDFORM_LATTICE_HEX, k, 0.0, 0.1, -0.2, m), GRIDFORM_OK);
    ck_assert_int_eq(gridform_cubic_gain(ar, m, &g), GRIDFORM_OK);
    ck_assert_double_eq_tol(g, 2 / sqrt(6.0), 1e-10);
    /* the phase sum is zero: every peak is +3, every trough -3/2 */
    double mx = -10, mn = 10;
    for (int i = 0; i < 64 * 56; i++) { mx = fmax(mx, m[i]); mn = fmin(mn, m[i]); }
    ck_assert(mx <= 3 && mx > 2.8);
    ck_assert(mn >= -1.5 - 1e-12 && mn < -1.4);
    free(m);
    gridform_arena_destroy(ar);
}
END_TEST

START_TEST(test_cubic_gain)
{
    /* fine walled arena, generic angle and offset: no lattice snapping */
    gridform_arena *ar = NULL;
    ck_assert_int_eq(gridform_arena_create(&ar, 4.4, 4.4, 128, 128, GRIDFORM_WALLED), GRIDFORM_OK);
    double *m = malloc(128 * 128 * sizeof *m), g, ku, kv[6];
    ck_assert_int_eq(gridform_lattice_synthesize(ar, GRIDFORM_LATTICE_HEX, 9.81, 0.3, 0.05, 0.11, m), GRIDFORM_OK);
    ck_assert_int_eq(gridform_cubic_gain(ar, m, &g), GRIDFORM_OK);
    printf("cubic gain, walled 4.4 m 128x128, k=9.81: hexagon %.6f (2/sqrt6 = %.6f)\n", g, 2 / sqrt(6.0));
    ck_assert_double_eq_tol(g, 2 / sqrt(6.0), 0.01 * 2 / sqrt(6.0));
    /* unsnapped in a walled arena */
    ck_assert_int_eq(gridform_lattice_wavevectors(ar, GRIDFORM_LATTICE_HEX, 9.81, 0.3, kv, NULL, &ku), GRIDFORM_OK);
    ck_assert_double_eq_tol(ku, 9.81, 1e-12);
    ck_assert_int_eq(gridform_lattice_synthesize(ar, GRIDFORM_LATTICE_SQUARE, 9.81, 0.3, 0.05, 0.11, m), GRIDFORM_OK);
    ck_assert_int_eq(gridform_cubic_gain(ar, m, &g), GRIDFORM_OK);
    printf("cubic gain: square %.2e\n", g);
    ck_assert_double_eq_tol(g, 0.0, 1e-3);
    ck_assert_int_eq(gridform_lattice_synthesize(ar, GRIDFORM_LATTICE_STRIPES, 9.81, 0.3, 0.05, 0.11, m),
                     GRIDFORM_OK);
    ck_assert_int_eq(gridform_cubic_gain(ar, m, &g), GRIDFORM_OK);
    printf("cubic gain: stripes %.2e\n", g);
    ck_assert_double_eq_tol(g, 0.0, 1e-3);
    /* the gain is scale- and offset-free, and the pi-hexagon (-g) has -2/sqrt6 */
    ck_assert_int_eq(gridform_lattice_synthesize(ar, GRIDFORM_LATTICE_HEX, 9.81, 0.3, 0.05, 0.11, m), GRIDFORM_OK);
    for (int i = 0; i < 128 * 128; i++)
        m[i] = -2.5 * m[i] + 7;
    ck_assert_int_eq(gridform_cubic_gain(ar, m, &g), GRIDFORM_OK);
    ck_assert_double_eq_tol(g, -2 / sqrt(6.0), 0.01 * 2 / sqrt(6.0));
    free(m);
    gridform_arena_destroy(ar);

    /* periodic square box: the hexagon snaps, but the triad stays closed */
    ck_assert_int_eq(gridform_arena_create(&ar, 4.4, 4.4, 64, 64, GRIDFORM_PERIODIC), GRIDFORM_OK);
    m = malloc(64 * 64 * sizeof *m);
    size_t nw;
    ck_assert_int_eq(gridform_lattice_wavevectors(ar, GRIDFORM_LATTICE_HEX, 9.81, 0.0, kv, &nw, &ku), GRIDFORM_OK);
    printf("4.4 m periodic box: hexagon at k=9.81 snaps to (%.4f,%.4f) (%.4f,%.4f) (%.4f,%.4f), mean |k| %.4f\n",
           kv[0], kv[1], kv[2], kv[3], kv[4], kv[5], ku);
    ck_assert_double_eq_tol(kv[0] + kv[2] + kv[4], 0.0, 1e-12);
    ck_assert_double_eq_tol(kv[1] + kv[3] + kv[5], 0.0, 1e-12);
    ck_assert(fabs(ku - 9.81) < 2 * PI / 4.4);
    for (int j = 0; j < 3; j++) {
        double fx = kv[2 * j] * 4.4 / (2 * PI), fy = kv[2 * j + 1] * 4.4 / (2 * PI);
        ck_assert_double_eq_tol(fx, nearbyint(fx), 1e-9);
        ck_assert_double_eq_tol(fy, nearbyint(fy), 1e-9);
    }
    ck_assert_int_eq(gridform_lattice_synthesize(ar, GRIDFORM_LATTICE_HEX, 9.81, 0.0, 0, 0, m), GRIDFORM_OK);
    ck_assert_int_eq(gridform_cubic_gain(ar, m, &g), GRIDFORM_OK);
    ck_assert_double_eq_tol(g, 2 / sqrt(6.0), 1e-10);
    ck_assert_int_eq(gridform_lattice_synthesize(ar, GRIDFORM_LATTICE_SQUARE, 9.81, 0.2, 0, 0, m), GRIDFORM_OK);
    ck_assert_int_eq(gridform_cubic_gain(ar, m, &g), GRIDFORM_OK);
    ck_assert_double_eq_tol(g, 0.0, 1e-10);
    free(m);
    gridform_arena_destroy(ar);
}
END_TEST

START_TEST(test_synthesize_peak)
{
    gridform_arena *ar = NULL;
    ck_assert_int_eq(gridform_arena_create(&ar, 2.0, 2.0, 40, 40, GRIDFORM_WALLED), GRIDFORM_OK);
    double m[1600];
    /* the grid point (ix, iy) = (25, 10) is at (0.275, -0.475) */
    const int lat[3] = {GRIDFORM_LATTICE_HEX, GRIDFORM_LATTICE_SQUARE, GRIDFORM_LATTICE_STRIPES};
    for (int l = 0; l < 3; l++) {
        ck_assert_int_eq(gridform_lattice_synthesize(ar, lat[l], 7.0, 0.4, 0.275, -0.475, m), GRIDFORM_OK);
        ck_assert_double_eq_tol(m[10 * 40 + 25], 3.0 - l, 1e-12);
        for (int i = 0; i < 1600; i++)
            ck_assert(m[i] <= 3.0 - l + 1e-12);
    }
    gridform_arena_destroy(ar);
}
END_TEST

START_TEST(test_lattice_errors)
{
    gridform_arena *ar = NULL;
    ck_assert_int_eq(gridform_arena_create(&ar, 4.4, 4.4, 32, 32, GRIDFORM_PERIODIC), GRIDFORM_OK);
    double m[32 * 32], kv[6], g;
    ck_assert_int_eq(gridform_lattice_synthesize(NULL, GRIDFORM_LATTICE_HEX, 9.81, 0, 0, 0, m), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_lattice_synthesize(ar, GRIDFORM_LATTICE_HEX, 9.81, 0, 0, 0, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_lattice_synthesize(ar, 0, 9.81, 0, 0, 0, m), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_lattice_synthesize(ar, 4, 9.81, 0, 0, 0, m), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_arena_last_error(ar), "lattice"));
    ck_assert_int_eq(gridform_lattice_synthesize(ar, GRIDFORM_LATTICE_HEX, 0, 0, 0, 0, m), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_lattice_synthesize(ar, GRIDFORM_LATTICE_HEX, NAN, 0, 0, 0, m), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_lattice_synthesize(ar, GRIDFORM_LATTICE_HEX, 9.81, NAN, 0, 0, m), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_lattice_synthesize(ar, GRIDFORM_LATTICE_HEX, 9.81, 0, INFINITY, 0, m),
                     GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_lattice_synthesize(ar, GRIDFORM_LATTICE_HEX, 9.81, 0, 0, NAN, m), GRIDFORM_EINVAL);
    /* below the lattice: snaps to zero; above Nyquist (32 pi / 4.4 = 22.8) */
    ck_assert_int_eq(gridform_lattice_synthesize(ar, GRIDFORM_LATTICE_STRIPES, 0.5, 0, 0, 0, m), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_lattice_synthesize(ar, GRIDFORM_LATTICE_SQUARE, 0.6, 0.3, 0, 0, m), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_arena_last_error(ar), "snaps to 0"));
    ck_assert_int_eq(gridform_lattice_synthesize(ar, GRIDFORM_LATTICE_HEX, 30, 0, 0, 0, m), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_arena_last_error(ar), "Nyquist"));
    ck_assert_int_eq(gridform_lattice_wavevectors(NULL, GRIDFORM_LATTICE_HEX, 9.81, 0, kv, NULL, NULL),
                     GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_lattice_wavevectors(ar, GRIDFORM_LATTICE_HEX, 9.81, 0, NULL, NULL, NULL),
                     GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_lattice_wavevectors(ar, 9, 9.81, 0, kv, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_lattice_wavevectors(ar, GRIDFORM_LATTICE_SQUARE, -1, 0, kv, NULL, NULL),
                     GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_cubic_gain(NULL, m, &g), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_cubic_gain(ar, NULL, &g), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_cubic_gain(ar, m, NULL), GRIDFORM_EINVAL);
    for (int i = 0; i < 32 * 32; i++)
        m[i] = 2.5;
    ck_assert_int_eq(gridform_cubic_gain(ar, m, &g), GRIDFORM_EUNDEFINED);
    ck_assert_ptr_nonnull(strstr(gridform_arena_last_error(ar), "variance"));
    m[17] = NAN;
    ck_assert_int_eq(gridform_cubic_gain(ar, m, &g), GRIDFORM_EINVAL);
    gridform_arena_destroy(ar);
}
END_TEST


/* ---- kernel-derived coefficients and the pattern objective --------------- */

/* The default DoG code (sigma = 0.12 m, s = 2) on a periodic arena; the
 * FOURIER kernel uses the analytic spectrum, so ncells only sets the code. */
static gridform_kernel *dog_kernel(gridform_arena *ar, gridform_placecode **pc)
{
    gridform_kernel *k = NULL;
    ck_assert_int_eq(gridform_placecode_create(pc, ar, GRIDFORM_TUNING_DOG, 0.12, 2.0, 256,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, *pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    return k;
}

START_TEST(test_from_kernel)
{
    gridform_arena *ar = NULL;
    gridform_placecode *pc = NULL;
    ck_assert_int_eq(gridform_arena_create(&ar, 4.4, 4.4, 32, 32, GRIDFORM_PERIODIC), GRIDFORM_OK);
    gridform_kernel *k = dog_kernel(ar, &pc);
    double kstar, sp, sig;
    ck_assert_int_eq(gridform_kernel_ring(k, &kstar, &sp), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_radial_profile(k, &kstar, 1, &sig), GRIDFORM_OK);
    /* DoG at k*: p~ = 1/2 - 1/4, Sigma~ = p~^2 / A */
    ck_assert_double_eq_tol(sig, 0.0625 / (4.4 * 4.4), 1e-12);
    gridform_amplitude *a = NULL;
    ck_assert_int_eq(gridform_amplitude_create(&a), GRIDFORM_OK);
    double mu, gamma, g0, g1, s = 0.7 * sig;
    /* LINEAR: gamma = 0, the isotropic Oja saturation g0 = g1 = 2 Sigma~(k*) */
    ck_assert_int_eq(gridform_amplitude_from_kernel(a, k, GRIDFORM_NL_LINEAR, s), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_get_coefficients(a, &mu, &gamma, &g0, &g1), GRIDFORM_OK);
    ck_assert_double_eq_tol(mu, sig, 1e-15);
    ck_assert(gamma == 0.0);
    ck_assert_double_eq_tol(g0, 2 * sig, 1e-15);
    ck_assert_double_eq_tol(g1, 2 * sig, 1e-15);
    /* TANH: odd, so gamma = 0 exactly; its cubic term adds 3 c3 s and
     * 6 c3 s (g1 - g0 = 3 c3 s > 0: stripes win), c3 = 0.060599 */
    ck_assert_int_eq(gridform_amplitude_from_kernel(a, k, GRIDFORM_NL_TANH, s), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_get_coefficients(a, &mu, &gamma, &g0, &g1), GRIDFORM_OK);
    ck_assert(gamma == 0.0);
    ck_assert_double_eq_tol((g0 - 2 * sig) / (3 * s), 0.0605992293938, 1e-9);
    ck_assert_double_eq_tol((g1 - 2 * sig) / (6 * s), 0.0605992293938, 1e-9);
    int ex, st;
    ck_assert_int_eq(gridform_amplitude_stability(a, GRIDFORM_PATTERN_STRIPES, &ex, &st), GRIDFORM_OK);
    ck_assert_int_eq(st, 1);
    ck_assert_int_eq(gridform_amplitude_stability(a, GRIDFORM_PATTERN_HEXAGONS, &ex, &st), GRIDFORM_OK);
    ck_assert_int_eq(st, 0);
    /* SOFT: gamma = 2 s / sqrt(2 pi); RELU (projection at rate s):
     * s / sqrt(2 pi); both > 0 (hexagons with phase sum 0: positive
     * peaks), no anisotropic cubic term */
    const int nl[2] = {GRIDFORM_NL_SOFT, GRIDFORM_NL_RELU};
    const double gexp[2] = {2 * s / sqrt(2 * PI), s / sqrt(2 * PI)};
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(gridform_amplitude_from_kernel(a, k, nl[i], s), GRIDFORM_OK);
        ck_assert_int_eq(gridform_amplitude_get_coefficients(a, &mu, &gamma, &g0, &g1), GRIDFORM_OK);
        ck_assert_double_eq_tol(gamma, gexp[i], 1e-15);
        ck_assert(gamma > 0);
        ck_assert_double_eq_tol(g0, 2 * sig, 1e-15);
        ck_assert_double_eq_tol(g1, 2 * sig, 1e-15);
        ck_assert_int_eq(gridform_amplitude_stability(a, GRIDFORM_PATTERN_HEXAGONS, &ex, &st), GRIDFORM_OK);
        ck_assert_int_eq(st, 1);
        ck_assert_int_eq(gridform_amplitude_stability(a, GRIDFORM_PATTERN_STRIPES, &ex, &st), GRIDFORM_OK);
        ck_assert_int_eq(st, 0);
        /* random small amplitudes end as positive-peaked hexagons */
        ck_assert_int_eq(gridform_amplitude_seed(a, 5 + i, 1e-3), GRIDFORM_OK);
        int p = run_and_classify(a, 400.0 / mu);
        ck_assert_msg(p == GRIDFORM_PATTERN_HEXAGONS, "ended as %s", pname(p));
    }
    /* the fixed point of the derived equations is (nearly) unit norm:
     * 6 R^2 = <u^2> = 1 at gamma = 0 */
    ck_assert_int_eq(gridform_amplitude_from_kernel(a, k, GRIDFORM_NL_SOFT, 0.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_get_coefficients(a, NULL, &gamma, NULL, NULL), GRIDFORM_OK);
    ck_assert(gamma == 0.0);
    double R;
    ck_assert_int_eq(gridform_amplitude_fixed_point(a, GRIDFORM_PATTERN_HEXAGONS, &R), GRIDFORM_OK);
    ck_assert_double_eq_tol(6 * R * R, 1.0, 1e-12);
    ck_assert_int_eq(gridform_amplitude_fixed_point(a, GRIDFORM_PATTERN_STRIPES, &R), GRIDFORM_OK);
    ck_assert_double_eq_tol(2 * R * R, 1.0, 1e-12);

    /* errors: bad nonlinearity, bad strength, a kernel without a ring */
    ck_assert_int_eq(gridform_amplitude_from_kernel(NULL, k, GRIDFORM_NL_RELU, s), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_from_kernel(a, NULL, GRIDFORM_NL_RELU, s), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_from_kernel(a, k, 0, s), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_from_kernel(a, k, 5, s), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_amplitude_last_error(a), "nonlinearity"));
    ck_assert_int_eq(gridform_amplitude_from_kernel(a, k, GRIDFORM_NL_RELU, 0), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_amplitude_last_error(a), "projection rate"));
    ck_assert_int_eq(gridform_amplitude_from_kernel(a, k, GRIDFORM_NL_SOFT, -1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_from_kernel(a, k, GRIDFORM_NL_SOFT, NAN), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_amplitude_from_kernel(a, k, GRIDFORM_NL_SOFT, INFINITY), GRIDFORM_EINVAL);
    gridform_placecode *pg = NULL;
    gridform_kernel *kg = NULL;
    ck_assert_int_eq(gridform_placecode_create(&pg, ar, GRIDFORM_TUNING_GAUSSIAN, 0.12, 2.0, 256,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&kg, pg, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_from_kernel(a, kg, GRIDFORM_NL_RELU, s), GRIDFORM_EUNDEFINED);
    ck_assert_ptr_nonnull(strstr(gridform_amplitude_last_error(a), "ring"));
    /* failed derivations leave the coefficients alone */
    ck_assert_int_eq(gridform_amplitude_get_coefficients(a, &mu, &gamma, NULL, NULL), GRIDFORM_OK);
    ck_assert_double_eq_tol(mu, sig, 1e-15);
    ck_assert(gamma == 0.0);
    gridform_kernel_destroy(kg);
    gridform_placecode_destroy(pg);
    gridform_amplitude_destroy(a);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(ar);
}
END_TEST

/* Objective of hexagon, square, stripes at k*, divided by Sigma~(k*). */
static void lattice_objectives(gridform_arena *ar, gridform_kernel *k, int nl, double strength, double kk,
                               double out[3])
{
    size_t nx, ny;
    ck_assert_int_eq(gridform_arena_get_shape(ar, &nx, &ny), GRIDFORM_OK);
    double *m = malloc(nx * ny * sizeof *m), sig;
    ck_assert_int_eq(gridform_kernel_radial_profile(k, &kk, 1, &sig), GRIDFORM_OK);
    const int lat[3] = {GRIDFORM_LATTICE_HEX, GRIDFORM_LATTICE_SQUARE, GRIDFORM_LATTICE_STRIPES};
    for (int l = 0; l < 3; l++) {
        ck_assert_int_eq(gridform_lattice_synthesize(ar, lat[l], kk, 0.0, 0.0, 0.0, m), GRIDFORM_OK);
        /* the objective is scale-free: scaling the map changes nothing */
        for (size_t i = 0; i < nx * ny; i++)
            m[i] *= 3.7;
        ck_assert_int_eq(gridform_pattern_objective(k, m, nl, strength, &out[l]), GRIDFORM_OK);
        out[l] /= sig;
    }
    free(m);
}

START_TEST(test_objective)
{
    const double ks = sqrt(2 * log(2.0) / (0.12 * 0.12));
    gridform_arena *ar = NULL;
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    double v[3], lin[3];
    /* Commensurate with the hexagonal lattice at k*: Lx = 4 pi m/k,
     * Ly = 4 pi m'/(sqrt3 k).  No box puts a square exactly on the ring too
     * (that would need sqrt3 rational), so take m' = 84, for which the
     * square's y-wave k Ly/(2 pi) = 2 m'/sqrt3 = 96.995 is within 5e-5 of
     * the lattice point 97: the snapped square is on the ring to 1e-8. */
    ck_assert_int_eq(gridform_arena_create(&ar, 4 * PI * 2 / ks, 4 * PI * 84 / (sqrt(3.0) * ks), 16, 224,
                                           GRIDFORM_PERIODIC), GRIDFORM_OK);
    k = dog_kernel(ar, &pc);
    /* LINEAR: every ring pattern scores the ring value */
    lattice_objectives(ar, k, GRIDFORM_NL_LINEAR, 0.0, ks, v);
    printf("objective/Sigma~(k*), commensurate %.3f x %.3f m: LINEAR hex %.9f square %.9f stripes %.9f\n",
           4 * PI * 2 / ks, 4 * PI * 84 / (sqrt(3.0) * ks), v[0], v[1], v[2]);
    for (int l = 0; l < 3; l++)
        ck_assert_double_eq_tol(v[l], 1.0, 1e-6);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(ar);

    /* a near-square commensurate box, m = 3, m' = 5 */
    ck_assert_int_eq(gridform_arena_create(&ar, 4 * PI * 3 / ks, 4 * PI * 5 / (sqrt(3.0) * ks), 48, 48,
                                           GRIDFORM_PERIODIC), GRIDFORM_OK);
    k = dog_kernel(ar, &pc);
    lattice_objectives(ar, k, GRIDFORM_NL_LINEAR, 0.0, ks, lin);
    ck_assert_double_eq_tol(lin[0], 1.0, 1e-12);
    ck_assert_double_eq_tol(lin[2], 1.0, 1e-12);
    /* RELU: hexagon > square > stripe, about 0.65, 0.58, 0.50 */
    lattice_objectives(ar, k, GRIDFORM_NL_RELU, 0.0, ks, v);
    printf("commensurate %.3f x %.3f m, RELU: hex %.4f square %.4f stripes %.4f\n", 4 * PI * 3 / ks,
           4 * PI * 5 / (sqrt(3.0) * ks), v[0], v[1], v[2]);
    ck_assert(v[0] > v[1] && v[1] > v[2]);
    ck_assert_double_eq_tol(v[0], 0.65, 0.02);
    ck_assert_double_eq_tol(v[1], 0.58, 0.02);
    ck_assert_double_eq_tol(v[2], 0.50, 0.02);
    /* SOFT at strength Sigma~(k*)/2: squares and stripes are odd under a
     * half-period shift, so half their mass is negative and the penalty
     * 2 <min(u,0)^2> is 1; the hexagon's troughs are shallow, it pays less */
    double sig;
    ck_assert_int_eq(gridform_kernel_radial_profile(k, &ks, 1, &sig), GRIDFORM_OK);
    lattice_objectives(ar, k, GRIDFORM_NL_SOFT, 0.5 * sig, ks, v);
    printf("SOFT (strength Sigma~(k*)/2): hex %.4f square %.4f stripes %.4f\n", v[0], v[1], v[2]);
    ck_assert_double_eq_tol(lin[1] - v[1], 0.5, 1e-9);
    ck_assert_double_eq_tol(lin[2] - v[2], 0.5, 1e-9);
    ck_assert(lin[0] - v[0] < 0.45);
    ck_assert(v[0] > v[1] && v[0] > v[2]);
    /* TANH is even in u and penalises the hexagon's tall peaks: no hexagon
     * preference */
    lattice_objectives(ar, k, GRIDFORM_NL_TANH, 0.5 * sig, ks, v);
    printf("TANH (strength Sigma~(k*)/2): hex %.4f square %.4f stripes %.4f\n", v[0], v[1], v[2]);
    ck_assert(lin[0] - v[0] >= lin[2] - v[2]);
    ck_assert(v[0] <= v[2]);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(ar);

    /* a square periodic box: the waves snap to the Fourier lattice and the
     * hexagon loses a little more than squares and stripes do */
    ck_assert_int_eq(gridform_arena_create(&ar, 4.4, 4.4, 64, 64, GRIDFORM_PERIODIC), GRIDFORM_OK);
    k = dog_kernel(ar, &pc);
    lattice_objectives(ar, k, GRIDFORM_NL_LINEAR, 0.0, ks, v);
    printf("4.4 m square box, LINEAR: hex %.6f square %.6f stripes %.6f (hexagon loses %.3f%% to snapping)\n",
           v[0], v[1], v[2], 100 * (1 - v[0]));
    ck_assert(v[0] < 1.0 && v[0] > 0.99);
    ck_assert(v[0] < v[1]);
    lattice_objectives(ar, k, GRIDFORM_NL_RELU, 0.0, ks, v);
    printf("4.4 m square box, RELU: hex %.4f square %.4f stripes %.4f\n", v[0], v[1], v[2]);
    ck_assert(v[0] > v[1] && v[1] > v[2]);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(ar);
}
END_TEST

START_TEST(test_objective_errors)
{
    gridform_arena *ar = NULL;
    gridform_placecode *pc = NULL;
    ck_assert_int_eq(gridform_arena_create(&ar, 2.2, 2.2, 16, 16, GRIDFORM_PERIODIC), GRIDFORM_OK);
    gridform_kernel *k = dog_kernel(ar, &pc);
    double m[256], v;
    for (int i = 0; i < 256; i++)
        m[i] = sin(0.3 * i);
    ck_assert_int_eq(gridform_pattern_objective(NULL, m, GRIDFORM_NL_RELU, 0, &v), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_pattern_objective(k, NULL, GRIDFORM_NL_RELU, 0, &v), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_pattern_objective(k, m, GRIDFORM_NL_RELU, 0, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_pattern_objective(k, m, 0, 0, &v), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_pattern_objective(k, m, 7, 0, &v), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_kernel_last_error(k), "nonlinearity"));
    ck_assert_int_eq(gridform_pattern_objective(k, m, GRIDFORM_NL_SOFT, -1, &v), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_pattern_objective(k, m, GRIDFORM_NL_SOFT, NAN, &v), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_pattern_objective(k, m, GRIDFORM_NL_TANH, INFINITY, &v), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_pattern_objective(k, m, GRIDFORM_NL_SOFT, 1, &v), GRIDFORM_OK);
    /* a map that rectifies to zero, a zero map, a non-finite map */
    for (int i = 0; i < 256; i++)
        m[i] = -1.0 - i;
    ck_assert_int_eq(gridform_pattern_objective(k, m, GRIDFORM_NL_LINEAR, 0, &v), GRIDFORM_OK);
    ck_assert_int_eq(gridform_pattern_objective(k, m, GRIDFORM_NL_RELU, 0, &v), GRIDFORM_EUNDEFINED);
    ck_assert_ptr_nonnull(strstr(gridform_kernel_last_error(k), "rectified"));
    for (int i = 0; i < 256; i++)
        m[i] = 0.0;
    ck_assert_int_eq(gridform_pattern_objective(k, m, GRIDFORM_NL_LINEAR, 0, &v), GRIDFORM_EUNDEFINED);
    m[3] = NAN;
    ck_assert_int_eq(gridform_pattern_objective(k, m, GRIDFORM_NL_LINEAR, 0, &v), GRIDFORM_EINVAL);
    /* huge values neither overflow nor change the answer */
    double w;
    for (int i = 0; i < 256; i++)
        m[i] = cos(0.7 * i);
    ck_assert_int_eq(gridform_pattern_objective(k, m, GRIDFORM_NL_SOFT, 1e-3, &v), GRIDFORM_OK);
    for (int i = 0; i < 256; i++)
        m[i] *= 1e300;
    ck_assert_int_eq(gridform_pattern_objective(k, m, GRIDFORM_NL_SOFT, 1e-3, &w), GRIDFORM_OK);
    ck_assert_double_eq_tol(v, w, 1e-12 * fabs(v));
    /* allocation failure is reported, not crashed on */
    ck_assert_int_eq(gridform_debug_fail_allocation(1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_pattern_objective(k, m, GRIDFORM_NL_SOFT, 1e-3, &w), GRIDFORM_ENOMEM);
    ck_assert_int_eq(gridform_debug_fail_allocation(0), GRIDFORM_OK);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(ar);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("amplitude");
    TCase *tc = tcase_create("amplitude");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_defaults_and_state);
    tcase_add_test(tc, test_fixed_points);
    tcase_add_loop_test(tc, test_boundaries, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, test_no_triad);
    tcase_add_test(tc, test_random_start_hexagons);
    tcase_add_test(tc, test_classifier);
    tcase_add_test(tc, test_diverged);
    tcase_add_test(tc, test_amplitude_errors);
    suite_add_tcase(s, tc);
    TCase *tl = tcase_create("lattice");
    tcase_set_timeout(tl, 60);
    tcase_add_test(tl, test_lattice_commensurate);
    tcase_add_test(tl, test_cubic_gain);
    tcase_add_test(tl, test_synthesize_peak);
    tcase_add_test(tl, test_lattice_errors);
    suite_add_tcase(s, tl);
    TCase *tk = tcase_create("kernel");
    tcase_set_timeout(tk, 60);
    tcase_add_test(tk, test_from_kernel);
    tcase_add_test(tk, test_objective);
    tcase_add_test(tk, test_objective_errors);
    suite_add_tcase(s, tk);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
