/* SPDX-License-Identifier: MIT */
/* This file lowers the membrane equation of a spatialneurons group: the
 * transmembrane current Im (with the point currents) is split, as Brian2's
 * SpatialNeuron does with sympy, into Im = I0 - gtot*v with
 * gtot = -dIm/dv and I0 = Im + gtot*v, and the statements computing both
 * join the end of the group's state update, so that they see the channel
 * variables just updated; the cable solver (emit_cable.c) then reads them. */
#include "lower_cable.h"

#include "model.h"
#include "morphology.h"
#include "symbolic.h"
#include "sym_build.h"

static Stmt *assign_at(Model *M, Sym *var, Node *e, Span sp)
{
    Stmt *st = arena_alloc(M->arena, sizeof *st);
    st->span = sp;
    st->var_span = sp;
    st->var = ident_cstr(var->name);
    st->op = '=';
    st->sym = var;
    st->expr = e;
    return st;
}

bool lower_cable(Model *M, Group *g, Diag *D)
{
    Cable *c = g->cable;
    Node *im = sym_expand(M, c->Im->expr);
    Node *coef = NULL, *rest = NULL, *gtot, *I0;
    Sym *v = c->v;
    if (sym_linear(M, im, &v, 1, &coef, &rest, NULL)) {
        gtot = sym_neg(M, coef);
        I0 = rest;
    } else {
        Node *d = sym_diff(M, im, v);
        if (!d) {
            diag_error(D, c->Im->span, "the transmembrane current Im of %s cannot be differentiated with respect "
                       "to v, which the implicit cable solver needs", g->name);
            return false;
        }
        gtot = sym_neg(M, d);
        I0 = sym_add(M, im, sym_mul(M, gtot, sym_name(M, v)));
    }
    block_push(M->arena, &g->update, assign_at(M, c->gtot, gtot, c->Im->span));
    block_push(M->arena, &g->update, assign_at(M, c->I0, I0, c->Im->span));
    return true;
}
