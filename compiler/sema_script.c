/* SPDX-License-Identifier: MIT */
/* This file contains the checking of the script between runs, the
 * statements that run in file order between 'run' statements as Brian2's
 * do between run() calls: assignments to variables of groups and synapses
 * (G.v = expr, G.I[0:10] = ..., S.w['i == j'] = 0), new values of
 * constants (tau = 5*ms after a run), switching objects off and on
 * (M.active = False), store / restore of the network, and a spike
 * generator's set_spikes(...).  Each becomes an Action of the model; an
 * assignment is compiled into a block function of its own (BK_ASSIGN).
 * It calls sema_stmt.c, sema_net.c, sema_expr.c and sema_util.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema_int.h"

/* A new action of the given kind at declaration d, in the script's order. */
static Action *new_action(Sema *S, Decl *d, int kind)
{
    Action *a = arena_alloc(S->A, sizeof *a);
    a->kind = kind;
    a->after_run = S->runs.n;
    a->order = S->nscript++;
    a->span = d->span;
    a->hi = -1;
    return a;
}

/* The monitor named id, or NULL. */
static Monitor *find_monitor(Sema *S, Ident id)
{
    for (int k = 0; k < S->monitors.n; k++)
        if (ident_eq(id, ((Monitor *)S->monitors.v[k])->name)) return S->monitors.v[k];
    return NULL;
}

/* The Poisson input named id (an Extra of its target group), or NULL. */
static const Extra *find_input(Sema *S, Ident id)
{
    for (int k = 0; k < S->groups.n; k++) {
        Group *g = S->groups.v[k];
        for (int q = 0; q < g->nextras; q++)
            if (g->extras[q].name && ident_eq(id, g->extras[q].name)) return &g->extras[q];
    }
    return NULL;
}

/* The object (group, synapses, input or monitor) a script statement names;
 * false with an error (and a suggestion) if there is none.  A Poisson
 * input is neither a group nor a monitor: *input is set for it. */
static bool object_ref(Sema *S, Decl *d, Group **g, Monitor **m, const Extra **input)
{
    *g = sema_find_group(S, d->name);
    *m = *g ? NULL : find_monitor(S, d->name);
    *input = *g || *m ? NULL : find_input(S, d->name);
    if (*g || *m || *input) return true;
    if (sema_failed_name(S, d->name)) return false;
    PVec names = { 0 };
    for (int k = 0; k < S->groups.n; k++) pvec_push(S->A, &names, (void *)((Group *)S->groups.v[k])->name);
    for (int k = 0; k < S->monitors.n; k++) pvec_push(S->A, &names, (void *)((Monitor *)S->monitors.v[k])->name);
    for (int k = 0; k < S->groups.n; k++)
        for (int q = 0; q < ((Group *)S->groups.v[k])->nextras; q++)
            if (((Group *)S->groups.v[k])->extras[q].name)
                pvec_push(S->A, &names, (void *)((Group *)S->groups.v[k])->extras[q].name);
    const char *name = ident_dup(S->A, d->name);
    const char *sug = diag_suggest(name, (const char *const *)names.v, names.n);
    if (sug)
        diag_error(S->D, d->name_span, "there is no object '%s' declared before this line; did you mean '%s'?", name, sug);
    else
        diag_error(S->D, d->name_span, "there is no object '%s' declared before this line (a group, synapses, "
                   "input or monitor)", name);
    return false;
}

/* Replace G.x by x in e where G is the object assigned to itself, named
 * name (Brian2 scripts write G.v[G.v > x] and G.v = G.v + 1*mV). */
static void strip_own_prefix(Node *e, const char *name)
{
    if (!e) return;
    if (e->kind == N_NAME && e->b && ident_eq(e->name, name)) {
        Span sp = e->span;
        *e = *e->b;
        e->span = sp;
        return;
    }
    strip_own_prefix(e->a, name);
    strip_own_prefix(e->b, name);
    for (int k = 0; k < e->nargs; k++) strip_own_prefix(e->args[k], name);
}

