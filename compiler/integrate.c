/* SPDX-License-Identifier: MIT */
/* This file contains the integrator: Brian2's state updaters rebuilt on the
 * symbolic layer.  Each method turns the right-hand sides of a group's ODEs
 * (subexpressions substituted, split into a deterministic part f and noise
 * factors g per xi) into IR statements: temporaries first, then v = _v, so
 * every variable updates from the old values.  The default method choice
 * tries exact, euler and heun in that order, as Brian2 does, and the reasons
 * for refusing equations follow Brian2's (non-linear or time-dependent
 * equations with exact, multiplicative noise with euler, ...).  The exact
 * method is in integrate_exact.c. */
#include "integrate.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "integrate_int.h"
#include "symbolic.h"








/* ------------------------------------------------------------------------ */
/* Preparation: substitute subexpressions, split off the noise              */
/* ------------------------------------------------------------------------ */

/* Gather the noise symbols of e: the distinct pointers in all[] (with
 * *nall of them), the distinct names (first pointer of each name) in
 * S->xi.  Sema may make one symbol per occurrence of xi; the same name is
 * the same random variable, as in Brian2. */
static void collect_xi(Sys *S, const Node *e, Sym ***all, int *nall, int *cap)
{
    if (!e) return;
    if (e->kind == N_NAME && e->sym && e->sym->kind == SYM_BUILTIN && e->sym->builtin == B_XI) {
        for (int k = 0; k < *nall; k++)
            if ((*all)[k] == e->sym) return;
        if (*nall == *cap) {
            int c = *cap ? *cap * 2 : 4;
            Sym **nv = arena_alloc(S->M->arena, sizeof *nv * (size_t)c);
            if (*nall) memcpy(nv, *all, sizeof *nv * (size_t)*nall);
            *all = nv;
            *cap = c;
        }
        (*all)[(*nall)++] = e->sym;
        for (int k = 0; k < S->nxi; k++)
            if (strcmp(S->xi[k]->name, e->sym->name) == 0) return;
        Sym **nx = arena_alloc(S->M->arena, sizeof *nx * (size_t)(S->nxi + 1));
        if (S->nxi) memcpy(nx, S->xi, sizeof *nx * (size_t)S->nxi);
        nx[S->nxi++] = e->sym;
        S->xi = nx;
        return;
    }
    collect_xi(S, e->a, all, nall, cap);
    collect_xi(S, e->b, all, nall, cap);
    for (int k = 0; k < e->nargs; k++) collect_xi(S, e->args[k], all, nall, cap);
}

/* Replace every noise symbol by the first symbol of the same name. */
static Node *unify_xi(Sys *S, Node *e, Sym **all, int nall)
{
    Node **to = arena_alloc(S->M->arena, sizeof *to * (size_t)(nall + 1));
    for (int k = 0; k < nall; k++)
        for (int m = 0; m < S->nxi; m++)
            if (strcmp(S->xi[m]->name, all[k]->name) == 0) to[k] = sym_name(S->M, S->xi[m]);
    return sym_subst(S->M, e, all, to, nall);
}

/* Fill rhs, f and the noise factors; false (with a message) if a noise term
 * is not of the form g*xi. */
