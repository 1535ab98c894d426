/* SPDX-License-Identifier: MIT */
/* This file contains the network's clock across dt changes between runs,
 * Brian2's `defaultclock.dt = ...` after a run (brian2/core/clocks.py,
 * network.py): the time stays, the new dt applies from the next run, and a
 * time that is not a multiple of the new dt is an error.  The network's
 * step keeps counting the steps done (so random numbers never repeat and
 * recorded steps stay valid); Brian2's clock index is step + clock_base,
 * and each dt is an epoch that turns recorded steps into times.  What is
 * kept in steps is converted at the change: the clocks of objects with a
 * dt of their own, delays (from their seconds), spikes in the synaptic
 * queues (they keep their arrival time, as Brian2's queues re-bin them),
 * spike generators' spikes and pending external spikes. */
#include "api_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inject.h"

/* Brian2's timestep of t (rounded, or up when t is not within 1e-4 dt of a
 * step) as run.c counts the end of a run. */
static int64_t clock_index(double t, double dt)
{
    double n = nearbyint(t / dt);
    if (n * dt == t || fabs(n * dt - t) / dt <= 1e-4) return (int64_t)n;
    return (int64_t)ceil(t / dt);
}

/* The clock of an object with a period of its own (seconds) in steps of dt;
 * false if it is not a whole multiple (snnc runs such clocks on the
 * network's steps). */
static bool whole_steps(double period, double dt, int64_t *out)
{
    double n = nearbyint(period / dt);
    if (n < 1 || fabs(n * dt - period) > 1e-9 * period) return false;
    *out = (int64_t)n;
    return true;
}

/* A ring of delay+1 spike lists re-binned for a new ring: list k steps
 * ahead of pos arrives after k*ratio new steps (rounded).  *queue, *pos
 * and the old size in; the new ring (size new_size, pos 0) out.  False on
 * out of memory, or with *late set when a spike would fall beyond it. */
static bool rebin(I32Vec **queue, int *pos, int old_size, int new_size, double ratio, bool *late)
{
    I32Vec *old = *queue, *q = calloc((size_t)new_size, sizeof *q);
    if (!q) return false;
    for (int k = 0; k < old_size; k++) {
        I32Vec *from = &old[(*pos + k) % old_size];
        if (!from->n) continue;
        int at = (int)(k * ratio + 0.5);
        if (at >= new_size) *late = true;
        if (at >= new_size) at = new_size - 1;
        for (size_t e = 0; e < from->n; e++)
            if (!i32vec_push(&q[at], from->v[e])) return false;
    }
    for (int k = 0; k < old_size; k++) free(old[k].v);
    free(old);
    *queue = q;
    *pos = 0;
    return true;
}

/* Heterogeneous delays (of on_pre, path -1, or of pathway path of g): each
 * synapse's delay again from its seconds in the new steps (the ring *queue
 * at *pos, of old_size lists, gets the new length *steps + 1), and the
 * queued spikes re-binned by ratio; an snn error code. */
static int redo_ring(Net *net, RtGroup *g, int path, I32Vec **queue, int *pos, int *steps, int old_size, double ratio,
                     bool *late, char *err, size_t errlen)
{
    I32Vec *ring = *queue;
    int at = *pos;
    *queue = calloc((size_t)old_size, sizeof **queue);
    if (!*queue) {
        *queue = ring;
        return SNN_ENOMEM;
    }
    int rc = net_redo_delays(net, g, path);
    if (rc) {
        for (int k = 0; k < old_size; k++) free(ring[k].v);
        free(ring);
        snprintf(err, errlen, "%s", net->fail);
        return rc == -1 ? SNN_ENOMEM : SNN_EMISUSE;
    }
    /* the new ring is *queue (empty); move the spikes into it */
    I32Vec *fresh = *queue;
    if (!rebin(&ring, &at, old_size, *steps + 1, ratio, late)) return SNN_ENOMEM;
    for (int k = 0; k <= *steps; k++) free(fresh[k].v);
    free(fresh);
    *queue = ring;
    *pos = at;
    return SNN_OK;
}

