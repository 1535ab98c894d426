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
    net_refresh_links(*gout);      /* linked variables show their sources now */
    if (!net_order_own(ctx->net, *gout))     /* by synapse number */
        return api_set_error(ctx, SNN_ENOMEM, "out of memory while putting synapses back in their order");
    *out = (*gout)->arr[v];
    (*gout)->viewed = true;    /* its arrays stay in their own order (net_order.c) */
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
    for (int k = 0; k < g->nlinks; k++)
        if (g->arr[g->links[k].var] == p)
            return api_set_error(ctx, SNN_EMISUSE, "snn_set_var: %s.%s is a linked variable (it shows %s.%s); set "
                                 "that instead", group, var, g->links[k].src->name,
                                 g->links[k].src->varnames[g->links[k].src_var]);
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
    if ((pre || post) && !net_order_own(ctx->net, g))
        return api_set_error(ctx, SNN_ENOMEM, "out of memory while putting synapses back in their order");
    if (pre || post) g->viewed = true;    /* (a count alone sees no order) */
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
    /* record=False: none (with variables= they are kept for their values only) */
    if (count) *count = m->record_none ? 0 : m->idx.n;
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
        m->idx.n = m->steps.n = m->rec_steps.n = m->data.n = m->counted = 0;
        if (m->count) memset(m->count, 0, sizeof *m->count * (size_t)(m->group->n > 0 ? m->group->n : 1));
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
    int rc = api_own_order(ctx);
    if (rc) return rc;
    char err[1024];
    if (output_write_all(ctx->net, dir, err, sizeof err)) return api_set_error(ctx, SNN_EIO, "%s", err);
    return SNN_OK;
}

int snn_write_state(snn_ctx *ctx, const char *dir)
{
    if (!ctx || !dir) return SNN_EMISUSE;
    api_clear_error(ctx);
    int rc = api_own_order(ctx);
    if (rc) return rc;
    char err[1024];
    if (output_write_state(ctx->net, dir, err, sizeof err)) return api_set_error(ctx, SNN_EIO, "%s", err);
    return SNN_OK;
}


/* RunInfo.unit: the unit of a variable for run.json. */
static const char *run_unit(void *ud, const char *group, const char *var)
{
    return snn_var_unit(ud, group, var);
}

int snn_write_run(snn_ctx *ctx, const char *dir, const char *model_file, int save_state)
{
    return snn_write_run_format(ctx, dir, model_file, save_state, SNN_FORMAT_CSV);
}

int snn_write_run_format(snn_ctx *ctx, const char *dir, const char *model_file, int save_state, int format)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    if (!dir) return api_set_error(ctx, SNN_EMISUSE, "snn_write_run: no directory");
    if (format != SNN_FORMAT_CSV && format != SNN_FORMAT_NPY)
        return api_set_error(ctx, SNN_EMISUSE, "snn_write_run_format: the format is SNN_FORMAT_CSV or SNN_FORMAT_NPY");
    int rc = save_state ? api_own_order(ctx) : api_ensure_built(ctx);
    if (rc) return rc;
    RunInfo info = { SNN_VERSION_STRING, model_file, ctx->net->seed, snn_script_steps(ctx), !ctx->stopped,
                     run_unit, ctx };
    char err[1024];
    int what = OUT_MONITORS | (save_state ? OUT_STATE : 0) | (format == SNN_FORMAT_NPY ? OUT_NPY : 0);
    if (output_write(ctx->net, dir, what, &info, err, sizeof err))
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

double snn_sim_cpu(const snn_ctx *ctx)
{
    return ctx ? ctx->t_sim_cpu : 0;
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

/* NAME=EXPR: EXPR compiled on its own as the one constant of a model
 * (numbers and units only), then set as snn_set_const does when its unit
 * is the constant's. */
int snn_set_const_expr(snn_ctx *ctx, const char *assignment)
{
    if (!ctx) return SNN_EMISUSE;
    api_clear_error(ctx);
    const char *eq = assignment ? strchr(assignment, '=') : NULL;
    if (!eq || eq == assignment) return api_set_error(ctx, SNN_EMISUSE, "snn_set_const_expr: expected NAME=VALUE, not '%s'",
                                                      assignment ? assignment : "(null)");
    if (!ctx->cur.model) return api_set_error(ctx, SNN_EMISUSE, "no model is loaded");
    char *name = api_strndup(assignment, (size_t)(eq - assignment));
    if (!name) return api_set_error(ctx, SNN_ENOMEM, "out of memory");
    Sym *s = api_find_const(ctx->cur.model, name);
    if (!s) {
        int rc = api_set_error(ctx, SNN_ENOTFOUND, "the model has no constant '%s'", name);
        free(name);
        return rc;
    }
    Str text = { 0 };
    api_str_printf(&text, "snnc_value = %s\n", eq + 1);
    size_t start = 0;
    const char *chunk = assignment;
    CompileInput in = { .text = text.p ? text.p : "", .len = text.n, .starts = &start, .names = &chunk, .nchunks = 1 };
    Compiled c = { 0 };
    int rc = text.oom ? SNN_ENOMEM : compile_model(&in, &c);
    char have[64], want[64];
    if (rc == SNN_ENOMEM) rc = api_set_error(ctx, SNN_ENOMEM, "out of memory");
    else if (rc || c.model->nconsts != 1)
        rc = api_set_error(ctx, rc ? rc : SNN_ESEMA, "%s: the value must be a number with a unit, e.g. 5*ms", assignment);
    else if (!dim_eq(c.model->consts[0]->dim, s->dim))
        rc = api_set_error(ctx, SNN_EUNITS, "%s: '%s' has unit %s, but the value has unit %s", assignment, name,
                           dim_name(s->dim, want, sizeof want), dim_name(c.model->consts[0]->dim, have, sizeof have));
    else
        rc = snn_set_const(ctx, name, c.model->consts[0]->value);
    compile_free(&c);
    free(text.p);
    free(name);
    return rc;
}
