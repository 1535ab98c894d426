/* SPDX-License-Identifier: MIT */
/* This file declares the runtime network: neuron groups and synapses with
 * their state arrays (struct of arrays, doubles in SI units), spike queues,
 * monitors, and the schedule that runs one time step as Brian2 does. */
#ifndef SNN_NET_H
#define SNN_NET_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "abi.h"
#include "par.h"

/* Growable arrays: v[0..n) used, cap allocated.  Push and reserve return
 * false on out of memory, and then leave the array unchanged. */
typedef struct I32Vec { int32_t *v; size_t n, cap; } I32Vec;
typedef struct I64Vec { int64_t *v; size_t n, cap; } I64Vec;
typedef struct F64Vec { double *v; size_t n, cap; } F64Vec;
bool i32vec_push(I32Vec *a, int32_t x);
/* Append n ids; on out of memory nothing is appended. */
bool i32vec_append(I32Vec *a, const int32_t *x, size_t n);
/* Give an array's growth slack back: a built network keeps exactly n. */
void i32vec_shrink(I32Vec *a);
bool i64vec_push(I64Vec *a, int64_t x);
/* Make room for more further elements (cap >= n + more). */
bool i32vec_reserve(I32Vec *a, size_t more);
bool i64vec_reserve(I64Vec *a, size_t more);
bool f64vec_reserve(F64Vec *a, size_t more);
/* The allocator the arrays grow with: realloc.  Tests replace it to make
 * growth fail; nothing else should change it. */
extern void *(*net_vec_realloc)(void *p, size_t size);

enum { RG_NEURONS, RG_SYNAPSES };

/* Where an object runs in a step: slot = SLOT_POS(base, sub) (abi.h), with
 * base one of SLOT_START..SLOT_END; objects of one slot run by order, then
 * by name, as Brian2 sorts them. */
typedef struct When {
    int slot;
    int order;
} When;
#define WHEN(base, order) ((When){ SLOT_POS(base, 1), (order) })

