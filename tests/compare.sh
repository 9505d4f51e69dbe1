#!/bin/sh
# tools/gridform-compare end to end: the population ring of synthetic
# hexagons within one bin of their wavenumber, the predicted ring of a DoG
# code, three modules at ratio 1.4 found within 5%, valid JSON (python3 -m
# json.tool when a python3 is present), valid SVG XML (xmllint or
# python3's xml.etree), float32 input (with NumPy), the grid threshold
# (surrogate null, fixed, trajectory shuffles; noise at the nominal rate),
# and usage errors.  Runs other than the first use 19 null maps per map
# (the fewest the 95th percentile allows) to stay fast.
builddir=${top_builddir:-.}
prog=$builddir/tools/gridform-compare${EXEEXT:-}
gen=$builddir/tests/compare_maps${EXEEXT:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compare.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
py=
for p in python3 /usr/bin/python3; do
    command -v "$p" >/dev/null 2>&1 && { py=$p; break; }
done

# A JSON value by key (numbers and null only), without a JSON parser.
jget() { sed -n "s/^ *\"$2\": \([^,]*\),*$/\1/p" "$1" | head -1; }
# |a - b| <= tol
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }

# 1. One scale: spacing 0.3 m (k = 4 pi / (sqrt 3 a) = 24.184 rad/m) in a
# walled 1.6 m box, 3% unvisited bins; bins of 2 pi / 1.6 = 3.927 rad/m.
"$gen" "$tmp/one.npy" 60 40 1.6 0.3 3 0.03 || fail "cannot make the maps"
"$prog" --box 1.6 --json "$tmp/one.npy" >"$tmp/one.json" 2>"$tmp/err" || fail "gridform-compare: $(cat "$tmp/err")"
if [ -n "$py" ]; then
    "$py" -m json.tool "$tmp/one.json" >/dev/null || fail "invalid JSON: $(cat "$tmp/one.json")"
fi
kp=$(jget "$tmp/one.json" population_ring_k)
dk=$(jget "$tmp/one.json" spectrum_bin_width_k)
near "$dk" 3.92699 1e-4 || fail "bin width $dk, want 3.927"
near "$kp" 24.1839 "$dk" || fail "population ring $kp, want 24.18 +- $dk"
[ "$(jget "$tmp/one.json" predicted_ring_k)" = null ] || fail "predicted_ring_k must be null without a place code"
near "$(jget "$tmp/one.json" fraction_grid)" 1 0.05 || fail "fraction_grid $(jget "$tmp/one.json" fraction_grid)"
grep -q '"modules": \[' "$tmp/one.json" || fail "no modules list"
[ "$(grep -c '{"spacing"' "$tmp/one.json")" -eq 1 ] || fail "one scale: want one module: $(cat "$tmp/one.json")"
grep -q '"median_score60": [0-9]' "$tmp/one.json" || fail "median_score60 missing"

# 2. The prediction of a DoG code on a periodic box: k*^2 = 2 ln s / (sigma^2 (s-1))
# (doc/theory.md §1.5): sigma 0.12, s 2 -> 9.8122 rad/m.
"$prog" --box 1.6 --shuffles 19 --boundary periodic --tuning dog --sigma 0.12 --surround 2 --json "$tmp/one.npy" \
    >"$tmp/pc.json" 2>"$tmp/err" || fail "with a place code: $(cat "$tmp/err")"
near "$(jget "$tmp/pc.json" predicted_ring_k)" 9.8122 0.01 || fail "k* $(jget "$tmp/pc.json" predicted_ring_k)"
near "$(jget "$tmp/pc.json" predicted_spacing)" 0.73942 0.001 || fail "predicted spacing"
grep -q '"border_score": null' "$tmp/pc.json" || fail "a periodic box has no border score"
# walled: the translation-averaged kernel of random cells; a softmax code
"$prog" --box 1.6 --shuffles 19 --tuning softmax --sigma 0.12 --surround 2 --cells 300 --json "$tmp/one.npy" \
    >"$tmp/sm.json" 2>"$tmp/err" || fail "softmax code: $(cat "$tmp/err")"
