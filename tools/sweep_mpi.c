/* gridform-sweep across MPI ranks.
 *
 * Rank 0 holds the task list and the results file; every rank computes,
 * rank 0 included (its worker threads take tasks from the same queue as the
 * remote requests).  The protocol has two messages, both on a tag of the
 * asking thread (TAG_BASE + its index, so a rank may run several threads):
 *   worker -> rank 0   MSG_LEN doubles: kind (0: first request, 1: a result
 *                      and a request), task, status code, steps taken, the
 *                      metrics, seconds
 *   rank 0 -> worker   one double: the next task id, or -1: stop
 * Tasks are handed out one at a time as workers ask, so a slow task never
 * idles the others; a worker asks for its next task with the result of its
 * last.  Doubles (exact for ids below 2^53) keep the messages portable
 * between machines of different byte order.  Nothing else is shared: no
 * collective during the run, no shared file system except for the results
 * file on rank 0 and, with --save-maps, the maps directory.
 *
 * Rank 0's main thread serves requests between 200-microsecond sleeps
 * rather than in a blocking receive, which Open MPI implements by polling
 * and which would take a core from the workers. */
#define _POSIX_C_SOURCE 200809L
#include "config.h"
#include <math.h>
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "gridform.h"
#include "sweep.h"

#define TAG_BASE 100
#define MSG_LEN (5 + SM_COUNT)

static int thread_level = MPI_THREAD_SINGLE;
static pthread_mutex_t mpi_lock = PTHREAD_MUTEX_INITIALIZER;

int sweep_mpi_available(void) { return 1; }

int sweep_mpi_init(int *argc, char ***argv, int *rank, int *size, char *err, size_t errlen)
{
    *rank = 0;
    *size = 1;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &thread_level) != MPI_SUCCESS) {
        snprintf(err, errlen, "gridform-sweep: MPI_Init_thread failed");
        return -1;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    return 0;
}

void sweep_mpi_finalize(void)
{
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    if (init && !fin)
        MPI_Finalize();
}

void sweep_mpi_abort(int status)
{
    int init = 0;
    MPI_Initialized(&init);
    if (init)
        MPI_Abort(MPI_COMM_WORLD, status);
    exit(status);
}

int sweep_mpi_bcast_int(int v)
{
    int init = 0;
    MPI_Initialized(&init);
    if (init)
        MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return v;
}

static void pause_us(long us)
{
    struct timespec ts = {0, us * 1000};
    nanosleep(&ts, NULL);
}

