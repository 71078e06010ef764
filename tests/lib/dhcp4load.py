#!/usr/bin/env python3
"""A population of raw DHCPv4 clients on one interface (load and durability).

Standard library only (AF_PACKET raw sockets, Linux, root), frames from
bfwire. Every client is a MAC address PREFIX:xx:xx:xx (xx:xx:xx = its index)
speaking through the one interface, which needs no IP address. Clients work
in waves: a wave's messages go out back to back (a small gap between frames),
then the replies are collected by xid; a client that gets no answer within
--timeout-ms is sent its message once more, and if that fails too it is
skipped (the server may be dead: that is part of the test).

Modes:
  bind    DISCOVER / OFFER / REQUEST (SELECTING) / ACK for --count clients.
          Every ACK is appended to --out as "MAC IP" and fsync'ed at once:
          the file is the ground truth of what the server acknowledged, on
          disk before anything else happens (the test may kill the server).
          --kill-pid P --kill-after N: SIGKILL process P the moment the Nth
          ACK arrives (it is recorded right after), while the rest of that
          wave is still in flight.
  verify  INIT-REBOOT REQUEST (option 50, no 54, ciaddr 0) for every
          "MAC IP" line of --in; each must be ACKed with that same IP.
  fresh   DORA for --count new clients; no ACKed address may be in the IP
          set of --exclude (an address handed out twice), nor given to two
          of them.

Each mode ends with one summary line "DHCPLOAD <mode> key=value ...".
Exit status: bind 0; verify 1 if any lease failed; fresh 1 on a duplicate or
a client left without a lease; 2 on usage errors.
"""
import argparse
import os
import select
import signal
import socket
import struct
import sys
import time

from bfwire import eth, ip_bytes, ipv4, mac_bytes, opt, udp

ETH_P_IP = 0x0800
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
COOKIE = b"\x63\x82\x53\x63"
DISCOVER, OFFER, REQUEST, ACK, NAK = 1, 2, 3, 5, 6
BCAST_MAC = b"\xff" * 6
ZERO_IP = b"\0\0\0\0"


def mac_str(b):
    return ":".join("%02x" % x for x in b)


def client_mac(prefix, i):
    p = mac_bytes(prefix + ":00:00:00")[:3]
    if i >= 1 << 24:
        raise ValueError("client index %d does not fit 3 bytes" % i)
    return p + struct.pack("!I", i)[1:]


def request_frame(mac, xid, mtype, req_ip=None, server_id=None):
    """A client's broadcast BOOTREQUEST as a complete frame.

    The broadcast flag makes the server answer to ff:ff:ff:ff:ff:ff, which the
    one capture socket sees whatever MAC the simulated client has."""
    msg = struct.pack("!BBBBIHH4s4s4s4s", 1, 1, 6, 0, xid, 0, 0x8000,
                      ZERO_IP, ZERO_IP, ZERO_IP, ZERO_IP)
    msg += mac + b"\0" * 10 + b"\0" * 64 + b"\0" * 128 + COOKIE
    msg += opt(53, bytes([mtype]))
    if req_ip is not None:
        msg += opt(50, ip_bytes(req_ip))
    if server_id is not None:
        msg += opt(54, server_id)
    msg += opt(55, bytes([1, 3, 6, 51, 54]))
    msg += b"\xff"
    msg += b"\0" * max(0, 300 - len(msg))  # BOOTP minimum (RFC 1542)
    src, dst = ZERO_IP, b"\xff" * 4
    return eth(BCAST_MAC, mac, ETH_P_IP,
               ipv4(src, dst, 17, udp(src, dst, 68, 67, msg)))


