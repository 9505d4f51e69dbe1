/* The attractor network with a real-space kernel: in a disc and in Krupic
 * et al.'s trapezoid (issue 22; doc/theory.md §5.5, gridform_attractor(3)).
 * DoG cells of uniform density over the shape (GRIDFORM_KERNEL_UNIFORM,
 * centred unless said otherwise), small sheets, fixed seeds. */
#include "config.h"
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"
#include "test_subset.h"

enum { S_DISC, S_TRAPEZOID };

typedef struct {
    gridform_arena *ar;
    gridform_placecode *pc;
    gridform_kernel *k;
    gridform_attractor *a;
    size_t nx, ny, n, nin;
    unsigned char *inside;
} net;

/* A disc mask built from integer offsets, so it is exactly mirror
 * symmetric (x -> -x and y -> -y), or a trapezoid with parallel ends of
 * 90/190 and 20/190 of its length (Krupic et al. 2015), wide end at
 * x = -lx/2. */
static void net_make(net *w, int shape, int mode, double sigma)
{
    memset(w, 0, sizeof *w);
    if (shape == S_DISC) {
        w->nx = w->ny = 32;
        unsigned char m[32 * 32];
        for (size_t iy = 0; iy < 32; iy++)
            for (size_t ix = 0; ix < 32; ix++) {
                double dx = (double)ix - 15.5, dy = (double)iy - 15.5;
                m[iy * 32 + ix] = dx * dx + dy * dy < 15.5 * 15.5;
            }
        ck_assert_int_eq(gridform_arena_create_mask(&w->ar, 2.6, 2.6, 32, 32, m), GRIDFORM_OK);
    } else {
        w->nx = 40;
        w->ny = 20;
        double hx = 0.49 * 3.8, hw = 0.49 * 1.9, hn = hw * 20.0 / 90.0;
        const double v[8] = {-hx, -hw, hx, -hn, hx, hn, -hx, hw};
        size_t nv = 4;
        ck_assert_int_eq(gridform_arena_create_polygon(&w->ar, 3.8, 1.9, 40, 20, v, &nv, 1), GRIDFORM_OK);
    }
    w->n = w->nx * w->ny;
    w->inside = malloc(w->n);
    ck_assert_int_eq(gridform_arena_get_mask(w->ar, w->inside), GRIDFORM_OK);
    for (size_t i = 0; i < w->n; i++)
        w->nin += w->inside[i];
    ck_assert_int_eq(gridform_placecode_create(&w->pc, w->ar, GRIDFORM_TUNING_DOG, sigma, 2.0, 256,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&w->k, w->pc, mode), GRIDFORM_OK);
    int rc = gridform_attractor_create(&w->a, w->k);
    ck_assert_msg(rc == GRIDFORM_OK, "create: %s", gridform_last_error());
}

static void net_free(net *w)
{
    gridform_attractor_destroy(w->a);
    gridform_kernel_destroy(w->k);
    gridform_placecode_destroy(w->pc);
    gridform_arena_destroy(w->ar);
    free(w->inside);
}

/* Standard deviation of the rates over the inside bins. */
static double inside_std(const net *w, const double *r)
{
    double s = 0.0, s2 = 0.0;
    for (size_t i = 0; i < w->n; i++)
        if (w->inside[i]) {
            s += r[i];
            s2 += r[i] * r[i];
        }
    double m = s / (double)w->nin;
    return sqrt(fmax(s2 / (double)w->nin - m * m, 0.0));
}

/* max |x - y| / max |y| over all bins */
static double rel_diff(const double *x, const double *y, size_t n)
{
    double d = 0.0, m = 0.0;
    for (size_t i = 0; i < n; i++) {
        d = fmax(d, fabs(x[i] - y[i]));
        m = fmax(m, fabs(y[i]));
    }
    return d / m;
}

/* A pattern forms in the disc and in the trapezoid: from a 1% seed on the
 * uniform input the inside rates' spread grows by more than 100x, they are
 * finite and nonnegative, exactly 0 outside, and their dominant
 * wavenumber is the kernel's ring k* within 8% (measured: 600x and 470x
 * growth; k 3.4% below k* in the disc, 1.1% above in the trapezoid; the
 * learner's maps sit 7% below k* at these sizes, and a shape's modes are
 * not plane waves). */
