/* SPDX-License-Identifier: MIT */
/* This file contains loading a model into a context: the model is kept as
 * .snn text in chunks (loaded files and strings, and objects added in code,
 * whose text is generated here), and after every change all of it is
 * assembled into one text and compiled again (compiler/compile.c).  A
 * change that does not check is undone. */
#include "api_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
    api_str_printf(s, "%s {\n", c->header);
    for (int k = 0; k < c->nitems; k++) {
        const ApiItem *it = &c->items[k];
        const char *b;
        size_t n;
        trimmed(it->text, &b, &n);
        if (is_block_key(it->key)) {
            api_str_printf(s, "    %s {\n", it->key);
            while (n > 0) {
                const char *nl = memchr(b, '\n', n);
                size_t ln = nl ? (size_t)(nl - b) : n;
                api_str_puts(s, "        ");
                api_str_put(s, b, ln);
                api_str_puts(s, "\n");
                b += ln + (nl ? 1 : 0);
                n -= ln + (nl ? 1 : 0);
            }
            api_str_puts(s, "    }\n");
        } else {
            api_str_printf(s, "    %s%s", it->key, strcmp(it->key, "connect") ? ": " : "(");
            for (size_t q = 0; q < n; q++) api_str_put(s, b[q] == '\n' || b[q] == '\r' ? " " : &b[q], 1);
            api_str_puts(s, strcmp(it->key, "connect") ? "\n" : ")\n");
        }
    }
    api_str_puts(s, "}\n");
}

/* All chunks as one text, with where each starts. */
static bool assemble(snn_ctx *ctx, Str *s, size_t *starts)
{
    for (int k = 0; k < ctx->nchunks; k++) {
        const Chunk *c = &ctx->chunks[k];
        starts[k] = s->n;
        if (c->kind == CH_TEXT) {
            api_str_put(s, c->text, c->len);
            if (c->len && c->text[c->len - 1] != '\n') api_str_puts(s, "\n");
        } else {
            object_text(s, c);
        }
    }
    if (!s->p) api_str_put(s, "", 0);
    return !s->oom;
}

/* Check every chunk as one model.  On success the new model replaces the
 * old one and the network is to be rebuilt; on error the diagnostics are in
 * ctx and the old model stays. */
