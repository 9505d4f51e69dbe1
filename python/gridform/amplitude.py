"""Amplitude equations, ideal lattices, the cubic gain and the penalised
objective of a map (gridform_amplitude(3), gridform_lattice(3);
doc/theory.md §3)."""

import ctypes

import numpy as np

from ._lib import (C, Handle, proto, check, enum, enum_name, inarray, ptr, count, seed_arg,
                   PATTERN, LATTICE, NONLINEARITY,
                   _i, _d, _sz, _vp, _s, _hp, _dp, _szp, _ip, _u64)

proto("gridform_amplitude_create", _i, _hp)
proto("gridform_amplitude_destroy", None, _vp)
proto("gridform_amplitude_last_error", _s, _vp)
proto("gridform_amplitude_set_coefficients", _i, _vp, _d, _d, _d, _d)
proto("gridform_amplitude_get_coefficients", _i, _vp, _dp, _dp, _dp, _dp)
proto("gridform_amplitude_from_kernel", _i, _vp, _vp, _i, _d)
proto("gridform_amplitude_set_state", _i, _vp, _dp)
proto("gridform_amplitude_get_state", _i, _vp, _dp)
proto("gridform_amplitude_seed", _i, _vp, _u64, _d)
proto("gridform_amplitude_iterate", _i, _vp, _d, _sz)
proto("gridform_amplitude_get_time", _i, _vp, _dp)
proto("gridform_amplitude_set_tolerance", _i, _vp, _d)
proto("gridform_amplitude_classify", _i, _vp, _ip)
proto("gridform_amplitude_stability", _i, _vp, _i, _ip, _ip)
proto("gridform_amplitude_fixed_point", _i, _vp, _i, _dp)
proto("gridform_lattice_wavevectors", _i, _vp, _i, _d, _d, _dp, _szp, _dp)
proto("gridform_lattice_synthesize", _i, _vp, _i, _d, _d, _d, _d, _dp)
proto("gridform_cubic_gain", _i, _vp, _dp, _dp)
proto("gridform_pattern_objective", _i, _vp, _dp, _i, _d, _dp)


class Amplitude(Handle):
    """The three-wave amplitude equations of hexagon/stripe competition,

        dA1/dt = mu A1 + gamma conj(A2) conj(A3) - A1 (g0 |A1|^2 + g1 (|A2|^2 + |A3|^2))

    and cyclic (doc/theory.md §3.4).  The state is three complex amplitudes,
    a complex array of shape (3,).  Patterns are named 'none', 'stripes',
    'hexagons' (phase sum 0), 'hexagons_pi' (phase sum pi) and 'mixed'."""

    _destroy = staticmethod(C.gridform_amplitude_destroy)
    _last_error = staticmethod(C.gridform_amplitude_last_error)

    def __init__(self, mu=None, gamma=None, g0=None, g1=None):
        super().__init__()
        self._create(C.gridform_amplitude_create)
        if mu is not None or gamma is not None or g0 is not None or g1 is not None:
            m, ga, a, b = self.coefficients
            self.set_coefficients(m if mu is None else mu, ga if gamma is None else gamma,
                                  a if g0 is None else g0, b if g1 is None else g1)

    def set_coefficients(self, mu, gamma, g0, g1):
        """Set mu, gamma, g0, g1 (finite; g0 > 0 and g0 + 2 g1 > 0)."""
        self._call(C.gridform_amplitude_set_coefficients, float(mu), float(gamma), float(g0), float(g1))

    @property
    def coefficients(self):
        """(mu, gamma, g0, g1)."""
        v = [_d() for _ in range(4)]
        self._call(C.gridform_amplitude_get_coefficients, *[ctypes.byref(x) for x in v])
        return tuple(x.value for x in v)

    def from_kernel(self, kernel, nonlinearity, strength):
        """Derive the coefficients from the kernel's ring and a nonlinearity
        ('linear', 'relu', 'soft', 'tanh') of the given strength (a rate in
        the units of Sigma~; for 'relu' the projection rate, e.g. 1/dt);
        doc/theory.md §3.5.  Returns the new (mu, gamma, g0, g1)."""
        self._call(C.gridform_amplitude_from_kernel, kernel.handle,
                   enum(NONLINEARITY, nonlinearity, "nonlinearity"), float(strength))
        return self.coefficients

    def get_state(self):
        """The amplitudes (A1, A2, A3), a complex array of shape (3,)."""
        s = np.empty(6)
        self._call(C.gridform_amplitude_get_state, ptr(s))
        return s[0::2] + 1j * s[1::2]

    def set_state(self, amplitudes):
        """Set the amplitudes from three complex numbers."""
        a = np.asarray(amplitudes, dtype=np.complex128).reshape(-1)
        if a.size != 3:
            raise ValueError("the state is three complex amplitudes, got %d values" % a.size)
        s = np.empty(6)
        s[0::2], s[1::2] = a.real, a.imag
        self._call(C.gridform_amplitude_set_state, ptr(s))

    state = property(get_state, set_state, doc="The amplitudes (A1, A2, A3), complex, shape (3,).")

    def seed(self, seed, amplitude=0.01):
        """Random state: every real and imaginary part uniform in
        [-amplitude, amplitude] (the library's generator)."""
        self._call(C.gridform_amplitude_seed, seed_arg(seed), float(amplitude))

    def iterate(self, dt, nsteps):
        """nsteps classical Runge-Kutta steps of size dt."""
        self._call(C.gridform_amplitude_iterate, float(dt), count(nsteps, "nsteps"))

    @property
    def time(self):
        """The time integrated since the last set_state or seed."""
        t = _d()
        self._call(C.gridform_amplitude_get_time, ctypes.byref(t))
        return t.value

    def set_tolerance(self, tol):
        """Relative tolerance of classify() (default 0.01)."""
        self._call(C.gridform_amplitude_set_tolerance, float(tol))

    def classify(self):
        """The pattern of the current state, by name."""
        p = _i()
        self._call(C.gridform_amplitude_classify, ctypes.byref(p))
        return enum_name(PATTERN, p.value)

    def stability(self, pattern):
        """(exists, stable) of a pattern's fixed point at the current
        coefficients, as two bools (doc/theory.md §3.6)."""
        e, s = _i(), _i()
        self._call(C.gridform_amplitude_stability, enum(PATTERN, pattern, "pattern"), ctypes.byref(e),
                   ctypes.byref(s))
        return bool(e.value), bool(s.value)

    def fixed_point(self, pattern):
        """The modulus of each nonzero amplitude at the pattern's fixed point
        (for hexagons the upper branch); GridformError EUNDEFINED where the
        pattern does not exist."""
        r = _d()
        self._call(C.gridform_amplitude_fixed_point, enum(PATTERN, pattern, "pattern"), ctypes.byref(r))
        return r.value


