/* libgridform: the UNIFORM kernel, place cells of uniform density over the
 * arena's shape S (doc/theory.md §7.4):
 *
 *     Sigma_S(x, x') = (1/|S|) int_S p(x - c) p(x' - c) dc,
 *
 * the np -> infinity limit of P P^T / np with centres spread uniformly over
 * S (Sorscher, Mel, Ganguli, Ocko, NeurIPS 2019, section 2, with their
 * sum over cells taken as an integral over the shape).  On the map side it
 * acts on maps living on S:
 *
 *     Sigma_S g = 1_S . (p * (1_S . (p (x) g))) / |S|,
 *
 * (x) the cross-correlation h(c) = int p(x' - c) g(x') dx' and * the
 * convolution, each a zero-padded FFT product on a grid of at least
 * (2ny - 1) x (2nx - 1) so no displacement wraps.  Discretised with
 * dc = dA over the inside bin centres it equals, term for term, the EXACT
 * kernel of one cell centred on every inside bin; on the full rectangle its
 * Fourier diagonal is therefore AVERAGED's spectrum for that code. */
#include "config.h"
#include <limits.h>
#include <math.h>
#include <string.h>
#include <pthread.h>
#include <fftw3.h>
#include "internal.h"
#include "placecode_internal.h"
#include "kernel_internal.h"

/* Cells per block of the Fourier diagonal. */
#define GF_UNIFORM_DIAG_BLOCK 64

void gridform__kernel_uniform_free(gridform_kernel *k)
{
    gridform__fftw_lock(1);
    if (k->ufwd) fftw_destroy_plan(k->ufwd);
    if (k->ubwd) fftw_destroy_plan(k->ubwd);
    gridform__fftw_unlock();
    k->ufwd = k->ubwd = NULL;
    gridform__aligned_free(k->ubuf);
    gridform__aligned_free(k->ucf);
    gridform__aligned_free(k->uptf);
    gridform__free(k->uptab);
}

static int in_s(const gridform_kernel *k, size_t i)
{
    return k->uin == NULL || k->uin[i];
}

/* Fourier diagonal of the discretised Sigma_S: the EXACT formula of
 * lib/kernel_exact.c with one virtual cell on each inside bin centre,
 * their response columns built block by block from the sampled tuning. */
static int uniform_diagonal(gridform_kernel *k, gridform__errbuf *eb, const char *func)
{
    const gridform_arena *a = k->arena;
    size_t n = a->npoints, nx = a->nx, B = GF_UNIFORM_DIAG_BLOCK;
    double *blk = gridform__aligned_doubles(n * B);
    size_t *cells = gridform__malloc_array(B, sizeof(size_t));
    if (blk == NULL || cells == NULL) {
        gridform__aligned_free(blk);
        gridform__free(cells);
        return gridform__fail(eb, GRIDFORM_ENOMEM, func, "cannot allocate the UNIFORM diagonal's block");
    }
    memset(k->spec, 0, a->nfreq * sizeof(double));
    int rc = GRIDFORM_OK;
    size_t c = 0;
    while (rc == GRIDFORM_OK && c < n) {
        size_t cnt = 0;
        for (; c < n && cnt < B; c++)
            if (in_s(k, c))
                cells[cnt++] = c;
        if (cnt == 0)
            break;
        for (size_t x = 0; x < n; x++) {
            double *row = blk + x * cnt;
            long xx = (long)(x % nx), xy = (long)(x / nx);
            for (size_t j = 0; j < cnt; j++) {
                long dx = xx - (long)(cells[j] % nx), dy = xy - (long)(cells[j] / nx);
                size_t ix = (size_t)(dx < 0 ? dx + (long)k->umx : dx), iy = (size_t)(dy < 0 ? dy + (long)k->umy : dy);
                row[j] = in_s(k, x) ? k->uptab[iy * k->umx + ix] : 0.0;
            }
        }
        rc = gridform__kernel_fourier_sum(k, blk, cnt, eb, func);
    }
    gridform__aligned_free(blk);
    gridform__free(cells);
    if (rc == GRIDFORM_OK) {
        double scale = k->dA * k->dA / ((double)k->unin * k->area);
        for (size_t b = 0; b < a->nfreq; b++)
            k->spec[b] *= scale;
        for (size_t b = 0; rc == GRIDFORM_OK && b < a->nfreq; b++)
            if (!isfinite(k->spec[b]))
                rc = gridform__fail(eb, GRIDFORM_ERANGE, func, "the spectrum is %g at lattice bin %zu: outside the "
                                    "representable range", k->spec[b], b);
    }
    return rc;
}

