/* libgridform: one step of the pattern-forming learning dynamics.
 *
 * The dynamics (doc/theory.md §2.2 to §2.5 and §4; Sorscher, Mel, Ganguli, Ocko,
 * NeurIPS 2019, eqs. for the single map and for Sanger's rule) are written
 * as a linear part with a constant shift,
 *
 *     dG/dt = (Sigma - lambda0) G - tau/dt * L(G),    then N, then renormalise,
 *
 * with lambda0 = max Sigma~, L the off-diagonal part of the coupling
 * (strict lower triangle of M = G Sigma G^T dA for Sanger, M minus its
 * diagonal for the Oja subspace rule, nothing for independent maps), N the
 * nonlinearity and every map renormalised to unit norm.  Renormalisation
 * supplies, to first order in dt, exactly the diagonal terms
 * -(g_j^T Sigma g_j) g_j of Oja's and Sanger's rules (Oja 1982; Sanger 1989),
 * so the continuous-time flow is theirs; the shift lambda0 only changes the
 * discretisation: it makes the linear Euler factor 1 + dt(Sigma~ - lambda0)
 * lie in [-1, 1] exactly when dt <= 2/(max Sigma~ - min Sigma~), and the
 * exponential factor exp(dt(Sigma~ - lambda0)) lie in (0, 1] for every dt.
 *
 * Cost per step: a real FFT of every map forward and back; for coupled maps
 * one dsyrk (M, or the Gram matrix) and one dtrmm/dsymm/dtrsm (the
 * correction), on the spectra viewed as real ng x 2 nfreq matrices (a real
 * matrix acting across maps commutes with the FFT, and Parseval turns
 * G Sigma G^T into a product of weighted spectra), split by columns into
 * cache-sized chunks that the worker threads share ("Products by columns"
 * below), plus LAPACK's Cholesky for Gram-Schmidt (CholeskyQR2).  The FFTs run map by map
 * with one single-map plan each way, so every elementwise pass (the
 * per-bin factor, the nonlinearity, the norms, the renormalisation and the
 * change) works on a map still in cache: for independent maps the whole
 * step is one read of the old maps and one write of the new ones around
 * the FFTs.  Nothing is allocated, planned or formatted unless the step
 * fails.
 *
 * One source, two real types (doc/theory.md §2.8): this file compiles as
 * the double-precision step, and lib/learner_step_single.c compiles it
 * again with GF_LEARNER_SINGLE defined as the float step
 * (GRIDFORM_PRECISION_SINGLE): gf_real is the type of the maps, spectra,
 * per-bin factors and M; GF_F(l) finds the per-bin factors, M and the FFTW
 * plans of that precision; GF_BLAS and GF_FFTW name the BLAS and FFTW
 * routines (cblas_s*, fftwf_*).  Sums, norms, Rayleigh quotients and the
 * bookkeeping are double in both.  Code that is not precision-dependent
 * (factors, limits, workers) is compiled once, in the double pass, and the
 * double entry points hand a single-precision learner to the float ones. */
#include "config.h"
#include <math.h>
#include <string.h>
#include <stdio.h>
#include <cblas.h>
#include <lapacke.h>
#include "learner_step.h"
#include "learner_etd.h"
#include "learner_active.h"

#ifdef GF_LEARNER_SINGLE
typedef float gf_real;
#  define GF_F(l) (&(l)->f32)
#  define GF_BLAS(x) cblas_s##x
#  define GF_FFTW(x) fftwf_##x
#  define GF_NAME(x) x##_single
#  define GF_POTRF2 LAPACKE_spotrf2_work
/* The QR's rank test: a pivot of R below this fraction of its column's
 * norm.  Single precision has eps^(1/2) = 2.4e-4, so its CholeskyQR2 holds
 * to condition numbers near 4e3 only. */
#  define GF_QR_PIVOT 1e-3
#else
typedef double gf_real;
#  define GF_F(l) (l)
#  define GF_BLAS(x) cblas_d##x
#  define GF_FFTW(x) fftw_##x
#  define GF_NAME(x) x
#  define GF_POTRF2 LAPACKE_dpotrf2_work
#  define GF_QR_PIVOT 1e-6
#endif

/* Phases of a step, run by every worker (phase_work) on its share. */
enum {
    GF_LEARNER_PH_INDEP = 1,    /* FFT, factor, inverse FFT, finish: independent maps */
    GF_LEARNER_PH_FWD_GS = 2,   /* FFT, factor: Sanger, exponential */
    GF_LEARNER_PH_FWD_Y = 3,    /* FFT: additive forms */
    GF_LEARNER_PH_BWD_GS = 4,   /* inverse FFT, finish: Sanger, exponential */
    GF_LEARNER_PH_GRAM = 5,     /* M (or the Gram matrix), one lane of columns per item */
    GF_LEARNER_PH_CORR = 6,     /* the correction and combination, one chunk of columns per item */
    GF_LEARNER_PH_BWD_COMB = 7  /* inverse FFT, finish: additive forms */
};
/* The correction a step applies across maps, per chunk of columns. */
enum {
    GF_LEARNER_CORR_TRMM = 1,   /* Sanger, EULER: b = fac a + cfac tril(M) a */
    GF_LEARNER_CORR_SYMM = 2,   /* Oja rule: b = fac a + cfac M a (M symmetric) */
    GF_LEARNER_CORR_TRSM = 3    /* Sanger, EXPONENTIAL: a = C^-1 a (Cholesky factor) */
};

/* Runaway threshold: a map whose unnormalised norm rises this many e-folds
 * above its running minimum has diverged (factor 1e6). */
#define GRIDFORM__LEARNER_RUNAWAY_LOG 13.815510557964274

static void phase_work(void *ctx, int tid, int phase);


#ifdef GF_LEARNER_SINGLE
#include "learner_step_f32.h"
#else
/* ---- elementwise kernels -------------------------------------------------
 * The passes around the FFTs are the step's only work beyond FFTW and BLAS,
 * so they must run at memory speed: no data-dependent branch (a ReLU branch
 * mispredicts on half the values of a map that is half negative) and no
 * single running sum (a chain of dependent adds).  With GCC or Clang they
 * use two-double vectors (vector extensions: SSE2 on x86-64, NEON on arm64,
 * scalar code elsewhere); every sum keeps four partial sums, lane q of the
 * vectors holding values i + q (mod 4), added as (s0 + s1) + (s2 + s3), so
 * the plain C fallback gives bit-identical results. */
