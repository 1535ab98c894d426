/* SPDX-License-Identifier: MIT */
/* This file is the math library of generated code: exp, expm1, log, log1p,
 * sin, cos, tanh and exprel, pasted (like abi.h, whose integer types it
 * uses) into every generated unit, and included by the compiler, which
 * folds constant calls with the same functions.  It is plain C with only
 * + - * /, comparisons and bit manipulation on doubles: no long double, no
 * fused multiply-add (the optimising tier compiles with -ffp-contract=off)
 * and no table, so libtcc and cc -O3 -march=native compute the same bits,
 * and branch-light (selects, not jumps) so that cc vectorises the loops
 * that call it (all but sin and cos, which call the C library's beyond
 * |x| = 2^20*pi/2).  Each function is within 1 ulp of the exact result
 * (0.7-0.82 ulp at worst; tests/test-math.c measures it against long double
 * over millions of points).  Method: Cody-Waite argument reduction (x =
 * k*ln2 + r, x = k*pi/2 + r, x = 2^e*m), Taylor polynomials on the reduced
 * range, and the last additions done as exact two-sums (products as
 * Dekker's) so that little but the final rounding is not exact.  pow stays
 * the C library's (both tiers call it: the same bits). */
#ifndef SNN_MATH_H
#define SNN_MATH_H

#if defined(__TINYC__) && !defined(SNN_MATH_INLINE)
/* libtcc neither inlines nor keeps values in registers: there the code
 * calls the runtime's copies of these functions (runtime/mathlib.c, compiled
 * by cc without contractions), which compute the same bits as the
 * optimising tier's inlined ones. */
double _snn_exp(double); double _snn_expm1(double); double _snn_exprel(double); double _snn_tanh(double);
double _snn_log(double); double _snn_log1p(double); double _snn_sin(double); double _snn_cos(double);
#else

#if defined(__GNUC__) && !defined(__TINYC__)
#define SNN_MATH_FN static inline __attribute__((always_inline, unused))
#else
#define SNN_MATH_FN static inline
#endif

typedef union { double f; snn_u64 u; } snn_math_bits;

SNN_MATH_FN snn_u64 _snn_bits(double x) { snn_math_bits b; b.f = x; return b.u; }
SNN_MATH_FN double _snn_double(snn_u64 u) { snn_math_bits b; b.u = u; return b.f; }

/* 1.5*2^52: x + SHIFT - SHIFT rounds x (|x| < 2^51) to an integer, and the
 * low bits of x + SHIFT hold that integer (two's complement). */
#define SNN_MATH_SHIFT 6755399441055744.0
/* ln2 in two parts; the first has 32 significant bits, so k*LN2_HI is
 * exact for |k| < 2^21. */
#define SNN_MATH_LN2_HI 0.6931471803691238
#define SNN_MATH_LN2_LO 1.9082149292705877e-10

/* 2^k for -1022 <= k <= 1023, from its bits. */
SNN_MATH_FN double _snn_pow2(snn_i64 k) { return _snn_double((snn_u64)(k + 1023) << 52); }

/* e^r - 1 - r = r^2/2 + r^3/3! + ... for |r| <= 0.35, as hi + *lo: hi =
 * rh^2/2 exactly, with rh the upper 26 bits of r, and lo the rest (Taylor
 * to r^15/15!, truncation error below 2^-62 relative). */
SNN_MATH_FN double _snn_exp_tail(double r, double *lo)
{
    double c = 134217729.0 * r, rh = c - (c - r), rt = r - rh;
    double z = r * r;
    double p = 1.1470745597729725e-11 + r * 7.6471637318198164e-13;
    p = 2.08767569878681e-09 + r * 1.6059043836821613e-10 + z * p;
    p = 2.7557319223985888e-07 + r * 2.505210838544172e-08 + z * p;
    p = 2.4801587301587302e-05 + r * 2.7557319223985893e-06 + z * p;
    p = 0.0013888888888888889 + r * 0.00019841269841269841 + z * p;
    p = 0.041666666666666664 + r * 0.0083333333333333332 + z * p;
    p = 0.16666666666666666 + r * p;
    *lo = 0.5 * rt * (r + rh) + r * z * p;
    return 0.5 * rh * rh;
}

/* x = k*ln2 + r + rl exactly enough: k the nearest integer to x/ln2, r the
 * rounded remainder (|r| <= 0.35) and rl its rounding error.  x must be in
 * [-746, 710] (or NaN, which gives NaN in r). */
SNN_MATH_FN double _snn_exp_reduce(double x, snn_i64 *k, double *rl)
{
    double kd = x * 1.4426950408889634 + SNN_MATH_SHIFT;
    *k = (snn_i64)(_snn_bits(kd) << 13) >> 13;      /* the low 51 bits, signed */
    kd -= SNN_MATH_SHIFT;
    double hi = x - kd * SNN_MATH_LN2_HI;             /* exact */
    double lo = kd * SNN_MATH_LN2_LO;
    double r = hi - lo;
    *rl = (hi - r) - lo;
    return r;
}

