/* libgridform: the learner handle: creation, options, maps in and out, the
 * run loop and the objective -- the top layer of handle -> step -> pool
 * (learner_impl.h).  The step itself, its stability limits and defaults
 * are in learner_step.c; the threads in learner_pool.c. */
#include "config.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "learner_step.h"
#include "kernel_op.h"
#include "learner_etd.h"
#include "learner_active.h"

#define GF_LEARNER_EB(l) ((gridform__errbuf *)&(l)->err)

static int descending(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a < b) - (a > b);
}

/* The m-th largest eigenvalue of Sigma on the lattice, each rfft bin
 * standing for w_k real modes (its cosine and sine), from a sorted copy of
 * the spectrum in the workspace a (create only).  The exponential Sanger
 * step's default depends on the gap between the first and the ng-th mode
 * (doc/theory.md §2.4). */
static double nth_eigenvalue(gridform_learner *l, size_t m)
{
    double *pairs = l->a;   /* (value, multiplicity) pairs, 2 nfreq doubles */
    for (size_t iy = 0; iy < l->ny; iy++)
        for (size_t jx = 0; jx < l->nh; jx++) {
            size_t b = iy * l->nh + jx;
            pairs[2 * b] = l->sigma[b];
            pairs[2 * b + 1] = (jx == 0 || (l->nx % 2 == 0 && jx == l->nx / 2)) ? 1.0 : 2.0;
        }
    qsort(pairs, l->nfreq, 2 * sizeof(double), descending);
    size_t count = 0;
    for (size_t b = 0; b < l->nfreq; b++) {
        count += (size_t)pairs[2 * b + 1];
        if (count >= m)
            return pairs[2 * b];
    }
    return l->smin;
}

/* The default step and the ceiling the step control may grow it to
 * (learner_step.c, doc/theory.md §2.4). */
static void set_default_step(gridform_learner *l)
{
    l->dt = l->dt_start = gridform__learner_default_step(l, l->integrator, l->coupling);
    l->dt_max = gridform__learner_ceiling_step(l, l->integrator, l->coupling);
    if (l->dt_max < l->dt_start)
        l->dt_max = l->dt_start;
    l->streak = 0;
    l->dt_bad = INFINITY;
}

/* The float transforms of GRIDFORM_PRECISION_SINGLE, on the float
 * workspaces a and b (doc/theory.md §2.8).  Float maps start at multiples
 * of n floats and spectra at multiples of 2 nfreq floats: 16-byte aligned
 * only when n is a multiple of 4 and nfreq is even. */
static int make_plans_single(gridform_learner *l, int nthreads, unsigned flags, gridform__errbuf *eb,
                             const char *fn)
{
    int dims[2] = {(int)l->ny, (int)l->nx};
    if (l->n % 4 != 0 || l->nfreq % 2 != 0)
        flags |= FFTW_UNALIGNED;
    float *a = (float *)l->a, *b = (float *)l->b;
    gridform__fftw_lock(nthreads);
    fftwf_plan fwd = fftwf_plan_many_dft_r2c(2, dims, 1, a, NULL, 1, (int)l->n, (fftwf_complex *)b, NULL, 1,
                                             (int)l->nfreq, flags);
    fftwf_plan bwd = fftwf_plan_many_dft_c2r(2, dims, 1, (fftwf_complex *)a, NULL, 1, (int)l->nfreq, b, NULL, 1,
                                             (int)l->n, flags);
    if (fwd == NULL || bwd == NULL) {
        if (fwd) fftwf_destroy_plan(fwd);
        if (bwd) fftwf_destroy_plan(bwd);
        gridform__fftw_unlock();
        return gridform__fail(eb, GRIDFORM_ENOMEM, fn,
                              "FFTW could not plan %zu single-precision transforms of %zu x %zu", l->ng, l->ny, l->nx);
    }
    if (l->f32.fwd) fftwf_destroy_plan(l->f32.fwd);
    if (l->f32.bwd) fftwf_destroy_plan(l->f32.bwd);
    gridform__fftw_unlock();
    l->f32.fwd = fwd;
    l->f32.bwd = bwd;
    return GRIDFORM_OK;
}

/* Errors name the public caller (fn), not this helper. */
static int make_plans_in(gridform_learner *l, int nthreads, int rigor, gridform__errbuf *eb, const char *fn)
{
    int dims[2] = {(int)l->ny, (int)l->nx};
    unsigned flags = rigor == GRIDFORM_PLAN_PATIENT ? FFTW_PATIENT
                   : rigor == GRIDFORM_PLAN_MEASURE ? FFTW_MEASURE : FFTW_ESTIMATE;
    /* The default integrator's transforms (double in both precisions)
     * follow the same rigor. */
    if (gridform__learner_etd_plan(l, flags) != GRIDFORM_OK)
        return gridform__fail(eb, GRIDFORM_ENOMEM, fn, "FFTW could not plan the integrator's transforms of %zu x %zu",
                              l->ny, l->nx);
    if (l->precision == GRIDFORM_PRECISION_SINGLE) {
        /* The double plans are remade when the precision returns to double. */
        int rc = make_plans_single(l, nthreads, flags, eb, fn);
        if (rc == GRIDFORM_OK) {
            l->fftw_threads = nthreads;
            l->rigor = rigor;
        }
        return rc;
    }
    /* Single-map plans, executed map by map on the new-array interface, so
     * the step can finish each map while it is in cache.  Maps start at
     * multiples of n doubles: with n odd they are not 16-byte aligned. */
    if (l->n % 2 != 0)
        flags |= FFTW_UNALIGNED;
    /* Planned on the two workspaces (MEASURE overwrites its arrays; the
     * state g never is); all buffers come from fftw_malloc. */
    gridform__fftw_lock(nthreads);
    fftw_plan fwd = fftw_plan_many_dft_r2c(2, dims, 1, l->a, NULL, 1, (int)l->n,
                                           (fftw_complex *)l->b, NULL, 1, (int)l->nfreq, flags);
    fftw_plan bwd = fftw_plan_many_dft_c2r(2, dims, 1, (fftw_complex *)l->a, NULL, 1,
                                           (int)l->nfreq, l->b, NULL, 1, (int)l->n, flags);
    if (fwd == NULL || bwd == NULL) {
        if (fwd) fftw_destroy_plan(fwd);
        if (bwd) fftw_destroy_plan(bwd);
        gridform__fftw_unlock();
        return gridform__fail(eb, GRIDFORM_ENOMEM, fn, "FFTW could not plan %zu transforms of %zu x %zu",
                              l->ng, l->ny, l->nx);
    }
    if (l->fwd) fftw_destroy_plan(l->fwd);
    if (l->bwd) fftw_destroy_plan(l->bwd);
    gridform__fftw_unlock();
    l->fwd = fwd;
    l->bwd = bwd;
    l->fftw_threads = nthreads;
    l->rigor = rigor;
    return GRIDFORM_OK;
}
#define make_plans(l, t, r, eb) make_plans_in((l), (t), (r), (eb), __func__)

