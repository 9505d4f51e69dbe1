/* libFuzzer target over the whole configuration space (issue 12).
 *
 *   ./fuzz_config -max_total_time=60 corpus_config/
 *
 * The ASan, valgrind and earlier fuzz stages missed a heap overflow (B1)
 * and a use-after-free (B2) because no test built the geometries and
 * options that reach them: non-square arenas, user tunings, softmax codes.
 * This target decodes its bytes into one whole configuration -- arena
 * (2..48 points a side, nx != ny and lx != ly, either boundary, or a
 * commensurate box), place code (every tuning, user tunings included, every
 * layout), kernel (every mode and the CENTERED flag, radial and lattice
 * spectra), learner (nonlinearity, coupling, integrator, step, threads,
 * planning, a few steps), attractor (every parameter, both precisions, a
 * few steps, the displacement read-out; in real space, and refusing
 * velocity, on EXACT and UNIFORM kernels, shaped arenas included),
 * amplitude equations, lattices,
 * scorer (variant, annuli, boundary, overlap; the maps the learner and
 * the network made), rate maps, population spectrum, grid modules, and
 * optionally files and FFTW wisdom -- and runs every public entry point
 * on it.  An optional allocation-failure injection
 * (gridform_debug_fail_allocation) sends one allocation of the run down
 * its error path.
 *
 * Input layout: byte 0 global flags (1 hostile raw doubles, 2 inject an
 * allocation failure, 4 files, 8 FFTW wisdom, 16 two learner threads),
 * bytes 1-2 which allocation fails, then nine chunks, one per stage (arena,
 * place code, kernel, learner, attractor, amplitude, lattice, scorer,
 * files), each a length byte and that many bytes of fields read in the
 * order of the code below.  A field past the end of its chunk reads as 0,
 * so every input is a valid configuration.  Bulk arrays (maps, spectra,
 * trajectories) come from a generator seeded by one byte.
 * tests/fuzz/make_corpus_config.py writes the seeds with this layout.
 *
 * Properties checked beyond "no sanitizer report":
 *   - every status is one the function documents, and a failure leaves a
 *     non-empty message that begins with "gridform_";
 *   - an output the manual calls finite is finite after GRIDFORM_OK.
 *
 * The counters in note_reach() mark combinations the issue asks the
 * fuzzer to reach (nx > ny with a user tuning, ...); a coverage report
 * of a corpus replay shows them (see the report of issue 12). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "gridform.h"

#define PI 3.14159265358979323846

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the byte reader ---- */

typedef struct {
    const uint8_t *p;
    size_t n, pos;
    int hostile;   /* raw doubles allowed where a field says so */
} rd;

static unsigned u8(rd *r)
{
    return r->pos < r->n ? r->p[r->pos++] : 0u;
}

static unsigned u16(rd *r)
{
    unsigned lo = u8(r);
    return lo | (u8(r) << 8);
}

/* Log-uniform in [lo, hi] from 16 bits. */
static double logu(rd *r, double lo, double hi)
{
    return lo * pow(hi / lo, (double)u16(r) / 65535.0);
}

/* Uniform in [lo, hi] from 8 bits. */
static double lin(rd *r, double lo, double hi)
{
    return lo + (hi - lo) * (double)u8(r) / 255.0;
}

/* The next stage's bytes: a length byte, then that many bytes (fewer at
 * the end of the input).  Each stage reads only its own chunk, so what one
 * stage reads (which may depend on what the library returned) never shifts
 * the fields of the next. */
static rd chunk(rd *r)
{
    size_t len = u8(r);
    rd c = {r->p + r->pos, 0, 0, r->hostile};
    c.n = len < r->n - r->pos ? len : r->n - r->pos;
    r->pos += c.n;
    return c;
}

