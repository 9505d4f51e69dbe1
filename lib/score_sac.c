/* libgridform: the spatial autocorrelogram (SAC) of a map with unvisited
 * bins, and the map's dominant wavenumber.
 *
 * The SAC is the Pearson correlation of the map with itself shifted by each
 * lag l, over the pairs (p, p+l) whose bins are both visited (Sargolini et
 * al., Science 312:758, 2006; the same estimator as Banino et al., Nature
 * 557:429, 2018, scores.py).  With m the visit mask and x = m (f - mean) the
 * mean-removed map, every sum it needs is a cross-correlation
 * C_ab(l) = sum_p a(p) b(p+l) = IFFT(conj(A) B)(l) on a grid zero-padded to
 * at least (2ny-1) x (2nx-1), so there is no wrap-around:
 *   n(l)   = C_mm(l)            overlapping visited bins
 *   Sx(l)  = C_xm(l)            sum of the first member of each pair
 *   Sy(l)  = C_mx(l) = Sx(-l)   sum of the second
 *   Sxx(l) = C_{x2,m}(l),       Syy(l) = Sxx(-l)
 *   Sxy(l) = C_xx(l)
 *   r(l) = (n Sxy - Sx Sy) / sqrt((n Sxx - Sx^2)(n Syy - Sy^2)).
 * Three forward and four inverse FFTs per map.  Removing the mean first keeps
 * the sums small, so the differences above do not cancel catastrophically.
 * For a periodic map the circular sums are the linear ones folded: a lag u
 * and u - nx are the same circular lag. */
#include "config.h"
#include <math.h>
#include <string.h>
#include "score_internal.h"

/* Relative size below which the variance of an overlap counts as zero: the
 * FFT's absolute round-off on the sums is about 1e-16 sqrt(log N) times the
 * map's total power, far below 1e-10 times n^2 var for any n >= 2. */
#define GF_SAC_VAR_TOL 1e-10

/* Raw sum k (0: n, 1: Sx, 2: Sxx, 3: Sxy) at linear lag (u, v), |u| < nx,
 * |v| < ny, already divided by the FFT size. */
static inline double lin(const gridform_scorer *s, int k, long u, long v)
{
    size_t iy = (size_t)(v < 0 ? v + (long)s->py : v);
    size_t ix = (size_t)(u < 0 ? u + (long)s->px : u);
    return s->rout[(size_t)k * s->npad + iy * s->px + ix];
}

/* The same sum for the circular lag (u mod nx, v mod ny). */
static inline double circ(const gridform_scorer *s, int k, long u, long v)
{
    long nx = (long)s->nx, ny = (long)s->ny;
    long uc = ((u % nx) + nx) % nx, vc = ((v % ny) + ny) % ny;
    double t = lin(s, k, uc, vc);
    if (uc > 0) t += lin(s, k, uc - nx, vc);
    if (vc > 0) t += lin(s, k, uc, vc - ny);
    if (uc > 0 && vc > 0) t += lin(s, k, uc - nx, vc - ny);
    return t;
}

/* Pearson r of one lag from its raw FFT sums (see the top of the file);
 * NaN when fewer than nmin pairs overlap or either member is constant. */
static inline double lag_r(double n, double sxa, double sya, double sxx, double syy, double sxy,
                           double inv, double nmin, double vtol)
{
    n = (double)(long)(n * inv + 0.5);   /* a count: round the FFT's noise away */
    if (!(n >= nmin))
        return NAN;
    sxa *= inv;
    sya *= inv;
    sxx *= inv;
    syy *= inv;
    sxy *= inv;
    double vx = n * sxx - sxa * sxa, vy = n * syy - sya * sya;
    double tol = vtol * n * n;
    if (!(vx > tol && vy > tol))
        return NAN;
    double r = (n * sxy - sxa * sya) / sqrt(vx * vy);
    return r > 1 ? 1 : (r < -1 ? -1 : r);
}

static void sac_all_nan(gridform_scorer *s)
{
    for (size_t i = 0; i < s->nsac; i++)
        s->sac[i] = NAN;
}