START_TEST(test_pattern_forms)
{
    net w;
    net_make(&w, _i, GRIDFORM_KERNEL_UNIFORM | GRIDFORM_KERNEL_CENTERED, 0.12);
    double *r = malloc(w.n * sizeof *r);
    ck_assert_int_eq(gridform_attractor_set_gain(w.a, 1.2), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_seed(w.a, 3, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_rates(w.a, r), GRIDFORM_OK);
    double s0 = inside_std(&w, r);
    for (size_t i = 0; i < w.n; i++)
        if (!w.inside[i])
            ck_assert(r[i] == 0.0);
    int rc = gridform_attractor_iterate(w.a, 800);
    ck_assert_msg(rc == GRIDFORM_OK, "iterate: %s", gridform_attractor_last_error(w.a));
    ck_assert_int_eq(gridform_attractor_get_rates(w.a, r), GRIDFORM_OK);
    for (size_t i = 0; i < w.n; i++) {
        ck_assert(isfinite(r[i]));
        ck_assert(r[i] >= 0.0);
        if (!w.inside[i])
            ck_assert(r[i] == 0.0);
    }
    double s1 = inside_std(&w, r);
    ck_assert_msg(s1 > 100.0 * s0, "spread %g -> %g", s0, s1);
    double kstar, spacing, kdom;
    ck_assert_int_eq(gridform_kernel_ring(w.k, &kstar, &spacing), GRIDFORM_OK);
    gridform_scorer *sc = NULL;
    ck_assert_int_eq(gridform_scorer_create(&sc, w.ar), GRIDFORM_OK);
    ck_assert_int_eq(gridform_map_dominant_k(sc, r, &kdom), GRIDFORM_OK);
    ck_assert_msg(fabs(kdom / kstar - 1.0) < 0.08, "dominant k %g, k* %g", kdom, kstar);
    gridform_scorer_destroy(sc);
    free(r);
    net_free(&w);
}
END_TEST

/* An x -> -x symmetric mask, kernel and seed give x -> -x symmetric rates
 * to round-off (its growth over the run included), both after the
 * pattern has formed and at a stationary state below threshold. */
START_TEST(test_mirror_symmetry)
{
    net w;
    net_make(&w, S_DISC, GRIDFORM_KERNEL_UNIFORM | GRIDFORM_KERNEL_CENTERED, 0.12);
    size_t nx = w.nx, n = w.n;
    double *r = malloc(n * sizeof *r), *m = malloc(n * sizeof *m);
    unsigned long long s = 12345;
    for (size_t iy = 0; iy < w.ny; iy++)
        for (size_t ix = 0; ix < nx / 2; ix++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            double v = 1.0 + 0.01 * (double)(s >> 11) / 9007199254740992.0;
            r[iy * nx + ix] = r[iy * nx + nx - 1 - ix] = v;
        }
    ck_assert_int_eq(gridform_attractor_set_gain(w.a, 1.2), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_rates(w.a, r), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(w.a, 500), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_rates(w.a, r), GRIDFORM_OK);
    for (size_t iy = 0; iy < w.ny; iy++)
        for (size_t ix = 0; ix < nx; ix++)
            m[iy * nx + ix] = r[iy * nx + nx - 1 - ix];
    double d = rel_diff(r, m, n);
    ck_assert_msg(d < 1e-9, "mirror asymmetry %g", d);
    ck_assert_msg(inside_std(&w, r) > 0.5, "no pattern (spread %g)", inside_std(&w, r));
    free(r);
    free(m);
    net_free(&w);
}
END_TEST

/* The rates do not depend on the step: the default tolerance against a
 * 100 times tighter one, and fixed steps of tau/100 against it, at the
 * same time (40 tau), while the pattern grows out of its seed by e^8,
 * which amplifies every difference in its growth: within 2% (adaptive)
 * and 5% (fixed, first order) of the largest rate.  Under GRIDFORM_TEST_SUBSET
 * (test_subset.h, CI's memcheck) the trapezoid only;
 * test_gain_normalisation, the other long one, runs the disc there. */
START_TEST(test_step_independence)
{
    if (!gf_subset_row2(1, 2, (size_t)_i, 2))
        return;
    net w;
    net_make(&w, _i, GRIDFORM_KERNEL_UNIFORM | GRIDFORM_KERNEL_CENTERED, 0.12);
    size_t n = w.n;
    double *r0 = malloc(n * sizeof *r0), *r1 = malloc(n * sizeof *r1), *r2 = malloc(n * sizeof *r2);
    ck_assert_int_eq(gridform_attractor_set_gain(w.a, 1.2), GRIDFORM_OK);
    for (int pass = 0; pass < 3; pass++) {
        ck_assert_int_eq(gridform_attractor_set_step_control(w.a, pass < 2), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_set_tolerance(w.a, pass == 1 ? 1e-5 : 1e-3), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_set_dt(w.a, pass == 2 ? 1e-4 : 1e-3), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_seed(w.a, 5, 0.01), GRIDFORM_OK);
        int rc = gridform_attractor_iterate(w.a, pass == 2 ? 4000 : 400);
        ck_assert_msg(rc == GRIDFORM_OK, "iterate: %s", gridform_attractor_last_error(w.a));
        ck_assert_int_eq(gridform_attractor_get_rates(w.a, pass == 0 ? r0 : pass == 1 ? r1 : r2), GRIDFORM_OK);
    }
    double d01 = rel_diff(r0, r1, n), d21 = rel_diff(r2, r1, n);
    /* measured: 0.9% and 2.3% (ETD1 at tau/100 is first order) */
    ck_assert_msg(d01 < 2e-2 && d21 < 5e-2, "default vs tight %g, fixed vs tight %g", d01, d21);
    ck_assert_msg(inside_std(&w, r1) > 0.1, "no pattern (spread %g)", inside_std(&w, r1));
    free(r0);
    free(r1);
    free(r2);
    net_free(&w);
}
END_TEST

/* A stationary state: below threshold (gain 0.5) the network settles to
 * a non-uniform state that the boundary shapes.  run() to 1e-10 leaves a
 * residual at round-off, measured on the inside bins only: rates set
 * outside are ignored (get_rates gives 0 there) and do not change it. */
START_TEST(test_residual_inside)
{
    net w;
    net_make(&w, _i, GRIDFORM_KERNEL_UNIFORM, 0.12);
    size_t n = w.n;
    double *r = malloc(n * sizeof *r), *q = malloc(n * sizeof *q);
    ck_assert_int_eq(gridform_attractor_set_gain(w.a, 0.5), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_seed(w.a, 1, 0.5), GRIDFORM_OK);
    int rc = gridform_attractor_run(w.a, 5000, 1e-10, NULL, NULL);
    ck_assert_msg(rc == GRIDFORM_OK, "run: %d %s", rc, gridform_attractor_last_error(w.a));
    double res0, res1;
    ck_assert_int_eq(gridform_attractor_get_residual(w.a, &res0), GRIDFORM_OK);
    ck_assert_msg(res0 < 1e-10, "residual %g", res0);
    ck_assert_int_eq(gridform_attractor_get_rates(w.a, r), GRIDFORM_OK);
    ck_assert_msg(inside_std(&w, r) > 1e-3, "uniform state (spread %g)", inside_std(&w, r));
    for (size_t i = 0; i < n; i++)
        q[i] = w.inside[i] ? r[i] : 5.0 + (double)i;
    ck_assert_int_eq(gridform_attractor_set_rates(w.a, q), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_residual(w.a, &res1), GRIDFORM_OK);
    ck_assert(res1 == res0);
    ck_assert_int_eq(gridform_attractor_get_rates(w.a, q), GRIDFORM_OK);
    for (size_t i = 0; i < n; i++)
        ck_assert(q[i] == r[i]);
    /* the flow's stationarity is checked over the inside: a rate moved
     * there is seen */
    for (size_t i = 0; i < n; i++)
        if (w.inside[i]) {
            q[i] += 0.01;
            break;
        }
    ck_assert_int_eq(gridform_attractor_set_rates(w.a, q), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_get_residual(w.a, &res1), GRIDFORM_OK);
    ck_assert_msg(res1 > 1e-6, "residual %g after a change inside", res1);
    free(r);
    free(q);
    net_free(&w);
}
END_TEST

/* The gain normalisation c is the top eigenvalue of the centred kernel on
 * the inside (doc/theory.md §5.5).  A LINEAR network with a centred kernel
 * keeps its inside mean at b and its pattern p (the deviation from the
 * mean) obeys tau dp/dt = -p + J p, so |p| grows at a rate, per tau, of its
 * Rayleigh quotient under J minus 1: never above gain - 1 (else c is too
 * small) and approaching gain - 1 as the top modes take over (slowly: the
 * modes of the ring are nearly degenerate: the shortfall, measured, is
 * 0.0072 per tau at 32 tau, 0.0018 at 150 tau in the disc, 0.0005 in the
 * trapezoid; below 0.01 per tau, else c is too large). */
static double pattern_norm(const net *w, const double *r)
{
    return inside_std(w, r) * sqrt((double)w->nin);
}

/* Under GRIDFORM_TEST_SUBSET (test_subset.h, CI's memcheck) the disc only
 * (the trapezoid runs test_step_independence there). */
START_TEST(test_gain_normalisation)
{
    if (!gf_subset_row2(0, 2, (size_t)_i, 2))
        return;
    net w;
    net_make(&w, _i, GRIDFORM_KERNEL_UNIFORM | GRIDFORM_KERNEL_CENTERED, 0.12);
    size_t n = w.n;
    double *r = malloc(n * sizeof *r);
    ck_assert_int_eq(gridform_attractor_set_nonlinearity(w.a, GRIDFORM_NL_LINEAR), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_tolerance(w.a, 1e-5), GRIDFORM_OK);
    const double gains[2] = {1.0, 1.2};
    for (int g = 0; g < 2; g++) {
        ck_assert_int_eq(gridform_attractor_set_gain(w.a, gains[g]), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_seed(w.a, 7, 1.0), GRIDFORM_OK);
        double prev = 0.0;
        for (int step = 0; step <= 5; step++) {
            ck_assert_int_eq(gridform_attractor_iterate(w.a, step == 0 ? 300 : 20), GRIDFORM_OK);
            ck_assert_int_eq(gridform_attractor_get_rates(w.a, r), GRIDFORM_OK);
            double p = pattern_norm(&w, r);
            if (step > 0) {
                double rate = log(p / prev) / 2.0;   /* per tau, over 2 tau */
                ck_assert_msg(rate < gains[g] - 1.0 + 1e-5 && rate > gains[g] - 1.0 - 1e-2,
                              "gain %g: growth rate %.6f per tau", gains[g], rate);
            }
            prev = p;
        }
    }
    free(r);
    net_free(&w);
}
END_TEST

/* Single precision: the state in float, the kernel in double; the rates
 * agree with the double run to float round-off amplified by the growth. */
START_TEST(test_single_precision)
{
    net w;
    net_make(&w, S_TRAPEZOID, GRIDFORM_KERNEL_UNIFORM | GRIDFORM_KERNEL_CENTERED, 0.12);
    size_t n = w.n;
    double *rd = malloc(n * sizeof *rd), *rs = malloc(n * sizeof *rs);
    ck_assert_int_eq(gridform_attractor_set_gain(w.a, 1.2), GRIDFORM_OK);
    for (int p = 0; p < 2; p++) {
        ck_assert_int_eq(gridform_attractor_set_precision(w.a, p ? GRIDFORM_PRECISION_SINGLE
                                                                 : GRIDFORM_PRECISION_DOUBLE), GRIDFORM_OK);
        ck_assert_int_eq(gridform_attractor_seed(w.a, 2, 0.01), GRIDFORM_OK);
        int rc = gridform_attractor_iterate(w.a, 300);
        ck_assert_msg(rc == GRIDFORM_OK, "iterate: %s", gridform_attractor_last_error(w.a));
        ck_assert_int_eq(gridform_attractor_get_rates(w.a, p ? rs : rd), GRIDFORM_OK);
    }
    for (size_t i = 0; i < n; i++)
        if (!w.inside[i])
            ck_assert(rs[i] == 0.0);
    double d = rel_diff(rs, rd, n);
    ck_assert_msg(d < 1e-2, "single vs double %g", d);
    free(rd);
    free(rs);
    net_free(&w);
}
END_TEST

/* The gain constants against a dense computation: on a 5 x 4 block of a
 * 1 m box, tuning width 0.3 m, the uniform pattern wins (c0 > c) and the
 * refusal quotes c and c0.  Here Q Sigma Q is formed column by column
 * with gridform_kernel_apply, c0 = u^T Sigma u directly and c by 20000
 * power iterations (the Rayleigh quotient, from a start with every
 * component), to the message's 6 digits. */
START_TEST(test_gain_constants_dense)
{
    enum { N = 8, NB = 20 };
    unsigned char m[N * N] = {0};
    size_t bins[NB], nb = 0;
    for (size_t iy = 2; iy < 6; iy++)
        for (size_t ix = 1; ix < 6; ix++) {
            m[iy * N + ix] = 1;
            bins[nb++] = iy * N + ix;
        }
    gridform_arena *ar = NULL;
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    gridform_attractor *a = NULL;
    ck_assert_int_eq(gridform_arena_create_mask(&ar, 1.0, 1.0, N, N, m), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, ar, GRIDFORM_TUNING_DOG, 0.3, 2.0, 16,
                                               GRIDFORM_CENTERS_RANDOM, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_UNIFORM), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_create(&a, k), GRIDFORM_EUNDEFINED);
    double c = NAN, c0 = NAN;
    const char *msg = strstr(gridform_last_error(), "largest eigenvalue");
    ck_assert_ptr_nonnull(msg);
    ck_assert_int_eq(sscanf(msg, "largest eigenvalue %lf of Sigma on patterns of zero mean, %lf", &c, &c0), 2);
    /* dense Sigma on the block */
    static double S[NB][NB], Q[NB][NB];
    double e[N * N], out[N * N];
    for (size_t j = 0; j < NB; j++) {
        memset(e, 0, sizeof e);
        e[bins[j]] = 1.0;
        ck_assert_int_eq(gridform_kernel_apply(k, e, out, 1), GRIDFORM_OK);
        for (size_t i = 0; i < NB; i++)
            S[i][j] = out[bins[i]];
    }
    double d0 = 0.0;
    for (size_t i = 0; i < NB; i++)
        for (size_t j = 0; j < NB; j++)
            d0 += S[i][j] / NB;
    /* Q S Q, Q = I - 11^T/NB */
    double rm[NB] = {0}, cm[NB] = {0}, all = 0.0;
    for (size_t i = 0; i < NB; i++)
        for (size_t j = 0; j < NB; j++) {
            rm[i] += S[i][j] / NB;
            cm[j] += S[i][j] / NB;
            all += S[i][j] / (NB * NB);
        }
    for (size_t i = 0; i < NB; i++)
        for (size_t j = 0; j < NB; j++)
            Q[i][j] = S[i][j] - rm[i] - cm[j] + all;
    double v[NB], w[NB], rq = 0.0;
    for (size_t i = 0; i < NB; i++)
        v[i] = 1.0 + 0.1 * (double)i - (double)(NB - 1) * 0.05;   /* zero mean */
    for (int it = 0; it < 20000; it++) {
        double nv = 0.0, vw = 0.0;
        for (size_t i = 0; i < NB; i++) {
            w[i] = 0.0;
            for (size_t j = 0; j < NB; j++)
                w[i] += Q[i][j] * v[j];
        }
        for (size_t i = 0; i < NB; i++) {
            vw += v[i] * w[i];
            nv += w[i] * w[i];
        }
        double vv = 0.0;
        for (size_t i = 0; i < NB; i++)
            vv += v[i] * v[i];
        rq = vw / vv;
        nv = sqrt(nv);
        for (size_t i = 0; i < NB; i++)
            v[i] = w[i] / nv;
    }
    ck_assert_msg(fabs(c0 / d0 - 1.0) < 1e-5, "c0 %.9g, dense %.9g", c0, d0);
    ck_assert_msg(fabs(c / rq - 1.0) < 1e-5, "c %.9g, dense %.9g", c, rq);
    ck_assert(c0 > c);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(ar);
}
END_TEST

