/* SPDX-License-Identifier: MIT */
/* This file contains subgroups and linked variables.  A subgroup, G[a:b] or
 * 'subgroup NAME = G[a:b]', is a contiguous range of a neuron group's
 * neurons (Brian2's Subgroup): it has no equations of its own, and where it
 * stands for a group (synapses, monitors, inputs) indices are relative to
 * its start; a section of a spatial group (N.dend, N.dend[10*um]) is one.
 * A linked variable, 'v : volt (linked)' with link(v, G.v,
 * index=...), reads another group's variable (Brian2's linked_var).  It
 * calls sema_expr.c and sema_util.c. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "morphology.h"
#include "sema_int.h"

SubDef *sema_find_subgroup(Sema *S, Ident id)
{
    for (int k = 0; k < S->subgroups.n; k++)
        if (ident_eq(id, ((SubDef *)S->subgroups.v[k])->name)) return S->subgroups.v[k];
    return NULL;
}

/* One bound of a slice: a constant whole number, negative counting from
 * the end as in Python; false with an error. */
static bool slice_bound(Sema *S, Node *e, const char *what, int64_t *out)
{
    Scope sc = { .S = S };
    double v;
    if (!sema_check_expr(&sc, e)) return false;
    if (!dim_is_none(e->dim) || !sema_const_value(e, &v) || v != floor(v) || fabs(v) > 4e9) {
        diag_error(S->D, e->span, "the %s of a subgroup must be a constant whole number, not '%s'", what,
                   sema_spantext(S, e->span));
        return false;
    }
    *out = (int64_t)v;
    return true;
}

/* The range slice (an N_SUBGROUP node) selects from base: Brian2's
 * Subgroup, contiguous, non-empty and inside base. */
static bool slice_range(Sema *S, const Node *sl, const GroupRange *base, GroupRange *out)
{
    int64_t n = base->n, start = 0, stop = n, step = 1;
    const char *text = sema_spantext(S, sl->span), *close = strrchr(text, ']');
    if (close) text = arena_strndup(S->A, text, (size_t)(close - text + 1));   /* G[a:b] of G[a:b].v */
    if (sl->a && !slice_bound(S, sl->a, sl->op == 1 ? "index" : "start", &start)) return false;
    if (sl->op == 1) {
        if (start < -n || start >= n) {
            diag_error(S->D, sl->a->span, "index %lld is outside %s, which has %lld neurons (0 to %lld)",
                       (long long)start, base->label, (long long)n, (long long)n - 1);
            return false;
        }
        if (start < 0) start += n;
        stop = start + 1;
    } else {
        if (sl->b && !slice_bound(S, sl->b, "stop", &stop)) return false;
        if (sl->args[0] && !slice_bound(S, sl->args[0], "step", &step)) return false;
        if (step != 1) {
            diag_error(S->D, sl->args[0]->span, "a subgroup is a contiguous range of neurons (step 1, as Brian2 "
                       "requires), but '%s' has step %lld; use synapse conditions such as 'i %% 2 == 0' instead",
                       text, (long long)step);
            return false;
        }
        const Node *bad = NULL;
        int64_t badv = 0;
        if (start < -n || start > n) bad = sl->a, badv = start;
        else if (stop < -n || stop > n) bad = sl->b, badv = stop;
        if (bad) {
            diag_error(S->D, bad->span, "'%s' reaches outside %s, which has %lld neurons: %lld is not within "
                       "-%lld to %lld", text, base->label, (long long)n, (long long)badv, (long long)n,
                       (long long)n);
            return false;
        }
        if (start < 0) start += n;
        if (stop < 0) stop += n;
        if (start >= stop) {
            diag_error(S->D, sl->span, "subgroup '%s' is empty: its start (%lld) must be below its stop (%lld)",
                       text, (long long)start, (long long)stop);
            return false;
        }
    }
    *out = (GroupRange){ base->g, base->start + start, stop - start, true, text };
    return true;
}

/* {====================================================================
 * Sections of spatial groups (Brian2's neuron.dend, neuron.dend[10*um])
 * ===================================================================== */

