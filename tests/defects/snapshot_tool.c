/* SPDX-License-Identifier: MIT */
/* This file contains the snapshot tool of the defect tests: it builds a
 * model, loads a snapshot file into it (which may be crafted) and runs a few
 * steps, printing each status, so that tests can see an untrusted snapshot
 * refused or accepted.
 *   snapshot_tool load MODEL FILE NSTEPS
 *   snapshot_tool save MODEL NSTEPS FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn.h"

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: snapshot_tool load MODEL FILE NSTEPS | save MODEL NSTEPS FILE\n");
        return 2;
    }
    snn_ctx *ctx = snn_new();
    if (!ctx || snn_load_file(ctx, argv[2])) {
        fprintf(stderr, "load: %s\n", ctx ? snn_errmsg(ctx) : "out of memory");
        return 1;
    }
    snn_set_native(ctx, SNN_NATIVE_OFF);
    int rc;
    if (!strcmp(argv[1], "save")) {
        rc = snn_run_steps(ctx, atoll(argv[3]));
        if (!rc) rc = snn_snapshot_save(ctx, argv[4]);
        printf("save rc=%d %s\n", rc, snn_errmsg(ctx));
    } else {
        rc = snn_build(ctx);
        if (!rc) rc = snn_snapshot_load(ctx, argv[3]);
        printf("snapshot_load rc=%d msg=\"%s\"\n", rc, snn_errmsg(ctx));
        if (rc == SNN_OK) {
            rc = snn_run_steps(ctx, atoll(argv[4]));
            printf("run rc=%d t=%g msg=\"%s\"\n", rc, snn_time(ctx), snn_errmsg(ctx));
        }
        rc = 0;
    }
    snn_free(ctx);
    return rc != 0;
}
