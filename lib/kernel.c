/* libgridform: the spatial correlation kernel Sigma (doc/theory.md §1).
 *
 * Sigma(x, x') = (1/np) sum_i p_i(x) p_i(x') (Sorscher, Mel, Ganguli, Ocko,
 * NeurIPS 2019, section 2), acting as an integral with area element dA.
 *
 * FOURIER: the uniform-density limit, translation-invariant on the torus.
 * With density rho = np/A, Sigma(x, x') = (1/A) (p * p)(x - x'), so its
 * Fourier multiplier is Sigma~(k) = |p~(k)|^2 / A (A = lx*ly).  Applied as
 * irfft(Sigma~ rfft(g)) / n with FFTW's unnormalised transforms.
 * EXACT: the low-rank P P^T / np of the actual cells, never formed densely
 * (lib/kernel_exact.c).
 * AVERAGED: the translation average of EXACT, i.e. its Fourier diagonal
 * <f_k, Sigma f_k> applied as a periodic multiplier on any arena (the
 * roll-averaged covariance of the published simulations, doc/theory.md
 * §1.3).
 * RADIAL, SPECTRUM: Fourier multipliers from a user's radial Sigma~(|k|)
 * or lattice Sigma~ (doc/theory.md §1.4).
 * CENTERED (flag): the constant mode removed, (I - 11^T/N) Sigma
 * (I - 11^T/N): Sigma~(0) = 0 for multipliers, a rank-1 correction for
 * EXACT. */
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

static void kernel_free(gridform_kernel *k)
{
    if (k == NULL)
        return;
    gridform__fftw_lock(1);
    for (int u = 0; u < 2; u++)
        for (int i = 0; i < 2; i++) {
            if (k->fwd[u][i]) fftw_destroy_plan(k->fwd[u][i]);
            if (k->bwd[u][i]) fftw_destroy_plan(k->bwd[u][i]);
        }
    gridform__fftw_unlock();
    gridform__kernel_uniform_free(k);
    gridform__aligned_free(k->work);
    gridform__aligned_free(k->P);
    gridform__free(k->W);
    gridform__free(k->csum);
    gridform__free(k->pmean);
    gridform__free(k->rows);
    gridform__free(k->gin);
    gridform__free(k->gout);
    gridform__free(k->spec);
    gridform__free(k->mult);
    gridform__free(k->grid);
    if (k->lock_ok)
        pthread_mutex_destroy(&k->lock);
    gridform__free(k);
}

void gridform_kernel_destroy(gridform_kernel *k)
{
    kernel_free(k);
}

const char *gridform_kernel_last_error(const gridform_kernel *k)
{
    return gridform__errtext(k != NULL ? &k->err : NULL);
}

static gridform_kernel *kernel_alloc(const gridform_arena *a, int mode, const char *creator)
{
    gridform_kernel *k = gridform__calloc(1, sizeof *k);
    if (k == NULL)
        return NULL;
    k->creator = creator;
    k->arena = a;
    k->mode = mode;
    atomic_init(&k->used, 0);
    k->area = a->lx * a->ly;
    k->dA = (a->lx / (double)a->nx) * (a->ly / (double)a->ny);
    if (pthread_mutex_init(&k->lock, NULL) != 0) {
        gridform__free(k);
        return NULL;
    }
    k->lock_ok = 1;
    k->spec = gridform__malloc_array(a->nfreq, sizeof(double));
    if (k->spec == NULL) {
        kernel_free(k);
        return NULL;
    }
    return k;
}

/* Batched r2c / c2r plans over maps stored map-major (idist n, odist nfreq),
 * made once here and executed on the caller's arrays with the new-array
 * execute functions.  Those require the alignment the plan was made for, so
 * there are two sets: SIMD plans for arrays aligned like fftw_malloc's (the
 * common case, about 1.4x faster at 128 x 128) and FFTW_UNALIGNED plans for
 * any others. */
