/* Tests for the correlation kernel: ring k*, spectra, FOURIER and EXACT
 * application against direct sums, eigen shells, and every error path. */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"
#include "test_subset.h"

#define PI 3.14159265358979323846

/* A reproducible test map in [-1, 1). */
static void fill_random(double *g, size_t n, uint64_t seed)
{
    uint64_t s = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        g[i] = (double)(s >> 11) / 9007199254740992.0 * 2.0 - 1.0;
    }
}

static double max_abs(const double *x, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs(x[i]) > m) m = fabs(x[i]);
    return m;
}

static gridform_kernel *make_kernel(gridform_arena **a, double lx, double ly, size_t nx, size_t ny,
                                    int boundary, int tuning, double sigma, double s, size_t nc,
                                    int layout, int mode, gridform_placecode **pcout)
{
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    ck_assert_int_eq(gridform_arena_create(a, lx, ly, nx, ny, boundary), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, *a, tuning, sigma, s, nc, layout, 7), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, mode), GRIDFORM_OK);
    if (pcout)
        *pcout = pc;
    else
        gridform_placecode_destroy(pc);
    return k;
}

static double dog_kstar(double sigma, double s)
{
    return sqrt(2.0 * log(s) / (sigma * sigma * (s - 1.0)));
}

typedef struct { double sigma, s, area; } dog_params;

static double dog_spectrum(double k, void *user)
{
    const dog_params *p = user;
    double v = p->sigma * p->sigma * k * k;
    double t = exp(-0.5 * v) - exp(-0.5 * p->s * v);
    return t * t / p->area;
}

static double gauss_spectrum(double k, void *user)
{
    const dog_params *p = user;
    return exp(-p->sigma * p->sigma * k * k) / p->area;
}

START_TEST(test_dog_ring)
{
    /* The worked numbers of doc/theory.md §1.5 and three more (sigma, s) pairs. */
    const double pairs[5][2] = {{0.12, 2.0}, {0.12, 4.0}, {0.05, 1.5}, {0.2, 3.0}, {0.08, 10.0}};
    for (int i = 0; i < 5; i++) {
        gridform_arena *a;
        gridform_kernel *k = make_kernel(&a, 2.2, 2.2, 64, 64, GRIDFORM_PERIODIC, GRIDFORM_TUNING_DOG,
                                         pairs[i][0], pairs[i][1], 16, GRIDFORM_CENTERS_LATTICE,
                                         GRIDFORM_KERNEL_FOURIER, NULL);
        double ks, sp, want = dog_kstar(pairs[i][0], pairs[i][1]);
        ck_assert_int_eq(gridform_kernel_ring(k, &ks, &sp), GRIDFORM_OK);
        ck_assert_double_eq_tol(ks / want, 1.0, 0.005);
        ck_assert_double_eq_tol(sp * sqrt(3.0) * ks / (4 * PI), 1.0, 1e-12);
        if (i == 0) {
            ck_assert_double_eq_tol(ks, 9.81, 0.005);
            ck_assert_double_eq_tol(sp, 0.739, 0.0005);
            ck_assert_double_eq_tol(2 * PI / ks, 0.640, 0.0005);
        }
        if (i == 1)
            ck_assert_double_eq_tol(sp / 0.12, 7.55, 0.005);
        /* The same spectrum through the numerical search of a RADIAL kernel. */
        dog_params p = {pairs[i][0], pairs[i][1], 2.2 * 2.2};
        gridform_kernel *kr = NULL;
        ck_assert_int_eq(gridform_kernel_create_radial(&kr, a, dog_spectrum, &p), GRIDFORM_OK);
        double ks2, sp2;
        ck_assert_int_eq(gridform_kernel_ring(kr, &ks2, &sp2), GRIDFORM_OK);
        ck_assert_double_eq_tol(ks2 / want, 1.0, 1e-6);
        gridform_kernel_destroy(kr);
        gridform_kernel_destroy(k);
        gridform_arena_destroy(a);
    }
}
END_TEST

/* Issue 20's unit slip: sigma = 12 (centimetres meant, metres taken) gives
 * k* = 0.098 rad/m and a 73.9 m spacing in a 4.4 m box.  The ring is
 * refused with GRIDFORM_EUNDEFINED, k* and the spacing still written, and
 * the message names sigma, its unit and the box.  A spacing just beyond
 * the box with k* above 2 pi / L is refused too; just inside, it stands. */
START_TEST(test_ring_beyond_box)
{
    gridform_arena *a;
    gridform_kernel *k = make_kernel(&a, 4.4, 4.4, 32, 32, GRIDFORM_PERIODIC, GRIDFORM_TUNING_DOG, 12.0, 2.0, 16,
                                     GRIDFORM_CENTERS_LATTICE, GRIDFORM_KERNEL_FOURIER, NULL);
    double ks = -1, sp = -1;
    ck_assert_int_eq(gridform_kernel_ring(k, &ks, &sp), GRIDFORM_EUNDEFINED);
    ck_assert_double_eq_tol(ks, dog_kstar(12.0, 2.0), 1e-12);
    ck_assert_double_eq_tol(ks, 0.0981, 5e-5);
    ck_assert_double_eq_tol(sp, 73.9, 0.05);
    const char *e = gridform_kernel_last_error(k);
    ck_assert_ptr_nonnull(strstr(e, "gridform_kernel_ring"));
    ck_assert_ptr_nonnull(strstr(e, "sigma = 12 m"));
    ck_assert_ptr_nonnull(strstr(e, "metres"));
    ck_assert_ptr_nonnull(strstr(e, "4.4 x 4.4 m box"));
    ck_assert_ptr_nonnull(strstr(e, "lowest wavenumber"));
    gridform_kernel_destroy(k);
    gridform_arena_destroy(a);
    /* s = 2: spacing = 6.16 sigma.  sigma = 0.75 m in a 4.4 m box: 4.62 m,
     * k* = 1.57 > 2 pi / 4.4 = 1.43: beyond the box, above the lowest mode. */
    k = make_kernel(&a, 4.4, 4.4, 32, 32, GRIDFORM_PERIODIC, GRIDFORM_TUNING_DOG, 0.75, 2.0, 16,
                    GRIDFORM_CENTERS_LATTICE, GRIDFORM_KERNEL_FOURIER, NULL);
    ck_assert_int_eq(gridform_kernel_ring(k, &ks, &sp), GRIDFORM_EUNDEFINED);
    ck_assert_double_gt(ks, 2 * PI / 4.4);
    ck_assert_double_gt(sp, 4.4);
    ck_assert_ptr_nonnull(strstr(gridform_kernel_last_error(k), "less than one field spacing"));
    gridform_kernel_destroy(k);
    gridform_arena_destroy(a);
    k = make_kernel(&a, 4.4, 4.4, 32, 32, GRIDFORM_PERIODIC, GRIDFORM_TUNING_DOG, 0.7, 2.0, 16,
                    GRIDFORM_CENTERS_LATTICE, GRIDFORM_KERNEL_FOURIER, NULL);
    ck_assert_int_eq(gridform_kernel_ring(k, &ks, &sp), GRIDFORM_OK);
    ck_assert_double_lt(sp, 4.4);
    gridform_kernel_destroy(k);
    gridform_arena_destroy(a);
}
END_TEST

START_TEST(test_gaussian_no_ring)
{
    gridform_arena *a;
    gridform_kernel *k = make_kernel(&a, 1, 1, 16, 16, GRIDFORM_PERIODIC, GRIDFORM_TUNING_GAUSSIAN, 0.1,
                                     0, 9, GRIDFORM_CENTERS_LATTICE, GRIDFORM_KERNEL_FOURIER, NULL);
    double ks = -1, sp = -1;
    ck_assert_int_eq(gridform_kernel_ring(k, &ks, &sp), GRIDFORM_EUNDEFINED);
    ck_assert_double_eq(ks, 0.0);
    ck_assert(isinf(sp) && sp > 0);
    ck_assert_int_gt((int)strlen(gridform_kernel_last_error(k)), 0);
    /* and through the numerical search */
    dog_params p = {0.1, 0, 1};
    gridform_kernel *kr = NULL;
    ck_assert_int_eq(gridform_kernel_create_radial(&kr, a, gauss_spectrum, &p), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_ring(kr, &ks, &sp), GRIDFORM_EUNDEFINED);
    ck_assert_double_eq(ks, 0.0);
    ck_assert(isinf(sp));
    gridform_kernel_destroy(kr);
    gridform_kernel_destroy(k);
    gridform_arena_destroy(a);
}
END_TEST