def parse_reply(fr, server_mac):
    """(xid, msg_type, yiaddr, server_id bytes or None) of a server's DHCP
    frame, None for anything else. Only what the exchange needs: a burst of
    replies must be read faster than they come."""
    if len(fr) < 14 + 20 + 8 + 240 or fr[12:14] != b"\x08\x00":
        return None
    if server_mac is not None and fr[6:12] != server_mac:
        return None
    ip = fr[14:]
    ihl = (ip[0] & 0xF) * 4
    if ip[0] >> 4 != 4 or ip[9] != 17 or ihl < 20 or len(ip) < ihl + 8 + 240:
        return None
    sport, dport = struct.unpack("!HH", ip[ihl:ihl + 4])
    if sport != 67 or dport != 68:
        return None
    p = ip[ihl + 8:]
    if p[0] != 2 or p[236:240] != COOKIE:
        return None
    xid = struct.unpack("!I", p[4:8])[0]
    yiaddr = socket.inet_ntoa(p[16:20])
    mtype = sid = None
    lease, bootfile = None, p[108:236].split(b"\0", 1)[0].decode("latin-1")
    i = 240
    while i < len(p) and p[i] != 255:
        if p[i] == 0:
            i += 1
            continue
        if i + 1 >= len(p):
            break
        code, n = p[i], p[i + 1]
        val = p[i + 2:i + 2 + n]
        if code == 53 and n == 1:
            mtype = val[0]
        elif code == 54 and n == 4:
            sid = bytes(val)
        elif code == 51 and n == 4:
            lease = struct.unpack("!I", val)[0]
        elif code == 67 and n:
            bootfile = bytes(val).decode("latin-1")
        i += 2 + n
    if mtype is None:
        return None
    SEEN[(xid, mtype)] = (lease, bootfile)
    return xid, mtype, yiaddr, sid


# (xid, type) -> (lease time, boot file) of every reply: which configuration
# built it. A configuration switch between an OFFER and its ACK must not show.
SEEN = {}
PAIRS = {"mixed": 0, "offer_ack_differ": 0, "seen": {}}


def check_pair(x, mtype, allowed):
    """Count a reply whose (lease, file) is no configuration's, and an ACK
    that does not match its OFFER."""
    pair = SEEN.get((x, mtype))
    if pair is None:
        return
    key = "%s:%s" % pair
    PAIRS["seen"][key] = PAIRS["seen"].get(key, 0) + 1
    if allowed and key not in allowed:
        PAIRS["mixed"] += 1
    if mtype == ACK and SEEN.get((x, OFFER), pair) != pair:
        PAIRS["offer_ack_differ"] += 1


class Wire:
    """One AF_PACKET socket for sending and capturing, opened before the first
    frame goes out so no reply can come before we listen."""

    def __init__(self, a):
        self.server_mac = mac_bytes(a.server_mac) if a.server_mac else None
        self.gap = a.gap_us / 1e6
        self.timeout = a.timeout_ms / 1000.0
        self.deadline = time.monotonic() + a.max_seconds
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        # A wave's replies arrive as a burst; the default buffer may not hold it.
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.s.bind((a.iface, ETH_P_ALL))
        # xid of a message this run sent: a stray reply (earlier run, another
        # phase) never matches by accident.
        self.next_xid = struct.unpack("!I", os.urandom(4))[0] & 0x7FFFFFFF

    def xid(self):
        self.next_xid = (self.next_xid + 1) & 0xFFFFFFFF
        return self.next_xid

    def out_of_time(self):
        return time.monotonic() >= self.deadline

    def send_all(self, frames):
        # The small gap keeps the veth backlog and the server's af_packet
        # ring from overflowing under a wave.
        for k, fr in enumerate(frames):
            if k and self.gap:
                time.sleep(self.gap)
            self.s.send(fr)

    def exchange(self, pending, wanted, on_reply=None):
        """pending: {xid: frame}. Send them, collect the first reply of a
        wanted type per xid; retransmit the unanswered once. Returns
        {xid: (mtype, yiaddr, server_id)}. on_reply(xid, reply) is called as
        each answer arrives (bind records ACKs before anything else)."""
        got = {}
        for attempt in range(2):
            todo = [x for x in pending if x not in got]
            if not todo or self.out_of_time():
                break
            self.send_all(pending[x] for x in todo)
            until = min(time.monotonic() + self.timeout, self.deadline)
            while len(got) < len(pending):
                left = until - time.monotonic()
                if left <= 0:
                    break
                r, _, _ = select.select([self.s], [], [], left)
                if not r:
                    break
                fr, addr = self.s.recvfrom(65535)
                if addr[2] == PACKET_OUTGOING:
                    continue
                rep = parse_reply(fr, self.server_mac)
                if rep is None:
                    continue
                xid, mtype, yiaddr, sid = rep
                if xid not in pending or xid in got or mtype not in wanted:
                    continue  # a retransmit's second answer, a late OFFER, ...
                got[xid] = (mtype, yiaddr, sid)
                if on_reply:
                    on_reply(xid, got[xid])
        return got


