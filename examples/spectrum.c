/* spectrum: the grid scale a place code predicts.
 *
 * Builds a periodic arena, a centre-surround place code and its FOURIER
 * kernel, then prints the ring k*, the wavelength 2 pi/k*, the hexagonal
 * spacing 4 pi/(sqrt 3 k*), and the first Fourier-lattice eigen shells of
 * the box (the multi-map hierarchy of doc/theory.md §4).
 *
 *   spectrum [--sigma M] [--surround S] [--box L] [--resolution N]
 *            [--tuning dog|gaussian|softmax] [--cells N] [--shells N] */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"

#define PI 3.14159265358979323846

static void usage(FILE *f)
{
    fprintf(f,
            "usage: spectrum [options]\n"
            "  --sigma M        place-field width sigma in metres (default 0.12)\n"
            "  --surround S     surround variance ratio s > 1 (default 2)\n"
            "  --box L          side of the square periodic arena in metres (default 2.2)\n"
            "  --resolution N   points per side (default 64)\n"
            "  --tuning T       dog, gaussian or softmax (default dog)\n"
            "  --cells N        place cells per side, softmax only (default 32)\n"
            "  --shells N       eigen shells to list (default 8)\n"
            "  --help           this text\n");
}

static int parse_double(const char *opt, const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !isfinite(v)) {
        fprintf(stderr, "spectrum: %s expects a number, got '%s'\n", opt, s);
        return 0;
    }
    *out = v;
    return 1;
}

static int parse_size(const char *opt, const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v == 0 || v > 1u << 20) {
        fprintf(stderr, "spectrum: %s expects a positive integer up to 1048576, got '%s'\n", opt, s);
        return 0;
    }
    *out = (size_t)v;
    return 1;
}

int main(int argc, char **argv)
{
    double sigma = 0.12, surround = 2.0, box = 2.2;
    size_t res = 64, nshow = 8, cells = 32;
    int tuning = GRIDFORM_TUNING_DOG;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "spectrum: unknown option or missing value: %s (try --help)\n", o);
            return 2;
        }
        const char *v = argv[++i];
        int ok;
        if (strcmp(o, "--sigma") == 0) ok = parse_double(o, v, &sigma);
        else if (strcmp(o, "--surround") == 0) ok = parse_double(o, v, &surround);
        else if (strcmp(o, "--box") == 0) ok = parse_double(o, v, &box);
        else if (strcmp(o, "--resolution") == 0) ok = parse_size(o, v, &res);
        else if (strcmp(o, "--shells") == 0) ok = parse_size(o, v, &nshow);
        else if (strcmp(o, "--cells") == 0) ok = parse_size(o, v, &cells);
        else if (strcmp(o, "--tuning") == 0) {
            ok = 1;
            if (strcmp(v, "dog") == 0) tuning = GRIDFORM_TUNING_DOG;
            else if (strcmp(v, "gaussian") == 0) tuning = GRIDFORM_TUNING_GAUSSIAN;
            else if (strcmp(v, "softmax") == 0 || strcmp(v, "softmax_dog") == 0) tuning = GRIDFORM_TUNING_SOFTMAX_DOG;
            else {
                fprintf(stderr, "spectrum: --tuning expects dog, gaussian or softmax, got '%s'\n", v);
                ok = 0;
            }
        } else {
            fprintf(stderr, "spectrum: unknown option %s (try --help)\n", o);
            return 2;
        }
        if (!ok)
            return 2;
    }
    if (cells > 4096) {
        fprintf(stderr, "spectrum: --cells is per side and at most 4096\n");
        return 2;
    }

    gridform_arena *a = NULL;
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    double *km = NULL, *val = NULL;
    size_t *mult = NULL;
    int rc = gridform_arena_create(&a, box, box, res, res, GRIDFORM_PERIODIC);
    if (rc == GRIDFORM_OK)
        rc = gridform_placecode_create(&pc, a, tuning, sigma, surround,
                                       tuning == GRIDFORM_TUNING_SOFTMAX_DOG ? cells * cells : 1,
                                       GRIDFORM_CENTERS_LATTICE, 1);
    if (rc == GRIDFORM_OK)
        rc = gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER);
    if (rc != GRIDFORM_OK) {
        fprintf(stderr, "spectrum: %s (%s)\n", gridform_last_error(), gridform_strerror(rc));
        goto done;
    }

    printf("place code: %s, sigma = %g m, s = %g; arena %g m x %g m on %zu x %zu points (periodic)\n",
           tuning == GRIDFORM_TUNING_DOG ? "difference of Gaussians"
           : tuning == GRIDFORM_TUNING_GAUSSIAN ? "Gaussian" : "difference of softmaxes",
           sigma, surround, box, box, res, res);
    double ks, spacing;
    int rr = gridform_kernel_ring(k, &ks, &spacing);
    if (rr == GRIDFORM_OK) {
        printf("ring k*            %.4f rad/m\n", ks);
        printf("wavelength 2pi/k*  %.4f m\n", 2 * PI / ks);
        printf("hexagonal spacing  %.4f m  (%.3f sigma)\n", spacing, spacing / sigma);
    } else if (rr == GRIDFORM_EUNDEFINED) {
        printf("no ring: the spectrum peaks at k = 0, so no grid spacing is predicted\n");
    } else {
        fprintf(stderr, "spectrum: %s\n", gridform_kernel_last_error(k));
        rc = rr;
        goto done;
    }

    km = malloc(nshow * sizeof *km);
    val = malloc(nshow * sizeof *val);
    mult = malloc(nshow * sizeof *mult);
    if (km == NULL || val == NULL || mult == NULL) {
        fprintf(stderr, "spectrum: out of memory\n");
        rc = GRIDFORM_ENOMEM;
        goto done;
    }
    size_t ns;
    rc = gridform_kernel_shells(k, nshow, km, val, mult, &ns);
    if (rc != GRIDFORM_OK) {
        fprintf(stderr, "spectrum: %s\n", gridform_kernel_last_error(k));
        goto done;
    }
    printf("\nFourier-lattice eigen shells of the box, by decreasing Sigma~:\n");
    printf("%5s %12s %12s %14s %12s %5s\n", "shell", "|k| rad/m", "lambda m", "Sigma~/max", "hex a m",
           "mult");
    for (size_t i = 0; i < ns; i++) {
        double lam = km[i] > 0 ? 2 * PI / km[i] : INFINITY;
        double hex = km[i] > 0 ? 4 * PI / (sqrt(3.0) * km[i]) : INFINITY;
        printf("%5zu %12.4f %12.4f %14.6f %12.4f %5zu\n", i, km[i], lam, val[i] / val[0], hex, mult[i]);
    }
done:
    free(km);
    free(val);
    free(mult);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
    return rc == GRIDFORM_OK ? 0 : 1;
}
