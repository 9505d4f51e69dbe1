/* Tests for the null thresholds (issue 21): the rank rule, the surrogate
 * (shell powers against a direct DFT, mean, unvisited bins, determinism),
 * the false-positive rate of noise under the default threshold rule, the
 * ring acceptance of automatic annuli on white noise, a synthetic recording
 * against its shuffle null, and every error path. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"
#include "test_subset.h"

#define PI 3.14159265358979323846

/* Test data generator (splitmix64), independent of the library's PRNG. */
static uint64_t rng_state;
static double urand(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}
static double nrand(void)
{
    double u = 1 - urand(), v = urand();
    return sqrt(-2 * log(u)) * cos(2 * PI * v);
}

static gridform_scorer *mkscorer(size_t nx, size_t ny, double lx, double ly, int boundary)
{
    gridform_arena *a = NULL;
    gridform_scorer *s = NULL;
    ck_assert_int_eq(gridform_arena_create(&a, lx, ly, nx, ny, boundary), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_create(&s, a), GRIDFORM_OK);
    gridform_arena_destroy(a);
    return s;
}

/* Gaussian noise of n x n bins smoothed by a Gaussian of sd bins
 * (separable; circular for a periodic map, renormalised at the walls of a
 * walled one); sd = 0 leaves it white. */
static void noise_map(double *m, double *tmp, size_t n, double sd, int periodic)
{
    for (size_t i = 0; i < n * n; i++)
        m[i] = nrand();
    if (sd <= 0)
        return;
    long R = (long)ceil(4 * sd), N = (long)n;
    for (int pass = 0; pass < 2; pass++) {
        double *src = pass == 0 ? m : tmp, *dst = pass == 0 ? tmp : m;
        for (long y = 0; y < N; y++)
            for (long x = 0; x < N; x++) {
                double acc = 0, wsum = 0;
                for (long d = -R; d <= R; d++) {
                    long xx = pass == 0 ? x + d : x, yy = pass == 0 ? y : y + d;
                    if (periodic) {
                        xx = (xx + N) % N;
                        yy = (yy + N) % N;
                    } else if (xx < 0 || yy < 0 || xx >= N || yy >= N) {
                        continue;
                    }
                    double w = exp(-(double)(d * d) / (2 * sd * sd));
                    acc += w * src[yy * N + xx];
                    wsum += w;
                }
                dst[y * N + x] = acc / wsum;
            }
    }
}

/* Hexagonal rate map, spacing a, orientation theta, peak 1 and minimum 0
 * (rectified sum of three cosines), at position (x, y). */
static double hex_rate(double x, double y, double a, double theta)
{
    double k = 4 * PI / (sqrt(3.0) * a), g = 0;
    for (int j = 0; j < 3; j++) {
        double ang = theta + PI / 6 + j * 2 * PI / 3;
        g += cos(k * (cos(ang) * x + sin(ang) * y));
    }
    g = (g + 1.5) / 4.5;   /* [-1.5, 3] -> [0, 1] */
    return g * g * g;
}

START_TEST(test_threshold_rule)
{
    double v[101], t;
    for (int i = 0; i < 100; i++)
        v[i] = (double)(100 - i);   /* 100 .. 1, unsorted order */
    /* k = ceil(0.95 * 101) = 96: the 96th smallest of 1..100 */
    ck_assert_int_eq(gridform_null_threshold(v, 100, 95, &t), GRIDFORM_OK);
    ck_assert(t == 96);
    /* 99th percentile: k = ceil(0.99 * 101) = 100 */
    ck_assert_int_eq(gridform_null_threshold(v, 100, 99, &t), GRIDFORM_OK);
    ck_assert(t == 100);
    /* NaN skipped: 19 defined values of 20, k = ceil(0.95 * 20) = 19 */
    for (int i = 0; i < 19; i++)
        v[i] = (double)(i + 1);
    v[19] = NAN;
    ck_assert_int_eq(gridform_null_threshold(v, 20, 95, &t), GRIDFORM_OK);
    ck_assert(t == 19);
    /* 18 defined values have no 95th-percentile threshold */
    ck_assert_int_eq(gridform_null_threshold(v + 1, 19, 95, &t), GRIDFORM_EUNDEFINED);
    ck_assert(isnan(t));
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "need at least 19"));
    ck_assert_int_eq(gridform_null_threshold(v, 20, 100, &t), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_null_threshold(v, 20, 0, &t), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_null_threshold(v, 0, 95, &t), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_null_threshold(NULL, 20, 95, &t), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_null_threshold(v, 20, 95, NULL), GRIDFORM_EINVAL);
}
END_TEST