/* (s, e) = a + b exactly (Knuth's two-sum); returns s. */
SNN_MATH_FN double _snn_two_sum(double a, double b, double *e)
{
    double s = a + b, bb = s - a;
    *e = (a - (s - bb)) + (b - bb);
    return s;
}

/* e^x / 2^k = 1 + r + rl + th + tl (x reduced by _snn_exp_reduce, its tail
 * by _snn_exp_tail) as hi + *lo. */
SNN_MATH_FN double _snn_exp_join(double r, double rl, double th, double tl, double *lo)
{
    double e, hi = _snn_two_sum(1.0, r, &e);
    *lo = e + (th + (tl + rl));
    return hi;
}

/* e^x = 2^k (hi + *lo) for x in [-746, 710]: hi + lo in [0.7, 1.42] with an
 * error below 2^-60 relative. */
SNN_MATH_FN double _snn_exp_dd(double x, snn_i64 *k, double *lo)
{
    double rl, r = _snn_exp_reduce(x, k, &rl);
    double tl, th = _snn_exp_tail(r, &tl);
    return _snn_exp_join(r, rl, th, tl, lo);
}

/* y * 2^k for |k| <= 1076, in two factors: no overflow before the end, one
 * rounding for a subnormal result. */
SNN_MATH_FN double _snn_scale(double y, snn_i64 k)
{
    snn_i64 k1 = k >> 1;
    return y * _snn_pow2(k1) * _snn_pow2(k - k1);
}

/* e^x */
SNN_MATH_FN double _snn_exp(double x)
{
    x = x > 710.0 ? 710.0 : x;
    x = x < -746.0 ? -746.0 : x;
    snn_i64 k;
    double lo, hi = _snn_exp_dd(x, &k, &lo);
    return _snn_scale(hi + lo, k);
}

/* e^x - 1 = 2^k (1 + r + rl + th + tl) - 1 (as in _snn_exp_join) as hi +
 * *lo, for x in [-40, 40]. */
SNN_MATH_FN double _snn_expm1_join(double r, double rl, snn_i64 k, double th, double tl, double *lo)
{
    /* 2^k (1 + r + th + tl + rl) - 1 = (2^k - 1) + 2^k (r + th) + 2^k (tl +
     * rl), the large terms summed exactly */
    double s = _snn_pow2(k), e0, e1, e2;
    double ph = _snn_two_sum(r, th, &e1);
    double hi = _snn_two_sum(_snn_two_sum(s, -1.0, &e0), s * ph, &e2);
    double l = (e2 + e0) + s * (e1 + (tl + rl));
    double y = hi + l;
    *lo = l - (y - hi);
    return y;
}

/* e^x - 1 as hi + *lo (|lo| <= half an ulp of hi) for x in [-40, 40] (or
 * NaN), with an error below 2^-60 relative. */
SNN_MATH_FN double _snn_expm1_dd(double x, double *lo)
{
    snn_i64 k;
    double rl, r = _snn_exp_reduce(x, &k, &rl);
    double tl, th = _snn_exp_tail(r, &tl);
    return _snn_expm1_join(r, rl, k, th, tl, lo);
}

/* From one reduction and Taylor tail of x: e^x - 1 as *mh + *ml (for x in
 * [-40, 40]) and e^x / 2^k as *bh + *bl (any x of _snn_exp_reduce), for
 * functions with a path for each range (a vectorised loop computes every
 * path of every lane). */
SNN_MATH_FN void _snn_exp_both(double x, snn_i64 *k, double *mh, double *ml, double *bh, double *bl)
{
    double rl, r = _snn_exp_reduce(x, k, &rl);
    double tl, th = _snn_exp_tail(r, &tl);
    *mh = _snn_expm1_join(r, rl, *k, th, tl, ml);
    *bh = _snn_exp_join(r, rl, th, tl, bl);
}

/* e^x - 1, accurate near 0; beyond 40 e^x (the -1 is below half an ulp of
 * it), below -40 -1 (e^x is); both from _snn_exp_both (of x, or of 710
 * beyond it). */
SNN_MATH_FN double _snn_expm1(double x)
{
    double in = x > 710.0 ? 710.0 : x;
    in = in < -40.0 ? -40.0 : in;
    snn_i64 k;
    double ml, mh, bl, bh;
    _snn_exp_both(in, &k, &mh, &ml, &bh, &bl);
    return x > 40.0 ? _snn_scale(bh + bl, k) : x < -40.0 ? -1.0 : x == 0 ? x : mh;
}

/* The exact product a*b = p + *e without fused multiply-add (Dekker: each
 * factor split into 26-bit halves). */
