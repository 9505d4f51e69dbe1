/* Tests for the io module: .npy reading (files written by NumPy, hostile
 * files), .npy writing (byte-identical to numpy.save, atomic replacement,
 * I/O errors), and map images. */
#define _POSIX_C_SOURCE 200809L
#include "config.h"
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "gridform.h"
#include "npy_fixtures.h"
#ifdef HAVE_PNG
#include <png.h>
#endif

/* ---- scratch directory -------------------------------------------------- */

static char dir[64];

static void setup(void)
{
    strcpy(dir, "check_io.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *e;
        char p[512];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* A path in the scratch directory; the last 8 results stay valid. */
static const char *in_dir(const char *name)
{
    static char p[8][512];
    static unsigned next;
    char *q = p[next++ % 8];
    snprintf(q, 512, "%s/%s", dir, name);
    return q;
}

/* Number of entries in the scratch directory (to catch leftover temporaries). */
static int dir_entries(void)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void put(const char *path, const void *bytes, size_t n)
{
    /* A new file rather than a truncated one: ext4 flushes files truncated
     * and rewritten at close (auto_da_alloc), which made this test slow. */
    unlink(path);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

/* Whole file into a malloc'd buffer. */
static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long len = ftell(f);
    ck_assert_int_ge(len, 0);
    rewind(f);
    unsigned char *b = malloc((size_t)len + 1);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(fread(b, 1, (size_t)len, f), (size_t)len);
    b[len] = 0;   /* so text formats can be scanned */
    fclose(f);
    *n = (size_t)len;
    return b;
}

/* Reads a fixture through the two-call protocol. */
static double *read_fixture(const unsigned char *bytes, size_t n, size_t *ndim, size_t shape[GRIDFORM_NPY_MAX_DIMS],
                            size_t *count)
{
    const char *p = in_dir("f.npy");
    put(p, bytes, n);
    ck_assert_int_eq(gridform_npy_read(p, NULL, 0, ndim, shape), GRIDFORM_OK);
    size_t c = 1;
    for (size_t k = 0; k < *ndim; k++)
        c *= shape[k];
    double *d = malloc((c + 1) * sizeof *d);
    ck_assert_ptr_nonnull(d);
    d[c] = 12345.0;   /* guard: must not be touched */
    size_t nd2, sh2[GRIDFORM_NPY_MAX_DIMS];
    ck_assert_int_eq(gridform_npy_read(p, d, c, &nd2, sh2), GRIDFORM_OK);
    ck_assert_uint_eq(nd2, *ndim);
    ck_assert_double_eq(d[c], 12345.0);
    *count = c;
    return d;
}

#define READ(name, nd, sh, c) read_fixture(npy_##name, sizeof npy_##name, &(nd), (sh), &(c))

/* ---- reading files written by NumPy ------------------------------------- */

START_TEST(test_read_numpy_f8_le)
{
    size_t nd, sh[GRIDFORM_NPY_MAX_DIMS], c;
    double *d = READ(f8_le_1d, nd, sh, c);
    ck_assert_uint_eq(nd, 1);
    ck_assert_uint_eq(sh[0], 9);
    for (size_t k = 1; k < GRIDFORM_NPY_MAX_DIMS; k++)
        ck_assert_uint_eq(sh[k], 1);
    ck_assert(d[0] == 0.0 && !signbit(d[0]));
    ck_assert(d[1] == -1.5);
    ck_assert(d[2] == 1e-300);
    ck_assert(d[3] == 3.141592653589793);
    ck_assert(d[4] == 0x1p-1074);   /* smallest denormal */
    ck_assert(d[5] == -1.7976931348623157e308);
    ck_assert(isinf(d[6]) && d[6] > 0);
    ck_assert(isinf(d[7]) && d[7] < 0);
    ck_assert(isnan(d[8]));   /* NaN in the data is data */
    free(d);
}
END_TEST

START_TEST(test_read_numpy_f4_le)
{
    size_t nd, sh[GRIDFORM_NPY_MAX_DIMS], c;
    double *d = READ(f4_le_2d, nd, sh, c);
    ck_assert_uint_eq(nd, 2);
    ck_assert_uint_eq(sh[0], 2);
    ck_assert_uint_eq(sh[1], 3);
    /* float32 values widen exactly */
    ck_assert(d[0] == (double)0.1f);
    ck_assert(d[1] == -2.25);
    ck_assert(d[2] == (double)3.0e38f);
    ck_assert(d[3] == (double)1.0e-45f);
    ck_assert(d[4] == 0.0 && signbit(d[4]));
    ck_assert(d[5] == 7.0);
    free(d);
}
END_TEST

START_TEST(test_read_numpy_f8_be)
{
    size_t nd, sh[GRIDFORM_NPY_MAX_DIMS], c;
    double *d = READ(f8_be_2d, nd, sh, c);
    ck_assert_uint_eq(nd, 2);
    ck_assert_uint_eq(sh[0], 3);
    ck_assert_uint_eq(sh[1], 2);
    for (size_t i = 0; i < 6; i++)
        ck_assert(d[i] == 0.5 * (double)i - 1.0);
    free(d);
}
END_TEST

START_TEST(test_read_numpy_fortran)
{
    size_t nd, sh[GRIDFORM_NPY_MAX_DIMS], c;
    double *d = READ(f8_fortran_2d, nd, sh, c);
    ck_assert_uint_eq(nd, 2);
    ck_assert_uint_eq(sh[0], 3);
    ck_assert_uint_eq(sh[1], 4);
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 4; j++)
            ck_assert(d[i * 4 + j] == 10.0 * (double)i + (double)j);
    free(d);

    /* 3-D, Fortran order, big-endian float32: returned in C order */
    d = READ(f4_be_fortran_3d, nd, sh, c);
    ck_assert_uint_eq(nd, 3);
    ck_assert_uint_eq(sh[0], 2);
    ck_assert_uint_eq(sh[1], 3);
    ck_assert_uint_eq(sh[2], 4);
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < 3; j++)
            for (size_t k = 0; k < 4; k++)
                ck_assert(d[(i * 3 + j) * 4 + k] == 100.0 * (double)i + 10.0 * (double)j + (double)k);
    free(d);
}
END_TEST