#if defined(__GNUC__)
#  define GF_VEC 1
typedef double gf_v2d __attribute__((vector_size(16)));
typedef long long gf_v2i __attribute__((vector_size(16)));
static inline gf_v2d gf_load(const double *p)
{
    gf_v2d v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline void gf_store(double *p, gf_v2d v)
{
    memcpy(p, &v, sizeof v);
}
/* max(x, 0) by a mask: the compare is all ones where x > 0 (NaN gives 0,
 * as x > 0 ? x : 0 does). */
static inline gf_v2d gf_relu(gf_v2d x)
{
    const gf_v2d zero = {0.0, 0.0};
    return (gf_v2d)((gf_v2i)x & (x > zero));
}
#endif

/* *s1 = sum u^2 and *s2 = sum max(u, 0)^2 over n values. */
static void relu_sums(const double *restrict u, size_t n, double *s1, double *s2)
{
    double a[4] = {0.0, 0.0, 0.0, 0.0}, b[4] = {0.0, 0.0, 0.0, 0.0};
    size_t i = 0;
#ifdef GF_VEC
    gf_v2d a01 = {0.0, 0.0}, a23 = {0.0, 0.0}, b01 = {0.0, 0.0}, b23 = {0.0, 0.0};
    for (; i + 4 <= n; i += 4) {
        gf_v2d x01 = gf_load(u + i), x23 = gf_load(u + i + 2);
        gf_v2d p01 = gf_relu(x01), p23 = gf_relu(x23);
        a01 += x01 * x01;
        a23 += x23 * x23;
        b01 += p01 * p01;
        b23 += p23 * p23;
    }
    a[0] = a01[0]; a[1] = a01[1]; a[2] = a23[0]; a[3] = a23[1];
    b[0] = b01[0]; b[1] = b01[1]; b[2] = b23[0]; b[3] = b23[1];
#else
    for (; i + 4 <= n; i += 4)
        for (size_t q = 0; q < 4; q++) {
            double x = u[i + q], p = x > 0.0 ? x : 0.0;
            a[q] += x * x;
            b[q] += p * p;
        }
#endif
    for (; i < n; i++) {
        double x = u[i], p = x > 0.0 ? x : 0.0;
        a[0] += x * x;
        b[0] += p * p;
    }
    *s1 = (a[0] + a[1]) + (a[2] + a[3]);
    *s2 = (b[0] + b[1]) + (b[2] + b[3]);
}

/* sum u^2 over n values. */
static double sum_squares(const double *restrict u, size_t n)
{
    double a[4] = {0.0, 0.0, 0.0, 0.0};
    size_t i = 0;
#ifdef GF_VEC
    gf_v2d a01 = {0.0, 0.0}, a23 = {0.0, 0.0};
    for (; i + 4 <= n; i += 4) {
        gf_v2d x01 = gf_load(u + i), x23 = gf_load(u + i + 2);
        a01 += x01 * x01;
        a23 += x23 * x23;
    }
    a[0] = a01[0]; a[1] = a01[1]; a[2] = a23[0]; a[3] = a23[1];
#else
    for (; i + 4 <= n; i += 4)
        for (size_t q = 0; q < 4; q++)
            a[q] += u[i + q] * u[i + q];
#endif
    for (; i < n; i++)
        a[0] += u[i] * u[i];
    return (a[0] + a[1]) + (a[2] + a[3]);
}

/* u = max(u * sc, 0) (relu != 0) or u = u * sc; with old != NULL returns
 * sum (u_new - old)^2, else 0. */
static double scale_map(double *restrict u, const double *restrict old, size_t n, double sc, int relu)
{
    double d[4] = {0.0, 0.0, 0.0, 0.0};
    size_t i = 0;
#ifdef GF_VEC
    const gf_v2d s = {sc, sc};
    gf_v2d d01 = {0.0, 0.0}, d23 = {0.0, 0.0};
    for (; i + 4 <= n; i += 4) {
        gf_v2d x01 = gf_load(u + i) * s, x23 = gf_load(u + i + 2) * s;
        if (relu) {
            x01 = gf_relu(x01);
            x23 = gf_relu(x23);
        }
        gf_store(u + i, x01);
        gf_store(u + i + 2, x23);
        if (old != NULL) {
            gf_v2d e01 = x01 - gf_load(old + i), e23 = x23 - gf_load(old + i + 2);
            d01 += e01 * e01;
            d23 += e23 * e23;
        }
    }
    d[0] = d01[0]; d[1] = d01[1]; d[2] = d23[0]; d[3] = d23[1];
#else
    for (; i + 4 <= n; i += 4)
        for (size_t q = 0; q < 4; q++) {
            double x = u[i + q] * sc;
            if (relu)
                x = x > 0.0 ? x : 0.0;
            u[i + q] = x;
            if (old != NULL) {
                double e = x - old[i + q];
                d[q] += e * e;
            }
        }
#endif
    for (; i < n; i++) {
        double x = u[i] * sc;
        if (relu)
            x = x > 0.0 ? x : 0.0;
        u[i] = x;
        if (old != NULL) {
            double e = x - old[i];
            d[0] += e * e;
        }
    }
    return (d[0] + d[1]) + (d[2] + d[3]);
}

/* dst = c .* src per bin (bins are interleaved (re, im) pairs); dst may be src. */
static void bins_scale(double *dst, const double *src, const double *restrict c, size_t nf)
{
#ifdef GF_VEC
    for (size_t k = 0; k < nf; k++) {
        gf_v2d ck = {c[k], c[k]};
        gf_store(dst + 2 * k, gf_load(src + 2 * k) * ck);
    }
#else
    for (size_t k = 0; k < nf; k++) {
        dst[2 * k] = c[k] * src[2 * k];
        dst[2 * k + 1] = c[k] * src[2 * k + 1];
    }
#endif
}

/* b = ca .* a + cb .* b per bin. */
static void bins_combine(const double *restrict a, double *restrict b, const double *restrict ca,
                         const double *restrict cb, size_t nf)
{
#ifdef GF_VEC
    for (size_t k = 0; k < nf; k++) {
        gf_v2d fa = {ca[k], ca[k]}, fb = {cb[k], cb[k]};
        gf_store(b + 2 * k, fa * gf_load(a + 2 * k) + fb * gf_load(b + 2 * k));
    }
#else
    for (size_t k = 0; k < nf; k++) {
        b[2 * k] = ca[k] * a[2 * k] + cb[k] * b[2 * k];
        b[2 * k + 1] = ca[k] * a[2 * k + 1] + cb[k] * b[2 * k + 1];
    }
#endif
}
#endif /* GF_LEARNER_SINGLE */

/* Multiply one spectrum by the per-bin factor; with rq != NULL also the
 * Rayleigh quotient of the incoming spectrum by Parseval. */
static void scale_row(const gridform_learner *l, gf_real *restrict row, double *rq)
{
    const gf_real *restrict fac = GF_F(l)->fac;
    const double *restrict wt = l->wt;
    const double *restrict ws = l->wsig;
    size_t nf = l->nfreq;
    if (rq != NULL) {
        /* Two independent partial sums per quantity: a single running sum
         * is a chain of dependent adds that costs more than the FFT. */
        double sw[2] = {0.0, 0.0}, sws[2] = {0.0, 0.0};
        size_t k = 0;
        for (; k + 1 < nf; k += 2)
            for (size_t q = 0; q < 2; q++) {
                double re = row[2 * (k + q)], im = row[2 * (k + q) + 1];
                double p = re * re + im * im;
                sw[q] += wt[k + q] * p;
                sws[q] += ws[k + q] * p;
                row[2 * (k + q)] = re * fac[k + q];
                row[2 * (k + q) + 1] = im * fac[k + q];
            }
        for (; k < nf; k++) {
            double re = row[2 * k], im = row[2 * k + 1];
            double p = re * re + im * im;
            sw[0] += wt[k] * p;
            sws[0] += ws[k] * p;
            row[2 * k] = re * fac[k];
            row[2 * k + 1] = im * fac[k];
        }
        double tw = sw[0] + sw[1], tws = sws[0] + sws[1];
        *rq = tw > 0.0 ? tws / tw : 0.0;
    } else {
        bins_scale(row, row, fac, nf);
    }
}

/* ---- Products by columns ------------------------------------------------
 * M = G Sigma G^T dA (or the Gram matrix H H^T dA) by Parseval for the half
 * spectrum: sum_x a(x) (Sigma b)(x) = (1/n) sum_k w_k Sigma~_k Re(A_k conj B_k),
 * and Re(A conj B) is the real dot product of the interleaved (re, im)
 * pairs, so M is a product of the ng x 2 nfreq spectra matrices, scaled per
 * bin (ysc or gsc, applied chunk by chunk into a buffer that stays in
 * cache).  The correction that
 * follows (tril(M), M or C^-1 applied across maps) acts on each column of
 * the spectra on its own.  Both are therefore split by columns: M into
 * nlanes fixed ranges of bins, each summed chunk by chunk (one BLAS call a
 * chunk) into its own partial matrix and the partials added in lane order;
 * the correction into
 * chunks of chunk_bins bins.  Worker threads take lanes and chunks from the
 * shared counter, so the products scale with set_threads (OpenBLAS does not
 * split dsyrk over its long dimension, and scales dtrmm on these shapes by
 * about 1.2 on two threads), and a chunk's copy, product and combination
 * stay in cache.  Lanes and chunks depend on the sizes only: the results
 * are the same for every thread count.
 *
 * A BLAS that starts its own threads in every call must not be called from
 * several threads at once: OpenBLAS then serialises its callers and runs
 * several times slower.  When OpenBLAS runs more than one thread, lanes and
 * chunks therefore run on the calling thread alone, and the correction is
 * one call over all columns (the same arithmetic per column), which
 * OpenBLAS's own threads share. */
#ifdef HAVE_OPENBLAS_GET_NUM_THREADS
int openblas_get_num_threads(void);
#endif

/* May worker threads call BLAS at the same time? */
static int blas_is_threaded(void)
{
#ifdef HAVE_OPENBLAS_GET_NUM_THREADS
    return openblas_get_num_threads() > 1;
#else
    return 0;
#endif
}

/* Bins [*b0, *b1) of lane s among ncols Gram columns (bins, or kept bins
 * under truncation): whole Gram chunks, so every chunk but the last of all
 * has gram_bins bins.  A lane may be empty when truncation keeps few bins. */
static void lane_bins(const gridform_learner *l, size_t s, size_t ncols, size_t *b0, size_t *b1)
{
    size_t cb = l->gram_bins, nchunks = (ncols + cb - 1) / cb;
    *b0 = s * nchunks / l->nlanes * cb;
    *b1 = (s + 1) * nchunks / l->nlanes * cb;
    if (*b1 > ncols)
        *b1 = ncols;
    if (*b0 > *b1)
        *b0 = *b1;
}

/* dst = the kept bins kept[0..nb) of src, each scaled by sc[q]: the
 * truncated Gram's gather (doc/theory.md §2.6). */
static void bins_gather(gf_real *restrict dst, const gf_real *restrict src, const size_t *restrict kept,
                        const gf_real *restrict sc, size_t nb)
{
    for (size_t q = 0; q < nb; q++) {
        size_t k = kept[q];
        dst[2 * q] = sc[q] * src[2 * k];
        dst[2 * q + 1] = sc[q] * src[2 * k + 1];
    }
}

/* Is M truncated?  Only M = G Sigma G^T dA (never the Gram matrix of
 * Gram-Schmidt, which has no Sigma~), only as a dsyrk, and only when some
 * bin is dropped; otherwise the contiguous sum over every bin. */
static int gram_truncated(const gridform_learner *l)
{
    return l->corr != GF_LEARNER_CORR_TRSM && l->use_syrk && l->nkept < l->nfreq;
}

/* Lane s's share of M: the lane's bins in chunks, each scaled per bin by
 * sc (ysc or gsc) into the worker's buffer buf (ng x 2 gram_bins, in
 * cache) and added by dsyrk, or, when Sigma~ has negative values and
 * M = Y F^T is not a dsyrk, by dgemm against the unscaled spectra f.
 * Under truncation the lane's columns are kept bins, gathered with their
 * scale ksc into buf. */
static void gram_lane(gridform_learner *l, size_t s, const gf_real *f, const gf_real *restrict sc, gf_real *buf,
                      int syrk)
{
    size_t ng = l->ng, cs = l->cstride, b0, b1;
    int trunc = gram_truncated(l);
    lane_bins(l, s, trunc ? l->nkept : l->nfreq, &b0, &b1);
    gf_real *dst = s == 0 ? GF_F(l)->m : GF_F(l)->mlane + (s - 1) * ng * ng;
    if (b0 == b1) {   /* an empty lane adds nothing */
        memset(dst, 0, ng * ng * sizeof *dst);
        return;
    }
    for (size_t c0 = b0; c0 < b1; c0 += l->gram_bins) {
        size_t c1 = c0 + l->gram_bins < b1 ? c0 + l->gram_bins : b1;
        int k = (int)(2 * (c1 - c0));
        gf_real beta = c0 == b0 ? 0 : 1;
        for (size_t j = 0; j < ng; j++) {
            if (trunc)
                bins_gather(buf + j * (size_t)k, f + j * cs, l->kept + c0, GF_F(l)->ksc + c0, c1 - c0);
            else
                bins_scale(buf + j * (size_t)k, f + j * cs + 2 * c0, sc + c0, c1 - c0);
        }
        if (syrk)
            GF_BLAS(syrk)(CblasRowMajor, CblasLower, CblasNoTrans, (int)ng, k, 1, buf, k, beta, dst, (int)ng);
        else
            GF_BLAS(gemm)(CblasRowMajor, CblasNoTrans, CblasTrans, (int)ng, (int)ng, k, 1, buf, k, f + 2 * c0,
                          (int)cs, beta, dst, (int)ng);
    }
}

/* Is M (or the Gram matrix) a dsyrk?  The Gram matrix always is; M is when
 * Sigma~ >= 0 (ysc = sqrt(dA w Sigma~ / n)), else M = Y F^T by dgemm. */
static int gram_is_syrk(const gridform_learner *l)
{
    return l->corr == GF_LEARNER_CORR_TRSM || l->use_syrk;
}

/* M = the sum of the lanes' partials, in lane order (lower triangle only
 * after dsyrk, which leaves the upper one unset). */
static void gram_reduce(gridform_learner *l)
{
    size_t ng = l->ng;
    int syrk = gram_is_syrk(l);
    gf_real *m = GF_F(l)->m;
    for (size_t s = 1; s < l->nlanes; s++) {
        const gf_real *p = GF_F(l)->mlane + (s - 1) * ng * ng;
        for (size_t i = 0; i < ng; i++) {
            size_t jmax = syrk ? i + 1 : ng;
            for (size_t j = 0; j < jmax; j++)
                m[i * ng + j] += p[i * ng + j];
        }
    }
}

/* The correction on bins [b0, b1) of every map. */
static void corr_chunk(gridform_learner *l, size_t b0, size_t b1)
{
    size_t ng = l->ng, cs = l->cstride, c0 = 2 * b0, w = 2 * (b1 - b0);
    gf_real *sa = (gf_real *)l->a, *sb = (gf_real *)l->b, *m = GF_F(l)->m;
    switch (l->corr) {
    case GF_LEARNER_CORR_TRSM:
        GF_BLAS(trsm)(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int)ng, (int)w, 1, m,
                      (int)ng, sa + c0, (int)cs);
        return;
    case GF_LEARNER_CORR_TRMM:
        for (size_t j = 0; j < ng; j++)
            memcpy(sb + j * cs + c0, sa + j * cs + c0, w * sizeof *sb);
        GF_BLAS(trmm)(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int)ng, (int)w, 1, m,
                      (int)ng, sb + c0, (int)cs);
        break;
    default:
        GF_BLAS(symm)(CblasRowMajor, CblasLeft, CblasLower, (int)ng, (int)w, 1, m, (int)ng, sa + c0, (int)cs,
                      0, sb + c0, (int)cs);
        break;
    }
    for (size_t j = 0; j < ng; j++)
        bins_combine(sa + j * cs + c0, sb + j * cs + c0, GF_F(l)->fac + b0, GF_F(l)->cfac + b0, b1 - b0);
}

