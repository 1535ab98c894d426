/* SPDX-License-Identifier: MIT */
/* This file contains the counter-based random numbers of generated code
 * (Philox4x32-10 from Random123): the numbers depend only on (seed, object,
 * step, index, call site), never on evaluation order or thread count. */
#include <Random123/philox.h>
#include <math.h>

#include "abi.h"

static philox4x32_ctr_t draw(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site)
{
    philox4x32_ctr_t c = { { (uint32_t)step, (uint32_t)((snn_u64)step >> 32), (uint32_t)idx, (uint32_t)site } };
    philox4x32_key_t k = { { (uint32_t)(seed ^ (seed >> 32) * 0x9E3779B9u), (uint32_t)stream } };
    return philox4x32(c, k);
}

/* 53 random bits from two words, as a double in [0, 1). */
static double to_unit(uint32_t hi, uint32_t lo)
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

/* Brian2's timestep(t, dt) = int64((t + 1e-3*dt)/dt). */
snn_i64 snn_timestep(double t, double dt)
{
    return (snn_i64)((t + 1e-3 * dt) / dt);
}
