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
#include "learner_fixtures.h"

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
    if (r->kind == 2)   /* the disc of radius 0.49 lx, as check_learner_etd.c's shape test */
        lf_set_disc(a, lx, lx, nx, ny, 0.49 * 0.49 * lx * lx);
    double smax = lf_smax(k, ny * (nx / 2 + 1)), kstar, spacing = 0.74;
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
            steps[v] += lf_run_scored(l, 100 + seed, tmax / smax, sc, maps, ng, n, s60[v] + seed * ng,
                                      dk[v] + seed * ng);
            gridform_learner_destroy(l);
        }
    }
    lf_answers ans[2];
    for (int v = 0; v < 2; v++)
        ans[v] = lf_answers_of(s60[v], dk[v], tot);
    printf("row %d: active set (default rtol) %zu steps, hex %zu/%zu, median k %.4f, median score60 %.3f; "
           "ETD at rtol/100: %zu steps, hex %zu/%zu, median k %.4f, median score60 %.3f\n", _i, steps[0], ans[0].hex,
           tot, ans[0].median_k, ans[0].median_score60, steps[1], ans[1].hex, tot,
           ans[1].median_k, ans[1].median_score60);
    lf_assert_same_answers(_i, ans, tot);
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