/* A whole constant number in e; false with an error. */
static bool whole_number(Sema *S, Node *e, const char *what, double *out)
{
    Scope sc = { .S = S };
    if (!sema_check_expr(&sc, e)) return false;
    if (!sema_const_value(e, out) || *out != floor(*out) || !dim_is_none(e->dim) || fabs(*out) > 2e9) {
        diag_error(S->D, e->span, "%s must be a whole number, not '%s'", what, sema_spantext(S, e->span));
        return false;
    }
    return true;
}

/* Python's index k of a sequence of n (negative from the end); false if
 * outside it. */
static bool python_index(double k, int64_t n, int64_t *out)
{
    if (k < 0) k += (double)n;
    *out = (int64_t)k;
    return k >= 0 && k < (double)n;
}

/* 'i >= lo and i < hi' (or j) at span sp, unchecked. */
static Node *range_condition(Sema *S, const char *index, int64_t lo, int64_t hi, Span sp)
{
    Node *ge = ast_bin(S->A, OP_GE, ast_name(S->A, ident_cstr(index), sp), ast_num(S->A, (double)lo, true, sp), sp);
    Node *lt = ast_bin(S->A, '<', ast_name(S->A, ident_cstr(index), sp), ast_num(S->A, (double)hi, true, sp), sp);
    Node *both = ast_bin(S->A, 0, ge, lt, sp);
    both->kind = N_AND;
    return both;
}

/* One side of S.w[SG1, SG2]: e names the synapses' source (pre) or target
 * group, or a subgroup of it, as Brian2's Synapses.__getitem__ with
 * subgroups; the condition on i (or j) that selects it, relative to the
 * synapses' own range, is and-ed to *cond.  False with an error. */
static bool pair_side(Sema *S, Group *syn, Node *e, bool pre, Node **cond)
{
    if (!e) return true;   /* ':' */
    Group *side = pre ? syn->src : syn->tgt;
    int64_t start = pre ? syn->src_start : syn->tgt_start, n = pre ? syn->src_n : syn->tgt_n;
    const char *label = pre ? syn->src_label : syn->tgt_label;
    if (!label) label = side->name;
    if (!((e->kind == N_NAME && !e->b) || e->kind == N_SUBGROUP)) {
        diag_error(S->D, e->span, "S.w[A, B] selects by the %s's (sub)group: name %s, a subgroup of it or ':', not "
                   "'%s' (for indices or conditions write S.w['%s > 2'])", pre ? "source" : "target", label,
                   sema_spantext(S, e->span), pre ? "i" : "j");
        return false;
    }
    GroupRange r;
    if (!sema_group_range(S, e->name, e->span, e->kind == N_SUBGROUP ? e : NULL, &r)) return false;
    if (r.g != side || r.start < start || r.start + r.n > start + n) {
        diag_error(S->D, e->span, "%s is not a part of %s's %s %s", r.sub ? r.label : r.g->name, syn->name,
                   pre ? "source" : "target", label);
        return false;
    }
    Node *c = range_condition(S, pre ? "i" : "j", r.start - start, r.start - start + r.n, e->span);
    if (*cond) {
        Node *both = ast_bin(S->A, 0, *cond, c, e->span);
        both->kind = N_AND;
        c = both;
    }
    *cond = c;
    return true;
}

/* The selection of G.v[...]: an index, a slice, a list of indices or a
 * condition.  Neuron groups have their size, so indices are Python's
 * (negative from the end, slices clipped); synapses are counted at run
 * time, so their indices must be >= 0 and slices end at the last synapse. */
