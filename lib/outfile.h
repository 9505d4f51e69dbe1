/* libgridform: private helper for writing output files safely.  Not installed.
 *
 * A regular file (or a path that does not exist yet) is written to a fresh
 * temporary name in the same directory and renamed over the final name only
 * when everything was written, flushed and synced, so an interrupted or
 * failed write never leaves a truncated file under the final name (rename(2)
 * is atomic within a directory).  An existing path that is not a regular file
 * (a character device such as /dev/null or /dev/full, a FIFO) is written in
 * place: renaming over it would replace the device node. */
#ifndef GRIDFORM_OUTFILE_H
#define GRIDFORM_OUTFILE_H

#include <stdio.h>
#include "internal.h"

typedef struct {
    FILE *fp;
    const char *path;   /* the caller's final name (borrowed) */
    char *tmp;          /* temporary name, NULL when writing in place */
    const char *func;   /* public function to name in error messages */
} gridform__outfile;

/* Opens the output; on failure nothing is left on disk and the error
 * (GRIDFORM_EIO or GRIDFORM_ENOMEM) is recorded against func. */
int gridform__outfile_open(gridform__outfile *o, const char *path, const char *func);
/* Writes n bytes; GRIDFORM_EIO names the path and strerror(errno). */
int gridform__outfile_write(gridform__outfile *o, const void *buf, size_t n);
/* Records GRIDFORM_EIO for an error that happened while writing through o->fp
 * directly (errno as left by the failing call). */
int gridform__outfile_fail_errno(gridform__outfile *o, int errnum, const char *what);
/* Flushes, syncs, closes and renames into place.  On failure the temporary
 * is removed.  o is finished either way. */
int gridform__outfile_commit(gridform__outfile *o);
/* Closes and removes the temporary (if any); for use after a failure. */
void gridform__outfile_abort(gridform__outfile *o);

/* strerror that is safe to call from several threads at once. */
const char *gridform__strerror(int errnum, char *buf, size_t len);

#endif
