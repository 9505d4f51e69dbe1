/* libgridform tests and benchmarks: the learner's shared fixtures.  The
 * demo's DoG kernel, the answers that should not depend on the step
 * (hexagonal maps, median dominant k, median score60: doc/theory.md §2.9)
 * and stepping to an exact model time.  Used by tests/check_learner*.c and
 * bench/etd_answers.c.  Header-only, plain C11; the helpers that assert
 * are there only after <check.h>, and the one that sets an arena's shape
 * by hand only after lib/internal.h. */
#ifndef GRIDFORM_TESTS_LEARNER_FIXTURES_H
#define GRIDFORM_TESTS_LEARNER_FIXTURES_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "gridform.h"

/* score60 above this counts as a hexagonal map (Sorscher et al. 2019,
 * as doc/theory.md §2.9's tables). */
#define LF_HEX_SCORE60 0.37

static inline int lf_cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Median of the finite values of v (n), v untouched; NaN if none. */
static inline double lf_median(const double *v, size_t n)
{
    double *t = malloc(n * sizeof *t);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            t[m++] = v[i];
    double r = NAN;
    if (m > 0) {
        qsort(t, m, sizeof *t, lf_cmp_double);
        r = m % 2 ? t[m / 2] : 0.5 * (t[m / 2 - 1] + t[m / 2]);
    }
    free(t);
    return r;
}

/* Score ng maps (n values each): score60 into s60 (an undefined score is
 * -2: not a grid) and the dominant wavenumber into dk (NaN where it has
 * none).  The scorer's status (GRIDFORM_OK or GRIDFORM_EUNDEFINED when the
 * arrays are filled). */
static inline int lf_score_maps(gridform_scorer *sc, const double *maps, size_t ng, size_t n, double *s60,
                                double *dk)
{
    int rc = gridform_scorer_score(sc, maps, ng, s60, NULL, NULL, NULL);
    if (rc != GRIDFORM_OK && rc != GRIDFORM_EUNDEFINED)
        return rc;
    for (size_t j = 0; j < ng; j++) {
        if (!isfinite(s60[j]))
            s60[j] = -2.0;
        if (gridform_map_dominant_k(sc, maps + j * n, &dk[j]) != GRIDFORM_OK)
            dk[j] = NAN;
    }
    return rc;
}

/* The answer of an ensemble of tot scored maps. */
typedef struct {
    size_t hex;              /* maps with score60 > LF_HEX_SCORE60 */
    double median_k;         /* rad/m */
    double median_score60;
} lf_answers;

static inline lf_answers lf_answers_of(const double *s60, const double *dk, size_t tot)
{
    lf_answers a = {0, lf_median(dk, tot), lf_median(s60, tot)};
    for (size_t q = 0; q < tot; q++)
        a.hex += s60[q] > LF_HEX_SCORE60;
    return a;
}

#ifdef ck_assert_int_eq
typedef struct {
    gridform_arena *a;
    gridform_placecode *pc;
    gridform_kernel *k;
} lf_setup;

/* DoG sigma = 0.12 m, s = 2 (k* = 9.81 rad/m), ncells cells on a lattice,
 * the kernel in mode (an EXACT kernel in a walled box, any other in a
 * periodic one). */
static inline void lf_make_dog(lf_setup *s, double lx, double ly, size_t nx, size_t ny, int mode, size_t ncells)
{
    int bnd = mode == GRIDFORM_KERNEL_EXACT ? GRIDFORM_WALLED : GRIDFORM_PERIODIC;
    ck_assert_int_eq(gridform_arena_create(&s->a, lx, ly, nx, ny, bnd), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&s->pc, s->a, GRIDFORM_TUNING_DOG, 0.12, 2.0, ncells,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&s->k, s->pc, mode), GRIDFORM_OK);
}

static inline void lf_free_setup(lf_setup *s)
{
    gridform_kernel_destroy(s->k);
    gridform_placecode_destroy(s->pc);
    gridform_arena_destroy(s->a);
}

/* A learner of ng maps on kernel k with the nonlinearity nl (strength),
 * then the coupling and the integrator; a negative coupling or integrator
 * leaves that one at the learner's default (its setter is not called). */
static inline gridform_learner *lf_learner(const gridform_kernel *k, size_t ng, int nl, double strength, int coupling,
                                           int integrator)
{
    gridform_learner *l = NULL;
    ck_assert_int_eq(gridform_learner_create(&l, k, ng), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_nonlinearity(l, nl, strength), GRIDFORM_OK);
    if (coupling >= 0)
        ck_assert_int_eq(gridform_learner_set_coupling(l, coupling), GRIDFORM_OK);
    if (integrator >= 0)
        ck_assert_int_eq(gridform_learner_set_integrator(l, integrator), GRIDFORM_OK);
    return l;
}

/* max Sigma~ over the nf bins of the kernel's spectrum. */
static inline double lf_smax(const gridform_kernel *k, size_t nf)
{
    double *sp = malloc(nf * sizeof *sp), m = -INFINITY;
    ck_assert_int_eq(gridform_kernel_spectrum(k, sp), GRIDFORM_OK);
    for (size_t b = 0; b < nf; b++)
        m = fmax(m, sp[b]);
    free(sp);
    return m;
}

