/* Tests for arenas of any shape (gridform_arena_shapes(3), doc/theory.md
 * §7): masks and polygons, centres inside, geodesic distances against
 * analytic shortest paths, kernels in the shape (EXACT, UNIFORM) with their
 * symmetries, the scorer's outside bins, and every error path. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"

#define PI 3.14159265358979323846

/* The L: the unit box without its upper right quadrant; reflex vertex at
 * the origin. */
static const double L_XY[] = {-0.5, -0.5, 0.5, -0.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.5, -0.5, 0.5};
static const size_t L_RING[] = {6};
/* The unit box with a square hole of side 0.4 in the middle. */
static const double H_XY[] = {-0.5, -0.5, 0.5, -0.5, 0.5, 0.5, -0.5, 0.5,
                              -0.2, -0.2, -0.2, 0.2, 0.2, 0.2, 0.2, -0.2};
static const size_t H_RING[] = {4, 4};
/* A trapezoid symmetric under x -> -x. */
static const double T_XY[] = {-0.5, -0.5, 0.5, -0.5, 0.2, 0.5, -0.2, 0.5};
static const size_t T_RING[] = {4};

static double maxabs(const double *v, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(v[i]));
    return m;
}

static double maxdiff(const double *a, const double *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(a[i] - b[i]));
    return m;
}

/* Deterministic pseudo-random numbers in [-0.5, 0.5). */
static double lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return (double)(*s >> 11) / 9007199254740992.0 - 0.5;
}

static double hypot_tuning(double dx, double dy, void *user)
{
    (void)user;
    return hypot(dx, dy);
}

static void circle_xy(double *xy, size_t m, double r)
{
    for (size_t i = 0; i < m; i++) {
        xy[2 * i] = r * cos(2 * PI * (double)i / (double)m);
        xy[2 * i + 1] = r * sin(2 * PI * (double)i / (double)m);
    }
}

START_TEST(test_whole_box_mask_is_the_rectangle)
{
    /* The whole-box mask is stored as the plain walled box: kernels and
     * scores agree exactly (the acceptance asks 1e-12). */
    const size_t nx = 18, ny = 14, n = nx * ny;
    unsigned char ones[18 * 14];
    memset(ones, 1, sizeof ones);
    gridform_arena *m = NULL, *r = NULL;
    ck_assert_int_eq(gridform_arena_create_mask(&m, 1.2, 0.9, nx, ny, ones), GRIDFORM_OK);
    ck_assert_int_eq(gridform_arena_create(&r, 1.2, 0.9, nx, ny, GRIDFORM_WALLED), GRIDFORM_OK);
    int b;
    ck_assert_int_eq(gridform_arena_get_boundary(m, &b), GRIDFORM_OK);
    ck_assert_int_eq(b, GRIDFORM_WALLED);
    unsigned char got[18 * 14];
    ck_assert_int_eq(gridform_arena_get_mask(r, got), GRIDFORM_OK);
    ck_assert_int_eq(memcmp(got, ones, n), 0);
    double g[18 * 14], o1[18 * 14], o2[18 * 14];
    uint64_t s = 3;
    for (size_t i = 0; i < n; i++)
        g[i] = lcg(&s);
    static const int modes[] = {GRIDFORM_KERNEL_EXACT, GRIDFORM_KERNEL_EXACT | GRIDFORM_KERNEL_CENTERED,
                                GRIDFORM_KERNEL_UNIFORM, GRIDFORM_KERNEL_AVERAGED};
    for (size_t t = 0; t < sizeof modes / sizeof modes[0]; t++) {
        gridform_placecode *p1 = NULL, *p2 = NULL;
        gridform_kernel *k1 = NULL, *k2 = NULL;
        ck_assert_int_eq(gridform_placecode_create(&p1, m, GRIDFORM_TUNING_DOG, 0.1, 2.0, 60, GRIDFORM_CENTERS_RANDOM, 7),
                         GRIDFORM_OK);
        ck_assert_int_eq(gridform_placecode_create(&p2, r, GRIDFORM_TUNING_DOG, 0.1, 2.0, 60, GRIDFORM_CENTERS_RANDOM, 7),
                         GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_create(&k1, p1, modes[t]), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_create(&k2, p2, modes[t]), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_apply(k1, g, o1, 1), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_apply(k2, g, o2, 1), GRIDFORM_OK);
        ck_assert_double_le(maxdiff(o1, o2, n), 1e-12 * maxabs(o2, n));
        gridform_kernel_destroy(k1);
        gridform_kernel_destroy(k2);
        gridform_placecode_destroy(p1);
        gridform_placecode_destroy(p2);
    }
    /* Learner maps from a fixed seed: the same operator, the same maps
     * (EXACT, and UNIFORM, which the learner reads like EXACT). */
    for (int lm = 0; lm < 2; lm++) {
        int km = lm == 0 ? GRIDFORM_KERNEL_EXACT | GRIDFORM_KERNEL_CENTERED : GRIDFORM_KERNEL_UNIFORM;
        gridform_placecode *p1 = NULL, *p2 = NULL;
        gridform_kernel *k1 = NULL, *k2 = NULL;
        gridform_learner *l1 = NULL, *l2 = NULL;
        ck_assert_int_eq(gridform_placecode_create(&p1, m, GRIDFORM_TUNING_DOG, 0.1, 2.0, 60, GRIDFORM_CENTERS_RANDOM, 7),
                         GRIDFORM_OK);
        ck_assert_int_eq(gridform_placecode_create(&p2, r, GRIDFORM_TUNING_DOG, 0.1, 2.0, 60, GRIDFORM_CENTERS_RANDOM, 7),
                         GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_create(&k1, p1, km), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_create(&k2, p2, km), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_create(&l1, k1, 2), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_create(&l2, k2, 2), GRIDFORM_OK);
        gridform_learner_set_nonlinearity(l1, GRIDFORM_NL_RELU, 0.0);
        gridform_learner_set_nonlinearity(l2, GRIDFORM_NL_RELU, 0.0);
        ck_assert_int_eq(gridform_learner_seed(l1, 5, 0.01), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_seed(l2, 5, 0.01), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_iterate(l1, 20), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_iterate(l2, 20), GRIDFORM_OK);
        double g1[2 * 18 * 14], g2[2 * 18 * 14];
        ck_assert_int_eq(gridform_learner_get_maps(l1, g1), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_get_maps(l2, g2), GRIDFORM_OK);
        ck_assert_double_gt(maxabs(g2, 2 * n), 0.0);
        ck_assert_double_le(maxdiff(g1, g2, 2 * n), 1e-12 * maxabs(g2, 2 * n));
        gridform_learner_destroy(l1);
        gridform_learner_destroy(l2);
        gridform_kernel_destroy(k1);
        gridform_kernel_destroy(k2);
        gridform_placecode_destroy(p1);
        gridform_placecode_destroy(p2);
    }
    gridform_scorer *s1 = NULL, *s2 = NULL;
    ck_assert_int_eq(gridform_scorer_create(&s1, m), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_create(&s2, r), GRIDFORM_OK);
    double map[18 * 14];
    for (size_t i = 0; i < n; i++)
        map[i] = cos(2 * PI * (double)(i % nx) / 6.0) + cos(2 * PI * (double)(i / nx) / 5.0);
    double a60, a90, b60, b90, asp, bsp, aor, bor;
    gridform_scorer_score(s1, map, 1, &a60, &a90, &asp, &aor);
    gridform_scorer_score(s2, map, 1, &b60, &b90, &bsp, &bor);
    ck_assert(a60 == b60 || (isnan(a60) && isnan(b60)));
    ck_assert(a90 == b90 || (isnan(a90) && isnan(b90)));
    ck_assert(asp == bsp || (isnan(asp) && isnan(bsp)));
    gridform_scorer_destroy(s1);
    gridform_scorer_destroy(s2);
    gridform_arena_destroy(m);
    gridform_arena_destroy(r);
}
END_TEST

