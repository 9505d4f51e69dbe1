/* libgridform: grid ellipticity and alignment (doc/theory.md §6.9).
 *
 * Stensola, Stensola, Moser and Moser, Nature 518:207, 2015: grids in
 * square boxes are sheared, so the six SAC peaks around the centre lie on
 * an ellipse rather than a circle, and their axes sit about 7.5 degrees
 * from the walls.  The SAC is symmetric under l -> -l, so the ellipse is
 * centred on the origin, x^T Q x = 1 with Q = [[a, b], [b, c]], and the
 * three half-plane peaks give three linear equations in (a, b, c): an
 * affine image of a hexagonal lattice puts its six nearest peaks exactly
 * on such an ellipse.  With eigenvalues q1 <= q2 of Q the semi-axes are
 * 1/sqrt(q), so the axis ratio is sqrt(q2/q1) >= 1 and the major axis is
 * the eigenvector of q1.
 *
 * The peaks must be placed well below a bin: an axis ratio within 1% and
 * an angle within a degree need peak positions good to a few hundredths
 * of a bin at usual spacings (10-20 bins).  One parabola per axis is
 * biased when the peak is tilted (a sheared lattice's are), so each peak
 * is refined by the least-squares quadratic surface through its 3 x 3
 * neighbourhood, whose vertex accounts for the cross term. */
#include "config.h"
#include <math.h>
#include "score_internal.h"

/* Refine the peak near lag (px, py) metres to the vertex of the quadratic
 * surface fitted to the 3 x 3 SAC bins around the nearest local maximum;
 * the position is kept when the fit does not bend down or its vertex lies
 * more than a bin away. */
static void refine_peak(const gridform_scorer *s, double *px, double *py)
{
    const long sx = (long)s->sx, sy = (long)s->sy, cx = (long)s->nx - 1, cy = (long)s->ny - 1;
    const double *S = s->sac;
    long c = cx + lround(*px / s->dx), r = cy + lround(*py / s->dy);
    /* the parabolas of gridform__sac_peaks move a peak by at most half a
     * bin: a few steps uphill find its bin again */
    for (int step = 0; step < 4; step++) {
        long bc = c, br = r;
        double best = (r >= 0 && r < sy && c >= 0 && c < sx) ? S[r * sx + c] : NAN;
        for (long dv = -1; dv <= 1; dv++)
            for (long du = -1; du <= 1; du++) {
                long rr = r + dv, cc = c + du;
                if (rr < 0 || cc < 0 || rr >= sy || cc >= sx)
                    continue;
                double v = S[rr * sx + cc];
                if (v > best || (isnan(best) && !isnan(v))) {
                    best = v;
                    bc = cc;
                    br = rr;
                }
            }
        if (bc == c && br == r)
            break;
        c = bc;
        r = br;
    }
    if (r < 1 || c < 1 || r + 1 >= sy || c + 1 >= sx)
        return;
    double z[3][3];
    for (int v = 0; v < 3; v++)
        for (int u = 0; u < 3; u++) {
            z[v][u] = S[(r + v - 1) * sx + (c + u - 1)];
            if (isnan(z[v][u]))
                return;
        }
    /* z = p0 + p1 u + p2 v + p3 u^2 + p4 u v + p5 v^2 on u, v in {-1, 0, 1}:
     * the design is orthogonal once u^2 and v^2 are centred, so each
     * coefficient is one weighted sum. */
    double col[3] = {0, 0, 0}, row[3] = {0, 0, 0};
    for (int v = 0; v < 3; v++)
        for (int u = 0; u < 3; u++) {
            col[u] += z[v][u];
            row[v] += z[v][u];
        }
    double p1 = (col[2] - col[0]) / 6, p2 = (row[2] - row[0]) / 6;
    double p3 = (col[0] + col[2] - 2 * col[1]) / 6, p5 = (row[0] + row[2] - 2 * row[1]) / 6;
    double p4 = (z[2][2] - z[2][0] - z[0][2] + z[0][0]) / 4;
    /* vertex: [2p3 p4; p4 2p5] d = -[p1; p2], a maximum when negative definite */
    double h11 = 2 * p3, h22 = 2 * p5, det = h11 * h22 - p4 * p4;
    if (!(h11 < 0) || !(det > 0))
        return;
    double du = (-p1 * h22 + p2 * p4) / det, dv = (-p2 * h11 + p1 * p4) / det;
    if (!(fabs(du) <= 1) || !(fabs(dv) <= 1))
        return;
    *px = ((double)(c - cx) + du) * s->dx;
    *py = ((double)(r - cy) + dv) * s->dy;
}

