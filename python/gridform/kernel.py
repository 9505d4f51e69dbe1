"""The spatial correlation kernel Sigma (gridform_kernel(3), doc/theory.md §1.2)."""

import ctypes

import numpy as np

from ._lib import (C, Handle, proto, enum, enum_name, inarray, maps_array, ptr, count, KERNEL_MODE, KERNEL_MODE_MASK,
                   KERNEL_CENTERED, SPECTRUM_FN,
                   _i, _sz, _vp, _s, _hp, _dp, _szp, _ip)
from .placecode import _same_handle

proto("gridform_kernel_create", _i, _hp, _vp, _i)
proto("gridform_kernel_create_radial", _i, _hp, _vp, SPECTRUM_FN, _vp)
proto("gridform_kernel_create_spectrum", _i, _hp, _vp, _dp)
proto("gridform_kernel_set_centered", _i, _vp, _i)
proto("gridform_kernel_destroy", None, _vp)
proto("gridform_kernel_last_error", _s, _vp)
proto("gridform_kernel_get_arena", _vp, _vp)
proto("gridform_kernel_get_mode", _i, _vp, _ip)
proto("gridform_kernel_apply", _i, _vp, _dp, _dp, _sz)
proto("gridform_kernel_spectrum", _i, _vp, _dp)
proto("gridform_kernel_radial_profile", _i, _vp, _dp, _sz, _dp)
proto("gridform_kernel_ring", _i, _vp, _dp, _dp)
proto("gridform_kernel_shells", _i, _vp, _sz, _dp, _dp, _szp, _szp)