START_TEST(test_polygon_equals_its_mask)
{
    const size_t nx = 20, ny = 20, n = nx * ny;
    gridform_arena *p = NULL, *m = NULL;
    ck_assert_int_eq(gridform_arena_create_polygon(&p, 1, 1, nx, ny, H_XY, H_RING, 2), GRIDFORM_OK);
    unsigned char in[400], in2[400];
    ck_assert_int_eq(gridform_arena_get_mask(p, in), GRIDFORM_OK);
    size_t cnt = 0;
    for (size_t i = 0; i < n; i++) {
        double x = -0.5 + ((double)(i % nx) + 0.5) / (double)nx, y = -0.5 + ((double)(i / nx) + 0.5) / (double)ny;
        ck_assert_int_eq(in[i], !(fabs(x) < 0.2 && fabs(y) < 0.2));
        cnt += in[i];
    }
    ck_assert_uint_eq(cnt, n - 64);   /* 8 x 8 bins in the hole */
    ck_assert_int_eq(gridform_arena_create_mask(&m, 1, 1, nx, ny, in), GRIDFORM_OK);
    ck_assert_int_eq(gridform_arena_get_mask(m, in2), GRIDFORM_OK);
    ck_assert_int_eq(memcmp(in, in2, n), 0);
    /* Same centres (user-set), same kernel, same scores. */
    double c[2 * 30];
    gridform_placecode *pc1 = NULL, *pc2 = NULL;
    ck_assert_int_eq(gridform_placecode_create(&pc1, p, GRIDFORM_TUNING_GAUSSIAN, 0.12, 1, 30, GRIDFORM_CENTERS_RANDOM, 5),
                     GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_get_centers(pc1, c), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc2, m, GRIDFORM_TUNING_GAUSSIAN, 0.12, 1, 30, GRIDFORM_CENTERS_RANDOM, 9),
                     GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_set_centers(pc2, c, 30), GRIDFORM_OK);
    gridform_kernel *k1 = NULL, *k2 = NULL;
    ck_assert_int_eq(gridform_kernel_create(&k1, pc1, GRIDFORM_KERNEL_EXACT), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k2, pc2, GRIDFORM_KERNEL_EXACT), GRIDFORM_OK);
    double g[400], o1[400], o2[400];
    uint64_t s = 11;
    for (size_t i = 0; i < n; i++)
        g[i] = lcg(&s);
    ck_assert_int_eq(gridform_kernel_apply(k1, g, o1, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_apply(k2, g, o2, 1), GRIDFORM_OK);
    ck_assert_double_eq(maxdiff(o1, o2, n), 0.0);
    for (size_t i = 0; i < n; i++)
        if (!in[i])
            ck_assert_double_eq(o1[i], 0.0);
    gridform_kernel_destroy(k1);
    gridform_kernel_destroy(k2);
    gridform_placecode_destroy(pc1);
    gridform_placecode_destroy(pc2);
    gridform_arena_destroy(p);
    gridform_arena_destroy(m);
}
END_TEST

