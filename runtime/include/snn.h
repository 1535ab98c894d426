/* SPDX-License-Identifier: MIT */
/* snn.h -- the public interface of libsnn, the snnc spiking-network runtime.
 *
 * A context holds one network.  Its model is .snn text: loaded from files or
 * strings, and added to in code with the same equation and statement strings
 * a .snn file holds (snn_add_neurons, ...).  Every change is checked at once,
 * with the diagnostics a .snn file gets.  The first run (or snn_build) turns
 * the model into C, compiles it in memory and builds the network; later runs
 * only simulate.  Values (variables, constants) change without recompiling;
 * a change of the model recompiles in milliseconds and keeps the state of
 * the objects that still exist, and the time.
 *
 * Every call that can fail returns SNN_OK (0) or an SNN_E* code; snn_errmsg()
 * and snn_diag_*() tell what went wrong.  The library never exits, aborts or
 * prints unless asked to (snn_set_error_cb).  Values are in SI units (volt,
 * second, siemens, ...).  Contexts are independent; use each one from one
 * thread at a time. */
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
#define SNN_VERSION_NUMBER (SNN_VERSION_MAJOR * 10000 + SNN_VERSION_MINOR * 100 + SNN_VERSION_PATCH)

#if defined(__GNUC__)
#define SNN_API __attribute__((visibility("default")))
#else
#define SNN_API
#endif

/* Status codes. */
#define SNN_OK        0
#define SNN_ESYNTAX   1  /* the model text does not parse */
#define SNN_EUNITS    2  /* a dimension mismatch */
#define SNN_ESEMA     3  /* any other error in the model */
#define SNN_EJIT      4  /* generated code did not compile */
#define SNN_ENOMEM    5  /* out of memory */
#define SNN_EIO       6  /* a file could not be read or written, or is damaged */
#define SNN_EMISUSE   7  /* calls in the wrong order or bad arguments */
#define SNN_ENOTFOUND 8  /* no object or variable of that name */
#define SNN_ESTOPPED  9  /* the run stopped early on snn_request_stop */
#define SNN_ENOTFINITE 10 /* a state variable became NaN or infinite (snn_set_check_finite) */

typedef struct snn_ctx snn_ctx;
typedef struct snn_snapshot snn_snapshot;

/* ---- lifecycle ------------------------------------------------------- */

/* A new, empty context; NULL only when out of memory. */
SNN_API snn_ctx *snn_new(void);
/* Free the context and everything it owns; NULL is allowed. */
SNN_API void snn_free(snn_ctx *ctx);
/* The library version, e.g. "0.1.0". */
SNN_API const char *snn_version(void);

/* ---- loading models -------------------------------------------------- */

/* Parse and check a model file.  At most once per context (objects may be
 * added in code before and after); on error nothing is loaded. */
SNN_API int snn_load_file(snn_ctx *ctx, const char *path);
/* Same from memory; chunkname names the text in diagnostics ("model" if NULL). */
SNN_API int snn_load_string(snn_ctx *ctx, const char *src, size_t len, const char *chunkname);
/* Override a model constant: "NAME=EXPR" (e.g. "w_gi=0.5*nS"); the dimension
 * must match.  MUST be called before snn_load_*; later, use snn_set_const. */
SNN_API int snn_set_override(snn_ctx *ctx, const char *assignment);
/* Seed of rand()/randn() and random connections (default 0).  Before the
 * build; later it changes the random numbers from the next step on. */
SNN_API int snn_set_seed(snn_ctx *ctx, uint64_t seed);

/* ---- building networks in code --------------------------------------- */
/* Each call adds .snn text (see snn_model_source) and checks the model; on
 * error it returns the code, the diagnostics name the call (e.g.
 * "snn_add_neurons(G):3:12"), and the model is left as it was.  Strings are
 * those of a .snn file (Brian2's); NULL or "" leaves an item out. */

/* A constant: name = expr, e.g. ("tau", "10*ms"). */
SNN_API int snn_add_const(snn_ctx *ctx, const char *name, const char *expr);
/* A neuron group of n neurons: equations (one per line), threshold
 * condition, reset statements, refractory period or condition, method. */
SNN_API int snn_add_neurons(snn_ctx *ctx, const char *name, int64_t n, const char *equations,
                            const char *threshold, const char *reset, const char *refractory,
                            const char *method);
