/* SPDX-License-Identifier: MIT */
/* This file contains snapshots of a runtime network: the byte image of its
 * whole state, and its restoration.  The state of a Net is: step, seed,
 * constants; per group every variable array, and for neuron groups the spikes
 * of the current step; per synapses object its connectivity (checked, not
 * restored), the spike queues of on_pre and of named pathways and their
 * positions, heterogeneous delays in steps; per monitor what it
 * recorded; the position of spike generators; and the pending external
 * spikes kept by the API.  Random numbers
 * are counter-based (seed, stream, step, index, site), so step, seed and the
 * restore epoch (net.h) are the random-number position.  Whoever adds state to net.h adds it here.
 *
 * Image: "SNNSNAP1", u32 byte-order mark, u32 version, u64 payload length,
 * payload, u64 FNV-1a checksum of the payload.  Payload: f64 dt, i64 step,
 * u64 seed; u32 nconsts {str name, f64 value}; u32 ngroups {str name, u32
 * kind, i64 n, u32 nvars {str name, f64[n]}, neurons: u32 nspikes, i32[],
 * u64 ngen, i64 gen_pos, i64 gen_offset; synapses: u64 nsyn, i32[nsyn] pre,
 * i32[nsyn] post, i32 delay_steps, u32 has_syn_delay, i32[nsyn] syn_delay if
 * so, i32 queue_pos, u32 nqueue {u64 len, i32[len]}, u32 npaths {str name,
 * i32 delay_steps, i32 queue_pos, u32 nqueue {u64 len, i32[len]}}}; u32
 * nmonitors {str name, u32 kind, spike: u64 n, i32[n], i64[n]; state and
 * rate: u32 nvars {str}, u32 nrec, i32[nrec], u64 nsteps, i64[nsteps], u64
 * nvalues, f64[nvalues]}; u32 ninj
 * {str group, u64 n, i32[n], i64[n]}; version 2: i64 clock_base, u32
 * nepochs {i64 first_step, i64 base, f64 dt} (dt changes between runs,
 * clock.c); version 3: u64 rng_epoch, u64 rng_epochs_used (the random
 * numbers' restore epoch, net.h: the random state; older versions have
 * epoch 0).  Strings are u32 length + bytes.
 * Numbers are in the machine's byte order.
 *
 * An image is untrusted: its checksum finds accidents, but anyone can
 * recompute it.  Restoring checks every value the runtime would use as an
 * index, count, delay or position against the network, and with SNAP_EXACT
 * does so in a first pass that changes nothing. */
#include "snapshot.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

#define MAGIC "SNNSNAP1"
#define BOM 0x01020304u
/* 3: the random numbers' restore epoch at the end; 2: the clock's epochs
 * at the end; 1 (without either) and 2 are read too */
#define VERSION 3u
#define HEADER SNAPSHOT_HEADER

/* {====================================================================
 * Writing
 * ===================================================================== */

typedef struct Out {
    unsigned char *p;
    size_t n, cap;
    bool oom;
} Out;

static void put(Out *o, const void *x, size_t n)
{
    if (o->oom || !n) return;
    if (o->n + n > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->n + n) cap *= 2;
        unsigned char *p = realloc(o->p, cap);
        if (!p) {
            o->oom = true;
            return;
        }
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->n, x, n);
    o->n += n;
}

static void put_u32(Out *o, uint32_t x) { put(o, &x, sizeof x); }
static void put_i32(Out *o, int32_t x) { put(o, &x, sizeof x); }
static void put_u64(Out *o, uint64_t x) { put(o, &x, sizeof x); }
static void put_i64(Out *o, int64_t x) { put(o, &x, sizeof x); }
static void put_f64(Out *o, double x) { put(o, &x, sizeof x); }

static void put_str(Out *o, const char *s)
{
    uint32_t n = (uint32_t)strlen(s);
    put_u32(o, n);
    put(o, s, n);
}

static void encode_group(Out *o, const RtGroup *g)
{
    put_str(o, g->name);
    put_u32(o, (uint32_t)g->kind);
    put_i64(o, g->n);
    put_u32(o, (uint32_t)g->nvars);
    for (int v = 0; v < g->nvars; v++) {
        put_str(o, g->varnames[v]);
        if (g->n > 0) put(o, g->arr[v], sizeof(double) * (size_t)g->n);
    }
    if (g->kind == RG_NEURONS) {
        put_u32(o, (uint32_t)g->nspikes);
        put(o, g->spikes, sizeof(int32_t) * (size_t)g->nspikes);
        put_u64(o, (uint64_t)g->ngen);
        put_i64(o, (int64_t)g->gen_pos);
        put_i64(o, g->gen_offset);
    } else {
        put_u64(o, (uint64_t)g->pre.n);
        put(o, g->pre.v, sizeof(int32_t) * g->pre.n);
        put(o, g->post.v, sizeof(int32_t) * g->post.n);
        put_i32(o, g->delay_steps);
        put_u32(o, g->syn_delay ? 1 : 0);
        if (g->syn_delay) put(o, g->syn_delay, sizeof(int32_t) * g->pre.n);
        put_i32(o, g->queue_pos);
        uint32_t nq = g->queue ? (uint32_t)g->delay_steps + 1 : 0;
        put_u32(o, nq);
        for (uint32_t q = 0; q < nq; q++) {
            put_u64(o, (uint64_t)g->queue[q].n);
            put(o, g->queue[q].v, sizeof(int32_t) * g->queue[q].n);
        }
        put_u32(o, (uint32_t)g->npaths);
        for (int p = 0; p < g->npaths; p++) {
            const struct RtPath *path = &g->paths[p];
            put_str(o, path->name);
            put_i32(o, path->delay_steps);
            put_i32(o, path->queue_pos);
            uint32_t pq = path->queue ? (uint32_t)path->delay_steps + 1 : 0;
            put_u32(o, pq);
            for (uint32_t q = 0; q < pq; q++) {
                put_u64(o, (uint64_t)path->queue[q].n);
                put(o, path->queue[q].v, sizeof(int32_t) * path->queue[q].n);
            }
        }
    }
}