def lattice_wavevectors(arena, lattice, k, angle=0.0):
    """The wavevectors of an ideal lattice ('hex', 'square' or 'stripes') of
    wavenumber k (rad/m) and orientation angle (rad), snapped to the
    Fourier lattice on a periodic arena.  Returns (kxky, k_used): an
    (nwaves, 2) array in rad/m and their mean modulus."""
    kv = np.empty(6)
    nw = _sz()
    ku = _d()
    check(C.gridform_lattice_wavevectors, arena.handle, enum(LATTICE, lattice, "lattice"), float(k), float(angle),
          ptr(kv), ctypes.byref(nw), ctypes.byref(ku))
    return kv[:2 * nw.value].reshape(nw.value, 2).copy(), ku.value


def lattice_synthesize(arena, lattice, k, angle=0.0, phase=(0.0, 0.0)):
    """The ideal lattice map sum_j cos(k_j . (x - x0)) on the arena, shape
    (ny, nx), with a peak of height nwaves at x0 = phase (metres)."""
    out = np.empty(arena.shape)
    check(C.gridform_lattice_synthesize, arena.handle, enum(LATTICE, lattice, "lattice"), float(k), float(angle),
          float(phase[0]), float(phase[1]), ptr(out))
    return out


def cubic_gain(arena, m):
    """<h^3>/<h^2>^(3/2) of the mean-free map h = m - <m> (shape (ny, nx)):
    2/sqrt(6) = 0.816 for an ideal hexagon, 0 for squares and stripes
    (doc/theory.md §3.3)."""
    g = inarray(m, "map", shape=arena.shape)
    v = _d()
    check(C.gridform_cubic_gain, arena.handle, ptr(g), ctypes.byref(v))
    return v.value


def pattern_objective(kernel, m, nonlinearity, strength):
    """The nonnegativity-penalised Lagrangian L = g^T Sigma g - strength
    <phi(u)> of the unit-norm version of the (ny, nx) map m, in the units
    of Sigma~ (doc/theory.md §3.7)."""
    g = inarray(m, "map", shape=kernel._mapshape)
    v = _d()
    check(C.gridform_pattern_objective, kernel.handle, ptr(g), enum(NONLINEARITY, nonlinearity, "nonlinearity"),
          float(strength), ctypes.byref(v))
    return v.value
