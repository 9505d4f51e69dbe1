/* libgridform: the scorer handle: creation, options and batch scoring. */
#include "config.h"
#include <math.h>
#include <string.h>
#include "score_internal.h"

static void scorer_free(gridform_scorer *s)
{
    if (s == NULL)
        return;
    if (s->fwd != NULL || s->inv != NULL || s->fwd2 != NULL || s->inv3 != NULL) {
        gridform__fftw_lock(1);
        if (s->fwd != NULL) fftw_destroy_plan(s->fwd);
        if (s->inv != NULL) fftw_destroy_plan(s->inv);
        if (s->fwd2 != NULL) fftw_destroy_plan(s->fwd2);
        if (s->inv3 != NULL) fftw_destroy_plan(s->inv3);
        gridform__fftw_unlock();
    }
    gridform__free(s->mask);
    gridform__free(s->inside);
    gridform__free(s->hp_idx);
    gridform__aligned_free(s->rin);
    gridform__aligned_free(s->cf);
    gridform__aligned_free(s->cp);
    gridform__aligned_free(s->rout);
    gridform__aligned_free(s->sac);
    gridform__score_tables_free(s);
    gridform__measures_free(s);
    gridform__free(s);
}

int gridform_scorer_create(gridform_scorer **out, const gridform_arena *a)
{
    if (out == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "out must not be NULL");
    *out = NULL;
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a (the arena) must not be NULL");
    /* The arena validated these at its create; the checks below are the
     * scorer's own limits (FFT sizes, wavenumbers). */
    const size_t nx = a->nx, ny = a->ny;
    const double lx = a->lx, ly = a->ly;
    if (nx < 2 || ny < 2)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "the arena needs nx and ny >= 2, got %zu x %zu", nx, ny);
    /* |k|^2 on the Fourier lattice (k up to 2 pi n / L), the squared box
     * diagonal and the area must be finite, or wavenumbers and spacings come
     * out Inf (found by tests/fuzz/fuzz_score). */
    double kxm = 2.0 * GF_PI * (double)nx / lx, kym = 2.0 * GF_PI * (double)ny / ly;
    if (!isfinite(kxm * kxm + kym * kym) || !isfinite(lx * lx + ly * ly) || !isfinite(lx * ly))
        return GF_FAIL(NULL, GRIDFORM_ERANGE, "a box of %g x %g metres is outside the representable range", lx, ly);
    /* The SAC is indexed with int32 and FFTW takes int sizes: keep every
     * padded dimension and product below 2^31. */
    const size_t lim = (size_t)1 << 20;
    if (nx > lim || ny > lim)
        return GF_FAIL(NULL, GRIDFORM_ERANGE, "maps of %zu x %zu bins are too large", nx, ny);
    size_t sx = 2 * nx - 1, sy = 2 * ny - 1;
    size_t px = gridform__fft_fast_size(sx), py = gridform__fft_fast_size(sy);
    size_t nsac, npad, ncpx, t3, t4;
    if (!gridform__mul_size(sx, sy, &nsac) || !gridform__mul_size(px, py, &npad)
        || !gridform__mul_size(px / 2 + 1, py, &ncpx) || nsac >= INT32_MAX || npad >= INT32_MAX
        || !gridform__mul_size(npad, 4, &t4) || !gridform__mul_size(ncpx, 4, &t3)
        || !gridform__mul_size(t4, sizeof(double) * 2, &t4))
        return GF_FAIL(NULL, GRIDFORM_ERANGE, "maps of %zu x %zu bins are too large", nx, ny);

    gridform_scorer *s = gridform__calloc(1, sizeof *s);
    if (s == NULL)
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate the scorer");
    s->nx = nx;
    s->ny = ny;
    s->lx = lx;
    s->ly = ly;
    s->dx = lx / (double)nx;
    s->dy = ly / (double)ny;
    s->sx = sx;
    s->sy = sy;
    s->nsac = nsac;
    s->px = px;
    s->py = py;
    s->npad = npad;
    s->ncpx = ncpx;
    s->variant = GRIDFORM_GRIDNESS_MEAN;
    s->boundary = a->boundary;
    s->min_overlap = 20;
    /* A periodic arena holds a learner's maps, usually many periods wide,
     * where the fixed annuli miss the first ring of peaks: automatic annuli
     * by default (decision of the 0.2 API; the fixed ones stay the default
     * on walled arenas, for agreement with Banino et al.'s scorer). */
    s->annuli_auto = a->boundary == GRIDFORM_PERIODIC;
    /* The labs' null (Langston et al. 2010; Boccara et al. 2010): 100
     * shuffles, the 95th percentile, lags of at least 20 s. */
    s->null_shuffles = 100;
    s->null_percentile = 95;
    s->null_min_lag = 20;

    s->rin = gridform__aligned_doubles(3 * npad);
    s->rout = gridform__aligned_doubles(4 * npad);
    s->cf = gridform__aligned_alloc(3 * ncpx * sizeof(fftw_complex));
    s->cp = gridform__aligned_alloc(4 * ncpx * sizeof(fftw_complex));
    s->sac = gridform__aligned_doubles(nsac + 1);
    s->mask = gridform__calloc(nx * ny, 1);
    const unsigned char *inside = gridform__arena_inside(a);
    int inside_ok = 1;
    if (inside != NULL) {
        s->inside = gridform__malloc(nx * ny);
        if (s->inside != NULL)
            memcpy(s->inside, inside, nx * ny);
        inside_ok = s->inside != NULL;
    }
    if (!inside_ok || s->rin == NULL || s->rout == NULL || s->cf == NULL || s->cp == NULL || s->sac == NULL
        || s->mask == NULL) {
        scorer_free(s);
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate the scorer's workspaces");
    }
    int dims[2] = {(int)py, (int)px};
    gridform__fftw_lock(1);
    /* FFTW_ESTIMATE, as every plan of the library: a measured plan is
     * chosen by timing, so two processes could transform with different
     * algorithms and score the same map differently in the last bits (and
     * the dominant wavenumber of a hexagonal map, a near-tie between six
     * peaks, by a whole lattice step); gridform-sweep needs the same rows
     * from any process, rank or rerun. */
    s->fwd = fftw_plan_many_dft_r2c(2, dims, 3, s->rin, NULL, 1, (int)npad, s->cf, NULL, 1,
                                    (int)ncpx, FFTW_ESTIMATE | FFTW_PRESERVE_INPUT);
    s->inv = fftw_plan_many_dft_c2r(2, dims, 4, s->cp, NULL, 1, (int)ncpx, s->rout, NULL, 1,
                                    (int)npad, FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
    /* Maps from one trajectory share their unvisited bins: then the mask's
     * transform and overlap counts are reused and these plans do the rest. */
    s->fwd2 = fftw_plan_many_dft_r2c(2, dims, 2, s->rin + npad, NULL, 1, (int)npad, s->cf + ncpx, NULL, 1,
                                     (int)ncpx, FFTW_ESTIMATE | FFTW_PRESERVE_INPUT);
    s->inv3 = fftw_plan_many_dft_c2r(2, dims, 3, s->cp + ncpx, NULL, 1, (int)ncpx, s->rout + npad, NULL, 1,
                                     (int)npad, FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
    gridform__fftw_unlock();
    if (s->fwd == NULL || s->inv == NULL || s->fwd2 == NULL || s->inv3 == NULL) {
        scorer_free(s);
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot plan the %zu x %zu FFTs", py, px);
    }
    /* Planning scribbled on the buffers; the padding of rin must be zero. */
    memset(s->rin, 0, 3 * npad * sizeof(double));
    for (size_t i = 0; i < nsac; i++)
        s->sac[i] = NAN;
    s->sac[nsac] = NAN;
    /* Banino et al. 2018's annuli, fractions of the box side: the default
     * fixed annuli, and the fallback of the automatic ones. */
    const double side = lx < ly ? lx : ly;
    int rc = gridform__score_tables(s, 0.2 * side, 0.4 * side, 1.0 * side, 10);
    if (rc == GRIDFORM_OK)
        rc = gridform__peak_table(s);
    if (rc == GRIDFORM_OK)
        rc = gridform__measures_init(s, a);
    if (rc != GRIDFORM_OK) {
        scorer_free(s);
        return GF_FAIL(NULL, rc, "cannot build the annulus and rotation tables");
    }
    *out = s;
    return GRIDFORM_OK;
}

void gridform_scorer_destroy(gridform_scorer *s)
{
    scorer_free(s);
}

const char *gridform_scorer_last_error(const gridform_scorer *s)
{
    return gridform__errtext(s != NULL ? &s->err : NULL);
}

int gridform_scorer_set_variant(gridform_scorer *s, int variant)
{
    if (s == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "s must not be NULL");
    if (variant != GRIDFORM_GRIDNESS_MEAN && variant != GRIDFORM_GRIDNESS_MINMAX)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL,
                       "variant must be GRIDFORM_GRIDNESS_MEAN (%d) or GRIDFORM_GRIDNESS_MINMAX (%d), got %d",
                       GRIDFORM_GRIDNESS_MEAN, GRIDFORM_GRIDNESS_MINMAX, variant);
    s->variant = variant;
    return GRIDFORM_OK;
}

