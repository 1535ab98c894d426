/* SPDX-License-Identifier: MIT */
/* This file contains the checking of expressions: name resolution (group
 * variables, _pre/_post views, built-ins, constants, units, functions) and
 * the dimension and type rules of every operator and function, as Brian2's
 * parse_expression_dimensions has them (the functions' rules are in
 * functions.c).  Of the sema files it calls only sema_util.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "sema_int.h"
#include "functions.h"
#include "symbolic.h"

/* Constants that are not units: Brian2's pi, e, inf, True, False. */
static const struct { const char *name; double value; int type; } named_numbers[] = {
    { "pi", 3.141592653589793, TY_FLOAT }, { "e", 2.718281828459045, TY_FLOAT },
    { "inf", INFINITY, TY_FLOAT }, { "True", 1, TY_BOOL }, { "False", 0, TY_BOOL },
};

/* ====================================================================
 * Name resolution
 * ==================================================================== */

static Node *view_expr(Sema *S, const Node *n, int side, bool syn);

/* A view of a neuron variable from synapse code: side 1 = _pre, 2 = _post.
 * A subexpression's view reads the group's names through the same side
 * (eps_pre with eps = (a - b)/k is (a_pre - b_pre)/k). */
static Sym *side_view(Sema *S, Sym *base, int side)
{
    Sym *v = arena_alloc(S->A, sizeof *v);
    *v = *base;
    v->side = side;
    v->base = base;
    bool syn = base->owner && base->owner->kind == G_SYNAPSES;
    if (base->kind == SYM_SUBEXPR && base->expr && side) v->expr = view_expr(S, base->expr, side, syn);
    return v;
}

/* A copy of a group's expression as seen from side 1 (_pre) or 2 (_post) of
 * a synapse: its variables and subexpressions become views, and i and N
 * name that side's neuron index and group size (syn: the expression is a
 * synapse group's, seen from synapses on synapses: its i and j become the
 * viewed synapse's, and its own _pre/_post names are two links away). */
static Node *view_expr(Sema *S, const Node *n, int side, bool syn)
{
    if (!n) return NULL;
    Node *c = arena_alloc(S->A, sizeof *c);
    *c = *n;
    Sym *s = n->kind == N_NAME ? n->sym : NULL;
    if (s && syn && (s->side || (s->kind == SYM_BUILTIN && s->builtin != B_T && s->builtin != B_DT &&
                                 s->builtin != B_I && s->builtin != B_J && s->builtin != B_N))) {
        diag_error(S->D, n->span, "'%s' in a subexpression of synapses read through synapses on synapses: snnc "
                   "does not follow two _pre/_post links; make it a variable of those synapses",
                   sema_spantext(S, n->span));
    } else if (s && syn && s->kind == SYM_BUILTIN) c->sym = sema_synsyn_view_builtin(S, s, side);
    else if (s && !s->side && (s->kind == SYM_VAR || s->kind == SYM_SUBEXPR)) c->sym = side_view(S, s, side);
    else if (s && s->kind == SYM_BUILTIN && s->builtin == B_I && side == 2) c->sym = model_builtin(S->M, B_J);
    else if (s && s->kind == SYM_BUILTIN && s->builtin == B_N)
        c->sym = model_builtin(S->M, side == 1 ? B_N_PRE : B_N_POST);
    c->a = view_expr(S, n->a, side, syn);
    c->b = view_expr(S, n->b, side, syn);
    if (n->nargs) {
        c->args = arena_alloc(S->A, sizeof *c->args * (size_t)n->nargs);
        for (int k = 0; k < n->nargs; k++) c->args[k] = view_expr(S, n->args[k], side, syn);
    }
    return c;
}

static Sym *unit_sym(Sema *S, const char *name, size_t n)
{
    for (size_t k = 0; k < sizeof named_numbers / sizeof *named_numbers; k++)
        if (strlen(named_numbers[k].name) == n && !memcmp(named_numbers[k].name, name, n)) {
            Sym *s = arena_alloc(S->A, sizeof *s);
            s->kind = SYM_UNIT;
            s->name = named_numbers[k].name;
            s->value = named_numbers[k].value;
            s->type = (uint8_t)named_numbers[k].type;
            return s;
        }
    const UnitDef *u = units_lookup(name, n);
    if (!u) return NULL;
    Sym *s = arena_alloc(S->A, sizeof *s);
    s->kind = SYM_UNIT;
    s->name = u->name;
    s->value = u->scale;
    s->dim = u->dim;
    return s;
}