/* A raw little-endian double (any bit pattern). */
static double raw(rd *r)
{
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u |= (uint64_t)u8(r) << (8 * i);
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* A sane value in [lo, hi], or, in a hostile input whose selector byte is
 * 255, a raw double (NaN, Inf, subnormal, huge, negative). */
static double param(rd *r, double lo, double hi)
{
    unsigned sel = u8(r);
    if (r->hostile && sel == 255)
        return raw(r);
    return logu(r, lo, hi);
}

/* Bulk arrays (maps, spectra, trajectories) come from a generator seeded
 * by one input byte, not from one byte each: inputs stay short and the
 * mutations go to the configuration. */
typedef struct {
    uint64_t s;
} prng;

static prng prng_from(rd *r)
{
    prng g = {0x9E3779B97F4A7C15ull * (1 + (uint64_t)u8(r))};
    return g;
}

/* splitmix64, uniform in [lo, hi] */
static double noise(prng *g, double lo, double hi)
{
    uint64_t z = (g->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return lo + (hi - lo) * (double)(z >> 11) * 0x1.0p-53;
}

/* ---- checks ---- */

#define ALLOW(...) ((const int[]){__VA_ARGS__, -1})

static void fail(const char *what, const char *fmt, int rc, const char *msg)
{
    fprintf(stderr, "%s: ", what);
    fprintf(stderr, fmt, rc, msg);
    fputc('\n', stderr);
    abort();
}

/* rc must be GRIDFORM_OK or one of allowed; a failure leaves a message
 * naming a public function.  Returns rc. */
static int st(const char *what, int rc, const int *allowed)
{
    if (rc == GRIDFORM_OK)
        return rc;
    int ok = 0;
    for (const int *a = allowed; *a >= 0; a++)
        ok |= *a == rc;
    if (!ok)
        fail(what, "undocumented status %d: %s", rc, gridform_last_error());
    const char *msg = gridform_last_error();
    /* CONTINUE is not a failure and leaves no message */
    if (rc != GRIDFORM_CONTINUE && strncmp(msg, "gridform_", 9) != 0)
        fail(what, "status %d with a message not naming its function: \"%s\"", rc, msg);
    return rc;
}

#define E_ARG GRIDFORM_EINVAL, GRIDFORM_ERANGE, GRIDFORM_ENOMEM
#define E_ALL E_ARG, GRIDFORM_EUNDEFINED, GRIDFORM_EUNSUPPORTED

static void check_finite(const char *what, const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) {
            fprintf(stderr, "%s returned GRIDFORM_OK with %g at [%zu]\n", what, x[i], i);
            abort();
        }
}

/* ---- reach counters (shown by a coverage replay) ---- */

static volatile unsigned long reach_nx_gt_ny_user, reach_nx_gt_ny_softmax, reach_user_ring,
    reach_centered, reach_averaged, reach_attractor_user, reach_alloc_fail;

static void note_reach(size_t nx, size_t ny, int tuning, int stage_ok)
{
    if (nx > ny && tuning == GRIDFORM_TUNING_USER && stage_ok)
        reach_nx_gt_ny_user++;
    if (nx > ny && tuning == GRIDFORM_TUNING_SOFTMAX_DOG && stage_ok)
        reach_nx_gt_ny_softmax++;
}

/* ---- user callbacks ---- */

typedef struct {
    int kind;          /* 0 DoG, 1 Gaussian, 2 anisotropic DoG, 3 hostile */
    double sx, sy, s;  /* widths (m) and surround variance ratio */
    double bad;        /* the hostile value */
} tuning_user;

static double user_tuning(double dx, double dy, void *u)
{
    const tuning_user *t = u;
    double ax = dx / t->sx, ay = dy / t->sy, r2 = ax * ax + ay * ay;
    double c = exp(-0.5 * r2) / (2 * PI * t->sx * t->sy);
    switch (t->kind) {
    case 1:
        return c;
    case 3:
        return (dx > 0 && dy > 0) ? t->bad : c;
    default:
        return c - exp(-0.5 * r2 / t->s) / (2 * PI * t->s * t->sx * t->sy);
    }
}

typedef struct {
    int kind;          /* 0 DoG spectrum, 1 band (ring), 2 hostile */
    double sigma, s, k0, bad;
} spectrum_user;

static double user_spectrum(double k, void *u)
{
    const spectrum_user *p = u;
    double v = p->sigma * p->sigma * k * k;
    switch (p->kind) {
    case 1:
        return exp(-(k - p->k0) * (k - p->k0) / (0.1 * p->k0 * p->k0 + 1e-12));
    case 2:
        return k > p->k0 ? p->bad : 1.0;
    default: {
        double d = exp(-0.5 * v) - exp(-0.5 * p->s * v);
        return d * d;
    }
    }
}

static int cancel_after;   /* progress callbacks ask to stop after this many calls (0: never) */
static int progress_calls;

static int progress(size_t done, size_t total, double value, void *user)
{
    (void)done;
    (void)total;
    (void)value;
    (void)user;
    progress_calls++;
    return cancel_after > 0 && progress_calls >= cancel_after;
}

/* ---- work space (sizes: 48 x 48 points, 4 maps, 64 cells) ---- */

#define NMAX 48
#define MAPS 4
#define CELLS 64
#define NPOS 256

static double maps[MAPS * NMAX * NMAX], maps2[MAPS * NMAX * NMAX], spec[NMAX * (NMAX / 2 + 1)];
static double xy[2 * NMAX * NMAX], resp[NPOS * CELLS], centers[2 * CELLS];
static double sac[(2 * NMAX) * (2 * NMAX)], rates[NMAX * NMAX], traj[2 * NPOS], act[NPOS * 3];
static double rmaps[3 * NMAX * NMAX], occ[NMAX * NMAX];
static double s60[MAPS + 3], s90[MAPS + 3], spc[MAPS + 3], ori[MAPS + 3];
static char tmpdir[4096];
static int tracing;   /* FUZZ_CONFIG_TRACE=1: print each decoded configuration */

#define TRACE(...) \
    do { if (tracing) fprintf(stderr, __VA_ARGS__); } while (0)

/* At exit: how often the combinations of issue 12 were reached (the CI
 * fuzz stage prints this line). */
static void print_reach(void)
{
    fprintf(stderr,
            "fuzz_config reach: nx>ny with a user tuning and a ring %lu, nx>ny softmax with a ring %lu, "
            "user-tuning ring %lu, user-tuning attractor %lu, AVERAGED %lu, CENTERED set %lu, "
            "allocation failures injected %lu\n",
            reach_nx_gt_ny_user, reach_nx_gt_ny_softmax, reach_user_ring, reach_attractor_user, reach_averaged,
            reach_centered, reach_alloc_fail);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    atexit(print_reach);
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/fuzz_config.%ld", t && *t ? t : "/tmp", (long)getpid());
    const char *tr = getenv("FUZZ_CONFIG_TRACE");
    tracing = tr != NULL && *tr == '1';
    return 0;
}

/* ---- stages ---- */

typedef struct {
    gridform_arena *arena;
    gridform_placecode *pc;
    gridform_kernel *k;
    size_t nx, ny, nmaps, nlearned;
    double lx, ly;
    int boundary, tuning, have_learned, have_rates;
    tuning_user tu;
    spectrum_user su;
} world;

/* Points a sampled tuning (user or softmax) may have: its ring search
 * evaluates the tuning's Fourier transform some 5000 times, each a sum
 * over the arena, and runs three times per configuration (ring, network,
 * amplitude equations); under the fuzzer's instrumentation a 48 x 36 arena
 * took 5 s per search.  nx > ny stays reachable at every nx (48 x 4). */
#define SAMPLED_TUNING_POINTS 192

static void stage_arena(rd *r, world *w, int sampled_tuning)
{
    w->nx = 2 + u8(r) % 47;
    w->ny = 2 + u8(r) % 47;
    if (sampled_tuning && w->nx * w->ny > SAMPLED_TUNING_POINTS) {
        /* scale both sides, keeping which one is longer */
        double f = sqrt((double)SAMPLED_TUNING_POINTS / (double)(w->nx * w->ny));
        size_t nx = (size_t)((double)w->nx * f), ny = (size_t)((double)w->ny * f);
        nx = nx < 2 ? 2 : nx;
        ny = ny < 2 ? 2 : ny;
        if (w->nx > w->ny && nx <= ny)
            nx = ny + 1;
        if (w->nx < w->ny && ny <= nx)
            ny = nx + 1;
        w->nx = nx;
        w->ny = ny;
    }
    unsigned shape = u8(r);
    w->lx = (shape & 1) ? raw(r) : logu(r, 0.05, 20.0);
    w->ly = (shape & 2) ? raw(r) : logu(r, 0.05, 20.0);
    if (!r->hostile) {   /* raw extents only in hostile inputs */
        if (!isfinite(w->lx) || w->lx <= 0) w->lx = 2.2;
        if (!isfinite(w->ly) || w->ly <= 0) w->ly = 1.1;
    }
    unsigned b = u8(r);
    w->boundary = (b & 3) == 2 ? GRIDFORM_WALLED : GRIDFORM_PERIODIC;
    if (r->hostile && (b & 3) == 3)
        w->boundary = (int)(b >> 2) - 8;   /* invalid codes too */
    int rc;
    if ((b & 12) == 12) {
        /* a box holding a hexagonal lattice of wavenumber k exactly */
        double k = param(r, 1.0, 60.0);
        size_t periods = 1 + u8(r) % 6;
        rc = st("arena_create_commensurate",
                gridform_arena_create_commensurate(&w->arena, k, periods, w->nx, w->boundary), ALLOW(E_ARG));
    } else if (w->boundary == GRIDFORM_WALLED && (b & 12) == 4) {
        /* a shaped arena (issue 22): a star-shaped polygon around the
         * origin, optionally with a triangular hole, vertices anywhere in a
         * hostile input (self-intersecting, outside the box, NaN: refused) */
        double pxy[2 * 15];
        size_t m = 3 + u8(r) % 10, rings[2] = {0, 3}, nr = 1;
        for (size_t i = 0; i < m; i++) {
            double t = 2.0 * 3.14159265358979 * ((double)i + lin(r, 0.0, 0.9)) / (double)m;
            double rad = lin(r, 0.05, 0.5);
            pxy[2 * i] = rad * w->lx * cos(t);
            pxy[2 * i + 1] = rad * w->ly * sin(t);
        }
        rings[0] = m;
        unsigned hole = u8(r);
        if (hole & 1) {
            double hr = lin(r, 0.01, 0.2);
            for (size_t i = 0; i < 3; i++) {
                pxy[2 * (m + i)] = hr * w->lx * cos(2.1 * (double)i);
                pxy[2 * (m + i) + 1] = hr * w->ly * sin(2.1 * (double)i);
            }
            nr = 2;
        }
        if (r->hostile && (hole & 0x80))
            pxy[u8(r) % (2 * m)] = raw(r);
        rc = st("arena_create_polygon",
                gridform_arena_create_polygon(&w->arena, w->lx, w->ly, w->nx, w->ny, pxy, rings, nr),
                ALLOW(E_ARG));
    } else if (w->boundary == GRIDFORM_WALLED && (b & 12) == 8) {
        /* a mask: an ellipse of some fraction of the box, optionally with
         * bins removed along a row (a wall, which may cut it in two) */
        static unsigned char inside[NMAX * NMAX];
        double fr = lin(r, 0.1, 1.2);
        unsigned wall = u8(r);
        size_t wrow = w->ny / 2, wlen = (size_t)(wall >> 1) % (w->nx + 1);
        for (size_t iy = 0; iy < w->ny; iy++)
            for (size_t ix = 0; ix < w->nx; ix++) {
                double x = ((double)ix + 0.5) / (double)w->nx - 0.5, y = ((double)iy + 0.5) / (double)w->ny - 0.5;
                int in = x * x + y * y <= 0.25 * fr * fr;
                if ((wall & 1) && iy == wrow && ix < wlen)
                    in = 0;
                inside[iy * w->nx + ix] = (unsigned char)in;
            }
        rc = st("arena_create_mask", gridform_arena_create_mask(&w->arena, w->lx, w->ly, w->nx, w->ny, inside),
                ALLOW(E_ARG));
    } else {
        rc = st("arena_create", gridform_arena_create(&w->arena, w->lx, w->ly, w->nx, w->ny, w->boundary),
                ALLOW(E_ARG));
    }
    if (rc == GRIDFORM_OK && (b & 12) == 12) {
        /* the commensurate box chooses its own row count (about 1.15 nx,
         * at least 2 m + 1): keep it inside this harness's buffers and
         * the sampled tunings' budget */
        size_t cx = 0, cy = 0;
        (void)gridform_arena_get_shape(w->arena, &cx, &cy);
        if (cx > NMAX || cy > NMAX || (sampled_tuning && cx * cy > 2 * SAMPLED_TUNING_POINTS)) {
            gridform_arena_destroy(w->arena);
            rc = GRIDFORM_ERANGE;
        }
    }
    if (rc != GRIDFORM_OK) {
        w->arena = NULL;
        return;
    }
    gridform_arena *a = w->arena;
    size_t nx, ny, nf;
    double dx, dy, dA;
    int bd;
    st("arena_get_shape", gridform_arena_get_shape(a, &nx, &ny), ALLOW(E_ARG));
    st("arena_get_extent", gridform_arena_get_extent(a, &w->lx, &w->ly), ALLOW(E_ARG));
    st("arena_get_boundary", gridform_arena_get_boundary(a, &bd), ALLOW(E_ARG));
    w->nx = nx;
    w->ny = ny;
    w->boundary = bd;
    TRACE("arena %zu x %zu, %g x %g m, boundary %d%s\n", w->nx, w->ny, w->lx, w->ly, w->boundary,
          (b & 12) == 12 ? " (commensurate)" : "");
    if (st("arena_get_spacing", gridform_arena_get_spacing(a, &dx, &dy, &dA), ALLOW(E_ARG)) == GRIDFORM_OK) {
        double v[3] = {dx, dy, dA};
        check_finite("gridform_arena_get_spacing", v, 3);
    }
    if (st("arena_positions", gridform_arena_positions(a, xy), ALLOW(E_ARG)) == GRIDFORM_OK)
        check_finite("gridform_arena_positions", xy, 2 * nx * ny);
    static unsigned char got_mask[NMAX * NMAX];
    st("arena_get_mask", gridform_arena_get_mask(a, got_mask), ALLOW(E_ARG));
    if (st("arena_get_nfreq", gridform_arena_get_nfreq(a, &nf), ALLOW(E_ARG)) == GRIDFORM_OK
        && st("arena_wavevectors", gridform_arena_wavevectors(a, xy), ALLOW(E_ARG)) == GRIDFORM_OK)
        check_finite("gridform_arena_wavevectors", xy, 2 * nf);
    (void)gridform_arena_last_error(a);
}

static void stage_placecode(rd *r, world *w)
{
    unsigned t = u8(r);
    int tuning = (int)(t % 4) + 1;
    double sigma = param(r, 0.01, 1.0);
    double surround = 1.0 + param(r, 0.05, 8.0);
    size_t ncells = 1 + u8(r) % CELLS;
    unsigned lay = u8(r);
    int layout = (lay % 3) == 2 ? GRIDFORM_CENTERS_RANDOM : GRIDFORM_CENTERS_LATTICE;
    uint64_t seed = u8(r);
    /* USER is set after creating with a built-in tuning */
    int create_tuning = tuning == GRIDFORM_TUNING_USER ? GRIDFORM_TUNING_DOG : tuning;
    if (r->hostile && (t & 0x80))
        create_tuning = (int)(t >> 4);   /* invalid tunings too */
    w->tuning = tuning;
    if (st("placecode_create", gridform_placecode_create(&w->pc, w->arena, create_tuning, sigma, surround,
                                                          ncells, layout, seed), ALLOW(E_ARG)) != GRIDFORM_OK) {
        w->pc = NULL;
        return;
    }
    gridform_placecode *pc = w->pc;
    TRACE("placecode tuning %d (created as %d), sigma %g, s %g, %zu cells, layout %u\n", tuning, create_tuning,
          sigma, surround, ncells, lay % 3);
    if (tuning == GRIDFORM_TUNING_USER) {
        unsigned kind = u8(r);
        w->tu.kind = (int)(kind % (r->hostile ? 4 : 3));
        w->tu.sx = sigma;
        w->tu.sy = w->tu.kind == 2 ? sigma * lin(r, 0.5, 2.0) : sigma;
        w->tu.s = surround;
        w->tu.bad = (kind & 0x80) ? raw(r) : NAN;
        st("placecode_set_tuning_fn", gridform_placecode_set_tuning_fn(pc, user_tuning, &w->tu), ALLOW(E_ARG));
    }
    if ((lay % 3) == 1) {
        /* user centres: in the box, or anywhere in a hostile input */
        for (size_t c = 0; c < ncells; c++) {
            centers[2 * c] = (lin(r, -0.6, 0.6)) * w->lx;
            centers[2 * c + 1] = (lin(r, -0.6, 0.6)) * w->ly;
        }
        if (r->hostile && (lay & 0x80))
            centers[0] = raw(r);
        st("placecode_set_centers", gridform_placecode_set_centers(pc, centers, ncells), ALLOW(E_ARG));
    }
    if (lay & 0x40) {
        /* geodesic tuning (the Euclidean distance on a box or a torus) */
        int dist = r->hostile && (lay & 0x20) ? (int)u8(r) - 128 : GRIDFORM_DISTANCE_GEODESIC;
        st("placecode_set_distance", gridform_placecode_set_distance(pc, dist), ALLOW(E_ARG));
        int got;
        st("placecode_get_distance", gridform_placecode_get_distance(pc, &got), ALLOW(E_ARG));
    }
    size_t nc;
    int tk;
    double sg, su;
    st("placecode_get_ncells", gridform_placecode_get_ncells(pc, &nc), ALLOW(E_ARG));
    st("placecode_get_tuning", gridform_placecode_get_tuning(pc, &tk, &sg, &su), ALLOW(E_ARG));
    if (st("placecode_get_centers", gridform_placecode_get_centers(pc, centers), ALLOW(E_ARG)) == GRIDFORM_OK)
        check_finite("gridform_placecode_get_centers", centers, 2 * nc);
    (void)gridform_placecode_get_arena(pc);
    (void)gridform_placecode_last_error(pc);
    /* responses at a few positions, some outside the box */
    size_t npos = 1 + u8(r) % 8;
    for (size_t i = 0; i < npos; i++) {
        traj[2 * i] = lin(r, -0.7, 0.7) * w->lx;
        traj[2 * i + 1] = lin(r, -0.7, 0.7) * w->ly;
    }
    if (npos * nc <= NPOS * CELLS)
        st("placecode_response", gridform_placecode_response(pc, traj, npos, resp), ALLOW(E_ALL));
}

static void stage_kernel(rd *r, world *w)
{
    unsigned m = u8(r);
    int flags = (m & 0x80) ? GRIDFORM_KERNEL_CENTERED : 0;
    int rc;
    /* low nibble: the kind; 0x10 set_centered's value, 0x20 call it, 0x40
     * invalid modes (hostile) or UNIFORM for EXACT (otherwise), 0x80
     * GRIDFORM_KERNEL_CENTERED */
    switch ((m & 15) % 6) {
    case 0: case 1: case 2: {
        static const int modes[3] = {GRIDFORM_KERNEL_FOURIER, GRIDFORM_KERNEL_EXACT, GRIDFORM_KERNEL_AVERAGED};
        if (w->pc == NULL)
            return;
        int mode = modes[(m & 15) % 6] | flags;
        if (r->hostile && (m & 0x40))
            mode = (int)u16(r) - 256;   /* invalid modes and flags */
        else if ((m & 0x40) && (m & 15) % 6 == 1)
            mode = GRIDFORM_KERNEL_UNIFORM | flags;   /* uniform density over the (shaped) arena */
        rc = st("kernel_create", gridform_kernel_create(&w->k, w->pc, mode), ALLOW(E_ALL));
        if ((mode & GRIDFORM_KERNEL_MODE_MASK) == GRIDFORM_KERNEL_AVERAGED && rc == GRIDFORM_OK)
            reach_averaged++;
        break;
    }
    case 3:
        w->su.kind = (int)(u8(r) % (r->hostile ? 3 : 2));
        w->su.sigma = logu(r, 0.01, 1.0);
        w->su.s = 1.0 + logu(r, 0.05, 8.0);
        w->su.k0 = logu(r, 0.5, 60.0);
        w->su.bad = raw(r);
        rc = st("kernel_create_radial", gridform_kernel_create_radial(&w->k, w->arena, user_spectrum, &w->su),
                ALLOW(E_ALL));
        break;
    case 4: {
        size_t nf = 0;
        gridform_arena_get_nfreq(w->arena, &nf);
        double k0 = logu(r, 0.5, 60.0);
        prng g = prng_from(r);
        gridform_arena_wavevectors(w->arena, xy);
        for (size_t i = 0; i < nf; i++) {
            double kk = hypot(xy[2 * i], xy[2 * i + 1]);
            spec[i] = exp(-(kk - k0) * (kk - k0) / (0.2 * k0 * k0)) * (1.0 + 0.1 * noise(&g, -1, 1));
        }
        if (r->hostile && (m & 0x40)) {
            size_t at = u8(r) % nf;
            spec[at] = raw(r);
        }
        rc = st("kernel_create_spectrum", gridform_kernel_create_spectrum(&w->k, w->arena, spec), ALLOW(E_ALL));
        break;
    }
    default:
        if (w->pc == NULL)
            return;
        rc = st("kernel_create", gridform_kernel_create(&w->k, w->pc, (int)u16(r) - 4), ALLOW(E_ALL));
        break;
    }
    if (rc != GRIDFORM_OK) {
        w->k = NULL;
        return;
    }
    gridform_kernel *k = w->k;
    TRACE("kernel kind %u (byte 0x%02x)\n", (m & 15) % 6, m);
    if (m & 0x20) {
        rc = st("kernel_set_centered", gridform_kernel_set_centered(k, (m & 0x10) ? 1 : 0), ALLOW(E_ALL));
        if (rc == GRIDFORM_OK && (m & 0x10))
            reach_centered++;
    }
    int mode;
    st("kernel_get_mode", gridform_kernel_get_mode(k, &mode), ALLOW(E_ARG));
    (void)gridform_kernel_get_arena(k);
    (void)gridform_kernel_last_error(k);
    size_t n = w->nx * w->ny, nf;
    gridform_arena_get_nfreq(w->arena, &nf);
    prng g = prng_from(r);
    for (size_t i = 0; i < n; i++)
        maps2[i] = noise(&g, -1, 1);
    if (st("kernel_apply", gridform_kernel_apply(k, maps2, maps, 1), ALLOW(E_ALL)) == GRIDFORM_OK)
        check_finite("gridform_kernel_apply", maps, n);
    if (st("kernel_spectrum", gridform_kernel_spectrum(k, spec), ALLOW(E_ALL)) == GRIDFORM_OK)
        check_finite("gridform_kernel_spectrum", spec, nf);
    double kmag[4] = {0.0, 0.0, 0.0, 1.0}, prof[4];
    kmag[1] = logu(r, 0.1, 100.0);
    kmag[2] = logu(r, 0.1, 100.0);
    if (r->hostile)
        kmag[3] = raw(r);
    rc = st("kernel_radial_profile", gridform_kernel_radial_profile(k, kmag, 4, prof), ALLOW(E_ALL));
    if (rc == GRIDFORM_OK)
        check_finite("gridform_kernel_radial_profile", prof, 4);
    double kstar, spacing;
    rc = st("kernel_ring", gridform_kernel_ring(k, &kstar, &spacing), ALLOW(E_ALL));
    if (rc == GRIDFORM_OK) {
        double v[2] = {kstar, spacing};
        check_finite("gridform_kernel_ring", v, 2);
        if (w->tuning == GRIDFORM_TUNING_USER)
            reach_user_ring++;
    }
    TRACE("kernel_ring rc %d k* %g\n", rc, kstar);
    note_reach(w->nx, w->ny, w->tuning, rc == GRIDFORM_OK);
    size_t mult[8], ns;
    double km[8], val[8];
    st("kernel_shells", gridform_kernel_shells(k, u8(r) % 9, km, val, mult, &ns), ALLOW(E_ALL));
}

static void stage_learner(rd *r, world *w, unsigned gflags)
{
    size_t nmaps = 1 + u8(r) % MAPS;
    gridform_learner *l = NULL;
    if (st("learner_create", gridform_learner_create(&l, w->k, nmaps), ALLOW(E_ALL)) != GRIDFORM_OK)
        return;
    unsigned o = u8(r);
    int nl = (int)(o % 4) + 1;
    double strength = param(r, 1e-3, 10.0);
    st("learner_set_nonlinearity", gridform_learner_set_nonlinearity(l, nl, strength), ALLOW(E_ALL));
    st("learner_set_coupling", gridform_learner_set_coupling(l, (int)((o >> 2) % 3) + 1), ALLOW(E_ALL));
    st("learner_set_integrator", gridform_learner_set_integrator(l, (int)((o >> 4) % 2) + 1), ALLOW(E_ALL));
    double lim = 0, dt = 0, factor = (o & 0x20) ? param(r, 0.01, 3.0) : 0.0;
    if (st("learner_get_euler_limit", gridform_learner_get_euler_limit(l, &lim), ALLOW(E_ALL)) == GRIDFORM_OK
        && (o & 0x20))
        st("learner_set_step", gridform_learner_set_step(l, lim * factor), ALLOW(E_ALL));
    st("learner_get_step", gridform_learner_get_step(l, &dt), ALLOW(E_ALL));
    if (gflags & 16)
        st("learner_set_threads", gridform_learner_set_threads(l, 2), ALLOW(E_ALL));
    /* MEASURE and PATIENT plan by timing: only on small sheets */
    int rigor = (o & 0x40) && w->nx * w->ny <= 256 ? ((o & 0x80) ? GRIDFORM_PLAN_PATIENT : GRIDFORM_PLAN_MEASURE)
                                                  : GRIDFORM_PLAN_ESTIMATE;
    st("learner_set_planning", gridform_learner_set_planning(l, rigor), ALLOW(E_ALL));
    uint64_t seed = u8(r);
    double amp = param(r, 1e-6, 10.0);
    st("learner_seed", gridform_learner_seed(l, seed, amp), ALLOW(E_ALL));
    size_t n = w->nx * w->ny;
    /* bit 0: set maps; bit 1: single precision; bit 2: spectral truncation
     * epsilon 10^-(b >> 3) (bits 3-7 all set: 0, keep every bin) */
    unsigned mb = u8(r);
    if (mb & 1) {
        prng g = prng_from(r);
        for (size_t i = 0; i < nmaps * n; i++)
            maps2[i] = noise(&g, -1, 1);
        st("learner_set_maps", gridform_learner_set_maps(l, maps2), ALLOW(E_ALL));
    }
    if (mb & 2)
        st("learner_set_precision", gridform_learner_set_precision(l, GRIDFORM_PRECISION_SINGLE), ALLOW(E_ALL));
    if (mb & 4)
        st("learner_set_truncation",
           gridform_learner_set_truncation(l, (mb >> 3) == 31 ? 0.0 : pow(10.0, -(double)(mb >> 3))), ALLOW(E_ALL));
    int lprec;
    double eps;
    size_t kept;
    st("learner_get_precision", gridform_learner_get_precision(l, &lprec), ALLOW(E_ALL));
    st("learner_get_truncation", gridform_learner_get_truncation(l, &eps, &kept), ALLOW(E_ALL));
    /* EACCURACY: documented for a SOFT/TANH strength far beyond max
     * Sigma~ (the fuzzer's 7.7e151 with max Sigma~ 0.27), whose time scale
     * lies below the ETD step's floor */
    st("learner_iterate", gridform_learner_iterate(l, u8(r) % 6),
       ALLOW(E_ALL, GRIDFORM_EDIVERGED, GRIDFORM_EACCURACY));
    cancel_after = (int)(u8(r) % 3);
    progress_calls = 0;
    size_t max_steps = 1 + u8(r) % 8;
    double tol = logu(r, 1e-8, 1.0);
    st("learner_run", gridform_learner_run(l, max_steps, tol, (o & 1) ? progress : NULL, NULL),
       ALLOW(E_ALL, GRIDFORM_EDIVERGED, GRIDFORM_ECANCELED, GRIDFORM_CONTINUE, GRIDFORM_EACCURACY));
    /* A trailing byte (0 in every older input, so their decoding is
     * unchanged): bit 0 switches to GRIDFORM_INTEGRATOR_ACTIVE_SET (refused
     * with EUNSUPPORTED where it cannot step) and steps on from the maps
     * above, 1 to 4 steps, then the residual: finite with GRIDFORM_OK,
     * ERANGE where it is beyond double (a strength near DBL_MAX). */
    unsigned ao = u8(r);
    if (ao & 1) {
        st("learner_set_integrator", gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_ACTIVE_SET),
           ALLOW(E_ALL));
        st("learner_iterate", gridform_learner_iterate(l, 1 + (ao >> 1) % 4),
           ALLOW(E_ALL, GRIDFORM_EDIVERGED, GRIDFORM_EACCURACY));
    }
    /* every integrator's residual (it was Inf with GRIDFORM_OK for a
     * strength beyond 1e150 max Sigma~ or a spectrum of 1e180) */
    double res;
    if (st("learner_get_residual", gridform_learner_get_residual(l, &res), ALLOW(E_ALL)) == GRIDFORM_OK)
        check_finite("gridform_learner_get_residual", &res, 1);
    double per[MAPS], total, t;
    size_t steps, nm;
    if (st("learner_objective", gridform_learner_objective(l, per, &total), ALLOW(E_ALL)) == GRIDFORM_OK)
        check_finite("gridform_learner_objective", per, nmaps);
    st("learner_get_time", gridform_learner_get_time(l, &t, &steps), ALLOW(E_ALL));
    st("learner_get_nmaps", gridform_learner_get_nmaps(l, &nm), ALLOW(E_ALL));
    if (st("learner_get_maps", gridform_learner_get_maps(l, maps), ALLOW(E_ALL)) == GRIDFORM_OK) {
        check_finite("gridform_learner_get_maps", maps, nmaps * n);
        w->have_learned = 1;
        w->nlearned = nmaps;
    }
    (void)gridform_learner_last_error(l);
    gridform_learner_destroy(l);
}

