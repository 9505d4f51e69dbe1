/* score_bench: libgridform's scorer against the NumPy/SciPy reference
 * (bench/reference/gridness.py), for agreement and for speed.
 *
 *   score_bench [--agree N] [--maps N] [--ref-maps K] [--rounds R] [--size n]
 *               [--python PATH] [--reference PATH] [--tmp DIR]
 *
 * 1. Agreement: N varied maps (hexagonal, rectified or not, square, stripes,
 *    smoothed noise, mixtures; spacing 0.3-1.0 m in a 2.2 m box; noise;
 *    scattered NaN bins and unvisited discs) scored by both; prints the
 *    largest and mean |d score60| and |d score90| over the maps both define.
 * 2. Speed: M maps of n x n with NaN holes.  The C scorer scores all M;
 *    the reference, far slower, scores the first K (its time per map is its
 *    own timer around the scoring loop, so Python's start-up is excluded).
 *    C and Python alternate (A B A B ...) for R rounds; medians are printed.
 *    Both run in one process each on one core (FFTW plans single-threaded;
 *    the reference's correlate2d and ndimage.rotate are single-threaded).
 *
 * The reference is run with --sac direct (its definition: direct
 * correlation) and, for a fairer speed comparison, --sac fft as well. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <gridform.h>

#ifndef GRIDFORM_SRCDIR
#define GRIDFORM_SRCDIR "."
#endif
#define PI 3.14159265358979323846

static uint64_t rng_s = 0x5EEDull;
static double urand(void)
{
    uint64_t z = (rng_s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}
static double nrand(void)
{
    double u = urand(), v = urand();
    return sqrt(-2 * log(u + 1e-300)) * cos(2 * PI * v);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* One varied map of n x n bins over a box of L metres. */
static void make_map(double *m, size_t n, double L, size_t kind, int holes)
{
    double a = 0.3 + 0.7 * urand(), k = 4 * PI / (sqrt(3.0) * a), th = urand() * PI;
    double ph[4] = {6 * urand(), 6 * urand(), 6 * urand(), 6 * urand()};
    double noise = urand() * urand() * 1.5;
    int relu = urand() < 0.5;
    static double w[256 * 256], t[256 * 256];
    if (kind == 4) {
        /* Smoothed white noise: separable Gaussian of 1.5-4 bins. */
        double sg = 1.5 + 2.5 * urand();
        long r = (long)ceil(3 * sg);
        for (size_t i = 0; i < n * n; i++)
            w[i] = nrand();
        for (size_t iy = 0; iy < n; iy++)
            for (size_t ix = 0; ix < n; ix++) {
                double s = 0;
                for (long d = -r; d <= r; d++) {
                    long x = (long)ix + d;
                    if (x >= 0 && x < (long)n) s += exp(-0.5 * (double)(d * d) / (sg * sg)) * w[iy * n + (size_t)x];
                }
                t[iy * n + ix] = s;
            }
        for (size_t iy = 0; iy < n; iy++)
            for (size_t ix = 0; ix < n; ix++) {
                double s = 0;
                for (long d = -r; d <= r; d++) {
                    long y = (long)iy + d;
                    if (y >= 0 && y < (long)n) s += exp(-0.5 * (double)(d * d) / (sg * sg)) * t[(size_t)y * n + ix];
                }
                m[iy * n + ix] = s;
            }
    } else {
        for (size_t iy = 0; iy < n; iy++)
            for (size_t ix = 0; ix < n; ix++) {
                double x = -L / 2 + ((double)ix + 0.5) * L / (double)n;
                double y = -L / 2 + ((double)iy + 0.5) * L / (double)n;
                double g = 0;
                if (kind == 0 || kind == 1 || kind == 5) {
                    for (int j = 0; j < 3; j++) {
                        double an = th + j * 2 * PI / 3;
                        /* kind 5: a sheared lattice (one wave 10% longer) */
                        double kj = (kind == 5 && j == 0) ? 1.1 * k : k;
                        g += cos(kj * (cos(an) * x + sin(an) * y) + ph[j]);
                    }
                    if (kind == 5)
                        g += 0.8 * cos(0.7 * k * (cos(th + 0.4) * x + sin(th + 0.4) * y) + ph[3]);
                } else if (kind == 2) {
                    for (int j = 0; j < 2; j++)
                        g += cos(k * (cos(th + j * PI / 2) * x + sin(th + j * PI / 2) * y) + ph[j]);
                } else {
                    g = cos(k * (cos(th) * x + sin(th) * y) + ph[0]);
                }
                if (relu && g < 0)
                    g = 0;
                m[iy * n + ix] = g + noise * (kind == 1 ? 2 : 1) * nrand();
            }
    }
    if (holes) {
        double frac = 0.02 + 0.13 * urand();
        for (size_t i = 0; i < n * n; i++)
            if (urand() < frac)
                m[i] = NAN;
        if (urand() < 0.3) {
            double cx = urand() * (double)n, cy = urand() * (double)n, r = 3 + 5 * urand();
            for (size_t iy = 0; iy < n; iy++)
                for (size_t ix = 0; ix < n; ix++)
                    if (hypot((double)ix - cx, (double)iy - cy) < r)
                        m[iy * n + ix] = NAN;
        }
    }
}

