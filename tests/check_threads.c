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
    double *buf = malloc(4 * 32 * 32 * sizeof(double) * 2);
    memset(r, 0, sizeof *r);
    if (buf == NULL) {
        r->rc = GRIDFORM_ENOMEM;
        return;
    }
    STEP(r, gridform_arena_create(&a, 2.2, 2.2, 32, 32, GRIDFORM_PERIODIC));
    STEP(r, gridform_arena_positions(a, buf));
    put(r, buf, 2 * 32 * 32);
    size_t nfreq = 0;
    STEP(r, gridform_arena_get_nfreq(a, &nfreq));
    STEP(r, gridform_arena_wavevectors(a, buf));
    put(r, buf, 2 * nfreq);
done:
    gridform_arena_destroy(a);
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
