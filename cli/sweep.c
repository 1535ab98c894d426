/* SPDX-License-Identifier: MIT */
/* This file contains 'snnc run --sweep NAME=v1,v2,...': one compiled model
 * run once per value of a constant, in one process (or in --jobs N
 * processes forked after the build), each run starting from the state the
 * network had before the first, as Brian2's 'for x in values: restore();
 * tau = x; run(...)'.  A client of snn.h only. */
#include "sweep.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SWEEP_STORE "snnc-sweep-start"

/* The directory of value text v: DIR/NAME=v without its '*' and with
 * every other character but letters, digits and ".+-" replaced by '_'
 * ("tau=5ms" for 5*ms, safe in a shell). */
static void value_dir(char *out, size_t n, const char *dir, const char *name, const char *v)
{
    int len = snprintf(out, n, "%s/%s=", dir, name);
    for (const char *p = v; *p && len + 1 < (int)n; p++) {
        char c = *p;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr(".+-", c);
        if (c != '*' && c != ' ') out[len++] = keep ? c : '_';
    }
    out[len] = 0;
}

/* mkdir -p dir (errors show when the list is written). */
static void make_dirs(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(path, 0777);
            *p = '/';
        }
    mkdir(path, 0777);
}

/* Run value k: back to the start, the constant set, the script, the
 * outputs.  Returns 0, 1 (an error), or 2 when a signal stopped the run
 * (then no further value runs). */
static int run_value(snn_ctx *ctx, const Sweep *sw, snn_snapshot *start, const char *value)
{
    char assign[1024], dir[4096];
    snprintf(assign, sizeof assign, "%s=%s", sw->name, value);
    value_dir(dir, sizeof dir, sw->outdir, sw->name, value);
    /* the stored state brings back the spike generators' spikes, the
     * snapshot the constants and the random state as they were (each value
     * is the simulation 'snnc run --set' runs, restores in its script
     * included) */
    int rc = snn_restore_random_state(ctx, SWEEP_STORE);
    if (!rc) rc = snn_snapshot_restore(ctx, start);
    if (!rc) rc = snn_set_const_expr(ctx, assign);
    if (!rc) rc = snn_run_script(ctx);
    if (!rc) rc = snn_write_run_format(ctx, dir, sw->file, sw->save_state, sw->format);
    if (rc == SNN_ESTOPPED) {
        fprintf(stderr, "snnc: --sweep %s: stopped; no further value runs\n", assign);
        return 2;
    }
    if (rc) return 1;   /* the error callback said why */
    printf("%s: simulated %.6g s, outputs: %s/\n", assign, snn_time(ctx), dir);
    fflush(stdout);
    return 0;
}

/* The values of the sweep, split at the commas of spec after '='. */
static int split_values(char *vals, char **out, int max)
{
    int n = 0;
    for (char *p = strtok(vals, ","); p && n < max; p = strtok(NULL, ",")) {
        while (*p == ' ') p++;
        if (*p) out[n++] = p;
    }
    return n;
}

int sweep_run(snn_ctx *ctx, const Sweep *sw)
{
    char *vals = strdup(sw->values);
    char **v = calloc(strlen(sw->values) + 1, sizeof *v);
    if (!vals || !v) {
        free(vals);
        free(v);
        fputs("snnc: out of memory\n", stderr);
        return 1;
    }
    int n = split_values(vals, v, (int)strlen(sw->values) + 1), status = 0;
    snn_snapshot *start = NULL;
    double value;
    if (snn_get_const(ctx, sw->name, &value)) {
        status = 1;   /* the error callback said why */
    } else if (!n) {
        fprintf(stderr, "snnc: --sweep %s: no values\n", sw->name);
        status = 1;
    } else if (snn_store(ctx, SWEEP_STORE) || snn_snapshot_take(ctx, &start)) {
        fprintf(stderr, "snnc: --sweep: %s\n", snn_errmsg(ctx));
        status = 1;
    }
    /* a list of what ran where, for scripts reading the results */
    char list[4096];
    snprintf(list, sizeof list, "%s/sweep.csv", sw->outdir);
    make_dirs(sw->outdir);
    FILE *f = status ? NULL : fopen(list, "w");
    if (!status && !f) {
        fprintf(stderr, "snnc: --sweep: cannot write %s: %s\n", list, strerror(errno));
        status = 1;
    }
    if (f) {
        fprintf(f, "k,%s,dir\n", sw->name);
        for (int k = 0; k < n; k++) {
            char dir[4096];
            value_dir(dir, sizeof dir, ".", sw->name, v[k]);
            fprintf(f, "%d,%s,%s\n", k, v[k], dir + 2);
        }
        status = fclose(f) != 0;
    }
    int jobs = sw->jobs < 1 ? 1 : sw->jobs > n ? (n ? n : 1) : sw->jobs;
    if (!status && jobs == 1) {
        for (int k = 0; k < n && status < 2; k++) status |= run_value(ctx, sw, start, v[k]);
    } else if (!status) {
        /* job j runs values j, j + jobs, ...; the network is built, so each
         * process only simulates */
        fflush(stdout);
        pid_t *pid = calloc((size_t)jobs, sizeof *pid);
        for (int j = 0; pid && j < jobs; j++) {
            pid[j] = fork();
            if (pid[j] == 0) {
                int st = 0;
                for (int k = j; k < n && st < 2; k += jobs) st |= run_value(ctx, sw, start, v[k]);
                fflush(stdout);
                _exit(st);
            }
            if (pid[j] < 0) status = 1;
        }
        for (int j = 0; pid && j < jobs; j++) {
            int ws;
            if (pid[j] > 0 && (waitpid(pid[j], &ws, 0) != pid[j] || !WIFEXITED(ws) || WEXITSTATUS(ws))) status = 1;
        }
        if (!pid) status = 1;
        free(pid);
    }
    snn_snapshot_free(start);
    free(vals);
    free(v);
    return status ? 1 : 0;
}
