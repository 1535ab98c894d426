/* SPDX-License-Identifier: MIT */
/* This file declares physical dimensions (seven SI base exponents, as Brian2
 * has them) and the table of unit names with their SI scale. */
#ifndef SNN_UNITS_H
#define SNN_UNITS_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/* Exponents are stored in twelfths, so sqrt (halves) and cube roots stay
 * exact.  Order: metre, kilogram, second, amp, kelvin, mole, candela. */
#define DIM_DEN 12
#define DIM_N 7
typedef struct Dim {
    int16_t e[DIM_N];
} Dim;

extern const Dim DIM_NONE;      /* dimensionless */
extern const Dim DIM_SECOND;

bool dim_eq(Dim a, Dim b);
bool dim_is_none(Dim a);
Dim  dim_mul(Dim a, Dim b);
Dim  dim_div(Dim a, Dim b);
/* Raise to a rational power p/q; returns false if the result is not a whole
 * number of twelfths. */
bool dim_pow(Dim a, int p, int q, Dim *out);
/* Render in Brian2's style with the best-known derived name:
 * "volt", "siemens", "amp", "metre ** 2", "1" (dimensionless).  Writes into
 * buf (always NUL-terminated) and returns buf. */
char *dim_name(Dim d, char *buf, size_t n);

typedef struct UnitDef {
    const char *name;
    double      scale;        /* value of 1 name in SI base units */
    Dim         dim;
} UnitDef;

/* Look a unit name up (mV, nS, siemens, Hz, metre2, ...); NULL if unknown. */
const UnitDef *units_lookup(const char *name, size_t len);
/* All unit names, for "did you mean" suggestions. */
const UnitDef *units_table(size_t *count);

#endif
