/* libgridform: the learner's error-controlled step, shared by the ETD2RK
 * and active-set integrators (doc/theory.md §2.9, §2.10; declarations in
 * lib/learner_control.h).
 *
 * One controller for both: the embedded error estimate of a trial step,
 * normalised by the tolerance, goes to the PI controller of
 * lib/integrator.c; an accepted step becomes the state and its stage
 * quantities (residual, force, velocity) are evaluated at once, so the
 * next step and gridform_learner_get_residual start from them; a rejected
 * one is retried shorter until the step falls below GF_CONTROL_HMIN.
 * With the control off a failed step is an error at the fixed dt. */
#include "config.h"
#include <float.h>
#include <math.h>
#include <stdint.h>
#include "learner_control.h"
#include "learner_etd.h"
#include "learner_pool.h"

/* The smallest step, times max |Sigma~|, the control may try before it
 * reports that the tolerance cannot be met. */
#define GF_CONTROL_HMIN 1e-12
/* 16 ulps of a unit map: the smallest local error the estimate resolves
 * (a step too short to change the maps has none). */
#define GF_CONTROL_ERR_FLOOR (16.0 * DBL_EPSILON)

size_t gridform__learner_first_failure(const gridform_learner *l)
{
    for (size_t j = 0; j < l->ng; j++)
        if (l->etd.why[j] != NULL)
            return j;
    return SIZE_MAX;
}

/* New maps: onto the constraint set first (the flow lives there); the maps
 * themselves change only with the first accepted step. */
static int enter(gridform_learner *l, const gridform__learner_control *c, const char *api)
{
    gridform__learner_etd *e = &l->etd;
    gridform__pool_run(&l->pool, GF_LEARNER_PH_ETD_WIDEN);
    size_t bad = gridform__learner_first_failure(l);
    if (bad != SIZE_MAX)
        return gridform__fail(&l->err, GRIDFORM_EDIVERGED, api, "map %zu %s when projected onto the constraints",
                              bad, e->why[bad]);
    int rc = gridform__learner_stage(l, e->gd, e->xh1, c->keep_nh ? e->nh1 : NULL, e->v1);
    if (rc != GRIDFORM_OK)
        return rc;
    e->valid = 1;
    return GRIDFORM_OK;
}

/* One trial of length h: its normalised error into *err (Inf when a map
 * failed, *bad naming it). */
static int trial(gridform_learner *l, const gridform__learner_control *c, double h, size_t *bad, double *err)
{
    gridform__learner_etd *e = &l->etd;
    c->prepare(l, h);
    gridform__pool_run(&l->pool, c->first);
    *bad = gridform__learner_first_failure(l);
    *err = INFINITY;
    if (*bad != SIZE_MAX)
        return GRIDFORM_OK;
    int rc = gridform__learner_stage(l, e->ar, e->xh2, c->keep_nh ? e->nh2 : NULL, e->v2);
    if (rc != GRIDFORM_OK)
        return rc;
    gridform__pool_run(&l->pool, c->second);
    *bad = gridform__learner_first_failure(l);
    if (*bad != SIZE_MAX)
        return GRIDFORM_OK;
    /* never less than the floor: below the round-off of unit maps the
     * estimate means nothing */
    double m = GF_CONTROL_ERR_FLOOR;
    for (size_t j = 0; j < l->ng; j++)
        if (!(e->err[j] <= m))
            m = e->err[j];
    *err = m / e->rtol;
    return GRIDFORM_OK;
}

/* The trial's result becomes the state. */
static int accept_step(gridform_learner *l, const gridform__learner_control *c, double h)
{
    gridform__learner_etd *e = &l->etd;
    size_t ng = l->ng;
    double *old = e->gd;
    e->gd = e->out;
    e->out = old;
    gridform__pool_run(&l->pool, GF_LEARNER_PH_ETD_STORE);
    for (size_t j = 0; j < ng; j++)
        l->nrm[j] = 1.0;
    l->steps++;
    l->time += h;
    double chg = 0.0;
    for (size_t j = 0; j < ng; j++)
        chg = fmax(chg, e->err[j]);
    l->last_change = chg;
    /* the residual of the accepted state, and the force and velocity
     * (and N's spectrum) the next step starts from */
    return gridform__learner_stage(l, e->gd, e->xh1, c->keep_nh ? e->nh1 : NULL, e->v1);
}

int gridform__learner_control_step(gridform_learner *l, const gridform__learner_control *c)
{
    gridform__learner_etd *e = &l->etd;
    const char *api = l->api != NULL ? l->api : "gridform_learner_iterate";
    int rc;
    if (!e->valid && (rc = enter(l, c, api)) != GRIDFORM_OK)
        return rc;
    /* the state's residual, restored if no step is accepted (the trial's
     * stage overwrites it; gridform_learner_get_residual reports it) */
    double res_state = e->residual;
    if (c->begin != NULL && (rc = c->begin(l, api)) != GRIDFORM_OK)
        return rc;
    double smag = fmax(fabs(l->smax), fabs(l->smin));
    for (;;) {
        double h = l->dt, err;
        size_t bad;
        if ((rc = trial(l, c, h, &bad, &err)) != GRIDFORM_OK)
            return rc;
        double hnext = h;
        int accept;
        if (l->control) {
            accept = gridform__pi_decide(&e->pi, err, h, &hnext);
        } else {
            accept = bad == SIZE_MAX && isfinite(err);
            if (!accept) {
                e->residual = res_state;
                return gridform__fail(&l->err, GRIDFORM_EDIVERGED, api,
                                      "step %zu: map %zu %s with the fixed step dt = %g", l->steps + 1,
                                      bad == SIZE_MAX ? 0 : bad, bad == SIZE_MAX ? "became NaN or Inf" : e->why[bad], h);
            }
        }
        if (accept) {
            if ((rc = accept_step(l, c, h)) != GRIDFORM_OK)
                return rc;
            if (l->control) {
                double cap = c->ceiling != NULL ? c->ceiling(l, h, smag) : l->dt_max;
                l->dt = hnext < cap ? hnext : cap;
            }
            return GRIDFORM_OK;
        }
        l->rejected++;
        l->dt = hnext;
        if (!(hnext * smag >= GF_CONTROL_HMIN)) {
            e->residual = res_state;
            return gridform__fail(&l->err, GRIDFORM_EACCURACY, api,
                                  "step %zu: the step control shrank the step to %g (%g / max |Sigma~|) without "
                                  "meeting the tolerance %g (%s); the maps are those of the last accepted step",
                                  l->steps + 1, hnext, hnext * smag, e->rtol,
                                  bad != SIZE_MAX ? e->why[bad] : "the local error stayed above it");
        }
    }
}