/* The float per-bin factors and M of single precision. */
static void free_single_factors(gridform_learner *l)
{
    gridform__free(l->f32.fac);
    gridform__free(l->f32.cfac);
    gridform__free(l->f32.ysc);
    gridform__free(l->f32.gsc);
    gridform__free(l->f32.ksc);
    gridform__free(l->f32.m);
    gridform__free(l->f32.mlane);
    l->f32.fac = l->f32.cfac = l->f32.ysc = l->f32.gsc = l->f32.ksc = l->f32.m = l->f32.mlane = NULL;
}

/* Default truncation threshold of each precision (doc/theory.md §2.6):
 * just below its unit round-off (2^-53 = 1.1e-16, 2^-24 = 6.0e-8), so that
 * the dropped part of M is smaller than M's own rounding error. */
#define GF_TRUNC_DOUBLE 1e-16
#define GF_TRUNC_SINGLE 1e-8

/* The bins that enter M: |Sigma~_k| >= trunc_eps max |Sigma~|, in
 * increasing order, with their scales (both precisions). */
static void update_truncation(gridform_learner *l)
{
    if (l->exact) {
        l->nkept = l->nfreq;
        return;
    }
    double smaxabs = fmax(fabs(l->smax), fabs(l->smin)), thr = l->trunc_eps * smaxabs;
    size_t q = 0;
    for (size_t k = 0; k < l->nfreq; k++)
        if (fabs(l->sigma[k]) >= thr) {
            l->kept[q] = k;
            l->ksc[q] = l->ysc[k];
            q++;
        }
    l->nkept = q;
    if (l->f32.ksc != NULL)
        for (size_t i = 0; i < q; i++)
            l->f32.ksc[i] = (float)l->ksc[i];
}

void gridform_learner_destroy(gridform_learner *l)
{
    if (l == NULL)
        return;
    gridform__learner_release_workers(l);
    gridform__learner_etd_free(l);
    gridform__learner_as_free(l);
    if (l->fwd || l->bwd || l->f32.fwd || l->f32.bwd) {
        gridform__fftw_lock(1);
        if (l->fwd) fftw_destroy_plan(l->fwd);
        if (l->bwd) fftw_destroy_plan(l->bwd);
        if (l->f32.fwd) fftwf_destroy_plan(l->f32.fwd);
        if (l->f32.bwd) fftwf_destroy_plan(l->f32.bwd);
        gridform__fftw_unlock();
    }
    free_single_factors(l);
    gridform__free(l->kept);
    gridform__free(l->ksc);
    gridform__aligned_free(l->g);
    gridform__aligned_free(l->a);
    gridform__aligned_free(l->b);
    gridform__free(l->sigma);
    gridform__free(l->wsig);
    gridform__free(l->wt);
    gridform__free(l->ysc);
    gridform__free(l->gsc);
    gridform__free(l->fac);
    gridform__free(l->cfac);
    gridform__free(l->m);
    gridform__free(l->mlane);
    gridform__free(l->diag0);
    gridform__free(l->keep);
    gridform__free(l->nrm);
    gridform__free(l->logv);
    gridform__free(l->logmin);
    gridform__free(l->rq);
    gridform__free(l);
}

const char *gridform_learner_last_error(const gridform_learner *l)
{
    return gridform__errtext(l != NULL ? &l->err : NULL);
}

