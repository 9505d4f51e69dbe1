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
 * them with the summed multiplier: two FFTs per step instead of five.
 *
 * The step is written once (lib/attractor_step.h) and compiled for double
 * and for float: GRIDFORM_PRECISION_SINGLE keeps the rates, spectra and
 * multipliers in float and transforms them with fftwf (doc/theory.md §2.8),
 * which halves the memory the step streams through. */
#include "config.h"
#include <float.h>
#include <math.h>
#include <string.h>
#include <fftw3.h>
#include "internal.h"
#include "kernel_op.h"
#include "integrator.h"
#include "attractor_real.h"

#define NPOP 4
/* The adaptive scheme's default relative tolerance per step (doc/theory.md
 * §5.4; the man page says what depends on it). */
#define GF_ATT_RTOL 1e-3
/* The code a run that cannot meet its tolerance returns. */
#define GF_ATT_ETOL_CODE GRIDFORM_EACCURACY
#define NTRACK 3

/* preferred directions e_d of the four populations */
static const double gf_dir[NPOP][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};

struct gridform_attractor {
    gridform__errbuf err;
    size_t nx, ny, n, nfreq;
    double lx, ly, kstar;
    double *sigma;          /* Sigma~ per rfft bin (nfreq) */
    /* A real-space kernel (EXACT, UNIFORM: walls, a shape; doc/theory.md
     * §5.5): J r = jscale Sigma r by gridform_kernel_apply on the inside
     * bins, the multipliers and plans unused.  NULL: a Fourier multiplier. */
    const gridform_kernel *kreal;
    const unsigned char *inside;   /* the arena's shape (NULL: every bin) */
    size_t nin;             /* inside bins (n without a shape) */
    double creal, c0real;   /* top eigenvalue of Q Sigma Q, and u^T Sigma u */
    double jscale;          /* gain / creal */
    double *hd;             /* n doubles: the kernel's output in single precision */
    fftw_complex *mult;     /* NPOP x nfreq multipliers J~_d / n */
    double *msum;           /* sum_d J~_d / n, real (nfreq) */
    double *rates;          /* NPOP x n */
    double *cand;           /* NPOP x n: a trial step's rates (swaps with rates on acceptance) */
    double *hr;             /* n: the recurrent input J * r of the rates (valid if hr_valid) */
    fftw_complex *rt;       /* NPOP x nfreq */
    double *h;              /* n: recurrent input of a trial, also scratch */
    fftw_complex *ht;       /* nfreq */
    fftw_plan r2c_all, r2c_one, c2r;
    /* GRIDFORM_PRECISION_SINGLE: the step's arrays and plans in float.  The
     * double rates, rt, mult and msum are then freed; h, ht and r2c_one
     * stay, for the displacement readout (gf_sum_fft), which runs on
     * demand and not per step. */
    int precision;
    struct {
        float *rates, *cand, *hr, *h, *msum;
        fftwf_complex *rt, *ht, *mult;
        fftwf_plan r2c_all, r2c_one, c2r;
    } sp;
    double gain, tau, dt, b, shift, alpha, vx, vy;
    double t;
    int nl;
    int identical;          /* all populations hold population 0's rates */
    int diverged;           /* 1: a rate became non-finite; 2: the input ran away (state kept) */
    double rscale;          /* max |rate| when the state was last seeded or set */
    /* time stepping (doc/theory.md §5.4) */
    int adaptive;           /* 1: error-controlled ETD2RK; 0: the fixed 0.2 step of dt */
    double rtol;            /* relative local error per step of the adaptive scheme */
    double hstep;           /* the adaptive scheme's next step, seconds (0: start from dt) */
    gridform__pi pi;        /* its step controller */
    size_t naccepted, nrejected;
    int runaway_streak;     /* trials whose predictor ran away since a clean accepted step */
    int hr_valid;           /* hr and residual belong to the current rates */
    double residual;        /* |-r + phi(J * r + b)| / max(|r|, |phi|) of the rates (if hr_valid) */
    double rmean[NPOP];     /* each population's mean rate (if hr_valid) */
    double hrmax;           /* max |hr| (if hr_valid) */
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

/* Is bin i on the sheet (inside the arena's shape)? */
#define GF_ON_SHEET(a, i) ((a)->inside == NULL || (a)->inside[i])

/* Sums over a trial's points: n points, sum of the error e and of e^2, of
 * the candidate's deviation u from the populations' means at the step's
 * start and of u^2, and sum m of those means times n. */
typedef struct {
    double n, e, e2, u, u2, m;
} gf_errsums;

/* The error of a trial, normalised by the tolerance (doc/theory.md §5.4):
 * the sheet's mean and its pattern (the deviation from the mean) are each
 * held to rtol relative to themselves.  Relative to |r| alone, a pattern
 * growing out of a 1% seed on a uniform rate would be held to 1e-3 of the
 * uniform rate, a tenth of itself, and its growth rates would be wrong
 * while it is small, which is when the selection between patterns
 * happens.  A pattern below 1e-9 of the mean is not resolved relative to
 * itself.  NaN or Inf gives Inf (rejected). */
static double gf_trial_error(double rtol, const gf_errsums *s)
{
    double em = s->e / s->n, du = s->u / s->n, mean = (s->m + s->u) / s->n;
    double pe2 = fmax(s->e2 - s->n * em * em, 0.0), pu2 = fmax(s->u2 - s->n * du * du, 0.0);
    double rmean = 0.0, rpat = 0.0;
    if (em != 0.0)
        rmean = fabs(em) / (rtol * (mean != 0.0 ? fabs(mean) : 1.0));
    double scale = fmax(sqrt(pu2), 1e-9 * fabs(mean) * sqrt(s->n));
    if (pe2 > 0.0)
        rpat = scale > 0.0 ? sqrt(pe2) / (rtol * scale) : HUGE_VAL;
    double r = rmean > rpat ? rmean : rpat;
    return isfinite(r) ? r : HUGE_VAL;
}

/* The step in double (gf_step_d, ...) and in float (gf_step_s, ...). */
#define GF_AT_R double
#define GF_AT_C fftw_complex
#define GF_AT_FN(x) x##_d
#define GF_AT_ST(a) (a)
#define GF_AT_R2C fftw_execute_dft_r2c
#define GF_AT_C2R fftw_execute_dft_c2r
#define GF_AT_TANH tanh
#define GF_AT_SINGLE 0
#include "attractor_step.h"
#undef GF_AT_R
#undef GF_AT_C
#undef GF_AT_FN
#undef GF_AT_ST
#undef GF_AT_R2C
#undef GF_AT_C2R
#undef GF_AT_TANH
#undef GF_AT_SINGLE
#define GF_AT_R float
#define GF_AT_C fftwf_complex
#define GF_AT_FN(x) x##_s
#define GF_AT_ST(a) (&(a)->sp)
#define GF_AT_R2C fftwf_execute_dft_r2c
#define GF_AT_C2R fftwf_execute_dft_c2r
#define GF_AT_TANH tanhf
#define GF_AT_SINGLE 1
#include "attractor_step.h"
#undef GF_AT_R
#undef GF_AT_C
#undef GF_AT_FN
#undef GF_AT_ST
#undef GF_AT_R2C
#undef GF_AT_C2R
#undef GF_AT_TANH
#undef GF_AT_SINGLE

/* The shift phase exp(-i k s) along one axis.  At the Nyquist frequency of
 * an even axis the bin is its own mirror image, so a multiplier there must
 * be real for the inverse real FFT to be consistent: take the mean of the
 * two equivalent shifts, cos(k s). */
/* Store the multiplier of population d at bin, and the summed one, in the
 * working precision. */
static void gf_store_mult(gridform_attractor *a, int d, size_t bin, double re, double im)
{
    size_t idx = (size_t)d * a->nfreq + bin;
    if (a->precision == GRIDFORM_PRECISION_SINGLE) {
        a->sp.mult[idx][0] = (float)re;
        a->sp.mult[idx][1] = (float)im;
    } else {
        a->mult[idx][0] = re;
        a->mult[idx][1] = im;
    }
}

static void gf_store_msum(gridform_attractor *a, size_t bin, double v)
{
    if (a->precision == GRIDFORM_PRECISION_SINGLE)
        a->sp.msum[bin] = (float)v;
    else
        a->msum[bin] = v;
}

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
                gf_store_mult(a, d, bin, 0.25 * s * re, 0.25 * s * im);
                sum += 0.25 * s * re;
            }
            /* the imaginary parts of +e_d and -e_d cancel */
            gf_store_msum(a, bin, sum);
        }
    return 1;
}

