/* SPDX-License-Identifier: MIT */
/* This file contains the C emitter's top: it prints the whole model, each
 * group's IR (state update, threshold, reset, pathway code, initial values,
 * summed variables, assignments between runs) into one C function per
 * block, and the user functions and timedarrays.  Each kind of block is one
 * template text (emit_tmpl.c), shaped like Brian2's templates, whose holes
 * the statement printer (emit_code.c) fills: hoisted loop invariants, a loop
 * over the indices that loads the variables read before they are written
 * into locals, the statements, and the stores of what was written.
 * Brian2's semantics (refractoriness, threshold side effects) arrive as IR
 * from lowering.  Connect rules are emit_connect.c's, the cable solver
 * emit_cable.c's.  File names reach C only escaped (emit_escaped). */
#include "emit_int.h"

#include <stdio.h>
#include <string.h>

#include "functions.h"
#include "symbolic.h"
#include "emit_cable.h"

extern const char snn_abi_text[];      /* runtime/abi.h, embedded at build time */
extern const char snn_math_text[];     /* runtime/snnmath.h, likewise */

static void emit_update(Emit *E, Group *g)
{
    Uses u = { 0 };
    StmtList sl = { g->update.v, g->update.n };
    emit_collect_list(E, &u, &sl);
    const char *after = "";
    if (g->cable) {     /* spatialneurons: the cable solver runs after the channels' update */
        const char *fn = emit_fn_name(E->A, g, "cable");
        emit_cable(E->out, g, fn);
        after = arena_printf(E->A, "    %s(_a);\n", fn);
    }
    emit_fn_begin(E, BK_UPDATE, 0, emit_fn_name(E->A, g, "update"));
    bool syn = g->kind == G_SYNAPSES;
    const char **idx = syn ? emit_syn_idx : emit_neuron_idx;
    E->idx = syn ? "_s" : "_idx";
    emit_loop_begin(E, true);
    E->use_N = true;
    const char *ld = emit_loads(E, &u, idx, "        "), *cd = emit_code(E, &u, &sl, "        ");
    const char *lio = emit_loop_end(E);
    EmitHole h[] = { { "lists", "" }, { "prologue", emit_prologue(E, &u, emit_own_arrays, NULL) }, { "hoisted", lio },
                 { "idx", E->idx }, { "index", emit_index_hole(&u, syn) }, { "loads", ld }, { "code", cd },
                 { "stores", emit_stores(E, &u, idx, "        ") }, { "after", after } };
    emit_fill(E->out, emit_tmpl_each, h, (int)(sizeof h / sizeof *h));
}

/* The uses of a condition and the statements run where it holds. */
static void condition_uses(Emit *E, Uses *u, const Node *cond, const StmtList *on_spike)
{
    emit_collect(E, u, cond);
    emit_note_reads(E, u, cond);
    for (int k = 0; k < on_spike->n; k++) emit_collect_stmt(E, u, on_spike->v[k]);
    emit_reads_of_subexprs(E, u);
}

/* A condition checked for every neuron, listing those where it holds: the
 * threshold (with on_spike run for each spike) or a custom event's
 * condition (bkind BK_EVTHRESH, index k, on_spike empty).  With update
 * (BK_UPDATE_THRESH), each index's state update comes first, its random
 * draws at the call sites sites[0] had in the update's own function, the
 * condition's at those sites[1] had in the threshold's. */
