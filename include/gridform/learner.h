/* libgridform: pattern-forming learning dynamics (THEORY.md sections 2-4). */
#ifndef GRIDFORM_LEARNER_H
#define GRIDFORM_LEARNER_H

#include <stddef.h>
#include <stdint.h>
#include "gridform/export.h"
#include "gridform/status.h"

GRIDFORM_BEGIN_DECLS

GRIDFORM_END_DECLS

#endif
