/* SPDX-License-Identifier: MIT */
/* This file contains the semantic checks of synapse connection rules,
 * connect(...): explicit i/j lists (with p=), all to all, a condition, a
 * probability, n synapses per pair, a total number (total=), j (or i) as
 * an expression, and Brian2's
 * generator syntax 'EXPR for VAR in range(...)/sample(..., p= | size=)
 * [if COND]'.  The code that makes the synapses is emitted by emit.c
 * (emit_connect) and run once by runtime/build.c (connect_all). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema_int.h"
#include "parse.h"

/* connect(i=[...], j=[...]): explicit pairs, scalars broadcast. */
static bool connect_lists(Sema *S, Group *g, Connect *c, Node *in, Node *jn)
{
    Node *lists[2] = { in, jn };
    int *idx[2] = { NULL, NULL };
    int cnt[2] = { 0, 0 };
    Group *ends[2] = { g->src, g->tgt };
    int64_t sizes[2] = { g->src_n, g->tgt_n };
    for (int m = 0; m < 2; m++) {
        Node *l = lists[m];
        int n = l->kind == N_LIST ? l->nargs : 1;
        idx[m] = arena_alloc(S->A, sizeof(int) * (size_t)(n + 1));
        cnt[m] = n;
        for (int k = 0; k < n; k++) {
            Node *e = l->kind == N_LIST ? l->args[k] : l;
            double v;
            if (!sema_const_int(S, e, "a neuron index", &v)) return false;
            /* a synapse group's size is known once it is connected (build.c checks) */
            if (v < 0 || (ends[m]->kind != G_SYNAPSES && v >= (double)sizes[m])) {
                diag_error(S->D, e->span, "index %g is out of range for %s%s, which has %lld neurons (0 to %lld)", v,
                           sizes[m] == ends[m]->N ? "" : "the subgroup of ", ends[m]->name, (long long)sizes[m],
                           (long long)sizes[m] - 1);
                return false;
            }
            idx[m][k] = (int)v;
        }
    }
    int n = cnt[0] > cnt[1] ? cnt[0] : cnt[1];
    if (cnt[0] != cnt[1] && cnt[0] != 1 && cnt[1] != 1) {
        diag_error(S->D, c->span, "i has %d values but j has %d; they must have the same length", cnt[0], cnt[1]);
        return false;
    }
    c->kind = CONN_LIST;
    c->n = n;
    c->i = arena_alloc(S->A, sizeof(int) * (size_t)(n + 1));
    c->j = arena_alloc(S->A, sizeof(int) * (size_t)(n + 1));
    for (int k = 0; k < n; k++) {
        c->i[k] = idx[0][cnt[0] == 1 ? 0 : k];
        c->j[k] = idx[1][cnt[1] == 1 ? 0 : k];
    }
    return true;
}

/* Find " word " in a string slice at bracket depth 0; offset or -1. */
static int find_word(const char *z, int n, const char *w)
{
    int depth = 0, wl = (int)strlen(w);
    for (int k = 0; k + wl <= n; k++) {
        char ch = z[k];
        if (ch == '(' || ch == '[') depth++;
        else if (ch == ')' || ch == ']') depth--;
        else if (depth == 0 && !memcmp(z + k, w, (size_t)wl) && (k == 0 || z[k - 1] == ' ') &&
                 (k + wl == n || z[k + wl] == ' ' || z[k + wl] == '('))
            return k;
    }
    return -1;
}

static Node *sub_expr(Sema *S, int from, int to)
{
    while (from < to && S->D->src->text[from] == ' ') from++;
    while (to > from && S->D->src->text[to - 1] == ' ') to--;
    return parse_expression(S->A, S->D, S->D->src, from, to - from);
}

/* Brian2's generator syntax in a j (or, c->over_pre, an i) string:
 * 'EXPR for VAR in range(A[, B[, STEP]]) [if COND]',
 * 'EXPR for VAR in sample(A[, B[, STEP]], p=P) [if COND]' or
 * 'EXPR for VAR in sample(A[, B[, STEP]], size=N) [if COND]'; also
 * 'EXPR if COND' without a generator. */
