/* SPDX-License-Identifier: MIT */
/* This file contains the smoothing arguments of rate monitors:
 * 'ratemonitor R(G, window=gaussian, width=5*ms)' (or window=flat, or a
 * list of an odd number of values, window=[1, 2, 1]) asks for Brian2's
 * PopulationRateMonitor.smooth_rate(window, width) beside the rate in the
 * outputs.  The argument errors are Brian2's (a predefined window needs a
 * width, a list takes none, unknown names, lists that are not flat or of
 * even length), as located errors.  sema_net.c calls it; the smoothing
 * itself is smooth.c's, run when the outputs are written (output.c). */
#include <math.h>
#include <string.h>

#include "sema_int.h"
#include "smooth.h"

bool sema_smooth_arg(Sema *S, Monitor *m, Arg *a)
{
    Node *v = a->value;
    if (ident_eq(a->name, "width")) {
        Scope sc = { .S = S };
        if (!sema_check_dim(&sc, v, DIM_SECOND, "the width of the smoothing window")) return false;
        if (!sema_const_value(v, &m->smooth_width) || !(m->smooth_width > 0) || !isfinite(m->smooth_width)) {
            diag_error(S->D, v->span, "the width of the smoothing window must be a constant duration > 0, not '%s'",
                       sema_spantext(S, v->span));
            return false;
        }
        m->smooth_width_span = a->span;
        return true;
    }
    m->smooth_span = a->span;
    if ((v->kind == N_NAME && !v->b) || v->kind == N_STR) {
        if (ident_eq(v->name, "gaussian")) m->smooth_kind = SMOOTH_GAUSSIAN;
        else if (ident_eq(v->name, "flat")) m->smooth_kind = SMOOTH_FLAT;
        else {
            diag_error(S->D, v->span, "unknown smoothing window '%.*s': it is gaussian, flat or a list of an odd "
                       "number of values (window=[1, 2, 1])", (int)v->name.n, v->name.z);
            return false;
        }
        return true;
    }
    if (v->kind != N_LIST) {
        diag_error(S->D, v->span, "a smoothing window is gaussian, flat or a list of an odd number of values "
                   "(window=[1, 2, 1]), not '%s'", sema_spantext(S, v->span));
        return false;
    }
    m->smooth_list = arena_alloc(S->A, sizeof(double) * (size_t)(v->nargs + 1));
    double sum = 0;
    for (int k = 0; k < v->nargs; k++) {
        Node *e = v->args[k];
        Scope sc = { .S = S };
        if (e->kind == N_LIST) {
            diag_error(S->D, e->span, "the smoothing window must be one list of numbers (one-dimensional), but "
                       "'%s' is a list", sema_spantext(S, e->span));
            return false;
        }
        if (!sema_check_expr(&sc, e)) return false;
        if (!sema_const_value(e, &m->smooth_list[k]) || !dim_is_none(e->dim) || !isfinite(m->smooth_list[k])) {
            diag_error(S->D, e->span, "the values of a smoothing window must be dimensionless constants, not '%s'",
                       sema_spantext(S, e->span));
            return false;
        }
        sum += m->smooth_list[k];
    }
    if (v->nargs % 2 != 1) {
        diag_error(S->D, v->span, "the smoothing window has %d values; it needs an odd number, so that it is "
                   "centred on each step", v->nargs);
        return false;
    }
    if (sum == 0) {
        diag_error(S->D, v->span, "the values of the smoothing window sum to 0, so it cannot be normalised");
        return false;
    }
    m->smooth_kind = SMOOTH_LIST;
    m->smooth_nlist = v->nargs;
    return true;
}

bool sema_smooth_finish(Sema *S, Monitor *m)
{
    bool width = m->smooth_width_span.end > m->smooth_width_span.start;
    bool window = m->smooth_span.end > m->smooth_span.start;
    /* Brian2's default window is the Gaussian */
    if (width && !window) m->smooth_kind = SMOOTH_GAUSSIAN;
    if (window && m->smooth_kind != SMOOTH_LIST && !width) {
        diag_error(S->D, m->smooth_span, "the %s window needs a width: add width=5*ms (for gaussian the standard "
                   "deviation, for flat the length, rounded to an odd number of steps)", smooth_name(m->smooth_kind));
        return false;
    }
    if (m->smooth_kind == SMOOTH_LIST && width) {
        diag_error(S->D, m->smooth_width_span, "width= is for the gaussian and flat windows only; a list of values "
                   "is the window itself, one value per step");
        return false;
    }
    return true;
}
