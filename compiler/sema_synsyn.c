/* SPDX-License-Identifier: MIT */
/* This file contains the checks of synapses on synapses (Brian2's
 * Synapses(S, conn, ...), tripartite and astrocyte models): a synapse group
 * whose source or target is another synapse group.  Its i (j) then counts
 * the source's (target's) synapses, in their creation order; 'w_post' (and
 * a plain 'w') is the target synapse's w, 'i_post' / 'j_post' the target
 * synapse's own i and j (and 'i_pre' / 'j_pre' the source synapse's).  As in
 * Brian2 a synapse group has no spikes, so it cannot trigger on_pre (as a
 * source) or on_post (as a target).  Also Brian2's multisynaptic_index,
 * which tells apart the synapses of one pair (as a target group's 'k_post'). */
#include <string.h>

#include "sema_int.h"

int sema_synapse_endpoint(Sema *S, Ident name, Span sp, const Node *slice, GroupRange *out)
{
    Group *g = sema_find_group(S, name);
    if (!g || g->kind != G_SYNAPSES) return 0;
    if (slice) {
        diag_error(S->D, slice->span, "'%s' is a synapse group: synapses on synapses connect to all of its "
                   "synapses (a condition on i or j selects some of them)", g->name);
        return -1;
    }
    (void)sp;
    /* N 0: the synapses made by its connect() at run time */
    *out = (GroupRange){ g, 0, 0, false, g->name };
    return 1;
}

bool sema_synsyn_pathway_ok(Sema *S, Group *g, const Item *it, bool post)
{
    Group *from = post ? g->tgt : g->src;
    if (!from || from->kind != G_SYNAPSES) return true;
    diag_error(S->D, it->span, "%s group '%s' of %s is a synapse group, which has no spikes to trigger %s "
               "(Brian2: \"does not define an event 'spike'\"); trigger it from a neuron group or a "
               "spike generator, or leave %s out", post ? "the target" : "the source", from->name, g->name,
               post ? "on_post" : "on_pre", post ? "on_post" : "on_pre");
    return false;
}

/* Is n the name z with one of the endings _pre / _post (strip it)? */
static int side_suffix(const char *z, size_t *n)
{
    if (sema_ends_with(z, *n, "_pre")) { *n -= 4; return 1; }
    if (sema_ends_with(z, *n, "_post")) { *n -= 5; return 2; }
    return 0;
}

bool sema_synsyn_resolve(Scope *sc, Ident id, Span sp, Sym **out)
{
    Sema *S = sc->S;
    Group *g = sc->g;
    size_t n = id.n;
    int side = side_suffix(id.z, &n);
    Group *end = side == 1 ? g->src : side == 2 ? g->tgt : NULL;
    if (!end || end->kind != G_SYNAPSES) return false;
    /* i_post, j_post (i_pre, j_pre): the indices of the target (source) synapse */
    if (n == 1 && (id.z[0] == 'i' || id.z[0] == 'j')) {
        bool i = id.z[0] == 'i';
        *out = model_builtin(S->M, side == 1 ? (i ? B_I_PRE : B_J_PRE) : (i ? B_I_POST : B_J_POST));
        return true;
    }
    /* v_post_post: a variable of the target's own target, two links away */
    size_t m = n;
    int inner = side_suffix(id.z, &m);
    Group *far = inner == 1 ? end->src : inner == 2 ? end->tgt : NULL;
    if (far && sema_group_lookup(far, id.z, m)) {
        diag_error(S->D, sp, "'%.*s' would read %.*s of %s through the synapses of %s: snnc does not follow two "
                   "_pre/_post links (Brian2 indexes %s's arrays with the synapse index of %s there, which is not "
                   "a neuron index); add a variable to %s and copy %.*s%s into it", (int)id.n, id.z, (int)m, id.z,
                   far->name, end->name, far->name, end->name, end->name, (int)m, id.z, inner == 1 ? "_pre" : "_post");
        *out = NULL;
        return true;
    }
    return false;
}

Sym *sema_synsyn_view_builtin(Sema *S, Sym *s, int side)
{
    if (s->builtin == B_I) return model_builtin(S->M, side == 1 ? B_I_PRE : B_I_POST);
    if (s->builtin == B_J) return model_builtin(S->M, side == 1 ? B_J_PRE : B_J_POST);
    if (s->builtin == B_N) return model_builtin(S->M, side == 1 ? B_N_PRE : B_N_POST);
    return s;
}

void sema_multisynaptic_index(Sema *S, Group *g, const Item *it)
{
    const Node *e = it->expr;
    if (e->kind != N_NAME && e->kind != N_STR) {
        diag_error(S->D, e->span, "multisynaptic_index is the name of the variable that numbers the synapses of "
                   "one pair, e.g. 'multisynaptic_index: k'");
        return;
    }
    if (!sema_check_identifier(S, e->name, e->span, "multisynaptic_index name")) return;
    if (sema_group_lookup(g, e->name.z, e->name.n)) {
        diag_error(S->D, e->span, "'%.*s' is already a variable of %s; multisynaptic_index needs a new name",
                   (int)e->name.n, e->name.z, g->name);
        return;
    }
    sema_runtime_int(S, g, e->name, e->span, VR_MULTISYN, VF_CONSTANT);
}
