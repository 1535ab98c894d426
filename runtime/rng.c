/* SPDX-License-Identifier: MIT */
/* This file contains the counter-based random numbers of generated code
 * (Philox4x32-10 of Salmon et al. 2011, the bits of Random123's
 * philox4x32): the numbers depend only on (seed, object, step, index, call
 * site), never on evaluation order or thread count. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "abi.h"

/* Inlined where they are called: the optimising tier compiles this file
 * with the generated code, and a loop that draws (a Poisson group's
 * threshold) then vectorises the draws. */
#if defined(__GNUC__) && !defined(__TINYC__)
#define RNG_INLINE static inline __attribute__((always_inline))
/* ... and a function of abi.h inlined into the generated loops that call
 * it (a Poisson input's draws), also kept as a function of the library */
#define RNG_EXTERN_INLINE __attribute__((always_inline))
#else
#define RNG_INLINE static inline
#define RNG_EXTERN_INLINE
#endif

/* The four words of one Philox4x32-10 block: the same bits as Random123's
 * philox4x32(ctr, key) (tests/test-runtime.c compares them).  The 32-bit
 * words are kept in 64-bit variables and each multiply is of two values
 * below 2^32, which is the form cc vectorises well: Random123's widening
 * multiply of 32-bit words vectorised to full 64-bit multiplies and took
 * twice the time in a Poisson group's threshold. */
typedef struct PhiloxBlock { uint32_t v[4]; } PhiloxBlock;

RNG_INLINE PhiloxBlock philox4x32_10(uint32_t c0_, uint32_t c1_, uint32_t c2_, uint32_t c3_, uint32_t k0_,
                                     uint32_t k1_)
{
    const uint64_t m = 0xffffffffu;
    uint64_t c0 = c0_, c1 = c1_, c2 = c2_, c3 = c3_, k0 = k0_, k1 = k1_;
    for (int r = 0; r < 10; r++) {
        /* a round with the key of this round, then the key's bump */
        uint64_t p0 = c0 * 0xD2511F53u, p1 = c2 * 0xCD9E8D57u;
        c0 = ((p1 >> 32) ^ c1 ^ k0) & m;
        c1 = p1 & m;
        c2 = ((p0 >> 32) ^ c3 ^ k1) & m;
        c3 = p0 & m;
        k0 = (k0 + 0x9E3779B9u) & m;
        k1 = (k1 + 0xBB67AE85u) & m;
    }
    PhiloxBlock b = { { (uint32_t)c0, (uint32_t)c1, (uint32_t)c2, (uint32_t)c3 } };
    return b;
}

/* The block of (seed, stream) at counter (step, idx, site). */
RNG_INLINE PhiloxBlock draw(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site)
{
    return philox4x32_10((uint32_t)step, (uint32_t)((snn_u64)step >> 32), (uint32_t)idx, (uint32_t)site,
                         (uint32_t)(seed ^ (seed >> 32) * 0x9E3779B9u), (uint32_t)stream);
}

/* Not in abi.h: the raw block, for the test against Random123. */
void snn_philox_block(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site, uint32_t out[4]);
void snn_philox_block(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site, uint32_t out[4])
{
    PhiloxBlock b = draw(seed, stream, step, idx, site);
    for (int k = 0; k < 4; k++) out[k] = b.v[k];
}

/* 53 random bits from two words, as a double in [0, 1).  The bits go over
 * as their upper 21 and lower 32, each an exact double by the 2^52 trick
 * (ORed into 2^52's bits, then 2^52 subtracted), summed exactly (below
 * 2^53): the same double as (double)x, but with no conversion of a 64-bit
 * integer, which AVX2 lacks and which left every loop that draws (a
 * Poisson group's threshold) scalar there. */