static void emit_condition(Emit *E, Group *g, const Node *cond, Span at, StmtList *on_spike, int bkind, int index,
                           const char *kind, const StmtList *update, const int sites[2])
{
    Uses u = { 0 }, uu = { 0 }, all = { 0 };
    condition_uses(E, &u, cond, on_spike);
    if (update) {
        emit_collect_list(E, &uu, update);
        emit_collect_list(E, &all, update);    /* the prologue's names: those of both */
        condition_uses(E, &all, cond, on_spike);
    }
    emit_fn_begin(E, bkind, index, emit_fn_name(E->A, g, kind));
    E->idx = "_idx";
    emit_loop_begin(E, true);
    E->use_N = true;
    int site_after = E->rand_site;
    const char *upd = "";
    if (update) {
        E->rand_site = sites[0];
        const char *uld = emit_loads(E, &uu, emit_neuron_idx, "            ");
        const char *ucd = emit_code(E, &uu, update, "            ");
        upd = arena_printf(E->A, "%s%s%s%s", emit_index_hole(&uu, false), uld, ucd,
                           emit_stores(E, &uu, emit_neuron_idx, "            "));
        E->rand_site = sites[1];
    }
    /* the condition after an update reads the update's locals, which hold
     * what it stored (no reload through pointers cc must assume alias) */
    const char *cld = emit_loads_beside(E, &u, emit_neuron_idx, "            ", update ? &uu.vars : NULL);
    const char *ld = emit_loads(E, &u, emit_neuron_idx, "            "), *line = emit_line_hole(E, at);
    const char *ce = emit_expr_hole(E, cond);
    const char *cd = emit_code(E, &u, on_spike, "            ");
    if (update) E->rand_site = site_after;
    const char *lio = emit_loop_end(E);
    EmitHole h[] = { { "prologue", emit_prologue(E, update ? &all : &u, emit_own_arrays, NULL) }, { "hoisted", lio },
                 { "index", emit_index_hole(&u, false) }, { "cond_loads", cld }, { "loads", ld }, { "line", line }, { "cond", ce },
                 { "code", cd }, { "stores", emit_stores(E, &u, emit_neuron_idx, "            ") }, { "update", upd } };
    emit_fill(E->out, emit_tmpl_thresh, h, (int)(sizeof h / sizeof *h));
}

static void emit_threshold(Emit *E, Group *g)
{
    emit_condition(E, g, g->spike_cond ? g->spike_cond : g->threshold, g->threshold->span, &g->on_spike, BK_THRESH, 0,
                   "thresh", NULL, NULL);
}

/* A neuron group's update and threshold as one function, after the two on
 * their own: their random draws keep the call sites the two had. */
static void emit_update_thresh(Emit *E, Group *g, int site_update, int site_thresh)
{
    StmtList sl = { g->update.v, g->update.n };
    const int sites[2] = { site_update, site_thresh };
    emit_condition(E, g, g->spike_cond ? g->spike_cond : g->threshold, g->threshold->span, &g->on_spike,
                   BK_UPDATE_THRESH, 0, "update_thresh", &sl, sites);
}

/* Statements run for a list of indices: reset (neurons), on_pre / on_post
 * and named pathways (synapse ids); run_regularly (every index). */