/* Synapses from group source to group target (each a group's name or a
 * subgroup, "P[0:3200]"): model equations, on_pre and on_post statements,
 * connect arguments (e.g. "i=0, j=2", "p=0.1"). */
SNN_API int snn_add_synapses(snn_ctx *ctx, const char *name, const char *source, const char *target,
                             const char *model, const char *on_pre, const char *on_post, const char *connect);
/* A monitor: kind "spikemonitor" or "statemonitor", args as in the file
 * ("G", "G.v, G.w, record=[0, 2]"). */
SNN_API int snn_add_monitor(snn_ctx *ctx, const char *kind, const char *name, const char *args);
/* An input object written "kind name(args)" (the language's input kinds). */
SNN_API int snn_add_input(snn_ctx *ctx, const char *kind, const char *name, const char *args);
/* Set item key ("init", "delay", "method", "threshold", "model", "connect",
 * ...) of a group or synapses added in code, replacing the old one; NULL
 * removes it.  SNN_EMISUSE for objects that come from loaded text. */
SNN_API int snn_set_item(snn_ctx *ctx, const char *object, const char *key, const char *text);
/* Same, but add to the item: lines to a block (model, init, reset, on_pre,
 * on_post), another connect(...); other keys are replaced. */
SNN_API int snn_add_item(snn_ctx *ctx, const char *object, const char *key, const char *text);
/* The whole model as .snn text (loaded chunks and added objects, in order);
 * owned by the context, valid until the model changes. */
SNN_API const char *snn_model_source(snn_ctx *ctx);

/* ---- running --------------------------------------------------------- */

/* The optimising tier: besides compiling in memory with libtcc, build the
 * same code with the system C compiler (cc -O3 -march=native, results
 * unchanged) and switch to it between two steps once ready (BACKGROUND), or
 * before the first step (WAIT).  The code is cached by its hash in
 * $XDG_CACHE_HOME/snnc or ~/.cache/snnc.  Default OFF; applies from the
 * next build. */
#define SNN_NATIVE_OFF        0
#define SNN_NATIVE_BACKGROUND 1
#define SNN_NATIVE_WAIT       2
SNN_API int snn_set_native(snn_ctx *ctx, int mode);
/* What became of the optimising tier of the built network.  A failure is
 * also passed to the error callback as a "note: ..." line (the network then
 * keeps running libtcc's code, with the same results).  *message (if not
 * NULL) says why or since when; owned by the context. */
#define SNN_NATIVE_PENDING    3   /* the system C compiler still runs */
#define SNN_NATIVE_INSTALLED  4   /* the optimised code runs */
#define SNN_NATIVE_FAILED     5   /* it could not be used; *message says why */
/* Returns SNN_NATIVE_OFF (not asked for, or no network built yet),
 * SNN_NATIVE_PENDING, SNN_NATIVE_INSTALLED or SNN_NATIVE_FAILED. */
SNN_API int snn_native_status(snn_ctx *ctx, const char **message);

/* Simulate on n threads (1 to 64; default 1), from now on and for later
 * builds.  Each group's neurons are split into contiguous ranges for the
 * state update, threshold, reset and run_regularly, and spike delivery
 * (on_pre) by target neuron range, so that every spike and every value is
 * bit-identical for any n.  Summed variables, on_post, named pathways,
 * monitors and on_pre statements that write presynaptic variables run on
 * one thread.  SNN_EMISUSE for a bad n or during a run; SNN_ENOMEM if the
 * threads cannot be started. */
SNN_API int snn_set_threads(snn_ctx *ctx, int n);

/* MPI ranks (docs/mpi.md): split the network over the ranks of the
 * communicator *comm (a pointer to an MPI_Comm of an MPI the program has
 * initialised; copied), with spikes and values identical to one process for
 * any number of ranks and threads.  Every rank must make the same calls.
 * Each rank updates a contiguous range of every neuron group and delivers
 * to the synapses onto its neurons; snn_write_run and snn_write_outputs
 * gather on rank 0, which writes alone (they are collective: call them on
 * every rank).  Between runs a rank's snn_var values are current for its
 * own neurons only.  Call before the network is built; NULL switches MPI
 * off.  SNN_EMISUSE if libsnn was built without MPI.  Building refuses
 * (SNN_EMISUSE) a network that cannot be split: code of a synapse that
 * reads or writes its source's variables (_pre), shared or linked
 * variables written per neuron, custom events, spatialneurons, and spike
 * monitors that record variables. */
