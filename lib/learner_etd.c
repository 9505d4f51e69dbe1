/* libgridform: the learner's error-controlled exponential integrator
 * (GRIDFORM_INTEGRATOR_ETD) and the stationarity residual of the continuous
 * problem, which every integrator reports (doc/theory.md §2.7 and §2.9).
 *
 * The flow of unit maps g_j under the constraints C = {|g_j| = 1, and
 * g_j >= 0 for RELU, and g_j = 0 outside the arena's shape} is written as
 *
 *     dg/dt = L g + N(g),     L = Sigma - lambda0 (diagonal in Fourier),
 *     N(g)  = (lambda0 - lambda_j) g - C_j(g) - pen(g) + R(g),
 *
 * with C_j the coupling (Sanger: sum_{i<j} M_ji g_i; symmetric:
 * sum_{i!=j} M_ji g_i; M = G Sigma G^T dA), pen the force of SOFT's
 * penalty (2 c min(g, 0)) or of TANH's (c (g - tanh(g sqrt A)/sqrt A),
 * Sorscher et al. 2019 as written in doc/theory.md §3.5), R the reaction
 * of the active constraints (the part of the force f = Sigma g - C - pen
 * that pushes an active bin out of C: -min(f, 0) on RELU's bins at 0, -f
 * outside the shape) and lambda_j = <g_j, f_j> the multiplier that keeps
 * the norm.  L g + N(g) is then the projected force, and zero exactly at
 * the KKT points of the continuous problem; the exponential Runge-Kutta
 * steps below leave every such g unchanged at every step size (Cox and
 * Matthews, J. Comput. Phys. 176, 2002, eqs. 4 and 22):
 *
 *     a   = P(e^{hL} u + h phi_1(hL) N(u))                       (ETD1)
 *     u'  = P(e^{hL} u + h phi_1(hL) N(u) + h phi_2(hL) (N(a) - N(u)))   (ETD2RK)
 *
 * P the Euclidean projection onto C (mask, clip, normalise; Hairer, BIT 41,
 * 2001: projecting after the step keeps its order).  The local error is
 * measured between the two projected states, so what the projection
 * removes does not count (doc/theory.md §2.9), and a PI controller
 * (lib/integrator.c) chooses the next step.  Stage 1 of the next step is
 * the evaluation of N at the accepted state, done once (first same as
 * last), and it is also what the residual needs, so the residual of every
 * accepted step is free.
 *
 * Work is split by maps between the learner's worker threads (the pool of
 * lib/learner_pool.c), each map's arithmetic independent of which thread
 * does it; the products across maps (M and the coupling) are single BLAS
 * calls.  Results do not depend on the thread count.  The arithmetic is
 * double in both precisions: a GRIDFORM_PRECISION_SINGLE learner holds its
 * maps in float between steps (each accepted step is rounded), so its
 * results differ from double ones by the float rounding of the state, and
 * the step saves no time (doc/theory.md §2.9).  Nothing is allocated, planned or formatted in a step except
 * on failure. */
#include "config.h"
#include <float.h>
#include <math.h>
#include <string.h>
#include <cblas.h>
#include "learner_step.h"
#include "learner_etd.h"
#include "learner_active.h"
#include "learner_control.h"
#include "kernel_op.h"

/* The default relative tolerance of one step's local error (doc/theory.md
 * §2.9, chosen so that the default answer is the converged one). */
#define GF_ETD_RTOL_DEFAULT 1e-3

static double *alloc_buf(const gridform_learner *l)
{
    return gridform__aligned_doubles(l->ng * l->cstride);
}

