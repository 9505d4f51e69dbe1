/* libgridform: one step of the pattern-forming learning dynamics.
 *
 * The dynamics (THEORY.md sections 2-4; Sorscher, Mel, Ganguli, Ocko,
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
 * Cost per step: one batched r2c and one batched c2r FFT; for coupled maps
 * one dsyrk (M) and one dtrmm/dsymm (the correction), both on the spectra
 * viewed as real ng x 2 nfreq matrices (a real matrix acting across maps
 * commutes with the FFT, and Parseval turns G Sigma G^T into a weighted
 * product of spectra); two passes over the spectra and two over the new
 * maps (the second while the map is still in cache).  Nothing is allocated,
 * planned or formatted unless the step fails. */
#include "config.h"
#include <math.h>
#include <string.h>
#include <cblas.h>
#include "learner_impl.h"

/* Multiply every map's spectrum by the per-bin factor, accumulating the
 * Parseval sums of the incoming spectrum for the Rayleigh quotient. */
static void scale_spectra(gridform_learner *l, double *restrict f, int want_rq)
{
    const double *restrict fac = l->fac;
    const double *restrict wt = l->wt;
    const double *restrict ws = l->wsig;
    size_t nf = l->nfreq;
    for (size_t j = 0; j < l->ng; j++) {
        double *restrict row = f + j * l->cstride;
        double sw = 0.0, sws = 0.0;
        if (want_rq) {
            for (size_t k = 0; k < nf; k++) {
                double re = row[2 * k], im = row[2 * k + 1];
                double p = re * re + im * im;
                sw += wt[k] * p;
                sws += ws[k] * p;
                row[2 * k] = re * fac[k];
                row[2 * k + 1] = im * fac[k];
            }
            l->rq[j] = sw > 0.0 ? sws / sw : 0.0;
        } else {
            for (size_t k = 0; k < nf; k++) {
                row[2 * k] *= fac[k];
                row[2 * k + 1] *= fac[k];
            }
        }
    }
}

/* work = fac spec + cfac work, per bin, for every map. */
static void combine_spectra(gridform_learner *l, const double *restrict f, double *restrict x)
{
    const double *restrict fac = l->fac;
    const double *restrict cfac = l->cfac;
    size_t nf = l->nfreq;
    for (size_t j = 0; j < l->ng; j++) {
        const double *restrict a = f + j * l->cstride;
        double *restrict b = x + j * l->cstride;
        for (size_t k = 0; k < nf; k++) {
            b[2 * k] = fac[k] * a[2 * k] + cfac[k] * b[2 * k];
            b[2 * k + 1] = fac[k] * a[2 * k + 1] + cfac[k] * b[2 * k + 1];
        }
    }
}

/* M = G Sigma G^T dA from the spectra f into l->m (lower triangle at
 * least), with y as workspace.  Parseval for the half spectrum:
 * sum_x a(x) (Sigma b)(x) = (1/n) sum_k w_k Sigma~_k Re(A_k conj B_k), and
 * Re(A conj B) is the real dot product of the interleaved (re, im) pairs. */
static void coupling_matrix(gridform_learner *l, const double *restrict f, double *restrict y)
{
    const double *restrict ysc = l->ysc;
    size_t nf = l->nfreq, ng = l->ng, cs = l->cstride;
    for (size_t j = 0; j < ng; j++) {
        const double *restrict src = f + j * cs;
        double *restrict dst = y + j * cs;
        for (size_t k = 0; k < nf; k++) {
            dst[2 * k] = src[2 * k] * ysc[k];
            dst[2 * k + 1] = src[2 * k + 1] * ysc[k];
        }
    }
    if (l->use_syrk)   /* ysc = sqrt(dA w Sigma~ / n): M = Y Y^T */
        cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, (int)ng, (int)cs, 1.0, y, (int)cs,
                    0.0, l->m, (int)ng);
    else               /* ysc = dA w Sigma~ / n (some Sigma~ < 0): M = Y F^T */
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)ng, (int)ng, (int)cs, 1.0, y,
                    (int)cs, f, (int)cs, 0.0, l->m, (int)ng);
    for (size_t j = 0; j < ng; j++)
        l->rq[j] = l->m[j * ng + j] / (l->nrm[j] * l->nrm[j]);
}

