#!/usr/bin/env python3
"""A TFTP read client that stops mid-transfer until told to go on.

RRQ with blksize and timeout options; after --pause-after blocks it writes the
--paused-file and waits (up to --max-wait seconds) for --go-file before
acknowledging the rest. The timeout option keeps the server patient meanwhile.
Lets a test do something (reload the configuration) at a known point of a
transfer instead of racing it. Standard library only; exits 0 once the whole
file is written, 1 on any error.
"""
import argparse
import os
import socket
import struct
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("server")
    ap.add_argument("name")
    ap.add_argument("out")
    ap.add_argument("--blksize", type=int, default=512)
    ap.add_argument("--timeout", type=int, default=30, help="TFTP timeout option, seconds")
    ap.add_argument("--pause-after", type=int, default=8)
    ap.add_argument("--paused-file", required=True)
    ap.add_argument("--go-file", required=True)
    ap.add_argument("--max-wait", type=float, default=60.0)
    a = ap.parse_args()

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(10)
    req = (b"\0\1" + a.name.encode() + b"\0octet\0blksize\0%d\0timeout\0%d\0"
           % (a.blksize, a.timeout))
    s.sendto(req, (a.server, 69))
    data, peer = s.recvfrom(65536)
    op = struct.unpack("!H", data[:2])[0]
    if op != 6:
        sys.exit("pausetftp: expected OACK, got opcode %d: %r" % (op, data[:80]))
    s.sendto(struct.pack("!HH", 4, 0), peer)
    expect, got, paused = 1, bytearray(), False
    while True:
        data, src = s.recvfrom(65536)
        if src != peer:
            continue
        op, blk = struct.unpack("!HH", data[:4])
        if op == 5:
            sys.exit("pausetftp: server error %d %r" % (blk, data[4:]))
        if op != 3 or blk != expect & 0xFFFF:
            continue  # a retransmission or an old block
        got += data[4:]
        if expect == a.pause_after and not paused:
            paused = True
            open(a.paused_file, "w").close()
            deadline = time.monotonic() + a.max_wait
            while not os.path.exists(a.go_file):
                if time.monotonic() > deadline:
                    sys.exit("pausetftp: no go-file after %.0f s" % a.max_wait)
                time.sleep(0.05)
        s.sendto(struct.pack("!HH", 4, blk), peer)
        if len(data) - 4 < a.blksize:
            break
        expect += 1
    with open(a.out, "wb") as f:
        f.write(got)
    return 0


if __name__ == "__main__":
    sys.exit(main())
