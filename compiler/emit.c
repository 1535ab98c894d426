/* SPDX-License-Identifier: MIT */
/* This file contains the C emitter: it prints each group's IR (state update,
 * threshold, reset, pathway code, initial values, summed variables, connect
 * rules) into one C function per block.  Each kind of block is one template
 * text, shaped like Brian2's templates, whose holes the statement printer
 * fills: hoisted loop invariants, a loop over the indices that loads the
 * variables read before they are written into locals, the statements, and
 * the stores of what was written.  Brian2's semantics (refractoriness,
 * threshold side effects) arrive as IR from lowering.  Every user statement
 * is preceded by a '#line N "model.snn"' directive so compiler errors point
 * at the model.  User names reach C only mangled by kind (c_name), file
 * names only escaped (emit_escaped). */
#include "emit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"
#include "sema.h"
#include "functions.h"
#include "symbolic.h"
#include "emit_cable.h"

extern const char snn_abi_text[];      /* runtime/abi.h, embedded at build time */
extern const char snn_math_text[];     /* runtime/snnmath.h, likewise */

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

static bool same_var(const Sym *a, const Sym *b)
{
    const Sym *ba = a->base ? a->base : a, *bb = b->base ? b->base : b;
    return ba == bb && a->side == b->side;
}

static bool has_var(const PVec *v, const Sym *s)
{
    for (int k = 0; k < v->n; k++)
        if (same_var(v->v[k], s)) return true;
    return false;
}

static void add_unique(Arena *A, PVec *v, Sym *s)
{
    if (!has_var(v, s)) pvec_push(A, v, s);
}

