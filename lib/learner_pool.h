/* libgridform: the learner's worker threads (lib/learner_pool.c).
 *
 * The bottom layer of the learner: handle and run loop (learner.c) -> step
 * (learner_step.c) -> pool (this file).  The pool knows nothing of maps or
 * spectra: it runs a phase function, given at start, on every worker with
 * the phase number the step asks for, and hands out work items (maps,
 * lanes, chunks) from a shared counter.  Not installed. */
#ifndef GRIDFORM_LEARNER_POOL_H
#define GRIDFORM_LEARNER_POOL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

/* Work of one phase on worker tid (0 is the calling thread). */
typedef void (*gridform__pool_fn)(void *ctx, int tid, int phase);

typedef struct {
    int nworkers;            /* threads running a phase, the caller included (>= 1) */
    int nstarted;            /* helper threads running */
    pthread_t *threads;
    void *args;
    gridform__pool_fn fn;
    void *ctx;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    int sync_ready;
    unsigned long gen;       /* bumped once per dispatched phase */
    atomic_size_t next;      /* the next work item of the current phase */
    int phase, ndone, quit;
} gridform__pool;

/* Start nworkers - 1 helper threads running fn(ctx, tid, phase) on demand
 * (stopping any running ones first).  GRIDFORM_OK or GRIDFORM_ENOMEM; on
 * failure the pool is left with one worker, the caller. */
int gridform__pool_start(gridform__pool *pool, int nworkers, gridform__pool_fn fn, void *ctx);
/* Join the helper threads; the pool keeps working with the caller alone. */
void gridform__pool_stop(gridform__pool *pool);
/* Run one phase on every worker and wait for all of them. */
void gridform__pool_run(gridform__pool *pool, int phase);
/* The next work item of the current phase for a worker: items are handed
 * out one at a time, in increasing order, from the shared counter (reset
 * under the pool's mutex before each phase; the mutex and condition
 * hand-offs order the phases, so the counter itself needs no ordering).
 * With one worker, or solo != 0 (the phase runs on the caller alone),
 * *mine counts the items instead. */
static inline size_t gridform__pool_take(gridform__pool *pool, size_t *mine, int solo)
{
    if (pool->nworkers <= 1 || solo)
        return (*mine)++;
    return atomic_fetch_add_explicit(&pool->next, 1, memory_order_relaxed);
}

#endif