RNG_INLINE double to_unit(uint32_t hi, uint32_t lo)
{
    snn_u64 x = ((snn_u64)hi << 21) ^ (lo >> 11);
    union { snn_u64 u; double f; } up = { (x >> 32) | 0x4330000000000000ull }, low = { (x & 0xffffffffu) | 0x4330000000000000ull };
    return ((up.f - 0x1p52) * 0x1p32 + (low.f - 0x1p52)) * (1.0 / 9007199254740992.0);
}

double snn_rand_uniform(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site)
{
    PhiloxBlock r = draw(seed, stream, step, idx, site);
    return to_unit(r.v[0], r.v[1]);
}

double snn_rand_normal(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site)
{
    PhiloxBlock r = draw(seed, stream, step, idx, site | 0x40000000);
    double u1 = 1.0 - to_unit(r.v[0], r.v[1]);          /* (0, 1] */
    double u2 = to_unit(r.v[2], r.v[3]);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Brian2's BinomialFunction with approximate=True, for n p and n (1 - p)
 * above 5: a normal number of that mean and sd, rounded, within 0 .. n. */
RNG_INLINE double binomial_normal(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site, double n,
                                  double mean, double sd)
{
    double x = snn_rand_normal(seed, stream, step, idx, site) * sd + mean;
    x = floor(x + 0.5);
    return x < 0 ? 0 : x > n ? n : x;
}

/* One step of the inversion's walk up the cumulative distribution of
 * binomial(n, p) (q = 1 - p): from k events, with probability *pk and sum
 * *cum, to k + 1.  The one place of this recurrence, so that the table and
 * the walk compute the same bits. */
RNG_INLINE void walk_step(double n, double p, double q, double *k, double *pk, double *cum)
{
    *pk *= (n - *k) / (*k + 1) * p / q;
    *k += 1;
    *cum += *pk;
}

/* The walk from k (probability pk, sum cum) while u is above the sum and
 * k below n: the binomial number of u. */
RNG_INLINE double walk_from(double u, double n, double p, double k, double pk, double cum)
{
    double q = 1 - p;
    while (u > cum && k < n) walk_step(n, p, q, &k, &pk, &cum);
    return k;
}

/* binomial(n, p): Brian2's normal approximation when n p and n (1 - p)
 * exceed 5, else inversion from k = 0. */
double snn_rand_binomial(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site, double n, double p)
{
    if (!(n > 0) || !(p > 0)) return 0;
    if (p >= 1) return n;
    double mean = n * p;
    if (mean > 5 && n * (1 - p) > 5) return binomial_normal(seed, stream, step, idx, site, n, mean, sqrt(mean * (1 - p)));
    double q0 = pow(1 - p, n);
    return walk_from(snn_rand_uniform(seed, stream, step, idx, site), n, p, 0, q0, q0);
}

/* The table of binomial(n, p): the steps of snn_rand_binomial's inversion
 * for k = 0 .. len-1, each computed by the same operations in the same
 * order (so the same bits), up to where the sum is 1 within 2^-45. */
snn_binomial snn_binomial_table(double n, double p)
{
    snn_binomial t;
    memset(&t, 0, sizeof t);
    t.n = n, t.p = p;
    if (!(n > 0) || !(p > 0)) return t;
    t.kind = 1;
    if (p >= 1) return t;
    t.mean = n * p;
    if (t.mean > 5 && n * (1 - p) > 5) {
        t.kind = 2;
        t.sd = sqrt(t.mean * (1 - p));
        return t;
    }
    t.kind = 3;
    double q = 1 - p, pk = pow(1 - p, n), cum = pk, k = 0;
    t.pk[0] = pk, t.cum[0] = cum, t.len = 1;
    while (t.len < SNN_BINOMIAL_TABLE && k < n && cum < 1 - 0x1p-45) {
        walk_step(n, p, q, &k, &pk, &cum);
        t.pk[t.len] = pk, t.cum[t.len] = cum;
        t.len++;
    }
    /* past len, sums no uniform exceeds: a draw compares all entries */
    for (int j = t.len; j < SNN_BINOMIAL_TABLE; j++) t.cum[j] = 2;
    return t;
}

/* The uniforms snn_rand_uniform(seed, stream, step, idx + l, site) for
 * l = 0 .. SNN_BINOMIAL_AHEAD-1 into u; the same bits as one draw each.
 * With AVX-512 (the optimising tier on such a processor) eight lanes at a
 * time with vpmuludq, the 32x32->64-bit multiply Philox needs (cc makes
 * full 64-bit multiplies of the plain C, three times the work).  The lanes'
 * upper halves are not cleared between rounds: a word that may carry them
 * is only ever multiplied (vpmuludq reads the lower half) or XORed into
 * one that is, and the result keeps the lower halves.  Otherwise a loop
 * over the lanes with the rounds inside, which cc vectorises (lanes of
 * 64-bit words, see philox4x32_10). */
#if defined(__AVX512F__) && defined(__AVX512DQ__) && !defined(__TINYC__)
#include <immintrin.h>
RNG_INLINE void uniforms_ahead(double *u, snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site)
{
    const __m512i m0 = _mm512_set1_epi64(0xD2511F53u), m1 = _mm512_set1_epi64(0xCD9E8D57u);
    const __m512i lane = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0), low = _mm512_set1_epi64(0xffffffffu);
    const uint32_t key0 = (uint32_t)(seed ^ (seed >> 32) * 0x9E3779B9u), key1 = (uint32_t)stream;
    for (int l = 0; l < SNN_BINOMIAL_AHEAD; l += 8) {
        __m512i c0 = _mm512_set1_epi64((uint32_t)step), c1 = _mm512_set1_epi64((uint32_t)((snn_u64)step >> 32));
        __m512i c2 = _mm512_add_epi64(_mm512_set1_epi64((uint32_t)idx + (uint32_t)l), lane);   /* wraps: low half */
        __m512i c3 = _mm512_set1_epi64((uint32_t)site);
        uint32_t k0 = key0, k1 = key1;
        for (int r = 0; r < 10; r++) {
            __m512i p0 = _mm512_mul_epu32(c0, m0), p1 = _mm512_mul_epu32(c2, m1);
            c0 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p1, 32), c1), _mm512_set1_epi64(k0));
            c1 = p1;
            c2 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p0, 32), c3), _mm512_set1_epi64(k1));
            c3 = p0;
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        /* to_unit(c0, c1): 53 bits below 2^53, converted exactly */
        __m512i x = _mm512_xor_si512(_mm512_slli_epi64(_mm512_and_si512(c0, low), 21),
                                     _mm512_srli_epi64(_mm512_and_si512(c1, low), 11));
        _mm512_storeu_pd(u + l, _mm512_mul_pd(_mm512_cvtepi64_pd(x), _mm512_set1_pd(1.0 / 9007199254740992.0)));
    }
}
#elif defined(__AVX2__) && !defined(__TINYC__)
/* With AVX2 (no AVX-512): four lanes at a time, vpmuludq as above, and
 * the 53 bits made a double as to_unit does (AVX2 has no conversion of
 * 64-bit integers).  The plain loop below also vectorises on AVX2, but its
 * 64-bit multiplies take three vpmuludq each: a Poisson background took
 * 3.2-3.6 s with it against 2.1 s with this. */
