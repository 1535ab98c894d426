/* SPDX-License-Identifier: MIT */
/* This file contains the Check tests of what `snnc plot` reads and how it
 * is told what to draw: Brian2's smooth_rate windows against numbers made
 * with Brian2 (tests/data/smooth, tests/brian2/gen_smooth_rate.py),
 * numpy's histogram bins, .npy inputs (the same pictures as from CSV, and
 * every kind of corrupt file refused with its name and reason), final-state
 * files, every option (--monitor, --neurons, --window, --smooth, --format,
 * -o) through plot_option and the snnc command, and their bad values. */
#define _POSIX_C_SOURCE 200809L
#include "plot.h"
#include "plot_impl.h"
#include "smooth.h"
#include "test-common.h"

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

/* fontconfig keeps a few allocations for the life of the process. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);
/* visible, or the sanitizer runtime does not see them (-fvisibility=hidden) */
__attribute__((visibility("default"))) const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig\n";
}
__attribute__((visibility("default"))) const char *__lsan_default_options(void) { return "print_suppressions=0"; }

static char *tmp;
static char msg[8192];

static void setup(void)
{
    tmp = test_tmpdir();
    ck_assert_ptr_nonnull(tmp);
    msg[0] = 0;
}

static void teardown(void) { test_remove_tmpdir(tmp); }

/* Path of name inside the temporary directory (rotating static buffers). */
static const char *tp(const char *name)
{
    static char buf[4][1024];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmp, name);
    return buf[k];
}

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(tp(name), "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static bool exists(const char *name)
{
    struct stat st;
    return stat(tp(name), &st) == 0;
}

/* Saturated pixels of a PNG: the data drawn, not the axes. */
static long colour_pixels(const char *path)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    ck_assert_msg(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS, "%s is not a PNG", path);
    cairo_surface_flush(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    long n = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t v = *(const uint32_t *)(const void *)(d + (size_t)y * stride + 4 * x);
            int r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
            int mx = r > g ? (r > b ? r : b) : (g > b ? g : b), mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
            n += mx - mn > 60;
        }
    cairo_surface_destroy(s);
    return n;
}

/* Pixels near colour (r, g, b) (0..255 each): one trace's line. */
static long pixels_of(const char *path, int r0, int g0, int b0)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    ck_assert_int_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_flush(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    long n = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t v = *(const uint32_t *)(const void *)(d + (size_t)y * stride + 4 * x);
            int r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
            n += abs(r - r0) < 12 && abs(g - g0) < 12 && abs(b - b0) < 12;
        }
    cairo_surface_destroy(s);
    return n;
}

static int png_height(const char *path)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    ck_assert_int_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    int h = cairo_image_surface_get_height(s);
    cairo_surface_destroy(s);
    return h;
}

/* Writes a .npy file (format 1.0) of rows x cols (cols 0: one-dimensional)
 * values of descr ("<f8", "<i4"), as snnc's writer does. */
static void write_npy(const char *name, const char *descr, size_t rows, size_t cols, const double *v)
{
    char dict[256];
    int n = cols ? snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (%zu, %zu), }",
                            descr, rows, cols)
                 : snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (%zu,), }", descr,
                            rows);
    size_t total = 10 + (size_t)n + 1, pad = (64 - total % 64) % 64, hlen = (size_t)n + pad + 1;
    FILE *f = fopen(tp(name), "wb");
    ck_assert_ptr_nonnull(f);
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hlen & 255),
                             (unsigned char)(hlen >> 8)};
    fwrite(pre, 1, 10, f);
    fwrite(dict, 1, (size_t)n, f);
    for (size_t k = 0; k < pad; k++) fputc(' ', f);
    fputc('\n', f);
    for (size_t k = 0; k < rows * (cols ? cols : 1); k++) {
        if (!strcmp(descr, "<i4")) {
            int32_t x = (int32_t)v[k];
            fwrite(&x, 4, 1, f);                 /* the test machines are little-endian */
        } else fwrite(&v[k], 8, 1, f);
    }
    fclose(f);
}

/* ---- smooth_rate against Brian2 ------------------------------------ */

/* Brian2's smooth_rate of a Poisson population's rate, for 12 windows:
 * every value within 1e-12 relative (all terms are >= 0, so no
 * cancellation), and the window sizes Brian2's rules give. */
