/* SPDX-License-Identifier: MIT */
/* This file emits the connect rules of a synapse group into one C function
 * each: connect(condition=, p=, n=) over all pairs (with geometric jumps
 * for a constant p), the generator syntax j='k for k in range(...) if ...'
 * and sample(..., p= or size=), and connect(total=K).  The function calls
 * a->push for every synapse in Brian2's order; the statement printer is
 * emit_code.c's. */
#include "emit_int.h"

#include <math.h>

#include "functions.h"

/* Does a connection condition depend on the target (j or _post variables)? */
static bool uses_target(const Node *n)
{
    if (!n) return false;
    if (n->kind == N_NAME && n->sym) {
        if (n->sym->kind == SYM_BUILTIN &&
            (n->sym->builtin == B_J || n->sym->builtin == B_I_POST || n->sym->builtin == B_J_POST))
            return true;
        if (n->sym->kind == SYM_VAR && n->sym->side != 1) return true;
        if (n->sym->kind == SYM_SUBEXPR) return true;
    }
    if (uses_target(n->a) || uses_target(n->b)) return true;
    for (int k = 0; k < n->nargs; k++)
        if (uses_target(n->args[k])) return true;
    return n->kind == N_CALL && n->sym && n->sym->kind == SYM_FUNC &&
           FN_IS_RANDOM(n->sym->builtin);
}

/* Does n read any variable (of either side, or a subexpression)? */
static bool reads_vars(const Node *n)
{
    if (!n) return false;
    if (n->kind == N_NAME && n->sym && (n->sym->kind == SYM_VAR || n->sym->kind == SYM_SUBEXPR)) return true;
    if (reads_vars(n->a) || reads_vars(n->b)) return true;
    for (int k = 0; k < n->nargs; k++)
        if (reads_vars(n->args[k])) return true;
    return false;
}

/* "if (!(PREFIX(e))) continue;" in a connect loop. */
static void skip_unless(Emit *E, const char *prefix, const Node *e)
{
    buf_printf(E->out, "            if (!(%s(", prefix);
    emit_expr(E, e);
    buf_puts(E->out, "))) continue;\n");
}

/* sample(..., size=N): how many of the range's values there are (_avail)
 * and how many to take (_need), checked as Brian2 does: a size below 0 or
 * above the range is an error (error kind 1 in _a->out, for the runtime's
 * message), or with skip_if_invalid clipped to 0..range.  The loop then
 * takes each value with probability need/left (selection sampling): exactly
 * N distinct values, in the range's order. */
static void sample_size_head(Emit *E, const Connect *c, const char *fixed)
{
    Buf *b = E->out;
    buf_puts(b, "        snn_i64 _avail = 0, _need = (snn_i64)(");
    emit_expr(E, c->gen_size);
    buf_printf(b, ");\n"
                  "        if (_stepk > 0 && _stop > _start) _avail = (_stop - _start + _stepk - 1) / _stepk;\n"
                  "        if (_stepk < 0 && _start > _stop) _avail = (_start - _stop - _stepk - 1) / -_stepk;\n"
                  "        if (_need < 0 || _need > _avail) {\n");
    if (c->skip_if_invalid)
        buf_puts(b, "            _need = _need < 0 ? 0 : _avail;\n");
    else
        buf_printf(b, "            if (_a->out) { _a->out[0] = 1; _a->out[1] = (snn_i32)_need; "
                      "_a->out[2] = (snn_i32)_avail; }\n"
                      "            return -1 - %s;\n", fixed);
    buf_puts(b, "        }\n");
}

/* Synapse creation for connect(condition=, p=, n=) and j expressions: call
 * a->push(a->ud, i, j) for every synapse, in Brian2's order (by i, then j;
 * for connect(i='...'), by j, then i).  An invalid rule returns -1 - the
 * outer index, with the reason in _a->out[0] (see connect_error in
 * runtime/build.c). */
