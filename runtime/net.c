/* SPDX-License-Identifier: MIT */
/* This file contains the runtime network and its time step, in Brian2's
 * default schedule: start (state monitors record), groups (state updates),
 * thresholds (spikes, spike monitors), synapses (pathways: push spikes into
 * the delay queue, then run due on_pre, then on_post), resets.  Objects within
 * a slot run in name order, as Brian2 sorts them.  The pieces a step calls
 * have files of their own: net_args.c (a block's arguments), net_deliver.c
 * (synapse indices and spike propagation), net_record.c (monitors),
 * net_links.c (linked variables), net_vec.c (growable arrays). */
#include "net.h"
#include "mpi_net.h"
#include "mpi_spikes.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Net *net_new(double dt, uint64_t seed)
{
    Net *net = calloc(1, sizeof *net);
    if (!net) return NULL;
    net->dt = dt;
    net->seed = seed;
    net->nthreads = 1;
    net->par_min = PAR_MIN_DEFAULT;
    return net;
}

/* A group's arrays of 16 KiB and more begin at page offsets 512 bytes
 * apart, variable k at (k % 8) * 512 (RtGroup.arr_staggered).  Left to
 * malloc they lie wherever their sizes put them: on CUBA 64000 each one
 * 128 bytes after the one before modulo a page, and its update, a loop
 * that reads and writes every array at the same index, ran 25% slower
 * than with the arrays 512 bytes apart or all at one page offset (the
 * loads of one array then meet, modulo 4 KiB, the stores just made to
 * the one before). */
#define ARRAY_STAGGER_MIN ((size_t)16 * 1024)
#define ARRAY_STAGGER     512

static size_t array_pad(const RtGroup *g, int k)
{
    return g->arr_staggered ? (size_t)(k % 8) * ARRAY_STAGGER : 0;
}

static void array_free(const RtGroup *g, int k)
{
    if (g->arr && g->arr[k]) free((char *)g->arr[k] - array_pad(g, k));
}

static void group_free(RtGroup *g)
{
    for (int k = 0; k < g->nvars; k++) {
        array_free(g, k);
        free(g->varnames[k]);
    }
    free(g->arr);
    free(g->varnames);
    free(g->init_values);
    free(g->name);
    free(g->spikes);
    free(g->pre.v);
    free(g->post.v);
    free(g->gid.v);
    free(g->pre_start);
    free(g->pre_syn);
    free(g->order);
    free(g->run_start);
    free(g->runs);
    free(g->run_split);
    free(g->post_start);
    free(g->post_syn);
    if (g->queue)
        for (int k = 0; k <= g->delay_steps; k++) free(g->queue[k].v);
    free(g->queue);
    free(g->scratch.v);
    free(g->sub_spikes.v);
    free(g->src_label);
    free(g->tgt_label);
    free(g->comp_distance);
    free(g->comp_section);
    for (int k = 0; k < g->nsec; k++) free(g->sec_names[k]);
    free(g->sec_names);
    if (g->src_off) free(g->pre_view);     /* range_view made them */
    if (g->tgt_off) free(g->post_view);
    for (int k = 0; k < g->nlinks; k++) {
        free(g->links[k].index);
        free(g->links[k].shadow);
    }
    free(g->links);
    free(g->summed);
    for (int k = 0; g->extras && k < g->nextras; k++) free(g->extras[k].name);
    free(g->extras);
    for (int k = 0; k < g->npaths; k++) {
        for (int q = 0; g->paths[k].queue && q <= g->paths[k].delay_steps; q++) free(g->paths[k].queue[q].v);
        free(g->paths[k].queue);
        free(g->paths[k].syn_delay);
        free(g->paths[k].name);
    }
    free(g->paths);
    for (int k = 0; k < g->nevents; k++) {
        free(g->events[k].name);
        free(g->events[k].idx);
    }
    free(g->events);
    free(g->evcodes);
    free(g->gen_step);
    free(g->syn_delay);
    free(g->gen_idx);
    par_lanes_free(g->lanes);
    free(g->pre_split);
    free(g);
}

static void monitor_free(RtMonitor *m)
{
    free(m->name);
    free(m->idx.v);
    free(m->steps.v);
    free(m->vars);
    if (m->varnames)
        for (int k = 0; k < m->nvars; k++) free(m->varnames[k]);
    free(m->varnames);
    free(m->rec);
    free(m->rec_at);
    free(m->rec_steps.v);
    free(m->data.v);
    free(m->label);
    free(m->smooth_w);
    free(m->mask);
    free(m->count);
    free(m);
}

