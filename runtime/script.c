/* SPDX-License-Identifier: MIT */
/* This file contains the model's script: its 'run' statements and, in file
 * order between them, the prints and the actions (assignments compiled as
 * block functions, new values of constants, objects switched off and on,
 * store and restore, a spike generator's new spikes), as Brian2 runs the
 * statements of a script between its run() calls.  Also the API of those
 * actions: snn_set_active, snn_store and snn_restore. */
#include "api_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "snapshot.h"

/* Copy n elements of size sz (NULL for none). */
static void *copy_of(const void *p, size_t n, size_t sz)
{
    void *q = malloc(n * sz + 1);
    if (q && n) memcpy(q, p, n * sz);
    return q;
}

int snn_store(snn_ctx *ctx, const char *name)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (!name) name = "default";
    StoredState st = { 0 };
    if (api_not_running(ctx, "snn_store")) return SNN_EMISUSE;
    int rc = api_own_order(ctx);
    if (rc) return rc;
    Net *net = ctx->net;
    st.snap = snapshot_encode(net, &ctx->inj, &st.size);
    st.name = api_strdup(name);
    st.ngroups = net->ngroups;
    st.gen = calloc((size_t)net->ngroups + 1, sizeof *st.gen);
    bool ok = st.snap && st.name && st.gen;
    for (int k = 0; ok && k < net->ngroups; k++) {
        RtGroup *g = net->groups[k];
        if (!g->gen_step) continue;
        GenSpikes *gs = &st.gen[k];
        gs->step = copy_of(g->gen_step, g->ngen, sizeof *g->gen_step);
        gs->idx = copy_of(g->gen_idx, g->ngen, sizeof *g->gen_idx);
        gs->n = g->ngen;
        gs->period = g->gen_period;
        ok = gs->step && gs->idx;
    }
    StoredState *v = ok ? realloc(ctx->stored, sizeof *v * (size_t)(ctx->nstored + 1)) : NULL;
    if (!v) {
        api_stored_free(&st);
        return api_set_error(ctx, SNN_ENOMEM, "out of memory while storing the state");
    }
    ctx->stored = v;
    for (int k = 0; k < ctx->nstored; k++)
        if (!strcmp(v[k].name, name)) {
            api_stored_free(&v[k]);
            v[k] = st;
            return SNN_OK;
        }
    v[ctx->nstored++] = st;
    return SNN_OK;
}

/* Restore what was stored under name; random_state false: the draws after
 * it are fresh (a new restore epoch, net.h), as Brian2's restore(). */
static int restore_stored(snn_ctx *ctx, const char *name, bool random_state)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (!name) name = "default";
    StoredState *st = NULL;
    for (int k = 0; k < ctx->nstored; k++)
        if (!strcmp(ctx->stored[k].name, name)) st = &ctx->stored[k];
    if (!st) return api_set_error(ctx, SNN_ENOTFOUND, "snn_restore: nothing was stored under the name '%s'", name);
    int rc = api_own_order(ctx);
    if (rc) return rc;
    Net *net = ctx->net;
    if (net->ngroups != st->ngroups)
        return api_set_error(ctx, SNN_EMISUSE, "snn_restore: the network changed since '%s' was stored", name);
    /* the generators' spikes first, so that the snapshot fits them */
    for (int k = 0; k < net->ngroups; k++) {
        RtGroup *g = net->groups[k];
        GenSpikes *gs = &st->gen[k];
        if (!gs->step || !g->gen_step) continue;
        int64_t *step = copy_of(gs->step, gs->n, sizeof *gs->step);
        int32_t *idx = copy_of(gs->idx, gs->n, sizeof *gs->idx);
        if (!step || !idx) {
            free(step);
            free(idx);
            return api_set_error(ctx, SNN_ENOMEM, "out of memory while restoring the state");
        }
        free(g->gen_step);
        free(g->gen_idx);
        g->gen_step = step;
        g->gen_idx = idx;
        g->ngen = gs->n;
        g->gen_period = gs->period;
        g->gen_pos = 0;
        g->gen_offset = 0;
    }
    uint64_t used = net->rng_epochs_used;
    rc = api_restore_keep_consts(ctx, st->snap, st->size, "restore");
    if (!rc && !random_state) net_new_rng_epoch(ctx->net, used);
    return rc;
}