static void stage_attractor(rd *r, world *w)
{
    gridform_attractor *a = NULL;
    int rc = st("attractor_create", gridform_attractor_create(&a, w->k), ALLOW(E_ALL));
    if (rc != GRIDFORM_OK)
        return;
    if (w->tuning == GRIDFORM_TUNING_USER)
        reach_attractor_user++;
    TRACE("attractor created\n");
    unsigned o = u8(r);
    if (o & 1) st("attractor_set_gain", gridform_attractor_set_gain(a, param(r, 0.01, 5.0)), ALLOW(E_ALL));
    if (o & 2) st("attractor_set_tau", gridform_attractor_set_tau(a, param(r, 1e-3, 1.0)), ALLOW(E_ALL));
    if (o & 4) st("attractor_set_dt", gridform_attractor_set_dt(a, param(r, 1e-4, 0.1)), ALLOW(E_ALL));
    if (o & 8) st("attractor_set_input", gridform_attractor_set_input(a, lin(r, -2, 2)), ALLOW(E_ALL));
    unsigned nlb = u8(r);   /* 0 invalid, LINEAR, RELU, SOFT (refused), TANH */
    st("attractor_set_nonlinearity", gridform_attractor_set_nonlinearity(a, (int)(nlb % 5)), ALLOW(E_ALL));
    if (o & 0x40) {
        double shift = param(r, 1e-4, 1.0), alpha = lin(r, -1, 1), vx = lin(r, -1, 1), vy = lin(r, -1, 1);
        st("attractor_set_velocity_coupling", gridform_attractor_set_velocity_coupling(a, shift, alpha),
           ALLOW(E_ALL));
        st("attractor_set_velocity", gridform_attractor_set_velocity(a, vx, vy), ALLOW(E_ALL));
    }
    if (o & 0x80)
        st("attractor_set_precision", gridform_attractor_set_precision(a, GRIDFORM_PRECISION_SINGLE),
           ALLOW(E_ALL));
    int prec;
    st("attractor_get_precision", gridform_attractor_get_precision(a, &prec), ALLOW(E_ALL));
    double g = 0, tau = 1, dt = 0, b = 0;
    int nl;
    st("attractor_get_parameters", gridform_attractor_get_parameters(a, &g, &tau, &dt, &b, &nl), ALLOW(E_ALL));
    /* Intervals of more than 1e4 tau are refused (EINVAL); between 2 and
     * 1e4 tau they are legal, but the up to 90 intervals below then span
     * hundreds of tau at 8 to 32 steps per tau (tau = 1e-3 s, dt = 0.063
     * s, TANH: 80000 steps, 18 s), too slow for one input (a timeout, not
     * a bug): stepping is skipped there. */
    int slow = dt > 2 * tau && dt <= 1e4 * tau;
    size_t n = w->nx * w->ny;
    if (u8(r) & 1) {
        prng g = prng_from(r);
        for (size_t i = 0; i < n; i++)
            rates[i] = noise(&g, 0, 2);
        st("attractor_set_rates", gridform_attractor_set_rates(a, rates), ALLOW(E_ALL));
    } else {
        uint64_t seed = u8(r);
        double amp = param(r, 1e-6, 1.0);
        st("attractor_seed", gridform_attractor_seed(a, seed, amp), ALLOW(E_ALL));
    }
    size_t nint = u8(r) % 40;
    if (!slow)
        st("attractor_iterate", gridform_attractor_iterate(a, nint),
           ALLOW(E_ALL, GRIDFORM_EDIVERGED, GRIDFORM_EACCURACY));
    cancel_after = (int)(u8(r) % 3);
    progress_calls = 0;
    size_t max_steps = 1 + u8(r) % 40;
    double tol = logu(r, 1e-8, 1.0);
    if (!slow)
        st("attractor_run", gridform_attractor_run(a, max_steps, tol, (o & 1) ? progress : NULL, NULL),
           ALLOW(E_ALL, GRIDFORM_EDIVERGED, GRIDFORM_ECANCELED, GRIDFORM_CONTINUE, GRIDFORM_EACCURACY));
    rc = st("attractor_get_rates", gridform_attractor_get_rates(a, rates), ALLOW(E_ALL, GRIDFORM_EDIVERGED));
    if (rc == GRIDFORM_OK || rc == GRIDFORM_EDIVERGED) {
        /* after a runaway the last finite state is given out (issue 12, W4) */
        check_finite("gridform_attractor_get_rates", rates, n);
        w->have_rates = rc == GRIDFORM_OK;
    }
    double t, dx, dy;
    size_t more = u8(r) % 10;
    st("attractor_get_time", gridform_attractor_get_time(a, &t), ALLOW(E_ALL));
    if (st("attractor_reset_displacement", gridform_attractor_reset_displacement(a),
           ALLOW(E_ALL, GRIDFORM_EDIVERGED)) == GRIDFORM_OK) {
        if (!slow)
            st("attractor_iterate", gridform_attractor_iterate(a, more),
               ALLOW(E_ALL, GRIDFORM_EDIVERGED, GRIDFORM_EACCURACY));
        rc = st("attractor_get_displacement", gridform_attractor_get_displacement(a, &dx, &dy),
                ALLOW(E_ALL, GRIDFORM_EDIVERGED));
        if (rc == GRIDFORM_OK) {
            double v[2] = {dx, dy};
            check_finite("gridform_attractor_get_displacement", v, 2);
        }
    }
    (void)gridform_attractor_last_error(a);
    gridform_attractor_destroy(a);
}

