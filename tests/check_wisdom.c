/* Tests for FFTW wisdom export, import and forget (issue 6): the round trip
 * through a file is exact, forgetting empties the wisdom, imported wisdom
 * reproduces MEASURE plans (bit-identical maps), a rejected file changes
 * nothing, every error path, and the functions racing with planning in
 * another thread. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gridform.h"

/* ---- scratch files ------------------------------------------------------ */

static char scratch[64];

static const char *spath(const char *name)
{
    static char buf[8][128];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", scratch, name);
    return p;
}

static void scratch_make(void)
{
    snprintf(scratch, sizeof scratch, "check_wisdom.tmp.%ld", (long)getpid());
    ck_assert_int_eq(mkdir(scratch, 0700), 0);
}

static void scratch_remove(void)
{
    DIR *d = opendir(scratch);
    if (d == NULL)
        return;
    struct dirent *e;
    char p[sizeof scratch + sizeof e->d_name + 2];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", scratch, e->d_name);
        if (unlink(p) != 0)
            rmdir(p);
    }
    closedir(d);
    rmdir(scratch);
}

/* The whole file, NUL-terminated (malloc'd); *len its size. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *s = NULL;
    size_t n = 0, cap = 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
        if (n + 2 > cap) {
            cap = cap ? 2 * cap : 4096;
            s = realloc(s, cap);
            ck_assert_ptr_nonnull(s);
        }
        s[n++] = (char)c;
    }
    fclose(f);
    if (s == NULL)
        s = calloc(1, 1);
    s[n] = '\0';
    if (len != NULL)
        *len = n;
    return s;
}

static void spew(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

/* Number of entry lines ("  (solver ...)") in wisdom text. */
static size_t entries(const char *w)
{
    size_t n = 0;
    for (const char *p = strchr(w, '\n'); p != NULL; p = strchr(p + 1, '\n'))
        if (strncmp(p + 1, "  (", 3) == 0)
            n++;
    return n;
}

/* Is every line of `sub` (after the header) a line of `sup`? */
static int lines_within(const char *sub, const char *sup)
{
    const char *p = strchr(sub, '\n');
    while (p != NULL && p[1] != '\0') {
        const char *q = strchr(p + 1, '\n');
        size_t len = (size_t)(q - p);   /* "\n  (...)" without the final \n */
        int found = 0;
        for (const char *r = strchr(sup, '\n'); r != NULL && !found; r = strchr(r + 1, '\n'))
            found = strncmp(r, p, len) == 0 && r[len] == '\n';
        if (!found)
            return 0;
        p = q;
    }
    return 1;
}

/* ---- a small learner ---------------------------------------------------- */

typedef struct {
    gridform_arena *a;
    gridform_placecode *pc;
    gridform_kernel *k;
} setup;

