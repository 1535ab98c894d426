/* SPDX-License-Identifier: MIT */
/* This file contains the semantic pass over declarations: constants and
 * overrides, functions, neuron groups and synapses (equations, flags, units
 * after ':', items), and the Model that the integrator and the emitter work
 * on.  Constants, overrides, units and functions are in sema_const.c,
 * statement lists are checked in sema_stmt.c, expressions in
 * sema_expr.c, connections, inputs and monitors in sema_net.c, on top of the
 * helpers of sema_util.c; this file is the top of the pass and nothing in
 * them calls back into it. */
#include "sema.h"
#include "sema_int.h"
#include "integrate.h"
#include "parse.h"
#include "symbolic.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ====================================================================
 * Groups
 * ==================================================================== */

static void add_var(Sema *S, Group *g, Sym *v)
{
    v->owner = g;
    v->var_index = g->nvars;
    sema_add_to(S, &g->vars, &g->nvars, v);
}

static int parse_flag(Sema *S, Group *g, Equation *e, int k)
{
    static const struct { const char *name; int bit; int kinds; int owners; } table[] = {
        /* kinds: bit 0 diff, 1 subexpr, 2 param; owners: bit 0 neurons, 1 synapses */
        { "unless refractory", VF_UNLESS_REFRACTORY, 1, 1 },
        { "constant", VF_CONSTANT, 4, 3 },
        { "shared", VF_SHARED, 6, 3 },
        { "linked", VF_LINKED, 4, 1 },
        { "constant over dt", VF_CONSTANT_OVER_DT, 2, 3 },
        { "event-driven", VF_EVENT_DRIVEN, 1, 2 },
        { "clock-driven", VF_CLOCK_DRIVEN, 1, 2 },
        { "summed", VF_SUMMED, 2, 2 },
    };
    Ident f = e->flags[k];
    Span fsp = e->flag_spans && e->flag_spans[k].end > e->flag_spans[k].start ? e->flag_spans[k] : e->span;
    static const char *const kindname[] = { "a differential equation", "a subexpression", "a parameter" };
    int owner = g->kind == G_NEURONS ? 1 : 2;
    /* the flags allowed here, for the messages */
    Buf allowed;
    buf_init(&allowed, S->A);
    const char *names[16];
    int nn = 0;
    for (size_t m = 0; m < sizeof table / sizeof *table; m++) {
        names[nn++] = table[m].name;
        if ((table[m].kinds & (1 << e->kind)) && (table[m].owners & owner))
            buf_printf(&allowed, "%s%s", allowed.len ? ", " : "", table[m].name);
    }
    const char *where = arena_printf(S->A, "%s of %s", kindname[e->kind],
                                     g->kind == G_NEURONS ? "a neuron group" : "synapses");
    const char *allow = allowed.len ? arena_printf(S->A, "allowed there: %s", allowed.p)
                                                  : "it takes no flags";
    for (size_t m = 0; m < sizeof table / sizeof *table; m++) {
        if (!ident_eq(f, table[m].name)) continue;
        if (!(table[m].kinds & (1 << e->kind)) || !(table[m].owners & owner)) {
            diag_error(S->D, fsp, "flag '%s' is not allowed on %s (%s)", table[m].name, where, allow);
            return 0;
        }
        return table[m].bit;
    }
    const char *name = ident_dup(S->A, f);
    const char *sug = diag_suggest(name, names, nn);
    if (sug) diag_error(S->D, fsp, "unknown flag '%s'; did you mean '%s'?", name, sug);
    else diag_error(S->D, fsp, "unknown flag '%s' (on %s, %s)", name, where, allow);
    return 0;
}

/* Does a model { } block have an (event-driven) equation? */
static bool has_event_driven(const Item *it)
{
    for (int k = 0; k < it->neqs; k++)
        for (int f = 0; f < it->eqs[k]->nflags; f++)
            if (ident_eq(it->eqs[k]->flags[f], "event-driven")) return true;
    return false;
}

/* Declare the variables of a model { } block (pass 1: names and units). */
static void declare_equations(Sema *S, Group *g, Item *it)
{
    for (int k = 0; k < it->neqs; k++) {
        Equation *e = it->eqs[k];
        if (e->kind == EQ_STMT) continue;
        /* a neuron variable may be called delay (only synapses have one);
         * synapses without event-driven equations may declare their own
         * lastupdate, as in Brian2 (snnc makes it only for those with) */
        bool neuron_delay = g->kind == G_NEURONS && ident_eq(e->var, "delay");
        bool own_lastupdate = g->kind == G_SYNAPSES && ident_eq(e->var, "lastupdate") && !has_event_driven(it);
        if (!neuron_delay && !own_lastupdate && !sema_check_identifier(S, e->var, e->var_span, "variable name"))
            continue;
        if (g->kind == G_NEURONS && (sema_ends_with(e->var.z, e->var.n, "_pre") || sema_ends_with(e->var.z, e->var.n, "_post"))) {
            diag_error(S->D, e->var_span, "a neuron variable may not end in _pre or _post");
            continue;
        }
        if (sema_group_lookup(g, e->var.z, e->var.n)) {
            Sym *prev = sema_group_lookup(g, e->var.z, e->var.n);
            int line, col;
            source_linecol(S->D->src, prev->span.start, &line, &col);
            diag_error(S->D, e->var_span, "'%.*s' is already defined in %s (at line %d)", (int)e->var.n,
                       e->var.z, g->name, line);
            continue;
        }
        int flags = 0;
        for (int f = 0; f < e->nflags; f++) flags |= parse_flag(S, g, e, f);
        /* a "constant over dt" subexpression is stored, as in Brian2: a
         * variable computed once per step (const_over_dt_block), that is
         * also listed with the subexpressions */
        bool stored = e->kind != EQ_SUBEXPR || (flags & VF_CONSTANT_OVER_DT);
        Sym *v = sema_new_sym(S, stored ? SYM_VAR : SYM_SUBEXPR, e->var, e->var_span);
        uint8_t type = TY_FLOAT;
        if (!sema_eval_unit(S, e->unit, &v->dim, &type)) continue;
        if (e->kind == EQ_DIFF && type != TY_FLOAT) {
            diag_error(S->D, e->unit_span, "a differential equation defines a floating-point variable, so "
                       "'d%s/dt' cannot be '%s'", v->name, type == TY_BOOL ? "boolean" : "integer");
            continue;
        }
        v->type = type;
        v->unit_expr = e->unit;
        v->flags = flags;
        v->role = e->kind == EQ_DIFF ? VR_STATE : VR_PARAM;
        v->expr = e->expr;
        if (e->kind == EQ_SUBEXPR) {
            v->owner = g;
            if (stored) add_var(S, g, v);
            sema_add_to(S, &g->subexprs, &g->nsubexprs, v);
        } else {
            add_var(S, g, v);
            if (e->kind == EQ_DIFF) sema_add_to(S, &g->odes, &g->nodes, v);
        }
    }
}