int gridform__sac_prepare(gridform_scorer *s, const double *map)
{
    const size_t nx = s->nx, ny = s->ny, px = s->px, npad = s->npad;
    /* Mean over visited bins. */
    double sum = 0;
    size_t nv = 0;
    for (size_t i = 0; i < nx * ny; i++)
        if (!isnan(map[i])) {
            sum += map[i];
            nv++;
        }
    double *mk = s->rin, *x = s->rin + npad, *x2 = s->rin + 2 * npad;
    s->spectrum_ok = 0;
    if (nv == 0) {
        sac_all_nan(s);
        return GRIDFORM_EUNDEFINED;
    }
    double mean = sum / (double)nv, ss = 0;
    int changed = 0;
    for (size_t iy = 0; iy < ny; iy++) {
        const double *row = map + iy * nx;
        unsigned char *mrow = s->mask + iy * nx;
        size_t o = iy * px;
        for (size_t ix = 0; ix < nx; ix++) {
            double f = row[ix];
            int ok = !isnan(f);
            double d = ok ? f - mean : 0.0;
            changed |= mrow[ix] != (unsigned char)ok;
            mrow[ix] = (unsigned char)ok;
            mk[o + ix] = ok ? 1.0 : 0.0;
            x[o + ix] = d;
            x2[o + ix] = d * d;
            ss += d * d;
        }
    }
    if (changed)
        s->mask_spec_ok = s->mask_n_ok = 0;
    double var = ss / (double)nv;
    /* A map is constant when its spread is round-off of its mean. */
    if (!(var > 1e-28 * (mean * mean)) || var == 0) {
        sac_all_nan(s);
        return GRIDFORM_EUNDEFINED;
    }
    if (s->mask_spec_ok) {
        fftw_execute(s->fwd2);
    } else {
        fftw_execute(s->fwd);
        s->mask_spec_ok = 1;
    }
    s->spectrum_ok = 1;
    s->var = var;
    return GRIDFORM_OK;
}

int gridform__sac_compute(gridform_scorer *s, const double *map)
{
    int rc = gridform__sac_prepare(s, map);
    if (rc != GRIDFORM_OK)
        return rc;
    const size_t nx = s->nx, ny = s->ny, npad = s->npad;
    const double var = s->var;
    const size_t nc = s->ncpx;
    const double *M = (const double *)s->cf, *X = M + 2 * nc, *X2 = M + 4 * nc;
    fftw_complex *Pn = s->cp, *Px = s->cp + nc, *Pxx = s->cp + 2 * nc, *Pxy = s->cp + 3 * nc;
    for (size_t i = 0; i < nc; i++) {
        double mr = M[2 * i], mi = M[2 * i + 1], xr = X[2 * i], xi = X[2 * i + 1];
        double qr = X2[2 * i], qi = X2[2 * i + 1];
        /* conj(A) B */
        Pn[i][0] = mr * mr + mi * mi;   /* unused (and harmless) when n is kept */
        Pn[i][1] = 0;
        Px[i][0] = xr * mr + xi * mi;
        Px[i][1] = xr * mi - xi * mr;
        Pxx[i][0] = qr * mr + qi * mi;
        Pxx[i][1] = qr * mi - qi * mr;
        Pxy[i][0] = xr * xr + xi * xi;
        Pxy[i][1] = 0;
    }
    if (s->mask_n_ok) {
        fftw_execute(s->inv3);
    } else {
        fftw_execute(s->inv);
        s->mask_n_ok = 1;
    }

    const double inv = 1.0 / (double)npad;
    const double nmin = (double)s->min_overlap, vtol = GF_SAC_VAR_TOL * var;
    const long lnx = (long)nx, lny = (long)ny;
    const size_t sx = s->sx, cx = nx - 1, cy = ny - 1, px = s->px, py = s->py;
    const double *R0 = s->rout, *R1 = R0 + npad, *R2 = R0 + 2 * npad, *R3 = R0 + 3 * npad;
    size_t ndef = 0;
    /* The half plane v > 0, or v == 0 and u >= 0; r(-l) = r(l) exactly by
     * construction (the same numbers with x and y swapped), so mirror it. */
    for (long v = 0; v < lny; v++) {
        double *outp = s->sac + (cy + (size_t)v) * sx + cx, *outn = s->sac + (cy - (size_t)v) * sx + cx;
        size_t rp = (size_t)v * px, rn = (v == 0 ? 0 : py - (size_t)v) * px;
        for (long u = (v == 0 ? 0 : -(lnx - 1)); u < lnx; u++) {
            double r;
            if (s->boundary == GRIDFORM_PERIODIC) {
                r = lag_r(circ(s, 0, u, v), circ(s, 1, u, v), circ(s, 1, -u, -v), circ(s, 2, u, v),
                          circ(s, 2, -u, -v), circ(s, 3, u, v), inv, nmin, vtol);
            } else {
                size_t ip = rp + (size_t)(u >= 0 ? u : u + (long)px);
                size_t in = rn + (size_t)(u > 0 ? (long)px - u : -u);
                r = lag_r(R0[ip], R1[ip], R1[in], R2[ip], R2[in], R3[ip], inv, nmin, vtol);
            }
            ndef += !isnan(r);
            outp[u] = r;
            outn[-u] = r;
        }
    }
    if (ndef == 0)
        return GRIDFORM_EUNDEFINED;
    return GRIDFORM_OK;
}

