/* SPDX-License-Identifier: MIT */
/* This file contains the unit tests of the symbolic layer and the
 * integrator: it builds annotated expression trees by hand (as sema would),
 * runs integrate_group and executes the produced statements with a small
 * interpreter, measuring convergence orders, comparing exact updates with
 * closed forms and checking the error paths and every node's dimension;
 * and the tables of functions (functions.c) and integration methods. */
#include <stdarg.h>
#include "test-common.h"
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "integrate.h"
#include "symbolic.h"

extern const char snn_math_text[];   /* runtime/snnmath.h */

/* Figures for the log, as TAP comments ("# ..."), one per line. */
static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) fprintf(stdout, "# %s\n", line);
}

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ------------------------------------------------------------------------ */
/* Fixture: one arena, model and diagnostics per test                       */
/* ------------------------------------------------------------------------ */

static Arena A;
static Model M;
static Diag D;
static Source *SRC;

static void setup(void)
{
    arena_init(&A);
    memset(&M, 0, sizeof M);
    M.arena = &A;
    M.dt = 1e-4;
    static const char text[] = "model { dv/dt = ... }\n";
    SRC = source_new(&A, "test.snn", text, (int)sizeof text - 1);
    diag_init(&D, &A, SRC);
}

static void teardown(void) { arena_free(&A); }

/* Dimensions (exponents in twelfths): metre, kilogram, second, amp, ... */
static Dim mkdim(int m, int kg, int s, int a)
{
    Dim d = DIM_NONE;
    d.e[0] = (int16_t)(m * DIM_DEN);
    d.e[1] = (int16_t)(kg * DIM_DEN);
    d.e[2] = (int16_t)(s * DIM_DEN);
    d.e[3] = (int16_t)(a * DIM_DEN);
    return d;
}
#define VOLT mkdim(2, 1, -3, -1)
#define SECOND mkdim(0, 0, 1, 0)
#define HERTZ mkdim(0, 0, -1, 0)
#define NONE DIM_NONE

static Sym *mksym(int kind, const char *name, Dim d)
{
    Sym *s = arena_alloc(&A, sizeof *s);
    s->kind = kind;
    s->name = arena_strdup(&A, name);
    s->dim = d;
    s->type = TY_FLOAT;
    s->span.start = 8;
    s->span.end = 13;
    return s;
}

static Sym *state(const char *name, Dim d)
{
    Sym *s = mksym(SYM_VAR, name, d);
    s->role = VR_STATE;
    return s;
}

static Sym *param(const char *name, Dim d)
{
    Sym *s = mksym(SYM_VAR, name, d);
    s->role = VR_PARAM;
    return s;
}

static Sym *cnst(const char *name, double v, Dim d)
{
    Sym *s = mksym(SYM_CONST, name, d);
    s->value = v;
    return s;
}

/* Raw nodes as the parser and sema make them (no simplification). */
static Node *nm(Sym *s)
{
    Node *n = ast_name(&A, ident_cstr(s->name), (Span){ 0, 0 });
    n->sym = s;
    n->dim = s->dim;
    n->type = s->type;
    return n;
}

static Node *nu(double v)
{
    Node *n = ast_num(&A, v, false, (Span){ 0, 0 });
    n->dim = DIM_NONE;
    return n;
}

static Node *bn(int op, Node *a, Node *b)
{
    Node *n = ast_bin(&A, op, a, b, (Span){ 0, 0 });
    n->type = TY_FLOAT;
    switch (op) {
    case '*': n->dim = dim_mul(a->dim, b->dim); break;
    case '/': n->dim = dim_div(a->dim, b->dim); break;
    case OP_POW: {
        n->dim = DIM_NONE;
        if (!dim_is_none(a->dim)) dim_pow(a->dim, (int)lround(b->num * DIM_DEN), DIM_DEN, &n->dim);
        break;
    }
    default: n->dim = a->dim;
    }
    return n;
}

static Node *ng(Node *a)
{
    Node *n = ast_unary(&A, N_NEG, a, (Span){ 0, 0 });
    n->dim = a->dim;
    n->type = a->type;
    return n;
}

static Node *call1(int fn, Node *a)
{
    Node **args = arena_alloc(&A, sizeof *args);
    args[0] = a;
    Node *n = ast_call(&A, ident_cstr(model_func_name(fn)), args, 1, (Span){ 0, 0 });
    n->sym = model_func(&M, fn);
    n->dim = DIM_NONE;
    if (fn == FN_SQRT) dim_pow(a->dim, 1, 2, &n->dim);
    if (fn == FN_INT) n->type = TY_INT;
    return n;
}

static Node *xi_node(void) { return nm(model_builtin(&M, B_XI)); }

static Group *group(Sym **odes, int n, const char *method)
{
    Group *g = arena_alloc(&A, sizeof *g);
    g->name = "G";
    g->odes = arena_alloc(&A, sizeof *g->odes * (size_t)n);
    for (int i = 0; i < n; i++) g->odes[i] = odes[i];
    g->nodes = n;
    g->method = method;
    g->method_span = (Span){ 0, 5 };
    return g;
}

/* ------------------------------------------------------------------------ */
/* A tiny interpreter for the produced statements                           */
/* ------------------------------------------------------------------------ */

typedef struct Env {
    Sym   *syms[128];
    double vals[128];
    int    n;
    double t, dt;
    double randn[8];    /* successive randn() values */
    int    nrandn;
} Env;

static double *slot(Env *e, const Sym *s)
{
    for (int k = 0; k < e->n; k++)
        if (e->syms[k] == s) return &e->vals[k];
    ck_assert_int_lt(e->n, 128);
    e->syms[e->n] = (Sym *)s;
    e->vals[e->n] = NAN;
    return &e->vals[e->n++];
}

static void set(Env *e, Sym *s, double v) { *slot(e, s) = v; }
static double get(Env *e, Sym *s) { return *slot(e, s); }

static bool lookup(void *ctx, const Node *n, double *out)
{
    Env *e = ctx;
    if (n->kind == N_CALL) {
        *out = e->randn[e->nrandn++ % 8];
        return true;
    }
    if (n->sym && n->sym->kind == SYM_BUILTIN) {
        if (n->sym->builtin == B_T) { *out = e->t; return true; }
        if (n->sym->builtin == B_DT) { *out = e->dt; return true; }
    }
    for (int k = 0; k < e->n; k++)
        if (e->syms[k] == n->sym) {
            *out = e->vals[k];
            return true;
        }
    return false;
}

static void step(Group *g, Env *e)
{
    e->nrandn = 0;
    for (int k = 0; k < g->update.n; k++) {
        Stmt *s = g->update.v[k];
        double v;
        ck_assert_msg(sym_eval(s->expr, lookup, e, &v), "cannot evaluate %s = %s", s->sym->name,
                      sym_str(&A, s->expr));
        if (s->guard && get(e, s->guard) == 0) continue;
        set(e, s->sym, v);
    }
    e->t += e->dt;
}

static const char *listing(Group *g)
{
    Buf b;
    buf_init(&b, &A);
    for (int k = 0; k < g->update.n; k++) {
        Stmt *s = g->update.v[k];
        buf_printf(&b, "%s %s %s%s\n", s->sym->name, s->op == ':' ? ":=" : "=",
                   sym_str(&A, s->expr), s->guard ? "   [guarded]" : "");
    }
    return b.p;
}

