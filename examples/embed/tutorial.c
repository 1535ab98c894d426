/* SPDX-License-Identifier: MIT */
/* This file contains an embedding example: the network of the Brian2 tutorial
 * (examples/tutorial.snn) built in C from equation strings, run for 100 ms,
 * its spikes printed one per line ("neuron time_ms").  Build it against the
 * installed library:
 *     cc tutorial.c $(pkg-config --cflags --libs --static snn) -o tutorial */
#include <stdio.h>
#include <stdlib.h>

#include <snn.h>

/* Print the error of a failed call and leave. */
static void check(snn_ctx *ctx, int rc, const char *what)
{
    if (rc == SNN_OK) return;
    fprintf(stderr, "tutorial: %s failed (%d):\n%s", what, rc, snn_errmsg(ctx));
    snn_free(ctx);
    exit(1);
}

int main(int argc, char **argv)
{
    double w_gi = argc > 1 ? atof(argv[1]) * 1e-9 : 0.0;     /* nS */
    snn_ctx *ctx = snn_new();
    if (!ctx) return 1;
    /* constants, with units, as in a .snn file */
    static const char *const consts[][2] = {
        { "c", "100*pF" }, { "vl", "-70*mV" }, { "gl", "5*nS" },
        { "ge_tau", "20*ms" }, { "ve", "0*mV" }, { "gi_tau", "100*ms" }, { "vi", "-80*mV" },
        { "w_ge", "1.0*nS" }, { "w_gi", "0.0*nS" },
    };
    for (size_t k = 0; k < sizeof consts / sizeof *consts; k++)
        check(ctx, snn_add_const(ctx, consts[k][0], consts[k][1]), "snn_add_const");
    /* the group: Brian2's equation, threshold and reset strings */
    check(ctx, snn_add_neurons(ctx, "G", 3,
                               "dv/dt = -(gl * (v - vl) + ge * (v - ve) + gi * (v - vi) - I)/c : volt\n"
                               "dge/dt = -ge / ge_tau : siemens\n"
                               "dgi/dt = -gi / gi_tau : siemens\n"
                               "I : amp\n",
                               "v > -40*mV", "v = vl", NULL, "euler"),
          "snn_add_neurons");
    check(ctx, snn_add_item(ctx, "G", "init", "I = [0.7, 0.5, 0]*nA\nv = -70*mV"), "snn_add_item");
    check(ctx, snn_add_synapses(ctx, "Se", "G", "G", NULL, "ge_post += w_ge", NULL, "i=0, j=2"), "snn_add_synapses");
    check(ctx, snn_add_synapses(ctx, "Si", "G", "G", NULL, "gi_post += w_gi", NULL, "i=1, j=2"), "snn_add_synapses");
    check(ctx, snn_add_monitor(ctx, "spikemonitor", "SM", "G"), "snn_add_monitor");
    /* a value change needs no recompilation */
    check(ctx, snn_set_const(ctx, "w_gi", w_gi), "snn_set_const");
    check(ctx, snn_run(ctx, 0.1), "snn_run");

    const int32_t *idx;
    const int64_t *steps;
    size_t n;
    check(ctx, snn_spikes(ctx, "SM", &idx, &steps, &n), "snn_spikes");
    int per[3] = { 0, 0, 0 };
    for (size_t k = 0; k < n; k++) {
        printf("%d %.1f\n", idx[k], (double)steps[k] * snn_dt(ctx) * 1e3);
        per[idx[k]]++;
    }
    printf("SM: %zu spikes (per neuron: %d %d %d) in %g s\n", n, per[0], per[1], per[2], snn_time(ctx));
    snn_free(ctx);
    return 0;
}
