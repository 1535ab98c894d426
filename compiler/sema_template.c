/* SPDX-License-Identifier: MIT */
/* This file contains the expansion of templates before the semantic checks:
 * 'template neurons NAME(p=default, ...) { items }' declares a group shape,
 * and 'neurons G[N] = NAME(p=value) { items }' makes a group of it.  Each
 * parameter p of each such group G becomes the constant G__p (the given
 * value, or the template's default, which must have the same unit); the
 * template's items are copied with p renamed to G__p, and the group's own
 * items are added after them (statements, equations and initial values
 * join the template's, other items replace the template's).  The copies
 * keep their spans, so an error inside a template is located in the file
 * that declares it. */
#include "sema_int.h"

#include <stdio.h>
#include <string.h>

/* Renaming of one group's parameters: from[k] becomes to[k]. */
typedef struct Rename {
    Ident *from;
    Ident *to;
    int    n;
} Rename;

/* {====================================================================
 * Copies with parameters renamed
 * ===================================================================== */

/* Deep copy of expression n with the parameters' names replaced. */
static Node *copy_expr(Arena *A, const Node *n, const Rename *r)
{
    Node *c = ast_copy(A, n);
    if (!c) return NULL;
    /* ast_copy copied the whole tree; rename in the copy */
    PVec stack = { 0 };
    pvec_push(A, &stack, c);
    while (stack.n) {
        Node *x = stack.v[--stack.n];
        if (x->kind == N_NAME)
            for (int k = 0; k < r->n; k++)
                if (ident_same(x->name, r->from[k])) x->name = r->to[k];
        if (x->a) pvec_push(A, &stack, x->a);
        if (x->b) pvec_push(A, &stack, x->b);
        for (int k = 0; k < x->nargs; k++)
            if (x->args[k]) pvec_push(A, &stack, x->args[k]);
    }
    return c;
}

static Stmt *copy_stmt(Arena *A, const Stmt *s, const Rename *r)
{
    if (!s) return NULL;
    Stmt *c = arena_alloc(A, sizeof *c);
    *c = *s;
    c->expr = copy_expr(A, s->expr, r);
    return c;
}

static Equation *copy_eq(Arena *A, const Equation *e, const Rename *r)
{
    Equation *c = arena_alloc(A, sizeof *c);
    *c = *e;
    c->expr = copy_expr(A, e->expr, r);
    c->unit = copy_expr(A, e->unit, &(Rename){ 0 });
    c->stmt = copy_stmt(A, e->stmt, r);
    return c;
}

/* Deep copy of item it, with the parameters renamed. */
static Item *copy_item(Arena *A, const Item *it, const Rename *r)
{
    Item *c = arena_alloc(A, sizeof *c);
    *c = *it;
    c->expr = copy_expr(A, it->expr, r);
    c->stmts.v = arena_alloc(A, sizeof *c->stmts.v * (size_t)(it->stmts.n + 1));
    for (int k = 0; k < it->stmts.n; k++) c->stmts.v[k] = copy_stmt(A, it->stmts.v[k], r);
    c->eqs = arena_alloc(A, sizeof *c->eqs * (size_t)(it->neqs + 1));
    for (int k = 0; k < it->neqs; k++) c->eqs[k] = copy_eq(A, it->eqs[k], r);
    c->args = arena_alloc(A, sizeof *c->args * (size_t)(it->nargs + 1));
    for (int k = 0; k < it->nargs; k++) {
        c->args[k] = it->args[k];
        c->args[k].value = copy_expr(A, it->args[k].value, r);
    }
    return c;
}

/* {====================================================================
 * Templates and their instances
 * ===================================================================== */

/* Do the group's own item own and the template's item t join (lists of
 * statements or equations with the same key)? */
static bool items_join(const Item *t, const Item *own)
{
    if (!ident_same(t->key, own->key) || t->kind != own->kind) return false;
    return t->kind == I_MODEL || t->kind == I_STMTS || t->kind == I_INIT;
}

/* Items of an instance: the template's (copied), joined or replaced by the
 * group's own, then the group's others. */