START_TEST(smooth_matches_brian2)
{
    TestTable ref, win;
    test_read_csv(&ref, test_path("data/smooth/smooth_rate.csv"));
    test_read_csv(&win, test_path("data/smooth/windows.csv"));
    ck_assert_int_eq(ref.ncols, 2 + 12);
    ck_assert_uint_eq(win.nrows, 12);
    size_t n = ref.nrows;
    ck_assert_uint_eq(n, 600);
    double *rate = malloc(sizeof *rate * n), *out = malloc(sizeof *out * n);
    for (size_t i = 0; i < n; i++) rate[i] = test_cell(&ref, i, 1);
    double dt = test_cell(&win, 0, 1);
    int checked = 0;
    for (int c = 2; c < ref.ncols; c++) {
        const char *name = ref.names[c];
        int kind = !strncmp(name, "gaussian:", 9) ? SMOOTH_GAUSSIAN : SMOOTH_FLAT;
        double width = strtod(strchr(name, ':') + 1, NULL);
        double *w;
        size_t k = smooth_window(kind, width, dt, &w);
        ck_assert_msg(k == (size_t)test_cell(&win, (size_t)c - 2, 2), "%s: window of %zu values", name, k);
        double sum = 0;
        for (size_t q = 0; q < k; q++) sum += w[q];
        ck_assert_msg(fabs(sum - 1) < 1e-14, "%s: the window sums to %.17g", name, sum);
        free(w);
        ck_assert_int_eq(smooth_rate(rate, n, dt, kind, width, out), 0);
        for (size_t i = 0; i < n; i++) {
            double b = test_cell(&ref, i, c);
            ck_assert_msg(fabs(out[i] - b) <= 1e-12 * fabs(b), "%s at %zu: %.17g, Brian2 %.17g", name, i, out[i], b);
        }
        checked++;
    }
    ck_assert_int_eq(checked, 12);
    free(rate);
    free(out);
    test_table_free(&ref);
    test_table_free(&win);
}
END_TEST

START_TEST(smooth_edge_cases)
{
    double *w;
    ck_assert_uint_eq(smooth_window(SMOOTH_GAUSSIAN, 0, 1e-4, &w), 0);
    ck_assert_uint_eq(smooth_window(SMOOTH_FLAT, -1e-3, 1e-4, &w), 0);
    ck_assert_uint_eq(smooth_window(SMOOTH_FLAT, 1e-3, 0, &w), 0);
    ck_assert_uint_eq(smooth_window(SMOOTH_GAUSSIAN, INFINITY, 1e-4, &w), 0);
    ck_assert_uint_eq(smooth_window(SMOOTH_NONE, 1e-3, 1e-4, &w), 0);
    ck_assert_uint_eq(smooth_window(SMOOTH_FLAT, 1e6, 1e-4, &w), 0);        /* 10^10 values: refused */
    ck_assert_ptr_null(w);
    /* a flat window of 3 steps on a step: 1/3 each, zero-padded at the ends */
    double r[5] = {0, 0, 3, 0, 0}, out[5];
    ck_assert_int_eq(smooth_rate(r, 5, 1e-3, SMOOTH_FLAT, 3e-3, out), 0);
    double want[5] = {0, 1, 1, 1, 0};
    for (int i = 0; i < 5; i++) ck_assert_msg(fabs(out[i] - want[i]) < 1e-15, "%d: %g", i, out[i]);
    /* a window longer than the rate: the n values centred on the rate */
    double one[2] = {2, 2}, o2[2];
    ck_assert_int_eq(smooth_rate(one, 2, 1e-3, SMOOTH_FLAT, 9e-3, o2), 0);
    ck_assert(fabs(o2[0] - 4.0 / 9) < 1e-15 && fabs(o2[1] - 4.0 / 9) < 1e-15);
    ck_assert_str_eq(smooth_name(SMOOTH_GAUSSIAN), "gaussian");
    ck_assert_ptr_null(smooth_name(7));
}
END_TEST

/* ---- histogram bins as numpy's ------------------------------------- */

/* Counts of np.histogram(v, bins=n) for data sets whose values fall on or
 * next to the bin edges (numbers from numpy 1.24). */
static void check_counts(const double *v, int nv, int nbins, const long *want)
{
    double lo = INFINITY, hi = -INFINITY;
    for (int k = 0; k < nv; k++) lo = fmin(lo, v[k]), hi = fmax(hi, v[k]);
    hist_range(&lo, &hi);
    long got[64] = {0};
    for (int k = 0; k < nv; k++) {
        int b = hist_bin(v[k], lo, hi, nbins);
        ck_assert_int_ge(b, 0);
        got[b]++;
    }
    for (int b = 0; b < nbins; b++) ck_assert_msg(got[b] == want[b], "bin %d: %ld, numpy %ld", b, got[b], want[b]);
}

