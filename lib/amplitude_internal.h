/* libgridform: private interface between lib/amplitude.c (the equations)
 * and lib/pattern.c (coefficients derived from a kernel).  Not installed. */
#ifndef GRIDFORM_AMPLITUDE_INTERNAL_H
#define GRIDFORM_AMPLITUDE_INTERNAL_H

#include "internal.h"

/* Validate coefficients (finite, g0 > 0, g0 + 2 g1 > 0), failing as func. */
int gridform__amplitude_check_coefficients(gridform__errbuf *eb, const char *func, double mu, double gamma,
                                           double g0, double g1);
/* Store validated coefficients. */
int gridform__amplitude_store(gridform_amplitude *a, double mu, double gamma, double g0, double g1);
/* The handle's error slot. */
gridform__errbuf *gridform__amplitude_errbuf(gridform_amplitude *a);

#endif
