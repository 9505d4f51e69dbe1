/* libgridform: firing fields and the border score (doc/theory.md §6.9).
 *
 * A field is a connected set of visited bins whose value is at least a
 * fraction of the map's peak, with at least a minimum number of bins
 * (connectivity 4 or 8; on a periodic scorer the fields wrap around).
 *
 * Border score (Solstad, Boccara, Kropff, Moser and Moser, Science
 * 322:1865, 2008, supporting text): fields are bins above 0.3 of the peak
 * covering at least 200 cm^2;
 *   b = (cM - dm) / (cM + dm),
 * cM the largest fraction of one wall's bins covered by one field (over
 * fields and the four walls), dm the mean distance of all field bins to the
 * nearest wall weighted by their rate, divided by half the shorter side.
 * Here a wall's bins are the visited bins of the row or column along it,
 * and a bin's distance is its centre's, in metres.  BNT and opexebo
 * (border_score.py, border_coverage.py) measure the distance in bins with
 * the taxicab metric from outside the map (a wall bin is 1 away), divide by
 * half the shorter side in bins, and replace an unvisited wall bin by the
 * first visited bin up to 8 bins inward: the BNT variant.  An ideal
 * one-bin border field of an n-bin box scores (n - 1)/(n + 1) in the
 * paper's version and (n - 2)/(n + 2) in BNT's. */
#include "config.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "score_internal.h"

/* Per-field statistics in meas.fstat, GF_NSTAT per field. */
enum { FS_BINS, FS_PEAK, FS_W, FS_X, FS_Y, FS_X2, FS_Y2, GF_NSTAT };

/* How far inward BNT looks for a visited bin behind an unvisited wall bin. */
#define GF_BNT_SEARCH 8

/* Label the fields of one map in meas.label (1..K, 0 elsewhere) with their
 * statistics in meas.fstat; *peak receives the map's peak.  Returns K, or
 * -1 when the map has no positive peak over its visited bins. */
static long label_fields(gridform_scorer *s, const double *map, double frac, size_t min_bins, double *peak)
{
    gridform__measures *ms = &s->meas;
    const size_t nx = s->nx, ny = s->ny, n = nx * ny;
    const int wrap = s->boundary == GRIDFORM_PERIODIC;
    double pk = 0;
    for (size_t i = 0; i < n; i++)
        if (gridform__score_visited(s, map, i) && map[i] > pk)
            pk = map[i];
    *peak = pk;
    if (!(pk > 0))
        return -1;
    /* a field bin is positive even where frac * pk underflows to 0 (a
     * subnormal peak) */
    const double thr = fmax(frac * pk, DBL_TRUE_MIN);
    int32_t *label = ms->label, *queue = ms->queue;
    memset(label, 0, n * sizeof *label);
    long k = 0;
    const int ndir = ms->connectivity == 8 ? 8 : 4;
    static const int ddx[8] = {1, -1, 0, 0, 1, 1, -1, -1}, ddy[8] = {0, 0, 1, -1, 1, -1, 1, -1};
    for (size_t seed = 0; seed < n; seed++) {
        if (label[seed] != 0 || !gridform__score_visited(s, map, seed) || !(map[seed] >= thr))
            continue;
        /* Flood fill from the seed; the component is queue[0, qe). */
        int32_t lab = (int32_t)(k + 1);
        size_t qh = 0, qe = 0;
        queue[qe++] = (int32_t)seed;
        label[seed] = lab;
        while (qh < qe) {
            size_t i = (size_t)queue[qh++];
            long ix = (long)(i % nx), iy = (long)(i / nx);
            for (int d = 0; d < ndir; d++) {
                long jx = ix + ddx[d], jy = iy + ddy[d];
                if (wrap) {
                    jx = (jx + (long)nx) % (long)nx;
                    jy = (jy + (long)ny) % (long)ny;
                } else if (jx < 0 || jy < 0 || jx >= (long)nx || jy >= (long)ny) {
                    continue;
                }
                size_t j = (size_t)jy * nx + (size_t)jx;
                if (label[j] == 0 && gridform__score_visited(s, map, j) && map[j] >= thr) {
                    label[j] = lab;
                    queue[qe++] = (int32_t)j;
                }
            }
        }
        if (qe < min_bins) {
            for (size_t q = 0; q < qe; q++)
                label[queue[q]] = -1;   /* seen, too small to be a field */
            continue;
        }
        double *st = ms->fstat + (size_t)k * GF_NSTAT;
        memset(st, 0, GF_NSTAT * sizeof *st);
        st[FS_BINS] = (double)qe;
        for (size_t q = 0; q < qe; q++) {
            size_t i = (size_t)queue[q];
            double w = map[i] / pk;   /* in (0, 1]: sums cannot overflow */
            double px = ((double)(i % nx) + 0.5) / (double)nx, py = ((double)(i / nx) + 0.5) / (double)ny;
            st[FS_PEAK] = fmax(st[FS_PEAK], map[i]);
            st[FS_W] += w;
            if (wrap) {
                /* a field may wrap: circular means of the two coordinates */
                st[FS_X] += w * cos(2 * GF_PI * px);
                st[FS_X2] += w * sin(2 * GF_PI * px);
                st[FS_Y] += w * cos(2 * GF_PI * py);
                st[FS_Y2] += w * sin(2 * GF_PI * py);
            } else {
                st[FS_X] += w * px;
                st[FS_Y] += w * py;
            }
        }
        k++;
    }
    for (size_t i = 0; i < n; i++)
        if (label[i] < 0)
            label[i] = 0;
    return k;
}