static void merge_items(Sema *S, Decl *g, const Decl *t, const Rename *r)
{
    Arena *A = S->A;
    PVec out = { 0 };
    bool *used = arena_alloc(A, (size_t)g->nitems + 1);
    for (int k = 0; k < t->nitems; k++) {
        Item *c = copy_item(A, t->items[k], r);
        bool replaced = false;
        for (int m = 0; m < g->nitems; m++) {
            Item *own = g->items[m];
            if (used[m] || !ident_same(own->key, c->key) || own->kind == I_CALL) continue;
            if (items_join(c, own)) {
                /* statements and equations of both, the template's first */
                Stmt **sv = arena_alloc(A, sizeof *sv * (size_t)(c->stmts.n + own->stmts.n + 1));
                if (c->stmts.n) memcpy(sv, c->stmts.v, sizeof *sv * (size_t)c->stmts.n);
                if (own->stmts.n) memcpy(sv + c->stmts.n, own->stmts.v, sizeof *sv * (size_t)own->stmts.n);
                c->stmts.v = sv;
                c->stmts.n += own->stmts.n;
                Equation **ev = arena_alloc(A, sizeof *ev * (size_t)(c->neqs + own->neqs + 1));
                if (c->neqs) memcpy(ev, c->eqs, sizeof *ev * (size_t)c->neqs);
                if (own->neqs) memcpy(ev + c->neqs, own->eqs, sizeof *ev * (size_t)own->neqs);
                c->eqs = ev;
                c->neqs += own->neqs;
            } else {
                pvec_push(A, &out, own);
                replaced = true;
            }
            used[m] = true;
            break;
        }
        if (!replaced) pvec_push(A, &out, c);
    }
    for (int m = 0; m < g->nitems; m++)
        if (!used[m]) pvec_push(A, &out, g->items[m]);
    g->items = (Item **)out.v;
    g->nitems = out.n;
}

/* The template named id, or NULL with an error (and a suggestion). */
static Decl *find_template(Sema *S, PVec *tmpls, Ident id, Span sp)
{
    PVec names = { 0 };
    for (int k = 0; k < tmpls->n; k++) {
        Decl *t = tmpls->v[k];
        if (ident_same(t->name, id)) return t;
        pvec_push(S->A, &names, (void *)ident_dup(S->A, t->name));
    }
    if (sema_failed_name(S, id)) return NULL;
    const char *name = ident_dup(S->A, id);
    const char *sug = diag_suggest(name, (const char *const *)names.v, names.n);
    if (sug) diag_error(S->D, sp, "unknown template '%s'; did you mean '%s'?", name, sug);
    else
        diag_error(S->D, sp, "unknown template '%s' (declare it with 'template neurons %s(...) { ... }', or "
                   "import the file that does: import \"models/%s.snn\")", name, name, name);
    return NULL;
}

/* Checks template t's parameters once: named, with a default, distinct,
 * and not also a variable of its model. */
static bool check_template(Sema *S, Decl *t)
{
    bool ok = true;
    for (int k = 0; k < t->nargs; k++) {
        Arg *a = &t->args[k];
        if (!a->name.n) {
            diag_error(S->D, a->span, "a template parameter is written 'name=default', with the default "
                       "giving its unit");
            ok = false;
            continue;
        }
        ok &= sema_check_identifier(S, a->name, a->span, "template parameter");
        for (int m = 0; m < k; m++)
            if (ident_same(t->args[m].name, a->name)) {
                diag_error(S->D, a->span, "parameter '%.*s' of template '%.*s' is given twice", (int)a->name.n,
                           a->name.z, (int)t->name.n, t->name.z);
                ok = false;
            }
        for (int i = 0; i < t->nitems; i++)
            for (int e = 0; e < t->items[i]->neqs; e++)
                if (t->items[i]->eqs[e]->kind != EQ_STMT && ident_same(t->items[i]->eqs[e]->var, a->name)) {
                    diag_error(S->D, t->items[i]->eqs[e]->var_span, "'%.*s' is a parameter of template "
                               "'%.*s' and cannot also be a variable of its model", (int)a->name.n, a->name.z,
                               (int)t->name.n, t->name.z);
                    ok = false;
                }
    }
    return ok;
}

