/* SPDX-License-Identifier: MIT */
/* This file declares the lowering pass that runs after sema: integration of
 * every group's equations, event-driven synaptic updates around the pathway
 * code, summed variables and refractoriness. */
#ifndef SNN_LOWER_H
#define SNN_LOWER_H

#include "model.h"
#include "diag.h"

/* Lower every group of M; false (with errors in D) if an equation cannot be
 * integrated or a synaptic construct is invalid. */
bool lower_model(Model *M, Diag *D);
/* Is n the same for every index of a loop (constants, units, t, dt, N and
 * pure functions of them)?  The emitter hoists such expressions. */
bool lower_invariant(const Node *n);

#endif
