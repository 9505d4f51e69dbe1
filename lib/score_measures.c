/* libgridform: the recording measures' state and options, spatial
 * information, sparsity and spatial coherence (doc/theory.md §6.9).
 *
 * Spatial information (Skaggs, McNaughton, Gothard and Markus, Advances in
 * Neural Information Processing Systems 5, 1993, eq. 1): with p_i the
 * fraction of time spent in bin i, lambda_i its rate and
 * lambda = sum p_i lambda_i the mean rate,
 *   I = sum_i p_i (lambda_i / lambda) log2(lambda_i / lambda)   bits/spike,
 * and lambda I in bits/s.  BNT and opexebo (rate_map_stats.py) keep only
 * the bins whose rate is above the mean (they clamp the log's argument at
 * 1), which drops the negative terms and raises I: the BNT variant.
 * Sparsity (Skaggs, McNaughton, Wilson and Barnes, Hippocampus 6:149,
 * 1996; Jung, Wiener and McNaughton, J. Neurosci. 14:7347, 1994):
 *   s = (sum p_i lambda_i)^2 / sum p_i lambda_i^2,
 * the fraction of the arena a cell fires in, 1 for a uniform map.
 *
 * Spatial coherence (Muller and Kubie, J. Neurosci. 9:4101, 1989): the
 * correlation between each bin's rate and the mean rate of its visited
 * 8-neighbours, over the visited bins that have one, reported as r and as
 * Fisher's z = atanh(r) (the paper's).  BNT and opexebo
 * (rate_map_coherence.py: astropy's convolution, which averages over the
 * neighbours that are not NaN and fills beyond the edge with zeros) count
 * the bins beyond the edge as zeros in the neighbour mean, set an
 * unvisited bin's own rate to 0 (its neighbour mean, 0 if it has none,
 * still enters) and correlate over all bins of the box, reporting r: the
 * BNT variant. */
#include "config.h"
#include <math.h>
#include <string.h>
#include "score_internal.h"

int gridform__measures_init(gridform_scorer *s, const gridform_arena *a)
{
    gridform__measures *m = &s->meas;
    const size_t n = s->nx * s->ny;   /* checked by the scorer's create */
    m->info_variant = GRIDFORM_VARIANT_PAPER;
    m->coherence_variant = GRIDFORM_VARIANT_PAPER;
    m->border_variant = GRIDFORM_VARIANT_PAPER;
    m->field_threshold = 0.2;
    m->field_min_bins = 9;
    m->connectivity = 4;
    m->border_threshold = 0.3;
    m->border_min_area = 0.02;
    m->label = gridform__malloc_array(n, sizeof *m->label);
    m->queue = gridform__malloc_array(n, sizeof *m->queue);
    m->order = gridform__malloc_array(n, sizeof *m->order);
    m->fstat = gridform__malloc_array(n, 7 * sizeof *m->fstat);   /* 7 statistics per field (score_fields.c) */
    m->work = gridform__malloc_array(n, sizeof *m->work);
    if (m->label == NULL || m->queue == NULL || m->order == NULL || m->fstat == NULL || m->work == NULL)
        return GRIDFORM_ENOMEM;
    (void)a;   /* the arena's shape is the scorer's (s->inside) */
    return GRIDFORM_OK;
}

void gridform__measures_free(gridform_scorer *s)
{
    gridform__measures *m = &s->meas;
    gridform__free(m->label);
    gridform__free(m->queue);
    gridform__free(m->order);
    gridform__free(m->fstat);
    gridform__free(m->work);
    memset(m, 0, sizeof *m);
}

void gridform__pow2_scale(double maxabs, double *f1, double *f2)
{
    int e = ilogb(maxabs);
    int e1 = -e / 2;
    *f1 = ldexp(1.0, e1);
    *f2 = ldexp(1.0, -e - e1);
}

size_t gridform__measure_maps(gridform_scorer *s, const double *maps, size_t nmaps, gridform__map_measure one,
                              const void *ctx, double *out0, double *out1, double *out2, size_t *first)
{
    const size_t n = s->nx * s->ny;
    size_t nundef = 0;
    *first = 0;
    for (size_t m = 0; m < nmaps; m++) {
        double v[3] = {NAN, NAN, NAN};
        if (!one(s, maps + m * n, ctx, &v[0], &v[1], &v[2]) && nundef++ == 0)
            *first = m;
        if (out0) out0[m] = v[0];
        if (out1) out1[m] = v[1];
        if (out2) out2[m] = v[2];
    }
    return nundef;
}

