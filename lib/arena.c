/* libgridform: the arena. */
#include "config.h"
#include <float.h>
#include <math.h>
#include "internal.h"

int gridform_arena_create(gridform_arena **out, double lx, double ly, size_t nx, size_t ny, int boundary)
{
    if (out == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "out must not be NULL");
    *out = NULL;
    if (!isfinite(lx) || lx <= 0)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "lx must be finite and > 0 metres, got %g", lx);
    if (!isfinite(ly) || ly <= 0)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "ly must be finite and > 0 metres, got %g", ly);
    if (nx < 2 || ny < 2)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "nx and ny must be >= 2, got %zu x %zu", nx, ny);
    if (boundary != GRIDFORM_PERIODIC && boundary != GRIDFORM_WALLED)
        return GF_FAIL(NULL, GRIDFORM_EINVAL,
                       "boundary must be GRIDFORM_PERIODIC (%d) or GRIDFORM_WALLED (%d), got %d",
                       GRIDFORM_PERIODIC, GRIDFORM_WALLED, boundary);
    size_t npoints, nfreq, bytes;
    /* FFTW takes int dimensions; every later n*ng product is checked again
     * by the module that forms it. */
    if (nx > INT32_MAX || ny > INT32_MAX || !gridform__mul_size(nx, ny, &npoints)
        || !gridform__mul_size(ny, nx / 2 + 1, &nfreq)
        || !gridform__mul3_size(npoints, 2, sizeof(double), &bytes))
        return GF_FAIL(NULL, GRIDFORM_ERANGE, "arena of %zu x %zu points is too large", nx, ny);
    /* Everything built on the arena forms its wavenumbers (up to 2 pi n / L
     * on the Fourier lattice) and their squares, its area and its area
     * element: all must be finite and nonzero, or wavevectors, spectra and
     * kernels come out Inf or 0 while reporting success (found by
     * tests/fuzz/fuzz_config: ly = 1e-300 gave infinite wavevectors). */
    double kx = 2.0 * GF_PI * (double)nx / lx, ky = 2.0 * GF_PI * (double)ny / ly;
    double dA = (lx / (double)nx) * (ly / (double)ny);
    /* ... and the smallest nonzero wavenumbers squared, 4 pi^2 / L^2, must
     * not underflow (an arena of 8e242 m made the attractor's displacement
     * NaN: its tracked wavevectors squared vanished) */
    double k1x = 2.0 * GF_PI / lx, k1y = 2.0 * GF_PI / ly;
    if (!isfinite(kx * kx + ky * ky) || !isfinite(lx * ly) || !(dA >= DBL_MIN) || !(k1x * k1x >= DBL_MIN)
        || !(k1y * k1y >= DBL_MIN))
        return GF_FAIL(NULL, GRIDFORM_ERANGE,
                       "a box of %g x %g metres on %zu x %zu points is outside the representable range "
                       "(its wavenumbers, area or area element overflow or underflow)", lx, ly, nx, ny);
    gridform_arena *a = gridform__calloc(1, sizeof *a);
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate the arena");
    a->lx = lx;
    a->ly = ly;
    a->nx = nx;
    a->ny = ny;
    a->boundary = boundary;
    a->npoints = npoints;
    a->nfreq = nfreq;
    a->inside = NULL;
    a->ninside = npoints;
    *out = a;
    return GRIDFORM_OK;
}

void gridform_arena_destroy(gridform_arena *a)
{
    if (a != NULL) {
        gridform__free(a->inside);
        gridform__free(a->poly);
        gridform__free(a->ring_sizes);
    }
    gridform__free(a);
}

const unsigned char *gridform__arena_inside(const gridform_arena *a)
{
    return a->inside;
}

size_t gridform__arena_ninside(const gridform_arena *a)
{
    return a->ninside;
}

const char *gridform_arena_last_error(const gridform_arena *a)
{
    return gridform__errtext(a != NULL ? &a->err : NULL);
}

int gridform_arena_get_shape(const gridform_arena *a, size_t *nx, size_t *ny)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&a->err;
    if (nx == NULL && ny == NULL)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "nx and ny must not both be NULL");
    if (nx) *nx = a->nx;
    if (ny) *ny = a->ny;
    return GRIDFORM_OK;
}

int gridform_arena_get_extent(const gridform_arena *a, double *lx, double *ly)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&a->err;
    if (lx == NULL && ly == NULL)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "lx and ly must not both be NULL");
    if (lx) *lx = a->lx;
    if (ly) *ly = a->ly;
    return GRIDFORM_OK;
}

int gridform_arena_get_boundary(const gridform_arena *a, int *boundary)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&a->err;
    GF_CHECK_PTR(eb, boundary);
    *boundary = a->boundary;
    return GRIDFORM_OK;
}

int gridform_arena_get_spacing(const gridform_arena *a, double *dx, double *dy, double *area_element)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&a->err;
    if (dx == NULL && dy == NULL && area_element == NULL)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "dx, dy and area_element must not all be NULL");
    double hx = a->lx / (double)a->nx, hy = a->ly / (double)a->ny;
    if (dx) *dx = hx;
    if (dy) *dy = hy;
    if (area_element) *area_element = hx * hy;
    return GRIDFORM_OK;
}

