/* Threads and determinism (issue 7): four POSIX threads at once, each
 * creating its own handles and running the same pipeline, must produce
 * results bit-identical to a serial run in the main thread.  .ci/extra also
 * runs this under ThreadSanitizer (no reports allowed).
 *
 * The pipeline grows as modules land; every stage appends its numbers to
 * one result vector, which is compared with memcmp. */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"

#define NTHREADS 4
#define RESULT_MAX 65536

typedef struct {
    double v[RESULT_MAX];
    size_t n;
    int rc;             /* first failing status, or GRIDFORM_OK */
    char where[160];    /* which step failed, and its last_error */
} result;

static void put(result *r, const double *x, size_t n)
{
    for (size_t i = 0; i < n && r->n < RESULT_MAX; i++)
        r->v[r->n++] = x[i];
}

#define STEP(r, call)                                                         \
    do {                                                                      \
        int rc_ = (call);                                                     \
        if (rc_ != GRIDFORM_OK && (r)->rc == GRIDFORM_OK) {                   \
            (r)->rc = rc_;                                                    \
            snprintf((r)->where, sizeof (r)->where, "%s: %s", #call,          \
                     gridform_last_error());                                  \
        }                                                                     \
        if (rc_ != GRIDFORM_OK)                                               \
            goto done;                                                        \
    } while (0)

/* The whole pipeline with its own handles. */
static void pipeline(result *r)
{
    gridform_arena *a = NULL;
    gridform_placecode *pc = NULL;
    gridform_kernel *kf = NULL, *ke = NULL;
    gridform_learner *l = NULL;
    gridform_scorer *sc = NULL;
    double *buf = malloc(4 * 32 * 32 * sizeof(double) * 2);
    double *maps = malloc(2 * 32 * 32 * sizeof(double));
    memset(r, 0, sizeof *r);
    if (buf == NULL || maps == NULL) {
        r->rc = GRIDFORM_ENOMEM;
        free(buf);
        free(maps);
        return;
    }
    STEP(r, gridform_arena_create(&a, 2.2, 2.2, 32, 32, GRIDFORM_PERIODIC));
    STEP(r, gridform_arena_positions(a, buf));
    put(r, buf, 2 * 32 * 32);
    size_t nfreq = 0;
    STEP(r, gridform_arena_get_nfreq(a, &nfreq));
    STEP(r, gridform_arena_wavevectors(a, buf));
    put(r, buf, 2 * nfreq);

    /* place code and both kernel representations */
    STEP(r, gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, 0.12, 2.0, 256, GRIDFORM_CENTERS_RANDOM, 42));
    STEP(r, gridform_placecode_get_centers(pc, buf));
    put(r, buf, 2 * 256);
    static const double xy[8] = {0.0, 0.0, 0.3, -0.2, -1.05, 1.05, 0.5, 0.7};
    STEP(r, gridform_placecode_response(pc, xy, 4, buf));
    put(r, buf, 4 * 256);
    STEP(r, gridform_kernel_create(&kf, pc, GRIDFORM_KERNEL_FOURIER));
    STEP(r, gridform_kernel_create(&ke, pc, GRIDFORM_KERNEL_EXACT));
    for (size_t i = 0; i < 2 * 32 * 32; i++)
        maps[i] = sin(0.37 * (double)i) + cos(0.011 * (double)(i * i % 977));
    STEP(r, gridform_kernel_apply(kf, maps, buf, 2));
    put(r, buf, 2 * 32 * 32);
    STEP(r, gridform_kernel_apply(ke, maps, buf, 2));
    put(r, buf, 2 * 32 * 32);
    STEP(r, gridform_kernel_spectrum(kf, buf));
    put(r, buf, nfreq);
    double ring[2];
    STEP(r, gridform_kernel_ring(kf, &ring[0], &ring[1]));
    put(r, ring, 2);
    double kmag[6], val[6];
    size_t mult[6], nsh = 0;
    STEP(r, gridform_kernel_shells(ke, 6, kmag, val, mult, &nsh));
    put(r, kmag, nsh);
    put(r, val, nsh);

    /* learner: nonnegative maps under the pattern-forming dynamics */
    STEP(r, gridform_learner_create(&l, kf, 4));
    STEP(r, gridform_learner_set_nonlinearity(l, GRIDFORM_NL_RELU, 0.0));
    STEP(r, gridform_learner_set_coupling(l, GRIDFORM_COUPLING_SANGER));
    STEP(r, gridform_learner_seed(l, 11, 1e-2));
    STEP(r, gridform_learner_iterate(l, 40));
    STEP(r, gridform_learner_get_maps(l, buf));
    put(r, buf, 4 * 32 * 32);
    double obj[5];
    STEP(r, gridform_learner_objective(l, obj, &obj[4]));
    put(r, obj, 5);

    /* the same learning with the learner's own worker threads (a pool
     * inside each of the four test threads): bit-identical, and under
     * ThreadSanitizer in CI */
    gridform_learner *lt = NULL;
    double *mt = malloc(4 * 32 * 32 * sizeof(double));
    int trc = mt == NULL ? GRIDFORM_ENOMEM : gridform_learner_create(&lt, kf, 4);
    if (trc == GRIDFORM_OK) trc = gridform_learner_set_nonlinearity(lt, GRIDFORM_NL_RELU, 0.0);
    if (trc == GRIDFORM_OK) trc = gridform_learner_set_coupling(lt, GRIDFORM_COUPLING_SANGER);
    if (trc == GRIDFORM_OK) trc = gridform_learner_set_threads(lt, 3);
    if (trc == GRIDFORM_OK) trc = gridform_learner_seed(lt, 11, 1e-2);
    if (trc == GRIDFORM_OK) trc = gridform_learner_iterate(lt, 40);
    if (trc == GRIDFORM_OK) trc = gridform_learner_get_maps(lt, mt);
    int same = trc == GRIDFORM_OK && memcmp(mt, buf, 4 * 32 * 32 * sizeof(double)) == 0;
    gridform_learner_destroy(lt);
    free(mt);
    STEP(r, trc);
    if (!same) {
        r->rc = GRIDFORM_EUNDEFINED;
        snprintf(r->where, sizeof r->where, "learner maps with 3 worker threads differ from 1 thread");
        goto done;
    }

    /* scorer on the learned maps */
    STEP(r, gridform_scorer_create(&sc, a));
    double sc60[4], sc90[4], spc[4], ori[4], dk;
    int src = gridform_scorer_score(sc, buf, 4, sc60, sc90, spc, ori);
    if (src != GRIDFORM_OK && src != GRIDFORM_EUNDEFINED)
        STEP(r, src);
    put(r, sc60, 4);
    put(r, sc90, 4);
    put(r, spc, 4);
    put(r, ori, 4);
    STEP(r, gridform_scorer_autocorr(sc, buf, buf + 4 * 32 * 32));
    put(r, buf + 4 * 32 * 32, 63 * 63);
    STEP(r, gridform_map_dominant_k(sc, buf, &dk));
    put(r, &dk, 1);
