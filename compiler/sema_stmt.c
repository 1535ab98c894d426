/* SPDX-License-Identifier: MIT */
/* This file contains the checking of statement lists (reset, on_pre,
 * on_post, run_regularly, init): assignments to stored variables with
 * matching units, ':' temporaries, and initial values given as lists or
 * column() files; and the script's run and print statements.  Of the sema
 * files it calls sema_net.c, sema_expr.c and sema_util.c; sema.c calls it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema_int.h"

/* The list of an initial value '[a, b]*unit' (its leftmost operand), or NULL. */
Node *sema_init_list(Node *e)
{
    while (e && e->kind == N_BIN && e->op != OP_POW) e = e->a;
    return e && e->kind == N_LIST ? e : NULL;
}

/* Dimension and value of one list element x (dimension dx) with the units
 * after the list applied in Python's order: ([a, b]*mV)/ms -> (a*mV)/ms. */
void sema_list_element(const Node *e, const Node *list, Dim dx, double x, Dim *d, double *v)
{
    if (e == list) {
        *d = dx;
        *v = x;
        return;
    }
    sema_list_element(e->a, list, dx, x, d, v);
    double u = 1;
    sema_const_value(e->b, &u);
    switch (e->op) {
    case '*': *d = dim_mul(*d, e->b->dim); *v = *v * u; break;
    case '/': *d = dim_div(*d, e->b->dim); *v = *v / u; break;
    default: break;
    }
}

/* Does an assignment to id name something that exists (a variable or
 * subexpression of the group, of its source/target, a temporary, a constant,
 * a unit or a built-in)?  If not, Brian2 makes it a new temporary. */
static bool names_stored(Scope *sc, Ident id)
{
    Group *g = sc->g;
    for (int k = 0; k < sc->temps.n; k++)
        if (ident_eq(id, ((Sym *)sc->temps.v[k])->name)) return true;
    if (sema_group_lookup(g, id.z, id.n)) return true;
    if (g && g->kind == G_SYNAPSES) {
        if (id.n > 4 && !memcmp(id.z + id.n - 4, "_pre", 4)) return true;
        if (id.n > 5 && !memcmp(id.z + id.n - 5, "_post", 5)) return true;
        if (sema_group_lookup(g->tgt, id.z, id.n)) return true;
    }
    for (int k = 0; k < sc->S->consts.n; k++)
        if (ident_eq(id, ((Sym *)sc->S->consts.v[k])->name)) return true;
    if (units_lookup(id.z, id.n)) return true;
    return sema_is_reserved(id);
}

/* Does n refer to the name id? */
static bool node_uses(const Node *n, Ident id)
{
    if (!n) return false;
    if (n->kind == N_NAME && ident_same(n->name, id)) return true;
    if (node_uses(n->a, id) || node_uses(n->b, id)) return true;
    for (int k = 0; k < n->nargs; k++)
        if (node_uses(n->args[k], id)) return true;
    return false;
}

/* Is temporary t read by a statement after position from? */
static bool temp_used(const StmtList *sl, int from, const Sym *t)
{
    Ident id = ident_cstr(t->name);
    for (int k = from; k < sl->n; k++)
        if (node_uses(sl->v[k]->expr, id)) return true;
    return false;
}

