/* SPDX-License-Identifier: MIT */
/* This file contains the expression basics (see sym_build.h): the
 * simplifying builders of numbers, names, operators and calls, folding
 * numbers only where IEEE arithmetic is exact; structural equality; and the
 * double-precision evaluator with Brian2's semantics. */
#include "sym_build.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool span_empty(Span s) { return s.end <= s.start; }

/* Span covering both operands, ignoring the empty spans of generated nodes. */
Span sym_span2(const Node *a, const Node *b)
{
    Span none = { 0, 0 };
    if (!a || span_empty(a->span)) return b ? b->span : none;
    if (!b || span_empty(b->span)) return a->span;
    return span_join(a->span, b->span);
}

Node *sym_node(Model *M, int kind, Span s)
{
    Node *n = arena_alloc(M->arena, sizeof *n);
    n->kind = (uint16_t)kind;
    n->span = s;
    n->checked = true;
    return n;
}

bool sym_is_number(const Node *n) { return n && n->kind == N_NUM; }

bool sym_is_num(const Node *n, double v) { return sym_is_number(n) && n->num == v; }

static bool is_zero(const Node *n) { return sym_is_num(n, 0.0); }

/* Dimensionless 1 and -1 (a dimensioned 1 must stay, it carries a unit). */
static bool is_one(const Node *n) { return sym_is_num(n, 1.0) && dim_is_none(n->dim); }
static bool is_mone(const Node *n) { return sym_is_num(n, -1.0) && dim_is_none(n->dim); }

/* A folded value is acceptable if it is finite and not -0.0. */
bool sym_foldable(double r) { return isfinite(r) && !(r == 0.0 && signbit(r)); }

static int arith_type(const Node *a, const Node *b)
{
    return (a->type == TY_FLOAT || b->type == TY_FLOAT) ? TY_FLOAT : TY_INT;
}

