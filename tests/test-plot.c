/* SPDX-License-Identifier: MIT */
/* This file contains the Check tests of the plotting module (plot_dir): it
 * writes small monitor CSVs into a temporary directory, plots them and reads
 * the PNGs back with cairo (signature, size, drawn pixels) and the SVGs as
 * text, and exercises the error paths (missing directory, malformed CSV with
 * file:line, nothing to plot, unwritable output).  test-plot-inputs.c holds
 * the tests of the options, npy inputs, final states, smoothing and
 * histogram bins. */
#define _POSIX_C_SOURCE 200809L
#include "plot.h"
#include "test-common.h"         /* SNN_TEST_MAIN only: this test needs no helpers */

#include <cairo.h>
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* fontconfig keeps a few allocations for the life of the process; tell
 * LeakSanitizer (when built with -fsanitize=address) not to report them. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);
/* visible, or the sanitizer runtime does not see them (-fvisibility=hidden) */
__attribute__((visibility("default"))) const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig\n";
}
__attribute__((visibility("default"))) const char *__lsan_default_options(void) { return "print_suppressions=0"; }

static char tmpdir[64];
static char msg[4096];

static void setup(void)
{
    strcpy(tmpdir, "/tmp/snnc-plot-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    msg[0] = 0;
}

/* Removes tmpdir and the files in it (no subdirectories are made). */
static void teardown(void)
{
    DIR *d = opendir(tmpdir);
    if (!d) return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
            unlink(path);
        }
    closedir(d);
    rmdir(tmpdir);
}

static const char *tpath(const char *name)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
    return buf;
}

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(tpath(name), "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static bool exists(const char *name)
{
    struct stat st;
    return stat(tpath(name), &st) == 0;
}

static long file_size(const char *name)
{
    struct stat st;
    return stat(tpath(name), &st) == 0 ? (long)st.st_size : -1;
}

/* Pixel statistics of a PNG read back with cairo. */
typedef struct Pix {
    int  w, h;
    long nonwhite;   /* pixels that are not (almost) white */
    long colour;     /* clearly coloured (saturated) pixels: data, not axes */
} Pix;

/* Checks the PNG signature, loads the image and counts its pixels. */
static Pix png_stats(const char *name)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char head[8] = {0};
    FILE *f = fopen(tpath(name), "rb");
    ck_assert_msg(f != NULL, "%s was not written", name);
    ck_assert_uint_eq(fread(head, 1, 8, f), 8);
    fclose(f);
    ck_assert_msg(!memcmp(head, sig, 8), "%s lacks the PNG signature", name);

    cairo_surface_t *s = cairo_image_surface_create_from_png(tpath(name));
    ck_assert_int_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    Pix p = {cairo_image_surface_get_width(s), cairo_image_surface_get_height(s), 0, 0};
    cairo_surface_flush(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < p.h; y++)
        for (int x = 0; x < p.w; x++) {
            uint32_t v = *(const uint32_t *)(const void *)(data + (size_t)y * stride + 4 * x);
            int r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
            int mx = r > g ? (r > b ? r : b) : (g > b ? g : b);
            int mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
            p.nonwhite += mn < 240;
            p.colour += mx - mn > 60;
        }
    cairo_surface_destroy(s);
    return p;
}

static void check_svg(const char *name)
{
    FILE *f = fopen(tpath(name), "r");
    ck_assert_msg(f != NULL, "%s was not written", name);
    char buf[1024] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    ck_assert_msg(n > 0 && strstr(buf, "<svg"), "%s does not look like SVG", name);
}

static int run(int formats)
{
    return plot_dir(tmpdir, NULL, formats, msg, sizeof msg);
}

/* ---- figures ------------------------------------------------------- */

START_TEST(test_raster)
{
    write_file("SM.csv", "i,t\n0,0.0048\n1,0.007\n0,0.0097\n2,0.0695\n1,0.0142\n");
    ck_assert_msg(run(PLOT_PNG | PLOT_SVG) == 0, "%s", msg);
    ck_assert_str_eq(msg, "");
    Pix p = png_stats("SM.png");
    ck_assert_int_eq(p.w, PLOT_WIDTH);
    ck_assert_int_eq(p.h, PLOT_HEIGHT);
    ck_assert_int_gt(p.nonwhite, 2000);          /* axes, labels, title */
    ck_assert_int_gt(p.colour, 20);              /* the spike marks */
    check_svg("SM.svg");
}
END_TEST

