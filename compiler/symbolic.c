/* SPDX-License-Identifier: MIT */
/* This file contains the symbolic layer used by the integrator: simplifying
 * builders that keep dimensions and types right, substitution and expansion
 * of subexpressions, differentiation, the linearity and "constant over dt"
 * tests, a double-precision evaluator with Brian2's semantics and a printer.
 * See symbolic.h for the conventions. */
#include "symbolic.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sym_lib_lookup(const char *name, size_t n) { return func_lib_lookup(name, n); }
const char *sym_lib_name(int lib) { return func_lib_def(lib)->name; }
int sym_lib_arity(int lib) { return func_lib_def(lib)->arity; }
const char *sym_lib_c_code(int lib) { return func_lib_def(lib)->c_body; }








/* Is s a subexpression whose definition is looked through? */
static bool transparent_subexpr(const Sym *s)
{
    return s && s->kind == SYM_SUBEXPR && s->expr && !(s->flags & VF_CONSTANT_OVER_DT);
}

static bool depends_any(const Node *e, Sym *const *syms, int n, int depth)
{
    if (!e || depth > 200) return false;
    switch (e->kind) {
    case N_NUM: case N_STR:
        return false;
    case N_NAME:
        for (int k = 0; k < n; k++)
            if (e->sym == syms[k]) return true;
        if (transparent_subexpr(e->sym)) return depends_any(e->sym->expr, syms, n, depth + 1);
        return false;
    case N_CALL:
        for (int k = 0; k < e->nargs; k++)
            if (depends_any(e->args[k], syms, n, depth + 1)) return true;
        if (e->sym && e->sym->kind == SYM_USERFUNC && e->sym->expr)
            return depends_any(e->sym->expr, syms, n, depth + 1);
        return false;
    default:
        if (depends_any(e->a, syms, n, depth + 1) || depends_any(e->b, syms, n, depth + 1)) return true;
        for (int k = 0; k < e->nargs; k++)
            if (depends_any(e->args[k], syms, n, depth + 1)) return true;
        return false;
    }
}

bool sym_depends_on(const Node *e, const Sym *s)
{
    Sym *one = (Sym *)s;
    return depends_any(e, &one, 1, 0);
}

bool sym_depends_on_any(const Node *e, Sym *const *syms, int n) { return depends_any(e, syms, n, 0); }

/* Brian2's TimedArray.is_locally_constant(dt): the array's dt is a whole
 * multiple of the step dt (np.floor(ratio) == ratio, exactly). */
static bool timedarray_constant_over(const Sym *ta, double dt)
{
    if (!(dt > 0) || dt > ta->value) return false;
    double ratio = ta->value / dt;
    return floor(ratio) == ratio;
}

static bool const_dt(Model *M, const Node *e, Sym *const *states, int n, double dt, const char **why, int depth)
{
    if (!e || depth > 200) return true;
    switch (e->kind) {
    case N_NUM: case N_STR:
        return true;
    case N_NAME: {
        const Sym *s = e->sym;
        if (!s) return true;
        if (s->kind == SYM_BUILTIN && s->builtin == B_T) {
            if (why) *why = "it depends on the time t";
            return false;
        }
        if (s->kind == SYM_BUILTIN && s->builtin == B_XI) {
            if (why) *why = arena_printf(M->arena, "it contains the noise term %s", s->name);
            return false;
        }
        for (int k = 0; k < n; k++)
            if (s == states[k]) {
                if (why) *why = arena_printf(M->arena, "it depends on the state variable %s", s->name);
                return false;
            }
        if (transparent_subexpr(s)) return const_dt(M, s->expr, states, n, dt, why, depth + 1);
        return true;
    }
    case N_CALL:
        if (e->sym && e->sym->kind == SYM_FUNC &&
            FN_IS_RANDOM(e->sym->builtin)) {
            if (why) *why = arena_printf(M->arena, "it calls %s()", e->sym->name);
            return false;
        }
        for (int k = 0; k < e->nargs; k++) {
            const Node *x = e->args[k];
            bool is_t = x && x->kind == N_NAME && x->sym && x->sym->kind == SYM_BUILTIN && x->sym->builtin == B_T;
            if (is_t && e->sym && e->sym->kind == SYM_TIMEDARRAY) {
                if (timedarray_constant_over(e->sym, dt)) continue;
                if (why) *why = arena_printf(M->arena, "it depends on the time t: the dt of %s (%g s) is not a "
                                             "whole multiple of the step (%g s)", e->sym->name, e->sym->value, dt);
                return false;
            }
            if (!const_dt(M, x, states, n, dt, why, depth + 1)) return false;
        }
        if (e->sym && e->sym->kind == SYM_USERFUNC)
            return const_dt(M, e->sym->expr, states, n, dt, why, depth + 1);
        return true;
    default:
        if (!const_dt(M, e->a, states, n, dt, why, depth + 1)) return false;
        if (!const_dt(M, e->b, states, n, dt, why, depth + 1)) return false;
        for (int k = 0; k < e->nargs; k++)
            if (!const_dt(M, e->args[k], states, n, dt, why, depth + 1)) return false;
        return true;
    }
}

