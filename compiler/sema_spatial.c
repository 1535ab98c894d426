/* SPDX-License-Identifier: MIT */
/* This file checks multicompartment models: `morphology` declarations (a
 * root Soma, Cylinder, Section or swc("file") and the named sections below
 * it, evaluated with morphology.c's geometry) and `spatialneurons` groups,
 * which it turns into a neuron group of one neuron per compartment as
 * Brian2's SpatialNeuron does: point currents join the transmembrane
 * current Im (I/area), v, Ic, Cm and the compartments' geometry become
 * variables (the geometry and Cm as initial values), threshold_location
 * restricts the threshold to one compartment, and the cable (morph_flatten)
 * with the solver's variables is attached to the group. */
#include <math.h>
#include <string.h>

#include "morphology.h"
#include "sema_int.h"

#define MORPH_MAX_COMPARTMENTS 1000000

static Dim unit_dim(const char *name)
{
    const UnitDef *u = units_lookup(name, strlen(name));
    return u ? u->dim : DIM_NONE;
}

/* An argument's value as a list of SI values with dimension want (a scalar
 * is a list of one); NULL with an error. */
static double *arg_values(Sema *S, Node *v, Dim want, int *n, const char *what, const char *unit)
{
    Dim d;
    double *out;
    if (sema_init_list(v)) {
        out = sema_list_values(S, v, n, &d);
        if (!out) return NULL;
    } else {
        Scope sc = { .S = S };
        double x;
        if (!sema_check_expr(&sc, v)) return NULL;
        if (!sema_const_value(v, &x)) {
            diag_error(S->D, v->span, "%s must be a constant, not '%s'", what, sema_spantext(S, v->span));
            return NULL;
        }
        d = v->dim;
        out = arena_alloc(S->A, sizeof *out * 2);
        out[0] = x;
        *n = 1;
    }
    if (!dim_eq(d, want)) {
        diag_error(S->D, v->span, "%s must have unit %s, but '%s' has unit %s", what, unit,
                   sema_spantext(S, v->span), sema_dimword(S, d));
        return NULL;
    }
    return out;
}

/* The section of one morphology line: Soma(diameter, x, y, z),
 * Cylinder(diameter, n, length, x, y, z), Section(diameter, n, length, x,
 * y, z), arguments by name or, in that order, by position.  Returns false
 * with an error. */
