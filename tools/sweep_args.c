/* gridform-sweep: the command line.
 *
 * Everything a run needs is checked here, before any file is opened or any
 * task computed, and a mistake is reported as one line naming the option
 * (exit status 2): unknown options, empty lists and ranges, a count of 0,
 * NaN and infinities, values out of range, repeated values (a phase diagram
 * cell must be one grid point), and combinations the library cannot run. */
#include "config.h"
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"
#include "sweep.h"

#define MAX_AXIS 100000  /* values per swept parameter */
#define MAX_TASKS 1000000000000.0  /* ids travel as doubles under MPI: far below 2^53 */

static int fail(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    int k = snprintf(err, len, "gridform-sweep: ");
    va_start(ap, fmt);
    if (k > 0 && (size_t)k < len)
        vsnprintf(err + k, len - (size_t)k, fmt, ap);
    va_end(ap);
    return SWEEP_EXIT_USAGE;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: gridform-sweep [options] -o results.csv\n"
            "       mpirun -n R gridform-sweep [options] -o results.csv\n"
            "Learn grid maps over a grid of parameters and score them: one CSV row per task.\n"
            "Swept parameters (a comma list, or start:stop:count for numbers):\n"
            "  --tuning LIST        dog, gaussian, softmax (dog)\n"
            "  --sigma LIST         place-field width in metres (0.12)\n"
            "  --surround LIST      surround variance ratio s > 1 (2)\n"
            "  --box LIST           side of the square box in metres (2.2)\n"
            "  --n LIST             grid points per side (64)\n"
            "  --nonlinearity LIST  relu, soft, tanh, linear (relu)\n"
            "  --coupling LIST      independent, sanger, symmetric (independent)\n"
            "  --integrator LIST    etd, exponential, euler (etd)\n"
            "Fixed for the run:\n"
            "  --seeds N            seeds 1..N of the initial maps, swept (1)\n"
            "  --maps N             maps per task (16)\n"
            "  --steps N            most learning steps per task (5000)\n"
            "  --tol X              stationarity (KKT residual) of gridform_learner_run (1e-4)\n"
            "  --boundary B         periodic or walled (periodic)\n"
            "  --cells N            place cells, on a square lattice (1024)\n"
            "Output and execution:\n"
            "  -o, --output FILE    the CSV; an existing one is resumed (required)\n"
            "  --jobs N             worker threads (CPUs available; 1 per MPI rank)\n"
            "  --save-maps DIR      DIR/task-NNNNNN.npy: the learned maps of each task\n"
            "  --plot FILE.svg      a phase diagram: the median of a metric over the\n"
            "                       parameters not on the axes, and FILE.png, one map per cell\n"
            "  --plot-x P, --plot-y P   swept parameters on the axes (sigma, surround)\n"
            "  --plot-metric M      score60_median (default), score60_frac, score90_median,\n"
            "                       spacing_median, dominant_k_median, objective, steps_taken,\n"
            "                       kstar, spacing_predicted\n"
            "  --quiet              no progress line\n"
            "  --help, --version\n"
            "See gridform-sweep(1).\n");
}

/* Parses one number; s must be all of it. */
static int parse_number(const char *opt, const char *s, double *v, char *err, size_t len)
{
    char *end;
    errno = 0;
    if (*s == '\0')
        return fail(err, len, "%s: empty value", opt);
    double x = strtod(s, &end);
    if (end == s || *end != '\0')
        return fail(err, len, "%s: '%s' is not a number", opt, s);
    if (!isfinite(x) || errno == ERANGE)
        return fail(err, len, "%s: '%s' is not a finite number", opt, s);
    *v = x;
    return 0;
}