SNN_MATH_FN double _snn_two_prod(double a, double b, double *e)
{
    double p = a * b;
    double ca = 134217729.0 * a, ah = ca - (ca - a), al = a - ah;
    double cb = 134217729.0 * b, bh = cb - (cb - b), bl = b - bh;
    *e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    return p;
}

/* (nh + nl) / (dh + dl), rounded once (|nl| << |nh|, |dl| << |dh|). */
SNN_MATH_FN double _snn_div_dd(double nh, double nl, double dh, double dl)
{
    double q = nh / dh, pe, p = _snn_two_prod(q, dh, &pe);
    return q + ((((nh - p) - pe) + nl) - q * dl) / dh;
}

/* Brian2's exprel(x) = (e^x - 1)/x: 1 where |x| < 1e-16 (and at 0), infinite
 * above 717, NaN for NaN.  Up to 40, (e^x - 1)/x as a quotient of
 * double-doubles; beyond, it rounds as e^x/x = 2^k (hi + lo)/x does; below
 * -40 as -1/x.  The two quotients share _snn_exp_both (of x, or of 710
 * beyond it) and one division, the numerator chosen first. */
SNN_MATH_FN double _snn_exprel(double x)
{
    double in = x > 710.0 ? 710.0 : x;
    in = in < -40.0 ? -40.0 : in;
    /* no 0/0 below; tested on x, which is in there (testing in, after the
     * two clamps, left a loop that calls exprel scalar on AVX2) */
    in = x > -1e-16 && x < 1e-16 ? 1.0 : in;
    snn_i64 k;
    double ml, mh, bl, bh;
    _snn_exp_both(in, &k, &mh, &ml, &bh, &bl);
    int big = x > 40.0;
    double d = _snn_div_dd(big ? bh : mh, big ? bl : ml, in, 0.0);
    double vbig = x > 717.0 ? 1.0 / 0.0 : _snn_scale(d, k);
    return x > -1e-16 && x < 1e-16 ? 1.0 : big ? vbig : x < -40.0 ? -1.0 / x : d;
}

/* The hyperbolic tangent: (e^2x - 1)/(e^2x + 1), as a quotient of
 * double-doubles, with |x| capped at 20 (where tanh rounds to 1). */
SNN_MATH_FN double _snn_tanh(double x)
{
    double ax = x < 0 ? -x : x;
    ax = ax > 20.0 ? 20.0 : ax;
    double nl, nh = _snn_expm1_dd(2.0 * ax, &nl);
    double de, dh = _snn_two_sum(2.0, nh, &de);
    double y = _snn_div_dd(nh, nl, dh, de + nl);
    y = ax == 0 ? ax : y;                      /* 0/2 is 0, but keep it exact */
    return x < 0 ? -y : x > 0 ? y : x;          /* -0, 0 and NaN as they are */
}

/* log(1 + f) - f + f^2/2 - s*f^2/2 for f in [sqrt(1/2) - 1, sqrt(2) - 1] and
 * s = f/(2 + f): s*R(s^2) with R(z) = 2z/3 + 2z^2/5 + ... + 2z^10/21 (the
 * series of 2 atanh(s)), truncation error below 2^-57 relative. */
SNN_MATH_FN double _snn_log_kernel(double f, double *hfsq)
{
    double s = f / (2.0 + f), z = s * s, w = z * z;
    double p = 0.10526315789473684 + z * 0.095238095238095233;
    p = 0.13333333333333333 + z * 0.11764705882352941 + w * p;
    p = 0.18181818181818182 + z * 0.15384615384615385 + w * p;
    p = 0.2857142857142857 + z * 0.22222222222222221 + w * p;
    p = 0.66666666666666663 + z * 0.40000000000000002 + w * p;
    *hfsq = 0.5 * f * f;
    return s * (*hfsq + z * p);
}

/* x = 2^e * (1 + f) with 1 + f in [sqrt(1/2), sqrt(2)), for positive finite
 * x (subnormals scaled first); returns f, e as a double in *e. */
SNN_MATH_FN double _snn_log_split(double x, double *e)
{
    double sub = x < 2.2250738585072014e-308 ? 54.0 : 0.0;
    x = x < 2.2250738585072014e-308 ? x * 18014398509481984.0 : x;   /* 2^54 */
    snn_u64 u = _snn_bits(x), tmp = u - 0x3fe6a09e667f3bcdULL;      /* sqrt(1/2) */
    snn_i64 k = (snn_i64)tmp >> 52;
    double m = _snn_double(u - (tmp & 0xfff0000000000000ULL));
    *e = _snn_double(0x4338000000000000ULL + (snn_u64)k) - SNN_MATH_SHIFT - sub;
    return m - 1.0;                                  /* exact */
}

