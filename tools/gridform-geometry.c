/* gridform-geometry: what the shape of the enclosure does to learned grids.
 *
 *   gridform-geometry [--shapes square,circle,trapezoid,hole,wall] [--size L]
 *       [--sigma S] [--surround R] [--bin B] [--maps M] [--cells C]
 *       [--kernel uniform|exact] [--uncentered] [--steps T] [--tol E]
 *       [--threshold G] [--seed K] [--png FILE] [--npy PREFIX]
 *       [--attractor] [--gain G]
 *
 * The experiments' question (Krupic et al. 2015: trapezoids; Stensola et
 * al. 2015: shear and a 7.5 deg offset from the walls in squares;
 * Derdikman et al. 2009: partitions) asked of the theory: for each shape a
 * DoG place code fills the enclosure, its kernel carries the geometry
 * (doc/theory.md §7.4), rectified maps learn under the default integrator,
 * and every map is scored inside the shape (outside bins unvisited), for
 * the whole arena and, for the trapezoid, for its wide and narrow halves.
 * What the theory predicts is printed as it comes out: nothing here is
 * tuned to the experiments.  gridform-geometry(1) documents the output,
 * doc/theory.md §7.6 what it means. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gridform.h>
#include "shapes.h"

#define PI 3.14159265358979323846
#define PROG "gridform-geometry"
#define MAX_SHAPES 16

typedef struct {
    char shapes[256];
    double size, sigma, surround, bin, tol, threshold;
    size_t maps, cells, steps;
    int kernel_mode, uncentered;
    uint64_t seed;
    int attractor;  /* also run the attractor network on each shape's kernel */
    double gain;
    const char *png, *npy;
    double kstar;   /* the ring, from the first shape's kernel (NaN before) */
} options;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " PROG " [options]\n"
            "Learn grid maps in enclosures of several shapes and score them inside each shape.\n"
            "  --shapes LIST   comma-separated, from: %s\n"
            "                  (default square,circle,trapezoid,hole,wall)\n"
            "  --size L        the shape's long side or diameter in metres (1.9)\n"
            "  --sigma S       place-field width sigma in metres (0.05)\n"
            "  --surround R    DoG surround variance ratio s > 1 (2)\n"
            "  --bin B         bin side in metres (0.03)\n"
            "  --maps M        maps learned per shape (8)\n"
            "  --cells C       place cells, uniformly random inside the shape (1024)\n"
            "  --kernel K      uniform (a uniform density of centres over the shape, the\n"
            "                  default) or exact (the C random cells' own kernel)\n"
            "  --uncentered    keep the kernel's constant mode (by default it is removed, as in\n"
            "                  the published pipeline: GRIDFORM_KERNEL_CENTERED)\n"
            "  --steps T       most learner steps per shape (4000)\n"
            "  --tol E         stationarity residual to stop at (1e-4)\n"
            "  --threshold G   gridness above which a map counts as grid (0.37)\n"
            "  --seed K        seed of the centres and of the initial maps (1)\n"
            "  --png FILE      draw the first 4 maps of every shape, one row a shape (PNG)\n"
            "  --npy PREFIX    write each shape's maps to PREFIX-SHAPE.npy (NaN outside)\n"
            "  --attractor     also run the attractor network on each shape's kernel (1 s to\n"
            "                  form a pattern, then up to T ms to residual E) and score its rates\n"
            "  --gain G        the network's gain (1.1)\n"
            "  --help          this text\n",
            shape_names());
}

static int parse_double(const char *opt, const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || !(v > 0.0)) {
        fprintf(stderr, PROG ": %s: '%s' is not a number > 0\n", opt, s);
        return 0;
    }
    *out = v;
    return 1;
}

static int parse_count(const char *opt, const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v == 0 || v > 1000000) {
        fprintf(stderr, PROG ": %s: '%s' is not a count from 1 to 1000000\n", opt, s);
        return 0;
    }
    *out = (size_t)v;
    return 1;
}

