/* gridform-sweep: the tasks of one process on worker threads.
 *
 * The queue is the only shared state: the list of tasks still to do with a
 * counter (workers take the next task when they finish one, so a slow task
 * never idles the others), and the result stream (rows appended under the
 * queue's lock, one writer at a time).  Under MPI, rank 0 serves the same
 * queue to the other ranks (sweep_mpi.c). */
#define _GNU_SOURCE  /* sched_getaffinity, CPU_COUNT */
#include "config.h"
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "gridform.h"
#include "sweep.h"

double sweep_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The CPUs this process may run on (its affinity mask: what a batch
 * scheduler granted), else the CPUs online. */
int sweep_default_jobs(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int c = CPU_COUNT(&set);
        if (c > 0)
            return c > 1024 ? 1024 : c;
    }
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    return c > 0 ? (c > 1024 ? 1024 : (int)c) : 1;
}

void sweep_maps_path(const sweep_options *o, uint64_t task, char *buf, size_t len)
{
    snprintf(buf, len, "%s/task-%06" PRIu64 ".npy", o->save_maps, task);
}

int sweep_save_maps(const sweep_options *o, uint64_t task, const double *maps, size_t n, char *err, size_t len)
{
    if (o->save_maps == NULL || maps == NULL)
        return 0;
    char path[4096];
    sweep_maps_path(o, task, path, sizeof path);
    size_t shape[3] = {o->grid.maps, n, n};
    /* gridform_npy_write writes a temporary, fsyncs and renames: the .npy
     * of a task exists whole before its row is written. */
    if (gridform_npy_write(path, maps, 3, shape) != GRIDFORM_OK) {
        snprintf(err, len, "gridform-sweep: --save-maps: %s", gridform_last_error());
        return -1;
    }
    return 0;
}

int sweep_queue_init(sweep_queue *q, const sweep_options *o, sweep_out *out, sweep_result *results,
                     const uint64_t *todo, uint64_t ntodo, uint64_t skipped)
{
    memset(q, 0, sizeof *q);
    q->o = o;
    q->out = out;
    q->results = results;
    q->todo = todo;
    q->ntodo = ntodo;
    q->skipped = skipped;
    q->t0 = sweep_now();
    q->last_print = -1e9;
    return pthread_mutex_init(&q->lock, NULL) == 0 ? 0 : -1;
}

void sweep_queue_destroy(sweep_queue *q) { pthread_mutex_destroy(&q->lock); }

uint64_t sweep_queue_take(sweep_queue *q)
{
    uint64_t t = UINT64_MAX;
    pthread_mutex_lock(&q->lock);
    if (!q->failed && q->next < q->ntodo)
        t = q->todo[q->next++];
    pthread_mutex_unlock(&q->lock);
    return t;
}

void sweep_queue_fail(sweep_queue *q, const char *msg)
{
    pthread_mutex_lock(&q->lock);
    if (!q->failed) {
        q->failed = 1;
        snprintf(q->failure, sizeof q->failure, "%s", msg);
    }
    pthread_mutex_unlock(&q->lock);
}

int sweep_queue_done(sweep_queue *q)
{
    pthread_mutex_lock(&q->lock);
    int d = q->failed || q->finished == q->ntodo;
    pthread_mutex_unlock(&q->lock);
    return d;
}

static void fmt_duration(char *buf, size_t len, double s)
{
    if (!isfinite(s) || s < 0)
        snprintf(buf, len, "?");
    else if (s < 100)
        snprintf(buf, len, "%.0f s", s);
    else if (s < 6000)
        snprintf(buf, len, "%.0f min", s / 60);
    else
        snprintf(buf, len, "%.1f h", s / 3600);
}

/* The progress line: on a terminal redrawn in place (at most 5 times a
 * second), otherwise (a batch job's log) one line every 30 seconds. */
static void progress(sweep_queue *q, int last)
{
    if (q->o->quiet)
        return;
    int tty = isatty(2);
    double now = sweep_now(), el = now - q->t0;
    if (!last && now - q->last_print < (tty ? 0.2 : 30.0))
        return;
    q->last_print = now;
    double rate = el > 0 ? (double)q->finished / el : 0;
    char eta[32];
    fmt_duration(eta, sizeof eta, rate > 0 ? (double)(q->ntodo - q->finished) / rate : NAN);
    uint64_t total = q->ntodo + q->skipped;
    fprintf(stderr, "%sgridform-sweep: %" PRIu64 "/%" PRIu64 " tasks done", tty ? "\r" : "",
            q->finished + q->skipped, total);
    if (q->skipped)
        fprintf(stderr, " (%" PRIu64 " from the file)", q->skipped);
    fprintf(stderr, ", %.3g tasks/s, %s %s%s", rate, last ? "took" : "ETA",
            last ? (fmt_duration(eta, sizeof eta, el), eta) : eta, tty ? "\033[K" : "");
    if (!tty || last)
        fputc('\n', stderr);
    fflush(stderr);
}

void sweep_progress_end(sweep_queue *q)
{
    pthread_mutex_lock(&q->lock);
    progress(q, 1);
    pthread_mutex_unlock(&q->lock);
}