static int parse_count(const char *opt, const char *s, size_t lo, size_t hi, size_t *out, char *err,
                       size_t len)
{
    char *end;
    errno = 0;
    if (*s == '\0')
        return fail(err, len, "%s: empty value", opt);
    if (s[0] == '-' || s[0] == '+' || s[0] == ' ')
        return fail(err, len, "%s: '%s' is not a whole number from %zu to %zu", opt, s, lo, hi);
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE || v < lo || v > hi)
        return fail(err, len, "%s: '%s' is not a whole number from %zu to %zu", opt, s, lo, hi);
    *out = (size_t)v;
    return 0;
}

/* The value as the CSV will show it (see sweep_format_value). */
static double canonical(double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.12g", v);
    return strtod(buf, NULL);
}

/* A comma list or start:stop:count into axis p. */
static int parse_axis(sweep_axis *ax, int p, const char *opt, const char *s, char *err, size_t len)
{
    free(ax->value);
    ax->value = NULL;
    ax->count = 0;
    if (*s == '\0')
        return fail(err, len, "%s: empty list", opt);
    const char *c1 = strchr(s, ':');
    if (c1 != NULL) {
        if (sweep_param_is_named(p))
            return fail(err, len, "%s takes a comma list of names, not a range", opt);
        const char *c2 = strchr(c1 + 1, ':');
        if (c2 == NULL || strchr(c2 + 1, ':') != NULL)
            return fail(err, len, "%s: a range is start:stop:count, got '%s'", opt, s);
        char a[64], b[64];
        size_t la = (size_t)(c1 - s), lb = (size_t)(c2 - c1 - 1);
        if (la >= sizeof a || lb >= sizeof b)
            return fail(err, len, "%s: range bound too long in '%s'", opt, s);
        memcpy(a, s, la);
        a[la] = '\0';
        memcpy(b, c1 + 1, lb);
        b[lb] = '\0';
        double start, stop;
        size_t count;
        int rc;
        if ((rc = parse_number(opt, a, &start, err, len)) != 0 || (rc = parse_number(opt, b, &stop, err, len)) != 0)
            return rc;
        if (strcmp(c2 + 1, "0") == 0)
            return fail(err, len, "%s: empty range '%s' (count 0)", opt, s);
        if ((rc = parse_count(opt, c2 + 1, 1, MAX_AXIS, &count, err, len)) != 0)
            return rc;
        if (count == 1 && start != stop)
            return fail(err, len, "%s: a range of one value needs start == stop, got '%s'", opt, s);
        ax->value = malloc(count * sizeof *ax->value);
        if (ax->value == NULL)
            return fail(err, len, "out of memory");
        for (size_t i = 0; i < count; i++) {
            /* Both ends exact; between them evenly spaced. */
            double v = count == 1 ? start
                       : i + 1 == count ? stop
                                        : start + (stop - start) * (double)i / (double)(count - 1);
            ax->value[i] = canonical(v);
        }
        ax->count = count;
    } else {
        size_t count = 1;
        for (const char *t = s; *t; t++)
            count += *t == ',';
        if (count > MAX_AXIS)
            return fail(err, len, "%s: more than %d values", opt, MAX_AXIS);
        ax->value = malloc(count * sizeof *ax->value);
        if (ax->value == NULL)
            return fail(err, len, "out of memory");
        const char *t = s;
        for (size_t i = 0; i < count; i++) {
            const char *e = strchr(t, ',');
            size_t l = e ? (size_t)(e - t) : strlen(t);
            char item[64];
            if (l == 0)
                return fail(err, len, "%s: empty value in list '%s'", opt, s);
            if (l >= sizeof item)
                return fail(err, len, "%s: value too long in '%s'", opt, s);
            memcpy(item, t, l);
            item[l] = '\0';
            if (sweep_param_is_named(p)) {
                int v = sweep_value_lookup(p, item);
                if (v < 0)
                    return fail(err, len, "%s: unknown value '%s'", opt, item);
                ax->value[i] = v;
            } else {
                int rc = parse_number(opt, item, &ax->value[i], err, len);
                if (rc != 0)
                    return rc;
                ax->value[i] = canonical(ax->value[i]);
            }
            t = e ? e + 1 : t + l;
        }
        ax->count = count;
    }
    for (size_t i = 0; i < ax->count; i++)
        for (size_t j = 0; j < i; j++)
            if (ax->value[i] == ax->value[j]) {
                char buf[64];
                if (sweep_param_is_named(p))
                    snprintf(buf, sizeof buf, "%s", sweep_value_name(p, (int)ax->value[i]));
                else
                    snprintf(buf, sizeof buf, "%.12g", ax->value[i]);
                return fail(err, len, "%s: value %s appears twice", opt, buf);
            }
    return 0;
}