static int parse_args(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        }
        if (strcmp(a, "--uncentered") == 0) {
            o->uncentered = 1;
            continue;
        }
        if (strcmp(a, "--attractor") == 0) {
            o->attractor = 1;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, PROG ": unknown option or missing value: %s (see --help)\n", a);
            return 0;
        }
        const char *v = argv[++i];
        size_t seed = 0;
        int ok;
        if (strcmp(a, "--shapes") == 0) {
            ok = strlen(v) < sizeof o->shapes;
            if (ok)
                strcpy(o->shapes, v);
            else
                fprintf(stderr, PROG ": --shapes: list too long\n");
        } else if (strcmp(a, "--kernel") == 0) {
            ok = 1;
            if (strcmp(v, "uniform") == 0)
                o->kernel_mode = GRIDFORM_KERNEL_UNIFORM;
            else if (strcmp(v, "exact") == 0)
                o->kernel_mode = GRIDFORM_KERNEL_EXACT;
            else {
                fprintf(stderr, PROG ": --kernel: '%s' is not uniform or exact\n", v);
                ok = 0;
            }
        } else if (strcmp(a, "--png") == 0) {
            o->png = v;
            ok = 1;
        } else if (strcmp(a, "--npy") == 0) {
            o->npy = v;
            ok = 1;
        } else {
            ok = strcmp(a, "--size") == 0        ? parse_double(a, v, &o->size)
               : strcmp(a, "--sigma") == 0       ? parse_double(a, v, &o->sigma)
               : strcmp(a, "--surround") == 0    ? parse_double(a, v, &o->surround)
               : strcmp(a, "--bin") == 0         ? parse_double(a, v, &o->bin)
               : strcmp(a, "--tol") == 0         ? parse_double(a, v, &o->tol)
               : strcmp(a, "--threshold") == 0   ? parse_double(a, v, &o->threshold)
               : strcmp(a, "--gain") == 0        ? parse_double(a, v, &o->gain)
               : strcmp(a, "--maps") == 0        ? parse_count(a, v, &o->maps)
               : strcmp(a, "--cells") == 0       ? parse_count(a, v, &o->cells)
               : strcmp(a, "--steps") == 0       ? parse_count(a, v, &o->steps)
               : strcmp(a, "--seed") == 0        ? (parse_count(a, v, &seed) ? (o->seed = seed, 1) : 0)
               : -1;
            if (ok < 0) {
                fprintf(stderr, PROG ": unknown option: %s (see --help)\n", a);
                return 0;
            }
        }
        if (!ok)
            return 0;
    }
    char list[sizeof o->shapes];
    strcpy(list, o->shapes);
    size_t count = 0;
    for (char *save = NULL, *name = strtok_r(list, ",", &save); name != NULL; name = strtok_r(NULL, ",", &save)) {
        shape_polygon p;
        if (shape_build(name, 1.0, &p) != 0) {
            fprintf(stderr, PROG ": --shapes: '%s' is not one of %s\n", name, shape_names());
            return 0;
        }
        count++;
    }
    if (count == 0 || count > MAX_SHAPES) {
        fprintf(stderr, PROG ": --shapes: give 1 to %d shape names\n", MAX_SHAPES);
        return 0;
    }
    if (!(o->surround > 1.0)) {
        fprintf(stderr, PROG ": --surround: %g is not > 1\n", o->surround);
        return 0;
    }
    return 1;
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    if (isnan(a)) return isnan(b) ? 0 : -1;
    if (isnan(b)) return 1;
    return a < b ? -1 : (a > b ? 1 : 0);
}

/* The median of the finite values of v (NaN if none); v is reordered. */
static double median_finite(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    size_t first = 0;
    while (first < n && isnan(v[first]))
        first++;
    size_t m = n - first;
    if (m == 0)
        return NAN;
    v += first;
    return m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
}

/* Ellipticity (Stensola et al., Nature 518, 2015): the ellipse through the
 * six SAC peaks nearest the centre, major over minor axis
 * (gridform_scorer_ellipse(3)); the median over the maps whose ellipse is
 * defined (a map without six peaks has none), NaN if no map has one. */
static double region_ellipticity(const gridform_scorer *s, const double *maps, size_t nmaps)
{
    double *ratio = malloc(nmaps * sizeof *ratio);
    if (ratio == NULL)
        return NAN;
    int rc = gridform_scorer_ellipse(s, maps, nmaps, ratio, NULL, NULL);
    double e = rc == GRIDFORM_OK || rc == GRIDFORM_EUNDEFINED ? median_finite(ratio, nmaps) : NAN;
    free(ratio);
    return e;
}

/* One region of a shape: the maps scored inside region (a mask arena).
 * Gridness annuli: each map's own, from its SAC (doc/theory.md §6.5), as
 * gridform-sweep chooses them; the walled default (Banino et al. 2018:
 * from 0.2 of the box) is made for grids as coarse as the box and would
 * skip the first ring of peaks of these.  A map whose SAC shows no ring
 * falls back to annuli around the predicted spacing a: inner a/2, outer
 * 1.2a to 2.5a. */
