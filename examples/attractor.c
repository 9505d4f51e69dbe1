/* examples/attractor: the mechanistic side of the unified theory.
 *
 * Runs the centre-surround attractor network whose connectivity is the
 * place-code kernel Sigma (Sorscher et al. 2019, section 5), scores its
 * sheet beside the learner's rectified map on the same kernel, then drives
 * the pattern with a constant velocity (Burak and Fiete 2009) and measures
 * its speed.  Writes both maps to an image. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"

#define PI 3.14159265358979323846

typedef struct {
    double size, sigma, surround, gain, velocity;
    size_t n, steps, learner_steps;
    unsigned long long seed;
    const char *out;
} options;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: attractor [options]\n"
            "Run the attractor network with J = Sigma of a DoG place code, compare its\n"
            "pattern with the learner's ReLU map, and measure the speed of the pattern\n"
            "under a constant velocity input.\n"
            "  --size L          side of the periodic arena / sheet, metres (4.4)\n"
            "  --n N             points per side (64)\n"
            "  --sigma S         DoG centre width, metres (0.12)\n"
            "  --surround S      DoG variance ratio, > 1 (2)\n"
            "  --gain G          network gain; 1 is the instability threshold (1.1)\n"
            "  --velocity V      drive velocity along x, m/s (0.5; also run at 2V)\n"
            "  --steps N         most intervals of dt = 1 ms to form the pattern (20000)\n"
            "  --learner-steps N most learner steps (20000; 0 skips the learner)\n"
            "  --seed N          random seed (1)\n"
            "  --out FILE        image of the two maps, .png or .ppm (attractor.png;\n"
            "                    \"-\" writes none)\n"
            "  --help            this text\n");
}

static int parse_double(const char *opt, const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    if (errno || end == s || *end != '\0' || !isfinite(*v)) {
        fprintf(stderr, "attractor: %s needs a finite number, got '%s'\n", opt, s);
        return 0;
    }
    return 1;
}

static int parse_size(const char *opt, const char *s, unsigned long long *v)
{
    char *end;
    errno = 0;
    if (s[0] == '-') {
        fprintf(stderr, "attractor: %s needs a nonnegative integer, got '%s'\n", opt, s);
        return 0;
    }
    *v = strtoull(s, &end, 10);
    if (errno || end == s || *end != '\0') {
        fprintf(stderr, "attractor: %s needs a nonnegative integer, got '%s'\n", opt, s);
        return 0;
    }
    return 1;
}

static int parse(int argc, char **argv, options *o)
{
    o->size = 4.4;
    o->n = 64;
    o->sigma = 0.12;
    o->surround = 2.0;
    o->gain = 1.1;
    o->velocity = 0.5;
    o->steps = 20000;
    o->learner_steps = 20000;
    o->seed = 1;
    o->out = "attractor.png";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "attractor: unknown option or missing value: %s (try --help)\n", a);
            return 0;
        }
        const char *v = argv[++i];
        unsigned long long u;
        if (strcmp(a, "--size") == 0) {
            if (!parse_double(a, v, &o->size)) return 0;
        } else if (strcmp(a, "--sigma") == 0) {
            if (!parse_double(a, v, &o->sigma)) return 0;
        } else if (strcmp(a, "--surround") == 0) {
            if (!parse_double(a, v, &o->surround)) return 0;
        } else if (strcmp(a, "--gain") == 0) {
            if (!parse_double(a, v, &o->gain)) return 0;
        } else if (strcmp(a, "--velocity") == 0) {
            if (!parse_double(a, v, &o->velocity)) return 0;
        } else if (strcmp(a, "--n") == 0) {
            if (!parse_size(a, v, &u)) return 0;
            o->n = (size_t)u;
        } else if (strcmp(a, "--steps") == 0) {
            if (!parse_size(a, v, &u)) return 0;
            o->steps = (size_t)u;
        } else if (strcmp(a, "--learner-steps") == 0) {
            if (!parse_size(a, v, &u)) return 0;
            o->learner_steps = (size_t)u;
        } else if (strcmp(a, "--seed") == 0) {
            if (!parse_size(a, v, &o->seed)) return 0;
        } else if (strcmp(a, "--out") == 0) {
            o->out = v;
        } else {
            fprintf(stderr, "attractor: unknown option %s (try --help)\n", a);
            return 0;
        }
    }
    if (o->steps == 0) {
        fprintf(stderr, "attractor: --steps must be > 0\n");
        return 0;
    }
    if (o->velocity == 0.0) {
        fprintf(stderr, "attractor: --velocity must be nonzero\n");
        return 0;
    }
    return 1;
}

/* Least-squares slope of u(t) and its R^2. */
static double slope(const double *t, const double *u, int m, double *r2)
{
    double st = 0, su = 0, stt = 0, suu = 0, stu = 0;
    for (int i = 0; i < m; i++) {
        st += t[i];
        su += u[i];
        stt += t[i] * t[i];
        suu += u[i] * u[i];
        stu += t[i] * u[i];
    }
    double ct = stt / m - (st / m) * (st / m), cu = suu / m - (su / m) * (su / m);
    double ctu = stu / m - (st / m) * (su / m);
    *r2 = (cu > 0) ? ctu * ctu / (ct * cu) : 0.0;
    return ctu / ct;
}

