/* SPDX-License-Identifier: MIT */
/* This file contains the runtime network and its time step, in Brian2's
 * default schedule: start (state monitors record), groups (state updates),
 * thresholds (spikes, spike monitors), synapses (pathways: push spikes into
 * the delay queue, then run due on_pre, then on_post), resets.  Objects within
 * a slot run in name order, as Brian2 sorts them. */
#include "net.h"
#include "mpi_net.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {====================================================================
 * Growable arrays
 * ===================================================================== */

void *(*net_vec_realloc)(void *p, size_t size) = realloc;

/* Grow an array of elem-byte elements, n used and *cap allocated, to room
 * for more further ones: capacities double, starting from first.  Returns
 * the moved array with *cap updated, or NULL on out of memory (then the old
 * array and *cap are unchanged). */
static void *vec_grow(void *v, size_t *cap, size_t n, size_t more, size_t elem, size_t first)
{
    if (more > SIZE_MAX / elem - n) return NULL;
    size_t need = n + more, c = *cap ? *cap : first;
    while (c < need) c = c <= SIZE_MAX / elem / 2 ? c * 2 : need;
    void *p = net_vec_realloc(v, c * elem);
    if (p) *cap = c;
    return p;
}

bool i32vec_reserve(I32Vec *a, size_t more)
{
    if (more <= a->cap - a->n) return true;
    int32_t *v = vec_grow(a->v, &a->cap, a->n, more, sizeof *v, 64);
    return v ? (a->v = v, true) : false;
}

bool i64vec_reserve(I64Vec *a, size_t more)
{
    if (more <= a->cap - a->n) return true;
    int64_t *v = vec_grow(a->v, &a->cap, a->n, more, sizeof *v, 64);
    return v ? (a->v = v, true) : false;
}

bool f64vec_reserve(F64Vec *a, size_t more)
{
    if (more <= a->cap - a->n) return true;
    double *v = vec_grow(a->v, &a->cap, a->n, more, sizeof *v, 256);
    return v ? (a->v = v, true) : false;
}

bool i32vec_push(I32Vec *a, int32_t x)
{
    if (!i32vec_reserve(a, 1)) return false;
    a->v[a->n++] = x;
    return true;
}

bool i64vec_push(I64Vec *a, int64_t x)
{
    if (!i64vec_reserve(a, 1)) return false;
    a->v[a->n++] = x;
    return true;
}

/* Append n ids; on out of memory nothing is appended. */
static bool i32vec_append(I32Vec *a, const int32_t *x, size_t n)
{
    if (!i32vec_reserve(a, n)) return false;
    if (n) memcpy(a->v + a->n, x, n * sizeof *x);
    a->n += n;
    return true;
}

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