/* The compartment of section sec at distance x (meters) from its start,
 * by Brian2's rule (Morphology.__getitem__): a point within 1e-12 of the
 * section's length of a boundary between compartments starts the next one.
 * At the section's very end Brian2 would name the compartment after the
 * section; snnc gives the section's last one. */
static int64_t compartment_at(const Cable *c, int sec, double x)
{
    int n = c->ends[sec] - c->starts[sec];
    const double *len = c->length + c->starts[sec];
    double total = 0;
    for (int k = 0; k < n; k++) total += len[k];
    double l = 0, best = INFINITY;
    int64_t near = 0, at = 0;
    for (int k = 0; k <= n; k++) {
        if (fabs(x - l) < best) best = fabs(x - l), near = k;
        if (k < n && l < x) at = k;           /* searchsorted(l, x) - 1 */
        if (k < n) l += len[k];
    }
    int64_t i = best < 1e-12 * total ? near : at;
    return i >= n ? n - 1 : i;
}

/* One end of a slice by distance, Brian2's rule for a start (stop false:
 * the compartment after it) or a stop. */
static int64_t slice_end_at(const Cable *c, int sec, double x, bool stop)
{
    int n = c->ends[sec] - c->starts[sec];
    const double *len = c->length + c->starts[sec];
    double l = 0, total = 0, best = INFINITY;
    for (int k = 0; k < n; k++) total += len[k];
    int64_t near = 0, sorted = n;
    for (int k = 0; k < n; k++) {
        l += len[k];                          /* cumsum: the end of compartment k */
        if (fabs(x - l) < best) best = fabs(x - l), near = k;
        if (sorted == n && l >= x) sorted = k;
    }
    if (best < 1e-12 * total) return near + 1;
    return stop ? sorted + 1 : sorted;
}

/* A distance along a section, checked: a constant length in [0, length]. */
static bool section_distance(Sema *S, Node *e, const char *path, double total, double *out)
{
    if (!sema_const_value(e, out)) {
        diag_error(S->D, e->span, "a distance along a section must be a constant length, not '%s'",
                   sema_spantext(S, e->span));
        return false;
    }
    if (*out < 0 || *out > (1 + 1e-12) * total) {
        diag_error(S->D, e->span, "%s is not on section '%s', which is %g um long: a distance must be "
                   "between 0*um and %g*um", sema_spantext(S, e->span), path, total * 1e6, total * 1e6);
        return false;
    }
    return true;
}

/* N.dend (the section and the sections below it, as Brian2's
 * SpatialSubgroup), N.dend[10*um] (the compartment at that distance along
 * the section), N.dend[10*um:50*um] and N.dend[a:b] (compartment indices
 * relative to the section's start) as a range of N's compartments. */
