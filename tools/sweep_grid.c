/* gridform-sweep: the parameter grid, task ids and the names of things. */
#include "config.h"
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"
#include "sweep.h"

static const char *const param_names[SP_COUNT] = {
    "tuning", "sigma", "surround", "box", "n", "nonlinearity", "coupling", "integrator", "seed"};
static const char *const param_units[SP_COUNT] = {"", "m", "", "m", "", "", "", "", ""};

static const char *const metric_names[SM_COUNT] = {
    "steps_taken", "kstar", "spacing_predicted", "score60_median", "score60_frac",
    "score90_median", "spacing_median", "dominant_k_median", "objective"};
static const char *const metric_labels[SM_COUNT] = {
    "steps taken", "predicted ring k* (rad/m)", "predicted spacing (m)", "median score60",
    "fraction of maps with score60 >= 0.37", "median score90", "median spacing (m)",
    "median dominant k (rad/m)", "objective"};

typedef struct {
    const char *name;
    int value;
} named;

static const named tunings[] = {{"dog", GRIDFORM_TUNING_DOG},
                                {"gaussian", GRIDFORM_TUNING_GAUSSIAN},
                                {"softmax", GRIDFORM_TUNING_SOFTMAX_DOG},
                                {"softmax_dog", GRIDFORM_TUNING_SOFTMAX_DOG},  /* Python's name */
                                {NULL, 0}};
static const named nonlinearities[] = {{"relu", GRIDFORM_NL_RELU},
                                       {"soft", GRIDFORM_NL_SOFT},
                                       {"tanh", GRIDFORM_NL_TANH},
                                       {"linear", GRIDFORM_NL_LINEAR},
                                       {NULL, 0}};
static const named couplings[] = {{"independent", GRIDFORM_COUPLING_INDEPENDENT},
                                  {"sanger", GRIDFORM_COUPLING_SANGER},
                                  {"symmetric", GRIDFORM_COUPLING_SYMMETRIC},
                                  {NULL, 0}};
static const named integrators[] = {{"etd", GRIDFORM_INTEGRATOR_ETD},
                                    {"exponential", GRIDFORM_INTEGRATOR_EXPONENTIAL},
                                    {"euler", GRIDFORM_INTEGRATOR_EULER},
                                    {NULL, 0}};

static const named *names_of(int p)
{
    switch (p) {
    case SP_TUNING: return tunings;
    case SP_NONLINEARITY: return nonlinearities;
    case SP_COUPLING: return couplings;
    case SP_INTEGRATOR: return integrators;
    default: return NULL;
    }
}

const char *sweep_param_name(int p) { return p >= 0 && p < SP_COUNT ? param_names[p] : "?"; }
const char *sweep_param_unit(int p) { return p >= 0 && p < SP_COUNT ? param_units[p] : ""; }
int sweep_param_is_named(int p) { return names_of(p) != NULL; }

int sweep_param_lookup(const char *name)
{
    for (int p = 0; p < SP_COUNT; p++)
        if (strcmp(name, param_names[p]) == 0)
            return p;
    return -1;
}

const char *sweep_metric_name(int m) { return m >= 0 && m < SM_COUNT ? metric_names[m] : "?"; }
const char *sweep_metric_label(int m) { return m >= 0 && m < SM_COUNT ? metric_labels[m] : "?"; }

int sweep_metric_lookup(const char *name)
{
    for (int m = 0; m < SM_COUNT; m++)
        if (strcmp(name, metric_names[m]) == 0)
            return m;
    /* the short names people type */
    if (strcmp(name, "score60") == 0) return SM_SCORE60;
    if (strcmp(name, "score90") == 0) return SM_SCORE90;
    if (strcmp(name, "spacing") == 0) return SM_SPACING;
    if (strcmp(name, "dominant_k") == 0) return SM_DOMINANT_K;
    if (strcmp(name, "steps") == 0) return SM_STEPS;
    return -1;
}

int sweep_value_lookup(int p, const char *name)
{
    const named *t = names_of(p);
    for (; t != NULL && t->name != NULL; t++)
        if (strcmp(t->name, name) == 0)
            return t->value;
    return -1;
}