/* Runs the reference; returns its seconds per map, or -1. */
static double run_reference(const char *py, const char *ref, const char *maps, const char *out, size_t limit,
                            const char *sac, int order)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 '%s' '%s' '%s' --box 2.2 --sac %s --order %d --limit %zu%s%s",
             py, ref, maps, sac, order, limit, out ? " --out " : "", out ? out : "");
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return -1;
    double t = -1;
    if (fscanf(p, "%lf", &t) != 1)
        t = -1;
    if (pclose(p) != 0)
        return -1;
    return t;
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmpd);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(int argc, char **argv)
{
    size_t nagree = 500, nmaps = 4096, nref = 32, rounds = 3, n = 50;
    const char *py = getenv("PYTHON") ? getenv("PYTHON") : "/usr/bin/python3";
    const char *ref = GRIDFORM_SRCDIR "/bench/reference/gridness.py";
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: score_bench [--agree N] [--maps N] [--ref-maps K] [--rounds R] [--size n]\n"
                   "                   [--python PATH] [--reference PATH] [--tmp DIR]\n"
                   "defaults: 500 maps for agreement, 4096 timed maps of 50 x 50, the reference timed on\n"
                   "32 of them, 3 alternating rounds, /usr/bin/python3 ($PYTHON)\n");
            return 0;
        }
        if (v == NULL) {
            fprintf(stderr, "score_bench: %s needs a value\n", argv[i]);
            return 2;
        }
        if (!strcmp(argv[i], "--agree")) nagree = strtoul(v, NULL, 10);
        else if (!strcmp(argv[i], "--maps")) nmaps = strtoul(v, NULL, 10);
        else if (!strcmp(argv[i], "--ref-maps")) nref = strtoul(v, NULL, 10);
        else if (!strcmp(argv[i], "--rounds")) rounds = strtoul(v, NULL, 10);
        else if (!strcmp(argv[i], "--size")) n = strtoul(v, NULL, 10);
        else if (!strcmp(argv[i], "--python")) py = v;
        else if (!strcmp(argv[i], "--reference")) ref = v;
        else if (!strcmp(argv[i], "--tmp")) tmp = v;
        else {
            fprintf(stderr, "score_bench: unknown option %s\n", argv[i]);
            return 2;
        }
        i++;
    }
    if (n < 8 || n > 256 || nmaps < 1 || nref < 1 || rounds < 1 || nref > nmaps) {
        fprintf(stderr, "score_bench: bad sizes (8 <= size <= 256, 1 <= ref-maps <= maps, rounds >= 1)\n");
        return 2;
    }
    const double L = 2.2;
    char agree_npy[1024], agree_out[1024], time_npy[1024];
    snprintf(agree_npy, sizeof agree_npy, "%s/score_bench_agree.%ld.npy", tmp, (long)getpid());
    snprintf(agree_out, sizeof agree_out, "%s/score_bench_ref.%ld.npy", tmp, (long)getpid());
    snprintf(time_npy, sizeof time_npy, "%s/score_bench_time.%ld.npy", tmp, (long)getpid());

    gridform_scorer *s = NULL;
    gridform_arena *arena = NULL;   /* walled: recorded maps, as the reference scores them */
    int arc = gridform_arena_create(&arena, L, L, n, n, GRIDFORM_WALLED);
    if (arc == GRIDFORM_OK)
        arc = gridform_scorer_create(&s, arena);
    gridform_arena_destroy(arena);
    if (arc != GRIDFORM_OK) {
        fprintf(stderr, "score_bench: %s\n", gridform_last_error());
        return 1;
    }
    int status = 0;
    printf("score_bench: libgridform %s, maps of %zu x %zu in a %.1f m box, one core\n",
           gridform_version_string(), n, n, L);

    /* ---- 1. agreement ---- */
    if (nagree > 0) {
        size_t shape[3] = {nagree, n, n};
        double *maps = malloc(nagree * n * n * sizeof *maps), *c = malloc(4 * nagree * sizeof *c);
        double *r = malloc(2 * nagree * sizeof *r);
        for (size_t m = 0; m < nagree; m++)
            make_map(maps + m * n * n, n, L, m % 6, m % 4 != 0);
        if (gridform_npy_write(agree_npy, maps, 3, shape) != GRIDFORM_OK) {
            fprintf(stderr, "score_bench: %s\n", gridform_last_error());
            return 1;
        }
        int rc = gridform_scorer_score(s, maps, nagree, c, c + nagree, NULL, NULL);
        if (rc != GRIDFORM_OK && rc != GRIDFORM_EUNDEFINED) {
            fprintf(stderr, "score_bench: %s\n", gridform_scorer_last_error(s));
            return 1;
        }
        fprintf(stderr, "score_bench: the reference is scoring %zu maps (direct SAC; minutes)...\n", nagree);
        double t = run_reference(py, ref, agree_npy, agree_out, nagree, "direct", 1);
        size_t nd, sh[8];
        if (t < 0 || gridform_npy_read(agree_out, r, 2 * nagree, &nd, sh) != GRIDFORM_OK) {
            fprintf(stderr, "score_bench: the reference failed (%s %s)\n", py, ref);
            return 1;
        }
        double max60 = 0, sum60 = 0, max90 = 0, sum90 = 0;
        size_t both = 0, mismatch = 0, worst = 0, above = 0;
        for (size_t m = 0; m < nagree; m++) {
            double c60 = c[m], c90 = c[nagree + m], r60 = r[2 * m], r90 = r[2 * m + 1];
            if (isnan(c60) != isnan(r60) || isnan(c90) != isnan(r90)) {
                mismatch++;
                continue;
            }
            if (isnan(c60) || isnan(c90))
                continue;
            both++;
            double d60 = fabs(c60 - r60), d90 = fabs(c90 - r90);
            if (d60 > max60) { max60 = d60; worst = m; }
            if (d90 > max90) max90 = d90;
            sum60 += d60;
            sum90 += d90;
            above += c60 > 0.3;
        }
        printf("\nagreement with bench/reference/gridness.py over %zu varied maps (%zu scored by both, "
               "%zu hexagonal by C's score60 > 0.3, %zu defined by only one)\n",
               nagree, both, above, mismatch);
        printf("  |d score60|: max %.3g (map %zu), mean %.3g   [targets: max <= 0.1, mean <= 0.02]\n", max60, worst,
               both ? sum60 / (double)both : NAN);
        printf("  |d score90|: max %.3g, mean %.3g\n", max90, both ? sum90 / (double)both : NAN);
        if (!(max60 <= 0.1 && sum60 <= 0.02 * (double)both) || mismatch > 0)
            status = 1;
        /* How much the interpolation order alone moves the scores: the
         * reference again with cubic-spline rotation (ndimage's default, as
         * in Banino's scores.py), its SAC by FFT to save time. */
        if (run_reference(py, ref, agree_npy, agree_out, nagree, "fft", 3) >= 0
            && gridform_npy_read(agree_out, r, 2 * nagree, &nd, sh) == GRIDFORM_OK) {
            double m3 = 0, s3 = 0;
            size_t k3 = 0;
            for (size_t m = 0; m < nagree; m++)
                if (!isnan(c[m]) && !isnan(r[2 * m])) {
                    double d = fabs(c[m] - r[2 * m]);
                    m3 = d > m3 ? d : m3;
                    s3 += d;
                    k3++;
                }
            printf("  for scale, C (bilinear) vs the reference with cubic-spline rotation (order 3): "
                   "|d score60| max %.3g, mean %.3g\n", m3, k3 ? s3 / (double)k3 : NAN);
        }
        free(maps);
        free(c);
        free(r);
        remove(agree_npy);
        remove(agree_out);
    }

    /* ---- 2. speed ---- */
    size_t shape[3] = {nmaps, n, n};
    double *maps = malloc(nmaps * n * n * sizeof *maps), *o = malloc(4 * nmaps * sizeof *o);
    if (maps == NULL || o == NULL)
        return 1;
    for (size_t m = 0; m < nmaps; m++)
        make_map(maps + m * n * n, n, L, m % 6, 1);
    if (gridform_npy_write(time_npy, maps, 3, shape) != GRIDFORM_OK) {
        fprintf(stderr, "score_bench: %s\n", gridform_last_error());
        return 1;
    }
    /* The same maps sharing map 0's unvisited bins, as the hidden units
     * of one trajectory do (the scorer then reuses the mask's transforms). */
    double *shared = malloc(nmaps * n * n * sizeof *shared);
    if (shared == NULL)
        return 1;
    for (size_t m = 0; m < nmaps; m++)
        for (size_t i = 0; i < n * n; i++) {
            double v = maps[m * n * n + i];
            shared[m * n * n + i] = isnan(maps[i]) ? NAN : (isnan(v) ? 0.0 : v);
        }
    double *tc = malloc(rounds * sizeof *tc), *tca = malloc(rounds * sizeof *tca);
    double *tsh = malloc(rounds * sizeof *tsh), *tau = malloc(rounds * sizeof *tau);
    double *tp = malloc(rounds * sizeof *tp), *tf = malloc(rounds * sizeof *tf);
    fprintf(stderr, "score_bench: timing, %zu rounds...\n", rounds);
    for (size_t k = 0; k < rounds; k++) {
        double t0 = now();
        (void)gridform_scorer_score(s, maps, nmaps, o, o + nmaps, NULL, NULL);
        double t1 = now();
        (void)gridform_scorer_score(s, maps, nmaps, o, o + nmaps, o + 2 * nmaps, o + 3 * nmaps);
        double t2 = now();
        (void)gridform_scorer_score(s, shared, nmaps, o, o + nmaps, NULL, NULL);
        double t3 = now();
        /* automatic annuli (doc/theory.md §6.5), then back to the fixed */
        (void)gridform_scorer_set_annuli_auto(s, 1);
        double t4 = now();
        (void)gridform_scorer_score(s, maps, nmaps, o, o + nmaps, NULL, NULL);
        double t5 = now();
        (void)gridform_scorer_set_annuli_auto(s, 0);
        tau[k] = (t5 - t4) / (double)nmaps;
        tc[k] = (t1 - t0) / (double)nmaps;
        tca[k] = (t2 - t1) / (double)nmaps;
        tsh[k] = (t3 - t2) / (double)nmaps;
        tp[k] = run_reference(py, ref, time_npy, NULL, nref, "direct", 1);
        tf[k] = run_reference(py, ref, time_npy, NULL, nref, "fft", 1);
        if (tp[k] < 0 || tf[k] < 0) {
            fprintf(stderr, "score_bench: the reference failed (%s %s)\n", py, ref);
            return 1;
        }
    }
    double mc = median(tc, rounds), mca = median(tca, rounds), mp = median(tp, rounds), mf = median(tf, rounds);
    double msh = median(tsh, rounds), mau = median(tau, rounds);
    printf("\nspeed: %zu maps of %zu x %zu with NaN holes (reference timed on %zu of them), median of %zu rounds\n",
           nmaps, n, n, nref, rounds);
    printf("  %-46s %10s %12s %10s\n", "", "ms/map", "maps/s", "C faster");
    printf("  %-46s %10.3f %12.0f %10s\n", "C gridform_scorer_score (score60, score90)", 1e3 * mc, 1 / mc, "");
    printf("  %-46s %10.3f %12.0f %10s\n", "C + spacing and orientation", 1e3 * mca, 1 / mca, "");
    printf("  %-46s %10.3f %12.0f %10s\n", "C, maps sharing one NaN mask (one trajectory)", 1e3 * msh, 1 / msh, "");
    printf("  %-46s %10.3f %12.0f %10s\n", "C, automatic annuli (score60, score90)", 1e3 * mau, 1 / mau, "");
    printf("  %-46s %10.2f %12.2f %9.0fx\n", "reference gridness.py (direct SAC)", 1e3 * mp, 1 / mp, mp / mc);
    printf("  %-46s %10.2f %12.2f %9.0fx\n", "reference gridness.py --sac fft", 1e3 * mf, 1 / mf, mf / mc);
    printf("  [targets: >= 100x faster than the reference, >= 1000 maps/s with fixed and automatic annuli]\n");
    if (mp / mc < 100 || 1 / mc < 1000 || 1 / mau < 1000)
        status = 1;
    remove(time_npy);
    free(maps);
    free(o);
    free(tc);
    free(tca);
    free(tp);
    free(tf);
    free(tsh);
    free(tau);
    free(shared);
    gridform_scorer_destroy(s);
    return status;
}
