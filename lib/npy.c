/* libgridform: the NumPy .npy reader and writer.
 *
 * Format: NumPy Enhancement Proposal 1 and numpy/lib/format.py ("A Simple
 * File Format for NumPy Arrays"): the magic "\x93NUMPY", a major and minor
 * version byte, the header length (2 bytes little-endian in version 1.0,
 * 4 bytes in 2.0 and 3.0), then the header: the repr of a Python dict with
 * exactly the keys 'descr', 'fortran_order' and 'shape', padded with spaces
 * and ended by '\n'; then the raw data.
 *
 * The reader treats the file as hostile.  It parses the header with a strict
 * grammar (no eval), checks every size for overflow and checks the data size
 * the header declares against the file's actual size before reading any
 * data; it never allocates from a length it has not checked (the header
 * buffer is bounded by the file size and GF_NPY_MAX_HEADER) and converts the
 * data through a fixed stack buffer straight into the caller's array. */
#define _POSIX_C_SOURCE 200809L
/* 64-bit off_t on 32-bit systems too: files over 2 GiB.  No off_t crosses
 * a translation unit, so this cannot split the ABI. */
#define _FILE_OFFSET_BITS 64
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include "internal.h"
#include "outfile.h"

/* NumPy itself refuses headers over 10000 bytes by default (max_header_size);
 * no header of a supported array comes near this. */
#define GF_NPY_MAX_HEADER ((size_t)1 << 20)
/* Conversion chunk: a multiple of 8 and 4. */
#define GF_NPY_CHUNK 8192

static const unsigned char gf_npy_magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

/* ---- header parsing ------------------------------------------------------ */

typedef struct {
    const unsigned char *p, *end;
    const char *why;          /* first problem found, for the error message */
    size_t itemsize;          /* 4 or 8 */
    int big;                  /* big-endian data */
    int fortran;
    size_t ndim;
    size_t dims[GRIDFORM_NPY_MAX_DIMS];
} gf_npy_header;

static int gf_bad(gf_npy_header *h, const char *why)
{
    if (h->why == NULL)
        h->why = why;
    return 0;
}

static void gf_skip_ws(gf_npy_header *h)
{
    while (h->p < h->end && (*h->p == ' ' || *h->p == '\t' || *h->p == '\n' || *h->p == '\r'))
        h->p++;
}

static int gf_expect(gf_npy_header *h, unsigned char c, const char *why)
{
    gf_skip_ws(h);
    if (h->p >= h->end || *h->p != c)
        return gf_bad(h, why);
    h->p++;
    return 1;
}

/* A Python string literal without escapes, in single or double quotes. */
static int gf_string(gf_npy_header *h, char *out, size_t cap)
{
    gf_skip_ws(h);
    if (h->p >= h->end || (*h->p != '\'' && *h->p != '"'))
        return gf_bad(h, "expected a quoted string");
    unsigned char q = *h->p++;
    size_t n = 0;
    while (h->p < h->end && *h->p != q) {
        unsigned char c = *h->p;
        if (c < 0x20 || c > 0x7e || c == '\\')
            return gf_bad(h, "unsupported character in a string");
        if (n + 1 >= cap)
            return gf_bad(h, "string too long");
        out[n++] = (char)c;
        h->p++;
    }
    if (h->p >= h->end)
        return gf_bad(h, "unterminated string");
    h->p++;
    out[n] = '\0';
    return 1;
}

static int gf_word(gf_npy_header *h, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(h->end - h->p) < n || memcmp(h->p, w, n) != 0)
        return 0;
    const unsigned char *after = h->p + n;
    if (after < h->end && (*after == '_' || (*after >= '0' && *after <= '9') ||
                           ((*after | 0x20) >= 'a' && (*after | 0x20) <= 'z')))
        return 0;
    h->p = after;
    return 1;
}

static int gf_descr(gf_npy_header *h)
{
    char s[32];
    if (!gf_string(h, s, sizeof s))
        return gf_bad(h, "'descr' must be a dtype string (structured dtypes are not supported)");
    /* Only what NumPy writes for float64/float32: it always spells the byte
     * order '<' or '>' for multi-byte types, never '=' or '|'. */
    if (strcmp(s, "<f8") == 0) { h->itemsize = 8; h->big = 0; }
    else if (strcmp(s, ">f8") == 0) { h->itemsize = 8; h->big = 1; }
    else if (strcmp(s, "<f4") == 0) { h->itemsize = 4; h->big = 0; }
    else if (strcmp(s, ">f4") == 0) { h->itemsize = 4; h->big = 1; }
    else
        return gf_bad(h, "unsupported dtype (only '<f8', '>f8', '<f4', '>f4')");
    return 1;
}

