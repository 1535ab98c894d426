/* SPDX-License-Identifier: MIT */
/* This file contains the emitter's statement printer: which names a block
 * uses (collect), expressions (with hoisted loop invariants and common math
 * calls shared), statements preceded by '#line N "model.snn"' directives so
 * compiler errors point at the model, and the scaffolding every block
 * function shares: the holes of a template, the prologue of array pointers,
 * the loads of the variables read before they are written into locals and
 * the stores of what was written.  User names reach C only mangled by kind
 * (emit_c_name). */
#include "emit_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "functions.h"
#include "symbolic.h"

static bool same_var(const Sym *a, const Sym *b)
{
    const Sym *ba = a->base ? a->base : a, *bb = b->base ? b->base : b;
    return ba == bb && a->side == b->side;
}

bool emit_has_var(const PVec *v, const Sym *s)
{
    for (int k = 0; k < v->n; k++)
        if (same_var(v->v[k], s)) return true;
    return false;
}

void emit_add_unique(Arena *A, PVec *v, Sym *s)
{
    if (!emit_has_var(v, s)) pvec_push(A, v, s);
}

void emit_collect(Emit *E, Uses *u, const Node *n)
{
    if (!n) return;
    if (n->kind == N_NAME && n->sym) {
        Sym *s = n->sym;
        switch (s->kind) {
        case SYM_CONST: emit_add_unique(E->A, &u->consts, s); break;
        case SYM_VAR: emit_add_unique(E->A, &u->vars, s); break;
        case SYM_SUBEXPR: {
            bool have = false;
            for (int k = 0; k < u->subexprs.n; k++) have |= same_var(u->subexprs.v[k], s);
            if (!have) {
                emit_collect(E, u, s->expr);
                pvec_push(E->A, &u->subexprs, s);
            }
            break;
        }
        case SYM_BUILTIN:
            if (s->builtin == B_I) u->uses_i = true;
            if (s->builtin == B_J) u->uses_j = true;
            if (s->builtin == B_I_PRE || s->builtin == B_J_PRE) u->uses_i = true;
            if (s->builtin == B_I_POST || s->builtin == B_J_POST) u->uses_j = true;
            if (s->builtin == B_N) u->uses_N = true;
            if (s->builtin == B_T) u->uses_t = true;
            break;
        }
    }
    if (n->kind == N_CALL && n->sym && n->sym->kind == SYM_USERFUNC) {
        /* user function bodies only see their parameters and constants */
        emit_collect(E, u, n->sym->expr);
    }
    emit_collect(E, u, n->a);
    emit_collect(E, u, n->b);
    for (int k = 0; k < n->nargs; k++) emit_collect(E, u, n->args[k]);
}

/* The variables e reads: each one the block has not written yet is loaded. */
void emit_note_reads(Emit *E, Uses *u, const Node *e)
{
    if (!e) return;
    Uses r = { 0 };
    emit_collect(E, &r, e);
    for (int k = 0; k < r.vars.n; k++)
        if (!emit_has_var(&u->written, r.vars.v[k])) emit_add_unique(E->A, &u->loaded, r.vars.v[k]);
}

/* The uses of the next statement of a block.  Its target is read first
 * when the statement updates it (+=) or may not run (a guard). */
void emit_collect_stmt(Emit *E, Uses *u, const Stmt *st)
{
    emit_collect(E, u, st->expr);
    emit_note_reads(E, u, st->expr);
    if (st->guard) {
        emit_add_unique(E->A, &u->vars, st->guard);
        if (!emit_has_var(&u->written, st->guard)) emit_add_unique(E->A, &u->loaded, st->guard);
    }
    if (st->sym && st->sym->kind == SYM_VAR) {
        if ((st->op != '=' || st->guard) && !emit_has_var(&u->written, st->sym)) emit_add_unique(E->A, &u->loaded, st->sym);
        emit_add_unique(E->A, &u->vars, st->sym);
        emit_add_unique(E->A, &u->written, st->sym);
    }
}

/* Subexpressions are computed at the top of the loop, before any
 * statement: the variables they read are loaded. */
void emit_reads_of_subexprs(Emit *E, Uses *u)
{
    for (int k = 0; k < u->subexprs.n; k++) {
        Uses d = { 0 };
        emit_collect(E, &d, ((Sym *)u->subexprs.v[k])->expr);
        for (int m = 0; m < d.vars.n; m++) emit_add_unique(E->A, &u->loaded, d.vars.v[m]);
    }
}