static int convert_synapses(snn_ctx *ctx, const Group *mg, RtGroup *g, double src_old, double src_new, double tgt_old,
                            double tgt_new, char *err, size_t errlen);

/* A spike generator's spikes after their steps changed to a longer dt:
 * still in step order, but several old steps may share a new one; each
 * such step's spikes sorted by index again.  False (with err) when one
 * neuron now spikes twice in a step, which Brian2 refuses too. */
static bool resort_generator(RtGroup *g, char *err, size_t errlen, double new_dt)
{
    for (size_t lo = 0, hi; lo < g->ngen; lo = hi) {
        for (hi = lo + 1; hi < g->ngen && g->gen_step[hi] == g->gen_step[lo]; hi++) {}
        for (size_t k = lo + 1; k < hi; k++)   /* insertion sort of a step's few spikes */
            for (size_t m = k; m > lo && g->gen_idx[m - 1] > g->gen_idx[m]; m--) {
                int32_t x = g->gen_idx[m];
                g->gen_idx[m] = g->gen_idx[m - 1];
                g->gen_idx[m - 1] = x;
            }
        for (size_t k = lo + 1; k < hi; k++)
            if (g->gen_idx[k] == g->gen_idx[k - 1]) {
                snprintf(err, errlen, "with the new dt %g ms, neuron %d of %s spikes more than once in its step %lld "
                         "(Brian2 refuses this too; give the spikes times at least one new dt apart)",
                         new_dt * 1e3, g->gen_idx[k], g->name, (long long)g->gen_step[k]);
                return false;
            }
    }
    return true;
}

/* The clocks (in steps of new_dt) of g's objects with a period of their
 * own, its delays and queues. */
static int convert_group(snn_ctx *ctx, const Group *mg, RtGroup *g, double old_dt, double new_dt, char *err,
                         size_t errlen)
{
    Net *net = ctx->net;
    if (mg->clock_dt > 0 && !whole_steps(mg->clock_dt, new_dt, &g->every)) {
        snprintf(err, errlen, "the dt of %s (%g ms) is not a multiple of the new dt %g ms", g->name,
                 mg->clock_dt * 1e3, new_dt * 1e3);
        return SNN_EMISUSE;
    }
    for (int q = 0; q < g->nextras && q < mg->nextras; q++) {
        double every = mg->extras[q].every;
        g->extras[q].every = every > 0 ? (int64_t)(every / new_dt + 0.5) : g->every;
        if (g->extras[q].every < 1) g->extras[q].every = 1;
    }
    if (g->gen_step) {
        /* the spikes' times since the start of the period, in new steps */
        double t_off = net_time_at(net, g->gen_offset);
        int64_t now_rel = (net->step + net->clock_base) - clock_index(t_off, old_dt);
        int64_t ev = g->every > 1 ? g->every : 1;   /* (already in steps of new_dt) */
        for (size_t k = 0; k < g->ngen; k++)
            g->gen_step[k] = snn_timestep((double)g->gen_step[k] * old_dt, new_dt * (double)ev) * ev;
        g->gen_period = (int64_t)((double)g->gen_period * old_dt / new_dt + 0.5);
        int64_t new_rel = snn_timestep((double)now_rel * old_dt, new_dt);
        g->gen_offset = net->step - new_rel;
        if (!resort_generator(g, err, errlen, new_dt)) return SNN_EMISUSE;
    }
    if (g->kind != RG_SYNAPSES) return SNN_OK;
    /* a pathway's steps are its source's (its target's for on_post) */
    const Group *src = mg->src, *tgt = mg->tgt;
    return convert_synapses(ctx, mg, g, src->clock_dt > 0 ? src->clock_dt : old_dt,
                            src->clock_dt > 0 ? src->clock_dt : new_dt, tgt->clock_dt > 0 ? tgt->clock_dt : old_dt,
                            tgt->clock_dt > 0 ? tgt->clock_dt : new_dt, err, errlen);
}