bool sym_constant_over_dt(Model *M, const Node *e, Sym *const *states, int n, double dt, const char **why)
{
    return const_dt(M, e, states, n, dt, why, 0);
}

/* ------------------------------------------------------------------------ */
/* Rewriting                                                                */
/* ------------------------------------------------------------------------ */

/* A tree map: leaf() may replace a name or a call (return NULL to keep it);
 * with force, every node is rebuilt through the simplifying builders. */
typedef struct Mapper {
    Model *M;
    Node *(*leaf)(struct Mapper *m, const Node *n);
    Sym *const *from;
    Node *const *to;
    int n;
    bool fold_consts;
    bool force;
    int depth;
} Mapper;

static Node *map(Mapper *m, const Node *e);

/* Rebuild a node with new children, through the builders where possible. */
static Node *rebuild(Mapper *m, const Node *e, Node *a, Node *b, Node **args)
{
    Model *M = m->M;
    switch (e->kind) {
    case N_BIN:
        return sym_bin(M, e->op, a, b);
    case N_CMP: {
        Node *n = sym_bin(M, e->op, a, b);
        n->span = e->span;
        return n;
    }
    case N_NEG:
        return sym_neg(M, a);
    default: {
        if (e->kind == N_CALL && e->sym && e->sym->kind == SYM_FUNC) {
            Node *n = sym_call(M, e->sym->builtin, args, e->nargs);
            if (n->kind == N_CALL) n->span = e->span;
            return n;
        }
        /* user function calls, not/and/or: same node, new children */
        Node *n = arena_alloc(M->arena, sizeof *n);
        *n = *e;
        n->a = a;
        n->b = b;
        if (e->nargs) {
            n->args = arena_alloc(M->arena, sizeof *n->args * (size_t)e->nargs);
            for (int k = 0; k < e->nargs; k++) n->args[k] = args[k];
        }
        return n;
    }
    }
}

static Node *map(Mapper *m, const Node *e)
{
    if (!e) return NULL;
    if (e->kind == N_NAME || e->kind == N_CALL) {
        Node *r = m->leaf ? m->leaf(m, e) : NULL;
        if (r) return r;
    }
    if (e->kind == N_NAME || e->kind == N_NUM || e->kind == N_STR || e->kind == N_LIST)
        return (Node *)e;
    m->depth++;
    Node *a = map(m, e->a);
    Node *b = map(m, e->b);
    Node **args = NULL;
    bool changed = m->force || a != e->a || b != e->b;
    if (e->nargs) {
        args = arena_alloc(m->M->arena, sizeof *args * (size_t)e->nargs);
        for (int k = 0; k < e->nargs; k++) {
            args[k] = map(m, e->args[k]);
            if (args[k] != e->args[k]) changed = true;
        }
    }
    m->depth--;
    if (!changed) return (Node *)e;
    return rebuild(m, e, a, b, args);
}

static Node *subst_leaf(Mapper *m, const Node *n)
{
    if (n->kind != N_NAME) return NULL;
    for (int k = 0; k < m->n; k++)
        if (n->sym == m->from[k]) return m->to[k];
    return NULL;
}

Node *sym_subst(Model *M, const Node *e, Sym *const *from, Node *const *to, int n)
{
    Mapper m = { .M = M, .leaf = subst_leaf, .from = from, .to = to, .n = n };
    return map(&m, e);
}

/* Inline a call of a user function: its body with the parameters replaced
 * by the (already expanded) arguments. */
