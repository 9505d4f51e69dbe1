/* libgridform: the learner's step in single precision
 * (GRIDFORM_PRECISION_SINGLE, doc/theory.md §2.8): lib/learner_step.c
 * compiled a second time with float maps, spectra, factors and M, fftwf
 * transforms and s-BLAS products.  One source, so the two precisions can
 * never disagree about the algorithm; see the head of learner_step.c. */
#define GF_LEARNER_SINGLE 1
#include "learner_step.c"
