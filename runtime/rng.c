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

/* Brian2's timestep(t, dt) = int64((t + SNN_TIMESTEP_EPS*dt)/dt). */
snn_i64 snn_timestep(double t, double dt)
{
    return (snn_i64)((t + SNN_TIMESTEP_EPS * dt) / dt);
}