/* ====================================================================
 * User names in C
 * ==================================================================== */


/* User names reach C only through emit_c_name: each kind of name gets a prefix
 * of its own, ending at the first '_', so no two kinds can meet, and no
 * mangled name is a C keyword, a libm or runtime name (snn_*, _snn_*) or one
 * of the emitter's own names (which start with '_', or are t, dt, _N):
 *   v_x     variable or subexpression x of the group
 *   vpre_x  vpost_x   x of the source / target group, seen from a synapse
 *   c_x     model constant       f_x   user function or timedarray
 *   ta_x    a timedarray's table p_x   parameter of a user function
 *   t_x     temporary (user ':=' or an integrator's) */
const char *emit_c_name(Emit *E, const char *prefix, const char *name)
{
    return arena_printf(E->A, "%s_%s", prefix, name);
}

/* The C local holding a variable: v_v, vpre_v, vpost_v. */
const char *emit_var_local(Emit *E, const Sym *s)
{
    const char *name = s->base ? s->base->name : s->name;
    return emit_c_name(E, s->side == 1 ? "vpre" : s->side == 2 ? "vpost" : "v", name);
}

/* ====================================================================
 * Expressions
 * ==================================================================== */

/* Fold a subtree of numbers and unit names (never model constants, which stay
 * changeable at run time) to one double, with the same IEEE operations the
 * generated code would do. */
static bool fold_literal(const Node *n, double *out)
{
    if (n->kind == N_NAME && n->sym && n->sym->kind == SYM_CONST) return false;
    if (n->kind == N_CALL && n->sym && n->sym->kind == SYM_FUNC &&
        FN_IS_RANDOM(n->sym->builtin))
        return false;
    if (n->a && !fold_literal(n->a, out)) return false;
    if (n->b && !fold_literal(n->b, out)) return false;
    for (int k = 0; k < n->nargs; k++)
        if (!fold_literal(n->args[k], out)) return false;
    if (!sema_const_value(n, out)) return false;
    return !isnan(*out);
}

void emit_put_double(Buf *b, double v)
{
    if (isinf(v)) {
        buf_puts(b, v > 0 ? "(1.0/0.0)" : "(-1.0/0.0)");
        return;
    }
    if (isnan(v)) {     /* NaN as a C expression: 'nan' is no literal */
        buf_puts(b, "(0.0/0.0)");
        return;
    }
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.17g", v);
    if (!strpbrk(tmp, ".en")) strcat(tmp, ".0");
    if (v < 0 || (v == 0 && signbit(v))) buf_printf(b, "(%s)", tmp);
    else buf_puts(b, tmp);
}

static void call_text(Emit *E, const Node *n);
static void hoisted_call(Emit *E, const char *fn, const Node *const *args, int nargs);
static void hoisted_call_typed(Emit *E, const char *type, const char *fn, const Node *const *args, int nargs);

/* A call whose value depends on its argument alone and costs more than a
 * few operations: the math functions and the library's expm1 and log1p. */
static bool pure_math_call(const Node *n)
{
    const Sym *s = n->sym;
    if (sym_is_lib(s)) return s->builtin == LIB_EXPM1 || s->builtin == LIB_LOG1P;
    if (s->kind != SYM_FUNC) return false;
    switch (s->builtin) {
    case FN_EXP: case FN_LOG: case FN_LOG10: case FN_SIN: case FN_COS: case FN_TAN: case FN_SINH: case FN_COSH:
    case FN_TANH: case FN_ARCSIN: case FN_ARCCOS: case FN_ARCTAN: case FN_EXPREL:
        return true;
    default:
        return false;
    }
}

/* A call: a pure math call inside a statement list is computed once for
 * all its equal calls (the same text) until a statement writes one of the
 * names it reads (forget_cse): the first one declares const _cse_N before
 * the statement, the others read it.  Same function, same argument, so
 * the same bits as computing it again. */
static void call(Emit *E, const Node *n)
{
    if (!E->cse || !pure_math_call(n)) {
        call_text(E, n);
        return;
    }
    Buf tmp, *out = E->out;
    buf_init(&tmp, E->A);
    E->out = &tmp;
    call_text(E, n);
    E->out = out;
    int k = 0;
    while (k < E->cse_text.n && strcmp(E->cse_text.v[k], tmp.p)) k++;
    if (k == E->cse_text.n) {
        const char *name = arena_printf(E->A, "_cse_%d", E->cse_count++);
        pvec_push(E->A, &E->cse_text, tmp.p);
        pvec_push(E->A, &E->cse_name, (void *)name);
        buf_printf(E->cse_decl, "%sconst double %s = %s;\n", E->cse_indent, name, tmp.p);
    }
    buf_puts(out, E->cse_name.v[k]);
}