static Node *inline_userfunc(Model *M, const Node *call, Node **args)
{
    const Sym *f = call->sym;
    int n = f->nparams < call->nargs ? f->nparams : call->nargs;
    Mapper m = { .M = M, .leaf = subst_leaf, .from = f->params, .to = args, .n = n, .force = true };
    return map(&m, f->expr);
}

static Node *expand_leaf(Mapper *m, const Node *n)
{
    if (m->depth > 200) return NULL;
    if (n->kind == N_NAME) {
        if (transparent_subexpr(n->sym)) {
            m->depth++;
            Node *r = map(m, n->sym->expr);
            m->depth--;
            return r;
        }
        return NULL;
    }
    if (n->sym && n->sym->kind == SYM_USERFUNC && n->sym->expr) {
        Node **args = arena_alloc(m->M->arena, sizeof *args * (size_t)(n->nargs ? n->nargs : 1));
        m->depth++;
        for (int k = 0; k < n->nargs; k++) args[k] = map(m, n->args[k]);
        Node *body = inline_userfunc(m->M, n, args);
        Node *r = map(m, body);
        m->depth--;
        return r;
    }
    return NULL;
}

Node *sym_expand(Model *M, const Node *e)
{
    Mapper m = { .M = M, .leaf = expand_leaf };
    return map(&m, e);
}

static Node *fold_leaf(Mapper *m, const Node *n)
{
    if (n->kind != N_NAME || !m->fold_consts || !n->sym) return NULL;
    if (n->sym->kind == SYM_CONST || n->sym->kind == SYM_UNIT) {
        Node *r = sym_num(m->M, n->sym->value, n->sym->dim);
        r->span = n->span;
        return r;
    }
    return NULL;
}

Node *sym_simplify(Model *M, const Node *e, bool fold_consts)
{
    Mapper m = { .M = M, .leaf = fold_leaf, .fold_consts = fold_consts, .force = true };
    return map(&m, e);
}

/* ------------------------------------------------------------------------ */
/* Differentiation                                                          */
/* ------------------------------------------------------------------------ */

typedef struct Diff {
    Model *M;
    Sym   *x;
    bool   ok;
    int    depth;
} Diff;

static Node *one(Model *M) { return sym_num(M, 1, DIM_NONE); }
static Node *num(Model *M, double v) { return sym_num(M, v, DIM_NONE); }

/* NULL-aware sum and difference (NULL is a structural zero). */
static Node *zadd(Model *M, Node *a, Node *b) { return !a ? b : !b ? a : sym_add(M, a, b); }
static Node *zsub(Model *M, Node *a, Node *b) { return !b ? a : !a ? sym_neg(M, b) : sym_sub(M, a, b); }

/* Run a derivative program of the function table (enum DerivOp in
 * functions.h) for the call e = f(x). */
static Node *run_deriv(Model *M, const signed char *prog, const Node *e, Node *x)
{
    Node *st[8];
    int n = 0;
    for (const signed char *p = prog; *p != D_END; p++) {
        switch (*p) {
        case D_X: st[n++] = x; break;
        case D_SELF: st[n++] = (Node *)e; break;
        case D_ONE: st[n++] = sym_num(M, 1, DIM_NONE); break;
        case D_TWO: st[n++] = sym_num(M, 2, DIM_NONE); break;
        case D_LN10: st[n++] = sym_num(M, log(10.0), DIM_NONE); break;
        case D_CALL: p++; st[n - 1] = sym_call1(M, *p, st[n - 1]); break;
        case D_SQ: st[n - 1] = sym_pow(M, st[n - 1], sym_num(M, 2, DIM_NONE)); break;
        case D_NEG: st[n - 1] = sym_neg(M, st[n - 1]); break;
        default: {
            Node *b = st[--n], *a = st[n - 1];
            st[n - 1] = *p == D_ADD ? sym_add(M, a, b) : *p == D_SUB ? sym_sub(M, a, b)
                      : *p == D_MUL ? sym_mul(M, a, b) : sym_div(M, a, b);
        }
        }
    }
    return st[0];
}

