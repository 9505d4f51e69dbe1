/* Convergence of the default integrator over the configuration space
 * (issue 19's acceptance): for each configuration, the default run
 * (the default rtol) and a reference at a 100 times tighter tolerance,
 * both to the same model time t max Sigma~ = T, over a few seeds, must agree
 * on the fraction of hexagonal maps (score60 > 0.37) within binomial noise,
 * on the median dominant k within 1% and on the median score60 within
 * 0.05.  Selection between stable patterns is path dependent, so ensembles
 * are compared, never single maps (doc/theory.md §2.9).  Small sizes; the
 * suite runs under ASan but not memcheck (.ci/extra).  Rows 10 and 11 are
 * arenas of any shape (issue 22: the accuracy of the learner holds there). */
#include "config.h"
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"
#include "learner_fixtures.h"

enum { T_DOG, T_GAUSS, T_USER, T_SOFTMAX_WALLED, T_CIRCLE, T_TRAPEZOID };

typedef struct {
    int tuning, nl, coupling;
    size_t nmaps, nx, ny, nseeds;
    double lx, ly, tmax;   /* box (m) and the model time in units of 1/max Sigma~ */
} conv_row;

static const conv_row rows[] = {
    {T_DOG, GRIDFORM_NL_RELU, GRIDFORM_COUPLING_INDEPENDENT, 8, 32, 32, 2, 2.2, 2.2, 300},
    {T_DOG, GRIDFORM_NL_RELU, GRIDFORM_COUPLING_SANGER, 8, 32, 24, 1, 2.2, 1.65, 300},
    {T_DOG, GRIDFORM_NL_SOFT, GRIDFORM_COUPLING_SYMMETRIC, 8, 32, 32, 1, 2.2, 2.2, 300},
    {T_DOG, GRIDFORM_NL_TANH, GRIDFORM_COUPLING_INDEPENDENT, 8, 32, 24, 1, 2.2, 1.65, 300},
    {T_DOG, GRIDFORM_NL_LINEAR, GRIDFORM_COUPLING_SANGER, 8, 32, 32, 1, 2.2, 2.2, 300},
    {T_GAUSS, GRIDFORM_NL_RELU, GRIDFORM_COUPLING_SYMMETRIC, 8, 24, 24, 1, 2.2, 2.2, 300},
    {T_GAUSS, GRIDFORM_NL_SOFT, GRIDFORM_COUPLING_SANGER, 8, 32, 24, 1, 2.2, 1.65, 300},
    {T_USER, GRIDFORM_NL_RELU, GRIDFORM_COUPLING_INDEPENDENT, 8, 32, 24, 1, 2.2, 1.65, 300},
    {T_USER, GRIDFORM_NL_LINEAR, GRIDFORM_COUPLING_SYMMETRIC, 8, 32, 32, 1, 2.2, 2.2, 300},
    {T_SOFTMAX_WALLED, GRIDFORM_NL_RELU, GRIDFORM_COUPLING_INDEPENDENT, 8, 30, 30, 2, 2.2, 2.2, 300},
    /* arenas of any shape (issue 22): DoG cells of uniform density over a
     * disc and over Krupic et al.'s trapezoid, UNIFORM|CENTERED */
    {T_CIRCLE, GRIDFORM_NL_RELU, GRIDFORM_COUPLING_INDEPENDENT, 8, 32, 32, 1, 2.6, 2.6, 300},
    {T_TRAPEZOID, GRIDFORM_NL_RELU, GRIDFORM_COUPLING_INDEPENDENT, 8, 40, 20, 1, 3.8, 1.9, 300},
};

/* The walled arena of a shaped row: a 64-gon disc filling the box, or a
 * trapezoid with parallel ends of 90/190 and 20/190 of its length (Krupic
 * et al. 2015), the wide end at x = -lx/2. */
static void shaped_arena(const conv_row *r, gridform_arena **a)
{
    double xy[2 * 64];
    size_t nv = 0;
    if (r->tuning == T_CIRCLE) {
        for (; nv < 64; nv++) {
            double t = 2.0 * 3.14159265358979323846 * (double)nv / 64.0;
            xy[2 * nv] = 0.49 * r->lx * cos(t);
            xy[2 * nv + 1] = 0.49 * r->ly * sin(t);
        }
    } else {
        double hx = 0.49 * r->lx, hw = 0.49 * r->ly, hn = hw * 20.0 / 90.0;
        const double v[8] = {-hx, -hw, hx, -hn, hx, hn, -hx, hw};
        memcpy(xy, v, sizeof v);
        nv = 4;
    }
    ck_assert_int_eq(gridform_arena_create_polygon(a, r->lx, r->ly, r->nx, r->ny, xy, &nv, 1), GRIDFORM_OK);
}

/* A Mexican hat tuning curve (the user tuning). */
static double mexican_hat(double dx, double dy, void *user)
{
    double s = *(const double *)user, r2 = (dx * dx + dy * dy) / (s * s);
    return (1.0 - 0.5 * r2) * exp(-0.5 * r2);
}

