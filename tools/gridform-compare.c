/* gridform-compare: a population of grid maps against the theory.
 *
 *   gridform-compare --box L [--boundary walled|periodic]
 *       [--no-orientation-cue]
 *       [--tuning T --sigma S --surround R [--cells N | --centers file.npy]]
 *       [--shuffles N] [--percentile P] [--threshold X]
 *       [--svg report.svg] [--json] maps.npy
 *   gridform-compare --box L --positions xy.npy --activity act.npy --dt S
 *       --bins N [--min-lag S] [options]
 *
 * Reads (n, ny, nx) or (ny, nx) maps, float64 or float32, NaN = unvisited
 * (or builds them from a trajectory), and reports: the predicted ring k* and
 * spacing of the place code (when one is given), the population's ring
 * (doc/theory.md §6.6), the grid threshold from a null (doc/theory.md §6.8:
 * trajectory shuffles, or surrogates of the maps) or a fixed value, the
 * fraction of grid maps above it (and >= 0.37), the spacing and orientation
 * of the grid maps, the grid modules (doc/theory.md §6.7) and the recording
 * measures (doc/theory.md §6.9).  gridform-compare(1) documents every option
 * and output. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gridform.h>
#include "compare.h"

#define PI 3.14159265358979323846

static void usage(FILE *f)
{
    fprintf(f,
            "usage: gridform-compare --box L [options] maps.npy\n"
            "       gridform-compare --box L --positions XY.npy --activity A.npy --dt S --bins N [options]\n"
            "Compare a population of grid maps with the theory: rings, grid fraction, modules.\n"
            "maps.npy holds (n, ny, nx) or (ny, nx) float64/float32 maps; NaN marks unvisited bins.\n"
            "\n"
            "  --box L               box side in metres (required; --ly Y for a rectangle)\n"
            "  --ly Y                box extent along y in metres (default L)\n"
            "  --boundary B          walled (default) or periodic\n"
            "  --annuli A            auto (per map, from its SAC) or fixed (Banino 2018);\n"
            "                        default: fixed for walled, auto for periodic\n"
            "  --tuning T            place code for the prediction: gaussian, dog or softmax\n"
            "                        (softmax_dog, Python's name, is accepted for softmax)\n"
            "  --sigma S             place-field width sigma in metres (with --tuning)\n"
            "  --surround R          surround ratio s > 1 (dog and softmax)\n"
            "  --cells N             number of place cells, random centres (default 1024)\n"
            "  --centers FILE        place-cell centres, an (N, 2) .npy in metres\n"
            "  --seed N              seed of the random centres and of the null (default 1)\n"
            "  --shuffles N          null maps per map: shuffles or surrogates (default 100)\n"
            "  --percentile P        the null's percentile for the threshold (default 95)\n"
            "  --threshold X         a fixed score60 threshold instead of the null\n"
            "  --positions FILE      trajectory, an (npos, 2) .npy in metres (box centred on 0)\n"
            "  --activity FILE       activity per sample, an (npos, ncells) or (npos,) .npy\n"
            "  --dt S                sampling interval of the trajectory in seconds\n"
            "  --bins N              rate-map bins per side from a trajectory (--bins-y for y)\n"
            "  --bins-y N            rate-map bins along y (default: --bins)\n"
            "  --min-lag S           shortest shuffle lag in seconds (default 20)\n"
            "  --svg FILE            write a one-page SVG report\n"
            "  --json                print one JSON object instead of the text report\n"
            "  --no-orientation-cue  modules by spacing alone (populations whose orientations\n"
            "                        vary unit by unit, e.g. trained networks)\n"
            "  -h, --help            show this help\n");
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

/* Quantile q of sorted v[0..n-1] by linear interpolation. */
static double quantile(const double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double pos = q * (double)(n - 1);
    size_t i = (size_t)pos;
    if (i + 1 >= n)
        return v[n - 1];
    return v[i] + (pos - (double)i) * (v[i + 1] - v[i]);
}

/* A JSON number, or null for NaN/Inf. */
static void jnum(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.6g", v);
    else
        fputs("null", f);
}

static double deg(double rad)
{
    return rad * 180.0 / PI;
}

double compare_orientation_deg(double rad, double modulus)
{
    double m = deg(modulus), d = deg(rad);
    if (!isfinite(d) || !isfinite(m))
        return d;
    d = fmod(d, m);
    if (d < 0)
        d += m;
    /* what rounds to the modulus at the one decimal printed is 0 */
    return d >= m - 0.05 ? 0.0 : d;
}

