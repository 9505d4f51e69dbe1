/* libgridform: private layout of the scorer, shared by lib/score*.c.  Not installed. */
#ifndef GRIDFORM_SCORE_INTERNAL_H
#define GRIDFORM_SCORE_INTERNAL_H

#include <math.h>
#include <fftw3.h>
#include "internal.h"

/* The seven rotation angles of the gridness scores, in this order. */
enum { GF_ROT30, GF_ROT45, GF_ROT60, GF_ROT90, GF_ROT120, GF_ROT135, GF_ROT150, GF_NROT };

/* One bilinear-interpolation gather: with i01 = i00 + ox, i10 = i00 + oy,
 * i11 = i10 + ox (ox = step & 1, oy = step >> 1, either 0 or the SAC row
 * length), the rotated SAC at an annulus bin is
 *   top = S[i00] + fx (S[i01] - S[i00]),  bot = S[i10] + fx (S[i11] - S[i10]),
 *   value = top + fy (bot - top).
 * A neighbour of zero weight is not stepped to (its offset is 0), so a NaN
 * there cannot leak in; a bin whose interpolation needs a neighbour outside
 * the SAC has i00 = the NaN sentinel after the SAC and no steps.  A NaN
 * value marks the pair invalid. */
typedef struct {
    int32_t i00, step;
    double fx, fy;
} gridform__rotentry;

/* The number of outer radii an automatic annulus sweeps (as many as the
 * fixed default's). */
#define GF_AUTO_COUNT 10

/* The annuli chosen for one map: inner radius, the outer radii's range,
 * whether they came from the map's SAC, and the gridness they gave. */
typedef struct {
    double inner, outer_min, outer_max;
    int automatic;
} gridform__annuli;

/* The state of the recording measures (lib/score_measures.c): their
 * options and the workspaces of field labelling, made at the scorer's
 * create so that measuring allocates nothing. */
typedef struct {
    int info_variant, coherence_variant, border_variant;   /* GRIDFORM_VARIANT_* */
    double field_threshold;       /* fraction of the peak */
    size_t field_min_bins;
    int connectivity;             /* 4 or 8 */
    double border_threshold, border_min_area;   /* fraction of the peak; m^2 */
    int32_t *label;               /* ny x nx: field label of each bin (0 none) */
    int32_t *queue;               /* ny x nx: the flood fill's queue */
    int64_t *order;               /* ny x nx: sort keys of the fields (size, label) */
    double *fstat;                /* 7 ny x nx: per field statistics (lib/score_fields.c) */
    double *work;                 /* ny x nx: neighbour means of the coherence */
} gridform__measures;

struct gridform_scorer {
    gridform__errbuf err;
    size_t nx, ny;
    double lx, ly, dx, dy;
    size_t sx, sy, nsac;        /* SAC: sy = 2ny-1 rows of sx = 2nx-1 */
    size_t px, py, npad, ncpx;  /* zero-padded FFT grid: py x px real, py x (px/2+1) complex */
    int variant, boundary;
    size_t min_overlap;
    double inner, outer_min, outer_max;   /* fixed annuli, metres */
    size_t count;
    int annuli_auto;                      /* per-map annuli from the SAC (doc/theory.md §6.5) */
    size_t nfallback;                     /* maps of the last score call that fell back to fixed annuli */
    size_t null_shuffles;                 /* null thresholds (lib/score_null.c): shuffles or surrogates per map */
    double null_percentile;               /* the threshold's percentile, in (0, 100) */
    double null_min_lag;                  /* the shortest shuffle lag, seconds */

    /* Annulus bins: the half-plane lags (v > 0, or v == 0 and u > 0) with
     * 0 < r <= rtab (metres), sorted by r; rtab covers the fixed annuli and,
     * with automatic annuli on, every annulus they may choose (up to
     * min(lx, ly)).  An annulus inner < r <= outer is the contiguous range
     * of bins [start, end): the fixed annuli are [fix_start, ann_end[j]).
     * The SAC is symmetric under l -> -l, and so is every rotated SAC, so
     * the half plane gives the full annulus' correlation. */
    size_t nbins;
    double rtab;
    int32_t *bin_sac;            /* nbins SAC indices */
    double *bin_r;               /* nbins lag lengths (metres), ascending */
    size_t fix_start;            /* first bin of the fixed annuli (r > inner) */
    size_t *ann_end;             /* count: ends of the fixed annuli */
    size_t auto_end[GF_AUTO_COUNT];   /* ends of one map's automatic annuli */
    gridform__rotentry *rot;     /* GF_NROT x nbins */
    double *bin_val;             /* nbins: SAC values gathered once per map */
    double *corr;                /* GF_NROT x max(count, GF_AUTO_COUNT) */

    /* Every half-plane lag, sorted by length: the peak search's order. */
    size_t nhp;
    int32_t *hp_idx;             /* nhp SAC indices */

    fftw_plan fwd, inv;          /* 3 r2c (mask, x, x^2), 4 c2r (n, sum x, sum x^2, sum xy) */
    fftw_plan fwd2, inv3;        /* the same without the mask and n, for a repeated mask */
    unsigned char *inside;       /* ny x nx: the arena's shape (a copy), NULL for the whole box;
                                  * bins outside count as unvisited (doc/theory.md §7.5) */
    unsigned char *mask;         /* ny x nx: the visit mask of the last map prepared */
    int mask_spec_ok;            /* cf[0] holds the FFT of that mask */
    int mask_n_ok;               /* rout[0] holds its overlap counts n */
    double *rin;                 /* 3 x npad */
    fftw_complex *cf;            /* 3 x ncpx */
    fftw_complex *cp;            /* 4 x ncpx */
    double *rout;                /* 4 x npad */
    double *sac;                 /* nsac + 1: the last is the NaN sentinel */
    int spectrum_ok;             /* cf holds the last map's spectrum (it has variance) */
    double var;                  /* the last map's variance over visited bins,
                                    * after scaling max |map| into [1, 2) */
    size_t nvalid;               /* the last map's visited (non-NaN) bins */
    gridform__measures meas;     /* the recording measures (lib/score_measures.c) */
};

