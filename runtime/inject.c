/* SPDX-License-Identifier: MIT */
/* This file contains the spikes added from outside (snn_add_spikes, in
 * state.c): the lists of pending spikes, and the network operation that
 * merges the ones due into a group's spikes of the step, as its threshold
 * would have. */
#include "api_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {====================================================================
 * Pending external spikes
 * ===================================================================== */

void injections_free(Injections *inj)
{
    for (int k = 0; k < inj->n; k++) {
        free(inj->v[k].group);
        free(inj->v[k].idx);
        free(inj->v[k].step);
    }
    free(inj->v);
    inj->v = NULL;
    inj->n = 0;
}

static InjList *inj_list(Injections *inj, const char *group)
{
    for (int k = 0; k < inj->n; k++)
        if (!strcmp(inj->v[k].group, group)) return &inj->v[k];
    InjList *v = realloc(inj->v, sizeof *v * (size_t)(inj->n + 1));
    if (!v) return NULL;
    inj->v = v;
    InjList *l = &v[inj->n];
    memset(l, 0, sizeof *l);
    size_t len = strlen(group) + 1;
    l->group = malloc(len);
    if (!l->group) return NULL;
    memcpy(l->group, group, len);
    inj->n++;
    return l;
}

static bool inj_reserve(InjList *l, size_t n)
{
    if (n <= l->cap) return true;
    size_t cap = l->cap ? l->cap : 16;
    while (cap < n) cap *= 2;
    int32_t *i = realloc(l->idx, cap * sizeof *i);
    if (!i) return false;
    l->idx = i;
    int64_t *s = realloc(l->step, cap * sizeof *s);
    if (!s) return false;
    l->step = s;
    l->cap = cap;
    return true;
}

bool injections_add(Injections *inj, const char *group, int32_t idx, int64_t step)
{
    InjList *l = inj_list(inj, group);
    if (!l || !inj_reserve(l, l->n + 1)) return false;
    size_t at = l->n;
    while (at > 0 && (l->step[at - 1] > step || (l->step[at - 1] == step && l->idx[at - 1] > idx))) at--;
    memmove(l->idx + at + 1, l->idx + at, (l->n - at) * sizeof *l->idx);
    memmove(l->step + at + 1, l->step + at, (l->n - at) * sizeof *l->step);
    l->idx[at] = idx;
    l->step[at] = step;
    l->n++;
    return true;
}

/* {====================================================================
 * Added spikes
 * ===================================================================== */

/* Merge the added spikes due now into a group's spikes of this step (sorted,
 * no duplicates), as its threshold would: lastspike, refractoriness, spike
 * monitors. */
static bool inject_group(Net *net, InjList *l, size_t due)
{
    RtGroup *g = net_find_group(net, l->group);
    if (!g || g->kind != RG_NEURONS || g->n <= 0) return true;
    int32_t *merged = malloc(sizeof *merged * ((size_t)g->nspikes + due));
    if (!merged) return false;
    int32_t n = 0, a = 0;
    size_t b = 0;
    while (a < g->nspikes || b < due) {
        int32_t x;
        if (b < due && (l->idx[b] < 0 || l->idx[b] >= g->n)) {
            b++;
            continue;
        }
        if (a < g->nspikes && (b >= due || g->spikes[a] <= l->idx[b])) x = g->spikes[a++];
        else x = l->idx[b++];
        if (!n || merged[n - 1] != x) merged[n++] = x;
    }
    int ls = net_var_index(g, "lastspike"), nr = net_var_index(g, "not_refractory");
    for (size_t q = 0; q < due; q++) {
        int32_t i = l->idx[q];
        if (i < 0 || i >= g->n) continue;
        if (ls >= 0) g->arr[ls][i] = net_now(net);
        if (nr >= 0) g->arr[nr][i] = 0.0;
    }
    /* spike monitors of the thresholds slot have recorded this step's
     * spikes: record the merged ones instead (later ones see them) */
    for (int k = 0; k < net->nmonitors; k++) {
        RtMonitor *m = net->monitors[k];
        if (m->kind != RM_SPIKE || m->event || m->group != g || SLOT_OF_POS(m->when.slot) != SLOT_THRESHOLDS)
            continue;
        net_unrecord_spikes(m, g->spikes, (size_t)g->nspikes, net->step);
        if (!net_record_spikes(m, merged, (size_t)n, net->step)) {
            free(merged);
            return false;
        }
    }
    memcpy(g->spikes, merged, sizeof *merged * (size_t)n);
    g->nspikes = n;
    free(merged);
    return true;
}

/* The injection operation: before the thresholds' spikes are used, add the
 * spikes due at this step (and drop any that were missed). */
static int inject_op(void *ud, Net *net)
{
    snn_ctx *ctx = ud;
    for (int k = 0; k < ctx->inj.n; k++) {
        InjList *l = &ctx->inj.v[k];
        size_t old = 0, due = 0;
        while (old < l->n && l->step[old] < net->step) old++;      /* missed: drop */
        while (old + due < l->n && l->step[old + due] == net->step) due++;
        if (due) {
            memmove(l->idx, l->idx + old, due * sizeof *l->idx);
            if (!inject_group(net, l, due)) {
                snprintf(net->fail, sizeof net->fail, "spike injection into %s", l->group);
                return 1;
            }
        }
        size_t used = old + due;
        if (!used) continue;
        memmove(l->idx, l->idx + used, (l->n - used) * sizeof *l->idx);
        memmove(l->step, l->step + used, (l->n - used) * sizeof *l->step);
        l->n -= used;
    }
    return 0;
}

bool api_add_inject_op(snn_ctx *ctx)
{
    if (ctx->inj_op) return true;
    if (!net_add_op(ctx->net, SLOT_THRESHOLDS, 1, inject_op, ctx)) return false;
    NetOp op = ctx->net->ops[ctx->net->nops - 1];
    memmove(ctx->net->ops + 1, ctx->net->ops, sizeof op * (size_t)(ctx->net->nops - 1));
    ctx->net->ops[0] = op;
    ctx->inj_op = true;
    return true;
}


