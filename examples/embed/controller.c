/* SPDX-License-Identifier: MIT */
/* This file contains an embedding example: a spiking controller that drives
 * a simulated robot to a target, the network driven step by step from a
 * callback (Brian2's network_operation).  Two sensory neurons receive a
 * current proportional to the positive and the negative position error; each
 * excites a motor neuron, and each motor spike moves the robot 1 mm forwards
 * or backwards.  Every millisecond the callback reads the new motor spikes,
 * moves the robot, sets the sensory currents, and stops the run once the
 * robot is within 2 mm of the target.
 *     cc controller.c $(pkg-config --cflags --libs --static snn) -o controller */
#include <stdio.h>
#include <stdlib.h>

#include <snn.h>

typedef struct Robot {
    double x, target;       /* metres */
    size_t seen;            /* motor spikes already acted on */
    int    sensory, motor;  /* spike counts */
    int    steps;           /* callback calls */
} Robot;

static void check(snn_ctx *ctx, int rc, const char *what)
{
    if (rc == SNN_OK) return;
    fprintf(stderr, "controller: %s failed (%d):\n%s", what, rc, snn_errmsg(ctx));
    snn_free(ctx);
    exit(1);
}

/* Every 1 ms at the start of the step: act on the motor spikes, then feed
 * the error back as input current.  Returning 1 ends the run. */
static int control(snn_ctx *ctx, void *ud)
{
    Robot *r = ud;
    const int32_t *idx;
    size_t n, ns;
    if (snn_spikes(ctx, "Motor", &idx, NULL, &n) || snn_spikes(ctx, "Sense", NULL, NULL, &ns)) return 1;
    for (; r->seen < n; r->seen++) r->x += idx[r->seen] == 0 ? 1e-3 : -1e-3;
    r->motor = (int)n;
    r->sensory = (int)ns;
    double e = r->target - r->x;
    double *I = snn_var(ctx, "S", "I", NULL);
    if (!I) return 1;
    I[0] = e > 0 ? 100e-9 * e : 0.0;      /* 100 nA per metre */
    I[1] = e < 0 ? -100e-9 * e : 0.0;
    if (r->steps++ % 20 == 0)
        printf("%7.1f  %7.1f  %6.2f  %6.2f  %5d  %5d\n", snn_time(ctx) * 1e3, r->x * 1e3, I[0] * 1e9, I[1] * 1e9,
               r->sensory, r->motor);
    return e < 2e-3 && e > -2e-3;
}

int main(void)
{
    snn_ctx *ctx = snn_new();
    if (!ctx) return 1;
    check(ctx, snn_add_const(ctx, "tau", "10*ms"), "snn_add_const");
    check(ctx, snn_add_const(ctx, "R", "100*Mohm"), "snn_add_const");
    check(ctx, snn_add_neurons(ctx, "S", 2, "dv/dt = (R*I - v)/tau : volt (unless refractory)\nI : amp",
                               "v > 20*mV", "v = 0*mV", "2*ms", "exact"), "sensory neurons");
    check(ctx, snn_add_neurons(ctx, "M", 2, "dv/dt = -v/tau : volt", "v > 20*mV", "v = 0*mV", NULL, NULL),
          "motor neurons");
    check(ctx, snn_add_synapses(ctx, "SM", "S", "M", NULL, "v_post += 25*mV", NULL, "j='i'"), "synapses");
    check(ctx, snn_add_monitor(ctx, "spikemonitor", "Sense", "S"), "monitor");
    check(ctx, snn_add_monitor(ctx, "spikemonitor", "Motor", "M"), "monitor");
    Robot robot = { 0.0, 0.1, 0, 0, 0, 0 };
    check(ctx, snn_add_callback(ctx, SNN_SLOT_START, 10, control, &robot), "snn_add_callback");
    printf("# t (ms)   x (mm)  I+ (nA)  I- (nA)  sensory  motor\n");
    check(ctx, snn_run(ctx, 2.0), "snn_run");
    printf("reached x = %.0f mm (target %.0f mm) at t = %.1f ms: %d sensory and %d motor spikes\n", robot.x * 1e3,
           robot.target * 1e3, snn_time(ctx) * 1e3, robot.sensory, robot.motor);
    snn_free(ctx);
    return 0;
}
