/* gridform-compare: the report a run computes, shared by the program
 * (tools/gridform-compare.c) and its SVG page (tools/compare_svg.c).
 * Not installed. */
#ifndef GRIDFORM_COMPARE_H
#define GRIDFORM_COMPARE_H

#include <stddef.h>
#include <stdio.h>

/* Thresholds of score60 the report counts: grid maps are those above the
 * run's threshold (the null's, or a fixed one with --threshold); >= 0.37
 * is counted beside it. */
#define COMPARE_GRID_THRESHOLD_STRICT 0.37
#define COMPARE_MAX_MODULES 6
/* An orientation (rad) in degrees in [0, modulus (rad)), a value that
 * would print as the modulus itself (59.96 deg as "60.0") folded to 0
 * (tools/gridform-compare.c). */
double compare_orientation_deg(double rad, double modulus);
/* Maps in the SVG montage of the most hexagonal units. */
#define COMPARE_MONTAGE 12

/* One recording measure over the maps where it is defined: quartiles
 * (25, 50, 75%) and the number of maps. */
typedef struct {
    double q[3];
    size_t n;
} compare_stat;

/* The recording measures of the population (tools/compare_measures.c,
 * gridform_scorer_measures(3)). */
typedef struct {
    compare_stat info, sparsity, coherence, border, nfields, field_area;
    compare_stat ratio, offset;   /* the grid maps' ellipses (score60 above the report's threshold) */
    size_t nnegative;             /* maps with negative values: no spatial information */
    int have_border;              /* walled boxes only */
} compare_measures;

typedef struct {
    /* input */
    size_t n, nx, ny;
    double lx, ly;
    int boundary;                 /* GRIDFORM_WALLED or GRIDFORM_PERIODIC */
    int annuli_auto;              /* the scorer's annuli: automatic (1) or fixed (0) */
    size_t nfallback;             /* maps that fell back to the fixed annuli */
    const double *maps;           /* n x ny x nx */
    /* per map (n each; NaN where undefined) */
    double *score60, *spacing, *orientation;
    int *label;                   /* module, or -1 */
    /* population spectrum */
    size_t nbins, nused;
    double dk, kpop;
    double *kmag, *power;         /* nbins */
    /* place-code prediction (have_pc == 0: none given) */
    int have_pc;
    int pc_undefined;             /* a place code was given but its ring is undefined (the reason on stderr) */
    double kstar, astar;          /* ring (rad/m) and its hexagonal spacing (m) */
    size_t nfine;                 /* Sigma~ on a fine grid from 0 to the last bin (0: none) */
    double *kfine, *sigma;        /* nfine each */
    /* threshold of the grid maps: value and where it came from
     * ("shuffle", "surrogate" or "fixed"); percentile and null maps per
     * map for a null (0 for a fixed one) */
    double threshold, percentile;
    const char *threshold_source;
    size_t nshuffles;
    /* summary */
    size_t nscored, ngrid, ngrid_strict;
    double median60;
    double spacing_q[3];          /* quartiles of the grid maps' spacing (m) */
    double orient_mean, orient_r; /* circular mean (rad, mod pi/3) and resultant length of the grid maps */
    size_t orient_hist[6];        /* grid maps' orientations in 10-degree bins */
    /* modules */
    size_t nmodules;
    double mod_spacing[COMPARE_MAX_MODULES], mod_orient[COMPARE_MAX_MODULES];
    double mod_ratio[COMPARE_MAX_MODULES];
    double mod_modulus[COMPARE_MAX_MODULES];  /* each orientation's modulus (rad): pi/3, or pi/6 in two groups */
    size_t mod_count[COMPARE_MAX_MODULES];
    /* recording measures */
    compare_measures meas;
} compare_report;

/* Writes the one-page SVG report to path.  Returns 0 on success, or -1
 * with a message in err. */
/* tools/compare_measures.c: fills r->meas from the maps and score60, the
 * ellipses from the maps above grid_threshold (the threshold the report
 * counts grid maps with); returns 0, or -1 with a message on stderr. */
struct gridform_scorer;
int compare_measures_run(struct gridform_scorer *s, compare_report *r, double grid_threshold);
void compare_measures_json(FILE *f, const compare_report *r);
void compare_measures_text(FILE *f, const compare_report *r);

int compare_write_svg(const char *path, const compare_report *r, char *err, size_t errlen);

#endif