static void collect(Emit *E, Uses *u, const Node *n)
{
    if (!n) return;
    if (n->kind == N_NAME && n->sym) {
        Sym *s = n->sym;
        switch (s->kind) {
        case SYM_CONST: add_unique(E->A, &u->consts, s); break;
        case SYM_VAR: add_unique(E->A, &u->vars, s); break;
        case SYM_SUBEXPR: {
            bool have = false;
            for (int k = 0; k < u->subexprs.n; k++) have |= same_var(u->subexprs.v[k], s);
            if (!have) {
                collect(E, u, s->expr);
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
        collect(E, u, n->sym->expr);
    }
    collect(E, u, n->a);
    collect(E, u, n->b);
    for (int k = 0; k < n->nargs; k++) collect(E, u, n->args[k]);
}

/* The variables e reads: each one the block has not written yet is loaded. */
static void note_reads(Emit *E, Uses *u, const Node *e)
{
    if (!e) return;
    Uses r = { 0 };
    collect(E, &r, e);
    for (int k = 0; k < r.vars.n; k++)
        if (!has_var(&u->written, r.vars.v[k])) add_unique(E->A, &u->loaded, r.vars.v[k]);
}

/* The uses of the next statement of a block.  Its target is read first
 * when the statement updates it (+=) or may not run (a guard). */
static void collect_stmt(Emit *E, Uses *u, const Stmt *st)
{
    collect(E, u, st->expr);
    note_reads(E, u, st->expr);
    if (st->guard) {
        add_unique(E->A, &u->vars, st->guard);
        if (!has_var(&u->written, st->guard)) add_unique(E->A, &u->loaded, st->guard);
    }
    if (st->sym && st->sym->kind == SYM_VAR) {
        if ((st->op != '=' || st->guard) && !has_var(&u->written, st->sym)) add_unique(E->A, &u->loaded, st->sym);
        add_unique(E->A, &u->vars, st->sym);
        add_unique(E->A, &u->written, st->sym);
    }
}

/* Subexpressions are computed at the top of the loop, before any
 * statement: the variables they read are loaded. */
static void reads_of_subexprs(Emit *E, Uses *u)
{
    for (int k = 0; k < u->subexprs.n; k++) {
        Uses d = { 0 };
        collect(E, &d, ((Sym *)u->subexprs.v[k])->expr);
        for (int m = 0; m < d.vars.n; m++) add_unique(E->A, &u->loaded, d.vars.v[m]);
    }
}

/* ====================================================================
 * User names in C
 * ==================================================================== */


/* User names reach C only through c_name: each kind of name gets a prefix
 * of its own, ending at the first '_', so no two kinds can meet, and no
 * mangled name is a C keyword, a libm or runtime name (snn_*, _snn_*) or one
 * of the emitter's own names (which start with '_', or are t, dt, _N):
 *   v_x     variable or subexpression x of the group
 *   vpre_x  vpost_x   x of the source / target group, seen from a synapse
 *   c_x     model constant       f_x   user function or timedarray
 *   ta_x    a timedarray's table p_x   parameter of a user function
 *   t_x     temporary (user ':=' or an integrator's) */
static const char *c_name(Emit *E, const char *prefix, const char *name)
{
    return arena_printf(E->A, "%s_%s", prefix, name);
}

/* The C local holding a variable: v_v, vpre_v, vpost_v. */
static const char *var_local(Emit *E, const Sym *s)
{
    const char *name = s->base ? s->base->name : s->name;
    return c_name(E, s->side == 1 ? "vpre" : s->side == 2 ? "vpost" : "v", name);
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

static void put_double(Buf *b, double v)
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

static void expr(Emit *E, const Node *n);
static void call_text(Emit *E, const Node *n);
static void hoisted_call(Emit *E, const char *fn, const Node *const *args, int nargs);

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
    else if (n->sym->kind == SYM_TIMEDARRAY) buf_printf(b, "%s(", c_name(E, "f", n->sym->name));
    else if (n->sym->kind == SYM_USERFUNC) {
        /* a user function gets the block's arguments first: its body may
         * read t, dt and the model's constants */
        buf_printf(b, "%s(_a", c_name(E, "f", n->sym->name));
        for (int k = 0; k < n->nargs; k++) {
            buf_puts(b, ", ");
            expr(E, n->args[k]);
        }
        buf_puts(b, ")");
        return;
    }
    else if (n->sym->builtin == FN_POISSON) {
        buf_printf(b, "snn_rand_poisson(_a->seed, _a->stream, %s, %s, %d, ", E->step, E->idx, E->rand_site++);
        expr(E, n->args[0]);
        buf_puts(b, ")");
        return;
    } else if (n->sym->builtin == FN_BINOMIAL) {
        /* n and p loop invariants (a Poisson input's): the inversion's
         * start pow(1 - p, n) is hoisted, the same number for every draw */
        bool q0 = E->hoist && lower_invariant(n->args[0]) && lower_invariant(n->args[1]);
        buf_printf(b, "%s(_a->seed, _a->stream, %s, %s, %d, ", q0 ? "snn_rand_binomial_q0" : "snn_rand_binomial",
                   E->step, E->idx, E->rand_site++);
        expr(E, n->args[0]);
        buf_puts(b, ", ");
        expr(E, n->args[1]);
        if (q0) {
            buf_puts(b, ", ");
            hoisted_call(E, "snn_binomial_q0", (const Node *const *)n->args, 2);
        }
        buf_puts(b, ")");
        return;
    } else if (n->sym->builtin == FN_RAND || n->sym->builtin == FN_RANDN) {
        buf_printf(b, "%s(_a->seed, _a->stream, %s, %s, %d)",
                   n->sym->builtin == FN_RAND ? "snn_rand_uniform" : "snn_rand_normal", E->step, E->idx,
                   E->rand_site++);
        return;
    } else buf_printf(b, "%s(", func_def(n->sym->builtin)->c_name);
    for (int k = 0; k < n->nargs; k++) {
        if (k) buf_puts(b, ", ");
        expr(E, n->args[k]);
    }
    buf_puts(b, ")");
}

/* The _lio_N local of the invariant C expression text, declared before the
 * loop on first use; equal texts share one. */
static void hoist_text(Emit *E, const char *text)
{
    int k = 0;
    while (k < E->lio_text.n && strcmp(E->lio_text.v[k], text)) k++;
    if (k == E->lio_text.n) {
        pvec_push(E->A, &E->lio_text, (void *)text);
        buf_printf(&E->lio, "    const double _lio_%d = %s;\n", k, text);
    }
    buf_printf(E->out, "_lio_%d", k);
}

/* Hoist an invariant expression into a _lio_N local declared before the
 * loop (Brian2's loop-invariant optimisation); equal ones share one.  The
 * expression is fn(args...), or with fn NULL the one subtree args[0]. */
static void hoisted_call(Emit *E, const char *fn, const Node *const *args, int nargs)
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
        expr(E, args[k]);
    }
    if (fn) buf_puts(&tmp, ")");
    E->cse = cse;
    E->hoist = true;
    E->out = out;
    hoist_text(E, tmp.p);
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

/* Would expr() print n as a folded number or a hoisted _lio_N? */
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
        put_double(E->out, 1.0 / v);
        return;
    }
    if (op == '/' && E->hoist && b->kind != N_NUM && !fold_literal(b, &v) && lower_invariant(b)) {
        Buf tmp, *out = E->out;
        buf_init(&tmp, E->A);
        E->out = &tmp;
        buf_puts(&tmp, "(1.0 / ");
        expr(E, b);
        buf_puts(&tmp, ")");
        E->out = out;
        buf_puts(out, " * ");
        hoist_text(E, tmp.p);
        return;
    }
    buf_printf(E->out, " %c ", op);
    expr(E, b);
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
    expr(E, m);
    for (int k = len - 1; k >= 0; k--) {
        if (cls == 2) {
            mul_operand(E, spine[k]->op, spine[k]->b);
            continue;
        }
        buf_printf(E->out, " %c ", spine[k]->op);
        expr(E, spine[k]->b);
    }
    buf_puts(E->out, ")");
}

