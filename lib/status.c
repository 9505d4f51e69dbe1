/* libgridform: status codes, error detail, version. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <math.h>
#include "internal.h"

/* The calling thread's detail of its last failure (gridform_last_error). */
static _Thread_local char gridform_thread_error[GRIDFORM_ERRMSG_MAX];

const char *gridform_strerror(int status)
{
    switch (status) {
    case GRIDFORM_OK: return "success";
    case GRIDFORM_EINVAL: return "invalid argument";
    case GRIDFORM_ENOMEM: return "out of memory";
    case GRIDFORM_ERANGE: return "size or value out of range";
    case GRIDFORM_EDIVERGED: return "iteration diverged";
    case GRIDFORM_EUNDEFINED: return "result undefined for this input";
    case GRIDFORM_EIO: return "input/output error";
    case GRIDFORM_EFORMAT: return "malformed or unsupported file format";
    case GRIDFORM_EUNSUPPORTED: return "not supported for this combination or by this build";
    case GRIDFORM_ECANCELED: return "canceled by the progress callback";
    case GRIDFORM_CONTINUE: return "not converged yet (more steps needed)";
    case GRIDFORM_EACCURACY: return "the step control could not meet the error tolerance";
    default: return "unknown gridform status";
    }
}

const char *gridform_last_error(void)
{
    return gridform_thread_error;
}

const char *gridform_version_string(void)
{
    return GRIDFORM_VERSION_STRING;
}

int gridform__vfail(gridform__errbuf *slot, int code, const char *func, const char *fmt, va_list ap)
{
    /* "function: detail", truncated to the slot; truncation is harmless. */
    int n = snprintf(gridform_thread_error, sizeof gridform_thread_error, "%s: ", func);
    if (n >= 0 && (size_t)n < sizeof gridform_thread_error)
        vsnprintf(gridform_thread_error + n, sizeof gridform_thread_error - (size_t)n, fmt, ap);
    if (slot != NULL)
        memcpy(slot->msg, gridform_thread_error, sizeof slot->msg);
    return code;
}

int gridform__fail(gridform__errbuf *slot, int code, const char *func, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = gridform__vfail(slot, code, func, fmt, ap);
    va_end(ap);
    return rc;
}

const char *gridform__errtext(const gridform__errbuf *slot)
{
    return slot != NULL ? slot->msg : "NULL handle (see gridform_last_error())";
}

int gridform__mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return 0;
    *out = a * b;
    return 1;
}

int gridform__mul3_size(size_t a, size_t b, size_t c, size_t *out)
{
    size_t ab;
    return gridform__mul_size(a, b, &ab) && gridform__mul_size(ab, c, out);
}

int gridform__add_size(size_t a, size_t b, size_t *out)
{
    if (b > SIZE_MAX - a)
        return 0;
    *out = a + b;
    return 1;
}

int gridform__finite(double x)
{
    return isfinite(x);
}
