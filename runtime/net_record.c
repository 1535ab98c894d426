/* SPDX-License-Identifier: MIT */
/* This file contains what monitors record each step (net.h): a state
 * monitor's variables, a rate monitor's population rate and a spike or
 * event monitor's indices, steps and variables, with subgroups' ranges and
 * record= masks relative to the subgroup. */
#include "net.h"

#include <string.h>

int64_t net_monitor_size(const RtMonitor *m)
{
    return m->sub_n ? m->sub_n : net_group_size(m->group);
}

/* Record the variables of a state monitor for this step.  Returns false on
 * out of memory, with nothing recorded. */
bool net_record_state(Net *net, RtMonitor *m)
{
    RtGroup *g = m->group;
    size_t need = (size_t)m->nvars * (size_t)m->nrec;
    if (!f64vec_reserve(&m->data, need) || !i64vec_push(&m->rec_steps, net->step)) return false;
    double *out = m->data.v + m->data.n;
    int64_t off = m->sub_off;
    for (int r = 0; r < m->nrec; r++) {
        /* split synapses: where this rank holds the synapse, or -1 (rank 0
         * gathers the other ranks' records) */
        int64_t at = m->rec_at ? m->rec_at[r] : off + m->rec[r];
        for (int v = 0; v < m->nvars; v++) *out++ = at >= 0 ? g->arr[m->vars[v]][at] : 0.0;
    }
    m->data.n += need;
    return true;
}

/* Record this step's rate of a rate monitor's group; false on out of memory,
 * with nothing recorded. */
bool net_record_rate(Net *net, RtMonitor *m)
{
    return net_record_rate_of(net, m, m->group->spikes, m->group->nspikes, net->step);
}

bool net_record_rate_of(Net *net, RtMonitor *m, const int32_t *ids, int32_t count, int64_t step)
{
    if (!f64vec_reserve(&m->data, 1) || !i64vec_push(&m->rec_steps, step)) return false;
    int32_t n = count;
    if (m->sub_n) {
        n = 0;
        for (int32_t k = 0; k < count; k++) n += ids[k] >= m->sub_off && ids[k] < m->sub_off + m->sub_n;
    }
    m->data.v[m->data.n++] = (double)n / (double)net_monitor_size(m) / (net->dt * (double)m->group->every);
    return true;
}

/* Whether m keeps no indices (record=False without variables): it
 * counts its spikes as they come; other monitors' counts are those of
 * their indices, added up later (net_spike_counts). */
static bool counts_only(const RtMonitor *m)
{
    return m->record_none && !m->nvars;
}

bool net_record_spikes(RtMonitor *m, const int32_t *idx, size_t n, int64_t step)
{
    /* a subgroup's monitor keeps the spikes in its range, relative to its
     * start; record= masks and counts are indexed relative to it too */
    int64_t off = m->sub_n ? m->sub_off : 0, size = m->sub_n ? m->sub_n : m->group->n;
    bool only = counts_only(m), count = only && m->count;
    size_t keep = 0;
    for (size_t k = 0; k < n; k++) {
        int64_t r = idx[k] - off;
        bool in = r >= 0 && r < size;
        keep += in && (!m->mask || m->mask[r]);
        /* the counts of a large group are rarely in the cache after the
         * update: fetch them all now, so the misses overlap */
        if (in && count) __builtin_prefetch(&m->count[r], 1);
    }
    if (only) keep = 0;   /* (record=False with variables: kept, written without i and t) */
    size_t nv = (size_t)m->nvars;
    if (!i32vec_reserve(&m->idx, keep) || !i64vec_reserve(&m->steps, keep) ||
        (nv && !f64vec_reserve(&m->data, keep * nv)))
        return false;
    for (size_t k = 0; k < n; k++) {
        int64_t r = idx[k] - off;
        if (r < 0 || r >= size || (m->mask && !m->mask[r])) continue;
        if (only) {
            if (count) m->count[r]++;
            continue;
        }
        m->steps.v[m->steps.n++] = step;
        m->idx.v[m->idx.n++] = (int32_t)r;
        for (size_t v = 0; v < nv; v++) m->data.v[m->data.n++] = m->group->arr[m->vars[v]][idx[k]];
    }
    return true;
}

const int64_t *net_spike_counts(RtMonitor *m)
{
    if (!m->count) return NULL;
    if (!counts_only(m)) {
        for (size_t q = m->counted; q < m->idx.n; q++) m->count[m->idx.v[q]]++;
        m->counted = m->idx.n;
    }
    return m->count;
}

void net_unrecord_spikes(RtMonitor *m, const int32_t *idx, size_t n, int64_t step)
{
    if (counts_only(m)) {
        if (!m->count) return;
        int64_t off = m->sub_n ? m->sub_off : 0, size = m->sub_n ? m->sub_n : m->group->n;
        for (size_t k = 0; k < n; k++) {
            int64_t r = idx[k] - off;
            if (r >= 0 && r < size && (!m->mask || m->mask[r])) m->count[r]--;
        }
        return;
    }
    /* the counts follow the indices: those already added up come off */
    while (m->steps.n && m->steps.v[m->steps.n - 1] == step) {
        m->steps.n--;
        m->idx.n--;
        m->data.n -= (size_t)m->nvars;
        if (m->count && m->counted > m->idx.n) m->count[m->idx.v[--m->counted]]--;
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
