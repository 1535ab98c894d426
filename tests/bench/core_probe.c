/* SPDX-License-Identifier: MIT */
/* What this machine's two cores give two threads of one process right now,
 * for table.py's threads rows: the time a write on one core takes to be
 * seen on the other (half a round trip of a ping-pong between threads
 * pinned to cores 0 and 1, the way the worker pool hands out a job), and
 * the speed of each core alone (a chain of dependent multiply-adds,
 * nanoseconds per link).  A virtual machine's host may place its cores far
 * apart, or share one with another guest, for minutes at a time; the
 * threads rows then lose what no thread pool can recover.
 *
 * Usage: core_probe   prints "handoff_ns core0_ns core1_ns" */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#define ROUND_TRIPS 100000
#define CHAIN 20000000

static _Alignas(64) atomic_int ball;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Pin the calling thread to core cpu (nothing happens where it cannot). */
static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

/* The other side of the ping-pong: answers each odd value with the next. */
static void *pong(void *arg)
{
    (void)arg;
    pin(1);
    for (int k = 0; k < ROUND_TRIPS; k++) {
        while (atomic_load_explicit(&ball, memory_order_acquire) != 2 * k + 1) {}
        atomic_store_explicit(&ball, 2 * k + 2, memory_order_release);
    }
    return NULL;
}

/* ns per link of a dependent chain on core cpu. */
static double chain_ns(int cpu)
{
    pin(cpu);
    volatile double seed = 1.0;
    double x = seed, t0 = now_ns();
    for (long k = 0; k < CHAIN; k++) x = x * 0.999999 + 1e-7;
    double t = now_ns() - t0;
    seed = x;
    return t / CHAIN;
}

int main(void)
{
    double c0 = chain_ns(0), c1 = chain_ns(1);
    pin(0);
    pthread_t t;
    if (pthread_create(&t, NULL, pong, NULL)) return 1;
    /* the first round trips warm up; all are timed */
    double t0 = now_ns();
    for (int k = 0; k < ROUND_TRIPS; k++) {
        atomic_store_explicit(&ball, 2 * k + 1, memory_order_release);
        while (atomic_load_explicit(&ball, memory_order_acquire) != 2 * k + 2) {}
    }
    double handoff = (now_ns() - t0) / (2.0 * ROUND_TRIPS);
    pthread_join(t, NULL);
    printf("%.1f %.3f %.3f\n", handoff, c0, c1);
    return 0;
}
