/* SPDX-License-Identifier: MIT */
/* This file contains the step from a checked, compiled model to a runtime
 * network: groups with their arrays and block functions (bound by the names
 * in the emitter's BlockTable), synapses with their connectivity, monitors,
 * constants, and the initial values.  It reads the model and never
 * allocates in its arena. */
#include "build.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snn.h"

static int cmp_group_name(const void *a, const void *b)
{
    return strcmp((*(RtGroup *const *)a)->name, (*(RtGroup *const *)b)->name);
}

/* push callback of generated connect code: one synapse i -> j. */
static snn_i32 push_pair(void *ud, snn_i32 i, snn_i32 j)
{
    RtGroup *s = ud;
    return !i32vec_push(&s->pre, i) || !i32vec_push(&s->post, j);
}

/* Record a build error about the object at span. */
static int build_fail(BuildError *err, Span span, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int build_fail(BuildError *err, Span span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->span = span;
    err->set = true;
    return SNN_ESEMA;
}

/* Make the synapses of every connect(...) of g, in order (the generated
 * connect functions, which also hold the one sampler of a constant p). */
static int connect_all(Net *net, RtGroup *r, const Group *g, const BlockTable *B, Jit *jit, BuildError *err)
{
    for (int c = 0; c < g->nconnects; c++) {
        Connect *cn = &g->connects[c];
        if (cn->kind == CONN_LIST) {
            for (int q = 0; q < cn->n; q++)
                if (push_pair(r, cn->i[q], cn->j[q])) return SNN_ENOMEM;
        } else {
            const BlockFn *b = block_find(B, g, BK_CONNECT, cn->index);
            snn_block_fn fn = b ? (snn_block_fn)jit_symbol(jit, b->name) : NULL;
            if (!fn) return SNN_EJIT;
            snn_args a;
            memset(&a, 0, sizeof a);
            a.pre = r->src->arr;
            a.post = r->tgt->arr;
            a.k = net->consts;
            a.n_pre = (snn_i32)r->src->n;
            a.n_post = (snn_i32)r->tgt->n;
            a.dt = net->dt;
            a.seed = net->seed;
            a.stream = r->stream;
            a.ud = r;
            a.push = push_pair;
            snn_i32 rc = fn(&a);
            if (rc == -1) return SNN_ENOMEM;
            if (rc < -1)
                return build_fail(err, g->span, "%s: connect(j=...) gives a target index outside 0..%lld for i = %d "
                                  "(add skip_if_invalid=True to skip such pairs)", g->name,
                                  (long long)r->tgt->n - 1, -rc - 1);
        }
        if (r->pre.n > INT32_MAX / 2) return SNN_ENOMEM;
    }
    return SNN_OK;
}

/* Point a group's block functions at the code in jit, for every function
 * the emitter wrote for g (connect rules excepted: they run once, in
 * connect_all); false if jit lacks one.  Used when building, and when the
 * optimising tier's code replaces libtcc's between two steps. */
static bool bind_blocks(RtGroup *r, const Group *g, const BlockTable *B, Jit *jit)
{
    r->update = r->thresh = r->reset = r->on_pre = r->on_post = r->init = NULL;
    for (int q = 0; q < r->nextras; q++) r->extras[q].fn = NULL;
    for (int q = 0; q < r->nsummed; q++) r->summed[q] = NULL;
    for (int q = 0; q < r->npaths; q++) r->paths[q].fn = NULL;
    bool ok = true;
    for (int k = 0; k < B->n; k++) {
        const BlockFn *b = &B->v[k];
        if (b->group != g || b->kind == BK_CONNECT) continue;
        snn_block_fn fn = (snn_block_fn)jit_symbol(jit, b->name);
        ok &= fn != NULL;
        switch (b->kind) {
        case BK_UPDATE: r->update = fn; break;
        case BK_THRESH: r->thresh = fn; break;
        case BK_RESET: r->reset = fn; break;
        case BK_ON_PRE: r->on_pre = fn; break;
        case BK_ON_POST: r->on_post = fn; break;
        case BK_INIT: r->init = fn; break;
        case BK_SUMMED:
            if (b->index < r->nsummed) r->summed[b->index] = fn;
            else ok = false;
            break;
        case BK_EXTRA:
            if (b->index < r->nextras) r->extras[b->index].fn = fn;
            else ok = false;
            break;
        case BK_PATH:
            if (b->index < r->npaths) r->paths[b->index].fn = fn;
            else ok = false;
            break;
        default: ok = false; break;
        }
    }
    /* the runtime calls every extra, summed and pathway function it has */
    for (int q = 0; q < r->nextras; q++) ok &= r->extras[q].fn != NULL;
    for (int q = 0; q < r->nsummed; q++) ok &= r->summed[q] != NULL;
    for (int q = 0; q < r->npaths; q++) ok &= r->paths[q].fn != NULL;
    return ok;
}

bool build_rebind(Net *net, const Model *M, const BlockTable *B, Jit *jit)
{
    bool ok = true;
    for (int k = 0; k < M->ngroups; k++) {
        RtGroup *r = net_find_group(net, M->groups[k]->name);
        ok = ok && r && bind_blocks(r, M->groups[k], B, jit);
    }
    return ok;
}

static int cmp_gen(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : (x[1] > y[1]) - (x[1] < y[1]);
}

/* Spike generator: times to steps as Brian2 does (timestep(t, dt)), sorted
 * by step and then index. */
static int make_generator(RtGroup *r, const Group *g, double dt)
{
    int64_t *pairs = malloc(sizeof *pairs * 2 * (size_t)(g->ngen + 1));
    r->gen_step = malloc(sizeof *r->gen_step * (size_t)(g->ngen + 1));
    r->gen_idx = malloc(sizeof *r->gen_idx * (size_t)(g->ngen + 1));
    if (!pairs || !r->gen_step || !r->gen_idx) {
        free(pairs);
        return SNN_ENOMEM;
    }
    for (int k = 0; k < g->ngen; k++) {
        pairs[2 * k] = snn_timestep(g->gen_t[k], dt);
        pairs[2 * k + 1] = g->gen_idx[k];
    }
    qsort(pairs, (size_t)g->ngen, 2 * sizeof *pairs, cmp_gen);
    for (int k = 0; k < g->ngen; k++) {
        r->gen_step[k] = pairs[2 * k];
        r->gen_idx[k] = (int32_t)pairs[2 * k + 1];
    }
    free(pairs);
    r->ngen = (size_t)g->ngen;
    r->gen_period = g->gen_period > 0 ? (int64_t)(g->gen_period / dt + 0.5) : 0;
    return SNN_OK;
}

/* The groups of M, in model order in rt[], with their block functions and
 * synapses. */
static int build_groups(Net *net, const Model *M, const BlockTable *B, Jit *jit, RtGroup **rt, BuildError *err)
{
    for (int k = 0; k < M->ngroups; k++) {
        const Group *g = M->groups[k];
        char **names = calloc((size_t)g->nvars + 1, sizeof *names);
        double *init = calloc((size_t)g->nvars + 1, sizeof *init);
        RtGroup *r = NULL;
        if (names && init) {
            for (int v = 0; v < g->nvars; v++) {
                names[v] = (char *)g->vars[v]->name;
                init[v] = g->vars[v]->role == VR_LASTSPIKE ? SNN_LASTSPIKE_INIT : g->vars[v]->role == VR_NOTREF ? 1.0 : 0.0;
            }
            r = net_add_group(net, g->name, g->kind == G_NEURONS ? RG_NEURONS : RG_SYNAPSES,
                              g->kind == G_NEURONS ? g->N : 0, g->nvars, names, init);
        }
        free(names);
        free(init);
        if (!r) return SNN_ENOMEM;
        rt[k] = r;
        /* schedule: Brian2's defaults shifted by the group's order */
        r->w_update.order = r->w_thresh.order = r->w_reset.order = g->order;
        r->w_pre.order = g->has_pre_order ? g->pre_order : g->order - 1;
        r->w_post.order = g->has_post_order ? g->post_order : g->order + 1;
        if (g->kind == G_SYNAPSES) {
            r->w_summed.order = g->tgt->order - 1;
            if (g->summed_slot >= 0) r->w_summed.slot = g->summed_slot;
        }
        if (g->nextras) {
            r->extras = calloc((size_t)g->nextras, sizeof *r->extras);
            if (!r->extras) return SNN_ENOMEM;
            for (int q = 0; q < g->nextras; q++) {
                r->extras[q].when = (When){ g->extras[q].slot, g->extras[q].order };
                r->extras[q].every = g->extras[q].every > 0 ? (int64_t)(g->extras[q].every / M->dt + 0.5) : 1;
                if (r->extras[q].every < 1) r->extras[q].every = 1;
            }
            r->nextras = g->nextras;
            net->has_extras = true;
        }
        if (g->npaths) {
            r->paths = calloc((size_t)g->npaths, sizeof *r->paths);
            if (!r->paths) return SNN_ENOMEM;
            r->npaths = g->npaths;
            for (int q = 0; q < g->npaths; q++) {
                struct RtPath *p = &r->paths[q];
                p->name = strdup(g->paths[q].name);
                p->post = g->paths[q].post;
                p->delay_steps = (int)(g->paths[q].delay / M->dt + 0.5);
                p->queue = calloc((size_t)p->delay_steps + 1, sizeof *p->queue);
                p->when = WHEN(SLOT_SYNAPSES, g->paths[q].order);
                if (!p->name || !p->queue) return SNN_ENOMEM;
            }
        }
        if (g->generator) {
            int rc = make_generator(r, g, M->dt);
            if (rc) return rc;
        }
        if (g->nsummed) {
            r->summed = calloc((size_t)g->nsummed, sizeof *r->summed);
            if (!r->summed) return SNN_ENOMEM;
            r->nsummed = g->nsummed;
        }
        if (!bind_blocks(r, g, B, jit)) return SNN_EJIT;
        if (g->kind == G_SYNAPSES) {
            r->src = rt[g->src->index];
            r->tgt = rt[g->tgt->index];
            r->delay_var = g->delay_var ? g->delay_var->var_index : -1;
            if (g->delay) r->delay_steps = (int)(g->delay_s / M->dt + 0.5);
            int rc = connect_all(net, r, g, B, jit, err);
            if (rc) return rc;
            if (!net_finish_synapses(r)) return SNN_ENOMEM;
        }
    }
    return SNN_OK;
}

/* The monitors of M, recording the groups rt[] made for M's groups. */
static int build_monitors(Net *net, const Model *M, RtGroup **rt, BuildError *err)
{
    for (int k = 0; k < M->nmonitors; k++) {
        const Monitor *m = M->monitors[k];
        int kind = m->kind == MON_SPIKE ? RM_SPIKE : m->kind == MON_RATE ? RM_RATE : RM_STATE;
        RtMonitor *r = net_add_monitor(net, m->name, kind, rt[m->group->index]);
        if (!r) return SNN_ENOMEM;
        if (m->when_slot >= 0) r->when.slot = m->when_slot;
        if (m->has_order) r->when.order = m->order;
        if (m->kind == MON_STATE) {
            r->every = m->rec_dt > 0 ? (int64_t)(m->rec_dt / M->dt + 0.5) : 1;
            if (r->every < 1) r->every = 1;
            r->nvars = m->nvars;
            r->vars = calloc((size_t)m->nvars, sizeof *r->vars);
            r->varnames = calloc((size_t)m->nvars, sizeof *r->varnames);
            int64_t n = m->record_all ? r->group->n : m->nrecord;
            r->nrec = (int)n;
            r->rec = calloc((size_t)(n > 0 ? n : 1), sizeof *r->rec);
            if (!r->vars || !r->varnames || !r->rec) return SNN_ENOMEM;
            for (int v = 0; v < m->nvars; v++) {
                r->vars[v] = m->vars[v]->var_index;
                r->varnames[v] = strdup(m->names ? m->names[v] : m->vars[v]->name);
            }
            for (int64_t q = 0; q < n; q++) {
                r->rec[q] = m->record_all ? (int32_t)q : m->record[q];
                if (r->rec[q] >= r->group->n)
                    return build_fail(err, m->span, "%s records index %d, but %s has only %lld", m->name,
                                      r->rec[q], m->group->name, (long long)r->group->n);
            }
        }
    }
    return SNN_OK;
}

int build_network(const Model *M, const BlockTable *B, Jit *jit, uint64_t seed, Net **out, BuildError *err)
{
    err->set = false;
    err->msg[0] = 0;
    /* 'seed = N' in the model applies unless a seed was given (--seed) */
    Net *net = net_new(M->dt, seed == 0 && M->has_seed ? M->seed : seed);
    if (!net) return SNN_ENOMEM;
    *out = net;
    net->nconsts = M->nconsts;
    net->consts = calloc((size_t)M->nconsts + 1, sizeof *net->consts);
    net->const_names = calloc((size_t)M->nconsts + 1, sizeof *net->const_names);
    if (!net->consts || !net->const_names) return SNN_ENOMEM;
    for (int k = 0; k < M->nconsts; k++) {
        net->consts[k] = M->consts[k]->value;
        net->const_names[k] = strdup(M->consts[k]->name);
    }
    RtGroup **rt = calloc((size_t)M->ngroups + 1, sizeof *rt);
    if (!rt) return SNN_ENOMEM;
    int rc = build_groups(net, M, B, jit, rt, err);
    if (!rc) rc = build_monitors(net, M, rt, err);
    free(rt);
    if (rc) return rc;
    if (net_init(net)) return SNN_ENOMEM;
    /* Brian2 runs the objects of one slot in name order */
    if (net->ngroups > 1) qsort(net->groups, (size_t)net->ngroups, sizeof *net->groups, cmp_group_name);
    return SNN_OK;
}
