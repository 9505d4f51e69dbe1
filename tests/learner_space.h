/* libgridform tests and benchmarks: one run of the learner at one point of
 * the configuration space (box, tuning, nonlinearity, coupling,
 * integrator, number of maps) at its default step, and what came of it.
 * Shared by tests/check_learner_grid.c (the acceptance grid of `make
 * check`) and bench/learner_stability.c (the wider stress space of `make
 * bench`).  Header-only: static functions, plain C11. */
#ifndef GRIDFORM_TESTS_LEARNER_SPACE_H
#define GRIDFORM_TESTS_LEARNER_SPACE_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"

/* Tunings of the space: the place codes' own, a user tuning curve and a
 * user radial spectrum (RADIAL kernel). */
enum { LS_GAUSSIAN = 1, LS_DOG = 2, LS_SOFTMAX_DOG = 3, LS_USER = 4, LS_RADIAL = 5 };

typedef struct {
    double lx, ly;       /* box, m */
    size_t nx, ny;       /* lattice */
    int tuning;          /* LS_* */
    double sigma;        /* tuning width, m */
    double surround;     /* DoG surround ratio (> 1) */
} ls_box;

typedef struct {
    gridform_arena *a;
    gridform_placecode *pc;
    gridform_kernel *k;
    double sigma;        /* for the user curves */
    double kpeak;        /* the radial spectrum's ring, rad/m */
} ls_kernel;

typedef struct {
    int rc;              /* of gridform_learner_run */
    size_t steps, rejected;
    double dt0, dt;      /* the default step and the one in use at the end */
    double residual;
    double norm_err;     /* max_j |sum g_j^2 dA - 1| */
    int finite;
    char msg[256];
} ls_result;

/* A Mexican hat: the user tuning curve (its spectrum peaks at k > 0). */
static double ls_user_tuning(double dx, double dy, void *user)
{
    double s = *(const double *)user, r2 = (dx * dx + dy * dy) / (s * s);
    return (1.0 - 0.5 * r2) * exp(-0.5 * r2);
}

/* A user radial spectrum: a ring at kpeak on a small negative floor, so
 * that Sigma~ takes both signs (the non-dsyrk products). */
static double ls_radial(double k, void *user)
{
    double kp = *(const double *)user, x = (k - kp) / (0.35 * kp);
    return exp(-x * x) - 0.02;
}

static inline int ls_make_kernel(const ls_box *b, ls_kernel *out)
{
    memset(out, 0, sizeof *out);
    out->sigma = b->sigma;
    out->kpeak = 2.0 / b->sigma;
    int rc = gridform_arena_create(&out->a, b->lx, b->ly, b->nx, b->ny, GRIDFORM_PERIODIC);
    if (rc != GRIDFORM_OK)
        return rc;
    if (b->tuning == LS_RADIAL)
        return gridform_kernel_create_radial(&out->k, out->a, ls_radial, &out->kpeak);
    /* a user curve replaces a Gaussian code's after creation */
    int tuning = b->tuning == LS_USER ? GRIDFORM_TUNING_GAUSSIAN : b->tuning;
    double surround = b->tuning == LS_DOG || b->tuning == LS_SOFTMAX_DOG ? b->surround : 2.0;
    rc = gridform_placecode_create(&out->pc, out->a, tuning, b->sigma, surround, 256, GRIDFORM_CENTERS_LATTICE, 1);
    if (rc == GRIDFORM_OK && b->tuning == LS_USER)
        rc = gridform_placecode_set_tuning_fn(out->pc, ls_user_tuning, &out->sigma);
    if (rc == GRIDFORM_OK)
        rc = gridform_kernel_create(&out->k, out->pc, GRIDFORM_KERNEL_FOURIER);
    return rc;
}

static inline void ls_free_kernel(ls_kernel *k)
{
    gridform_kernel_destroy(k->k);
    gridform_placecode_destroy(k->pc);
    gridform_arena_destroy(k->a);
}

/* One run: nmaps maps from seed 1, the given rules at their default step
 * (step control on), gridform_learner_run(l, steps, tol).  rq (nmaps
 * values, may be NULL) receives the final Rayleigh quotients. */