/* Free the single-precision arrays and plans (a->sp zeroed). */
static void gf_free_single(gridform_attractor *a)
{
    if (a->sp.r2c_all || a->sp.r2c_one || a->sp.c2r) {
        gridform__fftw_lock(1);
        if (a->sp.r2c_all) fftwf_destroy_plan(a->sp.r2c_all);
        if (a->sp.r2c_one) fftwf_destroy_plan(a->sp.r2c_one);
        if (a->sp.c2r) fftwf_destroy_plan(a->sp.c2r);
        gridform__fftw_unlock();
    }
    gridform__aligned_free(a->sp.rates);
    gridform__aligned_free(a->sp.cand);
    gridform__aligned_free(a->sp.hr);
    gridform__aligned_free(a->sp.h);
    gridform__aligned_free(a->sp.msum);
    gridform__aligned_free(a->sp.rt);
    gridform__aligned_free(a->sp.ht);
    gridform__aligned_free(a->sp.mult);
    memset(&a->sp, 0, sizeof a->sp);
}

/* Free the double-precision state arrays (not h, ht: see the struct). */
static void gf_free_double_state(gridform_attractor *a)
{
    gridform__free(a->msum);
    gridform__aligned_free(a->mult);
    gridform__aligned_free(a->rates);
    gridform__aligned_free(a->cand);
    gridform__aligned_free(a->hr);
    gridform__aligned_free(a->rt);
    a->msum = NULL;
    a->mult = NULL;
    a->rates = NULL;
    a->cand = NULL;
    a->hr = NULL;
    a->rt = NULL;
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
    gf_free_single(a);
    gf_free_double_state(a);
    gridform__free(a->sigma);
    gridform__free(a->hd);
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
     * or not) is translation-invariant and runs on the torus with
     * multipliers; EXACT and UNIFORM (walls, a shape) run in real space on
     * the arena's inside bins (doc/theory.md §5.5). */
    int real = !gridform__kernel_is_multiplier(J);
    double kstar = 0.0, spacing = 0.0;
    rc = gridform__kernel_ring_continuum(J, &kstar, &spacing);
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
    a->precision = GRIDFORM_PRECISION_DOUBLE;

    if (real) {
        a->kreal = J;
        a->inside = gridform__arena_inside(ar);
        a->nin = a->inside != NULL ? gridform__arena_ninside(ar) : a->n;
        a->hd = gridform__malloc_array(a->n, sizeof(double));
        if (a->hd == NULL) {
            gf_free(a);
            return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate the network's %zu x %zu sheet", ar->nx, ar->ny);
        }
    } else {
        a->nin = a->n;
    }
    a->sigma = gridform__malloc_array(a->nfreq, sizeof(double));
    a->msum = gridform__malloc_array(a->nfreq, sizeof(double));
    a->mult = gridform__aligned_alloc(nf2);
    a->rates = gridform__aligned_alloc(n2);
    a->cand = gridform__aligned_alloc(n2);
    a->hr = gridform__aligned_doubles(a->n);
    a->rt = gridform__aligned_alloc(nf2);
    a->h = gridform__aligned_doubles(a->n);
    a->ht = gridform__aligned_alloc(a->nfreq * sizeof(fftw_complex));
    if (!a->sigma || !a->msum || !a->mult || !a->rates || !a->cand || !a->hr || !a->rt || !a->h || !a->ht) {
        gf_free(a);
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate the network's %zu x %zu sheet", ar->nx, ar->ny);
    }
    memset(a->rates, 0, n2);
    memset(a->cand, 0, n2);   /* swapped with rates by a step: no population left uninitialised */
    a->adaptive = 1;
    a->rtol = GF_ATT_RTOL;
    gridform__pi_init(&a->pi, 1);   /* the error estimate's lower method, ETD1, has order 1 */
    if (real) {
        size_t iters = 0;
        rc = gridform__attractor_real_norm(J, a->inside, a->n, a->nin, &a->creal, &a->c0real, &iters);
        double c = a->creal, c0 = a->c0real;
        size_t nin = a->nin;
        if (rc != GRIDFORM_OK) {
            gf_free(a);
            if (rc == GRIDFORM_ENOMEM)
                return GF_FAIL(NULL, rc, "cannot allocate the gain normalisation's work space");
            return GF_FAIL(NULL, rc, "cannot apply the kernel: %s", gridform_kernel_last_error(J));
        }
        if (!(c > 0.0) || !(c > c0)) {
            gf_free(a);
            return GF_FAIL(NULL, GRIDFORM_EUNDEFINED,
                           "no pattern on the %zu bins of the sheet beats the uniform one (largest eigenvalue "
                           "%g of Sigma on patterns of zero mean, %g for the uniform pattern): no pattern can "
                           "form", nin, c, c0);
        }
        a->jscale = a->gain / a->creal;
        *out = a;
        return GRIDFORM_OK;
    }

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
    if (a->kreal != NULL) {
        a->jscale = gain / a->creal;
        a->hr_valid = 0;
        return GRIDFORM_OK;
    }
    if (!gf_build_multipliers(a, &c)) {   /* cannot happen: the lattice was accepted at create */
        a->gain = old;
        gf_build_multipliers(a, &c);
        return GF_FAIL(eb, GRIDFORM_EUNDEFINED, "no lattice mode beats the uniform mode");
    }
    a->hr_valid = 0;
    return GRIDFORM_OK;
}

