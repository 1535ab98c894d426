/* SPDX-License-Identifier: MIT */
/* This file contains the semantic pass over the model's constants and
 * functions (sema_int.h): the units written after ':' (also those of
 * equations, for sema.c), constant declarations with their --set
 * overrides, the time step, and user functions. */
#include "sema.h"
#include "sema_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ====================================================================
 * Units after ':' in equations
 * ==================================================================== */

/* Evaluate a unit expression to a dimension; type set for boolean/integer. */
bool sema_eval_unit(Sema *S, Node *n, Dim *out, uint8_t *type)
{
    switch (n->kind) {
    case N_NUM:
        if (n->num != 1) {
            diag_error_code(S->D, DC_UNITS, n->span, "a unit must be a unit name or 1 (dimensionless), not '%s'",
                       sema_spantext(S, n->span));
            return false;
        }
        *out = DIM_NONE;
        return true;
    case N_NAME: {
        if (ident_eq(n->name, "boolean") || ident_eq(n->name, "bool")) {
            *out = DIM_NONE;
            *type = TY_BOOL;
            return true;
        }
        if (ident_eq(n->name, "integer")) {
            *out = DIM_NONE;
            *type = TY_INT;
            return true;
        }
        const UnitDef *u = units_lookup(n->name.z, n->name.n);
        if (!u) {
            size_t cnt;
            const UnitDef *tab = units_table(&cnt);
            const char **names = arena_alloc(S->A, sizeof *names * cnt);
            for (size_t k = 0; k < cnt; k++) names[k] = tab[k].name;
            const char *name = ident_dup(S->A, n->name);
            const char *sug = diag_suggest(name, names, (int)cnt);
            if (sug) diag_error_code(S->D, DC_UNITS, n->span, "unknown unit '%s'; did you mean '%s'?", name, sug);
            else diag_error_code(S->D, DC_UNITS, n->span, "unknown unit '%s' (expected a unit such as volt, amp, siemens, "
                            "second, 1, boolean or integer)", name);
            return false;
        }
        *out = u->dim;
        return true;
    }
    case N_BIN: {
        Dim a, b;
        uint8_t t = TY_FLOAT;
        if (!sema_eval_unit(S, n->a, &a, &t)) return false;
        if (n->op == OP_POW) {
            double p;
            if (!sema_const_value(n->b, &p)) return false;
            for (int q = 1; q <= DIM_DEN; q++)
                if (fabs(p * q - nearbyint(p * q)) < 1e-9 && dim_pow(a, (int)nearbyint(p * q), q, out))
                    return true;
            diag_error_code(S->D, DC_UNITS, n->span, "cannot raise a unit to the power %g", p);
            return false;
        }
        if (!sema_eval_unit(S, n->b, &b, &t)) return false;
        /* Brian2: '1.0*volt' evaluates to a quantity, not a unit (only
         * '1/second' may hold a number) */
        if ((n->op == '*' && (n->a->kind == N_NUM || n->b->kind == N_NUM)) || (n->op == '/' && n->b->kind == N_NUM)) {
            diag_error_code(S->D, DC_UNITS, n->span, "'%s' is a quantity, not a unit: write the unit alone (e.g. volt)",
                            sema_spantext(S, n->span));
            return false;
        }
        *out = n->op == '*' ? dim_mul(a, b) : dim_div(a, b);
        return true;
    }
    }
    diag_error_code(S->D, DC_UNITS, n->span, "this is not a unit");
    return false;
}

/* ====================================================================
 * Constants and functions
 * ==================================================================== */

/* The time step is v: in the model, and as the value of 'dt' in constant
 * expressions (T = 100*dt). */
void sema_set_dt(Sema *S, double v)
{
    S->M->dt = v;
    model_builtin(S->M, B_DT)->value = v;
}