near "$(jget "$tmp/sm.json" predicted_ring_k)" 9 4 || fail "softmax k* $(jget "$tmp/sm.json" predicted_ring_k)"

# 3. Three modules at ratio 1.4 (0.2, 0.28, 0.392 m) and a quarter non-grid
# maps; the SVG report.
"$gen" "$tmp/three.npy" 240 40 1.6 0.2,0.28,0.392,0 5 0.02 || fail "cannot make the maps"
"$prog" --box 1.6 --shuffles 19 --tuning dog --sigma 0.1 --surround 2 --json --svg "$tmp/r.svg" "$tmp/three.npy" \
    >"$tmp/three.json" 2>"$tmp/err" || fail "three modules: $(cat "$tmp/err")"
[ "$(grep -c '{"spacing"' "$tmp/three.json")" -eq 3 ] || fail "want three modules: $(cat "$tmp/three.json")"
sed -n 's/.*"ratio_to_previous": \([0-9.]*\)}.*/\1/p' "$tmp/three.json" >"$tmp/ratios"
[ "$(wc -l <"$tmp/ratios")" -eq 2 ] || fail "want two ratios"
while read -r r; do near "$r" 1.4 0.07 || fail "module ratio $r, want 1.4 +- 5%"; done <"$tmp/ratios"
[ -n "$py" ] && { "$py" -m json.tool "$tmp/three.json" >/dev/null || fail "invalid JSON"; }
if command -v xmllint >/dev/null 2>&1; then
    xmllint --noout "$tmp/r.svg" || fail "the SVG is not well-formed XML"
elif [ -n "$py" ]; then
    "$py" -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$tmp/r.svg" || fail "bad SVG"
else
    echo "note: no xmllint or python3, SVG not parsed"
fi
grep -q '<svg' "$tmp/r.svg" && grep -q 'polyline' "$tmp/r.svg" || fail "SVG without plots"
grep -q 'data:image/png;base64' "$tmp/r.svg" || grep -q "fill='rgb(" "$tmp/r.svg" || fail "SVG without a montage"
ls "$tmp"/r.svg.tmp* >/dev/null 2>&1 && fail "the montage's temporary PNG was left behind"

# The recording measures (gridform_scorer_measures(3)): the grid maps'
# axes lie 7, 22 and 37 degrees from x, i.e. 7, 8 and 7 degrees from the
# nearest wall; unsheared lattices have ellipses of ratio 1 (2% spacing noise).
mget() { sed -n "s/^ *\"$2\": {\"median\": \([^,]*\),.*/\1/p" "$1" | head -1; }
grep -q '"measures": {' "$tmp/three.json" || fail "no measures in the JSON"
near "$(mget "$tmp/three.json" wall_offset_deg)" 7.5 1.5 || fail "wall offset $(mget "$tmp/three.json" wall_offset_deg)"
near "$(mget "$tmp/three.json" ellipse_axis_ratio)" 1.0 0.03 || fail "ellipse $(mget "$tmp/three.json" ellipse_axis_ratio)"
b=$(mget "$tmp/three.json" border_score)
awk -v b="$b" 'BEGIN { exit !(b < 0) }' || fail "grid maps' median border score $b, want < 0"
for k in spatial_info_bits_per_spike sparsity coherence_z fields_per_map field_area_m2; do
    v=$(mget "$tmp/three.json" $k)
    awk -v v="$v" 'BEGIN { exit !(v > 0) }' || fail "measure $k: '$v'"
done

# Automatic annuli on a walled box, reported; the same population found.
"$prog" --box 1.6 --shuffles 19 --annuli auto --json "$tmp/three.npy" >"$tmp/auto.json" || fail "--annuli auto"
grep -q '"annuli": "auto"' "$tmp/auto.json" || fail "annuli not reported as auto"
grep -q '"annuli": "fixed"' "$tmp/three.json" || fail "walled default must be fixed annuli"
[ "$(grep -c '{"spacing"' "$tmp/auto.json")" -eq 3 ] || fail "auto annuli: want three modules: $(cat "$tmp/auto.json")"

