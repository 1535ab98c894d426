/* SPDX-License-Identifier: MIT */
/* This file contains the synapses' CSR indices by source and by target,
 * built once connected, and spike propagation (net.h): a pathway's spikes are
 * delivered straight from the CSR range of each spiking neuron (or of each
 * synapse with heterogeneous delays), through the ring of delay slots, in
 * the order of the whole list, split by target ranges on the pool's
 * threads; and the delays of a synapse object in steps. */
#include "net.h"
#include "par.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Counting sort of synapse ids by one endpoint: start[] has n+1 entries,
 * and each neuron's ids come in the order they are visited: visit[0..n)
 * (a permutation), or 0, 1, 2, ... where visit is NULL.  When the synapses
 * are already in that order (connect() makes them source by source), the
 * sorted list would be 0, 1, 2, ...: *syn_out is then NULL, and neuron i's
 * synapses are the ids start[i] .. start[i+1] themselves (csr_syn), which
 * saves four bytes per synapse. */
bool net_csr_build(const I32Vec *end, int64_t nneur, const int32_t *visit, int32_t **start_out, int32_t **syn_out)
{
    int32_t *start = calloc((size_t)nneur + 1, sizeof *start);
    if (!start) return false;
    bool sorted = true;
    for (size_t s = 0; s < end->n; s++) {
        start[end->v[s] + 1]++;
        if (s && end->v[s] < end->v[s - 1]) sorted = false;
    }
    if (visit) sorted = false;
    for (int64_t k = 0; k < nneur; k++) start[k + 1] += start[k];
    *start_out = start;
    *syn_out = NULL;
    if (sorted) return true;
    int32_t *syn = malloc(sizeof *syn * (end->n ? end->n : 1));
    int32_t *fill = malloc(sizeof *fill * (size_t)(nneur + 1));
    if (!syn || !fill) {
        free(start);
        free(syn);
        free(fill);
        *start_out = NULL;
        return false;
    }
    memcpy(fill, start, sizeof *fill * (size_t)(nneur + 1));
    for (size_t q = 0; q < end->n; q++) {
        int32_t s = visit ? visit[q] : (int32_t)q;
        syn[fill[end->v[s]]++] = s;
    }
    free(fill);
    *syn_out = syn;
    return true;
}


/* The arrays of group g seen from neuron off on (off 0: g's own). */
static double **range_view(RtGroup *g, int64_t off)
{
    if (!off) return g->arr;
    double **v = malloc(sizeof *v * (size_t)(g->nvars + 1));
    if (v)
        for (int k = 0; k < g->nvars; k++) v[k] = g->arr[k] + off;
    return v;
}

bool net_synapse_range(RtGroup *s)
{
    /* synapses on synapses: a synapse group's arrays (and size) exist once
     * it is connected, before these synapses are (build.c) */
    if ((s->src->kind == RG_SYNAPSES && !s->src->arr) || (s->tgt->kind == RG_SYNAPSES && !s->tgt->arr)) return true;
    if (!s->src_n) s->src_off = 0, s->src_n = s->src->n;
    if (!s->tgt_n) s->tgt_off = 0, s->tgt_n = s->tgt->n;
    if (!s->pre_view && !(s->pre_view = range_view(s->src, s->src_off))) return false;
    return s->post_view || (s->post_view = range_view(s->tgt, s->tgt_off));
}

bool net_pre_index(RtGroup *s)
{
    return net_csr_build(&s->pre, s->src_n, NULL, &s->pre_start, &s->pre_syn);
}

bool net_post_index(RtGroup *s)
{
    return s->post_start || net_csr_build(&s->post, s->tgt_n, NULL, &s->post_start, &s->post_syn);
}

/* Entry q of a CSR index's synapse list (syn NULL: the identity). */
static inline int32_t csr_syn(const int32_t *syn, int32_t q)
{
    return syn ? syn[q] : q;
}