/* Periodised real-space kernel K(r) = (1/A) sum_images [G_{2v}(r) - 2
 * G_{(1+s)v}(r) + G_{2sv}(r)]: the autocorrelation of a unit-integral
 * DoG (or, with dog = 0, of a Gaussian) divided by the area. */
static double g2(double r2, double v) { return exp(-0.5 * r2 / v) / (2 * PI * v); }

static double kreal(double dx, double dy, double lx, double ly, double sigma, double s, int dog)
{
    double v = sigma * sigma, sum = 0;
    for (int i = -4; i <= 4; i++)
        for (int j = -4; j <= 4; j++) {
            double x = dx + i * lx, y = dy + j * ly, r2 = x * x + y * y;
            sum += g2(r2, 2 * v);
            if (dog)
                sum += -2 * g2(r2, (1 + s) * v) + g2(r2, 2 * s * v);
        }
    return sum / (lx * ly);
}

START_TEST(test_fourier_vs_direct_sum)
{
    const size_t nx = 16, ny = 12, n = nx * ny, nmaps = 11; /* 11: one batch of 8 plus 3 singles */
    const double lx = 1.0, ly = 0.8, sigma = 0.15, s = 2.0;
    for (int dog = 0; dog <= 1; dog++) {
        gridform_arena *a;
        gridform_kernel *k = make_kernel(&a, lx, ly, nx, ny, GRIDFORM_PERIODIC,
                                         dog ? GRIDFORM_TUNING_DOG : GRIDFORM_TUNING_GAUSSIAN, sigma, s,
                                         4, GRIDFORM_CENTERS_RANDOM, GRIDFORM_KERNEL_FOURIER, NULL);
        double *g = malloc(nmaps * n * sizeof *g), *o = malloc(nmaps * n * sizeof *o);
        double *d = malloc(nmaps * n * sizeof *d), *xy = malloc(2 * n * sizeof *xy);
        fill_random(g, nmaps * n, 3 + dog);
        ck_assert_int_eq(gridform_kernel_apply(k, g, o, nmaps), GRIDFORM_OK);
        ck_assert_int_eq(gridform_arena_positions(a, xy), GRIDFORM_OK);
        double dA = (lx / nx) * (ly / ny);
        /* the n x n matrix of image sums once, for all the maps (its
         * exponentials are most of this test's time under memcheck) */
        double *kr = malloc(n * n * sizeof *kr);
        ck_assert_ptr_nonnull(kr);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                kr[i * n + j] = kreal(xy[2 * i] - xy[2 * j], xy[2 * i + 1] - xy[2 * j + 1], lx, ly, sigma, s, dog);
        for (size_t m = 0; m < nmaps; m++)
            for (size_t i = 0; i < n; i++) {
                double acc = 0;
                for (size_t j = 0; j < n; j++)
                    acc += kr[i * n + j] * g[m * n + j];
                d[m * n + i] = acc * dA;
            }
        free(kr);
        double scale = max_abs(d, nmaps * n);
        for (size_t i = 0; i < nmaps * n; i++)
            d[i] -= o[i];
        ck_assert_double_le(max_abs(d, nmaps * n) / scale, 1e-10);
        /* Arrays off the SIMD alignment take the FFTW_UNALIGNED plans and
         * give the same result. */
        double *gu = malloc((nmaps * n + 1) * sizeof *gu), *ou = malloc((nmaps * n + 1) * sizeof *ou);
        memcpy(gu + 1, g, nmaps * n * sizeof *g);
        ck_assert_int_eq(gridform_kernel_apply(k, gu + 1, ou + 1, nmaps), GRIDFORM_OK);
        for (size_t i = 0; i < nmaps * n; i++)
            ck_assert_double_le(fabs(ou[i + 1] - o[i]), 1e-14 * scale);
        free(gu); free(ou);
        free(g); free(o); free(d); free(xy);
        gridform_kernel_destroy(k);
        gridform_arena_destroy(a);
    }
}
END_TEST

START_TEST(test_spectrum_analytic)
{
    gridform_arena *a;
    gridform_kernel *k = make_kernel(&a, 2.0, 1.5, 12, 10, GRIDFORM_PERIODIC, GRIDFORM_TUNING_DOG, 0.12, 2,
                                     4, GRIDFORM_CENTERS_LATTICE, GRIDFORM_KERNEL_FOURIER, NULL);
    size_t nf;
    ck_assert_int_eq(gridform_arena_get_nfreq(a, &nf), GRIDFORM_OK);
    double *kv = malloc(2 * nf * sizeof *kv), *sp = malloc(nf * sizeof *sp), *km = malloc(nf * sizeof *km);
    double *pr = malloc(nf * sizeof *pr);
    ck_assert_int_eq(gridform_arena_wavevectors(a, kv), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_spectrum(k, sp), GRIDFORM_OK);
    dog_params p = {0.12, 2, 3.0};
    for (size_t b = 0; b < nf; b++) {
        km[b] = hypot(kv[2 * b], kv[2 * b + 1]);
        ck_assert_double_eq_tol(sp[b], dog_spectrum(km[b], &p), 1e-15);
    }
    ck_assert_double_eq(sp[0], 0.0); /* a DoG integrates to zero */
    ck_assert_int_eq(gridform_kernel_radial_profile(k, km, nf, pr), GRIDFORM_OK);
    for (size_t b = 0; b < nf; b++)
        ck_assert_double_eq_tol(pr[b], sp[b], 1e-15);
    int mode;
    ck_assert_int_eq(gridform_kernel_get_mode(k, &mode), GRIDFORM_OK);
    ck_assert_int_eq(mode, GRIDFORM_KERNEL_FOURIER);
    ck_assert_ptr_eq(gridform_kernel_get_arena(k), a);
    free(kv); free(sp); free(km); free(pr);
    gridform_kernel_destroy(k);
    gridform_arena_destroy(a);
}
END_TEST

START_TEST(test_shells)
{
    /* Gaussian on a unit square, 8 x 8: Sigma~ falls with |k|, so the shells
     * come in order of |k| = 2 pi |(n, m)| with the lattice's multiplicity. */
    gridform_arena *a;
    gridform_kernel *k = make_kernel(&a, 1, 1, 8, 8, GRIDFORM_PERIODIC, GRIDFORM_TUNING_GAUSSIAN, 0.05, 0,
                                     4, GRIDFORM_CENTERS_LATTICE, GRIDFORM_KERNEL_FOURIER, NULL);
    double km[64], v[64];
    size_t mult[64], ns, total;
    ck_assert_int_eq(gridform_kernel_shells(k, 0, NULL, NULL, NULL, &total), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_shells(k, 64, km, v, mult, &ns), GRIDFORM_OK);
    ck_assert_uint_eq(ns, total);
    size_t sum = 0;
    for (size_t i = 0; i < ns; i++) {
        sum += mult[i];
        if (i > 0)
            ck_assert(v[i] < v[i - 1]);
    }
    ck_assert_uint_eq(sum, 64); /* every real eigenvector exactly once */
    /* |(n,m)|^2 = 0,1,2,4,5,8,9,10,13,16,17,18,20,25,32 with n, m in -4..4 and
     * +-4 identified (Nyquist) */
    const double r2[] = {0, 1, 2, 4, 5, 8, 9, 10, 13, 16, 17, 18, 20, 25, 32};
    const size_t mu[] = {1, 4, 4, 4, 8, 4, 4, 8, 8, 2, 4, 4, 4, 4, 1};
    ck_assert_uint_eq(ns, 15);
    for (size_t i = 0; i < 15; i++) {
        ck_assert_double_eq_tol(km[i], 2 * PI * sqrt(r2[i]), 1e-12);
        ck_assert_uint_eq(mult[i], mu[i]);
    }
    ck_assert_int_eq(gridform_kernel_shells(k, 3, km, v, mult, &ns), GRIDFORM_OK);
    ck_assert_uint_eq(ns, 3);
    gridform_kernel_destroy(k);
    gridform_arena_destroy(a);

    /* Odd sizes: 5 x 7, still every eigenvector once. */
    k = make_kernel(&a, 1, 1.3, 5, 7, GRIDFORM_PERIODIC, GRIDFORM_TUNING_DOG, 0.1, 2, 4,
                    GRIDFORM_CENTERS_LATTICE, GRIDFORM_KERNEL_FOURIER, NULL);
    ck_assert_int_eq(gridform_kernel_shells(k, 64, km, v, mult, &ns), GRIDFORM_OK);
    sum = 0;
    for (size_t i = 0; i < ns; i++)
        sum += mult[i];
    ck_assert_uint_eq(sum, 35);
    gridform_kernel_destroy(k);
    gridform_arena_destroy(a);
}
END_TEST