START_TEST(test_read_numpy_3d_versions)
{
    size_t nd, sh[GRIDFORM_NPY_MAX_DIMS], c;
    double *d = READ(f8_3d, nd, sh, c);
    ck_assert_uint_eq(nd, 3);
    ck_assert_uint_eq(c, 24);
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < 3; j++)
            for (size_t k = 0; k < 4; k++)
                ck_assert(d[(i * 3 + j) * 4 + k] == 100.0 * (double)i + 10.0 * (double)j + (double)k);
    free(d);

    ck_assert_uint_eq(npy_f8_v2[6], 2);   /* really a version 2.0 file */
    d = READ(f8_v2, nd, sh, c);
    ck_assert_uint_eq(nd, 1);
    ck_assert_uint_eq(sh[0], 3);
    ck_assert(d[0] == 1.0 && d[1] == 2.0 && d[2] == 3.0);
    free(d);

    ck_assert_uint_eq(npy_f8_v3[6], 3);
    d = READ(f8_v3, nd, sh, c);
    ck_assert_uint_eq(nd, 2);
    ck_assert_uint_eq(sh[0], 2);
    ck_assert_uint_eq(sh[1], 1);
    ck_assert(d[0] == 4.0 && d[1] == 5.0);
    free(d);

    d = READ(f8_scalar, nd, sh, c);
    ck_assert_uint_eq(nd, 0);
    ck_assert_uint_eq(c, 1);
    ck_assert(d[0] == 2.5);
    free(d);

    d = READ(f8_empty, nd, sh, c);
    ck_assert_uint_eq(nd, 2);
    ck_assert_uint_eq(sh[0], 0);
    ck_assert_uint_eq(sh[1], 3);
    ck_assert_uint_eq(c, 0);
    free(d);
}
END_TEST

START_TEST(test_two_call_protocol)
{
    const char *p = in_dir("a.npy");
    put(p, npy_f8_arange_3x4, sizeof npy_f8_arange_3x4);
    size_t nd = 99, sh[GRIDFORM_NPY_MAX_DIMS];
    double d[13];
    for (int i = 0; i < 13; i++)
        d[i] = -7.0;
    /* capacity is ignored when data is NULL */
    ck_assert_int_eq(gridform_npy_read(p, NULL, 5, &nd, sh), GRIDFORM_OK);
    ck_assert_uint_eq(nd, 2);
    /* too small: ERANGE, the shape is still reported, the buffer untouched */
    nd = 99;
    ck_assert_int_eq(gridform_npy_read(p, d, 11, &nd, sh), GRIDFORM_ERANGE);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "capacity"));
    ck_assert_uint_eq(nd, 2);
    ck_assert_uint_eq(sh[0], 3);
    ck_assert_uint_eq(sh[1], 4);
    for (int i = 0; i < 13; i++)
        ck_assert(d[i] == -7.0);
    /* exact and larger capacities work and write only 12 values */
    ck_assert_int_eq(gridform_npy_read(p, d, 12, &nd, sh), GRIDFORM_OK);
    for (int i = 0; i < 12; i++)
        ck_assert(d[i] == (double)i);
    ck_assert(d[12] == -7.0);
    ck_assert_int_eq(gridform_npy_read(p, d, 13, &nd, sh), GRIDFORM_OK);
    ck_assert(d[12] == -7.0);
}
END_TEST

/* ---- writing -------------------------------------------------------------- */

START_TEST(test_write_matches_numpy)
{
    double a[12];
    for (int i = 0; i < 12; i++)
        a[i] = i;
    size_t sh[2] = {3, 4}, n;
    const char *p = in_dir("w.npy");
    ck_assert_int_eq(gridform_npy_write(p, a, 2, sh), GRIDFORM_OK);
    unsigned char *b = slurp(p, &n);
    ck_assert_uint_eq(n, sizeof npy_f8_arange_3x4);
    ck_assert(memcmp(b, npy_f8_arange_3x4, n) == 0);
    ck_assert_uint_eq((10 + (b[8] | b[9] << 8)) % 64, 0);
    ck_assert_int_eq(b[10 + (b[8] | b[9] << 8) - 1], '\n');
    free(b);

    size_t sh5 = 5;
    ck_assert_int_eq(gridform_npy_write(p, a, 1, &sh5), GRIDFORM_OK);
    b = slurp(p, &n);
    ck_assert_uint_eq(n, sizeof npy_f8_vec5);
    ck_assert(memcmp(b, npy_f8_vec5, n) == 0);
    free(b);

    double s = 2.5;
    ck_assert_int_eq(gridform_npy_write(p, &s, 0, NULL), GRIDFORM_OK);
    b = slurp(p, &n);
    ck_assert_uint_eq(n, sizeof npy_f8_scalar);
    ck_assert(memcmp(b, npy_f8_scalar, n) == 0);
    free(b);
    ck_assert_int_eq(dir_entries(), 1);   /* no temporaries left */

    /* replacing a file keeps its permission bits */
    ck_assert_int_eq(chmod(p, 0640), 0);
    ck_assert_int_eq(gridform_npy_write(p, a, 2, sh), GRIDFORM_OK);
    struct stat st;
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0640);
}
END_TEST

START_TEST(test_roundtrip)
{
    static const size_t shapes[][GRIDFORM_NPY_MAX_DIMS] = {
        {0}, {1}, {7}, {3, 5}, {2, 3, 4}, {1, 2, 1, 3, 1, 1, 2, 2}, {0, 3}, {1500, 3},
    };
    static const size_t ndims[] = {0, 1, 1, 2, 3, 8, 2, 2};
    const char *p = in_dir("r.npy");
    double *a = malloc(4500 * sizeof *a), *b = malloc(4501 * sizeof *b);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < 4500; i++) {
        /* arbitrary bit patterns, NaN payloads and denormals included */
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        memcpy(&a[i], &x, sizeof x);
    }
    a[1] = NAN;
    a[2] = -INFINITY;
    a[3] = -0.0;
    for (size_t t = 0; t < sizeof ndims / sizeof ndims[0]; t++) {
        size_t count = 1, nd, sh[GRIDFORM_NPY_MAX_DIMS];
        for (size_t k = 0; k < ndims[t]; k++)
            count *= shapes[t][k];
        ck_assert_int_eq(gridform_npy_write(p, a, ndims[t], shapes[t]), GRIDFORM_OK);
        b[count] = 42.0;
        ck_assert_int_eq(gridform_npy_read(p, b, count, &nd, sh), GRIDFORM_OK);
        ck_assert_uint_eq(nd, ndims[t]);
        for (size_t k = 0; k < nd; k++)
            ck_assert_uint_eq(sh[k], shapes[t][k]);
        ck_assert(memcmp(a, b, count * sizeof *a) == 0);   /* bit-exact */
        ck_assert(b[count] == 42.0);
    }
    free(a);
    free(b);
}
END_TEST

