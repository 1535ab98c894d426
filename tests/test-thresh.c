/* SPDX-License-Identifier: MIT */
/* This file contains the checks of the threshold's blocks (emit_tmpl.c: the
 * conditions of 256 neurons, then their spikes): a group of 600 neurons (two
 * whole blocks and a part) whose spikes are known without simulating, the
 * same through libtcc and the optimising tier; and a random threshold
 * whose spikes are the same in both tiers. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn.h"
#include "test-common.h"

/* Neuron i starts at v = i/300 and does not move: at step 0 exactly the
 * neurons i > 300 with i % 7 != 3 spike (i/300 == 1 for i = 300 is not
 * above 1); the reset sets v to 0, so no neuron spikes again.  Neurons
 * 511 and 512 sit on a block boundary. */
static const char known_model[] =
    "neurons G[600] {\n"
    "    model { dv/dt = 0/second : 1 }\n"
    "    threshold: v > 1 and (i % 7) != 3\n"
    "    reset: v = 0\n"
    "    refractory: 2*ms\n"
    "    method: euler\n"
    "    init { v = i/300 }\n"
    "}\n"
    "spikemonitor SM(G)\n"
    "run 10*ms\n";

/* Every neuron spikes at random, each step with probability 0.3, in
 * blocks of 256 and the rest. */
static const char random_model[] =
    "neurons G[700] {\n"
    "    model { x : 1 }\n"
    "    threshold: rand() < 0.3\n"
    "}\n"
    "spikemonitor SM(G)\n"
    "run 20*ms\n";

/* Runs model src with native mode `native`; its spikes (malloc'ed copies)
 * in *idx and *steps, their number returned. */
static size_t run_model(const char *src, int native, int32_t **idx, int64_t **steps)
{
    snn_ctx *ctx = snn_new();
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(snn_set_native(ctx, native), SNN_OK);
    int rc = snn_load_string(ctx, src, strlen(src), "thresh.snn");
    ck_assert_msg(rc == SNN_OK, "%s", snn_errmsg(ctx));
    if (native) {
        const char *why;
        ck_assert_msg(snn_build(ctx) == SNN_OK, "%s", snn_errmsg(ctx));
        ck_assert_msg(snn_native_status(ctx, &why) == SNN_NATIVE_INSTALLED, "the optimised code is not installed: %s",
                      why);
    }
    rc = snn_run_script(ctx);
    ck_assert_msg(rc == SNN_OK, "%s", snn_errmsg(ctx));
    const int32_t *i;
    const int64_t *s;
    size_t n;
    ck_assert_int_eq(snn_spikes(ctx, "SM", &i, &s, &n), SNN_OK);
    *idx = malloc(sizeof **idx * (n + 1));
    *steps = malloc(sizeof **steps * (n + 1));
    memcpy(*idx, i, sizeof **idx * n);
    memcpy(*steps, s, sizeof **steps * n);
    snn_free(ctx);
    return n;
}

/* valgrind does not know every instruction of -march=native code */
static bool no_native(void)
{
    if (!getenv("SNN_TEST_NO_NATIVE")) return false;
    printf("# skipped: the optimised code (SNN_TEST_NO_NATIVE is set)\n");
    fflush(stdout);
    return true;
}

static void check_known(int native)
{
    int32_t *idx;
    int64_t *steps;
    size_t n = run_model(known_model, native, &idx, &steps), k = 0;
    for (int i = 301; i < 600; i++) {
        if (i % 7 == 3) continue;
        ck_assert_msg(k < n, "neuron %d did not spike", i);
        ck_assert_int_eq(idx[k], i);
        ck_assert_int_eq(steps[k], 0);
        k++;
    }
    ck_assert_uint_eq(n, k);
    free(idx);
    free(steps);
}

START_TEST(known_spikes_libtcc)
{
    check_known(SNN_NATIVE_OFF);
}
END_TEST

START_TEST(known_spikes_native)
{
    if (no_native()) return;
    check_known(SNN_NATIVE_WAIT);
}
END_TEST

START_TEST(random_spikes_both_tiers)
{
    if (no_native()) return;
    int32_t *i0, *i1;
    int64_t *s0, *s1;
    size_t n0 = run_model(random_model, SNN_NATIVE_OFF, &i0, &s0);
    size_t n1 = run_model(random_model, SNN_NATIVE_WAIT, &i1, &s1);
    /* 700 neurons x 200 steps x 0.3 */
    ck_assert_msg(n0 > 40000 && n0 < 44000, "%zu spikes", n0);
    ck_assert_uint_eq(n0, n1);
    ck_assert(!memcmp(i0, i1, sizeof *i0 * n0) && !memcmp(s0, s1, sizeof *s0 * n0));
    /* in each step the indices are increasing, and neurons of every block spike */
    int seen[3] = { 0 };
    for (size_t k = 0; k < n0; k++) {
        if (k && s0[k] == s0[k - 1]) ck_assert_int_lt(i0[k - 1], i0[k]);
        seen[i0[k] / 256]++;
    }
    ck_assert(seen[0] && seen[1] && seen[2]);
    free(i0);
    free(s0);
    free(i1);
    free(s1);
}
END_TEST

static Suite *thresh_suite(void)
{
    Suite *s = suite_create("thresh");
    TCase *tc = tcase_create("blocks");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, known_spikes_libtcc);
    tcase_add_test(tc, known_spikes_native);
    tcase_add_test(tc, random_spikes_both_tiers);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(thresh_suite)
