"""The shared library, its prototypes, errors and the handle base class.

Everything here is private to the package; the public names are re-exported
by ``gridform/__init__.py``.

Finding the library
-------------------
The package loads libgridform by its soname (e.g. ``libgridform.so.1``), which
the build writes into ``gridform/_build.py`` together with the library
directory of the installation (both taken from the libtool archive at build
time, so neither is written by hand).  In this order:

1. ``GRIDFORM_LIB``, when set: a path to the shared library.  This is an
   override for running against a build tree (``make check`` uses it); an
   installed package never needs it.
2. ``LIBDIR/SONAME`` of the installation the package belongs to.
3. The same under a staging root: a package installed with
   ``make install DESTDIR=/stage`` and imported from
   ``/stage/<pythondir>/gridform`` loads ``/stage/<libdir>/<soname>``.
4. The bare soname, through the dynamic loader's search path
   (``LD_LIBRARY_PATH``, ``ldconfig``'s cache).

Loading by soname, never by the unversioned ``libgridform.so`` development
link, ties the package to the ABI it was built against: an installed library
with another major version is not picked up by mistake.
"""

import ctypes
import os
import weakref

import numpy as np

try:
    from . import _build
except ImportError:  # a source checkout that was never built
    _build = None


def _candidates():
    env = os.environ.get("GRIDFORM_LIB")
    if env:
        return [env]
    if _build is None:
        raise OSError("gridform: this package was not built (no gridform/_build.py); install it with "
                      "`make install`, or set GRIDFORM_LIB to a libgridform shared library")
    if not _build.SONAME:
        raise OSError("gridform: libgridform was configured without a shared library "
                      "(--disable-shared); the Python package needs one")
    out = [os.path.join(_build.LIBDIR, _build.SONAME)]
    here = os.path.dirname(os.path.abspath(__file__))
    pkgdir = os.path.join(_build.PYTHONDIR, "gridform").rstrip(os.sep)
    if here != pkgdir and here.endswith(pkgdir):
        root = here[: len(here) - len(pkgdir)]
        out.append(root + _build.LIBDIR + os.sep + _build.SONAME)
    out.append(_build.SONAME)
    return out


def _load():
    errors = []
    for cand in _candidates():
        if os.sep in cand and not os.path.exists(cand):
            errors.append("%s: no such file" % cand)
            continue
        try:
            return ctypes.CDLL(cand)
        except OSError as e:
            errors.append(str(e))
    raise OSError("gridform: cannot load libgridform: " + "; ".join(errors))


lib = _load()

# ---- ctypes types ----------------------------------------------------------
_vp = ctypes.c_void_p
_sz = ctypes.c_size_t
_d = ctypes.c_double
_i = ctypes.c_int
_u64 = ctypes.c_uint64
_s = ctypes.c_char_p
_dp = ctypes.POINTER(ctypes.c_double)
_szp = ctypes.POINTER(ctypes.c_size_t)
_ip = ctypes.POINTER(ctypes.c_int)
_hp = ctypes.POINTER(ctypes.c_void_p)

PROGRESS_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_double, ctypes.c_void_p)
TUNING_FN = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_double, ctypes.c_void_p)
SPECTRUM_FN = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_void_p)


class _Functions:
    """The bound C functions, by their C names (``C.gridform_arena_create``)."""


C = _Functions()
BOUND = []            # C names bound so far, in binding order
CALLED = set()        # with GRIDFORM_PY_TRACE=1: C names called so far
_TRACE = os.environ.get("GRIDFORM_PY_TRACE") == "1"


def _traced(name, f):
    def call(*args):
        CALLED.add(name)
        return f(*args)
    call.__name__ = name
    return call