static void emit_event_block(Emit *E, Group *g, StmtList *sl, int bkind, int bindex, const char *kind)
{
    Uses u = { 0 };
    emit_collect_list(E, &u, sl);
    emit_fn_begin(E, bkind, bindex, emit_fn_name(E->A, g, kind));
    bool syn = g->kind == G_SYNAPSES, all = bkind == BK_EXTRA;
    const char **idx = syn ? emit_syn_idx : emit_neuron_idx;
    E->idx = syn ? "_s" : "_idx";
    /* a subgroup's block runs over its neurons, with i and N its own */
    const Extra *x = all ? &g->extras[bindex] : NULL;
    E->sub_n = x && x->sub_n ? x->sub_n : 0;
    /* a synapses pathway takes a list of ids, or (idx NULL) the range [lo,
     * hi), or runs of either (emit_tmpl_pathway: a loop deeper) */
    bool range = syn && !all;
    const char *which = all ? "_k" : "_a->idx[_k]", *index = emit_index_hole(&u, syn);
    const char *in = range ? "            " : "        ";
    if (range && *index) index = arena_printf(E->A, "    %s", index);
    if (E->sub_n) {
        which = arena_printf(E->A, "_k + %lld", (long long)x->sub_start);
        index = u.uses_i ? "        const snn_i32 _i = _k;\n" : "";
    }
    emit_loop_begin(E, true);
    E->use_N = all;
    /* every index of a neuron group's range: binomials of hoisted tables
     * (Poisson inputs) are drawn a block at a time */
    buf_init(&E->bin_draws, E->A);
    E->bin_count = 0;
    E->bin_first = all && !syn ? (E->sub_n ? arena_printf(E->A, "_b + %lld", (long long)x->sub_start) : "_b") : NULL;
    const char *ld = emit_loads(E, &u, idx, in), *cd = emit_code(E, &u, sl, in);
    const char *lio = emit_loop_end(E);
    bool blocked = E->bin_count > 0;
    E->bin_first = NULL;
    EmitHole h[] = { { "prologue", emit_prologue(E, &u, emit_own_arrays, NULL) }, { "hoisted", lio },
                 { "first", all && !E->sub_n ? "_a->lo" : "0" },
                 { "count", !all ? "_a->nidx" : E->sub_n ? "_N" : "SNN_RANGE_END(_a)" },
                 { "idx", E->idx }, { "which", which },
                 { "index", index }, { "loads", ld }, { "code", cd },
                 { "stores", emit_stores(E, &u, idx, in) }, { "draws", blocked ? E->bin_draws.p : "" } };
    const char *tmpl = range ? emit_tmpl_pathway : blocked ? emit_tmpl_event_blocked : emit_tmpl_event;
    emit_fill(E->out, tmpl, h, (int)(sizeof h / sizeof *h));
    E->sub_n = 0;
}

/* Initial values, in the order written, for every index of the group.  An
 * initial value is a list (for synapses only where the index is within
 * it) or an expression; neither is hoisted. */
static void emit_init(Emit *E, Group *g)
{
    Uses u = { 0 };
    bool syn = g->kind == G_SYNAPSES;
    PVec whole = { 0 };        /* variables set for every index so far */
    for (int k = 0; k < g->ninits; k++) {
        InitVal *iv = &g->inits[k];
        emit_collect(E, &u, iv->expr);
        emit_note_reads(E, &u, iv->expr);
        /* a value for some indices only keeps the others' */
        bool partial = (iv->list && syn) || iv->sub_n;
        if (partial && !emit_has_var(&whole, iv->var)) emit_add_unique(E->A, &u.loaded, iv->var);
        if (!partial) emit_add_unique(E->A, &whole, iv->var);
        emit_add_unique(E->A, &u.vars, iv->var);
        emit_add_unique(E->A, &u.written, iv->var);
    }
    emit_reads_of_subexprs(E, &u);
    emit_fn_begin(E, BK_INIT, 0, emit_fn_name(E->A, g, "init"));
    Buf *saved = emit_hole_begin(E);
    for (int k = 0; k < g->ninits; k++) {
        InitVal *iv = &g->inits[k];
        if (!iv->list) continue;
        buf_printf(E->out, "    static const double _list%d[%d] = {", k, iv->nlist);
        for (int m = 0; m < iv->nlist; m++) {
            if (m) buf_puts(E->out, ", ");
            emit_put_double(E->out, iv->list[m]);
        }
        buf_puts(E->out, "};\n");
    }
    const char *lists = emit_hole_end(E, saved);
    const char **idx = syn ? emit_syn_idx : emit_neuron_idx;
    const char *ix = syn ? "_s" : "_idx";
    E->idx = ix;
    emit_loop_begin(E, false);
    E->use_N = true;
    const char *ld = emit_loads(E, &u, idx, "        ");
    saved = emit_hole_begin(E);
    Buf *b = E->out;
    PVec written = { 0 };
    for (int k = 0; k < g->ninits; k++) {
        InitVal *iv = &g->inits[k];
        const char *l = emit_var_local(E, iv->var);
        if (iv->expr) emit_refresh_subexprs(E, &u, iv->expr, &written, "        ");
        emit_add_unique(E->A, &written, iv->var);
        emit_line_directive(E, iv->span);
        if (iv->sub_n) {
            /* a subgroup's initial value: its neurons only, i and N its own */
            long long s0 = (long long)iv->sub_start;
            buf_printf(b, "        if (_idx >= %lld && _idx < %lld) {\n"
                          "            const snn_i32 _i = (snn_i32)(_idx - %lld), _N = %lld;\n"
                          "            (void)_i; (void)_N;\n", s0, s0 + (long long)iv->sub_n, s0, (long long)iv->sub_n);
        }
        if (iv->list) {
            /* by the synapse's number in the whole network (MPI ranks hold parts) */
            if (syn) buf_printf(b, "        if (SNN_SYN_ID(_a, _s) < %d) %s = _list%d[SNN_SYN_ID(_a, _s)];\n", iv->nlist, l, k);
            else if (iv->sub_n) buf_printf(b, "            %s = _list%d[_i];\n", l, k);
            else buf_printf(b, "        %s = _list%d[_idx];\n", l, k);
        } else {
            /* integer and boolean variables: truncate / test != 0, as emit_stmt() */
            int ty = iv->var->type;
            buf_printf(b, "%s%s = %s", iv->sub_n ? "            " : "        ", l, ty == TY_BOOL ? "(double)((" : ty == TY_INT ? "_snn_int(" : "");
            E->idx = iv->var->flags & VF_SHARED ? "0" : ix;   /* one value, as emit_stmt() */
            emit_expr(E, iv->expr);
            E->idx = ix;
            buf_puts(b, ty == TY_BOOL ? ") != 0);\n" : ty == TY_INT ? ");\n" : ";\n");
        }
        if (iv->sub_n) buf_puts(b, "        }\n");
    }
    const char *cd = emit_hole_end(E, saved);
    emit_loop_end(E);
    EmitHole h[] = { { "lists", lists }, { "prologue", emit_prologue(E, &u, emit_own_arrays, NULL) }, { "hoisted", "" },
                 { "idx", ix }, { "index", emit_index_hole(&u, syn) }, { "loads", ld }, { "code", cd },
                 { "stores", emit_stores(E, &u, idx, "        ") } };
    emit_fill(E->out, emit_tmpl_each, h, (int)(sizeof h / sizeof *h));
}