/* A spike monitor that records variables or only counts is stored with
 * this flag on its kind, and after its spikes: the number of values per
 * spike, the values, and the counts of every neuron. */
#define SPIKE_EXTRA 0x100u

static void encode_monitor(Out *o, const RtMonitor *m)
{
    put_str(o, m->name);
    bool extra = m->kind == RM_SPIKE && (m->nvars || m->record_none);
    put_u32(o, (uint32_t)m->kind | (extra ? SPIKE_EXTRA : 0));
    if (m->kind == RM_SPIKE) {
        put_u64(o, (uint64_t)m->idx.n);
        put(o, m->idx.v, sizeof(int32_t) * m->idx.n);
        put(o, m->steps.v, sizeof(int64_t) * m->steps.n);
        if (!extra) return;
        put_u32(o, (uint32_t)m->nvars);
        put(o, m->data.v, sizeof(double) * m->data.n);
        put_u64(o, (uint64_t)m->group->n);
        put(o, m->count, sizeof(int64_t) * (size_t)m->group->n);
    } else {
        put_u32(o, (uint32_t)m->nvars);
        for (int v = 0; v < m->nvars; v++) put_str(o, m->varnames[v]);
        put_u32(o, (uint32_t)m->nrec);
        put(o, m->rec, sizeof(int32_t) * (size_t)m->nrec);
        put_u64(o, (uint64_t)m->rec_steps.n);
        put(o, m->rec_steps.v, sizeof(int64_t) * m->rec_steps.n);
        put_u64(o, (uint64_t)m->data.n);
        put(o, m->data.v, sizeof(double) * m->data.n);
    }
}

unsigned char *snapshot_encode(const Net *net, const Injections *inj, size_t *size)
{
    Out o = { 0 };
    put(&o, MAGIC, 8);
    put_u32(&o, BOM);
    put_u32(&o, VERSION);
    put_u64(&o, 0);                       /* payload length, filled below */
    put_f64(&o, net->dt);
    put_i64(&o, net->step);
    put_u64(&o, net->seed);
    put_u32(&o, (uint32_t)net->nconsts);
    for (int k = 0; k < net->nconsts; k++) {
        put_str(&o, net->const_names[k]);
        put_f64(&o, net->consts[k]);
    }
    put_u32(&o, (uint32_t)net->ngroups);
    for (int k = 0; k < net->ngroups; k++) encode_group(&o, net->groups[k]);
    put_u32(&o, (uint32_t)net->nmonitors);
    for (int k = 0; k < net->nmonitors; k++) {
        if (net->monitors[k]->kind == RM_SPIKE) net_spike_counts(net->monitors[k]);   /* (m->count, below) */
        encode_monitor(&o, net->monitors[k]);
    }
    put_u32(&o, inj ? (uint32_t)inj->n : 0);
    for (int k = 0; inj && k < inj->n; k++) {
        const InjList *l = &inj->v[k];
        put_str(&o, l->group);
        put_u64(&o, (uint64_t)l->n);
        put(&o, l->idx, sizeof(int32_t) * l->n);
        put(&o, l->step, sizeof(int64_t) * l->n);
    }
    put_i64(&o, net->clock_base);
    put_u32(&o, (uint32_t)net->nepochs);
    for (int k = 0; k < net->nepochs; k++) {
        put_i64(&o, net->epochs[k].first_step);
        put_i64(&o, net->epochs[k].base);
        put_f64(&o, net->epochs[k].dt);
    }
    put_u64(&o, net->rng_epoch);
    put_u64(&o, net->rng_epochs_used);
    if (o.oom) {
        free(o.p);
        return NULL;
    }
    uint64_t len = (uint64_t)(o.n - HEADER);
    memcpy(o.p + 16, &len, sizeof len);
    put_u64(&o, snn_fnv1a(SNN_FNV1A_BASIS, o.p + HEADER, (size_t)len));
    if (o.oom) {
        free(o.p);
        return NULL;
    }
    *size = o.n;
    return o.p;
}

int snapshot_verify(const unsigned char *p, size_t size, char *err, size_t errlen)
{
    uint32_t bom, version;
    uint64_t len, sum;
    if (size < HEADER + 8 || memcmp(p, MAGIC, 8)) {
        snprintf(err, errlen, "not an snnc snapshot");
        return -1;
    }
    memcpy(&bom, p + 8, 4);
    memcpy(&version, p + 12, 4);
    memcpy(&len, p + 16, 8);
    if (bom != BOM) {
        snprintf(err, errlen, "the snapshot was made on a machine with another byte order");
        return -1;
    }
    if (version < 1 || version > VERSION) {
        snprintf(err, errlen, "snapshot format version %u, this library reads versions 1 to %u", version, VERSION);
        return -1;
    }
    if (len != size - HEADER - 8) {
        snprintf(err, errlen, "the snapshot is truncated or has extra bytes");
        return -1;
    }
    memcpy(&sum, p + HEADER + len, 8);
    if (sum != snn_fnv1a(SNN_FNV1A_BASIS, p + HEADER, (size_t)len)) {
        snprintf(err, errlen, "the snapshot is damaged (checksum mismatch)");
        return -1;
    }
    return 0;
}

