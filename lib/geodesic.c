/* libgridform: geodesic distances in shaped arenas (doc/theory.md §7.3).
 *
 * Polygons (exact).  A shortest path between two points of a polygon with
 * holes is a polyline that bends only at reflex vertices (de Berg, Cheong,
 * van Kreveld, Overmars, Computational Geometry, 3rd ed., 2008, ch. 15).
 * So with R the reflex vertices and D(u, v) their shortest distances
 * (the visibility graph among them, closed by Floyd-Warshall),
 *     d(x, c) = |x - c|                                  if x sees c,
 *             = min_{v seen by x} |x - v| + d_c(v)         otherwise,
 *     d_c(v)  = min_{u seen by c} |c - u| + D(u, v),
 * with d_c precomputed per centre.
 *
 * Masks (approximate).  Straight lines where the segment passes through
 * inside bins only; otherwise Dijkstra over bin centres with the 16 moves
 * (+-1, 0), (0, +-1), (+-1, +-1), (+-1, +-2), (+-2, +-1), each allowed when
 * its segment stays in inside bins, from the centre's bin.  Between two
 * neighbouring move directions (at most atan(1/2) = 26.6 degrees apart on
 * square bins) a straight run is replaced by two moves, at most
 * 1/cos(13.3 deg) - 1 = 2.7% longer; the path also keeps to bin centres,
 * which adds up to about a bin diagonal around each corner. */
#include "config.h"
#include <math.h>
#include <string.h>
#include "internal.h"
#include "shape_internal.h"

enum { GEO_BOX = 0, GEO_POLY = 1, GEO_MASK = 2 };

struct gridform__geodesic {
    const gridform_arena *a;
    int kind;
    size_t nc;
    double *centers;   /* nc x 2 */
    size_t nr;         /* polygon: reflex vertices */
    double *rv;        /* nr x 2 */
    double *dc;        /* nc x nr */
    double *dist;      /* mask: nc x npoints, graph distance from each centre to each bin centre */
};

void gridform__geodesic_destroy(gridform__geodesic *g)
{
    if (g == NULL)
        return;
    gridform__free(g->centers);
    gridform__free(g->rv);
    gridform__free(g->dc);
    gridform__free(g->dist);
    gridform__free(g);
}

size_t gridform__geodesic_work(const gridform__geodesic *g)
{
    return g->nr > 0 ? g->nr : 1;
}

static int visible(const gridform__geodesic *g, double px, double py, double qx, double qy)
{
    if (g->kind == GEO_POLY)
        return gridform__poly_visible(g->a, px, py, qx, qy);
    if (g->kind == GEO_MASK)
        return gridform__mask_visible(g->a, px, py, qx, qy);
    return 1;
}

/* The reflex vertices of the polygon: where the domain's interior angle
 * exceeds 180 degrees, i.e. the outer ring turns against its own
 * orientation, or a hole turns with its own. */
static int find_reflex(gridform__geodesic *g)
{
    const gridform_arena *a = g->a;
    g->rv = gridform__malloc_array(2 * a->nverts, sizeof(double));
    if (g->rv == NULL)
        return GRIDFORM_ENOMEM;
    size_t first = 0;
    for (size_t r = 0; r < a->nrings; r++) {
        size_t m = a->ring_sizes[r];
        const double *v = a->poly + 2 * first;
        double area = 0;
        for (size_t i = 0; i < m; i++) {
            size_t j = (i + 1) % m;
            area += v[2 * i] * v[2 * j + 1] - v[2 * j] * v[2 * i + 1];
        }
        for (size_t i = 0; i < m; i++) {
            size_t p = (i + m - 1) % m, n = (i + 1) % m;
            double turn = (v[2 * i] - v[2 * p]) * (v[2 * n + 1] - v[2 * i + 1])
                          - (v[2 * i + 1] - v[2 * p + 1]) * (v[2 * n] - v[2 * i]);
            int reflex = r == 0 ? turn * area < 0 : turn * area > 0;
            if (reflex) {
                g->rv[2 * g->nr] = v[2 * i];
                g->rv[2 * g->nr + 1] = v[2 * i + 1];
                g->nr++;
            }
        }
        first += m;
    }
    return GRIDFORM_OK;
}