int snn_restore(snn_ctx *ctx, const char *name)
{
    return restore_stored(ctx, name, false);
}

int snn_restore_random_state(snn_ctx *ctx, const char *name)
{
    return restore_stored(ctx, name, true);
}


int snn_set_active(snn_ctx *ctx, const char *name, int active)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (!name) return api_set_error(ctx, SNN_EMISUSE, "snn_set_active: no name");
    if (api_not_running(ctx, "snn_set_active")) return SNN_EMISUSE;
    int rc = api_ensure_built(ctx);
    if (rc) return rc;
    RtGroup *g = net_find_group(ctx->net, name);
    RtMonitor *m = g ? NULL : net_find_monitor(ctx->net, name);
    if (g) g->inactive = !active;
    else if (m) m->inactive = !active;
    else {
        /* a Poisson input: a block of its target group */
        bool found = false;
        for (int k = 0; k < ctx->net->ngroups; k++)
            for (int q = 0; q < ctx->net->groups[k]->nextras; q++) {
                struct RtExtra *x = &ctx->net->groups[k]->extras[q];
                if (x->name && !strcmp(x->name, name)) x->inactive = !active, found = true;
            }
        if (!found)
            return api_set_error(ctx, SNN_ENOTFOUND, "snn_set_active: no group, synapses, input or monitor named '%s'",
                                 name);
    }
    return SNN_OK;
}

/* An error of the script found while it runs, located at the statement
 * as a compile error is. */
static int script_error(snn_ctx *ctx, Span span, const char *msg)
{
    const Diag *D = compile_add_error(&ctx->cur, DC_BUILD, span, msg);
    if (!D) return api_set_error(ctx, SNN_ENOMEM, "out of memory");
    api_take_diags(ctx, D, &ctx->cur);
    return compile_code_status(DC_BUILD);
}

/* The synapse indices an assignment names one by one (S.w[k], S.w[[..]]),
 * and those of a slice given a list of values (S.w[0:3] = [...]), must
 * exist; synapses are counted only once connected. */
static int check_indices(snn_ctx *ctx, const Action *a, const RtGroup *g)
{
    /* MPI ranks hold parts of the synapses, numbered by their own positions */
    if (g->split && (a->single || a->sel || a->list || a->lo > 0 || a->hi >= 0))
        return script_error(ctx, a->span, "synapses split over MPI ranks cannot be set by synapse number (S.w[k], "
                            "S.w[a:b], a list of values); select them by a condition on i and j (S.w['i == 3 and j == 5'] = ...), or run "
                            "in one process");
    int64_t bad = -1;
    if ((a->single || (a->list && !a->sel)) && a->hi > g->n) bad = a->hi - 1;
    for (int k = 0; a->sel && k < a->nsel && bad < 0; k++)
        if (a->sel[k] >= g->n) bad = a->sel[k];
    if (bad < 0) return SNN_OK;
    char msg[256];
    snprintf(msg, sizeof msg, "%s has no synapse %lld: it has %lld (indices 0 to %lld)", g->name, (long long)bad,
             (long long)g->n, (long long)g->n - 1);
    return script_error(ctx, a->span, msg);
}