static bool prepare(Sys *S, Model *M, Sym *const *vars, int n, Diag *D)
{
    Arena *A = M->arena;
    S->M = M;
    S->n = n;
    S->x = arena_alloc(A, sizeof *S->x * (size_t)(n ? n : 1));
    S->rhs = arena_alloc(A, sizeof *S->rhs * (size_t)(n ? n : 1));
    S->f = arena_alloc(A, sizeof *S->f * (size_t)(n ? n : 1));
    S->dtn = sym_name(M, model_builtin(M, B_DT));
    int cap = 0, nall = 0;
    Sym **all = NULL;
    for (int i = 0; i < n; i++) {
        S->x[i] = vars[i];
        S->rhs[i] = vars[i]->expr ? sym_expand(M, vars[i]->expr)
                                  : sym_num(M, 0, dim_div(vars[i]->dim, DIM_SECOND));
        collect_xi(S, S->rhs[i], &all, &nall, &cap);
    }
    if (nall > S->nxi)
        for (int i = 0; i < n; i++) S->rhs[i] = unify_xi(S, S->rhs[i], all, nall);
    S->gn = arena_alloc(A, sizeof *S->gn * (size_t)(n * S->nxi + 1));
    S->mult_var = -1;
    for (int i = 0; i < n; i++) {
        if (!S->nxi) {
            S->f[i] = S->rhs[i];
            continue;
        }
        Node **c = arena_alloc(A, sizeof *c * (size_t)S->nxi);
        Node *rest;
        const Node *bad;
        if (!sym_linear(M, S->rhs[i], S->xi, S->nxi, c, &rest, &bad)) {
            diag_error(D, vars[i]->span,
                       "cannot integrate 'd%s/dt': the noise must enter as g*xi with g free of "
                       "xi (it contains %s)", vars[i]->name, sym_str(A, bad));
            return false;
        }
        S->f[i] = rest;
        for (int k = 0; k < S->nxi; k++) {
            Node *gk = sys_zero(c[k]) ? NULL : c[k];
            S->gn[i * S->nxi + k] = gk;
            if (gk && S->mult_var < 0 &&
                (!sym_constant_over_dt(M, gk, NULL, 0, sys_step(S), NULL) || sym_depends_on_any(gk, S->x, n))) {
                S->multiplicative = true;
                S->mult_var = i;
            }
        }
    }
    return true;
}

static Node *gfac(Sys *S, int i, int k) { return S->gn[i * S->nxi + k]; }


/* For multi-stage methods: multiply f and g of observed refractory
 * variables by int(not_refractory). */
static void freeze_refractory(Sys *S)
{
    for (int i = 0; i < S->n; i++) {
        if (!sys_refractory_observed(S, i)) continue;
        Node *nr = sym_call1(S->M, FN_INT, sym_name(S->M, S->g->not_refractory));
        S->f[i] = sym_mul(S->M, nr, S->f[i]);
        for (int k = 0; k < S->nxi; k++)
            if (gfac(S, i, k)) S->gn[i * S->nxi + k] = sym_mul(S->M, nr, gfac(S, i, k));
    }
}

/* e with every state variable x_j replaced by x_j + scale*shift[j] (shift
 * NULL: by repl[j]) and t by tnew (if not NULL). */
static Node *at(Sys *S, Node *e, Sym **shift, double div, Sym **repl, Node *tnew)
{
    if (!e) return NULL;
    Model *M = S->M;
    int n = S->n + 1;
    Sym **from = arena_alloc(M->arena, sizeof *from * (size_t)n);
    Node **to = arena_alloc(M->arena, sizeof *to * (size_t)n);
    int m = 0;
    for (int j = 0; j < S->n; j++) {
        if (repl) {
            if (!repl[j]) continue;
            from[m] = S->x[j];
            to[m++] = sys_name(S, repl[j]);
        } else if (shift && shift[j]) {
            Node *k = sys_name(S, shift[j]);
            if (div != 1) k = sym_div(M, k, sys_num(S, div));
            from[m] = S->x[j];
            to[m++] = sym_add(M, k, sys_name(S, S->x[j]));
        }
    }
    if (tnew) {
        from[m] = model_builtin(M, B_T);
        to[m++] = tnew;
    }
    return sym_subst(M, e, from, to, m);
}

/* t + dt/den (den 1: t + dt). */
static Node *t_plus(Sys *S, double den)
{
    Node *h = den == 1 ? sys_dt(S) : sym_div(S->M, sys_dt(S), sys_num(S, den));
    return sym_add(S->M, h, sys_name(S, model_builtin(S->M, B_T)));
}

/* 'xi := sqrt(dt)*randn()' for every noise symbol; returns the temporaries. */
static Sym **emit_noise(Sys *S)
{
    Model *M = S->M;
    Sym **dW = arena_alloc(M->arena, sizeof *dW * (size_t)(S->nxi + 1));
    for (int k = 0; k < S->nxi; k++) {
        Node *e = sym_mul(M, sym_call1(M, FN_SQRT, sys_dt(S)), sym_call(M, FN_RANDN, NULL, 0));
        int owner = 0;
        for (int i = 0; i < S->n; i++)
            if (gfac(S, i, k)) { owner = i; break; }
        dW[k] = sys_emit_temp(S, S->xi[k]->name, e, S->x[owner]);
    }
    return dW;
}