/* Derivative of e; NULL means zero; sets D->ok = false on failure. */
static Node *d(Diff *D, const Node *e)
{
    Model *M = D->M;
    if (!D->ok || !e) return NULL;
    if (!sym_depends_on(e, D->x)) return NULL;
    if (++D->depth > 200) { D->ok = false; return NULL; }
    Node *r = NULL;
    Node *a = e->a, *b = e->b;
    switch (e->kind) {
    case N_NAME:
        if (e->sym == D->x) r = one(M);
        else if (transparent_subexpr(e->sym)) r = d(D, e->sym->expr);
        break;
    case N_NEG: {
        Node *da = d(D, a);
        r = da ? sym_neg(M, da) : NULL;
        break;
    }
    case N_BIN: {
        Node *da = d(D, a), *db = d(D, b);
        switch (e->op) {
        case '+': r = zadd(M, da, db); break;
        case '-': r = zsub(M, da, db); break;
        case '*':
            r = zadd(M, da ? sym_mul(M, da, b) : NULL, db ? sym_mul(M, a, db) : NULL);
            break;
        case '/':
            if (!db) r = da ? sym_div(M, da, b) : NULL;
            else
                r = zsub(M, da ? sym_div(M, da, b) : NULL,
                         sym_div(M, sym_mul(M, a, db), sym_pow(M, b, num(M, 2))));
            break;
        case OP_POW:
            if (!db) {
                /* c*a**(c-1)*da */
                Node *c1 = sym_sub(M, b, one(M));
                r = sym_mul(M, sym_mul(M, b, sym_pow(M, a, c1)), da);
            } else if (!da) {
                r = sym_mul(M, sym_mul(M, (Node *)e, sym_call1(M, FN_LOG, a)), db);
            } else {
                Node *t = sym_add(M, sym_mul(M, db, sym_call1(M, FN_LOG, a)),
                                  sym_div(M, sym_mul(M, b, da), a));
                r = sym_mul(M, (Node *)e, t);
            }
            break;
        default:
            D->ok = false;
        }
        break;
    }
    case N_CALL: {
        const FuncDef *f = NULL;
        if (sym_is_lib(e->sym)) {
            f = func_lib_def(e->sym->builtin);
            if (f->deriv) {
                /* f'(x)*dx, zero (NULL) when dx is */
                Node *x = e->args[0];
                Node *dx = d(D, x);
                if (!D->ok || !dx) break;
                r = sym_mul(M, run_deriv(M, f->deriv, e, x), dx);
                break;
            }
        }
        if (e->sym && e->sym->kind == SYM_USERFUNC && e->sym->expr) {
            r = d(D, sym_expand(M, e));
            break;
        }
        if (!e->sym || e->sym->kind != SYM_FUNC || e->nargs < 1) { D->ok = false; break; }
        f = func_def(e->sym->builtin);
        Node *x = e->args[0];
        Node *dx = d(D, x);
        if (!D->ok) break;
        if (!f->deriv) { D->ok = false; break; }
        Node *fx = run_deriv(M, f->deriv, e, x);     /* derivative of the function at x */
        if (dx) r = sym_mul(M, fx, dx);
        break;
    }
    default:
        D->ok = false;
    }
    D->depth--;
    return r;
}

Node *sym_diff(Model *M, const Node *e, Sym *x)
{
    Diff D = { M, x, true, 0 };
    Node *r = d(&D, e);
    if (!D.ok) return NULL;
    if (!r) return sym_num(M, 0, dim_div(e->dim, x->dim));
    return r;
}

/* ------------------------------------------------------------------------ */
/* Linearity                                                                */
/* ------------------------------------------------------------------------ */

typedef struct Lin {
    Model       *M;
    Sym *const  *vars;
    int          n;
    const Node  *bad;
    int          depth;
} Lin;

