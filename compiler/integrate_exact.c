/* SPDX-License-Identifier: MIT */
/* This file contains the exact integration of linear systems of equations
 * (Brian2's "exact"/"linear" state updater): triangular systems solved in
 * closed form, coupled systems with constant coefficients by a numeric
 * matrix exponential (integrate_expm), both as IR statements. */
#include "integrate_int.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Exact integration of linear systems                                       */
/* ------------------------------------------------------------------------ */

/* Numeric value of e with constants folded and dt = the model's step. */
static bool dt_lookup(void *ctx, const Node *n, double *out)
{
    Model *M = ctx;
    if (n->kind == N_NAME && n->sym && n->sym->kind == SYM_BUILTIN && n->sym->builtin == B_DT &&
        M->dt > 0) {
        *out = M->dt;
        return true;
    }
    return false;
}

static bool fold(Sys *S, const Node *e, double *v)
{
    if (!e) { *v = 0; return true; }
    return sym_eval(e, dt_lookup, S->M, v);
}

/* Are two diagonal entries equal (structurally, or as folded numbers)? */
static bool same_rate(Sys *S, const Node *a, const Node *b)
{
    double x, y;
    if (sym_equal(a, b)) return true;
    return fold(S, a, &x) && fold(S, b, &y) && x == y;
}

/* Dense linear algebra on small matrices. */
static void matmul(int n, const double *a, const double *b, double *c)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
            c[i * n + j] = s;
        }
}

bool integrate_expm(int n, const double *A, double *out)
{
    if (n < 1 || n > MAX_EXPM) return false;
    double norm = 0;
    for (int i = 0; i < n; i++) {
        double r = 0;
        for (int j = 0; j < n; j++) r += fabs(A[i * n + j]);
        if (r > norm) norm = r;
    }
    if (!isfinite(norm)) return false;
    int s = 0;
    while (norm > 0.125 && s < 60) { norm /= 2; s++; }
    double scale = ldexp(1.0, -s);
    double X[MAX_EXPM * MAX_EXPM], T[MAX_EXPM * MAX_EXPM], R[MAX_EXPM * MAX_EXPM],
        W[MAX_EXPM * MAX_EXPM];
    for (int k = 0; k < n * n; k++) {
        X[k] = A[k] * scale;
        R[k] = T[k] = 0;
    }
    for (int i = 0; i < n; i++) R[i * n + i] = T[i * n + i] = 1;
    /* Taylor series: with |X| <= 1/8, 30 terms are far past convergence */
    for (int m = 1; m <= 30; m++) {
        matmul(n, T, X, W);
        double tn = 0;
        for (int k = 0; k < n * n; k++) {
            T[k] = W[k] / m;
            R[k] += T[k];
            tn += fabs(T[k]);
        }
        if (tn < 1e-18) break;
    }
    for (int k = 0; k < s; k++) {
        matmul(n, R, R, W);
        memcpy(R, W, sizeof(double) * (size_t)(n * n));
    }
    memcpy(out, R, sizeof(double) * (size_t)(n * n));
    return true;
}

/* Invert an n x n matrix by Gauss-Jordan with partial pivoting; false if
 * it is (numerically) singular. */
static bool matinv(int n, const double *a, double *inv)
{
    double m[MAX_EXPM * 2 * MAX_EXPM];
    int w = 2 * n;
    double scale = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            m[i * w + j] = a[i * n + j];
            m[i * w + n + j] = i == j;
            if (fabs(a[i * n + j]) > scale) scale = fabs(a[i * n + j]);
        }
    if (scale == 0) return false;
    for (int c = 0; c < n; c++) {
        int p = c;
        for (int r = c + 1; r < n; r++)
            if (fabs(m[r * w + c]) > fabs(m[p * w + c])) p = r;
        if (fabs(m[p * w + c]) <= 1e-13 * scale) return false;
        if (p != c)
            for (int j = 0; j < w; j++) {
                double t = m[c * w + j];
                m[c * w + j] = m[p * w + j];
                m[p * w + j] = t;
            }
        double d = m[c * w + c];
        for (int j = 0; j < w; j++) m[c * w + j] /= d;
        for (int r = 0; r < n; r++) {
            if (r == c || m[r * w + c] == 0) continue;
            double f = m[r * w + c];
            for (int j = 0; j < w; j++) m[r * w + j] -= f * m[c * w + j];
        }
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) inv[i * n + j] = m[i * w + n + j];
    return true;
}

