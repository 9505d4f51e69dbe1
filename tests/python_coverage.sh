#!/bin/sh
# Every public C function has a Python wrapper in python/gridform.
#
# The C API is read from the headers (each declaration marked GRIDFORM_API
# in include/gridform/*.h); a function counts as wrapped when the package
# binds it with proto("gridform_...", ...).  Fails when:
#   - a function named in tests/python_api.list is not bound by the package;
#   - (strict mode) a function in the headers is not bound, or the package
#     binds a function that is not in the headers.
#
# How this stays green while others land functions: tests/python_api.list is
# the C API as it was when the package was last updated on main, and it is
# changed only together with the wrappers.  A function that lands on main
# after that is reported below as "not yet wrapped" without failing, so no
# landing can turn main red through this test; the package's next update
# wraps it and adds it to the list, from which point its wrapper is required.
# GRIDFORM_PY_COVERAGE_STRICT=1 turns every unwrapped public function into a
# failure (the package's maintainer runs it before landing; use it in CI
# once the API is settled).
STRICT=${GRIDFORM_PY_COVERAGE_STRICT:-0}
srcdir=${top_srcdir:-.}
list=$srcdir/tests/python_api.list
pkg=$srcdir/python/gridform
[ -f "$list" ] || { echo "FAIL: $list not found"; exit 1; }
[ -d "$pkg" ] || { echo "FAIL: $pkg not found"; exit 1; }

api=$(for h in "$srcdir"/include/gridform/*.h; do
          tr '\n' ' ' <"$h" | tr ';' '\n' | grep 'GRIDFORM_API' |
              sed -n 's/^.*GRIDFORM_API[^(]*[^A-Za-z0-9_]\(gridform_[A-Za-z0-9_]*\) *(.*$/\1/p'
      done | sort -u)
[ -n "$api" ] || { echo "FAIL: no GRIDFORM_API functions found in $srcdir/include/gridform"; exit 1; }
bound=$(cat "$pkg"/*.py | tr -d ' \n' | grep -o 'proto("gridform_[A-Za-z0-9_]*"' |
            sed 's/^proto("//; s/"$//' | sort -u)
listed=$(sed 's/#.*//' "$list" | tr -s ' \t' '\n\n' | grep . | sort -u)

in_set() {   # in_set NAME SET...
    n=$1; shift
    for x in "$@"; do [ "$x" = "$n" ] && return 0; done
    return 1
}

status=0
nlisted=0
for f in $listed; do
    nlisted=$((nlisted + 1))
    if ! in_set "$f" $bound; then
        echo "FAIL: $f is in tests/python_api.list but python/gridform does not wrap it"
        status=1
    fi
done
pending=""
nwrapped=0
napi=0
for f in $api; do
    napi=$((napi + 1))
    if in_set "$f" $bound; then nwrapped=$((nwrapped + 1)); else pending="$pending $f"; fi
done
for f in $bound; do
    if ! in_set "$f" $api; then
        echo "NOTE: python/gridform binds $f, which no header declares"
        [ "$STRICT" = 1 ] && status=1
    fi
done
if [ -n "$pending" ]; then
    echo "public functions not yet wrapped by python/gridform (landed after tests/python_api.list):"
    printf '  %s\n' $pending
    [ "$STRICT" = 1 ] && status=1
fi
if [ $status = 0 ]; then
    echo "PASS: $nwrapped of $napi public functions wrapped; all $nlisted listed ones"
fi
exit $status