START_TEST(test_traces)
{
    write_file("M.csv", "t,v_0,v_1,v_2\n"
                        "0,-0.07,-0.07,-0.07\n"
                        "0.0001,-0.0693,-0.0695,-0.07\n"
                        "0.0002,-0.0686,-0.069,-0.0699\n"
                        "0.0003,-0.07,-0.0685,-0.0698\n"
                        "0.0004,-0.0693,-0.068,-0.0697\n");
    ck_assert_msg(run(PLOT_PNG | PLOT_SVG) == 0, "%s", msg);
    Pix p = png_stats("M.png");
    ck_assert_int_eq(p.w, PLOT_WIDTH);
    ck_assert_int_eq(p.h, PLOT_HEIGHT);
    ck_assert_int_gt(p.colour, 500);             /* three coloured lines */
    check_svg("M.svg");
}
END_TEST

START_TEST(test_traces_several_vars)
{
    write_file("ST.csv", "t,v_0,v_1,ge_0,ge_1\n"
                         "0,-0.065,-0.06,2e-9,1e-9\n"
                         "0.001,-0.064,-0.061,1.5e-9,0.8e-9\n"
                         "0.002,-0.066,-0.062,1.1e-9,0.5e-9\n");
    ck_assert_msg(run(PLOT_PNG) == 0, "%s", msg);
    Pix p = png_stats("ST.png");
    ck_assert_int_eq(p.w, PLOT_WIDTH);
    ck_assert_int_eq(p.h, plot_figure_height(2));
    ck_assert_int_gt(p.h, PLOT_HEIGHT);
    ck_assert(!exists("ST.svg"));                /* PNG only was asked for */
}
END_TEST

START_TEST(test_rate)
{
    char text[8192] = "t,rate\n";
    for (int k = 0; k < 200; k++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%.17g,%.17g\n", k * 1e-4,
                 (k % 7) * 10.0);
    write_file("R.csv", text);
    ck_assert_msg(run(PLOT_PNG | PLOT_SVG) == 0, "%s", msg);
    Pix p = png_stats("R.png");
    ck_assert_int_eq(p.h, PLOT_HEIGHT);
    ck_assert_int_gt(p.colour, 500);
    check_svg("R.svg");
}
END_TEST

START_TEST(test_empty_spikes)
{
    write_file("E.csv", "i,t\n");
    ck_assert_msg(run(PLOT_PNG | PLOT_SVG) == 0, "%s", msg);
    Pix p = png_stats("E.png");
    ck_assert_int_eq(p.w, PLOT_WIDTH);
    ck_assert_int_eq(p.h, PLOT_HEIGHT);
    ck_assert_int_gt(p.nonwhite, 1000);          /* axes and the note */
    ck_assert_int_eq(p.colour, 0);               /* but no data */
    check_svg("E.svg");
}
END_TEST

START_TEST(test_single_rows)
{
    write_file("ONE.csv", "t,v_0\n0.001,-0.07\n");
    write_file("S1.csv", "i,t\n3,0.25\n");
    write_file("EMPTYSTATE.csv", "t,v_0,v_1\n");
    ck_assert_msg(run(PLOT_PNG) == 0, "%s", msg);
    ck_assert_int_gt(png_stats("ONE.png").colour, 5);    /* a dot */
    ck_assert_int_gt(png_stats("S1.png").colour, 5);     /* one spike */
    ck_assert_int_eq(png_stats("EMPTYSTATE.png").colour, 0);
}
END_TEST

START_TEST(test_constant_trace)
{
    write_file("C.csv", "t,w_0,x\n0,0.5,0\n0.001,0.5,0\n0.002,0.5,0\n0.003,0.5,0\n");
    ck_assert_msg(run(PLOT_PNG) == 0, "%s", msg);
    Pix p = png_stats("C.png");
    ck_assert_int_eq(p.h, plot_figure_height(2));
    ck_assert_int_gt(p.colour, 500);             /* flat lines inside the axes */
}
END_TEST