static int gf_fortran(gf_npy_header *h)
{
    gf_skip_ws(h);
    if (gf_word(h, "True"))
        h->fortran = 1;
    else if (gf_word(h, "False"))
        h->fortran = 0;
    else
        return gf_bad(h, "'fortran_order' must be True or False");
    return 1;
}

/* A nonnegative decimal integer (Python 2 writers appended 'L'). */
static int gf_int(gf_npy_header *h, size_t *out)
{
    gf_skip_ws(h);
    if (h->p >= h->end || *h->p < '0' || *h->p > '9')
        return gf_bad(h, "expected a nonnegative integer in 'shape'");
    if (*h->p == '0' && h->p + 1 < h->end && h->p[1] >= '0' && h->p[1] <= '9')
        return gf_bad(h, "leading zero in a 'shape' integer");
    size_t v = 0;
    while (h->p < h->end && *h->p >= '0' && *h->p <= '9') {
        size_t d = (size_t)(*h->p - '0');
        if (v > (SIZE_MAX - d) / 10)
            return gf_bad(h, "'shape' dimension overflows size_t");
        v = v * 10 + d;
        h->p++;
    }
    if (h->p < h->end && *h->p == 'L')
        h->p++;
    *out = v;
    return 1;
}

/* A Python tuple of integers: (), (n,), (n, m), (n, m,) ... */
static int gf_shape(gf_npy_header *h)
{
    if (!gf_expect(h, '(', "'shape' must be a tuple"))
        return 0;
    h->ndim = 0;
    gf_skip_ws(h);
    if (h->p < h->end && *h->p == ')') {
        h->p++;
        return 1;
    }
    int trailing_comma = 0;
    for (;;) {
        size_t v;
        if (h->ndim == GRIDFORM_NPY_MAX_DIMS)
            return gf_bad(h, "more dimensions than GRIDFORM_NPY_MAX_DIMS");
        if (!gf_int(h, &v))
            return 0;
        h->dims[h->ndim++] = v;
        gf_skip_ws(h);
        if (h->p >= h->end)
            return gf_bad(h, "unterminated 'shape' tuple");
        if (*h->p == ')') {
            trailing_comma = 0;
            break;
        }
        if (*h->p != ',')
            return gf_bad(h, "expected ',' or ')' in 'shape'");
        h->p++;
        trailing_comma = 1;
        gf_skip_ws(h);
        if (h->p < h->end && *h->p == ')')
            break;
    }
    h->p++;
    /* (n) is an int in Python, not a tuple. */
    if (h->ndim == 1 && !trailing_comma)
        return gf_bad(h, "'shape' (n) is not a tuple; NumPy writes (n,)");
    return 1;
}

static int gf_parse_header(gf_npy_header *h)
{
    int seen_descr = 0, seen_fortran = 0, seen_shape = 0;
    if (!gf_expect(h, '{', "header is not a dict"))
        return 0;
    for (;;) {
        gf_skip_ws(h);
        if (h->p < h->end && *h->p == '}')
            break;
        char key[16];
        if (!gf_string(h, key, sizeof key))
            return gf_bad(h, "expected a key or '}'");
        if (!gf_expect(h, ':', "expected ':' after a key"))
            return 0;
        int *seen;
        int ok;
        if (strcmp(key, "descr") == 0) { seen = &seen_descr; ok = gf_descr(h); }
        else if (strcmp(key, "fortran_order") == 0) { seen = &seen_fortran; ok = gf_fortran(h); }
        else if (strcmp(key, "shape") == 0) { seen = &seen_shape; ok = gf_shape(h); }
        else
            return gf_bad(h, "unknown key (only 'descr', 'fortran_order', 'shape')");
        if (!ok)
            return 0;
        if (*seen)
            return gf_bad(h, "duplicate key");
        *seen = 1;
        gf_skip_ws(h);
        if (h->p < h->end && *h->p == ',') {
            h->p++;
            continue;
        }
        gf_skip_ws(h);
        if (h->p < h->end && *h->p == '}')
            break;
        return gf_bad(h, "expected ',' or '}' in the dict");
    }
    h->p++;   /* '}' */
    if (!seen_descr || !seen_fortran || !seen_shape)
        return gf_bad(h, "missing key (need 'descr', 'fortran_order', 'shape')");
    /* Only the padding may follow: spaces and the final newline. */
    gf_skip_ws(h);
    if (h->p != h->end)
        return gf_bad(h, "unexpected bytes after the header dict");
    return 1;
}

