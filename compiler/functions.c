/* SPDX-License-Identifier: MIT */
/* This file contains the table of built-in and library functions (see
 * functions.h): for each one its name, arity, unit rule, C name and helper
 * body, numeric value and derivative.  exp, log, sin, cos, tanh, exprel,
 * expm1 and log1p are runtime/snnmath.h's (pasted into generated code) both
 * in generated C and when sema folds them, so that a folded call and a
 * computed one agree. */
#include "functions.h"

#include <math.h>
#include <string.h>

#include "abi.h"
#include "snnmath.h"      /* generated code's math: constants fold with it */


#define STR_(x) #x
#define STR(x) STR_(x)

/* ====================================================================
 * C helpers of generated code
 * ==================================================================== */

/* Brian2's timestep(x, dt) = int((x + eps*dt)/dt), as snn_timestep does */
#define C_TIMESTEP \
    "#define _snn_timestep(x, dt) ((snn_i64)(((x) + " STR(SNN_TIMESTEP_EPS) " * (dt)) / (dt)))\n"
#define C_SIGN "static double _snn_sign(double x) { return (double)((x > 0) - (x < 0)); }\n"
#define C_CLIP "static double _snn_clip(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }\n"
#define C_INT "static double _snn_int(double x) { return (double)(snn_i64)x; }\n"
/* Python's float modulo (the operator %, not a function of the table) */
#define C_MOD \
    "static double _snn_mod(double x, double y) { double r = fmod(x, y); return (r != 0 && ((r < 0) != (y < 0))) ? r + y : r; }\n"

const char func_c_helpers[] = C_TIMESTEP C_SIGN C_CLIP C_INT C_MOD;

/* ====================================================================
 * Values on doubles
 * ==================================================================== */

static double f_exp(const double *x) { return _snn_exp(x[0]); }
static double f_log(const double *x) { return _snn_log(x[0]); }
static double f_log10(const double *x) { return log10(x[0]); }
static double f_sqrt(const double *x) { return sqrt(x[0]); }
static double f_sin(const double *x) { return _snn_sin(x[0]); }
static double f_cos(const double *x) { return _snn_cos(x[0]); }
static double f_tan(const double *x) { return tan(x[0]); }
static double f_sinh(const double *x) { return sinh(x[0]); }
static double f_cosh(const double *x) { return cosh(x[0]); }
static double f_tanh(const double *x) { return _snn_tanh(x[0]); }
static double f_asin(const double *x) { return asin(x[0]); }
static double f_acos(const double *x) { return acos(x[0]); }
static double f_atan(const double *x) { return atan(x[0]); }
static double f_abs(const double *x) { return fabs(x[0]); }
static double f_sign(const double *x) { return (double)((x[0] > 0) - (x[0] < 0)); }
static double f_floor(const double *x) { return floor(x[0]); }
static double f_ceil(const double *x) { return ceil(x[0]); }
static double f_clip(const double *x) { return x[0] < x[1] ? x[1] : x[0] > x[2] ? x[2] : x[0]; }
static double f_int(const double *x) { return isfinite(x[0]) ? trunc(x[0]) : x[0]; }
static double f_expm1(const double *x) { return _snn_expm1(x[0]); }
static double f_log1p(const double *x) { return _snn_log1p(x[0]); }
static double f_timestep(const double *x) { return trunc((x[0] + SNN_TIMESTEP_EPS * x[1]) / x[1]); }

static double f_exprel(const double *x) { return _snn_exprel(x[0]); }

/* ====================================================================
 * Derivatives f'(x); e is the call itself (exp' = exp)
 * ==================================================================== */

/* Derivatives (enum DerivOp programs). */
static const signed char d_exp[] = { D_SELF, D_END };
static const signed char d_log[] = { D_ONE, D_X, D_DIV, D_END };
static const signed char d_log10[] = { D_ONE, D_X, D_LN10, D_MUL, D_DIV, D_END };
static const signed char d_sqrt[] = { D_ONE, D_TWO, D_SELF, D_MUL, D_DIV, D_END };
static const signed char d_sin[] = { D_X, D_CALL, FN_COS, D_END };
static const signed char d_cos[] = { D_X, D_CALL, FN_SIN, D_NEG, D_END };
static const signed char d_tan[] = { D_ONE, D_X, D_CALL, FN_COS, D_SQ, D_DIV, D_END };
static const signed char d_sinh[] = { D_X, D_CALL, FN_COSH, D_END };
static const signed char d_cosh[] = { D_X, D_CALL, FN_SINH, D_END };
static const signed char d_tanh[] = { D_ONE, D_SELF, D_SQ, D_SUB, D_END };
/* 1/sqrt(1 - x**2), and its negative */
static const signed char d_asin[] = { D_ONE, D_ONE, D_X, D_SQ, D_SUB, D_CALL, FN_SQRT, D_DIV, D_END };
static const signed char d_acos[] = { D_ONE, D_ONE, D_X, D_SQ, D_SUB, D_CALL, FN_SQRT, D_DIV, D_NEG, D_END };
static const signed char d_atan[] = { D_ONE, D_ONE, D_X, D_SQ, D_ADD, D_DIV, D_END };
static const signed char d_abs[] = { D_X, D_CALL, FN_SIGN, D_END };
/* (exp(x)*(x - 1) + 1)/x**2 */
static const signed char d_exprel[] = { D_X, D_CALL, FN_EXP, D_X, D_ONE, D_SUB, D_MUL, D_ONE, D_ADD, D_X, D_SQ,
                                        D_DIV, D_END };