int gridform_learner_create(gridform_learner **out, const gridform_kernel *k, size_t nmaps)
{
    if (out == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "out must not be NULL");
    *out = NULL;
    if (k == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "k must not be NULL");
    if (nmaps == 0)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "nmaps must be >= 1, got 0");
    int mode = 0;
    if (gridform_kernel_get_mode(k, &mode) != GRIDFORM_OK)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "cannot read the kernel's mode: %s", gridform_kernel_last_error(k));
    /* AVERAGED, RADIAL and SPECTRUM kernels are Fourier multipliers like
     * FOURIER, UNIFORM is a real-space operator like EXACT; CENTERED (a
     * flag) changes only the operator. */
    if ((mode & GRIDFORM_KERNEL_MODE_MASK) < GRIDFORM_KERNEL_FOURIER
        || (mode & GRIDFORM_KERNEL_MODE_MASK) > GRIDFORM_KERNEL_UNIFORM)
        return GF_FAIL(NULL, GRIDFORM_EUNSUPPORTED, "unknown kernel mode %d", mode);
    const gridform_arena *ar = gridform_kernel_get_arena(k);
    if (ar == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "the kernel has no arena");

    size_t n = ar->npoints, nfreq = ar->nfreq, cs, total, mm;
    if (nmaps > INT32_MAX || !gridform__mul_size(nfreq, 2, &cs) || cs > INT32_MAX
        || !gridform__mul_size(nmaps, cs, &total)
        || !gridform__mul_size(nmaps, nmaps, &mm) || !gridform__mul_size(total, sizeof(double), &mm))
        return GF_FAIL(NULL, GRIDFORM_ERANGE, "%zu maps of %zu x %zu points are too many", nmaps,
                       ar->nx, ar->ny);

    gridform_learner *l = gridform__calloc(1, sizeof *l);
    if (l == NULL)
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate the learner");
    l->kernel = k;
    l->arena = ar;
    l->nx = ar->nx;
    l->ny = ar->ny;
    l->n = n;
    l->nh = ar->nx / 2 + 1;
    l->nfreq = nfreq;
    l->ng = nmaps;
    l->cstride = cs;
    l->da = (ar->lx / (double)ar->nx) * (ar->ly / (double)ar->ny);
    l->area = ar->lx * ar->ly;

    l->g = gridform__aligned_doubles(total);
    l->a = gridform__aligned_doubles(total);
    l->b = gridform__aligned_doubles(total);
    l->sigma = gridform__malloc_array(nfreq, sizeof(double));
    l->wsig = gridform__malloc_array(nfreq, sizeof(double));
    l->wt = gridform__malloc_array(nfreq, sizeof(double));
    l->ysc = gridform__malloc_array(nfreq, sizeof(double));
    l->gsc = gridform__malloc_array(nfreq, sizeof(double));
    l->fac = gridform__malloc_array(nfreq, sizeof(double));
    l->cfac = gridform__malloc_array(nfreq, sizeof(double));
    l->m = gridform__malloc_array(nmaps * nmaps, sizeof(double));
    /* Products by columns (learner_step.c).  Correction chunks of about
     * 256 KiB of a spectra buffer (ng x 2 chunk_bins doubles), so that the
     * copy, the product and the combination of a chunk share the cache,
     * but at least 64 bins so each BLAS call has some depth; the Gram sums
     * in chunks four times as wide (fewer, deeper dsyrk calls: a 64-map
     * dsyrk runs about 10% faster with 1024 bins a call than with 256).
     * Lanes of whole Gram chunks: up to 8, with at least 1024 bins each,
     * and fewer when their partial sums would pass half a spectra buffer
     * ((nlanes - 1) ng^2 <= ng nfreq). */
    l->chunk_bins = 16384 / nmaps < 64 ? 64 : 16384 / nmaps;
    if (l->chunk_bins > nfreq)
        l->chunk_bins = nfreq;
    l->gram_bins = 4 * l->chunk_bins < nfreq ? 4 * l->chunk_bins : nfreq;
    size_t ngram = (nfreq + l->gram_bins - 1) / l->gram_bins;
    l->nlanes = nfreq / nmaps > 8 ? 8 : nfreq / nmaps;
    if (l->nlanes > nfreq / 1024)
        l->nlanes = nfreq / 1024;
    if (l->nlanes > ngram)
        l->nlanes = ngram;
    if (l->nlanes < 1)
        l->nlanes = 1;
    l->mlane = l->nlanes > 1 ? gridform__malloc_array((l->nlanes - 1) * nmaps * nmaps, sizeof(double)) : NULL;
    l->nrm = gridform__malloc_array(nmaps, sizeof(double));
    l->logv = gridform__calloc(nmaps, sizeof(double));
    l->logmin = gridform__calloc(nmaps, sizeof(double));
    l->rq = gridform__calloc(nmaps, sizeof(double));
    l->diag0 = gridform__calloc(nmaps, sizeof(double));
    l->keep = gridform__calloc(2 * nmaps, sizeof(double));
    l->kept = gridform__malloc_array(nfreq, sizeof(size_t));
    l->ksc = gridform__malloc_array(nfreq, sizeof(double));
    l->precision = GRIDFORM_PRECISION_DOUBLE;
    l->trunc_eps = GF_TRUNC_DOUBLE;
    l->nthreads = 1;
    if (gridform__learner_set_workers(l, 1) != GRIDFORM_OK || !l->g || !l->a || !l->b || !l->sigma || !l->wsig || !l->wt || !l->ysc || !l->gsc || !l->fac || !l->cfac || !l->m
        || (l->nlanes > 1 && !l->mlane) || !l->nrm || !l->logv || !l->logmin || !l->rq || !l->diag0
        || !l->kept || !l->ksc || !l->keep) {
        gridform_learner_destroy(l);
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate %zu maps of %zu x %zu", nmaps, ar->nx, ar->ny);
    }
    memset(l->g, 0, total * sizeof(double));

    if (!gridform__kernel_is_multiplier(k)) {
        /* The real-space operator (lib/kernel_exact.c) and its spectral
         * bounds belong to the kernel: lambda0 = smax. */
        l->exact = 1;
        double smin = 0.0, smax = 0.0;
        int rc = gridform__kernel_bounds(k, &smin, &smax, __func__);
        if (rc != GRIDFORM_OK) {
            gridform_learner_destroy(l);
            return GF_FAIL(NULL, rc, "%s: %s",
                           rc == GRIDFORM_EUNDEFINED ? "the kernel is zero: there is nothing to learn"
                                                     : "cannot bound the kernel's spectrum",
                           gridform_kernel_last_error(k));
        }
        l->smax = smax;
        l->smin = smin;
        l->lambda0 = smax;
    } else {
        if (gridform_kernel_spectrum(k, l->sigma) != GRIDFORM_OK) {
            int rc = GF_FAIL(NULL, GRIDFORM_EINVAL, "cannot read the kernel's spectrum: %s",
                             gridform_kernel_last_error(k));
            gridform_learner_destroy(l);
            return rc;
        }
        double smax = -INFINITY, smin = INFINITY;
        for (size_t b = 0; b < nfreq; b++) {
            double s = l->sigma[b];
            if (!isfinite(s)) {
                gridform_learner_destroy(l);
                return GF_FAIL(NULL, GRIDFORM_EINVAL, "the kernel's spectrum is not finite at bin %zu", b);
            }
            if (s > smax) smax = s;
            if (s < smin) smin = s;
        }
        if (!(smax > 0.0) || !(smax > smin)) {
            gridform_learner_destroy(l);
            return GF_FAIL(NULL, GRIDFORM_EUNDEFINED,
                           "the kernel's spectrum has no positive maximum above its minimum (max %g, min %g): "
                           "there is nothing to learn", smax, smin);
        }
        l->smax = smax;
        l->smin = smin;
        l->lambda0 = smax;
        l->lam_ng = nth_eigenvalue(l, nmaps);
        l->use_syrk = smin >= 0.0;
        /* rfft multiplicity: columns jx = 0 and (nx even) jx = nx/2 hold their
         * own conjugates; every other bin stands for itself and its mirror. */
        for (size_t iy = 0; iy < l->ny; iy++)
            for (size_t jx = 0; jx < l->nh; jx++) {
                size_t b = iy * l->nh + jx;
                double w = (jx == 0 || (l->nx % 2 == 0 && jx == l->nx / 2)) ? 1.0 : 2.0;
                l->wt[b] = w;
                l->wsig[b] = w * l->sigma[b];
                double y = l->da * w * l->sigma[b] / (double)n;
                l->ysc[b] = l->use_syrk ? sqrt(y) : y;
                l->gsc[b] = sqrt(w * l->da * (double)n);
            }
    }
    for (size_t j = 0; j < nmaps; j++)
        l->nrm[j] = 1.0;
    update_truncation(l);
    if (gridform__learner_etd_init(l) != GRIDFORM_OK) {
        gridform_learner_destroy(l);
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate the integrator's %zu maps of %zu x %zu", nmaps,
                       ar->nx, ar->ny);
    }

    l->nl = GRIDFORM_NL_RELU;
    l->strength = 0.0;
    l->coupling = GRIDFORM_COUPLING_INDEPENDENT;
    l->integrator = GRIDFORM_INTEGRATOR_ETD;
    l->control = 1;
    set_default_step(l);
    gridform__learner_update_factors(l);

    int rc = make_plans(l, 1, GRIDFORM_PLAN_ESTIMATE, NULL);
    if (rc != GRIDFORM_OK) {
        gridform_learner_destroy(l);
        return rc;
    }
    *out = l;
    return GRIDFORM_OK;
}

