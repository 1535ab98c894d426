/* SPDX-License-Identifier: MIT */
/* This file contains building and running a context's network: JIT
 * compiling the generated code, building the network from the model
 * (runtime/build.c), carrying the state over on a rebuild, starting the
 * optimising tier and reporting what became of it, running, and the
 * callbacks run in schedule slots; after a run, values that are not finite
 * are reported (or checked every step, snn_set_check_finite). */
#include "api_int.h"
#include "mpi_net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "snapshot.h"

static void arm_finite_check(snn_ctx *ctx);
static int report_nonfinite(snn_ctx *ctx, int rc);

/* {====================================================================
 * Building the network
 * ===================================================================== */

static int cb_op(void *ud, Net *net)
{
    (void)net;
    Callback *c = ud;
    c->ctx->cur_slot = c->slot;
    return c->fn(c->ctx, c->ud);
}

/* Tell the error callback, once, why the optimised code is not used. */
static void tier_failed(snn_ctx *ctx, const char *why)
{
    snprintf(ctx->native_msg, sizeof ctx->native_msg, "%s", why);
    api_note(ctx, "note: the optimised code is not used, the network keeps running libtcc's code: %s", why);
}

/* How long libtcc's code runs before the tier decides on a cold build. */
#define PROBE_SECONDS 0.02
/* A cold build pays when the time left on libtcc's code exceeds its
 * estimate by this factor: the build takes some of the machine, and the
 * optimised code's time still follows it. */
#define BUILD_WORTH 1.25

/* The cold build's decision (background): after PROBE_SECONDS of libtcc's
 * code, the time left (the steps planned at the speed seen) against the
 * build's estimate.  Says which, and why, in native_msg. */
static void tier_probe(snn_ctx *ctx, Net *net)
{
    double now = api_now();
    if (!ctx->probing) {
        ctx->probing = true;
        ctx->probe_wall = now;
        ctx->probe_step = net->step;
        snprintf(ctx->native_msg, sizeof ctx->native_msg, "the run ended within the %.0f ms in which libtcc's "
                 "speed is measured, sooner than a native build would", PROBE_SECONDS * 1e3);
        return;
    }
    int64_t done = net->step - ctx->probe_step;
    if (now - ctx->probe_wall < PROBE_SECONDS || done < 1) return;
    double per_step = (now - ctx->probe_wall) / (double)done;
    int64_t left = ctx->run_end - net->step + ctx->script_left;
    double rest = per_step * (double)(left > 0 ? left : 0), build = tier_estimate(ctx->tier);
    bool go = rest > BUILD_WORTH * build;
    tier_decide(ctx->tier, go);
    if (go) {
        snprintf(ctx->native_msg, sizeof ctx->native_msg, "the system C compiler, started at step %lld at low "
                 "priority because the %lld steps left would take %.3g s on libtcc's code and the build about %.3g s, "
                 "had not finished when the run ended", (long long)net->step, (long long)left, rest, build);
        return;
    }
    net->between = NULL;
    snprintf(ctx->native_msg, sizeof ctx->native_msg, "not built, because the %lld steps left at step %lld take "
             "about %.3g s on libtcc's code, less than %.3g times the build's estimate (%.3g s)", (long long)left,
             (long long)net->step, rest, BUILD_WORTH, build);
}

/* Between two steps: decide on a cold build, switch to the optimised code
 * once it is ready. */
static void tier_between(void *ud, Net *net)
{
    snn_ctx *ctx = ud;
    if (tier_needs_decision(ctx->tier)) {
        tier_probe(ctx, net);
        return;
    }
    if (!tier_poll(ctx->tier, net, ctx->cur.model, &ctx->cur.blocks)) {
        if (!ctx->probing)
            snprintf(ctx->native_msg, sizeof ctx->native_msg, "the optimised code, found in the cache, was not "
                     "loaded yet when the run ended");
        return;
    }
    net->between = NULL;
    double secs;
    int nice;
    if (tier_status(ctx->tier) == TIER_INSTALLED && tier_built(ctx->tier, &secs, &nice))
        snprintf(ctx->native_msg, sizeof ctx->native_msg, "the optimised code runs from step %lld, built in %.3g s "
                 "at nice %d while libtcc's code ran", (long long)net->step, secs, nice);
    else if (tier_status(ctx->tier) == TIER_INSTALLED)
        snprintf(ctx->native_msg, sizeof ctx->native_msg, "the optimised code runs from step %lld, loaded from the "
                 "cache", (long long)net->step);
    else tier_failed(ctx, tier_error(ctx->tier));
}

