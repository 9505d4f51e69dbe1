#!/bin/sh
# Consumer test (issue 7): install into a staging directory, then build a
# separate tiny program using nothing but pkg-config, once against the
# shared library and once with `pkg-config --static` against the static
# one, and run both.  Run from a configured and built tree:
#     sh tests/consumer.sh [scratch-dir]
# .ci/extra runs it; it is not part of `make check` because the install
# prefix inside `make distcheck` is not ours to install into.
set -u
scratch=${1:-_ci/consumer}
case $scratch in /*) ;; *) scratch=$(pwd)/$scratch ;; esac
CC=${CC:-cc}
rm -rf "$scratch" && mkdir -p "$scratch" || exit 1
stage=$scratch/stage

make -s install DESTDIR="$stage" >"$scratch/install.log" 2>&1 || { cat "$scratch/install.log"; echo "FAIL: make install DESTDIR"; exit 1; }
pc=$(find "$stage" -name gridform.pc | head -n 1)
[ -n "$pc" ] || { echo "FAIL: gridform.pc not installed"; exit 1; }
for f in gridform.h gridform/status.h gridform/version.h; do
    [ -n "$(find "$stage" -path "*/include/$f")" ] || { echo "FAIL: include/$f not installed"; exit 1; }
done
# Every installed program has its man1 page installed beside it, every
# installed man1 page a program (issue 20), and each runs from the stage.
bindir=$(find "$stage" -type d -name bin | head -n 1)
man1=$(find "$stage" -type d -path '*/man/man1' | head -n 1)
libdir=$(dirname "$(find "$stage" -name 'libgridform.so*' | head -n 1)")
[ -n "$bindir" ] && [ -n "$man1" ] || { echo "FAIL: no bin/ or man/man1/ installed"; exit 1; }
for p in "$bindir"/*; do
    n=$(basename "$p")
    [ -f "$man1/$n.1" ] || { echo "FAIL: installed program $n has no installed man1 page"; exit 1; }
    LD_LIBRARY_PATH=$libdir "$p" --help >/dev/null 2>&1 || { echo "FAIL: installed $n --help failed"; exit 1; }
done
for m in "$man1"/*.1; do
    [ -x "$bindir/$(basename "$m" .1)" ] || { echo "FAIL: man1 page $(basename "$m") has no installed program"; exit 1; }
done
echo "| installed programs, each with its man1 page: $(ls "$bindir" | tr '\n' ' ')"

cat >"$scratch/prog.c" <<'PROG'
/* A program outside the tree: only <gridform.h> and pkg-config. */
#include <stdio.h>
#include <string.h>
#include <gridform.h>

int main(void)
{
    gridform_arena *a = NULL;
    size_t nfreq = 0;
    if (strcmp(gridform_version_string(), GRIDFORM_VERSION_STRING) != 0) {
        fprintf(stderr, "header %s but library %s\n", GRIDFORM_VERSION_STRING, gridform_version_string());
        return 1;
    }
    int rc = gridform_arena_create(&a, 2.0, 2.0, 16, 12, GRIDFORM_PERIODIC);
    if (rc != GRIDFORM_OK) {
        fprintf(stderr, "arena: %s: %s\n", gridform_strerror(rc), gridform_last_error());
        return 1;
    }
    rc = gridform_arena_get_nfreq(a, &nfreq);
    gridform_arena_destroy(a);
    if (rc != GRIDFORM_OK || nfreq != 12 * 9)
        return 1;
    if (gridform_arena_create(&a, -1.0, 2.0, 16, 12, GRIDFORM_PERIODIC) != GRIDFORM_EINVAL || a != NULL)
        return 1;
    /* the README's tour: the DoG ring (FFTW through the library) */
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    double kstar = 0, spacing = 0;
    rc = gridform_arena_create(&a, 4.4, 4.4, 64, 64, GRIDFORM_PERIODIC);
    if (rc == GRIDFORM_OK)
        rc = gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, 0.12, 2.0, 4096, GRIDFORM_CENTERS_LATTICE, 1);
    if (rc == GRIDFORM_OK)
        rc = gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER);
    if (rc == GRIDFORM_OK)
        rc = gridform_kernel_ring(k, &kstar, &spacing);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
    if (rc != GRIDFORM_OK || kstar < 9.7 || kstar > 9.9) {
        fprintf(stderr, "ring: %s: %s (k* = %g)\n", gridform_strerror(rc), gridform_last_error(), kstar);
        return 1;
    }
    printf("consumer ok: libgridform %s, nfreq %zu, k* = %.3f rad/m, spacing %.3f m\n",
           gridform_version_string(), nfreq, kstar, spacing);
    return 0;
}
PROG

