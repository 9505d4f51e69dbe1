/* gridform-sweep: one task, the pipeline a researcher would write by hand:
 * arena -> place code -> kernel -> learner -> scorer -> one row.
 *
 * Each worker keeps the arena, place code and kernel of its last task and
 * reuses them while the next task has the same tuning, sigma, surround, box
 * and n.  A kernel is immutable once made, so reuse changes no number.  The
 * learner and the scorer are made afresh for every task: both carry state
 * from one call to the next (the scorer reuses the transform of a map's
 * mask, through a different FFT plan, when it did not change), and a row
 * must not depend on which tasks the same worker ran before.  So a task
 * computes the same bits on any worker, thread or rank, which is what makes
 * --jobs 1, --jobs N, mpirun and a resumed run agree. */
#include "config.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"
#include "sweep.h"

struct sweep_worker {
    const sweep_grid *g;
    /* the cached geometry and kernel, for key */
    int have;
    int tuning;
    double sigma, surround, box;
    size_t n;
    gridform_arena *arena;
    gridform_placecode *pc;
    gridform_kernel *kernel;
    int ring_rc;
    double kstar, spacing;
    /* per-task arrays, sized for the cached n */
    double *maps;
    double *s60, *s90, *spc, *domk, *scratch;
};

const char *sweep_status_text(int code)
{
    switch (code) {
    case GRIDFORM_OK: return "ok";
    case GRIDFORM_CONTINUE: return "not converged";
    case GRIDFORM_EINVAL: return "GRIDFORM_EINVAL";
    case GRIDFORM_ENOMEM: return "GRIDFORM_ENOMEM";
    case GRIDFORM_ERANGE: return "GRIDFORM_ERANGE";
    case GRIDFORM_EDIVERGED: return "GRIDFORM_EDIVERGED";
    case GRIDFORM_EUNDEFINED: return "GRIDFORM_EUNDEFINED";
    case GRIDFORM_EIO: return "GRIDFORM_EIO";
    case GRIDFORM_EFORMAT: return "GRIDFORM_EFORMAT";
    case GRIDFORM_EUNSUPPORTED: return "GRIDFORM_EUNSUPPORTED";
    case GRIDFORM_ECANCELED: return "GRIDFORM_ECANCELED";
    case GRIDFORM_EACCURACY: return "GRIDFORM_EACCURACY";
    default: return "GRIDFORM_EUNKNOWN";
    }
}

int sweep_status_lookup(const char *text)
{
    /* the code's name, before the reason (": ...") if there is one */
    size_t len = strcspn(text, ":");
    for (int c = GRIDFORM_OK; c <= GRIDFORM_EACCURACY; c++)
        if (strlen(sweep_status_text(c)) == len && strncmp(text, sweep_status_text(c), len) == 0)
            return c;
    return len == strlen("GRIDFORM_EUNKNOWN") && strncmp(text, "GRIDFORM_EUNKNOWN", len) == 0 ? 99 : -1;
}

/* A task refused because its ring lies beyond the box: the kernel's ring
 * was undefined (GRIDFORM_EUNDEFINED) with a finite k* and spacing. */
static int ring_beyond_box(int code, double kstar, double spacing)
{
    return code == GRIDFORM_EUNDEFINED && kstar > 0 && isfinite(kstar) && isfinite(spacing);
}

void sweep_status_format(const sweep_grid *g, const sweep_result *r, char *buf, size_t len)
{
    const char *name = sweep_status_text(r->code);
    if (r->code == GRIDFORM_OK || r->code == GRIDFORM_CONTINUE) {
        snprintf(buf, len, "%s", name);
        return;
    }
    /* The reason follows from the row itself (code, parameters, k*,
     * spacing), so every rank writes it and a resumed file rewrites it the
     * same; no commas, which would split the CSV field. */
    sweep_point pt;
    sweep_task_point(g, r->task, &pt);
    double ks = r->metric[SM_KSTAR], sp = r->metric[SM_SPACING_PREDICTED];
    if (ring_beyond_box(r->code, ks, sp)) {
        snprintf(buf, len,
                 "%s: the predicted spacing %.3g m exceeds the %g m box (k* = %.3g rad/m against 2 pi / L = %.3g "
                 "rad/m; sigma = %g m: sigma is in metres)",
                 name, sp, pt.box, ks, 2 * 3.14159265358979323846 / pt.box, pt.sigma);
        return;
    }
    size_t k = (size_t)snprintf(buf, len, "%s: %s", name, gridform_strerror(r->code));
    for (size_t i = 0; i < k && i < len; i++)
        if (buf[i] == ',' || buf[i] == '"' || buf[i] == '\n')
            buf[i] = ';';
}

sweep_worker *sweep_worker_create(const sweep_grid *g)
{
    sweep_worker *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->g = g;
    size_t m = g->maps;
    w->s60 = malloc(m * sizeof(double));
    w->s90 = malloc(m * sizeof(double));
    w->spc = malloc(m * sizeof(double));
    w->domk = malloc(m * sizeof(double));
    w->scratch = malloc(m * sizeof(double));
    if (!w->s60 || !w->s90 || !w->spc || !w->domk || !w->scratch) {
        sweep_worker_destroy(w);
        return NULL;
    }
    return w;
}

