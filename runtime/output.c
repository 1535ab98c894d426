/* SPDX-License-Identifier: MIT */
/* This file contains the monitor writers.  A spike monitor becomes "i,t"
 * (neuron, time in seconds), one row per spike in time order; a state monitor
 * becomes "t,<var>_<index>,..." with values in SI units, one row per step,
 * recorded before the step's update as Brian2 does.  Numbers are printed as
 * %.17g prints them (by a faster formatter of the same text), so they read
 * back bit for bit.  With OUT_NPY the monitors are numpy .npy arrays
 * instead, one per column.  A set of files (the monitors, the
 * state, run.json) is written all or nothing: every file goes to a temporary
 * in the directory first, and only when all are written and synced are they
 * renamed into place.  It also writes run.json; the run summary is in
 * output_summary.c, the number formatting in output_fmt.c. */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "mpi_net.h"
#include "smooth.h"

/* mkdir -p; *created says whether DIR itself was made here. */
static int make_dirs(const char *dir, bool *created, char *err, size_t errlen)
{
    char path[4096];
    size_t n = strlen(dir);
    *created = false;
    if (n == 0 || n >= sizeof path - 300) {
        snprintf(err, errlen, "bad output directory name '%s'", dir);
        return -1;
    }
    memcpy(path, dir, n + 1);
    for (size_t k = 1; k <= n; k++) {
        if (path[k] != '/' && path[k] != 0) continue;
        char c = path[k];
        path[k] = 0;
        if (mkdir(path, 0777) == 0) *created = c == 0 || !path[k + 1];
        else if (errno != EEXIST) {
            snprintf(err, errlen, "cannot create directory '%s': %s", path, strerror(errno));
            return -1;
        }
        path[k] = c;
    }
    struct stat st;
    if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "'%s' is not a directory", dir);
        return -1;
    }
    return 0;
}

/* Text gathered in a buffer and written with fwrite in large pieces. */
typedef struct Buf {
    FILE  *f;
    size_t n;
    char   b[1 << 16];
} Buf;

/* Make room for at least 64 more bytes. */
static inline void buf_room(Buf *b)
{
    if (b->n > sizeof b->b - 64) {
        fwrite(b->b, 1, b->n, b->f);
        b->n = 0;
    }
}

static void buf_flush(Buf *b)
{
    if (b->n) fwrite(b->b, 1, b->n, b->f);
    b->n = 0;
}

static inline void buf_char(Buf *b, char c)
{
    buf_room(b);
    b->b[b->n++] = c;
}

static inline void buf_double(Buf *b, double x)
{
    buf_room(b);
    b->n += output_fmt_double(b->b + b->n, x);
}

static inline void buf_int(Buf *b, long long v)
{
    buf_room(b);
    b->n += output_fmt_int(b->b + b->n, v);
}

/* Whether neuron i is one that spike monitor m records. */
static bool counted(const RtMonitor *m, int64_t i)
{
    return !m->mask || m->mask[i];
}

/* The number of neurons a spike monitor with record=False writes counts of. */
static size_t count_rows(const RtMonitor *m)
{
    size_t n = 0;
    for (int64_t i = 0; i < m->group->n; i++) n += counted(m, i);
    return n;
}

/* A spike or event monitor: i,t and the variables recorded at each spike;
 * with record=False, i,count for every recorded neuron. */
static void write_spikes(Buf *b, Net *net, RtMonitor *m)
{
    if (m->record_none) {
        const int64_t *count = net_spike_counts(m);
        fputs("i,count\n", b->f);
        for (int64_t i = 0; i < m->group->n; i++) {
            if (!counted(m, i)) continue;
            buf_int(b, i);
            buf_char(b, ',');
            buf_int(b, count[i]);
            buf_char(b, '\n');
        }
        return;
    }
    fputs("i,t", b->f);
    for (int v = 0; v < m->nvars; v++) fprintf(b->f, ",%s", m->varnames[v]);
    fputs("\n", b->f);
    const double *val = m->data.v;
    for (size_t k = 0; k < m->idx.n; k++) {
        buf_int(b, m->idx.v[k]);
        buf_char(b, ',');
        buf_double(b, net_time_at(net, m->steps.v[k]));
        for (int v = 0; v < m->nvars; v++) {
            buf_char(b, ',');
            buf_double(b, *val++);
        }
        buf_char(b, '\n');
    }
}

/* A spike or event monitor with record=False and variables: the variables
 * at each spike, one row per spike in time order, without i and t (Brian2
 * records the values but not the indices and times). */
