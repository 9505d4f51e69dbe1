/* libgridform: the arena, a rectangular box sampled on a regular grid. */
#ifndef GRIDFORM_ARENA_H
#define GRIDFORM_ARENA_H

#include <stddef.h>
#include "gridform/export.h"

GRIDFORM_BEGIN_DECLS

typedef struct gridform_arena gridform_arena;

/* Boundary conditions (frozen values). */
enum {
    GRIDFORM_PERIODIC = 1,  /* a torus: distances are minimum-image */
    GRIDFORM_WALLED = 2     /* a box with walls: no wrap-around */
};

/* An arena of lx by ly metres sampled on nx by ny points.  Point (ix, iy) is
 * at x = -lx/2 + (ix + 1/2) lx/nx, y = -ly/2 + (iy + 1/2) ly/ny. */
GRIDFORM_API int gridform_arena_create(gridform_arena **out, double lx, double ly,
                                       size_t nx, size_t ny, int boundary);
/* The box that holds a hexagonal lattice of wavenumber k (rad/m, spacing
 * a = 4 pi / (sqrt(3) k)) exactly, in one orientation: the lattice of
 * gridform_lattice_wavevectors at angle 0 (waves at 0, 120 and 240 degrees,
 * rows of field peaks along x).  lx = periods_x 4 pi / k (periods_x periods
 * of sqrt(3) a along x), ly = m a with m = round(sqrt(3) periods_x), on nx
 * points along x and ny = round(nx ly / lx) along y (raised to 2m + 1 if
 * needed).  nx > 4 periods_x, so the waves lie below the Nyquist wavenumber. */
GRIDFORM_API int gridform_arena_create_commensurate(gridform_arena **out, double k, size_t periods_x,
                                                    size_t nx, int boundary);
/* Arenas of any shape (gridform_arena_shapes(3)): always walled, on the
 * same nx x ny grid of an lx x ly box centred on the origin.  A mask gives
 * the reachable bins (ny x nx bytes, 1 inside, 0 outside); a polygon gives
 * rings of vertices in metres (xy: 2 doubles per vertex, ring after ring;
 * the first ring is the outer boundary, the others holes), and a bin is
 * inside when its centre lies in the closed polygon.  The inside bins must
 * form one 4-connected region. */
GRIDFORM_API int gridform_arena_create_mask(gridform_arena **out, double lx, double ly, size_t nx,
                                            size_t ny, const unsigned char *inside);
GRIDFORM_API int gridform_arena_create_polygon(gridform_arena **out, double lx, double ly, size_t nx,
                                               size_t ny, const double *xy, const size_t *ring_sizes,
                                               size_t nrings);
/* The reachable bins, ny x nx bytes (all 1 for a rectangle). */
GRIDFORM_API int gridform_arena_get_mask(const gridform_arena *a, unsigned char *inside);
GRIDFORM_API void gridform_arena_destroy(gridform_arena *a);
GRIDFORM_API const char *gridform_arena_last_error(const gridform_arena *a);

GRIDFORM_API int gridform_arena_get_shape(const gridform_arena *a, size_t *nx, size_t *ny);
GRIDFORM_API int gridform_arena_get_extent(const gridform_arena *a, double *lx, double *ly);
GRIDFORM_API int gridform_arena_get_boundary(const gridform_arena *a, int *boundary);
/* Grid spacing dx = lx/nx, dy = ly/ny (metres) and the area element dx*dy. */
GRIDFORM_API int gridform_arena_get_spacing(const gridform_arena *a, double *dx, double *dy,
                                            double *area_element);

/* Positions of all points, (ny*nx) x 2 doubles, row-major: xy[2*(iy*nx+ix)+0] = x. */
GRIDFORM_API int gridform_arena_positions(const gridform_arena *a, double *xy);

/* The Fourier lattice of the real FFT: nfreq = ny*(nx/2+1) bins, bin
 * (iy, jx) at index iy*(nx/2+1)+jx, wavevector (kx, ky) in rad/m with
 * kx = 2 pi jx / lx and ky = 2 pi (iy < (ny+1)/2 ? iy : iy - ny) / ly. */
GRIDFORM_API int gridform_arena_get_nfreq(const gridform_arena *a, size_t *nfreq);
GRIDFORM_API int gridform_arena_wavevectors(const gridform_arena *a, double *kxky);

GRIDFORM_END_DECLS

#endif