/* Vertex offset of the parabola through (-1, a), (0, b), (1, c), within
 * [-1/2, 1/2]. */
static double parabola(double a, double b, double c)
{
    double den = a - 2 * b + c;
    if (!(den < 0))
        return 0;
    double d = 0.5 * (a - c) / den;
    return d > 0.5 ? 0.5 : (d < -0.5 ? -0.5 : d);
}

/* Power at padded frequency (my, mx), any integers: the spectrum of a real
 * map is Hermitian, P(-k) = P(k), and periodic in the padded size. */
static double pw(const double *X, size_t py, size_t nh, size_t px, long my, long mx)
{
    long lpx = (long)px, lpy = (long)py;
    mx = ((mx % lpx) + lpx) % lpx;
    if (mx >= (long)nh) {
        mx = lpx - mx;
        my = -my;
    }
    my = ((my % lpy) + lpy) % lpy;
    const double *z = X + 2 * ((size_t)my * nh + (size_t)mx);
    return z[0] * z[0] + z[1] * z[1];
}

double gridform__dominant_k(const gridform_scorer *s)
{
    /* Power of the zero-padded transform of the mean-removed map: the
     * padding samples the spectrum about twice as finely as the map's own
     * lattice, and a parabola through the peak and its neighbours in kx and
     * in ky places the maximum between samples. */
    const size_t py = s->py, nh = s->px / 2 + 1;
    const double *X = (const double *)s->cf + 2 * s->ncpx;
    double best = -1;
    size_t by = 0, bx = 0;
    for (size_t iy = 0; iy < py; iy++)
        for (size_t jx = 0; jx < nh; jx++) {
            if (iy == 0 && jx == 0)
                continue;
            const double *z = X + 2 * (iy * nh + jx);
            double p = z[0] * z[0] + z[1] * z[1];
            if (p > best) {
                best = p;
                by = iy;
                bx = jx;
            }
        }
    if (!(best > 0))
        return NAN;
    /* Power at padded frequency (my, mx) with mx possibly negative: the
     * spectrum of a real map is Hermitian, P(-k) = P(k). */
#define GF_POW(my, mx) pw(X, py, nh, s->px, (long)(my), (long)(mx))
    long my = (long)by, mx = (long)bx;
    double pc = best;
    double ox = parabola(GF_POW(my, mx - 1), pc, GF_POW(my, mx + 1));
    double oy = parabola(GF_POW(my - 1, mx), pc, GF_POW(my + 1, mx));
#undef GF_POW
    double fy = (double)(my < (long)(py + 1) / 2 ? my : my - (long)py) + oy;
    double fx = (double)mx + ox;
    double kx = 2 * GF_PI * fx / ((double)s->px * s->dx);
    double ky = 2 * GF_PI * fy / ((double)py * s->dy);
    return sqrt(kx * kx + ky * ky);
}