static int set_default(sweep_axis *ax, double v)
{
    if (ax->count != 0)
        return 0;
    ax->value = malloc(sizeof *ax->value);
    if (ax->value == NULL)
        return -1;
    ax->value[0] = v;
    ax->count = 1;
    return 0;
}

/* Range checks of every swept value, each naming its option. */
static int check_values(const sweep_grid *g, char *err, size_t len)
{
    int needs_surround = 0;
    for (size_t i = 0; i < g->axis[SP_TUNING].count; i++)
        needs_surround |= (int)g->axis[SP_TUNING].value[i] != GRIDFORM_TUNING_GAUSSIAN;
    for (size_t i = 0; i < g->axis[SP_SIGMA].count; i++)
        if (!(g->axis[SP_SIGMA].value[i] > 0))
            return fail(err, len, "--sigma: %.12g is not > 0 (metres)", g->axis[SP_SIGMA].value[i]);
    for (size_t i = 0; i < g->axis[SP_SURROUND].count; i++) {
        double s = g->axis[SP_SURROUND].value[i];
        if (needs_surround && !(s > 1))
            return fail(err, len, "--surround: %.12g is not > 1 (the surround/centre variance ratio)", s);
        if (s < 0)
            return fail(err, len, "--surround: %.12g is negative", s);
    }
    for (size_t i = 0; i < g->axis[SP_BOX].count; i++)
        if (!(g->axis[SP_BOX].value[i] > 0))
            return fail(err, len, "--box: %.12g is not > 0 (metres)", g->axis[SP_BOX].value[i]);
    for (size_t i = 0; i < g->axis[SP_N].count; i++) {
        double n = g->axis[SP_N].value[i];
        if (n != floor(n) || n < 8 || n > 4096)
            return fail(err, len, "--n: %.12g is not a whole number from 8 to 4096", n);
        for (size_t j = 0; j < g->axis[SP_COUPLING].count; j++)
            if ((int)g->axis[SP_COUPLING].value[j] != GRIDFORM_COUPLING_INDEPENDENT && (double)g->maps > n * n)
                return fail(err, len, "--maps: %zu coupled maps need at least as many grid points, got %g x %g",
                            g->maps, n, n);
    }
    return 0;
}

