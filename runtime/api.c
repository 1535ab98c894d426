/* SPDX-License-Identifier: MIT */
/* This file contains the public API of snn.h.  A context keeps the model as
 * .snn text in chunks (loaded files and strings, and objects added in code,
 * whose text it generates), and checks all of it after every change: parse,
 * units, equations, into a Model in an arena of its own.  Building emits C,
 * JIT-compiles it and builds the runtime network; a rebuild after a change
 * carries the state over by name (runtime/snapshot.c).  The rest reads and
 * writes state, runs callbacks in schedule slots, injects spikes, takes and
 * restores snapshots, and reports diagnostics. */
#include "snn.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../compiler/diag.h"
#include "../compiler/emit.h"
#include "../compiler/lower.h"
#include "../compiler/parse.h"
#include "../compiler/sema.h"
#include "jit.h"
#include "net.h"
#include "build.h"
#include "output.h"
#include "snapshot.h"
#include "tier.h"

_Static_assert(SNN_SLOT_START == SLOT_START && SNN_SLOT_GROUPS == SLOT_GROUPS &&
               SNN_SLOT_THRESHOLDS == SLOT_THRESHOLDS && SNN_SLOT_SYNAPSES == SLOT_SYNAPSES &&
               SNN_SLOT_RESETS == SLOT_RESETS && SNN_SLOT_END == SLOT_END && SLOT_COUNT == 6,
               "snn.h slots must match abi.h");

extern jmp_buf *snn_arena_oom_jmp;

/* Compiles share the arena's out-of-memory jump target (a global), so one
 * context compiles at a time. */
static pthread_mutex_t compile_lock = PTHREAD_MUTEX_INITIALIZER;

/* {====================================================================
 * The context
 * ===================================================================== */

/* One item of an object added in code: "key: text", "key { text }" or
 * "connect(text)". */
typedef struct ApiItem {
    char *key;
    char *text;
} ApiItem;

enum { CH_TEXT, CH_OBJECT };

/* A piece of the model source. */
typedef struct Chunk {
    int      kind;
    char    *name;           /* names the chunk in diagnostics */
    char    *text;           /* CH_TEXT: the text */
    size_t   len;
    char    *obj;            /* CH_OBJECT: object name */
    char    *header;         /*   "neurons G[3]", "synapses S(A -> B)" */
    ApiItem *items;
    int      nitems;
} Chunk;

/* The result of one successful check of all chunks. */
typedef struct Compiled {
    Arena   *arena;          /* holds source, AST, model, generated code */
    Model   *model;
    Diag    *diag;
    char    *text;           /* the whole source (malloc'ed) */
    size_t   len;
} Compiled;

typedef struct DiagCopy {
    char *file;
    int   line, col;
    char *msg;
} DiagCopy;

typedef struct ConstSet {
    char  *name;
    double value;
} ConstSet;

typedef struct Callback {
    snn_ctx     *ctx;
    int          slot;
    int64_t      every;
    snn_callback fn;
    void        *ud;
} Callback;

struct snn_ctx {
    Chunk       *chunks;
    int          nchunks;
    char       **overrides;      /* "NAME=EXPR" */
    int          noverrides;
    ConstSet    *sets;           /* snn_set_const values, re-applied after checks */
    int          nsets;
    uint64_t     seed;
    Compiled     cur;            /* the checked model (model NULL if none) */
    const char  *code;           /* generated C of cur (in its arena) */
    bool         dirty;          /* the model changed since the network was built */
    bool         loaded;         /* a file or string was loaded */
    Jit         *jit;
    Net         *net;
    int          native;         /* SNN_NATIVE_* */
    Tier        *tier;           /* the optimising tier of net, if started */
    Callback   **cbs;
    int          ncbs;
    Injections   inj;            /* spikes added with snn_add_spikes */
    bool         inj_op;         /* the injection operation is registered */
    bool         running;
    int          cur_slot;       /* slot of the running callback */
    char        *errmsg;
    DiagCopy    *diags;
    int          ndiags;
    char        *summary;
    snn_error_cb cb;
    void        *cb_ud;
    double       t_parse, t_emit, t_jit, t_sim;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* libtcc allocates many small blocks; trimming and mmap thresholds that
 * are too low make it several times slower */
static void tune_malloc(void)
{
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
}

static void tune_malloc_once(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, tune_malloc);
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static char *ctx_strdup(const char *s) { return s ? dup_n(s, strlen(s)) : NULL; }

/* A growable malloc'ed string. */
typedef struct Str {
    char  *p;
    size_t n, cap;
    bool   oom;
} Str;

static void str_put(Str *s, const char *x, size_t n)
{
    if (s->oom) return;
    if (s->n + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap < s->n + n + 1) cap *= 2;
        char *p = realloc(s->p, cap);
        if (!p) {
            s->oom = true;
            return;
        }
        s->p = p;
        s->cap = cap;
    }
    memcpy(s->p + s->n, x, n);
    s->n += n;
    s->p[s->n] = 0;
}

static void str_puts(Str *s, const char *x) { str_put(s, x, strlen(x)); }

