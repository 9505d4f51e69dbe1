"""The centre-surround attractor network (gridform_attractor(3), doc/theory.md §5.1)."""

import ctypes

import numpy as np

from ._lib import (C, Handle, proto, enum, enum_name, inarray, ptr, count, seed_arg,
                   OK, CONTINUE, EDIVERGED, NONLINEARITY,
                   PRECISION,
                   PROGRESS_FN, _i, _d, _sz, _vp, _s, _hp, _dp, _ip, _u64)
from .learner import progress_callback

proto("gridform_attractor_create", _i, _hp, _vp)
proto("gridform_attractor_destroy", None, _vp)
proto("gridform_attractor_last_error", _s, _vp)
proto("gridform_attractor_set_gain", _i, _vp, _d)
proto("gridform_attractor_set_tau", _i, _vp, _d)
proto("gridform_attractor_set_dt", _i, _vp, _d)
proto("gridform_attractor_set_input", _i, _vp, _d)
proto("gridform_attractor_set_nonlinearity", _i, _vp, _i)
proto("gridform_attractor_set_velocity_coupling", _i, _vp, _d, _d)
proto("gridform_attractor_set_velocity", _i, _vp, _d, _d)
proto("gridform_attractor_get_parameters", _i, _vp, _dp, _dp, _dp, _dp, _ip)
proto("gridform_attractor_seed", _i, _vp, _u64, _d)
proto("gridform_attractor_set_rates", _i, _vp, _dp)
proto("gridform_attractor_get_rates", _i, _vp, _dp)
proto("gridform_attractor_get_time", _i, _vp, _dp)
proto("gridform_attractor_iterate", _i, _vp, _sz)
proto("gridform_attractor_run", _i, _vp, _sz, _d, PROGRESS_FN, _vp)
proto("gridform_attractor_reset_displacement", _i, _vp)
proto("gridform_attractor_get_displacement", _i, _vp, _dp, _dp)
proto("gridform_attractor_set_precision", _i, _vp, _i)
proto("gridform_attractor_get_precision", _i, _vp, _ip)
proto("gridform_attractor_set_step_control", _i, _vp, _i)
proto("gridform_attractor_set_tolerance", _i, _vp, _d)
proto("gridform_attractor_get_residual", _i, _vp, _dp)
proto("gridform_attractor_get_steps", _i, _vp, ctypes.POINTER(_sz), ctypes.POINTER(_sz))


