#!/bin/bash
# gridform-sweep --plot: the SVG phase diagram parses as XML, has one cell
# per grid point, each cell's value is the median over the other
# parameters of the CSV's metric, and it has axes, ticks, a colour bar and
# a title; the montage PNG has one tile per cell.  Needs Python 3 (its
# standard library only); skips (77) without one.
. "${top_srcdir:-.}/tests/sweep_common.sh"
PY=
for p in /usr/bin/python3 python3; do command -v "$p" >/dev/null 2>&1 && { PY=$p; break; }; done
[ -n "$PY" ] || { echo "SKIP: no python3"; exit 77; }
"$SWEEP" --sigma 0.1,0.12,0.14 --surround 1.5,2.5 --nonlinearity relu,linear --seeds 2 --box 2 --n 32 \
    --maps 4 --steps 100 --jobs 2 --quiet -o "$WORK/r.csv" --save-maps "$WORK/maps" \
    --plot "$WORK/r.svg" --plot-x sigma --plot-y surround --plot-metric score60 || { echo "FAIL: run"; exit 1; }
if command -v xmllint >/dev/null 2>&1; then
    xmllint --noout "$WORK/r.svg" || { echo "FAIL: xmllint"; exit 1; }
    echo "ok: xmllint parses the SVG"
fi
"$PY" - "$WORK/r.csv" "$WORK/r.svg" <<'PYEOF' || exit 1
import csv, math, statistics, sys, xml.etree.ElementTree as ET
ns = {"s": "http://www.w3.org/2000/svg"}
rows = [r for r in csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith("#"))]
root = ET.parse(sys.argv[2]).getroot()
cells = [e for e in root.iter("{http://www.w3.org/2000/svg}rect") if e.get("class") == "cell"]
xs = sorted({r["sigma"] for r in rows}, key=float)
ys = sorted({r["surround"] for r in rows}, key=float)
assert len(cells) == len(xs) * len(ys), f"{len(cells)} cells for {len(xs)} x {len(ys)} grid points"
seen = set()
for c in cells:
    x, y, v = c.get("data-x"), c.get("data-y"), float(c.get("data-value"))
    seen.add((x, y))
    vals = [float(r["score60_median"]) for r in rows if r["sigma"] == x and r["surround"] == y]
    vals = [a for a in vals if math.isfinite(a)]
    want = statistics.median(vals) if vals else float("nan")
    assert int(c.get("data-tasks")) == 4, c.get("data-tasks")
    assert (math.isnan(v) and math.isnan(want)) or abs(v - want) <= 1e-8 * max(1, abs(want)), (x, y, v, want)
assert len(seen) == len(cells), "a grid point appears twice"
text = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
for want in ["median score60", "sigma (m)", "surround", "nonlinearity (2)", "seed (2)"] + xs + ys:
    assert want in text, f"no text '{want}' in the SVG"
assert root.find(".//s:g[@id='colour-bar']", ns) is not None, "no colour bar"
print(f"ok: {len(cells)} cells, one per grid point, each the median of its 4 tasks; title, axes, ticks, colour bar")
PYEOF
png="$WORK/r.png"
if [ -f "$png" ]; then
    # 3 x 2 tiles of 32 x 32 bins at zoom 3 with one-bin gaps: 3*96+2*3 by 2*96+3
    w=$(od -An -tu1 -j16 -N8 "$png" | awk '{ print $3 * 256 + $4, $7 * 256 + $8 }')
    [ "$w" = "294 195" ] || { echo "FAIL: montage is $w pixels, expected 294 195"; exit 1; }
    echo "ok: montage $png of 3 x 2 tiles ($w pixels)"
else
    [ -f "$WORK/r.ppm" ] || { echo "FAIL: no montage"; exit 1; }
    echo "ok: montage as PPM (no libpng)"
fi
nf=$(ls "$WORK/maps" | grep -c '^task-0000[0-9][0-9]\.npy$')
[ "$nf" -eq 24 ] || { echo "FAIL: --save-maps wrote $nf files, expected 24"; exit 1; }
head -c 128 "$WORK/maps/task-000023.npy" | grep -q "'shape': (4, 32, 32)" || { echo "FAIL: .npy shape"; exit 1; }
echo "ok: --save-maps: 24 files task-000000.npy ... task-000023.npy of shape (4, 32, 32)"
