/* libgridform: the place code's response matrix and what is built from it:
 * the real-space EXACT operator and the Fourier diagonal that AVERAGED and
 * softmax kernels use (doc/theory.md §1.3).
 *
 * P holds the responses p_i(x) of the np cells at the N arena points
 * (N x np, row-major).  With area element dA,
 *
 *     Sigma g = P (P^T g dA) / np                        (EXACT)
 *
 * by two dgemm, never forming the N x N matrix (Sorscher, Mel, Ganguli,
 * Ocko, NeurIPS 2019, section 2).  The centred operator
 * (I - 11^T/N) Sigma (I - 11^T/N) equals P_c P_c^T / np with
 * P_c = P - 1 m^T, m the column means of P: a rank-1 change of P, applied
 * here as rank-1 corrections of the two products so that P itself (and the
 * uncentred operator) stays available.
 *
 * The learner and the attractor reach this operator only through
 * gridform_kernel_apply and lib/kernel_op.h: the kernel never calls them. */
#include "config.h"
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <pthread.h>
#include <fftw3.h>
#include <cblas.h>
#include "internal.h"
#include "placecode_internal.h"
#include "kernel_internal.h"

/* Cells per batched FFT in the Fourier diagonal. */
#define GF_DIAG_BATCH 16

int gridform__kernel_response_matrix(const gridform_placecode *pc, double **Pout, gridform__errbuf *eb,
                                     const char *func)
{
    const gridform_arena *a = pc->arena;
    size_t n = a->npoints, np = pc->ncells, total;
    *Pout = NULL;
    if (!gridform__mul_size(n, np, &total) || total > SIZE_MAX / sizeof(double))
        return gridform__fail(eb, GRIDFORM_ERANGE, func, "P of %zu points x %zu cells is too large", n, np);
    double *xy = gridform__malloc_array(2 * n, sizeof(double));
    double *P = gridform__aligned_doubles(total);
    if (xy == NULL || P == NULL) {
        gridform__free(xy);
        gridform__aligned_free(P);
        return gridform__fail(eb, GRIDFORM_ENOMEM, func, "cannot allocate P (%zu points x %zu cells)", n, np);
    }
    /* Only the bins inside the arena's shape carry responses; rows outside
     * stay 0, so Sigma's rows and columns there vanish (doc/theory.md
     * §7.4).  The inside positions are filled packed at the top of P and
     * moved down to their rows, last first (a row only moves down). */
    const unsigned char *inside = gridform__arena_inside(a);
    double hx = a->lx / (double)a->nx, hy = a->ly / (double)a->ny;
    size_t m = 0;
    for (size_t iy = 0; iy < a->ny; iy++)
        for (size_t ix = 0; ix < a->nx; ix++) {
            size_t p = iy * a->nx + ix;
            if (inside != NULL && !inside[p])
                continue;
            xy[2 * m] = -0.5 * a->lx + ((double)ix + 0.5) * hx;
            xy[2 * m + 1] = -0.5 * a->ly + ((double)iy + 0.5) * hy;
            m++;
        }
    int rc = gridform__placecode_fill(pc, xy, m, P, eb, func);
    gridform__free(xy);
    if (rc != GRIDFORM_OK) {
        gridform__aligned_free(P);
        return rc;
    }
    if (inside != NULL) {
        for (size_t p = n; p-- > 0;) {
            if (inside[p]) {
                m--;
                if (m != p)
                    memcpy(P + p * np, P + m * np, np * sizeof(double));
            } else {
                memset(P + p * np, 0, np * sizeof(double));
            }
        }
    }
    *Pout = P;
    return GRIDFORM_OK;
}

/* Fourier diagonal of P P^T / np: with the unit plane waves
 * f_k(x) = e^{ik.x} / sqrt(N dA),
 *
 *     Sigma~(k) = <f_k, Sigma f_k> = dA^2 sum_i |P^_i(k)|^2 / (np A),
 *
 * P^_i the DFT of cell i (A = N dA).  This is the spectrum of the
 * translation average Sigma-bar(u) = (1/N) sum_x Sigma(x, x + u) (indices
 * wrapped), the roll-average of the published code (doc/theory.md §1.3):
 * O(np N log N), Sigma never formed.  Each cell is a strided column of P,
 * transformed where it lies by batched plans (GF_DIAG_BATCH cells a call;
 * out-of-place r2c preserves its input, FFTW manual 4.3.2). */
