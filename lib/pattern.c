/* libgridform: amplitude-equation coefficients derived from a kernel and a
 * nonlinearity, and the nonnegativity-penalised objective of a map
 * (doc/theory.md §3.5 and §3.7; the derivation is written out in
 * gridform_amplitude(3)).
 *
 * Both work in the dimensionless field u = g / rho, rho = (lx ly)^(-1/2),
 * the root mean square of a unit-norm map (int g^2 dA = 1), so <u^2> = 1
 * and the penalties do not depend on the arena's size. */
#include "config.h"
#include <math.h>
#include "internal.h"
#include "amplitude_internal.h"
#include "kernel_internal.h"
#include "kernel_op.h"
#include <string.h>

static int check_nonlinearity(gridform__errbuf *eb, const char *func, int nl, double strength)
{
    if (nl < GRIDFORM_NL_LINEAR || nl > GRIDFORM_NL_TANH)
        return gridform__fail(eb, GRIDFORM_EINVAL, func,
                              "nonlinearity must be GRIDFORM_NL_LINEAR (%d), _RELU (%d), _SOFT (%d) or _TANH (%d), got %d",
                              GRIDFORM_NL_LINEAR, GRIDFORM_NL_RELU, GRIDFORM_NL_SOFT, GRIDFORM_NL_TANH, nl);
    if (!isfinite(strength) || strength < 0)
        return gridform__fail(eb, GRIDFORM_EINVAL, func, "strength must be finite and >= 0, got %g", strength);
    return GRIDFORM_OK;
}

/* E[tanh(u) He3(u)] for u ~ N(0, 1), He3 = u^3 - 3u, by composite Simpson
 * on [0, 12] using the symmetry of the integrand (the tail beyond 12 is
 * below 1e-30).  About -0.3636. */
static double tanh_he3_moment(void)
{
    const int n = 2400;   /* even */
    const double h = 12.0 / n;
    double sum = 0;
    for (int i = 0; i <= n; i++) {
        double u = i * h;
        double f = tanh(u) * (u * u * u - 3 * u) * exp(-0.5 * u * u);
        double w = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
        sum += w * f;
    }
    /* twice the half-line integral, times the Gaussian normalisation */
    return 2 * (h / 3) * sum / sqrt(2 * GF_PI);
}

int gridform_amplitude_from_kernel(gridform_amplitude *a, const gridform_kernel *k, int nonlinearity,
                                   double strength)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    gridform__errbuf *eb = gridform__amplitude_errbuf(a);
    GF_CHECK_PTR(eb, k);
    int rc = check_nonlinearity(eb, __func__, nonlinearity, strength);
    if (rc != GRIDFORM_OK)
        return rc;
    /* The hard projection has no strength of its own: the rate at which it
     * is applied (1/dt for a learner of step dt) must be given. */
    if (nonlinearity == GRIDFORM_NL_RELU && !(strength > 0))
        return GF_FAIL(eb, GRIDFORM_EINVAL,
                       "RELU needs its projection rate as strength (> 0, e.g. 1/dt), got %g", strength);
    double kstar, spacing, sig;
    char why[GRIDFORM_ERRMSG_MAX];
    rc = gridform__kernel_ring_continuum(k, &kstar, &spacing);
    if (rc != GRIDFORM_OK) {
        /* copy: the detail lives in the buffer GF_FAIL writes */
        snprintf(why, sizeof why, "%s", gridform_last_error());
        return GF_FAIL(eb, rc, "the kernel has no ring (%s)", why);
    }
    rc = gridform_kernel_radial_profile(k, &kstar, 1, &sig);
    if (rc != GRIDFORM_OK) {
        snprintf(why, sizeof why, "%s", gridform_last_error());
        return GF_FAIL(eb, rc, "cannot evaluate Sigma~ at k* = %g (%s)", kstar, why);
    }
    if (!isfinite(sig) || !(sig > 0))
        return GF_FAIL(eb, GRIDFORM_EUNDEFINED, "Sigma~(k*) = %g at k* = %g is not positive", sig, kstar);
    /* Hermite coefficients c2 (quadratic) and c3 (cubic) of the penalty
     * force psi(u) at unit variance, psi(u) ~ sum_n c_n He_n(u),
     * c_n = E[psi He_n] / n!:
     *   SOFT: psi = 2 min(u, 0), the gradient of the penalty min(u,0)^2
     *     (the learner's proximal step x <- x/(1 + 2 strength dt) on
     *     negatives):  c2 = -1/sqrt(2 pi), c3 = 0
     *     (min(u,0) = u/2 - |u|/2; |u| is even, so every odd c_n >= 3 vanishes);
     *   RELU: the projection u <- max(u, 0) at rate strength moves u by
     *     -min(u, 0) per application: psi = min(u, 0), c2 = -1/(2 sqrt(2 pi));
     *   TANH: psi = u - tanh(u): odd, so c2 = 0 exactly;
     *     c3 = -E[tanh(u) He3(u)]/6 ~ 0.0606;
     *   LINEAR: psi = 0. */
    double c2 = 0, c3 = 0;
    switch (nonlinearity) {
    case GRIDFORM_NL_RELU:
        c2 = -1.0 / (2.0 * sqrt(2.0 * GF_PI));
        break;
    case GRIDFORM_NL_SOFT:
        c2 = -1.0 / sqrt(2.0 * GF_PI);
        break;
    case GRIDFORM_NL_TANH:
        c3 = -tanh_he3_moment() / 6.0;
        break;
    default:
        break;
    }
    /* Projection on the ring triad (Cross and Hohenberg 1993, section VI):
     * the u^2 term gives 2 conj(A2) conj(A3) on mode 1, the u^3 term
     * (3 |A1|^2 + 6 |A2|^2 + 6 |A3|^2) A1, and the Oja multiplier
     * <u Sigma u> u gives 2 Sigma~(k*) (|A1|^2 + |A2|^2 + |A3|^2) A1. */
    double mu = sig;
    double gamma = (c2 == 0) ? 0.0 : -2.0 * strength * c2;   /* +0, never -0, for the odd ones */
    double g0 = 2.0 * sig + 3.0 * strength * c3;
    double g1 = 2.0 * sig + 6.0 * strength * c3;
    rc = gridform__amplitude_check_coefficients(eb, __func__, mu, gamma, g0, g1);
    if (rc != GRIDFORM_OK)
        return rc;
    return gridform__amplitude_store(a, mu, gamma, g0, g1);
}

