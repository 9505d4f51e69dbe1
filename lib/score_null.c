/* libgridform: null thresholds for gridness (doc/theory.md §6.8).
 *
 * A threshold is a percentile of the scores of maps that carry no grid by
 * construction.  With a recording, those are the labs' shuffles: the
 * activity shifted circularly against the trajectory by at least min_lag
 * seconds keeps each cell's firing statistics and the animal's path but
 * breaks their relation (Sargolini et al., Science 312:758, 2006; Langston
 * et al., Science 328:1576, 2010; Boccara et al., Nat. Neurosci. 13:987,
 * 2010).  With rate maps only, a surrogate keeps the map's radial power
 * spectrum (so its scale and smoothness) and redistributes each radial
 * shell's power over the shell's directions with random phases, so that an
 * angular arrangement of power (six peaks at 60 degrees) survives only by
 * chance.
 *
 * The threshold rule is the Monte Carlo test's (Besag and Diggle, Appl.
 * Stat. 26:327, 1977): of n null scores, the k-th smallest with
 * k = ceil(p (n + 1) / 100).  A map exchangeable with its null then passes
 * with probability (n + 1 - k) / (n + 1) <= 1 - p/100 (4.95% for n = 100 at
 * the 95th percentile), where numpy.percentile's interpolation would give
 * up to 5.9%. */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "score_internal.h"

/* The rank of the threshold among n defined null scores, 1-based; larger
 * than n when n is too small for the percentile. */
static size_t threshold_rank(size_t n, double percentile)
{
    double k = ceil(percentile * ((double)n + 1) / 100.0 - 1e-9);
    return k < 1 ? 1 : (size_t)k;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sort the defined values of v (NaN moved out) and return the threshold,
 * NaN if too few.  v is scratch. */
static double rank_threshold(double *v, size_t n, double percentile)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            v[m++] = v[i];
    size_t k = threshold_rank(m, percentile);
    if (m == 0 || k > m)
        return NAN;
    qsort(v, m, sizeof *v, cmp_double);
    return v[k - 1];
}

static int check_percentile(gridform__errbuf *eb, const char *fn, double percentile)
{
    if (!(percentile > 0 && percentile < 100))
        return gridform__fail(eb, GRIDFORM_EINVAL, fn, "percentile must be in (0, 100), got %g", percentile);
    return GRIDFORM_OK;
}

/* Fewest null scores for which the rank rule has a threshold. */
static size_t min_shuffles(double percentile)
{
    size_t n = 1;
    while (threshold_rank(n, percentile) > n)
        n++;
    return n;
}

int gridform_null_threshold(const double *scores, size_t n, double percentile, double *threshold)
{
    GF_CHECK_PTR(NULL, scores);
    GF_CHECK_PTR(NULL, threshold);
    int rc = check_percentile(NULL, __func__, percentile);
    if (rc != GRIDFORM_OK)
        return rc;
    if (n == 0)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "n must be >= 1");
    double *tmp = gridform__malloc_array(n, sizeof *tmp);
    if (tmp == NULL)
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate %zu scores", n);
    memcpy(tmp, scores, n * sizeof *tmp);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += !isnan(scores[i]);
    *threshold = rank_threshold(tmp, n, percentile);
    gridform__free(tmp);
    if (isnan(*threshold))
        return GF_FAIL(NULL, GRIDFORM_EUNDEFINED,
                       "%zu defined scores are too few for percentile %g (need at least %zu)", m,
                       percentile, min_shuffles(percentile));
    return GRIDFORM_OK;
}

