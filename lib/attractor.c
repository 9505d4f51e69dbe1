/* libgridform: the centre-surround attractor network (doc/theory.md §5.1).
 *
 *   tau dr_d/dt = -r_d + phi(h + b (1 + alpha e_d . v)),
 *   h = sum_d J_d * r_d,   J_d(x) = (gain / (4 c)) Sigma(x - shift e_d),
 *
 * for four direction-tuned populations d = +x, -x, +y, -y at every point of
 * the sheet (Burak and Fiete 2009, PLoS Comput Biol 5:e1000291, whose
 * populations have outgoing weights shifted along their preferred direction
 * and a velocity-modulated input).  c is the largest eigenvalue of
 * (1/4) sum_d Sigma(. - shift e_d) on the Fourier lattice, so gain is the
 * growth factor of the most unstable mode: with gain > 1 the uniform state
 * is unstable at the ring k* of Sigma, which is where a pattern forms
 * (Sorscher et al. 2019, section 5; doc/theory.md §5.1).
 *
 * Sigma is translation-invariant on the torus, so J_d is the Fourier
 * multiplier Sigma~(k) exp(-i k . shift e_d): the shift costs nothing per
 * step.  Time is integrated by exponential Euler: the leak -r is propagated
 * exactly, r <- e r + (1 - e) phi(h + b_d) with e = exp(-dt/tau), which
 * keeps rectified rates nonnegative for any dt.
 *
 * While the four populations hold the same rates (after seed/set_rates, and
 * as long as v = 0) they stay identical, and the step is done on one of
 * them with the summed multiplier: two FFTs per step instead of five. */
#include "config.h"
#include <math.h>
#include <string.h>
#include <fftw3.h>
#include "internal.h"
#include "kernel_op.h"

#define NPOP 4
#define NTRACK 3

/* preferred directions e_d of the four populations */
static const double gf_dir[NPOP][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};

struct gridform_attractor {
    gridform__errbuf err;
    size_t nx, ny, n, nfreq;
    double lx, ly, kstar;
    double *sigma;          /* Sigma~ per rfft bin (nfreq) */
    fftw_complex *mult;     /* NPOP x nfreq multipliers J~_d / n */
    double *msum;           /* sum_d J~_d / n, real (nfreq) */
    double *rates;          /* NPOP x n */
    fftw_complex *rt;       /* NPOP x nfreq */
    double *h;              /* n: recurrent input, also scratch */
    fftw_complex *ht;       /* nfreq */
    fftw_plan r2c_all, r2c_one, c2r;
    double gain, tau, dt, b, shift, alpha, vx, vy;
    double t;
    int nl;
    int identical;          /* all populations hold population 0's rates */
    int diverged;
    double change;          /* last relative change per time constant */
    /* displacement tracking */
    int tracking;
    size_t tbin[NTRACK];
    double tk[NTRACK][2];
    double tprev[NTRACK][2];
    double tacc[NTRACK];
};