export PKG_CONFIG_PATH="$(dirname "$pc")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PKG_CONFIG_SYSROOT_DIR="$stage"
libdir=$stage$(pkg-config --variable=libdir gridform | sed "s|^$stage||")

# shared
flags=$(pkg-config --cflags --libs gridform) || { echo "FAIL: pkg-config --cflags --libs gridform"; exit 1; }
echo "shared: $CC prog.c $flags"
$CC -Wall -Werror "$scratch/prog.c" -o "$scratch/prog_shared" $flags || { echo "FAIL: shared build"; exit 1; }
LD_LIBRARY_PATH=$libdir "$scratch/prog_shared" || { echo "FAIL: shared program"; exit 1; }
LD_LIBRARY_PATH=$libdir ldd "$scratch/prog_shared" | grep -q "$libdir/libgridform.so" ||
    { echo "FAIL: prog_shared does not load the staged libgridform.so"; exit 1; }

# Python: the staged package imports and loads the staged library by its
# soname with no environment variable (GRIDFORM_LIB unset), from a
# directory outside the build tree.  Skipped when configure found no Python
# (no package installed) or no interpreter here has NumPy.
pkginit=$(find "$stage" -path '*/gridform/__init__.py' | head -n 1)
py=
for c in /usr/bin/python3 python3; do
    if "$c" -c 'import numpy' >/dev/null 2>&1; then py=$c; break; fi
done
if [ -z "$pkginit" ]; then
    echo "| consumer: no Python package installed (configure found no Python 3): skipped"
elif [ -z "$py" ]; then
    echo "| consumer: no Python with NumPy: Python import skipped"
else
    site=$(dirname "$(dirname "$pkginit")")
    out=$(cd "$scratch" && env -u GRIDFORM_LIB PYTHONPATH="$site" PYTHONDONTWRITEBYTECODE=1 "$py" -c \
          'import gridform; print(gridform.version(), gridform.lib._name)') ||
        { echo "FAIL: python3 -c 'import gridform' with PYTHONPATH=$site"; exit 1; }
    echo "python: $out"
    case $out in
        *"$libdir"/libgridform.so.*) ;;
        *) echo "FAIL: the staged package did not load the staged library ($out)"; exit 1 ;;
    esac
fi

# static: without the .so in the staged libdir the linker must take
# libgridform.a, so everything Libs.private/Requires.private list is needed
# and nothing else is.
rm -f "$libdir"/libgridform.so*
flags=$(pkg-config --static --cflags --libs gridform) || { echo "FAIL: pkg-config --static"; exit 1; }
echo "static: $CC prog.c $flags"
$CC -Wall -Werror "$scratch/prog.c" -o "$scratch/prog_static" $flags || { echo "FAIL: static build"; exit 1; }
"$scratch/prog_static" || { echo "FAIL: static program"; exit 1; }
if ldd "$scratch/prog_static" | grep -q libgridform; then
    echo "FAIL: prog_static still needs libgridform.so"; exit 1
fi
echo "| consumer: shared and static builds from pkg-config run; the Python package imports"
