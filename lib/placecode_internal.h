/* libgridform: private place-code internals shared by placecode.c and the
 * kernel.  Not installed. */
#ifndef GRIDFORM_PLACECODE_INTERNAL_H
#define GRIDFORM_PLACECODE_INTERNAL_H

#include "internal.h"
#include "shape_internal.h"

struct gridform_placecode {
    gridform__errbuf err;
    const gridform_arena *arena;   /* borrowed: must outlive the place code */
    int tuning;                    /* GRIDFORM_TUNING_* */
    double sigma, surround;        /* metres; variance ratio s */
    size_t ncells;
    int layout;                    /* GRIDFORM_CENTERS_* */
    double *centers;               /* ncells x 2, metres */
    gridform_tuning_fn fn;         /* GRIDFORM_TUNING_USER only */
    void *user;
    int distance;                  /* GRIDFORM_DISTANCE_* */
    gridform__geodesic *geo;       /* GEODESIC on a shaped arena: tables for the centres; else NULL */
};

/* Minimum-image displacement on a periodic arena; unchanged when walled. */
void gridform__min_image(const gridform_arena *a, double *dx, double *dy);

/* Responses at npos validated positions into out (npos x ncells); failures
 * (a user tuning returning NaN) are recorded in eb
 * as coming from func. */
int gridform__placecode_fill(const gridform_placecode *pc, const double *xy, size_t npos,
                             double *out, gridform__errbuf *eb, const char *func);

#endif