# 4. The text report.
"$prog" --box 1.6 --shuffles 19 "$tmp/three.npy" >"$tmp/three.txt" || fail "text report"
grep -q '^modules  *3$' "$tmp/three.txt" || fail "text report: $(cat "$tmp/three.txt")"
grep -q '^population ring' "$tmp/three.txt" || fail "text report without the population ring"
grep -q '^  wall offset  *median' "$tmp/three.txt" || fail "text report without the measures"

# 4b. Issue 20 and 21 (first contact): error wording, names, unit slips,
# shapes, the orientation cue and the orientation's modulus.
"$prog" --box 0 "$tmp/one.npy" >/dev/null 2>"$tmp/err"; [ $? -eq 2 ] || fail "--box 0 must exit 2"
grep -q -- "--box: 0 is not > 0 (metres)" "$tmp/err" || fail "--box 0: $(cat "$tmp/err")"
"$prog" --box 1 --boundary round "$tmp/one.npy" >/dev/null 2>"$tmp/err"
grep -q -- "--boundary: 'round' is not walled or periodic" "$tmp/err" || fail "--boundary: $(cat "$tmp/err")"
"$prog" --box 1 --tuning dog --sigma -0.1 --surround 2 "$tmp/one.npy" >/dev/null 2>"$tmp/err"
grep -q -- "--sigma: -0.1 is not > 0 (metres)" "$tmp/err" || fail "--sigma: $(cat "$tmp/err")"
# softmax_dog (Python's name) is softmax
"$prog" --box 1.6 --tuning softmax_dog --sigma 0.12 --surround 2 --cells 300 --json "$tmp/one.npy" \
    >"$tmp/sm2.json" 2>"$tmp/err" || fail "softmax_dog: $(cat "$tmp/err")"
[ "$(jget "$tmp/sm2.json" predicted_ring_k)" = "$(jget "$tmp/sm.json" predicted_ring_k)" ] || fail "softmax_dog != softmax"
# sigma in centimetres by mistake: the maps are reported, the prediction is
# undefined and the reason names sigma, its unit and the box
"$gen" "$tmp/big.npy" 12 44 4.4 0.73 3 || fail "cannot make the maps"
"$prog" --box 4.4 --tuning dog --sigma 12 --surround 2 "$tmp/big.npy" >"$tmp/slip.txt" 2>"$tmp/err" ||
    fail "sigma 12: $(cat "$tmp/err")"
grep -q "sigma = 12 m" "$tmp/err" && grep -q "metres" "$tmp/err" && grep -q "4.4 x 4.4 m box" "$tmp/err" ||
    fail "sigma 12: the warning must name sigma, its unit and the box: $(cat "$tmp/err")"
grep -q "^predicted ring  undefined: k\* = 0.09812 rad/m, spacing 73.94 m" "$tmp/slip.txt" ||
    fail "sigma 12: $(cat "$tmp/slip.txt")"
grep -q "^modules  *1$" "$tmp/slip.txt" || fail "sigma 12: the maps must still be reported"
# a population whose orientations vary unit by unit (uniform): no module
# with the orientation cue, its two modules (0.5 and 0.7 m) without it;
# each module orientation printed with its modulus
"$gen" "$tmp/uni.npy" 24 64 4.4 0.5,0.7 9 0 90 || fail "cannot make the maps"
"$prog" --box 4.4 "$tmp/uni.npy" >"$tmp/cue.txt" || fail "cue on"
grep -q '^modules  *0$' "$tmp/cue.txt" || fail "cue on: want 0 modules: $(cat "$tmp/cue.txt")"
"$prog" --box 4.4 --no-orientation-cue "$tmp/uni.npy" >"$tmp/nocue.txt" || fail "--no-orientation-cue"
grep -q '^modules  *2$' "$tmp/nocue.txt" || fail "cue off: want 2 modules: $(cat "$tmp/nocue.txt")"
grep -q '^  module 1      spacing 0\.5[0-9]* m, orientation [0-9.]* deg (mod [36]0), 12 maps$' "$tmp/nocue.txt" ||
    fail "cue off: module 1: $(cat "$tmp/nocue.txt")"