/* An assignment between runs (Model.actions[k]): var op= emit_expr (or the
 * list's value) for the selected indices where the condition holds.  Its
 * random numbers have call sites of their own, keyed by k (abi.h), so
 * that each statement draws its own. */
static void emit_assign(Emit *E, Action *a, int k)
{
    Group *g = a->group;
    Uses u = { 0 };
    bool syn = g->kind == G_SYNAPSES;
    emit_collect(E, &u, a->expr);
    emit_note_reads(E, &u, a->expr);
    emit_collect(E, &u, a->cond);
    emit_note_reads(E, &u, a->cond);
    /* read first: it is kept where the condition fails, and updated by += */
    emit_add_unique(E->A, &u.loaded, a->var);
    emit_add_unique(E->A, &u.vars, a->var);
    emit_add_unique(E->A, &u.written, a->var);
    emit_reads_of_subexprs(E, &u);
    emit_fn_begin(E, BK_ASSIGN, k, emit_fn_name(E->A, g, arena_printf(E->A, "assign%d", k)));
    E->sub_n = a->sub_n;
    Buf *saved = emit_hole_begin(E);
    if (a->list) {
        buf_printf(E->out, "    static const double _list[%d] = {", a->nlist);
        for (int m = 0; m < a->nlist; m++) {
            if (m) buf_puts(E->out, ", ");
            emit_put_double(E->out, a->list[m]);
        }
        buf_puts(E->out, "};\n");
    }
    if (a->sel) {
        buf_printf(E->out, "    static const snn_i32 _sel[%d] = {", a->nsel);
        for (int m = 0; m < a->nsel; m++) buf_printf(E->out, "%s%d", m ? ", " : "", a->sel[m]);
        buf_puts(E->out, "};\n");
    }
    const char *lists = emit_hole_end(E, saved);
    const char **idx = syn ? emit_syn_idx : emit_neuron_idx;
    const char *ix = syn ? "_s" : "_idx";
    int site = E->rand_site;
    E->rand_site = SNN_ASSIGN_RAND_SITE + SNN_ASSIGN_RAND_SITES * k;
    E->idx = (a->var->flags & VF_SHARED) ? "0" : ix;
    emit_loop_begin(E, false);
    E->use_N = true;
    const char *ld = emit_loads(E, &u, idx, "        ");
    saved = emit_hole_begin(E);
    Buf *b = E->out;
    const char *in = "        ";
    if (a->cond) {
        emit_line_directive(E, a->cond->span);
        buf_puts(b, "        if (");
        emit_expr(E, a->cond);
        buf_puts(b, ") {\n");
        in = "            ";
    }
    emit_line_directive(E, a->span);
    const char *l = emit_var_local(E, a->var);
    int ty = a->var->type;
    if (a->op == '=') buf_printf(b, "%s%s = ", in, l);
    else buf_printf(b, "%s%s %c= ", in, l, a->op);
    if (a->op == '=') buf_puts(b, ty == TY_BOOL ? "(double)((" : ty == TY_INT ? "_snn_int(" : "");
    if (a->list) buf_printf(b, a->sel ? "_list[_k]" : "_list[_k - %lld]", (long long)a->lo);
    else emit_expr(E, a->expr);
    buf_puts(b, a->op == '=' && ty == TY_BOOL ? ") != 0);\n" : a->op == '=' && ty == TY_INT ? ");\n" : ";\n");
    if (a->cond) buf_puts(b, "        }\n");
    const char *cd = emit_hole_end(E, saved);
    emit_loop_end(E);
    E->rand_site = site;
    const char *from = a->sel ? "0" : arena_printf(E->A, "%lld", (long long)a->lo);
    const char *to = a->sel ? arena_printf(E->A, "%d", a->nsel)
                   : a->sub_n ? arena_printf(E->A, "%lld", (long long)a->hi)
                   : a->hi < 0 ? "_N" : arena_printf(E->A, "(%lld < _N ? %lld : _N)", (long long)a->hi, (long long)a->hi);
    /* a subgroup's assignment: i counts from its start, N is its size */
    const char *index = !a->sub_n ? emit_index_hole(&u, syn)
                      : u.uses_i ? arena_printf(E->A, "        const snn_i32 _i = (snn_i32)(_idx - %lld);\n",
                                                (long long)a->sub_start) : "";
    EmitHole h[] = { { "lists", lists }, { "prologue", emit_prologue(E, &u, emit_own_arrays, NULL) }, { "from", from },
                 { "to", to }, { "idx", ix },
                 { "which", !a->sel ? "_k" : syn ? "_sel[_k];\n        if (_s >= _N) continue" : "_sel[_k]" },
                 { "index", index }, { "loads", ld }, { "code", cd },
                 { "stores", emit_stores(E, &u, idx, "        ") } };
    emit_fill(E->out, emit_tmpl_assign, h, (int)(sizeof h / sizeof *h));
    E->sub_n = 0;
}