/* The natural logarithm: NaN below 0, -inf at 0. */
SNN_MATH_FN double _snn_log(double x)
{
    int ok = x > 0 && x < 1.0 / 0.0;
    double e, hfsq, f = _snn_log_split(ok ? x : 1.0, &e);
    double r = _snn_log_kernel(f, &hfsq);
    double y = e * SNN_MATH_LN2_HI + (f - (hfsq - (r + e * SNN_MATH_LN2_LO)));
    return ok ? y : x == 0 ? -1.0 / 0.0 : x > 0 ? x : (x - x) / (x - x);
}

/* log(1 + x), accurate near 0: 1 + x = u + c exactly, log(u) as log does,
 * plus c/u. */
SNN_MATH_FN double _snn_log1p(double x)
{
    int ok = x > -1.0 && x < 1.0 / 0.0;
    double xs = ok ? x : 0.0, c, u = _snn_two_sum(1.0, xs, &c);
    double e, hfsq, f = _snn_log_split(u, &e);
    double r = _snn_log_kernel(f, &hfsq);
    double y = e * SNN_MATH_LN2_HI + (f - (hfsq - (r + (e * SNN_MATH_LN2_LO + c / u))));
    double bad = x == -1.0 ? -1.0 / 0.0 : x > 0 ? x : (x - x) / (x - x);
    y = x == 0 ? x : y;                                 /* -0 */
    return ok ? y : bad;          /* (selects in this order cc vectorises) */
}

/* sin(r + rl) and cos(r + rl) for |r| <= pi/4 (Taylor to r^19 / r^18,
 * truncation error below 2^-60). */
SNN_MATH_FN double _snn_sin_kernel(double r, double rl)
{
    double z = r * r, w = z * z;
    double p = 2.8114572543455206e-15 + z * -8.2206352466243295e-18;
    p = 1.6059043836821613e-10 + z * -7.6471637318198164e-13 + w * p;
    p = 2.7557319223985893e-06 + z * -2.505210838544172e-08 + w * p;
    p = 0.0083333333333333332 + z * -0.00019841269841269841 + w * p;
    /* r - r^3/6 + r^5 p, and the tail rl times cos r ~ 1 - z/2 */
    double t = r * z * (-0.16666666666666666 + z * p);
    return r + (t + rl * (1.0 - 0.5 * z));
}

SNN_MATH_FN double _snn_cos_kernel(double r, double rl)
{
    /* z = r*r + ze exactly: half of ze is a tenth of an ulp of the result */
    double ze, z = _snn_two_prod(r, r, &ze), w = z * z;
    double p = 4.7794773323873853e-14 + z * -1.5619206968586225e-16;
    p = 2.08767569878681e-09 + z * -1.1470745597729725e-11 + w * p;
    p = 2.4801587301587302e-05 + z * -2.7557319223985888e-07 + w * p;
    p = 0.041666666666666664 + z * -0.0013888888888888889 + w * p;
    /* 1 - z/2 + z^2 p, and the tail rl times -sin r ~ -r */
    double e, hi = _snn_two_sum(1.0, -0.5 * z, &e);
    return hi + (e + (w * p - 0.5 * ze - r * rl));
}

/* sin(x) (quadrant q = 0) or cos(x) (q = 1): x = k*pi/2 + r + rl with pi/2
 * in three parts (33 + 33 + 53 bits), exact enough for |x| < 2^20*pi/2;
 * beyond, the C library's function. */
SNN_MATH_FN double _snn_sincos(double x, int q)
{
    double kd = x * 0.6366197723675814 + SNN_MATH_SHIFT;
    snn_i64 n = (snn_i64)(_snn_bits(kd) & 3) + q;
    kd -= SNN_MATH_SHIFT;
    double t = x - kd * 1.5707963267341256;                /* exact */
    double w = kd * 6.077100506303966e-11;                 /* exact */
    double e, r = _snn_two_sum(t, -w, &e);
    double rl = e - kd * 2.0222662487959506e-21;
    double rr = r + rl;
    rl = rl - (rr - r);
    r = rr;
    double s = _snn_sin_kernel(r, rl), c = _snn_cos_kernel(r, rl);
    double y = n & 1 ? c : s;
    return n & 2 ? -y : y;
}

SNN_MATH_FN double _snn_sin(double x)
{
    double ax = x < 0 ? -x : x;
    if (!(ax < 1647099.0)) return ax < 1.0 / 0.0 ? sin(x) : (x - x) / (x - x);
    return ax < 1e-8 ? x : _snn_sincos(x, 0);   /* keeps -0 */
}

SNN_MATH_FN double _snn_cos(double x)
{
    double ax = x < 0 ? -x : x;
    if (!(ax < 1647099.0)) return ax < 1.0 / 0.0 ? cos(x) : (x - x) / (x - x);
    return _snn_sincos(x, 1);
}

#endif   /* the bodies */

#endif