int gridform_arena_positions(const gridform_arena *a, double *xy)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&a->err;
    GF_CHECK_PTR(eb, xy);
    double hx = a->lx / (double)a->nx, hy = a->ly / (double)a->ny;
    for (size_t iy = 0; iy < a->ny; iy++) {
        double y = -0.5 * a->ly + ((double)iy + 0.5) * hy;
        for (size_t ix = 0; ix < a->nx; ix++) {
            size_t p = iy * a->nx + ix;
            xy[2 * p] = -0.5 * a->lx + ((double)ix + 0.5) * hx;
            xy[2 * p + 1] = y;
        }
    }
    return GRIDFORM_OK;
}

int gridform_arena_get_nfreq(const gridform_arena *a, size_t *nfreq)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&a->err;
    GF_CHECK_PTR(eb, nfreq);
    *nfreq = a->nfreq;
    return GRIDFORM_OK;
}

void gridform__arena_wavevector(const gridform_arena *a, size_t iy, size_t jx, double *kx, double *ky)
{
    /* numpy.fft.fftfreq convention: the Nyquist row of an even ny is negative. */
    double my = (iy < (a->ny + 1) / 2) ? (double)iy : (double)iy - (double)a->ny;
    *kx = 2.0 * GF_PI * (double)jx / a->lx;
    *ky = 2.0 * GF_PI * my / a->ly;
}

int gridform_arena_wavevectors(const gridform_arena *a, double *kxky)
{
    if (a == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "a must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&a->err;
    GF_CHECK_PTR(eb, kxky);
    size_t nh = a->nx / 2 + 1;
    for (size_t iy = 0; iy < a->ny; iy++)
        for (size_t jx = 0; jx < nh; jx++) {
            size_t b = iy * nh + jx;
            gridform__arena_wavevector(a, iy, jx, &kxky[2 * b], &kxky[2 * b + 1]);
        }
    return GRIDFORM_OK;
}

int gridform_arena_create_commensurate(gridform_arena **out, double k, size_t periods_x, size_t nx,
                                       int boundary)
{
    if (out == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "out must not be NULL");
    *out = NULL;
    if (!isfinite(k) || k <= 0)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "k must be finite and > 0 rad/m, got %g", k);
    if (periods_x < 1)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "periods_x must be >= 1, got %zu", periods_x);
    if (boundary != GRIDFORM_PERIODIC && boundary != GRIDFORM_WALLED)
        return GF_FAIL(NULL, GRIDFORM_EINVAL,
                       "boundary must be GRIDFORM_PERIODIC (%d) or GRIDFORM_WALLED (%d), got %d",
                       GRIDFORM_PERIODIC, GRIDFORM_WALLED, boundary);
    /* The hexagonal lattice of gridform_lattice_wavevectors at angle 0:
     * waves k (cos t, sin t), t = 0, 120, 240 degrees, field peaks on rows
     * along x.  Its period along x is 4 pi / k (= sqrt(3) a, a = 4 pi /
     * (sqrt(3) k) the spacing) and along y the spacing a itself, so
     * lx = periods_x 4 pi / k and ly = m a with m = round(sqrt(3) periods_x),
     * the nearest a square box can come.  Then the waves sit on Fourier
     * bins (ky, kx) = 2 pi (iy/ly, jx/lx) with (iy, jx) = (0, 2 periods_x)
     * and (+-m, -periods_x): exactly on the lattice, which needs
     * 2 periods_x < nx/2 and m < ny/2 (Nyquist). */
    if (periods_x > ((size_t)1 << 40) || nx > INT32_MAX)
        return GF_FAIL(NULL, GRIDFORM_ERANGE, "periods_x %zu or nx %zu is too large", periods_x, nx);
    if (nx <= 4 * periods_x)
        return GF_FAIL(NULL, GRIDFORM_EINVAL,
                       "nx must be > 4 periods_x = %zu for the lattice's waves to lie below the Nyquist "
                       "wavenumber, got %zu", 4 * periods_x, nx);
    double lx = (double)periods_x * 4.0 * GF_PI / k;
    double m = fmax(1.0, round(sqrt(3.0) * (double)periods_x));
    double ly = m * 4.0 * GF_PI / (sqrt(3.0) * k);
    if (!isfinite(lx) || !isfinite(ly) || !(lx > 0) || !(ly > 0))
        return GF_FAIL(NULL, GRIDFORM_ERANGE, "k = %g rad/m gives a box outside the representable range", k);
    /* Square bins as nearly as whole numbers allow, and above Nyquist. */
    double nyd = fmax(round((double)nx * ly / lx), 2.0 * m + 1.0);
    if (!(nyd < (double)INT32_MAX))
        return GF_FAIL(NULL, GRIDFORM_ERANGE, "the box needs too many rows (%g)", nyd);
    int rc = gridform_arena_create(out, lx, ly, nx, (size_t)nyd, boundary);
    if (rc != GRIDFORM_OK)
        return GF_FAIL(NULL, rc, "%s", gridform_last_error());
    return GRIDFORM_OK;
}