static void print_json(FILE *f, const compare_report *r)
{
    fputs("{\n  \"n_maps\": ", f);
    fprintf(f, "%zu,\n  \"shape\": [%zu, %zu],\n  \"box_m\": [", r->n, r->ny, r->nx);
    jnum(f, r->lx);
    fputs(", ", f);
    jnum(f, r->ly);
    fprintf(f, "],\n  \"boundary\": \"%s\",\n  \"annuli\": \"%s\",\n  \"annuli_fallback\": %zu,\n"
               "  \"predicted_ring_k\": ",
            r->boundary == GRIDFORM_PERIODIC ? "periodic" : "walled", r->annuli_auto ? "auto" : "fixed",
            r->nfallback);
    jnum(f, r->have_pc ? r->kstar : NAN);
    fputs(",\n  \"predicted_spacing\": ", f);
    jnum(f, r->have_pc ? r->astar : NAN);
    fputs(",\n  \"population_ring_k\": ", f);
    jnum(f, r->kpop);
    fputs(",\n  \"population_ring_spacing\": ", f);
    jnum(f, 4 * PI / (sqrt(3.0) * r->kpop));
    fputs(",\n  \"spectrum_bin_width_k\": ", f);
    jnum(f, r->dk);
    fputs(",\n  \"threshold\": {\"value\": ", f);
    jnum(f, r->threshold);
    fprintf(f, ", \"source\": \"%s\", \"percentile\": ", r->threshold_source);
    jnum(f, r->nshuffles ? r->percentile : NAN);
    fprintf(f, ", \"shuffles\": %zu}", r->nshuffles);
    fprintf(f, ",\n  \"n_scored\": %zu,\n  \"fraction_grid\": ", r->nscored);
    jnum(f, (double)r->ngrid / (double)r->n);
    fputs(",\n  \"fraction_grid_037\": ", f);
    jnum(f, (double)r->ngrid_strict / (double)r->n);
    fputs(",\n  \"median_score60\": ", f);
    jnum(f, r->median60);
    fputs(",\n  \"spacing_quartiles\": [", f);
    for (int i = 0; i < 3; i++) {
        jnum(f, r->spacing_q[i]);
        fputs(i < 2 ? ", " : "]", f);
    }
    fputs(",\n  \"orientation_mean\": ", f);
    jnum(f, compare_orientation_deg(r->orient_mean, PI / 3));
    fputs(",\n  \"orientation_modulus\": 60", f);
    fputs(",\n  \"orientation_resultant\": ", f);
    jnum(f, r->orient_r);
    fputs(",\n  \"orientation_histogram\": [", f);
    for (int i = 0; i < 6; i++)
        fprintf(f, "%zu%s", r->orient_hist[i], i < 5 ? ", " : "]");
    fputs(",\n", f);
    compare_measures_json(f, r);
    fputs(",\n  \"modules\": [", f);
    for (size_t j = 0; j < r->nmodules; j++) {
        fputs(j ? ",\n    {\"spacing\": " : "\n    {\"spacing\": ", f);
        jnum(f, r->mod_spacing[j]);
        fputs(", \"orientation\": ", f);
        jnum(f, compare_orientation_deg(r->mod_orient[j], r->mod_modulus[j]));
        fputs(", \"orientation_modulus\": ", f);
        jnum(f, deg(r->mod_modulus[j]));
        fprintf(f, ", \"count\": %zu, \"ratio_to_previous\": ", r->mod_count[j]);
        jnum(f, j > 0 ? r->mod_ratio[j - 1] : NAN);
        fputs("}", f);
    }
    fputs(r->nmodules ? "\n  ]\n}\n" : "]\n}\n", f);
}