START_TEST(histogram_bins_as_numpy)
{
    double a[11], b[30], c[40], d[3] = {5, 5, 5}, e[5] = {-3, -1, 0, 2.5, 7}, f[11];
    for (int k = 0; k < 11; k++) a[k] = k * 0.1, f[k] = k;      /* np.arange(0, 1.0001, 0.1), arange(11) */
    for (int k = 0; k < 30; k++) b[k] = 0.1 * k;
    for (int k = 0; k < 40; k++) c[k] = 1e-3 * k * k;
    check_counts(a, 11, 4, (const long[]){3, 2, 3, 3});
    check_counts(f, 11, 5, (const long[]){2, 2, 2, 2, 3});
    check_counts(d, 3, 2, (const long[]){0, 3});
    check_counts(b, 30, 7, (const long[]){5, 4, 4, 4, 4, 4, 5});
    check_counts(c, 40, 6, (const long[]){16, 7, 5, 4, 4, 4});
    check_counts(e, 5, 3, (const long[]){3, 1, 1});
    ck_assert_int_eq(hist_bin(NAN, 0, 1, 4), -1);
    ck_assert_int_eq(hist_bin(1.5, 0, 1, 4), -1);
    ck_assert_int_eq(hist_nbins(0), 1);
    ck_assert_int_eq(hist_nbins(1000), 32);
    ck_assert_int_eq(hist_nbins(100000), 50);
}
END_TEST

/* ---- the same run as CSV and as npy -------------------------------- */

#define NSTEP 100
static const double spike_i[5] = {0, 2, 1, 2, 0}, spike_t[5] = {0.001, 0.002, 0.0035, 0.004, 0.009};
static const int rec[3] = {0, 2, 5};

static double vtrace(int k, int r) { return -0.07 + 0.004 * r + 0.002 * sin(0.2 * k + r); }
static double rate_at(int k) { return k % 5 == 0 ? 1000.0 * (1 + k % 3) : 0; }

/* run.json of the fixture in format fmt. */
static void write_run_json(const char *sub, const char *fmt, bool state)
{
    char text[4096], name[64];
    bool npy = !strcmp(fmt, "npy");
    snprintf(text, sizeof text,
             "{\"snnc\": \"0.1.0\", \"dt\": 0.0001, \"format\": \"%s\", \"monitors\": [\n"
             "  {\"name\": \"SM\", \"kind\": \"spikemonitor\", \"source\": \"G\", \"variables\": [\"i\", \"t\"], "
             "\"units\": [\"1\", \"second\"], %s},\n"
             "  {\"name\": \"M\", \"kind\": \"statemonitor\", \"source\": \"G\", \"variables\": [\"t\", \"v\"], "
             "\"units\": [\"second\", \"volt\"], \"record\": [0, 2, 5], %s},\n"
             "  {\"name\": \"R\", \"kind\": \"ratemonitor\", \"source\": \"G\", \"variables\": [\"t\", \"rate\"], "
             "\"units\": [\"second\", \"hertz\"], %s}]%s}\n",
             fmt, npy ? "\"files\": [\"SM.i.npy\", \"SM.t.npy\"], \"shapes\": [[5], [5]]" : "\"file\": \"SM.csv\"",
             npy ? "\"files\": [\"M.t.npy\", \"M.v.npy\"], \"shapes\": [[100], [100, 3]]" : "\"file\": \"M.csv\"",
             npy ? "\"files\": [\"R.t.npy\", \"R.rate.npy\"], \"shapes\": [[100], [100]]" : "\"file\": \"R.csv\"",
             state ? ",\n \"state\": [{\"source\": \"G\", \"file\": \"G.state.csv\"}, {\"source\": \"S\", \"file\": "
                     "\"S.state.csv\"}],\n \"state_columns\": [{\"source\": \"G\", \"columns\": [\"v\", \"I\"], "
                     "\"units\": [\"volt\", \"amp\"], \"rows\": 6}, {\"source\": \"S\", \"columns\": [\"i\", \"j\", "
                     "\"w\"], \"units\": [\"1\", \"1\", \"siemens\"], \"rows\": 40}]"
                   : "");
    snprintf(name, sizeof name, "%s/run.json", sub);
    write_file(name, text);
}

