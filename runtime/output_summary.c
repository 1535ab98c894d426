/* SPDX-License-Identifier: MIT */
/* This file contains the run summary (output.h): for each synapse object
 * its number of synapses, for each monitor what it recorded (spikes per
 * neuron or the mean rate over the time the monitor recorded, a rate
 * monitor's mean, a state monitor's steps). */
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *output_summary(Net *net)
{
    size_t cap = 256, len = 0;
    char *s = malloc(cap);
    if (!s) return NULL;
    s[0] = 0;
    for (int k = 0; k < net->ngroups; k++) {
        RtGroup *g = net->groups[k];
        if (g->kind != RG_SYNAPSES) continue;
        char line[256];
        int n = snprintf(line, sizeof line, "%s: %lld synapses %s -> %s\n", g->name,
                         (long long)net_group_size(g), g->src_label ? g->src_label : g->src->name, g->tgt_label ? g->tgt_label : g->tgt->name);
        if (len + (size_t)n + 1 > cap) {
            cap = (len + (size_t)n + 1) * 2;
            char *p = realloc(s, cap);
            if (!p) return s;
            s = p;
        }
        memcpy(s + len, line, (size_t)n + 1);
        len += (size_t)n;
    }
    for (int k = 0; k < net->nmonitors; k++) {
        RtMonitor *m = net->monitors[k];
        char line[512];
        int n;
        if (m->kind == RM_SPIKE) {
            int64_t nn = net_monitor_size(m);
            net_spike_counts(m);
            const char *from = m->label ? m->label : m->group->name;
            size_t total = 0;
            if (m->count) for (int64_t q = 0; q < nn; q++) total += (size_t)m->count[q];
            else total = m->idx.n;
            if (m->event)
                n = snprintf(line, sizeof line, "%s: %zu '%s' events from %s", m->name, total,
                             m->group->events[m->event - 1].name, from);
            else n = snprintf(line, sizeof line, "%s: %zu spikes from %s", m->name, total, from);
            if (nn <= 10) {
                size_t counts[10] = { 0 };
                if (m->count) for (int64_t q = 0; q < nn; q++) counts[q] = (size_t)m->count[q];
                else for (size_t q = 0; q < m->idx.n; q++) counts[m->idx.v[q]]++;
                n += snprintf(line + n, sizeof line - (size_t)n, " (per neuron:");
                for (int64_t q = 0; q < nn; q++) n += snprintf(line + n, sizeof line - (size_t)n, " %zu", counts[q]);
                n += snprintf(line + n, sizeof line - (size_t)n, ")");
            } else {
                /* over the time the monitor recorded, not the network's
                 * time: it may have been inactive, or t set by the script */
                double t = m->active_time;
                if (t < 0) n += snprintf(line + n, sizeof line - (size_t)n, " (mean rate unknown after a restore)");
                else n += snprintf(line + n, sizeof line - (size_t)n, " (mean rate %.3g Hz)",
                                   t > 0 ? (double)total / (double)nn / t : 0.0);
            }
        } else if (m->kind == RM_RATE) {
            double sum = 0;
            for (size_t q = 0; q < m->data.n; q++) sum += m->data.v[q];
            n = snprintf(line, sizeof line, "%s: population rate of %s, mean %.3g Hz over %zu steps", m->name,
                         m->label ? m->label : m->group->name, m->data.n ? sum / (double)m->data.n : 0.0, m->data.n);
        } else {
            n = snprintf(line, sizeof line, "%s: %zu steps of %d variable(s) x %d neuron(s) from %s", m->name,
                         m->rec_steps.n, m->nvars, m->nrec, m->label ? m->label : m->group->name);
        }
        if (len + (size_t)n + 2 > cap) {
            cap = (len + (size_t)n + 2) * 2;
            char *p = realloc(s, cap);
            if (!p) return s;
            s = p;
        }
        memcpy(s + len, line, (size_t)n);
        len += (size_t)n;
        s[len++] = '\n';
        s[len] = 0;
    }
    return s;
}
