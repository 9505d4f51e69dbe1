#!/bin/sh
# tools/gridform-hexgrid in single and in double precision (issue 16,
# doc/theory.md §2.8): the summary lines (median scores, spacing, dominant
# k, steps) are the same to the printed digits.
builddir=${top_builddir:-.}
hex=$builddir/tools/gridform-hexgrid${EXEEXT:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hexprec.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
for p in double single; do
    # the 0.2 exponential step, which issue 16 made bit-for-bit reproducible
    # in single precision (the default error-controlled step rounds its
    # state to float and may take a different number of steps)
    "$hex" --maps 8 --steps 60 --integrator exponential --precision "$p" --prefix "$tmp/$p" > "$tmp/$p.out" 2> "$tmp/$p.err" ||
        { cat "$tmp/$p.err"; fail "hexgrid --precision $p exited $?"; }
    grep -E '^(RELU|LINEAR) +median' "$tmp/$p.out" > "$tmp/$p.sum"
    [ "$(wc -l < "$tmp/$p.sum")" -eq 2 ] || fail "$p: expected two summary lines, got: $(cat "$tmp/$p.out")"
done
if ! cmp -s "$tmp/double.sum" "$tmp/single.sum"; then
    diff "$tmp/double.sum" "$tmp/single.sum"
    fail "the summary lines differ between double and single precision"
fi
sed 's/^/  /' "$tmp/single.sum"
if "$hex" --precision half > "$tmp/o" 2> "$tmp/e"; then fail "--precision half succeeded"; fi
echo "PASS: hexgrid summary lines identical in single and double precision"
exit 0