#define GF_LEARNER_ENTRY(l)                                                            \
    do {                                                                               \
        if ((l) == NULL)                                                               \
            return GF_FAIL(NULL, GRIDFORM_EINVAL, "l must not be NULL");               \
    } while (0)

int gridform_learner_set_nonlinearity(gridform_learner *l, int kind, double strength)
{
    GF_LEARNER_ENTRY(l);
    gridform__errbuf *eb = &l->err;
    if (kind < GRIDFORM_NL_LINEAR || kind > GRIDFORM_NL_TANH)
        return GF_FAIL(eb, GRIDFORM_EINVAL,
                       "kind must be GRIDFORM_NL_LINEAR (1), _RELU (2), _SOFT (3) or _TANH (4), got %d", kind);
    if (!isfinite(strength) || strength < 0.0)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "strength must be finite and >= 0, got %g", strength);
    if ((kind == GRIDFORM_NL_SOFT || kind == GRIDFORM_NL_TANH) && !(strength > 0.0))
        return GF_FAIL(eb, GRIDFORM_EINVAL, "strength must be > 0 for %s, got %g",
                       kind == GRIDFORM_NL_SOFT ? "GRIDFORM_NL_SOFT" : "GRIDFORM_NL_TANH", strength);
    /* GRIDFORM_INTEGRATOR_ACTIVE_SET steps only RELU and LINEAR maps: the
     * setters refuse to leave it selected with a combination it cannot
     * step (rather than iterate refusing later), so a learner that
     * accepted its options always steps. */
    if (l->integrator == GRIDFORM_INTEGRATOR_ACTIVE_SET) {
        const char *why = gridform__learner_as_unsupported(l, kind, l->coupling);
        if (why != NULL)
            return GF_FAIL(eb, GRIDFORM_EUNSUPPORTED, "GRIDFORM_INTEGRATOR_ACTIVE_SET is selected: %s", why);
    }
    l->nl = kind;
    l->strength = strength;
    gridform__learner_etd_invalidate(l);   /* the ETD stage holds the old force */
    return GRIDFORM_OK;
}

int gridform_learner_set_coupling(gridform_learner *l, int kind)
{
    GF_LEARNER_ENTRY(l);
    gridform__errbuf *eb = &l->err;
    if (kind < GRIDFORM_COUPLING_INDEPENDENT || kind > GRIDFORM_COUPLING_SYMMETRIC)
        return GF_FAIL(eb, GRIDFORM_EINVAL,
                       "kind must be GRIDFORM_COUPLING_INDEPENDENT (1), _SANGER (2) or _SYMMETRIC (3), got %d",
                       kind);
    if (kind != GRIDFORM_COUPLING_INDEPENDENT && l->ng > l->n)
        return GF_FAIL(eb, GRIDFORM_EINVAL,
                       "%zu orthogonal maps cannot exist on %zu lattice modes (%zu x %zu points)", l->ng, l->n,
                       l->nx, l->ny);
    if (l->integrator == GRIDFORM_INTEGRATOR_ACTIVE_SET) {   /* see set_nonlinearity */
        const char *why = gridform__learner_as_unsupported(l, l->nl, kind);
        if (why != NULL)
            return GF_FAIL(eb, GRIDFORM_EUNSUPPORTED, "GRIDFORM_INTEGRATOR_ACTIVE_SET is selected: %s", why);
    }
    l->coupling = kind;
    gridform__learner_etd_invalidate(l);
    if (!l->dt_user) {
        set_default_step(l);
        gridform__learner_update_factors(l);
    }
    return GRIDFORM_OK;
}

int gridform_learner_set_integrator(gridform_learner *l, int kind)
{
    GF_LEARNER_ENTRY(l);
    gridform__errbuf *eb = &l->err;
    if (kind != GRIDFORM_INTEGRATOR_EULER && kind != GRIDFORM_INTEGRATOR_EXPONENTIAL
        && kind != GRIDFORM_INTEGRATOR_ETD && kind != GRIDFORM_INTEGRATOR_ACTIVE_SET)
        return GF_FAIL(eb, GRIDFORM_EINVAL,
                       "kind must be GRIDFORM_INTEGRATOR_EULER (1), _EXPONENTIAL (2), _ETD (3) or _ACTIVE_SET (4), "
                       "got %d", kind);
    if (kind == GRIDFORM_INTEGRATOR_EXPONENTIAL && l->exact)
        return GF_FAIL(eb, GRIDFORM_EUNSUPPORTED,
                       "an EXACT kernel is no Fourier multiplier: only GRIDFORM_INTEGRATOR_EULER or _ETD apply");
    if (kind == GRIDFORM_INTEGRATOR_ACTIVE_SET) {
        const char *why = gridform__learner_as_unsupported(l, l->nl, l->coupling);
        if (why != NULL)
            return GF_FAIL(eb, GRIDFORM_EUNSUPPORTED, "GRIDFORM_INTEGRATOR_ACTIVE_SET: %s", why);
        if (gridform__learner_as_init(l) != GRIDFORM_OK)
            return GF_FAIL(eb, GRIDFORM_ENOMEM, "cannot allocate the active-set integrator's %zu bases of %zu x %zu",
                           l->ng, l->nx, l->ny);
    }
    if (kind != GRIDFORM_INTEGRATOR_ETD && kind != GRIDFORM_INTEGRATOR_ACTIVE_SET
        && gridform__arena_inside(l->arena) != NULL)
        return GF_FAIL(eb, GRIDFORM_EUNSUPPORTED,
                       "the arena has a shape (a mask): only GRIDFORM_INTEGRATOR_ETD and _ACTIVE_SET keep maps at 0 "
                       "outside it");
    gridform__learner_etd_invalidate(l);
    l->integrator = kind;
    if (!l->dt_user)
        set_default_step(l);
    gridform__learner_update_factors(l);
    return GRIDFORM_OK;
}

