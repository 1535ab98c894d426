/* SPDX-License-Identifier: MIT */
/* This file contains the snapshot calls of the public API (snn_snapshot_*):
 * taking, copying, saving, loading and restoring the byte images of
 * runtime/snapshot.c, and keeping restored constants across rebuilds. */
#include "api_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snapshot.h"

/* {====================================================================
 * Snapshots
 * ===================================================================== */

struct snn_snapshot {
    unsigned char *p;
    size_t         n;
};

int snn_snapshot_take(snn_ctx *ctx, snn_snapshot **out)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (!out) return api_set_error(ctx, SNN_EMISUSE, "snn_snapshot_take: no place for the snapshot");
    *out = NULL;
    if (api_not_running(ctx, "snn_snapshot_take")) return SNN_EMISUSE;
    int rc = api_own_order(ctx);
    if (rc) return rc;
    snn_snapshot *s = calloc(1, sizeof *s);
    if (s) s->p = snapshot_encode(ctx->net, &ctx->inj, &s->n);
    if (!s || !s->p) {
        free(s);
        return api_set_error(ctx, SNN_ENOMEM, "out of memory while taking a snapshot");
    }
    *out = s;
    return SNN_OK;
}

void snn_snapshot_free(snn_snapshot *snap)
{
    if (!snap) return;
    free(snap->p);
    free(snap);
}

const void *snn_snapshot_data(const snn_snapshot *snap, size_t *size)
{
    if (size) *size = snap ? snap->n : 0;
    return snap ? snap->p : NULL;
}

int snn_snapshot_from_data(const void *data, size_t size, snn_snapshot **out)
{
    if (!out) return SNN_EMISUSE;
    *out = NULL;
    if (!data) return SNN_EMISUSE;
    char err[256];
    if (snapshot_verify(data, size, err, sizeof err)) return SNN_EIO;
    snn_snapshot *s = calloc(1, sizeof *s);
    if (s) s->p = malloc(size);
    if (!s || !s->p) {
        free(s);
        return SNN_ENOMEM;
    }
    memcpy(s->p, data, size);
    s->n = size;
    *out = s;
    return SNN_OK;
}

/* Restore a byte image into the network (exact). */
int api_restore_bytes(snn_ctx *ctx, const unsigned char *p, size_t n, const char *what)
{
    char err[512];
    if (snapshot_verify(p, n, err, sizeof err)) return api_set_error(ctx, SNN_EIO, "%s: %s", what, err);
    if (api_not_running(ctx, "snn_snapshot_restore")) return SNN_EMISUSE;
    int rc = api_own_order(ctx);
    if (rc) return rc;
    /* a snapshot taken with a dt this network had before a dt change
     * between runs: its delays and clocks in that dt first (another dt is
     * another network, refused by snapshot_restore) */
    double snap_dt;
    memcpy(&snap_dt, p + SNAPSHOT_HEADER, sizeof snap_dt);
    bool had = false;
    for (int k = 0; k < ctx->net->nepochs; k++) had |= ctx->net->epochs[k].dt == snap_dt;
    if (snap_dt != ctx->net->dt && had) {
        rc = api_change_dt(ctx, snap_dt, true, err, sizeof err);
        if (rc == SNN_ENOMEM) return api_set_error(ctx, rc, "%s: out of memory", what);
        if (rc) return api_set_error(ctx, rc, "%s: %s", what, err);
    }
    int r = snapshot_restore(ctx->net, &ctx->inj, p, n, SNAP_EXACT, err, sizeof err);
    if (r == SNAP_NOMEM) return api_set_error(ctx, SNN_ENOMEM, "%s: out of memory (the state is partly restored)", what);
    if (r) return api_set_error(ctx, r == SNAP_DAMAGED ? SNN_EIO : SNN_EMISUSE, "%s: %s", what, err);
    ctx->seed = ctx->net->seed;
    /* restored constants survive rebuilds as if set with snn_set_const */
    for (int k = 0; k < ctx->net->nconsts; k++) {
        Sym *s = api_find_const(ctx->cur.model, ctx->net->const_names[k]);
        ConstSet *cs = api_find_set(ctx, ctx->net->const_names[k]);
        if (cs) cs->value = ctx->net->consts[k];
        else if (s && s->value != ctx->net->consts[k]) {
            ConstSet *v = realloc(ctx->sets, sizeof *v * (size_t)(ctx->nsets + 1));
            char *nm = api_strdup(ctx->net->const_names[k]);
            if (v) ctx->sets = v;
            if (!v || !nm) {
                free(nm);
                return api_set_error(ctx, SNN_ENOMEM, "out of memory");
            }
            ctx->sets[ctx->nsets++] = (ConstSet){ nm, ctx->net->consts[k] };
        }
        if (s) s->value = ctx->net->consts[k];
    }
    if (ctx->inj.n && !api_add_inject_op(ctx)) return api_set_error(ctx, SNN_ENOMEM, "out of memory");
    return SNN_OK;
}

