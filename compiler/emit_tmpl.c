/* SPDX-License-Identifier: MIT */
/* This file contains the fixed text of the generated code: the templates of
 * the block functions, one text per kind of block after Brian2's code
 * templates, and the function that fills their holes with the code the
 * emitter prints (emit.c, emit_code.c, emit_connect.c); the math prototypes every unit starts with; the
 * names of the block functions; and the one escaping of text from outside
 * (file names) that the generated code contains. */
#include "emit.h"

#include <string.h>

/* The math prototypes every generated unit has (generated code is compiled
 * without the C library's headers); the math library (runtime/snnmath.h)
 * and the helpers follow (func_c_helpers). */
const char emit_prelude[] =
    "double exp(double); double log(double); double log10(double); double sqrt(double);\n"
    "double sin(double); double cos(double); double tan(double); double sinh(double);\n"
    "double cosh(double); double tanh(double); double asin(double); double acos(double);\n"
    "double atan(double); double fabs(double); double floor(double); double ceil(double);\n"
    "double pow(double, double); double fmod(double, double); double expm1(double); double log1p(double);\n";

/* Append text s for use inside a C string literal or a C comment: every byte
 * but letters, digits and " ./_-+,=:@~" is written as an octal escape, so no
 * text from outside (a file name, say) can end the literal or the comment
 * ('*' and '"' are escaped), start a trigraph ('?') or a new line.  This is
 * the only way the emitter writes text that is not an identifier. */
void emit_escaped(Buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr(" ./_-+,=:@~", *p))
            buf_put(b, (const char *)p, 1);
        else
            buf_printf(b, "\\%03o", *p);
    }
}

/* Append name with each '_' doubled. */
static void put_doubled(Buf *b, const char *name)
{
    for (const char *p = name; *p; p++) buf_put(b, *p == '_' ? "__" : p, *p == '_' ? 2 : 1);
}

/* snn_<group>_<kind>, with every '_' of the group's name doubled (and of a
 * pathway's name in a kind "path_<name>"): the first single '_' after
 * "snn_" ends the group's name, so no two (group, block) pairs share a
 * name (group S_path's init is snn_S__path_init, pathway init of S is
 * snn_S_path_init). */
const char *emit_fn_name(Arena *A, const Group *g, const char *kind)
{
    Buf b;
    buf_init(&b, A);
    buf_puts(&b, "snn_");
    put_doubled(&b, g->name);
    buf_puts(&b, "_");
    if (!strncmp(kind, "path_", 5)) {
        buf_puts(&b, "path_");
        put_doubled(&b, kind + 5);
    } else {
        buf_puts(&b, kind);
    }
    return b.p;
}

/* Each block function is one template text whose holes, written @name@,
 * are filled with code printed from the IR:
 *   prologue  time, sizes, constants and array pointers the block uses
 *   hoisted   loop-invariant subexpressions (_lio_N)
 *   index     _i / _j of the loop's index, where the block uses them
 *   loads     locals of the variables read before they are written, and
 *             the subexpressions
 *   code      the statements
 *   stores    the variables written, back to their arrays
 * and, for some kinds, the holes their synopsis names. */

/* Synopsis: state update and initial values (Brian2's stateupdate and
 * group_variable_set templates): for every index of the range [lo, hi)
 * (abi.h), load, run the statements in order, store.  @idx@ is _idx for
 * neurons, _s for synapses; @after@ follows the loop (a spatialneurons
 * group's cable solver, whose update is never split into ranges). */
const char emit_tmpl_each[] =
    "@lists@@prologue@@hoisted@"
    "    const snn_i32 _end = SNN_RANGE_END(_a);\n"
    "    for (snn_i32 @idx@ = _a->lo; @idx@ < _end; @idx@++) {\n"
    "@index@@loads@@code@@stores@"
    "    }\n"
    "@after@"
    "    return 0;\n"
    "}\n";