/* Run a lane or chunk phase: on the workers, or with a threaded BLAS on the
 * calling thread alone. */
static void run_blas_phase(gridform_learner *l, int phase)
{
    if (l->pool.nworkers > 1 && blas_is_threaded()) {
        l->solo = 1;
        phase_work(l, 0, phase);
        l->solo = 0;
    } else {
        gridform__pool_run(&l->pool, phase);
    }
}

/* M (or, for l->corr == TRSM, the Gram matrix) from the spectra sa. */
static void coupling_matrix(gridform_learner *l)
{
    run_blas_phase(l, GF_LEARNER_PH_GRAM);
    gram_reduce(l);
}

/* Note the failure of the step in progress (map j, what happened, a growth
 * factor or 0); formatted by fail_message only if no step can fix it. */
static int note_failure(gridform_learner *l, size_t j, const char *what, double factor)
{
    l->fail_map = j;
    l->fail_what = what;
    l->fail_factor = factor;
    return GRIDFORM_EDIVERGED;
}

/* ---- Orthogonalisation ------------------------------------------------------
 * The exponential Sanger step is orthogonal iteration with exp(dt Sigma):
 * ordered Gram-Schmidt of the propagated maps H, done as a QR factorisation
 * H = R^T Q through the Gram matrix S = H H^T dA = R^T R (Cholesky QR).
 * One Cholesky QR loses orthogonality as eps cond(H)^2, because S squares
 * H's condition number.  Two passes (CholeskyQR2: Fukaya, Nakatsukasa,
 * Yanagisawa and Yamamoto, "CholeskyQR2: a simple and communication-
 * avoiding algorithm for computing a tall-skinny QR factorization", 2014)
 * give maps orthonormal to round-off whenever the first pass's Cholesky
 * exists, i.e. for cond(H) up to about eps^(-1/2) = 1e8; the second pass
 * starts from a matrix of condition number 1 + O(eps cond^2).  The default
 * step keeps cond(H) near exp(dt (lambda_1 - lambda_ng)) <= 1e4
 * (doc/theory.md §2.4), and a pivot of R below GF_QR_PIVOT of its
 * column's norm means the map has lost everything but round-off outside
 * the span of the maps before it: the step is rejected (step control) or
 * reported.  Both passes are a Gram phase (dsyrk), LAPACK's dpotrf2 on the
 * ng x ng matrix and a dtrsm phase, split by columns like every other
 * product of the step, so the result does not depend on the thread count.
 * LAPACKE's column-major entry point takes the row-major lower triangle as
 * the column-major upper one without a copy (the row-major entry point
 * would allocate a transposed copy on every call).  dpotrf2, LAPACK's
 * recursive Cholesky, is built on dtrsm and dsyrk alone; OpenBLAS's own
 * dpotrf switches to a differently blocked parallel factorisation when it
 * runs threads, which would make the maps depend on the BLAS thread
 * count. */

static int cholesky_qr_pass(gridform_learner *l, int check)
{
    size_t ng = l->ng;
    coupling_matrix(l);
    gf_real *s = GF_F(l)->m;
    for (size_t j = 0; j < ng; j++)
        l->diag0[j] = s[j * ng + j];
    lapack_int info = GF_POTRF2(LAPACK_COL_MAJOR, 'U', (lapack_int)ng, s, (lapack_int)ng);
    if (info > 0)
        return note_failure(l, (size_t)(info - 1), "became linearly dependent on the maps before it", 0.0);
    if (info < 0)
        return note_failure(l, 0, "could not be orthogonalised (LAPACK dpotrf2 rejected the Gram matrix)", 0.0);
    if (check)
        for (size_t j = 0; j < ng; j++) {
            double r = s[j * ng + j];
            if (!(r * r > GF_QR_PIVOT * GF_QR_PIVOT * l->diag0[j]))
                return note_failure(l, j, "became linearly dependent on the maps before it", 0.0);
        }
    l->corr = GF_LEARNER_CORR_TRSM;
    run_blas_phase(l, GF_LEARNER_PH_CORR);
    return GRIDFORM_OK;
}