#define GF_ATT_EB(a) ((gridform__errbuf *)&(a)->err)
#define GF_ATT_CHECK(a) \
    do { if ((a) == NULL) return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL"); } while (0)

/* The shift phase exp(-i k s) along one axis.  At the Nyquist frequency of
 * an even axis the bin is its own mirror image, so a multiplier there must
 * be real for the inverse real FFT to be consistent: take the mean of the
 * two equivalent shifts, cos(k s). */
static void gf_phase(double k, double s, int nyquist, double *re, double *im)
{
    *re = cos(k * s);
    *im = nyquist ? 0.0 : -sin(k * s);
}

/* Rebuild the multipliers after gain or shift changed.  Fails (returns 0)
 * if no lattice mode beats the uniform one, which cannot then form a
 * pattern: the caller reports EUNDEFINED. */
static int gf_build_multipliers(gridform_attractor *a, double *norm_out)
{
    size_t nh = a->nx / 2 + 1;
    double c = -HUGE_VAL, c0 = a->sigma[0];
    for (size_t iy = 0; iy < a->ny; iy++)
        for (size_t jx = 0; jx < nh; jx++) {
            size_t bin = iy * nh + jx;
            if (bin == 0)
                continue;
            double kx = 2.0 * GF_PI * (double)jx / a->lx;
            double my = (iy < (a->ny + 1) / 2) ? (double)iy : (double)iy - (double)a->ny;
            double ky = 2.0 * GF_PI * my / a->ly;
            double v = a->sigma[bin] * 0.5 * (cos(kx * a->shift) + cos(ky * a->shift));
            if (v > c)
                c = v;
        }
    *norm_out = c;
    if (!(c > 0.0) || !(c > c0))
        return 0;
    double scale = a->gain / (c * (double)a->n);
    for (size_t iy = 0; iy < a->ny; iy++)
        for (size_t jx = 0; jx < nh; jx++) {
            size_t bin = iy * nh + jx;
            double kx = 2.0 * GF_PI * (double)jx / a->lx;
            double my = (iy < (a->ny + 1) / 2) ? (double)iy : (double)iy - (double)a->ny;
            double ky = 2.0 * GF_PI * my / a->ly;
            int nyqx = (a->nx % 2 == 0) && jx == a->nx / 2;
            int nyqy = (a->ny % 2 == 0) && iy == a->ny / 2;
            double s = scale * a->sigma[bin];
            double sum = 0.0;
            for (int d = 0; d < NPOP; d++) {
                double re, im;
                if (gf_dir[d][0] != 0.0)
                    gf_phase(kx, gf_dir[d][0] * a->shift, nyqx, &re, &im);
                else
                    gf_phase(ky, gf_dir[d][1] * a->shift, nyqy, &re, &im);
                a->mult[(size_t)d * a->nfreq + bin][0] = 0.25 * s * re;
                a->mult[(size_t)d * a->nfreq + bin][1] = 0.25 * s * im;
                sum += 0.25 * s * re;
            }
            /* the imaginary parts of +e_d and -e_d cancel */
            a->msum[bin] = sum;
        }
    return 1;
}

static void gf_free(gridform_attractor *a)
{
    if (a == NULL)
        return;
    if (a->r2c_all || a->r2c_one || a->c2r) {
        gridform__fftw_lock(1);
        if (a->r2c_all) fftw_destroy_plan(a->r2c_all);
        if (a->r2c_one) fftw_destroy_plan(a->r2c_one);
        if (a->c2r) fftw_destroy_plan(a->c2r);
        gridform__fftw_unlock();
    }
    gridform__free(a->sigma);
    gridform__free(a->msum);
    gridform__aligned_free(a->mult);
    gridform__aligned_free(a->rates);
    gridform__aligned_free(a->rt);
    gridform__aligned_free(a->h);
    gridform__aligned_free(a->ht);
    gridform__free(a);
}

int gridform_attractor_create(gridform_attractor **out, const gridform_kernel *J)
{
    if (out == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "out must not be NULL");
    *out = NULL;
    if (J == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "J must not be NULL");
    int mode = 0, rc;
    if ((rc = gridform_kernel_get_mode(J, &mode)) != GRIDFORM_OK)
        return GF_FAIL(NULL, rc, "cannot read the kernel's mode: %s", gridform_kernel_last_error(J));
    /* Any Fourier multiplier (FOURIER, AVERAGED, RADIAL, SPECTRUM, centred
     * or not) is translation-invariant; EXACT is not. */
    if (!gridform__kernel_is_multiplier(J))
        return GF_FAIL(NULL, GRIDFORM_EUNSUPPORTED,
                       "the network needs a translation-invariant kernel (a Fourier multiplier: "
                       "GRIDFORM_KERNEL_FOURIER, _AVERAGED, _RADIAL or _SPECTRUM), got mode %d", mode);
    double kstar = 0.0, spacing = 0.0;
    rc = gridform_kernel_ring(J, &kstar, &spacing);
    if (rc == GRIDFORM_EUNDEFINED)
        return GF_FAIL(NULL, GRIDFORM_EUNDEFINED,
                       "the kernel has no ring (its spectrum peaks at k = 0): no pattern can form");
    if (rc != GRIDFORM_OK)
        return GF_FAIL(NULL, rc, "cannot find the kernel's ring: %s", gridform_kernel_last_error(J));
    const gridform_arena *ar = gridform_kernel_get_arena(J);
    if (ar == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "the kernel has no arena");

    size_t n2, nf2;
    if (!gridform__mul_size(ar->npoints, NPOP, &n2) || !gridform__mul_size(ar->nfreq, NPOP, &nf2)
        || !gridform__mul_size(n2, sizeof(double), &n2) || !gridform__mul_size(nf2, sizeof(fftw_complex), &nf2)
        || ar->npoints * NPOP > INT32_MAX)
        return GF_FAIL(NULL, GRIDFORM_ERANGE, "a sheet of %zu x %zu points is too large", ar->nx, ar->ny);

    gridform_attractor *a = gridform__calloc(1, sizeof *a);
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate the network");
    a->nx = ar->nx;
    a->ny = ar->ny;
    a->n = ar->npoints;
    a->nfreq = ar->nfreq;
    a->lx = ar->lx;
    a->ly = ar->ly;
    a->kstar = kstar;
    a->gain = 1.1;
    a->tau = 0.01;
    a->dt = 0.001;
    a->b = 1.0;
    a->nl = GRIDFORM_NL_RELU;
    /* A twentieth of the ring's wavelength: small enough that the four
     * shifted kernels still peak on the ring (cos(pi/10) = 0.95), large
     * enough that the speed per unit velocity is easily measured. */
    a->shift = GF_PI / (10.0 * kstar);
    a->alpha = 0.1;
    a->identical = 1;

    a->sigma = gridform__malloc_array(a->nfreq, sizeof(double));
    a->msum = gridform__malloc_array(a->nfreq, sizeof(double));
    a->mult = gridform__aligned_alloc(nf2);
    a->rates = gridform__aligned_alloc(n2);
    a->rt = gridform__aligned_alloc(nf2);
    a->h = gridform__aligned_doubles(a->n);
    a->ht = gridform__aligned_alloc(a->nfreq * sizeof(fftw_complex));
    if (!a->sigma || !a->msum || !a->mult || !a->rates || !a->rt || !a->h || !a->ht) {
        gf_free(a);
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate the network's %zu x %zu sheet", ar->nx, ar->ny);
    }
    memset(a->rates, 0, n2);

    if ((rc = gridform_kernel_spectrum(J, a->sigma)) != GRIDFORM_OK) {
        gf_free(a);
        return GF_FAIL(NULL, rc, "cannot read the kernel's spectrum: %s", gridform_kernel_last_error(J));
    }
    for (size_t i = 0; i < a->nfreq; i++)
        if (!isfinite(a->sigma[i])) {
            gf_free(a);
            return GF_FAIL(NULL, GRIDFORM_EINVAL, "the kernel's spectrum is not finite at bin %zu", i);
        }
    double c;
    if (!gf_build_multipliers(a, &c)) {
        /* Read Sigma~(0) before the handle is freed (issue 12, B2: this
         * message used to read a->sigma after gf_free). */
        double c0 = a->sigma[0];
        gf_free(a);
        return GF_FAIL(NULL, GRIDFORM_EUNDEFINED,
                       "no mode of the %zu x %zu lattice beats the uniform mode (largest Sigma~ %g at k != 0, "
                       "%g at k = 0): no pattern can form", ar->nx, ar->ny, c, c0);
    }

    int dims[2] = {(int)a->ny, (int)a->nx};
    gridform__fftw_lock(1);
    a->r2c_all = fftw_plan_many_dft_r2c(2, dims, NPOP, a->rates, NULL, 1, (int)a->n, a->rt, NULL, 1,
                                        (int)a->nfreq, FFTW_ESTIMATE);
    a->r2c_one = fftw_plan_many_dft_r2c(2, dims, 1, a->rates, NULL, 1, (int)a->n, a->rt, NULL, 1,
                                        (int)a->nfreq, FFTW_ESTIMATE);
    a->c2r = fftw_plan_many_dft_c2r(2, dims, 1, a->ht, NULL, 1, (int)a->nfreq, a->h, NULL, 1, (int)a->n,
                                    FFTW_ESTIMATE);
    gridform__fftw_unlock();
    if (!a->r2c_all || !a->r2c_one || !a->c2r) {
        gf_free(a);
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot create the FFTW plans");
    }
    *out = a;
    return GRIDFORM_OK;
}

void gridform_attractor_destroy(gridform_attractor *a)
{
    gf_free(a);
}

const char *gridform_attractor_last_error(const gridform_attractor *a)
{
    return gridform__errtext(a != NULL ? &a->err : NULL);
}

int gridform_attractor_set_gain(gridform_attractor *a, double gain)
{
    GF_ATT_CHECK(a);
    gridform__errbuf *eb = GF_ATT_EB(a);
    if (!isfinite(gain) || gain < 0)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "gain must be finite and >= 0, got %g", gain);
    double old = a->gain, c;
    a->gain = gain;
    if (!gf_build_multipliers(a, &c)) {   /* cannot happen: the lattice was accepted at create */
        a->gain = old;
        gf_build_multipliers(a, &c);
        return GF_FAIL(eb, GRIDFORM_EUNDEFINED, "no lattice mode beats the uniform mode");
    }
    return GRIDFORM_OK;
}

