/* SPDX-License-Identifier: MIT */
/* This file contains the step from a checked, compiled model to a runtime
 * network: the memory it will need, checked against what the process may
 * have before anything is allocated; groups with their arrays and block
 * functions (bound by the names in the emitter's BlockTable); the neurons'
 * initial values; synapses with their connectivity (so that connect()
 * conditions see those values) and then their own initial values; monitors
 * and constants.  It reads the model and never allocates in its arena. */
#include "build.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "morphology.h"
#include "mpi_net.h"
#include "smooth.h"
#include "snn.h"

static int cmp_group_name(const void *a, const void *b)
{
    return strcmp((*(RtGroup *const *)a)->name, (*(RtGroup *const *)b)->name);
}

/* The random-number call site of p= with explicit i, j lists (one draw per
 * listed pair); the generated code's sample() uses SNN_SAMPLE_RAND_SITE
 * (p=) and SNN_SAMPLE_RAND_SITE + 2 (size=). */
#define LIST_P_RAND_SITE (SNN_SAMPLE_RAND_SITE + 1)

/* What the push callback of generated connect code adds to. */
typedef struct Pusher {
    RtGroup *r;
    bool     nomem;          /* a push failed: out of memory */
    /* split over MPI ranks (r->split): the synapses made so far in the
     * whole network, and the targets [lo, hi) this rank keeps (relative to
     * the target range) */
    int64_t  made;
    int64_t  lo, hi;
} Pusher;

/* push callback of generated connect code: one synapse i -> j.  Split
 * over MPI ranks, a rank keeps the synapses onto its own neurons, with
 * their numbers in the whole network. */
static snn_i32 push_pair(void *ud, snn_i32 i, snn_i32 j)
{
    Pusher *p = ud;
    RtGroup *r = p->r;
    if (r->split) {
        int64_t number = p->made++;
        if (j < p->lo || j >= p->hi) return 0;
        if (!i32vec_push(&r->gid, (int32_t)number)) {
            p->nomem = true;
            return 1;
        }
    }
    if (i32vec_push(&r->pre, i)) {
        if (i32vec_push(&r->post, j)) return 0;
        r->pre.n--;
    }
    if (r->split) r->gid.n--;
    p->nomem = true;
    return 1;
}

