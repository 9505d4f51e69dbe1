/* libgridform: the shared integrator room -- phi-functions, ETD
 * coefficient tables, the ETD1/ETD2RK combinations and the PI controller
 * (lib/integrator.h, doc/theory.md §2.9). */
#include "config.h"
#include <math.h>
#include "internal.h"
#include "integrator.h"

/* Below this |z| the phi-functions are summed from their Taylor series:
 * phi_k(z) = sum_m z^m / (m + k)!.  The recurrence
 * phi_{k+1} = (phi_k - 1/k!)/z subtracts nearly equal numbers for small z
 * (Kassam & Trefethen 2005, section 2); at |z| >= 1 it loses at most a
 * factor 3 (phi_2(-1) - 1/2 = -0.13), and below 1 the series converges
 * to round-off within GF_PHI_TERMS terms (1/20! = 4e-19). */
#define GF_PHI_SERIES 1.0
#define GF_PHI_TERMS 20

static double phi_series(double z, int k)
{
    /* Horner from the top term: sum_{m=0}^{T-1} z^m / (m+k)!, written as
     * (1/k!) (1 + z/(k+1) (1 + z/(k+2) (1 + ...))). */
    double s = 1.0;
    for (int m = GF_PHI_TERMS - 1; m >= 1; m--)
        s = 1.0 + z * s / (double)(m + k);
    double f = 1.0;
    for (int i = 2; i <= k; i++)
        f *= (double)i;
    return s / f;
}

void gridform__phi(double z, double *phi1, double *phi2, double *phi3)
{
    double p1, p2, p3;
    if (fabs(z) < GF_PHI_SERIES) {
        p1 = phi_series(z, 1);
        p2 = phi_series(z, 2);
        p3 = phi_series(z, 3);
    } else if (z == -INFINITY) {
        p1 = p2 = p3 = 0.0;
    } else {
        p1 = expm1(z) / z;
        p2 = (p1 - 1.0) / z;
        p3 = (p2 - 0.5) / z;
    }
    if (phi1) *phi1 = p1;
    if (phi2) *phi2 = p2;
    if (phi3) *phi3 = p3;
}

int gridform__etd_coeffs_init(gridform__etd_coeffs *c, size_t n, double scale)
{
    c->n = n;
    c->h = 0.0;
    c->scale = scale;
    c->e = gridform__malloc_array(n, sizeof(double));
    c->p1 = gridform__malloc_array(n, sizeof(double));
    c->p2 = gridform__malloc_array(n, sizeof(double));
    if (c->e == NULL || c->p1 == NULL || c->p2 == NULL) {
        gridform__etd_coeffs_free(c);
        return GRIDFORM_ENOMEM;
    }
    return GRIDFORM_OK;
}

void gridform__etd_coeffs_free(gridform__etd_coeffs *c)
{
    gridform__free(c->e);
    gridform__free(c->p1);
    gridform__free(c->p2);
    c->e = c->p1 = c->p2 = NULL;
    c->n = 0;
    c->h = 0.0;
}

int gridform__etd_coeffs_update(gridform__etd_coeffs *c, const double *lin, double h, int force)
{
    if (!force && h == c->h)
        return 0;
    for (size_t k = 0; k < c->n; k++) {
        double z = h * lin[k], p1, p2;
        gridform__phi(z, &p1, &p2, NULL);
        c->e[k] = c->scale * exp(z);
        c->p1[k] = c->scale * h * p1;
        c->p2[k] = c->scale * h * p2;
    }
    c->h = h;
    return 1;
}

void gridform__etd1_combine(const gridform__etd_coeffs *c, size_t k0, size_t k1, size_t ncomp,
                            const double *u, const double *nu, double *a)
{
    const double *restrict e = c->e, *restrict p1 = c->p1;
    for (size_t k = k0; k < k1; k++)
        for (size_t q = 0; q < ncomp; q++) {
            size_t i = ncomp * k + q;
            a[i] = e[k] * u[i] + p1[k] * nu[i];
        }
}

void gridform__etd2_combine(const gridform__etd_coeffs *c, size_t k0, size_t k1, size_t ncomp,
                            const double *u, const double *nu, const double *na, double *out)
{
    const double *restrict e = c->e, *restrict p1 = c->p1, *restrict p2 = c->p2;
    for (size_t k = k0; k < k1; k++)
        for (size_t q = 0; q < ncomp; q++) {
            size_t i = ncomp * k + q;
            out[i] = e[k] * u[i] + p1[k] * nu[i] + p2[k] * (na[i] - nu[i]);
        }
}

/* ---- PI control ---------------------------------------------------------- */

void gridform__pi_init(gridform__pi *pi, int p)
{
    pi->k1 = 0.8;
    pi->k2 = -0.31;
    pi->safety = 0.9;
    pi->grow_max = 4.0;
    pi->shrink_min = 0.25;
    pi->order = p + 1;
    gridform__pi_reset(pi);
}

void gridform__pi_reset(gridform__pi *pi)
{
    pi->err_prev = 1.0;
    pi->after_reject = 0;
}

/* An error of exactly 0 (a fixed point reached to round-off) would ask
 * for an infinite step: it counts as this tiny error instead, so the
 * growth limit decides. */
#define GF_PI_ERR_FLOOR 1e-10

int gridform__pi_decide(gridform__pi *pi, double err, double h, double *hnext)
{
    double ord = (double)pi->order, fac;
    if (!(err <= 1.0)) {   /* rejected, also for NaN */
        fac = isfinite(err) ? pi->safety * pow(err, -1.0 / ord) : pi->shrink_min;
        if (!(fac >= pi->shrink_min))
            fac = pi->shrink_min;
        if (fac > pi->safety)
            fac = pi->safety;
        pi->after_reject = 1;
        *hnext = h * fac;
        return 0;
    }
    double e = err > GF_PI_ERR_FLOOR ? err : GF_PI_ERR_FLOOR;
    double ep = pi->err_prev > GF_PI_ERR_FLOOR ? pi->err_prev : GF_PI_ERR_FLOOR;
    fac = pi->safety * pow(e, -pi->k1 / ord) * pow(ep, -pi->k2 / ord);
    if (fac > pi->grow_max)
        fac = pi->grow_max;
    if (fac < pi->shrink_min)
        fac = pi->shrink_min;
    if (pi->after_reject && fac > 1.0)
        fac = 1.0;
    pi->after_reject = 0;
    pi->err_prev = e;
    *hnext = h * fac;
    return 1;
}
