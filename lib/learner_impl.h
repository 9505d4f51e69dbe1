/* libgridform: the learner's private state, shared by lib/learner.c (setup,
 * setters, I/O of maps, run loop) and lib/learner_step.c (the hot step).
 * Not installed. */
#ifndef GRIDFORM_LEARNER_IMPL_H
#define GRIDFORM_LEARNER_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <fftw3.h>
#include "internal.h"

/* What one worker found in a step: the first map that failed (SIZE_MAX if
 * none) and why, and the largest change of its maps. */
typedef struct {
    size_t bad_map;
    const char *what;
    double factor;
    double maxchg;
} gridform__learner_slot;

/* Worker threads (learner_pool.c). */
typedef struct {
    int nworkers;            /* threads stepping maps, the caller included (>= 1) */
    int nstarted;            /* helper threads running */
    pthread_t *threads;
    void *args;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    int sync_ready;
    unsigned long gen;       /* bumped once per dispatched phase */
    atomic_size_t next;      /* the next map to hand out in the current phase */
    int phase, ndone, quit;
} gridform__learner_pool;

struct gridform_learner {
    gridform__errbuf err;
    const gridform_kernel *kernel;
    const gridform_arena *arena;

    size_t nx, ny;
    size_t n;        /* nx*ny real points per map */
    size_t nh;       /* nx/2+1 */
    size_t nfreq;    /* ny*nh rfft bins per map */
    size_t ng;       /* number of maps */
    size_t cstride;  /* doubles per map in a spectrum: 2*nfreq */
    double da;       /* area element (lx/nx)(ly/ny), m^2 */
    double area;     /* lx*ly, m^2 */

    /* Three buffers of ng*cstride doubles each.  g holds the state (ng x n
     * real, contiguous maps); a and b are the spectrum and the workspace.
     * Roles rotate by pointer swaps, so committing a step copies nothing. */
    double *g, *a, *b;

    double *sigma;   /* Sigma~ per bin (nfreq), from gridform_kernel_spectrum */
    double *wsig;    /* w_k Sigma~_k, w_k the rfft multiplicity (1 or 2) */
    double *wt;      /* w_k */
    double *ysc;     /* per-bin scale for the coupling matrix (see learner_step.c) */
    double *gsc;     /* per-bin scale for the Gram matrix: sqrt(w_k dA n) */
    double *fac;     /* per-bin linear propagator divided by n (see set_step) */
    double *cfac;    /* per-bin weight of the coupling term divided by n */
    double *m;       /* ng x ng coupling matrix (also lane 0's partial sum) */
    /* The coupling products are split by columns of the spectra (Fourier
     * bins), so that worker threads share them (learner_step.c, "Products
     * by columns"): M is summed over nlanes fixed column ranges, lane s > 0
     * into mlane + (s - 1) ng^2, then added in lane order, each lane in
     * chunks of gram_bins bins; the correction runs on chunks of chunk_bins
     * bins.  Both depend on the sizes only,
     * never on the thread count, so results do not either. */
    size_t nlanes;
    size_t chunk_bins;   /* bins per correction chunk */
    size_t gram_bins;    /* bins per Gram chunk (lanes are whole Gram chunks) */
    double *mlane;
    int corr;        /* the correction of the current step (GF_LEARNER_CORR_*) */
    int solo;        /* the current phase runs on the calling thread alone */
    double *nrm;     /* current norm of each map, sqrt(sum g^2 dA) */
    double *logv;    /* log of the norm each map would have without renormalisation */
    double *logmin;  /* running minimum of logv */
    double *rq;      /* Rayleigh quotients of the maps before the last step */
    double *diag0;   /* the Gram matrix's diagonal, kept through its Cholesky factorisation */

    fftw_plan fwd, bwd;
    int nthreads, fftw_threads, rigor;
    gridform__learner_pool pool;
    gridform__learner_slot *slots;  /* one per worker (max_workers allocated) */
    int max_workers;
    int want_change;                /* of the step in progress */

