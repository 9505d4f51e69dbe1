"""The pattern-forming learning dynamics (gridform_learner(3), doc/theory.md §2 to §4)."""

import ctypes
import warnings

import numpy as np

from ._lib import (C, Handle, proto, enum, enum_name, maps_array, ptr, count, seed_arg,
                   OK, CONTINUE, NONLINEARITY, COUPLING,
                   INTEGRATOR, PLANNING, PRECISION, PROGRESS_FN, _i, _d, _sz, _vp, _s, _hp, _dp, _szp, _ip, _u64)

proto("gridform_learner_create", _i, _hp, _vp, _sz)
proto("gridform_learner_destroy", None, _vp)
proto("gridform_learner_last_error", _s, _vp)
proto("gridform_learner_set_nonlinearity", _i, _vp, _i, _d)
proto("gridform_learner_set_coupling", _i, _vp, _i)
proto("gridform_learner_set_integrator", _i, _vp, _i)
proto("gridform_learner_set_step", _i, _vp, _d)
proto("gridform_learner_get_step", _i, _vp, _dp)
proto("gridform_learner_get_euler_limit", _i, _vp, _dp)
proto("gridform_learner_set_threads", _i, _vp, _i)
proto("gridform_learner_set_planning", _i, _vp, _i)
proto("gridform_learner_seed", _i, _vp, _u64, _d)
proto("gridform_learner_set_maps", _i, _vp, _dp)
proto("gridform_learner_get_maps", _i, _vp, _dp)
proto("gridform_learner_get_nmaps", _i, _vp, _szp)
proto("gridform_learner_get_time", _i, _vp, _dp, _szp)
proto("gridform_learner_iterate", _i, _vp, _sz)
proto("gridform_learner_run", _i, _vp, _sz, _d, PROGRESS_FN, _vp)
proto("gridform_learner_objective", _i, _vp, _dp, _dp)
proto("gridform_learner_set_step_control", _i, _vp, _i)
proto("gridform_learner_get_rejected", _i, _vp, _szp)
proto("gridform_learner_get_residual", _i, _vp, _dp)
proto("gridform_learner_set_tolerance", _i, _vp, _d)
proto("gridform_learner_get_tolerance", _i, _vp, _dp)
proto("gridform_learner_set_precision", _i, _vp, _i)
proto("gridform_learner_get_precision", _i, _vp, _ip)
proto("gridform_learner_set_truncation", _i, _vp, _d)
proto("gridform_learner_get_truncation", _i, _vp, _dp, _szp)
proto("gridform_learner_diagnose", _i, _vp, _ip, _szp)

# gridform_learner_diagnose's classes (GRIDFORM_MAP_*)
MAP_CLASS = {"pattern": 0, "bump": 1, "constant": 2}


def progress_callback(progress):
    """A C progress callback calling progress(done, total, value); a true
    return value cancels the run.  An exception raised by progress
    cancels it too (and is re-raised by the caller)."""
    box = {"exc": None}

    def cb(done, total, value, user):
        try:
            return 1 if progress(done, total, value) else 0
        except BaseException as e:  # cannot unwind through C
            box["exc"] = e
            return 1
    return (PROGRESS_FN(cb) if progress is not None else PROGRESS_FN()), box


