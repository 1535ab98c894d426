/* SPDX-License-Identifier: MIT */
/* This file contains the semantic checks of the network objects (synapse
 * connection rules are in sema_connect.c): inputs (spike generators, Poisson
 * groups and inputs, timedarrays and column() files), monitors, run
 * statements, and a group's own clock (dt:, and a spike generator's dt=).
 * It calls
 * sema_expr.c and sema_util.c, never sema.c. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "sema_int.h"
#include "parse.h"

static double *read_csv_column(Sema *S, const char *file, Span sp, const char *column, int *n);


/* The event-driven variable of synapses g that n reads, directly or through
 * g's subexpressions (NULL: none); *via is the first subexpression on the
 * way (NULL if read directly). */
static Sym *event_driven_read(const Group *g, const Node *n, Sym **via, int depth)
{
    if (!n || depth > 100) return NULL;
    if (n->kind == N_NAME && n->sym && n->sym->owner == g) {
        Sym *s = n->sym;
        if (s->kind == SYM_VAR && (s->flags & VF_EVENT_DRIVEN)) return s;
        if (s->kind == SYM_SUBEXPR && s->expr) {
            Sym *r = event_driven_read(g, s->expr, via, depth + 1);
            if (r && !*via) *via = s;
            return r;
        }
    }
    Sym *r = event_driven_read(g, n->a, via, depth + 1);
    if (!r) r = event_driven_read(g, n->b, via, depth + 1);
    for (int k = 0; k < n->nargs && !r; k++) r = event_driven_read(g, n->args[k], via, depth + 1);
    return r;
}

/* Brian2: a clock-driven equation or a summed variable cannot depend on an
 * event-driven variable (it is only up to date at spikes). */
static bool check_event_driven_reads(Sema *S, Group *g, Sym *s, const char *what)
{
    Sym *via = NULL, *ed = event_driven_read(g, s->expr, &via, 0);
    if (!ed) return true;
    if (via)
        diag_error(S->D, s->span, "the %s '%s' depends on the event-driven variable '%s' (through the subexpression "
                   "'%s'), which is only updated at spikes; make '%s' clock-driven", what, s->name, ed->name, via->name,
                   ed->name);
    else
        diag_error(S->D, s->span, "the %s '%s' depends on the event-driven variable '%s', which is only updated at "
                   "spikes; make '%s' clock-driven", what, s->name, ed->name, ed->name);
    return false;
}

/* Igap_post = w*(v_pre - v_post) : amp (summed) sets the parameter Igap of
 * the target group (or of the source, with _pre): it must exist, be a
 * parameter and have the subexpression's unit.  Only one may set a variable.  Also
 * checks that clock-driven equations read no event-driven variable.  Stops
 * at the first error of the group. */
void sema_check_summed(Sema *S, Group *g)
{
    for (int k = 0; k < g->nvars; k++)
        if (g->vars[k]->expr && !(g->vars[k]->flags & VF_EVENT_DRIVEN) &&
            !check_event_driven_reads(S, g, g->vars[k], "clock-driven equation of"))
            return;
    for (int k = 0; k < g->nsubexprs; k++) {
        Sym *s = g->subexprs[k];
        if (!(s->flags & VF_SUMMED)) continue;
        size_t n = strlen(s->name);
        Group *tg = g->tgt;
        if (sema_ends_with(s->name, n, "_post")) n -= 5;
        else if (sema_ends_with(s->name, n, "_pre")) { n -= 4; tg = g->src; }
        else {
            diag_error(S->D, s->span, "a (summed) variable is named after the variable it sets: '%s_post' in the "
                       "target or '%s_pre' in the source", s->name, s->name);
            return;
        }
        if (!check_event_driven_reads(S, g, s, "summed variable")) return;
        /* Brian2: one summed variable per target variable, also across
         * synapse groups (NotImplementedError) */
        for (int q = 0; q < S->groups.n && S->groups.v[q] != g; q++) {
            Group *h = S->groups.v[q];
            if (h->kind != G_SYNAPSES) continue;
            for (int m = 0; m < h->nsubexprs; m++) {
                Sym *o = h->subexprs[m];
                size_t on = strlen(o->name);
                if (!(o->flags & VF_SUMMED) || on < n || strncmp(o->name, s->name, n)) continue;
                bool opost = !strcmp(o->name + n, "_post");
                Group *og = opost ? h->tgt : !strcmp(o->name + n, "_pre") ? h->src : NULL;
                /* summed variables into disjoint subgroups of one variable are
                 * allowed (Brian2's test_summed_variables_subgroups); ranges
                 * that overlap are not */
                bool spost = tg == g->tgt;
                int64_t s0 = spost ? g->tgt_start : g->src_start, s1 = s0 + (spost ? g->tgt_n : g->src_n);
                int64_t o0 = opost ? h->tgt_start : h->src_start, o1 = o0 + (opost ? h->tgt_n : h->src_n);
                if (og == tg && s0 < o1 && o0 < s1) {
                    diag_error(S->D, s->span, "%s.%.*s is already set by the (summed) variable '%s' of %s; Brian2 "
                               "allows one (summed) variable per target variable", tg->name, (int)n, s->name, o->name,
                               h->name);
                    return;
                }
            }
        }
        for (int m = 0; m < k; m++) {
            Sym *o = g->subexprs[m];
            size_t on = strlen(o->name);
            if (!(o->flags & VF_SUMMED) || on < n || strncmp(o->name, s->name, n)) continue;
            Group *og = !strcmp(o->name + n, "_post") ? g->tgt : !strcmp(o->name + n, "_pre") ? g->src : NULL;
            if (og == tg) {
                diag_error(S->D, s->span, "'%s' and '%s' both set %s.%.*s; Brian2 allows one (summed) variable per "
                           "target variable", o->name, s->name, tg->name, (int)n, s->name);
                return;
            }
        }
        Sym *target = NULL;
        for (int v = 0; v < tg->nvars; v++)
            if (strlen(tg->vars[v]->name) == n && !strncmp(tg->vars[v]->name, s->name, n)) target = tg->vars[v];
        if (!target) {
            diag_error(S->D, s->span, "the summed variable '%s' needs a parameter '%.*s' in %s (e.g. '%.*s : amp')",
                       s->name, (int)n, s->name, tg->name, (int)n, s->name);
            return;
        }
        if (target->role != VR_PARAM) {
            diag_error(S->D, s->span, "'%s' of %s is set by a (summed) variable, so it must be a parameter "
                       "('%s : unit'), not a differential equation", target->name, tg->name, target->name);
            return;
        }
        if (target->flags & VF_LINKED) {
            diag_error(S->D, s->span, "'%s' of %s is a linked variable, which a (summed) variable cannot set; sum "
                       "into the variable it is linked to", target->name, tg->name);
            return;
        }
        if (!dim_eq(target->dim, s->dim)) {
            diag_error_code(S->D, DC_UNITS, s->span, "'%s' has unit %s but %s.%s has unit %s", s->name,
                            sema_dimstr(S, s->dim), tg->name, target->name, sema_dimstr(S, target->dim));
            return;
        }
    }
}

