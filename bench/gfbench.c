/* gfbench: the C side of libgridform's benchmarks (issue 6).
 *
 * Driven by bench/run.py (`make bench`), which prints the one table.  Each
 * subcommand measures one thing and prints "key=value" lines for the driver.
 * Built only by `make bench`, never by `make check`.
 *
 *   gfbench learner  a learner kept alive between commands read from stdin,
 *                    so that C and the NumPy reference can be timed A B A B
 *                    from the same maps; it also times the step's floor
 *   gfbench hex      time to hexagons: learning until 90% of the maps score
 *                    above 0.37
 *   gfbench score    score the maps of an .npy file, timed
 *   gfbench mem      peak resident size of one learner, in a fresh process
 *
 * The floor ("floor R" in learner mode) repeats the step's own FFTW and BLAS
 * calls in isolation: the same batched plans (made in the same process with
 * the same flags and thread count after the learner made its own, so FFTW's
 * accumulated wisdom gives back the same algorithm) and the same BLAS calls
 * on arrays of the same shapes. */
#include "config.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <pthread.h>
#include <fftw3.h>
#include <cblas.h>
#include "gridform.h"

#if defined(__GNUC__)
#  define BENCH_NORETURN __attribute__((noreturn, format(printf, 1, 2)))
#else
#  define BENCH_NORETURN
#endif

static void die(const char *fmt, ...) BENCH_NORETURN;
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gfbench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void check(int rc, const char *what)
{
    if (rc != GRIDFORM_OK)
        die("%s: %s (%s)", what, gridform_strerror(rc), gridform_last_error());
}

/* Wall time, or with GFBENCH_CLOCK=cpu the process's CPU time: on a
 * machine shared with other jobs the CPU time of one thread hardly moves
 * when the process is preempted, so it is the steadier measure while
 * developing (the table reports wall time). */
static clockid_t bench_clock = CLOCK_MONOTONIC;

static double now(void)
{
    struct timespec ts;
    clock_gettime(bench_clock, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void *xmalloc(size_t bytes)
{
    void *p = fftw_malloc(bytes ? bytes : 1);
    if (p == NULL)
        die("out of memory (%zu bytes)", bytes);
    return p;
}

/* Peak resident set size of this process in bytes (Linux: ru_maxrss in KiB). */
static double peak_rss_bytes(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return NAN;
    return 1024.0 * (double)ru.ru_maxrss;
}

/* Reset the process's resident high-water mark (Linux >= 4.0): 1 on success. */
static int reset_peak_rss(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f == NULL)
        return 0;
    int ok = fputs("5", f) >= 0;
    ok = (fclose(f) == 0) && ok;
    return ok;
}

/* VmHWM of /proc/self/status in bytes (NaN if absent). */
static double vm_hwm_bytes(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double v = NAN;
    if (f == NULL)
        return NAN;
    while (fgets(line, sizeof line, f) != NULL) {
        long kb;
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) {
            v = 1024.0 * (double)kb;
            break;
        }
    }
    fclose(f);
    return v;
}

static double current_rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (f == NULL)
        return NAN;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
        resident = -1;
    fclose(f);
    return resident < 0 ? NAN : (double)resident * 4096.0;
}

static void set_blas_threads(int n)
{
#ifdef HAVE_OPENBLAS_SET_NUM_THREADS
    openblas_set_num_threads(n);
#else
    (void)n;
#endif
}

/* ---- options ------------------------------------------------------------*/

typedef struct {
    size_t n, ng;
    double box, sigma, surround, dt, amplitude, budget;
    int coupling, integrator, threads, blas_threads, planning, precision, step_control;
    double truncation;   /* < 0: the learner's default */
    uint64_t seed;
    size_t every, dense, max_steps;
    const char *dir, *start, *input;
    double threshold, fraction;
} options;