START_TEST(test_write_errors)
{
    double a[4] = {1, 2, 3, 4};
    size_t sh[9] = {2, 2, 1, 1, 1, 1, 1, 1, 1};
    ck_assert_int_eq(gridform_npy_write(NULL, a, 2, sh), GRIDFORM_EINVAL);
    ck_assert_int_gt((int)strlen(gridform_last_error()), 0);
    ck_assert_int_eq(gridform_npy_write("", a, 2, sh), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_npy_write(in_dir("x.npy"), NULL, 2, sh), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_npy_write(in_dir("x.npy"), a, 2, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_npy_write(in_dir("x.npy"), a, 9, sh), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_npy_write(in_dir("x.npy"), a, SIZE_MAX, sh), GRIDFORM_EINVAL);
    size_t big[2] = {SIZE_MAX, 2};
    ck_assert_int_eq(gridform_npy_write(in_dir("x.npy"), a, 2, big), GRIDFORM_ERANGE);
    ck_assert_int_gt((int)strlen(gridform_last_error()), 0);
    size_t big2[1] = {SIZE_MAX / 4};
    ck_assert_int_eq(gridform_npy_write(in_dir("x.npy"), a, 1, big2), GRIDFORM_ERANGE);
    /* an empty array needs no data */
    size_t zero[1] = {0};
    ck_assert_int_eq(gridform_npy_write(in_dir("z.npy"), NULL, 1, zero), GRIDFORM_OK);

    /* missing directory: EIO naming the path and the reason */
    char missing[512];
    snprintf(missing, sizeof missing, "%s/no/such/dir/x.npy", dir);
    ck_assert_int_eq(gridform_npy_write(missing, a, 2, sh), GRIDFORM_EIO);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), missing));
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), strerror(ENOENT)));
    /* disk full */
    ck_assert_int_eq(gridform_npy_write("/dev/full", a, 2, sh), GRIDFORM_EIO);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "/dev/full"));
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), strerror(ENOSPC)));
    /* devices are written in place, never replaced: /dev/null still a device */
    ck_assert_int_eq(gridform_npy_write("/dev/null", a, 2, sh), GRIDFORM_OK);
    struct stat st;
    ck_assert_int_eq(stat("/dev/null", &st), 0);
    ck_assert(S_ISCHR(st.st_mode));
    /* a directory */
    ck_assert_int_eq(gridform_npy_write(dir, a, 2, sh), GRIDFORM_EIO);
    ck_assert_int_eq(dir_entries(), 1);   /* z.npy only: no temporaries */
}
END_TEST

/* A write that fails half-way (file size limit) leaves the old file intact
 * under the final name and no temporary behind.  Run in a child process:
 * setrlimit is process-wide and Check may not fork (CK_FORK=no). */
