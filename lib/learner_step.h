/* libgridform: what the learner's handle (learner.c) asks of the step
 * (learner_step.c): the middle layer of handle -> step -> pool (see
 * learner_impl.h).  Not installed. */
#ifndef GRIDFORM_LEARNER_STEP_H
#define GRIDFORM_LEARNER_STEP_H

#include "learner_impl.h"

/* One step.  want_change: compute last_change.  l->api names the public
 * function for messages.  On divergence returns GRIDFORM_EDIVERGED with the
 * detail recorded and the state unchanged. */
int gridform__learner_step(gridform_learner *l, int want_change);
/* One try of a step with the current dt (learner_step.c), the new maps
 * written to *out, the state untouched; the step control above decides. */
int gridform__learner_attempt(gridform_learner *l, void **out);
/* Rayleigh quotient of every map of the current state; uses the a buffer
 * as workspace. */
void gridform__learner_rayleigh(gridform_learner *l, double *per_map);
/* Recompute the per-bin factors from dt, integrator and the spectrum. */
void gridform__learner_update_factors(gridform_learner *l);
/* Forget the runaway history (after a change of dt or of the maps). */
void gridform__learner_reset_runaway(gridform_learner *l);
/* Largest stable explicit Euler step with this coupling. */
double gridform__learner_euler_limit(const gridform_learner *l, int coupling);
/* The default step of an integrator and coupling (safe from any maps), and
 * the largest step the step control grows to when the user set none. */
double gridform__learner_default_step(const gridform_learner *l, int integrator, int coupling);
double gridform__learner_ceiling_step(const gridform_learner *l, int integrator, int coupling);
/* Share the step between nworkers threads (the caller included):
 * GRIDFORM_OK or GRIDFORM_ENOMEM (then one worker remains). */
int gridform__learner_set_workers(gridform_learner *l, int nworkers);
/* Stop the workers and free their slots (destroy). */
void gridform__learner_release_workers(gridform_learner *l);
/* The float step (lib/learner_step_single.c: learner_step.c compiled with
 * GF_LEARNER_SINGLE), reached through the double entry points above and
 * the pool's phase function when l->precision is GRIDFORM_PRECISION_SINGLE
 * (doc/theory.md §2.8). */
int gridform__learner_attempt_single(gridform_learner *l, void **out);
void gridform__learner_rayleigh_single(gridform_learner *l, double *per_map);
void gridform__learner_phase_single(void *ctx, int tid, int phase);
/* EXACT kernels: the operator and its spectral bounds are the kernel's
 * (lib/kernel_exact.c, reached through gridform_kernel_apply and
 * lib/kernel_op.h); the step applies it in real space. */

#endif