SNN_API int snn_set_mpi_comm(snn_ctx *ctx, const void *comm);
/* snn_set_mpi_comm with MPI_COMM_WORLD, initialising MPI first if the
 * program has not (then snn_mpi_finalize ends it). */
SNN_API int snn_mpi_world(snn_ctx *ctx);
SNN_API void snn_mpi_finalize(void);
/* This process's rank (0 without MPI), and the number of ranks in *nranks
 * (NULL: not wanted). */
SNN_API int snn_mpi_rank(const snn_ctx *ctx, int *nranks);
/* This rank's spike exchanges so far (once per minimum delay, or after
 * every threshold when some delay is zero; docs/mpi.md): seconds in MPI
 * (MPI_Wtime around each exchange and each agreement on stopping between
 * them), the process's CPU seconds in them (MPI polls while it waits),
 * bytes received in the spike exchanges, and their number; SNN_EMISUSE
 * (and zeros) without MPI ranks.
 * Any pointer may be NULL. */
SNN_API int snn_mpi_stats(const snn_ctx *ctx, double *seconds, double *cpu_seconds, uint64_t *bytes,
                          int64_t *exchanges);

/* Compile the model and build the network, or rebuild it after a change
 * (keeping time, state of the objects that still exist, and recorded data).
 * Done by the first run if not called.  Nothing to do if up to date. */
SNN_API int snn_build(snn_ctx *ctx);
/* Simulate for a duration in seconds.  As Brian2, the network's time is
 * kept unrounded (t + duration) and the run ends at its step, rounded up
 * unless within 1e-4 dt of one: at dt = 1 ms, 0.3 ms is one step, and runs of
 * 0.5 and 1.5 ms are two steps together.
 * A callback that stops the run still gives SNN_OK. */
SNN_API int snn_run(snn_ctx *ctx, double duration);
/* Simulate nsteps time steps (>= 0). */
SNN_API int snn_run_steps(snn_ctx *ctx, int64_t nsteps);
/* Run the model's script: every 'run' statement, in order, and between
 * them, where they stand in the file, the 'print' statements (their text
 * goes to the print callback) and the other statements between runs
 * (assignments such as G.v = expr, new values of constants, X.active =
 * False, store / restore, set_spikes).  It starts with every object active
 * and continues from the current time; it stops at the first failure, and
 * after a stop request nothing more is run or printed.  To run it again
 * from the start, restore a state stored before (snn_store / snn_restore,
 * or snn_restore_random_state to draw the same random numbers again) and
 * call it again: this is how a sweep over a constant runs one compiled
 * model many times (set the constant with snn_set_const after restoring). */
SNN_API int snn_run_script(snn_ctx *ctx);
/* Brian2's Network.store(name) / restore(name) (name NULL: "default"):
 * keep the whole state under a name -- time, every variable, spike
 * queues, what the monitors recorded, the spike generators' spikes -- and
 * go back to it.  As Brian2's restore(), snn_restore leaves the random
 * state alone: the random numbers drawn after it are new ones, not those
 * drawn after the store, so a loop of restore and run gives every trial
 * its own noise.  snn_restore_random_state also restores the random state
 * (Brian2's restore(name, restore_random_state=True)): the run after it
 * repeats the numbers of the run after the store bit for bit, as does
 * snn_snapshot_restore.  Constants are not part of the state (in Brian2
 * they are Python variables): snn_restore and snn_restore_random_state
 * leave them as they are; snn_snapshot_restore sets them back too.  Both
 * restores give SNN_ENOTFOUND for a name never stored. */
SNN_API int snn_store(snn_ctx *ctx, const char *name);
SNN_API int snn_restore(snn_ctx *ctx, const char *name);
SNN_API int snn_restore_random_state(snn_ctx *ctx, const char *name);
/* Brian2's obj.active: switch a group, synapses object or monitor off
 * (active 0: none of its operations run, a group emits no spikes, a monitor
 * records nothing) or on again. */
SNN_API int snn_set_active(snn_ctx *ctx, const char *name, int active);
/* Called by snn_run_script with the text of each 'print' statement of the
 * model, ending in a newline (ud is passed through): the string, a spike
 * monitor as a neurons x steps matrix of 0 and 1, or a variable's values
 * and SI unit, formatted as numpy prints arrays.  By default nothing is
 * printed; NULL turns it off again. */