/* Twelfths of a numeric exponent, if it is a whole number of them. */
static bool exponent_twelfths(const Node *b, int *p)
{
    double v;
    if (!sym_eval(b, NULL, NULL, &v)) return false;
    double t = v * DIM_DEN;
    double r = nearbyint(t);
    if (fabs(t - r) > 1e-9 || fabs(r) > 30000) return false;
    *p = (int)r;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Library functions                                                        */
/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */

Node *sym_num(Model *M, double v, Dim d)
{
    Span none = { 0, 0 };
    Node *n = sym_node(M, N_NUM, none);
    n->num = v;
    n->dim = d;
    n->type = TY_FLOAT;
    return n;
}

Node *sym_name(Model *M, Sym *s)
{
    Span none = { 0, 0 };
    Node *n = sym_node(M, N_NAME, none);
    n->name = ident_cstr(s->name);
    n->sym = s;
    n->dim = s->dim;
    n->type = s->type;
    return n;
}

/* A raw binary node without simplification. */
static Node *raw_bin(Model *M, int op, Node *a, Node *b, Dim d, int type)
{
    Node *n = sym_node(M, N_BIN, sym_span2(a, b));
    n->op = (int16_t)op;
    n->a = a;
    n->b = b;
    n->dim = d;
    n->type = (uint8_t)type;
    return n;
}

static bool is_bin(const Node *n, int op) { return n && n->kind == N_BIN && n->op == op; }

Node *sym_neg(Model *M, Node *a)
{
    if (sym_is_number(a)) {
        if (a->num == 0) return a;
        Node *r = sym_num(M, -a->num, a->dim);
        r->type = a->type;
        r->span = a->span;
        return r;
    }
    if (a->kind == N_NEG) return a->a;
    if (is_bin(a, '-')) return raw_bin(M, '-', a->b, a->a, a->dim, a->type);
    Node *n = sym_node(M, N_NEG, a->span);
    n->a = a;
    n->dim = a->dim;
    n->type = a->type == TY_BOOL ? TY_INT : a->type;
    return n;
}

Node *sym_add(Model *M, Node *a, Node *b)
{
    if (is_zero(a)) return b;
    if (is_zero(b)) return a;
    if (sym_is_number(a) && sym_is_number(b) && sym_foldable(a->num + b->num)) {
        Node *r = sym_num(M, a->num + b->num, a->dim);
        r->type = (uint8_t)arith_type(a, b);
        return r;
    }
    if (b->kind == N_NEG) return sym_sub(M, a, b->a);
    if (a->kind == N_NEG) return sym_sub(M, b, a->a);
    if (sym_is_number(b) && b->num < 0) return sym_sub(M, a, sym_neg(M, b));
    return raw_bin(M, '+', a, b, a->dim, arith_type(a, b));
}

Node *sym_sub(Model *M, Node *a, Node *b)
{
    if (is_zero(b)) return a;
    if (is_zero(a)) return sym_neg(M, b);
    if (sym_is_number(a) && sym_is_number(b) && sym_foldable(a->num - b->num)) {
        Node *r = sym_num(M, a->num - b->num, a->dim);
        r->type = (uint8_t)arith_type(a, b);
        return r;
    }
    if (b->kind == N_NEG) return sym_add(M, a, b->a);
    if (sym_is_number(b) && b->num < 0) return sym_add(M, a, sym_neg(M, b));
    return raw_bin(M, '-', a, b, a->dim, arith_type(a, b));
}

Node *sym_mul(Model *M, Node *a, Node *b)
{
    if (is_one(a)) return b;
    if (is_one(b)) return a;
    if (sym_is_number(a) && sym_is_number(b) && sym_foldable(a->num * b->num)) {
        Node *r = sym_num(M, a->num * b->num, dim_mul(a->dim, b->dim));
        r->type = (uint8_t)arith_type(a, b);
        return r;
    }
    if (is_mone(a)) return sym_neg(M, b);
    if (is_mone(b)) return sym_neg(M, a);
    if (a->kind == N_NEG) return sym_neg(M, sym_mul(M, a->a, b));
    if (b->kind == N_NEG) return sym_neg(M, sym_mul(M, a, b->a));
    if (sym_is_number(a) && a->num < 0) return sym_neg(M, sym_mul(M, sym_neg(M, a), b));
    if (sym_is_number(b) && b->num < 0) return sym_neg(M, sym_mul(M, a, sym_neg(M, b)));
    /* (p/q)*r -> p*r/q and r*(p/q) -> r*p/q, the form SymPy prints. */
    if (is_bin(a, '/') && !is_bin(b, '/')) {
        if (is_one(a->a)) return sym_div(M, b, a->b);
        return sym_div(M, sym_mul(M, a->a, b), a->b);
    }
    if (is_bin(b, '/') && !is_bin(a, '/')) {
        if (is_one(b->a)) return sym_div(M, a, b->b);
        return sym_div(M, sym_mul(M, a, b->a), b->b);
    }
    return raw_bin(M, '*', a, b, dim_mul(a->dim, b->dim), arith_type(a, b));
}

Node *sym_div(Model *M, Node *a, Node *b)
{
    if (is_one(b) && a->type == TY_FLOAT) return a;
    if (sym_is_number(a) && sym_is_number(b) && b->num != 0 && sym_foldable(a->num / b->num))
        return sym_num(M, a->num / b->num, dim_div(a->dim, b->dim));
    if (is_mone(b) && a->type == TY_FLOAT) return sym_neg(M, a);
    if (a->kind == N_NEG && b->kind == N_NEG) return sym_div(M, a->a, b->a);
    if (a->kind == N_NEG) return sym_neg(M, sym_div(M, a->a, b));
    if (b->kind == N_NEG) return sym_neg(M, sym_div(M, a, b->a));
    if (sym_is_number(b) && b->num < 0) return sym_neg(M, sym_div(M, a, sym_neg(M, b)));
    if (sym_is_number(a) && a->num < 0) return sym_neg(M, sym_div(M, sym_neg(M, a), b));
    /* (p/q)/(r/q) -> p/r */
    if (is_bin(a, '/') && is_bin(b, '/') && sym_equal(a->b, b->b)) return sym_div(M, a->a, b->a);
    /* a/(1/q) -> a*q */
    if (is_bin(b, '/') && is_one(b->a)) return sym_mul(M, a, b->b);
    /* (p/q)/r -> p/(q*r) */
    if (is_bin(a, '/') && !is_bin(b, '/')) return sym_div(M, a->a, sym_mul(M, a->b, b));
    return raw_bin(M, '/', a, b, dim_div(a->dim, b->dim), TY_FLOAT);
}

Node *sym_pow(Model *M, Node *a, Node *b)
{
    if (sym_is_num(b, 1)) return a;
    if (is_zero(b)) return sym_num(M, 1, DIM_NONE);
    Dim d = DIM_NONE;
    if (!dim_is_none(a->dim)) {
        int p;
        if (exponent_twelfths(b, &p)) dim_pow(a->dim, p, DIM_DEN, &d);
    }
    if (sym_is_number(a) && sym_is_number(b)) {
        double r = pow(a->num, b->num);
        if (sym_foldable(r)) return sym_num(M, r, d);
    }
    return raw_bin(M, OP_POW, a, b, d, TY_FLOAT);
}

Node *sym_bin(Model *M, int op, Node *a, Node *b)
{
    switch (op) {
    case '+': return sym_add(M, a, b);
    case '-': return sym_sub(M, a, b);
    case '*': return sym_mul(M, a, b);
    case '/': return sym_div(M, a, b);
    case OP_POW: return sym_pow(M, a, b);
    case '%':
        return raw_bin(M, '%', a, b, a->dim, arith_type(a, b));
    case OP_FLOORDIV:
        return raw_bin(M, OP_FLOORDIV, a, b, dim_div(a->dim, b->dim), arith_type(a, b));
    default: {
        Node *n = sym_node(M, N_CMP, sym_span2(a, b));
        n->op = (int16_t)op;
        n->a = a;
        n->b = b;
        n->dim = DIM_NONE;
        n->type = TY_BOOL;
        return n;
    }
    }
}

/* ------------------------------------------------------------------------ */
/* Queries                                                                  */
/* ------------------------------------------------------------------------ */

bool sym_equal(const Node *a, const Node *b)
{
    if (a == b) return true;
    if (!a || !b || a->kind != b->kind) return false;
    switch (a->kind) {
    case N_NUM:
        return a->num == b->num && signbit(a->num) == signbit(b->num) && dim_eq(a->dim, b->dim);
    case N_NAME:
        if (a->sym || b->sym) return a->sym == b->sym;
        return ident_same(a->name, b->name);
    case N_STR:
        return ident_same(a->name, b->name);
    default:
        break;
    }
    if (a->op != b->op || a->nargs != b->nargs) return false;
    if (a->kind == N_CALL && a->sym != b->sym) return false;
    if (!sym_equal(a->a, b->a) || !sym_equal(a->b, b->b)) return false;
    for (int k = 0; k < a->nargs; k++)
        if (!sym_equal(a->args[k], b->args[k])) return false;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Builders                                                                 */

/* Dimension and type of a call of a built-in function. */
static void call_dim_type(int fn, Node **args, int nargs, Dim *d, int *type)
{
    *d = DIM_NONE;
    *type = TY_FLOAT;
    switch (fn) {
    case FN_SQRT:
        if (nargs > 0 && !dim_pow(args[0]->dim, 1, 2, d)) *d = DIM_NONE;
        break;
    case FN_ABS: case FN_FLOOR: case FN_CEIL: case FN_CLIP:
        if (nargs > 0) {
            *d = args[0]->dim;
            if (fn == FN_ABS || fn == FN_CLIP) *type = args[0]->type == TY_FLOAT ? TY_FLOAT : TY_INT;
        }
        break;
    case FN_INT:
        if (nargs > 0) *d = args[0]->dim;
        *type = TY_INT;
        break;
    default:
        break;
    }
}

/* ------------------------------------------------------------------------ */
/* Evaluation                                                               */
/* ------------------------------------------------------------------------ */

/* Brian2's built-in functions on doubles (rand/randn are not handled here). */
static double eval_fn(int fn, const double *x, int nargs, bool *ok)
{
    const FuncDef *f = func_def(fn);
    if (!f->eval || nargs < f->arity) {
        *ok = false;
        return 0;
    }
    return f->eval(x);
}

Node *sym_call(Model *M, int fn, Node **args, int nargs)
{
    bool allnum = !FN_IS_RANDOM(fn);
    for (int k = 0; k < nargs; k++)
        if (!sym_is_number(args[k])) allnum = false;
    Dim d;
    int type;
    call_dim_type(fn, args, nargs, &d, &type);
    if (allnum) {
        double x[3] = { 0, 0, 0 };
        for (int k = 0; k < nargs && k < 3; k++) x[k] = args[k]->num;
        bool ok = true;
        double r = eval_fn(fn, x, nargs, &ok);
        if (ok && sym_foldable(r)) {
            Node *n = sym_num(M, r, d);
            n->type = (uint8_t)type;
            return n;
        }
    }
    Span s = nargs ? args[0]->span : (Span){ 0, 0 };
    for (int k = 1; k < nargs; k++) s = sym_span2(&(Node){ .span = s }, args[k]);
    Node *n = sym_node(M, N_CALL, s);
    n->name = ident_cstr(model_func_name(fn));
    n->sym = model_func(M, fn);
    n->nargs = nargs;
    n->args = arena_alloc(M->arena, sizeof *n->args * (size_t)(nargs ? nargs : 1));
    for (int k = 0; k < nargs; k++) n->args[k] = args[k];
    n->dim = d;
    n->type = (uint8_t)type;
    return n;
}

Node *sym_call1(Model *M, int fn, Node *a) { return sym_call(M, fn, &a, 1); }

/* Parameter bindings while evaluating a user function's body. */
typedef struct Bind {
    SymLookup    outer;
    void        *octx;
    Sym *const  *params;
    const double *vals;
    int          n;
} Bind;

/* Python's float modulo: the result has the sign of the divisor. */
static double py_mod(double a, double b)
{
    double r = fmod(a, b);
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
}

static bool bind_lookup(void *ctx, const Node *n, double *out)
{
    Bind *b = ctx;
    if (n->kind == N_NAME)
        for (int k = 0; k < b->n; k++)
            if (n->sym == b->params[k]) {
                *out = b->vals[k];
                return true;
            }
    return b->outer ? b->outer(b->octx, n, out) : false;
}

static bool eval(const Node *e, SymLookup lookup, void *ctx, double *out, int depth)
{
    double a, b;
    if (!e || depth > 400) return false;
    switch (e->kind) {
    case N_NUM:
        *out = e->num;
        return true;
    case N_NAME:
        if (e->sym && (e->sym->kind == SYM_CONST || e->sym->kind == SYM_UNIT)) {
            *out = e->sym->value;
            return true;
        }
        if (lookup && lookup(ctx, e, out)) return true;
        if (e->sym && e->sym->kind == SYM_SUBEXPR && e->sym->expr)
            return eval(e->sym->expr, lookup, ctx, out, depth + 1);
        return false;
    case N_NEG:
        if (!eval(e->a, lookup, ctx, &a, depth + 1)) return false;
        *out = -a;
        return true;
    case N_NOT:
        if (!eval(e->a, lookup, ctx, &a, depth + 1)) return false;
        *out = a == 0;
        return true;
    case N_AND: case N_OR:
        if (!eval(e->a, lookup, ctx, &a, depth + 1)) return false;
        if (e->kind == N_AND && a == 0) { *out = 0; return true; }
        if (e->kind == N_OR && a != 0) { *out = 1; return true; }
        if (!eval(e->b, lookup, ctx, &b, depth + 1)) return false;
        *out = b != 0;
        return true;
    case N_BIN: case N_CMP:
        if (!eval(e->a, lookup, ctx, &a, depth + 1) || !eval(e->b, lookup, ctx, &b, depth + 1))
            return false;
        switch (e->op) {
        case '+': *out = a + b; break;
        case '-': *out = a - b; break;
        case '*': *out = a * b; break;
        case '/': *out = a / b; break;
        case '%': *out = py_mod(a, b); break;
        case OP_FLOORDIV: *out = floor(a / b); break;
        case OP_POW: *out = pow(a, b); break;
        case '<': *out = a < b; break;
        case '>': *out = a > b; break;
        case OP_LE: *out = a <= b; break;
        case OP_GE: *out = a >= b; break;
        case OP_EQ: *out = a == b; break;
        case OP_NE: *out = a != b; break;
        default: return false;
        }
        return true;
    case N_CALL: {
        if (!e->sym) return false;
        double x[8];
        int n = e->nargs < 8 ? e->nargs : 8;
        if (e->sym->kind == SYM_FUNC && FN_IS_RANDOM(e->sym->builtin))
            return lookup ? lookup(ctx, e, out) : false;
        for (int k = 0; k < n; k++)
            if (!eval(e->args[k], lookup, ctx, &x[k], depth + 1)) return false;
        if (e->sym->kind == SYM_FUNC) {
            bool ok = true;
            *out = eval_fn(e->sym->builtin, x, n, &ok);
            return ok;
        }
        if (sym_is_lib(e->sym)) {
            const FuncDef *f = func_lib_def(e->sym->builtin);
            if (n < f->arity || !f->eval) return false;
            *out = f->eval(x);
            return true;
        }
        if (e->sym->kind == SYM_USERFUNC && e->sym->expr) {
            Bind bd = { lookup, ctx, e->sym->params, x, n < e->sym->nparams ? n : e->sym->nparams };
            return eval(e->sym->expr, bind_lookup, &bd, out, depth + 1);
        }
        return lookup ? lookup(ctx, e, out) : false;
    }
    default:
        return false;
    }
}

bool sym_eval(const Node *e, SymLookup lookup, void *ctx, double *out)
{
    return eval(e, lookup, ctx, out, 0);
}

bool sym_is_lib(const Sym *s)
{
    return s && s->kind == SYM_USERFUNC && !s->expr && s->builtin > 0 && s->builtin < LIB_COUNT;
}
