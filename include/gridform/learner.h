/* libgridform: pattern-forming learning dynamics (doc/theory.md §2 to §4). */
#ifndef GRIDFORM_LEARNER_H
#define GRIDFORM_LEARNER_H

#include <stddef.h>
#include <stdint.h>
#include "gridform/export.h"
#include "gridform/status.h"
#include "gridform/kernel.h"
#include "gridform/precision.h"

GRIDFORM_BEGIN_DECLS

typedef struct gridform_learner gridform_learner;

/* Nonlinearities: how nonnegativity is imposed (frozen values).  Shared by
 * the learner, the amplitude equations (gridform_amplitude_from_kernel,
 * gridform_pattern_objective) and the attractor network.  The learner's
 * exact rules are in gridform_learner(3). */
enum {
    GRIDFORM_NL_LINEAR = 1,  /* no constraint: the symmetric linear theory */
    GRIDFORM_NL_RELU = 2,    /* rectification g <- max(g, 0), a projection onto g >= 0 */
    GRIDFORM_NL_SOFT = 3,    /* a penalty on negative values with a given strength */
    GRIDFORM_NL_TANH = 4     /* the odd control: keeps the g -> -g symmetry */
};

/* Couplings between maps (frozen values). */
enum {
    GRIDFORM_COUPLING_INDEPENDENT = 1,  /* each map alone, norm held fixed (Oja) */
    GRIDFORM_COUPLING_SANGER = 2,       /* ordered: map j tends to the j-th eigenvector */
    GRIDFORM_COUPLING_SYMMETRIC = 3     /* Oja subspace rule */
};

/* Integrators (frozen values). */
enum {
    GRIDFORM_INTEGRATOR_EULER = 1,       /* explicit Euler, as the published simulations */
    GRIDFORM_INTEGRATOR_EXPONENTIAL = 2, /* linear part exact per Fourier bin, then the nonlinearity (0.2) */
    GRIDFORM_INTEGRATOR_ETD = 3,         /* the default: ETD2RK with error control, exact fixed points */
    GRIDFORM_INTEGRATOR_ACTIVE_SET = 4   /* experimental, opt-in: RELU/LINEAR independent maps, Fourier
                                            kernels; the active set's operator in the exponential (Lanczos),
                                            step doubling (doc/theory.md §2.10) */
};

/* FFTW planning rigor (frozen values). */
enum {
    GRIDFORM_PLAN_ESTIMATE = 1,  /* FFTW_ESTIMATE: instant, the default */
    GRIDFORM_PLAN_MEASURE = 2,   /* FFTW_MEASURE: times candidate plans once */
    GRIDFORM_PLAN_PATIENT = 3    /* FFTW_PATIENT: slower planning, sometimes faster steps */
};

GRIDFORM_API int gridform_learner_create(gridform_learner **out, const gridform_kernel *k, size_t nmaps);
GRIDFORM_API void gridform_learner_destroy(gridform_learner *l);
GRIDFORM_API const char *gridform_learner_last_error(const gridform_learner *l);

GRIDFORM_API int gridform_learner_set_nonlinearity(gridform_learner *l, int kind, double strength);
GRIDFORM_API int gridform_learner_set_coupling(gridform_learner *l, int kind);
GRIDFORM_API int gridform_learner_set_integrator(gridform_learner *l, int kind);
GRIDFORM_API int gridform_learner_set_step(gridform_learner *l, double dt);
GRIDFORM_API int gridform_learner_get_step(const gridform_learner *l, double *dt);
/* Largest stable explicit Euler step for the current coupling and number
 * of maps (gridform_learner(3), doc/theory.md §2.4). */
GRIDFORM_API int gridform_learner_get_euler_limit(const gridform_learner *l, double *dt);
/* Automatic step control: on (1, the default) a step that would diverge is
 * rejected and retried with half the step; off (0) every step uses the
 * step set, as in the published fixed-step scheme. */
