#!/bin/sh
# The Python ctypes binding (examples/python) against the shared library of
# this build: its self-test, then the demo at a small size compared with
# the C demo (when both exist).  SKIP (77) without a Python that has NumPy
# or without a shared library.
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
GRIDFORM_LIB=$builddir/lib/.libs/libgridform.so
[ -f "$GRIDFORM_LIB" ] || { echo "SKIP: no shared library at $GRIDFORM_LIB"; exit 77; }
export GRIDFORM_LIB
# a sanitizer build's library cannot be loaded into a plain Python
if nm -D "$GRIDFORM_LIB" 2>/dev/null | grep -q ' U __asan_\| U __tsan_'; then
    echo "SKIP: sanitizer build"; exit 77
fi
export PYTHONDONTWRITEBYTECODE=1
"$py" "$srcdir/examples/python/gridform.py" || exit 1
demo=$srcdir/examples/python/demo.py
if [ -f "$demo" ]; then
    # small enough for make check; same seed, so the numbers must match
    "$py" "$demo" --maps 4 --n 32 --box 2.2 --steps 40 --check --builddir "$builddir" || exit 1
fi
exit 0
