/* SPDX-License-Identifier: MIT */
/* snn.h -- the public interface of libsnn, the snnc spiking-network runtime.
 *
 * A context holds one network.  Load a .snn model (from a file or a string),
 * optionally override constants, then run: the model is checked, turned into
 * C, compiled in memory and simulated with Brian2's time-step semantics.
 * Every call returns SNN_OK (0) or an error code; snn_errmsg() and
 * snn_diag_*() tell what went wrong.  The library never exits, aborts or
 * prints unless asked to (snn_set_error_cb). */
#ifndef SNN_H
#define SNN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SNN_VERSION_MAJOR 0
#define SNN_VERSION_MINOR 1
#define SNN_VERSION_PATCH 0
#define SNN_VERSION_STRING "0.1.0"

#if defined(__GNUC__)
#define SNN_API __attribute__((visibility("default")))
#else
#define SNN_API
#endif

/* Status codes. */
#define SNN_OK       0
#define SNN_ESYNTAX  1   /* the model text does not parse */
#define SNN_EUNITS   2   /* a dimension mismatch */
#define SNN_ESEMA    3   /* any other error in the model */
#define SNN_EJIT     4   /* generated code did not compile */
#define SNN_ENOMEM   5   /* out of memory */
#define SNN_EIO      6   /* a file could not be read or written */
#define SNN_EMISUSE  7   /* calls in the wrong order or bad arguments */
#define SNN_ENOTFOUND 8  /* no object or variable of that name */

typedef struct snn_ctx snn_ctx;

/* ---- lifecycle ------------------------------------------------------- */

/* A new, empty context; NULL only when out of memory. */
SNN_API snn_ctx *snn_new(void);
/* Free the context and everything it owns; NULL is allowed. */
SNN_API void snn_free(snn_ctx *ctx);
/* The library version, e.g. "0.1.0". */
SNN_API const char *snn_version(void);

/* ---- loading models -------------------------------------------------- */

/* Parse and check a model from a file.  MUST be called once, before any run. */
SNN_API int snn_load_file(snn_ctx *ctx, const char *path);
/* Same from memory; chunkname names the source in diagnostics. */
SNN_API int snn_load_string(snn_ctx *ctx, const char *src, size_t len, const char *chunkname);
/* Override a model constant before loading: "NAME=EXPR" (e.g. "w_gi=0.5*nS").
 * The dimension must match the model's.  MUST be called before snn_load_*. */
SNN_API int snn_set_override(snn_ctx *ctx, const char *assignment);
/* Seed for rand()/randn() (default 0).  MUST be called before snn_load_*. */
SNN_API int snn_set_seed(snn_ctx *ctx, uint64_t seed);

/* ---- running --------------------------------------------------------- */

/* Compile the loaded model and build the network (done by the first run if
 * not called).  Returns SNN_EJIT if the generated code does not compile. */
SNN_API int snn_build(snn_ctx *ctx);
/* Simulate for a duration in seconds (rounded to whole steps). */
SNN_API int snn_run(snn_ctx *ctx, double duration);
/* Run every 'run' statement of the model file, in order. */
SNN_API int snn_run_script(snn_ctx *ctx);
/* Current simulation time in seconds, and the step length. */
SNN_API double snn_time(const snn_ctx *ctx);
SNN_API double snn_dt(const snn_ctx *ctx);

/* ---- reading results ------------------------------------------------- */

/* Number of neurons (or synapses) of a group, or -1 if there is none. */
SNN_API int64_t snn_group_size(snn_ctx *ctx, const char *group);
/* Pointer to a variable's values (SI units, one double per neuron or
 * synapse), valid until the next run; NULL if unknown. */
SNN_API double *snn_var(snn_ctx *ctx, const char *group, const char *var, size_t *count);
/* Spikes recorded by a spike monitor: neuron indices and time steps (the
 * spike time is step * dt).  The arrays stay owned by the context. */
SNN_API int snn_spikes(snn_ctx *ctx, const char *monitor, const int32_t **idx, const int64_t **steps,
                       size_t *count);
/* Monitors of the model, by position (0..n-1); names stay owned. */
SNN_API int snn_monitor_count(const snn_ctx *ctx);
SNN_API const char *snn_monitor_name(const snn_ctx *ctx, int k);
/* Write every monitor to DIR/<name>.csv (creating DIR).  Files are written
 * to a temporary name and renamed, so no half-written output is left. */
SNN_API int snn_write_outputs(snn_ctx *ctx, const char *dir);
/* One-line summaries, e.g. "SM: 34 spikes (G: 20, 13, 1)", joined by
 * newlines; owned by the context. */
SNN_API const char *snn_summary(snn_ctx *ctx);
/* The generated C code of the loaded model; owned by the context. */
SNN_API const char *snn_generated_code(snn_ctx *ctx);
/* Which integration method each group uses, one "G: euler" line per group. */
SNN_API const char *snn_methods(snn_ctx *ctx);

/* ---- timing ---------------------------------------------------------- */

/* Seconds spent parsing+checking, emitting, JIT-compiling, and simulating. */
SNN_API void snn_timings(const snn_ctx *ctx, double *parse, double *emit, double *jit, double *sim);

/* ---- errors ---------------------------------------------------------- */

/* The last error as text: every diagnostic rendered (file:line:col, the
 * source line, a caret), or "" if none. */
SNN_API const char *snn_errmsg(const snn_ctx *ctx);
/* Structured diagnostics of the last failing call. */
SNN_API int snn_diag_count(const snn_ctx *ctx);
SNN_API int snn_diag_get(const snn_ctx *ctx, int k, const char **file, int *line, int *col, const char **msg);
/* Called with each rendered diagnostic as it is reported (ud is passed
 * through).  By default nothing is printed. */
typedef void (*snn_error_cb)(void *ud, const char *rendered);
SNN_API void snn_set_error_cb(snn_ctx *ctx, snn_error_cb cb, void *ud);

#ifdef __cplusplus
}
#endif
#endif