int gridform_attractor_set_tau(gridform_attractor *a, double tau)
{
    GF_ATT_CHECK(a);
    if (!isfinite(tau) || tau <= 0)
        return GF_FAIL(GF_ATT_EB(a), GRIDFORM_EINVAL, "tau must be finite and > 0 seconds, got %g", tau);
    a->tau = tau;
    return GRIDFORM_OK;
}

int gridform_attractor_set_dt(gridform_attractor *a, double dt)
{
    GF_ATT_CHECK(a);
    if (!isfinite(dt) || dt <= 0)
        return GF_FAIL(GF_ATT_EB(a), GRIDFORM_EINVAL, "dt must be finite and > 0 seconds, got %g", dt);
    a->dt = dt;
    return GRIDFORM_OK;
}

int gridform_attractor_set_input(gridform_attractor *a, double b)
{
    GF_ATT_CHECK(a);
    if (!isfinite(b))
        return GF_FAIL(GF_ATT_EB(a), GRIDFORM_EINVAL, "the input b must be finite, got %g", b);
    a->b = b;
    return GRIDFORM_OK;
}

int gridform_attractor_set_nonlinearity(gridform_attractor *a, int nonlinearity)
{
    GF_ATT_CHECK(a);
    gridform__errbuf *eb = GF_ATT_EB(a);
    if (nonlinearity == GRIDFORM_NL_SOFT)
        return GF_FAIL(eb, GRIDFORM_EUNSUPPORTED,
                       "GRIDFORM_NL_SOFT is a penalty of the learner, not a firing-rate function; "
                       "use GRIDFORM_NL_RELU, GRIDFORM_NL_LINEAR or GRIDFORM_NL_TANH");
    if (nonlinearity != GRIDFORM_NL_RELU && nonlinearity != GRIDFORM_NL_LINEAR
        && nonlinearity != GRIDFORM_NL_TANH)
        return GF_FAIL(eb, GRIDFORM_EINVAL,
                       "nonlinearity must be GRIDFORM_NL_RELU (%d), GRIDFORM_NL_LINEAR (%d) or "
                       "GRIDFORM_NL_TANH (%d), got %d", GRIDFORM_NL_RELU, GRIDFORM_NL_LINEAR,
                       GRIDFORM_NL_TANH, nonlinearity);
    a->nl = nonlinearity;
    return GRIDFORM_OK;
}