int gridform_scorer_set_measure_variant(gridform_scorer *s, int measure, int variant)
{
    if (s == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "s must not be NULL");
    if (variant != GRIDFORM_VARIANT_PAPER && variant != GRIDFORM_VARIANT_BNT)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL,
                       "variant must be GRIDFORM_VARIANT_PAPER (%d) or GRIDFORM_VARIANT_BNT (%d), got %d",
                       GRIDFORM_VARIANT_PAPER, GRIDFORM_VARIANT_BNT, variant);
    switch (measure) {
    case GRIDFORM_MEASURE_INFO: s->meas.info_variant = variant; break;
    case GRIDFORM_MEASURE_COHERENCE: s->meas.coherence_variant = variant; break;
    case GRIDFORM_MEASURE_BORDER: s->meas.border_variant = variant; break;
    default:
        return GF_FAIL(&s->err, GRIDFORM_EINVAL,
                       "measure must be GRIDFORM_MEASURE_INFO (%d), _COHERENCE (%d) or _BORDER (%d), got %d",
                       GRIDFORM_MEASURE_INFO, GRIDFORM_MEASURE_COHERENCE, GRIDFORM_MEASURE_BORDER, measure);
    }
    return GRIDFORM_OK;
}

/* The occupancy map of a spatial information call (NULL: every visited
 * bin equally) and the power of two that scales it. */
typedef struct {
    const double *occ;
    double scale;
} info_occupancy;

/* The scaled occupancy of bin i, 0 where the bin is unvisited. */
static double info_weight(const gridform_scorer *s, const double *map, const info_occupancy *oc, size_t i)
{
    if (!gridform__score_visited(s, map, i))
        return 0.0;
    return oc->occ == NULL ? 1.0 : oc->occ[i] * oc->scale;
}

/* The information, its rate and the sparsity of one map; 0 if undefined. */
static int info_one(gridform_scorer *s, const double *map, const void *ctx, double *bits_spike, double *bits_s,
                    double *sparsity)
{
    const info_occupancy *oc = ctx;
    const size_t n = s->nx * s->ny;
    /* Rates and occupancies are scaled by powers of two (exact) so that
     * squares and sums neither overflow nor underflow; a bin counts where
     * its scaled occupancy is positive. */
    double maxr = 0, T = 0;
    for (size_t i = 0; i < n; i++) {
        double o = info_weight(s, map, oc, i);
        if (!(o > 0))
            continue;
        T += o;
        if (map[i] > maxr)
            maxr = map[i];
    }
    if (!(maxr > 0))
        return 0;
    double f1, f2;
    gridform__pow2_scale(maxr, &f1, &f2);
    /* p_i = o_i / T in [0, 1], scaled rates x_i in [0, 2) */
    double mean = 0, m2 = 0;
    for (size_t i = 0; i < n; i++) {
        double o = info_weight(s, map, oc, i);
        if (!(o > 0))
            continue;
        double p = o / T, x = map[i] * f1 * f2;
        mean += p * x;
        m2 += p * x * x;
    }
    /* zero to double precision: the bins that fire weigh nothing beside
     * the others (occupancies 1e300 apart) */
    if (!(mean > 0) || !(m2 > 0))
        return 0;
    double info = 0;
    const int bnt = s->meas.info_variant == GRIDFORM_VARIANT_BNT;
    const double lmean = log2(mean);
    for (size_t i = 0; i < n; i++) {
        double o = info_weight(s, map, oc, i);
        if (!(o > 0))
            continue;
        double x = map[i] * f1 * f2;
        /* p log p -> 0 at a silent bin; BNT drops the bins below the mean */
        if (!(x > 0) || (bnt && !(x > mean)))
            continue;
        /* p_i (x_i/mean) log2(x_i/mean), without forming x_i/mean, which
         * overflows when the mean is subnormal; p_i x_i / mean <= 1 */
        info += (o / T) * x / mean * (log2(x) - lmean);
    }
    *bits_spike = info;
    *bits_s = info * (mean / f1 / f2);
    *sparsity = (mean / m2) * mean;
    return 1;
}

int gridform_scorer_spatial_info(const gridform_scorer *cs, const double *maps, size_t nmaps,
                                 const double *occupancy, double *bits_per_spike, double *bits_per_second,
                                 double *sparsity)
{
    int rc = gridform__check_batch(cs, __func__, maps, nmaps);
    if (rc != GRIDFORM_OK)
        return rc;
    gridform_scorer *s = (gridform_scorer *)cs;
    if (bits_per_spike == NULL && bits_per_second == NULL && sparsity == NULL)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL,
                       "bits_per_spike, bits_per_second and sparsity must not all be NULL");
    size_t total;
    rc = gridform__check_maps(s, __func__, maps, nmaps, &total);
    if (rc != GRIDFORM_OK)
        return rc;
    const size_t n = s->nx * s->ny;
    for (size_t i = 0; i < total; i++)
        if (maps[i] < 0 && gridform__score_visited(s, maps + (i - i % n), i % n))
            return GF_FAIL(&s->err, GRIDFORM_EINVAL, "map %zu, bin %zu is a negative rate (%g)", i / n, i % n,
                           maps[i]);
    info_occupancy oc = {occupancy, 1.0};
    if (occupancy != NULL) {
        double omax = 0;
        for (size_t i = 0; i < n; i++) {
            if (!isfinite(occupancy[i]) || occupancy[i] < 0)
                return GF_FAIL(&s->err, GRIDFORM_EINVAL,
                               "occupancy[%zu] is %g: occupancies must be finite and >= 0", i, occupancy[i]);
            if (occupancy[i] > omax)
                omax = occupancy[i];
        }
        if (omax > 0) {
            double f1, f2;
            gridform__pow2_scale(omax, &f1, &f2);
            oc.scale = f1 * f2;
        }
    }
    size_t first, nundef = gridform__measure_maps(s, maps, nmaps, info_one, &oc, bits_per_spike, bits_per_second,
                                                  sparsity, &first);
    if (nundef > 0)
        return GF_FAIL(&s->err, GRIDFORM_EUNDEFINED,
                       "%zu of %zu maps have no positive mean rate over their visited bins (NaN), the first is map %zu",
                       nundef, nmaps, first);
    return GRIDFORM_OK;
}