/* DoG sigma = 0.12 m, s = 2 on a periodic 2.2 m box of n x n points. */
static void make_setup(setup *s, size_t n)
{
    ck_assert_int_eq(gridform_arena_create(&s->a, 2.2, 2.2, n, n, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&s->pc, s->a, GRIDFORM_TUNING_DOG, 0.12, 2.0, 256,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&s->k, s->pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
}

static void free_setup(setup *s)
{
    gridform_kernel_destroy(s->k);
    gridform_placecode_destroy(s->pc);
    gridform_arena_destroy(s->a);
}

#define NG 4

/* Seed 11, rectified maps, MEASURE plans, 10 steps; the maps into g. */
static void learn(const setup *s, double *g)
{
    gridform_learner *l = NULL;
    ck_assert_int_eq(gridform_learner_create(&l, s->k, NG), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_nonlinearity(l, GRIDFORM_NL_RELU, 0.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_planning(l, GRIDFORM_PLAN_MEASURE), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_seed(l, 11, 1.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_iterate(l, 10), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_get_maps(l, g), GRIDFORM_OK);
    gridform_learner_destroy(l);
}

/* ---- tests -------------------------------------------------------------- */

START_TEST(test_roundtrip)
{
    scratch_make();
    setup s;
    make_setup(&s, 16);
    static double g1[NG * 256], g2[NG * 256];
    ck_assert_int_eq(gridform_wisdom_forget(), GRIDFORM_OK);
    learn(&s, g1);

    /* What MEASURE planning taught FFTW, in FFTW's text format. */
    ck_assert_int_eq(gridform_wisdom_export(spath("w1")), GRIDFORM_OK);
    size_t n1, n2, n3;
    char *w1 = slurp(spath("w1"), &n1);
    ck_assert_uint_gt(n1, 0);
    ck_assert_int_eq(strncmp(w1, "(fftw-3", 7), 0);
    ck_assert_int_eq(strcmp(w1 + n1 - 2, ")\n"), 0);
    size_t e1 = entries(w1);
    /* at least the learner's forward and backward 16 x 16 plans */
    ck_assert_uint_ge(e1, 2);
    /* entries are written sorted, so equal wisdom gives equal bytes */
    {
        const char *prev = NULL;
        for (const char *p = strchr(w1, '\n'); p != NULL && p[1] == ' '; p = strchr(p + 1, '\n')) {
            if (prev != NULL)
                ck_assert_msg(strcmp(prev, p + 1) < 0, "entries not sorted");
            prev = p + 1;
        }
    }

    /* Forgotten: only the header and the closing parenthesis remain. */
    ck_assert_int_eq(gridform_wisdom_forget(), GRIDFORM_OK);
    ck_assert_int_eq(gridform_wisdom_export(spath("w2")), GRIDFORM_OK);
    char *w2 = slurp(spath("w2"), &n2);
    ck_assert_uint_lt(n2, n1);
    ck_assert_uint_eq(entries(w2), 0);
    size_t hdr = (size_t)(strchr(w1, '\n') - w1) + 1;
    ck_assert_uint_eq(n2, hdr + 2);
    ck_assert_int_eq(strncmp(w1, w2, hdr), 0);
    ck_assert_str_eq(w2 + hdr, ")\n");

    /* Imported and exported again: byte for byte the first file. */
    ck_assert_int_eq(gridform_wisdom_import(spath("w1")), GRIDFORM_OK);
    ck_assert_int_eq(gridform_wisdom_export(spath("w3")), GRIDFORM_OK);
    char *w3 = slurp(spath("w3"), &n3);
    ck_assert_uint_eq(n3, n1);
    ck_assert_int_eq(memcmp(w1, w3, n1), 0);

    /* A learner planned from the imported wisdom gets the plans the first
     * one measured: the same maps, bit for bit, and nothing new learned. */
    learn(&s, g2);
    ck_assert_int_eq(memcmp(g1, g2, sizeof g1), 0);
    ck_assert_int_eq(gridform_wisdom_export(spath("w4")), GRIDFORM_OK);
    char *w4 = slurp(spath("w4"), NULL);
    ck_assert_str_eq(w4, w1);
    printf("wisdom: %zu entries, %zu bytes; forgotten: %zu bytes\n", e1, n1, n2);

    free(w1);
    free(w2);
    free(w3);
    free(w4);
    free_setup(&s);
    scratch_remove();
}
END_TEST

/* Importing adds to the wisdom held; it does not replace it. */
START_TEST(test_import_merges)
{
    scratch_make();
    setup s16, s12;
    static double g[NG * 256];
    make_setup(&s16, 16);
    make_setup(&s12, 12);
    ck_assert_int_eq(gridform_wisdom_forget(), GRIDFORM_OK);
    learn(&s16, g);
    ck_assert_int_eq(gridform_wisdom_export(spath("a")), GRIDFORM_OK);
    ck_assert_int_eq(gridform_wisdom_forget(), GRIDFORM_OK);
    learn(&s12, g);
    ck_assert_int_eq(gridform_wisdom_export(spath("b")), GRIDFORM_OK);
    ck_assert_int_eq(gridform_wisdom_import(spath("a")), GRIDFORM_OK);
    ck_assert_int_eq(gridform_wisdom_export(spath("ab")), GRIDFORM_OK);
    char *a = slurp(spath("a"), NULL), *b = slurp(spath("b"), NULL), *ab = slurp(spath("ab"), NULL);
    ck_assert_uint_gt(entries(a), 0);
    ck_assert_uint_gt(entries(b), 0);
    ck_assert(lines_within(a, ab));
    ck_assert(lines_within(b, ab));
    ck_assert(lines_within(ab, a) == 0 && lines_within(ab, b) == 0);
    ck_assert_uint_le(entries(ab), entries(a) + entries(b));
    ck_assert_uint_gt(entries(ab), entries(a) > entries(b) ? entries(a) : entries(b));
    free(a);
    free(b);
    free(ab);
    free_setup(&s12);
    free_setup(&s16);
    scratch_remove();
}
END_TEST

static void expect_fail(int rc, int want, const char *needle)
{
    ck_assert_msg(rc == want, "returned %d (%s), expected %d (%s): %s", rc, gridform_strerror(rc), want,
                  gridform_strerror(want), gridform_last_error());
    const char *le = gridform_last_error();
    ck_assert_ptr_nonnull(le);
    ck_assert_int_gt((int)strlen(le), 0);
    if (needle != NULL)
        ck_assert_msg(strstr(le, needle) != NULL, "'%s' not in '%s'", needle, le);
}

START_TEST(test_errors)
{
    scratch_make();
    setup s;
    static double g[NG * 256];
    make_setup(&s, 16);
    ck_assert_int_eq(gridform_wisdom_forget(), GRIDFORM_OK);
    learn(&s, g);
    ck_assert_int_eq(gridform_wisdom_export(spath("good")), GRIDFORM_OK);
    size_t ngood;
    char *good = slurp(spath("good"), &ngood);

    /* NULL and empty paths */
    expect_fail(gridform_wisdom_export(NULL), GRIDFORM_EINVAL, "path");
    expect_fail(gridform_wisdom_export(""), GRIDFORM_EINVAL, "empty");
    expect_fail(gridform_wisdom_import(NULL), GRIDFORM_EINVAL, "path");
    expect_fail(gridform_wisdom_import(""), GRIDFORM_EIO, NULL);

    /* export: a missing directory, a directory in the way, a full device */
    expect_fail(gridform_wisdom_export(spath("no/such/dir/w")), GRIDFORM_EIO, "No such file");
    expect_fail(gridform_wisdom_export(scratch), GRIDFORM_EIO, "directory");
    if (access("/dev/full", W_OK) == 0)
        expect_fail(gridform_wisdom_export("/dev/full"), GRIDFORM_EIO, "/dev/full");

    /* import: missing, a directory, a FIFO */
    expect_fail(gridform_wisdom_import(spath("missing")), GRIDFORM_EIO, "No such file");
    expect_fail(gridform_wisdom_import(scratch), GRIDFORM_EIO, "regular file");
    if (mkfifo(spath("fifo"), 0600) == 0)
        expect_fail(gridform_wisdom_import(spath("fifo")), GRIDFORM_EIO, "regular file");

    /* import: text FFTW rejects */
    static const char garbage[] = "this is not wisdom\n";
    spew(spath("garbage"), garbage, sizeof garbage - 1);
    expect_fail(gridform_wisdom_import(spath("garbage")), GRIDFORM_EFORMAT, "garbage");
    spew(spath("empty"), "", 0);
    expect_fail(gridform_wisdom_import(spath("empty")), GRIDFORM_EFORMAT, "rejected");
    /* the good file cut in half */
    spew(spath("half"), good, ngood / 2);
    expect_fail(gridform_wisdom_import(spath("half")), GRIDFORM_EFORMAT, "rejected");
    /* another FFTW configuration: the signature in the header differs */
    char *other = malloc(ngood + 1);
    memcpy(other, good, ngood + 1);
    char *x = strstr(other, "#x");
    ck_assert_ptr_nonnull(x);
    x[2] = x[2] == '0' ? '1' : '0';
    spew(spath("other"), other, ngood);
    expect_fail(gridform_wisdom_import(spath("other")), GRIDFORM_EFORMAT, "rejected");
    /* a NUL byte after a complete, valid wisdom text */
    memcpy(other, good, ngood);
    spew(spath("nul"), other, ngood);
    FILE *f = fopen(spath("nul"), "ab");
    ck_assert_ptr_nonnull(f);
    fputc('\0', f);
    fputs("junk\n", f);
    fclose(f);
    expect_fail(gridform_wisdom_import(spath("nul")), GRIDFORM_EFORMAT, "NUL");
    /* larger than 64 MiB (sparse: no disk used) */
    int fd = open(spath("huge"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, ((off_t)64 << 20) + 1), 0);
    close(fd);
    expect_fail(gridform_wisdom_import(spath("huge")), GRIDFORM_EFORMAT, "64 MiB");
    free(other);

    /* None of the rejected files changed the wisdom held. */
    ck_assert_int_eq(gridform_wisdom_export(spath("after")), GRIDFORM_OK);
    char *after = slurp(spath("after"), NULL);
    ck_assert_str_eq(after, good);
    /* A failed export leaves no temporary behind (only the files above). */
    DIR *d = opendir(scratch);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        ck_assert_msg(strstr(e->d_name, ".tmp") == NULL, "temporary left behind: %s", e->d_name);
    closedir(d);
    free(after);
    free(good);
    free_setup(&s);
    scratch_remove();
}
END_TEST

/* Allocation failures: ENOMEM with a message, nothing written. */
START_TEST(test_enomem)
{
    scratch_make();
    setup s;
    static double g[NG * 256];
    make_setup(&s, 16);
    ck_assert_int_eq(gridform_wisdom_forget(), GRIDFORM_OK);
    learn(&s, g);
    ck_assert_int_eq(gridform_wisdom_export(spath("w")), GRIDFORM_OK);
    for (size_t n = 1; n <= 2; n++) {
        gridform_debug_fail_allocation(n);
        int rc = gridform_wisdom_export(spath("x"));
        gridform_debug_fail_allocation(0);
        expect_fail(rc, GRIDFORM_ENOMEM, NULL);
        ck_assert_int_eq(access(spath("x"), F_OK), -1);
    }
    gridform_debug_fail_allocation(1);
    int rc = gridform_wisdom_import(spath("w"));
    gridform_debug_fail_allocation(0);
    expect_fail(rc, GRIDFORM_ENOMEM, NULL);
    free_setup(&s);
    scratch_remove();
}
END_TEST

/* Wisdom calls in one thread while another plans: every call goes through
 * the planner lock, so nothing races (run under helgrind or TSan by
 * .ci/extra) and every export is complete. */
typedef struct {
    const setup *s;
    int rc;
} plan_job;

static void *planner_thread(void *arg)
{
    plan_job *j = arg;
    for (int i = 0; i < 6 && j->rc == GRIDFORM_OK; i++) {
        gridform_learner *l = NULL;
        j->rc = gridform_learner_create(&l, j->s->k, 2);
        if (j->rc == GRIDFORM_OK)
            j->rc = gridform_learner_set_planning(l, GRIDFORM_PLAN_MEASURE);
        gridform_learner_destroy(l);
    }
    return NULL;
}

START_TEST(test_threads)
{
    scratch_make();
    setup s;
    make_setup(&s, 16);
    plan_job j = {&s, GRIDFORM_OK};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, planner_thread, &j), 0);
    for (int i = 0; i < 20; i++) {
        ck_assert_int_eq(gridform_wisdom_export(spath("t")), GRIDFORM_OK);
        char *w = slurp(spath("t"), NULL);
        size_t n = strlen(w);
        ck_assert_int_eq(strncmp(w, "(fftw-3", 7), 0);
        ck_assert(n >= 2 && strcmp(w + n - 2, ")\n") == 0);
        free(w);
        ck_assert_int_eq(gridform_wisdom_import(spath("t")), GRIDFORM_OK);
        if (i % 5 == 4)
            ck_assert_int_eq(gridform_wisdom_forget(), GRIDFORM_OK);
    }
    pthread_join(th, NULL);
    ck_assert_int_eq(j.rc, GRIDFORM_OK);
    free_setup(&s);
    scratch_remove();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("wisdom");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_roundtrip);
    tcase_add_test(tc, test_import_merges);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_enomem);
    tcase_add_test(tc, test_threads);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