START_TEST(test_write_interrupted)
{
    const char *p = in_dir("keep.npy");
    double small[3] = {1, 2, 3};
    size_t sh3 = 3;
    ck_assert_int_eq(gridform_npy_write(p, small, 1, &sh3), GRIDFORM_OK);
    size_t n0;
    unsigned char *before = slurp(p, &n0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        free(before);   /* the child's copy (valgrind follows children) */
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {4096, 4096};
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(2);
        static double big[100000];
        size_t shb = 100000;
        int rc = gridform_npy_write(p, big, 1, &shb);
        _exit(rc == GRIDFORM_EIO && strstr(gridform_last_error(), "keep.npy") != NULL ? 0 : 1);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    size_t n1;
    unsigned char *after = slurp(p, &n1);
    ck_assert_uint_eq(n0, n1);
    ck_assert(memcmp(before, after, n0) == 0);
    ck_assert_int_eq(dir_entries(), 1);
    free(before);
    free(after);
}
END_TEST

START_TEST(test_write_alloc_failure)
{
    double a[2] = {1, 2};
    size_t sh = 2;
    gridform_debug_fail_allocation(1);
    ck_assert_int_eq(gridform_npy_write(in_dir("m.npy"), a, 1, &sh), GRIDFORM_ENOMEM);
    gridform_debug_fail_allocation(0);
    ck_assert_int_eq(dir_entries(), 0);
}
END_TEST

/* Threads writing the same path at once: every rename is atomic, so the
 * file ends up as one complete version, and no temporary is left. */
#define NTHREADS 4
#define NWRITES 10
#define NVALUES 3000

static void *writer_thread(void *arg)
{
    int t = *(const int *)arg;
    static _Thread_local double buf[NVALUES];
    size_t n = NVALUES;
    char sp[512], mp[512];   /* in_dir is not thread-safe */
    snprintf(sp, sizeof sp, "%s/same.npy", dir);
    snprintf(mp, sizeof mp, "%s/own%d.npy", dir, t);
    for (int k = 0; k < NWRITES; k++) {
        for (size_t i = 0; i < n; i++)
            buf[i] = 1000.0 * t + k;
        if (gridform_npy_write(sp, buf, 1, &n) != GRIDFORM_OK || gridform_npy_write(mp, buf, 1, &n) != GRIDFORM_OK)
            return (void *)1;
    }
    return NULL;
}

START_TEST(test_concurrent_writes)
{
    pthread_t th[NTHREADS];
    int ids[NTHREADS];
    for (int t = 0; t < NTHREADS; t++) {
        ids[t] = t;
        ck_assert_int_eq(pthread_create(&th[t], NULL, writer_thread, &ids[t]), 0);
    }
    for (int t = 0; t < NTHREADS; t++) {
        void *r;
        ck_assert_int_eq(pthread_join(th[t], &r), 0);
        ck_assert_ptr_null(r);
    }
    static double d[NVALUES];
    size_t nd, sh[GRIDFORM_NPY_MAX_DIMS];
    ck_assert_int_eq(gridform_npy_read(in_dir("same.npy"), d, NVALUES, &nd, sh), GRIDFORM_OK);
    ck_assert_uint_eq(sh[0], NVALUES);
    for (size_t i = 1; i < NVALUES; i++)
        ck_assert(d[i] == d[0]);   /* one writer's complete version */
    for (int t = 0; t < NTHREADS; t++) {
        char own[64];
        snprintf(own, sizeof own, "own%d.npy", t);
        ck_assert_int_eq(gridform_npy_read(in_dir(own), d, NVALUES, &nd, sh), GRIDFORM_OK);
        ck_assert(d[0] == 1000.0 * t + NWRITES - 1 && d[NVALUES - 1] == d[0]);
    }
    ck_assert_int_eq(dir_entries(), NTHREADS + 1);
}
END_TEST

/* ---- hostile files ---------------------------------------------------------- */

/* A file with the given header text (padded like NumPy), version and n data
 * bytes of 0x3f. */
static size_t build(unsigned char *out, size_t cap, int major, const char *header, size_t ndata)
{
    size_t hl = strlen(header), pre = major == 1 ? 10 : 12;
    size_t total = pre + hl + ndata;
    ck_assert_uint_le(total, cap);
    memcpy(out, "\x93NUMPY", 6);
    out[6] = (unsigned char)major;
    out[7] = 0;
    out[8] = (unsigned char)(hl & 0xff);
    out[9] = (unsigned char)(hl >> 8);
    if (major != 1) {
        out[10] = (unsigned char)(hl >> 16);
        out[11] = (unsigned char)(hl >> 24);
    }
    memcpy(out + pre, header, hl);
    memset(out + pre + hl, 0x3f, ndata);
    return total;
}

static int read_bytes(const unsigned char *b, size_t n, double *d, size_t cap)
{
    const char *p = in_dir("h.npy");
    put(p, b, n);
    size_t nd, sh[GRIDFORM_NPY_MAX_DIMS];
    return gridform_npy_read(p, d, cap, &nd, sh);
}

START_TEST(test_header_grammar)
{
    static const char *good[] = {
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n",
        "{'shape': (2,), 'descr': '<f8', 'fortran_order': False}\n",
        "{\"fortran_order\": True, \"shape\": (2,), \"descr\": \"<f8\"}",
        "{ 'descr' : '<f8' ,\n 'fortran_order' : False ,\t'shape' : ( 2 , ) , }   \n",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2)}\n",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2L,), }\n",
        "{'descr': '>f4', 'fortran_order': False, 'shape': (4,), }\n",
    };
    static const char *bad[] = {
        "", "\n", "{}", "{'descr': '<f8', 'fortran_order': False}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}",
        "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': [2]}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (-2,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2.0,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (02,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, }",
        "{'descr': '<f8', 'fortran_order': 1, 'shape': (2,)}",
        "{'descr': '<f8', 'fortran_order': Falsey, 'shape': (2,)}",
        "{'descr': '<f8', 'fortran_order': false, 'shape': (2,)}",
        "{'descr': '<f8' 'fortran_order': False, 'shape': (2,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)} x",
        "{'descr: '<f8', 'fortran_order': False, 'shape': (2,)}",
        "{'descr': '<f8\", 'fortran_order': False, 'shape': (2,)}",
        "{'de\\x73cr': '<f8', 'fortran_order': False, 'shape': (2,)}",
        "{descr: '<f8', 'fortran_order': False, 'shape': (2,)}",
        "{'descr' '<f8', 'fortran_order': False, 'shape': (2,)}",
        "{,'descr': '<f8', 'fortran_order': False, 'shape': (2,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,),,}",
        "['descr', '<f8']",
        /* dtypes: only float64/float32 with an explicit byte order */
        "{'descr': '<i8', 'fortran_order': False, 'shape': (2,)}",
        "{'descr': '|O', 'fortran_order': False, 'shape': (2,)}",
        "{'descr': '<c16', 'fortran_order': False, 'shape': (2,)}",
        "{'descr': '=f8', 'fortran_order': False, 'shape': (2,)}",
        "{'descr': '|f8', 'fortran_order': False, 'shape': (2,)}",
        "{'descr': '<f2', 'fortran_order': False, 'shape': (2,)}",
        "{'descr': '<f16', 'fortran_order': False, 'shape': (2,)}",
        "{'descr': 'f8', 'fortran_order': False, 'shape': (2,)}",
        "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,)}",
        /* more than GRIDFORM_NPY_MAX_DIMS dimensions */
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,2)}",
    };
    unsigned char b[512];
    double d[8];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        size_t n = build(b, sizeof b, 1, good[i], 16);   /* 2 doubles or 4 floats */
        ck_assert_msg(read_bytes(b, n, d, 8) == GRIDFORM_OK, "good[%zu] rejected: %s", i, gridform_last_error());
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = build(b, sizeof b, 1, bad[i], 16);
        ck_assert_msg(read_bytes(b, n, d, 8) == GRIDFORM_EFORMAT, "bad[%zu] accepted: %s", i, bad[i]);
        ck_assert_int_gt((int)strlen(gridform_last_error()), 0);
    }
    /* a NUL in the padding */
    size_t n = build(b, sizeof b, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}  \n", 16);
    b[10 + 56] = 0;
    ck_assert_int_eq(read_bytes(b, n, d, 8), GRIDFORM_EFORMAT);
    b[10 + 56] = ' ';
    ck_assert_int_eq(read_bytes(b, n, d, 8), GRIDFORM_OK);
}
END_TEST

