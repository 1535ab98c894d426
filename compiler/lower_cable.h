/* SPDX-License-Identifier: MIT */
/* This file declares the lowering of a spatialneurons group's membrane
 * equation (lower_cable.c). */
#ifndef SNN_LOWER_CABLE_H
#define SNN_LOWER_CABLE_H

#include <stdbool.h>

#include "diag.h"

typedef struct Model Model;
typedef struct Group Group;

/* Append gtot = -dIm/dv and I0 = Im + gtot*v to g's state update; false
 * with an error if Im cannot be differentiated. */
bool lower_cable(Model *M, Group *g, Diag *D);

#endif
