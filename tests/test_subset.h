/* The covering subsets of the loop-heavy tests, for CI's slow runs.
 *
 * GRIDFORM_TEST_SUBSET=1 is set by .ci/extra's valgrind stage and by
 * .ci/run for distcheck (whose job is the tarball, after `make check` ran
 * every row); `make check` and the asan stage run every row.  What
 * memcheck adds to the asan stage is the detection of uninitialised values,
 * and that needs every code path once, not every seed, repeat or
 * combination.  So under the variable a table-driven test runs a covering
 * subset (every value of every axis at least once), a seed or repeat loop
 * runs fewer seeds, and every row that runs asserts exactly what it
 * asserts in `make check`.  A test using these helpers says in its comment
 * which rows it keeps. */
#ifndef GRIDFORM_TESTS_TEST_SUBSET_H
#define GRIDFORM_TESTS_TEST_SUBSET_H

#include <stddef.h>
#include <stdlib.h>

/* 1 when GRIDFORM_TEST_SUBSET is set to anything but "" or "0". */
static inline int gf_subset(void)
{
    const char *v = getenv("GRIDFORM_TEST_SUBSET");
    return v != NULL && v[0] != '\0' && !(v[0] == '0' && v[1] == '\0');
}

/* full normally, reduced under GRIDFORM_TEST_SUBSET: a count of seeds,
 * repeats or modes. */
static inline size_t gf_subset_count(size_t full, size_t reduced)
{
    return gf_subset() ? reduced : full;
}

/* Whether the row with index idx[a] (0 <= idx[a] < len[a]) on each of the
 * naxes axes of a table runs.  Always normally; under GRIDFORM_TEST_SUBSET
 * only the diagonal rows idx[a] == k % len[a], k = 0 .. max(len) - 1:
 * max(len) rows in which every value of every axis occurs. */
static inline int gf_subset_row(size_t naxes, const size_t *idx, const size_t *len)
{
    if (!gf_subset())
        return 1;
    size_t longest = 0;
    for (size_t a = 1; a < naxes; a++)
        if (len[a] > len[longest])
            longest = a;
    size_t k = idx[longest];
    for (size_t a = 0; a < naxes; a++)
        if (idx[a] != k % len[a])
            return 0;
    return 1;
}

/* Two-axis shorthand. */
static inline int gf_subset_row2(size_t i, size_t ni, size_t j, size_t nj)
{
    const size_t idx[2] = {i, j}, len[2] = {ni, nj};
    return gf_subset_row(2, idx, len);
}

#endif
