/* libgridform: the kernel's continuum radial profile, ring k* and the
 * Fourier-lattice eigen shells (doc/theory.md §1.5 and §4). */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "kernel_internal.h"
#include "kernel_op.h"

/* Directions averaged over for a numerical radial profile, spread over
 * [0, pi): a real kernel's transform satisfies F(-k) = conj F(k). */
#define GF_PROFILE_ANGLES 16
/* Coarse scan of the ring search before golden-section refinement. */
#define GF_RING_SCAN 256

typedef struct {
    const gridform_kernel *k;
    double *cx, *sx, *dxs, *dys;
} cont_ctx;

static void cont_done(cont_ctx *c)
{
    gridform__free(c->cx);
    c->cx = NULL;
}

static int cont_init(cont_ctx *c, const gridform_kernel *k, gridform__errbuf *eb, const char *func)
{
    c->k = k;
    c->cx = NULL;
    if (k->cont != GF_CONT_CURVE && k->cont != GF_CONT_KREAL)
        return GRIDFORM_OK;
    const gridform_arena *a = k->arena;
    /* Four arrays: cos and sin of kx x and the x offsets (nx each), the y
     * offsets (ny): 3 nx + ny doubles.  (Up to 0.1.x this was 2 (nx + ny),
     * a heap overflow whenever nx > ny: issue 12, B1.) */
    size_t len;
    if (!gridform__mul_size(a->nx, 3, &len) || !gridform__add_size(len, a->ny, &len))
        return gridform__fail(eb, GRIDFORM_ERANGE, func, "arena too large");
    c->cx = gridform__malloc_array(len, sizeof(double));
    if (c->cx == NULL)
        return gridform__fail(eb, GRIDFORM_ENOMEM, func, "cannot allocate profile work space");
    c->sx = c->cx + a->nx;
    c->dxs = c->sx + a->nx;
    c->dys = c->dxs + a->nx;
    double hx = a->lx / (double)a->nx, hy = a->ly / (double)a->ny;
    for (size_t i = 0; i < a->nx; i++)
        c->dxs[i] = (i < (a->nx + 1) / 2 ? (double)i : (double)i - (double)a->nx) * hx;
    for (size_t i = 0; i < a->ny; i++)
        c->dys[i] = (i < (a->ny + 1) / 2 ? (double)i : (double)i - (double)a->ny) * hy;
    return GRIDFORM_OK;
}

/* The continuous part of the radial profile at |k| = kk.  For sampled
 * kernels it is the angle average of the continuum Fourier transform of the
 * grid function h over the minimum-image window,
 * F(k) = dA sum_r h(r) e^{-ik.r}, computed separably (row sums first). */
static int cont_eval(cont_ctx *c, double kk, double *val, gridform__errbuf *eb, const char *func)
{
    const gridform_kernel *k = c->k;
    switch (k->cont) {
    case GF_CONT_GAUSS:
    case GF_CONT_DOG: {
        double v = k->sigma * k->sigma * kk * kk;
        double pt = exp(-0.5 * v);
        if (k->cont == GF_CONT_DOG)
            pt -= exp(-0.5 * k->surround * v);
        *val = pt * pt / k->area;
        return GRIDFORM_OK;
    }
    case GF_CONT_USER: {
        double v = k->fn(kk, k->user);
        if (!isfinite(v))
            return gridform__fail(eb, GRIDFORM_EINVAL, func, "spectrum(%g) returned %g", kk, v);
        *val = v;
        return GRIDFORM_OK;
    }
    default:
        break;
    }
    const gridform_arena *a = k->arena;
    size_t nx = a->nx, ny = a->ny;
    double acc = 0;
    for (int m = 0; m < GF_PROFILE_ANGLES; m++) {
        double th = GF_PI * (double)m / GF_PROFILE_ANGLES;
        double kx = kk * cos(th), ky = kk * sin(th);
        for (size_t i = 0; i < nx; i++) {
            c->cx[i] = cos(kx * c->dxs[i]);
            c->sx[i] = sin(kx * c->dxs[i]);
        }
        double fr = 0, fi = 0;
        for (size_t iy = 0; iy < ny; iy++) {
            const double *h = k->grid + iy * nx;
            double sr = 0, si = 0;
            for (size_t ix = 0; ix < nx; ix++) {
                sr += h[ix] * c->cx[ix];
                si -= h[ix] * c->sx[ix];
            }
            double cy = cos(ky * c->dys[iy]), sy = sin(ky * c->dys[iy]);
            fr += sr * cy + si * sy;
            fi += si * cy - sr * sy;
        }
        fr *= k->dA;
        fi *= k->dA;
        /* CURVE: |p~|^2 / A (uniform density), squared after the division
         * by sqrt(A) so that a huge box (dA ~ 1e154, found by fuzzing)
         * does not overflow a finite value; KREAL: the kernel itself.
         * Each direction's term is divided by the number of directions
         * before it is summed (sqrt(16) = 4 and 16 are exact, so the result
         * is the same): a sum of 16 terms near DBL_MAX / 16 would overflow
         * although their mean is representable. */
        if (k->cont == GF_CONT_CURVE) {
            double sa = sqrt(k->area) * sqrt((double)GF_PROFILE_ANGLES), ur = fr / sa, ui = fi / sa;
            acc += ur * ur + ui * ui;
        } else {
            acc += fr / GF_PROFILE_ANGLES;
        }
    }
    *val = acc;
    if (!isfinite(*val))
        return gridform__fail(eb, GRIDFORM_ERANGE, func,
                              "the continuous spectrum at k = %g rad/m is not representable (%g): the tuning "
                              "or the box is out of double's range", kk, *val);
    return GRIDFORM_OK;
}