/* Does C text mention identifier name? */
static bool mentions(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
        bool before = p > text && (p[-1] == '_' || (p[-1] >= '0' && p[-1] <= '9') || ((p[-1] | 32) >= 'a' && (p[-1] | 32) <= 'z'));
        char c = p[n];
        bool after = c == '_' || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
        if (!before && !after) return true;
    }
    return false;
}

/* The index that keys a random draw: the block's index, where a synapse's
 * (the loop index _s) is its number in the whole network (SNN_SYN_ID: a
 * rank of an MPI run holds only some synapses), so its draws do not depend
 * on how the synapses are split. */
static const char *rand_key(const Emit *E)
{
    return strcmp(E->idx, "_s") ? E->idx : "SNN_SYN_ID(_a, _s)";
}

/* A statement wrote name: the common calls that read it are stale. */
static void forget_cse(Emit *E, const char *name)
{
    int m = 0;
    for (int k = 0; k < E->cse_text.n; k++) {
        if (mentions(E->cse_text.v[k], name)) continue;
        E->cse_text.v[m] = E->cse_text.v[k];
        E->cse_name.v[m++] = E->cse_name.v[k];
    }
    E->cse_text.n = E->cse_name.n = m;
}

static void call_text(Emit *E, const Node *n)
{
    Buf *b = E->out;
    if (sym_is_lib(n->sym)) buf_printf(b, "%s(", func_lib_def(n->sym->builtin)->c_name);
    else if (n->sym->kind == SYM_TIMEDARRAY) buf_printf(b, "%s(", emit_c_name(E, "f", n->sym->name));
    else if (n->sym->kind == SYM_USERFUNC) {
        /* a user function gets the block's arguments first: its body may
         * read t, dt and the model's constants */
        buf_printf(b, "%s(_a", emit_c_name(E, "f", n->sym->name));
        for (int k = 0; k < n->nargs; k++) {
            buf_puts(b, ", ");
            emit_expr(E, n->args[k]);
        }
        buf_puts(b, ")");
        return;
    }
    else if (n->sym->builtin == FN_POISSON) {
        buf_printf(b, "snn_rand_poisson(_a->seed, _a->stream, %s, %s, %d, ", E->step, rand_key(E), E->rand_site++);
        emit_expr(E, n->args[0]);
        buf_puts(b, ")");
        return;
    } else if (n->sym->builtin == FN_BINOMIAL) {
        /* n and p loop invariants (a Poisson input's): the inversion's
         * table is made once before the loop, the same numbers for every draw */
        if (E->hoist && lower_invariant(n->args[0]) && lower_invariant(n->args[1]) && E->bin_first) {
            /* in a blocked loop: drawn for the whole block before its loop */
            Buf tab;
            buf_init(&tab, E->A);
            E->out = &tab;
            hoisted_call_typed(E, "snn_binomial", "snn_binomial_table", (const Node *const *)n->args, 2);
            E->out = b;
            int k = E->bin_count++;
            buf_printf(&E->bin_draws,
                       "        double _bd_%d[SNN_BINOMIAL_BLOCK];\n"
                       "        snn_rand_binomial_block(_a->seed, _a->stream, %s, %s, _e, %d, &%s, _bd_%d);\n",
                       k, E->step, E->bin_first, E->rand_site++, tab.p, k);
            buf_printf(b, "_bd_%d[_k - _b]", k);
            return;
        }
        if (E->hoist && lower_invariant(n->args[0]) && lower_invariant(n->args[1])) {
            buf_printf(b, "snn_rand_binomial_tab(_a->seed, _a->stream, %s, %s, %d, &", E->step, rand_key(E),
                       E->rand_site++);
            hoisted_call_typed(E, "snn_binomial", "snn_binomial_table", (const Node *const *)n->args, 2);
            buf_puts(b, ")");
            return;
        }
        buf_printf(b, "snn_rand_binomial(_a->seed, _a->stream, %s, %s, %d, ", E->step, rand_key(E), E->rand_site++);
        emit_expr(E, n->args[0]);
        buf_puts(b, ", ");
        emit_expr(E, n->args[1]);
        buf_puts(b, ")");
        return;
    } else if (n->sym->builtin == FN_RAND || n->sym->builtin == FN_RANDN) {
        buf_printf(b, "%s(_a->seed, _a->stream, %s, %s, %d)",
                   n->sym->builtin == FN_RAND ? "snn_rand_uniform" : "snn_rand_normal", E->step, rand_key(E),
                   E->rand_site++);
        return;
    } else buf_printf(b, "%s(", func_def(n->sym->builtin)->c_name);
    for (int k = 0; k < n->nargs; k++) {
        if (k) buf_puts(b, ", ");
        emit_expr(E, n->args[k]);
    }
    buf_puts(b, ")");
}

