/* SPDX-License-Identifier: MIT */
/* This file contains the helpers every semantic-pass file uses: symbols,
 * dimension and source text for messages, lookups of constants, user
 * functions, groups and group variables, and the rules for new names.  It
 * calls no other sema file (see sema_int.h for the order of the files). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "functions.h"
#include "sema_int.h"

/* ====================================================================
 * Symbols and message text
 * ==================================================================== */

/* Names a model may not define: built-in variables, names the compiler
 * makes, keywords. */
static const char *const reserved_names[] = {
    "t", "dt", "i", "j", "N", "N_pre", "N_post", "xi", "not_refractory", "lastspike",
    "refractory", "refractory_until", "lastupdate", "delay", "t_in_timesteps", "N_incoming", "N_outgoing",
    "and", "or", "not", "run",
};

/* Names Brian2 refuses in equations besides those: Python's other keywords
 * and its constants (DEFAULT_CONSTANTS).  Constants and template parameters
 * may still use them (the NEST name lambda of stdp_synapse). */
static const char *const equation_reserved[] = {
    "False", "None", "True", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "pass",
    "raise", "return", "try", "while", "with", "yield", "pi", "e", "inf",
};

static bool equation_reserved_name(Ident id)
{
    for (size_t k = 0; k < sizeof equation_reserved / sizeof *equation_reserved; k++)
        if (ident_eq(id, equation_reserved[k])) return true;
    return false;
}

/* What a reserved name means, for messages (NULL: a keyword). */
static const char *reserved_meaning(Ident id)
{
    static const struct { const char *name, *meaning; } m[] = {
        { "t", "the current time" }, { "dt", "the time step" }, { "i", "the index of a neuron" },
        { "j", "the index of a synapse's target" }, { "N", "the size of the group" },
        { "N_pre", "the size of the source group" }, { "N_post", "the size of the target group" },
        { "xi", "the noise term" }, { "not_refractory", "made by 'refractory:'" },
        { "lastspike", "made by 'refractory:'" }, { "lastupdate", "made for event-driven synapses" },
        { "delay", "a synapse's delay" }, { "N_incoming", "the number of synapses onto a synapse's target" },
        { "N_outgoing", "the number of synapses from a synapse's source" }, { "refractory", "a group item" },
        { "pi", "the constant 3.14159..." }, { "e", "the constant 2.71828..." }, { "inf", "infinity" },
        { "True", "the boolean constant" }, { "False", "the boolean constant" },
    };
    for (size_t k = 0; k < sizeof m / sizeof *m; k++)
        if (ident_eq(id, m[k].name)) return m[k].meaning;
    return NULL;
}

Sym *sema_new_sym(Sema *S, int kind, Ident name, Span span)
{
    Sym *s = arena_alloc(S->A, sizeof *s);
    s->kind = kind;
    s->name = ident_dup(S->A, name);
    s->span = span;
    return s;
}

/* "volt", or "dimensionless" for numbers. */
const char *sema_dimword(Sema *S, Dim d)
{
    return dim_is_none(d) ? "dimensionless" : sema_dimstr(S, d);
}

/* "has unit volt", or "is dimensionless". */
const char *sema_hasunit(Sema *S, Dim d)
{
    return dim_is_none(d) ? "is dimensionless" : arena_printf(S->A, "has unit %s", sema_dimstr(S, d));
}

const char *sema_dimstr(Sema *S, Dim d)
{
    char buf[128];
    return arena_strdup(S->A, dim_name(d, buf, sizeof buf));
}

/* The source text of a span, for messages ("v + I"). */
const char *sema_spantext(Sema *S, Span sp)
{
    const Source *src = S->D->src;
    if (sp.start < 0 || sp.end > src->len || sp.end < sp.start) return "?";
    int n = sp.end - sp.start;
    if (n > 60) return arena_printf(S->A, "%.57s...", src->text + sp.start);
    return arena_strndup(S->A, src->text + sp.start, (size_t)n);
}

bool sema_is_reserved(Ident id)
{
    for (size_t k = 0; k < sizeof reserved_names / sizeof *reserved_names; k++)
        if (ident_eq(id, reserved_names[k])) return true;
    return false;
}

