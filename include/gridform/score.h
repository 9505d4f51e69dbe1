/* libgridform: grid measurements: autocorrelogram, gridness, spacing, orientation, rate maps. */
#ifndef GRIDFORM_SCORE_H
#define GRIDFORM_SCORE_H

#include <stddef.h>
#include <stdint.h>
#include "gridform/export.h"
#include "gridform/status.h"
#include "gridform/arena.h"

GRIDFORM_BEGIN_DECLS

/* A scorer for maps of one size: nx x ny bins covering lx x ly metres.  It
 * owns the FFT plans, annulus lists, rotation tables and workspaces, so it is
 * used by one thread at a time (give each thread its own scorer). */
typedef struct gridform_scorer gridform_scorer;

/* Gridness variants (frozen values). */
enum {
    GRIDFORM_GRIDNESS_MEAN = 1,    /* (c60+c120)/2 - (c30+c90+c150)/3 (Banino et al. 2018; default) */
    GRIDFORM_GRIDNESS_MINMAX = 2   /* min(c60,c120) - max(c30,c90,c150) (Sargolini et al. 2006) */
};

/* Where the annuli of a map came from (frozen values), as reported by
 * gridform_scorer_score_annuli. */
enum {
    GRIDFORM_ANNULI_AUTO = 1,      /* chosen from the map's own SAC */
    GRIDFORM_ANNULI_FIXED = 2,     /* the fixed annuli (automatic annuli off) */
    GRIDFORM_ANNULI_FALLBACK = 3   /* automatic annuli on, but the map's SAC has no ring: fixed ones */
};

/* Make a scorer for the maps of an arena: ny x nx bins (row-major,
 * map[iy*nx+ix]) covering its lx x ly metres.  The scorer copies the
 * geometry (nx, ny, lx, ly, boundary) here; the arena may be destroyed
 * afterwards.  The arena's boundary decides the defaults: a walled arena
 * gets a walled SAC and the fixed annuli of Banino et al. 2018; a periodic
 * arena a periodic SAC and automatic annuli (gridform_scorer_set_annuli_auto).
 * Plans, tables and workspaces are made here; scoring allocates nothing. */
GRIDFORM_API int gridform_scorer_create(gridform_scorer **out, const gridform_arena *a);
GRIDFORM_API void gridform_scorer_destroy(gridform_scorer *s);
GRIDFORM_API const char *gridform_scorer_last_error(const gridform_scorer *s);

/* GRIDFORM_GRIDNESS_MEAN (default) or GRIDFORM_GRIDNESS_MINMAX; score90 is
 * c90 - (c45+c135)/2 in both. */
GRIDFORM_API int gridform_scorer_set_variant(gridform_scorer *s, int variant);

/* Fixed annuli in metres: a SAC bin at lag length r is in annulus j when
 * inner_m < r <= outer_j, with outer_j from outer_min_m to outer_max_m in
 * count equal steps (count 1: outer_min_m only).  0 <= inner_m < outer_min_m
 * <= outer_max_m, inner_m below the longest lag, 1 <= count <= 1000.  Default
 * (Banino et al. 2018): 0.2 L, 0.4 L .. 1.0 L in 10 steps, L = min(lx, ly).
 * Setting them turns automatic annuli off (they are the fallback when
 * gridform_scorer_set_annuli_auto turns them on again). */
GRIDFORM_API int gridform_scorer_set_annuli_m(gridform_scorer *s, double inner_m, double outer_min_m,
                                              double outer_max_m, size_t count);

/* Automatic annuli (on = 1) or the fixed ones (on = 0).  Per map, the
 * annuli come from its own SAC (Sargolini et al. 2006; Langston et al.
 * 2010; doc/theory.md §6.5): the inner radius is the edge of the
 * central peak, the outer radius is swept around the six nearest peaks, and
 * the best score is kept.  A map whose SAC shows no ring of peaks is scored
 * with the fixed annuli (a fallback, counted).  Default: on for a periodic
 * arena, off for a walled one. */