int gridform__learner_etd_init(gridform_learner *l)
{
    gridform__learner_etd *e = &l->etd;
    size_t ng = l->ng, nlin = l->exact ? 1 : l->nfreq;
    e->xh1 = alloc_buf(l);
    e->nh1 = alloc_buf(l);
    e->xh2 = alloc_buf(l);
    e->nh2 = alloc_buf(l);
    e->s = alloc_buf(l);
    e->c = alloc_buf(l);
    e->ar = alloc_buf(l);
    e->out = alloc_buf(l);
    e->x = alloc_buf(l);
    e->gd = alloc_buf(l);
    e->v1 = alloc_buf(l);
    e->v2 = alloc_buf(l);
    e->m = gridform__malloc_array(ng * ng, sizeof(double));
    e->lin = gridform__malloc_array(nlin, sizeof(double));
    e->lam = gridform__calloc(ng, sizeof(double));
    e->res = gridform__calloc(ng, sizeof(double));
    e->err = gridform__calloc(ng, sizeof(double));
    e->why = gridform__calloc(ng, sizeof(const char *));
    if (!e->xh1 || !e->nh1 || !e->xh2 || !e->nh2 || !e->s || !e->c || !e->ar || !e->out || !e->x || !e->gd || !e->v1 || !e->v2 || !e->m
        || !e->lin || !e->lam || !e->res || !e->err || !e->why)
        return GRIDFORM_ENOMEM;
    if (gridform__etd_coeffs_init(&e->co, nlin, l->exact ? 1.0 : 1.0 / (double)l->n) != GRIDFORM_OK
        || gridform__etd_coeffs_init(&e->loc, 1, 1.0) != GRIDFORM_OK)
        return GRIDFORM_ENOMEM;
    if (l->exact) {
        e->lin[0] = -l->lambda0;
        e->ell = -l->lambda0;
    } else {
        /* ell: the diagonal of L in real space, the mean of its
         * multipliers over the full lattice */
        double sum = 0.0;
        for (size_t k = 0; k < l->nfreq; k++) {
            e->lin[k] = l->sigma[k] - l->lambda0;
            sum += l->wt[k] * e->lin[k];
        }
        e->ell = sum / (double)l->n;
    }
    gridform__pi_init(&e->pi, 1);
    e->rtol = GF_ETD_RTOL_DEFAULT;
    memset(e->c, 0, ng * l->cstride * sizeof(double));
    /* the transforms are planned by gridform__learner_etd_plan, which
     * gridform_learner_create calls with the learner's own plans */
    return GRIDFORM_OK;
}

int gridform__learner_etd_plan(gridform_learner *l, unsigned flags)
{
    gridform__learner_etd *e = &l->etd;
    if (l->exact)
        return GRIDFORM_OK;
    /* Planned on scratch arrays of the same allocator (so of the same
     * alignment, which new-array execution needs): FFTW_MEASURE and
     * FFTW_PATIENT overwrite the arrays they plan on, and the state's
     * spectra (xh1, nh1) live across steps.  The transforms are single
     * map and single threaded: the learner's workers split the maps. */
    double *in = alloc_buf(l), *spec = alloc_buf(l);
    if (in == NULL || spec == NULL) {
        gridform__aligned_free(in);
        gridform__aligned_free(spec);
        return GRIDFORM_ENOMEM;
    }
    int dims[2] = {(int)l->ny, (int)l->nx};
    flags |= l->n % 2 != 0 ? FFTW_UNALIGNED : 0u;
    gridform__fftw_lock(1);
    fftw_plan fwd = fftw_plan_many_dft_r2c(2, dims, 1, in, NULL, 1, (int)l->n, (fftw_complex *)spec, NULL, 1,
                                           (int)l->nfreq, flags);
    fftw_plan bwd = fftw_plan_many_dft_c2r(2, dims, 1, (fftw_complex *)spec, NULL, 1, (int)l->nfreq, in, NULL, 1,
                                           (int)l->n, flags);
    int ok = fwd != NULL && bwd != NULL;
    if (!ok) {
        if (fwd) fftw_destroy_plan(fwd);
        if (bwd) fftw_destroy_plan(bwd);
    } else {
        if (e->fwd) fftw_destroy_plan(e->fwd);
        if (e->bwd) fftw_destroy_plan(e->bwd);
        e->fwd = fwd;
        e->bwd = bwd;
    }
    gridform__fftw_unlock();
    gridform__aligned_free(in);
    gridform__aligned_free(spec);
    return ok ? GRIDFORM_OK : GRIDFORM_ENOMEM;
}

void gridform__learner_etd_free(gridform_learner *l)
{
    gridform__learner_etd *e = &l->etd;
    if (e->fwd || e->bwd) {
        gridform__fftw_lock(1);
        if (e->fwd) fftw_destroy_plan(e->fwd);
        if (e->bwd) fftw_destroy_plan(e->bwd);
        gridform__fftw_unlock();
    }
    e->fwd = e->bwd = NULL;
    gridform__aligned_free(e->xh1);
    gridform__aligned_free(e->nh1);
    gridform__aligned_free(e->xh2);
    gridform__aligned_free(e->nh2);
    gridform__aligned_free(e->s);
    gridform__aligned_free(e->c);
    gridform__aligned_free(e->ar);
    gridform__aligned_free(e->out);
    gridform__aligned_free(e->x);
    gridform__aligned_free(e->gd);
    gridform__aligned_free(e->v1);
    gridform__aligned_free(e->v2);
    gridform__free(e->m);
    gridform__free(e->lin);
    gridform__free(e->lam);
    gridform__free(e->res);
    gridform__free(e->err);
    gridform__free((void *)e->why);
    gridform__etd_coeffs_free(&e->co);
    gridform__etd_coeffs_free(&e->loc);
}