typedef void (*snn_print_cb)(void *ud, const char *text);
SNN_API void snn_set_print_cb(snn_ctx *ctx, snn_print_cb cb, void *ud);
/* Progress of a run (Brian2's report), passed to the function given to
 * snn_set_progress about every every_seconds of wall clock during each
 * snn_run / snn_run_steps (so also of each 'run' of snn_run_script), and
 * once more when the run ends (done = 1, also after a stop). */
typedef struct snn_progress {
    double t;               /* simulated time now, seconds */
    double t_start, t_end;  /* the time at which this run began and will end */
    double wall;            /* wall-clock seconds since this run began */
    int    done;            /* 1 on the last report of the run */
} snn_progress;
typedef void (*snn_progress_fn)(const snn_progress *p, void *ud);
/* Report progress to fn (NULL: no reports); every_seconds > 0.  The run is
 * cut into pieces of whole steps between reports, with the same results.
 * fn may not call other functions of the context. */
SNN_API int snn_set_progress(snn_ctx *ctx, snn_progress_fn fn, void *ud, double every_seconds);
/* Current simulation time in seconds (step * dt), and the step length. */
SNN_API double snn_time(const snn_ctx *ctx);
SNN_API double snn_dt(const snn_ctx *ctx);

/* A run that ended early on snn_request_stop returns SNN_ESTOPPED.  Time,
 * state and the monitors' data are those after the last whole step.  Not
 * passed to the error callback; snn_errmsg() says where the run stopped. */
/* Ask the current run (or, if none runs, the next one) to stop at the next
 * step boundary; snn_run_script then runs no further statement.  Only
 * stores a flag (a volatile sig_atomic_t), so it is safe to call from a
 * signal handler.  The run it stops consumes the request. */
SNN_API void snn_request_stop(snn_ctx *ctx);
/* 1 if the last run ended on snn_request_stop, else 0. */
SNN_API int snn_stopped(const snn_ctx *ctx);
/* The steps of all 'run' statements of the model together (what
 * snn_run_script simulates); 0 without a model. */
SNN_API int64_t snn_script_steps(const snn_ctx *ctx);
/* The number of 'run' statements of the model; 0 without a model. */
SNN_API int snn_script_runs(const snn_ctx *ctx);
/* Write what 'snnc run' writes, all or nothing: every monitor to
 * DIR/<name>.csv (as snn_write_outputs), if save_state every group's
 * DIR/<name>.state.csv (as snn_write_state), and DIR/run.json: the snnc
 * version, model_file (may be NULL), seed, dt, the time and steps simulated,
 * the steps planned, "complete" (false after snn_request_stop), and each
 * monitor's name, kind, source, variables (columns), their units and file.  Every file is written
 * under a temporary name in DIR and synced; only when all are written are
 * they renamed into place.  On any error (a full disk, a directory that
 * cannot be written) DIR keeps the files it had and SNN_EIO is returned. */
/* The unit of a variable of a group or synapses object, in Brian2's words:
 * "volt", "siemens", "volt/second", "1" (dimensionless); NULL if there is no
 * such variable.  Owned by the context, valid until the next call. */
SNN_API const char *snn_var_unit(snn_ctx *ctx, const char *group, const char *var);
SNN_API int snn_write_run(snn_ctx *ctx, const char *dir, const char *model_file, int save_state);
/* snn_write_run, with the monitors in a format: SNN_FORMAT_CSV (as
 * snn_write_run) or SNN_FORMAT_NPY, numpy's .npy arrays, one per column:
 * DIR/<name>.i.npy (int32) and <name>.t.npy of a spike monitor,
 * <name>.t.npy and <name>.rate.npy of a rate monitor, <name>.t.npy and
 * <name>.<var>.npy (steps x recorded neurons) of a state monitor, float64 in
 * SI units.  run.json then lists each monitor's "files" and "shapes". */
#define SNN_FORMAT_CSV 0
#define SNN_FORMAT_NPY 1
SNN_API int snn_write_run_format(snn_ctx *ctx, const char *dir, const char *model_file, int save_state, int format);
/* Remove the temporary files of every write in progress, in every context
 * (nothing else): only unlink() calls, so a signal handler may call it
 * before the process dies. */