/* Every name visible in a scope, for "did you mean" suggestions. */
static void suggest_names(Scope *sc, PVec *out)
{
    Sema *S = sc->S;
    for (int k = 0; k < sc->temps.n; k++) pvec_push(S->A, out, (void *)((Sym *)sc->temps.v[k])->name);
    Group *gs[3] = { sc->g, sc->g ? sc->g->src : NULL, sc->g ? sc->g->tgt : NULL };
    const char *suffix[3] = { "", "_pre", "_post" };
    for (int m = 0; m < 3; m++) {
        Group *g = gs[m];
        if (!g) continue;
        for (int k = 0; k < g->nvars; k++)
            pvec_push(S->A, out, arena_printf(S->A, "%s%s", g->vars[k]->name, suffix[m]));
        for (int k = 0; k < g->nsubexprs; k++)
            pvec_push(S->A, out, arena_printf(S->A, "%s%s", g->subexprs[k]->name, suffix[m]));
    }
    for (int k = 0; k < S->consts.n; k++) pvec_push(S->A, out, (void *)((Sym *)S->consts.v[k])->name);
    static const char *const common[] = { "t", "dt", "i", "N", "mV", "ms", "nS", "pF", "nA", "pA",
                                          "volt", "amp", "siemens", "farad", "second", "Hz", "ohm" };
    for (size_t k = 0; k < sizeof common / sizeof *common; k++) pvec_push(S->A, out, (void *)common[k]);
}

