/* Named enclosures as polygons (tools/shapes.h). */
#include <math.h>
#include <string.h>
#include "shapes.h"

#define PI 3.14159265358979323846

const char *shape_names(void)
{
    return "square, circle, trapezoid, hole, wall, rectangle";
}

static void put(shape_polygon *p, size_t *nv, double x, double y)
{
    p->xy[2 * *nv] = x;
    p->xy[2 * *nv + 1] = y;
    (*nv)++;
}

/* An axis-aligned square ring of half-side h about the origin,
 * anticlockwise (outer) or clockwise (hole); the orientation is a
 * convention only, the library takes either. */
static void square_ring(shape_polygon *p, size_t *nv, double h, int clockwise)
{
    if (!clockwise) {
        put(p, nv, -h, -h); put(p, nv, h, -h); put(p, nv, h, h); put(p, nv, -h, h);
    } else {
        put(p, nv, -h, -h); put(p, nv, -h, h); put(p, nv, h, h); put(p, nv, h, -h);
    }
}

int shape_build(const char *name, double L, shape_polygon *p)
{
    memset(p, 0, sizeof *p);
    size_t nv = 0;
    p->lx = p->ly = L;
    if (strcmp(name, "rectangle") == 0) {
        p->name = "rectangle";
        return 0;
    }
    if (strcmp(name, "square") == 0) {
        p->name = "square";
        square_ring(p, &nv, 0.5 * L, 0);
        p->ring_sizes[0] = nv;
        p->nrings = 1;
        return 0;
    }
    if (strcmp(name, "circle") == 0) {
        /* The vertices lie on the circle of radius R slightly inside the
         * box, so that no vertex sits on its edge. */
        enum { NSIDES = 96 };
        double r = 0.5 * L * (1.0 - 1e-9);
        p->name = "circle";
        for (size_t i = 0; i < NSIDES; i++) {
            double t = 2.0 * PI * (double)i / NSIDES;
            put(p, &nv, r * cos(t), r * sin(t));
        }
        p->ring_sizes[0] = nv;
        p->nrings = 1;
        return 0;
    }
    if (strcmp(name, "trapezoid") == 0) {
        /* Krupic et al. 2015's proportions: 190 long, 90 wide at one end
         * and 20 at the other (cm in the experiment). */
        double h = L * 90.0 / 190.0, hn = L * 20.0 / 190.0;
        p->name = "trapezoid";
        p->ly = h;
        put(p, &nv, -0.5 * L, -0.5 * h);
        put(p, &nv, 0.5 * L, -0.5 * hn);
        put(p, &nv, 0.5 * L, 0.5 * hn);
        put(p, &nv, -0.5 * L, 0.5 * h);
        p->ring_sizes[0] = nv;
        p->nrings = 1;
        return 0;
    }
    if (strcmp(name, "hole") == 0) {
        p->name = "hole";
        square_ring(p, &nv, 0.5 * L, 0);
        p->ring_sizes[0] = nv;
        square_ring(p, &nv, 0.125 * L, 1);
        p->ring_sizes[1] = 4;
        p->nrings = 2;
        return 0;
    }
    if (strcmp(name, "wall") == 0) {
        /* The square with a notch: the wall is part of the outer ring.  It
         * is L/25 thick so that it covers a column of bins at the usual
         * resolutions (a wall thinner than a bin would vanish from the
         * mask). */
        double h = 0.5 * L, t = L / 50.0, top = -h + 0.6 * L;
        p->name = "wall";
        put(p, &nv, -h, -h);
        put(p, &nv, -t, -h);
        put(p, &nv, -t, top);
        put(p, &nv, t, top);
        put(p, &nv, t, -h);
        put(p, &nv, h, -h);
        put(p, &nv, h, h);
        put(p, &nv, -h, h);
        p->ring_sizes[0] = nv;
        p->nrings = 1;
        return 0;
    }
    return -1;
}

int shape_arena_grid(const shape_polygon *p, double lx, double ly, size_t nx, size_t ny,
                     gridform_arena **out)
{
    if (p->nrings == 0)
        return gridform_arena_create(out, lx, ly, nx, ny, GRIDFORM_WALLED);
    /* Vertices on the box's edge are allowed (the square's, the
     * trapezoid's), so a square of side L in an L x L box covers every bin
     * and the library stores it as the plain walled box. */
    return gridform_arena_create_polygon(out, lx, ly, nx, ny, p->xy, p->ring_sizes, p->nrings);
}

int shape_arena(const shape_polygon *p, double bin, gridform_arena **out)
{
    size_t nx = (size_t)ceil(p->lx / bin - 1e-9), ny = (size_t)ceil(p->ly / bin - 1e-9);
    if (nx < 8) nx = 8;
    if (ny < 8) ny = 8;
    return shape_arena_grid(p, p->lx, p->ly, nx, ny, out);
}

double shape_area(const shape_polygon *p)
{
    if (p->nrings == 0)
        return p->lx * p->ly;
    double area = 0.0;
    size_t v0 = 0;
    for (size_t r = 0; r < p->nrings; r++) {
        /* the shoelace formula; the outer ring counts positive and holes
         * negative whatever their orientation */
        double twice = 0.0;
        size_t m = p->ring_sizes[r];
        for (size_t i = 0; i < m; i++) {
            const double *a = p->xy + 2 * (v0 + i), *b = p->xy + 2 * (v0 + (i + 1) % m);
            twice += a[0] * b[1] - b[0] * a[1];
        }
        area += (r == 0 ? 0.5 : -0.5) * fabs(twice);
        v0 += m;
    }
    return area;
}

/* The angle between two undirected lines of directions a and b, in
 * [0, pi/2]. */
static double line_angle(double a, double b)
{
    double d = fmod(fabs(a - b), PI);
    return d > 0.5 * PI ? PI - d : d;
}

double shape_wall_offset(const shape_polygon *p, double theta)
{
    double best = NAN;
    double walls[2 * SHAPE_MAX_VERTICES + 2];
    size_t nw = 0;
    if (p->nrings == 0) {
        walls[nw++] = 0.0;
        walls[nw++] = 0.5 * PI;
    }
    /* Edges shorter than a tenth of the box are not walls an animal aligns
     * to (the circle's 96 facets, the wall's end cap). */
    double minlen = 0.1 * fmax(p->lx, p->ly);
    size_t v0 = 0;
    for (size_t r = 0; r < p->nrings; r++) {
        size_t m = p->ring_sizes[r];
        for (size_t i = 0; i < m; i++) {
            const double *a = p->xy + 2 * (v0 + i), *b = p->xy + 2 * (v0 + (i + 1) % m);
            double dx = b[0] - a[0], dy = b[1] - a[1];
            if (hypot(dx, dy) >= minlen)
                walls[nw++] = atan2(dy, dx);
        }
        v0 += m;
    }
    for (size_t w = 0; w < nw; w++)
        for (int axis = 0; axis < 3; axis++) {
            double d = line_angle(theta + axis * PI / 3.0, walls[w]);
            if (isnan(best) || d < best)
                best = d;
        }
    return best;
}
