/* SPDX-License-Identifier: MIT */
/* This file contains the model's 'print' statements: a spike monitor as a
 * matrix of 0 and 1, a variable with its unit, or text, formatted as numpy's
 * str() prints arrays, handed to the print callback (snn_set_print_cb). */
#include "api_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {====================================================================
 * The model's 'print' statements, as numpy prints arrays
 * ===================================================================== */

/* numpy's defaults: lines of at most 75 characters, arrays of more than
 * 1000 elements shown as their first and last 3 items along each axis. */
#define NP_WIDTH 75
#define NP_THRESHOLD 1000
#define NP_EDGE 3

/* An array being printed: 'rows' rows (0 for a 1-D array) of 'cols'
 * words, each already padded to the common width. */
typedef struct NpArray {
    int64_t rows, cols;
    bool    cut;                /* summarised (more than NP_THRESHOLD) */
    char *(*word)(void *ud, int64_t r, int64_t c, char *buf, size_t n);
    void   *ud;
} NpArray;

/* Add a word to the current line, breaking it before the word when the
 * line would grow wider than width (numpy's _extendLine). */
static void np_extend(Str *s, Str *line, const char *word, size_t width, const char *indent)
{
    size_t wl = strlen(word);
    if (line->n + wl > width && line->n > strlen(indent)) {
        size_t n = line->n;
        while (n > 0 && line->p[n - 1] == ' ') n--;
        api_str_put(s, line->p, n);
        api_str_puts(s, "\n");
        line->n = 0;
        api_str_puts(line, indent);
    }
    api_str_puts(line, word);
}

/* The items shown of an axis of len items: all, or the first and last
 * NP_EDGE (-1 stands for the "..." between them). */
static int64_t np_item(int64_t len, bool cut, int64_t k, int64_t *count)
{
    bool part = cut && len > 2 * NP_EDGE;
    *count = part ? 2 * NP_EDGE + 1 : len;
    if (!part) return k;
    return k < NP_EDGE ? k : k == NP_EDGE ? -1 : len - (2 * NP_EDGE + 1 - k);
}

/* One row of words: "[a b c]" with hanging indent and width as numpy's
 * recurser gives the last axis. */
static void np_row(Str *s, const NpArray *a, int64_t r, const char *indent, size_t width)
{
    Str line = { 0 };
    api_str_puts(&line, indent);
    int64_t n;
    np_item(a->cols, a->cut, 0, &n);
    char buf[64];
    for (int64_t k = 0; k < n; k++) {
        int64_t c = np_item(a->cols, a->cut, k, &n);
        np_extend(s, &line, c < 0 ? "..." : a->word(a->ud, r, c, buf, sizeof buf), width - 1, indent);
        if (k + 1 < n) api_str_puts(&line, " ");
    }
    if (line.p) api_str_put(s, line.p, line.n);
    s->oom |= line.oom;
    free(line.p);
}

/* The array as numpy's str() gives it (one newline at the end): each row
 * is formatted behind a hanging indent that becomes its '['. */
static void np_format(Str *out, const NpArray *a)
{
    Str row = { 0 };
    if (a->rows == 0) {
        np_row(&row, a, 0, " ", NP_WIDTH);
        api_str_puts(out, "[");
        if (row.p) api_str_put(out, row.p + 1, row.n - 1);
        api_str_puts(out, "]\n");
    } else {
        int64_t n;
        np_item(a->rows, a->cut, 0, &n);
        api_str_puts(out, "[");
        for (int64_t k = 0; k < n; k++) {
            int64_t r = np_item(a->rows, a->cut, k, &n);
            if (k) api_str_puts(out, " ");
            if (r < 0) api_str_puts(out, "...");
            else {
                row.n = 0;
                np_row(&row, a, r, "  ", NP_WIDTH - 1);
                api_str_puts(out, "[");
                if (row.p) api_str_put(out, row.p + 2, row.n - 2);
                api_str_puts(out, "]");
            }
            if (k + 1 < n) api_str_puts(out, "\n");
        }
        api_str_puts(out, "]\n");
    }
    out->oom |= row.oom;
    free(row.p);
}

/* A spike monitor's spikes as neurons x steps of 0 and 1. */
typedef struct SpikeMatrix {
    int64_t steps, ncols;
    bool    cut;
    uint8_t *cell;              /* shown rows x shown columns */
    int64_t *rowpos;            /* row of neuron r in cell, or -1 */
} SpikeMatrix;