class Learner(Handle):
    """nmaps maps on the kernel's arena learning under the pattern-forming
    dynamics dg/dt = Sigma g - lambda g (+ coupling, + nonlinearity), each
    held at unit norm sum g^2 dA = 1 (so maps are in 1/m).

    Maps are (nmaps, ny, nx) float64 arrays.  Time is in units of 1/Sigma~
    (square metres for unit-integral tuning curves).  The kernel is kept
    alive as long as the learner."""

    _destroy = staticmethod(C.gridform_learner_destroy)
    _last_error = staticmethod(C.gridform_learner_last_error)

    def __init__(self, kernel, nmaps):
        super().__init__()
        self.kernel = kernel
        self._create(C.gridform_learner_create, kernel.handle, count(nmaps, "nmaps"), parents=(kernel,))
        self._shape = (self.nmaps,) + kernel.arena.shape

    @property
    def nmaps(self):
        """The number of maps."""
        n = _sz()
        self._call(C.gridform_learner_get_nmaps, ctypes.byref(n))
        return n.value

    def set_nonlinearity(self, kind, strength=0.0):
        """'linear', 'relu' (default), 'soft' (penalty of the given strength,
        in the units of Sigma~) or 'tanh' (the odd control of the given
        strength)."""
        self._call(C.gridform_learner_set_nonlinearity, enum(NONLINEARITY, kind, "nonlinearity"), float(strength))

    def set_coupling(self, kind):
        """'independent' (default), 'sanger' (ordered) or 'symmetric'."""
        self._call(C.gridform_learner_set_coupling, enum(COUPLING, kind, "coupling"))

    def set_integrator(self, kind):
        """'etd' (the default: ETD2RK with error control, whose answer does
        not depend on the step, doc/theory.md §2.9), or the fixed-step
        schemes of the published simulations and of 0.2, 'exponential' and
        'euler', or 'active_set' (experimental, opt-in: RELU or LINEAR
        independent maps on a Fourier-multiplier kernel; the active set's
        operator in the exponential, step doubling; doc/theory.md §2.10;
        other combinations raise GridformError EUNSUPPORTED)."""
        self._call(C.gridform_learner_set_integrator, enum(INTEGRATOR, kind, "integrator"))

    def set_step(self, dt):
        """The step dt in model time (units of 1/Sigma~)."""
        self._call(C.gridform_learner_set_step, float(dt))

    @property
    def step(self):
        """The step dt in use (units of 1/Sigma~)."""
        d = _d()
        self._call(C.gridform_learner_get_step, ctypes.byref(d))
        return d.value

    @property
    def euler_limit(self):
        """The largest stable explicit-Euler step for the current coupling
        and number of maps, at most 2/(max Sigma~ - min Sigma~), the bound of
        the linear part (doc/theory.md §2.2 and §2.4)."""
        d = _d()
        self._call(C.gridform_learner_get_euler_limit, ctypes.byref(d))
        return d.value

    def set_step_control(self, on=True):
        """Automatic step control (True, the default): a step that would
        diverge is rejected, the maps kept and the step halved (then grown
        back); False: every step uses the step set, as in the published
        fixed-step scheme (doc/theory.md §2.5)."""
        self._call(C.gridform_learner_set_step_control, 1 if on else 0)

    @property
    def rejected(self):
        """Steps rejected by the step control since the maps were set."""
        n = _sz()
        self._call(C.gridform_learner_get_rejected, ctypes.byref(n))
        return n.value

    @property
    def residual(self):
        """The stationarity (KKT) residual of the current maps, relative to
        max |Sigma~|: a property of the maps alone, whatever the step, that
        run() compares with tol (doc/theory.md §2.7)."""
        r = _d()
        self._call(C.gridform_learner_get_residual, ctypes.byref(r))
        return r.value

    def set_tolerance(self, rtol):
        """Relative tolerance of one ETD step's local error (default 1e-3,
        in (0, 1)); a run that cannot meet it raises GridformError
        EACCURACY and keeps the maps (doc/theory.md §2.9)."""
        self._call(C.gridform_learner_set_tolerance, float(rtol))

    @property
    def tolerance(self):
        """The relative tolerance of the ETD step control."""
        d = _d()
        self._call(C.gridform_learner_get_tolerance, ctypes.byref(d))
        return d.value

    def set_threads(self, n):
        """Worker threads for the steps (results do not depend on it)."""
        self._call(C.gridform_learner_set_threads, count(n, "threads", 1, 1024))

    def set_planning(self, rigor):
        """FFTW planning rigor: 'estimate' (default), 'measure', 'patient'."""
        self._call(C.gridform_learner_set_planning, enum(PLANNING, rigor, "planning"))

    def set_precision(self, precision):
        """'double' (default) or 'single': the working precision of the
        maps, transforms and products (maps still go in and out as
        float64); switching keeps the maps, rounded (doc/theory.md §2.8)."""
        self._call(C.gridform_learner_set_precision, enum(PRECISION, precision, "precision"))

    @property
    def precision(self):
        """'double' or 'single'."""
        p = _i()
        self._call(C.gridform_learner_get_precision, ctypes.byref(p))
        return enum_name(PRECISION, p.value)

    def set_truncation(self, epsilon):
        """Spectral truncation of the coupling products: only Fourier bins
        with |Sigma~| >= epsilon max |Sigma~| enter M = G Sigma G^T dA
        (default 1e-16 in double, 1e-8 in single; 0 keeps every bin;
        doc/theory.md §2.6)."""
        self._call(C.gridform_learner_set_truncation, float(epsilon))

    @property
    def truncation(self):
        """(epsilon, kept): the truncation threshold and the number of
        real-FFT bins that enter the coupling products."""
        e, n = _d(), _sz()
        self._call(C.gridform_learner_get_truncation, ctypes.byref(e), ctypes.byref(n))
        return e.value, n.value

    @property
    def time(self):
        """(model time, steps taken) since the last seed or set_maps."""
        t, n = _d(), _sz()
        self._call(C.gridform_learner_get_time, ctypes.byref(t), ctypes.byref(n))
        return t.value, n.value

    def seed(self, seed, amplitude=1.0):
        """Random initial maps, uniform in [-amplitude, amplitude), from the
        library's xoshiro256** generator (the same on every platform)."""
        self._call(C.gridform_learner_seed, seed_arg(seed), float(amplitude))

    def set_maps(self, maps):
        """Copy in maps of shape (nmaps, ny, nx), or (ny, nx) for a learner
        of one map; any other shape raises ValueError (a (ny, nx, nmaps)
        stack is not taken for nmaps maps)."""
        g, _ = maps_array(maps, self._shape[1:], nmaps=self._shape[0])
        self._call(C.gridform_learner_set_maps, ptr(g))

    def get_maps(self):
        """A copy of the maps, shape (nmaps, ny, nx), 1/m (unit norm)."""
        out = np.empty(self._shape)
        self._call(C.gridform_learner_get_maps, ptr(out))
        return out

    maps = property(get_maps, set_maps, doc="The maps, shape (nmaps, ny, nx) (a copy each way).")

    def iterate(self, nsteps):
        """Take nsteps steps."""
        self._call(C.gridform_learner_iterate, count(nsteps, "nsteps"))

    def run(self, max_steps, tol=1e-6, progress=None):
        """Step until the residual falls below tol or max_steps ran out.
        Returns True when converged (GRIDFORM_OK), False when max_steps ran
        out (GRIDFORM_CONTINUE).  tol about 1e-3 gives the patterns, 1e-6 or
        below a converged fixed point (see the C page).
        progress(done, total, value) is called as the C page describes; a
        true return cancels (GridformError ECANCELED)."""
        cb, box = progress_callback(progress)
        try:
            rc = self._call(C.gridform_learner_run, count(max_steps, "max_steps"), float(tol), cb, None,
                            ok=(OK, CONTINUE))
        except Exception:
            if box["exc"] is not None:
                raise box["exc"]
            raise
        if self.kernel.mode == "exact":
            self._warn_collapse()
        return rc == OK

    def diagnose(self):
        """Which maps formed a pattern and which collapsed: a list of nmaps
        names, 'pattern' (two or more fields), 'bump' (one field: the bins
        above half the map's range are connected) or 'constant' (the mean
        carries >= 90% of the mean square).  Collapse is what an 'exact'
        kernel of a finite random code does (doc/theory.md §1.6): its top
        eigenvectors are the constant (uncentred) or localised bumps
        (centred), not plane waves on the ring; use 'averaged' with
        centered=True for the published pipeline.  run() warns
        (RuntimeWarning) when maps of an 'exact' kernel collapsed."""
        out = (_i * self._shape[0])()
        n = _sz()
        self._call(C.gridform_learner_diagnose, out, ctypes.byref(n))
        return [enum_name(MAP_CLASS, v) for v in out]

    def _warn_collapse(self):
        cls = self.diagnose()
        nb, nc = cls.count("bump"), cls.count("constant")
        if nb or nc:
            warnings.warn("%d of %d maps collapsed (%d to a single bump, %d to the constant mode) instead of "
                          "forming a pattern: an 'exact' kernel of a finite code has localised or constant top "
                          "eigenvectors; for grid patterns use Kernel(code, 'averaged', centered=True) "
                          "(doc/theory.md §1.6)" % (nb + nc, len(cls), nb, nc), RuntimeWarning, stacklevel=3)

    def objective(self):
        """(per-map Rayleigh quotients g_j^T Sigma g_j as an (nmaps,) array,
        their sum), in 1/m^2."""
        per = np.empty(self._shape[0])
        tot = _d()
        self._call(C.gridform_learner_objective, ptr(per), ctypes.byref(tot))
        return per, tot.value