#include <immintrin.h>
RNG_INLINE void uniforms_ahead(double *u, snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site)
{
    const __m256i m0 = _mm256_set1_epi64x(0xD2511F53u), m1 = _mm256_set1_epi64x(0xCD9E8D57u);
    const __m256i lane = _mm256_set_epi64x(3, 2, 1, 0), low = _mm256_set1_epi64x(0xffffffffu);
    const __m256i two52_bits = _mm256_set1_epi64x(0x4330000000000000);
    const __m256d two52 = _mm256_set1_pd(0x1p52), two32 = _mm256_set1_pd(0x1p32);
    const uint32_t key0 = (uint32_t)(seed ^ (seed >> 32) * 0x9E3779B9u), key1 = (uint32_t)stream;
    for (int l = 0; l < SNN_BINOMIAL_AHEAD; l += 4) {
        __m256i c0 = _mm256_set1_epi64x((uint32_t)step), c1 = _mm256_set1_epi64x((uint32_t)((snn_u64)step >> 32));
        __m256i c2 = _mm256_add_epi64(_mm256_set1_epi64x((uint32_t)idx + (uint32_t)l), lane);   /* wraps: low half */
        __m256i c3 = _mm256_set1_epi64x((uint32_t)site);
        uint32_t k0 = key0, k1 = key1;
        for (int r = 0; r < 10; r++) {
            __m256i p0 = _mm256_mul_epu32(c0, m0), p1 = _mm256_mul_epu32(c2, m1);
            c0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), c1), _mm256_set1_epi64x(k0));
            c1 = p1;
            c2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), c3), _mm256_set1_epi64x(k1));
            c3 = p0;
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        __m256i x = _mm256_xor_si256(_mm256_slli_epi64(_mm256_and_si256(c0, low), 21),
                                     _mm256_srli_epi64(_mm256_and_si256(c1, low), 11));
        __m256d hi = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(x, 32), two52_bits)), two52);
        __m256d lo = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(x, low), two52_bits)), two52);
        __m256d d = _mm256_add_pd(_mm256_mul_pd(hi, two32), lo);
        _mm256_storeu_pd(u + l, _mm256_mul_pd(d, _mm256_set1_pd(1.0 / 9007199254740992.0)));
    }
}
#else
RNG_INLINE void uniforms_ahead(double *u, snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site)
{
    for (int l = 0; l < SNN_BINOMIAL_AHEAD; l++) {
        PhiloxBlock r = draw(seed, stream, step, (snn_i32)((uint32_t)idx + (uint32_t)l), site);
        u[l] = to_unit(r.v[0], r.v[1]);
    }
}
#endif

