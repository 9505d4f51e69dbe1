/* libgridform: private kernel internals shared by kernel.c, kernel_exact.c
 * and kernel_shells.c.  Not installed.  Other modules use the kernel
 * through its public functions and lib/kernel_op.h only. */
#ifndef GRIDFORM_KERNEL_INTERNAL_H
#define GRIDFORM_KERNEL_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <fftw3.h>
#include "internal.h"
#include "kernel_op.h"

/* Where the continuum radial profile comes from. */
enum {
    GF_CONT_GAUSS = 1,  /* analytic Gaussian */
    GF_CONT_DOG = 2,    /* analytic difference of Gaussians */
    GF_CONT_CURVE = 3,  /* a user tuning curve sampled on the displacement grid */
    GF_CONT_KREAL = 4,  /* the mean-free translation-averaged real-space kernel */
    GF_CONT_USER = 5    /* a user radial spectrum */
};

/* Maps per batched FFT plan, and per dgemm chunk for EXACT kernels. */
#define GF_KERNEL_BATCH 8
#define GF_KERNEL_EXACT_BATCH 32

struct gridform_kernel {
    gridform__errbuf err;
    const gridform_arena *arena;  /* borrowed: must outlive the kernel */
    const char *creator;          /* the public create function, for error details */
    int mode;                     /* GRIDFORM_KERNEL_* without flags */
    int centered;                 /* GRIDFORM_KERNEL_CENTERED is set */
    atomic_int used;              /* spectrum or apply was called: the flag is frozen */
    int tuning;                   /* GRIDFORM_TUNING_* of the place code; 0 for RADIAL */
    int cont;                     /* GF_CONT_* */
    double sigma, surround;
    double area, dA;
    gridform_spectrum_fn fn;      /* RADIAL */
    void *user;
    double *grid;                 /* CURVE or KREAL: npoints, displacement grid in FFT order */
    double *spec;                 /* Sigma~ on the rfft lattice, nfreq (spec[0] = 0 if centred) */
    double spec0;                 /* Sigma~(0) of the uncentred operator */
    double *mult;                 /* multipliers: spec / npoints */
    /* [0]: for SIMD-aligned caller arrays, [1]: FFTW_UNALIGNED for any
     * others; each [GF_KERNEL_BATCH maps, 1 map]. */
    fftw_plan fwd[2][2], bwd[2][2];
    fftw_complex *work;           /* GF_KERNEL_BATCH x nfreq */
    double *P;                    /* EXACT: nrows x np responses (the inside rows first on a shape) */
    size_t np;
    double *pmean;                /* EXACT: np column means of P (the centring's rank-1 term) */
    double *W;                    /* EXACT: GF_KERNEL_EXACT_BATCH x np */
    double *csum;                 /* EXACT: GF_KERNEL_EXACT_BATCH map sums */
    size_t nrows;                 /* EXACT: rows of P kept (npoints, or the inside bins of a shape) */
    size_t *rows;                 /* EXACT on a shape: the bin of each kept row; NULL for the whole box */
    double *gin, *gout;           /* EXACT on a shape: GF_KERNEL_EXACT_BATCH x nrows packed maps */
    double top;                   /* EXACT: upper bound on the largest eigenvalue (0: not yet known) */
    int top_centered;             /* the centring top was computed for */
    /* UNIFORM (lib/kernel_uniform.c): the padded umy x umx grid */
    size_t umx, umy, umn, umf;
    const unsigned char *uin;     /* the arena's inside bins (NULL: all) */
    size_t unin;                  /* their number */
    double *uptab;                /* umn: p at every displacement, wrapped */
    double *ubuf;                 /* umn: work */
    fftw_complex *ucf, *uptf;     /* umf: work, and the transform of uptab */
    fftw_plan ufwd, ubwd;
    int spec_pending;             /* UNIFORM: spec not computed yet (guarded by lock) */
    pthread_mutex_t lock;         /* guards work, W, csum, top and the UNIFORM work */
    int lock_ok;
};

/* kernel_exact.c */
/* Responses of every cell at every arena point: npoints x np, aligned. */
int gridform__kernel_response_matrix(const gridform_placecode *pc, double **Pout, gridform__errbuf *eb,
                                     const char *func);
/* acc += sum_i |DFT of column i of P|^2 (P: npoints x np). */
int gridform__kernel_fourier_sum(gridform_kernel *k, const double *P, size_t np, gridform__errbuf *eb,
                                 const char *func);
/* k->spec = the Fourier diagonal <f_k, Sigma f_k> of P P^T / np. */
int gridform__kernel_fourier_diagonal(gridform_kernel *k, const double *P, size_t np, gridform__errbuf *eb);
/* Keep P as the EXACT operator (takes ownership), with its column means
 * and work space. */
int gridform__kernel_exact_adopt(gridform_kernel *k, double *P, size_t np, gridform__errbuf *eb);
/* out = Sigma in (centred if k->centered); the caller holds k->lock. */
void gridform__kernel_exact_apply(gridform_kernel *k, const double *in, double *out, size_t nmaps);
/* EXACT or UNIFORM, whichever k is; the caller holds k->lock. */
void gridform__kernel_real_apply(gridform_kernel *k, const double *in, double *out, size_t nmaps);

/* kernel_uniform.c */
/* Set up the UNIFORM operator of pc's tuning over the arena's shape and
 * its Fourier diagonal in k->spec. */
int gridform__kernel_uniform_init(gridform_kernel *k, const gridform_placecode *pc, gridform__errbuf *eb);
void gridform__kernel_uniform_free(gridform_kernel *k);
void gridform__kernel_uniform_apply(gridform_kernel *k, const double *in, double *out, size_t nmaps);
/* UNIFORM: compute the Fourier diagonal into k->spec if not done yet
 * (O(N_S N log N), so left to the first function that reads the spectrum:
 * func, named in errors).  Any other mode: nothing to do. */
int gridform__kernel_spec_ready(const gridform_kernel *k, const char *func);

#endif
