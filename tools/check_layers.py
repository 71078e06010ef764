#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fail on a dependency circle or an arrow that runs back up the layers.

Two graphs, both between source files of shared/, dataplane/ and control/:
  calls     from the object files (nm): file A uses a symbol file B defines;
  includes  from the sources: file A #includes header B.
A file of one layer may depend on its own folder and on the layers below it,
never on one above (LAYERS, lowest first); and no file may depend, through any
chain, on a file that depends back on it (a strongly connected component of
more than one file is a circle, in either graph).

  tools/check_layers.py BUILD_DIR      (meson test "layers" runs it)
  tools/check_layers.py --dot BUILD_DIR > layers.dot   (the graph, for a look)
"""
import json
import os
import re
import subprocess
import sys
from collections import defaultdict

# Lowest first. A file in layer i may use layers 0..i; the folder's own files
# share its layer. control/ctl_loop.c and bootfarmd.c sit above the modules.
LAYERS = [
    'shared',
    'dataplane',
    'control/config',
    'control/core',
    'control/slots',
    'control/leases',
    'control/ra',
    'control/ops',
    'control',
]
ROOTS = ('shared/', 'dataplane/', 'control/')


def layer_of(path):
    """The layer index of a repository-relative path, or None if outside."""
    folder = os.path.dirname(path)
    best = None  # the longest layer that holds the folder: control/ops, not control
    for i, layer in enumerate(LAYERS):
        if folder == layer or folder.startswith(layer + '/'):
            if best is None or len(layer) > len(LAYERS[best]):
                best = i
    return best


def sources(top):
    for root in ROOTS:
        for dirpath, _, names in os.walk(os.path.join(top, root)):
            for n in names:
                if n.endswith(('.c', '.h')):
                    yield os.path.relpath(os.path.join(dirpath, n), top)


def include_graph(top):
    g = defaultdict(set)
    for src in sources(top):
        with open(os.path.join(top, src), encoding='utf-8', errors='replace') as f:
            text = f.read()
        for inc in re.findall(r'^\s*#\s*include\s+"([^"]+)"', text, re.M):
            # "dir/x.h" from the top, else relative to the including file
            for cand in (inc, os.path.join(os.path.dirname(src), inc)):
                cand = os.path.normpath(cand)
                if os.path.exists(os.path.join(top, cand)) and cand.startswith(ROOTS):
                    if cand != src:
                        g[src].add(cand)
                    break
    return g


def call_graph(top, build):
    with open(os.path.join(build, 'compile_commands.json')) as f:
        cmds = json.load(f)
    obj_src = {}
    for c in cmds:
        src = os.path.relpath(os.path.join(c['directory'], c['file']), top)
        if not src.startswith(ROOTS):
            continue
        m = re.search(r'-o\s+(\S+\.o)', c['command'])
        if m:
            obj_src[os.path.join(c['directory'], m.group(1))] = src
    defs, uses = {}, defaultdict(set)
    missing = [o for o in obj_src if not os.path.exists(o)]
    if missing:
        sys.exit('check_layers: not built yet (%s): run ninja first' % missing[0])
    for obj, src in obj_src.items():
        out = subprocess.run(['nm', obj], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in 'TDBRC':
                defs.setdefault(p[2], src)
            elif len(p) == 2 and p[0] == 'U':
                uses[src].add(p[1])
    g = defaultdict(lambda: defaultdict(set))
    for src, syms in uses.items():
        for s in syms:
            d = defs.get(s)
            if d and d != src:
                g[src][d].add(s)
    return g


def sccs(nodes, edges):
    """Tarjan's strongly connected components (iterative)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter[0]
                    counter[0] += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(edges.get(nxt, ())))))
                elif nxt in on:
                    low[v] = min(low[v], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def check(kind, g, why):
    errors = []
    nodes = set(g) | {d for s in g for d in g[s]}
    for comp in sccs(nodes, g):
        members = set(comp)
        lines = ['%s circle between %d files:' % (kind, len(comp))]
        for a in comp:
            for b in sorted(g[a]):
                if b in members:
                    lines.append('  %s -> %s%s' % (a, b, why(a, b)))
        errors.append('\n'.join(lines))
    for a in sorted(g):
        la = layer_of(a)
        for b in sorted(g[a]):
            lb = layer_of(b)
            if la is None or lb is None or lb <= la:
                continue
            errors.append('%s runs up the layers: %s (%s) -> %s (%s)%s' %
                          (kind, a, LAYERS[la], b, LAYERS[lb], why(a, b)))
    return errors


def main():
    args = sys.argv[1:]
    dot = '--dot' in args
    args = [a for a in args if a != '--dot']
    if len(args) != 1:
        sys.exit(__doc__)
    top = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
    build = os.path.abspath(args[0])
    calls = call_graph(top, build)
    incs = include_graph(top)
    if dot:
        print('digraph layers {\n  rankdir=BT; node [shape=box,fontsize=10];')
        for a in sorted(calls):
            for b in sorted(calls[a]):
                print('  "%s" -> "%s";' % (a, b))
        print('}')
        return 0
    errors = check('calls', calls,
                   lambda a, b: '  (' + ' '.join(sorted(calls[a][b])[:4]) + ')')
    errors += check('includes', incs, lambda a, b: '')
    n_calls = sum(len(v) for v in calls.values())
    n_incs = sum(len(v) for v in incs.values())
    if errors:
        print('\n'.join(errors))
        print('check_layers: %d problem(s) (%d call edges, %d include edges); '
              'layers, lowest first: %s' % (len(errors), n_calls, n_incs, ', '.join(LAYERS)))
        return 1
    print('check_layers: no circle, no upward arrow (%d files call %d pairs, %d includes)' %
          (len(calls), n_calls, n_incs))
    return 0


if __name__ == '__main__':
    sys.exit(main())
