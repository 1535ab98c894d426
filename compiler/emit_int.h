/* SPDX-License-Identifier: MIT */
/* This file declares what the emitter's files share: the emitter state, the
 * uses of a block, and the statement printer with the scaffolding of block
 * functions.  The files call downwards only: emit.c (the model, neuron and
 * synapse blocks, user functions) and emit_connect.c (connect rules) call
 * emit_code.c (expressions, statements, loads and stores, holes); all fill
 * the templates of emit_tmpl.c. */
#ifndef SNN_EMIT_INT_H
#define SNN_EMIT_INT_H

#include "emit.h"
#include "lower.h"
#include "sema.h"

typedef struct Emit {
    Model  *M;
    Diag   *D;
    Arena  *A;
    Buf    *out;
    Group  *g;
    int     rand_site;         /* call-site counter for rand()/randn(): it
                                  runs over the whole model, so no two calls
                                  (update's xi, reset's rand(), ...) draw the
                                  same number for one step and index */
    const char *idx;           /* C name of the loop index for rand() */
    const char *step;          /* C expression of the step for rand() */
    bool    hoist;             /* hoist loop invariants into _lio_N */
    Buf     lio;               /* _lio_N declarations */
    PVec    lio_text;          /* their expressions' text, to share equal ones */
    BlockTable *blocks;        /* where each emitted function is recorded */
    /* Common math calls within a statement list (code()): the text of each
     * call computed so far into a _cse_N local, and the declarations of the
     * statement being printed */
    bool    cse;
    PVec    cse_text;
    PVec    cse_name;
    Buf    *cse_decl;
    int     cse_count;
    const char *cse_indent;
    bool    use_t, use_dt, use_N;   /* the block's code reads t, dt, _N */
    int64_t sub_n;             /* a subgroup's run_regularly: _N is its size */
    /* A Poisson input's loop in blocks of SNN_BINOMIAL_BLOCK indices from
     * _b (bin_first: the index of _b): a binomial of a hoisted table reads
     * _bd_N[_k - _b], drawn for the block by bin_draws (empty: no blocks) */
    const char *bin_first;
    Buf     bin_draws;
    int     bin_count;
} Emit;

/* Names used by a block: which variables it reads and writes. */
typedef struct Uses {
    PVec consts;               /* Sym* SYM_CONST */
    PVec vars;                 /* Sym* SYM_VAR (views for _pre/_post) */
    PVec subexprs;             /* Sym* SYM_SUBEXPR used (transitively) */
    PVec written;              /* Sym* SYM_VAR assigned */
    PVec loaded;               /* Sym* SYM_VAR read before (or without) being
                                  written: loaded from its array */
    bool uses_i, uses_j, uses_N, uses_t;
} Uses;

/* ---- emit_code.c: names used, expressions, statements, block scaffolding ---- */
extern const char *emit_own_arrays[3];    /* the arrays of the block's own group, pre, post */
extern const char *emit_neuron_idx[3];    /* indices of a neuron block, for every side */
extern const char *emit_syn_idx[3];       /* indices of a synapse block: _s, _i, _j */
bool emit_has_var(const PVec *v, const Sym *s);
void emit_add_unique(Arena *A, PVec *v, Sym *s);
void emit_collect(Emit *E, Uses *u, const Node *n);
void emit_note_reads(Emit *E, Uses *u, const Node *e);
void emit_collect_stmt(Emit *E, Uses *u, const Stmt *st);
void emit_reads_of_subexprs(Emit *E, Uses *u);
const char *emit_c_name(Emit *E, const char *prefix, const char *name);
const char *emit_var_local(Emit *E, const Sym *s);
void emit_put_double(Buf *b, double v);
void emit_expr(Emit *E, const Node *n);
void emit_line_directive(Emit *E, Span sp);
void emit_stmt(Emit *E, const Stmt *st, const char *indent);
Buf *emit_hole_begin(Emit *E);
const char *emit_hole_end(Emit *E, Buf *saved);
const char *emit_expr_hole(Emit *E, const Node *n);
const char *emit_line_hole(Emit *E, Span sp);
void emit_loop_begin(Emit *E, bool hoist);
const char *emit_loop_end(Emit *E);
const char *emit_index_hole(const Uses *u, bool syn);
const char *emit_prologue(Emit *E, Uses *u, const char *arr_of_side[3], const Sym *extra);
const char *emit_loads(Emit *E, Uses *u, const char *idx_of_side[3], const char *indent);
const char *emit_loads_beside(Emit *E, Uses *u, const char *idx_of_side[3], const char *indent,
                              const PVec *in_scope);
const char *emit_stores(Emit *E, Uses *u, const char *idx_of_side[3], const char *indent);
void emit_fn_begin(Emit *E, int kind, int index, const char *name);
void emit_refresh_subexprs(Emit *E, Uses *u, const Node *e, PVec *written, const char *indent);
const char *emit_code(Emit *E, Uses *u, const StmtList *sl, const char *indent);
void emit_collect_list(Emit *E, Uses *u, const StmtList *sl);

/* ---- emit_connect.c: connect rules ---- */
void emit_connect(Emit *E, Group *g, Connect *c);
void emit_connect_total(Emit *E, Group *g, Connect *c);

#endif