/* {====================================================================
 * Reading and restoring
 * ===================================================================== */

/* A cursor over a verified payload.  Reads past the end (a damaged image
 * that still passed the checksum, or a bug) set bad and return zeros. */
typedef struct In {
    const unsigned char *p;
    size_t n, pos;
    bool bad;
} In;

static const void *take(In *in, size_t n)
{
    if (in->bad || n > in->n - in->pos) {
        in->bad = true;
        return NULL;
    }
    const void *x = in->p + in->pos;
    in->pos += n;
    return x;
}

#define GET(T, name)                                 \
    static T get_##name(In *in)                      \
    {                                                \
        T x = 0;                                     \
        const void *s = take(in, sizeof x);          \
        if (s) memcpy(&x, s, sizeof x);              \
        return x;                                    \
    }
GET(uint32_t, u32)
GET(int32_t, i32)
GET(uint64_t, u64)
GET(int64_t, i64)
GET(double, f64)

/* A string as pointer + length (not NUL-terminated). */
typedef struct Str {
    const char *z;
    uint32_t n;
} Str;

static Str get_str(In *in)
{
    Str s;
    s.n = get_u32(in);
    s.z = take(in, s.n);
    if (!s.z) s.n = 0;
    return s;
}

static bool str_eq(Str s, const char *c)
{
    return s.z && strlen(c) == s.n && !memcmp(s.z, c, s.n);
}

/* An array of n elements of size sz; NULL (and bad) if it does not fit. */
static const void *get_array(In *in, uint64_t n, size_t sz)
{
    if (n > (in->n - in->pos) / sz) {
        in->bad = true;
        return NULL;
    }
    return take(in, (size_t)n * sz);
}

/* The most steps a snapshot may hold: beyond 2^53, t = step * dt no longer
 * tells whole steps apart. */
#define MAX_STEP ((int64_t)1 << 53)

typedef struct Restore {
    Net    *net;
    int     mode;
    bool    apply;        /* false: only check (first pass of SNAP_EXACT) */
    char   *err;
    size_t  errlen;
    bool    mismatch, oom;
    bool    invalid;      /* a value does not fit the network (err says which) */
    int64_t step;         /* the snapshot's step */
    uint32_t version;     /* of the image's format */
} Restore;

static void mismatch(Restore *R, const char *fmt, const char *name)
{
    if (!R->mismatch && !R->invalid) snprintf(R->err, R->errlen, fmt, name);
    R->mismatch = true;
}

/* A value of the image that a network cannot hold (an index out of range, a
 * negative delay, ...): the image is refused whole; the first such value
 * names the message.  Returns false. */