/* Recompute every node's dimension bottom-up and compare with its field. */
static void check_dims(const Node *e, const char *where)
{
    if (!e) return;
    check_dims(e->a, where);
    check_dims(e->b, where);
    for (int k = 0; k < e->nargs; k++) check_dims(e->args[k], where);
    Dim want = e->dim;
    switch (e->kind) {
    case N_NAME: want = e->sym->dim; break;
    case N_NEG: want = e->a->dim; break;
    case N_BIN:
        switch (e->op) {
        case '+': case '-':
            ck_assert_msg(dim_eq(e->a->dim, e->b->dim), "%s: adding different dimensions in %s",
                          where, sym_str(&A, e));
            want = e->a->dim;
            break;
        case '*': want = dim_mul(e->a->dim, e->b->dim); break;
        case '/': want = dim_div(e->a->dim, e->b->dim); break;
        case OP_POW: {
            double p;
            ck_assert(sym_eval(e->b, NULL, NULL, &p));
            if (!dim_pow(e->a->dim, (int)lround(p * DIM_DEN), DIM_DEN, &want)) want = DIM_NONE;
            break;
        }
        }
        break;
    case N_CALL:
        switch (e->sym->builtin) {
        case FN_SQRT: dim_pow(e->args[0]->dim, 1, 2, &want); break;
        case FN_INT: case FN_ABS: want = e->args[0]->dim; break;
        case FN_RANDN: case FN_RAND: want = DIM_NONE; break;
        default:
            ck_assert_msg(dim_is_none(e->args[0]->dim), "%s: %s of a dimensioned value in %s",
                          where, e->sym->name, sym_str(&A, e));
            want = DIM_NONE;
        }
        break;
    default:
        break;
    }
    ck_assert_msg(dim_eq(want, e->dim), "%s: wrong dimension on %s", where, sym_str(&A, e));
    if (e->kind == N_NUM) ck_assert_msg(!(e->num == 0 && signbit(e->num)), "-0.0 literal");
}

static void check_block_dims(Group *g)
{
    for (int k = 0; k < g->update.n; k++) {
        Stmt *s = g->update.v[k];
        check_dims(s->expr, s->sym->name);
        ck_assert_msg(dim_eq(s->expr->dim, s->sym->dim), "statement %s has the wrong dimension",
                      s->sym->name);
    }
}

static bool has_error(const char *needle)
{
    for (int k = 0; k < D.n; k++)
        if (strstr(D.v[k].msg, needle)) return true;
    return false;
}

static const char *errors(void)
{
    Buf b;
    buf_init(&b, &A);
    for (int k = 0; k < D.n; k++) buf_printf(&b, "%s\n", D.v[k].msg);
    return b.p;
}