START_TEST(test_circle_area)
{
    /* Inside bins times dA against pi r^2: within one bin row around the
     * perimeter, 2 pi r h. */
    const size_t nx = 48, ny = 40, m = 96;
    const double r = 0.42, lx = 1.0, ly = 0.9;
    double xy[2 * 96];
    circle_xy(xy, m, r);
    gridform_arena *a = NULL;
    ck_assert_int_eq(gridform_arena_create_polygon(&a, lx, ly, nx, ny, xy, &m, 1), GRIDFORM_OK);
    unsigned char in[48 * 40];
    ck_assert_int_eq(gridform_arena_get_mask(a, in), GRIDFORM_OK);
    size_t cnt = 0;
    for (size_t i = 0; i < nx * ny; i++)
        cnt += in[i];
    double dA = (lx / nx) * (ly / ny), h = fmax(lx / nx, ly / ny);
    ck_assert_double_le(fabs((double)cnt * dA - PI * r * r), 2 * PI * r * h);
    /* Centres of both layouts inside the circle (the polygon inscribed in it). */
    for (int layout = GRIDFORM_CENTERS_LATTICE; layout <= GRIDFORM_CENTERS_RANDOM; layout++) {
        gridform_placecode *pc = NULL;
        ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_GAUSSIAN, 0.1, 1, 77, layout, 3),
                         GRIDFORM_OK);
        double c[2 * 77];
        size_t nc = 0;
        ck_assert_int_eq(gridform_placecode_get_ncells(pc, &nc), GRIDFORM_OK);
        ck_assert_uint_eq(nc, 77);
        ck_assert_int_eq(gridform_placecode_get_centers(pc, c), GRIDFORM_OK);
        double cx = 0, cy = 0;
        for (size_t i = 0; i < 77; i++) {
            ck_assert_double_le(hypot(c[2 * i], c[2 * i + 1]), r);
            cx += c[2 * i] / 77;
            cy += c[2 * i + 1] / 77;
        }
        /* spread over the disc: the mean near the centre */
        ck_assert_double_le(hypot(cx, cy), 0.1);
        gridform_placecode_destroy(pc);
    }
    gridform_arena_destroy(a);
}
END_TEST

/* Analytic visibility in the L: the segment must not enter the open
 * quadrant x > 0, y > 0.  Returns 1 when it does not. */
static int interval_pos(double p, double q, double *t0, double *t1)
{
    /* t in [0, 1] where p + t (q - p) > 0: [*t0, *t1], empty if t0 >= t1 */
    if (p > 0 && q > 0) { *t0 = 0; *t1 = 1; }
    else if (p <= 0 && q <= 0) { *t0 = 1; *t1 = 0; }
    else if (p > 0) { *t0 = 0; *t1 = p / (p - q); }
    else { *t0 = p / (p - q); *t1 = 1; }
    return *t0 < *t1;
}

static int l_visible(double px, double py, double qx, double qy)
{
    double a0, a1, b0, b1;
    if (!interval_pos(px, qx, &a0, &a1) || !interval_pos(py, qy, &b0, &b1))
        return 1;
    return fmin(a1, b1) - fmax(a0, b0) <= 1e-14;
}

static double l_dist(double px, double py, double qx, double qy)
{
    if (l_visible(px, py, qx, qy))
        return hypot(qx - px, qy - py);
    return hypot(px, py) + hypot(qx, qy);
}

/* The square hole (-w, w)^2: visible when the segment misses its inside. */
static int band(double p, double q, double w, double *t0, double *t1)
{
    /* t where -w < p + t (q - p) < w */
    double d = q - p;
    if (d == 0) {
        if (fabs(p) < w) { *t0 = 0; *t1 = 1; }
        else { *t0 = 1; *t1 = 0; }
    } else {
        double ta = (-w - p) / d, tb = (w - p) / d;
        *t0 = fmax(0, fmin(ta, tb));
        *t1 = fmin(1, fmax(ta, tb));
    }
    return *t0 < *t1;
}

static int hole_visible(const double *p, const double *q)
{
    double a0, a1, b0, b1;
    if (!band(p[0], q[0], 0.2, &a0, &a1) || !band(p[1], q[1], 0.2, &b0, &b1))
        return 1;
    return fmin(a1, b1) - fmax(a0, b0) <= 1e-14;
}

/* Shortest path around the hole: Floyd-Warshall over p, q and the four
 * corners, with the visibility above. */
static double hole_dist(double px, double py, double qx, double qy)
{
    double v[6][2] = {{px, py}, {qx, qy}, {-0.2, -0.2}, {0.2, -0.2}, {0.2, 0.2}, {-0.2, 0.2}};
    double d[6][6];
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            d[i][j] = i == j ? 0 : (hole_visible(v[i], v[j]) ? hypot(v[i][0] - v[j][0], v[i][1] - v[j][1]) : INFINITY);
    for (int k = 0; k < 6; k++)
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
                if (d[i][k] + d[k][j] < d[i][j])
                    d[i][j] = d[i][k] + d[k][j];
    return d[0][1];
}

/* Distances from every inside bin centre to each centre, through a user
 * tuning that returns the length of its displacement. */
static void distances(gridform_arena *a, const double *c, size_t nc, double *pos, size_t *npos, double *d)
{
    size_t nx, ny;
    gridform_arena_get_shape(a, &nx, &ny);
    unsigned char *in = malloc(nx * ny);
    double *all = malloc(2 * nx * ny * sizeof(double));
    gridform_arena_get_mask(a, in);
    gridform_arena_positions(a, all);
    *npos = 0;
    for (size_t i = 0; i < nx * ny; i++)
        if (in[i]) {
            pos[2 * *npos] = all[2 * i];
            pos[2 * *npos + 1] = all[2 * i + 1];
            (*npos)++;
        }
    gridform_placecode *pc = NULL;
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_GAUSSIAN, 0.1, 1, nc, GRIDFORM_CENTERS_RANDOM, 1),
                     GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_set_tuning_fn(pc, hypot_tuning, NULL), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_set_distance(pc, GRIDFORM_DISTANCE_GEODESIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_set_centers(pc, c, nc), GRIDFORM_OK);
    int mode = 0;
    ck_assert_int_eq(gridform_placecode_get_distance(pc, &mode), GRIDFORM_OK);
    ck_assert_int_eq(mode, GRIDFORM_DISTANCE_GEODESIC);
    ck_assert_int_eq(gridform_placecode_response(pc, pos, *npos, d), GRIDFORM_OK);
    gridform_placecode_destroy(pc);
    free(in);
    free(all);
}

