/* libgridform: amplitude equations, ideal lattices, cubic gain and pattern objective (doc/theory.md §3). */
#ifndef GRIDFORM_AMPLITUDE_H
#define GRIDFORM_AMPLITUDE_H

#include <stddef.h>
#include <stdint.h>
#include "gridform/export.h"
#include "gridform/status.h"
#include "gridform/arena.h"
#include "gridform/kernel.h"
#include "gridform/learner.h"

GRIDFORM_BEGIN_DECLS

typedef struct gridform_amplitude gridform_amplitude;

/* Patterns of the three-wave amplitude equations (frozen values). */
enum {
    GRIDFORM_PATTERN_NONE = 1,         /* the rest state A = 0 */
    GRIDFORM_PATTERN_STRIPES = 2,      /* one amplitude, the other two zero */
    GRIDFORM_PATTERN_HEXAGONS = 3,     /* three equal amplitudes, phase sum 0 */
    GRIDFORM_PATTERN_HEXAGONS_PI = 4,  /* three equal amplitudes, phase sum pi */
    GRIDFORM_PATTERN_MIXED = 5         /* anything else */
};

/* Ideal lattices (frozen values). */
enum {
    GRIDFORM_LATTICE_HEX = 1,      /* three waves at 120 degrees, zero phase sum */
    GRIDFORM_LATTICE_SQUARE = 2,   /* two waves at 90 degrees */
    GRIDFORM_LATTICE_STRIPES = 3   /* one wave */
};

/* ---- amplitude equations (gridform_amplitude(3)) ----
 * dA1/dt = mu A1 + gamma conj(A2) conj(A3) - A1 (g0 |A1|^2 + g1 (|A2|^2 + |A3|^2))
 * and cyclic (Cross and Hohenberg 1993, section VI).  The state is three
 * complex amplitudes as 6 doubles: re A1, im A1, re A2, im A2, re A3, im A3. */
GRIDFORM_API int gridform_amplitude_create(gridform_amplitude **out);
GRIDFORM_API void gridform_amplitude_destroy(gridform_amplitude *a);
GRIDFORM_API const char *gridform_amplitude_last_error(const gridform_amplitude *a);

/* Requires finite values with g0 > 0 and g0 + 2 g1 > 0 (saturation). */
GRIDFORM_API int gridform_amplitude_set_coefficients(gridform_amplitude *a, double mu, double gamma,
                                                     double g0, double g1);
GRIDFORM_API int gridform_amplitude_get_coefficients(const gridform_amplitude *a, double *mu,
                                                     double *gamma, double *g0, double *g1);
/* Derive mu, gamma, g0, g1 from a kernel's ring and a nonlinearity
 * (GRIDFORM_NL_*, see gridform/learner.h) of the given strength (>= 0, in
 * the units of Sigma~); the derivation is in gridform_amplitude(3). */
GRIDFORM_API int gridform_amplitude_from_kernel(gridform_amplitude *a, const gridform_kernel *k,
                                                int nonlinearity, double strength);

GRIDFORM_API int gridform_amplitude_set_state(gridform_amplitude *a, const double *state);
GRIDFORM_API int gridform_amplitude_get_state(const gridform_amplitude *a, double *state);
/* Random state: every real and imaginary part uniform in [-amplitude, amplitude]. */
GRIDFORM_API int gridform_amplitude_seed(gridform_amplitude *a, uint64_t seed, double amplitude);
/* nsteps classical Runge-Kutta steps of size dt; elapsed time in *time. */
GRIDFORM_API int gridform_amplitude_iterate(gridform_amplitude *a, double dt, size_t nsteps);
GRIDFORM_API int gridform_amplitude_get_time(const gridform_amplitude *a, double *time);

/* Relative tolerance of the classifier (default 0.01). */
GRIDFORM_API int gridform_amplitude_set_tolerance(gridform_amplitude *a, double tol);
GRIDFORM_API int gridform_amplitude_classify(const gridform_amplitude *a, int *pattern);
/* Analytic existence and linear stability of a pattern at the current
 * coefficients; *exists and *stable are 0 or 1. */
GRIDFORM_API int gridform_amplitude_stability(const gridform_amplitude *a, int pattern, int *exists,
                                              int *stable);
/* Modulus of each nonzero amplitude of the pattern's fixed point (for
 * hexagons, the upper branch). */
GRIDFORM_API int gridform_amplitude_fixed_point(const gridform_amplitude *a, int pattern, double *amplitude);

/* ---- lattices, cubic gain, objective (gridform_lattice(3)) ---- */
/* The wavevectors of an ideal lattice: nwaves (1, 2 or 3) pairs (kx, ky) in
 * rad/m, snapped to the Fourier lattice in a periodic arena, and their mean
 * modulus k_used.  kxky holds at least 6 doubles; any of nwaves, k_used may
 * be NULL. */
GRIDFORM_API int gridform_lattice_wavevectors(const gridform_arena *ar, int lattice, double k, double angle,
                                              double *kxky, size_t *nwaves, double *k_used);
/* out (ny x nx) = sum_j cos(k_j . (x - x0)), x0 = (phase_x, phase_y) metres:
 * a field peak of height nwaves at x0. */
GRIDFORM_API int gridform_lattice_synthesize(const gridform_arena *ar, int lattice, double k, double angle,
                                             double phase_x, double phase_y, double *out);
/* <h^3> / <h^2>^(3/2) of the mean-free map h = map - <map>. */
GRIDFORM_API int gridform_cubic_gain(const gridform_arena *ar, const double *map, double *gain);
/* The nonnegativity-penalised Lagrangian L = g^T Sigma g - strength <phi(u)>
 * of the unit-norm map g = map/|map| (u = g sqrt(lx ly)); for RELU, the
 * objective of the rectified, renormalised map. */
GRIDFORM_API int gridform_pattern_objective(const gridform_kernel *k, const double *map, int nonlinearity,
                                            double strength, double *value);

GRIDFORM_END_DECLS

#endif
