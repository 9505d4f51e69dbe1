/* gridform-sweep: the results file.
 *
 * Layout: line 1 is the grid key ("# gridform-sweep grid 1: tuning=dog ..."),
 * line 2 names the columns, then one row per task.  Rows are appended as
 * tasks finish; when every task is in the file it is rewritten in task
 * order, so a finished file is ordered by task however it was produced
 * (threads, ranks, interrupted and resumed runs).  Readers skip line 1 as a
 * comment: pandas.read_csv(path, comment='#').
 *
 * Why a SIGKILL at any moment leaves only whole lines, and a rerun completes
 * the file to exactly the rows of an uninterrupted run, each task once:
 *  1. The file is created under a temporary name holding the two header
 *     lines, fsync'ed and renamed: under its real name it always has them.
 *  2. Only one writer exists: the process holds flock(LOCK_EX) on the file
 *     (a second run on the same file is refused), under MPI only rank 0
 *     writes, and its threads append under the queue's lock.
 *  3. Each row is formatted whole in memory and written by one write(2) on
 *     an O_APPEND descriptor, then fdatasync'ed before the task counts as
 *     done.  A kill between writes leaves whole lines.  A kill during a
 *     write can leave a prefix of that one line (Linux may stop a write to
 *     a file at a page boundary once a fatal signal is pending), and since
 *     nothing follows it, only the last line can be cut short.  A machine
 *     crash keeps every row whose fdatasync returned; what follows them is
 *     at most one partial line or zero bytes, which again contain no
 *     newline (a later row's fdatasync would have written them out).
 *  4. On resume the file is read, everything after its last newline is cut
 *     off (ftruncate, fsync), and every remaining row is checked (field
 *     count, its task's parameters, no task twice); a malformed whole line
 *     means the file was edited and the run is refused rather than guessed.
 *     The tasks present are skipped, the others computed: each task once.
 *  5. A task's row is a function of the task alone (sweep_task.c), so a
 *     resumed file holds the same rows as an uninterrupted one, seconds
 *     aside; the final rewrite in task order goes through a temporary file,
 *     fsync and rename, so a kill during it leaves the old complete file,
 *     which the next run sorts again.
 *  6. A different grid or fixed option changes line 1: refused, never mixed. */
#define _POSIX_C_SOURCE 200809L
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gridform.h"
#include "sweep.h"

#define NFIELDS 26   /* task, 9 swept, 5 fixed, status, steps, 8 metrics, seconds */
#define ROW_MAX 2048

static const char columns[] =
    "task,tuning,sigma,surround,box,n,nonlinearity,coupling,integrator,seed,"
    "boundary,maps,max_steps,tol,cells,"
    "status,steps_taken,kstar,spacing_predicted,score60_median,score60_frac,score90_median,"
    "spacing_median,dominant_k_median,objective,seconds\n";

const char *sweep_csv_columns(void) { return columns; }

struct sweep_out {
    int fd;
    char *path;
    const sweep_grid *g;
    size_t header_len;  /* bytes of the two header lines */
};

static int fail(char *err, size_t len, const char *path, const char *what, int e)
{
    snprintf(err, len, "gridform-sweep: %s: %s%s%s", path, what, e ? ": " : "", e ? strerror(e) : "");
    return -1;
}

/* A number as rows show it: 9 significant digits; nan and inf spelled
 * one way (glibc would print "-nan" for a negative NaN). */
static void fmt_num(char *buf, size_t len, double v)
{
    if (isnan(v))
        snprintf(buf, len, "nan");
    else if (isinf(v))
        snprintf(buf, len, v > 0 ? "inf" : "-inf");
    else
        snprintf(buf, len, "%.9g", v);
}

/* The parameter fields (1..14) of task, without the trailing comma. */
static size_t fmt_params(const sweep_grid *g, uint64_t task, char *buf, size_t len)
{
    size_t idx[SP_COUNT], k = 0;
    sweep_task_indices(g, task, idx);
    for (int p = 0; p < SP_COUNT; p++) {
        char v[64];
        sweep_format_value(g, p, idx[p], v, sizeof v);
        k += (size_t)snprintf(buf + k, len - k, "%s%s", p ? "," : "", v);
    }
    k += (size_t)snprintf(buf + k, len - k, ",%s,%zu,%zu,%.12g,%zu", sweep_boundary_name(g->boundary), g->maps,
                          g->max_steps, g->tol, g->cells);
    return k;
}