START_TEST(test_geodesic_polygons)
{
    static const double cL[] = {0.3, -0.2, -0.2, 0.35, 0.45, -0.45, -0.05, -0.05, 0.01, -0.3};
    static const double cH[] = {-0.3, 0.0, 0.0, -0.45, 0.25, 0.25, -0.41, -0.33, 0.33, 0.1};
    const size_t nc = 5;
    double pos[2 * 400], d[400 * 5];
    size_t npos = 0;
    for (int shape = 0; shape < 2; shape++) {
        gridform_arena *a = NULL;
        ck_assert_int_eq(shape == 0 ? gridform_arena_create_polygon(&a, 1, 1, 20, 20, L_XY, L_RING, 1)
                                    : gridform_arena_create_polygon(&a, 1, 1, 20, 20, H_XY, H_RING, 2), GRIDFORM_OK);
        const double *c = shape == 0 ? cL : cH;
        distances(a, c, nc, pos, &npos, d);
        ck_assert_uint_eq(npos, shape == 0 ? 300 : 336);
        size_t bent = 0;
        for (size_t p = 0; p < npos; p++)
            for (size_t j = 0; j < nc; j++) {
                double x = pos[2 * p], y = pos[2 * p + 1];
                double want = shape == 0 ? l_dist(x, y, c[2 * j], c[2 * j + 1]) : hole_dist(x, y, c[2 * j], c[2 * j + 1]);
                ck_assert_msg(fabs(d[p * nc + j] - want) <= 1e-9 * want, "shape %d bin (%g, %g) centre %zu: %.15g vs %.15g",
                              shape, x, y, j, d[p * nc + j], want);
                bent += want > hypot(x - c[2 * j], y - c[2 * j + 1]) * (1 + 1e-9);
            }
        /* the test means something: many paths bend around the walls */
        ck_assert_uint_gt(bent, 100);
        gridform_arena_destroy(a);
    }
}
END_TEST

START_TEST(test_geodesic_mask_bound)
{
    /* The L as a mask: Dijkstra with 16-neighbour moves and straight lines
     * where the mask allows.  Never shorter than the exact path, at most
     * 2.8% plus two bin diagonals longer (gridform_arena_shapes(3)). */
    gridform_arena *p = NULL, *m = NULL;
    ck_assert_int_eq(gridform_arena_create_polygon(&p, 1, 1, 20, 20, L_XY, L_RING, 1), GRIDFORM_OK);
    unsigned char in[400];
    gridform_arena_get_mask(p, in);
    ck_assert_int_eq(gridform_arena_create_mask(&m, 1, 1, 20, 20, in), GRIDFORM_OK);
    static const double c[] = {0.3, -0.2, -0.2, 0.35, 0.45, -0.45, -0.05, -0.05};
    double pos[2 * 400], d[400 * 4];
    size_t npos = 0;
    distances(m, c, 4, pos, &npos, d);
    double worst = 0;
    for (size_t q = 0; q < npos; q++)
        for (size_t j = 0; j < 4; j++) {
            double want = l_dist(pos[2 * q], pos[2 * q + 1], c[2 * j], c[2 * j + 1]);
            ck_assert_double_ge(d[q * 4 + j], want * (1 - 1e-12));
            ck_assert_double_le(d[q * 4 + j], 1.028 * want + 2 * hypot(0.05, 0.05));
            worst = fmax(worst, d[q * 4 + j] - want);
        }
    ck_assert_double_gt(worst, 0.0);   /* the mask's answer is approximate */
    gridform_arena_destroy(p);
    gridform_arena_destroy(m);
}
END_TEST

/* Maps g on an n x n grid: rotated by 90 degrees (x, y) -> (-y, x), and
 * mirrored x -> -x. */
static void rot90(const double *g, double *out, size_t n)
{
    for (size_t iy = 0; iy < n; iy++)
        for (size_t ix = 0; ix < n; ix++)
            out[ix * n + (n - 1 - iy)] = g[iy * n + ix];
}

static void mirror(const double *g, double *out, size_t nx, size_t ny)
{
    for (size_t iy = 0; iy < ny; iy++)
        for (size_t ix = 0; ix < nx; ix++)
            out[iy * nx + (nx - 1 - ix)] = g[iy * nx + ix];
}