static bool section_range(Sema *S, const Node *sl, const GroupRange *base, GroupRange *out)
{
    const Cable *c = base->g->cable;
    char *path = arena_alloc(S->A, sl->sect.n + 1);
    int w = 0;
    for (uint32_t k = 0; k < sl->sect.n; k++)
        if (sl->sect.z[k] != ' ' && sl->sect.z[k] != '\t') path[w++] = sl->sect.z[k];
    path[w] = 0;
    if (!c || base->sub) {
        diag_error(S->D, sl->sect_span, "'%s.%s': only a spatialneurons group has sections, and %s is %s", base->label,
                   path, base->label, base->sub ? "a subgroup" : "not one");
        return false;
    }
    int sec = -1;
    for (int k = 0; k < c->nsec; k++)
        if (!strcmp(c->sec_path[k], path)) sec = k;
    if (sec < 0 || !*path) {
        const char *names[64];
        int nn = 0;
        for (int k = 0; k < c->nsec && nn < 64; k++)
            if (*c->sec_path[k]) names[nn++] = c->sec_path[k];
        const char *sug = diag_suggest(path, names, nn);
        char list[512] = "";
        for (int k = 0; k < nn && strlen(list) < 400; k++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k ? ", " : "", names[k]);
        if (sug) diag_error(S->D, sl->sect_span, "%s has no section '%s'; did you mean '%s'?", base->label, path, sug);
        else diag_error(S->D, sl->sect_span, "%s has no section '%s' (its sections: %s)", base->label, path,
                        nn ? list : "none but the root");
        return false;
    }
    /* the subtree: sections after sec (parents before children) whose chain of parents reaches sec */
    int last = sec;
    for (int k = sec + 1; k < c->nsec; k++) {
        int p = c->parent_i[k] - 1;
        while (p > sec) p = c->parent_i[p] - 1;
        if (p == sec) last = k;
        else break;
    }
    const char *text = arena_strndup(S->A, sema_spantext(S, sl->span), strlen(sema_spantext(S, sl->span)));
    if (sl->args[1]) {
        char *dot = strrchr(text, '.');
        if (dot) *dot = 0;                    /* N.dend of N.dend.v */
    }
    GroupRange tree = { base->g, c->starts[sec], c->ends[last] - c->starts[sec], true, text };
    if (sl->op == 2) {
        *out = tree;
        return true;
    }
    Scope sc = { .S = S };
    Node *first = sl->a ? sl->a : sl->b;
    if (first && !sema_check_expr(&sc, first)) return false;
    if (!first || dim_is_none(first->dim)) return slice_range(S, sl, &tree, out) && (out->label = text, true);
    const UnitDef *um = units_lookup("meter", 5);
    Dim meter = um ? um->dim : DIM_NONE;
    double total = 0;
    for (int k = c->starts[sec]; k < c->ends[sec]; k++) total += c->length[k];
    int64_t i, j;
    double x;
    if (sl->op == 1) {
        if (!sema_check_dim(&sc, sl->a, meter, "a distance along a section") ||
            !section_distance(S, sl->a, path, total, &x))
            return false;
        i = compartment_at(c, sec, x), j = i + 1;
    } else {
        if (sl->args[0]) {
            diag_error(S->D, sl->args[0]->span, "a slice by distance takes no step (Brian2 has none)");
            return false;
        }
        i = 0, j = c->ends[sec] - c->starts[sec];
        if (sl->a) {
            if (!sema_check_dim(&sc, sl->a, meter, "the start of a slice by distance") ||
                !section_distance(S, sl->a, path, total, &x))
                return false;
            i = slice_end_at(c, sec, x, false);
        }
        if (sl->b) {
            if (!sema_check_expr(&sc, sl->b) || !sema_check_dim(&sc, sl->b, meter, "the stop of a slice by distance") ||
                !section_distance(S, sl->b, path, total, &x))
                return false;
            j = slice_end_at(c, sec, x, true);
        }
        if (j > c->ends[sec] - c->starts[sec]) j = c->ends[sec] - c->starts[sec];
        if (i >= j) {
            diag_error(S->D, sl->span, "'%s' holds no compartment of section '%s'", text, path);
            return false;
        }
    }
    *out = (GroupRange){ base->g, c->starts[sec] + i, j - i, true, text };
    return true;
}

bool sema_group_range(Sema *S, Ident name, Span sp, const Node *slice, GroupRange *out)
{
    SubDef *sd = sema_find_subgroup(S, name);
    GroupRange base;
    if (sd) base = sd->r;
    else {
        Group *g = sema_group_ref(S, name, sp, G_NEURONS);
        if (!g) return false;
        base = (GroupRange){ g, 0, g->N, false, g->name };
    }
    if (!slice) {
        *out = base;
        return true;
    }
    if (slice->sect.n) return section_range(S, slice, &base, out);
    return slice_range(S, slice, &base, out);
}

