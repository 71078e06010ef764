#!/usr/bin/env python3
"""Record every DHCPv4 message seen on one interface, until SIGTERM/SIGINT.

Standard library only (an AF_PACKET socket, Linux, root). Run it in the
namespace of the interface before the traffic starts and stop it with
SIGTERM after the traffic ended (and after a settle time for the last
replies). One line per DHCP message, kernel receive time:

  TIME DIR XID TYPE

TIME seconds since the epoch (SO_TIMESTAMPNS, the moment the frame passed
the interface), DIR "out" (sent by this side) or "in", XID in hex, TYPE the
name of option 53 (DISCOVER, OFFER, ...). On exit a last line

  # frames N dhcp M kernel_drops D

where D is what the kernel dropped because this socket's buffer was full
(PACKET_STATISTICS): non-zero means the record is incomplete and the caller
must not trust it.
"""
import argparse
import signal
import socket
import struct
import sys

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SOL_PACKET = 263
PACKET_STATISTICS = 6
SO_TIMESTAMPNS = 35
COOKIE = b"\x63\x82\x53\x63"
TYPE_NAMES = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE", 5: "ACK",
              6: "NAK", 7: "RELEASE", 8: "INFORM"}

stop = False


def on_signal(_sig, _frame):
    global stop
    stop = True


def dhcp_of(frame):
    """(xid, type name) of an untagged IPv4/UDP DHCP frame, or None."""
    if len(frame) < 14 + 20 + 8 + 240 or frame[12:14] != b"\x08\x00":
        return None
    ihl = (frame[14] & 0x0F) * 4
    if frame[23] != 17 or struct.unpack("!H", frame[20:22])[0] & 0x3FFF:
        return None
    u = 14 + ihl
    sport, dport = struct.unpack("!HH", frame[u:u + 4])
    if not {sport, dport} & {67, 68}:
        return None
    m = frame[u + 8:]
    if len(m) < 240 or m[236:240] != COOKIE:
        return None
    xid = struct.unpack("!I", m[4:8])[0]
    i, typ = 240, None
    while i < len(m):
        code = m[i]
        if code == 255:
            break
        if code == 0:
            i += 1
            continue
        if i + 1 >= len(m):
            break
        ln = m[i + 1]
        if code == 53 and ln >= 1:
            typ = m[i + 2]
        i += 2 + ln
    return xid, TYPE_NAMES.get(typ, str(typ))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iface", required=True)
    ap.add_argument("--out", required=True, help="record file")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind((a.iface, ETH_P_ALL))
    s.settimeout(0.2)
    frames = dhcp = 0
    # Created once the socket is bound: the caller waits for it to exist.
    with open(a.out, "w") as f:
        while not stop:
            try:
                data, anc, _fl, addr = s.recvmsg(2048, socket.CMSG_SPACE(16))
            except socket.timeout:
                continue
            except InterruptedError:
                continue
            frames += 1
            d = dhcp_of(data)
            if d is None:
                continue
            ts = None
            for lvl, typ, val in anc:
                if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("qq", val[:16])
                    ts = sec + nsec / 1e9
            dhcp += 1
            f.write("%.6f %s %08x %s\n" % (ts or 0.0,
                    "out" if addr[2] == PACKET_OUTGOING else "in", d[0], d[1]))
        st = s.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)
        _packets, drops = struct.unpack("II", st)
        f.write("# frames %d dhcp %d kernel_drops %d\n" % (frames, dhcp, drops))
    return 0


if __name__ == "__main__":
    sys.exit(main())