static bool section_args(Sema *S, Item *it, MorphArgs *a)
{
    memset(a, 0, sizeof *a);
    a->n = 1;
    static const char *const soma_pos[] = { "diameter", "x", "y", "z" };
    static const char *const sec_pos[] = { "diameter", "n", "length", "x", "y", "z" };
    if (ident_eq(it->key, "Soma")) a->kind = MS_SOMA;
    else if (ident_eq(it->key, "Cylinder")) a->kind = MS_CYLINDER;
    else if (ident_eq(it->key, "Section")) a->kind = MS_SECTION;
    else {
        diag_error(S->D, it->span, "'%.*s' is not a kind of section; write Soma(...), Cylinder(...) or Section(...)%s",
                   (int)it->key.n, it->key.z, it->name.n ? "" : " (or swc(\"file.swc\"))");
        return false;
    }
    const char *const *pos = a->kind == MS_SOMA ? soma_pos : sec_pos;
    int npos = a->kind == MS_SOMA ? 4 : 6;
    bool seen[6] = { false };
    Dim meter = unit_dim("meter");
    for (int k = 0; k < it->nargs; k++) {
        Arg *g = &it->args[k];
        int w = -1;
        if (!g->name.n) {
            if (k >= npos) {
                diag_error(S->D, g->span, "%.*s takes at most %d arguments", (int)it->key.n, it->key.z, npos);
                return false;
            }
            w = k;
        } else {
            for (int q = 0; q < npos; q++)
                if (ident_eq(g->name, pos[q])) w = q;
            if (w < 0) {
                diag_error(S->D, g->span, "%.*s has no argument '%.*s' (it takes %s)", (int)it->key.n, it->key.z,
                           (int)g->name.n, g->name.z, a->kind == MS_SOMA ? "diameter, x, y, z" : "diameter, n, length, x, y, z");
                return false;
            }
        }
        if (seen[w]) {
            diag_error(S->D, g->span, "argument '%s' is given twice", pos[w]);
            return false;
        }
        seen[w] = true;
        const char *name = pos[w];
        int cnt = 0;
        if (!strcmp(name, "n")) {
            double *v = arg_values(S, g->value, DIM_NONE, &cnt, "the number of compartments n", "1 (a number)");
            if (!v) return false;
            if (cnt != 1 || v[0] != floor(v[0]) || v[0] < 1 || v[0] > 1e8) {
                diag_error(S->D, g->value->span, "the number of compartments n must be a whole number from 1, not '%s'",
                           sema_spantext(S, g->value->span));
                return false;
            }
            a->n = (int)v[0];
            continue;
        }
        double *v = arg_values(S, g->value, meter, &cnt, arena_printf(S->A, "the %s", name), "meter");
        if (!v) return false;
        if (!strcmp(name, "diameter")) a->diam = v, a->ndiam = cnt;
        else if (!strcmp(name, "length")) a->length = v, a->nlength = cnt;
        else {
            if ((a->x || a->y || a->z) && cnt != a->ncoord) {
                diag_error(S->D, g->value->span, "x, y and z must have the same number of values");
                return false;
            }
            a->ncoord = cnt;
            if (!strcmp(name, "x")) a->x = v;
            else if (!strcmp(name, "y")) a->y = v;
            else a->z = v;
        }
    }
    if (!a->diam) {
        diag_error(S->D, it->span, "%.*s needs its diameter (diameter=...)", (int)it->key.n, it->key.z);
        return false;
    }
    const char *bad = morph_check_args(a);
    if (bad) {
        diag_error(S->D, it->span, "%s", bad);
        return false;
    }
    return true;
}

static Morph *find_morph(Sema *S, Ident id)
{
    for (int k = 0; k < S->morphs.n; k++)
        if (ident_eq(id, ((Morph *)S->morphs.v[k])->name)) return S->morphs.v[k];
    return NULL;
}

void sema_decl_morphology(Sema *S, Decl *d)
{
    if (!ident_eq(d->keyword, "morphology")) {
        diag_error(S->D, d->span, "'%.*s NAME = ...' is not known; a morphology is written 'morphology NAME = Soma(...)'%s",
                   (int)d->keyword.n, d->keyword.z,
                   ident_eq(d->keyword, "neurons") ? ", a group made from a template 'neurons NAME[N] = template(...)'" : "");
        return;
    }
    if (!sema_check_identifier(S, d->name, d->name_span, "morphology name") || !sema_top_unique(S, d->name, d->name_span))
        return;
    if (find_morph(S, d->name)) {
        diag_error(S->D, d->name_span, "morphology '%.*s' is already defined", (int)d->name.n, d->name.z);
        return;
    }
    Morph *m = arena_alloc(S->A, sizeof *m);
    memset(m, 0, sizeof *m);
    m->name = ident_dup(S->A, d->name);
    m->span = d->name_span;
    for (int k = 0; k < d->nitems; k++) {
        Item *it = d->items[k];
        const char *path = it->name.n ? ident_dup(S->A, it->name) : "";
        if (k == 0 && ident_eq(it->key, "swc")) {
            if (it->nargs != 1 || it->args[0].name.n || it->args[0].value->kind != N_STR) {
                diag_error(S->D, it->span, "swc takes the file name as a string: swc(\"cell.swc\")");
                return;
            }
            const char *file = ident_dup(S->A, it->args[0].value->name);
            const char *err = morph_read_swc(S->A, m, sema_model_path(S, file), it->args[0].value->span);
            if (err) {
                diag_error(S->D, it->args[0].value->span, "%s", err);
                return;
            }
            continue;
        }
        int parent = -1;
        if (k > 0) {
            if (morph_find(m, path) >= 0) {
                diag_error(S->D, it->name_span, "section '%s' is already defined", path);
                return;
            }
            const char *dot = strrchr(path, '.');
            const char *ppath = dot ? arena_strndup(S->A, path, (size_t)(dot - path)) : "";
            parent = morph_find(m, ppath);
            if (parent < 0) {
                diag_error(S->D, it->name_span, "there is no section '%s' to attach '%s' to (define it on an earlier line)",
                           ppath, path);
                return;
            }
        }
        MorphArgs a;
        if (!section_args(S, it, &a)) return;
        morph_add(S->A, m, path, it->span, parent, &a);
    }
    /* the geometry is written into the generated code, one value per
     * compartment and variable: keep that within what compiles quickly */
    long total = 0;
    for (int k = 0; k < m->nsecs; k++) total += m->secs[k].n;
    if (total > MORPH_MAX_COMPARTMENTS) {
        diag_error(S->D, d->name_span, "morphology %s has %ld compartments; snnc takes at most %d", m->name, total,
                   MORPH_MAX_COMPARTMENTS);
        return;
    }
    pvec_push(S->A, &S->morphs, m);
}