static void usage(FILE *f)
{
    fputs("usage: gfbench learner|hex|score|mem|info|cpus [options]\n"
          "  --n N             grid points per side (64)\n"
          "  --ng NG           number of maps (64)\n"
          "  --box L           periodic box side, metres (4.4 n/64)\n"
          "  --sigma S         DoG width, metres (0.12)\n"
          "  --surround S      DoG variance ratio (2)\n"
          "  --coupling C      independent | sanger (independent)\n"
          "  --integrator I    euler | exponential | etd (euler)\n"
          "  --dt DT           step (0: the learner's default)\n"
          "  --threads T       learner threads (gridform_learner_set_threads) (1)\n"
          "  --blas-threads B  OpenBLAS threads (default: T)\n"
          "  --planning P      estimate | measure | patient FFTW plans (measure)\n"
          "  --precision P     double | single: the learner's working precision (double)\n"
          "  --truncation E    spectral truncation epsilon (default: the precision's)\n"
          "  --step-control C  on | off: the learner's automatic step control (on)\n"
          "  --seed S          seed of the initial maps (1)\n"
          "  --dir D           learner: write spectrum.npy, maps0.npy there\n"
          "  --start F         hex: initial maps .npy (else seeded)\n"
          "  --dense D         hex: score after each of the first D steps (40)\n"
          "  --every K         hex: then score every K steps (5)\n"
          "  --max-steps M     hex: give up after M steps (200000)\n"
          "  --budget S        hex: give up after S seconds of learning (60)\n"
          "  --input F         score: maps .npy (n, ny, nx)\n"
          "learner mode reads commands from stdin: 'step K' (K steps, each timed),\n"
          "'run K' (K steps timed together), 'save F', 'load F', 'floor R', 'quit';\n"
          "each answers one line.\n", f);
}

static size_t parse_size(const char *s, const char *what)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || s[0] == '-' || end == s)
        die("%s must be a nonnegative integer, got '%s'", what, s);
    return (size_t)v;
}

static double parse_double(const char *s, const char *what)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || end == s || !isfinite(v))
        die("%s must be a finite number, got '%s'", what, s);
    return v;
}

