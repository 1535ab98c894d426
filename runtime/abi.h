/* SPDX-License-Identifier: MIT */
/* This file defines the interface between the runtime and the C code that
 * snnc generates for each model: the argument block every generated function
 * receives, and the runtime helpers generated code may call.  The emitter
 * pastes this file's text at the top of every generated translation unit, so
 * it must stay plain C with no includes. */
#ifndef SNN_ABI_H
#define SNN_ABI_H

typedef signed int snn_i32;
typedef signed long long snn_i64;
typedef unsigned long long snn_u64;

/* One call of a generated block function.  Fields a block does not use are
 * left zero. */
typedef struct snn_args {
    double *const *v;       /* owner's variable arrays, in var_index order */
    double *const *pre;     /* synapses: source group's arrays */
    double *const *post;    /* synapses: target group's arrays */
    const double *k;        /* model constants, in const_index order */
    snn_i32 n;              /* owner size (neurons or synapses) */
    snn_i32 n_pre, n_post;  /* synapses: sizes of source and target */
    snn_i64 step;           /* current time step */
    double t, dt;           /* t = step * dt */
    const snn_i32 *idx;     /* reset: spiking neurons; pathways: synapse ids,
                               or NULL for the ids lo .. hi-1 */
    snn_i32 nidx;
    snn_i32 *out;           /* threshold: indices of neurons that spike */
    const snn_i32 *syn_pre; /* synapse -> source neuron */
    const snn_i32 *syn_post;/* synapse -> target neuron */
    snn_u64 seed;           /* random numbers: run seed */
    snn_u64 stream;         /* random numbers: which object */
    void *ud;               /* connect: passed to push */
    snn_i32 (*push)(void *ud, snn_i32 i, snn_i32 j);   /* connect: add a synapse */
    /* Blocks that loop over every index (update, threshold, run_regularly)
     * cover [lo, hi) only, one thread's part of the group; hi 0 means the
     * whole group, [0, n).  A threshold writes the spikes of its part to
     * out[0..), so a caller passes out + lo.  A pathway called with idx
     * NULL runs for the synapses lo .. hi-1 (synapses stored in the order of
     * its CSR index: one spiking neuron's synapses). */
    snn_i32 lo, hi;
    /* synapses whose source (target) is itself a synapse group: that
     * group's synapse -> source neuron and synapse -> target neuron, for
     * i_pre, j_pre (i_post, j_post); NULL otherwise */
    const snn_i32 *pre_syn_pre, *pre_syn_post;
    const snn_i32 *post_syn_pre, *post_syn_post;
    /* synapses split over MPI ranks: each of this rank's synapses' number
     * in the whole network (a rank holds only the synapses onto its own
     * neurons); NULL when the synapses are all here, numbered 0 .. n-1 */
    const snn_i32 *syn_gid;
    /* A pathway called with runs (not NULL) runs for each run r of nruns
     * in turn: the positions runs[r * run_stride] .. runs[r * run_stride + 1]
     * - 1 of idx, or where idx is NULL those synapse ids themselves (the
     * spikes' ranges of one step in one call) */
    const snn_i32 *runs;
    snn_i32 nruns, run_stride;
} snn_args;
#define SNN_RANGE_END(a) ((a)->hi ? (a)->hi : (a)->n)
/* The number of synapse s in the whole network, which keys its random
 * numbers and picks its value from an initial list. */
#define SNN_SYN_ID(a, s) ((a)->syn_gid ? (a)->syn_gid[s] : (s))

typedef snn_i32 (*snn_block_fn)(const snn_args *a);

/* The slots of one time step (Brian2's default schedule), shared by the
 * compiler, the runtime and snn.h (whose SNN_SLOT_* are their public names).
 * An object's position in the schedule is SLOT_POS(slot, sub) with sub 0
 * (before_X), 1 (X) or 2 (after_X). */
