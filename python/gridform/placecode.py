"""Place codes: populations of place cells on an arena (gridform_placecode(3))."""

import ctypes

import numpy as np

from ._lib import (C, Handle, proto, enum, enum_name, inarray, ptr, fail, count, seed_arg, TUNING, CENTERS, TUNING_FN, DISTANCE,
                   _i, _d, _sz, _vp, _s, _hp, _dp, _szp, _ip, _u64)

proto("gridform_placecode_create", _i, _hp, _vp, _i, _d, _d, _sz, _i, _u64)
proto("gridform_placecode_destroy", None, _vp)
proto("gridform_placecode_last_error", _s, _vp)
proto("gridform_placecode_set_centers", _i, _vp, _dp, _sz)
proto("gridform_placecode_get_centers", _i, _vp, _dp)
proto("gridform_placecode_set_tuning_fn", _i, _vp, TUNING_FN, _vp)
proto("gridform_placecode_get_ncells", _i, _vp, _szp)
proto("gridform_placecode_get_tuning", _i, _vp, _ip, _dp, _dp)
proto("gridform_placecode_get_arena", _vp, _vp)
proto("gridform_placecode_response", _i, _vp, _dp, _sz, _dp)
proto("gridform_placecode_set_distance", _i, _vp, _i)
proto("gridform_placecode_get_distance", _i, _vp, _ip)


def _same_handle(ptr_value, obj, func):
    if not ptr_value:
        fail(1, func, "%s returned NULL" % func)
    if ptr_value != obj.handle.value:
        raise RuntimeError("%s returned a handle this object did not make" % func)
    return obj


class PlaceCode(Handle):
    """ncells place cells on an arena.

    tuning: 'gaussian' (unit-integral Gaussian of width sigma, metres),
    'dog' (difference of unit-integral Gaussians of variances sigma^2 and
    surround sigma^2; surround > 1 is a ratio of VARIANCES), 'softmax'
    (the trained networks' difference of softmaxes; 'softmax_dog' is
    accepted for it, as on the command line) or 'user' (then call
    set_tuning_fn).  layout: 'lattice' (square lattice filling the arena),
    'random' (uniform, from seed) or 'user' (then call set_centers).
    Tuning curves integrate to one, so responses are in 1/m^2.  The arena
    is kept alive as long as the place code (doc/theory.md §1.1)."""

    _destroy = staticmethod(C.gridform_placecode_destroy)
    _last_error = staticmethod(C.gridform_placecode_last_error)

    def __init__(self, arena, tuning="dog", sigma=0.12, surround=2.0, ncells=4096, layout="lattice", seed=1):
        super().__init__()
        self._arena = arena
        self._create(C.gridform_placecode_create, arena.handle, enum(TUNING, tuning, "tuning"), float(sigma),
                     float(surround), count(ncells, "ncells"), enum(CENTERS, layout, "layout"), seed_arg(seed),
                     parents=(arena,))
        self._tuning_cb = None

    @property
    def arena(self):
        """The Arena the code was made on."""
        return _same_handle(C.gridform_placecode_get_arena(self.handle), self._arena, "gridform_placecode_get_arena")

    @property
    def ncells(self):
        """The number of cells."""
        n = _sz()
        self._call(C.gridform_placecode_get_ncells, ctypes.byref(n))
        return n.value

    @property
    def tuning(self):
        """(tuning name, sigma in metres, surround variance ratio)."""
        t, sg, su = _i(), _d(), _d()
        self._call(C.gridform_placecode_get_tuning, ctypes.byref(t), ctypes.byref(sg), ctypes.byref(su))
        return (enum_name(TUNING, t.value), sg.value, su.value)

    def centers(self):
        """The cells' centres, shape (ncells, 2), metres."""
        out = np.empty((self.ncells, 2))
        self._call(C.gridform_placecode_get_centers, ptr(out))
        return out

    def set_centers(self, xy):
        """Set the centres, shape (ncells, 2) in metres (ncells may change);
        the layout becomes 'user'."""
        xy = inarray(xy, "centres", ndim=2)
        if xy.shape[1] != 2:
            raise ValueError("centres must have shape (ncells, 2), got %s" % (xy.shape,))
        self._call(C.gridform_placecode_set_centers, ptr(xy), xy.shape[0])

    def set_tuning_fn(self, fn):
        """Use fn(dx, dy) -> response (dx, dy: displacement from the centre
        in metres) as every cell's tuning curve; the tuning becomes 'user'.
        The callback is kept alive as long as this place code."""
        cb = TUNING_FN(lambda dx, dy, user: float(fn(dx, dy)))
        self._call(C.gridform_placecode_set_tuning_fn, cb, None)
        self._tuning_cb = cb

    @property
    def distance(self):
        """'euclidean' (the default) or 'geodesic': how a cell measures the
        distance to its centre (gridform_arena_shapes(3))."""
        d = _i()
        self._call(C.gridform_placecode_get_distance, ctypes.byref(d))
        return enum_name(DISTANCE, d.value)

    @distance.setter
    def distance(self, mode):
        """Tune by 'euclidean' distance or by 'geodesic' distance, the
        shortest path inside a shaped arena around walls and holes (exact
        for polygons, within 2.8% plus two bin diagonals for masks; the
        same as Euclidean on a rectangle or torus)."""
        self._call(C.gridform_placecode_set_distance, enum(DISTANCE, mode, "distance"))

    def response(self, xy):
        """The cells' responses at positions xy, shape (npos, 2) in metres
        (or (2,) for one position): an (npos, ncells) array in 1/m^2."""
        xy = inarray(xy, "positions")
        if xy.shape == (2,):      # one position
            xy = xy.reshape(1, 2)
        if xy.ndim != 2 or xy.shape[1] != 2:
            raise ValueError("positions must have shape (npos, 2) or (2,) for one, got %s" % (xy.shape,))
        npos = xy.shape[0]
        out = np.empty((npos, self.ncells))
        self._call(C.gridform_placecode_response, ptr(xy), npos, ptr(out))
        return out
