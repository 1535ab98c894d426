#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""This file checks tests/brian2-conformance.md against tests/conformance:
the counts at its top are those of its rows, every case a row names exists,
every case (NAME.expect) is named by a row, and a ported row names no open
case.  Prints TAP.

usage: table.py TABLE.md CASES_DIR

A row names cases in backquotes: a full name (`monitor-state_monitor`),
with a range or list of numeric suffixes (`x_1..4`, `x_1,3`), or a suffix
relative to an earlier full name of the same row (`_error_1,2`, `_ok`),
which is joined to such a name or to it with trailing _parts removed;
or a C test, `store_restore.c:store_restore` (a file of this directory) or
`test-subgroups.c:state_monitor` (a file of tests/, the directory above),
which must define the test (START_TEST) and register it (tcase_add_test).
Only the rows under '## The table' count."""
import os
import re
import sys


def expand(token):
    """'a_1..3' -> a_1 a_2 a_3, 'a_1,4' -> a_1 a_4, else [token]."""
    m = re.match(r"^(.*_)(\d+)\.\.(\d+)$", token)
    if m:
        return [m.group(1) + str(k) for k in range(int(m.group(2)), int(m.group(3)) + 1)]
    m = re.match(r"^(.*_)(\d+(?:,\d+)+)$", token)
    if m:
        return [m.group(1) + k for k in m.group(2).split(",")]
    return [token]


def row_cases(detail, cases):
    """The case names a row's detail refers to (those that exist, and the
    full names that do not, so that a typo shows)."""
    found, bases, relative = [], [], []
    for quoted in re.findall(r"`([^`]*)`", detail):
        for token in [t.strip() for t in quoted.split(",")] if ", " in quoted else [quoted]:
            if re.match(r"^[a-z]+-[A-Za-z0-9_.,]+$", token):
                names = expand(token)
                found += names
                bases.append(names[0])
            elif re.match(r"^_[A-Za-z0-9_.,]+$", token):
                relative.append(token)
    for token in relative:
        if bases:
                for rel in expand(token):
                    for base in reversed(bases):
                        stem = base
                        while True:
                            if stem + rel in cases:
                                found.append(stem + rel)
                                break
                            if "_" not in stem.split("-", 1)[1]:
                                break
                            stem = stem.rsplit("_", 1)[0]
                        else:
                            continue
                        break
    return found


def c_test_exists(cdir, cfile, test):
    """Whether the C file cfile, in cdir or else in its parent directory
    (tests/), defines the Check test `test` and adds it to a test case."""
    for d in (cdir, os.path.dirname(os.path.abspath(cdir))):
        path = os.path.join(d, cfile)
        if os.path.exists(path):
            text = open(path).read()
            return ("START_TEST(%s)" % test) in text and \
                re.search(r"tcase_add_(?:loop_)?test\(\s*\w+\s*,\s*%s\s*[,)]" % re.escape(test), text) is not None
    return False


def main():
    table, cdir = sys.argv[1], sys.argv[2]
    cases = {f[:-7] for f in os.listdir(cdir) if f.endswith(".expect")}
    status_open = {c for c in cases if re.search(r"^status:\s*open", open(os.path.join(cdir, c + ".expect")).read(), re.M)}
    text = open(table).read()
    body = text.split("## The table", 1)[-1]
    rows = [[c.strip() for c in l.split("|")[1:5]] for l in body.split("\n")
            if l.startswith("| test_") and len(l.split("|")) >= 6]
    checks = []
    count = {s: sum(r[2] == s for r in rows) for s in ("ported", "failing", "n/a")}
    app = count["ported"] + count["failing"]
    for label, value in (("total", len(rows)), ("applicable (ported + failing)", app), ("ported and passing", count["ported"]),
                         ("failing", count["failing"]), ("not applicable", count["n/a"])):
        m = re.search(r"^\| %s \| (\d+) \|" % re.escape(label), text, re.M)
        checks.append(("the count '%s' is %d" % (label, value), m is not None and int(m.group(1)) == value))
    pct = "%.1f%%" % (100.0 * count["ported"] / app) if app else "0.0%"
    checks.append(("the percentage ported of applicable is %s" % pct, ("**%s**" % pct) in text))
    bad = [r for r in rows if r[2] not in count]
    checks.append(("every row's status is ported, failing or n/a%s" % (": not " + bad[0][1] if bad else ""), not bad))
    named = set()
    for r in rows:
        names = row_cases(r[3], cases)
        c_tests = re.findall(r"`([A-Za-z0-9_-]+\.c):([A-Za-z0-9_]+)`", r[3])
        for cfile, test in c_tests:
            there = c_test_exists(cdir, cfile, test)
            checks.append(("%s %s: the C test %s:%s exists" % (r[0], r[1], cfile, test), there))
        missing = [n for n in names if n not in cases]
        checks.append(("%s %s: the cases it names exist%s" % (r[0], r[1], " (not %s)" % missing if missing else ""), not missing))
        if r[2] == "ported":
            opened = [n for n in names if n in status_open]
            checks.append(("%s %s is ported and names no open case%s" % (r[0], r[1], " (%s)" % opened if opened else ""), not opened))
            checks.append(("%s %s is ported and names a case" % (r[0], r[1]), bool(names or c_tests)))
        named.update(names)
    for c in sorted(cases - named):
        checks.append(("the case %s is named by a row" % c, False))
    print("1..%d" % len(checks))
    for k, (what, ok) in enumerate(checks, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", k, what))


if __name__ == "__main__":
    main()