/* Does n use subexpression s, directly or through the definitions of other
 * subexpressions?  A path through distinct subexpressions is at most
 * `hops` definitions long (their number), so a cycle among the others
 * (reported by sort_subexprs) cannot make the walk endless. */
static bool depends_on_subexpr(Node *n, Sym *s, int hops)
{
    if (!n) return false;
    if (n->kind == N_NAME && sema_is_subexpr(n->sym)) {
        if (n->sym == s) return true;
        if (n->sym->expr && hops > 0 && depends_on_subexpr(n->sym->expr, s, hops - 1)) return true;
    }
    if (depends_on_subexpr(n->a, s, hops) || depends_on_subexpr(n->b, s, hops)) return true;
    for (int k = 0; k < n->nargs; k++)
        if (depends_on_subexpr(n->args[k], s, hops)) return true;
    return false;
}

static bool uses_directly(const Node *n, const Sym *s)
{
    if (!n) return false;
    if (n->kind == N_NAME && n->sym == s) return true;
    if (uses_directly(n->a, s) || uses_directly(n->b, s)) return true;
    for (int k = 0; k < n->nargs; k++)
        if (uses_directly(n->args[k], s)) return true;
    return false;
}

/* Name the cycle among the subexpressions not yet ordered: follow direct
 * uses from the first one until a subexpression comes back. */
static void report_cycle(Sema *S, Group *g, const bool *done)
{
    int n = g->nsubexprs, *path = arena_alloc(S->A, sizeof(int) * (size_t)(n + 1)), len = 0;
    int c = 0;
    while (c < n && done[c]) c++;
    if (c == n) return;
    for (;;) {
        int seen = -1;
        for (int m = 0; m < len; m++)
            if (path[m] == c) seen = m;
        if (seen >= 0) {
            Sym *first = g->subexprs[path[seen]];
            if (len - seen == 1) {
                diag_error(S->D, first->span, "subexpression '%s' depends on itself (its definition uses '%s')",
                           first->name, first->name);
                return;
            }
            Buf b;
            buf_init(&b, S->A);
            for (int m = seen; m < len; m++) buf_printf(&b, "%s -> ", g->subexprs[path[m]]->name);
            buf_puts(&b, first->name);
            diag_error(S->D, first->span, "subexpression '%s' depends on itself through a cycle of subexpressions: %s",
                       first->name, b.p);
            return;
        }
        path[len++] = c;
        int next = -1;
        for (int q = 0; q < n && next < 0; q++)
            if (!done[q] && g->subexprs[c]->expr && uses_directly(g->subexprs[c]->expr, g->subexprs[q])) next = q;
        if (next < 0 || len > n) {
            diag_error(S->D, g->subexprs[c]->span, "subexpression '%s' depends on itself (a cycle of "
                       "subexpressions)", g->subexprs[c]->name);
            return;
        }
        c = next;
    }
}

/* Order subexpressions so each comes after the ones it uses; report cycles. */
static void sort_subexprs(Sema *S, Group *g)
{
    int n = g->nsubexprs;
    Sym **out = arena_alloc(S->A, sizeof *out * (size_t)(n + 1));
    bool *done = arena_alloc(S->A, (size_t)n + 1);
    int m = 0;
    while (m < n) {
        bool progress = false;
        for (int k = 0; k < n; k++) {
            if (done[k]) continue;
            bool ready = true;
            for (int q = 0; q < n && ready; q++)
                if (!done[q] && q != k && g->subexprs[k]->expr &&
                    depends_on_subexpr(g->subexprs[k]->expr, g->subexprs[q], n))
                    ready = false;
            if (ready && depends_on_subexpr(g->subexprs[k]->expr, g->subexprs[k], n)) ready = false;
            if (ready) {
                out[m++] = g->subexprs[k];
                done[k] = true;
                progress = true;
            }
        }
        if (!progress) {
            report_cycle(S, g, done);
            return;
        }
    }
    g->subexprs = out;
}

/* A call of rand() or randn() in n (or in the user functions it calls). */
static const Node *find_random(const Node *n, int depth)
{
    if (!n || depth > 100) return NULL;
    if (n->kind == N_CALL && n->sym && n->sym->kind == SYM_FUNC &&
        (n->sym->builtin == FN_RAND || n->sym->builtin == FN_RANDN || n->sym->builtin == FN_POISSON))
        return n;
    if (n->kind == N_CALL && n->sym && n->sym->kind == SYM_USERFUNC && find_random(n->sym->expr, depth + 1)) return n;
    const Node *r;
    if ((r = find_random(n->a, depth + 1)) || (r = find_random(n->b, depth + 1))) return r;
    for (int k = 0; k < n->nargs; k++)
        if ((r = find_random(n->args[k], depth + 1))) return r;
    return NULL;
}

/* A name in n whose value differs between the elements of g (a variable
 * or subexpression that is not shared, or i), or NULL. */