static void expr(Emit *E, const Node *n)
{
    Buf *b = E->out;
    double v;
    if (n->kind != N_NUM && fold_literal(n, &v)) {
        put_double(b, v);
        return;
    }
    if (E->hoist && n->kind != N_NUM && n->kind != N_NAME && lower_invariant(n)) {
        hoisted(E, n);
        return;
    }
    switch (n->kind) {
    case N_NUM:
        put_double(b, n->num);
        return;
    case N_NAME: {
        Sym *s = n->sym;
        switch (s->kind) {
        case SYM_CONST: buf_puts(b, c_name(E, "c", s->name)); return;
        case SYM_UNIT: put_double(b, s->value); return;
        case SYM_VAR: buf_puts(b, var_local(E, s)); return;
        case SYM_SUBEXPR: buf_printf(b, "%s", var_local(E, s)); return;
        case SYM_TEMP: buf_puts(b, c_name(E, "t", s->name)); return;
        case SYM_PARAM: buf_puts(b, c_name(E, "p", s->name)); return;
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
    case N_NEG: buf_puts(b, "(-"); expr(E, n->a); buf_puts(b, ")"); return;
    case N_NOT: buf_puts(b, "(!"); expr(E, n->a); buf_puts(b, ")"); return;
    case N_AND: case N_OR:
        buf_puts(b, "(");
        expr(E, n->a);
        buf_puts(b, n->kind == N_AND ? " && " : " || ");
        expr(E, n->b);
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
        case OP_POW: buf_puts(b, "pow("); expr(E, n->a); buf_puts(b, ", "); expr(E, n->b); buf_puts(b, ")"); return;
        case '%': buf_puts(b, "_snn_mod("); expr(E, n->a); buf_puts(b, ", "); expr(E, n->b); buf_puts(b, ")"); return;
        case OP_FLOORDIV: buf_puts(b, "floor("); expr(E, n->a); buf_puts(b, " / "); expr(E, n->b); buf_puts(b, ")"); return;
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
        expr(E, n->a);
        buf_puts(b, op);
        expr(E, n->b);
        buf_puts(b, ")");
        return;
    }
    }
    buf_puts(b, "0");
}

/* ====================================================================
 * Blocks
 * ==================================================================== */

static void line_directive(Emit *E, Span sp)
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
static void stmt(Emit *E, const Stmt *st, const char *indent)
{
    const char *idx = E->idx;
    if (st->sym && st->sym->kind == SYM_VAR && (st->sym->flags & VF_SHARED)) E->idx = "0";
    stmt_body(E, st, indent);
    E->idx = idx;
}

static void stmt_body(Emit *E, const Stmt *st, const char *indent)
{
    Buf *b = E->out;
    line_directive(E, st->span);
    buf_puts(b, indent);
    if (st->guard) buf_printf(b, "if (%s) ", var_local(E, st->guard));
    const char *name = st->sym->kind == SYM_VAR ? var_local(E, st->sym) : c_name(E, "t", st->sym->name);
    if (st->op == ':') buf_printf(b, "const double %s = ", name);
    else if (st->op == '=') buf_printf(b, "%s = ", name);
    else buf_printf(b, "%s %c= ", name, st->op);
    if (st->sym->kind == SYM_VAR && st->sym->type != TY_FLOAT && st->op == '=') {
        /* integer and boolean variables: Brian2 truncates / tests != 0 */
        buf_puts(b, st->sym->type == TY_BOOL ? "(double)((" : "_snn_int(");
        expr(E, st->expr);
        buf_puts(b, st->sym->type == TY_BOOL ? ") != 0);\n" : ");\n");
        return;
    }
    expr(E, st->expr);
    buf_puts(b, ";\n");
}

/* ====================================================================
 * Blocks: the holes of the templates (emit_tmpl.c)
 * ==================================================================== */

/* Start printing a hole: the output goes to a fresh buffer until hole_end,
 * which returns its text and restores the previous output. */
static Buf *hole_begin(Emit *E)
{
    Buf *saved = E->out;
    E->out = arena_alloc(E->A, sizeof *E->out);
    buf_init(E->out, E->A);
    return saved;
}

static const char *hole_end(Emit *E, Buf *saved)
{
    const char *text = E->out->len ? E->out->p : "";
    E->out = saved;
    return text;
}

/* Holes of one expression, and of the '#line' directive for a span. */
static const char *expr_hole(Emit *E, const Node *n)
{
    Buf *saved = hole_begin(E);
    expr(E, n);
    return hole_end(E, saved);
}

static const char *line_hole(Emit *E, Span sp)
{
    Buf *saved = hole_begin(E);
    line_directive(E, sp);
    return hole_end(E, saved);
}

/* Start a block's holes: invariants of the loop body are hoisted into
 * E->lio (if hoist), and the built-ins the code uses are recorded. */
static void loop_begin(Emit *E, bool hoist)
{
    buf_init(&E->lio, E->A);
    E->lio_text.n = 0;
    E->hoist = hoist;
    E->use_t = E->use_dt = E->use_N = false;
}

static const char *loop_end(Emit *E)
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
static const char *index_hole(const Uses *u, bool syn)
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
static const char *prologue(Emit *E, Uses *u, const char *arr_of_side[3], const Sym *extra)
{
    Buf *saved = hole_begin(E);
    Buf *b = E->out;
    bool t = E->use_t || u->uses_t, dt = E->use_dt;
    if (t && dt) buf_puts(b, "    const double t = _a->t, dt = _a->dt;\n");
    else if (t) buf_puts(b, "    const double t = _a->t;\n");
    else if (dt) buf_puts(b, "    const double dt = _a->dt;\n");
    if ((E->use_N || u->uses_N) && E->sub_n) buf_printf(b, "    const snn_i32 _N = %lld;\n", (long long)E->sub_n);
    else if (E->use_N || u->uses_N) buf_puts(b, "    const snn_i32 _N = _a->n;\n");
    for (int k = 0; k < u->consts.n; k++) {
        Sym *c = u->consts.v[k];
        buf_printf(b, "    const double %s = _a->k[%d];\n", c_name(E, "c", c->name), c->const_index);
    }
    for (int k = 0; k <= u->vars.n; k++) {
        const Sym *s = k < u->vars.n ? u->vars.v[k] : extra;
        if (!s || (k == u->vars.n && has_var(&u->vars, s))) break;
        const Sym *base = s->base ? s->base : s;
        buf_printf(b, "    double *const _p_%s = %s[%d];\n", var_local(E, s), arr_of_side[s->side], base->var_index);
    }
    return hole_end(E, saved);
}

/* The loads hole: a local for each variable, set from its array where the
 * block reads it before writing it, then the subexpressions. */
static const char *loads(Emit *E, Uses *u, const char *idx_of_side[3], const char *indent)
{
    Buf *saved = hole_begin(E);
    for (int k = 0; k < u->vars.n; k++) {
        Sym *s = u->vars.v[k];
        const char *l = var_local(E, s);
        if (has_var(&u->loaded, s)) buf_printf(E->out, "%sdouble %s = _p_%s[%s];\n", indent, l, l, idx_of_side[s->side]);
        else buf_printf(E->out, "%sdouble %s;\n", indent, l);
    }
    for (int k = 0; k < u->subexprs.n; k++) {
        Sym *s = u->subexprs.v[k];
        line_directive(E, s->expr->span);
        buf_printf(E->out, "%sdouble %s = ", indent, var_local(E, s));    /* refresh_subexprs may update it */
        expr(E, s->expr);
        buf_puts(E->out, ";\n");
    }
    return hole_end(E, saved);
}

/* The stores hole: every variable written, back to its array. */
static const char *stores(Emit *E, Uses *u, const char *idx_of_side[3], const char *indent)
{
    Buf *saved = hole_begin(E);
    for (int k = 0; k < u->written.n; k++) {
        Sym *s = u->written.v[k];
        const char *l = var_local(E, s);
        buf_printf(E->out, "%s_p_%s[%s] = %s;\n", indent, l, idx_of_side[s->side], l);
    }
    return hole_end(E, saved);
}

static const char *own_arrays[3] = { "_a->v", "_a->pre", "_a->post" };
static const char *neuron_idx[3] = { "_idx", "_idx", "_idx" };
static const char *syn_idx[3] = { "_s", "_i", "_j" };

/* Start block function `name` of the current group and record it. */
static void fn_begin(Emit *E, int kind, int index, const char *name)
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
static void refresh_subexprs(Emit *E, Uses *u, const Node *e, PVec *written, const char *indent)
{
    if (!written->n || !u->subexprs.n) return;
    Uses r = { 0 };
    collect(E, &r, e);
    for (int k = 0; k < u->subexprs.n; k++) {
        Sym *s = u->subexprs.v[k];
        bool reads = false, stale = false;
        for (int m = 0; m < r.subexprs.n && !reads; m++) reads = same_var(r.subexprs.v[m], s);
        if (!reads) continue;
        Uses d = { 0 };
        collect(E, &d, s->expr);
        for (int m = 0; m < d.vars.n && !stale; m++)
            for (int q = 0; q < written->n && !stale; q++) stale = same_var(d.vars.v[m], written->v[q]);
        if (!stale) continue;
        line_directive(E, s->expr->span);
        buf_printf(E->out, "%s%s = ", indent, var_local(E, s));
        expr(E, s->expr);
        buf_puts(E->out, ";\n");
    }
}

/* The code hole: the statements of a block in order, with
 * refresh_subexprs before each, and their common math calls computed once
 * (call()). */
static const char *code(Emit *E, Uses *u, const StmtList *sl, const char *indent)
{
    Buf *saved = hole_begin(E);
    PVec written = { 0 };
    E->cse_text.n = E->cse_name.n = 0;
    E->cse_indent = indent;
    for (int k = 0; k < sl->n; k++) {
        Buf *out = E->out;
        size_t before = out->len;
        refresh_subexprs(E, u, sl->v[k]->expr, &written, indent);
        if (out->len != before) E->cse_text.n = E->cse_name.n = 0;   /* a subexpression changed */
        Buf decl, text;
        buf_init(&decl, E->A);
        buf_init(&text, E->A);
        E->cse_decl = &decl;
        E->out = &text;
        E->cse = true;
        stmt(E, sl->v[k], indent);
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
            add_unique(E->A, &written, st->sym);
            forget_cse(E, var_local(E, st->sym));
        } else if (st->sym) {
            forget_cse(E, c_name(E, "t", st->sym->name));
        }
    }
    return hole_end(E, saved);
}