/* ---- spatialneurons ---- */

static Node *name_node(Sema *S, const char *z, Span sp)
{
    return ast_name(S->A, ident_cstr(arena_strdup(S->A, z)), sp);
}

/* The unit num/den**p (den NULL: num alone) as an expression. */
static Node *unit_node(Sema *S, const char *num, const char *den, int p, Span sp)
{
    Node *u = name_node(S, num, sp);
    if (!den) return u;
    Node *d = name_node(S, den, sp);
    if (p != 1) d = ast_bin(S->A, OP_POW, d, ast_num(S->A, p, true, sp), sp);
    return ast_bin(S->A, '/', u, d, sp);
}

/* A parameter 'name : unit' (constant if constant) for the model block. */
static Equation *param_eq(Sema *S, const char *name, Node *unit, bool constant, Span sp)
{
    Equation *e = arena_alloc(S->A, sizeof *e);
    memset(e, 0, sizeof *e);
    e->kind = EQ_PARAM;
    e->span = e->var_span = e->unit_span = sp;
    e->var = ident_cstr(arena_strdup(S->A, name));
    e->unit = unit;
    if (constant) {
        e->flags = arena_alloc(S->A, sizeof *e->flags);
        e->flags[0] = ident_cstr("constant");
        e->nflags = 1;
    }
    return e;
}

static Item *take_item(Decl *d, const char *key)
{
    for (int k = 0; k < d->nitems; k++)
        if (ident_eq(d->items[k]->key, key)) {
            Item *it = d->items[k];
            memmove(&d->items[k], &d->items[k + 1], sizeof *d->items * (size_t)(d->nitems - k - 1));
            d->nitems--;
            return it;
        }
    return NULL;
}

static Item *get_item(Decl *d, const char *key)
{
    for (int k = 0; k < d->nitems; k++)
        if (ident_eq(d->items[k]->key, key)) return d->items[k];
    return NULL;
}

/* What sema_spatial_finish needs of the declaration. */
typedef struct Pending {
    Decl  *decl;
    Morph *morph;
    double Ri;
} Pending;