int gridform__kernel_fourier_sum(gridform_kernel *k, const double *P, size_t np, gridform__errbuf *eb,
                                 const char *func)
{
    const gridform_arena *a = k->arena;
    size_t nf = a->nfreq;
    if (np > INT_MAX || a->npoints > INT_MAX || nf > SIZE_MAX / GF_DIAG_BATCH / sizeof(fftw_complex))
        return gridform__fail(eb, GRIDFORM_ERANGE, func, "too many cells (%zu) for FFTW strides", np);
    fftw_complex *c = gridform__aligned_alloc(GF_DIAG_BATCH * nf * sizeof(fftw_complex));
    if (c == NULL)
        return gridform__fail(eb, GRIDFORM_ENOMEM, func, "cannot allocate FFT work space");
    int dims[2] = {(int)a->ny, (int)a->nx};
    unsigned flags = FFTW_ESTIMATE | FFTW_UNALIGNED;
    gridform__fftw_lock(1);
    fftw_plan many = fftw_plan_many_dft_r2c(2, dims, GF_DIAG_BATCH, (double *)P, NULL, (int)np, 1, c, NULL, 1,
                                            (int)nf, flags);
    fftw_plan one = fftw_plan_many_dft_r2c(2, dims, 1, (double *)P, NULL, (int)np, 1, c, NULL, 1, (int)nf, flags);
    gridform__fftw_unlock();
    int rc = GRIDFORM_OK;
    if (many == NULL || one == NULL) {
        rc = gridform__fail(eb, GRIDFORM_ENOMEM, func, "FFTW could not plan a %zu x %zu transform",
                            a->ny, a->nx);
    } else {
        for (size_t i0 = 0; i0 < np;) {
            size_t cnt = np - i0 >= GF_DIAG_BATCH ? GF_DIAG_BATCH : 1;
            fftw_execute_dft_r2c(cnt == 1 ? one : many, (double *)P + i0, c);
            for (size_t j = 0; j < cnt; j++) {
                fftw_complex *cj = c + j * nf;
                for (size_t b = 0; b < nf; b++)
                    k->spec[b] += cj[b][0] * cj[b][0] + cj[b][1] * cj[b][1];
            }
            i0 += cnt;
        }
    }
    gridform__fftw_lock(1);
    if (many) fftw_destroy_plan(many);
    if (one) fftw_destroy_plan(one);
    gridform__fftw_unlock();
    gridform__aligned_free(c);
    return rc;
}

int gridform__kernel_fourier_diagonal(gridform_kernel *k, const double *P, size_t np, gridform__errbuf *eb)
{
    size_t nf = k->arena->nfreq;
    memset(k->spec, 0, nf * sizeof(double));
    int rc = gridform__kernel_fourier_sum(k, P, np, eb, k->creator);
    if (rc == GRIDFORM_OK) {
        double scale = k->dA * k->dA / ((double)np * k->area);
        for (size_t b = 0; b < nf; b++)
            k->spec[b] *= scale;
    }
    return rc;
}

