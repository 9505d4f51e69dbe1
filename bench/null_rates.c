/* False-positive rates of gridness on noise (issue 21): white Gaussian
 * noise and noise smoothed by a Gaussian of 0.5, 1 and 2 bins, at 40^2,
 * 50^2 and 64^2 bins (a 1 m box), walled and periodic, under the scorer's
 * defaults (fixed annuli walled, automatic annuli periodic) and the
 * default null (100 surrogates per map, 95th percentile, the rank rule of
 * gridform_null_threshold(3)).
 *
 *   bench/null_rates [--maps N] [--shuffles N] [--seed S]
 *                    [--boundary walled|periodic] [--bins 40|50|64]
 *
 * Prints a Markdown table: per condition, the fraction of maps above their
 * own surrogate threshold (the default rule), above the population's
 * pooled threshold, and above the fixed 0.3, with the bound 5% + 2 s.e. of
 * the acceptance.  Counts, not timings: run it anywhere (nice).
 * --boundary and --bins pick a part of the table (for running the parts in
 * parallel); each condition's maps and surrogates depend only on the seed
 * and the condition, so the parts are the rows of the whole table. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gridform.h>

#define PI 3.14159265358979323846

static uint64_t state;
static double urand(void)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}
static double nrand(void)
{
    double u = 1 - urand(), v = urand();
    return sqrt(-2 * log(u)) * cos(2 * PI * v);
}

/* Separable Gaussian smoothing of sd bins: circular when periodic,
 * renormalised at the walls otherwise (as a rate map is smoothed). */
static void noise_map(double *m, double *tmp, long n, double sd, int periodic)
{
    for (long i = 0; i < n * n; i++)
        m[i] = nrand();
    if (sd <= 0)
        return;
    long R = (long)ceil(4 * sd);
    for (int pass = 0; pass < 2; pass++) {
        double *src = pass == 0 ? m : tmp, *dst = pass == 0 ? tmp : m;
        for (long y = 0; y < n; y++)
            for (long x = 0; x < n; x++) {
                double acc = 0, wsum = 0;
                for (long d = -R; d <= R; d++) {
                    long xx = pass == 0 ? x + d : x, yy = pass == 0 ? y : y + d;
                    if (periodic) {
                        xx = ((xx % n) + n) % n;
                        yy = ((yy % n) + n) % n;
                    } else if (xx < 0 || yy < 0 || xx >= n || yy >= n) {
                        continue;
                    }
                    double w = exp(-(double)(d * d) / (2 * sd * sd));
                    acc += w * src[yy * n + xx];
                    wsum += w;
                }
                dst[y * n + x] = acc / wsum;
            }
    }
}

int main(int argc, char **argv)
{
    size_t nmaps = 500, nsh = 100;
    unsigned long long seed = 1;
    int only_boundary = -1;
    long only_bins = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--maps")) nmaps = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--shuffles")) nsh = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--seed")) seed = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--boundary") && !strcmp(argv[i + 1], "walled")) only_boundary = 0;
        else if (!strcmp(argv[i], "--boundary") && !strcmp(argv[i + 1], "periodic")) only_boundary = 1;
        else if (!strcmp(argv[i], "--bins")) only_bins = strtol(argv[i + 1], NULL, 10);
        else {
            fprintf(stderr, "usage: null_rates [--maps N] [--shuffles N] [--seed S] [--boundary walled|periodic]"
                            " [--bins 40|50|64]\n");
            return 2;
        }
    }
    if (nmaps == 0) {
        fprintf(stderr, "null_rates: --maps must be >= 1\n");
        return 2;
    }
    const long sizes[3] = {40, 50, 64};
    const double sds[4] = {0, 0.5, 1, 2};
    double se = sqrt(0.05 * 0.95 / (double)nmaps), bound = 0.05 + 2 * se;
    printf("| boundary | bins | smoothing (bins) | maps | own null 95th | pooled null 95th | fixed 0.3 |\n");
    printf("| --- | --- | --- | --- | --- | --- | --- |\n");
    size_t worst_fail = 0;
    for (int periodic = 0; periodic <= 1; periodic++)
        for (int si = 0; si < 3; si++)
            for (int ci = 0; ci < 4; ci++) {
                long n = sizes[si];
                if ((only_boundary >= 0 && periodic != only_boundary) || (only_bins > 0 && n != only_bins))
                    continue;
                gridform_arena *a = NULL;
                gridform_scorer *s = NULL;
                if (gridform_arena_create(&a, 1.0, 1.0, (size_t)n, (size_t)n,
                                          periodic ? GRIDFORM_PERIODIC : GRIDFORM_WALLED) != GRIDFORM_OK
                    || gridform_scorer_create(&s, a) != GRIDFORM_OK
                    || gridform_scorer_set_null(s, nsh, 95, 20) != GRIDFORM_OK) {
                    fprintf(stderr, "null_rates: %s\n", gridform_last_error());
                    return 1;
                }
                double *maps = malloc(nmaps * (size_t)(n * n) * sizeof *maps);
                double *tmp = malloc((size_t)(n * n) * sizeof *tmp);
                double *score = malloc(nmaps * sizeof *score), *thr = malloc(nmaps * sizeof *thr), pop;
                if (maps == NULL || tmp == NULL || score == NULL || thr == NULL)
                    return 1;
                state = seed * 1000003u + (uint64_t)(periodic * 100 + si * 10 + ci);
                for (size_t m = 0; m < nmaps; m++)
                    noise_map(maps + m * (size_t)(n * n), tmp, n, sds[ci], periodic);
                int rc = gridform_scorer_surrogate_null(s, maps, nmaps, seed, score, NULL, thr, &pop, NULL, NULL);
                if (rc != GRIDFORM_OK) {
                    fprintf(stderr, "null_rates: %s\n", gridform_scorer_last_error(s));
                    return 1;
                }
                size_t own = 0, pooled = 0, fixed = 0;
                for (size_t m = 0; m < nmaps; m++) {
                    own += score[m] > thr[m];
                    pooled += score[m] > pop;
                    fixed += score[m] > 0.3;
                }
                double r_own = (double)own / (double)nmaps, r_pool = (double)pooled / (double)nmaps;
                worst_fail += (r_own > bound) + (r_pool > bound);
                printf("| %s | %ld^2 | %g | %zu | %.1f%% | %.1f%% | %.1f%% |\n", periodic ? "periodic" : "walled", n,
                       sds[ci], nmaps, 100 * r_own, 100 * r_pool, 100.0 * (double)fixed / (double)nmaps);
                fflush(stdout);
                free(maps);
                free(tmp);
                free(score);
                free(thr);
                gridform_scorer_destroy(s);
                gridform_arena_destroy(a);
            }
    printf("\nbound 5%% + 2 s.e. = %.2f%% (%zu maps per condition, %zu surrogates each); %zu rates above it\n",
           100 * bound, nmaps, nsh, worst_fail);
    return worst_fail == 0 ? 0 : 1;
}