/* Where the optimised code is cached: $XDG_CACHE_HOME/snnc, ~/.cache/snnc,
 * or a per-user folder in /tmp. */
static char *cache_dir(void)
{
    char buf[4096];
    const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (x && *x) snprintf(buf, sizeof buf, "%s/snnc", x);
    else if (home && *home) {
        snprintf(buf, sizeof buf, "%s/.cache", home);
        mkdir(buf, 0700);
        snprintf(buf, sizeof buf, "%s/.cache/snnc", home);
    } else snprintf(buf, sizeof buf, "/tmp/snnc-cache-%ld", (long)getuid());
    return api_strdup(buf);
}

/* Start the optimising tier for the network just built, if asked. */
static void start_tier(snn_ctx *ctx)
{
    ctx->native_failed = false;
    ctx->native_msg[0] = 0;
    ctx->probing = false;
    if (ctx->native == SNN_NATIVE_OFF || !ctx->net) return;
    char *dir = cache_dir();
    char err[1024];
    if (dir && !jit_cache_dir_ok(dir, err, sizeof err)) {
        free(dir);
        ctx->native_failed = true;
        tier_failed(ctx, err);
        return;
    }
    ctx->tier = dir ? tier_start(ctx->cur.code, dir, ctx->native == SNN_NATIVE_BACKGROUND) : NULL;
    free(dir);
    if (!ctx->tier) {
        ctx->native_failed = true;
        tier_failed(ctx, "out of memory while starting the system C compiler");
        return;
    }
    if (ctx->native == SNN_NATIVE_WAIT) {
        double secs;
        int nice;
        if (tier_finish(ctx->tier, ctx->net, ctx->cur.model, &ctx->cur.blocks))
            snprintf(ctx->native_msg, sizeof ctx->native_msg, "the optimised code runs from step %lld, %s",
                     (long long)ctx->net->step, tier_built(ctx->tier, &secs, &nice) ? "built before it" :
                     "loaded from the cache");
        else tier_failed(ctx, tier_error(ctx->tier));
    } else {
        snprintf(ctx->native_msg, sizeof ctx->native_msg, "the run ended before the cache was looked up");
        ctx->net->between = tier_between;
        ctx->net->between_ud = ctx;
    }
}

int snn_set_native(snn_ctx *ctx, int mode)
{
    if (!ctx || mode < SNN_NATIVE_OFF || mode > SNN_NATIVE_WAIT) return SNN_EMISUSE;
    api_clear_error(ctx);
    ctx->native = mode;
    return SNN_OK;
}

int snn_set_threads(snn_ctx *ctx, int n)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (api_not_running(ctx, "snn_set_threads")) return SNN_EMISUSE;
    if (n < 1 || n > NET_MAX_THREADS)
        return api_set_error(ctx, SNN_EMISUSE, "snn_set_threads: the number of threads must be 1 to %d, not %d",
                             NET_MAX_THREADS, n);
    if (ctx->net && !net_set_threads(ctx->net, n))
        return api_set_error(ctx, SNN_ENOMEM, "cannot start %d threads", n);
    ctx->threads = n;
    return SNN_OK;
}

int snn_native_status(snn_ctx *ctx, const char **message)
{
    int st = SNN_NATIVE_OFF;
    if (ctx && ctx->tier) {
        int t = tier_status(ctx->tier);
        st = t == TIER_INSTALLED ? SNN_NATIVE_INSTALLED : t == TIER_FAILED || t == TIER_SKIPPED ? SNN_NATIVE_FAILED
                                                                                               : SNN_NATIVE_PENDING;
        if (t == TIER_FAILED && !ctx->native_msg[0])
            snprintf(ctx->native_msg, sizeof ctx->native_msg, "%s", tier_error(ctx->tier));
    } else if (ctx && ctx->native_failed) {
        st = SNN_NATIVE_FAILED;
    }
    if (message) {
        if (!ctx) *message = "no context";
        else if (st == SNN_NATIVE_OFF)
            *message = ctx->native == SNN_NATIVE_OFF ? "not asked for" : "no network is built yet";
        else *message = ctx->native_msg;
    }
    return st;
}

