/* SPDX-License-Identifier: MIT */
/* This file declares the in-memory C compiler used for generated model code
 * (libtcc).  Only jit.c includes libtcc.h. */
#ifndef SNN_JIT_H
#define SNN_JIT_H

#include <stddef.h>

typedef struct Jit Jit;

/* Compile C source in memory.  On failure returns NULL and writes the
 * compiler's messages (which name the model file and line, thanks to the
 * emitter's #line directives) into err. */
Jit  *jit_compile(const char *code, char *err, size_t errlen);
/* Address of a function of the compiled code, or NULL. */
void *jit_symbol(Jit *j, const char *name);
void  jit_free(Jit *j);

#endif
