/* SPDX-License-Identifier: MIT */
/* This file declares the writers of monitor data: CSV files that numpy,
 * pandas and spreadsheets read without help, run.json, and the run summary. */
#ifndef SNN_OUTPUT_H
#define SNN_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net.h"

/* What a run wrote, for run.json. */
typedef struct RunInfo {
    const char *version;        /* snnc's */
    const char *model;          /* the model file, or NULL */
    uint64_t    seed;
    int64_t     steps_planned;  /* the steps of the model's runs, -1 if unknown */
    bool        complete;       /* false: the run was stopped early */
    /* the unit of a group's variable ("volt"), or NULL if not known */
    const char *(*unit)(void *ud, const char *group, const char *var);
    void       *unit_ud;
} RunInfo;

/* What output_write writes; OUT_NPY: the monitors as .npy arrays
 * (DIR/<name>.<variable>.npy) instead of DIR/<name>.csv. */
enum { OUT_MONITORS = 1, OUT_STATE = 2, OUT_NPY = 4 };

/* Write a set of files to DIR, creating DIR if needed: with OUT_MONITORS
 * every monitor to DIR/<name>.csv, with OUT_STATE every group's current
 * values to DIR/<name>.state.csv (one column per variable, one row per
 * neuron or synapse; synapses also get their i and j), and with info also
 * DIR/run.json.  All or nothing: each file is written and synced under a
 * temporary name in DIR, and all are renamed into place only when all were
 * written; on any failure DIR keeps the files it had, no temporary is left,
 * and -1 is returned with a message in err.  Else 0. */
int   output_write(Net *net, const char *dir, int what, const RunInfo *info, char *err, size_t errlen);
/* output_write(net, dir, OUT_MONITORS, NULL, ...) */
int   output_write_all(Net *net, const char *dir, char *err, size_t errlen);
/* output_write(net, dir, OUT_STATE, NULL, ...) */
int   output_write_state(Net *net, const char *dir, char *err, size_t errlen);
/* Remove the temporaries of every set being written.  Only unlink(), so a
 * signal handler may call it before the process dies. */
void  output_remove_temporaries(void);
/* Write x as "%.17g" does into buf (32 bytes or more), without a NUL;
 * returns the length.  Faster than snprintf, the same text. */
size_t output_fmt_double(char *buf, double x);
/* v as decimal text in buf (at least 21 bytes); returns the length. */
size_t output_fmt_int(char *buf, long long v);
/* "SM: 34 spikes (G: 20, 13, 1)" lines, malloc'ed. */
char *output_summary(Net *net);

#endif