/* Run a pathway's code on the synapse ids ids[0..n), if there are any. */
static void run_pathway(Net *net, RtGroup *s, const int32_t *ids, size_t n, snn_block_fn fn, int64_t every)
{
    if (!n) return;
    snn_args a = net_args_on(net, s, every);
    a.idx = ids;
    a.nidx = (snn_i32)n;
    fn(&a);
}

/* The synapses that the due neurons' spikes reach (CSR by source). */
static size_t fanout(const int32_t *start, const int32_t *neurons, size_t nn)
{
    size_t total = 0;
    for (size_t k = 0; k < nn; k++) total += (size_t)(start[neurons[k] + 1] - start[neurons[k]]);
    return total;
}

/* Run the pathway code on the synapses of the spiking neurons, neuron by
 * neuron in CSR order (index start, syn by source or target), in one call:
 * each neuron's range of syn a run (snn_args.runs), or where the synapses
 * are stored in that order (syn NULL) its range of ids.  The runs' list is
 * s->scratch, or for one neuron a local pair (no allocation).  Returns
 * false on out of memory, with nothing delivered. */
static bool deliver(Net *net, RtGroup *s, const int32_t *neurons, size_t nn, const int32_t *start,
                    const int32_t *syn, snn_block_fn fn, int64_t every)
{
    int32_t one[2], *pairs = one, m = 0;
    if (nn > 1) {
        s->scratch.n = 0;
        if (!i32vec_reserve(&s->scratch, 2 * nn)) return false;
        pairs = s->scratch.v;
    }
    for (size_t k = 0; k < nn; k++) {
        pairs[2 * m] = start[neurons[k]];
        pairs[2 * m + 1] = start[neurons[k] + 1];
        m += pairs[2 * m] < pairs[2 * m + 1];
    }
    if (!m) return true;
    snn_args a = net_args_on(net, s, every);
    a.idx = syn;
    a.runs = pairs;
    a.nruns = m;
    a.run_stride = 2;
    fn(&a);
    return true;
}

/* The neurons of list[0..*count) (spikes or events of a group of whole
 * neurons) within the range [off, off + n) that synapses s connect, relative
 * to off: list itself when s takes all of the group, else s->sub_spikes;
 * NULL on out of memory.  *count is updated. */
static const int32_t *range_list(RtGroup *s, const int32_t *list, int32_t *count, int64_t whole, int64_t off,
                                 int64_t n)
{
    if ((!off && n == whole) || !*count) return list;
    s->sub_spikes.n = 0;
    if (!i32vec_reserve(&s->sub_spikes, (size_t)*count)) return NULL;
    for (int32_t k = 0; k < *count; k++)
        if (list[k] >= off && list[k] < off + n) s->sub_spikes.v[s->sub_spikes.n++] = (int32_t)(list[k] - off);
    *count = (int32_t)s->sub_spikes.n;
    return s->sub_spikes.v;
}

/* Queue the synapses of the neurons trig[0..ntrig) (spiking, or where an
 * event happened), each in the ring slot of its own delay (heterogeneous
 * delays); false on out of memory.  The inner loop is the microcircuit's
 * hottest: a slot is pos + delay wrapped by one subtraction (delay <
 * size), and a push grows its slot only when full. */
static bool queue_by_synapse(I32Vec *queue, int pos, int size, const int32_t *syn_delay, const int32_t *trig,
                             int32_t ntrig, const int32_t *start, const int32_t *syn)
{
    for (int32_t k = 0; k < ntrig; k++) {
        int32_t i = trig[k];
        for (int32_t q = start[i]; q < start[i + 1]; q++) {
            int32_t id = csr_syn(syn, q), slot = pos + syn_delay[id];
            I32Vec *v = &queue[slot >= size ? slot - size : slot];
            if (v->n == v->cap && !i32vec_reserve(v, 1)) return false;
            v->v[v->n++] = id;
        }
    }
    return true;
}