/* ---- data conversion ------------------------------------------------------ */

/* IEEE-754 binary64/binary32 from bytes in the stated order.  Assumes the
 * host's doubles and floats have the byte order of its integers, which holds
 * on every platform libgridform supports. */
static double gf_decode(const unsigned char *b, size_t itemsize, int big)
{
    if (itemsize == 8) {
        uint64_t u = 0;
        for (size_t i = 0; i < 8; i++)
            u |= (uint64_t)b[big ? 7 - i : i] << (8 * i);
        double d;
        memcpy(&d, &u, sizeof d);
        return d;
    }
    uint32_t u = 0;
    for (size_t i = 0; i < 4; i++)
        u |= (uint32_t)b[big ? 3 - i : i] << (8 * i);
    float f;
    memcpy(&f, &u, sizeof f);
    return (double)f;
}

/* Errors name gridform_npy_read, the only reader (not this helper). */
static int gf_read_exact(FILE *fp, void *buf, size_t n, const char *path, const char *what)
{
    if (fread(buf, 1, n, fp) == n)
        return GRIDFORM_OK;
    if (ferror(fp)) {
        char eb[128];
        return gridform__fail(NULL, GRIDFORM_EIO, "gridform_npy_read", "cannot read '%s': %s", path,
                              gridform__strerror(errno, eb, sizeof eb));
    }
    return gridform__fail(NULL, GRIDFORM_EFORMAT, "gridform_npy_read", "'%s': truncated %s", path, what);
}

/* Reads count items into data in C order.  In Fortran order the first index
 * runs fastest in the file; an odometer over the indices tracks the C-order
 * offset of each item, so no scratch copy of the array is needed. */
static int gf_read_data(FILE *fp, const gf_npy_header *h, size_t count, double *data, const char *path)
{
    if (count == 0)
        return GRIDFORM_OK;
    unsigned char buf[GF_NPY_CHUNK];
    size_t per_chunk = GF_NPY_CHUNK / h->itemsize;
    size_t cstride[GRIDFORM_NPY_MAX_DIMS], idx[GRIDFORM_NPY_MAX_DIMS] = {0};
    int fortran = h->fortran && h->ndim > 1;
    size_t s = 1;
    for (size_t k = h->ndim; k-- > 0;) {
        cstride[k] = s;
        s *= h->dims[k];   /* no overflow: the product was checked */
    }
    size_t off = 0;
    for (size_t done = 0; done < count;) {
        size_t n = count - done < per_chunk ? count - done : per_chunk;
        int rc = gf_read_exact(fp, buf, n * h->itemsize, path, "data");
        if (rc != GRIDFORM_OK)
            return rc;
        for (size_t i = 0; i < n; i++) {
            double v = gf_decode(buf + i * h->itemsize, h->itemsize, h->big);
            if (!fortran) {
                data[done + i] = v;
                continue;
            }
            data[off] = v;
            for (size_t k = 0; k < h->ndim; k++) {
                off += cstride[k];
                if (++idx[k] < h->dims[k])
                    break;
                off -= h->dims[k] * cstride[k];
                idx[k] = 0;
            }
        }
        done += n;
    }
    return GRIDFORM_OK;
}

/* ---- public: read ------------------------------------------------------------ */

