/* SPDX-License-Identifier: MIT */
/* This file contains the tests of connect(total=K), the fixed-total-number
 * rule (NEST's fixed_total_number, used by the Potjans-Diesmann
 * microcircuit): exactly K synapses, every index in range, grouped by
 * source, multapses when K exceeds the pairs, subgroups on both sides; the
 * pairs uniform (chi-square over sources, targets and pairs, and the
 * out-degree variance of a multinomial); the same network for the same seed
 * and thread count 1 or 3, another for another seed; the memory check before
 * connecting counts K. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn.h"
#include "test-common.h"

/* Build src with seed and threads; fails the test unless it builds. */
static snn_ctx *built(const char *src, uint64_t seed, int threads)
{
    snn_ctx *ctx = snn_new();
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(snn_set_seed(ctx, seed), SNN_OK);
    ck_assert_int_eq(snn_set_threads(ctx, threads), SNN_OK);
    int rc = snn_load_string(ctx, src, strlen(src), "t.snn");
    if (!rc) rc = snn_build(ctx);
    ck_assert_msg(rc == SNN_OK, "%s", snn_errmsg(ctx));
    return ctx;
}

static const char *net_src(int npre, int npost, long total)
{
    static char src[1024];
    snprintf(src, sizeof src,
             "neurons A[%d] { model { v : 1 } threshold: False }\n"
             "neurons B[%d] { model { v : 1 } }\n"
             "synapses S(A -> B) { on_pre: v_post += 1\n    connect(total=%ld) }\n",
             npre, npost, total);
    return src;
}

/* Exactly K synapses, indices in range, sources in order; K = 3x the pairs
 * forces multapses. */
START_TEST(count_range_order)
{
    const long totals[] = { 0, 1, 17, 3 * 7 * 5, 10000 };
    for (size_t t = 0; t < sizeof totals / sizeof *totals; t++) {
        snn_ctx *ctx = built(net_src(7, 5, totals[t]), 1, 1);
        const int32_t *pre, *post;
        size_t n;
        ck_assert_int_eq(snn_synapses(ctx, "S", &pre, &post, &n), SNN_OK);
        ck_assert_uint_eq(n, (size_t)totals[t]);
        ck_assert_int_eq(snn_group_size(ctx, "S"), totals[t]);
        int multapses = 0;
        for (size_t k = 0; k < n; k++) {
            ck_assert(pre[k] >= 0 && pre[k] < 7 && post[k] >= 0 && post[k] < 5);
            if (k) ck_assert_int_le(pre[k - 1], pre[k]);
            for (size_t m = 0; m < k && !multapses; m++) multapses = pre[m] == pre[k] && post[m] == post[k];
        }
        if (totals[t] > 35) ck_assert_msg(multapses, "K = %ld > 35 pairs but no multapse", totals[t]);
        snn_free(ctx);
    }
}
END_TEST

/* Subgroups as source and target: indices count from their starts, and
 * only their neurons are drawn. */
START_TEST(subgroups)
{
    snn_ctx *ctx = built("neurons P[100] { model { v : 1 } threshold: False }\n"
                         "subgroup Pe = P[0:80]\n"
                         "synapses S(P[90:100] -> Pe) { on_pre: v_post += 1\n    connect(total=5000) }\n", 2, 1);
    const int32_t *pre, *post;
    size_t n;
    ck_assert_int_eq(snn_synapses(ctx, "S", &pre, &post, &n), SNN_OK);
    ck_assert_uint_eq(n, 5000);
    int seen_pre[10] = { 0 }, seen_post[80] = { 0 };
    for (size_t k = 0; k < n; k++) {
        ck_assert(pre[k] >= 0 && pre[k] < 10 && post[k] >= 0 && post[k] < 80);
        seen_pre[pre[k]] = seen_post[post[k]] = 1;
    }
    for (int k = 0; k < 10; k++) ck_assert(seen_pre[k]);
    for (int k = 0; k < 80; k++) ck_assert(seen_post[k]);
    snn_free(ctx);
}
END_TEST

/* Pearson's chi-square of counts c[0..n) against a uniform expectation. */
static double chi_square(const long *c, int n, double expected)
{
    double x = 0;
    for (int k = 0; k < n; k++) x += (c[k] - expected) * (c[k] - expected) / expected;
    return x;
}

/* Uniform pairs: the counts per source, per target and per pair follow the
 * uniform expectation (chi-square within 5 standard deviations of its
 * mean), and the out-degrees have a multinomial's variance K p (1 - p)
 * (within 25%: pooled over 5 seeds of 50 sources, the sample variance is
 * good to about 9% at one sigma). */