static const Node *find_nonshared(const Node *n)
{
    if (!n) return NULL;
    if (n->kind == N_NAME && n->sym) {
        const Sym *s = n->sym;
        if ((s->kind == SYM_VAR || s->kind == SYM_SUBEXPR) && !(s->flags & VF_SHARED)) return n;
        if (s->kind == SYM_BUILTIN && (s->builtin == B_I || s->builtin == B_J)) return n;
    }
    const Node *r;
    if ((r = find_nonshared(n->a)) || (r = find_nonshared(n->b))) return r;
    for (int k = 0; k < n->nargs; k++)
        if ((r = find_nonshared(n->args[k]))) return r;
    return NULL;
}

/* Brian2's SubexpressionUpdater: the "constant over dt" subexpressions of
 * g, in dependency order, computed for every element in the slot before
 * 'start' (so monitors, state updates, thresholds and resets of the step
 * all see the same value, and rand() in them is drawn once per step). */
static void const_over_dt_block(Sema *S, Group *g)
{
    PVec st = { 0 };
    for (int k = 0; k < g->nsubexprs; k++) {
        Sym *v = g->subexprs[k];
        if (v->kind != SYM_VAR || !(v->flags & VF_CONSTANT_OVER_DT) || !v->expr) continue;
        Stmt *a = arena_alloc(S->A, sizeof *a);
        a->span = v->span;
        a->var = ident_cstr(v->name);
        a->var_span = v->span;
        a->op = '=';
        a->expr = v->expr;
        a->sym = v;
        pvec_push(S->A, &st, a);
    }
    if (!st.n || S->D->nerr) return;
    Extra x = { .slot = SLOT_POS(SLOT_START, 0), .order = g->order, .span = g->span };
    x.stmts.v = (Stmt **)st.v;
    x.stmts.n = st.n;
    g->extras = arena_append(S->A, g->extras, g->nextras, sizeof *g->extras);
    g->extras[g->nextras++] = x;
}

/* Is a unit after ':' written as a rate, 'X/second' (as if it were the
 * unit of dX/dt)? */
static bool rate_unit(Sema *S, Node *unit)
{
    Dim d;
    uint8_t type = TY_FLOAT;
    return unit && unit->kind == N_BIN && unit->op == '/' && sema_eval_unit(S, unit->b, &d, &type) &&
           dim_eq(d, DIM_SECOND);
}

/* Check the right-hand sides of the equations (pass 2). */
static void check_equations(Sema *S, Group *g, Item *it)
{
    for (int k = 0; k < it->neqs; k++) {
        Equation *e = it->eqs[k];
        if (e->kind != EQ_DIFF && e->kind != EQ_SUBEXPR) continue;
        Sym *v = sema_group_lookup(g, e->var.z, e->var.n);
        if (!v || v->expr != e->expr) continue;
        Scope sc = { .S = S, .g = g, .ode = e->kind == EQ_DIFF };
        if (!sema_check_expr(&sc, e->expr)) continue;
        Dim want = e->kind == EQ_DIFF ? dim_div(v->dim, DIM_SECOND) : v->dim;
        if (!dim_eq(e->expr->dim, want)) {
            if (e->kind == EQ_DIFF)
                diag_error_code(S->D, DC_UNITS, e->expr->span, "the right-hand side of 'd%s/dt' must have unit %s (the unit of "
                           "%s per second), but '%s' %s%s", v->name, sema_dimstr(S, want), v->name,
                           sema_spantext(S, e->expr->span), sema_hasunit(S, e->expr->dim),
                           dim_eq(e->expr->dim, v->dim) && rate_unit(S, e->unit)
                               ? arena_printf(S->A, "; the unit after ':' is the unit of %s itself, not of d%s/dt",
                                              v->name, v->name)
                               : "");
            else
                diag_error_code(S->D, DC_UNITS, e->expr->span, "subexpression '%s' is declared as %s, but '%s' %s",
                           v->name, sema_dimword(S, want), sema_spantext(S, e->expr->span), sema_hasunit(S, e->expr->dim));
        }
        const Node *r;
        if (e->kind == EQ_SUBEXPR && !(v->flags & VF_CONSTANT_OVER_DT) && (r = find_random(e->expr, 0)))
            diag_error(S->D, r->span, "subexpression '%s' calls %s, which would give a new value at every "
                       "use; add the flag (constant over dt) to draw it once per time step", v->name,
                       sema_spantext(S, r->span));
        if (e->kind == EQ_SUBEXPR && (v->flags & VF_SHARED) && (r = find_nonshared(e->expr)))
            diag_error(S->D, r->span, "shared subexpression '%s' refers to '%s', which is not shared (it differs "
                       "between the %s of %s)", v->name, sema_spantext(S, r->span),
                       g->kind == G_NEURONS ? "neurons" : "synapses", g->name);
    }
    sort_subexprs(S, g);
}

/* Add lastspike and not_refractory (as Brian2 does) when refractory is set. */
static void add_refractory_vars(Sema *S, Group *g)
{
    Sym *ls = sema_new_sym(S, SYM_VAR, ident_cstr("lastspike"), g->span);
    ls->dim = DIM_SECOND;
    ls->role = VR_LASTSPIKE;
    add_var(S, g, ls);
    Sym *nr = sema_new_sym(S, SYM_VAR, ident_cstr("not_refractory"), g->span);
    nr->type = TY_BOOL;
    nr->role = VR_NOTREF;
    add_var(S, g, nr);
    g->lastspike = ls;
    g->not_refractory = nr;
}

static Item *find_item(Decl *d, const char *key, Item *after)
{
    bool seen = after == NULL;
    for (int k = 0; k < d->nitems; k++) {
        if (!seen) { seen = d->items[k] == after; continue; }
        if (ident_eq(d->items[k]->key, key)) return d->items[k];
    }
    return NULL;
}