static void parse_options(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->n = 64;
    o->ng = 64;
    o->box = 0;
    o->sigma = 0.12;
    o->surround = 2.0;
    o->coupling = GRIDFORM_COUPLING_INDEPENDENT;
    o->integrator = GRIDFORM_INTEGRATOR_EULER;
    o->threads = 1;
    o->blas_threads = 0;
    o->planning = GRIDFORM_PLAN_MEASURE;
    o->precision = GRIDFORM_PRECISION_DOUBLE;
    o->truncation = -1.0;
    o->step_control = 1;
    o->seed = 1;
    o->every = 5;
    o->dense = 40;
    o->max_steps = 200000;
    o->budget = 60;
    o->amplitude = 1.0;
    o->threshold = 0.37;
    o->fraction = 0.9;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            exit(0);
        }
        if (i + 1 >= argc)
            die("option %s needs a value (see --help)", a);
        const char *v = argv[++i];
        if (!strcmp(a, "--n")) o->n = parse_size(v, a);
        else if (!strcmp(a, "--ng")) o->ng = parse_size(v, a);
        else if (!strcmp(a, "--box")) o->box = parse_double(v, a);
        else if (!strcmp(a, "--sigma")) o->sigma = parse_double(v, a);
        else if (!strcmp(a, "--surround")) o->surround = parse_double(v, a);
        else if (!strcmp(a, "--dt")) o->dt = parse_double(v, a);
        else if (!strcmp(a, "--threads")) o->threads = (int)parse_size(v, a);
        else if (!strcmp(a, "--blas-threads")) o->blas_threads = (int)parse_size(v, a);
        else if (!strcmp(a, "--seed")) o->seed = parse_size(v, a);
        else if (!strcmp(a, "--every")) o->every = parse_size(v, a);
        else if (!strcmp(a, "--dense")) o->dense = parse_size(v, a);
        else if (!strcmp(a, "--max-steps")) o->max_steps = parse_size(v, a);
        else if (!strcmp(a, "--budget")) o->budget = parse_double(v, a);
        else if (!strcmp(a, "--dir")) o->dir = v;
        else if (!strcmp(a, "--start")) o->start = v;
        else if (!strcmp(a, "--input")) o->input = v;
        else if (!strcmp(a, "--truncation")) o->truncation = parse_double(v, a);
        else if (!strcmp(a, "--step-control")) {
            if (!strcmp(v, "on")) o->step_control = 1;
            else if (!strcmp(v, "off")) o->step_control = 0;
            else die("--step-control must be on or off, got '%s'", v);
        }
        else if (!strcmp(a, "--precision")) {
            if (!strcmp(v, "double")) o->precision = GRIDFORM_PRECISION_DOUBLE;
            else if (!strcmp(v, "single")) o->precision = GRIDFORM_PRECISION_SINGLE;
            else die("--precision must be double or single, got '%s'", v);
        }
        else if (!strcmp(a, "--planning")) {
            if (!strcmp(v, "estimate")) o->planning = GRIDFORM_PLAN_ESTIMATE;
            else if (!strcmp(v, "measure")) o->planning = GRIDFORM_PLAN_MEASURE;
            else if (!strcmp(v, "patient")) o->planning = GRIDFORM_PLAN_PATIENT;
            else die("--planning must be estimate, measure or patient, got '%s'", v);
        } else if (!strcmp(a, "--coupling")) {
            if (!strcmp(v, "independent")) o->coupling = GRIDFORM_COUPLING_INDEPENDENT;
            else if (!strcmp(v, "sanger")) o->coupling = GRIDFORM_COUPLING_SANGER;
            else die("--coupling must be independent or sanger, got '%s'", v);
        } else if (!strcmp(a, "--integrator")) {
            if (!strcmp(v, "euler")) o->integrator = GRIDFORM_INTEGRATOR_EULER;
            else if (!strcmp(v, "exponential")) o->integrator = GRIDFORM_INTEGRATOR_EXPONENTIAL;
            else if (!strcmp(v, "etd")) o->integrator = GRIDFORM_INTEGRATOR_ETD;
            else die("--integrator must be euler, exponential or etd, got '%s'", v);
        } else
            die("unknown option '%s' (see --help)", a);
    }
    if (o->n < 4 || o->ng < 1 || o->threads < 1 || o->every < 1)
        die("need --n >= 4, --ng >= 1, --threads >= 1, --every >= 1");
    if (o->box == 0)
        o->box = 4.4 * (double)o->n / 64.0;
    if (o->box <= 0 || o->sigma <= 0 || o->surround <= 1 || o->dt < 0)
        die("need --box > 0, --sigma > 0, --surround > 1, --dt >= 0");
}

/* ---- the learner under test --------------------------------------------*/

typedef struct {
    gridform_arena *arena;
    gridform_placecode *pc;
    gridform_kernel *kernel;
    gridform_learner *l;
    size_t npoints, nfreq, kept;
    double dA, dt, euler_limit;
} setup;

/* The arena, place code and kernel (setup_kernel), then the learner
 * (setup_learner); setup_make does both. */
static void setup_kernel(setup *s, const options *o)
{
    memset(s, 0, sizeof *s);
    set_blas_threads(o->blas_threads > 0 ? o->blas_threads : o->threads);
    check(gridform_arena_create(&s->arena, o->box, o->box, o->n, o->n, GRIDFORM_PERIODIC),
          "gridform_arena_create");
    check(gridform_placecode_create(&s->pc, s->arena, GRIDFORM_TUNING_DOG, o->sigma, o->surround,
                                    o->n * o->n, GRIDFORM_CENTERS_LATTICE, o->seed),
          "gridform_placecode_create");
    check(gridform_kernel_create(&s->kernel, s->pc, GRIDFORM_KERNEL_FOURIER), "gridform_kernel_create");
    check(gridform_arena_get_nfreq(s->arena, &s->nfreq), "gridform_arena_get_nfreq");
    check(gridform_arena_get_spacing(s->arena, NULL, NULL, &s->dA), "gridform_arena_get_spacing");
    s->npoints = o->n * o->n;
}