/* Resolve a name used in an expression; NULL (with an error) if unknown. */
Sym *sema_resolve(Scope *sc, Ident id, Span sp)
{
    Sema *S = sc->S;
    Group *g = sc->g;
    for (int k = sc->temps.n - 1; k >= 0; k--) {
        Sym *t = sc->temps.v[k];
        if (ident_eq(id, t->name)) return t;
    }
    for (int k = 0; k < sc->nparams; k++)
        if (ident_eq(id, sc->params[k]->name)) return sc->params[k];
    bool count = g && g->kind == G_SYNAPSES && (ident_eq(id, "N_incoming") || ident_eq(id, "N_outgoing"));
    if (count && sc->connect) {
        diag_error(S->D, sp, "'%.*s' counts the synapses that connect() is making, so a connection rule cannot "
                   "use it (Brian2 refuses this too)", (int)id.n, id.z);
        return NULL;
    }
    if (count) return sema_synapse_count(S, g, id.z[2] == 'i' ? VR_N_INCOMING : VR_N_OUTGOING);
    Sym *s = sema_group_lookup(g, id.z, id.n);
    if (s) return s;
    if (g && g->kind == G_SYNAPSES) {
        if (sema_synsyn_resolve(sc, id, sp, &s)) return s;
        if (sema_ends_with(id.z, id.n, "_pre") && (s = sema_group_lookup(g->src, id.z, id.n - 4)))
            return side_view(S, s, 1);
        if (sema_ends_with(id.z, id.n, "_post") && (s = sema_group_lookup(g->tgt, id.z, id.n - 5)))
            return side_view(S, s, 2);
        if ((s = sema_group_lookup(g->tgt, id.z, id.n))) return side_view(S, s, 2);
    }
    if (ident_eq(id, "t")) return model_builtin(S->M, B_T);
    if (ident_eq(id, "dt")) return model_builtin(S->M, B_DT);
    if (g) {
        if (ident_eq(id, "i")) return model_builtin(S->M, B_I);
        if (ident_eq(id, "N") && g->kind == G_SYNAPSES && (s = sema_const_lookup(S, "N", 1))) {
            /* Brian2 resolves it so too, with a warning, and then connects
             * every pair to j = 0 in (i + k) % N: a plausible wrong network */
            diag_error(S->D, sp, "in synapses %s, 'N' is the number of synapses (as in Brian2), not the constant "
                       "N; write N_pre or N_post for the size of the source or target group (or rename the constant)", g->name);
            diag_note(S->D, s->span, "the constant N is defined here");
            return NULL;
        }
        if (ident_eq(id, "N")) return model_builtin(S->M, B_N);
        if (g->kind == G_SYNAPSES) {
            if (ident_eq(id, "j")) return model_builtin(S->M, B_J);
            if (ident_eq(id, "N_pre")) return model_builtin(S->M, B_N_PRE);
            if (ident_eq(id, "N_post")) return model_builtin(S->M, B_N_POST);
        }
        if (ident_eq(id, "xi") || (id.n > 3 && !memcmp(id.z, "xi_", 3))) {
            if (!sc->ode) {
                diag_error(S->D, sp, "noise '%.*s' may only appear in a differential equation",
                           (int)id.n, id.z);
                return NULL;
            }
            Sym *x = side_view(S, model_builtin(S->M, B_XI), 0);
            x->name = ident_dup(S->A, id);
            x->base = model_builtin(S->M, B_XI);
            return x;
        }
    }
    if ((s = sema_const_lookup(S, id.z, id.n))) return s;
    if ((s = unit_sym(S, id.z, id.n))) return s;
    if (sema_failed_name(S, id)) return NULL;
    PVec cands = { 0 };
    suggest_names(sc, &cands);
    const char *name = ident_dup(S->A, id);
    const char *sug = diag_suggest(name, (const char *const *)cands.v, cands.n);
    Sym *fn = sema_userfunc_lookup(S, id);
    if (fn && fn->kind == SYM_TIMEDARRAY)
        diag_error(S->D, sp, "'%s' is a timedarray: call it with the time, %s(t) (or %s(t, i) with a column per "
                   "neuron)", name, name, name);
    else if (fn)
        diag_error(S->D, sp, "'%s' is a function: call it, %s(...)", name, name);
    else if (ident_eq(id, "i") || ident_eq(id, "N"))
        diag_error(S->D, sp, "'%s' is only defined inside a group", name);
    else if (ident_eq(id, "lastupdate"))
        diag_error(S->D, sp, "'lastupdate' exists only in synapses: made for those with event-driven equations, "
                   "declared by the others ('lastupdate : second')");
    else if ((ident_eq(id, "lastspike") || ident_eq(id, "not_refractory")) && g && g->kind == G_NEURONS)
        diag_error(S->D, sp, "'%s' exists only in a group with 'refractory:' (add e.g. 'refractory: 0*ms' "
                   "to %s)", name, g->name);
    else if (ident_eq(id, "lastspike") || ident_eq(id, "not_refractory"))
        diag_error(S->D, sp, "'%s' exists only in a neuron group with 'refractory:'", name);
    else if (sug)
        diag_error(S->D, sp, "unknown name '%s'; did you mean '%s'?", name, sug);
    else if (g)
        diag_error(S->D, sp, "unknown name '%s' (not a variable of %s, a constant or a built-in; define it "
                   "with '%s = ...' before %s or '%s : ...' in its model)", name, g->name, name, g->name, name);
    else
        diag_error(S->D, sp, "unknown name '%s' (not a constant or a built-in; define it with '%s = ...' "
                   "before its use)", name, name);
    return NULL;
}

/* ====================================================================
 * Expressions: dimensions and types
 * ==================================================================== */

/* Fold n to its value; with every_function, every deterministic built-in
 * function is evaluated (constant declarations), else only the ones the
 * function table marks as folding (units and generated code). */
