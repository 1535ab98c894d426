/* SPDX-License-Identifier: MIT */
/* This file contains the unit tests of units.c: dimension arithmetic in
 * twelfths, rational powers, Brian2-style rendering of dimensions, and the
 * unit table (lookup, exact SI scales as Brian2 has them, sort order). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "test-common.h"
#include "units.h"

/* A dimension from whole exponents of metre, kilogram, second, amp. */
static Dim mk(int m, int kg, int s, int a)
{
    Dim d = DIM_NONE;
    d.e[0] = (int16_t)(m * DIM_DEN);
    d.e[1] = (int16_t)(kg * DIM_DEN);
    d.e[2] = (int16_t)(s * DIM_DEN);
    d.e[3] = (int16_t)(a * DIM_DEN);
    return d;
}

#define VOLT mk(2, 1, -3, -1)
#define AMP mk(0, 0, 0, 1)
#define SIEMENS mk(-2, -1, 3, 2)
#define FARAD mk(-2, -1, 4, 2)
#define OHM mk(2, 1, -3, -2)
#define SECOND mk(0, 0, 1, 0)
#define METRE mk(1, 0, 0, 0)

static const char *name_of(Dim d)
{
    static char buf[4][128];
    static int k;
    k = (k + 1) % 4;
    return dim_name(d, buf[k], sizeof buf[k]);
}

static const UnitDef *look(const char *name) { return units_lookup(name, strlen(name)); }

START_TEST(dim_basics)
{
    ck_assert(dim_is_none(DIM_NONE));
    ck_assert(!dim_is_none(SECOND));
    ck_assert(dim_eq(DIM_SECOND, SECOND));
    ck_assert(!dim_eq(VOLT, AMP));
    /* ohm * amp = volt; siemens * volt = amp; farad * volt / second = amp */
    ck_assert(dim_eq(dim_mul(OHM, AMP), VOLT));
    ck_assert(dim_eq(dim_mul(SIEMENS, VOLT), AMP));
    ck_assert(dim_eq(dim_div(dim_mul(FARAD, VOLT), SECOND), AMP));
    ck_assert(dim_eq(dim_div(VOLT, VOLT), DIM_NONE));
    ck_assert(dim_eq(dim_div(DIM_NONE, OHM), SIEMENS));
    /* the time constant of an RC circuit is a time */
    ck_assert(dim_eq(dim_mul(OHM, FARAD), SECOND));
}
END_TEST

START_TEST(dim_powers)
{
    Dim out;
    ck_assert(dim_pow(METRE, 2, 1, &out));
    ck_assert(dim_eq(out, mk(2, 0, 0, 0)));
    ck_assert(dim_pow(mk(2, 0, 0, 0), 1, 2, &out));        /* sqrt(metre**2) */
    ck_assert(dim_eq(out, METRE));
    ck_assert(dim_pow(SECOND, -1, 1, &out));
    ck_assert(dim_eq(out, mk(0, 0, -1, 0)));
    /* halves are exact: sqrt(volt) squared is volt again */
    Dim half;
    ck_assert(dim_pow(VOLT, 1, 2, &half));
    ck_assert_int_eq(half.e[0], DIM_DEN);
    ck_assert_int_eq(half.e[1], DIM_DEN / 2);
    ck_assert_int_eq(half.e[2], -3 * DIM_DEN / 2);
    ck_assert_int_eq(half.e[3], -DIM_DEN / 2);
    ck_assert(dim_pow(half, 2, 1, &out));
    ck_assert(dim_eq(out, VOLT));
    /* thirds too; fifths are not whole twelfths */
    ck_assert(dim_pow(mk(3, 0, 0, 0), 1, 3, &out));
    ck_assert(dim_eq(out, METRE));
    ck_assert(!dim_pow(METRE, 1, 5, &out));
    ck_assert(!dim_pow(METRE, 1, 0, &out));
    /* dimensionless stays dimensionless under any power */
    ck_assert(dim_pow(DIM_NONE, 7, 5, &out));
    ck_assert(dim_is_none(out));
    /* overflow of the int16 exponents is refused */
    ck_assert(!dim_pow(METRE, 5000, 1, &out));
}
END_TEST