bool sema_decl_subgroup(Sema *S, Decl *d, GroupRange *out)
{
    if (!ident_eq(d->keyword, "subgroup")) {
        diag_error(S->D, d->span, "'%.*s NAME = G[a:b]' is not known; a subgroup is written 'subgroup NAME = G[a:b]'",
                   (int)d->keyword.n, d->keyword.z);
        return false;
    }
    if (!sema_check_identifier(S, d->name, d->name_span, "subgroup name") || !sema_top_unique(S, d->name, d->name_span))
        return false;
    if (!sema_group_range(S, d->src, d->src_span, d->src_sub, out)) return false;
    SubDef *sd = arena_alloc(S->A, sizeof *sd);
    sd->name = ident_dup(S->A, d->name);
    sd->span = d->name_span;
    sd->r = *out;
    sd->r.label = sd->name;
    out->label = sd->name;
    pvec_push(S->A, &S->subgroups, sd);
    for (int k = 0; k < d->nitems; k++) {
        Item *it = d->items[k];
        if ((ident_eq(it->key, "init") && it->kind == I_STMTS) ||
            (ident_eq(it->key, "run_regularly") && it->kind == I_CALL))
            continue;
        diag_error(S->D, it->span, "a subgroup takes only 'init { }' and 'run_regularly(...) { }' (its equations, "
                   "threshold and reset are those of %s)", out->g->name);
    }
    return true;
}

/* {====================================================================
 * Linked variables
 * ===================================================================== */

/* The value of an index expression of i and N (and constants) for neuron
 * i; false if it uses anything else. */
static bool index_value(const Node *n, double i, double N, double *out)
{
    double a, b;
    switch (n->kind) {
    case N_NUM: *out = n->num; return true;
    case N_NAME:
        if (!n->sym) return false;
        if (n->sym->kind == SYM_CONST || n->sym->kind == SYM_UNIT) { *out = n->sym->value; return true; }
        if (n->sym->kind != SYM_BUILTIN || (n->sym->builtin != B_I && n->sym->builtin != B_N)) return false;
        *out = n->sym->builtin == B_I ? i : N;
        return true;
    case N_NEG:
        if (!index_value(n->a, i, N, &a)) return false;
        *out = -a;
        return true;
    case N_CALL:
        if (n->nargs != 1 || !n->sym || n->sym->kind != SYM_FUNC || !index_value(n->args[0], i, N, &a)) return false;
        if (n->sym->builtin == FN_INT) *out = trunc(a);
        else if (n->sym->builtin == FN_FLOOR) *out = floor(a);
        else if (n->sym->builtin == FN_CEIL) *out = ceil(a);
        else if (n->sym->builtin == FN_ABS) *out = fabs(a);
        else return false;
        return true;
    case N_BIN:
        if (!index_value(n->a, i, N, &a) || !index_value(n->b, i, N, &b)) return false;
        switch (n->op) {
        case '+': *out = a + b; return true;
        case '-': *out = a - b; return true;
        case '*': *out = a * b; return true;
        case '/': *out = a / b; return true;
        case OP_FLOORDIV: *out = floor(a / b); return true;
        case '%': *out = a - floor(a / b) * b; return true;
        case OP_POW: *out = pow(a, b); return true;
        }
        return false;
    }
    return false;
}

/* index=: a list of N source indices, or an expression of i; each within
 * the source's src_n neurons.  The map (with src_start added) in *out. */
static bool link_index(Sema *S, Group *g, Node *e, const GroupRange *src, int32_t **out)
{
    int32_t *map = arena_alloc(S->A, sizeof *map * (size_t)g->N);
    Scope sc = { .S = S, .g = g };
    if (e->kind == N_LIST && e->nargs != g->N) {
        diag_error(S->D, e->span, "index= needs one source index per neuron of %s (%lld), but the list has %d",
                   g->name, (long long)g->N, e->nargs);
        return false;
    }
    if (e->kind != N_LIST && (!sema_check_expr(&sc, e) || !dim_is_none(e->dim))) {
        if (!S->D->nerr) diag_error(S->D, e->span, "index= must be a dimensionless expression of i, or a list");
        return false;
    }
    for (int64_t k = 0; k < g->N; k++) {
        const Node *x = e->kind == N_LIST ? e->args[k] : e;
        double v;
        if (e->kind == N_LIST && !sema_check_expr(&sc, e->args[k])) return false;
        if (!index_value(x, (double)k, (double)g->N, &v)) {
            diag_error(S->D, x->span, "index= may use only numbers, constants, i and N (and int, floor, ceil, "
                       "abs), not '%s'", sema_spantext(S, x->span));
            return false;
        }
        if (v != floor(v) || v < 0 || v >= (double)src->n) {
            diag_error(S->D, x->span, "index= gives %.17g for neuron %lld of %s, but %s has neurons 0 to %lld", v,
                       (long long)k, g->name, src->label, (long long)src->n - 1);
            return false;
        }
        map[k] = (int32_t)(src->start + (int64_t)v);
    }
    *out = map;
    return true;
}