int gridform_kernel_radial_profile(const gridform_kernel *k, const double *kmag, size_t nk, double *value)
{
    if (k == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "k must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&k->err;
    GF_CHECK_PTR(eb, kmag);
    GF_CHECK_PTR(eb, value);
    if (nk == 0)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "nk must be >= 1");
    if (nk > SIZE_MAX / sizeof(double))
        return GF_FAIL(eb, GRIDFORM_ERANGE, "nk = %zu is too large", nk);
    for (size_t i = 0; i < nk; i++)
        if (!isfinite(kmag[i]) || kmag[i] < 0)
            return GF_FAIL(eb, GRIDFORM_EINVAL, "kmag[%zu] must be finite and >= 0, got %g", i, kmag[i]);
    cont_ctx c;
    int rc = cont_init(&c, k, eb, __func__);
    for (size_t i = 0; i < nk && rc == GRIDFORM_OK; i++) {
        /* A softmax code's k = 0 value carries its normalisation constant,
         * which the mean-free continuous part leaves out; a centred kernel
         * has none (Sigma~(0) = 0, doc/theory.md §1.3). */
        if ((k->cont == GF_CONT_KREAL || k->centered) && kmag[i] == 0)
            value[i] = k->spec[0];
        else
            rc = cont_eval(&c, kmag[i], &value[i], eb, __func__);
    }
    cont_done(&c);
    return rc;
}

/* The continuum ring of Sigma~ and the spacing it predicts, whatever the
 * box; errors name fn. */