void sema_decl_const(Sema *S, Decl *d)
{
    Scope sc = { .S = S };
    if (ident_eq(d->name, "seed")) {
        double v;
        if (!sema_check_expr(&sc, d->expr)) return;
        if (!sema_const_value(d->expr, &v) || v != floor(v) || v < 0 || v > 9e15 || !dim_is_none(d->expr->dim)) {
            diag_error(S->D, d->expr->span, "seed must be a whole number >= 0");
            return;
        }
        S->M->seed = (uint64_t)v;
        S->M->has_seed = true;
        return;
    }
    if (ident_eq(d->name, "dt")) {
        if (!sema_check_dim(&sc, d->expr, DIM_SECOND, "dt")) return;
        double v;
        if (!sema_const_fold(d->expr, &v) || !(v > 0) || !isfinite(v)) {
            diag_error(S->D, d->expr->span, "dt must be a positive constant duration");
            return;
        }
        sema_set_dt(S, v);
        S->M->dt_span = d->span;
        return;
    }
    if (!sema_check_identifier(S, d->name, d->name_span, "constant name") || !sema_top_unique(S, d->name, d->name_span))
        return;
    if (!sema_check_expr(&sc, d->expr)) return;
    double v;
    if (!sema_const_fold(d->expr, &v)) {
        diag_error(S->D, d->expr->span, "a constant must be computed from numbers, units and other constants");
        return;
    }
    if (d->param_default && !sema_template_param_unit(S, d)) return;
    Sym *c = sema_new_sym(S, SYM_CONST, d->name, d->name_span);
    c->value = v;
    c->dim = d->expr->dim;
    c->type = d->expr->type == TY_BOOL ? TY_BOOL : TY_FLOAT;
    c->const_index = S->consts.n;
    c->unit_expr = d->expr;
    pvec_push(S->A, &S->consts, c);
}

/* Apply a --set override; its errors go to its own diagnostics. */
void sema_apply_override(Sema *S, const Override *ov)
{
    Diag *saved = S->D;
    S->D = ov->D;
    Decl *d = ov->decl;
    Sym *c = sema_const_lookup(S, d->name.z, d->name.n);
    Scope sc = { .S = S };
    double v;
    if (ident_eq(d->name, "dt")) {
        /* validated as 'dt = ...' in the model is; without one it replaces
         * the default time step */
        if (sema_check_dim(&sc, d->expr, DIM_SECOND, "dt")) {
            if (!sema_const_fold(d->expr, &v) || !(v > 0) || !isfinite(v))
                diag_error(S->D, d->expr->span, "dt must be a positive, finite constant duration, not '%s'",
                           sema_spantext(S, d->expr->span));
            else
                sema_set_dt(S, v);
        }
    } else if (!c) {
        PVec cands = { 0 };
        for (int k = 0; k < S->consts.n; k++) pvec_push(S->A, &cands, (void *)((Sym *)S->consts.v[k])->name);
        const char *name = ident_dup(S->A, d->name);
        const char *sug = diag_suggest(name, (const char *const *)cands.v, cands.n);
        if (sug) diag_error(S->D, d->name_span, "the model has no constant '%s'; did you mean '%s'?", name, sug);
        else diag_error(S->D, d->name_span, "the model has no constant '%s'", name);
    } else if (sema_check_expr(&sc, d->expr)) {
        if (!dim_eq(d->expr->dim, c->dim))
            diag_error_code(S->D, DC_UNITS, d->expr->span, "'%s' %s in the model, but the new value '%s' %s",
                       c->name, sema_hasunit(S, c->dim), sema_spantext(S, d->expr->span), sema_hasunit(S, d->expr->dim));
        else if (!sema_const_fold(d->expr, &v))
            diag_error(S->D, d->expr->span, "the new value must be computed from numbers, units and constants");
        else
            c->value = v;
    }
    S->D = saved;
}

void sema_decl_func(Sema *S, Decl *d)
{
    if (!sema_check_identifier(S, d->name, d->name_span, "function name") || !sema_top_unique(S, d->name, d->name_span))
        return;
    Sym *f = sema_new_sym(S, SYM_USERFUNC, d->name, d->name_span);
    f->nparams = d->nparams;
    f->params = arena_alloc(S->A, sizeof *f->params * (size_t)(d->nparams + 1));
    for (int k = 0; k < d->nparams; k++) {
        Arg *a = d->args && k < d->nargs ? &d->args[k] : NULL;
        f->params[k] = sema_new_sym(S, SYM_PARAM, d->params[k], a ? a->span : d->span);
        f->params[k]->dim = DIM_NONE;
        uint8_t type = TY_FLOAT;
        /* f(v : volt, x) = ...: a parameter with a unit, or dimensionless */
        if (a && a->value && !sema_eval_unit(S, a->value, &f->params[k]->dim, &type)) return;
        for (int m = 0; m < k; m++)
            if (ident_same(d->params[m], d->params[k])) {
                diag_error(S->D, a ? a->span : d->span, "parameter '%.*s' of '%s' is given twice",
                           (int)d->params[k].n, d->params[k].z, f->name);
                return;
            }
    }
    Scope sc = { .S = S, .params = f->params, .nparams = f->nparams };
    if (!sema_check_expr(&sc, d->expr)) return;
    f->expr = d->expr;
    f->dim = d->expr->dim;
    f->type = d->expr->type;
    pvec_push(S->A, &S->funcs, f);
}
