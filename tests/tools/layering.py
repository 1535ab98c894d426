#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""This file contains the layering test: it reads which object of libsnn.a
defines and which uses each symbol (nm), and fails if the calls between the
library's files form a cycle, or if a runtime file calls a compiler file
other than through the compile entry (compile.c) and the pieces compile.h
exposes (diagnostics, units, the emitter's block table).  Prints TAP.

usage: layering.py NM LIBSNN.a"""
import collections
import subprocess
import sys

nm, lib = sys.argv[1], sys.argv[2]
out = subprocess.run([nm, "-A", lib], capture_output=True, text=True, check=True).stdout
defs, uses = {}, collections.defaultdict(set)
for line in out.splitlines():
    fields = line.rsplit(":", 2)          # archive:member:value type name
    if len(fields) != 3:
        continue
    obj = fields[1].replace(".c.o", "")
    parts = fields[2].split()
    if len(parts) == 3 and parts[1] in "TDBR":
        defs.setdefault(parts[2], obj)
    elif len(parts) == 2 and parts[0] == "U":
        uses[obj].add(parts[1])
calls = collections.defaultdict(set)
for obj, syms in uses.items():
    for s in syms:
        if s in defs and defs[s] != obj:
            calls[obj].add(defs[s])

cycles, state, stack = [], {}, []


def visit(u):
    state[u] = 1
    stack.append(u)
    for v in sorted(calls[u]):
        if state.get(v) == 1:
            cycles.append(stack[stack.index(v):] + [v])
        elif not state.get(v):
            visit(v)
    stack.pop()
    state[u] = 2


for u in sorted(calls):
    if not state.get(u):
        visit(u)

# what a runtime file may call in compiler/: the entry and what its header shows
allowed = {"compile", "diag", "units", "emit"}
bad = sorted((a, b) for a in calls for b in calls[a]
             if "runtime_" in a and "compiler_" in b and b.split("compiler_")[-1] not in allowed)
print("1..2")
print(("ok" if not cycles else "not ok") + " 1 - no cycle of calls between the library's files")
for c in cycles:
    print("#   " + " -> ".join(c))
print(("ok" if not bad else "not ok") + " 2 - runtime files call the compiler only through compile.h")
for a, b in bad:
    print("#   %s -> %s" % (a, b))
