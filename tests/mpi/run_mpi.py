#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""MPI ranks give the outputs of one process, byte for byte.

Each model of tests/mpi runs once as a plain process (no mpirun, so no
MPI) and then under `mpirun --oversubscribe -np K` for K = 1..4; every file
of the output directory (spikes, state monitors, rate monitors, the final
state of every group with --save-state, run.json) must be identical.  CUBA
at 4000 neurons also runs with 2 and 3 ranks of 2 threads each (the groups
are large enough for the threads to split them), and a model whose
synapses read presynaptic variables must be refused with a clear error.
Each rank holds only the synapses onto its own neurons, numbered as in the
whole network (synvars.snn checks what depends on those numbers), and what
needs another rank's synapses is refused (refused_*.snn).  With delays of
D steps or more the ranks exchange spikes once every D steps (mindelay,
delays2, tworuns); with a zero delay every step: --timing gives the number
of exchanges.  The models are small so that the whole test takes a minute
or two.

usage: run_mpi.py SNNC MPIRUN
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = ["cuba", "cobahh", "stdp", "hetero", "zero", "synvars", "mindelay", "delays2", "tworuns"]
# the spike exchanges of each rank with --timing: zero delays, every step
# (1000 steps, one group with a threshold); a smallest delay of 15 steps
# over 1000 steps; 5 steps (1000 steps); 10 steps for 200 steps, then 20
# for 400 at half the dt
EXCHANGES = {"zero": 1000, "mindelay": 67, "delays2": 200, "tworuns": 40}
# CUBA's delays of 1 ms instead of 0: once every 10 of its 2000 steps
DELAY = ["--set", "syn_delay=1*ms"]
# the heterogeneous-delay network with a spike generator of 3 neurons onto
# 4: with 4 ranks one rank owns no generator neuron
EXTRA = [os.path.join(HERE, "..", "networks", "delay_hetero.snn")]
# CUBA at 4000 neurons: 2000 per rank, so 2 threads split each rank's part
BIG_CUBA = ["--set", "N_neurons=4000", "--set", "Ne=3200", "--set", "p_conn=0.02"]

failures = 0
checks = 0