static int score_region(const char *label, const gridform_arena *region, const shape_polygon *p,
                        const double *maps, size_t nmaps, size_t npts, double threshold, double a_pred)
{
    gridform_scorer *s = NULL;
    double *buf = malloc(5 * nmaps * sizeof *buf);
    if (buf == NULL)
        return GRIDFORM_ENOMEM;
    double *s60 = buf, *sp = buf + nmaps, *orient = buf + 2 * nmaps, *off = buf + 3 * nmaps,
           *kd = buf + 4 * nmaps;
    int rc = gridform_scorer_create(&s, region);
    if (rc != GRIDFORM_OK) {
        fprintf(stderr, PROG ": %s: %s\n", label, gridform_last_error());
        free(buf);
        return rc;
    }
    double lx, ly;
    gridform_arena_get_extent(region, &lx, &ly);
    if (isfinite(a_pred) && 2.5 * a_pred < fmin(lx, ly))
        rc = gridform_scorer_set_annuli_m(s, 0.5 * a_pred, 1.2 * a_pred, 2.5 * a_pred, 10);
    if (rc == GRIDFORM_OK)
        rc = gridform_scorer_set_annuli_auto(s, 1);   /* after set_annuli_m, which turns it off */
    if (rc != GRIDFORM_OK) {
        fprintf(stderr, PROG ": %s: %s\n", label, gridform_scorer_last_error(s));
        gridform_scorer_destroy(s);
        free(buf);
        return rc;
    }
    rc = gridform_scorer_score(s, maps, nmaps, s60, NULL, sp, orient);
    if (rc == GRIDFORM_EUNDEFINED)
        rc = GRIDFORM_OK;   /* a flat map scores NaN and counts as not grid */
    size_t ngrid = 0;
    for (size_t m = 0; m < nmaps && rc == GRIDFORM_OK; m++) {
        ngrid += s60[m] > threshold;
        off[m] = isnan(orient[m]) ? NAN : shape_wall_offset(p, orient[m]) * 180.0 / PI;
        if (gridform_map_dominant_k(s, maps + m * npts, &kd[m]) != GRIDFORM_OK)
            kd[m] = NAN;
    }
    if (rc != GRIDFORM_OK) {
        fprintf(stderr, PROG ": %s: %s\n", label, gridform_scorer_last_error(s));
    } else {
        double g = median_finite(s60, nmaps), a = median_finite(sp, nmaps), w = median_finite(off, nmaps),
               k = median_finite(kd, nmaps), e = region_ellipticity(s, maps, nmaps);
        char ell[16];
        if (isnan(e))
            snprintf(ell, sizeof ell, "n/a");
        else
            snprintf(ell, sizeof ell, "%.3f", e);
        printf("  %-12s %8.3f  %3zu/%-3zu %10.3f %11.2f %11s %11.1f\n", label, g, ngrid, nmaps, a, k, ell, w);
    }
    gridform_scorer_destroy(s);
    free(buf);
    return rc;
}

static int half_arena(const gridform_arena *a, int half, gridform_arena **out);

/* The attractor network on the shape's kernel (gridform_attractor(3),
 * "Walls and shapes"): seeded at 1% of its input, left to form a pattern
 * for GF_FORM_MS intervals of 1 ms, then run to the residual --tol or
 * --steps more intervals, its rates scored like a map, in rows labelled
 * "net ...".  The formation time first: the residual is relative to the
 * rates, and the seed settles onto the walls' near-uniform state (residual
 * below 1e-4 at 0.1 s) long before a pattern growing at (gain - 1)/tau
 * from 1% is visible. */