static int make_plans(gridform_kernel *k, gridform__errbuf *eb)
{
    const gridform_arena *a = k->arena;
    size_t n = a->npoints, nf = a->nfreq, cnt;
    if (!gridform__mul_size(nf, GF_KERNEL_BATCH, &cnt) || cnt > SIZE_MAX / sizeof(fftw_complex)
        || n > SIZE_MAX / GF_KERNEL_BATCH / sizeof(double) || n > INT_MAX / GF_KERNEL_BATCH)
        return gridform__fail(eb, GRIDFORM_ERANGE, k->creator,
                              "arena of %zu points is too large for FFT plans", n);
    k->work = gridform__aligned_alloc(cnt * sizeof(fftw_complex));
    double *tmp = gridform__aligned_doubles(n * GF_KERNEL_BATCH);
    if (k->work == NULL || tmp == NULL) {
        gridform__aligned_free(tmp);
        return gridform__fail(eb, GRIDFORM_ENOMEM, k->creator,
                              "cannot allocate FFT work space for %zu points", n);
    }
    int dims[2] = {(int)a->ny, (int)a->nx};
    gridform__fftw_lock(1);
    for (int u = 0; u < 2; u++) {
        unsigned flags = FFTW_ESTIMATE | (u == 1 ? FFTW_UNALIGNED : 0u);
        for (int i = 0; i < 2; i++) {
            int howmany = i == 0 ? GF_KERNEL_BATCH : 1;
            k->fwd[u][i] = fftw_plan_many_dft_r2c(2, dims, howmany, tmp, NULL, 1, (int)n,
                                                  k->work, NULL, 1, (int)nf, flags);
            k->bwd[u][i] = fftw_plan_many_dft_c2r(2, dims, howmany, k->work, NULL, 1, (int)nf,
                                                  tmp, NULL, 1, (int)n, flags);
        }
    }
    gridform__fftw_unlock();
    gridform__aligned_free(tmp);
    for (int u = 0; u < 2; u++)
        for (int i = 0; i < 2; i++)
            if (k->fwd[u][i] == NULL || k->bwd[u][i] == NULL)
                return gridform__fail(eb, GRIDFORM_ENOMEM, k->creator,
                                      "FFTW could not plan a %zu x %zu transform", a->ny, a->nx);
    return GRIDFORM_OK;
}

/* The constant mode: spec[0] (and the multiplier's DC term) follow the
 * CENTERED flag; every other bin is orthogonal to the constant map and
 * keeps its value, <f_k, (I - J) Sigma (I - J) f_k> = <f_k, Sigma f_k>. */
static void apply_centering(gridform_kernel *k)
{
    k->spec[0] = k->centered ? 0.0 : k->spec0;
    if (k->mult != NULL)
        k->mult[0] = k->spec[0] / (double)k->arena->npoints;
}

static int make_multiplier(gridform_kernel *k, gridform__errbuf *eb)
{
    size_t nf = k->arena->nfreq;
    k->mult = gridform__malloc_array(nf, sizeof(double));
    if (k->mult == NULL)
        return gridform__fail(eb, GRIDFORM_ENOMEM, k->creator, "cannot allocate the Fourier multiplier");
    /* FFTW's c2r(r2c(g)) is n g: fold the 1/n into the multiplier. */
    double inv = 1.0 / (double)k->arena->npoints;
    for (size_t b = 0; b < nf; b++)
        k->mult[b] = k->spec[b] * inv;
    return make_plans(k, eb);
}

/* Displacement of grid index i (FFT order) on n points of spacing h. */
static double fft_disp(size_t i, size_t n, double h)
{
    return (i < (n + 1) / 2 ? (double)i : (double)i - (double)n) * h;
}

/* The user's tuning curve on the displacement grid (FFT order), for the
 * uniform-density limit of a GRIDFORM_TUNING_USER code. */