/* The uses of a statement list, in order (see collect_stmt). */
static void collect_list(Emit *E, Uses *u, const StmtList *sl)
{
    for (int k = 0; k < sl->n; k++) collect_stmt(E, u, sl->v[k]);
    reads_of_subexprs(E, u);
}

static void emit_update(Emit *E, Group *g)
{
    Uses u = { 0 };
    StmtList sl = { g->update.v, g->update.n };
    collect_list(E, &u, &sl);
    const char *after = "";
    if (g->cable) {     /* spatialneurons: the cable solver runs after the channels' update */
        const char *fn = emit_fn_name(E->A, g, "cable");
        emit_cable(E->out, g, fn);
        after = arena_printf(E->A, "    %s(_a);\n", fn);
    }
    fn_begin(E, BK_UPDATE, 0, emit_fn_name(E->A, g, "update"));
    bool syn = g->kind == G_SYNAPSES;
    const char **idx = syn ? syn_idx : neuron_idx;
    E->idx = syn ? "_s" : "_idx";
    loop_begin(E, true);
    E->use_N = true;
    const char *ld = loads(E, &u, idx, "        "), *cd = code(E, &u, &sl, "        ");
    const char *lio = loop_end(E);
    EmitHole h[] = { { "lists", "" }, { "prologue", prologue(E, &u, own_arrays, NULL) }, { "hoisted", lio },
                 { "idx", E->idx }, { "index", index_hole(&u, syn) }, { "loads", ld }, { "code", cd },
                 { "stores", stores(E, &u, idx, "        ") }, { "after", after } };
    emit_fill(E->out, emit_tmpl_each, h, (int)(sizeof h / sizeof *h));
}

/* A condition checked for every neuron, listing those where it holds: the
 * threshold (with on_spike run for each spike) or a custom event's
 * condition (bkind BK_EVTHRESH, index k, on_spike empty). */
