#!/usr/bin/env python3
# Turns a text file into a C file defining `const char NAME[]` with its
# contents; used to paste runtime/abi.h into generated code.
import sys

src, out, name = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(src, encoding='utf-8').read()
with open(out, 'w', encoding='utf-8') as f:
    f.write('/* Generated from %s by embed_text.py. */\n' % src.split('/')[-1])
    f.write('const char %s[] =\n' % name)
    for line in text.splitlines(True):
        esc = line.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')
        f.write('    "%s"\n' % esc)
    f.write(';\n')
