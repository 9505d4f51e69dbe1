/* Tests for the scorer: SAC against a direct sum, gridness of ideal
 * lattices, spacing, orientation, dominant k, invariances, rate maps, and
 * every error path. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"

#define PI 3.14159265358979323846
#define DEG (PI / 180)

/* A small deterministic generator for test data (splitmix64). */
static uint64_t rng_state;
static double urand(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

/* Sum of nw cosines with wavevectors of length k at angles ang[j] and phases
 * ph[j] on the arena convention x = -L/2 + (i + 1/2) L/n; optionally ReLU. */
static void waves(double *map, size_t nx, size_t ny, double lx, double ly, double k, const double *ang,
                  const double *ph, int nw, int relu)
{
    for (size_t iy = 0; iy < ny; iy++)
        for (size_t ix = 0; ix < nx; ix++) {
            double x = -lx / 2 + ((double)ix + 0.5) * lx / (double)nx;
            double y = -ly / 2 + ((double)iy + 0.5) * ly / (double)ny;
            double g = 0;
            for (int j = 0; j < nw; j++)
                g += cos(k * (cos(ang[j]) * x + sin(ang[j]) * y) + ph[j]);
            map[iy * nx + ix] = relu && g < 0 ? 0 : g;
        }
}

/* Hexagonal lattice of spacing a whose lattice vectors lie at theta (+60 deg
 * multiples): its wavevectors are at theta + 30 + 120 j degrees, length
 * 4 pi / (sqrt 3 a). */
static void hexmap(double *map, size_t n, double L, double a, double theta, double phase, int relu)
{
    double ang[3], ph[3] = {phase, 2 * phase + 0.3, -phase};
    for (int j = 0; j < 3; j++)
        ang[j] = theta + PI / 6 + j * 2 * PI / 3;
    waves(map, n, n, L, L, 4 * PI / (sqrt(3.0) * a), ang, ph, 3, relu);
}

/* A scorer on an arena of nx x ny bins over lx x ly metres; the arena is
 * destroyed at once (the scorer copies the geometry).  Most tests use a
 * walled arena: the recorded-map defaults (walled SAC, fixed annuli). */
static int mkscorer(gridform_scorer **s, size_t nx, size_t ny, double lx, double ly, int boundary)
{
    gridform_arena *a = NULL;
    int rc = gridform_arena_create(&a, lx, ly, nx, ny, boundary);
    if (rc == GRIDFORM_OK)
        rc = gridform_scorer_create(s, a);
    gridform_arena_destroy(a);
    return rc;
}

/* gridform_ratemap_accumulate on a walled arena of nx x ny over lx x ly. */
static int ratemap(size_t nx, size_t ny, double lx, double ly, const double *xy, size_t np,
                   const double *act, size_t nc, double minocc, double *maps, double *occ)
{
    gridform_arena *a = NULL;
    int rc = gridform_arena_create(&a, lx, ly, nx, ny, GRIDFORM_WALLED);
    if (rc == GRIDFORM_OK)
        rc = gridform_ratemap_accumulate(a, xy, np, act, nc, minocc, maps, occ);
    gridform_arena_destroy(a);
    return rc;
}

static double angdiff60(double a, double b)
{
    double d = fmod(a - b, PI / 3);
    if (d < 0) d += PI / 3;
    return fmin(d, PI / 3 - d);
}

START_TEST(test_hexagonal)
{
    const double L = 2.2, a = 0.74;
    const size_t sizes[2] = {44, 20};
    const double thetas[5] = {0, 7, 15, 31, 52};
    for (int si = 0; si < 2; si++) {
        size_t n = sizes[si];
        gridform_scorer *s = NULL;
        ck_assert_int_eq(mkscorer(&s, n, n, L, L, GRIDFORM_WALLED), GRIDFORM_OK);
        double *m = malloc(n * n * sizeof *m);
        for (int ti = 0; ti < 5; ti++)
            for (int relu = 0; relu < 2; relu++) {
                double th = thetas[ti] * DEG;
                hexmap(m, n, L, a, th, 0.4 + ti, relu);
                double g60, g90, sp, ori;
                ck_assert_int_eq(gridform_scorer_score(s, m, 1, &g60, &g90, &sp, &ori), GRIDFORM_OK);
                ck_assert_msg(g60 >= 1.3, "n=%zu theta=%g relu=%d: score60 %g", n, thetas[ti], relu, g60);
                ck_assert_msg(fabs(sp - a) <= 0.04 * a, "n=%zu theta=%g relu=%d: spacing %g", n,
                              thetas[ti], relu, sp);
                ck_assert_msg(angdiff60(ori, th) <= 2 * DEG, "n=%zu theta=%g relu=%d: orientation %g deg",
                              n, thetas[ti], relu, ori / DEG);
                ck_assert(ori >= 0 && ori < PI / 3);
                double k;
                ck_assert_int_eq(gridform_map_dominant_k(s, m, &k), GRIDFORM_OK);
                double kh = 4 * PI / (sqrt(3.0) * a);
                ck_assert_msg(fabs(k - kh) <= 0.05 * kh, "n=%zu: k %g vs %g", n, k, kh);
            }
        /* The min/max variant also scores an ideal lattice highly. */
        ck_assert_int_eq(gridform_scorer_set_variant(s, GRIDFORM_GRIDNESS_MINMAX), GRIDFORM_OK);
        hexmap(m, n, L, a, 0.2, 0.1, 1);
        double g60;
        ck_assert_int_eq(gridform_scorer_score(s, m, 1, &g60, NULL, NULL, NULL), GRIDFORM_OK);
        ck_assert_msg(g60 >= 1.0, "minmax score60 %g", g60);
        free(m);
        gridform_scorer_destroy(s);
    }
}
END_TEST

START_TEST(test_rectangular_and_holes)
{
    /* Rectangular boxes and bins (rotation is done in metres) and
     * scattered unvisited bins: a hexagonal lattice stays one. */
    const struct { size_t nx, ny; double lx, ly; } c[3] = {{44, 30, 2.2, 1.5}, {44, 40, 2.2, 1.5}, {30, 44, 1.5, 2.2}};
    const double a = 0.6, k = 4 * PI / (sqrt(3.0) * a);
    double m[44 * 44];
    for (int i = 0; i < 3; i++) {
        gridform_scorer *s = NULL;
        ck_assert_int_eq(mkscorer(&s, c[i].nx, c[i].ny, c[i].lx, c[i].ly, GRIDFORM_WALLED), GRIDFORM_OK);
        for (int t = 0; t < 3; t++) {
            double th = 0.1 + 0.3 * t, ang[3], ph[3] = {0, 0.7, 1.4};
            for (int j = 0; j < 3; j++)
                ang[j] = th + PI / 6 + j * 2 * PI / 3;
            waves(m, c[i].nx, c[i].ny, c[i].lx, c[i].ly, k, ang, ph, 3, 1);
            for (size_t q = (size_t)t; q < c[i].nx * c[i].ny; q += 9)
                m[q] = NAN;
            double g60, sp, ori;
            ck_assert_int_eq(gridform_scorer_score(s, m, 1, &g60, NULL, &sp, &ori), GRIDFORM_OK);
            ck_assert_msg(g60 >= 1.2, "case %d theta %g: score60 %g", i, th, g60);
            ck_assert_msg(fabs(sp - a) <= 0.04 * a, "case %d theta %g: spacing %g", i, th, sp);
            ck_assert_msg(angdiff60(ori, th) <= 2 * DEG, "case %d theta %g: orientation %g", i, th, ori);
        }
        gridform_scorer_destroy(s);
    }
}
END_TEST

START_TEST(test_square_and_stripes)
{
    const size_t n = 44;
    const double L = 2.2, k = 2 * PI / 0.6;
    gridform_scorer *s = NULL;
    ck_assert_int_eq(mkscorer(&s, n, n, L, L, GRIDFORM_WALLED), GRIDFORM_OK);
    double m[44 * 44], g60, g90;
    for (int t = 0; t < 4; t++) {
        double ang[2] = {0.3 * t, 0.3 * t + PI / 2}, ph[2] = {0.2 * t, 1.0};
        waves(m, n, n, L, L, k, ang, ph, 2, t & 1);
        ck_assert_int_eq(gridform_scorer_score(s, m, 1, &g60, &g90, NULL, NULL), GRIDFORM_OK);
        ck_assert_msg(g90 >= 1.0, "square %d: score90 %g", t, g90);
        ck_assert_msg(g60 < 0, "square %d: score60 %g", t, g60);
        waves(m, n, n, L, L, k, ang, ph, 1, t & 1);
        ck_assert_int_eq(gridform_scorer_score(s, m, 1, &g60, &g90, NULL, NULL), GRIDFORM_OK);
        ck_assert_msg(g60 < 0.5 && g90 < 0.5, "stripes %d: score60 %g score90 %g", t, g60, g90);
    }
    gridform_scorer_destroy(s);
}
END_TEST

START_TEST(test_noise)
{
    /* White noise smoothed by a Gaussian of 2 bins: no lattice, so the
     * scores average near zero. */
    const size_t n = 32, nm = 24;
    const double L = 1.6;
    gridform_scorer *s = NULL;
    ck_assert_int_eq(mkscorer(&s, n, n, L, L, GRIDFORM_WALLED), GRIDFORM_OK);
    double *maps = malloc(nm * n * n * sizeof *maps), w[n * n], g60[24];
    rng_state = 12345;
    for (size_t m = 0; m < nm; m++) {
        for (size_t i = 0; i < n * n; i++)
            w[i] = urand() - 0.5;
        for (size_t iy = 0; iy < n; iy++)
            for (size_t ix = 0; ix < n; ix++) {
                double acc = 0;
                for (long dy = -6; dy <= 6; dy++)
                    for (long dx = -6; dx <= 6; dx++) {
                        long y = (long)iy + dy, x = (long)ix + dx;
                        if (y < 0 || x < 0 || y >= (long)n || x >= (long)n)
                            continue;
                        acc += exp(-(double)(dx * dx + dy * dy) / 8.0) * w[y * (long)n + x];
                    }
                maps[m * n * n + iy * n + ix] = acc;
            }
    }
    ck_assert_int_eq(gridform_scorer_score(s, maps, nm, g60, NULL, NULL, NULL), GRIDFORM_OK);
    double mean = 0;
    for (size_t m = 0; m < nm; m++)
        mean += g60[m] / (double)nm;
    ck_assert_msg(fabs(mean) < 0.3, "mean score60 of noise %g", mean);
    free(maps);
    gridform_scorer_destroy(s);
}
END_TEST

/* The SAC by its definition, O(n^4): Pearson over overlapping valid pairs,
 * with the scorer's rules for undefined lags. */
static void direct_sac(const double *f, long nx, long ny, int periodic, double nmin, double *sac)
{
    double mean = 0, var = 0;
    long nv = 0;
    for (long i = 0; i < nx * ny; i++)
        if (!isnan(f[i])) { mean += f[i]; nv++; }
    mean /= (double)nv;
    for (long i = 0; i < nx * ny; i++)
        if (!isnan(f[i])) var += (f[i] - mean) * (f[i] - mean) / (double)nv;
    long sx = 2 * nx - 1;
    for (long v = -(ny - 1); v < ny; v++)
        for (long u = -(nx - 1); u < nx; u++) {
            double n = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
            for (long y = 0; y < ny; y++)
                for (long x = 0; x < nx; x++) {
                    long y2 = y + v, x2 = x + u;
                    if (periodic) {
                        y2 = ((y2 % ny) + ny) % ny;
                        x2 = ((x2 % nx) + nx) % nx;
                    } else if (y2 < 0 || x2 < 0 || y2 >= ny || x2 >= nx) {
                        continue;
                    }
                    double a = f[y * nx + x], b = f[y2 * nx + x2];
                    if (isnan(a) || isnan(b))
                        continue;
                    a -= mean;
                    b -= mean;
                    n++; sa += a; sb += b; saa += a * a; sbb += b * b; sab += a * b;
                }
            double r = NAN, va = n * saa - sa * sa, vb = n * sbb - sb * sb;
            if (n >= nmin && va > 1e-10 * n * n * var && vb > 1e-10 * n * n * var)
                r = (n * sab - sa * sb) / sqrt(va * vb);
            sac[(v + ny - 1) * sx + (u + nx - 1)] = r;
        }
}

START_TEST(test_sac_direct)
{
    const size_t nx = 11, ny = 8;
    double f[11 * 8], sac[21 * 15], ref[21 * 15];
    rng_state = 99;
    for (size_t i = 0; i < nx * ny; i++)
        f[i] = 5 + sin(0.7 * (double)i) + urand();
    f[3] = f[17] = f[40] = f[41] = f[87] = NAN;
    gridform_scorer *s = NULL;
    ck_assert_int_eq(mkscorer(&s, nx, ny, 1.1, 0.8, GRIDFORM_WALLED), GRIDFORM_OK);
    for (int periodic = 0; periodic < 2; periodic++) {
        ck_assert_int_eq(gridform_scorer_set_boundary(s, periodic ? GRIDFORM_PERIODIC : GRIDFORM_WALLED),
                         GRIDFORM_OK);
        ck_assert_int_eq(gridform_scorer_autocorr(s, f, sac), GRIDFORM_OK);
        direct_sac(f, (long)nx, (long)ny, periodic, 20, ref);
        size_t ndef = 0;
        for (size_t i = 0; i < 21 * 15; i++) {
            ck_assert_msg(isnan(sac[i]) == isnan(ref[i]), "bin %zu: %g vs %g", i, sac[i], ref[i]);
            if (!isnan(ref[i])) {
                ck_assert_double_eq_tol(sac[i], ref[i], 1e-10);
                ndef++;
            }
        }
        ck_assert_uint_gt(ndef, 100);
        ck_assert_double_eq_tol(sac[(ny - 1) * 21 + nx - 1], 1.0, 1e-12);
    }
    /* min_overlap changes which lags are defined. */
    ck_assert_int_eq(gridform_scorer_set_boundary(s, GRIDFORM_WALLED), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_set_min_overlap(s, 60), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_autocorr(s, f, sac), GRIDFORM_OK);
    direct_sac(f, (long)nx, (long)ny, 0, 60, ref);
    for (size_t i = 0; i < 21 * 15; i++)
        ck_assert(isnan(sac[i]) == isnan(ref[i]));
    gridform_scorer_destroy(s);
}
END_TEST

START_TEST(test_invariance)
{
    /* A map periodic on the box: a sum of lattice cosines. */
    const size_t n = 30;
    const double L = 1.5;
    double m[30 * 30], t[30 * 30], c[30 * 30];
    for (size_t iy = 0; iy < n; iy++)
        for (size_t ix = 0; ix < n; ix++) {
            double x = 2 * PI * (double)ix / (double)n, y = 2 * PI * (double)iy / (double)n;
            m[iy * n + ix] = cos(4 * x + 0.3) + cos(-2 * x + 4 * y + 1.1) + cos(-2 * x - 4 * y - 0.2)
                             + 0.3 * sin(3 * x - y);
        }
    gridform_scorer *s = NULL;
    ck_assert_int_eq(mkscorer(&s, n, n, L, L, GRIDFORM_WALLED), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_set_boundary(s, GRIDFORM_PERIODIC), GRIDFORM_OK);
    double a[4], b[4];
    ck_assert_int_eq(gridform_scorer_score(s, m, 1, &a[0], &a[1], &a[2], &a[3]), GRIDFORM_OK);
    const int shifts[3][2] = {{5, 11}, {29, 1}, {13, 0}};
    for (int k = 0; k < 3; k++) {
        for (size_t iy = 0; iy < n; iy++)
            for (size_t ix = 0; ix < n; ix++)
                t[((iy + (size_t)shifts[k][1]) % n) * n + (ix + (size_t)shifts[k][0]) % n] = m[iy * n + ix];
        ck_assert_int_eq(gridform_scorer_score(s, t, 1, &b[0], &b[1], &b[2], &b[3]), GRIDFORM_OK);
        for (int q = 0; q < 4; q++)
            ck_assert_msg(fabs(a[q] - b[q]) <= 1e-9, "shift %d output %d: %.15g vs %.15g", k, q, a[q], b[q]);
    }
    /* Scaling by a positive factor, walled and periodic, with NaN holes. */
    memcpy(c, m, sizeof m);
    c[7] = c[100] = c[101] = c[450] = NAN;
    for (int periodic = 0; periodic < 2; periodic++) {
        ck_assert_int_eq(gridform_scorer_set_boundary(s, periodic ? GRIDFORM_PERIODIC : GRIDFORM_WALLED),
                         GRIDFORM_OK);
        ck_assert_int_eq(gridform_scorer_score(s, c, 1, &a[0], &a[1], &a[2], &a[3]), GRIDFORM_OK);
        const double scales[3] = {3.7, 1e-6, 2e5};
        for (int k = 0; k < 3; k++) {
            for (size_t i = 0; i < n * n; i++)
                t[i] = c[i] * scales[k] + (k == 2 ? 17.0 : 0.0);
            ck_assert_int_eq(gridform_scorer_score(s, t, 1, &b[0], &b[1], &b[2], &b[3]), GRIDFORM_OK);
            for (int q = 0; q < 4; q++)
                ck_assert_msg(fabs(a[q] - b[q]) <= 1e-9, "scale %g output %d: %.15g vs %.15g", scales[k],
                              q, a[q], b[q]);
        }
    }
    gridform_scorer_destroy(s);
}
END_TEST

START_TEST(test_dominant_k)
{
    const size_t n = 44;
    const double L = 2.2;
    gridform_scorer *s = NULL;
    ck_assert_int_eq(mkscorer(&s, n, n, L, L, GRIDFORM_WALLED), GRIDFORM_OK);
    double m[44 * 44], k;
    /* A lattice mode (5, 2): k = 2 pi sqrt(29) / L. */
    for (size_t iy = 0; iy < n; iy++)
        for (size_t ix = 0; ix < n; ix++)
            m[iy * n + ix] = 2 + cos(2 * PI * (5.0 * (double)ix + 2.0 * (double)iy) / (double)n + 0.4);
    ck_assert_int_eq(gridform_map_dominant_k(s, m, &k), GRIDFORM_OK);
    ck_assert_double_eq_tol(k, 2 * PI * sqrt(29.0) / L, 0.01 * 2 * PI * sqrt(29.0) / L);
    /* Off the lattice, with holes. */
    double ang[1] = {0.5}, ph[1] = {0.1};
    waves(m, n, n, L, L, 11.0, ang, ph, 1, 0);
    m[0] = m[50] = NAN;
    ck_assert_int_eq(gridform_map_dominant_k(s, m, &k), GRIDFORM_OK);
    ck_assert_double_eq_tol(k, 11.0, 0.3);
    gridform_scorer_destroy(s);
}
END_TEST

START_TEST(test_undefined_and_batch)
{
    const size_t n = 20;
    gridform_scorer *s = NULL;
    ck_assert_int_eq(mkscorer(&s, n, n, 2.2, 2.2, GRIDFORM_WALLED), GRIDFORM_OK);
    double maps[4 * 400], g60[4], g90[4], sp[4], ori[4], sac[39 * 39], k;
    hexmap(maps, n, 2.2, 0.74, 0.1, 0.0, 1);
    for (size_t i = 0; i < n * n; i++) {
        maps[400 + i] = 0.1;               /* constant */
        maps[800 + i] = NAN;               /* never visited */
    }
    hexmap(maps + 1200, n, 2.2, 0.74, 0.3, 1.0, 0);
    size_t before = gridform_debug_allocation_count();
    ck_assert_int_eq(gridform_scorer_score(s, maps, 4, g60, g90, sp, ori), GRIDFORM_EUNDEFINED);
    /* Scoring allocates nothing. */
    ck_assert_uint_eq(gridform_debug_allocation_count(), before);
    ck_assert_ptr_nonnull(strstr(gridform_scorer_last_error(s), "2 of 4"));
    ck_assert(g60[0] > 1.3 && g60[3] > 1.3);
    for (int m = 1; m <= 2; m++)
        ck_assert(isnan(g60[m]) && isnan(g90[m]) && isnan(sp[m]) && isnan(ori[m]));
    /* Single outputs, each alone, agree with the full call. */
    double one;
    ck_assert_int_eq(gridform_scorer_score(s, maps + 1200, 1, NULL, &one, NULL, NULL), GRIDFORM_OK);
    ck_assert_double_eq(one, g90[3]);
    ck_assert_int_eq(gridform_scorer_score(s, maps + 1200, 1, NULL, NULL, NULL, &one), GRIDFORM_OK);
    ck_assert_double_eq(one, ori[3]);
    ck_assert_int_eq(gridform_scorer_score(s, maps + 1200, 1, NULL, NULL, NULL, NULL), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_autocorr(s, maps + 400, sac), GRIDFORM_EUNDEFINED);
    ck_assert(isnan(sac[0]) && isnan(sac[19 * 39 + 19]));
    ck_assert_int_eq(gridform_map_dominant_k(s, maps + 800, &k), GRIDFORM_EUNDEFINED);
    ck_assert(isnan(k));
    /* Annuli: a single annulus, and the scores stay high for a lattice. */
    ck_assert_int_eq(gridform_scorer_set_annuli_m(s, 0.22, 1.32, 1.32, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_score(s, maps, 1, g60, NULL, NULL, NULL), GRIDFORM_OK);
    ck_assert(g60[0] > 1.0);
    gridform_scorer_destroy(s);
}
END_TEST

START_TEST(test_mask_reuse)
{
    /* Maps with the same unvisited bins reuse the mask's transform and
     * overlap counts; every order of calls must give the fresh results. */
    const size_t n = 24;
    double m[3][24 * 24], ref[3][4], got[4], sac[47 * 47], k;
    rng_state = 7;
    for (int q = 0; q < 3; q++)
        for (size_t i = 0; i < n * n; i++)
            m[q][i] = sin(0.37 * (double)(i % n) + q) * cos(0.29 * (double)(i / n)) + 0.3 * urand();
    for (size_t i = 0; i < n * n; i += 5) {
        m[0][i] = m[1][i] = NAN;
        m[2][i + 1 < n * n ? i + 1 : i] = NAN;
    }
    for (int q = 0; q < 3; q++) {
        gridform_scorer *f = NULL;
        ck_assert_int_eq(mkscorer(&f, n, n, 1.2, 1.2, GRIDFORM_WALLED), GRIDFORM_OK);
        ck_assert_int_eq(gridform_scorer_score(f, m[q], 1, &ref[q][0], &ref[q][1], &ref[q][2], &ref[q][3]),
                         GRIDFORM_OK);
        gridform_scorer_destroy(f);
    }
    gridform_scorer *s = NULL;
    ck_assert_int_eq(mkscorer(&s, n, n, 1.2, 1.2, GRIDFORM_WALLED), GRIDFORM_OK);
    const int order[6] = {0, 1, 0, 2, 1, 1};
    ck_assert_int_eq(gridform_map_dominant_k(s, m[0], &k), GRIDFORM_OK);   /* spectrum only */
    for (int t = 0; t < 6; t++) {
        int q = order[t];
        if (t == 4)
            ck_assert_int_eq(gridform_scorer_autocorr(s, m[2], sac), GRIDFORM_OK);
        ck_assert_int_eq(gridform_scorer_score(s, m[q], 1, &got[0], &got[1], &got[2], &got[3]), GRIDFORM_OK);
        for (int j = 0; j < 4; j++)
            ck_assert_msg(fabs(got[j] - ref[q][j]) <= 1e-12, "call %d map %d output %d: %.17g vs %.17g", t, q,
                          j, got[j], ref[q][j]);
    }
    gridform_scorer_destroy(s);
}
END_TEST

START_TEST(test_ratemap)
{
    /* A 4 x 3 box of 2 x 1.5 m: bin (ix, iy) centred at (-0.75 + 0.5 ix, -0.5 + 0.5 iy). */
    const size_t nx = 4, ny = 3, np = 9, nc = 2;
    double xy[9 * 2] = {
        -0.75, -0.5,   -0.75, -0.5,   -0.7, -0.6,    /* bin (0,0), three visits */
        0.75, 0.5,     1.0, 0.75,                    /* bin (3,2), including the far corner */
        0.25, 0.0,                                   /* bin (2,1) */
        NAN, 0.0,                                    /* lost tracking: skipped */
        -0.25, 0.1,    -0.26, 0.2,                   /* bin (1,1) */
    };
    double act[9 * 2] = {1, 10, 2, 20, 3, 30, 4, 40, 6, 60, 7, 70, 1e9, 1e9, 8, 80, 9, 90};
    double maps[2 * 12], occ[12];
    ck_assert_int_eq(ratemap(nx, ny, 2.0, 1.5, xy, np, act, nc, 0, maps, occ),
                     GRIDFORM_OK);
    ck_assert_double_eq_tol(maps[0], 2.0, 1e-15);
    ck_assert_double_eq_tol(maps[12 + 0], 20.0, 1e-15);
    ck_assert_double_eq_tol(maps[2 * 4 + 3], 5.0, 1e-15);
    ck_assert_double_eq_tol(maps[12 + 2 * 4 + 3], 50.0, 1e-15);
    ck_assert_double_eq_tol(maps[1 * 4 + 2], 7.0, 1e-15);
    ck_assert_double_eq_tol(maps[1 * 4 + 1], 8.5, 1e-15);
    ck_assert(isnan(maps[1]) && isnan(maps[12 + 11 - 1]));
    ck_assert_double_eq(occ[0], 3);
    ck_assert_double_eq(occ[11], 2);
    ck_assert_double_eq(occ[5], 2);
    double tot = 0;
    for (int b = 0; b < 12; b++) tot += occ[b];
    ck_assert_double_eq(tot, 8);
    /* A minimum occupancy of 3 samples leaves only bin (0,0). */
    ck_assert_int_eq(ratemap(nx, ny, 2.0, 1.5, xy, np, act, nc, 3, maps, NULL),
                     GRIDFORM_OK);
    ck_assert_double_eq_tol(maps[0], 2.0, 1e-15);
    ck_assert(isnan(maps[11]) && isnan(maps[6]));
    /* Errors. */
    xy[2] = 1.01;
    gridform_arena *ar = NULL;
    ck_assert_int_eq(gridform_arena_create(&ar, 2.0, 1.5, nx, ny, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_ratemap_accumulate(ar, xy, np, act, nc, 0, maps, NULL), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "outside"));
    xy[2] = -0.75;
    act[3] = INFINITY;
    ck_assert_int_eq(gridform_ratemap_accumulate(ar, xy, np, act, nc, 0, maps, NULL), GRIDFORM_EINVAL);
    act[3] = 20;
    /* The boundary does not change the binning. */
    double maps2[2 * 12], occ2[12];
    ck_assert_int_eq(gridform_ratemap_accumulate(ar, xy, np, act, nc, 0, maps2, occ2), GRIDFORM_OK);
    ck_assert_int_eq(ratemap(nx, ny, 2.0, 1.5, xy, np, act, nc, 0, maps, occ), GRIDFORM_OK);
    ck_assert_mem_eq(occ, occ2, sizeof occ);
    for (int b = 0; b < 24; b++)
        ck_assert(isnan(maps[b]) ? isnan(maps2[b]) : maps[b] == maps2[b]);
    ck_assert_int_eq(gridform_ratemap_accumulate(NULL, xy, np, act, nc, 0, maps, NULL), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "gridform_ratemap_accumulate: "));
    ck_assert_int_eq(gridform_ratemap_accumulate(ar, NULL, np, act, nc, 0, maps, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_ratemap_accumulate(ar, xy, np, NULL, nc, 0, maps, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_ratemap_accumulate(ar, xy, np, act, nc, 0, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_ratemap_accumulate(ar, xy, 0, act, nc, 0, maps, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_ratemap_accumulate(ar, xy, np, act, 0, 0, maps, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_ratemap_accumulate(ar, xy, np, act, nc, -1, maps, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_ratemap_accumulate(ar, xy, np, act, nc, NAN, maps, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_ratemap_accumulate(ar, xy, SIZE_MAX, act, 2, 0, maps, NULL), GRIDFORM_ERANGE);
    gridform_arena_destroy(ar);
    ck_assert_int_gt((int)strlen(gridform_last_error()), 0);
}
END_TEST

START_TEST(test_auto_annuli)
{
    /* Issue 14: ideal hexagons at box/spacing ratios 1.6, 3, 6 and 10, with
     * automatic annuli, score60 >= 1.1 and spacing within 5%, each annulus
     * coming from the map's own SAC (inner radius inside the first ring,
     * best outer radius beyond it).  The fixed annuli fail the wide boxes
     * (below 1.1 at ratio 6 and 10), which is what the automatic ones fix. */
    const double ratios[4] = {1.6, 3, 6, 10}, L = 2.0;
    const size_t sizes[2] = {64, 40};
    for (int si = 0; si < 2; si++)
        for (int ri = 0; ri < 4; ri++)
            for (int relu = 0; relu < 2; relu++) {
                size_t n = sizes[si];
                double a = L / ratios[ri], th = (7.0 + 11 * ri) * DEG;
                gridform_scorer *s = NULL;
                ck_assert_int_eq(mkscorer(&s, n, n, L, L, GRIDFORM_WALLED), GRIDFORM_OK);
                int on = -1;
                ck_assert_int_eq(gridform_scorer_get_annuli_auto(s, &on), GRIDFORM_OK);
                ck_assert_int_eq(on, 0);   /* walled: fixed annuli by default */
                double *m = malloc(n * n * sizeof *m);
                hexmap(m, n, L, a, th, 0.3 * ri, relu);
                double fixed60;
                ck_assert_int_eq(gridform_scorer_score(s, m, 1, &fixed60, NULL, NULL, NULL), GRIDFORM_OK);
                ck_assert_int_eq(gridform_scorer_set_annuli_auto(s, 1), GRIDFORM_OK);
                double g60, sp, ori, g60b, inner, outer;
                int src = -1;
                size_t nf = 99;
                ck_assert_int_eq(gridform_scorer_score(s, m, 1, &g60, NULL, &sp, &ori), GRIDFORM_OK);
                ck_assert_int_eq(gridform_scorer_get_fallback_count(s, &nf), GRIDFORM_OK);
                ck_assert_uint_eq(nf, 0);
                ck_assert_msg(g60 >= 1.1, "n %zu ratio %g relu %d: auto score60 %g (fixed %g)", n, ratios[ri],
                              relu, g60, fixed60);
                ck_assert_msg(fabs(sp - a) <= 0.05 * a, "n %zu ratio %g: spacing %g vs %g", n, ratios[ri], sp, a);
                ck_assert_msg(angdiff60(ori, th) <= 3 * DEG, "ratio %g: orientation %g", ratios[ri], ori / DEG);
                ck_assert_int_eq(gridform_scorer_score_annuli(s, m, 1, &g60b, &inner, &outer, &src), GRIDFORM_OK);
                ck_assert_double_eq(g60b, g60);
                ck_assert_int_eq(src, GRIDFORM_ANNULI_AUTO);
                ck_assert_msg(inner > 0.2 * a && inner < 0.7 * a, "ratio %g: inner %g a", ratios[ri], inner / a);
                ck_assert_msg(outer > 1.05 * a && outer < 1.6 * a, "ratio %g: outer %g a", ratios[ri], outer / a);
                if (ratios[ri] >= 6)
                    ck_assert_msg(fixed60 < 1.1, "ratio %g: fixed annuli now score %g", ratios[ri], fixed60);
                free(m);
                gridform_scorer_destroy(s);
            }
}
END_TEST

START_TEST(test_auto_fallback)
{
    /* A map whose SAC shows no ring of peaks (two fields: one pair of
     * peaks; one field: none; stripes: ridges, not six peaks) is scored
     * with the fixed annuli, reported per map and counted; switching
     * automatic annuli off gives the same numbers for it, and FIXED. */
    const size_t n = 30;
    const double L = 1.5;
    double maps[4 * 900];
    for (size_t iy = 0; iy < n; iy++)
        for (size_t ix = 0; ix < n; ix++) {
            double x = -L / 2 + ((double)ix + 0.5) * L / (double)n, y = -L / 2 + ((double)iy + 0.5) * L / (double)n;
            maps[iy * n + ix] = exp(-((x - 0.3) * (x - 0.3) + y * y) / 0.04)
                                + exp(-((x + 0.3) * (x + 0.3) + (y - 0.1) * (y - 0.1)) / 0.04);
            maps[900 + iy * n + ix] = exp(-(x * x + y * y) / (2 * 0.2 * 0.2));
            maps[1800 + iy * n + ix] = cos(9 * x + 2 * y);
        }
    hexmap(maps + 2700, n, L, 0.5, 0.1, 0.2, 1);
    gridform_scorer *s = NULL;
    ck_assert_int_eq(mkscorer(&s, n, n, L, L, GRIDFORM_WALLED), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_set_annuli_auto(s, 1), GRIDFORM_OK);
    double g60[4], inner[4], outer[4], f60[4];
    int src[4];
    size_t nf = 0;
    ck_assert_int_eq(gridform_scorer_score(s, maps, 4, g60, NULL, NULL, NULL), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_get_fallback_count(s, &nf), GRIDFORM_OK);
    ck_assert_uint_eq(nf, 3);
    ck_assert_int_eq(gridform_scorer_score_annuli(s, maps, 4, NULL, inner, outer, src), GRIDFORM_OK);
    for (int q = 0; q < 3; q++)
        ck_assert_int_eq(src[q], GRIDFORM_ANNULI_FALLBACK);
    ck_assert_int_eq(src[3], GRIDFORM_ANNULI_AUTO);
    ck_assert(g60[3] > 1.2 && g60[0] < 0.3 && g60[1] < 0.3 && g60[2] < 0.3);
    ck_assert_double_eq_tol(inner[0], 0.2 * L, 1e-15);   /* Banino's inner radius */
    ck_assert(outer[0] >= 0.4 * L - 1e-12 && outer[0] <= L + 1e-12);
    ck_assert_int_eq(gridform_scorer_set_annuli_auto(s, 0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_score(s, maps, 4, f60, NULL, NULL, NULL), GRIDFORM_OK);
    for (int q = 0; q < 3; q++)
        ck_assert_double_eq(f60[q], g60[q]);
    ck_assert_int_eq(gridform_scorer_get_fallback_count(s, &nf), GRIDFORM_OK);
    ck_assert_uint_eq(nf, 0);
    ck_assert_int_eq(gridform_scorer_score_annuli(s, maps, 4, NULL, NULL, NULL, src), GRIDFORM_OK);
    for (int q = 0; q < 4; q++)
        ck_assert_int_eq(src[q], GRIDFORM_ANNULI_FIXED);
    /* An undefined map reports source 0 and NaN radii. */
    double flat[900];
    for (int i = 0; i < 900; i++)
        flat[i] = 1.0;
    ck_assert_int_eq(gridform_scorer_score_annuli(s, flat, 1, NULL, inner, outer, src), GRIDFORM_EUNDEFINED);
    ck_assert(src[0] == 0 && isnan(inner[0]) && isnan(outer[0]));
    ck_assert_ptr_nonnull(strstr(gridform_scorer_last_error(s), "gridform_scorer_score_annuli: "));
    /* Automatic annuli allocate nothing per map either. */
    ck_assert_int_eq(gridform_scorer_set_annuli_auto(s, 1), GRIDFORM_OK);
    size_t before = gridform_debug_allocation_count();
    ck_assert_int_eq(gridform_scorer_score(s, maps, 4, g60, NULL, NULL, NULL), GRIDFORM_OK);
    ck_assert_uint_eq(gridform_debug_allocation_count(), before);
    gridform_scorer_destroy(s);
}
END_TEST

START_TEST(test_periodic_defaults)
{
    /* Issue 13's acceptance: an ideal hexagon on a periodic 4.4 m arena,
     * scored with the scorer's defaults on that arena (periodic SAC,
     * automatic annuli), scores >= 1.3; with 0.1's defaults (walled SAC,
     * fixed annuli) it scored about 0.6.  On the commensurate box the
     * lattice is exact and scores higher still, with the spacing exact. */
    const double k = 4 * PI / (sqrt(3.0) * 0.74);
    for (int box = 0; box < 2; box++)
        for (int relu = 0; relu < 2; relu++) {
            gridform_arena *a = NULL;
            if (box == 0)
                ck_assert_int_eq(gridform_arena_create(&a, 4.4, 4.4, 64, 64, GRIDFORM_PERIODIC), GRIDFORM_OK);
            else
                ck_assert_int_eq(gridform_arena_create_commensurate(&a, k, 3, 64, GRIDFORM_PERIODIC), GRIDFORM_OK);
            size_t nx, ny;
            ck_assert_int_eq(gridform_arena_get_shape(a, &nx, &ny), GRIDFORM_OK);
            double *m = malloc(nx * ny * sizeof *m);
            ck_assert_int_eq(gridform_lattice_synthesize(a, GRIDFORM_LATTICE_HEX, k, box == 0 ? 0.1 : 0.0, 0.3, 0.2, m),
                             GRIDFORM_OK);
            if (relu)
                for (size_t i = 0; i < nx * ny; i++)
                    m[i] = m[i] > 0 ? m[i] : 0;
            gridform_scorer *s = NULL;
            ck_assert_int_eq(gridform_scorer_create(&s, a), GRIDFORM_OK);
            gridform_arena_destroy(a);   /* the scorer keeps its own copy */
            int on = 0;
            ck_assert_int_eq(gridform_scorer_get_annuli_auto(s, &on), GRIDFORM_OK);
            ck_assert_int_eq(on, 1);
            double g60, sp;
            ck_assert_int_eq(gridform_scorer_score(s, m, 1, &g60, NULL, &sp, NULL), GRIDFORM_OK);
            ck_assert_msg(g60 >= 1.3, "box %d relu %d: score60 %g with the defaults", box, relu, g60);
            if (box == 1)
                ck_assert_msg(fabs(sp - 0.74) <= 0.01 * 0.74, "commensurate: spacing %g", sp);
            /* The defaults are the periodic SAC: the same as setting it. */
            double sac1[127 * 127], sac2[127 * 127];
            if (box == 0) {
                gridform_scorer *w = NULL;
                ck_assert_int_eq(mkscorer(&w, 64, 64, 4.4, 4.4, GRIDFORM_WALLED), GRIDFORM_OK);
                ck_assert_int_eq(gridform_scorer_set_boundary(w, GRIDFORM_PERIODIC), GRIDFORM_OK);
                ck_assert_int_eq(gridform_scorer_autocorr(s, m, sac1), GRIDFORM_OK);
                ck_assert_int_eq(gridform_scorer_autocorr(w, m, sac2), GRIDFORM_OK);
                ck_assert_mem_eq(sac1, sac2, sizeof sac1);
                ck_assert_int_eq(gridform_scorer_set_annuli_auto(w, 1), GRIDFORM_OK);
                double w60;
                ck_assert_int_eq(gridform_scorer_score(w, m, 1, &w60, NULL, NULL, NULL), GRIDFORM_OK);
                ck_assert_double_eq(w60, g60);
                gridform_scorer_destroy(w);
            }
            free(m);
            gridform_scorer_destroy(s);
        }
}
END_TEST

START_TEST(test_errors)
{
    gridform_scorer *s = NULL;
    gridform_arena *ar = NULL;
    ck_assert_int_eq(gridform_arena_create(&ar, 1.2, 1.0, 12, 10, GRIDFORM_WALLED), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_create(NULL, ar), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_create(&s, NULL), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "gridform_scorer_create: "));
    ck_assert_int_eq(mkscorer(&s, (size_t)1 << 19, (size_t)1 << 19, 1, 1, GRIDFORM_WALLED), GRIDFORM_ERANGE);
    ck_assert_int_eq(mkscorer(&s, 5, 7, 1e-300, 3e300, GRIDFORM_PERIODIC), GRIDFORM_ERANGE);
    ck_assert_ptr_null(s);

    /* Every allocation failure during create is ENOMEM with nothing leaked. */
    for (size_t k = 1;; k++) {
        gridform_debug_fail_allocation(k);
        int rc = gridform_scorer_create(&s, ar);
        gridform_debug_fail_allocation(0);
        if (rc == GRIDFORM_OK)
            break;
        ck_assert_int_eq(rc, GRIDFORM_ENOMEM);
        ck_assert_ptr_null(s);
        ck_assert_uint_lt(k, 100);
    }
    gridform_arena_destroy(ar);
    /* A failed set_annuli_m keeps the previous annuli. */
    double m[120], g0, g1, sac[23 * 19], k;
    for (int i = 0; i < 120; i++)
        m[i] = sin(0.9 * i) + cos(0.31 * i * i);
    ck_assert_int_eq(gridform_scorer_score(s, m, 1, &g0, NULL, NULL, NULL), GRIDFORM_OK);
    gridform_debug_fail_allocation(1);
    ck_assert_int_eq(gridform_scorer_set_annuli_m(s, 0.1, 0.3, 0.9, 5), GRIDFORM_ENOMEM);
    gridform_debug_fail_allocation(0);
    ck_assert_int_eq(gridform_scorer_score(s, m, 1, &g1, NULL, NULL, NULL), GRIDFORM_OK);
    ck_assert_double_eq(g0, g1);

    ck_assert_int_eq(gridform_scorer_set_variant(NULL, GRIDFORM_GRIDNESS_MEAN), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_variant(s, 0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_variant(s, 3), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_scorer_last_error(s), "variant"));
    ck_assert_int_eq(gridform_scorer_set_boundary(NULL, GRIDFORM_WALLED), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_boundary(s, 0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_min_overlap(NULL, 20), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_min_overlap(s, 1), GRIDFORM_EINVAL);
    /* Annuli in metres; the longest lag of this 12 x 10 scorer over
     * 1.2 x 1.0 m is hypot(1.1, 0.9) = 1.42 m. */
    ck_assert_int_eq(gridform_scorer_set_annuli_m(NULL, 0.2, 0.4, 1, 10), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_annuli_m(s, -0.1, 0.4, 1, 10), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_annuli_m(s, 0.5, 0.4, 1, 10), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_annuli_m(s, 0.2, 0.4, 0.3, 10), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_annuli_m(s, 1.43, 1.5, 2.0, 10), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_scorer_last_error(s), "longest"));
    ck_assert_int_eq(gridform_scorer_set_annuli_m(s, 1.41, 1.5, 2.0, 10), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_set_annuli_m(s, NAN, 0.4, 1, 10), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_annuli_m(s, 0.2, 0.4, INFINITY, 10), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_annuli_m(s, 0.2, 0.4, 1, 0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_annuli_m(s, 0.2, 0.4, 1, 1001), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_annuli_m(s, 0.2, 0.4, 0.4, 3), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_annuli_m(s, 0.24, 0.48, 1.0, 10), GRIDFORM_OK);

    ck_assert_int_eq(gridform_scorer_autocorr(NULL, m, sac), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_autocorr(s, NULL, sac), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_autocorr(s, m, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_score(NULL, m, 1, &g0, NULL, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_score(s, NULL, 1, &g0, NULL, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_score(s, m, 0, &g0, NULL, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_score(s, m, SIZE_MAX, &g0, NULL, NULL, NULL), GRIDFORM_ERANGE);
    ck_assert_int_eq(gridform_map_dominant_k(NULL, m, &k), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_map_dominant_k(s, NULL, &k), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_map_dominant_k(s, m, NULL), GRIDFORM_EINVAL);
    m[5] = INFINITY;
    g0 = 42;
    ck_assert_int_eq(gridform_scorer_score(s, m, 1, &g0, NULL, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_double_eq(g0, 42);   /* untouched */
    ck_assert_int_eq(gridform_scorer_autocorr(s, m, sac), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_map_dominant_k(s, m, &k), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_scorer_last_error(s), "infinite"));
    /* A constant map. */
    for (int i = 0; i < 120; i++)
        m[i] = -3.25;
    ck_assert_int_eq(gridform_scorer_score(s, m, 1, &g0, NULL, NULL, NULL), GRIDFORM_EUNDEFINED);
    ck_assert(isnan(g0));
    ck_assert_ptr_nonnull(gridform_scorer_last_error(NULL));
    gridform_scorer_destroy(s);
    gridform_scorer_destroy(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("score");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sac_direct);
    tcase_add_test(tc, test_hexagonal);
    tcase_add_test(tc, test_rectangular_and_holes);
    tcase_add_test(tc, test_square_and_stripes);
    tcase_add_test(tc, test_noise);
    tcase_add_test(tc, test_invariance);
    tcase_add_test(tc, test_dominant_k);
    tcase_add_test(tc, test_undefined_and_batch);
    tcase_add_test(tc, test_mask_reuse);
    tcase_add_test(tc, test_ratemap);
    tcase_add_test(tc, test_auto_annuli);
    tcase_add_test(tc, test_auto_fallback);
    tcase_add_test(tc, test_periodic_defaults);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