# The range of each C integer type the package passes.  ctypes converts a
# Python int to size_t or uint64_t modulo 2^64 without a word, so -1 became
# 2^64 - 1 steps (issue 20: Learner.iterate(-1) hung); every integer is
# checked against its C type before ctypes sees it.
# (On LP64 ctypes, c_size_t and c_uint64 are the same type, c_ulong; the
# size_t entry, written last, names it.)
_INT_RANGE = {}
_INT_RANGE[_u64] = (0, 2 ** 64 - 1, "uint64_t")
_INT_RANGE[_sz] = (0, 2 ** (8 * ctypes.sizeof(ctypes.c_size_t)) - 1, "size_t")
_INT_RANGE[_i] = (-2 ** (8 * ctypes.sizeof(ctypes.c_int) - 1), 2 ** (8 * ctypes.sizeof(ctypes.c_int) - 1) - 1, "int")


def _range_checked(name, f, checks):
    """f with every integer argument at checks[(index, (lo, hi, ctype))]
    verified; ValueError (before the C call) when out of range."""
    def call(*args):
        for i, (lo, hi, ctype) in checks:
            v = args[i] if i < len(args) else None
            if isinstance(v, int) and not lo <= v <= hi:
                raise ValueError("%s: argument %d (%s) must be in %d..%d, got %d" % (name, i + 1, ctype, lo, hi, v))
        return f(*args)
    call.__name__ = name
    return call


def proto(name, restype, *argtypes):
    """Bind the C function ``name`` with its prototype; returns it.  The
    bound function range-checks its integer arguments (see _INT_RANGE)."""
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    checks = [(i, _INT_RANGE[t]) for i, t in enumerate(argtypes) if t in _INT_RANGE]
    if checks:
        f = _range_checked(name, f, checks)
    if _TRACE:
        f = _traced(name, f)
    setattr(C, name, f)
    BOUND.append(name)
    return f


# ---- status codes and enumerations (frozen values of the C headers) --------
OK, EINVAL, ENOMEM, ERANGE, EDIVERGED, EUNDEFINED = 0, 1, 2, 3, 4, 5
EIO, EFORMAT, EUNSUPPORTED, ECANCELED, CONTINUE, EACCURACY = 6, 7, 8, 9, 10, 11

BOUNDARY = {"periodic": 1, "walled": 2}
# "softmax" is the canonical name (the command line's); "softmax_dog", the
# package's name before 0.3.0, is accepted for it.
TUNING = {"gaussian": 1, "dog": 2, "softmax": 3, "softmax_dog": 3, "user": 4}
CENTERS = {"lattice": 1, "random": 2, "user": 3}
KERNEL_MODE = {"fourier": 1, "exact": 2, "radial": 3, "averaged": 4, "spectrum": 5, "uniform": 6}
DISTANCE = {"euclidean": 1, "geodesic": 2}
KERNEL_MODE_MASK = 0xff
KERNEL_CENTERED = 0x100
PRECISION = {"double": 1, "single": 2}
IMAGE_SCALING = {"per_map": 1, "shared": 2, "symmetric": 3}
NONLINEARITY = {"linear": 1, "relu": 2, "soft": 3, "tanh": 4}
COUPLING = {"independent": 1, "sanger": 2, "symmetric": 3}
INTEGRATOR = {"euler": 1, "exponential": 2, "etd": 3, "active_set": 4}
PLANNING = {"estimate": 1, "measure": 2, "patient": 3}
GRIDNESS = {"mean": 1, "minmax": 2}
PATTERN = {"none": 1, "stripes": 2, "hexagons": 3, "hexagons_pi": 4, "mixed": 5}
LATTICE = {"hex": 1, "square": 2, "stripes": 3}
NPY_MAX_DIMS = 8


def enum(table, value, what):
    """The C value of an enumeration given by name (a key of ``table``) or
    by its integer value (passed through; the library validates it)."""
    if isinstance(value, str):
        try:
            return table[value.lower()]
        except KeyError:
            raise ValueError("%s must be one of %s, got %r" % (what, ", ".join(sorted(table)), value)) from None
    return int(value)


def enum_name(table, value):
    """The name of a C enumeration value (the integer if it has none)."""
    for k, v in table.items():
        if v == value:
            return k
    return value