int gridform__kernel_exact_adopt(gridform_kernel *k, double *P, size_t np, gridform__errbuf *eb)
{
    size_t n = k->arena->npoints;
    const unsigned char *inside = gridform__arena_inside(k->arena);
    k->P = P;
    k->np = np;
    k->W = gridform__malloc_array(GF_KERNEL_EXACT_BATCH * np, sizeof(double));
    k->csum = gridform__malloc_array(GF_KERNEL_EXACT_BATCH, sizeof(double));
    k->pmean = gridform__calloc(np, sizeof(double));
    if (k->W == NULL || k->csum == NULL || k->pmean == NULL)
        return gridform__fail(eb, GRIDFORM_ENOMEM, k->creator, "cannot allocate the EXACT work space");
    k->nrows = n;
    if (inside != NULL) {
        /* A shape: keep only the inside rows of P, packed in order (a row
         * only moves up), so both products cost N_S, not N, per cell; maps
         * are gathered into and scattered from packed work arrays. */
        size_t ns = gridform__arena_ninside(k->arena), r = 0;
        k->rows = gridform__malloc_array(ns, sizeof(size_t));
        k->gin = gridform__malloc_array(GF_KERNEL_EXACT_BATCH * ns, sizeof(double));
        k->gout = gridform__malloc_array(GF_KERNEL_EXACT_BATCH * ns, sizeof(double));
        if (k->rows == NULL || k->gin == NULL || k->gout == NULL)
            return gridform__fail(eb, GRIDFORM_ENOMEM, k->creator, "cannot allocate the EXACT work space");
        for (size_t x = 0; x < n; x++)
            if (inside[x]) {
                if (r != x)
                    memcpy(P + r * np, P + x * np, np * sizeof(double));
                k->rows[r++] = x;
            }
        k->nrows = ns;
    }
    /* Column means m_i = (1/N) sum_x p_i(x) over the N rows kept (the
     * inside bins), summed row by row (P is row-major) so the loop streams
     * through memory. */
    for (size_t x = 0; x < k->nrows; x++) {
        const double *row = P + x * np;
        for (size_t i = 0; i < np; i++)
            k->pmean[i] += row[i];
    }
    for (size_t i = 0; i < np; i++)
        k->pmean[i] /= (double)k->nrows;
    return GRIDFORM_OK;
}

/* out = Sigma in for cnt <= GF_KERNEL_EXACT_BATCH maps of nr values each
 * (the kept rows of P): two dgemm and, centred, the rank-1 corrections. */
static void exact_batch(gridform_kernel *k, const double *g, double *o, size_t cnt)
{
    size_t nr = k->nrows;
    int ni = (int)nr, np = (int)k->np;
    double inv = 1.0 / (double)k->np;
    /* W = dA G P (cnt x np). */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)cnt, np, ni, k->dA, g, ni, k->P, np, 0.0, k->W, np);
    if (k->centered) {
        /* W = dA G P_c = dA G P - dA (G 1) m^T: the rank-1 correction. */
        for (size_t j = 0; j < cnt; j++) {
            const double *gj = g + j * nr;
            double s = 0.0;
            for (size_t x = 0; x < nr; x++)
                s += gj[x];
            k->csum[j] = s;
        }
        cblas_dger(CblasRowMajor, (int)cnt, np, -k->dA, k->csum, 1, k->pmean, 1, k->W, np);
    }
    /* out = W P^T / np. */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)cnt, ni, np, inv, k->W, np, k->P, np, 0.0, o, ni);
    if (k->centered) {
        /* out = W P_c^T / np = W P^T / np - (W m) 1^T / np. */
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)cnt, np, inv, k->W, np, k->pmean, 1, 0.0, k->csum, 1);
        for (size_t j = 0; j < cnt; j++) {
            double *oj = o + j * nr, t = k->csum[j];
            for (size_t x = 0; x < nr; x++)
                oj[x] -= t;
        }
    }
}

void gridform__kernel_exact_apply(gridform_kernel *k, const double *in, double *out, size_t nmaps)
{
    size_t n = k->arena->npoints, nr = k->nrows;
    for (size_t m0 = 0; m0 < nmaps; m0 += GF_KERNEL_EXACT_BATCH) {
        size_t cnt = nmaps - m0 < GF_KERNEL_EXACT_BATCH ? nmaps - m0 : GF_KERNEL_EXACT_BATCH;
        const double *g = in + m0 * n;
        double *o = out + m0 * n;
        if (k->rows == NULL) {
            exact_batch(k, g, o, cnt);
            continue;
        }
        /* A shape: gather the inside bins, apply, scatter; 0 outside. */
        for (size_t j = 0; j < cnt; j++)
            for (size_t r = 0; r < nr; r++)
                k->gin[j * nr + r] = g[j * n + k->rows[r]];
        exact_batch(k, k->gin, k->gout, cnt);
        memset(o, 0, cnt * n * sizeof(double));
        for (size_t j = 0; j < cnt; j++)
            for (size_t r = 0; r < nr; r++)
                o[j * n + k->rows[r]] = k->gout[j * nr + r];
    }
}