static void write_spike_values(Buf *b, RtMonitor *m)
{
    for (int v = 0; v < m->nvars; v++) fprintf(b->f, "%s%s", v ? "," : "", m->varnames[v]);
    fputs("\n", b->f);
    const double *val = m->data.v;
    for (size_t k = 0; k < m->idx.n; k++) {
        for (int v = 0; v < m->nvars; v++) {
            if (v) buf_char(b, ',');
            buf_double(b, *val++);
        }
        buf_char(b, '\n');
    }
}

/* The rate of m smoothed with its window (Brian2's smooth_rate: numpy's
 * convolve, mode 'same'), in a new array; NULL if out of memory. */
static double *smoothed_rate(const RtMonitor *m)
{
    double *out = malloc(sizeof *out * (m->data.n + 1));
    if (out) smooth_convolve(m->data.v, m->data.n, m->smooth_w, m->smooth_k, out);
    return out;
}

/* t, rate and, with a smoothing window, smooth_rate; -1 if out of memory. */
static int write_rate(Buf *b, Net *net, RtMonitor *m)
{
    double *sm = m->smooth_w ? smoothed_rate(m) : NULL;
    if (m->smooth_w && !sm) return -1;
    fputs(sm ? "t,rate,smooth_rate\n" : "t,rate\n", b->f);
    for (size_t s = 0; s < m->rec_steps.n; s++) {
        buf_double(b, net_time_at(net, m->rec_steps.v[s]));
        buf_char(b, ',');
        buf_double(b, m->data.v[s]);
        if (sm) {
            buf_char(b, ',');
            buf_double(b, sm[s]);
        }
        buf_char(b, '\n');
    }
    free(sm);
    return 0;
}

static void write_state(Buf *b, Net *net, RtMonitor *m)
{
    fputs("t", b->f);
    for (int r = 0; r < m->nrec; r++)
        for (int v = 0; v < m->nvars; v++) fprintf(b->f, ",%s_%d", m->varnames[v], m->rec[r]);
    fputs("\n", b->f);
    size_t width = (size_t)m->nvars * (size_t)m->nrec;
    for (size_t s = 0; s < m->rec_steps.n; s++) {
        buf_double(b, net_time_at(net, m->rec_steps.v[s]));
        const double *row = m->data.v + s * width;
        for (size_t k = 0; k < width; k++) {
            buf_char(b, ',');
            buf_double(b, row[k]);
        }
        buf_char(b, '\n');
    }
}

/* {====================================================================
 * Sets of files, all renamed into place or all removed
 * ===================================================================== */

/* One temporary file being written.  All of them, of every set, form one
 * list that a signal handler may walk (output_remove_temporaries): a node is
 * complete before it is linked in, and `live` is cleared once its temporary
 * is renamed or removed. */
typedef struct TmpFile {
    struct TmpFile        *next;
    volatile sig_atomic_t  live;   /* the temporary may exist */
    char                   tmp[4400], path[4400];
} TmpFile;

static TmpFile *volatile tmp_list;
static pthread_mutex_t tmp_lock = PTHREAD_MUTEX_INITIALIZER;

void output_remove_temporaries(void)
{
    for (TmpFile *t = tmp_list; t; t = t->next)
        if (t->live) unlink(t->tmp);
}

/* The files of one set, in the order they were added. */
typedef struct FileSet {
    const char *dir;
    TmpFile   **files;
    int         n;
    bool        created;            /* the directory was made for this set */
    char       *err;
    size_t      errlen;
} FileSet;

/* Write one file to f; -1 if out of memory. */
typedef int (*write_fn)(FILE *f, Net *net, void *obj);

/* Write DIR/NAME of the set as a temporary: fn(f, net, obj), flushed and
 * synced to the disk.  Returns 0, or -1 with the message in the set's err. */