/* The fixture's monitors into tmp/csv/ or tmp/npy/. */
static void write_fixture(const char *sub)
{
    char name[64];
    ck_assert_int_eq(mkdir(tp(sub), 0777), 0);
    bool npy = !strncmp(sub, "npy", 3);
    write_run_json(sub, npy ? "npy" : "csv", false);
    double t[NSTEP], v[NSTEP * 3], r[NSTEP];
    for (int k = 0; k < NSTEP; k++) {
        t[k] = k * 1e-4;
        r[k] = rate_at(k);
        for (int q = 0; q < 3; q++) v[k * 3 + q] = vtrace(k, rec[q]);
    }
    if (npy) {
        const char *arr[6] = {"SM.i", "SM.t", "M.t", "M.v", "R.t", "R.rate"};
        const double *data[6] = {spike_i, spike_t, t, v, t, r};
        for (int k = 0; k < 6; k++) {
            snprintf(name, sizeof name, "%s/%s.npy", sub, arr[k]);
            write_npy(name, k == 0 ? "<i4" : "<f8", k < 2 ? 5 : NSTEP, k == 3 ? 3 : 0, data[k]);
        }
        return;
    }
    static char text[65536];
    size_t n = (size_t)sprintf(text, "i,t\n");
    for (int k = 0; k < 5; k++) n += (size_t)sprintf(text + n, "%d,%.17g\n", (int)spike_i[k], spike_t[k]);
    snprintf(name, sizeof name, "%s/SM.csv", sub);
    write_file(name, text);
    n = (size_t)sprintf(text, "t,v_0,v_2,v_5\n");
    for (int k = 0; k < NSTEP; k++)
        n += (size_t)sprintf(text + n, "%.17g,%.17g,%.17g,%.17g\n", t[k], v[3 * k], v[3 * k + 1], v[3 * k + 2]);
    snprintf(name, sizeof name, "%s/M.csv", sub);
    write_file(name, text);
    n = (size_t)sprintf(text, "t,rate\n");
    for (int k = 0; k < NSTEP; k++) n += (size_t)sprintf(text + n, "%.17g,%.17g\n", t[k], r[k]);
    snprintf(name, sizeof name, "%s/R.csv", sub);
    write_file(name, text);
}

static int plot_sub(const char *sub, const PlotOptions *o)
{
    return plot_run(tp(sub), o, msg, sizeof msg);
}

static PlotOptions png_only(void)
{
    PlotOptions o;
    plot_options_init(&o);
    o.formats = PLOT_PNG;
    return o;
}

/* Byte-equal files. */
static bool same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *x = test_read_file(a, &la), *y = test_read_file(b, &lb);
    bool same = x && y && la == lb && !memcmp(x, y, la);
    free(x);
    free(y);
    return same;
}

/* npy outputs give the very pictures the CSV outputs give. */
START_TEST(npy_same_pictures_as_csv)
{
    write_fixture("csv");
    write_fixture("npy");
    PlotOptions o = png_only();
    ck_assert_msg(plot_sub("csv", &o) == 0, "%s", msg);
    ck_assert_str_eq(msg, "");
    ck_assert_msg(plot_sub("npy", &o) == 0, "%s", msg);
    ck_assert_str_eq(msg, "");
    const char *names[] = {"SM.png", "M.png", "R.png"};
    for (int k = 0; k < 3; k++) {
        char a[64], b[64];
        snprintf(a, sizeof a, "csv/%s", names[k]);
        snprintf(b, sizeof b, "npy/%s", names[k]);
        ck_assert_msg(exists(a) && exists(b), "%s", names[k]);
        ck_assert_msg(same_file(tp(a), tp(b)), "%s differs between CSV and npy", names[k]);
        ck_assert_int_gt(colour_pixels(tp(b)), 20);
    }
}
END_TEST

/* Overwrites npy/M.v.npy with raw bytes. */
static void write_raw(const char *name, const void *p, size_t n)
{
    FILE *f = fopen(tp(name), "wb");
    ck_assert_ptr_nonnull(f);
    fwrite(p, 1, n, f);
    fclose(f);
}

/* Expects plotting npy/ to fail with a message naming file and holding what. */
static void expect_npy_error(const char *file, const char *what)
{
    PlotOptions o = png_only();
    ck_assert_int_eq(plot_sub("npy", &o), -1);
    ck_assert_msg(strstr(msg, file) && strstr(msg, what), "expected '%s' ... '%s', got: %s", file, what, msg);
}