/* One link: var (a node naming a (linked) parameter of g), source (G.v,
 * Pe.v or G[a:b].v) and the optional index=. */
static void add_link(Sema *S, Group *g, Node *var, Node *source, Node *index, Span sp)
{
    if (var->kind != N_NAME || var->b) {
        diag_error(S->D, var->span, "link names a (linked) variable of %s first: link(v, G.v)", g->name);
        return;
    }
    Sym *v = sema_group_lookup(g, var->name.z, var->name.n);
    if (!v || v->kind != SYM_VAR || !(v->flags & VF_LINKED)) {
        diag_error(S->D, var->span, "'%.*s' is not a (linked) variable of %s (declare it '%.*s : unit (linked)')",
                   (int)var->name.n, var->name.z, g->name, (int)var->name.n, var->name.z);
        return;
    }
    for (int k = 0; k < g->nlinks; k++)
        if (g->links[k].var == v) {
            diag_error(S->D, sp, "'%s' of %s is linked twice", v->name, g->name);
            return;
        }
    Node *vn = source->kind == N_SUBGROUP ? source->args[1] : source->b;
    if ((source->kind != N_NAME && source->kind != N_SUBGROUP) || !vn) {
        diag_error(S->D, source->span, "link reads a variable of another group: write G.v (or G[a:b].v)");
        return;
    }
    GroupRange src;
    if (!sema_group_range(S, source->name, source->span, source->kind == N_SUBGROUP ? source : NULL, &src)) return;
    Sym *sv = sema_group_lookup(src.g, vn->name.z, vn->name.n);
    if (sv == v) {
        diag_error(S->D, vn->span, "'%s' cannot be linked to itself", v->name);
        return;
    }
    if (!sv || sv->kind != SYM_VAR || sv->name[0] == '_') {
        diag_error(S->D, vn->span, "%s has no stored variable '%.*s' to link to%s", src.g->name, (int)vn->name.n,
                   vn->name.z, sv && sv->kind == SYM_SUBEXPR ? " (it is a subexpression; link to the variables it "
                   "is computed from, or repeat its equation)" : "");
        return;
    }
    if (!dim_eq(sv->dim, v->dim) || (sv->type == TY_BOOL) != (v->type == TY_BOOL)) {
        diag_error_code(S->D, DC_UNITS, source->span, "'%s' %s, but %s.%s %s", v->name, sema_hasunit(S, v->dim),
                        src.g->name, sv->name, sema_hasunit(S, sv->dim));
        return;
    }
    if ((sv->flags & VF_SHARED) != (v->flags & VF_SHARED)) {
        diag_error(S->D, source->span, "'%s' and %s.%s must both be shared or both not", v->name, src.g->name, sv->name);
        return;
    }
    Link l = { .var = v, .src = src.g, .src_var = sv, .span = sp, .scalar = src.n == 1 && g->N > 1 && !index };
    Sym *iv = index && index->kind == N_NAME && !index->b ? sema_group_lookup(g, index->name.z, index->name.n) : NULL;
    if (iv && iv->kind == SYM_VAR) {
        /* Brian2's linked_var(..., index='index_var'): read at each use */
        if (iv->type != TY_INT || (iv->flags & (VF_SHARED | VF_LINKED)) || (v->flags & VF_SHARED)) {
            diag_error(S->D, index->span, "index=%s names a variable of %s, which must then be an integer variable "
                       "(not shared, not linked) holding each neuron's source index: declare it '%s : integer'",
                       iv->name, g->name, iv->name);
            return;
        }
        if (sv->flags & VF_LINKED) {
            diag_error(S->D, source->span, "%s.%s is itself linked: index= naming a variable needs a stored "
                       "source variable", src.g->name, sv->name);
            return;
        }
        l.index_var = iv;
        l.index_off = src.start;
        l.index_n = src.n;
    } else if (index) {
        if (!link_index(S, g, index, &src, &l.index)) return;
    } else if (l.scalar) {
        /* Brian2: a variable of a group of one neuron, read by every neuron */
        l.index = arena_alloc(S->A, sizeof *l.index * (size_t)g->N);
        for (int64_t k = 0; k < g->N; k++) l.index[k] = (int32_t)src.start;
    } else if (!(v->flags & VF_SHARED) && src.n != g->N) {
        diag_error(S->D, source->span, "%s has %lld neurons and %s %lld: a link between groups of different "
                   "sizes needs index= (a source index for each neuron of %s)", g->name, (long long)g->N, src.label,
                   (long long)src.n, g->name);
        return;
    } else if (src.start) {
        l.index = arena_alloc(S->A, sizeof *l.index * (size_t)g->N);
        for (int64_t k = 0; k < g->N; k++) l.index[k] = (int32_t)(src.start + k);
    }
    /* a link to a linked variable reads that variable's own source */
    for (int k = 0; (sv->flags & VF_LINKED) && k < src.g->nlinks; k++) {
        const Link *in = &src.g->links[k];
        if (in->var != sv) continue;
        if (in->index_var || l.index_var) {
            diag_error(S->D, source->span, "%s.%s is linked with index=%s, which changes as the model runs: link to "
                       "its source instead", src.g->name, sv->name, in->index_var ? in->index_var->name : "");
            return;
        }
        if (in->index) {
            int32_t *map = arena_alloc(S->A, sizeof *map * (size_t)g->N);
            for (int64_t q = 0; q < g->N; q++) map[q] = in->index[l.index ? l.index[q] : q];
            l.index = map;
        }
        l.src = in->src;
        l.src_var = in->src_var;
        l.scalar |= in->scalar;
        break;
    }
    g->links = arena_append(S->A, g->links, g->nlinks, sizeof *g->links);
    g->links[g->nlinks++] = l;
}