/* Forget the adaptive step and its controller's history: the next
 * interval starts again from gf_advance's first trial step. */
static void gf_restart_step(gridform_attractor *a)
{
    a->hstep = 0.0;
    gridform__pi_reset(&a->pi);
}

/* tau and dt, durations in seconds (finite, > 0), errors naming fn.  The
 * adaptive step is bounded by tau and first tried at dt, so a step chosen
 * under the old value is no guide: the controller restarts. */
static int gf_set_duration(gridform_attractor *a, const char *fn, const char *name, double v, double *field)
{
    if (!isfinite(v) || v <= 0)
        return gridform__fail(GF_ATT_EB(a), GRIDFORM_EINVAL, fn, "%s must be finite and > 0 seconds, got %g",
                              name, v);
    *field = v;
    gf_restart_step(a);
    return GRIDFORM_OK;
}

int gridform_attractor_set_tau(gridform_attractor *a, double tau)
{
    GF_ATT_CHECK(a);
    return gf_set_duration(a, __func__, "tau", tau, &a->tau);
}

int gridform_attractor_set_dt(gridform_attractor *a, double dt)
{
    GF_ATT_CHECK(a);
    return gf_set_duration(a, __func__, "dt", dt, &a->dt);
}

int gridform_attractor_set_input(gridform_attractor *a, double b)
{
    GF_ATT_CHECK(a);
    if (!isfinite(b))
        return GF_FAIL(GF_ATT_EB(a), GRIDFORM_EINVAL, "the input b must be finite, got %g", b);
    a->b = b;
    a->hr_valid = 0;
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
    a->hr_valid = 0;
    return GRIDFORM_OK;
}

/* Velocity input moves the pattern by shifting each population's outgoing
 * weights (Burak and Fiete 2009), a Fourier phase on the torus.  With walls
 * or a shape a shifted kernel reaches outside the sheet, and a pattern that
 * the boundary pins does not translate rigidly, so neither the input nor
 * the displacement readout has a meaning there (doc/theory.md §5.5). */
static const char gf_no_velocity[] =
    "velocity input and displacement tracking shift the kernel on a torus; a real-space kernel (EXACT, "
    "UNIFORM: walls, a shape) would leave the sheet, whose boundary pins the pattern (doc/theory.md §5.5)";

