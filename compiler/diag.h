/* SPDX-License-Identifier: MIT */
/* This file declares compiler diagnostics: errors and notes collected with a
 * byte span, rendered GCC-style with the source line and a caret. */
#ifndef SNN_DIAG_H
#define SNN_DIAG_H

#include <stdarg.h>
#include "ast.h"

#define DIAG_MAX_ERRORS 20

typedef struct Source {
    const char *name;        /* file name used in messages */
    const char *text;        /* NUL-terminated copy in the arena */
    int         len;
    int        *line_starts; /* byte offset of each line */
    int         nlines;
} Source;

enum { DIAG_ERROR, DIAG_NOTE };
/* "error" or "note". */
const char *diag_severity_name(int severity);

/* What an error is about, set where it is raised; the public API's status
 * code is derived from it (never from the message text). */
enum DiagCode {
    DC_SEMA,       /* names, flags, equations: anything not below */
    DC_SYNTAX,     /* the text does not parse */
    DC_UNITS,      /* dimensions do not agree */
    DC_BUILD,      /* building the network from a checked model failed */
    DC_NOMEM,      /* out of memory */
};

typedef struct DiagMsg {
    int         severity;
    int         code;        /* DiagCode */
    Span        span;
    int         line, col;   /* 1-based, computed from span.start */
    const char *msg;
    const char *rendered;    /* full text: location, message, excerpt, caret */
} DiagMsg;

typedef struct Diag {
    Arena   *arena;
    Source  *src;
    DiagMsg *v;
    int      n, cap;
    int      nerr;
    int      code;           /* DiagCode given to diag_error's errors */
    bool     capped;         /* more errors than DIAG_MAX_ERRORS were found */
} Diag;

void diag_init(Diag *D, Arena *A, Source *src);
Source *source_new(Arena *A, const char *name, const char *text, int len);
void source_linecol(const Source *s, int off, int *line, int *col);

/* Report an error at span; message is printf-formatted, no trailing newline. */
void diag_error(Diag *D, Span span, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void diag_note(Diag *D, Span span, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* An error with its own DiagCode (e.g. DC_UNITS where dimensions clash). */
void diag_error_code(Diag *D, int code, Span span, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_verror(Diag *D, int severity, Span span, const char *fmt, va_list ap);
void diag_vmsg(Diag *D, int severity, int code, Span span, const char *fmt, va_list ap);
/* Report an error that belongs to no place in the source (file-level). */
void diag_error_nospan(Diag *D, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Closest candidate to name by edit distance (for "did you mean"), or NULL. */
const char *diag_suggest(const char *name, const char *const *cands, int n);

#endif
