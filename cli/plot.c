/* SPDX-License-Identifier: MIT */
/* This file contains the driver of the plotting module (plot.h): the
 * options of `snnc plot`, and plot_run, which finds what a run wrote (the
 * monitors run.json lists, as CSV or npy, else every monitor CSV in the
 * directory; the final-state files of --save-state), checks the --monitor
 * names against it, and hands each to its figure: plot_raster.c,
 * plot_trace.c or plot_hist.c. */
#define _POSIX_C_SOURCE 200809L
#include "plot_impl.h"
#include "smooth.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- options ------------------------------------------------------- */

void plot_options_init(PlotOptions *o)
{
    memset(o, 0, sizeof *o);
    o->formats = PLOT_PNG | PLOT_SVG;
    o->neuron_hi = -1;
    o->t_lo = -INFINITY;
    o->t_hi = INFINITY;
    o->smooth = SMOOTH_NONE;
}

/* A duration with its unit, "100ms", "0.1 s", "250*us" into seconds. */
static int parse_time(const char *s, double *out)
{
    static const struct { const char *name; double f; } units[] = {
        { "s", 1 }, { "second", 1 }, { "ms", 1e-3 }, { "msecond", 1e-3 }, { "us", 1e-6 }, { "\u00b5s", 1e-6 },
        { "usecond", 1e-6 }, { "ns", 1e-9 }, { "nsecond", 1e-9 },
    };
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v)) return -1;
    while (*end == ' ') end++;
    if (*end == '*') end++;
    while (*end == ' ') end++;
    if (!*end) {
        *out = v;
        return v == 0 ? 0 : -2;                  /* a bare number needs a unit, but 0 is 0 */
    }
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
        if (!strcmp(end, units[k].name)) {
            *out = v * units[k].f;
            return 0;
        }
    return -1;
}

/* "A:B" into its two halves (either may be empty); no colon: *b = NULL. */
static int split_colon(const char *v, char *a, char *b, size_t n, bool *colon)
{
    const char *c = strchr(v, ':');
    *colon = c != NULL;
    size_t la = c ? (size_t)(c - v) : strlen(v);
    if (la >= n || (c && strlen(c + 1) >= n)) return -1;
    memcpy(a, v, la);
    a[la] = 0;
    snprintf(b, n, "%s", c ? c + 1 : "");
    return 0;
}

/* A neuron index (a whole number >= 0). */
static int parse_index(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < 0) return -1;
    *out = v;
    return 0;
}

