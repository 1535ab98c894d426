/* The memory floor of CUBA's neuron update, hand-written: what one core of
 * this machine can do for the update snnc generates for CUBA at N neurons,
 * and for leaner layouts snnc does not use, so that update_bound.py can say
 * how near the generated loop is to the machine's limit and what each layout
 * would give.
 *
 * Every variant integrates the model of tests/bench/bench_models.py's CUBA
 * without synapses (exact integration, threshold v > Vt, reset v = Vr,
 * refractory 5 ms) with its rest potential below threshold (El = -60 mV, as
 * update_bound.py's quiet network has it), so that, as in the recurrent
 * network where some 36 of 64000 neurons spike in a step, the time is the
 * update's; blocks of 256 neurons with the threshold fused into the update,
 * as the generated code does:
 *   snnc     the state as snnc stores it: v, ge, gi, lastspike and
 *            not_refractory as doubles; lastspike read every step;
 *   flag8    not_refractory as a byte;
 *   flag8ls  not_refractory as a byte, and lastspike read only for a neuron
 *            that was refractory the step before;
 *   bare     v, ge and gi only, no refractoriness: the fewest bytes the
 *            model's three state variables need.
 * Build: cc -O3 -march=native -ffp-contract=off -fno-math-errno
 * -fno-trapping-math (the optimising tier's flags, runtime/jit.c).  Usage: update_kernel N STEPS REPEATS; prints for each variant the
 * median CPU nanoseconds per neuron and step, and its spike count (which
 * must be the same for snnc, flag8 and flag8ls). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <time.h>

#define BLOCK 256

static const double dt = 1e-4, taum = 20e-3, taue = 5e-3, taui = 10e-3;
static const double El = -60e-3, Vt = -50e-3, Vr = -60e-3, refractory = 5e-3;

typedef struct {
    double *v, *ge, *gi, *ls, *nr;
    uint8_t *nr8;
    int32_t *out;
    int n;
    double a1, a2, a3, a8, a9, a10, r0;
} State;

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Initial state: v uniform in [Vr, Vt) from a fixed linear congruential
 * sequence, ge = gi = 0, never spiked. */
static void reset_state(State *s)
{
    uint64_t x = 12345;
    for (int i = 0; i < s->n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        s->v[i] = Vr + (double)(x >> 11) / 9007199254740992.0 * (Vt - Vr);
        s->ge[i] = s->gi[i] = 0;
        s->ls[i] = -1e4;
        s->nr[i] = 1;
        s->nr8[i] = 1;
    }
}

/* One update with refractoriness: the not_refractory flags of type FLAG in
 * the array s->FIELD, each computed by FREE (of nr[i], ls[i], t and r0). */
#define STEP_REFRACTORY(NAME, FLAG, FIELD, FREE)                                                            \
    static int NAME(State *restrict s, double t)                                                            \
    {                                                                                                       \
        double *restrict v = s->v, *restrict ge = s->ge, *restrict gi = s->gi, *restrict ls = s->ls;         \
        FLAG *restrict nr = s->FIELD;                                                                       \
        const double a1 = s->a1, a2 = s->a2, a3 = s->a3, a8 = s->a8, a9 = s->a9, a10 = s->a10, r0 = s->r0;  \
        int n = 0, c[BLOCK];                                                                                \
        for (int b = 0; b < s->n; b += BLOCK) {                                                             \
            int e = s->n - b < BLOCK ? s->n - b : BLOCK, any = 0;                                           \
            for (int k = 0; k < e; k++) {                                                                   \
                int i = b + k;                                                                              \
                double vv = v[i], g1 = ge[i], g2 = gi[i];                                                   \
                FLAG f = FREE;                                                                              \
                double tv = vv * a1 + g1 * a2 + g2 * a3 + a8;                                               \
                vv = f ? tv : vv;                                                                           \
                nr[i] = f;                                                                                  \
                v[i] = vv;                                                                                  \
                ge[i] = g1 * a9;                                                                            \
                gi[i] = g2 * a10;                                                                           \
                c[k] = (vv > Vt) & (f != 0);                                                                \
                any |= c[k];                                                                                \
            }                                                                                               \
            if (!any) continue;                                                                             \
            for (int k = 0; k < e; k++)                                                                     \
                if (c[k]) { int i = b + k; s->out[n++] = i; nr[i] = 0; ls[i] = t; v[i] = Vr; }               \
        }                                                                                                   \
        return n;                                                                                           \
    }