/* Power per radial shell (width 2 pi / min(lx, ly), centred on its
 * multiples) of a map with NaN as the mean, by a direct DFT. */
static void shell_power(const double *m, size_t nx, size_t ny, double lx, double ly, double *pw, size_t nsh)
{
    double mean = 0;
    size_t nv = 0;
    for (size_t i = 0; i < nx * ny; i++)
        if (!isnan(m[i])) {
            mean += m[i];
            nv++;
        }
    mean /= (double)nv;
    for (size_t b = 0; b < nsh; b++)
        pw[b] = 0;
    double dk = 2 * PI / (lx < ly ? lx : ly);
    for (size_t p = 0; p < ny; p++)
        for (size_t q = 0; q < nx; q++) {
            double re = 0, im = 0;
            for (size_t y = 0; y < ny; y++)
                for (size_t x = 0; x < nx; x++) {
                    double v = isnan(m[y * nx + x]) ? 0 : m[y * nx + x] - mean;
                    double ph = -2 * PI * ((double)(p * y) / (double)ny + (double)(q * x) / (double)nx);
                    re += v * cos(ph);
                    im += v * sin(ph);
                }
            double ky = 2 * PI * (double)(p <= ny / 2 ? (long)p : (long)p - (long)ny) / ly;
            double kx = 2 * PI * (double)(q <= nx / 2 ? (long)q : (long)q - (long)nx) / lx;
            /* The Nyquist column/row stand for +-k alike: fold onto the
             * non-negative side as the rfft lattice does. */
            if (nx % 2 == 0 && q == nx / 2) kx = fabs(kx);
            if (ny % 2 == 0 && p == ny / 2) ky = fabs(ky);
            size_t b = (size_t)floor(hypot(kx, ky) / dk + 0.5);
            ck_assert_uint_lt(b, nsh);
            pw[b] += re * re + im * im;
        }
}