void emit_connect(Emit *E, Group *g, Connect *c)
{
    Uses u = { 0 };
    const Node *parts[] = { c->cond, c->p, c->nsyn, c->jexpr, c->gen_if, c->gen_p, c->gen_size, c->range[0], c->range[1],
                            c->range[2] };
    for (int k = 0; k < (int)(sizeof parts / sizeof *parts); k++) {
        emit_collect(E, &u, parts[k]);
        emit_note_reads(E, &u, parts[k]);
    }
    emit_reads_of_subexprs(E, &u);
    emit_fn_begin(E, BK_CONNECT, c->index, emit_fn_name(E->A, g, arena_printf(E->A, "connect%d", c->index)));
    /* connect(i='...') loops over the targets (fixed) and makes sources */
    const char *made = c->over_pre ? "_i" : "_j", *fixed = c->over_pre ? "_j" : "_i";
    E->idx = made;
    E->step = c->over_pre ? "(snn_i64)_j" : "(snn_i64)_i";
    emit_loop_begin(E, false);
    static const char *conn_idx[3] = { "_s", "_i", "_j" };
    double pconst = 1;
    bool jump = c->kind == CONN_ALL && !c->nsyn && (!c->p || sema_const_value(c->p, &pconst)) &&
                !uses_target(c->cond) && pconst > 0;
    if (c->kind == CONN_ALL && c->p && sema_const_value(c->p, &pconst) && pconst <= 0) {
        buf_puts(E->out, emit_prologue(E, &u, emit_own_arrays, NULL));
        buf_puts(E->out, "    return 0;\n}\n");
        E->step = "_a->step";
        return;
    }
    const char *line = emit_line_hole(E, c->span);
    Buf *saved = emit_hole_begin(E), *b = E->out;
    bool late_if = false;
    PVec all_vars = u.vars;       /* the prologue's pointers, for every side */
    if (c->kind == CONN_JEXPR) {
        /* the source's variables are read by the range, p and the
         * condition; the target's only once j is known to be valid */
        buf_printf(b, "        snn_i32 %s = 0;\n", made);
        /* the source's variables may bound the range (range(N_post *
         * int(v_pre > 2))): loaded here, once per i, the rest per j */
        Uses pre = { 0 }, rest = u;
        rest.vars = (PVec){ 0 };
        for (int k = 0; k < u.vars.n; k++)
            pvec_push(E->A, ((Sym *)u.vars.v[k])->side == (c->over_pre ? 2 : 1) ? &pre.vars : &rest.vars, u.vars.v[k]);
        pre.loaded = u.loaded;
        buf_puts(b, emit_loads(E, &pre, conn_idx, "        "));
        u = rest;
        if (c->k) {
            buf_printf(b, "        const snn_i64 _start = (snn_i64)(");
            if (c->range[0]) emit_expr(E, c->range[0]); else buf_puts(b, "0");
            buf_printf(b, "), _stop = (snn_i64)(");
            emit_expr(E, c->range[1]);
            buf_printf(b, "), _stepk = (snn_i64)(");
            if (c->range[2]) emit_expr(E, c->range[2]); else buf_puts(b, "1");
            /* Brian2 refuses range(a, b, 0); here it would never end */
            buf_printf(b, ");\n        if (_stepk == 0) { if (_a->out) _a->out[0] = 2; return -1 - %s; }\n", fixed);
            if (c->gen_size) sample_size_head(E, c, fixed);
            buf_printf(b, "        for (snn_i64 _k = _start; _stepk > 0 ? _k < _stop : _k > _stop; _k += _stepk) {\n"
                          "            const double %s = (double)_k;\n", emit_c_name(E, "t", c->k->name));
            if (c->gen_p)
                skip_unless(E, arena_printf(E->A, "snn_rand_uniform(_a->seed, _a->stream, (snn_i64)%s, (snn_i32)_k, "
                                            "SNN_SAMPLE_RAND_SITE) < ", fixed), c->gen_p);
            if (c->gen_size)
                buf_printf(b, "            if (_need == 0) break;\n"
                              "            if (!(snn_rand_uniform(_a->seed, _a->stream, (snn_i64)%s, (snn_i32)_k, "
                              "SNN_SAMPLE_RAND_SITE + 2) * (double)_avail-- < (double)_need)) continue;\n"
                              "            _need--;\n", fixed);
            /* rand() in the element and the condition draws per (i, k, call site) */
            E->idx = "(snn_i32)_k";
        } else {
            buf_puts(b, "        {\n");
        }
        buf_printf(b, "            %s = (snn_i32)(", made);
        emit_expr(E, c->jexpr);
        buf_puts(b, ");\n");
        /* j in the condition is the generated target; a condition that reads
         * variables is tested after their emit_loads, so only on a valid j */
        bool cond_first = c->gen_if && !c->skip_if_invalid && !reads_vars(c->gen_if);
        if (cond_first) skip_unless(E, "", c->gen_if);
        buf_printf(b, "            if (%s < 0 || %s >= _a->%s) { %s }\n", made, made, c->over_pre ? "n_pre" : "n_post",
                   c->skip_if_invalid ? "continue;" : arena_printf(E->A, "return -1 - %s;", fixed));
        late_if = c->gen_if && !cond_first;     /* in the tests, after the loads */
        E->idx = made;
    } else if (!jump) {
        buf_puts(b, "        for (snn_i32 _j = 0; _j < _a->n_post; _j++) {\n");
    }
    const char *head = emit_hole_end(E, saved);
    const char *ld = emit_loads(E, &u, conn_idx, jump ? "        " : "            ");
    u.vars = all_vars;
    saved = emit_hole_begin(E);
    b = E->out;
    if (jump) {
        /* constant p and a condition on i only: skip from target to target
         * with geometric gaps, so the cost follows the synapses made */
        if (c->cond) {
            emit_line_directive(E, c->cond->span);
            buf_puts(b, "        if (!(");
            emit_expr(E, c->cond);
            buf_puts(b, ")) continue;\n");
        }
        buf_puts(b, "        snn_i64 _jj = -1;\n"
                    "        for (snn_i32 _d = 0;; _d++) {\n");
        if (pconst >= 1) buf_puts(b, "            _jj++;\n");
        else {
            buf_puts(b, "            const double _u = snn_rand_uniform(_a->seed, _a->stream, (snn_i64)_i, _d, SNN_CONNECT_RAND_SITE);\n"
                        "            _jj += 1 + (snn_i64)floor(log1p(-_u) / ");
            emit_put_double(b, log1p(-pconst));
            buf_puts(b, ");\n");
        }
        buf_puts(b, "            if (_jj >= _a->n_post) break;\n"
                    "            const snn_i32 _j = (snn_i32)_jj;\n");
    } else {
        if (late_if) {
            if (c->k) E->idx = "(snn_i32)_k";
            skip_unless(E, "", c->gen_if);
            E->idx = made;
        }
        if (c->cond) {
            emit_line_directive(E, c->cond->span);
            skip_unless(E, "", c->cond);
        }
        if (c->p) {
            emit_line_directive(E, c->p->span);
            skip_unless(E, "snn_rand_uniform(_a->seed, _a->stream, (snn_i64)_i, _j, SNN_CONNECT_P_RAND_SITE) < ", c->p);
        }
    }
    const char *tests = emit_hole_end(E, saved);
    saved = emit_hole_begin(E);
    if (c->nsyn) {
        buf_puts(E->out, "            const snn_i32 _n = (snn_i32)(");
        emit_expr(E, c->nsyn);
        buf_puts(E->out, ");\n            for (snn_i32 _r = 0; _r < _n; _r++)\n    ");
    }
    buf_puts(E->out, "            if (_a->push(_a->ud, _i, _j)) return -1;\n");
    const char *push = emit_hole_end(E, saved);
    emit_loop_end(E);
    EmitHole h[] = { { "prologue", emit_prologue(E, &u, emit_own_arrays, NULL) }, { "line", line }, { "head", head },
                 { "loads", ld }, { "tests", tests }, { "push", push }, { "o", fixed },
                 { "nouter", c->over_pre ? "n_post" : "n_pre" } };
    emit_fill(E->out, emit_tmpl_connect, h, (int)(sizeof h / sizeof *h));
    E->step = "_a->step";
}