static void drop_cache(sweep_worker *w)
{
    gridform_kernel_destroy(w->kernel);
    gridform_placecode_destroy(w->pc);
    gridform_arena_destroy(w->arena);
    w->kernel = NULL;
    w->pc = NULL;
    w->arena = NULL;
    w->have = 0;
}

void sweep_worker_destroy(sweep_worker *w)
{
    if (w == NULL)
        return;
    drop_cache(w);
    free(w->maps);
    free(w->s60);
    free(w->s90);
    free(w->spc);
    free(w->domk);
    free(w->scratch);
    free(w);
}

/* Gridness annuli: the scorer's automatic annuli (doc/theory.md §6.5),
 * chosen per map from its own autocorrelogram, so that a map is measured
 * at the scale it actually formed.  For a map
 * whose SAC shows no ring the scorer falls back to fixed annuli, and those
 * come from the predicted spacing a when the kernel has a ring: inner
 * radius a/2 (outside the central peak), outer radius from 1.2a to 2.5a in
 * 10 steps (the first and second rings of peaks of a hexagonal lattice),
 * capped at the box side.  Without a ring (a Gaussian code peaks at
 * k = 0), or when the box cannot hold 1.2a, the fallback is the scorer's
 * default (Banino et al. 2018).  The SAC's boundary follows the arena's. */
static int make_scorer(const sweep_worker *w, gridform_scorer **sc)
{
    int rc = gridform_scorer_create(sc, w->arena);
    if (rc == GRIDFORM_OK && w->ring_rc == GRIDFORM_OK && isfinite(w->spacing) && 1.2 * w->spacing < w->box)
        rc = gridform_scorer_set_annuli_m(*sc, 0.5 * w->spacing, 1.2 * w->spacing, fmin(2.5 * w->spacing, w->box),
                                          10);
    if (rc == GRIDFORM_OK)
        rc = gridform_scorer_set_annuli_auto(*sc, 1);  /* after set_annuli_m, which turns it off */
    return rc;
}

/* Makes (or keeps) the geometry and kernel of point pt.  Returns a
 * GRIDFORM status; on failure the cache is empty. */
static int prepare(sweep_worker *w, const sweep_point *pt)
{
    if (w->have && w->tuning == pt->tuning && w->sigma == pt->sigma && w->surround == pt->surround
        && w->box == pt->box && w->n == pt->n)
        return GRIDFORM_OK;
    drop_cache(w);
    const sweep_grid *g = w->g;
    size_t n = pt->n;
    if (w->n != n || w->maps == NULL) {
        free(w->maps);
        w->maps = malloc(g->maps * n * n * sizeof(double));
        w->n = n;
        if (w->maps == NULL)
            return GRIDFORM_ENOMEM;
    }
    /* A Gaussian code has no surround: the library wants 0 there. */
    double surround = pt->tuning == GRIDFORM_TUNING_GAUSSIAN ? 0.0 : pt->surround;
    int rc;
    if ((rc = gridform_arena_create(&w->arena, pt->box, pt->box, n, n, g->boundary)) != GRIDFORM_OK
        || (rc = gridform_placecode_create(&w->pc, w->arena, pt->tuning, pt->sigma, surround, g->cells,
                                           GRIDFORM_CENTERS_LATTICE, 1)) != GRIDFORM_OK
        || (rc = gridform_kernel_create(&w->kernel, w->pc, g->kernel_mode)) != GRIDFORM_OK) {
        drop_cache(w);
        return rc;
    }
    w->ring_rc = gridform_kernel_ring(w->kernel, &w->kstar, &w->spacing);
    /* A ring beyond the box keeps its numbers (the row reports them). */
    if (w->ring_rc != GRIDFORM_OK && !ring_beyond_box(w->ring_rc, w->kstar, w->spacing)) {
        w->kstar = 0;
        w->spacing = INFINITY;
    }
    w->tuning = pt->tuning;
    w->sigma = pt->sigma;
    w->surround = pt->surround;
    w->box = pt->box;
    w->have = 1;
    return GRIDFORM_OK;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : (a > b ? 1 : 0);
}

/* Median of the finite values (NaN if none): the middle one, or the mean
 * of the middle two. */
static double median(const double *v, size_t n, double *scratch)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            scratch[m++] = v[i];
    if (m == 0)
        return NAN;
    qsort(scratch, m, sizeof *scratch, cmp_double);
    return m % 2 ? scratch[m / 2] : 0.5 * (scratch[m / 2 - 1] + scratch[m / 2]);
}

/* The nonlinearity's strength, which the sweep fixes rather than sweeps:
 * SOFT 50 / (the Euler limit), so the penalty acts within a few steps
 * whatever the kernel's scale (strength has units of Sigma~); TANH 1 (the
 * saturation sets in at one root-mean-square). */