/* What a real-space kernel cannot do, each refused with its own code. */
START_TEST(test_refusals)
{
    net w;
    net_make(&w, S_DISC, GRIDFORM_KERNEL_EXACT, 0.12);
    gridform_attractor *a = w.a;
    double dx, dy;
    ck_assert_int_eq(gridform_attractor_set_velocity_coupling(a, 0.01, 0.1), GRIDFORM_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(gridform_attractor_last_error(a), "real-space kernel"));
    ck_assert_int_eq(gridform_attractor_set_velocity_coupling(a, -1.0, 0.1), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_set_velocity(a, 0.1, 0.0), GRIDFORM_EUNSUPPORTED);
    ck_assert_int_eq(gridform_attractor_set_velocity(a, 0.0, -0.1), GRIDFORM_EUNSUPPORTED);
    ck_assert_int_eq(gridform_attractor_set_velocity(a, 0.0, 0.0), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_velocity(a, NAN, 0.0), GRIDFORM_EINVAL);
    ck_assert_int_eq(gridform_attractor_seed(a, 1, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(a, 50), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_reset_displacement(a), GRIDFORM_EUNSUPPORTED);
    ck_assert_int_eq(gridform_attractor_get_displacement(a, &dx, &dy), GRIDFORM_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(gridform_attractor_last_error(a), "boundary pins the pattern"));
    ck_assert_int_eq(gridform_attractor_get_displacement(a, NULL, NULL), GRIDFORM_EINVAL);
    net_free(&w);

    /* a single inside bin has no pattern of zero mean: c = 0 */
    gridform_arena *ar = NULL;
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    unsigned char one[8 * 8] = {0};
    one[3 * 8 + 4] = 1;
    ck_assert_int_eq(gridform_arena_create_mask(&ar, 2.0, 2.0, 8, 8, one), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, ar, GRIDFORM_TUNING_DOG, 0.12, 2.0, 4,
                                               GRIDFORM_CENTERS_RANDOM, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_UNIFORM), GRIDFORM_OK);
    a = (gridform_attractor *)&a;
    ck_assert_int_eq(gridform_attractor_create(&a, k), GRIDFORM_EUNDEFINED);
    ck_assert_ptr_null(a);
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "beats the uniform one"));
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(ar);

}
END_TEST

