/* gridform-compare: the recording measures of a population
 * (gridform_scorer_measures(3), doc/theory.md §6.9): spatial information
 * and sparsity (uniform occupancy: a .npy of maps carries no trajectory),
 * coherence, border score (walled boxes), fields, and the grid maps'
 * ellipses, each summarised by its quartiles over the maps where it is
 * defined. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gridform.h>
#include "compare.h"

#define PI 3.14159265358979323846
/* fields reported per map at most (the count is exact) */
#define COMPARE_MAX_FIELDS 64

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quartiles of the non-NaN values of v[0..n-1] (v is reordered). */
static compare_stat stat_of(double *v, size_t n)
{
    compare_stat st = {{NAN, NAN, NAN}, 0};
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            v[m++] = v[i];
    qsort(v, m, sizeof *v, cmp_double);
    st.n = m;
    for (int q = 0; q < 3 && m > 0; q++) {
        double pos = 0.25 * (q + 1) * (double)(m - 1);
        size_t i = (size_t)pos;
        st.q[q] = i + 1 >= m ? v[m - 1] : v[i] + (pos - (double)i) * (v[i + 1] - v[i]);
    }
    return st;
}

int compare_measures_run(gridform_scorer *s, compare_report *r, double grid_threshold)
{
    const size_t n = r->n, nb = r->nx * r->ny;
    compare_measures *ms = &r->meas;
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    int status = -1, rc;
    if (a == NULL || b == NULL) {
        fprintf(stderr, "gridform-compare: out of memory for the measures of %zu maps\n", n);
        goto out;
    }
    /* Spatial information needs rates >= 0: a map with a negative value
     * (a linear network's) has none. */
    for (size_t m = 0; m < n; m++) {
        const double *map = r->maps + m * nb;
        int neg = 0;
        for (size_t i = 0; i < nb && !neg; i++)
            neg = map[i] < 0;
        a[m] = b[m] = NAN;
        if (neg) {
            ms->nnegative++;
            continue;
        }
        rc = gridform_scorer_spatial_info(s, map, 1, NULL, &a[m], NULL, &b[m]);
        if (rc != GRIDFORM_OK && rc != GRIDFORM_EUNDEFINED)
            goto fail;
    }
    ms->info = stat_of(a, n);
    ms->sparsity = stat_of(b, n);
    rc = gridform_scorer_coherence(s, r->maps, n, a, NULL);
    if (rc != GRIDFORM_OK && rc != GRIDFORM_EUNDEFINED)
        goto fail;
    ms->coherence = stat_of(a, n);
    ms->have_border = r->boundary == GRIDFORM_WALLED;
    if (ms->have_border) {
        rc = gridform_scorer_border(s, r->maps, n, a, NULL, NULL);
        if (rc != GRIDFORM_OK && rc != GRIDFORM_EUNDEFINED)
            goto fail;
        ms->border = stat_of(a, n);
    }
    for (size_t m = 0; m < n; m++) {
        size_t nf = 0;
        double area[COMPARE_MAX_FIELDS];
        a[m] = b[m] = NAN;
        rc = gridform_scorer_fields(s, r->maps + m * nb, COMPARE_MAX_FIELDS, &nf, area, NULL, NULL, NULL, NULL);
        if (rc == GRIDFORM_EUNDEFINED)
            continue;
        if (rc != GRIDFORM_OK)
            goto fail;
        a[m] = (double)nf;
        if (nf > 0) {
            /* the mean area of the (up to COMPARE_MAX_FIELDS) largest fields */
            size_t k = nf < COMPARE_MAX_FIELDS ? nf : COMPARE_MAX_FIELDS;
            double sum = 0;
            for (size_t j = 0; j < k; j++)
                sum += area[j];
            b[m] = sum / (double)k;
        }
    }
    ms->nfields = stat_of(a, n);
    ms->field_area = stat_of(b, n);
    rc = gridform_scorer_ellipse(s, r->maps, n, a, NULL, b);
    if (rc != GRIDFORM_OK && rc != GRIDFORM_EUNDEFINED)
        goto fail;
    for (size_t m = 0; m < n; m++)
        if (!(r->score60[m] > grid_threshold))
            a[m] = b[m] = NAN;
    ms->ratio = stat_of(a, n);
    ms->offset = stat_of(b, n);
    for (int q = 0; q < 3; q++)
        ms->offset.q[q] *= 180 / PI;
    status = 0;
    goto out;
fail:
    fprintf(stderr, "gridform-compare: %s\n", gridform_scorer_last_error(s));
out:
    free(a);
    free(b);
    return status;
}

static void jstat(FILE *f, const char *name, const compare_stat *st, int last)
{
    fprintf(f, "    \"%s\": {\"median\": ", name);
    if (isfinite(st->q[1])) fprintf(f, "%.6g", st->q[1]); else fputs("null", f);
    fputs(", \"quartiles\": [", f);
    for (int q = 0; q < 3; q++) {
        if (isfinite(st->q[q])) fprintf(f, "%.6g", st->q[q]); else fputs("null", f);
        fputs(q < 2 ? ", " : "]", f);
    }
    fprintf(f, ", \"n\": %zu}%s\n", st->n, last ? "" : ",");
}

void compare_measures_json(FILE *f, const compare_report *r)
{
    const compare_measures *ms = &r->meas;
    fputs("  \"measures\": {\n    \"occupancy\": \"uniform\",\n", f);
    fprintf(f, "    \"maps_with_negative_values\": %zu,\n", ms->nnegative);
    jstat(f, "spatial_info_bits_per_spike", &ms->info, 0);
    jstat(f, "sparsity", &ms->sparsity, 0);
    jstat(f, "coherence_z", &ms->coherence, 0);
    if (ms->have_border)
        jstat(f, "border_score", &ms->border, 0);
    else
        fputs("    \"border_score\": null,\n", f);
    jstat(f, "fields_per_map", &ms->nfields, 0);
    jstat(f, "field_area_m2", &ms->field_area, 0);
    jstat(f, "ellipse_axis_ratio", &ms->ratio, 0);
    jstat(f, "wall_offset_deg", &ms->offset, 1);
    fputs("  }", f);
}

static void tstat(FILE *f, const char *name, const char *unit, const compare_stat *st)
{
    if (st->n == 0) {
        fprintf(f, "  %-14s undefined for every map\n", name);
        return;
    }
    fprintf(f, "  %-14s median %.4g%s (quartiles %.4g, %.4g), %zu maps\n", name, st->q[1], unit, st->q[0], st->q[2],
            st->n);
}

void compare_measures_text(FILE *f, const compare_report *r)
{
    const compare_measures *ms = &r->meas;
    fprintf(f, "measures        (gridform_scorer_measures(3); uniform occupancy)\n");
    tstat(f, "information", " bits/spike", &ms->info);
    if (ms->nnegative > 0)
        fprintf(f, "                %zu maps with negative values have no spatial information\n", ms->nnegative);
    tstat(f, "sparsity", "", &ms->sparsity);
    tstat(f, "coherence z", "", &ms->coherence);
    if (ms->have_border)
        tstat(f, "border score", "", &ms->border);
    tstat(f, "fields", " per map", &ms->nfields);
    tstat(f, "field area", " m^2", &ms->field_area);
    tstat(f, "ellipse", " major/minor (grid maps)", &ms->ratio);
    tstat(f, "wall offset", " deg (grid maps)", &ms->offset);
}