def plain_env():
    """The environment without the variables mpirun sets (snnc would use MPI)."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("OMPI_COMM_WORLD", "PMI_", "PMIX_"))}


def mpi_env():
    env = dict(os.environ)
    env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
    env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    # no network interfaces needed: the ranks share this machine
    env.setdefault("OMPI_MCA_btl", "self,vader")
    return env


def run(cmd, env):
    return subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)


def files_of(d):
    out = {}
    for root, _, names in os.walk(d):
        for n in names:
            p = os.path.join(root, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, d)] = f.read()
    return out


def check(ok, what):
    global failures, checks
    checks += 1
    what = " | ".join(what.splitlines())      # one TAP line
    print(("ok %d - " if ok else "not ok %d - ") % checks + what, flush=True)
    if not ok:
        failures += 1


def compare(ref, got, what):
    a, b = files_of(ref), files_of(got)
    if not a:
        check(False, what + ": the one-process run wrote nothing")
        return
    if sorted(a) != sorted(b):
        check(False, "%s: files differ: %s vs %s" % (what, sorted(a), sorted(b)))
        return
    bad = [n for n in a if a[n] != b[n]]
    check(not bad, what + (": differ in " + ", ".join(bad) if bad else " (%d files)" % len(a)))


def main():
    snnc, mpirun = os.path.abspath(sys.argv[1]), sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="snnc-mpi-")
    try:
        cases = [(m, os.path.join(HERE, m + ".snn"), []) for m in MODELS]
        cases += [(os.path.basename(p)[:-4], p, []) for p in EXTRA]
        cases += [("cuba-delay", os.path.join(HERE, "cuba.snn"), DELAY)]
        for name, path, extra in cases:
            ref = os.path.join(tmp, name + "-ref")
            r = run([snnc, "run", path, "-o", ref, "-q", "--save-state", "--native=off"] + extra, plain_env())
            check(r.returncode == 0, "%s: one process (%s)" % (name, r.stderr.strip()[-300:]))
            for np_ in (1, 2, 3, 4):
                out = os.path.join(tmp, "%s-np%d" % (name, np_))
                # one case with the optimising tier, which ranks may take at different steps
                native = "--native=background" if (name == "cuba" and np_ == 3) else "--native=off"
                r = run([mpirun, "--oversubscribe", "-np", str(np_), snnc, "run", path, "-o", out, "-q",
                         "--save-state", native] + extra, mpi_env())
                if r.returncode != 0:
                    check(False, "%s: %d ranks exit %d: %s" % (name, np_, r.returncode, r.stderr.strip()[-500:]))
                    continue
                compare(ref, out, "%s: %d ranks" % (name, np_))

        # how often the ranks exchange spikes
        for name, want, extra in sorted((m, n, []) for m, n in EXCHANGES.items()) + [("cuba", 200, DELAY)]:
            out = os.path.join(tmp, name + "-timing")
            r = run([mpirun, "--oversubscribe", "-np", "2", snnc, "run", os.path.join(HERE, name + ".snn"), "-o", out,
                     "-q", "--native=off", "--timing"] + extra, mpi_env())
            got = [line for line in r.stderr.splitlines() if "spike exchanges" in line]
            check(r.returncode == 0 and len(got) == 2 and
                  all(": %d spike exchanges," % want in line for line in got),
                  "%s: %d spike exchanges per rank: %s" % (name, want, " / ".join(got) or r.stderr.strip()[-300:]))

        # --progress on rank 0: its run goes in one piece as the others' do
        ref = os.path.join(tmp, "cuba-delay-ref")
        out = os.path.join(tmp, "cuba-progress")
        r = run([mpirun, "--oversubscribe", "-np", "2", snnc, "run", os.path.join(HERE, "cuba.snn"), "-o", out,
                 "--progress", "--save-state", "--native=off"] + DELAY, mpi_env())
        if r.returncode != 0:
            check(False, "cuba --progress: 2 ranks exit %d: %s" % (r.returncode, r.stderr.strip()[-500:]))
        else:
            compare(ref, out, "cuba --progress: 2 ranks")

        # ranks x threads, exchanging every step and every 10 steps
        for name, extra in (("cuba4k", BIG_CUBA), ("cuba4k-delay", BIG_CUBA + DELAY)):
            ref = os.path.join(tmp, name + "-ref")
            r = run([snnc, "run", os.path.join(HERE, "cuba.snn"), "-o", ref, "-q", "--save-state", "--native=off"] +
                    extra, plain_env())
            check(r.returncode == 0, name + ": one process")
            for np_ in (2, 3):
                out = os.path.join(tmp, "%s-np%d-t2" % (name, np_))
                r = run([mpirun, "--oversubscribe", "-np", str(np_), snnc, "run", os.path.join(HERE, "cuba.snn"), "-o",
                         out, "-q", "--save-state", "--native=off", "--threads", "2"] + extra, mpi_env())
                if r.returncode != 0:
                    check(False, "%s: %d ranks x 2 threads exit %d: %s" % (name, np_, r.returncode, r.stderr[-500:]))
                else:
                    compare(ref, out, "%s: %d ranks x 2 threads" % (name, np_))

        # refused: a summed variable that reads v_pre (gap junctions)
        out = os.path.join(tmp, "gap")
        r = run([mpirun, "--oversubscribe", "-np", "2", snnc, "run",
                 os.path.join(HERE, "..", "networks", "gap_summed.snn"), "-o", out, "-q", "--native=off"], mpi_env())
        check(r.returncode != 0 and "S cannot be split over MPI ranks" in r.stderr and "_pre" in r.stderr
              and not os.path.exists(out), "gap junctions refused: exit %d, %s" % (r.returncode, r.stderr.strip()[:300]))

        # refused, since a rank holds only the synapses onto its own
        # neurons: setting synapses by number, synapse code reading N, a
        # store to a file (nothing written, exit 1)
        for model, said in (("refused_number", "cannot be set by synapse number"),
                            ("refused_n", "its code reads N, the number of synapses"),
                            ("refused_store", "cannot store to the file 'stored.bin' with MPI ranks")):
            out = os.path.join(tmp, model)
            r = subprocess.run([mpirun, "--oversubscribe", "-np", "2", snnc, "run", os.path.join(HERE, model + ".snn"),
                                "-o", out, "-q", "--native=off"], env=mpi_env(), cwd=tmp, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, timeout=300)
            check(r.returncode != 0 and said in r.stderr and not os.path.exists(out)
                  and not os.path.exists(os.path.join(tmp, "stored.bin")),
                  "%s refused: exit %d, %s" % (model, r.returncode, r.stderr.strip()[:300]))

        # a value that is not finite on one rank only: the ranks stop together
        nan = os.path.join(HERE, "nan.snn")
        ref = os.path.join(tmp, "nan-ref")
        r = run([snnc, "run", nan, "-o", ref, "-q", "--native=off"], plain_env())
        check(r.returncode == 0 and "1 of 100 neurons" in r.stderr, "nan: one process warns: " + r.stderr.strip())
        out = os.path.join(tmp, "nan-np2")
        r = run([mpirun, "--oversubscribe", "-np", "2", snnc, "run", nan, "-o", out, "-q", "--native=off"], mpi_env())
        check(r.returncode == 0 and "1 of the 50 neurons of MPI rank 1 (of 100)" in r.stderr,
              "nan: 2 ranks warn for rank 1's neurons: " + r.stderr.strip()[:300])
        if r.returncode == 0:
            compare(ref, out, "nan: 2 ranks")
        out = os.path.join(tmp, "nan-np3-check")
        r = run([mpirun, "--oversubscribe", "-np", "3", snnc, "run", nan, "-o", out, "-q", "--native=off",
                 "--check-finite"], mpi_env())
        check(r.returncode != 0 and "at t = 0.6 ms, where the run stopped" in r.stderr and
              "1 of the 34 neurons of MPI rank 2 (of 100)" in r.stderr and not os.path.exists(out),
              "nan: --check-finite stops 3 ranks at one step: exit %d, %s" % (r.returncode, r.stderr.strip()[:300]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % checks)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