int gridform_scorer_set_null(gridform_scorer *s, size_t nshuffles, double percentile, double min_lag_s)
{
    if (s == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "s must not be NULL");
    int rc = check_percentile(&s->err, __func__, percentile);
    if (rc != GRIDFORM_OK)
        return rc;
    if (!isfinite(min_lag_s) || min_lag_s < 0)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL, "min_lag_s must be finite and >= 0 seconds, got %g", min_lag_s);
    if (nshuffles > 1000000)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL, "nshuffles must be at most 1000000, got %zu", nshuffles);
    size_t need = min_shuffles(percentile);
    if (nshuffles < need)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL,
                       "%zu shuffles are too few for percentile %g: need at least %zu", nshuffles,
                       percentile, need);
    s->null_shuffles = nshuffles;
    s->null_percentile = percentile;
    s->null_min_lag = min_lag_s;
    return GRIDFORM_OK;
}

int gridform_scorer_get_null(const gridform_scorer *s, size_t *nshuffles, double *percentile, double *min_lag_s)
{
    if (s == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "s must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&s->err;
    if (nshuffles == NULL && percentile == NULL && min_lag_s == NULL)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "nshuffles, percentile and min_lag_s must not all be NULL");
    if (nshuffles) *nshuffles = s->null_shuffles;
    if (percentile) *percentile = s->null_percentile;
    if (min_lag_s) *min_lag_s = s->null_min_lag;
    return GRIDFORM_OK;
}

/* Per-map thresholds and the pooled one from null60 (nmaps x nsh); pool is
 * scratch of nmaps x nsh.  Returns the number of maps without a threshold. */
static size_t thresholds(const gridform_scorer *s, const double *null60, size_t nmaps, size_t nsh,
                         double *pool, double *threshold, double *pop_threshold)
{
    size_t nundef = 0;
    for (size_t m = 0; m < nmaps; m++) {
        memcpy(pool, null60 + m * nsh, nsh * sizeof *pool);
        double t = rank_threshold(pool, nsh, s->null_percentile);
        nundef += isnan(t);
        if (threshold)
            threshold[m] = t;
    }
    if (pop_threshold) {
        memcpy(pool, null60, nmaps * nsh * sizeof *pool);
        *pop_threshold = rank_threshold(pool, nmaps * nsh, s->null_percentile);
    }
    return nundef;
}

/* Median of n values (NaN skipped; NaN if none), v is scratch. */
static double median(double *v, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            v[m++] = v[i];
    if (m == 0)
        return NAN;
    qsort(v, m, sizeof *v, cmp_double);
    return m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
}

/* ---- shuffles ------------------------------------------------------------ */

typedef struct {
    size_t *bin;       /* npos: bin of each sample, or SIZE_MAX when skipped */
    double *occ;       /* nbin sample counts */
    double *maps;      /* ncells x nbin */
    double *scores;    /* ncells */
    double *null60;    /* ncells x nsh (the caller's, or owned) */
    double *pool;      /* ncells x nsh scratch */
    int own_null;
} shufws;

static void shufws_free(shufws *w)
{
    gridform__free(w->bin);
    gridform__free(w->occ);
    gridform__free(w->maps);
    gridform__free(w->scores);
    if (w->own_null)
        gridform__free(w->null60);
    gridform__free(w->pool);
}

/* Mean activity per visited bin with the activity of sample t + shift
 * (mod npos) at the position of sample t; NaN where never visited. */
static void shifted_maps(const gridform_scorer *s, const shufws *w, const double *activity, size_t npos,
                         size_t ncells, size_t shift)
{
    const size_t nbin = s->nx * s->ny;
    memset(w->maps, 0, ncells * nbin * sizeof *w->maps);
    for (size_t t = 0; t < npos; t++) {
        size_t b = w->bin[t];
        if (b == SIZE_MAX)
            continue;
        size_t ta = t + shift;
        if (ta >= npos)
            ta -= npos;
        const double *act = activity + ta * ncells;
        for (size_t c = 0; c < ncells; c++)
            w->maps[c * nbin + b] += act[c];
    }
    for (size_t b = 0; b < nbin; b++) {
        double o = w->occ[b];
        for (size_t c = 0; c < ncells; c++)
            w->maps[c * nbin + b] = o > 0 ? w->maps[c * nbin + b] / o : NAN;
    }
}