/* The constants and the group of instance g of template t, appended to out. */
static void instantiate(Sema *S, Decl *g, Decl *t, PVec *out)
{
    Arena *A = S->A;
    const char *kind = g->kind == D_NEURONS ? "neurons" : "synapses";
    if (!ident_eq(t->kind_word, kind)) {
        diag_error(S->D, g->tmpl_span, "'%.*s' is a template of %.*s, not of %s", (int)t->name.n, t->name.z,
                   (int)t->kind_word.n, t->kind_word.z, kind);
        return;
    }
    bool ok = true;
    for (int m = 0; m < g->nargs; m++) {
        Arg *a = &g->args[m];
        int found = -1;
        for (int k = 0; k < t->nargs && a->name.n; k++)
            if (ident_same(t->args[k].name, a->name)) found = k;
        for (int q = 0; q < m && a->name.n; q++)
            if (ident_same(g->args[q].name, a->name)) {
                diag_error(S->D, a->span, "parameter '%.*s' is given twice", (int)a->name.n, a->name.z);
                ok = false;
            }
        if (found >= 0) continue;
        char list[512] = "";
        size_t len = 0;
        for (int k = 0; k < t->nargs && len < sizeof list - 80; k++)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%.*s", k ? ", " : "", (int)t->args[k].name.n,
                                    t->args[k].name.z);
        if (!a->name.n)
            diag_error(S->D, a->span, "the parameters of template '%.*s' are given by name (%s)", (int)t->name.n,
                       t->name.z, t->nargs ? list : "it has none");
        else
            diag_error(S->D, a->span, "template '%.*s' has no parameter '%.*s' (its parameters: %s)", (int)t->name.n,
                       t->name.z, (int)a->name.n, a->name.z, t->nargs ? list : "none");
        ok = false;
    }
    if (!ok) return;
    Rename r = { arena_alloc(A, sizeof(Ident) * (size_t)(t->nargs + 1)),
                 arena_alloc(A, sizeof(Ident) * (size_t)(t->nargs + 1)), 0 };
    for (int k = 0; k < t->nargs; k++) {
        Arg *p = &t->args[k];
        Decl *c = arena_alloc(A, sizeof *c);
        c->kind = D_CONST;
        c->span = p->span;
        c->name = ident_cstr(arena_printf(A, "%.*s__%.*s", (int)g->name.n, g->name.z, (int)p->name.n, p->name.z));
        c->name_span = p->span;
        c->param_of = p->name;
        c->param_tmpl = t->name;
        c->expr = copy_expr(A, p->value, &r);     /* earlier parameters are renamed already */
        for (int m = 0; m < g->nargs; m++)
            if (ident_same(g->args[m].name, p->name)) {
                c->param_default = c->expr;
                c->expr = g->args[m].value;
                c->span = c->name_span = g->args[m].span;
            }
        r.from[r.n] = p->name;
        r.to[r.n++] = c->name;
        pvec_push(A, out, c);
    }
    merge_items(S, g, t, &r);
    g->args = NULL;
    g->nargs = 0;
    pvec_push(A, out, g);
}

/* A template parameter's value d->expr (checked) must have the unit of the
 * template's default; false with an error at the value. */
bool sema_template_param_unit(Sema *S, Decl *d)
{
    Scope sc = { .S = S };
    if (!sema_check_expr(&sc, d->param_default)) return false;
    if (dim_eq(d->param_default->dim, d->expr->dim)) return true;
    diag_error_code(S->D, DC_UNITS, d->expr->span, "parameter '%.*s' of template '%.*s' %s (its default is '%s'), "
                    "but the value '%s' %s", (int)d->param_of.n, d->param_of.z, (int)d->param_tmpl.n,
                    d->param_tmpl.z, sema_hasunit(S, d->param_default->dim), sema_spantext(S, d->param_default->span),
                    sema_spantext(S, d->expr->span), sema_hasunit(S, d->expr->dim));
    return false;
}

void sema_expand_templates(Sema *S, Program *prog)
{
    PVec tmpls = { 0 }, out = { 0 };
    bool any = false;
    for (int k = 0; k < prog->ndecls; k++) {
        Decl *d = prog->decls[k];
        any |= d->kind == D_TEMPLATE || d->kind == D_IMPORT || d->tmpl.n;
        if (d->kind != D_TEMPLATE) continue;
        Decl *prev = NULL;
        for (int m = 0; m < tmpls.n; m++)
            if (ident_same(((Decl *)tmpls.v[m])->name, d->name)) prev = tmpls.v[m];
        if (prev) {
            diag_error(S->D, d->name_span, "template '%.*s' is already declared", (int)d->name.n, d->name.z);
            diag_note(S->D, prev->name_span, "the first declaration of '%.*s' is here", (int)d->name.n, d->name.z);
        } else if (check_template(S, d)) {
            pvec_push(S->A, &tmpls, d);
        } else {
            pvec_push(S->A, &S->failed, (void *)ident_dup(S->A, d->name));
        }
    }
    if (!any) return;
    for (int k = 0; k < prog->ndecls; k++) {
        Decl *d = prog->decls[k];
        if (d->kind == D_TEMPLATE || d->kind == D_IMPORT) continue;
        if (!d->tmpl.n) {
            pvec_push(S->A, &out, d);
            continue;
        }
        Decl *t = find_template(S, &tmpls, d->tmpl, d->tmpl_span);
        if (t) instantiate(S, d, t, &out);
        else pvec_push(S->A, &S->failed, (void *)ident_dup(S->A, d->name));
    }
    prog->decls = (Decl **)out.v;
    prog->ndecls = out.n;
}