done:
    gridform_scorer_destroy(sc);
    gridform_learner_destroy(l);
    gridform_kernel_destroy(ke);
    gridform_kernel_destroy(kf);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
    free(maps);
    free(buf);
}

static void *worker(void *arg)
{
    pipeline(arg);
    return NULL;
}

START_TEST(test_threads_match_serial)
{
    static result serial, par[NTHREADS];
    pipeline(&serial);
    ck_assert_msg(serial.rc == GRIDFORM_OK, "serial run failed: %s", serial.where);
    ck_assert_uint_gt(serial.n, 100);

    pthread_t t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, worker, &par[i]), 0);
    for (int i = 0; i < NTHREADS; i++)
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
    for (int i = 0; i < NTHREADS; i++) {
        ck_assert_msg(par[i].rc == GRIDFORM_OK, "thread %d failed: %s", i, par[i].where);
        ck_assert_uint_eq(par[i].n, serial.n);
        ck_assert_msg(memcmp(par[i].v, serial.v, serial.n * sizeof(double)) == 0,
                      "thread %d differs from the serial run", i);
    }
    printf("threads: %d threads x %zu numbers bit-identical to the serial run\n", NTHREADS, serial.n);
}
END_TEST

/* gridform_last_error() is per thread: a failure in one thread never shows
 * in another. */
static void *fail_in_thread(void *arg)
{
    gridform_arena *a = NULL;
    (void)gridform_arena_create(&a, -1.0, 1.0, 8, 8, GRIDFORM_PERIODIC);
    snprintf(arg, 256, "%s", gridform_last_error());
    return NULL;
}

START_TEST(test_last_error_per_thread)
{
    gridform_arena *a = NULL;
    (void)gridform_arena_create(&a, 1.0, 1.0, 8, 8, 99);
    char mine[256], theirs[256];
    snprintf(mine, sizeof mine, "%s", gridform_last_error());
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, fail_in_thread, theirs), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert_str_eq(gridform_last_error(), mine);
    ck_assert_ptr_nonnull(strstr(theirs, "lx"));
    ck_assert_ptr_nonnull(strstr(mine, "boundary"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("determinism");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_threads_match_serial);
    tcase_add_test(tc, test_last_error_per_thread);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