static int gram_schmidt(gridform_learner *l)
{
    int rc = cholesky_qr_pass(l, 1);
    if (rc == GRIDFORM_OK)
        rc = cholesky_qr_pass(l, 0);
    return rc;
}

#ifndef GF_LEARNER_SINGLE
/* The final message of a step that failed (decision: it names the public
 * function that stepped, the step, the map and the stable Euler step). */
static int fail_message(gridform_learner *l, const char *extra)
{
    gridform__learner_reset_runaway(l);
    double lim = gridform__learner_euler_limit(l, l->coupling);
    const char *api = l->api != NULL ? l->api : "gridform_learner_iterate";
    if (l->fail_factor > 0.0)
        return gridform__fail(&l->err, GRIDFORM_EDIVERGED, api,
                              "step %zu: map %zu %s by a factor %.3g (runaway) with dt = %g%s; "
                              "use a smaller dt (explicit Euler is stable for dt <= %g)",
                              l->steps + 1, l->fail_map, l->fail_what, l->fail_factor, l->dt, extra, lim);
    return gridform__fail(&l->err, GRIDFORM_EDIVERGED, api,
                          "step %zu: map %zu %s with dt = %g%s; use a smaller dt (explicit Euler is stable "
                          "for dt <= %g)", l->steps + 1, l->fail_map, l->fail_what, l->dt, extra, lim);
}
#endif

/* A worker notes its first failing map; the caller formats the message
 * (in its own thread, for gridform_last_error) after the phase. */
static int record(gridform__learner_slot *slot, size_t j, const char *what, double factor)
{
    slot->bad_map = j;
    slot->what = what;
    slot->factor = factor;
    return GRIDFORM_EDIVERGED;
}

/* Below this a sum of squares may have lost precision (squares of values
 * under 1.5e-154 are subnormal or 0; the threshold leaves a margin of 2^122
 * above DBL_MIN).  finish_map then takes the norms from the values divided
 * by their largest magnitude. */
#define GF_SUMSQ_TINY 0x1p-900

/* Which values of u tiny_norm measures: all, the positive ones, or the
 * negative ones. */
enum { GF_NORM_ALL = 0, GF_NORM_POS = 1, GF_NORM_NEG = 2 };

/* sqrt(sum v^2) over the selected values v of u without underflow or
 * overflow: max |v| times the norm of v / max |v|.  Two passes, but only
 * for maps whose sums of squares underflowed, never in ordinary runs. */
static double tiny_norm(const gf_real *u, size_t n, int which)
{
    double amax = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = u[i];
        if ((which == GF_NORM_POS && !(v > 0.0)) || (which == GF_NORM_NEG && !(v < 0.0)))
            continue;
        if (fabs(v) > amax)
            amax = fabs(v);
    }
    if (!(amax > 0.0))
        return 0.0;
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = u[i];
        if ((which == GF_NORM_POS && !(v > 0.0)) || (which == GF_NORM_NEG && !(v < 0.0)))
            continue;
        v /= amax;
        s += v * v;
    }
    return amax * sqrt(s);
}

/* Nonlinearity, checks and renormalisation of map j, u its linear update
 * (n values, written in place), old its current state.  Pass A sums the
 * squares before and after the nonlinearity (reading only), pass B writes
 * the nonlinear, renormalised map; both while u is in cache. */
static int finish_map(gridform_learner *l, size_t j, gf_real *restrict u, const gf_real *restrict old,
                      int want_change, gridform__learner_slot *slot)
{
    const size_t n = l->n;
    const double da = l->da;
    const int nl = l->nl;
    const double soft = 1.0 / (1.0 + 2.0 * l->strength * l->dt);
    double s1 = 0.0, s2 = 0.0, sign = 1.0, n1 = -1.0;
    /* the growth below needs the previous norm: maps whose previous norm
     * already underflowed to 0 (seeds below about 1e-160) are left alone
     * by the rescue of underflowed sums (see after the switch) */
    const int rescue = l->corr == GF_LEARNER_CORR_TRSM || l->nrm[j] > 0.0;
    switch (nl) {
    case GRIDFORM_NL_RELU: {
        /* Four independent partial sums (in a fixed order, so results do
         * not depend on the compiler): one running sum would be a chain of
         * dependent adds slower than the FFT itself. */
        relu_sums(u, n, &s1, &s2);
        /* The linear part cannot tell g from -g.  A map whose update is
         * nowhere positive (a long step onto a top mode of the wrong sign,
         * e.g. the constant mode of a Gaussian code) keeps its pattern in
         * -g; rectify that instead of erasing the map. */
        if (s2 == 0.0 && s1 > 0.0) {
            sign = -1.0;
            s2 = s1;
        }
        break;
    }
    case GRIDFORM_NL_SOFT: {
        double a1[4] = {0, 0, 0, 0}, a2[4] = {0, 0, 0, 0};
        size_t i = 0;
        for (; i + 3 < n; i += 4)
            for (size_t q = 0; q < 4; q++) {
                double x = u[i + q], p = x < 0.0 ? x * soft : x;
                a1[q] += x * x;
                a2[q] += p * p;
            }
        for (; i < n; i++) {
            double x = u[i], p = x < 0.0 ? x * soft : x;
            a1[0] += x * x;
            a2[0] += p * p;
        }
        s1 = (a1[0] + a1[1]) + (a1[2] + a1[3]);
        s2 = (a2[0] + a2[1]) + (a2[2] + a2[3]);
        break;
    }
    case GRIDFORM_NL_TANH: {
        for (size_t i = 0; i < n; i++)
            s1 += u[i] * u[i];
        /* the values are overwritten below: take their norm now if their
         * sum of squares underflowed */
        if (s1 < GF_SUMSQ_TINY && rescue)
            n1 = tiny_norm(u, n, GF_NORM_ALL);
        double r = n1 >= 0.0 ? n1 / sqrt((double)n) : sqrt(s1 / (double)n);
        if (r > 0.0 && isfinite(r)) {
            /* (r/c) tanh(c u / r), up to a factor the renormalisation
             * below removes: for a = c/r >= 1, tanh(a u) itself, which r/c
             * would push below float's range when c is huge (maps of 0 and
             * then NaN, found by fuzzing); for a < 1, tanh(a u) / a, near
             * u, which stays in range when c is tiny; for a beyond double,
             * the limit sign(u). */
            double c = l->strength, a = c / r;
            int big = a >= 1.0, inf = !isfinite(a);
            for (size_t i = 0; i < n; i++) {
                double v = u[i], x;
                if (inf)
                    x = (v > 0.0) - (v < 0.0);
                else
                    x = big ? tanh(a * v) : tanh(a * v) / a;
                s2 += x * x;
                u[i] = (gf_real)x;
            }
        } else {
            s2 = s1;
        }
        break;
    }
    default: {
        s1 = s2 = sum_squares(u, n);
        break;
    }
    }
    if (!isfinite(s1) || !isfinite(s2))
        return record(slot, j, "became NaN or Inf", 0.0);
    /* Sums of squares that underflowed (a SOFT map penalised to 1e-161 of
     * itself by a strength of 7.7e151, found by fuzzing: its s2 was
     * subnormal, and the step returned it with norm 0.96, not 1): the norms
     * again from scaled values, the ReLU sign decided again on them, and
     * SOFT's negative values scaled apart from its positive ones, whose
     * scale may overflow where the negative values' does not.  Ordinary
     * maps never come here, so their arithmetic is unchanged. */
    int tiny = (s1 < GF_SUMSQ_TINY || s2 < GF_SUMSQ_TINY) && rescue;
    double nrm1 = 0.0, nrm2 = 0.0, nrmpos = 0.0, scneg = 0.0;
    if (tiny) {
        nrm1 = n1 >= 0.0 ? n1 : tiny_norm(u, n, GF_NORM_ALL);
        switch (nl) {
        case GRIDFORM_NL_RELU:
            sign = 1.0;
            nrm2 = tiny_norm(u, n, GF_NORM_POS);
            if (nrm2 == 0.0 && nrm1 > 0.0) {
                sign = -1.0;
                nrm2 = nrm1;
            }
            break;
        case GRIDFORM_NL_SOFT:
            nrmpos = tiny_norm(u, n, GF_NORM_POS);
            nrm2 = hypot(nrmpos, soft * tiny_norm(u, n, GF_NORM_NEG));
            break;
        case GRIDFORM_NL_TANH:   /* u holds the nonlinear values */
            nrm2 = tiny_norm(u, n, GF_NORM_ALL);
            break;
        default:
            nrm2 = nrm1;
            break;
        }
        if (!(nrm2 > 0.0))
            return record(slot, j, "vanished (all zero)", 0.0);
    } else if (!(s2 > 0.0)) {
        return record(slot, j, "vanished (all zero)", 0.0);
    }
    /* Growth of the norm in this step, before renormalisation.  With the
     * shift lambda0 = max Sigma~ the linear part never grows a map, so
     * growth comes from the coupling's explicit terms (doc/theory.md
     * §2.4); the step control rejects a step with rho > 2.  The
     * exponential Sanger step's QR already returned unit maps (growth 1
     * by construction); every other step grows from the old norm. */
    double rho = (tiny ? nrm1 * sqrt(da) : sqrt(s1 * da)) / (l->corr == GF_LEARNER_CORR_TRSM ? 1.0 : l->nrm[j]);
    if (rho > slot->rhomax || (rho == slot->rhomax && j < slot->rhomap)) {
        slot->rhomax = rho;
        slot->rhomap = j;
    }
    /* sqrt(s2) sqrt(da), not sqrt(s2 da): a subnormal s2 (a SOFT map
     * penalised to 1e-160 of itself, found by fuzzing) times da would
     * round to 0 and the scale to Inf */
    double scale = 1.0 / ((tiny ? nrm2 : sqrt(s2)) * sqrt(da)), d = 0.0;
    if (tiny && nl == GRIDFORM_NL_SOFT) {
        /* negative values times soft / |p|, positive ones times 1 / |p|
         * (unused, and possibly Inf, when there are none) */
        scneg = soft / (nrm2 * sqrt(da));
        if (!isfinite(scneg) || (nrmpos > 0.0 && !isfinite(scale)))
            return record(slot, j, "became too small to normalise", 0.0);
    } else if (!isfinite(scale)) {
        return record(slot, j, "became too small to normalise", 0.0);
    }
    /* Pass B, unrolled by four with four partial sums of the change: gcc
     * -O2 vectorises this form, and the sums' order is fixed. */
#define GF_PASS_B(EXPR)                                                       \
    do {                                                                      \
        double dd[4] = {0, 0, 0, 0};                                          \
        size_t i = 0;                                                         \
        if (want_change) {                                                    \
            for (; i + 3 < n; i += 4)                                         \
                for (size_t q = 0; q < 4; q++) {                              \
                    double x = u[i + q] * sc;                                 \
                    x = (EXPR);                                               \
                    double e = x - old[i + q];                                \
                    dd[q] += e * e;                                           \
                    u[i + q] = x;                                             \
                }                                                             \
            for (; i < n; i++) {                                              \
                double x = u[i] * sc;                                         \
                x = (EXPR);                                                   \
                double e = x - old[i];                                        \
                dd[0] += e * e;                                               \
                u[i] = x;                                                     \
            }                                                                 \
            d = (dd[0] + dd[1]) + (dd[2] + dd[3]);                            \
        } else {                                                              \
            for (; i + 3 < n; i += 4)                                         \
                for (size_t q = 0; q < 4; q++) {                              \
                    double x = u[i + q] * sc;                                 \
                    u[i + q] = (EXPR);                                        \
                }                                                             \
            for (; i < n; i++) {                                              \
                double x = u[i] * sc;                                         \
                u[i] = (EXPR);                                                \
            }                                                                 \
        }                                                                     \
    } while (0)
    if (nl == GRIDFORM_NL_RELU) {
        d = scale_map(u, want_change ? old : NULL, n, sign * scale, 1);
    } else if (nl == GRIDFORM_NL_SOFT && tiny) {
        double sc = 1.0, scpos = scale;
        GF_PASS_B(x > 0.0 ? x * scpos : x * scneg);
    } else if (nl == GRIDFORM_NL_SOFT) {
        double sc = scale;
        GF_PASS_B(x < 0.0 ? x * soft : x);
    } else {
        d = scale_map(u, want_change ? old : NULL, n, scale, 0);
    }
#undef GF_PASS_B
    if (!want_change)
        return GRIDFORM_OK;
    d = sqrt(d * da) / l->nrm[j];
    if (d > slot->maxchg)
        slot->maxchg = d;
    /* Runaway.  Every instability of these steps is oscillatory: the shift
     * keeps the linear multipliers <= 1, so a mode can only grow through a
     * multiplier below -1 (Euler's linear part beyond its limit, or an
     * explicit coupling term that overshoots), which flips the map from
     * step to step.  The growth is therefore compounded over consecutive
     * steps in which the unit map moved by more than 1 (60 degrees); a
     * step that moves it less ends the streak.  A settled map whose norm
     * creeps up by the same small factor every step (rectified maps that
     * cannot become orthogonal, or the exponential integrator's O(dt^2)
     * norm error away from eigenvectors) is not diverging (doc/theory.md
     * §2.5).  The step always asks for the change (want_change). */
    if (d > 1.0) {
        l->logv[j] += log(rho);
        if (l->logv[j] < l->logmin[j])
            l->logmin[j] = l->logv[j];
        if (l->logv[j] - l->logmin[j] > GRIDFORM__LEARNER_RUNAWAY_LOG)
            return record(slot, j, "grew", exp(l->logv[j] - l->logmin[j]));
    } else {
        l->logv[j] = l->logmin[j] = 0.0;
    }
    return GRIDFORM_OK;
}

