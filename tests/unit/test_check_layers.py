#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/check_layers.py finds what it is for: a circle of two or three files
in either graph, an arrow up the layers, and nothing on an acyclic tree."""
import importlib.util
import os
import sys

top = os.environ.get('BF_SRCDIR') or os.path.join(os.path.dirname(__file__), '..', '..')
spec = importlib.util.spec_from_file_location('check_layers',
                                              os.path.join(top, 'tools', 'check_layers.py'))
cl = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cl)

fails = 0
passed = 0


def expect(name, cond):
    global fails, passed
    if cond:
        passed += 1
    else:
        fails += 1
        print('FAIL:', name)


def graph(edges):
    g = {}
    for a, b in edges:
        g.setdefault(a, {}).setdefault(b, {'sym'})
    return g


none = lambda a, b: ''
ok = graph([('control/ctl_loop.c', 'control/leases/ctl_dhcp4.c'),
            ('control/leases/ctl_dhcp4.c', 'control/slots/ctl_slots.c'),
            ('control/slots/ctl_slots.c', 'dataplane/dp_image.c'),
            ('dataplane/dp_image.c', 'shared/bf_csum.c')])
expect('acyclic downward tree passes', cl.check('calls', ok, none) == [])

two = graph([('dataplane/dp_tftp.c', 'dataplane/dp_mtftp.c'),
             ('dataplane/dp_mtftp.c', 'dataplane/dp_tftp.c')])
e = cl.check('calls', two, none)
expect('two-file circle found', len(e) == 1 and 'circle between 2 files' in e[0])

three = graph([('control/leases/ctl_a.c', 'control/leases/ctl_b.c'),
               ('control/leases/ctl_b.c', 'control/leases/ctl_c.c'),
               ('control/leases/ctl_c.c', 'control/leases/ctl_a.c'),
               ('control/leases/ctl_c.c', 'shared/bf_x.c')])
e = cl.check('includes', three, none)
expect('three-file circle found, the fourth file left out',
       len(e) == 1 and 'between 3 files' in e[0] and 'bf_x' not in e[0])

up = graph([('control/leases/ctl_dhcp4.c', 'control/ctl_loop.c')])
e = cl.check('calls', up, none)
expect('leases calling the loop runs up', len(e) == 1 and 'runs up the layers' in e[0])

up2 = graph([('dataplane/dp_worker.c', 'control/core/ctl_core.c')])
expect('dataplane calling control runs up', len(cl.check('calls', up2, none)) == 1)

side = graph([('control/ops/ctl_sock.c', 'control/slots/ctl_slots.c'),
              ('control/ops/ctl_sock.c', 'control/ops/ctl_stats.c')])
expect('down and sideways within a folder pass', cl.check('calls', side, none) == [])

expect('layer of a nested path', cl.layer_of('control/leases/x.c') == cl.LAYERS.index('control/leases'))
expect('loop is the top layer', cl.layer_of('control/ctl_loop.c') == len(cl.LAYERS) - 1)
expect('bench is outside', cl.layer_of('bench/storm/storm.c') is None)

print('%d passed, %d failed' % (passed, fails))
sys.exit(1 if fails else 0)