/* The message of a failed build_network: a build error is placed at the
 * object it is about, like a compile error. */
static int build_failed(snn_ctx *ctx, int rc, const BuildError *err)
{
    if (err->set) {
        const Diag *D = compile_add_error(&ctx->cur, DC_BUILD, err->span, err->msg);
        if (!D) return api_set_error(ctx, SNN_ENOMEM, "out of memory while building the network");
        api_take_diags(ctx, D, &ctx->cur);
        return compile_code_status(DC_BUILD);
    }
    if (rc == SNN_EJIT) return api_set_error(ctx, rc, "error: a function of the generated code is missing (a bug in snnc)");
    return api_set_error(ctx, rc, "out of memory while building the network");
}

/* Carry the state of the old network over to a rebuilt one, by name. */
static int carry_over(snn_ctx *ctx, Net *net)
{
    char err[4096];
    size_t size;
    unsigned char *img = snapshot_encode(ctx->net, NULL, &size);
    int r = img ? snapshot_restore(net, NULL, img, size, SNAP_BY_NAME, err, sizeof err) : -2;
    free(img);
    if (!r) return SNN_OK;
    return r == -2 ? api_set_error(ctx, SNN_ENOMEM, "out of memory while rebuilding the network")
                   : api_set_error(ctx, SNN_EMISUSE, "cannot carry the state over: %s", err);
}

/* Build the network if there is none or the model changed; a rebuild keeps
 * time and the state of what still matches. */
int api_ensure_built(snn_ctx *ctx)
{
    if (ctx->net && !ctx->dirty) return SNN_OK;
    if (!ctx->cur.model) return api_set_error(ctx, SNN_EMISUSE, "no model is loaded");
    if (ctx->running) return api_set_error(ctx, SNN_EMISUSE, "the model changed during a run");
    double t1 = api_now();
    char err[4096];
    Jit *jit = jit_compile(ctx->cur.code, err, sizeof err);
    ctx->t_jit = api_now() - t1;
    if (!jit)
        return api_set_error(ctx, SNN_EJIT, "%serror: the generated code did not compile (a bug in snnc; "
                             "please report it with the model)", err);
    Net *net = NULL;
    BuildError berr;
    int rc = build_network(ctx->cur.model, &ctx->cur.blocks, jit, ctx->seed, ctx->mpi_comm, &net, &berr);
    if (rc) rc = build_failed(ctx, rc, &berr);
    else if (ctx->threads > 1 && !net_set_threads(net, ctx->threads))
        rc = api_set_error(ctx, SNN_ENOMEM, "cannot start %d threads", ctx->threads);
    else if (ctx->mpi_comm && (rc = mpi_attach(net, err, sizeof err)))
        rc = rc == -2 ? api_set_error(ctx, SNN_ENOMEM, "out of memory while splitting the network over MPI ranks")
                      : api_set_error(ctx, SNN_EMISUSE, "%s", err);
    else if (ctx->net && !net_order_undo(ctx->net))    /* carried over by synapse number */
        rc = api_set_error(ctx, SNN_ENOMEM, "out of memory while putting synapses back in their order");
    else if (ctx->net) rc = carry_over(ctx, net);
    if (rc) {
        net_free(net);
        jit_free(jit);
        return rc;
    }
    net_free(ctx->net);
    tier_free(ctx->tier);
    ctx->tier = NULL;
    jit_free(ctx->jit);
    ctx->net = net;
    ctx->jit = jit;
    ctx->dirty = false;
    start_tier(ctx);
    ctx->inj_op = false;
    bool ok = !ctx->inj.n || api_add_inject_op(ctx);
    for (int k = 0; k < ctx->ncbs && ok; k++)
        if ((ok = net_add_op(net, ctx->cbs[k]->slot, ctx->cbs[k]->every, cb_op, ctx->cbs[k])))
            net->ops[net->nops - 1].reads_state = true;
    if (!ok) {
        /* a network without its callbacks must not run */
        net_free(ctx->net);
        jit_free(ctx->jit);
        ctx->net = NULL;
        ctx->jit = NULL;
        return api_set_error(ctx, SNN_ENOMEM, "out of memory while building the network");
    }
    /* part of building: synapses in delivery order (net_order.c), which
     * the first run would make otherwise */
    net_order_apply(net);
    return SNN_OK;
}