static size_t fmt_row(const sweep_grid *g, const sweep_result *r, char *buf, size_t len)
{
    size_t k = (size_t)snprintf(buf, len, "%" PRIu64 ",", r->task);
    k += fmt_params(g, r->task, buf + k, len - k);
    char status[320];
    sweep_status_format(g, r, status, sizeof status);
    k += (size_t)snprintf(buf + k, len - k, ",%s,%.0f", status, r->steps);
    for (int m = SM_KSTAR; m < SM_COUNT; m++) {
        char v[64];
        fmt_num(v, sizeof v, r->metric[m]);
        k += (size_t)snprintf(buf + k, len - k, ",%s", v);
    }
    k += (size_t)snprintf(buf + k, len - k, ",%.3f\n", r->seconds);
    return k;
}

/* write(2) of all of buf; a short write continues (a signal other than
 * SIGKILL, or a full disk that then reports ENOSPC). */
static int write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

static int sync_dir_of(const char *path)
{
    char *d = strdup(path);
    if (d == NULL)
        return -1;
    char *slash = strrchr(d, '/');
    const char *dir = ".";
    if (slash == d)
        dir = "/";
    else if (slash != NULL) {
        *slash = '\0';
        dir = d;
    }
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    int rc = fd < 0 ? -1 : fsync(fd);
    /* Some file systems cannot fsync a directory (EINVAL): nothing to do. */
    if (rc != 0 && errno == EINVAL)
        rc = 0;
    if (fd >= 0)
        close(fd);
    free(d);
    return rc;
}

/* Writes content to path through path.tmp.PID, fsync and rename. */
static int replace_file(const char *path, const char *content, size_t n, char *err, size_t len)
{
    size_t pl = strlen(path) + 32;
    char *tmp = malloc(pl);
    if (tmp == NULL)
        return fail(err, len, path, "out of memory", 0);
    snprintf(tmp, pl, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        int e = errno;
        fail(err, len, tmp, "cannot create", e);
        free(tmp);
        return -1;
    }
    int e = 0;
    if (write_all(fd, content, n) != 0 || fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && e == 0)
        e = errno;
    if (e == 0 && rename(tmp, path) != 0)
        e = errno;
    if (e != 0) {
        unlink(tmp);
        free(tmp);
        return fail(err, len, path, "cannot write", e);
    }
    free(tmp);
    if (sync_dir_of(path) != 0)
        return fail(err, len, path, "cannot sync its directory", errno);
    return 0;
}

