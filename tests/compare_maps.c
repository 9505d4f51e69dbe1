/* Test data for tests/compare.sh: a population of noisy, rectified
 * hexagonal maps as a .npy file (float64, (n, nx, nx)).
 *
 *   compare_maps OUT.npy N NX BOX SPACINGS SEED [HOLES [SPREAD]]
 *
 * SPACINGS is a comma-separated list of lattice spacings (metres); the N
 * maps are split evenly between them, the maps of spacing j share the
 * orientation 7 + 15 j degrees (+- 1.5 degrees of noise), each map has a
 * random phase, 2% of spacing noise and white noise of 0.3 (the peaks are
 * 3).  A spacing of 0 stands for non-grid maps: 24 plane waves of random
 * directions and wavenumbers spread over 4 to 40 rad/m, rectified.  HOLES (0..1, default 0) is the fraction of bins set to NaN
 * (unvisited).  SPREAD (degrees, default 1.5) is the sd of the orientation
 * noise; 60 or more draws every map's orientation uniformly (a population
 * whose orientations vary unit by unit, as trained networks'). */
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
    return sqrt(-2 * log(urand() + 1e-300)) * cos(2 * PI * urand());
}

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: compare_maps OUT.npy N NX BOX SPACINGS SEED [HOLES [SPREAD]]\n");
        return 2;
    }
    size_t n = strtoul(argv[2], NULL, 10), nx = strtoul(argv[3], NULL, 10);
    double L = atof(argv[4]), holes = argc > 7 ? atof(argv[7]) : 0.0, spread = argc > 8 ? atof(argv[8]) : 1.5;
    state = strtoull(argv[6], NULL, 10);
    double sp[16];
    size_t ns = 0;
    for (char *t = strtok(argv[5], ","); t != NULL && ns < 16; t = strtok(NULL, ","))
        sp[ns++] = atof(t);
    if (n == 0 || nx < 2 || !(L > 0) || ns == 0) {
        fprintf(stderr, "compare_maps: bad arguments\n");
        return 2;
    }
    double *maps = malloc(n * nx * nx * sizeof *maps);
    if (maps == NULL)
        return 1;
    for (size_t m = 0; m < n; m++) {
        size_t j = m * ns / n;
        if (sp[j] == 0) {
            double kk[24], ka[24], kp[24];
            for (int w = 0; w < 24; w++) {
                kk[w] = 4 + 36 * urand();
                ka[w] = 2 * PI * urand();
                kp[w] = 2 * PI * urand();
            }
            for (size_t iy = 0; iy < nx; iy++)
                for (size_t ix = 0; ix < nx; ix++) {
                    double x = -L / 2 + ((double)ix + 0.5) * L / (double)nx;
                    double y = -L / 2 + ((double)iy + 0.5) * L / (double)nx;
                    double g = 0;
                    for (int w = 0; w < 24; w++)
                        g += cos(kk[w] * (cos(ka[w]) * x + sin(ka[w]) * y) + kp[w]) / sqrt(8.0);
                    maps[(m * nx + iy) * nx + ix] = urand() < holes ? NAN : (g > 0 ? g : 0);
                }
            continue;
        }
        double k = 4 * PI / (sqrt(3.0) * sp[j]) * exp(0.02 * nrand());
        /* wavevectors at the lattice orientation + 30 degrees */
        double th = (spread >= 60 ? 60 * urand() : 7.0 + 15.0 * (double)j + spread * nrand()) * PI / 180 + PI / 6;
        double ph[3] = {2 * PI * urand(), 2 * PI * urand(), 2 * PI * urand()};
        for (size_t iy = 0; iy < nx; iy++)
            for (size_t ix = 0; ix < nx; ix++) {
                double x = -L / 2 + ((double)ix + 0.5) * L / (double)nx;
                double y = -L / 2 + ((double)iy + 0.5) * L / (double)nx;
                double g = 0;
                for (int w = 0; w < 3; w++) {
                    double a = th + w * 2 * PI / 3;
                    g += cos(k * (cos(a) * x + sin(a) * y) + ph[w]);
                }
                g += 0.3 * nrand();
                maps[(m * nx + iy) * nx + ix] = urand() < holes ? NAN : (g > 0 ? g : 0);
            }
    }
    size_t shape[3] = {n, nx, nx};
    if (gridform_npy_write(argv[1], maps, 3, shape) != GRIDFORM_OK) {
        fprintf(stderr, "compare_maps: %s\n", gridform_last_error());
        return 1;
    }
    free(maps);
    return 0;
}
