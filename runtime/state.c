/* SPDX-License-Identifier: MIT */
/* This file contains reading and writing a context's state: group variables,
 * model constants (snn_set_const values survive rebuilds), spikes added from
 * outside (snn_add_spikes), connectivity, monitor results, output files,
 * what the model compiled to, and the text of its 'print' statements. */
#include "api_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

/* {====================================================================
 * Reading and writing state
 * ===================================================================== */

Sym *api_find_const(Model *M, const char *name)
{
    for (int k = 0; M && k < M->nconsts; k++)
        if (!strcmp(M->consts[k]->name, name)) return M->consts[k];
    return NULL;
}

int api_net_const(Net *net, const char *name)
{
    for (int k = 0; net && k < net->nconsts; k++)
        if (!strcmp(net->const_names[k], name)) return k;
    return -1;
}

ConstSet *api_find_set(snn_ctx *ctx, const char *name)
{
    for (int k = 0; k < ctx->nsets; k++)
        if (!strcmp(ctx->sets[k].name, name)) return &ctx->sets[k];
    return NULL;
}




int64_t snn_group_size(snn_ctx *ctx, const char *group)
{
    if (!ctx) return -1;
    api_clear_error(ctx);
    RtGroup *g;
    return api_get_group(ctx, "snn_group_size", group, &g) ? -1 : g->n;
}

/* The array of group.var, or NULL with an error set. */
static int var_array(snn_ctx *ctx, const char *fn, const char *group, const char *var, RtGroup **gout,
                     double **out)
{
    *out = NULL;
    int rc = api_get_group(ctx, fn, group, gout);
    if (rc) return rc;
    if (!var) return api_set_error(ctx, SNN_EMISUSE, "%s: no variable name", fn);
    int v = net_var_index(*gout, var);
    if (v < 0) return api_set_error(ctx, SNN_ENOTFOUND, "%s has no variable '%s'", group, var);
    *out = (*gout)->arr[v];
    return SNN_OK;
}

double *snn_var(snn_ctx *ctx, const char *group, const char *var, size_t *count)
{
    if (!ctx) return NULL;
    api_clear_error(ctx);
    RtGroup *g;
    double *p;
    if (var_array(ctx, "snn_var", group, var, &g, &p)) return NULL;
    if (count) *count = (size_t)g->n;
    return p;
}

int snn_get_var(snn_ctx *ctx, const char *group, const char *var, double *out, size_t n)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    RtGroup *g;
    double *p;
    int rc = var_array(ctx, "snn_get_var", group, var, &g, &p);
    if (rc) return rc;
    if (!out || n < (size_t)g->n)
        return api_set_error(ctx, SNN_EMISUSE, "snn_get_var: %s.%s has %lld values, the buffer %zu", group, var,
                         (long long)g->n, out ? n : 0);
    memcpy(out, p, sizeof *p * (size_t)g->n);
    return SNN_OK;
}

int snn_set_var(snn_ctx *ctx, const char *group, const char *var, const double *values, size_t n)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    RtGroup *g;
    double *p;
    int rc = var_array(ctx, "snn_set_var", group, var, &g, &p);
    if (rc) return rc;
    if (!values || (n != 1 && n != (size_t)g->n))
        return api_set_error(ctx, SNN_EMISUSE, "snn_set_var: %s.%s takes 1 or %lld values, not %zu", group, var,
                         (long long)g->n, values ? n : 0);
    if (n == 1)
        for (int64_t k = 0; k < g->n; k++) p[k] = values[0];
    else
        memcpy(p, values, sizeof *p * (size_t)g->n);
    return SNN_OK;
}

const char *snn_var_name(snn_ctx *ctx, const char *group, int k)
{
    if (!ctx) return NULL;
    api_clear_error(ctx);
    RtGroup *g;
    return !api_get_group(ctx, "snn_var_name", group, &g) && k >= 0 && k < g->nvars ? g->varnames[k] : NULL;
}

int snn_get_const(snn_ctx *ctx, const char *name, double *value)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (!name || !value) return api_set_error(ctx, SNN_EMISUSE, "snn_get_const: no name or no place for the value");
    if (!ctx->cur.model) return api_set_error(ctx, SNN_EMISUSE, "no model is loaded");
    int at = api_net_const(ctx->net, name);
    if (at >= 0 && !ctx->dirty) {
        *value = ctx->net->consts[at];
        return SNN_OK;
    }
    Sym *s = api_find_const(ctx->cur.model, name);
    if (!s) return api_set_error(ctx, SNN_ENOTFOUND, "snn_get_const: no constant named '%s'", name);
    *value = s->value;
    return SNN_OK;
}

