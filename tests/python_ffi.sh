#!/bin/sh
# The Python package (python/gridform) against the shared library of this
# build: every wrapper against the same calls made from C
# (tests/python_package.py with tests/python_ref), then the demo at a small
# size compared bit for bit with the C demo.  SKIP (77) without a Python
# that has NumPy, without a shared library, or in a sanitizer build.
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
py=${PYTHON_NUMPY:-}
if [ -z "$py" ]; then
    for c in /usr/bin/python3 python3; do
        if "$c" -c 'import numpy' >/dev/null 2>&1; then py=$c; break; fi
    done
fi
[ -n "$py" ] || { echo "SKIP: no Python with NumPy (set PYTHON_NUMPY)"; exit 77; }
"$py" -c 'import numpy' >/dev/null 2>&1 || { echo "SKIP: $py cannot import numpy"; exit 77; }
# The build tree's library by the soname the package loads when installed
# (GRIDFORM_LIB is the package's override for exactly this case).
la=$builddir/lib/libgridform.la
soname=$(sed -n "s/^dlname='\(.*\)'$/\1/p" "$la" 2>/dev/null)
[ -n "$soname" ] || { echo "SKIP: no shared library in this build ($la)"; exit 77; }
GRIDFORM_LIB=$builddir/lib/.libs/$soname
[ -f "$GRIDFORM_LIB" ] || { echo "FAIL: $la names $soname, which is not in lib/.libs"; exit 1; }
export GRIDFORM_LIB
# a sanitizer build's library cannot be loaded into a plain Python
if nm -D "$GRIDFORM_LIB" 2>/dev/null | grep -q ' U __asan_\| U __tsan_'; then
    echo "SKIP: sanitizer build"; exit 77
fi
# the generated _build.py (when this is an in-tree build) names the same soname
if [ -f "$srcdir/python/gridform/_build.py" ]; then
    grep -q "^SONAME = \"$soname\"$" "$srcdir/python/gridform/_build.py" ||
        { echo "FAIL: python/gridform/_build.py does not name $soname"; exit 1; }
fi
export PYTHONDONTWRITEBYTECODE=1
PYTHONPATH=$srcdir/python${PYTHONPATH:+:$PYTHONPATH}
export PYTHONPATH
GRIDFORM_PY_TRACE=1 "$py" "$srcdir/tests/python_package.py" "$builddir/tests/python_ref" || exit 1
# README's Python example runs as printed (its numbers are not compared:
# they follow the learner's defaults)
# (the one ```python block that imports gridform; README has others)
readme_py=$(awk '/^```python$/ { inb = 1; b = ""; next }
                 inb && /^```$/ { inb = 0; if (b ~ /import gridform/) { printf "%s", b; exit } next }
                 inb { b = b $0 "\n" }' "$srcdir/README.md")
[ -n "$readme_py" ] || { echo "FAIL: no Python example in README.md"; exit 1; }
out=$(printf '%s\n' "$readme_py" | "$py" -) || { echo "FAIL: README.md's Python example"; exit 1; }
printf '%s\n' "$out" | sed 's/^/README: /'
printf '%s\n' "$out" | grep -q '^ring k\* = 9\.81 rad/m, hexagonal spacing 0\.739 m$' ||
    { echo "FAIL: README.md's Python example printed something else"; exit 1; }
demo=$srcdir/examples/python/demo.py
# small enough for make check; same seed, so the numbers must match
"$py" "$demo" --maps 4 --n 32 --box 2.2 --steps 40 --check --builddir "$builddir" || exit 1
exit 0