static void print_text(FILE *f, const compare_report *r)
{
    fprintf(f, "maps            %zu of %zu x %zu bins, box %g x %g m, %s\n", r->n, r->ny, r->nx, r->lx, r->ly,
            r->boundary == GRIDFORM_PERIODIC ? "periodic" : "walled");
    if (r->have_pc)
        fprintf(f, "predicted ring  k* = %.4g rad/m, spacing %.4g m\n", r->kstar, r->astar);
    else if (r->pc_undefined && isfinite(r->kstar) && r->kstar > 0)
        fprintf(f, "predicted ring  undefined: k* = %.4g rad/m, spacing %.4g m, beyond the %g x %g m box "
                   "(sigma is in metres; see the warning)\n", r->kstar, r->astar, r->lx, r->ly);
    else if (r->pc_undefined)
        fprintf(f, "predicted ring  undefined: the code's spectrum has no ring (see the warning)\n");
    else
        fprintf(f, "predicted ring  (no place code given: --tuning, --sigma, --surround)\n");
    /* walled: placed below the bin width (gridform_population_spectrum(3)) */
    fprintf(f, "population ring k = %.4g rad/m (%s %.4g), spacing %.4g m, from %zu maps\n", r->kpop,
            r->boundary == GRIDFORM_WALLED ? "refined within bins of" : "bins of", r->dk,
            4 * PI / (sqrt(3.0) * r->kpop), r->nused);
    if (r->have_pc && isfinite(r->kpop))
        fprintf(f, "                population / predicted = %.3f\n", r->kpop / r->kstar);
    if (r->nshuffles > 0)
        fprintf(f, "threshold       %.3f: percentile %g of %zu %s per map, pooled over the maps\n", r->threshold,
                r->percentile, r->nshuffles, !strcmp(r->threshold_source, "shuffle") ? "shuffles" : "surrogates");
    else
        fprintf(f, "threshold       %.3f (fixed, --threshold)\n", r->threshold);
    fprintf(f, "grid maps       %zu (%.1f%%) with score60 > %.3f, %zu (%.1f%%) with score60 >= %.2f\n", r->ngrid,
            100.0 * (double)r->ngrid / (double)r->n, r->threshold, r->ngrid_strict,
            100.0 * (double)r->ngrid_strict / (double)r->n, COMPARE_GRID_THRESHOLD_STRICT);
    fprintf(f, "score60         median %.3f over %zu maps with a score; %s annuli", r->median60, r->nscored,
            r->annuli_auto ? "automatic" : "fixed");
    if (r->annuli_auto)
        fprintf(f, " (%zu maps fell back to the fixed ones)", r->nfallback);
    fputc('\n', f);
    if (r->ngrid > 0) {
        fprintf(f, "spacing         quartiles %.4g, %.4g, %.4g m (grid maps)\n", r->spacing_q[0], r->spacing_q[1],
                r->spacing_q[2]);
        fprintf(f, "orientation     circular mean %.1f deg (mod 60), resultant %.2f; per 10 deg:",
                compare_orientation_deg(r->orient_mean, PI / 3), r->orient_r);
        for (int i = 0; i < 6; i++)
            fprintf(f, " %zu", r->orient_hist[i]);
        fputc('\n', f);
    }
    fprintf(f, "modules         %zu\n", r->nmodules);
    for (size_t j = 0; j < r->nmodules; j++) {
        fprintf(f, "  module %zu      spacing %.4g m, orientation %.1f deg (mod %.0f), %zu maps", j + 1,
                r->mod_spacing[j], compare_orientation_deg(r->mod_orient[j], r->mod_modulus[j]),
                deg(r->mod_modulus[j]), r->mod_count[j]);
        if (j > 0)
            fprintf(f, ", ratio %.3f", r->mod_ratio[j - 1]);
        fputc('\n', f);
    }
    compare_measures_text(f, r);
}

/* Grid-map summaries: thresholds, median, spacing quartiles, orientations. */
static int summarise(compare_report *r)
{
    double *tmp = malloc((r->n ? r->n : 1) * sizeof *tmp);
    if (tmp == NULL)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < r->n; i++)
        if (!isnan(r->score60[i])) {
            tmp[m++] = r->score60[i];
            r->ngrid += r->score60[i] > r->threshold;
            r->ngrid_strict += r->score60[i] >= COMPARE_GRID_THRESHOLD_STRICT;
        }
    r->nscored = m;
    qsort(tmp, m, sizeof *tmp, cmp_double);
    r->median60 = quantile(tmp, m, 0.5);
    double c = 0, s = 0;
    size_t ng = 0;
    m = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->score60[i] > r->threshold && !isnan(r->spacing[i])) {
            tmp[m++] = r->spacing[i];
            if (!isnan(r->orientation[i])) {
                c += cos(6 * r->orientation[i]);
                s += sin(6 * r->orientation[i]);
                ng++;
                int b = (int)(deg(r->orientation[i]) / 10.0);
                r->orient_hist[b < 0 ? 0 : b > 5 ? 5 : b]++;
            }
        }
    qsort(tmp, m, sizeof *tmp, cmp_double);
    for (int q = 0; q < 3; q++)
        r->spacing_q[q] = quantile(tmp, m, 0.25 * (q + 1));
    r->orient_mean = NAN;
    r->orient_r = NAN;
    if (ng > 0) {
        double th = atan2(s, c) / 6;
        r->orient_mean = th < 0 ? th + PI / 3 : th;
        r->orient_r = hypot(c, s) / (double)ng;
    }
    free(tmp);
    return 0;
}

/* A rejected option value, said in gridform-sweep's wording:
 * "--box: 0 is not > 0 (metres)", "--boundary: 'round' is not walled or
 * periodic". */
static void bad_value(const char *opt, const char *v)
{
    static const struct { const char *opt; int number; const char *want; } why[] = {
        {"--box", 1, "> 0 (metres)"},
        {"--ly", 1, "> 0 (metres)"},
        {"--sigma", 1, "> 0 (metres)"},
        {"--surround", 1, "> 0 (the surround/centre variance ratio, > 1 for dog and softmax)"},
        {"--cells", 0, "a whole number >= 1"},
        {"--seed", 0, "a whole number >= 0"},
        {"--boundary", 0, "walled or periodic"},
        {"--annuli", 0, "auto or fixed"},
        {"--tuning", 0, "gaussian, dog or softmax"},
    };
    double x;
    for (size_t i = 0; i < sizeof why / sizeof why[0]; i++) {
        if (strcmp(opt, why[i].opt) != 0)
            continue;
        if (why[i].number && parse_double(v, &x))
            fprintf(stderr, "gridform-compare: %s: %g is not %s\n", opt, x, why[i].want);
        else if (why[i].number)
            fprintf(stderr, "gridform-compare: %s: '%s' is not a finite number\n", opt, v);
        else
            fprintf(stderr, "gridform-compare: %s: '%s' is not %s\n", opt, v, why[i].want);
        return;
    }
    fprintf(stderr, "gridform-compare: %s: '%s' is not a valid value (see --help)\n", opt, v);
}