int gridform_scorer_set_boundary(gridform_scorer *s, int boundary)
{
    if (s == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "s must not be NULL");
    if (boundary != GRIDFORM_WALLED && boundary != GRIDFORM_PERIODIC)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL,
                       "boundary must be GRIDFORM_PERIODIC (%d) or GRIDFORM_WALLED (%d), got %d",
                       GRIDFORM_PERIODIC, GRIDFORM_WALLED, boundary);
    s->boundary = boundary;
    return GRIDFORM_OK;
}

int gridform_scorer_set_min_overlap(gridform_scorer *s, size_t min_overlap)
{
    if (s == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "s must not be NULL");
    if (min_overlap < 2)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL, "min_overlap must be >= 2, got %zu", min_overlap);
    s->min_overlap = min_overlap;
    return GRIDFORM_OK;
}

int gridform_scorer_set_annuli_m(gridform_scorer *s, double inner_m, double outer_min_m,
                                 double outer_max_m, size_t count)
{
    if (s == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "s must not be NULL");
    if (!isfinite(inner_m) || !isfinite(outer_min_m) || !isfinite(outer_max_m) || inner_m < 0
        || outer_min_m <= inner_m || outer_max_m < outer_min_m)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL,
                       "need 0 <= inner_m < outer_min_m <= outer_max_m (metres), got %g, %g, %g",
                       inner_m, outer_min_m, outer_max_m);
    /* No lag is longer than the SAC's corner: an inner radius there leaves
     * every annulus empty. */
    double rmax = hypot((double)(s->nx - 1) * s->dx, (double)(s->ny - 1) * s->dy);
    if (inner_m >= rmax)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL,
                       "inner_m %g m must be below the longest SAC lag, %g m", inner_m, rmax);
    if (count < 1 || count > 1000)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL, "count must be in 1..1000, got %zu", count);
    if (count > 1 && outer_max_m == outer_min_m)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL, "count %zu needs outer_max_m > outer_min_m", count);
    /* Annuli set by hand are the ones to use: automatic annuli go off
     * (gridform_scorer_set_annuli_auto turns them back on, with these as
     * the fallback). */
    int was = s->annuli_auto;
    s->annuli_auto = 0;
    int rc = gridform__score_tables(s, inner_m, outer_min_m, outer_max_m, count);
    if (rc != GRIDFORM_OK) {
        s->annuli_auto = was;
        return GF_FAIL(&s->err, rc, "cannot allocate the annulus and rotation tables");
    }
    return GRIDFORM_OK;
}