#define GF_R2C(l, in, out) GF_FFTW(execute_dft_r2c)(GF_F(l)->fwd, (in), (GF_FFTW(complex) *)(out))
#define GF_C2R(l, in, out) GF_FFTW(execute_dft_c2r)(GF_F(l)->bwd, (GF_FFTW(complex) *)(in), (out))

/* The next work item (map, lane or chunk) for the calling thread.  Which
 * thread steps an item never changes that item's arithmetic. */
static inline size_t take_map(gridform_learner *l, size_t *mine)
{
    return gridform__pool_take(&l->pool, mine, l->solo);
}

static void phase_work(void *ctx, int tid, int phase)
{
    gridform_learner *l = ctx;
#ifndef GF_LEARNER_SINGLE
    if (phase >= GF_LEARNER_PH_ETD_SIGMA) {   /* lib/learner_etd.c, double only */
        gridform__learner_etd_phase(l, tid, phase);
        return;
    }
    if (l->precision == GRIDFORM_PRECISION_SINGLE) {
        gridform__learner_phase_single(ctx, tid, phase);
        return;
    }
#endif
    size_t ng = l->ng, n = l->n, cs = l->cstride, nf = l->nfreq;
    size_t mine = 0, j;
    gf_real *g = (gf_real *)l->g, *sa = (gf_real *)l->a, *sb = (gf_real *)l->b;
    int wc = l->want_change;
    gridform__learner_slot *slot = &l->slots[tid];
    switch (phase) {
    case GF_LEARNER_PH_INDEP: {
        /* Map by map, each in cache: FFT, per-bin factor, inverse FFT,
         * nonlinearity and renormalisation.  Row tid of sb is this
         * worker's spectrum scratch; the new maps go to sa. */
        gf_real *scratch = sb + (size_t)tid * cs;
        while ((j = take_map(l, &mine)) < ng) {
            GF_R2C(l, g + j * n, scratch);
            scale_row(l, scratch, wc ? &l->rq[j] : NULL);
            GF_C2R(l, scratch, sa + j * n);
            if (finish_map(l, j, sa + j * n, g + j * n, wc, slot) != GRIDFORM_OK)
                return;
        }
        break;
    }
    case GF_LEARNER_PH_FWD_GS:
        while ((j = take_map(l, &mine)) < ng) {
            gf_real *row = sa + j * cs;
            GF_R2C(l, g + j * n, row);
            scale_row(l, row, wc ? &l->rq[j] : NULL);
        }
        break;
    case GF_LEARNER_PH_FWD_Y:
        while ((j = take_map(l, &mine)) < ng)
            GF_R2C(l, g + j * n, sa + j * cs);
        break;
    case GF_LEARNER_PH_BWD_GS:
        /* sb held the Gram scaling, consumed by dsyrk: the new maps go there. */
        while ((j = take_map(l, &mine)) < ng) {
            GF_C2R(l, sa + j * cs, sb + j * n);
            if (finish_map(l, j, sb + j * n, g + j * n, wc, slot) != GRIDFORM_OK)
                return;
        }
        break;
    case GF_LEARNER_PH_GRAM: {
        /* Lanes of the spectra sa.  sb is free until the correction: worker
         * tid's chunk buffer is its tid-th block of ng x 2 gram_bins
         * doubles (gram_bins <= nfreq, so worker 0 always has one), and a
         * worker whose block would pass the end of sb takes no lane. */
        const gf_real *sc = l->corr == GF_LEARNER_CORR_TRSM ? GF_F(l)->gsc : GF_F(l)->ysc;
        size_t blk = ng * 2 * l->gram_bins;
        if (((size_t)tid + 1) * blk > ng * cs)
            break;
        while ((j = take_map(l, &mine)) < l->nlanes)
            gram_lane(l, j, sa, sc, sb + (size_t)tid * blk, gram_is_syrk(l));
        break;
    }
    case GF_LEARNER_PH_CORR: {
        /* Chunks of columns; with a threaded BLAS (solo), one call over all. */
        size_t cb = l->solo || (l->pool.nworkers <= 1 && blas_is_threaded()) ? nf : l->chunk_bins;
        size_t nchunks = (nf + cb - 1) / cb;
        while ((j = take_map(l, &mine)) < nchunks)
            corr_chunk(l, j * cb, (j + 1) * cb < nf ? (j + 1) * cb : nf);
        break;
    }
    case GF_LEARNER_PH_BWD_COMB:
        /* sa's spectra were consumed by the previous phase. */
        while ((j = take_map(l, &mine)) < ng) {
            GF_C2R(l, sb + j * cs, sa + j * n);
            if (finish_map(l, j, sa + j * n, g + j * n, wc, slot) != GRIDFORM_OK)
                return;
        }
        break;
    default:
        break;
    }
}

