#!/usr/bin/env python3
# This file contains the checks of the documents snnc installs: the manual
# pages render with groff without a warning, the TextMate grammar is valid
# JSON with valid patterns, the Vim files load without an error (skipped
# without vim), and 'meson install' puts all of them in place (man1, man5,
# share/vim/vimfiles, share/snnc).  Output: TAP.
# usage: test-docs.py SOURCE_DIR BUILD_DIR MESON
import json, os, re, shutil, subprocess, sys, tempfile

src, build, meson = sys.argv[1], sys.argv[2], sys.argv[3]
results = []

def check(name, ok, why=""):
    results.append((name, ok, why))

def skip(name, why):
    results.append((name, None, why))

env = dict(os.environ, LC_ALL="C.UTF-8")

def render(path):
    """The page as plain words (without grotty's overstriking or line breaks)."""
    r = subprocess.run(["groff", "-man", "-Tutf8", "-rHY=0", path], capture_output=True, text=True, env=env)
    return " ".join(re.sub(".\b", "", r.stdout).split())

for page in ("man/snnc.1", "man/snnc.snn.5"):
    path = os.path.join(src, page)
    r = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", path], capture_output=True, text=True, env=env)
    check(page + " renders without warnings", r.returncode == 0 and not r.stderr, r.stderr)
    text = render(path)
    check(page + " has NAME and SEE ALSO", "NAME" in text and "SEE ALSO" in text, text[:200])

# the language reference names every declaration of the language
ref = render(os.path.join(src, "man/snnc.snn.5"))
words = ["neurons", "synapses", "spikemonitor", "statemonitor", "ratemonitor", "spikegenerator",
         "poissongroup", "poissoninput", "timedarray", "run 100*ms", "print SM", "print G.v",
         "connect(p=0.02)", "run_regularly", "summed_when", "exponential_euler", "(constant over dt)",
         "morphology", "spatialneurons", "threshold_location"]
missing = [w for w in words if w not in ref]
check("snnc.snn(5) covers the language", not missing, "missing: %s" % missing)
# snnc(1) documents every exit status snnc returns
man1 = render(os.path.join(src, "man/snnc.1"))
check("snnc(1) documents the exit status", all(w in man1 for w in ("EXIT STATUS", "130", "143", "usage error")))

try:
    grammar = json.load(open(os.path.join(src, "editors/snn.tmLanguage.json")))
    bad = []
    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if k in ("match", "begin", "end"):
                    try:
                        re.compile(v)
                    except re.error as e:
                        bad.append("%s: %s" % (v, e))
                else:
                    walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
    walk(grammar)
    check("the TextMate grammar parses", grammar.get("scopeName") == "source.snn" and not bad, "; ".join(bad))
except ValueError as e:
    check("the TextMate grammar parses", False, str(e))

vim = shutil.which("vim")
for f in ("editors/vim/syntax/snn.vim", "editors/vim/ftdetect/snn.vim"):
    if not vim:
        skip(f + " loads in vim", "vim is not installed")
        continue
    r = subprocess.run([vim, "-u", "NONE", "-es", "-N", "-c", "source " + os.path.join(src, f),
                        "-c", 'if v:errmsg != "" | cquit | endif', "-c", "qa!"],
                       capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    check(f + " loads in vim", r.returncode == 0, r.stdout + r.stderr)

root = tempfile.mkdtemp(prefix="snn-docs-")
try:
    r = subprocess.run([meson, "install", "-C", build, "--destdir", root, "--no-rebuild"],
                       capture_output=True, text=True)
    want = ["man1/snnc.1", "man5/snnc.snn.5", "vim/vimfiles/syntax/snn.vim",
            "vim/vimfiles/ftdetect/snn.vim", "snnc/snn.tmLanguage.json"]
    found = {w: False for w in want}
    for d, _, files in os.walk(root):
        for name in files:
            p = os.path.join(d, name)
            for w in want:
                if p.endswith("/" + w):
                    found[w] = True
    check("meson install installs the manual pages and editor files", r.returncode == 0 and all(found.values()),
          r.stderr + " missing: %s" % [w for w in want if not found[w]])
    page = [os.path.join(d, n) for d, _, fs in os.walk(root) for n in fs if n == "snnc.snn.5"]
    if page and shutil.which("man"):
        r = subprocess.run(["man", "-l", page[0]], capture_output=True, text=True, env=dict(env, MANPAGER="cat", PAGER="cat"))
        check("man -l shows the installed snnc.snn(5)", r.returncode == 0 and "snnc.snn" in re.sub(".\b", "", r.stdout), r.stderr)
finally:
    shutil.rmtree(root, ignore_errors=True)

print("1..%d" % len(results))
for k, (name, ok, why) in enumerate(results, 1):
    if ok is None:
        print("ok %d - %s # SKIP %s" % (k, name, why))
    else:
        print("%s %d - %s" % ("ok" if ok else "not ok", k, name))
        if not ok:
            for line in str(why).splitlines()[:20]:
                print("# " + line)