START_TEST(test_hostile_sizes)
{
    unsigned char b[512];
    double d[8];
    size_t n;
    /* huge shapes: the product overflows, or is far beyond the file */
    n = build(b, sizeof b, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", 16);
    ck_assert_int_eq(read_bytes(b, n, NULL, 0), GRIDFORM_EFORMAT);
    n = build(b, sizeof b, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }", 16);
    ck_assert_int_eq(read_bytes(b, n, d, 8), GRIDFORM_EFORMAT);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "truncated"));
    n = build(b, sizeof b, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,), }", 16);
    ck_assert_int_eq(read_bytes(b, n, d, 8), GRIDFORM_EFORMAT);
    n = build(b, sizeof b, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999999,), }", 16);
    ck_assert_int_eq(read_bytes(b, n, d, 8), GRIDFORM_EFORMAT);
    /* a zero in the shape makes an empty array even with huge other axes */
    n = build(b, sizeof b, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4611686018427387904), }", 0);
    ck_assert_int_eq(read_bytes(b, n, d, 8), GRIDFORM_OK);
    /* one byte too many or too few */
    n = build(b, sizeof b, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 17);
    ck_assert_int_eq(read_bytes(b, n, d, 8), GRIDFORM_EFORMAT);
    n = build(b, sizeof b, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 15);
    ck_assert_int_eq(read_bytes(b, n, d, 8), GRIDFORM_EFORMAT);

    /* a header length claiming 4 GiB: rejected before any allocation */
    n = build(b, sizeof b, 2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16);
    b[8] = b[9] = b[10] = b[11] = 0xff;
    const char *p = in_dir("h.npy");
    put(p, b, n);
    size_t nd, sh[GRIDFORM_NPY_MAX_DIMS];
    size_t before = gridform_debug_allocation_count();
    ck_assert_int_eq(gridform_npy_read(p, d, 8, &nd, sh), GRIDFORM_EFORMAT);
    ck_assert_uint_eq(gridform_debug_allocation_count(), before);

    /* magic and version */
    n = build(b, sizeof b, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16);
    b[0] = 0x94;
    ck_assert_int_eq(read_bytes(b, n, d, 8), GRIDFORM_EFORMAT);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "magic"));
    b[0] = 0x93;
    b[6] = 9;
    ck_assert_int_eq(read_bytes(b, n, d, 8), GRIDFORM_EFORMAT);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "version"));
    b[6] = 0;
    ck_assert_int_eq(read_bytes(b, n, d, 8), GRIDFORM_EFORMAT);
    b[6] = 1;
    b[7] = 1;
    ck_assert_int_eq(read_bytes(b, n, d, 8), GRIDFORM_EFORMAT);
    b[7] = 0;
    ck_assert_int_eq(read_bytes(b, n, d, 8), GRIDFORM_OK);

    /* real NumPy files of unsupported dtypes */
    ck_assert_int_eq(read_bytes(npy_i8, sizeof npy_i8, d, 8), GRIDFORM_EFORMAT);
    ck_assert_int_eq(read_bytes(npy_obj, sizeof npy_obj, d, 8), GRIDFORM_EFORMAT);
    ck_assert_int_eq(read_bytes(npy_c16, sizeof npy_c16, d, 8), GRIDFORM_EFORMAT);
}
END_TEST

/* Every proper prefix of a valid file is rejected, in both calls, and the
 * caller's buffer is never written past its capacity. */
START_TEST(test_truncated_everywhere)
{
    static const struct { const unsigned char *b; size_t n; } files[] = {
        {npy_f8_3d, sizeof npy_f8_3d},
        {npy_f4_be_fortran_3d, sizeof npy_f4_be_fortran_3d},
        {npy_f8_v2, sizeof npy_f8_v2},
        {npy_f8_v3, sizeof npy_f8_v3},
        {npy_f8_scalar, sizeof npy_f8_scalar},
    };
    double d[26];
    size_t nd, sh[GRIDFORM_NPY_MAX_DIMS];
    const char *p = in_dir("t.npy");
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        for (size_t len = 0; len < files[f].n; len++) {
            put(p, files[f].b, len);
            ck_assert_msg(gridform_npy_read(p, NULL, 0, &nd, sh) == GRIDFORM_EFORMAT,
                          "file %zu prefix %zu accepted", f, len);
            for (int i = 0; i < 26; i++)
                d[i] = -3.0;
            ck_assert_int_eq(gridform_npy_read(p, d, 24, &nd, sh), GRIDFORM_EFORMAT);
            ck_assert(d[24] == -3.0 && d[25] == -3.0);
        }
        /* and one byte of trailing garbage */
        unsigned char *b = malloc(files[f].n + 1);
        ck_assert_ptr_nonnull(b);
        memcpy(b, files[f].b, files[f].n);
        b[files[f].n] = 0;
        put(p, b, files[f].n + 1);
        ck_assert_int_eq(gridform_npy_read(p, NULL, 0, &nd, sh), GRIDFORM_EFORMAT);
        free(b);
        put(p, files[f].b, files[f].n);
        ck_assert_int_eq(gridform_npy_read(p, d, 24, &nd, sh), GRIDFORM_OK);
    }
}
END_TEST

START_TEST(test_read_errors)
{
    const char *p = in_dir("a.npy");
    put(p, npy_f8_vec5, sizeof npy_f8_vec5);
    size_t nd, sh[GRIDFORM_NPY_MAX_DIMS];
    double d[5];
    ck_assert_int_eq(gridform_npy_read(NULL, d, 5, &nd, sh), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "path"));
    ck_assert_int_eq(gridform_npy_read(p, d, 5, NULL, sh), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "ndim"));
    ck_assert_int_eq(gridform_npy_read(p, d, 5, &nd, NULL), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "shape"));
    ck_assert_int_eq(gridform_npy_read(p, d, 0, &nd, sh), GRIDFORM_ERANGE);
    ck_assert_int_eq(gridform_npy_read(in_dir("missing.npy"), d, 5, &nd, sh), GRIDFORM_EIO);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "missing.npy"));
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), strerror(ENOENT)));
    ck_assert_int_eq(gridform_npy_read(dir, d, 5, &nd, sh), GRIDFORM_EIO);
    ck_assert_int_eq(gridform_npy_read("/dev/null", d, 5, &nd, sh), GRIDFORM_EIO);
    /* a FIFO without a writer: refused at once, not waited on */
    ck_assert_int_eq(mkfifo(in_dir("fifo.npy"), 0600), 0);
    ck_assert_int_eq(gridform_npy_read(in_dir("fifo.npy"), d, 5, &nd, sh), GRIDFORM_EIO);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "regular"));
    gridform_debug_fail_allocation(1);
    ck_assert_msg(gridform_npy_read(p, d, 5, &nd, sh) == GRIDFORM_ENOMEM, "%s", gridform_last_error());
    gridform_debug_fail_allocation(0);
    ck_assert_int_eq(gridform_npy_read(p, d, 5, &nd, sh), GRIDFORM_OK);
}
END_TEST


/* ---- images --------------------------------------------------------------- */