int gridform_learner_set_step(gridform_learner *l, double dt)
{
    GF_LEARNER_ENTRY(l);
    gridform__errbuf *eb = &l->err;
    if (!isfinite(dt) || !(dt > 0.0))
        return GF_FAIL(eb, GRIDFORM_EINVAL, "dt must be finite and > 0, got %g", dt);
    if (dt * l->smax > 1e300)
        return GF_FAIL(eb, GRIDFORM_ERANGE, "dt = %g times max Sigma~ = %g overflows", dt, l->smax);
    l->dt = l->dt_start = l->dt_max = dt;
    l->dt_user = 1;
    l->streak = 0;
    l->dt_bad = INFINITY;
    gridform__learner_update_factors(l);
    gridform__learner_reset_runaway(l);
    gridform__pi_reset(&l->etd.pi);
    return GRIDFORM_OK;
}

int gridform_learner_get_step(const gridform_learner *l, double *dt)
{
    GF_LEARNER_ENTRY(l);
    GF_CHECK_PTR(GF_LEARNER_EB(l), dt);
    *dt = l->dt;
    return GRIDFORM_OK;
}

int gridform_learner_get_euler_limit(const gridform_learner *l, double *dt)
{
    GF_LEARNER_ENTRY(l);
    GF_CHECK_PTR(GF_LEARNER_EB(l), dt);
    *dt = gridform__learner_euler_limit(l, l->coupling);
    return GRIDFORM_OK;
}

int gridform_learner_set_step_control(gridform_learner *l, int on)
{
    GF_LEARNER_ENTRY(l);
    if (on != 0 && on != 1)
        return GF_FAIL(&l->err, GRIDFORM_EINVAL, "on must be 0 or 1, got %d", on);
    l->control = on;
    l->streak = 0;
    /* Off: the fixed step is the one set (default or user's). */
    if (!on && l->dt != l->dt_start) {
        l->dt = l->dt_start;
        gridform__learner_update_factors(l);
    }
    return GRIDFORM_OK;
}

int gridform_learner_get_rejected(const gridform_learner *l, size_t *rejected)
{
    GF_LEARNER_ENTRY(l);
    GF_CHECK_PTR(GF_LEARNER_EB(l), rejected);
    *rejected = l->rejected;
    return GRIDFORM_OK;
}

/* Errors name the public caller (fn), not this helper. */
static int need_maps_in(gridform_learner *l, const char *fn)
{
    if (!l->have_maps)
        return gridform__fail(&l->err, GRIDFORM_EINVAL, fn,
                              "the maps are not set: call gridform_learner_seed or gridform_learner_set_maps first");
    return GRIDFORM_OK;
}
#define need_maps(l) need_maps_in((l), __func__)

int gridform_learner_get_residual(const gridform_learner *l, double *residual)
{
    GF_LEARNER_ENTRY(l);
    GF_CHECK_PTR(GF_LEARNER_EB(l), residual);
    gridform_learner *w = (gridform_learner *)l;   /* the evaluation uses the handle's workspace */
    int rc = need_maps_in(w, __func__);
    if (rc != GRIDFORM_OK)
        return rc;
    w->api = __func__;
    return gridform__learner_kkt_residual(w, residual);
}

int gridform_learner_set_tolerance(gridform_learner *l, double rtol)
{
    GF_LEARNER_ENTRY(l);
    if (!isfinite(rtol) || !(rtol > 0.0) || !(rtol < 1.0))
        return GF_FAIL(&l->err, GRIDFORM_EINVAL, "rtol must be finite, > 0 and < 1, got %g", rtol);
    l->etd.rtol = rtol;
    gridform__pi_reset(&l->etd.pi);
    return GRIDFORM_OK;
}

int gridform_learner_get_tolerance(const gridform_learner *l, double *rtol)
{
    GF_LEARNER_ENTRY(l);
    GF_CHECK_PTR(GF_LEARNER_EB(l), rtol);
    *rtol = l->etd.rtol;
    return GRIDFORM_OK;
}

int gridform_learner_set_threads(gridform_learner *l, int nthreads)
{
    GF_LEARNER_ENTRY(l);
    if (nthreads < 1)
        return GF_FAIL(&l->err, GRIDFORM_EINVAL, "nthreads must be >= 1, got %d", nthreads);
    if (nthreads > 1024)
        return GF_FAIL(&l->err, GRIDFORM_EINVAL, "nthreads must be <= 1024, got %d", nthreads);
    /* Maps are split between workers; with fewer maps than threads the
     * rest go to FFTW, inside each transform. */
    int nworkers = (size_t)nthreads < l->ng ? nthreads : (int)l->ng;
    int fftw_threads = nthreads / nworkers;
    int rc = make_plans(l, fftw_threads, l->rigor, &l->err);
    if (rc != GRIDFORM_OK)
        return rc;
    if (gridform__learner_set_workers(l, nworkers) != GRIDFORM_OK)
        return GF_FAIL(&l->err, GRIDFORM_ENOMEM, "cannot start %d worker threads", nworkers - 1);
    l->nthreads = nthreads;
    return GRIDFORM_OK;
}