START_TEST(test_symmetries)
{
    const size_t n = 16, N = n * n;
    gridform_arena *t = NULL;
    ck_assert_int_eq(gridform_arena_create_polygon(&t, 1, 1, n, n, T_XY, T_RING, 1), GRIDFORM_OK);
    double g[256], mg[256], o1[256], o2[256], mo[256];
    uint64_t s = 21;
    for (size_t i = 0; i < N; i++)
        g[i] = lcg(&s);
    mirror(g, mg, n, n);
    /* UNIFORM: the mirror commutes with Sigma. */
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    ck_assert_int_eq(gridform_placecode_create(&pc, t, GRIDFORM_TUNING_DOG, 0.08, 2, 40, GRIDFORM_CENTERS_RANDOM, 2),
                     GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_UNIFORM), GRIDFORM_OK);
    gridform_kernel_apply(k, g, o1, 1);
    gridform_kernel_apply(k, mg, o2, 1);
    mirror(o1, mo, n, n);
    ck_assert_double_le(maxdiff(mo, o2, N), 1e-12 * maxabs(o1, N));
    ck_assert_double_gt(maxabs(o1, N), 0);
    gridform_kernel_destroy(k);
    /* EXACT with mirror-symmetric centres. */
    double c[2 * 40];
    gridform_placecode_get_centers(pc, c);
    for (size_t i = 20; i < 40; i++) {
        c[2 * i] = -c[2 * (i - 20)];
        c[2 * i + 1] = c[2 * (i - 20) + 1];
    }
    ck_assert_int_eq(gridform_placecode_set_centers(pc, c, 40), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_EXACT), GRIDFORM_OK);
    gridform_kernel_apply(k, g, o1, 1);
    gridform_kernel_apply(k, mg, o2, 1);
    mirror(o1, mo, n, n);
    ck_assert_double_le(maxdiff(mo, o2, N), 1e-12 * maxabs(o1, N));
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);

    /* Rotation by 90 degrees: the L mask and its rotation. */
    gridform_arena *l = NULL, *lr = NULL;
    ck_assert_int_eq(gridform_arena_create_polygon(&l, 1, 1, n, n, L_XY, L_RING, 1), GRIDFORM_OK);
    unsigned char in[256], inr[256];
    double fin[256], finr[256];
    gridform_arena_get_mask(l, in);
    for (size_t i = 0; i < N; i++)
        fin[i] = in[i];
    rot90(fin, finr, n);
    for (size_t i = 0; i < N; i++)
        inr[i] = (unsigned char)finr[i];
    ck_assert_int_eq(gridform_arena_create_mask(&lr, 1, 1, n, n, inr), GRIDFORM_OK);
    double rg[256], ro[256];
    rot90(g, rg, n);
    for (int mode = 0; mode < 2; mode++) {
        gridform_placecode *p1 = NULL, *p2 = NULL;
        gridform_kernel *k1 = NULL, *k2 = NULL;
        ck_assert_int_eq(gridform_placecode_create(&p1, l, GRIDFORM_TUNING_GAUSSIAN, 0.1, 1, 30, GRIDFORM_CENTERS_RANDOM, 4),
                         GRIDFORM_OK);
        ck_assert_int_eq(gridform_placecode_create(&p2, lr, GRIDFORM_TUNING_GAUSSIAN, 0.1, 1, 30, GRIDFORM_CENTERS_RANDOM, 4),
                         GRIDFORM_OK);
        double cc[60], cr[60];
        gridform_placecode_get_centers(p1, cc);
        for (size_t i = 0; i < 30; i++) {
            cr[2 * i] = -cc[2 * i + 1];
            cr[2 * i + 1] = cc[2 * i];
        }
        ck_assert_int_eq(gridform_placecode_set_centers(p2, cr, 30), GRIDFORM_OK);
        int km = mode == 0 ? GRIDFORM_KERNEL_UNIFORM : GRIDFORM_KERNEL_EXACT | GRIDFORM_KERNEL_CENTERED;
        ck_assert_int_eq(gridform_kernel_create(&k1, p1, km), GRIDFORM_OK);
        ck_assert_int_eq(gridform_kernel_create(&k2, p2, km), GRIDFORM_OK);
        gridform_kernel_apply(k1, g, o1, 1);
        gridform_kernel_apply(k2, rg, o2, 1);
        rot90(o1, ro, n);
        ck_assert_double_le(maxdiff(ro, o2, N), 1e-12 * maxabs(o1, N));
        gridform_kernel_destroy(k1);
        gridform_kernel_destroy(k2);
        gridform_placecode_destroy(p1);
        gridform_placecode_destroy(p2);
    }
    gridform_arena_destroy(l);
    gridform_arena_destroy(lr);
    gridform_arena_destroy(t);
}
END_TEST

