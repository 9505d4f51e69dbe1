/* libgridform: gridness scores, spacing and orientation from a SAC.
 *
 * Gridness (Sargolini et al., Science 312:758, 2006; Langston et al.,
 * Science 328:1576, 2010; Banino et al., Nature 557:429, 2018): in an annulus
 * of the SAC around its centre, c_a is the Pearson correlation of the SAC
 * with itself rotated by a degrees, over the bins where both are defined;
 *   score60 = (c60 + c120)/2 - (c30 + c90 + c150)/3      (MEAN, Banino)
 *           = min(c60, c120) - max(c30, c90, c150)         (MINMAX, Sargolini)
 *   score90 = c90 - (c45 + c135)/2,
 * each maximised over the annuli separately.  The rotated SAC is bilinear
 * interpolation of the SAC; all source indices and weights are tabulated
 * here once per scorer, so scoring a map is a gather and running sums.
 * Because the annuli share their inner radius, sorting the bins by radius
 * makes each annulus a range of one list with a common start: one pass per
 * angle gives every annulus' sums.
 *
 * Automatic annuli (doc/theory.md §6.5) are the per-map procedure of
 * Sargolini et al. 2006 and Langston et al., Science 328:1576, 2010: the
 * annulus excludes the SAC's central peak and encloses the six peaks
 * nearest the centre.  Here the central peak's radius w is where the SAC's
 * radial mean first stops falling (it crosses zero or reaches its minimum
 * before the ring), the ring's radius is the farthest of the three
 * half-plane peaks d, and the outer radius is swept from d + w/2 to
 * d + 3w/2 in GF_AUTO_COUNT steps, keeping the best score as the fixed
 * sweep does.  A map without such a ring (fewer than three peaks, peaks
 * not on one ring, a central peak that reaches the ring, or a ring beyond
 * the table) is scored with the fixed annuli: the fallback. */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "score_internal.h"

/* cos and sin of 30, 45, 60, 90, 120, 135 and 150 degrees, exact to the last bit. */
static const double rot_cs[GF_NROT][2] = {
    {0.86602540378443864676, 0.5},
    {0.70710678118654752440, 0.70710678118654752440},
    {0.5, 0.86602540378443864676},
    {0.0, 1.0},
    {-0.5, 0.86602540378443864676},
    {-0.70710678118654752440, 0.70710678118654752440},
    {-0.86602540378443864676, 0.5},
};

/* Interpolation weights this close to 0 or 1 are exact lattice hits (the
 * 90 degree rotation, the centre row) and snap, so that an undefined
 * neighbour of zero weight never invalidates a bin. */
#define GF_SNAP 1e-9

typedef struct {
    double r;
    int32_t idx;
} binrec;