START_TEST(test_many_columns)
{
    char *text = malloc(200000);
    size_t n = (size_t)sprintf(text, "t");
    for (int i = 0; i < 100; i++) n += (size_t)sprintf(text + n, ",v_%d", i);
    for (int k = 0; k < 50; k++) {
        n += (size_t)sprintf(text + n, "\n%g", k * 1e-4);
        for (int i = 0; i < 100; i++) n += (size_t)sprintf(text + n, ",%g", -0.07 + 1e-4 * (i + k));
    }
    strcpy(text + n, "\n");
    write_file("MANY.csv", text);
    free(text);
    ck_assert_msg(run(PLOT_PNG) == 0, "%s", msg);
    ck_assert_ptr_nonnull(strstr(msg, "warning"));   /* subsampled traces */
    ck_assert_int_gt(png_stats("MANY.png").colour, 500);
}
END_TEST

/* A million spikes stream through, and the SVG stays small. */
START_TEST(test_large_raster)
{
    FILE *f = fopen(tpath("BIG.csv"), "w");
    ck_assert_ptr_nonnull(f);
    fputs("i,t\n", f);
    unsigned x = 12345;
    for (long k = 0; k < 1000000; k++) {
        x = x * 1103515245u + 12345u;
        fprintf(f, "%u,%.17g\n", (x >> 8) % 1000, k * 1e-6);
    }
    fclose(f);
    ck_assert_msg(run(PLOT_PNG | PLOT_SVG) == 0, "%s", msg);
    Pix p = png_stats("BIG.png");
    ck_assert_int_eq(p.w, PLOT_WIDTH);
    ck_assert_int_gt(p.nonwhite, 200000);        /* the plot area is ~740 x 400 */
    check_svg("BIG.svg");
    ck_assert_int_lt(file_size("BIG.svg"), 4 * 1024 * 1024);
}
END_TEST

START_TEST(test_unknown_csv_warns)
{
    write_file("SM.csv", "i,t\n0,0.001\n");
    write_file("junk.csv", "a,b\n1,2\n");
    write_file("SM.meta", "whatever\n");
    ck_assert_msg(run(PLOT_PNG) == 0, "%s", msg);
    ck_assert_ptr_nonnull(strstr(msg, "warning"));
    ck_assert_ptr_nonnull(strstr(msg, "junk.csv"));
    ck_assert(exists("SM.png"));
    ck_assert(!exists("junk.png"));
}
END_TEST

START_TEST(test_out_prefix)
{
    char prefix[600];
    write_file("SM.csv", "i,t\n0,0.001\n");
    snprintf(prefix, sizeof prefix, "%s/run1_", tmpdir);
    ck_assert_msg(plot_dir(tmpdir, prefix, PLOT_PNG | PLOT_SVG, NULL, 0) == 0, "failed");
    ck_assert(exists("run1_SM.png"));
    ck_assert(exists("run1_SM.svg"));
    ck_assert(!exists("SM.png"));
    ck_assert_int_eq(png_stats("run1_SM.png").h, PLOT_HEIGHT);
}
END_TEST

/* ---- errors -------------------------------------------------------- */

START_TEST(test_missing_dir)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/does-not-exist", tmpdir);
    ck_assert_int_ne(plot_dir(dir, NULL, PLOT_PNG, msg, sizeof msg), 0);
    ck_assert_msg(strstr(msg, "does-not-exist") && strstr(msg, "cannot open directory"), "%s",
                  msg);
}
END_TEST

START_TEST(test_malformed_value)
{
    write_file("M.csv", "t,v_0,v_1\n0,-0.07,-0.07\n0.0001,abc,-0.07\n");
    ck_assert_int_ne(run(PLOT_PNG), 0);
    ck_assert_msg(strstr(msg, "M.csv:3:") && strstr(msg, "abc"), "%s", msg);
}
END_TEST

START_TEST(test_malformed_field_count)
{
    write_file("M.csv", "t,v_0,v_1\n0,-0.07,-0.07\n0.0001,-0.07,-0.07\n0.0002,-0.07\n");
    ck_assert_int_ne(run(PLOT_PNG), 0);
    ck_assert_msg(strstr(msg, "M.csv:4:") && strstr(msg, "expected 3 fields"), "%s", msg);
}
END_TEST

START_TEST(test_bad_neuron_index)
{
    write_file("SM.csv", "i,t\n0,0.001\n1.5,0.002\n");
    ck_assert_int_ne(run(PLOT_PNG), 0);
    ck_assert_msg(strstr(msg, "SM.csv:3:") && strstr(msg, "neuron index"), "%s", msg);
}
END_TEST