START_TEST(test_uniform_is_exact_of_dense_cells)
{
    /* UNIFORM discretised over the inside bins is EXACT with one cell on
     * every inside bin centre (doc/theory.md §7.4): apply and spectrum.  On
     * the whole box the latter is AVERAGED's spectrum of that lattice code. */
    const size_t nx = 14, ny = 14, N = nx * ny;
    for (int shape = 0; shape < 2; shape++) {
        gridform_arena *a = NULL;
        if (shape == 0)
            ck_assert_int_eq(gridform_arena_create(&a, 1, 1, nx, ny, GRIDFORM_WALLED), GRIDFORM_OK);
        else
            ck_assert_int_eq(gridform_arena_create_polygon(&a, 1, 1, nx, ny, T_XY, T_RING, 1), GRIDFORM_OK);
        unsigned char in[196];
        double pos[2 * 196], c[2 * 196];
        gridform_arena_get_mask(a, in);
        gridform_arena_positions(a, pos);
        size_t nc = 0;
        for (size_t i = 0; i < N; i++)
            if (in[i]) {
                c[2 * nc] = pos[2 * i];
                c[2 * nc + 1] = pos[2 * i + 1];
                nc++;
            }
        gridform_placecode *pc = NULL;
        ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, 0.09, 2.5, nc, GRIDFORM_CENTERS_RANDOM, 1),
                         GRIDFORM_OK);
        ck_assert_int_eq(gridform_placecode_set_centers(pc, c, nc), GRIDFORM_OK);
        for (int centred = 0; centred < 2; centred++) {
            int flag = centred ? GRIDFORM_KERNEL_CENTERED : 0;
            gridform_kernel *ku = NULL, *ke = NULL;
            ck_assert_int_eq(gridform_kernel_create(&ku, pc, GRIDFORM_KERNEL_UNIFORM | flag), GRIDFORM_OK);
            ck_assert_int_eq(gridform_kernel_create(&ke, pc, GRIDFORM_KERNEL_EXACT | flag), GRIDFORM_OK);
            int mode;
            gridform_kernel_get_mode(ku, &mode);
            ck_assert_int_eq(mode, GRIDFORM_KERNEL_UNIFORM | flag);
            double g[3 * 196], o1[3 * 196], o2[3 * 196];
            uint64_t s = 8;
            for (size_t i = 0; i < 3 * N; i++)
                g[i] = lcg(&s) + 0.3;
            ck_assert_int_eq(gridform_kernel_apply(ku, g, o1, 3), GRIDFORM_OK);
            ck_assert_int_eq(gridform_kernel_apply(ke, g, o2, 3), GRIDFORM_OK);
            ck_assert_double_le(maxdiff(o1, o2, 3 * N), 1e-12 * maxabs(o2, 3 * N));
            double omean = 0;
            for (size_t i = 0; i < N; i++) {
                if (!in[i])
                    ck_assert_double_eq(o1[i], 0.0);
                omean += o1[i];
            }
            if (centred)
                ck_assert_double_le(fabs(omean), 1e-12 * maxabs(o1, N) * (double)N);
            size_t nf = ny * (nx / 2 + 1);
            double su[196], se[196];
            gridform_kernel_spectrum(ku, su);
            gridform_kernel_spectrum(ke, se);
            ck_assert_double_le(maxdiff(su, se, nf), 1e-12 * maxabs(se, nf));
            if (shape == 0 && !centred) {
                gridform_placecode *pl = NULL;
                gridform_kernel *ka = NULL;
                ck_assert_int_eq(gridform_placecode_create(&pl, a, GRIDFORM_TUNING_DOG, 0.09, 2.5, N,
                                                           GRIDFORM_CENTERS_LATTICE, 0), GRIDFORM_OK);
                ck_assert_int_eq(gridform_kernel_create(&ka, pl, GRIDFORM_KERNEL_AVERAGED), GRIDFORM_OK);
                double sa[196];
                gridform_kernel_spectrum(ka, sa);
                ck_assert_double_le(maxdiff(su, sa, nf), 1e-12 * maxabs(sa, nf));
                gridform_kernel_destroy(ka);
                gridform_placecode_destroy(pl);
            }
            /* The learner reads UNIFORM like EXACT: its bound is positive. */
            gridform_kernel_destroy(ku);
            gridform_kernel_destroy(ke);
        }
        gridform_placecode_destroy(pc);
        gridform_arena_destroy(a);
    }
}
END_TEST