/* Centroid (metres, the arena's coordinates) of field k. */
static void field_centroid(const gridform_scorer *s, const double *st, double *cx, double *cy)
{
    double fx, fy;
    if (s->boundary == GRIDFORM_PERIODIC) {
        fx = atan2(st[FS_X2], st[FS_X]) / (2 * GF_PI);
        fy = atan2(st[FS_Y2], st[FS_Y]) / (2 * GF_PI);
        if (fx < 0) fx += 1;
        if (fy < 0) fy += 1;
    } else {
        fx = st[FS_X] / st[FS_W];
        fy = st[FS_Y] / st[FS_W];
    }
    *cx = (fx - 0.5) * s->lx;
    *cy = (fy - 0.5) * s->ly;
}

static int cmp_desc(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x < y) - (x > y);
}

int gridform_scorer_set_fields(gridform_scorer *s, double threshold, size_t min_bins, int connectivity)
{
    if (s == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "s must not be NULL");
    if (!(threshold > 0 && threshold < 1))
        return GF_FAIL(&s->err, GRIDFORM_EINVAL, "threshold must be in (0, 1) (a fraction of the peak), got %g",
                       threshold);
    if (min_bins < 1)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL, "min_bins must be >= 1");
    if (connectivity != 4 && connectivity != 8)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL, "connectivity must be 4 or 8, got %d", connectivity);
    s->meas.field_threshold = threshold;
    s->meas.field_min_bins = min_bins;
    s->meas.connectivity = connectivity;
    return GRIDFORM_OK;
}

int gridform_scorer_fields(const gridform_scorer *cs, const double *map, size_t max_fields, size_t *nfields,
                           double *area_m2, size_t *nbins, double *peak, double *cx, double *cy)
{
    if (cs == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "s must not be NULL");
    gridform_scorer *s = (gridform_scorer *)cs;
    GF_CHECK_PTR(&s->err, map);
    GF_CHECK_PTR(&s->err, nfields);
    size_t total;
    int rc = gridform__check_maps(s, __func__, map, 1, &total);
    if (rc != GRIDFORM_OK)
        return rc;
    double pk;
    long K = label_fields(s, map, s->meas.field_threshold, s->meas.field_min_bins, &pk);
    if (K < 0) {
        *nfields = 0;
        return GF_FAIL(&s->err, GRIDFORM_EUNDEFINED,
                       "the map has no positive value over its visited bins, so no fields");
    }
    /* Largest first; equal sizes in the order they were found (raster order
     * of their first bin). */
    int64_t *order = s->meas.order;
    for (long k = 0; k < K; k++)
        order[k] = ((int64_t)s->meas.fstat[(size_t)k * GF_NSTAT + FS_BINS] << 32) | (int64_t)(INT32_MAX - k);
    qsort(order, (size_t)K, sizeof *order, cmp_desc);
    *nfields = (size_t)K;
    const double dA = s->dx * s->dy;
    for (size_t j = 0; j < (size_t)K && j < max_fields; j++) {
        long k = INT32_MAX - (long)(order[j] & 0xffffffff);
        const double *st = s->meas.fstat + (size_t)k * GF_NSTAT;
        double x, y;
        field_centroid(s, st, &x, &y);
        if (area_m2) area_m2[j] = st[FS_BINS] * dA;
        if (nbins) nbins[j] = (size_t)st[FS_BINS];
        if (peak) peak[j] = st[FS_PEAK];
        if (cx) cx[j] = x;
        if (cy) cy[j] = y;
    }
    return GRIDFORM_OK;
}

int gridform_scorer_set_border_fields(gridform_scorer *s, double threshold, double min_area_m2)
{
    if (s == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "s must not be NULL");
    if (!(threshold > 0 && threshold < 1))
        return GF_FAIL(&s->err, GRIDFORM_EINVAL, "threshold must be in (0, 1) (a fraction of the peak), got %g",
                       threshold);
    if (!isfinite(min_area_m2) || min_area_m2 < 0)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL, "min_area_m2 must be finite and >= 0, got %g", min_area_m2);
    s->meas.border_threshold = threshold;
    s->meas.border_min_area = min_area_m2;
    return GRIDFORM_OK;
}

/* The bin standing for position t along wall w (0: y = -ly/2, 1: y = +ly/2,
 * 2: x = -lx/2, 3: x = +lx/2), or -1 if none is visited. */
