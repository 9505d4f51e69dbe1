/* shape_bench: the cost of a shaped arena (issue 22).  Times EXACT kernel
 * creation, one EXACT application to a batch of maps, and one learner step
 * on the trapezoid of Krupic et al., Nature 518:232 (2015) (1.9 m long,
 * 0.9 m at the wide end, 0.2 m at the narrow end), against the walled
 * rectangle of the same box on the same grid.  Also UNIFORM creation and
 * application, whose cost does not depend on the number of cells.
 *
 *   shape_bench [--n N] [--cells C] [--maps M] [--reps R]
 *
 * defaults: a 64 x 64 grid, 1024 DoG cells (sigma 0.12 m, s = 2), 16 maps,
 * the median of 5 repetitions.  `make bench-shape` runs it.  Prints one row
 * per arena and operation, in milliseconds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "gridform.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : (x > y ? 1 : 0);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

#define MAXREPS 101
#define CHECK(call)                                                                          \
    do {                                                                                     \
        if ((call) != GRIDFORM_OK) {                                                         \
            fprintf(stderr, "shape_bench: %s failed: %s\n", #call, gridform_last_error()); \
            exit(1);                                                                         \
        }                                                                                    \
    } while (0)

static void bench(const char *name, gridform_arena *a, size_t cells, size_t maps, int reps, size_t n)
{
    unsigned char *in = malloc(n * n);
    gridform_arena_get_mask(a, in);
    size_t nin = 0;
    for (size_t i = 0; i < n * n; i++)
        nin += in[i];
    free(in);
    gridform_placecode *pc = NULL;
    CHECK(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, 0.12, 2.0, cells, GRIDFORM_CENTERS_RANDOM, 1));
    double *g = malloc(maps * n * n * sizeof(double)), *o = malloc(maps * n * n * sizeof(double));
    uint64_t s = 1;
    for (size_t i = 0; i < maps * n * n; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        g[i] = (double)(s >> 11) / 9007199254740992.0;
    }
    static const int modes[2] = {GRIDFORM_KERNEL_EXACT, GRIDFORM_KERNEL_UNIFORM};
    for (int mi = 0; mi < 2; mi++) {
        double tc[MAXREPS], ta[MAXREPS], ts[MAXREPS];
        for (int r = 0; r < reps; r++) {
            gridform_kernel *k = NULL;
            double t0 = now();
            CHECK(gridform_kernel_create(&k, pc, modes[mi] | GRIDFORM_KERNEL_CENTERED));
            double t1 = now();
            CHECK(gridform_kernel_apply(k, g, o, maps));
            double t2 = now();
            gridform_learner *l = NULL;
            CHECK(gridform_learner_create(&l, k, maps));
            CHECK(gridform_learner_set_nonlinearity(l, GRIDFORM_NL_RELU, 0.0));
            CHECK(gridform_learner_seed(l, 1, 0.01));
            CHECK(gridform_learner_iterate(l, 1));   /* warm: the step bound is computed once */
            double t3 = now();
            CHECK(gridform_learner_iterate(l, 1));
            double t4 = now();
            gridform_learner_destroy(l);
            gridform_kernel_destroy(k);
            tc[r] = 1e3 * (t1 - t0);
            ta[r] = 1e3 * (t2 - t1);
            ts[r] = 1e3 * (t4 - t3);
        }
        printf("%-10s %-8s %6zu %6zu %5zu %12.2f %12.2f %12.2f\n", name, mi == 0 ? "EXACT" : "UNIFORM", nin, cells,
               maps, median(tc, reps), median(ta, reps), median(ts, reps));
    }
    free(g);
    free(o);
    gridform_placecode_destroy(pc);
}

int main(int argc, char **argv)
{
    size_t n = 64, cells = 1024, maps = 16;
    int reps = 5;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && !strcmp(argv[i], "--n"))
            n = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--cells"))
            cells = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--maps"))
            maps = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--reps"))
            reps = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: shape_bench [--n N] [--cells C] [--maps M] [--reps R]\n");
            return 2;
        }
    }
    if (reps < 1 || reps > MAXREPS || n < 8 || cells < 1 || maps < 1) {
        fprintf(stderr, "shape_bench: need 1 <= reps <= %d, n >= 8, cells >= 1, maps >= 1\n", MAXREPS);
        return 2;
    }
    /* Krupic et al. 2015: 1.9 m long, 0.9 m wide at one end, 0.2 m at the other. */
    const double lx = 1.9, ly = 0.9;
    static const double trap[] = {-0.95, -0.45, 0.95, -0.1, 0.95, 0.1, -0.95, 0.45};
    const size_t ring = 4;
    gridform_arena *t = NULL, *r = NULL;
    CHECK(gridform_arena_create_polygon(&t, lx, ly, n, n, trap, &ring, 1));
    CHECK(gridform_arena_create(&r, lx, ly, n, n, GRIDFORM_WALLED));
    printf("# %zu x %zu bins on %.2f x %.2f m, median of %d; times in ms (kernels centred, learner RELU)\n", n, n,
           lx, ly, reps);
    printf("%-10s %-8s %6s %6s %5s %12s %12s %12s\n", "arena", "kernel", "inside", "cells", "maps", "create",
           "apply", "learner step");
    bench("trapezoid", t, cells, maps, reps, n);
    bench("rectangle", r, cells, maps, reps, n);
    gridform_arena_destroy(t);
    gridform_arena_destroy(r);
    return 0;
}
