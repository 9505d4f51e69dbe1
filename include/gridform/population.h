/* libgridform: a population of maps: its mean power spectrum and its grid
 * modules (doc/theory.md §6.6 and §6.7). */
#ifndef GRIDFORM_POPULATION_H
#define GRIDFORM_POPULATION_H

#include <stddef.h>
#include <stdint.h>
#include "gridform/export.h"
#include "gridform/status.h"
#include "gridform/score.h"

GRIDFORM_BEGIN_DECLS

/* ---- population spectrum (doc/theory.md §6.6) -------------------- */

/* Flags of gridform_scorer_population_spectrum (OR-able, frozen values). */
enum {
    GRIDFORM_SPECTRUM_UNIT_VARIANCE = 1  /* scale each map to unit variance first (each unit weighs the same) */
};

/* Number of radial bins of the population spectrum of maps of the scorer's
 * size, and their width dk = 2 pi / min(lx, ly) (rad/m).  Bin b is centred
 * at b dk; the last centre is at most the Nyquist wavenumber
 * min(pi nx / lx, pi ny / ly). */
GRIDFORM_API int gridform_scorer_spectrum_bins(const gridform_scorer *s, size_t *nbins, double *dk);

/* Radially averaged mean power spectrum of nmaps maps (map-major, nmaps x
 * ny x nx, NaN = unvisited).  Each map has its mean over visited bins
 * removed and NaN bins set to zero; its periodogram dA |FFT|^2 / nvalid
 * (units of map value squared times m^2) is averaged over the lattice points
 * in each bin and over the maps with variance.  kmag, power: nbins values
 * (gridform_scorer_spectrum_bins), either may be NULL.  kpeak: the
 * population's ring, the peak of power over bins b >= 1 refined by a
 * parabola through its neighbours (rad/m; may be NULL).  nused (may be
 * NULL): maps that entered the mean (those without variance are skipped).
 * No map with variance: GRIDFORM_EUNDEFINED and NaN outputs.  Maps of any
 * finite scale; a raw power beyond double (maps near 1e+-200) is
 * GRIDFORM_ERANGE with NaN power and a valid kpeak. */
GRIDFORM_API int gridform_scorer_population_spectrum(const gridform_scorer *s, const double *maps,
                                                     size_t nmaps, int flags, double *kmag,
                                                     double *power, double *kpeak, size_t *nused);

/* ---- grid modules (doc/theory.md §6.7) --------------------------- */

/* Options and workspaces of the module finder.  One thread at a time. */
typedef struct gridform_modules gridform_modules;

GRIDFORM_API int gridform_modules_create(gridform_modules **out);
GRIDFORM_API void gridform_modules_destroy(gridform_modules *m);
GRIDFORM_API const char *gridform_modules_last_error(const gridform_modules *m);

/* Largest number of modules tried (1..16, default 6). */
GRIDFORM_API int gridform_modules_set_max(gridform_modules *m, size_t max_modules);
/* Maps enter when score60 > min_score (default 0.3; finite). */
GRIDFORM_API int gridform_modules_set_min_score(gridform_modules *m, double min_score);
/* Orientation as the second cue (default 1): a spacing cluster whose
 * orientations pass for uniform is no module.  0: spacing alone. */
GRIDFORM_API int gridform_modules_set_orientation_cue(gridform_modules *m, int on);

/* Cluster n maps into modules.  spacing (metres, > 0), orientation
 * (radians, any value; read modulo pi/3; NULL: spacing only) and score60
 * (NULL: every map with a spacing enters) are n long, as from
 * gridform_scorer_score.  Outputs: *nmodules (0 when fewer than three
 * maps enter); module_spacing (geometric mean, metres), module_orientation
 * (circular mean modulo pi/3, radians in [0, pi/3), or modulo pi/6 for a
 * module in two groups 30 degrees apart; NaN without orientations),
 * module_count: max_modules long,
 * modules sorted by increasing spacing; ratio: max_modules long,
 * ratio[j] = module_spacing[j+1] / module_spacing[j] for j < nmodules - 1;
 * labels: n long, each map's module, or -1 if it did not enter or its
 * cluster is not a module.  Any output
 * but nmodules may be NULL. */
GRIDFORM_API int gridform_modules_find(gridform_modules *m, const double *spacing,
                                       const double *orientation, const double *score60, size_t n,
                                       size_t *nmodules, double *module_spacing,
                                       double *module_orientation, size_t *module_count,
                                       double *ratio, int *labels);

/* The modulus (radians) of module j's orientation from the last
 * gridform_modules_find on m: pi/3 (60 degrees, a hexagonal lattice's
 * symmetry), or pi/6 (30 degrees) for a module in two groups 30 degrees
 * apart; NaN when the module has no orientation.  GRIDFORM_EINVAL when j
 * is not below the last call's *nmodules. */
GRIDFORM_API int gridform_modules_get_orientation_modulus(const gridform_modules *m, size_t j, double *modulus);

GRIDFORM_END_DECLS

#endif
