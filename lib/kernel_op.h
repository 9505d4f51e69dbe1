/* libgridform: the kernel as an operator, for the modules that evolve maps
 * under it (the learner, the attractor network).  Not installed.
 *
 * The dependency is one way: these modules call the kernel (here and
 * through gridform_kernel_apply / gridform_kernel_spectrum), never the
 * reverse.  A kernel is either a Fourier multiplier (FOURIER, AVERAGED,
 * RADIAL, SPECTRUM: diagonal on the rfft lattice, applied with periodic
 * wrap, its spectrum the exact eigenvalues) or the real-space EXACT
 * operator P P^T / np of the actual cells (lib/kernel_exact.c), reached
 * only through gridform_kernel_apply. */
#ifndef GRIDFORM_KERNEL_OP_H
#define GRIDFORM_KERNEL_OP_H

#include "gridform/kernel.h"

/* 1 if k is a Fourier multiplier, 0 for the real-space EXACT operator. */
int gridform__kernel_is_multiplier(const gridform_kernel *k);

/* Bounds on the operator's spectrum: smin <= every eigenvalue <= smax.
 * Multipliers: the extreme values of the spectrum (exact).  EXACT: the
 * operator is positive semidefinite (smin = 0) and smax is a power-
 * iteration estimate of the top eigenvalue raised by 3%, an upper bound in
 * practice; computed once and cached.  Returns GRIDFORM_EUNDEFINED for a
 * zero operator (GRIDFORM_ENOMEM if out of memory), with the detail,
 * beginning with func (the public function asking), in the kernel's slot. */
int gridform__kernel_bounds(const gridform_kernel *k, double *smin, double *smax, const char *func);

/* The continuum ring k* of Sigma~ and the spacing 4 pi / (sqrt 3 k*), as
 * gridform_kernel_ring computes them but without its check that the
 * spacing fits the box (the attractor's sheet and the amplitude equations
 * use the ring's value whatever the box). */
int gridform__kernel_ring_continuum(const gridform_kernel *k, double *kstar, double *spacing);

#endif