static void stage_amplitude(rd *r, world *w)
{
    gridform_amplitude *am = NULL;
    if (st("amplitude_create", gridform_amplitude_create(&am), ALLOW(E_ALL)) != GRIDFORM_OK)
        return;
    unsigned o = u8(r);
    double strength = param(r, 1e-3, 10.0);
    double mu0 = lin(r, -1, 1), gamma0 = lin(r, -1, 1), g00 = param(r, 1e-3, 10.0), g10 = lin(r, -2, 2);
    if ((o & 1) && w->k != NULL)
        st("amplitude_from_kernel", gridform_amplitude_from_kernel(am, w->k, (int)(((o >> 1) & 7) % 5), strength),
           ALLOW(E_ALL));
    else
        st("amplitude_set_coefficients", gridform_amplitude_set_coefficients(am, mu0, gamma0, g00, g10),
           ALLOW(E_ALL));
    double mu, ga, g0, g1, state[6], t;
    st("amplitude_get_coefficients", gridform_amplitude_get_coefficients(am, &mu, &ga, &g0, &g1), ALLOW(E_ALL));
    if (o & 0x10) {
        for (int i = 0; i < 6; i++)
            state[i] = lin(r, -1, 1);
        st("amplitude_set_state", gridform_amplitude_set_state(am, state), ALLOW(E_ALL));
    } else {
        uint64_t seed = u8(r);
        double amp = param(r, 1e-6, 1.0);
        st("amplitude_seed", gridform_amplitude_seed(am, seed, amp), ALLOW(E_ALL));
    }
    double adt = param(r, 1e-3, 1.0);
    size_t asteps = u8(r) % 50;
    st("amplitude_iterate", gridform_amplitude_iterate(am, adt, asteps), ALLOW(E_ALL, GRIDFORM_EDIVERGED));
    st("amplitude_get_time", gridform_amplitude_get_time(am, &t), ALLOW(E_ALL));
    if (st("amplitude_get_state", gridform_amplitude_get_state(am, state), ALLOW(E_ALL)) == GRIDFORM_OK)
        check_finite("gridform_amplitude_get_state", state, 6);
    st("amplitude_set_tolerance", gridform_amplitude_set_tolerance(am, param(r, 1e-6, 0.5)), ALLOW(E_ALL));
    int pattern, ex, stab;
    st("amplitude_classify", gridform_amplitude_classify(am, &pattern), ALLOW(E_ALL));
    for (int p = 1; p <= 5; p++) {
        double amp;
        st("amplitude_stability", gridform_amplitude_stability(am, p, &ex, &stab), ALLOW(E_ALL));
        if (st("amplitude_fixed_point", gridform_amplitude_fixed_point(am, p, &amp), ALLOW(E_ALL)) == GRIDFORM_OK)
            check_finite("gridform_amplitude_fixed_point", &amp, 1);
    }
    (void)gridform_amplitude_last_error(am);
    gridform_amplitude_destroy(am);
}

