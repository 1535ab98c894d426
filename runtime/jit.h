/* SPDX-License-Identifier: MIT */
/* This file declares the in-memory C compiler used for generated model code
 * (libtcc).  Only jit.c includes libtcc.h. */
#ifndef SNN_JIT_H
#define SNN_JIT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct Jit Jit;

/* Compile C source in memory.  On failure returns NULL and writes the
 * compiler's messages (which name the model file and line, thanks to the
 * emitter's #line directives) into err. */
Jit  *jit_compile(const char *code, char *err, size_t errlen);
/* The optimising tier: compile the same code with the system C compiler
 * ($CC or cc, with -O3 -march=native -ffp-contract=off, so results stay
 * identical) into a shared object cached under cache_dir, keyed by the
 * SHA-256 of the code, the compiler's path and --version, the flags and the
 * processor, and load it.  Returns NULL with a message in err if the cache
 * directory is not private (jit_cache_dir_ok), no compiler is available or
 * it fails; the caller then keeps the libtcc code.  While the compiler runs
 * its pid is in *child (if not NULL), so that it can be stopped. */
Jit  *jit_compile_native(const char *code, const char *cache_dir, char *err, size_t errlen, atomic_int *child);
/* Create dir (mode 0700) if it does not exist, and check that it may hold
 * code to load: a directory (not a symbolic link) of this user that neither
 * group nor others may write.  false with the reason in err otherwise. */
bool  jit_cache_dir_ok(const char *dir, char *err, size_t errlen);
/* Whether jit_compile_native finds code in the cache (and need not build). */
bool  jit_native_cached(const char *code, const char *cache_dir);
/* How many seconds of wall time a cold jit_compile_native of code is
 * likely to take: from the last cold build's time and code size, kept in
 * cache_dir/build-time, or JIT_NATIVE_BUILD_GUESS before any. */
double jit_native_estimate(const char *code, const char *cache_dir);
#define JIT_NATIVE_BUILD_GUESS 0.3
/* Address of a function of the compiled code, or NULL. */
void *jit_symbol(Jit *j, const char *name);
void  jit_free(Jit *j);

#endif