void gridform__learner_etd_invalidate(gridform_learner *l)
{
    l->etd.valid = 0;
    l->etd.cap = 0.0;   /* the guard starts again from dt_max */
    gridform__pi_reset(&l->etd.pi);
}

/* The stagnation guard (doc/theory.md §2.9).  Every KKT point is a fixed
 * point of the projected step at every h, but the step's contraction
 * towards it is not the flow's.  A slow mode of the flow, decaying at a
 * rate a, is often the near cancellation of a fast decay b in L (Sigma -
 * max Sigma~) and a growth b - a in N (the multiplier, the constraint
 * reaction, the coupling); one exponential step of length h then decays it
 * by about a / b, not by a h, once b h >> 1, so longer steps stop helping,
 * and at long enough steps the projected iteration circles a stationary
 * state instead.  Both show as a residual that stops falling while every
 * step passes the error test.  Measured (bench/stationarity, 64^2 RELU
 * maps of the demo's code): 32 independent maps stalled near 7e-5 with
 * steps of 25 / max Sigma~; 8 symmetric maps near 2.4e-4 at 6 / max Sigma~,
 * 8 Sanger maps near 1.1e-4.  So the guard watches windows of
 * GF_ETD_WINDOW accepted steps once the residual is below GF_ETD_STALL_FROM
 * (before that, while the maps choose between patterns, the residual may
 * plateau for hundreds of steps and the ceiling only sets the speed).  A
 * window that lowered the residual by less than 1% sets the ceiling to
 * half the current step, down to GF_ETD_CAP_FLOOR / max Sigma~ (Euler's
 * converged step: b h <= 1 there); one that halved it doubles the ceiling
 * again, up to the learner's dt_max, so a ceiling lowered in one phase is
 * not kept through the next.  The guard reads only the residual, which
 * does not depend on the thread count, so results stay bit-identical
 * across threads; set_step, set_tolerance and new maps reset it.  It sets
 * only the speed: the stationary states are the same at every ceiling. */
#define GF_ETD_WINDOW 100
#define GF_ETD_STALL_GAIN 0.99
#define GF_ETD_CAP_FLOOR 1.0
#define GF_ETD_STALL_FROM 1e-3

static void stagnation_guard(gridform_learner *l, double h, double smag)
{
    gridform__learner_etd *e = &l->etd;
    double r = e->residual;
    if (!(r <= GF_ETD_STALL_FROM)) {
        e->nwin = 0;
        return;
    }
    if (e->nwin == 0) {
        e->wstart = e->best = r;
        e->nwin = 1;
        return;
    }
    if (r < e->best)
        e->best = r;
    if (++e->nwin < GF_ETD_WINDOW)
        return;
    if (!(e->best < GF_ETD_STALL_GAIN * e->wstart))
        e->cap = fmax(0.5 * fmin(e->cap, h), GF_ETD_CAP_FLOOR / smag);
    else if (e->best < 0.5 * e->wstart)
        e->cap = fmin(2.0 * e->cap, l->dt_max);
    e->wstart = e->best = r;
    e->nwin = 1;
}

double gridform__learner_etd_default_rtol(void)
{
    return GF_ETD_RTOL_DEFAULT;
}

/* ---- projection onto the constraint set ------------------------------------
 * Map j's values u (n): zero outside the shape, clip for RELU (the exact
 * Euclidean projection onto {g >= 0} followed by the one onto the sphere
 * is the projection onto their intersection whenever the clipped map is
 * not zero), normalise over the inside (to unit Euclidean norm: the
 * scaled variable x = g sqrt(dA)).  As in the fixed-step schemes, a
 * RELU map with no positive value keeps its pattern in -u. */
const char *gridform__learner_project_map(const gridform_learner *l, double *restrict u)
{
    const size_t n = l->n;
    const unsigned char *inside = gridform__arena_inside(l->arena);
    if (inside != NULL)
        for (size_t i = 0; i < n; i++)
            if (!inside[i])
                u[i] = 0.0;
    double s1 = 0.0, s2 = 0.0, sign = 1.0;
    for (size_t i = 0; i < n; i++) {
        double x = u[i], p = x > 0.0 ? x : 0.0;
        s1 += x * x;
        s2 += p * p;
    }
    if (!isfinite(s1))
        return "became NaN or Inf";
    int relu = l->nl == GRIDFORM_NL_RELU;
    if (relu && s2 == 0.0 && s1 > 0.0) {
        sign = -1.0;
        s2 = s1;
    }
    double ss = relu ? s2 : s1;
    if (!(ss > 0.0))
        return "vanished (all zero)";
    double sc = sign / sqrt(ss);
    if (!isfinite(sc))
        return "vanished (all zero)";
    if (relu) {
        for (size_t i = 0; i < n; i++) {
            double x = u[i] * sc;
            u[i] = x > 0.0 ? x : 0.0;
        }
    } else {
        for (size_t i = 0; i < n; i++)
            u[i] *= sc;
    }
    return NULL;
}