static void stage_lattice(rd *r, world *w)
{
    unsigned o = u8(r);
    int lattice = (int)((o & 3) % 3) + 1;
    double k = param(r, 0.5, 80.0), angle = lin(r, -4, 4);
    double kxky[6], kused;
    size_t nw;
    int rc = st("lattice_wavevectors", gridform_lattice_wavevectors(w->arena, lattice, k, angle, kxky, &nw, &kused),
                ALLOW(E_ALL));
    if (rc == GRIDFORM_OK)
        check_finite("gridform_lattice_wavevectors", kxky, 2 * nw);
    size_t n = w->nx * w->ny;
    double px = lin(r, -1, 1), py = lin(r, -1, 1), strength = param(r, 1e-3, 10.0);
    prng g = prng_from(r);
    rc = st("lattice_synthesize", gridform_lattice_synthesize(w->arena, lattice, k, angle, px, py, maps2),
            ALLOW(E_ALL));
    if (rc != GRIDFORM_OK) {
        for (size_t i = 0; i < n; i++)
            maps2[i] = noise(&g, -1, 1);
    } else
        check_finite("gridform_lattice_synthesize", maps2, n);
    double gain, value;
    if (st("cubic_gain", gridform_cubic_gain(w->arena, maps2, &gain), ALLOW(E_ALL)) == GRIDFORM_OK)
        check_finite("gridform_cubic_gain", &gain, 1);
    if (w->k != NULL
        && st("pattern_objective",
              gridform_pattern_objective(w->k, maps2, (int)(((o >> 2) & 7) % 5), strength, &value),
              ALLOW(E_ALL, GRIDFORM_EDIVERGED)) == GRIDFORM_OK)
        check_finite("gridform_pattern_objective", &value, 1);
}