/* Least-squares slope of log(err) against log(dt). */
static double order(const double *dt, const double *err, int n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int k = 0; k < n; k++) {
        double x = log(dt[k]), y = log(err[k]);
        sx += x; sy += y; sxx += x * x; sxy += x * y;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

/* ------------------------------------------------------------------------ */
/* Symbolic layer                                                           */
/* ------------------------------------------------------------------------ */

START_TEST(test_sym_simplify)
{
    Sym *x = state("x", NONE);
    /* 2*3 + x*1 - 0 -> 6 + x */
    Node *e = bn('-', bn('+', bn('*', nu(2), nu(3)), bn('*', nm(x), nu(1))), nu(0));
    Node *s = sym_simplify(&M, e, false);
    ck_assert_str_eq(sym_str(&A, s), "6 + x");
    /* 0*-3 must not become a -0.0 literal; --x -> x; x/1 -> x */
    Node *z = sym_mul(&M, sym_num(&M, 0, NONE), sym_num(&M, -3, NONE));
    ck_assert(!(z->kind == N_NUM && signbit(z->num)));
    Node *xx = nm(x);
    ck_assert_ptr_eq(sym_neg(&M, sym_neg(&M, xx)), xx);
    ck_assert_str_eq(sym_str(&A, sym_div(&M, nm(x), nu(1))), "x");
    /* NaN is never folded */
    Node *nan = sym_div(&M, sym_num(&M, 0, NONE), sym_num(&M, 0, NONE));
    ck_assert_int_ne(nan->kind, N_NUM);
    /* 0*x stays (x could be inf), x*0 with a number folds */
    ck_assert_int_ne(sym_mul(&M, sym_num(&M, 0, NONE), nm(x))->kind, N_NUM);
    /* constants fold on request, keeping the dimension */
    Sym *tau = cnst("tau", 0.01, SECOND);
    Node *f = sym_simplify(&M, bn('*', nu(2), nm(tau)), true);
    ck_assert_int_eq(f->kind, N_NUM);
    ck_assert_double_eq(f->num, 0.02);
    ck_assert(dim_eq(f->dim, SECOND));
    /* (El + I)/tau / (-1/tau) -> -(El + I) */
    Sym *El = cnst("El", -0.07, VOLT), *I = param("I", VOLT);
    Node *B = sym_div(&M, sym_add(&M, nm(El), nm(I)), nm(tau));
    Node *Acoef = sym_neg(&M, sym_div(&M, sym_num(&M, 1, NONE), nm(tau)));
    ck_assert_str_eq(sym_str(&A, sym_neg(&M, sym_div(&M, B, Acoef))), "El + I");
}
END_TEST

START_TEST(test_sym_diff)
{
    Sym *v = state("v", NONE), *tau = cnst("tau", 0.3, NONE);
    /* exp(-v/tau)*v**2 + sin(v) + log(v) + sqrt(v) + tanh(v)/v + arctan(v)*cos(v) */
    Node *e = bn('*', call1(FN_EXP, ng(bn('/', nm(v), nm(tau)))), bn(OP_POW, nm(v), nu(2)));
    e = bn('+', e, call1(FN_SIN, nm(v)));
    e = bn('+', e, call1(FN_LOG, nm(v)));
    e = bn('+', e, call1(FN_SQRT, nm(v)));
    e = bn('+', e, bn('/', call1(FN_TANH, nm(v)), nm(v)));
    e = bn('+', e, bn('*', call1(FN_ARCTAN, nm(v)), call1(FN_COS, nm(v))));
    Node *de = sym_diff(&M, e, v);
    ck_assert_ptr_nonnull(de);
    check_dims(de, "diff");
    Env env = { 0 };
    for (double x0 = 0.3; x0 < 3; x0 += 0.7) {
        double h = 1e-6, fp, fm, d;
        set(&env, v, x0 + h);
        ck_assert(sym_eval(e, lookup, &env, &fp));
        set(&env, v, x0 - h);
        ck_assert(sym_eval(e, lookup, &env, &fm));
        set(&env, v, x0);
        ck_assert(sym_eval(de, lookup, &env, &d));
        ck_assert_double_eq_tol(d, (fp - fm) / (2 * h), 1e-6 * (1 + fabs(d)));
    }
    /* d/dv of something not involving v is 0; of floor(v) it is undefined */
    ck_assert(sym_is_num(sym_diff(&M, nm(tau), v), 0));
    ck_assert_ptr_null(sym_diff(&M, call1(FN_FLOOR, nm(v)), v));
    ck_assert(sym_depends_on(e, v));
    ck_assert(!sym_depends_on(nm(tau), v));
}
END_TEST

START_TEST(test_sym_linear)
{
    Sym *v = state("v", VOLT), *ge = state("ge", mkdim(-2, -1, 3, 2));
    Sym *El = cnst("El", -0.07, VOLT), *tau = cnst("tau", 0.01, SECOND), *C = cnst("C", 1e-10,
                                                                                    mkdim(-2, -1, 4, 2));
    /* (El - v)/tau: coef -1/tau, rest El/tau */
    Node *e = bn('/', bn('-', nm(El), nm(v)), nm(tau));
    Node *c, *r;
    const Node *bad;
    ck_assert(sym_linear(&M, e, &v, 1, &c, &r, &bad));
    double cv, rv;
    ck_assert(sym_eval(c, NULL, NULL, &cv));
    ck_assert(sym_eval(r, NULL, NULL, &rv));
    ck_assert_double_eq_tol(cv, -100, 1e-12);
    ck_assert_double_eq_tol(rv, -7, 1e-12);
    ck_assert(dim_eq(c->dim, HERTZ));
    ck_assert(dim_eq(r->dim, e->dim));
    /* ge*(El - v)/C is linear in v alone, not in (v, ge) */
    Node *e2 = bn('/', bn('*', nm(ge), bn('-', nm(El), nm(v))), nm(C));
    ck_assert(sym_linear(&M, e2, &v, 1, &c, &r, &bad));
    ck_assert_str_eq(sym_str(&A, c), "-(ge/C)");
    Sym *both[2] = { v, ge };
    Node *cs[2];
    ck_assert(!sym_linear(&M, e2, both, 2, cs, &r, &bad));
    ck_assert_str_eq(sym_str(&A, bad), "ge*(El - v)");
    /* constant over dt */
    const char *why = NULL;
    ck_assert(sym_constant_over_dt(&M, e, NULL, 0, 1e-4, &why));
    ck_assert(!sym_constant_over_dt(&M, e, &v, 1, 1e-4, &why));
    Node *et = bn('*', nm(model_builtin(&M, B_T)), nm(tau));
    ck_assert(!sym_constant_over_dt(&M, et, NULL, 0, 1e-4, &why));
    ck_assert_str_eq(why, "it depends on the time t");
    Node **noargs = NULL;
    Node *rn = sym_call(&M, FN_RAND, noargs, 0);
    ck_assert(!sym_constant_over_dt(&M, rn, NULL, 0, 1e-4, &why));
    /* a timedarray of t is constant over the step when its dt is a whole
     * multiple of the step (Brian2's TimedArray.is_locally_constant) */
    Sym *ta = mksym(SYM_TIMEDARRAY, "ta", DIM_NONE);
    ta->value = 2 * 0.1 * 0.001;
    Node *tcall = ast_name(&A, ident_cstr("ta"), (Span){ 0, 0 });
    tcall->kind = N_CALL;
    tcall->sym = ta;
    tcall->args = arena_alloc(&A, sizeof *tcall->args);
    tcall->args[0] = nm(model_builtin(&M, B_T));
    tcall->nargs = 1;
    ck_assert(sym_constant_over_dt(&M, tcall, NULL, 0, 0.1 * 0.001, &why));     /* 2 steps */
    ck_assert(sym_constant_over_dt(&M, tcall, NULL, 0, 2 * 0.1 * 0.001, &why)); /* 1 step */
    ck_assert(!sym_constant_over_dt(&M, tcall, NULL, 0, 0.3 * 0.001, &why));    /* the step is longer than its dt */
    ta->value = 0.1 * 0.001 * 1.5;
    ck_assert(!sym_constant_over_dt(&M, tcall, NULL, 0, 0.1 * 0.001, &why));    /* 1.5 steps */
    ck_assert(!sym_constant_over_dt(&M, tcall, NULL, 0, 0, &why));              /* no known step */
    ta->value = 0.1 * 0.001;
    tcall->args[0] = et;                                                          /* ta(t*tau) */
    ck_assert(!sym_constant_over_dt(&M, tcall, NULL, 0, 0.1 * 0.001, &why));
    /* subexpressions are looked through, "constant over dt" ones are not */
    Sym *sub = mksym(SYM_SUBEXPR, "s", VOLT);
    sub->expr = bn('*', nu(2), nm(v));
    ck_assert(sym_depends_on(nm(sub), v));
    Node *ex = sym_expand(&M, bn('+', nm(sub), nm(El)));
    ck_assert_str_eq(sym_str(&A, ex), "2*v + El");
    sub->flags |= VF_CONSTANT_OVER_DT;
    ck_assert(!sym_depends_on(nm(sub), v));
    /* user functions are inlined: sq(a) = a*a */
    Sym *f = mksym(SYM_USERFUNC, "sq", NONE), *pa = mksym(SYM_PARAM, "a", NONE);
    f->params = arena_alloc(&A, sizeof *f->params);
    f->params[0] = pa;
    f->nparams = 1;
    f->expr = bn('*', nm(pa), nm(pa));
    Node **args = arena_alloc(&A, sizeof *args);
    args[0] = bn('/', nm(v), nm(El));
    Node *call = ast_call(&A, ident_cstr("sq"), args, 1, (Span){ 0, 0 });
    call->sym = f;
    ck_assert(sym_depends_on(call, v));
    Node *inl = sym_expand(&M, call);
    ck_assert_str_eq(sym_str(&A, inl), "v/El*(v/El)");
    check_dims(inl, "inlined");
    double val;
    Env env = { 0 };
    set(&env, v, 0.035);
    ck_assert(sym_eval(call, lookup, &env, &val));
    ck_assert_double_eq_tol(val, 0.25, 1e-15);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Explicit methods: orders of convergence                                  */
/* ------------------------------------------------------------------------ */

/* Global error of dx/dt = -x/tau at T = 40 ms for three steps. */
static double decay_order(const char *method, double dt0, double *errs)
{
    Sym *x = state("x", NONE), *tau = cnst("tau", 0.01, SECOND);
    x->expr = bn('/', ng(nm(x)), nm(tau));
    Group *g = group(&x, 1, method);
    ck_assert_msg(integrate_group(&M, g, &D), "%s", errors());
    check_block_dims(g);
    double dts[3];
    for (int k = 0; k < 3; k++) {
        Env env = { 0 };
        env.dt = dts[k] = dt0 / (1 << k);
        set(&env, x, 1.0);
        int steps = (int)lround(0.04 / env.dt);
        for (int s = 0; s < steps; s++) step(g, &env);
        errs[k] = fabs(get(&env, x) - exp(-4.0));
    }
    return order(dts, errs, 3);
}

/* Driven undamped oscillator x'' = -w0^2 x + F sin(W t), from rest. */
static double osc_order(const char *method, double dt0, double *errs)
{
    double w0 = 2 * M_PI * 20, W = 2 * M_PI * 7, F = 1000;
    Sym *x = state("x", NONE), *y = state("y", HERTZ);
    Sym *cw0 = cnst("w0", w0, HERTZ), *cW = cnst("W", W, HERTZ), *cF = cnst("F", F, mkdim(0, 0, -2, 0));
    x->expr = nm(y);
    Node *t = nm(model_builtin(&M, B_T));
    y->expr = bn('+', ng(bn('*', bn(OP_POW, nm(cw0), nu(2)), nm(x))),
                 bn('*', nm(cF), call1(FN_SIN, bn('*', nm(cW), t))));
    Sym *v[2] = { x, y };
    Group *g = group(v, 2, method);
    ck_assert_msg(integrate_group(&M, g, &D), "%s", errors());
    check_block_dims(g);
    double T = 0.1;
    double xe = F / (w0 * w0 - W * W) * (sin(W * T) - W / w0 * sin(w0 * T));
    double dts[3];
    for (int k = 0; k < 3; k++) {
        Env env = { 0 };
        env.dt = dts[k] = dt0 / (1 << k);
        set(&env, x, 0);
        set(&env, y, 0);
        int steps = (int)lround(T / env.dt);
        for (int s = 0; s < steps; s++) step(g, &env);
        errs[k] = fabs(get(&env, x) - xe);
    }
    return order(dts, errs, 3);
}

/* Conditional linearity as Brian2's exponential_euler sees it: x may sit
 * inside function arguments and non-monomial denominators, not in a power
 * other than 1. */
START_TEST(test_sym_cond_linear)
{
    Sym *u = state("u", NONE);
    Sym *tau = cnst("tau", 0.01, SECOND);
    Node *a, *b;
    const Node *bad;
    /* -(u - 1)*(1 + 0.5*tanh(u))/tau: A = -(1 + 0.5*tanh(u))/tau, B = -A */
    Node *g = bn('+', nu(1), bn('*', nu(0.5), call1(FN_TANH, nm(u))));
    Node *e = bn('/', bn('*', ng(bn('-', nm(u), nu(1))), g), nm(tau));
    ck_assert(!sym_linear(&M, e, &u, 1, &a, &b, &bad));
    ck_assert(sym_cond_linear(&M, e, u, &a, &b, &bad));
    ck_assert(dim_eq(a->dim, HERTZ));
    ck_assert(sym_depends_on(a, u));
    /* u/(1 + exp(u)) + exp(u): A = 1/(1 + exp(u)), B = exp(u) */
    Node *e2 = bn('+', bn('/', nm(u), bn('+', nu(1), call1(FN_EXP, nm(u)))), call1(FN_EXP, nm(u)));
    ck_assert(sym_cond_linear(&M, e2, u, &a, &b, &bad));
    ck_assert_str_eq(sym_str(&A, a), "1/(1 + exp(u))");
    ck_assert_str_eq(sym_str(&A, b), "exp(u)");
    /* refused: u*u, u**2, 1/u, sqrt(u), and u only inside a function */
    /* u*tanh(u*u): u times a factor free of u as a polynomial */
    ck_assert(sym_cond_linear(&M, bn('*', nm(u), call1(FN_TANH, bn('*', nm(u), nm(u)))), u, &a, &b, &bad));
    ck_assert(!sym_cond_linear(&M, bn('*', nm(u), nm(u)), u, &a, &b, &bad));
    ck_assert_str_eq(sym_str(&A, bad), "u*u");
    ck_assert(!sym_cond_linear(&M, bn(OP_POW, nm(u), nu(2)), u, &a, &b, &bad));
    ck_assert(!sym_cond_linear(&M, bn('/', nu(1), nm(u)), u, &a, &b, &bad));
    ck_assert(!sym_cond_linear(&M, call1(FN_SQRT, nm(u)), u, &a, &b, &bad));
    ck_assert(!sym_cond_linear(&M, call1(FN_TANH, nm(u)), u, &a, &b, &bad));
}
END_TEST

START_TEST(test_orders)
{
    static const struct { const char *m; double expect, dt_decay, dt_osc; } cases[] = {
        { "euler", 1, 4e-4, 1e-5 },
        { "rk2", 2, 4e-4, 1e-4 },
        { "rk4", 4, 2e-3, 4e-4 },
        { "heun", 1, 4e-4, 1e-5 },       /* deterministic Heun is Euler, as in Brian2 */
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        double e1[3], e2[3];
        double p1 = decay_order(cases[k].m, cases[k].dt_decay, e1);
        double p2 = osc_order(cases[k].m, cases[k].dt_osc, e2);
        note("order %-6s decay %.3f (errors %.2e %.2e %.2e)  oscillator %.3f (errors %.2e %.2e %.2e)\n",
               cases[k].m, p1, e1[0], e1[1], e1[2], p2, e2[0], e2[1], e2[2]);
        ck_assert_double_eq_tol(p1, cases[k].expect, 0.1);
        ck_assert_double_eq_tol(p2, cases[k].expect, 0.15);
    }
}
END_TEST

START_TEST(test_rk2_shape)
{
    Sym *v = state("v", VOLT), *tau = cnst("tau", 0.01, SECOND);
    v->expr = bn('/', ng(nm(v)), nm(tau));
    Group *g = group(&v, 1, "rk2");
    ck_assert(integrate_group(&M, g, &D));
    const char *want = "__k_v := -(dt*v/tau)\n"
                       "_v := v - dt*(__k_v/2 + v)/tau\n"
                       "v = _v\n";
    ck_assert_str_eq(listing(g), want);
    ck_assert_str_eq(g->method_used, "rk2");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Exact integration                                                         */
/* ------------------------------------------------------------------------ */

START_TEST(test_exact_lif)
{
    Sym *v = state("v", VOLT), *tau = cnst("tau", 0.01, SECOND), *El = cnst("El", -0.07, VOLT);
    Sym *I = param("I", VOLT);
    v->expr = bn('/', bn('+', bn('-', nm(El), nm(v)), nm(I)), nm(tau));
    Group *g = group(&v, 1, NULL);
    ck_assert_msg(integrate_group(&M, g, &D), "%s", errors());
    ck_assert_str_eq(g->method_used, "exact");
    check_block_dims(g);
    note("exact LIF:\n%s", listing(g));
    Env env = { 0 };
    env.dt = 1e-4;
    set(&env, v, -0.065);
    set(&env, I, 0.012);
    double b = -0.07 + 0.012, worst = 0;
    for (int s = 1; s <= 2000; s++) {
        step(g, &env);
        double want = b + (-0.065 - b) * exp(-s * 1e-4 / 0.01);
        double rel = fabs(get(&env, v) - want) / fabs(want);
        if (rel > worst) worst = rel;
    }
    note("exact LIF: max relative error %.2e over 2000 steps\n", worst);
    ck_assert_double_le(worst, 1e-12);
}
END_TEST

/* Bi-exponential synapse g' = (h - g)/td, h' = -h/tr, with constant or
 * per-neuron time constants, and the equal-time-constant (alpha) case. */
static void biexp(bool per_neuron, bool equal)
{
    double td = 0.005, tr = equal ? 0.005 : 0.001;
    Sym *g_ = state("g", NONE), *h = state("h", NONE);
    Sym *ctd = per_neuron ? param("taud", SECOND) : cnst("taud", td, SECOND);
    Sym *ctr = equal ? ctd : per_neuron ? param("taur", SECOND) : cnst("taur", tr, SECOND);
    g_->expr = bn('/', bn('-', nm(h), nm(g_)), nm(ctd));
    h->expr = bn('/', ng(nm(h)), nm(ctr));
    Sym *v[2] = { g_, h };
    Group *g = group(v, 2, NULL);
    ck_assert_msg(integrate_group(&M, g, &D), "%s", errors());
    ck_assert_str_eq(g->method_used, "exact");
    check_block_dims(g);
    note("bi-exponential (%s%s):\n%s", per_neuron ? "per-neuron" : "constants",
           equal ? ", equal taus" : "", listing(g));
    Env env = { 0 };
    env.dt = 1e-4;
    set(&env, g_, 0.3);
    set(&env, h, 1.0);
    if (per_neuron) {
        set(&env, ctd, td);
        if (!equal) set(&env, ctr, tr);
    }
    double worst = 0;
    for (int s = 1; s <= 1000; s++) {
        step(g, &env);
        double t = s * 1e-4;
        double he = exp(-t / tr);
        double ge = equal ? (0.3 + t / td) * exp(-t / td)
                          : 0.3 * exp(-t / td) + (1 / td) * (exp(-t / tr) - exp(-t / td)) / (1 / td - 1 / tr);
        double r1 = fabs(get(&env, g_) - ge) / fabs(ge), r2 = fabs(get(&env, h) - he) / fabs(he);
        if (r1 > worst) worst = r1;
        if (r2 > worst) worst = r2;
    }
    note("  max relative error %.2e over 1000 steps\n", worst);
    ck_assert_double_le(worst, 1e-12);
}

START_TEST(test_exact_biexp) { biexp(false, false); }
END_TEST
START_TEST(test_exact_biexp_param) { biexp(true, false); }
END_TEST
START_TEST(test_exact_alpha) { biexp(false, true); }
END_TEST

/* A triangular chain of three with a constant input (Parlett's sum term):
 * v' = (s - v)/tm, s' = (r - s + c)/ts, r' = -r/tr.  Reference: the
 * augmented matrix exponential over the whole time. */
static void chain3(double tm, double ts, double tr)
{
    double c = 0.4;
    Sym *v = state("v", NONE), *s = state("s", NONE), *r = state("r", NONE);
    Sym *ctm = cnst("tm", tm, SECOND), *cts = cnst("ts", ts, SECOND), *ctr = cnst("tr", tr, SECOND);
    Sym *cc = cnst("c", c, NONE);
    v->expr = bn('/', bn('-', nm(s), nm(v)), nm(ctm));
    s->expr = bn('/', bn('+', bn('-', nm(r), nm(s)), nm(cc)), nm(cts));
    r->expr = bn('/', ng(nm(r)), nm(ctr));
    Sym *vars[3] = { v, s, r };
    Group *g = group(vars, 3, "exact");
    ck_assert_msg(integrate_group(&M, g, &D), "%s", errors());
    check_block_dims(g);
    Env env = { 0 };
    env.dt = 1e-4;
    double x0[3] = { 0.1, 0.2, 1.0 };
    for (int i = 0; i < 3; i++) set(&env, vars[i], x0[i]);
    int steps = 500;
    for (int k = 0; k < steps; k++) step(g, &env);
    double T = steps * 1e-4;
    double Aug[16] = { -1 / tm, 1 / tm, 0, 0,
                       0, -1 / ts, 1 / ts, c / ts,
                       0, 0, -1 / tr, 0,
                       0, 0, 0, 0 };
    for (int k = 0; k < 16; k++) Aug[k] *= T;
    double E[16];
    ck_assert(integrate_expm(4, Aug, E));
    double worst = 0;
    for (int i = 0; i < 3; i++) {
        double want = E[i * 4 + 3];
        for (int j = 0; j < 3; j++) want += E[i * 4 + j] * x0[j];
        double rel = fabs(get(&env, vars[i]) - want) / fabs(want);
        if (rel > worst) worst = rel;
    }
    note("exact 3-chain (tau %g, %g, %g ms): max relative error %.2e\n", tm * 1e3, ts * 1e3,
           tr * 1e3, worst);
    ck_assert_double_le(worst, 1e-11);
}

START_TEST(test_exact_chain3)
{
    chain3(0.02, 0.005, 0.002);     /* distinct: Parlett */
    chain3(0.005, 0.005, 0.005);    /* all equal: exp(l*dt)*(I + N*dt + (N*dt)^2/2) */
    chain3(0.005, 0.005, 0.002);    /* two equal: numeric route */
}
END_TEST

/* Event-driven: exact over the elapsed time t - lastupdate. */
START_TEST(test_event_driven)
{
    Sym *x = state("apre", NONE), *tau = cnst("taupre", 0.02, SECOND);
    Sym *last = mksym(SYM_VAR, "lastupdate", SECOND);
    x->expr = bn('/', ng(nm(x)), nm(tau));
    x->flags = VF_EVENT_DRIVEN;
    Node *elapsed = bn('-', nm(model_builtin(&M, B_T)), nm(last));
    Block out = { 0 };
    ck_assert_msg(integrate_event_driven(&M, &x, 1, elapsed, &out, &D), "%s", errors());
    Group g = { 0 };
    g.update = out;
    check_block_dims(&g);
    note("event-driven:\n%s", listing(&g));
    Env env = { 0 };
    env.t = 0.013;
    set(&env, last, 0.004);
    set(&env, x, 0.5);
    step(&g, &env);
    ck_assert_double_eq_tol(get(&env, x), 0.5 * exp(-0.009 / 0.02), 1e-16);
    /* integrate_group leaves event-driven equations alone */
    Group *gg = group(&x, 1, NULL);
    ck_assert(integrate_group(&M, gg, &D));
    ck_assert_int_eq(gg->update.n, 0);
}
END_TEST

/* Coupled both ways with numeric coefficients: the numeric route. */
START_TEST(test_exact_rotation)
{
    double w = 2 * M_PI * 30;
    Sym *x = state("x", NONE), *y = state("y", NONE), *cw = cnst("w", w, HERTZ);
    x->expr = bn('*', nm(cw), nm(y));
    y->expr = ng(bn('*', nm(cw), nm(x)));
    Sym *v[2] = { x, y };
    Group *g = group(v, 2, NULL);
    M.dt = 1e-4;
    ck_assert_msg(integrate_group(&M, g, &D), "%s", errors());
    ck_assert_str_eq(g->method_used, "exact");
    check_block_dims(g);
    Env env = { 0 };
    env.dt = 1e-4;
    set(&env, x, 1);
    set(&env, y, 0.5);
    double worst = 0;
    for (int s = 1; s <= 1000; s++) {
        step(g, &env);
        double t = s * 1e-4;
        double xe = cos(w * t) + 0.5 * sin(w * t), ye = -sin(w * t) + 0.5 * cos(w * t);
        double amp = sqrt(1.25);
        double e = fmax(fabs(get(&env, x) - xe), fabs(get(&env, y) - ye)) / amp;
        if (e > worst) worst = e;
    }
    note("exact rotation (numeric expm): max error %.2e of the amplitude\n", worst);
    ck_assert_double_le(worst, 1e-12);
}
END_TEST

/* Damped coupled system with a per-neuron input through K = -(F-I)M^-1. */
START_TEST(test_exact_numeric_input)
{
    double tau = 0.01;
    Sym *x = state("x", VOLT), *y = state("y", VOLT), *ct = cnst("tau", tau, SECOND);
    Sym *I = param("I", VOLT);
    /* x' = (-x + y + I)/tau, y' = (-x - y)/tau */
    x->expr = bn('/', bn('+', bn('+', ng(nm(x)), nm(y)), nm(I)), nm(ct));
    y->expr = bn('/', bn('-', ng(nm(x)), nm(y)), nm(ct));
    Sym *v[2] = { x, y };
    Group *g = group(v, 2, "exact");
    ck_assert_msg(integrate_group(&M, g, &D), "%s", errors());
    check_block_dims(g);
    Env env = { 0 };
    env.dt = M.dt;
    set(&env, x, 0.01);
    set(&env, y, -0.02);
    set(&env, I, 0.05);
    int steps = 300;
    for (int k = 0; k < steps; k++) step(g, &env);
    double T = steps * M.dt;
    double Aug[9] = { -1 / tau, 1 / tau, 0.05 / tau, -1 / tau, -1 / tau, 0, 0, 0, 0 };
    for (int k = 0; k < 9; k++) Aug[k] *= T;
    double E[9];
    ck_assert(integrate_expm(3, Aug, E));
    double xe = E[0] * 0.01 + E[1] * -0.02 + E[2], ye = E[3] * 0.01 + E[4] * -0.02 + E[5];
    double err = fmax(fabs(get(&env, x) - xe) / fabs(xe), fabs(get(&env, y) - ye) / fabs(ye));
    note("exact coupled with input (numeric): relative error %.2e\n", err);
    ck_assert_double_le(err, 1e-11);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Exponential Euler                                                         */
/* ------------------------------------------------------------------------ */

START_TEST(test_exponential_euler)
{
    /* HH-like gate: dm/dt = alpham*(1 - m) - betam*m with subexpressions
     * alpham = 0.32/ms*exp(-(v + 50 mV)/(18 mV)), betam = 0.28/ms*exp((v + 40 mV)/(5 mV)),
     * v a parameter; exact for constant v. */
    Sym *m = state("m", NONE), *v = param("v", VOLT);
    Sym *ka = cnst("ka", 320, HERTZ), *kb = cnst("kb", 280, HERTZ);
    Sym *va = cnst("va", 0.05, VOLT), *sa = cnst("sa", 0.018, VOLT);
    Sym *vb = cnst("vb", 0.04, VOLT), *sb = cnst("sb", 0.005, VOLT);
    Sym *am = mksym(SYM_SUBEXPR, "alpham", HERTZ), *bm = mksym(SYM_SUBEXPR, "betam", HERTZ);
    am->expr = bn('*', nm(ka), call1(FN_EXP, ng(bn('/', bn('+', nm(v), nm(va)), nm(sa)))));
    bm->expr = bn('*', nm(kb), call1(FN_EXP, bn('/', bn('+', nm(v), nm(vb)), nm(sb))));
    m->expr = bn('-', bn('*', nm(am), bn('-', nu(1), nm(m))), bn('*', nm(bm), nm(m)));
    Group *g = group(&m, 1, "exponential_euler");
    ck_assert_msg(integrate_group(&M, g, &D), "%s", errors());
    check_block_dims(g);
    note("exponential_euler:\n%s", listing(g));
    ck_assert_ptr_nonnull(strstr(listing(g), "_BA_m := "));
    Env env = { 0 };
    env.dt = 1e-4;
    double vv = -0.045;
    set(&env, v, vv);
    set(&env, m, 0.05);
    double a = 320 * exp(-(vv + 0.05) / 0.018), b = 280 * exp((vv + 0.04) / 0.005);
    double minf = a / (a + b), worst = 0;
    for (int s = 1; s <= 300; s++) {
        step(g, &env);
        double want = minf + (0.05 - minf) * exp(-(a + b) * s * 1e-4);
        double rel = fabs(get(&env, m) - want) / want;
        if (rel > worst) worst = rel;
    }
    note("exponential_euler gate: max relative error %.2e\n", worst);
    ck_assert_double_le(worst, 1e-12);

    /* coupled: m depends on a state v that moves; one step by hand */
    Sym *v2 = state("v", VOLT), *tau = cnst("tau", 0.01, SECOND);
    v2->expr = bn('/', ng(nm(v2)), nm(tau));
    Sym *m2 = state("m", NONE);
    Node *rate = bn('/', bn('/', nm(v2), nm(va)), nm(tau));
    m2->expr = bn('-', bn('*', rate, bn('-', nu(1), nm(m2))), bn('/', nm(m2), nm(tau)));
    Sym *vars[2] = { m2, v2 };
    Group *g2 = group(vars, 2, "exponential_euler");
    ck_assert_msg(integrate_group(&M, g2, &D), "%s", errors());
    check_block_dims(g2);
    Env e2 = { 0 };
    e2.dt = 1e-4;
    set(&e2, v2, 0.01);
    set(&e2, m2, 0.2);
    step(g2, &e2);
    double A_ = -(0.01 / 0.05) / 0.01 - 1 / 0.01, B_ = (0.01 / 0.05) / 0.01;
    double want = (0.2 + B_ / A_) * exp(A_ * 1e-4) - B_ / A_;
    ck_assert_double_eq_tol(get(&e2, m2), want, 1e-14);
    ck_assert_double_eq_tol(get(&e2, v2), 0.01 * exp(-1e-4 / 0.01), 1e-17);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Noise                                                                    */
/* ------------------------------------------------------------------------ */

START_TEST(test_noise_euler)
{
    /* dv/dt = -v/tau + sigma*xi/sqrt(tau) */
    Sym *v = state("v", VOLT), *tau = cnst("tau", 0.01, SECOND), *sig = cnst("sigma", 0.002, VOLT);
    v->expr = bn('+', bn('/', ng(nm(v)), nm(tau)), bn('/', bn('*', nm(sig), xi_node()),
                                                      call1(FN_SQRT, nm(tau))));
    Group *g = group(&v, 1, NULL);
    ck_assert_msg(integrate_group(&M, g, &D), "%s", errors());
    ck_assert_str_eq(g->method_used, "euler");
    check_block_dims(g);
    note("euler, additive noise:\n%s", listing(g));
    ck_assert_str_eq(g->update.v[0]->sym->name, "xi");
    Env env = { 0 };
    env.dt = 1e-4;
    env.randn[0] = 0.7;
    set(&env, v, -0.06);
    step(g, &env);
    ck_assert_int_eq(env.nrandn, 1);
    double want = -0.06 + 1e-4 * (0.06 / 0.01) + 0.002 / sqrt(0.01) * sqrt(1e-4) * 0.7;
    ck_assert_double_eq_tol(get(&env, v), want, 1e-16);

    /* two occurrences of xi with distinct symbols (as sema may make them)
     * are one random variable: one randn per step */
    Sym *w = state("w", VOLT);
    Sym *xb = mksym(SYM_BUILTIN, "xi", model_builtin(&M, B_XI)->dim);
    xb->builtin = B_XI;
    w->expr = bn('+', bn('+', bn('/', ng(nm(w)), nm(tau)), bn('/', bn('*', nm(sig), xi_node()),
                                                               call1(FN_SQRT, nm(tau)))),
                 bn('/', bn('*', nm(sig), nm(xb)), call1(FN_SQRT, nm(tau))));
    Group *g2 = group(&w, 1, "euler");
    ck_assert_msg(integrate_group(&M, g2, &D), "%s", errors());
    check_block_dims(g2);
    Env e2 = { 0 };
    e2.dt = 1e-4;
    e2.randn[0] = 0.7;
    e2.randn[1] = 100;
    set(&e2, w, -0.06);
    step(g2, &e2);
    ck_assert_int_eq(e2.nrandn, 1);
    want = -0.06 + 1e-4 * (0.06 / 0.01) + 2 * 0.002 / sqrt(0.01) * sqrt(1e-4) * 0.7;
    ck_assert_double_eq_tol(get(&e2, w), want, 1e-16);
}
END_TEST

/* dv/dt = -v/tau + s*v*xi: multiplicative noise. */
static Group *mult_noise(const char *method, Sym **pv, Sym **ps)
{
    Sym *v = state("v", NONE), *tau = cnst("tau", 0.01, SECOND);
    Dim sd;
    dim_pow(SECOND, -1, 2, &sd);
    Sym *s = cnst("s", 3.0, sd);
    v->expr = bn('+', bn('/', ng(nm(v)), nm(tau)), bn('*', bn('*', nm(s), nm(v)), xi_node()));
    *pv = v;
    *ps = s;
    return group(&v, 1, method);
}

START_TEST(test_noise_heun_milstein)
{
    Sym *v, *s;
    Group *g = mult_noise(NULL, &v, &s);
    ck_assert_msg(integrate_group(&M, g, &D), "%s", errors());
    ck_assert_str_eq(g->method_used, "heun");
    check_block_dims(g);
    note("heun, multiplicative noise:\n%s", listing(g));
    double dt = 1e-4, r = -1.3, v0 = 0.8, tau = 0.01, sv = 3.0;
    double dW = sqrt(dt) * r;
    Env env = { 0 };
    env.dt = dt;
    env.randn[0] = r;
    set(&env, v, v0);
    step(g, &env);
    double xs = v0 + sv * v0 * dW, gs = sv * xs;
    double want = v0 + dt * (-v0 / tau) + 0.5 * dW * (sv * v0 + gs);
    ck_assert_double_eq_tol(get(&env, v), want, 1e-15);

    Group *g2 = mult_noise("milstein", &v, &s);
    ck_assert_msg(integrate_group(&M, g2, &D), "%s", errors());
    check_block_dims(g2);
    note("milstein:\n%s", listing(g2));
    Env e2 = { 0 };
    e2.dt = dt;
    e2.randn[0] = r;
    set(&e2, v, v0);
    step(g2, &e2);
    xs = v0 + dt * (-v0 / tau) + sqrt(dt) * sv * v0;
    gs = sv * xs;
    double k = (gs - sv * v0) * dW * dW / (2 * sqrt(dt));
    want = v0 + dt * (-v0 / tau) + sv * v0 * dW + k;
    ck_assert_double_eq_tol(get(&e2, v), want, 1e-15);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Refractoriness                                                            */
/* ------------------------------------------------------------------------ */

START_TEST(test_refractory_guard)
{
    Sym *v = state("v", NONE), *w = state("w", NONE), *tau = cnst("tau", 0.01, SECOND);
    Sym *nr = mksym(SYM_VAR, "not_refractory", NONE);
    nr->type = TY_BOOL;
    nr->role = VR_NOTREF;
    v->flags = VF_UNLESS_REFRACTORY;
    v->expr = bn('/', ng(nm(v)), nm(tau));
    w->expr = bn('/', bn('-', nm(v), nm(w)), nm(tau));
    Sym *vars[2] = { v, w };
    Group *g = group(vars, 2, "rk2");
    g->not_refractory = nr;
    ck_assert_msg(integrate_group(&M, g, &D), "%s", errors());
    check_block_dims(g);
    note("rk2 with v (unless refractory) read by w:\n%s", listing(g));
    for (int k = 0; k < g->update.n; k++) {
        Stmt *st = g->update.v[k];
        ck_assert(st->guard == (st->sym == v ? nr : NULL));
    }
    /* during the refractory period v stays and w sees it frozen (Brian2) */
    Env env = { 0 };
    env.dt = 1e-4;
    set(&env, v, 1.0);
    set(&env, w, 0.0);
    set(&env, nr, 0);
    step(g, &env);
    ck_assert_double_eq(get(&env, v), 1.0);
    double want = 1e-4 * (1.0 - (0 + 1e-4 * (1.0 - 0) / 0.01 / 2)) / 0.01;
    ck_assert_double_eq_tol(get(&env, w), want, 1e-15);
    /* exact refuses this coupling instead of silently differing from Brian2 */
    Group *g2 = group(vars, 2, "exact");
    g2->not_refractory = nr;
    ck_assert(!integrate_group(&M, g2, &D));
    ck_assert_msg(has_error("unless refractory"), "%s", errors());
    /* without an observer, exact just guards v */
    Group *g3 = group(&v, 1, "exact");
    g3->not_refractory = nr;
    ck_assert(integrate_group(&M, g3, &D));
    ck_assert_ptr_eq(g3->update.v[g3->update.n - 1]->guard, nr);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Error paths and the default choice                                        */
/* ------------------------------------------------------------------------ */

START_TEST(test_errors)
{
    Sym *v = state("v", VOLT), *ge = state("ge", mkdim(-2, -1, 3, 2));
    Sym *El = cnst("El", -0.07, VOLT), *tau = cnst("tau", 0.01, SECOND), *C = cnst("C", 1e-10, mkdim(-2, -1, 4, 2));
    Sym *taue = cnst("taue", 0.005, SECOND);
    /* dv/dt = (El - v)/tau + ge*(El - v)/C ; dge/dt = -ge/taue */
    v->expr = bn('+', bn('/', bn('-', nm(El), nm(v)), nm(tau)),
                 bn('/', bn('*', nm(ge), bn('-', nm(El), nm(v))), nm(C)));
    ge->expr = bn('/', ng(nm(ge)), nm(taue));
    Sym *vars[2] = { v, ge };
    Group *g = group(vars, 2, "exact");
    ck_assert(!integrate_group(&M, g, &D));
    note("error: %s", D.v[D.n - 1].rendered);
    ck_assert_msg(has_error("method 'exact' cannot integrate 'dv/dt': the right-hand side is not "
                            "linear in v and ge (it contains ge*(El - v))"), "%s", errors());
    ck_assert_int_eq(D.v[D.n - 1].span.start, 8);
    /* default: exact refuses, euler takes it */
    Group *g2 = group(vars, 2, NULL);
    int before = D.nerr;
    ck_assert(integrate_group(&M, g2, &D));
    ck_assert_int_eq(D.nerr, before);
    ck_assert_str_eq(g2->method_used, "euler");
    check_block_dims(g2);
    /* exponential_euler can: each equation is linear in its own variable */
    Group *g3 = group(vars, 2, "exponential_euler");
    ck_assert(integrate_group(&M, g3, &D));
    check_block_dims(g3);

    /* multiplicative noise with euler */
    Sym *x, *s;
    Group *g4 = mult_noise("euler", &x, &s);
    ck_assert(!integrate_group(&M, g4, &D));
    note("error: %s", D.v[D.n - 1].rendered);
    ck_assert_msg(has_error("use heun or milstein"), "%s", errors());
    /* stochastic with exact / rk4 */
    Group *g5 = mult_noise("exact", &x, &s);
    ck_assert(!integrate_group(&M, g5, &D));
    ck_assert(has_error("cannot be integrated exactly"));
    Group *g6 = mult_noise("rk4", &x, &s);
    ck_assert(!integrate_group(&M, g6, &D));
    ck_assert(has_error("only integrates deterministic equations"));

    /* non-linear with exponential_euler */
    Sym *u = state("u", NONE);
    u->expr = bn('/', ng(bn('*', nm(u), nm(u))), nm(tau));
    Group *g7 = group(&u, 1, "exponential_euler");
    ck_assert(!integrate_group(&M, g7, &D));
    ck_assert_msg(has_error("not linear in u (it contains u*u)"), "%s", errors());

    /* time-dependent linear equation: exact refuses, default takes euler */
    Sym *z = state("z", NONE);
    z->expr = bn('-', bn('/', call1(FN_SIN, bn('/', nm(model_builtin(&M, B_T)), nm(tau))), nm(tau)),
                 bn('/', nm(z), nm(tau)));
    Group *g8 = group(&z, 1, "exact");
    ck_assert(!integrate_group(&M, g8, &D));
    ck_assert_msg(has_error("is not constant over a time step (it depends on the time t)"), "%s",
                  errors());
    Group *g9 = group(&z, 1, NULL);
    ck_assert(integrate_group(&M, g9, &D));
    ck_assert_str_eq(g9->method_used, "euler");

    /* singular system (dv/dt = I/C): Brian2's exact refuses it too */
    Sym *q = state("q", VOLT), *I = param("I", mkdim(0, 0, 0, 1));
    q->expr = bn('/', nm(I), nm(C));
    Group *g10 = group(&q, 1, NULL);
    ck_assert(integrate_group(&M, g10, &D));
    ck_assert_str_eq(g10->method_used, "euler");

    /* unknown method, with a suggestion */
    Group *g11 = group(&q, 1, "rk3");
    ck_assert(!integrate_group(&M, g11, &D));
    ck_assert_msg(has_error("unknown integration method 'rk3'"), "%s", errors());

    /* milstein with two noise terms in one equation */
    Sym *n2 = state("n2", NONE);
    Sym *xi1 = mksym(SYM_BUILTIN, "xi_1", model_builtin(&M, B_XI)->dim);
    xi1->builtin = B_XI;
    Sym *xi2 = mksym(SYM_BUILTIN, "xi_2", model_builtin(&M, B_XI)->dim);
    xi2->builtin = B_XI;
    Dim sd;
    dim_pow(SECOND, -1, 2, &sd);
    Sym *k1 = cnst("k1", 0.1, sd);
    n2->expr = bn('+', bn('+', bn('/', ng(nm(n2)), nm(tau)), bn('*', nm(k1), nm(xi1))),
                  bn('*', nm(k1), nm(xi2)));
    Group *g12 = group(&n2, 1, "milstein");
    ck_assert(!integrate_group(&M, g12, &D));
    ck_assert_msg(has_error("not diagonal"), "%s", errors());
    /* ... which euler integrates with one randn per xi */
    Group *g13 = group(&n2, 1, NULL);
    ck_assert(integrate_group(&M, g13, &D));
    ck_assert_str_eq(g13->method_used, "euler");
    Env env = { 0 };
    env.dt = 1e-4;
    env.randn[0] = 1;
    env.randn[1] = 2;
    set(&env, n2, 0.5);
    step(g13, &env);
    ck_assert_int_eq(env.nrandn, 2);
    ck_assert_double_eq_tol(get(&env, n2), 0.5 - 1e-4 * 0.5 / 0.01 + 0.1 * 1e-2 * (1 + 2), 1e-15);
}
END_TEST

/* The function table: names round-trip, the random functions have no value,
 * exprel's thresholds and timestep's epsilon are the same in the evaluator
 * and in the C helpers, method names and aliases. */
START_TEST(test_function_table)
{
    for (int fn = 0; fn < FN_COUNT; fn++) {
        const FuncDef *f = func_def(fn);
        ck_assert_int_eq(func_lookup(f->name, strlen(f->name)), fn);
        ck_assert_str_eq(model_func_name(fn), f->name);
        ck_assert_int_eq(f->eval == NULL, FN_IS_RANDOM(fn));
        ck_assert_int_eq(f->c_name == NULL, FN_IS_RANDOM(fn));
    }
    for (int lib = 1; lib < LIB_COUNT; lib++) {
        const FuncDef *f = func_lib_def(lib);
        ck_assert_int_eq(func_lib_lookup(f->name, strlen(f->name)), lib);
        ck_assert_ptr_nonnull(strstr(f->c_body, f->c_name));
    }
    ck_assert_int_eq(func_lookup("expm1", 5), -1);
    ck_assert_int_eq(func_lib_lookup("exp", 3), LIB_NONE);
    double x[2] = { 1e-17, 0 };
    ck_assert_double_eq(func_def(FN_EXPREL)->eval(x), 1.0);
    x[0] = 800;
    ck_assert(isinf(func_def(FN_EXPREL)->eval(x)));
    x[0] = 1;
    ck_assert_double_eq_tol(func_def(FN_EXPREL)->eval(x), expm1(1.0), 1e-15);
    /* generated code's exprel is the one folded here (runtime/snnmath.h),
     * with Brian2's cut-offs */
    ck_assert_ptr_nonnull(strstr(snn_math_text, "return x > -1e-16 && x < 1e-16 ? 1.0 : big ? vbig"));
    ck_assert_ptr_nonnull(strstr(snn_math_text, "x > 717.0 ? 1.0 / 0.0"));
    ck_assert_str_eq(func_def(FN_EXPREL)->c_name, "_snn_exprel");
    ck_assert_ptr_nonnull(strstr(func_c_helpers, "((x) + 1e-3 * (dt))"));
    x[0] = 0.3 - SNN_TIMESTEP_EPS * 0.1 / 2;    /* a hair below step 3 */
    x[1] = 0.1;
    ck_assert_double_eq(func_lib_def(LIB_TIMESTEP)->eval(x), 3);
    ck_assert_str_eq(integrate_method_name("linear"), "exact");
    ck_assert_str_eq(integrate_method_name("independent"), "exact");
    ck_assert_str_eq(integrate_method_name("rk4"), "rk4");
    ck_assert_ptr_null(integrate_method_name("rk3"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("integrate");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sym_simplify);
    tcase_add_test(tc, test_sym_diff);
    tcase_add_test(tc, test_sym_linear);
    tcase_add_test(tc, test_sym_cond_linear);
    tcase_add_test(tc, test_orders);
    tcase_add_test(tc, test_rk2_shape);
    tcase_add_test(tc, test_exact_lif);
    tcase_add_test(tc, test_exact_biexp);
    tcase_add_test(tc, test_exact_biexp_param);
    tcase_add_test(tc, test_exact_alpha);
    tcase_add_test(tc, test_exact_chain3);
    tcase_add_test(tc, test_exact_rotation);
    tcase_add_test(tc, test_event_driven);
    tcase_add_test(tc, test_exact_numeric_input);
    tcase_add_test(tc, test_exponential_euler);
    tcase_add_test(tc, test_noise_euler);
    tcase_add_test(tc, test_noise_heun_milstein);
    tcase_add_test(tc, test_refractory_guard);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_function_table);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(suite)