START_TEST(test_surrogate_keeps_shells)
{
    /* 14 x 12 bins over 1.4 x 1.1 m (a rectangle), a hexagonal map with
     * three unvisited bins; periodic, where the surrogate lives on the
     * map's own lattice (walled: see test_surrogate_walled). */
    const size_t nx = 14, ny = 12, n = nx * ny, nsh = 32;
    const double lx = 1.4, ly = 1.1;
    gridform_scorer *s = mkscorer(nx, ny, lx, ly, GRIDFORM_PERIODIC);
    double m[168], out[168], out2[168], pa[32], pb[32];
    for (size_t iy = 0; iy < ny; iy++)
        for (size_t ix = 0; ix < nx; ix++)
            m[iy * nx + ix] = 2 + hex_rate(-lx / 2 + (ix + 0.5) * lx / nx, -ly / 2 + (iy + 0.5) * ly / ny, 0.45, 0.2);
    m[5] = m[40] = m[100] = NAN;
    ck_assert_int_eq(gridform_scorer_surrogate(s, m, 7, out), GRIDFORM_OK);
    double mean_m = 0, mean_o = 0, diff = 0;
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(isnan(m[i]), isnan(out[i]));
        if (!isnan(m[i])) {
            mean_m += m[i];
            mean_o += out[i];
            diff += fabs(out[i] - m[i]);
        }
    }
    /* The surrogate differs from the map (not a copy) ... */
    ck_assert(diff / 165 > 0.05);
    /* ... but with unvisited bins set to the mean, its spectrum per shell
     * is the map's: compare on the filled maps. */
    double fill_m[168], fill_o[168];
    double mm = mean_m / 165;
    for (size_t i = 0; i < n; i++) {
        fill_m[i] = isnan(m[i]) ? mm : m[i];
        fill_o[i] = isnan(m[i]) ? mm : out[i];
    }
    /* The surrogate sets the unvisited bins back to NaN, so its own filled
     * spectrum differs by their values; rebuild it without the NaN reset
     * through a map with no unvisited bins instead. */
    ck_assert_int_eq(gridform_scorer_surrogate(s, fill_m, 7, out2), GRIDFORM_OK);
    shell_power(fill_m, nx, ny, lx, ly, pa, nsh);
    shell_power(out2, nx, ny, lx, ly, pb, nsh);
    double total = 0;
    for (size_t b = 0; b < nsh; b++)
        total += pa[b];
    for (size_t b = 0; b < nsh; b++)
        ck_assert_msg(fabs(pa[b] - pb[b]) <= 1e-10 * total, "shell %zu: %g vs %g", b, pa[b], pb[b]);
    (void)fill_o;
    double mo = 0;
    for (size_t i = 0; i < n; i++)
        mo += out2[i];
    ck_assert_double_eq_tol(mo / (double)n, mm, 1e-12);
    /* The same seed gives the same surrogate, another seed another. */
    ck_assert_int_eq(gridform_scorer_surrogate(s, fill_m, 7, out), GRIDFORM_OK);
    ck_assert(memcmp(out, out2, sizeof out) == 0);
    ck_assert_int_eq(gridform_scorer_surrogate(s, fill_m, 8, out), GRIDFORM_OK);
    ck_assert(memcmp(out, out2, sizeof out) != 0);
    /* A map of NaN only has no surrogate. */
    for (size_t i = 0; i < n; i++)
        m[i] = NAN;
    ck_assert_int_eq(gridform_scorer_surrogate(s, m, 7, out), GRIDFORM_EUNDEFINED);
    ck_assert(isnan(out[0]));
    (void)mean_o;
    gridform_scorer_destroy(s);
}
END_TEST

/* Walled: the surrogate is drawn on the map's even extension (2 nx x 2 ny,
 * no jump between opposite walls) and cropped.  Smoothed noise of 24 x 20
 * bins (Gaussian of 2 bins, not periodic): over 100 surrogates the mean
 * squared neighbour difference (roughness) stays within 25% of the map's
 * and the variance within 15%; drawn on the map's own lattice (a periodic
 * scorer), the jumps between opposite walls become broadband power and the
 * surrogates are rougher by more than 25%, so the test can tell. */
static void surrogate_stats(int boundary, const double *m, size_t nx, size_t ny, double *rough, double *var)
{
    gridform_scorer *s = mkscorer(nx, ny, 1.2, 1.0, boundary);
    const size_t n = nx * ny;
    double *out = malloc(n * sizeof *out);
    *rough = *var = 0;
    for (uint64_t seed = 0; seed < 100; seed++) {
        ck_assert_int_eq(gridform_scorer_surrogate(s, m, seed, out), GRIDFORM_OK);
        const double *g = out;
        double mo = 0;
        for (size_t i = 0; i < n; i++)
            mo += g[i] / (double)n;
        for (size_t i = 0; i < n; i++)
            *var += (g[i] - mo) * (g[i] - mo) / (double)n / 100;
        for (size_t iy = 0; iy < ny; iy++)
            for (size_t ix = 0; ix + 1 < nx; ix++)
                *rough += pow(g[iy * nx + ix + 1] - g[iy * nx + ix], 2) / 100;
    }
    free(out);
    gridform_scorer_destroy(s);
}

