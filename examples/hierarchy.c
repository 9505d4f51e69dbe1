/* hierarchy: many orthogonal maps fill the Fourier shells in order.
 *
 * Sanger's rule orders linear maps (doc/theory.md §4): map j tends to the
 * j-th eigenvector of Sigma, so successive maps take successive Fourier
 * shells, sorted by Sigma~.  Rectified maps need not: this runs a Gaussian
 * and a difference-of-Gaussians place code, learned with the defaults to
 * stationarity (KKT residual 1e-4), and prints, per map, the shell |k| the
 * linear theory predicts (gridform_kernel_shells, with multiplicities) beside
 * the measured dominant k, score60, score90 and spacing, then the grid
 * modules the maps form (gridform_modules_find: how many scales, at which
 * spacings and ratios; doc/theory.md §6.7).  At the defaults the DoG maps
 * are hexagonal at one scale near the ring, and the Gaussian maps single
 * bumps; the shells and square lattices this example printed in 0.2 came
 * from that release's fixed step (doc/theory.md §2.9).  Writes PREFIX.png, the Gaussian maps in
 * the top rows and the DoG maps below, and PREFIX.npy, the same maps as a
 * (2 maps, n, n) float64 array for NumPy. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"

typedef struct {
    double sigma, surround, box;
    size_t n, maps, steps;
    uint64_t seed;
    const char *prefix;
} options;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: hierarchy [options]\n"
            "Sanger-ordered rectified maps on a Gaussian and a DoG place code.\n"
            "  --sigma S      place-field width sigma in metres (0.12)\n"
            "  --surround R   DoG surround variance ratio s > 1 (2)\n"
            "  --box L        side of the periodic arena in metres (2.2)\n"
            "  --n N          grid points per side (48)\n"
            "  --maps M       number of maps (16)\n"
            "  --steps T      maximum number of learning steps (20000)\n"
            "  --seed K       seed of the random initial maps (1)\n"
            "  --prefix P     output prefix: P.png and P.npy (hierarchy)\n"
            "  --help         this text\n");
}

static int parse_number(const char *opt, const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !isfinite(v)) {
        fprintf(stderr, "hierarchy: %s needs a number, got '%s'\n", opt, s);
        return 0;
    }
    *out = v;
    return 1;
}

static int parse_count(const char *opt, const char *s, size_t *out)
{
    double v;
    if (!parse_number(opt, s, &v))
        return 0;
    if (v < 1 || v > 1e6 || v != floor(v)) {
        fprintf(stderr, "hierarchy: %s needs a positive integer, got '%s'\n", opt, s);
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
        if (i + 1 >= argc) {
            fprintf(stderr, "hierarchy: unknown option or missing value: %s (try --help)\n", a);
            return 0;
        }
        const char *v = argv[++i];
        size_t sz;
        if (strcmp(a, "--sigma") == 0) {
            if (!parse_number(a, v, &o->sigma)) return 0;
        } else if (strcmp(a, "--surround") == 0) {
            if (!parse_number(a, v, &o->surround)) return 0;
        } else if (strcmp(a, "--box") == 0) {
            if (!parse_number(a, v, &o->box)) return 0;
        } else if (strcmp(a, "--n") == 0) {
            if (!parse_count(a, v, &o->n)) return 0;
        } else if (strcmp(a, "--maps") == 0) {
            if (!parse_count(a, v, &o->maps)) return 0;
        } else if (strcmp(a, "--steps") == 0) {
            if (!parse_count(a, v, &o->steps)) return 0;
        } else if (strcmp(a, "--seed") == 0) {
            if (!parse_count(a, v, &sz)) return 0;
            o->seed = sz;
        } else if (strcmp(a, "--prefix") == 0) {
            if (v[0] == '\0') {
                fprintf(stderr, "hierarchy: --prefix must not be empty\n");
                return 0;
            }
            o->prefix = v;
        } else {
            fprintf(stderr, "hierarchy: unknown option %s (try --help)\n", a);
            return 0;
        }
    }
    if (!(o->sigma > 0)) { fprintf(stderr, "hierarchy: --sigma must be > 0\n"); return 0; }
    if (!(o->surround > 1)) { fprintf(stderr, "hierarchy: --surround must be > 1\n"); return 0; }
    if (!(o->box > 0)) { fprintf(stderr, "hierarchy: --box must be > 0\n"); return 0; }
    if (o->n < 8) { fprintf(stderr, "hierarchy: --n must be >= 8\n"); return 0; }
    if (o->maps > o->n * o->n) {
        fprintf(stderr, "hierarchy: --maps must be <= n^2 (%zu lattice modes)\n", o->n * o->n);
        return 0;
    }
    return 1;
}

/* The grid modules among one code's maps: the maps with score60 > 0.3
 * clustered on log-spacing (a Gaussian mixture, its size chosen by BIC),
 * orientation as the second cue, which a module must pass: maps at one
 * spacing but at scattered orientations form none. */