#define GF_FORM_MS 1000
static int run_network(const options *o, const char *name, const gridform_arena *a, const gridform_kernel *k,
                       const shape_polygon *p, const unsigned char *inside, size_t npts, double spacing)
{
    gridform_attractor *net = NULL;
    double *r = malloc(npts * sizeof *r);
    int rc = r == NULL ? GRIDFORM_ENOMEM : gridform_attractor_create(&net, k);
    if (rc != GRIDFORM_OK) {
        fprintf(stderr, PROG ": %s: network: %s\n", name, r == NULL ? "out of memory" : gridform_last_error());
        free(r);
        return rc;
    }
    if ((rc = gridform_attractor_set_gain(net, o->gain)) == GRIDFORM_OK
        && (rc = gridform_attractor_seed(net, o->seed, 0.01)) == GRIDFORM_OK
        && (rc = gridform_attractor_iterate(net, GF_FORM_MS)) == GRIDFORM_OK)
        rc = gridform_attractor_run(net, o->steps, o->tol, NULL, NULL);
    double t = 0.0, residual = NAN;
    gridform_attractor_get_time(net, &t);
    const char *status = rc == GRIDFORM_OK ? "stationary" : rc == GRIDFORM_CONTINUE ? "not stationary"
                                                                                   : gridform_strerror(rc);
    if (rc == GRIDFORM_OK || rc == GRIDFORM_CONTINUE) {
        gridform_attractor_get_residual(net, &residual);
        rc = gridform_attractor_get_rates(net, r);
    }
    if (rc != GRIDFORM_OK) {
        fprintf(stderr, PROG ": %s: network: %s\n", name, gridform_attractor_last_error(net));
        goto done;
    }
    for (size_t i = 0; i < npts; i++)
        if (!inside[i])
            r[i] = NAN;
    printf("  network, gain %g: t = %.3f s, residual %.2g (%s)\n", o->gain, t, residual, status);
    if ((rc = score_region("net whole", a, p, r, 1, npts, o->threshold, spacing)) != GRIDFORM_OK)
        goto done;
    if (strcmp(name, "trapezoid") == 0)
        for (int half = 0; half < 2 && rc == GRIDFORM_OK; half++) {
            gridform_arena *h = NULL;
            rc = half_arena(a, half, &h);
            if (rc == GRIDFORM_OK)
                rc = score_region(half == 0 ? "net wide" : "net narrow", h, p, r, 1, npts, o->threshold,
                                  spacing);
            else
                fprintf(stderr, PROG ": %s: %s\n", name, gridform_last_error());
            gridform_arena_destroy(h);
        }
done:
    gridform_attractor_destroy(net);
    free(r);
    return rc;
}

/* The maps' arena restricted to x < 0 (half = 0) or x >= 0 (half = 1). */
static int half_arena(const gridform_arena *a, int half, gridform_arena **out)
{
    size_t nx, ny;
    double lx, ly;
    gridform_arena_get_shape(a, &nx, &ny);
    gridform_arena_get_extent(a, &lx, &ly);
    unsigned char *inside = malloc(nx * ny);
    if (inside == NULL)
        return GRIDFORM_ENOMEM;
    int rc = gridform_arena_get_mask(a, inside);
    for (size_t iy = 0; iy < ny && rc == GRIDFORM_OK; iy++)
        for (size_t ix = 0; ix < nx; ix++)
            if ((ix < nx / 2) != (half == 0))
                inside[iy * nx + ix] = 0;
    if (rc == GRIDFORM_OK)
        rc = gridform_arena_create_mask(out, lx, ly, nx, ny, inside);
    free(inside);
    return rc;
}

typedef struct {
    double *maps;   /* nmaps x ny x nx, NaN outside */
    size_t nx, ny;
} shape_maps;