void sema_check_stmts(Sema *S, Group *g, StmtList *sl, const char *what, bool init)
{
    Scope sc = { .S = S, .g = g };
    for (int k = 0; k < sl->n; k++) {
        Stmt *st = sl->v[k];
        if (st->op == ':') {
            if (!sema_check_expr(&sc, st->expr)) continue;
            Sym *t = sema_new_sym(S, SYM_TEMP, st->var, st->var_span);
            t->dim = st->expr->dim;
            t->type = st->expr->type;
            st->sym = t;
            pvec_push(S->A, &sc.temps, t);
            continue;
        }
        if (st->op == '=' && !init && !names_stored(&sc, st->var)) {
            /* Brian2: assigning to a new name makes a temporary ('r = u*x') */
            if (!sema_check_expr(&sc, st->expr)) continue;
            Sym *t = sema_new_sym(S, SYM_TEMP, st->var, st->var_span);
            t->dim = st->expr->dim;
            t->type = st->expr->type;
            st->sym = t;
            st->op = ':';
            pvec_push(S->A, &sc.temps, t);
            if (!temp_used(sl, k + 1, t)) {
                /* never read: far more likely a misspelt variable */
                st->op = '=';
                st->sym = NULL;
                sc.temps.n--;
                sema_resolve(&sc, st->var, st->var_span);
            }
            continue;
        }
        Sym *v = sema_resolve(&sc, st->var, st->var_span);
        if (!v) continue;
        if (sema_is_subexpr(v)) {
            diag_error(S->D, st->var_span, "cannot assign to subexpression '%s' (it is computed from its "
                       "equation; make it a parameter, '%s : %s', to set it)", v->name, v->name,
                       v->unit_expr ? sema_spantext(S, v->unit_expr->span) : sema_dimstr(S, v->dim));
            continue;
        }
        if (v->kind == SYM_VAR && (v->flags & VF_SHARED) && !init && strcmp(what, "run_regularly")) {
            diag_error(S->D, st->var_span, "cannot write to the shared variable '%s' in %s, which runs for "
                       "single %s; set it in init or run_regularly", v->name, what,
                       g->kind == G_NEURONS ? "neurons" : "synapses");
            continue;
        }
        if (v->kind != SYM_VAR) {
            diag_error(S->D, st->var_span, "cannot assign to '%s': it is not a variable of %s", v->name,
                       g->name);
            continue;
        }
        if (v->role == VR_N_INCOMING || v->role == VR_N_OUTGOING) {
            diag_error(S->D, st->var_span, "'%s' is read-only: it is the number of synapses of %s that share this "
                       "synapse's %s", v->name, g->name, v->role == VR_N_INCOMING ? "target" : "source");
            continue;
        }
        if (v->flags & VF_LINKED) {
            /* Brian2: statements write through a link to its source */
            Link *l = sema_link_of(v);
            if (init || !l) {
                diag_error(S->D, st->var_span, "'%s' is a linked variable: it shows a variable of another group, "
                           "whose initial value is set there, not in %s", v->name, what);
                continue;
            }
            if (l->scalar) {
                diag_error(S->D, st->var_span, "'%s' is linked to a group of one neuron, so %s, which runs for "
                           "single %s, cannot set it (it is not defined which would)", v->name, what,
                           g->kind == G_NEURONS ? "neurons" : "synapses");
                continue;
            }
            l->written = true;
        }
        if (v->role == VR_MULTISYN) {
            diag_error(S->D, st->var_span, "'%s' is the multisynaptic_index of %s, set by connect(); %s cannot "
                       "change it", v->name, g->name, what);
            continue;
        }
        if ((v->flags & VF_CONSTANT) && !init) {
            diag_error(S->D, st->var_span, "'%s' is flagged (constant) and cannot be changed in %s (remove the "
                       "flag if it should change)", v->name, what);
            continue;
        }
        st->sym = v;
        Node *list = init ? sema_init_list(st->expr) : NULL;
        if (list) {
            /* [a, b, c]*unit: every element is checked with the unit applied */
            bool ok = true;
            for (Node *x = st->expr; x != list && ok; x = x->a) {
                double scale;
                ok = sema_check_expr(&sc, x->b);
                if (ok && !sema_const_value(x->b, &scale)) {
                    diag_error(S->D, x->b->span, "the unit after a list must be a constant");
                    ok = false;
                }
            }
            for (int m = 0; m < list->nargs && ok; m++) {
                ok = sema_check_expr(&sc, list->args[m]);
                if (!ok) break;
                Dim d;
                double val;
                sema_list_element(st->expr, list, list->args[m]->dim, 0, &d, &val);
                if (!dim_eq(d, v->dim)) {
                    diag_error_code(S->D, DC_UNITS, list->args[m]->span, "'%s' %s, but this value %s (with the unit after "
                               "the list)", v->name, sema_hasunit(S, v->dim), sema_hasunit(S, d));
                    ok = false;
                }
            }
            continue;
        }
        if (!sema_check_expr(&sc, st->expr)) continue;
        Dim want = v->dim;
        if (st->op == '*' || st->op == '/') want = DIM_NONE;
        if (!dim_eq(st->expr->dim, want)) {
            if (st->op == '*' || st->op == '/')
                diag_error_code(S->D, DC_UNITS, st->expr->span, "'%s %c= ...' needs a dimensionless factor, but '%s' has unit %s",
                           v->name, st->op, sema_spantext(S, st->expr->span), sema_dimstr(S, st->expr->dim));
            else
                diag_error_code(S->D, DC_UNITS, st->span, "dimension mismatch in '%s': '%s' %s, but '%s' %s",
                           sema_spantext(S, st->span), sema_spantext(S, st->var_span), sema_hasunit(S, v->dim),
                           sema_spantext(S, st->expr->span), sema_hasunit(S, st->expr->dim));
        }
    }
}