static bool selection(Sema *S, Group *g, const GroupRange *r, Subscript *sub, Action *a)
{
    bool neurons = g->kind == G_NEURONS;
    int64_t N = r ? r->n : g->N;
    const char *label = r ? r->label : g->name;
    double x;
    if (sub->kind == SUB_PAIR) {
        if (neurons) {
            diag_error(S->D, sub->span, "%s is a neuron group: its variables take one index (%s.v[2:5]); [A, B] "
                       "selects synapses by their source and target", label, label);
            return false;
        }
        Node *cond = NULL;
        if (!pair_side(S, g, sub->pre, true, &cond) || !pair_side(S, g, sub->post, false, &cond)) return false;
        if (!cond) return true;   /* [:, :]: all */
        Scope sc = { .S = S, .g = g };
        if (!sema_check_expr(&sc, cond)) return false;
        a->cond = cond;
        return true;
    }
    if (sub->kind == SUB_INDEX) {
        Scope sc = { .S = S, .g = g };
        strip_own_prefix(sub->index, label);
        if (!sema_check_expr(&sc, sub->index)) return false;
        if (sub->index->type == TY_BOOL) {
            a->cond = sub->index;
            return true;
        }
        if (!sema_const_value(sub->index, &x) || x != floor(x) || !dim_is_none(sub->index->dim)) {
            diag_error(S->D, sub->index->span, "an index must be a whole number, a slice (0:10), a list of "
                       "indices or a condition ('v > -50*mV'), not '%s'", sema_spantext(S, sub->index->span));
            return false;
        }
        if (neurons ? !python_index(x, N, &a->lo) : x < 0) {
            diag_error(S->D, sub->index->span, "index %g is not a%s of %s%s", x, neurons ? " neuron" : " synapse",
                       label, neurons ? arena_printf(S->A, " (0 to %lld)", (long long)N - 1) : "");
            return false;
        }
        a->lo = neurons ? a->lo : (int64_t)x;
        a->hi = a->lo + 1;
        a->single = true;
        return true;
    }
    if (sub->kind == SUB_SLICE) {
        double lo = 0, hi = neurons ? (double)N : -1;
        if (sub->lo && !whole_number(S, sub->lo, "the start of a slice", &lo)) return false;
        if (sub->hi && !whole_number(S, sub->hi, "the end of a slice", &hi)) return false;
        if (neurons) {
            /* Python's slice.indices(N) */
            if (lo < 0) lo = fmax(lo + (double)N, 0);
            if (hi < 0) hi = fmax(hi + (double)N, 0);
            lo = fmin(lo, (double)N);
            hi = fmin(hi, (double)N);
            if (hi < lo) hi = lo;
        } else if (lo < 0 || (sub->hi && hi < 0)) {
            diag_error(S->D, sub->span, "a slice of synapses counts from 0: its start and end must be >= 0");
            return false;
        }
        a->lo = (int64_t)lo;
        a->hi = (int64_t)hi;
        return true;
    }
    a->sel = arena_alloc(S->A, sizeof *a->sel * (size_t)(sub->nlist + 1));
    for (int k = 0; k < sub->nlist; k++) {
        int64_t at;
        if (!whole_number(S, sub->list[k], "an index", &x)) return false;
        if (neurons ? !python_index(x, N, &at) : x < 0) {
            diag_error(S->D, sub->list[k]->span, "index %g is not a%s of %s", x, neurons ? " neuron" : " synapse",
                       label);
            return false;
        }
        a->sel[k] = (int32_t)(neurons ? at : (int64_t)x);
    }
    a->nsel = sub->nlist;
    return true;
}

/* How many indices a selection has, -1 if known only at run time. */
static int64_t selected_count(const Group *g, const Action *a)
{
    if (a->cond) return -1;
    if (a->sel) return a->nsel;
    if (a->hi >= 0) return a->hi - a->lo;
    return g->kind == G_NEURONS ? g->N - a->lo : -1;
}

/* The selection a, made relative to subgroup r (its indices from 0 to
 * r->n), as the indices of r's group; i and N stay the subgroup's. */
static void subgroup_selection(const GroupRange *r, Action *a)
{
    a->sub_start = r->start;
    a->sub_n = r->n;
    if (a->sel) {
        for (int k = 0; k < a->nsel; k++) a->sel[k] += (int32_t)r->start;
        return;
    }
    a->hi = (a->hi < 0 ? r->n : a->hi) + r->start;
    a->lo += r->start;
}

/* obj.active = True | False (name: the object's). */
static void script_active(Sema *S, Decl *d, const char *name)
{
    Scope sc = { .S = S };
    double v;
    if (d->sub || d->op != '=') {
        diag_error(S->D, d->span, "'active' is switched with '%.*s.active = True' or '= False'", (int)d->name.n, d->name.z);
        return;
    }
    if (!sema_check_expr(&sc, d->expr)) return;
    if (!sema_const_value(d->expr, &v) || d->expr->type != TY_BOOL) {
        diag_error(S->D, d->expr->span, "'active' is True or False, not '%s'", sema_spantext(S, d->expr->span));
        return;
    }
    Action *a = new_action(S, d, ACT_ACTIVE);
    a->name = name;
    a->value = v != 0;
    pvec_push(S->A, &S->actions, a);
}