/* Drive at (v, 0) for 1 s after a 0.3 s settling period; the speed is the
 * slope of the read-out displacement along x. */
static int measure_speed(gridform_attractor *a, double v, double *speed, double *speed_y, double *r2)
{
    enum { M = 20 };
    double t[M], ux[M], uy[M], t0, r2y;
    int rc;
    if ((rc = gridform_attractor_set_velocity(a, v, 0.0)) != GRIDFORM_OK
        || (rc = gridform_attractor_iterate(a, 300)) != GRIDFORM_OK
        || (rc = gridform_attractor_reset_displacement(a)) != GRIDFORM_OK
        || (rc = gridform_attractor_get_time(a, &t0)) != GRIDFORM_OK)
        return rc;
    for (int i = 0; i < M; i++) {
        if ((rc = gridform_attractor_iterate(a, 50)) != GRIDFORM_OK
            || (rc = gridform_attractor_get_displacement(a, &ux[i], &uy[i])) != GRIDFORM_OK
            || (rc = gridform_attractor_get_time(a, &t[i])) != GRIDFORM_OK)
            return rc;
        t[i] -= t0;
    }
    *speed = slope(t, ux, M, r2);
    *speed_y = slope(t, uy, M, &r2y);
    return GRIDFORM_OK;
}

/* Mean |k| of the three strongest lattice modes of a map (half plane,
 * |k| < kmax), by direct DFT: the wavenumber of a hexagon as a whole.  On a
 * finite lattice a hexagon's three modes may sit on neighbouring shells, so
 * its single strongest mode (the dominant k) can jump between them. */
static double hexagon_k(const double *map, size_t n, double L, double kmax)
{
    double mean = 0.0, h = L / (double)n, pw[3] = {-1, -1, -1}, km[3] = {0, 0, 0};
    for (size_t i = 0; i < n * n; i++)
        mean += map[i];
    mean /= (double)(n * n);
    int m = (int)ceil(kmax * L / (2 * PI));
    for (int my = -m; my <= m; my++)
        for (int mx = 0; mx <= m; mx++) {
            if (mx == 0 && my <= 0)
                continue;
            double kx = 2 * PI * mx / L, ky = 2 * PI * my / L, kk = hypot(kx, ky);
            if (kk > kmax)
                continue;
            double re = 0.0, im = 0.0;
            for (size_t iy = 0; iy < n; iy++)
                for (size_t ix = 0; ix < n; ix++) {
                    double ph = kx * ((double)ix + 0.5) * h + ky * ((double)iy + 0.5) * h;
                    double v = map[iy * n + ix] - mean;
                    re += v * cos(ph);
                    im -= v * sin(ph);
                }
            double p = re * re + im * im;
            for (int j = 0; j < 3; j++)
                if (p > pw[j]) {
                    for (int q = 2; q > j; q--)
                        pw[q] = pw[q - 1], km[q] = km[q - 1];
                    pw[j] = p, km[j] = kk;
                    break;
                }
        }
    return (km[0] + km[1] + km[2]) / 3.0;
}

