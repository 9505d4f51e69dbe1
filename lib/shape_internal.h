/* libgridform: private geometry of shaped arenas (lib/arena_shape.c) and
 * the geodesic distances built on it (lib/geodesic.c).  Not installed.
 * doc/theory.md §7. */
#ifndef GRIDFORM_SHAPE_INTERNAL_H
#define GRIDFORM_SHAPE_INTERNAL_H

#include "internal.h"

/* 1 if the arena has a shape (a mask or a polygon), 0 for the plain box. */
int gridform__arena_shaped(const gridform_arena *a);

/* The bin holding (x, y) (index iy*nx + ix), or SIZE_MAX outside the box.
 * Bin edges belong to the bin above / to the right; the far walls to the
 * last bin. */
size_t gridform__arena_bin_of(const gridform_arena *a, double x, double y);

/* Is (x, y) in the arena's closed domain?  Box: inside the box.  Polygon:
 * inside the polygon or on its boundary (within 1e-12 of the box size).
 * Mask: in the box and in an inside bin. */
int gridform__arena_contains(const gridform_arena *a, double x, double y);

/* Polygon arenas: is the segment p-q inside the closed polygon (it may run
 * along walls and touch vertices, never leave)? */
int gridform__poly_visible(const gridform_arena *a, double px, double py, double qx, double qy);

/* Mask arenas: does the segment p-q pass through inside bins only?  A
 * segment through a bin corner needs both bins beside the corner. */
int gridform__mask_visible(const gridform_arena *a, double px, double py, double qx, double qy);

/* ---- geodesic distances (lib/geodesic.c) ----------------------------------
 * Shortest paths inside a shaped arena from a set of centres.  Polygons:
 * exact, by the visibility graph of the reflex vertices (de Berg, Cheong,
 * van Kreveld, Overmars, Computational Geometry, 3rd ed., ch. 15).  Masks:
 * Dijkstra over bin centres with 16-neighbour moves, straight lines where
 * the mask lets a segment through (doc/theory.md §7.3). */
typedef struct gridform__geodesic gridform__geodesic;

/* Build for nc centres (all inside the domain; checked by the caller).
 * ENOMEM (detail in eb, as from func) on failure. */
int gridform__geodesic_create(gridform__geodesic **out, const gridform_arena *a, const double *centers,
                              size_t nc, gridform__errbuf *eb, const char *func);
void gridform__geodesic_destroy(gridform__geodesic *g);
/* Doubles of work space one position needs (at least 1). */
size_t gridform__geodesic_work(const gridform__geodesic *g);
/* Prepare the distances from the position (x, y) (inside the domain). */
void gridform__geodesic_from(const gridform__geodesic *g, double x, double y, double *work);
/* Geodesic distance from the prepared position to centre c. */
double gridform__geodesic_dist(const gridform__geodesic *g, double x, double y, size_t c, const double *work);

#endif