static int sample_curve(gridform_kernel *k, const gridform_placecode *pc, gridform__errbuf *eb)
{
    const gridform_arena *a = k->arena;
    double hx = a->lx / (double)a->nx, hy = a->ly / (double)a->ny;
    k->grid = gridform__malloc_array(a->npoints, sizeof(double));
    if (k->grid == NULL)
        return gridform__fail(eb, GRIDFORM_ENOMEM, k->creator, "cannot allocate the sampled tuning curve");
    for (size_t iy = 0; iy < a->ny; iy++)
        for (size_t ix = 0; ix < a->nx; ix++) {
            double dx = fft_disp(ix, a->nx, hx), dy = fft_disp(iy, a->ny, hy);
            double f = pc->fn(dx, dy, pc->user);
            if (!isfinite(f))
                return gridform__fail(eb, GRIDFORM_EINVAL, k->creator,
                               "the tuning function returned %g at displacement (%g, %g)", f, dx, dy);
            k->grid[iy * a->nx + ix] = f;
        }
    k->cont = GF_CONT_CURVE;
    return GRIDFORM_OK;
}

/* Sigma~ on the lattice from the sampled curve: |dA rfft(p)|^2 / A. */
static int spectrum_from_curve(gridform_kernel *k, gridform__errbuf *eb)
{
    const gridform_arena *a = k->arena;
    size_t nf = a->nfreq;
    fftw_complex *c = gridform__aligned_alloc(nf * sizeof(fftw_complex));
    if (c == NULL)
        return gridform__fail(eb, GRIDFORM_ENOMEM, k->creator, "cannot allocate FFT work space");
    gridform__fftw_lock(1);
    fftw_plan plan = fftw_plan_dft_r2c_2d((int)a->ny, (int)a->nx, k->grid, c, FFTW_ESTIMATE);
    gridform__fftw_unlock();
    if (plan == NULL) {
        gridform__aligned_free(c);
        return gridform__fail(eb, GRIDFORM_ENOMEM, k->creator,
                              "FFTW could not plan a %zu x %zu transform", a->ny, a->nx);
    }
    fftw_execute(plan);
    double scale = k->dA * k->dA / k->area;
    for (size_t b = 0; b < nf; b++)
        k->spec[b] = (c[b][0] * c[b][0] + c[b][1] * c[b][1]) * scale;
    gridform__fftw_lock(1);
    fftw_destroy_plan(plan);
    gridform__fftw_unlock();
    gridform__aligned_free(c);
    return GRIDFORM_OK;
}

/* The translation-averaged real-space kernel without its k = 0 term,
 * K0(r) = (1/A) sum_{k != 0} Sigma~(k) e^{ik.r} on the displacement grid:
 * the continuum profile of a softmax code is its Fourier transform.  The
 * k = 0 term is the softmax normalisation's constant (doc/theory.md §1.2),
 * whose windowed transform would otherwise ripple over every k. */
static int kernel_from_spectrum(gridform_kernel *k, gridform__errbuf *eb)
{
    const gridform_arena *a = k->arena;
    size_t nf = a->nfreq;
    k->grid = gridform__malloc_array(a->npoints, sizeof(double));
    fftw_complex *c = gridform__aligned_alloc(nf * sizeof(fftw_complex));
    if (k->grid == NULL || c == NULL) {
        gridform__aligned_free(c);
        return gridform__fail(eb, GRIDFORM_ENOMEM, k->creator, "cannot allocate the real-space kernel");
    }
    gridform__fftw_lock(1);
    fftw_plan plan = fftw_plan_dft_c2r_2d((int)a->ny, (int)a->nx, c, k->grid, FFTW_ESTIMATE);
    gridform__fftw_unlock();
    if (plan == NULL) {
        gridform__aligned_free(c);
        return gridform__fail(eb, GRIDFORM_ENOMEM, k->creator,
                              "FFTW could not plan a %zu x %zu transform", a->ny, a->nx);
    }
    for (size_t b = 0; b < nf; b++) {
        c[b][0] = b == 0 ? 0.0 : k->spec[b] / k->area;
        c[b][1] = 0.0;
    }
    fftw_execute(plan);
    gridform__fftw_lock(1);
    fftw_destroy_plan(plan);
    gridform__fftw_unlock();
    gridform__aligned_free(c);
    k->cont = GF_CONT_KREAL;
    return GRIDFORM_OK;
}

/* Analytic Sigma~(k) = |p~(k)|^2 / A: p~ = exp(-sigma^2 k^2 / 2) for the
 * unit-integral Gaussian, minus exp(-s sigma^2 k^2 / 2) for the DoG
 * (doc/theory.md §1.2). */
