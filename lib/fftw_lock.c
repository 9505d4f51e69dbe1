/* libgridform: the one lock around FFTW's planner.
 *
 * FFTW documents that only fftw_execute* is thread-safe; planning and
 * destroying plans touch global planner state.  So all planning in the
 * library goes through one internal lock; this mutex is the library's only
 * mutable global state. */
#include "config.h"
#include <pthread.h>
#include <fftw3.h>
#include "internal.h"

static pthread_mutex_t gridform_fftw_mutex = PTHREAD_MUTEX_INITIALIZER;
#ifdef HAVE_FFTW3_THREADS
static pthread_once_t gridform_fftw_once = PTHREAD_ONCE_INIT;
static int gridform_fftw_threads_ok;

static void gridform_fftw_init_threads(void)
{
    gridform_fftw_threads_ok = fftw_init_threads() != 0;
}
#endif

void gridform__fftw_lock(int nthreads)
{
#ifdef HAVE_FFTW3_THREADS
    pthread_once(&gridform_fftw_once, gridform_fftw_init_threads);
#endif
    pthread_mutex_lock(&gridform_fftw_mutex);
#ifdef HAVE_FFTW3_THREADS
    if (gridform_fftw_threads_ok)
        fftw_plan_with_nthreads(nthreads < 1 ? 1 : nthreads);
#else
    (void)nthreads;
#endif
}

void gridform__fftw_unlock(void)
{
    pthread_mutex_unlock(&gridform_fftw_mutex);
}