/* True if the system has no noise term; otherwise false with the message of
 * a method for deterministic equations (exact's own wording for exact). */
static bool no_noise(Sys *S, bool exact)
{
    if (!S->nxi) return true;
    for (int i = 0; i < S->n; i++)
        for (int k = 0; k < S->nxi; k++)
            if (gfac(S, i, k)) {
                if (exact)
                    return sys_fail(S, S->x[i], "stochastic equations (containing %s) cannot be "
                                "integrated exactly", S->xi[k]->name);
                return sys_fail(S, S->x[i], "the equation is stochastic (it contains %s) and "
                            "'%s' only integrates deterministic equations; use euler, heun "
                            "or milstein", S->xi[k]->name, S->method);
            }
    return true;
}

/* ------------------------------------------------------------------------ */
/* Explicit methods                                                          */
/* ------------------------------------------------------------------------ */

/* x_new = x + dt*f(x,t) + g(x,t)*dW (additive noise only). */
static bool m_euler(Sys *S)
{
    Model *M = S->M;
    if (S->multiplicative) {
        int i = S->mult_var;
        const char *dep = "it depends on the time t";
        for (int k = 0; k < S->nxi; k++) {
            Node *gk = gfac(S, i, k);
            if (gk && sym_depends_on_any(gk, S->x, S->n))
                dep = arena_printf(M->arena, "it depends on %s", sys_var_list(S, gk));
            else if (gk) sym_constant_over_dt(M, gk, NULL, 0, sys_step(S), &dep);
        }
        return sys_fail(S, S->x[i], "the noise is multiplicative (the factor of xi is not constant: "
                    "%s); euler only integrates additive noise, use heun or milstein", dep);
    }
    Sym **dW = emit_noise(S);
    Node **res = arena_alloc(M->arena, sizeof *res * (size_t)S->n);
    for (int i = 0; i < S->n; i++) {
        Node *r = sym_add(M, sys_name(S, S->x[i]), sym_mul(M, sys_dt(S), S->f[i]));
        for (int k = 0; k < S->nxi; k++)
            if (gfac(S, i, k)) r = sym_add(M, r, sym_mul(M, gfac(S, i, k), sys_name(S, dW[k])));
        res[i] = r;
    }
    sys_emit_results(S, res);
    return true;
}

/* k = dt*f(x,t); x_new = x + dt*f(x + k/2, t + dt/2). */
static bool m_rk2(Sys *S)
{
    Model *M = S->M;
    freeze_refractory(S);
    Sym **k = arena_alloc(M->arena, sizeof *k * (size_t)S->n);
    for (int i = 0; i < S->n; i++)
        k[i] = sys_emit_temp(S, arena_printf(M->arena, "__k_%s", S->x[i]->name),
                         sym_mul(M, sys_dt(S), S->f[i]), S->x[i]);
    Node **res = arena_alloc(M->arena, sizeof *res * (size_t)S->n);
    for (int i = 0; i < S->n; i++)
        res[i] = sym_add(M, sys_name(S, S->x[i]),
                         sym_mul(M, sys_dt(S), at(S, S->f[i], k, 2, NULL, t_plus(S, 2))));
    sys_emit_results(S, res);
    return true;
}

/* The classical fourth-order Runge-Kutta method. */
static bool m_rk4(Sys *S)
{
    Model *M = S->M;
    freeze_refractory(S);
    Sym **k[4];
    static const double divs[4] = { 0, 2, 2, 1 };
    for (int s = 0; s < 4; s++) {
        k[s] = arena_alloc(M->arena, sizeof *k[s] * (size_t)S->n);
        for (int i = 0; i < S->n; i++) {
            Node *fi = s == 0 ? S->f[i] : at(S, S->f[i], k[s - 1], divs[s], NULL, t_plus(S, divs[s]));
            k[s][i] = sys_emit_temp(S, arena_printf(M->arena, "__k_%d_%s", s + 1, S->x[i]->name),
                                sym_mul(M, sys_dt(S), fi), S->x[i]);
        }
    }
    Node **res = arena_alloc(M->arena, sizeof *res * (size_t)S->n);
    for (int i = 0; i < S->n; i++) {
        /* __k_1/6 + __k_2/3 + __k_3/3 + __k_4/6 + x, Brian2's order */
        Node *r = sym_div(M, sys_name(S, k[0][i]), sys_num(S, 6));
        r = sym_add(M, r, sym_div(M, sys_name(S, k[1][i]), sys_num(S, 3)));
        r = sym_add(M, r, sym_div(M, sys_name(S, k[2][i]), sys_num(S, 3)));
        r = sym_add(M, r, sym_div(M, sys_name(S, k[3][i]), sys_num(S, 6)));
        res[i] = sym_add(M, r, sys_name(S, S->x[i]));
    }
    sys_emit_results(S, res);
    return true;
}

