"""The Python package against the C library (run by tests/python_ffi.sh).

    GRIDFORM_PY_TRACE=1 python3 tests/python_package.py PYTHON_REF

PYTHON_REF is the tests/python_ref program: it makes a fixed set of library
calls from C and prints their results (scalars on stdout, arrays as .npy).
Each test below makes the same calls through the package with the same
inputs and compares: exactly for integers, names and values the library
computes identically, and within a stated tolerance where NumPy's memory
alignment may pick a different FFTW code path (rtol 1e-12).  Analytic values
(the DoG ring, the cubic gain of a hexagon, ...) are checked as well.  With
GRIDFORM_PY_TRACE=1 the run fails unless every C function the package binds
was called at least once.
"""
import math
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

import gridform as gf
from gridform import _lib

REF = {}
REFDIR = None
N, NW_X, NW_Y = 32, 16, 12
RTOL = 1e-12


def test_map(nx, ny):
    """The test map of python_ref.c."""
    iy, ix = np.meshgrid(np.arange(ny, dtype=float), np.arange(nx, dtype=float), indexing="ij")
    return np.sin(0.3 * ix) + np.cos(0.7 * iy) + 0.01 * (ix * iy)


def ref(key):
    return REF[key]


def reff(key):
    return np.array([float(x) for x in REF[key]])


def refarr(name):
    return np.load(os.path.join(REFDIR, name + ".npy"))


def close(a, b, rtol=RTOL, atol=0.0):
    a, b = np.asarray(a), np.asarray(b)
    if np.iscomplexobj(a) or np.iscomplexobj(b):
        close(np.real(a), np.real(b), rtol, atol)
        close(np.imag(a), np.imag(b), rtol, atol)
        return
    a, b = a.astype(float), b.astype(float)
    if a.size == b.size == 1:
        a, b = a.reshape(()), b.reshape(())
    assert a.shape == b.shape, (a.shape, b.shape)
    scale = max(float(np.max(np.abs(b))) if b.size else 0.0, 1e-300)
    assert np.allclose(a, b, rtol=rtol, atol=atol + rtol * scale, equal_nan=True), \
        "max |diff| %g (scale %g)" % (float(np.nanmax(np.abs(a - b))), scale)


class Fixture:
    """The handles of python_ref.c, made through the package."""

    def __init__(self):
        self.a = gf.Arena(2.2, 2.2, N, N, "periodic")
        self.w = gf.Arena(1.0, 0.8, NW_X, NW_Y, "walled")
        self.pc = gf.PlaceCode(self.a, "dog", 0.12, 2.0, 256, "lattice", 1)
        self.pcr = gf.PlaceCode(self.a, "gaussian", 0.2, 1.0, 50, "random", 7)
        self.pcu = gf.PlaceCode(self.w, "gaussian", 0.1, 1.0, 4, "lattice", 1)
        self.k = gf.Kernel(self.pc, "fourier")
        self.map0 = test_map(N, N)


F = None


def fixture():
    global F
    if F is None:
        F = Fixture()
    return F


class TestStatus(unittest.TestCase):
    def test_version_and_strerror(self):
        self.assertEqual(gf.version(), " ".join(ref("version")))
        self.assertEqual(gf.__version__, gf.version())
        for c in range(11):
            self.assertEqual(gf.strerror(c), " ".join(ref("strerror%d" % c)))

    def test_errors(self):
        with self.assertRaises(gf.GridformError) as cm:
            gf.Arena(-1.0, 1.0, 8, 8)
        e = cm.exception
        self.assertEqual(e.code, gf.EINVAL)
        self.assertEqual(e.name, gf.strerror(gf.EINVAL))
        self.assertEqual(e.func, "gridform_arena_create")
        self.assertIn("lx", e.detail)
        self.assertEqual(gf.last_error(), e.detail)
        with self.assertRaises(gf.GridformError) as cm:
            gf.Kernel(gf.PlaceCode(fixture().a, "gaussian", 0.12, 1.0, 64)).ring()
        self.assertEqual(cm.exception.code, gf.EUNDEFINED)
        self.assertTrue(cm.exception.detail.startswith("gridform_kernel_ring"), cm.exception.detail)
        with self.assertRaises(ValueError):
            gf.Arena(1, 1, 8, 8, "toroidal")

    def test_debug_allocation_hooks(self):
        before = gf.debug.allocation_count()
        with gf.Arena(1.0, 1.0, 8, 8):
            pass
        self.assertGreater(gf.debug.allocation_count(), before)
        gf.debug.fail_allocation(1)
        with self.assertRaises(gf.GridformError) as cm:
            gf.Arena(1.0, 1.0, 8, 8)
        self.assertEqual(cm.exception.code, gf.ENOMEM)
        gf.debug.fail_allocation(0)
        gf.Arena(1.0, 1.0, 8, 8).close()


class TestHandleErrors(unittest.TestCase):
    """Every handle's last_error carries the failing call's message, and the
    raised GridformError carries the same text (doc: the detail begins with
    the public function's name)."""

    def check(self, handle, fn, *args, func=None):
        with self.assertRaises(gf.GridformError) as cm:
            fn(*args)
        e = cm.exception
        self.assertEqual(e.code, gf.EINVAL)
        self.assertEqual(e.detail, handle.last_error())
        self.assertTrue(e.detail.startswith(func), (func, e.detail))

    def test_last_errors(self):
        f = fixture()
        with gf.Arena(1.0, 1.0, 8, 8) as a:
            self.assertEqual(a.last_error(), "")
        pc = gf.PlaceCode(f.a, "gaussian", 0.1, 1.0, 16)
        self.check(pc, pc.set_centers, [[float("nan"), 0.0]], func="gridform_placecode_set_centers")
        k = gf.Kernel(pc)
        with self.assertRaises(gf.GridformError):
            k.ring()
        self.assertTrue(k.last_error().startswith("gridform_kernel_ring"), k.last_error())
        lr = gf.Learner(f.k, 1)
        self.check(lr, lr.set_step, -1.0, func="gridform_learner_set_step")
        with gf.Scorer(gf.Arena(1.0, 1.0, 8, 8)) as s:
            self.check(s, s.set_variant, 99, func="gridform_scorer_set_variant")
        with gf.Amplitude() as am:
            self.check(am, am.set_coefficients, 1.0, 0.0, -1.0, 1.0, func="gridform_amplitude_set_coefficients")
        with gf.Attractor(f.k) as at:
            self.check(at, at.set_tau, -1.0, func="gridform_attractor_set_tau")
        with gf.Modules() as mo:
            self.check(mo, mo.set_max, 0, func="gridform_modules_set_max")