/* The _lio_N local of the invariant C expression text, declared before the
 * loop on first use; equal texts share one. */
static void hoist_text(Emit *E, const char *type, const char *text)
{
    int k = 0;
    while (k < E->lio_text.n && strcmp(E->lio_text.v[k], text)) k++;
    if (k == E->lio_text.n) {
        pvec_push(E->A, &E->lio_text, (void *)text);
        /* a table (not a double) holds draws made ahead: not const */
        buf_printf(&E->lio, "    %s%s _lio_%d = %s;\n", strcmp(type, "double") ? "" : "const ", type, k, text);
    }
    buf_printf(E->out, "_lio_%d", k);
}

/* Hoist an invariant expression into a _lio_N local declared before the
 * loop (Brian2's loop-invariant optimisation); equal ones share one.  The
 * expression is fn(args...), or with fn NULL the one subtree args[0]. */
static void hoisted_call(Emit *E, const char *fn, const Node *const *args, int nargs)
{
    hoisted_call_typed(E, "double", fn, args, nargs);
}

/* The same for a value of a C type of abi.h (the table of a binomial). */
static void hoisted_call_typed(Emit *E, const char *type, const char *fn, const Node *const *args, int nargs)
{
    Buf tmp, *out = E->out;
    buf_init(&tmp, E->A);
    E->out = &tmp;
    E->hoist = false;
    bool cse = E->cse;
    E->cse = false;           /* _lio_N are computed before the loop */
    if (fn) buf_printf(&tmp, "%s(", fn);
    for (int k = 0; k < nargs; k++) {
        if (k) buf_puts(&tmp, ", ");
        emit_expr(E, args[k]);
    }
    if (fn) buf_puts(&tmp, ")");
    E->cse = cse;
    E->hoist = true;
    E->out = out;
    hoist_text(E, type, tmp.p);
}

static void hoisted(Emit *E, const Node *n)
{
    hoisted_call(E, NULL, &n, 1);
}

/* The class of a left-associative operator C and the model share: '+' and
 * '-' (1), '*' and '/' (2), or 0. */
static int chain_class(const Node *n)
{
    if (n->kind != N_BIN) return 0;
    return n->op == '+' || n->op == '-' ? 1 : n->op == '*' || n->op == '/' ? 2 : 0;
}

/* Would emit_expr() print n as a folded number or a hoisted _lio_N? */
static bool printed_whole(Emit *E, const Node *n)
{
    double v;
    return fold_literal(n, &v) || (E->hoist && lower_invariant(n));
}

/* Is x / v == x * (1/v) for every x?  Exactly when v is a power of two
 * whose reciprocal is a normal number. */
static bool exact_reciprocal(double v)
{
    int e;
    double m = frexp(fabs(v), &e);
    return m == 0.5 && isfinite(v) && fabs(1.0 / v) >= 2.2250738585072014e-308 && isfinite(1.0 / v);
}

/* The right operand of '*' or '/' (op) in a loop.  A division by a number
 * whose reciprocal is exact is printed as that multiplication (the same
 * bits).  A division by a loop invariant is a multiplication by its
 * reciprocal, hoisted: a multiplication costs a fraction of a division
 * (CUBA's update), and the result may differ from the quotient in the
 * last bit; every comparison with Brian2 in the suite gives the same
 * spikes and stays within its tolerance. */
static void mul_operand(Emit *E, int op, const Node *b)
{
    double v;
    if (op == '/' && fold_literal(b, &v) && exact_reciprocal(v)) {
        buf_puts(E->out, " * ");
        emit_put_double(E->out, 1.0 / v);
        return;
    }
    if (op == '/' && E->hoist && b->kind != N_NUM && !fold_literal(b, &v) && lower_invariant(b)) {
        Buf tmp, *out = E->out;
        buf_init(&tmp, E->A);
        E->out = &tmp;
        buf_puts(&tmp, "(1.0 / ");
        emit_expr(E, b);
        buf_puts(&tmp, ")");
        E->out = out;
        buf_puts(out, " * ");
        hoist_text(E, "double", tmp.p);
        return;
    }
    buf_printf(E->out, " %c ", op);
    emit_expr(E, b);
}