static const signed char d_expm1[] = { D_X, D_CALL, FN_EXP, D_END };
static const signed char d_log1p[] = { D_ONE, D_ONE, D_X, D_ADD, D_DIV, D_END };

/* ====================================================================
 * The tables
 * ==================================================================== */

/* ORDER: enum Fn in model.h. */
static const FuncDef fn_defs[FN_COUNT] = {
    [FN_EXP]      = { "exp", 1, FU_NONE, { 0 }, "_snn_exp", NULL, f_exp, d_exp, true },
    [FN_LOG]      = { "log", 1, FU_NONE, { 0 }, "_snn_log", NULL, f_log, d_log, true },
    [FN_LOG10]    = { "log10", 1, FU_NONE, { 0 }, "log10", NULL, f_log10, d_log10, true },
    [FN_SQRT]     = { "sqrt", 1, FU_SQRT, { 0 }, "sqrt", NULL, f_sqrt, d_sqrt, true },
    [FN_SIN]      = { "sin", 1, FU_NONE, { 0 }, "_snn_sin", NULL, f_sin, d_sin },
    [FN_COS]      = { "cos", 1, FU_NONE, { 0 }, "_snn_cos", NULL, f_cos, d_cos },
    [FN_TAN]      = { "tan", 1, FU_NONE, { 0 }, "tan", NULL, f_tan, d_tan },
    [FN_SINH]     = { "sinh", 1, FU_NONE, { 0 }, "sinh", NULL, f_sinh, d_sinh },
    [FN_COSH]     = { "cosh", 1, FU_NONE, { 0 }, "cosh", NULL, f_cosh, d_cosh },
    [FN_TANH]     = { "tanh", 1, FU_NONE, { 0 }, "_snn_tanh", NULL, f_tanh, d_tanh },
    [FN_ARCSIN]   = { "arcsin", 1, FU_NONE, { 0 }, "asin", NULL, f_asin, d_asin },
    [FN_ARCCOS]   = { "arccos", 1, FU_NONE, { 0 }, "acos", NULL, f_acos, d_acos },
    [FN_ARCTAN]   = { "arctan", 1, FU_NONE, { 0 }, "atan", NULL, f_atan, d_atan },
    [FN_ABS]      = { "abs", 1, FU_SAME, { 0 }, "fabs", NULL, f_abs, d_abs, true },
    [FN_SIGN]     = { "sign", 1, FU_SIGN, { 0 }, "_snn_sign", C_SIGN, f_sign, NULL },
    [FN_FLOOR]    = { "floor", 1, FU_SAME, { 0 }, "floor", NULL, f_floor, NULL },
    [FN_CEIL]     = { "ceil", 1, FU_SAME, { 0 }, "ceil", NULL, f_ceil, NULL },
    [FN_CLIP]     = { "clip", 3, FU_CLIP, { 0 }, "_snn_clip", C_CLIP, f_clip, NULL },
    [FN_INT]      = { "int", 1, FU_INT, { 0 }, "_snn_int", C_INT, f_int, NULL },
    [FN_RAND]     = { "rand", 0, FU_RANDOM, { 0 }, NULL, NULL, NULL, NULL },
    [FN_RANDN]    = { "randn", 0, FU_RANDOM, { 0 }, NULL, NULL, NULL, NULL },
    [FN_EXPREL]   = { "exprel", 1, FU_NONE, { 0 }, "_snn_exprel", NULL, f_exprel, d_exprel },
    /* the Poisson inputs' binomial(n, p); the emitter calls snn_rand_binomial */
    [FN_BINOMIAL] = { "_binomial", 2, FU_NONE, { 0 }, NULL, NULL, NULL, NULL },
    /* Brian2's poisson(l): a Poisson number of mean l; snn_rand_poisson */
    [FN_POISSON]  = { "poisson", 1, FU_INT, { 0 }, NULL, NULL, NULL, NULL },
};

/* ORDER: LIB_* in functions.h.  expm1 and log1p are runtime/snnmath.h's,
 * as exp and log are; timestep is Brian2's
 * timestep(t, dt), the step of time t, computed by the runtime. */
static const FuncDef lib_defs[LIB_COUNT] = {
    [LIB_NONE]     = { "?", 0, FU_NONE, { 0 }, NULL, "", NULL, NULL },
    [LIB_EXPM1]    = { "expm1", 1, FU_NONE, { "x" }, "uf_expm1",
                       "static double uf_expm1(double x) { return _snn_expm1(x); }\n", f_expm1, d_expm1 },
    [LIB_LOG1P]    = { "log1p", 1, FU_NONE, { "x" }, "uf_log1p",
                       "static double uf_log1p(double x) { return _snn_log1p(x); }\n", f_log1p, d_log1p },
    [LIB_TIMESTEP] = { "timestep", 2, FU_TIME, { "t", "dt" }, "uf_timestep",
                       "static double uf_timestep(double t, double dt)\n{\n"
                       "    return (double)snn_timestep(t, dt);\n}\n", f_timestep, NULL },
};

const FuncDef *func_def(int fn) { return &fn_defs[fn]; }

const FuncDef *func_lib_def(int lib) { return &lib_defs[lib > 0 && lib < LIB_COUNT ? lib : LIB_NONE]; }

int func_lookup(const char *name, size_t n)
{
    for (int k = 0; k < FN_COUNT; k++)
        if (strlen(fn_defs[k].name) == n && !memcmp(fn_defs[k].name, name, n)) return k;
    return -1;
}

int func_lib_lookup(const char *name, size_t n)
{
    for (int k = 1; k < LIB_COUNT; k++)
        if (strlen(lib_defs[k].name) == n && !memcmp(lib_defs[k].name, name, n)) return k;
    return LIB_NONE;
}
