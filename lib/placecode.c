/* libgridform: place-cell codes (doc/theory.md §1.1).
 *
 * Tuning curves follow Sorscher, Mel, Ganguli, Ocko, NeurIPS 2019: a unit-
 * integral Gaussian, a difference of unit-integral Gaussians with variance
 * ratio s (their "centre-surround" code), and the "difference of softmaxes"
 * used by their trained network. */
#include "config.h"
#include <float.h>
#include <math.h>
#include <string.h>
#include "internal.h"
#include "placecode_internal.h"

int gridform_placecode_create(gridform_placecode **out, const gridform_arena *a, int tuning,
                              double sigma, double surround, size_t ncells, int layout, uint64_t seed)
{
    if (out == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "out must not be NULL");
    *out = NULL;
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    if (tuning != GRIDFORM_TUNING_GAUSSIAN && tuning != GRIDFORM_TUNING_DOG
        && tuning != GRIDFORM_TUNING_SOFTMAX_DOG) {
        if (tuning == GRIDFORM_TUNING_USER)
            return GF_FAIL(NULL, GRIDFORM_EINVAL,
                           "tuning GRIDFORM_TUNING_USER is set by gridform_placecode_set_tuning_fn() "
                           "after creating with a built-in tuning");
        return GF_FAIL(NULL, GRIDFORM_EINVAL,
                       "tuning must be GRIDFORM_TUNING_GAUSSIAN (1), _DOG (2) or _SOFTMAX_DOG (3), got %d",
                       tuning);
    }
    if (!isfinite(sigma) || sigma <= 0)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "sigma must be finite and > 0 metres, got %g", sigma);
    if (!isfinite(surround))
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "surround must be finite, got %g", surround);
    /* The tunings divide by sigma^2 and s sigma^2: both must be normal. */
    double vmax = sigma * sigma * (surround > 1 ? surround : 1);
    if (!(sigma * sigma >= DBL_MIN) || !isfinite(vmax))
        return GF_FAIL(NULL, GRIDFORM_ERANGE, "sigma = %g (s = %g) puts sigma^2 outside the double range",
                       sigma, surround);
    if (tuning != GRIDFORM_TUNING_GAUSSIAN && !(surround > 1))
        return GF_FAIL(NULL, GRIDFORM_EINVAL,
                       "surround (variance ratio s) must be > 1 for a centre-surround tuning, got %g",
                       surround);
    if (ncells == 0)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "ncells must be >= 1");
    if (tuning == GRIDFORM_TUNING_SOFTMAX_DOG && ncells < 2)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a softmax code needs ncells >= 2, got %zu", ncells);
    if (layout != GRIDFORM_CENTERS_LATTICE && layout != GRIDFORM_CENTERS_RANDOM) {
        if (layout == GRIDFORM_CENTERS_USER)
            return GF_FAIL(NULL, GRIDFORM_EINVAL,
                           "layout GRIDFORM_CENTERS_USER is set by gridform_placecode_set_centers() "
                           "after creating with a built-in layout");
        return GF_FAIL(NULL, GRIDFORM_EINVAL,
                       "layout must be GRIDFORM_CENTERS_LATTICE (1) or _RANDOM (2), got %d", layout);
    }
    size_t nxy;
    if (!gridform__mul_size(ncells, 2, &nxy) || nxy > SIZE_MAX / sizeof(double))
        return GF_FAIL(NULL, GRIDFORM_ERANGE, "ncells = %zu is too large", ncells);

    gridform_placecode *pc = gridform__calloc(1, sizeof *pc);
    if (pc == NULL)
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate the place code");
    pc->centers = gridform__malloc_array(nxy, sizeof(double));
    if (pc->centers == NULL) {
        gridform__free(pc);
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate %zu centres", ncells);
    }
    pc->arena = a;
    pc->tuning = tuning;
    pc->sigma = sigma;
    pc->surround = surround;
    pc->ncells = ncells;
    pc->layout = layout;

    if (layout == GRIDFORM_CENTERS_LATTICE) {
        /* ncells = ncx * ncy with the aspect ratio closest to lx/ly; the
         * centres sit at cell midpoints, like the arena's own points, so a
         * lattice code is uniform on the torus. */
        size_t ncx = ncells, ncy = 1;
        double target = log(a->lx / a->ly), best = INFINITY;
        for (size_t d = 1; d <= ncells / d; d++) {
            if (ncells % d != 0)
                continue;
            size_t cand[2][2] = {{d, ncells / d}, {ncells / d, d}};
            for (int c = 0; c < 2; c++) {
                double err = fabs(log((double)cand[c][0] / (double)cand[c][1]) - target);
                if (err < best - 1e-12) {
                    best = err;
                    ncx = cand[c][0];
                    ncy = cand[c][1];
                }
            }
        }
        for (size_t j = 0; j < ncy; j++)
            for (size_t i = 0; i < ncx; i++) {
                size_t c = j * ncx + i;
                pc->centers[2 * c] = -0.5 * a->lx + ((double)i + 0.5) * a->lx / (double)ncx;
                pc->centers[2 * c + 1] = -0.5 * a->ly + ((double)j + 0.5) * a->ly / (double)ncy;
            }
    } else {
        gridform__rng r;
        gridform__rng_seed(&r, seed);
        for (size_t c = 0; c < ncells; c++) {
            pc->centers[2 * c] = a->lx * (gridform__rng_uniform(&r) - 0.5);
            pc->centers[2 * c + 1] = a->ly * (gridform__rng_uniform(&r) - 0.5);
        }
    }
    *out = pc;
    return GRIDFORM_OK;
}