/* A chain of left-associative operators of one class, ((a + b) - c) + d,
 * as (a + b - c + d): C groups it the same way, so the operations and their
 * order are unchanged, and a sum of many terms does not nest parentheses
 * (a compiler's recursive parser would overflow on 20,000 of them). */
static void chain(Emit *E, const Node *n)
{
    int cls = chain_class(n), len = 0;
    const Node *m = n;
    while (chain_class(m) == cls && (m == n || !printed_whole(E, m))) {
        len++;
        m = m->a;
    }
    const Node **spine = arena_alloc(E->A, sizeof *spine * (size_t)len);
    m = n;
    for (int k = 0; k < len; k++, m = m->a) spine[k] = m;
    buf_puts(E->out, "(");
    emit_expr(E, m);
    for (int k = len - 1; k >= 0; k--) {
        if (cls == 2) {
            mul_operand(E, spine[k]->op, spine[k]->b);
            continue;
        }
        buf_printf(E->out, " %c ", spine[k]->op);
        emit_expr(E, spine[k]->b);
    }
    buf_puts(E->out, ")");
}

void emit_expr(Emit *E, const Node *n)
{
    Buf *b = E->out;
    double v;
    if (n->kind != N_NUM && fold_literal(n, &v)) {
        emit_put_double(b, v);
        return;
    }
    if (E->hoist && n->kind != N_NUM && n->kind != N_NAME && lower_invariant(n)) {
        hoisted(E, n);
        return;
    }
    switch (n->kind) {
    case N_NUM:
        emit_put_double(b, n->num);
        return;
    case N_NAME: {
        Sym *s = n->sym;
        switch (s->kind) {
        case SYM_CONST: buf_puts(b, emit_c_name(E, "c", s->name)); return;
        case SYM_UNIT: emit_put_double(b, s->value); return;
        case SYM_VAR: buf_puts(b, emit_var_local(E, s)); return;
        case SYM_SUBEXPR: buf_printf(b, "%s", emit_var_local(E, s)); return;
        case SYM_TEMP: buf_puts(b, emit_c_name(E, "t", s->name)); return;
        case SYM_PARAM: buf_puts(b, emit_c_name(E, "p", s->name)); return;
        case SYM_BUILTIN:
            switch (s->builtin) {
            case B_T: E->use_t = true; buf_puts(b, "t"); return;
            case B_DT: E->use_dt = true; buf_puts(b, "dt"); return;
            case B_I: buf_puts(b, "((double)_i)"); return;
            case B_J: buf_puts(b, "((double)_j)"); return;
            case B_N: E->use_N = true; buf_puts(b, "((double)_N)"); return;
            case B_N_PRE: buf_puts(b, "((double)_a->n_pre)"); return;
            case B_N_POST: buf_puts(b, "((double)_a->n_post)"); return;
            case B_I_PRE: buf_puts(b, "((double)_a->pre_syn_pre[_i])"); return;
            case B_J_PRE: buf_puts(b, "((double)_a->pre_syn_post[_i])"); return;
            case B_I_POST: buf_puts(b, "((double)_a->post_syn_pre[_j])"); return;
            case B_J_POST: buf_puts(b, "((double)_a->post_syn_post[_j])"); return;
            }
            break;
        }
        buf_puts(b, "/* ? ");
        emit_escaped(b, s->name);
        buf_puts(b, " */0");
        return;
    }
    case N_NEG: buf_puts(b, "(-"); emit_expr(E, n->a); buf_puts(b, ")"); return;
    case N_NOT: buf_puts(b, "(!"); emit_expr(E, n->a); buf_puts(b, ")"); return;
    case N_AND: case N_OR:
        buf_puts(b, "(");
        emit_expr(E, n->a);
        buf_puts(b, n->kind == N_AND ? " && " : " || ");
        emit_expr(E, n->b);
        buf_puts(b, ")");
        return;
    case N_CALL: call(E, n); return;
    case N_CMP: case N_BIN: {
        if (chain_class(n)) {
            chain(E, n);
            return;
        }
        const char *op = NULL;
        switch (n->op) {
        case OP_POW: buf_puts(b, "pow("); emit_expr(E, n->a); buf_puts(b, ", "); emit_expr(E, n->b); buf_puts(b, ")"); return;
        case '%': buf_puts(b, "_snn_mod("); emit_expr(E, n->a); buf_puts(b, ", "); emit_expr(E, n->b); buf_puts(b, ")"); return;
        case OP_FLOORDIV: buf_puts(b, "floor("); emit_expr(E, n->a); buf_puts(b, " / "); emit_expr(E, n->b); buf_puts(b, ")"); return;
        case OP_LE: op = " <= "; break;
        case OP_GE: op = " >= "; break;
        case OP_EQ: op = " == "; break;
        case OP_NE: op = " != "; break;
        case '+': op = " + "; break;
        case '-': op = " - "; break;
        case '*': op = " * "; break;
        case '/': op = " / "; break;
        case '<': op = " < "; break;
        case '>': op = " > "; break;
        }
        buf_puts(b, "(");
        emit_expr(E, n->a);
        buf_puts(b, op);
        emit_expr(E, n->b);
        buf_puts(b, ")");
        return;
    }
    }
    buf_puts(b, "0");
}