static double strength_of(gridform_learner *l, int nl)
{
    double lim = 1;
    if (nl == GRIDFORM_NL_SOFT && gridform_learner_get_euler_limit(l, &lim) == GRIDFORM_OK && lim > 0)
        return 50.0 / lim;
    return nl == GRIDFORM_NL_SOFT ? 50.0 : nl == GRIDFORM_NL_TANH ? 1.0 : 0.0;
}

int sweep_worker_run(sweep_worker *w, uint64_t task, sweep_result *r, double **maps_out, size_t *n_out,
                     char *err, size_t errlen)
{
    const sweep_grid *g = w->g;
    sweep_point pt;
    double t0 = sweep_now();
    sweep_task_point(g, task, &pt);
    memset(r, 0, sizeof *r);
    r->task = task;
    for (int m = 0; m < SM_COUNT; m++)
        r->metric[m] = NAN;
    r->steps = 0;
    if (maps_out)
        *maps_out = NULL;

    int rc = prepare(w, &pt);
    if (rc == GRIDFORM_ENOMEM) {
        snprintf(err, errlen, "gridform-sweep: task %llu: out of memory (%s)", (unsigned long long)task,
                 gridform_last_error());
        return -1;
    }
    gridform_learner *l = NULL;
    size_t steps = 0;
    if (rc == GRIDFORM_OK) {
        r->metric[SM_KSTAR] = w->kstar;
        r->metric[SM_SPACING_PREDICTED] = w->spacing;
        /* A spacing beyond the box (a unit slip, usually: sigma = 12 meant
         * in centimetres) is not a task anyone wants learned; the status
         * says why (sweep_status_format). */
        rc = ring_beyond_box(w->ring_rc, w->kstar, w->spacing) ? GRIDFORM_EUNDEFINED
                                                               : gridform_learner_create(&l, w->kernel, g->maps);
    }
    if (rc == GRIDFORM_OK) {
        double strength = strength_of(l, pt.nonlinearity);
        if ((rc = gridform_learner_set_nonlinearity(l, pt.nonlinearity, strength)) == GRIDFORM_OK
            && (rc = gridform_learner_set_coupling(l, pt.coupling)) == GRIDFORM_OK
            && (rc = gridform_learner_set_integrator(l, pt.integrator)) == GRIDFORM_OK
            && (rc = gridform_learner_seed(l, pt.seed, 1.0)) == GRIDFORM_OK)
            rc = gridform_learner_run(l, g->max_steps, g->tol, NULL, NULL);
        gridform_learner_get_time(l, NULL, &steps);
    }
    r->code = rc;
    r->steps = (double)steps;
    r->metric[SM_STEPS] = r->steps;
    if (rc == GRIDFORM_OK || rc == GRIDFORM_CONTINUE) {
        size_t nn = pt.n * pt.n, m = g->maps;
        double objective = NAN;
        gridform_learner_objective(l, NULL, &objective);
        gridform_learner_get_maps(l, w->maps);
        gridform_scorer *sc = NULL;
        if ((rc = make_scorer(w, &sc)) != GRIDFORM_OK) {
            gridform_learner_destroy(l);
            if (rc == GRIDFORM_ENOMEM) {
                snprintf(err, errlen, "gridform-sweep: task %llu: out of memory (%s)", (unsigned long long)task,
                         gridform_last_error());
                return -1;
            }
            r->code = rc;
            r->seconds = sweep_now() - t0;
            return 0;
        }
        /* EUNDEFINED marks maps without variance or SAC peaks: NaN there,
         * left out of the medians; the fraction counts them as failing. */
        gridform_scorer_score(sc, w->maps, m, w->s60, w->s90, w->spc, NULL);
        size_t above = 0;
        for (size_t j = 0; j < m; j++) {
            if (gridform_map_dominant_k(sc, w->maps + j * nn, &w->domk[j]) != GRIDFORM_OK)
                w->domk[j] = NAN;
            above += w->s60[j] >= 0.37;
        }
        r->metric[SM_SCORE60] = median(w->s60, m, w->scratch);
        r->rep = 0;
        for (size_t j = 1; j < m; j++)
            if (isfinite(w->s60[j])
                && !(fabs(w->s60[j] - r->metric[SM_SCORE60]) >= fabs(w->s60[r->rep] - r->metric[SM_SCORE60])))
                r->rep = j;
        r->metric[SM_SCORE60_FRAC] = (double)above / (double)m;
        r->metric[SM_SCORE90] = median(w->s90, m, w->scratch);
        r->metric[SM_SPACING] = median(w->spc, m, w->scratch);
        r->metric[SM_DOMINANT_K] = median(w->domk, m, w->scratch);
        r->metric[SM_OBJECTIVE] = objective;
        gridform_scorer_destroy(sc);
        if (maps_out) {
            *maps_out = w->maps;
            *n_out = pt.n;
        }
    } else if (rc == GRIDFORM_ENOMEM) {
        snprintf(err, errlen, "gridform-sweep: task %llu: out of memory (%s)", (unsigned long long)task,
                 l ? gridform_learner_last_error(l) : gridform_last_error());
        gridform_learner_destroy(l);
        return -1;
    }
    gridform_learner_destroy(l);
    r->seconds = sweep_now() - t0;
    return 0;
}
