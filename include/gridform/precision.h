/* libgridform: the floating-point precision a handle computes in
 * (doc/theory.md §2.8). */
#ifndef GRIDFORM_PRECISION_H
#define GRIDFORM_PRECISION_H

#include "gridform/export.h"

GRIDFORM_BEGIN_DECLS

/* Working precision of the learner's and the network's state, transforms
 * and products (frozen values).  Arrays still go in and out as double;
 * see gridform_learner_set_precision(3) and gridform_attractor(3). */
enum {
    GRIDFORM_PRECISION_DOUBLE = 1,  /* IEEE binary64 throughout: the default */
    GRIDFORM_PRECISION_SINGLE = 2   /* binary32 state, fftwf transforms, s-BLAS products */
};

GRIDFORM_END_DECLS

#endif