/* Step to exactly t = tend: the last step is cut to what remains. */
static inline void lf_run_to(gridform_learner *l, double tend)
{
    double t = 0.0;
    ck_assert_int_eq(gridform_learner_get_time(l, &t, NULL), GRIDFORM_OK);
    while (t < tend * (1.0 - 1e-12)) {
        double dt;
        ck_assert_int_eq(gridform_learner_get_step(l, &dt), GRIDFORM_OK);
        if (t + dt > tend)
            ck_assert_int_eq(gridform_learner_set_step(l, tend - t), GRIDFORM_OK);
        int rc = gridform_learner_iterate(l, 1);
        ck_assert_msg(rc == GRIDFORM_OK, "iterate: %s", gridform_learner_last_error(l));
        ck_assert_int_eq(gridform_learner_get_time(l, &t, NULL), GRIDFORM_OK);
    }
}

/* Seed the configured learner l (amplitude 1), step it to exactly
 * t = tend and score its ng maps (n values each) into s60 and dk
 * (lf_score_maps; maps is workspace of ng n values).  Its steps. */
static inline size_t lf_run_scored(gridform_learner *l, uint64_t seed, double tend, gridform_scorer *sc,
                                   double *maps, size_t ng, size_t n, double *s60, double *dk)
{
    ck_assert_int_eq(gridform_learner_seed(l, seed, 1.0), GRIDFORM_OK);
    lf_run_to(l, tend);
    size_t st;
    ck_assert_int_eq(gridform_learner_get_time(l, NULL, &st), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_get_maps(l, maps), GRIDFORM_OK);
    int rc = lf_score_maps(sc, maps, ng, n, s60, dk);
    ck_assert(rc == GRIDFORM_OK || rc == GRIDFORM_EUNDEFINED);
    return st;
}

/* ng maps g (n values each) of an arena with the mask inside: exactly 0
 * outside, >= 0 everywhere if nonneg, unit norm sum g^2 da = 1 to 1e-12. */
static inline void lf_assert_maps_in_shape(const double *g, size_t ng, size_t n, const unsigned char *inside,
                                           double da, int nonneg)
{
    for (size_t j = 0; j < ng; j++) {
        double ss = 0.0;
        for (size_t i = 0; i < n; i++) {
            if (!inside[i])
                ck_assert(g[j * n + i] == 0.0);
            if (nonneg)
                ck_assert(g[j * n + i] >= 0.0);
            ss += g[j * n + i] * g[j * n + i];
        }
        ck_assert_double_eq_tol(ss * da, 1.0, 1e-12);
    }
}

/* Two ensembles of tot maps (a[0] the run under test, a[1] the reference)
 * give the same answer (doc/theory.md §2.9): the hexagonal fraction
 * within three binomial standard deviations (plus one map), the median
 * dominant k within 1%, the median score60 within 0.05. */
static inline void lf_assert_same_answers(int row, const lf_answers a[2], size_t tot)
{
    double p = 0.5 * (double)(a[0].hex + a[1].hex) / (double)tot;
    double noise = 3.0 * sqrt(2.0 * p * (1.0 - p) / (double)tot) + 1.0 / (double)tot;
    ck_assert_msg(fabs((double)a[0].hex - (double)a[1].hex) / (double)tot <= noise,
                  "row %d: hexagonal %zu vs %zu of %zu", row, a[0].hex, a[1].hex, tot);
    if (isfinite(a[0].median_k) || isfinite(a[1].median_k))
        ck_assert_msg(fabs(a[0].median_k - a[1].median_k) <= 0.01 * fabs(a[1].median_k),
                      "row %d: median k %.4f vs %.4f", row, a[0].median_k, a[1].median_k);
    ck_assert_msg(fabs(a[0].median_score60 - a[1].median_score60) <= 0.05, "row %d: median score60 %.3f vs %.3f",
                  row, a[0].median_score60, a[1].median_score60);
}

#ifdef GRIDFORM_INTERNAL_H
/* Give a periodic lx x ly arena of nx x ny bins the shape of the disc
 * x^2 + y^2 < r2 about the box's centre, set by hand (the arena owns the
 * mask); the mask. */
static inline const unsigned char *lf_set_disc(gridform_arena *a, double lx, double ly, size_t nx, size_t ny,
                                               double r2)
{
    unsigned char *inside = malloc(nx * ny);
    size_t nin = 0;
    for (size_t iy = 0; iy < ny; iy++)
        for (size_t ix = 0; ix < nx; ix++) {
            double x = ((double)ix + 0.5) * lx / (double)nx - 0.5 * lx;
            double y = ((double)iy + 0.5) * ly / (double)ny - 0.5 * ly;
            inside[iy * nx + ix] = x * x + y * y < r2;
            nin += inside[iy * nx + ix];
        }
    a->inside = inside;
    a->ninside = nin;
    return inside;
}
#endif
#endif

#endif