/* ---- per-map work of the phases -------------------------------------------- */

/* Sigma x of map j into s (Fourier kernels), keeping x's spectrum in pxh. */
static void sigma_map(gridform_learner *l, size_t j)
{
    gridform__learner_etd *e = &l->etd;
    size_t n = l->n, cs = l->cstride, nf = l->nfreq;
    double *xh = e->pxh + j * cs, *tmp = e->pnh + j * cs;
    fftw_execute_dft_r2c(e->fwd, (double *)e->px + j * n, (fftw_complex *)xh);
    double inv_n = 1.0 / (double)n;
    for (size_t k = 0; k < nf; k++) {
        double f = l->sigma[k] * inv_n;
        tmp[2 * k] = f * xh[2 * k];
        tmp[2 * k + 1] = f * xh[2 * k + 1];
    }
    fftw_execute_dft_c2r(e->bwd, (fftw_complex *)tmp, e->s + j * n);
}

/* The penalty force of SOFT and TANH at the scaled value x = g sqrt(dA)
 * (doc/theory.md §3.5): the gradient of strength <phi(g sqrt A)>/2 with
 * respect to g, times sqrt(dA); ra = sqrt(A / dA), the number of inside
 * bins' square root. */
static inline double penalty(int nl, double c, double ra, double x)
{
    if (nl == GRIDFORM_NL_SOFT)
        return x < 0.0 ? 2.0 * c * x : 0.0;
    if (nl == GRIDFORM_NL_TANH)
        return c * (x - tanh(x * ra) / ra);
    return 0.0;
}

/* Pass 2 of force_map (below), for one map: v, N into s, and the sums of
 * squares of the scaled residual, r2 and (wide) r2hi, 2^-600 lower, which
 * carries residuals beyond 1e150 that overflow r2.  wide is a constant at
 * both calls, so the usual pass has no second sum: its squares of an O(1)
 * residual would be subnormal, a microcode assist per bin (the Euler step
 * took 25% longer with it). */
static inline void force_pass2(const double *restrict x, double *restrict s, const double *restrict cp,
                               double *restrict v, const unsigned char *inside, size_t n, int nl, int relu,
                               int coupled, double c, double ra, double lam, double shift, double kfloor,
                               double rfloor_none, double rscale, int want_n, int stage_exact, const int wide,
                               double *r2_out, double *r2hi_out)
{
    double r2 = 0.0, r2hi = 0.0;
    for (size_t i = 0; i < n; i++) {
        double xi = x[i], f = s[i];
        /* absorbed = 1 where the constraint takes the whole force: outside
         * the shape, and on RELU's bins at 0 that the force pushes down.
         * The cases are selected by 0/1 factors, not branches: bins at 0
         * lie in short runs, which a branch predictor keeps missing (the
         * step took 7% longer with branches, bench/stationarity at 64^2 x
         * 32).  Each product is exact (x * 1 = x, x * 0 = 0 for finite x),
         * so the results are those of the branches. */
        int out = inside != NULL && !inside[i];
        double absorbed = (double)(out | (relu & (xi <= 0.0) & (f < 0.0)));
        double dpf = -f * absorbed;   /* dpf = pf - f, exactly 0 on free bins */
        /* The natural residual of the complementarity x >= 0,
         * lambda x - f >= 0, x (lambda x - f) = 0 (Facchinei and Pang
         * 2003, §1.5): max(f - lambda x, -kappa x), kappa = max |Sigma~|.
         * It is max(f, 0) on bins at 0 and f - lambda x on free bins the
         * force does not push out, and continuous in between: a bin at
         * 1e-18 that the force pushes down is (nearly) stationary, as it is
         * after one more step.  Absorbed bins have none. */
        double r = f - lam * xi, floor = rfloor_none - kfloor * xi;
        r = r < floor ? floor : r;
        r *= (1.0 - absorbed) * rscale;
        r2 += r * r;
        if (wide) {
            double rhi = r * 0x1p-600;
            r2hi += rhi * rhi;
        }
        /* the velocity L x + N = pf - lambda x, kept for the bins at 0 */
        v[i] = f + dpf - lam * xi;
        if (!want_n)          /* s keeps the force f */
            continue;
        if (stage_exact)   /* L = -lambda0: Sigma x stays in N */
            s[i] = shift * xi + f + dpf;
        else
            s[i] = shift * xi - (coupled ? cp[i] : 0.0) - penalty(nl, c, ra, xi) + dpf;
    }
    *r2_out = r2;
    *r2hi_out = r2hi;
}