int gridform_scorer_shuffle_null(const gridform_scorer *cs, const double *xy, size_t npos, double dt,
                                 const double *activity, size_t ncells, uint64_t seed, double *score60,
                                 double *null60, double *threshold, double *pop_threshold,
                                 gridform_progress_fn progress, void *user)
{
    if (cs == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "s must not be NULL");
    gridform_scorer *s = (gridform_scorer *)cs;
    gridform__errbuf *eb = &s->err;
    GF_CHECK_PTR(eb, xy);
    GF_CHECK_PTR(eb, activity);
    if (score60 == NULL && null60 == NULL && threshold == NULL && pop_threshold == NULL)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "score60, null60, threshold and pop_threshold must not all be NULL");
    if (npos < 2 || ncells == 0)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "need npos >= 2 samples and ncells >= 1, got %zu and %zu", npos,
                       ncells);
    if (!isfinite(dt) || !(dt > 0))
        return GF_FAIL(eb, GRIDFORM_EINVAL, "dt (the sampling interval) must be finite and > 0 seconds, got %g",
                       dt);
    const size_t nsh = s->null_shuffles, nbin = s->nx * s->ny;
    size_t nact, t2, nmapv, nnull;
    if (!gridform__mul_size(npos, ncells, &nact) || !gridform__mul_size(npos, 2, &t2)
        || !gridform__mul_size(ncells, nbin, &nmapv) || !gridform__mul_size(ncells, nsh, &nnull))
        return GF_FAIL(eb, GRIDFORM_ERANGE, "sizes overflow (%zu samples, %zu cells, %zu shuffles)", npos, ncells,
                       nsh);
    /* The lag is uniform in [min_lag, T - min_lag] (T = npos dt, the
     * recording's length): both ends at least min_lag from no shift. */
    const double T = (double)npos * dt, min_lag = s->null_min_lag;
    if (!isfinite(T) || T < 2 * min_lag)
        return GF_FAIL(eb, GRIDFORM_EINVAL,
                       "the trajectory lasts %g s (%zu samples of %g s), shorter than twice the minimum lag "
                       "of %g s",
                       T, npos, dt, min_lag);
    size_t lo = (size_t)ceil(min_lag / dt - 1e-9), hi = npos - lo;
    if (lo < 1)
        lo = 1;
    if (hi < lo)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "the trajectory of %zu samples leaves no shift of at least %g s",
                       npos, min_lag);
    for (size_t t = 0; t < npos; t++) {
        double x = xy[2 * t], y = xy[2 * t + 1];
        if (isnan(x) || isnan(y))
            continue;
        if (!(fabs(x) <= 0.5 * s->lx) || !(fabs(y) <= 0.5 * s->ly))
            return GF_FAIL(eb, GRIDFORM_EINVAL,
                           "position %zu (%g, %g) lies outside the %g x %g m box centred on the origin", t, x, y,
                           s->lx, s->ly);
        for (size_t c = 0; c < ncells; c++)
            if (!isfinite(activity[t * ncells + c]))
                return GF_FAIL(eb, GRIDFORM_EINVAL, "activity[%zu][%zu] is not finite", t, c);
    }
    shufws w = {0};
    w.bin = gridform__malloc_array(npos, sizeof *w.bin);
    w.occ = gridform__calloc(nbin, sizeof *w.occ);
    w.maps = gridform__malloc_array(nmapv, sizeof *w.maps);
    w.scores = gridform__malloc_array(ncells, sizeof *w.scores);
    w.pool = gridform__malloc_array(nnull, sizeof *w.pool);
    w.null60 = null60;
    if (null60 == NULL) {
        w.null60 = gridform__malloc_array(nnull, sizeof *w.null60);
        w.own_null = 1;
    }
    if (w.bin == NULL || w.occ == NULL || w.maps == NULL || w.scores == NULL || w.pool == NULL
        || w.null60 == NULL) {
        shufws_free(&w);
        return GF_FAIL(eb, GRIDFORM_ENOMEM, "cannot allocate the shuffles' workspaces (%zu cells)", ncells);
    }
    /* Binned as gridform_ratemap_accumulate bins (lib/ratemap.c). */
    for (size_t t = 0; t < npos; t++) {
        double x = xy[2 * t], y = xy[2 * t + 1];
        if (isnan(x) || isnan(y)) {
            w.bin[t] = SIZE_MAX;
            continue;
        }
        size_t ix = (size_t)floor((x / s->lx + 0.5) * (double)s->nx);
        size_t iy = (size_t)floor((y / s->ly + 0.5) * (double)s->ny);
        if (ix >= s->nx) ix = s->nx - 1;
        if (iy >= s->ny) iy = s->ny - 1;
        w.bin[t] = iy * s->nx + ix;
        w.occ[w.bin[t]] += 1;
    }
    int rc = GRIDFORM_OK;
    /* The observed maps. */
    if (score60 != NULL) {
        shifted_maps(s, &w, activity, npos, ncells, 0);
        rc = gridform_scorer_score(s, w.maps, ncells, score60, NULL, NULL, NULL);
        if (rc != GRIDFORM_OK && rc != GRIDFORM_EUNDEFINED)
            goto done;
    }
    gridform__rng rng;
    gridform__rng_seed(&rng, seed);
    const size_t span = hi - lo + 1;
    for (size_t j = 0; j < nsh; j++) {
        /* Uniform over the span's shifts (the modulo's bias is below
         * span / 2^64). */
        size_t shift = lo + (size_t)(gridform__rng_next(&rng) % (uint64_t)span);
        shifted_maps(s, &w, activity, npos, ncells, shift);
        rc = gridform_scorer_score(s, w.maps, ncells, w.scores, NULL, NULL, NULL);
        if (rc != GRIDFORM_OK && rc != GRIDFORM_EUNDEFINED)
            goto done;
        for (size_t c = 0; c < ncells; c++)
            w.null60[c * nsh + j] = w.scores[c];
        if (progress != NULL && progress(j + 1, nsh, median(w.scores, ncells), user) != 0) {
            rc = GF_FAIL(eb, GRIDFORM_ECANCELED, "canceled by the progress callback after %zu of %zu shuffles",
                         j + 1, nsh);
            goto done;
        }
    }
    size_t nundef = thresholds(s, w.null60, ncells, nsh, w.pool, threshold, pop_threshold);
    rc = GRIDFORM_OK;
    if (nundef > 0 || (pop_threshold != NULL && isnan(*pop_threshold)))
        rc = GF_FAIL(eb, GRIDFORM_EUNDEFINED,
                     "%zu of %zu cells have too few defined null scores for a threshold (NaN)", nundef, ncells);
    else if (score60 != NULL)
        for (size_t c = 0; c < ncells; c++)
            if (isnan(score60[c])) {
                rc = GF_FAIL(eb, GRIDFORM_EUNDEFINED, "cell %zu's own map has an undefined score60 (NaN)", c);
                break;
            }
