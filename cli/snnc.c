/* SPDX-License-Identifier: MIT */
/* This file contains the snnc command: a thin client of snn.h that runs,
 * checks or emits a .snn model, and plots a run's outputs.  SIGINT and
 * SIGTERM stop a run at the next step; what was recorded is written, marked
 * partial in run.json. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "snn.h"
#include "plot.h"
#include "sweep.h"

static const char usage[] =
    "usage: snnc run FILE [-o DIR] [--format csv|npy] [--set NAME=VALUE]... [--seed N] [--native=MODE]\n"
    "                [--sweep NAME=V1,V2,... [--jobs N]] [--threads N] [--save-state] [--check-finite]\n"
    "                [--plot] [--progress | --quiet] [-v] [--timing]\n"
    "       snnc check FILE [--set NAME=VALUE]... [-v]\n"
    "       snnc emit FILE [--set NAME=VALUE]...\n"
    "       snnc plot DIR [--monitor NAME]... [--neurons A:B] [--window T0:T1]\n"
    "                [--smooth gaussian:W | flat:W] [--along T1,T2,...] [--format png|svg|both] [-o OUT]\n"
    "       snnc help [COMMAND] | COMMAND --help | --help | --version\n"
    "\n"
    "  run     check the model, compile it in memory, simulate every 'run' statement\n"
    "          and write each monitor to DIR/<name>.csv (DIR defaults to 'out') and\n"
    "          a summary to DIR/run.json, all files or none; Ctrl-C stops the run\n"
    "          and writes what was recorded, marked partial\n"
    "  check   parse and check the model (names, units, equations); run nothing\n"
    "  emit    print the C code generated for the model\n"
    "  plot    draw DIR's monitors (rasters, traces, smoothed rates) and final states\n"
    "          (histograms) to PNG and SVG ('snnc help plot' for its options)\n"
    "  help    say what a command does and takes ('snnc help run')\n"
    "\n"
    "  -o DIR             output directory\n"
    "  --format FMT       csv (default): DIR/<name>.csv; npy: numpy arrays,\n"
    "                     DIR/<name>.<column>.npy (units and shapes in run.json)\n"
    "  --progress         show a progress line (default: on a terminal, for runs\n"
    "                     longer than about a second)\n"
    "  --quiet            no progress line\n"
    "  --set NAME=VALUE   override a constant of the model, e.g. --set w_gi=0.5*nS\n"
    "                     (the unit must match the model's)\n"
    "  --seed N           seed of rand() and randn() (default 0)\n"
    "  --plot             after 'run', also plot the outputs (with the plot options\n"
    "                     --monitor, --neurons, --window, --smooth, --along of\n"
    "                     'snnc plot')\n"
    "  -v                 say which integration method each group uses, how many\n"
    "                     synapses each synapses object has, and whether the\n"
    "                     optimised code took over (--native)\n"
    "  --native=MODE      also compile the model with the system C compiler (same\n"
    "                     results, faster loop): background (default: switch to it\n"
    "                     when ready), wait (before the first step), or off\n"
    "  --threads N        simulate on N threads (default 1); the results are the\n"
    "                     same for every N\n"
    "  --save-state       also write every group's final values to DIR/<name>.state.csv\n"
    "  --check-finite     check every step for NaN or infinite values and stop with an\n"
    "                     error at the first (default: a warning after the run)\n"
    "  --timing           print where the time went (parse, emit, JIT, simulation)\n"
    "\n"
    "The model's 'print' statements print to standard output, the diagnostics\n"
    "go to standard error.  See snnc(1) and, for the language, snnc.snn(5).\n"
    "\n"
    "exit status: 0 success; 1 an error in the model, its files or the outputs\n"
    "(nothing is written); 2 a usage error (nothing is run); 130 or 143 the run was\n"
    "stopped by SIGINT (Ctrl-C) or SIGTERM (what was recorded is written, partial).\n";

/* The exit status, as each command's help ends. */
#define EXIT_TEXT \
    "\nexit status: 0 success, 1 an error in the model or its files, 2 a usage error"