int api_check(snn_ctx *ctx)
{
    if (!ctx->nchunks) return SNN_OK;
    Str text = { 0 };
    size_t *starts = calloc((size_t)ctx->nchunks, sizeof *starts);
    const char **names = calloc((size_t)ctx->nchunks, sizeof *names);
    ConstValue *consts = calloc((size_t)ctx->nsets + 1, sizeof *consts);
    if (!starts || !names || !consts || !assemble(ctx, &text, starts)) {
        free(starts);
        free(names);
        free(consts);
        free(text.p);
        return api_set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    for (int k = 0; k < ctx->nchunks; k++) names[k] = ctx->chunks[k].name;
    for (int k = 0; k < ctx->nsets; k++) consts[k] = (ConstValue){ ctx->sets[k].name, ctx->sets[k].value };
    CompileInput in = { text.p, text.n, starts, names, ctx->nchunks, (const char *const *)ctx->overrides,
                        ctx->noverrides, consts, ctx->nsets };
    Compiled C;
    int rc = compile_model(&in, &C);
    free(text.p);
    free(starts);
    free(names);
    free(consts);
    for (int k = 0; k < C.nreports; k++) api_take_diags(ctx, C.reports[k], &C);
    if (rc == SNN_ENOMEM) api_set_error(ctx, rc, "out of memory while checking the model");
    ctx->t_parse = C.t_parse;
    if (rc) {
        compile_free(&C);
        return rc;
    }
    ctx->t_emit = C.t_emit;
    compile_free(&ctx->cur);
    ctx->cur = C;
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
        api_chunk_free(c);
        return api_set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    ctx->chunks = v;
    v[ctx->nchunks++] = *c;
    int rc = api_check(ctx);
    if (rc) api_chunk_free(&ctx->chunks[--ctx->nchunks]);
    return rc;
}

/* {====================================================================
 * Imports: import "file.snn" lines, read where the model is read
 * ===================================================================== */

#ifndef SNNC_DATADIR
#define SNNC_DATADIR "/usr/local/share/snnc"
#endif
/* At most this many files per model, imports included. */
#define IMPORT_MAX_FILES 256

/* The files of one load: the chunks read so far (imports first, in the
 * order they must be checked), the canonical paths of the files read, and
 * the chain of files being read (for cycles). */
typedef struct Loading {
    Chunk *chunks;
    int    nchunks;
    char  *seen[IMPORT_MAX_FILES];
    int    nseen;
    char  *chain[IMPORT_MAX_FILES];
    int    nchain;
} Loading;

/* An error at line:col of chunk name, with the line quoted and a caret
 * under n bytes, as the compiler's diagnostics are rendered. */
static int import_error(snn_ctx *ctx, int code, const char *name, const char *line, size_t linelen, int lno,
                        size_t col, size_t n, const char *fmt, const char *a, const char *b)
{
    char msg[900];
    snprintf(msg, sizeof msg, fmt, a, b ? b : "");
    char caret[128];
    size_t w = n < 2 ? 1 : (n > sizeof caret - 2 ? sizeof caret - 2 : n);
    caret[0] = '^';
    memset(caret + 1, '~', w - 1);
    caret[w] = 0;
    int ll = linelen > 200 ? 200 : (int)linelen;
    return api_set_error(ctx, code, "%s:%d:%zu: error: %s\n    %.*s\n    %*s%s", name, lno, col + 1, msg, ll, line,
                         (int)(col > 200 ? 200 : col), "", caret);
}

/* path joined to dir ("" or NULL: path itself), malloc'ed. */
static char *join_path(const char *dir, size_t dn, const char *path)
{
    Str s = { 0 };
    if (dir && dn) api_str_printf(&s, "%.*s/", (int)dn, dir);
    api_str_puts(&s, path);
    if (s.oom) {
        free(s.p);
        return NULL;
    }
    return s.p;
}

/* Does a file (or pipe) exist at path? */
static bool is_file(const char *path)
{
    struct stat st;
    return !stat(path, &st) && !S_ISDIR(st.st_mode);
}

/* Where import "rel" of the file named from is: relative to from's
 * directory, then to each directory of SNNC_PATH, then to the installed
 * SNNC_DATADIR (whose models/ holds the library).  Returns the path
 * (malloc'ed), or NULL with *tried listing the places searched. */
static char *find_import(const char *from, const char *rel, Str *tried)
{
    if (rel[0] == '/') {
        if (is_file(rel)) return api_strdup(rel);
        api_str_puts(tried, rel);
        return NULL;
    }
    const char *slash = strrchr(from, '/');
    char *p = join_path(from, slash ? (size_t)(slash - from) : 0, rel);
    if (p && is_file(p)) return p;
    api_str_printf(tried, "%s", p ? p : rel);
    free(p);
    const char *env = getenv("SNNC_PATH");
    for (const char *e = env; e && *e;) {
        const char *c = strchr(e, ':');
        size_t n = c ? (size_t)(c - e) : strlen(e);
        if (n) {
            p = join_path(e, n, rel);
            if (p && is_file(p)) return p;
            api_str_printf(tried, ", %s", p ? p : rel);
            free(p);
        }
        e += n + (c ? 1 : 0);
    }
    p = join_path(SNNC_DATADIR, strlen(SNNC_DATADIR), rel);
    if (p && is_file(p)) return p;
    api_str_printf(tried, ", %s", p ? p : rel);
    free(p);
    return NULL;
}

static int load_text(snn_ctx *ctx, Loading *L, char *text, size_t len, char *name);
static int read_model_file(snn_ctx *ctx, const char *path, char **buf, size_t *n);

/* import "rel" at line lno (col, n: where the string is) of the file named
 * from: find it and load it with its own imports, once per model. */
static int load_import(snn_ctx *ctx, Loading *L, const char *from, const char *rel, const char *line, size_t linelen,
                       int lno, size_t col, size_t n)
{
    Str tried = { 0 };
    char *path = find_import(from, rel, &tried);
    if (!path) {
        int rc = import_error(ctx, SNN_EIO, from, line, linelen, lno, col, n,
                              "cannot find the imported file '%s' (searched: %s; more places can be given in "
                              "SNNC_PATH, separated by ':')", rel, tried.p ? tried.p : "");
        free(tried.p);
        return rc;
    }
    free(tried.p);
    char *canon = realpath(path, NULL);
    if (!canon) canon = api_strdup(path);
    int rc = SNN_OK;
    for (int k = 0; k < L->nchain && canon && !rc; k++)
        if (!strcmp(L->chain[k], canon))
            rc = import_error(ctx, SNN_ESYNTAX, from, line, linelen, lno, col, n,
                              "import cycle: '%s' imports '%s', which is being read already (a file cannot import "
                              "itself, directly or through other files)", from, path);
    bool seen = false;
    for (int k = 0; k < L->nseen && canon && !rc; k++) seen |= !strcmp(L->seen[k], canon);
    if (!canon) rc = api_set_error(ctx, SNN_ENOMEM, "out of memory");
    else if (!rc && !seen && L->nseen >= IMPORT_MAX_FILES)
        rc = import_error(ctx, SNN_ESYNTAX, from, line, linelen, lno, col, n,
                          "too many imported files (at most %s per model)", "256", NULL);
    if (rc || seen) {
        free(canon);
        free(path);
        return rc;
    }
    L->seen[L->nseen++] = api_strdup(canon);
    L->chain[L->nchain++] = canon;
    char *buf = NULL;
    size_t blen = 0;
    rc = read_model_file(ctx, path, &buf, &blen);
    if (!rc) rc = load_text(ctx, L, buf, blen, path);
    else free(path);
    free(L->chain[--L->nchain]);
    return rc;
}

/* If line [b, e) is 'import "file"' (blanks and a comment may follow), the
 * file name's offsets in *q0, *q1 (inside the quotes). */
static bool import_line(const char *b, const char *e, size_t *q0, size_t *q1)
{
    const char *z = b;
    while (z < e && (*z == ' ' || *z == '\t')) z++;
    if (e - z < 8 || memcmp(z, "import", 6) || (z[6] != ' ' && z[6] != '\t')) return false;
    z += 6;
    while (z < e && (*z == ' ' || *z == '\t')) z++;
    if (z >= e || (*z != '"' && *z != '\'')) return false;
    const char *close = memchr(z + 1, *z, (size_t)(e - z - 1));
    if (!close) return false;
    *q0 = (size_t)(z + 1 - b);
    *q1 = (size_t)(close - b);
    for (z = close + 1; z < e && *z != '#'; z++)
        if (*z != ' ' && *z != '\t' && *z != '\r') return false;
    return true;
}

/* Take text (malloc'ed, len bytes) of the file called name (malloc'ed):
 * first the files it imports, then itself, appended to L's chunks (which
 * own text and name from then on, also on error). */
static int load_text(snn_ctx *ctx, Loading *L, char *text, size_t len, char *name)
{
    int rc = SNN_OK, lno = 0;
    for (const char *b = text, *end = text + len; b < end && !rc; lno++) {
        const char *e = memchr(b, '\n', (size_t)(end - b));
        if (!e) e = end;
        size_t q0, q1;
        if (import_line(b, e, &q0, &q1)) {
            char *rel = api_strndup(b + q0, q1 - q0);
            if (!rel) rc = api_set_error(ctx, SNN_ENOMEM, "out of memory");
            else if (!*rel)
                rc = import_error(ctx, SNN_ESYNTAX, name, b, (size_t)(e - b), lno + 1, q0 - 1, 2,
                                  "an import names a file: import \"models/iaf_psc_exp.snn\"%s", "", NULL);
            else rc = load_import(ctx, L, name, rel, b, (size_t)(e - b), lno + 1, q0 - 1, q1 - q0 + 2);
            free(rel);
        }
        b = e + 1;
    }
    Chunk *v = realloc(L->chunks, sizeof *v * (size_t)(L->nchunks + 1));
    if (!v) {
        free(text);
        free(name);
        return rc ? rc : api_set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    L->chunks = v;
    v[L->nchunks++] = (Chunk){ .kind = CH_TEXT, .text = text, .len = len, .name = name };
    return rc;
}

/* Load the model text called name with the files it imports, as chunks,
 * and check them together; on error none of them stays. */
static int add_text(snn_ctx *ctx, const char *text, size_t len, const char *name)
{
    if (ctx->loaded)
        return api_set_error(ctx, SNN_EMISUSE, "a model is already loaded in this context (add to it with snn_add_*)");
    char *t = api_strndup(text, len), *n = api_strdup(name);
    if (!t || !n) {
        free(t);
        free(n);
        return api_set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    Loading L = { 0 };
    char *canon = realpath(name, NULL);
    if (canon) {
        L.seen[L.nseen++] = canon;
        L.chain[L.nchain++] = api_strdup(canon);
    }
    int rc = load_text(ctx, &L, t, len, n);
    for (int k = 0; k < L.nseen; k++) free(L.seen[k]);
    for (int k = 0; k < L.nchain; k++) free(L.chain[k]);
    Chunk *v = rc ? NULL : realloc(ctx->chunks, sizeof *v * (size_t)(ctx->nchunks + L.nchunks));
    if (!rc && !v) rc = api_set_error(ctx, SNN_ENOMEM, "out of memory");
    if (rc) {
        for (int k = 0; k < L.nchunks; k++) api_chunk_free(&L.chunks[k]);
        free(L.chunks);
        return rc;
    }
    ctx->chunks = v;
    int first = ctx->nchunks;
    for (int k = 0; k < L.nchunks; k++) v[ctx->nchunks++] = L.chunks[k];
    free(L.chunks);
    rc = api_check(ctx);
    if (rc)
        while (ctx->nchunks > first) api_chunk_free(&ctx->chunks[--ctx->nchunks]);
    else ctx->loaded = true;
    return rc;
}

int snn_load_string(snn_ctx *ctx, const char *src, size_t len, const char *chunkname)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (!src) return api_set_error(ctx, SNN_EMISUSE, "snn_load_string: no text");
    if (api_not_running(ctx, "snn_load_string")) return SNN_EMISUSE;
    const char *name = chunkname ? chunkname : "model";
    if (memchr(src, 0, len))
        return api_set_error(ctx, SNN_ESYNTAX, "%s: this is not a text file (it contains NUL bytes)", name);
    return add_text(ctx, src, len, name);
}

/* The largest model file read (64 MiB), and the size of one read. */
#define MODEL_MAX_BYTES ((size_t)64 << 20)
#define MODEL_CHUNK ((size_t)1 << 16)

/* Read the model file at path into *buf (malloc'ed, n bytes, NUL-terminated)
 * chunk by chunk: a device, directory or other file that is neither regular
 * nor a pipe, a file over MODEL_MAX_BYTES and a chunk with a NUL byte are
 * refused at once, so memory stays bounded whatever path names.  Returns
 * SNN_OK, or the error set on ctx. */
static int read_model_file(snn_ctx *ctx, const char *path, char **buf, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return api_set_error(ctx, SNN_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    const char *why = NULL;
    int code = SNN_EIO;
    if (fstat(fileno(f), &st)) why = strerror(errno);
    else if (S_ISDIR(st.st_mode)) why = "it is a directory, not a model file";
    else if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) why = "it is not a regular file";
    else if ((unsigned long long)st.st_size > MODEL_MAX_BYTES) why = "it is larger than 64 MiB, too large for a model";
    size_t cap = 0, len = 0;
    char *b = NULL;
    while (!why) {
        if (cap - len < MODEL_CHUNK + 1) {
            size_t ncap = cap ? cap * 2 : 4 * MODEL_CHUNK;
            char *nb = realloc(b, ncap);
            if (!nb) {
                why = "out of memory";
                code = SNN_ENOMEM;
                break;
            }
            b = nb;
            cap = ncap;
        }
        size_t got = fread(b + len, 1, MODEL_CHUNK, f);
        if (memchr(b + len, 0, got)) {
            why = "this is not a text file (it contains NUL bytes)";
            code = SNN_ESYNTAX;
        } else if ((len += got) > MODEL_MAX_BYTES) {
            why = "it is larger than 64 MiB, too large for a model";
        } else if (got < MODEL_CHUNK) {
            if (ferror(f)) why = "read error";
            break;
        }
    }
    fclose(f);
    if (why) {
        free(b);
        return api_set_error(ctx, code, "%s: %s", path, why);
    }
    if (!b && !(b = malloc(1))) return api_set_error(ctx, SNN_ENOMEM, "%s: out of memory", path);
    b[len] = 0;
    *buf = b;
    *n = len;
    return SNN_OK;
}

int snn_load_file(snn_ctx *ctx, const char *path)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (!path) return api_set_error(ctx, SNN_EMISUSE, "snn_load_file: no path");
    if (api_not_running(ctx, "snn_load_file")) return SNN_EMISUSE;
    char *buf = NULL;
    size_t n = 0;
    int rc = read_model_file(ctx, path, &buf, &n);
    if (rc) return rc;
    rc = add_text(ctx, buf, n, path);
    free(buf);
    return rc;
}

int snn_set_override(snn_ctx *ctx, const char *assignment)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (!assignment) return api_set_error(ctx, SNN_EMISUSE, "snn_set_override: no assignment");
    if (api_not_running(ctx, "snn_set_override")) return SNN_EMISUSE;
    if (ctx->loaded) return api_set_error(ctx, SNN_EMISUSE, "snn_set_override: must be called before loading");
    char **v = realloc(ctx->overrides, sizeof *v * (size_t)(ctx->noverrides + 1));
    if (!v) return api_set_error(ctx, SNN_ENOMEM, "out of memory");
    ctx->overrides = v;
    if (!(v[ctx->noverrides] = api_strdup(assignment))) return api_set_error(ctx, SNN_ENOMEM, "out of memory");
    ctx->noverrides++;
    if (!ctx->nchunks) return SNN_OK;       /* checked with the model */
    int rc = api_check(ctx);
    if (rc) free(ctx->overrides[--ctx->noverrides]);
    return rc;
}