int api_own_order(snn_ctx *ctx)
{
    int rc = api_ensure_built(ctx);
    if (!rc && !net_order_undo(ctx->net))
        rc = api_set_error(ctx, SNN_ENOMEM, "out of memory while putting synapses back in their order");
    return rc;
}

int snn_build(snn_ctx *ctx)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    return api_ensure_built(ctx);
}

/* {====================================================================
 * Running
 * ===================================================================== */

/* The most steps a network may count (see RUN_MAX_STEPS in sema.c): up to
 * 2^53, t = step * dt is exact. */
#define MAX_STEPS 9007199254740992.0

void snn_request_stop(snn_ctx *ctx)
{
    /* a single store: safe in a signal handler */
    if (ctx) ctx->stop_request = 1;
}

int snn_stopped(const snn_ctx *ctx)
{
    return ctx && ctx->stopped;
}

/* A run ended on snn_request_stop: consume the request and say where the
 * run stopped.  Not an error of the model, so the error callback is not
 * told (the caller decides what to say). */
static int run_stopped(snn_ctx *ctx)
{
    ctx->stop_request = 0;
    ctx->stopped = true;
    snn_error_cb cb = ctx->cb;
    ctx->cb = NULL;
    api_set_error(ctx, SNN_ESTOPPED, "the run was stopped on request at t = %.6g s (step %lld)",
                  net_now(ctx->net), (long long)ctx->net->step);
    ctx->cb = cb;
    return SNN_ESTOPPED;
}

int snn_set_progress(snn_ctx *ctx, snn_progress_fn fn, void *ud, double every_seconds)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (api_not_running(ctx, "snn_set_progress")) return SNN_EMISUSE;
    if (fn && !(every_seconds > 0 && every_seconds < 1e9))
        return api_set_error(ctx, SNN_EMISUSE, "snn_set_progress: every_seconds must be > 0, not %g", every_seconds);
    ctx->progress_fn = fn;
    ctx->progress_ud = ud;
    ctx->progress_every = every_seconds;
    return SNN_OK;
}

/* net_run with progress reports: the steps go in pieces whose length
 * doubles or halves so that each takes about an eighth to a half of the
 * time between reports.  A piece that ends early (a callback or a request
 * stopped the run) ends the run.  MPI ranks run in one piece: every rank
 * must make the same collective calls, which the end of a piece is (the
 * spike exchange), and the pieces follow each rank's own clock (and only
 * rank 0 reports). */
static int run_reporting(snn_ctx *ctx, int64_t nsteps)
{
    Net *net = ctx->net;
    if (!ctx->progress_fn) return net_run(net, nsteps);
    double every = ctx->progress_every, t0 = api_now(), last = t0;
    int64_t end = net->step + nsteps, piece = net->mpi ? nsteps : 16;
    snn_progress p = { 0, net_now(net), (double)(end + net->clock_base) * net->dt, 0, 0 };
    int rc = 0;
    while (net->step < end) {
        int64_t n = end - net->step < piece ? end - net->step : piece, want = net->step + n;
        double c0 = api_now();
        rc = net_run(net, n);
        if (rc || net->stop || net->step < want || ctx->stop_request) break;
        double t = api_now(), took = t - c0;
        if (took < every / 8 && piece < ((int64_t)1 << 40)) piece *= 2;
        else if (took > every / 2 && piece > 1) piece /= 2;
        if (t - last >= every) {
            p.t = net_now(net);
            p.wall = t - t0;
            ctx->progress_fn(&p, ctx->progress_ud);
            last = t;
        }
    }
    p.t = net_now(net);
    p.wall = api_now() - t0;
    p.done = 1;
    ctx->progress_fn(&p, ctx->progress_ud);
    return rc;
}

