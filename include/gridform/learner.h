/* libgridform: pattern-forming learning dynamics (THEORY.md sections 2-4). */
#ifndef GRIDFORM_LEARNER_H
#define GRIDFORM_LEARNER_H

#include <stddef.h>
#include <stdint.h>
#include "gridform/export.h"
#include "gridform/status.h"

GRIDFORM_BEGIN_DECLS

/* Nonlinearities: how nonnegativity is imposed (frozen values).  Shared by
 * the learner, the amplitude equations (gridform_amplitude_from_kernel,
 * gridform_pattern_objective) and the attractor network. */
enum {
    GRIDFORM_NL_LINEAR = 1,  /* no constraint: the symmetric linear theory */
    GRIDFORM_NL_RELU = 2,    /* rectification g <- max(g, 0), a projection onto g >= 0 */
    GRIDFORM_NL_SOFT = 3,    /* a penalty on negative values with a given strength */
    GRIDFORM_NL_TANH = 4     /* the odd control: keeps the g -> -g symmetry */
};

GRIDFORM_END_DECLS

#endif