/* ====================================================================
 * Monitors and runs
 * ==================================================================== */

/* A new monitor of the given MON_* kind named after declaration d. */
static Monitor *new_monitor(Sema *S, Decl *d, int kind)
{
    Monitor *m = arena_alloc(S->A, sizeof *m);
    m->kind = kind;
    m->name = ident_dup(S->A, d->name);
    m->span = d->name_span;
    return m;
}

/* A list argument [a, b, c] or [a, b]*unit (any chain of * and / by
 * constants) as SI values, with the elements' dimension. */
static double *list_values(Sema *S, Node *v, int *n, Dim *dim)
{
    Node *chain[16];
    int nchain = 0;
    Node *list = v;
    while (list->kind == N_BIN && (list->op == '*' || list->op == '/') && nchain < 16) {
        chain[nchain++] = list;
        list = list->a;
    }
    if (list->kind != N_LIST) {
        diag_error(S->D, v->span, "expected a list such as [0, 1, 2] or [1, 2]*ms");
        return NULL;
    }
    Scope sc = { .S = S };
    double scale = 1;
    Dim sd = DIM_NONE;
    for (int k = nchain - 1; k >= 0; k--) {
        double x;
        if (!sema_check_expr(&sc, chain[k]->b) || !sema_const_value(chain[k]->b, &x)) {
            diag_error(S->D, chain[k]->b->span, "the unit after a list must be a constant");
            return NULL;
        }
        scale = chain[k]->op == '*' ? scale * x : scale / x;
        sd = chain[k]->op == '*' ? dim_mul(sd, chain[k]->b->dim) : dim_div(sd, chain[k]->b->dim);
    }
    double *out = arena_alloc(S->A, sizeof *out * (size_t)(list->nargs + 1));
    *dim = sd;
    for (int k = 0; k < list->nargs; k++) {
        double x;
        if (!sema_check_expr(&sc, list->args[k]) || !sema_const_value(list->args[k], &x)) {
            diag_error(S->D, list->args[k]->span, "list values must be constants");
            return NULL;
        }
        *dim = dim_mul(list->args[k]->dim, sd);
        out[k] = x * scale;
    }
    *n = list->nargs;
    return out;
}

double *sema_list_values(Sema *S, Node *v, int *n, Dim *dim)
{
    return list_values(S, v, n, dim);
}

static Group *input_group(Sema *S, Decl *d, Node *size)
{
    if (!sema_check_identifier(S, d->name, d->name_span, "group name") || !sema_top_unique(S, d->name, d->name_span))
        return NULL;
    double n;
    if (!size) {
        diag_error(S->D, d->span, "give the number of neurons first, e.g. %.*s %.*s(100, ...)", (int)d->keyword.n,
                   d->keyword.z, (int)d->name.n, d->name.z);
        return NULL;
    }
    if (!sema_const_int(S, size, "the number of neurons", &n)) return NULL;
    if (n < 1 || n > 2e9) {
        diag_error(S->D, size->span, "the number of neurons must be at least 1");
        return NULL;
    }
    Group *g = arena_alloc(S->A, sizeof *g);
    g->kind = G_NEURONS;
    g->name = ident_dup(S->A, d->name);
    g->span = d->name_span;
    g->index = S->groups.n;
    g->N = (int64_t)n;
    return g;
}

