/* libgridform: grid measurements: autocorrelogram, gridness, spacing, orientation, rate maps. */
#ifndef GRIDFORM_SCORE_H
#define GRIDFORM_SCORE_H

#include <stddef.h>
#include <stdint.h>
#include "gridform/export.h"
#include "gridform/status.h"

GRIDFORM_BEGIN_DECLS

GRIDFORM_END_DECLS

#endif
