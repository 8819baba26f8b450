#!/usr/bin/env python3
"""tests/formats/check.py ACTORC WORKDIR -- formats in interpolation (LANGUAGE.md §11)
against Python's own format(): every combination of [<>^][+][0][width][.precision]
[x|b|e] that fits the value's type, over Ints, Floats (nan, infinities, -0.0,
subnormals, halfway cases), Strings (widths in code points) and Bools, is written
into one program; the program's output must be what Python's format() gives, the
language's bare .N being Python's .Nf.  Prints one line: 'formats: N cases ok' or the
differences; exits 1 on any."""
import itertools
import math
import os
import subprocess
import sys

INTS = [0, 1, -1, 7, 42, -42, 255, -255, 1000000, 123456789012, -9876543210,
        9223372036854775807, -9223372036854775807 - 1]
FLOATS = [('0.0', 0.0), ('-0.0', -0.0), ('3.14159', 3.14159), ('-2.5', -2.5), ('2.675', 2.675),
          ('0.125', 0.125), ('1e16', 1e16), ('1.5e-7', 1.5e-7), ('123456.789', 123456.789),
          ('-0.00012', -0.00012), ('1e300', 1e300), ('5e-324', 5e-324), ('0.1 + 0.2', 0.1 + 0.2),
          ('0.0 / 0.0', math.nan), ('1.0 / 0.0', math.inf), ('-1.0 / 0.0', -math.inf), ('99.995', 99.995)]
STRINGS = ['', 'ab', 'héllo', '日本語', 'a much longer string']
BOOLS = [True, False]

ALIGNS = ['', '<', '>', '^']
WIDTHS = ['', '1', '6', '13']
PRECS = ['', '.0', '.2', '.7', '.30']


def specs(kind):
    """Every format that fits a value of kind (the checker's rules)."""
    num = kind in ('Int', 'Float')
    for align, plus, zero, width, prec, typ in itertools.product(
            ALIGNS, ['', '+'], ['', '0'], WIDTHS, PRECS, ['', 'x', 'b', 'e']):
        if typ in 'xb' and typ and kind != 'Int':
            continue
        if typ == 'e' and kind != 'Float':
            continue
        if prec and kind != 'Float':
            continue
        if (plus or zero) and not num:
            continue
        yield align + plus + zero + width + prec + typ


def python(kind, v, spec):
    if kind == 'Int':
        return format(v, spec)
    if kind == 'Float':
        has_type = spec.endswith('e')
        if '.' in spec and not has_type:
            return format(v, spec + 'f')
        return format(v, spec)
    printed = v if kind == 'String' else ('true' if v else 'false')
    return format(printed, spec)


def literal(kind, v):
    if kind == 'String':
        return '"' + v + '"'
    if kind == 'Bool':
        return 'true' if v else 'false'
    return str(v) if kind == 'Int' and v != -9223372036854775807 - 1 else '-9223372036854775807 - 1'


def main():
    actorc, work = sys.argv[1], sys.argv[2]
    groups = [('Int', [(literal('Int', v), v) for v in INTS]), ('Float', FLOATS),
              ('String', [(literal('String', v), v) for v in STRINGS]),
              ('Bool', [(literal('Bool', v), v) for v in BOOLS])]
    lines, want = [], []
    for kind, values in groups:
        name = kind.lower() + 's'
        lines.append('    let %s = [%s]' % (name, ', '.join(src for src, _ in values)))
        for spec in specs(kind):
            lines.append('    for x in %s { print("%s|{x:%s}|") }' % (name, spec, spec))
            want += ['%s|%s|' % (spec, python(kind, v, spec)) for _, v in values]
    src = os.path.join(work, 'formats.actor')
    with open(src, 'w', encoding='utf-8') as f:
        f.write('actor Main {\n  on start() {\n' + '\n'.join(lines) + '\n  }\n}\n')
    exe = os.path.join(work, 'formats')
    b = subprocess.run([actorc, 'build', src, '-o', exe], capture_output=True, text=True)
    if b.returncode != 0 or b.stderr:
        print('formats: the program does not build cleanly:\n' + b.stderr[:2000])
        return 1
    got = subprocess.run([exe], capture_output=True, text=True, timeout=60).stdout.split('\n')[:-1]
    bad = [(w, g) for w, g in zip(want, got) if w != g]
    if len(got) != len(want):
        bad.append(('%d lines' % len(want), '%d lines' % len(got)))
    for w, g in bad[:20]:
        print('  want %r\n  got  %r' % (w, g))
    print('formats: %d cases, %d differ from Python' % (len(want), len(bad)))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
