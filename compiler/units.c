/* SPDX-License-Identifier: MIT */
/* This file contains dimension arithmetic and the unit-name table (the names
 * Brian2 defines: base units, derived units, SI prefixes, squares, cubes). */
#include "units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const Dim DIM_NONE = {{0}};
const Dim DIM_SECOND = {{0, 0, DIM_DEN, 0, 0, 0, 0}};

static const UnitDef unit_table[] = {
#include "unit_table.inc"
};
#define NUNITS (sizeof unit_table / sizeof *unit_table)

bool dim_eq(Dim a, Dim b) { return memcmp(&a, &b, sizeof a) == 0; }
bool dim_is_none(Dim a) { return dim_eq(a, DIM_NONE); }

Dim dim_mul(Dim a, Dim b)
{
    for (int k = 0; k < DIM_N; k++) a.e[k] = (int16_t)(a.e[k] + b.e[k]);
    return a;
}

Dim dim_div(Dim a, Dim b)
{
    for (int k = 0; k < DIM_N; k++) a.e[k] = (int16_t)(a.e[k] - b.e[k]);
    return a;
}

bool dim_pow(Dim a, int p, int q, Dim *out)
{
    Dim r;
    if (q == 0) return false;
    for (int k = 0; k < DIM_N; k++) {
        long v = (long)a.e[k] * p;
        if (v % q) return false;
        v /= q;
        if (v > 30000 || v < -30000) return false;
        r.e[k] = (int16_t)v;
    }
    *out = r;
    return true;
}

/* Derived names tried, in order, when rendering a dimension. */
static const char *const named_dims[] = {
    "volt", "amp", "siemens", "farad", "ohm", "second", "hertz", "metre",
    "kilogram", "coulomb", "joule", "watt", "newton", "pascal", "henry",
    "weber", "tesla", "kelvin", "mole", "candela", "molar",
};

static const UnitDef *find_exact(const char *name)
{
    return units_lookup(name, strlen(name));
}

/* Render one base-unit product, e.g. "metre ** 2 * second ** -1". */
static void base_render(Dim d, char *buf, size_t n)
{
    static const char *const base[DIM_N] = { "metre", "kilogram", "second", "amp",
                                             "kelvin", "mole", "candela" };
    size_t len = 0;
    buf[0] = 0;
    for (int k = 0; k < DIM_N; k++) {
        if (!d.e[k]) continue;
        const char *sep = len ? " * " : "";
        if (d.e[k] == DIM_DEN)
            len += (size_t)snprintf(buf + len, n > len ? n - len : 0, "%s%s", sep, base[k]);
        else if (d.e[k] % DIM_DEN == 0)
            len += (size_t)snprintf(buf + len, n > len ? n - len : 0, "%s%s ** %d", sep, base[k],
                                    d.e[k] / DIM_DEN);
        else
            len += (size_t)snprintf(buf + len, n > len ? n - len : 0, "%s%s ** %g", sep, base[k],
                                    (double)d.e[k] / DIM_DEN);
    }
}

char *dim_name(Dim d, char *buf, size_t n)
{
    if (dim_is_none(d)) {
        snprintf(buf, n, "1");
        return buf;
    }
    for (size_t k = 0; k < sizeof named_dims / sizeof *named_dims; k++) {
        const UnitDef *u = find_exact(named_dims[k]);
        if (u && dim_eq(u->dim, d)) {
            snprintf(buf, n, "%s", named_dims[k]);
            return buf;
        }
    }
    /* volt/second, amp/metre**2 and the like: a named unit times a base power */
    for (size_t k = 0; k < sizeof named_dims / sizeof *named_dims; k++) {
        const UnitDef *u = find_exact(named_dims[k]);
        if (!u) continue;
        Dim rest = dim_div(d, u->dim);
        int nz = 0, at = -1;
        for (int m = 0; m < DIM_N; m++)
            if (rest.e[m]) { nz++; at = m; }
        if (nz == 1 && rest.e[at] % DIM_DEN == 0 && rest.e[at] < 0 &&
            (at == 0 || at == 2)) {
            int p = -rest.e[at] / DIM_DEN;
            const char *b = at == 0 ? "metre" : "second";
            if (p == 1) snprintf(buf, n, "%s/%s", named_dims[k], b);
            else snprintf(buf, n, "%s/%s**%d", named_dims[k], b, p);
            return buf;
        }
    }
    base_render(d, buf, n);
    return buf;
}

static int cmp_unit(const void *key, const void *elem)
{
    const UnitDef *u = elem;
    const char *const *k = key;
    return strcmp(*k, u->name);
}

const UnitDef *units_lookup(const char *name, size_t len)
{
    char tmp[64];
    if (len == 0 || len >= sizeof tmp) return NULL;
    memcpy(tmp, name, len);
    tmp[len] = 0;
    const char *k = tmp;
    return bsearch(&k, unit_table, NUNITS, sizeof *unit_table, cmp_unit);
}

const UnitDef *units_table(size_t *count)
{
    *count = NUNITS;
    return unit_table;
}