static void group_free(RtGroup *g)
{
    for (int k = 0; k < g->nvars; k++) {
        free(g->arr ? g->arr[k] : NULL);
        free(g->varnames[k]);
    }
    free(g->arr);
    free(g->varnames);
    free(g->init_values);
    free(g->name);
    free(g->spikes);
    free(g->pre.v);
    free(g->post.v);
    free(g->pre_start);
    free(g->pre_syn);
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
    for (int k = 0; k < g->nvars; k++) {
        /* on cache lines: a vectorised loop's loads then never straddle two
         * (malloc's large blocks start 16 bytes into a page) */
        g->arr[k] = aligned_alloc(64, (n * sizeof(double) + 63) / 64 * 64);
        if (!g->arr[k]) return false;
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

/* Counting sort of synapse ids by one endpoint: start[] has n+1 entries.
 * When the synapses are already in that order (connect() makes them source
 * by source), the sorted list would be 0, 1, 2, ...: *syn_out is then NULL,
 * and neuron i's synapses are the ids start[i] .. start[i+1] themselves
 * (csr_syn), which saves four bytes per synapse. */
static bool build_csr(const I32Vec *end, int64_t nneur, int32_t **start_out, int32_t **syn_out)
{
    int32_t *start = calloc((size_t)nneur + 1, sizeof *start);
    if (!start) return false;
    bool sorted = true;
    for (size_t s = 0; s < end->n; s++) {
        start[end->v[s] + 1]++;
        if (s && end->v[s] < end->v[s - 1]) sorted = false;
    }
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
    for (size_t s = 0; s < end->n; s++) syn[fill[end->v[s]]++] = (int32_t)s;
    free(fill);
    *syn_out = syn;
    return true;
}

/* Entry q of a CSR index's synapse list (syn NULL: the identity). */
static inline int32_t csr_syn(const int32_t *syn, int32_t q)
{
    return syn ? syn[q] : q;
}

/* Give an array's growth slack back: a built network keeps exactly n. */
static void i32vec_shrink(I32Vec *a)
{
    if (a->cap <= a->n || !a->n) return;
    int32_t *v = net_vec_realloc(a->v, sizeof *v * a->n);
    if (!v) return;     /* keeps the larger block, which is still correct */
    a->v = v;
    a->cap = a->n;
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

/* The index by target is made only for what needs it (on_post and the
 * pathways triggered by the target), when it first runs. */
bool net_finish_synapses(RtGroup *s)
{
    s->n = (int64_t)s->pre.n;
    i32vec_shrink(&s->pre);
    i32vec_shrink(&s->post);
    if (!net_synapse_range(s) || !alloc_arrays(s)) return false;
    if (!build_csr(&s->pre, s->src_n, &s->pre_start, &s->pre_syn)) return false;
    s->queue = calloc((size_t)s->delay_steps + 1, sizeof *s->queue);
    return s->queue != NULL;
}

bool net_post_index(RtGroup *s)
{
    return s->post_start || build_csr(&s->post, s->tgt_n, &s->post_start, &s->post_syn);
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
        for (int v = 0; v < g->nvars; v++)
            for (int64_t i = 0; i < g->n; i++) acc += 0.0 * g->arr[v][i];
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

/* The argument block for one call on group g. */
static snn_args args_for(Net *net, RtGroup *g)
{
    snn_args a;
    memset(&a, 0, sizeof a);
    a.v = g->arr;
    a.k = net->consts;
    a.n = (snn_i32)g->n;
    a.step = net->step;
    a.dt = net->dt;
    a.t = net_now(net);
    a.seed = net_draw_seed(net);
    a.stream = g->stream;
    if (g->kind == RG_SYNAPSES) {
        a.pre = g->pre_view;
        a.post = g->post_view;
        a.n_pre = (snn_i32)g->src_n;
        a.n_post = (snn_i32)g->tgt_n;
        a.syn_pre = g->pre.v;
        a.syn_post = g->post.v;
        net_synsyn_args(g, &a);
    }
    return a;
}

void net_synsyn_args(const RtGroup *g, snn_args *a)
{
    if (g->src->kind == RG_SYNAPSES) a->pre_syn_pre = g->src->pre.v, a->pre_syn_post = g->src->post.v;
    if (g->tgt->kind == RG_SYNAPSES) a->post_syn_pre = g->tgt->pre.v, a->post_syn_post = g->tgt->post.v;
}

/* The same on a clock of every steps: its step count, dt and time. */
static snn_args args_on(Net *net, RtGroup *g, int64_t every)
{
    snn_args a = args_for(net, g);
    a.step = (net->step + net->clock_base) / every;
    a.dt = net->dt * (double)every;
    a.t = (double)a.step * a.dt;
    return a;
}

/* The clock (in steps) an object of kind OP_* of g runs on, as Brian2's:
 * a pathway on its source's (on_pre) or target's (on_post), summed
 * variables on their target's, everything else on the group's own. */
static int64_t clock_of(const RtGroup *g, int kind, int q);

static int prepare_delays(Net *net, RtGroup *s);

void net_call_block(Net *net, RtGroup *g, snn_block_fn fn)
{
    if (g->n <= 0) return;
    snn_args a = args_for(net, g);
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

/* The source index of neuron q of link l of g from its index variable, or
 * -1 (noted in g->bad_link) when it is outside the source. */
static int64_t link_index_of(RtGroup *g, const struct RtLink *l, int64_t q)
{
    double x = g->arr[l->index_var][q];
    if (!(x >= 0 && x < (double)l->index_n)) {
        if (!g->bad_link) g->bad_link = q + 1;
        return -1;
    }
    return l->index_off + (int64_t)x;
}

void net_refresh_links(RtGroup *g)
{
    for (int k = 0; k < g->nlinks; k++) {
        const struct RtLink *l = &g->links[k];
        double *dst = g->arr[l->var];
        const double *src = l->src->arr[l->src_var];
        if (l->index_var >= 0)
            for (int64_t q = 0; q < g->n; q++) {
                int64_t at = link_index_of(g, l, q);
                dst[q] = at < 0 ? NAN : src[at];
            }
        else if (l->index)
            for (int64_t q = 0; q < g->n; q++) dst[q] = src[l->index[q]];
        else memcpy(dst, src, sizeof *dst * (size_t)g->n);
        if (l->shadow) memcpy(l->shadow, dst, sizeof *dst * (size_t)g->n);
    }
}

bool net_bad_link(Net *net, char *msg, size_t n)
{
    for (int k = 0; k < net->ngroups; k++) {
        RtGroup *g = net->groups[k];
        if (!g->bad_link) continue;
        int64_t q = g->bad_link - 1;
        g->bad_link = 0;
        for (int m = 0; m < g->nlinks; m++) {
            const struct RtLink *l = &g->links[m];
            if (l->index_var < 0) continue;
            double x = g->arr[l->index_var][q];
            if (x >= 0 && x < (double)l->index_n) continue;
            snprintf(msg, n, "%s.%s of neuron %lld is %g, but the link %s.%s reads %s, which has neurons 0 to %lld "
                     "(give index=%s values inside it)", g->name, g->varnames[l->index_var], (long long)q, x, g->name,
                     g->varnames[l->var], l->src->name, (long long)l->index_n - 1, g->varnames[l->index_var]);
            return true;
        }
        snprintf(msg, n, "an index variable of %s was outside its link's source", g->name);
        return true;
    }
    return false;
}

void net_writeback_links(RtGroup *g)
{
    for (int k = 0; k < g->nlinks; k++) {
        const struct RtLink *l = &g->links[k];
        if (!l->shadow) continue;
        const double *v = g->arr[l->var];
        double *src = l->src->arr[l->src_var];
        for (int64_t q = 0; q < g->n; q++)
            if (memcmp(&v[q], &l->shadow[q], sizeof *v)) {
                int64_t at = l->index_var >= 0 ? link_index_of(g, l, q) : l->index ? l->index[q] : q;
                if (at >= 0) src[at] = v[q];
                l->shadow[q] = v[q];
            }
    }
}

int64_t net_monitor_size(const RtMonitor *m)
{
    return m->sub_n ? m->sub_n : m->group->n;
}

int net_init_group(Net *net, RtGroup *g)
{
    net_refresh_links(g);
    if (g->init) {
        snn_args a = args_for(net, g);
        g->init(&a);
    }
    if (g->kind != RG_SYNAPSES) return 0;
    int rc = prepare_delays(net, g);
    if (rc == -1) fail(net, "the delays of %s", g->name);
    return rc;
}

/* (the epochs are made by clock.c when dt changes between runs) */
double net_time_at(const Net *net, int64_t step)
{
    for (int k = net->nepochs - 1; k >= 0; k--)
        if (step >= net->epochs[k].first_step) return (double)(step + net->epochs[k].base) * net->epochs[k].dt;
    return (double)(step + net->clock_base) * net->dt;
}

double net_now(const Net *net)
{
    return (double)(net->step + net->clock_base) * net->dt;
}

int net_redo_delays(Net *net, RtGroup *s)
{
    free(s->syn_delay);
    s->syn_delay = NULL;
    return prepare_delays(net, s);
}

int net_init(Net *net)
{
    for (int k = 0; k < net->ngroups; k++) {
        int rc = net_init_group(net, net->groups[k]);
        if (rc) return rc;
    }
    return 0;
}

/* Record the variables of a state monitor for this step.  Returns false on
 * out of memory, with nothing recorded. */
static bool record_state(Net *net, RtMonitor *m)
{
    RtGroup *g = m->group;
    size_t need = (size_t)m->nvars * (size_t)m->nrec;
    if (!f64vec_reserve(&m->data, need) || !i64vec_push(&m->rec_steps, net->step)) return false;
    double *out = m->data.v + m->data.n;
    int64_t off = m->sub_off;
    for (int r = 0; r < m->nrec; r++)
        for (int v = 0; v < m->nvars; v++) *out++ = g->arr[m->vars[v]][off + m->rec[r]];
    m->data.n += need;
    return true;
}

/* Record this step's rate of a rate monitor's group; false on out of memory,
 * with nothing recorded. */
static bool record_rate(Net *net, RtMonitor *m)
{
    if (!f64vec_reserve(&m->data, 1) || !i64vec_push(&m->rec_steps, net->step)) return false;
    int32_t n = m->group->nspikes;
    if (m->sub_n) {
        n = 0;
        for (int32_t k = 0; k < m->group->nspikes; k++)
            n += m->group->spikes[k] >= m->sub_off && m->group->spikes[k] < m->sub_off + m->sub_n;
    }
    m->data.v[m->data.n++] = (double)n / (double)net_monitor_size(m) / (net->dt * (double)m->group->every);
    return true;
}

bool net_record_spikes(RtMonitor *m, const int32_t *idx, size_t n, int64_t step)
{
    /* a subgroup's monitor keeps the spikes in its range, relative to its
     * start; record= masks and counts are indexed relative to it too */
    int64_t off = m->sub_n ? m->sub_off : 0, size = m->sub_n ? m->sub_n : m->group->n;
    size_t keep = 0;
    for (size_t k = 0; k < n; k++) {
        int64_t r = idx[k] - off;
        keep += r >= 0 && r < size && (!m->mask || m->mask[r]);
    }
    if (m->record_none) keep = 0;
    size_t nv = (size_t)m->nvars;
    if (!i32vec_reserve(&m->idx, keep) || !i64vec_reserve(&m->steps, keep) ||
        (nv && !f64vec_reserve(&m->data, keep * nv)))
        return false;
    for (size_t k = 0; k < n; k++) {
        int64_t r = idx[k] - off;
        if (r < 0 || r >= size || (m->mask && !m->mask[r])) continue;
        if (m->count) m->count[r]++;
        if (m->record_none) continue;
        m->steps.v[m->steps.n++] = step;
        m->idx.v[m->idx.n++] = (int32_t)r;
        for (size_t v = 0; v < nv; v++) m->data.v[m->data.n++] = m->group->arr[m->vars[v]][idx[k]];
    }
    return true;
}

void net_unrecord_spikes(RtMonitor *m, const int32_t *idx, size_t n, int64_t step)
{
    while (m->steps.n && m->steps.v[m->steps.n - 1] == step) {
        m->steps.n--;
        m->idx.n--;
        m->data.n -= (size_t)m->nvars;
    }
    int64_t off = m->sub_n ? m->sub_off : 0, size = m->sub_n ? m->sub_n : m->group->n;
    for (size_t k = 0; m->count && k < n; k++) {
        int64_t r = idx[k] - off;
        if (r >= 0 && r < size && (!m->mask || m->mask[r])) m->count[r]--;
    }
}

const int32_t *net_event_list(const RtGroup *g, int ev, int32_t *n)
{
    if (ev > 0 && ev <= g->nevents) {
        *n = g->events[ev - 1].n;
        return g->events[ev - 1].idx;
    }
    *n = g->nspikes;
    return g->spikes;
}

/* Run a pathway's code on the synapse ids ids[0..n), if there are any. */
static void run_pathway(Net *net, RtGroup *s, const int32_t *ids, size_t n, snn_block_fn fn, int64_t every)
{
    if (!n) return;
    snn_args a = args_on(net, s, every);
    a.idx = ids;
    a.nidx = (snn_i32)n;
    fn(&a);
}

/* Run the pathway code on the synapses of the spiking neurons, neuron by
 * neuron in CSR order (index start, syn by source or target).  Where the
 * synapses are stored in that order (syn NULL), each neuron's synapses are
 * a range of ids, passed to the code as [lo, hi) with no list; otherwise one
 * neuron's synapses are a range of syn and go straight to the code, and
 * those of several are copied range by range into s->scratch.  Returns
 * false on out of memory, with nothing delivered. */
static bool deliver(Net *net, RtGroup *s, const int32_t *neurons, size_t nn, const int32_t *start,
                    const int32_t *syn, snn_block_fn fn, int64_t every)
{
    if (!syn) {
        snn_args a = args_on(net, s, every);
        for (size_t k = 0; k < nn; k++) {
            a.lo = start[neurons[k]];
            a.hi = start[neurons[k] + 1];
            if (a.lo < a.hi) fn(&a);
        }
        return true;
    }
    if (nn == 1) {
        int32_t first = start[neurons[0]];
        run_pathway(net, s, syn + first, (size_t)(start[neurons[0] + 1] - first), fn, every);
        return true;
    }
    size_t total = 0;
    for (size_t k = 0; k < nn; k++) total += (size_t)(start[neurons[k] + 1] - start[neurons[k]]);
    s->scratch.n = 0;
    if (!i32vec_reserve(&s->scratch, total)) return false;
    for (size_t k = 0; k < nn; k++) {
        int32_t first = start[neurons[k]];
        i32vec_append(&s->scratch, syn + first, (size_t)(start[neurons[k] + 1] - first));
    }
    run_pathway(net, s, s->scratch.v, s->scratch.n, fn, every);
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
 * delays); false on out of memory. */
static bool queue_by_synapse(I32Vec *queue, int pos, int size, const int32_t *syn_delay, const int32_t *trig,
                             int32_t ntrig, const int32_t *start, const int32_t *syn)
{
    for (int32_t k = 0; k < ntrig; k++) {
        int32_t i = trig[k];
        for (int32_t q = start[i]; q < start[i + 1]; q++) {
            int32_t id = csr_syn(syn, q);
            if (!i32vec_push(&queue[(pos + syn_delay[id]) % size], id)) return false;
        }
    }
    return true;
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

/* The synapses that the due neurons' spikes reach (CSR by source). */
static size_t fanout(const int32_t *start, const int32_t *neurons, size_t nn)
{
    size_t total = 0;
    for (size_t k = 0; k < nn; k++) total += (size_t)(start[neurons[k] + 1] - start[neurons[k]]);
    return total;
}

/* Deliver the due list of an on_pre ring (neuron ids with a homogeneous
 * delay, synapse ids with syn_delay) split by target range when lanes_for
 * gives lanes, else on this thread; false on out of memory. */
static bool deliver_due(Net *net, RtGroup *s, const I32Vec *due, const int32_t *syn_delay, const int32_t *start,
                        const int32_t *syn, snn_block_fn fn, int64_t every, bool split)
{
    if (!due->n) return true;
    ParLanes *l = split ? lanes_for(net, s, syn_delay ? due->n : fanout(start, due->v, due->n)) : NULL;
    if (l) {
        snn_args a = args_on(net, s, every);
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
    bool ok = syn_delay ? queue_by_synapse(queue, *pos, size, syn_delay, trig, ntrig, start, syn)
                        : i32vec_append(&queue[(*pos + delay) % size], trig, (size_t)ntrig);
    if (!ok) return false;
    I32Vec *due = &queue[*pos];
    if (!deliver_due(net, s, due, syn_delay, start, syn, fn, every, split)) return false;
    due->n = 0;
    *pos = (*pos + 1) % size;
    return true;
}

/* The on_pre pathway of a Synapses object, with its delay ring. */
static bool pathway_pre(Net *net, RtGroup *s)
{
    int32_t n;
    const int32_t *trig = net_event_list(s->src, s->pre_event, &n);
    trig = range_list(s, trig, &n, s->src->n, s->src_off, s->src_n);
    return ring_step(net, s, s->queue, &s->queue_pos, s->delay_steps, s->syn_delay, trig, n, s->pre_start, s->pre_syn,
                     s->on_pre, s->src->every, true);
}

/* A named pathway, with a ring of its own. */
static bool pathway_named(Net *net, RtGroup *s, struct RtPath *p)
{
    int32_t n;
    if (p->post && !net_post_index(s)) return false;
    const int32_t *trig = net_event_list(p->post ? s->tgt : s->src, p->event, &n);
    trig = p->post ? range_list(s, trig, &n, s->tgt->n, s->tgt_off, s->tgt_n)
                   : range_list(s, trig, &n, s->src->n, s->src_off, s->src_n);
    return ring_step(net, s, p->queue, &p->queue_pos, p->delay_steps, NULL, trig, n,
                     p->post ? s->post_start : s->pre_start, p->post ? s->post_syn : s->pre_syn, p->fn,
                     (p->post ? s->tgt : s->src)->every, false);
}

/* Heterogeneous delays: each synapse's 'delay' in whole steps (Brian2:
 * (int)(delay/dt + 0.5)), and a ring long
 * enough for the largest.  Returns 0; -1 on out of memory; -2 (with
 * net->fail naming the synapse) for a delay that is NaN, infinite, negative
 * or more steps than a ring can have.  Done once, at init. */
static int prepare_delays(Net *net, RtGroup *s)
{
    if (s->delay_var < 0 || s->syn_delay) return 0;
    s->syn_delay = malloc(sizeof *s->syn_delay * (size_t)(s->n > 0 ? s->n : 1));
    if (!s->syn_delay) return -1;
    int maxd = 0;
    for (int64_t k = 0; k < s->n; k++) {
        double d = s->arr[s->delay_var][k];
        double steps = d / (net->dt * (double)s->src->every) + 0.5;   /* on the source's clock */
        if (!(d >= 0) || !(steps < (double)NET_MAX_DELAY_STEPS)) {
            snprintf(net->fail, sizeof net->fail, d != d ? "synapse %lld (%d -> %d) has the delay NaN"
                     : "synapse %lld (%d -> %d) has the delay %g s", (long long)k, s->pre.v[k], s->post.v[k], d);
            free(s->syn_delay);
            s->syn_delay = NULL;
            return -2;
        }
        s->syn_delay[k] = (int32_t)steps;
        if (s->syn_delay[k] > maxd) maxd = s->syn_delay[k];
    }
    for (int k = 0; k <= s->delay_steps; k++) free(s->queue[k].v);
    free(s->queue);
    s->delay_steps = maxd;
    s->queue_pos = 0;
    s->queue = calloc((size_t)maxd + 1, sizeof *s->queue);
    return s->queue != NULL ? 0 : -1;
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
    net->ops[net->nops++] = (NetOp){ slot, every, fn, ud };
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
    snn_args a = args_on(net, g, every);
    mpi_own_range(net, g, &a.lo, &a.hi);
    if (a.lo >= a.hi) return;
    int parts = parts_for(net, g, flag, a.hi - a.lo);
    if (parts > 1) par_each(net->pool, parts, fn, &a);
    else fn(&a);
}

/* Whether the scheduled ops k and k + 1 are a group's update and its
 * threshold that can run as one split (par_update_thresh): adjacent in the
 * schedule with no user operation between their slots, both splittable,
 * on the same clock, due now, no spike generator in the group, and one
 * process (no MPI ranks). */
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
    if (g->every > 1 && net->step % g->every) return false;
    for (int q = 0; q < net->nops; q++) {
        int slot = net->ops[q].slot;
        if (slot >= SLOT_OF_POS(u->when.slot) && slot < SLOT_OF_POS(t->when.slot)) return false;
    }
    return parts_for(net, g, PAR_UPDATE | PAR_THRESH, g->n) > 1;
}

/* Run a group's update and threshold as one split (see above). */
static void run_update_thresh(Net *net, RtGroup *g)
{
    snn_args a = args_on(net, g, g->every);
    int parts = parts_for(net, g, PAR_UPDATE | PAR_THRESH, g->n);
    g->nspikes = par_update_thresh(net->pool, parts, g->update, g->thresh, &a, g->spikes);
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
        if (op->kind == OP_THRESH) g->nspikes = 0;
        return true;
    }
    /* several clocks: an object runs where its clock's time is the network's */
    int64_t every = g ? clock_of(g, op->kind, op->q) : 1;
    int64_t clock = net->step + net->clock_base;   /* Brian2's clock index */
    if (every > 1 && clock % every) return true;
    if (m && m->kind != RM_STATE && m->group->every > 1 && clock % m->group->every) return true;
    /* linked variables are read as they are now (Brian2 reads them live) */
    if (g && g->kind == RG_SYNAPSES) {
        net_refresh_links(g->src);
        net_refresh_links(g->tgt);
    } else if (g) net_refresh_links(g);
    if (m) net_refresh_links(m->group);
    switch (op->kind) {
    case OP_STATEMON:
        if ((m->every <= 1 || clock % m->every == 0) && !record_state(net, m))
            return fail(net, "state monitor %s", m->name);
        break;
    case OP_SUMMED:
        if (g->n <= 0) break;
        a = args_on(net, g, every);
        g->summed[op->q](&a);
        break;
    case OP_UPDATE:
        if (g->n <= 0) break;
        run_all(net, g, PAR_UPDATE, g->update, every);
        break;
    case OP_THRESH:
        g->nspikes = 0;
        if (g->gen_step) generate(net, g);
        if (g->thresh) {
            a = args_on(net, g, every);
            mpi_own_range(net, g, &a.lo, &a.hi);
            int parts = parts_for(net, g, PAR_THRESH, a.hi - a.lo);
            if (a.lo >= a.hi) {
                g->nspikes = 0;
            } else if (parts > 1) {
                g->nspikes = par_thresh(net->pool, parts, g->thresh, &a, g->spikes);
            } else {
                a.out = g->spikes + a.lo;
                g->nspikes = g->thresh(&a);
                if (a.lo && g->nspikes) memmove(g->spikes, g->spikes + a.lo, sizeof *g->spikes * (size_t)g->nspikes);
            }
            /* every rank gets every rank's spikes, in rank order */
            if (net->mpi && !mpi_exchange_spikes(net, g->spikes, &g->nspikes))
                return fail(net, "the spike exchange of %s", g->name);
        }
        break;
    case OP_SPIKEMON: {
        int32_t n;
        const int32_t *ids = net_event_list(m->group, m->event, &n);
        if (!net_record_spikes(m, ids, (size_t)n, net->step)) return fail(net, "spike monitor %s", m->name);
        if (m->active_time >= 0) m->active_time += net->dt * (double)(m->group->every > 1 ? m->group->every : 1);
        break;
    }
    case OP_EVTHRESH: {
        struct RtEvent *ev = &g->events[op->q];
        ev->n = 0;
        if (g->n <= 0) break;
        a = args_on(net, g, every);
        a.out = ev->idx;
        ev->n = ev->fn(&a);
        break;
    }
    case OP_EVCODE: {
        struct RtEvCode *c = &g->evcodes[op->q];
        int32_t n;
        const int32_t *ids = net_event_list(g, c->event, &n);
        if (!n) break;
        a = args_on(net, g, every);
        a.idx = ids;
        a.nidx = n;
        c->fn(&a);
        break;
    }
    case OP_PRE:
        if (g->n > 0 && !pathway_pre(net, g)) return fail(net, "spike delivery of %s", g->name);
        break;
    case OP_POST: {
        int32_t n;
        const int32_t *ids = net_event_list(g->tgt, g->post_event, &n);
        if (g->n > 0 && n) {
            if (!net_post_index(g)) return fail(net, "on_post delivery of %s", g->name);
            ids = range_list(g, ids, &n, g->tgt->n, g->tgt_off, g->tgt_n);
            if (!ids || (n && !deliver(net, g, ids, (size_t)n, g->post_start, g->post_syn, g->on_post, g->tgt->every)))
                return fail(net, "on_post delivery of %s", g->name);
        }
        break;
    }
    case OP_RESET: {
        const int32_t *ids = g->spikes;
        int32_t n = g->nspikes;
        if (net->mpi) ids = mpi_own_spikes(net, g, ids, &n);   /* this rank's neurons */
        if (!n) break;
        a = args_on(net, g, every);
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
        if (!record_rate(net, m)) return fail(net, "rate monitor %s", m->name);
        break;
    case OP_PATH:
        if (g->n > 0 && !pathway_named(net, g, &g->paths[op->q]))
            return fail(net, "spike delivery of %s (pathway %s)", g->name, op->name);
        break;
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
    int64_t end = net->step + nsteps;
    net->stop = false;
    for (;; net->step++) {
        bool stop = net->stop, request = net->stop_request && *net->stop_request;
        /* MPI ranks stop together: at every step boundary, also the last */
        if (net->mpi && !mpi_agree_stop(net, &stop, &request)) {
            fail(net, "the MPI ranks' agreement on stopping");
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