int snn_set_const(snn_ctx *ctx, const char *name, double value)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (!name) return api_set_error(ctx, SNN_EMISUSE, "snn_set_const: no name");
    if (!ctx->cur.model) return api_set_error(ctx, SNN_EMISUSE, "no model is loaded");
    Sym *s = api_find_const(ctx->cur.model, name);
    if (!s) return api_set_error(ctx, SNN_ENOTFOUND, "snn_set_const: no constant named '%s'", name);
    ConstSet *cs = api_find_set(ctx, name);
    if (!cs) {
        ConstSet *v = realloc(ctx->sets, sizeof *v * (size_t)(ctx->nsets + 1));
        char *nm = api_strdup(name);
        if (v) ctx->sets = v;
        if (!v || !nm) {
            free(nm);
            return api_set_error(ctx, SNN_ENOMEM, "out of memory");
        }
        cs = &ctx->sets[ctx->nsets++];
        cs->name = nm;
    }
    cs->value = value;
    s->value = value;
    compile_fold_delays(ctx->cur.model);    /* a network built later uses the value */
    int at = api_net_const(ctx->net, name);
    if (at >= 0) ctx->net->consts[at] = value;
    return SNN_OK;
}

int snn_synapses(snn_ctx *ctx, const char *name, const int32_t **pre, const int32_t **post, size_t *count)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    RtGroup *g;
    int rc = api_get_group(ctx, "snn_synapses", name, &g);
    if (rc) return rc;
    if (g->kind != RG_SYNAPSES) return api_set_error(ctx, SNN_EMISUSE, "snn_synapses: '%s' is a neuron group", name);
    if (pre) *pre = g->pre.v;
    if (post) *post = g->post.v;
    if (count) *count = g->pre.n;
    return SNN_OK;
}

/* {====================================================================
 * Results
 * ===================================================================== */

static int get_monitor(snn_ctx *ctx, const char *fn, const char *name, int kind, RtMonitor **out)
{
    *out = NULL;
    if (!name) return api_set_error(ctx, SNN_EMISUSE, "%s: no monitor name", fn);
    int rc = api_ensure_built(ctx);
    if (rc) return rc;
    RtMonitor *m = net_find_monitor(ctx->net, name);
    if (!m || m->kind != kind)
        return api_set_error(ctx, SNN_ENOTFOUND, "no %s monitor named '%s'", kind == RM_SPIKE ? "spike" : "state", name);
    *out = m;
    return SNN_OK;
}

int snn_spikes(snn_ctx *ctx, const char *monitor, const int32_t **idx, const int64_t **steps, size_t *count)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    RtMonitor *m;
    int rc = get_monitor(ctx, "snn_spikes", monitor, RM_SPIKE, &m);
    if (rc) return rc;
    if (idx) *idx = m->idx.v;
    if (steps) *steps = m->steps.v;
    if (count) *count = m->idx.n;
    return SNN_OK;
}

int snn_trace(snn_ctx *ctx, const char *monitor, const int64_t **steps, size_t *nsteps, const double **values,
              const int32_t **idx, int *nidx, int *nvars)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    RtMonitor *m;
    int rc = get_monitor(ctx, "snn_trace", monitor, RM_STATE, &m);
    if (rc) return rc;
    if (steps) *steps = m->rec_steps.v;
    if (nsteps) *nsteps = m->rec_steps.n;
    if (values) *values = m->data.v;
    if (idx) *idx = m->rec;
    if (nidx) *nidx = m->nrec;
    if (nvars) *nvars = m->nvars;
    return SNN_OK;
}

const char *snn_trace_var(snn_ctx *ctx, const char *monitor, int k)
{
    if (!ctx) return NULL;
    api_clear_error(ctx);
    RtMonitor *m;
    return !get_monitor(ctx, "snn_trace_var", monitor, RM_STATE, &m) && k >= 0 && k < m->nvars ? m->varnames[k] : NULL;
}

int snn_clear_monitors(snn_ctx *ctx)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (!ctx->net) return ctx->cur.model ? SNN_OK : api_set_error(ctx, SNN_EMISUSE, "no model is loaded");
    for (int k = 0; k < ctx->net->nmonitors; k++) {
        RtMonitor *m = ctx->net->monitors[k];
        m->idx.n = m->steps.n = m->rec_steps.n = m->data.n = 0;
    }
    return SNN_OK;
}

int snn_monitor_count(const snn_ctx *ctx)
{
    return ctx && ctx->cur.model ? ctx->cur.model->nmonitors : 0;
}

const char *snn_monitor_name(const snn_ctx *ctx, int k)
{
    if (!ctx || !ctx->cur.model || k < 0 || k >= ctx->cur.model->nmonitors) return NULL;
    return ctx->cur.model->monitors[k]->name;
}

int snn_write_outputs(snn_ctx *ctx, const char *dir)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (!dir) return api_set_error(ctx, SNN_EMISUSE, "snn_write_outputs: no directory");
    int rc = api_ensure_built(ctx);
    if (rc) return rc;
    char err[1024];
    if (output_write_all(ctx->net, dir, err, sizeof err)) return api_set_error(ctx, SNN_EIO, "%s", err);
    return SNN_OK;
}

int snn_write_state(snn_ctx *ctx, const char *dir)
{
    if (!ctx || !dir) return SNN_EMISUSE;
    api_clear_error(ctx);
    int rc = api_ensure_built(ctx);
    if (rc) return rc;
    char err[1024];
    if (output_write_state(ctx->net, dir, err, sizeof err)) return api_set_error(ctx, SNN_EIO, "%s", err);
    return SNN_OK;
}

