/* SPDX-License-Identifier: MIT */
/* This file emits the cable solver of a spatialneurons group: one static C
 * function, called at the end of the group's state update, that advances the
 * membrane potential of every compartment by one implicit (backward Euler)
 * step of the cable equation, as Brian2 2.5's spatialstateupdate template
 * does it, operation for operation: a tridiagonal solve per section for the
 * particular solution and the two homogeneous ones, the small coupling
 * system between sections (one unknown per branch point, solved by Gaussian
 * elimination along the tree), and their combination; then Ic.  The section
 * tree is fixed when the model is compiled, so it is written into the code
 * as constant arrays, and the solver's work arrays are static arrays of the
 * generated unit. */
#include "emit_cable.h"

#include <stdio.h>

#include "model.h"
#include "morphology.h"

static void int_array(Buf *b, const char *name, const int *v, int n)
{
    buf_printf(b, "    static const snn_i32 %s[%d] = {", name, n);
    for (int k = 0; k < n; k++) buf_printf(b, "%s%d", k ? ", " : "", v[k]);
    buf_puts(b, "};\n");
}

/* The solver's text: @-free C with the group's sizes and variable columns
 * printed in.  Steps as in Brian2's template: the matrix (its before_code,
 * recomputed when Cm or the geometry differ from the last step's, as they
 * may between runs), then steps 1-4. */
static const char cable_body[] =
    "    const double dt = _a->dt, _Ri = _RI;\n"
    "    double *const v = _a->v[_V], *const Cm = _a->v[_CM], *const area = _a->v[_AREA];\n"
    "    double *const r_length_1 = _a->v[_R1], *const r_length_2 = _a->v[_R2];\n"
    "    double *const _gtot = _a->v[_GTOT], *const _I0 = _a->v[_I0V], *const Ic = _a->v[_IC];\n"
    /* the matrix: again only when Cm or the geometry changed (between runs) */
    "    snn_i32 _same = _ready;\n"
    "    for (snn_i32 _i = 0; _i < N && _same; _i++)\n"
    "        _same = Cm[_i] == _kcm[_i] && area[_i] == _karea[_i] && r_length_1[_i] == _kr1[_i] && r_length_2[_i] == _kr2[_i];\n"
    "    if (!_same) {\n"
    "    for (snn_i32 _i = 0; _i < N; _i++) _kcm[_i] = Cm[_i], _karea[_i] = area[_i], _kr1[_i] = r_length_1[_i], _kr2[_i] = r_length_2[_i];\n"
    "    _ready = 1;\n"
    "    for (snn_i32 _i = 1; _i < N; _i++) _invr[_i] = 1.0/(_Ri*(1/r_length_2[_i-1] + 1/r_length_1[_i]));\n"
    "    for (snn_i32 _i = 0; _i < NS; _i++) _invr[_starts[_i]] = 0;\n"
    "    for (snn_i32 _i = 0; _i < N; _i++) _ab1[_i] = (-(Cm[_i] / dt) - _invr[_i] / area[_i]);\n"
    "    for (snn_i32 _i = 1; _i < N; _i++) {\n"
    "        _ab0[_i] = _invr[_i] / area[_i-1];\n"
    "        _ab2[_i-1] = _invr[_i] / area[_i];\n"
    "        _ab1[_i-1] -= _invr[_i] / area[_i-1];\n"
    "    }\n"
    "    for (snn_i32 _k = 0; _k < NS; _k++) {\n"
    "        const snn_i32 _first = _starts[_k], _last = _ends[_k] - 1;\n"
    "        const double _r0 = r_length_1[_first]/_Ri, _rn = r_length_2[_last]/_Ri;\n"
    "        _invr0[_k] = _r0;\n"
    "        _invrn[_k] = _rn;\n"
    "        _ab1[_first] -= (_r0 / area[_first]);\n"
    "        _ab1[_last] -= (_rn / area[_last]);\n"
    "        _bp[_last] = -(_rn / area[_last]);\n"
    "        _bm[_first] = -(_r0 / area[_first]);\n"
    "    }\n"
    "    }\n"
    "    for (snn_i32 _i = 0; _i < N; _i++) _vprev[_i] = v[_i];\n"
    /* step 2: three tridiagonal systems per section */
    "    for (snn_i32 _k = 0; _k < NS; _k++) {\n"
    "        const snn_i32 _js = _starts[_k], _je = _ends[_k];\n"
    "        double _ai, _bi, _m;\n"
    "        for (snn_i32 _j = _js; _j < _je; _j++) {\n"
    "            _vs[_j] = -(Cm[_j]/dt*v[_j]) - _I0[_j];\n"
    "            _up[_j] = _bp[_j];\n"
    "            _um[_j] = _bm[_j];\n"
    "            _bi = _ab1[_j] - _gtot[_j];\n"
    "            if (_j < N-1) _c[_j] = _ab0[_j+1];\n"
    "            if (_j > 0) {\n"
    "                _ai = _ab2[_j-1];\n"
    "                _m = 1.0/(_bi - _ai*_c[_j-1]);\n"
    "                _c[_j] = _c[_j]*_m;\n"
    "                _vs[_j] = (_vs[_j] - _ai*_vs[_j-1])*_m;\n"
    "                _up[_j] = (_up[_j] - _ai*_up[_j-1])*_m;\n"
    "                _um[_j] = (_um[_j] - _ai*_um[_j-1])*_m;\n"
    "            } else {\n"
    "                _c[0] = _c[0]/_bi;\n"
    "                _vs[0] = _vs[0]/_bi;\n"
    "                _up[0] = _up[0]/_bi;\n"
    "                _um[0] = _um[0]/_bi;\n"
    "            }\n"
    "        }\n"
    "        for (snn_i32 _j = _je - 2; _j >= _js; _j--) {\n"
    "            _vs[_j] = _vs[_j] - _c[_j]*_vs[_j+1];\n"
    "            _up[_j] = _up[_j] - _c[_j]*_up[_j+1];\n"
    "            _um[_j] = _um[_j] - _c[_j]*_um[_j+1];\n"
    "        }\n"
    "    }\n"
    /* step 3a: the coupling system */
    "    for (snn_i32 _k = 0; _k < NS; _k++) {\n"
    "        const snn_i32 _ip = _parent_i[_k], _ic = _idxchild[_k];\n"
    "        const snn_i32 _first = _starts[_k], _last = _ends[_k] - 1;\n"
    "        const double _r0 = _invr0[_k], _rn = _invrn[_k];\n"
    "        if (_k == 0) {\n"
    "            _Pdiag[0] = _um[_first] - 1;\n"
    "            _Pchild[0] = _up[_first];\n"
    "            _B[0] = -_vs[_first];\n"
    "        } else {\n"
    "            _Pdiag[_ip] += (1 - _um[_first]) * _r0;\n"
    "            _Pchild[MC * _ip + _ic] = -_up[_first] * _r0;\n"
    "            _B[_ip] += _vs[_first] * _r0;\n"
    "        }\n"
    "        _Pdiag[_k+1] = (1 - _up[_last]) * _rn;\n"
    "        _Pparent[_k] = -_um[_last] * _rn;\n"
    "        _B[_k+1] = _vs[_last] * _rn;\n"
    "    }\n"
    /* step 3b: elimination along the tree, then substitution */
    "    for (snn_i32 _i = NS; _i >= 0; _i--) {\n"
    "        const snn_i32 _nc = _children_num[_i];\n"
    "        for (snn_i32 _k = 0; _k < _nc; _k++) {\n"
    "            const snn_i32 _j = _children[MC * _i + _k];\n"
    "            const double _subfac = _Pchild[MC * _i + _k] / _Pdiag[_j];\n"
    "            _Pdiag[_i] = _Pdiag[_i] - _subfac * _Pparent[_j-1];\n"
    "            _B[_i] = _B[_i] - _subfac * _B[_j];\n"
    "        }\n"
    "    }\n"
    "    _B[0] = _B[0] / _Pdiag[0];\n"
    "    for (snn_i32 _i = 1; _i <= NS; _i++) {\n"
    "        const snn_i32 _j = _parent_i[_i-1];\n"
    "        _B[_i] = _B[_i] - _Pparent[_i-1] * _B[_j];\n"
    "        _B[_i] = _B[_i] / _Pdiag[_i];\n"
    "    }\n"
    /* step 4: each section's solution, then the capacitive current */
    "    for (snn_i32 _k = 0; _k < NS; _k++) {\n"
    "        const snn_i32 _ip = _parent_i[_k];\n"
    "        for (snn_i32 _j = _starts[_k]; _j < _ends[_k]; _j++)\n"
    "            v[_j] = _vs[_j] + _B[_ip] * _um[_j] + _B[_k+1] * _up[_j];\n"
    "    }\n"
    "    for (snn_i32 _i = 0; _i < N; _i++) Ic[_i] = Cm[_i]*(v[_i] - _vprev[_i])/dt;\n";

