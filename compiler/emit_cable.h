/* SPDX-License-Identifier: MIT */
/* This file declares the emitter of a spatialneurons group's cable solver
 * (emit_cable.c). */
#ifndef SNN_EMIT_CABLE_H
#define SNN_EMIT_CABLE_H

#include "arena.h"

typedef struct Group Group;

/* Print `static void fn(const snn_args *_a)`, which advances v of every
 * compartment of g (g->cable) by one step of the cable equation. */
void emit_cable(Buf *b, const Group *g, const char *fn);

#endif
