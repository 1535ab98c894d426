/* SPDX-License-Identifier: MIT */
/* This file contains the tests of snn_rand_binomial_block (runtime/rng.c),
 * the draws of a Poisson input's loop made a block of indices at a time:
 * each must be snn_rand_binomial_tab's draw of its index (and so
 * snn_rand_binomial's), bit for bit, for every kind of table (zero, n,
 * the normal approximation, inversion), tables shorter than 8 entries,
 * draws past a table's end, and blocks of any length and start. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "abi.h"
#include "test-common.h"

/* Compare the block draw of (step, idx .. idx+count-1) with the per-draw
 * functions; returns the sum of the draws. */
static double check_block(snn_binomial *t, snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 count,
                          snn_i32 site)
{
    double out[600], sum = 0;
    ck_assert_int_le(count, 599);
    out[count] = -12345;   /* past the block: left alone */
    snn_rand_binomial_block(seed, stream, step, idx, count, site, t, out);
    ck_assert(out[count] == -12345);
    for (snn_i32 l = 0; l < count; l++) {
        snn_i32 i = (snn_i32)((uint32_t)idx + (uint32_t)l);
        double x = snn_rand_binomial_tab(seed, stream, step, i, site, t);
        double y = snn_rand_binomial(seed, stream, step, i, site, t->n, t->p);
        ck_assert_msg(memcmp(&x, &out[l], sizeof x) == 0 && memcmp(&y, &out[l], sizeof y) == 0,
                      "n %g p %g kind %d step %lld idx %d: block %.17g, tab %.17g, draw %.17g", t->n, t->p, t->kind,
                      (long long)step, i, out[l], x, y);
        sum += out[l];
    }
    return sum;
}

/* Every kind of table over many steps, starts and lengths: blocks shorter
 * and longer than SNN_BINOMIAL_AHEAD, starts off its multiples, negative
 * indices and one that wraps around 2^31. */
START_TEST(block_equals_draws)
{
    const double ns[] = { 0, 1, 2.5, 3, 7, 30, 100, 1500, 1600, 2100, 2900, 1e6 };
    const double ps[] = { 0, 1e-9, 8e-4, 0.01, 0.05, 0.1, 0.3, 0.999, 1, 1.5 };
    const snn_i32 starts[] = { 0, 1, 63, 64, 1000, -70, 2147483600 };
    const snn_i32 counts[] = { 0, 1, 7, 63, 64, 65, 129, 256, 300 };
    int kinds[4] = { 0 };
    double events = 0;
    for (size_t a = 0; a < sizeof ns / sizeof *ns; a++)
        for (size_t b = 0; b < sizeof ps / sizeof *ps; b++) {
            snn_binomial t = snn_binomial_table(ns[a], ps[b]);
            kinds[t.kind]++;
            for (int step = 0; step < 3; step++)
                for (size_t s = 0; s < sizeof starts / sizeof *starts; s++)
                    for (size_t c = 0; c < sizeof counts / sizeof *counts; c++)
                        events += check_block(&t, 5 + (snn_u64)step, 1, step * 1000003LL, starts[s], counts[c],
                                              (snn_i32)(2 + c));
        }
    for (int k = 0; k < 4; k++) ck_assert_int_gt(kinds[k], 0);
    ck_assert_double_gt(events, 0);
}
END_TEST

/* Past the table (16 entries): binomial(100, 0.05) is 16 or more about once
 * in 7000 draws; binomial(30, 0.16) and binomial(40, 0.12), mean 4.8 (the
 * largest of an inversion), often go past the first 8 sums and sometimes
 * past the table. */
START_TEST(block_past_the_table)
{
    const double np[][2] = { { 100, 0.05 }, { 30, 0.16 }, { 40, 0.12 } };
    int beyond = 0, past8 = 0;
    for (size_t q = 0; q < sizeof np / sizeof *np; q++) {
        snn_binomial t = snn_binomial_table(np[q][0], np[q][1]);
        ck_assert_int_eq(t.kind, 3);
        for (int step = 0; step < 1000; step++) {
            double out[256];
            snn_rand_binomial_block(3, 2, step, 7, 256, 4, &t, out);
            for (int l = 0; l < 256; l++) {
                double x = snn_rand_binomial_tab(3, 2, step, 7 + l, 4, &t);
                ck_assert_msg(memcmp(&x, &out[l], sizeof x) == 0, "n %g p %g step %d: %.17g != %.17g", t.n, t.p,
                              step, out[l], x);
                beyond += out[l] >= SNN_BINOMIAL_TABLE;
                past8 += out[l] >= 8;
            }
        }
    }
    ck_assert_int_gt(past8, 1000);
    ck_assert_int_gt(beyond, 2);
}
END_TEST

/* The microcircuit's background: binomial(1600, 8e-4) has mean 1.28. */
START_TEST(block_mean)
{
    snn_binomial t = snn_binomial_table(1600, 8e-4);
    double s = 0;
    for (int step = 0; step < 400; step++) s += check_block(&t, 9, 0, step, 3, 250, 1);
    ck_assert_double_eq_tol(s / (400 * 250), 1.28, 0.02);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("rng-block");
    TCase *tc = tcase_create("binomial");
    tcase_add_test(tc, block_equals_draws);
    tcase_add_test(tc, block_past_the_table);
    tcase_add_test(tc, block_mean);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