/* The uniforms of idx .. idx + SNN_BINOMIAL_AHEAD-1 into t->ahead. */
static void draw_ahead(snn_binomial *t, snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site)
{
    double u[SNN_BINOMIAL_AHEAD];
    uniforms_ahead(u, seed, stream, step, idx, site);
    for (int l = 0; l < SNN_BINOMIAL_AHEAD; l++) t->ahead[l] = u[l];
    t->ahead_ok = 1;
    t->ahead_idx = idx, t->ahead_site = site, t->ahead_step = step;
    t->ahead_seed = seed, t->ahead_stream = stream;
}

/* snn_rand_uniform(seed, stream, step, idx, site), drawn ahead for the
 * next indices when t has not drawn it yet. */
RNG_INLINE double uniform_ahead(snn_binomial *t, snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx,
                                snn_i32 site)
{
    /* (the distance in 64 bits: indices near both ends of int32 are far apart) */
    if (!(t->ahead_ok && idx >= t->ahead_idx && (snn_i64)idx - t->ahead_idx < SNN_BINOMIAL_AHEAD && step == t->ahead_step &&
          site == t->ahead_site && seed == t->ahead_seed && stream == t->ahead_stream))
        draw_ahead(t, seed, stream, step, idx, site);
    return t->ahead[idx - t->ahead_idx];
}

#if defined(__GNUC__) && !defined(__TINYC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wattributes"   /* always_inline on a function of the library too */
#endif
/* The inversion of table t (kind 3) at the uniform u.  The walk stops at
 * the first k whose sum cum[k] reaches u, and the sums do not decrease, so
 * k is the number of sums below u; past the table the walk goes on from
 * its last entry. */
