/* libgridform: writing output files through a temporary name and rename. */
#define _POSIX_C_SOURCE 200809L
/* 64-bit off_t on 32-bit systems too: files over 2 GiB.  No off_t crosses
 * a translation unit, so this cannot split the ABI. */
#define _FILE_OFFSET_BITS 64
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include "outfile.h"

const char *gridform__strerror(int errnum, char *buf, size_t len)
{
    /* The XSI strerror_r fills buf; the GNU one returns a pointer (which may
     * or may not be buf).  Neither touches shared state, unlike strerror. */
#if (_POSIX_C_SOURCE >= 200112L) && !defined(_GNU_SOURCE)
    if (strerror_r(errnum, buf, len) != 0)
        snprintf(buf, len, "error %d", errnum);
    return buf;
#else
    return strerror_r(errnum, buf, len);
#endif
}

int gridform__outfile_fail_errno(gridform__outfile *o, int errnum, const char *what)
{
    char eb[128];
    return gridform__fail(NULL, GRIDFORM_EIO, o->func, "%s '%s': %s", what, o->path,
                          gridform__strerror(errnum, eb, sizeof eb));
}

/* Distinguishes temporaries made by different threads of one process; the
 * pid distinguishes processes, O_EXCL catches everything else. */
static atomic_uint gridform_tmp_counter;

int gridform__outfile_open(gridform__outfile *o, const char *path, const char *func)
{
    o->fp = NULL;
    o->path = path;
    o->tmp = NULL;
    o->func = func;

    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode))
            return gridform__fail(NULL, GRIDFORM_EIO, func, "cannot write '%s': is a directory", path);
        /* A device or FIFO: write in place (O_TRUNC is ignored by devices). */
        int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
            return gridform__outfile_fail_errno(o, errno, "cannot open");
        o->fp = fdopen(fd, "wb");
        if (o->fp == NULL) {
            int e = errno;
            close(fd);
            return gridform__outfile_fail_errno(o, e, "cannot open");
        }
        return GRIDFORM_OK;
    }

    size_t plen = strlen(path), tlen;
    if (!gridform__add_size(plen, 64, &tlen))
        return gridform__fail(NULL, GRIDFORM_ERANGE, func, "path too long");
    o->tmp = gridform__malloc(tlen);
    if (o->tmp == NULL)
        return gridform__fail(NULL, GRIDFORM_ENOMEM, func, "cannot allocate a temporary name for '%s'", path);
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
        unsigned n = atomic_fetch_add(&gridform_tmp_counter, 1u);
        snprintf(o->tmp, tlen, "%s.%ld.%u.tmp", path, (long)getpid(), n);
        /* 0666 filtered by the umask, as fopen(path, "w") would do. */
        fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        int e = errno;
        gridform__free(o->tmp);
        o->tmp = NULL;
        return gridform__outfile_fail_errno(o, e, "cannot create a temporary file beside");
    }
    /* Replacing a file keeps its permission bits (best effort: the owner
     * may differ, and then the new file has the default mode). */
    if (exists)
        (void)fchmod(fd, st.st_mode & 07777);
    o->fp = fdopen(fd, "wb");
    if (o->fp == NULL) {
        int e = errno;
        close(fd);
        gridform__outfile_abort(o);
        return gridform__outfile_fail_errno(o, e, "cannot open");
    }
    return GRIDFORM_OK;
}

int gridform__outfile_write(gridform__outfile *o, const void *buf, size_t n)
{
    if (n == 0)
        return GRIDFORM_OK;
    errno = 0;
    if (fwrite(buf, 1, n, o->fp) != n)
        return gridform__outfile_fail_errno(o, errno != 0 ? errno : EIO, "cannot write");
    return GRIDFORM_OK;
}

void gridform__outfile_abort(gridform__outfile *o)
{
    if (o->fp != NULL)
        fclose(o->fp);
    o->fp = NULL;
    if (o->tmp != NULL) {
        unlink(o->tmp);
        gridform__free(o->tmp);
        o->tmp = NULL;
    }
}

int gridform__outfile_commit(gridform__outfile *o)
{
    int rc = GRIDFORM_OK;
    errno = 0;
    if (fflush(o->fp) != 0)
        rc = gridform__outfile_fail_errno(o, errno != 0 ? errno : EIO, "cannot write");
    /* Sync before the rename so that after a crash the final name holds the
     * old contents or the new, never an empty or partial file.  Devices and
     * FIFOs cannot be synced (EINVAL): nothing to protect there. */
    else if (o->tmp != NULL && fsync(fileno(o->fp)) != 0)
        rc = gridform__outfile_fail_errno(o, errno, "cannot sync");
    FILE *fp = o->fp;
    o->fp = NULL;
    errno = 0;
    if (fclose(fp) != 0 && rc == GRIDFORM_OK)
        rc = gridform__outfile_fail_errno(o, errno != 0 ? errno : EIO, "cannot close");
    if (rc == GRIDFORM_OK && o->tmp != NULL && rename(o->tmp, o->path) != 0)
        rc = gridform__outfile_fail_errno(o, errno, "cannot rename the temporary file to");
    if (rc != GRIDFORM_OK)
        gridform__outfile_abort(o);
    else if (o->tmp != NULL) {
        gridform__free(o->tmp);
        o->tmp = NULL;
    }
    return rc;
}