static int run_shape(options *o, const char *name, shape_maps *out)
{
    shape_polygon p;
    gridform_arena *a = NULL;
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    gridform_learner *l = NULL;
    double *maps = NULL;
    unsigned char *inside = NULL;
    int rc;
    if (shape_build(name, o->size, &p) != 0) {
        fprintf(stderr, PROG ": --shapes: '%s' is not one of %s\n", name, shape_names());
        return GRIDFORM_EINVAL;
    }
    if ((rc = shape_arena(&p, o->bin, &a)) != GRIDFORM_OK
        || (rc = gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, o->sigma, o->surround, o->cells,
                                           GRIDFORM_CENTERS_RANDOM, o->seed)) != GRIDFORM_OK
        || (rc = gridform_kernel_create(&k, pc, o->kernel_mode | (o->uncentered ? 0 : GRIDFORM_KERNEL_CENTERED))) != GRIDFORM_OK) {
        fprintf(stderr, PROG ": %s: %s\n", name, gridform_last_error());
        goto done;
    }
    size_t nx, ny;
    gridform_arena_get_shape(a, &nx, &ny);
    size_t npts = nx * ny, ninside = 0;
    maps = malloc(o->maps * npts * sizeof *maps);
    inside = malloc(npts);
    if (maps == NULL || inside == NULL) {
        rc = GRIDFORM_ENOMEM;
        fprintf(stderr, PROG ": %s: out of memory\n", name);
        goto done;
    }
    if ((rc = gridform_arena_get_mask(a, inside)) != GRIDFORM_OK)
        goto done;
    for (size_t i = 0; i < npts; i++)
        ninside += inside[i];
    /* The ring is the tuning's (doc/theory.md §1.5), the same in every
     * shape: printed once, above the table. */
    double kstar = NAN, spacing = NAN;
    if (gridform_kernel_ring(k, &kstar, &spacing) != GRIDFORM_OK)
        kstar = spacing = NAN;
    if (isnan(o->kstar)) {
        o->kstar = kstar;
        printf("ring k* = %.2f rad/m: predicted hexagonal spacing 4 pi/(sqrt 3 k*) = %.3f m\n", kstar, spacing);
        printf("  %-12s %8s  %-7s %10s %11s %11s %11s\n", "region", "gridness", "grid", "spacing m",
               "dominant k", "ellipticity", "wall offset");
    }
    if ((rc = gridform_learner_create(&l, k, o->maps)) != GRIDFORM_OK) {
        fprintf(stderr, PROG ": %s: %s\n", name, gridform_last_error());
        goto done;
    }
    if ((rc = gridform_learner_set_nonlinearity(l, GRIDFORM_NL_RELU, 0.0)) == GRIDFORM_OK
        && (rc = gridform_learner_seed(l, o->seed, 1.0)) == GRIDFORM_OK)
        rc = gridform_learner_run(l, o->steps, o->tol, NULL, NULL);
    size_t steps = 0;
    double t = 0.0, residual = NAN;
    gridform_learner_get_time(l, &t, &steps);
    gridform_learner_get_residual(l, &residual);
    const char *status = rc == GRIDFORM_OK ? "stationary" : rc == GRIDFORM_CONTINUE ? "not stationary"
                                                                                   : gridform_strerror(rc);
    if (rc != GRIDFORM_OK && rc != GRIDFORM_CONTINUE) {
        fprintf(stderr, PROG ": %s: %s\n", name, gridform_learner_last_error(l));
        goto done;
    }
    rc = gridform_learner_get_maps(l, maps);
    if (rc != GRIDFORM_OK)
        goto done;
    /* The learner keeps maps at exactly 0 outside the shape (they live on
     * the inside bins); what is drawn and saved marks those bins unvisited. */
    for (size_t m = 0; m < o->maps; m++)
        for (size_t i = 0; i < npts; i++)
            if (!inside[i]) {
                if (maps[m * npts + i] != 0.0) {
                    fprintf(stderr, PROG ": %s: map %zu is %g at outside bin %zu, not 0\n", name, m,
                            maps[m * npts + i], i);
                    rc = GRIDFORM_EUNDEFINED;
                    goto done;
                }
                maps[m * npts + i] = NAN;
            }
    printf("%s: %.3f x %.3f m box on %zu x %zu bins, %zu inside = %.3f m^2 (polygon %.3f m^2); "
           "%zu steps, residual %.2g (%s)\n",
           name, p.lx, p.ly, nx, ny, ninside, (double)ninside * (p.lx / (double)nx) * (p.ly / (double)ny),
           shape_area(&p), steps, residual, status);

    if ((rc = score_region("whole", a, &p, maps, o->maps, npts, o->threshold, spacing)) != GRIDFORM_OK)
        goto done;
    if (strcmp(name, "trapezoid") == 0)
        for (int half = 0; half < 2 && rc == GRIDFORM_OK; half++) {
            gridform_arena *h = NULL;
            rc = half_arena(a, half, &h);
            if (rc == GRIDFORM_OK)
                rc = score_region(half == 0 ? "wide half" : "narrow half", h, &p, maps, o->maps, npts,
                                  o->threshold, spacing);
            else
                fprintf(stderr, PROG ": %s: %s\n", name, gridform_last_error());
            gridform_arena_destroy(h);
        }
    if (rc == GRIDFORM_OK && o->attractor)
        rc = run_network(o, name, a, k, &p, inside, npts, spacing);
    if (rc == GRIDFORM_OK && o->npy != NULL) {
        char path[4096];
        snprintf(path, sizeof path, "%s-%s.npy", o->npy, name);
        size_t shape[3] = {o->maps, ny, nx};
        if ((rc = gridform_npy_write(path, maps, 3, shape)) != GRIDFORM_OK)
            fprintf(stderr, PROG ": %s: %s\n", path, gridform_last_error());
    }
    if (rc == GRIDFORM_OK) {
        out->maps = maps;
        out->nx = nx;
        out->ny = ny;
        maps = NULL;
    }
