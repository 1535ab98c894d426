/* SPDX-License-Identifier: MIT */
/* This file contains what the integrator's methods share (integrate_int.h):
 * the reason a method refuses, the node helpers, and the statements that
 * make temporaries and assign the results. */
#include "integrate_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool sys_fail(Sys *S, Sym *var, const char *fmt, ...)
{
    if (S->fail_msg) return false;
    va_list ap;
    va_start(ap, fmt);
    S->fail_var = var;
    S->fail_msg = arena_vprintf(S->M->arena, fmt, ap);
    va_end(ap);
    return false;
}

Node *sys_name(Sys *S, Sym *s) { return sym_name(S->M, s); }

Node *sys_num(Sys *S, double v) { return sym_num(S->M, v, DIM_NONE); }

Node *sys_dt(Sys *S) { return S->dtn; }

double sys_step(Sys *S)
{
    if (!S->g) return 0;   /* event-driven: the step is t - lastupdate */
    return S->g->clock_dt > 0 ? S->g->clock_dt : S->M->dt;
}

/* Append 'tmp := e' with a fresh temporary and return the temporary. */
Sym *sys_emit_temp(Sys *S, const char *tname, Node *e, Sym *owner)
{
    Sym *t = model_temp(S->M, tname, e->dim);
    Stmt *st = arena_alloc(S->M->arena, sizeof *st);
    st->span = owner->span;
    st->var = ident_cstr(t->name);
    st->var_span = owner->span;
    st->op = ':';
    st->expr = ast_copy(S->M->arena, e);
    st->sym = t;
    block_push(S->M->arena, &S->out, st);
    return t;
}

/* Append 'var = e' (guarded by not_refractory for '(unless refractory)'). */
void sys_emit_assign(Sys *S, Sym *var, Node *e)
{
    Stmt *st = arena_alloc(S->M->arena, sizeof *st);
    st->span = var->span;
    st->var = ident_cstr(var->name);
    st->var_span = var->span;
    st->op = '=';
    st->expr = ast_copy(S->M->arena, e);
    st->sym = var;
    if (S->g && (var->flags & VF_UNLESS_REFRACTORY)) st->guard = S->g->not_refractory;
    block_push(S->M->arena, &S->out, st);
}

/* '_v := e' for every variable, then 'v = _v' for every variable. */
void sys_emit_results(Sys *S, Node **res)
{
    Sym **tmp = arena_alloc(S->M->arena, sizeof *tmp * (size_t)S->n);
    for (int i = 0; i < S->n; i++)
        tmp[i] = sys_emit_temp(S, arena_printf(S->M->arena, "_%s", S->x[i]->name), res[i], S->x[i]);
    for (int i = 0; i < S->n; i++) sys_emit_assign(S, S->x[i], sys_name(S, tmp[i]));
}

Node *sys_zadd(Model *M, Node *a, Node *b) { return !a ? b : !b ? a : sym_add(M, a, b); }

bool sys_zero(const Node *n) { return !n || sym_is_num(n, 0); }

/* "v", "v and w", "u, v and w": the state variables e depends on. */
const char *sys_var_list(Sys *S, const Node *e)
{
    Buf b;
    buf_init(&b, S->M->arena);
    int cnt = 0, total = 0;
    for (int j = 0; j < S->n; j++)
        if (sym_depends_on(e, S->x[j])) total++;
    for (int j = 0; j < S->n; j++) {
        if (!sym_depends_on(e, S->x[j])) continue;
        cnt++;
        if (cnt > 1) buf_puts(&b, cnt == total ? " and " : ", ");
        buf_puts(&b, S->x[j]->name);
    }
    return b.p;
}

/* Is x_i '(unless refractory)' and read by another equation?  Multi-stage
 * methods then use Brian2's int(not_refractory)*f for it, so that the other
 * variables see it frozen during the refractory period, as in Brian2. */
bool sys_refractory_observed(Sys *S, int i)
{
    if (!S->g || !S->g->not_refractory || !(S->x[i]->flags & VF_UNLESS_REFRACTORY)) return false;
    for (int j = 0; j < S->n; j++)
        if (j != i && sym_depends_on(S->rhs[j], S->x[i])) return true;
    return false;
}