START_TEST(test_no_monitors)
{
    ck_assert_int_ne(run(PLOT_PNG), 0);
    ck_assert_msg(strstr(msg, "no monitor outputs"), "%s", msg);
    write_file("junk.csv", "a,b\n");
    ck_assert_int_ne(run(PLOT_PNG), 0);
    ck_assert_msg(strstr(msg, "no monitor outputs") && strstr(msg, "junk.csv"), "%s", msg);
}
END_TEST

START_TEST(test_bad_arguments)
{
    write_file("SM.csv", "i,t\n0,0.001\n");
    ck_assert_int_ne(run(0), 0);
    ck_assert_msg(strstr(msg, "format"), "%s", msg);
    ck_assert_int_ne(plot_dir(NULL, NULL, PLOT_PNG, msg, sizeof msg), 0);
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%s/no/such/dir/", tmpdir);
    ck_assert_int_ne(plot_dir(tmpdir, prefix, PLOT_PNG, msg, sizeof msg), 0);
    ck_assert_msg(strstr(msg, "cannot write"), "%s", msg);
    /* a tiny msg buffer is still NUL-terminated */
    char small[8];
    ck_assert_int_ne(plot_dir(NULL, NULL, PLOT_PNG, small, sizeof small), 0);
    ck_assert_uint_eq(strlen(small), sizeof small - 1);
}
END_TEST

/* Units come from run.json: none is guessed (no warning) when it gives
 * them; without run.json the guess is said; a broken run.json is an error
 * at its line; npy outputs are refused with a clear message. */
START_TEST(test_units_from_run_json)
{
    write_file("M.csv", "t,x_0\n0,-0.07\n0.001,-0.06\n");
    ck_assert_msg(run(PLOT_PNG) == 0, "%s", msg);
    ck_assert_msg(strstr(msg, "M: the unit of x is unknown without run.json") != NULL, "%s", msg);
    write_file("run.json", "{\"snnc\": \"0\", \"format\": \"csv\", \"monitors\": [\n"
                           "  {\"name\": \"M\", \"kind\": \"statemonitor\", \"source\": \"G\", \"variables\": [\"t\", \"x\"],"
                           " \"units\": [\"second\", \"volt\"], \"record\": [0], \"shape\": [2, 2], \"file\": \"M.csv\"}\n]}\n");
    ck_assert_msg(run(PLOT_PNG) == 0, "%s", msg);
    ck_assert_str_eq(msg, "");
    write_file("run.json", "{\"monitors\": [\n {\"name\": \"M\" \"units\": []}]}\n");
    ck_assert_int_eq(run(PLOT_PNG), -1);
    ck_assert_msg(strstr(msg, "run.json:2: ',' or '}' was expected") != NULL, "%s", msg);
    write_file("run.json", "{\"format\": \"npy\", \"monitors\": []}\n");
    ck_assert_int_eq(run(PLOT_PNG), -1);
    ck_assert_msg(strstr(msg, "run.json lists no monitor") != NULL, "%s", msg);
    write_file("run.json", "{\"format\": \"hdf5\", \"monitors\": []}\n");
    ck_assert_int_eq(run(PLOT_PNG), -1);
    ck_assert_msg(strstr(msg, "format 'hdf5' is neither csv nor npy") != NULL, "%s", msg);
}
END_TEST

/* --along: a spatial state monitor (run.json gives distances and sections)
 * drawn against the distance at the chosen times; times outside the
 * recording, a run without such a monitor and bad values are errors. */
