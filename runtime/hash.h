/* SPDX-License-Identifier: MIT */
/* This file contains the runtime's checksum, 64-bit FNV-1a, of snapshot
 * images.  Images are stored and compared across runs, so the function must
 * never change.  (The native-code cache is keyed by SHA-256, in jit.c.) */
#ifndef SNN_HASH_H
#define SNN_HASH_H

#include <stddef.h>
#include <stdint.h>

#define SNN_FNV1A_BASIS 0xcbf29ce484222325ull   /* hash of no bytes */
#define SNN_FNV1A_PRIME 0x100000001b3ull

/* Continue the hash h over the n bytes at p; start with SNN_FNV1A_BASIS. */
static inline uint64_t snn_fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t k = 0; k < n; k++) h = (h ^ s[k]) * SNN_FNV1A_PRIME;
    return h;
}

/* Continue the hash h over the bytes of the string s (without its NUL). */
static inline uint64_t snn_fnv1a_str(uint64_t h, const char *s)
{
    for (; *s; s++) h = (h ^ (unsigned char)*s) * SNN_FNV1A_PRIME;
    return h;
}

#endif