static int set_add(FileSet *fs, const char *name, write_fn fn, Net *net, void *obj)
{
    TmpFile *t = calloc(1, sizeof *t);
    TmpFile **v = t ? realloc(fs->files, sizeof *v * (size_t)(fs->n + 1)) : NULL;
    if (!v) {
        free(t);
        snprintf(fs->err, fs->errlen, "out of memory while writing '%s/%s'", fs->dir, name);
        return -1;
    }
    fs->files = v;
    snprintf(t->path, sizeof t->path, "%s/%s", fs->dir, name);
    snprintf(t->tmp, sizeof t->tmp, "%s/.%s.tmp%ld", fs->dir, name, (long)getpid());
    t->live = 1;
    pthread_mutex_lock(&tmp_lock);
    t->next = tmp_list;
    tmp_list = t;
    pthread_mutex_unlock(&tmp_lock);
    fs->files[fs->n++] = t;
    int fd = open(t->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    if (!f) {
        snprintf(fs->err, fs->errlen, "cannot write '%s': %s", t->path, strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    errno = 0;
    int oom = fn(f, net, obj) != 0;
    int bad = oom || ferror(f) || fflush(f) || fsync(fd);
    int e = oom ? ENOMEM : errno;
    bad |= fclose(f) != 0;
    if (bad) {
        snprintf(fs->err, fs->errlen, "cannot write '%s': %s", t->path, strerror(e ? e : errno));
        return -1;
    }
    return 0;
}

/* Remove the temporaries of a failed set, and the directory if it was made
 * for it (and is empty). */
static void set_abort(FileSet *fs)
{
    for (int k = 0; k < fs->n; k++)
        if (fs->files[k]->live) {
            unlink(fs->files[k]->tmp);
            fs->files[k]->live = 0;
        }
    if (fs->created) rmdir(fs->dir);
}

/* Rename every temporary into place.  A final name that is a directory is
 * found before anything is renamed, so the set still fails as a whole. */
static int set_commit(FileSet *fs)
{
    for (int k = 0; k < fs->n; k++) {
        struct stat st;
        if (!stat(fs->files[k]->path, &st) && S_ISDIR(st.st_mode)) {
            snprintf(fs->err, fs->errlen, "cannot write '%s': it is a directory", fs->files[k]->path);
            return -1;
        }
    }
    for (int k = 0; k < fs->n; k++) {
        if (rename(fs->files[k]->tmp, fs->files[k]->path)) {
            snprintf(fs->err, fs->errlen, "cannot write '%s': %s", fs->files[k]->path, strerror(errno));
            return -1;
        }
        fs->files[k]->live = 0;
    }
    int dfd = open(fs->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

/* Take the set's nodes out of the list and free them. */
static void set_free(FileSet *fs)
{
    pthread_mutex_lock(&tmp_lock);
    for (TmpFile *volatile *pp = &tmp_list; *pp;) {
        TmpFile *t = *pp;
        bool mine = false;
        for (int k = 0; k < fs->n && !mine; k++) mine = fs->files[k] == t;
        if (mine) *pp = t->next;
        else pp = &t->next;
    }
    pthread_mutex_unlock(&tmp_lock);
    for (int k = 0; k < fs->n; k++) free(fs->files[k]);
    free(fs->files);
}

/* The file NAME.values.csv of a record=False monitor with variables. */
static int write_monitor_values(FILE *f, Net *net, void *obj)
{
    (void)net;
    Buf *b = malloc(sizeof *b);
    if (!b) return -1;
    b->f = f;
    b->n = 0;
    write_spike_values(b, obj);
    buf_flush(b);
    free(b);
    return 0;
}

static int write_monitor(FILE *f, Net *net, void *obj)
{
    RtMonitor *m = obj;
    Buf *b = malloc(sizeof *b);
    if (!b) return -1;
    b->f = f;
    b->n = 0;
    int rc = 0;
    if (m->kind == RM_SPIKE) write_spikes(b, net, m);
    else if (m->kind == RM_RATE) rc = write_rate(b, net, m);
    else write_state(b, net, m);
    buf_flush(b);
    free(b);
    return rc;
}

/* One row per neuron or synapse, one column per variable (hidden ones, whose
 * names start with '_', left out); synapses first get their i and j. */
static int write_group_state(FILE *f, Net *net, void *obj)
{
    (void)net;
    RtGroup *g = obj;
    bool syn = g->kind == RG_SYNAPSES, first = true;
    if (syn) {
        fputs("i,j", f);
        first = false;
    }
    for (int v = 0; v < g->nvars; v++)
        if (g->varnames[v][0] != '_') {
            fprintf(f, "%s%s", first ? "" : ",", g->varnames[v]);
            first = false;
        }
    fputs("\n", f);
    Buf *b = malloc(sizeof *b);
    if (!b) return -1;
    b->f = f;
    b->n = 0;
    for (int64_t n = 0; n < g->n; n++) {
        first = true;
        if (syn) {
            buf_int(b, g->pre.v[n]);
            buf_char(b, ',');
            buf_int(b, g->post.v[n]);
            first = false;
        }
        for (int v = 0; v < g->nvars; v++)
            if (g->varnames[v][0] != '_') {
                if (!first) buf_char(b, ',');
                buf_double(b, g->arr[v][n]);
                first = false;
            }
        buf_char(b, '\n');
    }
    buf_flush(b);
    free(b);
    return 0;
}

/* {====================================================================
 * numpy arrays (.npy, format 1.0)
 * ===================================================================== */

/* One array of a monitor: its times, its neuron indices (spike monitors),
 * the counts of a record=False monitor, or one recorded variable (NPY_VAR +
 * v; a rate monitor's rate is var 0). */
enum { NPY_COUNT = -3, NPY_T = -2, NPY_I = -1, NPY_VAR = 0 };
typedef struct NpyArr {
    RtMonitor *m;
    int        which;
} NpyArr;

/* The rows of an array, and its columns (0: one-dimensional). */
static void npy_shape(const NpyArr *a, size_t *rows, size_t *cols)
{
    const RtMonitor *m = a->m;
    bool counts = m->record_none && a->which < NPY_VAR;   /* i, count of every counted neuron */
    *rows = m->kind == RM_SPIKE ? (counts ? count_rows(m) : m->idx.n) : m->rec_steps.n;
    *cols = m->kind == RM_STATE && a->which >= NPY_VAR ? (size_t)m->nrec : 0;
}

/* The header: magic, version 1.0, the length of the dict, and the dict
 * padded with spaces and a newline so the data starts at a multiple of 64
 * bytes, as numpy's format description asks. */
static void npy_header(FILE *f, const char *descr, size_t rows, size_t cols)
{
    char dict[256];
    int n = cols ? snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (%zu, %zu), }",
                            descr, rows, cols)
                 : snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (%zu,), }",
                            descr, rows);
    size_t total = 10 + (size_t)n + 1, pad = (64 - total % 64) % 64;
    size_t hlen = (size_t)n + pad + 1;
    unsigned char pre[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hlen & 0xff),
                              (unsigned char)(hlen >> 8) };
    fwrite(pre, 1, sizeof pre, f);
    fwrite(dict, 1, (size_t)n, f);
    for (size_t k = 0; k < pad; k++) fputc(' ', f);
    fputc('\n', f);
}