bool sema_is_subexpr(const Sym *s)
{
    return s && (s->kind == SYM_SUBEXPR || (s->kind == SYM_VAR && (s->flags & VF_CONSTANT_OVER_DT) && s->expr));
}

/* ====================================================================
 * Lookups
 * ==================================================================== */

Sym *sema_group_lookup(Group *g, const char *name, size_t n)
{
    if (!g) return NULL;
    for (int k = 0; k < g->nvars; k++)
        if (strlen(g->vars[k]->name) == n && !memcmp(g->vars[k]->name, name, n)) return g->vars[k];
    for (int k = 0; k < g->nsubexprs; k++)
        if (strlen(g->subexprs[k]->name) == n && !memcmp(g->subexprs[k]->name, name, n))
            return g->subexprs[k];
    return NULL;
}

Sym *sema_const_lookup(Sema *S, const char *name, size_t n)
{
    for (int k = S->consts.n - 1; k >= 0; k--) {
        Sym *c = S->consts.v[k];
        if (strlen(c->name) == n && !memcmp(c->name, name, n)) return c;
    }
    return NULL;
}

Sym *sema_userfunc_lookup(Sema *S, Ident id)
{
    for (int k = 0; k < S->funcs.n; k++)
        if (ident_eq(id, ((Sym *)S->funcs.v[k])->name)) return S->funcs.v[k];
    return NULL;
}

Group *sema_find_group(Sema *S, Ident id)
{
    for (int k = 0; k < S->groups.n; k++)
        if (ident_eq(id, ((Group *)S->groups.v[k])->name)) return S->groups.v[k];
    return NULL;
}

bool sema_failed_name(Sema *S, Ident id)
{
    for (int k = 0; k < S->failed.n; k++)
        if (ident_eq(id, S->failed.v[k])) return true;
    return false;
}

Group *sema_group_ref(Sema *S, Ident id, Span sp, int kind)
{
    Group *g = sema_find_group(S, id);
    if (g && g->kind == kind) return g;
    if (!g && sema_failed_name(S, id)) return NULL;
    PVec cands = { 0 };
    for (int k = 0; k < S->groups.n; k++)
        if (((Group *)S->groups.v[k])->kind == kind) pvec_push(S->A, &cands, (void *)((Group *)S->groups.v[k])->name);
    const char *name = ident_dup(S->A, id);
    const char *sug = diag_suggest(name, (const char *const *)cands.v, cands.n);
    if (g) diag_error(S->D, sp, "'%s' is not a neuron group", name);
    else if (sug) diag_error(S->D, sp, "unknown group '%s'; did you mean '%s'?", name, sug);
    else diag_error(S->D, sp, "unknown group '%s' (define it with 'neurons %s[N] { ... }' before use)", name, name);
    return NULL;
}

bool sema_ends_with(const char *z, size_t n, const char *suf)
{
    size_t m = strlen(suf);
    return n > m && !memcmp(z + n - m, suf, m);
}

void sema_add_to(Sema *S, Sym ***arr, int *n, Sym *s)
{
    *arr = arena_append(S->A, *arr, *n, sizeof **arr);
    (*arr)[(*n)++] = s;
}

/* ====================================================================
 * New names
 * ==================================================================== */

bool sema_check_identifier(Sema *S, Ident id, Span sp, const char *what)
{
    if (id.n && id.z[0] == '_') {
        diag_error(S->D, sp, "%s '%.*s' may not start with an underscore", what, (int)id.n, id.z);
        return false;
    }
    /* a constant may be called N (Brian2's examples write N = 1000); in a
     * group, N is still the group's size */
    bool const_n = !strcmp(what, "constant name") && ident_eq(id, "N");
    if ((sema_is_reserved(id) && !const_n) || (!strcmp(what, "variable name") && equation_reserved_name(id))) {
        const char *mean = reserved_meaning(id);
        if (mean)
            diag_error(S->D, sp, "'%.*s' is a reserved name and cannot be used as a %s (it is %s)", (int)id.n,
                       id.z, what, mean);
        else
            diag_error(S->D, sp, "'%.*s' is a reserved name and cannot be used as a %s", (int)id.n, id.z, what);
        return false;
    }
    if (id.n > 3 && !memcmp(id.z, "xi_", 3)) {
        diag_error(S->D, sp, "'%.*s' is reserved for noise terms", (int)id.n, id.z);
        return false;
    }
    if (units_lookup(id.z, id.n)) {
        diag_error(S->D, sp, "'%.*s' is a unit name and cannot be used as a %s", (int)id.n, id.z, what);
        return false;
    }
    if (func_lookup(id.z, id.n) >= 0 || func_lib_lookup(id.z, id.n) != LIB_NONE) {
        diag_error(S->D, sp, "'%.*s' is a built-in function and cannot be used as a %s", (int)id.n, id.z, what);
        return false;
    }
    return true;
}