int snn_run_steps(snn_ctx *ctx, int64_t nsteps)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (api_not_running(ctx, "snn_run")) return SNN_EMISUSE;
    if (nsteps < 0) return api_set_error(ctx, SNN_EMISUSE, "snn_run: the number of steps must be >= 0");
    int rc = api_ensure_built(ctx);
    if (rc) return rc;
    arm_finite_check(ctx);
    double t0 = api_now(), c0 = api_cpu_now();
    ctx->running = true;
    ctx->stopped = false;
    ctx->net->fail[0] = 0;
    for (int k = 0; k < ctx->net->ngroups; k++) ctx->net->groups[k]->bad_link = 0;   /* from before the run */
    ctx->net->stop_request = &ctx->stop_request;
    ctx->run_end = ctx->net->step + nsteps;
    rc = run_reporting(ctx, nsteps);
    ctx->net->stop_request = NULL;
    ctx->running = false;
    ctx->t_sim += api_now() - t0;
    ctx->t_sim_cpu += api_cpu_now() - c0;
    if (rc || ctx->net->fail[0])
        return api_set_error(ctx, SNN_ENOMEM, "out of memory during the run (%s)",
                             ctx->net->fail[0] ? ctx->net->fail : "the schedule");
    /* links read through an index variable (index=NAME) must stay inside
     * their source, also after a run of no steps */
    char bad[512];
    if (!nsteps)
        for (int k = 0; k < ctx->net->ngroups; k++) net_refresh_links(ctx->net->groups[k]);
    if (net_bad_link(ctx->net, bad, sizeof bad)) return api_set_error(ctx, SNN_ESEMA, "error: %s", bad);
    rc = report_nonfinite(ctx, SNN_OK);
    /* MPI ranks: one rank's error (a value that is not finite in its
     * neurons) is every rank's, so that all go the same way */
    if (ctx->net->mpi) {
        int all = mpi_agree_result(ctx->net, rc);
        if (all && !rc) rc = api_set_error(ctx, all, "another MPI rank stopped the run with an error (see its message)");
    }
    if (!rc && ctx->stop_request) return run_stopped(ctx);
    return rc;
}

/* Brian2's Clock._calc_timestep: the step of time t, rounded when t is
 * within 1e-4 dt of one, else the next one up. */
static double brian2_timestep(double t, double dt)
{
    double n = nearbyint(t / dt);
    if (n * dt == t || fabs(n * dt - t) / dt <= 1e-4) return n;
    return ceil(t / dt);
}

int snn_run(snn_ctx *ctx, double duration)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (!(duration >= 0))
        return api_set_error(ctx, SNN_EMISUSE, "snn_run: the duration must be >= 0 seconds, not %g", duration);
    if (!ctx->cur.model) return api_set_error(ctx, SNN_EMISUSE, "no model is loaded");
    /* Brian2 keeps the network's time unrounded (t + duration after each
     * run) and runs up to the step of the end time, so runs of 0.5 and 1.5
     * steps make 2 steps, not 3; after a stop, a restore or snn_run_steps
     * the time is the step's */
    /* in Brian2's clock index, which a dt change between runs renumbers */
    double dt = ctx->net ? ctx->net->dt : ctx->cur.model->dt;
    double done = ctx->net ? (double)(ctx->net->step + ctx->net->clock_base) : 0.0;
    bool exact = ctx->net && ctx->net == ctx->t_end_net && ctx->net->step == ctx->t_end_step;
    double t_start = exact ? ctx->t_end : done * dt;
    double steps = brian2_timestep(t_start + duration, dt) - done;
    if (steps < 0) steps = 0;
    if (steps + done > MAX_STEPS)
        return api_set_error(ctx, SNN_EMISUSE, "snn_run: a run of %g s is %.3g steps of dt = %g s%s; a simulation "
                             "counts at most 2^53 (about 9.0e15) steps", duration, steps, dt,
                             done > 0 ? " after the steps already run" : "");
    int rc = snn_run_steps(ctx, (int64_t)steps);
    ctx->t_end_net = NULL;
    if (rc == SNN_OK && !ctx->stopped) {
        ctx->t_end = t_start + duration;
        ctx->t_end_step = ctx->net->step;
        ctx->t_end_net = ctx->net;
    }
    return rc;
}

int64_t snn_script_steps(const snn_ctx *ctx)
{
    if (!ctx || !ctx->cur.model) return 0;
    const Model *M = ctx->cur.model;
    double total = 0, t = 0, dt = M->dt;
    for (int k = 0, q = 0; k < M->nruns; k++) {
        /* the dt of this run (a dt changed between runs) */
        for (; q < M->nactions && M->actions[q].after_run <= k; q++)
            if (M->actions[q].kind == ACT_DT) dt = M->actions[q].value;
        double before = brian2_timestep(t, dt);
        t += M->runs[k];
        total += brian2_timestep(t, dt) - before;
    }
    return total > MAX_STEPS ? -1 : (int64_t)total;
}

