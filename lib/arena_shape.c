/* libgridform: arenas of any shape, as a mask of reachable bins or as a
 * polygon with holes (doc/theory.md §7.1).
 *
 * Both are walled boxes of lx x ly metres on nx x ny bins with a shape
 * inside: a bin belongs to the arena when the animal can reach it (a mask)
 * or when its centre lies in the closed polygon.  The inside must be one
 * 4-connected set of bins (bins sharing an edge), so every inside bin can
 * be reached from every other without squeezing through a corner; a shape
 * whose bins cover the whole box is stored as the plain walled box
 * (inside = NULL), so it behaves exactly as gridform_arena_create's. */
#include "config.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "shape_internal.h"

int gridform__arena_shaped(const gridform_arena *a)
{
    return a->inside != NULL || a->poly != NULL;
}

size_t gridform__arena_bin_of(const gridform_arena *a, double x, double y)
{
    if (!(fabs(x) <= 0.5 * a->lx) || !(fabs(y) <= 0.5 * a->ly))
        return SIZE_MAX;
    double u = (x / a->lx + 0.5) * (double)a->nx, v = (y / a->ly + 0.5) * (double)a->ny;
    size_t ix = (size_t)floor(u), iy = (size_t)floor(v);
    if (ix >= a->nx) ix = a->nx - 1;
    if (iy >= a->ny) iy = a->ny - 1;
    return iy * a->nx + ix;
}

