/* libgridform: the learner's private state.  Data only: the handle
 * (learner.c) allocates and owns it, the step (learner_step.c) works on it.
 * The learner reads one way, each layer calling only the one below it:
 *
 *   learner.c       handle, options, maps in and out, the run loop
 *     -> learner_step.c   one step: integrators, couplings, stability,
 *                         step control, divergence (learner_step.h)
 *       -> learner_pool.c   worker threads running the step's phases
 *                           (learner_pool.h, knows nothing of maps)
 *
 * Not installed. */
#ifndef GRIDFORM_LEARNER_IMPL_H
#define GRIDFORM_LEARNER_IMPL_H

#include <fftw3.h>
#include "internal.h"
#include "learner_pool.h"
#include "integrator.h"

/* The ETD integrator's state (lib/learner_etd.c, doc/theory.md §2.9) and
 * the stationarity residual's workspace, which every integrator uses.  All
 * in double, whatever the learner's precision, and in the scaled variable
 * x = g sqrt(dA) (unit Euclidean norm), so that no product of map values
 * overflows in boxes far from a metre. */
typedef struct {
    /* ng x cstride doubles each: spectra (xh*, nh*) hold map j at
     * j cstride, real maps (s, c, ar, out, x) at j n. */
    double *xh1, *nh1;  /* spectrum of the state u and of N(u) (stage 1, kept over rejections) */
    double *xh2, *nh2;  /* the same for the projected ETD1 stage a */
    double *s;          /* Sigma x, then the force, then N(x) (real) */
    double *c;          /* the coupling sum_i Mc_ji x_i (real) */
    double *ar;         /* the projected ETD1 stage (real) */
    double *out;        /* the projected ETD2 step (real) */
    double *x;          /* a normalised double copy of the maps (residual of any integrator) */
    double *gd;         /* the ETD state: the maps times sqrt(dA), unit Euclidean norm */
    double *v1, *v2;    /* the velocity L x + N(x) of stage 1 (u) and 2 (a), real */
    double *m;          /* ng x ng coupling matrix of the stage */
    double *lin;        /* L per bin: Sigma~ - lambda0 (one entry for EXACT kernels) */
    double *lam;        /* per map: the multiplier lambda_j of the stage */
    double *res;        /* per map: |KKT residual| of the stage */
    double *err;        /* per map: |ETD2 - ETD1| of the projected states */
    const char **why;   /* per map: why the projection failed (NULL: it did not) */
    fftw_plan fwd, bwd; /* single-map double transforms on these buffers */
    gridform__etd_coeffs co;
    gridform__etd_coeffs loc;  /* the same for ell, the diagonal of L in real space (bins at 0) */
    double ell;
    gridform__pi pi;
    double rtol;        /* relative tolerance of one step's local error */
    /* What the current phase works on. */
    const double *px;
    double *pxh, *pnh, *pv;
    int stage_exact;    /* the stage's N is real (EXACT kernel): no spectra */
    int stage_n;        /* the stage computes N (0: force, residual and v only; pnh is scratch) */
    int valid;          /* xh1, nh1, lam, res are stage 1 of the current maps */
    double residual;    /* max_j res_j / max Sigma~ of the current maps */
    /* The stagnation guard (lib/learner_etd.c): the ceiling in force (0:
     * not yet set, take dt_max), the residual at the start of the current
     * window of accepted steps and the best one in it, and the window's
     * length so far. */
    double cap, wstart, best;
    size_t nwin;
} gridform__learner_etd;

/* The active-set integrator's workspace (lib/learner_active.c,
 * GRIDFORM_INTEGRATOR_ACTIVE_SET), allocated when the integrator is
 * chosen; the state, the force and the residual are the ETD's (gd, v1,
 * lam, res above), so the residual is the same function of the maps. */
typedef struct {
    size_t m;            /* Lanczos steps per basis (0: not allocated) */
    double *q1, *q2;     /* ng x (m + 1) x n: the basis of the state, and of the half step */
    double *spec;        /* ng x cstride: a spectrum per map (scratch) */
    double *whole;       /* ng x n: the whole step from the state's basis, projected */
    double *free_mask;   /* ng x n: 1 on the free bins of the map being expanded, else 0 (scratch) */
    double *ev1, *z1;    /* ng x m and ng x m x m: the eigen-decomposition of the state's T */
    double *beta1;       /* ng: |x_F| of the state */
    size_t *k1;          /* ng: the dimension of the state's basis (<= m: Lanczos may break down) */
    double *lam1;        /* ng: the multiplier of the state (the half step's stage overwrites the ETD's) */
    double h;            /* the step of the attempt in progress */
} gridform__learner_as;