static void str_printf(Str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void str_printf(Str *s, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof buf) {
        str_put(s, buf, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        s->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    str_put(s, big, (size_t)n);
    free(big);
}

snn_ctx *snn_new(void)
{
    tune_malloc_once();
    snn_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return NULL;
    ctx->errmsg = calloc(1, 1);
    if (!ctx->errmsg) {
        free(ctx);
        return NULL;
    }
    return ctx;
}

static void chunk_free(Chunk *c)
{
    free(c->name);
    free(c->text);
    free(c->obj);
    free(c->header);
    for (int k = 0; k < c->nitems; k++) {
        free(c->items[k].key);
        free(c->items[k].text);
    }
    free(c->items);
}

static void compiled_free(Compiled *c)
{
    if (c->arena) {
        arena_free(c->arena);
        free(c->arena);
    }
    free(c->text);
    memset(c, 0, sizeof *c);
}

static void clear_diags(snn_ctx *ctx)
{
    for (int k = 0; k < ctx->ndiags; k++) {
        free(ctx->diags[k].file);
        free(ctx->diags[k].msg);
    }
    free(ctx->diags);
    ctx->diags = NULL;
    ctx->ndiags = 0;
}

void snn_free(snn_ctx *ctx)
{
    if (!ctx) return;
    net_free(ctx->net);
    tier_free(ctx->tier);
    jit_free(ctx->jit);
    for (int k = 0; k < ctx->nchunks; k++) chunk_free(&ctx->chunks[k]);
    free(ctx->chunks);
    for (int k = 0; k < ctx->noverrides; k++) free(ctx->overrides[k]);
    free(ctx->overrides);
    for (int k = 0; k < ctx->nsets; k++) free(ctx->sets[k].name);
    free(ctx->sets);
    for (int k = 0; k < ctx->ncbs; k++) free(ctx->cbs[k]);
    free(ctx->cbs);
    injections_free(&ctx->inj);
    compiled_free(&ctx->cur);
    clear_diags(ctx);
    free(ctx->errmsg);
    free(ctx->summary);
    free(ctx);
}

const char *snn_version(void) { return SNN_VERSION_STRING; }

/* {====================================================================
 * Errors
 * ===================================================================== */

static void clear_error(snn_ctx *ctx)
{
    ctx->errmsg[0] = 0;
    clear_diags(ctx);
}

static void append_error(snn_ctx *ctx, const char *text)
{
    size_t a = strlen(ctx->errmsg), b = strlen(text);
    char *p = realloc(ctx->errmsg, a + b + 1);
    if (!p) return;
    memcpy(p + a, text, b + 1);
    ctx->errmsg = p;
    if (ctx->cb) ctx->cb(ctx->cb_ud, text);
}

static int set_error(snn_ctx *ctx, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int set_error(snn_ctx *ctx, int code, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf - 2, fmt, ap);
    va_end(ap);
    strcat(buf, "\n");
    append_error(ctx, buf);
    return code;
}

/* Record one diagnostic: the structured copy and the rendered text. */
static void add_diag(snn_ctx *ctx, const char *file, int line, int col, const char *msg, const char *rendered)
{
    DiagCopy *v = realloc(ctx->diags, sizeof *v * (size_t)(ctx->ndiags + 1));
    if (v) {
        ctx->diags = v;
        DiagCopy *d = &v[ctx->ndiags];
        d->file = ctx_strdup(file);
        d->msg = ctx_strdup(msg);
        d->line = line;
        d->col = col;
        if (d->file && d->msg) ctx->ndiags++;
        else {
            free(d->file);
            free(d->msg);
        }
    }
    append_error(ctx, rendered);
}

/* Where the chunks of one check lie in the whole source. */
typedef struct Layout {
    const Source *src;       /* the whole source */
    size_t       *starts;    /* chunk k begins at starts[k] */
    const char  **names;
    int           n;
} Layout;

/* Which chunk holds byte offset off. */
static int layout_chunk(const Layout *L, int off)
{
    int k = 0;
    while (k + 1 < L->n && (size_t)off >= L->starts[k + 1]) k++;
    return k;
}

/* Render a message of the whole source against its chunk: the chunk's name,
 * line and column within the chunk, the line and a caret (as diag.c). */
static void add_chunk_diag(snn_ctx *ctx, const Layout *L, const DiagMsg *m)
{
    static const char *const sev[] = { "error", "note", "warning" };
    const Source *s = L->src;
    Str r = { 0 };
    if (m->span.start < 0) {
        str_printf(&r, "%s: %s: %s\n", L->names[0], sev[m->severity], m->msg);
        add_diag(ctx, L->names[0], 0, 0, m->msg, r.p ? r.p : "");
        free(r.p);
        return;
    }
    int k = layout_chunk(L, m->span.start);
    int line, col, line0, col0;
    source_linecol(s, m->span.start, &line, &col);
    source_linecol(s, (int)L->starts[k], &line0, &col0);
    str_printf(&r, "%s:%d:%d: %s: %s\n", L->names[k], line - line0 + 1, col, sev[m->severity], m->msg);
    int ls = s->line_starts[line - 1], le = ls;
    while (le < s->len && s->text[le] != '\n' && s->text[le] != '\r') le++;
    str_printf(&r, "    %.*s\n    ", le - ls, s->text + ls);
    int from = m->span.start < ls ? ls : m->span.start;
    int to = m->span.end > le ? le : m->span.end;
    for (int q = ls; q < from; q++) str_puts(&r, s->text[q] == '\t' ? "\t" : " ");
    str_puts(&r, "^");
    for (int q = from + 1; q < to; q++) str_puts(&r, "~");
    str_puts(&r, "\n");
    add_diag(ctx, L->names[k], line - line0 + 1, col, m->msg, r.p ? r.p : "");
    free(r.p);
}

/* Copy a Diag's messages into the context (L: the chunk layout when D is
 * about the whole source of several chunks, else NULL). */
static void take_diags(snn_ctx *ctx, Diag *D, const Layout *L)
{
    for (int k = 0; k < D->n; k++) {
        if (L && L->n > 1 && D->src == L->src) add_chunk_diag(ctx, L, &D->v[k]);
        else add_diag(ctx, D->src ? D->src->name : "", D->v[k].line, D->v[k].col, D->v[k].msg, D->v[k].rendered);
    }
    if (D->capped) {
        char buf[600];
        snprintf(buf, sizeof buf, "%s: too many errors (%d), stopping\n",
                 L && L->n > 1 ? L->names[0] : D->src ? D->src->name : "snnc", D->nerr);
        append_error(ctx, buf);
    }
}

const char *snn_errmsg(const snn_ctx *ctx) { return ctx ? ctx->errmsg : "no context"; }
int snn_diag_count(const snn_ctx *ctx) { return ctx ? ctx->ndiags : 0; }

int snn_diag_get(const snn_ctx *ctx, int k, const char **file, int *line, int *col, const char **msg)
{
    if (!ctx || k < 0 || k >= ctx->ndiags) return SNN_EMISUSE;
    if (file) *file = ctx->diags[k].file;
    if (line) *line = ctx->diags[k].line;
    if (col) *col = ctx->diags[k].col;
    if (msg) *msg = ctx->diags[k].msg;
    return SNN_OK;
}

void snn_set_error_cb(snn_ctx *ctx, snn_error_cb cb, void *ud)
{
    if (!ctx) return;
    ctx->cb = cb;
    ctx->cb_ud = ud;
}

/* Calls that change the model or the network's shape may not run inside a
 * callback. */
static int not_running(snn_ctx *ctx, const char *fn)
{
    if (ctx->running) return set_error(ctx, SNN_EMISUSE, "%s: not allowed during a run (from a callback)", fn);
    return SNN_OK;
}

/* {====================================================================
 * Checking the model
 * ===================================================================== */

static bool is_block_key(const char *k)
{
    return !strcmp(k, "model") || !strcmp(k, "init") || !strcmp(k, "reset") || !strcmp(k, "on_pre") ||
           !strcmp(k, "on_post");
}

/* Text with surrounding blanks removed. */
static void trimmed(const char *s, const char **b, size_t *n)
{
    const char *e = s + strlen(s);
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) e--;
    *b = s;
    *n = (size_t)(e - s);
}

/* The .snn text of an object added in code. */
static void object_text(Str *s, const Chunk *c)
{
    str_printf(s, "%s {\n", c->header);
    for (int k = 0; k < c->nitems; k++) {
        const ApiItem *it = &c->items[k];
        const char *b;
        size_t n;
        trimmed(it->text, &b, &n);
        if (is_block_key(it->key)) {
            str_printf(s, "    %s {\n", it->key);
            while (n > 0) {
                const char *nl = memchr(b, '\n', n);
                size_t ln = nl ? (size_t)(nl - b) : n;
                str_puts(s, "        ");
                str_put(s, b, ln);
                str_puts(s, "\n");
                b += ln + (nl ? 1 : 0);
                n -= ln + (nl ? 1 : 0);
            }
            str_puts(s, "    }\n");
        } else {
            str_printf(s, "    %s%s", it->key, strcmp(it->key, "connect") ? ": " : "(");
            for (size_t q = 0; q < n; q++) str_put(s, b[q] == '\n' || b[q] == '\r' ? " " : &b[q], 1);
            str_puts(s, strcmp(it->key, "connect") ? "\n" : ")\n");
        }
    }
    str_puts(s, "}\n");
}

/* All chunks as one text, with where each starts. */
static bool assemble(snn_ctx *ctx, Str *s, size_t *starts)
{
    for (int k = 0; k < ctx->nchunks; k++) {
        const Chunk *c = &ctx->chunks[k];
        starts[k] = s->n;
        if (c->kind == CH_TEXT) {
            str_put(s, c->text, c->len);
            if (c->len && c->text[c->len - 1] != '\n') str_puts(s, "\n");
        } else {
            object_text(s, c);
        }
    }
    if (!s->p) str_put(s, "", 0);
    return !s->oom;
}

/* Which status code a failed check gets, from the codes its errors were
 * raised with: units if any error is about dimensions. */
static int sema_code(Diag *D)
{
    for (int k = 0; k < D->n; k++)
        if (D->v[k].severity == DIAG_ERROR && D->v[k].code == DC_UNITS) return SNN_EUNITS;
    return SNN_ESEMA;
}

/* Parse the overrides, each as a one-line source of its own. */
static int parse_overrides(snn_ctx *ctx, Arena *A, Override **out)
{
    Override *ov = arena_alloc(A, sizeof *ov * (size_t)(ctx->noverrides + 1));
    int bad = 0;
    for (int k = 0; k < ctx->noverrides; k++) {
        const char *text = ctx->overrides[k];
        Source *src = source_new(A, "--set", text, (int)strlen(text));
        Diag *D = arena_alloc(A, sizeof *D);
        diag_init(D, A, src);
        Program *p = parse_program(A, D, src);
        if (p && (p->ndecls != 1 || p->decls[0]->kind != D_CONST)) {
            Span all = { 0, src->len };
            diag_error(D, all, "expected NAME=VALUE, e.g. --set w_gi=0.5*nS");
            p = NULL;
        }
        if (!p) {
            take_diags(ctx, D, NULL);
            bad = 1;
            continue;
        }
        ov[k].decl = p->decls[0];
        ov[k].D = D;
    }
    *out = ov;
    return bad;
}

static Sym *find_const(Model *M, const char *name)
{
    for (int k = 0; M && k < M->nconsts; k++)
        if (!strcmp(M->consts[k]->name, name)) return M->consts[k];
    return NULL;
}

static int net_const(Net *net, const char *name)
{
    for (int k = 0; net && k < net->nconsts; k++)
        if (!strcmp(net->const_names[k], name)) return k;
    return -1;
}

static ConstSet *find_set(snn_ctx *ctx, const char *name)
{
    for (int k = 0; k < ctx->nsets; k++)
        if (!strcmp(ctx->sets[k].name, name)) return &ctx->sets[k];
    return NULL;
}

/* Check every chunk as one model.  On success the new model replaces the
 * old one and the network is to be rebuilt; on error the diagnostics are in
 * ctx and the old model stays. */
static int check(snn_ctx *ctx)
{
    if (!ctx->nchunks) return SNN_OK;
    double t0 = now();
    Str text = { 0 };
    size_t *starts = calloc((size_t)ctx->nchunks, sizeof *starts);
    const char **names = calloc((size_t)ctx->nchunks, sizeof *names);
    Compiled C = { 0 };
    C.arena = malloc(sizeof *C.arena);
    if (!starts || !names || !C.arena || !assemble(ctx, &text, starts)) {
        free(starts);
        free(names);
        free(C.arena);
        free(text.p);
        return set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    for (int k = 0; k < ctx->nchunks; k++) names[k] = ctx->chunks[k].name;
    arena_init(C.arena);
    C.text = text.p;
    C.len = text.n;
    pthread_mutex_lock(&compile_lock);
    jmp_buf oom;
    snn_arena_oom_jmp = &oom;
    int rc = SNN_OK;
    if (setjmp(oom)) {
        snn_arena_oom_jmp = NULL;
        pthread_mutex_unlock(&compile_lock);
        compiled_free(&C);
        free(starts);
        free(names);
        return set_error(ctx, SNN_ENOMEM, "out of memory while checking the model");
    }
    Arena *A = C.arena;
    Source *src = source_new(A, names[0], C.text, (int)C.len);
    Layout L = { src, starts, names, ctx->nchunks };
    Diag *D = arena_alloc(A, sizeof *D);
    diag_init(D, A, src);
    Override *ov = NULL;
    Program *prog = parse_program(A, D, src);
    if (!prog) {
        take_diags(ctx, D, &L);
        rc = SNN_ESYNTAX;
    } else if (parse_overrides(ctx, A, &ov)) {
        rc = SNN_ESYNTAX;
    } else {
        Model *M = sema_program(A, D, prog, ov, ctx->noverrides);
        for (int k = 0; k < ctx->noverrides; k++) take_diags(ctx, ov[k].D, NULL);
        if (M) lower_model(M, D);
        if (!M || D->nerr) {
            take_diags(ctx, D, &L);
            rc = sema_code(D);
            for (int k = 0; k < ctx->noverrides && rc == SNN_ESEMA; k++)
                if (ov[k].D && ov[k].D->nerr) rc = sema_code(ov[k].D);
        } else {
            C.model = M;
            C.diag = D;
        }
    }
    snn_arena_oom_jmp = NULL;
    pthread_mutex_unlock(&compile_lock);
    free(starts);
    free(names);
    ctx->t_parse = now() - t0;
    if (rc) {
        compiled_free(&C);
        return rc;
    }
    for (int k = 0; k < ctx->nsets; k++) {
        Sym *s = find_const(C.model, ctx->sets[k].name);
        if (s) s->value = ctx->sets[k].value;
    }
    compiled_free(&ctx->cur);
    ctx->cur = C;
    ctx->code = NULL;
    ctx->dirty = true;
    return SNN_OK;
}

/* {====================================================================
 * Loading and building in code
 * ===================================================================== */

/* Append a chunk (taking ownership of c) and check; on error drop it. */
static int add_chunk(snn_ctx *ctx, Chunk *c)
{
    Chunk *v = realloc(ctx->chunks, sizeof *v * (size_t)(ctx->nchunks + 1));
    if (!v) {
        chunk_free(c);
        return set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    ctx->chunks = v;
    v[ctx->nchunks++] = *c;
    int rc = check(ctx);
    if (rc) chunk_free(&ctx->chunks[--ctx->nchunks]);
    return rc;
}

static int add_text(snn_ctx *ctx, const char *text, size_t len, const char *name)
{
    if (ctx->loaded)
        return set_error(ctx, SNN_EMISUSE, "a model is already loaded in this context (add to it with snn_add_*)");
    Chunk c = { 0 };
    c.kind = CH_TEXT;
    c.text = dup_n(text, len);
    c.len = len;
    c.name = ctx_strdup(name);
    if (!c.text || !c.name) {
        chunk_free(&c);
        return set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    int rc = add_chunk(ctx, &c);
    if (!rc) ctx->loaded = true;
    return rc;
}

int snn_load_string(snn_ctx *ctx, const char *src, size_t len, const char *chunkname)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    if (!src) return set_error(ctx, SNN_EMISUSE, "snn_load_string: no text");
    if (not_running(ctx, "snn_load_string")) return SNN_EMISUSE;
    const char *name = chunkname ? chunkname : "model";
    if (memchr(src, 0, len))
        return set_error(ctx, SNN_ESYNTAX, "%s: this is not a text file (it contains NUL bytes)", name);
    return add_text(ctx, src, len, name);
}

int snn_load_file(snn_ctx *ctx, const char *path)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    if (!path) return set_error(ctx, SNN_EMISUSE, "snn_load_file: no path");
    if (not_running(ctx, "snn_load_file")) return SNN_EMISUSE;
    FILE *f = fopen(path, "rb");
    if (!f) return set_error(ctx, SNN_EIO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) break;
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int err = ferror(f);
    fclose(f);
    if (!buf) return set_error(ctx, SNN_ENOMEM, "%s: out of memory", path);
    if (err) {
        free(buf);
        return set_error(ctx, SNN_EIO, "%s: read error", path);
    }
    if (memchr(buf, 0, n)) {
        free(buf);
        return set_error(ctx, SNN_ESYNTAX, "%s: this is not a text file (it contains NUL bytes)", path);
    }
    int rc = add_text(ctx, buf, n, path);
    free(buf);
    return rc;
}

int snn_set_override(snn_ctx *ctx, const char *assignment)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    if (!assignment) return set_error(ctx, SNN_EMISUSE, "snn_set_override: no assignment");
    if (not_running(ctx, "snn_set_override")) return SNN_EMISUSE;
    if (ctx->loaded) return set_error(ctx, SNN_EMISUSE, "snn_set_override: must be called before loading");
    char **v = realloc(ctx->overrides, sizeof *v * (size_t)(ctx->noverrides + 1));
    if (!v) return set_error(ctx, SNN_ENOMEM, "out of memory");
    ctx->overrides = v;
    if (!(v[ctx->noverrides] = ctx_strdup(assignment))) return set_error(ctx, SNN_ENOMEM, "out of memory");
    ctx->noverrides++;
    if (!ctx->nchunks) return SNN_OK;       /* checked with the model */
    int rc = check(ctx);
    if (rc) free(ctx->overrides[--ctx->noverrides]);
    return rc;
}

int snn_set_seed(snn_ctx *ctx, uint64_t seed)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    ctx->seed = seed;
    if (ctx->net) ctx->net->seed = seed;
    return SNN_OK;
}

