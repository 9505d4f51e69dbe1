/* libFuzzer target for the scorer and place-code entry points on arbitrary
 * doubles: NaN, +-Inf, denormals, huge and tiny values (issue 7).
 *
 *   ./fuzz_score -max_total_time=60 corpus_score/
 *
 * Input layout: byte 0 picks the entry point, bytes 1-2 the grid size
 * (2..17 bins a side), byte 3 small counts; the rest is read as
 * little-endian doubles, cycled to fill every scalar and array argument.
 * Properties checked beyond "no sanitizer report":
 *   - every status is OK or a documented error, and a failure leaves a
 *     non-empty gridform_last_error();
 *   - a call that returns GRIDFORM_OK leaves no NaN or Inf in an output
 *     that the manual says is finite (the library never leaves NaN in an
 *     output silently). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    const uint8_t *p;
    size_t n, pos;
} doubles;

/* The next double of the input, cycling; 0.5 if there are none. */
static double next(doubles *d)
{
    if (d->n < 8)
        return 0.5;
    if (d->pos + 8 > d->n)
        d->pos = 0;
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u |= (uint64_t)d->p[d->pos + (size_t)i] << (8 * i);
    d->pos += 8;
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static void fill(doubles *d, double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = next(d);
}

static void check_status(const char *what, int rc)
{
    switch (rc) {
    case GRIDFORM_OK:
        return;
    case GRIDFORM_EINVAL: case GRIDFORM_ERANGE: case GRIDFORM_EUNDEFINED: case GRIDFORM_ENOMEM:
    case GRIDFORM_EUNSUPPORTED:
        if (gridform_last_error()[0] == '\0') {
            fprintf(stderr, "%s: status %d with an empty last_error\n", what, rc);
            abort();
        }
        return;
    default:
        fprintf(stderr, "%s: unexpected status %d (%s): %s\n", what, rc, gridform_strerror(rc),
                gridform_last_error());
        abort();
    }
}

static void check_finite(const char *what, const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) {
            fprintf(stderr, "%s returned GRIDFORM_OK with %g at [%zu]\n", what, x[i], i);
            abort();
        }
}

#define MAXN 17
#define MAXMAPS 3
#define MAXCELLS 40

static double maps[MAXMAPS * MAXN * MAXN], sac[(2 * MAXN) * (2 * MAXN)];
static double out4[4][MAXMAPS], xy[2 * MAXN * MAXN], act[MAXN * MAXN * MAXCELLS];
static double resp[MAXN * MAXN * MAXCELLS], occ[MAXN * MAXN], rmaps[MAXCELLS * MAXN * MAXN];

static void fuzz_scorer(doubles *d, size_t nx, size_t ny, unsigned small)
{
    gridform_scorer *s = NULL;
    /* half the time a sane box, so the maps themselves get fuzzed */
    double lx = (small & 1) ? next(d) : 2.2, ly = (small & 2) ? next(d) : 2.2;
    gridform_arena *ar = NULL;
    int rc = gridform_arena_create(&ar, lx, ly, nx, ny, (small & 32) ? GRIDFORM_PERIODIC : GRIDFORM_WALLED);
    check_status("arena_create", rc);
    if (rc != GRIDFORM_OK)
        return;
    rc = gridform_scorer_create(&s, ar);
    gridform_arena_destroy(ar);
    check_status("scorer_create", rc);
    if (rc != GRIDFORM_OK)
        return;
    if (small & 4) {
        double a = next(d), b = next(d), c = next(d);
        check_status("scorer_set_annuli_m", gridform_scorer_set_annuli_m(s, a, b, c, 1 + (small >> 4) % 4));
    }
    if (small & 8)
        check_status("scorer_set_variant", gridform_scorer_set_variant(s, GRIDFORM_GRIDNESS_MINMAX));
    size_t nmaps = 1 + (small >> 6) % MAXMAPS;
    fill(d, maps, nmaps * nx * ny);
    rc = gridform_scorer_score(s, maps, nmaps, out4[0], out4[1], out4[2], out4[3]);
    check_status("scorer_score", rc);
    if (rc == GRIDFORM_OK)
        for (int j = 0; j < 4; j++)
            check_finite("gridform_scorer_score", out4[j], nmaps);
    /* automatic annuli: on by default for a periodic arena; flip them */
    if (small & 16)
        check_status("scorer_set_annuli_auto", gridform_scorer_set_annuli_auto(s, !(small & 32)));
    static int src[MAXMAPS];
    rc = gridform_scorer_score_annuli(s, maps, nmaps, out4[0], out4[1], out4[2], src);
    check_status("scorer_score_annuli", rc);
    if (rc == GRIDFORM_OK)
        for (int j = 0; j < 3; j++)
            check_finite("gridform_scorer_score_annuli", out4[j], nmaps);
    size_t nfb = 0;
    check_status("scorer_get_fallback_count", gridform_scorer_get_fallback_count(s, &nfb));
    if (nfb > nmaps)
        abort();
    rc = gridform_scorer_autocorr(s, maps, sac);
    check_status("scorer_autocorr", rc);
    double k = 0;
    rc = gridform_map_dominant_k(s, maps, &k);
    check_status("map_dominant_k", rc);
    if (rc == GRIDFORM_OK)
        check_finite("gridform_map_dominant_k", &k, 1);
    /* the recording measures (gridform_scorer_measures(3)) */
    if (small & 64)
        check_status("scorer_set_measure_variant",
                     gridform_scorer_set_measure_variant(s, 1 + (int)((small >> 1) % 3), GRIDFORM_VARIANT_BNT));
    fill(d, occ, nx * ny);
    rc = gridform_scorer_spatial_info(s, maps, nmaps, (small & 128) ? occ : NULL, out4[0], out4[1], out4[2]);
    check_status("scorer_spatial_info", rc);
    if (rc == GRIDFORM_OK)
        for (int j = 0; j < 3; j++)
            check_finite("gridform_scorer_spatial_info", out4[j], nmaps);
    rc = gridform_scorer_coherence(s, maps, nmaps, out4[0], out4[1]);
    check_status("scorer_coherence", rc);
    if (rc == GRIDFORM_OK)
        for (int j = 0; j < 2; j++)
            check_finite("gridform_scorer_coherence", out4[j], nmaps);
    rc = gridform_scorer_border(s, maps, nmaps, out4[0], out4[1], out4[2]);
    check_status("scorer_border", rc);
    if (rc == GRIDFORM_OK)
        for (int j = 0; j < 3; j++)
            check_finite("gridform_scorer_border", out4[j], nmaps);
    rc = gridform_scorer_ellipse(s, maps, nmaps, out4[0], out4[1], out4[2]);
    check_status("scorer_ellipse", rc);
    if (rc == GRIDFORM_OK)
        for (int j = 0; j < 3; j++)
            check_finite("gridform_scorer_ellipse", out4[j], nmaps);
    if (small & 8)
        check_status("scorer_set_fields", gridform_scorer_set_fields(s, 0.5, 1, 8));
    size_t nf = 0;
    double fa[4], fp[4], fx[4], fy[4];
    size_t fb[4];
    rc = gridform_scorer_fields(s, maps, 4, &nf, fa, fb, fp, fx, fy);
    check_status("scorer_fields", rc);
    if (rc == GRIDFORM_OK) {
        size_t k = nf < 4 ? nf : 4;
        check_finite("gridform_scorer_fields area", fa, k);
        check_finite("gridform_scorer_fields peak", fp, k);
        check_finite("gridform_scorer_fields cx", fx, k);
        check_finite("gridform_scorer_fields cy", fy, k);
    }
    gridform_scorer_destroy(s);
}