/* Run action a of the model's script. */
static int run_action(snn_ctx *ctx, const Action *a)
{
    Net *net = ctx->net;
    switch (a->kind) {
    case ACT_ASSIGN: {
        const BlockFn *b = block_find(&ctx->cur.blocks, a->group, BK_ASSIGN, a->index);
        snn_block_fn fn = b ? (snn_block_fn)jit_symbol(ctx->jit, b->name) : NULL;
        RtGroup *g = net_find_group(net, a->group->name);
        if (!fn || !g) return api_set_error(ctx, SNN_EJIT, "error: the code of an assignment is missing (a bug in snnc)");
        int rc = check_indices(ctx, a, g);
        if (!rc && !net_order_own(net, g))     /* by synapse number */
            rc = api_set_error(ctx, SNN_ENOMEM, "out of memory while putting synapses back in their order");
        if (!rc) net_call_block(net, g, fn);
        return rc;
    }
    case ACT_CONST: return snn_set_const(ctx, a->name, a->value);
    case ACT_ACTIVE: return snn_set_active(ctx, a->name, a->value != 0);
    case ACT_STORE: return a->file ? api_store_to_file(ctx, a->name, a->file) : snn_store(ctx, a->name);
    case ACT_RESTORE: {
        if (!a->file) return restore_stored(ctx, a->name, a->random_state);
        int rc = api_own_order(ctx);
        /* its errors are reported once, located, below */
        snn_error_cb cb = ctx->cb;
        ctx->cb = NULL;
        uint64_t used = rc ? 0 : ctx->net->rng_epochs_used;
        if (!rc) rc = api_restore_from_file(ctx, a->name, a->file);
        if (!rc && !a->random_state) net_new_rng_epoch(ctx->net, used);
        ctx->cb = cb;
        if (rc == SNN_EMISUSE || rc == SNN_EIO || rc == SNN_ENOTFOUND) {
            /* the file is the script's input: say where it was named */
            char msg[600];
            snprintf(msg, sizeof msg, "%s", snn_errmsg(ctx));
            size_t n = strlen(msg);
            if (n && msg[n - 1] == '\n') msg[n - 1] = 0;
            api_clear_error(ctx);
            return script_error(ctx, a->span, msg);
        }
        return rc;
    }
    case ACT_DT: {
        char err[300];
        int rc = api_change_dt(ctx, a->value, false, err, sizeof err);
        if (rc == SNN_EMISUSE) return script_error(ctx, a->span, err);
        if (rc == SNN_ENOMEM) return api_set_error(ctx, rc, "out of memory while changing dt");
        return rc;
    }
    case ACT_T: return api_set_time(ctx, a->value);
    case ACT_GROUP_DT: {
        char err[300];
        int rc = api_change_group_dt(ctx, a->group->name, a->value, err, sizeof err);
        if (rc == SNN_EMISUSE) return script_error(ctx, a->span, err);
        if (rc == SNN_ENOMEM) return api_set_error(ctx, rc, "out of memory while changing the dt of %s", a->group->name);
        return rc;
    }
    case ACT_SPIKES: {
        RtGroup *g = net_find_group(net, a->group->name);
        if (!g) return api_set_error(ctx, SNN_ENOTFOUND, "no spike generator named '%s'", a->group->name);
        if (build_set_spikes(g, a->gen_idx, a->gen_t, a->ngen, a->gen_period, net->dt, -net->clock_base))
            return api_set_error(ctx, SNN_ENOMEM, "out of memory while setting the spikes of %s", g->name);
        return SNN_OK;
    }
    }
    return SNN_OK;
}

int snn_run_script(snn_ctx *ctx)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (!ctx->cur.model) return api_set_error(ctx, SNN_EMISUSE, "no model is loaded");
    if (api_not_running(ctx, "snn_run_script")) return SNN_EMISUSE;
    const Model *M = ctx->cur.model;
    /* prints and actions read and change the network */
    int p = 0, q = 0, rc = M->nprints || M->nactions ? api_ensure_built(ctx) : SNN_OK;
    /* the script starts with every object active, as declared */
    for (int k = 0; !rc && ctx->net && k < ctx->net->ngroups; k++) {
        ctx->net->groups[k]->inactive = false;
        for (int q = 0; q < ctx->net->groups[k]->nextras; q++) ctx->net->groups[k]->extras[q].inactive = false;
    }
    for (int k = 0; !rc && ctx->net && k < ctx->net->nmonitors; k++) ctx->net->monitors[k]->inactive = false;
    for (int k = 0; k <= M->nruns && !rc; k++) {
        for (;;) {
            bool pp = p < M->nprints && M->prints[p].after_run <= k;
            bool qq = q < M->nactions && M->actions[q].after_run <= k;
            if (rc || (!pp && !qq)) break;
            if (pp && (!qq || M->prints[p].order < M->actions[q].order)) rc = api_print(ctx, &M->prints[p++]);
            else rc = run_action(ctx, &M->actions[q++]);
        }
        /* the runs after this one count for the optimising tier's decision */
        ctx->script_left = 0;
        double dt = ctx->net ? ctx->net->dt : M->dt;   /* (a later dt change is not foreseen) */
        for (int r = k + 1; r < M->nruns; r++) ctx->script_left += (int64_t)floor(M->runs[r] / dt + 0.5);
        if (!rc && k < M->nruns) rc = snn_run(ctx, M->runs[k]);
    }
    ctx->script_left = 0;
    return rc;
}