/* Queue the synapses of the neurons trig[0..ntrig) of s stored in
 * delivery order (net_order.c): each delay run of each neuron as one entry
 * (lo, its splits by target part, hi) in the slot of its delay; false on
 * out of memory. */
static bool queue_by_run(I32Vec *queue, int pos, int size, const RtGroup *s, const int32_t *trig, int32_t ntrig)
{
    const struct DelayRun *runs = s->runs;
    const int st = s->ring_stride, nsplit = st - 2;
    for (int32_t k = 0; k < ntrig; k++) {
        int32_t i = trig[k], lo = s->pre_start[i];
        for (int32_t r = s->run_start[i]; r < s->run_start[i + 1]; r++) {
            int slot = pos + runs[r].delay;
            I32Vec *v = &queue[slot >= size ? slot - size : slot];
            if (v->cap - v->n < (size_t)st && !i32vec_reserve(v, (size_t)st)) return false;
            int32_t *e = v->v + v->n;
            e[0] = lo;
            for (int j = 0; j < nsplit; j++) e[1 + j] = s->run_split[(int64_t)r * nsplit + j];
            e[st - 1] = lo = runs[r].end;
            v->n += (size_t)st;
        }
    }
    return true;
}

/* Queue the spikes trig[0..ntrig) in a ring of delay+1 slots at position
 * pos: the neuron ids delay slots ahead (homogeneous delay), each
 * synapse at its own delay (syn_delay), or the delay runs of ordered (the
 * on_pre ring of synapses in delivery order); false on out of memory. */
static bool ring_push(I32Vec *queue, int pos, int delay, const int32_t *syn_delay, const int32_t *trig,
                      int32_t ntrig, const int32_t *start, const int32_t *syn, const RtGroup *ordered)
{
    if (ordered) return queue_by_run(queue, pos, delay + 1, ordered, trig, ntrig);
    if (syn_delay) return queue_by_synapse(queue, pos, delay + 1, syn_delay, trig, ntrig, start, syn);
    return i32vec_append(&queue[(pos + delay) % (delay + 1)], trig, (size_t)ntrig);
}

/* The lanes of s's on_pre pathway for delivering `work` synapse ids on
 * threads, or NULL to deliver on one thread: with one thread, a pathway
 * that cannot be split (RtGroup.par), or too little work.  The lanes are
 * made again when the number of parts changes; NULL (one thread) also on
 * out of memory for them, which changes nothing but the speed. */
static ParLanes *lanes_for(Net *net, RtGroup *s, size_t work)
{
    if (!net->pool || !(s->par & PAR_PRE) || work < (size_t)net->par_min) return NULL;
    int parts = par_parts(s->tgt->n, net->nthreads, net->par_min);
    if (parts < 2) return NULL;
    if (par_lanes_parts(s->lanes) != parts) {
        par_lanes_free(s->lanes);
        /* heterogeneous delays deliver synapse ids: scratch lists only */
        s->lanes = par_lanes_new(net->pool, parts, s->src->n, s->tgt->n, s->syn_delay ? NULL : s->pre_start,
                                 s->pre_syn, s->post.v);
    }
    return s->lanes;
}


/* The runs of a due list of s in delivery order (entries of ring_stride
 * numbers) for par_deliver_runs_many, with arguments a. */
static ParRuns due_runs(const RtGroup *s, const I32Vec *due, const snn_args *a)
{
    size_t st = (size_t)s->ring_stride;
    return (ParRuns){ s->on_pre, a, due->v, due->n / st, (int)st, s->post.v, s->tgt_n, s->nvars, NULL, NULL };
}

/* Deliver the runs of a due list of s in delivery order: split by target
 * range, one part per thread, where there are threads and enough
 * synapses, else run by run on this thread. */