int gridform_scorer_set_annuli_auto(gridform_scorer *s, int on)
{
    if (s == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "s must not be NULL");
    if (on != 0 && on != 1)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL, "on must be 0 or 1, got %d", on);
    int was = s->annuli_auto;
    s->annuli_auto = on;
    /* The table must reach min(lx, ly) for automatic annuli. */
    int rc = gridform__score_tables(s, s->inner, s->outer_min, s->outer_max, s->count);
    if (rc != GRIDFORM_OK) {
        s->annuli_auto = was;
        return GF_FAIL(&s->err, rc, "cannot allocate the annulus and rotation tables");
    }
    return GRIDFORM_OK;
}

int gridform_scorer_get_annuli_auto(const gridform_scorer *s, int *on)
{
    if (s == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "s must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&s->err;
    GF_CHECK_PTR(eb, on);
    *on = s->annuli_auto;
    return GRIDFORM_OK;
}

int gridform_scorer_get_fallback_count(const gridform_scorer *s, size_t *nfallback)
{
    if (s == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "s must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&s->err;
    GF_CHECK_PTR(eb, nfallback);
    *nfallback = s->nfallback;
    return GRIDFORM_OK;
}

/* No infinite value in a visited bin: NaN is unvisited, and bins outside
 * the arena's shape are unvisited whatever they hold. */
static int check_finite_or_nan(const gridform_scorer *s, const double *m, size_t n, size_t *where)
{
    size_t nb = s->nx * s->ny;
    for (size_t i = 0; i < n; i++)
        if (isinf(m[i]) && (s->inside == NULL || s->inside[i % nb])) {
            *where = i;
            return 0;
        }
    return 1;
}

int gridform__check_batch(const gridform_scorer *s, const char *fn, const double *maps, size_t nmaps)
{
    if (s == NULL)
        return gridform__fail(NULL, GRIDFORM_EINVAL, fn, "s must not be NULL");
    /* A failed check writes the handle's error slot and nothing else. */
    gridform__errbuf *eb = (gridform__errbuf *)&s->err;
    if (maps == NULL)
        return gridform__fail(eb, GRIDFORM_EINVAL, fn, "maps must not be NULL");
    if (nmaps == 0)
        return gridform__fail(eb, GRIDFORM_EINVAL, fn, "nmaps must be >= 1");
    return GRIDFORM_OK;
}

int gridform__check_maps(const gridform_scorer *s, const char *fn, const double *maps, size_t nmaps,
                         size_t *total)
{
    gridform__errbuf *eb = (gridform__errbuf *)&s->err;
    const size_t n = s->nx * s->ny;
    size_t where;
    if (!gridform__mul_size(n, nmaps, total))
        return gridform__fail(eb, GRIDFORM_ERANGE, fn, "%zu maps of %zu bins overflow", nmaps, n);
    if (!check_finite_or_nan(s, maps, *total, &where))
        return gridform__fail(eb, GRIDFORM_EINVAL, fn, "map %zu, bin %zu is infinite", where / n, where % n);
    return GRIDFORM_OK;
}

int gridform_scorer_autocorr(const gridform_scorer *cs, const double *map, double *sac)
{
    if (cs == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "s must not be NULL");
    /* The scorer's workspaces are mutable: one thread at a time (documented). */
    gridform_scorer *s = (gridform_scorer *)cs;
    GF_CHECK_PTR(&s->err, map);
    GF_CHECK_PTR(&s->err, sac);
    size_t where;
    if (!check_finite_or_nan(s, map, s->nx * s->ny, &where))
        return GF_FAIL(&s->err, GRIDFORM_EINVAL, "map[%zu] is infinite", where);
    int rc = gridform__sac_compute(s, map);
    memcpy(sac, s->sac, s->nsac * sizeof(double));
    if (rc != GRIDFORM_OK)
        return GF_FAIL(&s->err, rc, "the map has no variance (constant or all NaN) or no lag overlaps %zu bins",
                       s->min_overlap);
    return GRIDFORM_OK;
}

int gridform_map_dominant_k(const gridform_scorer *cs, const double *map, double *k)
{
    if (cs == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "s must not be NULL");
    gridform_scorer *s = (gridform_scorer *)cs;
    GF_CHECK_PTR(&s->err, map);
    GF_CHECK_PTR(&s->err, k);
    size_t where;
    if (!check_finite_or_nan(s, map, s->nx * s->ny, &where))
        return GF_FAIL(&s->err, GRIDFORM_EINVAL, "map[%zu] is infinite", where);
    /* Defined exactly where score60 is (lib/score_gridness.c). */
    const char *why = NULL;
    *k = gridform__map_dominant_k(s, map, &why);
    if (isnan(*k))
        return GF_FAIL(&s->err, GRIDFORM_EUNDEFINED, "%s", why);
    return GRIDFORM_OK;
}

/* Score nmaps maps; the annulus outputs (any NULL) are those of
 * gridform_scorer_score_annuli.  Counts the fallbacks of automatic annuli. */
static int score_maps(const char *fn, gridform_scorer *s, const double *maps, size_t nmaps,
                      double *score60, double *score90, double *spacing, double *orientation,
                      double *inner_m, double *outer_m, int *source)
{
    /* Errors name the public function that failed (fn), not this helper.
     * Validate everything first so a bad input leaves the outputs untouched. */
    size_t n = s->nx * s->ny, total;
    int rc = gridform__check_maps(s, fn, maps, nmaps, &total);
    if (rc != GRIDFORM_OK)
        return rc;
    size_t nundef = 0, first = 0, nfallback = 0;
    int want_ann = inner_m != NULL || outer_m != NULL || source != NULL;
    int want_gridness = score60 != NULL || score90 != NULL || want_ann;
    int want_peaks = spacing != NULL || orientation != NULL;
    for (size_t m = 0; m < nmaps; m++) {
        double g60 = NAN, g90 = NAN, sp = NAN, th = NAN, bo = NAN;
        gridform__annuli ann = {NAN, NAN, NAN, 0};
        rc = gridform__sac_compute(s, maps + m * n);
        if (rc == GRIDFORM_OK) {
            double px[3], py[3];
            int nfound = 0;
            /* The peaks serve spacing and orientation and, with automatic
             * annuli, the choice of annuli: found once. */
            if (want_peaks || (want_gridness && s->annuli_auto))
                nfound = gridform__sac_peaks(s, px, py);
            if (want_gridness) {
                gridform__gridness(s, nfound, px, py, &g60, &g90, &ann, &bo);
                nfallback += s->annuli_auto && !ann.automatic;
            }
            if (want_peaks)
                gridform__peaks_summary(nfound, px, py, &sp, &th);
        }
        if (score60) score60[m] = g60;
        if (score90) score90[m] = g90;
        if (spacing) spacing[m] = sp;
        if (orientation) orientation[m] = th;
        if (inner_m) inner_m[m] = isnan(g60) ? NAN : ann.inner;
        if (outer_m) outer_m[m] = bo;
        if (source)
            source[m] = isnan(g60) ? 0
                        : ann.automatic ? GRIDFORM_ANNULI_AUTO
                        : s->annuli_auto ? GRIDFORM_ANNULI_FALLBACK : GRIDFORM_ANNULI_FIXED;
        if (rc != GRIDFORM_OK || (want_gridness && (isnan(g60) || isnan(g90)))
            || (want_peaks && isnan(sp))) {
            if (nundef++ == 0)
                first = m;
        }
    }
    s->nfallback = nfallback;
    if (nundef > 0)
        return gridform__fail(&s->err, GRIDFORM_EUNDEFINED, fn,
                              "%zu of %zu maps have undefined scores (NaN), the first is map %zu", nundef,
                              nmaps, first);
    return GRIDFORM_OK;
}

int gridform_scorer_score(const gridform_scorer *cs, const double *maps, size_t nmaps,
                          double *score60, double *score90, double *spacing, double *orientation)
{
    int rc = gridform__check_batch(cs, __func__, maps, nmaps);
    if (rc != GRIDFORM_OK)
        return rc;
    gridform_scorer *s = (gridform_scorer *)cs;
    return score_maps(__func__, s, maps, nmaps, score60, score90, spacing, orientation, NULL, NULL, NULL);
}

int gridform_scorer_score_annuli(const gridform_scorer *cs, const double *maps, size_t nmaps,
                                 double *score60, double *inner_m, double *outer_m, int *source)
{
    int rc = gridform__check_batch(cs, __func__, maps, nmaps);
    if (rc != GRIDFORM_OK)
        return rc;
    gridform_scorer *s = (gridform_scorer *)cs;
    if (score60 == NULL && inner_m == NULL && outer_m == NULL && source == NULL)
        return GF_FAIL(&s->err, GRIDFORM_EINVAL, "score60, inner_m, outer_m and source must not all be NULL");
    return score_maps(__func__, s, maps, nmaps, score60, NULL, NULL, NULL, inner_m, outer_m, source);
}