static void fuzz_ratemap(doubles *d, size_t nx, size_t ny, unsigned small)
{
    size_t npos = 1 + small % (MAXN * MAXN), ncells = 1 + (small >> 3) % 4;
    double lx = next(d), ly = next(d), minocc = next(d);
    fill(d, xy, 2 * npos);
    fill(d, act, npos * ncells);
    gridform_arena *ar = NULL;
    int rc = gridform_arena_create(&ar, lx, ly, nx, ny, GRIDFORM_WALLED);
    check_status("arena_create", rc);
    if (rc != GRIDFORM_OK)
        return;
    rc = gridform_ratemap_accumulate(ar, xy, npos, act, ncells, minocc, rmaps, occ);
    gridform_arena_destroy(ar);
    check_status("ratemap_accumulate", rc);
    if (rc == GRIDFORM_OK)
        check_finite("gridform_ratemap_accumulate occupancy", occ, nx * ny);
}

static void fuzz_placecode(doubles *d, size_t nx, size_t ny, unsigned small, int user_centers)
{
    gridform_arena *a = NULL;
    gridform_placecode *pc = NULL;
    int rc = gridform_arena_create(&a, (small & 1) ? next(d) : 2.0, (small & 2) ? next(d) : 2.0, nx, ny,
                                   (small & 4) ? GRIDFORM_WALLED : GRIDFORM_PERIODIC);
    check_status("arena_create", rc);
    if (rc != GRIDFORM_OK)
        return;
    int tuning = 1 + (int)((small >> 3) % 3);
    size_t ncells = 1 + (small >> 5) % MAXCELLS;
    double sigma = next(d), surround = next(d);
    rc = gridform_placecode_create(&pc, a, tuning, sigma, surround, ncells,
                                   (small & 0x80) ? GRIDFORM_CENTERS_RANDOM : GRIDFORM_CENTERS_LATTICE, 7);
    check_status("placecode_create", rc);
    if (rc == GRIDFORM_OK) {
        size_t nc = 0;
        check_status("placecode_get_ncells", gridform_placecode_get_ncells(pc, &nc));
        if (nc > MAXCELLS) {
            /* a lattice layout may round the count; keep the buffers safe */
            gridform_placecode_destroy(pc);
            gridform_arena_destroy(a);
            return;
        }
        if (user_centers) {
            fill(d, xy, 2 * nc);
            rc = gridform_placecode_set_centers(pc, xy, nc);
            check_status("placecode_set_centers", rc);
        }
        size_t npos = 1 + (small >> 2) % 16;
        fill(d, xy, 2 * npos);
        rc = gridform_placecode_response(pc, xy, npos, resp);
        check_status("placecode_response", rc);
        if (rc == GRIDFORM_OK)
            check_finite("gridform_placecode_response", resp, npos * nc);
        gridform_placecode_destroy(pc);
    }
    gridform_arena_destroy(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    doubles d = { data + 4, size - 4, 0 };
    size_t nx = 2 + data[1] % (MAXN - 1), ny = 2 + data[2] % (MAXN - 1);
    unsigned small = data[3];
    switch (data[0] % 4) {
    case 0: fuzz_scorer(&d, nx, ny, small); break;
    case 1: fuzz_ratemap(&d, nx, ny, small); break;
    case 2: fuzz_placecode(&d, nx, ny, small, 0); break;
    default: fuzz_placecode(&d, nx, ny, small, 1); break;
    }
    return 0;
}
