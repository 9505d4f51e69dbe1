#!/bin/sh
# Runs examples/spectrum and checks the numbers of doc/theory.md §1.5:
# sigma = 0.12 m, s = 2 gives k* = 9.81 rad/m, lambda = 0.640 m and a
# hexagonal spacing of 0.739 m; a Gaussian code has no ring; bad options
# fail with a one-line message and a nonzero exit.
prog=${top_builddir:-.}/examples/spectrum${EXEEXT}
out=$("$prog") || { echo "FAIL: spectrum exited nonzero"; exit 1; }
printf '%s\n' "$out"
status=0
expect() {
    printf '%s\n' "$out" | grep -q "$1" || { echo "FAIL: no line matching '$1'"; status=1; }
}
expect '^ring k\*  *9\.81[0-9]* rad/m'
expect '^wavelength 2pi/k\*  *0\.640[0-9]* m'
expect '^hexagonal spacing  *0\.739[0-9]* m'
out=$("$prog" --tuning gaussian --shells 3) || { echo "FAIL: gaussian run exited nonzero"; exit 1; }
expect '^no ring'
expect '^    0  *0\.0000 .* 1$'
if "$prog" --sigma -1 >/dev/null 2>&1; then echo "FAIL: --sigma -1 accepted"; status=1; fi
if "$prog" --resolution abc >/dev/null 2>&1; then echo "FAIL: --resolution abc accepted"; status=1; fi
if "$prog" --bogus 1 >/dev/null 2>&1; then echo "FAIL: --bogus accepted"; status=1; fi
"$prog" --help | grep -q '^usage: spectrum' || { echo "FAIL: --help"; status=1; }
exit $status
