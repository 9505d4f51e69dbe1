"""Arenas: the box, its sampling and its Fourier lattice (gridform_arena(3))."""

import ctypes

import numpy as np

from ._lib import C, Handle, proto, enum, enum_name, ptr, count, BOUNDARY, _i, _d, _sz, _vp, _s, _hp, _dp, _szp, _ip

proto("gridform_arena_create", _i, _hp, _d, _d, _sz, _sz, _i)
proto("gridform_arena_destroy", None, _vp)
proto("gridform_arena_last_error", _s, _vp)
proto("gridform_arena_get_shape", _i, _vp, _szp, _szp)
proto("gridform_arena_get_extent", _i, _vp, _dp, _dp)
proto("gridform_arena_get_boundary", _i, _vp, _ip)
proto("gridform_arena_get_spacing", _i, _vp, _dp, _dp, _dp)
proto("gridform_arena_positions", _i, _vp, _dp)
proto("gridform_arena_get_nfreq", _i, _vp, _szp)
proto("gridform_arena_wavevectors", _i, _vp, _dp)
proto("gridform_arena_create_commensurate", _i, _hp, _d, _sz, _sz, _i)
proto("gridform_arena_create_mask", _i, _hp, _d, _d, _sz, _sz, ctypes.POINTER(ctypes.c_ubyte))
proto("gridform_arena_create_polygon", _i, _hp, _d, _d, _sz, _sz, _dp, _szp, _sz)
proto("gridform_arena_get_mask", _i, _vp, ctypes.POINTER(ctypes.c_ubyte))