/* Force, multiplier, residual and N of map j: s_j = Sigma x_j on entry,
 * N(x_j) on exit; N's spectrum (or, EXACT, N itself) into pnh. */
static void force_map(gridform_learner *l, size_t j)
{
    gridform__learner_etd *e = &l->etd;
    const size_t n = l->n;
    const double *restrict x = e->px + j * n;
    double *restrict s = e->s + j * n;
    const double *restrict cp = e->c + j * n;
    const unsigned char *inside = gridform__arena_inside(l->arena);
    const int nl = l->nl, relu = nl == GRIDFORM_NL_RELU;
    const int coupled = l->coupling != GRIDFORM_COUPLING_INDEPENDENT;
    const double c = l->strength, ra = sqrt((double)gridform__arena_ninside(l->arena));
    /* Pass 1: the force f = Sigma x - C - pen (into s) and the
     * multiplier lambda = <x, f>, with the Rayleigh quotient <x, Sigma x>. */
    double lam = 0.0, q = 0.0, xx = 0.0;
    for (size_t i = 0; i < n; i++) {
        double xi = x[i], sv = s[i];
        double f = sv - (coupled ? cp[i] : 0.0) - penalty(nl, c, ra, xi);
        q += xi * sv;
        xx += xi * xi;
        lam += xi * f;
        s[i] = f;
    }
    e->lam[j] = lam;
    l->rq[j] = xx > 0.0 ? q / xx : 0.0;
    /* Pass 2: the projected force pf (f on free bins, max(f, 0) on RELU's
     * bins at 0, nothing outside), the residual, and N, so that
     * L x + N = pf - lambda x: with L = Sigma - lambda0 (Fourier kernels)
     * N = (lambda0 - lambda) x - C - pen + (pf - f), written so that
     * pf - f is exactly 0 on free bins; with L = -lambda0 (EXACT kernels)
     * N = (lambda0 - lambda) x + pf. */
    double r2 = 0.0, r2hi = 0.0, shift = l->lambda0 - lam, kappa = fmax(fabs(l->smax), fabs(l->smin));
    const double rscale = e->rscale;
    /* RELU's floor of the residual below (none otherwise) */
    const double kfloor = relu ? kappa : 0.0, rfloor_none = relu ? 0.0 : -INFINITY;
    double *restrict v = e->pv + j * n;
    const int want_n = e->stage_n;   /* 0: the force, multiplier, residual and v only */
    /* Only a SOFT or TANH strength far beyond max |Sigma~| can make the
     * scaled residual overflow r2: with unit maps |Sigma x|, lambda and
     * the coupling are at most (1 + ng) max |Sigma~|, and the penalty at
     * most 2 c per bin. */
    const int wide = (nl == GRIDFORM_NL_SOFT || nl == GRIDFORM_NL_TANH) && !(fabs(c) * rscale <= 0x1p300);
    if (wide)
        force_pass2(x, s, cp, v, inside, n, nl, relu, coupled, c, ra, lam, shift, kfloor, rfloor_none, rscale,
                    want_n, e->stage_exact, 1, &r2, &r2hi);
    else
        force_pass2(x, s, cp, v, inside, n, nl, relu, coupled, c, ra, lam, shift, kfloor, rfloor_none, rscale,
                    want_n, e->stage_exact, 0, &r2, &r2hi);
    /* r2hi only where r2 overflowed (its terms of an O(1) residual
     * underflow); NaN stays NaN */
    e->res[j] = (r2 <= DBL_MAX || !wide ? sqrt(r2) : sqrt(r2hi) * 0x1p600) / e->rmant;
    if (!want_n)
        return;
    if (e->stage_exact)
        memcpy(e->pnh + j * l->cstride, s, n * sizeof(double));
    else
        fftw_execute_dft_r2c(e->fwd, s, (fftw_complex *)(e->pnh + j * l->cstride));
}

