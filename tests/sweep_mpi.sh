#!/bin/bash
# gridform-sweep under MPI: mpirun -n 2 gives the rows of --jobs 1 (seconds
# aside), and a kill -9 of the whole job mid-run, then a rerun, gives them
# too.  Skips (77) without mpirun or without an MPI build.
. "${top_srcdir:-.}/tests/sweep_common.sh"
MPIRUN=${MPIRUN:-$(command -v mpirun)}
[ -n "$MPIRUN" ] || { echo "SKIP: no mpirun"; exit 77; }
"$SWEEP" --version | grep -q "with MPI" || { echo "SKIP: gridform-sweep built without MPI"; exit 77; }
MPI="$MPIRUN -n 2 --oversubscribe"
# Under a sanitizer build (.ci/extra asan) LeakSanitizer would report Open
# MPI's own allocations, which it keeps until exit by design; the sweep's
# code is leak-checked by the thread tests, which run everything but
# sweep_mpi.c.
case "${ASAN_OPTIONS:-}" in *detect_leaks=1*) ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0"; export ASAN_OPTIONS;; esac

"$SWEEP" $SMALL --jobs 1 --quiet -o "$WORK/j1.csv" || { echo "FAIL: --jobs 1"; exit 1; }
$MPI "$SWEEP" $SMALL --quiet -o "$WORK/mpi.csv" || { echo "FAIL: $MPI"; exit 1; }
same_rows "$WORK/j1.csv" "$WORK/mpi.csv" "--jobs 1 and mpirun -n 2"

# Kill the whole job (mpirun and both ranks, as a batch scheduler does)
# once some rows are in, then rerun.  Longer tasks (1500 steps, --tol 1e-12) so
# the kill lands mid-run.
LONG="$SMALL --steps 1500 --tol 1e-12"
"$SWEEP" $LONG --jobs 2 --quiet -o "$WORK/ref.csv" || { echo "FAIL: reference run"; exit 1; }
setsid $MPI "$SWEEP" $LONG --quiet -o "$WORK/killed.csv" &
pid=$!
for i in $(seq 1 600); do
    n=$(tail -n +3 "$WORK/killed.csv" 2>/dev/null | wc -l)
    [ "$n" -ge 5 ] && break
    sleep 0.05
done
kill -9 -- -"$pid" 2>/dev/null
wait "$pid" 2>/dev/null
n=$(tail -n +3 "$WORK/killed.csv" | wc -l)
echo "killed the MPI job with $n of 24 rows written"
[ "$n" -lt 24 ] || { echo "FAIL: the job finished before the kill"; exit 1; }
$MPI "$SWEEP" $LONG --quiet -o "$WORK/killed.csv" || { echo "FAIL: rerun under MPI"; exit 1; }
same_rows "$WORK/ref.csv" "$WORK/killed.csv" "uninterrupted and killed-then-resumed under MPI"
