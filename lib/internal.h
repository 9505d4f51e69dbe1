/* libgridform: private declarations shared by the modules.  Not installed.
 *
 * Everything here has hidden visibility (the library is built with
 * -fvisibility=hidden and only GRIDFORM_API symbols are exported). */
#ifndef GRIDFORM_INTERNAL_H
#define GRIDFORM_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "gridform.h"

#if defined(__GNUC__)
#  define GRIDFORM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define GRIDFORM_PRINTF(f, a)
#endif

/* pi to double precision; M_PI is POSIX, not C11. */
#define GF_PI 3.14159265358979323846

/* ---- errors --------------------------------------------------------------
 * Every handle embeds one of these.  All failures go through
 * gridform__fail(), which formats the detail once into the handle's slot (if
 * any) and into the calling thread's slot read by gridform_last_error(), and
 * returns the code so callers can write `return gridform__fail(...)`. */
#define GRIDFORM_ERRMSG_MAX 256
typedef struct { char msg[GRIDFORM_ERRMSG_MAX]; } gridform__errbuf;

int gridform__fail(gridform__errbuf *slot, int code, const char *func, const char *fmt, ...)
    GRIDFORM_PRINTF(4, 5);
int gridform__vfail(gridform__errbuf *slot, int code, const char *func, const char *fmt, va_list ap);
/* Reading a handle's slot; a NULL handle gives a fixed explanation. */
const char *gridform__errtext(const gridform__errbuf *slot);

/* Shorthands inside a function that has a local `gridform__errbuf *eb`. */
#define GF_FAIL(eb, code, ...) gridform__fail((eb), (code), __func__, __VA_ARGS__)
#define GF_CHECK_PTR(eb, p) \
    do { if ((p) == NULL) return GF_FAIL((eb), GRIDFORM_EINVAL, "%s must not be NULL", #p); } while (0)

/* ---- sizes ---------------------------------------------------------------
 * All size products go through these: 0 on overflow, 1 on success. */
int gridform__mul_size(size_t a, size_t b, size_t *out);
int gridform__mul3_size(size_t a, size_t b, size_t c, size_t *out);
int gridform__add_size(size_t a, size_t b, size_t *out);

/* ---- memory --------------------------------------------------------------
 * All library allocations go through these so the allocation-failure hook
 * (gridform_debug_fail_allocation) reaches every one.  The array forms check
 * n*size for overflow.  gridform__aligned_* use fftw_malloc (SIMD alignment)
 * and must be freed with gridform__aligned_free. */
void *gridform__malloc(size_t size);
void *gridform__calloc(size_t n, size_t size);
void *gridform__malloc_array(size_t n, size_t size);
void gridform__free(void *p);
double *gridform__aligned_doubles(size_t n);
void *gridform__aligned_alloc(size_t bytes);
void gridform__aligned_free(void *p);
/* True if the allocation hook says this allocation should fail. */
int gridform__alloc_should_fail(void);

/* ---- FFTW ----------------------------------------------------------------
 * FFTW's planner is not thread-safe: every fftw_plan_* and fftw_destroy_plan
 * call is made between gridform__fftw_lock() and gridform__fftw_unlock().
 * gridform__fftw_lock() also initialises fftw3_threads once and sets the
 * thread count (>= 1) for the plans made while it is held. */
void gridform__fftw_lock(int nthreads);
void gridform__fftw_unlock(void);
/* The smallest n >= m whose only prime factors are 2, 3, 5 and 7: the
 * padded sizes FFTW transforms fastest. */
size_t gridform__fft_fast_size(size_t m);

/* ---- randomness ----------------------------------------------------------
 * xoshiro256** (Blackman and Vigna 2018) seeded by splitmix64 (Steele et al.
 * 2014): the same seed gives the same stream on every platform. */
typedef struct { uint64_t s[4]; } gridform__rng;
void gridform__rng_seed(gridform__rng *r, uint64_t seed);
uint64_t gridform__rng_next(gridform__rng *r);
/* Uniform in [0, 1) with 53 random bits: exact on every IEEE-754 platform. */
double gridform__rng_uniform(gridform__rng *r);
/* Standard normal by Box-Muller; depends on libm's log/cos/sin, so it is
 * reproducible to round-off across platforms, bit-identical on one. */
double gridform__rng_normal(gridform__rng *r);

/* ---- arena internals -----------------------------------------------------*/
struct gridform_arena {
    gridform__errbuf err;
    double lx, ly;
    size_t nx, ny;
    int boundary;
    size_t npoints;   /* nx*ny, checked */
    size_t nfreq;     /* ny*(nx/2+1), checked */
    /* The arena's shape (walled arenas only): ny*nx bytes, 1 for a bin the
     * animal can reach, 0 outside; NULL for the whole box.  Owned by the
     * arena.  ninside counts the ones (npoints when inside is NULL). */
    unsigned char *inside;
    size_t ninside;
    /* Polygon arenas (gridform_arena_create_polygon): the rings, first the
     * outer boundary and then the holes, nverts x 2 metres in ring order,
     * ring_sizes[nrings]; kept for inside tests and geodesics.  NULL for
     * rectangles and masks.  Owned by the arena. */
    double *poly;
    size_t *ring_sizes;
    size_t nrings, nverts;
};
/* The shape of an arena: NULL when every bin is inside (a rectangle), else
 * ny*nx bytes, 1 inside and 0 outside.  Every module that takes an arena
 * must respect it: maps are 0 outside, norms and sums run over the inside,
 * scores treat outside bins as unvisited. */
const unsigned char *gridform__arena_inside(const gridform_arena *a);
/* Number of inside bins (npoints for a rectangle). */
size_t gridform__arena_ninside(const gridform_arena *a);
/* Wavevector of rfft bin (iy, jx): see gridform_arena_wavevectors. */
void gridform__arena_wavevector(const gridform_arena *a, size_t iy, size_t jx, double *kx, double *ky);
/* Is x finite? (no NaN, no Inf) */
int gridform__finite(double x);

#endif