void gridform_placecode_destroy(gridform_placecode *pc)
{
    if (pc == NULL)
        return;
    gridform__free(pc->centers);
    gridform__free(pc);
}

const char *gridform_placecode_last_error(const gridform_placecode *pc)
{
    return gridform__errtext(pc != NULL ? &pc->err : NULL);
}

int gridform_placecode_set_centers(gridform_placecode *pc, const double *xy, size_t ncells)
{
    if (pc == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "pc must not be NULL");
    gridform__errbuf *eb = &pc->err;
    GF_CHECK_PTR(eb, xy);
    if (ncells == 0)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "ncells must be >= 1");
    if (pc->tuning == GRIDFORM_TUNING_SOFTMAX_DOG && ncells < 2)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "a softmax code needs ncells >= 2, got %zu", ncells);
    size_t nxy;
    if (!gridform__mul_size(ncells, 2, &nxy) || nxy > SIZE_MAX / sizeof(double))
        return GF_FAIL(eb, GRIDFORM_ERANGE, "ncells = %zu is too large", ncells);
    for (size_t i = 0; i < nxy; i++)
        if (!isfinite(xy[i]))
            return GF_FAIL(eb, GRIDFORM_EINVAL, "centre %zu has a non-finite coordinate", i / 2);
    double *c = pc->centers;
    if (ncells != pc->ncells) {
        c = gridform__malloc_array(nxy, sizeof(double));
        if (c == NULL)
            return GF_FAIL(eb, GRIDFORM_ENOMEM, "cannot allocate %zu centres", ncells);
        gridform__free(pc->centers);
        pc->centers = c;
        pc->ncells = ncells;
    }
    memcpy(c, xy, nxy * sizeof(double));
    pc->layout = GRIDFORM_CENTERS_USER;
    return GRIDFORM_OK;
}

