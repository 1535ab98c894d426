/* SPDX-License-Identifier: MIT */
/* This file contains the fuzz target over loading and compiling a model:
 * the input is a .snn text; it is checked (parse, units, equations, lowering)
 * and, if valid, emitted as C and compiled by libtcc.  A crash, a hang or a
 * sanitizer report is a bug; so is a checked model whose C does not compile
 * (SNN_FUZZ_STRICT=1 aborts on it, naming snnc's own bug). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "jit.h"
#include "snn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(void *ud, const char *rendered)
{
    (void)ud;
    (void)rendered;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536) return 0;
    snn_ctx *ctx = snn_new();
    if (!ctx) return 0;
    snn_set_error_cb(ctx, quiet, NULL);
    if (snn_load_string(ctx, (const char *)data, size, "fuzz.snn") == SNN_OK) {
        const char *code = snn_generated_code(ctx);
        if (code) {
            char err[4096];
            Jit *jit = jit_compile(code, err, sizeof err);
            if (!jit && getenv("SNN_FUZZ_STRICT")) {
                fprintf(stderr, "a checked model's C does not compile:\n%s\n", err);
                abort();
            }
            jit_free(jit);
        }
    }
    snn_free(ctx);
    return 0;
}