static const char *const neuron_keys[] = { "model", "threshold", "reset", "refractory", "method", "init",
                                            "run_regularly", "order", "link", "events", "run_on_event", "dt",
                                            "set_event_schedule" };
static const char *const synapse_keys[] = { "model", "on_pre", "on_post", "connect", "delay", "method", "init",
                                             "run_regularly", "order", "pre_order", "post_order", "summed_when",
                                             "on_event", "dt", "multisynaptic_index" };

static const char *known_items(Sema *S, const char *const *keys, int nkeys)
{
    Buf b;
    buf_init(&b, S->A);
    for (int k = 0; k < nkeys; k++) buf_printf(&b, "%s%s", k ? ", " : "", keys[k]);
    return b.p;
}

/* Unknown or repeated items of a group block. */
static void check_item_keys(Sema *S, Decl *d, const char *const *keys, int nkeys)
{
    for (int k = 0; k < d->nitems; k++) {
        Item *it = d->items[k];
        bool known = false;
        for (int m = 0; m < nkeys; m++) known |= ident_eq(it->key, keys[m]);
        const char *key = ident_dup(S->A, it->key);
        if (!known) {
            const char *sug = diag_suggest(key, keys, nkeys);
            Span ksp = { it->span.start, it->span.start + (int)it->key.n };
            if (sug) diag_error(S->D, ksp, "unknown item '%s' in %s; did you mean '%s'?", key,
                                ident_dup(S->A, d->keyword), sug);
            else diag_error(S->D, ksp, "unknown item '%s' in %s (known: %s)", key, ident_dup(S->A, d->keyword),
                            known_items(S, keys, nkeys));
            continue;
        }
        bool named_path = it->kind == I_CALL && (ident_eq(it->key, "on_pre") || ident_eq(it->key, "on_post"));
        if (named_path || ident_eq(it->key, "link")) continue;     /* links: sema_group_links */
        if (!sema_dict_item_ok(S, it)) continue;
        bool dict_key = it->kind == I_DICT;
        if (!ident_eq(it->key, "connect") && !ident_eq(it->key, "run_regularly") && !ident_eq(it->key, "run_on_event") &&
            !ident_eq(it->key, "set_event_schedule"))
            for (int m = 0; m < k; m++)
                if (ident_same(d->items[m]->key, it->key)) {
                    diag_error(S->D, it->span, "'%s' is given twice", key);
                    break;
                }
        int want = ident_eq(it->key, "model") ? I_MODEL :
                   ident_eq(it->key, "init") ? I_STMTS :
                   (ident_eq(it->key, "connect") || ident_eq(it->key, "run_regularly") ||
                    ident_eq(it->key, "run_on_event") || ident_eq(it->key, "set_event_schedule")) ? I_CALL : dict_key && it->kind == I_DICT ? I_DICT :
                   (ident_eq(it->key, "reset") || ident_eq(it->key, "on_pre") || ident_eq(it->key, "on_post")) ?
                   I_STMTS : I_EXPR;
        if (it->kind != want && !(want == I_STMTS && it->kind == I_EXPR && !ident_eq(it->key, "init"))) {
            static const char *const forms[] = { "model { equations }", "%s: expression", "%s: statements",
                                                 "", "%s { statements }", "%s(...)" };
            diag_error(S->D, it->span, "'%s' is written as '%s'", key, arena_printf(S->A, forms[want], key));
        } else if (want == I_STMTS && it->kind == I_EXPR && it->expr && it->expr->kind != N_STR) {
            /* Brian2 refuses reset='0': an expression is not a statement */
            diag_error(S->D, it->expr->span, "'%s' takes statements such as 'v = 0*mV', not the expression '%s'", key,
                       sema_spantext(S, it->expr->span));
        }
    }
}

/* order: N (all of the group's objects), and for synapses pre_order: N,
 * post_order: N and summed_when: SLOT -- the control over the schedule that
 * Brian2 gives with obj.order / obj.when. */
static void group_schedule(Sema *S, Group *g, Decl *d)
{
    Item *it;
    g->summed_slot = -1;
    if ((it = find_item(d, "order", NULL)) && it->kind == I_EXPR) sema_parse_order(S, it->expr, &g->order);
    if ((it = find_item(d, "pre_order", NULL)) && it->kind == I_EXPR)
        g->has_pre_order = sema_parse_order(S, it->expr, &g->pre_order);
    if ((it = find_item(d, "post_order", NULL)) && it->kind == I_EXPR)
        g->has_post_order = sema_parse_order(S, it->expr, &g->post_order);
    if ((it = find_item(d, "summed_when", NULL)) && it->kind == I_EXPR) sema_parse_when(S, it->expr, &g->summed_slot);
    if ((it = find_item(d, "dt", NULL)) && it->kind == I_EXPR) sema_group_clock(S, g, it->expr);
}

/* run_regularly(dt=1*ms, when=start) { statements }: Brian2's
 * run_regularly, run for every neuron (or synapse) of the group. */
static void group_run_regularly(Sema *S, Group *g, Item *it)
{
    Extra x = { .slot = SLOT_POS(SLOT_START, 1), .span = it->span };
    if (S->sub) x.sub_start = S->sub->start, x.sub_n = S->sub->n;
    for (int k = 0; k < it->nargs; k++) {
        Arg *a = &it->args[k];
        if (ident_eq(a->name, "dt")) {
            Scope sc = { .S = S };
            if (!sema_check_dim(&sc, a->value, DIM_SECOND, "dt")) return;
            if (!sema_const_value(a->value, &x.every) || !(x.every > 0)) {
                diag_error(S->D, a->value->span, "dt must be a constant duration > 0");
                return;
            }
        } else if (ident_eq(a->name, "when")) {
            if (!sema_parse_when(S, a->value, &x.slot)) return;
        } else if (ident_eq(a->name, "order")) {
            if (!sema_parse_order(S, a->value, &x.order)) return;
        } else {
            diag_error(S->D, a->span, "run_regularly takes dt=, when= and order=");
            return;
        }
    }
    if (!it->stmts.n) {
        diag_error(S->D, it->span, "run_regularly needs statements: run_regularly(dt=1*ms) { v += 1*mV }");
        return;
    }
    sema_check_stmts(S, g, &it->stmts, "run_regularly", false);
    x.stmts = it->stmts;
    g->extras = arena_append(S->A, g->extras, g->nextras, sizeof *g->extras);
    g->extras[g->nextras++] = x;
}