START_TEST(test_along)
{
    write_file("M.csv", "t,v_0,v_1,v_2,v_3\n0,-0.07,-0.07,-0.07,-0.07\n0.001,-0.02,-0.05,-0.06,-0.04\n"
                        "0.002,0.01,-0.03,-0.05,-0.065\n");
    write_file("S.csv", "i,t\n0,0.001\n");
    write_file("run.json", "{\"snnc\": \"0\", \"dt\": 0.001, \"format\": \"csv\", \"monitors\": [\n"
                           "  {\"name\": \"M\", \"kind\": \"statemonitor\", \"source\": \"cell\", \"variables\": [\"t\", \"v\"],"
                           " \"units\": [\"second\", \"volt\"], \"record\": [0, 1, 2, 3], \"distance\": [0, 5e-06, 1.5e-05,"
                           " 5e-06], \"section\": [\"\", \"dend\", \"dend\", \"axon\"], \"shape\": [3, 5], \"file\": \"M.csv\"},\n"
                           "  {\"name\": \"S\", \"kind\": \"spikemonitor\", \"source\": \"cell\", \"variables\": [\"i\", \"t\"],"
                           " \"units\": [\"1\", \"second\"], \"file\": \"S.csv\"}\n]}\n");
    PlotOptions o;
    char err[256];
    plot_options_init(&o);
    o.formats = PLOT_PNG;
    ck_assert_int_eq(plot_option(&o, "--along", "1ms, 2ms", err, sizeof err), 1);
    ck_assert_int_eq(o.nalong, 2);
    ck_assert(fabs(o.along[1] - 0.002) < 1e-15);
    ck_assert_msg(plot_run(tmpdir, &o, msg, sizeof msg) == 0, "%s", msg);
    Pix p = png_stats("M.along.png");
    ck_assert_int_eq(p.w, PLOT_WIDTH);
    ck_assert_int_gt(p.colour, 200);
    ck_assert(exists("M.png") && exists("S.png") && !exists("S.along.png"));
    /* a time the monitor did not record */
    ck_assert_int_eq(plot_option(&o, "--along", "1ms,5ms", err, sizeof err), 1);
    ck_assert_int_eq(plot_run(tmpdir, &o, msg, sizeof msg), -1);
    ck_assert_msg(strstr(msg, "--along 5 ms: M recorded from 0 s to 2 ms") != NULL, "%s", msg);
    /* only the spike monitor asked for */
    ck_assert_int_eq(plot_option(&o, "--along", "1ms", err, sizeof err), 1);
    ck_assert_int_eq(plot_option(&o, "--monitor", "S", err, sizeof err), 1);
    ck_assert_int_eq(plot_run(tmpdir, &o, msg, sizeof msg), -1);
    ck_assert_msg(strstr(msg, "--along: '") && strstr(msg, "has no state monitor of a spatialneurons group among "
                  "those asked for"), "%s", msg);
    /* bad values */
    ck_assert_int_eq(plot_option(&o, "--along", "10", err, sizeof err), -1);
    ck_assert_msg(strstr(err, "not '10' (a time needs its unit)") != NULL, "%s", err);
    ck_assert_int_eq(plot_option(&o, "--along", "1ms,x", err, sizeof err), -1);
    ck_assert_msg(strstr(err, "--along takes times with units, separated by commas (10ms,20ms), not 'x'"), "%s", err);
    ck_assert_int_eq(plot_option(&o, "--along", ",", err, sizeof err), -1);
    /* distances that do not match the record list */
    write_file("run.json", "{\"format\": \"csv\", \"monitors\": [{\"name\": \"M\", \"kind\": \"statemonitor\","
                           " \"variables\": [\"t\", \"v\"], \"units\": [\"second\", \"volt\"], \"record\": [0, 1, 2, 3],"
                           " \"distance\": [0]}]}\n");
    ck_assert_int_eq(run(PLOT_PNG), -1);
    ck_assert_msg(strstr(msg, "distances or sections do not match its recorded compartments") != NULL, "%s", msg);
}
END_TEST

static Suite *plot_suite(void)
{
    Suite *s = suite_create("plot");
    TCase *tc = tcase_create("figures");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_raster);
    tcase_add_test(tc, test_traces);
    tcase_add_test(tc, test_traces_several_vars);
    tcase_add_test(tc, test_rate);
    tcase_add_test(tc, test_empty_spikes);
    tcase_add_test(tc, test_single_rows);
    tcase_add_test(tc, test_constant_trace);
    tcase_add_test(tc, test_many_columns);
    tcase_add_test(tc, test_large_raster);
    tcase_add_test(tc, test_unknown_csv_warns);
    tcase_add_test(tc, test_out_prefix);
    tcase_add_test(tc, test_along);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_missing_dir);
    tcase_add_test(tc, test_malformed_value);
    tcase_add_test(tc, test_malformed_field_count);
    tcase_add_test(tc, test_bad_neuron_index);
    tcase_add_test(tc, test_no_monitors);
    tcase_add_test(tc, test_units_from_run_json);
    tcase_add_test(tc, test_bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(plot_suite)
