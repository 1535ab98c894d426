/* SPDX-License-Identifier: MIT */
/* This file contains the snn.h entries of MPI ranks: which communicator a
 * context's network is split over (snn_set_mpi_comm, snn_mpi_world), the
 * rank, and the spike exchange's cost.  The split itself is mpi_net.c's;
 * built without MPI these entries say so. */
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "mpi_net.h"
#include "snn.h"

int snn_set_mpi_comm(snn_ctx *ctx, const void *comm)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (api_not_running(ctx, "snn_set_mpi_comm")) return SNN_EMISUSE;
    if (!mpi_comm_size_bytes() && comm)
        return api_set_error(ctx, SNN_EMISUSE, "snn_set_mpi_comm: this libsnn was built without MPI "
                             "(install libopenmpi-dev and rebuild: meson finds MPI itself, or give -Dmpi=enabled)");
    if (ctx->net)
        return api_set_error(ctx, SNN_EMISUSE, "snn_set_mpi_comm: call it before the network is built");
    free(ctx->mpi_comm);
    ctx->mpi_comm = NULL;
    if (!comm) return SNN_OK;
    if (!(ctx->mpi_comm = malloc(mpi_comm_size_bytes()))) return api_set_error(ctx, SNN_ENOMEM, "out of memory");
    memcpy(ctx->mpi_comm, comm, mpi_comm_size_bytes());
    return SNN_OK;
}

int snn_mpi_world(snn_ctx *ctx)
{
    if (!ctx) return SNN_EMISUSE;
    if (!mpi_comm_size_bytes()) return snn_set_mpi_comm(ctx, ctx);   /* says: built without MPI */
    char w[256];
    if (mpi_comm_size_bytes() > sizeof w || !mpi_world(w))
        return api_set_error(ctx, SNN_EMISUSE, "MPI could not be initialised");
    return snn_set_mpi_comm(ctx, w);
}

void snn_mpi_finalize(void)
{
    mpi_finalize();
}

int snn_mpi_rank(const snn_ctx *ctx, int *nranks)
{
    int rank = 0, size = 1;
    if (ctx && ctx->mpi_comm) mpi_comm_rank(ctx->mpi_comm, &rank, &size);
    if (nranks) *nranks = size;
    return rank;
}

int snn_mpi_stats(const snn_ctx *ctx, double *seconds, double *cpu_seconds, uint64_t *bytes, int64_t *exchanges)
{
    double s, c;
    uint64_t b;
    int64_t e;
    bool on = mpi_stats(ctx ? ctx->net : NULL, &s, &c, &b, &e);
    if (seconds) *seconds = s;
    if (cpu_seconds) *cpu_seconds = c;
    if (bytes) *bytes = b;
    if (exchanges) *exchanges = e;
    return on ? SNN_OK : SNN_EMISUSE;
}