static bool const_value(const Node *n, double *out, bool every_function)
{
    double a, b;
    switch (n->kind) {
    case N_NUM: *out = n->num; return true;
    case N_NAME:
        if (every_function && n->sym && n->sym->kind == SYM_BUILTIN && n->sym->builtin == B_DT) {
            *out = n->sym->value;
            return true;
        }
        if (!n->sym || (n->sym->kind != SYM_CONST && n->sym->kind != SYM_UNIT)) return false;
        *out = n->sym->value;
        return true;
    case N_NEG:
        if (!const_value(n->a, &a, every_function)) return false;
        *out = -a;
        return true;
    case N_NOT:
        if (!const_value(n->a, &a, every_function)) return false;
        *out = !a;
        return true;
    case N_AND: case N_OR:
        if (!const_value(n->a, &a, every_function) || !const_value(n->b, &b, every_function)) return false;
        *out = n->kind == N_AND ? (a && b) : (a || b);
        return true;
    case N_CMP:
        if (!const_value(n->a, &a, every_function) || !const_value(n->b, &b, every_function)) return false;
        switch (n->op) {
        case '<': *out = a < b; return true;
        case '>': *out = a > b; return true;
        case OP_LE: *out = a <= b; return true;
        case OP_GE: *out = a >= b; return true;
        case OP_EQ: *out = a == b; return true;
        case OP_NE: *out = a != b; return true;
        }
        return false;
    case N_BIN:
        if (!const_value(n->a, &a, every_function) || !const_value(n->b, &b, every_function)) return false;
        switch (n->op) {
        case '+': *out = a + b; return true;
        case '-': *out = a - b; return true;
        case '*': *out = a * b; return true;
        case '/': *out = a / b; return true;
        case '%': *out = a - floor(a / b) * b; return true;
        case OP_FLOORDIV: *out = floor(a / b); return true;
        case OP_POW: *out = pow(a, b); return true;
        }
        return false;
    case N_CALL: {
        if (!n->sym || n->sym->kind != SYM_FUNC) return false;
        const FuncDef *f = func_def(n->sym->builtin);
        double x[3];
        if (!f->eval || n->nargs != f->arity || n->nargs > 3 || (!every_function && (!f->folds || n->nargs != 1)))
            return false;
        for (int k = 0; k < n->nargs; k++)
            if (!const_value(n->args[k], &x[k], every_function)) return false;
        *out = f->eval(x);
        return true;
    }
    }
    return false;
}

bool sema_const_value(const Node *n, double *out)
{
    return const_value(n, out, false);
}

bool sema_const_fold(const Node *n, double *out)
{
    return const_value(n, out, true);
}

/* Dimensionless argument check for a function call. */
static bool need_none(Scope *sc, Node *call, Node *arg)
{
    if (dim_is_none(arg->dim)) return true;
    diag_error_code(sc->S->D, DC_UNITS, arg->span, "function '%s' needs a dimensionless argument, but '%s' has unit %s",
               call->sym->name, sema_spantext(sc->S, arg->span), sema_dimstr(sc->S, arg->dim));
    return false;
}

/* A call of a timedarray: ta(t) or ta(t, i). */
bool sema_check_timedarray_call(Scope *sc, Node *n, Sym *ta)
{
    Sema *S = sc->S;
    int want = ta->cols ? 2 : 1;
    if (n->nargs != want) {
        diag_error(S->D, n->span, "'%s' takes %s", ta->name, want == 2 ? "(t, i)" : "(t)");
        return false;
    }
    for (int k = 0; k < n->nargs; k++)
        if (!sema_check_expr(sc, n->args[k])) return false;
    if (!dim_eq(n->args[0]->dim, DIM_SECOND)) {
        diag_error(S->D, n->args[0]->span, "the first argument of '%s' is a time, not %s", ta->name,
                   sema_dimstr(S, n->args[0]->dim));
        return false;
    }
    if (want == 2 && !dim_is_none(n->args[1]->dim)) {
        diag_error(S->D, n->args[1]->span, "the second argument of '%s' is a neuron index", ta->name);
        return false;
    }
    n->sym = ta;
    n->dim = ta->dim;
    n->type = TY_FLOAT;
    return true;
}

/* The symbol of a library function (symbolic.h), made on first use and kept
 * with the user functions so that its C code is emitted once; NULL for
 * LIB_NONE. */
