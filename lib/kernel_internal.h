/* libgridform: private kernel internals shared by kernel.c and
 * kernel_shells.c.  Not installed. */
#ifndef GRIDFORM_KERNEL_INTERNAL_H
#define GRIDFORM_KERNEL_INTERNAL_H

#include <pthread.h>
#include <fftw3.h>
#include "internal.h"

/* Where the continuum radial profile comes from. */
enum {
    GF_CONT_GAUSS = 1,  /* analytic Gaussian */
    GF_CONT_DOG = 2,    /* analytic difference of Gaussians */
    GF_CONT_CURVE = 3,  /* a user tuning curve sampled on the displacement grid */
    GF_CONT_KREAL = 4,  /* the mean-free translation-averaged real-space kernel */
    GF_CONT_USER = 5    /* a user radial spectrum */
};

struct gridform_kernel {
    gridform__errbuf err;
    const gridform_arena *arena;  /* borrowed: must outlive the kernel */
    const char *creator;          /* the public create function, for error details */
    int mode;                     /* GRIDFORM_KERNEL_* */
    int tuning;                   /* GRIDFORM_TUNING_* of the place code; 0 for RADIAL */
    int cont;                     /* GF_CONT_* */
    double sigma, surround;
    double area, dA;
    gridform_spectrum_fn fn;      /* RADIAL */
    void *user;
    double *grid;                 /* CURVE or KREAL: npoints, displacement grid in FFT order */
    double *spec;                 /* Sigma~ on the rfft lattice, nfreq */
    double *mult;                 /* FOURIER/RADIAL: spec / npoints */
    /* [0]: for SIMD-aligned caller arrays, [1]: FFTW_UNALIGNED for any
     * others; each [GF_KERNEL_BATCH maps, 1 map]. */
    fftw_plan fwd[2][2], bwd[2][2];
    fftw_complex *work;           /* GF_KERNEL_BATCH x nfreq */
    double *P;                    /* EXACT: npoints x np responses */
    size_t np;
    double *W;                    /* EXACT: GF_KERNEL_EXACT_BATCH x np */
    pthread_mutex_t lock;         /* guards work and W */
    int lock_ok;
};

#endif