static bool host_is_little_endian(void)
{
    const uint16_t one = 1;
    return *(const unsigned char *)&one == 1;
}

/* Write n values of width w bytes from p as little-endian data. */
static void put_le(FILE *f, const void *p, size_t w, size_t n)
{
    if (host_is_little_endian()) {
        fwrite(p, w, n, f);
        return;
    }
    const unsigned char *s = p;
    for (size_t k = 0; k < n; k++)
        for (size_t q = w; q-- > 0;) fputc(s[k * w + q], f);
}

/* A monitor's array as a .npy file: times and values as float64 ('<f8'),
 * neuron indices as int32 ('<i4'); a variable of a state monitor as steps x
 * recorded neurons, in the order of the monitor's record list. */
static int write_npy(FILE *f, Net *net, void *obj)
{
    const NpyArr *a = obj;
    const RtMonitor *m = a->m;
    size_t rows, cols;
    npy_shape(a, &rows, &cols);
    bool counts = m->kind == RM_SPIKE && m->record_none && a->which < NPY_VAR;
    npy_header(f, a->which == NPY_I ? "<i4" : counts ? "<i8" : "<f8", rows, cols);
    if (counts) {
        for (int64_t i = 0; i < m->group->n; i++) {
            int32_t i32 = (int32_t)i;
            if (!counted(m, i)) continue;
            if (a->which == NPY_I) put_le(f, &i32, sizeof i32, 1);
            else put_le(f, &m->count[i], sizeof *m->count, 1);
        }
        return 0;
    }
    if (a->which == NPY_I) {
        put_le(f, m->idx.v, sizeof(int32_t), rows);
        return 0;
    }
    if (a->which >= NPY_VAR && m->kind == RM_SPIKE) {
        for (size_t k = 0; k < rows; k++) put_le(f, &m->data.v[k * (size_t)m->nvars + (size_t)a->which], sizeof(double), 1);
        return 0;
    }
    size_t chunk = 8192, width = (size_t)m->nvars * (size_t)m->nrec;
    if (a->which > NPY_VAR && m->kind == RM_RATE) {
        double *sm = smoothed_rate(m);
        if (!sm) return -1;
        put_le(f, sm, sizeof(double), rows);
        free(sm);
        return 0;
    }
    if (a->which >= NPY_VAR && m->kind == RM_RATE) {
        put_le(f, m->data.v, sizeof(double), rows);
        return 0;
    }
    if (a->which >= NPY_VAR && m->nvars == 1) {
        put_le(f, m->data.v, sizeof(double), rows * cols);
        return 0;
    }
    double *tmp = malloc(sizeof *tmp * (a->which == NPY_T ? chunk : (cols ? cols : 1)));
    if (!tmp) return -1;
    if (a->which == NPY_T) {
        const int64_t *st = m->kind == RM_SPIKE ? m->steps.v : m->rec_steps.v;
        for (size_t k = 0; k < rows; k += chunk) {
            size_t n = rows - k < chunk ? rows - k : chunk;
            for (size_t q = 0; q < n; q++) tmp[q] = net_time_at(net, st[k + q]);
            put_le(f, tmp, sizeof(double), n);
        }
    } else {
        for (size_t s = 0; s < rows; s++) {
            const double *row = m->data.v + s * width;
            for (size_t r = 0; r < cols; r++) tmp[r] = row[r * (size_t)m->nvars + (size_t)a->which];
            put_le(f, tmp, sizeof(double), cols);
        }
    }
    free(tmp);
    return 0;
}