START_TEST(npy_corrupt_files)
{
    write_fixture("npy");
    double v[NSTEP * 3] = {0};
    write_raw("npy/M.v.npy", "", 0);
    expect_npy_error("M.v.npy", "not a .npy file");
    write_raw("npy/M.v.npy", "PK\3\4 not numpy at all", 22);
    expect_npy_error("M.v.npy", "not a .npy file");
    write_raw("npy/M.v.npy", "\x93NUMPY\x01\x00\xff\x00{'descr'", 17);
    expect_npy_error("M.v.npy", "cut short");
    write_raw("npy/M.v.npy", "\x93NUMPY\x07\x00\x10\x00", 10);
    expect_npy_error("M.v.npy", "version 7.0");
    write_npy("npy/M.v.npy", "<f4", NSTEP, 3, v);
    expect_npy_error("M.v.npy", "dtype '<f4' is not one snnc reads");
    write_npy("npy/M.v.npy", ">f8", NSTEP, 3, v);
    expect_npy_error("M.v.npy", "dtype '>f8'");
    write_npy("npy/M.v.npy", "<f8", NSTEP - 1, 3, v);
    expect_npy_error("M.v.npy", "99 rows, but M.t.npy has 100");
    write_npy("npy/M.v.npy", "<f8", NSTEP, 2, v);
    expect_npy_error("M.v.npy", "2 columns, but run.json records 3 neurons");
    write_npy("npy/M.t.npy", "<f8", NSTEP, 3, v);
    expect_npy_error("M.t.npy", "should be one-dimensional");
    {
        double t[NSTEP];
        for (int k = 0; k < NSTEP; k++) t[k] = k * 1e-4;
        write_npy("npy/M.t.npy", "<f8", NSTEP, 0, t);
    }
    /* the data cut short, and too long */
    write_npy("npy/M.v.npy", "<f8", NSTEP, 3, v);
    size_t len;
    char *good = test_read_file(tp("npy/M.v.npy"), &len);
    write_raw("npy/M.v.npy", good, len - 8);
    expect_npy_error("M.v.npy", "needs 2400 bytes of data, the file has 2392 (truncated)");
    char *longer = calloc(1, len + 3);
    memcpy(longer, good, len);
    write_raw("npy/M.v.npy", longer, len + 3);
    expect_npy_error("M.v.npy", "(too many)");
    /* Fortran order, three dimensions, a broken shape, no descr (the
     * header has a NUL byte: the minor version) */
    char *p = memmem(good, len, "False", 5);
    memcpy(p, "True,", 5);
    write_raw("npy/M.v.npy", good, len);
    expect_npy_error("M.v.npy", "Fortran order");
    memcpy(p, "False", 5);
    p = memmem(good, len, "(100, 3)", 8);
    memcpy(p, "(1,1,1) ", 8);
    write_raw("npy/M.v.npy", good, len);
    expect_npy_error("M.v.npy", "3 dimensions");
    memcpy(p, "(1x, 3) ", 8);
    write_raw("npy/M.v.npy", good, len);
    expect_npy_error("M.v.npy", "'shape' is not a tuple");
    memcpy(p, "(100, 3)", 8);
    p = memmem(good, len, "'descr'", 7);
    memcpy(p, "'dascr'", 7);
    write_raw("npy/M.v.npy", good, len);
    expect_npy_error("M.v.npy", "lacks 'descr'");
    free(good);
    free(longer);
    /* values that are not what a monitor holds, located by row */
    write_fixture("npy2");
    double bad_i[5] = {0, 2, -1, 2, 0};
    write_npy("npy2/SM.i.npy", "<i4", 5, 0, bad_i);
    PlotOptions o = png_only();
    ck_assert_int_eq(plot_sub("npy2", &o), -1);
    ck_assert_msg(strstr(msg, "SM.i.npy, row 2: neuron index -1 is not a non-negative integer"), "%s", msg);
    /* a file run.json names but that is not there */
    unlink(tp("npy/M.v.npy"));
    expect_npy_error("M.v.npy", "cannot open");
}
END_TEST

/* ---- final states --------------------------------------------------- */

static void write_states(const char *sub)
{
    static char text[8192];
    char name[64];
    size_t n = (size_t)sprintf(text, "v,I\n");
    for (int k = 0; k < 6; k++) n += (size_t)sprintf(text + n, "%.17g,%.17g\n", -0.07 + 0.002 * k, k * 1e-10);
    snprintf(name, sizeof name, "%s/G.state.csv", sub);
    write_file(name, text);
    n = (size_t)sprintf(text, "i,j,w\n");
    for (int k = 0; k < 40; k++) n += (size_t)sprintf(text + n, "%d,%d,%.17g\n", k % 6, k % 5, 1e-9 * (k % 7));
    snprintf(name, sizeof name, "%s/S.state.csv", sub);
    write_file(name, text);
}

/* A synapses object's state: histograms, one panel per variable with an x
 * axis each; a small neuron group: its values against the index. */
START_TEST(final_states)
{
    write_fixture("csv");
    write_states("csv");
    write_run_json("csv", "csv", true);
    PlotOptions o = png_only();
    ck_assert_msg(plot_sub("csv", &o) == 0, "%s", msg);
    ck_assert_str_eq(msg, "");                   /* units from state_columns: nothing guessed */
    ck_assert_int_eq(png_height(tp("csv/S.state.png")), PLOT_HEIGHT);
    ck_assert_int_gt(colour_pixels(tp("csv/S.state.png")), 2000);    /* bars */
    ck_assert_int_eq(png_height(tp("csv/G.state.png")), plot_figure_height(2));
    ck_assert_int_gt(colour_pixels(tp("csv/G.state.png")), 100);     /* dots */
    /* without run.json the state files are found by name, units guessed */
    unlink(tp("csv/run.json"));
    unlink(tp("csv/S.state.png"));
    ck_assert_msg(plot_sub("csv", &o) == 0, "%s", msg);
    ck_assert_msg(strstr(msg, "G: the unit of I is unknown without run.json"), "%s", msg);
    ck_assert(exists("csv/S.state.png"));
    /* a state file with a bad number is an error at its line */
    write_file("csv/S.state.csv", "i,j,w\n0,1,0.5\n1,1,x\n");
    ck_assert_int_eq(plot_sub("csv", &o), -1);
    ck_assert_msg(strstr(msg, "S.state.csv:3: field 3 ('x') is not a number"), "%s", msg);
}
END_TEST