static long wall_bin(const gridform_scorer *s, const double *map, int w, size_t t, int bnt)
{
    const size_t nx = s->nx, ny = s->ny;
    const size_t depth = bnt ? GF_BNT_SEARCH : 1, room = w < 2 ? ny : nx;
    for (size_t d = 0; d < depth && d < room; d++) {
        size_t ix, iy;
        switch (w) {
        case 0: ix = t; iy = d; break;
        case 1: ix = t; iy = ny - 1 - d; break;
        case 2: ix = d; iy = t; break;
        default: ix = nx - 1 - d; iy = t; break;
        }
        size_t i = iy * nx + ix;
        if (gridform__score_visited(s, map, i))
            return (long)i;
    }
    return -1;
}

/* b, cM and dm of one map; 0 when it has no field. */
static int border_one(gridform_scorer *s, const double *map, const void *ctx, double *b, double *cm, double *dm)
{
    (void)ctx;
    gridform__measures *ms = &s->meas;
    const size_t nx = s->nx, ny = s->ny, n = nx * ny;
    const int bnt = ms->border_variant == GRIDFORM_VARIANT_BNT;
    const double dA = s->dx * s->dy;
    double need = ceil(ms->border_min_area / dA * (1 - 1e-12));
    size_t min_bins = need < 1 ? 1 : (need > (double)n ? n + 1 : (size_t)need);
    double pk;
    long K = label_fields(s, map, ms->border_threshold, min_bins, &pk);
    if (K <= 0)
        return 0;
    /* cM: per wall, the fraction of its (visited) bins in each field */
    double *cnt = ms->work, best = 0;
    for (int w = 0; w < 4; w++) {
        size_t len = w < 2 ? nx : ny, denom = 0;
        for (long k = 0; k < K; k++)
            cnt[k] = 0;
        for (size_t t = 0; t < len; t++) {
            long i = wall_bin(s, map, w, t, bnt);
            if (i < 0)
                continue;
            denom++;
            if (ms->label[i] > 0)
                cnt[ms->label[i] - 1] += 1;
        }
        for (long k = 0; k < K && denom > 0; k++)
            best = fmax(best, cnt[k] / (double)denom);
    }
    /* dm: rate-weighted mean distance of the field bins to the nearest
     * wall, each distance in units of half the shorter side (in [0, 1], so
     * the sum cannot overflow in any box) */
    const double half = bnt ? 0.5 * (double)(nx < ny ? nx : ny) : 0.5 * fmin(s->lx, s->ly);
    double sw = 0, swd = 0;
    for (size_t i = 0; i < n; i++) {
        if (ms->label[i] <= 0)
            continue;
        size_t ix = i % nx, iy = i / nx;
        double d;
        if (bnt) {
            size_t a = ix + 1 < nx - ix ? ix + 1 : nx - ix, c = iy + 1 < ny - iy ? iy + 1 : ny - iy;
            d = (double)(a < c ? a : c);
        } else {
            double x = ((double)ix + 0.5) * s->dx, y = ((double)iy + 0.5) * s->dy;
            d = fmin(fmin(x, s->lx - x), fmin(y, s->ly - y));
        }
        double w = map[i] / pk;
        sw += w;
        swd += w * (d / half);
    }
    *dm = swd / sw;
    *cm = best;
    *b = (best - *dm) / (best + *dm);
    return 1;
}

int gridform_scorer_border(const gridform_scorer *cs, const double *maps, size_t nmaps, double *score,
                           double *coverage, double *distance)
{
    int rc = gridform__check_batch(cs, __func__, maps, nmaps);
    if (rc != GRIDFORM_OK)
        return rc;
    gridform_scorer *s = (gridform_scorer *)cs;
    if (score == NULL && coverage == NULL && distance == NULL)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL, "score, coverage and distance must not all be NULL");
    if (s->boundary != GRIDFORM_WALLED)
        return GF_FAIL(&s->err, GRIDFORM_EUNSUPPORTED,
                       "the border score needs walls: the scorer's boundary is periodic");
    if (s->inside != NULL)
        return GF_FAIL(&s->err, GRIDFORM_EUNSUPPORTED,
                       "the border score is defined for the four walls of a rectangular box, "
                       "not for an arena of another shape");
    size_t total;
    rc = gridform__check_maps(s, __func__, maps, nmaps, &total);
    if (rc != GRIDFORM_OK)
        return rc;
    size_t first, nundef = gridform__measure_maps(s, maps, nmaps, border_one, NULL, score, coverage, distance,
                                                  &first);
    if (nundef > 0)
        return GF_FAIL(&s->err, GRIDFORM_EUNDEFINED,
                       "%zu of %zu maps have no border field (no positive peak, or no field of %g m^2 "
                       "above %g of the peak), the first is map %zu",
                       nundef, nmaps, s->meas.border_min_area, s->meas.border_threshold, first);
    return GRIDFORM_OK;
}