int gridform_attractor_set_velocity_coupling(gridform_attractor *a, double shift, double alpha)
{
    GF_ATT_CHECK(a);
    gridform__errbuf *eb = GF_ATT_EB(a);
    if (!isfinite(shift) || shift < 0)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "shift must be finite and >= 0 metres, got %g", shift);
    if (!isfinite(alpha))
        return GF_FAIL(eb, GRIDFORM_EINVAL, "alpha must be finite (s/m), got %g", alpha);
    if (a->kreal != NULL)
        return GF_FAIL(eb, GRIDFORM_EUNSUPPORTED, "%s", gf_no_velocity);
    double old = a->shift, c;
    a->shift = shift;
    if (!gf_build_multipliers(a, &c)) {
        a->shift = old;
        gf_build_multipliers(a, &c);
        return GF_FAIL(eb, GRIDFORM_EINVAL,
                       "shift %g m is so large that no lattice mode beats the uniform mode", shift);
    }
    a->alpha = alpha;
    a->hr_valid = 0;
    return GRIDFORM_OK;
}

int gridform_attractor_set_velocity(gridform_attractor *a, double vx, double vy)
{
    GF_ATT_CHECK(a);
    if (!isfinite(vx) || !isfinite(vy))
        return GF_FAIL(GF_ATT_EB(a), GRIDFORM_EINVAL, "the velocity must be finite, got (%g, %g) m/s", vx, vy);
    if (a->kreal != NULL && (vx != 0.0 || vy != 0.0))
        return GF_FAIL(GF_ATT_EB(a), GRIDFORM_EUNSUPPORTED, "%s", gf_no_velocity);
    a->vx = vx;
    a->vy = vy;
    a->hr_valid = 0;
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

/* Allocate and plan the float arrays (a->sp), all or nothing. */
static int gf_alloc_single(gridform_attractor *a)
{
    size_t n = a->n, nf = a->nfreq;
    a->sp.rates = gridform__aligned_alloc(NPOP * n * sizeof(float));
    a->sp.cand = gridform__aligned_alloc(NPOP * n * sizeof(float));
    a->sp.hr = gridform__aligned_alloc(n * sizeof(float));
    a->sp.h = gridform__aligned_alloc(n * sizeof(float));
    a->sp.msum = gridform__aligned_alloc(nf * sizeof(float));
    a->sp.rt = gridform__aligned_alloc(NPOP * nf * sizeof(fftwf_complex));
    a->sp.ht = gridform__aligned_alloc(nf * sizeof(fftwf_complex));
    a->sp.mult = gridform__aligned_alloc(NPOP * nf * sizeof(fftwf_complex));
    if (!a->sp.rates || !a->sp.cand || !a->sp.hr || !a->sp.h || !a->sp.msum || !a->sp.rt || !a->sp.ht || !a->sp.mult) {
        gf_free_single(a);
        return 0;
    }
    int dims[2] = {(int)a->ny, (int)a->nx};
    gridform__fftw_lock(1);
    /* every population zeroed: only the first carries state while they are
     * identical, and the others must not be read uninitialised (the
     * precision switch checks every value against float's range) */
    memset(a->sp.rates, 0, NPOP * n * sizeof(float));
    memset(a->sp.cand, 0, NPOP * n * sizeof(float));   /* swapped with rates by a step */
    a->sp.r2c_all = fftwf_plan_many_dft_r2c(2, dims, NPOP, a->sp.rates, NULL, 1, (int)n, a->sp.rt, NULL, 1,
                                            (int)nf, FFTW_ESTIMATE);
    a->sp.r2c_one = fftwf_plan_many_dft_r2c(2, dims, 1, a->sp.rates, NULL, 1, (int)n, a->sp.rt, NULL, 1,
                                            (int)nf, FFTW_ESTIMATE);
    a->sp.c2r = fftwf_plan_many_dft_c2r(2, dims, 1, a->sp.ht, NULL, 1, (int)nf, a->sp.h, NULL, 1, (int)n,
                                        FFTW_ESTIMATE);
    gridform__fftw_unlock();
    if (!a->sp.r2c_all || !a->sp.r2c_one || !a->sp.c2r) {
        gf_free_single(a);
        return 0;
    }
    return 1;
}

/* Allocate the double state arrays, all or nothing. */
static int gf_alloc_double_state(gridform_attractor *a)
{
    size_t n = a->n, nf = a->nfreq;
    a->msum = gridform__malloc_array(nf, sizeof(double));
    a->mult = gridform__aligned_alloc(NPOP * nf * sizeof(fftw_complex));
    a->rates = gridform__aligned_alloc(NPOP * n * sizeof(double));
    a->cand = gridform__aligned_alloc(NPOP * n * sizeof(double));
    a->hr = gridform__aligned_alloc(n * sizeof(double));
    a->rt = gridform__aligned_alloc(NPOP * nf * sizeof(fftw_complex));
    if (!a->msum || !a->mult || !a->rates || !a->cand || !a->hr || !a->rt) {
        gf_free_double_state(a);
        return 0;
    }
    memset(a->rates, 0, NPOP * n * sizeof(double));   /* as gf_alloc_single */
    memset(a->cand, 0, NPOP * n * sizeof(double));
    return 1;
}

int gridform_attractor_set_precision(gridform_attractor *a, int precision)
{
    GF_ATT_CHECK(a);
    gridform__errbuf *eb = GF_ATT_EB(a);
    if (precision != GRIDFORM_PRECISION_DOUBLE && precision != GRIDFORM_PRECISION_SINGLE)
        return GF_FAIL(eb, GRIDFORM_EINVAL,
                       "precision must be GRIDFORM_PRECISION_DOUBLE (%d) or GRIDFORM_PRECISION_SINGLE (%d), got %d",
                       GRIDFORM_PRECISION_DOUBLE, GRIDFORM_PRECISION_SINGLE, precision);
    if (precision == a->precision)
        return GRIDFORM_OK;
    /* A real-space kernel applies in double whatever the precision: only
     * the state and the per-bin arithmetic change. */
    /* The new arrays first, so a failure leaves the network as it was.
     * The rates carry over (every population, rounded to the new type);
     * the multipliers are rebuilt from Sigma~ in double, then stored. */
    size_t all = NPOP * a->n;
    double c;
    if (precision == GRIDFORM_PRECISION_SINGLE) {
        /* rates beyond float would become Inf (found by fuzzing) */
        for (size_t i = 0; i < all; i++)
            if (!(fabs(a->rates[i]) <= FLT_MAX))
                return GF_FAIL(eb, GRIDFORM_ERANGE,
                               "the rate %g at bin %zu is beyond single precision's range (%g): scale the rates "
                               "first", a->rates[i], i % a->n, (double)FLT_MAX);
        if (!gf_alloc_single(a))
            return GF_FAIL(eb, GRIDFORM_ENOMEM, "cannot allocate or plan the single-precision %zu x %zu sheet",
                           a->nx, a->ny);
        for (size_t i = 0; i < all; i++)
            a->sp.rates[i] = (float)a->rates[i];
        a->precision = precision;
        if (a->kreal == NULL)
            gf_build_multipliers(a, &c);   /* accepted before: cannot fail */
        gf_free_double_state(a);
    } else {
        if (!gf_alloc_double_state(a))
            return GF_FAIL(eb, GRIDFORM_ENOMEM, "cannot allocate the double-precision %zu x %zu sheet",
                           a->nx, a->ny);
        for (size_t i = 0; i < all; i++)
            a->rates[i] = (double)a->sp.rates[i];
        a->precision = precision;
        if (a->kreal == NULL)
            gf_build_multipliers(a, &c);
        gf_free_single(a);
    }
    a->hr_valid = 0;
    return GRIDFORM_OK;
}

int gridform_attractor_get_precision(const gridform_attractor *a, int *precision)
{
    GF_ATT_CHECK(a);
    GF_CHECK_PTR(GF_ATT_EB(a), precision);
    *precision = a->precision;
    return GRIDFORM_OK;
}

static void gf_reset_state(gridform_attractor *a)
{
    a->identical = 1;
    a->diverged = 0;
    a->tracking = 0;
    a->t = 0.0;
    a->hr_valid = 0;
    a->naccepted = a->nrejected = 0;
    a->runaway_streak = 0;
    gf_restart_step(a);
}

int gridform_attractor_seed(gridform_attractor *a, uint64_t seed, double amplitude)
{
    GF_ATT_CHECK(a);
    if (!isfinite(amplitude) || amplitude < 0)
        return GF_FAIL(GF_ATT_EB(a), GRIDFORM_EINVAL, "amplitude must be finite and >= 0, got %g", amplitude);
    if (a->precision == GRIDFORM_PRECISION_SINGLE && amplitude > FLT_MAX)
        return GF_FAIL(GF_ATT_EB(a), GRIDFORM_ERANGE,
                       "amplitude %g is beyond single precision's range (%g): the rates would be Inf", amplitude,
                       (double)FLT_MAX);
    gridform__rng r;
    gridform__rng_seed(&r, seed);
    /* nonnegative, so a rectified sheet starts inside its state space;
     * drawn in double (the same numbers in both precisions), then stored */
    a->rscale = amplitude;
    for (size_t i = 0; i < a->n; i++) {
        double v = amplitude * gridform__rng_uniform(&r);
        if (!GF_ON_SHEET(a, i))   /* drawn anyway: the same numbers inside as on the box */
            v = 0.0;
        if (a->precision == GRIDFORM_PRECISION_SINGLE)
            a->sp.rates[i] = (float)v;
        else
            a->rates[i] = v;
    }
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
    double rmax = 0.0;
    for (size_t i = 0; i < a->n; i++)
        if (GF_ON_SHEET(a, i) && fabs(rates[i]) > rmax)
            rmax = fabs(rates[i]);
    if (a->precision == GRIDFORM_PRECISION_SINGLE && rmax > FLT_MAX)
        return GF_FAIL(eb, GRIDFORM_ERANGE, "a rate of %g is beyond single precision's range (%g)", rmax,
                       (double)FLT_MAX);
    a->rscale = rmax;
    if (a->precision == GRIDFORM_PRECISION_SINGLE)
        gf_load_rates_s(a, rates);
    else
        gf_load_rates_d(a, rates);
    gf_reset_state(a);
    return GRIDFORM_OK;
}

int gridform_attractor_get_rates(const gridform_attractor *a, double *rates)
{
    GF_ATT_CHECK(a);
    gridform__errbuf *eb = GF_ATT_EB(a);
    GF_CHECK_PTR(eb, rates);
    if (a->diverged == 1)
        return GF_FAIL(eb, GRIDFORM_EDIVERGED, "the rates diverged; seed or set them again");
    if (a->precision == GRIDFORM_PRECISION_SINGLE)
        gf_store_rates_s(a, rates, 0);
    else
        gf_store_rates_d(a, rates, 0);
    /* After a runaway the state before the runaway step is kept (finite)
     * and given out, still with GRIDFORM_EDIVERGED. */
    if (a->diverged)
        return GF_FAIL(eb, GRIDFORM_EDIVERGED,
                       "the rates ran away; rates holds the last finite state; seed or set them again");
    return GRIDFORM_OK;
}

int gridform_attractor_get_time(const gridform_attractor *a, double *t)
{
    GF_ATT_CHECK(a);
    GF_CHECK_PTR(GF_ATT_EB(a), t);
    *t = a->t;
    return GRIDFORM_OK;
}

/* Runaway detection (issue 12, W4; doc/theory.md §5.2).  A network whose
 * rates stay bounded has |J * r| of the order of its input and its initial
 * rates: every nonlinearity here is 1-Lipschitz, and for the homogeneous
 * ones (RELU, LINEAR) the states scale with b and r(0).  Saturating
 * patterns stay within a few tens of that scale (a rectified DoG network
 * at gain 1.44, the edge of saturation, peaks at 30 b).  A linear network
 * above gain 1, or a rectified one far above it, grows exponentially and
 * used to run until the rates overflowed, many thousand steps later, or
 * never did within a run (LINEAR at the default gain reached 7e78 and
 * returned GRIDFORM_CONTINUE).  So the input J * r may not exceed
 * GF_RUNAWAY times the larger of |b_d| and the initial rates: a margin of
 * 3e4 over the largest saturated pattern, reached within a few hundred
 * time constants of exponential growth.  The limit also stays 1e-3 below
 * the largest finite number of the working precision, so the state kept is
 * always finite. */
#define GF_RUNAWAY 1e6

static double gf_runaway_limit(const gridform_attractor *a)
{
    double bmax = 0.0;
    for (int d = 0; d < NPOP; d++) {
        double bd = fabs(a->b * (1.0 + a->alpha * (gf_dir[d][0] * a->vx + gf_dir[d][1] * a->vy)));
        if (bd > bmax)
            bmax = bd;
    }
    double scale = bmax > a->rscale ? bmax : a->rscale;
    double cap = 1e-3 * (a->precision == GRIDFORM_PRECISION_SINGLE ? (double)FLT_MAX : DBL_MAX);
    double lim = GF_RUNAWAY * scale;
    return lim < cap ? lim : cap;
}

static int gf_stage1(gridform_attractor *a, double limit)
{
    return a->precision == GRIDFORM_PRECISION_SINGLE ? gf_stage1_s(a, limit) : gf_stage1_d(a, limit);
}

/* Reported under the public function's name (func). */
static int gf_diverged_fail_in(gridform_attractor *a, const char *func)
{
    if (a->diverged == 2)
        return gridform__fail(GF_ATT_EB(a), GRIDFORM_EDIVERGED, func,
                              "the rates ran away at t = %g s: the recurrent input exceeded %g, %g times "
                              "the larger of the input b and the initial rates (gain %g is unstable for "
                              "this nonlinearity; GRIDFORM_NL_LINEAR grows without bound at any gain "
                              "above 1); the last finite state is kept; seed or set the rates again",
                              a->t, gf_runaway_limit(a), GF_RUNAWAY, a->gain);
    return gridform__fail(GF_ATT_EB(a), GRIDFORM_EDIVERGED, func,
                          "the rates became non-finite at t = %g s (gain %g too far above 1 for this "
                          "nonlinearity?); seed or set them again", a->t, a->gain);
}
#define gf_diverged_fail(a) gf_diverged_fail_in((a), __func__)

/* The adaptive scheme gives up when the step it needs falls below this
 * many time constants, or after this many rejections in a row: the
 * tolerance is then out of reach (below the working precision's
 * round-off, or the flow is not smooth enough), which is reported, not
 * hidden behind ever smaller steps. */
#define GF_HMIN_TAU 1e-9
/* The longest step, in time constants.  The error estimate compares two
 * explicit treatments of J * r, which agree with each other, not with the
 * flow, on the slow modes of a formed pattern (its glide, whose rate
 * (1 - mu)/tau is a near cancellation of the leak and of mu/tau in N):
 * ETD2RK decays such a mode at (1 - z^2/4 + ...) times its true rate,
 * z = h/tau, whatever the estimate says.  An eighth of tau keeps that
 * below 0.4% (doc/theory.md §5.4): the speed of a driven pattern, a slow
 * mode, came out 1.2% low at tau/4. */
#define GF_HMAX_TAU 0.125
#define GF_MAX_REJECT 60
#define GF_RUNAWAY_TRIES 8

/* Advance the network by nint intervals of dt (doc/theory.md §5.4).  The
 * fixed scheme takes nint steps of dt; the adaptive one integrates to
 * t + nint dt with as many error-controlled steps as it needs, the last
 * one shortened to land on that time.  stop_tol > 0: return as soon as an
 * accepted state's residual is below it (*converged = 1).  Returns
 * GRIDFORM_OK, or GRIDFORM_EDIVERGED with a->diverged set (the last finite
 * state kept), or GF_ATT_ETOL when the tolerance cannot be met (the state
 * kept; a->diverged unset). */
#define GF_ATT_ETOL (-1)
static int gf_advance(gridform_attractor *a, size_t nint, double stop_tol, int *converged)
{
    double limit = gf_runaway_limit(a);
    int single = a->precision == GRIDFORM_PRECISION_SINGLE;
    *converged = 0;
    if (!a->adaptive) {
        for (size_t s = 0; s < nint; s++) {
            int rc = gf_stage1(a, limit);
            if (rc != GRIDFORM_OK)
                return rc;
            if (stop_tol > 0 && a->residual < stop_tol) {
                *converged = 1;
                return GRIDFORM_OK;
            }
            rc = single ? gf_step_fixed_s(a, a->dt, limit) : gf_step_fixed_d(a, a->dt, limit);
            if (rc != GRIDFORM_OK)
                return rc;
            a->t += a->dt;
            a->naccepted++;
        }
        return GRIDFORM_OK;
    }
    double t_end = a->t + (double)nint * a->dt;
    while (a->t < t_end) {
        int rc = gf_stage1(a, limit);
        if (rc != GRIDFORM_OK)
            return rc;
        if (stop_tol > 0 && a->residual < stop_tol) {
            *converged = 1;
            return GRIDFORM_OK;
        }
        /* The first trial step is the output interval, but never below a
         * thousand times the smallest step: an interval shorter than that
         * (a legal, if odd, dt) would otherwise be read as a step the
         * controller had shrunk out of reach, and the run would fail
         * before its first trial.  Too long a guess only costs a
         * rejection or lands on t_end. */
        if (!(a->hstep > 0.0))
            a->hstep = fmax(a->dt, 1e3 * GF_HMIN_TAU * a->tau);
        if (a->hstep > GF_HMAX_TAU * a->tau)
            a->hstep = GF_HMAX_TAU * a->tau;
        double h = a->hstep, remaining = t_end - a->t;
        int clipped = 0;
        if (h >= remaining || remaining - h < 1e-3 * h) {   /* land on t_end, leaving no sliver */
            h = remaining;
            clipped = 1;
        }
        if (h < GF_HMIN_TAU * a->tau && !clipped) {
            gf_restart_step(a);
            return GF_ATT_ETOL;
        }
        int runaways = 0;
        for (int tries = 0;; tries++) {
            double err = HUGE_VAL, hnext;
            rc = single ? gf_trial_etd2_s(a, h, limit, &err) : gf_trial_etd2_d(a, h, limit, &err);
            if (rc != GRIDFORM_OK) {
                /* The predictor's input ran away: a step too long, unless
                 * the rates' own input is already past half the limit, or
                 * it keeps happening, step after shrinking step (the count
                 * survives accepted steps that needed such a rejection):
                 * then the rates themselves are running away
                 * (doc/theory.md §5.2) */
                runaways++;
                if (++a->runaway_streak >= GF_RUNAWAY_TRIES || a->hrmax > 0.5 * limit) {
                    a->diverged = 2;
                    return GRIDFORM_EDIVERGED;
                }
                err = HUGE_VAL;
            }
            if (gridform__pi_decide(&a->pi, err, h, &hnext)) {
                if (single)
                    gf_accept_s(a);
                else
                    gf_accept_d(a);
                a->naccepted++;
                if (runaways == 0)
                    a->runaway_streak = 0;
                a->t = clipped ? t_end : a->t + h;
                /* a step shortened to land on t_end says little about the
                 * step the flow allows: keep the longer one, shrunk only
                 * if even the short step asked for shrinking */
                if (!clipped)
                    a->hstep = hnext;
                else if (hnext < h)
                    a->hstep *= hnext / h;
                break;
            }
            a->nrejected++;
            if ((hnext < GF_HMIN_TAU * a->tau || tries + 1 >= GF_MAX_REJECT) && runaways > 0) {
                a->diverged = 2;
                return GRIDFORM_EDIVERGED;
            }
            if (hnext < GF_HMIN_TAU * a->tau || tries + 1 >= GF_MAX_REJECT) {
                gf_restart_step(a);
                return GF_ATT_ETOL;
            }
            h = hnext;
            clipped = 0;
            a->hstep = hnext;
        }
    }
    return GRIDFORM_OK;
}

/* Report a failed advance under the public function's name. */
static int gf_advance_fail_in(gridform_attractor *a, int rc, const char *func)
{
    if (rc == GF_ATT_ETOL)
        return gridform__fail(GF_ATT_EB(a), GF_ATT_ETOL_CODE, func,
                              "cannot meet the tolerance %g at t = %g s: the step fell below %g s (%g tau) "
                              "or was rejected %d times in a row; the rates before that step are kept; "
                              "loosen the tolerance (gridform_attractor_set_tolerance)",
                              a->rtol, a->t, GF_HMIN_TAU * a->tau, GF_HMIN_TAU, GF_MAX_REJECT);
    return gf_diverged_fail_in(a, func);
}

/* The longest output interval, in time constants.  The network relaxes in
 * a few tau, and the adaptive scheme takes at least 8 steps per tau, so an
 * interval of 1e4 tau is already 8e4 steps; a longer one (dt set for one
 * tau and tau then shortened by orders of magnitude, say) would run for
 * hours or for ever, and is refused by name instead.  Checked where the
 * network steps, so that dt and tau may be set in either order. */
#define GF_MAX_DT_TAU 1e4

static int gf_interval_fail_in(gridform_attractor *a, const char *func)
{
    return gridform__fail(GF_ATT_EB(a), GRIDFORM_EINVAL, func,
                          "the output interval dt = %g s is %g time constants tau = %g s, above %g: "
                          "shorten dt (gridform_attractor_set_dt) or lengthen tau", a->dt, a->dt / a->tau, a->tau,
                          GF_MAX_DT_TAU);
}

int gridform_attractor_iterate(gridform_attractor *a, size_t nsteps)
{
    GF_ATT_CHECK(a);
    if (a->diverged)
        return gf_diverged_fail(a);
    if (!(a->dt <= GF_MAX_DT_TAU * a->tau))
        return gf_interval_fail_in(a, __func__);
    int conv, rc = gf_advance(a, nsteps, 0.0, &conv);
    if (rc != GRIDFORM_OK)
        return gf_advance_fail_in(a, rc, __func__);
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
    if (!(a->dt <= GF_MAX_DT_TAU * a->tau))
        return gf_interval_fail_in(a, __func__);
    /* progress as the learner reports it: every max(1, max_steps/100)
     * intervals of dt, after the last one and on convergence.  The
     * adaptive scheme integrates each chunk of intervals between two
     * reports in one go, its steps not cut at every dt. */
    size_t every = max_steps / 100 > 0 ? max_steps / 100 : 1;
    for (size_t s = 0; s < max_steps;) {
        size_t chunk = a->adaptive ? (every - s % every) : 1;
        if (chunk > max_steps - s)
            chunk = max_steps - s;
        int done = 0, rc = gf_advance(a, chunk, tol, &done);
        s += chunk;
        /* the residual of the state reached: the next step's first stage,
         * so it costs nothing extra */
        if (rc == GRIDFORM_OK && !done)
            rc = gf_stage1(a, gf_runaway_limit(a));
        if (rc != GRIDFORM_OK)
            return gf_advance_fail_in(a, rc, __func__);
        done = done || a->residual < tol;
        if (progress != NULL && (done || s % every == 0 || s == max_steps)
            && progress(s, max_steps, a->residual, user) != 0)
            return GF_FAIL(eb, GRIDFORM_ECANCELED, "canceled by the progress callback after %zu steps", s);
        if (done)
            return GRIDFORM_OK;
    }
    return GRIDFORM_CONTINUE;
}

int gridform_attractor_get_residual(gridform_attractor *a, double *residual)
{
    GF_ATT_CHECK(a);
    GF_CHECK_PTR(GF_ATT_EB(a), residual);
    if (a->diverged)
        return gf_diverged_fail(a);
    if (gf_stage1(a, gf_runaway_limit(a)) != GRIDFORM_OK)
        return gf_diverged_fail(a);
    *residual = a->residual;
    return GRIDFORM_OK;
}

int gridform_attractor_set_tolerance(gridform_attractor *a, double rtol)
{
    GF_ATT_CHECK(a);
    if (!isfinite(rtol) || !(rtol > 0) || !(rtol < 1))
        return GF_FAIL(GF_ATT_EB(a), GRIDFORM_EINVAL, "the tolerance rtol must be finite, > 0 and < 1, got %g",
                       rtol);
    a->rtol = rtol;
    gridform__pi_reset(&a->pi);
    return GRIDFORM_OK;
}

int gridform_attractor_set_step_control(gridform_attractor *a, int on)
{
    GF_ATT_CHECK(a);
    if (on != 0 && on != 1)
        return GF_FAIL(GF_ATT_EB(a), GRIDFORM_EINVAL, "on must be 0 (fixed steps of dt) or 1 (error control), got %d",
                       on);
    a->adaptive = on;
    gf_restart_step(a);
    return GRIDFORM_OK;
}

int gridform_attractor_get_steps(const gridform_attractor *a, size_t *accepted, size_t *rejected)
{
    GF_ATT_CHECK(a);
    if (accepted == NULL && rejected == NULL)
        return GF_FAIL(GF_ATT_EB(a), GRIDFORM_EINVAL, "accepted and rejected must not both be NULL");
    if (accepted) *accepted = a->naccepted;
    if (rejected) *rejected = a->nrejected;
    return GRIDFORM_OK;
}

/* FFT of the summed rates of all populations into a->ht (a->h is scratch),
 * in double whatever the working precision. */
static void gf_sum_fft(gridform_attractor *a)
{
    if (a->precision == GRIDFORM_PRECISION_SINGLE)
        gf_store_rates_s(a, a->h, 1);
    else
        gf_store_rates_d(a, a->h, 1);
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
    if (a->kreal != NULL)
        return GF_FAIL(eb, GRIDFORM_EUNSUPPORTED, "%s", gf_no_velocity);
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
    if (a->kreal != NULL)
        return GF_FAIL(eb, GRIDFORM_EUNSUPPORTED, "%s", gf_no_velocity);
    if (a->diverged)
        return gf_diverged_fail(a);
    if (!a->tracking)
        return GF_FAIL(eb, GRIDFORM_EUNDEFINED,
                       "no reference: call gridform_attractor_reset_displacement on a formed pattern first");
    /* catch up with the state the last step produced */
    gf_sum_fft(a);
    gf_track_d(a, a->ht, 0);
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
    if (!(det > 0) || !isfinite(ux) || !isfinite(uy))
        return GF_FAIL(eb, GRIDFORM_EUNDEFINED,
                       "the tracked modes do not determine the displacement (their wavevectors are "
                       "numerically parallel or vanish)");
    if (dx) *dx = ux;
    if (dy) *dy = uy;
    return GRIDFORM_OK;
}