/* What one command does and takes: 'snnc help CMD', 'snnc CMD --help'. */
static const struct CmdHelp {
    const char *name, *text;
} cmd_help[] = {
    { "run",
      "usage: snnc run FILE [-o DIR] [--format csv|npy] [--set NAME=VALUE]... [--seed N]\n"
      "                [--sweep NAME=V1,V2,... [--jobs N]] [--native=MODE] [--threads N] [--save-state]\n"
      "                [--check-finite] [--plot] [--progress | --quiet] [-v] [--timing]\n"
      "\n"
      "Check the model FILE, compile it in memory and simulate its 'run' statements\n"
      "in order, printing what its 'print' statements print and running the other\n"
      "statements between runs (G.v = ..., store, restore, ...) where they stand.  Then\n"
      "write each monitor to DIR/<name>.csv and a summary to DIR/run.json, all files\n"
      "or none, and say what was simulated.  Ctrl-C (SIGINT) or SIGTERM stops the run\n"
      "at the next step and writes what was recorded, marked partial in run.json.\n"
      "\n"
      "  -o DIR             output directory (default: out)\n"
      "  --format FMT       csv (default) or npy: numpy arrays DIR/<name>.<column>.npy\n"
      "  --progress         a progress line (default: on a terminal, runs over ~1 s)\n"
      "  --quiet            no progress line\n"
      "  --set NAME=VALUE   override a constant of the model (the unit must match)\n"
      "  --sweep NAME=V1,V2,...  run the compiled model once per value of the constant\n"
      "                     NAME, each from the state before the first run; the outputs\n"
      "                     of each go to DIR/NAME=V/ (tau=5ms), DIR/sweep.csv lists them\n"
      "  --jobs N           with --sweep: N processes (forked after the build)\n"
      "  --seed N           seed of rand(), randn() and random connections (default 0)\n"
      "  --native=MODE      background (default), wait or off: the optimised code\n"
      "  --threads N        simulate on N threads (default 1), with the same results\n"
      "  --save-state       also write every group's final values to DIR/<name>.state.csv\n"
      "  --check-finite     stop with an error at the first NaN or infinite value\n"
      "  --plot             also plot the outputs, as 'snnc plot DIR'; --monitor, --neurons,\n"
      "                     --window and --smooth are passed on to it\n"
      "  -v                 integration methods, synapse counts, the optimised code\n"
      "  --timing           where the time went\n"
      EXIT_TEXT ", 130 stopped\nby SIGINT, 143 stopped by SIGTERM (the outputs written are partial).\n" },
    { "check",
      "usage: snnc check FILE [--set NAME=VALUE]... [-v]\n"
      "\n"
      "Parse and check the model FILE -- names, units, equations, connections --\n"
      "and print 'FILE: ok', or the diagnostics (file:line:col) on standard error.\n"
      "Nothing is compiled or run.\n"
      "\n"
      "  --set NAME=VALUE   override a constant of the model (the unit must match)\n"
      "  -v                 say which integration method each group uses\n"
      EXIT_TEXT ".\n" },
    { "emit",
      "usage: snnc emit FILE [--set NAME=VALUE]...\n"
      "\n"
      "Check the model FILE and print the C code generated for it (what is compiled\n"
      "in memory by 'snnc run'), with #line directives pointing into FILE.\n"
      "\n"
      "  --set NAME=VALUE   override a constant of the model (the unit must match)\n"
      EXIT_TEXT ".\n" },
    { "plot",
      "usage: snnc plot DIR [--monitor NAME]... [--neurons A:B] [--window T0:T1]\n"
      "                [--smooth gaussian:W | flat:W] [--along T1,T2,...] [--format png|svg|both] [-o OUT]\n"
      "\n"
      "Draw what 'snnc run' wrote to DIR (CSV or npy, units from DIR/run.json):\n"
      "rasters of spike monitors, traces of state monitors, population rates, and\n"
      "with --save-state a histogram of each synapse variable and each neuron\n"
      "variable against the index, as NAME.png and NAME.svg (GROUP.state.png).\n"
      "\n"
      "  --monitor NAME     only this monitor or group (repeatable)\n"
      "  --neurons A:B      only neurons A to B-1 (as Python's slice; 'A:', ':B', 'A')\n"
      "  --window T0:T1     only this time window, e.g. 100ms:300ms, 0.5s:\n"
      "  --smooth KIND:W    smooth population rates as Brian2's smooth_rate: gaussian\n"
      "                     (W is the standard deviation) or flat, e.g. gaussian:5ms\n"
      "  --along T1,T2,...  also draw each state monitor of a spatialneurons group\n"
      "                     against the distance along the cable at these times,\n"
      "                     as NAME.along.png, e.g. --along 10ms,20ms\n"
      "  --format FMT       png, svg or both (default)\n"
      "  -o OUT             write the pictures to OUT (made if missing; default DIR)\n"
      EXIT_TEXT " (no such\ndirectory, a bad file, nothing to plot).\n" },
    { "help",
      "usage: snnc help [COMMAND]\n"
      "\n"
      "Say what COMMAND (run, check, emit, plot, help) does and takes; without\n"
      "COMMAND, the usage of every command.  'snnc COMMAND --help' is the same.\n"
      EXIT_TEXT ".\n" },
};