int sweep_mpi_serve(sweep_queue *q, int nlocal)
{
    int init = 0;
    MPI_Initialized(&init);
    if (!init)
        return sweep_run_threads(q, nlocal);
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int zero = 0, *threads = calloc((size_t)size, sizeof *threads);
    if (threads == NULL) {
        fprintf(stderr, "gridform-sweep: out of memory\n");
        sweep_mpi_abort(SWEEP_EXIT_FAIL);
    }
    MPI_Gather(&zero, 1, MPI_INT, threads, 1, MPI_INT, 0, MPI_COMM_WORLD);
    long remote = 0;
    for (int r = 1; r < size; r++)
        remote += threads[r];
    free(threads);

    sweep_pool *pool = NULL;
    if (nlocal > 0)
        sweep_pool_start(&pool, q, nlocal);
    long stopped = 0;
    double msg[MSG_LEN];
    for (;;) {
        if (q->failed) {
            fprintf(stderr, "%s\n", q->failure);
            sweep_mpi_abort(SWEEP_EXIT_FAIL);
        }
        if (stopped == remote && sweep_queue_done(q))
            break;
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
        if (!flag) {
            pause_us(200);
            continue;
        }
        MPI_Recv(msg, MSG_LEN, MPI_DOUBLE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (msg[0] == 1) {
            sweep_result r;
            r.task = (uint64_t)msg[1];
            r.code = (int)msg[2];
            r.steps = msg[3];
            for (int m = 0; m < SM_COUNT; m++)
                r.metric[m] = msg[4 + m];
            r.seconds = msg[4 + SM_COUNT];
            if (r.task >= q->o->grid.ntasks) {
                fprintf(stderr, "gridform-sweep: rank %d sent a result for task %.0f, not in the grid\n",
                        st.MPI_SOURCE, msg[1]);
                sweep_mpi_abort(SWEEP_EXIT_FAIL);
            }
            sweep_queue_put(q, &r);
        }
        uint64_t t = sweep_queue_take(q);
        double reply = t == UINT64_MAX ? -1.0 : (double)t;
        stopped += t == UINT64_MAX;
        MPI_Send(&reply, 1, MPI_DOUBLE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD);
    }
    sweep_pool_join(pool);
    return q->failed ? -1 : 0;
}

typedef struct {
    const sweep_options *o;
    int index;
} remote_worker;

/* Sends msg and waits for the reply on this thread's tag.  With several
 * threads (MPI_THREAD_SERIALIZED) every MPI call is made under mpi_lock and
 * the wait polls, so one thread's wait never blocks another's send. */
static double ask(const double *msg, int tag, int shared)
{
    double reply;
    if (!shared) {
        MPI_Send(msg, MSG_LEN, MPI_DOUBLE, 0, tag, MPI_COMM_WORLD);
        MPI_Recv(&reply, 1, MPI_DOUBLE, 0, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        return reply;
    }
    pthread_mutex_lock(&mpi_lock);
    MPI_Send(msg, MSG_LEN, MPI_DOUBLE, 0, tag, MPI_COMM_WORLD);
    pthread_mutex_unlock(&mpi_lock);
    for (;;) {
        int flag = 0;
        pthread_mutex_lock(&mpi_lock);
        MPI_Iprobe(0, tag, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
        if (flag)
            MPI_Recv(&reply, 1, MPI_DOUBLE, 0, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        pthread_mutex_unlock(&mpi_lock);
        if (flag)
            return reply;
        pause_us(100);
    }
}

static int shared_mpi;

static void *remote_main(void *arg)
{
    const remote_worker *rw = arg;
    const sweep_options *o = rw->o;
    char err[512];
    double msg[MSG_LEN];
    memset(msg, 0, sizeof msg);
    sweep_worker *w = sweep_worker_create(&o->grid);
    if (w == NULL) {
        fprintf(stderr, "gridform-sweep: out of memory for a worker\n");
        sweep_mpi_abort(SWEEP_EXIT_FAIL);
    }
    for (;;) {
        double t = ask(msg, TAG_BASE + rw->index, shared_mpi);
        if (t < 0)
            break;
        sweep_result r;
        double *maps = NULL;
        size_t n = 0;
        if (sweep_worker_run(w, (uint64_t)t, &r, o->save_maps ? &maps : NULL, &n, err, sizeof err) != 0
            || sweep_save_maps(o, (uint64_t)t, maps, n, err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            sweep_mpi_abort(SWEEP_EXIT_FAIL);
        }
        msg[0] = 1;
        msg[1] = (double)r.task;
        msg[2] = r.code;
        msg[3] = r.steps;
        for (int m = 0; m < SM_COUNT; m++)
            msg[4 + m] = r.metric[m];
        msg[4 + SM_COUNT] = r.seconds;
    }
    sweep_worker_destroy(w);
    return NULL;
}

int sweep_mpi_work(const sweep_options *o, int nthreads)
{
    /* Several threads need MPI_THREAD_SERIALIZED; with less, one. */
    if (nthreads > 1 && thread_level < MPI_THREAD_SERIALIZED)
        nthreads = 1;
    shared_mpi = nthreads > 1;
    MPI_Gather(&nthreads, 1, MPI_INT, NULL, 1, MPI_INT, 0, MPI_COMM_WORLD);
    pthread_t tid[1024];
    remote_worker rw[1024];
    int started = 0;
    for (int i = 1; i < nthreads; i++) {
        rw[i].o = o;
        rw[i].index = i;
        if (pthread_create(&tid[i], NULL, remote_main, &rw[i]) != 0) {
            fprintf(stderr, "gridform-sweep: cannot start worker thread %d\n", i + 1);
            sweep_mpi_abort(SWEEP_EXIT_FAIL);
        }
        started++;
    }
    rw[0].o = o;
    rw[0].index = 0;
    remote_main(&rw[0]);
    for (int i = 1; i <= started; i++)
        pthread_join(tid[i], NULL);
    return 0;
}