    int nl, coupling, integrator;
    double strength;
    double dt;
    int dt_user;     /* 1 once set_step was called: integrator changes keep dt */
    double smax, smin;   /* max and min Sigma~ over the lattice */
    double lambda0;  /* shift of the linear part: smax (the top mode's multiplier) */
    int use_syrk;    /* Sigma~ >= 0 everywhere: M by dsyrk on sqrt-scaled spectra */
    int exact;       /* EXACT kernel: real-space Euler step (learner_step.c) */

    int have_maps;
    size_t steps;
    double time;
    double last_change;  /* max_j |g_j(t+dt) - g_j(t)| / (dt smax) of the last step */
};

/* One step (learner_step.c).  want_change: compute last_change.  On
 * divergence returns GRIDFORM_EDIVERGED with the detail recorded and the
 * state unchanged. */
int gridform__learner_step(gridform_learner *l, int want_change);
/* Rayleigh quotient of every map of the current state through Parseval;
 * uses the a buffer as workspace. */
void gridform__learner_rayleigh(gridform_learner *l, double *per_map);
/* Phases of a step, run by every worker on its block of maps. */
enum {
    GF_LEARNER_PH_INDEP = 1,    /* FFT, factor, inverse FFT, finish: independent maps */
    GF_LEARNER_PH_FWD_GS = 2,   /* FFT, factor: Sanger, exponential */
    GF_LEARNER_PH_FWD_Y = 3,    /* FFT: additive forms */
    GF_LEARNER_PH_BWD_GS = 4,   /* inverse FFT, finish: Sanger, exponential */
    GF_LEARNER_PH_GRAM = 5,     /* M (or the Gram matrix), one lane of columns per item */
    GF_LEARNER_PH_CORR = 6,     /* the correction and combination, one chunk of columns per item */
    GF_LEARNER_PH_BWD_COMB = 7  /* inverse FFT, finish: additive forms */
};
/* The correction a step applies across maps, per chunk of columns. */
enum {
    GF_LEARNER_CORR_TRMM = 1,   /* Sanger, EULER: b = fac a + cfac tril(M) a */
    GF_LEARNER_CORR_SYMM = 2,   /* Oja rule: b = fac a + cfac M a (M symmetric) */
    GF_LEARNER_CORR_TRSM = 3    /* Sanger, EXPONENTIAL: a = C^-1 a (Cholesky factor) */
};
void gridform__learner_phase(gridform_learner *l, int tid, int phase);
int gridform__learner_pool_start(gridform_learner *l, int nworkers);
void gridform__learner_pool_stop(gridform_learner *l);
void gridform__learner_pool_run(gridform_learner *l, int phase);

/* Per-map nonlinearity, checks and renormalisation (learner_step.c);
 * failures are noted in slot, formatted by gridform__learner_diverged. */
int gridform__learner_finish_map(gridform_learner *l, size_t j, double *u, const double *old, int want_change,
                                 gridform__learner_slot *slot);
int gridform__learner_diverged(gridform_learner *l, size_t j, const char *what, double factor);
/* Kernels that are no Fourier multiplier (EXACT), stepped in real space
 * through gridform_kernel_apply (learner_step.c). */
int gridform__learner_step_exact(gridform_learner *l, int want_change);
void gridform__learner_rayleigh_exact(gridform_learner *l, double *per_map);

/* Largest stable explicit step for this coupling (learner.c). */
double gridform__learner_euler_limit(const gridform_learner *l, int coupling);
/* Recompute fac and cfac from dt, integrator and the spectrum. */
void gridform__learner_update_factors(gridform_learner *l);
/* Runaway threshold: a map whose unnormalised norm rises this many e-folds
 * above its running minimum has diverged (factor 1e6). */
#define GRIDFORM__LEARNER_RUNAWAY_LOG 13.815510557964274

#endif