static Sym *lib_func(Sema *S, int lib)
{
    if (lib == LIB_NONE) return NULL;
    const FuncDef *def = func_lib_def(lib);
    bool time = def->units == FU_TIME;
    Sym *f = sema_new_sym(S, SYM_USERFUNC, ident_cstr(def->name), (Span){ -1, -1 });
    f->builtin = lib;
    f->nparams = def->arity;
    f->params = arena_alloc(S->A, sizeof *f->params * (size_t)(f->nparams + 1));
    for (int k = 0; k < f->nparams; k++) {
        f->params[k] = sema_new_sym(S, SYM_PARAM, ident_cstr(def->params[k]), f->span);
        f->params[k]->dim = time ? DIM_SECOND : DIM_NONE;
    }
    f->type = time ? TY_INT : TY_FLOAT;
    pvec_push(S->A, &S->funcs, f);
    return f;
}

static bool check_call(Scope *sc, Node *n)
{
    Sema *S = sc->S;
    int fn = func_lookup(n->name.z, n->name.n);
    Sym *uf = fn < 0 ? sema_userfunc_lookup(S, n->name) : NULL;
    if (uf && uf->kind == SYM_TIMEDARRAY) return sema_check_timedarray_call(sc, n, uf);
    if (fn < 0 && !uf) uf = lib_func(S, sym_lib_lookup(n->name.z, n->name.n));
    if (fn < 0 && !uf && sema_failed_name(S, n->name)) return false;
    if (fn < 0 && !uf) {
        /* suggestions: the built-ins, the library and the user functions */
        int cap = FN_COUNT + LIB_COUNT + S->funcs.n;
        const char **names = arena_alloc(S->A, sizeof *names * (size_t)cap);
        int nn = 0;
        for (int k = 0; k < FN_COUNT; k++) names[nn++] = model_func_name(k);
        for (int k = 1; k < LIB_COUNT; k++) names[nn++] = sym_lib_name(k);
        for (int k = 0; k < S->funcs.n; k++) names[nn++] = ((Sym *)S->funcs.v[k])->name;
        const char *name = ident_dup(S->A, n->name);
        const char *sug = diag_suggest(name, names, nn);
        Span nsp = { n->span.start, n->span.start + (int)n->name.n };
        if (!strcmp(name, "round"))
            diag_error(S->D, nsp, "'round' is not a built-in function (nor is it in Brian2's equations); "
                       "use int(x), floor(x) or ceil(x)");
        else if (sug) diag_error(S->D, nsp, "unknown function '%s'; did you mean '%s'?", name, sug);
        else diag_error(S->D, nsp, "unknown function '%s' (define it before use: '%s(x) = ...')", name, name);
        return false;
    }
    bool ok = true;
    for (int k = 0; k < n->nargs; k++) ok &= sema_check_expr(sc, n->args[k]);
    int want = uf ? uf->nparams : func_def(fn)->arity;
    if (n->nargs != want) {
        diag_error(S->D, n->span, "function '%.*s' takes %d argument%s, %d given", (int)n->name.n,
                   n->name.z, want, want == 1 ? "" : "s", n->nargs);
        return false;
    }
    if (!ok) return false;
    if (uf) {
        n->sym = uf;
        bool dims_ok = true;
        for (int k = 0; k < n->nargs; k++)
            if (!dim_eq(n->args[k]->dim, uf->params[k]->dim)) {
                dims_ok = false;
                diag_error_code(S->D, DC_UNITS, n->args[k]->span, "argument %d of '%s' must have unit %s, but '%s' %s",
                           k + 1, uf->name, sema_dimstr(S, uf->params[k]->dim), sema_spantext(S, n->args[k]->span),
                           sema_hasunit(S, n->args[k]->dim));
                continue;
            }
        if (!dims_ok) return false;
        n->dim = uf->dim;
        n->type = uf->type;
        return true;
    }
    n->sym = model_func(S->M, fn);
    n->type = TY_FLOAT;
    switch (func_def(fn)->units) {
    case FU_SQRT:
        if (!dim_pow(n->args[0]->dim, 1, 2, &n->dim)) {
            diag_error_code(S->D, DC_UNITS, n->span, "sqrt of unit %s has no whole unit", sema_dimstr(S, n->args[0]->dim));
            return false;
        }
        return true;
    case FU_SAME:
        n->dim = n->args[0]->dim;
        n->type = n->args[0]->type == TY_INT ? TY_INT : TY_FLOAT;
        return true;
    case FU_SIGN:
        n->dim = DIM_NONE;
        return true;
    case FU_CLIP:
        for (int k = 1; k < 3; k++)
            if (!dim_eq(n->args[k]->dim, n->args[0]->dim)) {
                diag_error_code(S->D, DC_UNITS, n->args[k]->span, "the bounds of clip must have the unit of '%s' (%s), but '%s' %s",
                           sema_spantext(S, n->args[0]->span), sema_dimword(S, n->args[0]->dim),
                           sema_spantext(S, n->args[k]->span), sema_hasunit(S, n->args[k]->dim));
                return false;
            }
        n->dim = n->args[0]->dim;
        return true;
    case FU_INT:
        if (!need_none(sc, n, n->args[0])) return false;
        n->type = TY_INT;
        return true;
    case FU_RANDOM:
        n->dim = DIM_NONE;
        return true;
    default:
        n->dim = DIM_NONE;
        return need_none(sc, n, n->args[0]);
    }
}

