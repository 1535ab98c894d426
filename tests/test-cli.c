/* SPDX-License-Identifier: MIT */
/* This file contains the end-to-end tests of the snnc command (path in the
 * SNNC environment variable): help and version, run with outputs and
 * overrides, check, emit, plot, exit codes (0 ok, 1 model or I/O error,
 * 2 usage, 143 after SIGTERM), messages on stderr, that a failed run creates
 * nothing and leaves old outputs as they were, run.json, and the time
 * estimate of a very long run; each command's help, -v's synapse counts,
 * the warning of a model without runs, and the model's print statements. */
#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snn.h"
#include "test-common.h"

static const char *snnc;
static char tmpdir[64];
static char *out_text, *err_text;

static void setup(void)
{
    snnc = getenv("SNNC");
    ck_assert_msg(snnc != NULL, "SNNC is not set (run through meson test)");
    strcpy(tmpdir, "/tmp/snn-cli-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    out_text = err_text = NULL;
    /* fontconfig (used by 'snnc plot') keeps allocations for the life of
     * the process; when snnc is built with -fsanitize=address, tell its
     * LeakSanitizer not to report them.  No effect otherwise. */
    char supp[128], opts[512];
    snprintf(supp, sizeof supp, "%s/.lsan-supp", tmpdir);
    FILE *f = fopen(supp, "w");
    ck_assert_ptr_nonnull(f);
    fputs("leak:libfontconfig\n", f);
    fclose(f);
    static char *old;               /* the caller's options, without ours */
    static bool saved;
    if (!saved) {
        old = getenv("LSAN_OPTIONS") ? strdup(getenv("LSAN_OPTIONS")) : NULL;
        saved = true;
    }
    snprintf(opts, sizeof opts, "%s%ssuppressions=%s:print_suppressions=0", old ? old : "", old && *old ? ":" : "",
             supp);
    setenv("LSAN_OPTIONS", opts, 1);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd)) { }
    free(out_text);
    free(err_text);
}

static const char *tutorial(void) { return test_path("../examples/tutorial.snn"); }