/* Reads a binary PPM written by gridform_image_write_maps. */
static unsigned char *read_ppm(const char *path, size_t *w, size_t *h)
{
    size_t n;
    unsigned char *b = slurp(path, &n);
    int off = 0;
    ck_assert_int_eq(sscanf((const char *)b, "P6\n%zu %zu\n255\n%n", w, h, &off), 2);
    ck_assert_int_gt(off, 0);
    ck_assert_uint_eq(n, (size_t)off + 3 * *w * *h);
    unsigned char *px = malloc(n - (size_t)off + 1);
    ck_assert_ptr_nonnull(px);
    memcpy(px, b + off, n - (size_t)off);
    free(b);
    return px;
}

static void assert_px(const unsigned char *px, size_t w, size_t x, size_t y, int r, int g, int b)
{
    const unsigned char *p = px + 3 * (y * w + x);
    ck_assert_msg(p[0] == r && p[1] == g && p[2] == b, "pixel (%zu, %zu) is (%d, %d, %d), expected (%d, %d, %d)",
                  x, y, p[0], p[1], p[2], r, g, b);
}

/* Every pixel of the zoom x zoom block of bin (bx, by) of the picture
 * (by counted from the top) has the colour. */
static void assert_bin(const unsigned char *px, size_t w, size_t zoom, size_t bx, size_t by, int r, int g, int b)
{
    for (size_t y = by * zoom; y < (by + 1) * zoom; y++)
        for (size_t x = bx * zoom; x < (bx + 1) * zoom; x++)
            assert_px(px, w, x, y, r, g, b);
}

/* viridis ends and middle, NaN grey, gap white */
#define LOW 68, 1, 84
#define HIGH 253, 231, 37
#define MID 33, 144, 140
#define GREY 128, 128, 128
#define WHITE 255, 255, 255

START_TEST(test_image_layout)
{
    /* 3 maps of nx = 3, ny = 2 in 2 columns at zoom 2: 7 x 5 bins */
    double g[3 * 6];
    for (int i = 0; i < 6; i++)
        g[i] = i;            /* map 0: ramp, min at (ix 0, iy 0), max at (2, 1) */
    for (int i = 0; i < 6; i++)
        g[6 + i] = -i;       /* map 1: reversed, with a NaN at (1, 1) */
    g[6 + 4] = NAN;
    for (int i = 0; i < 6; i++)
        g[12 + i] = 3.25;    /* map 2: constant */
    const char *p = in_dir("m.ppm");
    ck_assert_int_eq(gridform_image_write_maps(p, g, 3, 3, 2, 2, GRIDFORM_IMAGE_PER_MAP, 2), GRIDFORM_OK);
    size_t w, h;
    unsigned char *px = read_ppm(p, &w, &h);
    ck_assert_uint_eq(w, 14);
    ck_assert_uint_eq(h, 10);
    /* map 0, top-left tile: iy = 0 is the bottom bin row (picture row 1) */
    assert_bin(px, w, 2, 0, 1, LOW);
    assert_bin(px, w, 2, 2, 0, HIGH);
    /* map 1, top-right tile starts at bin x 4: max (0) at (0,0), min (-5) at (2,1), NaN at (1,1) */
    assert_bin(px, w, 2, 4, 1, HIGH);
    assert_bin(px, w, 2, 6, 0, LOW);
    assert_bin(px, w, 2, 5, 0, GREY);
    /* gaps: bin column 3 and bin row 2 are white */
    for (size_t by = 0; by < 5; by++)
        assert_bin(px, w, 2, 3, by, WHITE);
    for (size_t bx = 0; bx < 7; bx++)
        assert_bin(px, w, 2, bx, 2, WHITE);
    /* map 2, constant: the middle colour, no division by zero */
    for (size_t bx = 0; bx < 3; bx++)
        for (size_t by = 3; by < 5; by++)
            assert_bin(px, w, 2, bx, by, MID);
    /* the unused fourth tile is white */
    for (size_t bx = 4; bx < 7; bx++)
        for (size_t by = 3; by < 5; by++)
            assert_bin(px, w, 2, bx, by, WHITE);
    free(px);

    /* ncols larger than nmaps: one row, no empty columns; upper-case extension */
    p = in_dir("ONE.PPM");
    ck_assert_int_eq(gridform_image_write_maps(p, g, 2, 3, 2, 10, GRIDFORM_IMAGE_PER_MAP, 1), GRIDFORM_OK);
    px = read_ppm(p, &w, &h);
    ck_assert_uint_eq(w, 7);
    ck_assert_uint_eq(h, 2);
    free(px);
    ck_assert_int_eq(dir_entries(), 2);
}
END_TEST

START_TEST(test_image_scaling)
{
    size_t w, h;
    unsigned char *px;
    const char *p = in_dir("s.ppm");
    /* SHARED: map 0 in [0, 1], map 1 in [0, 2]: map 0's maximum is mid-scale */
    double g[4] = {0, 1, 0, 2};
    ck_assert_int_eq(gridform_image_write_maps(p, g, 2, 2, 1, 2, GRIDFORM_IMAGE_SHARED, 1), GRIDFORM_OK);
    px = read_ppm(p, &w, &h);
    ck_assert_uint_eq(w, 5);
    ck_assert_uint_eq(h, 1);
    assert_px(px, w, 0, 0, LOW);
    assert_px(px, w, 1, 0, MID);
    assert_px(px, w, 2, 0, WHITE);
    assert_px(px, w, 3, 0, LOW);
    assert_px(px, w, 4, 0, HIGH);
    free(px);
    /* PER_MAP: both maxima at the top */
    ck_assert_int_eq(gridform_image_write_maps(p, g, 2, 2, 1, 2, GRIDFORM_IMAGE_PER_MAP, 1), GRIDFORM_OK);
    px = read_ppm(p, &w, &h);
    assert_px(px, w, 1, 0, HIGH);
    free(px);
    /* SYMMETRIC: [-1, 0.5] on -1..1; 0 is the middle, 0.5 is t = 0.75
     * (viridis anchor 24 of 32: 0.362859, 0.786695, 0.386589) */
    double s[4] = {-1.0, 0.0, 0.5, 0.25};
    ck_assert_int_eq(gridform_image_write_maps(p, s, 1, 4, 1, 1, GRIDFORM_IMAGE_SYMMETRIC, 1), GRIDFORM_OK);
    px = read_ppm(p, &w, &h);
    assert_px(px, w, 0, 0, LOW);
    assert_px(px, w, 1, 0, MID);
    assert_px(px, w, 2, 0, 93, 201, 99);
    free(px);
    /* all zeros, symmetric: the middle colour; infinities take the ends */
    double z[4] = {0, 0, INFINITY, -INFINITY};
    ck_assert_int_eq(gridform_image_write_maps(p, z, 1, 4, 1, 1, GRIDFORM_IMAGE_SYMMETRIC, 1), GRIDFORM_OK);
    px = read_ppm(p, &w, &h);
    assert_px(px, w, 0, 0, MID);
    assert_px(px, w, 2, 0, HIGH);
    assert_px(px, w, 3, 0, LOW);
    free(px);
    /* extreme finite values do not overflow the scale */
    double e[3] = {-1.7e308, 1.7e308, 0.0};
    ck_assert_int_eq(gridform_image_write_maps(p, e, 1, 3, 1, 1, GRIDFORM_IMAGE_PER_MAP, 1), GRIDFORM_OK);
    px = read_ppm(p, &w, &h);
    assert_px(px, w, 0, 0, LOW);
    assert_px(px, w, 1, 0, HIGH);
    assert_px(px, w, 2, 0, MID);
    free(px);
    /* all NaN: grey everywhere */
    double nn[2] = {NAN, NAN};
    ck_assert_int_eq(gridform_image_write_maps(p, nn, 1, 2, 1, 1, GRIDFORM_IMAGE_SHARED, 1), GRIDFORM_OK);
    px = read_ppm(p, &w, &h);
    assert_px(px, w, 0, 0, GREY);
    assert_px(px, w, 1, 0, GREY);
    free(px);
}
END_TEST