START_TEST(dim_rendering)
{
    ck_assert_str_eq(name_of(DIM_NONE), "1");
    ck_assert_str_eq(name_of(VOLT), "volt");
    ck_assert_str_eq(name_of(AMP), "amp");
    ck_assert_str_eq(name_of(SIEMENS), "siemens");
    ck_assert_str_eq(name_of(FARAD), "farad");
    ck_assert_str_eq(name_of(OHM), "ohm");
    ck_assert_str_eq(name_of(SECOND), "second");
    ck_assert_str_eq(name_of(mk(0, 0, -1, 0)), "hertz");
    ck_assert_str_eq(name_of(METRE), "metre");
    ck_assert_str_eq(name_of(mk(0, 1, 0, 0)), "kilogram");
    ck_assert_str_eq(name_of(dim_div(VOLT, SECOND)), "volt/second");
    ck_assert_str_eq(name_of(dim_div(AMP, mk(2, 0, 0, 0))), "amp/metre**2");
    ck_assert_str_eq(name_of(dim_div(SIEMENS, mk(2, 0, 0, 0))), "siemens/metre**2");
    ck_assert_str_eq(name_of(dim_div(SIEMENS, SECOND)), "siemens/second");
    ck_assert_str_eq(name_of(mk(2, 0, 0, 0)), "metre ** 2");
    ck_assert_str_eq(name_of(mk(0, 0, 2, 0)), "second ** 2");
    ck_assert_str_eq(name_of(mk(1, 0, 0, 1)), "metre * amp");
    Dim half;
    ck_assert(dim_pow(SECOND, 1, 2, &half));
    ck_assert_str_eq(name_of(half), "second ** 0.5");
    ck_assert(dim_pow(VOLT, 1, 2, &half));
    ck_assert_str_eq(name_of(half), "metre * kilogram ** 0.5 * second ** -1.5 * amp ** -0.5");
    /* names come from the unit table, so every table unit of a derived
     * dimension renders by its base name */
    ck_assert_str_eq(name_of(look("mV")->dim), "volt");
    ck_assert_str_eq(name_of(look("nS")->dim), "siemens");
    ck_assert_str_eq(name_of(look("kHz")->dim), "hertz");
    ck_assert_str_eq(name_of(look("um2")->dim), "metre ** 2");
    ck_assert_str_eq(name_of(look("ufarad")->dim), "farad");
}
END_TEST

START_TEST(dim_name_truncates)
{
    char buf[6];
    memset(buf, 'x', sizeof buf);
    dim_name(SIEMENS, buf, sizeof buf);
    ck_assert_str_eq(buf, "sieme");
    memset(buf, 'x', sizeof buf);
    ck_assert_ptr_eq(dim_name(mk(1, 0, 2, 1), buf, sizeof buf), buf);
    ck_assert_int_eq(buf[5], 0);
    ck_assert_str_eq(buf, "metre");
}
END_TEST