static int diverged(gridform_learner *l, size_t j, const char *what, double factor);

/* In-place Cholesky of the lower triangle of the ng x ng Gram matrix: a
 * few ng^3/3 flops, negligible next to the ng^2 n of dsyrk.  A pivot below
 * 1e-10 of its diagonal means the maps have become linearly dependent. */
static int cholesky_lower(double *s, size_t ng, size_t *bad)
{
    for (size_t j = 0; j < ng; j++) {
        double d = s[j * ng + j], d0 = d;
        for (size_t k = 0; k < j; k++)
            d -= s[j * ng + k] * s[j * ng + k];
        if (!(d > 1e-10 * d0)) {
            *bad = j;
            return 0;
        }
        d = sqrt(d);
        s[j * ng + j] = d;
        for (size_t i = j + 1; i < ng; i++) {
            double v = s[i * ng + j];
            for (size_t k = 0; k < j; k++)
                v -= s[i * ng + k] * s[j * ng + k];
            s[i * ng + j] = v / d;
        }
    }
    return 1;
}

static int gram_schmidt(gridform_learner *l, double *restrict f, double *restrict y)
{
    const double *restrict gsc = l->gsc;
    size_t nf = l->nfreq, ng = l->ng, cs = l->cstride;
    for (size_t j = 0; j < ng; j++) {
        const double *restrict src = f + j * cs;
        double *restrict dst = y + j * cs;
        for (size_t k = 0; k < nf; k++) {
            dst[2 * k] = src[2 * k] * gsc[k];
            dst[2 * k + 1] = src[2 * k + 1] * gsc[k];
        }
    }
    cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, (int)ng, (int)cs, 1.0, y, (int)cs, 0.0, l->m, (int)ng);
    size_t bad = 0;
    if (!cholesky_lower(l->m, ng, &bad))
        return diverged(l, bad, "became linearly dependent on the maps before it", 0.0);
    cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int)ng, (int)cs, 1.0, l->m,
                (int)ng, f, (int)cs);
    return GRIDFORM_OK;
}

static int diverged(gridform_learner *l, size_t j, const char *what, double factor)
{
    /* The state was not touched; restart the runaway bookkeeping so a
     * smaller step can continue from it. */
    for (size_t i = 0; i < l->ng; i++)
        l->logv[i] = l->logmin[i] = 0.0;
    double lim = gridform__learner_euler_limit(l, l->coupling);
    if (factor > 0.0)
        return GF_FAIL(&l->err, GRIDFORM_EDIVERGED,
                       "step %zu: map %zu %s by a factor %.3g (runaway) with dt = %g; "
                       "use a smaller dt%s (explicit Euler is stable for dt <= %g)",
                       l->steps + 1, j, what, factor, l->dt,
                       l->integrator == GRIDFORM_INTEGRATOR_EULER ? "" : " or the EULER integrator", lim);
    return GF_FAIL(&l->err, GRIDFORM_EDIVERGED,
                   "step %zu: map %zu %s with dt = %g; use a smaller dt (explicit Euler is stable "
                   "for dt <= %g)", l->steps + 1, j, what, l->dt, lim);
}

