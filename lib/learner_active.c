/* libgridform: the learner's active-set exponential integrator
 * (GRIDFORM_INTEGRATOR_ACTIVE_SET; doc/theory.md §2.10, the route of
 * §2.9 "A route: the active set's operator in L"; the NumPy prototype is
 * bench/reference/active_set_run.py, which this file follows step for
 * step).
 *
 * For RELU maps (and LINEAR ones, whose free set is every bin inside the
 * arena's shape), independent coupling and a Fourier-multiplier kernel,
 * one step of length t from a unit map x >= 0 freezes the free set
 * F = {x > 0} and takes the whole restricted operator
 * L = P_F (Sigma - lambda) P_F into the exponential, lambda = <x, Sigma x>;
 * the bins of the active set A (at 0, inside the shape) see the scalar
 * -lambda and the part of the force that pushes them out, max(f, 0):
 *
 *     y(t) = P( V e^{tT} e_1 |x_F|  +  t phi_1(-t lambda) max(f, 0)|_A ),
 *
 * V, T from m Lanczos steps on L from x_F (Saad, SIAM J. Numer. Anal. 29,
 * 1992), full reorthogonalisation (m is tiny), T's eigen-decomposition by
 * LAPACK's dstev, P the projection onto the constraints (mask, clip,
 * normalise).  The first Lanczos product, P_F f - lambda x_F, is the
 * velocity the residual's evaluation already computed (v1 of the ETD
 * state), so a basis costs m - 1 applications of Sigma.  At a KKT point
 * that product vanishes, the basis is x_F alone and every step leaves the
 * maps where they are: the fixed points are the KKT points.
 *
 * Error control by step doubling with one shared basis: the whole step
 * y(h) and the first half step y(h/2) from the state's basis, then a
 * basis from the half step gives the second half step; the local error is
 * max over maps |whole - two| (Euclidean, unit maps), the two half steps
 * are kept, and the PI controller of lib/integrator.c (exponents of a
 * first-order method, as the prototype) chooses the next step.  An
 * attempt costs 1 + (m - 1) applications of Sigma, a step m - 1 more for
 * the state's basis (kept over rejections) and 1 for the residual of the
 * accepted state: 2m = 8 applications, 16 transforms per map, at m = 4.
 *
 * The residual after each accepted step is computed by the ETD's
 * gridform__learner_stage on the accepted state, the same function
 * gridform_learner_get_residual evaluates (doc/theory.md §2.7).
 *
 * Work is split by maps between the learner's workers (lib/learner_pool.c),
 * each map's arithmetic (its transforms, Lanczos, dstev, the sums)
 * independent of the thread, so results are bit-identical for every
 * thread count.  Nothing is allocated, planned or formatted in a step
 * except on failure: the workspace is allocated when the integrator is
 * chosen (gridform_learner_set_integrator), the transforms are the ETD's
 * single-map plans, and LAPACK is called through LAPACKE's _work
 * interface in column-major order, which allocates nothing. */
#include "config.h"
#include <math.h>
#include <string.h>
#include <lapacke.h>
#include "learner_step.h"
#include "learner_etd.h"
#include "learner_active.h"
#include "learner_control.h"

/* Lanczos steps per basis: 4, as the prototype (doc/theory.md §2.9-2.10: 3 is
 * within 10% of 5 in one step's accuracy, 10 changes nothing). */
#define GF_AS_KRYLOV 4
#define GF_AS_KRYLOV_MAX 16
/* Lanczos stops when the next residual vector is below this, times
 * max |Sigma~|: the Krylov space is invariant to round-off (at a KKT point
 * it is x_F alone). */
#define GF_AS_BREAKDOWN 1e-14

const char *gridform__learner_as_unsupported(const gridform_learner *l, int nl, int coupling)
{
    if (l->exact)
        return "the kernel is no Fourier multiplier (EXACT, or UNIFORM in an arena's shape: applied in real "
               "space), which the active set's Lanczos products need";
    if (nl == GRIDFORM_NL_SOFT || nl == GRIDFORM_NL_TANH)
        return "GRIDFORM_NL_SOFT and _TANH have no active set (a penalty, not a constraint): only _RELU and "
               "_LINEAR apply";
    if (coupling != GRIDFORM_COUPLING_INDEPENDENT)
        return "the Sanger and symmetric couplings are stiff in the directions of the other maps, which the "
               "per-map exponential leaves explicit: only GRIDFORM_COUPLING_INDEPENDENT applies";
    return NULL;
}