/* The shown position of item x of an axis, or -1 if hidden. */
static int64_t np_pos(int64_t x, int64_t len, bool cut)
{
    if (!cut || len <= 2 * NP_EDGE || x < NP_EDGE) return x;
    return x >= len - NP_EDGE ? NP_EDGE + 1 + (x - (len - NP_EDGE)) : -1;
}

static char *spike_word(void *ud, int64_t r, int64_t c, char *buf, size_t n)
{
    SpikeMatrix *m = ud;
    (void)n;
    buf[0] = m->cell[m->rowpos[r] * m->ncols + np_pos(c, m->steps, m->cut)] ? '1' : '0';
    buf[1] = 0;
    return buf;
}

/* The values of a variable, formatted as numpy formats floats (precision
 * 8, the shortest digits, common padding) or integers. */
typedef struct VarWords {
    const double *v;
    bool    is_int, exp;
    int     pad_left, pad_right, exp_size;
} VarWords;

/* x with at most 8 decimals (or as mantissa and exponent), trailing zeros
 * removed: the integer part in ip, the decimals in fp, the exponent in ep. */
static void np_split(double x, bool exp, char *ip, char *fp, char *ep)
{
    char s[400];
    snprintf(s, sizeof s, exp ? "%.8e" : "%.8f", x);
    char *e = strchr(s, 'e');
    *ep = 0;
    if (e) {
        snprintf(ep, 16, "%s", e + 1);
        *e = 0;
    }
    char *dot = strchr(s, '.');
    *dot = 0;
    snprintf(ip, 400, "%s", s);
    snprintf(fp, 16, "%s", dot + 1);
    for (size_t k = strlen(fp); k > 0 && fp[k - 1] == '0'; k--) fp[k - 1] = 0;
}

static char *var_word(void *ud, int64_t r, int64_t c, char *buf, size_t n)
{
    const VarWords *w = ud;
    (void)r;
    double x = w->v[c];
    int width = w->pad_left + 1 + w->pad_right;
    if (w->is_int) snprintf(buf, n, "%*.0f", w->pad_left, x);
    else if (!isfinite(x)) snprintf(buf, n, "%*s", width, isnan(x) ? "nan" : x > 0 ? "inf" : "-inf");
    else {
        char ip[400], fp[16], ep[16];
        np_split(x, w->exp, ip, fp, ep);
        if (w->exp) {
            /* mantissa decimals padded with zeros, exponent to exp_size digits */
            int prec = w->pad_right - w->exp_size - 2;
            char fz[24];
            snprintf(fz, sizeof fz, "%s", fp);
            for (int k = (int)strlen(fz); k < prec && k < 20; k++) fz[k] = '0', fz[k + 1] = 0;
            snprintf(buf, n, "%*s.%se%c%0*d", w->pad_left, ip, fz, ep[0], w->exp_size, abs(atoi(ep + 1)));
        } else snprintf(buf, n, "%*s.%-*s", w->pad_left, ip, w->pad_right, fp);
    }
    return buf;
}

/* The common widths of the values (numpy's FloatingFormat.fillFormat). */
static void var_widths(VarWords *w, int64_t n)
{
    double lo = INFINITY, hi = 0;
    bool neginf = false, nonfinite = false;
    for (int64_t k = 0; k < n; k++) {
        double a = fabs(w->v[k]);
        if (!isfinite(w->v[k])) {
            nonfinite = true;
            neginf |= w->v[k] < 0;
        } else if (a != 0) {
            lo = a < lo ? a : lo;
            hi = a > hi ? a : hi;
        }
    }
    w->exp = !w->is_int && hi > 0 && (hi >= 1e8 || lo < 1e-4 || hi / lo > 1000);
    for (int64_t k = 0; k < n; k++) {
        if (!isfinite(w->v[k])) continue;
        char ip[400], fp[16], ep[16];
        if (w->is_int) snprintf(ip, sizeof ip, "%.0f", w->v[k]), fp[0] = ep[0] = 0;
        else np_split(w->v[k], w->exp, ip, fp, ep);
        int l = (int)strlen(ip), f = (int)strlen(fp), e = ep[0] ? (int)strlen(ep) - 1 : 0;
        w->pad_left = l > w->pad_left ? l : w->pad_left;
        w->pad_right = f > w->pad_right ? f : w->pad_right;
        w->exp_size = e > w->exp_size ? e : w->exp_size;
    }
    if (w->exp) w->pad_right += w->exp_size + 2;
    if (nonfinite) {
        int need = 3 + (neginf ? 1 : 0) - (w->pad_right + 1);
        w->pad_left = need > w->pad_left ? need : w->pad_left;
    }
}