const char *sweep_value_name(int p, int value)
{
    const named *t = names_of(p);
    for (; t != NULL && t->name != NULL; t++)
        if (t->value == value)
            return t->name;
    return "?";
}

const char *sweep_boundary_name(int boundary)
{
    return boundary == GRIDFORM_WALLED ? "walled" : "periodic";
}

/* Numbers are written with 12 significant digits, and sweep_args.c rounds
 * every value it parses or generates through this text, so the number a
 * task computes with is exactly the number its row shows: a range and a
 * list that print alike are the same grid. */
void sweep_format_value(const sweep_grid *g, int p, size_t i, char *buf, size_t len)
{
    double v = g->axis[p].value[i];
    if (sweep_param_is_named(p))
        snprintf(buf, len, "%s", sweep_value_name(p, (int)v));
    else if (p == SP_N || p == SP_SEED)
        snprintf(buf, len, "%" PRIu64, (uint64_t)v);
    else
        snprintf(buf, len, "%.12g", v);
}

void sweep_task_indices(const sweep_grid *g, uint64_t task, size_t idx[SP_COUNT])
{
    for (int p = SP_COUNT - 1; p >= 0; p--) {
        uint64_t c = g->axis[p].count;
        idx[p] = (size_t)(task % c);
        task /= c;
    }
}

void sweep_task_point(const sweep_grid *g, uint64_t task, sweep_point *pt)
{
    size_t idx[SP_COUNT];
    sweep_task_indices(g, task, idx);
    pt->tuning = (int)g->axis[SP_TUNING].value[idx[SP_TUNING]];
    pt->sigma = g->axis[SP_SIGMA].value[idx[SP_SIGMA]];
    pt->surround = g->axis[SP_SURROUND].value[idx[SP_SURROUND]];
    pt->box = g->axis[SP_BOX].value[idx[SP_BOX]];
    pt->n = (size_t)g->axis[SP_N].value[idx[SP_N]];
    pt->nonlinearity = (int)g->axis[SP_NONLINEARITY].value[idx[SP_NONLINEARITY]];
    pt->coupling = (int)g->axis[SP_COUPLING].value[idx[SP_COUPLING]];
    pt->integrator = (int)g->axis[SP_INTEGRATOR].value[idx[SP_INTEGRATOR]];
    pt->seed = (uint64_t)g->axis[SP_SEED].value[idx[SP_SEED]];
}

/* Appends to a growing string; returns 0 or -1 (out of memory). */
static int append(char **s, size_t *len, size_t *cap, const char *add)
{
    size_t a = strlen(add);
    if (*len + a + 1 > *cap) {
        size_t nc = 2 * (*cap + a + 64);
        char *t = realloc(*s, nc);
        if (t == NULL)
            return -1;
        *s = t;
        *cap = nc;
    }
    memcpy(*s + *len, add, a + 1);
    *len += a;
    return 0;
}

char *sweep_grid_key(const sweep_grid *g)
{
    char *s = NULL, buf[128];
    size_t len = 0, cap = 0;
    int bad = append(&s, &len, &cap, "# gridform-sweep grid 1:");
    for (int p = 0; p < SP_COUNT && !bad; p++) {
        snprintf(buf, sizeof buf, " %s=", param_names[p]);
        bad |= append(&s, &len, &cap, buf);
        for (size_t i = 0; i < g->axis[p].count && !bad; i++) {
            sweep_format_value(g, p, i, buf, sizeof buf);
            bad |= append(&s, &len, &cap, i ? "," : "");
            bad |= append(&s, &len, &cap, buf);
        }
    }
    snprintf(buf, sizeof buf, " boundary=%s maps=%zu max_steps=%zu tol=%.12g cells=%zu",
             sweep_boundary_name(g->boundary), g->maps, g->max_steps, g->tol, g->cells);
    if (!bad)
        bad |= append(&s, &len, &cap, buf);
    if (bad) {
        free(s);
        return NULL;
    }
    return s;
}

void sweep_grid_free(sweep_grid *g)
{
    for (int p = 0; p < SP_COUNT; p++) {
        free(g->axis[p].value);
        g->axis[p].value = NULL;
        g->axis[p].count = 0;
    }
}