/* ln cosh u without overflow. */
static double log_cosh(double u)
{
    double x = fabs(u);
    return x + log1p(exp(-2.0 * x)) - log(2.0);
}

int gridform_pattern_objective(const gridform_kernel *k, const double *map, int nonlinearity, double strength,
                               double *value)
{
    if (k == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "k must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&k->err;
    GF_CHECK_PTR(eb, map);
    GF_CHECK_PTR(eb, value);
    int rc = check_nonlinearity(eb, __func__, nonlinearity, strength);
    if (rc != GRIDFORM_OK)
        return rc;
    const gridform_arena *ar = k->arena;
    size_t n = ar->npoints;
    double dA = (ar->lx / (double)ar->nx) * (ar->ly / (double)ar->ny);
    double area = ar->lx * ar->ly;
    double *g = gridform__aligned_doubles(n), *sg = gridform__aligned_doubles(n);
    if (g == NULL || sg == NULL) {
        gridform__aligned_free(g);
        gridform__aligned_free(sg);
        return GF_FAIL(eb, GRIDFORM_ENOMEM, "cannot allocate 2 x %zu doubles", n);
    }
    double amax = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(map[i])) {
            rc = GF_FAIL(eb, GRIDFORM_EINVAL, "map[%zu] is not finite", i);
            goto done;
        }
        /* hard RELU scores the rectified map */
        g[i] = (nonlinearity == GRIDFORM_NL_RELU && map[i] < 0) ? 0.0 : map[i];
        if (fabs(g[i]) > amax)
            amax = fabs(g[i]);
    }
    if (!(amax > 0)) {
        rc = GF_FAIL(eb, GRIDFORM_EUNDEFINED, "%s map is zero: it has no unit-norm version",
                     nonlinearity == GRIDFORM_NL_RELU ? "the rectified" : "the");
        goto done;
    }
    /* Divide by the largest value first, so the norm can neither overflow
     * nor underflow. */
    double norm2 = 0;
    for (size_t i = 0; i < n; i++) {
        g[i] /= amax;
        norm2 += g[i] * g[i];
    }
    double inv = 1.0 / sqrt(norm2 * dA);
    for (size_t i = 0; i < n; i++)
        g[i] *= inv;
    rc = gridform_kernel_apply(k, g, sg, 1);
    if (rc != GRIDFORM_OK) {
        char why[GRIDFORM_ERRMSG_MAX];
        snprintf(why, sizeof why, "%s", gridform_last_error());
        rc = GF_FAIL(eb, rc, "applying the kernel failed (%s)", why);
        goto done;
    }
    double quad = 0, pen = 0, rho_inv = sqrt(area);
    for (size_t i = 0; i < n; i++) {
        quad += g[i] * sg[i];
        double u = g[i] * rho_inv;
        if (nonlinearity == GRIDFORM_NL_SOFT)
            pen += u < 0 ? 2.0 * u * u : 0.0;
        else if (nonlinearity == GRIDFORM_NL_TANH)
            pen += u * u - 2.0 * log_cosh(u);
    }
    quad *= dA;
    pen /= (double)n;
    double v = quad - strength * pen;
    if (!isfinite(v)) {
        rc = GF_FAIL(eb, GRIDFORM_EDIVERGED, "the objective is not finite");
        goto done;
    }
    *value = v;
    rc = GRIDFORM_OK;
done:
    gridform__aligned_free(g);
    gridform__aligned_free(sg);
    return rc;
}