/* The linear system dX/dt = Mx*X + Bv (NULL entries are zeros). */
typedef struct LinSys {
    Node **Mx;      /* n*n */
    Node **Bv;      /* n */
} LinSys;

#define MX(L, i, j) ((L)->Mx[(i) * S->n + (j)])

/* Topological order for an upper-triangular system: every variable comes
 * before the variables its equation reads.  False if there is a cycle. */
static bool triangular_order(Sys *S, LinSys *L, int *order)
{
    int n = S->n;
    int *state = arena_alloc(S->M->arena, sizeof *state * (size_t)n);   /* 0 new, 1 open, 2 done */
    int *post = arena_alloc(S->M->arena, sizeof *post * (size_t)n);
    int np = 0;
    /* iterative DFS would be overkill: n is small */
    for (int pass = 0; pass < n; pass++) {
        bool progress = false;
        for (int i = 0; i < n; i++) {
            if (state[i] == 2) continue;
            bool ready = true;
            for (int j = 0; j < n; j++)
                if (j != i && MX(L, i, j) && state[j] != 2) ready = false;
            if (ready) {
                state[i] = 2;
                post[np++] = i;
                progress = true;
            }
        }
        if (!progress) break;
    }
    if (np < n) return false;
    /* post lists leaves first; reverse it so readers come before the read */
    for (int k = 0; k < n; k++) order[k] = post[n - 1 - k];
    return true;
}

/* exp(Mx*dt) of an upper-triangular (after permutation) system, symbolic:
 * Parlett's recurrence for distinct rates, exp(l*dt)*sum (N dt)^k/k! when
 * all rates are equal.  F is n*n in the original indexing (NULL = 0). */
static bool triangular_expm(Sys *S, LinSys *L, const int *p, Node **F)
{
    Model *M = S->M;
    int n = S->n;
    for (int i = 0; i < n; i++)
        F[p[i] * n + p[i]] = sym_call1(M, FN_EXP, sym_mul(M, MX(L, p[i], p[i]), sys_dt(S)));
    bool repeated = false;
    for (int d = 1; d < n && !repeated; d++)
        for (int i = 0; i + d < n; i++) {
            int a = p[i], b = p[i + d];
            Node *num_ = MX(L, a, b) ? sym_mul(M, MX(L, a, b), sym_sub(M, F[b * n + b], F[a * n + a]))
                                     : NULL;
            for (int k = i + 1; k < i + d; k++) {
                int c = p[k];
                /* from F*Mx = Mx*F: + Mx_ac*F_cb - F_ac*Mx_cb */
                if (MX(L, a, c) && F[c * n + b]) num_ = sys_zadd(M, num_, sym_mul(M, MX(L, a, c), F[c * n + b]));
                if (F[a * n + c] && MX(L, c, b)) {
                    Node *t = sym_mul(M, F[a * n + c], MX(L, c, b));
                    num_ = num_ ? sym_sub(M, num_, t) : sym_neg(M, t);
                }
            }
            if (!num_) { F[a * n + b] = NULL; continue; }
            if (same_rate(S, MX(L, a, a), MX(L, b, b))) { repeated = true; break; }
            F[a * n + b] = sym_div(M, num_, sym_sub(M, MX(L, b, b), MX(L, a, a)));
        }
    if (!repeated) return true;
    /* all rates equal: exp(l*dt) * (I + N*dt + (N*dt)^2/2 + ...) */
    for (int i = 1; i < n; i++)
        if (!same_rate(S, MX(L, p[0], p[0]), MX(L, p[i], p[i]))) return false;
    Node *E = sym_call1(M, FN_EXP, sym_mul(M, MX(L, p[0], p[0]), sys_dt(S)));
    Node **P = arena_alloc(M->arena, sizeof *P * (size_t)(n * n));   /* (N*dt)^k/k! */
    Node **Sum = arena_alloc(M->arena, sizeof *Sum * (size_t)(n * n));
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            P[i * n + j] = i != j && MX(L, i, j) ? sym_mul(M, MX(L, i, j), sys_dt(S)) : NULL;
            Sum[i * n + j] = P[i * n + j];
        }
    Node **Q = arena_alloc(M->arena, sizeof *Q * (size_t)(n * n));
    for (int k = 2; k < n; k++) {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                Node *s = NULL;
                for (int c = 0; c < n; c++)
                    if (P[i * n + c] && c != j && MX(L, c, j) && c != i)
                        s = sys_zadd(M, s, sym_mul(M, P[i * n + c], sym_mul(M, MX(L, c, j), sys_dt(S))));
                Q[i * n + j] = s ? sym_div(M, s, sys_num(S, k)) : NULL;
            }
        for (int t = 0; t < n * n; t++) {
            P[t] = Q[t];
            Sum[t] = sys_zadd(M, Sum[t], P[t]);
        }
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            F[i * n + j] = i == j ? E : Sum[i * n + j] ? sym_mul(M, Sum[i * n + j], E) : NULL;
    return true;
}

