/* SPDX-License-Identifier: MIT */
/* This file contains linked variables at run time (net.h): a group's
 * linked variable is a copy of its source's variable, refreshed before
 * each object that reads it runs (Brian2 reads links live) and written
 * back where the object changed it; with index= the copy follows an
 * index map or an integer variable of the group. */
#include "net.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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