START_TEST(test_convergence_table)
{
    const conv_row *r = &rows[_i];
    gridform_arena *a = NULL;
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    gridform_scorer *sc = NULL;
    double sigma = 0.12;
    int walled = r->tuning == T_SOFTMAX_WALLED, shaped = r->tuning == T_CIRCLE || r->tuning == T_TRAPEZOID;
    if (shaped)
        shaped_arena(r, &a);
    else
        ck_assert_int_eq(gridform_arena_create(&a, r->lx, r->ly, r->nx, r->ny,
                                               walled ? GRIDFORM_WALLED : GRIDFORM_PERIODIC), GRIDFORM_OK);
    int tuning = r->tuning == T_DOG || shaped ? GRIDFORM_TUNING_DOG
               : r->tuning == T_SOFTMAX_WALLED ? GRIDFORM_TUNING_SOFTMAX_DOG : GRIDFORM_TUNING_GAUSSIAN;
    ck_assert_int_eq(gridform_placecode_create(&pc, a, tuning, sigma, 2.0, walled ? 512 : 256,
                                               walled ? GRIDFORM_CENTERS_RANDOM : GRIDFORM_CENTERS_LATTICE, 1),
                     GRIDFORM_OK);
    if (r->tuning == T_USER)
        ck_assert_int_eq(gridform_placecode_set_tuning_fn(pc, mexican_hat, &sigma), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, shaped ? GRIDFORM_KERNEL_UNIFORM | GRIDFORM_KERNEL_CENTERED
                                                    : walled ? GRIDFORM_KERNEL_AVERAGED | GRIDFORM_KERNEL_CENTERED
                                                             : GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    size_t n = r->nx * r->ny, nf = r->ny * (r->nx / 2 + 1), ng = r->nmaps, tot = ng * r->nseeds;
    double smax = lf_smax(k, nf);
    double kstar, spacing = 0.74;
    if (gridform_kernel_ring(k, &kstar, &spacing) != GRIDFORM_OK || !(spacing > 0.0) || spacing > 1.5)
        spacing = 0.74;   /* no ring (a Gaussian code): score on the DoG's scale */
    ck_assert_int_eq(gridform_scorer_create(&sc, a), GRIDFORM_OK);
    double lmin = fmin(r->lx, r->ly);
    ck_assert_int_eq(gridform_scorer_set_annuli_m(sc, 0.5 * spacing, fmin(1.2 * spacing, 0.5 * lmin),
                                                  fmin(2.5 * spacing, lmin), 10), GRIDFORM_OK);
    double *maps = malloc(ng * n * sizeof *maps);
    double *s60[2], *dk[2];
    for (int v = 0; v < 2; v++) {
        s60[v] = malloc(tot * sizeof(double));
        dk[v] = malloc(tot * sizeof(double));
    }
    size_t steps[2] = {0, 0};
    for (int v = 0; v < 2; v++)
        for (size_t seed = 0; seed < r->nseeds; seed++) {
            gridform_learner *l = NULL;
            double strength = r->nl == GRIDFORM_NL_SOFT ? 2.0 * smax : r->nl == GRIDFORM_NL_TANH ? smax : 0.0;
            l = lf_learner(k, ng, r->nl, strength, r->coupling, -1);
            double rtol;
            ck_assert_int_eq(gridform_learner_get_tolerance(l, &rtol), GRIDFORM_OK);
            if (v == 1)   /* the reference: 100 times tighter than the default */
                ck_assert_int_eq(gridform_learner_set_tolerance(l, rtol / 100.0), GRIDFORM_OK);
            steps[v] += lf_run_scored(l, 100 + seed, r->tmax / smax, sc, maps, ng, n, s60[v] + seed * ng,
                                      dk[v] + seed * ng);
            gridform_learner_destroy(l);
        }
    lf_answers ans[2];
    for (int v = 0; v < 2; v++)
        ans[v] = lf_answers_of(s60[v], dk[v], tot);
    printf("row %d: default %zu steps, hex %zu/%zu, median k %.4f, median score60 %.3f; "
           "100x tighter %zu steps, hex %zu/%zu, median k %.4f, median score60 %.3f\n", _i, steps[0], ans[0].hex, tot,
           ans[0].median_k, ans[0].median_score60, steps[1], ans[1].hex, tot, ans[1].median_k,
           ans[1].median_score60);
    lf_assert_same_answers(_i, ans, tot);
    ck_assert_uint_lt(steps[0], steps[1]);
    for (int v = 0; v < 2; v++) {
        free(s60[v]);
        free(dk[v]);
    }
    free(maps);
    gridform_scorer_destroy(sc);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("learner_etd_convergence");
    TCase *tc = tcase_create("table");
    tcase_set_timeout(tc, 1200);
    tcase_add_loop_test(tc, test_convergence_table, 0, (int)(sizeof rows / sizeof rows[0]));
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