static double analytic(const gridform_kernel *k, double kk)
{
    double v = k->sigma * k->sigma * kk * kk;
    double pt = exp(-0.5 * v);
    if (k->cont == GF_CONT_DOG)
        pt -= exp(-0.5 * k->surround * v);
    return pt * pt / k->area;
}

/* Split a mode argument into its representation and flags; EINVAL naming
 * whatever is unknown, in the name of gridform_kernel_create, its caller. */
#define GF_MODE_FAIL(...) gridform__fail(NULL, GRIDFORM_EINVAL, "gridform_kernel_create", __VA_ARGS__)
static int parse_mode(int mode, int *base, int *centered)
{
    if (mode < 0)
        return GF_MODE_FAIL("mode must be GRIDFORM_KERNEL_FOURIER (1), _EXACT (2), _AVERAGED (4) or "
                       "_UNIFORM (6), optionally | GRIDFORM_KERNEL_CENTERED (0x100), got %d", mode);
    int flags = mode & ~(int)GRIDFORM_KERNEL_MODE_MASK;
    if (flags & ~(int)GRIDFORM_KERNEL_CENTERED)
        return GF_MODE_FAIL("unknown flag bits 0x%x in mode 0x%x (the only flag is "
                       "GRIDFORM_KERNEL_CENTERED, 0x100)", (unsigned)(flags & ~(int)GRIDFORM_KERNEL_CENTERED),
                       (unsigned)mode);
    *base = mode & GRIDFORM_KERNEL_MODE_MASK;
    *centered = (flags & GRIDFORM_KERNEL_CENTERED) != 0;
    switch (*base) {
    case GRIDFORM_KERNEL_FOURIER:
    case GRIDFORM_KERNEL_EXACT:
    case GRIDFORM_KERNEL_AVERAGED:
    case GRIDFORM_KERNEL_UNIFORM:
        return GRIDFORM_OK;
    case GRIDFORM_KERNEL_RADIAL:
        return GF_MODE_FAIL("RADIAL kernels are made by gridform_kernel_create_radial()");
    case GRIDFORM_KERNEL_SPECTRUM:
        return GF_MODE_FAIL("SPECTRUM kernels are made by gridform_kernel_create_spectrum()");
    default:
        return GF_MODE_FAIL("unknown mode %d in mode 0x%x: use GRIDFORM_KERNEL_FOURIER (1), "
                       "_EXACT (2), _AVERAGED (4) or _UNIFORM (6)", *base, (unsigned)mode);
    }
}
#undef GF_MODE_FAIL