/* The arrays of a monitor in the order of its "variables" in run.json
 * (spikes: i, t; rates: t, rate; states: t, then each variable), into out
 * (room for 2 + nvars); returns their number.  values: those of its
 * "values" instead (the variables of a record=False monitor). */
static int npy_arrays(RtMonitor *m, NpyArr *out, bool values)
{
    int n = 0;
    bool counts = m->kind == RM_SPIKE && m->record_none;
    if (counts) net_spike_counts(m);   /* (npy_write reads m->count) */
    if (values) {
        for (int v = 0; counts && v < m->nvars; v++) out[n++] = (NpyArr){ m, NPY_VAR + v };
    } else if (counts) {
        out[n++] = (NpyArr){ m, NPY_I };
        out[n++] = (NpyArr){ m, NPY_COUNT };
    } else if (m->kind == RM_SPIKE) {
        out[n++] = (NpyArr){ m, NPY_I };
        out[n++] = (NpyArr){ m, NPY_T };
        for (int v = 0; v < m->nvars; v++) out[n++] = (NpyArr){ m, NPY_VAR + v };
    } else if (m->kind == RM_RATE) {
        out[n++] = (NpyArr){ m, NPY_T };
        out[n++] = (NpyArr){ m, NPY_VAR };
        if (m->smooth_w) out[n++] = (NpyArr){ m, NPY_VAR + 1 };
    } else {
        out[n++] = (NpyArr){ m, NPY_T };
        for (int v = 0; v < m->nvars; v++) out[n++] = (NpyArr){ m, NPY_VAR + v };
    }
    return n;
}

/* The file name of an array: "SM.t.npy", "M.v.npy", "R.rate.npy". */
static void npy_name(char *buf, size_t n, const NpyArr *a)
{
    const RtMonitor *m = a->m;
    const char *var = a->which == NPY_T ? "t" : a->which == NPY_I ? "i"
                      : m->kind == RM_RATE ? (a->which > NPY_VAR ? "smooth_rate" : "rate")
                      : a->which == NPY_COUNT ? "count" : m->varnames[a->which];
    snprintf(buf, n, "%s.%s.npy", m->name, var);
}

/* A JSON string. */
static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

/* What write_run_json needs besides the network. */
typedef struct RunJson {
    const RunInfo *info;
    int            what;            /* OUT_* */
} RunJson;

/* The SHA-256 of a file as 64 hex digits in hex; false if it cannot be read. */
static bool file_sha256(const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    struct sha256_ctx h;
    sha256_init(&h);
    unsigned char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sha256_update(&h, n, buf);
    bool ok = !ferror(f);
    fclose(f);
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&h, sizeof d, d);
    for (int k = 0; k < SHA256_DIGEST_SIZE; k++) snprintf(hex + 2 * k, 3, "%02x", d[k]);
    return ok;
}

/* A JSON shape: [rows] or [rows, cols]. */
static void json_shape(FILE *f, size_t rows, size_t cols)
{
    if (cols) fprintf(f, "[%zu, %zu]", rows, cols);
    else fprintf(f, "[%zu]", rows);
}

/* A group's variables that its state file has (hidden ones left out), and
 * their units, for the "state_columns" of run.json. */