/* Synapses g (model mg) whose source's clock step goes from src_old to
 * src_new seconds, its target's from tgt_old to tgt_new: delays in the new
 * steps, and the queued spikes re-binned at their arrival times. */
static int convert_synapses(snn_ctx *ctx, const Group *mg, RtGroup *g, double src_old, double src_new, double tgt_old,
                            double tgt_new, char *err, size_t errlen)
{
    Net *net = ctx->net;
    bool late = false;
    int old_size = g->delay_steps + 1;
    if (g->syn_delay) {
        int rc = redo_ring(net, g, -1, &g->queue, &g->queue_pos, &g->delay_steps, old_size, src_old / src_new, &late,
                           err, errlen);
        if (rc) return rc;
    } else {
        if (mg->delay) g->delay_steps = (int)(mg->delay_s / src_new + 0.5);
        if (!rebin(&g->queue, &g->queue_pos, old_size, g->delay_steps + 1, src_old / src_new, &late))
            return SNN_ENOMEM;
    }
    for (int q = 0; q < g->npaths && q < mg->npaths; q++) {
        struct RtPath *p = &g->paths[q];
        double o = p->post ? tgt_old : src_old, n = p->post ? tgt_new : src_new;
        int size = p->delay_steps + 1;
        if (p->syn_delay) {
            int rc = redo_ring(net, g, q, &p->queue, &p->queue_pos, &p->delay_steps, size, o / n, &late, err, errlen);
            if (rc) return rc;
            continue;
        }
        p->delay_steps = (int)(mg->paths[q].delay / n + 0.5);
        if (!rebin(&p->queue, &p->queue_pos, size, p->delay_steps + 1, o / n, &late)) return SNN_ENOMEM;
    }
    if (late) {
        snprintf(err, errlen, "a spike queued in %s would arrive after the largest delay in steps of the new dt",
                 g->name);
        return SNN_EMISUSE;
    }
    return SNN_OK;
}