/* Decompose e into coef[k] (NULL = 0) and *rest (NULL = 0). */
static bool lin(Lin *L, const Node *e, Node **coef, Node **rest)
{
    Model *M = L->M;
    for (int k = 0; k < L->n; k++) coef[k] = NULL;
    *rest = NULL;
    if (!sym_depends_on_any(e, L->vars, L->n)) {
        *rest = sym_is_num(e, 0.0) ? NULL : (Node *)e;
        return true;
    }
    if (++L->depth > 200) { L->bad = e; return false; }
    bool ok = true;
    Node **ca = arena_alloc(M->arena, sizeof *ca * (size_t)(2 * L->n + 1));
    Node **cb = ca + L->n;
    Node *ra, *rb;
    switch (e->kind) {
    case N_NAME:
        for (int k = 0; k < L->n; k++)
            if (e->sym == L->vars[k]) {
                coef[k] = sym_num(M, 1, DIM_NONE);
                L->depth--;
                return true;
            }
        if (transparent_subexpr(e->sym)) ok = lin(L, e->sym->expr, coef, rest);
        else { L->bad = e; ok = false; }
        break;
    case N_NEG:
        if ((ok = lin(L, e->a, ca, &ra))) {
            for (int k = 0; k < L->n; k++) coef[k] = ca[k] ? sym_neg(M, ca[k]) : NULL;
            *rest = ra ? sym_neg(M, ra) : NULL;
        }
        break;
    case N_BIN:
        if (e->op == '+' || e->op == '-') {
            if (!lin(L, e->a, ca, &ra) || !lin(L, e->b, cb, &rb)) { ok = false; break; }
            for (int k = 0; k < L->n; k++)
                coef[k] = e->op == '+' ? zadd(M, ca[k], cb[k]) : zsub(M, ca[k], cb[k]);
            *rest = e->op == '+' ? zadd(M, ra, rb) : zsub(M, ra, rb);
        } else if (e->op == '*') {
            bool da = sym_depends_on_any(e->a, L->vars, L->n);
            bool db = sym_depends_on_any(e->b, L->vars, L->n);
            if (da && db) { L->bad = e; ok = false; break; }
            if (da) {
                if (!lin(L, e->a, ca, &ra)) { ok = false; break; }
                for (int k = 0; k < L->n; k++) coef[k] = ca[k] ? sym_mul(M, ca[k], e->b) : NULL;
                *rest = ra ? sym_mul(M, ra, e->b) : NULL;
            } else {
                if (!lin(L, e->b, cb, &rb)) { ok = false; break; }
                for (int k = 0; k < L->n; k++) coef[k] = cb[k] ? sym_mul(M, e->a, cb[k]) : NULL;
                *rest = rb ? sym_mul(M, e->a, rb) : NULL;
            }
        } else if (e->op == '/') {
            if (sym_depends_on_any(e->b, L->vars, L->n)) { L->bad = e; ok = false; break; }
            if (!lin(L, e->a, ca, &ra)) { ok = false; break; }
            for (int k = 0; k < L->n; k++) coef[k] = ca[k] ? sym_div(M, ca[k], e->b) : NULL;
            *rest = ra ? sym_div(M, ra, e->b) : NULL;
        } else {
            L->bad = e;
            ok = false;
        }
        break;
    case N_CALL:
        if (e->sym && e->sym->kind == SYM_USERFUNC && e->sym->expr) ok = lin(L, sym_expand(M, e), coef, rest);
        else { L->bad = e; ok = false; }
        break;
    default:
        L->bad = e;
        ok = false;
    }
    L->depth--;
    return ok;
}

bool sym_linear(Model *M, const Node *e, Sym *const *vars, int n, Node **coef, Node **rest,
                const Node **bad)
{
    Lin L = { M, vars, n, NULL, 0 };
    Node *r;
    Node **c = arena_alloc(M->arena, sizeof *c * (size_t)(n ? n : 1));
    if (!lin(&L, e, c, &r)) {
        if (bad) *bad = L.bad;
        return false;
    }
    for (int k = 0; k < n; k++)
        coef[k] = c[k] ? c[k] : sym_num(M, 0, dim_div(e->dim, vars[k]->dim));
    *rest = r ? r : sym_num(M, 0, e->dim);
    if (bad) *bad = NULL;
    return true;
}

/* Conditional linearity (Brian2's get_conditionally_linear_system): the
 * expanded e is a sum of terms, each either free of x as a factor or x times
 * such a factor; x may appear inside function arguments and non-monomial
 * denominators or bases (tanh(v)*v, v/(1 + exp(v))).  c0 = NULL and c1 = NULL
 * stand for 0. */
typedef struct CLin {
    Model       *M;
    Sym         *x;
    const Node  *bad;
    int          depth;
} CLin;

static Node *zmul(Model *M, Node *a, Node *b) { return a && b ? sym_mul(M, a, b) : NULL; }

/* Does e have x (or a power of it) as a multiplicative factor, so that
 * dividing by it or taking a root makes a power of x that is not 0 or 1? */