/* Synopsis: threshold (Brian2's threshold template): the indices where the
 * condition holds go to _a->out, in order; the spike's statements (for
 * refractoriness) run for each of them.  Returns the number of spikes.
 * In blocks of 256 indices: first the condition of each (a loop without
 * branches, which cc vectorises, random numbers included), then the
 * spikes, a pass skipped when no condition of the block held (_any, an OR
 * the first loop computes as it goes: spikes are rare, and the scan of 256
 * flags one by one cost as much as the whole state update), and within
 * it each group of 16 flags skipped after one OR of them (in CUBA 64000 a
 * block with a spike has one: 2-3% of the update).  The same as
 * one loop: the condition has no side effects and a spike's statements
 * write only its own neuron's variables; a random number the loads draw
 * twice is the same number (counter-based).
 * @update@: empty, or a neuron group's state update of the index (its
 * loads, statements and stores) before the condition: the update and the
 * threshold in one pass (update_thresh), which the runtime calls instead
 * of the two where they come one after the other in the schedule, each
 * reading and writing only its own index.  The same results as the update
 * of every index and then the threshold: an index's condition reads only
 * that index's updated variables, and the random numbers of each part are
 * those of its own function (counter-based, keyed by the same call sites).
 * Per block of 256 the condition then reads values still in the first
 * cache. */
const char emit_tmpl_thresh[] =
    "@prologue@@hoisted@"
    "    snn_i32 _n = 0;\n"
    "    const snn_i32 _end = SNN_RANGE_END(_a);\n"
    "    snn_i32 _c[256];\n"
    "    for (snn_i32 _b = _a->lo; _b < _end; _b += 256) {\n"
    "        const snn_i32 _e = _end - _b < 256 ? _end - _b : 256;\n"
    "        snn_i32 _any = 0;\n"
    "        for (snn_i32 _k = 0; _k < _e; _k++) {\n"
    "            const snn_i32 _idx = _b + _k;\n"
    "@update@"
    "            {\n"
    "@index@@cond_loads@@line@"
    "            _c[_k] = (@cond@);\n"
    "            _any |= _c[_k];\n"
    "            }\n"
    "        }\n"
    "        if (!_any) continue;\n"
    "        for (snn_i32 _k = 0; _k < _e; _k++) {\n"
    "            if (!(_k & 15)) {\n"
    "                const snn_i32 _ge = _e - _k < 16 ? _e : _k + 16;\n"
    "                snn_i32 _gany = 0;\n"
    "                for (snn_i32 _q = _k; _q < _ge; _q++) _gany |= _c[_q];\n"
    "                if (!_gany) { _k += 15; continue; }\n"
    "            }\n"
    "            if (!_c[_k]) continue;\n"
    "            const snn_i32 _idx = _b + _k;\n"
    "            _a->out[_n++] = _idx;\n"
    "@index@@loads@@code@@stores@"
    "        }\n"
    "    }\n"
    "    return _n;\n"
    "}\n";

/* Synopsis: statements for a list of indices (Brian2's reset template):
 * reset for the neurons that spiked; run_regularly for every index of the
 * range [lo, hi) (@first@, @count@, @which@ _k). */
const char emit_tmpl_event[] =
    "@prologue@@hoisted@"
    "    for (snn_i32 _k = @first@; _k < @count@; _k++) {\n"
    "        const snn_i32 @idx@ = @which@;\n"
    "@index@@loads@@code@@stores@"
    "    }\n"
    "    return 0;\n"
    "}\n";

/* Synopsis: a synapses pathway (on_pre, on_post, a named one) for the
 * synapses whose spikes arrive: the list _a->idx[0.._a->nidx), or where
 * idx is NULL the ids of the range [lo, hi), or (_a->runs) each of the
 * runs of positions in that list or of ids, one after the other. */
const char emit_tmpl_pathway[] =
    "@prologue@@hoisted@"
    "    const snn_i32 *const _ids = _a->idx, *const _runs = _a->runs;\n"
    "    const snn_i32 _nruns = _runs ? _a->nruns : 1;\n"
    "    for (snn_i32 _r = 0; _r < _nruns; _r++) {\n"
    "        const snn_i32 _lo = _runs ? _runs[(snn_i64)_r * _a->run_stride] : _ids ? 0 : _a->lo;\n"
    "        const snn_i32 _hi = _runs ? _runs[(snn_i64)_r * _a->run_stride + 1] : _ids ? _a->nidx : _a->hi;\n"
    "        for (snn_i32 _k = _lo; _k < _hi; _k++) {\n"
    "            const snn_i32 @idx@ = _ids ? _ids[_k] : _k;\n"
    "@index@@loads@@code@@stores@"
    "        }\n"
    "    }\n"
    "    return 0;\n"
    "}\n";

