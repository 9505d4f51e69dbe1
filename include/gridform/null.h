/* libgridform: null thresholds for gridness: trajectory shuffles and
 * spectrum-keeping surrogates (doc/theory.md §6.8). */
#ifndef GRIDFORM_NULL_H
#define GRIDFORM_NULL_H

#include <stddef.h>
#include <stdint.h>
#include "gridform/export.h"
#include "gridform/status.h"
#include "gridform/score.h"

GRIDFORM_BEGIN_DECLS

/* The null's options on a scorer: nshuffles shuffled or surrogate maps per
 * map (default 100), the threshold's percentile in (0, 100) (default 95)
 * and the shortest shuffle lag in seconds (default 20).  The threshold is
 * the k-th smallest of the n defined null scores, k = ceil(p (n + 1) / 100),
 * so nshuffles must give k <= nshuffles (at least 19 for the 95th, 99 for
 * the 99th percentile). */
GRIDFORM_API int gridform_scorer_set_null(gridform_scorer *s, size_t nshuffles, double percentile,
                                          double min_lag_s);
GRIDFORM_API int gridform_scorer_get_null(const gridform_scorer *s, size_t *nshuffles, double *percentile,
                                          double *min_lag_s);

/* The shuffle null of a recording (Sargolini et al. 2006; Langston et al.
 * 2010; Boccara et al. 2010).  xy: npos x 2 positions (metres, the box
 * centred on the origin; a NaN coordinate skips the sample), sampled every
 * dt seconds; activity: npos x ncells (spike counts or rates per sample).
 * Each shuffle shifts the activity circularly against the trajectory by a
 * lag drawn uniformly between min_lag_s and npos dt - min_lag_s, rebuilds
 * the mean rate maps (gridform_ratemap_accumulate, bins never visited are
 * NaN) and scores them.  Outputs, any NULL: score60 (ncells, the unshifted
 * maps), null60 (ncells x nshuffles), threshold (ncells, per cell),
 * pop_threshold (one, from the pooled null scores).  progress (may be
 * NULL) is called after each shuffle with the shuffle's median score60. */
GRIDFORM_API int gridform_scorer_shuffle_null(const gridform_scorer *s, const double *xy, size_t npos,
                                              double dt, const double *activity, size_t ncells,
                                              uint64_t seed, double *score60, double *null60,
                                              double *threshold, double *pop_threshold,
                                              gridform_progress_fn progress, void *user);

/* One surrogate of a map (ny x nx, NaN = unvisited): the same mean and the
 * same power in every radial shell of its Fourier lattice, each shell's
 * amplitudes permuted over the shell's wavevectors with random phases, and
 * NaN at the same bins (doc/theory.md §6.8). */
GRIDFORM_API int gridform_scorer_surrogate(const gridform_scorer *s, const double *map, uint64_t seed,
                                           double *out);

/* The surrogate null of nmaps rate maps (map-major): for each map,
 * nshuffles surrogates scored; outputs as gridform_scorer_shuffle_null.
 * Map m's surrogates depend on seed and m only.  progress (may be NULL) is
 * called after each map with its score60. */
GRIDFORM_API int gridform_scorer_surrogate_null(const gridform_scorer *s, const double *maps, size_t nmaps,
                                                uint64_t seed, double *score60, double *null60,
                                                double *threshold, double *pop_threshold,
                                                gridform_progress_fn progress, void *user);

/* The threshold rule on n scores (NaN skipped): the k-th smallest defined
 * value, k = ceil(percentile (ndefined + 1) / 100).  GRIDFORM_EUNDEFINED
 * (and NaN) when too few are defined. */
GRIDFORM_API int gridform_null_threshold(const double *scores, size_t n, double percentile, double *threshold);

GRIDFORM_END_DECLS

#endif