static bool connect_generator(Sema *S, Connect *c, Node *str, Scope *sc)
{
    const char *base = S->D->src->text;
    int start = str->span.start + 1, n = (int)str->name.n;
    const char *z = base + start;
    int f = find_word(z, n, "for");
    if (f < 0) {
        /* 'EXPR if COND': one target per source, where COND holds */
        int iff = find_word(z, n, "if");
        if (iff < 0) return false;
        c->jexpr = sub_expr(S, start, start + iff);
        c->gen_if = sub_expr(S, start + iff + 2, start + n);
        if (c->jexpr) sema_check_expr(sc, c->jexpr);
        if (c->gen_if) sema_check_cond(sc, c->gen_if, "the condition of the index expression");
        return true;
    }
    int in = find_word(z + f, n - f, "in");
    if (in < 0) goto bad;
    in += f;
    const char *after = z + in + 2;
    while (*after == ' ') after++;
    bool sample = !strncmp(after, "sample(", 7);
    if (!sample && strncmp(after, "range(", 6)) goto bad;
    int open = (int)(after - z) + (sample ? 6 : 5);
    int depth = 0, close = -1;
    for (int k = open; k < n; k++) {
        if (z[k] == '(') depth++;
        if (z[k] == ')' && --depth == 0) { close = k; break; }
    }
    if (close < 0) goto bad;
    Ident var = { z + f + 3, 0 };
    while (*var.z == ' ') var.z++;
    while (var.z[var.n] && var.z[var.n] != ' ') var.n++;
    Span vspan = { (int)(var.z - base), (int)(var.z - base) + (int)var.n };
    c->k = sema_new_sym(S, SYM_TEMP, var, vspan);
    c->k->type = TY_INT;
    /* range / sample arguments, split at top-level commas */
    int args[8], nargs = 0, a0 = open + 1;
    depth = 0;
    for (int k = open + 1; k <= close && nargs < 7; k++) {
        if (z[k] == '(' || z[k] == '[') depth++;
        else if ((z[k] == ')' || z[k] == ']') && depth > 0) depth--;
        else if ((z[k] == ',' && depth == 0) || k == close) {
            args[nargs++] = a0;
            args[nargs] = k;
            a0 = k + 1;
        }
    }
    args[nargs] = close;
    int nrange = 0;
    for (int k = 0; k < nargs; k++) {
        int from = args[k], to = k + 1 < nargs ? args[k + 1] - 1 : close;
        while (z[from] == ' ') from++;
        if (sample && !strncmp(z + from, "p=", 2)) {
            c->gen_p = sub_expr(S, start + from + 2, start + to);
            if (!c->gen_p || !sema_check_expr(sc, c->gen_p)) return true;
            continue;
        }
        if (sample && !strncmp(z + from, "size=", 5)) {
            c->gen_size = sub_expr(S, start + from + 5, start + to);
            if (!c->gen_size || !sema_check_expr(sc, c->gen_size)) return true;
            if (c->gen_size->type != TY_INT) {
                diag_error(S->D, c->gen_size->span, "sample(..., size=) takes an integer, not the %s '%s'",
                           c->gen_size->type == TY_BOOL ? "boolean" : "float", sema_spantext(S, c->gen_size->span));
                return true;
            }
            continue;
        }
        if (nrange == 3) goto bad;
        c->range[nrange] = sub_expr(S, start + from, start + to);
        if (!c->range[nrange] || !sema_check_expr(sc, c->range[nrange])) return true;
        if (c->range[nrange]->type != TY_INT) {
            /* Brian2 refuses range(42.0) and range(0, True) */
            diag_error(S->D, c->range[nrange]->span, "%s() takes integers, not the %s '%s'", sample ? "sample" : "range",
                       c->range[nrange]->type == TY_BOOL ? "boolean" : "float", sema_spantext(S, c->range[nrange]->span));
            return true;
        }
        nrange++;
    }
    if (nrange == 1) {
        c->range[1] = c->range[0];
        c->range[0] = NULL;
    }
    if (sample && c->gen_p && c->gen_size) {
        diag_error(S->D, str->span, "sample() takes p= or size=, not both");
        return true;
    }
    if (nrange == 0 || (sample && !c->gen_p && !c->gen_size)) goto bad;
    pvec_push(S->A, &sc->temps, c->k);
    int iff = find_word(z + close + 1, n - close - 1, "if");
    if (iff >= 0) {
        c->gen_if = sub_expr(S, start + close + 1 + iff + 2, start + n);
        if (c->gen_if) sema_check_cond(sc, c->gen_if, "the generator's condition");
    }
    c->jexpr = sub_expr(S, start, start + f);
    if (c->jexpr) sema_check_expr(sc, c->jexpr);
    sc->temps.n--;
    return true;
bad:
    diag_error(S->D, str->span, "expected a generator such as 'k for k in range(i-3, i+4) if k != i', "
               "'k for k in sample(N_post, p=0.1)' or 'k for k in sample(N_post, size=10)'");
    return true;
}