#ifdef GF_LEARNER_SINGLE
/* The pool's function is the double pass's phase_work, which hands a
 * single-precision learner's phases here. */
void gridform__learner_phase_single(void *ctx, int tid, int phase)
{
    phase_work(ctx, tid, phase);
}
#endif

/* Run a phase on every worker; the first failing map (lowest index) wins. */
static int run_phase(gridform_learner *l, int phase)
{
    gridform__pool_run(&l->pool, phase);
    size_t bad = SIZE_MAX;
    const gridform__learner_slot *worst = NULL;
    for (int t = 0; t < l->pool.nworkers; t++)
        if (l->slots[t].bad_map < bad) {
            bad = l->slots[t].bad_map;
            worst = &l->slots[t];
        }
    if (worst != NULL)
        return note_failure(l, worst->bad_map, worst->what, worst->factor);
    return GRIDFORM_OK;
}

#ifndef GF_LEARNER_SINGLE
/* ---- EXACT kernels --------------------------------------------------------
 * Sigma = P P^T / np of the actual cells (e.g. in a walled arena) is no
 * Fourier multiplier: the linear part is applied by gridform_kernel_apply,
 * so only the explicit Euler step exists,
 *
 *     G' = G + dt (Sigma - lambda0) G - dt L G,   then N, then renormalise,
 *
 * the same rule as on Fourier kernels, with L and the coupling matrix
 * M = G (Sigma G)^T dA formed in real space by BLAS. */
static int attempt_exact(gridform_learner *l, void **out)
{
    size_t ng = l->ng, n = l->n;
    double *g = l->g, *h = l->a, *x = l->b, *m = l->m;
    double dt = l->dt, a = 1.0 - dt * l->lambda0, da = l->da;
    if (gridform_kernel_apply(l->kernel, g, h, ng) != GRIDFORM_OK)
        return gridform__fail(&l->err, GRIDFORM_EINVAL, l->api, "the kernel failed to apply: %s",
                       gridform_kernel_last_error(l->kernel));
    int coupled = l->coupling != GRIDFORM_COUPLING_INDEPENDENT;
    if (coupled) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)ng, (int)ng, (int)n, da, g, (int)n, h, (int)n,
                    0.0, m, (int)ng);
        for (size_t j = 0; j < ng; j++) {
            l->rq[j] = m[j * ng + j] / (l->nrm[j] * l->nrm[j]);
            m[j * ng + j] = 0.0;
        }
        if (l->coupling == GRIDFORM_COUPLING_SANGER) {
            memcpy(x, g, ng * n * sizeof(double));
            cblas_dtrmm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int)ng, (int)n, 1.0, m,
                        (int)ng, x, (int)n);
        } else {
            cblas_dsymm(CblasRowMajor, CblasLeft, CblasLower, (int)ng, (int)n, 1.0, m, (int)ng, g, (int)n, 0.0, x,
                        (int)n);
        }
    }
    gridform__learner_slot *slot = &l->slots[0];
    int want_change = 1;
    for (size_t j = 0; j < ng; j++) {
        double *u = h + j * n;
        const double *gj = g + j * n;
        if (coupled) {
            const double *xj = x + j * n;
            for (size_t i = 0; i < n; i++)
                u[i] = a * gj[i] + dt * (u[i] - xj[i]);
        } else {
            double q = 0.0;
            for (size_t i = 0; i < n; i++) {
                q += gj[i] * u[i];
                u[i] = a * gj[i] + dt * u[i];
            }
            l->rq[j] = q * da / (l->nrm[j] * l->nrm[j]);
        }
        if (finish_map(l, j, u, gj, want_change, slot) != GRIDFORM_OK)
            return note_failure(l, slot->bad_map, slot->what, slot->factor);
    }
    *out = h;
    return GRIDFORM_OK;
}

static void rayleigh_exact(gridform_learner *l, double *per_map)
{
    size_t n = l->n;
    /* kernel_apply was validated at create; a failure leaves zeros. */
    if (gridform_kernel_apply(l->kernel, l->g, l->a, l->ng) != GRIDFORM_OK)
        memset(l->a, 0, l->ng * n * sizeof(double));
    for (size_t j = 0; j < l->ng; j++) {
        const double *gj = l->g + j * n, *hj = l->a + j * n;
        /* scaled by a power of two against overflow, as in the Fourier
         * quotient below (gh / gg does not change, exactly) */
        double amax = 0.0;
        for (size_t i = 0; i < n; i++)
            amax = fmax(amax, fmax(fabs(gj[i]), fabs(hj[i])));
        int e = 0;
        (void)frexp(amax, &e);
        double sc = amax > 0.0 ? ldexp(1.0, -e) : 1.0;
        double gg = 0.0, gh = 0.0;
        for (size_t i = 0; i < n; i++) {
            double x = gj[i] * sc;
            gg += x * x;
            gh += x * (hj[i] * sc);
        }
        per_map[j] = gg > 0.0 ? gh / gg : 0.0;
    }
}
#endif

/* One try of a step with the current dt, writing the new maps to *outp (a
 * or b) and leaving the state g untouched.  GRIDFORM_OK, or
 * GRIDFORM_EDIVERGED with the failure noted (note_failure), or another code
 * with the message formatted. */
int GF_NAME(gridform__learner_attempt)(gridform_learner *l, void **outp)
{
    for (int t = 0; t < l->pool.nworkers; t++) {
        l->slots[t].bad_map = SIZE_MAX;
        l->slots[t].maxchg = 0.0;
        l->slots[t].rhomax = 0.0;
        l->slots[t].rhomap = SIZE_MAX;
    }
    l->corr = 0;
#ifndef GF_LEARNER_SINGLE
    if (l->precision == GRIDFORM_PRECISION_SINGLE)
        return gridform__learner_attempt_single(l, outp);
    if (l->exact)
        return attempt_exact(l, outp);
#endif
    size_t ng = l->ng;
    gf_real *sa = (gf_real *)l->a, *sb = (gf_real *)l->b;
    gf_real *out;   /* the buffer that receives the new maps (map j at j*n) */
    int rc;

    if (l->coupling == GRIDFORM_COUPLING_INDEPENDENT) {
        if ((rc = run_phase(l, GF_LEARNER_PH_INDEP)) != GRIDFORM_OK)
            return rc;
        out = sa;
    } else if (l->coupling == GRIDFORM_COUPLING_SANGER && l->integrator == GRIDFORM_INTEGRATOR_EXPONENTIAL) {
        /* A long exponential step pulls every map towards the top shell
         * at once, faster than Sanger's explicit correction can separate
         * them (it is unstable once dt times the overlaps exceeds 2).
         * Ordered Gram-Schmidt of the propagated maps is Sanger's rule to
         * first order in dt (each map loses its components along the maps
         * before it, then is renormalised) and is exact for every dt:
         * orthogonal (subspace) iteration with exp(dt Sigma).  Done as a
         * Cholesky QR on the spectra: S = H H^T dA (dsyrk), S = C C^T,
         * H <- C^{-1} H (dtrsm). */
        l->corr = GF_LEARNER_CORR_TRSM;
        gridform__pool_run(&l->pool, GF_LEARNER_PH_FWD_GS);
        if ((rc = gram_schmidt(l)) != GRIDFORM_OK)
            return rc;
        if ((rc = run_phase(l, GF_LEARNER_PH_BWD_GS)) != GRIDFORM_OK)
            return rc;
        out = sb;
    } else {
        /* Additive forms, which keep the fixed points of the flow exact:
         *   EULER:       G' = (1 + dt(Sigma - lambda0)) G - dt L G,
         *                L = strict_lower(M) (Sanger) or M - diag M (Oja);
         *   EXPONENTIAL: G' = exp(dt(Sigma - lambda0)) G
         *                     + phi(dt(Sigma - lambda0)) (lambda0 - M) G
         *                (Oja subspace rule; exponential Euler, Cox and
         *                Matthews 2002, phi(z) = (e^z - 1)/z per bin), exact
         *                at every fixed point Sigma G = M G.
         * sb = fac sa + cfac (A sa) per chunk of bins, A by BLAS. */
        int sanger = l->coupling == GRIDFORM_COUPLING_SANGER;
        l->corr = sanger ? GF_LEARNER_CORR_TRMM : GF_LEARNER_CORR_SYMM;
        gridform__pool_run(&l->pool, GF_LEARNER_PH_FWD_Y);
        coupling_matrix(l);
        gf_real *m = GF_F(l)->m;
        for (size_t j = 0; j < ng; j++)
            l->rq[j] = m[j * ng + j] / (l->nrm[j] * l->nrm[j]);
        if (sanger) {
            for (size_t i = 0; i < ng; i++)
                m[i * ng + i] = 0.0;
        } else {
            int ex = l->integrator == GRIDFORM_INTEGRATOR_EXPONENTIAL;
            for (size_t i = 0; i < ng; i++) {
                if (ex)
                    for (size_t j = 0; j <= i; j++)
                        m[i * ng + j] = -m[i * ng + j];
                m[i * ng + i] = ex ? l->lambda0 + m[i * ng + i] : 0.0;
            }
        }
        run_blas_phase(l, GF_LEARNER_PH_CORR);
        if ((rc = run_phase(l, GF_LEARNER_PH_BWD_COMB)) != GRIDFORM_OK)
            return rc;
        out = sa;
    }

    *outp = out;
    return GRIDFORM_OK;
}