/* Twice the signed area of triangle a b c: > 0 when a, b, c turn left. */
static double orient(double ax, double ay, double bx, double by, double cx, double cy)
{
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/* The length below which two points of the arena count as one: round-off
 * of coordinates of the box's size. */
static double geom_eps(const gridform_arena *a)
{
    return 1e-12 * (a->lx + a->ly);
}

/* Sign of an orientation of a segment of length len, zero within eps of
 * the line. */
static int osign(double o, double len, double eps)
{
    double t = eps * len;
    return o > t ? 1 : (o < -t ? -1 : 0);
}

/* Distance from p to the segment a-b. */
static double seg_dist(double px, double py, double ax, double ay, double bx, double by)
{
    double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0.0;
    t = t < 0 ? 0 : (t > 1 ? 1 : t);
    return hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/* Endpoints of edge e (global numbering: ring by ring, vertex i to i+1 of
 * its ring, wrapping). */
static void edge_ends(const double *xy, const size_t *sizes, size_t nrings, size_t e, size_t *i0, size_t *i1)
{
    size_t first = 0;
    for (size_t r = 0; r < nrings; r++) {
        if (e < first + sizes[r]) {
            *i0 = e;
            *i1 = e + 1 < first + sizes[r] ? e + 1 : first;
            return;
        }
        first += sizes[r];
    }
    (void)xy;
    *i0 = *i1 = 0;
}

/* Even-odd inside test against all rings (holes flip it back), with
 * points within eps of an edge counted inside: the closed domain. */
static int poly_contains(const double *xy, const size_t *sizes, size_t nrings, size_t nverts, double eps,
                         double x, double y)
{
    int in = 0;
    for (size_t e = 0; e < nverts; e++) {
        size_t i0, i1;
        edge_ends(xy, sizes, nrings, e, &i0, &i1);
        double ax = xy[2 * i0], ay = xy[2 * i0 + 1], bx = xy[2 * i1], by = xy[2 * i1 + 1];
        /* On the edge (within eps): only near its bounding box. */
        if (x >= fmin(ax, bx) - eps && x <= fmax(ax, bx) + eps && y >= fmin(ay, by) - eps
            && y <= fmax(ay, by) + eps && seg_dist(x, y, ax, ay, bx, by) <= eps)
            return 1;
        if ((ay > y) != (by > y) && x < ax + (y - ay) * (bx - ax) / (by - ay))
            in = !in;
    }
    return in;
}

int gridform__arena_contains(const gridform_arena *a, double x, double y)
{
    if (!(fabs(x) <= 0.5 * a->lx) || !(fabs(y) <= 0.5 * a->ly))
        return 0;
    if (a->poly != NULL)
        return poly_contains(a->poly, a->ring_sizes, a->nrings, a->nverts, geom_eps(a), x, y);
    if (a->inside != NULL)
        return a->inside[gridform__arena_bin_of(a, x, y)] != 0;
    return 1;
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return a < b ? -1 : (a > b ? 1 : 0);
}

/* A segment lies in the closed polygon when it crosses no edge properly
 * and, cut at every vertex it touches, each piece's midpoint is in the
 * closed polygon: between two cuts the segment meets the boundary nowhere
 * (or runs along it), so one point decides the whole piece. */
int gridform__poly_visible(const gridform_arena *a, double px, double py, double qx, double qy)
{
    const double *xy = a->poly;
    double eps = geom_eps(a);
    double len = hypot(qx - px, qy - py);
    if (len <= eps)
        return gridform__arena_contains(a, px, py);
    /* Cuts: t in (0, 1) of the vertices on the segment; at most nverts. */
    double cutbuf[64];
    double *cuts = cutbuf;
    size_t ncut = 0, cap = 64;
    for (size_t e = 0; e < a->nverts; e++) {
        size_t i0, i1;
        edge_ends(xy, a->ring_sizes, a->nrings, e, &i0, &i1);
        double ax = xy[2 * i0], ay = xy[2 * i0 + 1], bx = xy[2 * i1], by = xy[2 * i1 + 1];
        double elen = hypot(bx - ax, by - ay);
        int s1 = osign(orient(px, py, qx, qy, ax, ay), len, eps);
        int s2 = osign(orient(px, py, qx, qy, bx, by), len, eps);
        int s3 = osign(orient(ax, ay, bx, by, px, py), elen, eps);
        int s4 = osign(orient(ax, ay, bx, by, qx, qy), elen, eps);
        if (s1 * s2 < 0 && s3 * s4 < 0) {
            if (cuts != cutbuf)
                gridform__free(cuts);
            return 0;
        }
        if (s1 == 0) {
            double t = ((ax - px) * (qx - px) + (ay - py) * (qy - py)) / (len * len);
            if (t > 0 && t < 1) {
                if (ncut == cap) {
                    /* Many vertices on one line: grow the list (rare). */
                    double *nc = gridform__malloc_array(2 * cap, sizeof(double));
                    if (nc == NULL) {
                        if (cuts != cutbuf)
                            gridform__free(cuts);
                        return 0;
                    }
                    memcpy(nc, cuts, ncut * sizeof(double));
                    if (cuts != cutbuf)
                        gridform__free(cuts);
                    cuts = nc;
                    cap *= 2;
                }
                cuts[ncut++] = t;
            }
        }
    }
    qsort(cuts, ncut, sizeof(double), cmp_double);
    int ok = 1;
    double t0 = 0.0;
    for (size_t i = 0; i <= ncut && ok; i++) {
        double t1 = i < ncut ? cuts[i] : 1.0, tm = 0.5 * (t0 + t1);
        if (t1 - t0 > 0)
            ok = poly_contains(xy, a->ring_sizes, a->nrings, a->nverts, eps, px + tm * (qx - px),
                               py + tm * (qy - py));
        t0 = t1;
    }
    if (cuts != cutbuf)
        gridform__free(cuts);
    return ok;
}

static int mask_in(const gridform_arena *a, long ix, long iy)
{
    if (ix < 0 || iy < 0 || ix >= (long)a->nx || iy >= (long)a->ny)
        return 0;
    return a->inside == NULL || a->inside[(size_t)iy * a->nx + (size_t)ix] != 0;
}

/* Walk the bins the segment passes through (Amanatides and Woo,
 * Eurographics 1987), in units of bins. */
int gridform__mask_visible(const gridform_arena *a, double px, double py, double qx, double qy)
{
    size_t b0 = gridform__arena_bin_of(a, px, py), b1 = gridform__arena_bin_of(a, qx, qy);
    if (b0 == SIZE_MAX || b1 == SIZE_MAX)
        return 0;
    if (a->inside == NULL)
        return 1;
    if (!a->inside[b0] || !a->inside[b1])
        return 0;
    double u0 = (px / a->lx + 0.5) * (double)a->nx, v0 = (py / a->ly + 0.5) * (double)a->ny;
    double u1 = (qx / a->lx + 0.5) * (double)a->nx, v1 = (qy / a->ly + 0.5) * (double)a->ny;
    long ix = (long)(b0 % a->nx), iy = (long)(b0 / a->nx);
    double du = u1 - u0, dv = v1 - v0;
    long sx = du > 0 ? 1 : (du < 0 ? -1 : 0), sy = dv > 0 ? 1 : (dv < 0 ? -1 : 0);
    double tx = du > 0 ? ((double)ix + 1 - u0) / du : (du < 0 ? (u0 - (double)ix) / -du : INFINITY);
    double ty = dv > 0 ? ((double)iy + 1 - v0) / dv : (dv < 0 ? (v0 - (double)iy) / -dv : INFINITY);
    double dtx = du != 0 ? 1.0 / fabs(du) : INFINITY, dty = dv != 0 ? 1.0 / fabs(dv) : INFINITY;
    const double tie = 1e-12, tend = 1.0 - 1e-12;
    for (size_t step = 0; step < 2 * (a->nx + a->ny) + 4; step++) {
        double t = tx < ty ? tx : ty;
        if (!(t < tend))
            break;
        if (fabs(tx - ty) <= tie) {
            /* Through a corner: both bins beside it must be inside. */
            if (!mask_in(a, ix + sx, iy) || !mask_in(a, ix, iy + sy))
                return 0;
            ix += sx;
            iy += sy;
            tx += dtx;
            ty += dty;
        } else if (tx < ty) {
            ix += sx;
            tx += dtx;
        } else {
            iy += sy;
            ty += dty;
        }
        if (!mask_in(a, ix, iy))
            return 0;
    }
    return 1;
}

/* Are the ones of inside (ny x nx) one 4-connected set?  Breadth-first
 * from the first one.  -1 when out of memory. */
static int connected4(const unsigned char *inside, size_t nx, size_t ny, size_t ninside)
{
    size_t n = nx * ny;
    size_t *queue = gridform__malloc_array(ninside, sizeof(size_t));
    unsigned char *seen = gridform__calloc(n, 1);
    if (queue == NULL || seen == NULL) {
        gridform__free(queue);
        gridform__free(seen);
        return -1;
    }
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < n; i++)
        if (inside[i]) {
            queue[tail++] = i;
            seen[i] = 1;
            break;
        }
    while (head < tail) {
        size_t p = queue[head++], ix = p % nx, iy = p / nx;
        size_t nb[4];
        int cnt = 0;
        if (ix > 0) nb[cnt++] = p - 1;
        if (ix + 1 < nx) nb[cnt++] = p + 1;
        if (iy > 0) nb[cnt++] = p - nx;
        if (iy + 1 < ny) nb[cnt++] = p + nx;
        for (int j = 0; j < cnt; j++)
            if (inside[nb[j]] && !seen[nb[j]]) {
                seen[nb[j]] = 1;
                queue[tail++] = nb[j];
            }
    }
    gridform__free(queue);
    gridform__free(seen);
    return tail == ninside;
}

/* Give the walled box a the shape `inside` (taken over), after checking it
 * is nonempty and connected; a full box keeps inside = NULL.  On failure
 * frees inside and destroys a.  what names the shape for messages. */
static int adopt_inside(gridform_arena **out, gridform_arena *a, unsigned char *inside, const char *func,
                        const char *what)
{
    size_t n = a->npoints, count = 0;
    for (size_t i = 0; i < n; i++)
        count += inside[i] != 0;
    int rc = GRIDFORM_OK;
    if (count == 0) {
        rc = gridform__fail(NULL, GRIDFORM_EINVAL, func, "%s has no inside bin on the %zu x %zu grid", what,
                            a->nx, a->ny);
    } else if (count < n) {
        int c = connected4(inside, a->nx, a->ny, count);
        if (c < 0)
            rc = gridform__fail(NULL, GRIDFORM_ENOMEM, func, "cannot allocate the connectivity search");
        else if (c == 0)
            rc = gridform__fail(NULL, GRIDFORM_EINVAL, func,
                                "the inside bins of %s are not connected (4-connectivity: bins sharing an "
                                "edge); an arena is one region the animal can cross", what);
    }
    if (rc != GRIDFORM_OK) {
        gridform__free(inside);
        gridform_arena_destroy(a);
        return rc;
    }
    if (count == n) {
        gridform__free(inside);
        inside = NULL;
    }
    a->inside = inside;
    a->ninside = count;
    *out = a;
    return GRIDFORM_OK;
}

int gridform_arena_create_mask(gridform_arena **out, double lx, double ly, size_t nx, size_t ny,
                               const unsigned char *inside)
{
    if (out == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "out must not be NULL");
    *out = NULL;
    if (inside == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "inside must not be NULL");
    gridform_arena *a = NULL;
    int rc = gridform_arena_create(&a, lx, ly, nx, ny, GRIDFORM_WALLED);
    if (rc != GRIDFORM_OK)
        return GF_FAIL(NULL, rc, "%s", gridform_last_error());
    for (size_t i = 0; i < a->npoints; i++)
        if (inside[i] > 1) {
            gridform_arena_destroy(a);
            return GF_FAIL(NULL, GRIDFORM_EINVAL, "inside[%zu] (row %zu, column %zu) is %u: use 1 for a "
                           "reachable bin and 0 for one outside", i, i / nx, i % nx, (unsigned)inside[i]);
        }
    unsigned char *copy = gridform__malloc(a->npoints);
    if (copy == NULL) {
        gridform_arena_destroy(a);
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate the mask");
    }
    memcpy(copy, inside, a->npoints);
    return adopt_inside(out, a, copy, __func__, "the mask");
}

/* Do the closed segments a-b and c-d meet? */
static int segments_meet(const double *a, const double *b, const double *c, const double *d, double eps)
{
    double lab = hypot(b[0] - a[0], b[1] - a[1]), lcd = hypot(d[0] - c[0], d[1] - c[1]);
    int s1 = osign(orient(a[0], a[1], b[0], b[1], c[0], c[1]), lab, eps);
    int s2 = osign(orient(a[0], a[1], b[0], b[1], d[0], d[1]), lab, eps);
    int s3 = osign(orient(c[0], c[1], d[0], d[1], a[0], a[1]), lcd, eps);
    int s4 = osign(orient(c[0], c[1], d[0], d[1], b[0], b[1]), lcd, eps);
    if (s1 * s2 < 0 && s3 * s4 < 0)
        return 1;
    /* Touching or overlapping: an endpoint of one lies on the other. */
    return seg_dist(c[0], c[1], a[0], a[1], b[0], b[1]) <= eps || seg_dist(d[0], d[1], a[0], a[1], b[0], b[1]) <= eps
           || seg_dist(a[0], a[1], c[0], c[1], d[0], d[1]) <= eps || seg_dist(b[0], b[1], c[0], c[1], d[0], d[1]) <= eps;
}

/* Check the rings: no two edges meet except neighbours at their shared
 * vertex, neighbours do not fold back on each other, every ring encloses
 * area, every hole lies in the outer ring and outside the other holes. */
static int check_rings(const double *xy, const size_t *sizes, size_t nrings, size_t nverts, double eps,
                       const char *func)
{
    for (size_t e = 0; e < nverts; e++) {
        size_t a0, a1;
        edge_ends(xy, sizes, nrings, e, &a0, &a1);
        if (hypot(xy[2 * a1] - xy[2 * a0], xy[2 * a1 + 1] - xy[2 * a0 + 1]) <= eps)
            return gridform__fail(NULL, GRIDFORM_EINVAL, func, "vertices %zu and %zu repeat the same point "
                                  "(%g, %g)", a0, a1, xy[2 * a0], xy[2 * a0 + 1]);
    }
    for (size_t e = 0; e < nverts; e++) {
        size_t a0, a1;
        edge_ends(xy, sizes, nrings, e, &a0, &a1);
        for (size_t f = e + 1; f < nverts; f++) {
            size_t b0, b1;
            edge_ends(xy, sizes, nrings, f, &b0, &b1);
            const double *A = xy + 2 * a0, *B = xy + 2 * a1, *C = xy + 2 * b0, *D = xy + 2 * b1;
            if (a1 == b0 || b1 == a0) {
                /* Neighbours: meet only at the shared vertex, so the far
                 * end of one must not lie on the other. */
                const double *far1 = a1 == b0 ? A : B, *far2 = a1 == b0 ? D : C, *s0 = a1 == b0 ? B : A;
                if (a1 == b0 && b1 == a0)
                    continue;   /* a two-vertex ring: refused before this */
                if (seg_dist(far2[0], far2[1], A[0], A[1], B[0], B[1]) <= eps
                    || seg_dist(far1[0], far1[1], C[0], C[1], D[0], D[1]) <= eps)
                    return gridform__fail(NULL, GRIDFORM_EINVAL, func, "the polygon folds back on itself at "
                                          "vertex (%g, %g)", s0[0], s0[1]);
                continue;
            }
            if (segments_meet(A, B, C, D, eps))
                return gridform__fail(NULL, GRIDFORM_EINVAL, func,
                                      "the polygon intersects itself: edge (%g, %g)-(%g, %g) meets edge "
                                      "(%g, %g)-(%g, %g)", A[0], A[1], B[0], B[1], C[0], C[1], D[0], D[1]);
        }
    }
    size_t first = 0;
    for (size_t r = 0; r < nrings; r++) {
        double area = 0;
        for (size_t i = 0; i < sizes[r]; i++) {
            size_t i0 = first + i, i1 = first + (i + 1) % sizes[r];
            area += xy[2 * i0] * xy[2 * i1 + 1] - xy[2 * i1] * xy[2 * i0 + 1];
        }
        if (!(fabs(0.5 * area) > eps * eps))
            return gridform__fail(NULL, GRIDFORM_EINVAL, func, "ring %zu encloses no area (its vertices are "
                                  "collinear or repeated)", r);
        first += sizes[r];
    }
    /* No edges cross, so a hole is wholly inside or outside any other
     * ring: one vertex decides. */
    first = sizes[0];
    for (size_t r = 1; r < nrings; r++) {
        double x = xy[2 * first], y = xy[2 * first + 1];
        if (!poly_contains(xy, sizes, 1, sizes[0], 0.0, x, y))
            return gridform__fail(NULL, GRIDFORM_EINVAL, func, "hole %zu (ring %zu) lies outside the outer "
                                  "boundary (ring 0)", r, r);
        size_t other = sizes[0];
        for (size_t q = 1; q < nrings; q++) {
            if (q != r && poly_contains(xy + 2 * other, sizes + q, 1, sizes[q], 0.0, x, y))
                return gridform__fail(NULL, GRIDFORM_EINVAL, func, "hole %zu lies inside hole %zu: holes "
                                      "must not nest", r, q);
            other += sizes[q];
        }
        first += sizes[r];
    }
    return GRIDFORM_OK;
}

int gridform_arena_create_polygon(gridform_arena **out, double lx, double ly, size_t nx, size_t ny,
                                  const double *xy, const size_t *ring_sizes, size_t nrings)
{
    if (out == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "out must not be NULL");
    *out = NULL;
    if (xy == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "xy must not be NULL");
    if (ring_sizes == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "ring_sizes must not be NULL");
    if (nrings == 0)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "nrings must be >= 1 (the outer boundary)");
    size_t nverts = 0;
    for (size_t r = 0; r < nrings; r++) {
        if (ring_sizes[r] < 3)
            return GF_FAIL(NULL, GRIDFORM_EINVAL, "ring %zu has %zu vertices: a ring needs at least 3", r,
                           ring_sizes[r]);
        if (!gridform__add_size(nverts, ring_sizes[r], &nverts) || nverts > SIZE_MAX / (2 * sizeof(double)))
            return GF_FAIL(NULL, GRIDFORM_ERANGE, "the rings' vertex count overflows");
    }
    gridform_arena *a = NULL;
    int rc = gridform_arena_create(&a, lx, ly, nx, ny, GRIDFORM_WALLED);
    if (rc != GRIDFORM_OK)
        return GF_FAIL(NULL, rc, "%s", gridform_last_error());
    for (size_t i = 0; i < nverts; i++) {
        double x = xy[2 * i], y = xy[2 * i + 1];
        if (!isfinite(x) || !isfinite(y)) {
            gridform_arena_destroy(a);
            return GF_FAIL(NULL, GRIDFORM_EINVAL, "vertex %zu (%g, %g) is not finite", i, x, y);
        }
        if (!(fabs(x) <= 0.5 * lx) || !(fabs(y) <= 0.5 * ly)) {
            gridform_arena_destroy(a);
            return GF_FAIL(NULL, GRIDFORM_EINVAL, "vertex %zu (%g, %g) lies outside the %g x %g m box "
                           "centred on the origin", i, x, y, lx, ly);
        }
    }
    rc = check_rings(xy, ring_sizes, nrings, nverts, geom_eps(a), __func__);
    if (rc != GRIDFORM_OK) {
        gridform_arena_destroy(a);
        return rc;
    }
    a->poly = gridform__malloc_array(2 * nverts, sizeof(double));
    a->ring_sizes = gridform__malloc_array(nrings, sizeof(size_t));
    unsigned char *inside = gridform__malloc(a->npoints);
    if (a->poly == NULL || a->ring_sizes == NULL || inside == NULL) {
        gridform__free(inside);
        gridform_arena_destroy(a);
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate the polygon of %zu vertices", nverts);
    }
    memcpy(a->poly, xy, 2 * nverts * sizeof(double));
    memcpy(a->ring_sizes, ring_sizes, nrings * sizeof(size_t));
    a->nrings = nrings;
    a->nverts = nverts;
    double hx = lx / (double)nx, hy = ly / (double)ny;
    for (size_t iy = 0; iy < ny; iy++)
        for (size_t ix = 0; ix < nx; ix++)
            inside[iy * nx + ix] = (unsigned char)gridform__arena_contains(a, -0.5 * lx + ((double)ix + 0.5) * hx,
                                                                           -0.5 * ly + ((double)iy + 0.5) * hy);
    return adopt_inside(out, a, inside, __func__, "the polygon");
}

int gridform_arena_get_mask(const gridform_arena *a, unsigned char *inside)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&a->err;
    GF_CHECK_PTR(eb, inside);
    if (a->inside != NULL)
        memcpy(inside, a->inside, a->npoints);
    else
        memset(inside, 1, a->npoints);
    return GRIDFORM_OK;
}
