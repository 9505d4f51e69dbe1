/* libgridform: the learner on an EXACT kernel (Sigma = P P^T / np of the
 * actual cells, e.g. in a walled arena), where Sigma is no Fourier
 * multiplier: the linear part is applied by gridform_kernel_apply, so only
 * the explicit Euler step exists,
 *
 *     G' = G + dt (Sigma - lambda0) G - dt L G,   then N, then renormalise,
 *
 * the same rule as on Fourier kernels (learner_step.c), with L and the
 * coupling matrix M = G (Sigma G)^T dA formed in real space by BLAS. */
#include "config.h"
#include <math.h>
#include <string.h>
#include <cblas.h>
#include "learner_impl.h"

/* lambda0 for an EXACT kernel: P P^T / np is positive semidefinite, so its
 * spectrum lies in [0, lambda_max].  Power iteration from a fixed random
 * map estimates lambda_max from below; 3% on top makes lambda0 an upper
 * bound in practice, so the Euler factor 1 + dt (Sigma - lambda0) stays in
 * [-1, 1] for dt <= 2/lambda0 and no mode grows. */
int gridform__learner_exact_setup(gridform_learner *l)
{
    double *v = l->a, *w = l->b;
    size_t n = l->n;
    gridform__rng r;
    gridform__rng_seed(&r, 0x9e3779b97f4a7c15u);
    for (size_t i = 0; i < n; i++)
        v[i] = gridform__rng_uniform(&r) - 0.5;
    double est = 0.0;
    for (int it = 0; it < 200; it++) {
        double vv = 0.0;
        for (size_t i = 0; i < n; i++)
            vv += v[i] * v[i];
        if (!(vv > 0.0) || !isfinite(vv))
            return GRIDFORM_EUNDEFINED;
        double s = 1.0 / sqrt(vv);
        for (size_t i = 0; i < n; i++)
            v[i] *= s;
        if (gridform_kernel_apply(l->kernel, v, w, 1) != GRIDFORM_OK)
            return GRIDFORM_EINVAL;
        double q = 0.0;
        for (size_t i = 0; i < n; i++)
            q += v[i] * w[i];
        double prev = est;
        est = q;
        double *t = v;
        v = w;
        w = t;
        if (it > 20 && fabs(est - prev) <= 1e-12 * fabs(est))
            break;
    }
    if (!(est > 0.0) || !isfinite(est))
        return GRIDFORM_EUNDEFINED;
    l->smax = 1.03 * est;
    l->smin = 0.0;
    l->lambda0 = l->smax;
    return GRIDFORM_OK;
}

int gridform__learner_step_exact(gridform_learner *l, int want_change)
{
    size_t ng = l->ng, n = l->n;
    double *g = l->g, *h = l->a, *x = l->b, *m = l->m;
    double dt = l->dt, a = 1.0 - dt * l->lambda0, da = l->da;
    if (gridform_kernel_apply(l->kernel, g, h, ng) != GRIDFORM_OK)
        return GF_FAIL(&l->err, GRIDFORM_EINVAL, "the kernel failed to apply: %s",
                       gridform_kernel_last_error(l->kernel));
    int coupled = l->coupling != GRIDFORM_COUPLING_INDEPENDENT;
    if (coupled) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)ng, (int)ng, (int)n, da, g, (int)n, h, (int)n,
                    0.0, m, (int)ng);
        for (size_t j = 0; j < ng; j++) {
            l->rq[j] = m[j * ng + j] / (l->nrm[j] * l->nrm[j]);
            m[j * ng + j] = 0.0;
        }
        if (l->coupling == GRIDFORM_COUPLING_SANGER) {
            memcpy(x, g, ng * n * sizeof(double));
            cblas_dtrmm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int)ng, (int)n, 1.0, m,
                        (int)ng, x, (int)n);
        } else {
            cblas_dsymm(CblasRowMajor, CblasLeft, CblasLower, (int)ng, (int)n, 1.0, m, (int)ng, g, (int)n, 0.0, x,
                        (int)n);
        }
    }
    gridform__learner_slot *slot = &l->slots[0];
    slot->bad_map = SIZE_MAX;
    slot->maxchg = 0.0;
    for (size_t j = 0; j < ng; j++) {
        double *u = h + j * n;
        const double *gj = g + j * n;
        if (coupled) {
            const double *xj = x + j * n;
            for (size_t i = 0; i < n; i++)
                u[i] = a * gj[i] + dt * (u[i] - xj[i]);
        } else {
            double q = 0.0;
            for (size_t i = 0; i < n; i++) {
                q += gj[i] * u[i];
                u[i] = a * gj[i] + dt * u[i];
            }
            l->rq[j] = q * da / (l->nrm[j] * l->nrm[j]);
        }
        if (gridform__learner_finish_map(l, j, u, gj, want_change, slot) != GRIDFORM_OK)
            return gridform__learner_diverged(l, slot->bad_map, slot->what, slot->factor);
    }
    l->a = g;
    l->g = h;
    for (size_t j = 0; j < ng; j++)
        l->nrm[j] = 1.0;
    l->steps++;
    l->time += dt;
    if (want_change)
        l->last_change = slot->maxchg / (dt * l->smax);
    return GRIDFORM_OK;
}

void gridform__learner_rayleigh_exact(gridform_learner *l, double *per_map)
{
    size_t n = l->n;
    /* kernel_apply was validated at create; a failure leaves zeros. */
    if (gridform_kernel_apply(l->kernel, l->g, l->a, l->ng) != GRIDFORM_OK)
        memset(l->a, 0, l->ng * n * sizeof(double));
    for (size_t j = 0; j < l->ng; j++) {
        const double *gj = l->g + j * n, *hj = l->a + j * n;
        double gg = 0.0, gh = 0.0;
        for (size_t i = 0; i < n; i++) {
            gg += gj[i] * gj[i];
            gh += gj[i] * hj[i];
        }
        per_map[j] = gg > 0.0 ? gh / gg : 0.0;
    }
}