/* EXACT in a plain walled box runs too (the whole box is its sheet), and
 * forms a pattern. */
START_TEST(test_exact_walled_box)
{
    gridform_arena *ar = NULL;
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    gridform_attractor *a = NULL;
    ck_assert_int_eq(gridform_arena_create(&ar, 2.2, 2.2, 24, 24, GRIDFORM_WALLED), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, ar, GRIDFORM_TUNING_DOG, 0.12, 2.0, 400,
                                               GRIDFORM_CENTERS_RANDOM, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_EXACT | GRIDFORM_KERNEL_CENTERED),
                     GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_create(&a, k), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_set_gain(a, 1.2), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_seed(a, 1, 0.01), GRIDFORM_OK);
    ck_assert_int_eq(gridform_attractor_iterate(a, 600), GRIDFORM_OK);
    double r[24 * 24], mn = INFINITY, mx = -INFINITY;
    ck_assert_int_eq(gridform_attractor_get_rates(a, r), GRIDFORM_OK);
    for (size_t i = 0; i < 24 * 24; i++) {
        mn = fmin(mn, r[i]);
        mx = fmax(mx, r[i]);
    }
    ck_assert_msg(mn >= 0.0 && mx - mn > 0.5, "rates in [%g, %g]", mn, mx);
    gridform_attractor_destroy(a);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(ar);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attractor_shape");
    struct { const char *name; const TTest *t; int loop; } cases[] = {
        {"pattern", test_pattern_forms, 1}, {"mirror", test_mirror_symmetry, 0},
        {"steps", test_step_independence, 1}, {"residual", test_residual_inside, 1},
        {"gain", test_gain_normalisation, 1}, {"single", test_single_precision, 0},
        {"refusals", test_refusals, 0}, {"exact_box", test_exact_walled_box, 0},
        {"dense", test_gain_constants_dense, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        TCase *tc = tcase_create(cases[c].name);
        tcase_set_timeout(tc, 120);
        if (cases[c].loop)
            tcase_add_loop_test(tc, cases[c].t, S_DISC, S_TRAPEZOID + 1);
        else
            tcase_add_test(tc, cases[c].t);
        suite_add_tcase(s, tc);
    }
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
