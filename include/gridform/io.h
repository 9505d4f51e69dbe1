/* libgridform: the .npy reader and writer, and map images. */
#ifndef GRIDFORM_IO_H
#define GRIDFORM_IO_H

#include <stddef.h>
#include <stdint.h>
#include "gridform/export.h"
#include "gridform/status.h"

GRIDFORM_BEGIN_DECLS

GRIDFORM_END_DECLS

#endif