/* Report a name defined twice at top level. */
bool sema_top_unique(Sema *S, Ident id, Span sp)
{
    Span prev = { -1, -1 };
    if (sema_const_lookup(S, id.z, id.n)) prev = sema_const_lookup(S, id.z, id.n)->span;
    for (int k = 0; k < S->groups.n && prev.start < 0; k++)
        if (ident_eq(id, ((Group *)S->groups.v[k])->name)) prev = ((Group *)S->groups.v[k])->span;
    for (int k = 0; k < S->monitors.n && prev.start < 0; k++)
        if (ident_eq(id, ((Monitor *)S->monitors.v[k])->name)) prev = ((Monitor *)S->monitors.v[k])->span;
    if (sema_userfunc_lookup(S, id)) prev = sema_userfunc_lookup(S, id)->span;
    for (int k = 0; k < S->subgroups.n && prev.start < 0; k++)
        if (ident_eq(id, ((SubDef *)S->subgroups.v[k])->name)) prev = ((SubDef *)S->subgroups.v[k])->span;
    if (prev.start < 0) return true;
    int line, col;
    source_linecol(S->D->src, prev.start, &line, &col);
    diag_error(S->D, sp, "'%.*s' is already defined (at line %d)", (int)id.n, id.z, line);
    return false;
}

/* The event of neuron group g called id: 0 for 'spike' (its threshold),
 * k for events[k-1]; -1 with an error at sp (what says who asks) naming the
 * events g has. */
int sema_event_index(Sema *S, Group *g, Ident id, Span sp, const char *what)
{
    if (ident_eq(id, "spike")) {
        if (g->threshold || g->generator || g->kind != G_NEURONS) return 0;
        diag_error(S->D, sp, "%s: %s has no 'spike' event (it has no threshold)", what, g->name);
        return -1;
    }
    for (int k = 0; k < g->nevents; k++)
        if (ident_eq(id, g->events[k].name)) return k + 1;
    const char **names = arena_alloc(S->A, sizeof *names * (size_t)(g->nevents + 2));
    Buf b;
    buf_init(&b, S->A);
    int n = 0;
    if (g->threshold) names[n++] = "spike";
    for (int k = 0; k < g->nevents; k++) names[n++] = g->events[k].name;
    for (int k = 0; k < n; k++) buf_printf(&b, "%s%s", k ? ", " : "", names[k]);
    const char *name = ident_dup(S->A, id);
    const char *sug = diag_suggest(name, names, n);
    if (sug) diag_error(S->D, sp, "%s: %s has no event '%s'; did you mean '%s'?", what, g->name, name, sug);
    else if (n) diag_error(S->D, sp, "%s: %s has no event '%s' (its events: %s)", what, g->name, name, b.p);
    else diag_error(S->D, sp, "%s: %s has no event '%s' (it defines none: write 'events { %s: condition }' "
                    "in %s)", what, g->name, name, name, g->name);
    return -1;
}

/* N_incoming / N_outgoing of synapses g: the variable, made on first use. */
Sym *sema_synapse_count(Sema *S, Group *g, int role)
{
    for (int k = 0; k < g->nvars; k++)
        if (g->vars[k]->role == role) return g->vars[k];
    return sema_runtime_int(S, g, ident_cstr(role == VR_N_INCOMING ? "N_incoming" : "N_outgoing"), g->span, role, 0);
}

Sym *sema_runtime_int(Sema *S, Group *g, Ident name, Span sp, int role, int flags)
{
    Sym *v = sema_new_sym(S, SYM_VAR, name, sp);
    v->type = TY_INT;
    v->dim = DIM_NONE;
    v->role = role;
    v->flags = flags;
    v->owner = g;
    v->var_index = g->nvars;
    sema_add_to(S, &g->vars, &g->nvars, v);
    return v;
}