/* Symbolic route: X_new = F*X + (F*b - b) with Mx*b = Bv, as Brian2. */
static bool exact_triangular(Sys *S, LinSys *L, const int *p, Node **res)
{
    Model *M = S->M;
    int n = S->n;
    Node **F = arena_alloc(M->arena, sizeof *F * (size_t)(n * n));
    if (!triangular_expm(S, L, p, F)) return false;
    /* b solves Mx*b = Bv (Brian2's; the fixed point is -b), by back
     * substitution from the last variable of the order */
    Node **b = arena_alloc(M->arena, sizeof *b * (size_t)n);
    for (int k = n - 1; k >= 0; k--) {
        int i = p[k];
        Node *s = L->Bv[i];
        for (int m = k + 1; m < n; m++) {
            int j = p[m];
            if (MX(L, i, j) && b[j]) {
                Node *t = sym_mul(M, MX(L, i, j), b[j]);
                s = s ? sym_sub(M, s, t) : sym_neg(M, t);
            }
        }
        b[i] = s ? sym_div(M, s, MX(L, i, i)) : NULL;
    }
    for (int i = 0; i < n; i++) {
        Node *r = NULL, *c = NULL;
        for (int j = 0; j < n; j++) {
            if (!F[i * n + j]) continue;
            r = sys_zadd(M, r, sym_mul(M, sys_name(S, S->x[j]), F[i * n + j]));
            if (b[j]) c = sys_zadd(M, c, sym_mul(M, b[j], F[i * n + j]));
        }
        if (b[i]) c = c ? sym_sub(M, c, b[i]) : sym_neg(M, b[i]);
        res[i] = c ? sym_add(M, r, c) : r;
    }
    return true;
}

/* Numeric route for coupled systems whose matrix folds to numbers:
 * X_new = F*X + K*B with F = exp(Mx*dt), K = (F - I)*Mx^-1. */
