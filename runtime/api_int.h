/* SPDX-License-Identifier: MIT */
/* This file declares the inside of the public API (snn.h): the context
 * struct and the helpers that its files share -- ctx.c (context, errors,
 * diagnostics), load.c (chunks, checking, objects added in code), run.c
 * (building, the optimising tier, running, callbacks), inject.c (added
 * spikes), state.c (variables, constants, results) and snapshot_api.c. */
#ifndef SNN_API_INT_H
#define SNN_API_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snn.h"
#include "compile.h"
#include "inject.h"
#include "jit.h"
#include "net.h"
#include "tier.h"

/* One item of an object added in code: "key: text", "key { text }" or
 * "connect(text)". */
typedef struct ApiItem {
    char *key;
    char *text;
} ApiItem;

enum { CH_TEXT, CH_OBJECT };

/* A piece of the model source. */
typedef struct Chunk {
    int      kind;
    char    *name;           /* names the chunk in diagnostics */
    char    *text;           /* CH_TEXT: the text */
    size_t   len;
    char    *obj;            /* CH_OBJECT: object name */
    char    *header;         /*   "neurons G[3]", "synapses S(A -> B)" */
    ApiItem *items;
    int      nitems;
} Chunk;

/* A diagnostic as snn_diag_get gives it. */
typedef struct DiagCopy {
    char *file;
    int   line, col;
    char *msg;
} DiagCopy;

/* A value given with snn_set_const, kept across checks. */
typedef struct ConstSet {
    char  *name;
    double value;
} ConstSet;

/* A callback added with snn_add_callback. */
typedef struct Callback {
    snn_ctx     *ctx;
    int          slot;
    int64_t      every;
    snn_callback fn;
    void        *ud;
} Callback;

/* The spikes of one spike generator, as set_spikes left them. */
typedef struct GenSpikes {
    int64_t *step;
    int32_t *idx;
    size_t   n;
    int64_t  period;
} GenSpikes;

/* A state stored under a name (Brian2's Network.store(name), script.c): a
 * snapshot image and the spikes of every group (step NULL for those that
 * generate none). */
typedef struct StoredState {
    char          *name;
    unsigned char *snap;
    size_t         size;
    GenSpikes     *gen;
    int            ngroups;
} StoredState;

struct snn_ctx {
    Chunk       *chunks;
    int          nchunks;
    char       **overrides;      /* "NAME=EXPR" */
    int          noverrides;
    ConstSet    *sets;           /* snn_set_const values, re-applied after checks */
    int          nsets;
    uint64_t     seed;
    Compiled     cur;            /* the checked model and its code (model NULL if none) */
    bool         dirty;          /* the model changed since the network was built */
    bool         loaded;         /* a file or string was loaded */
    Jit         *jit;
    Net         *net;
    int          native;         /* SNN_NATIVE_* mode */
    Tier        *tier;           /* the optimising tier of net, if started */
    char         native_msg[1100]; /* why the tier failed, or when it switched */
    bool         native_failed;  /* the tier could not start */
    int          threads;        /* snn_set_threads; 0 means 1 */
    void        *mpi_comm;       /* snn_set_mpi_comm: a copy of the MPI_Comm, or NULL (mpi_net.c) */
    /* the tier's decision: libtcc's speed measured from probe_step at
     * probe_wall (probing), and the steps planned: this run's end and the
     * steps of the script's runs after it */
    bool         probing;
    double       probe_wall;
    int64_t      probe_step;
    int64_t      run_end, script_left;
    Callback   **cbs;
    int          ncbs;
    Injections   inj;            /* spikes added with snn_add_spikes */
    bool         inj_op;         /* the injection operation is registered */
    bool         running;
    bool         check_finite;   /* snn_set_check_finite: stop at the first NaN or infinity */
    volatile sig_atomic_t stop_request; /* snn_request_stop was called */
    bool         stopped;        /* the last run ended on a stop request */
    char         unit_buf[128];  /* what snn_var_unit returned last */
    int          cur_slot;       /* slot of the running callback */
    snn_progress_fn progress_fn; /* snn_set_progress */
    void        *progress_ud;
    double       progress_every; /* seconds of wall clock between reports */
    char        *errmsg;
    DiagCopy    *diags;
    int          ndiags;
    char        *summary;
    snn_error_cb cb;
    void        *cb_ud;
    snn_print_cb print_cb;       /* where the model's 'print' statements go */
    void        *print_ud;
    double       t_parse, t_emit, t_jit, t_sim;
    StoredState *stored;         /* snn_store and the script's 'store' */
    double       t_end;          /* Brian2's network time after the last snn_run (not */
    int64_t      t_end_step;     /* rounded to steps), valid while net is t_end_net at */
    const Net   *t_end_net;      /* step t_end_step */
    int          nstored;
    double       t_sim_cpu;      /* process CPU seconds while simulating */
};