/* Stochastic Heun (Stratonovich, multiplicative noise):
 *   x_support = x + g(x,t)*dW;  g_support = g(x_support, t+dt)
 *   x_new = x + dt*f(x,t) + 0.5*dW*(g(x,t) + g_support)   (per noise term) */
static bool m_heun(Sys *S)
{
    Model *M = S->M;
    freeze_refractory(S);
    Sym **dW = emit_noise(S);
    int n = S->n, q = S->nxi;
    Sym **xs = arena_alloc(M->arena, sizeof *xs * (size_t)(n * q + 1));
    Sym **gs = arena_alloc(M->arena, sizeof *gs * (size_t)(n * q + 1));
    for (int k = 0; k < q; k++)
        for (int i = 0; i < n; i++) {
            Node *e = sys_name(S, S->x[i]);
            if (gfac(S, i, k)) e = sym_add(M, e, sym_mul(M, gfac(S, i, k), sys_name(S, dW[k])));
            xs[i * q + k] = sys_emit_temp(S, arena_printf(M->arena, "__x_support_%s_%s", S->x[i]->name,
                                                      S->xi[k]->name), e, S->x[i]);
        }
    for (int k = 0; k < q; k++) {
        Sym **repl = arena_alloc(M->arena, sizeof *repl * (size_t)n);
        for (int j = 0; j < n; j++) repl[j] = xs[j * q + k];
        for (int i = 0; i < n; i++) {
            gs[i * q + k] = NULL;
            if (!gfac(S, i, k)) continue;
            Node *e = at(S, gfac(S, i, k), NULL, 1, repl, t_plus(S, 1));
            gs[i * q + k] = sys_emit_temp(S, arena_printf(M->arena, "__g_support_%s_%s", S->x[i]->name,
                                                      S->xi[k]->name), e, S->x[i]);
        }
    }
    Node **res = arena_alloc(M->arena, sizeof *res * (size_t)n);
    for (int i = 0; i < n; i++) {
        Node *r = sym_add(M, sys_name(S, S->x[i]), sym_mul(M, sys_dt(S), S->f[i]));
        for (int k = 0; k < q; k++) {
            if (!gfac(S, i, k)) continue;
            Node *sum = sym_add(M, gfac(S, i, k), sys_name(S, gs[i * q + k]));
            r = sym_add(M, r, sym_mul(M, sym_mul(M, sys_num(S, 0.5), sys_name(S, dW[k])), sum));
        }
        res[i] = r;
    }
    sys_emit_results(S, res);
    return true;
}

/* Brian2's derivative-free Milstein (diagonal noise only):
 *   x_support = x + dt*f(x,t) + sqrt(dt)*g(x,t);  g_support = g(x_support, t)
 *   k = (g_support - g(x,t))*dW**2/(2*sqrt(dt))
 *   x_new = x + dt*f(x,t) + g(x,t)*dW + k */