int gridform__learner_step(gridform_learner *l, int want_change)
{
    size_t ng = l->ng, n = l->n, cs = l->cstride;
    double *g = l->g, *spec = l->a, *work = l->b;

    fftw_execute_dft_r2c(l->fwd, g, (fftw_complex *)spec);

    /* The new spectrum ends in `res`; the c2r output goes to `out`. */
    double *res = spec, *out = work;
    if (l->coupling == GRIDFORM_COUPLING_INDEPENDENT) {
        scale_spectra(l, spec, 1);
    } else if (l->coupling == GRIDFORM_COUPLING_SANGER && l->integrator == GRIDFORM_INTEGRATOR_EXPONENTIAL) {
        /* A long exponential step pulls every map towards the top shell
         * at once, faster than Sanger's explicit correction can separate
         * them (it is unstable once tau * (overlaps) > 2).  Ordered
         * Gram-Schmidt of the propagated maps is Sanger's rule to first
         * order in dt (each map loses its components along the maps
         * before it, then is renormalised) and is exact for every dt:
         * orthogonal (subspace) iteration with exp(dt Sigma).  Done as a
         * Cholesky QR on the spectra: S = H H^T dA (dsyrk), S = C C^T,
         * H <- C^{-1} H (dtrsm). */
        scale_spectra(l, spec, 1);
        int rc = gram_schmidt(l, spec, work);
        if (rc != GRIDFORM_OK)
            return rc;
    } else {
        /* Additive forms, which keep the fixed points of the flow exact:
         *   EULER:       G' = (1 + dt(Sigma - lambda0)) G - dt L G,
         *                L = strict_lower(M) (Sanger) or M - diag M (Oja);
         *   EXPONENTIAL: G' = exp(dt(Sigma - lambda0)) G
         *                     + phi(dt(Sigma - lambda0)) (lambda0 - M) G
         *                (Oja subspace rule; exponential Euler, Cox and
         *                Matthews 2002, phi(z) = (e^z - 1)/z per bin), exact
         *                at every fixed point Sigma G = M G.
         * work = A spec by BLAS, then work = fac spec + cfac work per bin. */
        coupling_matrix(l, spec, work);
        double *m = l->m;
        if (l->coupling == GRIDFORM_COUPLING_SANGER) {
            for (size_t i = 0; i < ng; i++)
                m[i * ng + i] = 0.0;
            memcpy(work, spec, ng * cs * sizeof(double));
            cblas_dtrmm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int)ng, (int)cs,
                        1.0, m, (int)ng, work, (int)cs);
        } else {
            int ex = l->integrator == GRIDFORM_INTEGRATOR_EXPONENTIAL;
            for (size_t i = 0; i < ng; i++) {
                if (ex)
                    for (size_t j = 0; j <= i; j++)
                        m[i * ng + j] = -m[i * ng + j];
                m[i * ng + i] = ex ? l->lambda0 + m[i * ng + i] : 0.0;
            }
            cblas_dsymm(CblasRowMajor, CblasLeft, CblasLower, (int)ng, (int)cs, 1.0, m, (int)ng, spec,
                        (int)cs, 0.0, work, (int)cs);
        }
        combine_spectra(l, spec, work);
        res = work;
        out = spec;
    }
    fftw_execute_dft_c2r(l->bwd, (fftw_complex *)res, out);

    /* Nonlinearity, checks and renormalisation, map by map: pass A sums
     * the squares before and after the nonlinearity (reading only), pass B
     * writes the nonlinear, renormalised map while it is still in cache. */
    const double da = l->da;
    const int nl = l->nl;
    const double soft = 1.0 / (1.0 + 2.0 * l->strength * l->dt);
    double maxchg = 0.0;
    for (size_t j = 0; j < ng; j++) {
        double *restrict u = out + j * n;
        const double *restrict old = g + j * n;
        double s1 = 0.0, s2 = 0.0, sign = 1.0;
        switch (nl) {
        case GRIDFORM_NL_RELU:
            for (size_t i = 0; i < n; i++) {
                double x = u[i], p = x > 0.0 ? x : 0.0;
                s1 += x * x;
                s2 += p * p;
            }
            /* The linear part cannot tell g from -g.  A map whose update is
             * nowhere positive (a long step onto a top mode of the wrong
             * sign, e.g. the constant mode of a Gaussian code) keeps its
             * pattern in -g; rectify that instead of erasing the map. */
            if (s2 == 0.0 && s1 > 0.0) {
                sign = -1.0;
                s2 = s1;
            }
            break;
        case GRIDFORM_NL_SOFT:
            for (size_t i = 0; i < n; i++) {
                double x = u[i], p = x < 0.0 ? x * soft : x;
                s1 += x * x;
                s2 += p * p;
            }
            break;
        case GRIDFORM_NL_TANH: {
            for (size_t i = 0; i < n; i++)
                s1 += u[i] * u[i];
            double r = sqrt(s1 / (double)n);
            if (r > 0.0 && isfinite(r)) {
                double c = l->strength, a = c / r, b = r / c;
                for (size_t i = 0; i < n; i++) {
                    double x = b * tanh(a * u[i]);
                    s2 += x * x;
                    u[i] = x;
                }
            } else {
                s2 = s1;
            }
            break;
        }
        default:
            for (size_t i = 0; i < n; i++)
                s1 += u[i] * u[i];
            s2 = s1;
            break;
        }
        if (!isfinite(s1) || !isfinite(s2))
            return diverged(l, j, "became NaN or Inf", 0.0);
        if (!(s2 > 0.0))
            return diverged(l, j, "vanished (all zero)", 0.0);
        double rho = sqrt(s1 * da) / l->nrm[j];
        l->logv[j] += log(rho);
        if (l->logv[j] < l->logmin[j])
            l->logmin[j] = l->logv[j];
        if (l->logv[j] - l->logmin[j] > GRIDFORM__LEARNER_RUNAWAY_LOG)
            return diverged(l, j, "grew", exp(l->logv[j] - l->logmin[j]));
        double scale = 1.0 / sqrt(s2 * da), d = 0.0;
        if (nl == GRIDFORM_NL_RELU) {
            double sc = sign * scale;
            for (size_t i = 0; i < n; i++) {
                double x = u[i] * sc;
                x = x > 0.0 ? x : 0.0;
                double e = x - old[i];
                d += e * e;
                u[i] = x;
            }
        } else if (nl == GRIDFORM_NL_SOFT) {
            for (size_t i = 0; i < n; i++) {
                double x = u[i] * scale;
                x = x < 0.0 ? x * soft : x;
                double e = x - old[i];
                d += e * e;
                u[i] = x;
            }
        } else {
            for (size_t i = 0; i < n; i++) {
                double x = u[i] * scale, e = x - old[i];
                d += e * e;
                u[i] = x;
            }
        }
        if (want_change) {
            d = sqrt(d * da) / l->nrm[j];
            if (d > maxchg)
                maxchg = d;
        }
    }

    /* Commit: the new maps become the state by a pointer swap. */
    if (out == work) {
        l->b = g;
    } else {
        l->a = g;
    }
    l->g = out;
    for (size_t j = 0; j < ng; j++)
        l->nrm[j] = 1.0;
    l->steps++;
    l->time += l->dt;
    if (want_change)
        l->last_change = maxchg / (l->dt * (l->smax > 0.0 ? l->smax : 1.0));
    return GRIDFORM_OK;
}

void gridform__learner_rayleigh(gridform_learner *l, double *per_map)
{
    fftw_execute_dft_r2c(l->fwd, l->g, (fftw_complex *)l->a);
    for (size_t j = 0; j < l->ng; j++) {
        const double *row = l->a + j * l->cstride;
        double sw = 0.0, sws = 0.0;
        for (size_t k = 0; k < l->nfreq; k++) {
            double p = row[2 * k] * row[2 * k] + row[2 * k + 1] * row[2 * k + 1];
            sw += l->wt[k] * p;
            sws += l->wsig[k] * p;
        }
        per_map[j] = sw > 0.0 ? sws / sw : 0.0;
    }
}

void gridform__learner_update_factors(gridform_learner *l)
{
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
}
