#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_config (tests/fuzz/corpus_config/).

Input layout (see fuzz_config.c): byte 0 global flags (1 hostile raw
doubles, 2 inject an allocation failure, 4 files, 8 FFTW wisdom, 16 two
learner threads), bytes 1-2 which allocation fails, then nine chunks
(arena, place code, kernel, learner, attractor, amplitude, lattice,
scorer, files), each a length byte and its fields in the order the stage
reads them.  The writers below mirror the readers field for field.

Seeds: the demo configuration, the reproducers of issue 12 (B1: nx > ny
with a user DoG tuning; B2: a softmax code in the attractor; W4: the
linear network at the default gain; W1: extreme map scales; W3: a map of
two valid bins), every tuning, kernel mode and flag, learner and
attractor option, commensurate and walled arenas, the smallest and
largest arenas, hostile values and allocation failures."""
import base64
import math
import os
import struct

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus_config")
os.makedirs(out, exist_ok=True)

PERIODIC, WALLED = 1, 2
GAUSS, DOG, SOFTMAX, USER = 1, 2, 3, 4
LINEAR, RELU, SOFT, TANH = 1, 2, 3, 4


class Chunk:
    """Field writers mirroring the readers of fuzz_config.c."""

    def __init__(self):
        self.b = bytearray()

    def u8(self, v):
        self.b.append(int(v) & 255)
        return self

    def u16(self, v):
        v = int(v) & 0xFFFF
        self.b += bytes([v & 255, v >> 8])
        return self

    def logu(self, lo, hi, v):   # lo * (hi/lo)^(u/65535)
        v = min(max(v, lo), hi)
        return self.u16(round(65535 * math.log(v / lo) / math.log(hi / lo)))

    def lin(self, lo, hi, v):    # lo + (hi - lo) u/255
        v = min(max(v, lo), hi)
        return self.u8(round(255 * (v - lo) / (hi - lo)))

    def raw(self, v):
        self.b += struct.pack("<d", v)
        return self

    def param(self, lo, hi, v):  # selector 0 + logu, or 255 + raw (hostile inputs)
        if isinstance(v, tuple):
            return self.u8(255).raw(v[0])
        return self.u8(0).logu(lo, hi, v)


def arena(nx, ny, lx=2.2, ly=2.2, boundary=PERIODIC, commensurate=None, raw_lx=None, polygon=None, mask=None):
    """polygon: (radii in [0.05, 0.5] of a star around the origin, hole
    radius or None); mask: (ellipse fraction in [0.1, 1.2], wall length or
    None).  Both need boundary=WALLED (issue 22)."""
    c = Chunk().u8(nx - 2).u8(ny - 2)
    shape = 1 if raw_lx is not None else 0
    c.u8(shape)
    if raw_lx is not None:
        c.raw(raw_lx)
    else:
        c.logu(0.05, 20.0, lx)
    c.logu(0.05, 20.0, ly)
    b = 2 if boundary == WALLED else 0
    if commensurate is not None:
        b |= 12
    elif polygon is not None:
        b |= 4
    elif mask is not None:
        b |= 8
    c.u8(b)
    if commensurate is not None:
        k, periods = commensurate
        c.param(1.0, 60.0, k).u8(periods - 1)
    elif polygon is not None:
        radii, hole = polygon
        c.u8(len(radii) - 3)
        for rad in radii:
            c.lin(0.0, 0.9, 0.0).lin(0.05, 0.5, rad)
        c.u8(1 if hole is not None else 0)
        if hole is not None:
            c.lin(0.01, 0.2, hole)
    elif mask is not None:
        fr, wall = mask
        c.lin(0.1, 1.2, fr).u8(0 if wall is None else 1 | (wall << 1))
    return c


def placecode(tuning=DOG, sigma=0.12, s=2.0, ncells=64, layout="lattice", seed=1, user_kind=0,
              user_aniso=1.0, centers=None, npos=4, geodesic=False):
    c = Chunk().u8(tuning - 1).param(0.01, 1.0, sigma).param(0.05, 8.0, s - 1.0).u8(ncells - 1)
    # the layout is the byte mod 3; 0x40 asks for geodesic distance
    c.u8(({"lattice": 66, "user": 64, "random": 65} if geodesic else {"lattice": 0, "user": 1, "random": 2})[layout])
    c.u8(seed)
    if tuning == USER:
        c.u8(user_kind)
        if user_kind == 2:
            c.lin(0.5, 2.0, user_aniso)
    if layout == "user":
        for (x, y) in centers:
            c.lin(-0.6, 0.6, x).lin(-0.6, 0.6, y)
    c.u8(npos - 1)
    for i in range(npos):
        c.lin(-0.7, 0.7, 0.3 * math.cos(i)).lin(-0.7, 0.7, 0.3 * math.sin(i))
    return c


def kernel(kind="fourier", centered=False, set_centered=None, radial=(0, 0.12, 2.0, 9.8), k0=9.8,
           shells=6, seed=3):
    kinds = {"fourier": 0, "exact": 1, "averaged": 2, "radial": 3, "spectrum": 4, "uniform": 1}
    m = kinds[kind] | (0x40 if kind == "uniform" else 0)
    if centered:
        m |= 0x80
    if set_centered is not None:
        m |= 0x20 | (0x10 if set_centered else 0)
    c = Chunk().u8(m)
    if kind == "radial":
        rk, sg, sr, rk0 = radial
        c.u8(rk).logu(0.01, 1.0, sg).logu(0.05, 8.0, sr - 1.0).logu(0.5, 60.0, rk0).raw(float("nan"))
    elif kind == "spectrum":
        c.logu(0.5, 60.0, k0).u8(seed)
    c.u8(seed)                              # kernel_apply input
    c.logu(0.1, 100.0, 5.0).logu(0.1, 100.0, 15.0)
    c.u8(shells)
    return c


def learner(nmaps=4, nl=RELU, coupling=1, integrator=2, strength=1.0, step=None, planning=0, seed=7,
            amplitude=0.01, set_maps=False, steps=3, cancel=0, max_steps=4, tol=1e-6, progress=True,
            single=False, truncation=None, active_set=None):
    c = Chunk().u8(nmaps - 1)
    o = (nl - 1) | ((coupling - 1) << 2) | ((integrator - 1) << 4)
    if step is not None:
        o |= 0x20
    o |= planning << 6
    if progress:
        o |= 1 if (nl - 1) & 1 else 0    # bit 0 is also the nonlinearity's low bit
    c.u8(o).param(1e-3, 10.0, strength)
    if step is not None:
        c.param(0.01, 3.0, step)
    c.u8(seed).param(1e-6, 10.0, amplitude)
    mb = (1 if set_maps else 0) | (2 if single else 0)
    if truncation is not None:
        mb |= 4 | ((31 if truncation == 0 else truncation) << 3)
    c.u8(mb)
    if set_maps:
        c.u8(seed)
    c.u8(steps).u8(cancel).u8(max_steps - 1).logu(1e-8, 1.0, tol)
    if active_set is not None:   # the trailing byte: then ACTIVE_SET for 1 + active_set steps
        c.u8(1 | (active_set << 1))
    return c


def attractor(gain=None, tau=None, dt=None, b=None, nl=RELU, velocity=None, single=False, rates=False,
              seed=5, amplitude=0.01, steps=20, cancel=0, max_steps=20, tol=1e-5, more=5):
    o = (1 if gain is not None else 0) | (2 if tau is not None else 0) | (4 if dt is not None else 0) \
        | (8 if b is not None else 0) | (0x40 if velocity else 0) | (0x80 if single else 0)
    c = Chunk().u8(o)
    if gain is not None:
        c.param(0.01, 5.0, gain)
    if tau is not None:
        c.param(1e-3, 1.0, tau)
    if dt is not None:
        c.param(1e-4, 0.1, dt)
    if b is not None:
        c.lin(-2, 2, b)
    c.u8(nl % 5)
    if velocity:
        shift, alpha, vx, vy = velocity
        c.param(1e-4, 1.0, shift).lin(-1, 1, alpha).lin(-1, 1, vx).lin(-1, 1, vy)
    c.u8(1 if rates else 0)
    if rates:
        c.u8(seed)
    else:
        c.u8(seed).param(1e-6, 1.0, amplitude)
    c.u8(steps).u8(cancel).u8(max_steps - 1).logu(1e-8, 1.0, tol).u8(more)
    return c


def amplitude(from_kernel=True, nl=RELU, strength=1.0, coef=(0.1, 0.5, 1.0, 2.0), state=None, seed=2,
              amp=0.01, dt=0.05, steps=40, tol=0.01):
    o = (1 if from_kernel else 0) | ((nl % 5) << 1) | (0x10 if state else 0)
    c = Chunk().u8(o).param(1e-3, 10.0, strength)
    mu, ga, g0, g1 = coef
    c.lin(-1, 1, mu).lin(-1, 1, ga).param(1e-3, 10.0, g0).lin(-2, 2, g1)
    if state:
        for v in state:
            c.lin(-1, 1, v)
    else:
        c.u8(seed).param(1e-6, 1.0, amp)
    c.param(1e-3, 1.0, dt).u8(steps).param(1e-6, 0.5, tol)
    return c


def lattice(kind=1, k=9.8, angle=0.3, nl=RELU, phase=(0.1, -0.2), strength=1.0, seed=4):
    c = Chunk().u8((kind - 1) | ((nl % 5) << 2)).param(0.5, 80.0, k).lin(-4, 4, angle)   # kind in bits 0-1
    c.lin(-1, 1, phase[0]).lin(-1, 1, phase[1]).param(1e-3, 10.0, strength).u8(seed)
    return c


def scorer(variant=None, annuli=None, boundary=None, min_overlap=None, holes=0, scale=None, kk=1.2,
           seed=6, modules=(0, 6, 0.3), npos=200, ncells=2, min_occ=0.0, unit_var=False, no_orientation=False,
           nan_position=False, auto_annuli=None):
    o = 0
    if variant is not None:
        o |= 1 | (2 if variant == "minmax" else 0)
    if annuli is not None:
        o |= 4
    if boundary is not None:
        o |= 8 | (16 if boundary == PERIODIC else 0)
    if min_overlap is not None:
        o |= 32
    if scale is not None:
        o |= 128
    o2 = (1 if unit_var else 0) | (2 if no_orientation else 0) | (4 if nan_position else 0)
    if auto_annuli is not None:
        o2 |= 8 | (16 if auto_annuli else 0)
    c = Chunk().u8(o).u8(o2)
    if variant is not None and variant != "minmax":
        c.u8(variant)
    if annuli is not None:
        a, b, cc, n = annuli
        c.lin(0, 0.4, a).lin(0.2, 0.8, b).lin(0.5, 1.6, cc).u8(n - 1)
    if min_overlap is not None:
        c.u8(min_overlap)
    c.lin(0, 3, kk).u8(seed).u8(holes)
    if scale is not None:
        c.lin(-300, 300, scale)
    for i in range(3):
        c.logu(0.1, 3.0, 0.4 * 1.4 ** i).lin(0, 1.1, 0.2).lin(-1, 2, 0.8)
    mo, maxmod, minscore = modules
    c.u8(mo).u8(maxmod).lin(-1, 2, minscore)
    c.u8(npos - 1).u8(ncells - 1).u8(seed).lin(0, 3, min_occ)
    return c


def files(ncols=1, scaling=1, zoom=2):
    return Chunk().u8((ncols - 1) | (scaling << 2) | ((zoom - 1) << 4))


def put(name, flags=0, fail_at=0, a=None, p=None, k=None, l=None, at=None, am=None, la=None, s=None, f=None):
    stages = [a or arena(24, 24), p or placecode(), k or kernel(), l or learner(), at or attractor(),
              am or amplitude(), la or lattice(), s or scorer(), f or files()]
    data = bytearray([flags & 255, fail_at & 255, fail_at >> 8])
    for st in stages:
        assert len(st.b) <= 255, (name, len(st.b))
        data.append(len(st.b))
        data += st.b
    with open(os.path.join(out, name), "wb") as fh:
        fh.write(bytes(data))


# The demo: a DoG code on a periodic 2.2 m square, Fourier kernel, ReLU maps.
put("demo_dog_square")
# Issue 12, B1: nx > ny with a user DoG tuning (the reproducer was 64 x 48,
# 2.2 x 1.1 m; here 48 x 36), through the ring, the profile and the network.
put("b1_user_dog_nx_gt_ny", a=arena(48, 36, 2.2, 1.1), p=placecode(USER, user_kind=0))
put("b1_user_aniso_nx_gt_ny_walled", a=arena(40, 17, 2.0, 0.9, WALLED),
    p=placecode(USER, user_kind=2, user_aniso=1.5), k=kernel("exact"))
put("b1_user_gauss_nx_gt_ny", a=arena(33, 20, 1.6, 1.3), p=placecode(USER, user_kind=1))
put("b1_softmax_nx_gt_ny", a=arena(44, 30, 2.2, 1.5), p=placecode(SOFTMAX, ncells=64))
# B2: every softmax code reaches the attractor's refusal.
put("b2_softmax_attractor", a=arena(24, 24), p=placecode(SOFTMAX, ncells=36))
# W4: the linear network at the default gain runs away; TANH settles.
put("w4_linear_default_gain", at=attractor(nl=LINEAR, steps=39, max_steps=40, dt=0.01))
put("w4_tanh_default", at=attractor(nl=TANH, steps=39, max_steps=40))
put("w4_tanh_b0_single", at=attractor(nl=TANH, b=0.0, gain=1.5, single=True))
put("w4_relu_huge_gain", at=attractor(gain=4.9, dt=0.01, steps=39))
# W1: maps at extreme scales; W3: maps with almost no valid bins.
put("w1_scale_tiny", s=scorer(scale=-290))
put("w1_scale_huge", s=scorer(scale=290))
put("w3_holes", a=arena(12, 9, 1.2, 0.9, WALLED), s=scorer(holes=1))
# Issue 22: arenas of any shape, geodesic codes, the UNIFORM kernel.
put("shape_polygon_hole_geodesic_exact", a=arena(24, 20, 2.0, 1.6, WALLED, polygon=([0.45, 0.3, 0.45, 0.35, 0.45], 0.1)),
    p=placecode(DOG, layout="random", geodesic=True), k=kernel("exact"))
put("shape_mask_wall_uniform", a=arena(20, 20, 1.5, 1.5, WALLED, mask=(1.0, 12)),
    p=placecode(DOG, layout="random"), k=kernel("uniform", centered=True))
put("shape_star_lattice_geodesic_mask", a=arena(18, 26, 1.2, 1.9, WALLED, mask=(0.8, None)),
    p=placecode(GAUSS, geodesic=True), k=kernel("exact", centered=True))
# Kernel modes and flags.
put("kernel_exact", k=kernel("exact"))
put("kernel_averaged_walled", a=arena(20, 16, 2.0, 1.6, WALLED), k=kernel("averaged"))
put("kernel_averaged_centered", k=kernel("averaged", centered=True))
put("kernel_fourier_set_centered", k=kernel("fourier", set_centered=True))
put("kernel_radial", k=kernel("radial", radial=(0, 0.12, 2.0, 9.8)))
put("kernel_radial_band", k=kernel("radial", radial=(1, 0.12, 2.0, 12.0)))
put("kernel_spectrum", k=kernel("spectrum", k0=11.0))
put("kernel_gaussian_no_ring", p=placecode(GAUSS, sigma=0.2))
# Learner options.
put("learner_sanger_euler_step", l=learner(coupling=2, integrator=1, step=0.5))
put("learner_symmetric_soft", l=learner(nl=SOFT, coupling=3, strength=3.0))
put("learner_tanh_linear_threads", flags=16, l=learner(nl=TANH, nmaps=3, steps=5))
put("learner_set_maps_cancel", l=learner(set_maps=True, cancel=1, nl=LINEAR))
put("learner_measure_small", a=arena(12, 10, 1.2, 1.0), l=learner(planning=1))
put("learner_big_step_diverges", l=learner(integrator=1, step=2.9, steps=5))
put("learner_single_truncated", l=learner(single=True, truncation=6, coupling=3))
put("learner_single_no_truncation_sanger", l=learner(single=True, truncation=0, coupling=2, integrator=1))
put("learner_active_set_relu", l=learner(active_set=3))
put("learner_active_set_linear_single_threads", flags=16, l=learner(nl=LINEAR, single=True, active_set=2))
put("learner_active_set_refused_sanger", l=learner(coupling=2, active_set=1))
# Attractor options.
put("attractor_velocity", at=attractor(velocity=(0.02, 0.1, 0.5, -0.3), steps=30, more=9))
put("attractor_rates_set_single", at=attractor(rates=True, single=True, tau=0.02, dt=0.002))
# Arenas: commensurate, smallest, thinnest, largest.
put("arena_commensurate", a=arena(32, 32, commensurate=(9.8, 3)))
put("arena_commensurate_walled", a=arena(30, 30, boundary=WALLED, commensurate=(12.0, 4)))
put("arena_2x2", a=arena(2, 2, 0.3, 0.3))
put("arena_48x2", a=arena(48, 2, 2.2, 0.1))
put("arena_2x48", a=arena(2, 48, 0.1, 2.2))
put("arena_48x48_walled", a=arena(48, 48, 2.2, 2.2, WALLED))
put("placecode_user_centers", p=placecode(DOG, ncells=6, layout="user",
                                          centers=[(0.1 * i - 0.25, 0.05 * i) for i in range(6)]))
put("placecode_random", p=placecode(DOG, ncells=50, layout="random", seed=9))
# Scorer options, rate maps, modules.
put("scorer_minmax_annuli", s=scorer(variant="minmax", annuli=(0.1, 0.3, 0.9, 5), min_overlap=10))
put("scorer_periodic_override", a=arena(24, 20, 2.2, 1.8, WALLED), s=scorer(boundary=PERIODIC, unit_var=True))
put("scorer_modules", s=scorer(modules=(1 | 2 | 4, 4, 0.1)))
put("scorer_auto_annuli_walled", a=arena(30, 24, 2.2, 1.8, WALLED), s=scorer(auto_annuli=True))
put("scorer_fixed_annuli_periodic", s=scorer(auto_annuli=False, annuli=(0.2, 0.4, 1.0, 10)))
put("scorer_modules_spacing_only", s=scorer(modules=(1, 3, 0.0), no_orientation=True, nan_position=True))
put("amplitude_coefficients_state", am=amplitude(from_kernel=False, state=[0.1, 0, 0.1, 0.05, 0.1, -0.05]))
put("amplitude_tanh_kernel", am=amplitude(nl=TANH))
put("lattice_square_stripes", la=lattice(kind=2, k=14.0))
put("lattice_stripes", la=lattice(kind=3, k=6.0, angle=1.0))
# Files and FFTW wisdom.
put("files_npy_png", flags=4, f=files(ncols=2, scaling=3, zoom=3))
put("wisdom", flags=8)
# Hostile values (raw doubles) and allocation failures.
put("hostile_raw_lx", flags=1, a=arena(16, 12, raw_lx=float("inf")))
put("hostile_sigma", flags=1, p=placecode(DOG, sigma=(5e-324,)))
put("hostile_attractor_gain", flags=1, at=attractor(gain=(1e300,), steps=3))
for n in (1, 5, 17, 40, 90, 160):
    put("alloc_fail_%d" % n, flags=2, fail_at=n - 1)
put("alloc_fail_b1", flags=2, fail_at=30, a=arena(48, 36, 2.2, 1.1), p=placecode(USER))
# Regressions: inputs that found bugs.  An arena of ly = 1e-300-ish m whose
# lattice wavenumbers overflowed (gridform_arena_wavevectors returned Inf
# with GRIDFORM_OK; now GRIDFORM_ERANGE at create): the arena chunk as the
# fuzzer found it.
put("regress_arena_tiny_ly", a=Chunk().u8(0x16).u8(0x6E).u8(0x16).u8(0x00).u8(0xB0).u8(0xA1).u8(0xB0).u8(0xA1))
# A softmax code of width 0.018 m in a box of 5e252 m: Sigma~(0) was Inf
# with GRIDFORM_OK (now GRIDFORM_ERANGE at gridform_kernel_create).  The
# input as the fuzzer found it (base64; its middle is text from FFTW's
# wisdom that a mutation copied in).
with open(os.path.join(out, "regress_kernel_softmax_huge_box"), "wb") as fh:
    fh.write(base64.b64decode(
        "AAAAMAgWFgCwobAgIChmZnR3X3JkZnRfcmFuazBfcmVnaXN0ZXIgNSAjeDMxYmZmICN4MzFiZmYgI3gwICN4ZWNmODhiNGYg"
        "I3hkBQD/v4y/AP+//wIAqqoA+pAoAK6zCwgAF5aJjGYA/78EGAAAZgYAV2gumauBLpn+mi6ZAAZuxwEGAAEU"))
# An arena of 0.76 x 8.4e242 m: the attractor's displacement came out NaN
# with GRIDFORM_OK (its tracked wavevectors squared underflow); such
# arenas are now GRIDFORM_ERANGE.
with open(os.path.join(out, "regress_attractor_displacement_huge_box"), "wb") as fh:
    fh.write(base64.b64decode(
        "AAAAICAoZmZ0d19yZGZ0X3JhbmswX5hyZWdpc3RlciA1ICN4MzFiZmYgI3gzMWJmZiAjeDAgI3g1ZmYyZmNmYzI3ICN4ZQgWFgCw"
        "obChABMgIChmZnR3X2RmdF92cmFua19nZXEyX3JlZ2lzdGVyIDAgI3gzMGJmZiAjeDMwYmZmICN4MCAjeAA5M2ZmLmI5NQ=="))
# Issue 22, found by fuzz_config once it built shaped arenas: a lattice code
# too dense for a tiny shape was refused with a message naming a private
# helper (now gridform_placecode_create), and a shape in a box of extreme
# aspect ratio made the lattice search convert 3e73 to size_t (UB; the
# search now stays in the inside bins' bounding box under a point budget).
with open(os.path.join(out, "regress_shape_lattice_too_dense"), "wb") as fh:
    fh.write(base64.b64decode("AAAACBYBAAACIChmZnR3X2NvZGVsZ4yMjIyMjIx0X3QxYnZfMTKknomH38/f3HgzMGJmAAAACBYWALChsKEAEwEAIooAG5c/AAEDtoCdrWmxSYcWAwAiihuXG58AAAAA/w/4fwP6kLG5Bg8DEQD/vwcASZIAAwADAEANAAIAZgAABQCqqg=="))
with open(os.path.join(out, "regress_shape_lattice_extreme_aspect"), "wb") as fh:
    fh.write(base64.b64decode("AAAAPwgWEgCwoR2ZAhMBACKqBwATAGAFFQUAAAD/vwAAACU/CBEAFgAAAAAAAAAAAAAAAAAAAAAAAAAAABIWEgCwoR2ZAhMBACKqBwATAGAFFQUA/78AJQAAAAA/CBYSALChHZkCEwEAIqoHABMAYAUVBQD/YAUVBQAAAP+/AAAiqgcAEwBgBRUFAP+/AAAlAAAAAAAAJaE="))
# Round 0.3's crasher inputs, as the fuzzer found them (base64), each a
# regression test in tests/check_regressions.c or of fuzz_config itself:
#   a SPECTRUM kernel whose bin 2 of a 2 x 2 lattice (its own mirror) is
#   -1.5e308: the mirror average (a + b) / 2 was -Inf with GRIDFORM_OK;
#   SOFT of strength 7.7e151, Sanger, Euler: the fixed-step normalisation
#   made -Inf maps with GRIDFORM_OK (then maps of norm 0.96);
#   TANH of strength 7.7e151 in single precision: maps of 0, then NaN;
#   a single-precision learner holding maps beyond float: Inf maps;
#   a single-precision network whose rates left float: Inf rates;
#   three ETD runs that end in the documented GRIDFORM_EACCURACY (an EXACT
#   kernel with TANH 7.7e151, the symmetric coupling, a walled box), which
#   fuzz_config once refused;
#   an attractor interval of many tau (legal, but 80000 steps: a timeout),
#   which fuzz_config now skips.
for name, b64 in (
        ("regress_kernel_spectrum_self_mirror",
         "LQAAACMkICggICAoZmZ0d19jb2RlbGV0X3INAD8AAAjk6f9PkLG56urq6urq6urq6urq6ur/////ZiAjeDAgI3g1MGJkM2NiAAAAADJj"
         "IyMjIyMjIwBmAAAIXw=="),
        ("regress_learner_soft_huge_strength",
         "LQATAAAjJCAoZmZ0d/9nZXEyBXJlAAEDgLaNrWmx+gAAhwNJAAeQsbkLAAb///8AIyR0d19jbzBkZWxldF9uMWZ2XzNfYXZ4IDAgI3gz"
         "MWJmZiAjeDMxYmZmICN4MCAjeDdlNWQwNDdlICN4YjiKABuXPwABA4C2ja1psfoAAIcDSQAHkLG5CwAG////ACMI/xD///8J//8AIwH/"
         "/xYW//8="),
        ("regress_learner_tanh_huge_strength_single",
         "LQAAAA0kIHkAAAAAAAAA/xADEAAAAAr//////v///////v//////ICAoZmZ0d19jb2RlbGV0X3IyY2JfMiAyICN4AAAAAAAAAA0zMGJm"
         "ZiAjeDD/////ZGE1YzRmMSAjeGU0Yl8yIDIgI3gzMGJmZiClODdjOf9fciN4M3FiZmYAAAAAAAABA7YAIwH//xYW/f8="),
        ("regress_learner_single_maps_beyond_float",
         "DQAAAAAIFgsIACAAAABADQACAQgA/wEAAAgWUlJSUlIWALChKbChALChKbChADAfYmQzY2JfchMBACL/Yv//////////////////////"
         "////////////////////////////////////////////////////ZP8="),
        ("regress_attractor_single_rates_beyond_float",
         "AQAACBYWALChsKEAEwEAIooAG5cA/78HAEmSAAMAOwMAAP///////wCZAAaaxwEGAAEUZv//AQD///////wAAAAAAP///wD/vwRobpmr"
         "gS6Z/poumQAGbscBBgABFA=="),
        ("regress_learner_etd_eaccuracy_exact_tanh",
         "AQAACBYhALChsKEAEwEjIyMjI52tabtJfof//////v8hISEhISEuEQCdnX97AGYGAFf//////////////////////////yAgKGZmdHdf"
         "ZGZ0X3ZyYW5rX2dlcTFfcmVnaXN0ZXIgMCAjeDMxYmZmICN4MzFiZmYgI3gwICN4MjgzYTM0NmL//////wAhBwB6A/qQsbkGDwMhISEh"
         "ISEhLhEA"),
        ("regress_learner_etd_eaccuracy_symmetric",
         "AAAACBYWVACwobChABMBAAAAAAAAIiAgKGZmdHdfcmRmdDJfdnJhbmtfZ2VxMV9yZWdpc3RlciAwICN4MzFiZmYgI3gzMWJmZiAjeDAg"
         "I3hjN2VlY2S/AP+//wIAqqoA+pAoAK6zCwoAV32fjGYA/78EGAAAZgYAV2gumauBLpn+mi6ZAAZuxwEGAAEU"),
        ("regress_learner_etd_eaccuracy_walled", "AQAACBYWAACQsbkGAAGt////9f//vf//F5CxvAYAAA=="),
        ("regress_attractor_slow_interval",
         "AAAACBYWALChsKEAEwAAiKYAG5c/AAEDtoCdrWmxSYcHKQAD+pCxuwYP7+/v7+/v7+/v7+8AAAAA7+/v7+/v7+/v7+/v7+/v7+/v7+/v"
         "7+/v7+/v7+/v7+/v7/+/BwBJkgADAAMAQA0AAgAFAKqqFAATAGAFFQUA/7+MvwD/v/8CAKqqAPqQKACuswsIABeWiYxmASlKCQAQABeW"
         "iYxmAA==")):
    with open(os.path.join(out, name), "wb") as fh:
        fh.write(base64.b64decode(b64))