/* connect(total=K): K synapses, each (i, j) drawn uniformly from all
 * source-target pairs, multapses and autapses allowed (NEST's
 * fixed_total_number rule).  K must be a constant whole number >= 0. */
static bool connect_total(Sema *S, Group *g, Connect *c, Node *total, Scope *sc)
{
    if (!sema_check_expr(sc, total)) return false;
    if (!dim_is_none(total->dim)) {
        diag_error_code(S->D, DC_UNITS, total->span, "total must be a dimensionless number of synapses, not %s",
                        sema_dimstr(S, total->dim));
        return false;
    }
    double k;
    if (!sema_const_fold(total, &k)) {
        diag_error(S->D, total->span, "total must be a constant number of synapses (an expression of constants), "
                   "not one that depends on i, j or variables");
        return false;
    }
    if (!(k >= 0) || k != floor(k) || k > INT32_MAX / 2) {
        diag_error(S->D, total->span, "total must be a whole number of synapses from 0 to %d, not %.17g "
                   "(round it with int(...) or floor(... + 0.5))", INT32_MAX / 2, k);
        return false;
    }
    if (k > 0 && (g->src_n <= 0 || g->tgt_n <= 0)) {
        diag_error(S->D, total->span, "connect(total=%.0f) needs neurons on both sides, but %s has %lld and %s %lld",
                   k, g->src_label ? g->src_label : "the source", (long long)g->src_n,
                   g->tgt_label ? g->tgt_label : "the target", (long long)g->tgt_n);
        return false;
    }
    c->kind = CONN_TOTAL;
    c->total = (int64_t)k;
    return true;
}

/* The first use of builtin index b (B_I, B_J) in n, or NULL. */
static const Node *uses_index(const Node *n, int b)
{
    if (!n) return NULL;
    if (n->kind == N_NAME && n->sym && n->sym->kind == SYM_BUILTIN && n->sym->builtin == b) return n;
    const Node *u = uses_index(n->a, b);
    if (!u) u = uses_index(n->b, b);
    for (int k = 0; k < n->nargs && !u; k++) u = uses_index(n->args[k], b);
    return u;
}

/* connect(...): explicit lists, all to all, a condition, a probability (a
 * constant or an expression of i, j and group variables), n synapses per
 * pair, j as an expression of i, or Brian2's generator syntax. */