bool sema_spatial_prepare(Sema *S, Decl *d)
{
    if (!ident_eq(d->keyword, "spatialneurons")) {
        diag_error(S->D, d->span, "'%.*s NAME(...) { ... }' is not known; a neuron group is written 'neurons NAME[N] "
                   "{ ... }', a multicompartment neuron 'spatialneurons NAME(morphology=M) { ... }'",
                   (int)d->keyword.n, d->keyword.z);
        return false;
    }
    if (!sema_check_identifier(S, d->name, d->name_span, "group name")) return false;
    Node *mref = NULL;
    for (int k = 0; k < d->nargs; k++) {
        if ((!d->args[k].name.n && k == 0) || ident_eq(d->args[k].name, "morphology")) mref = d->args[k].value;
        else {
            diag_error(S->D, d->args[k].span, "spatialneurons takes one argument, morphology=NAME");
            return false;
        }
    }
    if (!mref || mref->kind != N_NAME || mref->b) {
        diag_error(S->D, d->name_span, "spatialneurons %.*s needs its morphology: spatialneurons %.*s(morphology=M) { ... }",
                   (int)d->name.n, d->name.z, (int)d->name.n, d->name.z);
        return false;
    }
    Morph *m = find_morph(S, mref->name);
    if (!m) {
        diag_error(S->D, mref->span, "there is no morphology '%.*s' (declare it first: morphology %.*s = Soma(...))",
                   (int)mref->name.n, mref->name.z, (int)mref->name.n, mref->name.z);
        return false;
    }
    Item *model = get_item(d, "model");
    if (!model || model->kind != I_MODEL) {
        diag_error(S->D, d->name_span, "spatialneurons %.*s needs a model { } with the transmembrane current "
                   "'Im = ... : amp/meter**2'", (int)d->name.n, d->name.z);
        return false;
    }
    Equation *im = NULL;
    for (int k = 0; k < model->neqs; k++)
        if (model->eqs[k]->kind == EQ_SUBEXPR && ident_eq(model->eqs[k]->var, "Im")) im = model->eqs[k];
    if (!im) {
        diag_error(S->D, model->span, "the model of spatialneurons %.*s must define the transmembrane current per area, "
                   "'Im = ... : amp/meter**2'", (int)d->name.n, d->name.z);
        return false;
    }
    if (im->nflags) {
        diag_error(S->D, im->flag_spans ? im->flag_spans[0] : im->span, "the transmembrane current Im takes no flags");
        return false;
    }
    static const char *const own[] = { "v", "Cm", "Ic", "length", "distance", "diameter", "area", "volume",
                                       "r_length_1", "r_length_2", "x", "y", "z", "gtot__private", "I0__private",
                                       "time_constant", "space_constant" };
    for (int k = 0; k < model->neqs; k++) {
        Equation *e = model->eqs[k];
        for (size_t q = 0; q < sizeof own / sizeof *own && e->kind != EQ_STMT; q++)
            if (ident_eq(e->var, own[q])) {
                diag_error(S->D, e->var_span, "'%s' is a variable every spatialneurons group has (%s); remove it from "
                           "the model", own[q], q == 0 ? "the membrane potential" : q == 1 ? "set it with 'Cm: ...'" :
                           q == 2 ? "the capacitive current" : q < 13 ? "the compartments' geometry" : q < 15 ? "the cable solver's" :
                           "Brian2's time and space constants");
                return false;
            }
        for (int f = 0; f < e->nflags; f++) {
            if (!ident_eq(e->flags[f], "point current")) continue;
            Scope sc = { .S = S };
            Node *u = ast_copy(S->A, e->unit);
            if (e->kind == EQ_STMT || !sema_check_expr(&sc, u)) return false;
            if (!dim_eq(u->dim, unit_dim("amp"))) {
                diag_error(S->D, e->unit_span, "a point current must be in amp, but '%.*s' is declared as %s",
                           (int)e->var.n, e->var.z, sema_dimword(S, u->dim));
                return false;
            }
        }
    }
    Pending *p = arena_alloc(S->A, sizeof *p);
    memset(p, 0, sizeof *p);
    p->decl = d;
    p->morph = m;
    /* point currents: I/area joins Im, and the flag goes (Brian2's rule) */
    for (int k = 0; k < model->neqs; k++) {
        Equation *e = model->eqs[k];
        for (int f = 0; f < e->nflags; f++) {
            if (!ident_eq(e->flags[f], "point current")) continue;
            Span fs = e->flag_spans ? e->flag_spans[f] : e->span;
            im->expr = ast_bin(S->A, '+', im->expr,
                               ast_bin(S->A, '/', ast_name(S->A, e->var, fs), name_node(S, "area", fs), fs), im->expr->span);
            memmove(&e->flags[f], &e->flags[f + 1], sizeof *e->flags * (size_t)(e->nflags - f - 1));
            if (e->flag_spans) memmove(&e->flag_spans[f], &e->flag_spans[f + 1], sizeof *e->flag_spans * (size_t)(e->nflags - f - 1));
            e->nflags--;
            f--;
        }
    }
    /* the variables Brian2's SpatialNeuron adds */
    Span sp = d->name_span;
    bool coords = m->nsecs > 0;     /* x, y, z where every section has them */
    for (int k = 0; k < m->nsecs; k++) coords &= m->secs[k].x != NULL;
    Equation *add[16];
    int nadd = 0;
    add[nadd++] = param_eq(S, "v", unit_node(S, "volt", NULL, 1, sp), false, sp);
    static const char *const geo[] = { "length", "distance", "diameter", "r_length_1", "r_length_2" };
    for (size_t k = 0; k < sizeof geo / sizeof *geo; k++) add[nadd++] = param_eq(S, geo[k], unit_node(S, "meter", NULL, 1, sp), true, sp);
    add[nadd++] = param_eq(S, "area", ast_bin(S->A, OP_POW, name_node(S, "meter", sp), ast_num(S->A, 2, true, sp), sp), true, sp);
    add[nadd++] = param_eq(S, "volume", ast_bin(S->A, OP_POW, name_node(S, "meter", sp), ast_num(S->A, 3, true, sp), sp), true, sp);
    if (coords)
        for (int k = 0; k < 3; k++) add[nadd++] = param_eq(S, (const char *[]){ "x", "y", "z" }[k], unit_node(S, "meter", NULL, 1, sp), true, sp);
    add[nadd++] = param_eq(S, "Cm", unit_node(S, "farad", "meter", 2, sp), true, sp);
    add[nadd++] = param_eq(S, "Ic", unit_node(S, "amp", "meter", 2, sp), false, sp);
    add[nadd++] = param_eq(S, "gtot__private", unit_node(S, "siemens", "meter", 2, sp), false, sp);
    add[nadd++] = param_eq(S, "I0__private", unit_node(S, "amp", "meter", 2, sp), false, sp);
    Equation **eqs = arena_alloc(S->A, sizeof *eqs * (size_t)(model->neqs + nadd));
    if (model->neqs) memcpy(eqs, model->eqs, sizeof *eqs * (size_t)model->neqs);
    memcpy(eqs + model->neqs, add, sizeof *eqs * (size_t)nadd);
    model->eqs = eqs;
    model->neqs += nadd;
    /* Cm (per compartment, an initial value before the model's own) and Ri */
    Item *cm = take_item(d, "Cm"), *ri = take_item(d, "Ri");
    Node *cmv = cm && cm->kind == I_EXPR ? cm->expr
                : ast_bin(S->A, '*', ast_num(S->A, 0.9, false, sp), unit_node(S, "uF", "cm", 2, sp), sp);
    Stmt *st = arena_alloc(S->A, sizeof *st);
    memset(st, 0, sizeof *st);
    st->span = cm ? cm->span : sp;
    st->var = ident_cstr("Cm");
    st->var_span = st->span;
    st->op = '=';
    st->expr = cmv;
    Item *init = get_item(d, "init");
    if (!init) {
        init = arena_alloc(S->A, sizeof *init);
        memset(init, 0, sizeof *init);
        init->kind = I_STMTS;
        init->key = ident_cstr("init");
        init->span = sp;
        d->items = arena_append(S->A, d->items, d->nitems, sizeof *d->items);
        d->items[d->nitems++] = init;
    }
    if (init->kind == I_STMTS) {
        Stmt **v = arena_alloc(S->A, sizeof *v * (size_t)(init->stmts.n + 1));
        v[0] = st;
        if (init->stmts.n) memcpy(v + 1, init->stmts.v, sizeof *v * (size_t)init->stmts.n);
        init->stmts.v = v;
        init->stmts.n++;
    }
    p->Ri = 1.5;            /* Brian2's default, 150*ohm*cm */
    if (ri && ri->kind == I_EXPR) {
        Dim ohm_m = dim_mul(unit_dim("ohm"), unit_dim("meter"));
        int cnt;
        double *v = arg_values(S, ri->expr, ohm_m, &cnt, "the axial resistivity Ri", "ohm*meter");
        if (!v) return false;
        if (cnt != 1 || !(v[0] > 0)) {
            diag_error(S->D, ri->expr->span, "the axial resistivity Ri must be one positive value");
            return false;
        }
        p->Ri = v[0];
    }
    /* Brian2's time_constant = Cm/gtot and space_constant (of the
     * conductance of the last step) */
    {
        Node *n2 = ast_num(S->A, 2, true, sp);
        Node *ri = ast_bin(S->A, '*', ast_num(S->A, p->Ri, false, sp),
                           ast_bin(S->A, '*', name_node(S, "ohm", sp), name_node(S, "meter", sp), sp), sp);
        Node *third = ast_bin(S->A, '/', ast_num(S->A, 1, false, sp), ast_num(S->A, 3, false, sp), sp);
        Node *sixth = ast_bin(S->A, '/', ast_num(S->A, 1, false, sp), ast_num(S->A, 6, false, sp), sp);
        Node *half = ast_bin(S->A, '/', ast_num(S->A, 1, false, sp), ast_num(S->A, 2, false, sp), sp);
        Node *geo = ast_bin(S->A, '/', name_node(S, "area", sp),
                            ast_bin(S->A, '+', ast_bin(S->A, '/', ast_num(S->A, 1, true, sp), name_node(S, "r_length_1", sp), sp),
                                    ast_bin(S->A, '/', ast_num(S->A, 1, true, sp), name_node(S, "r_length_2", sp), sp), sp), sp);
        Node *num = ast_bin(S->A, '*', ast_bin(S->A, OP_POW, ast_bin(S->A, '/', n2, name_node(S, "pi", sp), sp), third, sp),
                            ast_bin(S->A, OP_POW, geo, sixth, sp), sp);
        Node *den = ast_bin(S->A, '*', ast_num(S->A, 2, true, sp),
                            ast_bin(S->A, OP_POW, ast_bin(S->A, '*', ri, name_node(S, "gtot__private", sp), sp), half, sp), sp);
        Equation *tc = param_eq(S, "time_constant", name_node(S, "second", sp), false, sp);
        tc->kind = EQ_SUBEXPR;
        tc->expr = ast_bin(S->A, '/', name_node(S, "Cm", sp), name_node(S, "gtot__private", sp), sp);
        Equation *sc = param_eq(S, "space_constant", name_node(S, "meter", sp), false, sp);
        sc->kind = EQ_SUBEXPR;
        sc->expr = ast_bin(S->A, '/', num, den, sp);
        Equation **eqs2 = arena_alloc(S->A, sizeof *eqs2 * (size_t)(model->neqs + 2));
        memcpy(eqs2, model->eqs, sizeof *eqs2 * (size_t)model->neqs);
        eqs2[model->neqs++] = tc;
        eqs2[model->neqs++] = sc;
        model->eqs = eqs2;
    }
    /* threshold_location: the threshold holds only in that compartment */
    Item *loc = take_item(d, "threshold_location"), *th = get_item(d, "threshold");
    if (loc && loc->kind == I_EXPR) {
        int cnt;
        double *v = arg_values(S, loc->expr, DIM_NONE, &cnt, "threshold_location", "1 (a compartment index)");
        if (!v) return false;
        int ncomp = 0;
        for (int k = 0; k < m->nsecs; k++) ncomp += m->secs[k].n;
        if (cnt != 1 || v[0] != floor(v[0]) || v[0] < 0 || v[0] >= ncomp) {
            diag_error(S->D, loc->expr->span, "threshold_location must be one compartment index from 0 to %d", ncomp - 1);
            return false;
        }
        if (!th || th->kind != I_EXPR) {
            diag_error(S->D, loc->span, "threshold_location needs a threshold");
            return false;
        }
        Node *is = ast_bin(S->A, OP_EQ, name_node(S, "i", loc->span), ast_num(S->A, v[0], true, loc->expr->span), loc->span);
        Node *both = ast_bin(S->A, 0, th->expr, is, th->expr->span);
        both->kind = N_AND;
        th->expr = both;
    }
    int ncomp = 0;
    for (int k = 0; k < m->nsecs; k++) ncomp += m->secs[k].n;
    d->expr = ast_num(S->A, ncomp, true, d->name_span);
    d->keyword = ident_cstr("neurons");
    pvec_push(S->A, &S->pending_spatial, p);
    return true;
}