/* Run "snnc ARGS" (args are shell words); stdout goes to out_text, stderr
 * to err_text; returns the exit status. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    char args[2048], cmd[4096], errpath[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(errpath, sizeof errpath, "%s/.stderr", tmpdir);
    snprintf(cmd, sizeof cmd, "('%s' %s 2>'%s')", snnc, args, errpath);
    free(out_text);
    free(err_text);
    int status;
    out_text = test_run(cmd, &status);
    ck_assert_ptr_nonnull(out_text);
    err_text = test_read_file(errpath, NULL);
    ck_assert_ptr_nonnull(err_text);
    unlink(errpath);
    return status;
}

static const char *path_in(const char *rel)
{
    static char bufs[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(bufs[k], sizeof bufs[k], "%s/%s", tmpdir, rel);
    return bufs[k];
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Lines of a file, and its first line (static). */
static int file_lines(const char *path, char *first, size_t n)
{
    char *text = test_read_file(path, NULL);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    int lines = 0;
    for (char *p = text; *p; p++) lines += *p == '\n';
    char *nl = strchr(text, '\n');
    if (nl) *nl = 0;
    snprintf(first, n, "%s", text);
    free(text);
    return lines;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(help_and_version)
{
    ck_assert_int_eq(run("--help"), 0);
    ck_assert_ptr_nonnull(strstr(out_text, "usage: snnc run FILE"));
    ck_assert_ptr_nonnull(strstr(out_text, "--set NAME=VALUE"));
    ck_assert_str_eq(err_text, "");
    ck_assert_int_eq(run("-h"), 0);
    ck_assert_ptr_nonnull(strstr(out_text, "usage:"));
    ck_assert_int_eq(run("--version"), 0);
    ck_assert_str_eq(out_text, "snnc " SNN_VERSION_STRING "\n");
}
END_TEST

/* Every command has its help, as 'snnc help CMD' and as 'snnc CMD --help'
 * (whatever else is on the line), on stdout with status 0, naming the exit
 * status; the general help documents the exit codes. */
START_TEST(command_help)
{
    static const char *const cmds[] = { "run", "check", "emit", "plot", "help" };
    for (size_t k = 0; k < sizeof cmds / sizeof *cmds; k++) {
        char want[64];
        snprintf(want, sizeof want, "usage: snnc %s", cmds[k]);
        ck_assert_int_eq(run("help %s", cmds[k]), 0);
        ck_assert_msg(!strncmp(out_text, want, strlen(want)), "snnc help %s:\n%s", cmds[k], out_text);
        ck_assert_ptr_nonnull(strstr(out_text, "exit status: 0 success"));
        ck_assert_str_eq(err_text, "");
        char *text = strdup(out_text);
        ck_assert_int_eq(run("%s --help", cmds[k]), 0);
        ck_assert_str_eq(out_text, text);
        ck_assert_int_eq(run("%s -o x --frob -h", cmds[k]), 0);
        ck_assert_str_eq(out_text, text);
        free(text);
    }
    ck_assert_int_eq(run("help"), 0);
    ck_assert_ptr_nonnull(strstr(out_text, "usage: snnc run FILE"));
    ck_assert_ptr_nonnull(strstr(out_text, "130 or 143"));
    ck_assert_ptr_nonnull(strstr(out_text, "2 a usage error"));
    ck_assert_int_eq(run("help frobnicate"), 2);
    ck_assert_ptr_nonnull(strstr(err_text, "no such command: frobnicate"));
    ck_assert_str_eq(out_text, "");
    ck_assert_int_eq(run("help run check"), 2);
    /* a run's help runs nothing */
    ck_assert_int_eq(run("run '%s' -o '%s' --help", tutorial(), path_in("h")), 0);
    ck_assert(!exists(path_in("h")));
}
END_TEST

/* -v gives the synapses' real counts once built (not 'S: ?'); a model
 * without a run statement is run, with a warning. */
START_TEST(verbose_and_no_run)
{
    const char *stdp = test_path("../examples/stdp_song.snn");
    ck_assert_int_eq(run("run '%s' -o '%s' -v --native=off", stdp, path_in("v")), 0);
    ck_assert_ptr_nonnull(strstr(err_text, "S: event-driven (updated at each spike), 1000 synapses\n"));
    ck_assert_ptr_null(strstr(err_text, "?"));
    ck_assert_int_eq(run("check '%s' -v", stdp), 0);
    ck_assert_ptr_nonnull(strstr(err_text, "S: event-driven (updated at each spike)\n"));
    const char *model = path_in("norun.snn");
    write_file(model, "neurons G[2] {\n    model { dv/dt = -v/(10*ms) : 1 }\n    threshold: v > 1\n}\nspikemonitor SM(G)\n");
    ck_assert_int_eq(run("run '%s' -o '%s'", model, path_in("n")), 0);
    ck_assert_ptr_nonnull(strstr(err_text, "warning: the model has no run statement; nothing is simulated"));
    ck_assert_ptr_nonnull(strstr(out_text, "simulated 0 s"));
    ck_assert_int_eq(run("check '%s'", model), 0);
    ck_assert_ptr_nonnull(strstr(err_text, "warning: the model has no run statement"));
    ck_assert_int_eq(run("check '%s'", tutorial()), 0);
    ck_assert_str_eq(err_text, "");
}
END_TEST

/* 'print' statements go to stdout, between the runs, in file order. */
START_TEST(print_statements)
{
    const char *model = path_in("print.snn");
    write_file(model, "neurons G[3] {\n    model { v : volt }\n    init { v = i*mV }\n}\n"
                      "print 'first'\nprint G.v\nrun 1*ms\nprint \"second\"\nrun 1*ms\n");
    ck_assert_int_eq(run("run '%s' -o '%s'", model, path_in("p")), 0);
    const char *want = "first\n[0.    0.001 0.002] volt\nsecond\n";
    ck_assert_msg(!strncmp(out_text, want, strlen(want)), "got\n%s", out_text);
    ck_assert_ptr_nonnull(strstr(out_text, "simulated 0.002 s"));
    /* check and emit print nothing of it */
    ck_assert_int_eq(run("check '%s'", model), 0);
    ck_assert_ptr_null(strstr(out_text, "first"));
}
END_TEST

/* The print callback of snn.h: what snn_run_script prints, formatted as
 * numpy prints arrays (exponent form, signs, nan, integers, long arrays
 * cut to their ends), and nothing without a callback. */
static void collect(void *ud, const char *text)
{
    char *buf = ud;
    strncat(buf, text, 4095 - strlen(buf));
}

START_TEST(print_hook)
{
    static const char model[] =
        "neurons G[2] {\n    model {\n        a : 1\n        b : 1\n        c : 1\n        k : integer\n    }\n"
        "    init { a = [1e-5, 1.5e-5]; b = [-1.5, 2.25]; c = [0, 1]; k = [0, 30] }\n}\n"
        "neurons H[2000] {\n    model { z : 1 }\n    threshold: z > 1\n}\n"
        "spikemonitor SM(H)\n"
        "print 'A:'\nprint G.a\nprint G.b\nprint G.k\nprint H.z\nprint SM\n"
        "run 1*ms\nprint SM\nprint G.c\n";
    /* the first run without a callback already simulated 1 ms */
#define SPIKE_MATRIX "[[0 0 0 ... 0 0 0]\n [0 0 0 ... 0 0 0]\n [0 0 0 ... 0 0 0]\n ...\n" \
                     " [0 0 0 ... 0 0 0]\n [0 0 0 ... 0 0 0]\n [0 0 0 ... 0 0 0]]\n"
    static const char want[] =
        "A:\n[1.0e-05 1.5e-05]\n[-1.5   2.25]\n[ 0 30]\n[0. 0. 0. ... 0. 0. 0.]\n" SPIKE_MATRIX SPIKE_MATRIX
        "[0. 1.]\n";
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(snn_load_string(ctx, model, sizeof model - 1, "print"), SNN_OK);
    static char got[4096];
    got[0] = 0;
    ck_assert_int_eq(snn_run_script(ctx), SNN_OK);         /* no callback: nothing */
    snn_set_print_cb(ctx, collect, got);
    ck_assert_int_eq(snn_run_script(ctx), SNN_OK);
    ck_assert_msg(!strcmp(got, want), "got\n%s\nwant\n%s", got, want);
    /* nan and inf share one width */
    double v[2] = { 0.0 / 0.0, 1.0 };
    ck_assert_int_eq(snn_set_var(ctx, "G", "c", v, 2), SNN_OK);
    got[0] = 0;
    ck_assert_int_eq(snn_run_script(ctx), SNN_OK);
    ck_assert_ptr_nonnull(strstr(got, "\n[nan  1.]\n"));
    snn_set_print_cb(ctx, NULL, NULL);
    snn_free(ctx);
}
END_TEST

START_TEST(usage_errors)
{
    ck_assert_int_eq(run("%s", ""), 2);
    ck_assert_ptr_nonnull(strstr(err_text, "missing command"));
    ck_assert_ptr_nonnull(strstr(err_text, "Try 'snnc --help'."));
    ck_assert_str_eq(out_text, "");
    ck_assert_int_eq(run("frobnicate x.snn"), 2);
    ck_assert_ptr_nonnull(strstr(err_text, "unknown command frobnicate"));
    ck_assert_int_eq(run("run '%s' --frob", tutorial()), 2);
    ck_assert_ptr_nonnull(strstr(err_text, "unknown option --frob"));
    ck_assert_int_eq(run("run '%s' -o", tutorial()), 2);
    ck_assert_ptr_nonnull(strstr(err_text, "missing value after -o"));
    ck_assert_int_eq(run("run '%s' --set", tutorial()), 2);
    ck_assert_int_eq(run("run '%s' --seed abc", tutorial()), 2);
    ck_assert_ptr_nonnull(strstr(err_text, "--seed needs a whole number"));
    ck_assert_int_eq(run("run '%s' '%s'", tutorial(), tutorial()), 2);
    ck_assert_ptr_nonnull(strstr(err_text, "more than one file"));
    ck_assert_int_eq(run("run"), 2);
    ck_assert_ptr_nonnull(strstr(err_text, "missing model file"));
    ck_assert_int_eq(run("plot"), 2);
    ck_assert_ptr_nonnull(strstr(err_text, "missing output directory"));
    /* a usage error runs nothing */
    ck_assert(!exists(path_in("out")));
}
END_TEST

START_TEST(run_tutorial)
{
    const char *dir = path_in("res");
    ck_assert_int_eq(run("run '%s' -o '%s'", tutorial(), dir), 0);
    ck_assert_msg(strstr(out_text, "simulated 0.1 s") != NULL, "%s", out_text);
    ck_assert_msg(strstr(out_text, "SM: 34 spikes from G (per neuron: 20 13 1)") != NULL, "%s", out_text);
    ck_assert_msg(strstr(out_text, "outputs: ") != NULL, "%s", out_text);
    ck_assert_str_eq(err_text, "");
    char first[256], path[512];
    snprintf(path, sizeof path, "%s/SM.csv", dir);
    ck_assert_int_eq(file_lines(path, first, sizeof first), 34 + 1);
    ck_assert_str_eq(first, "i,t");
    snprintf(path, sizeof path, "%s/M.csv", dir);
    ck_assert_int_eq(file_lines(path, first, sizeof first), 1000 + 1);
    ck_assert_str_eq(first, "t,v_0,v_1,v_2");
    /* only the monitors' files and run.json */
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) n += e->d_name[0] != '.';
    closedir(d);
    ck_assert_int_eq(n, 3);
    snprintf(path, sizeof path, "%s/run.json", dir);
    char *json = test_read_file(path, NULL);
    ck_assert_ptr_nonnull(json);
    static const char *const want[] = {
        "\"snnc\": \"" SNN_VERSION_STRING "\"", "\"seed\": 0,", "\"dt\": 0.0001,", "\"t\": 0.10000000000000001,",
        "\"steps\": 1000,", "\"steps_planned\": 1000,", "\"complete\": true,",
        "{\"name\": \"SM\", \"kind\": \"spikemonitor\", \"source\": \"G\", \"variables\": [\"i\", \"t\"], "
        "\"units\": [\"1\", \"second\"], \"shape\": [34, 2], \"file\": \"SM.csv\"}",
        "{\"name\": \"M\", \"kind\": \"statemonitor\", \"source\": \"G\", \"variables\": [\"t\", \"v\"], "
        "\"units\": [\"second\", \"volt\"], \"record\": [0, 1, 2], \"shape\": [1000, 4], \"file\": \"M.csv\"}",
        "\"format\": \"csv\",", "\"model_sha256\": \"",
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
        ck_assert_msg(strstr(json, want[k]) != NULL, "%s not in %s", want[k], json);
    ck_assert_msg(strstr(json, tutorial()) != NULL, "%s", json);
    free(json);
}
END_TEST

START_TEST(run_with_overrides)
{
    ck_assert_int_eq(run("run '%s' -o '%s' --set w_gi=0.5*nS", tutorial(), path_in("a")), 0);
    ck_assert_msg(strstr(out_text, "(per neuron: 20 13 0)") != NULL, "%s", out_text);
    /* --set=NAME=VALUE and -oDIR spellings, options before the file */
    ck_assert_int_eq(run("run --set=w_gi=0.5*nS '-o%s' '%s'", path_in("b"), tutorial()), 0);
    ck_assert_msg(strstr(out_text, "(per neuron: 20 13 0)") != NULL, "%s", out_text);
    ck_assert(exists(path_in("b/SM.csv")));
    /* the last --set of a name wins */
    ck_assert_int_eq(run("run '%s' -o '%s' --set w_gi=0.5*nS --set w_gi=0*nS", tutorial(), path_in("c")), 0);
    ck_assert_msg(strstr(out_text, "(per neuron: 20 13 1)") != NULL, "%s", out_text);
}
END_TEST

START_TEST(bad_override)
{
    const char *dir = path_in("res");
    ck_assert_int_eq(run("run '%s' -o '%s' --set w_gi=0.5*mV", tutorial(), dir), 1);
    ck_assert_msg(strstr(err_text, "--set:1:6: error: 'w_gi' has unit siemens in the model") != NULL, "%s", err_text);
    ck_assert_str_eq(out_text, "");
    ck_assert(!exists(dir));
    ck_assert_int_eq(run("run '%s' -o '%s' --set nothing=1", tutorial(), dir), 1);
    ck_assert_msg(strstr(err_text, "--set:1:1: error: the model has no constant 'nothing'") != NULL, "%s", err_text);
    ck_assert_int_eq(run("check '%s' --set 'w_gi=(0.5'", tutorial()), 1);
    ck_assert_msg(strstr(err_text, "--set:1:") != NULL, "%s", err_text);
    ck_assert(!exists(dir));
}
END_TEST

START_TEST(missing_file)
{
    const char *model = path_in("absent.snn");
    ck_assert_int_eq(run("run '%s' -o '%s'", model, path_in("res")), 1);
    ck_assert_msg(strstr(err_text, model) != NULL, "%s", err_text);
    ck_assert(!exists(path_in("res")));
    ck_assert_int_eq(run("check '%s'", model), 1);
    ck_assert_msg(strstr(err_text, model) != NULL, "%s", err_text);
}
END_TEST

/* A model with errors: exit 1, GCC-style messages on stderr, nothing made. */
START_TEST(model_errors)
{
    const char *model = path_in("bad.snn");
    write_file(model, "tau = 10*ms\n"
                      "neurons G[2] {\n"
                      "    model {\n"
                      "        dv/dt = -v/tau : amp\n"
                      "    }\n"
                      "    threshold: v > 1*mV\n"
                      "}\n"
                      "spikemonitor SM(G)\n"
                      "run 10*ms\n");
    const char *dir = path_in("res");
    ck_assert_int_eq(run("run '%s' -o '%s'", model, dir), 1);
    char want[512];
    snprintf(want, sizeof want, "%s:6:16: error: ", model);
    ck_assert_msg(strstr(err_text, want) != NULL, "%s", err_text);
    /* the source line and a caret follow */
    ck_assert_msg(strstr(err_text, "\n        threshold: v > 1*mV\n                   ^~~~~~~~\n") != NULL, "%s",
                  err_text);
    ck_assert_str_eq(out_text, "");
    ck_assert(!exists(dir));
    ck_assert(!exists(path_in("out")));
    /* a syntax error */
    write_file(model, "x = 1 +* 2\n");
    ck_assert_int_eq(run("run '%s' -o '%s'", model, dir), 1);
    snprintf(want, sizeof want, "%s:1:8: error: unexpected '*'", model);
    ck_assert_msg(strstr(err_text, want) != NULL, "%s", err_text);
    ck_assert(!exists(dir));
    ck_assert_int_eq(run("check '%s'", model), 1);
    ck_assert_int_eq(run("emit '%s'", model), 1);
    ck_assert_str_eq(out_text, "");
}
END_TEST

START_TEST(check_and_emit)
{
    ck_assert_int_eq(run("check '%s'", tutorial()), 0);
    char want[512];
    snprintf(want, sizeof want, "%s: ok\n", tutorial());
    ck_assert_str_eq(out_text, want);
    ck_assert_str_eq(err_text, "");
    ck_assert_int_eq(run("emit '%s'", tutorial()), 0);
    ck_assert_ptr_nonnull(strstr(out_text, "snn_i32 snn_G_update(const snn_args *_a)"));
    ck_assert_ptr_nonnull(strstr(out_text, "snn_Se_on_pre"));
    snprintf(want, sizeof want, "#line 21 \"%s\"", tutorial());
    ck_assert_ptr_nonnull(strstr(out_text, want));
    /* overrides are checked by 'check' too */
    ck_assert_int_eq(run("check '%s' --set w_gi=1*mV", tutorial()), 1);
    ck_assert_ptr_nonnull(strstr(err_text, "--set:1:"));
    /* -v names the integration method, --timing the phases */
    ck_assert_int_eq(run("check '%s' -v", tutorial()), 0);
    ck_assert_ptr_nonnull(strstr(err_text, "G: euler"));
    ck_assert_int_eq(run("run '%s' -o '%s' --timing", tutorial(), path_in("t")), 0);
    ck_assert_ptr_nonnull(strstr(err_text, "timing: parse+check"));
}
END_TEST

/* Without -o the outputs go to ./out. */
START_TEST(default_output_dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' run '%s'", tmpdir, snnc, tutorial());
    int status;
    char *text = test_run(cmd, &status);
    ck_assert_msg(status == 0, "%s", text);
    free(text);
    ck_assert(exists(path_in("out/SM.csv")));
    ck_assert(exists(path_in("out/M.csv")));
}
END_TEST

START_TEST(seed_option)
{
    const char *model = path_in("noise.snn");
    write_file(model, "neurons G[3] {\n  model {\n    x : 1\n  }\n  init {\n    x = rand()\n  }\n}\n"
                      "statemonitor M(G.x)\nrun 0.2*ms\n");
    char first[256];
    ck_assert_int_eq(run("run '%s' -o '%s' --seed 1", model, path_in("s1")), 0);
    ck_assert_int_eq(run("run '%s' -o '%s' --seed 1", model, path_in("s1b")), 0);
    ck_assert_int_eq(run("run '%s' -o '%s' --seed 2", model, path_in("s2")), 0);
    ck_assert_int_eq(file_lines(path_in("s1/M.csv"), first, sizeof first), 3);
    char *t1 = test_read_file(path_in("s1/M.csv"), NULL), *t1b = test_read_file(path_in("s1b/M.csv"), NULL),
         *t2 = test_read_file(path_in("s2/M.csv"), NULL);
    ck_assert_str_eq(t1, t1b);
    ck_assert_str_ne(t1, t2);
    free(t1);
    free(t1b);
    free(t2);
}
END_TEST

START_TEST(plot_after_run)
{
    const char *dir = path_in("res");
    ck_assert_int_eq(run("run '%s' -o '%s'", tutorial(), dir), 0);
    ck_assert_int_eq(run("plot '%s'", dir), 0);
    ck_assert(exists(path_in("res/M.png")));
    ck_assert(exists(path_in("res/M.svg")));
    ck_assert(exists(path_in("res/SM.png")));
    char *png = test_read_file(path_in("res/SM.png"), NULL);
    ck_assert(!memcmp(png, "\x89PNG", 4));
    free(png);
    /* plotting a directory that does not exist fails */
    ck_assert_int_eq(run("plot '%s'", path_in("nothing")), 1);
    ck_assert_ptr_nonnull(strstr(err_text, "nothing"));
    /* run --plot does both */
    ck_assert_int_eq(run("run '%s' -o '%s' --plot", tutorial(), path_in("p")), 0);
    ck_assert(exists(path_in("p/SM.png")));
}
END_TEST

START_TEST(unwritable_output)
{
    write_file(path_in("file"), "x");
    ck_assert_int_eq(run("run '%s' -o '%s'", tutorial(), path_in("file/sub")), 1);
    ck_assert_msg(strstr(err_text, "cannot create directory") != NULL, "%s", err_text);
}
END_TEST

/* Names in dir (hidden ones too), sorted, joined by spaces. */
static const char *listing(const char *dir)
{
    static char buf[1024];
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    buf[0] = 0;
    for (int k = 0; k < n; k++) {
        if (strcmp(names[k]->d_name, ".") && strcmp(names[k]->d_name, "..")) {
            if (buf[0]) strcat(buf, " ");
            strncat(buf, names[k]->d_name, sizeof buf - strlen(buf) - 2);
        }
        free(names[k]);
    }
    if (n >= 0) free(names);
    return buf;
}

/* A set of outputs that cannot be written whole leaves the old ones as they
 * were: no new file, no temporary, exit 1. */
START_TEST(outputs_all_or_nothing)
{
    const char *dir = path_in("keep");
    mkdir(dir, 0777);
    write_file(path_in("keep/SM.csv"), "i,t\nOLD\n");
    mkdir(path_in("keep/M.csv"), 0777);     /* M.csv cannot be replaced */
    ck_assert_int_eq(run("run '%s' -o '%s'", tutorial(), dir), 1);
    ck_assert_msg(strstr(err_text, "M.csv") && strstr(err_text, "keeps the files it had"), "%s", err_text);
    ck_assert_str_eq(listing(dir), "M.csv SM.csv");
    char *old = test_read_file(path_in("keep/SM.csv"), NULL);
    ck_assert_str_eq(old, "i,t\nOLD\n");
    free(old);
    /* a directory that cannot be written (when permissions apply: not as root) */
    if (geteuid() != 0) {
        const char *ro = path_in("ro");
        mkdir(ro, 0777);
        write_file(path_in("ro/SM.csv"), "i,t\nOLD\n");
        chmod(ro, 0555);
        ck_assert_int_eq(run("run '%s' -o '%s'", tutorial(), ro), 1);
        ck_assert_msg(strstr(err_text, "cannot write") != NULL, "%s", err_text);
        ck_assert_str_eq(listing(ro), "SM.csv");
        chmod(ro, 0755);
    }
    /* --save-state: the state files belong to the same set */
    ck_assert_int_eq(run("run '%s' -o '%s' --save-state", tutorial(), dir), 1);
    ck_assert_str_eq(listing(dir), "M.csv SM.csv");
}
END_TEST

/* A run of more than 10^9 steps says how long it will take, once, after its
 * first second; SIGTERM then stops it with partial outputs and exit 143. */
START_TEST(long_run_estimate)
{
    char model[256];
    snprintf(model, sizeof model, "%s", path_in("long.snn"));
    write_file(model, "neurons G[1] { model { dv/dt = -v/(10*ms) : 1 } }\nstatemonitor M(G.v, dt=1*second)\n"
                      "run 1e6*second\n");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' run '%s' -o '%s' --native=off 2>'%s' & p=$!; sleep 2.5; kill -TERM $p; wait $p",
             snnc, model, path_in("lo"), path_in("lo.err"));
    int status;
    free(out_text);
    free(err_text);
    out_text = test_run(cmd, &status);
    err_text = test_read_file(path_in("lo.err"), NULL);
    ck_assert_ptr_nonnull(err_text);
    ck_assert_msg(status == 143, "exit %d: %s%s", status, out_text, err_text);
    ck_assert_msg(strstr(err_text, "snnc: this run has 10000000000 steps (1e+06 s at dt = 0.0001 s); at ") != NULL,
                  "%s", err_text);
    ck_assert_msg(strstr(err_text, "steps per second it takes about ") != NULL, "%s", err_text);
    ck_assert_msg(strstr(err_text, "of 10000000000): outputs are partial\n") != NULL, "%s", err_text);
    ck_assert_ptr_nonnull(strstr(out_text, "outputs: "));
    ck_assert_str_eq(listing(path_in("lo")), "M.csv run.json");
    char *json = test_read_file(path_in("lo/run.json"), NULL);
    ck_assert_ptr_nonnull(strstr(json, "\"complete\": false"));
    free(json);
    /* a run too long to count is an error located at the run */
    write_file(model, "neurons G[1] { model { dv/dt = -v/(10*ms) : 1 } }\nrun 1e30*second\n");
    ck_assert_int_eq(run("run '%s' -o '%s'", model, path_in("no")), 1);
    ck_assert_msg(strstr(err_text, "long.snn:2:5: error: a run of 1e+30 s is 1e+34 steps of dt = 0.0001 s") != NULL,
                  "%s", err_text);
    ck_assert(!exists(path_in("no")));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("snnc");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, help_and_version);
    tcase_add_test(tc, usage_errors);
    tcase_add_test(tc, command_help);
    tcase_add_test(tc, verbose_and_no_run);
    tcase_add_test(tc, print_statements);
    tcase_add_test(tc, print_hook);
    tcase_add_test(tc, run_tutorial);
    tcase_add_test(tc, run_with_overrides);
    tcase_add_test(tc, bad_override);
    tcase_add_test(tc, missing_file);
    tcase_add_test(tc, model_errors);
    tcase_add_test(tc, check_and_emit);
    tcase_add_test(tc, default_output_dir);
    tcase_add_test(tc, seed_option);
    tcase_add_test(tc, plot_after_run);
    tcase_add_test(tc, unwritable_output);
    tcase_add_test(tc, outputs_all_or_nothing);
    tcase_add_test(tc, long_run_estimate);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