done:
    gridform_learner_destroy(l);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
    free(maps);
    free(inside);
    return rc;
}

/* One picture: a row of up to 4 maps per shape, each centred on a common
 * canvas (NaN, grey, around it), so the grey surround draws each shape's
 * outline. */
static int draw(const char *path, const shape_maps *sm, size_t nshapes, size_t nmaps)
{
    enum { COLS = 4 };
    size_t cx = 0, cy = 0, cols = nmaps < COLS ? nmaps : COLS;
    for (size_t s = 0; s < nshapes; s++) {
        if (sm[s].nx > cx) cx = sm[s].nx;
        if (sm[s].ny > cy) cy = sm[s].ny;
    }
    size_t tiles = nshapes * cols, npts = cx * cy;
    double *canvas = malloc(tiles * npts * sizeof *canvas);
    if (canvas == NULL)
        return GRIDFORM_ENOMEM;
    for (size_t i = 0; i < tiles * npts; i++)
        canvas[i] = NAN;
    for (size_t s = 0; s < nshapes; s++)
        for (size_t m = 0; m < cols; m++) {
            double *tile = canvas + (s * cols + m) * npts;
            size_t ox = (cx - sm[s].nx) / 2, oy = (cy - sm[s].ny) / 2;
            for (size_t iy = 0; iy < sm[s].ny; iy++)
                for (size_t ix = 0; ix < sm[s].nx; ix++)
                    tile[(iy + oy) * cx + ix + ox] = sm[s].maps[(m * sm[s].ny + iy) * sm[s].nx + ix];
        }
    size_t zoom = cx < 100 ? 3 : 2;
    int rc = gridform_image_write_maps(path, canvas, tiles, cx, cy, cols, GRIDFORM_IMAGE_PER_MAP, zoom);
    if (rc != GRIDFORM_OK)
        fprintf(stderr, PROG ": %s: %s\n", path, gridform_last_error());
    free(canvas);
    return rc;
}

int main(int argc, char **argv)
{
    options o = {"square,circle,trapezoid,hole,wall", 1.9, 0.05, 2.0, 0.03, 1e-4, 0.37, 8, 1024, 4000,
                 GRIDFORM_KERNEL_UNIFORM, 0, 1, 0, 1.1, NULL, NULL, NAN};
    if (!parse_args(argc, argv, &o))
        return 2;
    char cells[96];
    if (o.kernel_mode == GRIDFORM_KERNEL_EXACT)
        snprintf(cells, sizeof cells, "EXACT%s kernel of %zu random cells", o.uncentered ? "" : "|CENTERED",
                 o.cells);
    else
        snprintf(cells, sizeof cells, "UNIFORM%s kernel (cells of uniform density over each shape)",
                 o.uncentered ? "" : "|CENTERED");
    printf("DoG place code, sigma %.3f m, s %g; %s; %zu RELU maps per shape, seed %llu\n", o.sigma, o.surround,
           cells, o.maps, (unsigned long long)o.seed);
    printf("per region, medians over maps: gridness score60 (grid: maps above %.2f), spacing from the SAC, "
           "dominant k (rad/m), ellipticity, wall offset (deg, 0-30: the smallest angle between a grid axis "
           "and a wall)\n", o.threshold);
    shape_maps sm[MAX_SHAPES];
    size_t nshapes = 0;
    int rc = GRIDFORM_OK;
    char list[256];
    strcpy(list, o.shapes);
    for (char *save = NULL, *name = strtok_r(list, ",", &save); name != NULL && rc == GRIDFORM_OK;
         name = strtok_r(NULL, ",", &save)) {
        rc = run_shape(&o, name, &sm[nshapes]);
        if (rc == GRIDFORM_OK)
            nshapes++;
    }
    if (rc == GRIDFORM_OK && o.png != NULL && nshapes > 0)
        rc = draw(o.png, sm, nshapes, o.maps);
    for (size_t s = 0; s < nshapes; s++)
        free(sm[s].maps);
    return rc == GRIDFORM_OK ? 0 : (rc == GRIDFORM_EINVAL ? 2 : 1);
}