/* Scales are exactly Brian2's values (10.0**k, squared for area units). */
START_TEST(lookup_scales)
{
    static const struct { const char *name; double scale; Dim dim; } want[] = {
        { "mV", 1e-3, { { 24, 12, -36, -12, 0, 0, 0 } } },
        { "volt", 1.0, { { 24, 12, -36, -12, 0, 0, 0 } } },
        { "nS", 1e-9, { { -24, -12, 36, 24, 0, 0, 0 } } },
        { "msiemens", 1e-3, { { -24, -12, 36, 24, 0, 0, 0 } } },
        { "pF", 1e-12, { { -24, -12, 48, 24, 0, 0, 0 } } },
        { "ufarad", 1e-6, { { -24, -12, 48, 24, 0, 0, 0 } } },
        { "Hz", 1.0, { { 0, 0, -12, 0, 0, 0, 0 } } },
        { "kHz", 1e3, { { 0, 0, -12, 0, 0, 0, 0 } } },
        { "Mohm", 1e6, { { 24, 12, -36, -24, 0, 0, 0 } } },
        { "cm2", 1e-4, { { 24, 0, 0, 0, 0, 0, 0 } } },
        { "um2", 1e-12, { { 24, 0, 0, 0, 0, 0, 0 } } },
        { "ms", 1e-3, { { 0, 0, 12, 0, 0, 0, 0 } } },
        { "nA", 1e-9, { { 0, 0, 0, 12, 0, 0, 0 } } },
        { "pA", 1e-12, { { 0, 0, 0, 12, 0, 0, 0 } } },
        { "second", 1.0, { { 0, 0, 12, 0, 0, 0, 0 } } },
        { "kgram", 1.0, { { 0, 12, 0, 0, 0, 0, 0 } } },
        { "mM", 1.0, { { -36, 0, 0, 0, 0, 12, 0 } } },
    };
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        const UnitDef *u = look(want[k].name);
        ck_assert_msg(u != NULL, "%s is unknown", want[k].name);
        ck_assert_str_eq(u->name, want[k].name);
        ck_assert_msg(u->scale == want[k].scale, "%s: scale %.17g, want %.17g", want[k].name, u->scale,
                      want[k].scale);
        ck_assert_msg(dim_eq(u->dim, want[k].dim), "%s: wrong dimension %s", want[k].name, name_of(u->dim));
    }
    /* length matters, not a NUL in the name: "mVx" with length 2 is mV */
    ck_assert_ptr_eq(units_lookup("mVx", 2), look("mV"));
}
END_TEST

START_TEST(lookup_unknown)
{
    ck_assert_ptr_null(look("mv"));              /* names are case-sensitive */
    ck_assert_ptr_null(look("MV"));
    ck_assert_ptr_null(look("foo"));
    ck_assert_ptr_null(look("mVolt"));
    ck_assert_ptr_null(look("ms2x"));
    ck_assert_ptr_null(units_lookup("", 0));
    char longname[200];
    memset(longname, 'm', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    ck_assert_ptr_null(look(longname));
    /* boolean / integer are unit words of equations, not table units */
    ck_assert_ptr_null(look("boolean"));
}
END_TEST

/* The table is sorted (bsearch) and every name finds its own entry. */
START_TEST(table_sorted_and_complete)
{
    size_t n;
    const UnitDef *tab = units_table(&n);
    ck_assert_uint_gt(n, 1000);
    for (size_t k = 0; k < n; k++) {
        if (k) ck_assert_msg(strcmp(tab[k - 1].name, tab[k].name) < 0, "table not sorted at %s / %s",
                             tab[k - 1].name, tab[k].name);
        ck_assert_ptr_eq(look(tab[k].name), &tab[k]);
        ck_assert_msg(tab[k].scale > 0 && isfinite(tab[k].scale), "%s has scale %g", tab[k].name, tab[k].scale);
    }
    /* squares and cubes have the squared / cubed dimension of their base */
    const UnitDef *m = look("mmetre"), *m2 = look("mmetre2"), *m3 = look("mmetre3");
    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_nonnull(m2);
    ck_assert_ptr_nonnull(m3);
    Dim sq;
    ck_assert(dim_pow(m->dim, 2, 1, &sq));
    ck_assert(dim_eq(sq, m2->dim));
    ck_assert_double_eq_tol(m2->scale, 1e-6, 1e-21);
    ck_assert_double_eq_tol(m3->scale, 1e-9, 1e-24);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("units");
    TCase *tc = tcase_create("dims");
    tcase_add_test(tc, dim_basics);
    tcase_add_test(tc, dim_powers);
    tcase_add_test(tc, dim_rendering);
    tcase_add_test(tc, dim_name_truncates);
    suite_add_tcase(s, tc);
    tc = tcase_create("table");
    tcase_add_test(tc, lookup_scales);
    tcase_add_test(tc, lookup_unknown);
    tcase_add_test(tc, table_sorted_and_complete);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