/* G.v[sel] op expr: the statement is checked as an initial value is (so
 * constant-flagged and shared variables may be set, as in Brian2 between
 * runs), with the selection's indices. */
/* G.dt = 1*ms: a group's own clock from the next run on (Brian2's
 * clock.dt = ... of the group's Clock); checked against the time when it
 * runs (clock.c). */
static void script_group_dt(Sema *S, Decl *d, Group *g)
{
    Scope sc = { .S = S };
    double v;
    if (d->op != '=' || d->sub) {
        diag_error(S->D, d->span, "a group's dt is set as a whole: %s.dt = 1*ms", g->name);
        return;
    }
    if (!sema_check_dim(&sc, d->expr, DIM_SECOND, "the dt of a group")) return;
    if (!sema_const_fold(d->expr, &v) || !(v > 0) || !(v < 1e9)) {
        diag_error(S->D, d->expr->span, "the dt of a group must be a time > 0 computed from numbers, units and "
                   "constants");
        return;
    }
    Action *a = new_action(S, d, ACT_GROUP_DT);
    a->group = g;
    a->name = g->name;
    a->value = v;
    pvec_push(S->A, &S->actions, a);
}

static void script_assign(Sema *S, Decl *d)
{
    Group *g;
    Monitor *m = NULL;
    const Extra *in = NULL;
    /* a named subgroup stands for its range of its group's neurons */
    const SubDef *sd = sema_find_subgroup(S, d->name);
    const GroupRange *r = sd ? &sd->r : NULL;
    if (sd) g = sd->r.g;
    else if (!object_ref(S, d, &g, &m, &in)) return;
    if (sd && ident_eq(d->var, "active")) {
        diag_error(S->D, d->var_span, "%s is a subgroup of %s: only whole objects are switched off and on (%s.active "
                   "= False)", sd->name, g->name, g->name);
        return;
    }
    if (ident_eq(d->var, "active")) {
        script_active(S, d, g ? g->name : m ? m->name : in->name);
        return;
    }
    if (ident_eq(d->var, "dt") && g && g->kind == G_NEURONS && !sema_group_lookup(g, d->var.z, d->var.n)) {
        script_group_dt(S, d, g);
        return;
    }
    if (!g) {
        const char *name = m ? m->name : in->name;
        diag_error(S->D, d->var_span, "%s is a %s: between runs it can only be switched off and on (%s.active "
                   "= False)", name, m ? "monitor" : "Poisson input", name);
        return;
    }
    if (d->op == ':') {
        diag_error(S->D, d->span, "a variable is set with '=' (or '+=', ...), not ':='");
        return;
    }
    if (g->generator) {
        diag_error(S->D, d->name_span, "%s is a spike generator: give it new spikes with %s.set_spikes(indices=[...], "
                   "times=[...]*ms)", g->name, g->name);
        return;
    }
    Sym *known = sema_group_lookup(g, d->var.z, d->var.n);
    if ((!known && sema_is_reserved(d->var)) ||
        (known && (known->role == VR_N_INCOMING || known->role == VR_N_OUTGOING))) {
        diag_error(S->D, d->var_span, "'%.*s' of %s is read-only (only its parameters and state variables can be "
                   "set between runs)", (int)d->var.n, d->var.z, g->name);
        return;
    }
    Action *a = new_action(S, d, ACT_ASSIGN);
    a->group = g;
    a->index = S->actions.n;
    a->op = d->op;
    if (d->sub && !selection(S, g, r, d->sub, a)) return;
    if (r) subgroup_selection(r, a);
    strip_own_prefix(d->expr, r ? r->label : g->name);
    Stmt *st = arena_alloc(S->A, sizeof *st);
    *st = (Stmt){ .span = d->span, .var = d->var, .var_span = d->var_span, .op = d->op, .expr = d->expr };
    StmtList sl = { &st, 1 };
    int nerr = S->D->nerr;
    sema_check_stmts(S, g, &sl, "an assignment", true);
    if (S->D->nerr > nerr || !st->sym) return;
    if (st->sym->role == VR_LASTUPDATE || st->sym->role == VR_DELAY) {
        diag_error(S->D, d->var_span, "'%s' is kept by snnc and cannot be set between runs", st->sym->name);
        return;
    }
    a->var = st->sym;
    Node *list = sema_init_list(d->expr);
    if (list) {
        int64_t want = selected_count(g, a);
        if (want < 0) {
            diag_error(S->D, list->span, "a list of values needs a selection of known size (an index, a slice or a "
                       "list of indices%s), not a condition", g->kind == G_SYNAPSES ? " with its end" : "");
            return;
        }
        if (want != list->nargs) {
            diag_error(S->D, list->span, "%lld %s selected, but the list has %d values", (long long)want,
                       g->kind == G_NEURONS ? "neurons are" : "synapses are", list->nargs);
            return;
        }
        a->list = arena_alloc(S->A, sizeof(double) * (size_t)(list->nargs + 1));
        a->nlist = list->nargs;
        for (int k = 0; k < list->nargs; k++) {
            double x;
            Dim dd;
            if (!sema_const_value(list->args[k], &x)) {
                diag_error(S->D, list->args[k]->span, "list values must be constants");
                return;
            }
            sema_list_element(d->expr, list, DIM_NONE, x, &dd, &a->list[k]);
        }
    } else {
        a->expr = d->expr;
    }
    pvec_push(S->A, &S->actions, a);
}