grep -q 'ratio 1\.[34]' "$tmp/nocue.txt" || fail "cue off: ratio: $(cat "$tmp/nocue.txt")"
grep -q 'orientation [0-9.]* deg (mod 60), 12 maps' "$tmp/three.txt" ||
    grep -q 'orientation [0-9.]* deg (mod 60), [0-9]* maps' "$tmp/three.txt" || fail "no modulus: $(cat "$tmp/three.txt")"
grep -q '"orientation_modulus": 60' "$tmp/three.json" || fail "JSON without the orientation's modulus"
# maps stacked last, (ny, nx, n): refused with that said (needs NumPy)
pynp7=
for p in ${PYTHON:-} /usr/bin/python3 python3; do
    "$p" -c 'import numpy' 2>/dev/null && { pynp7=$p; break; }
done
if [ -n "$pynp7" ]; then
    "$pynp7" -c 'import sys, numpy as np; a = np.load(sys.argv[1]); np.save(sys.argv[2], np.moveaxis(a, 0, -1))' \
        "$tmp/big.npy" "$tmp/last.npy" || fail "cannot write maps-last"
    "$prog" --box 4.4 "$tmp/last.npy" >/dev/null 2>"$tmp/err"; [ $? -eq 1 ] || fail "maps last must exit 1"
    grep -q "12 maps of 44 x 44 stacked last" "$tmp/err" || fail "maps last: $(cat "$tmp/err")"
fi

# 5. float32 input and user centres (NumPy writes them).
pynp=
for p in ${PYTHON:-} /usr/bin/python3 python3; do
    "$p" -c 'import numpy' 2>/dev/null && { pynp=$p; break; }
done
if [ -n "$pynp" ]; then
    "$pynp" - "$tmp" <<'PY' || fail "cannot convert to float32"
import sys, numpy as np
d = sys.argv[1]
np.save(d + "/one32.npy", np.load(d + "/one.npy").astype(np.float32))
g = (np.arange(20) + 0.5) / 20 * 1.6 - 0.8
X, Y = np.meshgrid(g, g)
np.save(d + "/centers.npy", np.stack([X.ravel(), Y.ravel()], axis=1))
PY
    "$prog" --box 1.6 --shuffles 19 --json "$tmp/one32.npy" >"$tmp/one32.json" || fail "float32 maps"
    near "$(jget "$tmp/one32.json" population_ring_k)" "$kp" 1e-3 || fail "float32 ring differs"
    "$prog" --box 1.6 --shuffles 19 --tuning dog --sigma 0.12 --surround 2 --centers "$tmp/centers.npy" --json "$tmp/one.npy" \
        >"$tmp/c.json" 2>"$tmp/err" || fail "--centers: $(cat "$tmp/err")"
    near "$(jget "$tmp/c.json" predicted_ring_k)" 9.8 2 || fail "--centers k* $(jget "$tmp/c.json" predicted_ring_k)"
else
    echo "note: no NumPy, float32 and --centers not tested"
fi

