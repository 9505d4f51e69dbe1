#!/bin/sh
# The README's quick-start line (`apt-get install ... && ./configure ...`)
# must name every Debian package this build needed: each header the
# compiler read outside the source tree (the -MD dependency files automake
# writes beside every object: library, programs, tests), each shared
# library that libgridform.so and the installed programs load (ldd), and
# each tool the command runs (autotools, make, the configured compilers) is
# mapped to its package (dpkg -S), and that package must be named on the
# line or be a dependency (Depends/Pre-Depends, recursively, as installed
# here) of one that is.  Packages that only optional parts need (MPI for
# gridform-sweep) may instead come from another `apt-get install` the
# README names; they are listed as optional.  A failure names the file and
# its package.  Skips (77) without dpkg, or when the build kept no
# dependency files (--disable-dependency-tracking).
#
# Run it against another README (the test of the test):
#   README=/tmp/README.md tests/readme_deps.sh
builddir=${top_builddir:-.}
srcdir=${top_srcdir:-.}
readme=${README:-$srcdir/README.md}
command -v dpkg >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1 ||
    { echo "SKIP: no dpkg (not a Debian system)"; exit 77; }
[ -f "$readme" ] || { echo "FAIL: no README at $readme"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/readme_deps.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# Package words of an `apt-get install` command: after "install", up to the
# next shell operator, options dropped.
apt_words() {
    sed -n 's/.*apt-get install\([^&;|`]*\).*/\1/p' | tr ' ' '\n' | grep -v '^-' | grep -v '^$' | sort -u
}
grep 'apt-get install' "$readme" | grep -e '\./configure' | head -n 1 | apt_words >"$tmp/core"
[ -s "$tmp/core" ] || { echo "FAIL: $readme has no quick-start line with 'apt-get install' and './configure'"; exit 1; }
grep 'apt-get install' "$readme" | grep -v -e '\./configure' | apt_words >"$tmp/optional"

# The installed packages: name, what they provide, what they depend on.
dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\t${Provides}\t${Pre-Depends}, ${Depends}\n' 2>/dev/null |
    awk -F'\t' '$1 ~ /^ii/ { print $2 "\t" $3 "\t" $4 }' >"$tmp/db"
[ -s "$tmp/db" ] || { echo "SKIP: dpkg-query lists no installed packages"; exit 77; }

# Everything the named packages pull in, as installed on this machine: an
# alternative "a | b" is satisfied by whichever is installed, a virtual
# package by its installed providers.
closure() {   # closure NAMES_FILE > CLOSURE
    awk -F'\t' '
    function bare(s) { gsub(/\(.*\)/, "", s); gsub(/:[a-z0-9]+/, "", s); gsub(/ /, "", s); return s }
    FNR == NR {
        inst[$1] = 1; dep[$1] = $3
        np = split($2, p, ",")
        for (i = 1; i <= np; i++) { v = bare(p[i]); if (v != "") prov[v] = prov[v] " " $1 }
        next
    }
    { w = bare($0); if (w != "") { want[++n] = w; seen[w] = 1 } }
    END {
        for (q = 1; q <= n; q++) {
            name = want[q]
            if (!(name in inst)) {          # virtual: its providers
                m = split(prov[name], pv, " ")
                for (i = 1; i <= m; i++) if (!(pv[i] in seen)) { seen[pv[i]] = 1; want[++n] = pv[i] }
                continue
            }
            ng = split(dep[name], grp, ",")
            for (g = 1; g <= ng; g++) {
                na = split(grp[g], alt, "|")
                for (a = 1; a <= na; a++) {
                    d = bare(alt[a])
                    if (d == "" || (d in seen)) continue
                    if ((d in inst) || (d in prov)) { seen[d] = 1; want[++n] = d }
                }
            }
        }
        for (s in seen) if (s in inst) print s
    }' "$tmp/db" "$1" | sort -u
}
closure "$tmp/core" >"$tmp/core.all"
closure "$tmp/optional" >"$tmp/optional.all"

# The files: headers from the dependency files, libraries from ldd.
abs_build=$(cd "$builddir" && pwd -P)
abs_src=$(cd "$srcdir" && pwd -P)
deps=$(find "$builddir" -path '*/.deps/*' -name '*.P*o' 2>/dev/null)
[ -n "$deps" ] && cat $deps | tr ' \\' '\n\n' | sed 's/:$//' | grep '^/' | sort -u >"$tmp/headers"
[ -s "$tmp/headers" ] || { echo "SKIP: no dependency files with system headers (built with --disable-dependency-tracking?)"; exit 77; }
so=$builddir/lib/.libs/libgridform.so
[ -f "$so" ] || { echo "SKIP: no shared library at $so"; exit 77; }
ldd "$so" >"$tmp/ldd" 2>&1 || { echo "FAIL: ldd $so: $(cat "$tmp/ldd")"; exit 1; }
nprog=0
for p in ${BIN_PROGRAMS:-}; do
    [ -f "$builddir/$p" ] || { echo "FAIL: installed program $p is not built"; exit 1; }
    "$builddir/libtool" --mode=execute ldd "$builddir/$p" >>"$tmp/ldd" 2>&1 ||
        { echo "FAIL: ldd $p failed"; exit 1; }
    nprog=$((nprog + 1))
done
sed -n 's/.*=> \(\/[^ ]*\) (.*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' "$tmp/ldd" | sort -u >"$tmp/libs"
# The tools the README's command runs: autotools, make, the compilers.
: >"$tmp/tools"
for t in autoreconf autoconf automake aclocal libtoolize pkg-config make ${CC:-cc} ${CXX:-c++}; do
    p=$(command -v "$t" 2>/dev/null) && case $p in /*) echo "$p" >>"$tmp/tools" ;; esac
done
cat "$tmp/headers" "$tmp/libs" "$tmp/tools" >"$tmp/files"

# A file's package: dpkg knows the path it unpacked, which may be a
# symlink's target (/etc/alternatives), or the other side of merged /usr.
# One dpkg -S call for all the candidates (one call per file takes seconds).
: >"$tmp/cand"
while read -r f; do
    case $f in "$abs_build"/*|"$abs_src"/*) continue ;; esac
    for c in "$f" "$(readlink -f "$f")" "/usr$f" "${f#/usr}"; do
        [ -n "$c" ] && printf '%s\t%s\n' "$f" "$c" >>"$tmp/cand"
    done
done <"$tmp/files"
cut -f2 "$tmp/cand" | sort -u | xargs dpkg -S 2>/dev/null | grep -v '^diversion' >"$tmp/owners"
# "pkg1:arch, pkg2: /path" -> "/path<TAB>pkg1 pkg2"
sed -n 's|^\([^/]*\): \(/.*\)$|\2\t\1|p' "$tmp/owners" |
    awk -F'\t' '{ gsub(/:[a-z0-9]+/, "", $2); gsub(/,/, " ", $2); print $1 "\t" $2 }' >"$tmp/owner.map"
owner() {   # owner FILE -> its packages, space separated
    awk -F'\t' -v f="$1" 'FNR == NR { if ($1 == f) c[$2] = ++n; next }
        ($1 in c) && !done { print $2; done = 1 }' "$tmp/cand" "$tmp/owner.map" | grep .
}

status=0
nfile=0
unowned=0
: >"$tmp/used"
for f in $(cut -f1 "$tmp/cand" | sort -u); do
    nfile=$((nfile + 1))
    pkgs=$(owner "$f") || { unowned=$((unowned + 1)); echo "note: $f belongs to no package (not checked)"; continue; }
    ok=no
    for p in $pkgs; do
        if grep -qx "$p" "$tmp/core.all"; then ok=core; echo "$p" >>"$tmp/used"; break; fi
    done
    if [ $ok = no ]; then
        for p in $pkgs; do
            grep -qx "$p" "$tmp/optional.all" && { ok=optional; echo "$p (optional)" >>"$tmp/used"; break; }
        done
    fi
    if [ $ok = no ]; then
        echo "FAIL: $f is from package $(echo $pkgs | tr ' ' ','), which the README's apt-get line" \
             "neither names nor pulls in"
        status=1
    fi
done
[ "$nfile" -gt 0 ] || { echo "FAIL: no system files found"; exit 1; }
if [ $status -eq 0 ]; then
    echo "PASS: $nfile system headers, libraries (of libgridform.so and $nprog installed programs) and tools" \
         "come from $(sort -u "$tmp/used" | wc -l) packages, all named or pulled in by the README's line:" \
         "$(tr '\n' ' ' <"$tmp/core")"
    [ $unowned -eq 0 ] || echo "($unowned files belong to no package)"
    echo "packages used: $(sort -u "$tmp/used" | tr '\n' ' ')"
fi
exit $status