int gridform_attractor_set_velocity_coupling(gridform_attractor *a, double shift, double alpha)
{
    GF_ATT_CHECK(a);
    gridform__errbuf *eb = GF_ATT_EB(a);
    if (!isfinite(shift) || shift < 0)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "shift must be finite and >= 0 metres, got %g", shift);
    if (!isfinite(alpha))
        return GF_FAIL(eb, GRIDFORM_EINVAL, "alpha must be finite (s/m), got %g", alpha);
    double old = a->shift, c;
    a->shift = shift;
    if (!gf_build_multipliers(a, &c)) {
        a->shift = old;
        gf_build_multipliers(a, &c);
        return GF_FAIL(eb, GRIDFORM_EINVAL,
                       "shift %g m is so large that no lattice mode beats the uniform mode", shift);
    }
    a->alpha = alpha;
    return GRIDFORM_OK;
}

int gridform_attractor_set_velocity(gridform_attractor *a, double vx, double vy)
{
    GF_ATT_CHECK(a);
    if (!isfinite(vx) || !isfinite(vy))
        return GF_FAIL(GF_ATT_EB(a), GRIDFORM_EINVAL, "the velocity must be finite, got (%g, %g) m/s", vx, vy);
    a->vx = vx;
    a->vy = vy;
    return GRIDFORM_OK;
}