static bool same_dims(Scope *sc, Node *n)
{
    if (dim_eq(n->a->dim, n->b->dim)) return true;
    Sema *S = sc->S;
    diag_error_code(S->D, DC_UNITS, n->span, "dimension mismatch in '%s': %s vs %s ('%s' is %s, '%s' is %s)",
               sema_spantext(S, n->span), sema_dimword(S, n->a->dim), sema_dimword(S, n->b->dim),
               sema_spantext(S, n->a->span), sema_dimword(S, n->a->dim), sema_spantext(S, n->b->span),
               sema_dimword(S, n->b->dim));
    return false;
}

static int arith_type(Node *n)
{
    return n->a->type != TY_FLOAT && n->b->type != TY_FLOAT ? TY_INT : TY_FLOAT;
}

/* Check an expression tree: resolve names, compute dimension and type. */
bool sema_check_expr(Scope *sc, Node *n)
{
    Sema *S = sc->S;
    n->checked = true;
    switch (n->kind) {
    case N_NUM:
        n->dim = DIM_NONE;
        n->type = n->is_int ? TY_INT : TY_FLOAT;
        return true;
    case N_STR: {
        /* a Brian2-style quoted expression: 'rand()*w_max' */
        Node *e = parse_expression(S->A, S->D, S->D->src, n->span.start + 1, (int)n->name.n);
        if (!e) return false;
        *n = *e;
        return sema_check_expr(sc, n);
    }
    case N_LIST:
        diag_error(S->D, n->span, "a list [...] is only allowed as an initial value");
        return false;
    case N_SUBGROUP:
        diag_error(S->D, n->span, "'%s' is a subgroup, which stands only where a group does (synapses, monitors, "
                   "inputs, links), not in an expression", sema_spantext(S, n->span));
        return false;
    case N_NAME: {
        if (n->b) {
            diag_error(S->D, n->span, "'%s' (group.variable) is only allowed in monitors",
                       sema_spantext(S, n->span));
            return false;
        }
        Sym *s = sema_resolve(sc, n->name, n->span);
        if (!s) return false;
        n->sym = s;
        n->dim = s->dim;
        n->type = s->type;
        return true;
    }
    case N_CALL:
        return check_call(sc, n);
    case N_NEG:
        if (!sema_check_expr(sc, n->a)) return false;
        n->dim = n->a->dim;
        n->type = n->a->type == TY_BOOL ? TY_INT : n->a->type;
        return true;
    case N_NOT:
        if (!sema_check_expr(sc, n->a)) return false;
        n->dim = DIM_NONE;
        n->type = TY_BOOL;
        if (n->a->type != TY_BOOL) {
            diag_error(S->D, n->a->span, "'not' needs a condition, but '%s' is a number",
                       sema_spantext(S, n->a->span));
            return false;
        }
        return true;
    case N_AND: case N_OR: {
        bool ok = sema_check_expr(sc, n->a);
        ok &= sema_check_expr(sc, n->b);
        if (!ok) return false;
        n->dim = DIM_NONE;
        n->type = TY_BOOL;
        for (Node *x = n->a; x; x = x == n->a ? n->b : NULL)
            if (x->type != TY_BOOL) {
                diag_error(S->D, x->span, "'%s' needs conditions on both sides, but '%s' is a number",
                           n->kind == N_AND ? "and" : "or", sema_spantext(S, x->span));
                return false;
            }
        return true;
    }
    case N_CMP: {
        bool ok = sema_check_expr(sc, n->a);
        ok &= sema_check_expr(sc, n->b);
        if (!ok || !same_dims(sc, n)) return false;
        n->dim = DIM_NONE;
        n->type = TY_BOOL;
        return true;
    }
    case N_BIN: {
        bool ok = sema_check_expr(sc, n->a);
        ok &= sema_check_expr(sc, n->b);
        if (!ok) return false;
        switch (n->op) {
        case '+': case '-': case '%':
            if (!same_dims(sc, n)) return false;
            n->dim = n->a->dim;
            n->type = (uint8_t)arith_type(n);
            return true;
        case '*':
            n->dim = dim_mul(n->a->dim, n->b->dim);
            n->type = (uint8_t)arith_type(n);
            return true;
        case '/':
            n->dim = dim_div(n->a->dim, n->b->dim);
            n->type = TY_FLOAT;
            return true;
        case OP_FLOORDIV:
            if (!same_dims(sc, n)) return false;
            n->dim = DIM_NONE;
            n->type = (uint8_t)arith_type(n);
            return true;
        case OP_POW: {
            if (!dim_is_none(n->b->dim)) {
                diag_error_code(S->D, DC_UNITS, n->b->span, "the exponent '%s' must be dimensionless, but has unit %s",
                           sema_spantext(S, n->b->span), sema_dimstr(S, n->b->dim));
                return false;
            }
            n->type = TY_FLOAT;
            if (dim_is_none(n->a->dim)) {
                n->dim = DIM_NONE;
                return true;
            }
            double p;
            if (!sema_const_value(n->b, &p)) {
                diag_error_code(S->D, DC_UNITS, n->b->span, "'%s' has unit %s, so its exponent must be a constant number, "
                           "not '%s'", sema_spantext(S, n->a->span), sema_dimstr(S, n->a->dim),
                           sema_spantext(S, n->b->span));
                return false;
            }
            for (int q = 1; q <= DIM_DEN; q++) {
                double pq = p * q;
                if (fabs(pq - nearbyint(pq)) < 1e-9 && dim_pow(n->a->dim, (int)nearbyint(pq), q, &n->dim))
                    return true;
            }
            diag_error_code(S->D, DC_UNITS, n->span, "cannot raise unit %s to the power %g", sema_dimstr(S, n->a->dim), p);
            return false;
        }
        }
        return false;
    }
    }
    return false;
}

