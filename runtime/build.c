/* SPDX-License-Identifier: MIT */
/* This file contains the step from a checked, compiled model to a runtime
 * network: groups with their arrays and block functions, synapses with their
 * connectivity, monitors, constants, and the initial values. */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "snn.h"
#include "../compiler/emit.h"
#include "../compiler/sema.h"

static int cmp_group_name(const void *a, const void *b)
{
    return strcmp((*(RtGroup *const *)a)->name, (*(RtGroup *const *)b)->name);
}

static snn_block_fn block(Jit *jit, Arena *A, const Group *g, const char *kind)
{
    return (snn_block_fn)jit_symbol(jit, emit_fn_name(A, g, kind));
}

int build_network(Model *M, Jit *jit, Arena *A, uint64_t seed, Net **out)
{
    Net *net = net_new(M->dt, seed);
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
    RtGroup **rt = arena_alloc(A, sizeof *rt * (size_t)(M->ngroups + 1));
    for (int k = 0; k < M->ngroups; k++) {
        Group *g = M->groups[k];
        char **names = arena_alloc(A, sizeof *names * (size_t)(g->nvars + 1));
        double *init = arena_alloc(A, sizeof *init * (size_t)(g->nvars + 1));
        for (int v = 0; v < g->nvars; v++) {
            names[v] = (char *)g->vars[v]->name;
            init[v] = g->vars[v]->role == VR_LASTSPIKE ? -1e4 : g->vars[v]->role == VR_NOTREF ? 1.0 : 0.0;
        }
        RtGroup *r = net_add_group(net, g->name, g->kind == G_NEURONS ? RG_NEURONS : RG_SYNAPSES,
                                   g->kind == G_NEURONS ? g->N : 0, g->nvars, names, init);
        if (!r) return SNN_ENOMEM;
        rt[k] = r;
        r->update = block(jit, A, g, "update");
        r->thresh = g->threshold ? block(jit, A, g, "thresh") : NULL;
        r->reset = g->reset.n ? block(jit, A, g, "reset") : NULL;
        r->on_pre = g->on_pre.n ? block(jit, A, g, "on_pre") : NULL;
        r->on_post = g->on_post.n ? block(jit, A, g, "on_post") : NULL;
        r->init = g->ninits ? block(jit, A, g, "init") : NULL;
        if (g->kind == G_SYNAPSES) {
            r->src = rt[g->src->index];
            r->tgt = rt[g->tgt->index];
            if (g->delay) {
                double d;
                sema_const_value(g->delay, &d);
                r->delay_steps = (int)snn_timestep(d, M->dt);
            }
            for (int c = 0; c < g->nconnects; c++)
                for (int q = 0; q < g->connects[c].n; q++)
                    if (!i32vec_push(&r->pre, g->connects[c].i[q]) || !i32vec_push(&r->post, g->connects[c].j[q]))
                        return SNN_ENOMEM;
            if (!net_finish_synapses(r)) return SNN_ENOMEM;
        }
    }
    for (int k = 0; k < M->nmonitors; k++) {
        Monitor *m = M->monitors[k];
        RtMonitor *r = net_add_monitor(net, m->name, m->kind == MON_SPIKE ? RM_SPIKE : RM_STATE, rt[m->group->index]);
        if (!r) return SNN_ENOMEM;
        if (m->kind == MON_STATE) {
            r->nvars = m->nvars;
            r->vars = calloc((size_t)m->nvars, sizeof *r->vars);
            r->varnames = calloc((size_t)m->nvars, sizeof *r->varnames);
            int64_t n = m->record_all ? m->group->N : m->nrecord;
            r->nrec = (int)n;
            r->rec = calloc((size_t)(n > 0 ? n : 1), sizeof *r->rec);
            if (!r->vars || !r->varnames || !r->rec) return SNN_ENOMEM;
            for (int v = 0; v < m->nvars; v++) {
                r->vars[v] = m->vars[v]->var_index;
                r->varnames[v] = strdup(m->vars[v]->name);
            }
            for (int64_t q = 0; q < n; q++) r->rec[q] = m->record_all ? (int32_t)q : m->record[q];
        }
    }
    net_init(net);
    /* Brian2 runs the objects of one slot in name order */
    qsort(net->groups, (size_t)net->ngroups, sizeof *net->groups, cmp_group_name);
    return SNN_OK;
}