/* A (summed) variable: zero the target variable, then add the subexpression
 * of every synapse to its target neuron (Brian2's summed_variable). */
static void emit_summed(Emit *E, Group *g, int k)
{
    Sym *s = g->summed[k], *target = g->summed_target[k];
    Uses u = { 0 };
    emit_collect(E, &u, s->expr);
    emit_note_reads(E, &u, s->expr);
    emit_reads_of_subexprs(E, &u);
    emit_fn_begin(E, BK_SUMMED, k, emit_fn_name(E->A, g, arena_printf(E->A, "summed%d", k)));
    E->idx = "_s";
    emit_loop_begin(E, true);
    E->use_N = true;
    const char *ld = emit_loads(E, &u, emit_syn_idx, "        "), *line = emit_line_hole(E, s->expr->span);
    const char *sum = emit_expr_hole(E, s->expr);
    const char *lio = emit_loop_end(E);
    /* the target's index comes from the synapse too */
    if (target->side == 1) u.uses_i = true;
    else u.uses_j = true;
    EmitHole h[] = { { "prologue", emit_prologue(E, &u, emit_own_arrays, target) }, { "hoisted", lio },
                 { "count", target->side == 1 ? "n_pre" : "n_post" }, { "target", emit_var_local(E, target) },
                 { "index", emit_index_hole(&u, true) }, { "loads", ld }, { "line", line },
                 { "tidx", target->side == 1 ? "_i" : "_j" }, { "sum", sum } };
    emit_fill(E->out, emit_tmpl_summed, h, (int)(sizeof h / sizeof *h));
}