static int print_modules(const char *name, const double *spacing, const double *orient, const double *s60,
                         size_t n)
{
    enum { MAXMOD = 6 };
    gridform_modules *m;
    if (gridform_modules_create(&m) != GRIDFORM_OK) {
        fprintf(stderr, "hierarchy: %s\n", gridform_last_error());
        return 1;
    }
    size_t nmod = 0, count[MAXMOD];
    double msp[MAXMOD], mor[MAXMOD], ratio[MAXMOD];
    int rc = gridform_modules_find(m, spacing, orient, s60, n, &nmod, msp, mor, count, ratio, NULL);
    if (rc != GRIDFORM_OK) {
        fprintf(stderr, "hierarchy: %s\n", gridform_modules_last_error(m));
        gridform_modules_destroy(m);
        return 1;
    }
    printf("  %s modules (maps with score60 > 0.3): %zu\n", name, nmod);
    for (size_t j = 0; j < nmod; j++) {
        printf("    module %zu: %zu maps, spacing %.3f m, orientation %.1f deg", j, count[j], msp[j],
               mor[j] * 180.0 / 3.14159265358979323846);
        if (j > 0)
            printf(", %.2f x the module before", ratio[j - 1]);
        printf("\n");
    }
    gridform_modules_destroy(m);
    return 0;
}

/* Learn and tabulate one code; maps receives o->maps x n x n. */
static int run_code(const options *o, int tuning, const char *name, double *maps)
{
    gridform_arena *arena = NULL;
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    gridform_learner *l = NULL;
    gridform_scorer *sc = NULL;
    size_t ng = o->maps, n = o->n * o->n;
    double *pred = malloc(ng * sizeof *pred), *s60 = malloc(ng * sizeof *s60), *s90 = malloc(ng * sizeof *s90);
    double *kmag = malloc(ng * sizeof *kmag), *value = malloc(ng * sizeof *value), *pval = malloc(ng * sizeof *pval);
    double *spacing = malloc(ng * sizeof *spacing), *orient = malloc(ng * sizeof *orient);
    size_t *mult = malloc(ng * sizeof *mult);
    int status = 1;
    if (!pred || !s60 || !s90 || !kmag || !value || !pval || !mult || !spacing || !orient) {
        fprintf(stderr, "hierarchy: out of memory\n");
        goto done;
    }
    if (gridform_arena_create(&arena, o->box, o->box, o->n, o->n, GRIDFORM_PERIODIC) != GRIDFORM_OK
        || gridform_placecode_create(&pc, arena, tuning, o->sigma, o->surround, 1024, GRIDFORM_CENTERS_LATTICE, 1)
               != GRIDFORM_OK
        || gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER) != GRIDFORM_OK
        || gridform_scorer_create(&sc, arena) != GRIDFORM_OK
        || gridform_learner_create(&l, k, ng) != GRIDFORM_OK) {
        fprintf(stderr, "hierarchy: %s\n", gridform_last_error());
        goto done;
    }
    /* The linear prediction: shells in decreasing Sigma~, each repeated by
     * its number of real eigenvectors; map j sits on entry j. */
    size_t nsh, e = 0;
    if (gridform_kernel_shells(k, ng, kmag, value, mult, &nsh) != GRIDFORM_OK) {
        fprintf(stderr, "hierarchy: %s\n", gridform_kernel_last_error(k));
        goto done;
    }
    for (size_t i = 0; i < nsh && e < ng; i++)
        for (size_t m = 0; m < mult[i] && e < ng; m++, e++) {
            pred[e] = kmag[i];
            pval[e] = value[i];
        }
    /* The learner's defaults (error-controlled ETD), run to the patterns'
     * stationarity, KKT residual 1e-4 (1e-6 gives the same table here). */
    if (gridform_learner_set_coupling(l, GRIDFORM_COUPLING_SANGER) != GRIDFORM_OK
        || gridform_learner_set_nonlinearity(l, GRIDFORM_NL_RELU, 0.0) != GRIDFORM_OK
        || gridform_learner_seed(l, o->seed, 1.0) != GRIDFORM_OK) {
        fprintf(stderr, "hierarchy: %s\n", gridform_learner_last_error(l));
        goto done;
    }
    int rc = gridform_learner_run(l, o->steps, 1e-4, NULL, NULL);
    if (rc != GRIDFORM_OK && rc != GRIDFORM_CONTINUE) {
        fprintf(stderr, "hierarchy: %s\n", gridform_learner_last_error(l));
        goto done;
    }
    size_t steps;
    gridform_learner_get_time(l, NULL, &steps);
    gridform_learner_get_maps(l, maps);
    gridform_scorer_score(sc, maps, ng, s60, s90, spacing, orient);   /* NaN marks undefined values */
    printf("%s place code, sigma %.3f m%s; box %.2f m on %zu x %zu; SANGER + RELU, %zu steps%s\n", name,
           o->sigma, tuning == GRIDFORM_TUNING_DOG ? "" : " (no surround)", o->box, o->n, o->n, steps,
           rc == GRIDFORM_CONTINUE ? " (not converged)" : "");
    printf("  map  predicted |k|  Sigma~ (rel)  dominant k  score60  score90  spacing\n");
    for (size_t j = 0; j < ng; j++) {
        double dk;
        if (gridform_map_dominant_k(sc, maps + j * n, &dk) != GRIDFORM_OK)
            dk = NAN;
        if (j < e)
            printf("  %3zu  %13.3f  %12.4f  %10.3f  %7.3f  %7.3f  %7.3f\n", j, pred[j], pval[j] / pval[0], dk,
                   s60[j], s90[j], spacing[j]);
        else
            printf("  %3zu  %13s  %12s  %10.3f  %7.3f  %7.3f  %7.3f\n", j, "-", "-", dk, s60[j], s90[j],
                   spacing[j]);
    }
    if (print_modules(name, spacing, orient, s60, ng) != 0)
        goto done;
    printf("\n");
    status = 0;
