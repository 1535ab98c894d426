/* SPDX-License-Identifier: MIT */
/* This file contains the counter-based random numbers of generated code
 * (Philox4x32-10 from Random123): the numbers depend only on (seed, object,
 * step, index, call site), never on evaluation order or thread count. */
#include <Random123/philox.h>
#include <math.h>

#include "abi.h"

/* Inlined where they are called: the optimising tier compiles this file
 * with the generated code, and a loop that draws (a Poisson group's
 * threshold) then vectorises the draws. */
#if defined(__GNUC__) && !defined(__TINYC__)
#define RNG_INLINE static inline __attribute__((always_inline))
#else
#define RNG_INLINE static inline
#endif

RNG_INLINE philox4x32_ctr_t draw(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site)
{
    philox4x32_ctr_t c = { { (uint32_t)step, (uint32_t)((snn_u64)step >> 32), (uint32_t)idx, (uint32_t)site } };
    philox4x32_key_t k = { { (uint32_t)(seed ^ (seed >> 32) * 0x9E3779B9u), (uint32_t)stream } };
    return philox4x32(c, k);
}

/* 53 random bits from two words, as a double in [0, 1). */
RNG_INLINE double to_unit(uint32_t hi, uint32_t lo)
{
    snn_u64 x = ((snn_u64)hi << 21) ^ (lo >> 11);
    return (double)x * (1.0 / 9007199254740992.0);
}

double snn_rand_uniform(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site)
{
    philox4x32_ctr_t r = draw(seed, stream, step, idx, site);
    return to_unit(r.v[0], r.v[1]);
}

double snn_rand_normal(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site)
{
    philox4x32_ctr_t r = draw(seed, stream, step, idx, site | 0x40000000);
    double u1 = 1.0 - to_unit(r.v[0], r.v[1]);          /* (0, 1] */
    double u2 = to_unit(r.v[2], r.v[3]);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

double snn_rand_binomial(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site, double n, double p)
{
    if (!(n > 0) || !(p > 0)) return 0;
    if (p >= 1) return n;
    double mean = n * p;
    if (mean > 5 && n * (1 - p) > 5) {
        /* Brian2's BinomialFunction with approximate=True */
        double x = snn_rand_normal(seed, stream, step, idx, site) * sqrt(mean * (1 - p)) + mean;
        x = floor(x + 0.5);
        return x < 0 ? 0 : x > n ? n : x;
    }
    /* inversion: walk the cumulative distribution from k = 0 */
    double u = snn_rand_uniform(seed, stream, step, idx, site), q = 1 - p;
    double pk = pow(q, n), cum = pk;
    double k = 0;
    while (u > cum && k < n) {
        pk *= (n - k) / (k + 1) * p / q;
        k += 1;
        cum += pk;
    }
    return k;
}

/* The k-th uniform in [0, 1) of one call site: the counter's site word
 * carries k in its upper bits (sites stay below 2^20). */
static double uniform_k(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site, uint32_t k)
{
    philox4x32_ctr_t r = draw(seed, stream, step, idx, (snn_i32)((uint32_t)site ^ (k << 20) ^ 0x20000000u));
    return to_unit(r.v[0], r.v[1]);
}

/* Brian2's poisson(l): a Poisson number of mean l (0 for l <= 0 or NaN):
 * multiplication of uniforms for l < 10, Hormann's transformed rejection
 * (PTRS, as numpy and Brian2's C++ use) above.  Not in abi.h: generated
 * code declares it when it calls it. */
double snn_rand_poisson(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site, double l);
double snn_rand_poisson(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site, double l)
{
    if (!(l > 0)) return 0;
    uint32_t k = 0;
    if (l < 10) {
        /* count uniforms until their product falls below exp(-l) */
        double limit = exp(-l), prod = uniform_k(seed, stream, step, idx, site, k++);
        double n = 0;
        while (prod > limit && k < 256) {
            prod *= uniform_k(seed, stream, step, idx, site, k++);
            n += 1;
        }
        return n;
    }
    /* PTRS (Hormann 1993), the algorithm of numpy's random_poisson_ptrs */
    double slam = sqrt(l), loglam = log(l);
    double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
    double invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
        double U = uniform_k(seed, stream, step, idx, site, k++ & 0x1ff) - 0.5;
        double V = uniform_k(seed, stream, step, idx, site, k++ & 0x1ff);
        double us = 0.5 - fabs(U);
        double n = floor((2 * a / us + b) * U + l + 0.43);
        if (us >= 0.07 && V <= vr) return n;
        if (n < 0 || (us < 0.013 && V > us)) continue;
        if (log(V) + log(invalpha) - log(a / (us * us) + b) <= -l + n * loglam - lgamma(n + 1)) return n;
        if (k > 0x1ff) return n < 0 ? 0 : n;   /* never in practice: the acceptance rate is over 90% */
    }
}

/* Brian2's timestep(t, dt) = int64((t + SNN_TIMESTEP_EPS*dt)/dt). */
snn_i64 snn_timestep(double t, double dt)
{
    return (snn_i64)((t + SNN_TIMESTEP_EPS * dt) / dt);
}