/* A timedarray as a static table and Brian2's lookup: the index of time t
 * is (int)((t/epsilon + 0.5)/K) with epsilon = dt/K, clipped to the table. */
static void emit_timedarray(Emit *E, Sym *f)
{
    Buf *b = E->out;
    int n = f->rows * (f->cols ? f->cols : 1);
    buf_printf(b, "static const double %s[%d] = {", emit_c_name(E, "ta", f->name), n);
    for (int k = 0; k < n; k++) {
        buf_puts(b, k % 8 ? ", " : (k ? ",\n    " : "\n    "));
        emit_put_double(b, f->data[k]);
    }
    buf_puts(b, "\n};\n");
    double r = 8.0 / E->M->dt * f->value;
    int K = 1;
    while (K < r) K *= 2;
    buf_printf(b, "static double %s(double t%s)\n{\n    const double epsilon = ", emit_c_name(E, "f", f->name), f->cols ? ", double _n" : "");
    emit_put_double(b, f->value);
    buf_printf(b, " / %d;\n    int _k = (int)((t / epsilon + 0.5) / %d);\n"
                  "    if (_k < 0) _k = 0;\n    if (_k >= %d) _k = %d;\n", K, K, f->rows, f->rows - 1);
    /* a column outside the table (that lowering could not refuse: the
     * index depends on time or state) gives NaN, never other memory */
    if (f->cols)
        buf_printf(b, "    if (!(_n >= 0 && _n < %d)) return 0.0/0.0;\n    return %s[_k * %d + (int)_n];\n}\n", f->cols,
                   emit_c_name(E, "ta", f->name), f->cols);
    else buf_printf(b, "    return %s[_k];\n}\n", emit_c_name(E, "ta", f->name));
}

static void emit_userfunc(Emit *E, Sym *f)
{
    if (f->kind == SYM_TIMEDARRAY) {
        emit_timedarray(E, f);
        return;
    }
    Buf *b = E->out;
    if (sym_is_lib(f)) {
        buf_puts(b, sym_lib_c_code(f->builtin));    /* expm1, log1p, timestep */
        return;
    }
    /* the body first, to learn which of t, dt and the constants it reads;
     * those come from the calling block's arguments _a */
    Uses u = { 0 };
    emit_collect(E, &u, f->expr);
    E->use_t = E->use_dt = E->use_N = false;
    E->idx = "0";
    Buf *saved = emit_hole_begin(E);
    emit_line_directive(E, f->expr->span);
    buf_puts(E->out, "    return ");
    emit_expr(E, f->expr);
    buf_puts(E->out, ";\n}\n");
    const char *body = emit_hole_end(E, saved);
    buf_printf(b, "static double %s(const snn_args *_a", emit_c_name(E, "f", f->name));
    for (int k = 0; k < f->nparams; k++) buf_printf(b, ", double %s", emit_c_name(E, "p", f->params[k]->name));
    buf_puts(b, ")\n{\n");
    if (E->use_t || u.uses_t) buf_puts(b, "    const double t = _a->t;\n");
    if (E->use_dt) buf_puts(b, "    const double dt = _a->dt;\n");
    for (int k = 0; k < u.consts.n; k++) {
        Sym *c = u.consts.v[k];
        buf_printf(b, "    const double %s = _a->k[%d];\n", emit_c_name(E, "c", c->name), c->const_index);
    }
    buf_puts(b, body);
    E->use_t = E->use_dt = E->use_N = false;
}

