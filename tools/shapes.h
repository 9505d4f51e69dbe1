/* Named enclosures of the geometry experiments, as polygons with holes, for
 * gridform-geometry and gridform-sweep --shape.
 *
 *   square     a square of side L
 *   circle     a disc of diameter L (a 96-gon whose vertices lie on the circle)
 *   trapezoid  Krupic et al. (Nature 518, 2015): parallel sides in the
 *              ratio 90 : 20 at the ends of a 190 long axis, scaled so the
 *              long axis is L; the wide end at x = -L/2
 *   hole       a square of side L with a centred square hole of side L/4
 *   wall       a square of side L with a wall from the middle of the bottom
 *              side to 3/5 of the way up, L/25 thick (a partition as in
 *              the hairpin and two-room experiments)
 *   rectangle  the whole box (no polygon: gridform_arena_create)
 *
 * Every shape lies in an L x H box centred on the origin (H = L except the
 * trapezoid, whose box is L x 90/190 L), which the arena samples. */
#ifndef GRIDFORM_TOOLS_SHAPES_H
#define GRIDFORM_TOOLS_SHAPES_H

#include <stddef.h>
#include <gridform.h>

enum { SHAPE_MAX_VERTICES = 128, SHAPE_MAX_RINGS = 3 };

typedef struct {
    const char *name;
    double lx, ly;                        /* the bounding box, metres */
    double xy[2 * SHAPE_MAX_VERTICES];    /* vertices, rings one after another */
    size_t ring_sizes[SHAPE_MAX_RINGS];
    size_t nrings;                        /* 0 for the whole box */
} shape_polygon;

/* The names shape_build accepts, separated by commas, for usage texts. */
const char *shape_names(void);
/* Fills p with the named shape of size L (metres).  Returns 0, or -1 for an
 * unknown name. */
int shape_build(const char *name, double L, shape_polygon *p);
/* The walled arena of p on a grid of bins of side near bin metres (at least
 * 8 per side).  Returns a GRIDFORM_* status; the library's message is in
 * gridform_last_error(). */
int shape_arena(const shape_polygon *p, double bin, gridform_arena **out);
/* The walled arena of p, centred in a box of lx x ly metres (at least the
 * shape's own box) on nx x ny bins: how gridform-sweep puts every shape on
 * its square n x n grid.  Returns a GRIDFORM_* status as shape_arena. */
int shape_arena_grid(const shape_polygon *p, double lx, double ly, size_t nx, size_t ny,
                     gridform_arena **out);
/* The area of the polygon in square metres (the outer ring's less the
 * holes'; for the whole box, lx ly). */
double shape_area(const shape_polygon *p);
/* The smallest angle, in [0, pi/6] radians, between one of the three axes
 * of a hexagonal grid of orientation theta (radians, modulo pi/3) and any
 * edge of the polygon (for the whole box, the box's sides). */
double shape_wall_offset(const shape_polygon *p, double theta);

#endif