# 6. Usage errors (exit 2) and unreadable input (exit 1), one line each.
"$prog" "$tmp/one.npy" >/dev/null 2>"$tmp/err"; [ $? -eq 2 ] || fail "missing --box must exit 2"
grep -q 'box' "$tmp/err" || fail "the error must name --box"
"$prog" --box 1 --boundary round "$tmp/one.npy" >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad --boundary"
"$prog" --box 1 --sigma 0.1 "$tmp/one.npy" >/dev/null 2>&1; [ $? -eq 2 ] || fail "--sigma without --tuning"
"$prog" --box 1 --tuning dog --sigma 0.1 "$tmp/one.npy" >/dev/null 2>&1; [ $? -eq 2 ] || fail "dog without --surround"
"$prog" --box -1 "$tmp/one.npy" >/dev/null 2>&1; [ $? -eq 2 ] || fail "negative box"
"$prog" --box 1 --annuli some "$tmp/one.npy" >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad --annuli"
"$prog" --box 1 "$tmp/missing.npy" >/dev/null 2>"$tmp/err"; [ $? -eq 1 ] || fail "missing file must exit 1"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "one line of error, got: $(cat "$tmp/err")"
"$prog" --box 1 --svg "$tmp/no/such/dir/r.svg" "$tmp/one.npy" >/dev/null 2>&1; [ $? -eq 1 ] || fail "unwritable SVG"

# 7. The grid threshold (issue 21).  The default: the pooled 95th percentile
# of 100 surrogates per map.
grep -q '"threshold": {"value": [0-9.e-]*, "source": "surrogate", "percentile": 95, "shuffles": 100}' \
    "$tmp/one.json" || fail "threshold object: $(grep threshold "$tmp/one.json")"
"$prog" --box 1.6 --threshold 0.3 --json "$tmp/three.npy" >"$tmp/fixed.json" || fail "--threshold 0.3"
grep -q '"threshold": {"value": 0.3, "source": "fixed", "percentile": null, "shuffles": 0}' "$tmp/fixed.json" \
    || fail "fixed threshold: $(grep threshold "$tmp/fixed.json")"
near "$(jget "$tmp/fixed.json" fraction_grid)" 0.75 0.05 || fail "fixed rule fraction $(jget "$tmp/fixed.json" fraction_grid)"
grep -q '^threshold  *[0-9.]*: percentile 95 of 19 surrogates per map' "$tmp/three.txt" \
    || fail "text report without the threshold: $(cat "$tmp/three.txt")"
"$prog" --box 1.6 --shuffles 5 "$tmp/one.npy" >/dev/null 2>"$tmp/err"; [ $? -eq 1 ] || fail "--shuffles 5 must fail"
grep -q 'too few' "$tmp/err" || fail "too few shuffles: $(cat "$tmp/err")"
"$prog" --box 1.6 --percentile 100 "$tmp/one.npy" >/dev/null 2>&1; [ $? -eq 2 ] || fail "--percentile 100"
if [ -n "$pynp" ]; then
    # Smoothed noise (Gaussian of 1.5 bins, periodic), 200 maps of 40 x 40:
    # above the null at most 5% + 2 s.e. = 8.1% (16 maps); the fixed 0.3
    # passes more of them.
    "$pynp" - "$tmp" <<'PY' || fail "cannot make the noise maps"
import sys, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(5)
k = np.fft.fftfreq(40)
g = np.exp(-2 * (np.pi * 1.5) ** 2 * (k[:, None] ** 2 + k[None, :] ** 2))
m = np.fft.ifft2(np.fft.fft2(rng.standard_normal((200, 40, 40))) * g).real
np.save(d + "/noise.npy", m)
# A recording: a random walk of 12 minutes at 50 Hz in a 1 m box, three
# grid cells (spacing 0.4 m, Poisson spikes up to 15 Hz) and two untuned
# cells (2 Hz).
n, dt = 36000, 0.02
xy = np.zeros((n, 2)); h = 0.0; p = np.zeros(2)
steps = rng.standard_normal(n) * 0.25
for t in range(n):
    h += steps[t]
    q = p + 0.25 * dt * np.array([np.cos(h), np.sin(h)])
    if abs(q[0]) > 0.495: h = np.pi - h; q[0] = p[0]
    if abs(q[1]) > 0.495: h = -h; q[1] = p[1]
    p = q; xy[t] = p