static bool is_name(const char *s)
{
    if (!s || !(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))) return false;
    for (s++; *s; s++)
        if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
            return false;
    return true;
}

static bool has_text(const char *s)
{
    if (!s) return false;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') return true;
    return false;
}

/* Start of every snn_add_*: context, not running, valid names. */
static int add_begin(snn_ctx *ctx, const char *fn, const char *name)
{
    clear_error(ctx);
    if (not_running(ctx, fn)) return SNN_EMISUSE;
    if (!is_name(name)) return set_error(ctx, SNN_EMISUSE, "%s: '%s' is not a valid name", fn, name ? name : "(null)");
    return SNN_OK;
}

/* A one-line chunk "text" named fn(name). */
static int add_line(snn_ctx *ctx, const char *fn, const char *name, Str *s)
{
    if (s->oom) {
        free(s->p);
        return set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    char cname[300];
    snprintf(cname, sizeof cname, "%s(%s)", fn, name);
    Chunk c = { 0 };
    c.kind = CH_TEXT;
    c.text = s->p;
    c.len = s->n;
    c.name = ctx_strdup(cname);
    if (!c.name) {
        chunk_free(&c);
        return set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    return add_chunk(ctx, &c);
}

int snn_add_const(snn_ctx *ctx, const char *name, const char *expr)
{
    if (!ctx) return SNN_EMISUSE;
    int rc = add_begin(ctx, "snn_add_const", name);
    if (rc) return rc;
    if (!has_text(expr)) return set_error(ctx, SNN_EMISUSE, "snn_add_const(%s): no value", name);
    const char *b;
    size_t n;
    trimmed(expr, &b, &n);
    Str s = { 0 };
    str_printf(&s, "%s = %.*s\n", name, (int)n, b);
    return add_line(ctx, "snn_add_const", name, &s);
}

static int add_decl(snn_ctx *ctx, const char *fn, const char *kind, const char *name, const char *args)
{
    if (!ctx) return SNN_EMISUSE;
    int rc = add_begin(ctx, fn, name);
    if (rc) return rc;
    if (!is_name(kind)) return set_error(ctx, SNN_EMISUSE, "%s: '%s' is not a kind of object", fn, kind ? kind : "(null)");
    const char *b = "";
    size_t n = 0;
    if (args) trimmed(args, &b, &n);
    Str s = { 0 };
    str_printf(&s, "%s %s(%.*s)\n", kind, name, (int)n, b);
    return add_line(ctx, fn, name, &s);
}

int snn_add_monitor(snn_ctx *ctx, const char *kind, const char *name, const char *args)
{
    return add_decl(ctx, "snn_add_monitor", kind, name, args);
}

int snn_add_input(snn_ctx *ctx, const char *kind, const char *name, const char *args)
{
    return add_decl(ctx, "snn_add_input", kind, name, args);
}

static bool item_push(Chunk *c, const char *key, const char *text)
{
    if (!has_text(text)) return true;
    ApiItem *v = realloc(c->items, sizeof *v * (size_t)(c->nitems + 1));
    if (!v) return false;
    c->items = v;
    v[c->nitems].key = ctx_strdup(key);
    v[c->nitems].text = ctx_strdup(text);
    if (!v[c->nitems].key || !v[c->nitems].text) {
        free(v[c->nitems].key);
        free(v[c->nitems].text);
        return false;
    }
    c->nitems++;
    return true;
}

static int add_object(snn_ctx *ctx, const char *fn, const char *name, Str *header, const char *const *kv, int nkv)
{
    char cname[300];
    snprintf(cname, sizeof cname, "%s(%s)", fn, name);
    Chunk c = { 0 };
    c.kind = CH_OBJECT;
    c.name = ctx_strdup(cname);
    c.obj = ctx_strdup(name);
    c.header = header->p;
    bool ok = c.name && c.obj && c.header && !header->oom;
    for (int k = 0; k < nkv && ok; k++) ok = item_push(&c, kv[2 * k], kv[2 * k + 1]);
    if (!ok) {
        chunk_free(&c);
        return set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    return add_chunk(ctx, &c);
}

int snn_add_neurons(snn_ctx *ctx, const char *name, int64_t n, const char *equations, const char *threshold,
                    const char *reset, const char *refractory, const char *method)
{
    if (!ctx) return SNN_EMISUSE;
    int rc = add_begin(ctx, "snn_add_neurons", name);
    if (rc) return rc;
    Str h = { 0 };
    str_printf(&h, "neurons %s[%lld]", name, (long long)n);
    const char *kv[] = { "model", equations, "threshold", threshold, "reset", reset,
                         "refractory", refractory, "method", method };
    return add_object(ctx, "snn_add_neurons", name, &h, kv, 5);
}

int snn_add_synapses(snn_ctx *ctx, const char *name, const char *source, const char *target, const char *model,
                     const char *on_pre, const char *on_post, const char *connect)
{
    if (!ctx) return SNN_EMISUSE;
    int rc = add_begin(ctx, "snn_add_synapses", name);
    if (rc) return rc;
    if (!is_name(source) || !is_name(target))
        return set_error(ctx, SNN_EMISUSE, "snn_add_synapses(%s): source and target must be group names", name);
    Str h = { 0 };
    str_printf(&h, "synapses %s(%s -> %s)", name, source, target);
    const char *kv[] = { "model", model, "on_pre", on_pre, "on_post", on_post, "connect", connect };
    return add_object(ctx, "snn_add_synapses", name, &h, kv, 4);
}

/* Change an item of an object added in code; append: add to it. */
static int change_item(snn_ctx *ctx, const char *fn, const char *object, const char *key, const char *text,
                       bool append)
{
    if (!ctx) return SNN_EMISUSE;
    int rc = add_begin(ctx, fn, object);
    if (rc) return rc;
    if (!is_name(key)) return set_error(ctx, SNN_EMISUSE, "%s: '%s' is not an item name", fn, key ? key : "(null)");
    Chunk *c = NULL;
    for (int k = 0; k < ctx->nchunks; k++)
        if (ctx->chunks[k].kind == CH_OBJECT && !strcmp(ctx->chunks[k].obj, object)) c = &ctx->chunks[k];
    if (!c) {
        if (ctx->cur.model)
            for (int k = 0; k < ctx->cur.model->ngroups; k++)
                if (!strcmp(ctx->cur.model->groups[k]->name, object))
                    return set_error(ctx, SNN_EMISUSE, "%s: '%s' comes from loaded text; only objects added in "
                                     "code can be changed", fn, object);
        return set_error(ctx, SNN_ENOTFOUND, "%s: no group or synapses '%s' added in code", fn, object);
    }
    /* keep the old items to put back if the change does not check */
    ApiItem *old = c->items;
    int nold = c->nitems;
    Chunk nc = *c;
    nc.items = NULL;
    nc.nitems = 0;
    bool ok = true, block = is_block_key(key), conn = !strcmp(key, "connect"), done = false;
    for (int k = 0; k < nold && ok; k++) {
        if (strcmp(old[k].key, key)) {
            ok = item_push(&nc, old[k].key, old[k].text);
        } else if (append && (conn || block)) {
            ok = item_push(&nc, old[k].key, old[k].text);
            if (block && !done && has_text(text)) {
                /* add the lines to this block */
                Str s = { 0 };
                str_printf(&s, "%s\n%s", nc.items[nc.nitems - 1].text, text);
                if (s.oom) ok = false;
                else {
                    free(nc.items[nc.nitems - 1].text);
                    nc.items[nc.nitems - 1].text = s.p;
                }
                done = true;
            }
        } else if (!done) {
            ok = item_push(&nc, key, text ? text : "");
            done = true;
        }
    }
    if (ok && !done) ok = item_push(&nc, key, text ? text : "");
    if (!ok) {
        for (int k = 0; k < nc.nitems; k++) {
            free(nc.items[k].key);
            free(nc.items[k].text);
        }
        free(nc.items);
        return set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    c->items = nc.items;
    c->nitems = nc.nitems;
    rc = check(ctx);
    ApiItem *drop = rc ? c->items : old;
    int ndrop = rc ? c->nitems : nold;
    if (rc) {
        c->items = old;
        c->nitems = nold;
    }
    for (int k = 0; k < ndrop; k++) {
        free(drop[k].key);
        free(drop[k].text);
    }
    free(drop);
    return rc;
}

int snn_set_item(snn_ctx *ctx, const char *object, const char *key, const char *text)
{
    return change_item(ctx, "snn_set_item", object, key, text, false);
}

int snn_add_item(snn_ctx *ctx, const char *object, const char *key, const char *text)
{
    return change_item(ctx, "snn_add_item", object, key, text, true);
}

const char *snn_model_source(snn_ctx *ctx)
{
    if (!ctx || !ctx->cur.text) return "";
    return ctx->cur.text;
}

/* {====================================================================
 * Building the network
 * ===================================================================== */

static int cb_op(void *ud, Net *net)
{
    (void)net;
    Callback *c = ud;
    c->ctx->cur_slot = c->slot;
    return c->fn(c->ctx, c->ud);
}

static int inject_op(void *ud, Net *net);

/* Register the spike injection as the first operation of the network. */
static bool add_inject_op(snn_ctx *ctx)
{
    if (ctx->inj_op) return true;
    if (!net_add_op(ctx->net, SLOT_THRESHOLDS, 1, inject_op, ctx)) return false;
    NetOp op = ctx->net->ops[ctx->net->nops - 1];
    memmove(ctx->net->ops + 1, ctx->net->ops, sizeof op * (size_t)(ctx->net->nops - 1));
    ctx->net->ops[0] = op;
    ctx->inj_op = true;
    return true;
}

/* Between two steps: switch to the optimised code once it is ready. */
static void tier_between(void *ud, Net *net)
{
    snn_ctx *ctx = ud;
    if (tier_poll(ctx->tier, net, ctx->cur.model, ctx->cur.arena)) net->between = NULL;
}

/* Where the optimised code is cached: $XDG_CACHE_HOME/snnc, ~/.cache/snnc,
 * or a per-user folder in /tmp. */
static char *cache_dir(void)
{
    char buf[4096];
    const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (x && *x) snprintf(buf, sizeof buf, "%s/snnc", x);
    else if (home && *home) {
        snprintf(buf, sizeof buf, "%s/.cache", home);
        mkdir(buf, 0700);
        snprintf(buf, sizeof buf, "%s/.cache/snnc", home);
    } else snprintf(buf, sizeof buf, "/tmp/snnc-cache-%ld", (long)getuid());
    return ctx_strdup(buf);
}

/* Start the optimising tier for the network just built, if asked. */
static void start_tier(snn_ctx *ctx)
{
    if (ctx->native == SNN_NATIVE_OFF || !ctx->net) return;
    char *dir = cache_dir();
    ctx->tier = dir ? tier_start(ctx->code, dir) : NULL;
    free(dir);
    if (!ctx->tier) return;
    if (ctx->native == SNN_NATIVE_WAIT) tier_finish(ctx->tier, ctx->net, ctx->cur.model, ctx->cur.arena);
    else {
        ctx->net->between = tier_between;
        ctx->net->between_ud = ctx;
    }
}

int snn_set_native(snn_ctx *ctx, int mode)
{
    if (!ctx || mode < SNN_NATIVE_OFF || mode > SNN_NATIVE_WAIT) return SNN_EMISUSE;
    clear_error(ctx);
    ctx->native = mode;
    return SNN_OK;
}

/* The message of a failed build_network. */
static int build_failed(snn_ctx *ctx, int rc)
{
    Model *M = ctx->cur.model;
    for (int k = 0; k < M->ngroups; k++)
        if (M->groups[k]->build_error)
            return set_error(ctx, rc == SNN_ENOMEM ? SNN_ESEMA : rc, "%s: error: %s", ctx->cur.diag->src->name,
                             M->groups[k]->build_error);
    if (rc == SNN_EJIT) return set_error(ctx, rc, "error: a function of the generated code is missing (a bug in snnc)");
    return set_error(ctx, rc, "out of memory while building the network");
}

/* Build the network if there is none or the model changed; a rebuild keeps
 * time and the state of what still matches. */
static int ensure_built(snn_ctx *ctx)
{
    if (ctx->net && !ctx->dirty) return SNN_OK;
    if (!ctx->cur.model) return set_error(ctx, SNN_EMISUSE, "no model is loaded");
    if (ctx->running) return set_error(ctx, SNN_EMISUSE, "the model changed during a run");
    pthread_mutex_lock(&compile_lock);
    jmp_buf oom;
    snn_arena_oom_jmp = &oom;
    Jit *jit = NULL;
    Net *net = NULL;
    if (setjmp(oom)) {
        snn_arena_oom_jmp = NULL;
        pthread_mutex_unlock(&compile_lock);
        net_free(net);
        jit_free(jit);
        return set_error(ctx, SNN_ENOMEM, "out of memory while compiling the model");
    }
    double t0 = now();
    if (!ctx->code) ctx->code = emit_model(ctx->cur.model, ctx->cur.diag, NULL);
    double t1 = now();
    char err[4096];
    jit = jit_compile(ctx->code, err, sizeof err);
    double t2 = now();
    ctx->t_emit = t1 - t0;
    ctx->t_jit = t2 - t1;
    int rc = SNN_OK;
    if (jit) {
        for (int k = 0; k < ctx->cur.model->ngroups; k++) ctx->cur.model->groups[k]->build_error = NULL;
        rc = build_network(ctx->cur.model, jit, ctx->cur.arena, ctx->seed, &net);
    }
    snn_arena_oom_jmp = NULL;
    pthread_mutex_unlock(&compile_lock);
    if (!jit)
        return set_error(ctx, SNN_EJIT, "%serror: the generated code did not compile (a bug in snnc; "
                         "please report it with the model)", err);
    if (rc) {
        net_free(net);
        jit_free(jit);
        return build_failed(ctx, rc);
    }
    if (ctx->net) {
        size_t size;
        unsigned char *img = snapshot_encode(ctx->net, NULL, &size);
        int r = img ? snapshot_restore(net, NULL, img, size, SNAP_BY_NAME, err, sizeof err) : -2;
        free(img);
        if (r) {
            net_free(net);
            jit_free(jit);
            return r == -2 ? set_error(ctx, SNN_ENOMEM, "out of memory while rebuilding the network")
                           : set_error(ctx, SNN_EMISUSE, "cannot carry the state over: %s", err);
        }
    }
    net_free(ctx->net);
    tier_free(ctx->tier);
    ctx->tier = NULL;
    jit_free(ctx->jit);
    ctx->net = net;
    ctx->jit = jit;
    ctx->dirty = false;
    start_tier(ctx);
    ctx->inj_op = false;
    bool ok = !ctx->inj.n || add_inject_op(ctx);
    for (int k = 0; k < ctx->ncbs && ok; k++)
        ok = net_add_op(net, ctx->cbs[k]->slot, ctx->cbs[k]->every, cb_op, ctx->cbs[k]);
    if (!ok) {
        /* a network without its callbacks must not run */
        net_free(ctx->net);
        jit_free(ctx->jit);
        ctx->net = NULL;
        ctx->jit = NULL;
        return set_error(ctx, SNN_ENOMEM, "out of memory while building the network");
    }
    return SNN_OK;
}

int snn_build(snn_ctx *ctx)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    return ensure_built(ctx);
}

/* {====================================================================
 * Running
 * ===================================================================== */

int snn_run_steps(snn_ctx *ctx, int64_t nsteps)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    if (not_running(ctx, "snn_run")) return SNN_EMISUSE;
    if (nsteps < 0) return set_error(ctx, SNN_EMISUSE, "snn_run: the number of steps must be >= 0");
    int rc = ensure_built(ctx);
    if (rc) return rc;
    double t0 = now();
    ctx->running = true;
    rc = net_run(ctx->net, nsteps);
    ctx->running = false;
    ctx->t_sim += now() - t0;
    return rc ? set_error(ctx, SNN_ENOMEM, "out of memory during the run") : SNN_OK;
}

int snn_run(snn_ctx *ctx, double duration)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    if (!(duration >= 0) || duration > 1e12)
        return set_error(ctx, SNN_EMISUSE, "snn_run: the duration must be >= 0 seconds");
    if (!ctx->cur.model) return set_error(ctx, SNN_EMISUSE, "no model is loaded");
    /* Brian2: the number of steps of a run is round(duration/dt) */
    return snn_run_steps(ctx, (int64_t)(duration / ctx->cur.model->dt + 0.5));
}

int snn_run_script(snn_ctx *ctx)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    if (!ctx->cur.model) return set_error(ctx, SNN_EMISUSE, "no model is loaded");
    for (int k = 0; k < ctx->cur.model->nruns; k++) {
        int rc = snn_run(ctx, ctx->cur.model->runs[k]);
        if (rc) return rc;
    }
    return SNN_OK;
}