int gridform_kernel_create(gridform_kernel **out, const gridform_placecode *pc, int mode)
{
    if (out == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "out must not be NULL");
    *out = NULL;
    if (pc == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "pc must not be NULL");
    int base = 0, centered = 0, rc = parse_mode(mode, &base, &centered);
    if (rc != GRIDFORM_OK)
        return rc;
    const gridform_arena *a = pc->arena;
    if (base == GRIDFORM_KERNEL_FOURIER && a->boundary != GRIDFORM_PERIODIC)
        return GF_FAIL(NULL, GRIDFORM_EUNSUPPORTED,
                       "a FOURIER kernel needs a periodic arena (walls break translation "
                       "invariance); use GRIDFORM_KERNEL_EXACT, or GRIDFORM_KERNEL_AVERAGED for its "
                       "periodic translation average, on a walled arena");
    if (base == GRIDFORM_KERNEL_AVERAGED && a->inside != NULL)
        return GF_FAIL(NULL, GRIDFORM_EUNSUPPORTED,
                       "an AVERAGED kernel is a periodic translation average, which a shaped arena does not "
                       "have (doc/theory.md §7.4): use GRIDFORM_KERNEL_EXACT, or GRIDFORM_KERNEL_UNIFORM for "
                       "cells of uniform density over the shape");
    if (base == GRIDFORM_KERNEL_UNIFORM) {
        if (a->boundary != GRIDFORM_WALLED)
            return GF_FAIL(NULL, GRIDFORM_EUNSUPPORTED,
                           "a UNIFORM kernel is for walled arenas; on a torus uniform cells give the FOURIER "
                           "kernel");
        if (pc->tuning == GRIDFORM_TUNING_SOFTMAX_DOG)
            return GF_FAIL(NULL, GRIDFORM_EUNSUPPORTED,
                           "a UNIFORM kernel needs a tuning of the displacement alone; a softmax code's "
                           "depends on every centre: use GRIDFORM_KERNEL_EXACT");
        if (pc->distance != GRIDFORM_DISTANCE_EUCLIDEAN && a->inside != NULL)
            return GF_FAIL(NULL, GRIDFORM_EUNSUPPORTED,
                           "a UNIFORM kernel convolves with the tuning, which needs Euclidean distance; with "
                           "geodesic tuning use GRIDFORM_KERNEL_EXACT");
    }
    if (a->npoints > INT_MAX || pc->ncells > INT_MAX)
        return GF_FAIL(NULL, GRIDFORM_ERANGE, "%zu points x %zu cells exceed the BLAS/FFTW int range",
                       a->npoints, pc->ncells);
    gridform_kernel *k = kernel_alloc(a, base, __func__);
    if (k == NULL)
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate the kernel");
    gridform__errbuf *eb = &k->err;
    double *P = NULL;
    k->centered = centered;
    k->sigma = pc->sigma;
    k->surround = pc->surround;
    k->tuning = pc->tuning;
    size_t nf = a->nfreq, nh = a->nx / 2 + 1;

    /* The continuum profile (and the FOURIER spectrum) from the tuning. */
    switch (pc->tuning) {
    case GRIDFORM_TUNING_GAUSSIAN:
    case GRIDFORM_TUNING_DOG:
        k->cont = pc->tuning == GRIDFORM_TUNING_DOG ? GF_CONT_DOG : GF_CONT_GAUSS;
        for (size_t b = 0; b < nf; b++) {
            double kx, ky;
            gridform__arena_wavevector(a, b / nh, b % nh, &kx, &ky);
            k->spec[b] = analytic(k, hypot(kx, ky));
        }
        break;
    case GRIDFORM_TUNING_USER:
        rc = sample_curve(k, pc, eb);
        if (rc == GRIDFORM_OK)
            rc = spectrum_from_curve(k, eb);
        break;
    default: /* SOFTMAX_DOG: its tuning depends on all centres, so the only
              * translation-invariant summary is the Fourier diagonal. */
        rc = gridform__kernel_response_matrix(pc, &P, eb, k->creator);
        if (rc == GRIDFORM_OK)
            rc = gridform__kernel_fourier_diagonal(k, P, pc->ncells, eb);
        if (rc == GRIDFORM_OK)
            rc = kernel_from_spectrum(k, eb);
        break;
    }
    /* EXACT and AVERAGED: the spectrum is the Fourier diagonal of the
     * actual cells' P P^T / np, whatever the tuning; UNIFORM: of its own
     * operator. */
    if (rc == GRIDFORM_OK && base == GRIDFORM_KERNEL_UNIFORM) {
        rc = gridform__kernel_uniform_init(k, pc, eb);
    } else if (rc == GRIDFORM_OK && base != GRIDFORM_KERNEL_FOURIER) {
        if (P == NULL)
            rc = gridform__kernel_response_matrix(pc, &P, eb, k->creator);
        if (rc == GRIDFORM_OK && pc->tuning != GRIDFORM_TUNING_SOFTMAX_DOG)
            rc = gridform__kernel_fourier_diagonal(k, P, pc->ncells, eb);
        if (rc == GRIDFORM_OK && base == GRIDFORM_KERNEL_EXACT) {
            rc = gridform__kernel_exact_adopt(k, P, pc->ncells, eb);
            P = NULL;
        }
    }
    gridform__aligned_free(P);
    /* A tuning far narrower than its box can make the spectrum overflow
     * (found by tests/fuzz/fuzz_config: a softmax code of width 0.018 m in
     * a box of 5e252 m gave Sigma~(0) = Inf with GRIDFORM_OK). */
    for (size_t b = 0; rc == GRIDFORM_OK && b < nf; b++)
        if (!isfinite(k->spec[b]))
            rc = gridform__fail(eb, GRIDFORM_ERANGE, k->creator,
                                "the spectrum is %g at lattice bin %zu: a tuning of width %g m in a box of "
                                "%g x %g m is outside the representable range", k->spec[b], b, pc->sigma,
                                a->lx, a->ly);
    if (rc == GRIDFORM_OK) {
        k->spec0 = k->spec[0];
        if (gridform__kernel_is_multiplier(k))
            rc = make_multiplier(k, eb);
        apply_centering(k);
    }
    if (rc != GRIDFORM_OK) {
        /* The thread slot already holds the detail of this failure. */
        kernel_free(k);
        return rc;
    }
    *out = k;
    return GRIDFORM_OK;
}

