/* Tests for the attractor network: the linear theory exactly, pattern
 * formation on the DoG kernel's ring, velocity-driven translation, the run
 * conventions, and every error path. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"
#include "test_subset.h"

#define PI 3.14159265358979323846

/* The default DoG place code of doc/theory.md §1.5: sigma = 0.12 m, s = 2. */
#define SIGMA 0.12
#define SURROUND 2.0

typedef struct {
    gridform_arena *ar;
    gridform_placecode *pc;
    gridform_kernel *k;
} fixture;

static void fx_make(fixture *f, double L, size_t n, int tuning, int mode)
{
    memset(f, 0, sizeof *f);
    ck_assert_int_eq(gridform_arena_create(&f->ar, L, L, n, n, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&f->pc, f->ar, tuning, SIGMA, SURROUND, 256,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&f->k, f->pc, mode), GRIDFORM_OK);
}

static void fx_free(fixture *f)
{
    gridform_kernel_destroy(f->k);
    gridform_placecode_destroy(f->pc);
    gridform_arena_destroy(f->ar);
}

static double rel_maxdiff(const double *x, const double *y, size_t n);

static double kstar_theory(void)
{
    /* doc/theory.md §1.5, eq. (1.10): k*^2 = 2 ln s / (sigma^2 (s - 1)) */
    return sqrt(2.0 * log(SURROUND) / (SIGMA * SIGMA * (SURROUND - 1.0)));
}

/* Power of the mean-free map at lattice wavevector (kx, ky), by direct DFT
 * (independent of the library's FFTs).  The phase factor separates,
 * e^{-i(kx x + ky y)} = e^{-i kx x} e^{-i ky y}, so 4n cosines and sines
 * serve the n^2 points (trigonometry dominates this test's time under
 * memcheck). */
static double mode_power(const double *r, size_t n, double L, double kx, double ky)
{
    double mean = 0.0, re = 0.0, im = 0.0, h = L / (double)n;
    double *cx = malloc(4 * n * sizeof *cx), *sx = cx + n, *cy = cx + 2 * n, *sy = cx + 3 * n;
    ck_assert_ptr_nonnull(cx);
    for (size_t i = 0; i < n * n; i++)
        mean += r[i];
    mean /= (double)(n * n);
    for (size_t i = 0; i < n; i++) {
        double c = ((double)i + 0.5) * h;
        cx[i] = cos(kx * c), sx[i] = sin(kx * c);
        cy[i] = cos(ky * c), sy[i] = sin(ky * c);
    }
    for (size_t iy = 0; iy < n; iy++)
        for (size_t ix = 0; ix < n; ix++) {
            double v = r[iy * n + ix] - mean;
            /* cos(a + b) and sin(a + b) from the factors */
            re += v * (cx[ix] * cy[iy] - sx[ix] * sy[iy]);
            im -= v * (sx[ix] * cy[iy] + cx[ix] * sy[iy]);
        }
    free(cx);
    return re * re + im * im;
}

/* The three strongest lattice modes (half plane, |k| < kmax), as angles and
 * magnitudes; returns the strongest |k|. */
static double dominant_modes(const double *r, size_t n, double L, double kmax, double ang[3],
                             double kmag[3], double pw[3])
{
    int m = (int)ceil(kmax * L / (2 * PI));
    for (int j = 0; j < 3; j++)
        pw[j] = -1, ang[j] = 0, kmag[j] = 0;
    for (int my = -m; my <= m; my++)
        for (int mx = 0; mx <= m; mx++) {
            if (mx == 0 && my <= 0)
                continue;
            double kx = 2 * PI * mx / L, ky = 2 * PI * my / L, kk = hypot(kx, ky);
            if (kk > kmax)
                continue;
            double p = mode_power(r, n, L, kx, ky);
            for (int j = 0; j < 3; j++)
                if (p > pw[j]) {
                    for (int q = 2; q > j; q--)
                        pw[q] = pw[q - 1], ang[q] = ang[q - 1], kmag[q] = kmag[q - 1];
                    pw[j] = p, ang[j] = atan2(ky, kx), kmag[j] = kk;
                    break;
                }
        }
    return kmag[0];
}

/* The linear theory, exactly: with phi linear and b = 0, a lattice plane
 * wave is an eigenvector with eigenvalue lambda = gain Sigma~(k)/Sigma~max.
 * The fixed 0.2 step (step control off), exponential Euler, multiplies it
 * by e + (1 - e) lambda per step; the flow by exp((lambda - 1) t/tau), which
 * the default error-controlled scheme follows to its tolerance. */
