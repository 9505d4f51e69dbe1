/* Regression tests for issue 12: memory errors and wrong answers found off
 * the tested path (non-square arenas, user tunings, softmax codes, extreme
 * map scales, degenerate maps, the linear network).  Each test failed
 * before its fix: B1 and B2 under the asan and valgrind stages of
 * .ci/extra (and B1 also aborts in glibc's heap checks), W1-W4 on the
 * numbers they assert. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"
#include "test_subset.h"

#define PI 3.14159265358979323846

/* ---- B1: the continuum profile's work space for nx != ny ---- */

/* The library's DoG tuning written as a user tuning: unit-integral
 * Gaussians of variance sigma^2 and s sigma^2 (doc/theory.md §1.1). */
typedef struct {
    double sigma, s;
} dog_params;

static double user_dog(double dx, double dy, void *user)
{
    const dog_params *p = user;
    double v1 = p->sigma * p->sigma, v2 = p->s * v1, r2 = dx * dx + dy * dy;
    return exp(-0.5 * r2 / v1) / (2 * PI * v1) - exp(-0.5 * r2 / v2) / (2 * PI * v2);
}

/* Arenas of every aspect: nx > ny (the reproducer of the issue), nx < ny,
 * odd sizes, and extents that disagree with the point counts. */
static const struct {
    size_t nx, ny;
    double lx, ly;
} b1_shapes[] = {
    {64, 48, 2.2, 1.1},
    {48, 64, 1.1, 2.2},
    {33, 20, 2.0, 1.3},
    {40, 24, 2.2, 1.3},
};