const BlockFn *block_find(const BlockTable *blocks, const Group *g, int kind, int index)
{
    for (int k = 0; blocks && k < blocks->n; k++)
        if (blocks->v[k].group == g && blocks->v[k].kind == kind && blocks->v[k].index == index) return &blocks->v[k];
    return NULL;
}

const char *emit_model(Model *M, Diag *D, BlockTable *blocks)
{
    Buf out;
    buf_init(&out, M->arena);
    Emit E0 = { .M = M, .D = D, .A = M->arena, .out = &out, .step = "_a->step", .blocks = blocks }, *E = &E0;
    buf_puts(&out, "/* Generated by snnc from ");
    emit_escaped(&out, D->src ? D->src->name : "a model");
    buf_puts(&out, ". */\n");
    buf_puts(&out, snn_abi_text);
    buf_puts(&out, emit_prelude);
    buf_puts(&out, snn_math_text);
    buf_puts(&out, func_c_helpers);
    if (M->funcs[FN_POISSON]) buf_puts(&out, SNN_RAND_POISSON_PROTO ";\n");
    for (int k = 0; k < M->nuserfuncs; k++) emit_userfunc(E, M->userfuncs[k]);
    for (int k = 0; k < M->ngroups; k++) {
        Group *g = M->groups[k];
        E->g = g;
        buf_printf(&out, "\n/* ---- %s ", g->kind == G_NEURONS ? "neurons" : "synapses");
        emit_escaped(&out, g->name);
        buf_puts(&out, " ---- */\n");
        int site_update = E->rand_site;
        if (g->update.n) emit_update(E, g);
        int site_thresh = E->rand_site;
        if (g->threshold) emit_threshold(E, g);
        if (g->kind == G_NEURONS && g->update.n && g->threshold && !g->cable)
            emit_update_thresh(E, g, site_update, site_thresh);
        if (g->reset.n) emit_event_block(E, g, &g->reset, BK_RESET, 0, "reset");
        if (g->on_pre.n) emit_event_block(E, g, &g->on_pre, BK_ON_PRE, 0, "on_pre");
        if (g->on_post.n) emit_event_block(E, g, &g->on_post, BK_ON_POST, 0, "on_post");
        if (g->ninits) emit_init(E, g);
        for (int k = 0; k < g->nsummed; k++) emit_summed(E, g, k);
        for (int k = 0; k < g->nextras; k++)
            emit_event_block(E, g, &g->extras[k].stmts, BK_EXTRA, k, arena_printf(E->A, "extra%d", k));
        for (int k = 0; k < g->npaths; k++)
            emit_event_block(E, g, &g->paths[k].stmts, BK_PATH, k, arena_printf(E->A, "path_%s", g->paths[k].name));
        for (int k = 0; k < g->nevents; k++) {
            StmtList none = { 0 };
            emit_condition(E, g, g->events[k].cond, g->events[k].cond->span, &none, BK_EVTHRESH, k,
                           arena_printf(E->A, "event_%s", g->events[k].name), NULL, NULL);
        }
        for (int k = 0; k < g->nevcodes; k++)
            emit_event_block(E, g, &g->evcodes[k].stmts, BK_EVCODE, k, arena_printf(E->A, "on_event%d", k));
        for (int c = 0; c < g->nconnects; c++)
            if (g->connects[c].kind == CONN_ALL || g->connects[c].kind == CONN_JEXPR)
                emit_connect(E, g, &g->connects[c]);
            else if (g->connects[c].kind == CONN_TOTAL)
                emit_connect_total(E, g, &g->connects[c]);
        for (int a = 0; a < M->nactions; a++)
            if (M->actions[a].kind == ACT_ASSIGN && M->actions[a].group == g) emit_assign(E, &M->actions[a], a);
    }
    return out.p;
}