static void stage_scorer(rd *r, world *w)
{
    gridform_scorer *s = NULL;
    if (st("scorer_create", gridform_scorer_create(&s, w->arena), ALLOW(E_ALL)) != GRIDFORM_OK)
        return;
    /* o2: 1 unit variance, 2 no orientations, 4 a NaN position, 8 set
     * automatic annuli (16: on) */
    unsigned o = u8(r), o2 = u8(r);
    double L = fmin(w->lx, w->ly);
    if (o & 1)
        st("scorer_set_variant", gridform_scorer_set_variant(s, (o & 2) ? GRIDFORM_GRIDNESS_MINMAX : (int)u8(r)),
           ALLOW(E_ALL));
    if (o & 4) {
        double in = lin(r, 0, 0.4) * L, omin = lin(r, 0.2, 0.8) * L, omax = lin(r, 0.5, 1.6) * L;
        size_t count = 1 + u8(r) % 12;
        st("scorer_set_annuli_m", gridform_scorer_set_annuli_m(s, in, omin, omax, count), ALLOW(E_ALL));
    }
    if (o & 8)
        st("scorer_set_boundary",
           gridform_scorer_set_boundary(s, (o & 16) ? GRIDFORM_PERIODIC : GRIDFORM_WALLED), ALLOW(E_ALL));
    if (o & 32)
        st("scorer_set_min_overlap", gridform_scorer_set_min_overlap(s, u8(r) % 48), ALLOW(E_ALL));
    if (o2 & 8)
        st("scorer_set_annuli_auto", gridform_scorer_set_annuli_auto(s, (o2 & 16) ? 1 : 0), ALLOW(E_ALL));
    int autoann;
    st("scorer_get_annuli_auto", gridform_scorer_get_annuli_auto(s, &autoann), ALLOW(E_ALL));
    /* The maps: what the learner and the network made, a lattice, noise,
     * holes, and in hostile inputs raw values. */
    size_t n = w->nx * w->ny, nm = 0;
    if (w->have_learned) {
        memcpy(maps2, maps, w->nlearned * n * sizeof *maps);
        nm = w->nlearned;
    }
    if (w->have_rates && nm < MAPS) {
        memcpy(maps2 + nm * n, rates, n * sizeof *rates);
        nm++;
    }
    double kk = lin(r, 0, 3);
    prng g0 = prng_from(r);
    if (nm == 0) {
        prng g = g0;
        for (size_t i = 0; i < n; i++)
            maps2[i] = cos(kk * (double)(i % w->nx) + 0.7 * kk * (double)(i / w->nx)) + noise(&g, -0.2, 0.2);
        nm = 1;
    }
    unsigned holes = u8(r);
    for (size_t i = 0; holes && i < nm * n; i += 1 + holes % 17)
        maps2[i] = NAN;
    if (r->hostile && (o & 64)) {
        size_t at = u8(r) % (nm * n);
        maps2[at] = raw(r);
    }
    double scale = (o & 128) ? pow(10.0, lin(r, -300, 300)) : 1.0;
    for (size_t i = 0; i < nm * n; i++)
        maps2[i] *= scale;
    int rc = st("scorer_score", gridform_scorer_score(s, maps2, nm, s60, s90, spc, ori), ALLOW(E_ALL));
    if (rc == GRIDFORM_OK) {
        check_finite("gridform_scorer_score score60", s60, nm);
        check_finite("gridform_scorer_score spacing", spc, nm);
    }
    size_t nfb;
    st("scorer_get_fallback_count", gridform_scorer_get_fallback_count(s, &nfb), ALLOW(E_ALL));
    {
        double g60[MAPS], in_m[MAPS], out_m[MAPS];
        int src[MAPS];
        int ra = st("scorer_score_annuli", gridform_scorer_score_annuli(s, maps2, nm, g60, in_m, out_m, src),
                    ALLOW(E_ALL));
        if (ra == GRIDFORM_OK)
            check_finite("gridform_scorer_score_annuli", g60, nm);
        /* the same score60 as gridform_scorer_score (to the 1e-12 the
         * scorer's reuse of a repeated mask's transform allows) */
        if ((ra == GRIDFORM_OK || ra == GRIDFORM_EUNDEFINED) && (rc == GRIDFORM_OK || rc == GRIDFORM_EUNDEFINED))
            for (size_t i = 0; i < nm; i++)
                if (!(fabs(g60[i] - s60[i]) <= 1e-12 || (isnan(g60[i]) && isnan(s60[i]))))
                    fail("scorer_score_annuli", "status %d: score60 differs from gridform_scorer_score%s", ra, "");
    }
    st("scorer_autocorr", gridform_scorer_autocorr(s, maps2, sac), ALLOW(E_ALL));
    double k;
    if (st("map_dominant_k", gridform_map_dominant_k(s, maps2, &k), ALLOW(E_ALL)) == GRIDFORM_OK) {
        check_finite("gridform_map_dominant_k", &k, 1);
        /* defined exactly where score60 is (issue 12, W3) */
        if ((rc == GRIDFORM_OK || rc == GRIDFORM_EUNDEFINED) && isnan(s60[0]))
            fail("map_dominant_k", "status %d: finite k for a map without score60%s", 0, "");
    }
    size_t nb;
    double dk;
    if (st("scorer_spectrum_bins", gridform_scorer_spectrum_bins(s, &nb, &dk), ALLOW(E_ALL)) == GRIDFORM_OK
        && nb <= NMAX * NMAX) {
        double kpeak;
        size_t nused;
        st("scorer_population_spectrum",
           gridform_scorer_population_spectrum(s, maps2, nm, (o2 & 1) ? GRIDFORM_SPECTRUM_UNIT_VARIANCE : 0, xy,
                                               rmaps, &kpeak, &nused), ALLOW(E_ALL));
    }
    /* grid modules from the scores (and some made-up ones) */
    gridform_modules *md = NULL;
    size_t nin = nm;
    for (; nin < nm + 3; nin++) {
        spc[nin] = logu(r, 0.1, 3.0);
        ori[nin] = lin(r, 0, 1.1);
        s60[nin] = lin(r, -1, 2);
    }
    unsigned mo = u8(r);
    size_t maxmod = u8(r) % 18;
    double minscore = lin(r, -1, 2);
    if (st("modules_create", gridform_modules_create(&md), ALLOW(E_ALL)) == GRIDFORM_OK) {
        if (mo & 1) st("modules_set_max", gridform_modules_set_max(md, maxmod), ALLOW(E_ALL));
        if (mo & 2) st("modules_set_min_score", gridform_modules_set_min_score(md, minscore), ALLOW(E_ALL));
        st("modules_set_orientation_cue", gridform_modules_set_orientation_cue(md, (int)((mo >> 2) % 3)),
           ALLOW(E_ALL));
        size_t nmod, count[16];
        double msp[16], mor[16], ratio[16];
        int labels[MAPS + 3];
        if (st("modules_find", gridform_modules_find(md, spc, (o2 & 2) ? NULL : ori, s60, nin, &nmod, msp, mor,
                                                     count, ratio, labels), ALLOW(E_ALL)) == GRIDFORM_OK)
            for (size_t j = 0; j <= nmod && j < 16; j++) {
                double mod = 0;
                int rm = st("modules_get_orientation_modulus", gridform_modules_get_orientation_modulus(md, j, &mod),
                            ALLOW(E_ALL));
                if ((rm == GRIDFORM_OK) != (j < nmod))
                    fail("modules_get_orientation_modulus", "status %d: wrong for a module index%s", rm, "");
                if (rm == GRIDFORM_OK && !isnan(mod) && mod != PI / 3 && mod != PI / 6)
                    fail("modules_get_orientation_modulus", "status %d: modulus neither pi/3 nor pi/6%s", rm, "");
            }
        (void)gridform_modules_last_error(md);
        gridform_modules_destroy(md);
    }
    (void)gridform_scorer_last_error(s);
    gridform_scorer_destroy(s);
    /* rate maps of a trajectory on the same arena */
    size_t npos = 1 + u8(r) % NPOS, ncells = 1 + u8(r) % 3;
    prng g = prng_from(r);
    for (size_t i = 0; i < npos; i++) {
        traj[2 * i] = noise(&g, -0.6, 0.6) * w->lx;
        traj[2 * i + 1] = noise(&g, -0.6, 0.6) * w->ly;
        for (size_t c = 0; c < ncells; c++)
            act[i * ncells + c] = noise(&g, 0, 5);
    }
    if (o2 & 4)
        traj[0] = NAN;   /* a skipped sample */
    rc = st("ratemap_accumulate",
            gridform_ratemap_accumulate(w->arena, traj, npos, act, ncells, lin(r, 0, 3), rmaps, occ),
            ALLOW(E_ALL));
    if (rc == GRIDFORM_OK)
        check_finite("gridform_ratemap_accumulate occupancy", occ, n);
}