START_TEST(test_exact_dense)
{
    /* EXACT equals P P^T / np dA applied densely, walled and periodic. */
    for (int bc = GRIDFORM_PERIODIC; bc <= GRIDFORM_WALLED; bc++) {
        const size_t nx = 10, ny = 8, n = nx * ny, nc = 13, nmaps = 35;
        gridform_arena *a;
        gridform_placecode *pc;
        gridform_kernel *k = make_kernel(&a, 1.0, 0.9, nx, ny, bc, GRIDFORM_TUNING_DOG, 0.1, 2.0, nc,
                                         GRIDFORM_CENTERS_RANDOM, GRIDFORM_KERNEL_EXACT, &pc);
        double *xy = malloc(2 * n * sizeof *xy), *P = malloc(n * nc * sizeof *P);
        double *g = malloc(nmaps * n * sizeof *g), *o = malloc(nmaps * n * sizeof *o);
        ck_assert_int_eq(gridform_arena_positions(a, xy), GRIDFORM_OK);
        ck_assert_int_eq(gridform_placecode_response(pc, xy, n, P), GRIDFORM_OK);
        fill_random(g, nmaps * n, 11);
        ck_assert_int_eq(gridform_kernel_apply(k, g, o, nmaps), GRIDFORM_OK);
        double dA = (1.0 / nx) * (0.9 / ny), err = 0, scale = 0;
        for (size_t m = 0; m < nmaps; m++)
            for (size_t i = 0; i < n; i++) {
                double acc = 0;
                for (size_t j = 0; j < n; j++) {
                    double sij = 0;
                    for (size_t c = 0; c < nc; c++)
                        sij += P[i * nc + c] * P[j * nc + c];
                    acc += sij / nc * dA * g[m * n + j];
                }
                if (fabs(acc - o[m * n + i]) > err) err = fabs(acc - o[m * n + i]);
                if (fabs(acc) > scale) scale = fabs(acc);
            }
        ck_assert_double_le(err / scale, 1e-12);
        int mode;
        ck_assert_int_eq(gridform_kernel_get_mode(k, &mode), GRIDFORM_OK);
        ck_assert_int_eq(mode, GRIDFORM_KERNEL_EXACT);
        /* The continuum ring of an EXACT kernel is its code's. */
        double ks, sp;
        ck_assert_int_eq(gridform_kernel_ring(k, &ks, &sp), GRIDFORM_OK);
        ck_assert_double_eq_tol(ks, dog_kstar(0.1, 2.0), 1e-12);
        free(xy); free(P); free(g); free(o);
        gridform_kernel_destroy(k);
        gridform_placecode_destroy(pc);
        gridform_arena_destroy(a);
    }
}
END_TEST


/* Relative max difference of two kernels applied to a smooth map (a bump
 * plus a plane wave). */
