/* libFuzzer target for the .npy reader (issue 7).
 *
 *   clang -fsanitize=fuzzer,address,undefined fuzz_npy.c libgridform.a ...
 *   ./fuzz_npy -max_total_time=60 -malloc_limit_mb=1024 corpus_npy/
 *
 * gridform_npy_read takes a path, so each input is written to one private
 * file (created once per process in $TMPDIR, rewritten per input).  The
 * reader must never crash, over-read, write past the caller's buffer, or
 * allocate from a shape the header claims before checking the file's size
 * (-malloc_limit_mb turns such an allocation into a reported crash).
 * Properties checked beyond "no sanitizer report":
 *   - every status is OK or one of EFORMAT, EIO, ERANGE, ENOMEM, EINVAL;
 *   - a failure leaves a non-empty gridform_last_error();
 *   - the shape query and the read agree, the data are written only inside
 *     the buffer (guard values around it stay intact), and a buffer one
 *     element too small is refused. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "gridform.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[4096];

static void cleanup(void)
{
    if (path[0] != '\0')
        unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = getenv("TMPDIR");
    if (dir == NULL || dir[0] == '\0')
        dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(path, sizeof path, "%s/gridform_fuzz_npy.XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        abort();
    }
    close(fd);
    atexit(cleanup);
    return 0;
}

static void check_status(int rc)
{
    if (rc == GRIDFORM_OK)
        return;
    if (rc != GRIDFORM_EFORMAT && rc != GRIDFORM_EIO && rc != GRIDFORM_ERANGE && rc != GRIDFORM_ENOMEM
        && rc != GRIDFORM_EINVAL) {
        fprintf(stderr, "unexpected status %d (%s): %s\n", rc, gridform_strerror(rc), gridform_last_error());
        abort();
    }
    if (gridform_last_error()[0] == '\0') {
        fprintf(stderr, "status %d with an empty last_error\n", rc);
        abort();
    }
}

#define GUARD 4
#define GUARD_VALUE (-12345.6789)
#define MAX_ELEMS ((size_t)1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        abort();
    if (size > 0 && fwrite(data, 1, size, f) != size)
        abort();
    if (fclose(f) != 0)
        abort();

    size_t ndim = 99, shape[GRIDFORM_NPY_MAX_DIMS];
    for (size_t i = 0; i < GRIDFORM_NPY_MAX_DIMS; i++)
        shape[i] = 77;
    int rc = gridform_npy_read(path, NULL, 0, &ndim, shape);
    check_status(rc);
    if (rc != GRIDFORM_OK)
        return 0;
    if (ndim > GRIDFORM_NPY_MAX_DIMS) {
        fprintf(stderr, "ndim %zu > GRIDFORM_NPY_MAX_DIMS\n", ndim);
        abort();
    }
    size_t n = 1;
    for (size_t i = 0; i < ndim; i++) {
        if (shape[i] != 0 && n > SIZE_MAX / shape[i])
            abort(); /* the reader accepted a shape whose product overflows */
        n *= shape[i];
    }
    /* the file holds at least n elements of at least 4 bytes each */
    if (n > size / 4 + 1) {
        fprintf(stderr, "shape claims %zu elements in a %zu-byte file\n", n, size);
        abort();
    }
    if (n > MAX_ELEMS)
        return 0;

    double *buf = malloc((n + 2 * GUARD) * sizeof *buf);
    if (buf == NULL)
        return 0;
    for (size_t i = 0; i < n + 2 * GUARD; i++)
        buf[i] = GUARD_VALUE;
    size_t ndim2 = 0, shape2[GRIDFORM_NPY_MAX_DIMS];
    rc = gridform_npy_read(path, buf + GUARD, n, &ndim2, shape2);
    check_status(rc);
    if (rc == GRIDFORM_OK) {
        if (ndim2 != ndim || memcmp(shape, shape2, ndim * sizeof shape[0]) != 0) {
            fprintf(stderr, "shape query and read disagree\n");
            abort();
        }
    }
    for (size_t i = 0; i < GUARD; i++)
        if (buf[i] != GUARD_VALUE || buf[GUARD + n + i] != GUARD_VALUE) {
            fprintf(stderr, "write outside the caller's buffer\n");
            abort();
        }
    if (n > 0) {
        /* one element short must be refused, untouched beyond capacity */
        for (size_t i = 0; i < n + 2 * GUARD; i++)
            buf[i] = GUARD_VALUE;
        rc = gridform_npy_read(path, buf + GUARD, n - 1, &ndim2, shape2);
        if (rc == GRIDFORM_OK) {
            fprintf(stderr, "a buffer of %zu for %zu elements was accepted\n", n - 1, n);
            abort();
        }
        check_status(rc);
        for (size_t i = 0; i < GUARD; i++)
            if (buf[i] != GUARD_VALUE || buf[GUARD + n - 1 + i] != GUARD_VALUE) {
                fprintf(stderr, "write outside a too-small buffer\n");
                abort();
            }
    }
    free(buf);
    return 0;
}
