#!/bin/bash
# gridform-sweep on threads: --jobs 1 and --jobs 2 give the same rows in
# task order (seconds aside), one per task, and the predicted ring of every
# DoG row is the analytic k*^2 = 2 ln s / (sigma^2 (s - 1)).
. "${top_srcdir:-.}/tests/sweep_common.sh"
"$SWEEP" $SMALL --jobs 1 --quiet -o "$WORK/j1.csv" || { echo "FAIL: --jobs 1"; exit 1; }
"$SWEEP" $SMALL --jobs 2 --quiet -o "$WORK/j2.csv" || { echo "FAIL: --jobs 2"; exit 1; }
same_rows "$WORK/j1.csv" "$WORK/j2.csv" "--jobs 1 and --jobs 2"
rows=$(tail -n +3 "$WORK/j1.csv" | wc -l)
[ "$rows" -eq 24 ] || { echo "FAIL: $rows rows, expected 24"; exit 1; }
# task ids 0..23 in order, every status one the man page names
tail -n +3 "$WORK/j2.csv" | awk -F, '
    $1 != NR - 1 { print "FAIL: row " NR " has task " $1; bad = 1 }
    $16 != "ok" && $16 != "not converged" && $16 !~ /^GRIDFORM_E/ { print "FAIL: status " $16; bad = 1 }
    NF != 26 { print "FAIL: " NF " fields"; bad = 1 }
    { s = $4; sig = $3; k = sqrt(2 * log(s) / (sig * sig * (s - 1)));
      if ((($18 - k) / k)^2 > 1e-14) { print "FAIL: task " $1 " kstar " $18 ", analytic " k; bad = 1 }
      a = 4 * 3.14159265358979 / (sqrt(3) * k);
      if ((($19 - a) / a)^2 > 1e-14) { print "FAIL: task " $1 " spacing " $19 ", predicted " a; bad = 1 }
      if ($21 < 0 || $21 > 1) { print "FAIL: fraction " $21; bad = 1 } }
    END { exit bad }' || exit 1
echo "ok: 24 rows in task order, k* and spacing as predicted within 1e-7"
# The theory's prediction: the learned maps' dominant wavenumber lies on the
# ring k*, up to the resolution 2 pi / box of the box's Fourier lattice.
tail -n +3 "$WORK/j1.csv" | awk -F, '
    { d = $24 - $18; if (d < 0) d = -d; r = 2 * 3.14159265358979 / $5;
      if (!(d < r)) { print "FAIL: task " $1 ": dominant k " $24 ", k* " $18; bad = 1 } }
    END { exit bad }' || exit 1
echo "ok: every task's median dominant k within 2 pi/box of k*"