int gridform__learner_as_init(gridform_learner *l)
{
    gridform__learner_as *as = &l->as;
    if (as->m > 0)
        return GRIDFORM_OK;
    size_t ng = l->ng, n = l->n, m = GF_AS_KRYLOV;
    size_t slots = ng * (m + 1);
    if (n > 0 && slots > SIZE_MAX / n)
        return GRIDFORM_ENOMEM;
    as->q1 = gridform__aligned_doubles(slots * n);
    as->q2 = gridform__aligned_doubles(slots * n);
    as->spec = gridform__aligned_doubles(ng * l->cstride);
    as->whole = gridform__aligned_doubles(ng * n);
    as->free_mask = gridform__aligned_doubles(ng * n);
    as->ev1 = gridform__malloc_array(ng * m, sizeof(double));
    as->z1 = gridform__malloc_array(ng * m * m, sizeof(double));
    as->beta1 = gridform__calloc(ng, sizeof(double));
    as->lam1 = gridform__calloc(ng, sizeof(double));
    as->k1 = gridform__calloc(ng, sizeof(size_t));
    if (!as->q1 || !as->q2 || !as->spec || !as->whole || !as->free_mask || !as->ev1 || !as->z1 || !as->beta1 || !as->lam1
        || !as->k1) {
        gridform__learner_as_free(l);
        return GRIDFORM_ENOMEM;
    }
    as->m = m;
    return GRIDFORM_OK;
}

void gridform__learner_as_free(gridform_learner *l)
{
    gridform__learner_as *as = &l->as;
    gridform__aligned_free(as->q1);
    gridform__aligned_free(as->q2);
    gridform__aligned_free(as->spec);
    gridform__aligned_free(as->whole);
    gridform__aligned_free(as->free_mask);
    gridform__free(as->ev1);
    gridform__free(as->z1);
    gridform__free(as->beta1);
    gridform__free(as->lam1);
    gridform__free(as->k1);
    memset(as, 0, sizeof *as);
}

/* The free bins of map values x as exact 0/1 factors: RELU x > 0 (0
 * outside the shape, so inside), LINEAR every bin inside the shape.  The
 * loops below multiply by them instead of branching: bins at 0 come in
 * short runs that defeat the branch predictor, and straight-line loops
 * vectorise. */
static void free_bins(int relu, const unsigned char *inside, const double *restrict x, double *restrict mask,
                      size_t n)
{
    if (relu)
        for (size_t i = 0; i < n; i++)
            mask[i] = x[i] > 0.0 ? 1.0 : 0.0;
    else if (inside != NULL)
        for (size_t i = 0; i < n; i++)
            mask[i] = inside[i] ? 1.0 : 0.0;
    else
        for (size_t i = 0; i < n; i++)
            mask[i] = 1.0;
}

/* Sigma in (zero off F) into out, through the spectrum scratch spec. */
static void sigma_apply(gridform_learner *l, const double *in, double *spec, double *out)
{
    gridform__learner_etd *e = &l->etd;
    fftw_execute_dft_r2c(e->fwd, (double *)in, (fftw_complex *)spec);
    double inv_n = 1.0 / (double)l->n;
    for (size_t k = 0; k < l->nfreq; k++) {
        double f = l->sigma[k] * inv_n;
        spec[2 * k] *= f;
        spec[2 * k + 1] *= f;
    }
    fftw_execute_dft_c2r(e->bwd, (fftw_complex *)spec, out);
}

/* Sums of products in eight interleaved partial sums, added in a fixed
 * order at the end.  One running sum is a chain of dependent additions,
 * bound by the adder's latency; with it, these sums took more of a step
 * than its transforms.  The order depends on n only, never on the thread,
 * so results stay bit-identical for every thread count (BLAS's ddot is not
 * used because OpenBLAS may split a long dot between threads of its own). */