class Arena(Handle):
    """A rectangular box of lx x ly metres sampled on nx x ny points; a
    walled one may have a shape (Arena.from_polygon, Arena.from_mask).

    boundary is 'periodic' (a torus) or 'walled' (recorded arenas, and
    learning in a box with walls).  A walled arena takes 'averaged' and
    spectrum kernels (periodic convolutions; Kernel(code, 'averaged',
    centered=True) is the published pipeline, which forms grids) and
    'exact' ones (the walled operator itself, whose learned maps on a
    random code collapse to single bumps or to the constant: see
    Learner.diagnose and doc/theory.md §1.6), not 'fourier' or radial
    ones.  Point (ix, iy) sits
    at x = -lx/2 + (ix + 1/2) lx/nx, y = -ly/2 + (iy + 1/2) ly/ny metres:
    the box is centred on the origin.  Every map on the arena is a NumPy
    array of shape (ny, nx), C order (row iy, column ix), as the C library
    stores it.  Use as a context manager or call close() to free it at
    once."""

    _destroy = staticmethod(C.gridform_arena_destroy)
    _last_error = staticmethod(C.gridform_arena_last_error)

    def __init__(self, lx, ly, nx, ny, boundary="periodic"):
        super().__init__()
        self._create(C.gridform_arena_create, float(lx), float(ly), count(nx, "nx"), count(ny, "ny"),
                     enum(BOUNDARY, boundary, "boundary"))

    @classmethod
    def commensurate(cls, k, periods_x, nx, boundary="periodic"):
        """The box that holds a hexagonal lattice of wavenumber k (rad/m;
        field spacing a = 4 pi / (sqrt(3) k)) exactly, in the orientation of
        lattice_wavevectors at angle 0 (waves at 0, 120 and 240 degrees,
        rows of field peaks along x): lx = periods_x 4 pi / k, ly = m a with
        m = round(sqrt(3) periods_x), on nx points along x and about
        nx ly / lx along y (gridform_arena_create_commensurate(3))."""
        self = cls.__new__(cls)
        Handle.__init__(self)
        self._create(C.gridform_arena_create_commensurate, float(k), count(periods_x, "periods_x"), count(nx, "nx"),
                     enum(BOUNDARY, boundary, "boundary"))
        return self

    @classmethod
    def from_mask(cls, lx, ly, inside):
        """A walled arena of lx x ly metres whose reachable bins are the
        nonzero entries of inside, a (ny, nx) array (row iy, column ix).
        The inside must be one 4-connected region
        (gridform_arena_create_mask(3), gridform_arena_shapes(3))."""
        m = np.ascontiguousarray(np.asarray(inside) != 0, dtype=np.uint8)
        if m.ndim != 2:
            raise ValueError("inside must be a 2-D (ny, nx) array, got shape %s" % (m.shape,))
        self = cls.__new__(cls)
        Handle.__init__(self)
        self._create(C.gridform_arena_create_mask, float(lx), float(ly), m.shape[1], m.shape[0],
                     m.ctypes.data_as(ctypes.POINTER(ctypes.c_ubyte)))
        return self

    @classmethod
    def from_polygon(cls, lx, ly, nx, ny, outer, holes=()):
        """A walled arena of lx x ly metres on nx x ny bins whose inside is
        the polygon outer (an (m, 2) array of vertices in metres, in the box
        centred on the origin) minus the polygons in holes; a bin is inside
        when its centre is (gridform_arena_create_polygon(3))."""
        rings = [np.asarray(outer, dtype=np.float64)] + [np.asarray(h, dtype=np.float64) for h in holes]
        for r in rings:
            if r.ndim != 2 or r.shape[1] != 2:
                raise ValueError("every ring must have shape (m, 2), got %s" % (r.shape,))
        xy = np.ascontiguousarray(np.concatenate(rings))
        sizes = (ctypes.c_size_t * len(rings))(*[len(r) for r in rings])
        self = cls.__new__(cls)
        Handle.__init__(self)
        self._create(C.gridform_arena_create_polygon, float(lx), float(ly), count(nx, "nx"), count(ny, "ny"), ptr(xy),
                     sizes, len(rings))
        return self

    def mask(self):
        """The reachable bins, a (ny, nx) boolean array (all True for a
        rectangle)."""
        ny, nx = self.shape
        out = np.empty((ny, nx), dtype=np.uint8)
        self._call(C.gridform_arena_get_mask, out.ctypes.data_as(ctypes.POINTER(ctypes.c_ubyte)))
        return out.astype(bool)

    @property
    def shape(self):
        """(ny, nx): the NumPy shape of one map on this arena."""
        nx, ny = _sz(), _sz()
        self._call(C.gridform_arena_get_shape, ctypes.byref(nx), ctypes.byref(ny))
        return (ny.value, nx.value)

    @property
    def nx(self):
        return self.shape[1]

    @property
    def ny(self):
        return self.shape[0]

    @property
    def extent(self):
        """(lx, ly) in metres."""
        lx, ly = _d(), _d()
        self._call(C.gridform_arena_get_extent, ctypes.byref(lx), ctypes.byref(ly))
        return (lx.value, ly.value)

    @property
    def boundary(self):
        """'periodic' or 'walled'."""
        b = _i()
        self._call(C.gridform_arena_get_boundary, ctypes.byref(b))
        return enum_name(BOUNDARY, b.value)

    @property
    def spacing(self):
        """(dx, dy, dA): the sampling steps lx/nx, ly/ny in metres and the
        area element dx dy in square metres (the weight of every discrete
        integral in the library)."""
        dx, dy, da = _d(), _d(), _d()
        self._call(C.gridform_arena_get_spacing, ctypes.byref(dx), ctypes.byref(dy), ctypes.byref(da))
        return (dx.value, dy.value, da.value)

    @property
    def nfreq(self):
        """ny (nx//2 + 1): the number of bins of the real-FFT lattice."""
        n = _sz()
        self._call(C.gridform_arena_get_nfreq, ctypes.byref(n))
        return n.value

    def positions(self):
        """The points' positions, shape (ny, nx, 2): [..., 0] = x and
        [..., 1] = y in metres."""
        ny, nx = self.shape
        out = np.empty((ny, nx, 2))
        self._call(C.gridform_arena_positions, ptr(out))
        return out

    def wavevectors(self):
        """The wavevectors of the real-FFT lattice, shape (ny, nx//2+1, 2):
        (kx, ky) in rad/m, in the order of every spectrum the library
        returns."""
        ny, nx = self.shape
        out = np.empty((ny, nx // 2 + 1, 2))
        self._call(C.gridform_arena_wavevectors, ptr(out))
        return out

    def __repr__(self):
        if self.closed:
            return "<gridform.Arena closed>"
        (ny, nx), (lx, ly) = self.shape, self.extent
        inside = int(self.mask().sum())
        shaped = ", %d of %d bins inside" % (inside, nx * ny) if inside < nx * ny else ""
        return "<gridform.Arena %g x %g m, %d x %d points, %s%s>" % (lx, ly, nx, ny, self.boundary, shaped)