typedef struct {
    double lx, ly, sigma, surround;
    int boundary, tuning, json, annuli;   /* annuli: -1 the arena's default, 0 fixed, 1 auto */
    int orientation_cue;                   /* the module finder's second cue (default on) */
    size_t cells;
    uint64_t seed;
    const char *svg, *centers, *input;
    /* the threshold: a null of nshuffles maps per map at percentile, or a
     * fixed value (fixed not NaN) */
    size_t nshuffles, bins, bins_y;
    double percentile, fixed, dt, min_lag;
    const char *positions, *activity;     /* a trajectory (both or neither) */
} options;

static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->lx = o->ly = o->sigma = o->surround = NAN;
    o->boundary = GRIDFORM_WALLED;
    o->orientation_cue = 1;
    o->annuli = -1;
    o->cells = 1024;
    o->seed = 1;
    o->nshuffles = 100;
    o->percentile = 95;
    o->fixed = o->dt = NAN;
    o->min_lag = 20;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int need = 1;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "--json")) {
            o->json = 1;
            need = 0;
        } else if (!strcmp(a, "--no-orientation-cue")) {
            o->orientation_cue = 0;
            need = 0;
        } else if (a[0] == '-' && a[1] == '-' && v == NULL) {
            fprintf(stderr, "gridform-compare: %s needs a value\n", a);
            return -1;
        } else if (!strcmp(a, "--box")) {
            if (!parse_double(v, &o->lx) || o->lx <= 0) goto bad;
        } else if (!strcmp(a, "--ly")) {
            if (!parse_double(v, &o->ly) || o->ly <= 0) goto bad;
        } else if (!strcmp(a, "--boundary")) {
            if (!strcmp(v, "walled")) o->boundary = GRIDFORM_WALLED;
            else if (!strcmp(v, "periodic")) o->boundary = GRIDFORM_PERIODIC;
            else goto bad;
        } else if (!strcmp(a, "--annuli")) {
            if (!strcmp(v, "auto")) o->annuli = 1;
            else if (!strcmp(v, "fixed")) o->annuli = 0;
            else goto bad;
        } else if (!strcmp(a, "--tuning")) {
            if (!strcmp(v, "gaussian")) o->tuning = GRIDFORM_TUNING_GAUSSIAN;
            else if (!strcmp(v, "dog")) o->tuning = GRIDFORM_TUNING_DOG;
            else if (!strcmp(v, "softmax") || !strcmp(v, "softmax_dog")) o->tuning = GRIDFORM_TUNING_SOFTMAX_DOG;
            else goto bad;
        } else if (!strcmp(a, "--sigma")) {
            if (!parse_double(v, &o->sigma) || o->sigma <= 0) goto bad;
        } else if (!strcmp(a, "--surround")) {
            if (!parse_double(v, &o->surround) || o->surround <= 0) goto bad;
        } else if (!strcmp(a, "--cells")) {
            if (!parse_size(v, &o->cells) || o->cells == 0) goto bad;
        } else if (!strcmp(a, "--seed")) {
            size_t sd;
            if (!parse_size(v, &sd)) goto bad;
            o->seed = (uint64_t)sd;
        } else if (!strcmp(a, "--shuffles")) {
            if (!parse_size(v, &o->nshuffles) || o->nshuffles == 0) goto bad;
        } else if (!strcmp(a, "--percentile")) {
            if (!parse_double(v, &o->percentile) || !(o->percentile > 0 && o->percentile < 100)) goto bad;
        } else if (!strcmp(a, "--threshold")) {
            if (!parse_double(v, &o->fixed)) goto bad;
        } else if (!strcmp(a, "--positions")) {
            o->positions = v;
        } else if (!strcmp(a, "--activity")) {
            o->activity = v;
        } else if (!strcmp(a, "--dt")) {
            if (!parse_double(v, &o->dt) || !(o->dt > 0)) goto bad;
        } else if (!strcmp(a, "--min-lag")) {
            if (!parse_double(v, &o->min_lag) || o->min_lag < 0) goto bad;
        } else if (!strcmp(a, "--bins")) {
            if (!parse_size(v, &o->bins) || o->bins < 2) goto bad;
        } else if (!strcmp(a, "--bins-y")) {
            if (!parse_size(v, &o->bins_y) || o->bins_y < 2) goto bad;
        } else if (!strcmp(a, "--centers")) {
            o->centers = v;
        } else if (!strcmp(a, "--svg")) {
            o->svg = v;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "gridform-compare: unknown option %s (see --help)\n", a);
            return -1;
        } else {
            if (o->input != NULL) {
                fprintf(stderr, "gridform-compare: one maps file only (got %s and %s)\n", o->input, a);
                return -1;
            }
            o->input = a;
            need = 0;
        }
        i += need;
        continue;
    bad:
        bad_value(a, v);
        return -1;
    }
    if ((o->positions == NULL) != (o->activity == NULL)) {
        fprintf(stderr, "gridform-compare: --positions and --activity go together\n");
        return -1;
    }
    if (o->positions != NULL) {
        if (o->input != NULL) {
            fprintf(stderr, "gridform-compare: with a trajectory the maps are built from it: no maps file (got %s)\n",
                    o->input);
            return -1;
        }
        if (isnan(o->dt) || o->bins == 0) {
            fprintf(stderr, "gridform-compare: a trajectory needs --dt (seconds) and --bins\n");
            return -1;
        }
        if (o->bins_y == 0)
            o->bins_y = o->bins;
    } else if (!isnan(o->dt) || o->bins != 0 || o->bins_y != 0) {
        fprintf(stderr, "gridform-compare: --dt, --bins and --bins-y need --positions and --activity\n");
        return -1;
    }
    if ((o->input == NULL && o->positions == NULL) || isnan(o->lx)) {
        fprintf(stderr, "gridform-compare: %s is required (see --help)\n",
                isnan(o->lx) ? "--box L (the box side in metres: a .npy holds no geometry)" : "a maps file");
        return -1;
    }
    if (isnan(o->ly))
        o->ly = o->lx;
    if (o->tuning == 0 && (!isnan(o->sigma) || !isnan(o->surround) || o->centers != NULL)) {
        fprintf(stderr, "gridform-compare: --sigma, --surround and --centers need --tuning\n");
        return -1;
    }
    if (o->tuning != 0) {
        if (isnan(o->sigma)) {
            fprintf(stderr, "gridform-compare: --tuning needs --sigma\n");
            return -1;
        }
        if (o->tuning != GRIDFORM_TUNING_GAUSSIAN && isnan(o->surround)) {
            fprintf(stderr, "gridform-compare: --tuning dog and softmax need --surround\n");
            return -1;
        }
        if (isnan(o->surround))
            o->surround = 1.0;
    }
    return 0;
}