START_TEST(test_b1_user_tuning_nx_gt_ny)
{
    /* A user DoG code on a non-square arena: the ring must be the analytic
     * DoG ring k*^2 = 2 ln s / (sigma^2 (s - 1)) (doc/theory.md §1.5), up to
     * the sampling of the tuning (dx = 0.034 m against sigma = 0.12 m) and
     * its minimum-image window: measured 0.18% on the first shape, so 1%;
     * the profile at k* matches the analytic (p~(k*))^2 / A to 2%. */
    const dog_params p = {0.12, 2.0};
    size_t i = (size_t)_i;
    gridform_arena *a;
    gridform_placecode *pc;
    gridform_kernel *k;
    ck_assert_int_eq(gridform_arena_create(&a, b1_shapes[i].lx, b1_shapes[i].ly, b1_shapes[i].nx,
                                           b1_shapes[i].ny, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, p.sigma, p.s, 64,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_set_tuning_fn(pc, user_dog, (void *)&p), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    double kstar, spacing;
    ck_assert_int_eq(gridform_kernel_ring(k, &kstar, &spacing), GRIDFORM_OK);
    double kth = sqrt(2 * log(p.s) / (p.sigma * p.sigma * (p.s - 1)));
    ck_assert_double_eq_tol(kstar, kth, 0.01 * kth);
    ck_assert_double_eq_tol(spacing, 4 * PI / (sqrt(3.0) * kstar), 1e-12 * spacing);
    double kk[3] = {0.5 * kth, kth, 1.5 * kth}, prof[3];
    ck_assert_int_eq(gridform_kernel_radial_profile(k, kk, 3, prof), GRIDFORM_OK);
    double area = b1_shapes[i].lx * b1_shapes[i].ly;
    for (int j = 0; j < 3; j++) {
        double v = p.sigma * p.sigma * kk[j] * kk[j];
        double pt = exp(-0.5 * v) - exp(-0.5 * p.s * v);
        ck_assert_double_eq_tol(prof[j], pt * pt / area, 0.02 * pt * pt / area);
    }
    /* The attractor finds the same ring through the same code path. */
    gridform_attractor *net;
    ck_assert_int_eq(gridform_attractor_create(&net, k), GRIDFORM_OK);
    gridform_attractor_destroy(net);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

START_TEST(test_b1_softmax_nx_gt_ny)
{
    /* The softmax code takes the other branch of the profile (the
     * translation-averaged real-space kernel): a ring exists, lies within
     * the arena's Nyquist limit, and its profile is finite there. */
    gridform_arena *a;
    gridform_placecode *pc;
    gridform_kernel *k;
    ck_assert_int_eq(gridform_arena_create(&a, 2.2, 1.1, 64, 48, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_SOFTMAX_DOG, 0.12, 2.0, 256,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    double kstar, spacing, prof;
    int rc = gridform_kernel_ring(k, &kstar, &spacing);
    ck_assert_int_eq(rc, GRIDFORM_OK);
    ck_assert(kstar > 0 && kstar < PI * 48 / 1.1);
    ck_assert_int_eq(gridform_kernel_radial_profile(k, &kstar, 1, &prof), GRIDFORM_OK);
    ck_assert(isfinite(prof));
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

/* ---- B2: the attractor's refusal message after the handle is freed ---- */

START_TEST(test_b2_softmax_attractor_message)
{
    /* A softmax code's Sigma~(0) carries its normalisation and beats every
     * ring mode, so the network refuses it; the message must quote the
     * kernel's own Sigma~(0) (it was read from freed memory). */
    gridform_arena *a;
    gridform_placecode *pc;
    gridform_kernel *k;
    ck_assert_int_eq(gridform_arena_create(&a, 2.2, 2.2, 32, 32, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_SOFTMAX_DOG, 0.12, 2.0, 256,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    size_t nf;
    ck_assert_int_eq(gridform_arena_get_nfreq(a, &nf), GRIDFORM_OK);
    double *spec = malloc(nf * sizeof *spec);
    ck_assert_ptr_nonnull(spec);
    ck_assert_int_eq(gridform_kernel_spectrum(k, spec), GRIDFORM_OK);
    gridform_attractor *net = (gridform_attractor *)a;   /* poisoned: create must reset it */
    ck_assert_int_eq(gridform_attractor_create(&net, k), GRIDFORM_EUNDEFINED);
    ck_assert_ptr_null(net);
    const char *msg = gridform_last_error();
    char want[64];
    snprintf(want, sizeof want, "%g at k = 0", spec[0]);
    ck_assert_msg(strstr(msg, want) != NULL, "message \"%s\" lacks \"%s\"", msg, want);
    ck_assert_ptr_nonnull(strstr(msg, "gridform_attractor_create"));
    free(spec);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

/* ---- the scorer (W1-W3) ---- */

/* A scorer for the maps of an nx x ny arena of lx x ly metres with the
 * given boundary (the scorer's defaults follow it: fixed annuli for a
 * walled arena, automatic ones for a periodic arena). */
static gridform_scorer *make_scorer(size_t nx, size_t ny, double lx, double ly, int boundary)
{
    gridform_arena *a = NULL;
    gridform_scorer *s = NULL;
    ck_assert_int_eq(gridform_arena_create(&a, lx, ly, nx, ny, boundary), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_create(&s, a), GRIDFORM_OK);
    gridform_arena_destroy(a);
    return s;
}

/* Sum of nw cosines cos(k_j . r + ph_j) at the arena's bin centres
 * x = -lx/2 + (ix + 1/2) lx/nx; rectified if relu. */
static void cosines(double *map, size_t nx, size_t ny, double lx, double ly, const double (*kv)[2],
                    const double *ph, int nw, int relu)
{
    for (size_t iy = 0; iy < ny; iy++)
        for (size_t ix = 0; ix < nx; ix++) {
            double x = -lx / 2 + ((double)ix + 0.5) * lx / (double)nx;
            double y = -ly / 2 + ((double)iy + 0.5) * ly / (double)ny;
            double g = 0;
            for (int j = 0; j < nw; j++)
                g += cos(kv[j][0] * x + kv[j][1] * y + ph[j]);
            map[iy * nx + ix] = relu && g < 0 ? 0 : g;
        }
}

/* A rectified hexagonal grid of spacing a, lattice vectors at theta. */
static void hexagon(double *map, size_t nx, size_t ny, double lx, double ly, double a, double theta)
{
    double kk = 4 * PI / (sqrt(3.0) * a), kv[3][2], ph[3] = {0.4, 1.1, -0.7};
    for (int j = 0; j < 3; j++) {
        double ang = theta + PI / 6 + j * 2 * PI / 3;
        kv[j][0] = kk * cos(ang);
        kv[j][1] = kk * sin(ang);
    }
    cosines(map, nx, ny, lx, ly, (const double (*)[2])kv, ph, 3, 1);
}

START_TEST(test_w1_scale_invariance)
{
    /* Every score is a correlation: scaling a map by any finite nonzero
     * factor must leave it unchanged up to round-off.  Before the fix the
     * variance product (fourth power of the scale) overflowed or
     * underflowed: 0.135 instead of 1.34 at 1e74, NaN at 1e300 and at
     * subnormal scales.  Tolerance 1e-9 (issue 12); the normalisation is
     * exact for powers of two, so those must agree to the last bit.  The
     * dominant k comes from a least-squares minimum located to about 1e-8
     * (a flat minimum of a residual resolved to 1e-16): 1e-7 there. */
    const size_t nx = 40, ny = 32;
    const double lx = 2.2, ly = 1.76;
    double *map = malloc(nx * ny * sizeof *map), *sm = malloc(nx * ny * sizeof *sm);
    ck_assert_ptr_nonnull(map);
    ck_assert_ptr_nonnull(sm);
    hexagon(map, nx, ny, lx, ly, 0.66, 0.2);
    map[5] = NAN;   /* an unvisited bin or two */
    map[nx * 7 + 3] = NAN;
    for (int b = 0; b < 2; b++) {
        int boundary = b ? GRIDFORM_PERIODIC : GRIDFORM_WALLED;
        gridform_scorer *s = make_scorer(nx, ny, lx, ly, boundary);
        double r60, r90, rsp, ror, rk;
        ck_assert_int_eq(gridform_scorer_score(s, map, 1, &r60, &r90, &rsp, &ror), GRIDFORM_OK);
        ck_assert_int_eq(gridform_map_dominant_k(s, map, &rk), GRIDFORM_OK);
        ck_assert(r60 > 1.0);
        double scales[80];
        int ns = 0;
        for (int e = -150; e <= 150; e += 5)
            scales[ns++] = pow(10.0, e) * 1.2345;
        scales[ns++] = 1e300;
        scales[ns++] = -1e300;      /* a sign flip changes nothing either */
        scales[ns++] = 1.7e308 / 3; /* the map's maximum is 3: near DBL_MAX */
        scales[ns++] = 1e-310;      /* subnormal values */
        scales[ns++] = 0x1p-1000;   /* powers of two: exact */
        scales[ns++] = 0x1p+1000;
        for (int i = 0; i < ns; i++) {
            for (size_t j = 0; j < nx * ny; j++)
                sm[j] = map[j] * scales[i];
            double g60, g90, sp, orr, kk;
            ck_assert_int_eq(gridform_scorer_score(s, sm, 1, &g60, &g90, &sp, &orr), GRIDFORM_OK);
            ck_assert_int_eq(gridform_map_dominant_k(s, sm, &kk), GRIDFORM_OK);
            double tol = frexp(scales[i], &(int){0}) == 0.5 ? 0 : 1e-9;
            ck_assert_msg(fabs(g60 - r60) <= tol && fabs(g90 - r90) <= tol && fabs(sp - rsp) <= tol * rsp
                              && fabs(orr - ror) <= tol && fabs(kk - rk) <= 100 * tol * rk,
                          "boundary %d scale %g: score60 %.17g vs %.17g, score90 %.17g vs %.17g, "
                          "spacing %.17g vs %.17g, k %.17g vs %.17g", boundary, scales[i], g60, r60, g90,
                          r90, sp, rsp, kk, rk);
        }
        gridform_scorer_destroy(s);
    }
    free(map);
    free(sm);
}
END_TEST

/* splitmix64: fixed-seed test data. */
static uint64_t rng_state;
static double urand(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

static const struct {
    size_t nx, ny;
    double lx, ly;
    int boundary;
} w2_boxes[] = {
    {44, 44, 2.2, 2.2, GRIDFORM_WALLED},
    {44, 44, 2.2, 2.2, GRIDFORM_PERIODIC},
    {48, 30, 2.2, 1.5, GRIDFORM_WALLED},
    {30, 48, 1.1, 2.0, GRIDFORM_PERIODIC},
    {37, 26, 1.9, 1.3, GRIDFORM_WALLED},
};

START_TEST(test_w2_dominant_k_lattice_cosines)
{
    /* Pure cosines on the box's Fourier lattice, k = 2 pi (mx/lx, my/ly),
     * at 20 random lattice wavevectors (|mx|, |my| <= 6, random phase).
     * Issue 12 asks for 0.2%; the estimator is exact there (the DFT
     * samples next to the peak vanish), measured 2e-16, so 1e-9.  Before
     * the fix: up to 2.6% (a parabola through zero-padded samples). */
    size_t i = (size_t)_i, nx = w2_boxes[i].nx, ny = w2_boxes[i].ny;
    double lx = w2_boxes[i].lx, ly = w2_boxes[i].ly;
    gridform_scorer *s = make_scorer(nx, ny, lx, ly, w2_boxes[i].boundary);
    double *map = malloc(nx * ny * sizeof *map);
    ck_assert_ptr_nonnull(map);
    rng_state = 1000 + i;
    double worst = 0;
    for (int t = 0; t < 20; t++) {
        long mx, my;
        do {
            mx = (long)(urand() * 13) - 6;
            my = (long)(urand() * 13) - 6;
        } while (mx == 0 && my == 0);
        double kv[1][2] = {{2 * PI * (double)mx / lx, 2 * PI * (double)my / ly}}, ph = 6.28 * urand();
        cosines(map, nx, ny, lx, ly, (const double (*)[2])kv, &ph, 1, 0);
        double k, kt = hypot(kv[0][0], kv[0][1]);
        ck_assert_int_eq(gridform_map_dominant_k(s, map, &k), GRIDFORM_OK);
        ck_assert_msg(fabs(k - kt) <= 1e-9 * kt, "box %zu, (%ld, %ld): k %.17g, true %.17g", i, mx, my, k, kt);
        worst = fmax(worst, fabs(k / kt - 1));
    }
    /* Three lattice waves of different lengths and weights (a learned
     * map's spectrum, say): the strongest one's length, exactly. */
    double kv[3][2] = {{2 * PI * 2 / lx, 2 * PI * 3 / ly}, {2 * PI * 3 / lx, -2 * PI * 1 / ly},
                       {-2 * PI * 1 / lx, 2 * PI * 4 / ly}};
    double ph[3] = {0.3, 1.0, 2.0};
    for (size_t iy = 0; iy < ny; iy++)
        for (size_t ix = 0; ix < nx; ix++) {
            double x = -lx / 2 + ((double)ix + 0.5) * lx / (double)nx;
            double y = -ly / 2 + ((double)iy + 0.5) * ly / (double)ny;
            map[iy * nx + ix] = 1.0 * cos(kv[0][0] * x + kv[0][1] * y + ph[0])
                                + 0.7 * cos(kv[1][0] * x + kv[1][1] * y + ph[1])
                                + 0.5 * cos(kv[2][0] * x + kv[2][1] * y + ph[2]);
        }
    double k, kt = hypot(kv[0][0], kv[0][1]);
    ck_assert_int_eq(gridform_map_dominant_k(s, map, &k), GRIDFORM_OK);
    ck_assert_double_eq_tol(k, kt, 1e-9 * kt);
    free(map);
    gridform_scorer_destroy(s);
}
END_TEST

START_TEST(test_w2_dominant_k_off_lattice)
{
    /* Between lattice points: one real cosine at a random wavevector with
     * 3-6 periods across the shorter side.  The fitted real wave is exact
     * up to the least-squares minimum's resolution (measured 4e-9), so
     * 1e-6 (before the fix: 1-5%). */
    size_t i = (size_t)_i, nx = w2_boxes[i].nx, ny = w2_boxes[i].ny;
    double lx = w2_boxes[i].lx, ly = w2_boxes[i].ly, L = fmin(lx, ly);
    gridform_scorer *s = make_scorer(nx, ny, lx, ly, w2_boxes[i].boundary);
    double *map = malloc(nx * ny * sizeof *map);
    ck_assert_ptr_nonnull(map);
    rng_state = 2000 + i;
    for (int t = 0; t < 20; t++) {
        double kt = 2 * PI / L * (3 + 3 * urand()), th = PI * urand(), ph = 6.28 * urand();
        double kv[1][2] = {{kt * cos(th), kt * sin(th)}}, k;
        cosines(map, nx, ny, lx, ly, (const double (*)[2])kv, &ph, 1, 0);
        ck_assert_int_eq(gridform_map_dominant_k(s, map, &k), GRIDFORM_OK);
        ck_assert_msg(fabs(k - kt) <= 1e-6 * kt, "box %zu, k true %.17g: got %.17g", i, kt, k);
    }
    free(map);
    gridform_scorer_destroy(s);
}
END_TEST

START_TEST(test_w3_undefined_score_undefined_k)
{
    /* gridform_map_dominant_k is EUNDEFINED (k NaN) exactly where score60
     * is NaN: maps with 0, 1, 2, 19 valid bins (min_overlap is 20), 60 (two and a half
     * rows: no annulus has defined correlations), a
     * constant map, and maps with enough bins. */
    const size_t nx = 24, ny = 20;
    gridform_scorer *s = make_scorer(nx, ny, 1.2, 1.0, GRIDFORM_WALLED);
    double *map = malloc(nx * ny * sizeof *map);
    ck_assert_ptr_nonnull(map);
    const size_t valid[] = {0, 1, 2, 19, 60, nx * ny / 2, nx * ny};
    rng_state = 77;
    for (size_t v = 0; v < sizeof valid / sizeof valid[0]; v++)
        for (int constant = 0; constant < 2; constant++) {
            for (size_t j = 0; j < nx * ny; j++)
                map[j] = j < valid[v] ? (constant ? 2.5 : cos(0.9 * (double)(j % nx)) + 0.1 * urand()) : NAN;
            double g60, k = 0;
            int rs = gridform_scorer_score(s, map, 1, &g60, NULL, NULL, NULL);
            int rk = gridform_map_dominant_k(s, map, &k);
            int defined = valid[v] >= nx * ny / 2 && !constant;
            ck_assert_msg(defined == !isnan(g60), "%zu valid bins, constant %d: score60 %g", valid[v], constant, g60);
            ck_assert_int_eq(rs, defined ? GRIDFORM_OK : GRIDFORM_EUNDEFINED);
            ck_assert_msg(rk == (defined ? GRIDFORM_OK : GRIDFORM_EUNDEFINED), "%zu valid bins: rc %d", valid[v], rk);
            ck_assert(defined ? isfinite(k) && k > 0 : isnan(k));
            if (!defined)
                ck_assert_ptr_nonnull(strstr(gridform_scorer_last_error(s), "gridform_map_dominant_k"));
        }
    free(map);
    gridform_scorer_destroy(s);
}
END_TEST

/* ---- W4: the attractor's runaway, and which nonlinearities form patterns ---- */

typedef struct {
    gridform_arena *ar;
    gridform_placecode *pc;
    gridform_kernel *k;
    gridform_attractor *net;
} dog_net;

/* The default DoG network of doc/theory.md §5 (sigma 0.12 m, s = 2) on a
 * 32 x 32 sheet of 2.2 m. */
static void dog_net_make(dog_net *d, int nl, int precision)
{
    ck_assert_int_eq(gridform_arena_create(&d->ar, 2.2, 2.2, 32, 32, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&d->pc, d->ar, GRIDFORM_TUNING_DOG, 0.12, 2.0, 256,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&d->k, d->pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_create(&d->net, d->k), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_nonlinearity(d->net, nl), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_precision(d->net, precision), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_seed(d->net, 5, 0.01), GRIDFORM_OK);
}

static void dog_net_free(dog_net *d)
{
    gridform_attractor_destroy(d->net);
    gridform_kernel_destroy(d->k);
    gridform_placecode_destroy(d->pc);
    gridform_arena_destroy(d->ar);
}

static void rate_range(const double *r, size_t n, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        *lo = fmin(*lo, r[i]);
        *hi = fmax(*hi, r[i]);
    }
}

START_TEST(test_w4_linear_default_gain_diverges)
{
    /* The linear network at the default gain 1.1: the ring modes grow as
     * e^{(gain-1) t/tau} without bound.  Before the fix a 20000-step run
     * returned GRIDFORM_CONTINUE with rates of 7e78.  Now the run stops with
     * GRIDFORM_EDIVERGED once |J * r| passes 1e6 times the rate scale
     * (here b = 1): growing by 1.0095 per step of dt/tau = 0.1 from the
     * seed's small ring component that took about 2200 steps of the 0.2
     * fixed step (t = 2.202 s); the flow, at the default tolerance, takes
     * t = 2.09 s, well within 20000 intervals; the rates given back are
     * the last finite state, below the limit. */
    int precision = _i ? GRIDFORM_PRECISION_SINGLE : GRIDFORM_PRECISION_DOUBLE;
    dog_net d;
    dog_net_make(&d, GRIDFORM_NL_LINEAR, precision);
    ck_assert_int_eq(gridform_attractor_run(d.net, 20000, 1e-5, NULL, NULL), GRIDFORM_EDIVERGED);
    const char *msg = gridform_attractor_last_error(d.net);
    ck_assert_ptr_nonnull(strstr(msg, "gridform_attractor_run"));
    ck_assert_ptr_nonnull(strstr(msg, "ran away"));
    double t;
    ck_assert_int_eq(gridform_attractor_get_time(d.net, &t), GRIDFORM_OK);
    ck_assert_msg(t > 1.5 && t < 3.0, "stopped at t = %g s", t);
    double r[32 * 32], lo, hi;
    for (size_t i = 0; i < 32 * 32; i++)
        r[i] = NAN;
    ck_assert_int_eq(gridform_attractor_get_rates(d.net, r), GRIDFORM_EDIVERGED);
    for (size_t i = 0; i < 32 * 32; i++)
        ck_assert(isfinite(r[i]));
    rate_range(r, 32 * 32, &lo, &hi);
    ck_assert_msg(hi - lo > 1e4 && fmax(hi, -lo) < 2e6, "rates %g .. %g", lo, hi);
    /* stays diverged until seeded; then a stable gain runs normally */
    ck_assert_int_eq(gridform_attractor_iterate(d.net, 1), GRIDFORM_EDIVERGED);
    ck_assert_int_eq(gridform_attractor_set_gain(d.net, 0.5), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_seed(d.net, 5, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_run(d.net, 2000, 1e-6, NULL, NULL), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_rates(d.net, r), GRIDFORM_OK);
    /* gain 0.5: the uniform fixed point r = b (Sigma~(0) = 0 for DoG) */
    rate_range(r, 32 * 32, &lo, &hi);
    ck_assert_double_eq_tol(lo, 1.0, 1e-4);
    ck_assert_double_eq_tol(hi, 1.0, 1e-4);
    dog_net_free(&d);
}
END_TEST

START_TEST(test_w4_relu_huge_gain_keeps_state_finite)
{
    /* A rectified network at gain 1e3 with dt = tau: the first steps jump
     * by orders of magnitude; the state must still be finite and the
     * error EDIVERGED, never NaN. */
    dog_net d;
    dog_net_make(&d, GRIDFORM_NL_RELU, GRIDFORM_PRECISION_DOUBLE);
    ck_assert_int_eq(gridform_attractor_set_gain(d.net, 1e3), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_dt(d.net, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(d.net, 100000), GRIDFORM_EDIVERGED);
    double r[32 * 32];
    ck_assert_int_eq(gridform_attractor_get_rates(d.net, r), GRIDFORM_EDIVERGED);
    for (size_t i = 0; i < 32 * 32; i++)
        ck_assert(isfinite(r[i]) && r[i] >= 0);
    dog_net_free(&d);
}
END_TEST

START_TEST(test_w4_which_nonlinearities_form_patterns)
{
    /* doc/theory.md §5.3: at the default gain 1.1 and input b = 1,
     *  - RELU forms a pattern (max - min of the rates well above 0);
     *  - TANH settles on the uniform rate tanh(1): the slope there,
     *    1 - tanh(1)^2 = 0.42, makes the ring's growth factor 0.46 < 1;
     *    exact to 1e-9;
     *  - TANH forms a pattern above gain 1/0.42 = 2.38 (here 3), or at
     *    b = 0 where the slope is 1.
     * A pattern: max - min of the rates above 0.3 after 30000 steps.
     * Under GRIDFORM_TEST_SUBSET (test_subset.h, CI's memcheck) the first
     * three rows: RELU and TANH, with and without a pattern; the fourth,
     * the longest, steps TANH to a pattern as the third does. */
    static const struct {
        int nl;
        double gain, b;
        int pattern;
    } cases[] = {
        {GRIDFORM_NL_RELU, 1.1, 1.0, 1},
        {GRIDFORM_NL_TANH, 1.1, 1.0, 0},
        {GRIDFORM_NL_TANH, 3.0, 1.0, 1},
        {GRIDFORM_NL_TANH, 1.1, 0.0, 1},
    };
    int c = _i;
    if (c == 3 && gf_subset())
        return;
    dog_net d;
    dog_net_make(&d, cases[c].nl, GRIDFORM_PRECISION_DOUBLE);
    ck_assert_int_eq(gridform_attractor_set_gain(d.net, cases[c].gain), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_input(d.net, cases[c].b), GRIDFORM_OK);
    if (cases[c].b == 0.0) {   /* tanh is odd: start from both signs */
        double r0[32 * 32];
        rng_state = 9;
        for (size_t i = 0; i < 32 * 32; i++)
            r0[i] = 0.01 * (urand() - 0.5);
        ck_assert_int_eq(gridform_attractor_set_rates(d.net, r0), GRIDFORM_OK);
    }
    int rc = gridform_attractor_run(d.net, 30000, 1e-6, NULL, NULL);
    ck_assert_msg(rc == GRIDFORM_OK || rc == GRIDFORM_CONTINUE, "case %d: rc %d", c, rc);
    double r[32 * 32], lo, hi;
    ck_assert_int_eq(gridform_attractor_get_rates(d.net, r), GRIDFORM_OK);
    rate_range(r, 32 * 32, &lo, &hi);
    if (cases[c].pattern) {
        ck_assert_msg(hi - lo > 0.3, "case %d: rates %g .. %g", c, lo, hi);
    } else {
        /* converged; deviations decay as e^{-(1 - 0.46) t/tau}: after
         * another 2000 steps (20 time constants) they are below 1e-4 of
         * the converged spread, so uniform to 1e-9 */
        ck_assert_int_eq(rc, GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_iterate(d.net, 2000), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_get_rates(d.net, r), GRIDFORM_OK);
        rate_range(r, 32 * 32, &lo, &hi);
        ck_assert_msg(hi - lo < 1e-9, "case %d: rates %.12g .. %.12g", c, lo, hi);
        ck_assert_double_eq_tol(lo, tanh(1.0), 1e-9);
    }
    dog_net_free(&d);
}
END_TEST

/* ---- found by tests/fuzz/fuzz_config ---- */

START_TEST(test_fuzz_arena_unrepresentable_box)
{
    /* ly = 1e-300 m on 18 points: the lattice wavenumbers 2 pi m / ly
     * overflow, and gridform_arena_wavevectors returned Inf with
     * GRIDFORM_OK.  Such boxes are refused; a box of 1e-150 m, whose
     * wavenumbers squared still fit, is accepted with finite values. */
    gridform_arena *a = (gridform_arena *)&a;
    ck_assert_int_eq(gridform_arena_create(&a, 2.2, 1e-300, 24, 18, GRIDFORM_PERIODIC), GRIDFORM_ERANGE);
    ck_assert_ptr_null(a);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "gridform_arena_create"));
    ck_assert_int_eq(gridform_arena_create(&a, 1e300, 1e10, 24, 18, GRIDFORM_WALLED), GRIDFORM_ERANGE);
    ck_assert_int_eq(gridform_arena_create(&a, 1e-160, 1e-160, 24, 18, GRIDFORM_WALLED), GRIDFORM_ERANGE);
    /* the smallest wavenumber squared underflows: the attractor's
     * displacement came out NaN with GRIDFORM_OK on 0.76 x 8.4e242 m */
    ck_assert_int_eq(gridform_arena_create(&a, 0.762248, 8.38961e242, 34, 42, GRIDFORM_PERIODIC), GRIDFORM_ERANGE);
    ck_assert_int_eq(gridform_arena_create(&a, 1e160, 1.0, 34, 42, GRIDFORM_PERIODIC), GRIDFORM_ERANGE);
    ck_assert_int_eq(gridform_arena_create(&a, 1e-150, 2e-150, 24, 18, GRIDFORM_PERIODIC), GRIDFORM_OK);
    size_t nf;
    ck_assert_int_eq(gridform_arena_get_nfreq(a, &nf), GRIDFORM_OK);
    double *kv = malloc(2 * nf * sizeof *kv);
    ck_assert_ptr_nonnull(kv);
    ck_assert_int_eq(gridform_arena_wavevectors(a, kv), GRIDFORM_OK);
    for (size_t i = 0; i < 2 * nf; i++)
        ck_assert(isfinite(kv[i]) && isfinite(kv[i] * kv[i] + kv[i] * kv[i]));
    free(kv);
    gridform_arena_destroy(a);
}
END_TEST

START_TEST(test_fuzz_kernel_softmax_huge_box)
{
    /* A softmax code of width 0.018 m on random centres in a 3.1 x 5e252 m
     * box: the translation average of its kernel overflowed, and
     * gridform_kernel_spectrum returned Sigma~(0) = Inf with GRIDFORM_OK.
     * The kernel is now refused at creation. */
    gridform_arena *a;
    gridform_placecode *pc;
    gridform_kernel *k = (gridform_kernel *)&k;
    /* The arena itself now refuses 5e252 m (its smallest wavenumber
     * squared underflows); the kernel's own check is exercised at 1e154 m,
     * just inside the arena's range. */
    ck_assert_int_eq(gridform_arena_create(&a, 3.07548, 5.13187e252, 8, 21, GRIDFORM_PERIODIC), GRIDFORM_ERANGE);
    ck_assert_int_eq(gridform_arena_create(&a, 3.07548, 1e154, 8, 21, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_SOFTMAX_DOG, 0.0179109, 1.1307, 33,
                                               GRIDFORM_CENTERS_RANDOM, 1), GRIDFORM_OK);
    int rc = gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER);
    if (rc == GRIDFORM_OK) {   /* then every value it reports must be finite */
        size_t nf;
        ck_assert_int_eq(gridform_arena_get_nfreq(a, &nf), GRIDFORM_OK);
        double *spec = malloc(nf * sizeof *spec);
        ck_assert_ptr_nonnull(spec);
        ck_assert_int_eq(gridform_kernel_spectrum(k, spec), GRIDFORM_OK);
        for (size_t i = 0; i < nf; i++)
            ck_assert_msg(isfinite(spec[i]), "Sigma~[%zu] = %g", i, spec[i]);
        free(spec);
        gridform_kernel_destroy(k);
    } else {
        ck_assert_int_eq(rc, GRIDFORM_ERANGE);
        ck_assert_ptr_null(k);
        ck_assert_ptr_nonnull(strstr(gridform_last_error(), "gridform_kernel_create"));
    }
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

/* A Gaussian code in a 9.7e-101 x 3.5e-84 m box (tests/fuzz/corpus_config/
 * regress_learner_objective_tiny_box): maps of unit norm there have values
 * near 1/sqrt(dA) ~ 1e94, their spectra squared times Sigma~ (~1e183)
 * overflowed, and gridform_learner_objective returned Inf with GRIDFORM_OK
 * for every nonlinearity and coupling.  Each map's objective is a Rayleigh
 * quotient of the multiplier, so it must lie within [min, max] of Sigma~
 * over the lattice, for every coupling.  Single precision cannot hold such
 * maps and is refused with GRIDFORM_ERANGE (it ran 40 halvings into
 * EDIVERGED). */
static double tiny_box_progress_total;
static int tiny_box_progress(size_t step, size_t max_steps, double objective, void *user)
{
    (void)step;
    (void)max_steps;
    (void)user;
    tiny_box_progress_total = objective;
    return 0;
}

START_TEST(test_fuzz_learner_objective_tiny_box)
{
    gridform_arena *a;
    gridform_placecode *pc;
    gridform_kernel *k;
    ck_assert_int_eq(gridform_arena_create(&a, 9.70419e-101, 3.4739e-84, 45, 45, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_GAUSSIAN, 0.01, 1.05, 1,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    size_t nf;
    ck_assert_int_eq(gridform_arena_get_nfreq(a, &nf), GRIDFORM_OK);
    double *spec = malloc(nf * sizeof *spec);
    ck_assert_ptr_nonnull(spec);
    ck_assert_int_eq(gridform_kernel_spectrum(k, spec), GRIDFORM_OK);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < nf; i++) {
        lo = fmin(lo, spec[i]);
        hi = fmax(hi, spec[i]);
    }
    ck_assert(isfinite(hi) && hi > 1e180);   /* the scale that overflowed */
    for (int prec = GRIDFORM_PRECISION_DOUBLE; prec <= GRIDFORM_PRECISION_SINGLE; prec++)
        for (int cp = GRIDFORM_COUPLING_INDEPENDENT; cp <= GRIDFORM_COUPLING_SYMMETRIC; cp++) {
            gridform_learner *l;
            ck_assert_int_eq(gridform_learner_create(&l, k, 4), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_set_coupling(l, cp), GRIDFORM_OK);
            if (prec == GRIDFORM_PRECISION_SINGLE) {
                /* maps of ~1e92 (1/m) do not fit in float: refused, clearly */
                ck_assert_int_eq(gridform_learner_set_precision(l, prec), GRIDFORM_ERANGE);
                ck_assert_ptr_nonnull(strstr(gridform_learner_last_error(l), "gridform_learner_set_precision"));
                ck_assert_ptr_nonnull(strstr(gridform_learner_last_error(l), "GRIDFORM_PRECISION_DOUBLE"));
                int got;
                ck_assert_int_eq(gridform_learner_get_precision(l, &got), GRIDFORM_OK);
                ck_assert_int_eq(got, GRIDFORM_PRECISION_DOUBLE);
                gridform_learner_destroy(l);
                continue;
            }
            ck_assert_int_eq(gridform_learner_seed(l, 1, 1.0), GRIDFORM_OK);
            int irc = gridform_learner_iterate(l, 3);
            ck_assert_msg(irc == GRIDFORM_OK, "precision %d coupling %d: iterate: %s: %s", prec, cp,
                          gridform_strerror(irc), gridform_learner_last_error(l));
            double per[4], total;
            ck_assert_int_eq(gridform_learner_objective(l, per, &total), GRIDFORM_OK);
            double sum = 0.0;
            for (int j = 0; j < 4; j++) {
                /* the quotient of sums rounded in the working precision */
                double tol = (prec == GRIDFORM_PRECISION_SINGLE ? 1e-6 : 1e-12) * hi;
                ck_assert_msg(per[j] >= lo - tol && per[j] <= hi + tol,
                              "precision %d coupling %d map %d: objective %g outside [%g, %g]", prec, cp, j, per[j],
                              lo, hi);
                sum += per[j];
            }
            ck_assert_double_eq_tol(total, sum, 1e-14 * fabs(sum));
            /* the progress callback's objective: finite too (the step's own
             * unscaled quotients overflowed here as well) */
            tiny_box_progress_total = NAN;
            int rrc = gridform_learner_run(l, 2, 1e-12, tiny_box_progress, NULL);
            ck_assert_msg(rrc == GRIDFORM_OK || rrc == GRIDFORM_CONTINUE, "run: %s", gridform_learner_last_error(l));
            ck_assert_msg(isfinite(tiny_box_progress_total) && tiny_box_progress_total >= 4 * lo - 4e-12 * hi
                              && tiny_box_progress_total <= 4 * hi * (1 + 1e-12),
                          "coupling %d: progress objective %g", cp, tiny_box_progress_total);
            gridform_learner_destroy(l);
        }
    free(spec);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

/* The population spectrum at extreme map scales (found in review, after
 * the W1 fix to the scorer): maps scaled by 1e200 or 1e-200 were reported
 * as having no variance (EUNDEFINED), since their squares overflowed or
 * underflowed.  Now the ring is found at every finite scale; the
 * unit-variance spectrum is the same to round-off; the raw spectrum scales
 * as the square of the maps while double holds it, and beyond that the
 * call says ERANGE, still giving the ring. */
START_TEST(test_population_spectrum_scale)
{
    enum { NX = 32, NY = 24, NM = 3 };
    gridform_arena *a;
    gridform_scorer *s;
    ck_assert_int_eq(gridform_arena_create(&a, 2.0, 1.5, NX, NY, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_create(&s, a), GRIDFORM_OK);
    size_t nb;
    double dk;
    ck_assert_int_eq(gridform_scorer_spectrum_bins(s, &nb, &dk), GRIDFORM_OK);
    double *base = malloc(NM * NX * NY * sizeof *base), *m = malloc(NM * NX * NY * sizeof *m);
    double *p1 = malloc(nb * sizeof *p1), *pu1 = malloc(nb * sizeof *pu1), *p = malloc(nb * sizeof *p);
    ck_assert(base && m && p1 && pu1 && p);
    /* three plane-wave mixtures at |k| = 2 pi sqrt((4/2)^2 + (3/1.5)^2) = 17.8 rad/m, a hole in map 1 */
    for (int j = 0; j < NM; j++)
        for (int iy = 0; iy < NY; iy++)
            for (int ix = 0; ix < NX; ix++) {
                double x = 2.0 * ix / NX, y = 1.5 * iy / NY;
                base[(j * NY + iy) * NX + ix] = 1.0 + cos(2 * PI * (4 * x / 2.0 + 3 * y / 1.5) + j)
                                               + 0.5 * cos(2 * PI * (4 * x / 2.0 - 3 * y / 1.5) + 2 * j);
            }
    base[(1 * NY + 5) * NX + 7] = NAN;
    double k1, ku1;
    ck_assert_int_eq(gridform_scorer_population_spectrum(s, base, NM, 0, NULL, p1, &k1, NULL), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_population_spectrum(s, base, NM, GRIDFORM_SPECTRUM_UNIT_VARIANCE, NULL, pu1,
                                                         &ku1, NULL), GRIDFORM_OK);
    ck_assert_double_eq_tol(k1, 2 * PI * sqrt(8.0), 0.5 * dk);
    double top1 = 0.0, topu1 = 0.0;   /* the peaks: tolerances are relative to them */
    for (size_t b = 0; b < nb; b++) {
        top1 = fmax(top1, p1[b]);
        topu1 = fmax(topu1, pu1[b]);
    }
    const double scales[] = {1.2345e-150, 3e-100, 1e-20, 7.0, 1e20, 4.5e100, 1e150, 1e200, 1e-200, 1e300, 1e-300};
    for (size_t t = 0; t < sizeof scales / sizeof scales[0]; t++) {
        double c = scales[t], k;
        for (int i = 0; i < NM * NX * NY; i++)
            m[i] = base[i] * c;
        ck_assert_int_eq(gridform_scorer_population_spectrum(s, m, NM, GRIDFORM_SPECTRUM_UNIT_VARIANCE, NULL, p,
                                                             &k, NULL), GRIDFORM_OK);
        ck_assert_msg(fabs(k - ku1) <= 1e-12 * ku1, "scale %g: unit-variance ring %.17g, at 1: %.17g", c, k, ku1);
        for (size_t b = 0; b < nb; b++)
            ck_assert_msg(fabs(p[b] - pu1[b]) <= 1e-12 * topu1, "scale %g bin %zu: %.17g against %.17g", c, b, p[b],
                          pu1[b]);
        int rc = gridform_scorer_population_spectrum(s, m, NM, 0, NULL, p, &k, NULL);
        ck_assert_msg(fabs(k - k1) <= 1e-12 * k1, "scale %g: ring %.17g, at 1: %.17g", c, k, k1);
        if (c >= 1e-150 && c <= 1e150) {
            ck_assert_int_eq(rc, GRIDFORM_OK);
            for (size_t b = 0; b < nb; b++)
                ck_assert_msg(fabs(p[b] / c / c - p1[b]) <= 1e-12 * top1,
                              "scale %g bin %zu: %g / c^2 against %g", c, b, p[b], p1[b]);
        } else {   /* 1e+-400 and beyond: not a double */
            ck_assert_int_eq(rc, GRIDFORM_ERANGE);
            ck_assert_ptr_nonnull(strstr(gridform_scorer_last_error(s), "UNIT_VARIANCE"));
            ck_assert(isnan(p[1]));
        }
    }
    free(base);
    free(m);
    free(p1);
    free(pu1);
    free(p);
    gridform_scorer_destroy(s);
    gridform_arena_destroy(a);
}
END_TEST

/* The learner is covariant under a change of length unit: a box L times
 * larger with fields L times wider learns the same maps, with values
 * (1/m, unit norm) 1/L times smaller.  In double this holds to round-off
 * from 2.2e-100 m to 2.2e100 m (the objective scales as L^-2); single
 * precision is refused outside float's range (set_precision says ERANGE)
 * and accepted at the laboratory scale. */
START_TEST(test_learner_length_unit_covariance)
{
    enum { N = 32, NG = 8 };
    static double ref[NG * N * N], m[NG * N * N];
    const double Ls[] = {2.2, 2.2e-100, 2.2e-50, 2.2e-20, 2.2e20, 2.2e50, 2.2e100};
    double obj_ref = 0.0;
    /* Both the 0.2 scheme and the ETD integrator's arithmetic (at a fixed
     * step: with the control on, a rejection that one unit's rounding
     * triggers and another's does not changes the path beyond round-off). */
    for (int integ = GRIDFORM_INTEGRATOR_EXPONENTIAL; integ <= GRIDFORM_INTEGRATOR_ETD; integ++)
    for (size_t t = 0; t < sizeof Ls / sizeof Ls[0]; t++) {
        double L = Ls[t], tot;
        gridform_arena *a;
        gridform_placecode *pc;
        gridform_kernel *k;
        gridform_learner *l;
        ck_assert_int_eq(gridform_arena_create(&a, L, L, N, N, GRIDFORM_PERIODIC), GRIDFORM_OK);
        ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, 0.12 * L / 2.2, 2.0, 256,
                                                   GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_create(&l, k, NG), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_set_coupling(l, GRIDFORM_COUPLING_SANGER), GRIDFORM_OK);
        int in_float = L > 1e-3 && L < 1e3;
        ck_assert_int_eq(gridform_learner_set_precision(l, GRIDFORM_PRECISION_SINGLE),
                         in_float ? GRIDFORM_OK : GRIDFORM_ERANGE);
        ck_assert_int_eq(gridform_learner_set_precision(l, GRIDFORM_PRECISION_DOUBLE), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_set_integrator(l, integ), GRIDFORM_OK);
        if (integ == GRIDFORM_INTEGRATOR_ETD)
            ck_assert_int_eq(gridform_learner_set_step_control(l, 0), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_seed(l, 1, 1.0), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_iterate(l, 100), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_get_maps(l, m), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_objective(l, NULL, &tot), GRIDFORM_OK);
        if (t == 0) {
            for (size_t i = 0; i < NG * N * N; i++)
                ref[i] = m[i] * L;
            obj_ref = tot * L * L;
        } else {
            double worst = 0.0;
            for (size_t i = 0; i < NG * N * N; i++)
                worst = fmax(worst, fabs(m[i] * L - ref[i]));
            /* unit-norm maps times L are O(1): 1e-12 is round-off over 100 steps */
            ck_assert_msg(worst <= 1e-12, "L = %g m: max |g L - g_ref L_ref| = %g", L, worst);
            ck_assert_msg(fabs(tot * L * L - obj_ref) <= 1e-12 * obj_ref, "L = %g: objective L^2 %.17g, ref %.17g",
                          L, tot * L * L, obj_ref);
        }
        gridform_learner_destroy(l);
        gridform_kernel_destroy(k);
        gridform_placecode_destroy(pc);
        gridform_arena_destroy(a);
    }
}
END_TEST

/* The amplitude equations near the limits of double (found by a
 * fuzz_config campaign: mu = 1.5e287, gamma = 0, g0 = g1 = 2 mu gave an
 * Inf hexagon amplitude with GRIDFORM_OK; seed
 * tests/fuzz/corpus_config/regress_amplitude_huge_mu).  The fixed points
 * scale exactly: (k^2 mu, k gamma, g0, g1) has amplitudes k R and
 * (mu, m gamma, m^2 g0, m^2 g1) has R / m, with the same stability
 * (doc/theory.md §3).  Amplitudes beyond double are ERANGE. */
START_TEST(test_fuzz_amplitude_extreme_coefficients)
{
    gridform_amplitude *am;
    ck_assert_int_eq(gridform_amplitude_create(&am), GRIDFORM_OK);
    const double mu0 = 0.3, ga0 = 0.2, g00 = 1.0, g10 = 2.0;
    double Rref[3];
    int exref[3], stref[3];
    const int pats[3] = {GRIDFORM_PATTERN_STRIPES, GRIDFORM_PATTERN_HEXAGONS, GRIDFORM_PATTERN_HEXAGONS_PI};
    ck_assert_int_eq(gridform_amplitude_set_coefficients(am, mu0, ga0, g00, g10), GRIDFORM_OK);
    for (int p = 0; p < 3; p++) {
        ck_assert_int_eq(gridform_amplitude_stability(am, pats[p], &exref[p], &stref[p]), GRIDFORM_OK);
        ck_assert_int_eq(gridform_amplitude_fixed_point(am, pats[p], &Rref[p]), GRIDFORM_OK);
    }
    /* hexagons: S R^2 - gamma R - mu = 0 with S = g0 + 2 g1 = 5 */
    ck_assert_double_eq_tol(Rref[1], (ga0 + sqrt(ga0 * ga0 + 4 * mu0 * 5.0)) / 10.0, 1e-15);
    const double ks[] = {0x1p-500, 0x1p-300, 1e-100, 1e100, 0x1p300, 0x1p500};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++)
        for (int form = 0; form < 2; form++) {
            double k = ks[i];
            int rc = form == 0 ? gridform_amplitude_set_coefficients(am, k * k * mu0, k * ga0, g00, g10)
                               : gridform_amplitude_set_coefficients(am, mu0, k * ga0, k * k * g00, k * k * g10);
            if (!isfinite(k * k) || k * k == 0.0 || (form == 0 && !(k * k * mu0 > 0))) {
                continue;   /* the scaled coefficients themselves are not doubles */
            }
            ck_assert_int_eq(rc, GRIDFORM_OK);
            for (int p = 0; p < 3; p++) {
                int ex, st;
                double R;
                ck_assert_int_eq(gridform_amplitude_stability(am, pats[p], &ex, &st), GRIDFORM_OK);
                ck_assert_int_eq(ex, exref[p]);
                ck_assert_msg(st == stref[p], "k %g form %d pattern %d: stable %d, at k = 1 %d", k, form, pats[p], st,
                              stref[p]);
                ck_assert_int_eq(gridform_amplitude_fixed_point(am, pats[p], &R), GRIDFORM_OK);
                double want = form == 0 ? k * Rref[p] : Rref[p] / k;
                ck_assert_msg(fabs(R - want) <= 1e-14 * want, "k %g form %d pattern %d: R %.17g, want %.17g", k, form,
                              pats[p], R, want);
            }
        }
    /* the campaign's coefficients: R = sqrt(mu / S), finite */
    double mu = 0x1.f9d9d000f2608p+952, R;
    ck_assert_int_eq(gridform_amplitude_set_coefficients(am, mu, 0.0, 2 * mu, 2 * mu), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_fixed_point(am, GRIDFORM_PATTERN_HEXAGONS, &R), GRIDFORM_OK);
    ck_assert_double_eq_tol(R, sqrt(1.0 / 6.0), 1e-15);
    ck_assert_int_eq(gridform_amplitude_fixed_point(am, GRIDFORM_PATTERN_STRIPES, &R), GRIDFORM_OK);
    ck_assert_double_eq_tol(R, sqrt(0.5), 1e-15);
    /* beyond double: a stripe amplitude of 4.5e315, and an S that overflows */
    ck_assert_int_eq(gridform_amplitude_set_coefficients(am, 1e308, 0.0, 4.9e-324, 1.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_amplitude_fixed_point(am, GRIDFORM_PATTERN_STRIPES, &R), GRIDFORM_ERANGE);
    ck_assert_ptr_nonnull(strstr(gridform_amplitude_last_error(am), "gridform_amplitude_fixed_point"));
    ck_assert_int_eq(gridform_amplitude_set_coefficients(am, 1.0, 0.0, 1e308, 1e308), GRIDFORM_ERANGE);
    gridform_amplitude_destroy(am);
}
END_TEST

START_TEST(test_fuzz_attractor_tiny_output_interval)
{
    /* The fuzzer's crasher of round 0.3: an output interval dt below the
     * adaptive scheme's smallest step (1e-9 tau) made the first trial step
     * dt itself, which the run read as a step shrunk out of reach, so
     * iterate() failed with GRIDFORM_EACCURACY before any trial.  Such a dt
     * is legal; the run must reach t = n dt, and move the rates as far as
     * the flow says. */
    const double dts[] = {1e-13, 3.1070466278557549e-294};
    gridform_arena *ar;
    gridform_placecode *pc;
    gridform_kernel *k;
    ck_assert_int_eq(gridform_arena_create(&ar, 2.2, 2.2, 24, 24, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, ar, GRIDFORM_TUNING_DOG, 0.12, 2.0, 64,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    double r0[576], r1[576];
    for (size_t i = 0; i < sizeof dts / sizeof dts[0]; i++) {
        gridform_attractor *net;
        ck_assert_int_eq(gridform_attractor_create(&net, k), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_set_tau(net, 0.01), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_set_dt(net, dts[i]), GRIDFORM_OK);
        /* rates near the uniform state b = 1, where the residual's two
         * norms |r| and |phi(J r + b)| nearly agree (see below) */
        ck_assert_int_eq(gridform_attractor_seed(net, 3, 0.01), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_get_rates(net, r0), GRIDFORM_OK);
        for (size_t j = 0; j < 576; j++)
            r0[j] += 1.0;
        ck_assert_int_eq(gridform_attractor_set_rates(net, r0), GRIDFORM_OK);
        double res;
        ck_assert_int_eq(gridform_attractor_get_residual(net, &res), GRIDFORM_OK);
        int rc = gridform_attractor_iterate(net, 30);
        ck_assert_msg(rc == GRIDFORM_OK, "dt %g: %d %s", dts[i], rc, gridform_attractor_last_error(net));
        double t, num = 0, den = 0;
        ck_assert_int_eq(gridform_attractor_get_time(net, &t), GRIDFORM_OK);
        ck_assert_msg(fabs(t - 30 * dts[i]) <= 1e-12 * 30 * dts[i], "dt %g: t %g", dts[i], t);
        ck_assert_int_eq(gridform_attractor_get_rates(net, r1), GRIDFORM_OK);
        for (size_t j = 0; j < 576; j++) {
            ck_assert(isfinite(r1[j]));
            num += (r1[j] - r0[j]) * (r1[j] - r0[j]);
            den += r0[j] * r0[j];
        }
        /* dr/dt = (-r + phi(J*r + b)) / tau, whose size relative to the
         * larger of |r| and |phi| is the residual res: over 30 dt the rates
         * move by res 30 dt / tau times max(|r|, |phi|) / |r|, which lies
         * in [1, 1 / (1 - res)] since |phi| <= |r| + |phi - r| (to first
         * order; round-off for the subnormal-scale dt) */
        ck_assert_msg(res > 0 && res < 0.05, "dt %g: residual %g near the uniform state", dts[i], res);
        double moved = sqrt(num / den), want = res * 30 * dts[i] / 0.01;
        ck_assert_msg(moved <= 1.01 * want / (1.0 - res) + 1e-15 && (want < 1e-12 || moved >= 0.99 * want),
                      "dt %g: moved %g, want %g", dts[i], moved, want);
        gridform_attractor_destroy(net);
    }
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(ar);
}
END_TEST

START_TEST(test_fuzz_attractor_interval_in_tau)
{
    /* The fuzzer's timeout of round 0.3: tau = 2.9e-276 s with dt = 1.1e-4
     * s asked for 4e271 time constants per interval, at least 8 steps
     * each.  An interval above 1e4 tau is refused where the network steps
     * (so dt and tau may be set in either order); 1e4 tau itself runs. */
    gridform_arena *ar;
    gridform_placecode *pc;
    gridform_kernel *k;
    gridform_attractor *net;
    ck_assert_int_eq(gridform_arena_create(&ar, 2.2, 2.2, 16, 16, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, ar, GRIDFORM_TUNING_DOG, 0.12, 2.0, 64,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_create(&net, k), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_seed(net, 3, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_dt(net, 1.1e-4), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_tau(net, 2.9e-276), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(net, 3), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_attractor_last_error(net), "gridform_attractor_iterate"));
    ck_assert_ptr_nonnull(strstr(gridform_attractor_last_error(net), "time constants"));
    ck_assert_int_eq(gridform_attractor_run(net, 3, 1e-3, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_attractor_last_error(net), "gridform_attractor_run"));
    double t;
    ck_assert_int_eq(gridform_attractor_get_time(net, &t), GRIDFORM_OK);
    ck_assert(t == 0.0);
    /* set in the other order: just above the bound refused, at it
     * accepted (zero intervals: the check, not 8e4 steps), and a
     * reasonable ratio runs to t = dt */
    ck_assert_int_eq(gridform_attractor_set_tau(net, 1e-6), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_dt(net, 1.0001e-2), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(net, 0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_set_dt(net, 1e-2), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(net, 0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_dt(net, 1e-5), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(net, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_time(net, &t), GRIDFORM_OK);
    ck_assert_double_eq_tol(t, 1e-5, 1e-18);
    gridform_attractor_destroy(net);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(ar);
}
END_TEST

START_TEST(test_fuzz_round3_overflow)
{
    /* Three finds of fuzzing whole configurations in round 0.3, each a
     * value beyond a type's range returned with GRIDFORM_OK. */
    gridform_arena *ar;
    gridform_placecode *pc;
    gridform_kernel *k;
    ck_assert_int_eq(gridform_arena_create(&ar, 2.2, 2.2, 16, 16, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, ar, GRIDFORM_TUNING_DOG, 0.12, 2.0, 64,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    /* (1) the 0.2 TANH step g <- (r/c) tanh(c g / r) with c = 7.7e151 in
     * single precision: r/c underflowed float, the maps became 0 and then
     * NaN.  Now finite, unit norm, and equal to the double run's maps
     * (c this large makes the step sign(g), the same in both). */
    double maps[2][2 * 256];
    for (int prec = 0; prec < 2; prec++) {
        gridform_learner *l;
        ck_assert_int_eq(gridform_learner_create(&l, k, 2), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_EXPONENTIAL), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_set_nonlinearity(l, GRIDFORM_NL_TANH, 7.6776353726176792e151), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_set_precision(l, prec ? GRIDFORM_PRECISION_SINGLE : GRIDFORM_PRECISION_DOUBLE),
                         GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_seed(l, 5, 1.0), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_iterate(l, 2), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_get_maps(l, maps[prec]), GRIDFORM_OK);
        for (int j = 0; j < 2; j++) {
            double ss = 0;
            for (size_t i = 0; i < 256; i++) {
                ck_assert(isfinite(maps[prec][j * 256 + i]));
                ss += maps[prec][j * 256 + i] * maps[prec][j * 256 + i];
            }
            ck_assert_double_eq_tol(ss * (2.2 * 2.2 / 256), 1.0, 1e-5);
        }
        gridform_learner_destroy(l);
    }
    for (size_t i = 0; i < 2 * 256; i++)
        ck_assert_double_eq_tol(maps[0][i], maps[1][i], 1e-5);
    /* (1b) a single-precision learner seeded or set beyond float held Inf
     * maps: now ERANGE, also for maps held when switching to single */
    {
        gridform_learner *l;
        ck_assert_int_eq(gridform_learner_create(&l, k, 2), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_set_precision(l, GRIDFORM_PRECISION_SINGLE), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_seed(l, 1, 1e100), GRIDFORM_ERANGE);
        ck_assert_int_eq(gridform_learner_seed(l, 1, 1e-100), GRIDFORM_ERANGE);
        for (size_t i = 0; i < 2 * 256; i++)
            maps[0][i] = 1.0;
        maps[0][3] = 1e39;
        ck_assert_int_eq(gridform_learner_set_maps(l, maps[0]), GRIDFORM_ERANGE);
        ck_assert_ptr_nonnull(strstr(gridform_learner_last_error(l), "single precision"));
        ck_assert_int_eq(gridform_learner_set_precision(l, GRIDFORM_PRECISION_DOUBLE), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_set_maps(l, maps[0]), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_set_precision(l, GRIDFORM_PRECISION_SINGLE), GRIDFORM_ERANGE);
        for (size_t i = 0; i < 2 * 256; i++)
            maps[0][i] = 1e-35;
        ck_assert_int_eq(gridform_learner_set_maps(l, maps[0]), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_set_precision(l, GRIDFORM_PRECISION_SINGLE), GRIDFORM_ERANGE);
        maps[0][0] = 1.0;
        maps[0][256] = 1.0;
        ck_assert_int_eq(gridform_learner_set_maps(l, maps[0]), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_set_precision(l, GRIDFORM_PRECISION_SINGLE), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_seed(l, 1, 1.0), GRIDFORM_OK);
        gridform_learner_destroy(l);
    }
    /* (2) a single-precision network seeded with an amplitude beyond
     * float held Inf rates: now ERANGE, and the same for rates handed in
     * and for a double network switched to single */
    gridform_attractor *net;
    ck_assert_int_eq(gridform_attractor_create(&net, k), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_precision(net, GRIDFORM_PRECISION_SINGLE), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_seed(net, 1, 1e39), GRIDFORM_ERANGE);
    ck_assert_ptr_nonnull(strstr(gridform_attractor_last_error(net), "single precision"));
    double rates[256];
    for (size_t i = 0; i < 256; i++)
        rates[i] = 1.0;
    rates[7] = 1e300;
    ck_assert_int_eq(gridform_attractor_set_rates(net, rates), GRIDFORM_ERANGE);
    ck_assert_int_eq(gridform_attractor_set_precision(net, GRIDFORM_PRECISION_DOUBLE), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_rates(net, rates), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_precision(net, GRIDFORM_PRECISION_SINGLE), GRIDFORM_ERANGE);
    int prec;
    ck_assert_int_eq(gridform_attractor_get_precision(net, &prec), GRIDFORM_OK);
    ck_assert_int_eq(prec, GRIDFORM_PRECISION_DOUBLE);
    gridform_attractor_destroy(net);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(ar);
}
END_TEST

/* ---- round 0.3, the fixes whose crasher inputs are now seeds in
 * tests/fuzz/corpus_config/regress_* ---- */

/* A Gaussian of height h and widths sx, sy (m) as a user tuning. */
typedef struct {
    double h, sx, sy;
} scaled_gauss;

static double scaled_gauss_fn(double dx, double dy, void *user)
{
    const scaled_gauss *g = user;
    double ax = dx / g->sx, ay = dy / g->sy;
    return g->h * exp(-0.5 * (ax * ax + ay * ay));
}

START_TEST(test_fuzz_radial_profile_huge_box)
{
    /* The continuum profile of a user tuning, |p~(k)|^2 / A with
     * p~ = dA sum h(r) e^{-ik.r}, in a box of 2^513 = 2.7e154 x 1 m
     * (dA = 1.7e152 m^2): p~ squared overflowed and
     * gridform_kernel_radial_profile returned Inf with GRIDFORM_OK (found
     * by fuzz_config; fixed by dividing by sqrt(A) before squaring).  A
     * tuning scaled by 2^m has a profile scaled by exactly 2^2m. */
    gridform_arena *a;
    gridform_placecode *pc;
    gridform_kernel *k;
    const double lx = 0x1p513;
    ck_assert_int_eq(gridform_arena_create(&a, lx, 1.0, 8, 8, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, 0.1, 2.0, 16, GRIDFORM_CENTERS_LATTICE,
                                               1), GRIDFORM_OK);
    scaled_gauss g = {1.0, 0.1 * lx, 0.1};
    ck_assert_int_eq(gridform_placecode_set_tuning_fn(pc, scaled_gauss_fn, &g), GRIDFORM_OK);
    const double km[3] = {0.0, 1e-154, 3e-154};
    double base[3], got[3], spec[8 * 5];
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_radial_profile(k, km, 3, base), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_spectrum(k, spec), GRIDFORM_OK);
    /* at k = 0 the continuum is the lattice's Sigma~(0) (not centred) */
    ck_assert_double_eq_tol(base[0], spec[0], 1e-12 * spec[0]);
    ck_assert(base[0] > 1e151 && base[0] < 1e153);
    ck_assert(base[1] > 0.5 * base[0] && base[1] < base[0] && base[2] > 0.0 && base[2] < base[1]);
    gridform_kernel_destroy(k);
    /* x 2^250: a value of 3.5e302 (|p~|^2 = 9e456 overflowed); x 2^258:
     * 2.3e307, above DBL_MAX / 16 (the sum of the 16 directions before the
     * division by 16 overflowed, GRIDFORM_ERANGE for a representable mean) */
    static const int m[2] = {250, 258};
    for (int i = 0; i < 2; i++) {
        g.h = ldexp(1.0, m[i]);
        ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
        int rc = gridform_kernel_radial_profile(k, km, 3, got);
        ck_assert_msg(rc == GRIDFORM_OK, "tuning x 2^%d: %s", m[i], gridform_kernel_last_error(k));
        for (int j = 0; j < 3; j++)
            ck_assert_msg(got[j] == ldexp(base[j], 2 * m[i]), "tuning x 2^%d, k = %g: %.17g, want %.17g", m[i],
                          km[j], got[j], ldexp(base[j], 2 * m[i]));
        gridform_kernel_destroy(k);
    }
    /* Not representable: an EXACT kernel's lattice spectrum (16 cells'
     * P P^T / np) lies 3e-5 below the uniform limit, so a height can be
     * chosen whose kernel is representable (Sigma~(0) just below DBL_MAX)
     * while its continuum at k = 0 (1 + 2e-5 times DBL_MAX) is not:
     * ERANGE there, with a message; OK at k = 1e-154 (0.965 of it). */
    g.h = sqrt(DBL_MAX / base[0]) * (1.0 + 1e-5);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_EXACT), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_spectrum(k, spec), GRIDFORM_OK);
    ck_assert(isfinite(spec[0]) && spec[0] > 0.999 * DBL_MAX);
    double v = -1.0;
    ck_assert_int_eq(gridform_kernel_radial_profile(k, km + 1, 1, &v), GRIDFORM_OK);
    ck_assert(isfinite(v) && v > 0.9 * DBL_MAX);
    ck_assert_int_eq(gridform_kernel_radial_profile(k, km, 1, &v), GRIDFORM_ERANGE);
    ck_assert_ptr_nonnull(strstr(gridform_kernel_last_error(k), "gridform_kernel_radial_profile"));
    ck_assert_ptr_nonnull(strstr(gridform_kernel_last_error(k), "not representable"));
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

START_TEST(test_fuzz_spectrum_mirror_near_dbl_max)
{
    /* gridform_kernel_create_spectrum averages each mirror pair (k, -k) of
     * columns 0 and nx/2; (a + b) / 2 overflowed for values near DBL_MAX
     * and gridform_kernel_spectrum returned -Inf with GRIDFORM_OK (found by
     * fuzz_config, tests/fuzz/corpus_config/regress_kernel_spectrum_self_mirror).
     * Now a / 2 + b / 2.  (1) The crasher: a 2 x 2 arena of 0.05 m whose
     * bin 2 (row 1, column 0, its own mirror) is -1.5e308. */
    gridform_arena *a;
    gridform_kernel *k;
    ck_assert_int_eq(gridform_arena_create(&a, 0.05, 0.05, 2, 2, GRIDFORM_PERIODIC), GRIDFORM_OK);
    const double s4[4] = {0.0063415030279849252, 2.4273338831522428e-10, -1.5121771663841832e+308,
                          1.0649826730445193e-25};
    double got[12];
    ck_assert_int_eq(gridform_kernel_create_spectrum(&k, a, s4), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_spectrum(k, got), GRIDFORM_OK);
    for (int b = 0; b < 4; b++)   /* every bin of a 2 x 2 lattice is its own mirror */
        ck_assert_msg(got[b] == s4[b], "Sigma~[%d] = %.17g, want %.17g", b, got[b], s4[b]);
    /* its real-space kernel (sums of such values) is not representable:
     * the continuum profile says so instead of returning NaN */
    double kk = 100.0, v;
    ck_assert_int_eq(gridform_kernel_radial_profile(k, &kk, 1, &v), GRIDFORM_ERANGE);
    ck_assert_ptr_nonnull(strstr(gridform_kernel_last_error(k), "not representable"));
    gridform_kernel_destroy(k);
    gridform_arena_destroy(a);
    /* (2) 4 x 4 points on 1e4 m: bin 6 (row 2, column 0) is its own
     * mirror at 0.9 DBL_MAX; bins 5 and 11 (rows 1 and 3 of column
     * nx/2 = 2) are a pair near 0.8 DBL_MAX two ulps apart, within the
     * mirror tolerance; the rest small, with equal mirrors. */
    ck_assert_int_eq(gridform_arena_create(&a, 1e4, 1e4, 4, 4, GRIDFORM_PERIODIC), GRIDFORM_OK);
    double s[12];
    for (int b = 0; b < 12; b++)
        s[b] = 1e-3 * (b + 1);
    for (int r = 1; r < 4; r++) {
        s[r * 3] = s[((4 - r) % 4) * 3];
        s[r * 3 + 2] = s[((4 - r) % 4) * 3 + 2];
    }
    s[6] = 0.9 * DBL_MAX;
    s[5] = 0.8 * DBL_MAX;
    s[11] = nextafter(nextafter(s[5], 0.0), 0.0);
    const double avg = 0.5 * s[5] + 0.5 * s[11];
    ck_assert(isfinite(avg) && avg < s[5] && avg > s[11]);
    ck_assert_int_eq(gridform_kernel_create_spectrum(&k, a, s), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_spectrum(k, got), GRIDFORM_OK);
    for (int b = 0; b < 12; b++) {
        double want = (b == 5 || b == 11) ? avg : s[b];
        ck_assert_msg(got[b] == want, "Sigma~[%d] = %.17g, want %.17g", b, got[b], want);
    }
    /* the kernel is usable: its profile and its action on a map are finite */
    const double km[2] = {1.0, 3.0};
    double prof[2], in[16], out[16];
    ck_assert_int_eq(gridform_kernel_radial_profile(k, km, 2, prof), GRIDFORM_OK);
    ck_assert(isfinite(prof[0]) && isfinite(prof[1]));
    for (int i = 0; i < 16; i++)
        in[i] = (double)(i % 3) - 1.0;
    ck_assert_int_eq(gridform_kernel_apply(k, in, out, 1), GRIDFORM_OK);
    for (int i = 0; i < 16; i++)
        ck_assert(isfinite(out[i]));
    gridform_kernel_destroy(k);
    gridform_arena_destroy(a);
}
END_TEST

START_TEST(test_fuzz_learner_soft_subnormal_norm)
{
    /* The fixed-step SOFT update of a map penalised to 1e-161 of itself:
     * a SPECTRUM kernel on 2 x 2 points of 0.05 m holding only the
     * constant mode, one map seeded at 1e-6, Sanger, Euler at its limit
     * dt = 141.5, strength 7.7e151 (tests/fuzz/corpus_config/
     * regress_learner_soft_huge_strength).  The negative map times
     * 1 / (1 + 2 c dt) = 4.6e-155 has a subnormal sum of squares s2:
     * 1 / sqrt(s2 dA) was Inf and the maps -Inf with GRIDFORM_OK; after
     * that fix, s2's lost precision left the map with norm 0.96, not 1.
     * Now the norm comes from scaled values: the step returns the unit
     * constant map -1 / sqrt(A) = -20 (the seed's mean is negative). */
    gridform_arena *a;
    gridform_kernel *k;
    const double spec[4] = {0.0070659013725337273, 0.0, 0.0, 0.0};
    ck_assert_int_eq(gridform_arena_create(&a, 0.05, 0.05, 2, 2, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create_spectrum(&k, a, spec), GRIDFORM_OK);
    for (int cp = GRIDFORM_COUPLING_INDEPENDENT; cp <= GRIDFORM_COUPLING_SYMMETRIC; cp++)
        for (int prec = GRIDFORM_PRECISION_DOUBLE; prec <= GRIDFORM_PRECISION_SINGLE; prec++) {
            gridform_learner *l;
            ck_assert_int_eq(gridform_learner_create(&l, k, 1), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_set_nonlinearity(l, GRIDFORM_NL_SOFT, 7.6773044057566272e151),
                             GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_set_coupling(l, cp), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_EULER), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_set_precision(l, prec), GRIDFORM_OK);
            double dt, t, g[4];
            const double tol = prec == GRIDFORM_PRECISION_SINGLE ? 1e-5 : 1e-12;
            size_t steps;
            ck_assert_int_eq(gridform_learner_get_step(l, &dt), GRIDFORM_OK);
            ck_assert_double_eq_tol(dt, 141.52476057579258, 1e-9);
            ck_assert_int_eq(gridform_learner_seed(l, 0, 1e-6), GRIDFORM_OK);
            int rc = gridform_learner_iterate(l, 1);
            ck_assert_msg(rc == GRIDFORM_OK, "coupling %d precision %d: %s", cp, prec, gridform_learner_last_error(l));
            /* the whole step, not a halved one */
            ck_assert_int_eq(gridform_learner_get_time(l, &t, &steps), GRIDFORM_OK);
            ck_assert_double_eq_tol(t, dt, 1e-12 * dt);
            ck_assert_int_eq(gridform_learner_get_maps(l, g), GRIDFORM_OK);
            double nrm = 0.0;
            for (int i = 0; i < 4; i++) {
                ck_assert_msg(isfinite(g[i]), "coupling %d precision %d: g[%d] = %g", cp, prec, i, g[i]);
                ck_assert_double_eq_tol(g[i], -20.0, tol);
                nrm += g[i] * g[i] * (0.05 * 0.05 / 4);
            }
            ck_assert_double_eq_tol(nrm, 1.0, 0.1 * tol);
            /* and as the fuzzer ran it on: a run of one step to 1e-8 */
            rc = gridform_learner_run(l, 1, 1e-8, NULL, NULL);
            ck_assert_msg(rc == GRIDFORM_OK || rc == GRIDFORM_CONTINUE, "run: %s", gridform_learner_last_error(l));
            ck_assert_int_eq(gridform_learner_get_maps(l, g), GRIDFORM_OK);
            for (int i = 0; i < 4; i++)
                ck_assert_double_eq_tol(g[i], -20.0, tol);
            gridform_learner_destroy(l);
        }
    gridform_kernel_destroy(k);
    gridform_arena_destroy(a);
}
END_TEST

/* ---- the stationarity residual at the limits of double ----
 * gridform_learner_get_residual returned GRIDFORM_OK with Inf (found by
 * tests/fuzz/fuzz_config.c): its sum of squares overflowed for a spectrum
 * of 1e200 (a box of 1e-100 m; a spectrum of 1e-200 underflowed to a
 * residual of 0 instead), and for a SOFT or TANH strength beyond about
 * 1e150 max Sigma~, whose residual is still a double.  The residual is
 * relative to max |Sigma~| (doc/theory.md §2.7), so the same maps on a
 * spectrum scaled by 1e200 or 1e-200 must give the same number, under
 * every integrator, and the active-set integrator must step there too
 * (its Lanczos sums overflowed and underflowed the same way). */
static void residual_fixture(gridform_arena **a, double **spec, size_t *nf)
{
    gridform_placecode *pc;
    gridform_kernel *k;
    ck_assert_int_eq(gridform_arena_create(a, 1.0, 1.0, 16, 16, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, *a, GRIDFORM_TUNING_DOG, 0.12, 2.0, 1, GRIDFORM_CENTERS_LATTICE, 1),
                     GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    ck_assert_int_eq(gridform_arena_get_nfreq(*a, nf), GRIDFORM_OK);
    *spec = malloc(*nf * sizeof **spec);
    ck_assert_ptr_nonnull(*spec);
    ck_assert_int_eq(gridform_kernel_spectrum(k, *spec), GRIDFORM_OK);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
}

static void residual_maps(double *g)
{
    for (int i = 0; i < 2 * 256; i++)
        g[i] = sin(0.37 * i) + 0.3 * cos(1.3 * i * i);
}

START_TEST(test_fuzz_learner_residual_spectrum_scale)
{
    gridform_arena *a;
    double *spec, g[2 * 256];
    size_t nf;
    residual_fixture(&a, &spec, &nf);
    residual_maps(g);
    double *scaled = malloc(nf * sizeof *scaled);
    ck_assert_ptr_nonnull(scaled);
    const double scales[3] = {1.0, 1e200, 1e-200};
    for (int integ = GRIDFORM_INTEGRATOR_EULER; integ <= GRIDFORM_INTEGRATOR_ACTIVE_SET; integ++) {
        double ref0 = 0.0, ref3 = 0.0;
        for (int si = 0; si < 3; si++) {
            for (size_t i = 0; i < nf; i++)
                scaled[i] = spec[i] * scales[si];
            gridform_kernel *k;
            gridform_learner *l;
            ck_assert_int_eq(gridform_kernel_create_spectrum(&k, a, scaled), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_create(&l, k, 2), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_set_integrator(l, integ), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_set_maps(l, g), GRIDFORM_OK);
            double r0 = NAN, r3 = NAN;
            int rc = gridform_learner_get_residual(l, &r0);
            ck_assert_msg(rc == GRIDFORM_OK, "integrator %d scale %g: %s", integ, scales[si],
                          gridform_learner_last_error(l));
            rc = gridform_learner_iterate(l, 3);
            ck_assert_msg(rc == GRIDFORM_OK, "integrator %d scale %g: iterate: %s", integ, scales[si],
                          gridform_learner_last_error(l));
            /* after ETD and active-set steps, the residual the step computed */
            ck_assert_int_eq(gridform_learner_get_residual(l, &r3), GRIDFORM_OK);
            if (si == 0) {
                /* the unscaled residual of these maps: O(1), and smaller after 3 steps */
                ck_assert_msg(r0 > 0.05 && r0 < 1.0 && r3 > 0.0 && r3 < r0, "integrator %d: %g, %g", integ, r0, r3);
                ref0 = r0;
                ref3 = r3;
            } else {
                /* scaling Sigma by s scales the default step by 1/s: the same
                 * maps, to round-off of the scaled spectrum */
                ck_assert_msg(fabs(r0 - ref0) <= 1e-13 * ref0, "integrator %d scale %g: seed residual %.17g, not %.17g",
                              integ, scales[si], r0, ref0);
                ck_assert_msg(fabs(r3 - ref3) <= 1e-10 * ref3, "integrator %d scale %g: residual %.17g, not %.17g",
                              integ, scales[si], r3, ref3);
            }
            gridform_learner_destroy(l);
            gridform_kernel_destroy(k);
        }
    }
    free(scaled);
    free(spec);
    gridform_arena_destroy(a);
}
END_TEST

/* The residual of penalty-dominated maps, computed here from its
 * definition (doc/theory.md §2.7): with x_j the unit maps and p the
 * penalty's gradient per unit strength (2 min(x, 0) for SOFT, x -
 * tanh(x ra) / ra for TANH, ra = 16 the root of the bin count), the force
 * is Sigma x - c p, and for c >> max Sigma~ the residual is c max_j
 * |p_j - <x_j, p_j> x_j| / max |Sigma~| to a relative 1e-200. */
static double penalty_residual(const double *g, int nl, double smag)
{
    double worst = 0.0;
    for (int j = 0; j < 2; j++) {
        double x[256], p[256], nn = 0.0, xp = 0.0, rr = 0.0;
        for (int i = 0; i < 256; i++)
            nn += g[j * 256 + i] * g[j * 256 + i];
        for (int i = 0; i < 256; i++) {
            x[i] = g[j * 256 + i] / sqrt(nn);
            p[i] = nl == GRIDFORM_NL_SOFT ? (x[i] < 0.0 ? 2.0 * x[i] : 0.0) : x[i] - tanh(16.0 * x[i]) / 16.0;
            xp += x[i] * p[i];
        }
        for (int i = 0; i < 256; i++)
            rr += (p[i] - xp * x[i]) * (p[i] - xp * x[i]);
        worst = fmax(worst, sqrt(rr));
    }
    return worst / smag;
}

START_TEST(test_fuzz_learner_residual_huge_strength)
{
    gridform_arena *a;
    double *spec, g[2 * 256];
    size_t nf;
    residual_fixture(&a, &spec, &nf);
    residual_maps(g);
    double smag = 0.0;
    for (size_t i = 0; i < nf; i++)
        smag = fmax(smag, fabs(spec[i]));
    gridform_kernel *k;
    ck_assert_int_eq(gridform_kernel_create_spectrum(&k, a, spec), GRIDFORM_OK);
    for (int integ = GRIDFORM_INTEGRATOR_EULER; integ <= GRIDFORM_INTEGRATOR_ETD; integ++)
        for (int nl = GRIDFORM_NL_SOFT; nl <= GRIDFORM_NL_TANH; nl++) {
            gridform_learner *l;
            ck_assert_int_eq(gridform_learner_create(&l, k, 2), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_set_integrator(l, integ), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_set_maps(l, g), GRIDFORM_OK);
            /* 1e250: the residual near 1e250 / max Sigma~ = 1e251, whose
             * squares overflowed; 1e100: within range before the fix too */
            const double cs[2] = {1e100, 1e250};
            for (int ci = 0; ci < 2; ci++) {
                ck_assert_int_eq(gridform_learner_set_nonlinearity(l, nl, cs[ci]), GRIDFORM_OK);
                double r = NAN, want = cs[ci] * penalty_residual(g, nl, smag);
                int rc = gridform_learner_get_residual(l, &r);
                ck_assert_msg(rc == GRIDFORM_OK, "integrator %d nl %d strength %g: %s", integ, nl, cs[ci],
                              gridform_learner_last_error(l));
                ck_assert_msg(isfinite(r) && fabs(r - want) <= 1e-12 * want,
                              "integrator %d nl %d strength %g: residual %.17g, not %.17g", integ, nl, cs[ci], r,
                              want);
            }
            /* DBL_MAX: SOFT's force on a bin of -0.7 overflows (2 c x),
             * TANH's residual is c |...| / max Sigma~ > DBL_MAX: no number,
             * GRIDFORM_ERANGE, and a message that says so */
            double h[2 * 256];
            memcpy(h, g, sizeof h);
            h[3] = h[256 + 3] = -30.0;
            ck_assert_int_eq(gridform_learner_set_maps(l, h), GRIDFORM_OK);
            ck_assert_int_eq(gridform_learner_set_nonlinearity(l, nl, DBL_MAX), GRIDFORM_OK);
            double r = -1.0;
            ck_assert_int_eq(gridform_learner_get_residual(l, &r), GRIDFORM_ERANGE);
            ck_assert_double_eq(r, -1.0);   /* untouched */
            const char *msg = gridform_learner_last_error(l);
            ck_assert_msg(strstr(msg, "gridform_learner_get_residual") == msg && strstr(msg, "not representable"),
                          "%s", msg);
            gridform_learner_destroy(l);
        }
    gridform_kernel_destroy(k);
    free(spec);
    gridform_arena_destroy(a);
}
END_TEST

static Suite *regressions_suite(void)
{
    Suite *s = suite_create("regressions");
    TCase *tc = tcase_create("issue12");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_b1_user_tuning_nx_gt_ny, 0, (int)(sizeof b1_shapes / sizeof b1_shapes[0]));
    tcase_add_test(tc, test_b1_softmax_nx_gt_ny);
    tcase_add_test(tc, test_b2_softmax_attractor_message);
    tcase_add_test(tc, test_w1_scale_invariance);
    tcase_add_loop_test(tc, test_w2_dominant_k_lattice_cosines, 0, (int)(sizeof w2_boxes / sizeof w2_boxes[0]));
    tcase_add_loop_test(tc, test_w2_dominant_k_off_lattice, 0, (int)(sizeof w2_boxes / sizeof w2_boxes[0]));
    tcase_add_test(tc, test_w3_undefined_score_undefined_k);
    tcase_add_loop_test(tc, test_w4_linear_default_gain_diverges, 0, 2);
    tcase_add_test(tc, test_w4_relu_huge_gain_keeps_state_finite);
    tcase_add_loop_test(tc, test_w4_which_nonlinearities_form_patterns, 0, 4);
    tcase_add_test(tc, test_fuzz_arena_unrepresentable_box);
    tcase_add_test(tc, test_fuzz_kernel_softmax_huge_box);
    tcase_add_test(tc, test_fuzz_learner_objective_tiny_box);
    tcase_add_test(tc, test_population_spectrum_scale);
    tcase_add_test(tc, test_learner_length_unit_covariance);
    tcase_add_test(tc, test_fuzz_amplitude_extreme_coefficients);
    tcase_add_test(tc, test_fuzz_attractor_tiny_output_interval);
    tcase_add_test(tc, test_fuzz_attractor_interval_in_tau);
    tcase_add_test(tc, test_fuzz_round3_overflow);
    tcase_add_test(tc, test_fuzz_radial_profile_huge_box);
    tcase_add_test(tc, test_fuzz_spectrum_mirror_near_dbl_max);
    tcase_add_test(tc, test_fuzz_learner_soft_subnormal_norm);
    tcase_add_test(tc, test_fuzz_learner_residual_spectrum_scale);
    tcase_add_test(tc, test_fuzz_learner_residual_huge_strength);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(regressions_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