START_TEST(test_image_png)
{
    double g[3 * 6];
    for (int i = 0; i < 18; i++)
        g[i] = sin(0.7 * i);
    g[5] = NAN;
    const char *p = in_dir("m.png");
#ifdef HAVE_PNG
    ck_assert_int_eq(gridform_image_write_maps(p, g, 3, 3, 2, 2, GRIDFORM_IMAGE_PER_MAP, 3), GRIDFORM_OK);
    size_t n;
    unsigned char *b = slurp(p, &n);
    ck_assert_uint_ge(n, 33);
    ck_assert(memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0);
    ck_assert(memcmp(b + 12, "IHDR", 4) == 0);
    uint32_t w = (uint32_t)b[16] << 24 | (uint32_t)b[17] << 16 | (uint32_t)b[18] << 8 | b[19];
    uint32_t h = (uint32_t)b[20] << 24 | (uint32_t)b[21] << 16 | (uint32_t)b[22] << 8 | b[23];
    ck_assert_uint_eq(w, 21);   /* (2*3 + 1) * 3 */
    ck_assert_uint_eq(h, 15);   /* (2*2 + 1) * 3 */
    ck_assert_int_eq(b[24], 8);   /* bit depth */
    ck_assert_int_eq(b[25], 2);   /* colour type RGB */
    free(b);
    /* decoded, the PNG has exactly the pixels of the PPM */
    const char *q = in_dir("m.ppm");
    ck_assert_int_eq(gridform_image_write_maps(q, g, 3, 3, 2, 2, GRIDFORM_IMAGE_PER_MAP, 3), GRIDFORM_OK);
    size_t pw, ph;
    unsigned char *ppm = read_ppm(q, &pw, &ph);
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    ck_assert(png_image_begin_read_from_file(&img, p));
    img.format = PNG_FORMAT_RGB;
    unsigned char *dec = malloc(PNG_IMAGE_SIZE(img));
    ck_assert_ptr_nonnull(dec);
    ck_assert(png_image_finish_read(&img, NULL, dec, 0, NULL));
    ck_assert_uint_eq(img.width, pw);
    ck_assert_uint_eq(img.height, ph);
    ck_assert(memcmp(dec, ppm, 3 * pw * ph) == 0);
    free(dec);
    free(ppm);
    ck_assert_int_eq(gridform_image_write_maps(in_dir("UP.PNG"), g, 1, 3, 2, 1, GRIDFORM_IMAGE_SHARED, 1),
                     GRIDFORM_OK);
    ck_assert_int_eq(dir_entries(), 3);
#else
    ck_assert_int_eq(gridform_image_write_maps(p, g, 3, 3, 2, 2, GRIDFORM_IMAGE_PER_MAP, 3), GRIDFORM_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "libpng"));
    ck_assert_int_eq(dir_entries(), 0);
#endif
}
END_TEST

START_TEST(test_image_errors)
{
    double g[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    const char *p = in_dir("e.ppm");
    ck_assert_int_eq(gridform_image_write_maps(NULL, g, 1, 4, 2, 1, GRIDFORM_IMAGE_PER_MAP, 1), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "path"));
    ck_assert_int_eq(gridform_image_write_maps(p, NULL, 1, 4, 2, 1, GRIDFORM_IMAGE_PER_MAP, 1), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "maps"));
    ck_assert_int_eq(gridform_image_write_maps(p, g, 0, 4, 2, 1, GRIDFORM_IMAGE_PER_MAP, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_image_write_maps(p, g, 1, 0, 2, 1, GRIDFORM_IMAGE_PER_MAP, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_image_write_maps(p, g, 1, 4, 0, 1, GRIDFORM_IMAGE_PER_MAP, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_image_write_maps(p, g, 1, 4, 2, 0, GRIDFORM_IMAGE_PER_MAP, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_image_write_maps(p, g, 1, 4, 2, 1, GRIDFORM_IMAGE_PER_MAP, 0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_image_write_maps(p, g, 1, 4, 2, 1, 0, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_image_write_maps(p, g, 1, 4, 2, 1, 4, 1), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "scaling"));
    static const char *bad_ext[] = {"x.jpg", "x", "x.png.bak", "x.pngx", "x.pp", "d.png/x", "x."};
    for (size_t i = 0; i < sizeof bad_ext / sizeof bad_ext[0]; i++) {
        ck_assert_int_eq(gridform_image_write_maps(in_dir(bad_ext[i]), g, 1, 4, 2, 1, GRIDFORM_IMAGE_PER_MAP, 1),
                         GRIDFORM_EINVAL);
        ck_assert_ptr_nonnull(strstr(gridform_last_error(), ".ppm"));
    }
    /* sizes: the map array, the picture, the per-side limit */
    ck_assert_int_eq(gridform_image_write_maps(p, g, 2, SIZE_MAX / 2, 2, 1, GRIDFORM_IMAGE_PER_MAP, 1),
                     GRIDFORM_ERANGE);
    ck_assert_int_eq(gridform_image_write_maps(p, g, 1, SIZE_MAX, 1, 1, GRIDFORM_IMAGE_PER_MAP, 1), GRIDFORM_ERANGE);
    ck_assert_int_eq(gridform_image_write_maps(p, g, 1, 4, 2, 1, GRIDFORM_IMAGE_PER_MAP, SIZE_MAX / 2),
                     GRIDFORM_ERANGE);
    ck_assert_int_eq(gridform_image_write_maps(p, g, 1, 4, 2, 1, GRIDFORM_IMAGE_PER_MAP, (size_t)1 << 29),
                     GRIDFORM_ERANGE);
    ck_assert_int_gt((int)strlen(gridform_last_error()), 0);
    ck_assert_int_eq(dir_entries(), 0);

    /* I/O: missing directory, a full disk (through a link with the right
     * extension), a directory in the way */
    char missing[512];
    snprintf(missing, sizeof missing, "%s/no/such/m.ppm", dir);
    ck_assert_int_eq(gridform_image_write_maps(missing, g, 1, 4, 2, 1, GRIDFORM_IMAGE_PER_MAP, 1), GRIDFORM_EIO);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), missing));
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), strerror(ENOENT)));
    ck_assert_int_eq(symlink("/dev/full", in_dir("full.ppm")), 0);
    ck_assert_int_eq(gridform_image_write_maps(in_dir("full.ppm"), g, 1, 4, 2, 1, GRIDFORM_IMAGE_PER_MAP, 1),
                     GRIDFORM_EIO);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), strerror(ENOSPC)));
