/* libgridform: the three-wave amplitude equations of hexagon/stripe
 * competition (Cross and Hohenberg, Rev. Mod. Phys. 65, 1993, section VI;
 * Ciliberto, Coullet, Lega, Pampaloni and Perez-Garcia, Phys. Rev. Lett. 65,
 * 1990), doc/theory.md §3.4:
 *
 *   dA1/dt = mu A1 + gamma conj(A2) conj(A3) - A1 (g0 |A1|^2 + g1 (|A2|^2 + |A3|^2))
 *
 * and cyclic.  Coefficients derived from a kernel live in lib/pattern.c. */
#include "config.h"
#include <math.h>
#include "internal.h"
#include "amplitude_internal.h"

/* Default relative tolerance of the classifier. */
#define AMP_DEFAULT_TOL 0.01

struct gridform_amplitude {
    gridform__errbuf err;
    double mu, gamma, g0, g1;
    double state[6];
    double time;
    double tol;
};

int gridform_amplitude_create(gridform_amplitude **out)
{
    if (out == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "out must not be NULL");
    *out = NULL;
    gridform_amplitude *a = gridform__calloc(1, sizeof *a);
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate the amplitude equations");
    /* Defaults: a unit growth rate, no triad term, the g1 = 2 g0 of a local
     * cubic saturation on the ring (see gridform_amplitude(3)). */
    a->mu = 1.0;
    a->gamma = 0.0;
    a->g0 = 1.0;
    a->g1 = 2.0;
    a->tol = AMP_DEFAULT_TOL;
    *out = a;
    return GRIDFORM_OK;
}

void gridform_amplitude_destroy(gridform_amplitude *a)
{
    gridform__free(a);
}

const char *gridform_amplitude_last_error(const gridform_amplitude *a)
{
    return gridform__errtext(a != NULL ? &a->err : NULL);
}

int gridform__amplitude_check_coefficients(gridform__errbuf *eb, const char *func, double mu, double gamma,
                                           double g0, double g1)
{
    if (!isfinite(mu) || !isfinite(gamma) || !isfinite(g0) || !isfinite(g1))
        return gridform__fail(eb, GRIDFORM_EINVAL, func,
                              "coefficients must be finite, got mu=%g gamma=%g g0=%g g1=%g", mu, gamma, g0, g1);
    /* g0 > 0 and g0 + 2 g1 > 0 make the quartic part of the Lyapunov
     * functional copositive, so every orbit stays bounded. */
    if (!(g0 > 0) || !(g0 + 2 * g1 > 0))
        return gridform__fail(eb, GRIDFORM_EINVAL, func,
                              "need g0 > 0 and g0 + 2 g1 > 0 for saturation, got g0=%g g1=%g", g0, g1);
    if (!isfinite(g0 + 2 * g1) || !isfinite(g1 - g0))
        return gridform__fail(eb, GRIDFORM_ERANGE, func,
                              "g0 + 2 g1 or g1 - g0 overflows double (g0=%g g1=%g)", g0, g1);
    return GRIDFORM_OK;
}

int gridform__amplitude_store(gridform_amplitude *a, double mu, double gamma, double g0, double g1)
{
    a->mu = mu;
    a->gamma = gamma;
    a->g0 = g0;
    a->g1 = g1;
    return GRIDFORM_OK;
}

gridform__errbuf *gridform__amplitude_errbuf(gridform_amplitude *a)
{
    return &a->err;
}

int gridform_amplitude_set_coefficients(gridform_amplitude *a, double mu, double gamma, double g0, double g1)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    int rc = gridform__amplitude_check_coefficients(&a->err, __func__, mu, gamma, g0, g1);
    if (rc != GRIDFORM_OK)
        return rc;
    return gridform__amplitude_store(a, mu, gamma, g0, g1);
}

int gridform_amplitude_get_coefficients(const gridform_amplitude *a, double *mu, double *gamma, double *g0,
                                        double *g1)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&a->err;
    if (mu == NULL && gamma == NULL && g0 == NULL && g1 == NULL)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "mu, gamma, g0 and g1 must not all be NULL");
    if (mu) *mu = a->mu;
    if (gamma) *gamma = a->gamma;
    if (g0) *g0 = a->g0;
    if (g1) *g1 = a->g1;
    return GRIDFORM_OK;
}

int gridform_amplitude_set_state(gridform_amplitude *a, const double *state)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    GF_CHECK_PTR(&a->err, state);
    for (int i = 0; i < 6; i++)
        if (!isfinite(state[i]))
            return GF_FAIL(&a->err, GRIDFORM_EINVAL, "state[%d] must be finite, got %g", i, state[i]);
    for (int i = 0; i < 6; i++)
        a->state[i] = state[i];
    a->time = 0;
    return GRIDFORM_OK;
}