GRIDFORM_API int gridform_learner_set_step_control(gridform_learner *l, int on);
/* Steps rejected by the step control since the maps were set. */
GRIDFORM_API int gridform_learner_get_rejected(const gridform_learner *l, size_t *rejected);
/* The stationarity (KKT) residual of the current maps: the largest norm,
 * over maps, of the projected force of the continuous problem, relative
 * to max |Sigma~| (doc/theory.md §2.7).  It depends on the maps only, never
 * on the step; gridform_learner_run compares it with tol. */
GRIDFORM_API int gridform_learner_get_residual(const gridform_learner *l, double *residual);
/* Relative tolerance of one step's local error under GRIDFORM_INTEGRATOR_ETD and _ACTIVE_SET
 * (default 1e-3, doc/theory.md §2.9, §2.10): finite, > 0 and < 1. */
GRIDFORM_API int gridform_learner_set_tolerance(gridform_learner *l, double rtol);
GRIDFORM_API int gridform_learner_get_tolerance(const gridform_learner *l, double *rtol);
GRIDFORM_API int gridform_learner_set_threads(gridform_learner *l, int nthreads);
GRIDFORM_API int gridform_learner_set_planning(gridform_learner *l, int rigor);

/* Random maps, uniform in [-amplitude, amplitude], from the library's own
 * generator: bit-identical for the same seed on every platform. */
GRIDFORM_API int gridform_learner_seed(gridform_learner *l, uint64_t seed, double amplitude);
/* Copy nmaps x ny x nx maps (map-major) in or out. */
GRIDFORM_API int gridform_learner_set_maps(gridform_learner *l, const double *maps);
GRIDFORM_API int gridform_learner_get_maps(const gridform_learner *l, double *maps);
GRIDFORM_API int gridform_learner_get_nmaps(const gridform_learner *l, size_t *nmaps);
/* Model time and steps taken since the last seed or set_maps. */
GRIDFORM_API int gridform_learner_get_time(const gridform_learner *l, double *time, size_t *steps);

GRIDFORM_API int gridform_learner_iterate(gridform_learner *l, size_t nsteps);
GRIDFORM_API int gridform_learner_run(gridform_learner *l, size_t max_steps, double tol,
                                      gridform_progress_fn progress, void *user);

/* Rayleigh quotients g^T Sigma g / g^T g of each map (per_map, nmaps
 * values, may be NULL) and their sum (total, may be NULL; not both). */
GRIDFORM_API int gridform_learner_objective(gridform_learner *l, double *per_map, double *total);

/* Working precision (doc/theory.md §2.8): GRIDFORM_PRECISION_DOUBLE (the
 * default) or GRIDFORM_PRECISION_SINGLE (state, FFTs and BLAS in float;
 * maps still go in and out as double).  Switching keeps the maps, rounded. */
GRIDFORM_API int gridform_learner_set_precision(gridform_learner *l, int precision);
GRIDFORM_API int gridform_learner_get_precision(const gridform_learner *l, int *precision);
/* Spectral truncation of the coupling products (doc/theory.md §2.6): only
 * bins with |Sigma~| >= epsilon max |Sigma~| enter M = G Sigma G^T dA.
 * Default epsilon 1e-16 (double) or 1e-8 (single); 0 keeps every bin.
 * kept: the number of rfft bins that enter M. */
GRIDFORM_API int gridform_learner_set_truncation(gridform_learner *l, double epsilon);
GRIDFORM_API int gridform_learner_get_truncation(const gridform_learner *l, double *epsilon, size_t *kept);

/* Has a map collapsed instead of forming a pattern (doc/theory.md §1.6)?
 * Each map is classified from its values: GRIDFORM_MAP_CONSTANT when its
 * mean carries >= 90% of its mean square, else GRIDFORM_MAP_BUMP when the
 * bins above half its range form one connected field, else
 * GRIDFORM_MAP_PATTERN.  per_map_class (nmaps ints) and ncollapsed (maps
 * not PATTERN) may each be NULL, not both.  Values frozen. */
enum {
    GRIDFORM_MAP_PATTERN = 0,
    GRIDFORM_MAP_BUMP = 1,
    GRIDFORM_MAP_CONSTANT = 2
};
GRIDFORM_API int gridform_learner_diagnose(const gridform_learner *l, int *per_map_class, size_t *ncollapsed);

GRIDFORM_END_DECLS

#endif