int gridform_learner_set_planning(gridform_learner *l, int rigor)
{
    GF_LEARNER_ENTRY(l);
    if (rigor < GRIDFORM_PLAN_ESTIMATE || rigor > GRIDFORM_PLAN_PATIENT)
        return GF_FAIL(&l->err, GRIDFORM_EINVAL,
                       "rigor must be GRIDFORM_PLAN_ESTIMATE (1), _MEASURE (2) or _PATIENT (3), got %d", rigor);
    return make_plans(l, l->fftw_threads, rigor, &l->err);
}

/* Maps are 0 outside the arena's shape (lib/internal.h); with no shape
 * nothing changes.  Norms over the inside bins. */
static void mask_maps(gridform_learner *l)
{
    const unsigned char *inside = gridform__arena_inside(l->arena);
    if (inside == NULL)
        return;
    int single = l->precision == GRIDFORM_PRECISION_SINGLE;
    for (size_t j = 0; j < l->ng; j++) {
        double s = 0.0;
        for (size_t i = 0; i < l->n; i++) {
            size_t q = j * l->n + i;
            double v;
            if (single) {
                if (!inside[i])
                    ((float *)l->g)[q] = 0.0f;
                v = ((float *)l->g)[q];
            } else {
                if (!inside[i])
                    l->g[q] = 0.0;
                v = l->g[q];
            }
            s += v * v;
        }
        l->nrm[j] = sqrt(s * l->da);
    }
}

static void reset_history(gridform_learner *l)
{
    mask_maps(l);
    for (size_t j = 0; j < l->ng; j++) {
        l->logv[j] = l->logmin[j] = 0.0;
        l->rq[j] = 0.0;
    }
    l->steps = 0;
    l->time = 0.0;
    l->last_change = INFINITY;
    l->rejected = 0;
    l->streak = 0;
    l->dt_bad = INFINITY;
    gridform__learner_etd_invalidate(l);
    /* A rejected run left a smaller step: new maps start from the set one. */
    if (l->dt != l->dt_start) {
        l->dt = l->dt_start;
        gridform__learner_update_factors(l);
    }
    l->have_maps = 1;
}

int gridform_learner_seed(gridform_learner *l, uint64_t seed, double amplitude)
{
    GF_LEARNER_ENTRY(l);
    if (!isfinite(amplitude) || !(amplitude > 0.0) || amplitude > 1e150)
        return GF_FAIL(&l->err, GRIDFORM_EINVAL, "amplitude must be finite, > 0 and <= 1e150, got %g", amplitude);
    if (l->precision == GRIDFORM_PRECISION_SINGLE && !(amplitude >= 1e-30 && amplitude <= 1e30))
        return GF_FAIL(&l->err, GRIDFORM_ERANGE,
                       "amplitude %g is beyond single precision's range (1e-30 to 1e30 keeps the maps and "
                       "their squares in float)", amplitude);
    gridform__rng r;
    gridform__rng_seed(&r, seed);
    /* One stream, map after map in memory order: the maps do not depend on
     * the platform, the thread count or the FFTW plan. */
    int single = l->precision == GRIDFORM_PRECISION_SINGLE;
    for (size_t j = 0; j < l->ng; j++) {
        double s = 0.0;
        for (size_t i = 0; i < l->n; i++) {
            double v = amplitude * (2.0 * gridform__rng_uniform(&r) - 1.0);
            if (single) {   /* the same draws, rounded to float */
                float f = (float)v;
                ((float *)l->g)[j * l->n + i] = f;
                v = f;
            } else {
                l->g[j * l->n + i] = v;
            }
            s += v * v;
        }
        l->nrm[j] = sqrt(s * l->da);
    }
    reset_history(l);
    return GRIDFORM_OK;
}

/* Why maps (ng x n doubles) cannot be held in float: a value beyond
 * FLT_MAX, or a nonzero map whose values all round to 0 or to subnormals
 * (its norm would then lose all precision); NULL when they can. */
static const char *single_range_failure(const double *maps, size_t ng, size_t n)
{
    for (size_t j = 0; j < ng; j++) {
        double amax = 0.0;
        for (size_t i = 0; i < n; i++) {
            double v = fabs(maps[j * n + i]);
            if (v > FLT_MAX)
                return "exceed single precision's range (3.4e38)";
            if (v > amax)
                amax = v;
        }
        if (amax > 0.0 && amax < 1e-30)
            return "are below single precision's normal range (a map's largest value under 1e-30)";
    }
    return NULL;
}

int gridform_learner_set_maps(gridform_learner *l, const double *maps)
{
    GF_LEARNER_ENTRY(l);
    GF_CHECK_PTR(&l->err, maps);
    /* Validate everything before touching the state. */
    for (size_t j = 0; j < l->ng; j++) {
        const double *src = maps + j * l->n;
        double s = 0.0;
        for (size_t i = 0; i < l->n; i++) {
            if (!isfinite(src[i]))
                return GF_FAIL(&l->err, GRIDFORM_EINVAL, "maps[%zu] (map %zu) is not finite", j * l->n + i, j);
            s += src[i] * src[i];
        }
        if (!(s > 0.0) || !isfinite(s))
            return GF_FAIL(&l->err, GRIDFORM_EINVAL, "map %zu is all zero (or its norm overflows)", j);
    }
    int single = l->precision == GRIDFORM_PRECISION_SINGLE;
    if (single) {   /* float would hold Inf, or a map of zeros (found by fuzzing) */
        const char *why = single_range_failure(maps, l->ng, l->n);
        if (why != NULL)
            return GF_FAIL(&l->err, GRIDFORM_ERANGE, "the maps %s: use GRIDFORM_PRECISION_DOUBLE or rescale them",
                           why);
    }
    for (size_t j = 0; j < l->ng; j++) {
        const double *src = maps + j * l->n;
        double s = 0.0;
        if (single) {
            float *g = (float *)l->g + j * l->n;
            for (size_t i = 0; i < l->n; i++) {
                g[i] = (float)src[i];
                s += (double)g[i] * (double)g[i];
            }
        } else {
            double *g = l->g + j * l->n;
            memcpy(g, src, l->n * sizeof(double));
            for (size_t i = 0; i < l->n; i++)
                s += g[i] * g[i];
        }
        l->nrm[j] = sqrt(s * l->da);
    }
    reset_history(l);
    return GRIDFORM_OK;
}

