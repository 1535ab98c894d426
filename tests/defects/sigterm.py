#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A signal in the middle of a long run: snnc stops at the next step, writes
what the monitors recorded so far as complete files marked partial, leaves
no temporary file, and exits with 128 + the signal (143 SIGTERM, 130 SIGINT).
usage: sigterm.py SNNC WORKDIR TERM|INT"""
import os
import signal
import subprocess
import sys
import time

snnc, work, name = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
os.chdir(work)
with open("long.snn", "w") as f:
    f.write("neurons G[200] { model { dv/dt = (1.1-v)/(10*ms) : 1 }\n threshold: v > 1\n reset: v = 0 }\n"
            "spikemonitor SM(G)\nstatemonitor M(G.v, record=[0,1], dt=1*ms)\nrun 1000*second\n")
# a child whose SIGINT is not ignored, as when started from a terminal
p = subprocess.Popen([snnc, "run", "long.snn", "-o", "ow", "--native=off"], stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT, text=True,
                     preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
time.sleep(1.5)
p.send_signal(signal.SIGTERM if name == "TERM" else signal.SIGINT)
out, _ = p.communicate(timeout=50)
code = p.returncode if p.returncode >= 0 else 128 - p.returncode
print("exit %d" % code)
print(out)
files = sorted(os.listdir("ow")) if os.path.isdir("ow") else []
print("files: " + " ".join(files))
if "M.csv" in files:
    data = open("ow/M.csv").read()
    print("M rows: %d" % data.count("\n"))
    print("M last row complete: %s" % ("yes" if data.endswith("\n") else "no"))