double snn_time(const snn_ctx *ctx)
{
    return ctx && ctx->net ? (double)ctx->net->step * ctx->net->dt : 0.0;
}

double snn_dt(const snn_ctx *ctx)
{
    return ctx && ctx->cur.model ? ctx->cur.model->dt : 0.0;
}

/* {====================================================================
 * Callbacks and added spikes
 * ===================================================================== */

int snn_add_callback(snn_ctx *ctx, int slot, int64_t every, snn_callback fn, void *ud)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    if (not_running(ctx, "snn_add_callback")) return SNN_EMISUSE;
    if (slot < SNN_SLOT_START || slot > SNN_SLOT_END || every < 1 || !fn)
        return set_error(ctx, SNN_EMISUSE, "snn_add_callback: needs a slot SNN_SLOT_*, every >= 1 and a function");
    Callback *c = malloc(sizeof *c);
    Callback **v = realloc(ctx->cbs, sizeof *v * (size_t)(ctx->ncbs + 1));
    if (v) ctx->cbs = v;
    if (!c || !v) {
        free(c);
        return set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    *c = (Callback){ ctx, slot, every, fn, ud };
    if (ctx->net && !net_add_op(ctx->net, slot, every, cb_op, c)) {
        free(c);
        return set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    ctx->cbs[ctx->ncbs++] = c;
    return SNN_OK;
}

int snn_clear_callbacks(snn_ctx *ctx)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    if (not_running(ctx, "snn_clear_callbacks")) return SNN_EMISUSE;
    if (ctx->net) {
        int keep = 0;
        for (int k = 0; k < ctx->net->nops; k++)
            if (ctx->net->ops[k].fn != cb_op) ctx->net->ops[keep++] = ctx->net->ops[k];
        ctx->net->nops = keep;
    }
    for (int k = 0; k < ctx->ncbs; k++) free(ctx->cbs[k]);
    free(ctx->cbs);
    ctx->cbs = NULL;
    ctx->ncbs = 0;
    return SNN_OK;
}

