/* SPDX-License-Identifier: MIT */
/* This file declares the C emitter: one C translation unit per model, with one
 * function per block (snn_<group>_<kind>, kinds: update, thresh, reset,
 * on_pre, on_post, init), each with the snn_block_fn signature of
 * runtime/abi.h. */
#ifndef SNN_EMIT_H
#define SNN_EMIT_H

#include "model.h"
#include "diag.h"

/* The C text of the whole model (in the model's arena). */
const char *emit_model(Model *M, Diag *D);
/* Name of a group's block function, e.g. "snn_G_update". */
const char *emit_fn_name(Arena *A, const Group *g, const char *kind);

#endif
