#!/bin/sh
# Fails if the shared library exports a symbol without the gridform_ prefix,
# or exports none at all.  Skips (77) where there is no shared library or nm.
lib=${top_builddir:-.}/lib/.libs/libgridform.so
command -v nm >/dev/null 2>&1 || { echo "SKIP: no nm"; exit 77; }
[ -f "$lib" ] || { echo "SKIP: no shared library at $lib"; exit 77; }
syms=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' | sed 's/@.*//' | sort -u)
total=$(printf '%s\n' "$syms" | grep -c . )
bad=$(printf '%s\n' "$syms" | grep -v '^gridform_' | grep -v '^$')
if [ "$total" -lt 10 ]; then
    echo "FAIL: only $total exported symbols in $lib"
    exit 1
fi
if [ -n "$bad" ]; then
    echo "FAIL: exported symbols without the gridform_ prefix:"
    printf '  %s\n' $bad
    exit 1
fi
echo "PASS: $total exported symbols, all prefixed gridform_"
exit 0
