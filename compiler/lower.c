/* SPDX-License-Identifier: MIT */
/* This file contains the lowering pass after sema:
 *  - each group's clock-driven equations are integrated (integrate.c);
 *  - (event-driven) synaptic equations are solved exactly over the time since
 *    the synapse's last update and prepended to on_pre and on_post, followed
 *    by 'lastupdate = t', as Brian2's SynapticPathway does;
 *  - (summed) subexpressions of synapses get their target variable. */
#include "lower.h"

#include <string.h>

#include "integrate.h"
#include "sema.h"
#include "symbolic.h"

static Sym *add_group_var(Model *M, Group *g, const char *name, Dim dim, int role)
{
    Sym *s = arena_alloc(M->arena, sizeof *s);
    s->kind = SYM_VAR;
    s->name = name;
    s->span = g->span;
    s->dim = dim;
    s->role = role;
    s->owner = g;
    s->var_index = g->nvars;
    g->vars = arena_append(M->arena, g->vars, g->nvars, sizeof *g->vars);
    g->vars[g->nvars++] = s;
    return s;
}

static Stmt *assign(Model *M, Sym *var, Node *e)
{
    Stmt *st = arena_alloc(M->arena, sizeof *st);
    st->span.start = st->span.end = -1;
    st->var = ident_cstr(var->name);
    st->op = '=';
    st->sym = var;
    st->expr = e;
    return st;
}

/* [event-driven update] + code + [lastupdate = t] */
static StmtList wrap_pathway(Model *M, Block *pre, StmtList code, Stmt *tail)
{
    StmtList out;
    out.n = pre->n + code.n + 1;
    out.v = arena_alloc(M->arena, sizeof *out.v * (size_t)out.n);
    int k = 0;
    for (int m = 0; m < pre->n; m++) out.v[k++] = pre->v[m];
    for (int m = 0; m < code.n; m++) out.v[k++] = code.v[m];
    out.v[k++] = tail;
    out.n = k;
    return out;
}

static bool lower_event_driven(Model *M, Group *g, Diag *D)
{
    Sym **ev = arena_alloc(M->arena, sizeof *ev * (size_t)(g->nodes + 1));
    int nev = 0;
    for (int k = 0; k < g->nodes; k++)
        if (g->odes[k]->flags & VF_EVENT_DRIVEN) ev[nev++] = g->odes[k];
    if (!nev) return true;
    Sym *last = add_group_var(M, g, "lastupdate", DIM_SECOND, VR_LASTUPDATE);
    Node *t = sym_name(M, model_builtin(M, B_T));
    Node *elapsed = sym_sub(M, t, sym_name(M, last));
    Block upd = { 0 };
    if (!integrate_event_driven(M, ev, nev, elapsed, &upd, D)) return false;
    Stmt *tail = assign(M, last, t);
    if (g->on_pre.n) g->on_pre = wrap_pathway(M, &upd, g->on_pre, tail);
    if (g->on_post.n) g->on_post = wrap_pathway(M, &upd, g->on_post, tail);
    for (int k = 0; k < g->npaths; k++) g->paths[k].stmts = wrap_pathway(M, &upd, g->paths[k].stmts, tail);
    return true;
}

/* Igap_post = w*(v_pre - v_post) : amp (summed) sets the parameter Igap
 * of the target group (or of the source with _pre) to the sum over its
 * synapses, before the state updates of every step.  Sema has checked that
 * the parameter exists with the right unit. */
static bool lower_summed(Model *M, Group *g, Diag *D)
{
    (void)D;
    for (int k = 0; k < g->nsubexprs; k++) {
        Sym *s = g->subexprs[k];
        if (!(s->flags & VF_SUMMED)) continue;
        size_t n = strlen(s->name);
        Group *tg = g->tgt;
        int side = 2;
        if (sema_ends_with(s->name, n, "_post")) n -= 5;
        else if (sema_ends_with(s->name, n, "_pre")) { n -= 4; tg = g->src; side = 1; }
        Sym *target = NULL;
        for (int v = 0; v < tg->nvars; v++)
            if (strlen(tg->vars[v]->name) == n && !strncmp(tg->vars[v]->name, s->name, n)) target = tg->vars[v];
        if (!target) return false;
        Sym *view = arena_alloc(M->arena, sizeof *view);
        *view = *target;
        view->side = side;
        view->base = target;
        Sym **a = arena_alloc(M->arena, sizeof *a * (size_t)(g->nsummed + 1));
        Sym **b = arena_alloc(M->arena, sizeof *b * (size_t)(g->nsummed + 1));
        if (g->nsummed) {
            memcpy(a, g->summed, sizeof *a * (size_t)g->nsummed);
            memcpy(b, g->summed_target, sizeof *b * (size_t)g->nsummed);
        }
        a[g->nsummed] = s;
        b[g->nsummed++] = view;
        g->summed = a;
        g->summed_target = b;
    }
    return true;
}

bool lower_model(Model *M, Diag *D)
{
    bool ok = true;
    for (int k = 0; k < M->ngroups; k++) {
        Group *g = M->groups[k];
        if (g->nodes) ok &= integrate_group(M, g, D);
        if (g->kind == G_SYNAPSES) ok &= lower_event_driven(M, g, D) && lower_summed(M, g, D);
    }
    return ok && !D->nerr;
}
