/* libgridform: the shared integrator room (doc/theory.md §2.9).  Not
 * installed.
 *
 * Exponential time differencing for semilinear systems du/dt = L u + N(u)
 * whose linear part L is a real diagonal operator (a Fourier multiplier,
 * or a scalar): the learner (lib/learner_etd.c) and the attractor network
 * (lib/attractor.c) both step with these pieces, which know nothing of maps
 * or rates:
 *
 *   - stable phi-functions of a real argument (gridform__phi);
 *   - per-step-size coefficient tables exp(hL), h phi_1(hL), h phi_2(hL),
 *     recomputed only when h changes (gridform__etd_coeffs);
 *   - the embedded ETD1/ETD2RK pair's combination rules, per diagonal
 *     entry (gridform__etd1_combine, gridform__etd2_combine);
 *   - a PI step-size controller with rejection (gridform__pi).
 *
 * The scheme, with sources (Cox & Matthews, J. Comput. Phys. 176, 2002;
 * Kassam & Trefethen, SIAM J. Sci. Comput. 26, 2005; Gustafsson 1991;
 * Soderlind 2002/2003 as in SUNDIALS), is derived in doc/theory.md §2.9.
 * Nothing here allocates except gridform__etd_coeffs_init, and nothing
 * prints or aborts. */
#ifndef GRIDFORM_INTEGRATOR_H
#define GRIDFORM_INTEGRATOR_H

#include <stddef.h>

/* phi_1(z) = (e^z - 1)/z, phi_2(z) = (e^z - 1 - z)/z^2 and
 * phi_3(z) = (e^z - 1 - z - z^2/2)/z^3 of a real z, each NULL-able,
 * accurate to a few ulps for every z <= 700 (beyond, e^z overflows): by their Taylor series for
 * |z| < 1/8 (no cancellation), by expm1 and the recurrence
 * phi_{k+1}(z) = (phi_k(z) - 1/k!)/z beyond.  z = -Inf gives the limits
 * 0, 0, 0 (phi_k(z) -> 0 as z -> -Inf). */
void gridform__phi(double z, double *phi1, double *phi2, double *phi3);

/* Coefficients of one diagonal linear part at one step size h, each
 * multiplied by scale (e.g. 1/N to fold an unnormalised inverse FFT in):
 *   e[k]  = scale exp(h L_k),
 *   p1[k] = scale h phi_1(h L_k),
 *   p2[k] = scale h phi_2(h L_k).
 * Tables of n entries; h is the step they hold (0 before the first
 * update).  A scalar L is a table of one entry. */
typedef struct {
    size_t n;
    double h, scale;
    double *e, *p1, *p2;
} gridform__etd_coeffs;

/* Allocate tables of n entries (GRIDFORM_OK or GRIDFORM_ENOMEM; on failure
 * the struct is left empty and may be freed). */
int gridform__etd_coeffs_init(gridform__etd_coeffs *c, size_t n, double scale);
void gridform__etd_coeffs_free(gridform__etd_coeffs *c);
/* Recompute the tables for step h from L (n entries) when h differs from
 * the step they hold, or when force != 0 (L changed).  Returns 1 if they
 * were recomputed, 0 if the cache was current.  Allocates nothing. */
int gridform__etd_coeffs_update(gridform__etd_coeffs *c, const double *lin, double h, int force);

/* The ETD1 (exponential Euler) stage, per diagonal entry k of interleaved
 * (re, im) pairs (ncomp = 2) or of reals (ncomp = 1), entries k0..k1:
 *   a = e u + p1 N(u). */
void gridform__etd1_combine(const gridform__etd_coeffs *c, size_t k0, size_t k1, size_t ncomp,
                            const double *u, const double *nu, double *a);
/* The ETD2RK corrector (Cox & Matthews 2002, eq. 22):
 *   u' = e u + p1 N(u) + p2 (N(a) - N(u)),
 * which equals a + p2 (N(a) - N(u)) and is written in one pass. */
void gridform__etd2_combine(const gridform__etd_coeffs *c, size_t k0, size_t k1, size_t ncomp,
                            const double *u, const double *nu, const double *na, double *out);

/* ---- step-size control -------------------------------------------------
 * A PI controller on a normalised error err (err <= 1: the step meets the
 * tolerance).  After an accepted step of size h,
 *   h_new = h safety err^(-k1/(p+1)) err_prev^(-k2/(p+1)),
 * k1 = 0.8, k2 = -0.31, safety 0.9 (Soderlind's PI as in SUNDIALS'
 * sunadaptcontroller_soderlind.c), p the order of the error estimate's
 * lower method; after a rejection, h_new = h safety err^(-1/(p+1)).  The
 * factor is kept within [1/4, 4], and never above 1 on the step right
 * after a rejection (Gustafsson, ACM TOMS 17, 1991). */
typedef struct {
    double k1, k2, safety, grow_max, shrink_min;
    int order;          /* p + 1 */
    double err_prev;    /* the last accepted step's error (1 before any) */
    int after_reject;   /* the last decision was a rejection */
} gridform__pi;

/* p: the order of the lower method of the embedded pair. */
void gridform__pi_init(gridform__pi *pi, int p);
/* Forget the history (new maps, a new tolerance). */
void gridform__pi_reset(gridform__pi *pi);
/* Decide on a step of size h with normalised error err (NaN or Inf: reject
 * with the largest shrink).  Returns 1 (accept) or 0 (reject) and writes
 * the next step size to *hnext. */
int gridform__pi_decide(gridform__pi *pi, double err, double h, double *hnext);

#endif