static bool x_factor(CLin *C, const Node *e)
{
    if (!e || ++C->depth > 200) return true;
    bool r = false;
    if (e->kind == N_NAME && e->sym == C->x) r = true;
    else if (e->kind == N_NAME && transparent_subexpr(e->sym)) r = x_factor(C, e->sym->expr);
    else if (e->kind == N_NEG) r = x_factor(C, e->a);
    else if (e->kind == N_BIN && (e->op == '*' || e->op == '/')) r = x_factor(C, e->a) || x_factor(C, e->b);
    else if (e->kind == N_BIN && e->op == OP_POW) r = x_factor(C, e->a);
    else if (e->kind == N_CALL && e->sym && e->sym->kind == SYM_FUNC && e->sym->builtin == FN_SQRT)
        r = x_factor(C, e->args[0]);
    C->depth--;
    return r;
}

static bool clin(CLin *C, const Node *e, Node **c0, Node **c1)
{
    Model *M = C->M;
    *c0 = *c1 = NULL;
    if (!sym_depends_on(e, C->x)) {
        *c0 = sym_is_num(e, 0.0) ? NULL : (Node *)e;
        return true;
    }
    if (++C->depth > 200) { C->bad = e; return false; }
    bool ok = true;
    Node *a0, *a1, *b0, *b1;
    switch (e->kind) {
    case N_NAME:
        if (e->sym == C->x) *c1 = sym_num(M, 1, DIM_NONE);
        else if (transparent_subexpr(e->sym)) ok = clin(C, e->sym->expr, c0, c1);
        else { C->bad = e; ok = false; }
        break;
    case N_NEG:
        if ((ok = clin(C, e->a, &a0, &a1))) {
            *c0 = a0 ? sym_neg(M, a0) : NULL;
            *c1 = a1 ? sym_neg(M, a1) : NULL;
        }
        break;
    case N_BIN:
        if (e->op == '+' || e->op == '-') {
            if (!clin(C, e->a, &a0, &a1) || !clin(C, e->b, &b0, &b1)) { ok = false; break; }
            *c0 = e->op == '+' ? zadd(M, a0, b0) : zsub(M, a0, b0);
            *c1 = e->op == '+' ? zadd(M, a1, b1) : zsub(M, a1, b1);
        } else if (e->op == '*') {
            if (!clin(C, e->a, &a0, &a1) || !clin(C, e->b, &b0, &b1)) { ok = false; break; }
            if (a1 && b1) { C->bad = e; ok = false; break; }
            *c0 = zmul(M, a0, b0);
            *c1 = zadd(M, zmul(M, a0, b1), zmul(M, a1, b0));
        } else if (e->op == '/') {
            if (sym_depends_on(e->b, C->x) && x_factor(C, e->b)) { C->bad = e; ok = false; break; }
            if (!clin(C, e->a, &a0, &a1)) { ok = false; break; }
            *c0 = a0 ? sym_div(M, a0, e->b) : NULL;
            *c1 = a1 ? sym_div(M, a1, e->b) : NULL;
        } else if (e->op == OP_POW) {
            double p;
            bool num = !sym_depends_on(e->b, C->x) && sym_eval(e->b, NULL, NULL, &p);
            if (num && p == 1) { ok = clin(C, e->a, c0, c1); break; }
            if (!num) { C->bad = e; ok = false; break; }
            if (p == floor(p) && p >= 2) {
                /* a whole power: x-free as a factor only if a is */
                if (!clin(C, e->a, &a0, &a1) || a1) { C->bad = e; ok = false; break; }
            } else if (x_factor(C, e->a)) { C->bad = e; ok = false; break; }
            *c0 = (Node *)e;
        } else {
            C->bad = e;
            ok = false;
        }
        break;
    case N_CALL:
        if (e->sym && e->sym->kind == SYM_USERFUNC && e->sym->expr) ok = clin(C, sym_expand(M, e), c0, c1);
        else if (e->sym && e->sym->kind == SYM_FUNC && e->sym->builtin == FN_SQRT && x_factor(C, e->args[0])) {
            C->bad = e;
            ok = false;
        } else *c0 = (Node *)e;     /* tanh(v), exp(v), ...: a factor free of x */
        break;
    default:
        C->bad = e;
        ok = false;
    }
    C->depth--;
    return ok;
}

bool sym_cond_linear(Model *M, const Node *e, Sym *x, Node **a, Node **b, const Node **bad)
{
    CLin C = { M, x, NULL, 0 };
    Node *c0, *c1;
    if (!clin(&C, e, &c0, &c1) || !c1) {
        if (bad) *bad = C.bad ? C.bad : e;
        return false;
    }
    *a = c1;
    *b = c0 ? c0 : sym_num(M, 0, e->dim);
    if (bad) *bad = NULL;
    return true;
}