START_TEST(test_surrogate_walled)
{
    const size_t nx = 24, ny = 20;
    double *m = malloc(nx * ny * sizeof *m), *tmp = malloc(24 * 24 * sizeof *tmp);
    double *big = malloc(24 * 24 * sizeof *big);
    rng_state = 31;
    noise_map(big, tmp, 24, 2.0, 0);
    for (size_t iy = 0; iy < ny; iy++)
        for (size_t ix = 0; ix < nx; ix++)
            m[iy * nx + ix] = big[iy * 24 + ix];
    double r0 = 0, v0 = 0, n = (double)(nx * ny);
    double mean = 0;
    for (size_t i = 0; i < nx * ny; i++)
        mean += m[i] / n;
    for (size_t i = 0; i < nx * ny; i++)
        v0 += (m[i] - mean) * (m[i] - mean) / n;
    for (size_t iy = 0; iy < ny; iy++)
        for (size_t ix = 0; ix + 1 < nx; ix++)
            r0 += pow(m[iy * nx + ix + 1] - m[iy * nx + ix], 2);
    double rw, vw, rp, vp;
    surrogate_stats(GRIDFORM_WALLED, m, nx, ny, &rw, &vw);
    surrogate_stats(GRIDFORM_PERIODIC, m, nx, ny, &rp, &vp);
    ck_assert_msg(fabs(rw / r0 - 1) < 0.25 && fabs(vw / v0 - 1) < 0.15, "walled: roughness %g vs %g, variance %g vs %g",
                  rw, r0, vw, v0);
    ck_assert_msg(rp / r0 > 1.25, "periodic: roughness %g vs %g", rp, r0);
    free(m);
    free(tmp);
    free(big);
}
END_TEST

START_TEST(test_surrogate_null_grid)
{
    /* A hexagonal 48 x 48 map passes its surrogate threshold by far; its
     * surrogates, which keep its ring of power but not its six directions,
     * score low. */
    const size_t n = 48;
    gridform_scorer *s = mkscorer(n, n, 1.0, 1.0, GRIDFORM_WALLED);
    double *m = malloc(n * n * sizeof *m), null60[100], score, thr, pop;
    for (size_t iy = 0; iy < n; iy++)
        for (size_t ix = 0; ix < n; ix++)
            m[iy * n + ix] = hex_rate(-0.5 + (ix + 0.5) / n, -0.5 + (iy + 0.5) / n, 0.3, 0.1);
    ck_assert_int_eq(gridform_scorer_surrogate_null(s, m, 1, 3, &score, null60, &thr, &pop, NULL, NULL),
                     GRIDFORM_OK);
    ck_assert(score > 1.0);
    /* Three waves at random directions in one shell sometimes fall near
     * 60 degrees apart: the null's tail is wide (0.72 here), its bulk low. */
    ck_assert(thr < 1.0 && score > thr + 0.5);
    ck_assert(pop == thr);   /* one map: the pooled null is its own */
    double mean = 0;
    for (int j = 0; j < 100; j++)
        mean += null60[j] / 100;
    /* the bulk of the null far below the map (walled: the even extension's
     * twelve mirrored peaks spread over its ring) */
    ck_assert_msg(mean < 0.5, "mean surrogate score %g", mean);
    /* deterministic */
    double null2[100];
    ck_assert_int_eq(gridform_scorer_surrogate_null(s, m, 1, 3, NULL, null2, NULL, NULL, NULL, NULL),
                     GRIDFORM_OK);
    ck_assert(memcmp(null60, null2, sizeof null2) == 0);
    free(m);
    gridform_scorer_destroy(s);
}
END_TEST