static void setup_learner(setup *s, const options *o, size_t ng)
{
    check(gridform_learner_create(&s->l, s->kernel, ng), "gridform_learner_create");
    check(gridform_learner_set_precision(s->l, o->precision), "gridform_learner_set_precision");
    if (o->truncation >= 0)
        check(gridform_learner_set_truncation(s->l, o->truncation), "gridform_learner_set_truncation");
    check(gridform_learner_get_truncation(s->l, NULL, &s->kept), "gridform_learner_get_truncation");
    check(gridform_learner_set_step_control(s->l, o->step_control), "gridform_learner_set_step_control");
    check(gridform_learner_set_threads(s->l, o->threads), "gridform_learner_set_threads");
    check(gridform_learner_set_planning(s->l, o->planning), "gridform_learner_set_planning");
    check(gridform_learner_set_nonlinearity(s->l, GRIDFORM_NL_RELU, 0.0), "set_nonlinearity");
    check(gridform_learner_set_coupling(s->l, o->coupling), "set_coupling");
    check(gridform_learner_set_integrator(s->l, o->integrator), "set_integrator");
    if (o->dt > 0)
        check(gridform_learner_set_step(s->l, o->dt), "set_step");
    check(gridform_learner_get_step(s->l, &s->dt), "get_step");
    check(gridform_learner_get_euler_limit(s->l, &s->euler_limit), "get_euler_limit");
    check(gridform_learner_seed(s->l, o->seed, o->amplitude), "gridform_learner_seed");
}

static void setup_make(setup *s, const options *o, size_t ng)
{
    setup_kernel(s, o);
    setup_learner(s, o, ng);
}

static void setup_free(setup *s)
{
    gridform_learner_destroy(s->l);
    gridform_kernel_destroy(s->kernel);
    gridform_placecode_destroy(s->pc);
    gridform_arena_destroy(s->arena);
}

static void write_npy3(const char *path, const double *a, size_t d0, size_t d1, size_t d2)
{
    size_t shape[3] = {d0, d1, d2};
    check(gridform_npy_write(path, a, 3, shape), path);
}

/* Read an .npy of exactly count doubles (any shape) into a. */
static void read_npy_exact(const char *path, double *a, size_t count)
{
    size_t ndim, shape[GRIDFORM_NPY_MAX_DIMS], total = 1;
    check(gridform_npy_read(path, NULL, 0, &ndim, shape), path);
    for (size_t i = 0; i < ndim; i++)
        total *= shape[i];
    if (total != count)
        die("%s holds %zu values, expected %zu", path, total, count);
    check(gridform_npy_read(path, a, count, &ndim, shape), path);
}

/* ---- the floor: the step's FFTW and BLAS calls in isolation -------------*/

typedef struct {
    double fft, blas, fft_min, blas_min, fft_batched;
} floor_times;

static unsigned plan_flags(int planning)
{
    return planning == GRIDFORM_PLAN_PATIENT ? FFTW_PATIENT
         : planning == GRIDFORM_PLAN_MEASURE ? FFTW_MEASURE : FFTW_ESTIMATE;
}

/* measure_floor (double) and measure_floor_single (fftwf, ssyrk, strmm:
 * the floor of a GRIDFORM_PRECISION_SINGLE step), from one template. */
#define GF_FLOOR_FN measure_floor
#define GF_FLOOR_R double
#define GF_FLOOR_X(x) fftw_##x
#define GF_FLOOR_SYRK cblas_dsyrk
#define GF_FLOOR_TRMM cblas_dtrmm
#ifdef HAVE_FFTW3_THREADS
#define GF_FLOOR_THREADS 1
#endif
#include "gfbench_floor.h"

#define GF_FLOOR_FN measure_floor_single
#define GF_FLOOR_R float
#define GF_FLOOR_X(x) fftwf_##x
#define GF_FLOOR_SYRK cblas_ssyrk
#define GF_FLOOR_TRMM cblas_strmm
#ifdef HAVE_FFTW3F_THREADS
#define GF_FLOOR_THREADS 1
#endif
#include "gfbench_floor.h"

/* ---- learner mode ---------------------------------------------------------*/