/* Initial values: v = expr or v = [a, b, c]*unit. */
static void group_inits(Sema *S, Group *g, Item *it)
{
    /* an initial value whose column() cannot be read is not checked further
     * (its error is reported once) */
    int kept = 0;
    for (int k = 0; k < it->stmts.n; k++)
        if (sema_expand_column(S, it->stmts.v[k])) it->stmts.v[kept++] = it->stmts.v[k];
    it->stmts.n = kept;
    sema_check_stmts(S, g, &it->stmts, "init", true);
    for (int k = 0; k < it->stmts.n; k++) {
        Stmt *st = it->stmts.v[k];
        if (!st->sym || st->sym->kind != SYM_VAR) continue;
        if (st->op != '=') {
            diag_error(S->D, st->span, "initial values are given with '=', not '%c='", st->op);
            continue;
        }
        InitVal *iv = arena_alloc(S->A, sizeof *iv);
        iv->var = st->sym;
        iv->span = st->span;
        if (S->sub) iv->sub_start = S->sub->start, iv->sub_n = S->sub->n;
        Node *list = sema_init_list(st->expr);
        const Node *r;
        if ((st->sym->flags & VF_SHARED) && list) {
            diag_error(S->D, list->span, "'%s' is shared (one value for all of %s), so it takes one value, "
                       "not a list", st->sym->name, g->name);
            continue;
        }
        if ((st->sym->flags & VF_SHARED) && (r = find_nonshared(st->expr))) {
            diag_error(S->D, r->span, "'%s' is shared (one value for all of %s), but '%s' differs between its "
                       "%s", st->sym->name, g->name, sema_spantext(S, r->span),
                       g->kind == G_NEURONS ? "neurons" : "synapses");
            continue;
        }
        if (list) {
            int64_t n = S->sub ? S->sub->n : g->N;
            if (g->kind == G_NEURONS && list->nargs != n && n > 0) {
                diag_error(S->D, list->span, "%s has %lld neurons, but the list has %d values",
                           S->sub ? S->sub->label : g->name, (long long)n, list->nargs);
                continue;
            }
            iv->list = arena_alloc(S->A, sizeof(double) * (size_t)(list->nargs + 1));
            iv->nlist = list->nargs;
            for (int m = 0; m < list->nargs; m++) {
                double x;
                Dim d;
                if (!sema_const_value(list->args[m], &x)) {
                    diag_error(S->D, list->args[m]->span, "list values must be constants");
                    break;
                }
                sema_list_element(st->expr, list, DIM_NONE, x, &d, &iv->list[m]);
            }
        } else {
            iv->expr = st->expr;
        }
        g->inits = arena_append(S->A, g->inits, g->ninits, sizeof *g->inits);
        g->inits[g->ninits++] = *iv;
    }
}

static void group_method(Sema *S, Group *g, Item *it)
{
    if (it->expr->kind != N_NAME) {
        diag_error(S->D, it->expr->span, "method must be a name such as euler, rk4 or exact");
        return;
    }
    const char *m = ident_dup(S->A, it->expr->name);
    const char *known = integrate_method_name(m);
    if (!known) {
        integrate_unknown_method(S->D, it->expr->span, m);
        return;
    }
    g->method = !strcmp(known, m) ? m : known;
    g->method_span = it->expr->span;
}

static Group *new_group(Sema *S, Decl *d, int kind)
{
    Group *g = arena_alloc(S->A, sizeof *g);
    g->kind = kind;
    g->name = ident_dup(S->A, d->name);
    g->span = d->name_span;
    g->index = S->groups.n;
    return g;
}

static void decl_neurons(Sema *S, Decl *d)
{
    if (!ident_eq(d->keyword, "neurons")) {
        diag_error(S->D, d->span, "'%.*s NAME[N] { ... }' is not known; a neuron group is written "
                   "'neurons NAME[N] { ... }'", (int)d->keyword.n, d->keyword.z);
        return;
    }
    if (!sema_check_identifier(S, d->name, d->name_span, "group name") || !sema_top_unique(S, d->name, d->name_span)) return;
    Group *g = new_group(S, d, G_NEURONS);
    Scope sc = { .S = S };
    double n;
    if (!sema_check_expr(&sc, d->expr)) return;
    if (!dim_is_none(d->expr->dim) || !sema_const_value(d->expr, &n) || n != floor(n) || n < 1 || n > 2e9) {
        diag_error(S->D, d->expr->span, "the size of a group must be a positive whole number, not '%s'",
                   sema_spantext(S, d->expr->span));
        return;
    }
    g->N = (int64_t)n;
    check_item_keys(S, d, neuron_keys, (int)(sizeof neuron_keys / sizeof *neuron_keys));
    Item *model = find_item(d, "model", NULL);
    Item *ref = find_item(d, "refractory", NULL);
    if (model && model->kind == I_MODEL) declare_equations(S, g, model);
    if (ref && ref->kind == I_EXPR) add_refractory_vars(S, g);
    pvec_push(S->A, &S->groups, g);
    if (model && model->kind == I_MODEL) check_equations(S, g, model);
    sema_group_links(S, g, d);
    for (int k = 0; k < g->nvars; k++)
        if ((g->vars[k]->flags & VF_UNLESS_REFRACTORY) && !ref)
            diag_error(S->D, g->vars[k]->span, "'%s' is flagged (unless refractory), but %s has no 'refractory:'",
                       g->vars[k]->name, g->name);
    Item *it;
    if ((it = find_item(d, "threshold", NULL)) && it->kind == I_EXPR) {
        Scope ts = { .S = S, .g = g };
        if (sema_check_cond(&ts, it->expr, "the threshold")) g->threshold = it->expr;
    }
    if ((it = find_item(d, "reset", NULL)) && it->kind == I_STMTS) {
        sema_check_stmts(S, g, &it->stmts, "reset", false);
        g->reset = it->stmts;
        if (!g->threshold && !S->D->nerr)
            diag_error(S->D, it->span, "%s has a reset but no threshold", g->name);
    }
    if (ref && ref->kind == I_EXPR) {
        Scope rs = { .S = S, .g = g };
        if (sema_check_expr(&rs, ref->expr)) {
            if (ref->expr->type == TY_BOOL) g->refractory_kind = REF_COND;
            else if (dim_eq(ref->expr->dim, DIM_SECOND)) g->refractory_kind = REF_TIME;
            else diag_error(S->D, ref->expr->span, "refractory must be a duration (5*ms) or a condition "
                            "(v > -20*mV), but '%s' has unit %s", sema_spantext(S, ref->expr->span),
                            sema_dimstr(S, ref->expr->dim));
            g->refractory = ref->expr;
        }
        if (!g->threshold)
            diag_error(S->D, ref->span, "%s has 'refractory:' but no threshold", g->name);
    }
    if ((it = find_item(d, "method", NULL)) && it->kind == I_EXPR) group_method(S, g, it);
    if ((it = find_item(d, "init", NULL)) && it->kind == I_STMTS) group_inits(S, g, it);
    for (it = find_item(d, "run_regularly", NULL); it; it = find_item(d, "run_regularly", it))
        if (it->kind == I_CALL) group_run_regularly(S, g, it);
    group_schedule(S, g, d);
    sema_group_events(S, g, d);
    const_over_dt_block(S, g);
}