static double dot(const double *restrict a, const double *restrict b, size_t n)
{
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
        s4 += a[i + 4] * b[i + 4];
        s5 += a[i + 5] * b[i + 5];
        s6 += a[i + 6] * b[i + 6];
        s7 += a[i + 7] * b[i + 7];
    }
    for (; i < n; i++)
        s0 += a[i] * b[i];
    return ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7));
}

/* w -= sum_u d[u] q_u over the c vectors q_u (stride n), two vectors a
 * pass: the loop is bound by its loads and stores of w, which a pass per
 * vector repeats.  Each element's sum is formed in the same order whatever
 * the thread (BLAS's dgemv is not used, for the reason given at dot). */
static void subtract_combination(double *restrict w, const double *restrict q, const double *d, size_t c, size_t n)
{
    size_t u = 0;
    for (; u + 2 <= c; u += 2) {
        const double *restrict qa = q + u * n, *restrict qb = q + (u + 1) * n;
        double da = d[u], db = d[u + 1];
        for (size_t i = 0; i < n; i++)
            w[i] -= da * qa[i] + db * qb[i];
    }
    if (u < c) {
        const double *restrict qa = q + u * n;
        double da = d[u];
        for (size_t i = 0; i < n; i++)
            w[i] -= da * qa[i];
    }
}

/* m Lanczos steps on P_F (Sigma - lambda) P_F from x_F of map values x
 * (velocity v, multiplier lam), the basis into q ((m + 1) x n, the last
 * slot scratch), T's eigenvalues into ev and eigenvectors into z
 * (column-major, k x k), |x_F| into *beta; mask is n scratch for the free
 * bins.  Returns the basis's dimension k (0 when x_F = 0 or the
 * eigenproblem failed: *beta says which).
 *
 * The new vector is orthogonalised against the whole basis by classical
 * Gram-Schmidt, whose projections are independent sums, repeated once when
 * the first pass cancelled most of the vector (the DGKS criterion below;
 * "twice is enough": Giraud, Langou, Rozloznik & van den Eshof, Numer.
 * Math. 101, 2005). */
static size_t lanczos(gridform_learner *l, const double *restrict x, const double *restrict v, double lam,
                      double *restrict q, double *restrict spec, double *restrict mask, double *ev, double *z,
                      double *beta)
{
    const size_t n = l->n, m = l->as.m;
    /* The Krylov vectors w and T in units of 2^e, max |Sigma~| = mant 2^e
     * (exact, a power of two): their sums of squares then neither overflow
     * for a spectrum of 1e200 nor underflow (a false breakdown) for one of
     * 1e-200, as in boxes far from a metre; ev back to 1/s after dstev. */
    int ex = 0;
    double mant = frexp(fmax(fabs(l->smax), fabs(l->smin)), &ex);
    if (ex < -1000) {   /* a subnormal scale: 2^-ex would overflow */
        mant = ldexp(mant, ex + 1000);
        ex = -1000;
    }
    const double sc = ldexp(1.0, -ex);
    free_bins(l->nl == GRIDFORM_NL_RELU, gridform__arena_inside(l->arena), x, mask, n);
    for (size_t i = 0; i < n; i++)
        q[i] = mask[i] * x[i];
    double b0 = sqrt(dot(q, q, n));
    *beta = b0;
    if (!(b0 > 0.0) || !isfinite(b0))
        return 0;
    double inv = 1.0 / b0;
    for (size_t i = 0; i < n; i++)
        q[i] *= inv;
    double alpha[GF_AS_KRYLOV_MAX], off[GF_AS_KRYLOV_MAX], d[GF_AS_KRYLOV_MAX + 1];
    size_t k = 0;
    for (size_t it = 0; it < m; it++) {
        double *restrict qc = q + it * n, *restrict w = q + (it + 1) * n;
        if (it == 0) {
            /* P_F (Sigma - lambda) x_F / |x_F| = (P_F f - lambda x_F) / |x_F|:
             * the velocity on the free bins, already known */
            for (size_t i = 0; i < n; i++)
                w[i] = mask[i] * (v[i] * inv) * sc;
        } else {
            sigma_apply(l, qc, spec, w);
            for (size_t i = 0; i < n; i++)
                w[i] = mask[i] * (w[i] - lam * qc[i]) * sc;
        }
        double before = sqrt(dot(w, w, n)), b = before;
        for (int pass = 0; pass < 2; pass++) {
            for (size_t u = 0; u <= it; u++)
                d[u] = dot(w, q + u * n, n);
            if (pass == 0)
                alpha[k++] = d[it];
            subtract_combination(w, q, d, it + 1, n);
            b = sqrt(dot(w, w, n));
            /* the second pass only when the first cancelled more than
             * 1 - 1/sqrt(2) of the vector (Daniel, Gragg, Kaufman & Stewart,
             * Math. Comp. 30, 1976), as near a fixed point */
            if (!(b < 0.70710678118654752 * before))
                break;
            before = b;
        }
        if (it + 1 == m || !(b > GF_AS_BREAKDOWN * mant))
            break;
        off[it] = b;
        double ib = 1.0 / b;
        for (size_t i = 0; i < n; i++)
            w[i] *= ib;
    }
    double work[2 * GF_AS_KRYLOV_MAX];
    memcpy(ev, alpha, k * sizeof(double));
    if (LAPACKE_dstev_work(LAPACK_COL_MAJOR, 'V', (lapack_int)k, ev, off, z, (lapack_int)k, work) != 0)
        return 0;
    for (size_t c = 0; c < k; c++)
        ev[c] = ldexp(ev[c], ex);
    return k;
}