static void deliver_runs(Net *net, RtGroup *s, const I32Vec *due, snn_block_fn fn, int64_t every)
{
    snn_args a = net_args_on(net, s, every);
    size_t st = (size_t)s->ring_stride, work = 0;
    for (size_t q = 0; q < due->n; q += st) work += (size_t)(due->v[q + st - 1] - due->v[q]);
    ParRuns r = due_runs(s, due, &a);
    r.fn = fn;
    if (net->pool && (s->par & PAR_PRE) && work >= (size_t)net->par_min &&
        par_parts(s->tgt_n, net->nthreads, net->par_min) > 1)
        par_deliver_runs_many(net->pool, net->nthreads, &r, 1);
    else par_deliver_runs_here(&r);
}

/* Whether s's synapses are stored source by source with each source's
 * targets ascending (RtGroup.pre_ranges), found once. */
static bool targets_ascending(RtGroup *s)
{
    if (!s->pre_ranges) {
        bool up = !s->pre_syn && s->pre_start && s->post.v;
        for (int64_t i = 0; up && i < s->src_n; i++)
            for (int32_t q = s->pre_start[i] + 1; q < s->pre_start[i + 1]; q++)
                if (s->post.v[q] < s->post.v[q - 1]) {
                    up = false;
                    break;
                }
        s->pre_ranges = up ? 1 : -1;
    }
    return s->pre_ranges > 0;
}

/* Where each source's synapses onto each of parts target ranges begin
 * (RtGroup.pre_split), made again when the number of parts changes; false
 * on out of memory. */
static bool split_points(RtGroup *s, int parts)
{
    if (s->pre_split_parts == parts) return true;
    free(s->pre_split);
    s->pre_split_parts = 0;
    size_t nsrc = (size_t)(s->src_n > 0 ? s->src_n : 0);
    s->pre_split = malloc(sizeof *s->pre_split * (nsrc * (size_t)parts + 1));
    if (!s->pre_split) return false;
    int32_t *at = s->pre_split;
    for (size_t i = 0; i < nsrc; i++) {
        int32_t q = s->pre_start[i], end = s->pre_start[i + 1];
        *at++ = q;
        for (int k = 1; k < parts; k++) {
            int32_t t0, t1;
            par_range(s->tgt_n, parts, k, &t0, &t1);
            while (q < end && s->post.v[q] < t0) q++;
            *at++ = q;
        }
    }
    *at = s->pre_start[nsrc];
    s->pre_split_parts = parts;
    return true;
}

/* Whether s's on_pre pathway (a homogeneous delay) can be delivered split
 * by target range, one range a thread, without a list of ids: its targets
 * ascend within each source's range (targets_ascending), so that a range's
 * share of a neuron's synapses is one range of ids, its bounds found once
 * (split_points); and it takes spikes from the whole of its source. */
bool net_pre_ranges(Net *net, RtGroup *s)
{
    return net->pool && net->nthreads >= 2 && (s->par & PAR_PRE) && !s->syn_delay && !s->order && !s->src_off &&
           s->src_n == s->src->n && par_parts(s->tgt_n, net->nthreads, net->par_min) >= 2 && targets_ascending(s);
}

/* The due neurons of s as net_pre_ranges delivers them, for
 * deliver_pieces: each thread takes its piece of each neuron's synapses
 * from the places split_points found, and each target gets the additions
 * in the order of the whole list.  False on out of memory. */
static bool ranges_runs(Net *net, RtGroup *s, const I32Vec *due, const snn_args *a, ParRuns *r)
{
    if (!split_points(s, net->nthreads)) return false;
    *r = (ParRuns){ s->on_pre, a, NULL, due->n, 0, s->post.v, s->tgt_n, s->nvars, due->v, s->pre_split };
    return true;
}

/* Deliver the due list of an on_pre ring (neuron ids with a homogeneous
 * delay, synapse ids with syn_delay, pairs in delivery order) split by
 * target range when lanes_for gives lanes, else on this thread; false on
 * out of memory. */