int gridform_attractor_get_parameters(const gridform_attractor *a, double *gain, double *tau, double *dt,
                                      double *b, int *nonlinearity)
{
    GF_ATT_CHECK(a);
    if (!gain && !tau && !dt && !b && !nonlinearity)
        return GF_FAIL(GF_ATT_EB(a), GRIDFORM_EINVAL, "the outputs must not all be NULL");
    if (gain) *gain = a->gain;
    if (tau) *tau = a->tau;
    if (dt) *dt = a->dt;
    if (b) *b = a->b;
    if (nonlinearity) *nonlinearity = a->nl;
    return GRIDFORM_OK;
}

static void gf_reset_state(gridform_attractor *a)
{
    a->identical = 1;
    a->diverged = 0;
    a->tracking = 0;
    a->t = 0.0;
    a->change = HUGE_VAL;
}

int gridform_attractor_seed(gridform_attractor *a, uint64_t seed, double amplitude)
{
    GF_ATT_CHECK(a);
    if (!isfinite(amplitude) || amplitude < 0)
        return GF_FAIL(GF_ATT_EB(a), GRIDFORM_EINVAL, "amplitude must be finite and >= 0, got %g", amplitude);
    gridform__rng r;
    gridform__rng_seed(&r, seed);
    /* nonnegative, so a rectified sheet starts inside its state space */
    for (size_t i = 0; i < a->n; i++)
        a->rates[i] = amplitude * gridform__rng_uniform(&r);
    gf_reset_state(a);
    return GRIDFORM_OK;
}

int gridform_attractor_set_rates(gridform_attractor *a, const double *rates)
{
    GF_ATT_CHECK(a);
    gridform__errbuf *eb = GF_ATT_EB(a);
    GF_CHECK_PTR(eb, rates);
    for (size_t i = 0; i < a->n; i++)
        if (!isfinite(rates[i]))
            return GF_FAIL(eb, GRIDFORM_EINVAL, "rates[%zu] is not finite", i);
    memcpy(a->rates, rates, a->n * sizeof(double));
    gf_reset_state(a);
    return GRIDFORM_OK;
}

int gridform_attractor_get_rates(const gridform_attractor *a, double *rates)
{
    GF_ATT_CHECK(a);
    gridform__errbuf *eb = GF_ATT_EB(a);
    GF_CHECK_PTR(eb, rates);
    if (a->diverged)
        return GF_FAIL(eb, GRIDFORM_EDIVERGED, "the rates diverged; seed or set them again");
    if (a->identical) {
        memcpy(rates, a->rates, a->n * sizeof(double));
        return GRIDFORM_OK;
    }
    for (size_t i = 0; i < a->n; i++) {
        double s = 0.0;
        for (int d = 0; d < NPOP; d++)
            s += a->rates[(size_t)d * a->n + i];
        rates[i] = s / NPOP;
    }
    return GRIDFORM_OK;
}

int gridform_attractor_get_time(const gridform_attractor *a, double *t)
{
    GF_ATT_CHECK(a);
    GF_CHECK_PTR(GF_ATT_EB(a), t);
    *t = a->t;
    return GRIDFORM_OK;
}

