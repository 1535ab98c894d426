/* SPDX-License-Identifier: MIT */
/* This file contains the on_pre delivery of heterogeneous delays on
 * threads (net.h): during a run each lane of the synapse object (the
 * synapses onto one range of targets, par.h) has a ring of delay slots of
 * its own, and one split per step lets every lane queue its synapses of
 * the spiking sources and deliver its slot due now, with no list shared
 * between threads.  A target's synapses are all in one lane, queued in the
 * order of the whole ring (step by step, source by source, synapse by
 * synapse), so every target variable receives the same additions in the
 * same order as on one thread.  Between runs everything is in the shared
 * ring RtGroup.queue (snapshots, dt changes, thread counts see only it):
 * the first step of a run moves its entries into the lanes, the end of the
 * run moves them back. */
#include "net.h"
#include "par.h"
#include "pool.h"

#include <stdlib.h>

/* The lane of parts whose target range [lo, hi) holds target t. */
static int lane_of(int64_t ntgt, int parts, int32_t t)
{
    int k = (int)((int64_t)t * parts / (ntgt > 0 ? ntgt : 1));
    if (k >= parts) k = parts - 1;
    int32_t lo, hi;
    for (;;) {
        par_range(ntgt, parts, k, &lo, &hi);
        if (t < lo && k > 0) k--;
        else if (t >= hi && k < parts - 1) k++;
        else return k;
    }
}

/* Move s's lane rings back into its shared ring, slot by slot and lane
 * after lane, and free them. */
static bool flush_one(RtGroup *s)
{
    if (!s->lane_queue) return true;
    int size = s->delay_steps + 1;
    bool ok = true;
    for (int q = 0; q < size; q++)
        for (int k = 0; k < s->lane_parts; k++) {
            I32Vec *v = &s->lane_queue[(size_t)k * (size_t)size + (size_t)q];
            ok = ok && i32vec_append(&s->queue[q], v->v, v->n);
        }
    for (int k = 0; k < s->lane_parts * size; k++) free(s->lane_queue[k].v);
    free(s->lane_queue);
    s->lane_queue = NULL;
    s->lane_parts = 0;
    return ok;
}

bool net_flush_lane_rings(Net *net)
{
    bool ok = true;
    for (int k = 0; k < net->ngroups; k++)
        if (net->groups[k]->lane_queue) ok = flush_one(net->groups[k]) && ok;
    return ok;
}

/* The lane rings of s for parts lanes, with what the shared ring holds
 * moved into them (each id to its target's lane, in order). */
static bool open_lanes(RtGroup *s, int parts)
{
    if (s->lane_queue && s->lane_parts == parts) return true;
    if (!flush_one(s)) return false;
    int size = s->delay_steps + 1;
    s->lane_queue = calloc((size_t)parts * (size_t)size, sizeof *s->lane_queue);
    if (!s->lane_queue) return false;
    s->lane_parts = parts;
    for (int q = 0; q < size; q++) {
        I32Vec *shared = &s->queue[q];
        for (size_t m = 0; m < shared->n; m++) {
            int32_t id = shared->v[m];
            I32Vec *v = &s->lane_queue[(size_t)lane_of(s->tgt_n, parts, s->post.v[id]) * (size_t)size + (size_t)q];
            if (!i32vec_push(v, id)) return false;
        }
        shared->n = 0;
    }
    return true;
}

/* One step of every lane, shared out on the pool. */
typedef struct LaneStep {
    RtGroup       *s;
    ParLanes      *l;
    const snn_args *a;
    const int32_t *trig;
    int32_t        ntrig;
    int            size, pos;
    bool           failed[PAR_MAX_PARTS];
} LaneStep;

/* Lane part: queue its synapses of the spiking sources at their own
 * delays, then deliver its slot due now. */
static void job_lane_step(void *ud, int part)
{
    LaneStep *j = ud;
    RtGroup *s = j->s;
    const int32_t *st, *syn, *delay = s->syn_delay;
    par_lanes_csr(j->l, part, &st, &syn);
    I32Vec *ring = s->lane_queue + (size_t)part * (size_t)j->size;
    for (int32_t k = 0; k < j->ntrig; k++) {
        int32_t i = j->trig[k];
        for (int32_t q = st[i]; q < st[i + 1]; q++) {
            int32_t id = syn[q], slot = j->pos + delay[id];
            I32Vec *v = &ring[slot >= j->size ? slot - j->size : slot];
            if (v->n == v->cap && !i32vec_reserve(v, 1)) {
                j->failed[part] = true;
                return;
            }
            v->v[v->n++] = id;
        }
    }
    I32Vec *due = &ring[j->pos];
    if (!due->n) return;
    snn_args a = *j->a;
    a.idx = due->v;
    a.nidx = (snn_i32)due->n;
    s->on_pre(&a);
    due->n = 0;
}

bool net_lane_ring_step(Net *net, RtGroup *s, ParLanes *l, const int32_t *trig, int32_t ntrig, int64_t every)
{
    int parts = par_lanes_parts(l);
    const int32_t *st, *syn;
    par_lanes_csr(l, 0, &st, &syn);
    if (!st || parts > PAR_MAX_PARTS || !open_lanes(s, parts)) return false;
    snn_args a = net_args_on(net, s, every);
    LaneStep j = { .s = s, .l = l, .a = &a, .trig = trig, .ntrig = ntrig, .size = s->delay_steps + 1,
                   .pos = s->queue_pos };
    pool_run(net->pool, job_lane_step, &j, parts);
    for (int k = 0; k < parts; k++)
        if (j.failed[k]) return false;
    s->queue_pos = (s->queue_pos + 1) % j.size;
    return true;
}