enum { SLOT_START, SLOT_GROUPS, SLOT_THRESHOLDS, SLOT_SYNAPSES, SLOT_RESETS, SLOT_END, SLOT_COUNT };
#define SLOT_POS(slot, sub) (3 * (slot) + (sub))
#define SLOT_OF_POS(pos) ((pos) / 3)

/* Random numbers for generated code: uniform in [0,1) and standard normal,
 * keyed by (seed, stream) and counted by (step, index, call site), so they do
 * not depend on evaluation order. */
double snn_rand_uniform(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site);
double snn_rand_normal(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site);
/* A binomial number of events out of n with probability p (Poisson inputs):
 * exact inversion for small n*p, Brian2's normal approximation otherwise. */
double snn_rand_binomial(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site, double n, double p);
/* The same number from a table made once for n and p (a loop whose n and p
 * are invariant, a Poisson input's): the inversion's probabilities of 0, 1,
 * ... events and their sums, computed as the draw itself computes them, so
 * that a draw is a count of comparisons and gives the same bits. */
#define SNN_BINOMIAL_TABLE 16
#define SNN_BINOMIAL_AHEAD 64
typedef struct snn_binomial {
    double n, p;
    int    kind;                       /* 0: zero, 1: n, 2: normal approximation, 3: inversion */
    int    len;                        /* inversion: entries of pk and cum */
    double mean, sd;                   /* normal approximation */
    double pk[SNN_BINOMIAL_TABLE];     /* inversion: probability of k events */
    double cum[SNN_BINOMIAL_TABLE];    /*   and of at most k */
    /* the uniforms of the next indices, ahead[l] that of index ahead_idx
     * + l at (ahead_seed, ahead_stream, ahead_step, ahead_site): a loop over
     * the indices draws them SNN_BINOMIAL_AHEAD at a time, in one block of
     * Philox rounds that the optimising tier vectorises (none: ahead_ok 0) */
    int    ahead_ok;
    snn_i32 ahead_idx, ahead_site;
    snn_i64 ahead_step;
    snn_u64 ahead_seed, ahead_stream;
    double ahead[SNN_BINOMIAL_AHEAD];
} snn_binomial;
snn_binomial snn_binomial_table(double n, double p);
double snn_rand_binomial_tab(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site,
                             snn_binomial *t);
/* The draws of snn_rand_binomial_tab for the indices idx .. idx+count-1
 * into out[0 .. count-1], made SNN_BINOMIAL_AHEAD at a time in vectorised
 * loops (a Poisson input's loop draws SNN_BINOMIAL_BLOCK at a time). */
#define SNN_BINOMIAL_BLOCK 256
void snn_rand_binomial_block(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 count, snn_i32 site,
                             const snn_binomial *t, double *out);
/* Brian2's timestep(): round a time to a whole number of steps. */
snn_i64 snn_timestep(double t, double dt);

/* Brian2's timestep(t, dt) = int((t + SNN_TIMESTEP_EPS*dt)/dt): a time a
 * hair below a step boundary still counts as that step. */
#define SNN_TIMESTEP_EPS 1e-3
/* The random-number call sites of connect rules: the geometric sampler of a
 * constant p (generated and native), and the draw of a p= expression. */
#define SNN_CONNECT_RAND_SITE 2000000
#define SNN_CONNECT_P_RAND_SITE 1000000
/* ... and of a generator's sample(..., p=...). */
#define SNN_SAMPLE_RAND_SITE 1000001
/* ... and of connect(total=K): each source's count, then its targets. */
#define SNN_CONNECT_TOTAL_RAND_SITE 1000002
#define SNN_CONNECT_TOTAL_J_RAND_SITE 1000003
/* The random-number call sites of the assignment between runs at position
 * k of the script: SNN_ASSIGN_RAND_SITE + SNN_ASSIGN_RAND_SITES * k + call. */
#define SNN_ASSIGN_RAND_SITE 3000000
#define SNN_ASSIGN_RAND_SITES 64
/* lastspike of a neuron that has not spiked yet, in seconds. */
#define SNN_LASTSPIKE_INIT (-1e4)

#endif