void GF_NAME(gridform__learner_rayleigh)(gridform_learner *l, double *per_map)
{
#ifndef GF_LEARNER_SINGLE
    if (l->precision == GRIDFORM_PRECISION_SINGLE) {
        gridform__learner_rayleigh_single(l, per_map);
        return;
    }
    if (l->exact) {
        rayleigh_exact(l, per_map);
        return;
    }
#endif
    for (size_t j = 0; j < l->ng; j++) {
        gf_real *row = (gf_real *)l->a;
        GF_R2C(l, (gf_real *)l->g + j * l->n, row);
        /* Maps of unit norm in a tiny box have huge values (|g| ~ 1/sqrt(dA)),
         * and their squared coefficients times the spectrum overflowed
         * (inf for a 1e-100 m box, found by tests/fuzz/fuzz_config).  The
         * quotient does not change when every coefficient is scaled by the
         * same power of two, and such a scaling is exact, so this is
         * bit-identical to the unscaled sums wherever those were finite. */
        double amax = 0.0;
        for (size_t k = 0; k < 2 * l->nfreq; k++)
            amax = fmax(amax, fabs((double)row[k]));
        int e = 0;
        (void)frexp(amax, &e);
        double sc = amax > 0.0 ? ldexp(1.0, -e) : 1.0;
        double sw = 0.0, sws = 0.0;
        for (size_t k = 0; k < l->nfreq; k++) {
            double re = (double)row[2 * k] * sc, im = (double)row[2 * k + 1] * sc;
            double p = re * re + im * im;
            sw += l->wt[k] * p;
            sws += l->wsig[k] * p;
        }
        per_map[j] = sw > 0.0 ? sws / sw : 0.0;
    }
}

#ifndef GF_LEARNER_SINGLE
void gridform__learner_update_factors(gridform_learner *l)
{
    if (l->exact)
        return;   /* no spectrum: the step applies dt directly */
    double inv_n = 1.0 / (double)l->n, dt = l->dt, lam = l->lambda0;
    for (size_t k = 0; k < l->nfreq; k++) {
        double x = dt * (l->sigma[k] - lam);
        l->fac[k] = (l->integrator == GRIDFORM_INTEGRATOR_EXPONENTIAL ? exp(x) : 1.0 + x) * inv_n;
    }
    for (size_t k = 0; k < l->nfreq; k++) {
        double z = l->sigma[k] - lam;
        if (l->integrator == GRIDFORM_INTEGRATOR_EULER)
            l->cfac[k] = -dt * inv_n;
        else   /* phi(dt z) dt = expm1(dt z)/z, -> dt as z -> 0 */
            l->cfac[k] = (fabs(dt * z) < 1e-300 ? dt : expm1(dt * z) / z) * inv_n;
    }
    if (l->f32.fac != NULL)   /* single precision: the step's float copies */
        for (size_t k = 0; k < l->nfreq; k++) {
            l->f32.fac[k] = (float)l->fac[k];
            l->f32.cfac[k] = (float)l->cfac[k];
        }
}

/* ---- Automatic step control (doc/theory.md §2.5) --------------------
 * A step is tried with the current dt; the state is only replaced when the
 * step is accepted, so rejecting it restores nothing but the runaway
 * history.  Rejected: a map became NaN, Inf or zero, lost its rank in the
 * orthogonalisation, ran away (see finish_map), or -- with the control on
 * -- grew by more than GF_RHO_REJECT in one step before renormalisation,
 * which the default step never allows (doc/theory.md §2.4: the
 * linear part never grows a map, and at the default step the explicit
 * coupling terms add at most the map's own norm).  A rejected step is
 * retried with half the step, at most GF_MAX_HALVINGS times; only then is
 * the failure reported.  After GF_GROW_AFTER accepted steps in a row whose
 * growth stayed below GF_RHO_GROW, the step grows by sqrt(2), never past
 * the ceiling (the user's step, or the default's for orthogonal maps) nor
 * past 1/sqrt(2) of the smallest step rejected since the maps or the step
 * were set: a step beyond a stability limit may pass for many steps before
 * its oscillation shows, and growing back to it would cycle for ever.  Every decision depends on
 * the maps alone (growth factors are maxima, which do not depend on the
 * order in which workers report them), so runs are bit-identical run to
 * run and across thread counts. */
#define GF_RHO_REJECT 2.0
#define GF_RHO_GROW 1.5
#define GF_GROW_AFTER 8
#define GF_GROW_FACTOR 1.4142135623730951
#define GF_MAX_HALVINGS 40

static void commit(gridform_learner *l, void *out, double rhomax)
{
    if (out == l->a)
        l->a = l->g;
    else
        l->b = l->g;
    l->g = out;
    double maxchg = 0.0;
    for (int t = 0; t < l->pool.nworkers; t++)
        if (l->slots[t].maxchg > maxchg)
            maxchg = l->slots[t].maxchg;
    for (size_t j = 0; j < l->ng; j++)
        l->nrm[j] = 1.0;
    l->steps++;
    l->time += l->dt;
    l->last_change = maxchg / (l->dt * (l->smax > 0.0 ? l->smax : 1.0));
    l->rhomax = rhomax;
    if (l->control && l->dt < l->dt_max) {
        /* Never back to a step that was rejected: at most dt_bad / sqrt 2. */
        double cap = l->dt_bad / GF_GROW_FACTOR < l->dt_max ? l->dt_bad / GF_GROW_FACTOR : l->dt_max;
        if (rhomax <= GF_RHO_GROW && ++l->streak >= GF_GROW_AFTER && cap > l->dt) {
            double dt = l->dt * GF_GROW_FACTOR;
            l->dt = dt < cap ? dt : cap;
            l->streak = 0;
            gridform__learner_update_factors(l);
        } else if (rhomax > GF_RHO_GROW) {
            l->streak = 0;
        }
    }
}

int gridform__learner_step(gridform_learner *l, int want_change)
{
    if (l->integrator == GRIDFORM_INTEGRATOR_ETD)
        return gridform__learner_etd_step(l);
    if (l->integrator == GRIDFORM_INTEGRATOR_ACTIVE_SET)
        return gridform__learner_as_step(l);
    size_t ng = l->ng;
    /* The change is always computed: the runaway test needs it. */
    (void)want_change;
    l->want_change = 1;
    memcpy(l->keep, l->logv, ng * sizeof(double));
    memcpy(l->keep + ng, l->logmin, ng * sizeof(double));
    double dt0 = l->dt;
    for (int halvings = 0;; halvings++) {
        void *out = NULL;
        int rc = gridform__learner_attempt(l, &out);
        double rhomax = 0.0;
        size_t rhomap = 0;
        for (int t = 0; t < l->pool.nworkers; t++) {
            const gridform__learner_slot *sl = &l->slots[t];
            if (sl->rhomax > rhomax || (sl->rhomax == rhomax && sl->rhomap < rhomap)) {
                rhomax = sl->rhomax;
                rhomap = sl->rhomap;
            }
        }
        if (rc == GRIDFORM_OK && l->control && !(rhomax <= GF_RHO_REJECT))
            rc = note_failure(l, rhomap, "grew in one step", rhomax);
        if (rc == GRIDFORM_OK) {
            commit(l, out, rhomax);
            return GRIDFORM_OK;
        }
        if (rc != GRIDFORM_EDIVERGED)
            return rc;
        memcpy(l->logv, l->keep, ng * sizeof(double));
        memcpy(l->logmin, l->keep + ng, ng * sizeof(double));
        if (!l->control)
            return fail_message(l, "");
        if (halvings == GF_MAX_HALVINGS) {
            char extra[96];
            snprintf(extra, sizeof extra, " (the step control halved the step %d times from %g)", halvings, dt0);
            return fail_message(l, extra);
        }
        l->rejected++;
        l->streak = 0;
        if (l->dt < l->dt_bad)
            l->dt_bad = l->dt;
        l->dt *= 0.5;
        gridform__learner_update_factors(l);
    }
}