/* The help of command name, or NULL if there is no such command. */
static const char *help_of(const char *name)
{
    for (size_t k = 0; k < sizeof cmd_help / sizeof *cmd_help; k++)
        if (!strcmp(cmd_help[k].name, name)) return cmd_help[k].text;
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void print_error(void *ud, const char *text)
{
    (void)ud;
    fputs(text, stderr);
}

/* This process's MPI rank (0 alone): only rank 0 prints and writes. */
static int mpi_rank;

/* Whether snnc was started by mpirun (or srun): Open MPI, MPICH and PMIx
 * set these for every rank. */
static bool under_mpirun(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK");
}

/* The model's 'print' statements go to standard output (rank 0's). */
static void print_out(void *ud, const char *text)
{
    (void)ud;
    if (mpi_rank) return;
    fputs(text, stdout);
    fflush(stdout);
}

/* -v: whether and when the optimised code took over, or why not. */
static void report_native(snn_ctx *ctx)
{
    const char *why;
    switch (snn_native_status(ctx, &why)) {
    case SNN_NATIVE_INSTALLED: fprintf(stderr, "native code: %s\n", why); break;
    case SNN_NATIVE_PENDING: fprintf(stderr, "native code: not used: %s\n", why); break;
    case SNN_NATIVE_FAILED: fprintf(stderr, "native code: not used: %s\n", why); break;
    default: fprintf(stderr, "native code: off (%s)\n", why); break;
    }
}

/* -v: the integration method of each group with equations ("G: euler");
 * synapses whose equations are all event-driven say so, and once the
 * network is built (built != 0), every synapses object listed says how
 * many synapses it has. */
static void report_methods(snn_ctx *ctx, int built)
{
    const char *p = snn_methods(ctx);
    while (*p) {
        const char *nl = strchr(p, '\n'), *colon = strstr(p, ": ");
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (!colon || colon > p + len) colon = p + len;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(colon - p), p);
        const char *method = colon + 2 <= p + len ? colon + 2 : "";
        int mlen = (int)(p + len - method);
        if (mlen == 1 && method[0] == '?') {
            method = "event-driven (updated at each spike)";
            mlen = (int)strlen(method);
        }
        fprintf(stderr, "%s: %.*s", name, mlen, method);
        size_t count;
        if (built) {
            /* neuron groups are not synapses: ask quietly */
            snn_set_error_cb(ctx, NULL, NULL);
            if (snn_synapses(ctx, name, NULL, NULL, &count) == SNN_OK) fprintf(stderr, ", %zu synapses", count);
            snn_set_error_cb(ctx, print_error, NULL);
        }
        fputc('\n', stderr);
        p += len + (nl ? 1 : 0);
    }
}

/* A model without any 'run' statement simulates nothing: say so. */
static void warn_no_run(snn_ctx *ctx, const char *file)
{
    if (snn_script_runs(ctx) == 0)
        fprintf(stderr, "%s: warning: the model has no run statement; nothing is simulated "
                "(add e.g. 'run 100*ms')\n", file);
}

/* --threads N: a whole number from 1 to 64; false otherwise. */
static bool parse_threads(const char *v, int *n)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || *end || !*v || x < 1 || x > 64) return false;
    *n = (int)x;
    return true;
}

