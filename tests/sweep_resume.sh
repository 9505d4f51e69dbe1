#!/bin/bash
# gridform-sweep crash safety: a run killed with SIGKILL mid-run, then
# rerun, ends with exactly the rows of an uninterrupted run; a torn last
# line is cut off and recomputed; a different grid, a hand-edited row and a
# second writer are refused and leave the file as it was.
. "${top_srcdir:-.}/tests/sweep_common.sh"
LONG="$SMALL --steps 1500 --tol 1e-12"
"$SWEEP" $LONG --jobs 2 --quiet -o "$WORK/ref.csv" || { echo "FAIL: reference run"; exit 1; }

# 1. kill -9 twice at different points, then finish
for more in 3 6; do
    stop=$(( $(tail -n +3 "$WORK/killed.csv" 2>/dev/null | wc -l) + more ))
    "$SWEEP" $LONG --jobs 2 --quiet -o "$WORK/killed.csv" &
    pid=$!
    for i in $(seq 1 600); do
        n=$(tail -n +3 "$WORK/killed.csv" 2>/dev/null | wc -l)
        [ "$n" -ge $stop ] && break
        sleep 0.05
    done
    kill -9 "$pid"; wait "$pid" 2>/dev/null
    n=$(tail -n +3 "$WORK/killed.csv" | wc -l)
    echo "killed with $n of 24 rows"
    [ "$n" -lt 24 ] || { echo "FAIL: the run finished before the kill"; exit 1; }
done
"$SWEEP" $LONG --jobs 2 --quiet -o "$WORK/killed.csv" || { echo "FAIL: rerun"; exit 1; }
same_rows "$WORK/ref.csv" "$WORK/killed.csv" "uninterrupted and killed twice then resumed"

# 2. a torn last line (what a kill inside write(2) can leave): header, 10
# rows and half of the 11th
{ head -n 12 "$WORK/ref.csv"; sed -n 13p "$WORK/ref.csv" | head -c 40; } > "$WORK/torn.csv"
"$SWEEP" $LONG --jobs 2 --quiet -o "$WORK/torn.csv" 2> "$WORK/torn.err" || { cat "$WORK/torn.err"; echo "FAIL: torn"; exit 1; }
grep -q "incomplete last line" "$WORK/torn.err" || { echo "FAIL: no note of the torn line"; exit 1; }
same_rows "$WORK/ref.csv" "$WORK/torn.csv" "uninterrupted and repaired torn file"

# 3. rows written in another order are put back in task order; a complete
# file is not recomputed
{ head -n 2 "$WORK/ref.csv"; tail -n +3 "$WORK/ref.csv" | sort -t, -k1,1nr; } > "$WORK/shuffled.csv"
"$SWEEP" $LONG --jobs 2 --quiet -o "$WORK/shuffled.csv" || { echo "FAIL: shuffled"; exit 1; }
cmp -s "$WORK/ref.csv" "$WORK/shuffled.csv" || { echo "FAIL: a complete file was not just sorted"; exit 1; }
echo "ok: a complete file in another order is sorted, not recomputed (byte-identical)"

# 4. refusals: exit 1, one line on stderr, the file unchanged
refuse() {   # refuse WHAT PATTERN FILE ARGS...
    what=$1 pat=$2 f=$3; shift 3
    cp "$f" "$WORK/before"
    "$SWEEP" "$@" --quiet -o "$f" 2> "$WORK/err"; st=$?
    [ $st -eq 1 ] || { echo "FAIL: $what: exit $st"; cat "$WORK/err"; exit 1; }
    [ "$(wc -l < "$WORK/err")" -eq 1 ] && grep -q "$pat" "$WORK/err" || {
        echo "FAIL: $what: message"; cat "$WORK/err"; exit 1; }
    cmp -s "$f" "$WORK/before" || { echo "FAIL: $what: the file changed"; exit 1; }
    echo "ok: $what refused: $(cat "$WORK/err")"
}
refuse "another grid" "different grid" "$WORK/ref.csv" $LONG --seeds 3
refuse "another --maps" "different grid" "$WORK/ref.csv" $LONG --maps 4
sed '5s/,dog,/,gaussian,/' "$WORK/ref.csv" > "$WORK/edited.csv"
refuse "a hand-edited row" "line 5" "$WORK/edited.csv" $LONG
{ cat "$WORK/ref.csv"; sed -n 3p "$WORK/ref.csv"; } > "$WORK/dup.csv"
refuse "a repeated task" "appears twice" "$WORK/dup.csv" $LONG
printf 'a,b\n1,2\n' > "$WORK/other.csv"
refuse "a file of another program" "not a gridform-sweep results file" "$WORK/other.csv" $LONG
# a second writer while one runs
head -n 2 "$WORK/ref.csv" > "$WORK/busy.csv"
"$SWEEP" $LONG --jobs 1 --quiet -o "$WORK/busy.csv" &
pid=$!
# Start the second once the first has written a row: it then holds the
# lock for certain, however slowly a loaded machine started it (a fixed
# sleep here raced a busy CI machine).
for i in $(seq 1 600); do
    [ "$(tail -n +3 "$WORK/busy.csv" | wc -l)" -ge 1 ] && break
    sleep 0.05
done
kill -0 "$pid" 2>/dev/null || { echo "FAIL: the first writer ended before the second started"; exit 1; }
"$SWEEP" $LONG --jobs 1 --quiet -o "$WORK/busy.csv" 2> "$WORK/err"; st=$?
kill -9 "$pid"; wait "$pid" 2>/dev/null
[ $st -eq 1 ] && grep -q "another gridform-sweep is writing" "$WORK/err" || {
    echo "FAIL: a second writer (exit $st)"; cat "$WORK/err"; exit 1; }
echo "ok: a second writer refused: $(cat "$WORK/err")"