/* False-positive rates of noise under the defaults (default annuli, the
 * default threshold rule: each map against the 95th percentile of its own
 * surrogates).  The full table (at least 500 maps per condition, 100
 * surrogates each, 40^2, 50^2 and 64^2) is bench/null_rates.c's, in
 * BENCHMARKS.md.  Here, to stay fast: 40 x 40 maps, 40 maps per condition,
 * 19 surrogates each (the fewest the 95th percentile allows; the rule's
 * false-positive rate under exchangeability is 1/20 for any count), and
 * each rate must be at most 5% + 2 s.e. = 5% + 2 sqrt(0.05 0.95 / 40) =
 * 11.9%, i.e. at most 4 maps of 40; over all 240 maps, at most 5% + 2 s.e.
 * = 7.8%, i.e. 18 maps.  The fixed 0.3 rule passes 15-25% of the smoothed
 * maps (found while fixing issue 21), so the assertion can fail.
 * Under GRIDFORM_TEST_SUBSET (test_subset.h, CI's memcheck) 3 of the 6
 * conditions, every smoothing and both boundaries, each with its 4-of-40
 * bound; the two bounds over all 240 maps need the whole table and are
 * left to the other runs. */
START_TEST(test_noise_false_positives)
{
    const size_t n = 40, nmaps = 40;
    double *maps = malloc(nmaps * n * n * sizeof *maps), *tmp = malloc(n * n * sizeof *tmp);
    double score[40], thr[40];
    const double sds[3] = {0, 1, 2};
    size_t total = 0, over03 = 0;
    for (int periodic = 0; periodic <= 1; periodic++)
        for (int c = 0; c < 3; c++) {
            if (!gf_subset_row2((size_t)periodic, 2, (size_t)c, 3))
                continue;
            gridform_scorer *s = mkscorer(n, n, 1.0, 1.0, periodic ? GRIDFORM_PERIODIC : GRIDFORM_WALLED);
            ck_assert_int_eq(gridform_scorer_set_null(s, 19, 95, 20), GRIDFORM_OK);
            rng_state = 1000 + 10 * (uint64_t)periodic + (uint64_t)c;
            for (size_t m = 0; m < nmaps; m++)
                noise_map(maps + m * n * n, tmp, n, sds[c], periodic);
            ck_assert_int_eq(gridform_scorer_surrogate_null(s, maps, nmaps, 5, score, NULL, thr, NULL, NULL, NULL),
                             GRIDFORM_OK);
            size_t pass = 0;
            for (size_t m = 0; m < nmaps; m++) {
                pass += score[m] > thr[m];
                over03 += score[m] > 0.3;
            }
            ck_assert_msg(pass <= 4, "%s noise smoothed at %g bins: %zu of 40 pass", periodic ? "periodic" : "walled",
                          sds[c], pass);
            total += pass;
            gridform_scorer_destroy(s);
        }
    if (!gf_subset()) {
        ck_assert_msg(total <= 18, "%zu of 240 noise maps pass", total);
        /* the fixed rule would not do */
        ck_assert_msg(over03 > 18, "only %zu of 240 noise maps above 0.3", over03);
    }
    free(maps);
    free(tmp);
}
END_TEST

/* Automatic annuli on white noise (issue 21): 6 of 100 white-noise 64 x 64
 * periodic maps scored above 0.3 (up to 1.26) through annuli of a few bins
 * around noise peaks.  Now a ring must stand 3 standard deviations above
 * the SAC's noise: no map above 0.3, and every map falls back. */