/* The two constructors from a user's spectrum (a function or an array)
 * reject the same missing arguments, in the same order and words, before
 * their own checks; errors name fn. */
static int check_user_spectrum(gridform_kernel **out, const gridform_arena *a, int have_spectrum, const char *fn)
{
    if (out == NULL)
        return gridform__fail(NULL, GRIDFORM_EINVAL, fn, "out must not be NULL");
    *out = NULL;
    if (a == NULL)
        return gridform__fail(NULL, GRIDFORM_EINVAL, fn, "a must not be NULL");
    if (!have_spectrum)
        return gridform__fail(NULL, GRIDFORM_EINVAL, fn, "spectrum must not be NULL");
    return GRIDFORM_OK;
}

int gridform_kernel_create_radial(gridform_kernel **out, const gridform_arena *a,
                                  gridform_spectrum_fn spectrum, void *user)
{
    int rc = check_user_spectrum(out, a, spectrum != NULL, __func__);
    if (rc != GRIDFORM_OK)
        return rc;
    if (a->boundary != GRIDFORM_PERIODIC)
        return GF_FAIL(NULL, GRIDFORM_EUNSUPPORTED,
                       "a RADIAL kernel is a Fourier multiplier and needs a periodic arena "
                       "(gridform_kernel_create_spectrum takes a walled arena's translation-averaged spectrum)");
    if (a->npoints > INT_MAX)
        return GF_FAIL(NULL, GRIDFORM_ERANGE, "%zu points exceed the FFTW int range", a->npoints);
    gridform_kernel *k = kernel_alloc(a, GRIDFORM_KERNEL_RADIAL, __func__);
    if (k == NULL)
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate the kernel");
    k->cont = GF_CONT_USER;
    k->fn = spectrum;
    k->user = user;
    size_t nf = a->nfreq, nh = a->nx / 2 + 1;
    for (size_t b = 0; b < nf && rc == GRIDFORM_OK; b++) {
        double kx, ky;
        gridform__arena_wavevector(a, b / nh, b % nh, &kx, &ky);
        double kk = hypot(kx, ky), v = spectrum(kk, user);
        if (!isfinite(v))
            rc = GF_FAIL(&k->err, GRIDFORM_EINVAL, "spectrum(%g) returned %g", kk, v);
        k->spec[b] = v;
    }
    if (rc == GRIDFORM_OK) {
        k->spec0 = k->spec[0];
        rc = make_multiplier(k, &k->err);
    }
    if (rc != GRIDFORM_OK) {
        kernel_free(k);
        return rc;
    }
    *out = k;
    return GRIDFORM_OK;
}

/* Relative tolerance for the mirror pairs of a user lattice spectrum: an
 * rfft of a measured, symmetric covariance matches its mirrors to a few
 * ulps; 1e-9 of the largest |value| admits that and rejects a spectrum of
 * some other layout. */
#define GF_SPECTRUM_MIRROR_TOL 1e-9

/* Columns jx = 0 and (nx even) jx = nx/2 of the half spectrum hold both k
 * and -k, at rows iy and (ny - iy) mod ny.  A real symmetric operator has
 * Sigma~(k) = Sigma~(-k) there; the other columns stand for both.  The
 * pairs are numbered column by column, row by row: pair p < mirror_count
 * is (b1, b2). */
