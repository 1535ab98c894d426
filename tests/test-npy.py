#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""This file contains the test of 'snnc run --format npy': numpy loads every
array that run.json lists, with the shape and dtype it says, and with the
same values, bit for bit, as the CSV files of the same run; the units are in
run.json.  Prints TAP.  Skipped (exit 77) when numpy is not installed.

usage: test-npy.py SNNC EXAMPLES_DIR"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    print("1..0 # SKIP numpy is not installed (Debian: python3-numpy)")
    sys.exit(77)

SNNC, EXAMPLES = sys.argv[1], sys.argv[2]
results = []


def check(name, cond, why=""):
    results.append((name, bool(cond), why))


def run(model, outdir, *args):
    p = subprocess.run([SNNC, "run", model, "-o", outdir, "--native=off", "--quiet", *args],
                       capture_output=True, text=True)
    if p.returncode:
        sys.stderr.write(p.stdout + p.stderr)
    return p.returncode


def read_csv(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2, dtype=np.float64)
    return header, data


with tempfile.TemporaryDirectory() as tmp:
    # a model with the three kinds of monitor, two variables in one state monitor
    model = os.path.join(tmp, "m.snn")
    with open(model, "w") as f:
        f.write("neurons G[20] {\n model {\n  dv/dt = (I - v)/(10*ms) : volt\n  I : volt\n"
                "  dge/dt = -ge/(5*ms) : siemens\n }\n threshold: v > 10*mV\n reset: v = 0*mV\n"
                " init {\n  I = 8*mV + 4*mV*rand()\n }\n}\n"
                "synapses S(G -> G) {\n model {\n  w : siemens\n }\n on_pre: ge += w\n"
                " connect(p=0.3)\n init {\n  w = 1*nS*rand()\n }\n}\n"
                "spikemonitor SM(G)\nstatemonitor M(G.v, G.ge, record=[0, 3, 7])\n"
                "ratemonitor R(G)\nrun 200*ms\n")
    csv_dir, npy_dir = os.path.join(tmp, "csv"), os.path.join(tmp, "npy")
    check("csv run", run(model, csv_dir, "--save-state") == 0)
    check("npy run", run(model, npy_dir, "--format", "npy", "--save-state") == 0)
    with open(os.path.join(npy_dir, "run.json")) as f:
        info = json.load(f)
    check("run.json format", info["format"] == "npy", info.get("format"))
    check("run.json model hash", len(info.get("model_sha256", "")) == 64)
    mons = {m["name"]: m for m in info["monitors"]}
    check("three monitors", sorted(mons) == ["M", "R", "SM"], sorted(mons))
    want_units = {"SM": ["1", "second"], "M": ["second", "volt", "siemens"], "R": ["second", "hertz"]}
    for name, m in mons.items():
        check(name + " units", m["units"] == want_units[name], m["units"])
        header, csv = read_csv(os.path.join(csv_dir, name + ".csv"))
        arrays = []
        for var, file, shape in zip(m["variables"], m["files"], m["shapes"]):
            a = np.load(os.path.join(npy_dir, file))
            arrays.append(a)
            check("%s shape" % file, list(a.shape) == shape, "%s vs %s" % (a.shape, shape))
            want = np.int32 if (m["kind"] == "spikemonitor" and var == "i") else np.float64
            check("%s dtype" % file, a.dtype == want, a.dtype)
            check("%s C order" % file, a.flags["C_CONTIGUOUS"])
        # the CSV's columns, in order, from the arrays: the values are equal
        cols = np.column_stack([a.reshape(a.shape[0], -1).astype(np.float64) for a in arrays]) \
            if m["kind"] != "statemonitor" else None
        if m["kind"] == "statemonitor":
            t, per_var = arrays[0], arrays[1:]
            nrec, nvars = len(m["record"]), len(per_var)
            cols = np.empty((t.shape[0], 1 + nrec * nvars))
            cols[:, 0] = t
            for r in range(nrec):
                for v in range(nvars):
                    cols[:, 1 + r * nvars + v] = per_var[v][:, r]
            check("M header", header[1:3] == ["v_0", "ge_0"], header[:3])
        check("%s rows" % name, cols.shape == csv.shape, "%s vs %s" % (cols.shape, csv.shape))
        if cols.shape == csv.shape:
            check("%s values equal to the CSV" % name, np.array_equal(cols, csv))
        check("%s not empty" % name, csv.shape[0] > 0)
    # the state files stay CSV, with their units in run.json
    cols = {c["source"]: c for c in info["state_columns"]}
    check("state units of S", cols["S"]["columns"][:3] == ["i", "j", "w"] and cols["S"]["units"][2] == "siemens",
          cols["S"])
    # CUBA, as the README shows it: a spike monitor's arrays
    cuba = os.path.join(tmp, "cuba")
    check("cuba npy run", run(os.path.join(EXAMPLES, "cuba.snn"), cuba, "--format", "npy", "--seed", "1") == 0)
    i, t = np.load(os.path.join(cuba, "s_mon.i.npy")), np.load(os.path.join(cuba, "s_mon.t.npy"))
    check("cuba shapes", i.shape == t.shape and i.shape[0] > 10000, i.shape)
    check("cuba indices", i.min() >= 0 and i.max() < 4000)
    check("cuba times", t.min() >= 0 and t.max() < 1.0 and np.all(np.diff(t) >= 0))
    # record=False with variables: the counts, and the values at each spike
    # (without i and t) in "values", equal to NAME.values.csv
    nr = os.path.join(tmp, "nr.snn")
    with open(nr, "w") as f:
        f.write("neurons G[3] {\n model {\n  dv/dt = rate : 1\n  rate : Hz\n }\n threshold: v > 1\n"
                " reset: v = 0\n init { rate = [101, 0, 1001]*Hz }\n}\n"
                "spikemonitor SM(G, variables=rate, record=False)\nrun 10*ms\n")
    nr_csv, nr_npy = os.path.join(tmp, "nr_csv"), os.path.join(tmp, "nr_npy")
    check("record=False csv run", run(nr, nr_csv) == 0)
    check("record=False npy run", run(nr, nr_npy, "--format", "npy") == 0)
    with open(os.path.join(nr_npy, "run.json")) as f:
        sm = json.load(f)["monitors"][0]
    with open(os.path.join(nr_csv, "run.json")) as f:
        sm_csv = json.load(f)["monitors"][0]
    check("record=False npy lists i, count", sm["variables"] == ["i", "count"] and
          sm["files"] == ["SM.i.npy", "SM.count.npy"], sm)
    vals = sm.get("values", {})
    check("record=False npy values", vals.get("variables") == ["rate"] and vals.get("units") == ["hertz"] and
          vals.get("files") == ["SM.rate.npy"] and vals.get("shapes") == [[11]], vals)
    check("record=False csv values", sm_csv.get("values", {}).get("file") == "SM.values.csv" and
          sm_csv["values"].get("shape") == [11, 1], sm_csv)
    count = np.load(os.path.join(nr_npy, "SM.count.npy"))
    check("record=False counts", count.dtype == np.int64 and list(count) == [1, 0, 10], count)
    rate = np.load(os.path.join(nr_npy, "SM.rate.npy"))
    header, csv = read_csv(os.path.join(nr_csv, "SM.values.csv"))
    check("record=False values header", header == ["rate"], header)
    check("record=False values equal to the CSV", rate.shape == (11,) and np.array_equal(rate, csv[:, 0]), rate)

print("1..%d" % len(results))
for k, (name, ok, why) in enumerate(results, 1):
    print("%s %d - %s%s" % ("ok" if ok else "not ok", k, name, "" if ok else "  # %s" % (why,)))
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
