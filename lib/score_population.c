/* libgridform: the radially averaged mean power spectrum of a population of
 * maps (doc/theory.md §6.6).
 *
 * The theory predicts that learned maps concentrate their power on the ring
 * |k| = k* where the kernel's spectrum peaks (Sorscher et al., NeurIPS 2019);
 * the mean periodogram of a population, averaged over directions, shows
 * which ring the population actually sits on, whatever each map's phase and
 * orientation.  Estimator: the periodogram of each mean-removed map,
 *   P_m(k) = dA |sum_x f_m(x) e^{-i k.x}|^2 / nvalid_m,
 * whose sum over the Fourier lattice is the box area times the map's
 * variance over its visited bins (Parseval).  Unvisited (NaN) bins are set
 * to zero after the mean is removed, so they add no power, and dividing by
 * the visited count instead of the total puts a map with holes on the same
 * scale as a complete one (a masked periodogram normalised by the mask's
 * power, as for gapped data in Percival and Walden, Spectral Analysis for
 * Physical Applications, 1993, section 6.4; the mask's own transform still
 * broadens the ring by about 2 pi / L).  The average over lattice points in
 * annuli of width 2 pi / L keeps only |k|.
 *
 * Those annuli are too coarse to place the ring of a small walled box:
 * 2.86 rad/m wide in a 2.2 m box, where maps whose dominant k was 10.30
 * gave a ring at 11.42 (issue 21).  A walled map is a finite window, and
 * its spectrum is continuous in k: zero-padding it GF_POP_PAD-fold
 * samples that spectrum GF_POP_PAD times finer (zero-padding interpolates
 * the DFT exactly; Percival and Walden 1993), and the ring is the peak of
 * the radial power density k P(k), P the mean power over annuli
 * dk / GF_POP_PAD wide, refined by a parabola through the peak and its
 * neighbours.  The factor k: a field's spectral lobe covers about the same
 * number of points on every annulus it crosses, so the mean alone is
 * weighted by 1/k and peaks low by about w^2 / k for a lobe of width w
 * (1.8% in a 1.5 m box).  The sum over the annulus carries the same
 * factor, but also the fluctuating number of lattice points on annuli this
 * thin, which moved the peak by up to 5%; k times the mean is the sum
 * without that noise.  Periodic maps need no padding: their spectrum lives
 * on the lattice, and the coarse annuli with the parabola place it (the
 * vertex is exact for a wave on the lattice).  The power array keeps the
 * coarse annuli either way. */
#include "config.h"
#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>
#include "score_internal.h"

/* Maps per batched transform: enough to amortise the plan, small enough that
 * the workspace stays in cache-sized blocks. */
#define GF_POP_BATCH 32
/* Zero-padding of walled maps for the ring, and the most points a padded
 * map may have (the padding halves until it fits; 1: no refinement). */
#define GF_POP_PAD 4
#define GF_POP_PAD_MAX_POINTS ((size_t)1 << 22)

static void spectrum_geometry(const gridform_scorer *s, size_t *nbins, double *dk)
{
    double L = s->lx < s->ly ? s->lx : s->ly;
    double step = 2.0 * GF_PI / L;
    double kx = GF_PI * (double)s->nx / s->lx, ky = GF_PI * (double)s->ny / s->ly;
    double knyq = kx < ky ? kx : ky;
    /* Centres b dk <= Nyquist (a tiny tolerance: nx/2 periods exactly). */
    *nbins = (size_t)floor(knyq / step * (1.0 + 1e-12)) + 1;
    *dk = step;
}