GRIDFORM_API int gridform_scorer_set_annuli_auto(gridform_scorer *s, int on);
GRIDFORM_API int gridform_scorer_get_annuli_auto(const gridform_scorer *s, int *on);

/* How many maps of the last gridform_scorer_score or
 * gridform_scorer_score_annuli call fell back to the fixed annuli (always
 * 0 with automatic annuli off). */
GRIDFORM_API int gridform_scorer_get_fallback_count(const gridform_scorer *s, size_t *nfallback);

/* How the map's edges are treated by the autocorrelogram: GRIDFORM_WALLED
 * (only overlapping bins, the standard definition for recorded maps) or
 * GRIDFORM_PERIODIC (circular lags, for maps on a torus such as the
 * learner's; the SAC is then periodic and translation-invariant).  The
 * default is the arena's boundary; this overrides it. */
GRIDFORM_API int gridform_scorer_set_boundary(gridform_scorer *s, int boundary);

/* Fewest overlapping valid bins for a SAC lag to be defined (default 20,
 * at least 2). */
GRIDFORM_API int gridform_scorer_set_min_overlap(gridform_scorer *s, size_t min_overlap);

/* The (2ny-1) x (2nx-1) Pearson spatial autocorrelogram of one map, centre
 * (zero lag) at row ny-1, column nx-1.  NaN bins of the map are unvisited
 * and excluded.  Lags with too few overlapping bins or a numerically constant
 * overlap are NaN in sac (the definition's own undefined lags); a map with no
 * variance gives GRIDFORM_EUNDEFINED and an all-NaN sac. */
GRIDFORM_API int gridform_scorer_autocorr(const gridform_scorer *s, const double *map, double *sac);

/* Score nmaps maps (map-major, nmaps x ny x nx).  Outputs, each nmaps long,
 * any of them NULL: score60, score90 (best over annuli, separately),
 * spacing (metres), orientation (radians in [0, pi/3)).  A map whose value
 * is undefined (no variance, no SAC peaks) gets NaN there and the call
 * returns GRIDFORM_EUNDEFINED after scoring all maps. */
GRIDFORM_API int gridform_scorer_score(const gridform_scorer *s, const double *maps, size_t nmaps,
                                       double *score60, double *score90, double *spacing,
                                       double *orientation);

/* Score nmaps maps as gridform_scorer_score does and report, per map, the
 * annuli its score60 came from: inner_m, the inner radius (metres),
 * outer_m, the outer radius of the best annulus (metres), and source, a
 * GRIDFORM_ANNULI_* value (0 for a map whose score60 is undefined, which
 * also gets NaN radii).  Any output may be NULL, but not all four. */
GRIDFORM_API int gridform_scorer_score_annuli(const gridform_scorer *s, const double *maps, size_t nmaps,
                                              double *score60, double *inner_m, double *outer_m,
                                              int *source);

/* The wavenumber (rad/m) of the strongest non-DC Fourier mode of one map
 * (mean removed, NaN bins as zero), interpolated between lattice points. */
GRIDFORM_API int gridform_map_dominant_k(const gridform_scorer *s, const double *map, double *k);

/* Mean rate maps from a trajectory on the arena's grid: the box is lx x ly
 * metres centred on the origin (x in [-lx/2, lx/2]) on nx x ny bins.  xy:
 * npos x 2 positions (metres; a sample with a NaN coordinate is skipped);
 * activity: npos x ncells (row-major, activity[t*ncells + c]).  maps:
 * ncells x ny x nx mean activity per bin; bins visited fewer than
 * max(1, min_occupancy) times are NaN.  occupancy (may be NULL): ny x nx
 * sample counts. */
GRIDFORM_API int gridform_ratemap_accumulate(const gridform_arena *a, const double *xy, size_t npos,
                                             const double *activity, size_t ncells,
                                             double min_occupancy, double *maps,
                                             double *occupancy);

GRIDFORM_END_DECLS

#endif