/* The ETD1 stage of map j into ar, projected. */
static void prop1_map(gridform_learner *l, size_t j)
{
    gridform__learner_etd *e = &l->etd;
    size_t n = l->n, cs = l->cstride;
    double *a = e->ar + j * n;
    if (e->stage_exact) {
        const double *x = e->gd + j * n, *nu = e->nh1 + j * cs;
        double ee = e->co.e[0], p1 = e->co.p1[0];
        for (size_t i = 0; i < n; i++)
            a[i] = ee * x[i] + p1 * nu[i];
    } else {
        double *tmp = e->xh2 + j * cs;
        gridform__etd1_combine(&e->co, 0, l->nfreq, 2, e->xh1 + j * cs, e->nh1 + j * cs, tmp);
        fftw_execute_dft_c2r(e->bwd, (fftw_complex *)tmp, a);
    }
    /* Bins at 0 (RELU's active bins, the outside of a shape) move by their
     * own velocity only (see at_zero_update). */
    const double *u = e->gd + j * n, *v1 = e->v1 + j * n;
    const double p1 = e->loc.p1[0];
    for (size_t i = 0; i < n; i++) {
        double z = (double)(u[i] == 0.0);   /* a 0/1 factor, not a branch (see force_map) */
        a[i] = a[i] * (1.0 - z) + p1 * v1[i] * z;
    }
    e->why[j] = gridform__learner_project_map(l, a);
}

/* The ETD2RK step of map j into out, projected, and its distance from
 * the projected ETD1 stage. */
static void prop2_map(gridform_learner *l, size_t j)
{
    gridform__learner_etd *e = &l->etd;
    size_t n = l->n, cs = l->cstride;
    double *o = e->out + j * n;
    if (e->stage_exact) {
        const double *x = e->gd + j * n, *nu = e->nh1 + j * cs, *na = e->nh2 + j * cs;
        double ee = e->co.e[0], p1 = e->co.p1[0], p2 = e->co.p2[0];
        for (size_t i = 0; i < n; i++)
            o[i] = ee * x[i] + p1 * nu[i] + p2 * (na[i] - nu[i]);
    } else {
        double *na = e->nh2 + j * cs;
        gridform__etd2_combine(&e->co, 0, l->nfreq, 2, e->xh1 + j * cs, e->nh1 + j * cs, na, na);
        fftw_execute_dft_c2r(e->bwd, (fftw_complex *)na, o);
    }
    const double *u = e->gd + j * n, *v1 = e->v1 + j * n, *v2 = e->v2 + j * n;
    const double p1 = e->loc.p1[0], p2 = e->loc.p2[0];
    for (size_t i = 0; i < n; i++) {
        /* ETD2RK on the bin's own velocity and diagonal where the bin is
         * at 0 (a 0/1 factor, not a branch: see force_map) */
        double z = (double)(u[i] == 0.0);
        o[i] = o[i] * (1.0 - z) + (p1 * v1[i] + p2 * (v2[i] - v1[i])) * z;
    }
    e->why[j] = gridform__learner_project_map(l, o);
    const double *a = e->ar + j * n;
    double d = 0.0;
    for (size_t i = 0; i < n; i++) {
        double t = o[i] - a[i];
        d += t * t;
    }
    e->err[j] = sqrt(d);
}

/* Map j of the state (either precision), zero outside the shape and
 * normalised to unit Euclidean norm, into dst. */
static void copy_map(gridform_learner *l, size_t j, double *dst)
{
    size_t n = l->n;
    double *x = dst + j * n;
    if (l->precision == GRIDFORM_PRECISION_SINGLE) {
        const float *g = (const float *)l->g + j * n;
        for (size_t i = 0; i < n; i++)
            x[i] = (double)g[i];
    } else {
        memcpy(x, l->g + j * n, n * sizeof(double));
    }
    const unsigned char *inside = gridform__arena_inside(l->arena);
    double ss = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (inside != NULL && !inside[i])
            x[i] = 0.0;
        ss += x[i] * x[i];
    }
    double sc = ss > 0.0 ? 1.0 / sqrt(ss) : 0.0;
    if (!isfinite(sc) || !isfinite(ss)) {
        /* a map of huge values: scale by a power of two first */
        double amax = 0.0;
        for (size_t i = 0; i < n; i++)
            amax = fmax(amax, fabs(x[i]));
        int ex = 0;
        (void)frexp(amax, &ex);
        double p = ldexp(1.0, -ex);
        ss = 0.0;
        for (size_t i = 0; i < n; i++) {
            x[i] *= p;
            ss += x[i] * x[i];
        }
        sc = ss > 0.0 ? 1.0 / sqrt(ss) : 0.0;
    }
    for (size_t i = 0; i < n; i++)
        x[i] *= sc;
}

