/* gridform_learner_diagnose: has a map collapsed to a single bump or to the
 * constant mode instead of forming a pattern?
 *
 * The theory (Sorscher et al. 2019, section 3; doc/theory.md §1.6) predicts
 * patterns, many fields per map, from a kernel whose spectrum peaks on a
 * ring.  A kernel whose top eigenvectors are not plane waves sends maps
 * elsewhere: the exact kernel P P^T/np of a finite random code in a walled
 * box has its top eigenvector constant (uncentred: the normalisation's DC
 * term) or localised (centred: the code's irregularities outweigh the
 * ring), and rectified maps then settle on the constant mode or on one
 * bump, silently.  This reads the maps only (through the public getter, so
 * it works in either precision) and classifies each one. */
#include <math.h>
#include <stdlib.h>
#include "internal.h"
#include "learner_impl.h"

/* A map whose mean carries this fraction of its mean square, <g>^2/<g^2>,
 * is the constant mode with a ripple: variance at most a tenth of the
 * mean square.  Rectified hexagons have 0.2 to 0.5 (doc/theory.md §1.6). */
#define GF_CONSTANT_FRACTION 0.9
/* Fields are the connected sets of bins above min + 0.5 (max - min). */
#define GF_FIELD_LEVEL 0.5

/* Number of 4-connected components of the bins of g (ny x nx) above the
 * field level, over the inside bins, wrapping around a periodic box.
 * 4-connected, not 8: at the half-range level about half the bins of a
 * noisy map are above it, which is below the 4-neighbour site-percolation
 * threshold (0.593) but above the 8-neighbour one (0.407), so with 8
 * neighbours noise would join into one "field".  The smooth fields of a
 * learned map are connected either way.  mark and stack hold nx*ny
 * entries each. */
static size_t count_fields(const double *g, size_t nx, size_t ny, int periodic, const unsigned char *inside,
                           double level, unsigned char *mark, size_t *stack)
{
    static const int step[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
    size_t n = nx * ny, nfields = 0;
    for (size_t i = 0; i < n; i++)
        mark[i] = (unsigned char)((inside == NULL || inside[i]) && g[i] > level);
    for (size_t seed = 0; seed < n; seed++) {
        if (!mark[seed])
            continue;
        nfields++;
        size_t top = 0;
        stack[top++] = seed;
        mark[seed] = 0;
        while (top > 0) {
            size_t c = stack[--top];
            size_t cy = c / nx, cx = c % nx;
            for (int d = 0; d < 4; d++) {
                /* x is cx + dx shifted by nx, so that it stays unsigned */
                size_t x = cx + nx + (size_t)(step[d][0] + 1) - 1, y = cy + ny + (size_t)(step[d][1] + 1) - 1;
                if (!periodic && (x < nx || x >= 2 * nx || y < ny || y >= 2 * ny))
                    continue;
                size_t j = (y % ny) * nx + x % nx;
                if (mark[j]) {
                    mark[j] = 0;
                    stack[top++] = j;
                }
            }
        }
    }
    return nfields;
}

static int classify(const double *g, size_t nx, size_t ny, int periodic, const unsigned char *inside,
                    unsigned char *mark, size_t *stack)
{
    size_t n = nx * ny, count = 0;
    double lo = 0.0, hi = 0.0, sum = 0.0, sumsq = 0.0;
    /* Sums of the map scaled by its largest |value|, so that no map too
     * large or too small for its squares to exist in double is misread. */
    double scale = 0.0;
    for (size_t i = 0; i < n; i++)
        if ((inside == NULL || inside[i]) && fabs(g[i]) > scale)
            scale = fabs(g[i]);
    if (!(scale > 0.0))
        return GRIDFORM_MAP_CONSTANT;   /* all zero: the constant 0 */
    for (size_t i = 0; i < n; i++) {
        if (inside != NULL && !inside[i])
            continue;
        double v = g[i] / scale;
        if (count == 0 || v < lo)
            lo = v;
        if (count == 0 || v > hi)
            hi = v;
        sum += v;
        sumsq += v * v;
        count++;
    }
    double mean = sum / (double)count;
    if (mean * mean >= GF_CONSTANT_FRACTION * (sumsq / (double)count))
        return GRIDFORM_MAP_CONSTANT;
    /* The field level in the scaled units, compared with the scaled map:
     * count_fields reads g itself, so take the level back to g's units. */
    double level = (lo + GF_FIELD_LEVEL * (hi - lo)) * scale;
    return count_fields(g, nx, ny, periodic, inside, level, mark, stack) >= 2 ? GRIDFORM_MAP_PATTERN
                                                                              : GRIDFORM_MAP_BUMP;
}

int gridform_learner_diagnose(const gridform_learner *l, int *per_map_class, size_t *ncollapsed)
{
    if (l == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "l must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&l->err;
    if (per_map_class == NULL && ncollapsed == NULL)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "per_map_class and ncollapsed must not both be NULL");
    const gridform_arena *a = gridform_kernel_get_arena(l->kernel);
    size_t nmaps = 0, nx = 0, ny = 0, n, total;
    int boundary = 0, rc;
    if ((rc = gridform_learner_get_nmaps(l, &nmaps)) != GRIDFORM_OK
        || (rc = gridform_arena_get_shape(a, &nx, &ny)) != GRIDFORM_OK
        || (rc = gridform_arena_get_boundary(a, &boundary)) != GRIDFORM_OK)
        return GF_FAIL(eb, rc, "cannot read the learner's geometry");
    if (!gridform__mul_size(nx, ny, &n) || !gridform__mul_size(n, nmaps, &total))
        return GF_FAIL(eb, GRIDFORM_ERANGE, "%zu maps of %zu x %zu overflow size_t", nmaps, ny, nx);
    double *maps = gridform__malloc_array(total, sizeof *maps);
    unsigned char *mark = gridform__malloc_array(n, sizeof *mark);
    size_t *stack = gridform__malloc_array(n, sizeof *stack);
    if (maps == NULL || mark == NULL || stack == NULL) {
        gridform__free(maps);
        gridform__free(mark);
        gridform__free(stack);
        return GF_FAIL(eb, GRIDFORM_ENOMEM, "no memory for %zu maps of %zu x %zu", nmaps, ny, nx);
    }
    rc = gridform_learner_get_maps(l, maps);
    if (rc == GRIDFORM_OK) {
        const unsigned char *inside = gridform__arena_inside(a);
        size_t collapsed = 0;
        for (size_t j = 0; j < nmaps; j++) {
            int cls = classify(maps + j * n, nx, ny, boundary == GRIDFORM_PERIODIC, inside, mark, stack);
            if (cls != GRIDFORM_MAP_PATTERN)
                collapsed++;
            if (per_map_class != NULL)
                per_map_class[j] = cls;
        }
        if (ncollapsed != NULL)
            *ncollapsed = collapsed;
    }
    gridform__free(maps);
    gridform__free(mark);
    gridform__free(stack);
    return rc;
}