int snn_set_seed(snn_ctx *ctx, uint64_t seed)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
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

/* A group as synapses name their ends: NAME, or a subgroup NAME[a:b]
 * (whole numbers, possibly negative or left out; the compiler checks them). */
static bool is_group_ref(const char *s)
{
    const char *open = s ? strchr(s, '[') : NULL;
    if (!open) return is_name(s);
    char name[128];
    size_t n = (size_t)(open - s);
    if (n >= sizeof name) return false;
    memcpy(name, s, n);
    name[n] = 0;
    if (!is_name(name)) return false;
    const char *p = open + 1;
    while (*p && strchr("0123456789-: ", *p)) p++;
    return p[0] == ']' && p[1] == 0;
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
    api_clear_error(ctx);
    if (api_not_running(ctx, fn)) return SNN_EMISUSE;
    if (!is_name(name)) return api_set_error(ctx, SNN_EMISUSE, "%s: '%s' is not a valid name", fn, name ? name : "(null)");
    return SNN_OK;
}

/* A one-line chunk "text" named fn(name). */
static int add_line(snn_ctx *ctx, const char *fn, const char *name, Str *s)
{
    if (s->oom) {
        free(s->p);
        return api_set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    char cname[300];
    snprintf(cname, sizeof cname, "%s(%s)", fn, name);
    Chunk c = { 0 };
    c.kind = CH_TEXT;
    c.text = s->p;
    c.len = s->n;
    c.name = api_strdup(cname);
    if (!c.name) {
        api_chunk_free(&c);
        return api_set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    return add_chunk(ctx, &c);
}

int snn_add_const(snn_ctx *ctx, const char *name, const char *expr)
{
    if (!ctx) return SNN_EMISUSE;
    int rc = add_begin(ctx, "snn_add_const", name);
    if (rc) return rc;
    if (!has_text(expr)) return api_set_error(ctx, SNN_EMISUSE, "snn_add_const(%s): no value", name);
    const char *b;
    size_t n;
    trimmed(expr, &b, &n);
    Str s = { 0 };
    api_str_printf(&s, "%s = %.*s\n", name, (int)n, b);
    return add_line(ctx, "snn_add_const", name, &s);
}

static int add_decl(snn_ctx *ctx, const char *fn, const char *kind, const char *name, const char *args)
{
    if (!ctx) return SNN_EMISUSE;
    int rc = add_begin(ctx, fn, name);
    if (rc) return rc;
    if (!is_name(kind)) return api_set_error(ctx, SNN_EMISUSE, "%s: '%s' is not a kind of object", fn, kind ? kind : "(null)");
    const char *b = "";
    size_t n = 0;
    if (args) trimmed(args, &b, &n);
    Str s = { 0 };
    api_str_printf(&s, "%s %s(%.*s)\n", kind, name, (int)n, b);
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
    v[c->nitems].key = api_strdup(key);
    v[c->nitems].text = api_strdup(text);
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
    c.name = api_strdup(cname);
    c.obj = api_strdup(name);
    c.header = header->p;
    bool ok = c.name && c.obj && c.header && !header->oom;
    for (int k = 0; k < nkv && ok; k++) ok = item_push(&c, kv[2 * k], kv[2 * k + 1]);
    if (!ok) {
        api_chunk_free(&c);
        return api_set_error(ctx, SNN_ENOMEM, "out of memory");
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
    api_str_printf(&h, "neurons %s[%lld]", name, (long long)n);
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
    if (!is_group_ref(source) || !is_group_ref(target))
        return api_set_error(ctx, SNN_EMISUSE, "snn_add_synapses(%s): source and target must be group names or "
                             "subgroups (\"P\", \"P[0:3200]\")", name);
    Str h = { 0 };
    api_str_printf(&h, "synapses %s(%s -> %s)", name, source, target);
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
    if (!is_name(key)) return api_set_error(ctx, SNN_EMISUSE, "%s: '%s' is not an item name", fn, key ? key : "(null)");
    Chunk *c = NULL;
    for (int k = 0; k < ctx->nchunks; k++)
        if (ctx->chunks[k].kind == CH_OBJECT && !strcmp(ctx->chunks[k].obj, object)) c = &ctx->chunks[k];
    if (!c) {
        if (ctx->cur.model)
            for (int k = 0; k < ctx->cur.model->ngroups; k++)
                if (!strcmp(ctx->cur.model->groups[k]->name, object))
                    return api_set_error(ctx, SNN_EMISUSE, "%s: '%s' comes from loaded text; only objects added in "
                                     "code can be changed", fn, object);
        return api_set_error(ctx, SNN_ENOTFOUND, "%s: no group or synapses '%s' added in code", fn, object);
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
                api_str_printf(&s, "%s\n%s", nc.items[nc.nitems - 1].text, text);
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
        return api_set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    c->items = nc.items;
    c->nitems = nc.nitems;
    rc = api_check(ctx);
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

const char *snn_var_unit(snn_ctx *ctx, const char *group, const char *var)
{
    if (!ctx || !group || !var || !ctx->cur.model) return NULL;
    Model *M = ctx->cur.model;
    for (int k = 0; k < M->ngroups; k++) {
        Group *g = M->groups[k];
        if (strcmp(g->name, group)) continue;
        for (int v = 0; v < g->nvars; v++)
            if (!strcmp(g->vars[v]->name, var)) return dim_name(g->vars[v]->dim, ctx->unit_buf, sizeof ctx->unit_buf);
    }
    return NULL;
}