static void json_state_columns(FILE *f, const RunInfo *in, RtGroup *g)
{
    bool syn = g->kind == RG_SYNAPSES, first = true;
    fputs("{\"source\": ", f);
    json_str(f, g->name);
    fputs(", \"columns\": [", f);
    if (syn) {
        fputs("\"i\", \"j\"", f);
        first = false;
    }
    for (int v = 0; v < g->nvars; v++)
        if (g->varnames[v][0] != '_') {
            fputs(first ? "" : ", ", f);
            json_str(f, g->varnames[v]);
            first = false;
        }
    fputs("], \"units\": [", f);
    first = true;
    if (syn) {
        fputs("\"1\", \"1\"", f);
        first = false;
    }
    for (int v = 0; v < g->nvars; v++)
        if (g->varnames[v][0] != '_') {
            const char *u = in->unit ? in->unit(in->unit_ud, g->name, g->varnames[v]) : NULL;
            fputs(first ? "" : ", ", f);
            if (u) json_str(f, u);
            else fputs("null", f);
            first = false;
        }
    fprintf(f, "], \"rows\": %lld}", (long long)g->n);
}

/* The units of m's variables, each after ", " (null when unknown). */
static void json_units(FILE *f, const RunInfo *in, const RtMonitor *m)
{
    for (int v = 0; v < m->nvars; v++) {
        const char *u = in->unit ? in->unit(in->unit_ud, m->group->name, m->varnames[v]) : NULL;
        fputs(", ", f);
        if (u) json_str(f, u);
        else fputs("null", f);
    }
}

/* A record=False monitor's variables: ", "values": {...}" with its
 * variables, their units, and the file NAME.values.csv and its shape (CSV)
 * or one file NAME.VAR.npy and shape per variable (npy). */
static void json_spike_values(FILE *f, const RunInfo *in, RtMonitor *m, bool npy)
{
    fputs(", \"values\": {\"variables\": [", f);
    for (int v = 0; v < m->nvars; v++) {
        fputs(v ? ", " : "", f);
        json_str(f, m->varnames[v]);
    }
    fputs("], \"units\": [", f);
    for (int v = 0; v < m->nvars; v++) {
        const char *u = in->unit ? in->unit(in->unit_ud, m->group->name, m->varnames[v]) : NULL;
        fputs(v ? ", " : "", f);
        if (u) json_str(f, u);
        else fputs("null", f);
    }
    if (!npy) {
        fprintf(f, "], \"file\": \"%s.values.csv\", \"shape\": ", m->name);
        json_shape(f, m->idx.n, (size_t)m->nvars);
        fputc('}', f);
        return;
    }
    char file[1024];
    fputs("], \"files\": [", f);
    for (int v = 0; v < m->nvars; v++) {
        npy_name(file, sizeof file, &(NpyArr){ m, NPY_VAR + v });
        fputs(v ? ", " : "", f);
        json_str(f, file);
    }
    fputs("], \"shapes\": [", f);
    for (int v = 0; v < m->nvars; v++) {
        fputs(v ? ", " : "", f);
        json_shape(f, m->idx.n, 0);
    }
    fputs("]}", f);
}

/* run.json: what ran (version, model and its SHA-256, seed, dt, steps,
 * complete, the format of the monitors' files), and for each monitor its
 * kind, source, variables and their units, and its file and shape (csv) or
 * one file and shape per variable (npy). */
