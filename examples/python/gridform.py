"""ctypes binding of libgridform (arena, placecode, kernel, learner, scorer, io).

Only the standard library and NumPy are needed.  Arrays go in and out as
NumPy float64 arrays in C order; inputs already of that kind are passed to
the library without a copy (``np.ascontiguousarray`` is a no-op for them),
outputs are allocated here and filled in place by the library.

Errors raise :class:`GridformError`, which carries the status code, its
``gridform_strerror`` name and the library's last_error detail.

The shared library is found, in this order, from the environment variable
``GRIDFORM_LIB`` (a path to ``libgridform.so``), next to a build tree
(``lib/.libs/libgridform.so`` two directories up), then by
``ctypes.util.find_library("gridform")``.

Handles are freed when the Python object is garbage-collected, or at once
with ``close()`` or a ``with`` block; each keeps a reference to the handle it
was made from, so a parent never dies before its child.
"""

import ctypes
import ctypes.util
import os

import numpy as np

__all__ = [
    "GridformError", "lib", "version", "strerror",
    "Arena", "PlaceCode", "Kernel", "Learner", "Scorer",
    "npy_read", "npy_write", "image_write_maps", "ratemap_accumulate",
    "wisdom_export", "wisdom_import", "wisdom_forget",
    "OK", "EINVAL", "ENOMEM", "ERANGE", "EDIVERGED", "EUNDEFINED", "EIO",
    "EFORMAT", "EUNSUPPORTED", "ECANCELED", "CONTINUE",
]

# Frozen status codes (include/gridform/status.h).
OK, EINVAL, ENOMEM, ERANGE, EDIVERGED, EUNDEFINED = 0, 1, 2, 3, 4, 5
EIO, EFORMAT, EUNSUPPORTED, ECANCELED, CONTINUE = 6, 7, 8, 9, 10

# Frozen enum values, by the names the Python API accepts.
BOUNDARY = {"periodic": 1, "walled": 2}
TUNING = {"gaussian": 1, "dog": 2, "softmax_dog": 3, "user": 4}
CENTERS = {"lattice": 1, "random": 2, "user": 3}
KERNEL_MODE = {"fourier": 1, "exact": 2, "radial": 3}
IMAGE_SCALING = {"per_map": 1, "shared": 2, "symmetric": 3}
NPY_MAX_DIMS = 8


def _find_library():
    env = os.environ.get("GRIDFORM_LIB")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    for top in (os.path.join(here, "..", ".."), os.getcwd()):
        cand = os.path.join(top, "lib", ".libs", "libgridform.so")
        if os.path.exists(cand):
            return cand
    found = ctypes.util.find_library("gridform")
    if found:
        return found
    raise OSError("libgridform not found: set GRIDFORM_LIB to the path of libgridform.so")


lib = ctypes.CDLL(_find_library())

_c_double_p = ctypes.POINTER(ctypes.c_double)
_c_size_p = ctypes.POINTER(ctypes.c_size_t)
_vp = ctypes.c_void_p
_sz = ctypes.c_size_t
_d = ctypes.c_double
_i = ctypes.c_int
_u64 = ctypes.c_uint64
_s = ctypes.c_char_p

PROGRESS_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_double, ctypes.c_void_p)
TUNING_FN = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_double, ctypes.c_void_p)
SPECTRUM_FN = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_void_p)


def _proto(name, restype, *argtypes, optional=False):
    try:
        f = getattr(lib, name)
    except AttributeError:
        if optional:
            return None
        raise
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


_proto("gridform_strerror", _s, _i)
_proto("gridform_last_error", _s)
_proto("gridform_version_string", _s)


def strerror(code):
    """The library's name for a status code."""
    return lib.gridform_strerror(code).decode()


def version():
    """The run-time library version, e.g. '0.2.0'."""
    return lib.gridform_version_string().decode()


