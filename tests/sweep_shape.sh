#!/bin/bash
# gridform-sweep --shape: "--shape rectangle" is today's run to the byte
# (key, columns, rows); a shaped sweep names each row's shape in the
# boundary column, runs the ETD learner on a UNIFORM kernel, and saves maps
# that are NaN exactly outside the shape (a circle's inside area within one
# bin row of pi r^2, the trapezoid's rows beyond its wide end empty); bad
# combinations are one-line errors.  The maps are read with NumPy; without
# it those checks are skipped and the rest still runs.
. "${top_srcdir:-.}/tests/sweep_common.sh"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# 1. The rectangle alone is the run without --shape, byte for byte.
ARGS="--sigma 0.12 --surround 2 --box 2 --n 24 --maps 4 --steps 40 --quiet --jobs 1"
# shellcheck disable=SC2086
"$SWEEP" $ARGS -o "$WORK/plain.csv" || fail "plain run"
# shellcheck disable=SC2086
"$SWEEP" $ARGS --shape rectangle -o "$WORK/rect.csv" || fail "--shape rectangle run"
same_rows "$WORK/plain.csv" "$WORK/rect.csv" "--shape rectangle against no --shape"
# shellcheck disable=SC2086
"$SWEEP" $ARGS --boundary walled -o "$WORK/wplain.csv" || fail "walled run"
# shellcheck disable=SC2086
"$SWEEP" $ARGS --boundary walled --shape rectangle -o "$WORK/wrect.csv" || fail "walled --shape rectangle"
same_rows "$WORK/wplain.csv" "$WORK/wrect.csv" "walled --shape rectangle against no --shape"

# 2. Shapes: one row each, the shape in the boundary column, all learned.
"$SWEEP" --shape rectangle,circle,trapezoid,hole --sigma 0.12 --box 2 --n 32 --maps 4 --steps 60 \
    --quiet --jobs 2 --save-maps "$WORK/maps" -o "$WORK/shapes.csv" || fail "shaped run"
head -n 1 "$WORK/shapes.csv" | grep -q ' integrator=etd shape=rectangle,circle,trapezoid,hole seed=1 boundary=walled ' \
    || fail "key: $(head -n 1 "$WORK/shapes.csv")"
[ "$(sed -n 2p "$WORK/shapes.csv")" = "$(sed -n 2p "$WORK/plain.csv")" ] || fail "the columns changed"
got=$(tail -n +3 "$WORK/shapes.csv" | cut -d, -f1,9,11,16 | tr '\n' ' ')
want="0,etd,walled,not converged 1,etd,circle,not converged 2,etd,trapezoid,not converged 3,etd,hole,not converged "
[ "$got" = "$want" ] || fail "task,integrator,boundary,status: '$got', want '$want'"
echo "ok: shaped rows: $got"

PY=
for p in /usr/bin/python3 python3; do
    command -v "$p" >/dev/null 2>&1 && "$p" -c 'import numpy' 2>/dev/null && { PY=$p; break; }
done
if [ -n "$PY" ]; then
    "$PY" - "$WORK/maps" <<'PYEOF' || fail "saved maps"
import math, sys, numpy as np
d = sys.argv[1]
L, n = 2.0, 32
dx = L / n
c = -L / 2 + (np.arange(n) + 0.5) * dx
X, Y = np.meshgrid(c, c)
R = np.hypot(X, Y)
rect = np.load(f"{d}/task-000000.npy")
assert rect.shape == (4, n, n) and np.isfinite(rect).all() and (rect >= 0).all(), "rectangle maps"
# circle: a 96-gon on the radius L/2, so bins within its inscribed radius
# are inside and bins beyond L/2 outside; its area within one bin row
circ = np.load(f"{d}/task-000001.npy")
r = L / 2
inside = np.isfinite(circ[0])
assert all((np.isfinite(m) == inside).all() for m in circ), "the maps disagree on the inside"
assert inside[R < r * math.cos(math.pi / 96) - 1e-9].all(), "a bin inside the circle is NaN"
assert not inside[R > r + 1e-9].any(), "a bin outside the circle is finite"
area = inside.sum() * dx * dx
assert abs(area - math.pi * r * r) <= 2 * math.pi * r * dx, (area, math.pi * r * r)
assert (circ[:, inside] >= 0).all() and (circ[:, inside].max(axis=1) > 0).all(), "ReLU maps"
print(f"ok: circle: {inside.sum()} inside bins, area {area:.4f} m^2 against pi r^2 = {math.pi * r * r:.4f}")
# trapezoid: 90/190 of the box high at its wide end (x = -L/2)
trap = np.load(f"{d}/task-000002.npy")
inside = np.isfinite(trap[0])
h = L * 90 / 190
assert not inside[np.abs(Y) > h / 2].any(), "a trapezoid bin beyond its wide end"
# the halves x < 0 and x > 0: widths 90 -> 55 and 55 -> 20 (of 190)
hn, hm = L * 20 / 190, L * 55 / 190
for name, bins, exact in (("wide", inside[:, : n // 2], (h + hm) / 4 * L), ("narrow", inside[:, n // 2 :], (hm + hn) / 4 * L)):
    area = bins.sum() * dx * dx
    assert abs(area - exact) <= (L + h) * dx, (name, area, exact)
    print(f"ok: trapezoid {name} half: area {area:.4f} m^2 against {exact:.4f}")
# hole: the centred square of side L/4 is NaN, the rest finite
hole = np.load(f"{d}/task-000003.npy")
inside = np.isfinite(hole[0])
inner = (np.abs(X) < L / 8) & (np.abs(Y) < L / 8)
assert not inside[inner].any() and inside[~inner].all(), "the hole"
print(f"ok: hole: {(~inside).sum()} bins out, the {inner.sum()} of the L/4 square")
PYEOF
else
    echo "SKIP: no NumPy: the saved maps are not checked"
fi

# 3. Bad combinations: one line, exit 2, no file.
for bad in "--shape oval|unknown value 'oval'" \
    "--shape circle --boundary periodic|shapes are walled arenas" \
    "--shape circle --integrator exponential|exponential cannot run in a shape" \
    "--shape 1:2:2|comma list of names"; do
    args=${bad%%|*} pat=${bad#*|}
    rm -f "$WORK/bad.csv"
    # shellcheck disable=SC2086
    "$SWEEP" $args -o "$WORK/bad.csv" > "$WORK/o" 2> "$WORK/e"; st=$?
    if [ $st -ne 2 ] || [ "$(wc -l < "$WORK/e")" -ne 1 ] || ! grep -q "$pat" "$WORK/e" || [ -e "$WORK/bad.csv" ]; then
        fail "$args -> exit $st: $(cat "$WORK/e")"
    else
        echo "ok: $args -> $(cat "$WORK/e")"
    fi
done
[ $fails -eq 0 ] || exit 1
