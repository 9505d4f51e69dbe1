/* Tests for the recording measures (gridform_scorer_measures(3)): spatial
 * information, sparsity and coherence against a direct NumPy computation
 * (tests/measures_fixtures.h, made by tests/make_measures_fixtures.py),
 * border scores of ideal border and centre fields, fields of Gaussians of
 * known count and area, ellipses of sheared lattices of known axis ratio
 * and angle, and every error path. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"
#include "measures_fixtures.h"

#define PI 3.14159265358979323846
#define DEG (PI / 180)

static uint64_t rng_state;
static double urand(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
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

static double xpos(size_t i, size_t n, double L) { return -L / 2 + ((double)i + 0.5) * L / (double)n; }

static void close_rel(double got, double want, double rtol, const char *what)
{
    ck_assert_msg(fabs(got - want) <= rtol * fabs(want), "%s: got %.17g, want %.17g", what, got, want);
}

/* ---- spatial information, sparsity, coherence: NumPy references ------- */

START_TEST(test_info_numpy)
{
    gridform_scorer *s = mkscorer(MF_NX, MF_NY, 1.3, 1.1, GRIDFORM_WALLED);
    double bs, bsec, sp;
    ck_assert_int_eq(gridform_scorer_spatial_info(s, mf_rate, 1, mf_occ, &bs, &bsec, &sp), GRIDFORM_OK);
    close_rel(bs, mf_info[0], 1e-10, "bits/spike");
    close_rel(bsec, mf_info[1], 1e-10, "bits/s");
    close_rel(sp, mf_info[2], 1e-10, "sparsity");
    /* without occupancy every visited bin weighs the same */
    ck_assert_int_eq(gridform_scorer_spatial_info(s, mf_rate, 1, NULL, &bs, &bsec, &sp), GRIDFORM_OK);
    close_rel(bs, mf_info_uniform[0], 1e-10, "uniform bits/spike");
    close_rel(bsec, mf_info_uniform[1], 1e-10, "uniform bits/s");
    close_rel(sp, mf_info_uniform[2], 1e-10, "uniform sparsity");
    /* occupancy in samples or in seconds: only proportions matter */
    double occ2[MF_NX * MF_NY], rate3[3 * MF_NX * MF_NY], bs3[3];
    for (size_t i = 0; i < MF_NX * MF_NY; i++)
        occ2[i] = mf_occ[i] * 0.02;
    ck_assert_int_eq(gridform_scorer_spatial_info(s, mf_rate, 1, occ2, &bs, NULL, NULL), GRIDFORM_OK);
    close_rel(bs, mf_info[0], 1e-12, "occupancy scale");
    /* a batch, and information in bits/spike is independent of the rate's scale */
    for (int m = 0; m < 3; m++)
        for (size_t i = 0; i < MF_NX * MF_NY; i++)
            rate3[m * MF_NX * MF_NY + i] = mf_rate[i] * (m == 0 ? 1 : m == 1 ? 1e-250 : 1e250);
    ck_assert_int_eq(gridform_scorer_spatial_info(s, rate3, 3, mf_occ, bs3, NULL, NULL), GRIDFORM_OK);
    for (int m = 0; m < 3; m++)
        close_rel(bs3[m], mf_info[0], 1e-12, "scaled rates");
    /* BNT keeps only the bins above the mean rate */
    ck_assert_int_eq(gridform_scorer_set_measure_variant(s, GRIDFORM_MEASURE_INFO, GRIDFORM_VARIANT_BNT),
                     GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_spatial_info(s, mf_rate, 1, mf_occ, &bs, &bsec, &sp), GRIDFORM_OK);
    close_rel(bs, mf_info_bnt[0], 1e-10, "BNT bits/spike");
    close_rel(bsec, mf_info_bnt[1], 1e-10, "BNT bits/s");
    close_rel(sp, mf_info_bnt[2], 1e-10, "BNT sparsity");
    gridform_scorer_destroy(s);
}
END_TEST