/* The shape against the box: bins of a lx x ly box on nx x ny points are
 * square, or nearly.  A (64, 64, 16) file read as 64 maps of 64 x 16 bins
 * gives bins four times longer than wide: it is 16 maps stacked last
 * (issue 20), refused with that said.  Other elongated bins (> 1.5:1) are
 * only warned about.  Returns 0, or -1 after the message. */
static int check_shape(const char *path, size_t nd, const size_t *shape, double lx, double ly)
{
    size_t ny = shape[nd - 2], nx = shape[nd - 1];
    double dx = lx / (double)nx, dy = ly / (double)ny, aspect = dx > dy ? dx / dy : dy / dx;
    if (!(aspect > 1.5))
        return 0;
    if (nd == 3 && shape[0] != shape[2] && fabs((lx / (double)shape[1]) / (ly / (double)shape[0]) - 1) < 0.2) {
        fprintf(stderr,
                "gridform-compare: %s: shape (%zu, %zu, %zu) reads as %zu maps of %zu x %zu bins, %.3g x %.3g m each "
                "in the %g x %g m box; it looks like %zu maps of %zu x %zu stacked last (ny, nx, n): "
                "save them as (n, ny, nx), e.g. numpy.moveaxis(maps, -1, 0)\n",
                path, shape[0], shape[1], shape[2], shape[0], shape[1], shape[2], dx, dy, lx, ly, shape[2],
                shape[0], shape[1]);
        return -1;
    }
    fprintf(stderr, "gridform-compare: warning: %s: %zu x %zu bins in the %g x %g m box are %.3g x %.3g m, "
                    "not square: check --box and --ly against the file's (ny, nx)\n",
            path, ny, nx, lx, ly, dx, dy);
    return 0;
}

/* The maps: (n, ny, nx) or (ny, nx), checked against the box. */
static double *read_maps(const char *path, double lx, double ly, size_t *n, size_t *ny, size_t *nx)
{
    size_t nd, shape[GRIDFORM_NPY_MAX_DIMS];
    if (gridform_npy_read(path, NULL, 0, &nd, shape) != GRIDFORM_OK) {
        fprintf(stderr, "gridform-compare: %s\n", gridform_last_error());
        return NULL;
    }
    if (nd == 2) {
        *n = 1;
        *ny = shape[0];
        *nx = shape[1];
    } else if (nd == 3) {
        *n = shape[0];
        *ny = shape[1];
        *nx = shape[2];
    } else {
        fprintf(stderr, "gridform-compare: %s: need an (n, ny, nx) or (ny, nx) array, got %zu dimensions\n", path, nd);
        return NULL;
    }
    if (*n == 0 || *nx < 2 || *ny < 2 || *n > SIZE_MAX / (*nx * *ny) / sizeof(double)) {
        fprintf(stderr, "gridform-compare: %s: unusable shape (%zu, %zu, %zu)\n", path, *n, *ny, *nx);
        return NULL;
    }
    if (check_shape(path, nd, shape, lx, ly) != 0)
        return NULL;
    size_t total = *n * *ny * *nx;
    double *maps = malloc(total * sizeof *maps);
    if (maps == NULL) {
        fprintf(stderr, "gridform-compare: out of memory for %zu values\n", total);
        return NULL;
    }
    if (gridform_npy_read(path, maps, total, &nd, shape) != GRIDFORM_OK) {
        fprintf(stderr, "gridform-compare: %s\n", gridform_last_error());
        free(maps);
        return NULL;
    }
    return maps;
}