static int find_var(RtGroup *g, const char *name)
{
    for (int v = 0; v < g->nvars; v++)
        if (!strcmp(g->varnames[v], name)) return v;
    return -1;
}

/* Merge the added spikes due now into a group's spikes of this step (sorted,
 * no duplicates), as its threshold would: lastspike, refractoriness, spike
 * monitors. */
static void inject_group(Net *net, InjList *l, size_t due)
{
    RtGroup *g = net_find_group(net, l->group);
    if (!g || g->kind != RG_NEURONS || g->n <= 0) return;
    int32_t *merged = malloc(sizeof *merged * ((size_t)g->nspikes + due));
    if (!merged) return;
    int32_t n = 0, a = 0;
    size_t b = 0;
    while (a < g->nspikes || b < due) {
        int32_t x;
        if (b < due && (l->idx[b] < 0 || l->idx[b] >= g->n)) {
            b++;
            continue;
        }
        if (a < g->nspikes && (b >= due || g->spikes[a] <= l->idx[b])) x = g->spikes[a++];
        else x = l->idx[b++];
        if (!n || merged[n - 1] != x) merged[n++] = x;
    }
    int ls = find_var(g, "lastspike"), nr = find_var(g, "not_refractory");
    for (size_t q = 0; q < due; q++) {
        int32_t i = l->idx[q];
        if (i < 0 || i >= g->n) continue;
        if (ls >= 0) g->arr[ls][i] = (double)net->step * net->dt;
        if (nr >= 0) g->arr[nr][i] = 0.0;
    }
    /* spike monitors of the thresholds slot have recorded this step's
     * spikes: record the merged ones instead (later ones see them) */
    for (int k = 0; k < net->nmonitors; k++) {
        RtMonitor *m = net->monitors[k];
        if (m->kind != RM_SPIKE || m->group != g || SLOT_OF_POS(m->when.slot) != SLOT_THRESHOLDS) continue;
        while (m->steps.n && m->steps.v[m->steps.n - 1] == net->step) {
            m->steps.n--;
            m->idx.n--;
        }
        for (int32_t q = 0; q < n; q++) {
            i32vec_push(&m->idx, merged[q]);
            i64vec_push(&m->steps, net->step);
        }
    }
    memcpy(g->spikes, merged, sizeof *merged * (size_t)n);
    g->nspikes = n;
    free(merged);
}