/* ------------------------------------------------------------------------ */
/* Printing                                                                 */
/* ------------------------------------------------------------------------ */

enum { P_OR = 1, P_AND, P_NOT, P_CMP, P_ADD, P_MUL, P_UNARY, P_POW, P_ATOM };

static int prec(const Node *e)
{
    switch (e->kind) {
    case N_OR: return P_OR;
    case N_AND: return P_AND;
    case N_NOT: return P_NOT;
    case N_CMP: return P_CMP;
    case N_NEG: return P_UNARY;
    case N_NUM: return e->num < 0 ? P_UNARY : P_ATOM;
    case N_BIN:
        switch (e->op) {
        case '+': case '-': return P_ADD;
        case OP_POW: return P_POW;
        default: return P_MUL;
        }
    default: return P_ATOM;
    }
}

static const char *op_text(int op)
{
    switch (op) {
    case OP_POW: return "**";
    case OP_FLOORDIV: return "//";
    case OP_LE: return "<=";
    case OP_GE: return ">=";
    case OP_EQ: return "==";
    case OP_NE: return "!=";
    case '+': return "+";
    case '-': return "-";
    case '*': return "*";
    case '/': return "/";
    case '%': return "%";
    case '<': return "<";
    case '>': return ">";
    default: return "?";
    }
}

static void put(Buf *b, const Node *e, int depth);

static void put_paren(Buf *b, const Node *e, bool paren, int depth)
{
    if (paren) buf_puts(b, "(");
    put(b, e, depth);
    if (paren) buf_puts(b, ")");
}

static void put(Buf *b, const Node *e, int depth)
{
    if (!e) { buf_puts(b, "?"); return; }
    if (depth > 400) { buf_puts(b, "..."); return; }
    int p = prec(e);
    switch (e->kind) {
    case N_NUM: {
        char t[40];
        snprintf(t, sizeof t, "%.15g", e->num);
        if (strtod(t, NULL) != e->num) snprintf(t, sizeof t, "%.17g", e->num);
        buf_puts(b, t);
        break;
    }
    case N_NAME:
        if (e->sym && e->sym->name) buf_puts(b, e->sym->name);
        else buf_put(b, e->name.z, e->name.n);
        break;
    case N_STR:
        buf_printf(b, "'%.*s'", (int)e->name.n, e->name.z);
        break;
    case N_NEG:
        buf_puts(b, "-");
        put_paren(b, e->a, prec(e->a) < P_POW, depth + 1);
        break;
    case N_NOT:
        buf_puts(b, "not ");
        put_paren(b, e->a, prec(e->a) < P_NOT, depth + 1);
        break;
    case N_AND: case N_OR:
        put_paren(b, e->a, prec(e->a) < p, depth + 1);
        buf_puts(b, e->kind == N_AND ? " and " : " or ");
        put_paren(b, e->b, prec(e->b) <= p, depth + 1);
        break;
    case N_BIN: case N_CMP:
        if (e->op == OP_POW) {
            put_paren(b, e->a, prec(e->a) <= p, depth + 1);
            buf_puts(b, "**");
            put_paren(b, e->b, prec(e->b) < P_UNARY, depth + 1);
        } else {
            put_paren(b, e->a, prec(e->a) < p, depth + 1);
            buf_printf(b, p == P_MUL ? "%s" : " %s ", op_text(e->op));
            put_paren(b, e->b, prec(e->b) <= p, depth + 1);
        }
        break;
    case N_CALL: case N_LIST:
        if (e->kind == N_CALL) {
            if (e->sym && e->sym->name) buf_puts(b, e->sym->name);
            else buf_put(b, e->name.z, e->name.n);
        }
        buf_puts(b, e->kind == N_CALL ? "(" : "[");
        for (int k = 0; k < e->nargs; k++) {
            if (k) buf_puts(b, ", ");
            put(b, e->args[k], depth + 1);
        }
        buf_puts(b, e->kind == N_CALL ? ")" : "]");
        break;
    default:
        buf_puts(b, "?");
    }
}

const char *sym_str(Arena *A, const Node *e)
{
    Buf b;
    buf_init(&b, A);
    put(&b, e, 0);
    return b.p;
}