static void print_row(const char *name, double s60, double s90, double spacing, double k, double hk)
{
    printf("  %-18s %8.3f %8.3f %11.3f %12.3f %12.3f\n", name, s60, s90, spacing, k, hk);
}

int main(int argc, char **argv)
{
    options o;
    if (!parse(argc, argv, &o))
        return 2;
    gridform_arena *ar = NULL;
    gridform_placecode *pc = NULL;
    gridform_kernel *k = NULL;
    gridform_attractor *a = NULL;
    gridform_learner *l = NULL;
    gridform_scorer *sc = NULL;
    double *maps = NULL;
    int status = 1, rc;
    size_t n = o.n, np = n * n;
    double kstar, spacing_pred;

    if (gridform_arena_create(&ar, o.size, o.size, n, n, GRIDFORM_PERIODIC) != GRIDFORM_OK
        || gridform_placecode_create(&pc, ar, GRIDFORM_TUNING_DOG, o.sigma, o.surround, 1024,
                                     GRIDFORM_CENTERS_LATTICE, o.seed) != GRIDFORM_OK
        || gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER) != GRIDFORM_OK) {
        fprintf(stderr, "attractor: %s\n", gridform_last_error());
        goto done;
    }
    if ((rc = gridform_kernel_ring(k, &kstar, &spacing_pred)) != GRIDFORM_OK) {
        fprintf(stderr, "attractor: the kernel has no ring: %s\n", gridform_last_error());
        goto done;
    }
    printf("kernel: DoG sigma %g m, s %g, periodic %g m on %zu x %zu: k* = %.3f rad/m, "
           "predicted spacing 4 pi/(sqrt 3 k*) = %.3f m\n",
           o.sigma, o.surround, o.size, n, n, kstar, spacing_pred);

    maps = malloc(2 * np * sizeof *maps);
    if (maps == NULL) {
        fprintf(stderr, "attractor: out of memory\n");
        goto done;
    }
    if (gridform_attractor_create(&a, k) != GRIDFORM_OK
        || gridform_attractor_set_gain(a, o.gain) != GRIDFORM_OK
        || gridform_attractor_seed(a, o.seed, 0.01) != GRIDFORM_OK) {
        fprintf(stderr, "attractor: %s\n", gridform_last_error());
        goto done;
    }
    double tau, dt, b;
    gridform_attractor_get_parameters(a, NULL, &tau, &dt, &b, NULL);
    rc = gridform_attractor_run(a, o.steps, 1e-5, NULL, NULL);
    if (rc != GRIDFORM_OK && rc != GRIDFORM_CONTINUE) {
        fprintf(stderr, "attractor: network: %s\n", gridform_attractor_last_error(a));
        goto done;
    }
    double t;
    gridform_attractor_get_time(a, &t);
    size_t nacc = 0, nrej = 0;
    gridform_attractor_get_steps(a, &nacc, &nrej);
    printf("network: gain %g, tau %g s, dt %g s, input %g, ReLU; %s after %.2f s (%zu error-controlled "
           "steps)\n", o.gain, tau, dt, b, rc == GRIDFORM_OK ? "steady (residual < 1e-5)" : "still changing", t,
           nacc);
    if (gridform_attractor_get_rates(a, maps) != GRIDFORM_OK) {
        fprintf(stderr, "attractor: %s\n", gridform_attractor_last_error(a));
        goto done;
    }

    int have_learner = 0;
    if (o.learner_steps > 0) {
        if (gridform_learner_create(&l, k, 1) != GRIDFORM_OK
            || gridform_learner_set_nonlinearity(l, GRIDFORM_NL_RELU, 0.0) != GRIDFORM_OK
            || gridform_learner_seed(l, o.seed, 0.01) != GRIDFORM_OK) {
            fprintf(stderr, "attractor: learner: %s\n", gridform_last_error());
            goto done;
        }
        rc = gridform_learner_run(l, o.learner_steps, 1e-6, NULL, NULL);
        if (rc != GRIDFORM_OK && rc != GRIDFORM_CONTINUE) {
            fprintf(stderr, "attractor: learner: %s\n", gridform_learner_last_error(l));
            goto done;
        }
        if (gridform_learner_get_maps(l, maps + np) != GRIDFORM_OK) {
            fprintf(stderr, "attractor: learner: %s\n", gridform_learner_last_error(l));
            goto done;
        }
        have_learner = 1;
    }

    /* The sheet is a torus: periodic autocorrelograms, with annuli around
     * the first rings of peaks (the box holds several periods). */
    if (gridform_scorer_create(&sc, ar) != GRIDFORM_OK
        || gridform_scorer_set_annuli_m(sc, 0.5 * spacing_pred, 1.2 * spacing_pred,
                                        fmin(2.5 * spacing_pred, 1.5 * o.size), 10) != GRIDFORM_OK) {
        fprintf(stderr, "attractor: scorer: %s\n", gridform_last_error());
        goto done;
    }
    size_t nm = have_learner ? 2 : 1;
    double s60[2], s90[2], sp[2], kd[2], hk[2];
    rc = gridform_scorer_score(sc, maps, nm, s60, s90, sp, NULL);
    if (rc != GRIDFORM_OK && rc != GRIDFORM_EUNDEFINED) {
        fprintf(stderr, "attractor: scorer: %s\n", gridform_scorer_last_error(sc));
        goto done;
    }
    for (size_t m = 0; m < nm; m++) {
        if (gridform_map_dominant_k(sc, maps + m * np, &kd[m]) != GRIDFORM_OK)
            kd[m] = NAN;
        hk[m] = hexagon_k(maps + m * np, n, o.size, 2 * kstar);
    }
    printf("\n  %-18s %8s %8s %11s %12s %12s\n", "map", "score60", "score90", "spacing(m)", "dominant k",
           "hexagon k");
    print_row("attractor sheet", s60[0], s90[0], sp[0], kd[0], hk[0]);
    if (have_learner) {
        print_row("learner ReLU map", s60[1], s90[1], sp[1], kd[1], hk[1]);
        printf("  attractor / learner: dominant k %.4f, hexagon k %.4f, spacing %.4f\n", kd[0] / kd[1],
               hk[0] / hk[1], sp[0] / sp[1]);
    }
    printf("  attractor / k*: dominant k %.4f, hexagon k %.4f (k in rad/m; hexagon k: mean |k|\n"
           "  of the three strongest modes)\n\n", kd[0] / kstar, hk[0] / kstar);

    double v1 = o.velocity, v2 = 2 * o.velocity, sp1, sp2, spy1, spy2, r21, r22;
    if ((rc = measure_speed(a, v1, &sp1, &spy1, &r21)) != GRIDFORM_OK
        || (rc = measure_speed(a, v2, &sp2, &spy2, &r22)) != GRIDFORM_OK) {
        fprintf(stderr, "attractor: velocity: %s\n", gridform_attractor_last_error(a));
        goto done;
    }
    printf("velocity input (Burak-Fiete, four shifted populations):\n");
    printf("  v = (%g, 0) m/s: pattern moves at (%.5f, %.5f) m/s, R^2 of x(t) = %.6f\n", v1, sp1, spy1, r21);
    printf("  v = (%g, 0) m/s: pattern moves at (%.5f, %.5f) m/s, R^2 of x(t) = %.6f\n", v2, sp2, spy2, r22);
    printf("  speed ratio %.4f for a velocity ratio of 2; %.4f m/s of pattern per m/s of velocity\n",
           sp2 / sp1, sp1 / v1);

    if (strcmp(o.out, "-") != 0) {
        rc = gridform_image_write_maps(o.out, maps, nm, n, n, nm, GRIDFORM_IMAGE_PER_MAP, 4);
        if (rc != GRIDFORM_OK) {
            fprintf(stderr, "attractor: %s: %s\n", o.out, gridform_last_error());
            goto done;
        }
        printf("\nwrote %s (%s)\n", o.out, have_learner ? "left: attractor sheet, right: learner map"
                                                        : "the attractor sheet");
    }
    status = 0;
done:
    free(maps);
    gridform_scorer_destroy(sc);
    gridform_learner_destroy(l);
    gridform_attractor_destroy(a);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(ar);
    return status;
}