static int cmd_learner(const options *o)
{
    setup s;
    setup_make(&s, o, o->ng);
    const size_t total = o->ng * s.npoints;
    double *buf = xmalloc(total * sizeof(double));
    if (o->dir != NULL) {
        char path[4096];
        double *spec = xmalloc(s.nfreq * sizeof(double));
        check(gridform_kernel_spectrum(s.kernel, spec), "gridform_kernel_spectrum");
        snprintf(path, sizeof path, "%s/spectrum.npy", o->dir);
        size_t shape[2] = {o->n, o->n / 2 + 1};
        check(gridform_npy_write(path, spec, 2, shape), path);
        fftw_free(spec);
        check(gridform_learner_get_maps(s.l, buf), "gridform_learner_get_maps");
        snprintf(path, sizeof path, "%s/maps0.npy", o->dir);
        write_npy3(path, buf, o->ng, o->n, o->n);
    }
    printf("ready dt=%.17g euler_limit=%.17g dA=%.17g lx=%.17g ly=%.17g n=%zu ng=%zu threads=%d "
           "precision=%s kept=%zu nfreq=%zu\n", s.dt, s.euler_limit, s.dA, o->box, o->box, o->n, o->ng,
           o->threads, o->precision == GRIDFORM_PRECISION_SINGLE ? "single" : "double", s.kept, s.nfreq);
    fflush(stdout);

    char line[4200];
    while (fgets(line, sizeof line, stdin) != NULL) {
        char cmd[32], arg[4096];
        arg[0] = '\0';
        if (sscanf(line, "%31s %4095s", cmd, arg) < 1)
            continue;
        if (!strcmp(cmd, "quit")) {
            break;
        } else if (!strcmp(cmd, "step")) {
            size_t k = parse_size(arg, "step count");
            printf("times");
            for (size_t i = 0; i < k; i++) {
                double t0 = now();
                check(gridform_learner_iterate(s.l, 1), "gridform_learner_iterate");
                printf(" %.9g", now() - t0);
            }
            printf("\n");
        } else if (!strcmp(cmd, "run")) {
            /* k steps in one call, timed as a whole */
            size_t k = parse_size(arg, "step count");
            double t0 = now();
            int rc = gridform_learner_iterate(s.l, k);
            double t = now() - t0;
            printf("elapsed seconds=%.9g status=%s\n", t, rc == GRIDFORM_OK ? "ok" : gridform_strerror(rc));
        } else if (!strcmp(cmd, "save")) {
            check(gridform_learner_get_maps(s.l, buf), "gridform_learner_get_maps");
            write_npy3(arg, buf, o->ng, o->n, o->n);
            printf("saved %s\n", arg);
        } else if (!strcmp(cmd, "load")) {
            read_npy_exact(arg, buf, total);
            check(gridform_learner_set_maps(s.l, buf), "gridform_learner_set_maps");
            printf("loaded %s\n", arg);
        } else if (!strcmp(cmd, "floor")) {
            size_t reps = parse_size(arg, "floor repetitions");
            floor_times ft = o->precision == GRIDFORM_PRECISION_SINGLE ? measure_floor_single(o, reps ? reps : 1, s.kept)
                                                                         : measure_floor(o, reps ? reps : 1, s.kept);
            printf("floor fft=%.9g blas=%.9g fft_min=%.9g blas_min=%.9g fft_batched=%.9g\n",
                   ft.fft, ft.blas, ft.fft_min, ft.blas_min, ft.fft_batched);
        } else {
            printf("error unknown command '%s'\n", cmd);
        }
        fflush(stdout);
    }
    fftw_free(buf);
    setup_free(&s);
    return 0;
}

/* ---- time to hexagons ---------------------------------------------------*/

