/* libgridform: the learner's worker threads, the bottom layer of the
 * learner (learner.c -> learner_step.c -> here; see learner_pool.h).
 *
 * A step's per-map work (FFT, per-bin factor, inverse FFT, nonlinearity,
 * norms) is independent from map to map, so gridform_learner_set_threads(l,
 * T) shares the maps between T threads: the calling thread and T - 1 helper
 * threads, started once here and parked on a condition variable, take work
 * items one at a time from a shared counter (gridform__pool_take) until
 * none is left, so a thread the system deschedules on a busy machine holds
 * back one item, not a fixed block.  A step wakes them once per phase;
 * nothing is allocated or created in a step.  The threads belong to the
 * handle (no global state) and stop in gridform_learner_destroy.  The pool
 * runs whatever phase function it was started with and includes no learner
 * header. */
#include "config.h"
#include <pthread.h>
#include "internal.h"
#include "learner_pool.h"

typedef struct {
    gridform__pool *pool;
    int tid;
} worker_arg;

static void *worker_main(void *p)
{
    worker_arg *w = p;
    gridform__pool *pool = w->pool;
    unsigned long seen = 0;
    for (;;) {
        pthread_mutex_lock(&pool->mu);
        while (pool->gen == seen && !pool->quit)
            pthread_cond_wait(&pool->go, &pool->mu);
        if (pool->quit) {
            pthread_mutex_unlock(&pool->mu);
            return NULL;
        }
        seen = pool->gen;
        int phase = pool->phase;
        pthread_mutex_unlock(&pool->mu);
        pool->fn(pool->ctx, w->tid, phase);
        pthread_mutex_lock(&pool->mu);
        if (++pool->ndone == pool->nworkers - 1)
            pthread_cond_signal(&pool->done);
        pthread_mutex_unlock(&pool->mu);
    }
}

void gridform__pool_stop(gridform__pool *pool)
{
    if (pool->nstarted > 0) {
        pthread_mutex_lock(&pool->mu);
        pool->quit = 1;
        pthread_cond_broadcast(&pool->go);
        pthread_mutex_unlock(&pool->mu);
        for (int t = 0; t < pool->nstarted; t++)
            pthread_join(pool->threads[t], NULL);
    }
    if (pool->sync_ready) {
        pthread_mutex_destroy(&pool->mu);
        pthread_cond_destroy(&pool->go);
        pthread_cond_destroy(&pool->done);
    }
    gridform__free(pool->threads);
    gridform__free(pool->args);
    pool->threads = NULL;
    pool->args = NULL;
    pool->nstarted = 0;
    pool->sync_ready = 0;
    pool->quit = 0;
    pool->nworkers = 1;
}

int gridform__pool_start(gridform__pool *pool, int nworkers, gridform__pool_fn fn, void *ctx)
{
    gridform__pool_stop(pool);
    pool->fn = fn;
    pool->ctx = ctx;
    if (nworkers <= 1)
        return GRIDFORM_OK;
    pool->threads = gridform__malloc_array((size_t)nworkers - 1, sizeof *pool->threads);
    pool->args = gridform__malloc_array((size_t)nworkers - 1, sizeof(worker_arg));
    if (pool->threads == NULL || pool->args == NULL) {
        gridform__pool_stop(pool);
        return GRIDFORM_ENOMEM;
    }
    if (pthread_mutex_init(&pool->mu, NULL) != 0)
        goto fail_plain;
    if (pthread_cond_init(&pool->go, NULL) != 0) {
        pthread_mutex_destroy(&pool->mu);
        goto fail_plain;
    }
    if (pthread_cond_init(&pool->done, NULL) != 0) {
        pthread_cond_destroy(&pool->go);
        pthread_mutex_destroy(&pool->mu);
        goto fail_plain;
    }
    pool->sync_ready = 1;
    pool->gen = 0;
    pool->nworkers = nworkers;
    worker_arg *args = pool->args;
    for (int t = 1; t < nworkers; t++) {
        args[t - 1].pool = pool;
        args[t - 1].tid = t;
        if (pthread_create(&pool->threads[t - 1], NULL, worker_main, &args[t - 1]) != 0) {
            gridform__pool_stop(pool);
            return GRIDFORM_ENOMEM;
        }
        pool->nstarted = t;
    }
    return GRIDFORM_OK;
fail_plain:
    gridform__pool_stop(pool);
    return GRIDFORM_ENOMEM;
}

void gridform__pool_run(gridform__pool *pool, int phase)
{
    if (pool->nworkers <= 1) {
        pool->fn(pool->ctx, 0, phase);
        return;
    }
    pthread_mutex_lock(&pool->mu);
    pool->phase = phase;
    pool->ndone = 0;
    atomic_store_explicit(&pool->next, 0, memory_order_relaxed);
    pool->gen++;
    pthread_cond_broadcast(&pool->go);
    pthread_mutex_unlock(&pool->mu);
    pool->fn(pool->ctx, 0, phase);
    pthread_mutex_lock(&pool->mu);
    while (pool->ndone < pool->nworkers - 1)
        pthread_cond_wait(&pool->done, &pool->mu);
    pthread_mutex_unlock(&pool->mu);
}
