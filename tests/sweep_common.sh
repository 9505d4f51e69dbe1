# Shared by the gridform-sweep tests (sourced).  The acceptance grid of
# issue 15: 24 tasks (3 sigma x 4 surround x 2 seeds), 40 x 40, 8 maps,
# 200 steps.
builddir=${top_builddir:-.}
SWEEP="$builddir/tools/gridform-sweep${EXEEXT:-}"
[ -x "$SWEEP" ] || { echo "FAIL: $SWEEP not built"; exit 1; }
SMALL="--sigma 0.1,0.12,0.14 --surround 1.5,2,3,4 --seeds 2 --box 2 --n 40 --maps 8 --steps 200"
# Open MPI refuses to run as root without these; CI runs as root.
OMPI_ALLOW_RUN_AS_ROOT=1; OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sweep-test.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
# A results file without its last column (seconds, the one column that may
# differ between runs).
strip_seconds() { sed 's/,[^,]*$//' "$1"; }
same_rows() {   # same_rows A B WHAT
    strip_seconds "$1" > "$WORK/.a"; strip_seconds "$2" > "$WORK/.b"
    if cmp -s "$WORK/.a" "$WORK/.b"; then
        echo "ok: $3: identical rows"
    else
        echo "FAIL: $3: rows differ:"; diff "$WORK/.a" "$WORK/.b" | head -20
        exit 1
    fi
}