static size_t mirror_count(const gridform_arena *a)
{
    size_t ncol = a->nx % 2 == 0 && a->nx / 2 != 0 ? 2 : 1;
    return ncol * (a->ny - 1);
}

static void mirror_pair(const gridform_arena *a, size_t p, size_t *b1, size_t *b2)
{
    const size_t nh = a->nx / 2 + 1, ny = a->ny;
    size_t jx = p / (ny - 1) == 0 ? 0 : a->nx / 2, iy = 1 + p % (ny - 1);
    *b1 = iy * nh + jx;
    *b2 = ((ny - iy) % ny) * nh + jx;
}

int gridform_kernel_create_spectrum(gridform_kernel **out, const gridform_arena *a, const double *spectrum)
{
    int rc = check_user_spectrum(out, a, spectrum != NULL, __func__);
    if (rc != GRIDFORM_OK)
        return rc;
    if (a->inside != NULL)
        return GF_FAIL(NULL, GRIDFORM_EUNSUPPORTED,
                       "a SPECTRUM kernel is a periodic Fourier multiplier, which ignores the arena's shape: "
                       "use GRIDFORM_KERNEL_EXACT or _UNIFORM on a shaped arena");
    if (a->npoints > INT_MAX)
        return GF_FAIL(NULL, GRIDFORM_ERANGE, "%zu points exceed the FFTW int range", a->npoints);
    size_t nf = a->nfreq, nh = a->nx / 2 + 1, npair = mirror_count(a);
    double vmax = 0.0;
    for (size_t b = 0; b < nf; b++) {
        if (!isfinite(spectrum[b]))
            return GF_FAIL(NULL, GRIDFORM_EINVAL, "spectrum[%zu] (row %zu, column %zu) is %g, not finite", b,
                           b / nh, b % nh, spectrum[b]);
        if (fabs(spectrum[b]) > vmax)
            vmax = fabs(spectrum[b]);
    }
    for (size_t p = 0; p < npair; p++) {
        size_t b1, b2;
        mirror_pair(a, p, &b1, &b2);
        if (fabs(spectrum[b1] - spectrum[b2]) > GF_SPECTRUM_MIRROR_TOL * vmax)
            return GF_FAIL(NULL, GRIDFORM_EINVAL,
                           "spectrum[%zu] = %g and its mirror -k, spectrum[%zu] = %g, differ: on columns "
                           "0 and nx/2 a real symmetric kernel needs Sigma~(k) = Sigma~(-k)",
                           b1, spectrum[b1], b2, spectrum[b2]);
    }
    gridform_kernel *k = kernel_alloc(a, GRIDFORM_KERNEL_SPECTRUM, __func__);
    if (k == NULL)
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate the kernel");
    /* Mirror pairs are averaged, so the operator is exactly symmetric. */
    for (size_t b = 0; b < nf; b++)
        k->spec[b] = spectrum[b];
    for (size_t p = 0; p < npair; p++) {
        size_t b1, b2;
        mirror_pair(a, p, &b1, &b2);
        /* halves first: the sum of two values near DBL_MAX is Inf (fuzzing) */
        k->spec[b1] = k->spec[b2] = 0.5 * spectrum[b1] + 0.5 * spectrum[b2];
    }
    k->spec0 = k->spec[0];
    /* The continuum profile and ring from the real-space kernel the
     * spectrum describes (its k = 0 term left out, like a softmax code's). */
    rc = kernel_from_spectrum(k, &k->err);
    if (rc == GRIDFORM_OK)
        rc = make_multiplier(k, &k->err);
    if (rc != GRIDFORM_OK) {
        kernel_free(k);
        return rc;
    }
    *out = k;
    return GRIDFORM_OK;
}

int gridform_kernel_set_centered(gridform_kernel *k, int on)
{
    if (k == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "k must not be NULL");
    if (on != 0 && on != 1)
        return GF_FAIL(&k->err, GRIDFORM_EINVAL, "on must be 0 or 1, got %d", on);
    if (atomic_load(&k->used))
        return GF_FAIL(&k->err, GRIDFORM_EINVAL,
                       "the kernel was already applied or its spectrum read (a learner or network may hold "
                       "it): set CENTERED right after creating the kernel");
    k->centered = on;
    apply_centering(k);
    return GRIDFORM_OK;
}