int sweep_parse_args(int argc, char **argv, sweep_options *o, char *err, size_t len, int print, int *done)
{
    sweep_grid *g = &o->grid;
    size_t seeds = 1;
    const char *plot_x = NULL, *plot_y = NULL, *plot_metric = NULL;
    int rc;
    *done = 0;
    memset(o, 0, sizeof *o);
    g->maps = 16;
    /* Defaults that converge (issue 19): the default task (64^2, 16 ReLU
     * maps, the default error-controlled integrator) reaches the pattern
     * stationarity 1e-4 in about 900 steps, 1e-6 in about 2000. */
    g->max_steps = 5000;
    g->cells = 1024;
    g->tol = 1e-4;
    g->boundary = GRIDFORM_PERIODIC;
    err[0] = '\0';

    for (int i = 1; i < argc; i++) {
        char optbuf[64];
        const char *opt = argv[i], *val = NULL;
        if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
            if (print)
                usage(stdout);
            *done = 1;
            return SWEEP_EXIT_OK;
        }
        if (strcmp(opt, "--version") == 0) {
            if (print)
                printf("gridform-sweep (libgridform) %s, %s\n", gridform_version_string(),
                       sweep_mpi_available() ? "with MPI" : "without MPI");
            *done = 1;
            return SWEEP_EXIT_OK;
        }
        if (strcmp(opt, "--quiet") == 0) {
            o->quiet = 1;
            continue;
        }
        /* --opt=value or --opt value */
        const char *eq = strncmp(opt, "--", 2) == 0 ? strchr(opt, '=') : NULL;
        if (eq != NULL) {
            size_t l = (size_t)(eq - opt);
            if (l >= sizeof optbuf)
                return fail(err, len, "unknown option '%s' (try --help)", opt);
            memcpy(optbuf, opt, l);
            optbuf[l] = '\0';
            opt = optbuf;
            val = eq + 1;
        }
        int p = strncmp(opt, "--", 2) == 0 ? sweep_param_lookup(opt + 2) : -1;
        int known = p >= 0 || strcmp(opt, "-o") == 0 || strcmp(opt, "--output") == 0
                    || strcmp(opt, "--seeds") == 0 || strcmp(opt, "--maps") == 0 || strcmp(opt, "--steps") == 0
                    || strcmp(opt, "--tol") == 0 || strcmp(opt, "--boundary") == 0
                    || strcmp(opt, "--cells") == 0 || strcmp(opt, "--jobs") == 0
                    || strcmp(opt, "--save-maps") == 0 || strcmp(opt, "--plot") == 0
                    || strcmp(opt, "--plot-x") == 0 || strcmp(opt, "--plot-y") == 0
                    || strcmp(opt, "--plot-metric") == 0;
        if (!known || p == SP_SEED)
            return fail(err, len, "unknown option '%s' (try --help)", argv[i]);
        if (val == NULL) {
            if (i + 1 >= argc)
                return fail(err, len, "%s needs a value", opt);
            val = argv[++i];
        }
        size_t z;
        if (p >= 0) {
            if ((rc = parse_axis(&g->axis[p], p, opt, val, err, len)) != 0)
                return rc;
        } else if (strcmp(opt, "-o") == 0 || strcmp(opt, "--output") == 0) {
            if (*val == '\0')
                return fail(err, len, "%s: empty file name", opt);
            o->output = val;
        } else if (strcmp(opt, "--seeds") == 0) {
            if ((rc = parse_count(opt, val, 1, 1000000000, &seeds, err, len)) != 0)
                return rc;
        } else if (strcmp(opt, "--maps") == 0) {
            if ((rc = parse_count(opt, val, 1, 100000, &g->maps, err, len)) != 0)
                return rc;
        } else if (strcmp(opt, "--steps") == 0) {
            if ((rc = parse_count(opt, val, 1, 1000000000, &g->max_steps, err, len)) != 0)
                return rc;
        } else if (strcmp(opt, "--cells") == 0) {
            if ((rc = parse_count(opt, val, 2, 10000000, &g->cells, err, len)) != 0)
                return rc;
        } else if (strcmp(opt, "--jobs") == 0) {
            if ((rc = parse_count(opt, val, 1, 1024, &z, err, len)) != 0)
                return rc;
            o->jobs = (int)z;
        } else if (strcmp(opt, "--tol") == 0) {
            if ((rc = parse_number(opt, val, &g->tol, err, len)) != 0)
                return rc;
            if (!(g->tol > 0))
                return fail(err, len, "--tol: %s is not > 0", val);
            g->tol = canonical(g->tol);
        } else if (strcmp(opt, "--boundary") == 0) {
            if (strcmp(val, "periodic") == 0)
                g->boundary = GRIDFORM_PERIODIC;
            else if (strcmp(val, "walled") == 0)
                g->boundary = GRIDFORM_WALLED;
            else
                return fail(err, len, "--boundary: '%s' is not periodic or walled", val);
        } else if (strcmp(opt, "--save-maps") == 0) {
            if (*val == '\0')
                return fail(err, len, "--save-maps: empty directory name");
            o->save_maps = val;
        } else if (strcmp(opt, "--plot") == 0) {
            if (*val == '\0')
                return fail(err, len, "--plot: empty file name");
            o->plot = val;
        } else if (strcmp(opt, "--plot-x") == 0) {
            plot_x = val;
        } else if (strcmp(opt, "--plot-y") == 0) {
            plot_y = val;
        } else {
            plot_metric = val;
        }
    }

    if (o->output == NULL)
        return fail(err, len, "no output file: give -o FILE.csv");
    /* The learner's kernel in a walled box: the translation average of the
     * cells' exact kernel (the published simulations' approximation, a
     * Fourier multiplier the learner integrates either way), since the
     * Fourier kernel of the code needs a torus: doc/theory.md §1.3.  Both
     * centred, as the published pipeline is: a softmax code's constant
     * mode is otherwise its top eigenvector and every map collapses onto
     * it within a few steps (doc/theory.md §1.6); for a DoG code on a
     * torus Sigma~(0) is 0 already. */
    g->kernel_mode = (g->boundary == GRIDFORM_WALLED ? GRIDFORM_KERNEL_AVERAGED : GRIDFORM_KERNEL_FOURIER)
                     | GRIDFORM_KERNEL_CENTERED;
    if (set_default(&g->axis[SP_TUNING], GRIDFORM_TUNING_DOG) || set_default(&g->axis[SP_SIGMA], 0.12)
        || set_default(&g->axis[SP_SURROUND], 2.0) || set_default(&g->axis[SP_BOX], 2.2)
        || set_default(&g->axis[SP_N], 64) || set_default(&g->axis[SP_NONLINEARITY], GRIDFORM_NL_RELU)
        || set_default(&g->axis[SP_COUPLING], GRIDFORM_COUPLING_INDEPENDENT)
        || set_default(&g->axis[SP_INTEGRATOR], GRIDFORM_INTEGRATOR_ETD))
        return fail(err, len, "out of memory");
    g->axis[SP_SEED].value = malloc(seeds * sizeof(double));
    if (g->axis[SP_SEED].value == NULL)
        return fail(err, len, "out of memory");
    for (size_t s = 0; s < seeds; s++)
        g->axis[SP_SEED].value[s] = (double)(s + 1);
    g->axis[SP_SEED].count = seeds;
    if ((rc = check_values(g, err, len)) != 0)
        return rc;

    double total = 1;
    for (int p = 0; p < SP_COUNT; p++)
        total *= (double)g->axis[p].count;
    if (total > MAX_TASKS)
        return fail(err, len, "the grid has %.3g tasks, more than %.0e", total, MAX_TASKS);
    g->ntasks = (uint64_t)total;

    if (o->plot == NULL && (plot_x || plot_y || plot_metric))
        return fail(err, len, "--plot-x, --plot-y and --plot-metric need --plot FILE.svg");
    o->plot_x = SP_SIGMA;
    o->plot_y = SP_SURROUND;
    o->plot_metric = SM_SCORE60;
    if (plot_x && (o->plot_x = sweep_param_lookup(plot_x)) < 0)
        return fail(err, len, "--plot-x: '%s' is not a swept parameter", plot_x);
    if (plot_y && (o->plot_y = sweep_param_lookup(plot_y)) < 0)
        return fail(err, len, "--plot-y: '%s' is not a swept parameter", plot_y);
    if (plot_metric && (o->plot_metric = sweep_metric_lookup(plot_metric)) < 0)
        return fail(err, len, "--plot-metric: unknown metric '%s' (try --help)", plot_metric);
    if (o->plot && o->plot_x == o->plot_y)
        return fail(err, len, "--plot-x and --plot-y are both '%s'", sweep_param_name(o->plot_x));
    return SWEEP_EXIT_OK;
}