static void stage_files(rd *r, world *w)
{
    char path[4200];
    size_t n = w->nx * w->ny, shape[3] = {1, w->ny, w->nx};
    const double *src = w->have_learned ? maps : maps2;
    snprintf(path, sizeof path, "%s.npy", tmpdir);
    if (st("npy_write", gridform_npy_write(path, src, 3, shape), ALLOW(E_ALL, GRIDFORM_EIO)) == GRIDFORM_OK) {
        size_t ndim, sh[GRIDFORM_NPY_MAX_DIMS];
        st("npy_read", gridform_npy_read(path, maps2, n, &ndim, sh),
           ALLOW(E_ALL, GRIDFORM_EIO, GRIDFORM_EFORMAT));
    }
    remove(path);
    snprintf(path, sizeof path, "%s.png", tmpdir);
    unsigned o = u8(r);
    st("image_write_maps",
       gridform_image_write_maps(path, src, 1, w->nx, w->ny, 1 + o % 3, (int)((o >> 2) % 4), 1 + (o >> 4) % 3),
       ALLOW(E_ALL, GRIDFORM_EIO));
    remove(path);
}

static void stage_wisdom(void)
{
    char path[4200];
    snprintf(path, sizeof path, "%s.wisdom", tmpdir);
    if (st("wisdom_export", gridform_wisdom_export(path), ALLOW(E_ALL, GRIDFORM_EIO)) == GRIDFORM_OK)
        st("wisdom_import", gridform_wisdom_import(path), ALLOW(E_ALL, GRIDFORM_EIO, GRIDFORM_EFORMAT));
    remove(path);
    st("wisdom_forget", gridform_wisdom_forget(), ALLOW(E_ALL));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rd r = {data, size, 0, 0};
    unsigned gflags = u8(&r);
    r.hostile = gflags & 1;
    unsigned fail_at = u16(&r);
    world w;
    memset(&w, 0, sizeof w);
    size_t alloc0 = gridform_debug_allocation_count(), fail_n = 1 + fail_at % 600;
    if (gflags & 2) {
        /* one allocation of this configuration fails: its error path runs */
        gridform_debug_fail_allocation(fail_n);
    }
    rd c[9];
    for (int i = 0; i < 9; i++)
        c[i] = chunk(&r);
    /* the place code's tuning byte decides the arena's size limit */
    unsigned tuning_byte = c[1].n > 0 ? c[1].p[0] : 0;
    int sampled = (tuning_byte % 4) + 1 == GRIDFORM_TUNING_USER || (tuning_byte % 4) + 1 == GRIDFORM_TUNING_SOFTMAX_DOG;
    stage_arena(&c[0], &w, sampled);
    if (w.arena != NULL) {
        stage_placecode(&c[1], &w);
        stage_kernel(&c[2], &w);
        if (w.k != NULL) {
            stage_learner(&c[3], &w, gflags);
            stage_attractor(&c[4], &w);
        }
        stage_amplitude(&c[5], &w);
        stage_lattice(&c[6], &w);
        stage_scorer(&c[7], &w);
        if (gflags & 4)
            stage_files(&c[8], &w);
    }
    if (gflags & 8)
        stage_wisdom();
    if (gflags & 2) {
        if (gridform_debug_allocation_count() - alloc0 >= fail_n)
            reach_alloc_fail++;
        gridform_debug_fail_allocation(0);   /* disarm if it never fired */
    }
    for (int c = -1; c <= 11; c++)
        if (gridform_strerror(c) == NULL)
            abort();
    if (gridform_version_string() == NULL || gridform_last_error() == NULL)
        abort();
    (void)gridform_debug_allocation_count();
    gridform_kernel_destroy(w.k);
    gridform_placecode_destroy(w.pc);
    gridform_arena_destroy(w.arena);
    return 0;
}