START_TEST(uniform_pairs)
{
    enum { NPRE = 50, NPOST = 40, K = 200000 };
    double var_sum = 0;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        snn_ctx *ctx = built(net_src(NPRE, NPOST, K), seed, 1);
        const int32_t *pre, *post;
        size_t n;
        ck_assert_int_eq(snn_synapses(ctx, "S", &pre, &post, &n), SNN_OK);
        ck_assert_uint_eq(n, K);
        long cpre[NPRE] = { 0 }, cpost[NPOST] = { 0 }, *cpair = calloc(NPRE * NPOST, sizeof *cpair);
        for (size_t k = 0; k < n; k++) cpre[pre[k]]++, cpost[post[k]]++, cpair[pre[k] * NPOST + post[k]]++;
        struct { const long *c; int n; } sets[] = { { cpre, NPRE }, { cpost, NPOST }, { cpair, NPRE * NPOST } };
        for (int s = 0; s < 3; s++) {
            double x = chi_square(sets[s].c, sets[s].n, (double)K / sets[s].n), df = sets[s].n - 1;
            ck_assert_msg(fabs(x - df) < 5 * sqrt(2 * df), "seed %d, set %d: chi-square %g for %g degrees of freedom",
                          (int)seed, s, x, df);
        }
        double mean = (double)K / NPRE, v = 0;
        for (int k = 0; k < NPRE; k++) v += (cpre[k] - mean) * (cpre[k] - mean);
        var_sum += v / (NPRE - 1);
        free(cpair);
        snn_free(ctx);
    }
    double expected = K * (1.0 / NPRE) * (1 - 1.0 / NPRE);
    ck_assert_msg(fabs(var_sum / 5 / expected - 1) < 0.25, "out-degree variance %g, a multinomial's %g", var_sum / 5,
                  expected);
}
END_TEST

/* The same seed gives the same synapses whatever the thread count, another
 * seed others. */
START_TEST(repeatable)
{
    snn_ctx *a = built(net_src(30, 20, 3000), 7, 1), *b = built(net_src(30, 20, 3000), 7, 3),
            *c = built(net_src(30, 20, 3000), 8, 1);
    const int32_t *pa, *qa, *pb, *qb, *pc, *qc;
    size_t na, nb, nc;
    ck_assert_int_eq(snn_synapses(a, "S", &pa, &qa, &na), SNN_OK);
    ck_assert_int_eq(snn_synapses(b, "S", &pb, &qb, &nb), SNN_OK);
    ck_assert_int_eq(snn_synapses(c, "S", &pc, &qc, &nc), SNN_OK);
    ck_assert_uint_eq(na, 3000);
    ck_assert_uint_eq(nb, 3000);
    ck_assert_uint_eq(nc, 3000);
    ck_assert(!memcmp(pa, pb, na * sizeof *pa) && !memcmp(qa, qb, na * sizeof *qa));
    ck_assert(memcmp(qa, qc, na * sizeof *qa) != 0);
    snn_free(a);
    snn_free(b);
    snn_free(c);
}
END_TEST

/* K is known before connecting: a network too large for the process is
 * refused with its bytes before anything is allocated. */
START_TEST(memory_checked_up_front)
{
    snn_ctx *ctx = snn_new();
    const char *src = "neurons G[1000] { model { v : 1 } threshold: False }\n"
                      "synapses S(G -> G) { model { w : 1 } on_pre: v_post += w\n"
                      "    connect(total=1000000000) }\n"
                      "synapses T(G -> G) { model { w : 1 } on_pre: v_post += w\n"
                      "    connect(total=1000000000) }\n"
                      "synapses U(G -> G) { model { w : 1 } on_pre: v_post += w\n"
                      "    connect(total=1000000000) }\n";
    int rc = snn_load_string(ctx, src, strlen(src), "t.snn");
    ck_assert_int_eq(rc, SNN_OK);
    /* 3 x 10^9 synapses x 24 bytes = 72 GB: more than this machine has */
    ck_assert_int_eq(snn_build(ctx), SNN_ESEMA);
    const char *m = snn_errmsg(ctx);
    ck_assert_msg(strstr(m, "1000000000 synapses x 24 bytes") && strstr(m, "run out of memory"), "%s", m);
    snn_free(ctx);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("connect-total");
    TCase *tc = tcase_create("connect-total");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, count_range_order);
    tcase_add_test(tc, subgroups);
    tcase_add_test(tc, uniform_pairs);
    tcase_add_test(tc, repeatable);
    tcase_add_test(tc, memory_checked_up_front);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
