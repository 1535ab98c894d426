/* SPDX-License-Identifier: MIT */
/* This file contains store and restore to a file, Brian2's
 * store(name, filename=...) / restore(name, filename=...): a file holds
 * several named states (snapshot images), so 'store second to "f"' adds to
 * or replaces one name of "f" and keeps the others.  A later run of snnc,
 * with a network of the same objects, can restore from it.  Generator
 * spikes changed with set_spikes are not part of it (they are part of the
 * model, as the spikes given when the generator was made).
 *
 * File: "SNNSTORE", u32 version 1, u32 count, count entries {u32 name
 * length, name bytes, u64 image length, image}; the images are verified by
 * the snapshot code when restored.  Also the restore that keeps the
 * constants, as the script's restore (in memory or from a file) does. */
#include "api_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snapshot.h"

#define STORE_MAGIC "SNNSTORE"
#define STORE_HEAD 16

/* A copy of the network's constants (at least one element). */
static double *consts_copy(const Net *net)
{
    double *c = malloc(sizeof *c * (size_t)(net->nconsts + 1));
    if (c && net->nconsts) memcpy(c, net->consts, sizeof *c * (size_t)net->nconsts);
    return c;
}

typedef struct Entry {
    const unsigned char *name, *image;
    uint32_t             nname;
    uint64_t             nimage;
} Entry;

/* Read the whole regular file path (at most its size at open).  SNN_OK with
 * *buf (malloc'ed) and *n; a missing file is SNN_ENOTFOUND if missing_ok. */
static int read_all(snn_ctx *ctx, const char *path, bool missing_ok, unsigned char **buf, size_t *n)
{
    *buf = NULL;
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f && missing_ok && errno == ENOENT) return SNN_ENOTFOUND;
    if (!f) return api_set_error(ctx, SNN_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
        fclose(f);
        return api_set_error(ctx, SNN_EIO, "%s: not a regular file (a state file is written by 'store to')", path);
    }
    size_t want = (size_t)st.st_size;
    unsigned char *b = malloc(want + 1);
    if (!b) {
        fclose(f);
        return api_set_error(ctx, SNN_ENOMEM, "%s: out of memory (%zu bytes)", path, want);
    }
    size_t got = fread(b, 1, want, f);
    int err = ferror(f);
    fclose(f);
    if (err || got != want) {
        free(b);
        return api_set_error(ctx, SNN_EIO, "%s: read error", path);
    }
    *buf = b;
    *n = got;
    return SNN_OK;
}

/* The entries of a state file's bytes (at most max); the count, or -1 with
 * the message set if the bytes are not such a file. */
static int parse_entries(snn_ctx *ctx, const char *path, const unsigned char *p, size_t n, Entry **out)
{
    uint32_t version, count;
    *out = NULL;
    if (n < STORE_HEAD || memcmp(p, STORE_MAGIC, 8))
        return api_set_error(ctx, SNN_EIO, "%s: not a state file written by 'store ... to' (it does not start with "
                             "%s)", path, STORE_MAGIC), -1;
    memcpy(&version, p + 8, 4);
    memcpy(&count, p + 12, 4);
    if (version != 1)
        return api_set_error(ctx, SNN_EIO, "%s: a state file of version %u (this snnc reads version 1)", path,
                             (unsigned)version), -1;
    if (count > (n - STORE_HEAD) / 12)
        return api_set_error(ctx, SNN_EIO, "%s: the state file is damaged (it names %u states)", path,
                             (unsigned)count), -1;
    Entry *e = calloc((size_t)count + 1, sizeof *e);
    if (!e) return api_set_error(ctx, SNN_ENOMEM, "out of memory"), -1;
    size_t at = STORE_HEAD;
    for (uint32_t k = 0; k < count; k++) {
        if (n - at < 4) goto damaged;
        memcpy(&e[k].nname, p + at, 4);
        at += 4;
        if (n - at < (uint64_t)e[k].nname + 8) goto damaged;
        e[k].name = p + at;
        at += e[k].nname;
        memcpy(&e[k].nimage, p + at, 8);
        at += 8;
        if (n - at < e[k].nimage) goto damaged;
        e[k].image = p + at;
        at += (size_t)e[k].nimage;
    }
    if (at != n) goto damaged;
    *out = e;
    return (int)count;
damaged:
    free(e);
    return api_set_error(ctx, SNN_EIO, "%s: the state file is damaged (truncated or with extra bytes)", path), -1;
}

int api_restore_keep_consts(snn_ctx *ctx, const unsigned char *p, size_t n, const char *what)
{
    Net *net = ctx->net;
    /* constants are not part of it, as Python variables are not of Brian2's */
    double *consts = consts_copy(net);
    if (!consts) return api_set_error(ctx, SNN_ENOMEM, "out of memory while restoring the state");
    int rc = api_restore_bytes(ctx, p, n, what);
    for (int k = 0; !rc && k < ctx->net->nconsts; k++)
        if (ctx->net->consts[k] != consts[k]) rc = snn_set_const(ctx, ctx->net->const_names[k], consts[k]);
    free(consts);
    return rc;
}

