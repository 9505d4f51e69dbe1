/* libgridform: the gain normalisation of the attractor network with a
 * real-space kernel (doc/theory.md §5.5).
 *
 * On the torus J = gain Sigma / c with c the largest Sigma~ at k != 0, so
 * that gain is the growth factor of the most unstable non-uniform mode
 * (Sorscher, Mel, Ganguli, Ocko, NeurIPS 2019, section 5: the network's
 * linearisation -r + J r has the kernel's eigenmodes).  With a real-space
 * kernel (walls, a shape) the plane waves are no longer its eigenmodes and
 * the uniform vector u over the inside bins is no longer one of them
 * either, so the analogue is taken on the complement of u: c is the top
 * eigenvalue of Q Sigma Q (Q = I - u u^T), the largest rate at which a
 * pattern with zero mean over the inside can grow, and c0 = u^T Sigma u the
 * rate of the uniform direction.  For a centred kernel Q Sigma Q is Sigma
 * itself and c0 = 0.
 *
 * Lanczos (Golub and Van Loan, Matrix Computations, 4th ed., §10.1) on
 * the symmetric positive semidefinite Q Sigma Q: the top Ritz value of the
 * tridiagonal T_j rises monotonically to the top eigenvalue, and converges
 * long before the Lanczos vectors lose orthogonality matters (lost
 * orthogonality repeats converged Ritz values, it does not move the top
 * one).  So only the three-term recurrence is kept (memory 3 n), each
 * vector re-projected onto the complement of u and re-orthogonalised
 * against its two predecessors.  The top Ritz value is checked every
 * GF_LZ_CHECK steps (LAPACK's dsterf on T_j) and accepted when it moved by
 * less than GF_LZ_RTOL relative since the last check. */
#include "config.h"
#include <math.h>
#include <string.h>
#include <lapacke.h>
#include "internal.h"
#include "attractor_real.h"

#define GF_LZ_MAX 300
#define GF_LZ_CHECK 10
#define GF_LZ_RTOL 1e-12
/* The fixed start's seed: any constant; fixed so c is reproducible. */
#define GF_LZ_SEED 0x61747472u

/* Project w onto the complement of u over the inside bins (subtract the
 * inside mean) and zero it outside. */
static void gf_project(double *w, const unsigned char *inside, size_t n, size_t nin)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        if (inside == NULL || inside[i])
            s += w[i];
    s /= (double)nin;
    for (size_t i = 0; i < n; i++)
        w[i] = (inside == NULL || inside[i]) ? w[i] - s : 0.0;
}

static double gf_dot(const double *x, const double *y, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += x[i] * y[i];
    return s;
}

/* The top eigenvalue of the j x j tridiagonal (alpha, beta), in d, e. */
static double gf_top_ritz(const double *alpha, const double *beta, size_t j, double *d, double *e)
{
    memcpy(d, alpha, j * sizeof *d);
    if (j > 1)
        memcpy(e, beta, (j - 1) * sizeof *e);
    if (LAPACKE_dsterf((lapack_int)j, d, e) != 0)
        return NAN;
    double top = d[0];
    for (size_t i = 1; i < j; i++)
        top = fmax(top, d[i]);
    return top;
}

int gridform__attractor_real_norm(const gridform_kernel *J, const unsigned char *inside, size_t n, size_t nin,
                                  double *c, double *c0, size_t *iters)
{
    *c = 0.0;
    *c0 = 0.0;
    *iters = 0;
    double *q = gridform__malloc_array(3 * n, sizeof(double));
    double *t = gridform__malloc_array(4 * (GF_LZ_MAX + 1), sizeof(double));
    if (q == NULL || t == NULL) {
        gridform__free(q);
        gridform__free(t);
        return GRIDFORM_ENOMEM;
    }
    double *qp = q + n, *w = q + 2 * n;
    double *alpha = t, *beta = t + (GF_LZ_MAX + 1), *d = t + 2 * (GF_LZ_MAX + 1), *e = t + 3 * (GF_LZ_MAX + 1);
    int rc = GRIDFORM_OK;

    /* c0 = u^T Sigma u */
    double uval = 1.0 / sqrt((double)nin);
    for (size_t i = 0; i < n; i++)
        qp[i] = (inside == NULL || inside[i]) ? uval : 0.0;
    if ((rc = gridform_kernel_apply(J, qp, w, 1)) != GRIDFORM_OK)
        goto done;
    *c0 = gf_dot(qp, w, n);
    *iters = 1;
    size_t kmax = nin - 1 < GF_LZ_MAX ? nin - 1 : GF_LZ_MAX;
    if (nin < 2)
        goto done;

    /* a fixed start in the complement of u */
    gridform__rng r;
    gridform__rng_seed(&r, GF_LZ_SEED);
    for (size_t i = 0; i < n; i++)
        q[i] = gridform__rng_uniform(&r) - 0.5;
    gf_project(q, inside, n, nin);
    double nq = sqrt(gf_dot(q, q, n));
    for (size_t i = 0; i < n; i++)
        q[i] /= nq;
    memset(qp, 0, n * sizeof *qp);

    double top_prev = -HUGE_VAL, top = 0.0, bprev = 0.0;
    for (size_t j = 0; j < kmax; j++) {
        if ((rc = gridform_kernel_apply(J, q, w, 1)) != GRIDFORM_OK)
            goto done;
        (*iters)++;
        gf_project(w, inside, n, nin);
        double a = gf_dot(q, w, n);
        for (size_t i = 0; i < n; i++)
            w[i] -= a * q[i] + bprev * qp[i];
        /* once more against the two predecessors (round-off) */
        double a2 = gf_dot(q, w, n), b2 = gf_dot(qp, w, n);
        for (size_t i = 0; i < n; i++)
            w[i] -= a2 * q[i] + b2 * qp[i];
        a += a2;
        double b = sqrt(gf_dot(w, w, n));
        alpha[j] = a;
        beta[j] = b;
        size_t m = j + 1;
        int last = m == kmax || !(b > 1e-13 * fmax(fabs(a), fabs(top)));
        if (last || m % GF_LZ_CHECK == 0) {
            top = gf_top_ritz(alpha, beta, m, d, e);
            if (last || fabs(top - top_prev) <= GF_LZ_RTOL * fabs(top))
                break;
            top_prev = top;
        }
        /* next vector: qp <- q, q <- w / b */
        for (size_t i = 0; i < n; i++) {
            qp[i] = q[i];
            q[i] = w[i] / b;
        }
        bprev = b;
    }
    *c = top;
done:
    gridform__free(q);
    gridform__free(t);
    return rc;
}