const gridform_arena *gridform_kernel_get_arena(const gridform_kernel *k)
{
    if (k == NULL) {
        GF_FAIL(NULL, GRIDFORM_EINVAL, "k must not be NULL");
        return NULL;
    }
    return k->arena;
}

int gridform_kernel_get_mode(const gridform_kernel *k, int *mode)
{
    if (k == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "k must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&k->err;
    GF_CHECK_PTR(eb, mode);
    *mode = k->mode | (k->centered ? GRIDFORM_KERNEL_CENTERED : 0);
    return GRIDFORM_OK;
}

int gridform_kernel_apply(const gridform_kernel *k, const double *in, double *out, size_t nmaps)
{
    if (k == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "k must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&k->err;
    GF_CHECK_PTR(eb, in);
    GF_CHECK_PTR(eb, out);
    if (nmaps == 0)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "nmaps must be >= 1");
    size_t n = k->arena->npoints, total;
    if (!gridform__mul_size(nmaps, n, &total) || total > SIZE_MAX / sizeof(double))
        return GF_FAIL(eb, GRIDFORM_ERANGE, "%zu maps of %zu points is too large", nmaps, n);
    uintptr_t i0 = (uintptr_t)in, o0 = (uintptr_t)out, len = total * sizeof(double);
    if (i0 < o0 + len && o0 < i0 + len)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "in and out must not overlap");
    for (size_t i = 0; i < total; i++)
        if (!isfinite(in[i]))
            return GF_FAIL(eb, GRIDFORM_EINVAL, "in[%zu] (map %zu) is not finite", i, i / n);

    /* The work space lives in the handle so apply never allocates; the lock
     * keeps two threads sharing one kernel from racing on it. */
    gridform_kernel *km = (gridform_kernel *)k;
    pthread_mutex_lock(&km->lock);
    atomic_store(&km->used, 1);
    if (!gridform__kernel_is_multiplier(k)) {
        gridform__kernel_real_apply(km, in, out, nmaps);
    } else {
        size_t nf = k->arena->nfreq;
        size_t m0 = 0;
        while (m0 < nmaps) {
            int pi = nmaps - m0 >= GF_KERNEL_BATCH ? 0 : 1;
            size_t cnt = pi == 0 ? GF_KERNEL_BATCH : 1;
            double *src = (double *)(in + m0 * n), *dst = out + m0 * n;
            int u = (fftw_alignment_of(src) == 0 && fftw_alignment_of(dst) == 0) ? 0 : 1;
            /* r2c out of place preserves its input (FFTW manual 4.3.2). */
            fftw_execute_dft_r2c(k->fwd[u][pi], src, km->work);
            for (size_t j = 0; j < cnt; j++) {
                fftw_complex *w = km->work + j * nf;
                for (size_t b = 0; b < nf; b++) {
                    w[b][0] *= k->mult[b];
                    w[b][1] *= k->mult[b];
                }
            }
            fftw_execute_dft_c2r(k->bwd[u][pi], km->work, dst);
            m0 += cnt;
        }
    }
    pthread_mutex_unlock(&km->lock);
    /* Finite inputs can still overflow (values near DBL_MAX, or responses
     * of a very narrow code squared in P P^T): say so, never leave inf. */
    for (size_t i = 0; i < total; i++)
        if (!isfinite(out[i]))
            return GF_FAIL(eb, GRIDFORM_ERANGE, "out[%zu] (map %zu) overflowed", i, i / n);
    return GRIDFORM_OK;
}

int gridform_kernel_spectrum(const gridform_kernel *k, double *spectrum)
{
    if (k == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "k must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&k->err;
    GF_CHECK_PTR(eb, spectrum);
    atomic_store(&((gridform_kernel *)k)->used, 1);
    int rc = gridform__kernel_spec_ready(k, __func__);
    if (rc != GRIDFORM_OK)
        return rc;
    memcpy(spectrum, k->spec, k->arena->nfreq * sizeof(double));
    return GRIDFORM_OK;
}
