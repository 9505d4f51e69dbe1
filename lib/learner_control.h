/* libgridform: the learner's error-controlled step (lib/learner_control.c,
 * doc/theory.md §2.9 and §2.10).  Not installed.
 *
 * The ETD2RK integrator (lib/learner_etd.c) and the active-set integrator
 * (lib/learner_active.c) differ only in how one trial step and its local
 * error are computed; the projection of new maps, the accept/reject
 * decision, the fixed-step failure, the GRIDFORM_EACCURACY floor and the
 * bookkeeping of an accepted step are one controller, described once in
 * §2.9 and reused by §2.10, and live here once. */
#ifndef GRIDFORM_LEARNER_CONTROL_H
#define GRIDFORM_LEARNER_CONTROL_H

#include "learner_impl.h"

/* What one integrator adds to the shared controller. */
typedef struct {
    /* The pool phases of a trial step of length h: the first writes the
     * trial state into l->etd.ar, the second (after the stage quantities
     * of ar) the step's result into l->etd.out and each map's local error
     * into l->etd.err; either sets l->etd.why[j] when map j fails. */
    int first, second;
    /* Whether the stages keep N's spectrum (l->etd.nh1, nh2). */
    int keep_nh;
    /* Before the trials, after new maps are projected: the work every
     * trial of this step shares; GRIDFORM_OK or a failure already
     * recorded.  NULL: none. */
    int (*begin)(gridform_learner *l, const char *api);
    /* Before each trial, with its length h (coefficient tables, ...). */
    void (*prepare)(gridform_learner *l, double h);
    /* After an accepted step of length h (control on): the ceiling on the
     * next step (it may update its own state from the accepted residual).
     * NULL: l->dt_max. */
    double (*ceiling)(gridform_learner *l, double h, double smag);
} gridform__learner_control;

/* The first map whose projection or propagation failed, or SIZE_MAX. */
size_t gridform__learner_first_failure(const gridform_learner *l);
/* One accepted step (with the control on, retried until the local error
 * meets l->etd.rtol).  GRIDFORM_OK; GRIDFORM_EACCURACY when the step falls
 * below 1e-12 / max |Sigma~|; GRIDFORM_EDIVERGED (a map failed, or the
 * fixed step's error is not finite); on failure the maps and the residual
 * are those of the last accepted step. */
int gridform__learner_control_step(gridform_learner *l, const gridform__learner_control *c);

#endif