typedef struct RtGroup RtGroup;
struct RtGroup {
    char        *name;
    int          kind;           /* RG_* */
    int64_t      n;              /* neurons, or synapses once connected */
    int          nvars;
    char       **varnames;
    double     **arr;            /* arr[var][index] */
    bool         arr_staggered;  /* arr[k] begins array_pad(k) into its block (net.c) */
    double      *init_values;    /* default value per var (lastspike: -1e4 s) */
    snn_block_fn update, thresh, reset, init, on_pre, on_post;
    snn_block_fn update_thresh;  /* neurons: update and threshold in one pass (or NULL) */
    /* run_regularly blocks and Poisson inputs (named, and may be inactive) */
    struct RtExtra { When when; int64_t every; snn_block_fn fn; char *name; bool inactive; } *extras;
    /* further named pathways, each with its own homogeneous-delay ring */
    struct RtPath {
        char        *name;
        bool         post;
        int          event;      /* triggered by spikes (0) or event k (events[k-1]) */
        int          delay_steps;    /* homogeneous; heterogeneous: the largest */
        int          delay_var;      /* its delay_NAME variable, or -1 */
        int32_t     *syn_delay;      /* heterogeneous: each synapse's, in steps */
        I32Vec      *queue;
        int          queue_pos;
        When         when;
        snn_block_fn fn;
    } *paths;
    int          npaths;
    int          nextras;
    snn_block_fn *summed;        /* synapses: (summed) variable updaters */
    int          nsummed;
    When         w_update, w_thresh, w_reset, w_pre, w_post, w_summed;
    uint64_t     stream;         /* random-number stream of this object */
    int64_t      every;          /* its clock: runs on the steps that are multiples of this (1: every step) */
    /* spike generator: spikes sorted by (step, index), emitted in the
     * thresholds slot; with a period they repeat every period_steps */
    int64_t     *gen_step;
    int32_t     *gen_idx;
    size_t       ngen, gen_pos;
    int64_t      gen_period;     /* steps; 0 = once */
    int64_t      gen_offset;     /* start step of the current period */
    /* spikes of the current step (neurons) */
    int32_t     *spikes;
    int32_t      nspikes;
    /* MPI ranks exchanging once per minimum delay (mpi_spikes.c): 0 when
     * spikes is the complete list; k > 0 when it holds only this rank's
     * spikes, the k-th list buffered since the last exchange, which the
     * objects that need all of them (on_pre rings, spike and rate
     * monitors) get at the next exchange */
    int32_t      spikes_buffered;
    /* custom events (neurons): each condition's function, where it is
     * checked, and the neurons where it held at this step (sorted) */
    struct RtEvent {
        char        *name;
        snn_block_fn fn;
        When         when;
        int32_t     *idx;
        int32_t      n;
    } *events;
    int          nevents;
    /* run_on_event: code for the neurons of event 'event' (0 spikes, k
     * events[k-1]) */
    struct RtEvCode { int event; When when; snn_block_fn fn; } *evcodes;
    int          nevcodes;
    /* synapses */
    RtGroup     *src, *tgt;
    I32Vec       pre, post;      /* synapse -> source / target neuron */
    /* split over MPI ranks (split): a rank holds only the synapses onto its
     * own neurons, in the order of the whole network, gid[k] the number of
     * its synapse k there, n_all how many the whole network has */
    bool         split;
    I32Vec       gid;
    int64_t      n_all;
    int32_t     *pre_start;      /* CSR by source: synapses of neuron i are */
    int32_t     *pre_syn;        /*   pre_syn[pre_start[i] .. pre_start[i+1]), or
                                    the ids pre_start[i] .. themselves where
                                    pre_syn is NULL (stored source by source) */
    int32_t     *post_start, *post_syn;   /* the same by target, made by
                                    net_post_index when first needed */
    int          pre_event;      /* on_pre is triggered by src's spikes (0) or its event k (events[k-1]) */
    int          post_event;     /* on_post likewise, by tgt's */
    int          delay_steps;    /* homogeneous on_pre delay; heterogeneous: the largest */
    int32_t     *syn_delay;      /* heterogeneous: delay in steps per synapse, else NULL */
    int          delay_var;      /* index of the 'delay' variable, or -1 */
    I32Vec      *queue;          /* ring of delay_steps+1 spike lists */
    int          queue_pos;
    I32Vec       scratch;        /* synapse ids of one delivery */
    bool         inactive;       /* Brian2's active = False: none of its
                                    operations run (and it emits no spikes) */
    /* synapses on subgroups (Brian2's Subgroup): they connect neurons
     * [src_off, src_off + src_n) of src and [tgt_off, tgt_off + tgt_n) of
     * tgt; pre/post hold indices relative to those starts, the code sees
     * the ranges' arrays through pre_view/post_view, and sub_spikes holds
     * a step's spikes of the range (relative).  src_n 0 (a network built
     * by hand): all of src, set by net_finish_synapses. */
    int64_t      src_off, src_n, tgt_off, tgt_n;
    char        *src_label, *tgt_label;  /* subgroups' names, or NULL */
    /* spatialneurons: each compartment's distance from the root (meters)
     * and its section (an index into sec_names, whose root is ""); NULL
     * for other groups.  run.json gives them for recorded compartments. */
    double      *comp_distance;
    int32_t     *comp_section;
    char       **sec_names;
    int          nsec;
    double     **pre_view, **post_view;
    I32Vec       sub_spikes;
    /* neurons: linked variables, copied from their source before any
     * object that reads the group runs (net_refresh_links) */
    struct RtLink {
        int         var;
        RtGroup    *src;
        int         src_var;
        int32_t    *index;       /* n source indices, or NULL: the same index */
        bool        written;     /* some block sets it: written back after
                                    each object of the group (net_writeback_links) */
        double     *shadow;      /* written: the values last copied in */
        int         index_var;   /* >= 0: the integer variable of this group
                                    holding each source index (+ index_off,
                                    below index_n), read at each refresh */
        int64_t     index_off, index_n;
    } *links;
    int64_t      bad_link;       /* 1 + the neuron whose index variable was
                                    outside its link's source, or 0 */
    int          nlinks;
    /* delivery order (net_order.c): while a run goes, synapses with
     * heterogeneous on_pre delays may be stored source by source, each
     * source's by delay, then target, then their own order; order[k] is
     * then the index synapse k has in the group's own order (the numbers
     * random draws are keyed by and outputs name), and source i's delay
     * runs are runs[run_start[i] .. run_start[i+1]): run r ends (exclusive)
     * at runs[r].end and arrives after runs[r].delay steps.  The on_pre ring
     * then holds one entry of ring_stride numbers a run: lo, then (on P
     * threads, 2 <= P <= NET_SPLIT_THREADS) the P - 1 places where the
     * targets of part 1 .. P-1 begin (run_split[r * (P-1) ..]), then hi.
     * NULL: the group's own order.
     * viewed: snn_var or snn_synapses gave out its arrays, which must stay
     * in the group's own order: it is not put in delivery order again. */
    int32_t     *order;
    int32_t     *run_start;
    struct DelayRun { int32_t end, delay; } *runs;
    int32_t     *run_split;
    int          ring_stride;
    bool         viewed;
    /* threads: which blocks may run split by index range (PAR_*, set by
     * build.c from what the code reads and writes), and the on_pre
     * pathway's synapses split by target range (made when first needed) */
    unsigned     par;
    ParLanes    *lanes;
    /* on_pre with a homogeneous delay: whether each source's synapses are
     * stored in CSR order (pre_syn NULL) with ascending targets, so that a
     * target range's share of them is one range of ids (net_deliver.c,
     * net_pre_ranges): 0 not looked at yet, 1 yes, -1 no; and if so, for
     * pre_split_parts target ranges, where source i's synapses onto range
     * k = 0 .. parts-1 begin: pre_split[i * parts + k], the pieces of one
     * source side by side (one cache line to fetch per spike and thread);
     * pre_split[src_n * parts] is where the last source's end */
    int8_t       pre_ranges;
    int          pre_split_parts;
    int32_t     *pre_split;
    /* why the group cannot be split over MPI ranks (a static string of
     * build.c), or NULL */
    const char  *no_ranks_why;
};
/* RtGroup.par: update, threshold, reset and run_regularly split by the
 * owner's index ranges; on_pre split by target neuron ranges, and
 * (PAR_PRE_ALONE) reading nothing of its source, so that it may run split
 * together with other such pathways (net_pathways_pre). */