/* A whole .npy of doubles: its shape in nd, shape[]; NULL after a message. */
static double *read_npy(const char *path, size_t *nd, size_t shape[GRIDFORM_NPY_MAX_DIMS])
{
    if (gridform_npy_read(path, NULL, 0, nd, shape) != GRIDFORM_OK) {
        fprintf(stderr, "gridform-compare: %s\n", gridform_last_error());
        return NULL;
    }
    size_t total = 1;
    for (size_t i = 0; i < *nd; i++) {
        if (shape[i] != 0 && total > SIZE_MAX / sizeof(double) / shape[i]) {
            fprintf(stderr, "gridform-compare: %s: too large\n", path);
            return NULL;
        }
        total *= shape[i];
    }
    double *v = malloc((total ? total : 1) * sizeof *v);
    if (v == NULL) {
        fprintf(stderr, "gridform-compare: out of memory for %s\n", path);
        return NULL;
    }
    if (gridform_npy_read(path, v, total, nd, shape) != GRIDFORM_OK) {
        fprintf(stderr, "gridform-compare: %s\n", gridform_last_error());
        free(v);
        return NULL;
    }
    return v;
}

/* A trajectory: positions (npos, 2) and activity (npos, ncells) or (npos,). */
static int read_trajectory(const options *o, double **xy, double **act, size_t *npos, size_t *ncells)
{
    size_t nd, shape[GRIDFORM_NPY_MAX_DIMS], ndA, shapeA[GRIDFORM_NPY_MAX_DIMS];
    *xy = read_npy(o->positions, &nd, shape);
    if (*xy == NULL)
        return -1;
    if (nd != 2 || shape[1] != 2 || shape[0] < 2) {
        fprintf(stderr, "gridform-compare: %s: positions must be an (npos, 2) array with npos >= 2\n", o->positions);
        return -1;
    }
    *act = read_npy(o->activity, &ndA, shapeA);
    if (*act == NULL)
        return -1;
    if ((ndA != 1 && ndA != 2) || (ndA == 2 && shapeA[1] == 0)) {
        fprintf(stderr, "gridform-compare: %s: activity must be an (npos, ncells) or (npos,) array\n", o->activity);
        return -1;
    }
    if (shapeA[0] != shape[0]) {
        fprintf(stderr, "gridform-compare: mismatched lengths: %zu positions in %s, %zu activity samples in %s\n",
                shape[0], o->positions, shapeA[0], o->activity);
        return -1;
    }
    *npos = shape[0];
    *ncells = ndA == 2 ? shapeA[1] : 1;
    return 0;
}

/* The grid threshold: fixed, or the pooled null's (shuffles of the
 * trajectory, or surrogates of the maps). */
static int grid_threshold(const options *o, gridform_scorer *s, compare_report *r, const double *xy, size_t npos,
                          const double *act)
{
    r->percentile = o->percentile;
    if (!isnan(o->fixed)) {
        r->threshold = o->fixed;
        r->threshold_source = "fixed";
        r->nshuffles = 0;
        return 0;
    }
    r->nshuffles = o->nshuffles;
    if (gridform_scorer_set_null(s, o->nshuffles, o->percentile, o->min_lag) != GRIDFORM_OK) {
        fprintf(stderr, "gridform-compare: %s\n", gridform_scorer_last_error(s));
        return -1;
    }
    int rc;
    if (xy != NULL) {
        r->threshold_source = "shuffle";
        rc = gridform_scorer_shuffle_null(s, xy, npos, o->dt, act, r->n, o->seed, NULL, NULL, NULL, &r->threshold,
                                          NULL, NULL);
    } else {
        r->threshold_source = "surrogate";
        rc = gridform_scorer_surrogate_null(s, r->maps, r->n, o->seed, NULL, NULL, NULL, &r->threshold, NULL, NULL);
    }
    /* Undefined per-map nulls (constant maps) are left out of the pool;
     * only a pool too small for any threshold is an error. */
    if (rc == GRIDFORM_EUNDEFINED && !isnan(r->threshold))
        rc = GRIDFORM_OK;
    if (rc != GRIDFORM_OK) {
        fprintf(stderr, "gridform-compare: the null threshold: %s\n", gridform_scorer_last_error(s));
        return -1;
    }
    return 0;
}