/* Fourier coefficient of the summed population rates at tracked bin j. */
static void gf_tracked_coef(const gridform_attractor *a, fftw_complex *rt, int all, int j,
                            double *re, double *im)
{
    size_t bin = a->tbin[j];
    double sr = 0.0, si = 0.0;
    int np = all ? NPOP : 1;
    for (int d = 0; d < np; d++) {
        sr += rt[(size_t)d * a->nfreq + bin][0];
        si += rt[(size_t)d * a->nfreq + bin][1];
    }
    *re = sr;
    *im = si;
}

/* Accumulate the phase advance of each tracked mode since the last call:
 * a rigid translation by u multiplies mode k by exp(-i k.u), and per step
 * the advance is far below pi, so the sum unwraps the phase. */
static void gf_track(gridform_attractor *a, fftw_complex *rt, int all)
{
    for (int j = 0; j < NTRACK; j++) {
        double re, im;
        gf_tracked_coef(a, rt, all, j, &re, &im);
        double pr = a->tprev[j][0], pi = a->tprev[j][1];
        a->tacc[j] += atan2(im * pr - re * pi, re * pr + im * pi);
        a->tprev[j][0] = re;
        a->tprev[j][1] = im;
    }
}

static double gf_phi(int nl, double x)
{
    switch (nl) {
    case GRIDFORM_NL_LINEAR: return x;
    case GRIDFORM_NL_TANH: return tanh(x);
    default: return x > 0.0 ? x : 0.0;
    }
}

/* One exponential-Euler step.  Returns GRIDFORM_OK or GRIDFORM_EDIVERGED. */
static int gf_step(gridform_attractor *a, double e)
{
    size_t n = a->n, nf = a->nfreq;
    double num = 0.0, den = 0.0;
    if (a->identical && (a->vx != 0.0 || a->vy != 0.0)) {
        for (int d = 1; d < NPOP; d++)
            memcpy(a->rates + (size_t)d * n, a->rates, n * sizeof(double));
        a->identical = 0;
    }
    if (a->identical) {
        fftw_execute_dft_r2c(a->r2c_one, a->rates, a->rt);
        if (a->tracking)
            gf_track(a, a->rt, 0);
        for (size_t k = 0; k < nf; k++) {
            a->ht[k][0] = a->msum[k] * a->rt[k][0];
            a->ht[k][1] = a->msum[k] * a->rt[k][1];
        }
        fftw_execute_dft_c2r(a->c2r, a->ht, a->h);
        double b = a->b;
        for (size_t i = 0; i < n; i++) {
            double r = a->rates[i];
            double rn = e * r + (1.0 - e) * gf_phi(a->nl, a->h[i] + b);
            num += (rn - r) * (rn - r);
            den += r * r;
            a->rates[i] = rn;
        }
    } else {
        fftw_execute_dft_r2c(a->r2c_all, a->rates, a->rt);
        if (a->tracking)
            gf_track(a, a->rt, 1);
        for (size_t k = 0; k < nf; k++) {
            double hr = 0.0, hi = 0.0;
            for (int d = 0; d < NPOP; d++) {
                const double *m = a->mult[(size_t)d * nf + k];
                const double *r = a->rt[(size_t)d * nf + k];
                hr += m[0] * r[0] - m[1] * r[1];
                hi += m[0] * r[1] + m[1] * r[0];
            }
            a->ht[k][0] = hr;
            a->ht[k][1] = hi;
        }
        fftw_execute_dft_c2r(a->c2r, a->ht, a->h);
        for (int d = 0; d < NPOP; d++) {
            double bd = a->b * (1.0 + a->alpha * (gf_dir[d][0] * a->vx + gf_dir[d][1] * a->vy));
            double *rd = a->rates + (size_t)d * n;
            for (size_t i = 0; i < n; i++) {
                double r = rd[i];
                double rn = e * r + (1.0 - e) * gf_phi(a->nl, a->h[i] + bd);
                num += (rn - r) * (rn - r);
                den += r * r;
                rd[i] = rn;
            }
        }
    }
    a->t += a->dt;
    if (!isfinite(num) || !isfinite(den)) {
        a->diverged = 1;
        return GRIDFORM_EDIVERGED;
    }
    double per_tau = a->dt / a->tau;
    a->change = (den > 0.0) ? sqrt(num / den) / per_tau : (num > 0.0 ? HUGE_VAL : 0.0);
    return GRIDFORM_OK;
}