enum { PAR_UPDATE = 1, PAR_THRESH = 2, PAR_RESET = 4, PAR_EXTRA = 8, PAR_PRE = 16, PAR_PRE_ALONE = 32 };

enum { RM_SPIKE, RM_STATE, RM_RATE };

typedef struct RtMonitor {
    char        *name;
    int          kind;           /* RM_* */
    RtGroup     *group;
    /* spike (and event): the indices and steps recorded; with nvars > 0
     * also the variables vars at each (data: nvars values per spike) */
    I32Vec       idx;
    I64Vec       steps;
    int          event;          /* spikes (0) or the group's event k (events[k-1]) */
    uint8_t     *mask;           /* recorded neurons (mask[i] != 0), NULL for all */
    bool         record_none;    /* record=False: counts (with nvars > 0 also the
                                    variables at each spike; i and t are not written) */
    int64_t     *count;          /* events per neuron (group size), NULL if not counted;
                                    read it through net_spike_counts */
    size_t       counted;        /* idx[0..counted) are in count (the others are
                                    added when it is read; record=False: unused) */
    /* state (and spike variables) */
    int          nvars;
    int         *vars;           /* var indices in group */
    char       **varnames;
    int          nrec;
    int32_t     *rec;            /* recorded indices */
    int32_t     *rec_at;         /* synapses split over MPI ranks: where each
                                    recorded synapse is on this rank, or -1
                                    (another rank records it); else NULL */
    I64Vec       rec_steps;
    F64Vec       data;           /* per step: nvars * nrec values; rate: one */
    int64_t      every;          /* record every this many steps (its clock, or its source's) */
    When         when;
    bool         inactive;       /* Brian2's active = False: records nothing */
    /* spike monitor: the seconds of simulated time it recorded (the run
     * summary's mean rate divides by it); < 0: unknown, after a restore */
    double       active_time;
    /* a subgroup of group: neurons [sub_off, sub_off + sub_n), recorded
     * with indices relative to sub_off (state: rec[] is relative); sub_n 0:
     * all of group */
    int64_t      sub_off, sub_n;
    char        *label;          /* the subgroup's name, or NULL */
    /* rate: Brian2's smooth_rate window (normalised, odd length), written
     * as a second column; NULL for none */
    double      *smooth_w;
    size_t       smooth_k;
} RtMonitor;


typedef struct Net Net;
/* A user operation run in a slot every `every` steps (Brian2's
 * network_operation); return non-zero to stop the run after this step. */