/* Synopsis: the same for every index of the range (a Poisson input's
 * extra block) where the code draws binomials from hoisted tables: in
 * blocks of SNN_BINOMIAL_BLOCK indices, whose draws @draws@ makes first
 * (snn_rand_binomial_block, vectorised) into _bd_N for the statements to
 * read.  The same numbers as one draw each: they are counter-based. */
const char emit_tmpl_event_blocked[] =
    "@prologue@@hoisted@"
    "    const snn_i32 _end = @count@;\n"
    "    for (snn_i32 _b = @first@; _b < _end; _b += SNN_BINOMIAL_BLOCK) {\n"
    "        const snn_i32 _e = _end - _b < SNN_BINOMIAL_BLOCK ? _end - _b : SNN_BINOMIAL_BLOCK;\n"
    "@draws@"
    "        for (snn_i32 _k = _b; _k < _b + _e; _k++) {\n"
    "            const snn_i32 @idx@ = @which@;\n"
    "@index@@loads@@code@@stores@"
    "        }\n"
    "    }\n"
    "    return 0;\n"
    "}\n";

/* Synopsis: a (summed) variable (Brian2's summed_variable template): zero
 * the target variable, then add the expression of every synapse to the
 * target (@tidx@: _j for _post, _i for _pre). */
const char emit_tmpl_summed[] =
    "@prologue@@hoisted@"
    "    for (snn_i32 _n = 0; _n < _a->@count@; _n++) _p_@target@[_n] = 0.0;\n"
    "    for (snn_i32 _s = 0; _s < _N; _s++) {\n"
    "@index@@loads@@line@"
    "        _p_@target@[@tidx@] += @sum@;\n"
    "    }\n"
    "    return 0;\n"
    "}\n";

/* Synopsis: synapse creation (Brian2's synapses_create templates): for
 * every source _i, the candidate targets _j (@head@: all j, the j of a
 * generator expression, or, @tests@, geometric jumps for a constant p), the
 * condition and p, then _a->push(i, j) for each synapse (@push@); with
 * connect(i='...') the loop is over every target _j (@o@ = _j, @nouter@ =
 * n_post) and @head@ makes the sources. */
const char emit_tmpl_connect[] =
    "@prologue@@line@"
    "    for (snn_i32 @o@ = 0; @o@ < _a->@nouter@; @o@++) {\n"
    "@head@@loads@@tests@@push@"
    "        }\n"
    "    }\n"
    "    return 0;\n"
    "}\n";

/* Synopsis: an assignment between runs (Brian2's group_variable_set
 * templates): for the selected indices (@from@ to @to@, each @which@), load,
 * run the statement (under the condition, if any), store. */
const char emit_tmpl_assign[] =
    "@lists@@prologue@"
    "    for (snn_i32 _k = @from@; _k < @to@; _k++) {\n"
    "        const snn_i32 @idx@ = @which@;\n"
    "@index@@loads@@code@@stores@"
    "    }\n"
    "    return 0;\n"
    "}\n";

/* Write template tmpl to out with each @name@ replaced by the text of the
 * hole of that name in holes[0..n) (and by nothing if there is none). */
void emit_fill(Buf *out, const char *tmpl, const EmitHole *holes, int n)
{
    for (const char *p = tmpl; *p;) {
        const char *at = strchr(p, '@');
        if (!at) {
            buf_puts(out, p);
            return;
        }
        buf_put(out, p, (size_t)(at - p));
        const char *end = strchr(at + 1, '@');
        size_t len = (size_t)(end - at - 1);
        int k = 0;
        while (k < n && (strlen(holes[k].name) != len || strncmp(holes[k].name, at + 1, len))) k++;
        if (k < n) buf_puts(out, holes[k].text);
        p = end + 1;
    }
}