done:
    shufws_free(&w);
    return rc;
}

/* ---- surrogates ---------------------------------------------------------- */

typedef struct {
    /* The lattice the surrogate is drawn on: the map's own (periodic), or
     * its even extension of ey = 2 ny by ex = 2 nx bins over 2 lx by 2 ly
     * metres (walled), which has no jump between opposite edges. */
    size_t ex, ey;
    double elx, ely;
    double *in;            /* ey x ex */
    fftw_complex *spec;    /* ey x (ex/2+1): the map's spectrum */
    fftw_complex *out;     /* ey x (ex/2+1): the surrogate's */
    fftw_plan fwd, inv;
    size_t *rep;           /* the rfft points that carry a pair +-k of their own, grouped by shell */
    size_t *shell_start;   /* nshell + 1 offsets into rep */
    size_t nrep, nshell;
    size_t *perm;          /* nrep scratch */
    double *maps;          /* nsh x ny x nx surrogates */
    double *pool;          /* nmaps x nsh */
    double *null60;        /* nmaps x nsh, the caller's or owned */
    int own_null;
} surrws;

static void surrws_free(surrws *w)
{
    if (w->fwd != NULL || w->inv != NULL) {
        gridform__fftw_lock(1);
        if (w->fwd != NULL) fftw_destroy_plan(w->fwd);
        if (w->inv != NULL) fftw_destroy_plan(w->inv);
        gridform__fftw_unlock();
    }
    gridform__aligned_free(w->in);
    gridform__aligned_free(w->spec);
    gridform__aligned_free(w->out);
    gridform__free(w->rep);
    gridform__free(w->shell_start);
    gridform__free(w->perm);
    gridform__free(w->maps);
    gridform__free(w->pool);
    if (w->own_null)
        gridform__free(w->null60);
}