void net_free(Net *net)
{
    if (!net) return;
    mpi_spikes_free(net);
    mpi_detach(net);
    pool_free(net->pool);
    for (int k = 0; k < net->ngroups; k++) group_free(net->groups[k]);
    for (int k = 0; k < net->nmonitors; k++) monitor_free(net->monitors[k]);
    free(net->epochs);
    for (int k = 0; k < net->nconsts; k++) free(net->const_names ? net->const_names[k] : NULL);
    free(net->const_names);
    free(net->consts);
    free(net->groups);
    free(net->monitors);
    free(net->ops);
    free(net->sched);
    free(net);
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

/* Allocate and fill the state arrays of g with their default values. */
static bool alloc_arrays(RtGroup *g)
{
    size_t n = g->n > 0 ? (size_t)g->n : 1;
    g->arr = calloc((size_t)g->nvars + 1, sizeof *g->arr);
    if (!g->arr) return false;
    size_t bytes = n * sizeof(double);
    g->arr_staggered = bytes >= ARRAY_STAGGER_MIN;
    for (int k = 0; k < g->nvars; k++) {
        /* on cache lines: a vectorised loop's loads then never straddle two
         * (malloc's large blocks start 16 bytes into a page); large ones on
         * pages, at their offsets (array_pad) */
        size_t pad = array_pad(g, k), align = g->arr_staggered ? 4096 : 64;
        char *block = aligned_alloc(align, (bytes + pad + align - 1) / align * align);
        if (!block) return false;
        g->arr[k] = (double *)(block + pad);
        for (size_t m = 0; m < n; m++) g->arr[k][m] = g->init_values[k];
    }
    return true;
}

RtGroup *net_add_group(Net *net, const char *name, int kind, int64_t n, int nvars, char **varnames,
                       const double *init_values)
{
    RtGroup *g = calloc(1, sizeof *g);
    RtGroup **gs = realloc(net->groups, sizeof *gs * (size_t)(net->ngroups + 1));
    if (!g || !gs) {
        free(g);
        return NULL;
    }
    net->groups = gs;
    net->groups[net->ngroups++] = g;
    g->name = dupstr(name);
    g->kind = kind;
    g->n = n;
    g->nvars = nvars;
    g->stream = (uint64_t)net->ngroups;
    g->every = 1;
    g->delay_var = -1;
    /* Brian2's default schedule */
    g->w_update = WHEN(SLOT_GROUPS, 0);
    g->w_summed = WHEN(SLOT_GROUPS, -1);
    g->w_thresh = WHEN(SLOT_THRESHOLDS, 0);
    g->w_pre = WHEN(SLOT_SYNAPSES, -1);
    g->w_post = WHEN(SLOT_SYNAPSES, 1);
    g->w_reset = WHEN(SLOT_RESETS, 0);
    g->varnames = calloc((size_t)nvars + 1, sizeof *g->varnames);
    g->init_values = calloc((size_t)nvars + 1, sizeof *g->init_values);
    if (!g->name || !g->varnames || !g->init_values) return NULL;
    for (int k = 0; k < nvars; k++) {
        g->varnames[k] = dupstr(varnames[k]);
        g->init_values[k] = init_values ? init_values[k] : 0;
    }
    if (kind == RG_NEURONS) {
        g->spikes = malloc(sizeof(int32_t) * (size_t)(n > 0 ? n : 1));
        if (!g->spikes || !alloc_arrays(g)) return NULL;
    }
    return g;
}

/* The index by target is made only for what needs it (on_post and the
 * pathways triggered by the target), when it first runs. */
bool net_finish_synapses(RtGroup *s)
{
    s->n = (int64_t)s->pre.n;
    i32vec_shrink(&s->pre);
    i32vec_shrink(&s->post);
    if (!net_synapse_range(s) || !alloc_arrays(s)) return false;
    if (!net_pre_index(s)) return false;
    s->queue = calloc((size_t)s->delay_steps + 1, sizeof *s->queue);
    return s->queue != NULL;
}

RtMonitor *net_add_monitor(Net *net, const char *name, int kind, RtGroup *g)
{
    RtMonitor *m = calloc(1, sizeof *m);
    RtMonitor **ms = realloc(net->monitors, sizeof *ms * (size_t)(net->nmonitors + 1));
    if (!m || !ms) {
        free(m);
        return NULL;
    }
    net->monitors = ms;
    net->monitors[net->nmonitors++] = m;
    m->name = dupstr(name);
    m->kind = kind;
    m->group = g;
    m->when = kind == RM_STATE ? WHEN(SLOT_START, 0) : kind == RM_SPIKE ? WHEN(SLOT_THRESHOLDS, 1) : WHEN(SLOT_END, 0);
    return m;
}

int net_var_index(const RtGroup *g, const char *name)
{
    for (int v = 0; v < g->nvars; v++)
        if (!strcmp(g->varnames[v], name)) return v;
    return -1;
}

RtGroup *net_find_group(Net *net, const char *name)
{
    for (int k = 0; k < net->ngroups; k++)
        if (!strcmp(net->groups[k]->name, name)) return net->groups[k];
    return NULL;
}

bool net_set_threads(Net *net, int nthreads)
{
    if (nthreads < 1 || nthreads > NET_MAX_THREADS) return false;
    if (nthreads == net->nthreads) return true;
    /* the queued runs are split for the thread count (net_order.c) */
    if (!net_order_undo(net)) return false;
    Pool *p = nthreads > 1 ? pool_new(nthreads) : NULL;
    if (nthreads > 1 && !p) return false;
    pool_free(net->pool);
    net->pool = p;
    net->nthreads = nthreads;
    return true;
}

RtMonitor *net_find_monitor(Net *net, const char *name)
{
    for (int k = 0; k < net->nmonitors; k++)
        if (!strcmp(net->monitors[k]->name, name)) return net->monitors[k];
    return NULL;
}

bool net_all_finite(const Net *net)
{
    /* 0 * x is 0 for a finite x and NaN for NaN or an infinity, so the sum
     * stays 0 exactly when all are finite (and cannot overflow) */
    double acc = 0.0;
    for (int k = 0; k < net->ngroups; k++) {
        const RtGroup *g = net->groups[k];
        for (int v = 0; v < g->nvars; v++) {
            /* eight sums apart, so that the additions do not wait for
             * each other (a microcircuit has 6x10^8 synapse values) */
            const double *x = g->arr[v];
            double s[8] = { 0 };
            int64_t i = 0;
            for (; i + 8 <= g->n; i += 8)
                for (int l = 0; l < 8; l++) s[l] += 0.0 * x[i + l];
            for (; i < g->n; i++) s[0] += 0.0 * x[i];
            for (int l = 0; l < 8; l++) acc += s[l];
        }
    }
    return acc == 0.0;
}

int64_t net_count_nonfinite(const RtGroup *g, int v, int64_t *first)
{
    int64_t count = 0;
    *first = -1;
    for (int64_t i = 0; i < g->n; i++)
        if (!isfinite(g->arr[v][i])) {
            if (!count) *first = i;
            count++;
        }
    return count;
}

/* The clock (in steps) an object of kind OP_* of g runs on, as Brian2's:
 * a pathway on its source's (on_pre) or target's (on_post), summed
 * variables on their target's, everything else on the group's own. */
static int64_t clock_of(const RtGroup *g, int kind, int q);


void net_call_block(Net *net, RtGroup *g, snn_block_fn fn)
{
    if (g->n <= 0) return;
    snn_args a = net_args_for(net, g);
    fn(&a);
}

/* Note in net->fail what could not get memory (a printf format and its
 * arguments); returns false. */
static bool fail(Net *net, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(Net *net, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(net->fail, sizeof net->fail, fmt, ap);
    va_end(ap);
    return false;
}

int net_init_group(Net *net, RtGroup *g)
{
    net_refresh_links(g);
    if (g->init) {
        snn_args a = net_args_for(net, g);
        g->init(&a);
    }
    if (g->kind != RG_SYNAPSES) return 0;
    int rc = net_prepare_delays(net, g);
    if (rc == -1) fail(net, "the delays of %s", g->name);
    return rc;
}

int net_init(Net *net)
{
    for (int k = 0; k < net->ngroups; k++) {
        int rc = net_init_group(net, net->groups[k]);
        if (rc) return rc;
    }
    return 0;
}

/* Spike generator: emit the spikes scheduled for this step. */
static void generate(Net *net, RtGroup *g)
{
    if (g->gen_period > 0 && net->step >= g->gen_offset + g->gen_period) {
        g->gen_offset += g->gen_period * ((net->step - g->gen_offset) / g->gen_period);
        g->gen_pos = 0;
    }
    int64_t rel = net->step - g->gen_offset;
    while (g->gen_pos < g->ngen && g->gen_step[g->gen_pos] < rel) g->gen_pos++;
    int32_t n = 0;
    while (g->gen_pos < g->ngen && g->gen_step[g->gen_pos] == rel) {
        int32_t i = g->gen_idx[g->gen_pos++];
        if (n == 0 || g->spikes[n - 1] != i) g->spikes[n++] = i;
    }
    g->nspikes = n;
}

bool net_add_op(Net *net, int slot, int64_t every, net_op_fn fn, void *ud)
{
    if (slot < 0 || slot >= SLOT_COUNT || every < 1 || !fn) return false;
    NetOp *v = realloc(net->ops, sizeof *v * (size_t)(net->nops + 1));
    if (!v) return false;
    net->ops = v;
    net->ops[net->nops++] = (NetOp){ slot, every, fn, ud, false, false };
    return true;
}

/* Run the user operations of a slot that are due at this step. */
static void run_ops(Net *net, int slot)
{
    for (int k = 0; k < net->nops; k++) {
        NetOp *op = &net->ops[k];
        if (op->slot == slot && net->step % op->every == 0 && op->fn(op->ud, net)) net->stop = true;
    }
}

/* One scheduled object. */
enum { OP_STATEMON, OP_SUMMED, OP_UPDATE, OP_THRESH, OP_EVTHRESH, OP_SPIKEMON, OP_PRE, OP_POST, OP_RESET,
       OP_EVCODE, OP_RATEMON, OP_EXTRA, OP_PATH };
typedef struct SchedOp {
    When        when;
    const char *name;       /* group or monitor name, for Brian2's tie-break */
    int         kind;       /* OP_* */
    RtGroup    *g;
    RtMonitor  *m;
    int         q;          /* summed / extra index */
} SchedOp;

static int cmp_op(const void *a, const void *b)
{
    const SchedOp *x = a, *y = b;
    if (x->when.slot != y->when.slot) return x->when.slot < y->when.slot ? -1 : 1;
    if (x->when.order != y->when.order) return x->when.order < y->when.order ? -1 : 1;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->kind > y->kind) - (x->kind < y->kind);
}

static bool add_sched(Net *net, int *cap, When w, const char *name, int kind, RtGroup *g, RtMonitor *m, int q)
{
    if (net->nsched == *cap) {
        *cap = *cap ? *cap * 2 : 32;
        SchedOp *v = realloc(net->sched, sizeof *v * (size_t)*cap);
        if (!v) return false;
        net->sched = v;
    }
    net->sched[net->nsched++] = (SchedOp){ w, name, kind, g, m, q };
    return true;
}

/* Sort every object of the network into the order one step runs them. */
static bool build_schedule(Net *net)
{
    int cap = 0;
    net->nsched = 0;
    bool ok = true;
    for (int k = 0; k < net->ngroups; k++) {
        RtGroup *g = net->groups[k];
        for (int q = 0; q < g->nsummed; q++) ok &= add_sched(net, &cap, g->w_summed, g->name, OP_SUMMED, g, NULL, q);
        if (g->update) ok &= add_sched(net, &cap, g->w_update, g->name, OP_UPDATE, g, NULL, 0);
        if (g->kind == RG_NEURONS) ok &= add_sched(net, &cap, g->w_thresh, g->name, OP_THRESH, g, NULL, 0);
        if (g->on_pre) ok &= add_sched(net, &cap, g->w_pre, g->name, OP_PRE, g, NULL, 0);
        if (g->on_post) ok &= add_sched(net, &cap, g->w_post, g->name, OP_POST, g, NULL, 0);
        if (g->reset) ok &= add_sched(net, &cap, g->w_reset, g->name, OP_RESET, g, NULL, 0);
        for (int q = 0; q < g->nextras; q++)
            ok &= add_sched(net, &cap, g->extras[q].when, g->name, OP_EXTRA, g, NULL, q);
        for (int q = 0; q < g->npaths; q++)
            ok &= add_sched(net, &cap, g->paths[q].when, g->paths[q].name, OP_PATH, g, NULL, q);
        for (int q = 0; q < g->nevents; q++)
            ok &= add_sched(net, &cap, g->events[q].when, g->name, OP_EVTHRESH, g, NULL, q);
        for (int q = 0; q < g->nevcodes; q++)
            ok &= add_sched(net, &cap, g->evcodes[q].when, g->name, OP_EVCODE, g, NULL, q);
    }
    for (int k = 0; k < net->nmonitors; k++) {
        RtMonitor *m = net->monitors[k];
        int kind = m->kind == RM_SPIKE ? OP_SPIKEMON : m->kind == RM_RATE ? OP_RATEMON : OP_STATEMON;
        ok &= add_sched(net, &cap, m->when, m->name, kind, NULL, m, 0);
    }
    if (ok) qsort(net->sched, (size_t)net->nsched, sizeof *net->sched, cmp_op);
    return ok;
}

static int64_t clock_of(const RtGroup *g, int kind, int q)
{
    switch (kind) {
    case OP_PRE: return g->src->every;
    case OP_POST: return g->tgt->every;
    case OP_PATH: return (g->paths[q].post ? g->tgt : g->src)->every;
    case OP_SUMMED: return g->tgt->every;
    default: return g->every;
    }
}

/* How many parts a block of g over n indices is split into: 1 with one
 * thread, for blocks g's code does not allow to split (flag, RtGroup.par),
 * and for too few indices. */
static int parts_for(const Net *net, const RtGroup *g, unsigned flag, int64_t n)
{
    return net->pool && (g->par & flag) ? par_parts(n, net->nthreads, net->par_min) : 1;
}

/* Run fn over every index of g (update, run_regularly) on g's clock of
 * every steps, split if allowed; with MPI ranks over this rank's part. */
static void run_all(Net *net, RtGroup *g, unsigned flag, snn_block_fn fn, int64_t every)
{
    snn_args a = net_args_on(net, g, every);
    mpi_own_range(net, g, &a.lo, &a.hi);
    if (a.lo >= a.hi) return;
    int parts = parts_for(net, g, flag, a.hi - a.lo);
    if (parts > 1) par_each(net->pool, parts, fn, &a);
    else fn(&a);
}

/* Whether a clock of every steps ticks at this step: Brian2's clock index
 * (step + clock_base) is a multiple of it. */
static bool due(const Net *net, int64_t every)
{
    return every <= 1 || (net->step + net->clock_base) % every == 0;
}

/* Whether the scheduled ops k and k + 1 are a group's update and its
 * threshold that can run as one (the generated update_thresh, or on
 * threads one split of the two, par_update_thresh): adjacent in the
 * schedule with no user operation between their slots, each reading and
 * writing only its own index (PAR_UPDATE, PAR_THRESH), on the same clock,
 * due now, no spike generator in the group, and one process (no MPI
 * ranks). */
static bool fusable_update_thresh(const Net *net, int k)
{
    /* MPI ranks update their own part and exchange spikes after the
     * threshold (run_op) */
    if (k + 1 >= net->nsched || net->mpi) return false;
    const SchedOp *u = &net->sched[k], *t = &net->sched[k + 1];
    const RtGroup *g = u->g;
    if (u->kind != OP_UPDATE || t->kind != OP_THRESH || t->g != g || g->inactive || !g->thresh || g->gen_step ||
        g->n <= 0 || (g->par & (PAR_UPDATE | PAR_THRESH)) != (PAR_UPDATE | PAR_THRESH))
        return false;
    if (!due(net, g->every)) return false;
    for (int q = 0; q < net->nops; q++) {
        int slot = net->ops[q].slot;
        if (slot >= SLOT_OF_POS(u->when.slot) && slot < SLOT_OF_POS(t->when.slot)) return false;
    }
    return g->update_thresh || parts_for(net, g, PAR_UPDATE | PAR_THRESH, g->n) > 1;
}

/* Run a group's update and threshold as one (see above). */
static void run_update_thresh(Net *net, RtGroup *g)
{
    snn_args a = net_args_on(net, g, g->every);
    int parts = parts_for(net, g, PAR_UPDATE | PAR_THRESH, g->n);
    if (parts == 1) {       /* (fusable: then update_thresh exists) */
        a.out = g->spikes;
        g->nspikes = g->update_thresh(&a);
    } else if (g->update_thresh) g->nspikes = par_thresh(net->pool, parts, g->update_thresh, &a, g->spikes);
    else g->nspikes = par_update_thresh(net->pool, parts, g->update, g->thresh, &a, g->spikes);
}

/* Whether the on_pre pathway of op may be delivered together with others
 * on threads (net_pathways_pre): synapses in delivery order, or split by
 * ranges of their own order (net_pre_ranges), whose on_pre reads nothing
 * of its source, active and due now, and no links to refresh around it. */
static bool pre_alone(Net *net, const SchedOp *op)
{
    RtGroup *g = op->g;
    return op->kind == OP_PRE && (g->par & PAR_PRE_ALONE) && !g->inactive && g->n > 0 && !g->pre_event &&
           !g->src->nlinks && !g->tgt->nlinks && due(net, clock_of(g, OP_PRE, op->q)) &&
           (g->order || net_pre_ranges(net, g));
}

/* How many pathways from schedule position k on net_pathways_pre can
 * deliver in one go (threads, no MPI ranks); 0 or 1: none. */
static int pre_many(Net *net, int k)
{
    if (!net->pool || net->mpi) return 0;
    int n = 0;
    /* (in one slot: user operations run between slots) */
    while (k + n < net->nsched && n < NET_PRE_MANY && net->sched[k + n].when.slot == net->sched[k].when.slot &&
           pre_alone(net, &net->sched[k + n]))
        n++;
    return n;
}

/* Whether op can run in one split with its neighbours (par_each_many): a
 * neuron group's update, run_regularly block or Poisson input, or
 * threshold, that may be split by index range and has the indices for a
 * split, active and due now, in a group without links or spike generator
 * (and no MPI ranks: the caller checks).  *it and *a get its item. */
static bool each_item(Net *net, const SchedOp *op, ParItem *it, snn_args *a)
{
    RtGroup *g = op->g;
    if (!g || g->kind != RG_NEURONS || g->inactive || g->n <= 0 || g->nlinks || g->gen_step) return false;
    int64_t every = clock_of(g, op->kind, op->q);
    if (!due(net, every) || par_parts(g->n, net->nthreads, net->par_min) < 2) return false;
    *it = (ParItem){ 0 };
    switch (op->kind) {
    case OP_UPDATE:
        if (!(g->par & PAR_UPDATE) || !g->update) return false;
        it->fn = g->update;
        break;
    case OP_EXTRA: {
        const struct RtExtra *x = &g->extras[op->q];
        if (!(g->par & PAR_EXTRA) || x->inactive || net->step % x->every) return false;
        it->fn = x->fn;
        break;
    }
    case OP_THRESH:
        if (!(g->par & PAR_THRESH) || !g->thresh) return false;
        it->thresh = g->thresh;
        it->out = g->spikes;
        it->nspikes = &g->nspikes;
        break;
    default: return false;
    }
    *a = net_args_on(net, g, every);
    it->a = a;
    return true;
}

/* How many objects from schedule position k on can run in one split
 * (each_item, one slot, threads and no MPI ranks), their items in it and
 * a; 0 or 1: none. */
static int each_many(Net *net, int k, ParItem *it, snn_args *a)
{
    if (!net->pool || net->mpi) return 0;
    int n = 0;
    while (k + n < net->nsched && n < PAR_MANY && net->sched[k + n].when.slot == net->sched[k].when.slot &&
           each_item(net, &net->sched[k + n], &it[n], &a[n]))
        n++;
    return n;
}

static void run_each_many(Net *net, int k, int n, ParItem *it)
{
    int64_t most = 0;
    for (int q = 0; q < n; q++) {
        RtGroup *g = net->sched[k + q].g;
        if (g->n > most) most = g->n;
        if (it[q].out) g->spikes_buffered = 0;
    }
    par_each_many(net->pool, par_parts(most, net->nthreads, net->par_min), it, n);
}

static bool run_pre_many(Net *net, int k, int n)
{
    RtGroup *gs[NET_PRE_MANY];
    for (int q = 0; q < n; q++) gs[q] = net->sched[k + q].g;
    int bad = 0;
    return net_pathways_pre(net, gs, n, &bad) || fail(net, "spike delivery of %s", gs[bad]->name);
}

/* Whether idx[0..n) ascends (spike lists do; a split reset needs it). */
static bool ascending(const int32_t *idx, int32_t n)
{
    for (int32_t k = 1; k < n; k++)
        if (idx[k] <= idx[k - 1]) return false;
    return true;
}

/* Run one scheduled object for the current step.  Returns false on out of
 * memory, with net->fail set. */
static bool run_op(Net *net, SchedOp *op)
{
    RtGroup *g = op->g;
    RtMonitor *m = op->m;
    snn_args a;
    if (m ? m->inactive : g->inactive) {
        if (op->kind == OP_THRESH) g->nspikes = 0, g->spikes_buffered = 0;
        return true;
    }
    /* several clocks: an object runs where its clock's time is the network's */
    int64_t every = g ? clock_of(g, op->kind, op->q) : 1;
    if (!due(net, every)) return true;
    if (m && m->kind != RM_STATE && !due(net, m->group->every)) return true;
    /* linked variables are read as they are now (Brian2 reads them live) */
    if (g && g->kind == RG_SYNAPSES) {
        net_refresh_links(g->src);
        net_refresh_links(g->tgt);
    } else if (g) net_refresh_links(g);
    if (m) net_refresh_links(m->group);
    switch (op->kind) {
    case OP_STATEMON:
        if (due(net, m->every) && !net_record_state(net, m))
            return fail(net, "state monitor %s", m->name);
        break;
    case OP_SUMMED:
        if (g->n <= 0) break;
        a = net_args_on(net, g, every);
        g->summed[op->q](&a);
        break;
    case OP_UPDATE:
        if (g->n <= 0) break;
        run_all(net, g, PAR_UPDATE, g->update, every);
        break;
    case OP_THRESH:
        g->nspikes = 0;
        g->spikes_buffered = 0;
        if (g->gen_step) generate(net, g);
        if (g->thresh) {
            a = net_args_on(net, g, every);
            mpi_own_range(net, g, &a.lo, &a.hi);
            int parts = parts_for(net, g, PAR_THRESH, a.hi - a.lo);
            if (a.lo >= a.hi) {
                /* no neurons on this rank: no spikes of its own */
            } else if (parts > 1) {
                g->nspikes = par_thresh(net->pool, parts, g->thresh, &a, g->spikes);
            } else {
                a.out = g->spikes + a.lo;
                g->nspikes = g->thresh(&a);
                if (a.lo && g->nspikes) memmove(g->spikes, g->spikes + a.lo, sizeof *g->spikes * (size_t)g->nspikes);
            }
            /* every rank gets every rank's spikes, in rank order, now or
             * at the next exchange (mpi_spikes.c) */
            if (net->mpi && !mpi_spikes_thresh(net, g)) return fail(net, "the spike exchange of %s", g->name);
        }
        break;
    case OP_SPIKEMON: {
        int32_t n;
        const int32_t *ids = net_event_list(m->group, m->event, &n);
        /* MPI ranks: recorded when the complete list comes (mpi_spikes.c) */
        if (!m->event && m->group->spikes_buffered) {
            if (!mpi_defer(net, MPI_DEFER_SPIKEMON, m, -1, m->group, net->step))
                return fail(net, "spike monitor %s", m->name);
        } else if (!net_record_spikes(m, ids, (size_t)n, net->step))
            return fail(net, "spike monitor %s", m->name);
        if (m->active_time >= 0) m->active_time += net->dt * (double)(m->group->every > 1 ? m->group->every : 1);
        break;
    }
    case OP_EVTHRESH: {
        struct RtEvent *ev = &g->events[op->q];
        ev->n = 0;
        if (g->n <= 0) break;
        a = net_args_on(net, g, every);
        a.out = ev->idx;
        ev->n = ev->fn(&a);
        break;
    }
    case OP_EVCODE: {
        struct RtEvCode *c = &g->evcodes[op->q];
        int32_t n;
        const int32_t *ids = net_event_list(g, c->event, &n);
        if (!n) break;
        a = net_args_on(net, g, every);
        a.idx = ids;
        a.nidx = n;
        c->fn(&a);
        break;
    }
    case OP_PRE:
        if (g->n <= 0) break;
        /* MPI ranks: the exchange queues the source's complete list where
         * the ring is now (mpi_spikes.c) */
        if (!g->pre_event && g->src->spikes_buffered && !mpi_defer(net, MPI_DEFER_RING, g, -1, g->src, g->queue_pos))
            return fail(net, "spike delivery of %s", g->name);
        if (!net_pathway_pre(net, g)) return fail(net, "spike delivery of %s", g->name);
        break;
    case OP_POST:
        if (g->n > 0 && !net_pathway_post(net, g)) return fail(net, "on_post delivery of %s", g->name);
        break;
    case OP_RESET: {
        const int32_t *ids = g->spikes;
        int32_t n = g->nspikes;
        if (net->mpi) ids = mpi_own_spikes(net, g, ids, &n);   /* this rank's neurons */
        if (!n) break;
        a = net_args_on(net, g, every);
        int parts = parts_for(net, g, PAR_RESET, n);
        if (parts > 1 && ascending(ids, n)) {
            par_indexed(net->pool, parts, g->n, g->reset, &a, ids, n);
            break;
        }
        a.idx = ids;
        a.nidx = n;
        g->reset(&a);
        break;
    }
    case OP_RATEMON:
        if (m->group->spikes_buffered ? !mpi_defer(net, MPI_DEFER_RATEMON, m, -1, m->group, net->step)
                                      : !net_record_rate(net, m))
            return fail(net, "rate monitor %s", m->name);
        break;
    case OP_PATH: {
        struct RtPath *p = &g->paths[op->q];
        if (g->n <= 0) break;
        bool wait = !p->post && !p->event && g->src->spikes_buffered;   /* as OP_PRE */
        if ((wait && !mpi_defer(net, MPI_DEFER_RING, g, op->q, g->src, p->queue_pos)) || !net_pathway_named(net, g, p))
            return fail(net, "spike delivery of %s (pathway %s)", g->name, op->name);
        break;
    }
    case OP_EXTRA: {
        struct RtExtra *x = &g->extras[op->q];
        if (g->n <= 0 || x->inactive || net->step % x->every) break;
        run_all(net, g, PAR_EXTRA, x->fn, every);
        break;
    }
    }
    return true;
}

int net_run(Net *net, int64_t nsteps)
{
    net->fail[0] = 0;
    if (!net->sched && !build_schedule(net)) {
        fail(net, "the schedule");
        return -1;
    }
    int64_t start = net->step, end = net->step + nsteps;
    net->stop = false;
    net_order_apply(net);    /* synapses in delivery order (net_order.c) */
    bool stop0 = false, request0 = net->stop_request && *net->stop_request;
    /* MPI ranks agree on how often they exchange spikes (the delays may
     * have changed since the last run) and on stopping before the first
     * step */
    if (net->mpi && !mpi_spikes_begin(net, nsteps, &stop0, &request0)) {
        fail(net, "the MPI ranks' agreement on the spike exchange");
        return -1;
    }
    for (;; net->step++) {
        bool stop = net->stop, request = net->stop_request && *net->stop_request;
        /* MPI ranks stop together, at a step boundary where they agree
         * (every step, or with the spike exchange; always at the end, where
         * the spikes buffered are exchanged) */
        if (net->mpi && net->step == start) stop = stop0, request = request0;
        else if (net->mpi && !mpi_spikes_boundary(net, end, &stop, &request)) {
            fail(net, "the MPI ranks' spike exchange and agreement on stopping");
            return -1;
        }
        if (net->step >= end || stop || request) break;
        if (net->between) net->between(net->between_ud, net);
        int base = 0;
        for (int k = 0; k < net->nsched; k++) {
            SchedOp *op = &net->sched[k];
            /* user operations run after the objects of their slot */
            for (; base < SLOT_OF_POS(op->when.slot); base++)
                if (net->nops) run_ops(net, base);
            ParItem items[PAR_MANY];
            snn_args args[PAR_MANY];
            int each = each_many(net, k, items, args);
            if (each > 1) {
                run_each_many(net, k, each, items);
                k += each - 1;
                continue;
            }
            int many = pre_many(net, k);
            if (many > 1) {
                if (!run_pre_many(net, k, many)) return -1;
                k += many - 1;    /* the following pathways are done too */
                continue;
            }
            if (fusable_update_thresh(net, k)) {
                run_update_thresh(net, op->g);
                k++;    /* the threshold is done too */
                continue;
            }
            if (!run_op(net, op)) return -1;
            if (op->g && op->g->kind == RG_SYNAPSES) {
                net_writeback_links(op->g->src);
                net_writeback_links(op->g->tgt);
            } else if (op->g) net_writeback_links(op->g);
        }
        for (; base < SLOT_COUNT; base++)
            if (net->nops) run_ops(net, base);
    }
    for (int k = 0; k < net->ngroups; k++) net_refresh_links(net->groups[k]);
    return 0;
}
