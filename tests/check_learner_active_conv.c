/* The answer of the learner's active-set exponential integrator
 * (GRIDFORM_INTEGRATOR_ACTIVE_SET, lib/learner_active.c, doc/theory.md
 * §2.10) against the default integrator at a 100 times tighter tolerance,
 * on the configurations it steps.  Split from check_learner_active.c
 * because the references at rtol 1e-5 take most of its time: like
 * check_learner_etd_conv, the suite runs under ASan but not memcheck
 * (.ci/extra); every code path it reaches is also run by
 * check_learner_active there.  Small sizes. */
#include "config.h"
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"
#include "../lib/internal.h"

static double smax_of(const gridform_kernel *k, size_t nf)
{
    double *sp = malloc(nf * sizeof *sp), m = -INFINITY;
    ck_assert_int_eq(gridform_kernel_spectrum(k, sp), GRIDFORM_OK);
    for (size_t b = 0; b < nf; b++)
        m = fmax(m, sp[b]);
    free(sp);
    return m;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

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

/* (2) The ensemble answer of the RELU independent rows of
 * tests/check_learner_etd_conv.c that the active set can step: row 0 (DoG,
 * periodic 2.2 m, 32^2, seeds 100 and 101), row 9 (softmax DoG, walled,
 * 512 random cells, AVERAGED|CENTERED, 30^2, two seeds) and a disc set by
 * hand in a periodic 2.6 m box with the FOURIER kernel (32^2, one seed;
 * row 10's UNIFORM kernel in a shape is applied in real space, which the
 * active set refuses); 8 maps, t max Sigma~ = 300.  The
 * active-set integrator at the learner's default tolerance against the
 * default integrator at a 100 times tighter one, with that table's
 * criteria (hexagonal fraction within binomial noise, median dominant k
 * within 1%, median score60 within 0.05). */
typedef struct {
    int kind;   /* 0 DoG periodic, 1 softmax walled, 2 disc (a mask set by hand) */
    size_t nx, nseeds;
    double lx;
} answer_row;

static const answer_row answer_rows[] = {{0, 32, 2, 2.2}, {1, 30, 2, 2.2}, {2, 32, 1, 2.6}};

START_TEST(test_answer_against_etd)
{
    const answer_row *r = &answer_rows[_i];
    size_t nx = r->nx, ny = r->nx, n = nx * ny, ng = 8, nseeds = r->nseeds, tot = ng * nseeds;
    double tmax = 300.0, lx = r->lx;
    gridform_arena *a = NULL;
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    ck_assert_int_eq(gridform_arena_create(&a, lx, lx, nx, ny, r->kind == 1 ? GRIDFORM_WALLED : GRIDFORM_PERIODIC),
                     GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, r->kind == 1 ? GRIDFORM_TUNING_SOFTMAX_DOG : GRIDFORM_TUNING_DOG,
                                               0.12, 2.0, r->kind == 1 ? 512 : 256,
                                               r->kind == 1 ? GRIDFORM_CENTERS_RANDOM : GRIDFORM_CENTERS_LATTICE, 1),
                     GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, r->kind == 1 ? GRIDFORM_KERNEL_AVERAGED | GRIDFORM_KERNEL_CENTERED
                                                                   : GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    if (r->kind == 2) {   /* the disc of radius 0.49 lx, as check_learner_etd.c's shape test */
        unsigned char *inside = malloc(n);
        size_t nin = 0;
        for (size_t iy = 0; iy < ny; iy++)
            for (size_t ix = 0; ix < nx; ix++) {
                double x = ((double)ix + 0.5) * lx / (double)nx - 0.5 * lx;
                double y = ((double)iy + 0.5) * lx / (double)ny - 0.5 * lx;
                inside[iy * nx + ix] = x * x + y * y < 0.49 * 0.49 * lx * lx;
                nin += inside[iy * nx + ix];
            }
        a->inside = inside;   /* owned by the arena from here */
        a->ninside = nin;
    }
    double smax = smax_of(k, ny * (nx / 2 + 1)), kstar, spacing = 0.74;
    if (gridform_kernel_ring(k, &kstar, &spacing) != GRIDFORM_OK || !(spacing > 0.0) || spacing > 1.5)
        spacing = 0.74;
    gridform_scorer *sc = NULL;
    ck_assert_int_eq(gridform_scorer_create(&sc, a), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_set_annuli_m(sc, 0.5 * spacing, fmin(1.2 * spacing, 0.5 * lx),
                                                  fmin(2.5 * spacing, lx), 10), GRIDFORM_OK);
    double *maps = malloc(ng * n * sizeof *maps), *s60[2], *dk[2];
    size_t steps[2] = {0, 0};
    for (int v = 0; v < 2; v++) {
        s60[v] = malloc(tot * sizeof(double));
        dk[v] = malloc(tot * sizeof(double));
        for (size_t seed = 0; seed < nseeds; seed++) {
            gridform_learner *l = NULL;
            ck_assert_int_eq(gridform_learner_create(&l, k, ng), GRIDFORM_OK);
            double rtol;
            ck_assert_int_eq(gridform_learner_get_tolerance(l, &rtol), GRIDFORM_OK);
            if (v == 0)
                ck_assert_int_eq(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_ACTIVE_SET), GRIDFORM_OK);
            else
                ck_assert_int_eq(gridform_learner_set_tolerance(l, rtol / 100.0), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_seed(l, 100 + seed, 1.0), GRIDFORM_OK);
            run_to(l, tmax / smax);
            size_t st;
            ck_assert_int_eq(gridform_learner_get_time(l, NULL, &st), GRIDFORM_OK);
            steps[v] += st;
            ck_assert_int_eq(gridform_learner_get_maps(l, maps), GRIDFORM_OK);
            int rc = gridform_scorer_score(sc, maps, ng, s60[v] + seed * ng, NULL, NULL, NULL);
            ck_assert(rc == GRIDFORM_OK || rc == GRIDFORM_EUNDEFINED);
            for (size_t j = 0; j < ng; j++) {
                size_t q = seed * ng + j;
                if (!isfinite(s60[v][q]))
                    s60[v][q] = -2.0;
                if (gridform_map_dominant_k(sc, maps + j * n, &dk[v][q]) != GRIDFORM_OK)
                    dk[v][q] = NAN;
            }
            gridform_learner_destroy(l);
        }
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
    printf("row %d: active set (default rtol) %zu steps, hex %zu/%zu, median k %.4f, median score60 %.3f; "
           "ETD at rtol/100: %zu steps, hex %zu/%zu, median k %.4f, median score60 %.3f\n", _i, steps[0], hex[0],
           tot, mk[0], ms[0], steps[1], hex[1], tot, mk[1], ms[1]);
    ck_assert_msg(fabs((double)hex[0] - (double)hex[1]) / (double)tot <= noise, "row %d: hexagonal %zu vs %zu of %zu",
                  _i, hex[0], hex[1], tot);
    if (isfinite(mk[0]) || isfinite(mk[1]))
        ck_assert_msg(fabs(mk[0] - mk[1]) <= 0.01 * fabs(mk[1]), "row %d: median k %.4f vs %.4f", _i, mk[0], mk[1]);
    ck_assert_msg(fabs(ms[0] - ms[1]) <= 0.05, "row %d: median score60 %.3f vs %.3f", _i, ms[0], ms[1]);
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
    Suite *s = suite_create("learner_active_conv");
    TCase *tc = tcase_create("answer_against_etd");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_answer_against_etd, 0, (int)(sizeof answer_rows / sizeof answer_rows[0]));
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