/* y = P(V e^{tT} e_1 beta + t phi_1(-t lam) max(f, 0)|_A) into y; NULL or
 * why the projection failed.  Everything is scaled by e^{-s}, s the
 * largest positive t ev, so that no exponential overflows (the projection
 * normalises, and clipping does not see a positive scale). */
static const char *advance(gridform_learner *l, const double *x, const double *v, double lam, const double *q,
                           size_t k, const double *ev, const double *z, double beta, double t, double *y)
{
    const size_t n = l->n;
    double s = 0.0;
    for (size_t c = 0; c < k; c++)
        if (t * ev[c] > s)
            s = t * ev[c];
    double cf[GF_AS_KRYLOV_MAX];
    for (size_t i = 0; i < k; i++) {
        double a = 0.0;
        for (size_t c = 0; c < k; c++)
            a += z[i + c * k] * exp(t * ev[c] - s) * z[c * k];
        cf[i] = a * beta;
    }
    if (k == 0)
        memset(y, 0, n * sizeof(double));
    for (size_t i = 0; i < k; i++) {
        const double *qi = q + i * n;
        double c = cf[i];
        if (i == 0)
            for (size_t b = 0; b < n; b++)
                y[b] = c * qi[b];
        else
            for (size_t b = 0; b < n; b++)
                y[b] += c * qi[b];
    }
    if (l->nl == GRIDFORM_NL_RELU) {
        /* the active bins (x = 0; outside the shape v = 0): v = max(f, 0) */
        double p1 = 0.0;
        gridform__phi(-t * lam, &p1, NULL, NULL);
        double ca = exp(-s) * t * p1;
        for (size_t b = 0; b < n; b++)
            y[b] += (x[b] == 0.0 ? ca : 0.0) * v[b];
    }
    return gridform__learner_project_map(l, y);
}

static void basis_map(gridform_learner *l, size_t j)
{
    gridform__learner_etd *e = &l->etd;
    gridform__learner_as *as = &l->as;
    size_t n = l->n, m = as->m;
    as->lam1[j] = e->lam[j];
    as->k1[j] = lanczos(l, e->gd + j * n, e->v1 + j * n, e->lam[j], as->q1 + j * (m + 1) * n,
                        as->spec + j * l->cstride, as->free_mask + j * n, as->ev1 + j * m, as->z1 + j * m * m, &as->beta1[j]);
    e->why[j] = as->k1[j] == 0 ? "has no Lanczos basis (LAPACK's dstev failed or the map vanished)" : NULL;
}