typedef int (*net_op_fn)(void *ud, Net *net);
typedef struct NetOp {
    int       slot;
    int64_t   every;
    net_op_fn fn;
    void     *ud;
    bool      no_spikes;   /* reads no spike lists (MPI ranks may then
                              exchange them once per minimum delay) */
    bool      reads_state; /* a C callback: may read any variable by index
                              (synapses then stay in their own order) */
} NetOp;

struct Net {
    double       dt;
    int64_t      step;
    double      *consts;
    int          nconsts;
    char       **const_names;
    RtGroup    **groups;         /* neuron groups and synapses, by name */
    int          ngroups;
    RtMonitor  **monitors;
    int          nmonitors;
    uint64_t     seed;
    /* Random numbers after a restore (Brian2's restore() leaves the random
     * state where it is): rng_epoch is mixed into the key of every draw
     * made while running (net_draw_seed); 0 until the first restore that
     * does not restore the random state, which takes a new one
     * (net_new_rng_epoch).  rng_epochs_used counts the epochs taken.  The
     * two are the random state: a snapshot holds them, a restore of the
     * random state sets both (as Brian2 sets its generator back), a plain
     * restore keeps the count and takes the next epoch. */
    uint64_t     rng_epoch;
    uint64_t     rng_epochs_used;
    NetOp       *ops;
    int          nops;
    bool         stop;           /* set by an operation: end the run */
    /* if set and non-zero (a signal handler may store it), the run ends
     * at the next step boundary */
    volatile sig_atomic_t *stop_request;
    bool         has_extras;     /* some group has run_regularly blocks */
    /* called before each step, e.g. to switch to optimised code */
    void       (*between)(void *ud, Net *net);
    void        *between_ud;
    struct SchedOp *sched;       /* the objects of one step, in order */
    int          nsched;
    char         fail[128];      /* what net_run or net_init could not do, e.g. "spike delivery of S" */
    /* threads (net_set_threads): the pool, or NULL for one thread, and the
     * fewest indices a part of a split loop gets */
    Pool        *pool;
    int          nthreads;
    int          par_min;
    /* dt changed between runs (clock.c): step counts the steps done, and
     * Brian2's clock index is step + clock_base; each dt since the first
     * is an epoch from its first step on, so that recorded steps keep
     * their times (net_time_at).  No epochs: clock_base 0, t = step*dt. */
    int64_t      clock_base;
    struct NetEpoch { int64_t first_step, base; double dt; } *epochs;
    int          nepochs;
    /* MPI ranks (mpi.c): NULL for one process; else this process updates
     * its part of every neuron group (mpi_own_range), delivers only to
     * the synapses whose target it owns, and exchanges spikes after each
     * threshold or once per minimum delay (mpi_spikes.c) */
    struct NetMpi *mpi;
    int          rank, nranks;
    /* the spikes buffered between exchanges (mpi_spikes.c), or NULL */
    struct MpiSpikes *mpi_spk;
};

/* The size of group g in the whole network: its neurons, or its synapses
 * also where an MPI rank holds only some (split). */
static inline int64_t net_group_size(const RtGroup *g)
{
    return g->split ? g->n_all : g->n;
}

/* The seed the draws of generated code are keyed by: the network's seed
 * with the restore epoch in its high word.  rng.c keys Philox by
 * lo ^ hi * 0x9E3779B9 (mod 2^32), a bijection of hi for a fixed lo, so
 * epochs below 2^32 give distinct keys for one seed; epoch 0 is the seed. */
static inline uint64_t net_draw_seed(const Net *net)
{
    return net->seed ^ ((uint64_t)(uint32_t)(net->rng_epoch * 0x9E3779B9u) << 32);
}

/* After a restore without the random state: the next epoch after those
 * taken before it (used_before, the count before the restore). */
static inline void net_new_rng_epoch(Net *net, uint64_t used_before)
{
    if (net->rng_epochs_used < used_before) net->rng_epochs_used = used_before;
    net->rng_epoch = ++net->rng_epochs_used;
}

/* A synapse object's per-synapse delays in steps again (the dt changed),
 * with an empty ring for the largest, of on_pre (path -1) or of its
 * pathway path; as net_init_group's return. */
int      net_redo_delays(Net *net, RtGroup *s, int path);
/* The time of step (now or recorded), and the time now. */
double   net_time_at(const Net *net, int64_t step);
double   net_now(const Net *net);
/* The arguments of one call of a block of g (net_args.c), on the network's
 * clock or on a clock of every steps (its step count, dt and time). */
