#!/bin/bash
# gridform-sweep's bad arguments: each gets exit status 2, exactly one line
# on stderr beginning "gridform-sweep: " and naming the problem, and no
# work (no output file).
. "${top_srcdir:-.}/tests/sweep_common.sh"
fails=0 n=0
check() {   # check PATTERN ARGS...
    pat=$1; shift
    n=$((n + 1))
    rm -f "$WORK/out.csv"
    "$SWEEP" "$@" > "$WORK/stdout" 2> "$WORK/err"; st=$?
    lines=$(wc -l < "$WORK/err")
    if [ $st -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -q "^gridform-sweep: .*$pat" "$WORK/err" \
        || [ -e "$WORK/out.csv" ] || [ -s "$WORK/stdout" ]; then
        echo "FAIL: $* -> exit $st, $lines lines: $(cat "$WORK/err")"
        fails=$((fails + 1))
    else
        echo "ok: $* -> $(cat "$WORK/err")"
    fi
}
O="-o $WORK/out.csv"
check "unknown option '--sigmas'"      --sigmas 0.1 $O
check "unknown option '--seed'"        --seed 3 $O
check "unknown option"                 bogus $O
check "empty list"                     --sigma "" $O
check "empty list"                     --sigma= $O
check "empty value in list"            --sigma 0.1,,0.2 $O
check "empty value in list"            --surround 2, $O
check "empty range"                    --sigma 0.1:0.2:0 $O
check "empty value"                    --sigma 0.1::3 $O
check "start:stop:count"               --sigma 0.1:0.2 $O
check "start:stop:count"               --sigma 0.1:0.2:3:4 $O
check "one value needs start == stop"  --sigma 0.1:0.2:1 $O
check "not a whole number"             --sigma 0.1:0.2:2.5 $O
check "not a finite number"            --sigma nan $O
check "not a finite number"            --sigma 0.1,NaN $O
check "not a finite number"            --box inf $O
check "not a finite number"            --tol nan $O
check "not a number"                   --sigma abc $O
check "not > 0"                        --sigma 0 $O
check "not > 0"                        --box -1 $O
check "not > 1"                        --surround 0.5 $O
check "appears twice"                  --sigma 0.1,0.1 $O
check "appears twice"                  --tuning dog,dog $O
check "not a whole number from 8"      --n 7 $O
check "not a whole number from 8"      --n 40.5 $O
check "unknown value 'square'"         --tuning square $O
check "unknown value"                  --nonlinearity sigmoid $O
check "unknown value"                  --coupling none $O
check "unknown value"                  --integrator rk4 $O
check "comma list of names"            --tuning 1:2:2 $O
check "not a whole number"             --maps 0 $O
check "not a whole number"             --seeds 0 $O
check "not a whole number"             --steps -5 $O
check "not a whole number"             --steps abc $O
check "not a whole number"             --jobs 0 $O
check "not a whole number"             --cells 1 $O
check "not > 0"                        --tol 0 $O
check "not periodic or walled"         --boundary round $O
check "needs a value"                  $O --boundary
check "coupled maps need"              --coupling sanger --maps 100 --n 8 $O
check "no output file"                 --sigma 0.1
check "empty file name"                -o ""
check "needs a value"                  $O --sigma
check "need --plot"                    --plot-x sigma $O
check "not a swept parameter"          --plot p.svg --plot-x width $O
check "both 'sigma'"                   --plot p.svg --plot-x sigma --plot-y sigma $O
check "unknown metric"                 --plot p.svg --plot-metric beauty $O
# good arguments pass the same parser: --help and --version exit 0
"$SWEEP" --help | grep -q "^usage: gridform-sweep" || { echo "FAIL: --help"; fails=$((fails + 1)); }
"$SWEEP" --version | grep -q "^gridform-sweep (libgridform)" || { echo "FAIL: --version"; fails=$((fails + 1)); }
echo "$((n - fails)) of $n bad command lines rejected as they should be"
[ $fails -eq 0 ]
