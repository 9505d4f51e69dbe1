/* libgridform: the centre-surround attractor network (doc/theory.md §5.1). */
#ifndef GRIDFORM_ATTRACTOR_H
#define GRIDFORM_ATTRACTOR_H

#include <stddef.h>
#include <stdint.h>
#include "gridform/export.h"
#include "gridform/status.h"
#include "gridform/kernel.h"
#include "gridform/learner.h"
#include "gridform/precision.h"

GRIDFORM_BEGIN_DECLS

/* A rate network  tau dr/dt = -r + phi(J * r + b)  on a neural sheet that is
 * the kernel's arena (a torus), with J = gain * Sigma / Sigma~max: the
 * largest eigenvalue of J on the sheet's Fourier lattice equals gain, so
 * gain > 1 is the pattern-forming instability.  Four direction-tuned
 * subpopulations (+x, -x, +y, -y) share the sheet; their outgoing weights
 * are shifted by `shift` along their preferred direction and their input is
 * b (1 + alpha e_d . v) (Burak and Fiete 2009), so a velocity v translates
 * the pattern.  The nonlinearity is one of GRIDFORM_NL_RELU (default),
 * GRIDFORM_NL_LINEAR or GRIDFORM_NL_TANH (learner.h). */
typedef struct gridform_attractor gridform_attractor;

GRIDFORM_API int gridform_attractor_create(gridform_attractor **out, const gridform_kernel *J);
GRIDFORM_API void gridform_attractor_destroy(gridform_attractor *a);
GRIDFORM_API const char *gridform_attractor_last_error(const gridform_attractor *a);

/* Parameters; defaults: gain 1.1, tau 0.01 s, dt 0.001 s, input b 1,
 * GRIDFORM_NL_RELU, shift pi/(10 k*) m (a twentieth of the wavelength), alpha 0.1 s/m, v 0. */
GRIDFORM_API int gridform_attractor_set_gain(gridform_attractor *a, double gain);
GRIDFORM_API int gridform_attractor_set_tau(gridform_attractor *a, double tau);
GRIDFORM_API int gridform_attractor_set_dt(gridform_attractor *a, double dt);
GRIDFORM_API int gridform_attractor_set_input(gridform_attractor *a, double b);
GRIDFORM_API int gridform_attractor_set_nonlinearity(gridform_attractor *a, int nonlinearity);
GRIDFORM_API int gridform_attractor_set_velocity_coupling(gridform_attractor *a, double shift, double alpha);
GRIDFORM_API int gridform_attractor_set_velocity(gridform_attractor *a, double vx, double vy);
GRIDFORM_API int gridform_attractor_get_parameters(const gridform_attractor *a, double *gain, double *tau,
                                                   double *dt, double *b, int *nonlinearity);

/* Working precision: GRIDFORM_PRECISION_DOUBLE (default) or
 * GRIDFORM_PRECISION_SINGLE (rates, transforms and the step in float; rates
 * still go in and out as double).  Switching keeps the rates, rounded to
 * the new precision. */
GRIDFORM_API int gridform_attractor_set_precision(gridform_attractor *a, int precision);
GRIDFORM_API int gridform_attractor_get_precision(const gridform_attractor *a, int *precision);

/* State.  Rates are ny x nx doubles (the mean over the four populations). */
GRIDFORM_API int gridform_attractor_seed(gridform_attractor *a, uint64_t seed, double amplitude);
GRIDFORM_API int gridform_attractor_set_rates(gridform_attractor *a, const double *rates);
GRIDFORM_API int gridform_attractor_get_rates(const gridform_attractor *a, double *rates);
GRIDFORM_API int gridform_attractor_get_time(const gridform_attractor *a, double *t);

/* Dynamics.  iterate advances nsteps intervals of dt; run up to max_steps
 * of them: GRIDFORM_OK when the residual (get_residual) of an
 * accepted state falls below tol; GRIDFORM_CONTINUE after max_steps;
 * GRIDFORM_ECANCELED if progress (which receives the residual as its
 * value) returns nonzero;
 * GRIDFORM_EDIVERGED when |J * r| exceeds 1e6 times the larger of |b| and
 * the initial rates (a runaway: LINEAR above gain 1, RELU far above it),
 * the step not taken, so get_rates still gives the last finite state
 * (with GRIDFORM_EDIVERGED) until the next seed or set_rates. */
GRIDFORM_API int gridform_attractor_iterate(gridform_attractor *a, size_t nsteps);
/* Time stepping (doc/theory.md §5.4).  With step control on (the default)
 * each interval of dt is integrated by an embedded ETD2RK/ETD1 pair whose
 * steps a PI controller sizes so that the local error stays below rtol
 * (default 1e-3) relative to |r|; off: one exponential-Euler step of dt
 * per interval, the 0.2 scheme.  get_residual: |-r + phi(J * r + b)| /
 * max(|r|, |phi(J * r + b)|) (finite; 0 only at rest)
 * of the current rates, the flow's own stationarity, whatever the step;
 * get_steps: the steps accepted and rejected since the last seed.  A step
 * that cannot meet rtol ends iterate/run with GRIDFORM_EACCURACY, the
 * rates before it kept. */
GRIDFORM_API int gridform_attractor_set_step_control(gridform_attractor *a, int on);
GRIDFORM_API int gridform_attractor_set_tolerance(gridform_attractor *a, double rtol);
GRIDFORM_API int gridform_attractor_get_residual(gridform_attractor *a, double *residual);
GRIDFORM_API int gridform_attractor_get_steps(const gridform_attractor *a, size_t *accepted, size_t *rejected);
GRIDFORM_API int gridform_attractor_run(gridform_attractor *a, size_t max_steps, double tol,
                                        gridform_progress_fn progress, void *user);

/* Path integration readout: the pattern's displacement on the sheet
 * (metres, the sign of motion) since gridform_attractor_reset_displacement,
 * from the phases of its three strongest Fourier modes. */
GRIDFORM_API int gridform_attractor_reset_displacement(gridform_attractor *a);
GRIDFORM_API int gridform_attractor_get_displacement(gridform_attractor *a, double *dx, double *dy);

GRIDFORM_END_DECLS

#endif