class AckLog:
    """Append-only "MAC IP" file; each line is on disk before add() returns."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644) if path else None
        self.n = 0

    def add(self, mac, ip):
        self.n += 1
        if self.fd is not None:
            os.write(self.fd, ("%s %s\n" % (mac_str(mac), ip)).encode())
            os.fsync(self.fd)


def dora(w, a, prefix, count, log, on_ack=None):
    """DORA for clients 0..count-1 in waves. Returns (acked {mac: ip}, nak, noanswer)."""
    acked, nak, noanswer = {}, 0, 0
    for base in range(0, count, a.wave):
        idx = range(base, min(base + a.wave, count))
        if w.out_of_time():
            noanswer += len(idx)
            continue
        macs = {w.xid(): client_mac(prefix, i) for i in idx}
        offers = w.exchange({x: request_frame(m, x, DISCOVER) for x, m in macs.items()},
                            (OFFER,))
        noanswer += len(macs) - len(offers)
        reqs = {}
        for x, (_, yiaddr, sid) in offers.items():
            # SELECTING (RFC 2131 4.3.2): same xid, 54 = the offering server,
            # 50 = the offered address; the server id must come from the
            # OFFER, not from what we believe the server is.
            reqs[x] = request_frame(macs[x], x, REQUEST, req_ip=yiaddr, server_id=sid)

        def record(x, rep):
            check_pair(x, OFFER, a.pairs)
            check_pair(x, rep[0], a.pairs)
            if rep[0] == ACK:
                # The hook (bind's --kill-after) runs before the line is
                # written: a SIGKILL must land microseconds after the ACK,
                # before a server that sent it ahead of its commit could
                # finish that commit; our own fsync takes milliseconds.
                # This process lives on, so the line is written right after.
                if on_ack:
                    on_ack(log.n + 1)
                log.add(macs[x], rep[1])
                acked[macs[x]] = rep[1]

        answers = w.exchange(reqs, (ACK, NAK), record)
        noanswer += len(reqs) - len(answers)
        nak += sum(1 for r in answers.values() if r[0] == NAK)
    return acked, nak, noanswer


def mode_bind(w, a):
    log = AckLog(a.out)
    killed = []

    def maybe_kill(n):
        if a.kill_pid and not killed and n >= a.kill_after:
            # The moment the Nth ACK arrives: the rest of this wave's
            # REQUESTs are at the server or their ACKs on the way, so an ACK
            # that left before its lease was committed would be caught.
            try:
                os.kill(a.kill_pid, signal.SIGKILL)
                killed.append(n)
                print("DHCPLOAD bind: sent SIGKILL to pid %d after %d acks" % (a.kill_pid, n),
                      flush=True)
            except ProcessLookupError:
                killed.append(-1)
                print("DHCPLOAD bind: pid %d already gone" % a.kill_pid, flush=True)

    t0 = time.monotonic()
    acked, nak, noanswer = dora(w, a, a.mac_prefix, a.count, log, maybe_kill)
    if a.pairs:
        print("DHCPLOAD pairs mixed=%d offer_ack_differ=%d seen=%s"
              % (PAIRS["mixed"], PAIRS["offer_ack_differ"],
                 ",".join("%s=%d" % kv for kv in sorted(PAIRS["seen"].items()))), flush=True)
    print("DHCPLOAD bind acked=%d nak=%d noanswer=%d seconds=%.1f"
          % (len(acked), nak, noanswer, time.monotonic() - t0), flush=True)
    return 0


def read_pairs(path):
    pairs = []
    with open(path) as f:
        for ln, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2:
                raise ValueError("%s:%d: expected 'MAC IP'" % (path, ln))
            socket.inet_aton(parts[1])
            pairs.append((mac_bytes(parts[0]), parts[1]))
    return pairs


def mode_verify(w, a):
    pairs = read_pairs(a.in_)
    ok = failed = 0
    for base in range(0, len(pairs), a.wave):
        chunk = pairs[base:base + a.wave]
        xids = {w.xid(): p for p in chunk}
        # INIT-REBOOT (RFC 2131 4.3.2): the client remembers its address and
        # asks for it without a server id; a server that lost the lease could
        # only ACK it by chance, one that gave it away must NAK.
        got = w.exchange({x: request_frame(m, x, REQUEST, req_ip=ip)
                          for x, (m, ip) in xids.items()}, (ACK, NAK))
        for x, (mac, ip) in xids.items():
            r = got.get(x)
            if r is None:
                why = "no answer"
            elif r[0] == NAK:
                why = "got NAK"
            elif r[1] != ip:
                why = "got other IP %s" % r[1]
            else:
                ok += 1
                continue
            failed += 1
            print("DHCPLOAD verify: %s %s: %s" % (mac_str(mac), ip, why), flush=True)
    print("DHCPLOAD verify ok=%d failed=%d" % (ok, failed), flush=True)
    return 1 if failed or not pairs else 0


def mode_fresh(w, a):
    exclude = {ip for _, ip in read_pairs(a.exclude)} if a.exclude else set()
    log = AckLog(a.out)
    acked, nak, noanswer = dora(w, a, a.mac_prefix, a.count, log)
    dup = 0
    seen = {}
    for mac, ip in sorted(acked.items()):
        if ip in exclude:
            dup += 1
            print("DHCPLOAD fresh: %s got %s, which an earlier client was acknowledged"
                  % (mac_str(mac), ip), flush=True)
        if ip in seen:
            dup += 1
            print("DHCPLOAD fresh: %s got %s, already given to %s"
                  % (mac_str(mac), ip, mac_str(seen[ip])), flush=True)
        seen[ip] = mac
    print("DHCPLOAD fresh acked=%d duplicates=%d nak=%d noanswer=%d"
          % (len(acked), dup, nak, noanswer), flush=True)
    return 1 if dup or len(acked) < a.count else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=("bind", "verify", "fresh"))
    ap.add_argument("--iface", required=True)
    ap.add_argument("--server-mac", help="only replies from this MAC count")
    ap.add_argument("--count", type=int, default=0, help="clients (bind, fresh)")
    ap.add_argument("--mac-prefix", default=None, help="3 bytes, e.g. 02:10:00")
    ap.add_argument("--wave", type=int, default=10, help="clients per wave")
    ap.add_argument("--out", help="append 'MAC IP' of every ACK (bind, fresh)")
    ap.add_argument("--in", dest="in_", help="'MAC IP' lines to verify")
    ap.add_argument("--exclude", help="'MAC IP' lines: addresses fresh must not get")
    ap.add_argument("--timeout-ms", type=int, default=2000, help="per attempt (2 attempts)")
    ap.add_argument("--gap-us", type=int, default=200, help="between frames of a wave")
    ap.add_argument("--max-seconds", type=float, default=60)
    ap.add_argument("--pairs", type=lambda s: set(s.split(",")), default=None,
                    help="bind: LEASE:FILE,... the only (lease time, boot file) pairs a "
                         "reply may carry; counts others and ACKs unlike their OFFER")
    ap.add_argument("--kill-pid", type=int, default=0, help="bind: SIGKILL this pid ...")
    ap.add_argument("--kill-after", type=int, default=0, help="... after this many ACKs")
    a = ap.parse_args()
    if not 1 <= a.wave <= 256:
        ap.error("--wave must be 1..256")
    if not 0 < a.timeout_ms <= 10000 or not 0 <= a.gap_us <= 100000:
        ap.error("--timeout-ms 1..10000, --gap-us 0..100000")
    if not 0 < a.max_seconds <= 600:
        ap.error("--max-seconds must be in (0, 600]")
    if a.mode in ("bind", "fresh"):
        if not 0 < a.count < 1 << 24 or not a.mac_prefix:
            ap.error("%s needs --count and --mac-prefix" % a.mode)
        if a.mode == "bind" and not a.out:
            ap.error("bind needs --out")
    if a.mode == "verify" and not a.in_:
        ap.error("verify needs --in")
    if a.kill_pid and (a.mode != "bind" or a.kill_after < 1):
        ap.error("--kill-pid is for bind, with --kill-after N >= 1")
    w = Wire(a)
    return {"bind": mode_bind, "verify": mode_verify, "fresh": mode_fresh}[a.mode](w, a)


if __name__ == "__main__":
    sys.exit(main())