/* ====================================================================
 * Blocks
 * ==================================================================== */

void emit_line_directive(Emit *E, Span sp)
{
    if (sp.start < 0 || !E->D->src || sp.end == 0) return;
    int line, col;
    source_linecol(E->D->src, sp.start, &line, &col);
    buf_printf(E->out, "#line %d \"", line);
    emit_escaped(E->out, E->D->src->name);
    buf_puts(E->out, "\"\n");
}

static void stmt_body(Emit *E, const Stmt *st, const char *indent);

/* A statement; one setting a (shared) variable draws its random numbers as
 * for element 0, so that every element gets the same value. */
void emit_stmt(Emit *E, const Stmt *st, const char *indent)
{
    const char *idx = E->idx;
    if (st->sym && st->sym->kind == SYM_VAR && (st->sym->flags & VF_SHARED)) E->idx = "0";
    stmt_body(E, st, indent);
    E->idx = idx;
}

static void stmt_body(Emit *E, const Stmt *st, const char *indent)
{
    Buf *b = E->out;
    emit_line_directive(E, st->span);
    buf_puts(b, indent);
    if (st->guard) buf_printf(b, "if (%s) ", emit_var_local(E, st->guard));
    const char *name = st->sym->kind == SYM_VAR ? emit_var_local(E, st->sym) : emit_c_name(E, "t", st->sym->name);
    if (st->op == ':') buf_printf(b, "const double %s = ", name);
    else if (st->op == '=') buf_printf(b, "%s = ", name);
    else buf_printf(b, "%s %c= ", name, st->op);
    if (st->sym->kind == SYM_VAR && st->sym->type != TY_FLOAT && st->op == '=') {
        /* integer and boolean variables: Brian2 truncates / tests != 0 */
        buf_puts(b, st->sym->type == TY_BOOL ? "(double)((" : "_snn_int(");
        emit_expr(E, st->expr);
        buf_puts(b, st->sym->type == TY_BOOL ? ") != 0);\n" : ");\n");
        return;
    }
    emit_expr(E, st->expr);
    buf_puts(b, ";\n");
}

/* ====================================================================
 * Blocks: the holes of the templates (emit_tmpl.c)
 * ==================================================================== */

/* Start printing a hole: the output goes to a fresh buffer until emit_hole_end,
 * which returns its text and restores the previous output. */
Buf *emit_hole_begin(Emit *E)
{
    Buf *saved = E->out;
    E->out = arena_alloc(E->A, sizeof *E->out);
    buf_init(E->out, E->A);
    return saved;
}

const char *emit_hole_end(Emit *E, Buf *saved)
{
    const char *text = E->out->len ? E->out->p : "";
    E->out = saved;
    return text;
}

/* Holes of one expression, and of the '#line' directive for a span. */
const char *emit_expr_hole(Emit *E, const Node *n)
{
    Buf *saved = emit_hole_begin(E);
    emit_expr(E, n);
    return emit_hole_end(E, saved);
}

const char *emit_line_hole(Emit *E, Span sp)
{
    Buf *saved = emit_hole_begin(E);
    emit_line_directive(E, sp);
    return emit_hole_end(E, saved);
}

/* Start a block's holes: invariants of the loop body are hoisted into
 * E->lio (if hoist), and the built-ins the code uses are recorded. */