int api_change_dt(snn_ctx *ctx, double new_dt, bool force, char *err, size_t errlen)
{
    int rc = api_own_order(ctx);
    if (rc) return rc;
    Net *net = ctx->net;
    const Model *M = ctx->cur.model;
    double old_dt = net->dt;
    if (new_dt == old_dt) return SNN_OK;
    /* code that holds numbers computed from the compiled dt */
    if (!force && M->dt_folded) {
        snprintf(err, errlen, "dt cannot change between runs in this model: the coupled linear equations of %s are "
                 "integrated exactly with coefficients computed from dt = %g ms (a matrix exponential); give %s "
                 "another method (e.g. method: rk4) to change dt", M->dt_folded->name, M->dt * 1e3, M->dt_folded->name);
        return SNN_EMISUSE;
    }
    for (int k = 0; !force && k < M->nuserfuncs; k++) {
        const Sym *f = M->userfuncs[k];
        if (f->kind != SYM_TIMEDARRAY) continue;
        /* its lookup's rounding (emit_timedarray) fits steps of the compiled dt or longer */
        double K = 1, r = 8.0 / M->dt * f->value;
        while (K < r) K *= 2;
        if (K < 8.0 / new_dt * f->value) {
            snprintf(err, errlen, "dt cannot change to %g ms in this model: the TimedArray %s is looked up for steps of "
                     "%g ms or longer", new_dt * 1e3, f->name, M->dt * 1e3);
            return SNN_EMISUSE;
        }
    }
    /* the network's time (unrounded after a run, as Brian2's Network.t) */
    bool exact = net == ctx->t_end_net && net->step == ctx->t_end_step;
    double t = exact ? ctx->t_end : net_now(net);
    double old_t = nearbyint(t / old_dt) * old_dt, new_t = nearbyint(t / new_dt) * new_dt;
    if (!force && fabs(new_t - old_t) / new_dt > 1e-4) {
        snprintf(err, errlen, "cannot set dt from %g ms to %g ms: the time %g ms is not a multiple of %g ms", old_dt * 1e3,
                 new_dt * 1e3, t * 1e3, new_dt * 1e3);
        return SNN_EMISUSE;
    }
    /* a group whose own dt was changed between runs (G.dt = ...) is no
     * longer the model's: its clock in the new steps is not known */
    for (int k = 0; k < M->ngroups; k++) {
        const Group *mg = M->groups[k];
        RtGroup *g = net_find_group(net, mg->name);
        int64_t every = mg->clock_dt > 0 ? (int64_t)(mg->clock_dt / old_dt + 0.5) : 1;
        if (g && !force && mg->kind == G_NEURONS && g->every != every) {
            snprintf(err, errlen, "dt cannot change after the dt of %s was changed between runs (change the "
                     "network's dt first)", mg->name);
            return SNN_EMISUSE;
        }
    }
    /* the epochs first, so that times of steps before now stay those of old_dt */
    struct NetEpoch *e = realloc(net->epochs, sizeof *e * (size_t)(net->nepochs + 2));
    if (!e) return SNN_ENOMEM;
    net->epochs = e;
    if (!net->nepochs) e[net->nepochs++] = (struct NetEpoch){ 0, 0, old_dt };
    net->dt = new_dt;   /* delays are computed in it; clock_base is still the old one */
    /* the neuron groups' clocks before the synapses that run on them */
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < M->ngroups; k++) {
            const Group *mg = M->groups[k];
            if ((mg->kind == G_SYNAPSES) != (pass == 1)) continue;
            RtGroup *g = net_find_group(net, mg->name);
            if (!g) continue;
            rc = convert_group(ctx, mg, g, old_dt, new_dt, err, errlen);
            if (rc) return rc;
        }
    for (int k = 0; k < M->nmonitors; k++) {
        const Monitor *mm = M->monitors[k];
        RtMonitor *m = net_find_monitor(net, mm->name);
        if (!m) continue;
        m->every = mm->rec_dt > 0 ? (int64_t)(mm->rec_dt / new_dt + 0.5) : m->group->every;
        if (m->every < 1) m->every = 1;
    }
    /* pending external spikes keep their times */
    for (int k = 0; k < ctx->inj.n; k++) {
        InjList *l = &ctx->inj.v[k];
        for (size_t q = 0; q < l->n; q++) {
            double when = (double)(l->step[q] + net->clock_base) * old_dt;
            l->step[q] = snn_timestep(when, new_dt) - (clock_index(t, new_dt) - net->step);
        }
    }
    net->clock_base = clock_index(t, new_dt) - net->step;
    struct NetEpoch *last = &net->epochs[net->nepochs - 1];
    if (last->first_step == net->step && net->nepochs > 1) *last = (struct NetEpoch){ net->step, net->clock_base, new_dt };
    else net->epochs[net->nepochs++] = (struct NetEpoch){ net->step, net->clock_base, new_dt };
    return SNN_OK;
}

int api_set_time(snn_ctx *ctx, double t)
{
    int rc = api_own_order(ctx);
    if (rc) return rc;
    Net *net = ctx->net;
    int64_t delta = clock_index(t, net->dt) - (net->step + net->clock_base);
    struct NetEpoch *e = realloc(net->epochs, sizeof *e * (size_t)(net->nepochs + 2));
    if (!e) return api_set_error(ctx, SNN_ENOMEM, "out of memory while setting the time");
    net->epochs = e;
    if (!net->nepochs) e[net->nepochs++] = (struct NetEpoch){ 0, 0, net->dt };
    net->clock_base += delta;
    struct NetEpoch *last = &net->epochs[net->nepochs - 1];
    if (last->first_step == net->step && net->nepochs > 1) *last = (struct NetEpoch){ net->step, net->clock_base, net->dt };
    else net->epochs[net->nepochs++] = (struct NetEpoch){ net->step, net->clock_base, net->dt };
    /* spike generators count from clock index 0: their spikes before the
     * new time are passed over, those after it come */
    for (int k = 0; k < net->ngroups; k++) {
        RtGroup *g = net->groups[k];
        if (!g->gen_step) continue;
        g->gen_offset -= delta;
        g->gen_pos = 0;
        if (g->gen_period > 0) {
            int64_t rel = net->step - g->gen_offset;
            g->gen_offset += g->gen_period * (rel >= 0 ? rel / g->gen_period : -((-rel + g->gen_period - 1) / g->gen_period));
        }
    }
    /* the next run starts at t itself (Brian2 keeps the network's t unrounded) */
    ctx->t_end = t;
    ctx->t_end_step = net->step;
    ctx->t_end_net = net;
    return SNN_OK;
}

