/* libgridform: amplitude equations, ideal lattices, cubic gain and pattern objective (THEORY.md section 3). */
#ifndef GRIDFORM_AMPLITUDE_H
#define GRIDFORM_AMPLITUDE_H

#include <stddef.h>
#include <stdint.h>
#include "gridform/export.h"
#include "gridform/status.h"

GRIDFORM_BEGIN_DECLS

GRIDFORM_END_DECLS

#endif
