/* SPDX-License-Identifier: MIT */
/* This file declares the parser entry point and the state shared by the
 * flex scanner and the bison grammar. */
#ifndef SNN_PARSE_H
#define SNN_PARSE_H

#include "ast.h"
#include "diag.h"

typedef struct SnnParse {
    Arena   *A;
    Diag    *D;
    Source  *src;
    Program *prog;
    int      depth;         /* ( and [ nesting: newlines inside are spaces */
    int      last;          /* last token returned, for newline suppression */
    int      pos;           /* byte offset of the scanner in src */
    PVec     decls;         /* top-level declarations so far */
    int      start_token;   /* START_EXPR: parse one expression */
    Node    *expr_result;
    PVec     stmts_result;  /* START_STMTS: the statements parsed */
    int      end;           /* byte offset where the scanned text ends */
    int      braces[64];    /* offsets of the open '{' (for messages) */
    bool     brace_code[64];/* ... and whether each holds code (reset { }) */
    bool     brace_dict[64];/* ... and whether each is a dict ('on_pre: {...}', 'events {') */
    Ident    last_block;    /* the last BLOCKKEY token (name before '{') */
    int      nbraces;       /* open '{' (may exceed 64; the arrays keep the first 64) */
    Ident    last_key;      /* the last KEY token (name before ':') */
    int      quote;         /* inside a code string: its quote kind (1 ', 2 ", 3 ''', 4 """) */
    int      quote_start;   /*   where it opened */
    bool     quote_block;   /*   it is a block (QOPEN was given) */
    bool     unclosed_reported; /* a missing '}' of a code block was reported */
} SnnParse;

/* Parse src into a Program; syntax errors go to D.  Returns NULL when the
 * parse failed (D->nerr > 0). */
Program *parse_program(Arena *A, Diag *D, Source *src);

/* Parse one expression held in src->text[offset, offset+len) -- the inside
 * of a string such as connect(condition='i != j') -- with spans pointing into
 * src.  Returns NULL (with errors in D) if it is not one expression. */
Node *parse_expression(Arena *A, Diag *D, Source *src, int offset, int len);
/* Parse statements ('v += 1; w = 0', one or more lines) held in
 * src->text[offset, offset+len) -- the inside of a string such as a value of
 * on_pre={'up': 'v += 1'} -- into *out.  Returns false (with errors in D) if
 * they are not statements. */
bool parse_code_string(Arena *A, Diag *D, Source *src, int offset, int len, StmtList *out);

#endif
