/* libgridform: the spatial correlation kernel Sigma (doc/theory.md §1.2-1.5 and §4). */
#ifndef GRIDFORM_KERNEL_H
#define GRIDFORM_KERNEL_H

#include <stddef.h>
#include "gridform/export.h"
#include "gridform/arena.h"
#include "gridform/placecode.h"

GRIDFORM_BEGIN_DECLS

typedef struct gridform_kernel gridform_kernel;

/* Representations of Sigma (frozen values).  The low byte of a mode is
 * the representation; flags are OR-ed above it. */
enum {
    GRIDFORM_KERNEL_FOURIER = 1,  /* translation-invariant Fourier multiplier (periodic arena) */
    GRIDFORM_KERNEL_EXACT = 2,    /* low-rank P P^T / np of the actual cells, real space */
    GRIDFORM_KERNEL_RADIAL = 3,   /* Fourier multiplier from a user radial spectrum */
    GRIDFORM_KERNEL_AVERAGED = 4, /* translation average of EXACT: the Fourier diagonal
                                   * <f_k, Sigma f_k> as a periodic multiplier, any arena
                                   * (on a walled arena it wraps: doc/theory.md §1.3) */
    GRIDFORM_KERNEL_SPECTRUM = 5, /* Fourier multiplier from a user lattice spectrum */
    GRIDFORM_KERNEL_UNIFORM = 6,  /* cells of uniform density over the walled arena's shape S:
                                   * (1/|S|) int_S p(x-c) p(x'-c) dc, by zero-padded FFTs
                                   * (gridform_arena_shapes(3), doc/theory.md §7.4) */
    GRIDFORM_KERNEL_MODE_MASK = 0xff,
    /* Flag: remove the constant mode, (I - 11^T/N) Sigma (I - 11^T/N);
     * Sigma~(0) = 0 for multipliers (doc/theory.md §1.3). */
    GRIDFORM_KERNEL_CENTERED = 0x100
};

/* A radial spectrum Sigma~(k), k in rad/m. */
typedef double (*gridform_spectrum_fn)(double k, void *user);

GRIDFORM_API int gridform_kernel_create(gridform_kernel **out, const gridform_placecode *pc, int mode);
GRIDFORM_API int gridform_kernel_create_radial(gridform_kernel **out, const gridform_arena *a,
                                               gridform_spectrum_fn spectrum, void *user);
/* A Fourier multiplier from Sigma~ given on the arena's rfft lattice
 * (ny x (nx/2+1) values, gridform_arena_wavevectors order, units of
 * Sigma~: m^2 times the kernel's units); copied.  Applied with periodic
 * wrap on any arena.  Mode GRIDFORM_KERNEL_SPECTRUM. */
GRIDFORM_API int gridform_kernel_create_spectrum(gridform_kernel **out, const gridform_arena *a,
                                                 const double *spectrum);
/* Set (on = 1) or clear (on = 0) GRIDFORM_KERNEL_CENTERED on a kernel of
 * any mode, the way create_radial and create_spectrum kernels get it.
 * Only before the kernel's first gridform_kernel_apply or
 * gridform_kernel_spectrum call (learners and networks read it then). */
GRIDFORM_API int gridform_kernel_set_centered(gridform_kernel *k, int on);
GRIDFORM_API void gridform_kernel_destroy(gridform_kernel *k);
GRIDFORM_API const char *gridform_kernel_last_error(const gridform_kernel *k);

GRIDFORM_API const gridform_arena *gridform_kernel_get_arena(const gridform_kernel *k);
/* The mode with its flags (mask with GRIDFORM_KERNEL_MODE_MASK). */
GRIDFORM_API int gridform_kernel_get_mode(const gridform_kernel *k, int *mode);

/* out = Sigma in for nmaps maps, map-major (nmaps x ny x nx); Sigma acts as
 * an integral with area element dA.  in and out may not alias. */
GRIDFORM_API int gridform_kernel_apply(const gridform_kernel *k, const double *in, double *out, size_t nmaps);

/* Sigma~ on the rfft lattice (nfreq values, same indexing as
 * gridform_arena_wavevectors).  For FOURIER and RADIAL kernels these are
 * the exact eigenvalues of the discretised operator; for EXACT kernels the
 * diagonal of Sigma in the Fourier basis (what AVERAGED applies).
 * Centred kernels give spectrum[0] = 0. */
GRIDFORM_API int gridform_kernel_spectrum(const gridform_kernel *k, double *spectrum);

/* Continuum radial profile Sigma~(|k|) at nk wavenumbers. */
GRIDFORM_API int gridform_kernel_radial_profile(const gridform_kernel *k, const double *kmag,
                                                size_t nk, double *value);

/* Ring radius k* (rad/m) and hexagonal spacing 4 pi / (sqrt 3 k*) (m).
 * Maximum at k = 0: kstar = 0, spacing = +inf, GRIDFORM_EUNDEFINED. */
GRIDFORM_API int gridform_kernel_ring(const gridform_kernel *k, double *kstar, double *spacing);

/* Fourier-lattice eigen shells sorted by decreasing Sigma~: |k|, value and
 * number of real eigenvectors (multiplicity) of each, at most max shells. */
GRIDFORM_API int gridform_kernel_shells(const gridform_kernel *k, size_t max, double *kmag,
                                        double *value, size_t *multiplicity, size_t *nshells);

GRIDFORM_END_DECLS

#endif