SNN_API void snn_remove_temporaries(void);

/* ---- callbacks (Brian2's network_operation) -------------------------- */

/* Schedule slots of one time step, in order. */
#define SNN_SLOT_START      0  /* before the state update (state monitors record here) */
#define SNN_SLOT_GROUPS     1  /* after the state updates */
#define SNN_SLOT_THRESHOLDS 2  /* after thresholds and spike monitors */
#define SNN_SLOT_SYNAPSES   3  /* after the synaptic pathways */
#define SNN_SLOT_RESETS     4  /* after the resets */
#define SNN_SLOT_END        5  /* end of the step */

/* Called at its slot in every step that is a multiple of 'every'; it may
 * read and write state and constants and add spikes.  Return non-zero to
 * end the run after this step. */
typedef int (*snn_callback)(snn_ctx *ctx, void *ud);
/* Add a callback; kept across rebuilds.  Not from inside a callback. */
SNN_API int snn_add_callback(snn_ctx *ctx, int slot, int64_t every, snn_callback fn, void *ud);
/* Remove every callback.  Not from inside a callback. */
SNN_API int snn_clear_callbacks(snn_ctx *ctx);

/* ---- reading and writing state --------------------------------------- */
/* These build the network first if needed.  Group means a neuron group or a
 * synapses object (then one value per synapse). */

/* Number of neurons (or synapses) of a group, or -1 if there is none. */
SNN_API int64_t snn_group_size(snn_ctx *ctx, const char *group);
/* A variable's values, one double per neuron or synapse, to read or write in
 * place; valid until the network is rebuilt or freed.  NULL if unknown. */
SNN_API double *snn_var(snn_ctx *ctx, const char *group, const char *var, size_t *count);
/* Copy a variable's values to out (n >= the group's size). */
SNN_API int snn_get_var(snn_ctx *ctx, const char *group, const char *var, double *out, size_t n);
/* Set a variable: n == 1 gives every element that value, n == size copies. */
SNN_API int snn_set_var(snn_ctx *ctx, const char *group, const char *var, const double *values, size_t n);
/* Name of variable k (0..) of a group, NULL past the end. */
SNN_API const char *snn_var_name(snn_ctx *ctx, const char *group, int k);
/* A constant's current value. */
SNN_API int snn_get_const(snn_ctx *ctx, const char *name, double *value);
/* Change a constant for the code that runs from now on, without
 * recompiling; kept across rebuilds.  Before the build it also sets initial
 * values and delays; what the build fixed (sizes, connections) stays. */
SNN_API int snn_set_const(snn_ctx *ctx, const char *name, double value);
/* snn_set_const with the value written as in a model, "NAME=VALUE" (e.g.
 * "tau=5*ms": numbers and units); SNN_EUNITS if the unit is not the
 * constant's. */
SNN_API int snn_set_const_expr(snn_ctx *ctx, const char *assignment);
/* Make neuron idx[k] of group spike at time times[k] (>= now; the step is
 * Brian2's round-down of t/dt): recorded, delivered through synapses, reset
 * and made refractory as a threshold crossing is. */
SNN_API int snn_add_spikes(snn_ctx *ctx, const char *group, const int32_t *idx, const double *times, size_t n);
/* Source and target neuron of every synapse of a synapses object. */
SNN_API int snn_synapses(snn_ctx *ctx, const char *name, const int32_t **pre, const int32_t **post,
                         size_t *count);

/* ---- results --------------------------------------------------------- */
/* Arrays stay owned by the context, valid until the next run or change. */

/* Spikes of a spike monitor: neuron indices and steps (t = step * dt); none
 * for a monitor with record=False. */
SNN_API int snn_spikes(snn_ctx *ctx, const char *monitor, const int32_t **idx, const int64_t **steps,
                       size_t *count);
/* Recorded values of a state monitor: nsteps rows (steps[s] * dt), each of
 * nidx recorded indices (idx) times nvars variables: variable v of index
 * idx[r] at row s is values[(s * nidx + r) * nvars + v]. */
SNN_API int snn_trace(snn_ctx *ctx, const char *monitor, const int64_t **steps, size_t *nsteps,
                      const double **values, const int32_t **idx, int *nidx, int *nvars);
