#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""CUBA at 256,000 neurons (p = 80/N, 100 ms) in one process and on 2 MPI
ranks: loop time, CPU time, time in the exchanges, bytes received per step
and peak RSS, with libtcc and the optimising tier, zero delays and 1 ms
(the figures of docs/mpi.md).  Rounds interleaved, medians; the outputs of
1 and 2 ranks must be identical.  The loop of 2 ranks is that of the rank
that finished building last (the other waits for it before the first step).

usage: mpi_cuba256.py SNNC [ROUNDS]   (needs mpirun; run it on idle cores)
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SET = ["--set", "N_neurons=256000", "--set", "Ne=204800", "--set", "p_conn=0.0003125"]


def main():
    snnc = os.path.abspath(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_btl="self,vader")
    plain = {k: v for k, v in env.items() if not k.startswith(("OMPI_COMM_WORLD", "PMI_", "PMIX_"))}
    tmp = tempfile.mkdtemp(prefix="snnc-cuba256-")
    model = os.path.join(tmp, "cuba256k.snn")
    with open(os.path.join(HERE, "..", "mpi", "cuba.snn")) as f:
        text = f.read()
    text = re.sub(r"^statemonitor.*$", "", text, flags=re.M)
    text = re.sub(r"^run .*$", "run 100*ms", text, flags=re.M)
    with open(model, "w") as f:
        f.write(text)

    def run(cmd, e):
        # mpirun now and then drops the last lines of a rank's output (its
        # peak RSS, printed at exit): such a run is made again
        for _ in range(5):
            r = subprocess.run(cmd, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if r.returncode:
                raise SystemExit("failed: %s\n%s" % (" ".join(cmd), r.stderr[-2000:]))
            out = r.stdout + r.stderr
            if cmd[0] != "mpirun" or len(re.findall(r"rss \d+ KB", out)) == 2:
                return out
        raise SystemExit("mpirun lost the ranks' output 5 times: %s" % " ".join(cmd))

    timed = ["/usr/bin/time", "-f", "rss %M KB", snnc, "run", model] + SET
    run(timed + ["-q", "--native=wait", "-o", os.path.join(tmp, "warm")], plain)
    rows = {}
    for _ in range(rounds):
        for native in ("off", "wait"):
            for delay in ("0", "1"):
                extra = ["--set", "syn_delay=%s*ms" % delay, "-q", "--timing", "--native=" + native]
                one, two = os.path.join(tmp, "one"), os.path.join(tmp, "two")
                out = run(timed + extra + ["-o", one], plain)
                t = re.search(r"simulation ([0-9.]+) ms.*CPU time while simulating ([0-9.]+) ms", out)
                rss = max(int(x) for x in re.findall(r"rss (\d+) KB", out))
                rows.setdefault((native, delay, 1), []).append((float(t[1]), float(t[2]), 0, 0, 0, 0, rss))
                out = run(["mpirun", "--oversubscribe", "-np", "2"] + timed + extra + ["-o", two], env)
                ts = re.findall(r"start to first step ([0-9.]+) ms, simulation ([0-9.]+) ms.*CPU time while "
                                r"simulating ([0-9.]+) ms", out)
                ms = re.findall(r"(\d+) spike exchanges, ([0-9.]+) ms in MPI \(([0-9.]+) ms CPU\), \d+ bytes "
                                r"received \(([0-9.]+) per step", out)
                last = max(ts, key=lambda x: float(x[0]))
                rss = max(int(x) for x in re.findall(r"rss (\d+) KB", out))
                rows.setdefault((native, delay, 2), []).append(
                    (float(last[1]), float(last[2]), max(float(m[1]) for m in ms), max(float(m[2]) for m in ms),
                     max(float(m[3]) for m in ms), int(ms[0][0]), rss))
                if subprocess.run(["diff", "-r", one, two], stdout=subprocess.DEVNULL).returncode:
                    raise SystemExit("1 and 2 ranks wrote different outputs (native %s, delay %s ms)" % (native, delay))
    l1, l5, l15 = os.getloadavg()
    print("# CUBA 256k, p = 80/N, 100 ms; %d rounds, medians; load average %.2f %.2f %.2f" % (rounds, l1, l5, l15))
    print("| | delay | loop (wall) | CPU while simulating | in MPI, wall / CPU | exchanges | bytes per step | peak RSS |")
    print("|---|---|---|---|---|---|---|---|")
    for (native, delay, k), v in sorted(rows.items()):
        med = [statistics.median(x[i] for x in v) for i in range(7)]
        what = ("1 process" if k == 1 else "2 ranks") + (", libtcc" if native == "off" else ", optimising tier")
        mpi = "%.3f / %.3f s" % (med[2] / 1e3, med[3] / 1e3) if k == 2 else "-"
        print("| %s | %s ms | %.3f s | %.3f s | %s | %s | %s | %.0f MB |" % (
            what, delay, med[0] / 1e3, med[1] / 1e3, mpi, "%d" % med[5] if k == 2 else "-",
            "%.1f" % med[4] if k == 2 else "-", med[6] / 1024))


if __name__ == "__main__":
    main()
