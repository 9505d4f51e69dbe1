/* libgridform: the attractor network with a real-space kernel (an EXACT
 * or UNIFORM kernel, in a walled box or an arena with a shape;
 * doc/theory.md §5.5).  Not installed. */
#ifndef GRIDFORM_ATTRACTOR_REAL_H
#define GRIDFORM_ATTRACTOR_REAL_H

#include <stddef.h>
#include "gridform/kernel.h"

/* The gain normalisation of a real-space kernel Sigma on the sheet's
 * inside bins (inside: n flags, NULL for all n; nin of them set):
 *
 *   c  = the largest eigenvalue of Q Sigma Q, Q = I - u u^T,
 *   c0 = u^T Sigma u,
 *
 * u the unit vector uniform over the inside bins, Sigma applied with
 * gridform_kernel_apply (area element included, as the Fourier
 * multiplier's eigenvalues are).  c by Lanczos from a fixed start (the same
 * numbers on every run); *iters receives the applications of Sigma it
 * took.  nin < 2 leaves no complement: c = 0.  Returns GRIDFORM_OK,
 * GRIDFORM_ENOMEM, or the error of the kernel's apply (the detail in the
 * kernel's slot). */
int gridform__attractor_real_norm(const gridform_kernel *J, const unsigned char *inside, size_t n, size_t nin,
                                  double *c, double *c0, size_t *iters);

#endif
