/* SPDX-License-Identifier: MIT */
/* This file contains the monitor writers.  A spike monitor becomes "i,t"
 * (neuron, time in seconds), one row per spike in time order; a state monitor
 * becomes "t,<var>_<index>,..." with values in SI units, one row per step,
 * recorded before the step's update as Brian2 does.  Numbers are printed with
 * %.17g, so they read back bit for bit. */
#include "output.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* mkdir -p */
static int make_dirs(const char *dir, char *err, size_t errlen)
{
    char path[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof path) {
        snprintf(err, errlen, "bad output directory name '%s'", dir);
        return -1;
    }
    memcpy(path, dir, n + 1);
    for (size_t k = 1; k <= n; k++) {
        if (path[k] != '/' && path[k] != 0) continue;
        char c = path[k];
        path[k] = 0;
        if (mkdir(path, 0777) && errno != EEXIST) {
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

/* Write DIR/NAME (a file) by calling write(f, net, obj) on a temporary
 * file, renamed when complete, so an error never leaves half a file. */
static int write_file(const char *dir, const char *name, void (*write)(FILE *, Net *, void *), Net *net, void *obj,
                      char *err, size_t errlen)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp%ld", dir, name, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        return -1;
    }
    write(f, net, obj);
    int bad = ferror(f);
    bad |= fclose(f);
    if (bad || rename(tmp, path)) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}

static void write_monitor(FILE *f, Net *net, void *obj)
{
    RtMonitor *m = obj;
    if (m->kind == RM_SPIKE) write_spikes(f, net, m);
    else if (m->kind == RM_RATE) write_rate(f, net, m);
    else write_state(f, net, m);
}

int output_write_all(Net *net, const char *dir, char *err, size_t errlen)
{
    if (make_dirs(dir, err, errlen)) return -1;
    for (int k = 0; k < net->nmonitors; k++) {
        char name[1024];
        snprintf(name, sizeof name, "%s.csv", net->monitors[k]->name);
        if (write_file(dir, name, write_monitor, net, net->monitors[k], err, errlen)) return -1;
    }
    return 0;
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

int output_write_state(Net *net, const char *dir, char *err, size_t errlen)
{
    if (make_dirs(dir, err, errlen)) return -1;
    for (int k = 0; k < net->ngroups; k++) {
        char name[1024];
        snprintf(name, sizeof name, "%s.state.csv", net->groups[k]->name);
        if (write_file(dir, name, write_group_state, net, net->groups[k], err, errlen)) return -1;
    }
    return 0;
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
