/* libgridform: the one lock around FFTW's planner, and the transform sizes
 * FFTW is fast at.
 *
 * FFTW documents that only fftw_execute* is thread-safe; planning and
 * destroying plans touch global planner state.  So all planning in the
 * library goes through one internal lock; this mutex is the library's only
 * mutable global state.  The single-precision library (fftwf_*, used by
 * the learner's and the network's GRIDFORM_PRECISION_SINGLE) has planner
 * state of its own; the same lock covers it, which costs nothing (planning
 * is rare) and keeps one rule for every caller. */
#include "config.h"
#include <pthread.h>
#include <fftw3.h>
#include "internal.h"

static pthread_mutex_t gridform_fftw_mutex = PTHREAD_MUTEX_INITIALIZER;
#if defined(HAVE_FFTW3_THREADS) || defined(HAVE_FFTW3F_THREADS)
static pthread_once_t gridform_fftw_once = PTHREAD_ONCE_INIT;
#ifdef HAVE_FFTW3_THREADS
static int gridform_fftw_threads_ok;
#endif
#ifdef HAVE_FFTW3F_THREADS
static int gridform_fftwf_threads_ok;
#endif

static void gridform_fftw_init_threads(void)
{
#ifdef HAVE_FFTW3_THREADS
    gridform_fftw_threads_ok = fftw_init_threads() != 0;
#endif
#ifdef HAVE_FFTW3F_THREADS
    gridform_fftwf_threads_ok = fftwf_init_threads() != 0;
#endif
}
#endif

void gridform__fftw_lock(int nthreads)
{
#if defined(HAVE_FFTW3_THREADS) || defined(HAVE_FFTW3F_THREADS)
    pthread_once(&gridform_fftw_once, gridform_fftw_init_threads);
#endif
    pthread_mutex_lock(&gridform_fftw_mutex);
    if (nthreads < 1)
        nthreads = 1;
#ifdef HAVE_FFTW3_THREADS
    if (gridform_fftw_threads_ok)
        fftw_plan_with_nthreads(nthreads);
#endif
#ifdef HAVE_FFTW3F_THREADS
    if (gridform_fftwf_threads_ok)
        fftwf_plan_with_nthreads(nthreads);
#endif
    (void)nthreads;
}

void gridform__fftw_unlock(void)
{
    pthread_mutex_unlock(&gridform_fftw_mutex);
}

size_t gridform__fft_fast_size(size_t m)
{
    for (size_t n = m;; n++) {
        size_t r = n;
        static const size_t f[4] = {2, 3, 5, 7};
        for (int i = 0; i < 4; i++)
            while (r % f[i] == 0)
                r /= f[i];
        if (r == 1)
            return n;
    }
}
