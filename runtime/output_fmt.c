/* SPDX-License-Identifier: MIT */
/* This file contains numbers as text, fast (output.h): a double printed as
 * %.17g prints it, by a formatter that gives the same text in a fraction of
 * the time (checked against printf by test-csv), and ints as decimal. */
#include "output.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* 10^k as a long double, for |k| <= 27 exact (5^27 < 2^64). */
static long double pow10l_(int k)
{
    static long double tab[28];
    static int ready;
    if (!ready) {
        long double p = 1;
        for (int q = 0; q < 28; q++, p *= 10) tab[q] = p;
        ready = 1;
    }
    long double r = 1;
    int a = k < 0 ? -k : k;
    while (a > 27) {
        r *= tab[27];
        a -= 27;
    }
    r *= tab[a];
    return k < 0 ? 1 / r : r;
}

/* Write x as printf's "%.17g" does, the same text, into buf (at least 32
 * bytes), without a terminating NUL; returns the length.  The 17 digits
 * come from one product in long double (64-bit mantissa): its error, at
 * most a few 1e-20 of x, that is below 0.02 of a unit of the 17th digit,
 * cannot change the rounding unless the product lies within 0.05 of a half
 * unit, and those cases (a few in a hundred) go to snprintf, as do NaN,
 * infinities, zero and magnitudes outside [1e-290, 1e290]. */
/* Whether long double arithmetic really carries 64 bits of mantissa here
 * (valgrind, for one, computes it in double precision): checked once, at
 * run time, so that the fast path is only taken where its bound holds. */
static bool extended_precision(void)
{
    static int known;   /* 0 unknown, 1 yes, 2 no */
    if (!known) {
        volatile long double one = 1, tiny = LDBL_EPSILON;
        known = one + tiny != one ? 1 : 2;
    }
    return known == 1;
}

size_t output_fmt_double(char *buf, double x)
{
#if LDBL_MANT_DIG < 64
    return (size_t)snprintf(buf, 32, "%.17g", x);
#endif
    if (!extended_precision()) return (size_t)snprintf(buf, 32, "%.17g", x);
    double a = fabs(x);
    if (!(a >= 1e-290 && a <= 1e290)) return (size_t)snprintf(buf, 32, "%.17g", x);
    int k = (int)floor(log10(a));
    uint64_t d = 0;
    for (int tries = 0; tries < 3; tries++) {
        long double s = (long double)a * pow10l_(16 - k);
        long double r = rintl(s), off = s - r;
        /* too near a tie to trust the product: let printf decide */
        if (fabsl(fabsl(off) - 0.5L) < 0.05L) return (size_t)snprintf(buf, 32, "%.17g", x);
        if (r >= 1e17L) k++;
        else if (r < 1e16L) k--;
        else {
            d = (uint64_t)r;
            break;
        }
    }
    if (!d) return (size_t)snprintf(buf, 32, "%.17g", x);
    char dig[17];
    for (int q = 16; q >= 0; q--, d /= 10) dig[q] = (char)('0' + d % 10);
    int nd = 17;
    while (nd > 1 && dig[nd - 1] == '0') nd--;
    char *p = buf;
    if (x < 0) *p++ = '-';
    if (k < -4 || k >= 17) {
        *p++ = dig[0];
        if (nd > 1) {
            *p++ = '.';
            memcpy(p, dig + 1, (size_t)nd - 1);
            p += nd - 1;
        }
        *p++ = 'e';
        int e = k;
        *p++ = e < 0 ? '-' : '+';
        if (e < 0) e = -e;
        if (e >= 100) *p++ = (char)('0' + e / 100);
        *p++ = (char)('0' + e / 10 % 10);
        *p++ = (char)('0' + e % 10);
    } else if (k >= 0) {
        /* k+1 digits before the point */
        int ip = k + 1;
        for (int q = 0; q < ip; q++) *p++ = q < nd ? dig[q] : '0';
        if (nd > ip) {
            *p++ = '.';
            memcpy(p, dig + ip, (size_t)(nd - ip));
            p += nd - ip;
        }
    } else {
        *p++ = '0';
        *p++ = '.';
        for (int q = 0; q < -k - 1; q++) *p++ = '0';
        memcpy(p, dig, (size_t)nd);
        p += nd;
    }
    return (size_t)(p - buf);
}

/* Write a non-negative or negative int as decimal text; returns the length. */
size_t output_fmt_int(char *buf, long long v)
{
    char tmp[24];
    int n = 0;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do tmp[n++] = (char)('0' + u % 10); while (u /= 10);
    size_t len = 0;
    if (v < 0) buf[len++] = '-';
    while (n) buf[len++] = tmp[--n];
    return len;
}
