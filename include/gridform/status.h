/* libgridform: status codes, error text, version, progress callbacks. */
#ifndef GRIDFORM_STATUS_H
#define GRIDFORM_STATUS_H

#include <stddef.h>
#include "gridform/export.h"
#include "gridform/version.h"

GRIDFORM_BEGIN_DECLS

/* Status codes.  The values are frozen: they are part of the ABI and may be
 * compared against literals by bindings.  New codes get new numbers. */
enum {
    GRIDFORM_OK = 0,            /* success */
    GRIDFORM_EINVAL = 1,        /* an argument is invalid (NULL, NaN, out of range) */
    GRIDFORM_ENOMEM = 2,        /* memory (or an FFTW plan) could not be allocated */
    GRIDFORM_ERANGE = 3,        /* a size overflows, or a value is outside what can be represented */
    GRIDFORM_EDIVERGED = 4,     /* an iteration produced NaN/Inf or ran away */
    GRIDFORM_EUNDEFINED = 5,    /* the quantity is mathematically undefined for this input */
    GRIDFORM_EIO = 6,           /* a file could not be opened, read or written */
    GRIDFORM_EFORMAT = 7,       /* a file is malformed or of an unsupported layout */
    GRIDFORM_EUNSUPPORTED = 8,  /* each argument is valid, but not this combination, or not in this build */
    GRIDFORM_ECANCELED = 9,     /* a progress callback asked to stop */
    GRIDFORM_CONTINUE = 10,     /* not an error: an iteration stopped before converging */
    GRIDFORM_EACCURACY = 11     /* an error-controlled step could not meet its tolerance (state kept) */
};

/* A short, static, human-readable description of a status code.  Never NULL;
 * unknown codes give "unknown gridform status". */
GRIDFORM_API const char *gridform_strerror(int status);

/* Detail of the most recent failure of any libgridform call made by the
 * calling thread ("" if none).  Handles also keep their own detail, see
 * gridform_<object>_last_error(). */
GRIDFORM_API const char *gridform_last_error(void);

/* The run-time version of the library, e.g. "0.1.0". */
GRIDFORM_API const char *gridform_version_string(void);

/* Long-running calls report progress through this callback: done steps of
 * total, and a current value (an objective or a residual, documented per
 * call).  A nonzero return cancels the call with GRIDFORM_ECANCELED. */
typedef int (*gridform_progress_fn)(size_t done, size_t total, double value, void *user);

/* Test hook for allocation-failure testing: make the nth allocation from now
 * made by libgridform in the calling thread fail (n = 1 is the next one);
 * n = 0 disables.  Returns GRIDFORM_OK. */
GRIDFORM_API int gridform_debug_fail_allocation(size_t n);

/* Number of allocations libgridform has made in the calling thread. */
GRIDFORM_API size_t gridform_debug_allocation_count(void);

GRIDFORM_END_DECLS

#endif