static int cmd_hex(const options *o)
{
    setup s;
    setup_make(&s, o, o->ng);
    const size_t total = o->ng * s.npoints;
    double *buf = xmalloc(total * sizeof(double));
    double *g60 = xmalloc(o->ng * sizeof(double));
    gridform_scorer *sc;
    /* Scored as recorded maps are (walled SAC, Banino annuli), as the
     * reference implementation in bench/reference scores them. */
    gridform_arena *wa;
    check(gridform_arena_create(&wa, o->box, o->box, o->n, o->n, GRIDFORM_WALLED), "gridform_arena_create");
    check(gridform_scorer_create(&sc, wa), "gridform_scorer_create");
    gridform_arena_destroy(wa);
    if (o->start != NULL) {
        read_npy_exact(o->start, buf, total);
        check(gridform_learner_set_maps(s.l, buf), "gridform_learner_set_maps");
    }
    double learn = 0, scoring = 0, frac = 0;
    size_t steps = 0;
    int rc = GRIDFORM_OK, reached = 0;
    while (steps < o->max_steps && learn < o->budget) {
        /* score after every step at first, then every `every` steps */
        size_t k = steps < o->dense ? 1 : o->every;
        double t0 = now();
        rc = gridform_learner_iterate(s.l, k);
        learn += now() - t0;
        if (rc != GRIDFORM_OK)
            break;
        steps += k;
        t0 = now();
        check(gridform_learner_get_maps(s.l, buf), "gridform_learner_get_maps");
        int src = gridform_scorer_score(sc, buf, o->ng, g60, NULL, NULL, NULL);
        if (src != GRIDFORM_OK && src != GRIDFORM_EUNDEFINED)
            check(src, "gridform_scorer_score");
        size_t above = 0;
        for (size_t m = 0; m < o->ng; m++)
            above += g60[m] > o->threshold; /* NaN (undefined) never counts */
        frac = (double)above / (double)o->ng;
        scoring += now() - t0;
        if (frac >= o->fraction) {
            reached = 1;
            break;
        }
    }
    printf("hex reached=%d steps=%zu seconds=%.9g score_seconds=%.9g fraction=%.6g dt=%.17g "
           "status=%s\n", reached, steps, learn, scoring, frac, s.dt,
           rc == GRIDFORM_OK ? "ok" : gridform_strerror(rc));
    gridform_scorer_destroy(sc);
    fftw_free(g60);
    fftw_free(buf);
    setup_free(&s);
    return 0;
}

/* ---- scoring -------------------------------------------------------------*/

static int cmd_score(const options *o)
{
    size_t ndim, shape[GRIDFORM_NPY_MAX_DIMS];
    if (o->input == NULL)
        die("score needs --input maps.npy");
    check(gridform_npy_read(o->input, NULL, 0, &ndim, shape), o->input);
    if (ndim != 3)
        die("%s: expected shape (n, ny, nx)", o->input);
    size_t nm = shape[0], ny = shape[1], nx = shape[2];
    double *maps = xmalloc(nm * ny * nx * sizeof(double));
    double *g60 = xmalloc(nm * sizeof(double));
    check(gridform_npy_read(o->input, maps, nm * ny * nx, &ndim, shape), o->input);
    gridform_scorer *sc;
    gridform_arena *wa;
    check(gridform_arena_create(&wa, o->box, o->box, nx, ny, GRIDFORM_WALLED), "gridform_arena_create");
    double t0 = now();
    check(gridform_scorer_create(&sc, wa), "gridform_scorer_create");
    gridform_arena_destroy(wa);
    double t1 = now();
    int rc = gridform_scorer_score(sc, maps, nm, g60, NULL, NULL, NULL);
    double t2 = now();
    if (rc != GRIDFORM_OK && rc != GRIDFORM_EUNDEFINED)
        check(rc, "gridform_scorer_score");
    printf("score maps=%zu create_seconds=%.9g score_seconds=%.9g\n", nm, t1 - t0, t2 - t1);
    for (size_t m = 0; m < nm; m++)
        printf("%.17g\n", g60[m]);
    gridform_scorer_destroy(sc);
    fftw_free(maps);
    fftw_free(g60);
    return 0;
}

/* ---- memory ----------------------------------------------------------------*/