static int ring_value(const gridform_kernel *k, double *kstar, double *spacing, const char *fn)
{
    gridform__errbuf *eb = (gridform__errbuf *)&k->err;
    *kstar = 0;
    *spacing = INFINITY;
    if (k->cont == GF_CONT_GAUSS)
        return gridform__fail(eb, GRIDFORM_EUNDEFINED, fn,
                       "a Gaussian code's spectrum peaks at k = 0: no ring, no grid spacing");
    if (k->cont == GF_CONT_DOG) {
        /* d/dk of (e^{-a} - e^{-sa})^2, a = sigma^2 k^2 / 2, vanishes at
         * e^{(s-1)a} = s: k*^2 = 2 ln s / (sigma^2 (s - 1)) (doc/theory.md §1.5). */
        double s = k->surround;
        *kstar = sqrt(2.0 * log(s) / (k->sigma * k->sigma * (s - 1.0)));
        *spacing = 4.0 * GF_PI / (sqrt(3.0) * *kstar);
        return GRIDFORM_OK;
    }
    const gridform_arena *a = k->arena;
    double kx_nyq = GF_PI * (double)a->nx / a->lx, ky_nyq = GF_PI * (double)a->ny / a->ly;
    double kmax = kx_nyq < ky_nyq ? kx_nyq : ky_nyq;
    cont_ctx c;
    int rc = cont_init(&c, k, eb, fn);
    if (rc != GRIDFORM_OK)
        return rc;
    double f[GF_RING_SCAN], h = kmax / (GF_RING_SCAN - 1);
    size_t imax = 0;
    for (size_t i = 0; i < GF_RING_SCAN && rc == GRIDFORM_OK; i++) {
        rc = cont_eval(&c, h * (double)i, &f[i], eb, fn);
        if (rc == GRIDFORM_OK && f[i] > f[imax])
            imax = i;
    }
    if (rc == GRIDFORM_OK && imax == 0)
        rc = gridform__fail(eb, GRIDFORM_EUNDEFINED, fn, "the spectrum peaks at k = 0: no ring, no grid spacing");
    if (rc == GRIDFORM_OK && imax == GF_RING_SCAN - 1)
        rc = gridform__fail(eb, GRIDFORM_ERANGE, fn,
                     "the spectrum still rises at the Nyquist wavenumber %g rad/m: refine the arena", kmax);
    if (rc != GRIDFORM_OK) {
        cont_done(&c);
        return rc;
    }
    /* Golden-section search for the maximum inside the bracketing cells. */
    const double g = 0.5 * (sqrt(5.0) - 1.0);
    double lo = h * (double)(imax - 1), hi = h * (double)(imax + 1);
    double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo), f1, f2;
    rc = cont_eval(&c, x1, &f1, eb, fn);
    if (rc == GRIDFORM_OK)
        rc = cont_eval(&c, x2, &f2, eb, fn);
    for (int it = 0; it < 200 && rc == GRIDFORM_OK && hi - lo > 1e-13 * hi; it++) {
        if (f1 < f2) {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + g * (hi - lo);
            rc = cont_eval(&c, x2, &f2, eb, fn);
        } else {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - g * (hi - lo);
            rc = cont_eval(&c, x1, &f1, eb, fn);
        }
    }
    cont_done(&c);
    if (rc != GRIDFORM_OK)
        return rc;
    *kstar = 0.5 * (lo + hi);
    *spacing = 4.0 * GF_PI / (sqrt(3.0) * *kstar);
    return GRIDFORM_OK;
}

int gridform__kernel_ring_continuum(const gridform_kernel *k, double *kstar, double *spacing)
{
    return ring_value(k, kstar, spacing, "gridform_kernel_ring");
}

/* The ring must fit the box: a spacing beyond the box (or a ring below the
 * lowest wavenumber 2 pi / L of the box's Fourier lattice) is not a
 * prediction any map on this arena can meet.  The library refuses it
 * (GRIDFORM_EUNDEFINED, k* and the spacing still written) rather than
 * warn, since it never prints: a unit slip, sigma = 12 meant as
 * centimetres, gave k* = 0.098 rad/m and a 73.9 m spacing in a 4.4 m box
 * with GRIDFORM_OK (issue 20). */
