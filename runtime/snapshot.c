/* SPDX-License-Identifier: MIT */
/* This file contains snapshots of a runtime network: the byte image of its
 * whole state, and its restoration.  The state of a Net is: step, seed,
 * constants; per group every variable array, and for neuron groups the spikes
 * of the current step; per synapses object its connectivity (checked, not
 * restored), the spike queues of on_pre and of named pathways and their
 * positions, heterogeneous delays in steps; per monitor what it
 * recorded; the position of spike generators; and the pending external
 * spikes kept by the API.  Random numbers
 * are counter-based (seed, stream, step, index, site), so step and seed are
 * the random-number position.  Whoever adds state to net.h adds it here.
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
 * {str group, u64 n, i32[n], i64[n]}.  Strings are u32 length + bytes.
 * Numbers are in the machine's byte order. */
#include "snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

#define MAGIC "SNNSNAP1"
#define BOM 0x01020304u
#define VERSION 1u
#define HEADER (8 + 4 + 4 + 8)

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

static void encode_monitor(Out *o, const RtMonitor *m)
{
    put_str(o, m->name);
    put_u32(o, (uint32_t)m->kind);
    if (m->kind == RM_SPIKE) {
        put_u64(o, (uint64_t)m->idx.n);
        put(o, m->idx.v, sizeof(int32_t) * m->idx.n);
        put(o, m->steps.v, sizeof(int64_t) * m->steps.n);
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
    for (int k = 0; k < net->nmonitors; k++) encode_monitor(&o, net->monitors[k]);
    put_u32(&o, inj ? (uint32_t)inj->n : 0);
    for (int k = 0; inj && k < inj->n; k++) {
        const InjList *l = &inj->v[k];
        put_str(&o, l->group);
        put_u64(&o, (uint64_t)l->n);
        put(&o, l->idx, sizeof(int32_t) * l->n);
        put(&o, l->step, sizeof(int64_t) * l->n);
    }
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
    if (version != VERSION) {
        snprintf(err, errlen, "snapshot format version %u, this library reads version %u", version, VERSION);
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

typedef struct Restore {
    Net  *net;
    int   mode;
    bool  apply;          /* false: only check (first pass of SNAP_EXACT) */
    char *err;
    size_t errlen;
    bool  mismatch, oom;
} Restore;

static void mismatch(Restore *R, const char *fmt, const char *name)
{
    if (!R->mismatch) snprintf(R->err, R->errlen, fmt, name);
    R->mismatch = true;
}

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

static RtGroup *find_group(Net *net, Str name)
{
    for (int k = 0; k < net->ngroups; k++)
        if (str_eq(name, net->groups[k]->name)) return net->groups[k];
    return NULL;
}

static int find_var(RtGroup *g, Str name)
{
    for (int v = 0; v < g->nvars; v++)
        if (str_eq(name, g->varnames[v])) return v;
    return -1;
}

static void restore_group(Restore *R, In *in)
{
    Str name = get_str(in);
    uint32_t kind = get_u32(in);
    int64_t n = get_i64(in);
    uint32_t nvars = get_u32(in);
    if (in->bad || n < 0) {
        in->bad = true;
        return;
    }
    RtGroup *g = find_group(R->net, name);
    char cname[256];
    snprintf(cname, sizeof cname, "%.*s", (int)(name.n < 200 ? name.n : 200), name.z ? name.z : "");
    bool ok = g && g->kind == (int)kind && g->n == n;
    if (!ok && R->mode == SNAP_EXACT) mismatch(R, "the network has no object '%s' of the snapshot's kind and size", cname);
    if (ok && R->mode == SNAP_EXACT && (int)nvars != g->nvars)
        mismatch(R, "'%s' has other variables than in the snapshot", cname);
    /* synapse vars are only restored if the connectivity is the same */
    size_t vars_at = in->pos;
    for (uint32_t v = 0; v < nvars; v++) {
        get_str(in);
        get_array(in, (uint64_t)n, sizeof(double));
    }
    if (in->bad) return;
    bool same_conn = true;
    if (kind == RG_NEURONS) {
        uint32_t ns = get_u32(in);
        const void *sp = get_array(in, ns, sizeof(int32_t));
        if (in->bad) return;
        uint64_t ngen = get_u64(in);
        int64_t gen_pos = get_i64(in), gen_offset = get_i64(in);
        if (in->bad) return;
        if (ok && ns > (uint64_t)n) in->bad = true;
        if (ok && ngen != (uint64_t)g->ngen && R->mode == SNAP_EXACT)
            mismatch(R, "the spike generator '%s' differs from the snapshot's", cname);
        if (ok && R->apply && !in->bad) {
            memcpy(g->spikes, sp, sizeof(int32_t) * ns);
            g->nspikes = (int32_t)ns;
            if (ngen == (uint64_t)g->ngen && gen_pos >= 0 && (uint64_t)gen_pos <= ngen) {
                g->gen_pos = (size_t)gen_pos;
                g->gen_offset = gen_offset;
            }
        }
    } else {
        uint64_t nsyn = get_u64(in);
        const void *pre = get_array(in, nsyn, sizeof(int32_t));
        const void *post = get_array(in, nsyn, sizeof(int32_t));
        int32_t delay = get_i32(in);
        uint32_t has_sd = get_u32(in);
        const void *sd = has_sd ? get_array(in, nsyn, sizeof(int32_t)) : NULL;
        int32_t qpos = get_i32(in);
        uint32_t nq = get_u32(in);
        if (in->bad) return;
        same_conn = ok && g->pre.n == nsyn && (!nsyn || (!memcmp(g->pre.v, pre, nsyn * sizeof(int32_t)) &&
                                                          !memcmp(g->post.v, post, nsyn * sizeof(int32_t))));
        if (ok && !same_conn && R->mode == SNAP_EXACT) mismatch(R, "the synapses of '%s' differ from the snapshot's", cname);
        bool same_queue = same_conn && g->queue && delay == g->delay_steps && nq == (uint32_t)g->delay_steps + 1 &&
                          qpos >= 0 && qpos < (int32_t)nq && !has_sd == !g->syn_delay;
        if (same_queue && R->apply && has_sd && nsyn) memcpy(g->syn_delay, sd, nsyn * sizeof(int32_t));
        if (same_conn && !same_queue && R->mode == SNAP_EXACT) mismatch(R, "the delay of '%s' differs from the snapshot's", cname);
        for (uint32_t q = 0; q < nq; q++) {
            uint64_t len = get_u64(in);
            const void *v = get_array(in, len, sizeof(int32_t));
            if (in->bad) return;
            if (same_queue && R->apply && !set_i32vec(&g->queue[q], v, (size_t)len)) R->oom = true;
        }
        if (same_queue && R->apply) g->queue_pos = qpos;
        uint32_t npaths = get_u32(in);
        if (ok && same_conn && npaths != (uint32_t)g->npaths && R->mode == SNAP_EXACT)
            mismatch(R, "the pathways of '%s' differ from the snapshot's", cname);
        for (uint32_t p = 0; p < npaths && !in->bad; p++) {
            Str pname = get_str(in);
            int32_t pdelay = get_i32(in), ppos = get_i32(in);
            uint32_t pq = get_u32(in);
            struct RtPath *path = NULL;
            for (int q = 0; same_conn && q < g->npaths; q++)
                if (str_eq(pname, g->paths[q].name)) path = &g->paths[q];
            bool fits = path && path->queue && pdelay == path->delay_steps && pq == (uint32_t)pdelay + 1 &&
                        ppos >= 0 && ppos < (int32_t)pq;
            if (same_conn && !fits && R->mode == SNAP_EXACT)
                mismatch(R, "the pathways of '%s' differ from the snapshot's", cname);
            for (uint32_t q = 0; q < pq; q++) {
                uint64_t len = get_u64(in);
                const void *v = get_array(in, len, sizeof(int32_t));
                if (in->bad) return;
                if (fits && R->apply && !set_i32vec(&path->queue[q], v, (size_t)len)) R->oom = true;
            }
            if (fits && R->apply) path->queue_pos = ppos;
        }
        if (in->bad) return;
    }
    /* now the variables */
    size_t end = in->pos;
    in->pos = vars_at;
    for (uint32_t v = 0; v < nvars; v++) {
        Str vn = get_str(in);
        const void *vals = get_array(in, (uint64_t)n, sizeof(double));
        if (!ok || !same_conn) continue;
        int at = find_var(g, vn);
        if (at < 0) {
            if (R->mode == SNAP_EXACT) mismatch(R, "'%s' has other variables than in the snapshot", cname);
            continue;
        }
        if (R->apply && n > 0) memcpy(g->arr[at], vals, sizeof(double) * (size_t)n);
    }
    in->pos = end;
}

static RtMonitor *find_monitor(Net *net, Str name)
{
    for (int k = 0; k < net->nmonitors; k++)
        if (str_eq(name, net->monitors[k]->name)) return net->monitors[k];
    return NULL;
}

static void restore_monitor(Restore *R, In *in)
{
    Str name = get_str(in);
    uint32_t kind = get_u32(in);
    if (in->bad) return;
    RtMonitor *m = find_monitor(R->net, name);
    char cname[256];
    snprintf(cname, sizeof cname, "%.*s", (int)(name.n < 200 ? name.n : 200), name.z ? name.z : "");
    bool ok = m && m->kind == (int)kind;
    if (kind == RM_SPIKE) {
        uint64_t n = get_u64(in);
        const void *idx = get_array(in, n, sizeof(int32_t));
        const void *steps = get_array(in, n, sizeof(int64_t));
        if (in->bad) return;
        if (!ok && R->mode == SNAP_EXACT) mismatch(R, "the network has no spike monitor '%s' as in the snapshot", cname);
        if (ok && R->apply && (!set_i32vec(&m->idx, idx, (size_t)n) || !set_i64vec(&m->steps, steps, (size_t)n)))
            R->oom = true;
        return;
    }
    uint32_t nvars = get_u32(in);
    ok = ok && m->nvars == (int)nvars;
    for (uint32_t v = 0; v < nvars; v++) {
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
    ok = ok && m->nrec == (int)nrec && (!nrec || !memcmp(m->rec, rec, nrec * sizeof(int32_t))) &&
         nvals == (kind == RM_STATE ? nsteps * nvars * nrec : nsteps);
    if (!ok && R->mode == SNAP_EXACT) mismatch(R, "the network has no monitor '%s' as in the snapshot", cname);
    if (ok && R->apply && (!set_i64vec(&m->rec_steps, steps, (size_t)nsteps) || !set_f64vec(&m->data, vals, (size_t)nvals)))
        R->oom = true;
}

static void restore_injections(Restore *R, In *in, Injections *inj)
{
    uint32_t ninj = get_u32(in);
    Injections fresh = { 0 };
    for (uint32_t k = 0; k < ninj && !in->bad; k++) {
        Str g = get_str(in);
        uint64_t n = get_u64(in);
        const int32_t *idx = get_array(in, n, sizeof(int32_t));
        const int64_t *step = get_array(in, n, sizeof(int64_t));
        if (in->bad || !R->apply || R->mode != SNAP_EXACT || !inj) continue;
        char name[512];
        snprintf(name, sizeof name, "%.*s", (int)(g.n < 500 ? g.n : 500), g.z ? g.z : "");
        for (uint64_t q = 0; q < n; q++) {
            int32_t i;
            int64_t s;
            memcpy(&i, idx + q, sizeof i);
            memcpy(&s, step + q, sizeof s);
            if (!injections_add(&fresh, name, i, s)) R->oom = true;
        }
    }
    if (R->apply && R->mode == SNAP_EXACT && inj && !in->bad) {
        injections_free(inj);
        *inj = fresh;
    } else {
        injections_free(&fresh);
    }
}

/* One pass over the payload: check (apply false) or restore. */
static void restore_pass(Restore *R, In *in, Injections *inj)
{
    Net *net = R->net;
    double dt = get_f64(in);
    int64_t step = get_i64(in);
    uint64_t seed = get_u64(in);
    if (R->mode == SNAP_EXACT && dt != net->dt) mismatch(R, "%s", "the snapshot has another time step (dt)");
    if (step < 0) in->bad = true;
    if (R->apply && !in->bad) {
        net->step = step;
        if (R->mode == SNAP_EXACT) net->seed = seed;
    }
    uint32_t nconsts = get_u32(in);
    for (uint32_t k = 0; k < nconsts && !in->bad; k++) {
        Str name = get_str(in);
        double v = get_f64(in);
        if (!R->apply || R->mode != SNAP_EXACT) continue;
        for (int c = 0; c < net->nconsts; c++)
            if (str_eq(name, net->const_names[c])) net->consts[c] = v;
    }
    uint32_t ngroups = get_u32(in);
    if (R->mode == SNAP_EXACT && ngroups != (uint32_t)net->ngroups)
        mismatch(R, "%s", "the network has other groups and synapses than the snapshot");
    for (uint32_t k = 0; k < ngroups && !in->bad; k++) restore_group(R, in);
    uint32_t nmon = get_u32(in);
    if (R->mode == SNAP_EXACT && nmon != (uint32_t)net->nmonitors)
        mismatch(R, "%s", "the network has other monitors than the snapshot");
    for (uint32_t k = 0; k < nmon && !in->bad; k++) restore_monitor(R, in);
    restore_injections(R, in, inj);
    if (in->pos != in->n) in->bad = true;
}

int snapshot_restore(Net *net, Injections *inj, const unsigned char *p, size_t size, int mode, char *err,
                     size_t errlen)
{
    if (errlen) err[0] = 0;
    In in = { p + HEADER, size - HEADER - 8, 0, false };
    Restore R = { net, mode, mode != SNAP_EXACT, err, errlen, false, false };
    if (mode == SNAP_EXACT) {
        restore_pass(&R, &in, inj);
        if (in.bad) {
            snprintf(err, errlen, "the snapshot is damaged (inconsistent contents)");
            return -1;
        }
        if (R.mismatch) return -1;
        in.pos = 0;
        R.apply = true;
    }
    restore_pass(&R, &in, inj);
    if (R.oom) return -2;
    if (in.bad) {
        snprintf(err, errlen, "the snapshot is damaged (inconsistent contents)");
        return -1;
    }
    return 0;
}