/* Reported under the public function's name (func). */
static int gf_diverged_fail_in(gridform_attractor *a, const char *func)
{
    return gridform__fail(GF_ATT_EB(a), GRIDFORM_EDIVERGED, func,
                          "the rates became non-finite at t = %g s (gain %g too far above 1 for this "
                          "nonlinearity?); seed or set them again", a->t, a->gain);
}
#define gf_diverged_fail(a) gf_diverged_fail_in((a), __func__)

int gridform_attractor_iterate(gridform_attractor *a, size_t nsteps)
{
    GF_ATT_CHECK(a);
    if (a->diverged)
        return gf_diverged_fail(a);
    double e = exp(-a->dt / a->tau);
    for (size_t s = 0; s < nsteps; s++)
        if (gf_step(a, e) != GRIDFORM_OK)
            return gf_diverged_fail(a);
    return GRIDFORM_OK;
}

int gridform_attractor_run(gridform_attractor *a, size_t max_steps, double tol,
                           gridform_progress_fn progress, void *user)
{
    GF_ATT_CHECK(a);
    gridform__errbuf *eb = GF_ATT_EB(a);
    if (max_steps == 0)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "max_steps must be > 0");
    if (!isfinite(tol) || !(tol > 0))
        return GF_FAIL(eb, GRIDFORM_EINVAL, "tol must be finite and > 0, got %g", tol);
    if (a->diverged)
        return gf_diverged_fail(a);
    double e = exp(-a->dt / a->tau);
    /* progress as the learner reports it: every max(1, max_steps/100)
     * steps, after the last step and on convergence */
    size_t every = max_steps / 100 > 0 ? max_steps / 100 : 1;
    for (size_t s = 0; s < max_steps; s++) {
        if (gf_step(a, e) != GRIDFORM_OK)
            return gf_diverged_fail(a);
        int done = a->change < tol;
        if (progress != NULL && (done || (s + 1) % every == 0 || s + 1 == max_steps)
            && progress(s + 1, max_steps, a->change, user) != 0)
            return GF_FAIL(eb, GRIDFORM_ECANCELED, "canceled by the progress callback after %zu steps", s + 1);
        if (done)
            return GRIDFORM_OK;
    }
    return GRIDFORM_CONTINUE;
}

/* FFT of the summed rates of all populations into a->ht (a->h is scratch). */
static void gf_sum_fft(gridform_attractor *a)
{
    int np = a->identical ? 1 : NPOP;
    for (size_t i = 0; i < a->n; i++) {
        double s = 0.0;
        for (int d = 0; d < np; d++)
            s += a->rates[(size_t)d * a->n + i];
        a->h[i] = s;
    }
    fftw_execute_dft_r2c(a->r2c_one, a->h, a->ht);
}

static int gf_is_nyquist(const gridform_attractor *a, size_t iy, size_t jx)
{
    return ((a->nx % 2 == 0) && jx == a->nx / 2) || ((a->ny % 2 == 0) && iy == a->ny / 2);
}