class Attractor(Handle):
    """A rate network tau dr/dt = -r + phi(J * r + b) on the kernel's
    arena as a neural sheet.  With a translation-invariant kernel
    ('fourier' or radial on periodic arenas, 'averaged' or from_spectrum
    on any arena, centred or not) the sheet wraps around (a torus, also on
    a walled arena), J = gain Sigma / max Sigma~, with four
    direction-tuned populations for path integration.  With 'exact' or
    'uniform' (a walled box, or an arena with a shape) the sheet is the
    inside bins: J = gain Sigma / c, c the top eigenvalue of Sigma on
    patterns of zero mean, rates 0 outside (set values there are
    ignored); velocity input and the displacement read-out raise
    GridformError (EUNSUPPORTED) there.  See gridform_attractor(3),
    "Walls and shapes".

    Rates are (ny, nx) arrays (the mean over the populations); times are
    in seconds, velocities in m/s, the shift in metres.  Defaults: gain
    1.1, tau 0.01 s, dt 0.001 s, input b 1, 'relu', shift pi/(10 k*),
    alpha 0.1 s/m, velocity 0.  The kernel is kept alive as long as the
    network."""

    _destroy = staticmethod(C.gridform_attractor_destroy)
    _last_error = staticmethod(C.gridform_attractor_last_error)

    def __init__(self, kernel):
        super().__init__()
        self.kernel = kernel
        self._create(C.gridform_attractor_create, kernel.handle, parents=(kernel,))
        self._shape = kernel.arena.shape

    def set_gain(self, gain):
        """Growth factor of the most unstable mode (> 1 forms a pattern)."""
        self._call(C.gridform_attractor_set_gain, float(gain))

    def set_tau(self, tau):
        """Time constant in seconds."""
        self._call(C.gridform_attractor_set_tau, float(tau))

    def set_dt(self, dt):
        """Step in seconds."""
        self._call(C.gridform_attractor_set_dt, float(dt))

    def set_input(self, b):
        """The uniform feed-forward input b."""
        self._call(C.gridform_attractor_set_input, float(b))

    def set_nonlinearity(self, kind):
        """'relu' (default), 'linear' or 'tanh'."""
        self._call(C.gridform_attractor_set_nonlinearity, enum(NONLINEARITY, kind, "nonlinearity"))

    def set_velocity_coupling(self, shift, alpha):
        """Weight shift (metres) of the direction-tuned populations and the
        velocity gain alpha (s/m) of their input."""
        self._call(C.gridform_attractor_set_velocity_coupling, float(shift), float(alpha))

    def set_velocity(self, vx, vy):
        """The animal's velocity in m/s."""
        self._call(C.gridform_attractor_set_velocity, float(vx), float(vy))

    def set_precision(self, precision):
        """'double' (default) or 'single': the working precision of the
        rates, transforms and step (rates still go in and out as float64);
        switching keeps the rates, rounded."""
        self._call(C.gridform_attractor_set_precision, enum(PRECISION, precision, "precision"))

    @property
    def precision(self):
        """'double' or 'single'."""
        p = _i()
        self._call(C.gridform_attractor_get_precision, ctypes.byref(p))
        return enum_name(PRECISION, p.value)

    @property
    def parameters(self):
        """A dict: gain, tau (s), dt (s), input b and nonlinearity (name)."""
        g, t, d, b, n = _d(), _d(), _d(), _d(), _i()
        self._call(C.gridform_attractor_get_parameters, ctypes.byref(g), ctypes.byref(t), ctypes.byref(d),
                   ctypes.byref(b), ctypes.byref(n))
        return {"gain": g.value, "tau": t.value, "dt": d.value, "input": b.value,
                "nonlinearity": enum_name(NONLINEARITY, n.value)}

    def seed(self, seed, amplitude=0.01):
        """Random rates amplitude * u, u uniform in [0, 1), from the
        library's generator (gridform_attractor_seed(3)).  The default
        0.01 is the C page's intended use (0.01 b for the default input
        b = 1): the defaults then form a pattern on their own.  (Before
        0.3.0 the Python default was 0.1.)"""
        self._call(C.gridform_attractor_seed, seed_arg(seed), float(amplitude))

    def get_rates(self):
        """The rates, shape (ny, nx).  After the rates ran away (iterate or
        run raised GridformError EDIVERGED) these are the last finite rates,
        returned without raising so that they can be inspected."""
        out = np.empty(self._shape)
        self._call(C.gridform_attractor_get_rates, ptr(out), ok=(OK, EDIVERGED))
        return out

    def set_rates(self, rates):
        """Set every population's rates from one (ny, nx) array."""
        r = inarray(rates, "rates", shape=self._shape)
        self._call(C.gridform_attractor_set_rates, ptr(r))

    rates = property(get_rates, set_rates, doc="The rates, shape (ny, nx) (a copy each way).")

    @property
    def time(self):
        """Simulated time in seconds since the last seed or set_rates."""
        t = _d()
        self._call(C.gridform_attractor_get_time, ctypes.byref(t))
        return t.value

    def iterate(self, nsteps):
        """Advance the network by nsteps intervals of dt (with step control
        on, as many error-controlled steps as that needs)."""
        self._call(C.gridform_attractor_iterate, count(nsteps, "nsteps"))

    def set_step_control(self, on):
        """True (default): error-controlled ETD2RK steps at the tolerance;
        False: one exponential-Euler step of dt per interval (0.2)."""
        self._call(C.gridform_attractor_set_step_control, 1 if on else 0)

    def set_tolerance(self, rtol):
        """Relative local error per step of the error-controlled scheme (1e-3)."""
        self._call(C.gridform_attractor_set_tolerance, float(rtol))

    def residual(self):
        """|-r + phi(J * r + b)| / max(|r|, |phi(J * r + b)|) of the current
        rates: stationarity of the flow, independent of the step."""
        v = _d()
        self._call(C.gridform_attractor_get_residual, ctypes.byref(v))
        return v.value

    def steps(self):
        """(accepted, rejected) steps since the last seed or set_rates."""
        acc, rej = _sz(), _sz()
        self._call(C.gridform_attractor_get_steps, ctypes.byref(acc), ctypes.byref(rej))
        return acc.value, rej.value

    def run(self, max_steps, tol=1e-6, progress=None):
        """Advance by up to max_steps intervals of dt until the residual
        (see residual()) falls below tol (True) or the time ran out (False).
        progress(done, total, residual) may return True to cancel
        (GridformError ECANCELED)."""
        cb, box = progress_callback(progress)
        try:
            rc = self._call(C.gridform_attractor_run, count(max_steps, "max_steps"), float(tol), cb, None,
                            ok=(OK, CONTINUE))
        except Exception:
            if box["exc"] is not None:
                raise box["exc"]
            raise
        return rc == OK

    def reset_displacement(self):
        """Start measuring the pattern's displacement from here."""
        self._call(C.gridform_attractor_reset_displacement)

    @property
    def displacement(self):
        """(dx, dy): the pattern's displacement on the sheet in metres since
        reset_displacement, from the phases of its strongest modes."""
        dx, dy = _d(), _d()
        self._call(C.gridform_attractor_get_displacement, ctypes.byref(dx), ctypes.byref(dy))
        return dx.value, dy.value
