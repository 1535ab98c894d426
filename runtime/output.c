/* SPDX-License-Identifier: MIT */
/* This file contains the monitor writers.  A spike monitor becomes "i,t"
 * (neuron, time in seconds), one row per spike in time order; a state monitor
 * becomes "t,<var>_<index>,..." with values in SI units, one row per step,
 * recorded before the step's update as Brian2 does.  Numbers are printed with
 * %.17g, so they read back bit for bit.  A set of files (the monitors, the
 * state, run.json) is written all or nothing: every file goes to a temporary
 * in the directory first, and only when all are written and synced are they
 * renamed into place.  It also writes run.json and the run summary. */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

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

static void write_spikes(FILE *f, Net *net, RtMonitor *m)
{
    fputs("i,t\n", f);
    for (size_t k = 0; k < m->idx.n; k++)
        fprintf(f, "%d,%.17g\n", m->idx.v[k], (double)m->steps.v[k] * net->dt);
}

static void write_rate(FILE *f, Net *net, RtMonitor *m)
{
    fputs("t,rate\n", f);
    for (size_t s = 0; s < m->rec_steps.n; s++)
        fprintf(f, "%.17g,%.17g\n", (double)m->rec_steps.v[s] * net->dt, m->data.v[s]);
}

static void write_state(FILE *f, Net *net, RtMonitor *m)
{
    fputs("t", f);
    for (int r = 0; r < m->nrec; r++)
        for (int v = 0; v < m->nvars; v++) fprintf(f, ",%s_%d", m->varnames[v], m->rec[r]);
    fputs("\n", f);
    size_t width = (size_t)m->nvars * (size_t)m->nrec;
    for (size_t s = 0; s < m->rec_steps.n; s++) {
        fprintf(f, "%.17g", (double)m->rec_steps.v[s] * net->dt);
        const double *row = m->data.v + s * width;
        for (size_t k = 0; k < width; k++) fprintf(f, ",%.17g", row[k]);
        fputs("\n", f);
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

typedef void (*write_fn)(FILE *f, Net *net, void *obj);

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
    fn(f, net, obj);
    int bad = ferror(f) || fflush(f) || fsync(fd);
    int e = errno;
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

static void write_monitor(FILE *f, Net *net, void *obj)
{
    RtMonitor *m = obj;
    if (m->kind == RM_SPIKE) write_spikes(f, net, m);
    else if (m->kind == RM_RATE) write_rate(f, net, m);
    else write_state(f, net, m);
}

/* One row per neuron or synapse, one column per variable (hidden ones, whose
 * names start with '_', left out); synapses first get their i and j. */
static void write_group_state(FILE *f, Net *net, void *obj)
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
    for (int64_t n = 0; n < g->n; n++) {
        first = true;
        if (syn) {
            fprintf(f, "%d,%d", g->pre.v[n], g->post.v[n]);
            first = false;
        }
        for (int v = 0; v < g->nvars; v++)
            if (g->varnames[v][0] != '_') {
                fprintf(f, "%s%.17g", first ? "" : ",", g->arr[v][n]);
                first = false;
            }
        fputs("\n", f);
    }
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

/* run.json: what ran (version, model, seed, dt, steps, complete), and for
 * each monitor its kind, source, variables and file. */
static void write_run_json(FILE *f, Net *net, void *obj)
{
    const RunJson *rj = obj;
    const RunInfo *in = rj->info;
    static const char *const kinds[] = { "spikemonitor", "statemonitor", "ratemonitor" };
    fputs("{\n  \"snnc\": ", f);
    json_str(f, in->version);
    fputs(",\n  \"model\": ", f);
    if (in->model) json_str(f, in->model);
    else fputs("null", f);
    fprintf(f, ",\n  \"seed\": %" PRIu64 ",\n  \"dt\": %.17g,\n  \"t\": %.17g,\n  \"steps\": %lld,\n", in->seed,
            net->dt, (double)net->step * net->dt, (long long)net->step);
    if (in->steps_planned >= 0) fprintf(f, "  \"steps_planned\": %lld,\n", (long long)in->steps_planned);
    fprintf(f, "  \"complete\": %s,\n  \"monitors\": [", in->complete ? "true" : "false");
    for (int k = 0; k < net->nmonitors; k++) {
        RtMonitor *m = net->monitors[k];
        fputs(k ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
        json_str(f, m->name);
        fprintf(f, ", \"kind\": \"%s\", \"source\": ", kinds[m->kind]);
        json_str(f, m->group->name);
        fputs(", \"variables\": [", f);
        if (m->kind == RM_SPIKE) fputs("\"i\", \"t\"], \"units\": [\"1\", \"second\"", f);
        else if (m->kind == RM_RATE) fputs("\"t\", \"rate\"], \"units\": [\"second\", \"hertz\"", f);
        else {
            fputs("\"t\"", f);
            for (int v = 0; v < m->nvars; v++) {
                fputs(", ", f);
                json_str(f, m->varnames[v]);
            }
            fputs("], \"units\": [\"second\"", f);
            for (int v = 0; v < m->nvars; v++) {
                const char *u = in->unit ? in->unit(in->unit_ud, m->group->name, m->varnames[v]) : NULL;
                fputs(", ", f);
                if (u) json_str(f, u);
                else fputs("null", f);
            }
            fputs("], \"record\": [", f);
            for (int r = 0; r < m->nrec; r++) fprintf(f, "%s%d", r ? ", " : "", m->rec[r]);
        }
        char file[1024];
        snprintf(file, sizeof file, "%s.csv", m->name);
        fputs("], \"file\": ", f);
        json_str(f, file);
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
    }
    fputs("\n}\n", f);
}

int output_write(Net *net, const char *dir, int what, const RunInfo *info, char *err, size_t errlen)
{
    FileSet fs = { .dir = dir, .err = err, .errlen = errlen };
    if (make_dirs(dir, &fs.created, err, errlen)) return -1;
    int rc = 0;
    char name[1024];
    for (int k = 0; k < net->nmonitors && !rc && (what & OUT_MONITORS); k++) {
        snprintf(name, sizeof name, "%s.csv", net->monitors[k]->name);
        rc = set_add(&fs, name, write_monitor, net, net->monitors[k]);
    }
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

char *output_summary(Net *net)
{
    size_t cap = 256, len = 0;
    char *s = malloc(cap);
    if (!s) return NULL;
    s[0] = 0;
    for (int k = 0; k < net->ngroups; k++) {
        RtGroup *g = net->groups[k];
        if (g->kind != RG_SYNAPSES) continue;
        char line[256];
        int n = snprintf(line, sizeof line, "%s: %lld synapses %s -> %s\n", g->name, (long long)g->n,
                         g->src->name, g->tgt->name);
        if (len + (size_t)n + 1 > cap) {
            cap = (len + (size_t)n + 1) * 2;
            char *p = realloc(s, cap);
            if (!p) return s;
            s = p;
        }
        memcpy(s + len, line, (size_t)n + 1);
        len += (size_t)n;
    }
    for (int k = 0; k < net->nmonitors; k++) {
        RtMonitor *m = net->monitors[k];
        char line[512];
        int n;
        if (m->kind == RM_SPIKE) {
            int64_t nn = m->group->n;
            n = snprintf(line, sizeof line, "%s: %zu spikes from %s", m->name, m->idx.n, m->group->name);
            if (nn <= 10) {
                size_t counts[10] = { 0 };
                for (size_t q = 0; q < m->idx.n; q++) counts[m->idx.v[q]]++;
                n += snprintf(line + n, sizeof line - (size_t)n, " (per neuron:");
                for (int64_t q = 0; q < nn; q++) n += snprintf(line + n, sizeof line - (size_t)n, " %zu", counts[q]);
                n += snprintf(line + n, sizeof line - (size_t)n, ")");
            } else {
                double t = (double)net->step * net->dt;
                n += snprintf(line + n, sizeof line - (size_t)n, " (mean rate %.3g Hz)",
                              t > 0 ? (double)m->idx.n / (double)nn / t : 0.0);
            }
        } else if (m->kind == RM_RATE) {
            double sum = 0;
            for (size_t q = 0; q < m->data.n; q++) sum += m->data.v[q];
            n = snprintf(line, sizeof line, "%s: population rate of %s, mean %.3g Hz over %zu steps", m->name,
                         m->group->name, m->data.n ? sum / (double)m->data.n : 0.0, m->data.n);
        } else {
            n = snprintf(line, sizeof line, "%s: %zu steps of %d variable(s) x %d neuron(s) from %s", m->name,
                         m->rec_steps.n, m->nvars, m->nrec, m->group->name);
        }
        if (len + (size_t)n + 2 > cap) {
            cap = (len + (size_t)n + 2) * 2;
            char *p = realloc(s, cap);
            if (!p) return s;
            s = p;
        }
        memcpy(s + len, line, (size_t)n);
        len += (size_t)n;
        s[len++] = '\n';
        s[len] = 0;
    }
    return s;
}