static int cmp_bin(const void *a, const void *b)
{
    const binrec *x = a, *y = b;
    if (x->r != y->r)
        return x->r < y->r ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static int32_t sac_index(const gridform_scorer *s, long r, long c)
{
    if (r < 0 || c < 0 || r >= (long)s->sy || c >= (long)s->sx)
        return (int32_t)s->nsac;   /* the NaN sentinel */
    return (int32_t)((size_t)r * s->sx + (size_t)c);
}

int gridform__peak_table(gridform_scorer *s)
{
    const long nx = (long)s->nx, ny = (long)s->ny, cx = nx - 1, cy = ny - 1;
    size_t nh = (size_t)(nx - 1) + (size_t)(ny - 1) * (s->sx), k = 0;
    binrec *tmp = gridform__malloc_array(nh, sizeof *tmp);
    s->hp_idx = gridform__malloc_array(nh, sizeof *s->hp_idx);
    if (tmp == NULL || s->hp_idx == NULL) {
        gridform__free(tmp);
        return GRIDFORM_ENOMEM;
    }
    for (long v = 0; v < ny; v++)
        for (long u = (v == 0 ? 1 : -(nx - 1)); u < nx; u++) {
            tmp[k].r = hypot((double)u * s->dx, (double)v * s->dy);
            tmp[k].idx = sac_index(s, cy + v, cx + u);
            k++;
        }
    qsort(tmp, nh, sizeof *tmp, cmp_bin);
    for (size_t h = 0; h < nh; h++) {
        s->hp_idx[h] = tmp[h].idx;
    }
    s->nhp = nh;
    gridform__free(tmp);
    return GRIDFORM_OK;
}

void gridform__score_tables_free(gridform_scorer *s)
{
    gridform__free(s->bin_sac);
    gridform__free(s->bin_r);
    gridform__free(s->ann_end);
    gridform__free(s->rot);
    gridform__free(s->bin_val);
    gridform__free(s->corr);
    s->bin_sac = NULL;
    s->bin_r = NULL;
    s->ann_end = NULL;
    s->rot = NULL;
    s->bin_val = NULL;
    s->corr = NULL;
}

static void split(double f, long *i0, double *w)
{
    /* A rotated lag of a very anisotropic box (dy/dx ~ 1e130) lands far
     * outside the SAC, beyond the range of long; any position past 2^30
     * bins is outside every SAC this scorer can hold, so clamp it there
     * (found by fuzz_score). */
    if (!(fabs(f) < 1073741824.0))
        f = f > 0 ? 1073741824.0 : -1073741824.0;
    double fl = floor(f);
    double a = f - fl;
    *i0 = (long)fl;
    if (a < GF_SNAP) {
        a = 0;
    } else if (a > 1 - GF_SNAP) {
        *i0 += 1;
        a = 0;
    }
    *w = a;
}


/* The first of the n ascending radii r[] that exceeds x. */
static size_t upper_bound(const double *r, size_t n, double x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The outer radii as numpy.linspace(omin, omax, count); ends[j] is the end
 * of annulus j in the sorted bins. */
static void annulus_ends(const gridform_scorer *s, double omin, double omax, size_t count, size_t *ends)
{
    double step = count > 1 ? (omax - omin) / (double)(count - 1) : 0;
    for (size_t j = 0; j < count; j++) {
        double o = (count > 1 && j == count - 1) ? omax : (double)j * step + omin;
        ends[j] = upper_bound(s->bin_r, s->nbins, o);
    }
}

int gridform__score_tables(gridform_scorer *s, double inner, double outer_min, double outer_max,
                           size_t count)
{
    const long nx = (long)s->nx, ny = (long)s->ny, cx = nx - 1, cy = ny - 1;
    const double side = s->lx < s->ly ? s->lx : s->ly;
    /* The table reaches the fixed annuli's outer radius and, for automatic
     * annuli, the box side (their outer radii stop there). */
    const double rout = s->annuli_auto && side > outer_max ? side : outer_max;
    size_t nb = 0;
    for (long v = 0; v < ny; v++)
        for (long u = (v == 0 ? 1 : -(nx - 1)); u < nx; u++) {
            double r = hypot((double)u * s->dx, (double)v * s->dy);
            if (r <= rout)
                nb++;
        }
    size_t ncorr = count > GF_AUTO_COUNT ? count : GF_AUTO_COUNT;
    binrec *tmp = gridform__malloc_array(nb, sizeof *tmp);
    int32_t *bin_sac = gridform__malloc_array(nb, sizeof *bin_sac);
    double *bin_r = gridform__malloc_array(nb, sizeof *bin_r);
    size_t *ann_end = gridform__malloc_array(count, sizeof *ann_end);
    size_t nrot;
    gridform__rotentry *rot = gridform__mul_size(nb, GF_NROT, &nrot)
                                  ? gridform__malloc_array(nrot, sizeof *rot) : NULL;
    double *bin_val = gridform__malloc_array(nb, sizeof *bin_val);
    double *corr = gridform__malloc_array(ncorr * GF_NROT, sizeof *corr);
    if (tmp == NULL || bin_sac == NULL || bin_r == NULL || ann_end == NULL || rot == NULL
        || bin_val == NULL || corr == NULL) {
        gridform__free(tmp);
        gridform__free(bin_sac);
        gridform__free(bin_r);
        gridform__free(ann_end);
        gridform__free(rot);
        gridform__free(bin_val);
        gridform__free(corr);
        return GRIDFORM_ENOMEM;
    }
    size_t k = 0;
    for (long v = 0; v < ny; v++)
        for (long u = (v == 0 ? 1 : -(nx - 1)); u < nx; u++) {
            double r = hypot((double)u * s->dx, (double)v * s->dy);
            if (r <= rout) {
                tmp[k].r = r;
                tmp[k].idx = sac_index(s, cy + v, cx + u);
                k++;
            }
        }
    qsort(tmp, nb, sizeof *tmp, cmp_bin);
    for (size_t b = 0; b < nb; b++) {
        bin_sac[b] = tmp[b].idx;
        bin_r[b] = tmp[b].r;
        long v = (long)tmp[b].idx / (long)s->sx - cy, u = (long)tmp[b].idx % (long)s->sx - cx;
        double x = (double)u * s->dx, y = (double)v * s->dy;
        for (int a = 0; a < GF_NROT; a++) {
            /* The SAC rotated counter-clockwise by the angle: its value at
             * p is the SAC at R(-angle) p. */
            double c = rot_cs[a][0], sn = rot_cs[a][1];
            double qx = c * x + sn * y, qy = -sn * x + c * y;
            long c0, r0;
            double fx, fy;
            split((double)cx + qx / s->dx, &c0, &fx);
            split((double)cy + qy / s->dy, &r0, &fy);
            long c1 = fx > 0 ? c0 + 1 : c0, r1 = fy > 0 ? r0 + 1 : r0;
            gridform__rotentry *e = &rot[(size_t)a * nb + b];
            if (sac_index(s, r0, c0) == (int32_t)s->nsac || sac_index(s, r1, c1) == (int32_t)s->nsac) {
                e->i00 = (int32_t)s->nsac;
                e->step = 0;
                e->fx = e->fy = 0;
            } else {
                e->i00 = sac_index(s, r0, c0);
                e->step = (int32_t)((c1 - c0) + 2 * (r1 - r0) * (long)s->sx);
                e->fx = fx;
                e->fy = fy;
            }
        }
    }
    gridform__free(tmp);
    gridform__score_tables_free(s);
    s->nbins = nb;
    s->rtab = rout;
    s->bin_sac = bin_sac;
    s->bin_r = bin_r;
    s->ann_end = ann_end;
    s->rot = rot;
    s->bin_val = bin_val;
    s->corr = corr;
    s->inner = inner;
    s->outer_min = outer_min;
    s->outer_max = outer_max;
    s->count = count;
    s->fix_start = upper_bound(bin_r, nb, inner);
    annulus_ends(s, outer_min, outer_max, count, ann_end);
    return GRIDFORM_OK;
}

static double pearson(double n, double sa, double sb, double saa, double sbb, double sab)
{
    if (n < 3)
        return NAN;
    double va = n * saa - sa * sa, vb = n * sbb - sb * sb;
    /* SAC values lie in [-1, 1], so 1e-12 n^2 is far above round-off. */
    double tol = 1e-12 * n * n;
    if (!(va > tol) || !(vb > tol))
        return NAN;
    return (n * sab - sa * sb) / sqrt(va * vb);
}

/* The radius (metres) of the SAC's central peak: walking out in rings of
 * width max(dx, dy), where the ring mean first is <= 0, or first rises
 * again (the minimum between the centre and the first ring of peaks).
 * NaN when neither happens before dmax: the central peak reaches the
 * ring. */
static double central_radius(const gridform_scorer *s, double dmax)
{
    const long sx = (long)s->sx, cx = (long)s->nx - 1, cy = (long)s->ny - 1;
    const double width = s->dx > s->dy ? s->dx : s->dy;
    double prev = 1.0, sum = 0;
    long ring = 0, nring = 0;
    for (size_t h = 0; h < s->nhp; h++) {
        long idx = s->hp_idx[h];
        double u = (double)(idx % sx - cx) * s->dx, v = (double)(idx / sx - cy) * s->dy;
        double r = hypot(u, v);
        long q = (long)(r / width);
        if (q != ring) {
            /* ring `ring` is complete (bins come in order of length) */
            if (nring > 0) {
                double mean = sum / (double)nring;
                if (mean <= 0)
                    return ((double)ring + 0.5) * width;
                if (mean > prev)
                    return ((double)ring - 0.5) * width;
                prev = mean;
            }
            if (r > dmax)
                return NAN;
            ring = q;
            sum = 0;
            nring = 0;
        }
        double val = s->sac[idx];
        if (!isnan(val)) {
            sum += val;
            nring++;
        }
    }
    return NAN;
}

/* Whether the three half-plane peaks stand above the SAC's own noise.
 * Beyond the central peak, the SAC of a map without a ring fluctuates
 * around 0 with variance about sum_l rho(l)^2 / N (Bartlett's formula for
 * the sample autocorrelation; N, the lag's overlapping bins), where the sum
 * runs over the central peak.  The nearest local maxima of that noise lie
 * close to the centre, where an annulus holds few bins and its rotated
 * correlations are noise too: white-noise maps then scored up to 1.3 with
 * automatic annuli (issue 21).  A ring is accepted only when every peak
 * exceeds GF_RING_Z of those standard deviations. */
#define GF_RING_Z 3.0
static int ring_significant(const gridform_scorer *s, double w, const double px[3], const double py[3])
{
    const long sx = (long)s->sx, cx = (long)s->nx - 1, cy = (long)s->ny - 1;
    double sum2 = 1.0;   /* zero lag */
    for (size_t h = 0; h < s->nhp; h++) {
        long idx = s->hp_idx[h];
        double u = (double)(idx % sx - cx) * s->dx, v = (double)(idx / sx - cy) * s->dy;
        if (hypot(u, v) >= w)
            break;
        double val = s->sac[idx];
        if (!isnan(val))
            sum2 += 2 * val * val;   /* l and -l */
    }
    for (int q = 0; q < 3; q++) {
        long u = lround(px[q] / s->dx), v = lround(py[q] / s->dy);
        double val = s->sac[(cy + v) * sx + (cx + u)];
        double nov = (double)s->nvalid;
        if (s->boundary != GRIDFORM_PERIODIC)
            nov *= (1 - fabs((double)u) / (double)s->nx) * (1 - fabs((double)v) / (double)s->ny);
        if (!(nov > 0) || !(val > GF_RING_Z * sqrt(sum2 / nov)))
            return 0;
    }
    return 1;
}

/* The automatic annuli of one map from its SAC and its nearest peaks;
 * 0 when the map has no ring to take them from. */
static int auto_annuli(const gridform_scorer *s, int nfound, const double px[3], const double py[3],
                       gridform__annuli *ann)
{
    if (nfound < 3)
        return 0;
    double dmin = INFINITY, dmax = 0;
    for (int q = 0; q < 3; q++) {
        double d = hypot(px[q], py[q]);
        dmin = fmin(dmin, d);
        dmax = fmax(dmax, d);
    }
    /* The six nearest peaks of a grid lie on one ring (a sheared or square
     * lattice: within a factor sqrt 2); local maxima of noise do not. */
    if (!(dmax <= 1.5 * dmin))
        return 0;
    double w = central_radius(s, dmin);
    if (!(w > 0) || !(w < dmin))
        return 0;
    if (!ring_significant(s, w, px, py))
        return 0;
    double omin = dmax + 0.5 * w, omax = dmax + 1.5 * w;
    if (!(omin <= s->rtab))
        return 0;
    ann->inner = w;
    ann->outer_min = omin;
    ann->outer_max = omax < s->rtab ? omax : s->rtab;
    ann->automatic = 1;
    return 1;
}

void gridform__gridness(gridform_scorer *s, int nfound, const double px[3], const double py[3],
                        double *score60, double *score90, gridform__annuli *used, double *best_outer)
{
    const double *S = s->sac;
    gridform__annuli ann = {s->inner, s->outer_min, s->outer_max, 0};
    size_t start = s->fix_start, count = s->count;
    const size_t *ends = s->ann_end;
    if (s->annuli_auto && auto_annuli(s, nfound, px, py, &ann)) {
        start = upper_bound(s->bin_r, s->nbins, ann.inner);
        count = GF_AUTO_COUNT;
        annulus_ends(s, ann.outer_min, ann.outer_max, count, s->auto_end);
        ends = s->auto_end;
    }
    const size_t nb = s->nbins, last = count > 0 ? ends[count - 1] : start;
    double *val = s->bin_val;
    for (size_t b = start; b < last; b++)
        val[b] = S[s->bin_sac[b]];
    for (int a = 0; a < GF_NROT; a++) {
        const gridform__rotentry *e = s->rot + (size_t)a * nb;
        double *corr = s->corr + (size_t)a * count;
        double n = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
        size_t b = start;
        for (size_t j = 0; j < count; j++) {
            /* Branch-free: an invalid pair adds zeros. */
            for (const size_t end = ends[j]; b < end; b++) {
                int32_t i00 = e[b].i00, ox = e[b].step & 1, oy = e[b].step >> 1;
                double s00 = S[i00], s01 = S[i00 + ox], s10 = S[i00 + oy], s11 = S[i00 + oy + ox];
                double top = s00 + e[b].fx * (s01 - s00);
                double bot = s10 + e[b].fx * (s11 - s10);
                double B = top + e[b].fy * (bot - top), A = val[b];
                int ok = !isnan(A) & !isnan(B);
                A = ok ? A : 0.0;
                B = ok ? B : 0.0;
                n += ok;
                sa += A;
                sb += B;
                saa += A * A;
                sbb += B * B;
                sab += A * B;
            }
            corr[j] = pearson(n, sa, sb, saa, sbb, sab);
        }
    }
    double best60 = NAN, best90 = NAN, bouter = NAN;
    double step = count > 1 ? (ann.outer_max - ann.outer_min) / (double)(count - 1) : 0;
    for (size_t j = 0; j < count; j++) {
        double c30 = s->corr[GF_ROT30 * count + j], c45 = s->corr[GF_ROT45 * count + j];
        double c60 = s->corr[GF_ROT60 * count + j], c90 = s->corr[GF_ROT90 * count + j];
        double c120 = s->corr[GF_ROT120 * count + j], c135 = s->corr[GF_ROT135 * count + j];
        double c150 = s->corr[GF_ROT150 * count + j];
        double g60;
        if (s->variant == GRIDFORM_GRIDNESS_MINMAX)
            g60 = fmin(c60, c120) - fmax(c30, fmax(c90, c150));
        else
            g60 = (c60 + c120) / 2 - (c30 + c90 + c150) / 3;
        /* fmin/fmax ignore one NaN; an annulus with any undefined
         * correlation has no score. */
        if (isnan(c30) || isnan(c60) || isnan(c90) || isnan(c120) || isnan(c150))
            g60 = NAN;
        double g90 = c90 - (c45 + c135) / 2;
        if (!isnan(g60) && (isnan(best60) || g60 > best60)) {
            best60 = g60;
            bouter = (count > 1 && j == count - 1) ? ann.outer_max : (double)j * step + ann.outer_min;
        }
        if (!isnan(g90) && (isnan(best90) || g90 > best90))
            best90 = g90;
    }
    *score60 = best60;
    *score90 = best90;
    if (used != NULL)
        *used = ann;
    if (best_outer != NULL)
        *best_outer = bouter;
}

/* Vertex offset of the parabola through (-1, a), (0, b), (1, c), within
 * [-1/2, 1/2]; 0 unless the three points bend downwards. */
static double parabola(double a, double b, double c)
{
    double den = a - 2 * b + c;
    if (!(den < 0))
        return 0;
    double d = 0.5 * (a - c) / den;
    return d > 0.5 ? 0.5 : (d < -0.5 ? -0.5 : d);
}

int gridform__sac_peaks(const gridform_scorer *s, double px[3], double py[3])
{
    /* The lattice of a grid shows as SAC peaks at its lattice vectors; the
     * six nearest the centre are three pairs +-l (the SAC is symmetric), so
     * the half plane's three nearest local maxima carry all of them
     * (Hafting et al., Nature 436:801, 2005). */
    const long nx = (long)s->nx, ny = (long)s->ny, cx = nx - 1, cy = ny - 1;
    const long sx = (long)s->sx, sy = (long)s->sy;
    const double *S = s->sac;
    long bu[3], bv[3];
    int nfound = 0;
    /* Half-plane lags in order of distance: the first three local maxima
     * are the nearest, and the scan stops there. */
    for (size_t h = 0; h < s->nhp && nfound < 3; h++) {
        long idx = s->hp_idx[h], r = idx / sx, c = idx % sx;
        double val = S[idx];
        if (!(val > 0))
            continue;
        int ismax = 1;
        for (long dv = -1; dv <= 1 && ismax; dv++)
            for (long du = -1; du <= 1; du++) {
                if (dv == 0 && du == 0)
                    continue;
                long rr = r + dv, cc = c + du;
                if (rr < 0 || cc < 0 || rr >= sy || cc >= sx)
                    continue;
                double nbv = S[rr * sx + cc];
                /* On a plateau the first bin in raster order is the peak. */
                if (nbv > val || (nbv == val && (dv < 0 || (dv == 0 && du < 0)))) {
                    ismax = 0;
                    break;
                }
            }
        if (!ismax)
            continue;
        bu[nfound] = c - cx;
        bv[nfound] = r - cy;
        nfound++;
    }
    for (int q = 0; q < nfound; q++) {
        long r = cy + bv[q], c = cx + bu[q];
        double mid = S[r * sx + c];
        double left = c > 0 ? S[r * sx + c - 1] : NAN, right = c + 1 < sx ? S[r * sx + c + 1] : NAN;
        double down = r > 0 ? S[(r - 1) * sx + c] : NAN, up = r + 1 < sy ? S[(r + 1) * sx + c] : NAN;
        px[q] = ((double)bu[q] + parabola(left, mid, right)) * s->dx;
        py[q] = ((double)bv[q] + parabola(down, mid, up)) * s->dy;
    }
    return nfound;
}

void gridform__peaks_summary(int nfound, const double px[3], const double py[3], double *spacing,
                             double *orientation)
{
    if (nfound == 0) {
        *spacing = NAN;
        *orientation = NAN;
        return;
    }
    double dist[3], C = 0, Sn = 0;
    for (int q = 0; q < nfound; q++) {
        dist[q] = hypot(px[q], py[q]);
        double phi = atan2(py[q], px[q]);
        C += cos(6 * phi);
        Sn += sin(6 * phi);
    }
    /* Median of the six distances (pairs repeat, so of these three). */
    double sp;
    if (nfound == 1) {
        sp = dist[0];
    } else if (nfound == 2) {
        sp = 0.5 * (dist[0] + dist[1]);
    } else {
        double a = dist[0], b = dist[1], c = dist[2];
        sp = fmax(fmin(a, b), fmin(fmax(a, b), c));
    }
    /* Orientation: circular mean of the peak angles modulo 60 degrees. */
    double th = atan2(Sn, C) / 6;
    if (th < 0)
        th += GF_PI / 3;
    /* Just below pi/3 (a lattice at 0 seen through round-off) is 0: the
     * circle closes there, and 0 is the representative the man page gives. */
    if (!(th < GF_PI / 3 - 1e-7) || th < 0)
        th = 0;
    *spacing = sp;
    *orientation = th;
}

double gridform__map_dominant_k(gridform_scorer *s, const double *map, const char **why)
{
    /* A wavenumber is reported only for a map that has a gridness score:
     * the same data decide both (issue 12, W3: a map of two valid bins
     * had a NaN score but a finite k).  Costs the SAC and one gridness
     * pass on top of the spectrum. */
    if (gridform__sac_compute(s, map) != GRIDFORM_OK) {
        *why = s->nvalid == 0 || !s->spectrum_ok
                   ? "the map has no variance (constant or all NaN)"
                   : "no lag of the map's autocorrelogram overlaps min_overlap valid bins";
        return NAN;
    }
    double g60, g90, px[3], py[3];
    int nfound = s->annuli_auto ? gridform__sac_peaks(s, px, py) : 0;
    gridform__gridness(s, nfound, px, py, &g60, &g90, NULL, NULL);
    if (isnan(g60)) {
        *why = "the map's gridness score is undefined (too few valid bins or overlapping lags), "
               "so is its wavenumber";
        return NAN;
    }
    double k = gridform__dominant_k(s);
    if (isnan(k))
        *why = "the map's spectrum has no non-DC power";
    return k;
}