int gridform_learner_get_maps(const gridform_learner *l, double *maps)
{
    GF_LEARNER_ENTRY(l);
    GF_CHECK_PTR(GF_LEARNER_EB(l), maps);
    if (l->precision == GRIDFORM_PRECISION_SINGLE) {
        const float *g = (const float *)l->g;
        for (size_t i = 0; i < l->ng * l->n; i++)
            maps[i] = (double)g[i];
    } else {
        memcpy(maps, l->g, l->ng * l->n * sizeof(double));
    }
    return GRIDFORM_OK;
}

int gridform_learner_get_nmaps(const gridform_learner *l, size_t *nmaps)
{
    GF_LEARNER_ENTRY(l);
    GF_CHECK_PTR(GF_LEARNER_EB(l), nmaps);
    *nmaps = l->ng;
    return GRIDFORM_OK;
}

int gridform_learner_get_time(const gridform_learner *l, double *time, size_t *steps)
{
    GF_LEARNER_ENTRY(l);
    if (time == NULL && steps == NULL)
        return GF_FAIL(GF_LEARNER_EB(l), GRIDFORM_EINVAL, "time and steps must not both be NULL");
    if (time) *time = l->time;
    if (steps) *steps = l->steps;
    return GRIDFORM_OK;
}


int gridform_learner_iterate(gridform_learner *l, size_t nsteps)
{
    GF_LEARNER_ENTRY(l);
    int rc = need_maps(l);
    if (rc != GRIDFORM_OK)
        return rc;
    l->api = __func__;
    for (size_t s = 0; s < nsteps; s++) {
        rc = gridform__learner_step(l, 0);
        if (rc != GRIDFORM_OK)
            return rc;
    }
    return GRIDFORM_OK;
}

int gridform_learner_run(gridform_learner *l, size_t max_steps, double tol, gridform_progress_fn progress,
                         void *user)
{
    GF_LEARNER_ENTRY(l);
    if (!isfinite(tol) || !(tol > 0.0))
        return GF_FAIL(&l->err, GRIDFORM_EINVAL, "tol must be finite and > 0, got %g", tol);
    int rc = need_maps(l);
    if (rc != GRIDFORM_OK)
        return rc;
    /* The callback runs about 100 times per call (every max_steps/100
     * steps) and after the last step. */
    size_t every = max_steps / 100 > 0 ? max_steps / 100 : 1;
    l->api = __func__;
    for (size_t s = 0; s < max_steps; s++) {
        rc = gridform__learner_step(l, 1);
        if (rc != GRIDFORM_OK)
            return rc;
        double res = INFINITY;
        if ((rc = gridform__learner_kkt_residual(l, &res)) != GRIDFORM_OK)
            return rc;
        int done = res < tol;
        if (progress != NULL && (done || (s + 1) % every == 0 || s + 1 == max_steps)) {
            double total = 0.0;
            for (size_t j = 0; j < l->ng; j++)
                total += l->rq[j];
            if (!isfinite(total)) {
                /* The step's own quotients are unscaled (they ride on its
                 * hot loop) and overflow for boxes far below a metre; the
                 * objective's are scaled (gridform_learner_objective). */
                gridform__learner_rayleigh(l, l->m);
                total = 0.0;
                for (size_t j = 0; j < l->ng; j++)
                    total += l->m[j];
            }
            if (progress(s + 1, max_steps, total, user) != 0)
                return GF_FAIL(&l->err, GRIDFORM_ECANCELED, "canceled by the progress callback after %zu of %zu steps",
                               s + 1, max_steps);
        }
        if (done)
            return GRIDFORM_OK;
    }
    return GRIDFORM_CONTINUE;
}

int gridform_learner_objective(gridform_learner *l, double *per_map, double *total)
{
    GF_LEARNER_ENTRY(l);
    if (per_map == NULL && total == NULL)
        return GF_FAIL(&l->err, GRIDFORM_EINVAL, "per_map and total must not both be NULL");
    int rc = need_maps(l);
    if (rc != GRIDFORM_OK)
        return rc;
    /* The workspace m has ng*ng >= ng doubles and is free between steps. */
    double *q = per_map != NULL ? per_map : l->m;
    gridform__learner_rayleigh(l, q);
    double t = 0.0;
    for (size_t j = 0; j < l->ng; j++) {
        if (!isfinite(q[j]))   /* never OK with a non-finite value */
            return GF_FAIL(&l->err, GRIDFORM_ERANGE,
                           "map %zu's objective is not representable in double (the spectrum's scale is %g)", j,
                           fmax(fabs(l->smax), fabs(l->smin)));
        t += q[j];
    }
    if (!isfinite(t))
        return GF_FAIL(&l->err, GRIDFORM_ERANGE, "the sum of the maps' objectives overflows double");
    if (total != NULL)
        *total = t;
    return GRIDFORM_OK;
}

/* ---- precision and truncation (issue 16; doc/theory.md §2.6 and §2.8) ---- */