/* New maps: map j of the state onto the constraint set, scaled, into gd. */
static void widen_map(gridform_learner *l, size_t j)
{
    size_t n = l->n;
    double *x = l->etd.gd + j * n;
    if (l->precision == GRIDFORM_PRECISION_SINGLE) {
        const float *g = (const float *)l->g + j * n;
        for (size_t i = 0; i < n; i++)
            x[i] = (double)g[i];
    } else {
        memcpy(x, l->g + j * n, n * sizeof(double));
    }
    /* scale to O(1) by a power of two (exact) before the projection's sums */
    double amax = 0.0;
    for (size_t i = 0; i < n; i++)
        amax = fmax(amax, fabs(x[i]));
    if (amax > 0.0 && isfinite(amax)) {
        int ex = 0;
        (void)frexp(amax, &ex);
        double p = ldexp(1.0, -ex);
        for (size_t i = 0; i < n; i++)
            x[i] *= p;
    }
    l->etd.why[j] = gridform__learner_project_map(l, x);
}

/* The accepted state gd back into the maps g = x / sqrt(dA); in single
 * precision rounded to float, and gd set to the rounded maps, so the state
 * between steps is the float one. */
static void store_map(gridform_learner *l, size_t j)
{
    size_t n = l->n;
    double *x = l->etd.gd + j * n, inv = 1.0 / sqrt(l->da), sq = sqrt(l->da);
    if (l->precision == GRIDFORM_PRECISION_SINGLE) {
        float *g = (float *)l->g + j * n;
        for (size_t i = 0; i < n; i++) {
            g[i] = (float)(x[i] * inv);
            x[i] = (double)g[i] * sq;
        }
    } else {
        double *g = l->g + j * n;
        for (size_t i = 0; i < n; i++)
            g[i] = x[i] * inv;
    }
}

void gridform__learner_etd_phase(gridform_learner *l, int tid, int phase)
{
    (void)tid;
    size_t mine = 0, j;
    if (phase >= GF_LEARNER_PH_AS_BASIS) {   /* lib/learner_active.c */
        gridform__learner_as_phase(l, tid, phase);
        return;
    }
    while ((j = gridform__pool_take(&l->pool, &mine, l->solo)) < l->ng) {
        switch (phase) {
        case GF_LEARNER_PH_ETD_SIGMA: sigma_map(l, j); break;
        case GF_LEARNER_PH_ETD_FORCE: force_map(l, j); break;
        case GF_LEARNER_PH_ETD_PROP1: prop1_map(l, j); break;
        case GF_LEARNER_PH_ETD_PROP2: prop2_map(l, j); break;
        case GF_LEARNER_PH_ETD_COPY: copy_map(l, j, l->etd.x); break;
        case GF_LEARNER_PH_ETD_WIDEN: widen_map(l, j); break;
        case GF_LEARNER_PH_ETD_STORE: store_map(l, j); break;
        default: break;
        }
    }
}

/* ---- one evaluation of N --------------------------------------------------
 * Stage quantities of the unit maps x (real, ng x n at stride n): x's
 * spectrum into xh, N(x)'s into nh, lambda, rq and the residual per map,
 * the velocity L x + N(x) into v, and e->residual.  nh NULL: no N (its
 * transform is skipped; e->s keeps the force), what the active-set
 * integrator (lib/learner_active.c) needs.  GRIDFORM_OK, or EINVAL if an
 * EXACT kernel fails. */