/* NAME = value after a run: the constant's new value, from the next run
 * on (without recompiling: generated code reads constants from a table). */
void sema_script_const(Sema *S, Decl *d)
{
    Sym *c = sema_const_lookup(S, d->name.z, d->name.n);
    if (ident_eq(d->name, "seed")) {
        diag_error(S->D, d->name_span, "'%.*s' cannot change between runs (it is fixed when the network is built)",
                   (int)d->name.n, d->name.z);
        return;
    }
    Scope sc = { .S = S };
    double v;
    if (ident_eq(d->name, "t")) {
        /* Brian2's net.t_ = ...: the network's time from the next run on */
        if (!sema_check_expr(&sc, d->expr)) return;
        if (!dim_eq(d->expr->dim, DIM_SECOND)) {
            diag_error(S->D, d->name_span, "'t' is a reserved name and cannot be used as a constant name (a time, "
                       "'t = 10*second', sets the network's time; '%s' %s)", sema_spantext(S, d->expr->span),
                       sema_hasunit(S, d->expr->dim));
            return;
        }
        if (!sema_const_fold(d->expr, &v) || !(v >= 0) || !(v < 1e12)) {
            diag_error(S->D, d->expr->span, "the network's time must be a time >= 0 (and below 1e12 s) computed "
                       "from numbers, units and constants");
            return;
        }
        Action *a = new_action(S, d, ACT_T);
        a->name = "t";
        a->value = v;
        pvec_push(S->A, &S->actions, a);
        return;
    }
    if (ident_eq(d->name, "dt")) {
        /* Brian2's defaultclock.dt = ... between runs: the time stays, the
         * new dt applies from the next run (checked then against the time) */
        if (!sema_check_expr(&sc, d->expr)) return;
        if (!dim_eq(d->expr->dim, DIM_SECOND)) {
            diag_error_code(S->D, DC_UNITS, d->expr->span, "dt is a time, but the new value '%s' %s",
                            sema_spantext(S, d->expr->span), sema_hasunit(S, d->expr->dim));
            return;
        }
        if (!sema_const_fold(d->expr, &v) || !(v > 0) || !isfinite(v)) {
            diag_error(S->D, d->expr->span, "the new dt must be a time > 0 computed from numbers, units and constants");
            return;
        }
        Action *a = new_action(S, d, ACT_DT);
        a->name = "dt";
        a->value = v;
        pvec_push(S->A, &S->actions, a);
        return;
    }
    if (!c || !sema_check_expr(&sc, d->expr)) return;
    if (!dim_eq(d->expr->dim, c->dim)) {
        diag_error_code(S->D, DC_UNITS, d->expr->span, "'%s' %s, but the new value '%s' %s", c->name,
                        sema_hasunit(S, c->dim), sema_spantext(S, d->expr->span), sema_hasunit(S, d->expr->dim));
        return;
    }
    if (!sema_const_fold(d->expr, &v)) {
        diag_error(S->D, d->expr->span, "the new value must be computed from numbers, units and constants");
        return;
    }
    Action *a = new_action(S, d, ACT_CONST);
    a->name = c->name;
    a->index = c->const_index;
    a->value = v;
    pvec_push(S->A, &S->actions, a);
}