/* Coherence of one map: r, or NaN when undefined. */
static double coherence_one(gridform_scorer *s, const double *map)
{
    const size_t nx = s->nx, ny = s->ny, n = nx * ny;
    const int bnt = s->meas.coherence_variant == GRIDFORM_VARIANT_BNT;
    const int wrap = !bnt && s->boundary == GRIDFORM_PERIODIC;
    double maxabs;
    (void)gridform__score_visited_max(s, map, &maxabs);
    if (!(maxabs > 0))
        return NAN;
    double f1, f2;
    gridform__pow2_scale(maxabs, &f1, &f2);
    double *nb = s->meas.work;
    /* Pass 1: each bin's neighbour mean (NaN where the bin takes no part)
     * and the two means. */
    double np = 0, sa = 0, sb = 0;
    for (size_t iy = 0; iy < ny; iy++)
        for (size_t ix = 0; ix < nx; ix++) {
            size_t i = iy * nx + ix;
            int vis = gridform__score_visited(s, map, i);
            nb[i] = NAN;
            if (!vis && !bnt)
                continue;
            double sum = 0;
            int cnt = 0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    if (dx == 0 && dy == 0)
                        continue;
                    long jx = (long)ix + dx, jy = (long)iy + dy;
                    if (wrap) {
                        jx = (jx + (long)nx) % (long)nx;
                        jy = (jy + (long)ny) % (long)ny;
                    } else if (jx < 0 || jy < 0 || jx >= (long)nx || jy >= (long)ny) {
                        cnt += bnt;   /* BNT: a zero beyond the edge */
                        continue;
                    }
                    size_t j = (size_t)jy * nx + (size_t)jx;
                    if (gridform__score_visited(s, map, j)) {
                        sum += map[j] * f1 * f2;
                        cnt++;
                    }
                }
            if (cnt == 0 && !bnt)
                continue;
            nb[i] = cnt > 0 ? sum / cnt : 0.0;
            double a = vis ? map[i] * f1 * f2 : 0.0;
            np += 1;
            sa += a;
            sb += nb[i];
        }
    if (np < 3)
        return NAN;
    double ma = sa / np, mb = sb / np, saa = 0, sbb = 0, sab = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(nb[i]))
            continue;
        double a = (gridform__score_visited(s, map, i) ? map[i] * f1 * f2 : 0.0) - ma, b = nb[i] - mb;
        saa += a * a;
        sbb += b * b;
        sab += a * b;
    }
    /* values are in [-2, 2]: a variance this small is round-off of a constant */
    double tol = 1e-24 * np;
    if (!(saa > tol) || !(sbb > tol))
        return NAN;
    double r = sab / sqrt(saa * sbb);
    return r > 1 ? 1 : (r < -1 ? -1 : r);
}

/* z and r of one map, defined where z is. */
static int coherence_zr(gridform_scorer *s, const double *map, const void *ctx, double *z, double *r, double *unused)
{
    (void)ctx;
    (void)unused;
    *r = coherence_one(s, map);
    /* |r| = 1 has an infinite z: undefined, like a constant map's r */
    *z = fabs(*r) < 1 ? atanh(*r) : NAN;
    return !isnan(*z);
}

int gridform_scorer_coherence(const gridform_scorer *cs, const double *maps, size_t nmaps, double *z, double *r)
{
    int rc = gridform__check_batch(cs, __func__, maps, nmaps);
    if (rc != GRIDFORM_OK)
        return rc;
    gridform_scorer *s = (gridform_scorer *)cs;
    if (z == NULL && r == NULL)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL, "z and r must not both be NULL");
    size_t total;
    rc = gridform__check_maps(s, __func__, maps, nmaps, &total);
    if (rc != GRIDFORM_OK)
        return rc;
    size_t first, nundef = gridform__measure_maps(s, maps, nmaps, coherence_zr, NULL, z, r, NULL, &first);
    if (nundef > 0)
        return GF_FAIL(&s->err, GRIDFORM_EUNDEFINED,
                       "%zu of %zu maps have an undefined coherence (fewer than 3 visited bins with a visited "
                       "neighbour, no variance, or |r| = 1), the first is map %zu",
                       nundef, nmaps, first);
    return GRIDFORM_OK;
}