int gridform_placecode_get_centers(const gridform_placecode *pc, double *xy)
{
    if (pc == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "pc must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&pc->err;
    GF_CHECK_PTR(eb, xy);
    memcpy(xy, pc->centers, 2 * pc->ncells * sizeof(double));
    return GRIDFORM_OK;
}

int gridform_placecode_set_tuning_fn(gridform_placecode *pc, gridform_tuning_fn fn, void *user)
{
    if (pc == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "pc must not be NULL");
    gridform__errbuf *eb = &pc->err;
    GF_CHECK_PTR(eb, fn);
    pc->fn = fn;
    pc->user = user;
    pc->tuning = GRIDFORM_TUNING_USER;
    return GRIDFORM_OK;
}

int gridform_placecode_get_ncells(const gridform_placecode *pc, size_t *ncells)
{
    if (pc == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "pc must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&pc->err;
    GF_CHECK_PTR(eb, ncells);
    *ncells = pc->ncells;
    return GRIDFORM_OK;
}

int gridform_placecode_get_tuning(const gridform_placecode *pc, int *tuning, double *sigma, double *surround)
{
    if (pc == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "pc must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&pc->err;
    if (tuning == NULL && sigma == NULL && surround == NULL)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "tuning, sigma and surround must not all be NULL");
    if (tuning) *tuning = pc->tuning;
    if (sigma) *sigma = pc->sigma;
    if (surround) *surround = pc->surround;
    return GRIDFORM_OK;
}

const gridform_arena *gridform_placecode_get_arena(const gridform_placecode *pc)
{
    if (pc == NULL) {
        GF_FAIL(NULL, GRIDFORM_EINVAL, "pc must not be NULL");
        return NULL;
    }
    return pc->arena;
}

void gridform__min_image(const gridform_arena *a, double *dx, double *dy)
{
    if (a->boundary != GRIDFORM_PERIODIC)
        return;
    *dx -= a->lx * nearbyint(*dx / a->lx);
    *dy -= a->ly * nearbyint(*dy / a->ly);
}

/* Displacement of position x from centre c along one axis.  On a torus,
 * reduce both modulo the side first (fmod is exact), so that far-away but
 * finite coordinates never overflow to inf - inf. */
static double disp(const gridform_arena *a, double x, double c, double side)
{
    if (a->boundary == GRIDFORM_PERIODIC)
        return fmod(x, side) - fmod(c, side);
    return x - c;
}

/* Unit-integral isotropic Gaussian of variance v at squared radius r2. */
static double gauss2(double r2, double v)
{
    return exp(-0.5 * r2 / v) / (2.0 * GF_PI * v);
}

int gridform__placecode_fill(const gridform_placecode *pc, const double *xy, size_t npos, double *out,
                             gridform__errbuf *eb, const char *func)
{
    const gridform_arena *a = pc->arena;
    size_t nc = pc->ncells;
    double v1 = pc->sigma * pc->sigma, v2 = pc->surround * v1;
    for (size_t p = 0; p < npos; p++) {
        double x = xy[2 * p], y = xy[2 * p + 1];
        double *row = out + p * nc;
        switch (pc->tuning) {
        case GRIDFORM_TUNING_GAUSSIAN:
        case GRIDFORM_TUNING_DOG:
            for (size_t c = 0; c < nc; c++) {
                double dx = disp(a, x, pc->centers[2 * c], a->lx);
                double dy = disp(a, y, pc->centers[2 * c + 1], a->ly);
                gridform__min_image(a, &dx, &dy);
                double r2 = dx * dx + dy * dy;
                row[c] = gauss2(r2, v1);
                if (pc->tuning == GRIDFORM_TUNING_DOG)
                    row[c] -= gauss2(r2, v2);
            }
            break;
        case GRIDFORM_TUNING_USER:
            for (size_t c = 0; c < nc; c++) {
                double dx = disp(a, x, pc->centers[2 * c], a->lx);
                double dy = disp(a, y, pc->centers[2 * c + 1], a->ly);
                gridform__min_image(a, &dx, &dy);
                double f = pc->fn(dx, dy, pc->user);
                if (!isfinite(f))
                    return gridform__fail(eb, GRIDFORM_EINVAL, func,
                                          "the tuning function returned %g at displacement (%g, %g)",
                                          f, dx, dy);
                row[c] = f;
            }
            break;
        default: {
            /* Difference of softmaxes (Sorscher et al. 2019;
             * doc/theory.md §1.1): softmax over cells of -d^2/2 sigma^2 minus the same
             * with s sigma^2, shifted so the minimum over cells is 0 and
             * scaled so the sum over cells is 1.  Both softmaxes subtract
             * their largest logit first, so no exponential overflows. */
            double m1 = -INFINITY, m2 = -INFINITY;
            for (size_t c = 0; c < nc; c++) {
                double dx = disp(a, x, pc->centers[2 * c], a->lx);
                double dy = disp(a, y, pc->centers[2 * c + 1], a->ly);
                gridform__min_image(a, &dx, &dy);
                double r2 = dx * dx + dy * dy;
                row[c] = r2;
                if (-0.5 * r2 / v1 > m1) m1 = -0.5 * r2 / v1;
                if (-0.5 * r2 / v2 > m2) m2 = -0.5 * r2 / v2;
            }
            if (!isfinite(m1) || !isfinite(m2)) {
                /* Every centre infinitely far (coordinates near DBL_MAX on
                 * a walled arena): the uniform limit, as below. */
                for (size_t c = 0; c < nc; c++)
                    row[c] = 1.0 / (double)nc;
                continue;
            }
            double z1 = 0, z2 = 0;
            for (size_t c = 0; c < nc; c++) {
                z1 += exp(-0.5 * row[c] / v1 - m1);
                z2 += exp(-0.5 * row[c] / v2 - m2);
            }
            double lo = INFINITY;
            for (size_t c = 0; c < nc; c++) {
                double r2 = row[c];
                row[c] = exp(-0.5 * r2 / v1 - m1) / z1 - exp(-0.5 * r2 / v2 - m2) / z2;
                if (row[c] < lo) lo = row[c];
            }
            double sum = 0;
            for (size_t c = 0; c < nc; c++) {
                row[c] -= lo;
                sum += row[c];
            }
            /* All differences equal (a point equidistant from every
             * centre): the limit of the normalisation is uniform. */
            if (!(sum > 1e-300)) {
                for (size_t c = 0; c < nc; c++)
                    row[c] = 1.0 / (double)nc;
            } else {
                for (size_t c = 0; c < nc; c++)
                    row[c] /= sum;
            }
        }
        }
    }
    return GRIDFORM_OK;
}

int gridform_placecode_response(const gridform_placecode *pc, const double *xy, size_t npos, double *out)
{
    if (pc == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "pc must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&pc->err;
    GF_CHECK_PTR(eb, xy);
    GF_CHECK_PTR(eb, out);
    if (npos == 0)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "npos must be >= 1");
    size_t total;
    if (!gridform__mul_size(npos, pc->ncells, &total) || total > SIZE_MAX / sizeof(double)
        || npos > SIZE_MAX / (2 * sizeof(double)))
        return GF_FAIL(eb, GRIDFORM_ERANGE, "npos x ncells = %zu x %zu is too large", npos, pc->ncells);
    for (size_t i = 0; i < 2 * npos; i++)
        if (!isfinite(xy[i]))
            return GF_FAIL(eb, GRIDFORM_EINVAL, "position %zu has a non-finite coordinate", i / 2);
    return gridform__placecode_fill(pc, xy, npos, out, eb, __func__);
}
