/* SPDX-License-Identifier: MIT */
/* This file contains what monitors record: record= as all, an index, a
 * list, range(start, stop, step), arange(...) or slice(...) (and False for
 * spike monitors: counts only), and the arguments of spike and event
 * monitors, the recorded event and variables=[v, w] read at each spike.  Of
 * the sema files it calls sema_expr.c and sema_util.c;
 * sema_net.c calls it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sema_int.h"

/* A whole constant of e (an index or a range bound); false with an error
 * (unless quiet: then the caller says what it wanted). */
static bool whole(Sema *S, Node *e, double *out, bool quiet)
{
    Scope sc = { .S = S };
    int nerr = S->D->nerr;
    if (!sema_check_expr(&sc, e) || !sema_const_value(e, out) || *out != floor(*out) || !dim_is_none(e->dim) ||
        fabs(*out) > 2e9) {
        if (!quiet && S->D->nerr == nerr)
            diag_error(S->D, e->span, "expected a whole number here (an index), not '%s'", sema_spantext(S, e->span));
        return false;
    }
    return true;
}

/* The number of neurons m records from if it is known now (its subgroup's,
 * or its neuron group's), else -1. */
static double group_size(const Monitor *m)
{
    if (m->sub) return (double)m->sub_n;
    return m->group && m->group->kind == G_NEURONS ? (double)m->group->N : -1;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* range(stop), range(start, stop[, step]), arange(...) and slice(...) as
 * Python counts them; slice's bounds may be None (slice(None, 10)). */
static bool range_indices(Sema *S, Monitor *m, Node *v)
{
    double b[3] = { 0, 0, 1 };
    bool slice = ident_eq(v->name, "slice");
    if (v->nargs < 1 || v->nargs > 3) {
        diag_error(S->D, v->span, "%.*s takes 1 to 3 whole numbers", (int)v->name.n, v->name.z);
        return false;
    }
    for (int k = 0; k < v->nargs; k++) {
        int at = v->nargs == 1 ? 1 : k;
        if (slice && v->args[k]->kind == N_NAME && ident_eq(v->args[k]->name, "None")) {
            if (at == 1) {
                b[1] = group_size(m);
                if (b[1] < 0) {
                    diag_error(S->D, v->args[k]->span, "slice(..., None) needs the group's size: give the end");
                    return false;
                }
            }
            continue;
        }
        if (!whole(S, v->args[k], &b[at], false)) return false;
    }
    if (b[2] == 0) {
        diag_error(S->D, v->span, "the step of %.*s must not be 0", (int)v->name.n, v->name.z);
        return false;
    }
    double n = b[2] > 0 ? ceil((b[1] - b[0]) / b[2]) : ceil((b[0] - b[1]) / -b[2]);
    if (n < 0) n = 0;
    if (n > 1e8) {
        diag_error(S->D, v->span, "%.*s gives %.0f indices, too many to record", (int)v->name.n, v->name.z, n);
        return false;
    }
    m->record = arena_alloc(S->A, sizeof(int) * (size_t)(n + 1));
    m->nrecord = 0;
    for (double x = b[0]; m->nrecord < (int)n; x += b[2]) m->record[m->nrecord++] = (int)x;
    return true;
}

/* record=N.dend, N.dend.L, N.dend[10*um:50*um] (Brian2's
 * record=neuron.dend): the compartments of a section of the monitor's
 * spatial group, relative to the monitor's range. */
static bool section_indices(Sema *S, Monitor *m, Node *v)
{
    Node *sec = v;
    if (v->kind == N_NAME) {
        /* N.dend reads as a variable: make it the section node N.dend */
        sec = arena_alloc(S->A, sizeof *sec);
        *sec = (Node){ .kind = N_SUBGROUP, .op = 2, .span = v->span, .name = v->name, .sect = v->b->name,
                       .sect_span = v->b->span };
        sec->args = arena_alloc(S->A, sizeof *sec->args * 2);
        sec->args[0] = sec->args[1] = NULL;
        sec->nargs = 2;
    } else if (sec->args[1]) {
        /* N.dend.L reads as the variable L of N.dend: the section N.dend.L */
        Node *c = arena_alloc(S->A, sizeof *c);
        *c = *sec;
        size_t len = c->sect.n + 1 + c->args[1]->name.n;
        char *path = arena_alloc(S->A, len + 1);
        memcpy(path, c->sect.z, c->sect.n);
        path[c->sect.n] = '.';
        memcpy(path + c->sect.n + 1, c->args[1]->name.z, c->args[1]->name.n);
        path[len] = 0;
        c->sect = (Ident){ path, (uint32_t)len };
        c->sect_span = span_join(c->sect_span, c->args[1]->span);
        c->args = arena_alloc(S->A, sizeof *c->args * 2);
        c->args[0] = sec->args[0];
        c->args[1] = NULL;
        sec = c;
    }
    GroupRange r;
    if (!m->group) {
        diag_error(S->D, v->span, "record=%s needs the variable first: %s(G.v, record=...)", sema_spantext(S, v->span),
                   m->name);
        return false;
    }
    if (!sema_group_range(S, sec->name, sec->span, sec, &r)) return false;
    int64_t lo = m->sub ? m->sub_start : 0, hi = m->sub ? m->sub_start + m->sub_n : m->group->N;
    if (r.g != m->group || r.start < lo || r.start + r.n > hi) {
        diag_error(S->D, v->span, "record=%s names compartments outside %s, which %s records", r.label, m->label,
                   m->name);
        return false;
    }
    m->record = arena_alloc(S->A, sizeof(int) * (size_t)(r.n + 1));
    m->nrecord = 0;
    for (int64_t k = 0; k < r.n; k++) m->record[m->nrecord++] = (int)(r.start + k - lo);
    return true;
}

bool sema_monitor_record(Sema *S, Monitor *m, Node *v, bool spike)
{
    if (v->kind == N_NAME && (ident_eq(v->name, "all") || ident_eq(v->name, "True"))) return true;
    if (v->kind == N_NAME && ident_eq(v->name, "False")) {
        if (!spike) {
            diag_error(S->D, v->span, "a state monitor records something: record=all or a list of indices");
            return false;
        }
        m->record_none = true;
        return true;
    }
    m->record_all = false;
    if ((v->kind == N_SUBGROUP && v->sect.n) || (v->kind == N_NAME && v->b && m->group && m->group->cable))
        return section_indices(S, m, v);
    if (v->kind == N_CALL && (ident_eq(v->name, "range") || ident_eq(v->name, "arange") || ident_eq(v->name, "slice"))) {
        if (!range_indices(S, m, v)) return false;
    } else {
        int n = v->kind == N_LIST ? v->nargs : 1;
        m->record = arena_alloc(S->A, sizeof(int) * (size_t)(n + 1));
        m->nrecord = 0;
        for (int q = 0; q < n; q++) {
            Node *e = v->kind == N_LIST ? v->args[q] : v;
            double x;
            int nerr = S->D->nerr;
            if (!whole(S, e, &x, true)) {
                if (S->D->nerr == nerr)
                    diag_error(S->D, e->span, "record= takes all or a list of neuron indices%s, not '%s'",
                               spike ? " (or False, range(...))" : " (or range(...))", sema_spantext(S, e->span));
                return false;
            }
            m->record[m->nrecord++] = (int)x;
        }
    }
    double size = group_size(m);
    for (int q = 0; q < m->nrecord; q++)
        if (m->record[q] < 0 || (size >= 0 && m->record[q] >= size)) {
            Span at = v->kind == N_LIST ? v->args[q]->span : v->span;
            if (m->record[q] < 0)
                diag_error(S->D, at, "record= takes all or a list of neuron indices (each >= 0), not %d",
                           m->record[q]);
            else if (size >= 0)
                diag_error(S->D, at, "index %d is out of range for %s (%.0f neurons)", m->record[q],
                           m->label ? m->label : m->group->name, size);
            else diag_error(S->D, at, "record= takes all or a list of neuron indices (each >= 0), not %d",
                            m->record[q]);
            return false;
        }
    if (spike && m->nrecord > 1) {
        /* a spike monitor tests membership: keep the indices sorted, once each */
        qsort(m->record, (size_t)m->nrecord, sizeof *m->record, cmp_int);
        int w = 1;
        for (int q = 1; q < m->nrecord; q++)
            if (m->record[q] != m->record[w - 1]) m->record[w++] = m->record[q];
        m->nrecord = w;
    }
    return true;
}

/* Pending names of a spike or event monitor, checked once its group is
 * known: the event and the variables. */
typedef struct Pending {
    Node  *event;
    Node  *vars;
} Pending;

bool sema_spike_monitor_arg(Sema *S, Monitor *m, Arg *a, int pos, bool *failed)
{
    Pending *p = (Pending *)m->vars;   /* borrowed until sema_spike_monitor_finish */
    if (!p) {
        p = arena_alloc(S->A, sizeof *p);
        m->vars = (Sym **)p;
    }
    if (!a->name.n && pos == 1) {
        p->event = a->value;
        return true;
    }
    if (ident_eq(a->name, "event")) {
        p->event = a->value;
        return true;
    }
    if (ident_eq(a->name, "variables")) {
        p->vars = a->value;
        return true;
    }
    if (ident_eq(a->name, "record")) {
        *failed = !sema_monitor_record(S, m, a->value, true);
        return true;
    }
    return false;
}

bool sema_spike_monitor_finish(Sema *S, Monitor *m, bool need_event)
{
    Pending *p = (Pending *)m->vars;
    m->vars = NULL;
    m->nvars = 0;
    Group *g = m->group;
    if (need_event && (!p || !p->event)) {
        diag_error(S->D, m->span, "%s needs the event to record: eventmonitor %s(%s, EVENT)", m->name, m->name,
                   g->name);
        return false;
    }
    if (p && p->event) {
        Node *e = p->event;
        if ((e->kind != N_NAME && e->kind != N_STR) || e->b) {
            diag_error(S->D, e->span, "expected the name of an event of %s, e.g. crossing", g->name);
            return false;
        }
        if ((m->event = sema_event_index(S, g, e->name, e->span, m->name)) < 0) return false;
    }
    if (!p || !p->vars) return true;
    Node *v = p->vars;
    int n = v->kind == N_LIST ? v->nargs : 1;
    for (int k = 0; k < n; k++) {
        Node *e = v->kind == N_LIST ? v->args[k] : v;
        if ((e->kind != N_NAME && e->kind != N_STR) || e->b) {
            diag_error(S->D, e->span, "variables= takes names of %s's variables, e.g. variables=[v, w]", g->name);
            return false;
        }
        Sym *var = sema_group_lookup(g, e->name.z, e->name.n);
        Scope sc = { .S = S, .g = g };
        if (!var && !sema_resolve(&sc, e->name, e->span)) return false;
        if (!var || (var->kind != SYM_VAR && !sema_is_subexpr(var))) {
            diag_error(S->D, e->span, "'%.*s' is not a variable of %s", (int)e->name.n, e->name.z, g->name);
            return false;
        }
        sema_add_to(S, &m->vars, &m->nvars, var);
    }
    return true;
}