static void emit_condition(Emit *E, Group *g, const Node *cond, Span at, StmtList *on_spike, int bkind, int index,
                           const char *kind)
{
    Uses u = { 0 };
    collect(E, &u, cond);
    note_reads(E, &u, cond);
    for (int k = 0; k < on_spike->n; k++) collect_stmt(E, &u, on_spike->v[k]);
    reads_of_subexprs(E, &u);
    fn_begin(E, bkind, index, emit_fn_name(E->A, g, kind));
    E->idx = "_idx";
    loop_begin(E, true);
    E->use_N = true;
    const char *ld = loads(E, &u, neuron_idx, "            "), *line = line_hole(E, at);
    const char *ce = expr_hole(E, cond);
    const char *cd = code(E, &u, on_spike, "            ");
    const char *lio = loop_end(E);
    EmitHole h[] = { { "prologue", prologue(E, &u, own_arrays, NULL) }, { "hoisted", lio },
                 { "index", index_hole(&u, false) }, { "loads", ld }, { "line", line }, { "cond", ce },
                 { "code", cd }, { "stores", stores(E, &u, neuron_idx, "            ") } };
    emit_fill(E->out, emit_tmpl_thresh, h, (int)(sizeof h / sizeof *h));
}

static void emit_threshold(Emit *E, Group *g)
{
    emit_condition(E, g, g->spike_cond ? g->spike_cond : g->threshold, g->threshold->span, &g->on_spike, BK_THRESH, 0,
                   "thresh");
}

/* Statements run for a list of indices: reset (neurons), on_pre / on_post
 * and named pathways (synapse ids); run_regularly (every index). */
static void emit_event_block(Emit *E, Group *g, StmtList *sl, int bkind, int bindex, const char *kind)
{
    Uses u = { 0 };
    collect_list(E, &u, sl);
    fn_begin(E, bkind, bindex, emit_fn_name(E->A, g, kind));
    bool syn = g->kind == G_SYNAPSES, all = bkind == BK_EXTRA;
    const char **idx = syn ? syn_idx : neuron_idx;
    E->idx = syn ? "_s" : "_idx";
    /* a subgroup's block runs over its neurons, with i and N its own */
    const Extra *x = all ? &g->extras[bindex] : NULL;
    E->sub_n = x && x->sub_n ? x->sub_n : 0;
    /* a synapses pathway takes a list of ids, or (idx NULL) the range [lo, hi) */
    bool range = syn && !all;
    const char *which = all ? "_k" : range ? "_ids ? _ids[_k] : _k" : "_a->idx[_k]", *index = index_hole(&u, syn);
    if (E->sub_n) {
        which = arena_printf(E->A, "_k + %lld", (long long)x->sub_start);
        index = u.uses_i ? "        const snn_i32 _i = _k;\n" : "";
    }
    loop_begin(E, true);
    E->use_N = all;
    const char *ld = loads(E, &u, idx, "        "), *cd = code(E, &u, sl, "        ");
    const char *lio = loop_end(E);
    const char *ids = range ? "    const snn_i32 *const _ids = _a->idx;\n" : "";
    EmitHole h[] = { { "prologue", prologue(E, &u, own_arrays, NULL) }, { "hoisted", lio }, { "ids", ids },
                 { "first", range ? "(_ids ? 0 : _a->lo)" : all && !E->sub_n ? "_a->lo" : "0" },
                 { "count", range ? "(_ids ? _a->nidx : _a->hi)" : !all ? "_a->nidx" : E->sub_n ? "_N" : "SNN_RANGE_END(_a)" },
                 { "idx", E->idx }, { "which", which },
                 { "index", index }, { "loads", ld }, { "code", cd },
                 { "stores", stores(E, &u, idx, "        ") } };
    emit_fill(E->out, emit_tmpl_event, h, (int)(sizeof h / sizeof *h));
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
        collect(E, &u, iv->expr);
        note_reads(E, &u, iv->expr);
        /* a value for some indices only keeps the others' */
        bool partial = (iv->list && syn) || iv->sub_n;
        if (partial && !has_var(&whole, iv->var)) add_unique(E->A, &u.loaded, iv->var);
        if (!partial) add_unique(E->A, &whole, iv->var);
        add_unique(E->A, &u.vars, iv->var);
        add_unique(E->A, &u.written, iv->var);
    }
    reads_of_subexprs(E, &u);
    fn_begin(E, BK_INIT, 0, emit_fn_name(E->A, g, "init"));
    Buf *saved = hole_begin(E);
    for (int k = 0; k < g->ninits; k++) {
        InitVal *iv = &g->inits[k];
        if (!iv->list) continue;
        buf_printf(E->out, "    static const double _list%d[%d] = {", k, iv->nlist);
        for (int m = 0; m < iv->nlist; m++) {
            if (m) buf_puts(E->out, ", ");
            put_double(E->out, iv->list[m]);
        }
        buf_puts(E->out, "};\n");
    }
    const char *lists = hole_end(E, saved);
    const char **idx = syn ? syn_idx : neuron_idx;
    const char *ix = syn ? "_s" : "_idx";
    E->idx = ix;
    loop_begin(E, false);
    E->use_N = true;
    const char *ld = loads(E, &u, idx, "        ");
    saved = hole_begin(E);
    Buf *b = E->out;
    PVec written = { 0 };
    for (int k = 0; k < g->ninits; k++) {
        InitVal *iv = &g->inits[k];
        const char *l = var_local(E, iv->var);
        if (iv->expr) refresh_subexprs(E, &u, iv->expr, &written, "        ");
        add_unique(E->A, &written, iv->var);
        line_directive(E, iv->span);
        if (iv->sub_n) {
            /* a subgroup's initial value: its neurons only, i and N its own */
            long long s0 = (long long)iv->sub_start;
            buf_printf(b, "        if (_idx >= %lld && _idx < %lld) {\n"
                          "            const snn_i32 _i = (snn_i32)(_idx - %lld), _N = %lld;\n"
                          "            (void)_i; (void)_N;\n", s0, s0 + (long long)iv->sub_n, s0, (long long)iv->sub_n);
        }
        if (iv->list) {
            if (syn) buf_printf(b, "        if (_s < %d) %s = _list%d[_s];\n", iv->nlist, l, k);
            else if (iv->sub_n) buf_printf(b, "            %s = _list%d[_i];\n", l, k);
            else buf_printf(b, "        %s = _list%d[_idx];\n", l, k);
        } else {
            /* integer and boolean variables: truncate / test != 0, as stmt() */
            int ty = iv->var->type;
            buf_printf(b, "%s%s = %s", iv->sub_n ? "            " : "        ", l, ty == TY_BOOL ? "(double)((" : ty == TY_INT ? "_snn_int(" : "");
            E->idx = iv->var->flags & VF_SHARED ? "0" : ix;   /* one value, as stmt() */
            expr(E, iv->expr);
            E->idx = ix;
            buf_puts(b, ty == TY_BOOL ? ") != 0);\n" : ty == TY_INT ? ");\n" : ";\n");
        }
        if (iv->sub_n) buf_puts(b, "        }\n");
    }
    const char *cd = hole_end(E, saved);
    loop_end(E);
    EmitHole h[] = { { "lists", lists }, { "prologue", prologue(E, &u, own_arrays, NULL) }, { "hoisted", "" },
                 { "idx", ix }, { "index", index_hole(&u, syn) }, { "loads", ld }, { "code", cd },
                 { "stores", stores(E, &u, idx, "        ") } };
    emit_fill(E->out, emit_tmpl_each, h, (int)(sizeof h / sizeof *h));
}