int gridform_amplitude_get_state(const gridform_amplitude *a, double *state)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    GF_CHECK_PTR((gridform__errbuf *)&a->err, state);
    for (int i = 0; i < 6; i++)
        state[i] = a->state[i];
    return GRIDFORM_OK;
}

int gridform_amplitude_seed(gridform_amplitude *a, uint64_t seed, double amplitude)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    if (!isfinite(amplitude) || amplitude <= 0)
        return GF_FAIL(&a->err, GRIDFORM_EINVAL, "amplitude must be finite and > 0, got %g", amplitude);
    gridform__rng r;
    gridform__rng_seed(&r, seed);
    for (int i = 0; i < 6; i++)
        a->state[i] = amplitude * (2.0 * gridform__rng_uniform(&r) - 1.0);
    a->time = 0;
    return GRIDFORM_OK;
}

/* Right-hand side of the three equations; s and d are 6 doubles. */
static void amp_rhs(const gridform_amplitude *a, const double *s, double *d)
{
    double n[3];
    for (int j = 0; j < 3; j++)
        n[j] = s[2 * j] * s[2 * j] + s[2 * j + 1] * s[2 * j + 1];
    for (int j = 0; j < 3; j++) {
        int p = (j + 1) % 3, q = (j + 2) % 3;
        double re = s[2 * j], im = s[2 * j + 1];
        /* conj(Ap) conj(Aq) = conj(Ap Aq) */
        double pr = s[2 * p] * s[2 * q] - s[2 * p + 1] * s[2 * q + 1];
        double pi = s[2 * p] * s[2 * q + 1] + s[2 * p + 1] * s[2 * q];
        double sat = a->g0 * n[j] + a->g1 * (n[p] + n[q]);
        d[2 * j] = (a->mu - sat) * re + a->gamma * pr;
        d[2 * j + 1] = (a->mu - sat) * im - a->gamma * pi;
    }
}

int gridform_amplitude_iterate(gridform_amplitude *a, double dt, size_t nsteps)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    if (!isfinite(dt) || dt <= 0)
        return GF_FAIL(&a->err, GRIDFORM_EINVAL, "dt must be finite and > 0, got %g", dt);
    /* Classical fourth-order Runge-Kutta.  The system is only 6-dimensional
     * and not stiff near the patterns it is used for (|eigenvalues| ~ |mu|,
     * gamma R, g R^2), so an explicit scheme with dt |lambda| < 2.7 is stable;
     * a too-large dt shows up as a non-finite state and is reported. */
    double k1[6], k2[6], k3[6], k4[6], t[6], s[6];
    for (int i = 0; i < 6; i++)
        s[i] = a->state[i];
    for (size_t step = 0; step < nsteps; step++) {
        amp_rhs(a, s, k1);
        for (int i = 0; i < 6; i++) t[i] = s[i] + 0.5 * dt * k1[i];
        amp_rhs(a, t, k2);
        for (int i = 0; i < 6; i++) t[i] = s[i] + 0.5 * dt * k2[i];
        amp_rhs(a, t, k3);
        for (int i = 0; i < 6; i++) t[i] = s[i] + dt * k3[i];
        amp_rhs(a, t, k4);
        int finite = 1;
        for (int i = 0; i < 6; i++) {
            t[i] = s[i] + dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
            /* 1e150 squared still fits in a double: beyond it the cubic
             * terms overflow on the next step. */
            if (!isfinite(t[i]) || fabs(t[i]) > 1e150)
                finite = 0;
        }
        if (!finite) {
            for (int i = 0; i < 6; i++)
                a->state[i] = s[i];
            return GF_FAIL(&a->err, GRIDFORM_EDIVERGED,
                           "the state ran away at step %zu (t = %g); use a smaller dt than %g",
                           step + 1, a->time, dt);
        }
        for (int i = 0; i < 6; i++)
            s[i] = t[i];
        a->time += dt;
    }
    for (int i = 0; i < 6; i++)
        a->state[i] = s[i];
    return GRIDFORM_OK;
}

int gridform_amplitude_get_time(const gridform_amplitude *a, double *time)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    GF_CHECK_PTR((gridform__errbuf *)&a->err, time);
    *time = a->time;
    return GRIDFORM_OK;
}

int gridform_amplitude_set_tolerance(gridform_amplitude *a, double tol)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    if (!isfinite(tol) || tol <= 0 || tol >= 1)
        return GF_FAIL(&a->err, GRIDFORM_EINVAL, "tol must be in (0, 1), got %g", tol);
    a->tol = tol;
    return GRIDFORM_OK;
}