START_TEST(test_scorer_outside_is_unvisited)
{
    /* A map on a shaped arena scores as the same map with NaN outside on
     * the plain box; its values outside never matter. */
    const size_t n = 24, N = n * n;
    double xy[2 * 40];
    size_t m = 40;
    circle_xy(xy, m, 0.48);
    gridform_arena *a = NULL, *r = NULL;
    ck_assert_int_eq(gridform_arena_create_polygon(&a, 1, 1, n, n, xy, &m, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_arena_create(&r, 1, 1, n, n, GRIDFORM_WALLED), GRIDFORM_OK);
    unsigned char in[576];
    gridform_arena_get_mask(a, in);
    double map[576], nanmap[576], pos[2 * 576];
    gridform_arena_positions(a, pos);
    uint64_t s = 5;
    for (size_t i = 0; i < N; i++) {
        map[i] = cos(12 * pos[2 * i]) + cos(6 * pos[2 * i] + 10.4 * pos[2 * i + 1]) + 0.1 * lcg(&s);
        nanmap[i] = in[i] ? map[i] : NAN;
        if (!in[i])
            map[i] = i % 7 == 0 ? INFINITY : 1e3 * lcg(&s);   /* junk outside, even Inf */
    }
    gridform_scorer *sa = NULL, *sr = NULL;
    ck_assert_int_eq(gridform_scorer_create(&sa, a), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_create(&sr, r), GRIDFORM_OK);
    size_t ns = (2 * n - 1) * (2 * n - 1);
    double *s1 = malloc(ns * sizeof(double)), *s2 = malloc(ns * sizeof(double));
    ck_assert_int_eq(gridform_scorer_autocorr(sa, map, s1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_autocorr(sr, nanmap, s2), GRIDFORM_OK);
    for (size_t i = 0; i < ns; i++)
        ck_assert(s1[i] == s2[i] || (isnan(s1[i]) && isnan(s2[i])));
    double g1, g2, k1, k2;
    gridform_scorer_score(sa, map, 1, &g1, NULL, NULL, NULL);
    gridform_scorer_score(sr, nanmap, 1, &g2, NULL, NULL, NULL);
    ck_assert(g1 == g2 || (isnan(g1) && isnan(g2)));
    ck_assert_int_eq(gridform_map_dominant_k(sa, map, &k1), gridform_map_dominant_k(sr, nanmap, &k2));
    free(s1);
    free(s2);
    /* Rate maps: bins outside are unvisited even with samples in them. */
    double trj[4] = {-0.49, -0.49, 0.0, 0.0}, act[2] = {1.0, 2.0}, rm[576];
    ck_assert_int_eq(gridform_ratemap_accumulate(a, trj, 2, act, 1, 0, rm, NULL), GRIDFORM_OK);
    ck_assert(isnan(rm[0]));
    ck_assert_double_eq(rm[(n / 2) * n + n / 2], 2.0);
    gridform_scorer_destroy(sa);
    gridform_scorer_destroy(sr);
    gridform_arena_destroy(a);
    gridform_arena_destroy(r);
}
END_TEST

START_TEST(test_shape_lattice_and_random)
{
    /* Lattice and random centres of a mask lie in inside bins; a lattice
     * in the trapezoid has exactly ncells points. */
    gridform_arena *t = NULL;
    ck_assert_int_eq(gridform_arena_create_polygon(&t, 1, 1, 30, 30, T_XY, T_RING, 1), GRIDFORM_OK);
    unsigned char in[900];
    gridform_arena_get_mask(t, in);
    gridform_arena *m = NULL;
    ck_assert_int_eq(gridform_arena_create_mask(&m, 1, 1, 30, 30, in), GRIDFORM_OK);
    for (int layout = GRIDFORM_CENTERS_LATTICE; layout <= GRIDFORM_CENTERS_RANDOM; layout++) {
        gridform_placecode *pc = NULL;
        ck_assert_int_eq(gridform_placecode_create(&pc, m, GRIDFORM_TUNING_GAUSSIAN, 0.1, 1, 101, layout, 6), GRIDFORM_OK);
        double c[202];
        gridform_placecode_get_centers(pc, c);
        for (size_t i = 0; i < 101; i++) {
            size_t ix = (size_t)floor((c[2 * i] + 0.5) * 30), iy = (size_t)floor((c[2 * i + 1] + 0.5) * 30);
            ck_assert(in[iy * 30 + ix]);
        }
        gridform_placecode_destroy(pc);
    }
    gridform_arena_destroy(t);
    gridform_arena_destroy(m);
    /* A one-bin arena holds a lattice of 50 centres, all in that bin. */
    unsigned char one[64] = {0};
    one[2 * 8 + 5] = 1;
    ck_assert_int_eq(gridform_arena_create_mask(&m, 1, 1, 8, 8, one), GRIDFORM_OK);
    gridform_placecode *pc = NULL;
    ck_assert_int_eq(gridform_placecode_create(&pc, m, GRIDFORM_TUNING_GAUSSIAN, 0.1, 1, 50, GRIDFORM_CENTERS_LATTICE, 0),
                     GRIDFORM_OK);
    double c[100];
    gridform_placecode_get_centers(pc, c);
    for (size_t i = 0; i < 50; i++) {
        ck_assert(c[2 * i] > -0.5 + 5.0 / 8 && c[2 * i] < -0.5 + 6.0 / 8);
        ck_assert(c[2 * i + 1] > -0.5 + 2.0 / 8 && c[2 * i + 1] < -0.5 + 3.0 / 8);
    }
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(m);
}
END_TEST

START_TEST(test_errors)
{
    gridform_arena *a = (gridform_arena *)1;
    unsigned char in[16];
    memset(in, 0, sizeof in);
    /* empty mask */
    ck_assert_int_eq(gridform_arena_create_mask(&a, 1, 1, 4, 4, in), GRIDFORM_EINVAL);
    ck_assert_ptr_null(a);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "no inside bin"));
    /* two blobs; and two bins touching only at a corner (4-connectivity) */
    in[0] = in[15] = 1;
    ck_assert_int_eq(gridform_arena_create_mask(&a, 1, 1, 4, 4, in), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "not connected"));
    memset(in, 0, sizeof in);
    in[0] = in[5] = 1;
    ck_assert_int_eq(gridform_arena_create_mask(&a, 1, 1, 4, 4, in), GRIDFORM_EINVAL);
    in[1] = 1;
    ck_assert_int_eq(gridform_arena_create_mask(&a, 1, 1, 4, 4, in), GRIDFORM_OK);
    gridform_arena_destroy(a);
    in[2] = 2;
    ck_assert_int_eq(gridform_arena_create_mask(&a, 1, 1, 4, 4, in), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_create_mask(NULL, 1, 1, 4, 4, in), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_create_mask(&a, 1, 1, 4, 4, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_create_mask(&a, -1, 1, 4, 4, in), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_create_mask(&a, 1, 1, 1, 4, in), GRIDFORM_EINVAL);

    static const double bowtie[] = {-0.4, -0.4, 0.4, 0.4, 0.4, -0.4, -0.4, 0.4};
    size_t four = 4, three = 3, two = 2;
    ck_assert_int_eq(gridform_arena_create_polygon(&a, 1, 1, 8, 8, bowtie, &four, 1), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "intersects itself"));
    static const double out[] = {-0.4, -0.4, 0.6, -0.4, 0.0, 0.4};
    ck_assert_int_eq(gridform_arena_create_polygon(&a, 1, 1, 8, 8, out, &three, 1), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "outside the"));
    ck_assert_int_eq(gridform_arena_create_polygon(&a, 1, 1, 8, 8, out, &two, 1), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "at least 3"));
    double nanv[] = {-0.4, -0.4, NAN, -0.4, 0.0, 0.4};
    ck_assert_int_eq(gridform_arena_create_polygon(&a, 1, 1, 8, 8, nanv, &three, 1), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "not finite"));
    static const double line[] = {-0.4, -0.4, 0.0, 0.0, 0.4, 0.4};
    ck_assert_int_eq(gridform_arena_create_polygon(&a, 1, 1, 8, 8, line, &three, 1), GRIDFORM_EINVAL);
    static const double rep[] = {-0.4, -0.4, -0.4, -0.4, 0.4, -0.4, 0.0, 0.4};
    ck_assert_int_eq(gridform_arena_create_polygon(&a, 1, 1, 8, 8, rep, &four, 1), GRIDFORM_EINVAL);
    /* a hole crossing the outer ring, a hole outside it, nested holes */
    static const double cross[] = {-0.4, -0.4, 0.4, -0.4, 0.4, 0.4, -0.4, 0.4, 0.3, 0.0, 0.5, 0.0, 0.4, 0.3};
    size_t cr[2] = {4, 3};
    ck_assert_int_eq(gridform_arena_create_polygon(&a, 1, 1, 8, 8, cross, cr, 2), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "intersects itself"));
    static const double outside[] = {-0.4, -0.4, 0.0, -0.4, 0.0, 0.0, -0.4, 0.0, 0.1, 0.1, 0.4, 0.1, 0.3, 0.4};
    ck_assert_int_eq(gridform_arena_create_polygon(&a, 1, 1, 8, 8, outside, cr, 2), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "outside the outer"));
    static const double nest[] = {-0.5, -0.5, 0.5, -0.5, 0.5, 0.5, -0.5, 0.5,
                                  -0.3, -0.3, 0.3, -0.3, 0.3, 0.3, -0.3, 0.3,
                                  -0.1, -0.1, 0.1, -0.1, 0.0, 0.1};
    size_t nr3[3] = {4, 4, 3};
    ck_assert_int_eq(gridform_arena_create_polygon(&a, 1, 1, 8, 8, nest, nr3, 3), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "nest"));
    /* a polygon narrower than a bin: no inside bin, or a waist that cuts it */
    static const double thin[] = {-0.4, -0.01, 0.4, -0.01, 0.4, 0.01};
    ck_assert_int_eq(gridform_arena_create_polygon(&a, 1, 1, 8, 8, thin, &three, 1), GRIDFORM_EINVAL);
    static const double waist[] = {-0.5, -0.5, -0.2, -0.5, -0.2, 0.1, 0.2, 0.1, 0.2, -0.5, 0.5, -0.5,
                                   0.5, 0.5, 0.2, 0.5, 0.2, 0.12, -0.2, 0.12, -0.2, 0.5, -0.5, 0.5};
    size_t twelve = 12;
    ck_assert_int_eq(gridform_arena_create_polygon(&a, 1, 1, 8, 8, waist, &twelve, 1), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "not connected"));
    ck_assert_int_eq(gridform_arena_create_polygon(NULL, 1, 1, 8, 8, out, &three, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_create_polygon(&a, 1, 1, 8, 8, NULL, &three, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_create_polygon(&a, 1, 1, 8, 8, out, NULL, 1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_create_polygon(&a, 1, 1, 8, 8, out, &three, 0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_arena_get_mask(NULL, in), GRIDFORM_EINVAL);

    /* The shaped arena's refusals downstream. */
    ck_assert_int_eq(gridform_arena_create_polygon(&a, 1, 1, 12, 12, L_XY, L_RING, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_arena_get_mask(a, NULL), GRIDFORM_EINVAL);
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, 0.1, 2, 20, GRIDFORM_CENTERS_RANDOM, 1),
                     GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_AVERAGED), GRIDFORM_EUNSUPPORTED);
    double spec[12 * 7] = {0};
    ck_assert_int_eq(gridform_kernel_create_spectrum(&k, a, spec), GRIDFORM_EUNSUPPORTED);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_EXACT), GRIDFORM_OK);
    size_t nsh = 0;
    ck_assert_int_eq(gridform_kernel_shells(k, 0, NULL, NULL, NULL, &nsh), GRIDFORM_EUNSUPPORTED);
    double kstar, sp;
    ck_assert_int_eq(gridform_kernel_ring(k, &kstar, &sp), GRIDFORM_OK);
    gridform_kernel_destroy(k);
    double cout[2] = {0.3, 0.3}, cin[2] = {-0.3, 0.3}, r1[20];
    ck_assert_int_eq(gridform_placecode_set_centers(pc, cout, 1), GRIDFORM_EINVAL);
    ck_assert_ptr_nonnull(strstr(gridform_placecode_last_error(pc), "outside the arena's shape"));
    ck_assert_int_eq(gridform_placecode_set_distance(pc, 0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_set_distance(NULL, GRIDFORM_DISTANCE_GEODESIC), GRIDFORM_EINVAL);
    int dm;
    ck_assert_int_eq(gridform_placecode_get_distance(NULL, &dm), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_get_distance(pc, NULL), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_get_distance(pc, &dm), GRIDFORM_OK);
    ck_assert_int_eq(dm, GRIDFORM_DISTANCE_EUCLIDEAN);
    /* Euclidean responses are defined anywhere; geodesic ones in the shape. */
    ck_assert_int_eq(gridform_placecode_response(pc, cout, 1, r1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_set_distance(pc, GRIDFORM_DISTANCE_GEODESIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_response(pc, cout, 1, r1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_placecode_response(pc, cin, 1, r1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_UNIFORM), GRIDFORM_EUNSUPPORTED);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_EXACT), GRIDFORM_OK);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_SOFTMAX_DOG, 0.1, 2, 20, GRIDFORM_CENTERS_RANDOM, 1),
                     GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_UNIFORM), GRIDFORM_EUNSUPPORTED);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
    ck_assert_int_eq(gridform_arena_create(&a, 1, 1, 12, 12, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, 0.1, 2, 20, GRIDFORM_CENTERS_RANDOM, 1),
                     GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_UNIFORM), GRIDFORM_EUNSUPPORTED);
    /* On a torus geodesic is Euclidean (minimum image). */
    ck_assert_int_eq(gridform_placecode_set_distance(pc, GRIDFORM_DISTANCE_GEODESIC), GRIDFORM_OK);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("shape");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_whole_box_mask_is_the_rectangle);
    tcase_add_test(tc, test_polygon_equals_its_mask);
    tcase_add_test(tc, test_circle_area);
    tcase_add_test(tc, test_geodesic_polygons);
    tcase_add_test(tc, test_geodesic_mask_bound);
    tcase_add_test(tc, test_symmetries);
    tcase_add_test(tc, test_uniform_is_exact_of_dense_cells);
    tcase_add_test(tc, test_scorer_outside_is_unvisited);
    tcase_add_test(tc, test_shape_lattice_and_random);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