/* Check expr and require dimension want; what names the place ("threshold"). */
bool sema_check_dim(Scope *sc, Node *n, Dim want, const char *what)
{
    if (!sema_check_expr(sc, n)) return false;
    if (dim_eq(n->dim, want)) return true;
    Sema *S = sc->S;
    diag_error_code(S->D, DC_UNITS, n->span, "%s must have unit %s, but '%s' %s", what, sema_dimstr(S, want),
               sema_spantext(S, n->span), sema_hasunit(S, n->dim));
    return false;
}

bool sema_check_cond(Scope *sc, Node *n, const char *what)
{
    if (!sema_check_expr(sc, n)) return false;
    if (n->type == TY_BOOL) return true;
    diag_error(sc->S->D, n->span, "%s must be a condition such as 'v > -50*mV', but '%s' is a %s", what,
               sema_spantext(sc->S, n->span), dim_is_none(n->dim) ? "number" : "quantity");
    return false;
}

bool sema_const_int(Sema *S, Node *e, const char *what, double *out)
{
    Scope sc = { .S = S };
    if (!sema_check_expr(&sc, e)) return false;
    if (!sema_const_value(e, out) || *out != floor(*out) || !dim_is_none(e->dim)) {
        diag_error(S->D, e->span, "%s must be a whole number, not '%s'", what, sema_spantext(S, e->span));
        return false;
    }
    return true;
}