Link *sema_link_of(Sym *v)
{
    Sym *b = v->base ? v->base : v;
    Group *g = b->owner;
    for (int k = 0; g && k < g->nlinks; k++)
        if (g->links[k].var == b) return &g->links[k];
    return NULL;
}

void sema_group_links(Sema *S, Group *g, Decl *d)
{
    for (int k = 0; k < d->nitems; k++) {
        Item *it = d->items[k];
        if (!ident_eq(it->key, "link")) continue;
        if (it->kind == I_CALL) {
            Node *var = NULL, *source = NULL, *index = NULL;
            for (int a = 0; a < it->nargs; a++) {
                Arg *arg = &it->args[a];
                if (!arg->name.n && a == 0) var = arg->value;
                else if (!arg->name.n && a == 1) source = arg->value;
                else if (ident_eq(arg->name, "index") && !index) index = arg->value;
                else {
                    diag_error(S->D, arg->span, "link takes the variable, its source and one index=: "
                               "link(v, G.v, index=i // 2)");
                    return;
                }
            }
            if (!var || !source) diag_error(S->D, it->span, "write link(v, G.v) or link(v, G.v, index=...)");
            else add_link(S, g, var, source, index, it->span);
        } else if (it->kind == I_STMTS && it->stmts.n == 1 && it->stmts.v[0]->op == '=') {
            Stmt *st = it->stmts.v[0];
            Node *var = ast_name(S->A, st->var, st->var_span);
            add_link(S, g, var, st->expr, NULL, it->span);
        } else {
            diag_error(S->D, it->span, "write 'link: v = G.v', or link(v, G.v, index=...) for an index map");
        }
    }
    for (int k = 0; k < g->nvars; k++) {
        Sym *v = g->vars[k];
        bool linked = false;
        for (int m = 0; m < g->nlinks; m++) linked |= g->links[m].var == v;
        if ((v->flags & VF_LINKED) && !linked && !S->D->nerr)
            diag_error(S->D, v->span, "'%s' is (linked) but not linked to anything: add 'link: %s = G.%s' to %s "
                       "(or link(%s, G.%s, index=...))", v->name, v->name, v->name, g->name, v->name, v->name);
    }
}