int gridform_attractor_reset_displacement(gridform_attractor *a)
{
    GF_ATT_CHECK(a);
    gridform__errbuf *eb = GF_ATT_EB(a);
    if (a->diverged)
        return gf_diverged_fail(a);
    a->tracking = 0;
    gf_sum_fft(a);
    size_t nh = a->nx / 2 + 1;
    double total = 0.0;
    size_t pick[NTRACK];
    double pk[NTRACK][2], pw[NTRACK];
    int npick = 0;
    for (size_t bin = 1; bin < a->nfreq; bin++)
        total += a->ht[bin][0] * a->ht[bin][0] + a->ht[bin][1] * a->ht[bin][1];
    double dc = fabs(a->ht[0][0]);
    if (!(total > 0.0) || sqrt(total) <= 1e-9 * dc)
        return GF_FAIL(eb, GRIDFORM_EUNDEFINED, "the sheet has no pattern whose motion could be measured");
    /* Greedy: the strongest mode, then the strongest not parallel to any
     * already picked (|sin| > 0.2), so the modes span the plane. */
    for (int j = 0; j < NTRACK; j++) {
        double best = -1.0;
        size_t bbin = 0;
        double bk[2] = {0, 0};
        for (size_t iy = 0; iy < a->ny; iy++)
            for (size_t jx = 0; jx < nh; jx++) {
                size_t bin = iy * nh + jx;
                if (bin == 0 || gf_is_nyquist(a, iy, jx))
                    continue;
                double p = a->ht[bin][0] * a->ht[bin][0] + a->ht[bin][1] * a->ht[bin][1];
                if (p <= best)
                    continue;
                double kx, ky;
                double my = (iy < (a->ny + 1) / 2) ? (double)iy : (double)iy - (double)a->ny;
                kx = 2.0 * GF_PI * (double)jx / a->lx;
                ky = 2.0 * GF_PI * my / a->ly;
                int ok = 1;
                for (int q = 0; q < npick && ok; q++) {
                    double cr = kx * pk[q][1] - ky * pk[q][0];
                    double nn = hypot(kx, ky) * hypot(pk[q][0], pk[q][1]);
                    if (fabs(cr) <= 0.2 * nn)
                        ok = 0;
                }
                if (!ok)
                    continue;
                best = p;
                bbin = bin;
                bk[0] = kx;
                bk[1] = ky;
            }
        if (best <= 0.0 || (npick > 0 && best < 1e-4 * pw[0]))
            break;
        pick[npick] = bbin;
        pk[npick][0] = bk[0];
        pk[npick][1] = bk[1];
        pw[npick] = best;
        npick++;
    }
    if (npick < 2)
        return GF_FAIL(eb, GRIDFORM_EUNDEFINED,
                       "the pattern has a single direction (stripes): its motion along the stripes is undefined");
    /* With only two directions, track the first twice: the least squares
     * below stays well posed and weights are unchanged in spirit. */
    for (int j = 0; j < NTRACK; j++) {
        int q = j < npick ? j : 0;
        a->tbin[j] = pick[q];
        a->tk[j][0] = pk[q][0];
        a->tk[j][1] = pk[q][1];
        a->tprev[j][0] = a->ht[pick[q]][0];
        a->tprev[j][1] = a->ht[pick[q]][1];
        a->tacc[j] = 0.0;
    }
    a->tracking = 1;
    return GRIDFORM_OK;
}

int gridform_attractor_get_displacement(gridform_attractor *a, double *dx, double *dy)
{
    GF_ATT_CHECK(a);
    gridform__errbuf *eb = GF_ATT_EB(a);
    if (dx == NULL && dy == NULL)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "dx and dy must not both be NULL");
    if (a->diverged)
        return gf_diverged_fail(a);
    if (!a->tracking)
        return GF_FAIL(eb, GRIDFORM_EUNDEFINED,
                       "no reference: call gridform_attractor_reset_displacement on a formed pattern first");
    /* catch up with the state the last step produced */
    gf_sum_fft(a);
    gf_track(a, a->ht, 0);
    /* least squares for k_j . u = -phi_j */
    double A00 = 0, A01 = 0, A11 = 0, r0 = 0, r1 = 0;
    for (int j = 0; j < NTRACK; j++) {
        A00 += a->tk[j][0] * a->tk[j][0];
        A01 += a->tk[j][0] * a->tk[j][1];
        A11 += a->tk[j][1] * a->tk[j][1];
        r0 -= a->tk[j][0] * a->tacc[j];
        r1 -= a->tk[j][1] * a->tacc[j];
    }
    double det = A00 * A11 - A01 * A01;
    double ux = (A11 * r0 - A01 * r1) / det;
    double uy = (A00 * r1 - A01 * r0) / det;
    if (dx) *dx = ux;
    if (dy) *dy = uy;
    return GRIDFORM_OK;
}