static bool m_milstein(Sys *S)
{
    Model *M = S->M;
    int n = S->n, q = S->nxi;
    /* diagonal noise: at most one xi per equation, each xi in one equation */
    for (int i = 0; i < n; i++) {
        int cnt = 0;
        for (int k = 0; k < q; k++) cnt += gfac(S, i, k) != NULL;
        if (cnt > 1)
            return sys_fail(S, S->x[i], "the noise is not diagonal (the equation has %d noise terms); "
                        "milstein needs one xi per equation, use heun", cnt);
    }
    for (int k = 0; k < q; k++) {
        int cnt = 0, last = 0;
        for (int i = 0; i < n; i++)
            if (gfac(S, i, k)) { cnt++; last = i; }
        if (cnt > 1)
            return sys_fail(S, S->x[last], "the noise is not diagonal (%s appears in more than one "
                        "equation); milstein needs one xi per equation, use heun", S->xi[k]->name);
    }
    freeze_refractory(S);
    Sym **dW = emit_noise(S);
    Node *sdt = sym_call1(M, FN_SQRT, sys_dt(S));
    Sym **xs = arena_alloc(M->arena, sizeof *xs * (size_t)(n * q + 1));
    Sym **ks = arena_alloc(M->arena, sizeof *ks * (size_t)(n * q + 1));
    for (int k = 0; k < q; k++)
        for (int i = 0; i < n; i++) {
            Node *e = sym_add(M, sys_name(S, S->x[i]), sym_mul(M, sys_dt(S), S->f[i]));
            if (gfac(S, i, k)) e = sym_add(M, e, sym_mul(M, sdt, gfac(S, i, k)));
            xs[i * q + k] = sys_emit_temp(S, arena_printf(M->arena, "__x_support_%s_%s", S->x[i]->name,
                                                      S->xi[k]->name), e, S->x[i]);
        }
    for (int k = 0; k < q; k++) {
        Sym **repl = arena_alloc(M->arena, sizeof *repl * (size_t)n);
        for (int j = 0; j < n; j++) repl[j] = xs[j * q + k];
        Sym **gsup = arena_alloc(M->arena, sizeof *gsup * (size_t)n);
        for (int i = 0; i < n; i++) {
            gsup[i] = NULL;
            if (!gfac(S, i, k)) continue;
            gsup[i] = sys_emit_temp(S, arena_printf(M->arena, "__g_support_%s_%s", S->x[i]->name,
                                                S->xi[k]->name),
                                at(S, gfac(S, i, k), NULL, 1, repl, NULL), S->x[i]);
        }
        for (int i = 0; i < n; i++) {
            ks[i * q + k] = NULL;
            if (!gfac(S, i, k)) continue;
            Node *dw2 = sym_pow(M, sys_name(S, dW[k]), sys_num(S, 2));
            Node *e = sym_mul(M, sym_sub(M, sys_name(S, gsup[i]), gfac(S, i, k)), dw2);
            e = sym_div(M, e, sym_mul(M, sys_num(S, 2), sdt));
            ks[i * q + k] = sys_emit_temp(S, arena_printf(M->arena, "__k_%s_%s", S->x[i]->name,
                                                      S->xi[k]->name), e, S->x[i]);
        }
    }
    Node **res = arena_alloc(M->arena, sizeof *res * (size_t)n);
    for (int i = 0; i < n; i++) {
        Node *r = sym_add(M, sys_name(S, S->x[i]), sym_mul(M, sys_dt(S), S->f[i]));
        for (int k = 0; k < q; k++) {
            if (!gfac(S, i, k)) continue;
            r = sym_add(M, r, sym_mul(M, gfac(S, i, k), sys_name(S, dW[k])));
            r = sym_add(M, r, sys_name(S, ks[i * q + k]));
        }
        res[i] = r;
    }
    sys_emit_results(S, res);
    return true;
}

/* Each equation linear in its own variable, dx/dt = A*x + B, where A and B
 * may depend on x inside functions (Brian2's conditionally linear systems;
 * then they take the values at the start of the step):
 *   _BA_x = B/A;  _x = (x + _BA_x)*exp(A*dt) - _BA_x   (x + dt*B if A == 0). */