/* The amplitude scale of the equations: the stripe amplitude sqrt(|mu|/g0)
 * or the triad scale |gamma|/(g0 + 2 g1), whichever is larger. */
static double amp_scale(const gridform_amplitude *a)
{
    double s1 = sqrt(fabs(a->mu) / a->g0), s2 = fabs(a->gamma) / (a->g0 + 2 * a->g1);
    double s = s1 > s2 ? s1 : s2;
    return s > 0 ? s : 1.0;
}

int gridform_amplitude_classify(const gridform_amplitude *a, int *pattern)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    GF_CHECK_PTR((gridform__errbuf *)&a->err, pattern);
    double r[3];
    for (int j = 0; j < 3; j++)
        r[j] = hypot(a->state[2 * j], a->state[2 * j + 1]);
    double rmax = fmax(r[0], fmax(r[1], r[2])), rmin = fmin(r[0], fmin(r[1], r[2]));
    double rmid = r[0] + r[1] + r[2] - rmax - rmin;
    double tol = a->tol;
    if (rmax <= tol * amp_scale(a)) {
        *pattern = GRIDFORM_PATTERN_NONE;
        return GRIDFORM_OK;
    }
    if (rmid <= tol * rmax) {
        *pattern = GRIDFORM_PATTERN_STRIPES;
        return GRIDFORM_OK;
    }
    if (rmax - rmin <= tol * rmax) {
        /* phase sum Phi = arg(A1 A2 A3) in (-pi, pi] */
        double pr = a->state[0] * a->state[2] - a->state[1] * a->state[3];
        double pi = a->state[0] * a->state[3] + a->state[1] * a->state[2];
        double qr = pr * a->state[4] - pi * a->state[5];
        double qi = pr * a->state[5] + pi * a->state[4];
        double phi = atan2(qi, qr);
        if (fabs(phi) <= tol * GF_PI) {
            *pattern = GRIDFORM_PATTERN_HEXAGONS;
            return GRIDFORM_OK;
        }
        if (fabs(phi) >= (1 - tol) * GF_PI) {
            *pattern = GRIDFORM_PATTERN_HEXAGONS_PI;
            return GRIDFORM_OK;
        }
    }
    *pattern = GRIDFORM_PATTERN_MIXED;
    return GRIDFORM_OK;
}

static int amp_check_pattern(gridform__errbuf *eb, const char *func, int pattern)
{
    if (pattern < GRIDFORM_PATTERN_NONE || pattern > GRIDFORM_PATTERN_MIXED)
        return gridform__fail(eb, GRIDFORM_EINVAL, func,
                              "pattern must be one of GRIDFORM_PATTERN_NONE (%d) .. GRIDFORM_PATTERN_MIXED (%d), got %d",
                              GRIDFORM_PATTERN_NONE, GRIDFORM_PATTERN_MIXED, pattern);
    return GRIDFORM_OK;
}

/* Hexagons with phase sum 0 (sign = +1) or pi (sign = -1): the phase sum
 * turns gamma into gamma_eff = sign gamma; R solves
 * (g0 + 2 g1) R^2 - gamma_eff R - mu = 0 and the upper root is returned. */
static int amp_hex_root(const gridform_amplitude *a, double gamma_eff, double *R)
{
    double S = a->g0 + 2 * a->g1;
    /* R solves S R^2 - gamma R - mu = 0: the upper root
     * (gamma + sqrt(gamma^2 + 4 mu S)) / (2 S).  The discriminant is
     * formed over s^2, s = max(|gamma|, 2 sqrt(|mu| S)), so coefficients
     * anywhere in double's range do not overflow it (mu = 1.5e287 made it
     * Inf, found by tests/fuzz/fuzz_config); the caller checks that the
     * root itself is finite. */
    double t = 2.0 * sqrt(fabs(a->mu)) * sqrt(S);
    double sc = fmax(fabs(gamma_eff), t);
    if (!(sc > 0) || !isfinite(sc))
        return 0;
    double g = gamma_eff / sc, q = t / sc;
    double d = g * g + (a->mu >= 0 ? q * q : -(q * q));
    if (d < 0)
        return 0;
    double r = (g + sqrt(d)) * (sc / (2 * S));
    if (!(r > 0))
        return 0;
    *R = r;
    return 1;
}