class GridformError(Exception):
    """A libgridform call failed.  ``code`` is the GRIDFORM_E* status,
    ``name`` its gridform_strerror text, ``detail`` the last_error text."""

    def __init__(self, code, detail, func=""):
        self.code = code
        self.name = strerror(code)
        self.detail = detail
        self.func = func
        super().__init__("%s (%d): %s" % (self.name, code, detail) if detail else "%s (%d)" % (self.name, code))


def _raise(rc, detail_fn=None, func=""):
    if detail_fn is not None:
        detail = detail_fn()
    else:
        detail = lib.gridform_last_error()
    if isinstance(detail, bytes):
        detail = detail.decode(errors="replace")
    raise GridformError(rc, detail or "", func)


def _in(a, shape=None, name="array"):
    """A C-contiguous float64 view of a (no copy when it already is one)."""
    arr = np.ascontiguousarray(a, dtype=np.float64)
    if shape is not None and arr.size != int(np.prod(shape)):
        raise ValueError("%s has %d elements, expected %s" % (name, arr.size, shape))
    return arr


def _ptr(arr):
    return arr.ctypes.data_as(_c_double_p)


class _Handle:
    """Owns one libgridform handle; destroy() runs once, on close or GC."""
    _destroy = None
    _last_error = None

    def __init__(self):
        self._h = None
        self._parents = ()

    def _create(self, fn, *args, parents=()):
        h = _vp()
        rc = fn(ctypes.byref(h), *args)
        if rc != OK:
            _raise(rc, func=fn.__name__)
        self._h = h
        self._parents = parents

    def _call(self, fn, *args, ok=(OK,)):
        rc = fn(self._h, *args)
        if rc not in ok:
            _raise(rc, lambda: type(self)._last_error(self._h), fn.__name__)
        return rc

    @property
    def handle(self):
        if self._h is None:
            raise ValueError("%s is closed" % type(self).__name__)
        return self._h

    def last_error(self):
        return type(self)._last_error(self._h).decode(errors="replace")

    def close(self):
        if getattr(self, "_h", None) is not None and type(self)._destroy is not None:
            type(self)._destroy(self._h)
        self._h = None
        self._parents = ()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---- arena -------------------------------------------------------------
_proto("gridform_arena_create", _i, ctypes.POINTER(_vp), _d, _d, _sz, _sz, _i)
_proto("gridform_arena_destroy", None, _vp)
_proto("gridform_arena_last_error", _s, _vp)
_proto("gridform_arena_get_shape", _i, _vp, _c_size_p, _c_size_p)
_proto("gridform_arena_get_extent", _i, _vp, _c_double_p, _c_double_p)
_proto("gridform_arena_get_boundary", _i, _vp, ctypes.POINTER(_i))
_proto("gridform_arena_get_spacing", _i, _vp, _c_double_p, _c_double_p, _c_double_p)
_proto("gridform_arena_positions", _i, _vp, _c_double_p)
_proto("gridform_arena_get_nfreq", _i, _vp, _c_size_p)
_proto("gridform_arena_wavevectors", _i, _vp, _c_double_p)
_proto("gridform_arena_create_commensurate", _i, ctypes.POINTER(_vp), _d, _sz, _sz, _i)