# ---- status ----------------------------------------------------------------
proto("gridform_strerror", _s, _i)
proto("gridform_last_error", _s)
proto("gridform_version_string", _s)


def strerror(code):
    """The library's text for a status code, e.g. ``strerror(1)`` is the
    text of GRIDFORM_EINVAL (gridform_strerror(3))."""
    return C.gridform_strerror(int(code)).decode()


def last_error():
    """The calling thread's last error detail of a call without a handle
    (creators, I/O), as gridform_last_error(3) returns it."""
    t = C.gridform_last_error()
    return t.decode(errors="replace") if t else ""


def version():
    """The version of the loaded libgridform, e.g. ``'0.2.0'``."""
    return C.gridform_version_string().decode()


class GridformError(Exception):
    """A libgridform call failed.

    Attributes: ``code`` the GRIDFORM_E* status (an int, also exported as
    gridform.EINVAL etc.), ``name`` its gridform_strerror text, ``detail``
    the library's last_error message (it begins with the C function's
    name) and ``func`` the C function that failed."""

    def __init__(self, code, detail, func=""):
        self.code = code
        self.name = strerror(code)
        self.detail = detail
        self.func = func
        msg = "%s (%d)" % (self.name, code)
        super().__init__(msg + ": " + detail if detail else msg)


def fail(rc, func, detail=None):
    """Raise GridformError for status rc of the C function func."""
    if detail is None:
        detail = last_error()
    elif isinstance(detail, bytes):
        detail = detail.decode(errors="replace")
    raise GridformError(rc, detail or "", func)


def check(fn, *args, ok=(OK,)):
    """Call a handle-less C function; raise unless its status is in ok."""
    rc = fn(*args)
    if rc not in ok:
        fail(rc, fn.__name__)
    return rc


# ---- arrays ------------------------------------------------------------------
def inarray(a, name="array", shape=None, ndim=None):
    """A C-contiguous float64 array holding a (no copy when it is one).

    shape: the exact shape required (a tuple), or None.  The shape itself
    is checked, not only the number of elements: a (64, 64, 4) array is not
    four 64 x 64 maps (issue 20).  ndim: the number of dimensions required,
    or None."""
    arr = np.ascontiguousarray(a, dtype=np.float64)
    if shape is not None and arr.shape != tuple(shape):
        raise ValueError("%s must have shape %s, got %s%s" % (name, tuple(shape), arr.shape,
                                                              _maps_last_hint(arr.shape, tuple(shape)[-2:])))
    if ndim is not None and arr.ndim != ndim:
        raise ValueError("%s must have %d dimensions, got shape %s" % (name, ndim, arr.shape))
    return arr


def _maps_last_hint(got, mapshape):
    """A hint when an array looks like maps stacked last, (ny, nx, nmaps)."""
    if len(got) == 3 and len(mapshape) == 2 and tuple(got[:2]) == tuple(mapshape):
        return " (this looks like %d maps stacked last; use numpy.moveaxis(a, -1, 0) for (nmaps, ny, nx))" % got[2]
    return ""


def maps_array(a, mapshape, name="maps", nmaps=None):
    """(array of shape (nmaps, ny, nx), nmaps) from maps given by shape:
    (nmaps, ny, nx), or (ny, nx) for one map; mapshape is (ny, nx).
    nmaps, when given, is the number of maps required.  Anything else
    raises ValueError naming the expected shape."""
    arr = np.ascontiguousarray(a, dtype=np.float64)
    ny, nx = mapshape
    if arr.shape == (ny, nx):
        arr = arr.reshape(1, ny, nx)
    if (arr.ndim != 3 or arr.shape[1:] != (ny, nx) or arr.shape[0] == 0
            or (nmaps is not None and arr.shape[0] != nmaps)):
        want = "(%s, %d, %d)" % ("nmaps" if nmaps is None else nmaps, ny, nx)
        if nmaps in (None, 1):
            want += " or (%d, %d) for one map" % (ny, nx)
        raise ValueError("%s must have shape %s, got %s%s"
                         % (name, want, np.shape(a), _maps_last_hint(np.shape(a), mapshape)))
    return arr, arr.shape[0]