static bool deliver_due(Net *net, RtGroup *s, const I32Vec *due, const int32_t *syn_delay, const int32_t *start,
                        const int32_t *syn, snn_block_fn fn, int64_t every, bool split)
{
    if (!due->n) return true;
    if (split && s->order) {
        deliver_runs(net, s, due, fn, every);
        return true;
    }
    /* the synapses to deliver, where they may be split */
    size_t work = !split || !net->pool ? 0 : syn_delay ? due->n : fanout(start, due->v, due->n);
    if (!syn_delay && work && work >= (size_t)net->par_min && net_pre_ranges(net, s)) {
        snn_args a = net_args_on(net, s, every);
        ParRuns r;
        if (!ranges_runs(net, s, due, &a, &r)) return false;
        r.fn = fn;
        if (r.nruns) par_deliver_runs_many(net->pool, net->nthreads, &r, 1);
        return true;
    }
    ParLanes *l = work ? lanes_for(net, s, work) : NULL;
    if (l) {
        snn_args a = net_args_on(net, s, every);
        /* synapse ids: one part per thread, as each part reads the whole list */
        if (syn_delay) par_deliver_synapses(net->pool, l, net->nthreads, fn, &a, due->v, due->n, s->post.v);
        else par_deliver_neurons(net->pool, l, fn, &a, due->v, due->n);
        return true;
    }
    if (syn_delay) run_pathway(net, s, due->v, due->n, fn, every);
    else if (!deliver(net, s, due->v, due->n, start, syn, fn, every)) return false;
    return true;
}

/* One step of a pathway's ring of delay+1 spike lists (Brian2: queue.push,
 * then peek): the spikes (or events) trig[0..ntrig), relative to the
 * synapses' range of their group, are queued delay steps ahead, then the list
 * due now is delivered and the ring advances.  With a homogeneous delay
 * (syn_delay NULL) the ring holds neuron ids, expanded through the CSR index
 * (start, syn) on delivery; with per-synapse delays in syn_delay it holds
 * synapse ids, queued at their own delay.  split: s's on_pre, which may be
 * delivered on threads.  Returns false on out of memory. */
static bool ring_step(Net *net, RtGroup *s, I32Vec *queue, int *pos, int delay, const int32_t *syn_delay,
                      const int32_t *trig, int32_t ntrig, const int32_t *start, const int32_t *syn, snn_block_fn fn,
                      int64_t every, bool split)
{
    int size = delay + 1;
    if (!trig && ntrig) return false;   /* out of memory in range_list */
    if (!ring_push(queue, *pos, delay, syn_delay, trig, ntrig, start, syn, split && s->order ? s : NULL)) return false;
    I32Vec *due = &queue[*pos];
    if (!deliver_due(net, s, due, syn_delay, start, syn, fn, every, split)) return false;
    due->n = 0;
    *pos = (*pos + 1) % size;
    return true;
}

/* The on_pre pathway of a Synapses object, with its delay ring.  With MPI
 * ranks that exchange spikes later (the source's list holds this rank's
 * spikes only, spikes_buffered) it queues nothing and delivers what is due
 * now: the exchange queues the complete list where the ring was
 * (net_ring_push; net.c notes the position, mpi_defer). */
bool net_pathway_pre(Net *net, RtGroup *s)
{
    int32_t n;
    const int32_t *trig = net_event_list(s->src, s->pre_event, &n);
    if (!s->pre_event && s->src->spikes_buffered) n = 0;
    trig = range_list(s, trig, &n, s->src->n, s->src_off, s->src_n);
    return ring_step(net, s, s->queue, &s->queue_pos, s->delay_steps, s->syn_delay, trig, n, s->pre_start, s->pre_syn,
                     s->on_pre, s->src->every, true);
}

/* The queueing of net_pathways_pre, shared out by object. */
typedef struct PushJob { RtGroup **gs; int n, parts; bool *failed; } PushJob;

