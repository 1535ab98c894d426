/* SPDX-License-Identifier: MIT */
/* This file contains the checking of custom events and of Brian2's dict
 * arguments of synapses: a neuron group's 'events { name: condition }' (or
 * events: {'name': 'condition'}), its run_on_event(name) { statements }
 * blocks, a synapse group's on_event: (which event triggers its pathways),
 * and on_pre: {'up': ..., 'down': ...} with delay: {'up': ...}, which become
 * named pathways.  Of the sema files it calls sema_stmt.c, sema_net.c,
 * sema_expr.c and sema_util.c; sema.c calls it. */
#include <math.h>
#include <string.h>

#include "parse.h"
#include "sema_int.h"

/* Whether a dict key ('up', 'crossing') is a name: a letter or '_', then
 * letters, digits and '_'; false with an error at sp naming what it is for. */
static bool key_is_name(Sema *S, Ident k, Span sp, const char *what)
{
    bool ok = k.n > 0 && !(k.z[0] >= '0' && k.z[0] <= '9');
    for (uint32_t q = 0; q < k.n; q++) {
        char c = k.z[q];
        ok &= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
    if (!ok) diag_error(S->D, sp, "'%.*s' cannot be the name of %s (letters, digits and '_')", (int)k.n, k.z, what);
    return ok && sema_check_identifier(S, k, sp, what);
}

/* The text of a dict key or an event name given as a name or a string:
 * crossing, 'crossing'; an empty Ident otherwise. */
static Ident name_of(const Node *v)
{
    if (v && (v->kind == N_NAME || v->kind == N_STR) && !v->b) return v->name;
    return (Ident){ 0 };
}

/* The statements of a code string 'v += 1*mV; w = 0' (quotes of any kind),
 * into *out; false with an error. */
static bool code_string(Sema *S, const Node *v, StmtList *out)
{
    if (!v || v->kind != N_STR) {
        diag_error(S->D, v ? v->span : (Span){ 0, 0 }, "expected the statements as a string, e.g. 'v += 1*mV'");
        return false;
    }
    const char *t = S->D->src->text + v->span.start;
    int q = v->span.end - v->span.start >= 6 && t[1] == t[0] && t[2] == t[0] ? 3 : 1;
    return parse_code_string(S->A, S->D, S->D->src, v->span.start + q, v->span.end - v->span.start - 2 * q, out);
}

/* events { name: condition ... } of neuron group g: each condition is
 * checked for every neuron after the thresholds (Brian2's
 * NAME_thresholder, when='after_thresholds'), without refractoriness. */
static void group_event_dict(Sema *S, Group *g, Item *it)
{
    for (int k = 0; k < it->nargs; k++) {
        Arg *a = &it->args[k];
        char q0 = S->D->src->text[a->span.start];
        Span ksp = { a->span.start, a->span.start + (int)a->name.n + (q0 == '\'' || q0 == '"' ? 2 : 0) };
        if (!key_is_name(S, a->name, ksp, "an event")) continue;
        if (ident_eq(a->name, "spike")) {
            diag_error(S->D, ksp, "the 'spike' event is given by 'threshold:', not in events");
            continue;
        }
        bool twice = false;
        for (int m = 0; m < g->nevents; m++) twice |= ident_eq(a->name, g->events[m].name);
        if (twice) {
            diag_error(S->D, a->span, "%s has the event '%.*s' twice", g->name, (int)a->name.n, a->name.z);
            continue;
        }
        Scope sc = { .S = S, .g = g };
        if (!sema_check_cond(&sc, a->value, "an event's condition")) continue;
        Event ev = { .name = ident_dup(S->A, a->name), .cond = a->value, .slot = SLOT_POS(SLOT_THRESHOLDS, 2),
                     .order = g->order, .span = a->span };
        g->events = arena_append(S->A, g->events, g->nevents, sizeof *g->events);
        g->events[g->nevents++] = ev;
    }
}

/* run_on_event(name, when=..., order=...) { statements }, or Brian2's
 * run_on_event('name', 'statements'): run for the neurons where the event
 * happened, by default after the resets; one block per event. */
static void group_run_on_event(Sema *S, Group *g, Item *it)
{
    EventCode c = { .slot = SLOT_POS(SLOT_RESETS, 2), .order = g->order, .span = it->span, .stmts = it->stmts };
    Ident name = { 0 };
    Span nsp = it->span;
    bool has_code = it->stmts.n > 0;
    for (int k = 0; k < it->nargs; k++) {
        Arg *a = &it->args[k];
        if (!a->name.n && k == 0) {
            name = name_of(a->value);
            nsp = a->value->span;
        } else if ((!a->name.n && k == 1) || ident_eq(a->name, "code")) {
            if (has_code) {
                diag_error(S->D, a->span, "run_on_event has statements in '{ }' already");
                return;
            }
            if (!code_string(S, a->value, &c.stmts)) return;
            has_code = true;
        } else if (ident_eq(a->name, "when")) {
            if (!sema_parse_when(S, a->value, &c.slot)) return;
        } else if (ident_eq(a->name, "order")) {
            if (!sema_parse_order(S, a->value, &c.order)) return;
        } else {
            diag_error(S->D, a->span, "write run_on_event(EVENT, when=..., order=...) { statements }");
            return;
        }
    }
    if (!name.n) {
        diag_error(S->D, it->span, "run_on_event needs the name of an event: run_on_event(EVENT) { ... }");
        return;
    }
    if (!has_code) {
        diag_error(S->D, it->span, "run_on_event needs statements: run_on_event(%.*s) { v = 0*mV }", (int)name.n,
                   name.z);
        return;
    }
    if ((c.event = sema_event_index(S, g, name, nsp, "run_on_event")) < 0) return;
    bool taken = c.event == 0 && g->reset.n;
    for (int m = 0; m < g->nevcodes; m++) taken |= g->evcodes[m].event == c.event;
    if (taken) {
        diag_error(S->D, it->span, "%s already has code for the event '%.*s'%s (Brian2 allows one block per event)",
                   g->name, (int)name.n, name.z, c.event == 0 && g->reset.n ? " (its reset)" : "");
        return;
    }
    sema_check_stmts(S, g, &c.stmts, "run_on_event", false);
    g->evcodes = arena_append(S->A, g->evcodes, g->nevcodes, sizeof *g->evcodes);
    g->evcodes[g->nevcodes++] = c;
}

/* set_event_schedule(name, when=..., order=...): where an event's condition
 * is checked (Brian2's NeuronGroup.set_event_schedule; default
 * after_thresholds, the group's order). */
static void group_event_schedule(Sema *S, Group *g, Item *it)
{
    Event *ev = NULL;
    int slot = SLOT_POS(SLOT_THRESHOLDS, 2), order = g->order;
    for (int k = 0; k < it->nargs; k++) {
        Arg *a = &it->args[k];
        if (!a->name.n && k == 0) {
            Ident name = name_of(a->value);
            int e = name.n ? sema_event_index(S, g, name, a->value->span, "set_event_schedule") : -1;
            if (e == 0) diag_error(S->D, a->value->span, "the spike event is checked in the thresholds slot; move it "
                                   "with 'order:'");
            if (e <= 0) return;
            ev = &g->events[e - 1];
        } else if (ident_eq(a->name, "when")) {
            if (!sema_parse_when(S, a->value, &slot)) return;
        } else if (ident_eq(a->name, "order")) {
            if (!sema_parse_order(S, a->value, &order)) return;
        } else {
            diag_error(S->D, a->span, "write set_event_schedule(EVENT, when=..., order=...)");
            return;
        }
    }
    if (!ev) {
        diag_error(S->D, it->span, "set_event_schedule needs the name of an event: set_event_schedule(EVENT, when=...)");
        return;
    }
    ev->slot = slot;
    ev->order = order;
}

void sema_group_events(Sema *S, Group *g, const Decl *d)
{
    for (int k = 0; k < d->nitems; k++) {
        Item *it = d->items[k];
        if (ident_eq(it->key, "events") && it->kind == I_DICT) group_event_dict(S, g, it);
    }
    for (int k = 0; k < d->nitems; k++) {
        Item *it = d->items[k];
        if (ident_eq(it->key, "set_event_schedule") && it->kind == I_CALL) group_event_schedule(S, g, it);
    }
    for (int k = 0; k < d->nitems; k++) {
        Item *it = d->items[k];
        if (ident_eq(it->key, "run_on_event") && it->kind == I_CALL) group_run_on_event(S, g, it);
    }
}

bool sema_dict_item_ok(Sema *S, const Item *it)
{
    bool dict_key = ident_eq(it->key, "events") || ident_eq(it->key, "on_pre") || ident_eq(it->key, "on_post") ||
                    ident_eq(it->key, "delay") || ident_eq(it->key, "on_event");
    if (ident_eq(it->key, "events") && it->kind != I_DICT) {
        diag_error(S->D, it->span, "'events' is written as 'events { NAME: condition }'");
        return false;
    }
    if (it->kind == I_DICT && !dict_key) {
        diag_error(S->D, it->span, "'%.*s' does not take a dict {...}", (int)it->key.n, it->key.z);
        return false;
    }
    return true;
}

/* on_pre: {'up': 'v += 1', 'down': 'v -= 1'} (on_post likewise): each
 * entry is a pathway of its own, 'pre' ('post') the main one. */
void sema_pathway_dict(Sema *S, Group *g, Item *it, bool post)
{
    const char *main = post ? "post" : "pre";
    for (int k = 0; k < it->nargs; k++) {
        Arg *a = &it->args[k];
        Span ksp = { a->span.start, a->span.start + (int)a->name.n + 2 };
        StmtList sl;
        if (!code_string(S, a->value, &sl)) continue;
        sema_check_stmts(S, g, &sl, post ? "on_post" : "on_pre", false);
        if (ident_eq(a->name, main)) {
            g->on_pre = post ? g->on_pre : sl;
            g->on_post = post ? sl : g->on_post;
            continue;
        }
        if (!key_is_name(S, a->name, ksp, "a pathway")) continue;
        bool twice = false;
        for (int m = 0; m < g->npaths; m++) twice |= ident_eq(a->name, g->paths[m].name);
        if (twice) {
            diag_error(S->D, a->span, "%s already has a pathway '%.*s'", g->name, (int)a->name.n, a->name.z);
            continue;
        }
        Pathway p = { .name = ident_dup(S->A, a->name), .post = post, .order = post ? 1 : -1, .stmts = sl,
                      .span = a->span };
        g->paths = arena_append(S->A, g->paths, g->npaths, sizeof *g->paths);
        g->paths[g->npaths++] = p;
    }
}

/* A per-synapse delay variable NAME of g (seconds, kept by snnc), set after
 * connect() to e; NULL with an error when g already has a variable NAME. */
Sym *sema_delay_var(Sema *S, Group *g, const char *name, Node *e)
{
    if (sema_group_lookup(g, name, strlen(name))) {
        diag_error(S->D, e->span, "%s has a variable '%s' already; a delay per synapse is kept in a variable of "
                   "that name (rename yours)", g->name, name);
        return NULL;
    }
    Sym *dv = sema_new_sym(S, SYM_VAR, ident_cstr(name), e->span);
    dv->dim = DIM_SECOND;
    dv->role = VR_DELAY;
    dv->owner = g;
    dv->var_index = g->nvars;
    sema_add_to(S, &g->vars, &g->nvars, dv);
    g->inits = arena_append(S->A, g->inits, g->ninits, sizeof *g->inits);
    g->inits[g->ninits++] = (InitVal){ .var = dv, .expr = e, .span = e->span };
    return dv;
}

/* The main on_post as a pathway named 'post' of its own (for a delay of
 * on_post: Brian2's delay={'post': ...}); NULL with an error when g has no
 * on_post. */
static Pathway *post_as_pathway(Sema *S, Group *g, Arg *a)
{
    for (int m = 0; m < g->npaths; m++)
        if (!strcmp(g->paths[m].name, "post")) return &g->paths[m];
    if (!g->on_post.n) {
        diag_error(S->D, a->span, "a delay for 'post' is the delay of on_post, but %s has no on_post; give on_post "
                   "statements or leave it out", g->name);
        return NULL;
    }
    /* in the slot where on_post was (post_order:, else the group's order + 1) */
    Pathway p = { .name = "post", .post = true, .order = g->has_post_order ? g->post_order : g->order + 1,
                  .event = g->post_event, .stmts = g->on_post, .span = a->span };
    g->on_post = (StmtList){ 0 };
    g->paths = arena_append(S->A, g->paths, g->npaths, sizeof *g->paths);
    g->paths[g->npaths++] = p;
    return &g->paths[g->npaths - 1];
}

/* delay: {'up': 1*ms, 'down': 'j*ms', 'post': 2*ms, 'pre': ...}: the delays
 * of named pathways and of on_post ('post'), each a constant (one delay for
 * every synapse) or an expression of i, j, rand() or synapse variables (a
 * delay per synapse, in the variable delay_NAME, as Brian2's S.NAME.delay);
 * returns the main pathway's ('pre'), or NULL. */
Node *sema_delay_dict(Sema *S, Group *g, Item *it)
{
    Node *main = NULL;
    for (int k = 0; k < it->nargs; k++) {
        Arg *a = &it->args[k];
        if (ident_eq(a->name, "pre")) {
            main = a->value;
            continue;
        }
        Pathway *p = NULL;
        for (int m = 0; m < g->npaths; m++)
            if (ident_eq(a->name, g->paths[m].name)) p = &g->paths[m];
        if (!p && ident_eq(a->name, "post") && !(p = post_as_pathway(S, g, a))) continue;
        if (!p) {
            diag_error(S->D, a->span, "%s has no pathway '%.*s' to delay (name one of on_pre: {...}, on_post: {...} "
                       "or 'post')", g->name, (int)a->name.n, a->name.z);
            continue;
        }
        if (p->delay_var) {
            diag_error(S->D, a->span, "the delay of %s.%s is given twice", g->name, p->name);
            continue;
        }
        Scope sc = { .S = S, .g = g };
        if (!sema_check_dim(&sc, a->value, DIM_SECOND, "the delay")) continue;
        if (!sema_const_value(a->value, &p->delay))
            p->delay_var = sema_delay_var(S, g, arena_printf(S->A, "delay_%s", p->name), a->value);
        else if (p->delay < 0)
            diag_error(S->D, a->value->span, "the delay of %s.%s must be >= 0, not %g s", g->name, p->name, p->delay);
    }
    return main;
}

/* on_event: crossing (every pathway), or {'pre': 'crossing', 'up': ...}:
 * which event of the source (for on_post: the target) triggers each
 * pathway, as Brian2's on_event. */
void sema_synapse_on_event(Sema *S, Group *g, Item *it)
{
    if (it->kind == I_EXPR) {
        Ident name = name_of(it->expr);
        if (!name.n) {
            diag_error(S->D, it->expr->span, "on_event takes the name of an event, or {'pre': 'EVENT', ...}");
            return;
        }
        int pre = sema_event_index(S, g->src, name, it->expr->span, "on_event");
        if (pre < 0) return;
        g->pre_event = pre;
        for (int m = 0; m < g->npaths; m++)
            if (!g->paths[m].post) g->paths[m].event = pre;
        bool post = g->on_post.n > 0;
        for (int m = 0; m < g->npaths; m++) post |= g->paths[m].post;
        if (!post) return;
        int ev = sema_event_index(S, g->tgt, name, it->expr->span, "on_event");
        if (ev < 0) return;
        g->post_event = ev;
        for (int m = 0; m < g->npaths; m++)
            if (g->paths[m].post) g->paths[m].event = ev;
        return;
    }
    for (int k = 0; k < it->nargs; k++) {
        Arg *a = &it->args[k];
        Ident name = name_of(a->value);
        if (!name.n) {
            diag_error(S->D, a->value->span, "expected the name of an event, e.g. 'crossing'");
            continue;
        }
        Pathway *p = NULL;
        for (int m = 0; m < g->npaths; m++)
            if (ident_eq(a->name, g->paths[m].name)) p = &g->paths[m];
        bool pre = ident_eq(a->name, "pre"), post = ident_eq(a->name, "post");
        if (!p && !pre && !post) {
            diag_error(S->D, a->span, "%s has no pathway '%.*s' (on_event names 'pre', 'post' or a named pathway)",
                       g->name, (int)a->name.n, a->name.z);
            continue;
        }
        bool on_tgt = post || (p && p->post);
        int ev = sema_event_index(S, on_tgt ? g->tgt : g->src, name, a->value->span, "on_event");
        if (ev < 0) continue;
        if (p) p->event = ev;
        else if (pre) g->pre_event = ev;
        else g->post_event = ev;
    }
}

/* Brian2 refuses synapses whose on_pre (on_post) runs on the spikes of a
 * group that cannot spike (no threshold): they would never transmit.  An
 * error at the pathway's first statement, naming the group and the way out.
 * Run once the model is complete and has no other error (Brian2 checks the
 * synapses' equations first). */
void sema_check_spiking_ends(Sema *S, Group *g)
{
    for (int side = 0; side < 2; side++) {
        Group *end = side ? g->tgt : g->src;
        if (!end || end->kind != G_NEURONS || end->threshold || end->generator) continue;
        const StmtList *main = side ? &g->on_post : &g->on_pre;
        const Span *at = main->n > 0 && (side ? g->post_event : g->pre_event) == 0 ? &main->v[0]->span : NULL;
        for (int m = 0; m < g->npaths && !at; m++)
            if (g->paths[m].post == (side == 1) && g->paths[m].event == 0) at = &g->paths[m].span;
        if (!at) continue;
        diag_error(S->D, *at, "%s of %s runs on the spikes of %s, but %s has no threshold, so it never spikes "
                   "(Brian2 refuses this); give %s a 'threshold:', or trigger the pathway by one of its events "
                   "with 'on_event:'", side ? "on_post" : "on_pre", g->name, end->name, end->name, end->name);
    }
}
