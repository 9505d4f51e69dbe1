/* The learner's acceptance grid (issue 11): every tuning, nonlinearity,
 * coupling and integrator at its default step (step control on; the
 * active-set integrator on the combinations it steps, the others refused
 * with GRIDFORM_EUNSUPPORTED), on a
 * square 48 x 48 box and a 56 x 36 box with lx != ly, with 8, 64 and 200
 * maps.  Required: no GRIDFORM_EDIVERGED (nor any other error), finite
 * maps of unit norm (|sum g^2 dA - 1| <= 1e-9); and for LINEAR maps under
 * SANGER's rule, 8 maps whose Rayleigh quotients are the 8 largest
 * eigenvalues of the spectrum in order, within 1e-3 of the largest.
 *
 * CPU budget (about a minute in all): the divergences of issue 11 struck
 * within the first 10 steps for 64 maps (Sanger's explicit chain, the
 * exponential QR) and at step 6 for the Oja rule with rectified maps, so
 * the grid runs 100 steps with 8 maps, 20 with 64 and 4 with 200 (the
 * step control's first halvings and regrowths happen in these); the
 * longer runs are in bench/learner_stability (`make bench`).  The
 * eigenvalue check runs to convergence (tol 1e-9, at most 4000 steps).
 *
 * Under GRIDFORM_TEST_SUBSET (test_subset.h; CI's distcheck, which
 * re-runs the suite in the tarball's build after `make check` ran all of
 * it) each box runs one map count, box i the count i mod 3, with its whole
 * nonlinearity x coupling x integrator table: every box, map count and
 * combination still runs. */
#include "config.h"
#include <check.h>
#include "learner_space.h"
#include "test_subset.h"

static const ls_box boxes[] = {
    {2.2, 2.2, 48, 48, LS_GAUSSIAN, 0.12, 2.0},   {2.2, 2.2, 48, 48, LS_DOG, 0.12, 2.0},
    {2.2, 2.2, 48, 48, LS_SOFTMAX_DOG, 0.12, 2.0}, {2.2, 2.2, 48, 48, LS_USER, 0.12, 2.0},
    {2.2, 2.2, 48, 48, LS_RADIAL, 0.12, 2.0},     {2.2, 1.4, 56, 36, LS_GAUSSIAN, 0.12, 2.0},
    {2.2, 1.4, 56, 36, LS_DOG, 0.12, 2.0},        {2.2, 1.4, 56, 36, LS_SOFTMAX_DOG, 0.12, 2.0},
    {2.2, 1.4, 56, 36, LS_USER, 0.12, 2.0},       {2.2, 1.4, 56, 36, LS_RADIAL, 0.12, 2.0},
};
#define NBOXES (sizeof boxes / sizeof boxes[0])

static const char *nl_name[] = {"", "LINEAR", "RELU", "SOFT", "TANH"};
static const char *cp_name[] = {"", "INDEPENDENT", "SANGER", "SYMMETRIC"};
static const char *in_name[] = {"", "EULER", "EXPONENTIAL", "ETD", "ACTIVE_SET"};

/* The integrators of the grid: the fixed-step ones, and the active-set
 * integrator (doc/theory.md §2.10), which steps RELU and LINEAR
 * independent maps only and must refuse the rest with
 * GRIDFORM_EUNSUPPORTED.  Its step costs about eight of the others'
 * (step doubling, Lanczos) and is up to 50/max Sigma~ long, so it runs an
 * eighth of their steps: the grid's time stays about what it was. */
static const int integrators[] = {GRIDFORM_INTEGRATOR_EULER, GRIDFORM_INTEGRATOR_EXPONENTIAL,
                                  GRIDFORM_INTEGRATOR_ACTIVE_SET};
#define NINTEGRATORS (sizeof integrators / sizeof integrators[0])

static int as_supported(int nl, int cp)
{
    return (nl == GRIDFORM_NL_LINEAR || nl == GRIDFORM_NL_RELU) && cp == GRIDFORM_COUPLING_INDEPENDENT;
}