START_TEST(test_auto_annuli_white_noise)
{
    const size_t n = 64, nmaps = 100;
    gridform_scorer *s = mkscorer(n, n, 1.0, 1.0, GRIDFORM_PERIODIC);
    double *maps = malloc(nmaps * n * n * sizeof *maps), score[100];
    rng_state = 77;
    for (size_t i = 0; i < nmaps * n * n; i++)
        maps[i] = nrand();
    ck_assert_int_eq(gridform_scorer_score(s, maps, nmaps, score, NULL, NULL, NULL), GRIDFORM_OK);
    double mx = -1;
    for (size_t m = 0; m < nmaps; m++)
        mx = fmax(mx, score[m]);
    ck_assert_msg(mx <= 0.3, "max white-noise score %g", mx);
    size_t nfb;
    ck_assert_int_eq(gridform_scorer_get_fallback_count(s, &nfb), GRIDFORM_OK);
    ck_assert_uint_ge(nfb, 95);
    /* A noisy grid still gets its own annuli: hexagonal, spacing 0.2 m,
     * plus white noise of the same variance. */
    for (size_t iy = 0; iy < n; iy++)
        for (size_t ix = 0; ix < n; ix++)
            maps[iy * n + ix] = 6 * hex_rate(-0.5 + (ix + 0.5) / n, -0.5 + (iy + 0.5) / n, 0.2, 0.3) + 0.5 * nrand();
    int src;
    ck_assert_int_eq(gridform_scorer_score_annuli(s, maps, 1, score, NULL, NULL, &src), GRIDFORM_OK);
    ck_assert_int_eq(src, GRIDFORM_ANNULI_AUTO);
    ck_assert(score[0] > 1.0);
    free(maps);
    gridform_scorer_destroy(s);
}
END_TEST

/* A random walk of npos samples every dt seconds in an L x L box (speed
 * 0.25 m/s, heading diffusing, reflected at the walls). */
static void random_walk(double *xy, size_t npos, double dt, double L)
{
    double x = 0, y = 0, h = 0;
    for (size_t t = 0; t < npos; t++) {
        h += 0.6 * nrand() * sqrt(dt) * 3;
        double nxp = x + 0.25 * dt * cos(h), nyp = y + 0.25 * dt * sin(h);
        if (fabs(nxp) > 0.5 * L - 1e-6) {
            h = PI - h;
            nxp = x;
        }
        if (fabs(nyp) > 0.5 * L - 1e-6) {
            h = -h;
            nyp = y;
        }
        x = nxp;
        y = nyp;
        xy[2 * t] = x;
        xy[2 * t + 1] = y;
    }
}

/* Poisson counts with mean lambda (Knuth's product of uniforms; lambda is
 * small here). */
static double poisson(double lambda)
{
    double l = exp(-lambda), p = 1;
    int k = 0;
    do {
        k++;
        p *= urand();
    } while (p > l);
    return (double)(k - 1);
}

/* "Shuffle null from a synthetic recording" (issue 21): a grid cell on a
 * 15-minute random walk at 50 Hz (Poisson spikes, peak 15 Hz, spacing
 * 0.4 m, 1 m box, 20 x 20 bins) passes its own 95th-percentile shuffle
 * threshold (default 100 shuffles, lags >= 20 s); 100 copies of its spike
 * train, each shifted by a random lag of at least 20 s (the cell
 * shuffled), pass their own thresholds (19 shuffles each) at about 5%: at most 5% + 2 s.e. =
 * 5% + 2 sqrt(0.05 0.95 / 100) = 9.4%, i.e. 9 of 100, and at least 1 (so
 * the rule is not vacuous: P(0 of 100 | 5%) = 0.6%). */
