/* SPDX-License-Identifier: MIT */
/* This file contains the worker pool's unit tests (runtime/pool.c): every
 * part of every job runs exactly once and before pool_run returns, with
 * jobs back to back (workers spinning), with pauses long enough for the
 * workers to fall asleep, and with parts slow enough that the caller must
 * wait for a worker's; jobs of one part, or of more than POOL_MAX_PARTS,
 * stay on the caller and are not counted as dispatches. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pool.h"
#include "test-common.h"

typedef struct Job {
    int       runs[POOL_MAX_PARTS + 8];    /* times each part ran */
    pthread_t who[POOL_MAX_PARTS + 8];     /* the thread that ran it */
    long      sleep_ns;                /* each part sleeps this long */
} Job;

static void part_fn(void *ud, int part)
{
    Job *j = ud;
    j->runs[part]++;
    j->who[part] = pthread_self();
    if (j->sleep_ns) nanosleep(&(struct timespec){ 0, j->sleep_ns }, NULL);
}

/* Run a job of nparts parts on p and check each part ran once; returns
 * whether a thread other than the caller ran any part. */
static int run_checked(Pool *p, Job *j, int nparts)
{
    memset(j->runs, 0, sizeof j->runs);
    pool_run(p, part_fn, j, nparts);
    int others = 0, bad = -1;
    for (int k = 0; k < POOL_MAX_PARTS + 8; k++) {
        if (j->runs[k] != (k < nparts) && bad < 0) bad = k;
        if (k < nparts && !pthread_equal(j->who[k], pthread_self())) others = 1;
    }
    /* one assertion per job: check records every one it makes */
    if (bad >= 0) ck_abort_msg("part %d of %d ran %d times", bad, nparts, j->runs[bad]);
    return others;
}

START_TEST(every_part_once)
{
    for (int n = 1; n <= 4; n++) {
        Pool *p = pool_new(n);
        ck_assert_ptr_nonnull(p);
        ck_assert_int_eq(pool_size(p), n);
        Job j = { 0 };
        unsigned x = 12345;
        uint64_t want = 0;
        for (int r = 0; r < 20000; r++) {
            x = x * 1103515245u + 12345u;
            int nparts = (int)(x >> 16) % (r % 100 ? 17 : POOL_MAX_PARTS + 1);
            run_checked(p, &j, nparts);
            want += n > 1 && nparts > 1;
        }
        /* more parts than a job word holds: all on the caller, in order */
        ck_assert_int_eq(run_checked(p, &j, POOL_MAX_PARTS + 8), 0);
        ck_assert_msg(pool_dispatches(p) == want, "%d threads: %llu dispatches, want %llu", n,
                      (unsigned long long)pool_dispatches(p), (unsigned long long)want);
        pool_free(p);
    }
}
END_TEST

/* Pauses of 2 ms between jobs (the workers sleep) and parts of 0.2 ms (the
 * caller waits for the workers' parts); on two or more threads some part
 * must have run on a worker. */
START_TEST(sleeping_workers_and_slow_parts)
{
    for (int n = 2; n <= 4; n++) {
        Pool *p = pool_new(n);
        ck_assert_ptr_nonnull(p);
        Job j = { .sleep_ns = 200000 };
        int others = 0;
        for (int r = 0; r < 30; r++) {
            nanosleep(&(struct timespec){ 0, 2000000 }, NULL);
            others |= run_checked(p, &j, 1 + r % 9);
        }
        ck_assert_msg(others, "%d threads: the workers ran no part", n);
        pool_free(p);
    }
}
END_TEST

/* A pool freed at once, or with its workers asleep, stops cleanly. */
START_TEST(freed_busy_or_asleep)
{
    pool_free(NULL);
    ck_assert_ptr_null(pool_new(0));
    pool_free(pool_new(3));
    Pool *p = pool_new(3);
    ck_assert_ptr_nonnull(p);
    nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
    pool_free(p);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("pool");
    TCase *tc = tcase_create("pool");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_part_once);
    tcase_add_test(tc, sleeping_workers_and_slow_parts);
    tcase_add_test(tc, freed_busy_or_asleep);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
