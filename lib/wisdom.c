/* libgridform: FFTW wisdom in and out of files, under the planner lock.
 *
 * Wisdom is FFTW's record of which algorithm was fastest for each transform
 * planned with FFTW_MEASURE or FFTW_PATIENT ("Words of Wisdom" in the FFTW
 * 3 manual, section 3.3; the functions used here are in its section 4.7).
 * It is global planner state, so every access goes through the same lock as
 * planning (lib/fftw_lock.c): a user calling FFTW's own wisdom functions
 * while a handle plans in another thread would race with it.  The lock also
 * guarantees fftw_init_threads has run, so the configuration signature FFTW
 * writes into (and checks on) the wisdom is always the same in one build. */
#define _POSIX_C_SOURCE 200809L
#define _FILE_OFFSET_BITS 64
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <fftw3.h>
#include "internal.h"
#include "outfile.h"

/* Real wisdom is about 100 bytes per planned transform (a few KiB for a
 * program's worth of sizes); a file this large is not wisdom, and refusing
 * it bounds the allocation a hostile file can cause. */
#define GF_WISDOM_MAX_BYTES ((size_t)64 << 20)

static int gf_line_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* FFTW writes one header line, one line per entry in the order of its hash
 * table, and a closing ")".  That order depends on the history of the table
 * (the order plans were made or imported, how often it grew), so the same
 * wisdom can come out in different orders.  Each entry is read back
 * independently, and FFTW's own order is already an arbitrary permutation of
 * the planning order, so the entries are written sorted: the same wisdom
 * always gives the same bytes, and a file round-trips exactly.  text is
 * modified (line ends become NULs). */
static int gf_wisdom_write_sorted(gridform__outfile *o, char *text, const char *func)
{
    size_t len = strlen(text);
    char *body = strchr(text, '\n');
    /* Anything but the expected shape is written as FFTW made it. */
    if (body == NULL || len < 3 || strcmp(text + len - 2, ")\n") != 0 || body + 1 > text + len - 2)
        return gridform__outfile_write(o, text, len);
    body++;
    char *trailer = text + len - 2;
    size_t nlines = 0;
    for (char *p = body; p < trailer; p++)
        nlines += *p == '\n';
    if (nlines == 0 || trailer[-1] != '\n')
        return gridform__outfile_write(o, text, len);
    char **lines = gridform__malloc_array(nlines, sizeof *lines);
    if (lines == NULL)
        return gridform__fail(NULL, GRIDFORM_ENOMEM, func, "cannot allocate the index of %zu wisdom entries", nlines);
    size_t k = 0;
    for (char *p = body; p < trailer;) {
        char *nl = strchr(p, '\n');
        *nl = '\0';
        lines[k++] = p;
        p = nl + 1;
    }
    qsort(lines, nlines, sizeof *lines, gf_line_cmp);
    int rc = gridform__outfile_write(o, text, (size_t)(body - text));
    for (k = 0; rc == GRIDFORM_OK && k < nlines; k++) {
        rc = gridform__outfile_write(o, lines[k], strlen(lines[k]));
        if (rc == GRIDFORM_OK)
            rc = gridform__outfile_write(o, "\n", 1);
    }
    if (rc == GRIDFORM_OK)
        rc = gridform__outfile_write(o, trailer, 2);
    gridform__free(lines);
    return rc;
}

int gridform_wisdom_export(const char *path)
{
    gridform__errbuf *eb = NULL;
    GF_CHECK_PTR(eb, path);
    if (path[0] == '\0')
        return GF_FAIL(eb, GRIDFORM_EINVAL, "path must not be empty");

    gridform__fftw_lock(1);
    char *text = fftw_export_wisdom_to_string();
    gridform__fftw_unlock();
    if (text == NULL)
        return GF_FAIL(eb, GRIDFORM_ENOMEM, "FFTW could not allocate the wisdom text for '%s'", path);

    /* The file is written outside the lock: a slow disk must not hold up
     * planning in other threads. */
    gridform__outfile o;
    int rc = gridform__outfile_open(&o, path, __func__);
    if (rc == GRIDFORM_OK) {
        rc = gf_wisdom_write_sorted(&o, text, __func__);
        if (rc == GRIDFORM_OK)
            rc = gridform__outfile_commit(&o);
        else
            gridform__outfile_abort(&o);
    }
    fftw_free(text);
    return rc;
}