static bool entry_is(const Entry *e, const char *name)
{
    return e->nname == strlen(name) && !memcmp(e->name, name, e->nname);
}

static bool put(FILE *f, const void *p, size_t n)
{
    return fwrite(p, 1, n, f) == n;
}

/* A file of stored states is one process's network: MPI ranks hold parts. */
static int refuse_ranks(snn_ctx *ctx, const char *what, const char *path)
{
    return api_set_error(ctx, SNN_EMISUSE, "error: cannot %s '%s' with MPI ranks: each rank holds a part of the "
                         "network (store and restore without a file work); run in one process", what, path);
}

int api_store_to_file(snn_ctx *ctx, const char *name, const char *path)
{
    if (ctx->mpi_comm) return refuse_ranks(ctx, "store to the file", path);
    int rc = api_own_order(ctx);
    if (rc) return rc;
    size_t size;
    unsigned char *snap = snapshot_encode(ctx->net, &ctx->inj, &size);
    if (!snap) return api_set_error(ctx, SNN_ENOMEM, "out of memory while storing the state");
    unsigned char *old = NULL;
    size_t nold = 0;
    Entry *e = NULL;
    int count = 0;
    rc = read_all(ctx, path, true, &old, &nold);
    if (rc == SNN_ENOTFOUND) rc = SNN_OK;
    else if (!rc && (count = parse_entries(ctx, path, old, nold, &e)) < 0) rc = SNN_EIO;
    if (rc) {
        free(snap);
        free(old);
        return rc;
    }
    /* the other names as they were, then this one */
    uint32_t keep = 0;
    for (int k = 0; k < count; k++) keep += !entry_is(&e[k], name);
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 32);
    FILE *f = NULL;
    if (tmp) {
        snprintf(tmp, plen + 32, "%s.tmp%ld", path, (long)getpid());
        f = fopen(tmp, "wb");
    }
    int err = errno;
    bool ok = f != NULL;
    uint32_t version = 1, total = keep + 1, nname = (uint32_t)strlen(name);
    uint64_t nimage = size;
    ok = ok && put(f, STORE_MAGIC, 8) && put(f, &version, 4) && put(f, &total, 4);
    for (int k = 0; ok && k < count; k++)
        if (!entry_is(&e[k], name))
            ok = put(f, &e[k].nname, 4) && put(f, e[k].name, e[k].nname) && put(f, &e[k].nimage, 8) &&
                 put(f, e[k].image, (size_t)e[k].nimage);
    ok = ok && put(f, &nname, 4) && put(f, name, nname) && put(f, &nimage, 8) && put(f, snap, size);
    if (f && !ok) err = errno;
    if (f && fclose(f)) ok = false, err = errno;
    if (ok && rename(tmp, path)) ok = false, err = errno;
    if (!ok && tmp) remove(tmp);
    free(tmp);
    free(e);
    free(old);
    free(snap);
    if (!ok) return api_set_error(ctx, SNN_EIO, "%s: cannot write the stored state: %s", path, strerror(err));
    return SNN_OK;
}

int api_restore_from_file(snn_ctx *ctx, const char *name, const char *path)
{
    if (ctx->mpi_comm) return refuse_ranks(ctx, "restore from the file", path);
    unsigned char *buf;
    size_t n;
    int rc = read_all(ctx, path, false, &buf, &n);
    if (rc) return rc;
    Entry *e;
    int count = parse_entries(ctx, path, buf, n, &e);
    const Entry *hit = NULL;
    for (int k = 0; k < count; k++)
        if (entry_is(&e[k], name)) hit = &e[k];
    if (count >= 0 && !hit) {
        /* name what the file holds */
        char names[256] = "";
        size_t at = 0;
        for (int k = 0; k < count && at + 8 < sizeof names; k++)
            at += (size_t)snprintf(names + at, sizeof names - at, "%s'%.*s'", k ? ", " : "",
                                   (int)(e[k].nname < 64 ? e[k].nname : 64), (const char *)e[k].name);
        rc = api_set_error(ctx, SNN_ENOTFOUND, "%s: nothing was stored under the name '%s' in this file (it holds %s)",
                           path, name, count ? names : "no state");
    } else if (count < 0) {
        rc = SNN_EIO;
    } else {
        char what[300];
        snprintf(what, sizeof what, "restore from %s", path);
        rc = api_restore_keep_consts(ctx, hit->image, (size_t)hit->nimage, what);
    }
    free(e);
    free(buf);
    return rc;
}