/* Queue the spikes of s's source in its on_pre ring (of neuron ids, or of
 * delay runs in delivery order); false on out of memory. */
static bool push_pre(RtGroup *s)
{
    int32_t n;
    const int32_t *trig = net_event_list(s->src, s->pre_event, &n);
    return ring_push(s->queue, s->queue_pos, s->delay_steps, s->syn_delay, trig, n, s->pre_start, s->pre_syn,
                     s->order ? s : NULL);
}

/* The objects in delivery order (many runs to queue) take turns on the
 * threads; the others only append their source's spikes, here. */
static void job_push(void *ud, int part)
{
    PushJob *j = ud;
    for (int q = part; q < j->n; q += j->parts)
        if (j->gs[q]->order) j->failed[q] = !push_pre(j->gs[q]);
}

bool net_pathways_pre(Net *net, RtGroup **gs, int n, int *failed)
{
    bool bad[NET_PRE_MANY] = { false };
    PushJob pj = { gs, n, n < net->nthreads ? n : net->nthreads, bad };
    int ordered = 0;
    for (int q = 0; q < n; q++) {
        if (gs[q]->order) ordered++;
        else bad[q] = !push_pre(gs[q]);
    }
    if (ordered > 1) pool_run(net->pool, job_push, &pj, pj.parts);
    else if (ordered) {
        pj.parts = 1;
        job_push(&pj, 0);
    }
    for (int q = 0; q < n; q++)
        if (bad[q]) {
            *failed = q;
            return false;
        }
    ParRuns r[NET_PRE_MANY];
    snn_args a[NET_PRE_MANY];
    int m = 0;
    for (int q = 0; q < n; q++) {
        RtGroup *s = gs[q];
        const I32Vec *due = &s->queue[s->queue_pos];
        if (!due->n) continue;
        a[m] = net_args_on(net, s, s->src->every);
        if (s->order) r[m] = due_runs(s, due, &a[m]);
        else if (!ranges_runs(net, s, due, &a[m], &r[m])) {
            *failed = q;
            return false;
        }
        m += r[m].nruns > 0;
    }
    if (m) par_deliver_runs_many(net->pool, net->nthreads, r, m);
    for (int q = 0; q < n; q++) {
        RtGroup *s = gs[q];
        s->queue[s->queue_pos].n = 0;
        s->queue_pos = (s->queue_pos + 1) % (s->delay_steps + 1);
    }
    return true;
}

/* A named pathway, with a ring of its own; one triggered by the source
 * waits for the source's complete list as on_pre does.  One triggered by
 * the target (post) delivers to this rank's synapses only, whose targets
 * are its own neurons: their spikes are here at once. */
bool net_pathway_named(Net *net, RtGroup *s, struct RtPath *p)
{
    int32_t n;
    if (p->post && !net_post_index(s)) return false;
    const int32_t *trig = net_event_list(p->post ? s->tgt : s->src, p->event, &n);
    if (!p->post && !p->event && s->src->spikes_buffered) n = 0;
    trig = p->post ? range_list(s, trig, &n, s->tgt->n, s->tgt_off, s->tgt_n)
                   : range_list(s, trig, &n, s->src->n, s->src_off, s->src_n);
    return ring_step(net, s, p->queue, &p->queue_pos, p->delay_steps, p->syn_delay, trig, n,
                     p->post ? s->post_start : s->pre_start, p->post ? s->post_syn : s->pre_syn, p->fn,
                     (p->post ? s->tgt : s->src)->every, false);
}

bool net_ring_push(RtGroup *s, int path, int pos, const int32_t *ids, int32_t n)
{
    struct RtPath *p = path >= 0 ? &s->paths[path] : NULL;
    const int32_t *trig = range_list(s, ids, &n, s->src->n, s->src_off, s->src_n);
    if (!n) return true;
    if (!trig) return false;
    return ring_push(p ? p->queue : s->queue, pos, p ? p->delay_steps : s->delay_steps, p ? p->syn_delay : s->syn_delay,
                     trig, n, s->pre_start, s->pre_syn, !p && s->order ? s : NULL);
}