static int cmp_step_index(const void *a, const void *b)
{
    const double *x = a, *y = b;
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

/* Brian2's timestep(t, dt): the step a spike at time t falls in. */
static double generator_step(double t, double dt)
{
    return floor((t + 1e-3 * dt) / dt);
}

/* Brian2 refuses a generator whose neuron spikes twice within one step
 * ("spike more than once during a time step"). */
static bool one_spike_per_step(Sema *S, Group *g, Node *times, const int *idx, const double *tv, int nt, double dt)
{
    double *key = arena_alloc(S->A, sizeof *key * 2 * (size_t)(nt + 1));
    for (int k = 0; k < nt; k++) {
        key[2 * k] = generator_step(tv[k], dt);
        key[2 * k + 1] = idx[k];
    }
    qsort(key, (size_t)nt, 2 * sizeof *key, cmp_step_index);
    for (int k = 1; k < nt; k++)
        if (key[2 * k] == key[2 * k - 2] && key[2 * k + 1] == key[2 * k - 1]) {
            diag_error(S->D, times->span, "neuron %g of %s spikes more than once in step %g (dt = %g s); Brian2 "
                       "allows one spike per neuron and time step", key[2 * k + 1], g->name, key[2 * k], dt);
            return false;
        }
    return true;
}

/* The spikes of generator g: ni indices iv (written at ind), nt times tv
 * of dimension dt (at times), and the period (NULL: none), checked as
 * Brian2 does; the indices go to *idx, their number to *n. */
static bool check_spikes(Sema *S, Group *g, Node *ind, Node *times, Node *period, const double *iv, int ni,
                         const double *tv, int nt, Dim dt, int **idx, int *n, double *per)
{
    if (ni != nt) {
        diag_error(S->D, times->span, "indices has %d values but times has %d", ni, nt);
        return false;
    }
    if (nt && !dim_eq(dt, DIM_SECOND)) {
        diag_error(S->D, times->span, "times must be durations (e.g. [1, 2]*ms), not %s", sema_dimstr(S, dt));
        return false;
    }
    *n = ni;
    *idx = arena_alloc(S->A, sizeof(int) * (size_t)(ni + 1));
    for (int k = 0; k < ni; k++) {
        if (iv[k] != floor(iv[k]) || iv[k] < 0 || iv[k] >= (double)g->N) {
            diag_error(S->D, ind->span, "index %g is not a neuron of %s (0 to %lld)", iv[k], g->name, (long long)g->N - 1);
            return false;
        }
        if (tv[k] < 0) {
            diag_error(S->D, times->span, "spike times must be >= 0");
            return false;
        }
        (*idx)[k] = (int)iv[k];
    }
    *per = 0;
    double step = g->clock_dt > 0 ? g->clock_dt : S->M->dt;   /* the generator's own dt= */
    if (period) {
        Scope sc = { .S = S };
        if (!sema_check_dim(&sc, period, DIM_SECOND, "period") || !sema_const_value(period, per)) return false;
        if (!(*per >= 0)) {
            diag_error(S->D, period->span, "the period cannot be negative (%g s); 0 means no repetition", *per);
            return false;
        }
        /* Brian2's SpikeGeneratorGroup: a period of whole steps (to the
         * double's precision), and every spike in a step before it */
        double bins = nearbyint(*per / step);
        if (*per > 0 && (*per < step || fabs(bins * step - *per) > *per * DBL_EPSILON)) {
            diag_error(S->D, period->span, "the period (%g s) must be a whole number of time steps of dt = %g s "
                       "(Brian2 refuses other periods)", *per, step);
            return false;
        }
        for (int k = 0; k < nt; k++)
            if (*per > 0 && generator_step(tv[k], step) >= bins) {
                diag_error(S->D, times->span, "spike times must be smaller than the period: %g s is in step %lld, "
                           "the period is %g steps", tv[k], (long long)generator_step(tv[k], step), bins);
                return false;
            }
    }
    return one_spike_per_step(S, g, times, *idx, tv, nt, step);
}

bool sema_generator_spikes(Sema *S, Group *g, Node *ind, Node *times, Node *period, int **idx, double **t, int *n,
                           double *per)
{
    int ni, nt;
    Dim di, dt;
    double *iv = list_values(S, ind, &ni, &di), *tv = iv ? list_values(S, times, &nt, &dt) : NULL;
    if (!iv || !tv) return false;
    *t = tv;
    return check_spikes(S, g, ind, times, period, iv, ni, tv, nt, dt, idx, n, per);
}

/* dt: 0.5*ms: the group runs on a clock of its own, on the steps where the
 * clock's time is the network's (Brian2's dt=; several clocks are
 * scheduled by time, then by slot and order).  snnc counts time in steps
 * of the model's dt, so a clock's dt must be a whole multiple of it. */
void sema_group_clock(Sema *S, Group *g, Node *e)
{
    Scope sc = { .S = S };
    double v;
    if (!sema_check_dim(&sc, e, DIM_SECOND, "the dt of a group")) return;
    if (!sema_const_value(e, &v) || !(v > 0) || v > 1e9) {
        diag_error(S->D, e->span, "the dt of a group must be a constant duration > 0");
        return;
    }
    double k = floor(v / S->M->dt + 0.5);
    if (k < 1 || fabs(k * S->M->dt - v) > 1e-9 * v) {
        diag_error(S->D, e->span, "the dt of %s (%g s) must be a whole multiple of the model's time step dt = %g s "
                   "(give the model a dt that divides every clock's)", g->name, v, S->M->dt);
        return;
    }
    g->clock_dt = k == 1 ? 0 : v;
    g->clock_span = e->span;
}

/* spikegenerator NAME(N, indices=[...], times=[...]*ms, period=P) -- Brian2's
 * SpikeGeneratorGroup: neuron indices[k] spikes at times[k] (in the step that
 * contains it), repeated every period if one is given. */
static void decl_spikegenerator(Sema *S, Decl *d)
{
    Node *size = NULL, *ind = NULL, *times = NULL, *period = NULL, *file = NULL, *unit = NULL, *clock = NULL;
    for (int k = 0; k < d->nargs; k++) {
        Arg *a = &d->args[k];
        if (ident_eq(a->name, "file")) file = a->value;
        else if (ident_eq(a->name, "dt")) clock = a->value;
        else if (ident_eq(a->name, "unit")) unit = a->value;
        else if (!a->name.n && k == 0) size = a->value;
        else if (ident_eq(a->name, "N")) size = a->value;
        else if (ident_eq(a->name, "indices")) ind = a->value;
        else if (ident_eq(a->name, "times")) times = a->value;
        else if (ident_eq(a->name, "period")) period = a->value;
        else {
            diag_error(S->D, a->span, "spikegenerator takes N, indices= and times= (or file= with columns i,t "
                       "and unit=), period= and dt=");
            return;
        }
    }
    Group *g = input_group(S, d, size);
    if (!g) return;
    /* Brian2's dt=: a clock of its own, whose steps the spikes are binned in */
    if (clock) {
        int nerr = S->D->nerr;
        sema_group_clock(S, g, clock);
        if (S->D->nerr != nerr) return;
    }
    int ni, nt;
    Dim di, dt;
    double *iv, *tv;
    if (file && file->kind == N_STR) {
        /* a CSV file with columns i and t (t in seconds, or in unit=) */
        const char *fname = ident_dup(S->A, file->name);
        iv = read_csv_column(S, fname, file->span, "i", &ni);
        tv = iv ? read_csv_column(S, fname, file->span, "t", &nt) : NULL;
        if (!iv || !tv) return;
        double scale = 1;
        Scope sc = { .S = S };
        dt = DIM_SECOND;
        if (unit) {
            if (!sema_check_dim(&sc, unit, DIM_SECOND, "unit") || !sema_const_value(unit, &scale)) return;
            for (int k = 0; k < nt; k++) tv[k] *= scale;
        }
        ind = times = file;
    } else {
        if (!ind || !times) {
            diag_error(S->D, d->span, "spikegenerator needs indices=[...] and times=[...]*ms, or file='spikes.csv'");
            return;
        }
        iv = list_values(S, ind, &ni, &di);
        tv = list_values(S, times, &nt, &dt);
        if (!iv || !tv) return;
    }
    if (!check_spikes(S, g, ind, times, period, iv, ni, tv, nt, dt, &g->gen_idx, &g->ngen, &g->gen_period)) return;
    g->generator = true;
    g->gen_t = tv;
    pvec_push(S->A, &S->groups, g);
}

/* Is e a list, '[a, b]' or '[a, b]*unit'?  (As sema_init_list, which is
 * in sema_stmt.c, a file that calls this one.) */
static bool is_list_value(const Node *e)
{
    while (e && e->kind == N_BIN && e->op != OP_POW) e = e->a;
    return e && e->kind == N_LIST;
}

/* rates=[r0, r1, ...]*Hz of Poisson group g: the parameter 'rates' with
 * those initial values, one per neuron (set between runs as any other);
 * NULL with an error. */
static Sym *poisson_rate_list(Sema *S, Group *g, Node *rates, Dim hz)
{
    int n;
    Dim d;
    double *v = sema_list_values(S, rates, &n, &d);
    if (!v) return NULL;
    if (!dim_eq(d, hz)) {
        diag_error_code(S->D, DC_UNITS, rates->span, "rates must be rates (Hz), but the list has unit %s",
                        sema_dimstr(S, d));
        return NULL;
    }
    if (n != g->N) {
        diag_error(S->D, rates->span, "%s has %lld neurons, but the list of rates has %d values", g->name,
                   (long long)g->N, n);
        return NULL;
    }
    for (int k = 0; k < n; k++)
        if (!(v[k] >= 0) || isinf(v[k])) {
            diag_error(S->D, rates->span, "rate %d of the list is %g Hz; rates must be finite and >= 0", k, v[k]);
            return NULL;
        }
    Sym *r = sema_new_sym(S, SYM_VAR, ident_cstr("rates"), rates->span);
    r->dim = hz;
    r->role = VR_PARAM;
    r->owner = g;
    r->var_index = g->nvars;
    sema_add_to(S, &g->vars, &g->nvars, r);
    InitVal iv = { .var = r, .list = v, .nlist = n, .span = rates->span };
    g->inits = arena_append(S->A, g->inits, g->ninits, sizeof *g->inits);
    g->inits[g->ninits++] = iv;
    return r;
}

/* poissongroup NAME(N, rates=EXPR) -- Brian2's PoissonGroup: each neuron
 * spikes in a step with probability rates*dt; rates may depend on i and t,
 * or be a list, one rate per neuron.  It is an ordinary group whose
 * threshold is 'rand() < rates*dt'. */
static void decl_poissongroup(Sema *S, Decl *d)
{
    Node *size = NULL, *rates = NULL;
    for (int k = 0; k < d->nargs; k++) {
        Arg *a = &d->args[k];
        if (!a->name.n && k == 0) size = a->value;
        else if (ident_eq(a->name, "N")) size = a->value;
        else if (ident_eq(a->name, "rates") || (!a->name.n && k == 1)) rates = a->value;
        else {
            diag_error(S->D, a->span, "poissongroup takes N and rates=");
            return;
        }
    }
    Group *g = input_group(S, d, size);
    if (!g) return;
    if (!rates) {
        diag_error(S->D, d->span, "poissongroup needs rates=..., e.g. rates=15*Hz");
        return;
    }
    Scope sc = { .S = S, .g = g };
    Dim hz;
    dim_pow(DIM_SECOND, -1, 1, &hz);
    Sym *r;
    if (is_list_value(rates)) {
        /* rates=[...]*Hz: one rate per neuron, a constant parameter */
        if (!(r = poisson_rate_list(S, g, rates, hz))) return;
    } else {
        if (!sema_check_dim(&sc, rates, hz, "rates")) return;
        r = sema_new_sym(S, SYM_SUBEXPR, ident_cstr("rates"), rates->span);
        r->dim = hz;
        r->expr = rates;
        r->owner = g;
        sema_add_to(S, &g->subexprs, &g->nsubexprs, r);
    }
    Arena *A = S->A;
    Span sp = rates->span;
    Node *rn = ast_name(A, ident_cstr("rates"), sp);
    rn->sym = r;
    rn->dim = hz;
    Node *dtn = ast_name(A, ident_cstr("dt"), sp);
    dtn->sym = model_builtin(S->M, B_DT);
    dtn->dim = DIM_SECOND;
    Node *p = ast_bin(A, '*', rn, dtn, sp);
    Node *call = ast_call(A, ident_cstr("rand"), NULL, 0, sp);
    call->sym = model_func(S->M, FN_RAND);
    Node *cmp = ast_bin(A, '<', call, p, sp);
    cmp->type = TY_BOOL;
    g->threshold = cmp;
    pvec_push(S->A, &S->groups, g);
}

/* The directory part of the model's file name ("" for a bare name). */
static const char *model_dir(Sema *S)
{
    const char *name = S->D->src->name, *slash = strrchr(name, '/');
    return slash ? arena_strndup(S->A, name, (size_t)(slash - name + 1)) : "";
}

const char *sema_model_path(Sema *S, const char *file)
{
    return file[0] == '/' ? file : arena_printf(S->A, "%s%s", model_dir(S), file);
}

/* Read a CSV file (relative to the model's directory) into rows of numbers;
 * a first line that is not numeric is the header.  NULL with an error. */
static double *read_csv(Sema *S, const char *file, Span sp, int *rows, int *cols, char ***header)
{
    const char *path = file[0] == '/' ? file : arena_printf(S->A, "%s%s", model_dir(S), file);
    CsvReader f;
    if (csv_reader_open_max(&f, path, CSV_MAX_BYTES) < 0) {
        diag_error(S->D, sp, "cannot read '%s': %s", path, f.why);
        return NULL;
    }
    size_t cap = 1024, n = 0;
    double *v = malloc(cap * sizeof *v);
    int ncols = -1, r = 0, lineno = 0;
    *header = NULL;
    int got;
    while (v && (got = csv_reader_line(&f)) != 0) {
        if (got < 0) {
            diag_error(S->D, sp, "cannot read '%s': %s", path, f.why);
            free(v);
            csv_reader_close(&f);
            return NULL;
        }
        lineno++;
        f.line[strcspn(f.line, "\r\n")] = 0;
        if (!f.line[0]) continue;
        int c = csv_reader_split(&f, f.line, ",;\t ", true);
        if (c < 0) { free(v); v = NULL; break; }
        char **fields = f.fields, *end;
        bool numeric = true;
        for (int k = 0; k < c; k++) {
            strtod(fields[k], &end);
            if (*end || end == fields[k]) numeric = false;
        }
        if (!numeric && r == 0 && !*header) {
            *header = arena_alloc(S->A, sizeof **header * (size_t)(c + 1));
            for (int k = 0; k < c; k++) (*header)[k] = arena_strdup(S->A, fields[k]);
            ncols = c;
            continue;
        }
        if (!numeric || (ncols >= 0 && c != ncols)) {
            diag_error(S->D, sp, "%s:%d: expected %d numbers separated by commas", path, lineno, ncols < 0 ? c : ncols);
            free(v);
            csv_reader_close(&f);
            return NULL;
        }
        ncols = c;
        while (n + (size_t)c > cap) {
            double *nv = realloc(v, (cap *= 2) * sizeof *v);
            if (!nv) { free(v); v = NULL; break; }
            v = nv;
        }
        for (int k = 0; v && k < c; k++) v[n++] = strtod(fields[k], NULL);
        r++;
    }
    csv_reader_close(&f);
    if (!v || r == 0) {
        if (v) diag_error(S->D, sp, "'%s' holds no numbers", path);
        free(v);
        return NULL;
    }
    double *out = arena_alloc(S->A, sizeof *out * n);
    memcpy(out, v, sizeof *out * n);
    free(v);
    *rows = r;
    *cols = ncols;
    return out;
}

/* The numbers of one column of a CSV file, by header name (or the only
 * column of a file without header); NULL with an error. */
static double *read_csv_column(Sema *S, const char *file, Span sp, const char *column, int *n)
{
    int rows, cols;
    char **header;
    double *v = read_csv(S, file, sp, &rows, &cols, &header);
    if (!v) return NULL;
    int c = -1;
    for (int k = 0; header && k < cols; k++)
        if (!strcmp(header[k], column)) c = k;
    if (c < 0 && cols == 1 && !header) c = 0;
    if (c < 0) {
        diag_error(S->D, sp, "'%s' has no column '%s'%s", file, column, header ? "" : " (it has no header line)");
        return NULL;
    }
    double *out = arena_alloc(S->A, sizeof *out * (size_t)rows);
    for (int r = 0; r < rows; r++) out[r] = v[(size_t)r * (size_t)cols + (size_t)c];
    *n = rows;
    return out;
}

/* when=: one of Brian2's schedule slots, start, groups, thresholds,
 * synapses, resets, end, each also with before_ or after_. */
bool sema_parse_when(Sema *S, Node *v, int *slot)
{
    static const char *const slots[SLOT_COUNT] = { "start", "groups", "thresholds", "synapses", "resets", "end" };
    if (v->kind == N_NAME || v->kind == N_STR) {
        Ident w = v->name;
        int sub = 1;
        if (w.n > 7 && !memcmp(w.z, "before_", 7)) { sub = 0; w.z += 7; w.n -= 7; }
        else if (w.n > 6 && !memcmp(w.z, "after_", 6)) { sub = 2; w.z += 6; w.n -= 6; }
        for (int m = 0; m < SLOT_COUNT; m++)
            if (ident_eq(w, slots[m])) {
                *slot = SLOT_POS(m, sub);
                return true;
            }
    }
    diag_error(S->D, v->span, "when= must be a slot of the schedule: start, groups, thresholds, synapses, resets "
               "or end, optionally with before_ or after_ (e.g. after_groups)");
    return false;
}

/* order=: a whole number; lower runs first within a slot. */
bool sema_parse_order(Sema *S, Node *v, int *order)
{
    double x;
    if (!sema_const_int(S, v, "order", &x)) return false;
    *order = (int)x;
    return true;
}

/* In an initial value, column('file.csv', 'name') is the list of that CSV
 * column's numbers (row k for index k): v = column('v0.csv', 'v')*mV.
 * False, with the error reported, when the column cannot be read. */
bool sema_expand_column(Sema *S, Stmt *st)
{
    Node **at = &st->expr;
    while ((*at)->kind == N_BIN && ((*at)->op == '*' || (*at)->op == '/')) at = &(*at)->a;
    Node *c = *at;
    if (c->kind != N_CALL || !ident_eq(c->name, "column")) return true;
    if (c->nargs != 2 || c->args[0]->kind != N_STR || c->args[1]->kind != N_STR) {
        diag_error(S->D, c->span, "write column('file.csv', 'name')");
        return false;
    }
    int n;
    double *v = read_csv_column(S, ident_dup(S->A, c->args[0]->name), c->args[0]->span,
                                     ident_dup(S->A, c->args[1]->name), &n);
    if (!v) return false;
    Node *l = arena_alloc(S->A, sizeof *l);
    l->kind = N_LIST;
    l->span = c->span;
    l->nargs = n;
    l->args = arena_alloc(S->A, sizeof *l->args * (size_t)n);
    for (int k = 0; k < n; k++) l->args[k] = ast_num(S->A, v[k], false, c->span);
    *at = l;
    return true;
}

/* timedarray NAME(values=[...]*unit, dt=...) or NAME(file='x.csv', unit=nA,
 * dt=...) -- Brian2's TimedArray: NAME(t) (one column) or NAME(t, i) (one
 * column per neuron, rows are time steps of dt). */
void sema_decl_timedarray(Sema *S, Decl *d)
{
    Node *values = NULL, *file = NULL, *unit = NULL, *dtn = NULL;
    for (int k = 0; k < d->nargs; k++) {
        Arg *a = &d->args[k];
        if (ident_eq(a->name, "values") || (!a->name.n && k == 0)) values = a->value;
        else if (ident_eq(a->name, "file")) file = a->value;
        else if (ident_eq(a->name, "unit")) unit = a->value;
        else if (ident_eq(a->name, "dt")) dtn = a->value;
        else {
            diag_error(S->D, a->span, "timedarray takes values=, or file= and unit=, and dt=");
            return;
        }
    }
    if (!sema_check_identifier(S, d->name, d->name_span, "timedarray name") || !sema_top_unique(S, d->name, d->name_span))
        return;
    Scope sc = { .S = S };
    Sym *ta = sema_new_sym(S, SYM_TIMEDARRAY, d->name, d->name_span);
    if (!dtn || !sema_check_dim(&sc, dtn, DIM_SECOND, "dt") || !sema_const_value(dtn, &ta->value) || !(ta->value > 0)) {
        if (!dtn) diag_error(S->D, d->span, "timedarray needs dt=, the time between two values");
        return;
    }
    if (values) {
        int n;
        ta->data = list_values(S, values, &n, &ta->dim);
        if (!ta->data) return;
        ta->rows = n;
    } else if (file && file->kind == N_STR) {
        char **header;
        ta->data = read_csv(S, ident_dup(S->A, file->name), file->span, &ta->rows, &ta->cols, &header);
        if (!ta->data) return;
        double scale = 1;
        if (unit && (!sema_check_expr(&sc, unit) || !sema_const_value(unit, &scale))) return;
        if (unit) ta->dim = unit->dim;
        for (int k = 0; k < ta->rows * ta->cols; k++) ta->data[k] *= scale;
        if (ta->cols == 1) ta->cols = 0;
    } else {
        diag_error(S->D, d->span, "timedarray needs values=[...] or file='name.csv'");
        return;
    }
    pvec_push(S->A, &S->funcs, ta);
}

/* poissoninput NAME(G.var, N=..., rate=..., weight=...) -- Brian2's
 * PoissonInput: in the synapses slot of every step, each neuron of G gets
 * var += binomial(N, rate*dt) * weight, without N separate sources. */
static void decl_poissoninput(Sema *S, Decl *d)
{
    Node *target = NULL, *nn = NULL, *rate = NULL, *weight = NULL;
    for (int k = 0; k < d->nargs; k++) {
        Arg *a = &d->args[k];
        if (!a->name.n && k == 0) target = a->value;
        else if (ident_eq(a->name, "N")) nn = a->value;
        else if (ident_eq(a->name, "rate")) rate = a->value;
        else if (ident_eq(a->name, "weight")) weight = a->value;
        else {
            diag_error(S->D, a->span, "poissoninput takes G.var, N=, rate= and weight=");
            return;
        }
    }
    Node *tvar = target && target->kind == N_SUBGROUP ? target->args[1] : target ? target->b : NULL;
    if (!target || !nn || !rate || !weight || (target->kind != N_NAME && target->kind != N_SUBGROUP) || !tvar) {
        diag_error(S->D, d->span, "write poissoninput %.*s(G.v, N=1000, rate=1*Hz, weight=0.1*mV)", (int)d->name.n,
                   d->name.z);
        return;
    }
    if (!sema_check_identifier(S, d->name, d->name_span, "input name") || !sema_top_unique(S, d->name, d->name_span))
        return;
    GroupRange r;
    if (!sema_group_range(S, target->name, target->span, target->kind == N_SUBGROUP ? target : NULL, &r)) return;
    Group *g = r.g;
    Sym *var = sema_group_lookup(g, tvar->name.z, tvar->name.n);
    if (!var || var->kind != SYM_VAR) {
        Scope sc = { .S = S, .g = g };
        if (!var) sema_resolve(&sc, tvar->name, tvar->span);
        else diag_error(S->D, tvar->span, "'%s' is not a stored variable of %s", var->name, g->name);
        return;
    }
    if (var->flags & VF_LINKED) {
        /* the input writes through the link, as statements do */
        Link *l = sema_link_of(var);
        if (!l || l->scalar) {
            diag_error(S->D, tvar->span, "'%s' is linked to a group of one neuron, so a Poisson input to each of "
                       "%s's neurons cannot set it", var->name, g->name);
            return;
        }
        l->written = true;
    }
    double n;
    if (!sema_const_int(S, nn, "N", &n)) return;
    if (n < 1) {
        diag_error(S->D, nn->span, "N must be an integer >= 1 (the number of Poisson sources), not %g", n);
        return;
    }
    Scope sc = { .S = S, .g = g };
    Dim hz;
    dim_pow(DIM_SECOND, -1, 1, &hz);
    if (!sema_check_dim(&sc, rate, hz, "rate") || !sema_check_dim(&sc, weight, var->dim, "the weight")) return;
    double rv;
    if (sema_const_value(rate, &rv) && !(rv >= 0)) {
        diag_error(S->D, rate->span, "the rate cannot be negative (%g Hz)", rv);
        return;
    }
    Arena *A = S->A;
    Span sp = d->span;
    Node *dtn = ast_name(A, ident_cstr("dt"), sp);
    dtn->sym = model_builtin(S->M, B_DT);
    dtn->dim = DIM_SECOND;
    Node *p = ast_bin(A, '*', rate, dtn, sp);
    p->dim = DIM_NONE;
    Node **args = arena_alloc(A, sizeof *args * 2);
    args[0] = nn;
    args[1] = p;
    Node *call = ast_call(A, ident_cstr("_binomial"), args, 2, sp);
    call->sym = model_func(S->M, FN_BINOMIAL);
    call->dim = DIM_NONE;
    Node *inc = ast_bin(A, '*', call, weight, sp);
    inc->dim = var->dim;
    Stmt *st = arena_alloc(A, sizeof *st);
    st->span = sp;
    st->var = tvar->name;
    st->op = '+';
    st->sym = var;
    st->expr = inc;
    Extra x = { .name = ident_dup(A, d->name), .slot = SLOT_POS(SLOT_SYNAPSES, 1), .span = sp };
    if (r.sub) x.sub_start = r.start, x.sub_n = r.n;
    x.stmts.v = arena_alloc(A, sizeof *x.stmts.v);
    x.stmts.v[0] = st;
    x.stmts.n = 1;
    g->extras = arena_append(S->A, g->extras, g->nextras, sizeof *g->extras);
    g->extras[g->nextras++] = x;
}

/* A state monitor of a subexpression records a hidden variable that a
 * block sets to the subexpression's value just before the monitor runs. */
static void monitor_subexprs(Sema *S, Monitor *m)
{
    m->names = arena_alloc(S->A, sizeof *m->names * (size_t)(m->nvars + 1));
    for (int k = 0; k < m->nvars; k++) {
        Sym *s = m->vars[k];
        m->names[k] = s->name;
        if (s->kind != SYM_SUBEXPR) continue;
        Group *g = m->group;
        Sym *h = sema_new_sym(S, SYM_VAR, ident_cstr(arena_printf(S->A, "_mon_%s", s->name)), s->span);
        h->dim = s->dim;
        h->type = s->type;
        h->role = VR_PARAM;
        h->owner = g;
        h->var_index = g->nvars;
        sema_add_to(S, &g->vars, &g->nvars, h);
        Node *n = ast_name(S->A, ident_cstr(s->name), s->span);
        n->sym = s;
        n->dim = s->dim;
        n->type = s->type;
        Stmt *st = arena_alloc(S->A, sizeof *st);
        st->span = s->span;
        st->var = ident_cstr(h->name);
        st->op = '=';
        st->sym = h;
        st->expr = n;
        /* computed just before the monitor reads it: state monitors at start,
         * spike monitors after the thresholder, event monitors after theirs */
        int slot = m->kind != MON_SPIKE ? SLOT_POS(SLOT_START, 1) :
                   m->event ? SLOT_POS(SLOT_THRESHOLDS, 2) : SLOT_POS(SLOT_THRESHOLDS, 1);
        Extra x = { .slot = m->when_slot >= 0 ? m->when_slot : slot,
                    .order = (m->has_order ? m->order : m->kind == MON_SPIKE ? 1 : 0) - 1, .span = s->span };
        x.stmts.v = arena_alloc(S->A, sizeof *x.stmts.v);
        x.stmts.v[0] = st;
        x.stmts.n = 1;
        g->extras = arena_append(S->A, g->extras, g->nextras, sizeof *g->extras);
        g->extras[g->nextras++] = x;
        m->vars[k] = h;
    }
}

void sema_decl_monitor(Sema *S, Decl *d)
{
    if (ident_eq(d->keyword, "poissoninput")) {
        decl_poissoninput(S, d);
        return;
    }
    if (ident_eq(d->keyword, "spikegenerator")) {
        decl_spikegenerator(S, d);
        return;
    }
    if (ident_eq(d->keyword, "poissongroup")) {
        decl_poissongroup(S, d);
        return;
    }
    bool spike = ident_eq(d->keyword, "spikemonitor"), state = ident_eq(d->keyword, "statemonitor");
    bool rate = ident_eq(d->keyword, "ratemonitor"), event = ident_eq(d->keyword, "eventmonitor");
    spike |= event;
    if (!spike && !state && !rate) {
        static const char *const kinds[] = { "spikemonitor", "statemonitor", "ratemonitor", "spikegenerator",
                                             "poissongroup", "poissoninput", "eventmonitor" };
        const char *kw = ident_dup(S->A, d->keyword);
        const char *sug = diag_suggest(kw, kinds, 7);
        if (sug) diag_error(S->D, d->span, "unknown declaration '%s'; did you mean '%s'?", kw, sug);
        else diag_error(S->D, d->span, "unknown declaration '%s' (expected neurons, synapses, spikemonitor, "
                        "statemonitor, ratemonitor, spikegenerator, poissongroup, poissoninput, run, or 'name = value')", kw);
        return;
    }
    if (!sema_check_identifier(S, d->name, d->name_span, "monitor name") || !sema_top_unique(S, d->name, d->name_span)) return;
    Monitor *m = new_monitor(S, d, spike ? MON_SPIKE : rate ? MON_RATE : MON_STATE);
    m->when_slot = -1;
    bool spike_only = spike;
    spike |= rate;
    m->record_all = true;
    for (int k = 0; k < d->nargs; k++) {
        Arg *a = &d->args[k];
        bool failed = false;
        if (spike_only && k > 0 && sema_spike_monitor_arg(S, m, a, k, &failed)) {
            if (failed) return;
            continue;
        }
        if (a->name.n == 0) {
            Node *v = a->value;
            if (v->kind != N_NAME && v->kind != N_SUBGROUP) {
                diag_error(S->D, a->span, "expected a group%s here", state ? " variable such as G.v" : " name");
                return;
            }
            Node *vn = v->kind == N_SUBGROUP ? v->args[1] : v->b;
            GroupRange r = { 0 };
            Group *g = NULL;
            if (v->kind == N_SUBGROUP || sema_find_subgroup(S, v->name)) {
                if (!sema_group_range(S, v->name, v->span, v->kind == N_SUBGROUP ? v : NULL, &r)) return;
                g = r.g;
            } else if (!(g = sema_find_group(S, v->name))) {
                sema_group_ref(S, v->name, v->span, G_NEURONS);
                return;
            }
            if (m->group && (m->group != g || m->sub != r.sub || (r.sub && (m->sub_start != r.start ||
                                                                             m->sub_n != r.n)))) {
                diag_error(S->D, a->span, "a monitor records one group; %s is not %s", r.sub ? r.label : g->name,
                           m->label);
                return;
            }
            m->group = g;
            m->sub = r.sub, m->sub_start = r.start, m->sub_n = r.n;
            m->label = r.sub ? r.label : g->name;
            if (spike) {
                if (vn) diag_error(S->D, a->span, "a spike monitor takes a group, not a variable");
                if (g->kind != G_NEURONS) diag_error(S->D, a->span, "%s has no spikes to record", g->name);
                else if (!event && !g->threshold && !g->generator)
                    diag_error(S->D, a->span, "%s has no threshold, so no spikes to record (Brian2 refuses this "
                               "monitor); give the group a 'threshold:'", g->name);
                continue;
            }
            if (!vn) {
                diag_error(S->D, a->span, "name the variable to record, e.g. %s.v", m->label);
                return;
            }
            Sym *var = sema_group_lookup(g, vn->name.z, vn->name.n);
            if (!var) {
                /* a variable made on use (N_incoming), or an error: unknown
                 * (reported by resolve), or a name that is no variable of g */
                Scope sc = { .S = S, .g = g };
                Sym *r = sema_resolve(&sc, vn->name, vn->span);
                if (!r) return;
                if (r->kind != SYM_VAR || r->owner != g) {
                    diag_error(S->D, vn->span, "'%.*s' is not a variable of %s, so there is nothing to record "
                               "(a monitor records a group's variables)", (int)vn->name.n, vn->name.z, g->name);
                    return;
                }
                var = r;
            }
            sema_add_to(S, &m->vars, &m->nvars, var);
        } else if (ident_eq(a->name, "when")) {
            if (!sema_parse_when(S, a->value, &m->when_slot)) return;
        } else if (ident_eq(a->name, "order")) {
            if (!sema_parse_order(S, a->value, &m->order)) return;
            m->has_order = true;
        } else if (ident_eq(a->name, "dt") && state) {
            Scope sc = { .S = S };
            if (!sema_check_dim(&sc, a->value, DIM_SECOND, "the recording dt")) return;
            if (!sema_const_value(a->value, &m->rec_dt) || !(m->rec_dt > 0)) {
                diag_error(S->D, a->value->span, "the recording dt must be a constant duration > 0");
                return;
            }
        } else if (ident_eq(a->name, "record") && state) {
            if (!sema_monitor_record(S, m, a->value, false)) return;
        } else if ((ident_eq(a->name, "window") || ident_eq(a->name, "width")) && rate) {
            if (!sema_smooth_arg(S, m, a)) return;
        } else {
            diag_error(S->D, a->span, "unknown argument '%.*s' for %s", (int)a->name.n, a->name.z,
                       ident_dup(S->A, d->keyword));
            return;
        }
    }
    if (!m->group) {
        diag_error(S->D, d->span, "%s needs a group to record, e.g. %s %s(G%s)", m->name,
                   ident_dup(S->A, d->keyword), m->name, state ? ".v" : "");
        return;
    }
    if (state && m->nvars == 0) {
        diag_error(S->D, d->span, "%s records no variable", m->name);
        return;
    }
    if (spike_only && !sema_spike_monitor_finish(S, m, event)) return;
    if (rate && !sema_smooth_finish(S, m)) return;
    monitor_subexprs(S, m);
    pvec_push(S->A, &S->monitors, m);
}

void sema_decl_run(Sema *S, Decl *d)
{
    Scope sc = { .S = S };
    double v;
    if (!sema_check_dim(&sc, d->expr, DIM_SECOND, "the run duration")) return;
    if (!sema_const_fold(d->expr, &v) || !(v >= 0) || isinf(v)) {
        diag_error(S->D, d->expr->span, "the run duration must be a constant time >= 0");
        return;
    }
    double *p = arena_alloc(S->A, sizeof *p);
    *p = v;
    pvec_push(S->A, &S->runs, p);
}