static bool invalid(Restore *R, In *in, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool invalid(Restore *R, In *in, const char *fmt, ...)
{
    if (!R->invalid && !R->mismatch) {
        int n = snprintf(R->err, R->errlen, "invalid snapshot: ");
        va_list ap;
        va_start(ap, fmt);
        if (n >= 0 && (size_t)n < R->errlen) vsnprintf(R->err + n, R->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    R->invalid = true;
    in->bad = true;
    return false;
}

/* With SNAP_EXACT a value that does not fit refuses the image; by name it
 * only means that this part is not carried over.  Returns false. */
#define REFUSE(R, in, ...) ((R)->mode == SNAP_EXACT ? invalid((R), (in), __VA_ARGS__) : false)

static bool set_bytes(void **v, size_t *cap, const void *src, size_t n, size_t sz)
{
    if (n > *cap) {
        void *p = realloc(*v, n * sz);
        if (!p) return false;
        *v = p;
        *cap = n;
    }
    if (n) memcpy(*v, src, n * sz);
    return true;
}

static bool set_i32vec(I32Vec *a, const void *src, size_t n)
{
    void *v = a->v;
    if (!set_bytes(&v, &a->cap, src, n, sizeof(int32_t))) return false;
    a->v = v;
    a->n = n;
    return true;
}

static bool set_i64vec(I64Vec *a, const void *src, size_t n)
{
    void *v = a->v;
    if (!set_bytes(&v, &a->cap, src, n, sizeof(int64_t))) return false;
    a->v = v;
    a->n = n;
    return true;
}

static bool set_f64vec(F64Vec *a, const void *src, size_t n)
{
    void *v = a->v;
    if (!set_bytes(&v, &a->cap, src, n, sizeof(double))) return false;
    a->v = v;
    a->n = n;
    return true;
}

/* Element k of an unaligned array in the image. */
static int32_t i32_at(const void *a, uint64_t k)
{
    int32_t x;
    memcpy(&x, (const unsigned char *)a + k * sizeof x, sizeof x);
    return x;
}

static int64_t i64_at(const void *a, uint64_t k)
{
    int64_t x;
    memcpy(&x, (const unsigned char *)a + k * sizeof x, sizeof x);
    return x;
}

/* The first of the n ids in a that is not in [0, limit), or -1 if all are
 * (with increasing set: also the first that does not exceed the one before). */
static int64_t bad_id(const void *a, uint64_t n, int64_t limit, bool increasing)
{
    int64_t last = -1;
    for (uint64_t k = 0; k < n; k++) {
        int32_t x = i32_at(a, k);
        if (x < 0 || x >= limit || (increasing && x <= last)) return (int64_t)k;
        last = x;
    }
    return -1;
}

/* The first of the n steps in a that is outside [0, before) or smaller than
 * the one before it (equal ones allowed with ties), or -1. */
static int64_t bad_step(const void *a, uint64_t n, int64_t before, bool ties)
{
    int64_t last = -1;
    for (uint64_t k = 0; k < n; k++) {
        int64_t s = i64_at(a, k);
        if (s < 0 || s >= before || s < last || (!ties && s == last)) return (int64_t)k;
        last = s;
    }
    return -1;
}

/* An object name of the image for messages (at most 200 bytes). */
static void name_of(Str name, char *out, size_t len)
{
    snprintf(out, len, "%.*s", (int)(name.n < 200 ? name.n : 200), name.z ? name.z : "");
}

static int find_group(Net *net, Str name)
{
    for (int k = 0; k < net->ngroups; k++)
        if (str_eq(name, net->groups[k]->name)) return k;
    return -1;
}

static int find_var(RtGroup *g, Str name)
{
    for (int v = 0; v < g->nvars; v++)
        if (str_eq(name, g->varnames[v])) return v;
    return -1;
}

/* The spikes of the current step and the spike generator's position of a
 * neuron group g (NULL: not in the network).  Spikes are increasing neuron
 * indices, as thresholds give them; the generator's period starts at a
 * multiple of its period, not after the snapshot's step. */
static void restore_neuron_state(Restore *R, In *in, RtGroup *g, const char *cname)
{
    uint32_t ns = get_u32(in);
    const void *sp = get_array(in, ns, sizeof(int32_t));
    uint64_t ngen = get_u64(in);
    int64_t gen_pos = get_i64(in), gen_offset = get_i64(in);
    if (in->bad || !g) return;
    int64_t at = bad_id(sp, ns, g->n, true);
    if (ns > (uint64_t)g->n || at >= 0) {
        if (at >= 0)
            REFUSE(R, in, "the spikes of '%s' hold neuron %d (%s has %lld neurons, in increasing order)", cname,
                   i32_at(sp, (uint64_t)at), cname, (long long)g->n);
        else REFUSE(R, in, "'%s' has %u spikes in one step, more than its %lld neurons", cname, ns, (long long)g->n);
        return;
    }
    if (ngen != (uint64_t)g->ngen) {
        if (R->mode == SNAP_EXACT) mismatch(R, "the spike generator '%s' differs from the snapshot's", cname);
        ngen = UINT64_MAX;                     /* the generator's position is not restored */
    } else if (gen_pos < 0 || (uint64_t)gen_pos > ngen) {
        REFUSE(R, in, "the spike generator '%s' is at position %lld of %llu", cname, (long long)gen_pos,
               (unsigned long long)ngen);
        return;
    } else if (gen_offset < 0 || gen_offset > R->step ||
               (g->gen_period > 0 ? gen_offset % g->gen_period != 0 : gen_offset != 0)) {
        REFUSE(R, in, "the period of the spike generator '%s' starts at step %lld", cname, (long long)gen_offset);
        return;
    }
    if (!R->apply || in->bad) return;
    if (ns) memcpy(g->spikes, sp, sizeof(int32_t) * ns);
    g->nspikes = (int32_t)ns;
    if (ngen != UINT64_MAX) {
        g->gen_pos = (size_t)gen_pos;
        g->gen_offset = gen_offset;
    }
}

/* Read one ring of nq spike lists; restore it into ring (NULL: only read)
 * if every list fits: ids in [0, limit), at most limit of them, increasing
 * if they are neuron ids (each list is the spikes of one step).  what names
 * the ring, owner the object the ids are of. */
static void restore_ring(Restore *R, In *in, I32Vec *ring, uint32_t nq, int64_t limit, bool neurons,
                         const char *what, const char *owner)
{
    size_t start = in->pos;
    const char *unit = neurons ? "neuron" : "synapse";
    for (uint32_t q = 0; q < nq && ring; q++) {
        uint64_t len = get_u64(in);
        const void *v = get_array(in, len, sizeof(int32_t));
        if (in->bad) return;
        int64_t at = bad_id(v, len, limit, neurons);
        if (at >= 0)
            REFUSE(R, in, "the spike queue of %s holds %s %d ('%s' has %lld %ss%s)", what, unit,
                   i32_at(v, (uint64_t)at), owner, (long long)limit, unit, neurons ? ", each once per step" : "");
        else if (len > (uint64_t)limit)
            REFUSE(R, in, "the spike queue of %s holds %llu %ss in one step ('%s' has %lld)", what,
                   (unsigned long long)len, unit, owner, (long long)limit);
        if (at >= 0 || len > (uint64_t)limit) ring = NULL;     /* by name: read on, restore nothing */
    }
    in->pos = start;
    for (uint32_t q = 0; q < nq; q++) {
        uint64_t len = get_u64(in);
        const void *v = get_array(in, len, sizeof(int32_t));
        if (in->bad) return;
        if (ring && R->apply && !set_i32vec(&ring[q], v, (size_t)len)) R->oom = true;
    }
}

/* The named pathways of synapses g (NULL: not restored). */
static void restore_paths(Restore *R, In *in, RtGroup *g, const char *cname)
{
    uint32_t npaths = get_u32(in);
    if (g && npaths != (uint32_t)g->npaths && R->mode == SNAP_EXACT)
        mismatch(R, "the pathways of '%s' differ from the snapshot's", cname);
    for (uint32_t p = 0; p < npaths && !in->bad; p++) {
        Str pname = get_str(in);
        int32_t pdelay = get_i32(in), ppos = get_i32(in);
        uint32_t pq = get_u32(in);
        if (in->bad) return;
        struct RtPath *path = NULL;
        for (int q = 0; g && q < g->npaths; q++)
            if (str_eq(pname, g->paths[q].name)) path = &g->paths[q];
        bool fits = path && path->queue && pdelay == path->delay_steps && pq == (uint32_t)pdelay + 1;
        if (g && !fits && R->mode == SNAP_EXACT) mismatch(R, "the pathways of '%s' differ from the snapshot's", cname);
        char what[512];
        snprintf(what, sizeof what, "'%s' (pathway '%.*s')", cname, (int)(pname.n < 200 ? pname.n : 200),
                 pname.z ? pname.z : "");
        if (fits && (ppos < 0 || ppos >= (int32_t)pq)) {
            REFUSE(R, in, "the spike queue of %s is at position %d of %u", what, ppos, pq);
            fits = false;
        }
        RtGroup *trig = fits ? (path->post ? g->tgt : g->src) : NULL;
        /* with per-synapse delays (delay_NAME) the ring holds synapse ids */
        bool by_syn = trig && path->syn_delay;
        restore_ring(R, in, trig ? path->queue : NULL, pq, !trig ? 0 : by_syn ? g->n : path->post ? g->tgt_n : g->src_n,
                     !by_syn, what, !trig ? "" : by_syn ? cname : trig->name);
        if (fits && R->apply && !in->bad) path->queue_pos = ppos;
    }
}

/* Connectivity (checked), delays and spike queues of synapses g (NULL: not
 * in the network).  Returns whether the connectivity is g's. */
static bool restore_synapse_state(Restore *R, In *in, RtGroup *g, const char *cname)
{
    uint64_t nsyn = get_u64(in);
    const void *pre = get_array(in, nsyn, sizeof(int32_t));
    const void *post = get_array(in, nsyn, sizeof(int32_t));
    int32_t delay = get_i32(in);
    uint32_t has_sd = get_u32(in);
    const void *sd = has_sd ? get_array(in, nsyn, sizeof(int32_t)) : NULL;
    int32_t qpos = get_i32(in);
    uint32_t nq = get_u32(in);
    if (in->bad) return false;
    bool same_conn = g && g->pre.n == nsyn && (!nsyn || (!memcmp(g->pre.v, pre, nsyn * sizeof(int32_t)) &&
                                                         !memcmp(g->post.v, post, nsyn * sizeof(int32_t))));
    if (g && !same_conn && R->mode == SNAP_EXACT) mismatch(R, "the synapses of '%s' differ from the snapshot's", cname);
    bool same_queue = same_conn && g->queue && delay == g->delay_steps && nq == (uint32_t)g->delay_steps + 1 &&
                      !has_sd == !g->syn_delay;
    if (same_conn && !same_queue && R->mode == SNAP_EXACT) mismatch(R, "the delay of '%s' differs from the snapshot's", cname);
    if (same_queue && (qpos < 0 || qpos >= (int32_t)nq)) {
        REFUSE(R, in, "the spike queue of '%s' is at position %d of %u", cname, qpos, nq);
        same_queue = false;
    }
    for (uint64_t k = 0; same_queue && has_sd && k < nsyn; k++) {
        int32_t d = i32_at(sd, k);
        if (d < 0 || d > g->delay_steps) {
            REFUSE(R, in, "synapse %llu of '%s' has a delay of %d steps (0 to %d)", (unsigned long long)k, cname, d,
                   g->delay_steps);
            same_queue = false;
        }
    }
    /* with per-synapse delays the ring holds synapse ids, else neuron ids */
    bool by_syn = same_queue && g->syn_delay;
    int64_t limit = !same_queue ? 0 : by_syn ? (int64_t)nsyn : g->src_n;
    char what[260];
    snprintf(what, sizeof what, "'%s'", cname);
    restore_ring(R, in, same_queue ? g->queue : NULL, nq, limit, !by_syn, what,
                 !same_queue || by_syn ? cname : g->src->name);
    if (same_queue && R->apply && !in->bad) {
        if (has_sd && nsyn) memcpy(g->syn_delay, sd, nsyn * sizeof(int32_t));
        g->queue_pos = qpos;
    }
    if (!in->bad) restore_paths(R, in, same_conn ? g : NULL, cname);
    return same_conn;
}

/* One group of the image: its variables, then the state of its kind.  With
 * SNAP_EXACT, seen[k] marks group k of the network as restored. */
static void restore_group(Restore *R, In *in, bool *seen)
{
    Str name = get_str(in);
    uint32_t kind = get_u32(in);
    int64_t n = get_i64(in);
    uint32_t nvars = get_u32(in);
    if (in->bad || n < 0) {
        in->bad = true;
        return;
    }
    int at = find_group(R->net, name);
    RtGroup *g = at >= 0 ? R->net->groups[at] : NULL;
    char cname[256];
    name_of(name, cname, sizeof cname);
    bool ok = g && g->kind == (int)kind && g->n == n;
    if (!ok && R->mode == SNAP_EXACT) mismatch(R, "the network has no object '%s' of the snapshot's kind and size", cname);
    if (ok && R->mode == SNAP_EXACT) {
        if ((int)nvars != g->nvars) mismatch(R, "'%s' has other variables than in the snapshot", cname);
        if (seen[at]) invalid(R, in, "'%s' is in the snapshot twice", cname);
        seen[at] = true;
    }
    /* synapse vars are only restored if the connectivity is the same */
    size_t vars_at = in->pos;
    for (uint32_t v = 0; v < nvars && !in->bad; v++) {
        get_str(in);
        get_array(in, (uint64_t)n, sizeof(double));
    }
    if (in->bad) return;
    bool same_conn = true;
    if (kind == RG_NEURONS) restore_neuron_state(R, in, ok ? g : NULL, cname);
    else same_conn = restore_synapse_state(R, in, ok ? g : NULL, cname);
    if (in->bad) return;
    /* now the variables */
    size_t end = in->pos;
    in->pos = vars_at;
    for (uint32_t v = 0; v < nvars; v++) {
        Str vn = get_str(in);
        const void *vals = get_array(in, (uint64_t)n, sizeof(double));
        if (!ok || !same_conn) continue;
        int var = find_var(g, vn);
        if (var < 0 || (R->mode == SNAP_EXACT && var != (int)v)) {
            /* the image lists the variables in the network's order, once each */
            if (R->mode == SNAP_EXACT) mismatch(R, "'%s' has other variables than in the snapshot", cname);
            continue;
        }
        if (R->apply && n > 0) memcpy(g->arr[var], vals, sizeof(double) * (size_t)n);
    }
    in->pos = end;
}

static int find_monitor(Net *net, Str name)
{
    for (int k = 0; k < net->nmonitors; k++)
        if (str_eq(name, net->monitors[k]->name)) return k;
    return -1;
}

/* Whether what a state or rate monitor recorded fits m: steps increasing,
 * before the snapshot's step (with SNAP_EXACT multiples of m's period), one
 * row of values each. */
static bool monitor_fits(Restore *R, In *in, RtMonitor *m, const void *steps, uint64_t nsteps, uint64_t nvals,
                         const char *cname)
{
    uint64_t width = m->kind == RM_STATE ? (uint64_t)m->nvars * (uint64_t)m->nrec : 1;
    if (width ? nvals % width || nvals / width != nsteps : nvals != 0)
        return REFUSE(R, in, "the monitor '%s' has %llu values for %llu recorded steps", cname,
                      (unsigned long long)nvals, (unsigned long long)nsteps);
    int64_t at = bad_step(steps, nsteps, R->step, false);
    for (uint64_t k = 0; at < 0 && R->mode == SNAP_EXACT && m->every > 1 && k < nsteps; k++)
        if (i64_at(steps, k) % m->every) at = (int64_t)k;
    if (at >= 0)
        return REFUSE(R, in, "the monitor '%s' recorded step %lld out of order (the snapshot is at step %lld)", cname,
                      (long long)i64_at(steps, (uint64_t)at), (long long)R->step);
    return true;
}

/* One monitor of the image.  With SNAP_EXACT, seen[k] marks monitor k. */
static void restore_monitor(Restore *R, In *in, bool *seen)
{
    Str name = get_str(in);
    uint32_t kind = get_u32(in);
    bool extra = (kind & SPIKE_EXTRA) != 0;
    kind &= ~SPIKE_EXTRA;
    if (in->bad) return;
    int mk = find_monitor(R->net, name);
    RtMonitor *m = mk >= 0 ? R->net->monitors[mk] : NULL;
    char cname[256];
    name_of(name, cname, sizeof cname);
    bool ok = m && m->kind == (int)kind;
    if (ok) m->active_time = -1;    /* the image does not say how long it recorded */
    if (ok && R->mode == SNAP_EXACT) {
        if (seen[mk]) invalid(R, in, "the monitor '%s' is in the snapshot twice", cname);
        seen[mk] = true;
    }
    if (kind == RM_SPIKE) {
        uint64_t n = get_u64(in);
        const void *idx = get_array(in, n, sizeof(int32_t));
        const void *steps = get_array(in, n, sizeof(int64_t));
        uint32_t nv = extra ? get_u32(in) : 0;
        const void *vals = extra ? get_array(in, n * nv, sizeof(double)) : NULL;
        uint64_t ncount = extra ? get_u64(in) : 0;
        const void *counts = extra ? get_array(in, ncount, sizeof(int64_t)) : NULL;
        if (in->bad) return;
        ok = ok && (int)nv == m->nvars && extra == (m->nvars || m->record_none) &&
             (!extra || ncount == (uint64_t)m->group->n);
        if (!ok && R->mode == SNAP_EXACT) mismatch(R, "the network has no spike monitor '%s' as in the snapshot", cname);
        if (!ok) return;
        int64_t bi = bad_id(idx, n, net_monitor_size(m), false), bs = bad_step(steps, n, R->step, true);
        if (bi >= 0) {
            REFUSE(R, in, "the spike monitor '%s' recorded neuron %d (%s has %lld neurons)", cname,
                   i32_at(idx, (uint64_t)bi), m->group->name, (long long)net_monitor_size(m));
            return;
        }
        if (bs >= 0) {
            REFUSE(R, in, "the spike monitor '%s' recorded step %lld out of order (the snapshot is at step %lld)",
                   cname, (long long)i64_at(steps, (uint64_t)bs), (long long)R->step);
            return;
        }
        if (R->apply && (!set_i32vec(&m->idx, idx, (size_t)n) || !set_i64vec(&m->steps, steps, (size_t)n) ||
                         (nv && !set_f64vec(&m->data, vals, (size_t)(n * nv)))))
            R->oom = true;
        if (R->apply && !R->oom && m->count) {
            /* the counts: stored, or those of the spikes */
            if (counts) memcpy(m->count, counts, sizeof(int64_t) * (size_t)ncount);
            else {
                memset(m->count, 0, sizeof(int64_t) * (size_t)m->group->n);
                for (size_t q = 0; q < m->idx.n; q++) m->count[m->idx.v[q]]++;
            }
            m->counted = m->idx.n;
        }
        return;
    }
    uint32_t nvars = get_u32(in);
    ok = ok && m->nvars == (int)nvars;
    for (uint32_t v = 0; v < nvars && !in->bad; v++) {
        Str vn = get_str(in);
        if (ok && !str_eq(vn, m->varnames[v])) ok = false;
    }
    uint32_t nrec = get_u32(in);
    const void *rec = get_array(in, nrec, sizeof(int32_t));
    uint64_t nsteps = get_u64(in);
    const void *steps = get_array(in, nsteps, sizeof(int64_t));
    uint64_t nvals = get_u64(in);
    const void *vals = get_array(in, nvals, sizeof(double));
    if (in->bad) return;
    ok = ok && m->nrec == (int)nrec && (!nrec || !memcmp(m->rec, rec, nrec * sizeof(int32_t)));
    if (!ok && R->mode == SNAP_EXACT) mismatch(R, "the network has no monitor '%s' as in the snapshot", cname);
    if (!ok || !monitor_fits(R, in, m, steps, nsteps, nvals, cname)) return;
    if (R->apply && (!set_i64vec(&m->rec_steps, steps, (size_t)nsteps) || !set_f64vec(&m->data, vals, (size_t)nvals)))
        R->oom = true;
}

/* The pending added spikes: one list per neuron group of the network, each
 * sorted by (step, index), none before the snapshot's step. */
static void restore_injections(Restore *R, In *in, Injections *inj, bool *seen)
{
    uint32_t ninj = get_u32(in);
    Injections fresh = { 0 };
    bool use = R->mode == SNAP_EXACT && inj;
    for (uint32_t k = 0; k < ninj && !in->bad; k++) {
        Str g = get_str(in);
        uint64_t n = get_u64(in);
        const void *idx = get_array(in, n, sizeof(int32_t));
        const void *step = get_array(in, n, sizeof(int64_t));
        if (in->bad || !use) continue;
        char name[256];
        name_of(g, name, sizeof name);
        int at = find_group(R->net, g);
        RtGroup *grp = at >= 0 ? R->net->groups[at] : NULL;
        if (!grp || grp->kind != RG_NEURONS) {
            mismatch(R, "the snapshot adds spikes to '%s', which is no neuron group of the network", name);
            continue;
        }
        if (seen[at]) invalid(R, in, "the added spikes of '%s' are listed twice", name);
        seen[at] = true;
        for (uint64_t q = 0; q < n && !in->bad; q++) {
            int32_t i = i32_at(idx, q);
            int64_t s = i64_at(step, q);
            bool sorted = !q || s > i64_at(step, q - 1) || (s == i64_at(step, q - 1) && i >= i32_at(idx, q - 1));
            if (i < 0 || i >= grp->n || s < R->step || !sorted)
                invalid(R, in, "the added spike %llu of '%s' (neuron %d, step %lld) is out of range or order (%s has "
                        "%lld neurons; the snapshot is at step %lld)", (unsigned long long)q, name, i, (long long)s,
                        name, (long long)grp->n, (long long)R->step);
            else if (R->apply && !injections_add(&fresh, name, i, s)) R->oom = true;
        }
    }
    if (R->apply && use && !in->bad) {
        injections_free(inj);
        *inj = fresh;
    } else {
        injections_free(&fresh);
    }
}

/* The clock's epochs (dt changes between runs): with SNAP_EXACT they
 * replace the network's; version 1 images have none. */
static void restore_clock(Restore *R, In *in)
{
    Net *net = R->net;
    int64_t base = get_i64(in);
    uint32_t n = get_u32(in);
    if (in->bad) return;
    if (n > (in->n - in->pos) / 24) {
        in->bad = true;
        return;
    }
    struct NetEpoch *e = n ? malloc(sizeof *e * n) : NULL;
    if (n && !e) {
        R->oom = true;
        return;
    }
    for (uint32_t k = 0; k < n; k++) {
        e[k].first_step = get_i64(in);
        e[k].base = get_i64(in);
        e[k].dt = get_f64(in);
        if (!in->bad && (!(e[k].dt > 0 && e[k].dt < 1e6) || e[k].first_step < 0 ||
                         (k && e[k].first_step < e[k - 1].first_step)))
            invalid(R, in, "the snapshot's clock epoch %u (from step %lld, dt %g s) is out of range or order",
                    (unsigned)k, (long long)e[k].first_step, e[k].dt);
    }
    if (!in->bad && (base < -MAX_STEP || base > MAX_STEP))
        invalid(R, in, "the snapshot's clock index is out of range (base %lld)", (long long)base);
    if (R->apply && R->mode == SNAP_EXACT && !in->bad && !R->invalid) {
        free(net->epochs);
        net->epochs = e;
        net->nepochs = (int)n;
        net->clock_base = base;
        return;
    }
    free(e);
}

/* The constants: with SNAP_EXACT every one of the network's, once. */
static void restore_consts(Restore *R, In *in)
{
    Net *net = R->net;
    uint32_t nconsts = get_u32(in);
    if (R->mode == SNAP_EXACT && nconsts != (uint32_t)net->nconsts)
        mismatch(R, "%s", "the network has other constants than the snapshot");
    for (uint32_t k = 0; k < nconsts && !in->bad; k++) {
        Str name = get_str(in);
        double v = get_f64(in);
        if (R->mode != SNAP_EXACT || in->bad) continue;
        int c = (int)k < net->nconsts && str_eq(name, net->const_names[k]) ? (int)k : -1;
        if (c < 0) {
            char cname[256];
            name_of(name, cname, sizeof cname);
            mismatch(R, "the network has no constant '%s' in the snapshot's place", cname);
        } else if (R->apply) net->consts[c] = v;
    }
}

/* One pass over the payload: check (apply false) or restore.  seen has room
 * for a mark per group, per monitor and per group again (added spikes). */
static void restore_pass(Restore *R, In *in, Injections *inj, bool *seen)
{
    Net *net = R->net;
    double dt = get_f64(in);
    int64_t step = get_i64(in);
    uint64_t seed = get_u64(in);
    if (R->mode == SNAP_EXACT && dt != net->dt) mismatch(R, "%s", "the snapshot has another time step (dt)");
    if (in->bad) return;
    if (step < 0 || step > MAX_STEP) {
        invalid(R, in, "the snapshot is at step %lld (0 to 2^53)", (long long)step);
        return;
    }
    R->step = step;
    if (R->apply) {
        net->step = step;
        if (R->mode == SNAP_EXACT) net->seed = seed;
    }
    restore_consts(R, in);
    uint32_t ngroups = get_u32(in);
    if (R->mode == SNAP_EXACT && ngroups != (uint32_t)net->ngroups)
        mismatch(R, "%s", "the network has other groups and synapses than the snapshot");
    for (uint32_t k = 0; k < ngroups && !in->bad; k++) restore_group(R, in, seen);
    uint32_t nmon = get_u32(in);
    if (R->mode == SNAP_EXACT && nmon != (uint32_t)net->nmonitors)
        mismatch(R, "%s", "the network has other monitors than the snapshot");
    for (uint32_t k = 0; k < nmon && !in->bad; k++) restore_monitor(R, in, seen + net->ngroups);
    restore_injections(R, in, inj, seen + net->ngroups + net->nmonitors);
    if (R->version >= 2) restore_clock(R, in);
    else if (R->apply && R->mode == SNAP_EXACT) {
        free(net->epochs);
        net->epochs = NULL;
        net->nepochs = 0;
        net->clock_base = 0;
    }
    uint64_t rng_epoch = R->version >= 3 ? get_u64(in) : 0;
    uint64_t rng_used = R->version >= 3 ? get_u64(in) : 0;
    if (R->apply && R->mode == SNAP_EXACT && !in->bad) {
        net->rng_epoch = rng_epoch;
        net->rng_epochs_used = rng_used > rng_epoch ? rng_used : rng_epoch;
    }
    if (in->pos != in->n) in->bad = true;
}

int snapshot_restore(Net *net, Injections *inj, const unsigned char *p, size_t size, int mode, char *err,
                     size_t errlen)
{
    if (errlen) err[0] = 0;
    In in = { p + HEADER, size - HEADER - 8, 0, false };
    Restore R = { net, mode, mode != SNAP_EXACT, err, errlen, false, false, false, 0, 0 };
    memcpy(&R.version, p + 12, 4);
    size_t nseen = 2 * (size_t)net->ngroups + (size_t)net->nmonitors + 1;
    bool *seen = calloc(nseen, sizeof *seen);
    if (!seen) return SNAP_NOMEM;
    if (mode == SNAP_EXACT) {
        restore_pass(&R, &in, inj, seen);
        if (in.bad && !R.invalid) {
            free(seen);
            snprintf(err, errlen, "the snapshot is damaged (inconsistent contents)");
            return SNAP_DAMAGED;
        }
        if (R.invalid || R.mismatch) {
            free(seen);
            return SNAP_MISFIT;
        }
        memset(seen, 0, sizeof *seen * nseen);
        in.pos = 0;
        R.apply = true;
    }
    restore_pass(&R, &in, inj, seen);
    free(seen);
    if (R.oom) return SNAP_NOMEM;
    if (in.bad && !R.invalid) {
        snprintf(err, errlen, "the snapshot is damaged (inconsistent contents)");
        return SNAP_DAMAGED;
    }
    return R.invalid || R.mismatch ? SNAP_MISFIT : 0;
}