/* The prediction: place code, kernel, ring and the profile at the bins.
 * FOURIER on a periodic arena for Gaussian and DoG codes; otherwise the
 * translation-averaged kernel of the actual cells (the published
 * simulations' circulant approximation, walls included). */
static int predict(const options *o, const gridform_arena *arena, compare_report *r)
{
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    double *xy = NULL;
    size_t ncells = o->cells;
    int rc = GRIDFORM_OK;
    if (o->centers != NULL) {
        size_t nd, shape[GRIDFORM_NPY_MAX_DIMS];
        rc = gridform_npy_read(o->centers, NULL, 0, &nd, shape);
        if (rc == GRIDFORM_OK && (nd != 2 || shape[1] != 2 || shape[0] == 0)) {
            fprintf(stderr, "gridform-compare: %s: centres must be an (N, 2) array\n", o->centers);
            return -1;
        }
        if (rc == GRIDFORM_OK) {
            ncells = shape[0];
            xy = malloc(2 * ncells * sizeof *xy);
            if (xy == NULL)
                return -1;
            rc = gridform_npy_read(o->centers, xy, 2 * ncells, &nd, shape);
        }
    }
    if (rc == GRIDFORM_OK)
        rc = gridform_placecode_create(&pc, arena, o->tuning, o->sigma, o->surround, ncells,
                                       GRIDFORM_CENTERS_RANDOM, o->seed);
    if (rc == GRIDFORM_OK && xy != NULL)
        rc = gridform_placecode_set_centers(pc, xy, ncells);
    int mode = (o->boundary == GRIDFORM_PERIODIC && o->tuning != GRIDFORM_TUNING_SOFTMAX_DOG)
                   ? GRIDFORM_KERNEL_FOURIER : GRIDFORM_KERNEL_AVERAGED;
    if (rc == GRIDFORM_OK)
        rc = gridform_kernel_create(&k, pc, mode);
    if (rc == GRIDFORM_OK) {
        rc = gridform_kernel_ring(k, &r->kstar, &r->astar);
        /* No ring in this box (a spacing beyond it, as after a unit slip,
         * or a code peaking at k = 0): the maps are still reported, the
         * prediction is left out and the library's reason said. */
        if (rc == GRIDFORM_EUNDEFINED) {
            fprintf(stderr, "gridform-compare: warning: no predicted ring: %s\n", gridform_kernel_last_error(k));
            r->pc_undefined = 1;
            gridform_kernel_destroy(k);
            gridform_placecode_destroy(pc);
            free(xy);
            return 0;
        }
    }
    if (rc == GRIDFORM_OK) {
        /* The continuum profile on a grid much finer than the bins. */
        const size_t nf = 241;
        r->kfine = malloc(nf * sizeof *r->kfine);
        r->sigma = malloc(nf * sizeof *r->sigma);
        if (r->kfine != NULL && r->sigma != NULL) {
            for (size_t i = 0; i < nf; i++)
                r->kfine[i] = r->kmag[r->nbins - 1] * (double)i / (double)(nf - 1);
            if (gridform_kernel_radial_profile(k, r->kfine, nf, r->sigma) == GRIDFORM_OK)
                r->nfine = nf;
        }
        if (r->nfine == 0)
            fprintf(stderr, "gridform-compare: warning: no radial profile of the kernel: %s\n",
                    gridform_last_error());
        r->have_pc = 1;
    } else {
        fprintf(stderr, "gridform-compare: place code: %s\n", gridform_last_error());
    }
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    free(xy);
    return rc == GRIDFORM_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    options o;
    if (parse_args(argc, argv, &o) != 0)
        return 2;
    compare_report r;
    memset(&r, 0, sizeof r);
    double *maps = NULL, *xy = NULL, *act = NULL;
    size_t npos = 0;
    int status = 1;
    gridform_arena *arena = NULL;
    gridform_scorer *s = NULL;
    gridform_modules *mf = NULL;
    if (o.positions != NULL) {
        /* Maps from the trajectory, binned as the shuffles bin them. */
        if (read_trajectory(&o, &xy, &act, &npos, &r.n) != 0)
            goto out;
        r.nx = o.bins;
        r.ny = o.bins_y;
        if (r.n > SIZE_MAX / (r.nx * r.ny) / sizeof(double)
            || (maps = malloc(r.n * r.nx * r.ny * sizeof *maps)) == NULL) {
            fprintf(stderr, "gridform-compare: out of memory for %zu maps\n", r.n);
            goto out;
        }
    } else {
        maps = read_maps(o.input, o.lx, o.ly, &r.n, &r.ny, &r.nx);
        if (maps == NULL)
            return 1;
    }
    r.maps = maps;
    r.lx = o.lx;
    r.ly = o.ly;
    r.boundary = o.boundary;
    if (gridform_arena_create(&arena, o.lx, o.ly, r.nx, r.ny, o.boundary) != GRIDFORM_OK
        || gridform_scorer_create(&s, arena) != GRIDFORM_OK
        || (xy != NULL
            && gridform_ratemap_accumulate(arena, xy, npos, act, r.n, 0, maps, NULL) != GRIDFORM_OK)) {
        fprintf(stderr, "gridform-compare: %s\n", gridform_last_error());
        goto out;
    }
    if (o.annuli >= 0 && gridform_scorer_set_annuli_auto(s, o.annuli) != GRIDFORM_OK) {
        fprintf(stderr, "gridform-compare: %s\n", gridform_scorer_last_error(s));
        goto out;
    }
    r.score60 = malloc(r.n * sizeof *r.score60);
    r.spacing = malloc(r.n * sizeof *r.spacing);
    r.orientation = malloc(r.n * sizeof *r.orientation);
    r.label = malloc(r.n * sizeof *r.label);
    if (r.score60 == NULL || r.spacing == NULL || r.orientation == NULL || r.label == NULL) {
        fprintf(stderr, "gridform-compare: out of memory for %zu maps\n", r.n);
        goto out;
    }
    /* Undefined scores (constant or empty maps) stay NaN and count as not
     * grid maps; anything else is an error. */
    int rc = gridform_scorer_score(s, maps, r.n, r.score60, NULL, r.spacing, r.orientation);
    if (rc != GRIDFORM_OK && rc != GRIDFORM_EUNDEFINED) {
        fprintf(stderr, "gridform-compare: %s\n", gridform_scorer_last_error(s));
        goto out;
    }
    if (gridform_scorer_get_annuli_auto(s, &r.annuli_auto) != GRIDFORM_OK
        || gridform_scorer_get_fallback_count(s, &r.nfallback) != GRIDFORM_OK)
        goto out;
    if (gridform_scorer_spectrum_bins(s, &r.nbins, &r.dk) != GRIDFORM_OK)
        goto out;
    r.kmag = malloc(r.nbins * sizeof *r.kmag);
    r.power = malloc(r.nbins * sizeof *r.power);
    if (r.kmag == NULL || r.power == NULL)
        goto out;
    /* Each map at unit variance: a unit's rate does not decide its weight. */
    rc = gridform_scorer_population_spectrum(s, maps, r.n, GRIDFORM_SPECTRUM_UNIT_VARIANCE, r.kmag, r.power,
                                             &r.kpop, &r.nused);
    if (rc != GRIDFORM_OK && rc != GRIDFORM_EUNDEFINED) {
        fprintf(stderr, "gridform-compare: %s\n", gridform_scorer_last_error(s));
        goto out;
    }
    if (rc == GRIDFORM_EUNDEFINED) {
        fprintf(stderr, "gridform-compare: warning: %s\n", gridform_scorer_last_error(s));
        for (size_t b = 0; b < r.nbins; b++)
            r.kmag[b] = (double)b * r.dk;
    }
    if (o.tuning != 0 && predict(&o, arena, &r) != 0)
        goto out;
    if (grid_threshold(&o, s, &r, xy, npos, act) != 0)
        goto out;
    if (summarise(&r) != 0)
        goto out;
    if (compare_measures_run(s, &r, r.threshold) != 0)
        goto out;
    if (gridform_modules_create(&mf) != GRIDFORM_OK
        || gridform_modules_set_orientation_cue(mf, o.orientation_cue) != GRIDFORM_OK
        || gridform_modules_set_max(mf, COMPARE_MAX_MODULES) != GRIDFORM_OK
        || gridform_modules_set_min_score(mf, r.threshold) != GRIDFORM_OK
        || gridform_modules_find(mf, r.spacing, r.orientation, r.score60, r.n, &r.nmodules, r.mod_spacing,
                                 r.mod_orient, r.mod_count, r.mod_ratio, r.label) != GRIDFORM_OK) {
        fprintf(stderr, "gridform-compare: %s\n", gridform_modules_last_error(mf));
        goto out;
    }
    for (size_t j = 0; j < r.nmodules; j++)
        if (gridform_modules_get_orientation_modulus(mf, j, &r.mod_modulus[j]) != GRIDFORM_OK) {
            fprintf(stderr, "gridform-compare: %s\n", gridform_modules_last_error(mf));
            goto out;
        }
    if (o.json)
        print_json(stdout, &r);
    else
        print_text(stdout, &r);
    if (o.svg != NULL) {
        char err[512];
        if (compare_write_svg(o.svg, &r, err, sizeof err) != 0) {
            fprintf(stderr, "gridform-compare: %s\n", err);
            goto out;
        }
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "gridform-compare: cannot write the report: %s\n", strerror(errno));
        goto out;
    }
    status = 0;
out:
    gridform_modules_destroy(mf);
    gridform_scorer_destroy(s);
    gridform_arena_destroy(arena);
    free(r.score60);
    free(r.spacing);
    free(r.orientation);
    free(r.label);
    free(r.kmag);
    free(r.power);
    free(r.sigma);
    free(r.kfine);
    free(maps);
    free(xy);
    free(act);
    return status;
}