/* A growable malloc'ed string; oom is set (and the text kept as it was)
 * when an append fails. */
typedef struct Str {
    char  *p;
    size_t n, cap;
    bool   oom;
} Str;

/* ctx.c */
double api_now(void);
/* CPU seconds of the whole process so far (all threads). */
double api_cpu_now(void);
char  *api_strndup(const char *s, size_t n);
char  *api_strdup(const char *s);          /* NULL stays NULL */
void   api_str_put(Str *s, const char *x, size_t n);
void   api_str_puts(Str *s, const char *x);
void   api_str_printf(Str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void   api_chunk_free(Chunk *c);
/* Forget the last call's message and diagnostics. */
void   api_clear_error(snn_ctx *ctx);
/* Append text to the message and pass it to the error callback. */
void   api_append_error(snn_ctx *ctx, const char *text);
/* Append a formatted line to the message; returns code. */
int    api_set_error(snn_ctx *ctx, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Pass a note to the error callback only (the call itself succeeded). */
void   api_note(snn_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Copy D's messages into the context; when D is about the whole source of
 * C (D->src == C->src), place them in their chunks. */
void   api_take_diags(snn_ctx *ctx, const Diag *D, const Compiled *C);
/* SNN_EMISUSE with a message if a callback is running (fn: the caller). */
int    api_not_running(snn_ctx *ctx, const char *fn);

/* print.c: print statement p of the model to the print callback, if any. */
int    api_print(snn_ctx *ctx, const Print *p);

/* load.c */
/* Check every chunk as one model (see load.c). */
int    api_check(snn_ctx *ctx);

/* run.c */
/* Build the network if there is none or the model changed. */
int    api_ensure_built(snn_ctx *ctx);
/* api_ensure_built, and every synapse object in its own order (not the
 * delivery order of a run, net_order.c): for whatever reads or changes
 * the state between runs. */
int    api_own_order(snn_ctx *ctx);
/* The group of that name in the (built) network: SNN_OK with *out set, or
 * an error code with the message set. */
int    api_get_group(snn_ctx *ctx, const char *fn, const char *group, RtGroup **out);

/* Free a stored state's contents (ctx.c). */
void   api_stored_free(StoredState *s);
/* snapshot_api.c: restore a snapshot image exactly (what names it in
 * messages), constants too. */
int    api_restore_bytes(snn_ctx *ctx, const unsigned char *p, size_t n, const char *what);
/* store_file.c: restore an image as the script's restore does: the constants
 * keep their current values (Brian2's Python variables are not stored). */
int    api_restore_keep_consts(snn_ctx *ctx, const unsigned char *p, size_t n, const char *what);
/* clock.c: the script's dt = X after a run (Brian2's defaultclock.dt);
 * an error code with the message in err (the network unchanged when the
 * time is not a multiple of new_dt).  force: without that check, before a
 * snapshot of another dt is restored over it. */
int    api_change_dt(snn_ctx *ctx, double new_dt, bool force, char *err, size_t errlen);
/* clock.c: the script's t = X (Brian2's net.t_ = X): the network's time
 * from the next run on (a time between steps counts from the next step). */
int    api_set_time(snn_ctx *ctx, double t);
/* clock.c: the script's G.dt = X, group's own clock from the next run on. */
int    api_change_group_dt(snn_ctx *ctx, const char *group, double new_dt, char *err, size_t errlen);
/* store_file.c: the script's store NAME to "FILE" / restore NAME from "FILE". */
int    api_store_to_file(snn_ctx *ctx, const char *name, const char *path);
int    api_restore_from_file(snn_ctx *ctx, const char *name, const char *path);

/* inject.c */
/* Register the spike injection as the first operation of the network. */
bool   api_add_inject_op(snn_ctx *ctx);

/* state.c */
Sym      *api_find_const(Model *M, const char *name);
ConstSet *api_find_set(snn_ctx *ctx, const char *name);

#endif