START_TEST(test_linear_modes)
{
    fixture f;
    const double L = 2.2;
    const size_t n = 32;
    fx_make(&f, L, n, GRIDFORM_TUNING_DOG, GRIDFORM_KERNEL_FOURIER);
    size_t nf;
    ck_assert_int_eq(gridform_arena_get_nfreq(f.ar, &nf), GRIDFORM_OK);
    double *spec = malloc(nf * sizeof *spec), *r = malloc(n * n * sizeof *r), *out = malloc(n * n * sizeof *r);
    ck_assert_int_eq(gridform_kernel_spectrum(f.k, spec), GRIDFORM_OK);
    gridform_attractor *a = NULL;
    ck_assert_int_eq(gridform_attractor_create(&a, f.k), GRIDFORM_OK);
    /* shift 0: the four populations act as one, Sigma~max is the lattice max */
    ck_assert_int_eq(gridform_attractor_set_velocity_coupling(a, 0.0, 0.1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_nonlinearity(a, GRIDFORM_NL_LINEAR), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_input(a, 0.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_gain(a, 1.3), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_step_control(a, 0), GRIDFORM_OK);
    double smax = 0;
    size_t nh = n / 2 + 1;
    for (size_t b = 1; b < nf; b++)
        if (spec[b] > smax)
            smax = spec[b];
    const int modes[3][2] = {{3, 1}, {1, 0}, {0, 5}};
    /* Under GRIDFORM_TEST_SUBSET (test_subset.h, CI's memcheck) the first
     * mode only: the three take the same code path. */
    const int nmodes = (int)gf_subset_count(3, 1);
    for (int q = 0; q < nmodes; q++) {
        int mx = modes[q][0], my = modes[q][1];
        double kx = 2 * PI * mx / L, ky = 2 * PI * my / L;
        for (size_t iy = 0; iy < n; iy++)
            for (size_t ix = 0; ix < n; ix++)
                r[iy * n + ix] = cos(kx * ((double)ix + 0.5) * L / n + ky * ((double)iy + 0.5) * L / n + 0.3);
        ck_assert_int_eq(gridform_attractor_set_rates(a, r), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_iterate(a, 25), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_get_rates(a, out), GRIDFORM_OK);
        double lambda = 1.3 * spec[(size_t)my * nh + (size_t)mx] / smax;
        double e = exp(-0.1), factor = pow(e + (1 - e) * lambda, 25);
        for (size_t i = 0; i < n * n; i++)
            ck_assert_double_eq_tol(out[i], factor * r[i], 1e-12);
        /* error control: the flow's own factor, to a few times rtol per
         * time constant (25 ms = 2.5 tau), at the default rtol and at 100x
         * tighter, which must be about 100x closer (second order: the
         * global error scales with rtol) */
        ck_assert_int_eq(gridform_attractor_set_step_control(a, 1), GRIDFORM_OK);
        double exact = exp((lambda - 1) * 2.5), dev[2];
        for (int t = 0; t < 2; t++) {
            ck_assert_int_eq(gridform_attractor_set_tolerance(a, t ? 1e-5 : 1e-3), GRIDFORM_OK);
            ck_assert_int_eq(gridform_attractor_set_rates(a, r), GRIDFORM_OK);
            ck_assert_int_eq(gridform_attractor_iterate(a, 25), GRIDFORM_OK);
            ck_assert_int_eq(gridform_attractor_get_rates(a, out), GRIDFORM_OK);
            dev[t] = 0;
            for (size_t i = 0; i < n * n; i++)
                dev[t] = fmax(dev[t], fabs(out[i] - exact * r[i]) / exact);
        }
        ck_assert_msg(dev[0] < 5e-3 && dev[1] < 5e-5 && dev[1] < 0.1 * dev[0],
                      "mode %d: deviation from the flow %g (rtol 1e-3), %g (1e-5)", q, dev[0], dev[1]);
        ck_assert_int_eq(gridform_attractor_set_step_control(a, 0), GRIDFORM_OK);
    }
    /* gain 1 makes the most unstable lattice mode exactly marginal */
    ck_assert_int_eq(gridform_attractor_set_gain(a, 1.0), GRIDFORM_OK);
    size_t bmax = 1;
    for (size_t b = 1; b < nf; b++)
        if (spec[b] > spec[bmax])
            bmax = b;
    double kx = 2 * PI * (double)(bmax % nh) / L;
    double my = (double)(bmax / nh) < n / 2 ? (double)(bmax / nh) : (double)(bmax / nh) - (double)n;
    double ky = 2 * PI * my / L;
    for (size_t iy = 0; iy < n; iy++)
        for (size_t ix = 0; ix < n; ix++)
            r[iy * n + ix] = sin(kx * ((double)ix + 0.5) * L / n + ky * ((double)iy + 0.5) * L / n);
    ck_assert_int_eq(gridform_attractor_set_rates(a, r), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(a, 100), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_rates(a, out), GRIDFORM_OK);
    for (size_t i = 0; i < n * n; i++)
        ck_assert_double_eq_tol(out[i], r[i], 1e-11);
    gridform_attractor_destroy(a);
    free(spec);
    free(r);
    free(out);
    fx_free(&f);
}
END_TEST

/* A uniform sheet stays uniform at the fixed point r = b / (1 - J~(0)); for
 * the DoG, J~(0) = 0 so r = b.  This also checks the default parameters. */
START_TEST(test_uniform_fixed_point)
{
    fixture f;
    fx_make(&f, 2.2, 32, GRIDFORM_TUNING_DOG, GRIDFORM_KERNEL_FOURIER);
    gridform_attractor *a = NULL;
    ck_assert_int_eq(gridform_attractor_create(&a, f.k), GRIDFORM_OK);
    double gain, tau, dt, b;
    int nl;
    ck_assert_int_eq(gridform_attractor_get_parameters(a, &gain, &tau, &dt, &b, &nl), GRIDFORM_OK);
    ck_assert_double_eq(gain, 1.1);
    ck_assert_double_eq(tau, 0.01);
    ck_assert_double_eq(dt, 0.001);
    ck_assert_double_eq(b, 1.0);
    ck_assert_int_eq(nl, GRIDFORM_NL_RELU);
    ck_assert_int_eq(gridform_attractor_set_input(a, 0.7), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_seed(a, 3, 0.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(a, 400), GRIDFORM_OK);
    double r[32 * 32], t;
    ck_assert_int_eq(gridform_attractor_get_rates(a, r), GRIDFORM_OK);
    /* 400 steps of dt/tau = 0.1: 1 - e^-40 of the way */
    for (int i = 0; i < 32 * 32; i++)
        ck_assert_double_eq_tol(r[i], 0.7, 1e-12);
    ck_assert_int_eq(gridform_attractor_get_time(a, &t), GRIDFORM_OK);
    ck_assert_double_eq_tol(t, 0.4, 1e-12);
    gridform_attractor_destroy(a);
    /* the network copies what it needs: its kernel may go first */
    gridform_kernel *k2 = NULL;
    ck_assert_int_eq(gridform_kernel_create(&k2, f.pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_create(&a, k2), GRIDFORM_OK);
    gridform_kernel_destroy(k2);
    ck_assert_int_eq(gridform_attractor_seed(a, 3, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(a, 20), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_rates(a, r), GRIDFORM_OK);
    gridform_attractor_destroy(a);
    fx_free(&f);
}
END_TEST

/* The validation of issue 5: the defaults form a hexagonal pattern on the
 * DoG kernel's ring from a small random seed. */
START_TEST(test_pattern_defaults)
{
    fixture f;
    const double L = 4.4;
    const size_t n = 64;
    fx_make(&f, L, n, GRIDFORM_TUNING_DOG, GRIDFORM_KERNEL_FOURIER);
    gridform_attractor *a = NULL;
    ck_assert_int_eq(gridform_attractor_create(&a, f.k), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_seed(a, 1, 0.01), GRIDFORM_OK);
    int rc = gridform_attractor_run(a, 6000, 1e-5, NULL, NULL);
    ck_assert(rc == GRIDFORM_OK || rc == GRIDFORM_CONTINUE);
    double *r = malloc(n * n * sizeof *r);
    ck_assert_int_eq(gridform_attractor_get_rates(a, r), GRIDFORM_OK);
    double rmin = r[0], rmax = r[0];
    for (size_t i = 0; i < n * n; i++) {
        ck_assert(isfinite(r[i]));
        rmin = fmin(rmin, r[i]);
        rmax = fmax(rmax, r[i]);
    }
    /* rectified and saturated: nonnegative, bounded, with silent regions */
    ck_assert(rmin >= 0.0 && rmin < 1e-3);
    ck_assert(rmax > 2.0 && rmax < 20.0);
    double ang[3], km[3], pw[3], ks = kstar_theory();
    double kd = dominant_modes(r, n, L, 2 * ks, ang, km, pw);
    ck_assert_msg(fabs(kd / ks - 1) < 0.05, "dominant k %g vs k* %g", kd, ks);
    /* hexagonal: three modes of comparable power on the ring, 60 degrees apart */
    for (int j = 0; j < 3; j++) {
        ck_assert_msg(fabs(km[j] / ks - 1) < 0.08, "mode %d at %g", j, km[j]);
        ck_assert(pw[j] > 0.3 * pw[0]);
    }
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++) {
            double d = fabs(remainder(ang[i] - ang[j], PI)) * 180 / PI;
            ck_assert_msg(fabs(d - 60) < 8, "modes %d, %d differ by %g degrees", i, j, d);
        }
    /* gridness of the sheet (a torus: periodic autocorrelogram) */
    gridform_scorer *sc = NULL;
    ck_assert_int_eq(gridform_scorer_create(&sc, f.ar), GRIDFORM_OK);   /* periodic SAC */
    /* annuli around the first rings of SAC peaks (the predicted spacing a):
     * the scorer's defaults are fractions of the box, and this box holds six
     * periods, so they would miss the nearest peaks */
    double a_pred = 4 * PI / (sqrt(3.0) * ks);
    ck_assert_int_eq(gridform_scorer_set_annuli_m(sc, 0.5 * a_pred, 1.2 * a_pred, 2.5 * a_pred, 10),
                     GRIDFORM_OK);
    double s60, s90, spacing, kdom;
    ck_assert_int_eq(gridform_scorer_score(sc, r, 1, &s60, &s90, &spacing, NULL), GRIDFORM_OK);
    ck_assert_int_eq(gridform_map_dominant_k(sc, r, &kdom), GRIDFORM_OK);
    ck_assert_msg(s60 >= 0.8, "score60 %g", s60);
    ck_assert_msg(fabs(kdom / ks - 1) < 0.05, "scorer's dominant k %g vs k* %g", kdom, ks);
    /* spacing 4 pi/(sqrt 3 k*) = 0.739 m */
    ck_assert_msg(fabs(spacing / a_pred - 1) < 0.05, "spacing %g", spacing);
    gridform_scorer_destroy(sc);
    free(r);
    gridform_attractor_destroy(a);
    fx_free(&f);
}
END_TEST

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* The pattern does not depend on the step (issue 19; doc/theory.md §5.4):
 * three seeds run to stationarity (residual 1e-5) at the default
 * tolerance and at one 100x tighter agree on the median dominant k to 1%
 * and on the median score60 to 0.05; the rates of each seed agree to
 * 1e-2 of their maximum.  Under GRIDFORM_TEST_SUBSET (test_subset.h,
 * CI's memcheck) seed 1 alone, its own median. */
START_TEST(test_step_independence)
{
    fixture f;
    const double L = 2.2;
    const size_t n = 32, nn = n * n;
    enum { MAXSEED = 3 };
    const int nseed = (int)gf_subset_count(MAXSEED, 1);
    fx_make(&f, L, n, GRIDFORM_TUNING_DOG, GRIDFORM_KERNEL_FOURIER);
    double ks = kstar_theory(), a_pred = 4 * PI / (sqrt(3.0) * ks);
    gridform_scorer *sc = NULL;
    ck_assert_int_eq(gridform_scorer_create(&sc, f.ar), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_set_annuli_m(sc, 0.5 * a_pred, 1.2 * a_pred, 1.45 * a_pred, 10), GRIDFORM_OK);
    double *r = malloc(2 * nn * sizeof *r), kd[2][MAXSEED], s60[2][MAXSEED];
    ck_assert_ptr_nonnull(r);
    for (int seed = 0; seed < nseed; seed++) {
        for (int t = 0; t < 2; t++) {
            gridform_attractor *a = NULL;
            ck_assert_int_eq(gridform_attractor_create(&a, f.k), GRIDFORM_OK);
            if (t)
                ck_assert_int_eq(gridform_attractor_set_tolerance(a, 1e-5), GRIDFORM_OK);
            ck_assert_int_eq(gridform_attractor_seed(a, (uint64_t)seed + 1, 0.01), GRIDFORM_OK);
            ck_assert_int_eq(gridform_attractor_run(a, 100000, 1e-5, NULL, NULL), GRIDFORM_OK);
            ck_assert_int_eq(gridform_attractor_get_rates(a, r + (size_t)t * nn), GRIDFORM_OK);
            ck_assert_int_eq(gridform_map_dominant_k(sc, r + (size_t)t * nn, &kd[t][seed]), GRIDFORM_OK);
            ck_assert_int_eq(gridform_scorer_score(sc, r + (size_t)t * nn, 1, &s60[t][seed], NULL, NULL, NULL),
                             GRIDFORM_OK);
            gridform_attractor_destroy(a);
        }
        double rel = rel_maxdiff(r, r + nn, nn);
        ck_assert_msg(rel < 1e-2, "seed %d: rates at the two tolerances differ by %g", seed + 1, rel);
    }
    for (int t = 0; t < 2; t++) {
        qsort(kd[t], (size_t)nseed, sizeof(double), cmp_double);
        qsort(s60[t], (size_t)nseed, sizeof(double), cmp_double);
    }
    printf("attractor step independence: median k %.4f vs %.4f rad/m, median score60 %.3f vs %.3f\n",
           kd[0][nseed / 2], kd[1][nseed / 2], s60[0][nseed / 2], s60[1][nseed / 2]);
    ck_assert_msg(fabs(kd[0][nseed / 2] / kd[1][nseed / 2] - 1) < 0.01, "median k %g vs %g",
                  kd[0][nseed / 2], kd[1][nseed / 2]);
    ck_assert_msg(fabs(s60[0][nseed / 2] - s60[1][nseed / 2]) < 0.05, "median score60 %g vs %g",
                  s60[0][nseed / 2], s60[1][nseed / 2]);
    gridform_scorer_destroy(sc);
    free(r);
    fx_free(&f);
}
END_TEST

/* The residual |-r + phi(J * r + b)| / max(|r|, |phi(J * r + b)|) is a
 * function of the rates alone: on a uniform sheet r = c of the DoG network
 * (J~(0) = 0, phi(b) = b = 1) it is |b - c| / max(b, c) whatever dt,
 * tolerance or scheme is set; a sheet at 0 that its input drives has
 * residual 1 (it was +Inf, returned with GRIDFORM_OK, before 0.3); and the
 * same patterned rates give the same residual, to the last bit, under
 * every step setting. */
START_TEST(test_residual)
{
    fixture f;
    const size_t n = 32, nn = n * n;
    fx_make(&f, 2.2, n, GRIDFORM_TUNING_DOG, GRIDFORM_KERNEL_FOURIER);
    gridform_attractor *a = NULL;
    ck_assert_int_eq(gridform_attractor_create(&a, f.k), GRIDFORM_OK);
    double r[32 * 32], res, ref = -1;
    for (size_t i = 0; i < nn; i++)
        r[i] = 0.25;
    ck_assert_int_eq(gridform_attractor_set_rates(a, r), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_residual(a, &res), GRIDFORM_OK);
    ck_assert_double_eq_tol(res, 0.75, 1e-12);
    for (size_t i = 0; i < nn; i++)
        r[i] = 4.0;
    ck_assert_int_eq(gridform_attractor_set_rates(a, r), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_residual(a, &res), GRIDFORM_OK);
    ck_assert_double_eq_tol(res, 0.75, 1e-12);
    for (size_t i = 0; i < nn; i++)
        r[i] = 0.0;
    ck_assert_int_eq(gridform_attractor_set_rates(a, r), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_residual(a, &res), GRIDFORM_OK);
    ck_assert_msg(res == 1.0, "residual of the driven zero sheet %.17g, not 1", res);
    ck_assert_int_eq(gridform_attractor_seed(a, 3, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(a, 200), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_rates(a, r), GRIDFORM_OK);
    const double dts[3] = {1e-3, 1e-5, 0.1}, tols[3] = {1e-3, 1e-8, 0.3};
    for (int c = 0; c < 6; c++) {
        ck_assert_int_eq(gridform_attractor_set_step_control(a, c % 2), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_set_dt(a, dts[c / 2]), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_set_tolerance(a, tols[c / 2]), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_set_rates(a, r), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_get_residual(a, &res), GRIDFORM_OK);
        if (c == 0)
            ref = res;
        ck_assert(res == ref);
    }
    ck_assert(ref > 0 && ref < 1);
    /* run's tol means it: stopping at 1e-4 leaves a residual below 1e-4 */
    ck_assert_int_eq(gridform_attractor_set_dt(a, 1e-3), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_tolerance(a, 1e-3), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_rates(a, r), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_run(a, 100000, 1e-4, NULL, NULL), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_residual(a, &res), GRIDFORM_OK);
    ck_assert(res < 1e-4);
    size_t acc = 0, rej = 0;
    ck_assert_int_eq(gridform_attractor_get_steps(a, &acc, &rej), GRIDFORM_OK);
    ck_assert(acc > 0);
    /* a tolerance beyond round-off cannot be met: its own code, the rates
     * before the failing step kept */
    double before[32 * 32], after[32 * 32];
    ck_assert_int_eq(gridform_attractor_seed(a, 3, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_rates(a, before), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_tolerance(a, 1e-300), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(a, 10), GRIDFORM_EACCURACY);
    ck_assert_ptr_nonnull(strstr(gridform_attractor_last_error(a), "tolerance"));
    ck_assert_int_eq(gridform_attractor_get_rates(a, after), GRIDFORM_OK);
    ck_assert_mem_eq(before, after, sizeof before);
    gridform_attractor_destroy(a);
    fx_free(&f);
}
END_TEST

static double slope_r2(const double *t, const double *u, int m, double *r2)
{
    double st = 0, su = 0, stt = 0, suu = 0, stu = 0;
    for (int i = 0; i < m; i++) {
        st += t[i];
        su += u[i];
        stt += t[i] * t[i];
        suu += u[i] * u[i];
        stu += t[i] * u[i];
    }
    double ct = stt / m - (st / m) * (st / m), cu = suu / m - (su / m) * (su / m);
    double ctu = stu / m - (st / m) * (su / m);
    *r2 = ctu * ctu / (ct * cu);
    return ctu / ct;
}

/* Drive a formed pattern at velocity (vx, vy): displacement samples every
 * 50 steps after a settling period. */
static void drive(gridform_attractor *a, double vx, double vy, double *speed_x, double *speed_y,
                  double *r2x, double *r2y)
{
    enum { M = 16 };
    double t[M], ux[M], uy[M];
    ck_assert_int_eq(gridform_attractor_set_velocity(a, vx, vy), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(a, 300), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_reset_displacement(a), GRIDFORM_OK);
    double t0;
    ck_assert_int_eq(gridform_attractor_get_time(a, &t0), GRIDFORM_OK);
    for (int i = 0; i < M; i++) {
        ck_assert_int_eq(gridform_attractor_iterate(a, 50), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_get_displacement(a, &ux[i], &uy[i]), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_get_time(a, &t[i]), GRIDFORM_OK);
        t[i] -= t0;
    }
    *speed_x = slope_r2(t, ux, M, r2x);
    *speed_y = slope_r2(t, uy, M, r2y);
}

START_TEST(test_velocity)
{
    fixture f;
    const double L = 4.4;
    const size_t n = 64;
    fx_make(&f, L, n, GRIDFORM_TUNING_DOG, GRIDFORM_KERNEL_FOURIER);
    gridform_attractor *a = NULL;
    ck_assert_int_eq(gridform_attractor_create(&a, f.k), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_seed(a, 1, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(a, 9000), GRIDFORM_OK);
    /* before any reference the displacement is undefined */
    double ux, uy;
    ck_assert_int_eq(gridform_attractor_get_displacement(a, &ux, &uy), GRIDFORM_EUNDEFINED);
    double sx1, sy1, sx2, sy2, r2x, r2y, r2x2, r2y2;
    drive(a, 0.5, 0.0, &sx1, &sy1, &r2x, &r2y);
    ck_assert_msg(r2x >= 0.99, "R^2 %g", r2x);
    ck_assert(sx1 > 0);
    ck_assert_msg(fabs(sy1) < 0.1 * sx1, "off-axis speed %g vs %g", sy1, sx1);
    drive(a, 1.0, 0.0, &sx2, &sy2, &r2x2, &r2y2);
    ck_assert_msg(r2x2 >= 0.99, "R^2 %g", r2x2);
    ck_assert_msg(fabs(sx2 / sx1 - 2) < 0.05 * 2, "speed ratio %g (speeds %g, %g)", sx2 / sx1, sx1, sx2);
    /* along y, and reversed */
    double sx3, sy3, sx4, sy4;
    drive(a, 0.0, 1.0, &sx3, &sy3, &r2x, &r2y);
    ck_assert_msg(r2y >= 0.99, "R^2 %g", r2y);
    ck_assert_msg(fabs(sy3 / sx2 - 1) < 0.05, "y speed %g vs x speed %g", sy3, sx2);
    drive(a, -1.0, 0.0, &sx4, &sy4, &r2x, &r2y);
    ck_assert_msg(fabs(sx4 / sx2 + 1) < 0.05, "reversed speed %g vs %g", sx4, sx2);
    gridform_attractor_destroy(a);
    fx_free(&f);
}
END_TEST

/* The unification (doc/theory.md §5.1): on the same kernel the network's
 * steady sheet and the learner's rectified map are hexagons of the same
 * kernel.  On the 4.4 m, 64 x 64 lattice the ring k* = 9.81 falls between
 * shells, and a hexagon snaps to one of two lattices whose three modes
 * have mean |k| 9.61 and 9.96 rad/m (3.6% apart); which one depends on
 * the seed and the dynamics.  Since the learner follows its flow (issue
 * 19) the two agree exactly for seed 1 (the example's) and sit on the
 * neighbouring lattices for seed 2; with the 0.2 learner's long step it
 * was the other way round (seed 2 agreed; seed 1's learner map was on the
 * 9.96 lattice, the network's on 9.61).
 * Assert: both hexagonal for both seeds, each pair within one lattice
 * (mean |k| and spacing within 5%), and seed 1's pair the same lattice
 * (mean |k| within 1%, spacing within 2%).  Under GRIDFORM_TEST_SUBSET
 * (test_subset.h) seed 1 alone. */
START_TEST(test_learner_comparison)
{
    fixture f;
    const double L = 4.4;
    const size_t n = 64, np = n * n;
    fx_make(&f, L, n, GRIDFORM_TUNING_DOG, GRIDFORM_KERNEL_FOURIER);
    double *maps = malloc(2 * np * sizeof *maps);
    double ks = kstar_theory(), a_pred = 4 * PI / (sqrt(3.0) * ks);
    gridform_scorer *sc = NULL;
    ck_assert_int_eq(gridform_scorer_create(&sc, f.ar), GRIDFORM_OK);   /* periodic SAC */
    ck_assert_int_eq(gridform_scorer_set_annuli_m(sc, 0.5 * a_pred, 1.2 * a_pred, 2.5 * a_pred, 10),
                     GRIDFORM_OK);
    for (uint64_t seed = 1; seed <= gf_subset_count(2, 1); seed++) {
        gridform_attractor *a = NULL;
        ck_assert_int_eq(gridform_attractor_create(&a, f.k), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_seed(a, seed, 0.01), GRIDFORM_OK);
        int rc = gridform_attractor_run(a, 12000, 1e-5, NULL, NULL);
        ck_assert(rc == GRIDFORM_OK || rc == GRIDFORM_CONTINUE);
        ck_assert_int_eq(gridform_attractor_get_rates(a, maps), GRIDFORM_OK);
        gridform_attractor_destroy(a);
        gridform_learner *l = NULL;
        ck_assert_int_eq(gridform_learner_create(&l, f.k, 1), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_set_nonlinearity(l, GRIDFORM_NL_RELU, 0.0), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_seed(l, seed, 0.01), GRIDFORM_OK);
        rc = gridform_learner_run(l, 20000, 1e-6, NULL, NULL);
        ck_assert(rc == GRIDFORM_OK || rc == GRIDFORM_CONTINUE);
        ck_assert_int_eq(gridform_learner_get_maps(l, maps + np), GRIDFORM_OK);
        gridform_learner_destroy(l);

        double s60[2], spacing[2], ring[2];
        ck_assert_int_eq(gridform_scorer_score(sc, maps, 2, s60, NULL, spacing, NULL), GRIDFORM_OK);
        for (int m = 0; m < 2; m++) {
            double ang[3], km[3], pw[3];
            dominant_modes(maps + (size_t)m * np, n, L, 2 * ks, ang, km, pw);
            ring[m] = (km[0] + km[1] + km[2]) / 3;
            ck_assert_msg(s60[m] >= 0.8, "seed %d map %d score60 %g", (int)seed, m, s60[m]);
        }
        printf("network vs learner, seed %d: hexagon mean |k| %.4f vs %.4f rad/m, spacing %.4f vs %.4f m\n",
               (int)seed, ring[0], ring[1], spacing[0], spacing[1]);
        double tk = seed == 1 ? 0.01 : 0.05, ts = seed == 1 ? 0.02 : 0.05;
        ck_assert_msg(fabs(ring[0] / ring[1] - 1) < tk, "seed %d: hexagon mean |k|: network %g, learner %g",
                      (int)seed, ring[0], ring[1]);
        ck_assert_msg(fabs(spacing[0] / spacing[1] - 1) < ts, "seed %d: spacing: network %g, learner %g",
                      (int)seed, spacing[0], spacing[1]);
    }
    gridform_scorer_destroy(sc);
    free(maps);
    fx_free(&f);
}
END_TEST

static double dog_spectrum(double k, void *user)
{
    (void)user;
    double p = exp(-0.5 * SIGMA * SIGMA * k * k) - exp(-0.5 * SURROUND * SIGMA * SIGMA * k * k);
    return 3.0 * p * p;
}

/* J is normalised by its largest lattice eigenvalue, so a RADIAL kernel
 * with the DoG's spectrum times any constant is the same network (up to
 * round-off, which the instability amplifies to ~1e-9 by the pattern). */
START_TEST(test_radial_kernel)
{
    fixture f;
    const size_t n = 32;
    fx_make(&f, 2.2, n, GRIDFORM_TUNING_DOG, GRIDFORM_KERNEL_FOURIER);
    gridform_kernel *kr = NULL;
    ck_assert_int_eq(gridform_kernel_create_radial(&kr, f.ar, dog_spectrum, NULL), GRIDFORM_OK);
    gridform_attractor *a = NULL, *b = NULL;
    ck_assert_int_eq(gridform_attractor_create(&a, f.k), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_create(&b, kr), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_seed(a, 4, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_seed(b, 4, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(a, 1500), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(b, 1500), GRIDFORM_OK);
    double ra[32 * 32], rb[32 * 32], big = 0, dmax = 0;
    ck_assert_int_eq(gridform_attractor_get_rates(a, ra), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_rates(b, rb), GRIDFORM_OK);
    for (size_t i = 0; i < n * n; i++) {
        dmax = fmax(dmax, fabs(ra[i] - rb[i]));
        big = fmax(big, ra[i]);
    }
    ck_assert(big > 2.0);   /* a pattern has formed */
    ck_assert_msg(dmax < 1e-6 * big, "rates differ by %g", dmax);
    gridform_attractor_destroy(a);
    gridform_attractor_destroy(b);
    gridform_kernel_destroy(kr);
    fx_free(&f);
}
END_TEST

static int count_calls(size_t done, size_t total, double value, void *user)
{
    (void)total;
    ck_assert(value >= 0);
    size_t *stop = user;
    return done >= *stop;
}

START_TEST(test_run_conventions)
{
    fixture f;
    fx_make(&f, 2.2, 32, GRIDFORM_TUNING_DOG, GRIDFORM_KERNEL_FOURIER);
    gridform_attractor *a = NULL;
    ck_assert_int_eq(gridform_attractor_create(&a, f.k), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_seed(a, 5, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_run(a, 10, 1e-12, NULL, NULL), GRIDFORM_CONTINUE);
    size_t stop = 7;
    ck_assert_int_eq(gridform_attractor_run(a, 100, 1e-12, count_calls, &stop), GRIDFORM_ECANCELED);
    ck_assert_ptr_nonnull(strstr(gridform_attractor_last_error(a), "progress"));
    double t;
    ck_assert_int_eq(gridform_attractor_get_time(a, &t), GRIDFORM_OK);
    ck_assert_double_eq_tol(t, 0.017, 1e-12);
    /* with 1000 steps progress comes every 10: the first call at or past 25 is 30 */
    stop = 25;
    ck_assert_int_eq(gridform_attractor_run(a, 1000, 1e-12, count_calls, &stop), GRIDFORM_ECANCELED);
    ck_assert_int_eq(gridform_attractor_get_time(a, &t), GRIDFORM_OK);
    ck_assert_double_eq_tol(t, 0.047, 1e-12);
    /* relative change per time constant below a loose tolerance quickly */
    ck_assert_int_eq(gridform_attractor_run(a, 100000, 1e-3, NULL, NULL), GRIDFORM_OK);
    /* the same seed gives the same rates */
    double r1[32 * 32], r2[32 * 32];
    ck_assert_int_eq(gridform_attractor_seed(a, 9, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(a, 300), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_rates(a, r1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_seed(a, 9, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(a, 300), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_rates(a, r2), GRIDFORM_OK);
    ck_assert_mem_eq(r1, r2, sizeof r1);
    /* a step allocates nothing, with or without velocity and tracking */
    size_t before = gridform_debug_allocation_count();
    ck_assert_int_eq(gridform_attractor_iterate(a, 50), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_reset_displacement(a), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_velocity(a, 0.3, -0.2), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_run(a, 50, 1e-12, NULL, NULL), GRIDFORM_CONTINUE);
    double dx, dy;
    ck_assert_int_eq(gridform_attractor_get_displacement(a, &dx, &dy), GRIDFORM_OK);
    ck_assert_uint_eq(gridform_debug_allocation_count(), before);
    gridform_attractor_destroy(a);
    fx_free(&f);
}
END_TEST

START_TEST(test_diverged)
{
    fixture f;
    fx_make(&f, 2.2, 32, GRIDFORM_TUNING_DOG, GRIDFORM_KERNEL_FOURIER);
    gridform_attractor *a = NULL;
    ck_assert_int_eq(gridform_attractor_create(&a, f.k), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_nonlinearity(a, GRIDFORM_NL_LINEAR), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_gain(a, 1e6), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_dt(a, 0.1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_seed(a, 1, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(a, 1000), GRIDFORM_EDIVERGED);
    ck_assert_ptr_nonnull(strstr(gridform_attractor_last_error(a), "ran away"));
    ck_assert_ptr_nonnull(strstr(gridform_attractor_last_error(a), "gridform_attractor_iterate"));
    double r[32 * 32], dx;
    ck_assert_int_eq(gridform_attractor_get_rates(a, r), GRIDFORM_EDIVERGED);
    ck_assert_int_eq(gridform_attractor_iterate(a, 1), GRIDFORM_EDIVERGED);
    ck_assert_int_eq(gridform_attractor_run(a, 10, 1e-3, NULL, NULL), GRIDFORM_EDIVERGED);
    ck_assert_int_eq(gridform_attractor_reset_displacement(a), GRIDFORM_EDIVERGED);
    ck_assert_int_eq(gridform_attractor_get_displacement(a, &dx, NULL), GRIDFORM_EDIVERGED);
    /* a new seed starts afresh */
    ck_assert_int_eq(gridform_attractor_set_gain(a, 0.5), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_seed(a, 1, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(a, 10), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_rates(a, r), GRIDFORM_OK);
    /* TANH is bounded whatever the gain */
    ck_assert_int_eq(gridform_attractor_set_nonlinearity(a, GRIDFORM_NL_TANH), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_gain(a, 50.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(a, 200), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_rates(a, r), GRIDFORM_OK);
    for (int i = 0; i < 32 * 32; i++)
        ck_assert(fabs(r[i]) <= 1.0);
    gridform_attractor_destroy(a);
    fx_free(&f);
}
END_TEST

static double decreasing_spectrum(double k, void *user)
{
    (void)user;
    return exp(-0.01 * k * k);
}

START_TEST(test_errors)
{
    gridform_attractor *a = (gridform_attractor *)&a;
    double nan_ = NAN, inf_ = INFINITY, r[16 * 16], x;
    int nl;
    ck_assert_int_eq(gridform_attractor_create(NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_create(&a, NULL), GRIDFORM_EINVAL);
    ck_assert_ptr_null(a);
    ck_assert_str_ne(gridform_last_error(), "");

    /* no ring: a Gaussian code, and a decreasing radial spectrum */
    fixture g;
    fx_make(&g, 2.2, 16, GRIDFORM_TUNING_GAUSSIAN, GRIDFORM_KERNEL_FOURIER);
    a = (gridform_attractor *)&a;
    ck_assert_int_eq(gridform_attractor_create(&a, g.k), GRIDFORM_EUNDEFINED);
    ck_assert_ptr_null(a);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "ring"));
    gridform_kernel *rad = NULL;
    ck_assert_int_eq(gridform_kernel_create_radial(&rad, g.ar, decreasing_spectrum, NULL), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_create(&a, rad), GRIDFORM_EUNDEFINED);
    gridform_kernel_destroy(rad);
    fx_free(&g);

    /* EXACT kernels, on the whole walled box or in a shape, run in real
     * space (doc/theory.md §5.5; tests/check_attractor_shape.c), as do
     * UNIFORM ones in a shape; the same code on the whole walled box
     * with its AVERAGED multiplier runs on the torus */
    fixture e;
    fx_make(&e, 2.2, 16, GRIDFORM_TUNING_DOG, GRIDFORM_KERNEL_EXACT);
    ck_assert_int_eq(gridform_attractor_create(&a, e.k), GRIDFORM_OK);
    gridform_attractor_destroy(a);
    a = NULL;
    fx_free(&e);
    {
        enum { N = 16 };
        unsigned char inside[N * N];
        for (size_t iy = 0; iy < N; iy++)
            for (size_t ix = 0; ix < N; ix++)
                inside[iy * N + ix] = hypot(ix + 0.5 - N / 2.0, iy + 0.5 - N / 2.0) < N / 2.0;
        gridform_arena *disc = NULL;
        gridform_placecode *pc = NULL;
        ck_assert_int_eq(gridform_arena_create_mask(&disc, 2.2, 2.2, N, N, inside), GRIDFORM_OK);
        ck_assert_int_eq(gridform_placecode_create(&pc, disc, GRIDFORM_TUNING_DOG, 0.12, 2.0, 64,
                                                   GRIDFORM_CENTERS_RANDOM, 1), GRIDFORM_OK);
        const int modes[] = {GRIDFORM_KERNEL_UNIFORM | GRIDFORM_KERNEL_CENTERED, GRIDFORM_KERNEL_EXACT};
        for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
            gridform_kernel *sk = NULL;
            ck_assert_int_eq(gridform_kernel_create(&sk, pc, modes[i]), GRIDFORM_OK);
            ck_assert_int_eq(gridform_attractor_create(&a, sk), GRIDFORM_OK);
            gridform_attractor_destroy(a);
            a = NULL;
            gridform_kernel_destroy(sk);
        }
        gridform_placecode_destroy(pc);
        gridform_arena_destroy(disc);
        for (size_t i = 0; i < N * N; i++)
            inside[i] = 1;
        ck_assert_int_eq(gridform_arena_create_mask(&disc, 2.2, 2.2, N, N, inside), GRIDFORM_OK);
        ck_assert_int_eq(gridform_placecode_create(&pc, disc, GRIDFORM_TUNING_DOG, 0.12, 2.0, 64,
                                                   GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
        gridform_kernel *avg = NULL;
        ck_assert_int_eq(gridform_kernel_create(&avg, pc, GRIDFORM_KERNEL_AVERAGED), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_create(&a, avg), GRIDFORM_OK);
        gridform_attractor_destroy(a);
        a = NULL;
        gridform_kernel_destroy(avg);
        gridform_placecode_destroy(pc);
        gridform_arena_destroy(disc);
    }

    fixture f;
    fx_make(&f, 2.2, 16, GRIDFORM_TUNING_DOG, GRIDFORM_KERNEL_FOURIER);
    ck_assert_int_eq(gridform_attractor_create(&a, f.k), GRIDFORM_OK);
#define ERR(call, code)                                                          \
    do {                                                                         \
        ck_assert_int_eq((call), (code));                                        \
        ck_assert_str_ne(gridform_attractor_last_error(a), "");                  \
    } while (0)
    ERR(gridform_attractor_set_gain(a, nan_), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_gain(a, inf_), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_gain(a, -1.0), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_tau(a, 0.0), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_tau(a, nan_), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_tau(a, -inf_), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_dt(a, -0.1), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_dt(a, inf_), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_input(a, nan_), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_nonlinearity(a, 0), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_nonlinearity(a, 99), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_nonlinearity(a, -1), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_nonlinearity(a, GRIDFORM_NL_SOFT), GRIDFORM_EUNSUPPORTED);
    ERR(gridform_attractor_set_velocity_coupling(a, -0.01, 0.1), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_velocity_coupling(a, nan_, 0.1), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_velocity_coupling(a, 0.01, inf_), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_velocity(a, nan_, 0.0), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_velocity(a, 0.0, inf_), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_velocity(a, -inf_, 0.0), GRIDFORM_EINVAL);
    ERR(gridform_attractor_get_parameters(a, NULL, NULL, NULL, NULL, NULL), GRIDFORM_EINVAL);
    ERR(gridform_attractor_seed(a, 1, nan_), GRIDFORM_EINVAL);
    ERR(gridform_attractor_seed(a, 1, -1.0), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_rates(a, NULL), GRIDFORM_EINVAL);
    for (int i = 0; i < 16 * 16; i++)
        r[i] = 1.0;
    r[77] = nan_;
    ERR(gridform_attractor_set_rates(a, r), GRIDFORM_EINVAL);
    ERR(gridform_attractor_get_rates(a, NULL), GRIDFORM_EINVAL);
    ERR(gridform_attractor_get_time(a, NULL), GRIDFORM_EINVAL);
    ERR(gridform_attractor_run(a, 0, 1e-3, NULL, NULL), GRIDFORM_EINVAL);
    ERR(gridform_attractor_run(a, 10, nan_, NULL, NULL), GRIDFORM_EINVAL);
    ERR(gridform_attractor_run(a, 10, -1.0, NULL, NULL), GRIDFORM_EINVAL);
    ERR(gridform_attractor_run(a, 10, 0.0, NULL, NULL), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_tolerance(a, 0.0), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_attractor_last_error(a), "tolerance"));
    ERR(gridform_attractor_set_tolerance(a, -1e-3), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_tolerance(a, nan_), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_attractor_last_error(a), "tolerance"));
    ERR(gridform_attractor_set_tolerance(a, inf_), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_step_control(a, 2), GRIDFORM_EINVAL);
    ERR(gridform_attractor_set_step_control(a, -1), GRIDFORM_EINVAL);
    ERR(gridform_attractor_get_residual(a, NULL), GRIDFORM_EINVAL);
    ERR(gridform_attractor_get_steps(a, NULL, NULL), GRIDFORM_EINVAL);
    ERR(gridform_attractor_get_displacement(a, NULL, NULL), GRIDFORM_EINVAL);
    ERR(gridform_attractor_get_displacement(a, &x, NULL), GRIDFORM_EUNDEFINED);
    /* a uniform sheet has no pattern to follow */
    ck_assert_int_eq(gridform_attractor_seed(a, 1, 0.0), GRIDFORM_OK);
    ERR(gridform_attractor_reset_displacement(a), GRIDFORM_EUNDEFINED);
    /* the failures changed nothing */
    double gain, tau, dt, b;
    ck_assert_int_eq(gridform_attractor_get_parameters(a, &gain, &tau, &dt, &b, &nl), GRIDFORM_OK);
    ck_assert_double_eq(gain, 1.1);
    ck_assert_double_eq(tau, 0.01);
    ck_assert_double_eq(dt, 0.001);
    ck_assert_double_eq(b, 1.0);
    ck_assert_int_eq(nl, GRIDFORM_NL_RELU);
#undef ERR
    gridform_attractor_destroy(a);

    /* NULL handles */
    ck_assert_int_eq(gridform_attractor_set_gain(NULL, 1.0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_set_tau(NULL, 1.0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_set_dt(NULL, 1.0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_set_input(NULL, 1.0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_set_nonlinearity(NULL, GRIDFORM_NL_RELU), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_set_velocity_coupling(NULL, 0.0, 0.0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_set_velocity(NULL, 0.0, 0.0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_get_parameters(NULL, &x, NULL, NULL, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_seed(NULL, 1, 0.1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_set_rates(NULL, r), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_get_rates(NULL, r), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_get_time(NULL, &x), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_iterate(NULL, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_run(NULL, 1, 1.0, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_reset_displacement(NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_get_displacement(NULL, &x, &x), GRIDFORM_EINVAL);
    size_t cnt;
    ck_assert_int_eq(gridform_attractor_set_tolerance(NULL, 1e-3), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_set_step_control(NULL, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_get_residual(NULL, &x), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_get_steps(NULL, &cnt, &cnt), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(gridform_attractor_last_error(NULL));
    gridform_attractor_destroy(NULL);
    fx_free(&f);
}
END_TEST


/* Relative max-norm distance max|x - y| / max|y|. */
static double rel_maxdiff(const double *x, const double *y, size_t n)
{
    double d = 0.0, m = 0.0;
    for (size_t i = 0; i < n; i++) {
        d = fmax(d, fabs(x[i] - y[i]));
        m = fmax(m, fabs(y[i]));
    }
    return m > 0.0 ? d / m : d;
}

/* Run the default network (ReLU, gain 1.1) from seed 1 for nsteps in the
 * given precision, optionally at a velocity, into r (n x n); returns the
 * displacement measured over the last half when moving. */
static void run_precision(const gridform_kernel *k, int precision, double vx, size_t nsteps, double *r,
                          double *dx)
{
    gridform_attractor *a = NULL;
    int p = 0;
    ck_assert_int_eq(gridform_attractor_create(&a, k), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_precision(a, &p), GRIDFORM_OK);
    ck_assert_int_eq(p, GRIDFORM_PRECISION_DOUBLE);
    ck_assert_int_eq(gridform_attractor_set_precision(a, precision), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_precision(a, &p), GRIDFORM_OK);
    ck_assert_int_eq(p, precision);
    ck_assert_int_eq(gridform_attractor_seed(a, 1, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(a, nsteps / 2), GRIDFORM_OK);
    if (vx != 0.0) {
        ck_assert_int_eq(gridform_attractor_set_velocity(a, vx, 0.0), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_reset_displacement(a), GRIDFORM_OK);
    }
    ck_assert_int_eq(gridform_attractor_iterate(a, nsteps - nsteps / 2), GRIDFORM_OK);
    if (vx != 0.0)
        ck_assert_int_eq(gridform_attractor_get_displacement(a, dx, NULL), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_rates(a, r), GRIDFORM_OK);
    gridform_attractor_destroy(a);
}

/* GRIDFORM_PRECISION_SINGLE (doc/theory.md §2.8): the same pattern as
 * double, to float round-off amplified by the dynamics, for the resting
 * (identical populations) and the moving (four populations) step, every
 * nonlinearity's code path; bit-identical from run to run; switching back
 * and forth keeps the rates to float rounding. */
START_TEST(test_single_precision)
{
    fixture f;
    const double L = 4.4;
    const size_t n = 64, nn = n * n;
    fx_make(&f, L, n, GRIDFORM_TUNING_DOG, GRIDFORM_KERNEL_FOURIER);
    double *rd = malloc(nn * sizeof *rd), *rs = malloc(nn * sizeof *rs), *rs2 = malloc(nn * sizeof *rs2);
    ck_assert(rd && rs && rs2);
    const double vel[2] = {0.0, 0.5};
    for (int iv = 0; iv < 2; iv++) {
        double dxd = 0, dxs = 0, dxs2 = 0;
        run_precision(f.k, GRIDFORM_PRECISION_DOUBLE, vel[iv], 3000, rd, &dxd);
        run_precision(f.k, GRIDFORM_PRECISION_SINGLE, vel[iv], 3000, rs, &dxs);
        run_precision(f.k, GRIDFORM_PRECISION_SINGLE, vel[iv], 3000, rs2, &dxs2);
        ck_assert_msg(memcmp(rs, rs2, nn * sizeof *rs) == 0 && dxs == dxs2, "single is not deterministic");
        double rel = rel_maxdiff(rs, rd, nn);
        printf("attractor single vs double, v = %g m/s: rates %.3g (relative max norm)", vel[iv], rel);
        if (vel[iv] != 0.0)
            printf(", displacement %.6g vs %.6g m", dxs, dxd);
        printf("\n");
        ck_assert_msg(rel < 1e-3, "v = %g: single differs from double by %g", vel[iv], rel);
        double ang[3], km[3], pw[3], angd[3], kmd[3], pwd[3];
        double ks = kstar_theory();
        dominant_modes(rs, n, L, 2 * ks, ang, km, pw);
        dominant_modes(rd, n, L, 2 * ks, angd, kmd, pwd);
        for (int j = 0; j < 3; j++) {
            ck_assert_double_eq_tol(km[j], kmd[j], 1e-12);
            ck_assert_double_eq_tol(pw[j] / pwd[j], 1.0, 1e-3);
        }
        if (vel[iv] != 0.0)
            ck_assert_msg(fabs(dxs - dxd) <= 1e-3 * fabs(dxd), "displacement %g vs %g", dxs, dxd);
    }
    /* Switching keeps the rates: double -> single rounds them, and back. */
    gridform_attractor *a = NULL;
    ck_assert_int_eq(gridform_attractor_create(&a, f.k), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_seed(a, 7, 1.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_rates(a, rd), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_precision(a, GRIDFORM_PRECISION_SINGLE), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_precision(a, GRIDFORM_PRECISION_SINGLE), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_rates(a, rs), GRIDFORM_OK);
    for (size_t i = 0; i < nn; i++)
        ck_assert(rs[i] == (double)(float)rd[i]);
    ck_assert_int_eq(gridform_attractor_set_precision(a, GRIDFORM_PRECISION_DOUBLE), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_rates(a, rs2), GRIDFORM_OK);
    ck_assert(memcmp(rs, rs2, nn * sizeof *rs) == 0);
    /* every nonlinearity steps in single and stays close to double */
    const int nls[3] = {GRIDFORM_NL_RELU, GRIDFORM_NL_LINEAR, GRIDFORM_NL_TANH};
    for (int q = 0; q < 3; q++) {
        for (int prec = GRIDFORM_PRECISION_DOUBLE; prec <= GRIDFORM_PRECISION_SINGLE; prec++) {
            ck_assert_int_eq(gridform_attractor_set_precision(a, prec), GRIDFORM_OK);
            ck_assert_int_eq(gridform_attractor_set_nonlinearity(a, nls[q]), GRIDFORM_OK);
            ck_assert_int_eq(gridform_attractor_set_gain(a, 0.9), GRIDFORM_OK);
            ck_assert_int_eq(gridform_attractor_seed(a, 3, 0.5), GRIDFORM_OK);
            ck_assert_int_eq(gridform_attractor_iterate(a, 200), GRIDFORM_OK);
            ck_assert_int_eq(gridform_attractor_get_rates(a, prec == GRIDFORM_PRECISION_SINGLE ? rs : rd),
                             GRIDFORM_OK);
        }
        double rel = rel_maxdiff(rs, rd, nn);
        ck_assert_msg(rel < 1e-5, "nonlinearity %d: single differs from double by %g", nls[q], rel);
    }
    gridform_attractor_destroy(a);
    free(rd);
    free(rs);
    free(rs2);
    fx_free(&f);
}
END_TEST

/* Every allocation failure during create gives ENOMEM and no handle. */
START_TEST(test_alloc_failure)
{
    fixture f;
    fx_make(&f, 2.2, 16, GRIDFORM_TUNING_DOG, GRIDFORM_KERNEL_FOURIER);
    int ok = 0;
    for (size_t i = 1; i < 100 && !ok; i++) {
        gridform_attractor *a = (gridform_attractor *)&ok;
        gridform_debug_fail_allocation(i);
        int rc = gridform_attractor_create(&a, f.k);
        gridform_debug_fail_allocation(0);
        if (rc == GRIDFORM_OK) {
            ok = 1;
            gridform_attractor_destroy(a);
        } else {
            ck_assert_int_eq(rc, GRIDFORM_ENOMEM);
            ck_assert_ptr_null(a);
        }
    }
    ck_assert(ok);
    /* set_precision: a failed switch leaves the network in its precision,
     * with its rates, and able to step */
    gridform_attractor *a = NULL;
    ck_assert_int_eq(gridform_attractor_create(&a, f.k), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_seed(a, 2, 0.5), GRIDFORM_OK);
    double r0[256], r1[256];
    ck_assert_int_eq(gridform_attractor_get_rates(a, r0), GRIDFORM_OK);
    for (int target = GRIDFORM_PRECISION_SINGLE; target >= GRIDFORM_PRECISION_DOUBLE; target--) {
        int failures = 0, rc, p = 0;
        for (size_t i = 1;; i++) {
            ck_assert(i < 100);
            gridform_debug_fail_allocation(i);
            rc = gridform_attractor_set_precision(a, target);
            gridform_debug_fail_allocation(0);
            if (rc == GRIDFORM_OK)
                break;
            failures++;
            ck_assert_int_eq(rc, GRIDFORM_ENOMEM);
            ck_assert_int_eq(gridform_attractor_get_precision(a, &p), GRIDFORM_OK);
            ck_assert_int_ne(p, target);
            ck_assert_int_eq(gridform_attractor_get_rates(a, r1), GRIDFORM_OK);
            for (size_t q = 0; q < 256; q++)
                ck_assert(r1[q] == (p == GRIDFORM_PRECISION_SINGLE ? (double)(float)r0[q] : r0[q]));
        }
        ck_assert_int_gt(failures, 0);
        ck_assert_int_eq(gridform_attractor_get_precision(a, &p), GRIDFORM_OK);
        ck_assert_int_eq(p, target);
    }
    ck_assert_int_eq(gridform_attractor_iterate(a, 5), GRIDFORM_OK);
    gridform_attractor_destroy(a);
    fx_free(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attractor");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_linear_modes);
    tcase_add_test(tc, test_uniform_fixed_point);
    tcase_add_test(tc, test_pattern_defaults);
    tcase_add_test(tc, test_step_independence);
    tcase_add_test(tc, test_residual);
    tcase_add_test(tc, test_velocity);
    tcase_add_test(tc, test_learner_comparison);
    tcase_add_test(tc, test_radial_kernel);
    tcase_add_test(tc, test_run_conventions);
    tcase_add_test(tc, test_diverged);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_alloc_failure);
    tcase_add_test(tc, test_single_precision);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