int gridform_npy_read(const char *path, double *data, size_t capacity, size_t *ndim,
                      size_t shape[GRIDFORM_NPY_MAX_DIMS])
{
    gridform__errbuf *eb = NULL;
    GF_CHECK_PTR(eb, path);
    GF_CHECK_PTR(eb, ndim);
    GF_CHECK_PTR(eb, shape);

    char errtext[128];
    /* O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused
     * below); regular files ignore the flag. */
    int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    FILE *fp = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (fp == NULL) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return GF_FAIL(eb, GRIDFORM_EIO, "cannot open '%s': %s", path,
                       gridform__strerror(e, errtext, sizeof errtext));
    }
    int rc = GRIDFORM_OK;
    unsigned char *text = NULL;
    struct stat st;
    if (fstat(fileno(fp), &st) != 0) {
        rc = GF_FAIL(eb, GRIDFORM_EIO, "cannot stat '%s': %s", path,
                     gridform__strerror(errno, errtext, sizeof errtext));
        goto done;
    }
    /* The size is what every length in the header is checked against, so it
     * must be known: no pipes or devices. */
    if (!S_ISREG(st.st_mode) || st.st_size < 0) {
        rc = GF_FAIL(eb, GRIDFORM_EIO, "'%s' is not a regular file", path);
        goto done;
    }
    uintmax_t fsize = (uintmax_t)st.st_size;

    unsigned char pre[12];
    if (fsize < 10) {
        rc = GF_FAIL(eb, GRIDFORM_EFORMAT, "'%s': too short for a .npy file (%ju bytes)", path, fsize);
        goto done;
    }
    if ((rc = gf_read_exact(fp, pre, 8, path, "preamble")) != GRIDFORM_OK)
        goto done;
    if (memcmp(pre, gf_npy_magic, sizeof gf_npy_magic) != 0) {
        rc = GF_FAIL(eb, GRIDFORM_EFORMAT, "'%s': not a .npy file (bad magic)", path);
        goto done;
    }
    unsigned major = pre[6], minor = pre[7];
    if (major < 1 || major > 3 || minor != 0) {
        rc = GF_FAIL(eb, GRIDFORM_EFORMAT, "'%s': unsupported .npy format version %u.%u", path, major, minor);
        goto done;
    }
    size_t lenbytes = major == 1 ? 2 : 4, prelen = 8 + lenbytes;
    if ((rc = gf_read_exact(fp, pre + 8, lenbytes, path, "preamble")) != GRIDFORM_OK)
        goto done;
    uint32_t hlen = (uint32_t)pre[8] | (uint32_t)pre[9] << 8;
    if (lenbytes == 4)
        hlen |= (uint32_t)pre[10] << 16 | (uint32_t)pre[11] << 24;
    if (fsize < prelen || (uintmax_t)hlen > fsize - prelen) {
        rc = GF_FAIL(eb, GRIDFORM_EFORMAT, "'%s': truncated header (%" PRIu32 " bytes declared, %ju present)",
                     path, hlen, fsize < prelen ? 0 : fsize - prelen);
        goto done;
    }
    if (hlen > GF_NPY_MAX_HEADER) {
        rc = GF_FAIL(eb, GRIDFORM_EFORMAT, "'%s': header of %" PRIu32 " bytes is implausibly long", path, hlen);
        goto done;
    }
    text = gridform__malloc(hlen);
    if (text == NULL) {
        rc = GF_FAIL(eb, GRIDFORM_ENOMEM, "cannot allocate %" PRIu32 " bytes for the header of '%s'", hlen, path);
        goto done;
    }
    if ((rc = gf_read_exact(fp, text, hlen, path, "header")) != GRIDFORM_OK)
        goto done;

    gf_npy_header h;
    memset(&h, 0, sizeof h);
    h.p = text;
    h.end = text + hlen;
    if (!gf_parse_header(&h)) {
        rc = GF_FAIL(eb, GRIDFORM_EFORMAT, "'%s': bad header at byte %zu: %s", path,
                     prelen + (size_t)(h.p - text), h.why != NULL ? h.why : "syntax error");
        goto done;
    }
    size_t count = 1, nbytes;
    for (size_t k = 0; k < h.ndim; k++)
        if (!gridform__mul_size(count, h.dims[k], &count)) {
            rc = GF_FAIL(eb, GRIDFORM_EFORMAT, "'%s': shape's element count overflows", path);
            goto done;
        }
    if (!gridform__mul_size(count, h.itemsize, &nbytes)) {
        rc = GF_FAIL(eb, GRIDFORM_EFORMAT, "'%s': shape's byte count overflows", path);
        goto done;
    }
    uintmax_t avail = fsize - prelen - hlen;
    if ((uintmax_t)nbytes > avail) {
        rc = GF_FAIL(eb, GRIDFORM_EFORMAT, "'%s': truncated data (shape needs %zu bytes, file has %ju)",
                     path, nbytes, avail);
        goto done;
    }
    if ((uintmax_t)nbytes < avail) {
        rc = GF_FAIL(eb, GRIDFORM_EFORMAT, "'%s': %ju unexpected bytes after the data", path,
                     avail - (uintmax_t)nbytes);
        goto done;
    }

    if (data != NULL && count > capacity)
        rc = GF_FAIL(eb, GRIDFORM_ERANGE, "'%s' holds %zu values, buffer capacity is %zu", path, count, capacity);
    else if (data != NULL)
        rc = gf_read_data(fp, &h, count, data, path);
    if (rc == GRIDFORM_OK || rc == GRIDFORM_ERANGE) {
        *ndim = h.ndim;
        for (size_t k = 0; k < GRIDFORM_NPY_MAX_DIMS; k++)
            shape[k] = k < h.ndim ? h.dims[k] : 1;
    }
