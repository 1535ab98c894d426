/* SPDX-License-Identifier: MIT */
/* This file declares the one table of the functions a model can call without
 * defining them: Brian2's built-ins (enum Fn in model.h) and the library
 * functions expm1, log1p and timestep (LIB_*).  Each entry says everything
 * the compiler knows about a function: its name and arity, the unit rule sema
 * applies, its name and helper body in generated C, its value on doubles and
 * its derivative. */
#ifndef SNN_FUNCTIONS_H
#define SNN_FUNCTIONS_H

#include "model.h"

/* Library functions: Brian2 functions that enum Fn does not list.  They are
 * SYM_USERFUNC symbols without a body (expr NULL) whose builtin field is one
 * of LIB_*; sema makes them on first use, so they are emitted with the user
 * functions.  ORDER: lib_defs in functions.c. */
enum { LIB_NONE, LIB_EXPM1, LIB_LOG1P, LIB_TIMESTEP, LIB_COUNT };

/* How sema derives the unit and type of a call from its arguments. */
enum FuncUnits {
    FU_NONE,        /* dimensionless argument(s), dimensionless float result */
    FU_SQRT,        /* half the argument's dimension (whole exponents only) */
    FU_SAME,        /* the argument's dimension; int if the argument is */
    FU_SIGN,        /* any argument, dimensionless result */
    FU_CLIP,        /* bounds in the unit of the first argument, result too */
    FU_INT,         /* dimensionless argument, int result */
    FU_RANDOM,      /* no argument, dimensionless result */
    FU_TIME,        /* arguments in seconds, int result (timestep) */
};

/* A derivative rule is a little stack program, ended by D_END: D_X pushes
 * the argument x, D_SELF the call f(x) itself, D_ONE/D_TWO/D_LN10 numbers,
 * D_CALL (followed by an enum Fn) replaces the top y by fn(y), D_SQ by y**2,
 * D_NEG by -y, and D_ADD..D_DIV pop b, then a, and push a op b.  Data, so
 * the table needs nothing of the code that builds expressions. */
enum DerivOp { D_END, D_X, D_SELF, D_ONE, D_TWO, D_LN10, D_CALL, D_SQ, D_NEG, D_ADD, D_SUB, D_MUL, D_DIV };

typedef struct FuncDef {
    const char *name;           /* name in model files */
    int         arity;
    int         units;          /* FuncUnits */
    const char *params[2];      /* library functions: parameter names */
    const char *c_name;         /* name in generated C; NULL for the random
                                   functions, which the emitter writes itself */
    const char *c_body;         /* helper definition in generated C, or NULL */
    double    (*eval)(const double *x);  /* value on doubles; NULL: random */
    /* The derivative f'(x) of a call e = f(x) as a DerivOp program, or NULL
     * if it has none (symbolic.c runs it with the node builders). */
    const signed char *deriv;
    bool        folds;          /* sema folds a call on constants to its value
                                   (in units and constant expressions) */
} FuncDef;

/* The entry of built-in fn (enum Fn) / library function lib (LIB_*). */
const FuncDef *func_def(int fn);
const FuncDef *func_lib_def(int lib);
/* The enum Fn id of a built-in's name, or -1. */
int func_lookup(const char *name, size_t n);
/* The LIB_* id of a library function's name, or LIB_NONE. */
int func_lib_lookup(const char *name, size_t n);
/* The C helpers every generated unit defines after the math prototypes:
 * _snn_timestep, _snn_sign, _snn_clip, _snn_int and _snn_mod (the math
 * functions, _snn_exp ... _snn_exprel, are runtime/snnmath.h's). */
extern const char func_c_helpers[];
/* The prototype of the runtime's poisson(l), which generated code declares
 * only when it calls it (runtime/rng.c): a Poisson number of mean l (0 for
 * l <= 0 or NaN), by multiplication of uniforms for l < 10 and by Hormann's
 * transformed rejection (PTRS, as numpy and Brian2's C++ use) above. */
#define SNN_RAND_POISSON_PROTO \
    "double snn_rand_poisson(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site, double l)"

#endif