const char *snn_var_unit(snn_ctx *ctx, const char *group, const char *var)
{
    if (!ctx || !group || !var || !ctx->cur.model) return NULL;
    Model *M = ctx->cur.model;
    for (int k = 0; k < M->ngroups; k++) {
        Group *g = M->groups[k];
        if (strcmp(g->name, group)) continue;
        for (int v = 0; v < g->nvars; v++)
            if (!strcmp(g->vars[v]->name, var)) return dim_name(g->vars[v]->dim, ctx->unit_buf, sizeof ctx->unit_buf);
    }
    return NULL;
}

/* RunInfo.unit: the unit of a variable for run.json. */
static const char *run_unit(void *ud, const char *group, const char *var)
{
    return snn_var_unit(ud, group, var);
}

int snn_write_run(snn_ctx *ctx, const char *dir, const char *model_file, int save_state)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (!dir) return api_set_error(ctx, SNN_EMISUSE, "snn_write_run: no directory");
    int rc = api_ensure_built(ctx);
    if (rc) return rc;
    RunInfo info = { SNN_VERSION_STRING, model_file, ctx->net->seed, snn_script_steps(ctx), !ctx->stopped,
                     run_unit, ctx };
    char err[1024];
    if (output_write(ctx->net, dir, OUT_MONITORS | (save_state ? OUT_STATE : 0), &info, err, sizeof err))
        return api_set_error(ctx, SNN_EIO, "%s", err);
    return SNN_OK;
}

void snn_remove_temporaries(void)
{
    output_remove_temporaries();
}

const char *snn_summary(snn_ctx *ctx)
{
    if (!ctx) return "";
    api_clear_error(ctx);
    if (api_ensure_built(ctx)) return "";
    free(ctx->summary);
    ctx->summary = output_summary(ctx->net);
    return ctx->summary ? ctx->summary : "";
}

const char *snn_generated_code(snn_ctx *ctx)
{
    return ctx && ctx->cur.model ? ctx->cur.code : NULL;
}

const char *snn_methods(snn_ctx *ctx)
{
    return ctx && ctx->cur.model && ctx->cur.methods ? ctx->cur.methods : "";
}

void snn_timings(const snn_ctx *ctx, double *parse, double *emit, double *jit, double *sim)
{
    if (parse) *parse = ctx ? ctx->t_parse : 0;
    if (emit) *emit = ctx ? ctx->t_emit : 0;
    if (jit) *jit = ctx ? ctx->t_jit : 0;
    if (sim) *sim = ctx ? ctx->t_sim : 0;
}

int snn_add_spikes(snn_ctx *ctx, const char *group, const int32_t *idx, const double *times, size_t n)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    RtGroup *g;
    int rc = api_get_group(ctx, "snn_add_spikes", group, &g);
    if (rc) return rc;
    if (g->kind != RG_NEURONS) return api_set_error(ctx, SNN_EMISUSE, "snn_add_spikes: '%s' is not a neuron group", group);
    if (n && (!idx || !times)) return api_set_error(ctx, SNN_EMISUSE, "snn_add_spikes: no indices or times");
    int64_t first = ctx->net->step;
    if (ctx->running && ctx->cur_slot >= SNN_SLOT_THRESHOLDS) first++;
    for (size_t k = 0; k < n; k++) {
        if (idx[k] < 0 || idx[k] >= g->n)
            return api_set_error(ctx, SNN_EMISUSE, "snn_add_spikes: index %d is outside %s (0..%lld)", idx[k], group,
                             (long long)g->n - 1);
        if (!(times[k] < 1e12) || snn_timestep(times[k], ctx->net->dt) < first)
            return api_set_error(ctx, SNN_EMISUSE, "snn_add_spikes: time %g s is in the past (now %g s)", times[k],
                             (double)first * ctx->net->dt);
    }
    if (!api_add_inject_op(ctx)) return api_set_error(ctx, SNN_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++)
        if (!injections_add(&ctx->inj, group, idx[k], snn_timestep(times[k], ctx->net->dt)))
            return api_set_error(ctx, SNN_ENOMEM, "out of memory (some spikes were added)");
    return SNN_OK;
}

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
    int rc = api_ensure_built(ctx);
    if (rc) return rc;
    if (p->kind == PRINT_SPIKES) {
        RtMonitor *m = net_find_monitor(ctx->net, p->text);
        if (!m || m->kind != RM_SPIKE) return api_set_error(ctx, SNN_ENOTFOUND, "print: no spike monitor '%s'", p->text);
        SpikeMatrix sm = { .steps = ctx->net->step };
        int64_t nrows = m->group->n, shown;
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
    if ((rc = api_get_group(ctx, "print", p->text, &g))) return rc;
    int v = api_find_var(g, p->var);
    if (v < 0) return api_set_error(ctx, SNN_ENOTFOUND, "print: no variable %s.%s", p->text, p->var);
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