START_TEST(test_shuffle_synthetic_recording)
{
    const double dt = 0.02, L = 1.0;
    const size_t npos = 45000, ncopies = 100;
    gridform_scorer *s = mkscorer(20, 20, L, L, GRIDFORM_WALLED);
    double *xy = malloc(2 * npos * sizeof *xy), *spk = malloc(npos * sizeof *spk);
    double *act = malloc(npos * ncopies * sizeof *act);
    rng_state = 2021;
    random_walk(xy, npos, dt, L);
    for (size_t t = 0; t < npos; t++)
        spk[t] = poisson(15 * dt * hex_rate(xy[2 * t], xy[2 * t + 1], 0.4, 0.25));
    double score, thr, pop, null60[100];
    ck_assert_int_eq(gridform_scorer_shuffle_null(s, xy, npos, dt, spk, 1, 11, &score, null60, &thr, &pop, NULL,
                                                  NULL),
                     GRIDFORM_OK);
    ck_assert_msg(score > thr + 0.3, "grid cell %g vs threshold %g", score, thr);
    ck_assert(score > 0.8);
    ck_assert(pop == thr);
    /* The cell shuffled: copy c is the spike train shifted by a lag in
     * [20 s, T - 20 s]. */
    const size_t lo = 1000;
    for (size_t c = 0; c < ncopies; c++) {
        size_t shift = lo + (size_t)(urand() * (double)(npos - 2 * lo));
        for (size_t t = 0; t < npos; t++)
            act[t * ncopies + c] = spk[(t + shift) % npos];
    }
    double *sc = malloc(ncopies * sizeof *sc), *th = malloc(ncopies * sizeof *th);
    /* 19 shuffles each (the rule's rate is 1/20 for any count; fewer
     * keeps the test fast under valgrind) */
    ck_assert_int_eq(gridform_scorer_set_null(s, 19, 95, 20), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_shuffle_null(s, xy, npos, dt, act, ncopies, 12, sc, NULL, th, &pop, NULL,
                                                  NULL),
                     GRIDFORM_OK);
    size_t pass = 0, passpop = 0;
    for (size_t c = 0; c < ncopies; c++) {
        pass += sc[c] > th[c];
        passpop += sc[c] > pop;
    }
    ck_assert_msg(pass >= 1 && pass <= 9, "%zu of 100 shuffled cells pass their own threshold", pass);
    ck_assert_msg(passpop >= 1 && passpop <= 9, "%zu of 100 shuffled cells pass the population threshold", passpop);
    free(sc);
    free(th);
    free(xy);
    free(spk);
    free(act);
    gridform_scorer_destroy(s);
}
END_TEST

static int cancel_at_3(size_t done, size_t total, double value, void *user)
{
    (void)total;
    (void)value;
    *(size_t *)user = done;
    return done >= 3;
}

