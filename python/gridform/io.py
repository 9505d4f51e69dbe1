"""NumPy .npy files and map montages through the library (gridform_npy(3), gridform_image(3))."""

import ctypes

import numpy as np

from ._lib import (C, proto, check, enum, inarray, maps_array, ptr, count, path_arg, IMAGE_SCALING, NPY_MAX_DIMS,
                   _i, _sz, _s, _dp, _szp)

proto("gridform_npy_write", _i, _s, _dp, _sz, _szp)
proto("gridform_npy_read", _i, _s, _dp, _sz, _szp, _szp)
proto("gridform_image_write_maps", _i, _s, _dp, _sz, _sz, _sz, _sz, _i, _sz)


def npy_write(path, arr):
    """Write arr (any shape, converted to float64) as a .npy file with the
    library's writer (written atomically)."""
    a = inarray(arr, "array")
    if a.ndim > NPY_MAX_DIMS:
        raise ValueError("at most %d dimensions, got %d" % (NPY_MAX_DIMS, a.ndim))
    shape = (ctypes.c_size_t * max(a.ndim, 1))(*a.shape)
    check(C.gridform_npy_write, path_arg(path), ptr(a), a.ndim, shape)


def npy_read(path):
    """Read a .npy file (float64 or float32, either byte order, C or
    Fortran order) with the library's reader; returns a float64 array in
    C order."""
    ndim = _sz()
    shape = (ctypes.c_size_t * NPY_MAX_DIMS)()
    check(C.gridform_npy_read, path_arg(path), None, 0, ctypes.byref(ndim), shape)
    dims = tuple(shape[i] for i in range(ndim.value))
    out = np.empty(dims, dtype=np.float64)
    check(C.gridform_npy_read, path_arg(path), ptr(out), out.size, ctypes.byref(ndim), shape)
    return out


def image_write_maps(path, maps, ncols=None, scaling="per_map", zoom=4):
    """Write maps, shape (nmaps, ny, nx) or (ny, nx), as a montage of
    ncols columns (default: about square), each map zoom x zoom pixels per
    bin, as PNG (a .png path, when built with libpng) or PPM.  scaling:
    'per_map', 'shared' or 'symmetric' (zero at mid-grey)."""
    shape = np.shape(maps)
    if len(shape) not in (2, 3):
        raise ValueError("maps must have shape (nmaps, ny, nx) or (ny, nx), got %s" % (shape,))
    g, nmaps = maps_array(maps, shape[-2:])
    _, ny, nx = g.shape
    if ncols is None:
        ncols = int(np.ceil(np.sqrt(nmaps)))
    check(C.gridform_image_write_maps, path_arg(path), ptr(g), nmaps, nx, ny, count(ncols, "ncols"),
          enum(IMAGE_SCALING, scaling, "scaling"), count(zoom, "zoom"))
