#!/usr/bin/env python3
"""The gridform-hexgrid demo (tools/gridform-hexgrid.c) from Python through the gridform
package: grid maps learned from a difference-of-Gaussians place code,
rectified (RELU) against the LINEAR control, scored, and written as
PREFIX.npy, PREFIX.png and PREFIX_sac.png.

It makes the same library calls in the same order as the C demo, so the
same options and seed give the same numbers; --check runs the C demo with
the same options and fails unless its printed table and summary lines are
identical and its maps equal these bit for bit.

    python3 examples/python/demo.py                 # the default demo
    python3 examples/python/demo.py --maps 4 --n 32 --box 2.2 --steps 40 \\
        --check --builddir .                         # compare with the C demo

after `make install` (which installs the gridform package); from a build
tree without installing, point Python at the package and the library:

    PYTHONPATH=python GRIDFORM_LIB=lib/.libs/libgridform.so \\
        python3 examples/python/demo.py
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

import gridform as gf

NL_NAME = {"relu": "RELU", "soft": "SOFT", "tanh": "TANH", "linear": "LINEAR"}


def positive(kind):
    def conv(s):
        v = kind(s)
        if not v > 0:
            raise argparse.ArgumentTypeError("must be > 0, got %s" % s)
        return v
    return conv


def parse():
    p = argparse.ArgumentParser(description="Learn grid maps from a DoG place code and score them "
                                            "(gridform-hexgrid through the Python binding).")
    p.add_argument("--sigma", type=positive(float), default=0.12, help="place-field width sigma in metres (0.12)")
    p.add_argument("--surround", type=float, default=2.0, help="surround variance ratio s > 1 (2)")
    p.add_argument("--box", type=positive(float), default=4.4, help="side of the periodic arena in metres (4.4)")
    p.add_argument("--n", type=int, default=64, help="grid points per side (64)")
    p.add_argument("--maps", type=positive(int), default=32, help="number of maps (32)")
    p.add_argument("--steps", type=positive(int), default=5000, help="maximum number of learning steps (5000)")
    p.add_argument("--seed", type=int, default=1, help="seed of the random initial maps (1)")
    p.add_argument("--nonlinearity", choices=sorted(NL_NAME), default="relu", help="(relu)")
    p.add_argument("--integrator", choices=["etd", "exponential", "euler"], default="etd", help="(etd)")
    p.add_argument("--commensurate", action="store_true", help="fit the box to the predicted hexagonal lattice")
    p.add_argument("--prefix", default="hexgrid_py", help="output prefix (hexgrid_py)")
    p.add_argument("--check", action="store_true",
                   help="run the C demo with the same options and compare (needs --builddir)")
    p.add_argument("--builddir", default=".", help="build tree holding tools/gridform-hexgrid (.)")
    o = p.parse_args()
    if not o.surround > 1:
        p.error("--surround must be > 1")
    if o.n < 8:
        p.error("--n must be >= 8")
    return o


def learn(o, k, nl):
    """The C demo's learn(): returns (maps, steps, total objective)."""
    lrn = gf.Learner(k, o.maps)
    lim = lrn.euler_limit
    lrn.set_nonlinearity(nl, 50.0 / lim if nl == "soft" else 1.0 if nl == "tanh" else 0.0)
    lrn.set_integrator(o.integrator)
    lrn.seed(o.seed, 1.0)
    tty = sys.stderr.isatty()

    def bar(done, total, value):
        fill = int(40 * done / total) if total else 40
        sys.stderr.write("\r%-7s [%s] %d/%d  objective %.6g " % (NL_NAME[nl], "#" * fill + "." * (40 - fill),
                                                                 done, total, value))
        sys.stderr.flush()
        return False
    lrn.run(o.steps, 1e-4, bar if tty else None)
    if tty:
        sys.stderr.write("\n")
    _, steps = lrn.time
    _, total = lrn.objective()
    maps = lrn.get_maps()
    lrn.close()
    return maps, steps, total