/* ---- options --------------------------------------------------------- */

START_TEST(option_values)
{
    PlotOptions o;
    char err[512];
    plot_options_init(&o);
    ck_assert_int_eq(plot_option(&o, "--window", "100ms:300ms", err, sizeof err), 1);
    ck_assert(fabs(o.t_lo - 0.1) < 1e-15 && fabs(o.t_hi - 0.3) < 1e-15);
    ck_assert_int_eq(plot_option(&o, "--window", "0.5 s:", err, sizeof err), 1);
    ck_assert(o.t_lo == 0.5 && isinf(o.t_hi));
    ck_assert_int_eq(plot_option(&o, "--window", ":250*us", err, sizeof err), 1);
    ck_assert(isinf(o.t_lo) && fabs(o.t_hi - 250e-6) < 1e-18);
    ck_assert_int_eq(plot_option(&o, "--window", "0:2ms", err, sizeof err), 1);
    ck_assert_int_eq(plot_option(&o, "--neurons", "0:50", err, sizeof err), 1);
    ck_assert(o.neuron_lo == 0 && o.neuron_hi == 50);
    ck_assert_int_eq(plot_option(&o, "--neurons", "7", err, sizeof err), 1);
    ck_assert(o.neuron_lo == 7 && o.neuron_hi == 8);
    ck_assert_int_eq(plot_option(&o, "--neurons", "10:", err, sizeof err), 1);
    ck_assert(o.neuron_lo == 10 && o.neuron_hi == -1);
    ck_assert_int_eq(plot_option(&o, "--smooth", "gaussian:5ms", err, sizeof err), 1);
    ck_assert(o.smooth == SMOOTH_GAUSSIAN && fabs(o.smooth_width - 5e-3) < 1e-18);
    ck_assert_int_eq(plot_option(&o, "--smooth", "flat:10ms", err, sizeof err), 1);
    ck_assert(o.smooth == SMOOTH_FLAT);
    ck_assert_int_eq(plot_option(&o, "--format", "svg", err, sizeof err), 1);
    ck_assert_int_eq(o.formats, PLOT_SVG);
    ck_assert_int_eq(plot_option(&o, "--format", "both", err, sizeof err), 1);
    ck_assert_int_eq(o.formats, PLOT_PNG | PLOT_SVG);
    ck_assert_int_eq(plot_option(&o, "--monitor", "SM", err, sizeof err), 1);
    ck_assert_int_eq(plot_option(&o, "-o", "figs", err, sizeof err), 1);
    ck_assert_str_eq(o.out_dir, "figs");
    ck_assert_int_eq(plot_option(&o, "--bogus", "1", err, sizeof err), 0);

    static const char *const bad[][3] = {
        {"--window", "5ms:1ms", "ends before it starts"},
        {"--window", "5ms", "takes START:END"},
        {"--window", "1:2", "a time needs its unit"},
        {"--window", "1ms:2parsecs", "takes START:END"},
        {"--window", ":", "takes START:END"},
        {"--neurons", "5:5", "holds no neuron"},
        {"--neurons", "-1:4", "takes FIRST:END"},
        {"--neurons", "a:b", "takes FIRST:END"},
        {"--neurons", "", "takes FIRST:END"},
        {"--smooth", "gaussian", "takes gaussian:WIDTH"},
        {"--smooth", "box:5ms", "takes gaussian:WIDTH"},
        {"--smooth", "flat:0ms", "takes gaussian:WIDTH"},
        {"--smooth", "flat:5", "the width needs its unit"},
        {"--format", "jpeg", "png, svg or both"},
        {"--monitor", "", "needs a monitor's name"},
        {"-o", "", "needs a directory"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        err[0] = 0;
        ck_assert_msg(plot_option(&o, bad[k][0], bad[k][1], err, sizeof err) == -1, "%s %s", bad[k][0], bad[k][1]);
        ck_assert_msg(strstr(err, bad[k][2]), "%s '%s': %s", bad[k][0], bad[k][1], err);
    }
}
END_TEST

/* --monitor draws only those named, and an unknown name is an error that
 * lists what there is; -o writes elsewhere (made if missing); --format. */
START_TEST(option_selection_and_output)
{
    write_fixture("npy");
    PlotOptions o = png_only();
    o.monitors[o.nmonitors++] = "R";
    char figs[1024], afile[1024];
    snprintf(figs, sizeof figs, "%s", tp("figs"));   /* tp's buffers are reused */
    o.out_dir = figs;
    ck_assert_msg(plot_sub("npy", &o) == 0, "%s", msg);
    ck_assert(exists("figs/R.png") && !exists("figs/SM.png") && !exists("figs/M.png") && !exists("npy/R.png"));
    ck_assert(!exists("figs/R.svg"));
    o.formats = PLOT_SVG;
    o.monitors[o.nmonitors++] = "M";
    ck_assert_msg(plot_sub("npy", &o) == 0, "%s", msg);
    ck_assert(exists("figs/R.svg") && exists("figs/M.svg") && !exists("figs/M.png"));
    o.monitors[o.nmonitors++] = "nope";
    ck_assert_int_eq(plot_sub("npy", &o), -1);
    ck_assert_msg(strstr(msg, "--monitor nope:") && strstr(msg, "(it has SM, M, R)"), "%s", msg);
    /* without run.json a name is a CSV file's */
    write_fixture("csv");
    unlink(tp("csv/run.json"));
    ck_assert_int_eq(plot_sub("csv", &o), -1);
    ck_assert_msg(strstr(msg, "--monitor nope:"), "%s", msg);
    o.nmonitors = 1;
    ck_assert_msg(plot_sub("csv", &o) == 0, "%s", msg);
    /* -o that is a file */
    write_file("afile", "x");
    snprintf(afile, sizeof afile, "%s", tp("afile"));
    o.out_dir = afile;
    ck_assert_int_eq(plot_sub("csv", &o), -1);
    ck_assert_msg(strstr(msg, "not a directory"), "%s", msg);
}
END_TEST

/* --neurons and --window change what is drawn: fewer traces, fewer
 * spikes; a window without data says so. */
START_TEST(option_neurons_and_window)
{
    write_fixture("npy");
    PlotOptions o = png_only();
    ck_assert_msg(plot_sub("npy", &o) == 0, "%s", msg);
    /* tab10's first two colours: the first and second trace */
    long blue = pixels_of(tp("npy/M.png"), 31, 119, 180), orange = pixels_of(tp("npy/M.png"), 255, 127, 14);
    long all_sm = colour_pixels(tp("npy/SM.png"));
    ck_assert_msg(blue > 100 && orange > 100, "blue %ld, orange %ld", blue, orange);
    ck_assert_int_eq(plot_option(&o, "--neurons", "2:3", msg, sizeof msg), 1);
    ck_assert_msg(plot_sub("npy", &o) == 0, "%s", msg);
    long two_sm = colour_pixels(tp("npy/SM.png"));
    blue = pixels_of(tp("npy/M.png"), 31, 119, 180);
    orange = pixels_of(tp("npy/M.png"), 255, 127, 14);
    ck_assert_msg(blue > 100 && orange == 0, "one trace: blue %ld, orange %ld", blue, orange);
    ck_assert_msg(two_sm > 0 && two_sm < all_sm, "neuron 2's spikes %ld, all %ld", two_sm, all_sm);
    /* neurons none recorded: the state monitor is skipped with a warning */
    ck_assert_int_eq(plot_option(&o, "--neurons", "3:5", msg, sizeof msg), 1);
    unlink(tp("npy/M.png"));
    ck_assert_msg(plot_sub("npy", &o) == 0, "%s", msg);
    ck_assert_msg(strstr(msg, "M: none of its 3 recorded traces"), "%s", msg);
    ck_assert(!exists("npy/M.png"));
    /* a window after every spike: an empty raster; no samples: a warning */
    plot_options_init(&o);
    o.formats = PLOT_PNG;
    ck_assert_int_eq(plot_option(&o, "--window", "50ms:60ms", msg, sizeof msg), 1);
    ck_assert_msg(plot_sub("npy", &o) == 0, "%s", msg);
    ck_assert_int_eq(colour_pixels(tp("npy/SM.png")), 0);
    ck_assert_msg(strstr(msg, "M: no samples in the --window"), "%s", msg);
    ck_assert_int_eq(plot_option(&o, "--window", "1.5ms:5ms", msg, sizeof msg), 1);
    ck_assert_msg(plot_sub("npy", &o) == 0, "%s", msg);
    ck_assert_int_gt(colour_pixels(tp("npy/SM.png")), 0);
    ck_assert_int_gt(colour_pixels(tp("npy/M.png")), 300);
}
END_TEST

/* --smooth draws the smoothed rate; an irregular sampling is refused. */
START_TEST(option_smooth)
{
    write_fixture("csv");
    PlotOptions o = png_only();
    ck_assert_msg(plot_sub("csv", &o) == 0, "%s", msg);
    long raw = colour_pixels(tp("csv/R.png"));
    ck_assert_int_eq(plot_option(&o, "--smooth", "gaussian:1ms", msg, sizeof msg), 1);
    ck_assert_msg(plot_sub("csv", &o) == 0, "%s", msg);
    long smooth = colour_pixels(tp("csv/R.png"));
    ck_assert_msg(smooth > 300 && smooth != raw, "smoothed %ld, raw %ld", smooth, raw);
    write_file("csv/R.csv", "t,rate\n0,0\n0.0001,10\n0.0003,0\n");
    ck_assert_int_eq(plot_sub("csv", &o), -1);
    ck_assert_msg(strstr(msg, "R.csv:4: the rate is not sampled at a regular step"), "%s", msg);
}
END_TEST

/* The snnc command: plot options parsed, bad ones a usage error (2), a bad
 * input an error (1); snnc run --plot takes them too. */
START_TEST(snnc_plot_command)
{
    const char *snnc = getenv("SNNC");
    ck_assert_ptr_nonnull(snnc);
    write_fixture("npy");
    /* snnc built with -fsanitize=address: fontconfig's lifelong allocations
     * are not leaks (no effect otherwise) */
    write_file("lsan-supp", "leak:libfontconfig\n");
    char lsan[1200];
    snprintf(lsan, sizeof lsan, "suppressions=%s:print_suppressions=0", tp("lsan-supp"));
    setenv("LSAN_OPTIONS", lsan, 1);
    char cmd[2048];
    int st;
    char *out;
    snprintf(cmd, sizeof cmd, "'%s' plot '%s' --monitor SM --monitor=R --neurons 0:2 --window=0ms:5ms "
             "--smooth flat:1ms --format png -o '%s'", snnc, tp("npy"), tp("out"));
    out = test_run(cmd, &st);
    ck_assert_msg(st == 0, "%s", out);
    free(out);
    ck_assert(exists("out/SM.png") && exists("out/R.png") && !exists("out/M.png") && !exists("out/R.svg"));
    static const char *const bad[][3] = {
        {"--window 5ms:1ms", "2", "ends before it starts"},
        {"--neurons", "2", "missing value after --neurons"},
        {"--colour red", "2", "unknown option --colour"},
        {"--format npy", "2", "png, svg or both"},
        {"--monitor X", "1", "--monitor X:"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        snprintf(cmd, sizeof cmd, "'%s' plot '%s' %s", snnc, tp("npy"), bad[k][0]);
        out = test_run(cmd, &st);
        ck_assert_msg(st == atoi(bad[k][1]) && strstr(out, bad[k][2]), "%s: exit %d, %s", bad[k][0], st, out);
        free(out);
    }
    /* snnc run --plot passes the plot options on; without --plot they are an error */
    snprintf(cmd, sizeof cmd, "'%s' run '%s' -o '%s' -q --plot --monitor M --window 0ms:50ms --neurons 1:3", snnc,
             test_path("../examples/tutorial.snn"), tp("run"));
    out = test_run(cmd, &st);
    ck_assert_msg(st == 0, "%s", out);
    free(out);
    ck_assert(exists("run/M.png") && exists("run/M.svg") && !exists("run/SM.png"));
    snprintf(cmd, sizeof cmd, "'%s' run '%s' -o '%s' --smooth flat:1ms", snnc, test_path("../examples/tutorial.snn"),
             tp("run2"));
    out = test_run(cmd, &st);
    ck_assert_msg(st == 2 && strstr(out, "a plot option needs --plot: --smooth"), "%d %s", st, out);
    free(out);
    ck_assert(!exists("run2"));
    snprintf(cmd, sizeof cmd, "'%s' run '%s' -o '%s' --plot --window 2ms:1ms", snnc,
             test_path("../examples/tutorial.snn"), tp("run2"));
    out = test_run(cmd, &st);
    ck_assert_msg(st == 2 && strstr(out, "ends before it starts"), "%d %s", st, out);
    free(out);
    snprintf(cmd, sizeof cmd, "'%s' plot --help", snnc);
    out = test_run(cmd, &st);
    ck_assert_msg(st == 0 && strstr(out, "--smooth") && strstr(out, "--window") && strstr(out, "--neurons"), "%s", out);
    free(out);
}
END_TEST

static Suite *plot_inputs_suite(void)
{
    Suite *s = suite_create("plot-inputs");
    TCase *tc = tcase_create("numbers");
    tcase_add_test(tc, smooth_matches_brian2);
    tcase_add_test(tc, smooth_edge_cases);
    tcase_add_test(tc, histogram_bins_as_numpy);
    tcase_add_test(tc, option_values);
    suite_add_tcase(s, tc);
    tc = tcase_create("inputs");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, npy_same_pictures_as_csv);
    tcase_add_test(tc, npy_corrupt_files);
    tcase_add_test(tc, final_states);
    tcase_add_test(tc, option_selection_and_output);
    tcase_add_test(tc, option_neurons_and_window);
    tcase_add_test(tc, option_smooth);
    tcase_add_test(tc, snnc_plot_command);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(plot_inputs_suite)