int gridform_kernel_ring(const gridform_kernel *k, double *kstar, double *spacing)
{
    if (k == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "k must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&k->err;
    GF_CHECK_PTR(eb, kstar);
    GF_CHECK_PTR(eb, spacing);
    int rc = ring_value(k, kstar, spacing, __func__);
    if (rc != GRIDFORM_OK)
        return rc;
    const gridform_arena *a = k->arena;
    double L = a->lx > a->ly ? a->lx : a->ly, klow = 2.0 * GF_PI / L;
    if (!(*spacing > L))
        return GRIDFORM_OK;
    char code[96] = "";
    if (k->cont == GF_CONT_DOG || k->sigma > 0)
        snprintf(code, sizeof code, " (sigma = %g m, surround %g: sigma is in metres)", k->sigma, k->surround);
    if (*kstar < klow)
        return GF_FAIL(eb, GRIDFORM_EUNDEFINED,
                       "k* = %.3g rad/m lies below the box's lowest wavenumber 2 pi / %g m = %.3g rad/m and "
                       "predicts a spacing of %.3g m in a %g x %g m box, which no map on it can show%s",
                       *kstar, L, klow, *spacing, a->lx, a->ly, code);
    return GF_FAIL(eb, GRIDFORM_EUNDEFINED,
                   "k* = %.3g rad/m predicts a spacing of %.3g m, more than the %g x %g m box, which then "
                   "holds less than one field spacing%s", *kstar, *spacing, a->lx, a->ly, code);
}

typedef struct {
    double k, v;
    size_t w, group;
} shell_bin;

static int by_k(const void *pa, const void *pb)
{
    const shell_bin *a = pa, *b = pb;
    return a->k < b->k ? -1 : (a->k > b->k ? 1 : 0);
}

/* Within a group of equal |k|, equal values become adjacent. */
static int by_group_value(const void *pa, const void *pb)
{
    const shell_bin *a = pa, *b = pb;
    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    return a->v > b->v ? -1 : (a->v < b->v ? 1 : 0);
}

static int by_value(const void *pa, const void *pb)
{
    const shell_bin *a = pa, *b = pb;
    if (a->v != b->v)
        return a->v > b->v ? -1 : 1;
    return a->k < b->k ? -1 : (a->k > b->k ? 1 : 0);
}

int gridform_kernel_shells(const gridform_kernel *k, size_t max, double *kmag, double *value,
                           size_t *multiplicity, size_t *nshells)
{
    if (k == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "k must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&k->err;
    GF_CHECK_PTR(eb, nshells);
    if (max > 0) {
        GF_CHECK_PTR(eb, kmag);
        GF_CHECK_PTR(eb, value);
        GF_CHECK_PTR(eb, multiplicity);
    }
    const gridform_arena *a = k->arena;
    /* A shaped arena's eigenfunctions are not plane waves: its Fourier
     * diagonal has no shells to sort (doc/theory.md §7.4). */
    if (gridform__arena_inside(a) != NULL)
        return GF_FAIL(eb, GRIDFORM_EUNSUPPORTED,
                       "lattice eigen shells are undefined on a shaped arena (its eigenfunctions are not plane "
                       "waves); the ring of the tuning (gridform_kernel_ring) still is");
    int rc = gridform__kernel_spec_ready(k, __func__);
    if (rc != GRIDFORM_OK)
        return rc;
    size_t nf = a->nfreq, nh = a->nx / 2 + 1;
    shell_bin *bins = gridform__malloc_array(nf, sizeof *bins);
    if (bins == NULL)
        return GF_FAIL(eb, GRIDFORM_ENOMEM, "cannot allocate %zu shell bins", nf);
    double vscale = 0;
    for (size_t b = 0; b < nf; b++) {
        size_t jx = b % nh;
        double kx, ky;
        gridform__arena_wavevector(a, b / nh, jx, &kx, &ky);
        bins[b].k = hypot(kx, ky);
        bins[b].v = k->spec[b];
        /* Real eigenvectors per rfft bin: an interior column holds one of
         * a +-k pair (cos and sin: 2).  Columns jx = 0 and, for even nx,
         * jx = nx/2 hold both members of each pair as separate bins (1
         * each) and their self-conjugate modes (1). */
        bins[b].w = (jx == 0 || (a->nx % 2 == 0 && jx == a->nx / 2)) ? 1 : 2;
        if (fabs(bins[b].v) > vscale)
            vscale = fabs(bins[b].v);
    }
    /* Shells: equal |k| (relative 1e-9, chained from the first member) and
     * equal value (1e-9 of the largest |value|).  Label the |k| groups
     * first, so that rounding in |k| cannot separate equal values. */
    qsort(bins, nf, sizeof *bins, by_k);
    size_t group = 0;
    double k0 = bins[0].k;
    for (size_t b = 0; b < nf; b++) {
        if (bins[b].k - k0 > 1e-9 * k0) {
            group++;
            k0 = bins[b].k;
        }
        bins[b].group = group;
    }
    qsort(bins, nf, sizeof *bins, by_group_value);
    size_t ns = 0;
    double vtol = 1e-9 * vscale;
    for (size_t b = 0; b < nf;) {
        size_t e = b + 1;
        double vsum = bins[b].v, kmin = bins[b].k;
        size_t w = bins[b].w;
        while (e < nf && bins[e].group == bins[b].group && fabs(bins[e].v - bins[e - 1].v) <= vtol) {
            vsum += bins[e].v;
            w += bins[e].w;
            if (bins[e].k < kmin) kmin = bins[e].k;
            e++;
        }
        shell_bin sh = {kmin, vsum / (double)(e - b), w, 0};
        bins[ns++] = sh;
        b = e;
    }
    qsort(bins, ns, sizeof *bins, by_value);
    if (max == 0) {
        *nshells = ns;
    } else {
        size_t m = ns < max ? ns : max;
        for (size_t i = 0; i < m; i++) {
            kmag[i] = bins[i].k;
            value[i] = bins[i].v;
            multiplicity[i] = bins[i].w;
        }
        *nshells = m;
    }
    gridform__free(bins);
    return GRIDFORM_OK;
}