int snn_snapshot_restore(snn_ctx *ctx, const snn_snapshot *snap)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (!snap) return api_set_error(ctx, SNN_EMISUSE, "snn_snapshot_restore: no snapshot");
    return api_restore_bytes(ctx, snap->p, snap->n, "snapshot");
}

int snn_snapshot_save(snn_ctx *ctx, const char *path)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (!path) return api_set_error(ctx, SNN_EMISUSE, "snn_snapshot_save: no path");
    snn_snapshot *s;
    int rc = snn_snapshot_take(ctx, &s);
    if (rc) return rc;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 32);
    if (!tmp) {
        snn_snapshot_free(s);
        return api_set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    snprintf(tmp, plen + 32, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(s->p, 1, s->n, f) == s->n;
    if (f && fclose(f)) ok = false;
    int e = errno;
    if (ok && rename(tmp, path)) {
        ok = false;
        e = errno;
    }
    if (!ok) remove(tmp);
    free(tmp);
    snn_snapshot_free(s);
    if (!ok) return api_set_error(ctx, SNN_EIO, "%s: cannot write the snapshot: %s", path, strerror(e));
    return SNN_OK;
}

/* Read a whole snapshot file into a malloc'ed buffer: only a regular file,
 * and only as many bytes as its header announces (so a device or a file
 * that grows cannot make it read without end).  SNN_OK with *out, *size
 * set, or an error code with the message set. */
static int read_snapshot_file(snn_ctx *ctx, const char *path, unsigned char **out, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return api_set_error(ctx, SNN_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
        fclose(f);
        return api_set_error(ctx, SNN_EIO, "%s: not a regular file (a snapshot is a file written by "
                             "snn_snapshot_save)", path);
    }
    unsigned char head[SNAPSHOT_HEADER];
    uint64_t len;
    size_t got = fread(head, 1, sizeof head, f);
    memcpy(&len, head + SNAPSHOT_HEADER - 8, sizeof len);
    size_t want = (size_t)st.st_size;
    if (got < sizeof head || (uint64_t)st.st_size != SNAPSHOT_HEADER + 8 + len) {
        /* too short or not as long as it says: let verify name the problem */
        want = got < sizeof head ? got : SNAPSHOT_HEADER + 8;
    }
    unsigned char *buf = malloc(want > sizeof head ? want : sizeof head);
    if (!buf) {
        fclose(f);
        return api_set_error(ctx, SNN_ENOMEM, "%s: out of memory (%zu bytes for the snapshot)", path, want);
    }
    memcpy(buf, head, got);
    size_t n = got;
    if (want > got) n += fread(buf + got, 1, want - got, f);
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return api_set_error(ctx, SNN_EIO, "%s: read error", path);
    }
    *out = buf;
    *size = n;
    return SNN_OK;
}

int snn_snapshot_load(snn_ctx *ctx, const char *path)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (!path) return api_set_error(ctx, SNN_EMISUSE, "snn_snapshot_load: no path");
    unsigned char *buf = NULL;
    size_t n = 0;
    int rc = read_snapshot_file(ctx, path, &buf, &n);
    if (rc) return rc;
    rc = api_restore_bytes(ctx, buf, n, path);
    free(buf);
    return rc;
}
