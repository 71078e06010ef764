#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Slow HTTP clients ("slowloris"): many connections that send a request's
headers one byte at a time and never finish them, for a bounded time.

  slowloris.py --server IP --port N --sources A,B,... --per-source K
               --seconds S [--byte-every 1.0]

Opens K connections from each source address, sends "GET /x HTTP/1.1\\r\\n"
and then one header byte per connection every --byte-every seconds, for
--seconds after the last one connected. Prints one line:

  SLOW opened=N refused=N closed_early=N closed_later=N open_at_end=N
       first_close_s=F last_close_s=F connect_s=F

refused: never connected, or reset/closed within 0.5 s of connecting or of
the watch starting (the server refused it at accept); closed_early: within 1 s; closed_later: the
server closed it after that (e.g. a header deadline); open_at_end: still open.
"""
import argparse
import errno
import resource
import selectors
import socket
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--server', required=True)
    ap.add_argument('--port', type=int, default=80)
    ap.add_argument('--sources', required=True)
    ap.add_argument('--per-source', type=int, required=True)
    ap.add_argument('--seconds', type=float, required=True)
    ap.add_argument('--byte-every', type=float, default=1.0)
    a = ap.parse_args()

    want = len(a.sources.split(',')) * a.per_source + 64
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))

    sel = selectors.DefaultSelector()
    conns = []  # [sock, t_connected, closed_at or None]
    refused = 0
    start = time.monotonic()
    for src in a.sources.split(','):
        for _ in range(a.per_source):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((src, 0))
            s.settimeout(5)
            try:
                s.connect((a.server, a.port))
            except OSError:
                refused += 1
                s.close()
                continue
            s.setblocking(False)
            try:
                s.send(b'GET /x HTTP/1.1\r\nHost: bootfarm\r\n')
            except OSError:
                pass
            rec = [s, time.monotonic(), None]
            conns.append(rec)
            sel.register(s, selectors.EVENT_READ, rec)

    trickle = b'X-Slow: ' + b'a' * 4096
    pos = 0
    connected = time.monotonic()
    next_byte = connected + a.byte_every
    deadline = connected + a.seconds  # watched for --seconds once all are connected
    while time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.05):
            rec = key.data
            try:
                data = rec[0].recv(4096)
            except OSError as e:
                data = b'' if e.errno != errno.EAGAIN else None
            if data == b'':
                rec[2] = time.monotonic()
                sel.unregister(rec[0])
                rec[0].close()
        if time.monotonic() >= next_byte:
            next_byte += a.byte_every
            b = trickle[pos % len(trickle):pos % len(trickle) + 1]
            pos += 1
            for rec in conns:
                if rec[2] is None:
                    try:
                        rec[0].send(b)
                    except OSError:
                        pass
    early = later = 0
    first = last = None
    for s, t0, t1 in conns:
        if t1 is None:
            continue
        life = t1 - t0
        # refused at accept: gone as soon as it could be seen
        if life < 0.5 or t1 - connected < 0.5:
            refused += 1
        elif life < 1.0:
            early += 1
        else:
            later += 1
            first = life if first is None else min(first, life)
            last = life if last is None else max(last, life)
    open_end = sum(1 for c in conns if c[2] is None)
    for c in conns:
        if c[2] is None:
            c[0].close()
    print('SLOW opened=%d refused=%d closed_early=%d closed_later=%d open_at_end=%d '
          'first_close_s=%.1f last_close_s=%.1f connect_s=%.1f' %
          (len(conns), refused, early, later, open_end, first or -1, last or -1,
           connected - start))
    sys.stdout.flush()


if __name__ == '__main__':
    main()