static int cmd_mem(const options *o)
{
    /* Everything the learner does not need (arena, kernel) is made first and
     * measured as the baseline, with the libraries already mapped.  The
     * kernel's own transient (its place-code matrix at 256^2 is larger than
     * the learner) must not count as the learner's peak: on Linux the
     * high-water mark is reset after it (clear_refs 5, Linux >= 4.0) and
     * read back as VmHWM; elsewhere the peak is the process's. */
    setup s;
    setup_kernel(&s, o);
    int hwm = reset_peak_rss();
    double base = current_rss_bytes();
    setup_learner(&s, o, o->ng);
    check(gridform_learner_iterate(s.l, 3), "gridform_learner_iterate");
    double peak = hwm ? vm_hwm_bytes() : peak_rss_bytes();
    /* The data an Euler step needs.  INDEPENDENT: the maps G and the new
     * maps G' (each map's spectrum can live in a one-map scratch); SANGER:
     * G, the batch of half spectra (M needs every map's spectrum before any
     * map can be corrected) and the corrected spectra (the correction needs
     * the uncorrected ones for the per-bin term; the weighted copy dsyrk
     * reads lives chunk by chunk in this buffer before the correction).
     * Both: Sigma~ and the ng x ng coupling matrix. */
    double word = o->precision == GRIDFORM_PRECISION_SINGLE ? 4.0 : 8.0;
    double maps = (double)o->ng * (double)s.npoints * word;
    double spectra = (double)o->ng * (double)s.nfreq * 2.0 * word;
    double need = (double)s.nfreq * 8.0 + (double)o->ng * (double)o->ng * 8.0;
    if (o->coupling == GRIDFORM_COUPLING_INDEPENDENT)
        need += 2.0 * maps + (double)s.nfreq * 16.0 * (double)o->threads;
    else
        need += maps + 2.0 * spectra;
    printf("mem n=%zu ng=%zu peak_rss=%.0f base_rss=%.0f need=%.0f maps=%.0f\n", o->n, o->ng,
           peak, base, need, maps);
    setup_free(&s);
    return 0;
}

/* ---- how many CPUs two threads really get --------------------------------
 * On a shared machine (other jobs, or a scheduler that shares CPU time
 * between users) two threads may not get two CPUs; the thread speed-up
 * means nothing without this number beside it. */

static void *spin_thread(void *arg)
{
    volatile double x = 1.0;
    double stop = now() + 0.4;
    while (now() < stop)
        for (int i = 0; i < 100000; i++)
            x = x * 1.0000001 + 1e-9;
    *(double *)arg = x;
    return NULL;
}

static int cmd_cpus(void)
{
    struct timespec c0, c1;
    pthread_t t[2];
    double r[2];
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    double w0 = now();
    for (int i = 0; i < 2; i++)
        if (pthread_create(&t[i], NULL, spin_thread, &r[i]) != 0)
            die("cannot start a thread");
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    double wall = now() - w0;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    double cpu = (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec);
    printf("cpus two_threads=%.3f\n", cpu / wall);
    return 0;
}

/* ---- the machine, for the table's header ---------------------------------*/

static int cmd_info(void)
{
    printf("info libgridform=%s fftw=%s", gridform_version_string(), fftw_version);
#ifdef HAVE_OPENBLAS_SET_NUM_THREADS
    printf(" openblas_config=%s", openblas_get_config());
#endif
    printf("\n");
    return 0;
}

int main(int argc, char **argv)
{
    options o;
    const char *clk = getenv("GFBENCH_CLOCK");
    if (clk != NULL && !strcmp(clk, "cpu"))
        bench_clock = CLOCK_PROCESS_CPUTIME_ID;
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "info"))
        return cmd_info();
    if (!strcmp(argv[1], "cpus"))
        return cmd_cpus();
    parse_options(argc, argv, &o);
    if (!strcmp(argv[1], "learner")) return cmd_learner(&o);
    if (!strcmp(argv[1], "hex")) return cmd_hex(&o);
    if (!strcmp(argv[1], "score")) return cmd_score(&o);
    if (!strcmp(argv[1], "mem")) return cmd_mem(&o);
    die("unknown subcommand '%s' (see --help)", argv[1]);
}
