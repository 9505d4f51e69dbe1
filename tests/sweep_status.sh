#!/bin/sh
# gridform-sweep's status column carries the reason, not only the code
# (issue 20): sigma = 12 (centimetres meant, metres taken) predicts a 73.9 m
# spacing in a 4.4 m box; the task is refused with GRIDFORM_EUNDEFINED and
# a reason naming sigma, its unit and the box, k* and the spacing are in
# their columns, and a resumed file rewrites the same row.  Softmax codes
# are named softmax or softmax_dog (Python's name), one value.
. "${top_srcdir:-.}/tests/sweep_common.sh"
ARGS="--sigma 12,0.12 --box 4.4 --n 16 --maps 2 --steps 20 --jobs 1 --quiet"
"$SWEEP" $ARGS -o "$WORK/slip.csv" || { echo "FAIL: sweep"; exit 1; }
row=$(sed -n 3p "$WORK/slip.csv")
echo "$row"
status=$(printf '%s\n' "$row" | cut -d, -f16)
case $status in
    "GRIDFORM_EUNDEFINED: the predicted spacing 73.9 m exceeds the 4.4 m box"*"sigma = 12 m: sigma is in metres)") ;;
    *) echo "FAIL: status '$status'"; exit 1 ;;
esac
[ "$(printf '%s\n' "$row" | awk -F, '{ print NF }')" -eq 26 ] || { echo "FAIL: the reason split the row"; exit 1; }
printf '%s\n' "$row" | cut -d, -f17-19 | grep -qx '0,0.0981175019,73.9439684' ||
    { echo "FAIL: steps, k*, spacing: $(printf '%s\n' "$row" | cut -d, -f17-19)"; exit 1; }
[ "$(sed -n 4p "$WORK/slip.csv" | cut -d, -f16)" = "not converged" ] || { echo "FAIL: sigma 0.12 must run"; exit 1; }
# resume from the refused row alone: the same file
head -n 3 "$WORK/slip.csv" > "$WORK/resumed.csv"
"$SWEEP" $ARGS -o "$WORK/resumed.csv" || { echo "FAIL: resume"; exit 1; }
same_rows "$WORK/slip.csv" "$WORK/resumed.csv" "a refused row read back and rewritten"
# softmax_dog is softmax
"$SWEEP" --tuning softmax_dog --sigma 0.12 --box 2 --n 16 --maps 2 --steps 5 --jobs 1 --quiet -o "$WORK/sm.csv" ||
    { echo "FAIL: --tuning softmax_dog"; exit 1; }
[ "$(sed -n 3p "$WORK/sm.csv" | cut -d, -f2)" = softmax ] || { echo "FAIL: softmax_dog is not softmax"; exit 1; }
echo "PASS: sweep status reasons"