/* inp.set_spikes(indices=[...], times=[...]*ms, period=...): Brian2's
 * SpikeGeneratorGroup.set_spikes; times count from 0, spikes before the
 * current time are left out, as Brian2 does. */
static void script_method(Sema *S, Decl *d)
{
    Group *g;
    Monitor *m;
    const Extra *in;
    if (!object_ref(S, d, &g, &m, &in)) return;
    if (!ident_eq(d->var, "set_spikes") || !g || !g->generator) {
        diag_error(S->D, d->var_span, "'%.*s.%.*s(...)' is not known between runs (spike generators have "
                   "set_spikes(indices=[...], times=[...]*ms))", (int)d->name.n, d->name.z, (int)d->var.n, d->var.z);
        return;
    }
    Node *ind = NULL, *times = NULL, *period = NULL;
    for (int k = 0; k < d->nargs; k++) {
        Arg *a = &d->args[k];
        if (ident_eq(a->name, "indices") || (!a->name.n && k == 0)) ind = a->value;
        else if (ident_eq(a->name, "times") || (!a->name.n && k == 1)) times = a->value;
        else if (ident_eq(a->name, "period")) period = a->value;
        else {
            diag_error(S->D, a->span, "set_spikes takes indices=, times= and period=");
            return;
        }
    }
    if (!ind || !times) {
        diag_error(S->D, d->span, "set_spikes needs indices=[...] and times=[...]*ms");
        return;
    }
    Action *a = new_action(S, d, ACT_SPIKES);
    a->group = g;
    if (!sema_generator_spikes(S, g, ind, times, period, &a->gen_idx, &a->gen_t, &a->ngen, &a->gen_period)) return;
    pvec_push(S->A, &S->actions, a);
}

/* store [NAME] | restore [NAME]: Brian2's Network.store() / restore(); a
 * restore needs a store of that name earlier in the file.  With to "FILE" /
 * from "FILE": Brian2's store(name, filename=...), a file that holds
 * several names (restore from a file is checked when it runs). */
/* A string argument of store(...) / restore(...): 'NAME' or "FILE". */
static bool call_string(Sema *S, const Decl *d, const Arg *a, const char *what, Ident *out)
{
    const Node *v = a->value;
    if (v->kind != N_STR || !v->name.n) {
        diag_error(S->D, v->span, "the %s of %.*s(...) is a non-empty string, e.g. %.*s('second')", what,
                   (int)d->keyword.n, d->keyword.z, (int)d->keyword.n, d->keyword.z);
        return false;
    }
    *out = v->name;
    return true;
}

/* Brian2's store(name='default', filename=None) and restore(name='default',
 * filename=None, restore_random_state=False), name and filename also
 * positional: fill the decl as the word forms do.  False on an error. */
