/* libgridform: FFTW wisdom (the planner's memory of the fastest plans),
 * saved to and restored from files under the library's planner lock. */
#ifndef GRIDFORM_WISDOM_H
#define GRIDFORM_WISDOM_H

#include "gridform/export.h"

GRIDFORM_BEGIN_DECLS

/* Write FFTW's accumulated wisdom (FFTW's own text format) to path,
 * atomically (a temporary name in the same directory, then rename). */
GRIDFORM_API int gridform_wisdom_export(const char *path);
/* Merge the wisdom in path (at most 64 MiB, a regular file) into FFTW's;
 * text FFTW rejects is GRIDFORM_EFORMAT and changes nothing. */
GRIDFORM_API int gridform_wisdom_import(const char *path);
/* Forget all wisdom; existing plans (and the handles holding them) keep
 * working.  Returns GRIDFORM_OK. */
GRIDFORM_API int gridform_wisdom_forget(void);

GRIDFORM_END_DECLS

#endif