snn_args net_args_for(Net *net, RtGroup *g);
snn_args net_args_on(Net *net, RtGroup *g, int64_t every);
/* Spike propagation (net_deliver.c), each false on out of memory: this
 * step's on_pre spikes of s into its delay ring and the synapses due now,
 * a named pathway's, and on_post's; and the delays of s in steps (0, -1 on
 * out of memory, -2 for a delay out of range, in net->fail). */
bool     net_pathway_pre(Net *net, RtGroup *s);
/* Whether s's on_pre can be delivered split by target range without a
 * list of ids (synapses stored source by source, targets ascending in
 * each, a homogeneous delay, threads): net_pathways_pre may take it. */
bool     net_pre_ranges(Net *net, RtGroup *s);
/* net_pathway_pre of the n (at most NET_PRE_MANY) synapse objects gs, one
 * after the other as the schedule has them, on the pool's threads: each
 * queues its spikes on one thread, then each thread delivers to its target
 * ranges of all of them in order.  For objects in delivery order or
 * net_pre_ranges whose on_pre reads nothing of its source (PAR_PRE_ALONE),
 * without MPI ranks.
 * False on out of memory, with *failed the object that failed. */
#define NET_PRE_MANY 64
bool     net_pathways_pre(Net *net, RtGroup **gs, int n, int *failed);
bool     net_pathway_named(Net *net, RtGroup *s, struct RtPath *p);
bool     net_pathway_post(Net *net, RtGroup *s);
/* What the on_pre ring of s (path -1) or the ring of its pathway path
 * would have queued at the step its position was pos, had the complete
 * spike list ids[0..n) of its source been known then (MPI ranks, which
 * learn it at a later exchange, mpi_spikes.c); false on out of memory. */
bool     net_ring_push(RtGroup *s, int path, int pos, const int32_t *ids, int32_t n);
int      net_prepare_delays(Net *net, RtGroup *s);
/* Delivery order (net_order.c).  net_order_apply stores the eligible
 * synapse objects in delivery order (at the start of a run; a no-op for
 * those already in it; out of memory leaves a group as it is, which
 * changes nothing but the speed).  net_order_undo puts every group back in
 * its own order, as everything outside a run expects (outputs, snapshots,
 * assignments, dt changes); false on out of memory, with nothing changed
 * (the caller then fails with an error). */
void     net_order_apply(Net *net);
/* The most threads for which the runs' splits by target part are kept. */
#define NET_SPLIT_THREADS 8
bool     net_order_undo(Net *net);
/* net_order_undo for group g alone (a no-op for groups in their own
 * order). */
bool     net_order_own(Net *net, RtGroup *g);
/* A CSR index of n synapses by one endpoint (end: each synapse's, below
 * nneur), each neuron's synapses in the order of visit (NULL: by id);
 * *syn_out NULL where that is 0, 1, 2, ...  False on out of memory. */
bool     net_csr_build(const I32Vec *end, int64_t nneur, const int32_t *visit, int32_t **start_out,
                       int32_t **syn_out);
/* The CSR index of synapses s by source (net_finish_synapses). */
bool     net_pre_index(RtGroup *s);

Net     *net_new(double dt, uint64_t seed);
void     net_free(Net *net);
RtGroup *net_add_group(Net *net, const char *name, int kind, int64_t n, int nvars, char **varnames,
                       const double *init_values);
/* The views of a synapse object's source and target ranges (src_off,
 * src_n, ...; all of each group where src_n / tgt_n is 0); false on out of
 * memory.  Called by net_finish_synapses, or before connecting. */
bool     net_synapse_range(RtGroup *s);
/* Synapses on synapses: the synapse -> neuron indices of s's source and
 * target where they are synapse groups, in a (i_pre, j_pre, i_post, j_post). */
void     net_synsyn_args(const RtGroup *s, snn_args *a);
/* Allocate the variable arrays of a synapse object once its synapses are
 * known, and build the CSR index by source.  Returns false on out of memory. */
bool     net_finish_synapses(RtGroup *s);
/* Build the CSR index by target (post_start, post_syn) unless it exists;
 * false on out of memory. */
