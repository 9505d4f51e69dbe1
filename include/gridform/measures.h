/* libgridform: the measures recording papers report beside gridness:
 * spatial information and sparsity, spatial coherence, firing fields, the
 * border score and the grid's ellipticity (gridform_scorer_measures(3),
 * doc/theory.md §6.9).  They are computed by a scorer, for the maps of its
 * arena: a bin is visited when the map is not NaN there and, for an arena
 * of any shape, the bin is inside it. */
#ifndef GRIDFORM_MEASURES_H
#define GRIDFORM_MEASURES_H

#include <stddef.h>
#include "gridform/export.h"
#include "gridform/score.h"

GRIDFORM_BEGIN_DECLS

/* The measures whose definition differs between the original paper and the
 * Moser lab's BNT / opexebo (frozen values). */
enum {
    GRIDFORM_MEASURE_INFO = 1,       /* spatial information */
    GRIDFORM_MEASURE_COHERENCE = 2,  /* spatial coherence */
    GRIDFORM_MEASURE_BORDER = 3      /* border score */
};

/* Which definition a measure follows (frozen values). */
enum {
    GRIDFORM_VARIANT_PAPER = 1,      /* the original paper's (default) */
    GRIDFORM_VARIANT_BNT = 2         /* BNT's and opexebo's */
};

/* The definition one measure follows: GRIDFORM_VARIANT_PAPER (default) or
 * GRIDFORM_VARIANT_BNT; gridform_scorer_measures(3) says how they differ. */
GRIDFORM_API int gridform_scorer_set_measure_variant(gridform_scorer *s, int measure, int variant);

/* Spatial information (Skaggs, McNaughton, Gothard and Markus 1993) and
 * sparsity (Skaggs et al. 1996) of nmaps rate maps (map-major, nmaps x ny
 * x nx, rates >= 0, NaN = unvisited) with one occupancy map (ny x nx, time
 * or samples per bin, >= 0; NULL: every visited bin equally).  Outputs
 * (nmaps each, any NULL but not all): bits per spike, bits per second (per
 * unit of the map's rate) and sparsity in (0, 1].  A map without a
 * positive mean rate gets NaN and the call returns GRIDFORM_EUNDEFINED
 * after all maps. */
GRIDFORM_API int gridform_scorer_spatial_info(const gridform_scorer *s, const double *maps, size_t nmaps,
                                              const double *occupancy, double *bits_per_spike,
                                              double *bits_per_second, double *sparsity);

/* Spatial coherence (Muller and Kubie 1989): the Pearson correlation r
 * between each visited bin's value and the mean of its visited
 * 8-neighbours, and its Fisher z = atanh(r).  Outputs nmaps each, either
 * NULL but not both. */
GRIDFORM_API int gridform_scorer_coherence(const gridform_scorer *s, const double *maps, size_t nmaps,
                                           double *z, double *r);

/* Field detection: a field is a connected set of visited bins whose value
 * is at least threshold times the map's peak (0 < threshold < 1), of at
 * least min_bins bins, connected through edges (connectivity 4) or edges
 * and corners (8).  Default 0.2, 9 bins, 4. */
GRIDFORM_API int gridform_scorer_set_fields(gridform_scorer *s, double threshold, size_t min_bins,
                                            int connectivity);

/* The fields of one map, largest first: *nfields receives how many there
 * are; the first min(*nfields, max_fields) entries of each array (any NULL)
 * receive the area (m^2), bins, peak value and the value-weighted centroid
 * (metres, the arena's coordinates) of a field. */
GRIDFORM_API int gridform_scorer_fields(const gridform_scorer *s, const double *map, size_t max_fields,
                                        size_t *nfields, double *area_m2, size_t *nbins, double *peak,
                                        double *cx, double *cy);

/* The border score's fields (Solstad et al. 2008): bins at least threshold
 * times the peak, fields of at least min_area_m2.  Default 0.3, 0.02 m^2
 * (200 cm^2). */
GRIDFORM_API int gridform_scorer_set_border_fields(gridform_scorer *s, double threshold, double min_area_m2);

/* Border score b = (cM - dm) / (cM + dm) (Solstad, Boccara, Kropff, Moser
 * and Moser 2008) of nmaps maps of a walled rectangular arena; outputs
 * (nmaps each, any NULL but not all): b in [-1, 1], cM and dm.  A map
 * without a field gets NaN and the call returns GRIDFORM_EUNDEFINED after
 * all maps. */
GRIDFORM_API int gridform_scorer_border(const gridform_scorer *s, const double *maps, size_t nmaps,
                                        double *score, double *coverage, double *distance);

/* Grid ellipticity (Stensola et al. 2015): the ellipse through the six
 * SAC peaks nearest the centre, refined below a bin.  Outputs (nmaps each,
 * any NULL but not all): the axis ratio major/minor (>= 1), the major
 * axis' angle (radians in [0, pi)) and the smallest angle between a grid
 * axis and a wall (radians in [0, pi/4]). */
GRIDFORM_API int gridform_scorer_ellipse(const gridform_scorer *s, const double *maps, size_t nmaps,
                                         double *axis_ratio, double *major_angle, double *wall_offset);

GRIDFORM_END_DECLS

#endif
