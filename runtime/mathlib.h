/* SPDX-License-Identifier: MIT */
/* This file declares the table of the runtime's compiled math functions
 * (runtime/mathlib.c) that the JIT hands to code compiled by libtcc. */
#ifndef SNN_MATHLIB_H
#define SNN_MATHLIB_H

typedef struct SnnMathSymbol {
    const char *name;            /* its name in generated code, _snn_exp ... */
    double    (*fn)(double);
} SnnMathSymbol;

#define SNN_MATH_NSYMBOLS 8
extern const SnnMathSymbol snn_math_symbols[SNN_MATH_NSYMBOLS];

#endif