START_TEST(test_info_analytic)
{
    /* A cell firing at rate R in a fraction f of the time, silent elsewhere:
     * I = log2(1/f) bits/spike, sparsity f; a uniform map carries 0 bits. */
    gridform_scorer *s = mkscorer(16, 16, 1.0, 1.0, GRIDFORM_WALLED);
    double map[2 * 256], bs[2], sp[2];
    for (size_t i = 0; i < 256; i++) {
        map[i] = i < 32 ? 7.0 : 0.0;   /* f = 1/8 */
        map[256 + i] = 3.0;
    }
    ck_assert_int_eq(gridform_scorer_spatial_info(s, map, 2, NULL, bs, NULL, sp), GRIDFORM_OK);
    ck_assert(fabs(bs[0] - 3.0) < 1e-14);
    ck_assert(fabs(sp[0] - 0.125) < 1e-15);
    ck_assert(fabs(bs[1]) < 1e-15);
    ck_assert(fabs(sp[1] - 1.0) < 1e-15);
    gridform_scorer_destroy(s);
}
END_TEST

START_TEST(test_coherence_numpy)
{
    gridform_scorer *s = mkscorer(MF_NX, MF_NY, 1.3, 1.1, GRIDFORM_WALLED);
    double z, r;
    ck_assert_int_eq(gridform_scorer_coherence(s, mf_rate, 1, &z, &r), GRIDFORM_OK);
    close_rel(r, mf_coherence_r, 1e-12, "coherence r");
    close_rel(z, atanh(mf_coherence_r), 1e-12, "coherence z");
    ck_assert_int_eq(gridform_scorer_set_measure_variant(s, GRIDFORM_MEASURE_COHERENCE, GRIDFORM_VARIANT_BNT),
                     GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_coherence(s, mf_rate, 1, NULL, &r), GRIDFORM_OK);
    close_rel(r, mf_coherence_bnt_r, 1e-12, "BNT coherence r");
    gridform_scorer_destroy(s);
}
END_TEST

START_TEST(test_coherence_smooth_noise)
{
    const size_t n = 48;
    gridform_scorer *s = mkscorer(n, n, 1.0, 1.0, GRIDFORM_WALLED);
    double *maps = malloc(2 * n * n * sizeof *maps), z[2], r[2];
    rng_state = 11;
    for (size_t iy = 0; iy < n; iy++)
        for (size_t ix = 0; ix < n; ix++) {
            double x = xpos(ix, n, 1.0), y = xpos(iy, n, 1.0);
            maps[iy * n + ix] = exp(-(x * x + y * y) / (2 * 0.15 * 0.15));   /* a place field */
            maps[n * n + iy * n + ix] = urand();                              /* white noise */
        }
    ck_assert_int_eq(gridform_scorer_coherence(s, maps, 2, z, r), GRIDFORM_OK);
    ck_assert_msg(r[0] > 0.99 && z[0] > 2.6, "smooth map: r %g z %g", r[0], z[0]);
    /* 2304 bins: r of independent noise has s.d. about 1/sqrt(2304) = 0.02 */
    ck_assert_msg(fabs(r[1]) < 0.1, "noise map: r %g", r[1]);
    gridform_scorer_destroy(s);
    free(maps);
}
END_TEST

/* ---- border score ----------------------------------------------------- */

