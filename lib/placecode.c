/* libgridform: place-cell codes (doc/theory.md §1.1).
 *
 * Tuning curves follow Sorscher, Mel, Ganguli, Ocko, NeurIPS 2019: a unit-
 * integral Gaussian, a difference of unit-integral Gaussians with variance
 * ratio s (their "centre-surround" code), and the "difference of softmaxes"
 * used by their trained network. */
#include "config.h"
#include <float.h>
#include <math.h>
#include <string.h>
#include "internal.h"
#include "placecode_internal.h"

/* Lattice points a shape may try: a spacing that gives more in the
 * shape's bounding box is skipped (it only arises for shapes far thinner
 * than their bounding box). */
#define GF_LATTICE_MAX_POINTS 4000000.0

/* A square lattice of ncells centres inside a shaped arena (doc/theory.md
 * §7.2): points (i + 1/2, j + 1/2) h from the lower-left corner of the
 * inside bins' bounding box, with the spacing h near sqrt(|S| / ncells)
 * that puts the fewest points beyond ncells inside the shape; the surplus
 * is dropped evenly along the raster order, so the lattice stays uniform. */
static int shape_lattice(gridform_placecode *pc)
{
    const gridform_arena *a = pc->arena;
    size_t nc = pc->ncells;
    double hx = a->lx / (double)a->nx, hy = a->ly / (double)a->ny, dA = hx * hy;
    /* The bounding box of the inside bins (the whole box for a polygon
     * whose bins all lie inside). */
    const unsigned char *in = a->inside;
    size_t ix0 = a->nx, ix1 = 0, iy0 = a->ny, iy1 = 0;
    for (size_t iy = 0; iy < a->ny; iy++)
        for (size_t ix = 0; ix < a->nx; ix++)
            if (in == NULL || in[iy * a->nx + ix]) {
                if (ix < ix0) ix0 = ix;
                if (ix > ix1) ix1 = ix;
                if (iy < iy0) iy0 = iy;
                if (iy > iy1) iy1 = iy;
            }
    double x0 = -0.5 * a->lx + (double)ix0 * hx, y0 = -0.5 * a->ly + (double)iy0 * hy;
    double wx = (double)(ix1 + 1 - ix0) * hx, wy = (double)(iy1 + 1 - iy0) * hy;
    double h0 = sqrt((double)a->ninside * dA / (double)nc), best_h = 0;
    size_t best = SIZE_MAX;
    /* count(h) is a step function, not monotone: scan from 1.5 h0 down to
     * 0.5 h0, where the count is about 4 ncells (at least ncells). */
    for (int k = 0; k <= 400; k++) {
        double h = h0 * (1.5 - (double)k / 400.0), fx = floor(wx / h), fy = floor(wy / h);
        if (!(fx <= GF_LATTICE_MAX_POINTS && fy <= GF_LATTICE_MAX_POINTS && fx * fy <= GF_LATTICE_MAX_POINTS))
            continue;
        size_t mx = (size_t)fx, my = (size_t)fy, cnt = 0;
        for (size_t j = 0; j < my; j++)
            for (size_t i = 0; i < mx; i++)
                cnt += (size_t)gridform__arena_contains(a, x0 + ((double)i + 0.5) * h, y0 + ((double)j + 0.5) * h);
        if (cnt >= nc && cnt - nc < best) {
            best = cnt - nc;
            best_h = h;
            if (best == 0)
                break;
        }
    }
    if (best == SIZE_MAX)
        return gridform__fail(NULL, GRIDFORM_EINVAL, "gridform_placecode_create",
                              "the shape holds fewer than %zu lattice centres at any spacing down to half the "
                              "mean spacing: use fewer cells or GRIDFORM_CENTERS_RANDOM", nc);
    double h = best_h;
    size_t mx = (size_t)floor(wx / h), my = (size_t)floor(wy / h), total = nc + best, k = 0, kept = 0;
    for (size_t j = 0; j < my; j++)
        for (size_t i = 0; i < mx; i++) {
            double x = x0 + ((double)i + 0.5) * h, y = y0 + ((double)j + 0.5) * h;
            if (!gridform__arena_contains(a, x, y))
                continue;
            /* Keep point k when a new 1/nc share of the K points begins. */
            if (((k + 1) * nc) / total > (k * nc) / total) {
                pc->centers[2 * kept] = x;
                pc->centers[2 * kept + 1] = y;
                kept++;
            }
            k++;
        }
    return kept == nc ? GRIDFORM_OK
                      : gridform__fail(NULL, GRIDFORM_EINVAL, "gridform_placecode_create",
                                       "could place only %zu of %zu lattice centres", kept, nc);
}