int snn_script_runs(const snn_ctx *ctx)
{
    return ctx && ctx->cur.model ? ctx->cur.model->nruns : 0;
}

double snn_time(const snn_ctx *ctx)
{
    return ctx && ctx->net ? net_now(ctx->net) : 0.0;
}

double snn_dt(const snn_ctx *ctx)
{
    if (ctx && ctx->net) return ctx->net->dt;
    return ctx && ctx->cur.model ? ctx->cur.model->dt : 0.0;
}

/* {====================================================================
 * Callbacks and added spikes
 * ===================================================================== */

int snn_add_callback(snn_ctx *ctx, int slot, int64_t every, snn_callback fn, void *ud)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (api_not_running(ctx, "snn_add_callback")) return SNN_EMISUSE;
    if (slot < SNN_SLOT_START || slot > SNN_SLOT_END || every < 1 || !fn)
        return api_set_error(ctx, SNN_EMISUSE, "snn_add_callback: needs a slot SNN_SLOT_*, every >= 1 and a function");
    Callback *c = malloc(sizeof *c);
    Callback **v = realloc(ctx->cbs, sizeof *v * (size_t)(ctx->ncbs + 1));
    if (v) ctx->cbs = v;
    if (!c || !v) {
        free(c);
        return api_set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    *c = (Callback){ ctx, slot, every, fn, ud };
    /* the callback may read synapses by their numbers */
    if (ctx->net && (!net_order_undo(ctx->net) || !net_add_op(ctx->net, slot, every, cb_op, c))) {
        free(c);
        return api_set_error(ctx, SNN_ENOMEM, "out of memory");
    }
    if (ctx->net) ctx->net->ops[ctx->net->nops - 1].reads_state = true;
    ctx->cbs[ctx->ncbs++] = c;
    return SNN_OK;
}

int snn_clear_callbacks(snn_ctx *ctx)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (api_not_running(ctx, "snn_clear_callbacks")) return SNN_EMISUSE;
    if (ctx->net) {
        int keep = 0;
        for (int k = 0; k < ctx->net->nops; k++)
            if (ctx->net->ops[k].fn != cb_op) ctx->net->ops[keep++] = ctx->net->ops[k];
        ctx->net->nops = keep;
    }
    for (int k = 0; k < ctx->ncbs; k++) free(ctx->cbs[k]);
    free(ctx->cbs);
    ctx->cbs = NULL;
    ctx->ncbs = 0;
    return SNN_OK;
}

/* {====================================================================
 * Values that are not finite
 * ===================================================================== */

/* The operation of snn_set_check_finite: at the end of every step, stop
 * the run if some value is NaN or infinite. */
static int finite_op(void *ud, Net *net)
{
    (void)ud;
    return !net_all_finite(net);
}

/* Register finite_op in the network if the check is on, remove it if off
 * (a rebuilt network starts without it).  Without the check a step costs
 * nothing more. */
static void arm_finite_check(snn_ctx *ctx)
{
    Net *net = ctx->net;
    int at = -1;
    for (int k = 0; k < net->nops; k++)
        if (net->ops[k].fn == finite_op) at = k;
    if (ctx->check_finite && at < 0) {
        if (!net_add_op(net, SLOT_END, 1, finite_op, NULL))
            api_note(ctx, "warning: out of memory: values are checked at the end of the run only");
        else net->ops[net->nops - 1].no_spikes = true;   /* MPI ranks need not exchange spikes for it */
    } else if (!ctx->check_finite && at >= 0) {
        memmove(net->ops + at, net->ops + at + 1, sizeof *net->ops * (size_t)(net->nops - at - 1));
        net->nops--;
    }
}

int snn_set_check_finite(snn_ctx *ctx, int on)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (api_not_running(ctx, "snn_set_check_finite")) return SNN_EMISUSE;
    ctx->check_finite = on != 0;
    return SNN_OK;
}

static const char *nonfinite_name(double x) { return isnan(x) ? "nan" : x > 0 ? "inf" : "-inf"; }

/* The first record of variable v of g that is not finite, in the state
 * monitors of g: its step, index, value and monitor; false if none. */