#ifdef HAVE_PNG
    ck_assert_int_eq(symlink("/dev/full", in_dir("full.png")), 0);
    ck_assert_int_eq(gridform_image_write_maps(in_dir("full.png"), g, 1, 4, 2, 1, GRIDFORM_IMAGE_PER_MAP, 1),
                     GRIDFORM_EIO);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), strerror(ENOSPC)));
    ck_assert_int_eq(gridform_image_write_maps(missing, g, 1, 4, 2, 1, GRIDFORM_IMAGE_PER_MAP, 1), GRIDFORM_EIO);
#endif
    ck_assert_int_eq(mkdir(in_dir("d.ppm"), 0700), 0);
    ck_assert_int_eq(gridform_image_write_maps(in_dir("d.ppm"), g, 1, 4, 2, 1, GRIDFORM_IMAGE_PER_MAP, 1),
                     GRIDFORM_EIO);
    rmdir(in_dir("d.ppm"));
    /* the links only: no temporaries */
#ifdef HAVE_PNG
    ck_assert_int_eq(dir_entries(), 2);
#else
    ck_assert_int_eq(dir_entries(), 1);
#endif
    /* allocation failures */
    for (size_t k = 1; k <= 2; k++) {
        gridform_debug_fail_allocation(k);
        ck_assert_int_eq(gridform_image_write_maps(p, g, 1, 4, 2, 1, GRIDFORM_IMAGE_PER_MAP, 1), GRIDFORM_ENOMEM);
    }
    gridform_debug_fail_allocation(0);
}
END_TEST

/* An image write that fails half-way keeps the old file (see
 * test_write_interrupted). */
START_TEST(test_image_interrupted)
{
#ifdef HAVE_PNG
    static const char *names[] = {"keep.ppm", "keep.png"};
#else
    static const char *names[] = {"keep.ppm"};
#endif
    for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
        const char *p = in_dir(names[f]);
        double small[4] = {1, 2, 3, 4};
        ck_assert_int_eq(gridform_image_write_maps(p, small, 1, 2, 2, 1, GRIDFORM_IMAGE_PER_MAP, 1), GRIDFORM_OK);
        size_t n0;
        unsigned char *before = slurp(p, &n0);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            free(before);
            signal(SIGXFSZ, SIG_IGN);
            struct rlimit rl = {4096, 4096};
            if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
                _exit(2);
            /* noise compresses badly, so the PNG is large too */
            static double big[64 * 64];
            uint64_t x = 88172645463325252u;
            for (size_t i = 0; i < 64 * 64; i++) {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                big[i] = (double)(x >> 11);
            }
            int rc = gridform_image_write_maps(p, big, 1, 64, 64, 1, GRIDFORM_IMAGE_PER_MAP, 4);
            _exit(rc == GRIDFORM_EIO ? 0 : 1);
        }
        int status;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert(WIFEXITED(status));
        ck_assert_int_eq(WEXITSTATUS(status), 0);
        size_t n1;
        unsigned char *after = slurp(p, &n1);
        ck_assert_uint_eq(n0, n1);
        ck_assert(memcmp(before, after, n0) == 0);
        free(before);
        free(after);
        ck_assert_int_eq(dir_entries(), (int)f + 1);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("io");
    TCase *tc = tcase_create("npy");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_read_numpy_f8_le);
    tcase_add_test(tc, test_read_numpy_f4_le);
    tcase_add_test(tc, test_read_numpy_f8_be);
    tcase_add_test(tc, test_read_numpy_fortran);
    tcase_add_test(tc, test_read_numpy_3d_versions);
    tcase_add_test(tc, test_two_call_protocol);
    tcase_add_test(tc, test_write_matches_numpy);
    tcase_add_test(tc, test_roundtrip);
    tcase_add_test(tc, test_write_errors);
    tcase_add_test(tc, test_write_interrupted);
    tcase_add_test(tc, test_write_alloc_failure);
    tcase_add_test(tc, test_concurrent_writes);
    tcase_add_test(tc, test_header_grammar);
    tcase_add_test(tc, test_hostile_sizes);
    tcase_add_test(tc, test_truncated_everywhere);
    tcase_add_test(tc, test_read_errors);
    suite_add_tcase(s, tc);
    TCase *ti = tcase_create("image");
    tcase_set_timeout(ti, 60);
    tcase_add_checked_fixture(ti, setup, teardown);
    tcase_add_test(ti, test_image_layout);
    tcase_add_test(ti, test_image_scaling);
    tcase_add_test(ti, test_image_png);
    tcase_add_test(ti, test_image_errors);
    tcase_add_test(ti, test_image_interrupted);
    suite_add_tcase(s, ti);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
