/* SPDX-License-Identifier: MIT */
/* This file contains an embedding example: the f-I curve of a leaky
 * integrate-and-fire neuron.  It loads a .snn model once, takes a snapshot of
 * the initial state, and then for each of 100 input currents restores the
 * snapshot, sets the constant I_in (no recompilation) and simulates 1 s; it
 * prints the firing rate next to the rate theory predicts.  With -t it also
 * reports on stderr what the first run cost (check, compile, build and
 * simulation) and what each later run cost (only its simulation).
 *     cc fi_curve.c $(pkg-config --cflags --libs --static snn) -lm -o fi_curve
 *     ./fi_curve [-t] [lif.snn] */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <snn.h>

#define NRUNS 100

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void check(snn_ctx *ctx, int rc, const char *what)
{
    if (rc == SNN_OK) return;
    fprintf(stderr, "fi_curve: %s failed (%d):\n%s", what, rc, snn_errmsg(ctx));
    snn_free(ctx);
    exit(1);
}

static double get(snn_ctx *ctx, const char *name)
{
    double v;
    check(ctx, snn_get_const(ctx, name, &v), name);
    return v;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int timing = argc > 1 && !strcmp(argv[1], "-t");
    const char *model = argc > 1 + timing ? argv[1 + timing] : "lif.snn";
    double t0 = now();
    snn_ctx *ctx = snn_new();
    if (!ctx) return 1;
    check(ctx, snn_load_file(ctx, model), "loading the model");
    snn_snapshot *start;
    check(ctx, snn_snapshot_take(ctx, &start), "snn_snapshot_take");   /* builds the network */
    double tau = get(ctx, "tau"), R = get(ctx, "R"), t_ref = get(ctx, "t_ref");
    double v_rest = get(ctx, "v_rest"), v_reset = get(ctx, "v_reset"), v_th = get(ctx, "v_th");

    static double cost[NRUNS];
    printf("# I_in (nA)  rate (Hz)  theory (Hz)\n");
    for (int k = 0; k < NRUNS; k++) {
        double t1 = now();
        double I = 0.01e-9 * k;
        check(ctx, snn_snapshot_restore(ctx, start), "snn_snapshot_restore");
        check(ctx, snn_set_const(ctx, "I_in", I), "snn_set_const");
        check(ctx, snn_run(ctx, 1.0), "snn_run");
        size_t n;
        check(ctx, snn_spikes(ctx, "SM", NULL, NULL, &n), "snn_spikes");
        cost[k] = now() - (k ? t1 : t0);
        /* theory: from the reset, v reaches the threshold after
         * tau*ln((v_inf - v_reset)/(v_inf - v_th)), v_inf = v_rest + R*I */
        double v_inf = v_rest + R * I;
        double theory = v_inf > v_th ? 1.0 / (t_ref + tau * log((v_inf - v_reset) / (v_inf - v_th))) : 0.0;
        printf("%10.2f  %9.0f  %11.1f\n", I * 1e9, (double)n / snn_time(ctx), theory);
    }
    if (timing) {
        double parse, emit, jit, sim;
        snn_timings(ctx, &parse, &emit, &jit, &sim);
        double later[NRUNS - 1], sum = 0;
        for (int k = 1; k < NRUNS; k++) sum += later[k - 1] = cost[k];
        qsort(later, NRUNS - 1, sizeof *later, cmp_double);
        fprintf(stderr, "first run: %.3f ms (check %.3f ms, emit %.3f ms, JIT %.3f ms, then build and simulation)\n",
                cost[0] * 1e3, parse * 1e3, emit * 1e3, jit * 1e3);
        fprintf(stderr, "later runs (%d): mean %.3f ms, median %.3f ms, min %.3f ms, max %.3f ms each "
                "(restore + set + 1 s simulated)\n", NRUNS - 1, sum / (NRUNS - 1) * 1e3,
                later[(NRUNS - 1) / 2] * 1e3, later[0] * 1e3, later[NRUNS - 2] * 1e3);
        fprintf(stderr, "simulation in all: %.3f ms\n", sim * 1e3);
    }
    snn_snapshot_free(start);
    snn_free(ctx);
    return 0;
}