static int write_run_json(FILE *f, Net *net, void *obj)
{
    const RunJson *rj = obj;
    const RunInfo *in = rj->info;
    bool npy = rj->what & OUT_NPY;
    static const char *const kinds[] = { "spikemonitor", "statemonitor", "ratemonitor" };
    fputs("{\n  \"snnc\": ", f);
    json_str(f, in->version);
    fputs(",\n  \"model\": ", f);
    if (in->model) json_str(f, in->model);
    else fputs("null", f);
    char hex[65];
    if (in->model && file_sha256(in->model, hex)) fprintf(f, ",\n  \"model_sha256\": \"%s\"", hex);
    fprintf(f, ",\n  \"seed\": %" PRIu64 ",\n  \"dt\": %.17g,\n  \"t\": %.17g,\n  \"steps\": %lld,\n", in->seed,
            net->dt, net_now(net), (long long)net->step);
    if (in->steps_planned >= 0) fprintf(f, "  \"steps_planned\": %lld,\n", (long long)in->steps_planned);
    fprintf(f, "  \"complete\": %s,\n  \"format\": \"%s\",\n  \"monitors\": [", in->complete ? "true" : "false",
            npy ? "npy" : "csv");
    for (int k = 0; k < net->nmonitors; k++) {
        RtMonitor *m = net->monitors[k];
        fputs(k ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
        json_str(f, m->name);
        fprintf(f, ", \"kind\": \"%s\", \"source\": ", kinds[m->kind]);
        json_str(f, m->group->name);
        if (m->sub_n) {
            /* a subgroup: its indices count from start */
            fputs(", \"subgroup\": ", f);
            json_str(f, m->label ? m->label : m->group->name);
            fprintf(f, ", \"start\": %lld, \"size\": %lld", (long long)m->sub_off, (long long)m->sub_n);
        }
        if (m->kind == RM_SPIKE && m->event) {
            fputs(", \"event\": ", f);
            json_str(f, m->group->events[m->event - 1].name);
        }
        fputs(", \"variables\": [", f);
        if (m->kind == RM_SPIKE && m->record_none) fputs("\"i\", \"count\"], \"units\": [\"1\", \"1\"", f);
        else if (m->kind == RM_SPIKE) {
            fputs("\"i\", \"t\"", f);
            for (int v = 0; v < m->nvars; v++) {
                fputs(", ", f);
                json_str(f, m->varnames[v]);
            }
            fputs("], \"units\": [\"1\", \"second\"", f);
            json_units(f, in, m);
        } else if (m->kind == RM_RATE)
            fputs(m->smooth_w ? "\"t\", \"rate\", \"smooth_rate\"], \"units\": [\"second\", \"hertz\", \"hertz\""
                              : "\"t\", \"rate\"], \"units\": [\"second\", \"hertz\"", f);
        else {
            fputs("\"t\"", f);
            for (int v = 0; v < m->nvars; v++) {
                fputs(", ", f);
                json_str(f, m->varnames[v]);
            }
            fputs("], \"units\": [\"second\"", f);
            json_units(f, in, m);
            fputs("], \"record\": [", f);
            for (int r = 0; r < m->nrec; r++) fprintf(f, "%s%d", r ? ", " : "", m->rec[r]);
            if (m->group->comp_distance) {
                /* a spatialneurons group: where each recorded compartment is */
                const RtGroup *g = m->group;
                fputs("], \"distance\": [", f);
                for (int r = 0; r < m->nrec; r++)
                    fprintf(f, "%s%.17g", r ? ", " : "", g->comp_distance[m->sub_off + m->rec[r]]);
                fputs("], \"section\": [", f);
                for (int r = 0; r < m->nrec; r++) {
                    fputs(r ? ", " : "", f);
                    json_str(f, g->sec_names[g->comp_section[m->sub_off + m->rec[r]]]);
                }
            }
        }
        char file[1024];
        if (npy) {
            NpyArr *arr = malloc(sizeof *arr * (size_t)(m->nvars + 3));
            if (!arr) return -1;
            int na = npy_arrays(m, arr, false);
            fputs("], \"files\": [", f);
            for (int q = 0; q < na; q++) {
                npy_name(file, sizeof file, &arr[q]);
                fputs(q ? ", " : "", f);
                json_str(f, file);
            }
            fputs("], \"shapes\": [", f);
            for (int q = 0; q < na; q++) {
                size_t rows, cols;
                npy_shape(&arr[q], &rows, &cols);
                fputs(q ? ", " : "", f);
                json_shape(f, rows, cols);
            }
            fputc(']', f);
            if (m->kind == RM_SPIKE && m->record_none && m->nvars) json_spike_values(f, in, m, true);
            fputc('}', f);
            free(arr);
            continue;
        }
        size_t rows = m->kind == RM_SPIKE ? (m->record_none ? count_rows(m) : m->idx.n) : m->rec_steps.n;
        size_t cols = m->kind == RM_STATE ? 1 + (size_t)m->nvars * (size_t)m->nrec
                      : m->kind == RM_SPIKE && !m->record_none ? 2 + (size_t)m->nvars
                      : m->kind == RM_RATE && m->smooth_w ? 3 : 2;
        fputs("], \"shape\": ", f);
        json_shape(f, rows, cols);
        snprintf(file, sizeof file, "%s.csv", m->name);
        fputs(", \"file\": ", f);
        json_str(f, file);
        if (m->kind == RM_SPIKE && m->record_none && m->nvars) json_spike_values(f, in, m, false);
        fputc('}', f);
    }
    fputs(net->nmonitors ? "\n  ]" : "]", f);
    if (rj->what & OUT_STATE) {
        fputs(",\n  \"state\": [", f);
        for (int k = 0; k < net->ngroups; k++) {
            char file[1024];
            snprintf(file, sizeof file, "%s.state.csv", net->groups[k]->name);
            fputs(k ? ",\n    {\"source\": " : "\n    {\"source\": ", f);
            json_str(f, net->groups[k]->name);
            fputs(", \"file\": ", f);
            json_str(f, file);
            fputc('}', f);
        }
        fputs(net->ngroups ? "\n  ]" : "]", f);
        fputs(",\n  \"state_columns\": [", f);
        for (int k = 0; k < net->ngroups; k++) {
            fputs(k ? ",\n    " : "\n    ", f);
            json_state_columns(f, in, net->groups[k]);
        }
        fputs(net->ngroups ? "\n  ]" : "]", f);
    }
    fputs("\n}\n", f);
    return 0;
}

/* Add a monitor's files to the set: one CSV file, or one .npy per array. */
static int add_monitor(FileSet *fs, Net *net, RtMonitor *m, bool npy)
{
    char name[1024];
    if (!npy) {
        snprintf(name, sizeof name, "%s.csv", m->name);
        int rc = set_add(fs, name, write_monitor, net, m);
        if (rc || !(m->kind == RM_SPIKE && m->record_none && m->nvars)) return rc;
        snprintf(name, sizeof name, "%s.values.csv", m->name);
        return set_add(fs, name, write_monitor_values, net, m);
    }
    NpyArr *arr = malloc(sizeof *arr * (size_t)(m->nvars + 3));
    if (!arr) {
        snprintf(fs->err, fs->errlen, "out of memory while writing '%s/%s'", fs->dir, m->name);
        return -1;
    }
    int rc = 0;
    for (int values = 0; values < 2 && !rc; values++) {
        int na = npy_arrays(m, arr, values);
        for (int q = 0; q < na && !rc; q++) {
            npy_name(name, sizeof name, &arr[q]);
            rc = set_add(fs, name, write_npy, net, &arr[q]);
        }
    }
    free(arr);
    return rc;
}

static int write_files(Net *net, const char *dir, int what, const RunInfo *info, char *err, size_t errlen);

int output_write(Net *net, const char *dir, int what, const RunInfo *info, char *err, size_t errlen)
{
    if (!net->mpi) return write_files(net, dir, what, info, err, errlen);
    /* MPI ranks: rank 0 gets what the others own, and writes alone */
    int rc = 0;
    if (!mpi_gather_outputs(net, what & OUT_STATE)) {
        snprintf(err, errlen, "the MPI ranks could not gather their records for '%s'", dir);
        rc = -1;
    } else if (net->rank == 0) {
        rc = write_files(net, dir, what, info, err, errlen);
    }
    mpi_release_outputs(net);
    return rc;
}

/* output_write of one process, or of MPI rank 0 once it has gathered. */
static int write_files(Net *net, const char *dir, int what, const RunInfo *info, char *err, size_t errlen)
{
    FileSet fs = { .dir = dir, .err = err, .errlen = errlen };
    if (make_dirs(dir, &fs.created, err, errlen)) return -1;
    int rc = 0;
    char name[1024];
    for (int k = 0; k < net->nmonitors && !rc && (what & OUT_MONITORS); k++)
        rc = add_monitor(&fs, net, net->monitors[k], what & OUT_NPY);
    /* linked variables show their sources as they are now, also when no
     * step ran since the sources were set (run 0*ms, Brian2 reads them live) */
    for (int k = 0; k < net->ngroups && (what & OUT_STATE); k++) net_refresh_links(net->groups[k]);
    for (int k = 0; k < net->ngroups && !rc && (what & OUT_STATE); k++) {
        snprintf(name, sizeof name, "%s.state.csv", net->groups[k]->name);
        rc = set_add(&fs, name, write_group_state, net, net->groups[k]);
    }
    RunJson rj = { info, what };
    if (!rc && info) rc = set_add(&fs, "run.json", write_run_json, net, &rj);
    if (!rc) rc = set_commit(&fs);
    if (rc) {
        set_abort(&fs);
        size_t n = strlen(err);
        if (n + 1 < errlen)
            snprintf(err + n, errlen - n, fs.created ? "; nothing was written" : "; '%s' keeps the files it had", dir);
    }
    set_free(&fs);
    return rc;
}

int output_write_all(Net *net, const char *dir, char *err, size_t errlen)
{
    return output_write(net, dir, OUT_MONITORS, NULL, err, errlen);
}

int output_write_state(Net *net, const char *dir, char *err, size_t errlen)
{
    return output_write(net, dir, OUT_STATE, NULL, err, errlen);
}
