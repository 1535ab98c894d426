#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""This file contains the defect tests (and the Brian2 conformance cases of
tests/conformance, run the same way): every DIR/NAME.expect says
how to run one reproducer of a defect found in snnc (a model, a script) and
what the right result is.  Prints TAP; a case whose defect is still open
('status: open') is a TAP TODO, so it is run and reported but does not fail
the suite, and passes as 'unexpected' once fixed (then mark it fixed).

usage: check.py SNNC SNAPSHOT_TOOL DEFECTS_DIR [NAME...]

Directives of a .expect file, one per line ('#' lines are comments):
  model: FILE            the model (default NAME.snn)
  cmd: run|check|emit    snnc's command (default run, with -o OUT --native=off)
  args: ...              more arguments (split like a shell would)
  setup: SHELL           a command run first in the work directory
  script: FILE ARGS      instead of snnc: sh (or python3) FILE SNNC WORKDIR ARGS (exit 77: skipped)
  ulimit-v: KB           address-space limit of the process
  timeout: SECONDS       (default 60); running longer fails
  exit: N | nonzero      the exit status wanted (default 0)
  output-has: TEXT       stdout+stderr contains TEXT
  output-lacks: TEXT     ... does not contain it
  file: NAME             OUT/NAME has exactly the '| ' lines that follow
  file-row: NAME K TEXT  line K (1-based) of OUT/NAME is TEXT
  file-rows: NAME N      OUT/NAME has N lines
  no-file: NAME          OUT/NAME does not exist
  output-number: TEXT LO HI   the number after TEXT in the output is in [LO, HI]
  tool: ARGS             instead of snnc: the snapshot tool (snapshot_tool.c) with ARGS
  spikes: NAME I@STEP... spike monitor OUT/NAME (i,t) holds exactly these spikes, t
                         turned into steps with run.json's dt ('spikes: NAME' alone: none;
                         I@A:B:S is neuron I at every step of range(A, B, S))
  column: NAME COL [rows=A:B] [rtol=R] [atol=A] V...
                         column COL of CSV OUT/NAME (data rows A:B, Python slice) equals
                         the values V (V*K: K times) within Brian2's assert_allclose
                         tolerance (rtol 1e-7, atol 1e-9 unless given; nan and inf
                         must match exactly)
  column-all: NAME COL [rows=A:B] OP V   every cell of those rows is OP V (< <= > >= ==)
  column-distinct: NAME COL [rows=A:B] N  those cells hold at least N different values
  pairs: NAME I-J...     the synapses of OUT/NAME (columns i, j; --save-state) are exactly
                         these pairs, in any order, each as often as listed
  same: NAME COL NAME2 COL2 [rtol=R]  column COL of CSV OUT/NAME equals column COL2 of
                         OUT/NAME2, exactly unless rtol is given (Brian2 comparing two groups)
  variance-less: NAME COL COL2  the variance of column COL of CSV OUT/NAME is below
                         that of its column COL2 (a smoothed rate against the rate)
  pairs-where: NAME EXPR every synapse of OUT/NAME satisfies the Python expression EXPR
                         of i and j (for random connections)
  pairs-count: NAME i|j V...  the synapses of OUT/NAME per source (i) or target (j)
                         number V... (Brian2's N_outgoing_pre / N_incoming_post; V*K: K times)
  pairs-ascending: NAME i|j   for each source (i) or target (j), the other index strictly
                         increases in the synapses' order (distinct and sorted partners)
  pairs-distinct: NAME   no pair i-j of OUT/NAME is made twice
  status: open|fixed     (default fixed)
"""
import math
import os
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile


def parse(path):
    case = {"checks": [], "status": "fixed", "exit": "0", "timeout": 60}
    lines = open(path).read().split("\n")
    k = 0
    while k < len(lines):
        line = lines[k]
        k += 1
        if not line.strip() or line.startswith("#"):
            continue
        key, _, val = line.partition(":")
        key, val = key.strip(), val.strip()
        if key == "file":
            body = []
            while k < len(lines) and lines[k].startswith("|"):
                body.append(lines[k][2:] if lines[k].startswith("| ") else lines[k][1:])
                k += 1
            case["checks"].append(("file", val, body))
        elif key in ("output-has", "output-lacks", "file-row", "file-rows", "no-file", "output-number",
                     "spikes", "column", "column-all", "column-distinct", "pairs", "pairs-where",
                     "pairs-count", "pairs-ascending", "pairs-distinct", "same",
                     "variance-less"):
            case["checks"].append((key, val, None))
        elif key in ("model", "cmd", "args", "setup", "script", "tool", "ulimit-v", "exit", "status"):
            case[key] = val
        elif key == "timeout":
            case["timeout"] = float(val)
        else:
            raise ValueError("%s: unknown directive '%s'" % (path, key))
    return case


def read_table(out, fname):
    """The header and the data rows of the CSV OUT/fname (None: no file)."""
    path = os.path.join(out, fname)
    if not os.path.exists(path):
        return None, None
    rows = [r.split(",") for r in open(path).read().split("\n") if r]
    return rows[0], rows[1:]


def row_slice(words):
    """Takes 'rows=A:B' off the front of words; returns the slice."""
    if words and words[0].startswith("rows="):
        a, _, b = words.pop(0)[5:].partition(":")
        return slice(int(a) if a else None, int(b) if b else None)
    return slice(None)


def check_table(out, kind, val):
    """The spikes/column/column-all checks on OUT's CSV files; returns failures."""
    words = val.split()
    fname = words.pop(0)
    head, data = read_table(out, fname)
    if head is None:
        return ["no file %s" % fname]
    if kind == "spikes":
        import json
        dt = json.load(open(os.path.join(out, "run.json")))["dt"]
        got = sorted((round(float(r[1]) / dt), int(r[0])) for r in data)
        want = []
        for w in words:
            i, _, at = w.partition("@")
            steps = [int(k) for k in at.split(":")]
            want += [(k, int(i)) for k in (range(*steps) if len(steps) > 1 else steps)]
        want.sort()
        if got != want:
            show = lambda s: " ".join("%d@%d" % (i, k) for k, i in s[:12])
            return ["%s has spikes %s, wanted %s" % (fname, show(got), show(want))]
        return []
    if kind == "same":
        head2, data2 = read_table(out, words[1])
        if head2 is None:
            return ["no file %s" % words[1]]
        if words[0] not in head or words[2] not in head2:
            return ["%s or %s lacks the column %s / %s" % (fname, words[1], words[0], words[2])]
        a = [float(r[head.index(words[0])]) for r in data]
        b = [float(r[head2.index(words[2])]) for r in data2]
        rtol = float(words[3][5:]) if len(words) > 3 else 0.0
        bad = [k for k, (x, y) in enumerate(zip(a, b)) if not abs(x - y) <= rtol * abs(y)]
        if len(a) != len(b) or bad:
            k = bad[0] if bad else min(len(a), len(b))
            return ["%s %s and %s %s differ at row %d (%d and %d rows)" % (fname, words[0], words[1], words[2], k, len(a), len(b))]
        return []
    if kind == "variance-less":
        if words[0] not in head or words[1] not in head:
            return ["%s lacks the column %s or %s" % (fname, words[0], words[1])]
        var = lambda c: (lambda v: sum((x - sum(v) / len(v)) ** 2 for x in v) / len(v))(
            [float(r[head.index(c)]) for r in data])
        if not data or not var(words[0]) < var(words[1]):
            return ["%s: the variance of %s (%s) is not below that of %s (%s)" % (
                fname, words[0], var(words[0]) if data else "no rows", words[1], var(words[1]) if data else "no rows")]
        return []
    if kind == "pairs-where":
        expr = val.split(None, 1)[1]
        bad = [r for r in data if not eval(expr, {}, {"i": int(r[head.index("i")]), "j": int(r[head.index("j")])})]
        return ["%s: synapse %s-%s does not satisfy %s" % (fname, bad[0][head.index("i")], bad[0][head.index("j")], expr)] if bad else []
    if kind == "pairs-distinct":
        syn = [(int(r[head.index("i")]), int(r[head.index("j")])) for r in data]
        twice = sorted(p for p in set(syn) if syn.count(p) > 1)
        return ["%s makes %d-%d more than once" % ((fname,) + twice[0])] if twice else []
    if kind in ("pairs-count", "pairs-ascending"):
        by = words[0]
        other = "j" if by == "i" else "i"
        syn = [(int(r[head.index(by)]), int(r[head.index(other)])) for r in data]
        if kind == "pairs-count":
            want = [int(x) for w in words[1:] for x in ([w.split("*")[0]] * (int(w.split("*")[1]) if "*" in w else 1))]
            got = [sum(1 for a, _ in syn if a == k) for k in range(len(want))]
            extra = [a for a, _ in syn if a >= len(want)]
            if got != want or extra:
                return ["%s: synapses per %s %s, wanted %s" % (fname, by, got + (["+%d more" % len(extra)] if extra else []), want)]
            return []
        last = {}
        for a, b in syn:
            if a in last and b <= last[a]:
                return ["%s: for %s = %d, %s = %d follows %d" % (fname, by, a, other, b, last[a])]
            last[a] = b
        return []
    if kind == "pairs":
        got = sorted((int(r[head.index("i")]), int(r[head.index("j")])) for r in data)
        want = sorted(tuple(int(x) for x in w.split("-")) for w in words)
        if got != want:
            extra = sorted(set(got) - set(want))[:6]
            lack = sorted(set(want) - set(got))[:6]
            return ["%s has %d synapses, wanted %d (extra %s, missing %s)" % (fname, len(got), len(want), extra, lack)]
        return []
    col = words.pop(0)
    if col not in head:
        return ["%s has no column %s (it has %s)" % (fname, col, ",".join(head))]
    cells = [float(r[head.index(col)]) for r in data][row_slice(words)]
    if kind == "column-distinct":
        got = len(set(cells))
        return ["%s %s has %d different values, wanted at least %s" % (fname, col, got, words[0])] if got < int(words[0]) else []
    if kind == "column-all":
        op, v = words[0], float(words[1])
        test = {"<": lambda x: x < v, "<=": lambda x: x <= v, ">": lambda x: x > v,
                ">=": lambda x: x >= v, "==": lambda x: x == v}[op]
        bad = [(k, x) for k, x in enumerate(cells) if not test(x)]
        return ["%s %s: row %d is %r, not %s %s" % (fname, col, bad[0][0], bad[0][1], op, v)] if bad else []
    tol = {"rtol": 1e-7, "atol": 1e-9}
    while words and words[0].split("=")[0] in tol:
        k, _, v = words.pop(0).partition("=")
        tol[k] = float(v)
    want = []
    for w in words:
        v, _, times = w.partition("*")
        want += [float(v)] * (int(times) if times else 1)
    if len(cells) != len(want):
        return ["%s %s has %d values, wanted %d" % (fname, col, len(cells), len(want))]
    for k, (x, y) in enumerate(zip(cells, want)):
        if math.isnan(y) or math.isinf(y):
            if not (math.isnan(x) and math.isnan(y)) and x != y:
                return ["%s %s: value %d is %r, wanted %r" % (fname, col, k, x, y)]
            continue
        if not abs(x - y) <= tol["atol"] + tol["rtol"] * abs(y):
            return ["%s %s: value %d is %r, wanted %r" % (fname, col, k, x, y)]
    return []


def needed(src, f, name, texts):
    """Whether the work directory of case NAME needs file f of src: not the
    .expect files, nor the models of other cases unless this case names them
    (a directory holds hundreds of cases; copying all made each case slow)."""
    if f.endswith(".expect"):
        return False
    other_case = f.endswith(".snn") and f[:-4] != name and os.path.exists(os.path.join(src, f[:-4] + ".expect"))
    return not other_case or f in texts


def run_case(snnc, tool, src, name, case):
    """Run one case; returns a list of failures (empty: passed)."""
    work = tempfile.mkdtemp(prefix="snnc-defect-")
    try:
        case_text = open(os.path.join(src, name + ".expect")).read()
        model_path = os.path.join(src, case.get("model", name + ".snn"))
        model_text = open(model_path, errors="replace").read() if os.path.isfile(model_path) else ""
        for f in os.listdir(src):
            p = os.path.join(src, f)
            if os.path.isfile(p) and needed(src, f, name, case_text + model_text):
                shutil.copy(p, work)
        out = os.path.join(work, "out")
        if "setup" in case:
            subprocess.run(case["setup"], shell=True, cwd=work, check=True)
        if "tool" in case:
            argv = [tool] + shlex.split(case["tool"])
        elif "script" in case:
            words = shlex.split(case["script"])
            runner = ["python3"] if words[0].endswith(".py") else ["sh"]
            argv = runner + [words[0], snnc, os.path.join(work, "w")] + words[1:]
        else:
            model = case.get("model", name + ".snn")
            cmd = case.get("cmd", "run")
            argv = [snnc, cmd, model] + (["-o", out, "--native=off"] if cmd == "run" else [])
            argv += shlex.split(case.get("args", ""))
        limit = int(case["ulimit-v"]) * 1024 if "ulimit-v" in case else None

        def pre():
            if limit:
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        try:
            p = subprocess.run(argv, cwd=work, capture_output=True, text=True, errors="replace",
                               timeout=case["timeout"], preexec_fn=pre)
        except subprocess.TimeoutExpired:
            return ["still running after %g s" % case["timeout"]]
        text = p.stdout + p.stderr
        if "script" in case and p.returncode == 77:
            return ["SKIP " + text.strip().split("\n")[-1]]
        fails = []
        want = case["exit"]
        if want == "nonzero":
            if p.returncode == 0:
                fails.append("exit 0, wanted non-zero")
        elif p.returncode != int(want):
            fails.append("exit %d, wanted %s" % (p.returncode, want))
        if p.returncode < 0:
            fails.append("killed by signal %d" % -p.returncode)
        for kind, val, body in case["checks"]:
            if kind == "output-has" and val not in text:
                fails.append("output lacks %r" % val)
            elif kind == "output-lacks" and val in text:
                fails.append("output has %r" % val)
            elif kind == "output-number":
                what, lo, hi = val.rsplit(None, 2)
                at = text.find(what)
                num = text[at + len(what):].split()[0] if at >= 0 and text[at + len(what):].split() else ""
                try:
                    ok = float(lo) <= float(num) <= float(hi)
                except ValueError:
                    ok = False
                if not ok:
                    fails.append("%r is followed by %r, wanted a number in [%s, %s]" % (what, num, lo, hi))
            elif kind == "no-file" and os.path.exists(os.path.join(out, val)):
                fails.append("%s exists" % val)
            elif kind in ("file", "file-row", "file-rows"):
                fname = val.split()[0]
                path = os.path.join(out, fname)
                if not os.path.exists(path):
                    fails.append("no file %s" % fname)
                    continue
                rows = open(path, errors="replace").read().split("\n")
                if rows and rows[-1] == "":
                    rows.pop()
                if kind == "file" and rows != body:
                    fails.append("%s is %r, wanted %r" % (fname, rows[:6], body[:6]))
                elif kind == "file-row":
                    _, nth, want_row = val.split(None, 2)
                    got = rows[int(nth) - 1] if len(rows) >= int(nth) else None
                    if got != want_row:
                        fails.append("%s line %s is %r, wanted %r" % (fname, nth, got, want_row))
                elif kind == "file-rows" and len(rows) != int(val.split()[1]):
                    fails.append("%s has %d lines, wanted %s" % (fname, len(rows), val.split()[1]))
            elif kind in ("spikes", "column", "column-all", "column-distinct", "pairs", "pairs-where",
                     "pairs-count", "pairs-ascending", "pairs-distinct", "same",
                     "variance-less"):
                fails += check_table(out, kind, val)
        if fails:
            last = [l for l in text.strip().split("\n") if l.strip()][-3:]
            fails.append("output ends: " + " | ".join(last))
        return fails
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    snnc, tool, src = (os.path.abspath(a) for a in sys.argv[1:4])
    sanitized = "asan" in subprocess.run(["ldd", snnc], capture_output=True, text=True).stdout
    names = sys.argv[4:] or sorted(f[:-7] for f in os.listdir(src) if f.endswith(".expect"))
    print("1..%d" % len(names))
    for n, name in enumerate(names, 1):
        case = parse(os.path.join(src, name + ".expect"))
        if sanitized and "ulimit-v" in case:
            print("ok %d - %s # SKIP an address-space limit and AddressSanitizer do not mix" % (n, name))
            continue
        fails = run_case(snnc, tool, src, name, case)
        if fails and fails[0].startswith("SKIP "):
            print("ok %d - %s # SKIP %s" % (n, name, fails[0][5:]))
            continue
        todo = " # TODO open defect" if case["status"] == "open" else ""
        print("%s %d - %s%s" % ("not ok" if fails else "ok", n, name, todo))
        for f in fails:
            print("#   " + f)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