/* Reads the whole regular file at path into a NUL-terminated buffer from
 * gridform__malloc. */
static int gf_wisdom_slurp(const char *path, char **out, const char *func)
{
    *out = NULL;
    char errtext[128];
    /* O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused
     * below); regular files ignore the flag. */
    int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return gridform__fail(NULL, GRIDFORM_EIO, func, "cannot open '%s': %s", path,
                              gridform__strerror(errno, errtext, sizeof errtext));
    int rc = GRIDFORM_OK;
    char *text = NULL;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        rc = gridform__fail(NULL, GRIDFORM_EIO, func, "cannot stat '%s': %s", path,
                            gridform__strerror(errno, errtext, sizeof errtext));
        goto done;
    }
    /* The size bounds the allocation, so it must be known: no pipes or
     * devices, as for .npy files. */
    if (!S_ISREG(st.st_mode) || st.st_size < 0) {
        rc = gridform__fail(NULL, GRIDFORM_EIO, func, "'%s' is not a regular file", path);
        goto done;
    }
    if ((uintmax_t)st.st_size > GF_WISDOM_MAX_BYTES) {
        rc = gridform__fail(NULL, GRIDFORM_EFORMAT, func,
                            "'%s' is not FFTW wisdom: %ju bytes, more than the %zu MiB limit", path,
                            (uintmax_t)st.st_size, GF_WISDOM_MAX_BYTES >> 20);
        goto done;
    }
    size_t size = (size_t)st.st_size;
    text = gridform__malloc(size + 1);
    if (text == NULL) {
        rc = gridform__fail(NULL, GRIDFORM_ENOMEM, func, "cannot allocate %zu bytes for '%s'", size + 1, path);
        goto done;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, text + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = gridform__fail(NULL, GRIDFORM_EIO, func, "cannot read '%s': %s", path,
                                gridform__strerror(errno, errtext, sizeof errtext));
            goto done;
        }
        if (r == 0)
            break;   /* shrank since fstat: parse what is there */
        got += (size_t)r;
    }
    text[got] = '\0';
    /* FFTW would stop at a NUL and might accept the prefix: the file as a
     * whole is not text wisdom. */
    if (memchr(text, '\0', got) != NULL) {
        rc = gridform__fail(NULL, GRIDFORM_EFORMAT, func, "'%s' is not FFTW wisdom: it contains a NUL byte at %zu",
                            path, (size_t)((char *)memchr(text, '\0', got) - text));
        goto done;
    }
done:
    close(fd);
    if (rc != GRIDFORM_OK)
        gridform__free(text);
    else
        *out = text;
    return rc;
}

int gridform_wisdom_import(const char *path)
{
    gridform__errbuf *eb = NULL;
    GF_CHECK_PTR(eb, path);
    char *text = NULL;
    int rc = gf_wisdom_slurp(path, &text, __func__);
    if (rc != GRIDFORM_OK)
        return rc;
    /* FFTW parses into a copy of its table and keeps the old one if
     * anything is wrong, so a rejected file changes nothing. */
    gridform__fftw_lock(1);
    int ok = fftw_import_wisdom_from_string(text);
    gridform__fftw_unlock();
    gridform__free(text);
    if (!ok)
        return GF_FAIL(eb, GRIDFORM_EFORMAT,
                       "'%s': FFTW (%s) rejected the wisdom: not wisdom text, malformed, "
                       "or written by another FFTW version, precision or configuration",
                       path, fftw_version);
    return GRIDFORM_OK;
}

int gridform_wisdom_forget(void)
{
    gridform__fftw_lock(1);
    fftw_forget_wisdom();
    gridform__fftw_unlock();
    return GRIDFORM_OK;
}