static bool m_exponential_euler(Sys *S)
{
    Model *M = S->M;
    Node **res = arena_alloc(M->arena, sizeof *res * (size_t)S->n);
    Sym **tmp = arena_alloc(M->arena, sizeof *tmp * (size_t)S->n);
    Node **As = arena_alloc(M->arena, sizeof *As * (size_t)S->n);
    Node **Bs = arena_alloc(M->arena, sizeof *Bs * (size_t)S->n);
    const Node *bad;
    for (int i = 0; i < S->n; i++)
        if (!sym_linear(M, S->f[i], &S->x[i], 1, &As[i], &Bs[i], &bad) &&
            !sym_cond_linear(M, S->f[i], S->x[i], &As[i], &Bs[i], &bad))
            return sys_fail(S, S->x[i], "the right-hand side is not linear in %s (it contains %s)",
                        S->x[i]->name, sym_str(M->arena, bad));
    for (int i = 0; i < S->n; i++) {
        Node *A = As[i], *B = Bs[i];
        Node *x = sys_name(S, S->x[i]);
        if (sys_zero(A)) {
            res[i] = sym_add(M, x, sym_mul(M, sys_dt(S), B));
        } else {
            Node *E = sym_call1(M, FN_EXP, sym_mul(M, A, sys_dt(S)));
            if (sys_zero(B)) {
                res[i] = sym_mul(M, x, E);
            } else {
                Sym *ba = sys_emit_temp(S, arena_printf(M->arena, "_BA_%s", S->x[i]->name),
                                    sym_div(M, B, A), S->x[i]);
                res[i] = sym_sub(M, sym_mul(M, sym_add(M, x, sys_name(S, ba)), E), sys_name(S, ba));
            }
        }
        tmp[i] = sys_emit_temp(S, arena_printf(M->arena, "_%s", S->x[i]->name), res[i], S->x[i]);
    }
    for (int i = 0; i < S->n; i++) sys_emit_assign(S, S->x[i], sys_name(S, tmp[i]));
    return true;
}

/* ------------------------------------------------------------------------ */
/* Method choice                                                             */
/* ------------------------------------------------------------------------ */

/* Which noise a method integrates; methods for deterministic equations
 * refuse a stochastic system before they run (no_noise). */
enum { NOISE_NONE, NOISE_ADDITIVE, NOISE_DIAGONAL, NOISE_ANY };

/* The methods a model may name after 'method:', in the order messages list
 * them; an alias (linear, independent) runs the method it names. */
typedef struct Method {
    const char *name;
    bool      (*run)(Sys *S);
    int         noise;          /* NOISE_* */
    const char *alias_of;       /* canonical name, or NULL */
} Method;

static const Method methods[] = {
    { "euler", m_euler, NOISE_ADDITIVE, NULL },
    { "rk2", m_rk2, NOISE_NONE, NULL },
    { "rk4", m_rk4, NOISE_NONE, NULL },
    { "heun", m_heun, NOISE_ANY, NULL },
    { "milstein", m_milstein, NOISE_DIAGONAL, NULL },
    { "exponential_euler", m_exponential_euler, NOISE_NONE, NULL },
    { "exact", integrate_exact, NOISE_NONE, NULL },
    { "linear", integrate_exact, NOISE_NONE, "exact" },
    { "independent", integrate_exact, NOISE_NONE, "exact" },
};
#define NMETHODS ((int)(sizeof methods / sizeof *methods))

static const Method *find_method(const char *name)
{
    for (int k = 0; k < NMETHODS; k++)
        if (strcmp(methods[k].name, name) == 0) return &methods[k];
    return NULL;
}

const char *integrate_method_name(const char *name)
{
    const Method *m = find_method(name);
    return !m ? NULL : m->alias_of ? m->alias_of : m->name;
}

void integrate_unknown_method(Diag *D, Span sp, const char *name)
{
    const char *names[NMETHODS];
    int n = 0;
    for (int k = 0; k < NMETHODS; k++)
        if (!methods[k].alias_of) names[n++] = methods[k].name;
    const char *s = diag_suggest(name, names, n);
    if (s) {
        diag_error(D, sp, "unknown integration method '%s'; did you mean '%s'?", name, s);
        return;
    }
    char known[256];
    size_t len = 0;
    known[0] = 0;
    for (int k = 0; k < n; k++)
        len += (size_t)snprintf(known + len, sizeof known - len, "%s%s", k ? ", " : "", names[k]);
    diag_error(D, sp, "unknown integration method '%s' (known: %s)", name, known);
}