int gridform__kernel_spec_ready(const gridform_kernel *k, const char *func)
{
    if (k->mode != GRIDFORM_KERNEL_UNIFORM)
        return GRIDFORM_OK;
    gridform_kernel *km = (gridform_kernel *)k;
    int rc = GRIDFORM_OK;
    pthread_mutex_lock(&km->lock);
    if (km->spec_pending) {
        rc = uniform_diagonal(km, &km->err, func);
        if (rc == GRIDFORM_OK) {
            /* the constant mode follows the CENTERED flag, as for every kernel */
            km->spec0 = km->spec[0];
            km->spec[0] = km->centered ? 0.0 : km->spec0;
            km->spec_pending = 0;
        }
    }
    pthread_mutex_unlock(&km->lock);
    return rc;
}

int gridform__kernel_uniform_init(gridform_kernel *k, const gridform_placecode *pc, gridform__errbuf *eb)
{
    const gridform_arena *a = k->arena;
    size_t nx = a->nx, ny = a->ny;
    k->umx = gridform__fft_fast_size(2 * nx - 1);
    k->umy = gridform__fft_fast_size(2 * ny - 1);
    size_t umn, umf;
    if (!gridform__mul_size(k->umx, k->umy, &umn) || umn > INT_MAX
        || !gridform__mul_size(k->umy, k->umx / 2 + 1, &umf) || umf > SIZE_MAX / sizeof(fftw_complex))
        return gridform__fail(eb, GRIDFORM_ERANGE, k->creator, "the padded %zu x %zu grid is too large",
                              k->umy, k->umx);
    k->umn = umn;
    k->umf = umf;
    k->uin = gridform__arena_inside(a);
    k->unin = gridform__arena_ninside(a);
    k->ubuf = gridform__aligned_doubles(umn);
    k->uptab = gridform__malloc_array(umn, sizeof(double));
    k->ucf = gridform__aligned_alloc(umf * sizeof(fftw_complex));
    k->uptf = gridform__aligned_alloc(umf * sizeof(fftw_complex));
    if (k->ubuf == NULL || k->uptab == NULL || k->ucf == NULL || k->uptf == NULL)
        return gridform__fail(eb, GRIDFORM_ENOMEM, k->creator, "cannot allocate the UNIFORM work space");
    gridform__fftw_lock(1);
    k->ufwd = fftw_plan_dft_r2c_2d((int)k->umy, (int)k->umx, k->ubuf, k->ucf, FFTW_ESTIMATE);
    k->ubwd = fftw_plan_dft_c2r_2d((int)k->umy, (int)k->umx, k->ucf, k->ubuf, FFTW_ESTIMATE);
    gridform__fftw_unlock();
    if (k->ufwd == NULL || k->ubwd == NULL)
        return gridform__fail(eb, GRIDFORM_ENOMEM, k->creator, "FFTW could not plan a %zu x %zu transform",
                              k->umy, k->umx);
    /* p(d) at every displacement of two bins, |dx| < nx, |dy| < ny, stored
     * at (d mod M): the responses the place code itself gives, so the
     * discretised operator is the EXACT one of the virtual cells. */
    double hx = a->lx / (double)nx, hy = a->ly / (double)ny;
    double v1 = pc->sigma * pc->sigma, v2 = pc->surround * v1;
    memset(k->uptab, 0, umn * sizeof(double));
    for (long dy = -(long)ny + 1; dy < (long)ny; dy++)
        for (long dx = -(long)nx + 1; dx < (long)nx; dx++) {
            double ddx = (double)dx * hx, ddy = (double)dy * hy, r2 = ddx * ddx + ddy * ddy, f;
            if (pc->tuning == GRIDFORM_TUNING_USER) {
                f = pc->fn(ddx, ddy, pc->user);
                if (!isfinite(f))
                    return gridform__fail(eb, GRIDFORM_EINVAL, k->creator,
                                          "the tuning function returned %g at displacement (%g, %g)", f, ddx, ddy);
            } else {
                f = exp(-0.5 * r2 / v1) / (2.0 * GF_PI * v1);
                if (pc->tuning == GRIDFORM_TUNING_DOG)
                    f -= exp(-0.5 * r2 / v2) / (2.0 * GF_PI * v2);
            }
            size_t ix = (size_t)(dx < 0 ? dx + (long)k->umx : dx), iy = (size_t)(dy < 0 ? dy + (long)k->umy : dy);
            k->uptab[iy * k->umx + ix] = f;
        }
    memcpy(k->ubuf, k->uptab, umn * sizeof(double));
    fftw_execute_dft_r2c(k->ufwd, k->ubuf, k->uptf);
    /* The Fourier diagonal costs one FFT per inside bin: computed when the
     * spectrum is first read (gridform__kernel_spec_ready), not here. */
    k->spec_pending = 1;
    return GRIDFORM_OK;
}