bool     net_post_index(RtGroup *s);
RtMonitor *net_add_monitor(Net *net, const char *name, int kind, RtGroup *g);
/* The most steps a delay may have (the rings hold steps + 1 spike lists). */
#define NET_MAX_DELAY_STEPS (INT32_MAX / 2)
/* Run the init function of g, and for synapses turn their 'delay' variable
 * into steps.  Call once, for neurons before the synapses that read their
 * values are connected, for synapses once they are.  Returns 0; -1 on out
 * of memory with net->fail set; -2 for a bad heterogeneous delay, with
 * net->fail naming the synapse and its value. */
int      net_init_group(Net *net, RtGroup *g);
/* net_init_group for every group, in group order (for networks built by
 * hand); stops at the first failure and returns its code. */
int      net_init(Net *net);
/* Advance nsteps steps.  Returns 0, or -1 on out of memory: then net->fail
 * names what failed ("spike delivery of S", "state monitor M", ...), the run
 * has stopped inside step net->step (objects before the failed one have
 * run), no spike was delivered by the failed object, and every monitor holds
 * whole records only (spike monitors as many steps as indices; state and
 * rate monitors nvars*nrec values, or one, per recorded step). */
int      net_run(Net *net, int64_t nsteps);
/* Record this step of a state monitor (its variables) or of a rate
 * monitor (its group's population rate); false on out of memory, with
 * nothing recorded. */
bool     net_record_state(Net *net, RtMonitor *m);
bool     net_record_rate(Net *net, RtMonitor *m);
/* The same for the step step whose spikes of the monitor's group were
 * ids[0..n). */
bool     net_record_rate_of(Net *net, RtMonitor *m, const int32_t *ids, int32_t n, int64_t step);
/* Append n spikes of one step to a spike monitor (of a subgroup: those in
 * it, relative to its start); false on out of memory, with nothing
 * appended. */
bool     net_record_spikes(RtMonitor *m, const int32_t *idx, size_t n, int64_t step);
/* Undo net_record_spikes(m, idx, n, step) of the last step recorded:
 * indices, values and counts. */
void     net_unrecord_spikes(RtMonitor *m, const int32_t *idx, size_t n, int64_t step);
/* A spike monitor's events per neuron (NULL if it does not count): a
 * monitor that keeps indices adds up those recorded since the last call
 * here (a count per spike as it came cost a cache miss each, in the loop's
 * one-thread part), so read them only through this. */
const int64_t *net_spike_counts(RtMonitor *m);
/* The neurons of group g where event ev (0 spikes, k events[k-1]) happened
 * at this step, and their number in *n. */
const int32_t *net_event_list(const RtGroup *g, int ev, int32_t *n);
RtGroup *net_find_group(Net *net, const char *name);
/* Copy the linked variables of g from their sources (neurons; a no-op for a
 * group without links). */
void     net_refresh_links(RtGroup *g);
/* Whether a link's index variable (index=NAME) was outside its source at
 * some refresh: if so, msg gets which (and the note is cleared). */
bool     net_bad_link(Net *net, char *msg, size_t n);
/* Copy the linked variables of g that its code has changed since
 * net_refresh_links back to their sources (in index order: with an index
 * map that repeats, the last neuron's value wins). */
void     net_writeback_links(RtGroup *g);
/* The number of neurons a monitor records from (its subgroup's, or its
 * group's). */
int64_t  net_monitor_size(const RtMonitor *m);
/* The most threads a network may use. */
#define NET_MAX_THREADS 64
/* Run the following steps on nthreads threads (1 .. NET_MAX_THREADS), with
 * the same results as one; false if the threads cannot be made (then the
 * network keeps the threads it had). */
bool     net_set_threads(Net *net, int nthreads);
/* The index of variable name in g, or -1. */
int      net_var_index(const RtGroup *g, const char *name);
/* Call block function fn (an assignment between runs) on every index of
 * g, with the arguments its scheduled blocks get at the current step;
 * nothing if g is empty. */
void     net_call_block(Net *net, RtGroup *g, snn_block_fn fn);
/* Add an operation; false on out of memory or a bad slot/period. */
bool     net_add_op(Net *net, int slot, int64_t every, net_op_fn fn, void *ud);
RtMonitor *net_find_monitor(Net *net, const char *name);
/* Whether every variable of every group is finite (no NaN, no infinity):
 * one pass over the state without branches. */
bool     net_all_finite(const Net *net);
/* How many elements of variable v of g are NaN or infinite; *first gets
 * the lowest such index (-1 if none). */
int64_t  net_count_nonfinite(const RtGroup *g, int v, int64_t *first);

#endif
