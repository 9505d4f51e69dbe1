#!/bin/sh
# gridform-sweep at its defaults converges (issue 19): the default task
# (DoG sigma 0.12 m, s = 2, periodic 2.2 m on 64 x 64, 16 ReLU maps, the
# learner's default error-controlled integrator) reaches the default
# stationarity 1e-4 (the maps' KKT residual) within the default 5000 steps
# (about 900), and its maps are hexagonal.  In 0.2 the defaults (400
# steps, tol 1e-6, the exponential step) reported "not converged".
. "${srcdir:-.}/tests/sweep_common.sh"
"$SWEEP" --quiet -o "$WORK/d.csv" || { echo "FAIL: gridform-sweep at its defaults failed"; exit 1; }
row=$(tail -n 1 "$WORK/d.csv")
head -n 2 "$WORK/d.csv" | tail -n 1 | tr ',' '\n' > "$WORK/cols"
col() { n=$(grep -n "^$1\$" "$WORK/cols" | cut -d: -f1); echo "$row" | cut -d, -f"$n"; }
status=$(col status) steps=$(col steps_taken) max=$(col max_steps) integ=$(col integrator) frac=$(col score60_frac)
echo "default task: integrator $integ, status '$status' after $steps of $max steps, hexagonal fraction $frac"
[ "$integ" = etd ] || { echo "FAIL: the default integrator is '$integ', not etd"; exit 1; }
[ "$status" = ok ] || { echo "FAIL: the default task did not converge: '$status'"; exit 1; }
awk -v s="$steps" -v m="$max" 'BEGIN { exit !(s + 0 < m + 0) }' || { echo "FAIL: $steps steps of $max"; exit 1; }
awk -v f="$frac" 'BEGIN { exit !(f + 0 >= 0.9) }' || { echo "FAIL: hexagonal fraction $frac < 0.9"; exit 1; }
echo "PASS"