done:
    gridform__free(text);
    fclose(fp);
    return rc;
}

/* ---- public: write -------------------------------------------------------- */

int gridform_npy_write(const char *path, const double *data, size_t ndim, const size_t *shape)
{
    gridform__errbuf *eb = NULL;
    GF_CHECK_PTR(eb, path);
    if (path[0] == '\0')
        return GF_FAIL(eb, GRIDFORM_EINVAL, "path must not be empty");
    if (ndim > GRIDFORM_NPY_MAX_DIMS)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "ndim must be <= %d, got %zu", GRIDFORM_NPY_MAX_DIMS, ndim);
    if (ndim > 0 && shape == NULL)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "shape must not be NULL when ndim > 0");
    size_t count = 1, nbytes;
    for (size_t k = 0; k < ndim; k++)
        if (!gridform__mul_size(count, shape[k], &count))
            return GF_FAIL(eb, GRIDFORM_ERANGE, "the product of shape overflows size_t");
    if (!gridform__mul_size(count, sizeof(double), &nbytes))
        return GF_FAIL(eb, GRIDFORM_ERANGE, "%zu doubles overflow size_t bytes", count);
    if (count > 0 && data == NULL)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "data must not be NULL");

    /* Byte-for-byte what numpy.save writes: the dict's repr with a trailing
     * ", ", then spaces so that magic + length + header is a multiple of 64
     * (numpy/lib/format.py, ARRAY_ALIGN), then '\n'. */
    char hdr[640];
    int n = snprintf(hdr + 10, 400, "{'descr': '<f8', 'fortran_order': False, 'shape': (");
    for (size_t k = 0; k < ndim; k++)
        n += snprintf(hdr + 10 + n, 400 - (size_t)n, k > 0 ? ", %zu" : "%zu", shape[k]);
    n += snprintf(hdr + 10 + n, 400 - (size_t)n, ndim == 1 ? ",), }" : "), }");
    size_t len = (size_t)n;
    size_t pad = 64 - (10 + len + 1) % 64;
    memset(hdr + 10 + len, ' ', pad);
    len += pad;
    hdr[10 + len++] = '\n';
    memcpy(hdr, gf_npy_magic, sizeof gf_npy_magic);
    hdr[6] = 1;
    hdr[7] = 0;
    hdr[8] = (char)(len & 0xff);
    hdr[9] = (char)(len >> 8);

    gridform__outfile o;
    int rc = gridform__outfile_open(&o, path, __func__);
    if (rc != GRIDFORM_OK)
        return rc;
    rc = gridform__outfile_write(&o, hdr, 10 + len);
    unsigned char buf[GF_NPY_CHUNK];
    for (size_t done = 0; rc == GRIDFORM_OK && done < count;) {
        size_t m = count - done < GF_NPY_CHUNK / 8 ? count - done : GF_NPY_CHUNK / 8;
        for (size_t i = 0; i < m; i++) {
            uint64_t u;
            memcpy(&u, &data[done + i], sizeof u);
            for (size_t b = 0; b < 8; b++)
                buf[8 * i + b] = (unsigned char)(u >> (8 * b));
        }
        rc = gridform__outfile_write(&o, buf, 8 * m);
        done += m;
    }
    if (rc != GRIDFORM_OK) {
        gridform__outfile_abort(&o);
        return rc;
    }
    return gridform__outfile_commit(&o);
}