int gridform_learner_set_precision(gridform_learner *l, int precision)
{
    GF_LEARNER_ENTRY(l);
    gridform__errbuf *eb = &l->err;
    if (precision != GRIDFORM_PRECISION_DOUBLE && precision != GRIDFORM_PRECISION_SINGLE)
        return GF_FAIL(eb, GRIDFORM_EINVAL,
                       "precision must be GRIDFORM_PRECISION_DOUBLE (%d) or GRIDFORM_PRECISION_SINGLE (%d), got %d",
                       GRIDFORM_PRECISION_DOUBLE, GRIDFORM_PRECISION_SINGLE, precision);
    if (precision == l->precision)
        return GRIDFORM_OK;
    if (l->exact)
        return GF_FAIL(eb, GRIDFORM_EUNSUPPORTED,
                       "an EXACT kernel is applied in double precision (gridform_kernel_apply): only "
                       "GRIDFORM_PRECISION_DOUBLE applies");
    int single = precision == GRIDFORM_PRECISION_SINGLE;
    if (single) {
        /* Maps of unit norm (1/m) reach 1/sqrt(dA) at a point and n/sqrt(dA)
         * in a Fourier coefficient, and the coupling sums their products:
         * float (up to 3.4e38, normal down to 1.2e-38) must hold those
         * squared with room for the sums.  Boxes far from the lab scale
         * (a 1e-100 m box, found by tests/fuzz/fuzz_config) cannot. */
        double top = (double)l->n / sqrt(l->da), bottom = 1.0 / sqrt(l->area);
        double smag = fmax(fabs(l->smax), fabs(l->smin));
        if (!(top <= 1e15) || !(bottom >= 1e-15) || (smag > 0.0 && !(smag >= 1e-30 && smag <= 1e30)))
            return GF_FAIL(eb, GRIDFORM_ERANGE,
                           "box beyond float's range (map Fourier peak %.3g, mean %.3g, |Sigma~| %.3g; "
                           "limits 1e15, 1e-15, 1e-30..1e30): use GRIDFORM_PRECISION_DOUBLE",
                           top, bottom, smag);
        const char *why = single_range_failure(l->g, l->ng, l->n);
        if (why != NULL)
            return GF_FAIL(eb, GRIDFORM_ERANGE, "the current maps %s: rescale them (gridform_learner_set_maps) first",
                           why);
    }
    size_t total = l->ng * l->cstride, nmap = l->ng * l->n, nf = l->nfreq, ng = l->ng;
    size_t bytes = total * (single ? sizeof(float) : sizeof(double));
    /* Everything new first, so a failure leaves the learner as it was. */
    double *g = gridform__aligned_alloc(bytes), *a = gridform__aligned_alloc(bytes),
           *b = gridform__aligned_alloc(bytes);
    int ok = g && a && b;
    if (ok && single) {
        l->f32.fac = gridform__malloc_array(nf, sizeof(float));
        l->f32.cfac = gridform__malloc_array(nf, sizeof(float));
        l->f32.ysc = gridform__malloc_array(nf, sizeof(float));
        l->f32.gsc = gridform__malloc_array(nf, sizeof(float));
        l->f32.ksc = gridform__malloc_array(nf, sizeof(float));
        l->f32.m = gridform__malloc_array(ng * ng, sizeof(float));
        l->f32.mlane = l->nlanes > 1 ? gridform__malloc_array((l->nlanes - 1) * ng * ng, sizeof(float)) : NULL;
        ok = l->f32.fac && l->f32.cfac && l->f32.ysc && l->f32.gsc && l->f32.ksc && l->f32.m
             && (l->nlanes == 1 || l->f32.mlane);
    }
    if (!ok) {
        if (single)
            free_single_factors(l);
        gridform__aligned_free(g);
        gridform__aligned_free(a);
        gridform__aligned_free(b);
        return GF_FAIL(eb, GRIDFORM_ENOMEM, "cannot allocate %zu %s-precision maps of %zu x %zu", l->ng,
                       single ? "single" : "double", l->nx, l->ny);
    }
    /* The maps carry over, rounded to the new precision. */
    if (single)
        for (size_t i = 0; i < nmap; i++)
            ((float *)g)[i] = (float)l->g[i];
    else
        for (size_t i = 0; i < nmap; i++)
            g[i] = (double)((const float *)l->g)[i];
    double *og = l->g, *oa = l->a, *ob = l->b;
    int oprec = l->precision;
    l->g = g;
    l->a = a;
    l->b = b;
    l->precision = precision;
    int rc = make_plans(l, l->fftw_threads, l->rigor, eb);
    if (rc != GRIDFORM_OK) {
        l->g = og;
        l->a = oa;
        l->b = ob;
        l->precision = oprec;
        if (single)
            free_single_factors(l);
        gridform__aligned_free(g);
        gridform__aligned_free(a);
        gridform__aligned_free(b);
        return rc;
    }
    gridform__aligned_free(og);
    gridform__aligned_free(oa);
    gridform__aligned_free(ob);
    if (single) {
        for (size_t k = 0; k < nf; k++) {
            l->f32.ysc[k] = (float)l->ysc[k];
            l->f32.gsc[k] = (float)l->gsc[k];
        }
    } else {
        free_single_factors(l);
        gridform__fftw_lock(1);
        fftwf_destroy_plan(l->f32.fwd);
        fftwf_destroy_plan(l->f32.bwd);
        gridform__fftw_unlock();
        l->f32.fwd = l->f32.bwd = NULL;
    }
    if (!l->trunc_user)
        l->trunc_eps = single ? GF_TRUNC_SINGLE : GF_TRUNC_DOUBLE;
    update_truncation(l);
    gridform__learner_update_factors(l);
    /* the maps' norms are unchanged to rounding; the runaway record restarts */
    gridform__learner_reset_runaway(l);
    gridform__learner_etd_invalidate(l);
    return GRIDFORM_OK;
}

int gridform_learner_get_precision(const gridform_learner *l, int *precision)
{
    GF_LEARNER_ENTRY(l);
    GF_CHECK_PTR(GF_LEARNER_EB(l), precision);
    *precision = l->precision;
    return GRIDFORM_OK;
}

int gridform_learner_set_truncation(gridform_learner *l, double epsilon)
{
    GF_LEARNER_ENTRY(l);
    if (!isfinite(epsilon) || epsilon < 0.0 || epsilon > 1.0)
        return GF_FAIL(&l->err, GRIDFORM_EINVAL, "epsilon must be in [0, 1] (0: no truncation), got %g", epsilon);
    l->trunc_eps = epsilon;
    l->trunc_user = 1;
    update_truncation(l);
    return GRIDFORM_OK;
}

int gridform_learner_get_truncation(const gridform_learner *l, double *epsilon, size_t *kept)
{
    GF_LEARNER_ENTRY(l);
    if (epsilon == NULL && kept == NULL)
        return GF_FAIL(GF_LEARNER_EB(l), GRIDFORM_EINVAL, "epsilon and kept must not both be NULL");
    if (epsilon)
        *epsilon = l->trunc_eps;
    /* The bins that enter M: all of them when M is no dsyrk (Sigma~ has
     * negative values) or the kernel is EXACT. */
    if (kept)
        *kept = (l->exact || !l->use_syrk) ? l->nfreq : l->nkept;
    return GRIDFORM_OK;
}