static bool exact_numeric(Sys *S, LinSys *L, Node **res)
{
    Model *M = S->M;
    int n = S->n;
    if (n > MAX_EXPM)
        return sys_fail(S, S->x[0], "the coupled linear system is too large (%d > %d variables)", n,
                    MAX_EXPM);
    if (!(S->dtn->kind == N_NAME && S->dtn->sym && S->dtn->sym->builtin == B_DT) || M->dt <= 0)
        return sys_fail(S, S->x[0], "the variables are coupled in both directions, which needs the "
                    "numeric value of the time step");
    double A[MAX_EXPM * MAX_EXPM], T[MAX_EXPM * MAX_EXPM], F[MAX_EXPM * MAX_EXPM],
        Inv[MAX_EXPM * MAX_EXPM], K[MAX_EXPM * MAX_EXPM];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            Node *e = MX(L, i, j);
            if (!fold(S, e, &A[i * n + j]))
                return sys_fail(S, S->x[i], "the variables %s are coupled in both directions and the "
                            "coefficient '%s' is not a numeric constant", sys_var_list(S, S->rhs[i]),
                            sym_str(M->arena, e));
            T[i * n + j] = A[i * n + j] * M->dt;
        }
    if (!matinv(n, A, Inv))
        return sys_fail(S, S->x[0], "the linear system is singular (it has no unique fixed point)");
    if (!integrate_expm(n, T, F))
        return sys_fail(S, S->x[0], "the matrix exponential could not be computed");
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int k = 0; k < n; k++) s += (F[i * n + k] - (i == k)) * Inv[k * n + j];
            K[i * n + j] = s;
        }
    for (int i = 0; i < n; i++) {
        Node *r = NULL;
        for (int j = 0; j < n; j++) {
            if (F[i * n + j] == 0) continue;
            Node *c = sym_num(M, F[i * n + j], dim_div(S->x[i]->dim, S->x[j]->dim));
            r = sys_zadd(M, r, sym_mul(M, c, sys_name(S, S->x[j])));
        }
        for (int j = 0; j < n; j++) {
            if (!L->Bv[j] || K[i * n + j] == 0) continue;
            Node *c = sym_num(M, K[i * n + j], dim_div(S->x[i]->dim, L->Bv[j]->dim));
            r = sys_zadd(M, r, sym_mul(M, c, L->Bv[j]));
        }
        res[i] = r ? r : sym_num(M, 0, S->x[i]->dim);
    }
    return true;
}

/* Build the linear system and check Brian2's conditions for 'exact'. */
static bool linear_system(Sys *S, LinSys *L)
{
    Model *M = S->M;
    int n = S->n;
    L->Mx = arena_alloc(M->arena, sizeof *L->Mx * (size_t)(n * n));
    L->Bv = arena_alloc(M->arena, sizeof *L->Bv * (size_t)n);
    Node **c = arena_alloc(M->arena, sizeof *c * (size_t)n);
    for (int i = 0; i < n; i++) {
        Node *rest;
        const Node *bad;
        if (!sym_linear(M, S->f[i], S->x, n, c, &rest, &bad))
            return sys_fail(S, S->x[i], "the right-hand side is not linear in %s (it contains %s)",
                        sys_var_list(S, bad), sym_str(M->arena, bad));
        for (int j = 0; j < n; j++) MX(L, i, j) = sys_zero(c[j]) ? NULL : c[j];
        L->Bv[i] = sys_zero(rest) ? NULL : rest;
        for (int j = 0; j <= n; j++) {
            Node *e = j < n ? MX(L, i, j) : L->Bv[i];
            const char *why = NULL;
            if (e && !sym_constant_over_dt(M, e, S->x, n, sys_step(S), &why))
                return sys_fail(S, S->x[i], "the term '%s' is not constant over a time step (%s)",
                            sym_str(M->arena, j < n ? sym_mul(M, e, sys_name(S, S->x[j])) : e), why);
        }
    }
    return true;
}

static bool exact_solve(Sys *S, Node **res)
{
    int n = S->n;
    LinSys L;
    if (!linear_system(S, &L)) return false;
    for (int i = 0; i < n; i++)
        if (sys_refractory_observed(S, i))
            for (int j = 0; j < n; j++)
                if (j != i && L.Mx[j * n + i])
                    return sys_fail(S, S->x[j], "it depends on %s, which is '(unless refractory)'; "
                                "exact integration of such coupled systems is not supported",
                                S->x[i]->name);
    int *p = arena_alloc(S->M->arena, sizeof *p * (size_t)n);
    if (triangular_order(S, &L, p)) {
        for (int i = 0; i < n; i++) {
            double v;
            if (!L.Mx[i * n + i] || (fold(S, L.Mx[i * n + i], &v) && v == 0))
                return sys_fail(S, S->x[i], "the linear system is singular (d%s/dt does not depend on "
                            "%s, so there is no unique fixed point)", S->x[i]->name, S->x[i]->name);
        }
        if (exact_triangular(S, &L, p, res)) return true;
    }
    return exact_numeric(S, &L, res);
}

/* Linear systems with coefficients constant over a step, solved exactly. */
bool integrate_exact(Sys *S)
{
    Node **res = arena_alloc(S->M->arena, sizeof *res * (size_t)(S->n ? S->n : 1));
    if (!exact_solve(S, res)) return false;
    sys_emit_results(S, res);
    return true;
}

