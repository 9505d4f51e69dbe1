/* libgridform: the .npy reader and writer, and map images. */
#ifndef GRIDFORM_IO_H
#define GRIDFORM_IO_H

#include <stddef.h>
#include <stdint.h>
#include "gridform/export.h"
#include "gridform/status.h"

GRIDFORM_BEGIN_DECLS

/* Largest number of dimensions gridform_npy_read reports. */
#define GRIDFORM_NPY_MAX_DIMS 8

/* Write an array of doubles (C order, shape[0..ndim-1]) as a NumPy .npy
 * file (format 1.0, '<f8').  ndim may be 0 (a scalar).  The file appears
 * under its final name only when complete (written to a temporary name in
 * the same directory, then renamed). */
GRIDFORM_API int gridform_npy_write(const char *path, const double *data, size_t ndim, const size_t *shape);

/* Read a .npy file of float64 or float32, either byte order, C or Fortran
 * order, into doubles in C order.  Two-call protocol: with data == NULL only
 * *ndim and shape are filled; then call again with a buffer of capacity
 * doubles (capacity >= product of shape).  Anything else, or a truncated or
 * malformed file, is GRIDFORM_EFORMAT. */
GRIDFORM_API int gridform_npy_read(const char *path, double *data, size_t capacity, size_t *ndim,
                                   size_t shape[GRIDFORM_NPY_MAX_DIMS]);

/* Colour scaling of map montages (frozen values). */
enum {
    GRIDFORM_IMAGE_PER_MAP = 1,   /* each map from its own min to max */
    GRIDFORM_IMAGE_SHARED = 2,    /* one min..max over all maps */
    GRIDFORM_IMAGE_SYMMETRIC = 3  /* each map from -max|g| to +max|g| (zero at the centre) */
};

/* Write nmaps maps (map-major, each ny x nx, row iy = 0 at the bottom of the
 * picture) as a montage of ncols columns with a perceptual (viridis-like)
 * colormap; each bin becomes zoom x zoom pixels; NaN bins are grey.  The
 * extension decides the format: .png (needs libpng, otherwise
 * GRIDFORM_EUNSUPPORTED) or .ppm. */
GRIDFORM_API int gridform_image_write_maps(const char *path, const double *maps, size_t nmaps,
                                           size_t nx, size_t ny, size_t ncols, int scaling,
                                           size_t zoom);

GRIDFORM_END_DECLS

#endif
