#!/bin/sh
# tools/gridform-score end to end: hexagonal maps score high, the CSV has the
# documented columns, and bad input gives a one-line error and a nonzero
# exit.  The fixtures are made with NumPy; without it the test is skipped.
builddir=${top_builddir:-.}
prog=$builddir/tools/gridform-score${EXEEXT:-}
py=${PYTHON:-/usr/bin/python3}
"$py" -c 'import numpy' 2>/dev/null || { echo "SKIP: no NumPy at $py"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gridscore.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$py" - "$tmp" <<'PY' || fail "cannot write the fixtures"
import sys, numpy as np
d = sys.argv[1]
n, L, a = 40, 2.2, 0.74
x = -L/2 + (np.arange(n) + 0.5) * L / n
X, Y = np.meshgrid(x, x)
k = 4 * np.pi / (np.sqrt(3) * a)
maps = []
for t in range(5):
    th = np.deg2rad(10 * t)
    g = sum(np.cos(k * (np.cos(th + np.pi/6 + j*2*np.pi/3) * X + np.sin(th + np.pi/6 + j*2*np.pi/3) * Y) + t)
            for j in range(3))
    maps.append(np.maximum(g, 0))
maps.append(np.full((n, n), 2.0))            # constant: undefined
m = np.array(maps)
m[0, 3, 4] = np.nan
np.save(d + "/maps.npy", m)
np.save(d + "/one32.npy", m[1].astype(np.float32))
np.save(d + "/ints.npy", np.zeros((4, 4), dtype=np.int32))
np.save(d + "/vec.npy", np.zeros(16))
open(d + "/bad.npy", "wb").write(b"\x93NUMPY\x01\x00garbage")
PY

"$prog" --box 2.2 -o "$tmp/out.csv" "$tmp/maps.npy" 2>"$tmp/err" || fail "gridscore failed: $(cat "$tmp/err")"
head -1 "$tmp/out.csv" | grep -qx 'index,score60,score90,spacing_m,orientation_deg,dominant_k' || fail "bad CSV header"
[ "$(wc -l <"$tmp/out.csv")" -eq 7 ] || fail "expected 6 rows"
awk -F, 'NR>1 && NR<7 { if ($2 < 1.3 || $4 < 0.71 || $4 > 0.77) bad=1 } END { exit bad }' "$tmp/out.csv" ||
    fail "hexagonal maps scored badly: $(cat "$tmp/out.csv")"
awk -F, 'NR==7 { if ($2 != "nan") exit 1 }' "$tmp/out.csv" || fail "constant map not nan"
grep -q "6 maps" "$tmp/err" && grep -q "undefined score60: 1" "$tmp/err" || fail "bad summary: $(cat "$tmp/err")"
# the fractions are of the 5 defined maps: all 5 hexagons are above 0.3
grep -q "of the 5 with a defined score60: above 0.3: 100.0%" "$tmp/err" || fail "fraction not of defined maps: $(cat "$tmp/err")"
"$prog" --box 2.2 --variant minmax --annuli 0.44,1.1,1.98,5 "$tmp/one32.npy" >"$tmp/out2.csv" 2>/dev/null || fail "float32 (ny, nx) input"
[ "$(wc -l <"$tmp/out2.csv")" -eq 2 ] || fail "expected one row for a 2-d input"
"$prog" --help | grep -q usage || fail "--help"
# automatic annuli: the hexagons keep their scores, the constant map is no
# fallback (it is undefined), and the summary says how many fell back
"$prog" --box 2.2 --auto-annuli -o "$tmp/auto.csv" "$tmp/maps.npy" 2>"$tmp/err" || fail "--auto-annuli"
awk -F, 'NR>1 && NR<7 { if ($2 < 1.2 || $4 < 0.71 || $4 > 0.77) bad=1 } END { exit bad }' "$tmp/auto.csv" ||
    fail "hexagonal maps scored badly with --auto-annuli: $(cat "$tmp/auto.csv")"
grep -q "automatic annuli; 0 maps without a ring" "$tmp/err" || fail "no fallback count: $(cat "$tmp/err")"

# the box is required: a clear one-line error without it
"$prog" "$tmp/maps.npy" >/dev/null 2>"$tmp/err" && fail "ran without --box"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "box size is required" "$tmp/err" || fail "no clear --box error: $(cat "$tmp/err")"
"$prog" --lx 2.2 "$tmp/maps.npy" >/dev/null 2>"$tmp/err" && fail "ran with --lx alone"
"$prog" --lx 2.2 --ly 2.2 -o "$tmp/out3.csv" "$tmp/maps.npy" 2>/dev/null || fail "--lx and --ly"
cmp -s "$tmp/out.csv" "$tmp/out3.csv" || fail "--lx/--ly differ from --box"
for bad in "$tmp/missing.npy" "$tmp/ints.npy" "$tmp/vec.npy" "$tmp/bad.npy"; do
    "$prog" --box 2.2 "$bad" >/dev/null 2>"$tmp/err" && fail "accepted $bad"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "error for $bad is not one line: $(cat "$tmp/err")"
done
for args in "--variant best" "--box -1" "--box 2.2 --annuli 0.2,0.4" "--frobnicate" "--box 2.2 --annuli 0.5,0.4,1.0,3"; do
    # shellcheck disable=SC2086
    "$prog" $args "$tmp/maps.npy" >/dev/null 2>"$tmp/err" && fail "accepted $args"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "error for $args is not one line"
done
"$prog" >/dev/null 2>&1 && fail "ran without an input"
echo "PASS: gridscore"