int sweep_queue_put(sweep_queue *q, const sweep_result *r)
{
    char err[512];
    int rc = 0;
    pthread_mutex_lock(&q->lock);
    if (sweep_out_append(q->out, r, err, sizeof err) != 0) {
        if (!q->failed) {
            q->failed = 1;
            snprintf(q->failure, sizeof q->failure, "%s", err);
        }
        rc = -1;
    } else {
        q->results[r->task] = *r;
        q->finished++;
        progress(q, 0);
    }
    pthread_mutex_unlock(&q->lock);
    return rc;
}

static void *worker_main(void *arg)
{
    sweep_queue *q = arg;
    char err[512];
    sweep_worker *w = sweep_worker_create(&q->o->grid);
    if (w == NULL) {
        sweep_queue_fail(q, "gridform-sweep: out of memory for a worker");
        return NULL;
    }
    for (;;) {
        uint64_t t = sweep_queue_take(q);
        if (t == UINT64_MAX)
            break;
        sweep_result r;
        double *maps = NULL;
        size_t n = 0;
        if (sweep_worker_run(w, t, &r, q->o->save_maps ? &maps : NULL, &n, err, sizeof err) != 0
            || sweep_save_maps(q->o, t, maps, n, err, sizeof err) != 0) {
            sweep_queue_fail(q, err);
            break;
        }
        if (sweep_queue_put(q, &r) != 0)
            break;
    }
    sweep_worker_destroy(w);
    return NULL;
}

struct sweep_pool {
    pthread_t *tid;
    int n;
};

int sweep_pool_start(sweep_pool **pp, sweep_queue *q, int nthreads)
{
    sweep_pool *p = malloc(sizeof *p);
    *pp = NULL;
    if (p == NULL || (p->tid = malloc((size_t)nthreads * sizeof *p->tid)) == NULL) {
        free(p);
        sweep_queue_fail(q, "gridform-sweep: out of memory for the threads");
        return -1;
    }
    p->n = 0;
    for (int i = 0; i < nthreads; i++) {
        int e = pthread_create(&p->tid[i], NULL, worker_main, q);
        if (e != 0) {
            char msg[128];
            snprintf(msg, sizeof msg, "gridform-sweep: cannot start worker thread %d: %s", i + 1, strerror(e));
            sweep_queue_fail(q, msg);
            break;
        }
        p->n++;
    }
    *pp = p;
    return p->n == nthreads ? 0 : -1;
}

int sweep_pool_join(sweep_pool *p)
{
    if (p == NULL)
        return -1;
    for (int i = 0; i < p->n; i++)
        pthread_join(p->tid[i], NULL);
    free(p->tid);
    free(p);
    return 0;
}

int sweep_run_threads(sweep_queue *q, int nthreads)
{
    sweep_pool *p;
    sweep_pool_start(&p, q, nthreads);
    sweep_pool_join(p);
    return q->failed ? -1 : 0;
}

/* ---- maps of chosen tasks, for the montage ---- */
typedef struct {
    const sweep_grid *g;
    const uint64_t *tasks;
    size_t ntasks, next;
    sweep_maps_fn fn;
    void *user;
    pthread_mutex_t lock;
    int failed;
    char err[512];
} maps_job;

static void *maps_main(void *arg)
{
    maps_job *j = arg;
    char err[512];
    sweep_worker *w = sweep_worker_create(j->g);
    for (;;) {
        pthread_mutex_lock(&j->lock);
        size_t i = w != NULL && !j->failed && j->next < j->ntasks ? j->next++ : SIZE_MAX;
        if (w == NULL && !j->failed) {
            j->failed = 1;
            snprintf(j->err, sizeof j->err, "gridform-sweep: out of memory for a worker");
        }
        pthread_mutex_unlock(&j->lock);
        if (i == SIZE_MAX)
            break;
        sweep_result r;
        double *maps = NULL;
        size_t n = 0;
        int rc = sweep_worker_run(w, j->tasks[i], &r, &maps, &n, err, sizeof err);
        pthread_mutex_lock(&j->lock);
        if (rc != 0 && !j->failed) {
            j->failed = 1;
            snprintf(j->err, sizeof j->err, "%s", err);
        } else if (rc == 0) {
            j->fn(j->tasks[i], maps, n, r.rep, j->user);
        }
        pthread_mutex_unlock(&j->lock);
    }
    sweep_worker_destroy(w);
    return NULL;
}

int sweep_compute_maps(const sweep_grid *g, const uint64_t *tasks, size_t ntasks, int nthreads, sweep_maps_fn fn,
                       void *user, char *err, size_t errlen)
{
    maps_job j = {g, tasks, ntasks, 0, fn, user, PTHREAD_MUTEX_INITIALIZER, 0, ""};
    pthread_t tid[64];
    int started = 0;
    if (nthreads > 64)
        nthreads = 64;
    for (int i = 0; i < nthreads; i++)
        if (pthread_create(&tid[i], NULL, maps_main, &j) == 0)
            started++;
    if (started == 0)
        maps_main(&j);
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    if (j.failed)
        snprintf(err, errlen, "%s", j.err);
    return j.failed ? -1 : 0;
}

/* Whether an MPI launcher started this process: mpirun (Open MPI), Hydra
 * (MPICH, Intel MPI), or srun with PMI or PMIx.  Without one the program
 * runs on threads and never calls MPI_Init (a singleton MPI start would
 * only cost time). */
int sweep_mpi_launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMI_RANK", "PMIX_RANK",
                                       "MPI_LOCALNRANKS"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]) != NULL)
            return 1;
    return 0;
}