static double apply_diff(const gridform_kernel *k1, const gridform_kernel *k2, const gridform_arena *a,
                         size_t n)
{
    double *g = malloc(n * sizeof *g), *o1 = malloc(n * sizeof *o1);
    double *o2 = malloc(n * sizeof *o2), *xy = malloc(2 * n * sizeof *xy);
    gridform_arena_positions(a, xy);
    for (size_t i = 0; i < n; i++) {
        double x = xy[2 * i], y = xy[2 * i + 1];
        g[i] = exp(-(x * x + y * y) / (2 * 0.15 * 0.15)) + cos(2 * PI * (2 * x + y));
    }
    ck_assert_int_eq(gridform_kernel_apply(k1, g, o1, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_apply(k2, g, o2, 1), GRIDFORM_OK);
    double scale = max_abs(o1, n);
    for (size_t i = 0; i < n; i++)
        o2[i] -= o1[i];
    double r = max_abs(o2, n) / scale;
    free(g); free(o1); free(o2); free(xy);
    return r;
}

START_TEST(test_exact_approaches_fourier)
{
    /* Lattice cells on a torus: as the cells get denser the EXACT kernel
     * P P^T / np tends to the uniform-density FOURIER multiplier.  The
     * lattice couples k to k + 2 pi m / d with weight ~ exp(-sigma^2 (2 pi /
     * d)^2 / 4), so the error falls like that (measured: Gaussian 1.0,
     * 0.029, 4.7e-5, 4.1e-9; DoG 2.3, 0.13, 2.5e-4, 2.2e-6). */
    const size_t nx = 24, n = nx * nx;
    const size_t side[4] = {4, 8, 12, 16};
    for (int dog = 0; dog <= 1; dog++) {
        int tuning = dog ? GRIDFORM_TUNING_DOG : GRIDFORM_TUNING_GAUSSIAN;
        gridform_arena *a;
        gridform_kernel *kf = make_kernel(&a, 1, 1, nx, nx, GRIDFORM_PERIODIC, tuning, 0.07, 2.0,
                                          4, GRIDFORM_CENTERS_LATTICE, GRIDFORM_KERNEL_FOURIER, NULL);
        double prev = INFINITY;
        for (int i = 0; i < 4; i++) {
            gridform_placecode *pc;
            gridform_kernel *ke;
            ck_assert_int_eq(gridform_placecode_create(&pc, a, tuning, 0.07, 2.0, side[i] * side[i],
                                                       GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
            ck_assert_int_eq(gridform_kernel_create(&ke, pc, GRIDFORM_KERNEL_EXACT), GRIDFORM_OK);
            double d = apply_diff(kf, ke, a, n);
            ck_assert_double_lt(d, prev / 10);
            prev = d;
            gridform_kernel_destroy(ke);
            gridform_placecode_destroy(pc);
        }
        ck_assert_double_le(prev, 1e-5);
        gridform_kernel_destroy(kf);
        gridform_arena_destroy(a);
    }
}
END_TEST

/* <g, Sigma g> / <g, g> of the plane wave cos(k.x) with k on the lattice. */
static double rayleigh(const gridform_kernel *k, const gridform_arena *a, int n1, int n2)
{
    size_t nx, ny;
    double lx, ly;
    gridform_arena_get_shape(a, &nx, &ny);
    gridform_arena_get_extent(a, &lx, &ly);
    size_t n = nx * ny;
    double *xy = malloc(2 * n * sizeof *xy), *g = malloc(n * sizeof *g), *o = malloc(n * sizeof *o);
    gridform_arena_positions(a, xy);
    for (size_t i = 0; i < n; i++)
        g[i] = cos(2 * PI * (n1 * xy[2 * i] / lx + n2 * xy[2 * i + 1] / ly));
    ck_assert_int_eq(gridform_kernel_apply(k, g, o, 1), GRIDFORM_OK);
    double num = 0, den = 0;
    for (size_t i = 0; i < n; i++) {
        num += g[i] * o[i];
        den += g[i] * g[i];
    }
    free(xy); free(g); free(o);
    return num / den;
}

START_TEST(test_resolution_independence)
{
    /* The same cells sampled at two resolutions: the Rayleigh quotient of a
     * lattice plane wave near the ring agrees within 1%. */
    const int tunings[2] = {GRIDFORM_TUNING_DOG, GRIDFORM_TUNING_SOFTMAX_DOG};
    const int modes[2] = {GRIDFORM_KERNEL_EXACT, GRIDFORM_KERNEL_FOURIER};
    for (int t = 0; t < 2; t++)
        for (int m = 0; m < 2; m++) {
            double rq[2];
            const size_t res[2] = {32, 48};
            for (int r = 0; r < 2; r++) {
                gridform_arena *a;
                gridform_kernel *k = make_kernel(&a, 1.2, 1.2, res[r], res[r], GRIDFORM_PERIODIC, tunings[t],
                                                 0.1, 2.0, 400, GRIDFORM_CENTERS_RANDOM, modes[m], NULL);
                /* |k| = 2 pi sqrt(5) / 1.2 = 11.7 rad/m, near k* = 11.8 */
                rq[r] = rayleigh(k, a, 2, 1);
                gridform_kernel_destroy(k);
                gridform_arena_destroy(a);
            }
            ck_assert_double_gt(rq[0], 0);
            ck_assert_double_eq_tol(rq[1] / rq[0], 1.0, 0.01);
        }
}
END_TEST

static double user_gauss(double dx, double dy, void *user)
{
    double s = *(double *)user;
    return exp(-(dx * dx + dy * dy) / (2 * s * s)) / (2 * PI * s * s);
}

static double user_dog(double dx, double dy, void *user)
{
    double s = *(double *)user, r2 = dx * dx + dy * dy;
    return exp(-r2 / (2 * s * s)) / (2 * PI * s * s) - exp(-r2 / (4 * s * s)) / (4 * PI * s * s);
}

START_TEST(test_numerical_spectra)
{
    gridform_arena *a;
    gridform_placecode *pc;
    gridform_kernel *k, *ka;
    ck_assert_int_eq(gridform_arena_create(&a, 2.2, 2.2, 64, 64, GRIDFORM_PERIODIC), GRIDFORM_OK);
    size_t nf;
    gridform_arena_get_nfreq(a, &nf);
    double *s1 = malloc(nf * sizeof *s1), *s2 = malloc(nf * sizeof *s2);

    /* A user tuning that is the Gaussian: the sampled spectrum matches the
     * analytic one (sigma = 3 grid steps, so aliasing is below 1e-10). */
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_GAUSSIAN, 0.1, 0, 16,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&ka, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    double sig = 0.1;
    ck_assert_int_eq(gridform_placecode_set_tuning_fn(pc, user_gauss, &sig), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_spectrum(k, s1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_spectrum(ka, s2), GRIDFORM_OK);
    for (size_t b = 0; b < nf; b++)
        ck_assert_double_le(fabs(s1[b] - s2[b]), 1e-10 * s2[0]);
    double ks, sp, kk[3] = {0, 5, 12.5}, v1[3], v2[3];
    ck_assert_int_eq(gridform_kernel_ring(k, &ks, &sp), GRIDFORM_EUNDEFINED);
    ck_assert_int_eq(gridform_kernel_radial_profile(k, kk, 3, v1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_radial_profile(ka, kk, 3, v2), GRIDFORM_OK);
    for (int i = 0; i < 3; i++)
        ck_assert_double_le(fabs(v1[i] - v2[i]), 1e-9 * v2[0]);
    gridform_kernel_destroy(k);
    gridform_kernel_destroy(ka);

    /* A user DoG: ring found by search, within 0.5% of the formula. */
    sig = 0.12;
    ck_assert_int_eq(gridform_placecode_set_tuning_fn(pc, user_dog, &sig), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_ring(k, &ks, &sp), GRIDFORM_OK);
    ck_assert_double_eq_tol(ks / dog_kstar(0.12, 2.0), 1.0, 0.005);
    gridform_kernel_destroy(k);
    /* EXACT with a user tuning: same continuum ring */
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_EXACT), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_ring(k, &ks, &sp), GRIDFORM_OK);
    ck_assert_double_eq_tol(ks / dog_kstar(0.12, 2.0), 1.0, 0.005);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);

    /* Difference of softmaxes on a dense lattice: in the bulk a DoG, so its
     * ring sits at the DoG's k*; the k = 0 bin carries the normalisation. */
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_SOFTMAX_DOG, 0.12, 2.0, 1024,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_ring(k, &ks, &sp), GRIDFORM_OK);
    ck_assert_double_eq_tol(ks / dog_kstar(0.12, 2.0), 1.0, 0.005);
    ck_assert_double_eq_tol(sp, 0.739, 0.004);
    ck_assert_int_eq(gridform_kernel_spectrum(k, s1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_radial_profile(k, kk, 1, v1), GRIDFORM_OK);
    ck_assert_double_eq(v1[0], s1[0]);
    for (size_t b = 0; b < nf; b++)
        ck_assert_double_ge(s1[b], 0.0);
    /* the EXACT kernel of the same cells has the same Fourier diagonal */
    gridform_kernel *ke;
    ck_assert_int_eq(gridform_kernel_create(&ke, pc, GRIDFORM_KERNEL_EXACT), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_spectrum(ke, s2), GRIDFORM_OK);
    for (size_t b = 0; b < nf; b++)
        ck_assert_double_le(fabs(s1[b] - s2[b]), 1e-12 * s1[0]);
    /* a lattice code is square-symmetric, not radial: shells split by value
     * inside a |k| group, and still count every eigenvector once */
    size_t total, ns, msum = 0;
    ck_assert_int_eq(gridform_kernel_shells(ke, 0, NULL, NULL, NULL, &total), GRIDFORM_OK);
    double *shk = malloc(total * sizeof *shk), *shv = malloc(total * sizeof *shv);
    size_t *shm = malloc(total * sizeof *shm);
    ck_assert_int_eq(gridform_kernel_shells(ke, total, shk, shv, shm, &ns), GRIDFORM_OK);
    ck_assert_uint_eq(ns, total);
    for (size_t i = 0; i < ns; i++) {
        msum += shm[i];
        if (i > 0)
            ck_assert_double_le(shv[i], shv[i - 1]);
    }
    ck_assert_uint_eq(msum, 64 * 64);
    ck_assert_double_eq(shk[0], 0.0); /* the softmax constant dominates */
    free(shk); free(shv); free(shm);
    gridform_kernel_destroy(ke);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    free(s1); free(s2);
    gridform_arena_destroy(a);
}
END_TEST

static double bad_spectrum(double k, void *user)
{
    (void)user;
    return k > 3 ? NAN : 1.0;
}

static double rising_spectrum(double k, void *user)
{
    (void)user;
    return k;
}

static double nan_tuning(double dx, double dy, void *user)
{
    (void)user;
    return dx * dx + dy * dy > 0.01 ? NAN : 1.0;
}

START_TEST(test_errors)
{
    gridform_arena *a, *w;
    gridform_placecode *pc, *pw;
    gridform_kernel *k = (gridform_kernel *)1;
    ck_assert_int_eq(gridform_arena_create(&a, 1, 1, 8, 8, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_arena_create(&w, 1, 1, 8, 8, GRIDFORM_WALLED), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, 0.1, 2, 4,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pw, w, GRIDFORM_TUNING_DOG, 0.1, 2, 4,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(NULL, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_create(&k, NULL, GRIDFORM_KERNEL_FOURIER), GRIDFORM_EINVAL);
    ck_assert_ptr_null(k);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, 0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, 7), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_RADIAL), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "create_radial"));
    /* walls break translation invariance: FOURIER and RADIAL refuse */
    ck_assert_int_eq(gridform_kernel_create(&k, pw, GRIDFORM_KERNEL_FOURIER), GRIDFORM_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "EXACT"));
    ck_assert_int_eq(gridform_kernel_create_radial(&k, w, rising_spectrum, NULL), GRIDFORM_EUNSUPPORTED);
    ck_assert_int_eq(gridform_kernel_create_radial(NULL, a, rising_spectrum, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_create_radial(&k, NULL, rising_spectrum, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_create_radial(&k, a, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_create_radial(&k, a, bad_spectrum, NULL), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "spectrum("));
    ck_assert_ptr_null(k);
    /* a user tuning that returns NaN */
    gridform_placecode *pu;
    ck_assert_int_eq(gridform_placecode_create(&pu, a, GRIDFORM_TUNING_GAUSSIAN, 0.1, 0, 4,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_set_tuning_fn(pu, nan_tuning, NULL), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pu, GRIDFORM_KERNEL_FOURIER), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_create(&k, pu, GRIDFORM_KERNEL_EXACT), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "gridform_kernel_create: the tuning function"));
    gridform_placecode_destroy(pu);

    /* every allocation failure during create, for each kind of kernel */
    const int tun[3] = {GRIDFORM_TUNING_DOG, GRIDFORM_TUNING_SOFTMAX_DOG, GRIDFORM_TUNING_USER};
    for (int t = 0; t < 3; t++)
        for (int mode = GRIDFORM_KERNEL_FOURIER; mode <= GRIDFORM_KERNEL_RADIAL; mode++) {
            gridform_placecode *q;
            static double qsig = 0.1;
            ck_assert_int_eq(gridform_placecode_create(&q, a, tun[t] == GRIDFORM_TUNING_USER
                                                                  ? GRIDFORM_TUNING_GAUSSIAN : tun[t],
                                                       0.1, 2, 4, GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
            if (tun[t] == GRIDFORM_TUNING_USER)
                ck_assert_int_eq(gridform_placecode_set_tuning_fn(q, user_gauss, &qsig), GRIDFORM_OK);
            int rc = GRIDFORM_ENOMEM;
            for (size_t f = 1; rc == GRIDFORM_ENOMEM && f < 100; f++) {
                gridform_debug_fail_allocation(f);
                rc = mode == GRIDFORM_KERNEL_RADIAL ? gridform_kernel_create_radial(&k, a, rising_spectrum, NULL)
                                                    : gridform_kernel_create(&k, q, mode);
                gridform_debug_fail_allocation(0);
                if (rc == GRIDFORM_ENOMEM)
                    ck_assert_ptr_null(k);
            }
            ck_assert_int_eq(rc, GRIDFORM_OK);
            gridform_kernel_destroy(k);
            k = NULL;
            gridform_placecode_destroy(q);
        }

    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    double in[128] = {0}, out[128], sp[40], km[4] = {1, 2, 3, 4}, v[4], ks, s;
    size_t mult[4], ns;
    int mode;
    ck_assert_int_eq(gridform_kernel_apply(NULL, in, out, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_apply(k, NULL, out, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_apply(k, in, NULL, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_apply(k, in, out, 0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_apply(k, in, out, SIZE_MAX), GRIDFORM_ERANGE);
    ck_assert_int_eq(gridform_kernel_apply(k, in, in + 32, 1), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_kernel_last_error(k), "overlap"));
    in[70] = NAN;
    ck_assert_int_eq(gridform_kernel_apply(k, in, out, 2), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_kernel_last_error(k), "map 1"));
    in[70] = 0;
    /* finite input whose result overflows */
    for (int i = 0; i < 64; i++)
        in[i] = 1e308;
    ck_assert_int_eq(gridform_kernel_apply(k, in, out, 1), GRIDFORM_ERANGE);
    ck_assert_ptr_nonnull(strstr(gridform_kernel_last_error(k), "overflowed"));
    for (int i = 0; i < 64; i++)
        in[i] = 0;
    ck_assert_int_eq(gridform_kernel_spectrum(NULL, sp), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_spectrum(k, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_radial_profile(NULL, km, 4, v), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_radial_profile(k, NULL, 4, v), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_radial_profile(k, km, 4, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_radial_profile(k, km, 0, v), GRIDFORM_EINVAL);
    km[2] = -1;
    ck_assert_int_eq(gridform_kernel_radial_profile(k, km, 4, v), GRIDFORM_EINVAL);
    km[2] = NAN;
    ck_assert_int_eq(gridform_kernel_radial_profile(k, km, 4, v), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_kernel_last_error(k), "kmag[2]"));
    ck_assert_int_eq(gridform_kernel_ring(NULL, &ks, &s), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_ring(k, NULL, &s), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_ring(k, &ks, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_shells(NULL, 4, km, v, mult, &ns), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_shells(k, 4, km, v, mult, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_shells(k, 4, NULL, v, mult, &ns), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_shells(k, 4, km, NULL, mult, &ns), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_shells(k, 4, km, v, NULL, &ns), GRIDFORM_EINVAL);
    gridform_debug_fail_allocation(1);
    ck_assert_int_eq(gridform_kernel_shells(k, 4, km, v, mult, &ns), GRIDFORM_ENOMEM);
    gridform_debug_fail_allocation(0);
    ck_assert_int_eq(gridform_kernel_get_mode(NULL, &mode), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_kernel_get_mode(k, NULL), GRIDFORM_EINVAL);
    ck_assert_ptr_null(gridform_kernel_get_arena(NULL));
    ck_assert_ptr_nonnull(gridform_kernel_last_error(NULL));
    gridform_kernel_destroy(k);

    /* a spectrum still rising at the Nyquist wavenumber; one that turns NaN */
    ck_assert_int_eq(gridform_kernel_create_radial(&k, a, rising_spectrum, NULL), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_ring(k, &ks, &s), GRIDFORM_ERANGE);
    ck_assert_ptr_nonnull(strstr(gridform_kernel_last_error(k), "Nyquist"));
    gridform_kernel_destroy(k);
    gridform_kernel_destroy(NULL);
    gridform_placecode_destroy(pc);
    gridform_placecode_destroy(pw);
    gridform_arena_destroy(a);
    gridform_arena_destroy(w);
}
END_TEST

/* Threads: kernels created concurrently (FFTW planner under the library's
 * lock) and one kernel of each kind applied from several threads at once
 * give the single-threaded results. */
#define NTHREADS 4
typedef struct {
    const gridform_kernel *k;
    const double *in, *want;
    size_t n, nmaps;
    int ok;
} apply_job;

static void *apply_worker(void *arg)
{
    apply_job *j = arg;
    double *o = malloc(j->nmaps * j->n * sizeof *o);
    j->ok = o != NULL;
    for (int r = 0; r < 20 && j->ok; r++) {
        if (gridform_kernel_apply(j->k, j->in, o, j->nmaps) != GRIDFORM_OK)
            j->ok = 0;
        /* a tolerance, not memcmp: a threaded BLAS may split sums
         * differently under load */
        double scale = max_abs(j->want, j->nmaps * j->n);
        for (size_t i = 0; i < j->nmaps * j->n && j->ok; i++)
            if (fabs(o[i] - j->want[i]) > 1e-12 * scale)
                j->ok = 0;
    }
    free(o);
    return NULL;
}

typedef struct {
    const gridform_placecode *pc;
    int mode, ok;
} create_job;

static void *create_worker(void *arg)
{
    create_job *j = arg;
    j->ok = 1;
    for (int r = 0; r < 10 && j->ok; r++) {
        gridform_kernel *k = NULL;
        if (gridform_kernel_create(&k, j->pc, j->mode) != GRIDFORM_OK)
            j->ok = 0;
        gridform_kernel_destroy(k);
    }
    return NULL;
}

START_TEST(test_threads)
{
    const size_t nx = 32, n = nx * nx, nmaps = 9;
    gridform_arena *a;
    gridform_placecode *pc;
    ck_assert_int_eq(gridform_arena_create(&a, 1, 1, nx, nx, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, 0.08, 2, 100,
                                               GRIDFORM_CENTERS_RANDOM, 9), GRIDFORM_OK);
    pthread_t th[NTHREADS];
    create_job cj[NTHREADS];
    for (int t = 0; t < NTHREADS; t++) {
        cj[t].pc = pc;
        cj[t].mode = t % 2 ? GRIDFORM_KERNEL_EXACT : GRIDFORM_KERNEL_FOURIER;
        ck_assert_int_eq(pthread_create(&th[t], NULL, create_worker, &cj[t]), 0);
    }
    for (int t = 0; t < NTHREADS; t++) {
        pthread_join(th[t], NULL);
        ck_assert(cj[t].ok);
    }
    double *g = malloc(nmaps * n * sizeof *g), *want = malloc(nmaps * n * sizeof *want);
    fill_random(g, nmaps * n, 17);
    for (int mode = GRIDFORM_KERNEL_FOURIER; mode <= GRIDFORM_KERNEL_EXACT; mode++) {
        gridform_kernel *k;
        ck_assert_int_eq(gridform_kernel_create(&k, pc, mode), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_apply(k, g, want, nmaps), GRIDFORM_OK);
        apply_job aj[NTHREADS];
        for (int t = 0; t < NTHREADS; t++) {
            apply_job j = {k, g, want, n, nmaps, 0};
            aj[t] = j;
            ck_assert_int_eq(pthread_create(&th[t], NULL, apply_worker, &aj[t]), 0);
        }
        for (int t = 0; t < NTHREADS; t++) {
            pthread_join(th[t], NULL);
            ck_assert(aj[t].ok);
        }
        gridform_kernel_destroy(k);
    }
    free(g); free(want);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

/* ---- AVERAGED, CENTERED and user spectra (doc/theory.md §1.3-1.4) ------ */

/* The responses of every cell at every arena point, N x np. */
static double *responses(const gridform_placecode *pc, const gridform_arena *a, size_t *np_out)
{
    size_t nx, ny, np;
    gridform_arena_get_shape(a, &nx, &ny);
    gridform_placecode_get_ncells(pc, &np);
    size_t n = nx * ny;
    double *xy = malloc(2 * n * sizeof *xy), *P = malloc(n * np * sizeof *P);
    ck_assert_int_eq(gridform_arena_positions(a, xy), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_response(pc, xy, n, P), GRIDFORM_OK);
    free(xy);
    *np_out = np;
    return P;
}

/* The published pipeline's covariance, computed directly: Sigma formed as
 * a dense N x N matrix (1/np) P P^T, then the roll-average
 * Cbar(u) = sum_x Sigma(x, x + u) with wrapped indices. */
static double *roll_average(const double *P, size_t nx, size_t ny, size_t np)
{
    size_t n = nx * ny;
    double *S = malloc(n * n * sizeof *S), *C = calloc(n, sizeof *C);
    for (size_t x = 0; x < n; x++)
        for (size_t y = 0; y < n; y++) {
            double v = 0;
            for (size_t i = 0; i < np; i++)
                v += P[x * np + i] * P[y * np + i];
            S[x * n + y] = v / (double)np;
        }
    for (size_t x = 0; x < n; x++) {
        size_t x1 = x % nx, x2 = x / nx;
        for (size_t u = 0; u < n; u++) {
            size_t u1 = u % nx, u2 = u / nx;
            size_t y = ((x2 + u2) % ny) * nx + (x1 + u1) % nx;
            C[u] += S[x * n + y];
        }
    }
    free(S);
    return C;
}

START_TEST(test_averaged_roll_average)
{
    /* Walled softmax (the published case), walled DoG with odd sizes, and
     * a periodic Gaussian: AVERAGED's spectrum is (dA/N) DFT(Cbar), and its
     * apply is the circulant convolution with Cbar / N. */
    const struct { double lx, ly; size_t nx, ny, np; int boundary, tuning; double sigma, s; } cs[] = {
        {1.1, 0.9, 12, 10, 40, GRIDFORM_WALLED, GRIDFORM_TUNING_SOFTMAX_DOG, 0.12, 2.0},
        {1.0, 1.3, 9, 11, 25, GRIDFORM_WALLED, GRIDFORM_TUNING_DOG, 0.1, 2.0},
        {1.2, 1.2, 10, 12, 30, GRIDFORM_PERIODIC, GRIDFORM_TUNING_GAUSSIAN, 0.15, 1.0},
    };
    for (size_t c = 0; c < sizeof cs / sizeof cs[0]; c++) {
        gridform_arena *a;
        gridform_placecode *pc;
        gridform_kernel *k, *kc;
        size_t nx = cs[c].nx, ny = cs[c].ny, n = nx * ny, nh = nx / 2 + 1, nf = ny * nh, np;
        ck_assert_int_eq(gridform_arena_create(&a, cs[c].lx, cs[c].ly, nx, ny, cs[c].boundary), GRIDFORM_OK);
        ck_assert_int_eq(gridform_placecode_create(&pc, a, cs[c].tuning, cs[c].sigma, cs[c].s, cs[c].np,
                                                   GRIDFORM_CENTERS_RANDOM, 11 + c), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_AVERAGED), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_create(&kc, pc, GRIDFORM_KERNEL_AVERAGED | GRIDFORM_KERNEL_CENTERED),
                         GRIDFORM_OK);
        int mode;
        ck_assert_int_eq(gridform_kernel_get_mode(kc, &mode), GRIDFORM_OK);
        ck_assert_int_eq(mode, GRIDFORM_KERNEL_AVERAGED | GRIDFORM_KERNEL_CENTERED);
        double *P = responses(pc, a, &np), *C = roll_average(P, nx, ny, np);
        double dA = (cs[c].lx / (double)nx) * (cs[c].ly / (double)ny);
        double *spec = malloc(nf * sizeof *spec), *specc = malloc(nf * sizeof *specc);
        ck_assert_int_eq(gridform_kernel_spectrum(k, spec), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_spectrum(kc, specc), GRIDFORM_OK);
        double smax = max_abs(spec, nf), err = 0, imag = 0;
        for (size_t iy = 0; iy < ny; iy++)
            for (size_t jx = 0; jx < nh; jx++) {
                double re = 0, im = 0;
                for (size_t u = 0; u < n; u++) {
                    double ph = 2 * PI * ((double)(jx * (u % nx)) / (double)nx + (double)(iy * (u / nx)) / (double)ny);
                    re += C[u] * cos(ph);
                    im -= C[u] * sin(ph);
                }
                double want = re * dA / (double)n, got = spec[iy * nh + jx];
                if (fabs(got - want) > err) err = fabs(got - want);
                if (fabs(im) * dA / (double)n > imag) imag = fabs(im) * dA / (double)n;
                /* Centring changes bin 0 only. */
                if (iy == 0 && jx == 0)
                    ck_assert(specc[0] == 0.0);
                else
                    ck_assert(specc[iy * nh + jx] == got);
            }
        ck_assert_double_le(err, 1e-10 * smax);
        ck_assert_double_le(imag, 1e-10 * smax);   /* Cbar(-u) = Cbar(u): a real spectrum */
        /* apply = the circulant operator with kernel Cbar(x' - x) / N, dA. */
        double *g = malloc(n * sizeof *g), *out = malloc(n * sizeof *out);
        fill_random(g, n, 5 + c);
        ck_assert_int_eq(gridform_kernel_apply(k, g, out, 1), GRIDFORM_OK);
        double aerr = 0, amax = 0;
        for (size_t x = 0; x < n; x++) {
            size_t x1 = x % nx, x2 = x / nx;
            double v = 0;
            for (size_t y = 0; y < n; y++) {
                size_t u = ((y / nx + ny - x2) % ny) * nx + (y % nx + nx - x1) % nx;
                v += C[u] * g[y];
            }
            v *= dA / (double)n;
            if (fabs(out[x] - v) > aerr) aerr = fabs(out[x] - v);
            if (fabs(v) > amax) amax = fabs(v);
        }
        ck_assert_double_le(aerr, 1e-10 * amax);
        free(g); free(out); free(spec); free(specc); free(P); free(C);
        gridform_kernel_destroy(kc);
        gridform_kernel_destroy(k);
        gridform_placecode_destroy(pc);
        gridform_arena_destroy(a);
    }
}
END_TEST

/* A Gaussian radial spectrum: nonzero at k = 0, so centring matters. */
static double radial_gauss(double k, void *user)
{
    (void)user;
    return exp(-0.0144 * k * k) / 4.84;
}

/* Every mode, centred: a constant map is in the null space to round-off,
 * and on any map the operator is (I - J) Sigma (I - J) of the uncentred
 * kernel, J = 11^T / N. */
START_TEST(test_centered_every_mode)
{
    gridform_arena *per, *wal;
    gridform_placecode *pc_per, *pc_wal;
    ck_assert_int_eq(gridform_arena_create(&per, 2.2, 2.2, 24, 20, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_arena_create(&wal, 2.2, 1.8, 21, 18, GRIDFORM_WALLED), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc_per, per, GRIDFORM_TUNING_GAUSSIAN, 0.2, 1.0, 100,
                                               GRIDFORM_CENTERS_RANDOM, 3), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc_wal, wal, GRIDFORM_TUNING_SOFTMAX_DOG, 0.12, 2.0, 120,
                                               GRIDFORM_CENTERS_RANDOM, 4), GRIDFORM_OK);
    enum { NK = 7 };
    for (int c = 0; c < NK; c++) {
        gridform_kernel *k = NULL, *kc = NULL;
        const gridform_arena *a = NULL;
        switch (c) {
        case 0: case 1: case 2: {
            int mode = c == 0 ? GRIDFORM_KERNEL_FOURIER : c == 1 ? GRIDFORM_KERNEL_EXACT : GRIDFORM_KERNEL_AVERAGED;
            ck_assert_int_eq(gridform_kernel_create(&k, pc_per, mode), GRIDFORM_OK);
            ck_assert_int_eq(gridform_kernel_create(&kc, pc_per, mode | GRIDFORM_KERNEL_CENTERED), GRIDFORM_OK);
            a = per;
            break;
        }
        case 3: case 4: {
            int mode = c == 3 ? GRIDFORM_KERNEL_EXACT : GRIDFORM_KERNEL_AVERAGED;
            ck_assert_int_eq(gridform_kernel_create(&k, pc_wal, mode), GRIDFORM_OK);
            ck_assert_int_eq(gridform_kernel_create(&kc, pc_wal, mode | GRIDFORM_KERNEL_CENTERED), GRIDFORM_OK);
            a = wal;
            break;
        }
        case 5:
            ck_assert_int_eq(gridform_kernel_create_radial(&k, per, radial_gauss, NULL), GRIDFORM_OK);
            ck_assert_int_eq(gridform_kernel_create_radial(&kc, per, radial_gauss, NULL), GRIDFORM_OK);
            ck_assert_int_eq(gridform_kernel_set_centered(kc, 0), GRIDFORM_OK);   /* a no-op */
            ck_assert_int_eq(gridform_kernel_set_centered(kc, 1), GRIDFORM_OK);
            a = per;
            break;
        default: {
            size_t nf;
            gridform_arena_get_nfreq(wal, &nf);
            double *sp = malloc(nf * sizeof *sp);
            gridform_kernel *ka;
            ck_assert_int_eq(gridform_kernel_create(&ka, pc_wal, GRIDFORM_KERNEL_AVERAGED), GRIDFORM_OK);
            ck_assert_int_eq(gridform_kernel_spectrum(ka, sp), GRIDFORM_OK);
            gridform_kernel_destroy(ka);
            ck_assert_int_eq(gridform_kernel_create_spectrum(&k, wal, sp), GRIDFORM_OK);
            ck_assert_int_eq(gridform_kernel_create_spectrum(&kc, wal, sp), GRIDFORM_OK);
            ck_assert_int_eq(gridform_kernel_set_centered(kc, 1), GRIDFORM_OK);
            free(sp);
            a = wal;
            break;
        }
        }
        int mode, basemode;
        ck_assert_int_eq(gridform_kernel_get_mode(kc, &mode), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_get_mode(k, &basemode), GRIDFORM_OK);
        ck_assert_int_eq(mode, basemode | GRIDFORM_KERNEL_CENTERED);
        size_t nx, ny;
        gridform_arena_get_shape(a, &nx, &ny);
        size_t n = nx * ny, nf = ny * (nx / 2 + 1);
        double *one = malloc(n * sizeof *one), *out = malloc(n * sizeof *out);
        double *g = malloc(n * sizeof *g), *gc = malloc(n * sizeof *gc), *want = malloc(n * sizeof *want);
        for (size_t i = 0; i < n; i++)
            one[i] = 3.0;
        /* The uncentred kernel keeps the constant mode (a large fraction of
         * the top for these codes); the centred one annihilates it. */
        ck_assert_int_eq(gridform_kernel_apply(k, one, out, 1), GRIDFORM_OK);
        double scale = max_abs(out, n);
        ck_assert_double_gt(scale, 0.0);
        ck_assert_int_eq(gridform_kernel_apply(kc, one, out, 1), GRIDFORM_OK);
        ck_assert_double_le(max_abs(out, n), 1e-13 * scale);
        /* (I - J) Sigma (I - J) g through the uncentred kernel. */
        fill_random(g, n, 40 + (uint64_t)c);
        double mean = 0;
        for (size_t i = 0; i < n; i++) mean += g[i];
        mean /= (double)n;
        for (size_t i = 0; i < n; i++) gc[i] = g[i] - mean;
        ck_assert_int_eq(gridform_kernel_apply(k, gc, want, 1), GRIDFORM_OK);
        mean = 0;
        for (size_t i = 0; i < n; i++) mean += want[i];
        mean /= (double)n;
        for (size_t i = 0; i < n; i++) want[i] -= mean;
        ck_assert_int_eq(gridform_kernel_apply(kc, g, out, 1), GRIDFORM_OK);
        double err = 0;
        for (size_t i = 0; i < n; i++)
            if (fabs(out[i] - want[i]) > err) err = fabs(out[i] - want[i]);
        ck_assert_double_le(err, 1e-12 * max_abs(want, n));
        /* The spectrum, shells and profile see the centred operator. */
        double *s0 = malloc(nf * sizeof *s0), *s1 = malloc(nf * sizeof *s1);
        ck_assert_int_eq(gridform_kernel_spectrum(k, s0), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_spectrum(kc, s1), GRIDFORM_OK);
        ck_assert(s1[0] == 0.0);
        for (size_t b = 1; b < nf; b++)
            ck_assert(s1[b] == s0[b]);
        double zero = 0.0, prof;
        ck_assert_int_eq(gridform_kernel_radial_profile(kc, &zero, 1, &prof), GRIDFORM_OK);
        ck_assert(prof == 0.0);
        size_t ns;
        ck_assert_int_eq(gridform_kernel_shells(kc, 0, NULL, NULL, NULL, &ns), GRIDFORM_OK);
        double *sk = malloc(ns * sizeof *sk), *sv = malloc(ns * sizeof *sv);
        size_t *sm = malloc(ns * sizeof *sm), found = 0;
        ck_assert_int_eq(gridform_kernel_shells(kc, ns, sk, sv, sm, &ns), GRIDFORM_OK);
        for (size_t i = 0; i < ns; i++)
            if (sk[i] == 0.0) {
                ck_assert(sv[i] == 0.0);
                found++;
            }
        ck_assert_uint_eq(found, 1);
        /* The flag is frozen once the kernel is in use. */
        ck_assert_int_eq(gridform_kernel_set_centered(kc, 0), GRIDFORM_EINVAL);
        ck_assert_ptr_nonnull(strstr(gridform_kernel_last_error(kc), "gridform_kernel_set_centered"));
        free(sk); free(sv); free(sm); free(s0); free(s1);
        free(one); free(out); free(g); free(gc); free(want);
        gridform_kernel_destroy(kc);
        gridform_kernel_destroy(k);
    }
    gridform_placecode_destroy(pc_per);
    gridform_placecode_destroy(pc_wal);
    gridform_arena_destroy(per);
    gridform_arena_destroy(wal);
}
END_TEST

/* create_spectrum round trip: the spectrum of a FOURIER kernel gives back
 * the same spectrum, operator and ring; mirror pairs within round-off are
 * accepted and made equal; a walled arena is accepted (periodic wrap). */
START_TEST(test_spectrum_roundtrip)
{
    const size_t shapes[3][2] = {{32, 32}, {27, 30}, {30, 27}};
    for (int c = 0; c < 3; c++) {
        gridform_arena *a;
        gridform_kernel *kf, *ks;
        size_t nx = shapes[c][0], ny = shapes[c][1], n = nx * ny, nh = nx / 2 + 1, nf = ny * nh;
        kf = make_kernel(&a, 2.2, 2.0, nx, ny, GRIDFORM_PERIODIC, GRIDFORM_TUNING_DOG, 0.12, 2.0, 16,
                         GRIDFORM_CENTERS_LATTICE, GRIDFORM_KERNEL_FOURIER, NULL);
        double *sp = malloc(nf * sizeof *sp), *back = malloc(nf * sizeof *back);
        ck_assert_int_eq(gridform_kernel_spectrum(kf, sp), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_create_spectrum(&ks, a, sp), GRIDFORM_OK);
        int mode;
        ck_assert_int_eq(gridform_kernel_get_mode(ks, &mode), GRIDFORM_OK);
        ck_assert_int_eq(mode, GRIDFORM_KERNEL_SPECTRUM);
        ck_assert_int_eq(gridform_kernel_spectrum(ks, back), GRIDFORM_OK);
        for (size_t b = 0; b < nf; b++)
            ck_assert(back[b] == sp[b]);
        double *g = malloc(3 * n * sizeof *g), *o1 = malloc(3 * n * sizeof *o1), *o2 = malloc(3 * n * sizeof *o2);
        fill_random(g, 3 * n, 9);
        ck_assert_int_eq(gridform_kernel_apply(kf, g, o1, 3), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_apply(ks, g, o2, 3), GRIDFORM_OK);
        for (size_t i = 0; i < 3 * n; i++)
            ck_assert(o1[i] == o2[i]);
        /* The ring from the lattice alone (its real-space kernel), within
         * 2% of the DoG's analytic k*. */
        double k1, sp1, k2, sp2;
        ck_assert_int_eq(gridform_kernel_ring(kf, &k1, &sp1), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_ring(ks, &k2, &sp2), GRIDFORM_OK);
        ck_assert_double_eq_tol(k2 / k1, 1.0, 0.02);
        gridform_kernel_destroy(ks);
        /* A mirror off by 1e-12 relative is accepted and symmetrised; off
         * by 1e-6 it is refused with the bins named. */
        size_t b1 = 1 * nh, b2 = (ny - 1) * nh;
        double keep = sp[b1], smax = max_abs(sp, nf);
        sp[b1] = keep + 1e-12 * smax;
        ck_assert_int_eq(gridform_kernel_create_spectrum(&ks, a, sp), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_spectrum(ks, back), GRIDFORM_OK);
        ck_assert(back[b1] == back[b2]);
        gridform_kernel_destroy(ks);
        sp[b1] = keep + 1e-6 * smax;
        ck_assert_int_eq(gridform_kernel_create_spectrum(&ks, a, sp), GRIDFORM_EINVAL);
        ck_assert_ptr_null(ks);
        ck_assert_ptr_nonnull(strstr(gridform_last_error(), "gridform_kernel_create_spectrum"));
        ck_assert_ptr_nonnull(strstr(gridform_last_error(), "mirror"));
        sp[b1] = keep;
        /* Walled arena of the same shape: the same periodic operator. */
        gridform_arena *w;
        double lx, ly;
        gridform_arena_get_extent(a, &lx, &ly);
        ck_assert_int_eq(gridform_arena_create(&w, lx, ly, nx, ny, GRIDFORM_WALLED), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_create_spectrum(&ks, w, sp), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_apply(ks, g, o2, 3), GRIDFORM_OK);
        for (size_t i = 0; i < 3 * n; i++)
            ck_assert(o1[i] == o2[i]);
        gridform_kernel_destroy(ks);
        gridform_arena_destroy(w);
        free(g); free(o1); free(o2); free(sp); free(back);
        gridform_kernel_destroy(kf);
        gridform_arena_destroy(a);
    }
}
END_TEST

/* Unknown modes and flag bits are refused with a message naming them. */
START_TEST(test_mode_flags)
{
    gridform_arena *a;
    gridform_placecode *pc;
    gridform_kernel *k = NULL;
    ck_assert_int_eq(gridform_arena_create(&a, 1.0, 1.0, 8, 8, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, 0.1, 2.0, 16,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER | 0x200), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "0x200"));
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_EXACT | GRIDFORM_KERNEL_CENTERED | 0x10400),
                     GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "0x10400"));
    ck_assert_int_eq(gridform_kernel_create(&k, pc, 7 | GRIDFORM_KERNEL_CENTERED), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "unknown mode 7"));
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_SPECTRUM), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "create_spectrum"));
    ck_assert_ptr_null(k);
    /* Every representation combines with CENTERED. */
    const int modes[3] = {GRIDFORM_KERNEL_FOURIER, GRIDFORM_KERNEL_EXACT, GRIDFORM_KERNEL_AVERAGED};
    for (int i = 0; i < 3; i++) {
        int m;
        ck_assert_int_eq(gridform_kernel_create(&k, pc, modes[i] | GRIDFORM_KERNEL_CENTERED), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_get_mode(k, &m), GRIDFORM_OK);
        ck_assert_int_eq(m & GRIDFORM_KERNEL_MODE_MASK, modes[i]);
        ck_assert_int_eq(m & ~GRIDFORM_KERNEL_MODE_MASK, GRIDFORM_KERNEL_CENTERED);
        gridform_kernel_destroy(k);
    }
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