/* Whether rfft point (iy, jx) is its own conjugate partner (DC and the
 * Nyquist points): those stay real and are not permuted. */
static int self_conjugate(const surrws *w, size_t iy, size_t jx)
{
    int cx = jx == 0 || (w->ex % 2 == 0 && jx == w->ex / 2);
    int cy = iy == 0 || (w->ey % 2 == 0 && iy == w->ey / 2);
    return cx && cy;
}

/* Whether rfft point (iy, jx) stands for the pair +-k: every point with
 * 0 < jx < nx/2, and in the columns jx = 0 and nx/2 (which hold both k and
 * -k) the upper half iy < ny - iy only. */
static int pair_rep(const surrws *w, size_t iy, size_t jx)
{
    int edge = jx == 0 || (w->ex % 2 == 0 && jx == w->ex / 2);
    if (!edge)
        return 1;
    return !self_conjugate(w, iy, jx) && iy < w->ey - iy;
}

static size_t shell_of(const surrws *w, size_t iy, size_t jx, double dk)
{
    double ky = (double)(iy <= w->ey / 2 ? (long)iy : (long)iy - (long)w->ey) * 2 * GF_PI / w->ely;
    double kx = (double)jx * 2 * GF_PI / w->elx;
    return (size_t)floor(hypot(kx, ky) / dk + 0.5);
}

