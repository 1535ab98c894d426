/* SPDX-License-Identifier: MIT */
/* This file contains the runtime's compiled copies of generated code's math
 * library (runtime/snnmath.h), which code compiled by libtcc (or the tcc
 * program) calls: snn_math_symbols names them for the JIT.  Compiled by cc
 * without contractions (meson builds C11, which has -ffp-contract=off), they
 * give the same bits as the optimising tier's inlined copies. */
#include "mathlib.h"

#include <math.h>

#include "abi.h"
#include "snnmath.h"

static double m_exp(double x) { return _snn_exp(x); }
static double m_expm1(double x) { return _snn_expm1(x); }
static double m_exprel(double x) { return _snn_exprel(x); }
static double m_tanh(double x) { return _snn_tanh(x); }
static double m_log(double x) { return _snn_log(x); }
static double m_log1p(double x) { return _snn_log1p(x); }
static double m_sin(double x) { return _snn_sin(x); }
static double m_cos(double x) { return _snn_cos(x); }

const SnnMathSymbol snn_math_symbols[SNN_MATH_NSYMBOLS] = {
    { "_snn_exp", m_exp },   { "_snn_expm1", m_expm1 }, { "_snn_exprel", m_exprel }, { "_snn_tanh", m_tanh },
    { "_snn_log", m_log },   { "_snn_log1p", m_log1p }, { "_snn_sin", m_sin },       { "_snn_cos", m_cos },
};
