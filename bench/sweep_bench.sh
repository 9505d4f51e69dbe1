#!/bin/sh
# gridform-sweep throughput (issue 15), run by `make bench`: tasks per
# second of one grid on 1 rank and on 2 ranks (mpirun -n 2, one worker per
# rank; without an MPI build, --jobs 1 against --jobs 2 threads), and their
# ratio.  The target on 2 idle cores is >= 1.7.
#
# The rate is the sweep's own (its final progress line): tasks finished per
# second from the moment the results file is open to the last row, so it
# leaves out mpirun's start-up, which the wall-clock time beside it
# includes.  Each configuration runs into a fresh file; SWEEP_BENCH_ARGS
# replaces the grid (default: 32 tasks of 64 x 64, 16 maps, 300 steps, each
# a few tenths of a second, long against the one message per task).
SWEEP=${SWEEP:-./tools/gridform-sweep}
ARGS=${SWEEP_BENCH_ARGS:-"--sigma 0.1,0.12,0.14,0.16 --surround 1.5,2,3,4 --seeds 2 --box 2.2 --n 64 --maps 16 --steps 300 --tol 1e-12"}
OMPI_ALLOW_RUN_AS_ROOT=1; OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM
[ -x "$SWEEP" ] || { echo "sweep_bench: $SWEEP not built" >&2; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/sweep-bench.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT

# run NAME COMMAND...: prints the rate (tasks/s) and the wall time
run() {
    name=$1; shift
    t0=$(date +%s.%N)
    "$@" $ARGS -o "$dir/$name.csv" 2> "$dir/$name.err" || { cat "$dir/$name.err" >&2; exit 1; }
    t1=$(date +%s.%N)
    rate=$(sed -n 's/.* tasks done.*, \([0-9.e+]*\) tasks\/s, took.*/\1/p' "$dir/$name.err" | tail -n 1)
    wall=$(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }')
    echo "$rate $wall"
}

MPIRUN=${MPIRUN:-$(command -v mpirun)}
if [ -n "$MPIRUN" ] && "$SWEEP" --version | grep -q "with MPI"; then
    one="1 rank"; two="2 ranks"
    set -- $(run one "$SWEEP" --jobs 1)
    r1=$1 w1=$2
    set -- $(run two "$MPIRUN" -n 2 --oversubscribe "$SWEEP")
    r2=$1 w2=$2
else
    one="1 thread"; two="2 threads (no MPI build)"
    set -- $(run one "$SWEEP" --jobs 1)
    r1=$1 w1=$2
    set -- $(run two "$SWEEP" --jobs 2)
    r2=$1 w2=$2
fi
ntasks=$(tail -n +3 "$dir/one.csv" | wc -l)
sed 's/,[^,]*$//' "$dir/one.csv" > "$dir/a"; sed 's/,[^,]*$//' "$dir/two.csv" > "$dir/b"
cmp -s "$dir/a" "$dir/b" && same=identical || same=DIFFERENT
echo
echo "gridform-sweep throughput: $ntasks tasks ($ARGS)"
printf '  %-28s %8.3f tasks/s  (%s s wall, start-up included)\n' "$one" "$r1" "$w1"
printf '  %-28s %8.3f tasks/s  (%s s wall, start-up included)\n' "$two" "$r2" "$w2"
echo "$r1 $r2" | awk '{ printf "  ratio %.2fx (target >= 1.7x on 2 idle cores)\n", $2 / $1 }'
echo "  rows of the two runs: $same"
[ "$same" = identical ]
