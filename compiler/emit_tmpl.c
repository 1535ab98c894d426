/* SPDX-License-Identifier: MIT */
/* This file contains the templates of the generated block functions, one
 * text per kind of block after Brian2's code templates, and the function
 * that fills their holes with the code the emitter prints (emit.c). */
#include "emit.h"

#include <string.h>

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
 * group_variable_set templates): for every index, load, run the statements
 * in order, store.  @idx@ is _idx for neurons, _s for synapses. */
const char emit_tmpl_each[] =
    "@lists@@prologue@@hoisted@"
    "    for (snn_i32 @idx@ = 0; @idx@ < _N; @idx@++) {\n"
    "@index@@loads@@code@@stores@"
    "    }\n"
    "    return 0;\n"
    "}\n";

/* Synopsis: threshold (Brian2's threshold template): the indices where the
 * condition holds go to _a->out, in order; the spike's statements (for
 * refractoriness) run for each of them.  Returns the number of spikes. */
const char emit_tmpl_thresh[] =
    "@prologue@@hoisted@"
    "    snn_i32 _n = 0;\n"
    "    for (snn_i32 _idx = 0; _idx < _N; _idx++) {\n"
    "@index@@loads@@line@"
    "        if (@cond@) {\n"
    "            _a->out[_n++] = _idx;\n"
    "@code@@stores@"
    "        }\n"
    "    }\n"
    "    return _n;\n"
    "}\n";

/* Synopsis: statements for a list of indices (Brian2's reset and synapses
 * templates): reset for the neurons that spiked, on_pre / on_post / a
 * named pathway for the synapses whose spikes arrive (_a->idx, _a->nidx);
 * run_regularly for every index (@count@ _N, @which@ _k). */
const char emit_tmpl_event[] =
    "@prologue@@hoisted@"
    "    for (snn_i32 _k = 0; _k < @count@; _k++) {\n"
    "        const snn_i32 @idx@ = @which@;\n"
    "@index@@loads@@code@@stores@"
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
 * condition and p, then _a->push(i, j) for each synapse (@push@). */
const char emit_tmpl_connect[] =
    "@prologue@@line@"
    "    for (snn_i32 _i = 0; _i < _a->n_pre; _i++) {\n"
    "@head@@loads@@tests@@push@"
    "        }\n"
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