int gridform_placecode_create(gridform_placecode **out, const gridform_arena *a, int tuning,
                              double sigma, double surround, size_t ncells, int layout, uint64_t seed)
{
    if (out == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "out must not be NULL");
    *out = NULL;
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    if (tuning != GRIDFORM_TUNING_GAUSSIAN && tuning != GRIDFORM_TUNING_DOG
        && tuning != GRIDFORM_TUNING_SOFTMAX_DOG) {
        if (tuning == GRIDFORM_TUNING_USER)
            return GF_FAIL(NULL, GRIDFORM_EINVAL,
                           "tuning GRIDFORM_TUNING_USER is set by gridform_placecode_set_tuning_fn() "
                           "after creating with a built-in tuning");
        return GF_FAIL(NULL, GRIDFORM_EINVAL,
                       "tuning must be GRIDFORM_TUNING_GAUSSIAN (1), _DOG (2) or _SOFTMAX_DOG (3), got %d",
                       tuning);
    }
    if (!isfinite(sigma) || sigma <= 0)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "sigma must be finite and > 0 metres, got %g", sigma);
    if (!isfinite(surround))
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "surround must be finite, got %g", surround);
    /* The tunings divide by sigma^2 and s sigma^2: both must be normal. */
    double vmax = sigma * sigma * (surround > 1 ? surround : 1);
    if (!(sigma * sigma >= DBL_MIN) || !isfinite(vmax))
        return GF_FAIL(NULL, GRIDFORM_ERANGE, "sigma = %g (s = %g) puts sigma^2 outside the double range",
                       sigma, surround);
    if (tuning != GRIDFORM_TUNING_GAUSSIAN && !(surround > 1))
        return GF_FAIL(NULL, GRIDFORM_EINVAL,
                       "surround (variance ratio s) must be > 1 for a centre-surround tuning, got %g",
                       surround);
    if (ncells == 0)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "ncells must be >= 1");
    if (tuning == GRIDFORM_TUNING_SOFTMAX_DOG && ncells < 2)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a softmax code needs ncells >= 2, got %zu", ncells);
    if (layout != GRIDFORM_CENTERS_LATTICE && layout != GRIDFORM_CENTERS_RANDOM) {
        if (layout == GRIDFORM_CENTERS_USER)
            return GF_FAIL(NULL, GRIDFORM_EINVAL,
                           "layout GRIDFORM_CENTERS_USER is set by gridform_placecode_set_centers() "
                           "after creating with a built-in layout");
        return GF_FAIL(NULL, GRIDFORM_EINVAL,
                       "layout must be GRIDFORM_CENTERS_LATTICE (1) or _RANDOM (2), got %d", layout);
    }
    size_t nxy;
    if (!gridform__mul_size(ncells, 2, &nxy) || nxy > SIZE_MAX / sizeof(double))
        return GF_FAIL(NULL, GRIDFORM_ERANGE, "ncells = %zu is too large", ncells);

    gridform_placecode *pc = gridform__calloc(1, sizeof *pc);
    if (pc == NULL)
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate the place code");
    pc->centers = gridform__malloc_array(nxy, sizeof(double));
    if (pc->centers == NULL) {
        gridform__free(pc);
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate %zu centres", ncells);
    }
    pc->arena = a;
    pc->tuning = tuning;
    pc->sigma = sigma;
    pc->surround = surround;
    pc->ncells = ncells;
    pc->layout = layout;

    if (layout == GRIDFORM_CENTERS_LATTICE) {
        /* ncells = ncx * ncy with the aspect ratio closest to lx/ly; the
         * centres sit at cell midpoints, like the arena's own points, so a
         * lattice code is uniform on the torus. */
        size_t ncx = ncells, ncy = 1;
        double target = log(a->lx / a->ly), best = INFINITY;
        for (size_t d = 1; d <= ncells / d; d++) {
            if (ncells % d != 0)
                continue;
            size_t cand[2][2] = {{d, ncells / d}, {ncells / d, d}};
            for (int c = 0; c < 2; c++) {
                double err = fabs(log((double)cand[c][0] / (double)cand[c][1]) - target);
                if (err < best - 1e-12) {
                    best = err;
                    ncx = cand[c][0];
                    ncy = cand[c][1];
                }
            }
        }
        for (size_t j = 0; j < ncy; j++)
            for (size_t i = 0; i < ncx; i++) {
                size_t c = j * ncx + i;
                pc->centers[2 * c] = -0.5 * a->lx + ((double)i + 0.5) * a->lx / (double)ncx;
                pc->centers[2 * c + 1] = -0.5 * a->ly + ((double)j + 0.5) * a->ly / (double)ncy;
            }
        /* A shape that leaves out a lattice point gets its own lattice. */
        int rc = GRIDFORM_OK;
        for (size_t c = 0; c < ncells; c++)
            if (!gridform__arena_contains(a, pc->centers[2 * c], pc->centers[2 * c + 1])) {
                rc = shape_lattice(pc);
                break;
            }
        if (rc != GRIDFORM_OK) {
            gridform_placecode_destroy(pc);
            return rc;
        }
    } else {
        /* Uniform over the shape by rejection from the box: on the whole
         * box nothing is rejected, so the stream is the rectangle's.  The
         * shape holds at least one bin of the box, so the expected number
         * of draws per centre is at most nx ny; the cap only guards
         * against a broken generator. */
        gridform__rng r;
        gridform__rng_seed(&r, seed);
        size_t cap = 64 * a->npoints + 64;
        for (size_t c = 0; c < ncells; c++) {
            size_t tries = 0;
            do {
                pc->centers[2 * c] = a->lx * (gridform__rng_uniform(&r) - 0.5);
                pc->centers[2 * c + 1] = a->ly * (gridform__rng_uniform(&r) - 0.5);
            } while (!gridform__arena_contains(a, pc->centers[2 * c], pc->centers[2 * c + 1]) && ++tries < cap);
            if (tries == cap) {
                gridform_placecode_destroy(pc);
                return GF_FAIL(NULL, GRIDFORM_EUNDEFINED, "no random centre fell inside the shape in %zu draws",
                               cap);
            }
        }
    }
    pc->distance = GRIDFORM_DISTANCE_EUCLIDEAN;
    *out = pc;
    return GRIDFORM_OK;
}