static int surrws_init(const gridform_scorer *s, surrws *w, size_t nsurr)
{
    const int ext = s->boundary != GRIDFORM_PERIODIC;
    w->ex = ext ? 2 * s->nx : s->nx;
    w->ey = ext ? 2 * s->ny : s->ny;
    w->elx = ext ? 2 * s->lx : s->lx;
    w->ely = ext ? 2 * s->ly : s->ly;
    const size_t nx = w->ex, ny = w->ey, nc = nx / 2 + 1, nf = ny * nc, nbin = nx * ny;
    size_t nsv;
    if (!gridform__mul_size(nsurr, s->nx * s->ny, &nsv))
        return GRIDFORM_ERANGE;
    w->in = gridform__aligned_doubles(nbin);
    w->spec = gridform__aligned_alloc(nf * sizeof(fftw_complex));
    w->out = gridform__aligned_alloc(nf * sizeof(fftw_complex));
    w->rep = gridform__malloc_array(nf, sizeof *w->rep);
    w->perm = gridform__malloc_array(nf, sizeof *w->perm);
    w->maps = gridform__malloc_array(nsv, sizeof *w->maps);
    if (w->in == NULL || w->spec == NULL || w->out == NULL || w->rep == NULL || w->perm == NULL
        || w->maps == NULL)
        return GRIDFORM_ENOMEM;
    /* Shells of width 2 pi / min(lx, ly) of the lattice drawn on (the
     * extension's for a walled scorer), centred on its multiples: the bins
     * of gridform_scorer_population_spectrum (doc/theory.md §6.6). */
    const double dk = 2 * GF_PI / (w->elx < w->ely ? w->elx : w->ely);
    size_t nshell = 0;
    for (size_t iy = 0; iy < ny; iy++)
        for (size_t jx = 0; jx < nc; jx++)
            if (pair_rep(w, iy, jx)) {
                size_t b = shell_of(w, iy, jx, dk);
                if (b + 1 > nshell)
                    nshell = b + 1;
            }
    w->nshell = nshell;
    w->shell_start = gridform__calloc(nshell + 1, sizeof *w->shell_start);
    if (w->shell_start == NULL)
        return GRIDFORM_ENOMEM;
    /* Counting sort of the representatives by shell. */
    for (size_t iy = 0; iy < ny; iy++)
        for (size_t jx = 0; jx < nc; jx++)
            if (pair_rep(w, iy, jx))
                w->shell_start[shell_of(w, iy, jx, dk) + 1]++;
    for (size_t b = 0; b < nshell; b++)
        w->shell_start[b + 1] += w->shell_start[b];
    memcpy(w->perm, w->shell_start, nshell * sizeof *w->perm);   /* fill cursors */
    for (size_t iy = 0; iy < ny; iy++)
        for (size_t jx = 0; jx < nc; jx++)
            if (pair_rep(w, iy, jx))
                w->rep[w->perm[shell_of(w, iy, jx, dk)]++] = iy * nc + jx;
    w->nrep = w->shell_start[nshell];
    gridform__fftw_lock(1);
    w->fwd = fftw_plan_dft_r2c_2d((int)ny, (int)nx, w->in, w->spec, FFTW_ESTIMATE);
    w->inv = fftw_plan_dft_c2r_2d((int)ny, (int)nx, w->out, w->in, FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
    gridform__fftw_unlock();
    if (w->fwd == NULL || w->inv == NULL)
        return GRIDFORM_ENOMEM;
    return GRIDFORM_OK;
}

/* The spectrum of one map into w->spec (mean removed, unvisited bins 0,
 * mirrored into the even extension for a walled scorer); its mean into
 * *mean.  0 when the map has no visited bin. */
static int surr_prepare(const gridform_scorer *s, surrws *w, const double *map, double *mean)
{
    const size_t nx = s->nx, ny = s->ny, nbin = nx * ny;
    double sum = 0;
    size_t nv = 0;
    for (size_t i = 0; i < nbin; i++)
        if (!isnan(map[i])) {
            sum += map[i];
            nv++;
        }
    if (nv == 0)
        return 0;
    *mean = sum / (double)nv;
    for (size_t iy = 0; iy < w->ey; iy++) {
        size_t my = iy < ny ? iy : 2 * ny - 1 - iy;
        for (size_t ix = 0; ix < w->ex; ix++) {
            size_t mx = ix < nx ? ix : 2 * nx - 1 - ix;
            double v = map[my * nx + mx];
            w->in[iy * w->ex + ix] = isnan(v) ? 0.0 : v - *mean;
        }
    }
    fftw_execute_dft_r2c(w->fwd, w->in, w->spec);
    return 1;
}

/* One surrogate of the map prepared in w->spec into out (ny x nx). */
static void surr_draw(const gridform_scorer *s, surrws *w, gridform__rng *rng, const double *map, double mean,
                      double *out)
{
    const size_t nx = w->ex, ny = w->ey, nc = nx / 2 + 1, nf = ny * nc;
    memset(w->out, 0, nf * sizeof(fftw_complex));
    /* Nyquist points are real: keep their magnitude, draw their sign. */
    for (size_t iy = 0; iy < ny; iy += (ny % 2 == 0 && ny > 1) ? ny / 2 : ny)
        for (size_t jx = 0; jx < nc; jx += (nx % 2 == 0) ? nx / 2 : nc) {
            size_t f = iy * nc + jx;
            if (f == 0)
                continue;
            double sign = (gridform__rng_next(rng) >> 63) ? -1.0 : 1.0;
            w->out[f][0] = sign * hypot(w->spec[f][0], w->spec[f][1]);
        }
    /* Within each shell, a random permutation (Fisher-Yates) of the pair
     * amplitudes over the shell's pairs, each with a uniform phase: the
     * shell's power is kept exactly, its directions are random. */
    for (size_t b = 0; b < w->nshell; b++) {
        size_t a = w->shell_start[b], e = w->shell_start[b + 1], n = e - a;
        size_t *p = w->perm + a;
        for (size_t i = 0; i < n; i++)
            p[i] = w->rep[a + i];
        for (size_t i = n; i > 1; i--) {
            size_t j = (size_t)(gridform__rng_next(rng) % (uint64_t)i);
            size_t t = p[i - 1];
            p[i - 1] = p[j];
            p[j] = t;
        }
        for (size_t i = 0; i < n; i++) {
            size_t from = w->rep[a + i], to = p[i];
            double amp = hypot(w->spec[from][0], w->spec[from][1]);
            double phi = 2 * GF_PI * gridform__rng_uniform(rng);
            w->out[to][0] = amp * cos(phi);
            w->out[to][1] = amp * sin(phi);
        }
    }
    /* Columns jx = 0 and nx/2 hold k and -k: the lower half is the
     * conjugate of the upper. */
    for (size_t jx = 0; jx < nc; jx += (nx % 2 == 0) ? nx / 2 : nc)
        for (size_t iy = 1; iy < ny; iy++)
            if (iy > ny - iy) {
                size_t f = iy * nc + jx, g = (ny - iy) * nc + jx;
                w->out[f][0] = w->out[g][0];
                w->out[f][1] = -w->out[g][1];
            }
    fftw_execute_dft_c2r(w->inv, w->out, w->in);
    /* The map's own bins: the whole lattice, or the extension's first
     * quadrant. */
    const double scale = 1.0 / ((double)nx * (double)ny);
    for (size_t iy = 0; iy < s->ny; iy++)
        for (size_t ix = 0; ix < s->nx; ix++) {
            size_t i = iy * s->nx + ix;
            out[i] = isnan(map[i]) ? NAN : mean + scale * w->in[iy * nx + ix];
        }
}

/* A map's own stream: seed and index mixed (splitmix64's increment keeps
 * neighbouring indices' streams apart). */
static void seed_map(gridform__rng *r, uint64_t seed, size_t m)
{
    gridform__rng_seed(r, seed ^ (UINT64_C(0x9E3779B97F4A7C15) * ((uint64_t)m + 1)));
}

static int check_maps(gridform__errbuf *eb, const char *fn, const double *maps, size_t total, size_t nbin)
{
    for (size_t i = 0; i < total; i++)
        if (isinf(maps[i]))
            return gridform__fail(eb, GRIDFORM_EINVAL, fn, "map %zu, bin %zu is infinite", i / nbin, i % nbin);
    return GRIDFORM_OK;
}

int gridform_scorer_surrogate(const gridform_scorer *cs, const double *map, uint64_t seed, double *out)
{
    if (cs == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "s must not be NULL");
    gridform_scorer *s = (gridform_scorer *)cs;
    GF_CHECK_PTR(&s->err, map);
    GF_CHECK_PTR(&s->err, out);
    const size_t nbin = s->nx * s->ny;
    int rc = check_maps(&s->err, __func__, map, nbin, nbin);
    if (rc != GRIDFORM_OK)
        return rc;
    surrws w = {0};
    rc = surrws_init(s, &w, 1);
    if (rc != GRIDFORM_OK) {
        surrws_free(&w);
        return GF_FAIL(&s->err, rc, "cannot allocate or plan the surrogate's workspaces");
    }
    double mean = 0;
    if (!surr_prepare(s, &w, map, &mean)) {
        surrws_free(&w);
        for (size_t i = 0; i < nbin; i++)
            out[i] = NAN;
        return GF_FAIL(&s->err, GRIDFORM_EUNDEFINED, "the map has no visited (non-NaN) bin");
    }
    gridform__rng rng;
    seed_map(&rng, seed, 0);
    surr_draw(s, &w, &rng, map, mean, out);
    surrws_free(&w);
    return GRIDFORM_OK;
}

int gridform_scorer_surrogate_null(const gridform_scorer *cs, const double *maps, size_t nmaps, uint64_t seed,
                                   double *score60, double *null60, double *threshold, double *pop_threshold,
                                   gridform_progress_fn progress, void *user)
{
    int rc = gridform__check_batch(cs, __func__, maps, nmaps);
    if (rc != GRIDFORM_OK)
        return rc;
    gridform_scorer *s = (gridform_scorer *)cs;
    gridform__errbuf *eb = &s->err;
    if (score60 == NULL && null60 == NULL && threshold == NULL && pop_threshold == NULL)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "score60, null60, threshold and pop_threshold must not all be NULL");
    const size_t nsh = s->null_shuffles, nbin = s->nx * s->ny;
    size_t total, nnull;
    if (!gridform__mul_size(nmaps, nbin, &total) || !gridform__mul_size(nmaps, nsh, &nnull))
        return GF_FAIL(eb, GRIDFORM_ERANGE, "sizes overflow (%zu maps of %zu bins, %zu surrogates each)", nmaps,
                       nbin, nsh);
    rc = check_maps(eb, __func__, maps, total, nbin);
    if (rc != GRIDFORM_OK)
        return rc;
    surrws w = {0};
    rc = surrws_init(s, &w, nsh);
    if (rc == GRIDFORM_OK) {
        w.pool = gridform__malloc_array(nnull, sizeof *w.pool);
        w.null60 = null60;
        if (null60 == NULL) {
            w.null60 = gridform__malloc_array(nnull, sizeof *w.null60);
            w.own_null = 1;
        }
        if (w.pool == NULL || w.null60 == NULL)
            rc = GRIDFORM_ENOMEM;
    }
    if (rc != GRIDFORM_OK) {
        surrws_free(&w);
        return GF_FAIL(eb, rc, "cannot allocate or plan the surrogates' workspaces (%zu of %zu bins)", nsh, nbin);
    }
    size_t nown = 0;
    for (size_t m = 0; m < nmaps; m++) {
        const double *map = maps + m * nbin;
        double own = NAN, mean = 0;
        rc = gridform_scorer_score(s, map, 1, &own, NULL, NULL, NULL);
        if (rc != GRIDFORM_OK && rc != GRIDFORM_EUNDEFINED)
            goto done;
        nown += isnan(own);
        if (score60 != NULL)
            score60[m] = own;
        double *row = w.null60 + m * nsh;
        if (!surr_prepare(s, &w, map, &mean)) {
            for (size_t j = 0; j < nsh; j++)
                row[j] = NAN;
        } else {
            gridform__rng rng;
            seed_map(&rng, seed, m);
            for (size_t j = 0; j < nsh; j++)
                surr_draw(s, &w, &rng, map, mean, w.maps + j * nbin);
            rc = gridform_scorer_score(s, w.maps, nsh, row, NULL, NULL, NULL);
            if (rc != GRIDFORM_OK && rc != GRIDFORM_EUNDEFINED)
                goto done;
        }
        if (progress != NULL && progress(m + 1, nmaps, own, user) != 0) {
            rc = GF_FAIL(eb, GRIDFORM_ECANCELED, "canceled by the progress callback after %zu of %zu maps", m + 1,
                         nmaps);
            goto done;
        }
    }
    size_t nundef = thresholds(s, w.null60, nmaps, nsh, w.pool, threshold, pop_threshold);
    rc = GRIDFORM_OK;
    if (nundef > 0 || (pop_threshold != NULL && isnan(*pop_threshold)))
        rc = GF_FAIL(eb, GRIDFORM_EUNDEFINED,
                     "%zu of %zu maps have too few defined surrogate scores for a threshold (NaN)", nundef, nmaps);
    else if (nown > 0 && score60 != NULL)
        rc = GF_FAIL(eb, GRIDFORM_EUNDEFINED, "%zu of %zu maps have an undefined score60 (NaN)", nown, nmaps);
done:
    surrws_free(&w);
    return rc;
}
