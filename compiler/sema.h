/* SPDX-License-Identifier: MIT */
/* This file declares the semantic pass: name resolution, dimension checking
 * and constant folding, from a parsed Program to a checked Model. */
#ifndef SNN_SEMA_H
#define SNN_SEMA_H

#include "model.h"
#include "diag.h"

/* A command-line override of a model constant, "NAME=EXPR". */
typedef struct Override {
    Decl *decl;             /* parsed "NAME = EXPR" (a D_CONST) */
    Diag *D;                /* its own diagnostics, with the override as source */
} Override;

/* Check prog and build the model.  Overrides replace the values of model
 * constants (same dimension required).  Returns NULL on error, with the
 * messages in D (or in the override's own Diag). */
Model *sema_program(Arena *A, Diag *D, Program *prog, const Override *ov, int nov);

/* Fold a checked expression whose names are all constants and units to its
 * SI value; false if it depends on anything else. */
bool sema_const_value(const Node *n, double *out);
/* The same, evaluating every deterministic built-in function (int, floor,
 * clip, sin, ...) and dt (the time step so far) as a constant declaration,
 * a --set value or a run duration may. */
bool sema_const_fold(const Node *n, double *out);

/* Does z[0..n) end with suf, with something before it (v_post, w_pre)? */
bool sema_ends_with(const char *z, size_t n, const char *suf);

#endif