static int inject_op(void *ud, Net *net)
{
    snn_ctx *ctx = ud;
    for (int k = 0; k < ctx->inj.n; k++) {
        InjList *l = &ctx->inj.v[k];
        size_t old = 0, due = 0;
        while (old < l->n && l->step[old] < net->step) old++;      /* missed: drop */
        while (old + due < l->n && l->step[old + due] == net->step) due++;
        if (due) {
            memmove(l->idx, l->idx + old, due * sizeof *l->idx);
            inject_group(net, l, due);
        }
        size_t used = old + due;
        if (!used) continue;
        memmove(l->idx, l->idx + used, (l->n - used) * sizeof *l->idx);
        memmove(l->step, l->step + used, (l->n - used) * sizeof *l->step);
        l->n -= used;
    }
    return 0;
}

/* The group of that name in the (built) network: SNN_OK with *out set, or
 * an error code with the message set. */
static int get_group(snn_ctx *ctx, const char *fn, const char *group, RtGroup **out)
{
    *out = NULL;
    if (!group) return set_error(ctx, SNN_EMISUSE, "%s: no group name", fn);
    int rc = ensure_built(ctx);
    if (rc) return rc;
    *out = net_find_group(ctx->net, group);
    if (!*out) return set_error(ctx, SNN_ENOTFOUND, "no group or synapses named '%s'", group);
    return SNN_OK;
}

int snn_add_spikes(snn_ctx *ctx, const char *group, const int32_t *idx, const double *times, size_t n)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    RtGroup *g;
    int rc = get_group(ctx, "snn_add_spikes", group, &g);
    if (rc) return rc;
    if (g->kind != RG_NEURONS) return set_error(ctx, SNN_EMISUSE, "snn_add_spikes: '%s' is not a neuron group", group);
    if (n && (!idx || !times)) return set_error(ctx, SNN_EMISUSE, "snn_add_spikes: no indices or times");
    int64_t first = ctx->net->step;
    if (ctx->running && ctx->cur_slot >= SNN_SLOT_THRESHOLDS) first++;
    for (size_t k = 0; k < n; k++) {
        if (idx[k] < 0 || idx[k] >= g->n)
            return set_error(ctx, SNN_EMISUSE, "snn_add_spikes: index %d is outside %s (0..%lld)", idx[k], group,
                             (long long)g->n - 1);
        if (!(times[k] < 1e12) || snn_timestep(times[k], ctx->net->dt) < first)
            return set_error(ctx, SNN_EMISUSE, "snn_add_spikes: time %g s is in the past (now %g s)", times[k],
                             (double)first * ctx->net->dt);
    }
    if (!add_inject_op(ctx)) return set_error(ctx, SNN_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++)
        if (!injections_add(&ctx->inj, group, idx[k], snn_timestep(times[k], ctx->net->dt)))
            return set_error(ctx, SNN_ENOMEM, "out of memory (some spikes were added)");
    return SNN_OK;
}