START_TEST(test_errors)
{
    gridform_scorer *s = mkscorer(16, 16, 1.0, 1.0, GRIDFORM_WALLED);
    size_t ns;
    double p, lag;
    ck_assert_int_eq(gridform_scorer_get_null(s, &ns, &p, &lag), GRIDFORM_OK);
    ck_assert_uint_eq(ns, 100);
    ck_assert(p == 95 && lag == 20);
    /* too few shuffles */
    ck_assert_int_eq(gridform_scorer_set_null(s, 18, 95, 20), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_scorer_last_error(s), "too few"));
    ck_assert_int_eq(gridform_scorer_set_null(s, 98, 99, 20), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_null(s, 99, 99, 20), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_set_null(s, 100, 100, 20), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_null(s, 100, NAN, 20), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_null(s, 100, 95, -1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_null(s, 100, 95, INFINITY), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_get_null(s, &ns, &p, &lag), GRIDFORM_OK);
    ck_assert(ns == 99 && p == 99 && lag == 20);   /* failures changed nothing */
    ck_assert_int_eq(gridform_scorer_set_null(s, 20, 95, 20), GRIDFORM_OK);
    /* a trajectory shorter than twice the minimum lag: 1999 samples of
     * 0.02 s = 39.98 s < 40 s */
    const size_t npos = 2500;
    double *xy = calloc(2 * npos, sizeof *xy), *act = calloc(npos, sizeof *act), sc, thr;
    for (size_t t = 0; t < npos; t++) {
        xy[2 * t] = 0.45 * sin(0.01 * (double)t);
        xy[2 * t + 1] = 0.45 * cos(0.013 * (double)t);
        act[t] = (t % 7) == 0;
    }
    ck_assert_int_eq(gridform_scorer_shuffle_null(s, xy, 1999, 0.02, act, 1, 1, &sc, NULL, &thr, NULL, NULL, NULL),
                     GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_scorer_last_error(s), "shorter than twice the minimum lag"));
    ck_assert_int_eq(gridform_scorer_shuffle_null(s, xy, npos, 0.0, act, 1, 1, &sc, NULL, &thr, NULL, NULL, NULL),
                     GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_shuffle_null(s, xy, npos, 0.02, act, 0, 1, &sc, NULL, &thr, NULL, NULL, NULL),
                     GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_shuffle_null(s, xy, npos, 0.02, act, 1, 1, NULL, NULL, NULL, NULL, NULL, NULL),
                     GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_shuffle_null(s, NULL, npos, 0.02, act, 1, 1, &sc, NULL, &thr, NULL, NULL, NULL),
                     GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_shuffle_null(s, xy, npos, 0.02, NULL, 1, 1, &sc, NULL, &thr, NULL, NULL, NULL),
                     GRIDFORM_EINVAL);
    /* outside the box; non-finite activity */
    xy[10] = 0.7;
    ck_assert_int_eq(gridform_scorer_shuffle_null(s, xy, npos, 0.02, act, 1, 1, &sc, NULL, &thr, NULL, NULL, NULL),
                     GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_scorer_last_error(s), "outside"));
    xy[10] = 0.1;
    act[3] = NAN;
    ck_assert_int_eq(gridform_scorer_shuffle_null(s, xy, npos, 0.02, act, 1, 1, &sc, NULL, &thr, NULL, NULL, NULL),
                     GRIDFORM_EINVAL);
    act[3] = 0;
    /* a valid call, then one canceled by its progress callback */
    ck_assert_int_eq(gridform_scorer_shuffle_null(s, xy, npos, 0.02, act, 1, 1, &sc, NULL, &thr, NULL, NULL, NULL),
                     GRIDFORM_OK);
    ck_assert(isfinite(sc) && isfinite(thr));
    size_t seen = 0;
    ck_assert_int_eq(gridform_scorer_shuffle_null(s, xy, npos, 0.02, act, 1, 1, &sc, NULL, &thr, NULL, cancel_at_3,
                                                  &seen),
                     GRIDFORM_ECANCELED);
    ck_assert_uint_eq(seen, 3);
    /* surrogate null errors */
    double map[256];
    for (int i = 0; i < 256; i++)
        map[i] = sin(0.3 * i);
    ck_assert_int_eq(gridform_scorer_surrogate_null(s, map, 0, 1, &sc, NULL, &thr, NULL, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_surrogate_null(s, NULL, 1, 1, &sc, NULL, &thr, NULL, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_surrogate_null(s, map, 1, 1, NULL, NULL, NULL, NULL, NULL, NULL), GRIDFORM_EINVAL);
    map[9] = INFINITY;
    ck_assert_int_eq(gridform_scorer_surrogate_null(s, map, 1, 1, &sc, NULL, &thr, NULL, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_surrogate(s, map, 1, map), GRIDFORM_EINVAL);
    map[9] = 0.5;
    seen = 0;
    ck_assert_int_eq(gridform_scorer_surrogate_null(s, map, 1, 1, &sc, NULL, &thr, NULL, cancel_at_3, &seen),
                     GRIDFORM_OK);
    ck_assert_uint_eq(seen, 1);
    /* a constant map: undefined score and null, reported after all maps */
    double two[512];
    for (int i = 0; i < 256; i++) {
        two[i] = 1.0;
        two[256 + i] = map[i];
    }
    double sc2[2], th2[2];
    ck_assert_int_eq(gridform_scorer_surrogate_null(s, two, 2, 1, sc2, NULL, th2, NULL, NULL, NULL),
                     GRIDFORM_EUNDEFINED);
    ck_assert(isnan(sc2[0]) && isnan(th2[0]) && isfinite(sc2[1]) && isfinite(th2[1]));
    free(xy);
    free(act);
    gridform_scorer_destroy(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("null");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_threshold_rule);
    tcase_add_test(tc, test_surrogate_keeps_shells);
    tcase_add_test(tc, test_surrogate_walled);
    tcase_add_test(tc, test_surrogate_null_grid);
    tcase_add_test(tc, test_noise_false_positives);
    tcase_add_test(tc, test_auto_annuli_white_noise);
    tcase_add_test(tc, test_shuffle_synthetic_recording);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
