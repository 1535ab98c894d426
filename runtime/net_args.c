/* SPDX-License-Identifier: MIT */
/* This file contains the arguments every generated block is called with
 * (net.h): a group's arrays, constants, sizes, step, time and random-number
 * key, on the network's clock or on a clock of its own, and the network's
 * time through dt changes (its epochs). */
#include "net.h"

#include <string.h>

/* The argument block for one call on group g. */
snn_args net_args_for(Net *net, RtGroup *g)
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
        a.syn_gid = g->split ? g->gid.v : g->order;   /* own numbers (net_order.c) */
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
snn_args net_args_on(Net *net, RtGroup *g, int64_t every)
{
    snn_args a = net_args_for(net, g);
    a.step = (net->step + net->clock_base) / every;
    a.dt = net->dt * (double)every;
    a.t = (double)a.step * a.dt;
    return a;
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