/* The text of print statement p: the string, the spike matrix of a spike
 * monitor, or a variable's values (with their SI unit). */
static int print_text(snn_ctx *ctx, const Print *p, Str *out)
{
    if (p->kind == PRINT_TEXT) {
        api_str_puts(out, p->text);
        api_str_puts(out, "\n");
        return SNN_OK;
    }
    if (!ctx->net) return api_set_error(ctx, SNN_EMISUSE, "print: the network is not built");
    if (p->kind == PRINT_SPIKES) {
        RtMonitor *m = net_find_monitor(ctx->net, p->text);
        if (!m || m->kind != RM_SPIKE) return api_set_error(ctx, SNN_ENOTFOUND, "print: no spike monitor '%s'", p->text);
        SpikeMatrix sm = { .steps = ctx->net->step };
        int64_t nrows = net_monitor_size(m), shown;
        bool cut = sm.cut = nrows * sm.steps > NP_THRESHOLD;
        np_item(nrows, cut, 0, &shown);
        np_item(sm.steps, cut, 0, &sm.ncols);
        sm.rowpos = malloc(sizeof *sm.rowpos * (size_t)(nrows + 1));
        sm.cell = calloc((size_t)(shown * sm.ncols + 1), 1);
        if (!sm.rowpos || !sm.cell) {
            free(sm.rowpos);
            free(sm.cell);
            return api_set_error(ctx, SNN_ENOMEM, "out of memory");
        }
        for (int64_t r = 0; r < nrows; r++) sm.rowpos[r] = np_pos(r, nrows, cut);
        for (size_t k = 0; k < m->idx.n; k++) {
            int64_t r = m->idx.v[k], c = np_pos(m->steps.v[k], sm.steps, cut);
            if (r >= 0 && r < nrows && sm.rowpos[r] >= 0 && c >= 0 && c < sm.ncols) sm.cell[sm.rowpos[r] * sm.ncols + c] = 1;
        }
        NpArray a = { nrows, sm.steps, cut, spike_word, &sm };
        if (nrows == 0 || sm.steps == 0) api_str_puts(out, "[]\n");
        else np_format(out, &a);
        free(sm.rowpos);
        free(sm.cell);
        return SNN_OK;
    }
    RtGroup *g;
    if (!ctx->net || !(g = net_find_group(ctx->net, p->text)))
        return api_set_error(ctx, SNN_ENOTFOUND, "print: no group or synapses named '%s'", p->text);
    int v = net_var_index(g, p->var);
    if (v < 0) return api_set_error(ctx, SNN_ENOTFOUND, "print: no variable %s.%s", p->text, p->var);
    if (!net_order_own(ctx->net, g))    /* printed by synapse number */
        return api_set_error(ctx, SNN_ENOMEM, "out of memory while putting synapses back in their order");
    VarWords w = { .v = g->arr[v] };
    Model *M = ctx->cur.model;
    for (int k = 0; k < M->ngroups; k++)
        for (int q = 0; q < M->groups[k]->nvars; q++)
            if (!strcmp(M->groups[k]->name, p->text) && !strcmp(M->groups[k]->vars[q]->name, p->var))
                w.is_int = M->groups[k]->vars[q]->type != TY_FLOAT;
    var_widths(&w, g->n);
    NpArray a = { 0, g->n, g->n > NP_THRESHOLD, var_word, &w };
    if (g->n == 0) api_str_puts(out, "[]\n");
    else np_format(out, &a);
    const char *unit = snn_var_unit(ctx, p->text, p->var);
    if (unit && strcmp(unit, "1")) {
        out->n--;
        api_str_printf(out, " %s\n", unit);
    }
    return SNN_OK;
}

void snn_set_print_cb(snn_ctx *ctx, snn_print_cb cb, void *ud)
{
    if (!ctx) return;
    ctx->print_cb = cb;
    ctx->print_ud = ud;
}

int api_print(snn_ctx *ctx, const Print *p)
{
    if (!ctx->print_cb) return SNN_OK;
    Str s = { 0 };
    int rc = print_text(ctx, p, &s);
    if (!rc && s.oom) rc = api_set_error(ctx, SNN_ENOMEM, "out of memory");
    if (!rc) ctx->print_cb(ctx->print_ud, s.p ? s.p : "");
    free(s.p);
    return rc;
}