START_TEST(test_grid)
{
    const ls_box *b = &boxes[_i];
    ls_kernel k;
    ck_assert_int_eq(ls_make_kernel(b, &k), GRIDFORM_OK);
    static const size_t nmaps[] = {8, 64, 200}, steps[] = {100, 20, 4};
    size_t rejected = 0, runs = 0, refused = 0;
    for (size_t m = 0; m < 3; m++) {
        if (!gf_subset_row2((size_t)_i, NBOXES, m, 3))
            continue;
        for (int nl = GRIDFORM_NL_LINEAR; nl <= GRIDFORM_NL_TANH; nl++)
            for (int cp = GRIDFORM_COUPLING_INDEPENDENT; cp <= GRIDFORM_COUPLING_SYMMETRIC; cp++)
                for (size_t ii = 0; ii < NINTEGRATORS; ii++) {
                    int in = integrators[ii];
                    ls_result r;
                    if (in == GRIDFORM_INTEGRATOR_ACTIVE_SET && !as_supported(nl, cp)) {
                        ls_run(&k, nl, cp, in, nmaps[m], 1, 1e-6, &r, NULL);
                        ck_assert_msg(r.rc == GRIDFORM_EUNSUPPORTED, "box %d: %s %s ACTIVE_SET, %zu maps: rc %d, "
                                      "not GRIDFORM_EUNSUPPORTED", _i, nl_name[nl], cp_name[cp], nmaps[m], r.rc);
                        refused++;
                        continue;
                    }
                    size_t nsteps = steps[m];
                    if (in == GRIDFORM_INTEGRATOR_ACTIVE_SET)
                        nsteps = nsteps / 8 > 1 ? nsteps / 8 : 1;
                    ls_run(&k, nl, cp, in, nmaps[m], nsteps, 1e-6, &r, NULL);
                    ck_assert_msg(r.rc == GRIDFORM_OK || r.rc == GRIDFORM_CONTINUE,
                                  "box %d: %s %s %s, %zu maps: rc %d: %s", _i, nl_name[nl], cp_name[cp],
                                  in_name[in], nmaps[m], r.rc, r.msg);
                    ck_assert_msg(r.finite, "box %d: %s %s %s, %zu maps: maps not finite", _i, nl_name[nl],
                                  cp_name[cp], in_name[in], nmaps[m]);
                    ck_assert_msg(r.norm_err <= 1e-9, "box %d: %s %s %s, %zu maps: |norm^2 - 1| = %g", _i,
                                  nl_name[nl], cp_name[cp], in_name[in], nmaps[m], r.norm_err);
                    rejected += r.rejected;
                    runs++;
                }
    }
    printf("box %d (%zu x %zu, %.1f x %.1f m, tuning %d): %zu runs, 0 divergences, %zu steps rejected, "
           "%zu ACTIVE_SET combinations refused\n", _i, b->nx, b->ny, b->lx, b->ly, b->tuning, runs, rejected, refused);
    ls_free_kernel(&k);
}
END_TEST

START_TEST(test_sanger_eigenvalues)
{
    const ls_box *b = &boxes[_i];
    ls_kernel k;
    ck_assert_int_eq(ls_make_kernel(b, &k), GRIDFORM_OK);
    double top[8], rq[8];
    ck_assert_int_eq(ls_top_eigenvalues(&k, 8, top), 0);
    for (int in = GRIDFORM_INTEGRATOR_EULER; in <= GRIDFORM_INTEGRATOR_EXPONENTIAL; in++) {
        ls_result r;
        ls_run(&k, GRIDFORM_NL_LINEAR, GRIDFORM_COUPLING_SANGER, in, 8, 4000, 1e-9, &r, rq);
        ck_assert_msg(r.rc == GRIDFORM_OK || r.rc == GRIDFORM_CONTINUE, "box %d %s: rc %d: %s", _i, in_name[in],
                      r.rc, r.msg);
        double worst = 0.0;
        for (size_t j = 0; j < 8; j++)
            worst = fmax(worst, fabs(rq[j] - top[j]));
        printf("box %d %s: %zu steps (rc %d), max |q_j - lambda_j| / lambda_1 = %.2e\n", _i, in_name[in], r.steps,
               r.rc, worst / top[0]);
        for (size_t j = 0; j < 8; j++)
            ck_assert_msg(fabs(rq[j] - top[j]) <= 1e-3 * top[0],
                          "box %d %s: map %zu: Rayleigh quotient %.9g, eigenvalue %.9g (lambda_1 %.9g)", _i,
                          in_name[in], j, rq[j], top[j], top[0]);
    }
    ls_free_kernel(&k);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("learner_grid");
    TCase *tc = tcase_create("grid");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_sanger_eigenvalues, 0, (int)NBOXES);
    tcase_add_loop_test(tc, test_grid, 0, (int)NBOXES);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nfailed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nfailed == 0 ? 0 : 1;
}