void emit_loop_begin(Emit *E, bool hoist)
{
    buf_init(&E->lio, E->A);
    E->lio_text.n = 0;
    E->hoist = hoist;
    E->use_t = E->use_dt = E->use_N = false;
}

const char *emit_loop_end(Emit *E)
{
    E->hoist = false;
    return E->lio.len ? E->lio.p : "";
}

/* Does the block touch a variable of one side (1 _pre, 2 _post)? */
static bool uses_side(const Uses *u, int side)
{
    for (int k = 0; k < u->vars.n; k++)
        if (((Sym *)u->vars.v[k])->side == side) return true;
    return false;
}

/* The index hole: _i (and _j) of the loop's index where the code or the
 * loads and stores use them. */
const char *emit_index_hole(const Uses *u, bool syn)
{
    if (!syn) return u->uses_i ? "        const snn_i32 _i = _idx;\n" : "";
    bool i = u->uses_i || uses_side(u, 1), j = u->uses_j || uses_side(u, 2);
    if (i && j) return "        const snn_i32 _i = _a->syn_pre[_s], _j = _a->syn_post[_s];\n";
    if (i) return "        const snn_i32 _i = _a->syn_pre[_s];\n";
    if (j) return "        const snn_i32 _j = _a->syn_post[_s];\n";
    return "";
}

/* The prologue hole: time, sizes, constants and array pointers (printed
 * after the other holes, which record what they use). */
const char *emit_prologue(Emit *E, Uses *u, const char *arr_of_side[3], const Sym *extra)
{
    Buf *saved = emit_hole_begin(E);
    Buf *b = E->out;
    bool t = E->use_t || u->uses_t, dt = E->use_dt;
    if (t && dt) buf_puts(b, "    const double t = _a->t, dt = _a->dt;\n");
    else if (t) buf_puts(b, "    const double t = _a->t;\n");
    else if (dt) buf_puts(b, "    const double dt = _a->dt;\n");
    if ((E->use_N || u->uses_N) && E->sub_n) buf_printf(b, "    const snn_i32 _N = %lld;\n", (long long)E->sub_n);
    else if (E->use_N || u->uses_N) buf_puts(b, "    const snn_i32 _N = _a->n;\n");
    for (int k = 0; k < u->consts.n; k++) {
        Sym *c = u->consts.v[k];
        buf_printf(b, "    const double %s = _a->k[%d];\n", emit_c_name(E, "c", c->name), c->const_index);
    }
    for (int k = 0; k <= u->vars.n; k++) {
        const Sym *s = k < u->vars.n ? u->vars.v[k] : extra;
        if (!s || (k == u->vars.n && emit_has_var(&u->vars, s))) break;
        const Sym *base = s->base ? s->base : s;
        buf_printf(b, "    double *const _p_%s = %s[%d];\n", emit_var_local(E, s), arr_of_side[s->side], base->var_index);
    }
    return emit_hole_end(E, saved);
}

/* The loads hole: a local for each variable, set from its array where the
 * block reads it before writing it, then the subexpressions. */
const char *emit_loads(Emit *E, Uses *u, const char *idx_of_side[3], const char *indent)
{
    return emit_loads_beside(E, u, idx_of_side, indent, NULL);
}

/* emit_loads inside a scope whose locals already hold the current values
 * of the variables in_scope (an update's, after its stores): those are
 * neither declared again nor read back from their arrays. */
const char *emit_loads_beside(Emit *E, Uses *u, const char *idx_of_side[3], const char *indent, const PVec *in_scope)
{
    Buf *saved = emit_hole_begin(E);
    for (int k = 0; k < u->vars.n; k++) {
        Sym *s = u->vars.v[k];
        if (in_scope && emit_has_var(in_scope, s)) continue;
        const char *l = emit_var_local(E, s);
        if (emit_has_var(&u->loaded, s)) buf_printf(E->out, "%sdouble %s = _p_%s[%s];\n", indent, l, l, idx_of_side[s->side]);
        else buf_printf(E->out, "%sdouble %s;\n", indent, l);
    }
    for (int k = 0; k < u->subexprs.n; k++) {
        Sym *s = u->subexprs.v[k];
        emit_line_directive(E, s->expr->span);
        buf_printf(E->out, "%sdouble %s = ", indent, emit_var_local(E, s));    /* refresh_subexprs may update it */
        emit_expr(E, s->expr);
        buf_puts(E->out, ";\n");
    }
    return emit_hole_end(E, saved);
}