static bool script_call_args(Sema *S, Decl *d, bool *random_state)
{
    bool store = ident_eq(d->keyword, "store");
    const char *kw = store ? "store" : "restore";
    Node *file = NULL;
    for (int k = 0; k < d->nargs; k++) {
        Arg *a = &d->args[k];
        bool is_name = ident_eq(a->name, "name") || (!a->name.n && k == 0);
        bool is_file = ident_eq(a->name, "filename") || (!a->name.n && k == 1);
        if (is_name) {
            if (!call_string(S, d, a, "name", &d->name)) return false;
            d->name_span = a->value->span;
        } else if (is_file) {
            if (a->value->kind == N_NAME && ident_eq(a->value->name, "None")) continue;
            if (a->value->kind != N_STR) {
                diag_error(S->D, a->value->span, "the filename of %s(...) is a string (filename='FILE')", kw);
                return false;
            }
            file = a->value;
        } else if (!store && ident_eq(a->name, "restore_random_state")) {
            const Node *v = a->value;
            bool t = v->kind == N_NAME && ident_eq(v->name, "True");
            if (!t && !(v->kind == N_NAME && ident_eq(v->name, "False"))) {
                diag_error(S->D, v->span, "restore_random_state is True or False, not '%s'", sema_spantext(S, v->span));
                return false;
            }
            *random_state = t;
        } else {
            static const char *const options[] = { "name", "filename", "restore_random_state" };
            const char *sug = a->name.n ? diag_suggest(ident_dup(S->A, a->name), options, store ? 2 : 3) : NULL;
            if (sug)
                diag_error(S->D, a->span, "%s(...) has no option '%.*s'; did you mean '%s'?", kw, (int)a->name.n,
                           a->name.z, sug);
            else if (a->name.n)
                diag_error(S->D, a->span, "%s(...) has no option '%.*s' (it takes name, filename%s)", kw, (int)a->name.n,
                           a->name.z, store ? "" : " and restore_random_state");
            else
                diag_error(S->D, a->span, "%s(...) takes at most two arguments by position (name, filename)%s", kw,
                           store ? "" : "; write restore_random_state=True by name");
            return false;
        }
    }
    if (file) {
        d->var = (Ident){ store ? "to" : "from", store ? 2 : 4 };
        d->var_span = file->span;
        d->expr = file;
    }
    return true;
}

static void script_word(Sema *S, Decl *d)
{
    bool store = ident_eq(d->keyword, "store");
    bool random_state = false;
    if (d->call && !script_call_args(S, d, &random_state)) return;
    const char *name = d->name.n ? ident_dup(S->A, d->name) : "default";
    const char *file = NULL;
    if (d->var.n) {
        const char *want = store ? "to" : "from";
        if (!ident_eq(d->var, want)) {
            diag_error(S->D, d->var_span, "'%.*s %.*s\"...\"' is not known: a file is named after '%s' (write '%s%s%.*s "
                       "%s \"FILE\"')", (int)d->keyword.n, d->keyword.z, (int)d->var.n, d->var.z, want,
                       store ? "store" : "restore", d->name.n ? " " : "", (int)d->name.n, d->name.z, want);
            return;
        }
        if (!d->expr->name.n) {
            diag_error(S->D, d->expr->span, "the file name is empty");
            return;
        }
        file = ident_dup(S->A, d->expr->name);
    }
    /* a file may have been written by another run of snnc */
    if (!store && !file) {
        bool found = false;
        for (int k = 0; k < S->actions.n && !found; k++) {
            Action *b = S->actions.v[k];
            found = b->kind == ACT_STORE && !b->file && !strcmp(b->name, name);
        }
        if (!found) {
            PVec names = { 0 };
            for (int k = 0; k < S->actions.n; k++)
                if (((Action *)S->actions.v[k])->kind == ACT_STORE)
                    pvec_push(S->A, &names, (void *)((Action *)S->actions.v[k])->name);
            const char *sug = diag_suggest(name, (const char *const *)names.v, names.n);
            Span at = d->name.n ? d->name_span : d->span;
            if (sug) diag_error(S->D, at, "restore of '%s', but nothing was stored under that name before this line; "
                                "did you mean '%s'?", name, sug);
            else diag_error(S->D, at, "restore of '%s', but nothing was stored under that name before this line "
                            "(write 'store%s%s' first)", name, d->name.n ? " " : "", d->name.n ? name : "");
            return;
        }
    }
    Action *a = new_action(S, d, store ? ACT_STORE : ACT_RESTORE);
    a->name = name;
    a->file = file;
    a->random_state = random_state;
    pvec_push(S->A, &S->actions, a);
}

void sema_script_decl(Sema *S, Decl *d)
{
    switch (d->kind) {
    case D_ASSIGN: script_assign(S, d); break;
    case D_METHOD: script_method(S, d); break;
    case D_WORD: script_word(S, d); break;
    case D_CONST: sema_script_const(S, d); break;
    }
}
