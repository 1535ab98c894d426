/* SPDX-License-Identifier: MIT */
/* This file contains the accuracy tests of generated code's math library
 * (runtime/snnmath.h): each function over about 10^6 points of the ranges
 * models use (and the edges: subnormals, overflow, infinities, NaN, -0),
 * its error in ulps against the long double function of the C library,
 * which must stay below 1 ulp (printed with the C library's own double
 * function for comparison); and the same bits from the library compiled
 * by libtcc as from the library compiled into this program. */
#include <float.h>
#include <libtcc.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "snnmath.h"
#include "test-common.h"

extern const char snn_abi_text[];
extern const char snn_math_text[];

/* A deterministic sequence of 64-bit numbers (xorshift64*). */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t next_u64(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static double uniform(double lo, double hi)
{
    return lo + (hi - lo) * ((double)(next_u64() >> 11) * 0x1p-53);
}

/* A point whose magnitude is log-uniform in [lo, hi] (lo > 0), either sign
 * when signed. */
static double log_uniform(double lo, double hi, int signed_)
{
    double x = exp(uniform(log(lo), log(hi)));
    return signed_ && (next_u64() & 1) ? -x : x;
}

/* The error of y in ulps of the exact value ref. */
static double ulp_error(double y, long double ref)
{
    if (isnan(y) || isnan((double)ref)) return isnan(y) && isnan((double)ref) ? 0 : INFINITY;
    if (isinf(y) || isinf((double)ref)) return y == (double)ref ? 0 : INFINITY;
    long double a = fabsl(ref);
    int e;
    frexpl(a, &e);                       /* a = m * 2^e, m in [0.5, 1) */
    int ue = e - 53 < -1074 ? -1074 : e - 53;
    if (a > DBL_MAX) ue = 1023 - 52;
    return (double)(fabsl((long double)y - ref) / ldexpl(1.0L, ue));
}

typedef struct Fn {
    const char *name;
    double (*snn)(double);
    double (*libc)(double);
    long double (*ref)(long double);
} Fn;

static double snn_exp(double x) { return _snn_exp(x); }
static double snn_expm1(double x) { return _snn_expm1(x); }
static double snn_log(double x) { return _snn_log(x); }
static double snn_log1p(double x) { return _snn_log1p(x); }
static double snn_sin(double x) { return _snn_sin(x); }
static double snn_cos(double x) { return _snn_cos(x); }
static double snn_tanh(double x) { return _snn_tanh(x); }
static double snn_exprel(double x) { return _snn_exprel(x); }

static double libc_exprel(double x) { return x == 0 ? 1.0 : expm1(x) / x; }

static long double ref_exprel(long double x)
{
    if (x == 0) return 1.0L;
    /* expm1l(x)/x loses nothing that matters at double precision */
    return expm1l(x) / x;
}

/* The range of a function's points: n points, uniform or log-uniform. */
typedef struct Range {
    double lo, hi;
    int    log_scale;    /* 1: log-uniform magnitudes, 2: and both signs */
    int    n;
} Range;

/* Measures f over its ranges; returns the worst error in ulps, and the
 * C library's worst in *libc_worst. */
static double measure(const Fn *f, const Range *r, int nr, double *libc_worst, double *at)
{
    double worst = 0, lworst = 0;
    for (int k = 0; k < nr; k++) {
        for (int i = 0; i < r[k].n; i++) {
            double x = r[k].log_scale ? log_uniform(r[k].lo, r[k].hi, r[k].log_scale == 2) : uniform(r[k].lo, r[k].hi);
            long double ref = f->ref((long double)x);
            double e = ulp_error(f->snn(x), ref), le = ulp_error(f->libc(x), ref);
            if (e > worst) {
                worst = e;
                *at = x;
            }
            if (le > lworst) lworst = le;
        }
    }
    *libc_worst = lworst;
    return worst;
}

/* Asserts that f is within 1 ulp over r (about 10^6 points), printing its
 * worst error and the C library's. */
static void check_accuracy(const Fn *f, const Range *r, int nr)
{
    /* long double must really be wider than double (not so under valgrind) */
    volatile long double one = 1.0L, tiny = 0x1p-60L;
    ck_assert_msg(one + tiny != one, "long double is not an extended type here: no reference");
    double libc = 0, at = 0, worst = measure(f, r, nr, &libc, &at);
    int total = 0;
    for (int k = 0; k < nr; k++) total += r[k].n;
    printf("# %-6s %d points: max error %.3f ulp (at %.17g), the C library's %.3f ulp\n", f->name, total, worst, at,
           libc);
    ck_assert_msg(worst < 1.0, "%s: error %.3f ulp at %.17g", f->name, worst, at);
}

START_TEST(exp_accuracy)
{
    static const Fn f = { "exp", snn_exp, exp, expl };
    static const Range r[] = { { -1, 1, 0, 200000 },   { -100, 100, 0, 300000 }, { -745, 709.7, 0, 300000 },
                               { 1e-300, 1, 2, 200000 }, { -745.13, -708, 0, 50000 } };
    check_accuracy(&f, r, 5);
}
END_TEST

START_TEST(expm1_accuracy)
{
    static const Fn f = { "expm1", snn_expm1, expm1, expm1l };
    static const Range r[] = { { -1, 1, 0, 300000 }, { -50, 50, 0, 300000 }, { 1e-300, 1, 2, 300000 },
                               { -745, 709.7, 0, 100000 } };
    check_accuracy(&f, r, 4);
}
END_TEST

START_TEST(log_accuracy)
{
    static const Fn f = { "log", snn_log, log, logl };
    static const Range r[] = { { 0.5, 2, 0, 300000 }, { 1e-300, 1e300, 1, 400000 }, { 0.99, 1.01, 0, 200000 },
                               { 4.9e-324, 2.2e-308, 1, 100000 } };
    check_accuracy(&f, r, 4);
}
END_TEST

START_TEST(log1p_accuracy)
{
    static const Fn f = { "log1p", snn_log1p, log1p, log1pl };
    static const Range r[] = { { -1, 1, 0, 300000 }, { 1e-300, 1, 2, 300000 }, { 1, 1e300, 1, 200000 },
                               { -1, -0.999999, 0, 100000 }, { -0.3, 0.42, 0, 100000 } };
    check_accuracy(&f, r, 5);
}
END_TEST

START_TEST(sin_cos_accuracy)
{
    static const Fn s = { "sin", snn_sin, sin, sinl }, c = { "cos", snn_cos, cos, cosl };
    static const Range r[] = { { -7, 7, 0, 300000 }, { -1e4, 1e4, 0, 300000 }, { 1e-300, 1e6, 2, 300000 },
                               { -1e7, 1e7, 0, 100000 } };
    check_accuracy(&s, r, 4);
    check_accuracy(&c, r, 4);
}
END_TEST

START_TEST(tanh_accuracy)
{
    static const Fn f = { "tanh", snn_tanh, tanh, tanhl };
    static const Range r[] = { { -1, 1, 0, 300000 }, { -25, 25, 0, 300000 }, { 1e-300, 30, 2, 400000 } };
    check_accuracy(&f, r, 3);
}
END_TEST

START_TEST(exprel_accuracy)
{
    static const Fn f = { "exprel", snn_exprel, libc_exprel, ref_exprel };
    static const Range r[] = { { -1, 1, 0, 300000 }, { -60, 60, 0, 300000 }, { 1e-15, 1, 2, 300000 },
                               { -745, 709, 0, 100000 } };
    check_accuracy(&f, r, 4);
}
END_TEST

/* The edges: what each function gives for infinities, NaN, zeros, the
 * ends of its range, and Brian2's exprel cut-offs. */
START_TEST(special_values)
{
    ck_assert(_snn_exp(1.0 / 0.0) == 1.0 / 0.0 && _snn_exp(-1.0 / 0.0) == 0.0 && isnan(_snn_exp(NAN)));
    ck_assert(_snn_exp(710) == 1.0 / 0.0 && _snn_exp(-746) == 0.0 && _snn_exp(0) == 1.0);
    ck_assert(_snn_exp(-745.13) == 0x1p-1074 && _snn_exp(709.78) == exp(709.78));
    ck_assert(_snn_expm1(1.0 / 0.0) == 1.0 / 0.0 && _snn_expm1(-1.0 / 0.0) == -1.0 && isnan(_snn_expm1(NAN)));
    ck_assert(signbit(_snn_expm1(-0.0)) && _snn_expm1(0.0) == 0.0 && _snn_expm1(-50) == -1.0);
    ck_assert(_snn_log(0) == -1.0 / 0.0 && isnan(_snn_log(-1)) && isnan(_snn_log(NAN)));
    ck_assert(_snn_log(1.0 / 0.0) == 1.0 / 0.0 && _snn_log(1) == 0.0 && isnan(_snn_log(-1.0 / 0.0)));
    ck_assert(_snn_log(0x1p-1074) == log(0x1p-1074) && _snn_log(DBL_MAX) == log(DBL_MAX));
    ck_assert(_snn_log1p(-1) == -1.0 / 0.0 && isnan(_snn_log1p(-2)) && _snn_log1p(1.0 / 0.0) == 1.0 / 0.0);
    ck_assert(signbit(_snn_log1p(-0.0)) && _snn_log1p(1e-300) == 1e-300);
    ck_assert(isnan(_snn_sin(1.0 / 0.0)) && isnan(_snn_cos(-1.0 / 0.0)) && isnan(_snn_sin(NAN)));
    ck_assert(signbit(_snn_sin(-0.0)) && _snn_cos(0) == 1.0 && _snn_sin(1e300) == sin(1e300));
    ck_assert(_snn_tanh(1.0 / 0.0) == 1.0 && _snn_tanh(-1.0 / 0.0) == -1.0 && isnan(_snn_tanh(NAN)));
    ck_assert(signbit(_snn_tanh(-0.0)) && _snn_tanh(-30) == -1.0);
    ck_assert(_snn_exprel(0) == 1.0 && _snn_exprel(1e-17) == 1.0 && _snn_exprel(718) == 1.0 / 0.0);
    ck_assert(isnan(_snn_exprel(NAN)) && _snn_exprel(-1.0 / 0.0) == 0.0 && _snn_exprel(-100) == 0.01);
}
END_TEST

/* The library compiled by libtcc gives the same bits as compiled here (cc
 * with the project's flags) at every point of every function. */
START_TEST(libtcc_same_bits)
{
    static const char driver[] =
        "void run(int which, const double *x, double *y, int n)\n{\n"
        "    for (int i = 0; i < n; i++)\n"
        "        y[i] = which == 0 ? _snn_exp(x[i]) : which == 1 ? _snn_expm1(x[i]) : which == 2 ? _snn_log(x[i])\n"
        "             : which == 3 ? _snn_log1p(x[i]) : which == 4 ? _snn_sin(x[i]) : which == 5 ? _snn_cos(x[i])\n"
        "             : which == 6 ? _snn_tanh(x[i]) : _snn_exprel(x[i]);\n}\n";
    double (*const here[8])(double) = { snn_exp, snn_expm1, snn_log, snn_log1p, snn_sin, snn_cos, snn_tanh, snn_exprel };
    size_t len = strlen(snn_abi_text) + strlen(snn_math_text) + sizeof driver + 64;
    char *code = malloc(len);
    /* the bodies, which generated code compiled by libtcc does not use (it
     * calls runtime/mathlib.c), to show that libtcc computes them alike */
    snprintf(code, len, "%s\ndouble sin(double); double cos(double);\n#define SNN_MATH_INLINE\n%s%s", snn_abi_text,
             snn_math_text, driver);
    TCCState *s = tcc_new();
    ck_assert_ptr_nonnull(s);
    tcc_set_output_type(s, TCC_OUTPUT_MEMORY);
    tcc_set_options(s, "-nostdlib");
    tcc_add_symbol(s, "sin", (const void *)sin);
    tcc_add_symbol(s, "cos", (const void *)cos);
    ck_assert_int_eq(tcc_compile_string(s, code), 0);
    ck_assert_int_eq(tcc_relocate(s, TCC_RELOCATE_AUTO), 0);
    void (*run)(int, const double *, double *, int) = (void (*)(int, const double *, double *, int))tcc_get_symbol(s, "run");
    ck_assert_ptr_nonnull(run);
    enum { N = 200000 };
    static double x[N], y[N];
    long differ = 0;
    for (int which = 0; which < 8; which++) {
        for (int i = 0; i < N; i++) {
            int kind = (int)(next_u64() % 4);
            x[i] = kind == 0 ? uniform(-2, 2) : kind == 1 ? uniform(-800, 800) : kind == 2 ? log_uniform(1e-310, 1e10, 1)
                                                                                     : uniform(1e-6, 50);
        }
        run(which, x, y, N);
        for (int i = 0; i < N; i++) {
            double h = here[which](x[i]);
            if (memcmp(&h, &y[i], sizeof h) && !(isnan(h) && isnan(y[i]))) differ++;
        }
    }
    tcc_delete(s);
    free(code);
    ck_assert_int_eq(differ, 0);
}
END_TEST

static Suite *math_suite(void)
{
    Suite *s = suite_create("math");
    TCase *tc = tcase_create("accuracy");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, exp_accuracy);
    tcase_add_test(tc, expm1_accuracy);
    tcase_add_test(tc, log_accuracy);
    tcase_add_test(tc, log1p_accuracy);
    tcase_add_test(tc, sin_cos_accuracy);
    tcase_add_test(tc, tanh_accuracy);
    tcase_add_test(tc, exprel_accuracy);
    tcase_add_test(tc, special_values);
    tcase_add_test(tc, libtcc_same_bits);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(math_suite)
