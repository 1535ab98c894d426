/* SPDX-License-Identifier: MIT */
/* This file declares 'snnc run --sweep': one compiled model run once per
 * value of a constant (sweep.c). */
#ifndef SNNC_SWEEP_H
#define SNNC_SWEEP_H

#include <stdbool.h>

#include <snn.h>

typedef struct Sweep {
    const char *name;       /* the constant */
    const char *values;     /* "v1,v2,...", each a value with its unit */
    int         jobs;       /* processes (forked after the build) */
    const char *file;       /* the model file, for run.json */
    const char *outdir;     /* DIR: DIR/NAME=v/ per value, DIR/sweep.csv */
    int         save_state;
    int         format;     /* SNN_FORMAT_* */
} Sweep;

/* Run ctx's script (built already) once per value, each from the state
 * before the first, and write each value's outputs.  Returns the exit
 * status: 0, or 1 if some value failed (its message on stderr). */
int sweep_run(snn_ctx *ctx, const Sweep *sw);

#endif