void gridform__kernel_real_apply(gridform_kernel *k, const double *in, double *out, size_t nmaps)
{
    if (k->mode == GRIDFORM_KERNEL_UNIFORM)
        gridform__kernel_uniform_apply(k, in, out, nmaps);
    else
        gridform__kernel_exact_apply(k, in, out, nmaps);
}

int gridform__kernel_is_multiplier(const gridform_kernel *k)
{
    return k->mode != GRIDFORM_KERNEL_EXACT && k->mode != GRIDFORM_KERNEL_UNIFORM;
}

/* Top eigenvalue of the EXACT operator by power iteration from a fixed
 * pseudo-random map (so the bound is reproducible run to run).  The
 * operator is positive semidefinite, so the Rayleigh quotient approaches
 * lambda_max from below; 3% on top makes it an upper bound in practice, so
 * an explicit step factor 1 + dt (Sigma - smax) stays in [-1, 1] for
 * dt <= 2 / smax.  Called with the lock held. */
static int exact_top(gridform_kernel *k, double *top)
{
    size_t n = k->arena->npoints;
    double *v = gridform__malloc_array(2 * n, sizeof(double));
    if (v == NULL)
        return GRIDFORM_ENOMEM;
    double *w = v + n;
    gridform__rng r;
    gridform__rng_seed(&r, 0x9e3779b97f4a7c15u);
    for (size_t i = 0; i < n; i++)
        v[i] = gridform__rng_uniform(&r) - 0.5;
    double est = 0.0;
    int rc = GRIDFORM_OK;
    for (int it = 0; it < 200; it++) {
        double vv = cblas_ddot((int)n, v, 1, v, 1);
        if (!(vv > 0.0) || !isfinite(vv)) {
            rc = GRIDFORM_EUNDEFINED;
            break;
        }
        cblas_dscal((int)n, 1.0 / sqrt(vv), v, 1);
        gridform__kernel_real_apply(k, v, w, 1);
        double prev = est;
        est = cblas_ddot((int)n, v, 1, w, 1);
        double *t = v;
        v = w;
        w = t;
        if (it > 20 && fabs(est - prev) <= 1e-12 * fabs(est))
            break;
    }
    gridform__free(v < w ? v : w);
    if (rc == GRIDFORM_OK && (!(est > 0.0) || !isfinite(est)))
        rc = GRIDFORM_EUNDEFINED;
    *top = 1.03 * est;
    return rc;
}

int gridform__kernel_bounds(const gridform_kernel *k, double *smin, double *smax, const char *func)
{
    gridform__errbuf *eb = (gridform__errbuf *)&k->err;
    /* A learner reads the operator here: the CENTERED flag is frozen. */
    atomic_store(&((gridform_kernel *)k)->used, 1);
    if (gridform__kernel_is_multiplier(k)) {
        size_t nf = k->arena->nfreq;
        double lo = k->spec[0], hi = k->spec[0];
        for (size_t b = 1; b < nf; b++) {
            if (k->spec[b] < lo) lo = k->spec[b];
            if (k->spec[b] > hi) hi = k->spec[b];
        }
        *smin = lo;
        *smax = hi;
        return GRIDFORM_OK;
    }
    gridform_kernel *km = (gridform_kernel *)k;
    int rc = GRIDFORM_OK;
    pthread_mutex_lock(&km->lock);
    if (!(km->top > 0.0) || km->top_centered != km->centered) {
        double t = 0.0;
        rc = exact_top(km, &t);
        if (rc == GRIDFORM_OK) {
            km->top = t;
            km->top_centered = km->centered;
        }
    }
    double top = km->top;
    pthread_mutex_unlock(&km->lock);
    if (rc == GRIDFORM_ENOMEM)
        return gridform__fail(eb, rc, func, "cannot allocate the power iteration's maps");
    if (rc != GRIDFORM_OK)
        return gridform__fail(eb, rc, func, "the EXACT operator is zero: no top eigenvalue");
    *smin = 0.0;
    *smax = top;
    return GRIDFORM_OK;
}
