/* libgridform: the top of an EXACT kernel's spectrum (Sigma = P P^T / np
 * of the actual cells, e.g. in a walled arena), which is no Fourier
 * multiplier: the step (learner_step.c) applies it through
 * gridform_kernel_apply and needs its largest eigenvalue for lambda0 and
 * the stability limit.  A leaf: calls only the kernel. */
#include "config.h"
#include <math.h>
#include "learner_step.h"

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