/* Run one method on a fresh copy of the prepared system. */
static bool try_method(const Sys *base, const Method *m, Sys *out)
{
    *out = *base;
    Model *M = base->M;
    out->f = arena_alloc(M->arena, sizeof *out->f * (size_t)(base->n ? base->n : 1));
    memcpy(out->f, base->f, sizeof *out->f * (size_t)base->n);
    out->gn = arena_alloc(M->arena, sizeof *out->gn * (size_t)(base->n * base->nxi + 1));
    memcpy(out->gn, base->gn, sizeof *out->gn * (size_t)(base->n * base->nxi));
    memset(&out->out, 0, sizeof out->out);
    out->fail_msg = NULL;
    out->fail_var = NULL;
    out->method = m->name;
    if (m->noise == NOISE_NONE && !no_noise(out, m->run == integrate_exact)) return false;
    return m->run(out);
}

/* Where to point at an equation: from 'dv' to the end of its right-hand
 * side. */
static Span eq_span(const Sym *var)
{
    Span sp = var->span;
    if (var->expr && var->expr->span.end > sp.end) sp.end = var->expr->span.end;
    return sp;
}

static void lower(char *dst, const char *src, size_t n)
{
    size_t k = 0;
    for (; src[k] && k + 1 < n; k++)
        dst[k] = (char)(src[k] >= 'A' && src[k] <= 'Z' ? src[k] - 'A' + 'a' : src[k]);
    dst[k] = 0;
}

bool integrate_group(Model *M, Group *g, Diag *D)
{
    g->update.n = 0;
    /* event-driven synaptic equations are integrated in the pathways */
    Sym **vars = arena_alloc(M->arena, sizeof *vars * (size_t)(g->nodes ? g->nodes : 1));
    int n = 0;
    for (int i = 0; i < g->nodes; i++)
        if (!(g->odes[i]->flags & VF_EVENT_DRIVEN)) vars[n++] = g->odes[i];
    const Method *chosen = NULL;
    if (g->method) {
        char lname[64];
        lower(lname, g->method, sizeof lname);
        chosen = find_method(lname);
        if (!chosen) {
            integrate_unknown_method(D, g->method_span, g->method);
            return false;
        }
    }
    if (n == 0) {
        g->method_used = chosen ? chosen->name : NULL;
        return true;
    }
    Sys base;
    memset(&base, 0, sizeof base);
    base.g = g;
    if (!prepare(&base, M, vars, n, D)) return false;
    Sys S;
    if (chosen) {
        if (!try_method(&base, chosen, &S)) {
            diag_error(D, eq_span(S.fail_var), "method '%s' cannot integrate 'd%s/dt': %s%s", g->method,
                       S.fail_var->name, S.fail_msg,
                       strstr(S.fail_msg, "use ") ? "" : "; use another method, e.g. 'method: euler' or 'rk4'");
            return false;
        }
    } else {
        static const char *const order[] = { "exact", "euler", "heun" };
        /* a spatialneurons group: Brian2's SpatialNeuron default */
        static const char *const spatial_order[] = { "exact", "exponential_euler", "rk2", "heun" };
        const char *const *try = g->cable ? spatial_order : order;
        int ntry = g->cable ? 4 : 3;
        bool ok = false;
        for (int k = 0; k < ntry && !ok; k++) {
            chosen = find_method(try[k]);
            ok = try_method(&base, chosen, &S);
        }
        if (!ok) {
            diag_error(D, eq_span(S.fail_var), "no integration method can integrate 'd%s/dt': %s",
                       S.fail_var->name, S.fail_msg);
            return false;
        }
    }
    g->update = S.out;
    g->method_used = chosen->name;
    return true;
}

bool integrate_event_driven(Model *M, Sym *const *vars, int n, Node *elapsed, Block *out, Diag *D)
{
    Sys base;
    memset(&base, 0, sizeof base);
    if (!prepare(&base, M, vars, n, D)) return false;
    base.dtn = elapsed;
    Sys S;
    if (!try_method(&base, find_method("exact"), &S)) {
        diag_error(D, eq_span(S.fail_var), "cannot integrate the event-driven equation 'd%s/dt': %s",
                   S.fail_var->name, S.fail_msg);
        return false;
    }
    for (int k = 0; k < S.out.n; k++) block_push(M->arena, out, S.out.v[k]);
    return true;
}