/* {====================================================================
 * Reading and writing state
 * ===================================================================== */

int64_t snn_group_size(snn_ctx *ctx, const char *group)
{
    if (!ctx) return -1;
    clear_error(ctx);
    RtGroup *g;
    return get_group(ctx, "snn_group_size", group, &g) ? -1 : g->n;
}

/* The array of group.var, or NULL with an error set. */
static int var_array(snn_ctx *ctx, const char *fn, const char *group, const char *var, RtGroup **gout,
                     double **out)
{
    *out = NULL;
    int rc = get_group(ctx, fn, group, gout);
    if (rc) return rc;
    if (!var) return set_error(ctx, SNN_EMISUSE, "%s: no variable name", fn);
    int v = find_var(*gout, var);
    if (v < 0) return set_error(ctx, SNN_ENOTFOUND, "%s has no variable '%s'", group, var);
    *out = (*gout)->arr[v];
    return SNN_OK;
}

double *snn_var(snn_ctx *ctx, const char *group, const char *var, size_t *count)
{
    if (!ctx) return NULL;
    clear_error(ctx);
    RtGroup *g;
    double *p;
    if (var_array(ctx, "snn_var", group, var, &g, &p)) return NULL;
    if (count) *count = (size_t)g->n;
    return p;
}

int snn_get_var(snn_ctx *ctx, const char *group, const char *var, double *out, size_t n)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    RtGroup *g;
    double *p;
    int rc = var_array(ctx, "snn_get_var", group, var, &g, &p);
    if (rc) return rc;
    if (!out || n < (size_t)g->n)
        return set_error(ctx, SNN_EMISUSE, "snn_get_var: %s.%s has %lld values, the buffer %zu", group, var,
                         (long long)g->n, out ? n : 0);
    memcpy(out, p, sizeof *p * (size_t)g->n);
    return SNN_OK;
}

int snn_set_var(snn_ctx *ctx, const char *group, const char *var, const double *values, size_t n)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    RtGroup *g;
    double *p;
    int rc = var_array(ctx, "snn_set_var", group, var, &g, &p);
    if (rc) return rc;
    if (!values || (n != 1 && n != (size_t)g->n))
        return set_error(ctx, SNN_EMISUSE, "snn_set_var: %s.%s takes 1 or %lld values, not %zu", group, var,
                         (long long)g->n, values ? n : 0);
    if (n == 1)
        for (int64_t k = 0; k < g->n; k++) p[k] = values[0];
    else
        memcpy(p, values, sizeof *p * (size_t)g->n);
    return SNN_OK;
}

const char *snn_var_name(snn_ctx *ctx, const char *group, int k)
{
    if (!ctx) return NULL;
    clear_error(ctx);
    RtGroup *g;
    return !get_group(ctx, "snn_var_name", group, &g) && k >= 0 && k < g->nvars ? g->varnames[k] : NULL;
}

int snn_get_const(snn_ctx *ctx, const char *name, double *value)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    if (!name || !value) return set_error(ctx, SNN_EMISUSE, "snn_get_const: no name or no place for the value");
    if (!ctx->cur.model) return set_error(ctx, SNN_EMISUSE, "no model is loaded");
    int at = net_const(ctx->net, name);
    if (at >= 0 && !ctx->dirty) {
        *value = ctx->net->consts[at];
        return SNN_OK;
    }
    Sym *s = find_const(ctx->cur.model, name);
    if (!s) return set_error(ctx, SNN_ENOTFOUND, "snn_get_const: no constant named '%s'", name);
    *value = s->value;
    return SNN_OK;
}

int snn_set_const(snn_ctx *ctx, const char *name, double value)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    if (!name) return set_error(ctx, SNN_EMISUSE, "snn_set_const: no name");
    if (!ctx->cur.model) return set_error(ctx, SNN_EMISUSE, "no model is loaded");
    Sym *s = find_const(ctx->cur.model, name);
    if (!s) return set_error(ctx, SNN_ENOTFOUND, "snn_set_const: no constant named '%s'", name);
    ConstSet *cs = find_set(ctx, name);
    if (!cs) {
        ConstSet *v = realloc(ctx->sets, sizeof *v * (size_t)(ctx->nsets + 1));
        char *nm = ctx_strdup(name);
        if (v) ctx->sets = v;
        if (!v || !nm) {
            free(nm);
            return set_error(ctx, SNN_ENOMEM, "out of memory");
        }
        cs = &ctx->sets[ctx->nsets++];
        cs->name = nm;
    }
    cs->value = value;
    s->value = value;
    int at = net_const(ctx->net, name);
    if (at >= 0) ctx->net->consts[at] = value;
    return SNN_OK;
}

int snn_synapses(snn_ctx *ctx, const char *name, const int32_t **pre, const int32_t **post, size_t *count)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    RtGroup *g;
    int rc = get_group(ctx, "snn_synapses", name, &g);
    if (rc) return rc;
    if (g->kind != RG_SYNAPSES) return set_error(ctx, SNN_EMISUSE, "snn_synapses: '%s' is a neuron group", name);
    if (pre) *pre = g->pre.v;
    if (post) *post = g->post.v;
    if (count) *count = g->pre.n;
    return SNN_OK;
}

/* {====================================================================
 * Results
 * ===================================================================== */

static int get_monitor(snn_ctx *ctx, const char *fn, const char *name, int kind, RtMonitor **out)
{
    *out = NULL;
    if (!name) return set_error(ctx, SNN_EMISUSE, "%s: no monitor name", fn);
    int rc = ensure_built(ctx);
    if (rc) return rc;
    RtMonitor *m = net_find_monitor(ctx->net, name);
    if (!m || m->kind != kind)
        return set_error(ctx, SNN_ENOTFOUND, "no %s monitor named '%s'", kind == RM_SPIKE ? "spike" : "state", name);
    *out = m;
    return SNN_OK;
}

int snn_spikes(snn_ctx *ctx, const char *monitor, const int32_t **idx, const int64_t **steps, size_t *count)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    RtMonitor *m;
    int rc = get_monitor(ctx, "snn_spikes", monitor, RM_SPIKE, &m);
    if (rc) return rc;
    if (idx) *idx = m->idx.v;
    if (steps) *steps = m->steps.v;
    if (count) *count = m->idx.n;
    return SNN_OK;
}

int snn_trace(snn_ctx *ctx, const char *monitor, const int64_t **steps, size_t *nsteps, const double **values,
              const int32_t **idx, int *nidx, int *nvars)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    RtMonitor *m;
    int rc = get_monitor(ctx, "snn_trace", monitor, RM_STATE, &m);
    if (rc) return rc;
    if (steps) *steps = m->rec_steps.v;
    if (nsteps) *nsteps = m->rec_steps.n;
    if (values) *values = m->data.v;
    if (idx) *idx = m->rec;
    if (nidx) *nidx = m->nrec;
    if (nvars) *nvars = m->nvars;
    return SNN_OK;
}

const char *snn_trace_var(snn_ctx *ctx, const char *monitor, int k)
{
    if (!ctx) return NULL;
    clear_error(ctx);
    RtMonitor *m;
    return !get_monitor(ctx, "snn_trace_var", monitor, RM_STATE, &m) && k >= 0 && k < m->nvars ? m->varnames[k] : NULL;
}