def hexrate(x, y, a, th):
    kk = 4 * np.pi / (np.sqrt(3) * a); g = 0
    for j in range(3):
        an = th + np.pi / 6 + j * 2 * np.pi / 3
        g = g + np.cos(kk * (np.cos(an) * x + np.sin(an) * y))
    return ((g + 1.5) / 4.5) ** 3
lam = np.stack([15 * hexrate(xy[:, 0], xy[:, 1], 0.4, th) for th in (0.1, 0.4, 0.7)] + [np.full(n, 2.0)] * 2, 1)
np.save(d + "/xy.npy", xy)
np.save(d + "/act.npy", rng.poisson(lam * dt).astype(float))
np.save(d + "/act_short.npy", rng.poisson(lam[:-1] * dt).astype(float))
PY
    "$prog" --box 1 --boundary periodic --shuffles 19 --json "$tmp/noise.npy" >"$tmp/noise.json" \
        || fail "noise maps"
    fg=$(jget "$tmp/noise.json" fraction_grid)
    awk -v f="$fg" 'BEGIN { exit !(f <= 0.081) }' || fail "smoothed noise: fraction_grid $fg above 8.1%"
    "$prog" --box 1 --boundary periodic --threshold 0.3 --json "$tmp/noise.npy" >"$tmp/noise03.json" \
        || fail "noise maps, fixed threshold"
    f3=$(jget "$tmp/noise03.json" fraction_grid)
    awk -v f="$fg" -v g="$f3" 'BEGIN { exit !(g > f) }' || fail "fixed 0.3 ($f3) should pass more noise than the null ($fg)"
    # The recording: its own shuffles.
    "$prog" --box 1 --positions "$tmp/xy.npy" --activity "$tmp/act.npy" --dt 0.02 --bins 20 --shuffles 19 \
        --json >"$tmp/rec.json" 2>"$tmp/err" || fail "trajectory: $(cat "$tmp/err")"
    grep -q '"source": "shuffle"' "$tmp/rec.json" || fail "trajectory threshold source"
    near "$(jget "$tmp/rec.json" fraction_grid)" 0.6 0.01 || fail "trajectory: fraction_grid $(jget "$tmp/rec.json" fraction_grid), want 3 of 5"
    grep -q '"shape": \[20, 20\]' "$tmp/rec.json" || fail "trajectory maps' shape"
    "$prog" --box 1 --positions "$tmp/xy.npy" --activity "$tmp/act_short.npy" --dt 0.02 --bins 20 \
        >/dev/null 2>"$tmp/err"; [ $? -eq 1 ] || fail "mismatched lengths must exit 1"
    grep -q 'mismatched lengths: 36000 positions' "$tmp/err" || fail "mismatched lengths: $(cat "$tmp/err")"
    "$prog" --box 1 --positions "$tmp/xy.npy" --activity "$tmp/act.npy" --dt 0.02 --bins 20 --min-lag 400 \
        >/dev/null 2>"$tmp/err"; [ $? -eq 1 ] || fail "a trajectory shorter than 2 x the lag must exit 1"
    grep -q 'shorter than twice the minimum lag' "$tmp/err" || fail "short trajectory: $(cat "$tmp/err")"
    "$prog" --box 1 --positions "$tmp/xy.npy" --dt 0.02 --bins 20 >/dev/null 2>&1; [ $? -eq 2 ] \
        || fail "--positions without --activity"
    "$prog" --box 1 --positions "$tmp/xy.npy" --activity "$tmp/act.npy" --bins 20 >/dev/null 2>&1; [ $? -eq 2 ] \
        || fail "a trajectory without --dt"
    "$prog" --box 1 --positions "$tmp/xy.npy" --activity "$tmp/act.npy" --dt 0.02 --bins 20 "$tmp/one.npy" \
        >/dev/null 2>&1; [ $? -eq 2 ] || fail "a trajectory and a maps file"
fi
"$prog" --box 1 --dt 0.02 "$tmp/one.npy" >/dev/null 2>&1; [ $? -eq 2 ] || fail "--dt without a trajectory"
echo "PASS: gridform-compare"