static int poly_setup(gridform__geodesic *g)
{
    int rc = find_reflex(g);
    if (rc != GRIDFORM_OK || g->nr == 0)
        return rc;
    size_t nr = g->nr;
    double *D = gridform__malloc_array(nr * nr, sizeof(double));
    double *base = gridform__malloc_array(nr, sizeof(double));
    g->dc = gridform__malloc_array(g->nc * nr, sizeof(double));
    if (D == NULL || base == NULL || g->dc == NULL) {
        gridform__free(D);
        gridform__free(base);
        return GRIDFORM_ENOMEM;
    }
    const double *rv = g->rv;
    for (size_t u = 0; u < nr; u++) {
        D[u * nr + u] = 0;
        for (size_t v = u + 1; v < nr; v++) {
            double d = visible(g, rv[2 * u], rv[2 * u + 1], rv[2 * v], rv[2 * v + 1])
                           ? hypot(rv[2 * v] - rv[2 * u], rv[2 * v + 1] - rv[2 * u + 1]) : INFINITY;
            D[u * nr + v] = D[v * nr + u] = d;
        }
    }
    /* Floyd-Warshall: R is small (the reflex vertices only). */
    for (size_t w = 0; w < nr; w++)
        for (size_t u = 0; u < nr; u++)
            for (size_t v = 0; v < nr; v++)
                if (D[u * nr + w] + D[w * nr + v] < D[u * nr + v])
                    D[u * nr + v] = D[u * nr + w] + D[w * nr + v];
    for (size_t c = 0; c < g->nc; c++) {
        double cx = g->centers[2 * c], cy = g->centers[2 * c + 1];
        for (size_t u = 0; u < nr; u++)
            base[u] = visible(g, cx, cy, rv[2 * u], rv[2 * u + 1])
                          ? hypot(rv[2 * u] - cx, rv[2 * u + 1] - cy) : INFINITY;
        for (size_t v = 0; v < nr; v++) {
            double best = INFINITY;
            for (size_t u = 0; u < nr; u++)
                if (base[u] + D[u * nr + v] < best)
                    best = base[u] + D[u * nr + v];
            g->dc[c * nr + v] = best;
        }
    }
    gridform__free(D);
    gridform__free(base);
    return GRIDFORM_OK;
}

/* ---- masks: Dijkstra on the bins ---------------------------------------- */