/* on_pre(NAME, delay=..., order=...) { statements }: a further pathway, as
 * Brian2's on_pre={'NAME': ...}; it has its own spike queue and delay. */
static void synapse_pathway(Sema *S, Group *g, Item *it, bool post)
{
    Pathway p = { .span = it->span, .post = post, .order = post ? 1 : -1 };
    for (int k = 0; k < it->nargs; k++) {
        Arg *a = &it->args[k];
        Scope sc = { .S = S };
        if (!a->name.n && k == 0 && a->value->kind == N_NAME) {
            p.name = ident_dup(S->A, a->value->name);
        } else if (ident_eq(a->name, "delay")) {
            if (!sema_check_dim(&sc, a->value, DIM_SECOND, "the delay")) return;
            if (!sema_const_value(a->value, &p.delay) || p.delay < 0) {
                diag_error(S->D, a->value->span, "the delay of a named pathway must be a constant >= 0");
                return;
            }
        } else if (ident_eq(a->name, "order")) {
            if (!sema_parse_order(S, a->value, &p.order)) return;
        } else {
            diag_error(S->D, a->span, "write %s(NAME, delay=..., order=...) { statements }", post ? "on_post" : "on_pre");
            return;
        }
    }
    if (!p.name) {
        diag_error(S->D, it->span, "a named pathway needs a name: %s(NAME) { ... }", post ? "on_post" : "on_pre");
        return;
    }
    for (int k = 0; k < g->npaths; k++)
        if (!strcmp(g->paths[k].name, p.name)) {
            diag_error(S->D, it->span, "%s already has a pathway '%s'", g->name, p.name);
            return;
        }
    sema_check_stmts(S, g, &it->stmts, post ? "on_post" : "on_pre", false);
    p.stmts = it->stmts;
    g->paths = arena_append(S->A, g->paths, g->npaths, sizeof *g->paths);
    g->paths[g->npaths++] = p;
}

/* delay: a constant gives every synapse the same delay (one spike queue per
 * pathway); an expression of i, j, rand() or synapse variables gives each
 * synapse its own, stored in a 'delay' variable set after connect(). */
static void synapse_delay(Sema *S, Group *g, Node *e)
{
    Scope sc = { .S = S, .g = g };
    double v;
    if (!sema_check_dim(&sc, e, DIM_SECOND, "the delay")) return;
    if (sema_const_value(e, &v)) {
        if (v < 0) diag_error(S->D, e->span, "the delay must be >= 0, not %g s", v);
        else g->delay = e;
        return;
    }
    g->delay_var = sema_delay_var(S, g, "delay", e);
}

/* Brian2 refuses a synapse variable named like a variable of its source or
 * target, or ending in _pre or _post (except a summed variable's target). */
static void check_synapse_names(Sema *S, Group *g)
{
    for (int k = 0; k < g->nvars + g->nsubexprs; k++) {
        Sym *s = k < g->nvars ? g->vars[k] : g->subexprs[k - g->nvars];
        if ((s->flags & VF_SUMMED) || !s->span.end) continue;
        size_t n = strlen(s->name);
        if (sema_ends_with(s->name, n, "_pre") || sema_ends_with(s->name, n, "_post"))
            diag_error(S->D, s->span, "a synapse variable cannot end in _pre or _post ('%s' would read as a variable "
                       "of the source or target)", s->name);
        else if (sema_group_lookup(g->src, s->name, n) || sema_group_lookup(g->tgt, s->name, n))
            diag_error(S->D, s->span, "'%s' of %s has the name of a variable of %s; Brian2 refuses the clash "
                       "(rename it)", s->name, g->name, sema_group_lookup(g->src, s->name, n) ? g->src->name : g->tgt->name);
    }
}

