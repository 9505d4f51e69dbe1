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

/* The power of two 2^-e that brings max |map| into [1, 2), as two factors
 * so that neither overflows for any finite or subnormal maximum
 * (e in [-1074, 1023]). */
static void scale_factors(double maxabs, double *f1, double *f2)
{
    int e = ilogb(maxabs);
    int e1 = -e / 2;
    *f1 = ldexp(1.0, e1);
    *f2 = ldexp(1.0, -e - e1);
}

int gridform__sac_prepare(gridform_scorer *s, const double *map)
{
    const size_t nx = s->nx, ny = s->ny, px = s->px, npad = s->npad;
    /* Scale first (issue 12, W1): every statistic below is scale-free, but
     * the sums are not: x^2 goes as the square of the map's scale and the
     * variance product of a lag's Pearson r as its fourth power, which
     * overflows beyond about 1e77 and underflows below 1e-77 (and the mean
     * itself overflows near 1e308).  Dividing by the power of two nearest
     * below max |map| is exact, so maps that differ by a power-of-two
     * factor give bit-identical results, and any other factor changes the
     * results by round-off only, from 1e-308 (and below, as far as a
     * subnormal map carries digits) to 1.8e308. */
    double maxabs;
    size_t nv = gridform__score_visited_max(s, map, &maxabs);
    double *mk = s->rin, *x = s->rin + npad, *x2 = s->rin + 2 * npad;
    s->spectrum_ok = 0;
    s->nvalid = nv;
    if (nv == 0 || maxabs == 0) {   /* all unvisited, or all zero: constant */
        sac_all_nan(s);
        return GRIDFORM_EUNDEFINED;
    }
    double f1, f2;
    scale_factors(maxabs, &f1, &f2);
    /* Mean over visited bins of the scaled map (every term in [-2, 2]). */
    double sum = 0;
    for (size_t i = 0; i < nx * ny; i++)
        if (gridform__score_visited(s, map, i))
            sum += map[i] * f1 * f2;
    double mean = sum / (double)nv, ss = 0;
    int changed = 0;
    for (size_t iy = 0; iy < ny; iy++) {
        const double *row = map + iy * nx;
        unsigned char *mrow = s->mask + iy * nx;
        size_t o = iy * px;
        for (size_t ix = 0; ix < nx; ix++) {
            double f = row[ix];
            int ok = gridform__score_visited(s, map, iy * nx + ix);
            double d = ok ? f * f1 * f2 - mean : 0.0;
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

/* The wavenumber of the strongest mode (issue 12, W2).
 *
 * The strongest bin of the zero-padded spectrum (cf[1], about twice as fine
 * as the map's own Fourier lattice) only says roughly where the peak is: a
 * parabola through padded samples was biased by 1-3% for cosines exactly
 * on the lattice, because the padded grid (a fast FFT size, not a multiple
 * of the map's size) does not contain the lattice points.  So the estimate
 * is made on the map's own lattice, 2 pi (mx/lx, my/ly) with integer mx, my,
 * from DFT values computed directly there:
 *   1. climb from the lattice point nearest the padded peak to the
 *      lattice point of largest power (3 x 3 neighbourhoods);
 *   2. interpolate between lattice points along each axis with the
 *      three-sample DFT estimator of Jacobsen and Kootsookos (IEEE Signal
 *      Process. Mag. 24(3):123, 2007) with Candan's bias correction
 *      tan(pi/N)/(pi/N) (Candan, IEEE Signal Process. Lett. 20(9):913,
 *      2013):  delta = c_N Re[(X[m-1] - X[m+1]) / (2 X[m] - X[m-1] - X[m+1])].
 * A wave exactly on the lattice (every mode of a periodic map, and any wave
 * with whole periods across the box) has X[m +- 1] = 0, so delta = 0 and
 * the answer is exact; between lattice points the estimator is unbiased for
 * one complex exponential and nearly so for a real wave away from k = 0
 * (the mirror image at -k leaks in).  The map enters as x = m (f - mean)
 * with unvisited bins 0, the same sequence the padded spectrum transforms.
 * Cost: 3 nx ny complex multiply-adds per 3 x 3 neighbourhood, usually two
 * neighbourhoods; no allocation (the work space is cp, idle after the SAC's
 * inverse transforms). */

/* exp(-2 pi i m j / n) for integer m, j, reduced exactly first. */
static void twiddle(long m, size_t j, size_t n, double *re, double *im)
{
    long ln = (long)n;
    long r = (long)(((m % ln) + ln) % ln) * (long)(j % n) % ln;
    double a = 2 * GF_PI * (double)r / (double)n;
    *re = cos(a);
    *im = -sin(a);
}

/* DFT values X(mx + a, my + b), a, b in {-1, 0, 1}, of the mean-removed map
 * (index origin at bin 0) into X[b + 1][a + 1][2]. */
static void lattice_dft3(const gridform_scorer *s, long mx, long my, double X[3][3][2])
{
    const size_t nx = s->nx, ny = s->ny, px = s->px;
    const double *x = s->rin + s->npad;
    double *tw = (double *)s->cp;            /* 3 x nx complex twiddles */
    double *row = tw + 6 * nx;               /* 3 x ny complex row sums */
    for (int a = 0; a < 3; a++)
        for (size_t ix = 0; ix < nx; ix++)
            twiddle(mx + a - 1, ix, nx, &tw[2 * (a * nx + ix)], &tw[2 * (a * nx + ix) + 1]);
    for (size_t iy = 0; iy < ny; iy++) {
        const double *xr = x + iy * px;
        for (int a = 0; a < 3; a++) {
            const double *t = tw + 2 * a * nx;
            double sr = 0, si = 0;
            for (size_t ix = 0; ix < nx; ix++) {
                sr += xr[ix] * t[2 * ix];
                si += xr[ix] * t[2 * ix + 1];
            }
            row[2 * (a * ny + iy)] = sr;
            row[2 * (a * ny + iy) + 1] = si;
        }
    }
    for (int b = 0; b < 3; b++)
        for (int a = 0; a < 3; a++) {
            double sr = 0, si = 0;
            for (size_t iy = 0; iy < ny; iy++) {
                double cr, ci, rr = row[2 * (a * ny + iy)], ri = row[2 * (a * ny + iy) + 1];
                twiddle(my + b - 1, iy, ny, &cr, &ci);
                sr += rr * cr - ri * ci;
                si += rr * ci + ri * cr;
            }
            X[b][a][0] = sr;
            X[b][a][1] = si;
        }
}

/* Signed representative of lattice index m modulo n, in (-n/2, n/2]. */
static long wrap_index(long m, size_t n)
{
    long ln = (long)n, r = ((m % ln) + ln) % ln;
    return r > ln / 2 ? r - ln : r;
}

/* Offset of the peak from the middle of three DFT samples along an axis of
 * n points (Jacobsen's estimator with Candan's correction), in [-1/2, 1/2]. */
static double three_point(const double *xm, const double *x0, const double *xp, size_t n)
{
    if (n < 4)
        return 0;
    double nr = xm[0] - xp[0], ni = xm[1] - xp[1];
    double dr = 2 * x0[0] - xm[0] - xp[0], di = 2 * x0[1] - xm[1] - xp[1];
    double den = dr * dr + di * di;
    if (!(den > 0))
        return 0;
    double c = tan(GF_PI / (double)n) / (GF_PI / (double)n);
    double d = c * (nr * dr + ni * di) / den;
    return d > 0.5 ? 0.5 : (d < -0.5 ? -0.5 : d);
}

/* D(theta) = sum_{n<N} e^{i theta n} = e^{i theta (N-1)/2} sin(N theta/2) / sin(theta/2). */
static void dirichlet(double theta, size_t n, double *re, double *im)
{
    double N = (double)n, h = 0.5 * theta, sh = sin(h);
    double r = fabs(sh) < 1e-9 ? N * cos(N * h) / cos(h) : sin(N * h) / sh;
    double ph = h * (N - 1);
    *re = r * cos(ph);
    *im = r * sin(ph);
}

/* Squared residual of the least-squares fit of the 3 x 3 DFT samples X by
 * one real wave a e^{i w.n} + conj(a) e^{-i w.n} plus a constant c, at
 * w = 2 pi ((mx + dx)/nx, (my + dy)/ny) radians per bin: the samples are
 * linear in (Re a, Im a, c) through products of Dirichlet kernels. */
static double wave_residual(double X[3][3][2], long mx, long my, size_t nx, size_t ny, double dx, double dy)
{
    double A[18][3], y[18];
    for (int b = 0; b < 3; b++)
        for (int a = 0; a < 3; a++) {
            double lx = (double)(mx + a - 1), ly = (double)(my + b - 1);
            double pxr, pxi, pyr, pyi, mxr, mxi, myr, myi, cxr, cxi, cyr, cyi;
            dirichlet(2 * GF_PI * (dx - (double)(a - 1)) / (double)nx, nx, &pxr, &pxi);
            dirichlet(2 * GF_PI * (dy - (double)(b - 1)) / (double)ny, ny, &pyr, &pyi);
            dirichlet(-2 * GF_PI * ((double)mx + dx + lx) / (double)nx, nx, &mxr, &mxi);
            dirichlet(-2 * GF_PI * ((double)my + dy + ly) / (double)ny, ny, &myr, &myi);
            dirichlet(-2 * GF_PI * lx / (double)nx, nx, &cxr, &cxi);
            dirichlet(-2 * GF_PI * ly / (double)ny, ny, &cyr, &cyi);
            double ur = pxr * pyr - pxi * pyi, ui = pxr * pyi + pxi * pyr;
            double vr = mxr * myr - mxi * myi, vi = mxr * myi + mxi * myr;
            double wr = cxr * cyr - cxi * cyi, wi = cxr * cyi + cxi * cyr;
            int j = 2 * (3 * b + a);
            /* X = p (u + v) + i q (u - v) + c w */
            A[j][0] = ur + vr;
            A[j + 1][0] = ui + vi;
            A[j][1] = -(ui - vi);
            A[j + 1][1] = ur - vr;
            A[j][2] = wr;
            A[j + 1][2] = wi;
            y[j] = X[b][a][0];
            y[j + 1] = X[b][a][1];
        }
    /* Normal equations by Cholesky; a column that is (numerically) absent
     * (the constant, far from k = 0) is dropped by a relative pivot test. */
    double G[3][3] = {{0}}, g[3] = {0}, yy = 0;
    for (int j = 0; j < 18; j++) {
        yy += y[j] * y[j];
        for (int p = 0; p < 3; p++) {
            g[p] += A[j][p] * y[j];
            for (int q = 0; q < 3; q++)
                G[p][q] += A[j][p] * A[j][q];
        }
    }
    double L[3][3] = {{0}}, z[3] = {0}, explained = 0;
    double gmax = fmax(G[0][0], fmax(G[1][1], G[2][2]));
    for (int p = 0; p < 3; p++) {
        double d = G[p][p];
        for (int q = 0; q < p; q++)
            d -= L[p][q] * L[p][q];
        if (!(d > 1e-12 * gmax)) {
            L[p][p] = 0;   /* dependent or absent: contributes nothing */
            continue;
        }
        L[p][p] = sqrt(d);
        for (int r = p + 1; r < 3; r++) {
            double t = G[r][p];
            for (int q = 0; q < p; q++)
                t -= L[r][q] * L[p][q];
            L[r][p] = t / L[p][p];
        }
        double t = g[p];
        for (int q = 0; q < p; q++)
            t -= L[p][q] * z[q];
        z[p] = t / L[p][p];
        explained += z[p] * z[p];
    }
    return yy - explained;
}

/* Golden-section minimum of the residual along one coordinate. */
static double golden_axis(double X[3][3][2], long mx, long my, size_t nx, size_t ny, double dx, double dy,
                          int axis, double lo, double hi)
{
    const double g = 0.5 * (sqrt(5.0) - 1.0);
#define GF_RES(t) wave_residual(X, mx, my, nx, ny, axis ? dx : (t), axis ? (t) : dy)
    double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo), f1 = GF_RES(x1), f2 = GF_RES(x2);
    for (int it = 0; it < 60 && hi - lo > 1e-12; it++) {
        if (f1 > f2) {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + g * (hi - lo);
            f2 = GF_RES(x2);
        } else {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - g * (hi - lo);
            f1 = GF_RES(x1);
        }
    }
#undef GF_RES
    return 0.5 * (lo + hi);
}

/* The three-point estimator treats the wave as one complex exponential;
 * a real wave also has its mirror image at -k, whose leakage biases it by
 * up to a few per cent of the wavenumber when the box holds few periods.
 * Fitting the real wave (and the constant the mean removal leaves) to the
 * nine samples takes both into account: for a single real wave the
 * residual vanishes at the true wavevector (nonlinear least squares of a
 * sinusoid, Rife and Boorstyn, IEEE Trans. Inf. Theory 20(5):591, 1974,
 * here on the DFT samples near the peak).  Minimised by alternating
 * golden-section searches from the three-point estimate, and kept only if
 * it fits better. */
static void refine_real_wave(double X[3][3][2], long mx, long my, size_t nx, size_t ny, double *dx, double *dy)
{
    if (nx < 4 || ny < 4)
        return;
    double yy = 0;
    for (int b = 0; b < 3; b++)
        for (int a = 0; a < 3; a++)
            yy += X[b][a][0] * X[b][a][0] + X[b][a][1] * X[b][a][1];
    double r0 = wave_residual(X, mx, my, nx, ny, *dx, *dy);
    /* The residual is a difference of sums of squares, resolved to about
     * 1e-16 yy: below 1e-12 yy the three-point estimate already fits (a
     * wave on the lattice, where it is exact), and searching would only
     * wander within the round-off. */
    if (!(r0 > 1e-12 * yy))
        return;
    double fx = *dx, fy = *dy;
    for (int round = 0; round < 4; round++) {
        double h = round == 0 ? 0.5 : 0.125;
        fx = golden_axis(X, mx, my, nx, ny, fx, fy, 0, fmax(-0.6, fx - h), fmin(0.6, fx + h));
        fy = golden_axis(X, mx, my, nx, ny, fx, fy, 1, fmax(-0.6, fy - h), fmin(0.6, fy + h));
    }
    if (wave_residual(X, mx, my, nx, ny, fx, fy) < r0) {
        *dx = fx;
        *dy = fy;
    }
}

double gridform__dominant_k(const gridform_scorer *s)
{
    const size_t py = s->py, px = s->px, nh = px / 2 + 1;
    const double *Xp = (const double *)s->cf + 2 * s->ncpx;
    double best = -1;
    size_t by = 0, bx = 0;
    for (size_t iy = 0; iy < py; iy++)
        for (size_t jx = 0; jx < nh; jx++) {
            if (iy == 0 && jx == 0)
                continue;
            const double *z = Xp + 2 * (iy * nh + jx);
            double p = z[0] * z[0] + z[1] * z[1];
            if (p > best) {
                best = p;
                by = iy;
                bx = jx;
            }
        }
    if (!(best > 0))
        return NAN;
    /* The lattice point nearest the padded peak. */
    double fy = (double)(by < (py + 1) / 2 ? (long)by : (long)by - (long)py) / (double)py;
    double fx = (double)bx / (double)px;
    long mx = wrap_index(lround(fx * (double)s->nx), s->nx);
    long my = wrap_index(lround(fy * (double)s->ny), s->ny);
    double X[3][3][2];
    /* Climb: each move strictly raises the power, so it ends. */
    for (int it = 0; it < 64; it++) {
        lattice_dft3(s, mx, my, X);
        int ba = 1, bb = 1;
        double bp = -1;
        for (int b = 0; b < 3; b++)
            for (int a = 0; a < 3; a++) {
                if (wrap_index(mx + a - 1, s->nx) == 0 && wrap_index(my + b - 1, s->ny) == 0)
                    continue;   /* the mean: not a mode */
                double p = X[b][a][0] * X[b][a][0] + X[b][a][1] * X[b][a][1];
                if (p > bp || (p == bp && a == 1 && b == 1)) {
                    bp = p;
                    ba = a;
                    bb = b;
                }
            }
        if (ba == 1 && bb == 1)
            break;
        mx = wrap_index(mx + ba - 1, s->nx);
        my = wrap_index(my + bb - 1, s->ny);
    }
    double c0 = X[1][1][0] * X[1][1][0] + X[1][1][1] * X[1][1][1];
    if (!(c0 > 0))
        return NAN;
    double dx = three_point(X[1][0], X[1][1], X[1][2], s->nx);
    double dy = three_point(X[0][1], X[1][1], X[2][1], s->ny);
    refine_real_wave(X, mx, my, s->nx, s->ny, &dx, &dy);
    double kx = 2 * GF_PI * ((double)mx + dx) / s->lx;
    double ky = 2 * GF_PI * ((double)my + dy) / s->ly;
    return sqrt(kx * kx + ky * ky);
}