/* Record a build error about the object at span. */
static int build_fail(BuildError *err, Span span, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int build_fail(BuildError *err, Span span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->span = span;
    err->set = true;
    return SNN_ESEMA;
}

/* The error of connect rule cn whose generated code failed for neuron at
 * (a source i, or for connect(i=...) a target j); why as the code left it:
 * 0 an index out of range, 1 a sample size outside 0..available (why[1],
 * why[2]), 2 a range step of 0. */
static int connect_error(BuildError *err, const Connect *cn, const Group *g, const RtGroup *r, int at, const snn_i32 *why)
{
    const char *made = cn->over_pre ? "i" : "j", *fixed = cn->over_pre ? "j" : "i";
    if (why[0] == 1)
        return build_fail(err, cn->span, "%s: connect(%s=...) asks sample() for size=%d distinct values for %s = %d, but "
                          "the range has %d (add skip_if_invalid=True to take what there is)", g->name, made, why[1],
                          fixed, at, why[2]);
    if (why[0] == 2)
        return build_fail(err, cn->span, "%s: connect(%s=...) has a range step of 0 for %s = %d", g->name, made,
                          fixed, at);
    return build_fail(err, cn->span, "%s: connect(%s=...) gives a %s index outside 0..%lld for %s = %d "
                      "(add skip_if_invalid=True to skip such pairs)", g->name, made,
                      cn->over_pre ? "source" : "target", (long long)(cn->over_pre ? r->src_n : r->tgt_n) - 1, fixed,
                      at);
}

/* Make the synapses of every connect(...) of g, in order (the generated
 * connect functions, which also hold the one sampler of a constant p). */
static int connect_all(Net *net, RtGroup *r, const Group *g, const BlockTable *B, Jit *jit, BuildError *err)
{
    Pusher pu = { r, false, 0, 0, 0 };
    if (r->split) {
        /* this rank's part of the target group, relative to the target range */
        int32_t lo, hi;
        mpi_own_range(net, r->tgt, &lo, &hi);
        pu.lo = lo - r->tgt_off, pu.hi = hi - r->tgt_off;
    }
    for (int c = 0; c < g->nconnects; c++) {
        Connect *cn = &g->connects[c];
        if (cn->kind == CONN_LIST) {
            for (int q = 0; q < cn->n; q++) {
                /* synapses on synapses: an index of a synapse group is checked
                 * now that it is connected (sema checked the others) */
                if (cn->i[q] >= r->src_n || cn->j[q] >= r->tgt_n) {
                    bool pre = cn->i[q] >= r->src_n;
                    return build_fail(err, cn->span, "%s: connect(i=..., j=...) names synapse %d of %s, which has "
                                      "%lld synapses (0 to %lld)", g->name, pre ? cn->i[q] : cn->j[q],
                                      pre ? r->src->name : r->tgt->name, (long long)(pre ? r->src_n : r->tgt_n),
                                      (long long)(pre ? r->src_n : r->tgt_n) - 1);
                }
                /* p=: each listed pair is kept with probability p, one draw per pair */
                if (cn->p && !(snn_rand_uniform(net->seed, r->stream, q, c, LIST_P_RAND_SITE) < cn->pconst)) continue;
                if (push_pair(&pu, cn->i[q], cn->j[q])) return SNN_ENOMEM;
            }
        } else {
            const BlockFn *b = block_find(B, g, BK_CONNECT, cn->index);
            snn_block_fn fn = b ? (snn_block_fn)jit_symbol(jit, b->name) : NULL;
            if (!fn) return SNN_EJIT;
            snn_args a;
            memset(&a, 0, sizeof a);
            a.pre = r->pre_view;
            a.post = r->post_view;
            a.k = net->consts;
            a.n_pre = (snn_i32)r->src_n;
            a.n_post = (snn_i32)r->tgt_n;
            a.dt = net->dt;
            a.seed = net->seed;
            a.stream = r->stream;
            a.ud = &pu;
            a.push = push_pair;
            net_synsyn_args(r, &a);
            snn_i32 why[3] = { 0, 0, 0 };
            a.out = why;
            snn_i32 rc = fn(&a);
            /* -1 - i (connect(i=...): -1 - j): what the rule made for that
             * i was invalid, why[0] says how; a failed push also returns
             * -1, and says so in pu */
            if (pu.nomem) return SNN_ENOMEM;
            if (rc < 0) return connect_error(err, cn, g, r, -rc - 1, why);
        }
        r->n_all = r->split ? pu.made : (int64_t)r->pre.n;
        if (r->n_all > INT32_MAX / 2)
            return build_fail(err, cn->span, "%s: connect() makes more than %d synapses, more than snnc can hold "
                              "in one Synapses object", g->name, INT32_MAX / 2);
    }
    return SNN_OK;
}

/* Point a group's block functions at the code in jit, for every function
 * the emitter wrote for g (connect rules excepted: they run once, in
 * connect_all); false if jit lacks one.  Used when building, and when the
 * optimising tier's code replaces libtcc's between two steps. */
static bool bind_blocks(RtGroup *r, const Group *g, const BlockTable *B, Jit *jit)
{
    r->update = r->thresh = r->reset = r->on_pre = r->on_post = r->init = r->update_thresh = NULL;
    for (int q = 0; q < r->nextras; q++) r->extras[q].fn = NULL;
    for (int q = 0; q < r->nsummed; q++) r->summed[q] = NULL;
    for (int q = 0; q < r->npaths; q++) r->paths[q].fn = NULL;
    for (int q = 0; q < r->nevents; q++) r->events[q].fn = NULL;
    for (int q = 0; q < r->nevcodes; q++) r->evcodes[q].fn = NULL;
    bool ok = true;
    for (int k = 0; k < B->n; k++) {
        const BlockFn *b = &B->v[k];
        if (b->group != g || b->kind == BK_CONNECT) continue;
        snn_block_fn fn = (snn_block_fn)jit_symbol(jit, b->name);
        ok &= fn != NULL;
        switch (b->kind) {
        case BK_UPDATE: r->update = fn; break;
        case BK_THRESH: r->thresh = fn; break;
        /* SNN_NO_FUSED_UPDATE=1: the two passes (for comparisons) */
        case BK_UPDATE_THRESH: r->update_thresh = getenv("SNN_NO_FUSED_UPDATE") ? NULL : fn; break;
        case BK_RESET: r->reset = fn; break;
        case BK_ON_PRE: r->on_pre = fn; break;
        case BK_ON_POST: r->on_post = fn; break;
        case BK_INIT: r->init = fn; break;
        case BK_SUMMED:
            if (b->index < r->nsummed) r->summed[b->index] = fn;
            else ok = false;
            break;
        case BK_EXTRA:
            if (b->index < r->nextras) r->extras[b->index].fn = fn;
            else ok = false;
            break;
        case BK_PATH:
            if (b->index < r->npaths) r->paths[b->index].fn = fn;
            else ok = false;
            break;
        case BK_ASSIGN: break;   /* called by the script (script.c) */
        case BK_EVTHRESH:
            if (b->index < r->nevents) r->events[b->index].fn = fn;
            else ok = false;
            break;
        case BK_EVCODE:
            if (b->index < r->nevcodes) r->evcodes[b->index].fn = fn;
            else ok = false;
            break;
        default: ok = false; break;
        }
    }
    /* the runtime calls every extra, summed and pathway function it has */
    for (int q = 0; q < r->nextras; q++) ok &= r->extras[q].fn != NULL;
    for (int q = 0; q < r->nsummed; q++) ok &= r->summed[q] != NULL;
    for (int q = 0; q < r->npaths; q++) ok &= r->paths[q].fn != NULL;
    for (int q = 0; q < r->nevents; q++) ok &= r->events[q].fn != NULL;
    for (int q = 0; q < r->nevcodes; q++) ok &= r->evcodes[q].fn != NULL;
    return ok;
}

bool build_rebind(Net *net, const Model *M, const BlockTable *B, Jit *jit)
{
    bool ok = true;
    for (int k = 0; k < M->ngroups; k++) {
        RtGroup *r = net_find_group(net, M->groups[k]->name);
        ok = ok && r && bind_blocks(r, M->groups[k], B, jit);
    }
    return ok;
}

/* {====================================================================
 * Which blocks may run split over threads
 * ===================================================================== */

/* What a block's code reads and writes, as far as splitting it matters. */
enum { T_WRITES_PRE = 1, T_WRITES_POST = 2, T_SHARED = 4, T_LINKED = 8, T_READS_PRE = 16, T_READS_N = 32 };

/* The flags of a variable as seen from a block: its own, or those of the
 * group variable a _pre/_post name stands for. */
static int var_flags(const Sym *s)
{
    return s->flags | (s->base ? s->base->flags : 0);
}

/* What expression n reads (through subexpressions, up to depth 64; deeper
 * counts as touching everything). */
static unsigned touches_expr(const Node *n, int depth)
{
    if (!n) return 0;
    if (depth > 64) return ~0u;
    unsigned t = touches_expr(n->a, depth) | touches_expr(n->b, depth);
    for (int k = 0; k < n->nargs; k++) t |= touches_expr(n->args[k], depth);
    const Sym *s = n->kind == N_NAME ? n->sym : NULL;
    if (s && s->kind == SYM_BUILTIN && s->builtin == B_N) t |= T_READS_N;
    if (s && (s->kind == SYM_VAR || s->kind == SYM_SUBEXPR)) {
        if (var_flags(s) & VF_LINKED) t |= T_LINKED;
        if (s->side == 1) t |= T_READS_PRE;
        if (s->kind == SYM_SUBEXPR) t |= touches_expr(s->expr, depth + 1);
    }
    return t;
}

/* What statements v[0..n) read and write. */
static unsigned touches_stmts(Stmt *const *v, int n)
{
    unsigned t = 0;
    for (int k = 0; k < n; k++) {
        const Stmt *st = v[k];
        t |= touches_expr(st->expr, 0);
        if (st->guard && (var_flags(st->guard) & VF_SHARED)) t |= T_SHARED;
        const Sym *s = st->sym;
        if (!s || s->kind != SYM_VAR) continue;
        if (s->side == 1) t |= T_WRITES_PRE;
        if (s->side == 2) t |= T_WRITES_POST;
        if (var_flags(s) & VF_SHARED) t |= T_SHARED;
        if (var_flags(s) & VF_LINKED) t |= T_LINKED;
    }
    return t;
}

/* RtGroup.par for g: a block over every index may be split by index range
 * when it writes only its own index's values (no shared variable, nothing
 * through a synapse's _pre or _post); on_pre may be split by target range
 * when it writes no source variable and, if source and target are one
 * group, does not read the source's values that other synapses change.
 * Summed variables, on_post and named pathways always run on one thread. */
static unsigned parallel_blocks(const Group *g)
{
    const unsigned own_only = T_WRITES_PRE | T_WRITES_POST | T_SHARED | T_LINKED;
    unsigned par = 0, t;
    /* one thread for: a spatialneurons group (its update ends with the cable
     * solve of the whole neuron), a group with linked variables (copied in
     * and written back around each object), and synapses or run_regularly
     * blocks of subgroups (their code sees ranges of the parent) */
    if (g->cable || g->nlinks) return 0;
    if (g->kind == G_SYNAPSES && (g->src_n != g->src->N || g->tgt_n != g->tgt->N || g->src_start || g->tgt_start))
        return 0;
    if (!(touches_stmts(g->update.v, g->update.n) & own_only)) par |= PAR_UPDATE;
    unsigned extras = 0;
    for (int q = 0; q < g->nextras; q++) {
        extras |= touches_stmts(g->extras[q].stmts.v, g->extras[q].stmts.n);
        if (g->extras[q].sub_n) extras |= T_SHARED;     /* a subgroup's block: not split */
    }
    if (!(extras & own_only)) par |= PAR_EXTRA;
    if (g->kind == G_NEURONS) {
        t = touches_expr(g->spike_cond ? g->spike_cond : g->threshold, 0) |
            touches_stmts(g->on_spike.v, g->on_spike.n);
        if (!(t & own_only)) par |= PAR_THRESH;
        if (!(touches_stmts(g->reset.v, g->reset.n) & own_only)) par |= PAR_RESET;
        return par;
    }
    t = touches_stmts(g->on_pre.v, g->on_pre.n);
    bool recurrent_read = g->src == g->tgt && (t & T_READS_PRE) && (t & T_WRITES_POST);
    if (!(t & (T_WRITES_PRE | T_SHARED | T_LINKED)) && !recurrent_read) par |= PAR_PRE;
    if ((par & PAR_PRE) && !(t & T_READS_PRE)) par |= PAR_PRE_ALONE;
    return par;
}

/* Why g cannot be split over MPI ranks (runtime/mpi_net.c), or NULL if
 * it can: each rank updates its neurons only and delivers only to the
 * synapses of its target neurons, so a neuron group's code must touch its
 * own index only (no shared, linked or cable variables, no custom events),
 * and a synapse's code may read and write its own and its target's
 * variables but not its source's (those neurons may belong to another
 * rank), nor N (a rank holds only some of the synapses). */
static const char *rank_split_refusal(const Group *g)
{
    static const char neurons[] = "its code touches shared, linked or other neurons' variables, it has custom "
                                  "events, or it is a spatialneurons group";
    static const char synapses[] = "its code reads or writes variables of its source neurons (_pre), shared or "
                                   "linked variables, which another rank may own";
    const char *refused = g->kind == G_NEURONS ? neurons : synapses;
    const unsigned own_only = T_WRITES_PRE | T_WRITES_POST | T_SHARED | T_LINKED;
    if (g->cable || g->nlinks || g->nevents || g->nevcodes) return refused;
    unsigned t = touches_stmts(g->update.v, g->update.n);
    for (int q = 0; q < g->nextras; q++) {
        t |= touches_stmts(g->extras[q].stmts.v, g->extras[q].stmts.n);
        if (g->extras[q].sub_n) return refused;
    }
    if (g->kind == G_NEURONS) {
        t |= touches_expr(g->spike_cond ? g->spike_cond : g->threshold, 0) |
             touches_stmts(g->on_spike.v, g->on_spike.n) | touches_stmts(g->reset.v, g->reset.n);
        return t & own_only ? refused : NULL;
    }
    t |= touches_stmts(g->on_pre.v, g->on_pre.n) | touches_stmts(g->on_post.v, g->on_post.n);
    for (int q = 0; q < g->npaths; q++) t |= touches_stmts(g->paths[q].stmts.v, g->paths[q].stmts.n);
    for (int q = 0; q < g->nsummed; q++) {
        t |= touches_expr(g->summed[q]->expr, 0);
        if (g->summed_target[q]->side == 1) t |= T_WRITES_PRE;
    }
    /* initial values may read the source's values, which every rank has then */
    for (int k = 0; k < g->ninits; k++) t |= touches_expr(g->inits[k].expr, 0) & T_READS_N;
    if (t & T_READS_N)
        return "its code reads N, the number of synapses, and a rank holds only the synapses onto its own neurons";
    return t & (T_WRITES_PRE | T_READS_PRE | T_SHARED | T_LINKED) ? refused : NULL;
}

/* A spatialneurons group's compartments: distance and section, for the
 * outputs.  False when out of memory. */
static bool spatial_geometry(RtGroup *r, const Cable *c)
{
    r->comp_distance = malloc(sizeof(double) * (size_t)(c->n + 1));
    r->comp_section = malloc(sizeof(int32_t) * (size_t)(c->n + 1));
    r->sec_names = calloc((size_t)c->nsec + 1, sizeof *r->sec_names);
    if (!r->comp_distance || !r->comp_section || !r->sec_names) return false;
    memcpy(r->comp_distance, c->distance, sizeof(double) * (size_t)c->n);
    for (int s = 0; s < c->nsec; s++) {
        if (!(r->sec_names[s] = strdup(c->sec_path[s] ? c->sec_path[s] : ""))) return false;
        r->nsec = s + 1;
        for (int k = c->starts[s]; k < c->ends[s]; k++) r->comp_section[k] = s;
    }
    return true;
}

static int cmp_gen(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : (x[1] > y[1]) - (x[1] < y[1]);
}

int build_set_spikes(RtGroup *r, const int *idx, const double *t, int n, double period, double dt, int64_t offset)
{
    int64_t *pairs = malloc(sizeof *pairs * 2 * (size_t)(n + 1));
    int64_t *steps = malloc(sizeof *steps * (size_t)(n + 1));
    int32_t *ids = malloc(sizeof *ids * (size_t)(n + 1));
    if (!pairs || !steps || !ids) {
        free(pairs);
        free(steps);
        free(ids);
        return SNN_ENOMEM;
    }
    /* binned in the steps of the generator's own clock (every network steps) */
    int64_t every = r->every > 1 ? r->every : 1;
    for (int k = 0; k < n; k++) {
        pairs[2 * k] = snn_timestep(t[k], dt * (double)every) * every;
        pairs[2 * k + 1] = idx[k];
    }
    qsort(pairs, (size_t)n, 2 * sizeof *pairs, cmp_gen);
    for (int k = 0; k < n; k++) {
        steps[k] = pairs[2 * k];
        ids[k] = (int32_t)pairs[2 * k + 1];
    }
    free(pairs);
    free(r->gen_step);
    free(r->gen_idx);
    r->gen_step = steps;
    r->gen_idx = ids;
    r->ngen = (size_t)n;
    r->gen_pos = 0;
    r->gen_offset = offset;   /* the step whose clock index is 0 (dt changes renumber it) */
    r->gen_period = period > 0 ? (int64_t)(period / dt + 0.5) : 0;
    return SNN_OK;
}

/* Spike generator: times to steps as Brian2 does (timestep(t, dt)), sorted
 * by step and then index. */
static int make_generator(RtGroup *r, const Group *g, double dt)
{
    return build_set_spikes(r, g->gen_idx, g->gen_t, g->ngen, g->gen_period, dt, 0);
}

/* {====================================================================
 * Resources: what the network will need, checked before allocating
 * ===================================================================== */

/* a * b and a + b, saturating at UINT64_MAX. */
static uint64_t mul_sat(uint64_t a, uint64_t b)
{
    return a && b > UINT64_MAX / a ? UINT64_MAX : a * b;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

/* The memory the network may take: the machine's physical memory, or less
 * when the process's address-space or data-size limit is lower. */
typedef struct Budget {
    uint64_t    avail;       /* bytes */
    const char *what;        /* what sets avail, for messages */
    uint64_t    used;        /* charged so far */
} Budget;

static void budget_init(Budget *b)
{
    b->avail = UINT64_MAX;
    b->what = "memory";
    b->used = 0;
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    if (pages > 0 && psize > 0) {
        b->avail = mul_sat((uint64_t)pages, (uint64_t)psize);
        b->what = "this machine's physical memory";
    }
    struct rlimit rl;
    if (!getrlimit(RLIMIT_AS, &rl) && rl.rlim_cur != RLIM_INFINITY && (uint64_t)rl.rlim_cur < b->avail) {
        b->avail = (uint64_t)rl.rlim_cur;
        b->what = "the address-space limit of the process (ulimit -v)";
    }
    if (!getrlimit(RLIMIT_DATA, &rl) && rl.rlim_cur != RLIM_INFINITY && (uint64_t)rl.rlim_cur < b->avail) {
        b->avail = (uint64_t)rl.rlim_cur;
        b->what = "the data-size limit of the process (ulimit -d)";
    }
}

/* Charge the bytes an object needs (how: the count behind them); an error
 * at span if the network then needs more than the budget. */
static int charge(Budget *b, BuildError *err, Span span, const char *obj, uint64_t bytes, const char *how)
{
    b->used = add_sat(b->used, bytes);
    if (b->used <= b->avail) return SNN_OK;
    return build_fail(err, span, "%s needs %llu bytes (%s) and the network so far %llu bytes: more than the %llu "
                      "bytes of %s, so it would run out of memory", obj, (unsigned long long)bytes, how,
                      (unsigned long long)b->used, (unsigned long long)b->avail, b->what);
}

/* Steps of a homogeneous delay d (seconds): round(d/dt); an error at span
 * if d is not a time a ring of spike lists can hold. */
static int delay_steps(double d, double dt, const char *what, Span span, BuildError *err, int *steps)
{
    if (isnan(d)) return build_fail(err, span, "the delay of %s is NaN: a delay must be a finite time >= 0", what);
    if (!(d >= 0) || d == INFINITY)
        return build_fail(err, span, "the delay of %s is %g s: a delay must be a finite time >= 0", what, d);
    double n = d / dt + 0.5;
    if (!(n < (double)NET_MAX_DELAY_STEPS))
        return build_fail(err, span, "the delay of %s is %g s, %.0f steps of %g s: more than the %d steps a delay "
                          "may have", what, d, floor(n), dt, NET_MAX_DELAY_STEPS);
    *steps = (int)n;
    return SNN_OK;
}

/* The number of synapses the connect() rule cn of g makes, when it is known
 * before connecting: a list, a total, all-to-all, or the expected count of a
 * constant p (neither with a condition or n=); other rules count 0. */
static uint64_t rule_synapses(const Group *g, const Connect *cn)
{
    uint64_t pairs = mul_sat((uint64_t)g->src_n, (uint64_t)g->tgt_n);
    if (cn->kind == CONN_LIST) return (uint64_t)cn->n;
    if (cn->kind == CONN_TOTAL) return (uint64_t)cn->total;
    if (cn->kind != CONN_ALL || cn->cond || cn->nsyn) return 0;
    return cn->p ? (uint64_t)(cn->pconst * (double)pairs) : pairs;
}

/* The synapses of all of g's rules known before connecting. */
static uint64_t synapses_known(const Group *g)
{
    uint64_t n = 0;
    for (int c = 0; c < g->nconnects; c++) n = add_sat(n, rule_synapses(g, &g->connects[c]));
    return n;
}

/* The bytes every group, synapse object and state monitor of M will need
 * (their arrays, connectivity, delay rings, and the values a state or rate
 * monitor records over all of M's runs), checked against the budget before any is
 * allocated; also every homogeneous delay. */
static int check_resources(const Model *M, BuildError *err)
{
    Budget b;
    budget_init(&b);
    char obj[200], how[200];
    for (int k = 0; k < M->ngroups; k++) {
        const Group *g = M->groups[k];
        int rc = SNN_OK, steps = 0;
        if (g->kind == G_NEURONS) {
            /* the variables, and the spikes of one step */
            uint64_t per = 8 * (uint64_t)g->nvars + 4;
            snprintf(obj, sizeof obj, "neurons %s", g->name);
            snprintf(how, sizeof how, "%lld neurons x %llu bytes", (long long)g->N, (unsigned long long)per);
            rc = charge(&b, err, g->span, obj, mul_sat((uint64_t)g->N, per), how);
        } else {
            if (g->delay) rc = delay_steps(g->delay_s, M->dt, g->name, g->delay->span, err, &steps);
            for (int q = 0; q < g->npaths && !rc; q++) {
                int ps = 0;
                snprintf(obj, sizeof obj, "%s.%s", g->name, g->paths[q].name);
                rc = delay_steps(g->paths[q].delay, M->dt, obj, g->paths[q].span, err, &ps);
                if (ps > steps) steps = ps;
            }
            if (rc) return rc;
            /* the variables, source and target, both CSR indices, the delay in steps */
            uint64_t per = 8 * (uint64_t)g->nvars + 16 + (g->delay_var ? 4 : 0);
            for (int q = 0; q < g->npaths; q++) per += g->paths[q].delay_var ? 4 : 0;
            for (int c = 0; c < g->nconnects && !rc; c++) {
                uint64_t n = rule_synapses(g, &g->connects[c]);
                snprintf(obj, sizeof obj, "connect() of %s", g->name);
                snprintf(how, sizeof how, "%llu synapses x %llu bytes", (unsigned long long)n, (unsigned long long)per);
                rc = charge(&b, err, g->connects[c].span, obj, mul_sat(n, per), how);
            }
            if (!rc) {
                snprintf(obj, sizeof obj, "the delay of %s", g->name);
                snprintf(how, sizeof how, "%d steps x %zu bytes", steps + 1, sizeof(I32Vec));
                rc = charge(&b, err, g->delay ? g->delay->span : g->span, obj,
                            mul_sat((uint64_t)steps + 1, (uint64_t)sizeof(I32Vec) * (uint64_t)(1 + g->npaths)), how);
            }
        }
        if (rc) return rc;
    }
    double steps = 0;
    for (int k = 0; k < M->nruns; k++) steps += floor(M->runs[k] / M->dt + 0.5);
    for (int k = 0; k < M->nmonitors; k++) {
        const Monitor *m = M->monitors[k];
        if (m->kind == MON_RATE) {
            /* a rate and a step per step */
            uint64_t nsteps = steps < 1.8e19 ? (uint64_t)steps : UINT64_MAX;
            snprintf(obj, sizeof obj, "ratemonitor %s", m->name);
            snprintf(how, sizeof how, "%llu recorded steps x 16 bytes", (unsigned long long)nsteps);
            int rc = charge(&b, err, m->span, obj, mul_sat(nsteps, 16), how);
            if (rc) return rc;
        }
        if (m->kind != MON_STATE) continue;
        double every = m->rec_dt > 0 ? floor(m->rec_dt / M->dt + 0.5) : 1;
        double recs = ceil(steps / (every < 1 ? 1 : every));
        uint64_t n = m->record_all ? (m->group->kind == G_NEURONS ? (uint64_t)(m->sub ? m->sub_n : m->group->N)
                                                                  : synapses_known(m->group))
                                   : (uint64_t)m->nrecord;
        uint64_t values = mul_sat(n, (uint64_t)m->nvars);
        uint64_t nrec = recs < 1.8e19 ? (uint64_t)recs : UINT64_MAX;
        snprintf(obj, sizeof obj, "statemonitor %s", m->name);
        snprintf(how, sizeof how, "%llu values x %llu recorded steps x 8 bytes", (unsigned long long)values,
                 (unsigned long long)nrec);
        int rc = charge(&b, err, m->span, obj, mul_sat(add_sat(mul_sat(values, 8), 8), nrec), how);
        if (rc) return rc;
    }
    return SNN_OK;
}

/* {====================================================================
 * Building
 * ===================================================================== */

/* The custom events of neuron group g (each with room for every neuron)
 * and its run_on_event blocks, in r. */
static int build_events(RtGroup *r, const Group *g)
{
    if (g->nevents) {
        r->events = calloc((size_t)g->nevents, sizeof *r->events);
        if (!r->events) return SNN_ENOMEM;
        r->nevents = g->nevents;
        for (int q = 0; q < g->nevents; q++) {
            struct RtEvent *ev = &r->events[q];
            ev->name = strdup(g->events[q].name);
            ev->idx = malloc(sizeof *ev->idx * (size_t)(g->N > 0 ? g->N : 1));
            ev->when = (When){ g->events[q].slot, g->events[q].order };
            if (!ev->name || !ev->idx) return SNN_ENOMEM;
        }
    }
    if (g->nevcodes) {
        r->evcodes = calloc((size_t)g->nevcodes, sizeof *r->evcodes);
        if (!r->evcodes) return SNN_ENOMEM;
        r->nevcodes = g->nevcodes;
        for (int q = 0; q < g->nevcodes; q++)
            r->evcodes[q] = (struct RtEvCode){ g->evcodes[q].event, { g->evcodes[q].slot, g->evcodes[q].order }, NULL };
    }
    return SNN_OK;
}

/* A spike or event monitor's event, default slot (Brian2: its
 * thresholder's, one order later), recorded neurons, counts and
 * variables. */
static int build_spike_monitor(RtMonitor *r, const Monitor *m, BuildError *err)
{
    r->event = m->event;
    if (m->event) r->when = (When){ m->group->events[m->event - 1].slot, m->group->events[m->event - 1].order + 1 };
    else r->when.order = m->group->order + 1;
    r->record_none = m->record_none;
    size_t n = (size_t)(r->group->n > 0 ? r->group->n : 1);
    r->count = calloc(n, sizeof *r->count);
    if (!r->count) return SNN_ENOMEM;
    if (!m->record_all) {
        r->mask = calloc(n, 1);
        if (!r->mask) return SNN_ENOMEM;
        for (int q = 0; q < m->nrecord; q++) {
            if (m->record[q] >= r->group->n)
                return build_fail(err, m->span, "%s records index %d, but %s has only %lld", m->name, m->record[q],
                                  m->group->name, (long long)r->group->n);
            r->mask[m->record[q]] = 1;
        }
    }
    if (!m->nvars) return SNN_OK;
    r->nvars = m->nvars;
    r->vars = calloc((size_t)m->nvars, sizeof *r->vars);
    r->varnames = calloc((size_t)m->nvars, sizeof *r->varnames);
    if (!r->vars || !r->varnames) return SNN_ENOMEM;
    for (int v = 0; v < m->nvars; v++) {
        r->vars[v] = m->vars[v]->var_index;
        r->varnames[v] = strdup(m->names ? m->names[v] : m->vars[v]->name);
        if (!r->varnames[v]) return SNN_ENOMEM;
    }
    return SNN_OK;
}

/* The groups of M, in model order in rt[], with their block functions
 * (synapses are connected later, by connect_synapses). */
static int build_groups(Net *net, const Model *M, const BlockTable *B, Jit *jit, RtGroup **rt)
{
    for (int k = 0; k < M->ngroups; k++) {
        const Group *g = M->groups[k];
        char **names = calloc((size_t)g->nvars + 1, sizeof *names);
        double *init = calloc((size_t)g->nvars + 1, sizeof *init);
        RtGroup *r = NULL;
        if (names && init) {
            for (int v = 0; v < g->nvars; v++) {
                names[v] = (char *)g->vars[v]->name;
                init[v] = g->vars[v]->role == VR_LASTSPIKE ? SNN_LASTSPIKE_INIT : g->vars[v]->role == VR_NOTREF ? 1.0 : 0.0;
            }
            r = net_add_group(net, g->name, g->kind == G_NEURONS ? RG_NEURONS : RG_SYNAPSES,
                              g->kind == G_NEURONS ? g->N : 0, g->nvars, names, init);
        }
        free(names);
        free(init);
        if (!r) return SNN_ENOMEM;
        rt[k] = r;
        /* its clock, in steps of the model's dt (sema checked the multiple) */
        r->every = g->clock_dt > 0 ? (int64_t)(g->clock_dt / M->dt + 0.5) : 1;
        /* schedule: Brian2's defaults shifted by the group's order */
        r->w_update.order = r->w_thresh.order = r->w_reset.order = g->order;
        r->w_pre.order = g->has_pre_order ? g->pre_order : g->order - 1;
        r->w_post.order = g->has_post_order ? g->post_order : g->order + 1;
        if (g->kind == G_SYNAPSES) {
            /* Brian2: target.order - 1, where a subgroup's order is its
             * group's + 1 (so its summed variables follow the group's
             * update, by name) */
            r->w_summed.order = g->tgt->order - 1 + (g->tgt_sub ? 1 : 0);
            if (g->summed_slot >= 0) r->w_summed.slot = g->summed_slot;
        }
        if (g->nextras) {
            r->extras = calloc((size_t)g->nextras, sizeof *r->extras);
            if (!r->extras) return SNN_ENOMEM;
            for (int q = 0; q < g->nextras; q++) {
                r->extras[q].when = (When){ g->extras[q].slot, g->extras[q].order };
                r->extras[q].every = g->extras[q].every > 0 ? (int64_t)(g->extras[q].every / M->dt + 0.5) : r->every;
                if (r->extras[q].every < 1) r->extras[q].every = 1;
                if (g->extras[q].name && !(r->extras[q].name = strdup(g->extras[q].name))) return SNN_ENOMEM;
            }
            r->nextras = g->nextras;
            net->has_extras = true;
        }
        if (g->npaths) {
            r->paths = calloc((size_t)g->npaths, sizeof *r->paths);
            if (!r->paths) return SNN_ENOMEM;
            r->npaths = g->npaths;
            for (int q = 0; q < g->npaths; q++) {
                struct RtPath *p = &r->paths[q];
                p->name = strdup(g->paths[q].name);
                p->post = g->paths[q].post;
                /* Brian2: a pathway runs on its source's clock (the target's for on_post) */
                const Group *from = g->paths[q].post ? g->tgt : g->src;
                double pdt = from->clock_dt > 0 ? from->clock_dt : M->dt;
                p->delay_steps = (int)(g->paths[q].delay / pdt + 0.5);    /* checked by check_resources */
                p->queue = calloc((size_t)p->delay_steps + 1, sizeof *p->queue);
                p->when = WHEN(SLOT_SYNAPSES, g->paths[q].order);
                p->event = g->paths[q].event;
                p->delay_var = g->paths[q].delay_var ? g->paths[q].delay_var->var_index : -1;
                if (!p->name || !p->queue) return SNN_ENOMEM;
            }
        }
        int rc = build_events(r, g);
        if (rc) return rc;
        if (g->generator) {
            int rc = make_generator(r, g, M->dt);
            if (rc) return rc;
        }
        if (g->nsummed) {
            r->summed = calloc((size_t)g->nsummed, sizeof *r->summed);
            if (!r->summed) return SNN_ENOMEM;
            r->nsummed = g->nsummed;
        }
        if (!bind_blocks(r, g, B, jit)) return SNN_EJIT;
        if (g->nlinks) {
            r->links = calloc((size_t)g->nlinks, sizeof *r->links);
            if (!r->links) return SNN_ENOMEM;
            r->nlinks = g->nlinks;
            for (int q = 0; q < g->nlinks; q++) {
                const Link *l = &g->links[q];
                r->links[q] = (struct RtLink){ l->var->var_index, rt[l->src->index], l->src_var->var_index, NULL,
                                               l->written, NULL, l->index_var ? l->index_var->var_index : -1,
                                               l->index_off, l->index_n };
                if (l->index && !(r->links[q].index = malloc(sizeof(int32_t) * (size_t)g->N))) return SNN_ENOMEM;
                if (l->written && !(r->links[q].shadow = malloc(sizeof(double) * (size_t)g->N))) return SNN_ENOMEM;
                if (l->index) memcpy(r->links[q].index, l->index, sizeof(int32_t) * (size_t)g->N);
            }
        }
        r->par = parallel_blocks(g);
        r->no_ranks_why = rank_split_refusal(g);
        if (g->cable && !spatial_geometry(r, g->cable)) return SNN_ENOMEM;
        if (g->kind == G_SYNAPSES) {
            r->src = rt[g->src->index];
            r->tgt = rt[g->tgt->index];
            r->src_off = g->src_start, r->src_n = g->src_n;
            r->tgt_off = g->tgt_start, r->tgt_n = g->tgt_n;
            if ((strcmp(g->src_label, g->src->name) && !(r->src_label = strdup(g->src_label))) ||
                (strcmp(g->tgt_label, g->tgt->name) && !(r->tgt_label = strdup(g->tgt_label))))
                return SNN_ENOMEM;
            if (!net_synapse_range(r)) return SNN_ENOMEM;
            r->delay_var = g->delay_var ? g->delay_var->var_index : -1;
            r->pre_event = g->pre_event;
            r->post_event = g->post_event;
            double sdt = g->src->clock_dt > 0 ? g->src->clock_dt : M->dt;   /* on_pre: on the source's clock */
            if (g->delay) r->delay_steps = (int)(g->delay_s / sdt + 0.5);    /* checked by check_resources */
        }
    }
    return SNN_OK;
}

/* Where the per-synapse delay of synapses g (r at run time) that could not
 * be made into steps is set: its init line (of 'delay', else of the first
 * pathway's delay_NAME left without steps), else g. */
static Span delay_span(const Group *g, const RtGroup *r)
{
    const Sym *var = g->delay_var;
    for (int q = 0; q < g->npaths && q < r->npaths && !(var && !r->syn_delay); q++)
        if (g->paths[q].delay_var && !r->paths[q].syn_delay) var = g->paths[q].delay_var;
    for (int k = 0; k < g->ninits; k++)
        if (g->inits[k].var == var) return g->inits[k].span;
    return g->span;
}

/* N_incoming and N_outgoing of each synapse of r (the variables g has of
 * them): how many synapses share its target, its source.  False: no memory. */
static bool fill_synapse_counts(Net *net, RtGroup *r, const Group *g)
{
    for (int v = 0; v < g->nvars; v++) {
        int role = g->vars[v]->role;
        if (role != VR_N_INCOMING && role != VR_N_OUTGOING) continue;
        const I32Vec *ends = role == VR_N_INCOMING ? &r->post : &r->pre;
        int64_t n = role == VR_N_INCOMING ? r->tgt_n : r->src_n;
        int64_t *count = calloc((size_t)n + 1, sizeof *count);
        if (!count) return false;
        for (size_t s = 0; s < ends->n; s++) count[ends->v[s]]++;
        /* split over MPI ranks: a source's synapses are on many ranks (a
         * target's all on its own) */
        if (r->split && role == VR_N_OUTGOING && !mpi_sum_counts(net, count, n)) {
            free(count);
            return false;
        }
        for (size_t s = 0; s < ends->n; s++) r->arr[v][s] = (double)count[ends->v[s]];
        free(count);
    }
    return true;
}

/* Brian2's multisynaptic_index: variable v of synapses r numbers the
 * synapses of each (i, j) pair 0, 1, ... in the order they were made.
 * pre_syn is NULL when the synapses are stored source by source: entry q
 * of the CSR index is then synapse q. */
static bool multisynaptic_index(RtGroup *r, int v)
{
    int32_t *count = calloc((size_t)r->tgt_n + 1, sizeof *count);
    if (!count) return false;
    for (int64_t p = 0; p < r->src_n; p++) {
        for (int32_t q = r->pre_start[p]; q < r->pre_start[p + 1]; q++) {
            int32_t s = r->pre_syn ? r->pre_syn[q] : q;   /* NULL: stored source by source */
            r->arr[v][s] = count[r->post.v[s]]++;
        }
        for (int32_t q = r->pre_start[p]; q < r->pre_start[p + 1]; q++)
            count[r->post.v[r->pre_syn ? r->pre_syn[q] : q]] = 0;
    }
    free(count);
    return true;
}

/* Initialise the network as a Brian2 script that sets its variables and
 * then connects: the neurons' init blocks first, so that connect()
 * conditions and p see their values; then each synapse object is connected
 * and runs its own init block (its delays become steps). */
static int init_and_connect(Net *net, const Model *M, const BlockTable *B, Jit *jit, RtGroup **rt, BuildError *err)
{
    for (int k = 0; k < M->ngroups; k++)
        if (M->groups[k]->kind == G_NEURONS && net_init_group(net, rt[k])) return SNN_ENOMEM;
    for (int k = 0; k < M->ngroups; k++) {
        const Group *g = M->groups[k];
        if (g->kind != G_SYNAPSES) continue;
        /* synapses on synapses see the synapses of the groups before them */
        if (!net_synapse_range(rt[k])) return SNN_ENOMEM;
        /* MPI ranks: each holds the synapses onto its own neurons */
        rt[k]->split = net->mpi != NULL;
        int rc = connect_all(net, rt[k], g, B, jit, err);
        if (rc) return rc;
        if (!net_finish_synapses(rt[k]) || !fill_synapse_counts(net, rt[k], g)) return SNN_ENOMEM;
        for (int v = 0; v < g->nvars; v++)
            if (g->vars[v]->role == VR_MULTISYN && !multisynaptic_index(rt[k], v)) return SNN_ENOMEM;
        rc = net_init_group(net, rt[k]);
        if (rc == -2)
            return build_fail(err, delay_span(g, rt[k]), "%s: %s: a delay must be a finite time >= 0 of at most %d steps",
                              g->name, net->fail, NET_MAX_DELAY_STEPS);
        if (rc) return SNN_ENOMEM;
    }
    return SNN_OK;
}

/* The smoothing window of rate monitor r (m's window=, width=) at the
 * rate's own step, its group's dt, as Brian2's smooth_rate builds it. */
static int build_smooth_window(RtMonitor *r, const Monitor *m, double dt, BuildError *err)
{
    double step = dt * (double)(r->group->every > 1 ? r->group->every : 1);
    if (m->smooth_kind != SMOOTH_LIST) {
        r->smooth_k = smooth_window(m->smooth_kind, m->smooth_width, step, &r->smooth_w);
        if (!r->smooth_k)
            return build_fail(err, m->smooth_span, "the %s window of %s cannot be made: width %g s at steps of %g s "
                              "(more than 10^8 values, or out of memory)", smooth_name(m->smooth_kind), m->name,
                              m->smooth_width, step);
        return SNN_OK;
    }
    /* Brian2: window * 1. / sum(window) */
    double sum = 0;
    for (int k = 0; k < m->smooth_nlist; k++) sum += m->smooth_list[k];
    if (!(r->smooth_w = malloc(sizeof *r->smooth_w * (size_t)m->smooth_nlist))) return SNN_ENOMEM;
    for (int k = 0; k < m->smooth_nlist; k++) r->smooth_w[k] = m->smooth_list[k] * 1. / sum;
    r->smooth_k = (size_t)m->smooth_nlist;
    return SNN_OK;
}

/* The monitors of M, recording the groups rt[] made for M's groups. */
static int build_monitors(Net *net, const Model *M, RtGroup **rt, BuildError *err)
{
    for (int k = 0; k < M->nmonitors; k++) {
        const Monitor *m = M->monitors[k];
        int kind = m->kind == MON_SPIKE ? RM_SPIKE : m->kind == MON_RATE ? RM_RATE : RM_STATE;
        RtMonitor *r = net_add_monitor(net, m->name, kind, rt[m->group->index]);
        if (!r) return SNN_ENOMEM;
        if (m->kind == MON_SPIKE) {
            int rc = build_spike_monitor(r, m, err);
            if (rc) return rc;
            if (m->when_slot >= 0) r->when.order = 0;   /* Brian2: when= without order= is order 0 */
        }
        if (m->when_slot >= 0) r->when.slot = m->when_slot;
        if (m->has_order) r->when.order = m->order;
        if (m->sub) {
            r->sub_off = m->sub_start, r->sub_n = m->sub_n;
            if (!(r->label = strdup(m->label))) return SNN_ENOMEM;
        }
        if (m->smooth_kind) {
            int rc = build_smooth_window(r, m, M->dt, err);
            if (rc) return rc;
        }
        if (m->kind == MON_STATE) {
            /* Brian2: a state monitor runs on its source's clock unless given a dt */
            r->every = m->rec_dt > 0 ? (int64_t)(m->rec_dt / M->dt + 0.5) : r->group->every;
            if (r->every < 1) r->every = 1;
            r->nvars = m->nvars;
            r->vars = calloc((size_t)m->nvars, sizeof *r->vars);
            r->varnames = calloc((size_t)m->nvars, sizeof *r->varnames);
            int64_t n = m->record_all ? net_monitor_size(r) : m->nrecord;
            r->nrec = (int)n;
            r->rec = calloc((size_t)(n > 0 ? n : 1), sizeof *r->rec);
            if (!r->vars || !r->varnames || !r->rec) return SNN_ENOMEM;
            for (int v = 0; v < m->nvars; v++) {
                r->vars[v] = m->vars[v]->var_index;
                r->varnames[v] = strdup(m->names ? m->names[v] : m->vars[v]->name);
            }
            for (int64_t q = 0; q < n; q++) {
                r->rec[q] = m->record_all ? (int32_t)q : m->record[q];
                if (r->rec[q] >= net_monitor_size(r))
                    return build_fail(err, m->span, "%s records index %d, but %s has only %lld", m->name,
                                      r->rec[q], m->label, (long long)net_monitor_size(r));
            }
        }
    }
    return SNN_OK;
}

/* Synapses on synapses are not split over MPI ranks (their connect rules
 * would count the synapses of one rank). */
static int check_split(const Model *M, BuildError *err)
{
    for (int k = 0; k < M->ngroups; k++) {
        const Group *g = M->groups[k];
        if (g->kind == G_SYNAPSES && (g->src->kind == G_SYNAPSES || g->tgt->kind == G_SYNAPSES))
            return build_fail(err, g->span, "%s cannot be split over MPI ranks: synapses on synapses are not split "
                              "yet; run it in one process", g->name);
    }
    return SNN_OK;
}

int build_network(const Model *M, const BlockTable *B, Jit *jit, uint64_t seed, const void *mpi_comm, Net **out,
                  BuildError *err)
{
    err->set = false;
    err->msg[0] = 0;
    /* 'seed = N' in the model applies unless a seed was given (--seed) */
    Net *net = net_new(M->dt, seed == 0 && M->has_seed ? M->seed : seed);
    if (!net) return SNN_ENOMEM;
    *out = net;
    if (mpi_comm) {
        int rc = check_split(M, err);
        if (rc) return rc;
        if (mpi_join(net, mpi_comm)) return SNN_ENOMEM;
    }
    net->nconsts = M->nconsts;
    net->consts = calloc((size_t)M->nconsts + 1, sizeof *net->consts);
    net->const_names = calloc((size_t)M->nconsts + 1, sizeof *net->const_names);
    if (!net->consts || !net->const_names) return SNN_ENOMEM;
    for (int k = 0; k < M->nconsts; k++) {
        net->consts[k] = M->consts[k]->value;
        net->const_names[k] = strdup(M->consts[k]->name);
    }
    RtGroup **rt = calloc((size_t)M->ngroups + 1, sizeof *rt);
    if (!rt) return SNN_ENOMEM;
    int rc = check_resources(M, err);
    if (!rc) rc = build_groups(net, M, B, jit, rt);
    if (!rc) rc = init_and_connect(net, M, B, jit, rt, err);
    if (!rc) rc = build_monitors(net, M, rt, err);
    free(rt);
    if (rc) return rc;
    /* Brian2 runs the objects of one slot in name order */
    if (net->ngroups > 1) qsort(net->groups, (size_t)net->ngroups, sizeof *net->groups, cmp_group_name);
    return SNN_OK;
}
