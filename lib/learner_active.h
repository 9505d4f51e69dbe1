/* libgridform: the learner's active-set exponential integrator
 * (GRIDFORM_INTEGRATOR_ACTIVE_SET, lib/learner_active.c, doc/theory.md
 * §2.10).  Not installed. */
#ifndef GRIDFORM_LEARNER_ACTIVE_H
#define GRIDFORM_LEARNER_ACTIVE_H

#include "learner_impl.h"

/* Pool phases (after the ETD's 20..26; lib/learner_etd.c hands them on). */
enum {
    GF_LEARNER_PH_AS_BASIS = 30,   /* Lanczos basis of the state and its T's eigen-decomposition */
    GF_LEARNER_PH_AS_PROP = 31,    /* the whole step and the first half step, projected */
    GF_LEARNER_PH_AS_SECOND = 32   /* a basis from the half step, the second half step, the error */
};

/* Why the integrator cannot step this learner's configuration (an EXACT
 * kernel, SOFT or TANH, a coupling), or NULL when it can. */
const char *gridform__learner_as_unsupported(const gridform_learner *l, int nl, int coupling);
/* Allocate the workspace (once; kept until destroy): GRIDFORM_OK or
 * GRIDFORM_ENOMEM. */
int gridform__learner_as_init(gridform_learner *l);
void gridform__learner_as_free(gridform_learner *l);
void gridform__learner_as_phase(gridform_learner *l, int tid, int phase);
/* One accepted step (retried until the local error meets the tolerance
 * with the control on).  GRIDFORM_OK; GRIDFORM_EACCURACY when the step
 * falls below its floor, GRIDFORM_EDIVERGED (control off), the maps those
 * of the last accepted step. */
int gridform__learner_as_step(gridform_learner *l);

#endif