void emit_cable(Buf *b, const Group *g, const char *fn)
{
    const Cable *c = g->cable;
    int N = c->n, NS = c->nsec, MC = c->maxchild;
    buf_printf(b, "\n/* the cable equation of %d compartments in %d sections, solved implicitly */\n", N, NS);
    buf_printf(b, "static void %s(const snn_args *_a)\n{\n", fn);
    buf_printf(b, "    enum { N = %d, NS = %d, MC = %d };\n", N, NS, MC);
    buf_printf(b, "    enum { _V = %d, _CM = %d, _AREA = %d, _R1 = %d, _R2 = %d, _GTOT = %d, _I0V = %d, _IC = %d };\n",
               c->v->var_index, c->Cm->var_index, c->area_var->var_index, c->r1_var->var_index,
               c->r2_var->var_index, c->gtot->var_index, c->I0->var_index, c->Ic->var_index);
    char ri[40];
    snprintf(ri, sizeof ri, "%.17g", c->Ri);
    buf_printf(b, "#define _RI %s\n", ri);
    int_array(b, "_starts", c->starts, NS);
    int_array(b, "_ends", c->ends, NS);
    int_array(b, "_parent_i", c->parent_i, NS);
    int_array(b, "_idxchild", c->idxchild, NS);
    int_array(b, "_children_num", c->children_num, NS + 1);
    int_array(b, "_children", c->children, (NS + 1) * MC);
    buf_printf(b, "    static double _invr[%d], _ab0[%d], _ab1[%d], _ab2[%d], _bp[%d], _bm[%d];\n", N, N, N, N, N, N);
    buf_printf(b, "    static double _vs[%d], _up[%d], _um[%d], _c[%d], _vprev[%d];\n", N, N, N, N, N);
    buf_printf(b, "    static double _kcm[%d], _karea[%d], _kr1[%d], _kr2[%d];\n    static snn_i32 _ready;\n", N, N, N, N);
    buf_printf(b, "    static double _invr0[%d], _invrn[%d], _Pparent[%d], _Pdiag[%d], _B[%d], _Pchild[%d];\n", NS, NS,
               NS, NS + 1, NS + 1, (NS + 1) * MC);
    buf_puts(b, cable_body);
    buf_puts(b, "#undef _RI\n}\n");
}