/* What one worker found in a step: the first map that failed (SIZE_MAX if
 * none) and why, and the largest change of its maps. */
typedef struct {
    size_t bad_map;
    const char *what;
    double factor;
    double maxchg;
    double rhomax;   /* the largest growth of a map's norm in the step, before renormalisation */
    size_t rhomap;   /* the map that grew by rhomax (the lowest index among equals) */
} gridform__learner_slot;

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
     * Roles rotate by pointer swaps, so committing a step copies nothing.
     * With precision GRIDFORM_PRECISION_SINGLE they hold ng*cstride FLOATS
     * (the double buffers are freed): the step (learner_step.c compiled for
     * float) casts them; everything else must go through precision. */
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
    double *keep;    /* 2 ng: logv and logmin before the step in progress (restored on rejection) */

    fftw_plan fwd, bwd;
    int nthreads, fftw_threads, rigor;
    gridform__pool pool;
    gridform__learner_slot *slots;  /* one per worker (max_workers allocated) */
    int max_workers;
    int want_change;                /* of the step in progress */

    int nl, coupling, integrator;
    double strength;
    double dt;
    int dt_user;     /* 1 once set_step was called: integrator changes keep dt */
    double smax, smin;   /* max and min Sigma~ over the lattice */
    double lambda0;  /* shift of the linear part: smax (the top mode's multiplier) */
    double lam_ng;   /* the ng-th largest eigenvalue, modes counted with multiplicity (smin if unknown) */
    int use_syrk;    /* Sigma~ >= 0 everywhere: M by dsyrk on sqrt-scaled spectra */
    int exact;       /* EXACT kernel: real-space Euler step through gridform_kernel_apply */
    const char *api; /* the public function stepping (for messages, decision 6) */

    /* Automatic step control (learner_step.c, doc/theory.md §2.5). */
    int control;         /* on (the default) or off (fixed step, the published scheme) */
    double dt_start;     /* the step set (default or user's): every run of new maps starts with it */
    double dt_max;       /* control never exceeds it: the user's step, or the default's ceiling */
    size_t streak;       /* accepted steps since the last rejection or growth */
    double dt_bad;       /* the smallest step rejected since the maps or the step were set */
    size_t rejected;     /* steps rejected since the maps were set */
    double rhomax;       /* the largest one-step norm growth of the last accepted step */
    /* The failure of the step in progress, formatted only if it is final. */
    size_t fail_map;
    const char *fail_what;
    double fail_factor;
    /* Working precision (doc/theory.md §2.8).  SINGLE: the state, the
     * transforms (fftwf plans) and the products (s-BLAS) in float, with
     * float copies of the per-bin factors and of M below; sums, norms and
     * the bookkeeping stay double. */
    int precision;
    struct {
        float *fac, *cfac, *ysc, *gsc, *ksc, *m, *mlane;
        fftwf_plan fwd, bwd;
    } f32;
    /* Spectral truncation of M (doc/theory.md §2.6): only the nkept bins
     * with |Sigma~| >= trunc_eps max |Sigma~|, indices kept[] (increasing),
     * enter the sum; ksc[q] = ysc[kept[q]].  nkept == nfreq: every bin,
     * summed as contiguous chunks (no gather).  Applied when M is a dsyrk
     * (Sigma~ >= 0); the Gram matrix of Gram-Schmidt has no Sigma~ and is
     * never truncated. */
    double trunc_eps;
    int trunc_user;      /* 1 once set_truncation was called: precision changes keep it */
    size_t nkept;
    size_t *kept;
    double *ksc;

    gridform__learner_etd etd;
    gridform__learner_as as;

    int have_maps;
    size_t steps;
    double time;
    double last_change;  /* max_j |g_j(t+dt) - g_j(t)| / (dt smax) of the last step */
};

#endif