/* A learner sees the centred operator: on the walled softmax code the
 * uncentred kernels' top mode is the constant map; centred, a linear map
 * converges to a zero-mean map whose Rayleigh quotient is the top of the
 * centred spectrum (AVERAGED: the largest Sigma~(k != 0); EXACT: at least
 * that, since every Fourier-diagonal value is a Rayleigh quotient).
 * Under GRIDFORM_TEST_SUBSET (test_subset.h, CI's memcheck) the covering
 * rows AVERAGED uncentred and EXACT centred. */
START_TEST(test_learner_sees_centring)
{
    gridform_arena *a;
    gridform_placecode *pc;
    ck_assert_int_eq(gridform_arena_create(&a, 2.2, 2.2, 24, 24, GRIDFORM_WALLED), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_SOFTMAX_DOG, 0.12, 2.0, 150,
                                               GRIDFORM_CENTERS_RANDOM, 8), GRIDFORM_OK);
    const size_t n = 24 * 24, nf = 24 * 13;
    const int modes[2] = {GRIDFORM_KERNEL_AVERAGED, GRIDFORM_KERNEL_EXACT};
    for (int i = 0; i < 2; i++) {
        for (int centred = 0; centred < 2; centred++) {
            if (!gf_subset_row2((size_t)i, 2, (size_t)centred, 2))
                continue;
            gridform_kernel *k;
            gridform_learner *l;
            ck_assert_int_eq(gridform_kernel_create(&k, pc, modes[i] | (centred ? GRIDFORM_KERNEL_CENTERED : 0)),
                             GRIDFORM_OK);
            double *sp = malloc(nf * sizeof *sp), *g = malloc(n * sizeof *g);
            ck_assert_int_eq(gridform_kernel_spectrum(k, sp), GRIDFORM_OK);
            double top = 0;
            for (size_t b = 1; b < nf; b++)
                if (sp[b] > top) top = sp[b];
            ck_assert_int_eq(gridform_learner_create(&l, k, 1), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_set_nonlinearity(l, GRIDFORM_NL_LINEAR, 0.0), GRIDFORM_OK);
            if (modes[i] == GRIDFORM_KERNEL_AVERAGED)   /* a Fourier multiplier: exponential by default */
                ck_assert_int_eq(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_EXPONENTIAL), GRIDFORM_OK);
            else
                ck_assert_int_eq(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_EXPONENTIAL),
                                 GRIDFORM_EUNSUPPORTED);
            ck_assert_int_eq(gridform_learner_seed(l, 3, 1.0), GRIDFORM_OK);
            int rc = gridform_learner_iterate(l, modes[i] == GRIDFORM_KERNEL_AVERAGED ? 200 : 3000);
            ck_assert_msg(rc == GRIDFORM_OK, "%s", gridform_learner_last_error(l));
            double rq;
            ck_assert_int_eq(gridform_learner_objective(l, &rq, NULL), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_get_maps(l, g), GRIDFORM_OK);
            double mean = 0, rms = 0;
            for (size_t x = 0; x < n; x++) {
                mean += g[x];
                rms += g[x] * g[x];
            }
            mean /= (double)n;
            rms = sqrt(rms / (double)n);
            if (!centred) {
                /* The constant mode wins: a flat map with the k = 0 value. */
                ck_assert_double_ge(fabs(mean), 0.999 * rms);
                ck_assert_double_ge(rq, 0.999 * sp[0]);
            } else {
                ck_assert_double_le(fabs(mean), 1e-6 * rms);
                if (modes[i] == GRIDFORM_KERNEL_AVERAGED)
                    ck_assert_double_eq_tol(rq / top, 1.0, 1e-6);
                else
                    ck_assert_double_ge(rq, top * (1 - 1e-6));
            }
            free(sp);
            free(g);
            gridform_learner_destroy(l);
            gridform_kernel_destroy(k);
        }
    }
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kernel");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_dog_ring);
    tcase_add_test(tc, test_ring_beyond_box);
    tcase_add_test(tc, test_gaussian_no_ring);
    tcase_add_test(tc, test_fourier_vs_direct_sum);
    tcase_add_test(tc, test_spectrum_analytic);
    tcase_add_test(tc, test_shells);
    tcase_add_test(tc, test_exact_dense);
    tcase_add_test(tc, test_exact_approaches_fourier);
    tcase_add_test(tc, test_resolution_independence);
    tcase_add_test(tc, test_numerical_spectra);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_threads);
    tcase_add_test(tc, test_averaged_roll_average);
    tcase_add_test(tc, test_centered_every_mode);
    tcase_add_test(tc, test_spectrum_roundtrip);
    tcase_add_test(tc, test_mode_flags);
    tcase_add_test(tc, test_learner_sees_centring);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