void gridform_placecode_destroy(gridform_placecode *pc)
{
    if (pc == NULL)
        return;
    gridform__free(pc->centers);
    gridform__geodesic_destroy(pc->geo);
    gridform__free(pc);
}

const char *gridform_placecode_last_error(const gridform_placecode *pc)
{
    return gridform__errtext(pc != NULL ? &pc->err : NULL);
}

int gridform_placecode_set_centers(gridform_placecode *pc, const double *xy, size_t ncells)
{
    if (pc == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "pc must not be NULL");
    gridform__errbuf *eb = &pc->err;
    GF_CHECK_PTR(eb, xy);
    if (ncells == 0)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "ncells must be >= 1");
    if (pc->tuning == GRIDFORM_TUNING_SOFTMAX_DOG && ncells < 2)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "a softmax code needs ncells >= 2, got %zu", ncells);
    size_t nxy;
    if (!gridform__mul_size(ncells, 2, &nxy) || nxy > SIZE_MAX / sizeof(double))
        return GF_FAIL(eb, GRIDFORM_ERANGE, "ncells = %zu is too large", ncells);
    for (size_t i = 0; i < nxy; i++)
        if (!isfinite(xy[i]))
            return GF_FAIL(eb, GRIDFORM_EINVAL, "centre %zu has a non-finite coordinate", i / 2);
    if (gridform__arena_shaped(pc->arena))
        for (size_t i = 0; i < ncells; i++)
            if (!gridform__arena_contains(pc->arena, xy[2 * i], xy[2 * i + 1]))
                return GF_FAIL(eb, GRIDFORM_EINVAL, "centre %zu (%g, %g) lies outside the arena's shape", i,
                               xy[2 * i], xy[2 * i + 1]);
    gridform__geodesic *geo = NULL;
    if (pc->geo != NULL) {
        int rc = gridform__geodesic_create(&geo, pc->arena, xy, ncells, eb, __func__);
        if (rc != GRIDFORM_OK)
            return rc;
    }
    double *c = pc->centers;
    if (ncells != pc->ncells) {
        c = gridform__malloc_array(nxy, sizeof(double));
        if (c == NULL) {
            gridform__geodesic_destroy(geo);
            return GF_FAIL(eb, GRIDFORM_ENOMEM, "cannot allocate %zu centres", ncells);
        }
        gridform__free(pc->centers);
        pc->centers = c;
        pc->ncells = ncells;
    }
    memcpy(c, xy, nxy * sizeof(double));
    pc->layout = GRIDFORM_CENTERS_USER;
    if (geo != NULL) {
        gridform__geodesic_destroy(pc->geo);
        pc->geo = geo;
    }
    return GRIDFORM_OK;
}