int api_change_group_dt(snn_ctx *ctx, const char *group, double new_dt, char *err, size_t errlen)
{
    int rc = api_own_order(ctx);
    if (rc) return rc;
    Net *net = ctx->net;
    const Model *M = ctx->cur.model;
    const Group *mg = NULL;
    for (int k = 0; k < M->ngroups; k++)
        if (!strcmp(M->groups[k]->name, group)) mg = M->groups[k];
    RtGroup *g = net_find_group(net, group);
    if (!mg || !g) {
        snprintf(err, errlen, "no group named '%s'", group);
        return SNN_EMISUSE;
    }
    double old_gdt = net->dt * (double)g->every;
    if (new_dt == old_gdt) return SNN_OK;
    int64_t every;
    if (!whole_steps(new_dt, net->dt, &every)) {
        snprintf(err, errlen, "the dt of %s (%g ms) must be a whole multiple of the network's dt = %g ms", group,
                 new_dt * 1e3, net->dt * 1e3);
        return SNN_EMISUSE;
    }
    if (mg->dt_folded) {
        snprintf(err, errlen, "the dt of %s cannot change between runs: its coupled linear equations are integrated "
                 "exactly with coefficients computed from its dt (give it another method, e.g. method: rk4)", group);
        return SNN_EMISUSE;
    }
    /* Brian2's check_dt on the group's clock, at the network's time */
    bool exact = net == ctx->t_end_net && net->step == ctx->t_end_step;
    double t = exact ? ctx->t_end : net_now(net);
    double old_t = nearbyint(t / old_gdt) * old_gdt, new_t = nearbyint(t / new_dt) * new_dt;
    if (fabs(new_t - old_t) / new_dt > 1e-4 || (net->step + net->clock_base) % every) {
        snprintf(err, errlen, "cannot set the dt of %s from %g ms to %g ms: the time %g ms is not a multiple of %g ms",
                 group, old_gdt * 1e3, new_dt * 1e3, t * 1e3, new_dt * 1e3);
        return SNN_EMISUSE;
    }
    int64_t old_every = g->every;
    g->every = every;
    for (int q = 0; q < g->nextras && q < mg->nextras; q++)
        if (!(mg->extras[q].every > 0)) g->extras[q].every = every;
    for (int k = 0; k < M->nmonitors; k++) {
        RtMonitor *m = net_find_monitor(net, M->monitors[k]->name);
        if (m && m->group == g && !(M->monitors[k]->rec_dt > 0)) m->every = every;
    }
    /* synapses with a pathway on its clock */
    for (int k = 0; k < M->ngroups; k++) {
        const Group *ms = M->groups[k];
        if (ms->kind != G_SYNAPSES || (ms->src != mg && ms->tgt != mg)) continue;
        RtGroup *s = net_find_group(net, ms->name);
        if (!s) continue;
        double so = net->dt * (double)(ms->src == mg ? old_every : s->src->every);
        double to = net->dt * (double)(ms->tgt == mg ? old_every : s->tgt->every);
        rc = convert_synapses(ctx, ms, s, so, net->dt * (double)s->src->every, to, net->dt * (double)s->tgt->every, err,
                              errlen);
        if (rc) return rc;
    }
    return SNN_OK;
}