static void prop_map(gridform_learner *l, size_t j)
{
    gridform__learner_etd *e = &l->etd;
    gridform__learner_as *as = &l->as;
    size_t n = l->n, m = as->m;
    const double *x = e->gd + j * n, *v = e->v1 + j * n, *q = as->q1 + j * (m + 1) * n;
    const double *ev = as->ev1 + j * m, *z = as->z1 + j * m * m;
    size_t k = as->k1[j];
    const char *w = advance(l, x, v, as->lam1[j], q, k, ev, z, as->beta1[j], as->h, as->whole + j * n);
    const char *hf = advance(l, x, v, as->lam1[j], q, k, ev, z, as->beta1[j], 0.5 * as->h, e->ar + j * n);
    e->why[j] = w != NULL ? w : hf;
}

static void second_map(gridform_learner *l, size_t j)
{
    gridform__learner_etd *e = &l->etd;
    gridform__learner_as *as = &l->as;
    size_t n = l->n, m = as->m;
    double ev[GF_AS_KRYLOV_MAX], z[GF_AS_KRYLOV_MAX * GF_AS_KRYLOV_MAX], beta = 0.0;
    const double *x = e->ar + j * n, *v = e->v2 + j * n;
    double *q = as->q2 + j * (m + 1) * n, *o = e->out + j * n;
    size_t k = lanczos(l, x, v, e->lam[j], q, as->spec + j * l->cstride, as->free_mask + j * n, ev, z, &beta);
    if (k == 0) {
        e->why[j] = "has no Lanczos basis at the half step (LAPACK's dstev failed or the map vanished)";
        return;
    }
    e->why[j] = advance(l, x, v, e->lam[j], q, k, ev, z, beta, 0.5 * as->h, o);
    const double *wh = as->whole + j * n;
    double d = 0.0;
    for (size_t i = 0; i < n; i++) {
        double t = o[i] - wh[i];
        d += t * t;
    }
    e->err[j] = sqrt(d);
}

void gridform__learner_as_phase(gridform_learner *l, int tid, int phase)
{
    (void)tid;
    size_t mine = 0, j;
    while ((j = gridform__pool_take(&l->pool, &mine, l->solo)) < l->ng) {
        switch (phase) {
        case GF_LEARNER_PH_AS_BASIS: basis_map(l, j); break;
        case GF_LEARNER_PH_AS_PROP: prop_map(l, j); break;
        case GF_LEARNER_PH_AS_SECOND: second_map(l, j); break;
        default: break;
        }
    }
}

/* The state's Lanczos basis, kept over the step's rejections. */
static int as_begin(gridform_learner *l, const char *api)
{
    gridform__pool_run(&l->pool, GF_LEARNER_PH_AS_BASIS);
    size_t bad = gridform__learner_first_failure(l);
    if (bad != SIZE_MAX)
        return gridform__fail(&l->err, GRIDFORM_EDIVERGED, api, "step %zu: map %zu %s", l->steps + 1, bad,
                              l->etd.why[bad]);
    return GRIDFORM_OK;
}

/* The trial of step h: the whole and first half steps (PROP), then the
 * second half step and the error (SECOND). */
static void as_prepare(gridform_learner *l, double h)
{
    l->as.h = h;
}

int gridform__learner_as_step(gridform_learner *l)
{
    /* the ETD's controller (lib/learner_control.c, doc/theory.md §2.10):
     * only the trial differs */
    static const gridform__learner_control as_control = {
        .first = GF_LEARNER_PH_AS_PROP,
        .second = GF_LEARNER_PH_AS_SECOND,
        .keep_nh = 0,
        .begin = as_begin,
        .prepare = as_prepare,
        .ceiling = NULL,
    };
    if (l->as.m == 0)   /* set_integrator allocates; a guard, not a path */
        return gridform__fail(&l->err, GRIDFORM_ENOMEM, l->api != NULL ? l->api : "gridform_learner_iterate",
                              "the active-set integrator has no workspace");
    return gridform__learner_control_step(l, &as_control);
}