/* Name of recorded variable k of a state monitor, NULL past the end. */
SNN_API const char *snn_trace_var(snn_ctx *ctx, const char *monitor, int k);
/* Forget everything monitors recorded (e.g. between runs of a sweep). */
SNN_API int snn_clear_monitors(snn_ctx *ctx);
/* Monitors of the model, by position (0..n-1); names stay owned. */
SNN_API int snn_monitor_count(const snn_ctx *ctx);
SNN_API const char *snn_monitor_name(const snn_ctx *ctx, int k);
/* Write every monitor to DIR/<name>.csv (creating DIR), as snnc does: files
 * are written to a temporary name and renamed. */
SNN_API int snn_write_outputs(snn_ctx *ctx, const char *dir);
/* Write every group's and synapses object's current variables to
 * DIR/<name>.state.csv (synapses with their i and j), as Brian2's G.v[:]. */
SNN_API int snn_write_state(snn_ctx *ctx, const char *dir);
/* One-line summaries, e.g. "SM: 34 spikes ...", joined by newlines; owned. */
SNN_API const char *snn_summary(snn_ctx *ctx);
/* After every run, a variable holding NaN or infinity is reported to the
 * error callback as a warning naming group, variable, element and when it
 * first appeared in a state monitor's record (the run still gives SNN_OK):
 * "warning: G.v is not finite (inf) for neuron 0 from t = 1.2 ms (recorded
 * by M); 2 of 2 neurons".  With snn_set_check_finite(ctx, 1) the values are
 * checked at the end of every step instead (which costs a pass over the
 * state per step), and the run stops after the first step that makes one
 * not finite, returning SNN_ENOTFINITE with the same details as error. */
SNN_API int snn_set_check_finite(snn_ctx *ctx, int on);
/* The generated C code of the model; owned by the context. */
SNN_API const char *snn_generated_code(snn_ctx *ctx);
/* Which integration method each group uses, one "G: euler" line per group. */
SNN_API const char *snn_methods(snn_ctx *ctx);

/* ---- snapshots ------------------------------------------------------- */
/* A snapshot holds the whole state: time, seed, constants, every variable,
 * the spikes of the current step, spike queues, what monitors recorded, and
 * spikes added with snn_add_spikes.  Restoring it into a network with the
 * same objects (the same context, or another one with the same model and
 * seed: sizes, variables, synapses and delays must match) continues bit for
 * bit as the original.  Callbacks are not part of it.
 * The file format is the machine's (same byte order and doubles). */

/* Take a snapshot of the current state (builds the network if needed). */
SNN_API int snn_snapshot_take(snn_ctx *ctx, snn_snapshot **out);
/* Restore a snapshot; SNN_EMISUSE (state unchanged) if the network's objects
 * differ from the snapshot's.  Not from inside a callback. */
SNN_API int snn_snapshot_restore(snn_ctx *ctx, const snn_snapshot *snap);
/* Free a snapshot; NULL is allowed. */
SNN_API void snn_snapshot_free(snn_snapshot *snap);
/* The snapshot as bytes (the file format), owned by the snapshot. */
SNN_API const void *snn_snapshot_data(const snn_snapshot *snap, size_t *size);
/* A snapshot from bytes made by snn_snapshot_data (copied); SNN_EIO if damaged. */
SNN_API int snn_snapshot_from_data(const void *data, size_t size, snn_snapshot **out);
/* Take a snapshot and write it to a file (via a temporary name). */
SNN_API int snn_snapshot_save(snn_ctx *ctx, const char *path);
/* Read a snapshot file and restore it. */
SNN_API int snn_snapshot_load(snn_ctx *ctx, const char *path);

/* ---- timing ---------------------------------------------------------- */

/* Seconds spent in the last check (parse, units, equations), the last emit
 * and JIT compile, and simulating in total. */
SNN_API void snn_timings(const snn_ctx *ctx, double *parse, double *emit, double *jit, double *sim);
/* CPU seconds the process (all its threads, the optimising tier's thread
 * included but not its compiler) spent while simulating, in total: set
 * against snn_timings' sim it shows how busy the threads were. */
SNN_API double snn_sim_cpu(const snn_ctx *ctx);

/* ---- errors ---------------------------------------------------------- */

/* The last error as text: every diagnostic rendered (file:line:col, the
 * source line, a caret), or "" if none. */
SNN_API const char *snn_errmsg(const snn_ctx *ctx);
/* Structured diagnostics of the last failing call (errors and notes). */
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