STEP_REFRACTORY(step_snnc, double, nr, (double)((t - ls[i]) >= r0))
STEP_REFRACTORY(step_flag8, uint8_t, nr8, (t - ls[i]) >= r0)
/* once free, a neuron stays free until it spikes: t only grows */
STEP_REFRACTORY(step_flag8ls, uint8_t, nr8, nr[i] ? 1 : (t - ls[i]) >= r0)

static int step_bare(State *restrict s, double t)
{
    (void)t;
    double *restrict v = s->v, *restrict ge = s->ge, *restrict gi = s->gi;
    const double a1 = s->a1, a2 = s->a2, a3 = s->a3, a8 = s->a8, a9 = s->a9, a10 = s->a10, r0 = s->r0;
    int n = 0, c[BLOCK];
    (void)r0;
    for (int b = 0; b < s->n; b += BLOCK) {
        int e = s->n - b < BLOCK ? s->n - b : BLOCK, any = 0;
        for (int k = 0; k < e; k++) {
            int i = b + k;
            double vv = v[i], g1 = ge[i], g2 = gi[i];
            vv = vv * a1 + g1 * a2 + g2 * a3 + a8;
            v[i] = vv;
            ge[i] = g1 * a9;
            gi[i] = g2 * a10;
            c[k] = vv > Vt;
            any |= c[k];
        }
        if (!any) continue;
        for (int k = 0; k < e; k++)
            if (c[k]) { int i = b + k; s->out[n++] = i; v[i] = Vr; }
    }
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void *aligned(size_t bytes)
{
    void *p = aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (!p) { fprintf(stderr, "update_kernel: out of memory\n"); exit(1); }
    return p;
}

int main(int argc, char **argv)
{
    if (argc != 4) { fprintf(stderr, "usage: update_kernel N STEPS REPEATS\n"); return 2; }
    int n = atoi(argv[1]), steps = atoi(argv[2]), reps = atoi(argv[3]);
    if (n <= 0 || steps <= 0 || reps <= 0 || reps > 99) { fprintf(stderr, "update_kernel: bad arguments\n"); return 2; }
    State s = {.n = n};
    s.v = aligned(n * sizeof(double)); s.ge = aligned(n * sizeof(double)); s.gi = aligned(n * sizeof(double));
    s.ls = aligned(n * sizeof(double)); s.nr = aligned(n * sizeof(double)); s.nr8 = aligned(n);
    s.out = aligned(n * sizeof(int32_t));
    /* exact integration of the linear system, as snnc's 'exact' method gives it */
    double em = exp(-dt / taum), ee = exp(-dt / taue), ei = exp(-dt / taui);
    s.a1 = em;
    s.a2 = (ee - em) / (taum * (1 / taum - 1 / taue));
    s.a3 = (ei - em) / (taum * (1 / taum - 1 / taui));
    s.a8 = El - El * em;
    s.a9 = ee; s.a10 = ei;
    s.r0 = floor((refractory + 0.001 * dt) / dt) * dt - 0.001 * dt;
    static const struct { const char *name; int (*step)(State *, double); } variants[] = {
        {"snnc", step_snnc}, {"flag8", step_flag8}, {"flag8ls", step_flag8ls}, {"bare", step_bare},
    };
    for (size_t k = 0; k < sizeof variants / sizeof *variants; k++) {
        double ns[99];
        long spikes = 0;
        for (int r = 0; r < reps; r++) {
            reset_state(&s);
            spikes = 0;
            double t0 = cpu_seconds();
            for (int q = 0; q < steps; q++) spikes += variants[k].step(&s, q * dt);
            ns[r] = (cpu_seconds() - t0) * 1e9 / ((double)n * steps);
        }
        qsort(ns, reps, sizeof *ns, cmp_double);
        printf("%s %.4f %ld\n", variants[k].name, ns[reps / 2], spikes);
    }
    return 0;
}