def count(value, name, minimum=0, maximum=None):
    """value as a Python int in minimum..maximum (default: up to the
    largest size_t); ValueError otherwise, before ctypes could wrap a
    negative count to 2^64 - 1 (issue 20)."""
    if isinstance(value, (float, np.floating)) and not float(value).is_integer():
        raise ValueError("%s must be an integer, got %r" % (name, value))
    try:
        v = int(value)
    except (TypeError, ValueError):
        raise ValueError("%s must be an integer, got %r" % (name, value)) from None
    hi = _INT_RANGE[_sz][1] if maximum is None else maximum
    if v < minimum:
        raise ValueError("%s must be >= %d, got %d" % (name, minimum, v))
    if v > hi:
        raise ValueError("%s must be <= %d, got %d" % (name, hi, v))
    return v


def seed_arg(value, name="seed"):
    """A uint64_t seed: an integer in 0..2^64 - 1 (ValueError otherwise)."""
    return count(value, name, 0, 2 ** 64 - 1)


def ptr(arr):
    """The data pointer of a float64 array for ctypes (None for None)."""
    if arr is None:
        return None
    return arr.ctypes.data_as(_dp)


def path_arg(p):
    """A filesystem path as the C library's char *."""
    return os.fsencode(p)


# ---- handles -------------------------------------------------------------------
class Handle:
    """Owns one libgridform handle.

    close() (or the end of a ``with`` block, or garbage collection) ends
    the object's use.  The C handle is destroyed once, and never while a
    handle made from it is alive: each object keeps a reference to the
    objects it was made from (its parents), and a parent closed while it
    still has live children only becomes unusable from Python; the C
    handle is destroyed when its last child goes.  Handles are not
    thread-safe: use one per thread, as in C."""

    _destroy = None      # the C destroy function
    _last_error = None   # the C last_error function

    def __init__(self):
        self._h = None
        self._closed = False
        self._parents = ()
        self._children = weakref.WeakSet()

    def _create(self, fn, *args, parents=()):
        h = _vp()
        rc = fn(ctypes.byref(h), *args)
        if rc != OK:
            fail(rc, fn.__name__)
        self._h = h
        self._parents = tuple(parents)
        for p in self._parents:
            p._children.add(self)

    def _call(self, fn, *args, ok=(OK,)):
        rc = fn(self.handle, *args)
        if rc not in ok:
            fail(rc, fn.__name__, type(self)._last_error(self._h))
        return rc

    @property
    def handle(self):
        """The C handle (a ctypes.c_void_p); ValueError once closed."""
        if self._closed or self._h is None:
            raise ValueError("%s is closed" % type(self).__name__)
        return self._h

    @property
    def closed(self):
        return self._closed or self._h is None

    def last_error(self):
        """The handle's last_error text (empty before any failure)."""
        t = type(self)._last_error(self.handle)
        return t.decode(errors="replace") if t else ""

    def _release(self):
        """Destroy the C handle if closed and no child still uses it."""
        if self._h is None or not self._closed:
            return
        if any(c._h is not None for c in list(self._children)):
            return
        if type(self)._destroy is not None:
            type(self)._destroy(self._h)
        self._h = None
        parents, self._parents = self._parents, ()
        for p in parents:
            p._children.discard(self)
            p._release()

    def close(self):
        """End this object's use (idempotent); the C handle is destroyed now,
        or when the last handle made from it is closed."""
        if getattr(self, "_h", None) is None:
            return
        self._closed = True
        self._release()

    def __del__(self):
        # Reached only when no child refers to this object any more (children
        # keep their parents alive), so destroying now is safe.
        try:
            self._closed = True
            self._children = weakref.WeakSet()
            self._release()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