/* Synapse creation for connect(total=K): K pairs uniform over all sources
 * and targets, with multapses.  The number of synapses of each source is
 * drawn as a sequence of binomials (source i gets Binomial(rest, 1/(n_pre -
 * i)) of the rest, the last one all of it: the multinomial of K uniform
 * sources), then its targets uniformly; so the synapses come out grouped by
 * source, as the other rules make them, and every draw is keyed by (i, r),
 * not by the order of evaluation. */
void emit_connect_total(Emit *E, Group *g, Connect *c)
{
    emit_fn_begin(E, BK_CONNECT, c->index, emit_fn_name(E->A, g, arena_printf(E->A, "connect%d", c->index)));
    buf_printf(E->out, "    double _rest = %lld.0;\n", (long long)c->total);
    buf_puts(E->out,
             "    for (snn_i32 _i = 0; _i < _a->n_pre && _rest > 0; _i++) {\n"
             "        const double _n = _i == _a->n_pre - 1 ? _rest\n"
             "            : snn_rand_binomial(_a->seed, _a->stream, 0, _i, SNN_CONNECT_TOTAL_RAND_SITE, _rest,\n"
             "                                1.0 / (double)(_a->n_pre - _i));\n"
             "        _rest -= _n;\n"
             "        for (snn_i64 _r = 0; _r < (snn_i64)_n; _r++) {\n"
             "            snn_i32 _j = (snn_i32)(snn_rand_uniform(_a->seed, _a->stream, _r, _i, SNN_CONNECT_TOTAL_J_RAND_SITE)\n"
             "                                   * (double)_a->n_post);\n"
             "            if (_j >= _a->n_post) _j = _a->n_post - 1;\n"
             "            if (_a->push(_a->ud, _i, _j)) return -1;\n"
             "        }\n"
             "    }\n"
             "    return 0;\n"
             "}\n");
}