static void decl_synapses(Sema *S, Decl *d)
{
    if (!ident_eq(d->keyword, "synapses")) {
        diag_error(S->D, d->span, "'%.*s NAME(A -> B) { ... }' is not known; synapses are written "
                   "'synapses NAME(A -> B) { ... }'", (int)d->keyword.n, d->keyword.z);
        return;
    }
    if (!sema_check_identifier(S, d->name, d->name_span, "synapses name") || !sema_top_unique(S, d->name, d->name_span)) return;
    Group *g = new_group(S, d, G_SYNAPSES);
    GroupRange src, tgt;
    /* a source or target that is a synapse group: synapses on synapses */
    int ssrc = sema_synapse_endpoint(S, d->src, d->src_span, d->src_sub, &src);
    int stgt = sema_synapse_endpoint(S, d->tgt, d->tgt_span, d->tgt_sub, &tgt);
    if (ssrc < 0 || stgt < 0 || (!ssrc && !sema_group_range(S, d->src, d->src_span, d->src_sub, &src)) |
        (!stgt && !sema_group_range(S, d->tgt, d->tgt_span, d->tgt_sub, &tgt)))
        return;
    g->src = src.g, g->src_start = src.start, g->src_n = src.n;
    g->tgt = tgt.g, g->tgt_start = tgt.start, g->tgt_n = tgt.n, g->tgt_sub = tgt.sub;
    g->src_label = src.label, g->tgt_label = tgt.label;
    check_item_keys(S, d, synapse_keys, (int)(sizeof synapse_keys / sizeof *synapse_keys));
    Item *model = find_item(d, "model", NULL), *it;
    if (model && model->kind == I_MODEL) declare_equations(S, g, model);
    if ((it = find_item(d, "multisynaptic_index", NULL)) && it->kind == I_EXPR) sema_multisynaptic_index(S, g, it);
    check_synapse_names(S, g);
    pvec_push(S->A, &S->groups, g);
    if (model && model->kind == I_MODEL) check_equations(S, g, model);
    for (it = find_item(d, "on_pre", NULL); it; it = find_item(d, "on_pre", it)) {
        if (!sema_synsyn_pathway_ok(S, g, it, false)) continue;
        if (it->kind == I_DICT) {
            sema_pathway_dict(S, g, it, false);
            continue;
        }
        if (it->kind == I_CALL) {
            synapse_pathway(S, g, it, false);
            continue;
        }
        sema_check_stmts(S, g, &it->stmts, "on_pre", false);
        g->on_pre = it->stmts;
    }
    for (it = find_item(d, "on_post", NULL); it; it = find_item(d, "on_post", it)) {
        if (!sema_synsyn_pathway_ok(S, g, it, true)) continue;
        if (it->kind == I_DICT) {
            sema_pathway_dict(S, g, it, true);
            continue;
        }
        if (it->kind == I_CALL) {
            synapse_pathway(S, g, it, true);
            continue;
        }
        sema_check_stmts(S, g, &it->stmts, "on_post", false);
        g->on_post = it->stmts;
    }
    if ((it = find_item(d, "method", NULL)) && it->kind == I_EXPR) group_method(S, g, it);
    if ((it = find_item(d, "init", NULL)) && it->kind == I_STMTS) group_inits(S, g, it);
    for (it = find_item(d, "run_regularly", NULL); it; it = find_item(d, "run_regularly", it))
        if (it->kind == I_CALL) group_run_regularly(S, g, it);
    group_schedule(S, g, d);
    const_over_dt_block(S, g);
    if ((it = find_item(d, "delay", NULL)) && it->kind == I_EXPR) {
        int nerr = S->D->nerr;
        synapse_delay(S, g, it->expr);
        if (S->D->nerr == nerr && !find_item(d, "on_pre", NULL))
            diag_error(S->D, it->expr->span, "a delay is the delay of on_pre, but %s has no on_pre (Brian2 refuses "
                       "it); give on_pre statements or leave the delay out", g->name);
    }
    Node *main_delay;
    if ((it = find_item(d, "delay", NULL)) && it->kind == I_DICT && (main_delay = sema_delay_dict(S, g, it)))
        synapse_delay(S, g, main_delay);
    if ((it = find_item(d, "on_event", NULL)) && (it->kind == I_EXPR || it->kind == I_DICT))
        sema_synapse_on_event(S, g, it);
    for (it = find_item(d, "connect", NULL); it; it = find_item(d, "connect", it))
        if (it->kind == I_CALL) sema_synapse_connect(S, g, it);
}

/* subgroup NAME = G[a:b] { init { } run_regularly(...) { } }: its items
 * are the group's, for the subgroup's neurons only. */
static void decl_subgroup(Sema *S, Decl *d)
{
    GroupRange r;
    if (!sema_decl_subgroup(S, d, &r)) return;
    S->sub = &r;
    for (int k = 0; k < d->nitems; k++) {
        Item *it = d->items[k];
        if (ident_eq(it->key, "init") && it->kind == I_STMTS) group_inits(S, r.g, it);
        else if (ident_eq(it->key, "run_regularly") && it->kind == I_CALL) group_run_regularly(S, r.g, it);
    }
    S->sub = NULL;
}

/* After declaration d, once the model has errors (its own, or silent ones
 * from names that failed before): if its name was left undefined, remember it so that its uses do not cascade into
 * "unknown name" or "unknown group" errors. */
static void note_failure(Sema *S, const Decl *d)
{
    if (!S->D->nerr || !d->name.n || d->kind == D_RUN || d->kind == D_PRINT || d->kind == D_ASSIGN ||
        d->kind == D_METHOD || d->kind == D_WORD || d->in_script)
        return;
    if (sema_const_lookup(S, d->name.z, d->name.n) || sema_find_group(S, d->name) || sema_userfunc_lookup(S, d->name) ||
        sema_find_subgroup(S, d->name))
        return;
    for (int k = 0; k < S->monitors.n; k++)
        if (ident_eq(d->name, ((Monitor *)S->monitors.v[k])->name)) return;
    pvec_push(S->A, &S->failed, (void *)ident_dup(S->A, d->name));
}

