/* libgridform: the pattern-formation theory of grid cells as a C library.
 *
 * Sorscher, Mel, Ganguli, Ocko, "A unified theory for the origin of grid
 * cells through the lens of pattern formation", NeurIPS 32 (2019).
 *
 * Include this umbrella header; see gridform(7) for the concepts. */
#ifndef GRIDFORM_H
#define GRIDFORM_H

#include "gridform/export.h"
#include "gridform/version.h"
#include "gridform/status.h"
#include "gridform/precision.h"
#include "gridform/arena.h"
#include "gridform/placecode.h"
#include "gridform/kernel.h"
#include "gridform/io.h"
#include "gridform/score.h"
#include "gridform/measures.h"
#include "gridform/population.h"
#include "gridform/null.h"
#include "gridform/learner.h"
#include "gridform/amplitude.h"
#include "gridform/attractor.h"
#include "gridform/wisdom.h"

#endif