/* Reads all of fd from offset 0 into a NUL-terminated buffer. */
static char *slurp(int fd, size_t *n)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return NULL;
    size_t size = (size_t)st.st_size, got = 0;
    char *buf = malloc(size + 1);
    if (buf == NULL)
        return NULL;
    while (got < size) {
        ssize_t r = pread(fd, buf + got, size - got, (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    buf[got] = '\0';
    *n = got;
    return buf;
}

/* The first token (space-separated) where two keys differ, for the message. */
static void key_difference(const char *have, const char *want, char *out, size_t len)
{
    const char *a = have, *b = want;
    while (*a && *b) {
        size_t la = strcspn(a, " "), lb = strcspn(b, " ");
        if (la != lb || memcmp(a, b, la) != 0) {
            snprintf(out, len, "the file has %.*s, this run %.*s", (int)(la > 200 ? 200 : la), a,
                     (int)(lb > 200 ? 200 : lb), b);
            return;
        }
        a += la + (a[la] == ' ');
        b += lb + (b[lb] == ' ');
    }
    snprintf(out, len, "the fixed options differ");
}

/* Checks one whole row (no newline) against the grid and reads it into r. */
static int parse_row(const sweep_grid *g, char *line, sweep_result *r, char *why, size_t wl)
{
    char *f[NFIELDS + 1];
    size_t nf = 0;
    for (char *p = line;;) {
        if (nf > NFIELDS)
            break;
        f[nf++] = p;
        char *c = strchr(p, ',');
        if (c == NULL)
            break;
        *c = '\0';
        p = c + 1;
    }
    if (nf != NFIELDS) {
        snprintf(why, wl, "%zu fields, expected %d", nf, NFIELDS);
        return -1;
    }
    char *end;
    errno = 0;
    if (!(f[0][0] >= '0' && f[0][0] <= '9')) {
        snprintf(why, wl, "task id '%s' is not a number", f[0]);
        return -1;
    }
    unsigned long long task = strtoull(f[0], &end, 10);
    if (*end != '\0' || errno != 0 || task >= g->ntasks) {
        snprintf(why, wl, "task id '%s' is not one of this grid's %" PRIu64 " tasks", f[0], g->ntasks);
        return -1;
    }
    char want[ROW_MAX], have[ROW_MAX];
    fmt_params(g, task, want, sizeof want);
    size_t k = 0;
    for (int i = 1; i <= 14; i++)
        k += (size_t)snprintf(have + k, sizeof have - k, "%s%s", i > 1 ? "," : "", f[i]);
    if (strcmp(want, have) != 0) {
        snprintf(why, wl, "task %llu has parameters %.300s, the grid says %.300s", task, have, want);
        return -1;
    }
    int code = sweep_status_lookup(f[15]);
    if (code < 0) {
        snprintf(why, wl, "unknown status '%s'", f[15]);
        return -1;
    }
    r->task = task;
    r->code = code;
    double v[10];
    for (int i = 0; i < 10; i++) {
        const char *s = f[16 + i];
        errno = 0;
        v[i] = strtod(s, &end);
        if (end == s || *end != '\0') {
            snprintf(why, wl, "task %llu: '%s' is not a number", task, s);
            return -1;
        }
    }
    r->steps = v[0];
    r->metric[SM_STEPS] = v[0];
    for (int m = SM_KSTAR; m < SM_COUNT; m++)
        r->metric[m] = v[m];
    r->seconds = v[9];
    return 0;
}

int sweep_out_open(sweep_out **outp, const char *path, const sweep_grid *g, unsigned char *done,
                   sweep_result *results, char *err, size_t len)
{
    *outp = NULL;
    char *key = sweep_grid_key(g);
    if (key == NULL)
        return fail(err, len, path, "out of memory", 0);
    size_t kl = strlen(key), cl = strlen(columns);
    char *header = malloc(kl + cl + 2);
    if (header == NULL) {
        free(key);
        return fail(err, len, path, "out of memory", 0);
    }
    memcpy(header, key, kl);
    header[kl] = '\n';
    memcpy(header + kl + 1, columns, cl + 1);
    size_t hl = kl + 1 + cl;

    struct stat st;
    if (stat(path, &st) != 0) {
        int bad = errno != ENOENT ? fail(err, len, path, "cannot access", errno)
                                  : replace_file(path, header, hl, err, len);
        if (bad != 0) {
            free(key);
            free(header);
            return -1;
        }
    } else if (!S_ISREG(st.st_mode)) {
        free(key);
        free(header);
        return fail(err, len, path, "not a regular file", 0);
    }

    int fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        free(key);
        free(header);
        return fail(err, len, path, "cannot open", e);
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(fd);
        free(key);
        free(header);
        if (e == EWOULDBLOCK)
            return fail(err, len, path, "another gridform-sweep is writing this file", 0);
        return fail(err, len, path, "cannot lock", e);
    }

    size_t n = 0;
    char *text = slurp(fd, &n);
    int rc = 0;
    char why[1024];
    if (text == NULL) {
        rc = fail(err, len, path, "cannot read", errno);
        goto out;
    }
    /* An empty file, or one cut inside its header (made by hand, or a crash
     * of another program): start it afresh. */
    if (n < hl && memcmp(text, header, n) == 0) {
        if (ftruncate(fd, 0) != 0 || write_all(fd, header, hl) != 0 || fsync(fd) != 0) {
            rc = fail(err, len, path, "cannot write", errno);
            goto out;
        }
        free(text);
        text = NULL;
        n = hl;
        goto opened;
    }
    char *nl = memchr(text, '\n', n);
    if (strncmp(text, "# gridform-sweep grid", 21) != 0 || nl == NULL) {
        rc = fail(err, len, path, "not a gridform-sweep results file (its first line is not the grid key); "
                  "give another -o", 0);
        goto out;
    }
    *nl = '\0';
    if (strcmp(text, key) != 0) {
        key_difference(text, key, why, sizeof why);
        snprintf(err, len, "gridform-sweep: %s: written for a different grid (%s); give another -o or "
                 "remove the file", path, why);
        rc = -1;
        goto out;
    }
    char *line2 = nl + 1;
    if (strncmp(line2, columns, cl) != 0) {
        rc = fail(err, len, path, "its column line differs from this version's; give another -o", 0);
        goto out;
    }
    /* Cut off an incomplete last line: an interrupted append (see above). */
    size_t whole = n;
    while (whole > hl && text[whole - 1] != '\n')
        whole--;
    if (whole < n) {
        if (ftruncate(fd, (off_t)whole) != 0 || fsync(fd) != 0) {
            rc = fail(err, len, path, "cannot cut off its incomplete last line", errno);
            goto out;
        }
        fprintf(stderr, "gridform-sweep: %s: removed an incomplete last line (%zu bytes) left by an "
                "interrupted run\n", path, n - whole);
        text[whole] = '\0';
    }
    size_t lineno = 2;
    for (char *p = text + hl; p < text + whole;) {
        char *e = strchr(p, '\n');
        *e = '\0';
        lineno++;
        sweep_result r;
        if (parse_row(g, p, &r, why, sizeof why) != 0) {
            snprintf(err, len, "gridform-sweep: %s: line %zu: %s; the file was changed by hand?", path, lineno,
                     why);
            rc = -1;
            goto out;
        }
        if (done[r.task]) {
            snprintf(err, len, "gridform-sweep: %s: line %zu: task %" PRIu64 " appears twice", path, lineno,
                     r.task);
            rc = -1;
            goto out;
        }
        done[r.task] = 1;
        results[r.task] = r;
        p = e + 1;
    }
opened:;
    sweep_out *out = malloc(sizeof *out);
    if (out == NULL || (out->path = strdup(path)) == NULL) {
        free(out);
        rc = fail(err, len, path, "out of memory", 0);
        goto out;
    }
    out->fd = fd;
    out->g = g;
    out->header_len = hl;
    *outp = out;
out:
    if (rc != 0)
        close(fd);
    free(text);
    free(key);
    free(header);
    return rc;
}

int sweep_out_append(sweep_out *out, const sweep_result *r, char *err, size_t len)
{
    char row[ROW_MAX];
    size_t k = fmt_row(out->g, r, row, sizeof row);
    if (k >= sizeof row)
        return fail(err, len, out->path, "row too long", 0);
    if (write_all(out->fd, row, k) != 0 || fdatasync(out->fd) != 0)
        return fail(err, len, out->path, "cannot append a row", errno);
    return 0;
}

static int cmp_rows(const void *x, const void *y)
{
    const char *a = *(const char *const *)x, *b = *(const char *const *)y;
    unsigned long long ta = strtoull(a, NULL, 10), tb = strtoull(b, NULL, 10);
    return ta < tb ? -1 : ta > tb;
}

int sweep_out_finish(sweep_out *out, char *err, size_t len)
{
    size_t n = 0;
    char *text = slurp(out->fd, &n);
    if (text == NULL)
        return fail(err, len, out->path, "cannot read back", errno);
    size_t nrows = 0;
    for (size_t i = out->header_len; i < n; i++)
        nrows += text[i] == '\n';
    char **rows = malloc((nrows + 1) * sizeof *rows);
    char *sorted = malloc(n + 1);
    if (rows == NULL || sorted == NULL) {
        free(rows);
        free(sorted);
        free(text);
        return fail(err, len, out->path, "out of memory", 0);
    }
    size_t k = 0;
    int in_order = 1;
    for (char *p = text + out->header_len; p < text + n && k < nrows;) {
        char *e = strchr(p, '\n');
        *e = '\0';
        rows[k] = p;
        if (k > 0 && cmp_rows(&rows[k - 1], &rows[k]) > 0)
            in_order = 0;
        k++;
        p = e + 1;
    }
    int rc = 0;
    if (!in_order) {
        qsort(rows, k, sizeof *rows, cmp_rows);
        memcpy(sorted, text, out->header_len);
        size_t at = out->header_len;
        for (size_t i = 0; i < k; i++) {
            size_t l = strlen(rows[i]);
            memcpy(sorted + at, rows[i], l);
            sorted[at + l] = '\n';
            at += l + 1;
        }
        rc = replace_file(out->path, sorted, at, err, len);
    }
    free(rows);
    free(sorted);
    free(text);
    sweep_out_close(out);
    return rc;
}

void sweep_out_close(sweep_out *out)
{
    if (out == NULL)
        return;
    close(out->fd);
    free(out->path);
    free(out);
}