/* An assignment between runs (Model.actions[k]): var op= expr (or the
 * list's value) for the selected indices where the condition holds.  Its
 * random numbers have call sites of their own, keyed by k (abi.h), so
 * that each statement draws its own. */
static void emit_assign(Emit *E, Action *a, int k)
{
    Group *g = a->group;
    Uses u = { 0 };
    bool syn = g->kind == G_SYNAPSES;
    collect(E, &u, a->expr);
    note_reads(E, &u, a->expr);
    collect(E, &u, a->cond);
    note_reads(E, &u, a->cond);
    /* read first: it is kept where the condition fails, and updated by += */
    add_unique(E->A, &u.loaded, a->var);
    add_unique(E->A, &u.vars, a->var);
    add_unique(E->A, &u.written, a->var);
    reads_of_subexprs(E, &u);
    fn_begin(E, BK_ASSIGN, k, emit_fn_name(E->A, g, arena_printf(E->A, "assign%d", k)));
    E->sub_n = a->sub_n;
    Buf *saved = hole_begin(E);
    if (a->list) {
        buf_printf(E->out, "    static const double _list[%d] = {", a->nlist);
        for (int m = 0; m < a->nlist; m++) {
            if (m) buf_puts(E->out, ", ");
            put_double(E->out, a->list[m]);
        }
        buf_puts(E->out, "};\n");
    }
    if (a->sel) {
        buf_printf(E->out, "    static const snn_i32 _sel[%d] = {", a->nsel);
        for (int m = 0; m < a->nsel; m++) buf_printf(E->out, "%s%d", m ? ", " : "", a->sel[m]);
        buf_puts(E->out, "};\n");
    }
    const char *lists = hole_end(E, saved);
    const char **idx = syn ? syn_idx : neuron_idx;
    const char *ix = syn ? "_s" : "_idx";
    int site = E->rand_site;
    E->rand_site = SNN_ASSIGN_RAND_SITE + SNN_ASSIGN_RAND_SITES * k;
    E->idx = (a->var->flags & VF_SHARED) ? "0" : ix;
    loop_begin(E, false);
    E->use_N = true;
    const char *ld = loads(E, &u, idx, "        ");
    saved = hole_begin(E);
    Buf *b = E->out;
    const char *in = "        ";
    if (a->cond) {
        line_directive(E, a->cond->span);
        buf_puts(b, "        if (");
        expr(E, a->cond);
        buf_puts(b, ") {\n");
        in = "            ";
    }
    line_directive(E, a->span);
    const char *l = var_local(E, a->var);
    int ty = a->var->type;
    if (a->op == '=') buf_printf(b, "%s%s = ", in, l);
    else buf_printf(b, "%s%s %c= ", in, l, a->op);
    if (a->op == '=') buf_puts(b, ty == TY_BOOL ? "(double)((" : ty == TY_INT ? "_snn_int(" : "");
    if (a->list) buf_printf(b, a->sel ? "_list[_k]" : "_list[_k - %lld]", (long long)a->lo);
    else expr(E, a->expr);
    buf_puts(b, a->op == '=' && ty == TY_BOOL ? ") != 0);\n" : a->op == '=' && ty == TY_INT ? ");\n" : ";\n");
    if (a->cond) buf_puts(b, "        }\n");
    const char *cd = hole_end(E, saved);
    loop_end(E);
    E->rand_site = site;
    const char *from = a->sel ? "0" : arena_printf(E->A, "%lld", (long long)a->lo);
    const char *to = a->sel ? arena_printf(E->A, "%d", a->nsel)
                   : a->sub_n ? arena_printf(E->A, "%lld", (long long)a->hi)
                   : a->hi < 0 ? "_N" : arena_printf(E->A, "(%lld < _N ? %lld : _N)", (long long)a->hi, (long long)a->hi);
    /* a subgroup's assignment: i counts from its start, N is its size */
    const char *index = !a->sub_n ? index_hole(&u, syn)
                      : u.uses_i ? arena_printf(E->A, "        const snn_i32 _i = (snn_i32)(_idx - %lld);\n",
                                                (long long)a->sub_start) : "";
    EmitHole h[] = { { "lists", lists }, { "prologue", prologue(E, &u, own_arrays, NULL) }, { "from", from },
                 { "to", to }, { "idx", ix },
                 { "which", !a->sel ? "_k" : syn ? "_sel[_k];\n        if (_s >= _N) continue" : "_sel[_k]" },
                 { "index", index }, { "loads", ld }, { "code", cd },
                 { "stores", stores(E, &u, idx, "        ") } };
    emit_fill(E->out, emit_tmpl_assign, h, (int)(sizeof h / sizeof *h));
    E->sub_n = 0;
}