#define GEO_NMOVES 16
static const int moves[GEO_NMOVES][2] = {
    {1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {1, -1}, {-1, 1}, {-1, -1},
    {1, 2}, {1, -2}, {-1, 2}, {-1, -2}, {2, 1}, {2, -1}, {-2, 1}, {-2, -1}};

typedef struct { double d; size_t i; } heap_item;

static void heap_push(heap_item *h, size_t *n, double d, size_t i)
{
    size_t k = (*n)++;
    while (k > 0) {
        size_t p = (k - 1) / 2;
        if (h[p].d <= d)
            break;
        h[k] = h[p];
        k = p;
    }
    h[k].d = d;
    h[k].i = i;
}

static heap_item heap_pop(heap_item *h, size_t *n)
{
    heap_item top = h[0], last = h[--(*n)];
    size_t k = 0;
    for (;;) {
        size_t l = 2 * k + 1, r = l + 1, m = k;
        double dm = last.d;
        if (l < *n && h[l].d < dm) { m = l; dm = h[l].d; }
        if (r < *n && h[r].d < dm) m = r;
        if (m == k)
            break;
        h[k] = h[m];
        k = m;
    }
    h[k] = last;
    return top;
}

static int mask_setup(gridform__geodesic *g)
{
    const gridform_arena *a = g->a;
    size_t n = a->npoints, nx = a->nx, total, hcap;
    if (!gridform__mul_size(g->nc, n, &total) || total > SIZE_MAX / sizeof(double)
        || !gridform__mul_size(n, GEO_NMOVES + 1, &hcap) || hcap > SIZE_MAX / sizeof(heap_item))
        return GRIDFORM_ERANGE;
    g->dist = gridform__malloc_array(total, sizeof(double));
    unsigned short *ok = gridform__calloc(n, sizeof(unsigned short));
    heap_item *heap = gridform__malloc_array(hcap, sizeof(heap_item));
    unsigned char *done = gridform__malloc(n);
    if (g->dist == NULL || ok == NULL || heap == NULL || done == NULL) {
        gridform__free(ok);
        gridform__free(heap);
        gridform__free(done);
        return GRIDFORM_ENOMEM;
    }
    double hx = a->lx / (double)a->nx, hy = a->ly / (double)a->ny;
#define CX(i) (-0.5 * a->lx + ((double)((i) % nx) + 0.5) * hx)
#define CY(i) (-0.5 * a->ly + ((double)((i) / nx) + 0.5) * hy)
    double mlen[GEO_NMOVES];
    for (int m = 0; m < GEO_NMOVES; m++)
        mlen[m] = hypot(moves[m][0] * hx, moves[m][1] * hy);
    /* Which moves each inside bin may make: its segment within the mask. */
    for (size_t i = 0; i < n; i++) {
        if (!a->inside[i])
            continue;
        long ix = (long)(i % nx), iy = (long)(i / nx);
        for (int m = 0; m < GEO_NMOVES; m++) {
            long jx = ix + moves[m][0], jy = iy + moves[m][1];
            if (jx < 0 || jy < 0 || jx >= (long)nx || jy >= (long)a->ny)
                continue;
            size_t j = (size_t)jy * nx + (size_t)jx;
            if (a->inside[j] && gridform__mask_visible(a, CX(i), CY(i), CX(j), CY(j)))
                ok[i] |= (unsigned short)(1u << m);
        }
    }
    for (size_t c = 0; c < g->nc; c++) {
        double *d = g->dist + c * n;
        for (size_t i = 0; i < n; i++)
            d[i] = INFINITY;
        memset(done, 0, n);
        double cx = g->centers[2 * c], cy = g->centers[2 * c + 1];
        size_t b = gridform__arena_bin_of(a, cx, cy), nh = 0;
        d[b] = hypot(cx - CX(b), cy - CY(b));
        heap_push(heap, &nh, d[b], b);
        while (nh > 0) {
            heap_item it = heap_pop(heap, &nh);
            size_t i = it.i;
            if (done[i])
                continue;
            done[i] = 1;
            long ix = (long)(i % nx), iy = (long)(i / nx);
            for (int m = 0; m < GEO_NMOVES; m++) {
                if (!(ok[i] & (1u << m)))
                    continue;
                size_t j = (size_t)(iy + moves[m][1]) * nx + (size_t)(ix + moves[m][0]);
                double nd = it.d + mlen[m];
                if (nd < d[j]) {
                    d[j] = nd;
                    heap_push(heap, &nh, nd, j);
                }
            }
        }
    }
#undef CX
#undef CY
    gridform__free(ok);
    gridform__free(heap);
    gridform__free(done);
    return GRIDFORM_OK;
}

int gridform__geodesic_create(gridform__geodesic **out, const gridform_arena *a, const double *centers,
                              size_t nc, gridform__errbuf *eb, const char *func)
{
    *out = NULL;
    gridform__geodesic *g = gridform__calloc(1, sizeof *g);
    if (g == NULL)
        return gridform__fail(eb, GRIDFORM_ENOMEM, func, "cannot allocate the geodesic tables");
    g->a = a;
    g->nc = nc;
    g->kind = a->poly != NULL ? GEO_POLY : (a->inside != NULL ? GEO_MASK : GEO_BOX);
    g->centers = gridform__malloc_array(2 * nc, sizeof(double));
    int rc = g->centers == NULL ? GRIDFORM_ENOMEM : GRIDFORM_OK;
    if (rc == GRIDFORM_OK) {
        memcpy(g->centers, centers, 2 * nc * sizeof(double));
        if (g->kind == GEO_POLY)
            rc = poly_setup(g);
        else if (g->kind == GEO_MASK)
            rc = mask_setup(g);
    }
    if (rc != GRIDFORM_OK) {
        gridform__geodesic_destroy(g);
        return gridform__fail(eb, rc, func, rc == GRIDFORM_ERANGE
                              ? "geodesic tables of %zu centres x %zu bins are too large"
                              : "cannot allocate geodesic tables for %zu centres (%zu bins)", nc, a->npoints);
    }
    *out = g;
    return GRIDFORM_OK;
}

void gridform__geodesic_from(const gridform__geodesic *g, double x, double y, double *work)
{
    for (size_t v = 0; v < g->nr; v++)
        work[v] = visible(g, x, y, g->rv[2 * v], g->rv[2 * v + 1])
                      ? hypot(g->rv[2 * v] - x, g->rv[2 * v + 1] - y) : INFINITY;
}

double gridform__geodesic_dist(const gridform__geodesic *g, double x, double y, size_t c, const double *work)
{
    double cx = g->centers[2 * c], cy = g->centers[2 * c + 1];
    if (g->kind == GEO_BOX || (g->kind == GEO_POLY && g->nr == 0) || visible(g, x, y, cx, cy))
        return hypot(x - cx, y - cy);
    if (g->kind == GEO_POLY) {
        double best = INFINITY;
        const double *dc = g->dc + c * g->nr;
        for (size_t v = 0; v < g->nr; v++)
            if (work[v] + dc[v] < best)
                best = work[v] + dc[v];
        return best;
    }
    const gridform_arena *a = g->a;
    size_t b = gridform__arena_bin_of(a, x, y);
    double bx = -0.5 * a->lx + ((double)(b % a->nx) + 0.5) * a->lx / (double)a->nx;
    double by = -0.5 * a->ly + ((double)(b / a->nx) + 0.5) * a->ly / (double)a->ny;
    return hypot(x - bx, y - by) + g->dist[c * a->npoints + b];
}
