/* SPDX-License-Identifier: MIT */
/* This file contains the contract test of the public header: it includes
 * only snn.h and is compiled with -std=c99 -pedantic -Werror (see
 * tests/meson.build), then runs a small model through the API, so the header
 * stands alone, is plain C99, and its declarations match the library. */
#include <snn.h>

#include <stdio.h>
#include <string.h>

static int stop_now(snn_ctx *ctx, void *ud)
{
    (void)ctx;
    ++*(int *)ud;
    return 1;
}

int main(void)
{
    static const char model[] = "neurons G[2] {\n"
                                "    model { dv/dt = (1.1*mV - v)/(10*ms) : volt }\n"
                                "    threshold: v > 1*mV\n"
                                "    reset: v = 0*mV\n"
                                "}\n"
                                "spikemonitor SM(G)\n";
    snn_ctx *ctx = snn_new();
    const int32_t *idx;
    const int64_t *steps;
    size_t n = 0;
    int calls = 0;
    snn_snapshot *snap = NULL;
    if (!ctx) return 1;
    if (SNN_VERSION_NUMBER != 100 * SNN_VERSION_MINOR + 10000 * SNN_VERSION_MAJOR + SNN_VERSION_PATCH) return 2;
    if (strcmp(snn_version(), SNN_VERSION_STRING)) return 3;
    if (snn_load_string(ctx, model, sizeof model - 1, "pedantic.snn") != SNN_OK) return 4;
    if (snn_snapshot_take(ctx, &snap) != SNN_OK) return 5;
    if (snn_run(ctx, 0.1) != SNN_OK) return 6;
    if (snn_spikes(ctx, "SM", &idx, &steps, &n) != SNN_OK || n == 0) return 7;
    if (snn_snapshot_restore(ctx, snap) != SNN_OK || snn_time(ctx) != 0.0) return 8;
    if (snn_add_callback(ctx, SNN_SLOT_END, 5, stop_now, &calls) != SNN_OK) return 9;
    if (snn_run(ctx, 0.1) != SNN_OK || calls != 1) return 10;
    if (snn_run(ctx, -1.0) != SNN_EMISUSE || !snn_errmsg(ctx)[0]) return 11;
    snn_snapshot_free(snap);
    snn_free(ctx);
    printf("1..1\nok 1 - snn.h is C99 and matches the library\n");
    return 0;
}