class Kernel(Handle):
    """The correlation kernel Sigma(x, x') = (1/np) sum_i p_i(x) p_i(x') of a
    place code, as an operator on maps of its arena (doc/theory.md §1.2-1.4).

    mode: 'fourier' (the uniform-density Fourier multiplier; periodic
    arenas), 'exact' (the low-rank P P^T/np of the actual cells, in real
    space; any arena), 'averaged' (the translation average of 'exact': its
    Fourier diagonal as a periodic multiplier; any arena without a shape) or
    'uniform' (cells of uniform density over a walled arena's shape S,
    (1/|S|) int_S p(x-c) p(x'-c) dc, by zero-padded FFTs; doc/theory.md
    §7.4).  On shaped arenas (Arena.from_mask, Arena.from_polygon) 'exact'
    and 'uniform' are 0 outside the shape.  centered=True
    removes the constant mode, (I - 11^T/N) Sigma (I - 11^T/N), so
    Sigma~(0) = 0.  In a walled box (doc/theory.md §1.6): 'averaged' with
    centered=True is the published pipeline and forms grids, with either
    integrator; 'exact' is the walled operator itself (Euler integrator
    only), and on a random code its maps collapse, to the constant
    (uncentred) or to single bumps (centered), which Learner.run warns
    about and Learner.diagnose reports.  Kernel.radial(arena, fn) and Kernel.from_spectrum(arena,
    values) make one from a spectrum.  The spectrum Sigma~ is in 1/m^2 (for
    unit-integral tuning curves), and is the learner's rate: model time is
    in units of 1/Sigma~.  The place code (and so the arena) is kept alive
    as long as the kernel."""

    _destroy = staticmethod(C.gridform_kernel_destroy)
    _last_error = staticmethod(C.gridform_kernel_last_error)

    def __init__(self, placecode, mode="fourier", centered=False):
        super().__init__()
        self._arena = placecode.arena
        self._mapshape = self._arena.shape
        self._spectrum_cb = None
        m = enum(KERNEL_MODE, mode, "mode") | (KERNEL_CENTERED if centered else 0)
        self._create(C.gridform_kernel_create, placecode.handle, m, parents=(placecode,))

    @classmethod
    def radial(cls, arena, spectrum, centered=False):
        """A kernel known by its radial spectrum: Sigma~(k) = spectrum(k)
        for |k| = k in rad/m, on a periodic arena.  spectrum must return
        finite floats; it is kept alive as long as the kernel."""
        self = cls.__new__(cls)
        Handle.__init__(self)
        self._arena = arena
        self._mapshape = arena.shape
        self._spectrum_cb = SPECTRUM_FN(lambda k, user: float(spectrum(k)))
        self._create(C.gridform_kernel_create_radial, arena.handle, self._spectrum_cb, None, parents=(arena,))
        if centered:
            self.set_centered(True)
        return self

    @classmethod
    def from_spectrum(cls, arena, spectrum, centered=False):
        """A Fourier multiplier given by its values on the arena's real-FFT
        lattice: spectrum of shape (ny, nx//2+1) in the order of
        Arena.wavevectors(), in the units of Sigma~ (copied).  Applied with
        periodic wrap on any arena (gridform_kernel_create_spectrum(3))."""
        ny, nx = arena.shape
        sp = inarray(spectrum, "spectrum", shape=(ny, nx // 2 + 1))
        self = cls.__new__(cls)
        Handle.__init__(self)
        self._arena = arena
        self._mapshape = arena.shape
        self._spectrum_cb = None
        self._create(C.gridform_kernel_create_spectrum, arena.handle, ptr(sp), parents=(arena,))
        if centered:
            self.set_centered(True)
        return self

    def set_centered(self, on=True):
        """Remove (True) or keep (False) the constant mode; only before the
        kernel is first applied or its spectrum read."""
        self._call(C.gridform_kernel_set_centered, 1 if on else 0)

    @property
    def arena(self):
        """The Arena the kernel acts on."""
        return _same_handle(C.gridform_kernel_get_arena(self.handle), self._arena, "gridform_kernel_get_arena")

    @property
    def mode(self):
        """'fourier', 'exact', 'radial', 'averaged', 'spectrum' or 'uniform'."""
        m = _i()
        self._call(C.gridform_kernel_get_mode, ctypes.byref(m))
        return enum_name(KERNEL_MODE, m.value & KERNEL_MODE_MASK)

    @property
    def centered(self):
        """True when the constant mode is removed."""
        m = _i()
        self._call(C.gridform_kernel_get_mode, ctypes.byref(m))
        return bool(m.value & KERNEL_CENTERED)

    def apply(self, maps):
        """Sigma applied to one map (ny, nx) or a stack (nmaps, ny, nx);
        returns an array of the same shape.  Sigma g is the integral
        sum_x' Sigma(x, x') g(x') dA."""
        g, n = maps_array(maps, self._mapshape)
        out = np.empty_like(g)
        self._call(C.gridform_kernel_apply, ptr(g), ptr(out), n)
        return out.reshape(np.shape(maps))

    def spectrum(self):
        """Sigma~ on the real-FFT lattice, shape (ny, nx//2+1), 1/m^2, in the
        order of Arena.wavevectors()."""
        ny, nx = self._mapshape
        out = np.empty((ny, nx // 2 + 1))
        self._call(C.gridform_kernel_spectrum, ptr(out))
        return out

    def radial_profile(self, k):
        """The continuum spectrum Sigma~(|k|) at wavenumbers k (rad/m, any
        shape); returns an array of k's shape."""
        k = inarray(k, "k")
        out = np.empty_like(k)
        self._call(C.gridform_kernel_radial_profile, ptr(k), k.size, ptr(out))
        return out

    def ring(self):
        """(k*, a): the ring wavenumber in rad/m where Sigma~ peaks and the
        hexagonal spacing a = 4 pi / (sqrt(3) k*) in metres
        (doc/theory.md §1.5).  GridformError EUNDEFINED without a ring,
        and when the spacing exceeds the box (the ring then lies at or
        below the box's lowest wavenumbers: no map on this arena can show
        it, as after a unit slip such as sigma = 12 meant in centimetres;
        the message names sigma, its unit and the box)."""
        ks, a = ctypes.c_double(), ctypes.c_double()
        self._call(C.gridform_kernel_ring, ctypes.byref(ks), ctypes.byref(a))
        return ks.value, a.value

    def shells(self, max_shells=16):
        """The top eigen shells of Sigma on the Fourier lattice, in
        decreasing Sigma~: (|k| in rad/m, Sigma~ in 1/m^2, multiplicity),
        three arrays of at most max_shells entries."""
        max_shells = count(max_shells, "max_shells")
        kmag, val = np.empty(max_shells), np.empty(max_shells)
        mult = (ctypes.c_size_t * max(max_shells, 1))()
        n = _sz()
        self._call(C.gridform_kernel_shells, max_shells, ptr(kmag), ptr(val), mult, ctypes.byref(n))
        m = n.value
        return kmag[:m].copy(), val[:m].copy(), np.array(mult[:m], dtype=np.int64)