/* ---- Stability and the default steps (doc/theory.md §2.4) ----------
 * Unit maps g_j, the shift lambda0 = max Sigma~, M = G Sigma G^T dA.
 *
 * Linear part.  The Euler multiplier 1 + dt (Sigma~ - lambda0) lies in
 * [1 - dt (max - min Sigma~), 1]: stable for dt <= 2 / (max - min Sigma~).
 * The exponential multiplier exp(dt (Sigma~ - lambda0)) lies in (0, 1]
 * for every dt.  Neither ever grows a map.
 *
 * Coupling.  The explicit terms subtract dt sum_k M_jk g_k (Euler), or
 * phi(dt z) dt (M - lambda0) G (exponential Oja rule), over k < j (Sanger)
 * or k != j (Oja).  |M_jk| <= max |Sigma~| =: s for unit maps, so the
 * correction of map j is at most dt s c in norm, c = the number of maps in
 * its row: ng - 1 for the last map of Sanger's triangular chain, ng - 1
 * for the Oja rule.  The bound is attained, not pessimistic: early in a
 * run (and for good when rectified maps cannot become orthogonal) all maps
 * align with the top mode and M_jk -> s for every pair, and then the
 * correction multiplies the shared direction by 1 - dt s c, an explicit
 * Euler step of the deflation, unstable once dt s c > 2.  For the Oja rule
 * the overlap of two orthogonal maps also relaxes at rate M_ii + M_jj <=
 * 2 s, so c >= 2 there.  Hence
 *
 *     Euler limit = min(2 / (max - min Sigma~), 2 / (s c)),
 *
 * and the default EULER step is half of it: the Euler multipliers lie in
 * [0, 1] and the one-step growth of a map is at most 1 + dt s c <= 2.
 *
 * Exponential Sanger (orthogonal iteration, see gram_schmidt): stable for
 * every dt, but the step damps mode m against the top one by
 * exp(-dt (lambda_1 - lambda_m)).  The ng-th mode must stay far above
 * round-off relative to the first, or the last maps lose rank:
 *
 *     dt <= GF_QR_EFOLDS / (lambda_1 - lambda_ng),   GF_QR_EFOLDS = ln 1e4,
 *
 * which keeps the Gram matrix's condition near 1e8 at most and the pivots
 * of R above 1e-4 of their columns, 100 times the rejection threshold
 * GF_QR_PIVOT; otherwise (a flat top) 25 / max Sigma~, enough to settle
 * the top modes in a few steps.
 *
 * Exponential Oja rule: the diagonal term grows a map by at most
 * 1 + dt (max - min Sigma~) and the explicit off-diagonal terms by dt s c,
 * so dt = 1 / (max - min Sigma~ + s c) keeps the growth below 2, as for
 * Euler.  Independent maps under the exponential integrator:
 * 25 / max Sigma~. */
#define GF_EXP_DT 25.0
/* GRIDFORM_INTEGRATOR_ETD (doc/theory.md §2.9): the first step, 1 /
 * max Sigma~, is one e-fold of the fastest-growing mode; the control then
 * changes it by at most 4 per step, up to 25 / max Sigma~: far longer
 * steps make the projected iteration cycle around a stationary state
 * (doc/theory.md §2.9). */
#define GF_ETD_START 1.0
#define GF_ETD_CEILING 25.0
/* GRIDFORM_INTEGRATOR_ACTIVE_SET (lib/learner_active.c): the same first
 * step, and a ceiling of 50 / max Sigma~.  Its step takes the stiff part
 * of the flow (the free set's operator) into the exponential, so step
 * doubling lets it grow far beyond the ETD's 25; but near a stationary
 * state long steps stop paying, as for the ETD (doc/theory.md §2.9: the
 * contraction per step saturates).  Measured with bench/stationarity
 * --ng 32 --tol 1e-4 --scheme active --ceiling X (64^2 x 32 RELU maps, the
 * same answer in every run): at rtol 1e-2, 3058 / 2842 / 3274 / 3154 / 3186
 * transforms per map for X = 25 / 50 / 100 / 200 (the prototype's) / 1000,
 * the model time to 1e-4 2835 at 50 against 8740 at 200; at 3e-2, 1770
 * against 1986; at 3e-3, 5370 against 5682; at 1e-3 the step stays below
 * 55 and the cost is the same (8298).  One configuration: a stagnation
 * guard like the ETD's is not yet written (doc/theory.md §2.10, "Left
 * for later"). */
#define GF_AS_CEILING 50.0
#define GF_QR_EFOLDS 9.210340371976184

/* s c of the comment above: the largest explicit coupling rate, for maps
 * that may all be aligned (aligned != 0: c = ng - 1) or that are
 * orthogonal (c = 1 for Sanger, whose map j then only loses its overlaps
 * with the maps before it at rate M_ii <= s, and 2 for the Oja rule). */
static double coupling_rate(const gridform_learner *l, int coupling, int aligned)
{
    double s = fabs(l->smax) > fabs(l->smin) ? fabs(l->smax) : fabs(l->smin);
    double c = l->ng > 1 ? (aligned ? (double)(l->ng - 1) : 1.0) : 0.0;
    if (coupling == GRIDFORM_COUPLING_INDEPENDENT)
        return 0.0;
    if (coupling == GRIDFORM_COUPLING_SYMMETRIC && l->ng > 1 && c < 2.0)
        c = 2.0;
    return s * c;
}

static double limit(const gridform_learner *l, int coupling, int aligned)
{
    double lim = 2.0 / (l->smax - l->smin), rate = coupling_rate(l, coupling, aligned);
    if (rate > 0.0 && 2.0 / rate < lim)
        lim = 2.0 / rate;
    return lim;
}

double gridform__learner_euler_limit(const gridform_learner *l, int coupling)
{
    return limit(l, coupling, 1);
}

/* The default step (ceiling == 0: the first step, safe from any maps) or
 * the largest step the step control grows to (ceiling != 0: safe once the
 * maps are orthogonal; it halves again if they are not). */
static double step_of(const gridform_learner *l, int integrator, int coupling, int ceiling)
{
    int aligned = !ceiling;
    if (integrator == GRIDFORM_INTEGRATOR_ETD)   /* error-controlled: start short, no ceiling that matters */
        return (ceiling ? GF_ETD_CEILING : GF_ETD_START) / l->smax;
    if (integrator == GRIDFORM_INTEGRATOR_ACTIVE_SET)
        return (ceiling ? GF_AS_CEILING : GF_ETD_START) / l->smax;
    if (integrator == GRIDFORM_INTEGRATOR_EULER)
        return 0.5 * limit(l, coupling, aligned);
    double dt = GF_EXP_DT / l->smax;
    if (coupling == GRIDFORM_COUPLING_SANGER) {
        double gap = l->smax - l->lam_ng;
        if (gap > 0.0 && GF_QR_EFOLDS / gap < dt)
            dt = GF_QR_EFOLDS / gap;
    } else if (coupling == GRIDFORM_COUPLING_SYMMETRIC) {
        dt = 1.0 / (l->smax - l->smin + coupling_rate(l, coupling, aligned));
    }
    return dt;
}

double gridform__learner_default_step(const gridform_learner *l, int integrator, int coupling)
{
    return step_of(l, integrator, coupling, 0);
}

double gridform__learner_ceiling_step(const gridform_learner *l, int integrator, int coupling)
{
    return step_of(l, integrator, coupling, 1);
}

void gridform__learner_reset_runaway(gridform_learner *l)
{
    for (size_t j = 0; j < l->ng; j++)
        l->logv[j] = l->logmin[j] = 0.0;
}

int gridform__learner_set_workers(gridform_learner *l, int nworkers)
{
    if (nworkers > l->max_workers) {
        gridform__learner_slot *slots = gridform__calloc((size_t)nworkers, sizeof *slots);
        if (slots == NULL)
            return GRIDFORM_ENOMEM;
        gridform__pool_stop(&l->pool);
        gridform__free(l->slots);
        l->slots = slots;
        l->max_workers = nworkers;
    }
    return gridform__pool_start(&l->pool, nworkers, phase_work, l);
}

void gridform__learner_release_workers(gridform_learner *l)
{
    gridform__pool_stop(&l->pool);
    gridform__free(l->slots);
    l->slots = NULL;
    l->max_workers = 0;
}
#endif /* !GF_LEARNER_SINGLE */
