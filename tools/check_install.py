#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""README's install line brings every tool the tests and the demo ask for.

  tools/check_install.py               check the tree (meson test "install_line")
  tools/check_install.py --line "..."  check another package list instead
                                       (the self-test drops one package at a time)
  tools/check_install.py --top DIR     check another tree (the self-test's)

Checks, each a failure with the reason:
  1. README's first command and .ci/run install the same packages, in one line each;
  2. every tool a test or the demo names (bf_require_tools, `command -v X`) has a
     package in TOOL_PACKAGE below, and that package is in the line or is one
     Debian installs on every system (Essential: yes);
  3. where the tool is installed here, dpkg says it comes from that package, so
     the table cannot drift from the truth.
"""
import os
import re
import shutil
import subprocess
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))

# Tool -> the Debian 12 package that brings it. A new tool in a test needs a row.
TOOL_PACKAGE = {
    'apt-get': 'apt',
    'atftp': 'atftp',
    'awk': 'mawk',
    'cc': 'gcc',
    'clang': 'clang',
    'cmp': 'diffutils',
    'curl': 'curl',
    'dhclient': 'isc-dhcp-client',
    'dnsmasq': 'dnsmasq-base',
    'dpdk-telemetry.py': 'dpdk-dev',
    'dpkg-deb': 'dpkg',
    'ethtool': 'ethtool',
    'gcc': 'gcc',
    'ip': 'iproute2',
    'ndisc6': 'ndisc6',
    'perfdhcp': 'kea-admin',
    'ping': 'iputils-ping',
    'promtool': 'prometheus',
    'python3': 'python3',
    'qemu-system-x86_64': 'qemu-system-x86',
    'rdisc6': 'ndisc6',
    'setpriv': 'util-linux',
    'sha256sum': 'coreutils',
    'socat': 'socat',
    'ss': 'iproute2',
    'sysctl': 'procps',
    'tc': 'iproute2',
    'tftp': 'tftp-hpa',
    'timeout': 'coreutils',
}
# Essential: yes in Debian 12: on every system, never in the line.
ESSENTIAL = {'apt', 'coreutils', 'diffutils', 'dpkg', 'mawk', 'util-linux', 'bash', 'grep',
             'sed', 'findutils', 'tar', 'gzip'}
# dpkg's names for a package that the table names by its usual one.
ALIASES = {'gcc': {'gcc', 'gcc-12'}}

SCAN = ('tests', 'demo', 'tools')  # tools/: the scripts tests/run.sh runs


def install_line(path, text):
    lines = [l for l in text.splitlines() if re.search(r'apt-get install\b', l)]
    if len(lines) != 1:
        sys.exit('check_install: %s has %d apt-get install lines, expected one' %
                 (path, len(lines)))
    m = re.search(r'apt-get install((?:\s+-\S+)*)((?:\s+[a-z0-9][a-z0-9.+-]*)+)', lines[0])
    if not m:
        sys.exit('check_install: cannot read the package list in %s' % path)
    return m.group(2).split()


def wanted_tools():
    """(tool, file:line) for every tool the tests and the demo ask for."""
    out = []
    for root in SCAN:
        for dirpath, _, names in os.walk(os.path.join(TOP, root)):
            for n in sorted(names):
                if not n.endswith('.sh'):
                    continue
                p = os.path.join(dirpath, n)
                rel = os.path.relpath(p, TOP)
                with open(p, encoding='utf-8', errors='replace') as f:
                    for i, line in enumerate(f, 1):
                        code = line.split('#', 1)[0]
                        for m in re.finditer(r'\bbf_require_tools((?:\s+[A-Za-z0-9_.+-]+)+)', code):
                            out += [(t, '%s:%d' % (rel, i)) for t in m.group(1).split()]
                        for m in re.finditer(r'command -v ([A-Za-z0-9_.+-]+)', code):
                            out.append((m.group(1), '%s:%d' % (rel, i)))
    return out


def dpkg_owner(tool):
    """The package dpkg says installed the tool, or None when it cannot tell."""
    path = shutil.which(tool)
    if not path:
        return None
    cands = {path, os.path.realpath(path)}
    for p in list(cands):	# usrmerge: /bin/x is /usr/bin/x
        if p.startswith('/usr/'):
            cands.add(p[4:])
        else:
            cands.add('/usr' + p)
    for p in sorted(cands):
        r = subprocess.run(['dpkg', '-S', p], capture_output=True, text=True)
        if r.returncode == 0 and r.stdout:
            return r.stdout.split(':', 1)[0].split(',')[0].strip()
    return None


def main():
    global TOP
    args = sys.argv[1:]
    if args[:1] == ['--top']:
        TOP, args = args[1], args[2:]
    with open(os.path.join(TOP, 'README.md')) as f:
        readme = install_line('README.md', f.read())
    with open(os.path.join(TOP, '.ci', 'run')) as f:
        ci = install_line('.ci/run', f.read())
    errors = []
    if args[:1] == ['--line']:
        pkgs = args[1].split()
    else:
        pkgs = readme
        if readme != ci:
            errors.append('README.md and .ci/run install different packages: '
                          'only in README: %s; only in .ci/run: %s' %
                          (' '.join(sorted(set(readme) - set(ci))) or '-',
                           ' '.join(sorted(set(ci) - set(readme))) or '-'))
    have = set(pkgs) | ESSENTIAL
    seen = set()
    for tool, where in wanted_tools():
        if tool in seen:
            continue
        seen.add(tool)
        pkg = TOOL_PACKAGE.get(tool)
        if not pkg:
            errors.append('%s: tool %r has no package in tools/check_install.py TOOL_PACKAGE' %
                          (where, tool))
            continue
        if pkg not in have:
            errors.append('%s: tool %r comes from package %s, which the install line does '
                          'not bring' % (where, tool, pkg))
        owner = dpkg_owner(tool) if not args else None  # once, on the tree itself
        if owner and owner not in ALIASES.get(pkg, {pkg}):
            errors.append('%s: tool %r is installed here by %s, not %s as the table says' %
                          (where, tool, owner, pkg))
    if errors:
        print('\n'.join(errors))
        print('check_install: %d problem(s)' % len(errors))
        return 1
    print('check_install: %d tools asked for by tests and the demo, all brought by the '
          'install line (%d packages)' % (len(seen), len(pkgs)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
