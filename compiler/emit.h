/* SPDX-License-Identifier: MIT */
/* This file declares the C emitter: one C translation unit per model, with one
 * function per block (snn_<group>_<kind>, kinds: update, thresh, reset,
 * on_pre, on_post, init), each with the snn_block_fn signature of
 * runtime/abi.h, written from the templates of emit_tmpl.c. */
#ifndef SNN_EMIT_H
#define SNN_EMIT_H

#include "model.h"
#include "diag.h"

/* The kinds of block function the emitter writes. */
enum BlockKind {
    BK_UPDATE, BK_THRESH, BK_RESET, BK_ON_PRE, BK_ON_POST, BK_INIT,
    BK_SUMMED,   /* index: k-th summed variable of the group */
    BK_EXTRA,    /* index: k-th run_regularly / Poisson input block */
    BK_PATH,     /* index: k-th named pathway (Group.paths) */
    BK_CONNECT,  /* index: Connect.index of a generated connect rule */
    BK_ASSIGN,   /* index: position in Model.actions of an assignment between runs */
    BK_EVTHRESH, /* index: k-th custom event's condition (Group.events) */
    BK_EVCODE,   /* index: k-th run_on_event block (Group.evcodes) */
    BK_UPDATE_THRESH, /* a neuron group's update and threshold in one pass */
    BK_COUNT
};

/* One function of the generated unit: which group and block it is for, and
 * its C name (in the model's arena). */
typedef struct BlockFn {
    const Group *group;
    int          kind;      /* BlockKind */
    int          index;     /* see BlockKind; 0 for the one-per-group kinds */
    const char  *name;
} BlockFn;

/* Every block function emitted for a model, in the order written.  The
 * runtime binds functions from this table only; which blocks exist is
 * decided here, once. */
typedef struct BlockTable {
    BlockFn *v;
    int      n;
} BlockTable;

/* The C text of the whole model (in the model's arena); the functions it
 * defines are appended to *blocks (which may be NULL). */
const char *emit_model(Model *M, Diag *D, BlockTable *blocks);
/* The entry of blocks for (group, kind, index), or NULL if none was emitted. */
const BlockFn *block_find(const BlockTable *blocks, const Group *g, int kind, int index);
/* Name of a group's block function, e.g. "snn_G_update". */
const char *emit_fn_name(Arena *A, const Group *g, const char *kind);

/* ---- templates of the block functions (emit_tmpl.c, used by the emit*.c files) ---- */

/* A hole of a template: @name@ in the text is replaced by text. */
typedef struct EmitHole {
    const char *name, *text;
} EmitHole;

/* The block templates: state update / initial values, threshold, event
 * blocks (reset, on_pre, on_post, pathways, run_regularly; a Poisson
 * input's in blocks of draws), summed variables and connect rules. */
extern const char emit_tmpl_each[], emit_tmpl_thresh[], emit_tmpl_event[], emit_tmpl_pathway[],
    emit_tmpl_event_blocked[], emit_tmpl_summed[], emit_tmpl_connect[], emit_tmpl_assign[];
/* Append tmpl to out with every @name@ replaced by its hole's text. */
void emit_fill(Buf *out, const char *tmpl, const EmitHole *holes, int n);
/* The math prototypes at the top of every generated unit. */
extern const char emit_prelude[];
/* Append s escaped for a C string literal or comment (octal escapes for
 * all but letters, digits and " ./_-+,=:@~"): the only way text from
 * outside, such as a file name, enters the generated code. */
void emit_escaped(Buf *b, const char *s);

#endif