/* Heterogeneous delays: each synapse's delay (variable var) in whole steps
 * of its pathway's clock (every; Brian2: (int)(delay/dt + 0.5)) in
 * *syn_delay, and a ring *queue (position *pos) long enough for the largest
 * (*steps).  Returns 0; -1 on out of memory; -2 (with net->fail naming the
 * synapse) for a delay that is NaN, infinite, negative or more steps than a
 * ring can have. */
static int ring_delays(Net *net, RtGroup *s, int var, int64_t every, int32_t **syn_delay, I32Vec **queue, int *steps,
                       int *pos)
{
    int32_t *sd = malloc(sizeof *sd * (size_t)(s->n > 0 ? s->n : 1));
    if (!sd) return -1;
    int maxd = 0;
    for (int64_t k = 0; k < s->n; k++) {
        double d = s->arr[var][k];
        double st = d / (net->dt * (double)every) + 0.5;
        if (!(d >= 0) || !(st < (double)NET_MAX_DELAY_STEPS)) {
            snprintf(net->fail, sizeof net->fail, d != d ? "synapse %lld (%d -> %d) has the delay NaN"
                     : "synapse %lld (%d -> %d) has the delay %g s", (long long)k, s->pre.v[k], s->post.v[k], d);
            free(sd);
            return -2;
        }
        sd[k] = (int32_t)st;
        if (sd[k] > maxd) maxd = sd[k];
    }
    for (int k = 0; *queue && k <= *steps; k++) free((*queue)[k].v);
    free(*queue);
    *syn_delay = sd;
    *steps = maxd;
    *pos = 0;
    *queue = calloc((size_t)maxd + 1, sizeof **queue);
    return *queue != NULL ? 0 : -1;
}

/* The heterogeneous delays of s's on_pre (its 'delay', on the source's
 * clock) and of its pathways with a delay_NAME (on the source's clock, the
 * target's for on_post): once, at init (net_redo_delays: again). */
int net_prepare_delays(Net *net, RtGroup *s)
{
    int rc = 0;
    if (s->delay_var >= 0 && !s->syn_delay)
        rc = ring_delays(net, s, s->delay_var, s->src->every, &s->syn_delay, &s->queue, &s->delay_steps,
                         &s->queue_pos);
    for (int q = 0; q < s->npaths && !rc; q++) {
        struct RtPath *p = &s->paths[q];
        if (p->delay_var >= 0 && !p->syn_delay)
            rc = ring_delays(net, s, p->delay_var, (p->post ? s->tgt : s->src)->every, &p->syn_delay, &p->queue,
                             &p->delay_steps, &p->queue_pos);
        if (rc == -2) {
            char why[sizeof net->fail];
            snprintf(why, sizeof why, "%s", net->fail);
            snprintf(net->fail, sizeof net->fail, "pathway %.20s: %.90s", p->name, why);
        }
    }
    return rc;
}

bool net_pathway_post(Net *net, RtGroup *g)
{
    int32_t n;
    const int32_t *ids = net_event_list(g->tgt, g->post_event, &n);
    if (!n) return true;
    if (!net_post_index(g)) return false;
    ids = range_list(g, ids, &n, g->tgt->n, g->tgt_off, g->tgt_n);
    return ids && (!n || deliver(net, g, ids, (size_t)n, g->post_start, g->post_syn, g->on_post, g->tgt->every));
}

int net_redo_delays(Net *net, RtGroup *s, int path)
{
    int32_t **sd = path < 0 ? &s->syn_delay : &s->paths[path].syn_delay;
    free(*sd);
    *sd = NULL;
    return net_prepare_delays(net, s);
}