int gridform_scorer_spectrum_bins(const gridform_scorer *s, size_t *nbins, double *dk)
{
    if (s == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "s must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&s->err;
    GF_CHECK_PTR(eb, nbins);
    size_t nb;
    double step;
    spectrum_geometry(s, &nb, &step);
    *nbins = nb;
    if (dk != NULL)
        *dk = step;
    return GRIDFORM_OK;
}

/* Release everything the call made (NULL-safe). */
typedef struct {
    double *in;
    fftw_complex *out;
    fftw_plan plan;
    int32_t *bin;      /* nfreq: radial bin of each rfft point, -1 beyond the last */
    double *w;         /* nfreq: 1 or 2 lattice points the rfft point stands for */
    double *acc;       /* nbins */
    double *wsum;      /* nbins */
    /* the padded transform of walled maps (pad > 1) */
    double *pin;
    fftw_complex *pout;
    fftw_plan pplan;
    int32_t *pbin;     /* padded rfft point -> fine radial bin, -1 beyond the last */
    double *pw;        /* 1 or 2, as w */
    double *pacc;      /* nfine: power summed over each fine annulus */
    double *pwsum;     /* nfine: lattice points of each fine annulus */
} popws;

static void popws_free(popws *w)
{
    if (w->plan != NULL || w->pplan != NULL) {
        gridform__fftw_lock(1);
        if (w->plan != NULL)
            fftw_destroy_plan(w->plan);
        if (w->pplan != NULL)
            fftw_destroy_plan(w->pplan);
        gridform__fftw_unlock();
    }
    gridform__aligned_free(w->pin);
    gridform__aligned_free(w->pout);
    gridform__free(w->pbin);
    gridform__free(w->pw);
    gridform__free(w->pacc);
    gridform__free(w->pwsum);
    gridform__aligned_free(w->in);
    gridform__aligned_free(w->out);
    gridform__free(w->bin);
    gridform__free(w->w);
    gridform__free(w->acc);
    gridform__free(w->wsum);
}

int gridform_scorer_population_spectrum(const gridform_scorer *s, const double *maps, size_t nmaps,
                                        int flags, double *kmag, double *power, double *kpeak,
                                        size_t *nused)
{
    int rc = gridform__check_batch(s, __func__, maps, nmaps);
    if (rc != GRIDFORM_OK)
        return rc;
    /* The handle's error slot is the only thing written on the scorer. */
    gridform__errbuf *eb = (gridform__errbuf *)&s->err;
    if ((flags & ~GRIDFORM_SPECTRUM_UNIT_VARIANCE) != 0)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "unknown flags 0x%x (only GRIDFORM_SPECTRUM_UNIT_VARIANCE = 1)",
                       (unsigned)flags);
    const size_t nx = s->nx, ny = s->ny, n = nx * ny, ncx = nx / 2 + 1, nfreq = ny * ncx;
    size_t total;
    rc = gridform__check_maps(s, __func__, maps, nmaps, &total);
    if (rc != GRIDFORM_OK)
        return rc;
    if (n > (size_t)INT32_MAX)
        return GF_FAIL(eb, GRIDFORM_ERANGE, "maps of %zu bins are too large", n);

    size_t nbins;
    double dk;
    spectrum_geometry(s, &nbins, &dk);
    const size_t batch = nmaps < GF_POP_BATCH ? nmaps : GF_POP_BATCH;
    popws w;
    memset(&w, 0, sizeof w);
    w.in = gridform__aligned_doubles(batch * n);
    w.out = gridform__aligned_alloc(batch * nfreq * sizeof(fftw_complex));
    w.bin = gridform__malloc_array(nfreq, sizeof *w.bin);
    w.w = gridform__malloc_array(nfreq, sizeof *w.w);
    w.acc = gridform__calloc(nbins, sizeof *w.acc);
    w.wsum = gridform__calloc(nbins, sizeof *w.wsum);
    if (w.in == NULL || w.out == NULL || w.bin == NULL || w.w == NULL || w.acc == NULL
        || w.wsum == NULL) {
        popws_free(&w);
        return GF_FAIL(eb, GRIDFORM_ENOMEM, "cannot allocate the spectrum's workspace");
    }
    /* One plan for the whole call, batched over GF_POP_BATCH maps; ESTIMATE
     * because the call transforms each map once (FFTW reuses wisdom when a
     * MEASURE plan of this size exists). */
    int dims[2] = {(int)ny, (int)nx};
    gridform__fftw_lock(1);
    w.plan = fftw_plan_many_dft_r2c(2, dims, (int)batch, w.in, NULL, 1, (int)n, w.out, NULL, 1,
                                    (int)nfreq, FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
    gridform__fftw_unlock();
    if (w.plan == NULL) {
        popws_free(&w);
        return GF_FAIL(eb, GRIDFORM_ENOMEM, "cannot plan the %zu x %zu FFT", ny, nx);
    }

    /* The padded transform for the ring of walled maps. */
    size_t pad = s->boundary == GRIDFORM_WALLED ? GF_POP_PAD : 1;
    while (pad > 1 && (n > GF_POP_PAD_MAX_POINTS / (pad * pad)))
        pad /= 2;
    const size_t pnx = pad * nx, pny = pad * ny, pncx = pnx / 2 + 1, pnfreq = pny * pncx;
    const size_t nfine = pad * (nbins - 1) + 1;
    const double fdk = dk / (double)pad;
    if (pad > 1) {
        w.pin = gridform__aligned_doubles(pnx * pny);
        w.pout = gridform__aligned_alloc(pnfreq * sizeof(fftw_complex));
        w.pbin = gridform__malloc_array(pnfreq, sizeof *w.pbin);
        w.pw = gridform__malloc_array(pnfreq, sizeof *w.pw);
        w.pacc = gridform__calloc(nfine, sizeof *w.pacc);
        w.pwsum = gridform__calloc(nfine, sizeof *w.pwsum);
        if (w.pin == NULL || w.pout == NULL || w.pbin == NULL || w.pw == NULL || w.pacc == NULL
            || w.pwsum == NULL) {
            popws_free(&w);
            return GF_FAIL(eb, GRIDFORM_ENOMEM, "cannot allocate the padded spectrum's workspace");
        }
        gridform__fftw_lock(1);
        w.pplan = fftw_plan_dft_r2c_2d((int)pny, (int)pnx, w.pin, w.pout, FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
        gridform__fftw_unlock();
        if (w.pplan == NULL) {
            popws_free(&w);
            return GF_FAIL(eb, GRIDFORM_ENOMEM, "cannot plan the %zu x %zu FFT", pny, pnx);
        }
        for (size_t iy = 0; iy < pny; iy++) {
            double ky = 2.0 * GF_PI * (double)(iy <= pny / 2 ? (long)iy : (long)iy - (long)pny) / (pad * s->ly);
            for (size_t jx = 0; jx < pncx; jx++) {
                double kx = 2.0 * GF_PI * (double)jx / (pad * s->lx);
                double b = floor(sqrt(kx * kx + ky * ky) / fdk + 0.5);
                size_t f = iy * pncx + jx;
                w.pbin[f] = b < (double)nfine ? (int32_t)b : -1;
                w.pw[f] = (jx == 0 || (pnx % 2 == 0 && jx == pnx / 2)) ? 1.0 : 2.0;
                if (w.pbin[f] >= 0)
                    w.pwsum[w.pbin[f]] += w.pw[f];
            }
        }
    }

    /* Radial bin and multiplicity of each rfft point: columns 0 and nx/2
     * (even nx) stand for one lattice point, the others for k and -k. */
    for (size_t iy = 0; iy < ny; iy++) {
        double ky = 2.0 * GF_PI * (double)(iy <= ny / 2 ? (long)iy : (long)iy - (long)ny) / s->ly;
        for (size_t jx = 0; jx < ncx; jx++) {
            double kx = 2.0 * GF_PI * (double)jx / s->lx;
            double b = floor(sqrt(kx * kx + ky * ky) / dk + 0.5);
            size_t f = iy * ncx + jx;
            w.bin[f] = b < (double)nbins ? (int32_t)b : -1;
            w.w[f] = (jx == 0 || (nx % 2 == 0 && jx == nx / 2)) ? 1.0 : 2.0;
            if (w.bin[f] >= 0)
                w.wsum[w.bin[f]] += w.w[f];
        }
    }

    const double dA = (s->lx / (double)nx) * (s->ly / (double)ny);
    size_t used = 0;
    /* Each map is divided by a power of two near its largest |value| before
     * its mean and variance are taken (exact, as in the scorer), so maps of
     * any finite scale have variance: at 1e200 the squares overflowed and
     * at 1e-200 they underflowed, and both were reported as constant.
     * The raw power is accumulated relative to 2^acc_exp, the largest
     * squared scale so far (a map much smaller than the largest adds
     * nothing, as it should), and multiplied back at the end. */
    int acc_exp = INT_MIN;
    for (size_t m0 = 0; m0 < nmaps; m0 += batch) {
        size_t nb = nmaps - m0 < batch ? nmaps - m0 : batch;
        double scale[GF_POP_BATCH];
        int sexp[GF_POP_BATCH];
        for (size_t b = 0; b < batch; b++) {
            const double *map = maps + (m0 + b) * n;
            double *x = w.in + b * n;
            scale[b] = 0.0;
            if (b >= nb) {                      /* the last, partial batch */
                memset(x, 0, n * sizeof *x);
                continue;
            }
            double amax;
            size_t nv = gridform__score_visited_max(s, map, &amax);
            if (nv < 2 || amax == 0.0)
                goto skip;
            int e;
            (void)frexp(amax, &e);
            const double unit = ldexp(1.0, -e);
            double sum = 0.0;
            for (size_t i = 0; i < n; i++)
                if (gridform__score_visited(s, map, i))
                    sum += map[i] * unit;
            double mean = sum / (double)nv, ss = 0.0;
            for (size_t i = 0; i < n; i++) {
                x[i] = gridform__score_visited(s, map, i) ? map[i] * unit - mean : 0.0;
                ss += x[i] * x[i];
            }
            /* No variance beyond round-off of the mean: nothing to average. */
            if (!(ss > 1e-24 * (double)nv * (mean * mean + 1e-300)) || !(ss > 0))
                goto skip;
            scale[b] = dA / (double)nv;
            sexp[b] = 0;
            if (flags & GRIDFORM_SPECTRUM_UNIT_VARIANCE) {
                scale[b] /= ss / (double)nv;
            } else {   /* the power of the map as given is 2^(2e) times this */
                sexp[b] = 2 * e;
                if (sexp[b] > acc_exp) {
                    if (acc_exp != INT_MIN) {
                        for (size_t j = 0; j < nbins; j++)
                            w.acc[j] = ldexp(w.acc[j], acc_exp - sexp[b]);
                        if (w.pacc != NULL)
                            for (size_t j = 0; j < nfine; j++)
                                w.pacc[j] = ldexp(w.pacc[j], acc_exp - sexp[b]);
                    }
                    acc_exp = sexp[b];
                }
            }
            used++;
            continue;
        skip:
            memset(x, 0, n * sizeof *x);
        }
        /* The padded transforms first: the batched plan destroys its input. */
        for (size_t b = 0; w.pplan != NULL && b < nb; b++) {
            if (scale[b] == 0.0)
                continue;
            memset(w.pin, 0, pnx * pny * sizeof *w.pin);
            for (size_t iy = 0; iy < ny; iy++)
                memcpy(w.pin + iy * pnx, w.in + b * n + iy * nx, nx * sizeof *w.pin);
            fftw_execute(w.pplan);
            const double sb = (flags & GRIDFORM_SPECTRUM_UNIT_VARIANCE) ? scale[b]
                                                                       : ldexp(scale[b], sexp[b] - acc_exp);
            for (size_t f = 0; f < pnfreq; f++)
                if (w.pbin[f] >= 0) {
                    const double *z = w.pout[f];
                    w.pacc[w.pbin[f]] += w.pw[f] * sb * (z[0] * z[0] + z[1] * z[1]);
                }
        }
        fftw_execute(w.plan);
        for (size_t b = 0; b < nb; b++) {
            if (scale[b] == 0.0)
                continue;
            fftw_complex *F = w.out + b * nfreq;
            const double sb = (flags & GRIDFORM_SPECTRUM_UNIT_VARIANCE) ? scale[b]
                                                                       : ldexp(scale[b], sexp[b] - acc_exp);
            for (size_t f = 0; f < nfreq; f++)
                if (w.bin[f] >= 0)
                    w.acc[w.bin[f]] += w.w[f] * sb * (F[f][0] * F[f][0] + F[f][1] * F[f][1]);
        }
    }

    if (nused != NULL)
        *nused = used;
    double best = -1.0;
    size_t ib = 0;
    for (size_t b = 0; b < nbins; b++) {
        double p = used > 0 && w.wsum[b] > 0 ? w.acc[b] / (w.wsum[b] * (double)used) : NAN;
        w.acc[b] = p;
        if (b >= 1 && p > best) {
            best = p;
            ib = b;
        }
    }
    double kp = NAN;
    if (used > 0 && ib >= 1 && w.pacc != NULL && nfine >= pad + 2) {
        /* Walled: the peak of the padded radial density k P(k) at k >= dk,
         * the box's lowest wavenumber (below it lies the window's own lobe
         * around the removed mean). */
        for (size_t b = 0; b < nfine; b++)
            w.pacc[b] = w.pwsum[b] > 0 ? (double)b * w.pacc[b] / w.pwsum[b] : 0.0;
        size_t fb = pad;
        for (size_t b = pad; b + 1 < nfine; b++)
            if (w.pacc[b] > w.pacc[fb])
                fb = b;
        kp = (double)fb * fdk;
        double a = w.pacc[fb - 1], c = w.pacc[fb + 1], den = a - 2.0 * w.pacc[fb] + c;
        if (den < 0) {
            double off = 0.5 * (a - c) / den;
            if (off > 0.5) off = 0.5;
            if (off < -0.5) off = -0.5;
            kp += off * fdk;
        }
    } else if (used > 0 && ib >= 1) {
        kp = (double)ib * dk;
        /* Vertex of the parabola through the peak and its neighbours; not
         * next to the DC bin, whose power the mean removal took away. */
        if (ib >= 2 && ib + 1 < nbins) {
            double a = w.acc[ib - 1], c = w.acc[ib + 1], den = a - 2.0 * best + c;
            if (den < 0) {
                double off = 0.5 * (a - c) / den;
                if (off > 0.5) off = 0.5;
                if (off < -0.5) off = -0.5;
                kp += off * dk;
            }
        }
    }
    /* Back to the maps' own units.  The ring found above does not depend on
     * the scale; the power in map units squared times m^2 may be beyond
     * double: then it is NaN and the call says ERANGE. */
    int unrepresentable = 0;
    if (used > 0 && !(flags & GRIDFORM_SPECTRUM_UNIT_VARIANCE) && acc_exp != 0) {
        double peak = ldexp(best, acc_exp);
        unrepresentable = best > 0.0 && (!isfinite(peak) || peak < DBL_MIN);
        for (size_t b = 0; b < nbins; b++)
            w.acc[b] = unrepresentable ? NAN : ldexp(w.acc[b], acc_exp);
    }
    for (size_t b = 0; b < nbins; b++) {
        if (kmag != NULL)
            kmag[b] = (double)b * dk;
        if (power != NULL)
            power[b] = w.acc[b];
    }
    if (kpeak != NULL)
        *kpeak = kp;
    popws_free(&w);
    if (used == 0)
        return GF_FAIL(eb, GRIDFORM_EUNDEFINED, "none of the %zu maps has variance (constant or all NaN)",
                       nmaps);
    if (isnan(kp))
        return GF_FAIL(eb, GRIDFORM_EUNDEFINED, "the population spectrum has no power off DC");
    if (unrepresentable)
        return GF_FAIL(eb, GRIDFORM_ERANGE,
                       "the maps' power (their values squared, about 2^%d, times m^2) is beyond double; "
                       "kpeak is valid, power is NaN; GRIDFORM_SPECTRUM_UNIT_VARIANCE avoids this",
                       acc_exp);
    return GRIDFORM_OK;
}