int gridform_placecode_set_distance(gridform_placecode *pc, int distance)
{
    if (pc == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "pc must not be NULL");
    gridform__errbuf *eb = &pc->err;
    if (distance != GRIDFORM_DISTANCE_EUCLIDEAN && distance != GRIDFORM_DISTANCE_GEODESIC)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "distance must be GRIDFORM_DISTANCE_EUCLIDEAN (1) or "
                       "GRIDFORM_DISTANCE_GEODESIC (2), got %d", distance);
    gridform__geodesic *geo = NULL;
    /* Geodesics need tables only where walls bend paths: on the plain box
     * and on a torus they are the Euclidean distances. */
    if (distance == GRIDFORM_DISTANCE_GEODESIC && gridform__arena_shaped(pc->arena)) {
        int rc = gridform__geodesic_create(&geo, pc->arena, pc->centers, pc->ncells, eb, __func__);
        if (rc != GRIDFORM_OK)
            return rc;
    }
    gridform__geodesic_destroy(pc->geo);
    pc->geo = geo;
    pc->distance = distance;
    return GRIDFORM_OK;
}

int gridform_placecode_get_distance(const gridform_placecode *pc, int *distance)
{
    if (pc == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "pc must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&pc->err;
    GF_CHECK_PTR(eb, distance);
    *distance = pc->distance;
    return GRIDFORM_OK;
}

int gridform_placecode_get_centers(const gridform_placecode *pc, double *xy)
{
    if (pc == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "pc must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&pc->err;
    GF_CHECK_PTR(eb, xy);
    memcpy(xy, pc->centers, 2 * pc->ncells * sizeof(double));
    return GRIDFORM_OK;
}

int gridform_placecode_set_tuning_fn(gridform_placecode *pc, gridform_tuning_fn fn, void *user)
{
    if (pc == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "pc must not be NULL");
    gridform__errbuf *eb = &pc->err;
    GF_CHECK_PTR(eb, fn);
    pc->fn = fn;
    pc->user = user;
    pc->tuning = GRIDFORM_TUNING_USER;
    return GRIDFORM_OK;
}

int gridform_placecode_get_ncells(const gridform_placecode *pc, size_t *ncells)
{
    if (pc == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "pc must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&pc->err;
    GF_CHECK_PTR(eb, ncells);
    *ncells = pc->ncells;
    return GRIDFORM_OK;
}

int gridform_placecode_get_tuning(const gridform_placecode *pc, int *tuning, double *sigma, double *surround)
{
    if (pc == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "pc must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&pc->err;
    if (tuning == NULL && sigma == NULL && surround == NULL)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "tuning, sigma and surround must not all be NULL");
    if (tuning) *tuning = pc->tuning;
    if (sigma) *sigma = pc->sigma;
    if (surround) *surround = pc->surround;
    return GRIDFORM_OK;
}

const gridform_arena *gridform_placecode_get_arena(const gridform_placecode *pc)
{
    if (pc == NULL) {
        GF_FAIL(NULL, GRIDFORM_EINVAL, "pc must not be NULL");
        return NULL;
    }
    return pc->arena;
}

void gridform__min_image(const gridform_arena *a, double *dx, double *dy)
{
    if (a->boundary != GRIDFORM_PERIODIC)
        return;
    *dx -= a->lx * nearbyint(*dx / a->lx);
    *dy -= a->ly * nearbyint(*dy / a->ly);
}

/* Displacement of position x from centre c along one axis.  On a torus,
 * reduce both modulo the side first (fmod is exact), so that far-away but
 * finite coordinates never overflow to inf - inf. */
static double disp(const gridform_arena *a, double x, double c, double side)
{
    if (a->boundary == GRIDFORM_PERIODIC)
        return fmod(x, side) - fmod(c, side);
    return x - c;
}

/* Unit-integral isotropic Gaussian of variance v at squared radius r2. */
static double gauss2(double r2, double v)
{
    return exp(-0.5 * r2 / v) / (2.0 * GF_PI * v);
}

/* Displacement (dx, dy) of position (x, y) from centre c.  Euclidean: the
 * straight line (minimum image on a torus).  Geodesic: the straight
 * line's direction scaled to the length of the shortest path inside the
 * shape (doc/theory.md §7.3), so radial tunings see the geodesic distance
 * and a user tuning keeps the direction to its centre. */
static void displacement(const gridform_placecode *pc, double x, double y, size_t c, const double *work,
                         double *dx, double *dy)
{
    const gridform_arena *a = pc->arena;
    *dx = disp(a, x, pc->centers[2 * c], a->lx);
    *dy = disp(a, y, pc->centers[2 * c + 1], a->ly);
    gridform__min_image(a, dx, dy);
    if (pc->geo != NULL) {
        double e = hypot(*dx, *dy);
        double d = gridform__geodesic_dist(pc->geo, x, y, c, work);
        if (e > 0 && d > e) {
            *dx *= d / e;
            *dy *= d / e;
        }
    }
}

int gridform__placecode_fill(const gridform_placecode *pc, const double *xy, size_t npos, double *out,
                             gridform__errbuf *eb, const char *func)
{
    size_t nc = pc->ncells;
    double v1 = pc->sigma * pc->sigma, v2 = pc->surround * v1;
    double *work = NULL;
    if (pc->geo != NULL) {
        work = gridform__malloc_array(gridform__geodesic_work(pc->geo), sizeof(double));
        if (work == NULL)
            return gridform__fail(eb, GRIDFORM_ENOMEM, func, "cannot allocate the geodesic work space");
    }
    int rc = GRIDFORM_OK;
    for (size_t p = 0; p < npos && rc == GRIDFORM_OK; p++) {
        double x = xy[2 * p], y = xy[2 * p + 1];
        double *row = out + p * nc;
        if (work != NULL)
            gridform__geodesic_from(pc->geo, x, y, work);
        switch (pc->tuning) {
        case GRIDFORM_TUNING_GAUSSIAN:
        case GRIDFORM_TUNING_DOG:
            for (size_t c = 0; c < nc; c++) {
                double dx, dy;
                displacement(pc, x, y, c, work, &dx, &dy);
                double r2 = dx * dx + dy * dy;
                row[c] = gauss2(r2, v1);
                if (pc->tuning == GRIDFORM_TUNING_DOG)
                    row[c] -= gauss2(r2, v2);
            }
            break;
        case GRIDFORM_TUNING_USER:
            for (size_t c = 0; c < nc && rc == GRIDFORM_OK; c++) {
                double dx, dy;
                displacement(pc, x, y, c, work, &dx, &dy);
                double f = pc->fn(dx, dy, pc->user);
                if (!isfinite(f))
                    rc = gridform__fail(eb, GRIDFORM_EINVAL, func,
                                        "the tuning function returned %g at displacement (%g, %g)", f, dx, dy);
                row[c] = f;
            }
            break;
        default: {
            /* Difference of softmaxes (Sorscher et al. 2019;
             * doc/theory.md §1.1): softmax over cells of -d^2/2 sigma^2 minus the same
             * with s sigma^2, shifted so the minimum over cells is 0 and
             * scaled so the sum over cells is 1.  Both softmaxes subtract
             * their largest logit first, so no exponential overflows. */
            double m1 = -INFINITY, m2 = -INFINITY;
            for (size_t c = 0; c < nc; c++) {
                double dx, dy;
                displacement(pc, x, y, c, work, &dx, &dy);
                double r2 = dx * dx + dy * dy;
                row[c] = r2;
                if (-0.5 * r2 / v1 > m1) m1 = -0.5 * r2 / v1;
                if (-0.5 * r2 / v2 > m2) m2 = -0.5 * r2 / v2;
            }
            if (!isfinite(m1) || !isfinite(m2)) {
                /* Every centre infinitely far (coordinates near DBL_MAX on
                 * a walled arena): the uniform limit, as below. */
                for (size_t c = 0; c < nc; c++)
                    row[c] = 1.0 / (double)nc;
                continue;
            }
            double z1 = 0, z2 = 0;
            for (size_t c = 0; c < nc; c++) {
                z1 += exp(-0.5 * row[c] / v1 - m1);
                z2 += exp(-0.5 * row[c] / v2 - m2);
            }
            double lo = INFINITY;
            for (size_t c = 0; c < nc; c++) {
                double r2 = row[c];
                row[c] = exp(-0.5 * r2 / v1 - m1) / z1 - exp(-0.5 * r2 / v2 - m2) / z2;
                if (row[c] < lo) lo = row[c];
            }
            double sum = 0;
            for (size_t c = 0; c < nc; c++) {
                row[c] -= lo;
                sum += row[c];
            }
            /* All differences equal (a point equidistant from every
             * centre): the limit of the normalisation is uniform. */
            if (!(sum > 1e-300)) {
                for (size_t c = 0; c < nc; c++)
                    row[c] = 1.0 / (double)nc;
            } else {
                for (size_t c = 0; c < nc; c++)
                    row[c] /= sum;
            }
        }
        }
    }
    gridform__free(work);
    return rc;
}

int gridform_placecode_response(const gridform_placecode *pc, const double *xy, size_t npos, double *out)
{
    if (pc == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "pc must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&pc->err;
    GF_CHECK_PTR(eb, xy);
    GF_CHECK_PTR(eb, out);
    if (npos == 0)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "npos must be >= 1");
    size_t total;
    if (!gridform__mul_size(npos, pc->ncells, &total) || total > SIZE_MAX / sizeof(double)
        || npos > SIZE_MAX / (2 * sizeof(double)))
        return GF_FAIL(eb, GRIDFORM_ERANGE, "npos x ncells = %zu x %zu is too large", npos, pc->ncells);
    for (size_t i = 0; i < 2 * npos; i++)
        if (!isfinite(xy[i]))
            return GF_FAIL(eb, GRIDFORM_EINVAL, "position %zu has a non-finite coordinate", i / 2);
    if (pc->geo != NULL)
        for (size_t p = 0; p < npos; p++)
            if (!gridform__arena_contains(pc->arena, xy[2 * p], xy[2 * p + 1]))
                return GF_FAIL(eb, GRIDFORM_EINVAL, "position %zu (%g, %g) lies outside the arena's shape: its "
                               "geodesic distance is undefined", p, xy[2 * p], xy[2 * p + 1]);
    return gridform__placecode_fill(pc, xy, npos, out, eb, __func__);
}
