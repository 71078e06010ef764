#!/usr/bin/env python3
"""A flood of TFTP requests that are never acknowledged, from many addresses.

  tftpflood.py SERVER NAME FIRST N COUNT SECONDS

RRQs for NAME (blksize and tsize options) to SERVER:69 from the N addresses
FIRST, FIRST+1, ... (spoofed: a raw IPv4 socket writes the source) and random
ports, COUNT of them spread evenly over SECONDS (both bounds hold), nothing
acknowledged. What the server answers goes to addresses nobody holds and is
dropped by the kernel. Prints the number sent. Needs CAP_NET_RAW; run it only
inside a test's own network namespace. Standard library and bfwire.py only.
"""
import random
import socket
import struct
import sys
import time

from bfwire import ip_bytes, ipv4, udp


def frame(src, dst, sport, payload):
    src, dst = ip_bytes(src), ip_bytes(dst)
    return ipv4(src, dst, 17, udp(src, dst, sport, 69, payload), flags_frag=0x4000)


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    server, name, first = sys.argv[1], sys.argv[2], sys.argv[3]
    n, count, seconds = int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
    base = struct.unpack("!I", socket.inet_aton(first))[0]
    srcs = [socket.inet_ntoa(struct.pack("!I", base + i)) for i in range(n)]
    req = b"\0\1" + name.encode() + b"\0octet\0blksize\0" + b"1468\0tsize\0" + b"0\0"
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    rnd = random.Random(7)
    t0 = time.monotonic()
    sent = 0
    while sent < count and time.monotonic() - t0 < seconds:
        # pace: where the even spread says we should be by now
        due = min(count, int(count * (time.monotonic() - t0) / seconds) + 1)
        while sent < due:
            src = srcs[sent % n]
            try:
                s.sendto(frame(src, server, rnd.randint(1024, 65535), req), (server, 0))
            except OSError:
                pass  # a full socket buffer: that request is lost, as on a wire
            sent += 1
        time.sleep(0.005)
    print("sent %d requests from %d addresses in %.1f s" % (sent, n, time.monotonic() - t0))


if __name__ == "__main__":
    main()
