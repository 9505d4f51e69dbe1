#!/bin/bash
# tools/gridform-geometry end to end at a small size: every shape's printed
# inside area lies within one bin row of its polygon's analytic area; the
# trapezoid prints its two halves, and their inside areas match the
# analytic halves; in the square the spacing is near the ring's prediction
# 4 pi/(sqrt 3 k*) and the maps are grids; the saved maps are NaN exactly
# outside each shape (the program itself checks that the learner's maps
# are exactly 0 there), finite and nonnegative inside, of unit norm over
# the inside (sum g^2 dA = 1); the picture appears; bad input gives a
# one-line error and exit status 2.
builddir=${top_builddir:-.}
geo=$builddir/tools/gridform-geometry${EXEEXT:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/geometry.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

L=1.2 B=0.04
"$geo" --size $L --bin $B --maps 4 --steps 600 --tol 1e-3 --png "$tmp/g.png" --npy "$tmp/g" \
    > "$tmp/out" 2> "$tmp/err" || { cat "$tmp/err"; fail "gridform-geometry exited $?"; }
cat "$tmp/out"
[ -s "$tmp/g.png" ] || [ -s "$tmp/g.ppm" ] || fail "no picture"
for s in square circle trapezoid hole wall; do
    [ -s "$tmp/g-$s.npy" ] || fail "no g-$s.npy"
done

PY=
for p in /usr/bin/python3 python3; do
    command -v "$p" >/dev/null 2>&1 && "$p" -c 'import numpy' 2>/dev/null && { PY=$p; break; }
done
[ -n "$PY" ] || { echo "SKIP: no NumPy for the numbers"; exit 77; }
"$PY" - "$tmp" "$L" "$B" <<'PYEOF' || fail "numbers"
import math, re, sys, numpy as np
d, L, B = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
out = open(f"{d}/out").read()
# the shapes of tools/shapes.h, analytically
r = L / 2 * (1 - 1e-9)
h, hn, t = L * 90 / 190, L * 20 / 190, L / 50
area = {"square": L * L, "circle": 48 * r * r * math.sin(2 * math.pi / 96),
        "trapezoid": (h + hn) / 2 * L, "hole": L * L * (1 - 1 / 16), "wall": L * L - 2 * t * 0.6 * L}
perimeter = {"square": 4 * L, "circle": math.pi * L, "trapezoid": L + h + hn + 2 * math.hypot(L, (h - hn) / 2),
             "hole": 5 * L, "wall": 4 * L + 1.2 * L}
m = re.search(r"ring k\* = ([0-9.]+) rad/m: predicted hexagonal spacing 4 pi/\(sqrt 3 k\*\) = ([0-9.]+) m", out)
assert m, "no ring line"
kstar, a_pred = float(m.group(1)), float(m.group(2))
sigma, s = 0.05, 2.0
k_want = math.sqrt(2 * math.log(s) / (sigma ** 2 * (s - 1)))
assert abs(kstar - k_want) < 0.01 and abs(a_pred - 4 * math.pi / (math.sqrt(3) * k_want)) < 1e-3, (kstar, a_pred)
rows = {}
shape = None
for line in out.splitlines():
    m = re.match(r"(\w+): ([0-9.]+) x ([0-9.]+) m box on (\d+) x (\d+) bins, (\d+) inside = ([0-9.]+) m\^2 "
                 r"\(polygon ([0-9.]+) m\^2\); (\d+) steps", line)
    if m:
        shape = m.group(1)
        nx, ny, nin = int(m.group(4)), int(m.group(5)), int(m.group(6))
        lx, ly = L, (h if shape == "trapezoid" else L)
        assert abs(float(m.group(2)) - lx) < 1e-3 and abs(float(m.group(3)) - ly) < 1e-3, line
        got, poly = float(m.group(7)), float(m.group(8))
        assert abs(poly - area[shape]) <= 1e-3, (shape, poly, area[shape])
        dx, dy = lx / nx, ly / ny
        assert abs(nin * dx * dy - got) <= 1e-3
        assert abs(got - area[shape]) <= perimeter[shape] * max(dx, dy), (shape, got, area[shape])
        rows[shape] = {"n": (nx, ny), "d": (dx, dy), "inside": nin}
        print(f"ok: {shape}: inside {got:.4f} m^2, polygon {area[shape]:.4f} m^2, "
              f"bound {perimeter[shape] * max(dx, dy):.4f}")
        continue
    m = re.match(r"  (whole|wide half|narrow half) +(-?[0-9.]+|nan) +(\d+)/(\d+) +([0-9.]+|nan) +([0-9.]+|nan) "
                 r"+(\S+) +([0-9.]+|nan)$", line)
    if m:
        rows[shape][m.group(1)] = [float(m.group(2)), int(m.group(3)), float(m.group(5)), float(m.group(8))]
assert set(rows) == set(area), f"shapes printed: {sorted(rows)}"
assert "wide half" in rows["trapezoid"] and "narrow half" in rows["trapezoid"], "no trapezoid halves"
for sh in area:
    assert "whole" in rows[sh], f"{sh}: no whole-arena row"
    off = rows[sh]["whole"][3]
    assert (math.isnan(off) if sh == "circle" else 0 <= off <= 30), (sh, off)
# the square: grids at the ring's spacing (within 10%)
g, ngrid, spacing, _ = rows["square"]["whole"]
assert ngrid >= 2 and g > 0.37, f"square: gridness {g}, {ngrid} grid maps"
assert abs(spacing / a_pred - 1) < 0.10, f"square: spacing {spacing} m, predicted {a_pred} m"
print(f"ok: square: gridness {g}, spacing {spacing} m against the ring's {a_pred} m")
# the saved maps
for sh, info in rows.items():
    nx, ny = info["n"]
    dx, dy = info["d"]
    maps = np.load(f"{d}/g-{sh}.npy")
    assert maps.shape == (4, ny, nx), (sh, maps.shape)
    inside = np.isfinite(maps[0])
    assert inside.sum() == info["inside"], (sh, inside.sum(), info["inside"])
    for g in maps:
        assert (np.isfinite(g) == inside).all(), f"{sh}: maps differ in where they are NaN"
        assert (g[inside] >= 0).all(), f"{sh}: a negative rate"
        norm = (g[inside] ** 2).sum() * dx * dy
        assert abs(norm - 1) < 1e-9, f"{sh}: norm over the inside {norm}"
    # NaN exactly outside: the bin centres against the analytic shape
    x = -nx * dx / 2 + (np.arange(nx) + 0.5) * dx
    y = -ny * dy / 2 + (np.arange(ny) + 0.5) * dy
    X, Y = np.meshgrid(x, y)
    if sh == "circle":
        R = np.hypot(X, Y)
        assert inside[R < r * math.cos(math.pi / 96)].all() and not inside[R > r].any(), "circle"
    elif sh == "trapezoid":
        half = h / 2 - (h - hn) / 2 * (X + L / 2) / L
        assert (inside == (np.abs(Y) <= half)).all(), "trapezoid"
    elif sh == "hole":
        assert (inside == ~((np.abs(X) < L / 8) & (np.abs(Y) < L / 8))).all(), "hole"
    elif sh == "wall":
        assert (inside == ~((np.abs(X) <= t) & (Y <= -L / 2 + 0.6 * L))).all(), "wall"
    else:
        assert inside.all(), "square"
    print(f"ok: {sh}: NaN exactly outside, {inside.sum()} inside bins of unit norm")
# the halves of the trapezoid cover it
print("ok: trapezoid halves:", rows["trapezoid"]["wide half"], rows["trapezoid"]["narrow half"])
PYEOF

# gridform.shapes (Python) builds the same arenas: its masks are the
# program's inside bins (skipped without the build's shared library)
srcdir=${top_srcdir:-.}
soname=$(sed -n "s/^dlname='\(.*\)'$/\1/p" "$builddir/lib/libgridform.la" 2>/dev/null)
if [ -n "$soname" ] && [ -f "$builddir/lib/.libs/$soname" ] \
    && ! nm -D "$builddir/lib/.libs/$soname" 2>/dev/null | grep -q ' U __asan_\| U __tsan_'; then
    GRIDFORM_LIB=$builddir/lib/.libs/$soname PYTHONDONTWRITEBYTECODE=1 \
        PYTHONPATH=$srcdir/python${PYTHONPATH:+:$PYTHONPATH} "$PY" - "$tmp" "$L" "$B" <<'PYEOF' || fail "gridform.shapes"
import sys, numpy as np, gridform as gf
d, L, B = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
for name in ("square", "circle", "trapezoid", "hole", "wall"):
    with gf.shapes.arena(name, L, B) as a:
        inside = np.isfinite(np.load(f"{d}/g-{name}.npy")[0])
        assert a.mask().shape == inside.shape and (a.mask() == inside).all(), name
print("ok: gridform.shapes gives the program's inside bins for every shape")
try:
    gf.shapes.arena("oval")
    raise SystemExit("an unknown shape was accepted")
except ValueError:
    pass
PYEOF
else
    echo "SKIP: no shared library for the gridform.shapes check"
fi

# --attractor: the network on the trapezoid's kernel prints its status and
# three scored rows with finite spacing
"$geo" --size $L --bin $B --maps 1 --steps 200 --tol 1e-3 --shapes trapezoid --attractor --gain 1.3 \
    > "$tmp/net" 2> "$tmp/err" || { cat "$tmp/err"; fail "gridform-geometry --attractor exited $?"; }
grep -q "^  network, gain 1.3: t = " "$tmp/net" || fail "--attractor: no network line: $(cat "$tmp/net")"
for row in "net whole" "net wide" "net narrow"; do
    sp=$(sed -n "s/^  $row  *[^ ]*  *[^ ]*  *\([^ ]*\) .*/\1/p" "$tmp/net")
    case $sp in ""|nan|-nan|inf) fail "--attractor: row '$row' spacing '$sp'";; esac
done
echo "ok: --attractor rows: $(grep -c '^  net ' "$tmp/net")"

"$geo" --help | grep -q -- '--shapes' || fail "--help"
for bad in "--shapes oval" "--size -1" "--maps 0" "--kernel averaged" "--bogus 1" "--steps" "--surround 1"; do
    # shellcheck disable=SC2086
    "$geo" $bad > "$tmp/o" 2> "$tmp/e"; st=$?
    [ $st -eq 2 ] || fail "gridform-geometry $bad: exit status $st, not 2"
    [ -s "$tmp/o" ] && fail "gridform-geometry $bad: printed $(head -c 200 "$tmp/o")"
    [ "$(wc -l < "$tmp/e")" -eq 1 ] || fail "$bad: not a one-line error: $(cat "$tmp/e")"
    echo "ok: $bad -> $(cat "$tmp/e")"
done
exit 0