static int fail_usage(const char *msg, const char *arg)
{
    fprintf(stderr, "snnc: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
    fprintf(stderr, "Try 'snnc --help'.\n");
    return 2;
}

static int do_plot(const char *dir, const PlotOptions *po)
{
    char msg[4096];
    PlotOptions def;
    if (!po) plot_options_init(&def);
    int rc = plot_run(dir, po ? po : &def, msg, sizeof msg);
    if (msg[0]) fprintf(rc ? stderr : stdout, "%s%s", msg, msg[strlen(msg) - 1] == '\n' ? "" : "\n");
    return rc ? 1 : 0;
}

/* 'snnc plot DIR [options]': its own options (-o and --format mean other
 * things than for run).  Returns the exit status. */
static int plot_command(int argc, char **argv)
{
    PlotOptions po;
    plot_options_init(&po);
    const char *dir = NULL;
    char err[512];
    for (int k = 2; k < argc; k++) {
        const char *a = argv[k], *eq = strchr(a, '=');
        char opt[64];
        if (a[0] == '-' && a[1]) {
            const char *v;
            if (eq && a[1] == '-' && (size_t)(eq - a) < sizeof opt) {
                snprintf(opt, sizeof opt, "%.*s", (int)(eq - a), a);
                v = eq + 1;
            } else if (!strncmp(a, "-o", 2) && a[2]) {
                snprintf(opt, sizeof opt, "-o");
                v = a + 2;
            } else {
                snprintf(opt, sizeof opt, "%.63s", a);
                if (k + 1 >= argc) {
                    int known = plot_option(&po, opt, "", err, sizeof err) != 0;   /* every option takes a value */
                    return fail_usage(known ? "missing value after" : "unknown option", a);
                }
                v = argv[++k];
            }
            int r = plot_option(&po, opt, v, err, sizeof err);
            if (r == 0) return fail_usage("unknown option", a);
            if (r < 0) return fail_usage(err, NULL);
        } else if (!dir) dir = a;
        else return fail_usage("more than one directory given:", a);
    }
    if (!dir) return fail_usage("missing output directory", NULL);
    return do_plot(dir, &po);
}

/* {====================================================================
 * Signals: stop the run, or remove the temporaries and die
 * ===================================================================== */

static snn_ctx *volatile sig_ctx;           /* the context to stop */
static volatile sig_atomic_t sig_caught;    /* the first signal, 0 if none */
static volatile sig_atomic_t sig_count;
static volatile sig_atomic_t sig_writing;   /* the outputs are being written */

/* SIGINT/SIGTERM: the first one during the run asks it to stop at the next
 * step.  While the outputs are written, or at a second signal, the
 * temporary files are removed and the signal kills the process as if
 * there were no handler.  Only async-signal-safe calls. */
static void on_signal(int sig)
{
    if (!sig_caught) sig_caught = sig;
    sig_count++;
    if (sig_writing || sig_count > 1 || !sig_ctx) {
        snn_remove_temporaries();
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    snn_request_stop(sig_ctx);
}

/* Catch SIGINT and SIGTERM, unless they were ignored when snnc started. */
static void catch_signals(snn_ctx *ctx)
{
    sig_ctx = ctx;
    int sigs[2] = { SIGINT, SIGTERM };
    for (int k = 0; k < 2; k++) {
        struct sigaction old, sa;
        if (sigaction(sigs[k], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[k], &sa, NULL);
    }
}

/* {====================================================================
 * Progress: one updating line, and a word on runs too long to wait for
 * ===================================================================== */

/* Runs of more steps than this are told how long they would take. */
#define LONG_RUN_STEPS 1000000000LL

enum { PROGRESS_AUTO, PROGRESS_ON, PROGRESS_OFF };

typedef struct Progress {
    int     mode;                   /* PROGRESS_* */
    int     tty;                    /* stderr is a terminal: update the line in place */
    int64_t steps;                  /* of the whole script */
    double  t_total;                /* its simulated seconds */
    double  t0;                     /* wall clock when the script started */
    int     shown;                  /* a progress line was printed */
    int     told;                   /* the long-run estimate was given */
} Progress;

/* A duration in seconds, in words: "3.2 hours", "41 years". */
static void say_duration(char *buf, size_t n, double s)
{
    if (s < 120) snprintf(buf, n, "%.0f seconds", s);
    else if (s < 7200) snprintf(buf, n, "%.0f minutes", s / 60);
    else if (s < 2 * 86400) snprintf(buf, n, "%.1f hours", s / 3600);
    else if (s < 2 * 365.25 * 86400) snprintf(buf, n, "%.0f days", s / 86400);
    else snprintf(buf, n, "%.3g years", s / (365.25 * 86400));
}

/* A duration as a clock: "12.3 s", "4 min 05 s", "3 h 02 min". */
static void say_clock(char *buf, size_t n, double s)
{
    if (s < 60) snprintf(buf, n, "%.1f s", s);
    else if (s < 3600) snprintf(buf, n, "%d min %02d s", (int)(s / 60), (int)s % 60);
    else if (s < 1e7) snprintf(buf, n, "%d h %02d min", (int)(s / 3600), (int)(s / 60) % 60);
    else say_duration(buf, n, s);
}

/* snn_set_progress's function: after the first second of the script (at
 * once with --progress), "2.5 s of 10 s simulated (25%), 3.1 s elapsed,
 * about 9.3 s left, 0.81 s/s", in place on a terminal, else as lines; and
 * once, for a run of more than LONG_RUN_STEPS steps, how long it would take. */
static void on_progress(const snn_progress *p, void *ud)
{
    Progress *pg = ud;
    double wall = now() - pg->t0;
    double frac = pg->t_total > 0 ? p->t / pg->t_total : 1, speed = wall > 0 ? p->t / wall : 0;
    if (frac > 1) frac = 1;
    double left = speed > 0 ? (pg->t_total - p->t) / speed : 0;
    if (!pg->told && pg->steps > LONG_RUN_STEPS && wall >= 1.0 && !p->done && speed > 0) {
        double step_dt = pg->t_total / (double)pg->steps, rate = speed / step_dt;
        char words[64];
        say_duration(words, sizeof words, left);
        fprintf(stderr, "%ssnnc: this run has %" PRId64 " steps (%.6g s at dt = %g s); at %.3g steps per second it "
                "takes about %s more (Ctrl-C stops it and writes what was recorded)\n",
                pg->shown && pg->tty ? "\n" : "", pg->steps, pg->t_total, step_dt, rate, words);
        pg->told = 1;
    }
    if (pg->mode == PROGRESS_OFF || (pg->mode == PROGRESS_AUTO && (!pg->tty || wall < 1.0))) return;
    if (p->done && p->t < pg->t_total && !pg->shown) return;
    char el[32], lf[32], line[256];
    say_clock(el, sizeof el, wall);
    say_clock(lf, sizeof lf, left);
    int n = snprintf(line, sizeof line, "%.6g s of %.6g s simulated (%.0f%%), %s elapsed, ", p->t, pg->t_total,
                     100 * frac, el);
    if (frac < 1) n += snprintf(line + n, sizeof line - (size_t)n, "about %s left, ", lf);
    snprintf(line + n, sizeof line - (size_t)n, "%.3g s/s", speed);
    int last = p->done && p->t >= pg->t_total;
    if (pg->tty) fprintf(stderr, "\r%-100s%s", line, last ? "\n" : "");
    else fprintf(stderr, "%s\n", line);
    fflush(stderr);
    pg->shown = !last;
}

/* Run the model's 'run' statements, with the progress line.  Returns an
 * SNN_* code (SNN_ESTOPPED after a signal). */
static int run_script(snn_ctx *ctx, Progress *pg)
{
    pg->steps = snn_script_steps(ctx);
    pg->t_total = (double)pg->steps * snn_dt(ctx);
    pg->tty = isatty(STDERR_FILENO);
    pg->t0 = now();
    if (pg->mode != PROGRESS_OFF || pg->steps > LONG_RUN_STEPS) {
        int rc = snn_set_progress(ctx, on_progress, pg, pg->tty || pg->mode == PROGRESS_ON ? 0.25 : 1.0);
        if (rc) return rc;
    }
    int rc = snn_run_script(ctx);
    if (pg->shown && pg->tty) fputc('\n', stderr);
    return rc;
}

/* After the run: write the outputs (all or nothing) and say what ran.
 * Returns the exit status. */
static int finish_run(snn_ctx *ctx, int rc, const char *file, const char *outdir, int save_state, int format,
                      const PlotOptions *plot, double *t_write)
{
    if (rc && rc != SNN_ESTOPPED) return 1;
    int stopped = rc == SNN_ESTOPPED;
    sig_writing = 1;
    if (sig_count && !stopped) {
        /* a signal after the last step but before the writing */
        snn_remove_temporaries();
        signal(sig_caught, SIG_DFL);
        raise(sig_caught);
    }
    double t0 = now();
    int wrc = snn_write_run_format(ctx, outdir, file, save_state, format);
    *t_write = now() - t0;
    sig_writing = 0;
    if (mpi_rank) return wrc ? 1 : stopped ? 128 + sig_caught : 0;   /* rank 0 reports */
    if (stopped) {
        double dt = snn_dt(ctx);
        fprintf(stderr, "snnc: interrupted at t = %.6g s (step %" PRId64 " of %" PRId64 "): outputs are %s\n",
                snn_time(ctx), (int64_t)(snn_time(ctx) / dt + 0.5), snn_script_steps(ctx),
                wrc ? "not written" : "partial");
    }
    if (wrc) return stopped ? 128 + sig_caught : 1;
    printf("%s: simulated %.6g s%s\n", file, snn_time(ctx), stopped ? " (interrupted)" : "");
    fputs(snn_summary(ctx), stdout);
    printf("outputs: %s/%s\n", outdir, stopped ? " (partial)" : "");
    if (stopped) return 128 + sig_caught;
    return plot && do_plot(outdir, plot) ? 1 : 0;
}

int main(int argc, char **argv)
{
    double t_start = now();
    if (argc < 2) return fail_usage("missing command", NULL);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || (!strcmp(cmd, "help") && argc == 2)) {
        fputs(usage, stdout);
        return 0;
    }
    if (!strcmp(cmd, "help")) {
        for (int k = 2; k < argc; k++)
            if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
                fputs(help_of("help"), stdout);
                return 0;
            }
        if (argc > 3) return fail_usage("'snnc help' takes one command, not", argv[3]);
        const char *text = help_of(argv[2]);
        if (!text) return fail_usage("no such command:", argv[2]);
        fputs(text, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("snnc %s\n", snn_version());
        return 0;
    }
    if (strcmp(cmd, "run") && strcmp(cmd, "check") && strcmp(cmd, "emit") && strcmp(cmd, "plot"))
        return fail_usage("unknown command", cmd);
    /* 'snnc run --help': the help, whatever else the line holds */
    for (int k = 2; k < argc; k++)
        if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
            fputs(help_of(cmd), stdout);
            return 0;
        }
    if (!strcmp(cmd, "plot")) return plot_command(argc, argv);
    const char *file = NULL, *outdir = "out";
    int verbose = 0, timing = 0, plot = 0, save_state = 0, check_finite = 0, native = SNN_NATIVE_BACKGROUND;
    int format = SNN_FORMAT_CSV, progress = PROGRESS_AUTO, threads = 1;
    unsigned long long seed = 0;
    PlotOptions po;                 /* of --plot */
    const char *plot_opts = NULL;   /* the last plot option given */
    plot_options_init(&po);
    const char *sweep = NULL;
    int jobs = 1;
    const char **sets = calloc((size_t)argc, sizeof *sets);
    int nsets = 0;
    if (!sets) return 1;
    for (int k = 2; k < argc; k++) {
        const char *a = argv[k];
        if (!strcmp(a, "-o") || !strcmp(a, "--set") || !strcmp(a, "--seed") || !strcmp(a, "--format") ||
            !strcmp(a, "--sweep") || !strcmp(a, "--jobs") || !strcmp(a, "--threads")) {
            if (k + 1 >= argc) {
                free(sets);
                return fail_usage("missing value after", a);
            }
            const char *v = argv[++k];
            if (!strcmp(a, "-o")) outdir = v;
            else if (!strcmp(a, "--format")) {
                if (!strcmp(v, "csv")) format = SNN_FORMAT_CSV;
                else if (!strcmp(v, "npy")) format = SNN_FORMAT_NPY;
                else {
                    free(sets);
                    return fail_usage("--format takes csv or npy, not", v);
                }
            }
            else if (!strcmp(a, "--set")) sets[nsets++] = v;
            else if (!strcmp(a, "--sweep")) {
                const char *eq = strchr(v, '=');
                if (!eq || eq == v || !eq[1]) {
                    free(sets);
                    return fail_usage("--sweep takes NAME=V1,V2,..., not", v);
                }
                sweep = v;
            } else if (!strcmp(a, "--jobs")) {
                char *end;
                long j = strtol(v, &end, 10);
                if (*end || !*v || j < 1 || j > 64) {
                    free(sets);
                    return fail_usage("--jobs takes a number from 1 to 64, not", v);
                }
                jobs = (int)j;
            } else if (!strcmp(a, "--threads")) {
                if (!parse_threads(v, &threads)) {
                    free(sets);
                    return fail_usage("--threads needs a whole number from 1 to 64, not", v);
                }
            } else {
                char *end;
                errno = 0;
                seed = strtoull(v, &end, 10);
                if (errno || *end || !*v) {
                    free(sets);
                    return fail_usage("--seed needs a whole number, not", v);
                }
            }
        } else if (!strncmp(a, "--set=", 6)) sets[nsets++] = a + 6;
        else if (!strncmp(a, "--threads=", 10)) {
            if (!parse_threads(a + 10, &threads)) {
                free(sets);
                return fail_usage("--threads needs a whole number from 1 to 64, not", a + 10);
            }
        }
        else if (!strcmp(a, "--format=csv")) format = SNN_FORMAT_CSV;
        else if (!strcmp(a, "--format=npy")) format = SNN_FORMAT_NPY;
        else if (!strncmp(a, "--format=", 9)) {
            free(sets);
            return fail_usage("--format takes csv or npy, not", a + 9);
        }
        else if (!strncmp(a, "-o", 2) && a[2]) outdir = a + 2;
        else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) verbose = 1;
        else if (!strcmp(a, "--timing")) timing = 1;
        else if (!strcmp(a, "--save-state")) save_state = 1;
        else if (!strcmp(a, "--check-finite")) check_finite = 1;
        else if (!strcmp(a, "--native") || !strcmp(a, "--native=background")) native = SNN_NATIVE_BACKGROUND;
        else if (!strcmp(a, "--native=wait")) native = SNN_NATIVE_WAIT;
        else if (!strcmp(a, "--native=off") || !strcmp(a, "--no-native")) native = SNN_NATIVE_OFF;
        else if (!strncmp(a, "--native=", 9)) {
            free(sets);
            return fail_usage("--native takes background, wait or off, not", a + 9);
        }
        else if (!strcmp(a, "--plot")) plot = 1;
        else if (!strcmp(cmd, "run") && (!strcmp(a, "--monitor") || !strcmp(a, "--neurons") ||
                                         !strcmp(a, "--window") || !strcmp(a, "--smooth") ||
                                         !strcmp(a, "--along"))) {
            /* options of the plot that --plot makes */
            char perr[512];
            int r = k + 1 < argc ? plot_option(&po, a, argv[++k], perr, sizeof perr) : 0;
            if (r <= 0) {
                free(sets);
                return r ? fail_usage(perr, NULL) : fail_usage("missing value after", a);
            }
            plot_opts = a;
        }
        else if (!strcmp(a, "--progress")) progress = PROGRESS_ON;
        else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) progress = PROGRESS_OFF;
        else if (a[0] == '-' && a[1]) {
            free(sets);
            return fail_usage("unknown option", a);
        } else if (!file) file = a;
        else {
            free(sets);
            return fail_usage("more than one file given:", a);
        }
    }
    if (!file) {
        free(sets);
        return fail_usage("missing model file", NULL);
    }
    if (plot_opts && !plot) {
        free(sets);
        return fail_usage("a plot option needs --plot:", plot_opts);
    }
    if (sweep && jobs > 1 && threads > 1) {
        /* the pool's threads do not survive fork() */
        free(sets);
        return fail_usage("--jobs and --threads do not combine: give one of them", NULL);
    }

    snn_ctx *ctx = snn_new();
    if (!ctx) {
        free(sets);
        fputs("snnc: out of memory\n", stderr);
        return 1;
    }
    snn_set_error_cb(ctx, print_error, NULL);
    snn_set_print_cb(ctx, print_out, NULL);
    int rc = SNN_OK, status = -1;
    for (int k = 0; k < nsets && !rc; k++) rc = snn_set_override(ctx, sets[k]);
    free(sets);
    if (!rc) rc = snn_set_seed(ctx, seed);
    if (!rc && under_mpirun()) {
        if (sweep) {
            fputs("snnc: --sweep does not run under mpirun: give one of them\n", stderr);
            snn_free(ctx);
            return 2;
        }
        rc = snn_mpi_world(ctx);
        mpi_rank = snn_mpi_rank(ctx, NULL);
        if (mpi_rank) {
            progress = PROGRESS_OFF;
            verbose = 0;
        }
    }
    /* the background compiler's thread does not survive fork() */
    if (sweep && jobs > 1 && native == SNN_NATIVE_BACKGROUND) native = SNN_NATIVE_OFF;
    if (!rc) rc = snn_set_native(ctx, native);
    if (!rc) rc = snn_set_threads(ctx, threads);
    if (!rc) rc = snn_set_check_finite(ctx, check_finite);
    if (!rc) rc = snn_load_file(ctx, file);
    if (!rc && verbose && strcmp(cmd, "run")) report_methods(ctx, 0);
    if (!rc && strcmp(cmd, "emit")) warn_no_run(ctx, file);
    if (!rc && !strcmp(cmd, "emit")) {
        fputs(snn_generated_code(ctx), stdout);
    } else if (!rc && !strcmp(cmd, "check")) {
        printf("%s: ok\n", file);
    } else if (!rc) {
        catch_signals(ctx);
        rc = snn_build(ctx);
        if (!rc && verbose) report_methods(ctx, 1);
        double t_first = now();
        Progress pg = { .mode = progress };
        double t_write = 0;
        if (sweep) {
            char *name = strndup(sweep, (size_t)(strchr(sweep, '=') - sweep));
            Sweep sw = { name, strchr(sweep, '=') + 1, jobs, file, outdir, save_state, format };
            status = rc ? 1 : name ? sweep_run(ctx, &sw) : 1;
            free(name);
        } else {
            if (!rc) rc = run_script(ctx, &pg);
            status = finish_run(ctx, rc, file, outdir, save_state, format, plot ? &po : NULL, &t_write);
        }
        if (verbose) report_native(ctx);
        if (timing) {
            double p, e, j, s;
            snn_timings(ctx, &p, &e, &j, &s);
            fprintf(stderr, "timing: parse+check %.3f ms, emit %.3f ms, jit %.3f ms, "
                    "start to first step %.3f ms, simulation %.3f ms, writing the outputs %.3f ms; "
                    "CPU time while simulating %.3f ms\n",
                    p * 1e3, e * 1e3, j * 1e3, (t_first - t_start) * 1e3, s * 1e3, t_write * 1e3,
                    snn_sim_cpu(ctx) * 1e3);
            double mpi_s, mpi_cpu;
            uint64_t bytes;
            int64_t nex;
            int nranks;
            if (snn_mpi_stats(ctx, &mpi_s, &mpi_cpu, &bytes, &nex) == SNN_OK) {
                int rank = snn_mpi_rank(ctx, &nranks);
                fprintf(stderr, "timing: MPI rank %d of %d: %" PRId64 " spike exchanges, %.3f ms in MPI "
                        "(%.3f ms CPU), %" PRIu64 " bytes received (%.1f per step)\n", rank, nranks, nex, mpi_s * 1e3,
                        mpi_cpu * 1e3, bytes,
                        snn_script_steps(ctx) ? (double)bytes / (double)snn_script_steps(ctx) : 0.0);
            }
        }
    }
    sig_ctx = NULL;
    snn_free(ctx);
    snn_mpi_finalize();
    return status >= 0 ? status : rc ? 1 : 0;
}