int gridform_amplitude_stability(const gridform_amplitude *a, int pattern, int *exists, int *stable)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&a->err;
    int rc = amp_check_pattern(eb, __func__, pattern);
    if (rc != GRIDFORM_OK)
        return rc;
    GF_CHECK_PTR(eb, exists);
    GF_CHECK_PTR(eb, stable);
    double mu = a->mu, gamma = a->gamma, g0 = a->g0, g1 = a->g1, R;
    *exists = 0;
    *stable = 0;
    switch (pattern) {
    case GRIDFORM_PATTERN_NONE:
        *exists = 1;
        *stable = mu < 0;
        break;
    case GRIDFORM_PATTERN_STRIPES:
        /* A1 = sqrt(mu/g0): the amplitude mode decays at -2 mu; the pair
         * (A2, conj A3) grows at mu (1 - g1/g0) +- |gamma| R. */
        if (mu > 0) {
            R = sqrt(mu) / sqrt(g0);   /* not sqrt(mu / g0): the ratio may overflow */
            *exists = 1;
            /* divided by R > 0 (mu = g0 R^2), with no product that can
             * overflow into Inf - Inf */
            *stable = R * (g0 - g1) + fabs(gamma) < 0;
        }
        break;
    case GRIDFORM_PATTERN_HEXAGONS:
    case GRIDFORM_PATTERN_HEXAGONS_PI: {
        double ge = (pattern == GRIDFORM_PATTERN_HEXAGONS) ? gamma : -gamma;
        if (amp_hex_root(a, ge, &R)) {
            double S = g0 + 2 * g1;
            /* Eigenvalues at the upper branch: the in-phase amplitude mode
             * ge R - 2 S R^2, the two out-of-phase amplitude modes
             * 2 (g1 - g0) R^2 - 2 ge R and the phase-sum mode -3 ge R (the
             * two translation modes are neutral).  Only their signs
             * matter: each is taken divided by R > 0, so no product of
             * coefficients near double's limits overflows into Inf - Inf. */
            double lsym = 0.5 * ge - S * R;
            double lasym = (g1 - g0) * R - ge;
            double lphase = -ge;
            *exists = 1;
            /* gamma = 0: the phase sum is neutral (any phase sum is a
             * hexagon), so only the amplitude modes decide. */
            *stable = lsym < 0 && lasym < 0 && (lphase < 0 || gamma == 0);
        }
        break;
    }
    default: {
        /* Mixed states A1 = a, A2 = A3 = b with a = |gamma|/(g1 - g0),
         * b^2 = (mu - g0 a^2)/(g0 + g1): they connect stripes and hexagons
         * between mu3 and mu4 and are always unstable (Ciliberto et al. 1990). */
        if (gamma != 0 && g1 > g0) {
            double aa = fabs(gamma) / (g1 - g0);
            double b2 = (mu - g0 * aa * aa) / (g0 + g1);
            *exists = b2 > 0 && b2 < aa * aa;
        }
        break;
    }
    }
    return GRIDFORM_OK;
}

int gridform_amplitude_fixed_point(const gridform_amplitude *a, int pattern, double *amplitude)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&a->err;
    int rc = amp_check_pattern(eb, __func__, pattern);
    if (rc != GRIDFORM_OK)
        return rc;
    GF_CHECK_PTR(eb, amplitude);
    double R;
    switch (pattern) {
    case GRIDFORM_PATTERN_NONE:
        *amplitude = 0;
        return GRIDFORM_OK;
    case GRIDFORM_PATTERN_STRIPES:
        if (!(a->mu > 0))
            return GF_FAIL(eb, GRIDFORM_EUNDEFINED, "stripes need mu > 0, have mu = %g", a->mu);
        R = sqrt(a->mu) / sqrt(a->g0);
        if (!isfinite(R))
            return GF_FAIL(eb, GRIDFORM_ERANGE, "the stripe amplitude sqrt(mu / g0) overflows (mu = %g, g0 = %g)",
                           a->mu, a->g0);
        *amplitude = R;
        return GRIDFORM_OK;
    case GRIDFORM_PATTERN_HEXAGONS:
    case GRIDFORM_PATTERN_HEXAGONS_PI:
        if (!amp_hex_root(a, pattern == GRIDFORM_PATTERN_HEXAGONS ? a->gamma : -a->gamma, &R))
            return GF_FAIL(eb, GRIDFORM_EUNDEFINED, "no %s fixed point at mu = %g, gamma = %g",
                           pattern == GRIDFORM_PATTERN_HEXAGONS ? "hexagon" : "pi-hexagon", a->mu, a->gamma);
        if (!isfinite(R))
            return GF_FAIL(eb, GRIDFORM_ERANGE, "the %s amplitude overflows (mu = %g, gamma = %g, g0 + 2 g1 = %g)",
                           pattern == GRIDFORM_PATTERN_HEXAGONS ? "hexagon" : "pi-hexagon", a->mu, a->gamma,
                           a->g0 + 2 * a->g1);
        *amplitude = R;
        return GRIDFORM_OK;
    default:
        return GF_FAIL(eb, GRIDFORM_EUNDEFINED, "mixed states have two distinct amplitudes");
    }
}
