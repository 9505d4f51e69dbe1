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

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Median of the finite values (NaN if none). */
static double median(const double *v, size_t n)
{
    double *t = malloc(n * sizeof *t);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            t[m++] = v[i];
    double r = NAN;
    if (m > 0) {
        qsort(t, m, sizeof *t, cmp_double);
        r = m % 2 ? t[m / 2] : 0.5 * (t[m / 2 - 1] + t[m / 2]);
    }
    free(t);
    return r;
}

/* Step to exactly t = tend: the last step is cut to what remains. */
static void run_to(gridform_learner *l, double tend)
{
    double t = 0.0;
    ck_assert_int_eq(gridform_learner_get_time(l, &t, NULL), GRIDFORM_OK);
    while (t < tend * (1.0 - 1e-12)) {
        double dt;
        ck_assert_int_eq(gridform_learner_get_step(l, &dt), GRIDFORM_OK);
        if (t + dt > tend)
            ck_assert_int_eq(gridform_learner_set_step(l, tend - t), GRIDFORM_OK);
        int rc = gridform_learner_iterate(l, 1);
        ck_assert_msg(rc == GRIDFORM_OK, "iterate: %s", gridform_learner_last_error(l));
        ck_assert_int_eq(gridform_learner_get_time(l, &t, NULL), GRIDFORM_OK);
    }
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
    double *sp = malloc(nf * sizeof *sp), smax = -INFINITY;
    ck_assert_int_eq(gridform_kernel_spectrum(k, sp), GRIDFORM_OK);
    for (size_t b = 0; b < nf; b++)
        smax = fmax(smax, sp[b]);
    free(sp);
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
            ck_assert_int_eq(gridform_learner_create(&l, k, ng), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_set_nonlinearity(l, r->nl, strength), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_set_coupling(l, r->coupling), GRIDFORM_OK);
            double rtol;
            ck_assert_int_eq(gridform_learner_get_tolerance(l, &rtol), GRIDFORM_OK);
            if (v == 1)   /* the reference: 100 times tighter than the default */
                ck_assert_int_eq(gridform_learner_set_tolerance(l, rtol / 100.0), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_seed(l, 100 + seed, 1.0), GRIDFORM_OK);
            run_to(l, r->tmax / smax);
            size_t st;
            ck_assert_int_eq(gridform_learner_get_time(l, NULL, &st), GRIDFORM_OK);
            steps[v] += st;
            ck_assert_int_eq(gridform_learner_get_maps(l, maps), GRIDFORM_OK);
            int rc = gridform_scorer_score(sc, maps, ng, s60[v] + seed * ng, NULL, NULL, NULL);
            ck_assert(rc == GRIDFORM_OK || rc == GRIDFORM_EUNDEFINED);
            for (size_t j = 0; j < ng; j++) {
                size_t q = seed * ng + j;
                if (!isfinite(s60[v][q]))
                    s60[v][q] = -2.0;   /* undefined counts as not a grid */
                if (gridform_map_dominant_k(sc, maps + j * n, &dk[v][q]) != GRIDFORM_OK)
                    dk[v][q] = NAN;
            }
            gridform_learner_destroy(l);
        }
    size_t hex[2] = {0, 0};
    double mk[2], ms[2];
    for (int v = 0; v < 2; v++) {
        for (size_t q = 0; q < tot; q++)
            hex[v] += s60[v][q] > 0.37;
        mk[v] = median(dk[v], tot);
        ms[v] = median(s60[v], tot);
    }
    double p = 0.5 * (double)(hex[0] + hex[1]) / (double)tot;
    double noise = 3.0 * sqrt(2.0 * p * (1.0 - p) / (double)tot) + 1.0 / (double)tot;
    printf("row %d: default %zu steps, hex %zu/%zu, median k %.4f, median score60 %.3f; "
           "100x tighter %zu steps, hex %zu/%zu, median k %.4f, median score60 %.3f\n", _i, steps[0], hex[0], tot,
           mk[0], ms[0], steps[1], hex[1], tot, mk[1], ms[1]);
    ck_assert_msg(fabs((double)hex[0] - (double)hex[1]) / (double)tot <= noise, "row %d: hexagonal %zu vs %zu of %zu",
                  _i, hex[0], hex[1], tot);
    if (isfinite(mk[0]) || isfinite(mk[1]))
        ck_assert_msg(fabs(mk[0] - mk[1]) <= 0.01 * fabs(mk[1]), "row %d: median k %.4f vs %.4f", _i, mk[0], mk[1]);
    ck_assert_msg(fabs(ms[0] - ms[1]) <= 0.05, "row %d: median score60 %.3f vs %.3f", _i, ms[0], ms[1]);
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