class TestArrayShapes(unittest.TestCase):
    """Arrays of maps are taken by shape, (nmaps, ny, nx) or (ny, nx) for
    one map, never by element count (issue 20: a (64, 64, 4) array passed
    for four 64 x 64 maps, a flat array was scored)."""

    def refuses(self, fn, *args, want=None):
        with self.assertRaises(ValueError) as cm:
            fn(*args)
        if want is not None:
            self.assertIn(want, str(cm.exception))
        return str(cm.exception)

    def test_maps_by_shape(self):
        f = fixture()
        stack = np.stack([f.map0] * 3)              # (3, N, N)
        last = np.moveaxis(stack, 0, -1).copy()     # (N, N, 3): the same numbers, maps last
        with gf.Learner(f.k, 3) as l:
            msg = self.refuses(l.set_maps, last, want="(3, %d, %d)" % (N, N))
            self.assertIn("stacked last", msg)
            self.refuses(l.set_maps, stack.ravel())
            self.refuses(l.set_maps, stack[:2])
            l.set_maps(stack)
            close(l.maps, stack, rtol=0)
        with gf.Learner(f.k, 1) as l1:
            l1.set_maps(f.map0)                      # one map as (ny, nx)
            self.refuses(l1.set_maps, f.map0.ravel())
        with gf.Scorer(f.a) as s:
            two = np.stack([f.map0, f.map0], axis=-1)   # (N, N, 2)
            self.refuses(s.score, two, want="(nmaps, %d, %d) or (%d, %d) for one map" % (N, N, N, N))
            self.refuses(s.score, f.map0.ravel())
            self.refuses(s.score_annuli, two)
            self.refuses(s.population_spectrum, f.map0.ravel())
            self.refuses(s.autocorr, stack)
            self.refuses(s.dominant_k, f.map0.T[:-1])
            one = s.score(f.map0)
            self.assertEqual(one[0].shape, (1,))
        self.refuses(f.k.apply, f.map0.ravel())
        self.refuses(f.k.apply, last)
        self.assertEqual(f.k.apply(f.map0).shape, (N, N))
        self.refuses(gf.cubic_gain, f.a, stack)
        self.refuses(gf.pattern_objective, f.k, f.map0.ravel(), "relu", 0.0)
        with gf.Attractor(f.k) as at:
            self.refuses(at.set_rates, stack)
        self.refuses(f.pc.response, [0.1, 0.2, 0.3, 0.4])
        with tempfile.TemporaryDirectory() as d:
            self.refuses(gf.image_write_maps, os.path.join(d, "x.ppm"), f.map0.ravel())
        with gf.Modules() as mo:
            self.refuses(mo.find, np.ones((2, 3)))
            self.refuses(mo.find, np.ones(4), np.ones(3))
        # the other array inputs: spectra, centres, trajectories, states
        sp = f.k.spectrum()                          # (N, N//2 + 1)
        self.refuses(gf.Kernel.from_spectrum, f.a, sp.T, want="(%d, %d)" % (N, N // 2 + 1))
        self.refuses(gf.Kernel.from_spectrum, f.a, sp.ravel())
        with gf.PlaceCode(f.a, "gaussian", 0.1, 1.0, 4) as pc:
            self.refuses(pc.set_centers, np.zeros((4, 3)))
            self.refuses(pc.set_centers, np.zeros(8))
        xy, act = np.zeros((10, 2)), np.ones((10, 3))
        self.refuses(gf.ratemap_accumulate, f.a, xy.T, act)
        self.refuses(gf.ratemap_accumulate, f.a, xy, act[:9])
        self.refuses(gf.ratemap_accumulate, f.a, xy.ravel(), act)
        with gf.Amplitude() as am:
            self.refuses(am.set_state, [1.0, 2.0])


class TestCounts(unittest.TestCase):
    """Every count and seed is range-checked before ctypes: -1 raises
    ValueError instead of becoming 2^64 - 1 (issue 20: Learner.run(-5) ran
    834 steps, Learner.iterate(-1) and Attractor.iterate(-1) hung)."""

    # Bound functions whose size_t arguments the package derives from array
    # shapes (never from a caller's integer): the shape tests cover them.
    DERIVED = {
        "gridform_placecode_set_centers", "gridform_placecode_response", "gridform_kernel_apply",
        "gridform_kernel_radial_profile", "gridform_scorer_score", "gridform_ratemap_accumulate",
        "gridform_scorer_score_annuli", "gridform_scorer_population_spectrum", "gridform_npy_write",
        "gridform_npy_read", "gridform_modules_find", "gridform_arena_create_mask",
        "gridform_scorer_spatial_info", "gridform_scorer_coherence", "gridform_scorer_fields",
        "gridform_scorer_border", "gridform_scorer_ellipse", "gridform_null_threshold",
    }

    def test_negative_counts(self):
        f = fixture()
        l = gf.Learner(f.k, 1)
        at = gf.Attractor(f.k)
        am = gf.Amplitude()
        sc = gf.Scorer(f.a)
        mo = gf.Modules()
        d = tempfile.mkdtemp()
        calls = [
            ("gridform_arena_create", lambda: gf.Arena(1.0, 1.0, -1, 8)),
            ("gridform_arena_create", lambda: gf.Arena(1.0, 1.0, 8, -1)),
            ("gridform_arena_create_commensurate", lambda: gf.Arena.commensurate(9.81, -1, 24)),
            ("gridform_arena_create_commensurate", lambda: gf.Arena.commensurate(9.81, 2, -1)),
            ("gridform_arena_create_polygon",
             lambda: gf.Arena.from_polygon(1.0, 1.0, -1, 8, [(-0.4, -0.4), (0.4, -0.4), (0.0, 0.4)])),
            ("gridform_arena_create_polygon",
             lambda: gf.Arena.from_polygon(1.0, 1.0, 8, -1, [(-0.4, -0.4), (0.4, -0.4), (0.0, 0.4)])),
            ("gridform_placecode_create", lambda: gf.PlaceCode(f.a, "dog", 0.12, 2.0, -1)),
            ("gridform_placecode_create", lambda: gf.PlaceCode(f.a, "dog", 0.12, 2.0, 16, "random", -1)),
            ("gridform_kernel_shells", lambda: f.k.shells(-1)),
            ("gridform_learner_create", lambda: gf.Learner(f.k, -1)),
            ("gridform_learner_seed", lambda: l.seed(-1)),
            ("gridform_learner_iterate", lambda: l.iterate(-1)),
            ("gridform_learner_run", lambda: l.run(-5)),
            ("gridform_learner_set_threads", lambda: l.set_threads(-1)),
            ("gridform_scorer_set_annuli_m", lambda: sc.set_annuli_m(0.2, 0.6, 1.2, -1)),
            ("gridform_scorer_set_min_overlap", lambda: sc.set_min_overlap(-1)),
            ("gridform_scorer_set_fields", lambda: sc.set_fields(0.2, -1, 4)),
            ("gridform_image_write_maps", lambda: gf.image_write_maps(os.path.join(d, "a.ppm"), f.map0, ncols=-1)),
            ("gridform_image_write_maps", lambda: gf.image_write_maps(os.path.join(d, "b.ppm"), f.map0, zoom=-1)),
            ("gridform_amplitude_seed", lambda: am.seed(-1)),
            ("gridform_amplitude_iterate", lambda: am.iterate(0.01, -1)),
            ("gridform_attractor_seed", lambda: at.seed(-1)),
            ("gridform_attractor_iterate", lambda: at.iterate(-1)),
            ("gridform_attractor_run", lambda: at.run(-1)),
            ("gridform_modules_set_max", lambda: mo.set_max(-1)),
            ("gridform_modules_get_orientation_modulus", lambda: mo.orientation_modulus(-1)),
            ("gridform_scorer_set_null", lambda: gf.surrogate_null(sc, f.map0, shuffles=-1)),
            ("gridform_scorer_surrogate_null", lambda: gf.surrogate_null(sc, f.map0, shuffles=19, seed=-1)),
            ("gridform_scorer_surrogate", lambda: gf.surrogate(sc, f.map0, seed=-1)),
            ("gridform_scorer_shuffle_null", lambda: gf.shuffle_null(sc, np.zeros((3000, 2)), np.ones(3000), 0.1,
                                                                      shuffles=19, seed=-1)),
            ("gridform_debug_fail_allocation", lambda: gf.debug.fail_allocation(-1)),
        ]
        try:
            for name, call in calls:
                with self.assertRaises(ValueError, msg=name) as cm:
                    call()
                self.assertIn("-1" if "run" not in name or "attractor" in name else "-5", str(cm.exception), name)
            self.assertEqual(l.time, (0.0, 0))       # nothing ran
            # non-integers are refused too, not truncated
            with self.assertRaises(ValueError):
                l.iterate(2.5)
            with self.assertRaises(ValueError):
                l.seed(2 ** 64)
            # the bound C functions check their own integers as well (a caller
            # of gridform._lib.C gets the same protection)
            with self.assertRaises(ValueError) as cm:
                _lib.C.gridform_learner_iterate(l.handle, -1)
            self.assertIn("gridform_learner_iterate", str(cm.exception))
            with self.assertRaises(ValueError):
                _lib.C.gridform_learner_set_threads(l.handle, 2 ** 31)
            self.assertEqual(l.time, (0.0, 0))
        finally:
            for h in (l, at, am, sc, mo):
                h.close()
            for x in os.listdir(d):
                os.remove(os.path.join(d, x))
            os.rmdir(d)
        # every bound function that takes a size_t or uint64_t from the caller
        # is in the table above (a new binding must join it or DERIVED)
        counted = {n for n, t in ((n, getattr(_lib.lib, n).argtypes) for n in _lib.BOUND)
                   if any(a in (_lib._sz, _lib._u64) for a in t)}
        covered = {n for n, _ in calls} | self.DERIVED
        self.assertEqual(sorted(counted - covered), [])
        self.assertEqual(sorted(self.DERIVED - counted), [])


class TestArena(unittest.TestCase):
    def test_geometry(self):
        f = fixture()
        self.assertEqual(f.a.shape, (N, N))
        self.assertEqual([str(x) for x in f.a.shape[::-1]], ref("arena_shape"))
        self.assertEqual((f.w.nx, f.w.ny), (NW_X, NW_Y))
        close(f.w.extent, reff("arena_extent"), rtol=0)
        self.assertEqual(f.w.boundary, "walled")
        self.assertEqual(int(ref("arena_boundary")[0]), 2)
        close(f.w.spacing, reff("arena_spacing"), rtol=0)
        close(f.w.spacing, (1.0 / NW_X, 0.8 / NW_Y, 0.8 / (NW_X * NW_Y)), rtol=1e-15)
        self.assertEqual(f.a.nfreq, int(ref("arena_nfreq")[0]))
        self.assertEqual(f.a.nfreq, N * (N // 2 + 1))

    def test_positions_and_wavevectors(self):
        f = fixture()
        p = f.a.positions()
        close(p, refarr("arena_positions"), rtol=0)
        # the box is centred on the origin, points at cell centres
        close(p[0, 0], (-1.1 + 1.1 / N, -1.1 + 1.1 / N), rtol=1e-14)
        kv = f.a.wavevectors()
        close(kv, refarr("arena_wavevectors"), rtol=0)
        close(kv[0, 1], (2 * math.pi / 2.2, 0.0), rtol=1e-14)

    def test_commensurate(self):
        with gf.Arena.commensurate(9.81, 2, 24, "periodic") as c:
            r = ref("arena_commensurate")
            self.assertEqual(c.shape[::-1], (int(r[0]), int(r[1])))
            close(c.extent, [float(x) for x in r[2:]], rtol=0)
            # doc/theory.md §1.5: lx = periods 4 pi / k, ly = round(sqrt 3 periods) a
            a = 4 * math.pi / (math.sqrt(3) * 9.81)
            close(c.extent, (2 * 4 * math.pi / 9.81, round(math.sqrt(3) * 2) * a), rtol=1e-14)
            self.assertEqual(c.boundary, "periodic")

    def test_context_manager(self):
        with gf.Arena(1.0, 1.0, 8, 8) as a:
            self.assertFalse(a.closed)
        self.assertTrue(a.closed)
        with self.assertRaises(ValueError):
            a.shape
        a.close()  # idempotent


class TestLifetimes(unittest.TestCase):
    def test_parent_outlives_children(self):
        # closing a parent first never frees what a child still uses
        a = gf.Arena(2.2, 2.2, N, N)
        pc = gf.PlaceCode(a, "dog", 0.12, 2.0, 256)
        k = gf.Kernel(pc)
        a.close()
        pc.close()
        self.assertTrue(a.closed and pc.closed)
        self.assertIsNotNone(a._h)          # still alive in C for the kernel
        with self.assertRaises(ValueError):
            a.shape                          # but no longer usable from Python
        close(k.apply(test_map(N, N)), refarr("kernel_apply"))
        k.close()
        self.assertIsNone(k._h)
        self.assertIsNone(pc._h)            # destroyed with their last child
        self.assertIsNone(a._h)


class TestPlaceCode(unittest.TestCase):
    def test_getters(self):
        f = fixture()
        self.assertEqual(f.pc.ncells, int(ref("pc_ncells")[0]))
        name, sigma, surround = f.pc.tuning
        t = ref("pc_tuning")
        self.assertEqual((name, sigma, surround), ("dog", float(t[1]), float(t[2])))
        self.assertEqual(int(t[0]), 2)
        self.assertIs(f.pc.arena, f.a)
        self.assertEqual(ref("pc_arena_same"), ["1"])

    def test_centers_and_response(self):
        f = fixture()
        close(f.pcr.centers(), refarr("pc_centers_random"), rtol=0)
        xy3 = np.array([[0.1, 0.2], [1.0, 1.5], [2.0, 0.3]])
        close(f.pc.response(xy3), refarr("pc_response"), rtol=RTOL)

    def test_user_tuning_and_centres(self):
        f = fixture()
        f.pcu.set_centers([[0.2, 0.3], [0.5, 0.4], [0.8, 0.1]])
        f.pcu.set_tuning_fn(lambda dx, dy: math.exp(-(dx * dx + 2 * dy * dy) / 0.02))
        self.assertEqual(f.pcu.ncells, 3)
        self.assertEqual(f.pcu.tuning[0], "user")
        close(f.pcu.centers(), [[0.2, 0.3], [0.5, 0.4], [0.8, 0.1]], rtol=0)
        r = f.pcu.response([[0.1, 0.2], [-0.3, 0.25]])
        close(r, refarr("pc_response_user"), rtol=0)
        # analytic: the user curve at the displacement from centre 0
        close(r[0, 0], math.exp(-(0.01 + 2 * 0.01) / 0.02), rtol=1e-15)


class TestKernel(unittest.TestCase):
    def test_ring_spectrum_shells(self):
        f = fixture()
        self.assertEqual(f.k.mode, "fourier")
        self.assertIs(f.k.arena, f.a)
        kstar, spacing = f.k.ring()
        close((kstar, spacing), reff("kernel_ring"), rtol=0)
        # doc/theory.md §1.5: k*^2 = 2 ln s / (sigma^2 (s - 1)), a = 4 pi / (sqrt 3 k*)
        k_analytic = math.sqrt(2 * math.log(2.0) / (0.12 ** 2))
        close(kstar, k_analytic, rtol=1e-9)
        close(spacing, 4 * math.pi / (math.sqrt(3) * k_analytic), rtol=1e-9)
        close(f.k.spectrum(), refarr("kernel_spectrum"), rtol=0)
        prof = f.k.radial_profile([1.0, 5.0, 9.81, 20.0])
        close(prof, reff("kernel_profile"), rtol=0)
        # Sigma~(k) = |p~(k)|^2 / (lx ly), p~ = exp(-s2 k2/2) - exp(-2 s2 k2/2)
        pk = math.exp(-0.0144 * 25 / 2) - math.exp(-2 * 0.0144 * 25 / 2)
        close(prof[1], pk * pk / (2.2 * 2.2), rtol=1e-12)
        km, val, mult = f.k.shells(6)
        close(km, reff("kernel_shells_k"), rtol=0)
        close(val, reff("kernel_shells_value"), rtol=0)
        self.assertEqual([int(x) for x in mult], [int(x) for x in ref("kernel_shells_mult")])

    def test_tuning_names(self):
        # issue 20: one name set across C, Python and the command line:
        # 'softmax' is canonical, 'softmax_dog' the same code
        f = fixture()
        with gf.PlaceCode(f.a, "softmax", 0.12, 2.0, 64) as p1, gf.PlaceCode(f.a, "softmax_dog", 0.12, 2.0, 64) as p2:
            self.assertEqual(p1.tuning[0], "softmax")
            self.assertEqual(p2.tuning[0], "softmax")
            close(p1.response([[0.1, 0.2]]), p2.response([[0.1, 0.2]]), rtol=0)

    def test_unit_slip(self):
        # issue 20: sigma = 12 meant as centimetres; the ring is refused with
        # a message naming sigma, its unit and the box (gridform_kernel(3))
        with gf.Arena(4.4, 4.4, 32, 32) as a44:
            k = gf.Kernel(gf.PlaceCode(a44, "dog", sigma=12.0, surround=2.0, ncells=16))
            with self.assertRaises(gf.GridformError) as cm:
                k.ring()
            e = cm.exception
            self.assertEqual(e.code, gf.EUNDEFINED)
            for part in ("sigma = 12 m", "metres", "4.4 x 4.4 m box", "0.0981 rad/m", "73.9 m"):
                self.assertIn(part, e.detail)
            k.close()
        # the other lengths and wavenumbers a slip can reach: annuli in
        # centimetres, a wavenumber in rad/cm per metre
        f = fixture()
        with gf.Scorer(f.a) as sc:
            with self.assertRaises(gf.GridformError) as cm:
                sc.set_annuli_m(22, 66, 132, 8)
            self.assertEqual(cm.exception.code, gf.EINVAL)
            self.assertIn("22 m", cm.exception.detail)
        with self.assertRaises(gf.GridformError) as cm:
            gf.lattice_synthesize(f.a, "hex", 981.0)
        self.assertIn("Nyquist", cm.exception.detail)

    def test_apply(self):
        f = fixture()
        out = f.k.apply(f.map0)
        close(out, refarr("kernel_apply"))
        # a stack applies map by map
        st = f.k.apply(np.stack([f.map0, 2 * f.map0]))
        close(st[1], 2 * out, rtol=1e-12)

    def test_exact_and_radial(self):
        f = fixture()
        f.pcu.set_centers([[0.2, 0.3], [0.5, 0.4], [0.8, 0.1]])
        f.pcu.set_tuning_fn(lambda dx, dy: math.exp(-(dx * dx + 2 * dy * dy) / 0.02))
        with gf.Kernel(f.pcu, "exact") as ke:
            self.assertEqual(ke.mode, "exact")
            self.assertEqual(int(ref("kernel_mode_exact")[0]), 2)
            close(ke.apply(test_map(NW_X, NW_Y)), refarr("kernel_apply_exact"))
        with gf.Kernel(f.pcu, "averaged", centered=True) as kav:
            self.assertEqual((kav.mode, kav.centered), ("averaged", True))
            self.assertEqual(int(ref("kernel_mode_averaged")[0]), 4 | 0x100)
            out = kav.apply(test_map(NW_X, NW_Y))
            close(out, refarr("kernel_apply_averaged"))
            close(out.sum(), 0.0, atol=1e-12 * np.abs(out).sum())   # centred: no constant mode
        with gf.Kernel.from_spectrum(f.a, f.k.spectrum()) as ks:
            ks.set_centered(True)
            self.assertEqual((ks.mode, ks.centered), ("spectrum", True))
            self.assertEqual(int(ref("kernel_mode_spectrum")[0]), 5 | 0x100)
            close(ks.apply(f.map0), refarr("kernel_apply_spectrum"))
            self.assertEqual(ks.spectrum()[0, 0], 0.0)
        with gf.Kernel.radial(f.a, lambda k: math.exp(-(k - 8) ** 2 / 4)) as kr:
            self.assertEqual(kr.mode, "radial")
            close(kr.ring(), reff("kernel_ring_radial"), rtol=0)
            close(kr.spectrum(), refarr("kernel_spectrum_radial"), rtol=0)


class TestArenaShapes(unittest.TestCase):
    """Arenas of any shape (gridform_arena_shapes(3), doc/theory.md §7)."""

    L = [[-0.5, -0.5], [0.5, -0.5], [0.5, 0.0], [0.0, 0.0], [0.0, 0.5], [-0.5, 0.5]]

    def test_polygon_mask_and_area(self):
        t = np.linspace(0, 2 * np.pi, 80, endpoint=False)
        r, n = 0.42, 40
        with gf.Arena.from_polygon(1.0, 1.0, n, n, np.c_[r * np.cos(t), r * np.sin(t)]) as a:
            m = a.mask()
            self.assertEqual(m.shape, (n, n))
            self.assertEqual(a.boundary, "walled")
            # one bin row around the perimeter (doc/theory.md §7.1)
            self.assertLessEqual(abs(m.sum() / n ** 2 - np.pi * r * r), 2 * np.pi * r / n)
            with gf.Arena.from_mask(1.0, 1.0, m) as b:
                self.assertTrue((b.mask() == m).all())
        with self.assertRaises(gf.GridformError):
            gf.Arena.from_mask(1.0, 1.0, np.eye(5))     # only corners touch: not 4-connected

    def test_geodesic_l(self):
        # The L's reflex vertex is the origin: paths that cannot see the
        # centre bend there.
        with gf.Arena.from_polygon(1.0, 1.0, 16, 16, self.L) as a:
            pc = gf.PlaceCode(a, "gaussian", 0.1, 1.0, 2, "random", 1)
            self.assertEqual(pc.distance, "euclidean")
            pc.set_tuning_fn(lambda dx, dy: math.hypot(dx, dy))
            pc.distance = "geodesic"
            self.assertEqual(pc.distance, "geodesic")
            c = np.array([[0.3, -0.2], [-0.2, 0.35]])
            pc.set_centers(c)
            pos = a.positions()[a.mask()]
            d = pc.response(pos)
            for j in range(2):
                straight = np.hypot(*(pos - c[j]).T)
                bent = np.hypot(*pos.T) + np.hypot(*c[j])
                # blocked when the segment enters the removed quadrant
                # x > 0, y > 0: the t-intervals of x(t) > 0 and y(t) > 0 overlap
                def positive(p, q):
                    with np.errstate(divide="ignore", invalid="ignore"):
                        tc = p / (p - q)
                    t0 = np.where(p > 0, 0.0, np.where(q > 0, tc, 1.0))
                    t1 = np.where(p > 0, np.where(q > 0, 1.0, tc), np.where(q > 0, 1.0, 0.0))
                    return t0, t1
                x0, x1 = positive(pos[:, 0], np.full(len(pos), c[j, 0]))
                y0, y1 = positive(pos[:, 1], np.full(len(pos), c[j, 1]))
                blocked = np.minimum(x1, y1) - np.maximum(x0, y0) > 1e-14
                want = np.where(blocked, bent, straight)
                close(d[:, j], want, rtol=1e-9)
            self.assertGreater(int(blocked.sum()), 10)

    def test_attractor_in_shape(self):
        # The network on the inside bins (gridform_attractor(3), "Walls and
        # shapes"): rates 0 outside whatever is set there, the pattern
        # grows from the seed, and velocity is refused.
        with gf.Arena.from_polygon(1.0, 1.0, 18, 18, self.L) as a:
            m = a.mask()
            pc = gf.PlaceCode(a, "dog", 0.08, 2.0, 30, "random", 3)
            with gf.Kernel(pc, "uniform", centered=True) as k, gf.Attractor(k) as at:
                at.set_gain(1.2)
                at.rates = np.full((18, 18), 1.0) + 0.01 * np.random.default_rng(2).random((18, 18))
                self.assertTrue((at.rates[~m] == 0).all())
                s0 = at.rates[m].std()
                at.iterate(300)
                r = at.rates
                self.assertTrue((r[~m] == 0).all() and (r >= 0).all() and np.isfinite(r).all())
                self.assertGreater(r[m].std(), 10 * s0)
                with self.assertRaises(gf.GridformError) as cm:
                    at.set_velocity(0.1, 0.0)
                self.assertEqual(cm.exception.code, gf.EUNSUPPORTED)

    def test_uniform_kernel_and_masked_sac(self):
        with gf.Arena.from_polygon(1.0, 1.0, 18, 18, self.L) as a:
            m = a.mask()
            pc = gf.PlaceCode(a, "dog", 0.08, 2.0, 30, "random", 3)
            with gf.Kernel(pc, "uniform") as k:
                self.assertEqual(k.mode, "uniform")
                g = np.random.default_rng(1).standard_normal((18, 18))
                out = k.apply(g)
                self.assertTrue((out[~m] == 0).all())
                self.assertGreater(np.abs(out[m]).max(), 0)
            # The SAC treats bins outside the shape as unvisited: against a
            # direct NaN-aware Pearson correlation at every lag in NumPy.
            x = a.positions()
            f = np.cos(14 * x[..., 0]) + np.cos(7 * x[..., 0] + 12 * x[..., 1])
            f = f + 0.2 * np.random.default_rng(2).standard_normal(f.shape)
            f[~m] = 1e6          # junk outside: must not matter
            with gf.Scorer(a) as s:
                sac = s.autocorr(f)
            g = np.where(m, f, np.nan)
            ny, nx = g.shape
            want = np.full((2 * ny - 1, 2 * nx - 1), np.nan)
            for v in range(-(ny - 1), ny):
                for u in range(-(nx - 1), nx):
                    p = g[max(0, -v):ny - max(0, v), max(0, -u):nx - max(0, u)]
                    q = g[max(0, v):ny - max(0, -v), max(0, u):nx - max(0, -u)]
                    ok = ~np.isnan(p) & ~np.isnan(q)
                    if ok.sum() < 20:
                        continue
                    pa, qa = p[ok], q[ok]
                    if pa.std() == 0 or qa.std() == 0:
                        continue
                    want[v + ny - 1, u + nx - 1] = np.corrcoef(pa, qa)[0, 1]
            self.assertTrue((np.isnan(sac) == np.isnan(want)).all())
            fin = ~np.isnan(want)
            self.assertLessEqual(np.abs(sac[fin] - want[fin]).max(), 1e-10)


class TestLearner(unittest.TestCase):
    def test_learner(self):
        f = fixture()
        with gf.Learner(f.k, 3) as l:
            self.assertEqual(l.nmaps, 3)
            self.assertEqual(int(ref("learner_nmaps")[0]), 3)
            l.set_nonlinearity("relu", 0.0)
            l.set_coupling("sanger")
            l.set_integrator("exponential")
            l.set_threads(1)
            l.set_planning("estimate")
            lim = l.euler_limit
            close(lim, reff("learner_euler_limit"), rtol=0)
            # doc/theory.md §2.2: never above the linear part's 2 / (max Sigma~ -
            # min Sigma~); coupling can only lower it (§2.4)
            sp = f.k.spectrum()
            self.assertLessEqual(lim, 2 / (sp.max() - sp.min()) * (1 + 1e-12))
            self.assertGreater(lim, 0.0)
            l.set_step(0.5 * lim)
            close(l.step, reff("learner_step"), rtol=0)
            l.seed(11, 1.0)
            l.iterate(5)
            t = ref("learner_time")
            close(l.time[0], float(t[0]), rtol=0)
            self.assertEqual(l.time[1], int(t[1]))
            per, tot = l.objective()
            close(np.append(per, tot), reff("learner_objective"))
            m = l.get_maps()
            close(m, refarr("learner_maps"))
            # unit norm: sum g^2 dA = 1 (doc/theory.md §2.2)
            close(np.sum(m ** 2, axis=(1, 2)) * f.a.spacing[2], np.ones(3), rtol=1e-12)
            calls = []
            converged = l.run(20, 1e-3, progress=lambda d, n, v: calls.append((d, n, v)) and False)
            r = ref("learner_run")
            self.assertEqual(converged, int(r[0]) == gf.OK)
            self.assertEqual(l.time[1], int(r[2]))
            close(l.time[0], float(r[1]), rtol=1e-12)
            self.assertTrue(calls)
            r = ref("learner_residual")
            close(l.residual, float(r[0]), rtol=1e-12)
            self.assertEqual(l.rejected, int(r[1]))
            if converged:
                self.assertLess(l.residual, 1e-3)
            with gf.Learner(f.k, 1) as le:
                le.set_integrator("euler")
                le.set_nonlinearity("linear")
                le.set_step_control(True)
                le.set_step(2.5 * le.euler_limit)
                le.seed(4, 1.0)
                r = ref("learner_control")
                if int(r[0]) == gf.OK:
                    le.iterate(30)
                else:
                    with self.assertRaises(gf.GridformError):
                        le.iterate(30)
                self.assertEqual(le.rejected, int(r[1]))
                close(le.residual, float(r[2]), rtol=1e-12)
                le.set_step_control(False)
                # the ETD tolerance: default 1e-3, set and read back, refused out of (0, 1)
                self.assertEqual(le.tolerance, 1e-3)
                le.set_tolerance(2.5e-4)
                self.assertEqual(le.tolerance, 2.5e-4)
                for bad in (0.0, -1.0, 1.0, float("nan"), float("inf")):
                    with self.assertRaises(gf.GridformError) as cm:
                        le.set_tolerance(bad)
                    self.assertEqual(cm.exception.code, gf.EINVAL)
                    self.assertIn("rtol", str(cm.exception))
            stack = np.stack([f.map0 * (j + 1) + j for j in range(3)])
            l.set_coupling("independent")
            l.maps = stack
            self.assertEqual(l.time, (0.0, 0))
            l.iterate(2)
            close(l.maps, refarr("learner_maps_set"))
            l.set_coupling("sanger")
            l.set_step(0.05 * l.euler_limit)
            self.assertEqual(l.precision, "double")
            l.set_precision("single")
            l.set_truncation(1e-3)
            r = ref("learner_single")
            self.assertEqual(_lib.PRECISION[l.precision], int(r[0]))
            eps, kept = l.truncation
            close(eps, float(r[1]), rtol=0)
            self.assertEqual(kept, int(r[2]))
            self.assertLess(kept, f.a.nfreq)      # bins below 1e-3 max Sigma~ left out
            l.maps = stack
            l.iterate(2)
            close(l.maps, refarr("learner_maps_single"), rtol=1e-5)
            with self.assertRaises(gf.GridformError) as cm:
                l.run(50, 1e-12, progress=lambda d, n, v: True)
            self.assertEqual(cm.exception.code, gf.ECANCELED)
            with self.assertRaises(ValueError):
                l.set_maps(np.zeros((2, N, N)))

    def test_active_set(self):
        """The opt-in active-set integrator (doc/theory.md §2.10): RELU maps
        reach a KKT residual and stay nonnegative with unit norm;
        combinations it cannot step are refused with EUNSUPPORTED."""
        f = fixture()
        with gf.Learner(f.k, 3) as l:
            l.set_nonlinearity("relu", 0.0)
            l.set_integrator("active_set")
            self.assertEqual(l.tolerance, 1e-3)
            l.seed(5, 1.0)
            self.assertTrue(l.run(500, 1e-4))
            self.assertLess(l.residual, 1e-4)
            m = l.maps
            self.assertTrue(np.isfinite(m).all())
            self.assertGreaterEqual(float(m.min()), 0.0)
            close(np.sum(m ** 2, axis=(1, 2)) * f.a.spacing[2], np.ones(3), rtol=1e-12)
            with self.assertRaises(gf.GridformError) as cm:
                l.set_coupling("sanger")
            self.assertEqual(cm.exception.code, gf.EUNSUPPORTED)
            with self.assertRaises(gf.GridformError) as cm:
                l.set_nonlinearity("soft", 1.0)
            self.assertEqual(cm.exception.code, gf.EUNSUPPORTED)
        with gf.Learner(f.k, 2) as l:
            l.set_nonlinearity("tanh", 1.0)
            with self.assertRaises(gf.GridformError) as cm:
                l.set_integrator("active_set")
            self.assertEqual(cm.exception.code, gf.EUNSUPPORTED)

    def test_diagnose(self):
        """The exact kernel of a random softmax code in a walled box
        collapses its maps (doc/theory.md §1.6): run() warns, diagnose()
        names the class; the averaged centred kernel forms patterns."""
        import warnings
        with gf.Arena(1.6, 1.6, 40, 40, "walled") as a:
            code = gf.PlaceCode(a, "softmax_dog", 0.12, 2.0, 512, "random", 1)
            for mode, centered, want in (("exact", True, "bump"), ("exact", False, "constant")):
                l = gf.Learner(gf.Kernel(code, mode, centered=centered), 4)
                l.set_integrator("euler")
                l.seed(1)
                with warnings.catch_warnings(record=True) as w:
                    warnings.simplefilter("always")
                    l.run(600, 1e-4)
                self.assertEqual([x.category for x in w], [RuntimeWarning])
                self.assertIn("4 of 4 maps collapsed", str(w[0].message))
                self.assertEqual(l.diagnose(), [want] * 4)
                g = l.maps
                ratio = g.mean(axis=(1, 2)) ** 2 / (g * g).mean(axis=(1, 2))
                # independent of the library: a constant map's mean carries its mean square
                self.assertTrue(np.all(ratio > 0.99) if want == "constant" else np.all(ratio < 0.5))
            l = gf.Learner(gf.Kernel(code, "averaged", centered=True), 2)
            l.set_maps(np.stack([np.ones((40, 40)), np.cos(2 * np.pi * 3 * np.arange(40) / 40)[None, :] + np.zeros((40, 1))]))
            self.assertEqual(l.diagnose(), ["constant", "pattern"])


class TestAmplitude(unittest.TestCase):
    def test_equations(self):
        f = fixture()
        with gf.Amplitude() as am:
            am.set_coefficients(0.1, 0.5, 1.0, 2.0)
            close(am.coefficients, reff("amp_coefficients"), rtol=0)
            am.seed(3, 0.01)
            s = reff("amp_seeded")
            close(am.state, s[0::2] + 1j * s[1::2], rtol=0)
            am.iterate(0.05, 2000)
            s = reff("amp_state")
            close(np.abs(am.state - (s[0::2] + 1j * s[1::2])), np.zeros(3), atol=1e-13)
            close(am.time, reff("amp_time")[0], rtol=0)
            am.set_tolerance(0.02)
            cls = am.classify()
            self.assertEqual(_lib.PATTERN[cls], int(ref("amp_classify")[0]))
            self.assertEqual(cls, "hexagons")   # gamma > 0: positive peaks
            for name, val in _lib.PATTERN.items():
                ex, st = am.stability(name)
                self.assertEqual((int(ex), int(st)), tuple(int(x) for x in ref("amp_stability%d" % val)), name)
            rs, rh = am.fixed_point("stripes"), am.fixed_point("hexagons")
            close((rs, rh), reff("amp_fixed_point"), rtol=0)
            # doc/theory.md §3.6: R = sqrt(mu/g0); S R^2 - gamma R - mu = 0
            close(rs, math.sqrt(0.1), rtol=1e-15)
            close(5 * rh * rh - 0.5 * rh - 0.1, 0.0, atol=1e-15)
            close(np.abs(am.state), np.full(3, rh), rtol=1e-3)   # converged near the fixed point
            am.state = [0.1 + 0.2j, -0.3 + 0.05j, 0.4j]
            self.assertEqual(am.time, 0.0)
            am.iterate(0.01, 10)
            s = reff("amp_state_set")
            close(np.abs(am.state - (s[0::2] + 1j * s[1::2])), np.zeros(3), atol=1e-15)
            co = am.from_kernel(f.k, "relu", 10.0)
            close(co, reff("amp_from_kernel"), rtol=1e-12)
            # doc/theory.md §3.5: RELU gives gamma = strength / sqrt(2 pi), g0 = g1 = 2 mu
            mu, gamma, g0, g1 = co
            close(gamma, 10.0 / math.sqrt(2 * math.pi), rtol=1e-12)
            close((g0, g1), (2 * mu, 2 * mu), rtol=1e-12)
        with gf.Amplitude(mu=-1.0) as am:
            self.assertEqual(am.coefficients[0], -1.0)
            with self.assertRaises(gf.GridformError) as cm:
                am.fixed_point("stripes")
            self.assertEqual(cm.exception.code, gf.EUNDEFINED)

    def test_lattices(self):
        f = fixture()
        kxky, kused = gf.lattice_wavevectors(f.a, "hex", 9.81, 0.1)
        self.assertEqual(kxky.shape, (int(ref("lattice_nwaves")[0]), 2))
        close(kxky.ravel(), reff("lattice_wavevectors"), rtol=0)
        close(kused, reff("lattice_k_used")[0], rtol=0)
        close(kxky.sum(axis=0), (0.0, 0.0), atol=1e-12)   # a closed triad
        lat = gf.lattice_synthesize(f.a, "hex", 9.81, 0.1, (0.3, 0.2))
        close(lat, refarr("lattice_hex"))
        g = gf.cubic_gain(f.a, lat)
        close(g, reff("cubic_gain")[0], rtol=1e-12)
        close(g, 2 / math.sqrt(6), rtol=1e-10)   # doc/theory.md §3.3, eq. (3.6)
        objs = [gf.pattern_objective(f.k, lat, "linear", 0.0), gf.pattern_objective(f.k, lat, "relu", 0.0),
                gf.pattern_objective(f.k, lat, "soft", 2.0), gf.pattern_objective(f.k, lat, "tanh", 1.0)]
        close(objs, reff("pattern_objective"), rtol=1e-12)


class TestAttractor(unittest.TestCase):
    def test_network(self):
        f = fixture()
        with gf.Attractor(f.k) as at:
            at.set_gain(1.2)
            at.set_tau(0.01)
            at.set_dt(0.002)
            at.set_input(1.0)
            at.set_nonlinearity("relu")
            at.set_velocity_coupling(0.02, 0.1)
            at.set_velocity(0.0, 0.0)
            p = at.parameters
            r = reff("attractor_parameters")
            close((p["gain"], p["tau"], p["dt"], p["input"]), r[:4], rtol=0)
            self.assertEqual(_lib.NONLINEARITY[p["nonlinearity"]], int(r[4]))
            at.seed(5, 0.1)
            at.iterate(50)
            close(at.rates, refarr("attractor_rates"))
            close(at.time, reff("attractor_time")[0], rtol=1e-15)
            at.reset_displacement()
            at.set_velocity(0.2, 0.0)
            at.iterate(30)
            close(at.displacement, reff("attractor_displacement"), rtol=1e-9, atol=1e-12)
            done = at.run(20, 1e-12)
            self.assertEqual(done, int(ref("attractor_run")[0]) == gf.OK)
            at.rates = np.abs(f.map0)
            at.iterate(3)
            close(at.rates, refarr("attractor_rates_set"))
            self.assertEqual(at.precision, "double")
            at.set_precision("single")
            self.assertEqual(at.precision, "single")
            self.assertEqual(int(ref("attractor_precision")[0]), 2)
            at.iterate(3)
            close(at.rates, refarr("attractor_rates_single"), rtol=1e-6)
            at.set_tolerance(1e-4)
            at.iterate(2)
            close(at.residual(), reff("attractor_residual")[0], rtol=1e-6)
            self.assertEqual(at.steps(), tuple(int(x) for x in reff("attractor_steps")))
            at.set_step_control(False)
            at.iterate(2)
            close(at.rates, refarr("attractor_rates_fixed"), rtol=1e-6)
        # the default seed amplitude is the C page's intended 0.01
        with gf.Attractor(f.k) as a1, gf.Attractor(f.k) as a2:
            a1.seed(5)
            a2.seed(5, 0.01)
            close(a1.rates, a2.rates, rtol=0)
            self.assertLessEqual(a1.rates.max(), 0.01)
            self.assertGreater(a1.rates.max(), 0.005)
        with gf.Attractor(f.k) as at2:
            at2.set_nonlinearity("linear")
            at2.set_gain(3.0)
            at2.set_dt(0.002)
            at2.seed(9, 0.1)
            r = ref("attractor_diverged")
            self.assertEqual((int(r[0]), int(r[1])), (gf.EDIVERGED, gf.EDIVERGED))
            with self.assertRaises(gf.GridformError) as cm:
                at2.iterate(100000)
            self.assertEqual(cm.exception.code, gf.EDIVERGED)
            rates = at2.rates
            self.assertTrue(np.all(np.isfinite(rates)))
            close(rates, refarr("attractor_rates_diverged"))
            close(at2.time, float(r[2]), rtol=1e-15)


class TestScorer(unittest.TestCase):
    def test_scores(self):
        f = fixture()
        lat = gf.lattice_synthesize(f.a, "hex", 9.81, 0.1, (0.3, 0.2))
        with gf.Scorer(f.a) as s:
            s.set_variant("mean")
            s.set_boundary("periodic")
            s.set_min_overlap(20)
            s.set_annuli_m(0.22, 0.66, 1.32, 8)
            close(s.autocorr(lat), refarr("scorer_sac"))
            s60, s90, spc, ori = s.score(np.stack([lat, f.map0, lat + 0.05 * f.map0]))
            close(s60, reff("scorer_score60"), rtol=1e-10)
            close(s90, reff("scorer_score90"), rtol=1e-10)
            # not the ideal lattice's: its equidistant peaks tie (python_ref.c)
            close(spc[1:], reff("scorer_spacing")[1:], rtol=1e-10)
            close(ori[1:], reff("scorer_orientation")[1:], rtol=1e-10, atol=1e-12)
            self.assertGreater(s60[0], 0.5)   # an ideal hexagon, small annuli
            k = s.dominant_k(lat)
            close(k, reff("dominant_k")[0], rtol=1e-12)
            kxky, kused = gf.lattice_wavevectors(f.a, "hex", 9.81, 0.1)
            # within one Fourier-lattice step (2 pi / 2.2 m) of one of the three
            # snapped waves (equal amplitudes, so any may win; the estimate
            # interpolates between bins)
            self.assertLess(np.min(np.abs(np.hypot(kxky[:, 0], kxky[:, 1]) - k)), 2 * math.pi / 2.2)
            self.assertTrue(math.isnan(s.dominant_k(np.ones((N, N)))))

    def test_automatic_annuli(self):
        f = fixture()
        lat = gf.lattice_synthesize(f.a, "hex", 9.81, 0.1, (0.3, 0.2))
        with gf.Scorer(f.a) as s:
            self.assertTrue(s.annuli_auto)                  # periodic arena: on by default
            self.assertEqual(int(ref("scorer_annuli_auto")[0]), 1)
            s60, inner, outer, src = s.score_annuli(np.stack([lat, f.map0, lat + 0.05 * f.map0]))
            close(s60, reff("scorer_auto_score60"), rtol=1e-10)
            close(inner[[0, 2]], reff("scorer_auto_inner")[[0, 2]], rtol=1e-10)
            close(outer[[0, 2]], reff("scorer_auto_outer")[[0, 2]], rtol=1e-10)
            names = {0: "", 1: "auto", 2: "fixed", 3: "fallback"}
            self.assertEqual(list(src), [names[int(x)] for x in ref("scorer_auto_source")])
            self.assertEqual(s.fallback_count, int(ref("scorer_fallback")[0]))
            self.assertGreater(s60[0], 0.5)    # the snapped (distorted) hexagon of this small box
            s.set_annuli_auto(False)
            self.assertFalse(s.annuli_auto)
            self.assertEqual(int(ref("scorer_annuli_auto_off")[0]), 0)

    def test_population_and_modules(self):
        f = fixture()
        lat = gf.lattice_synthesize(f.a, "hex", 9.81, 0.1, (0.3, 0.2))
        with gf.Scorer(f.a) as s:
            nbins, dk = s.spectrum_bins()
            r = ref("spectrum_bins")
            self.assertEqual(nbins, int(r[0]))
            close(dk, float(r[1]), rtol=0)
            close(dk, 2 * math.pi / 2.2, rtol=1e-15)
            kmag, power, kpeak, nused = s.population_spectrum(np.stack([lat, f.map0, lat + 0.05 * f.map0]),
                                                              unit_variance=True)
            close(kmag, reff("population_kmag"), rtol=0)
            close(power, reff("population_power"), rtol=1e-10)
            r = ref("population_peak")
            close(kpeak, float(r[0]), rtol=1e-10)
            self.assertEqual(nused, int(r[1]))
            # no map with variance: NaN, nothing raised
            _, pw, kp, nu = s.population_spectrum(np.ones((2, N, N)))
            self.assertTrue(np.all(np.isnan(pw)) and math.isnan(kp) and nu == 0)
        with gf.Modules(max_modules=4, min_score=0.3, orientation_cue=True) as mo:
            i = np.arange(22)
            j, q = i % 5 - 2, i % 3 - 1
            spacing = np.where(i < 10, 0.5, 0.7) * (1 + 0.01 * j)
            orientation = np.where(i < 10, 0.1, 0.5) + 0.005 * q
            score60 = np.where(i >= 20, 0.1, 1.0 + 0.01 * j)
            res = mo.find(spacing, orientation, score60)
            self.assertEqual(len(res.spacing), int(ref("modules_n")[0]))
            close(res.spacing, reff("modules_spacing"), rtol=0)
            close(res.orientation, reff("modules_orientation"), rtol=0)
            close(res.ratio, reff("modules_ratio"), rtol=0)
            self.assertEqual(list(res.count), [int(x) for x in ref("modules_count")])
            self.assertEqual(list(res.labels), [int(x) for x in ref("modules_labels")])
            # two modules, each the geometric mean of its ten spacings; the
            # maps under the score threshold do not enter
            self.assertEqual(len(res.spacing), 2)
            close(res.spacing, (np.exp(np.mean(np.log(spacing[:10]))), np.exp(np.mean(np.log(spacing[10:20])))),
                  rtol=1e-9)
            self.assertEqual(list(res.count), [10, 10])
            self.assertEqual(list(res.labels[20:]), [-1, -1])
            # both modules' orientations are modulo 60 degrees (one group each)
            close([mo.orientation_modulus(j) for j in range(2)], [math.pi / 3] * 2, rtol=1e-15)
            with self.assertRaises(gf.GridformError):
                mo.orientation_modulus(2)
            with self.assertRaises(ValueError):
                mo.orientation_modulus(-1)

    def test_population_ring_walled_numpy(self):
        # gridform_population_spectrum(3): on a walled scorer kpeak is the
        # peak of the 4-fold zero-padded radial power density k P(k) (P the
        # mean over annuli dk/4) at k >= dk, refined by a parabola; the same
        # estimator computed here with NumPy's FFT (doc/theory.md §6.6)
        L, n, k0 = 2.2, 30, 10.297
        rng = np.random.default_rng(5)
        x = -L / 2 + (np.arange(n) + 0.5) * L / n
        X, Y = np.meshgrid(x, x)
        maps = []
        for _ in range(6):
            th, ph = rng.uniform(0, np.pi / 3), rng.uniform(0, 2 * np.pi, 3)
            g = sum(np.cos(k0 * (np.cos(th + 2 * np.pi * j / 3) * X + np.sin(th + 2 * np.pi * j / 3) * Y) + ph[j])
                    for j in range(3))
            maps.append(np.maximum(g, 0))
        maps = np.array(maps)
        with gf.Arena(L, L, n, n, "walled") as a, gf.Scorer(a) as s:
            _, _, kp, used = s.population_spectrum(maps, unit_variance=True)
            nbins, dk = s.spectrum_bins()
        self.assertEqual(used, 6)
        P, N = 4, 4 * n
        fdk = dk / P
        acc = np.zeros(P * (nbins - 1) + 1)
        npts = np.zeros(acc.size)
        kk = 2 * np.pi * np.fft.fftfreq(N, d=L / n)
        fb = np.floor(np.hypot(*np.meshgrid(kk, kk)) / fdk + 0.5).astype(int)
        inside = fb < acc.size
        npts += np.bincount(fb[inside], minlength=acc.size)
        for m in maps:
            f0 = m - m.mean()
            w = (L / n) ** 2 / n ** 2 / np.mean(f0 ** 2)        # dA / nvalid / variance
            pw = w * np.abs(np.fft.fft2(f0, s=(N, N))) ** 2
            acc += np.bincount(fb[inside], pw[inside], minlength=acc.size)
        acc = np.arange(acc.size) * fdk * acc / np.maximum(npts, 1)
        b = P + int(np.argmax(acc[P:-1]))
        a0, a1, a2 = acc[b - 1], acc[b], acc[b + 1]
        want = b * fdk + np.clip(0.5 * (a0 - a2) / (a0 - 2 * a1 + a2), -0.5, 0.5) * fdk
        close(kp, want, rtol=1e-9)
        self.assertLess(abs(kp - k0), 0.02 * k0)

    def test_ratemap(self):
        t = np.arange(200, dtype=float)
        x, y = 0.49 * np.sin(0.37 * t), 0.39 * np.cos(0.23 * t)
        xy = np.stack([x, y], axis=1)
        act = np.stack([x + y, x * y], axis=1)
        with gf.Arena(1.0, 0.8, 5, 4, "walled") as ra:
            maps, occ = gf.ratemap_accumulate(ra, xy, act, 2.0)
        close(maps, refarr("ratemap_maps"), rtol=1e-14)
        close(occ, refarr("ratemap_occupancy"), rtol=0)
        self.assertEqual(occ.sum(), 200)


class TestMeasures(unittest.TestCase):
    """The recording measures against direct NumPy computations."""

    def test_info_coherence(self):
        rng = np.random.default_rng(3)
        ny, nx = 9, 12
        rate = rng.gamma(0.8, 2.0, size=(2, ny, nx))
        rate[0, 1, 2] = np.nan
        occ = rng.uniform(0.0, 1.5, size=(ny, nx))
        occ[3, 4] = 0.0
        with gf.Arena(1.2, 0.9, nx, ny, "walled") as a, gf.Scorer(a) as s:
            bs, bsec, sp = s.spatial_info(rate, occ)
            for m in range(2):
                ok = ~np.isnan(rate[m]) & (occ > 0)
                p = occ[ok] / occ[ok].sum()
                r = rate[m][ok]
                lam = np.sum(p * r)
                q = r / lam
                info = np.sum(np.where(q > 0, p * q * np.log2(np.where(q > 0, q, 1)), 0))
                close(bs[m], info, rtol=1e-10)
                close(bsec[m], info * lam, rtol=1e-10)
                close(sp[m], lam * lam / np.sum(p * r * r), rtol=1e-10)
            # one map of shape (ny, nx), uniform occupancy
            bs1, _, _ = s.spatial_info(rate[1])
            q = rate[1] / rate[1].mean()
            close(bs1[0], np.mean(q * np.log2(q)), rtol=1e-10)
            s.set_measure_variant("info", "bnt")
            self.assertGreater(s.spatial_info(rate[1])[0][0], bs1[0])
            s.set_measure_variant("info", "paper")
            self.assertTrue(math.isnan(s.spatial_info(np.zeros((ny, nx)))[0][0]))
            z, r = s.coherence(rate[1])
            nb = np.zeros((ny, nx))
            for iy in range(ny):
                for ix in range(nx):
                    nb[iy, ix] = np.mean([rate[1][jy, jx] for jy in range(iy - 1, iy + 2)
                                          for jx in range(ix - 1, ix + 2)
                                          if (jy, jx) != (iy, ix) and 0 <= jy < ny and 0 <= jx < nx])
            rr = np.corrcoef(rate[1].ravel(), nb.ravel())[0, 1]
            close(r[0], rr, rtol=1e-12)
            close(z[0], np.arctanh(rr), rtol=1e-12)
            # shapes are checked, occupancies too
            with self.assertRaises(ValueError):
                s.spatial_info(np.zeros((nx, ny)))
            with self.assertRaises(ValueError):
                s.spatial_info(rate, np.ones((nx, ny)))
            with self.assertRaises(gf.GridformError) as cm:
                s.spatial_info(rate, -occ)
            self.assertEqual(cm.exception.code, gf.EINVAL)

    def test_fields_border_ellipse(self):
        n = 40
        c = (np.arange(n) + 0.5) / n - 0.5
        X, Y = np.meshgrid(c, c)
        wall = np.zeros((n, n))
        wall[0, :] = 1.0                   # the bottom wall, one bin deep
        blob = np.exp(-((X - 0.2) ** 2 + (Y + 0.1) ** 2) / (2 * 0.07 ** 2))
        with gf.Arena(1.0, 1.0, n, n, "walled") as a, gf.Scorer(a) as s:
            b, cm, dm = s.border(np.stack([wall, blob]))
            close(b, [39 / 41, -1.0], rtol=1e-14)
            close(cm, [1.0, 0.0], rtol=0, atol=1e-15)
            s.set_measure_variant("border", "bnt")
            close(s.border(wall)[0], [38 / 42], rtol=1e-14)
            s.set_border_fields(0.3, 0.05)   # 80 bins: the wall field is too small
            self.assertTrue(math.isnan(s.border(wall)[0][0]))
            s.set_fields(0.2, 9, 8)
            f = s.fields(blob + np.roll(blob, 20, axis=1) * 0.9)
            self.assertEqual(len(f["area_m2"]), 2)
            self.assertEqual(f["nbins"][0], np.sum(blob >= 0.2))
            close(f["area_m2"], f["nbins"] / n ** 2, rtol=1e-14)
            close([f["cx"][0], f["cy"][0]], [0.2, -0.1], rtol=0, atol=1e-3)
            self.assertEqual(len(s.fields(np.zeros((n, n)))["peak"]), 0)
            # an ellipse: a lattice stretched 1.25 along 30 degrees
            phi, rho, k = math.pi / 6, 1.25, 4 * math.pi / (math.sqrt(3) * 0.3)
            R = np.array([[math.cos(phi), -math.sin(phi)], [math.sin(phi), math.cos(phi)]])
            Ainv = R @ np.diag([rho ** -0.5, rho ** 0.5]) @ R.T
            g = sum(np.cos(kk[0] * X + kk[1] * Y) for kk in
                    (Ainv @ (k * np.array([math.cos(t), math.sin(t)])) for t in (0.5, 0.5 + 2.094395, 0.5 + 4.18879)))
            ratio, ang, off = s.ellipse(g)
            self.assertLess(abs(ratio[0] / rho - 1), 0.01)
            self.assertLess(abs(math.remainder(ang[0] - phi, math.pi)), math.radians(1))
            self.assertTrue(0 <= off[0] <= math.pi / 4)
        with gf.Arena(1.0, 1.0, n, n, "periodic") as a, gf.Scorer(a) as s:
            with self.assertRaises(gf.GridformError) as cm:
                s.border(wall)
            self.assertEqual(cm.exception.code, gf.EUNSUPPORTED)
class TestNull(unittest.TestCase):
    """Null thresholds (gridform_null(3)) against direct NumPy computations."""

    def test_threshold_rule(self):
        rng = np.random.default_rng(3)
        v = rng.standard_normal(137)
        v[5] = np.nan
        d = np.sort(v[~np.isnan(v)])
        for p in (95.0, 99.0, 50.0):
            k = math.ceil(p * (d.size + 1) / 100 - 1e-9)
            self.assertEqual(gf.null_threshold(v, p), d[k - 1])
        self.assertTrue(math.isnan(gf.null_threshold(v[:18], 95)))
        with self.assertRaises(gf.GridformError):
            gf.null_threshold(v, 100)

    def test_surrogate_keeps_shells(self):
        # NumPy's FFT as the independent reference: the power per shell
        # (width 2 pi / min(lx, ly), centred on its multiples) is kept.
        nx, ny, lx, ly = 18, 15, 1.2, 1.0
        m = test_map(nx, ny)
        with gf.Arena(lx, ly, nx, ny, "periodic") as a, gf.Scorer(a) as s:
            out = gf.surrogate(s, m, seed=4)
            self.assertTrue(np.array_equal(out, gf.surrogate(s, m, seed=4)))
            self.assertGreater(np.abs(out - m).mean(), 0.05)

            def shells(g):
                f = np.abs(np.fft.fft2(g - g.mean())) ** 2
                kx = 2 * np.pi * np.fft.fftfreq(nx, 1.0 / nx) / lx
                ky = 2 * np.pi * np.fft.fftfreq(ny, 1.0 / ny) / ly
                if nx % 2 == 0:
                    kx[nx // 2] = abs(kx[nx // 2])
                if ny % 2 == 0:
                    ky[ny // 2] = abs(ky[ny // 2])
                b = np.floor(np.hypot(kx[None, :], ky[:, None]) / (2 * np.pi / min(lx, ly)) + 0.5).astype(int)
                return np.bincount(b.ravel(), f.ravel())
            pm, po = shells(m), shells(out)
            close(po, pm, rtol=0, atol=1e-10 * pm.sum())
            close(out.mean(), m.mean(), rtol=1e-13)

    def test_surrogate_null_and_shuffles(self):
        n = 32
        with gf.Arena(1.0, 1.0, n, n, "walled") as a, gf.Scorer(a) as s:
            x = (np.arange(n) + 0.5) / n - 0.5
            X, Y = np.meshgrid(x, x)
            k = 4 * np.pi / (np.sqrt(3) * 0.3)
            hexm = sum(np.cos(k * (np.cos(t) * X + np.sin(t) * Y)) for t in (0.5, 0.5 + 2 * np.pi / 3,
                                                                              0.5 + 4 * np.pi / 3))
            calls = []
            r = gf.surrogate_null(s, np.stack([hexm, np.cos(3 * X)]), shuffles=19, seed=2,
                                  progress=lambda d, t, v: calls.append(d))
            self.assertEqual(calls, [1, 2])
            self.assertEqual(r.null60.shape, (2, 19))
            close(r.score60, s.score(np.stack([hexm, np.cos(3 * X)]))[0], rtol=0)
            self.assertGreater(r.score60[0], r.threshold[0])
            self.assertEqual(r.threshold[1], np.sort(r.null60[1])[18])
            self.assertEqual(r.pop_threshold, np.sort(r.null60.ravel())[math.ceil(0.95 * 39) - 1])
            self.assertEqual(gf.get_null(s), (19, 95.0, 20.0))
            # a recording: 60 s at 10 Hz, lags >= 20 s; the rate maps of the
            # unshifted activity are ratemap_accumulate's
            rng = np.random.default_rng(9)
            t = np.arange(600)
            xy = np.stack([0.45 * np.sin(0.05 * t), 0.45 * np.cos(0.031 * t)], 1)
            act = rng.poisson(2.0, (600, 3)).astype(float)
            r = gf.shuffle_null(s, xy, act, 0.1, shuffles=19, seed=1)
            maps, _ = gf.ratemap_accumulate(a, xy, act)
            close(r.score60, s.score(maps)[0], rtol=0)
            r2 = gf.shuffle_null(s, xy, act, 0.1, shuffles=19, seed=1)
            self.assertTrue(np.array_equal(r.null60, r2.null60, equal_nan=True))
            with self.assertRaises(ValueError):
                gf.shuffle_null(s, xy, act[:-1], 0.1)            # mismatched lengths
            with self.assertRaises(gf.GridformError):
                gf.shuffle_null(s, xy, act, 0.1, shuffles=10)    # too few shuffles
            with self.assertRaises(gf.GridformError):
                gf.shuffle_null(s, xy, act, 0.05, shuffles=19)   # 30 s < 2 x 20 s
            with self.assertRaises(KeyError):
                gf.shuffle_null(s, xy, act, 0.1, shuffles=19, progress=lambda d, t, v: {}["stop"])


class TestIO(unittest.TestCase):
    def test_npy_image_wisdom(self):
        f = fixture()
        with tempfile.TemporaryDirectory() as d:
            g = np.random.default_rng(3).normal(size=(2, 5, 7))
            p = os.path.join(d, "g.npy")
            gf.npy_write(p, g)
            self.assertTrue(np.array_equal(np.load(p), g))      # NumPy reads the library's file
            self.assertTrue(np.array_equal(gf.npy_read(p), g))
            np.save(os.path.join(d, "f32.npy"), np.asfortranarray(g[0].astype(">f4")))
            self.assertTrue(np.array_equal(gf.npy_read(os.path.join(d, "f32.npy")),
                                           g[0].astype(np.float32).astype(np.float64)))
            # the C helper's arrays read back through the library's reader
            self.assertTrue(np.array_equal(gf.npy_read(os.path.join(REFDIR, "kernel_spectrum.npy")),
                                           refarr("kernel_spectrum")))
            lat = gf.lattice_synthesize(f.a, "hex", 9.81, 0.1, (0.3, 0.2))
            img = os.path.join(d, "image.ppm")
            gf.image_write_maps(img, np.stack([lat, f.map0]), ncols=2, scaling="symmetric", zoom=2)
            with open(img, "rb") as f1, open(os.path.join(REFDIR, "image.ppm"), "rb") as f2:
                self.assertEqual(f1.read(), f2.read())
            with self.assertRaises(gf.GridformError) as cm:
                gf.npy_read(os.path.join(d, "missing.npy"))
            self.assertEqual(cm.exception.code, gf.EIO)
            w1, w2 = os.path.join(d, "w1"), os.path.join(d, "w2")
            gf.wisdom_export(w1)
            gf.wisdom_forget()
            gf.wisdom_import(w1)
            gf.wisdom_export(w2)
            with open(w1, "rb") as f1, open(w2, "rb") as f2:
                self.assertEqual(f1.read(), f2.read())
            with open(w2, "w") as fh:
                fh.write("not wisdom\n")
            with self.assertRaises(gf.GridformError) as cm:
                gf.wisdom_import(w2)
            self.assertEqual(cm.exception.code, gf.EFORMAT)


def main():
    global REFDIR
    if len(sys.argv) < 2:
        print("usage: python_package.py PYTHON_REF", file=sys.stderr)
        return 2
    refprog = sys.argv.pop(1)
    with tempfile.TemporaryDirectory() as d:
        REFDIR = d
        out = subprocess.run([refprog, d], check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
        for line in out.splitlines():
            parts = line.split()
            REF[parts[0]] = parts[1:]
        prog = unittest.main(exit=False, verbosity=1)
        ok = prog.result.wasSuccessful()
        if ok and _lib._TRACE:
            missing = sorted(set(_lib.BOUND) - _lib.CALLED)
            if missing:
                print("FAIL: bound C functions never called by this test: " + ", ".join(missing))
                ok = False
            else:
                print("every one of the %d bound C functions was called" % len(_lib.BOUND))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