/* The stores hole: every variable written, back to its array. */
const char *emit_stores(Emit *E, Uses *u, const char *idx_of_side[3], const char *indent)
{
    Buf *saved = emit_hole_begin(E);
    for (int k = 0; k < u->written.n; k++) {
        Sym *s = u->written.v[k];
        const char *l = emit_var_local(E, s);
        buf_printf(E->out, "%s_p_%s[%s] = %s;\n", indent, l, idx_of_side[s->side], l);
    }
    return emit_hole_end(E, saved);
}

const char *emit_own_arrays[3] = { "_a->v", "_a->pre", "_a->post" };
const char *emit_neuron_idx[3] = { "_idx", "_idx", "_idx" };
const char *emit_syn_idx[3] = { "_s", "_i", "_j" };

/* Start block function `name` of the current group and record it. */
void emit_fn_begin(Emit *E, int kind, int index, const char *name)
{
    if (E->blocks) {
        BlockTable *t = E->blocks;
        t->v = arena_append(E->A, t->v, t->n, sizeof *t->v);
        t->v[t->n++] = (BlockFn){ E->g, kind, index, name };
    }
    buf_printf(E->out, "\nsnn_i32 %s(const snn_args *_a)\n{\n", name);
}

/* Before statement k of a block (reading expression e), recompute the
 * subexpressions it reads whose variables an earlier statement wrote, as
 * Brian2's make_statements does: in 'v = vr; w += a*s' with s = f(v), s
 * sees the new v. */
void emit_refresh_subexprs(Emit *E, Uses *u, const Node *e, PVec *written, const char *indent)
{
    if (!written->n || !u->subexprs.n) return;
    Uses r = { 0 };
    emit_collect(E, &r, e);
    for (int k = 0; k < u->subexprs.n; k++) {
        Sym *s = u->subexprs.v[k];
        bool reads = false, stale = false;
        for (int m = 0; m < r.subexprs.n && !reads; m++) reads = same_var(r.subexprs.v[m], s);
        if (!reads) continue;
        Uses d = { 0 };
        emit_collect(E, &d, s->expr);
        for (int m = 0; m < d.vars.n && !stale; m++)
            for (int q = 0; q < written->n && !stale; q++) stale = same_var(d.vars.v[m], written->v[q]);
        if (!stale) continue;
        emit_line_directive(E, s->expr->span);
        buf_printf(E->out, "%s%s = ", indent, emit_var_local(E, s));
        emit_expr(E, s->expr);
        buf_puts(E->out, ";\n");
    }
}

/* The code hole: the statements of a block in order, with
 * refresh_subexprs before each, and their common math calls computed once
 * (call()). */
const char *emit_code(Emit *E, Uses *u, const StmtList *sl, const char *indent)
{
    Buf *saved = emit_hole_begin(E);
    PVec written = { 0 };
    E->cse_text.n = E->cse_name.n = 0;
    E->cse_indent = indent;
    for (int k = 0; k < sl->n; k++) {
        Buf *out = E->out;
        size_t before = out->len;
        emit_refresh_subexprs(E, u, sl->v[k]->expr, &written, indent);
        if (out->len != before) E->cse_text.n = E->cse_name.n = 0;   /* a subexpression changed */
        Buf decl, text;
        buf_init(&decl, E->A);
        buf_init(&text, E->A);
        E->cse_decl = &decl;
        E->out = &text;
        E->cse = true;
        emit_stmt(E, sl->v[k], indent);
        E->cse = false;
        E->out = out;
        /* the declarations go after the statement's #line */
        const char *body = text.len ? text.p : "";
        const char *nl = !strncmp(body, "#line", 5) ? strchr(body, '\n') : NULL;
        if (nl) buf_put(out, body, (size_t)(nl + 1 - body));
        if (decl.len) buf_puts(out, decl.p);
        buf_puts(out, nl ? nl + 1 : body);
        const Stmt *st = sl->v[k];
        if (st->sym && st->sym->kind == SYM_VAR) {
            emit_add_unique(E->A, &written, st->sym);
            forget_cse(E, emit_var_local(E, st->sym));
        } else if (st->sym) {
            forget_cse(E, emit_c_name(E, "t", st->sym->name));
        }
    }
    return emit_hole_end(E, saved);
}

/* The uses of a statement list, in order (see emit_collect_stmt). */
void emit_collect_list(Emit *E, Uses *u, const StmtList *sl)
{
    for (int k = 0; k < sl->n; k++) emit_collect_stmt(E, u, sl->v[k]);
    emit_reads_of_subexprs(E, u);
}
