#!/bin/sh
# Every citation of the theory document must name a section that exists.
#
# A citation is "doc/theory.md" followed, on the same line, by one or more
# section marks "§N" or "§N.M" (man pages may spell the mark \(sc), e.g.
# "doc/theory.md §1.5" or "doc/theory.md §2.2 and §4"; "section 6.5" on such
# a line counts as a mark too (the house style is §).  Every mark on such a
# line is checked against the headings of doc/theory.md ("## N Title",
# "### N.M Title").  The old name of the document must not appear at all.
# Exit 0 when every citation resolves, 1 with a list of the dangling ones.
srcdir=${top_srcdir:-.}
doc=$srcdir/doc/theory.md
[ -f "$doc" ] || { echo "FAIL: $doc is missing"; exit 1; }
LC_ALL=C
export LC_ALL

sections=$(sed -n 's/^##* \([0-9][0-9]*\(\.[0-9][0-9]*\)*\) .*/\1/p' "$doc")
[ -n "$sections" ] || { echo "FAIL: no numbered headings in $doc"; exit 1; }

# The places that cite the document (those that exist in this tree).
files=
for d in lib include man examples tools tests python bench doc; do
    [ -d "$srcdir/$d" ] && files="$files $(find "$srcdir/$d" -type f \
        \( -name '*.c' -o -name '*.h' -o -name '*.h.in' -o -name '*.cpp' -o -name '*.[1-9]' \
           -o -name '*.sh' -o -name '*.py' -o -name '*.md' -o -name '*.in' \) -print)"
done
for f in README.md ChangeLog BENCHMARKS.md Makefile.am configure.ac; do
    [ -f "$srcdir/$f" ] && files="$files $srcdir/$f"
done

status=0
ncit=0
old=THEORY; old="$old.md"
for f in $files; do
    # the old document name is never cited (this script builds it in pieces)
    if grep -n "$old" "$f" >/dev/null 2>&1; then
        grep -n "$old" "$f" | sed "s|^|FAIL: $f: cites the old name: |"
        status=1
    fi
    # "section 6.5" / "sections 2 and 4" after the name count as citations too
    grep -n 'doc/theory\.md' "$f" 2>/dev/null |
        sed -e 's/\\(sc/§/g' -e 's/[Ss]ections* \([0-9]\)/§\1/g' -e 's/\(§[0-9.]*\) and \([0-9]\)/\1 and §\2/g' \
        > theory_citations.tmp
    while IFS= read -r line; do
        lineno=${line%%:*}
        for sec in $(printf '%s\n' "$line" | grep -o '§ *[0-9][0-9]*\(\.[0-9][0-9]*\)*' | sed 's/^§ *//'); do
            ncit=$((ncit + 1))
            found=no
            for s in $sections; do
                [ "$s" = "$sec" ] && { found=yes; break; }
            done
            if [ $found = no ]; then
                echo "FAIL: $f:$lineno cites doc/theory.md §$sec, which has no heading"
                status=1
            fi
        done
    done < theory_citations.tmp
done
rm -f theory_citations.tmp
if [ $status = 0 ]; then
    echo "PASS: $ncit citations of doc/theory.md resolve to its headings"
fi
exit $status
