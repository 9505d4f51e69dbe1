/* libgridform: the learner's ETD integrator and stationarity residual
 * (lib/learner_etd.c, doc/theory.md §2.7 and §2.9).  Not installed. */
#ifndef GRIDFORM_LEARNER_ETD_H
#define GRIDFORM_LEARNER_ETD_H

#include "learner_impl.h"

/* Pool phases of the ETD step (lib/learner_step.c's phase function hands
 * them to gridform__learner_etd_phase). */
enum {
    GF_LEARNER_PH_ETD_SIGMA = 20,   /* x -> spectrum, Sigma x (real) */
    GF_LEARNER_PH_ETD_FORCE = 21,   /* force, multiplier, residual, N and its spectrum */
    GF_LEARNER_PH_ETD_PROP1 = 22,   /* ETD1 stage, projected */
    GF_LEARNER_PH_ETD_PROP2 = 23,   /* ETD2RK step, projected, error */
    GF_LEARNER_PH_ETD_COPY = 24,    /* the state widened and normalised (residual of any integrator) */
    GF_LEARNER_PH_ETD_WIDEN = 25,   /* new maps scaled and projected into the ETD state */
    GF_LEARNER_PH_ETD_STORE = 26    /* the accepted ETD state back into the maps */
};

/* Buffers, plans and tables (create); GRIDFORM_OK or GRIDFORM_ENOMEM. */
int gridform__learner_etd_init(gridform_learner *l);
void gridform__learner_etd_free(gridform_learner *l);
/* (Re)plan the integrator's transforms with the FFTW flags of the
 * learner's planning rigor; GRIDFORM_OK or GRIDFORM_ENOMEM (the old plans
 * are kept). */
int gridform__learner_etd_plan(gridform_learner *l, unsigned flags);
/* The maps, the tolerance or the step changed: stage 1 is stale. */
void gridform__learner_etd_invalidate(gridform_learner *l);
double gridform__learner_etd_default_rtol(void);
void gridform__learner_etd_phase(gridform_learner *l, int tid, int phase);
/* One accepted ETD step (with the control on, retried until the local
 * error meets the tolerance).  GRIDFORM_OK; GRIDFORM_EACCURACY when the
 * step falls below its floor; GRIDFORM_EDIVERGED (control off); the state
 * is the last accepted one on failure. */
int gridform__learner_etd_step(gridform_learner *l);
/* One evaluation of the stage quantities of the unit maps x (ng x n):
 * x's spectrum into xh, the force and multiplier, the residual (per map
 * and l->etd.residual), the velocity L x + N(x) into v (pf - lambda x:
 * f - lambda x on free bins, max(f, 0) on RELU's bins at 0, 0 outside the
 * shape) and, unless nh is NULL, N's spectrum into nh.  Shared by the ETD
 * and active-set integrators, so both report the residual
 * gridform_learner_get_residual does.  GRIDFORM_OK or GRIDFORM_EINVAL (an
 * EXACT kernel failed to apply). */
int gridform__learner_stage(gridform_learner *l, const double *x, double *xh, double *nh, double *v);
/* Project one map u (n values) onto the constraints: zero outside the
 * shape, clip for RELU, unit Euclidean norm.  NULL, or why it failed. */
const char *gridform__learner_project_map(const gridform_learner *l, double *u);
/* The KKT residual of the current maps (doc/theory.md §2.7), relative to
 * max |Sigma~|: free after an ETD step, one evaluation of N otherwise. */
int gridform__learner_kkt_residual(gridform_learner *l, double *residual);

#endif