static inline void ls_run(const ls_kernel *k, int nl, int coupling, int integrator, size_t nmaps, size_t steps, double tol,
                   ls_result *r, double *rq)
{
    memset(r, 0, sizeof *r);
    gridform_learner *l = NULL;
    size_t nx, ny;
    double lx, ly;
    gridform_arena_get_shape(k->a, &nx, &ny);
    gridform_arena_get_extent(k->a, &lx, &ly);
    size_t n = nx * ny;
    double da = (lx / (double)nx) * (ly / (double)ny);
    r->rc = gridform_learner_create(&l, k->k, nmaps);
    if (r->rc == GRIDFORM_OK)
        r->rc = gridform_learner_set_nonlinearity(l, nl, nl == GRIDFORM_NL_SOFT || nl == GRIDFORM_NL_TANH ? 1.0 : 0.0);
    if (r->rc == GRIDFORM_OK)
        r->rc = gridform_learner_set_coupling(l, coupling);
    if (r->rc == GRIDFORM_OK)
        r->rc = gridform_learner_set_integrator(l, integrator);
    if (r->rc == GRIDFORM_OK)
        r->rc = gridform_learner_get_step(l, &r->dt0);
    if (r->rc == GRIDFORM_OK)
        r->rc = gridform_learner_seed(l, 1, 1e-2);
    if (r->rc == GRIDFORM_OK)
        r->rc = gridform_learner_run(l, steps, tol, NULL, NULL);
    if (r->rc != GRIDFORM_OK && r->rc != GRIDFORM_CONTINUE) {
        snprintf(r->msg, sizeof r->msg, "%s", l != NULL ? gridform_learner_last_error(l) : gridform_last_error());
        gridform_learner_destroy(l);
        return;
    }
    gridform_learner_get_time(l, NULL, &r->steps);
    gridform_learner_get_rejected(l, &r->rejected);
    gridform_learner_get_step(l, &r->dt);
    gridform_learner_get_residual(l, &r->residual);
    double *g = malloc(nmaps * n * sizeof *g);
    r->finite = g != NULL && gridform_learner_get_maps(l, g) == GRIDFORM_OK;
    for (size_t j = 0; r->finite && j < nmaps; j++) {
        double s = 0.0;
        for (size_t i = 0; i < n; i++) {
            if (!isfinite(g[j * n + i]))
                r->finite = 0;
            s += g[j * n + i] * g[j * n + i];
        }
        if (fabs(s * da - 1.0) > r->norm_err)
            r->norm_err = fabs(s * da - 1.0);
    }
    free(g);
    if (rq != NULL)
        gridform_learner_objective(l, rq, NULL);
    gridform_learner_destroy(l);
}

static int ls_descending(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a < b) - (a > b);
}

/* The m largest eigenvalues of the kernel on its lattice (each rfft bin
 * is w real modes: 1 on the columns kx = 0 and nx/2, else 2), in order. */
static inline int ls_top_eigenvalues(const ls_kernel *k, size_t m, double *top)
{
    size_t nx, ny, nf;
    gridform_arena_get_shape(k->a, &nx, &ny);
    gridform_arena_get_nfreq(k->a, &nf);
    size_t nh = nx / 2 + 1;
    double *sp = malloc(nf * sizeof *sp), *all = malloc(2 * nf * sizeof *all);
    if (sp == NULL || all == NULL || gridform_kernel_spectrum(k->k, sp) != GRIDFORM_OK) {
        free(sp);
        free(all);
        return -1;
    }
    size_t cnt = 0;
    for (size_t b = 0; b < nf; b++) {
        size_t jx = b % nh;
        all[cnt++] = sp[b];
        if (!(jx == 0 || (nx % 2 == 0 && jx == nx / 2)))
            all[cnt++] = sp[b];
    }
    qsort(all, cnt, sizeof *all, ls_descending);
    for (size_t i = 0; i < m; i++)
        top[i] = all[i];
    free(sp);
    free(all);
    return 0;
}

#endif