RNG_INLINE double binomial_of_u(const snn_binomial *t, double u)
{
    double n = t->n;
    /* the number of sums below u, counted without branches: the first 8
     * (a few events are the rule), the other 8 only when u is above those
     * (the entries past len are 2, above every u) */
    const double *cum = t->cum;
    int below = 0;
    for (int j = 0; j < 8; j++) below += u > cum[j];
    if (below == 8)
        for (int j = 8; j < SNN_BINOMIAL_TABLE; j++) below += u > cum[j];
    if (below > t->len) below = t->len;
    /* the walk also stops at the first k >= n */
    if (below < t->len) return (double)below < n ? (double)below : ceil(n);
    return walk_from(u, n, t->p, t->len - 1, t->pk[t->len - 1], t->cum[t->len - 1]);
}

/* snn_rand_binomial(n, p) from the table t of n and p. */
RNG_EXTERN_INLINE double snn_rand_binomial_tab(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx,
                                               snn_i32 site, snn_binomial *t)
{
    if (t->kind < 2) return t->kind ? t->n : 0;
    if (t->kind == 2) return binomial_normal(seed, stream, step, idx, site, t->n, t->mean, t->sd);
    return binomial_of_u(t, uniform_ahead(t, seed, stream, step, idx, site));
}

/* out[l] = snn_rand_binomial_tab(seed, stream, step, idx + l, site, t) for
 * l = 0 .. count-1: per SNN_BINOMIAL_AHEAD lanes one vectorised loop of
 * Philox blocks, then one of the counts of the first 8 sums below each
 * uniform (a count below 8 and below len is the draw: see binomial_of_u),
 * then, only where some lane's count is not, binomial_of_u for those. */
RNG_EXTERN_INLINE void snn_rand_binomial_block(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx,
                                               snn_i32 count, snn_i32 site, const snn_binomial *t, double *out)
{
    if (t->kind != 3) {
        for (snn_i32 l = 0; l < count; l++)
            out[l] = t->kind == 2 ? binomial_normal(seed, stream, step, (snn_i32)((uint32_t)idx + (uint32_t)l),
                                                    site, t->n, t->mean, t->sd)
                                  : t->kind ? t->n : 0;
        return;
    }
    const double n = t->n, top = ceil(n);
    double c[8];
    for (int j = 0; j < 8; j++) c[j] = t->cum[j];
    const int lim = t->len < 8 ? t->len : 8;
    for (snn_i32 b = 0; b < count; b += SNN_BINOMIAL_AHEAD) {
        double u[SNN_BINOMIAL_AHEAD], k[SNN_BINOMIAL_AHEAD];
        int nb[SNN_BINOMIAL_AHEAD];
        snn_i32 m = count - b < SNN_BINOMIAL_AHEAD ? count - b : SNN_BINOMIAL_AHEAD;
        uniforms_ahead(u, seed, stream, step, (snn_i32)((uint32_t)idx + (uint32_t)b), site);
        int slow = 0;
        for (int l = 0; l < SNN_BINOMIAL_AHEAD; l++) {
            int below = 0;
            for (int j = 0; j < 8; j++) below += u[l] > c[j];
            nb[l] = below;
            slow |= below >= lim;
            k[l] = (double)below < n ? (double)below : top;
        }
        if (slow)
            for (int l = 0; l < SNN_BINOMIAL_AHEAD; l++)
                if (nb[l] >= lim) k[l] = binomial_of_u(t, u[l]);
        for (snn_i32 l = 0; l < m; l++) out[b + l] = k[l];
    }
}
#if defined(__GNUC__) && !defined(__TINYC__)
#pragma GCC diagnostic pop
#endif

/* The k-th uniform in [0, 1) of one call site: the counter's site word
 * carries k in its upper bits (sites stay below 2^20). */
static double uniform_k(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site, uint32_t k)
{
    PhiloxBlock r = draw(seed, stream, step, idx, (snn_i32)((uint32_t)site ^ (k << 20) ^ 0x20000000u));
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