START_TEST(test_border_ideal)
{
    const size_t n = 40;
    gridform_scorer *s = mkscorer(n, n, 1.0, 1.0, GRIDFORM_WALLED);
    double *maps = calloc(4 * n * n, sizeof *maps), b[4], cm[4], dm[4];
    for (size_t ix = 0; ix < n; ix++)
        maps[0 * n * n + 0 * n + ix] = 5.0;   /* the whole bottom wall, one bin deep */
    for (size_t iy = 0; iy < n; iy++)
        for (size_t ix = 0; ix < n; ix++) {
            double x = xpos(ix, n, 1.0), y = xpos(iy, n, 1.0);
            maps[1 * n * n + iy * n + ix] = exp(-(x * x + y * y) / (2 * 0.1 * 0.1));    /* centre field */
            maps[2 * n * n + iy * n + ix] = exp(-(x - 0.5) * (x - 0.5) / (2 * 0.04 * 0.04)); /* along x = +L/2 */
            /* the left half of the top wall, one bin deep */
            maps[3 * n * n + iy * n + ix] = iy == n - 1 && ix < n / 2 ? 1.0 : 0.0;
        }
    /* 200 cm^2 is 32 bins here; half a wall is 20: lower the minimum */
    ck_assert_int_eq(gridform_scorer_set_border_fields(s, 0.3, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_border(s, maps, 4, b, cm, dm), GRIDFORM_OK);
    /* one bin deep: cM = 1, dm = (dx/2)/(L/2) = 1/n, b = (n - 1)/(n + 1) */
    ck_assert(fabs(cm[0] - 1.0) < 1e-15);
    ck_assert(fabs(dm[0] - 1.0 / 40) < 1e-14);
    ck_assert(fabs(b[0] - 39.0 / 41) < 1e-14);
    /* a centre field touches no wall: cM = 0, b = -1 */
    ck_assert(cm[1] == 0 && fabs(b[1] + 1) < 1e-15);
    ck_assert(dm[1] > 0.6);
    /* a border field with a Gaussian profile */
    ck_assert(fabs(cm[2] - 1.0) < 1e-15);
    ck_assert_msg(b[2] > 0.8, "Gaussian border field: b %g", b[2]);
    /* half a wall: cM = 1/2, dm = 1/n */
    ck_assert(fabs(cm[3] - 0.5) < 1e-15);
    ck_assert(fabs(b[3] - (0.5 - 1.0 / 40) / (0.5 + 1.0 / 40)) < 1e-14);
    /* BNT: taxicab distance in bins, the wall bin 1 away: dm = 1/(n/2) */
    ck_assert_int_eq(gridform_scorer_set_measure_variant(s, GRIDFORM_MEASURE_BORDER, GRIDFORM_VARIANT_BNT),
                     GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_border(s, maps, 1, b, cm, dm), GRIDFORM_OK);
    ck_assert(fabs(dm[0] - 1.0 / 20) < 1e-14);
    ck_assert(fabs(b[0] - 38.0 / 42) < 1e-14);
    /* BNT looks up to 8 bins inward past unvisited wall bins */
    for (size_t ix = 0; ix < n; ix++) {
        maps[1 * n * n + 0 * n + ix] = NAN;
        maps[1 * n * n + 1 * n + ix] = 5.0;
        maps[1 * n * n + 2 * n + ix] = 0.0;
    }
    for (size_t i = 3 * n; i < n * n; i++)
        maps[1 * n * n + i] = 0.0;
    ck_assert_int_eq(gridform_scorer_border(s, maps + n * n, 1, b, cm, dm), GRIDFORM_OK);
    ck_assert(fabs(cm[0] - 1.0) < 1e-15);
    ck_assert_int_eq(gridform_scorer_set_measure_variant(s, GRIDFORM_MEASURE_BORDER, GRIDFORM_VARIANT_PAPER),
                     GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_border(s, maps + n * n, 1, b, cm, dm), GRIDFORM_OK);
    /* the paper's wall bins are the visited ones along it: the bottom wall
     * has none, and the field covers one of the 39 bins of each side wall */
    ck_assert(fabs(cm[0] - 1.0 / 39) < 1e-15);
    /* a field smaller than the minimum area is no field */
    ck_assert_int_eq(gridform_scorer_set_border_fields(s, 0.3, 0.03), GRIDFORM_OK);   /* 48 bins */
    ck_assert_int_eq(gridform_scorer_border(s, maps, 1, b, cm, dm), GRIDFORM_EUNDEFINED);
    ck_assert(isnan(b[0]) && isnan(cm[0]) && isnan(dm[0]));
    gridform_scorer_destroy(s);
    free(maps);
}
END_TEST

/* ---- fields ----------------------------------------------------------- */

START_TEST(test_fields_gaussians)
{
    const size_t n = 64;
    const double L = 1.0, sig[4] = {0.06, 0.09, 0.07, 0.08};
    const double cxs[4] = {-0.25, 0.25, -0.25, 0.23}, cys[4] = {-0.25, -0.25, 0.24, 0.25};
    gridform_scorer *s = mkscorer(n, n, L, L, GRIDFORM_WALLED);
    double *map = malloc(n * n * sizeof *map);
    for (size_t iy = 0; iy < n; iy++)
        for (size_t ix = 0; ix < n; ix++) {
            double x = xpos(ix, n, L), y = xpos(iy, n, L), v = 0;
            for (int f = 0; f < 4; f++) {
                double dx = x - cxs[f], dy = y - cys[f];
                v += exp(-(dx * dx + dy * dy) / (2 * sig[f] * sig[f]));
            }
            map[iy * n + ix] = v;
        }
    size_t nf, nb[5];
    double area[5], pk[5], cx[5], cy[5];
    ck_assert_int_eq(gridform_scorer_fields(s, map, 5, &nf, area, nb, pk, cx, cy), GRIDFORM_OK);
    ck_assert_uint_eq(nf, 4);
    /* largest first: sigma 0.09, 0.08, 0.07, 0.06 */
    const int order[4] = {1, 3, 2, 0};
    for (int j = 0; j < 4; j++) {
        int f = order[j];
        /* above 0.2 of the peak: a disc of radius sigma sqrt(2 ln 5) */
        double want = PI * 2 * sig[f] * sig[f] * log(5.0);
        ck_assert_msg(fabs(area[j] - want) < 0.05 * want, "field %d: area %g, want %g", j, area[j], want);
        ck_assert(fabs(area[j] - (double)nb[j] * (L / n) * (L / n)) < 1e-15);
        ck_assert(fabs(cx[j] - cxs[f]) < 0.002 && fabs(cy[j] - cys[f]) < 0.002);
        ck_assert(pk[j] > 0.98 && pk[j] < 1.001);
    }
    /* max_fields caps what is written, not the count */
    ck_assert_int_eq(gridform_scorer_fields(s, map, 1, &nf, area, NULL, NULL, NULL, NULL), GRIDFORM_OK);
    ck_assert_uint_eq(nf, 4);
    ck_assert_int_eq(gridform_scorer_fields(s, map, 0, &nf, NULL, NULL, NULL, NULL, NULL), GRIDFORM_OK);
    ck_assert_uint_eq(nf, 4);
    /* a higher threshold shrinks them; a minimum size beyond the largest leaves none */
    ck_assert_int_eq(gridform_scorer_set_fields(s, 0.5, 9, 4), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_fields(s, map, 5, &nf, area, nb, NULL, NULL, NULL), GRIDFORM_OK);
    ck_assert_uint_eq(nf, 4);
    ck_assert(fabs(area[0] - PI * 2 * 0.0081 * log(2.0)) < 0.06 * PI * 2 * 0.0081 * log(2.0));
    ck_assert_int_eq(gridform_scorer_set_fields(s, 0.5, 4096, 4), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_fields(s, map, 5, &nf, area, nb, NULL, NULL, NULL), GRIDFORM_OK);
    ck_assert_uint_eq(nf, 0);
    gridform_scorer_destroy(s);
    free(map);
}
END_TEST

START_TEST(test_fields_connectivity_wrap)
{
    /* two bins touching at a corner: two fields with 4-connectivity, one with 8 */
    gridform_scorer *s = mkscorer(8, 8, 1.0, 1.0, GRIDFORM_WALLED);
    double map[64] = {0};
    map[2 * 8 + 2] = 1;
    map[3 * 8 + 3] = 1;
    size_t nf;
    ck_assert_int_eq(gridform_scorer_set_fields(s, 0.5, 1, 4), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_fields(s, map, 0, &nf, NULL, NULL, NULL, NULL, NULL), GRIDFORM_OK);
    ck_assert_uint_eq(nf, 2);
    ck_assert_int_eq(gridform_scorer_set_fields(s, 0.5, 1, 8), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_fields(s, map, 0, &nf, NULL, NULL, NULL, NULL, NULL), GRIDFORM_OK);
    ck_assert_uint_eq(nf, 1);
    gridform_scorer_destroy(s);
    /* a field across the corner of a periodic map is one field, centred there */
    const size_t n = 32;
    s = mkscorer(n, n, 1.0, 1.0, GRIDFORM_PERIODIC);
    double *m = malloc(n * n * sizeof *m), area, cx, cy;
    for (size_t iy = 0; iy < n; iy++)
        for (size_t ix = 0; ix < n; ix++) {
            double x = xpos(ix, n, 1.0) + 0.5, y = xpos(iy, n, 1.0) + 0.5;   /* from the corner */
            x -= round(x);
            y -= round(y);
            m[iy * n + ix] = exp(-(x * x + y * y) / (2 * 0.08 * 0.08));
        }
    ck_assert_int_eq(gridform_scorer_fields(s, m, 1, &nf, &area, NULL, NULL, &cx, &cy), GRIDFORM_OK);
    ck_assert_uint_eq(nf, 1);
    ck_assert(fabs(fabs(cx) - 0.5) < 1e-9 && fabs(fabs(cy) - 0.5) < 1e-9);
    ck_assert(fabs(area - PI * 2 * 0.0064 * log(5.0)) < 0.06 * PI * 2 * 0.0064 * log(5.0));
    gridform_scorer_destroy(s);
    free(m);
}
END_TEST

/* ---- ellipse ---------------------------------------------------------- */

/* A hexagonal lattice of spacing a at orientation theta, sheared by
 * A = R(phi) diag(sqrt(rho), 1/sqrt(rho)) R(-phi): the six nearest peaks
 * lie on an ellipse of axis ratio rho whose major axis is at phi. */
static void sheared_rect(double *map, size_t nx, size_t ny, double lx, double ly, double a, double theta, double rho,
                         double phi)
{
    double c = cos(phi), sn = sin(phi), s1 = sqrt(rho), s2 = 1 / sqrt(rho);
    /* A^{-1} = R(phi) diag(1/s1, 1/s2) R(-phi); the waves' k -> A^{-T} k = A^{-1} k */
    double Ai[2][2] = {{c * c / s1 + sn * sn / s2, c * sn / s1 - c * sn / s2},
                       {c * sn / s1 - c * sn / s2, sn * sn / s1 + c * c / s2}};
    double k = 4 * PI / (sqrt(3.0) * a), kx[3], ky[3];
    for (int j = 0; j < 3; j++) {
        double ang = theta + PI / 6 + j * 2 * PI / 3, ux = k * cos(ang), uy = k * sin(ang);
        kx[j] = Ai[0][0] * ux + Ai[0][1] * uy;
        ky[j] = Ai[1][0] * ux + Ai[1][1] * uy;
    }
    for (size_t iy = 0; iy < ny; iy++)
        for (size_t ix = 0; ix < nx; ix++) {
            double x = xpos(ix, nx, lx), y = xpos(iy, ny, ly), g = 0;
            for (int j = 0; j < 3; j++)
                g += cos(kx[j] * x + ky[j] * y + 0.3 * j);
            map[iy * nx + ix] = g;
        }
}

static void sheared(double *map, size_t n, double L, double a, double theta, double rho, double phi)
{
    sheared_rect(map, n, n, L, L, a, theta, rho, phi);
}

START_TEST(test_ellipse_sheared)
{
    const size_t n = 64;
    gridform_scorer *s = mkscorer(n, n, 1.0, 1.0, GRIDFORM_WALLED);
    double *map = malloc(n * n * sizeof *map);
    rng_state = 5;
    double worst_r = 0, worst_a = 0;
    for (int i = 0; i <= 4; i++) {
        double rho = 1.0 + 0.1 * i;
        for (int t = 0; t < 4; t++) {
            double phi = PI * urand(), theta = PI / 3 * urand(), ratio, angle, off;
            sheared(map, n, 1.0, 0.3, theta, rho, phi);
            ck_assert_int_eq(gridform_scorer_ellipse(s, map, 1, &ratio, &angle, &off), GRIDFORM_OK);
            ck_assert(ratio >= 1 && angle >= 0 && angle < PI && off >= 0 && off <= PI / 4);
            worst_r = fmax(worst_r, fabs(ratio / rho - 1));
            ck_assert_msg(fabs(ratio / rho - 1) < 0.01, "rho %g phi %g: ratio %g", rho, phi, ratio);
            if (rho > 1.05) {
                double d = remainder(angle - phi, PI);
                worst_a = fmax(worst_a, fabs(d));
                ck_assert_msg(fabs(d) < 1 * DEG, "rho %g phi %g: angle %g deg", rho, phi / DEG, angle / DEG);
            }
        }
    }
    /* the worst errors seen when this test was written: 0.09% and 0.2 deg */
    ck_assert(worst_r < 0.005 && worst_a < 0.5 * DEG);
    gridform_scorer_destroy(s);
    /* rectangular bins (1.0 x 0.8 m on 64 x 64): positions in metres */
    s = mkscorer(n, n, 1.0, 0.8, GRIDFORM_WALLED);
    for (int t = 0; t < 4; t++) {
        double rho = 1.1 + 0.1 * t, phi = PI * urand(), theta = PI / 3 * urand(), ratio, angle;
        sheared_rect(map, n, n, 1.0, 0.8, 0.3, theta, rho, phi);
        ck_assert_int_eq(gridform_scorer_ellipse(s, map, 1, &ratio, &angle, NULL), GRIDFORM_OK);
        ck_assert_msg(fabs(ratio / rho - 1) < 0.01, "rectangular bins, rho %g: ratio %g", rho, ratio);
        ck_assert_msg(fabs(remainder(angle - phi, PI)) < 1 * DEG, "rectangular bins: angle %g, want %g",
                      angle / DEG, phi / DEG);
    }
    gridform_scorer_destroy(s);
    free(map);
}
END_TEST

START_TEST(test_ellipse_wall_offset)
{
    /* unsheared grids: axes at theta + 60 j; the nearest wall direction is a
     * multiple of 90 degrees */
    const size_t n = 64;
    gridform_scorer *s = mkscorer(n, n, 1.0, 1.0, GRIDFORM_WALLED);
    double *map = malloc(n * n * sizeof *map);
    const double theta[4] = {7.5, 20, 0, 15}, want[4] = {7.5, 10, 0, 15};
    for (int t = 0; t < 4; t++) {
        double ratio, off;
        sheared(map, n, 1.0, 0.3, theta[t] * DEG, 1.0, 0.0);
        ck_assert_int_eq(gridform_scorer_ellipse(s, map, 1, &ratio, NULL, &off), GRIDFORM_OK);
        ck_assert_msg(fabs(off - want[t] * DEG) < 0.5 * DEG, "theta %g: offset %g deg", theta[t], off / DEG);
        ck_assert(fabs(ratio - 1) < 0.01);
    }
    gridform_scorer_destroy(s);
    free(map);
}
END_TEST

/* ---- errors ----------------------------------------------------------- */

START_TEST(test_errors)
{
    const size_t n = 16;
    gridform_scorer *s = mkscorer(n, n, 1.0, 1.0, GRIDFORM_WALLED);
    double map[256], occ[256], out[2], out2[2], out3[2], area[2];
    size_t nf = 99, nb[2];
    for (size_t i = 0; i < 256; i++) {
        map[i] = (double)(i % 7);
        occ[i] = 1;
    }
    /* NULL handles and arrays, no maps, no outputs */
    ck_assert_int_eq(gridform_scorer_spatial_info(NULL, map, 1, NULL, out, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_spatial_info(s, NULL, 1, NULL, out, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_spatial_info(s, map, 0, NULL, out, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_spatial_info(s, map, 1, NULL, NULL, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_spatial_info(s, map, SIZE_MAX, NULL, out, NULL, NULL), GRIDFORM_ERANGE);
    ck_assert_int_eq(gridform_scorer_coherence(NULL, map, 1, out, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_coherence(s, NULL, 1, out, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_coherence(s, map, 0, out, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_coherence(s, map, 1, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_border(s, NULL, 1, out, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_border(s, map, 0, out, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_border(s, map, 1, NULL, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_ellipse(s, NULL, 1, out, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_ellipse(s, map, 0, out, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_ellipse(s, map, 1, NULL, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_fields(s, NULL, 1, &nf, NULL, NULL, NULL, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_fields(s, map, 1, NULL, NULL, NULL, NULL, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_str_eq(gridform_scorer_last_error(s), "gridform_scorer_fields: nfields must not be NULL");
    /* negative rates and occupancies; infinite values; the outputs untouched */
    out[0] = 42;
    map[5] = -1;
    ck_assert_int_eq(gridform_scorer_spatial_info(s, map, 1, NULL, out, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert(out[0] == 42);
    map[5] = NAN;   /* unvisited: allowed */
    ck_assert_int_eq(gridform_scorer_spatial_info(s, map, 1, NULL, out, NULL, NULL), GRIDFORM_OK);
    occ[7] = -0.5;
    ck_assert_int_eq(gridform_scorer_spatial_info(s, map, 1, occ, out, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert(strstr(gridform_scorer_last_error(s), "occupancy[7]") != NULL);
    occ[7] = NAN;
    ck_assert_int_eq(gridform_scorer_spatial_info(s, map, 1, occ, out, NULL, NULL), GRIDFORM_EINVAL);
    occ[7] = 1;
    map[9] = INFINITY;
    ck_assert_int_eq(gridform_scorer_spatial_info(s, map, 1, occ, out, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_coherence(s, map, 1, out, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_border(s, map, 1, out, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_ellipse(s, map, 1, out, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_fields(s, map, 1, &nf, NULL, NULL, NULL, NULL, NULL), GRIDFORM_EINVAL);
    /* all-zero and all-unvisited maps: GRIDFORM_EUNDEFINED with NaN, never a silent NaN */
    double two[512];
    for (size_t i = 0; i < 256; i++) {
        two[i] = 0.0;
        two[256 + i] = (double)(i % 5);
    }
    ck_assert_int_eq(gridform_scorer_spatial_info(s, two, 2, NULL, out, out2, out3), GRIDFORM_EUNDEFINED);
    ck_assert(isnan(out[0]) && isnan(out2[0]) && isnan(out3[0]) && out[1] > 0 && out3[1] > 0);
    ck_assert(strstr(gridform_scorer_last_error(s), "the first is map 0") != NULL);
    ck_assert_int_eq(gridform_scorer_coherence(s, two, 2, out, out2), GRIDFORM_EUNDEFINED);
    ck_assert(isnan(out[0]) && isnan(out2[0]) && !isnan(out[1]));
    ck_assert_int_eq(gridform_scorer_border(s, two, 2, out, out2, out3), GRIDFORM_EUNDEFINED);
    ck_assert(isnan(out[0]) && isnan(out2[0]) && isnan(out3[0]));
    ck_assert_int_eq(gridform_scorer_ellipse(s, two, 1, out, out2, out3), GRIDFORM_EUNDEFINED);
    ck_assert(isnan(out[0]) && isnan(out2[0]) && isnan(out3[0]));
    ck_assert_int_eq(gridform_scorer_fields(s, two, 2, &nf, area, nb, NULL, NULL, NULL), GRIDFORM_EUNDEFINED);
    ck_assert_uint_eq(nf, 0);
    for (size_t i = 0; i < 256; i++)
        two[i] = NAN;
    ck_assert_int_eq(gridform_scorer_spatial_info(s, two, 1, NULL, out, NULL, NULL), GRIDFORM_EUNDEFINED);
    ck_assert_int_eq(gridform_scorer_coherence(s, two, 1, out, NULL), GRIDFORM_EUNDEFINED);
    /* zero occupancy everywhere: nothing visited */
    for (size_t i = 0; i < 256; i++)
        occ[i] = 0;
    ck_assert_int_eq(gridform_scorer_spatial_info(s, two + 256, 1, occ, out, NULL, NULL), GRIDFORM_EUNDEFINED);
    /* options */
    ck_assert_int_eq(gridform_scorer_set_measure_variant(NULL, GRIDFORM_MEASURE_INFO, GRIDFORM_VARIANT_BNT),
                     GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_measure_variant(s, 0, GRIDFORM_VARIANT_BNT), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_measure_variant(s, GRIDFORM_MEASURE_BORDER, 3), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_fields(NULL, 0.2, 9, 4), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_fields(s, 0.0, 9, 4), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_fields(s, 1.0, 9, 4), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_fields(s, NAN, 9, 4), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_fields(s, 0.2, 0, 4), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_fields(s, 0.2, 9, 6), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_border_fields(NULL, 0.3, 0.02), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_border_fields(s, 1.5, 0.02), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_border_fields(s, 0.3, -1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_scorer_set_border_fields(s, 0.3, INFINITY), GRIDFORM_EINVAL);
    /* the border score needs walls */
    ck_assert_int_eq(gridform_scorer_set_boundary(s, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_border(s, two + 256, 1, out, NULL, NULL), GRIDFORM_EUNSUPPORTED);
    gridform_scorer_destroy(s);
}
END_TEST

START_TEST(test_extreme_values)
{
    /* found by fuzz_score: never NaN with GRIDFORM_OK */
    gridform_scorer *s = mkscorer(4, 4, 1.0, 1.0, GRIDFORM_WALLED);
    double map[16] = {1.0}, occ[16], out[3];
    for (int i = 0; i < 16; i++)
        occ[i] = i == 0 ? 1e-300 : 1e300;
    /* the firing bin weighs 1e-600 of the rest: the mean rate is 0 in double */
    ck_assert_int_eq(gridform_scorer_spatial_info(s, map, 1, occ, out, out + 1, out + 2), GRIDFORM_EUNDEFINED);
    ck_assert(isnan(out[0]) && isnan(out[1]) && isnan(out[2]));
    occ[0] = 1e-290;
    occ[1] = 1e-300;
    map[1] = 2.0;
    for (int i = 2; i < 16; i++)
        occ[i] = 0;
    /* two bins only, with tiny occupancies 1e10 apart: p = (1, 1e-10), finite */
    ck_assert_int_eq(gridform_scorer_spatial_info(s, map, 1, occ, out, out + 1, out + 2), GRIDFORM_OK);
    ck_assert(isfinite(out[0]) && isfinite(out[1]) && isfinite(out[2]));
    ck_assert(fabs(out[2] - 1) < 1e-9);
    /* a subnormal peak: threshold fractions underflow, fields stay positive */
    double sub[16] = {0};
    sub[5] = 4.9406564584124654e-324;
    sub[6] = 4.9406564584124654e-324;
    size_t nf;
    double cx, cy, area;
    ck_assert_int_eq(gridform_scorer_set_fields(s, 0.2, 1, 4), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_fields(s, sub, 1, &nf, &area, NULL, NULL, &cx, &cy), GRIDFORM_OK);
    ck_assert_uint_eq(nf, 1);
    ck_assert(fabs(area - 2.0 / 16) < 1e-15 && fabs(cx - 0.0) < 1e-15 && fabs(cy + 0.125) < 1e-15);
    gridform_scorer_destroy(s);
}
END_TEST

START_TEST(test_shape_outside_unvisited)
{
    /* an L-shaped arena: its outside bins are unvisited, whatever they hold
     * (an infinite or negative value included) */
    const size_t n = 24;
    unsigned char inside[24 * 24];
    double *shaped = malloc(n * n * sizeof *shaped), *nanned = malloc(n * n * sizeof *nanned);
    rng_state = 17;
    for (size_t iy = 0; iy < n; iy++)
        for (size_t ix = 0; ix < n; ix++) {
            size_t i = iy * n + ix;
            inside[i] = !(ix >= n / 2 && iy >= n / 2);
            double x = xpos(ix, n, 1.0), y = xpos(iy, n, 1.0);
            double v = exp(-((x + 0.2) * (x + 0.2) + (y + 0.1) * (y + 0.1)) / 0.02) + 0.1 * urand();
            shaped[i] = inside[i] ? v : (i % 3 == 0 ? INFINITY : -5.0);
            nanned[i] = inside[i] ? v : NAN;
        }
    gridform_arena *a = NULL;
    gridform_scorer *sm = NULL, *sr = mkscorer(n, n, 1.0, 1.0, GRIDFORM_WALLED);
    ck_assert_int_eq(gridform_arena_create_mask(&a, 1.0, 1.0, n, n, inside), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_create(&sm, a), GRIDFORM_OK);
    gridform_arena_destroy(a);
    double o1[3], o2[3];
    ck_assert_int_eq(gridform_scorer_spatial_info(sm, shaped, 1, NULL, o1, o1 + 1, o1 + 2), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_spatial_info(sr, nanned, 1, NULL, o2, o2 + 1, o2 + 2), GRIDFORM_OK);
    for (int j = 0; j < 3; j++)
        ck_assert(o1[j] == o2[j]);
    ck_assert_int_eq(gridform_scorer_coherence(sm, shaped, 1, o1, o1 + 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_coherence(sr, nanned, 1, o2, o2 + 1), GRIDFORM_OK);
    ck_assert(o1[0] == o2[0] && o1[1] == o2[1]);
    size_t nf1, nf2;
    double a1[4], a2[4], x1[4], x2[4];
    ck_assert_int_eq(gridform_scorer_fields(sm, shaped, 4, &nf1, a1, NULL, NULL, x1, NULL), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_fields(sr, nanned, 4, &nf2, a2, NULL, NULL, x2, NULL), GRIDFORM_OK);
    ck_assert_uint_eq(nf1, nf2);
    ck_assert(nf1 >= 1 && a1[0] == a2[0] && x1[0] == x2[0]);
    /* the border score is the four walls' of a rectangle */
    ck_assert_int_eq(gridform_scorer_border(sm, shaped, 1, o1, NULL, NULL), GRIDFORM_EUNSUPPORTED);
    gridform_scorer_destroy(sm);
    gridform_scorer_destroy(sr);
    free(shaped);
    free(nanned);
}
END_TEST

static Suite *measures_suite(void)
{
    Suite *su = suite_create("measures");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_info_numpy);
    tcase_add_test(tc, test_info_analytic);
    tcase_add_test(tc, test_coherence_numpy);
    tcase_add_test(tc, test_coherence_smooth_noise);
    tcase_add_test(tc, test_border_ideal);
    tcase_add_test(tc, test_fields_gaussians);
    tcase_add_test(tc, test_fields_connectivity_wrap);
    tcase_add_test(tc, test_ellipse_sheared);
    tcase_add_test(tc, test_ellipse_wall_offset);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_extreme_values);
    tcase_add_test(tc, test_shape_outside_unvisited);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(measures_suite());
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