Model *sema_program(Arena *A, Diag *D, Program *prog, const Override *ov, int nov)
{
    Sema S0 = { .A = A, .D = D }, *S = &S0;
    Model *M = arena_alloc(A, sizeof *M);
    M->arena = A;
    S->M = M;
    sema_set_dt(S, 1e-4);
    sema_expand_templates(S, prog);
    int k = 0;
    /* constants and functions first, in order, then overrides, then the rest */
    /* an override replaces the constant where it is defined, so constants
     * computed from it later see the new value (--set a=2*ms with b = 3*a) */
    bool *applied = arena_alloc(A, (size_t)nov + 1);
    /* without 'dt = ...' in the model, --set dt replaces the default step
     * before any constant computed from dt */
    bool model_dt = false;
    for (int m = 0; m < prog->ndecls; m++)
        model_dt |= prog->decls[m]->kind == D_CONST && ident_eq(prog->decls[m]->name, "dt");
    for (int m = 0; m < nov && !model_dt; m++)
        if (ident_eq(ov[m].decl->name, "dt")) {
            sema_apply_override(S, &ov[m]);
            applied[m] = true;
        }
    bool after_run = false;
    for (; k < prog->ndecls; k++) {
        Decl *d = prog->decls[k];
        after_run |= d->kind == D_RUN || d->kind == D_WORD;
        /* a constant defined before, given a value after a run (or a
         * store / restore, as Brian2's loops 'restore(); tau = x; run()'):
         * a new value from that point of the script on (sema_script.c) */
        d->in_script = d->kind == D_CONST && ((after_run && (sema_const_lookup(S, d->name.z, d->name.n) ||
                                                             ident_eq(d->name, "dt") || ident_eq(d->name, "seed"))) ||
                                              ident_eq(d->name, "t"));   /* Brian2's net.t_ = ..., before any run too */
        if (d->in_script) continue;
        if (d->kind == D_CONST) {
            sema_decl_const(S, d);
            for (int m = 0; m < nov; m++)
                if (!applied[m] && ident_same(ov[m].decl->name, d->name)) {
                    sema_apply_override(S, &ov[m]);
                    applied[m] = true;
                }
        } else if (d->kind == D_FUNC) sema_decl_func(S, d);
        else if (d->kind == D_MONITOR && ident_eq(d->keyword, "timedarray")) sema_decl_timedarray(S, d);
        note_failure(S, d);
    }
    for (int m = 0; m < nov; m++)
        if (!applied[m]) sema_apply_override(S, &ov[m]);
    double run_steps = 0;
    PVec prints = { 0 };
    for (k = 0; k < prog->ndecls; k++) {
        Decl *d = prog->decls[k];
        switch (d->kind) {
        case D_NEURONS:
            if (ident_eq(d->keyword, "spatialneurons") || !d->expr) {
                if (sema_spatial_prepare(S, d)) {
                    decl_neurons(S, d);
                    sema_spatial_finish(S, d);
                }
            } else {
                decl_neurons(S, d);
            }
            break;
        case D_MORPHOLOGY: sema_decl_morphology(S, d); break;
        case D_SYNAPSES: decl_synapses(S, d); break;
        case D_SUBGROUP: decl_subgroup(S, d); break;
        case D_MONITOR:
            if (!ident_eq(d->keyword, "timedarray")) sema_decl_monitor(S, d);
            break;
        case D_RUN: sema_decl_run_counted(S, d, &run_steps); break;
        case D_PRINT: sema_decl_print(S, d, &prints); break;
        case D_CONST:
            if (d->in_script) sema_script_decl(S, d);
            break;
        case D_ASSIGN: case D_METHOD: case D_WORD: sema_script_decl(S, d); break;
        }
        note_failure(S, d);
    }
    M->consts = (Sym **)S->consts.v;
    M->nconsts = S->consts.n;
    M->groups = (Group **)S->groups.v;
    M->ngroups = S->groups.n;
    M->monitors = (Monitor **)S->monitors.v;
    M->nmonitors = S->monitors.n;
    M->userfuncs = (Sym **)S->funcs.v;
    M->nuserfuncs = S->funcs.n;
    M->nruns = S->runs.n;
    M->runs = arena_alloc(A, sizeof(double) * (size_t)(S->runs.n + 1));
    for (int m = 0; m < S->runs.n; m++) M->runs[m] = *(double *)S->runs.v[m];
    M->nactions = S->actions.n;
    M->actions = arena_alloc(A, sizeof *M->actions * (size_t)(S->actions.n + 1));
    for (int m = 0; m < S->actions.n; m++) M->actions[m] = *(Action *)S->actions.v[m];
    M->nprints = prints.n;
    M->prints = arena_alloc(A, sizeof *M->prints * (size_t)(prints.n + 1));
    for (int m = 0; m < prints.n; m++) M->prints[m] = *(Print *)prints.v[m];
    bool override_err = false;
    for (int m = 0; m < nov; m++) override_err |= ov[m].D->nerr > 0;
    /* the summed variables' targets are checked once the model is complete */
    for (int m = 0; m < M->ngroups && !D->nerr && !override_err; m++)
        if (M->groups[m]->kind == G_SYNAPSES) sema_check_summed(S, M->groups[m]);
    for (int m = 0; m < M->ngroups && !D->nerr && !override_err; m++)
        if (M->groups[m]->kind == G_SYNAPSES) sema_check_spiking_ends(S, M->groups[m]);
    /* Brian2 refuses to run Synapses whose connect() was never called; here
     * those with a pathway (which would silently do nothing) in a model that
     * runs (a program may still connect them through the API) */
    for (int m = 0; m < M->ngroups && !D->nerr && !override_err && M->nruns; m++) {
        Group *g = M->groups[m];
        if (g->kind == G_SYNAPSES && !g->nconnects && (g->on_pre.n || g->on_post.n || g->npaths))
            diag_error(D, g->span, "%s is never connected: give it connect(...) (Brian2 refuses to run synapses "
                       "whose connect() was not called; connect(p=0) makes none)", g->name);
    }
    return D->nerr || override_err ? NULL : M;
}