/* A (summed) variable: zero the target variable, then add the subexpression
 * of every synapse to its target neuron (Brian2's summed_variable). */
static void emit_summed(Emit *E, Group *g, int k)
{
    Sym *s = g->summed[k], *target = g->summed_target[k];
    Uses u = { 0 };
    collect(E, &u, s->expr);
    note_reads(E, &u, s->expr);
    reads_of_subexprs(E, &u);
    fn_begin(E, BK_SUMMED, k, emit_fn_name(E->A, g, arena_printf(E->A, "summed%d", k)));
    E->idx = "_s";
    loop_begin(E, true);
    E->use_N = true;
    const char *ld = loads(E, &u, syn_idx, "        "), *line = line_hole(E, s->expr->span);
    const char *sum = expr_hole(E, s->expr);
    const char *lio = loop_end(E);
    /* the target's index comes from the synapse too */
    if (target->side == 1) u.uses_i = true;
    else u.uses_j = true;
    EmitHole h[] = { { "prologue", prologue(E, &u, own_arrays, target) }, { "hoisted", lio },
                 { "count", target->side == 1 ? "n_pre" : "n_post" }, { "target", var_local(E, target) },
                 { "index", index_hole(&u, true) }, { "loads", ld }, { "line", line },
                 { "tidx", target->side == 1 ? "_i" : "_j" }, { "sum", sum } };
    emit_fill(E->out, emit_tmpl_summed, h, (int)(sizeof h / sizeof *h));
}

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
    expr(E, e);
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
    expr(E, c->gen_size);
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
static void emit_connect(Emit *E, Group *g, Connect *c)
{
    Uses u = { 0 };
    const Node *parts[] = { c->cond, c->p, c->nsyn, c->jexpr, c->gen_if, c->gen_p, c->gen_size, c->range[0], c->range[1],
                            c->range[2] };
    for (int k = 0; k < (int)(sizeof parts / sizeof *parts); k++) {
        collect(E, &u, parts[k]);
        note_reads(E, &u, parts[k]);
    }
    reads_of_subexprs(E, &u);
    fn_begin(E, BK_CONNECT, c->index, emit_fn_name(E->A, g, arena_printf(E->A, "connect%d", c->index)));
    /* connect(i='...') loops over the targets (fixed) and makes sources */
    const char *made = c->over_pre ? "_i" : "_j", *fixed = c->over_pre ? "_j" : "_i";
    E->idx = made;
    E->step = c->over_pre ? "(snn_i64)_j" : "(snn_i64)_i";
    loop_begin(E, false);
    static const char *conn_idx[3] = { "_s", "_i", "_j" };
    double pconst = 1;
    bool jump = c->kind == CONN_ALL && !c->nsyn && (!c->p || sema_const_value(c->p, &pconst)) &&
                !uses_target(c->cond) && pconst > 0;
    if (c->kind == CONN_ALL && c->p && sema_const_value(c->p, &pconst) && pconst <= 0) {
        buf_puts(E->out, prologue(E, &u, own_arrays, NULL));
        buf_puts(E->out, "    return 0;\n}\n");
        E->step = "_a->step";
        return;
    }
    const char *line = line_hole(E, c->span);
    Buf *saved = hole_begin(E), *b = E->out;
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
        buf_puts(b, loads(E, &pre, conn_idx, "        "));
        u = rest;
        if (c->k) {
            buf_printf(b, "        const snn_i64 _start = (snn_i64)(");
            if (c->range[0]) expr(E, c->range[0]); else buf_puts(b, "0");
            buf_printf(b, "), _stop = (snn_i64)(");
            expr(E, c->range[1]);
            buf_printf(b, "), _stepk = (snn_i64)(");
            if (c->range[2]) expr(E, c->range[2]); else buf_puts(b, "1");
            /* Brian2 refuses range(a, b, 0); here it would never end */
            buf_printf(b, ");\n        if (_stepk == 0) { if (_a->out) _a->out[0] = 2; return -1 - %s; }\n", fixed);
            if (c->gen_size) sample_size_head(E, c, fixed);
            buf_printf(b, "        for (snn_i64 _k = _start; _stepk > 0 ? _k < _stop : _k > _stop; _k += _stepk) {\n"
                          "            const double %s = (double)_k;\n", c_name(E, "t", c->k->name));
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
        expr(E, c->jexpr);
        buf_puts(b, ");\n");
        /* j in the condition is the generated target; a condition that reads
         * variables is tested after their loads, so only on a valid j */
        bool cond_first = c->gen_if && !c->skip_if_invalid && !reads_vars(c->gen_if);
        if (cond_first) skip_unless(E, "", c->gen_if);
        buf_printf(b, "            if (%s < 0 || %s >= _a->%s) { %s }\n", made, made, c->over_pre ? "n_pre" : "n_post",
                   c->skip_if_invalid ? "continue;" : arena_printf(E->A, "return -1 - %s;", fixed));
        late_if = c->gen_if && !cond_first;     /* in the tests, after the loads */
        E->idx = made;
    } else if (!jump) {
        buf_puts(b, "        for (snn_i32 _j = 0; _j < _a->n_post; _j++) {\n");
    }
    const char *head = hole_end(E, saved);
    const char *ld = loads(E, &u, conn_idx, jump ? "        " : "            ");
    u.vars = all_vars;
    saved = hole_begin(E);
    b = E->out;
    if (jump) {
        /* constant p and a condition on i only: skip from target to target
         * with geometric gaps, so the cost follows the synapses made */
        if (c->cond) {
            line_directive(E, c->cond->span);
            buf_puts(b, "        if (!(");
            expr(E, c->cond);
            buf_puts(b, ")) continue;\n");
        }
        buf_puts(b, "        snn_i64 _jj = -1;\n"
                    "        for (snn_i32 _d = 0;; _d++) {\n");
        if (pconst >= 1) buf_puts(b, "            _jj++;\n");
        else {
            buf_puts(b, "            const double _u = snn_rand_uniform(_a->seed, _a->stream, (snn_i64)_i, _d, SNN_CONNECT_RAND_SITE);\n"
                        "            _jj += 1 + (snn_i64)floor(log1p(-_u) / ");
            put_double(b, log1p(-pconst));
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
            line_directive(E, c->cond->span);
            skip_unless(E, "", c->cond);
        }
        if (c->p) {
            line_directive(E, c->p->span);
            skip_unless(E, "snn_rand_uniform(_a->seed, _a->stream, (snn_i64)_i, _j, SNN_CONNECT_P_RAND_SITE) < ", c->p);
        }
    }
    const char *tests = hole_end(E, saved);
    saved = hole_begin(E);
    if (c->nsyn) {
        buf_puts(E->out, "            const snn_i32 _n = (snn_i32)(");
        expr(E, c->nsyn);
        buf_puts(E->out, ");\n            for (snn_i32 _r = 0; _r < _n; _r++)\n    ");
    }
    buf_puts(E->out, "            if (_a->push(_a->ud, _i, _j)) return -1;\n");
    const char *push = hole_end(E, saved);
    loop_end(E);
    EmitHole h[] = { { "prologue", prologue(E, &u, own_arrays, NULL) }, { "line", line }, { "head", head },
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
static void emit_connect_total(Emit *E, Group *g, Connect *c)
{
    fn_begin(E, BK_CONNECT, c->index, emit_fn_name(E->A, g, arena_printf(E->A, "connect%d", c->index)));
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

/* A timedarray as a static table and Brian2's lookup: the index of time t
 * is (int)((t/epsilon + 0.5)/K) with epsilon = dt/K, clipped to the table. */
static void emit_timedarray(Emit *E, Sym *f)
{
    Buf *b = E->out;
    int n = f->rows * (f->cols ? f->cols : 1);
    buf_printf(b, "static const double %s[%d] = {", c_name(E, "ta", f->name), n);
    for (int k = 0; k < n; k++) {
        buf_puts(b, k % 8 ? ", " : (k ? ",\n    " : "\n    "));
        put_double(b, f->data[k]);
    }
    buf_puts(b, "\n};\n");
    double r = 8.0 / E->M->dt * f->value;
    int K = 1;
    while (K < r) K *= 2;
    buf_printf(b, "static double %s(double t%s)\n{\n    const double epsilon = ", c_name(E, "f", f->name), f->cols ? ", double _n" : "");
    put_double(b, f->value);
    buf_printf(b, " / %d;\n    int _k = (int)((t / epsilon + 0.5) / %d);\n"
                  "    if (_k < 0) _k = 0;\n    if (_k >= %d) _k = %d;\n", K, K, f->rows, f->rows - 1);
    /* a column outside the table (that lowering could not refuse: the
     * index depends on time or state) gives NaN, never other memory */
    if (f->cols)
        buf_printf(b, "    if (!(_n >= 0 && _n < %d)) return 0.0/0.0;\n    return %s[_k * %d + (int)_n];\n}\n", f->cols,
                   c_name(E, "ta", f->name), f->cols);
    else buf_printf(b, "    return %s[_k];\n}\n", c_name(E, "ta", f->name));
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
    collect(E, &u, f->expr);
    E->use_t = E->use_dt = E->use_N = false;
    E->idx = "0";
    Buf *saved = hole_begin(E);
    line_directive(E, f->expr->span);
    buf_puts(E->out, "    return ");
    expr(E, f->expr);
    buf_puts(E->out, ";\n}\n");
    const char *body = hole_end(E, saved);
    buf_printf(b, "static double %s(const snn_args *_a", c_name(E, "f", f->name));
    for (int k = 0; k < f->nparams; k++) buf_printf(b, ", double %s", c_name(E, "p", f->params[k]->name));
    buf_puts(b, ")\n{\n");
    if (E->use_t || u.uses_t) buf_puts(b, "    const double t = _a->t;\n");
    if (E->use_dt) buf_puts(b, "    const double dt = _a->dt;\n");
    for (int k = 0; k < u.consts.n; k++) {
        Sym *c = u.consts.v[k];
        buf_printf(b, "    const double %s = _a->k[%d];\n", c_name(E, "c", c->name), c->const_index);
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
        if (g->update.n) emit_update(E, g);
        if (g->threshold) emit_threshold(E, g);
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
                           arena_printf(E->A, "event_%s", g->events[k].name));
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