def median(v):
    v = v[~np.isnan(v)]
    if v.size == 0:
        return float("nan")
    v = np.sort(v)
    m = v.size
    return float(v[m // 2]) if m % 2 else 0.5 * (float(v[m // 2 - 1]) + float(v[m // 2]))


def score_maps(sc, maps):
    s60, s90, sp, th = sc.score(maps)
    dk = np.array([sc.dominant_k(m) for m in maps])
    return s60, s90, sp, th, dk


def summary(name, s, nmaps, steps, kstar, spacing):
    s60, s90, sp, _, dk = s
    above = int(np.sum(s60 >= 0.37))
    return ("%-7s median score60 %6.3f, %d/%d maps >= 0.37, median score90 %6.3f, "
            "median spacing %.3f m (predicted %.3f), median dominant k %.2f rad/m (k* %.2f), %d steps"
            % (name, median(s60), above, nmaps, median(s90), median(sp), spacing, median(dk), kstar, steps))


def run(o):
    """The demo; returns (printed lines, RELU-or-chosen maps)."""
    lines = []
    kc = math.sqrt(2.0 * math.log(o.surround) / (o.sigma * o.sigma * (o.surround - 1.0)))
    ac = 4.0 * math.pi / (math.sqrt(3.0) * kc)
    if o.commensurate:
        # the box that holds the predicted lattice exactly, about --box wide,
        # in gridform_arena_create_commensurate's orientation (as hexgrid)
        periods = max(1.0, round(o.box / (math.sqrt(3.0) * ac)))
        arena = gf.Arena.commensurate(kc, int(periods), o.n, "periodic")
    else:
        arena = gf.Arena(o.box, o.box, o.n, o.n, "periodic")
    ny, nx = arena.shape
    lx, ly = arena.extent
    pc = gf.PlaceCode(arena, "dog", o.sigma, o.surround, 1024, "lattice", 1)
    k = gf.Kernel(pc, "fourier")
    sc = gf.Scorer(arena)
    kstar, spacing = k.ring()
    lmin = min(lx, ly)
    sc.set_annuli_m(0.5 * spacing, min(1.2 * spacing, lmin), min(2.5 * spacing, lmin), 10)
    lines.append("DoG place code: sigma %.3f m, surround ratio s %.3g; periodic box %.3f x %.3f m on %d x %d"
                 % (o.sigma, o.surround, lx, ly, nx, ny))
    lines.append("predicted ring k* = %.3f rad/m (continuum %.3f), wavelength %.3f m, hexagonal spacing %.3f m"
                 % (kstar, kc, 2.0 * math.pi / kstar, spacing))

    maps, steps, obj = learn(o, k, o.nonlinearity)
    control = o.nonlinearity != "linear"
    if control:
        ctrl, csteps, _ = learn(o, k, "linear")
    s = score_maps(sc, maps)
    shk, shv, _ = k.shells(1)
    lines.append("")
    lines.append("%s maps (%d steps; mean Rayleigh quotient %.6g, top eigenvalue %.6g at |k| = %.3f):"
                 % (NL_NAME[o.nonlinearity], steps, obj / o.maps, shv[0], shk[0]))
    lines.append("  map  score60  score90  spacing(m)  orient(deg)  dominant k(rad/m)")
    for j in range(o.maps):
        lines.append("  %3d  %7.3f  %7.3f  %10.3f  %11.1f  %17.3f"
                     % (j, s[0][j], s[1][j], s[2][j], s[3][j] * 180.0 / math.pi, s[4][j]))
    lines.append("")
    lines.append(summary(NL_NAME[o.nonlinearity], s, o.maps, steps, kstar, spacing))
    if control:
        lines.append(summary("LINEAR", score_maps(sc, ctrl), o.maps, csteps, kstar, spacing))

    sac = np.array([sc.autocorr(m) for m in maps])
    gf.npy_write(o.prefix + ".npy", maps)
    lines.append("")
    lines.append("wrote %s.npy" % o.prefix)
    ncols = min(o.maps, 8)
    for suffix, data, zoom, scaling in (("", maps, 2, "per_map"), ("_sac", sac, 1, "symmetric")):
        path = o.prefix + suffix + ".png"
        try:
            gf.image_write_maps(path, data, ncols, scaling, zoom)
        except gf.GridformError as e:
            if e.code != gf.EUNSUPPORTED:
                raise
            path = o.prefix + suffix + ".ppm"
            gf.image_write_maps(path, data, ncols, scaling, zoom)
        lines.append("wrote %s" % path)
    return lines, maps


def comparable(lines):
    """The lines both demos print identically (not the output file names)."""
    return [ln.replace("-nan", "nan") for ln in lines if not ln.startswith("wrote ")]


def check(o, lines, maps):
    exe = os.path.join(o.builddir, "tools", "gridform-hexgrid")
    if not os.path.exists(exe):
        print("demo.py --check: no C demo at %s" % exe, file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as d:
        args = [exe, "--sigma", repr(o.sigma), "--surround", repr(o.surround), "--box", repr(o.box),
                "--n", str(o.n), "--maps", str(o.maps), "--steps", str(o.steps), "--seed", str(o.seed),
                "--nonlinearity", o.nonlinearity, "--integrator", o.integrator, "--prefix", os.path.join(d, "c")]
        if o.commensurate:
            args.append("--commensurate")
        r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        if r.returncode != 0:
            print("demo.py --check: the C demo failed: %s" % r.stderr.strip(), file=sys.stderr)
            return 1
        cl = comparable(r.stdout.splitlines())
        pl = comparable(lines)
        bad = [(a, b) for a, b in zip(cl, pl) if a != b]
        if len(cl) != len(pl) or bad:
            print("demo.py --check: the C and Python demos differ:", file=sys.stderr)
            for a, b in bad[:10]:
                print("  C:      %s\n  Python: %s" % (a, b), file=sys.stderr)
            if len(cl) != len(pl):
                print("  %d lines from C, %d from Python" % (len(cl), len(pl)), file=sys.stderr)
            return 1
        cmaps = np.load(os.path.join(d, "c.npy"))
        if cmaps.shape != maps.shape or not np.array_equal(cmaps, maps):
            print("demo.py --check: the maps differ (max |diff| %g)"
                  % float(np.max(np.abs(cmaps - maps))) if cmaps.shape == maps.shape else "shapes differ",
                  file=sys.stderr)
            return 1
    summ = [ln for ln in pl if "median score60" in ln]
    print("demo.py --check: %d printed lines and %d maps identical to the C demo" % (len(pl), maps.shape[0]))
    for ln in summ:
        print("  " + ln)
    return 0


def main():
    o = parse()
    try:
        if o.check:
            with tempfile.TemporaryDirectory() as d:
                o.prefix = os.path.join(d, "py")
                lines, maps = run(o)
                return check(o, lines, maps)
        lines, _ = run(o)
    except gf.GridformError as e:
        print("demo.py: %s" % e, file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
