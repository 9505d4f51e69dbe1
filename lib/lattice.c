/* libgridform: ideal lattice maps and the cubic gain (doc/theory.md §3.3). */
#include "config.h"
#include <math.h>
#include "internal.h"

/* Direction of wave j of a lattice: hexagons use three unit vectors at 120
 * degrees (they sum to zero, so the three waves form a resonant triad),
 * squares two at 90 degrees, stripes one. */
static size_t lattice_nwaves(int lattice)
{
    switch (lattice) {
    case GRIDFORM_LATTICE_HEX: return 3;
    case GRIDFORM_LATTICE_SQUARE: return 2;
    case GRIDFORM_LATTICE_STRIPES: return 1;
    default: return 0;
    }
}

static int lattice_waves(const gridform_arena *ar, gridform__errbuf *eb, const char *func, int lattice,
                         double k, double angle, double *kv, size_t *nw)
{
    size_t n = lattice_nwaves(lattice);
    if (n == 0)
        return gridform__fail(eb, GRIDFORM_EINVAL, func,
                              "lattice must be GRIDFORM_LATTICE_HEX (%d), _SQUARE (%d) or _STRIPES (%d), got %d",
                              GRIDFORM_LATTICE_HEX, GRIDFORM_LATTICE_SQUARE, GRIDFORM_LATTICE_STRIPES, lattice);
    if (!isfinite(k) || k <= 0)
        return gridform__fail(eb, GRIDFORM_EINVAL, func, "k must be finite and > 0 rad/m, got %g", k);
    if (!isfinite(angle))
        return gridform__fail(eb, GRIDFORM_EINVAL, func, "angle must be finite, got %g", angle);
    double step = (lattice == GRIDFORM_LATTICE_HEX) ? 2 * GF_PI / 3 : GF_PI / 2;
    /* The hexagon's third wave is -(k1 + k2), never snapped on its own, so
     * that the triad stays closed on the Fourier lattice. */
    size_t nfree = (lattice == GRIDFORM_LATTICE_HEX) ? 2 : n;
    for (size_t j = 0; j < nfree; j++) {
        double th = angle + (double)j * step;
        double kx = k * cos(th), ky = k * sin(th);
        if (ar->boundary == GRIDFORM_PERIODIC) {
            double mx = nearbyint(kx * ar->lx / (2 * GF_PI)), my = nearbyint(ky * ar->ly / (2 * GF_PI));
            if (mx == 0 && my == 0)
                return gridform__fail(eb, GRIDFORM_EINVAL, func,
                                      "k = %g rad/m is below the Fourier lattice of the arena: wave %zu snaps to 0",
                                      k, j + 1);
            kx = 2 * GF_PI * mx / ar->lx;
            ky = 2 * GF_PI * my / ar->ly;
        }
        kv[2 * j] = kx;
        kv[2 * j + 1] = ky;
    }
    if (lattice == GRIDFORM_LATTICE_HEX) {
        kv[4] = -(kv[0] + kv[2]);
        kv[5] = -(kv[1] + kv[3]);
    }
    if (n > 1) {
        double cross = kv[0] * kv[3] - kv[1] * kv[2];
        if (fabs(cross) <= 1e-12 * k * k)
            return gridform__fail(eb, GRIDFORM_EINVAL, func,
                                  "k = %g rad/m is too coarse for the arena: the lattice's waves snap to parallel vectors",
                                  k);
    }
    /* Strictly below Nyquist, so a cosine is sampled without aliasing. */
    double kxmax = GF_PI * (double)ar->nx / ar->lx, kymax = GF_PI * (double)ar->ny / ar->ly;
    for (size_t j = 0; j < n; j++)
        if (fabs(kv[2 * j]) >= kxmax * (1 - 1e-12) || fabs(kv[2 * j + 1]) >= kymax * (1 - 1e-12))
            return gridform__fail(eb, GRIDFORM_EINVAL, func,
                                  "k = %g rad/m: wave %zu (%g, %g) is at or above the Nyquist wavenumbers (%g, %g)",
                                  k, j + 1, kv[2 * j], kv[2 * j + 1], kxmax, kymax);
    *nw = n;
    return GRIDFORM_OK;
}

int gridform_lattice_wavevectors(const gridform_arena *ar, int lattice, double k, double angle, double *kxky,
                                 size_t *nwaves, double *k_used)
{
    if (ar == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "ar must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&ar->err;
    GF_CHECK_PTR(eb, kxky);
    double kv[6];
    size_t n;
    int rc = lattice_waves(ar, eb, __func__, lattice, k, angle, kv, &n);
    if (rc != GRIDFORM_OK)
        return rc;
    double sum = 0;
    for (size_t j = 0; j < n; j++) {
        kxky[2 * j] = kv[2 * j];
        kxky[2 * j + 1] = kv[2 * j + 1];
        sum += hypot(kv[2 * j], kv[2 * j + 1]);
    }
    if (nwaves) *nwaves = n;
    if (k_used) *k_used = sum / (double)n;
    return GRIDFORM_OK;
}

int gridform_lattice_synthesize(const gridform_arena *ar, int lattice, double k, double angle, double phase_x,
                                double phase_y, double *out)
{
    if (ar == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "ar must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&ar->err;
    GF_CHECK_PTR(eb, out);
    if (!isfinite(phase_x) || !isfinite(phase_y))
        return GF_FAIL(eb, GRIDFORM_EINVAL, "phase_x and phase_y must be finite metres, got %g, %g", phase_x,
                       phase_y);
    double kv[6];
    size_t n;
    int rc = lattice_waves(ar, eb, __func__, lattice, k, angle, kv, &n);
    if (rc != GRIDFORM_OK)
        return rc;
    double hx = ar->lx / (double)ar->nx, hy = ar->ly / (double)ar->ny;
    for (size_t iy = 0; iy < ar->ny; iy++) {
        double y = -0.5 * ar->ly + ((double)iy + 0.5) * hy - phase_y;
        for (size_t ix = 0; ix < ar->nx; ix++) {
            double x = -0.5 * ar->lx + ((double)ix + 0.5) * hx - phase_x;
            double v = 0;
            for (size_t j = 0; j < n; j++)
                v += cos(kv[2 * j] * x + kv[2 * j + 1] * y);
            out[iy * ar->nx + ix] = v;
        }
    }
    return GRIDFORM_OK;
}

int gridform_cubic_gain(const gridform_arena *ar, const double *map, double *gain)
{
    if (ar == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "ar must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&ar->err;
    GF_CHECK_PTR(eb, map);
    GF_CHECK_PTR(eb, gain);
    size_t n = ar->npoints;
    double mean = 0, amax = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(map[i]))
            return GF_FAIL(eb, GRIDFORM_EINVAL, "map[%zu] is not finite", i);
        mean += map[i];
        if (fabs(map[i]) > amax)
            amax = fabs(map[i]);
    }
    mean /= (double)n;
    double m2 = 0, m3 = 0;
    for (size_t i = 0; i < n; i++) {
        double h = map[i] - mean;
        m2 += h * h;
        m3 += h * h * h;
    }
    m2 /= (double)n;
    m3 /= (double)n;
    /* Variance at round-off level of the values: a constant map. */
    if (!(m2 > 0) || sqrt(m2) <= 1e-12 * amax)
        return GF_FAIL(eb, GRIDFORM_EUNDEFINED, "the map has no variance: the cubic gain is undefined");
    *gain = m3 / (m2 * sqrt(m2));
    return GRIDFORM_OK;
}