void sema_synapse_connect(Sema *S, Group *g, Item *it)
{
    Node *in = NULL, *jn = NULL, *cond = NULL, *p = NULL, *nn = NULL, *total = NULL;
    bool skip = false;
    for (int k = 0; k < it->nargs; k++) {
        Arg *a = &it->args[k];
        if (a->name.n == 0 && k == 0) cond = a->value;
        else if (ident_eq(a->name, "i")) in = a->value;
        else if (ident_eq(a->name, "j")) jn = a->value;
        else if (ident_eq(a->name, "condition")) cond = a->value;
        else if (ident_eq(a->name, "p")) p = a->value;
        else if (ident_eq(a->name, "n")) nn = a->value;
        else if (ident_eq(a->name, "total")) total = a->value;
        else if (ident_eq(a->name, "skip_if_invalid")) {
            skip = a->value->kind == N_NAME && ident_eq(a->value->name, "True");
        } else {
            diag_error(S->D, a->span, "connect() has no argument '%.*s' (known: i, j, condition, p, n, "
                       "total, skip_if_invalid)", (int)a->name.n, a->name.z);
            return;
        }
    }
    Connect c = { .span = it->span, .kind = CONN_ALL, .skip_if_invalid = skip, .index = g->nconnects };
    Scope sc = { .S = S, .g = g, .connect = true };
    if (total) {
        if (in || jn || cond || p || nn || skip) {
            diag_error(S->D, it->span, "connect(total=...) takes no other argument (i, j, condition, p, n or "
                       "skip_if_invalid): it draws its pairs uniformly from all sources and targets");
            return;
        }
        if (!connect_total(S, g, &c, total, &sc)) return;
    } else if (in && jn) {
        if (cond || nn) {
            diag_error(S->D, it->span, "connect(i=..., j=...) takes no condition or n (only p=, a constant)");
            return;
        }
        if (!connect_lists(S, g, &c, in, jn)) return;
        /* Brian2 keeps each listed pair with probability p */
        if (p) {
            Scope ksc = { .S = S };
            if (!sema_check_expr(&ksc, p)) return;
            if (!dim_is_none(p->dim) || !sema_const_value(p, &c.pconst) || c.pconst < 0 || c.pconst > 1) {
                diag_error(S->D, p->span, "with i= and j= lists, p must be a constant probability between 0 and 1, "
                           "not '%s'", sema_spantext(S, p->span));
                return;
            }
            c.p = p;
        }
    } else if (in && in->kind != N_STR) {
        diag_error(S->D, in->span, "connect(i=...) needs j=... too, or i as a string: an expression of j or a "
                   "generator such as 'k for k in range(N_pre)'");
        return;
    } else {
        int nerr = S->D->nerr;
        if (cond && sema_check_cond(&sc, cond, "the connection condition")) c.cond = cond;
        if (p && sema_check_expr(&sc, p)) {
            if (!dim_is_none(p->dim))
                diag_error_code(S->D, DC_UNITS, p->span, "p must be a dimensionless probability, not %s", sema_dimstr(S, p->dim));
            c.p = p;
        }
        if (nn && sema_check_expr(&sc, nn)) c.nsyn = nn;
        if (in) {
            /* connect(i='...'): the same forms with the roles of i and j
             * swapped, one loop over the targets */
            c.over_pre = true;
            jn = in;
        }
        if (jn) {
            c.kind = CONN_JEXPR;
            if (jn->kind == N_STR && connect_generator(S, &c, jn, &sc)) {
                /* generator form parsed (errors reported) */
            } else if (sema_check_expr(&sc, jn)) {
                c.jexpr = jn;
            }
            if (c.cond) diag_error(S->D, cond->span, "give the condition inside the generator ('... if cond')");
            const Node *made[] = { c.jexpr, c.range[0], c.range[1], c.range[2], c.gen_p, c.gen_size };
            for (int k = 0; k < 6 && S->D->nerr == nerr; k++) {
                const Node *u = uses_index(made[k], c.over_pre ? B_I : B_J);
                if (u) diag_error(S->D, u->span, "'%s' is what connect(%s=...) makes, so its expression cannot use it "
                                  "(only the condition after 'if' can)", c.over_pre ? "i" : "j", c.over_pre ? "i" : "j");
            }
        } else if (!c.cond && c.p && !c.nsyn && sema_const_value(c.p, &c.pconst)) {
            if (c.pconst < 0 || c.pconst > 1)
                diag_error(S->D, p->span, "p must be between 0 and 1, not %g", c.pconst);
        }
        if (S->D->nerr > nerr) return;
    }
    g->connects = arena_append(S->A, g->connects, g->nconnects, sizeof *g->connects);
    g->connects[g->nconnects++] = c;
}