/* {====================================================================
 * The script's statements: run and print
 * ===================================================================== */

/* The most steps all runs together may take: step numbers up to 2^53 are
 * exact as doubles, so t = step * dt stays exact. */
#define RUN_MAX_STEPS 9007199254740992.0

/* run DURATION: sema_decl_run checks the duration; here its step count
 * (Brian2's round(duration / dt)) and that of all runs so far must stay
 * countable.  *total adds up the steps of the runs before. */
void sema_decl_run_counted(Sema *S, Decl *d, double *total)
{
    int before = S->runs.n;
    sema_decl_run(S, d);
    if (S->runs.n == before) return;
    double v = *(double *)S->runs.v[before], dt = S->M->dt;
    double steps = floor(v / dt + 0.5);
    if (steps <= RUN_MAX_STEPS && *total + steps <= RUN_MAX_STEPS) {
        *total += steps;
        return;
    }
    if (steps > RUN_MAX_STEPS)
        diag_error(S->D, d->expr->span, "a run of %g s is %.3g steps of dt = %g s, more than the 2^53 "
                   "(about 9.0e15) steps a simulation can count; make the run shorter or dt longer", v, steps, dt);
    else
        diag_error(S->D, d->expr->span, "this run of %.3g steps (dt = %g s) brings the runs to %.3g steps, more "
                   "than the 2^53 (about 9.0e15) steps a simulation can count; make the runs shorter or dt longer",
                   steps, dt, *total + steps);
    S->runs.n = before;
}

/* print 'text' | print SM (a spike monitor) | print G.v (a stored variable
 * of a group or synapses): runs after the runs written before it. */
void sema_decl_print(Sema *S, Decl *d, PVec *prints)
{
    Node *e = d->expr;
    Print *p = arena_alloc(S->A, sizeof *p);
    *p = (Print){ .after_run = S->runs.n, .order = S->nscript++, .span = d->span };
    const char *what = NULL;    /* what is wrong, NULL if nothing */
    bool found = false;
    if (e->kind == N_STR) {
        p->kind = PRINT_TEXT;
        p->text = ident_dup(S->A, e->name);
    } else if (e->kind == N_NAME && !e->b) {
        for (int k = 0; k < S->monitors.n; k++) {
            Monitor *m = S->monitors.v[k];
            if (ident_eq(e->name, m->name)) {
                found = true;
                if (m->kind != MON_SPIKE) what = "is not a spike monitor; print prints spike monitors and variables (print G.v)";
            }
        }
        if (!found) what = sema_find_group(S, e->name) ? "is a group; print one of its variables, e.g. 'print G.v'"
                                                      : "is not a spike monitor declared before this line";
        p->kind = PRINT_SPIKES;
        p->text = ident_dup(S->A, e->name);
    } else if (e->kind == N_NAME) {
        Group *g = sema_find_group(S, e->name);
        Sym *v = g ? sema_group_lookup(g, e->b->name.z, e->b->name.n) : NULL;
        what = !g ? "names no group or synapses declared before this line"
             : !v ? "names no variable of the group"
             : sema_is_subexpr(v) ? "is a subexpression; print prints stored variables" : NULL;
        p->kind = PRINT_VAR;
        p->text = ident_dup(S->A, e->name);
        p->var = ident_dup(S->A, e->b->name);
    } else {
        diag_error(S->D, e->span, "print takes a string ('text'), a spike monitor (print SM) or a variable "
                   "(print G.v), not '%s'", sema_spantext(S, e->span));
        return;
    }
    if (what) diag_error(S->D, e->span, "'%s' %s", sema_spantext(S, e->span), what);
    else pvec_push(S->A, prints, p);
}