/* Ratio, major-axis angle and wall offset of one map; 0 if undefined. */
static int ellipse_one(gridform_scorer *s, const double *map, const void *ctx, double *ratio, double *angle,
                       double *offset)
{
    (void)ctx;
    if (gridform__sac_compute(s, map) != GRIDFORM_OK)
        return 0;
    double px[3], py[3];
    if (gridform__sac_peaks(s, px, py) < 3)
        return 0;
    for (int q = 0; q < 3; q++)
        refine_peak(s, &px[q], &py[q]);
    /* Lengths in units of the mean peak distance keep the system O(1). */
    double unit = (hypot(px[0], py[0]) + hypot(px[1], py[1]) + hypot(px[2], py[2])) / 3;
    double M[3][3], rhs[3] = {1, 1, 1};
    for (int q = 0; q < 3; q++) {
        double x = px[q] / unit, y = py[q] / unit;
        M[q][0] = x * x;
        M[q][1] = 2 * x * y;
        M[q][2] = y * y;
    }
    /* Cramer's rule; three peaks on one line through the centre (or two
     * coinciding) make the system singular. */
    double D = M[0][0] * (M[1][1] * M[2][2] - M[1][2] * M[2][1]) - M[0][1] * (M[1][0] * M[2][2] - M[1][2] * M[2][0])
               + M[0][2] * (M[1][0] * M[2][1] - M[1][1] * M[2][0]);
    if (!(fabs(D) > 1e-9))
        return 0;
    double sol[3];
    for (int j = 0; j < 3; j++) {
        double A[3][3];
        for (int i = 0; i < 3; i++)
            for (int l = 0; l < 3; l++)
                A[i][l] = l == j ? rhs[i] : M[i][l];
        sol[j] = (A[0][0] * (A[1][1] * A[2][2] - A[1][2] * A[2][1]) - A[0][1] * (A[1][0] * A[2][2] - A[1][2] * A[2][0])
                  + A[0][2] * (A[1][0] * A[2][1] - A[1][1] * A[2][0])) / D;
    }
    double a = sol[0], b = sol[1], c = sol[2];
    double tr = a + c, dif = hypot(a - c, 2 * b);
    double q1 = 0.5 * (tr - dif), q2 = 0.5 * (tr + dif);
    if (!(q1 > 0))   /* not an ellipse: the peaks are no lattice's */
        return 0;
    *ratio = sqrt(q2 / q1);
    /* the eigenvector of q2 is at atan2(2b, a - c)/2; the major axis is
     * perpendicular to it */
    double th = 0.5 * atan2(2 * b, a - c) + 0.5 * GF_PI;
    th = fmod(th, GF_PI);
    if (th < 0)
        th += GF_PI;
    if (!(th < GF_PI))
        th = 0;
    *angle = th;
    /* the grid's axes are the directions of the peaks; the walls lie along
     * x and y, so an axis' offset is its angle's distance to the nearest
     * multiple of 90 degrees */
    double best = GF_PI / 4;
    for (int q = 0; q < 3; q++) {
        double phi = atan2(py[q], px[q]);
        double d = fabs(remainder(phi, 0.5 * GF_PI));
        best = fmin(best, d);
    }
    *offset = best;
    return 1;
}

int gridform_scorer_ellipse(const gridform_scorer *cs, const double *maps, size_t nmaps, double *axis_ratio,
                            double *major_angle, double *wall_offset)
{
    int rc = gridform__check_batch(cs, __func__, maps, nmaps);
    if (rc != GRIDFORM_OK)
        return rc;
    gridform_scorer *s = (gridform_scorer *)cs;
    if (axis_ratio == NULL && major_angle == NULL && wall_offset == NULL)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL, "axis_ratio, major_angle and wall_offset must not all be NULL");
    size_t total;
    rc = gridform__check_maps(s, __func__, maps, nmaps, &total);
    if (rc != GRIDFORM_OK)
        return rc;
    size_t first, nundef = gridform__measure_maps(s, maps, nmaps, ellipse_one, NULL, axis_ratio, major_angle,
                                                  wall_offset, &first);
    if (nundef > 0)
        return GF_FAIL(&s->err, GRIDFORM_EUNDEFINED,
                       "%zu of %zu maps have no ellipse (no variance, fewer than three SAC peaks, or peaks "
                       "on no ellipse around the centre), the first is map %zu",
                       nundef, nmaps, first);
    return GRIDFORM_OK;
}