/* Is bin i of a map visited: a number (not NaN) inside the arena's shape? */
static inline int gridform__score_visited(const gridform_scorer *s, const double *map, size_t i)
{
    return !isnan(map[i]) && (s->inside == NULL || s->inside[i]);
}

/* How many bins of a map are visited, and the largest |value| over them:
 * the scale-free statistics divide the map by a power of two taken from
 * it, so that their sums neither overflow nor underflow. */
static inline size_t gridform__score_visited_max(const gridform_scorer *s, const double *map, double *maxabs)
{
    const size_t n = s->nx * s->ny;
    size_t nv = 0;
    double m = 0;
    for (size_t i = 0; i < n; i++)
        if (gridform__score_visited(s, map, i)) {
            double a = fabs(map[i]);
            if (a > m)
                m = a;
            nv++;
        }
    *maxabs = m;
    return nv;
}

/* lib/score_sac.c: the SAC of one map into s->sac.  Returns GRIDFORM_OK, or
 * GRIDFORM_EUNDEFINED for a map without variance or without a defined lag
 * (sac then all NaN).  If the map has variance, spectrum_ok is set and the
 * padded spectrum of the mean-removed map stays in s->cf[1]. */
int gridform__sac_compute(gridform_scorer *s, const double *map);
/* Its first half: mean removal and the forward FFTs only (enough for the
 * spectrum); GRIDFORM_EUNDEFINED for a map without variance. */
int gridform__sac_prepare(gridform_scorer *s, const double *map);
/* Dominant wavenumber from s->cf[1] after gridform__sac_compute. */
double gridform__dominant_k(const gridform_scorer *s);

/* lib/score_gridness.c */
/* Build the rotation tables for the fixed annuli (metres), covering also
 * min(lx, ly) when automatic annuli are on; on failure nothing changes. */
int gridform__score_tables(gridform_scorer *s, double inner, double outer_min, double outer_max,
                           size_t count);
void gridform__score_tables_free(gridform_scorer *s);
/* The sorted half-plane lags of the peak search (freed with the scorer). */
int gridform__peak_table(gridform_scorer *s);
/* The nearest SAC peaks of s->sac (up to three of the half plane, which
 * stand for six): their lag vectors (metres, refined by parabolas) in
 * order of distance.  Returns how many were found. */
int gridform__sac_peaks(const gridform_scorer *s, double px[3], double py[3]);
/* Spacing (metres) and orientation (radians) from those peaks; NaN if none. */
void gridform__peaks_summary(int nfound, const double px[3], const double py[3], double *spacing,
                             double *orientation);
/* Gridness of s->sac: best score60 and score90 over the map's annuli (the
 * fixed ones, or, with automatic annuli on, the ones chosen from the SAC
 * and its peaks; NaN if none).  ann (may be NULL) receives the annuli used
 * and the outer radius of the best score60. */
void gridform__gridness(gridform_scorer *s, int nfound, const double px[3], const double py[3],
                        double *score60, double *score90, gridform__annuli *ann, double *best_outer);
/* gridform_map_dominant_k's value: NaN, with *why saying so, where the
 * map's score60 is undefined (issue 12, W3). */
double gridform__map_dominant_k(gridform_scorer *s, const double *map, const char **why);

/* lib/score.c: the checks the entry points taking a batch of maps share,
 * their errors naming fn (the public function) and written to the
 * scorer's error slot only.  gridform__check_batch: the scorer, the maps
 * and nmaps >= 1.  gridform__check_maps: the size (overflow: ERANGE) and
 * no infinite value in a visited bin (EINVAL); *total receives
 * nmaps x ny x nx. */
int gridform__check_batch(const gridform_scorer *s, const char *fn, const double *maps, size_t nmaps);
int gridform__check_maps(const gridform_scorer *s, const char *fn, const double *maps, size_t nmaps,
                         size_t *total);

/* lib/score_measures.c: the measures' state, made with the scorer from its
 * arena and freed with it. */
int gridform__measures_init(gridform_scorer *s, const gridform_arena *a);
void gridform__measures_free(gridform_scorer *s);
/* One map's measure: up to three values, each written only where the map
 * defines it; returns 0 when the map leaves the measure undefined.  ctx
 * carries the measure's inputs beyond the map. */
typedef int (*gridform__map_measure)(gridform_scorer *s, const double *map, const void *ctx, double *v0,
                                     double *v1, double *v2);
/* The measure of each of nmaps maps into out0..out2 (nmaps each, any NULL),
 * NaN where a map leaves a value undefined.  Returns how many maps were
 * undefined; *first receives the first of them (0 if none). */
size_t gridform__measure_maps(gridform_scorer *s, const double *maps, size_t nmaps, gridform__map_measure one,
                              const void *ctx, double *out0, double *out1, double *out2, size_t *first);
/* The power of two 2^-e that brings a positive finite max |value| into
 * [1, 2), as two factors that neither overflow nor underflow. */
void gridform__pow2_scale(double maxabs, double *f1, double *f2);

#endif
