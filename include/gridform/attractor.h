/* libgridform: the centre-surround attractor network (THEORY.md section 5). */
#ifndef GRIDFORM_ATTRACTOR_H
#define GRIDFORM_ATTRACTOR_H

#include <stddef.h>
#include <stdint.h>
#include "gridform/export.h"
#include "gridform/status.h"

GRIDFORM_BEGIN_DECLS

GRIDFORM_END_DECLS

#endif
