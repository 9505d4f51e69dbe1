/* gridform-score: score grid maps stored in a NumPy .npy file.
 *
 *   gridform-score [options] maps.npy
 *
 * Reads maps of shape (n, ny, nx) or (ny, nx), float64 or float32 (NaN =
 * unvisited bin), and writes one CSV row per map:
 *   index,score60,score90,spacing_m,orientation_deg,dominant_k
 * A summary goes to stderr.  The box size is required (--box, or --lx and
 * --ly): a .npy file holds no geometry, and a guessed box puts every
 * spacing and wavenumber on the wrong scale. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gridform.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: gridform-score [options] maps.npy\n"
            "Score grid maps: gridness (60 and 90 degrees), spacing, orientation, dominant k.\n"
            "maps.npy holds (n, ny, nx) or (ny, nx) float64/float32 maps; NaN marks unvisited bins.\n"
            "\n"
            "  --box L             box side in metres, lx = ly = L (required, or --lx and --ly)\n"
            "  --lx X, --ly Y      box extent in metres, separately\n"
            "  --variant V         mean (default, Banino 2018) or minmax (Sargolini 2006)\n"
            "  --annuli I,A,B,N    fixed annuli: inner radius, outer radii from A to B in N\n"
            "                      steps, in metres (default 0.2L,0.4L,1.0L,10, L = min(lx, ly))\n"
            "  --auto-annuli       annuli per map from its own autocorrelogram (default with\n"
            "                      --periodic; fixed annuli are then the fallback)\n"
            "  --periodic          maps are periodic (circular autocorrelogram)\n"
            "  --min-overlap N     fewest overlapping bins for a SAC lag (default 20)\n"
            "  -o FILE             write the CSV to FILE (default: standard output)\n"
            "  -h, --help          show this help\n"
            "\n"
            "CSV columns: index,score60,score90,spacing_m,orientation_deg,dominant_k (rad/m).\n"
            "Undefined values (constant or empty maps) are written as nan.\n");
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    if (s[0] == '-')
        return 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0')
        return 0;
    *out = (size_t)v;
    return 1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void fmt(FILE *f, double v, const char *sep)
{
    if (isnan(v))
        fprintf(f, "nan%s", sep);
    else
        fprintf(f, "%.6g%s", v, sep);
}

int main(int argc, char **argv)
{
    double lx = NAN, ly = NAN, inner = NAN, omin = NAN, omax = NAN;
    size_t count = 10, min_overlap = 20;
    int variant = GRIDFORM_GRIDNESS_MEAN, boundary = GRIDFORM_WALLED, set_annuli = 0, auto_annuli = 0;
    const char *input = NULL, *output = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--periodic")) {
            boundary = GRIDFORM_PERIODIC;
        } else if (!strcmp(a, "--auto-annuli")) {
            auto_annuli = 1;
        } else if (!strcmp(a, "--box") || !strcmp(a, "--lx") || !strcmp(a, "--ly")
                   || !strcmp(a, "--variant") || !strcmp(a, "--annuli") || !strcmp(a, "-o")
                   || !strcmp(a, "--min-overlap")) {
            if (val == NULL) {
                fprintf(stderr, "gridform-score: %s needs a value (see --help)\n", a);
                return 2;
            }
            i++;
            double d;
            if (!strcmp(a, "--box") || !strcmp(a, "--lx") || !strcmp(a, "--ly")) {
                if (!parse_double(val, &d) || d <= 0) {
                    fprintf(stderr, "gridform-score: %s must be a length > 0 in metres, got '%s'\n", a, val);
                    return 2;
                }
                if (strcmp(a, "--ly")) lx = d;
                if (strcmp(a, "--lx")) ly = d;
            } else if (!strcmp(a, "--variant")) {
                if (!strcmp(val, "mean")) {
                    variant = GRIDFORM_GRIDNESS_MEAN;
                } else if (!strcmp(val, "minmax")) {
                    variant = GRIDFORM_GRIDNESS_MINMAX;
                } else {
                    fprintf(stderr, "gridform-score: --variant must be mean or minmax, got '%s'\n", val);
                    return 2;
                }
            } else if (!strcmp(a, "--annuli")) {
                char extra;
                if (sscanf(val, "%lf,%lf,%lf,%zu%c", &inner, &omin, &omax, &count, &extra) != 4
                    || strchr(val, '-') != NULL) {
                    fprintf(stderr, "gridform-score: --annuli needs inner,outer_min,outer_max,count (metres), got '%s'\n",
                            val);
                    return 2;
                }
                set_annuli = 1;
            } else if (!strcmp(a, "--min-overlap")) {
                if (!parse_size(val, &min_overlap)) {
                    fprintf(stderr, "gridform-score: --min-overlap must be a count, got '%s'\n", val);
                    return 2;
                }
            } else {
                output = val;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "gridform-score: unknown option %s (see --help)\n", a);
            return 2;
        } else if (input == NULL) {
            input = a;
        } else {
            fprintf(stderr, "gridform-score: one input file only, got '%s' and '%s'\n", input, a);
            return 2;
        }
    }
    if (input == NULL) {
        fprintf(stderr, "gridform-score: no input file (usage: gridform-score [options] maps.npy; see --help)\n");
        return 2;
    }
    if (isnan(lx) || isnan(ly)) {
        fprintf(stderr, "gridform-score: the box size is required: give --box L, or --lx X and --ly Y, in metres "
                        "(spacings and wavenumbers are measured in it)\n");
        return 2;
    }

    size_t ndim = 0, shape[GRIDFORM_NPY_MAX_DIMS];
    int rc = gridform_npy_read(input, NULL, 0, &ndim, shape);
    if (rc != GRIDFORM_OK) {
        fprintf(stderr, "gridform-score: %s: %s\n", input, gridform_last_error());
        return 1;
    }
    if (ndim != 2 && ndim != 3) {
        fprintf(stderr, "gridform-score: %s: expected shape (n, ny, nx) or (ny, nx), got %zu dimensions\n", input,
                ndim);
        return 1;
    }
    size_t nmaps = ndim == 3 ? shape[0] : 1, ny = shape[ndim - 2], nx = shape[ndim - 1];
    if (nmaps == 0 || nx < 2 || ny < 2) {
        fprintf(stderr, "gridform-score: %s: need at least one map of at least 2 x 2 bins, got %zu maps of %zu x %zu\n",
                input, nmaps, ny, nx);
        return 1;
    }
    size_t total = nmaps * ny * nx;
    if (total / nmaps / ny != nx || total > SIZE_MAX / sizeof(double)) {
        fprintf(stderr, "gridform-score: %s: too large\n", input);
        return 1;
    }
    double *maps = malloc(total * sizeof *maps);
    double *res = malloc(5 * nmaps * sizeof *res);
    if (maps == NULL || res == NULL) {
        fprintf(stderr, "gridform-score: %s: out of memory for %zu maps of %zu x %zu\n", input, nmaps, ny, nx);
        free(maps);
        free(res);
        return 1;
    }
    rc = gridform_npy_read(input, maps, total, &ndim, shape);
    if (rc != GRIDFORM_OK) {
        fprintf(stderr, "gridform-score: %s: %s\n", input, gridform_last_error());
        free(maps);
        free(res);
        return 1;
    }
    gridform_scorer *s = NULL;
    gridform_arena *arena = NULL;
    if (gridform_arena_create(&arena, lx, ly, nx, ny, boundary) != GRIDFORM_OK
        || gridform_scorer_create(&s, arena) != GRIDFORM_OK
        || gridform_scorer_set_variant(s, variant) != GRIDFORM_OK
        || gridform_scorer_set_min_overlap(s, min_overlap) != GRIDFORM_OK
        || (set_annuli && gridform_scorer_set_annuli_m(s, inner, omin, omax, count) != GRIDFORM_OK)
        || (auto_annuli && gridform_scorer_set_annuli_auto(s, 1) != GRIDFORM_OK)) {
        fprintf(stderr, "gridform-score: %s\n", s ? gridform_scorer_last_error(s) : gridform_last_error());
        gridform_arena_destroy(arena);
        gridform_scorer_destroy(s);
        free(maps);
        free(res);
        return 2;
    }
    gridform_arena_destroy(arena);   /* the scorer copied the geometry */
    double *g60 = res, *g90 = res + nmaps, *sp = res + 2 * nmaps, *th = res + 3 * nmaps, *kd = res + 4 * nmaps;
    rc = gridform_scorer_score(s, maps, nmaps, g60, g90, sp, th);
    if (rc != GRIDFORM_OK && rc != GRIDFORM_EUNDEFINED) {
        fprintf(stderr, "gridform-score: %s: %s\n", input, gridform_scorer_last_error(s));
        gridform_scorer_destroy(s);
        free(maps);
        free(res);
        return 1;
    }
    int use_auto = 0;
    size_t nfallback = 0;
    gridform_scorer_get_annuli_auto(s, &use_auto);
    gridform_scorer_get_fallback_count(s, &nfallback);
    for (size_t m = 0; m < nmaps; m++) {
        int r = gridform_map_dominant_k(s, maps + m * nx * ny, &kd[m]);
        if (r != GRIDFORM_OK && r != GRIDFORM_EUNDEFINED) {
            fprintf(stderr, "gridform-score: %s: map %zu: %s\n", input, m, gridform_scorer_last_error(s));
            gridform_scorer_destroy(s);
            free(maps);
            free(res);
            return 1;
        }
    }
    gridform_scorer_destroy(s);

    FILE *f = stdout;
    if (output != NULL && (f = fopen(output, "w")) == NULL) {
        fprintf(stderr, "gridform-score: cannot write %s: %s\n", output, strerror(errno));
        free(maps);
        free(res);
        return 1;
    }
    fprintf(f, "index,score60,score90,spacing_m,orientation_deg,dominant_k\n");
    size_t undefined = 0, ndef = 0, above30 = 0, above37 = 0;
    double *sorted = maps;   /* reuse: the maps are no longer needed */
    for (size_t m = 0; m < nmaps; m++) {
        fprintf(f, "%zu,", m);
        fmt(f, g60[m], ",");
        fmt(f, g90[m], ",");
        fmt(f, sp[m], ",");
        fmt(f, th[m] * 180 / 3.14159265358979323846, ",");
        fmt(f, kd[m], "\n");
        if (isnan(g60[m]) || isnan(g90[m]) || isnan(sp[m]) || isnan(kd[m]))
            undefined++;
        if (!isnan(g60[m])) {
            sorted[ndef++] = g60[m];
            above30 += g60[m] > 0.3;
            above37 += g60[m] > 0.37;
        }
    }
    if (ferror(f) || (f != stdout && fclose(f) != 0) || (f == stdout && fflush(stdout) != 0)) {
        fprintf(stderr, "gridform-score: error writing %s\n", output ? output : "standard output");
        free(maps);
        free(res);
        return 1;
    }
    double median = NAN;
    if (ndef > 0) {
        qsort(sorted, ndef, sizeof *sorted, cmp_double);
        median = ndef % 2 ? sorted[ndef / 2] : 0.5 * (sorted[ndef / 2 - 1] + sorted[ndef / 2]);
    }
    /* The fractions are of the maps whose score60 is defined: an undefined
     * map (constant, empty) is neither a grid cell nor a non-grid cell. */
    double pct30 = ndef > 0 ? 100.0 * (double)above30 / (double)ndef : NAN;
    double pct37 = ndef > 0 ? 100.0 * (double)above37 / (double)ndef : NAN;
    fprintf(stderr,
            "gridform-score: %zu maps of %zu x %zu (%g x %g m): median score60 %.3f, "
            "of the %zu with a defined score60: above 0.3: %.1f%%, above 0.37: %.1f%%; "
            "undefined score60: %zu; any value undefined: %zu\n",
            nmaps, ny, nx, lx, ly, median, ndef, pct30, pct37, nmaps - ndef, undefined);
    if (use_auto)
        fprintf(stderr, "gridform-score: automatic annuli; %zu maps without a ring of peaks used the fixed ones\n",
                nfallback);
    free(maps);
    free(res);
    return 0;
}
