/* SPDX-License-Identifier: MIT */
/* This file declares the compiler's one entry point: from the assembled .snn
 * source text (with where each chunk of it begins), the command-line
 * overrides and the constants set in code, to a checked, lowered model and
 * its generated C, all in one arena that the compile owns. */
#ifndef SNN_COMPILE_H
#define SNN_COMPILE_H

#include <stddef.h>

#include "diag.h"
#include "emit.h"
#include "model.h"

/* A constant value given in code (snn_set_const), applied after sema. */
typedef struct ConstValue {
    const char *name;
    double      value;
} ConstValue;

/* What to compile. */
typedef struct CompileInput {
    const char        *text;        /* the whole source, NUL-terminated */
    size_t             len;
    const size_t      *starts;      /* chunk k begins at byte starts[k] */
    const char *const *names;       /* ... and is called names[k] in messages */
    int                nchunks;     /* >= 1 */
    const char *const *overrides;   /* "NAME=EXPR", each its own one-line source */
    int                noverrides;
    const ConstValue  *consts;      /* values of model constants set in code */
    int                nconsts;
} CompileInput;

/* The result of one compile.  Everything but text is in arena. */
typedef struct Compiled {
    Arena       *arena;       /* owns source, AST, model, diagnostics, code */
    char        *text;        /* the whole source (malloc'ed) */
    size_t       len;
    Source      *src;         /* the whole source as the compiler saw it */
    size_t      *starts;      /* chunk layout of src (copied from the input) */
    const char **names;
    int          nchunks;
    Diag        *diag;        /* the whole source's diagnostics */
    Model       *model;       /* NULL if the compile failed */
    const char  *code;        /* generated C of model */
    const char  *methods;     /* "G: euler" per integrated group (snn_methods) */
    BlockTable   blocks;      /* every block function code defines */
    int          status;      /* SNN_OK or the SNN_E* status of the failure */
    /* Diagnostics in the order they are to be reported; a Diag whose src is
     * this->src is about the whole source (render it against the chunks),
     * any other has a source of its own (an override). */
    Diag       **reports;
    int          nreports;
    double       t_parse;     /* seconds spent checking, and emitting */
    double       t_emit;
} Compiled;

/* Compile in into *out (zeroed first).  Returns out->status: SNN_OK with
 * out->model and out->code set; or the status of the first failure
 * (SNN_ESYNTAX, SNN_EUNITS, SNN_ESEMA) with the messages in out->reports;
 * or SNN_ENOMEM with no messages (out of memory anywhere in the compile).
 * In every case free *out with compile_free.  Compiles are serialised: the
 * arena's out-of-memory unwind target is process-wide. */
int compile_model(const CompileInput *in, Compiled *out);
void compile_free(Compiled *c);

/* The public status (SNN_E*) of an error raised with DiagCode code. */
int compile_code_status(int code);
/* The public status of a failed check whose errors are in D: SNN_EUNITS if
 * any error is about dimensions, else SNN_ESEMA (a parse failure is
 * SNN_ESYNTAX before this is asked). */
int compile_status(const Diag *D);

/* Add an error about the compiled model found later (building the network:
 * DC_BUILD), located at span of the whole source.  Returns a Diag holding
 * just that message (in c's arena), or NULL when out of memory. */
Diag *compile_add_error(Compiled *c, int code, Span span, const char *msg);

/* Fold every homogeneous pathway delay of M to seconds (Group.delay_s) with
 * the constants' current values; done by compile_model, and again when a
 * constant changes in code. */
void compile_fold_delays(Model *M);

#endif
