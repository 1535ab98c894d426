/* SPDX-License-Identifier: MIT */
/* This file contains the fuzz target over restoring snapshots: a fixed
 * model (tests/defects/snapmodel.snn: heterogeneous delays, spike and state
 * monitors) is built once; each input is a snapshot payload, wrapped in a
 * valid header with its checksum computed, as a hostile file would be; it
 * is restored and, if accepted, the network runs 30 steps and summarises its
 * monitors.  A whole snapshot file as input (a seed from tests/defects/*.snap)
 * is used for its payload.  Before each input the state of the start is
 * restored, so inputs do not depend on each other.  A crash, a hang or a
 * sanitizer report is a bug. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "snapshot.h"
#include "snn.h"
#include "../snapshot_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char model[] = SNAPSHOT_SMALL_MODEL;

static snn_ctx *ctx;
static snn_snapshot *start;
static unsigned char header[SNAPSHOT_HEADER];

static void quiet(void *ud, const char *rendered)
{
    (void)ud;
    (void)rendered;
}

/* Build the model once and keep its start state and a valid header. */
static int setup(void)
{
    ctx = snn_new();
    if (!ctx) return -1;
    snn_set_error_cb(ctx, quiet, NULL);
    snn_set_native(ctx, SNN_NATIVE_OFF);
    if (snn_load_string(ctx, model, sizeof model - 1, "snapmodel.snn") || snn_run_steps(ctx, 25) ||
        snn_snapshot_take(ctx, &start))
        return -1;
    size_t n;
    memcpy(header, snn_snapshot_data(start, &n), SNAPSHOT_HEADER);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ctx && setup()) abort();
    if (size >= SNAPSHOT_HEADER + 8 && !memcmp(data, header, 16)) {
        data += SNAPSHOT_HEADER;                /* a whole file: its payload */
        size -= SNAPSHOT_HEADER + 8;
    }
    unsigned char *img = malloc(SNAPSHOT_HEADER + size + 8);
    if (!img) return 0;
    uint64_t len = size, sum = snn_fnv1a(SNN_FNV1A_BASIS, data, size);
    memcpy(img, header, SNAPSHOT_HEADER - 8);
    memcpy(img + SNAPSHOT_HEADER - 8, &len, 8);
    if (size) memcpy(img + SNAPSHOT_HEADER, data, size);
    memcpy(img + SNAPSHOT_HEADER + size, &sum, 8);
    if (snn_snapshot_restore(ctx, start)) abort();
    snn_snapshot *s;
    if (snn_snapshot_from_data(img, SNAPSHOT_HEADER + size + 8, &s) == SNN_OK) {
        if (snn_snapshot_restore(ctx, s) == SNN_OK) {
            snn_run_steps(ctx, 30);
            snn_summary(ctx);
        } else if (snn_time(ctx) != 25 * snn_dt(ctx)) {
            abort();                            /* a refused snapshot changed the network */
        }
        snn_snapshot_free(s);
    }
    free(img);
    return 0;
}