int snn_clear_monitors(snn_ctx *ctx)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    if (!ctx->net) return ctx->cur.model ? SNN_OK : set_error(ctx, SNN_EMISUSE, "no model is loaded");
    for (int k = 0; k < ctx->net->nmonitors; k++) {
        RtMonitor *m = ctx->net->monitors[k];
        m->idx.n = m->steps.n = m->rec_steps.n = m->data.n = 0;
    }
    return SNN_OK;
}

int snn_monitor_count(const snn_ctx *ctx)
{
    return ctx && ctx->cur.model ? ctx->cur.model->nmonitors : 0;
}

const char *snn_monitor_name(const snn_ctx *ctx, int k)
{
    if (!ctx || !ctx->cur.model || k < 0 || k >= ctx->cur.model->nmonitors) return NULL;
    return ctx->cur.model->monitors[k]->name;
}

int snn_write_outputs(snn_ctx *ctx, const char *dir)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    if (!dir) return set_error(ctx, SNN_EMISUSE, "snn_write_outputs: no directory");
    int rc = ensure_built(ctx);
    if (rc) return rc;
    char err[1024];
    if (output_write_all(ctx->net, dir, err, sizeof err)) return set_error(ctx, SNN_EIO, "%s", err);
    return SNN_OK;
}

int snn_write_state(snn_ctx *ctx, const char *dir)
{
    if (!ctx || !dir) return SNN_EMISUSE;
    clear_error(ctx);
    int rc = ensure_built(ctx);
    if (rc) return rc;
    char err[1024];
    if (output_write_state(ctx->net, dir, err, sizeof err)) return set_error(ctx, SNN_EIO, "%s", err);
    return SNN_OK;
}

const char *snn_summary(snn_ctx *ctx)
{
    if (!ctx) return "";
    clear_error(ctx);
    if (ensure_built(ctx)) return "";
    free(ctx->summary);
    ctx->summary = output_summary(ctx->net);
    return ctx->summary ? ctx->summary : "";
}

const char *snn_generated_code(snn_ctx *ctx)
{
    if (!ctx || !ctx->cur.model) return NULL;
    if (ctx->code) return ctx->code;
    pthread_mutex_lock(&compile_lock);
    jmp_buf oom;
    snn_arena_oom_jmp = &oom;
    if (!setjmp(oom)) ctx->code = emit_model(ctx->cur.model, ctx->cur.diag, NULL);
    snn_arena_oom_jmp = NULL;
    pthread_mutex_unlock(&compile_lock);
    return ctx->code;
}

const char *snn_methods(snn_ctx *ctx)
{
    if (!ctx || !ctx->cur.model) return "";
    const char *volatile out = "";
    pthread_mutex_lock(&compile_lock);
    jmp_buf oom;
    snn_arena_oom_jmp = &oom;
    if (!setjmp(oom)) {
        Buf b;
        buf_init(&b, ctx->cur.arena);
        buf_puts(&b, "");
        for (int k = 0; k < ctx->cur.model->ngroups; k++) {
            Group *g = ctx->cur.model->groups[k];
            if (g->nodes) buf_printf(&b, "%s: %s\n", g->name, g->method_used ? g->method_used : "?");
        }
        out = b.p;
    }
    snn_arena_oom_jmp = NULL;
    pthread_mutex_unlock(&compile_lock);
    return out;
}

void snn_timings(const snn_ctx *ctx, double *parse, double *emit, double *jit, double *sim)
{
    if (parse) *parse = ctx ? ctx->t_parse : 0;
    if (emit) *emit = ctx ? ctx->t_emit : 0;
    if (jit) *jit = ctx ? ctx->t_jit : 0;
    if (sim) *sim = ctx ? ctx->t_sim : 0;
}

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
    clear_error(ctx);
    if (!out) return set_error(ctx, SNN_EMISUSE, "snn_snapshot_take: no place for the snapshot");
    *out = NULL;
    if (not_running(ctx, "snn_snapshot_take")) return SNN_EMISUSE;
    int rc = ensure_built(ctx);
    if (rc) return rc;
    snn_snapshot *s = calloc(1, sizeof *s);
    if (s) s->p = snapshot_encode(ctx->net, &ctx->inj, &s->n);
    if (!s || !s->p) {
        free(s);
        return set_error(ctx, SNN_ENOMEM, "out of memory while taking a snapshot");
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
static int restore(snn_ctx *ctx, const unsigned char *p, size_t n, const char *what)
{
    char err[512];
    if (snapshot_verify(p, n, err, sizeof err)) return set_error(ctx, SNN_EIO, "%s: %s", what, err);
    if (not_running(ctx, "snn_snapshot_restore")) return SNN_EMISUSE;
    int rc = ensure_built(ctx);
    if (rc) return rc;
    int r = snapshot_restore(ctx->net, &ctx->inj, p, n, SNAP_EXACT, err, sizeof err);
    if (r == -2) return set_error(ctx, SNN_ENOMEM, "%s: out of memory (the state is partly restored)", what);
    if (r) return set_error(ctx, strstr(err, "damaged") ? SNN_EIO : SNN_EMISUSE, "%s: %s", what, err);
    ctx->seed = ctx->net->seed;
    /* restored constants survive rebuilds as if set with snn_set_const */
    for (int k = 0; k < ctx->net->nconsts; k++) {
        Sym *s = find_const(ctx->cur.model, ctx->net->const_names[k]);
        ConstSet *cs = find_set(ctx, ctx->net->const_names[k]);
        if (cs) cs->value = ctx->net->consts[k];
        else if (s && s->value != ctx->net->consts[k]) {
            ConstSet *v = realloc(ctx->sets, sizeof *v * (size_t)(ctx->nsets + 1));
            char *nm = ctx_strdup(ctx->net->const_names[k]);
            if (v) ctx->sets = v;
            if (!v || !nm) {
                free(nm);
                return set_error(ctx, SNN_ENOMEM, "out of memory");
            }
            ctx->sets[ctx->nsets++] = (ConstSet){ nm, ctx->net->consts[k] };
        }
        if (s) s->value = ctx->net->consts[k];
    }
    if (ctx->inj.n && !add_inject_op(ctx)) return set_error(ctx, SNN_ENOMEM, "out of memory");
    return SNN_OK;
}

int snn_snapshot_restore(snn_ctx *ctx, const snn_snapshot *snap)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    if (!snap) return set_error(ctx, SNN_EMISUSE, "snn_snapshot_restore: no snapshot");
    return restore(ctx, snap->p, snap->n, "snapshot");
}

int snn_snapshot_save(snn_ctx *ctx, const char *path)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    if (!path) return set_error(ctx, SNN_EMISUSE, "snn_snapshot_save: no path");
    snn_snapshot *s;
    int rc = snn_snapshot_take(ctx, &s);
    if (rc) return rc;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 32);
    if (!tmp) {
        snn_snapshot_free(s);
        return set_error(ctx, SNN_ENOMEM, "out of memory");
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
    if (!ok) return set_error(ctx, SNN_EIO, "%s: cannot write the snapshot: %s", path, strerror(e));
    return SNN_OK;
}

int snn_snapshot_load(snn_ctx *ctx, const char *path)
{
    if (!ctx) return SNN_EMISUSE;
    clear_error(ctx);
    if (!path) return set_error(ctx, SNN_EMISUSE, "snn_snapshot_load: no path");
    FILE *f = fopen(path, "rb");
    if (!f) return set_error(ctx, SNN_EIO, "%s: cannot open: %s", path, strerror(errno));
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1 << 16;
            unsigned char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return set_error(ctx, SNN_ENOMEM, "%s: out of memory", path);
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (!got) break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return set_error(ctx, SNN_EIO, "%s: read error", path);
    }
    int rc = restore(ctx, buf, n, path);
    free(buf);
    return rc;
}