class Arena(_Handle):
    """A box of lx x ly metres on nx x ny points; boundary 'periodic' or 'walled'."""
    _destroy = staticmethod(lib.gridform_arena_destroy)
    _last_error = staticmethod(lib.gridform_arena_last_error)

    def __init__(self, lx, ly, nx, ny, boundary="periodic"):
        super().__init__()
        self._create(lib.gridform_arena_create, float(lx), float(ly), int(nx), int(ny),
                     BOUNDARY.get(boundary, boundary) if isinstance(boundary, str) else int(boundary))

    @classmethod
    def commensurate(cls, k, periods_x, nx, boundary="periodic"):
        """The box holding a hexagonal lattice of wavenumber k (rad/m)
        exactly: periods_x periods of 4 pi / k along x, on nx points
        (gridform_arena_create_commensurate)."""
        self = cls.__new__(cls)
        _Handle.__init__(self)
        self._create(lib.gridform_arena_create_commensurate, float(k), int(periods_x), int(nx),
                     BOUNDARY.get(boundary, boundary) if isinstance(boundary, str) else int(boundary))
        return self

    @property
    def shape(self):
        """(ny, nx): the NumPy shape of one map."""
        nx, ny = _sz(), _sz()
        self._call(lib.gridform_arena_get_shape, ctypes.byref(nx), ctypes.byref(ny))
        return (ny.value, nx.value)

    @property
    def extent(self):
        lx, ly = _d(), _d()
        self._call(lib.gridform_arena_get_extent, ctypes.byref(lx), ctypes.byref(ly))
        return (lx.value, ly.value)

    @property
    def spacing(self):
        """(dx, dy, dA) in metres and square metres."""
        dx, dy, da = _d(), _d(), _d()
        self._call(lib.gridform_arena_get_spacing, ctypes.byref(dx), ctypes.byref(dy), ctypes.byref(da))
        return (dx.value, dy.value, da.value)

    @property
    def nfreq(self):
        n = _sz()
        self._call(lib.gridform_arena_get_nfreq, ctypes.byref(n))
        return n.value

    def positions(self):
        """Point positions, shape (ny, nx, 2), metres."""
        ny, nx = self.shape
        out = np.empty((ny, nx, 2))
        self._call(lib.gridform_arena_positions, _ptr(out))
        return out

    def wavevectors(self):
        """rfft-lattice wavevectors, shape (ny, nx//2+1, 2), rad/m."""
        ny, nx = self.shape
        out = np.empty((ny, nx // 2 + 1, 2))
        self._call(lib.gridform_arena_wavevectors, _ptr(out))
        return out


# ---- placecode ---------------------------------------------------------
_proto("gridform_placecode_create", _i, ctypes.POINTER(_vp), _vp, _i, _d, _d, _sz, _i, _u64)
_proto("gridform_placecode_destroy", None, _vp)
_proto("gridform_placecode_last_error", _s, _vp)
_proto("gridform_placecode_set_centers", _i, _vp, _c_double_p, _sz)
_proto("gridform_placecode_get_centers", _i, _vp, _c_double_p)
_proto("gridform_placecode_set_tuning_fn", _i, _vp, TUNING_FN, _vp)
_proto("gridform_placecode_get_ncells", _i, _vp, _c_size_p)
_proto("gridform_placecode_get_tuning", _i, _vp, ctypes.POINTER(_i), _c_double_p, _c_double_p)
_proto("gridform_placecode_response", _i, _vp, _c_double_p, _sz, _c_double_p)


class PlaceCode(_Handle):
    """ncells place cells with a tuning ('gaussian', 'dog', 'softmax_dog')
    of width sigma (m) and surround variance ratio, laid out on a 'lattice'
    or at 'random' (from seed)."""
    _destroy = staticmethod(lib.gridform_placecode_destroy)
    _last_error = staticmethod(lib.gridform_placecode_last_error)

    def __init__(self, arena, tuning="dog", sigma=0.12, surround=2.0, ncells=4096, layout="lattice", seed=1):
        super().__init__()
        self.arena = arena
        self._create(lib.gridform_placecode_create, arena.handle,
                     TUNING[tuning] if isinstance(tuning, str) else int(tuning), float(sigma), float(surround),
                     int(ncells), CENTERS[layout] if isinstance(layout, str) else int(layout), int(seed),
                     parents=(arena,))
        self._tuning_cb = None

    @property
    def ncells(self):
        n = _sz()
        self._call(lib.gridform_placecode_get_ncells, ctypes.byref(n))
        return n.value

    def centers(self):
        out = np.empty((self.ncells, 2))
        self._call(lib.gridform_placecode_get_centers, _ptr(out))
        return out

    def set_centers(self, xy):
        xy = _in(xy)
        if xy.ndim != 2 or xy.shape[1] != 2:
            raise ValueError("centres must have shape (ncells, 2)")
        self._call(lib.gridform_placecode_set_centers, _ptr(xy), xy.shape[0])

    def set_tuning_fn(self, fn):
        """fn(dx, dy) -> response; kept alive as long as this place code."""
        cb = TUNING_FN(lambda dx, dy, user: float(fn(dx, dy)))
        self._call(lib.gridform_placecode_set_tuning_fn, cb, None)
        self._tuning_cb = cb

    def response(self, xy):
        """Activations at positions xy (npos x 2, metres): npos x ncells."""
        xy = _in(xy)
        npos = xy.size // 2
        out = np.empty((npos, self.ncells))
        self._call(lib.gridform_placecode_response, _ptr(xy), npos, _ptr(out))
        return out


# ---- kernel ------------------------------------------------------------
_proto("gridform_kernel_create", _i, ctypes.POINTER(_vp), _vp, _i)
_proto("gridform_kernel_create_radial", _i, ctypes.POINTER(_vp), _vp, SPECTRUM_FN, _vp)
_proto("gridform_kernel_destroy", None, _vp)
_proto("gridform_kernel_last_error", _s, _vp)
_proto("gridform_kernel_get_mode", _i, _vp, ctypes.POINTER(_i))
_proto("gridform_kernel_apply", _i, _vp, _c_double_p, _c_double_p, _sz)
_proto("gridform_kernel_spectrum", _i, _vp, _c_double_p)
_proto("gridform_kernel_radial_profile", _i, _vp, _c_double_p, _sz, _c_double_p)
_proto("gridform_kernel_ring", _i, _vp, _c_double_p, _c_double_p)
_proto("gridform_kernel_shells", _i, _vp, _sz, _c_double_p, _c_double_p, _c_size_p, _c_size_p)


class Kernel(_Handle):
    """The correlation kernel Sigma of a place code ('fourier' or 'exact'),
    or Kernel.radial(arena, spectrum_fn) from a radial spectrum."""
    _destroy = staticmethod(lib.gridform_kernel_destroy)
    _last_error = staticmethod(lib.gridform_kernel_last_error)

    def __init__(self, placecode=None, mode="fourier", _radial=None):
        super().__init__()
        if _radial is not None:
            arena, fn = _radial
            self.arena = arena
            self._spectrum_cb = SPECTRUM_FN(lambda k, user: float(fn(k)))
            self._create(lib.gridform_kernel_create_radial, arena.handle, self._spectrum_cb, None,
                         parents=(arena,))
        else:
            self.arena = placecode.arena
            self._create(lib.gridform_kernel_create, placecode.handle,
                         KERNEL_MODE[mode] if isinstance(mode, str) else int(mode), parents=(placecode,))

    @classmethod
    def radial(cls, arena, spectrum):
        return cls(_radial=(arena, spectrum))

    def apply(self, maps):
        """Sigma applied to maps of shape (ny, nx) or (nmaps, ny, nx)."""
        ny, nx = self.arena.shape
        g = _in(maps)
        if g.size % (ny * nx) != 0:
            raise ValueError("maps must hold whole %d x %d maps" % (ny, nx))
        out = np.empty_like(g)
        self._call(lib.gridform_kernel_apply, _ptr(g), _ptr(out), g.size // (ny * nx))
        return out

    def spectrum(self):
        """Sigma~ on the rfft lattice, shape (ny, nx//2+1)."""
        ny, nx = self.arena.shape
        out = np.empty((ny, nx // 2 + 1))
        self._call(lib.gridform_kernel_spectrum, _ptr(out))
        return out

    def radial_profile(self, k):
        k = _in(k)
        out = np.empty_like(k)
        self._call(lib.gridform_kernel_radial_profile, _ptr(k), k.size, _ptr(out))
        return out

    def ring(self):
        """(kstar rad/m, hexagonal spacing m); raises EUNDEFINED without a ring."""
        ks, sp = _d(), _d()
        self._call(lib.gridform_kernel_ring, ctypes.byref(ks), ctypes.byref(sp))
        return ks.value, sp.value

    def shells(self, maxshells=16):
        """(|k|, value, multiplicity) arrays of the top Fourier-lattice shells."""
        kmag, val = np.empty(maxshells), np.empty(maxshells)
        mult = (ctypes.c_size_t * maxshells)()
        n = _sz()
        self._call(lib.gridform_kernel_shells, maxshells, _ptr(kmag), _ptr(val), mult, ctypes.byref(n))
        m = n.value
        return kmag[:m].copy(), val[:m].copy(), np.array(mult[:m], dtype=np.int64)


# ---- io ------------------------------------------------------------------
_proto("gridform_npy_write", _i, _s, _c_double_p, _sz, _c_size_p)
_proto("gridform_npy_read", _i, _s, _c_double_p, _sz, _c_size_p, _c_size_p)
_proto("gridform_image_write_maps", _i, _s, _c_double_p, _sz, _sz, _sz, _sz, _i, _sz)


def _path(p):
    return os.fsencode(p)


def npy_write(path, arr):
    """Write a float64 array as .npy with the library's writer."""
    a = _in(arr)
    shape = (ctypes.c_size_t * max(a.ndim, 1))(*a.shape)
    rc = lib.gridform_npy_write(_path(path), _ptr(a), a.ndim, shape)
    if rc != OK:
        _raise(rc, func="gridform_npy_write")


def npy_read(path):
    """Read a .npy file (float64/float32, any byte order, C or Fortran) with
    the library's reader; returns a float64 array in C order."""
    ndim = _sz()
    shape = (ctypes.c_size_t * NPY_MAX_DIMS)()
    rc = lib.gridform_npy_read(_path(path), None, 0, ctypes.byref(ndim), shape)
    if rc != OK:
        _raise(rc, func="gridform_npy_read")
    dims = tuple(shape[i] for i in range(ndim.value))
    out = np.empty(dims, dtype=np.float64)
    rc = lib.gridform_npy_read(_path(path), _ptr(out), out.size, ctypes.byref(ndim), shape)
    if rc != OK:
        _raise(rc, func="gridform_npy_read")
    return out


# ---- FFTW wisdom (gridform_wisdom(3)) ---------------------------------------
_proto("gridform_wisdom_export", _i, _s)
_proto("gridform_wisdom_import", _i, _s)
_proto("gridform_wisdom_forget", _i)


def wisdom_export(path):
    """Save what FFTW learned planning with MEASURE/PATIENT, through the
    library's planner lock (FFTW's own functions would race with it)."""
    rc = lib.gridform_wisdom_export(_path(path))
    if rc != OK:
        _raise(rc, func="gridform_wisdom_export")


def wisdom_import(path):
    """Load wisdom saved by wisdom_export, before creating handles: later
    MEASURE/PATIENT planning of the same transforms is then instant and
    picks the same algorithms, run after run."""
    rc = lib.gridform_wisdom_import(_path(path))
    if rc != OK:
        _raise(rc, func="gridform_wisdom_import")


def wisdom_forget():
    """Forget all accumulated wisdom (existing plans keep working)."""
    lib.gridform_wisdom_forget()


def image_write_maps(path, maps, ncols=None, scaling="per_map", zoom=4):
    """Montage of maps (nmaps, ny, nx) as .png or .ppm."""
    g = _in(maps)
    if g.ndim == 2:
        g = g[None]
    nmaps, ny, nx = g.shape
    if ncols is None:
        ncols = int(np.ceil(np.sqrt(nmaps)))
    rc = lib.gridform_image_write_maps(_path(path), _ptr(g), nmaps, nx, ny, ncols,
                                       IMAGE_SCALING[scaling] if isinstance(scaling, str) else int(scaling), zoom)
    if rc != OK:
        _raise(rc, func="gridform_image_write_maps")


# ---- learner ---------------------------------------------------------------
NONLINEARITY = {"linear": 1, "relu": 2, "soft": 3, "tanh": 4}
COUPLING = {"independent": 1, "sanger": 2, "symmetric": 3}
INTEGRATOR = {"euler": 1, "exponential": 2}
PLANNING = {"estimate": 1, "measure": 2, "patient": 3}

_proto("gridform_learner_create", _i, ctypes.POINTER(_vp), _vp, _sz)
_proto("gridform_learner_destroy", None, _vp)
_proto("gridform_learner_last_error", _s, _vp)
_proto("gridform_learner_set_nonlinearity", _i, _vp, _i, _d)
_proto("gridform_learner_set_coupling", _i, _vp, _i)
_proto("gridform_learner_set_integrator", _i, _vp, _i)
_proto("gridform_learner_set_step", _i, _vp, _d)
_proto("gridform_learner_get_step", _i, _vp, _c_double_p)
_proto("gridform_learner_get_euler_limit", _i, _vp, _c_double_p)
_proto("gridform_learner_set_threads", _i, _vp, _i)
_proto("gridform_learner_set_planning", _i, _vp, _i)
_proto("gridform_learner_seed", _i, _vp, _u64, _d)
_proto("gridform_learner_set_maps", _i, _vp, _c_double_p)
_proto("gridform_learner_get_maps", _i, _vp, _c_double_p)
_proto("gridform_learner_get_nmaps", _i, _vp, _c_size_p)
_proto("gridform_learner_get_time", _i, _vp, _c_double_p, _c_size_p)
_proto("gridform_learner_iterate", _i, _vp, _sz)
_proto("gridform_learner_run", _i, _vp, _sz, _d, PROGRESS_FN, _vp)
_proto("gridform_learner_objective", _i, _vp, _c_double_p, _c_double_p)


def _enum(table, v):
    return table[v] if isinstance(v, str) else int(v)


class Learner(_Handle):
    """nmaps maps learning under the pattern-forming dynamics of a FOURIER
    or RADIAL kernel.  Maps are (nmaps, ny, nx) arrays."""
    _destroy = staticmethod(lib.gridform_learner_destroy)
    _last_error = staticmethod(lib.gridform_learner_last_error)

    def __init__(self, kernel, nmaps):
        super().__init__()
        self.kernel = kernel
        self._create(lib.gridform_learner_create, kernel.handle, int(nmaps), parents=(kernel,))
        self.nmaps = int(nmaps)

    def set_nonlinearity(self, kind, strength=0.0):
        self._call(lib.gridform_learner_set_nonlinearity, _enum(NONLINEARITY, kind), float(strength))

    def set_coupling(self, kind):
        self._call(lib.gridform_learner_set_coupling, _enum(COUPLING, kind))

    def set_integrator(self, kind):
        self._call(lib.gridform_learner_set_integrator, _enum(INTEGRATOR, kind))

    def set_step(self, dt):
        self._call(lib.gridform_learner_set_step, float(dt))

    def set_threads(self, n):
        self._call(lib.gridform_learner_set_threads, int(n))

    def set_planning(self, rigor):
        self._call(lib.gridform_learner_set_planning, _enum(PLANNING, rigor))

    @property
    def step(self):
        d = _d()
        self._call(lib.gridform_learner_get_step, ctypes.byref(d))
        return d.value

    @property
    def euler_limit(self):
        d = _d()
        self._call(lib.gridform_learner_get_euler_limit, ctypes.byref(d))
        return d.value

    @property
    def time(self):
        """(model time, steps) since the last seed or set_maps."""
        t, n = _d(), _sz()
        self._call(lib.gridform_learner_get_time, ctypes.byref(t), ctypes.byref(n))
        return t.value, n.value

    def seed(self, seed, amplitude=1.0):
        self._call(lib.gridform_learner_seed, int(seed), float(amplitude))

    def _shape(self):
        ny, nx = self.kernel.arena.shape
        return (self.nmaps, ny, nx)

    def set_maps(self, maps):
        g = _in(maps, self._shape(), "maps")
        self._call(lib.gridform_learner_set_maps, _ptr(g))

    def get_maps(self):
        out = np.empty(self._shape())
        self._call(lib.gridform_learner_get_maps, _ptr(out))
        return out

    def iterate(self, nsteps):
        self._call(lib.gridform_learner_iterate, int(nsteps))

    def run(self, max_steps, tol=1e-6, progress=None):
        """Returns True when converged (GRIDFORM_OK), False when max_steps
        ran out (GRIDFORM_CONTINUE).  progress(done, total, value) may
        return True to cancel (raises GridformError ECANCELED)."""
        cb = PROGRESS_FN(lambda d, t, v, u: 1 if progress(d, t, v) else 0) if progress else PROGRESS_FN()
        rc = self._call(lib.gridform_learner_run, int(max_steps), float(tol), cb, None, ok=(OK, CONTINUE))
        return rc == OK

    def objective(self):
        """(per-map Rayleigh quotients, their sum)."""
        per = np.empty(self.nmaps)
        tot = _d()
        self._call(lib.gridform_learner_objective, _ptr(per), ctypes.byref(tot))
        return per, tot.value


# ---- scorer --------------------------------------------------------------
GRIDNESS = {"mean": 1, "minmax": 2}

_proto("gridform_scorer_create", _i, ctypes.POINTER(_vp), _vp)
_proto("gridform_scorer_destroy", None, _vp)
_proto("gridform_scorer_last_error", _s, _vp)
_proto("gridform_scorer_set_variant", _i, _vp, _i)
_proto("gridform_scorer_set_annuli_m", _i, _vp, _d, _d, _d, _sz)
_proto("gridform_scorer_set_boundary", _i, _vp, _i)
_proto("gridform_scorer_set_min_overlap", _i, _vp, _sz)
_proto("gridform_scorer_autocorr", _i, _vp, _c_double_p, _c_double_p)
_proto("gridform_scorer_score", _i, _vp, _c_double_p, _sz, _c_double_p, _c_double_p, _c_double_p, _c_double_p)
_proto("gridform_map_dominant_k", _i, _vp, _c_double_p, _c_double_p)
_proto("gridform_ratemap_accumulate", _i, _vp, _c_double_p, _sz, _c_double_p, _sz, _d,
       _c_double_p, _c_double_p)


class Scorer(_Handle):
    """Grid scores of the maps of an arena (ny x nx bins over its lx x ly
    metres); the SAC boundary and the default annuli follow the arena's
    boundary.  The scorer copies the geometry: the arena may be closed."""
    _destroy = staticmethod(lib.gridform_scorer_destroy)
    _last_error = staticmethod(lib.gridform_scorer_last_error)

    def __init__(self, arena):
        super().__init__()
        self._create(lib.gridform_scorer_create, arena.handle)
        self.ny, self.nx = arena.shape

    def set_variant(self, variant):
        self._call(lib.gridform_scorer_set_variant, _enum(GRIDNESS, variant))

    def set_annuli_m(self, inner_m, outer_min_m, outer_max_m, count):
        """Fixed annuli in metres: inner radius, outer radii from outer_min_m
        to outer_max_m in count steps."""
        self._call(lib.gridform_scorer_set_annuli_m, float(inner_m), float(outer_min_m), float(outer_max_m),
                   int(count))

    def set_boundary(self, boundary):
        self._call(lib.gridform_scorer_set_boundary, _enum(BOUNDARY, boundary))

    def set_min_overlap(self, n):
        self._call(lib.gridform_scorer_set_min_overlap, int(n))

    def autocorr(self, m):
        """The (2ny-1, 2nx-1) spatial autocorrelogram of one map."""
        g = _in(m, (self.ny, self.nx), "map")
        out = np.empty((2 * self.ny - 1, 2 * self.nx - 1))
        self._call(lib.gridform_scorer_autocorr, _ptr(g), _ptr(out), ok=(OK, EUNDEFINED))
        return out

    def score(self, maps):
        """score60, score90, spacing (m), orientation (rad) of each map, as
        arrays; undefined entries (no variance, no peaks) are NaN, as the C
        function leaves them (its GRIDFORM_EUNDEFINED is not raised here)."""
        g = _in(maps)
        n = g.size // (self.nx * self.ny)
        if n * self.nx * self.ny != g.size or n == 0:
            raise ValueError("maps must hold whole %d x %d maps" % (self.ny, self.nx))
        outs = [np.empty(n) for _ in range(4)]
        self._call(lib.gridform_scorer_score, _ptr(g), n, *[_ptr(o) for o in outs], ok=(OK, EUNDEFINED))
        return tuple(outs)

    def dominant_k(self, m):
        """Wavenumber (rad/m) of the map's strongest non-DC mode; NaN if undefined."""
        g = _in(m, (self.ny, self.nx), "map")
        k = _d()
        rc = self._call(lib.gridform_map_dominant_k, _ptr(g), ctypes.byref(k), ok=(OK, EUNDEFINED))
        return k.value if rc == OK else float("nan")


def ratemap_accumulate(arena, xy, activity, min_occupancy=1.0):
    """Mean rate maps (ncells, ny, nx) and occupancy (ny, nx) on the arena's
    grid from a trajectory xy (npos, 2, metres) and activities (npos, ncells)."""
    ny, nx = arena.shape
    xy = _in(xy)
    act = _in(activity)
    npos = xy.size // 2
    ncells = act.size // npos if npos else 0
    maps = np.empty((ncells, ny, nx))
    occ = np.empty((ny, nx))
    rc = lib.gridform_ratemap_accumulate(arena.handle, _ptr(xy), npos, _ptr(act),
                                         ncells, float(min_occupancy), _ptr(maps), _ptr(occ))
    if rc != OK:
        _raise(rc, func="gridform_ratemap_accumulate")
    return maps, occ


def _selftest():
    """Checks the binding against numbers the C tests assert (run by
    tests/python_ffi.sh): the README's DoG ring, an .npy round trip through
    the library, zero-copy inputs, and the error path."""
    import tempfile
    a = Arena(4.4, 4.4, 64, 64)
    pc = PlaceCode(a, "dog", 0.12, 2.0, 4096, "lattice", 1)
    k = Kernel(pc, "fourier")
    kstar, spacing = k.ring()
    assert abs(kstar - 9.81) < 0.01 and abs(spacing - 0.739) < 0.001, (kstar, spacing)
    g = np.random.default_rng(3).normal(size=(2, 64, 64))
    kg = k.apply(g)
    # Sigma is symmetric: <h, Sigma g> = <Sigma h, g>
    h = np.random.default_rng(4).normal(size=(64, 64))
    lhs = np.sum(k.apply(h) * g[0])
    rhs = np.sum(h * kg[0])
    assert abs(lhs - rhs) <= 1e-10 * max(abs(lhs), 1e-300), (lhs, rhs)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "g.npy")
        npy_write(path, g)
        back = npy_read(path)
        assert back.shape == g.shape and np.array_equal(back, g)
        np.save(os.path.join(d, "f32.npy"), np.asfortranarray(g[0].astype(">f4")))
        assert np.array_equal(npy_read(os.path.join(d, "f32.npy")), g[0].astype(np.float32).astype(np.float64))
        # wisdom round trip: export, forget, import, export again
        w1, w2 = os.path.join(d, "w1"), os.path.join(d, "w2")
        wisdom_export(w1)
        wisdom_forget()
        wisdom_import(w1)
        wisdom_export(w2)
        with open(w1, "rb") as f1, open(w2, "rb") as f2:
            assert f1.read() == f2.read()
        with open(w2, "w") as f:
            f.write("not wisdom\n")
        try:
            wisdom_import(w2)
        except GridformError as e:
            assert e.code == EFORMAT, e
        else:
            raise AssertionError("garbage wisdom was accepted")
    try:
        Arena(-1.0, 1.0, 8, 8)
    except GridformError as e:
        assert e.code == EINVAL and e.name == strerror(EINVAL) and "lx" in e.detail, e
    else:
        raise AssertionError("a negative arena was accepted")
    try:
        Kernel(PlaceCode(a, "gaussian", 0.12, 1.0, 64)).ring()
    except GridformError as e:
        assert e.code == EUNDEFINED and "ring" in e.detail, e
    else:
        raise AssertionError("a Gaussian code reported a ring")
    print("gridform.py self-test passed: libgridform %s, k* = %.4f rad/m, spacing %.4f m"
          % (version(), kstar, spacing))


if __name__ == "__main__":
    _selftest()