done:
    gridform_learner_destroy(l);
    gridform_scorer_destroy(sc);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(arena);
    free(pred);
    free(s60);
    free(s90);
    free(kmag);
    free(value);
    free(pval);
    free(mult);
    free(spacing);
    free(orient);
    return status;
}

int main(int argc, char **argv)
{
    options o = {0.12, 2.0, 2.2, 48, 16, 20000, 1, "hierarchy"};
    if (!parse_args(argc, argv, &o))
        return 2;
    size_t n = o.n * o.n;
    double *maps = malloc(2 * o.maps * n * sizeof *maps);
    if (maps == NULL) {
        fprintf(stderr, "hierarchy: out of memory\n");
        return 1;
    }
    if (run_code(&o, GRIDFORM_TUNING_GAUSSIAN, "Gaussian", maps) != 0
        || run_code(&o, GRIDFORM_TUNING_DOG, "DoG", maps + o.maps * n) != 0)
        return 1;
    char path[4096];
    size_t ncols = o.maps < 8 ? o.maps : 8;
    /* Each code starts on a fresh row when maps is a multiple of 8. */
    snprintf(path, sizeof path, "%s.png", o.prefix);
    int rc = gridform_image_write_maps(path, maps, 2 * o.maps, o.n, o.n, ncols, GRIDFORM_IMAGE_PER_MAP, 2);
    if (rc == GRIDFORM_EUNSUPPORTED) {   /* built without libpng */
        snprintf(path, sizeof path, "%s.ppm", o.prefix);
        rc = gridform_image_write_maps(path, maps, 2 * o.maps, o.n, o.n, ncols, GRIDFORM_IMAGE_PER_MAP, 2);
    }
    if (rc != GRIDFORM_OK) {
        fprintf(stderr, "hierarchy: %s\n", gridform_last_error());
        return 1;
    }
    printf("wrote %s (Gaussian maps first, then DoG; row-major, %zu per row)\n", path, ncols);
    snprintf(path, sizeof path, "%s.npy", o.prefix);
    size_t shape[3] = {2 * o.maps, o.n, o.n};
    if (gridform_npy_write(path, maps, 3, shape) != GRIDFORM_OK) {
        fprintf(stderr, "hierarchy: %s\n", gridform_last_error());
        return 1;
    }
    printf("wrote %s (%zu x %zu x %zu float64: Gaussian maps, then DoG)\n", path, shape[0], shape[1], shape[2]);
    free(maps);
    return 0;
}