static void prepend_init(Sema *S, Group *g, Sym *var, const double *vals, int n, Span sp)
{
    if (!var) return;
    InitVal iv = { .var = var, .nlist = n, .span = sp };
    iv.list = arena_alloc(S->A, sizeof(double) * (size_t)(n + 1));
    memcpy(iv.list, vals, sizeof(double) * (size_t)n);
    InitVal *v = arena_alloc(S->A, sizeof *v * (size_t)(g->ninits + 1));
    v[0] = iv;
    if (g->ninits) memcpy(v + 1, g->inits, sizeof *v * (size_t)g->ninits);
    g->inits = v;
    g->ninits++;
}

static Sym *var_of(Group *g, const char *name)
{
    return sema_group_lookup(g, name, strlen(name));
}

void sema_spatial_finish(Sema *S, Decl *d)
{
    Pending *p = NULL;
    for (int k = 0; k < S->pending_spatial.n; k++)
        if (((Pending *)S->pending_spatial.v[k])->decl == d) p = S->pending_spatial.v[k];
    Group *g = sema_find_group(S, d->name);
    if (!p || !g || S->D->nerr) return;
    Cable *c = morph_flatten(S->A, p->morph);
    c->Ri = p->Ri;
    c->v = var_of(g, "v"), c->Cm = var_of(g, "Cm"), c->area_var = var_of(g, "area");
    c->r1_var = var_of(g, "r_length_1"), c->r2_var = var_of(g, "r_length_2");
    c->gtot = var_of(g, "gtot__private"), c->I0 = var_of(g, "I0__private"), c->Ic = var_of(g, "Ic");
    c->Im = var_of(g, "Im");
    if (!c->v || !c->Cm || !c->area_var || !c->r1_var || !c->r2_var || !c->gtot || !c->I0 || !c->Ic || !c->Im) return;
    /* geometry first, so the model's own initial values may read it */
    Span sp = d->name_span;
    if (c->x) {
        prepend_init(S, g, var_of(g, "z"), c->z, c->n, sp);
        prepend_init(S, g, var_of(g, "y"), c->y, c->n, sp);
        prepend_init(S, g, var_of(g, "x"), c->x, c->n, sp);
    }
    prepend_init(S, g, var_of(g, "volume"), c->volume, c->n, sp);
    prepend_init(S, g, var_of(g, "r_length_2"), c->r_length_2, c->n, sp);
    prepend_init(S, g, var_of(g, "r_length_1"), c->r_length_1, c->n, sp);
    prepend_init(S, g, var_of(g, "diameter"), c->diameter, c->n, sp);
    prepend_init(S, g, var_of(g, "area"), c->area, c->n, sp);
    prepend_init(S, g, var_of(g, "distance"), c->distance, c->n, sp);
    prepend_init(S, g, var_of(g, "length"), c->length, c->n, sp);
    g->cable = c;
}
