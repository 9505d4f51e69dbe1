/* libgridform: place-cell codes (doc/theory.md §1.1). */
#ifndef GRIDFORM_PLACECODE_H
#define GRIDFORM_PLACECODE_H

#include <stddef.h>
#include <stdint.h>
#include "gridform/export.h"
#include "gridform/arena.h"

GRIDFORM_BEGIN_DECLS

typedef struct gridform_placecode gridform_placecode;

/* Tuning curves (frozen values). */
enum {
    GRIDFORM_TUNING_GAUSSIAN = 1,    /* exp(-r^2/2 sigma^2) / (2 pi sigma^2) */
    GRIDFORM_TUNING_DOG = 2,         /* G_{sigma^2} - G_{s sigma^2}, unit-integral Gaussians, s > 1 */
    GRIDFORM_TUNING_SOFTMAX_DOG = 3, /* difference of softmaxes over cells, as in the trained network */
    GRIDFORM_TUNING_USER = 4         /* set by gridform_placecode_set_tuning_fn() */
};

/* Layouts of the cell centres (frozen values). */
enum {
    GRIDFORM_CENTERS_LATTICE = 1,    /* square lattice filling the arena */
    GRIDFORM_CENTERS_RANDOM = 2,     /* uniform, from the seed */
    GRIDFORM_CENTERS_USER = 3        /* set by gridform_placecode_set_centers() */
};

/* How a cell measures the distance to its centre (frozen values). */
enum {
    GRIDFORM_DISTANCE_EUCLIDEAN = 1, /* straight line (minimum image on a torus); the default */
    GRIDFORM_DISTANCE_GEODESIC = 2   /* shortest path inside a shaped arena, around walls and holes */
};

/* A user tuning curve: the response of a cell at displacement (dx, dy)
 * metres from its centre. */
typedef double (*gridform_tuning_fn)(double dx, double dy, void *user);

GRIDFORM_API int gridform_placecode_create(gridform_placecode **out, const gridform_arena *a,
                                           int tuning, double sigma, double surround,
                                           size_t ncells, int layout, uint64_t seed);
GRIDFORM_API void gridform_placecode_destroy(gridform_placecode *pc);
GRIDFORM_API const char *gridform_placecode_last_error(const gridform_placecode *pc);

GRIDFORM_API int gridform_placecode_set_centers(gridform_placecode *pc, const double *xy, size_t ncells);
GRIDFORM_API int gridform_placecode_get_centers(const gridform_placecode *pc, double *xy);
GRIDFORM_API int gridform_placecode_set_tuning_fn(gridform_placecode *pc, gridform_tuning_fn fn, void *user);

/* Tune by Euclidean or geodesic distance (gridform_arena_shapes(3)).  On
 * a rectangle or a torus the two are the same. */
GRIDFORM_API int gridform_placecode_set_distance(gridform_placecode *pc, int distance);
GRIDFORM_API int gridform_placecode_get_distance(const gridform_placecode *pc, int *distance);

GRIDFORM_API int gridform_placecode_get_ncells(const gridform_placecode *pc, size_t *ncells);
GRIDFORM_API int gridform_placecode_get_tuning(const gridform_placecode *pc, int *tuning,
                                               double *sigma, double *surround);
GRIDFORM_API const gridform_arena *gridform_placecode_get_arena(const gridform_placecode *pc);

/* Activations of all cells at npos positions (npos x 2, metres): out is
 * npos x ncells, row-major. */
GRIDFORM_API int gridform_placecode_response(const gridform_placecode *pc, const double *xy,
                                             size_t npos, double *out);

GRIDFORM_END_DECLS

#endif