static bool first_recorded(const Net *net, const RtGroup *g, int v, int64_t *step, int64_t *idx, double *val,
                           const RtMonitor **mon)
{
    bool found = false;
    for (int k = 0; k < net->nmonitors; k++) {
        const RtMonitor *m = net->monitors[k];
        int mv = -1;
        for (int q = 0; m->kind == RM_STATE && m->group == g && q < m->nvars; q++)
            if (m->vars[q] == v) mv = q;
        if (mv < 0) continue;
        for (size_t s = 0; s < m->rec_steps.n && (!found || m->rec_steps.v[s] < *step); s++)
            for (int r = 0; r < m->nrec; r++) {
                double x = m->data.v[(s * (size_t)m->nrec + (size_t)r) * (size_t)m->nvars + (size_t)mv];
                if (isfinite(x)) continue;
                *step = m->rec_steps.v[s];
                *idx = m->rec[r];
                *val = x;
                *mon = m;
                found = true;
                break;
            }
    }
    return found;
}

/* After a run: name every variable holding NaN or infinity -- group,
 * variable, element, and when it was first recorded (else: by the end of
 * the run) -- as a warning, or, when the check of every step stopped the
 * run, as an error (SNN_ENOTFINITE).  Returns rc if all is finite. */
static int report_nonfinite(snn_ctx *ctx, int rc)
{
    Net *net = ctx->net;
    if (rc || net_all_finite(net)) return rc;
    if (!net_order_undo(net))
        return api_set_error(ctx, SNN_ENOMEM, "out of memory while putting synapses back in their order");
    double now = net_now(net) * 1e3;
    for (int k = 0; k < net->ngroups; k++) {
        const RtGroup *g = net->groups[k];
        const char *what = g->kind == RG_NEURONS ? "neuron" : "synapse";
        for (int v = 0; v < g->nvars; v++) {
            /* MPI ranks: each rank speaks of the indices it owns (the others
             * are not current there) */
            int64_t first, owned = g->n;
            int64_t count = net->mpi ? mpi_count_nonfinite(net, g, v, &first, &owned) : net_count_nonfinite(g, v, &first);
            if (!count) continue;
            double x = g->arr[v][first];
            char tail[96];
            /* split synapses: their numbers in the whole network */
            if (g->split) first = g->gid.v[first];
            if (net->mpi)
                snprintf(tail, sizeof tail, "%lld of the %lld %ss of MPI rank %d (of %lld)", (long long)count,
                         (long long)owned, what, net->rank, (long long)net_group_size(g));
            else snprintf(tail, sizeof tail, "%lld of %lld %ss", (long long)count, (long long)g->n, what);
            if (ctx->check_finite) {
                rc = api_set_error(ctx, SNN_ENOTFINITE, "error: %s.%s is not finite (%s) for %s %lld at t = %g ms, "
                                   "where the run stopped (values checked every step); %s", g->name, g->varnames[v],
                                   nonfinite_name(x), what, (long long)first, now, tail);
                continue;
            }
            int64_t step = 0, idx = 0;
            const RtMonitor *m = NULL;
            if (first_recorded(net, g, v, &step, &idx, &x, &m))
                api_note(ctx, "warning: %s.%s is not finite (%s) for %s %lld from t = %g ms (recorded by %s); %s",
                         g->name, g->varnames[v], nonfinite_name(x), what, (long long)idx,
                         net_time_at(net, step) * 1e3, m->name, tail);
            else
                api_note(ctx, "warning: %s.%s is not finite (%s) for %s %lld by t = %g ms (the end of the run); %s",
                         g->name, g->varnames[v], nonfinite_name(x), what, (long long)first, now, tail);
        }
    }
    return rc;
}

/* The group of that name in the (built) network: SNN_OK with *out set, or
 * an error code with the message set. */
int api_get_group(snn_ctx *ctx, const char *fn, const char *group, RtGroup **out)
{
    *out = NULL;
    if (!group) return api_set_error(ctx, SNN_EMISUSE, "%s: no group name", fn);
    int rc = api_ensure_built(ctx);
    if (rc) return rc;
    *out = net_find_group(ctx->net, group);
    if (!*out) return api_set_error(ctx, SNN_ENOTFOUND, "no group or synapses named '%s'", group);
    return SNN_OK;
}