int plot_option(PlotOptions *o, const char *opt, const char *v, char *err, size_t errlen)
{
    char a[128], b[128];
    bool colon;
    if (!strcmp(opt, "--monitor")) {
        if (!v[0]) return snprintf(err, errlen, "--monitor needs a monitor's name"), -1;
        if (o->nmonitors == PLOT_MAX_SELECT)
            return snprintf(err, errlen, "--monitor: at most %d monitors", PLOT_MAX_SELECT), -1;
        o->monitors[o->nmonitors++] = v;
        return 1;
    }
    if (!strcmp(opt, "--format")) {
        if (!strcmp(v, "png")) o->formats = PLOT_PNG;
        else if (!strcmp(v, "svg")) o->formats = PLOT_SVG;
        else if (!strcmp(v, "both")) o->formats = PLOT_PNG | PLOT_SVG;
        else return snprintf(err, errlen, "--format takes png, svg or both, not '%s'", v), -1;
        return 1;
    }
    if (!strcmp(opt, "-o")) {
        if (!v[0]) return snprintf(err, errlen, "-o needs a directory"), -1;
        o->out_dir = v;
        return 1;
    }
    if (!strcmp(opt, "--neurons")) {
        long lo = 0, hi = -1;
        if (split_colon(v, a, b, sizeof a, &colon) || (a[0] && parse_index(a, &lo)) ||
            (b[0] && parse_index(b, &hi)) || (!colon && !a[0]))
            return snprintf(err, errlen, "--neurons takes FIRST:END (neurons FIRST to END-1, as Python's "
                            "slice; either may be left out) or one index, not '%s'", v), -1;
        if (!colon) hi = lo + 1;
        if (hi >= 0 && hi <= lo)
            return snprintf(err, errlen, "--neurons: '%s' holds no neuron (END must be greater than FIRST)", v), -1;
        o->neuron_lo = lo;
        o->neuron_hi = hi;
        return 1;
    }
    if (!strcmp(opt, "--window")) {
        double lo = -INFINITY, hi = INFINITY;
        int ra = 0, rb = 0;
        if (split_colon(v, a, b, sizeof a, &colon) || !colon || (!a[0] && !b[0]) ||
            (a[0] && (ra = parse_time(a, &lo))) || (b[0] && (rb = parse_time(b, &hi))))
            return snprintf(err, errlen, "--window takes START:END, times with units (100ms:300ms, 0.5s:, "
                            ":50ms), not '%s'%s", v, ra == -2 || rb == -2 ? " (a time needs its unit)" : ""), -1;
        if (hi <= lo) return snprintf(err, errlen, "--window: '%s' ends before it starts", v), -1;
        o->t_lo = lo;
        o->t_hi = hi;
        return 1;
    }
    if (!strcmp(opt, "--along")) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s", v);
        o->nalong = 0;
        for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            double t;
            while (*tok == ' ') tok++;
            int r = parse_time(tok, &t);
            if (r || t < 0)
                return snprintf(err, errlen, "--along takes times with units, separated by commas (10ms,20ms), "
                                "not '%s'%s", tok, r == -2 ? " (a time needs its unit)" : ""), -1;
            if (o->nalong == PLOT_MAX_ALONG)
                return snprintf(err, errlen, "--along: at most %d times", PLOT_MAX_ALONG), -1;
            o->along[o->nalong++] = t;
        }
        if (!o->nalong) return snprintf(err, errlen, "--along needs one time or more (10ms,20ms)"), -1;
        return 1;
    }
    if (!strcmp(opt, "--smooth")) {
        double w = 0;
        int kind = SMOOTH_NONE, r = 0;
        if (!split_colon(v, a, b, sizeof a, &colon) && colon)
            kind = !strcmp(a, "gaussian") ? SMOOTH_GAUSSIAN : !strcmp(a, "flat") ? SMOOTH_FLAT : SMOOTH_NONE;
        if (kind == SMOOTH_NONE || (r = parse_time(b, &w)) || !(w > 0))
            return snprintf(err, errlen, "--smooth takes gaussian:WIDTH or flat:WIDTH, a positive time with "
                            "its unit (gaussian:5ms, flat:10ms), not '%s'%s", v,
                            r == -2 ? " (the width needs its unit)" : ""), -1;
        o->smooth = kind;
        o->smooth_width = w;
        return 1;
    }
    return 0;
}

/* ---- what the run wrote -------------------------------------------- */

/* Whether --monitor asks for name (no --monitor: everything is asked). */
static bool wanted(const Ctx *c, const char *name)
{
    for (int k = 0; k < c->o->nmonitors; k++)
        if (!strcmp(c->o->monitors[k], name)) return true;
    return c->o->nmonitors == 0;
}

/* Plots a table as its kind says; counts it in *plotted.  Unknown kinds
 * are skipped with a warning. */
static int plot_table(Ctx *c, const char *name, Table *t, int *plotted)
{
    enum Kind k = table_kind(t);
    int rc = 0;
    if (k == K_UNKNOWN)
        plot_warn(c, "%s: not a monitor output (columns '%.60s'), skipped", t->path, t->raw ? t->raw : "?");
    else if ((rc = k == K_SPIKES ? plot_spikes(c, name, t) : plot_lines(c, name, t, k)) == 0)
        (*plotted)++;
    return rc;
}

/* Plots the CSV file of monitor name. */
static int plot_csv(Ctx *c, const char *name, const char *fname, int *plotted)
{
    char *path = plot_cat3(c->dir, "/", fname);
    Table t = {0};
    int rc = path ? table_open_csv(c, &t, path) : plot_fail(c, "out of memory");
    if (rc == 0) rc = plot_table(c, name, &t, plotted);
    table_close(&t);
    free(path);
    return rc;
}

/* scandir filters: monitor CSVs, and final-state files. */
static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n > m && !strcmp(s + n - m, tail);
}
static int is_monitor_csv(const struct dirent *e)
{
    return ends_with(e->d_name, ".csv") && !ends_with(e->d_name, ".state.csv");
}
static int is_state_csv(const struct dirent *e) { return ends_with(e->d_name, ".state.csv"); }