int gridform__learner_stage(gridform_learner *l, const double *x, double *xh, double *nh, double *v)
{
    gridform__learner_etd *e = &l->etd;
    size_t ng = l->ng, n = l->n;
    e->pv = v;
    e->px = x;
    e->pxh = xh;
    /* without N, nh2 is the scratch of Sigma x's spectrum */
    e->stage_n = nh != NULL;
    e->pnh = nh != NULL ? nh : e->nh2;
    e->stage_exact = l->exact;
    /* The residual is relative to max |Sigma~| (doc/theory.md §2.7), and
     * its sums of squares are taken on r 2^-e, max |Sigma~| = rmant 2^e:
     * exact (a power of two), so the result is bit-identical to
     * sqrt(sum r^2) / max |Sigma~| wherever that is representable, but the
     * squares of an O(1) residual neither overflow for a spectrum of 1e180
     * (a box of 1e-100 m) nor underflow for one of 1e-180.  force_map keeps
     * a second sum 2^-600 lower for residuals beyond 1e150 (a SOFT or TANH
     * strength far beyond max Sigma~), which the first one overflows; a
     * residual beyond DBL_MAX is Inf, refused by the callers (ERANGE). */
    {
        int ex = 0;
        double mant = frexp(fmax(fabs(l->smax), fabs(l->smin)), &ex);
        if (ex < -1000) {   /* a subnormal scale: 2^-ex would overflow */
            mant = ldexp(mant, ex + 1000);
            ex = -1000;
        }
        e->rscale = ldexp(1.0, -ex);
        e->rmant = mant;
    }
    if (l->exact) {
        if (gridform_kernel_apply(l->kernel, x, e->s, ng) != GRIDFORM_OK)
            return gridform__fail(&l->err, GRIDFORM_EINVAL, l->api != NULL ? l->api : "gridform_learner",
                                  "the kernel failed to apply: %s", gridform_kernel_last_error(l->kernel));
    } else {
        gridform__pool_run(&l->pool, GF_LEARNER_PH_ETD_SIGMA);
    }
    if (l->coupling != GRIDFORM_COUPLING_INDEPENDENT) {
        /* M = G (Sigma G)^T dA (= X (Sigma X)^T in the scaled maps); the coupling C = Mc G with Mc its strict
         * lower triangle (Sanger, eq. 4.1) or M without its diagonal
         * (symmetric rule, eq. 4.2), the diagonal's role taken by lambda. */
        double *m = e->m;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)ng, (int)ng, (int)n, 1.0, x, (int)n, e->s,
                    (int)n, 0.0, m, (int)ng);
        for (size_t i = 0; i < ng; i++)
            m[i * ng + i] = 0.0;
        if (l->coupling == GRIDFORM_COUPLING_SANGER) {
            memcpy(e->c, x, ng * n * sizeof(double));
            cblas_dtrmm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int)ng, (int)n, 1.0, m,
                        (int)ng, e->c, (int)n);
        } else {
            cblas_dsymm(CblasRowMajor, CblasLeft, CblasLower, (int)ng, (int)n, 1.0, m, (int)ng, x, (int)n, 0.0,
                        e->c, (int)n);
        }
    }
    gridform__pool_run(&l->pool, GF_LEARNER_PH_ETD_FORCE);
    double r = 0.0;
    for (size_t j = 0; j < ng; j++)
        if (!(e->res[j] <= r))
            r = e->res[j];
    e->residual = r;
    return GRIDFORM_OK;
}

int gridform__learner_kkt_residual(gridform_learner *l, double *residual)
{
    gridform__learner_etd *e = &l->etd;
    /* After an accepted ETD step the maps are the stage-1 state (before
     * one, the stage-1 state is their projection, not the maps). */
    if (!((l->integrator == GRIDFORM_INTEGRATOR_ETD || l->integrator == GRIDFORM_INTEGRATOR_ACTIVE_SET)
          && e->valid && l->steps > 0)) {
        gridform__pool_run(&l->pool, GF_LEARNER_PH_ETD_COPY);
        int rc = gridform__learner_stage(l, e->x, e->xh2, e->nh2, e->v2);
        if (rc != GRIDFORM_OK)
            return rc;
    }
    if (!isfinite(e->residual)) {
        /* Only a penalty strength or a spectrum near the limits of double
         * gets here (the sums are scaled: see gridform__learner_stage):
         * never a non-finite value with GRIDFORM_OK. */
        return gridform__fail(&l->err, GRIDFORM_ERANGE, l->api != NULL ? l->api : "gridform_learner_get_residual",
                              "the stationarity residual of the maps is not representable in double (%s; it is "
                              "relative to max |Sigma~| = %g, and the penalty strength is %g)",
                              isnan(e->residual) ? "the force on them overflows" : "it exceeds DBL_MAX",
                              fmax(fabs(l->smax), fabs(l->smin)), l->strength);
    }
    *residual = e->residual;
    return GRIDFORM_OK;
}

/* The ETD2RK trial of step h: the coefficient tables of h (recomputed only
 * when h changed), then the phases PROP1 (the ETD1 stage) and PROP2 (the
 * corrector and the embedded error). */
static void etd_prepare(gridform_learner *l, double h)
{
    gridform__learner_etd *e = &l->etd;
    gridform__etd_coeffs_update(&e->co, e->lin, h, 0);
    gridform__etd_coeffs_update(&e->loc, &e->ell, h, 0);
}

/* The next step's ceiling: the learner's dt_max, lowered by the stagnation
 * guard (ETD only; see above). */
static double etd_ceiling(gridform_learner *l, double h, double smag)
{
    gridform__learner_etd *e = &l->etd;
    if (!(e->cap > 0.0)) {
        e->cap = l->dt_max;
        e->nwin = 0;
    }
    stagnation_guard(l, h, smag);
    return e->cap;
}

int gridform__learner_etd_step(gridform_learner *l)
{
    /* the shared controller (lib/learner_control.c, doc/theory.md §2.9) */
    static const gridform__learner_control etd = {
        .first = GF_LEARNER_PH_ETD_PROP1,
        .second = GF_LEARNER_PH_ETD_PROP2,
        .keep_nh = 1,
        .begin = NULL,
        .prepare = etd_prepare,
        .ceiling = etd_ceiling,
    };
    return gridform__learner_control_step(l, &etd);
}