/* out = Sigma_S in for nmaps maps; the caller holds k->lock. */
void gridform__kernel_uniform_apply(gridform_kernel *k, const double *in, double *out, size_t nmaps)
{
    const gridform_arena *a = k->arena;
    size_t n = a->npoints, nx = a->nx, ny = a->ny, mx = k->umx, nf = k->umf;
    double *u = k->ubuf;
    fftw_complex *w = k->ucf;
    fftw_complex *pt = k->uptf;
    double scale = k->dA / ((double)k->unin * (double)k->umn * (double)k->umn);
    for (size_t m = 0; m < nmaps; m++) {
        const double *g = in + m * n;
        double *o = out + m * n;
        double mean = 0.0;
        if (k->centered) {
            for (size_t i = 0; i < n; i++)
                if (in_s(k, i))
                    mean += g[i];
            mean /= (double)k->unin;
        }
        memset(u, 0, k->umn * sizeof(double));
        for (size_t iy = 0; iy < ny; iy++)
            for (size_t ix = 0; ix < nx; ix++) {
                size_t i = iy * nx + ix;
                u[iy * mx + ix] = in_s(k, i) ? g[i] - mean : 0.0;
            }
        /* h(c) = sum_x' p(x' - c) g(x'): conj(P~) G~. */
        fftw_execute_dft_r2c(k->ufwd, u, w);
        for (size_t b = 0; b < nf; b++) {
            double re = w[b][0] * pt[b][0] + w[b][1] * pt[b][1];
            double im = w[b][1] * pt[b][0] - w[b][0] * pt[b][1];
            w[b][0] = re;
            w[b][1] = im;
        }
        fftw_execute_dft_c2r(k->ubwd, w, u);
        /* Centres only on S. */
        for (size_t iy = 0; iy < k->umy; iy++)
            for (size_t ix = 0; ix < mx; ix++)
                if (iy >= ny || ix >= nx || !in_s(k, iy * nx + ix))
                    u[iy * mx + ix] = 0.0;
        /* sum_c p(x - c) h(c): P~ H~. */
        fftw_execute_dft_r2c(k->ufwd, u, w);
        for (size_t b = 0; b < nf; b++) {
            double re = w[b][0] * pt[b][0] - w[b][1] * pt[b][1];
            double im = w[b][1] * pt[b][0] + w[b][0] * pt[b][1];
            w[b][0] = re;
            w[b][1] = im;
        }
        fftw_execute_dft_c2r(k->ubwd, w, u);
        double omean = 0.0;
        for (size_t iy = 0; iy < ny; iy++)
            for (size_t ix = 0; ix < nx; ix++) {
                size_t i = iy * nx + ix;
                o[i] = in_s(k, i) ? u[iy * mx + ix] * scale : 0.0;
                omean += o[i];
            }
        if (k->centered) {
            omean /= (double)k->unin;
            for (size_t i = 0; i < n; i++)
                if (in_s(k, i))
                    o[i] -= omean;
        }
    }
}