/* Without run.json: every CSV of the directory, by its header. */
static int plot_csv_files(Ctx *c, int *plotted, int *ncsv)
{
    struct dirent **names = NULL;
    int n = scandir(c->dir, &names, is_monitor_csv, alphasort), rc = 0;
    if (n < 0) return plot_fail(c, "cannot open directory '%s': %s", c->dir, strerror(errno));
    *ncsv = n;
    for (int i = 0; i < n; i++) {
        char name[512];
        snprintf(name, sizeof name, "%.*s", (int)strlen(names[i]->d_name) - 4, names[i]->d_name);
        char *path = plot_cat3(c->dir, "/", names[i]->d_name);
        struct stat st;
        bool file = path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
        free(path);
        if (rc == 0 && file && wanted(c, name)) rc = plot_csv(c, name, names[i]->d_name, plotted);
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

/* Opens the table of monitor m: its npy files or NAME.csv (whose path,
 * in *path, the caller frees after closing t). */
static int open_monitor(Ctx *c, const RunMonitor *m, Table *t, char **path)
{
    memset(t, 0, sizeof *t);
    *path = NULL;
    if (!strcmp(c->run.format, "npy")) return table_open_npy(c, t, m);
    char fname[600];
    snprintf(fname, sizeof fname, "%s.csv", m->name);
    *path = plot_cat3(c->dir, "/", fname);
    return *path ? table_open_csv(c, t, *path) : plot_fail(c, "out of memory");
}

/* The monitors run.json lists, from their CSV or npy files; with --along,
 * the state monitors of spatialneurons groups also along the cable. */
static int plot_run_monitors(Ctx *c, int *plotted)
{
    int along = 0;
    for (int k = 0; k < c->run.nmon; k++) {
        const RunMonitor *m = &c->run.mon[k];
        if (!wanted(c, m->name)) continue;
        Table t;
        char *path;
        int rc = open_monitor(c, m, &t, &path);
        if (rc == 0) rc = plot_table(c, m->name, &t, plotted);
        if (rc == 0 && c->o->nalong && m->distance && m->kind && !strcmp(m->kind, "statemonitor")) {
            rc = table_rewind(c, &t);
            if (rc == 0) rc = plot_along(c, m, &t);
            along++;
        }
        table_close(&t);
        free(path);
        if (rc) return -1;
    }
    if (c->o->nalong && !along)
        return plot_fail(c, "--along: '%s' has no state monitor of a spatialneurons group%s (run.json gives "
                         "none with distances)", c->dir, c->o->nmonitors ? " among those asked for" : "");
    return 0;
}

/* The final states: those run.json lists, else every *.state.csv. */
static int plot_states(Ctx *c, int *plotted)
{
    int rc = 0;
    if (c->run.found) {
        for (int k = 0; rc == 0 && k < c->run.nstate; k++) {
            const RunState *st = &c->run.state[k];
            if (!st->file || !wanted(c, st->source)) continue;
            if (strchr(st->file, '/'))
                return plot_fail(c, "%s/run.json: state file '%s' is not in the run's directory", c->dir, st->file);
            char *path = plot_cat3(c->dir, "/", st->file);
            rc = path ? plot_state(c, st->source, path) : plot_fail(c, "out of memory");
            free(path);
            *plotted += rc == 0;
        }
        return rc;
    }
    struct dirent **names = NULL;
    int n = scandir(c->dir, &names, is_state_csv, alphasort);
    for (int i = 0; i < n; i++) {
        char group[512];
        snprintf(group, sizeof group, "%.*s", (int)strlen(names[i]->d_name) - 10, names[i]->d_name);
        if (rc == 0 && wanted(c, group)) {
            char *path = plot_cat3(c->dir, "/", names[i]->d_name);
            rc = path ? plot_state(c, group, path) : plot_fail(c, "out of memory");
            free(path);
            *plotted += rc == 0;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

/* Every --monitor name must be a monitor or a group with a final state. */
static int check_selection(Ctx *c)
{
    for (int k = 0; k < c->o->nmonitors; k++) {
        const char *want = c->o->monitors[k];
        bool found = false;
        char have[600] = "";
        size_t n = 0;
        if (c->run.found) {
            for (int q = 0; q < c->run.nmon; q++) {
                found |= !strcmp(c->run.mon[q].name, want);
                n += (size_t)snprintf(have + n, n < sizeof have ? sizeof have - n : 0, "%s%s", n ? ", " : "",
                                      c->run.mon[q].name);
            }
            for (int q = 0; q < c->run.nstate; q++) {
                found |= !strcmp(c->run.state[q].source, want);
                n += (size_t)snprintf(have + n, n < sizeof have ? sizeof have - n : 0, "%s%s (final state)",
                                      n ? ", " : "", c->run.state[q].source);
            }
        } else {
            char *p1 = plot_cat3(c->dir, "/", want), *p2 = p1 ? plot_cat3(p1, ".csv", "") : NULL,
                 *p3 = p1 ? plot_cat3(p1, ".state.csv", "") : NULL;
            struct stat st;
            found = (p2 && stat(p2, &st) == 0) || (p3 && stat(p3, &st) == 0);
            free(p1);
            free(p2);
            free(p3);
        }
        if (!found)
            return plot_fail(c, "--monitor %s: '%s' has no monitor or final state of that name%s%s%s", want, c->dir,
                             have[0] ? " (it has " : c->run.found ? " (run.json lists none)" : "",
                             have[0] ? have : "", have[0] ? ")" : "");
    }
    return 0;
}

/* Where the pictures go: prefix + NAME + ext. */
static int make_prefix(Ctx *c)
{
    const PlotOptions *o = c->o;
    if (o->out_prefix) c->prefix = strdup(o->out_prefix);
    else {
        const char *d = o->out_dir ? o->out_dir : c->dir;
        size_t n = strlen(d);
        if (o->out_dir && mkdir(d, 0777) != 0 && errno != EEXIST)
            return plot_fail(c, "-o %s: cannot make the directory: %s", d, strerror(errno));
        struct stat st;
        if (o->out_dir && (stat(d, &st) != 0 || !S_ISDIR(st.st_mode)))
            return plot_fail(c, "-o %s: not a directory", d);
        c->prefix = plot_cat3(d, n && d[n - 1] == '/' ? "" : "/", "");
    }
    return c->prefix ? 0 : plot_fail(c, "out of memory");
}

int plot_run(const char *dir, const PlotOptions *o, char *msg, size_t msglen)
{
    Ctx c = {.dir = dir, .o = o};
    int plotted = 0, ncsv = 0, rc = 0;
    struct stat st;

    if (!dir || !dir[0]) rc = plot_fail(&c, "no output directory given");
    else if (!o || !(o->formats & (PLOT_PNG | PLOT_SVG)))
        rc = plot_fail(&c, "no output format requested (PLOT_PNG, PLOT_SVG)");
    else if (stat(dir, &st) != 0)
        rc = plot_fail(&c, "cannot open directory '%s': %s", dir, strerror(errno));
    else if (!S_ISDIR(st.st_mode))
        rc = plot_fail(&c, "cannot open directory '%s': not a directory", dir);
    else if (plot_read_run(dir, &c.run, c.err, sizeof c.err)) rc = -1;
    if (rc == 0 && strcmp(c.run.format, "csv") && strcmp(c.run.format, "npy"))
        rc = plot_fail(&c, "%s/run.json: format '%s' is neither csv nor npy", dir, c.run.format);
    if (rc == 0) rc = check_selection(&c);
    if (rc == 0) rc = make_prefix(&c);
    if (rc == 0) rc = c.run.found ? plot_run_monitors(&c, &plotted) : plot_csv_files(&c, &plotted, &ncsv);
    if (rc == 0) rc = plot_states(&c, &plotted);
    if (rc == 0 && !plotted) {
        if (c.run.found) rc = plot_fail(&c, "no monitor outputs found in '%s' (run.json lists no monitor%s)", dir,
                                        o->nmonitors ? " of those asked for" : "");
        else if (ncsv) rc = plot_fail(&c, "no monitor outputs found in '%s' (%d CSV file%s, none recognised)",
                                      dir, ncsv, ncsv == 1 ? "" : "s");
        else rc = plot_fail(&c, "no monitor outputs found in '%s' (no .csv files, no run.json)", dir);
    }
    plot_run_free(&c.run);
    free(c.prefix);

    if (msg && msglen) {
        if (rc) snprintf(msg, msglen, "%s%s%s", c.err, c.wlen ? "\n" : "", c.warn);
        else snprintf(msg, msglen, "%s", c.warn);
    }
    return rc ? -1 : 0;
}

int plot_dir(const char *dir, const char *out_prefix, int formats, char *msg, size_t msglen)
{
    PlotOptions o;
    plot_options_init(&o);
    o.formats = formats;
    o.out_prefix = out_prefix;
    return plot_run(dir, &o, msg, msglen);
}
