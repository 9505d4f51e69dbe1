/* libgridform: mean rate maps from a trajectory and activities. */
#include "config.h"
#include <math.h>
#include <string.h>
#include "internal.h"

int gridform_ratemap_accumulate(const gridform_arena *a, const double *xy, size_t npos,
                                const double *activity, size_t ncells, double min_occupancy,
                                double *maps, double *occupancy)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a (the arena) must not be NULL");
    /* The arena validated its geometry; its boundary does not matter here
     * (a trajectory's positions are binned the same in either). */
    const size_t nx = a->nx, ny = a->ny;
    const double lx = a->lx, ly = a->ly;
    GF_CHECK_PTR(NULL, xy);
    GF_CHECK_PTR(NULL, activity);
    GF_CHECK_PTR(NULL, maps);
    if (npos == 0 || ncells == 0)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "npos and ncells must be >= 1, got %zu and %zu", npos,
                       ncells);
    if (!isfinite(min_occupancy) || min_occupancy < 0)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "min_occupancy must be finite and >= 0, got %g",
                       min_occupancy);
    size_t nbin, total, nact, t2;
    if (!gridform__mul_size(nx, ny, &nbin) || !gridform__mul_size(nbin, ncells, &total)
        || !gridform__mul_size(npos, ncells, &nact) || !gridform__mul_size(npos, 2, &t2))
        return GF_FAIL(NULL, GRIDFORM_ERANGE, "sizes overflow (%zu x %zu bins, %zu cells, %zu samples)",
                       nx, ny, ncells, npos);
    /* Validate every sample first, so a bad input leaves the outputs alone. */
    for (size_t t = 0; t < npos; t++) {
        double x = xy[2 * t], y = xy[2 * t + 1];
        if (isnan(x) || isnan(y))
            continue;
        if (!(fabs(x) <= 0.5 * lx) || !(fabs(y) <= 0.5 * ly))
            return GF_FAIL(NULL, GRIDFORM_EINVAL,
                           "position %zu (%g, %g) lies outside the %g x %g m box centred on the origin",
                           t, x, y, lx, ly);
        for (size_t c = 0; c < ncells; c++)
            if (!isfinite(activity[t * ncells + c]))
                return GF_FAIL(NULL, GRIDFORM_EINVAL, "activity[%zu][%zu] is not finite", t, c);
    }
    double *occ = gridform__calloc(nbin, sizeof *occ);
    if (occ == NULL)
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate %zu occupancy bins", nbin);
    memset(maps, 0, total * sizeof *maps);
    /* Bin ix covers [-lx/2 + ix lx/nx, -lx/2 + (ix+1) lx/nx), the arena's
     * cell around point ix; the far wall x = lx/2 belongs to the last bin. */
    for (size_t t = 0; t < npos; t++) {
        double x = xy[2 * t], y = xy[2 * t + 1];
        if (isnan(x) || isnan(y))
            continue;
        size_t ix = (size_t)floor((x / lx + 0.5) * (double)nx);
        size_t iy = (size_t)floor((y / ly + 0.5) * (double)ny);
        if (ix >= nx) ix = nx - 1;
        if (iy >= ny) iy = ny - 1;
        size_t b = iy * nx + ix;
        occ[b] += 1;
        const double *act = activity + t * ncells;
        for (size_t c = 0; c < ncells; c++)
            maps[c * nbin + b] += act[c];
    }
    double need = min_occupancy > 1 ? min_occupancy : 1;
    /* Bins outside the arena's shape are unvisited whatever the samples
     * say (doc/theory.md §7.5). */
    const unsigned char *inside = gridform__arena_inside(a);
    for (size_t b = 0; b < nbin; b++) {
        int ok = occ[b] >= need && (inside == NULL || inside[b]);
        for (size_t c = 0; c < ncells; c++)
            maps[c * nbin + b] = ok ? maps[c * nbin + b] / occ[b] : NAN;
    }
    if (occupancy != NULL)
        memcpy(occupancy, occ, nbin * sizeof *occ);
    gridform__free(occ);
    return GRIDFORM_OK;
}
