#!/usr/bin/env python3
"""IPv6 Neighbor Discovery probe for bootfarm's integration tests (stdlib only).

AF_PACKET raw sockets (Linux, root). Every frame is built here byte by byte
(Ethernet, IPv6, ICMPv6 with a correct checksum unless told otherwise), so the
sending interface needs no IPv6 address and the test controls what a neighbor,
a node doing DAD or a broken sender would put on the wire.

Subcommands:

  ll MAC                 the modified EUI-64 link-local address of MAC
  sn ADDR                the solicited-node group of ADDR
  sniff ...              record the IPv6 frames one MAC sends (JSON lines to
                         --out, flushed as they come), for at most --seconds
                         (<= 30); --ready names a file created once the socket
                         is open. With --want-dad ADDR (repeatable) and/or
                         --want-mld it stops --settle-s after it has seen a
                         DAD NS for every ADDR and an MLDv2 report.
  send --kind ns|na|echo the message, then print (JSON lines) every IPv6
                         frame from --server-mac seen for --listen-ms (<= 10 s)
                         after it; the capture socket is open before the send.
  answer-dad ...         act as a host that already holds --target: answer the
                         first DAD NS --from-mac sends for it with an NA (from
                         the target, to ff02::1, Override, TLLA the interface's
                         MAC), within --seconds (<= 30); --ready as for sniff.
  query FILE EXPR        a Python expression over r (the frames of FILE, a
                         list of dicts); lists print comma separated, booleans
                         as true/false, None as nothing; errors as "ERROR: ...".

A decoded frame has: t (s since the capture began), eth_dst, eth_src,
ethertype, len; for IPv6: version, tclass, flow, plen, plen_ok (within the
frame), hlim, src, dst, nh (first next header), ext (extension header types
walked), router_alert (Hop-by-Hop Router Alert value or None), proto; for
ICMPv6: icmp_type, icmp_code, icmp_len, csum_ok; NS/NA: flags (NA: the flags
byte; NS: the reserved byte), reserved_ok (the rest of the reserved field is
zero), target, opts ([type, length in 8-byte units, hex]), slla, tlla
(first option of the kind, or None); MLDv2 report (143): mld_reserved,
mld_nrec, mld_records ([{type, aux, nsrc, group}]), mld_len_ok; echo: echo_id,
echo_seq, echo_data (hex).
"""
import argparse
import json
import select
import socket
import struct
import sys
import time

from bfwire import csum, eth, mac_bytes

ETH_P_ALL = 0x0003
ETH_P_IPV6 = 0x86DD
ETH_P_8021Q = 0x8100
PACKET_OUTGOING = 4

ICMP6 = 58
HOPOPTS = 0
NS, NA, MLD2 = 135, 136, 143
ECHO_REQ, ECHO_REP = 128, 129


def mac_str(b):
    return ":".join("%02x" % x for x in b)


def a6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def s6(b):
    return socket.inet_ntop(socket.AF_INET6, bytes(b))


def ll_of(mac):
    m = bytearray(mac_bytes(mac))
    m[0] ^= 0x02
    return a6("fe80::")[:8] + bytes(m[:3]) + b"\xff\xfe" + bytes(m[3:])


def sn_of(addr):
    return a6("ff02::1:ff00:0")[:13] + addr[13:]


def mcast_mac(addr):
    return b"\x33\x33" + addr[12:]


# ------------------------------------------------------------------ build --
def icmp6_csum(src, dst, msg):
    pseudo = src + dst + struct.pack("!IxxxB", len(msg), ICMP6)
    return csum(pseudo + msg)


def ipv6(src, dst, nh, payload, hlim=255, plen=None):
    if plen is None:
        plen = len(payload)
    return struct.pack("!IHBB", 0x60000000, plen, nh, hlim) + src + dst + payload


def icmp6_frame(dmac, smac, src, dst, msg, hlim=255, bad_csum=False):
    """msg with its checksum field zero; the checksum is set (or broken)."""
    c = icmp6_csum(src, dst, msg)
    if bad_csum:
        c ^= 0x5A5A
    msg = msg[:2] + struct.pack("!H", c) + msg[4:]
    return eth(dmac, smac, ETH_P_IPV6, ipv6(src, dst, ICMP6, msg, hlim))


def lla_opt(kind, mac, units=1):
    body = mac_bytes(mac)
    body += b"\0" * (units * 8 - 2 - len(body))
    return bytes([kind, units]) + body


# ----------------------------------------------------------------- decode --
def decode(fr, t0=None):
    d = {"len": len(fr), "eth_dst": mac_str(fr[0:6]), "eth_src": mac_str(fr[6:12])}
    if t0 is not None:
        d["t"] = round(time.monotonic() - t0, 3)
    off = 12
    et = struct.unpack("!H", fr[off:off + 2])[0]
    if et == ETH_P_8021Q:
        d["vlan"] = struct.unpack("!H", fr[off + 2:off + 4])[0]
        off += 4
        et = struct.unpack("!H", fr[off:off + 2])[0]
    d["ethertype"] = et
    off += 2
    if et != ETH_P_IPV6 or len(fr) < off + 40:
        return d
    ip = fr[off:off + 40]
    w0, plen, nh, hlim = struct.unpack("!IHBB", ip[:8])
    src, dst = ip[8:24], ip[24:40]
    d.update(version=w0 >> 28, tclass=(w0 >> 20) & 0xFF, flow=w0 & 0xFFFFF, plen=plen,
             plen_ok=off + 40 + plen <= len(fr), hlim=hlim, src=s6(src), dst=s6(dst), nh=nh,
             ext=[], router_alert=None)
    pl = fr[off + 40:off + 40 + plen]
    p = 0
    # extension headers: Hop-by-Hop (0), Routing (43), Destination Options (60)
    while nh in (0, 43, 60) and p + 8 <= len(pl):
        hl = (pl[p + 1] + 1) * 8
        if nh == HOPOPTS:
            q, end = p + 2, min(p + hl, len(pl))
            while q < end:
                if pl[q] == 0:
                    q += 1
                    continue
                if q + 2 > end:
                    break
                ol = pl[q + 1]
                if pl[q] == 5 and ol == 2 and q + 4 <= end:
                    d["router_alert"] = struct.unpack("!H", pl[q + 2:q + 4])[0]
                q += 2 + ol
        d["ext"].append(nh)
        nh = pl[p]
        p += hl
    d["proto"] = nh
    if nh != ICMP6 or p + 4 > len(pl):
        return d
    msg = pl[p:]
    typ, code = msg[0], msg[1]
    d.update(icmp_type=typ, icmp_code=code, icmp_len=len(msg),
             csum_ok=csum(src + dst + struct.pack("!IxxxB", len(msg), ICMP6) + msg) == 0)
    if typ in (NS, NA) and len(msg) >= 24:
        d["flags"] = msg[4]
        d["reserved_ok"] = msg[5:8] == b"\0\0\0" and (typ == NA and msg[4] & 0x1F == 0 or
                                                      typ == NS and msg[4] == 0)
        d["target"] = s6(msg[8:24])
        opts, q = [], 24
        d["slla"] = d["tlla"] = None
        while q + 2 <= len(msg):
            ot, ol = msg[q], msg[q + 1]
            if ol == 0:
                opts.append([ot, 0, ""])
                break
            body = msg[q:q + ol * 8]
            opts.append([ot, ol, body.hex()])
            if ot in (1, 2) and ol == 1:
                key = "slla" if ot == 1 else "tlla"
                if d[key] is None:
                    d[key] = mac_str(body[2:8])
            q += ol * 8
        d["opts"] = opts
    elif typ == MLD2 and len(msg) >= 8:
        d["mld_reserved"] = struct.unpack("!H", msg[4:6])[0]
        n = struct.unpack("!H", msg[6:8])[0]
        d["mld_nrec"] = n
        recs, q = [], 8
        for _ in range(n):
            if q + 20 > len(msg):
                break
            rt, aux, ns = struct.unpack("!BBH", msg[q:q + 4])
            recs.append({"type": rt, "aux": aux, "nsrc": ns, "group": s6(msg[q + 4:q + 20])})
            q += 20 + 16 * ns + 4 * aux
        d["mld_records"] = recs
        d["mld_len_ok"] = q == len(msg) and len(recs) == n
    elif typ in (ECHO_REQ, ECHO_REP) and len(msg) >= 8:
        d["echo_id"], d["echo_seq"] = struct.unpack("!HH", msg[4:8])
        d["echo_data"] = msg[8:].hex()
    return d


def open_sock(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, ETH_P_ALL))
    return s


def frames(s, seconds, stop=None):
    """Yield (frame, t0) received (not sent by us) for at most seconds."""
    t0 = time.monotonic()
    deadline = t0 + seconds
    while True:
        if stop is not None and stop[0] is not None:
            deadline = min(deadline, stop[0])
        left = deadline - time.monotonic()
        if left <= 0:
            return
        r, _, _ = select.select([s], [], [], left)
        if not r:
            continue
        fr, addr = s.recvfrom(65535)
        if addr[2] == PACKET_OUTGOING:
            continue
        yield fr, t0


# ------------------------------------------------------------------ sniff --
def cmd_sniff(a):
    want_dad = {s6(a6(x)) for x in a.want_dad}
    seen_dad, seen_mld = set(), False
    s = open_sock(a.iface)
    if a.ready:
        open(a.ready, "w").close()
    stop = [None]
    n = 0
    with open(a.out, "w") as out:
        for fr, t0 in frames(s, min(a.seconds, 30.0), stop):
            if mac_str(fr[6:12]) != a.from_mac.lower():
                continue
            d = decode(fr, t0)
            if d.get("ethertype") != ETH_P_IPV6:
                continue
            out.write(json.dumps(d) + "\n")
            out.flush()
            n += 1
            if d.get("icmp_type") == NS and d.get("src") == "::":
                seen_dad.add(d.get("target"))
            if d.get("icmp_type") == MLD2:
                seen_mld = True
            if (stop[0] is None and (want_dad or a.want_mld) and want_dad <= seen_dad
                    and (seen_mld or not a.want_mld)):
                stop[0] = time.monotonic() + a.settle_s
    print("sniff: %d IPv6 frames from %s" % (n, a.from_mac), file=sys.stderr)


# ------------------------------------------------------------- answer-dad --
def cmd_answer_dad(a):
    target = s6(a6(a.target))
    s = open_sock(a.iface)
    my_mac = mac_str(s.getsockname()[4][:6])
    if a.ready:
        open(a.ready, "w").close()
    for fr, t0 in frames(s, min(a.seconds, 30.0)):
        if mac_str(fr[6:12]) != a.from_mac.lower():
            continue
        d = decode(fr, t0)
        if d.get("icmp_type") == NS and d.get("src") == "::" and d.get("target") == target:
            t = a6(target)
            dst = a6("ff02::1")
            msg = struct.pack("!BBHB3x", NA, 0, 0, 0x20) + t + lla_opt(2, my_mac)
            s.send(icmp6_frame(mcast_mac(dst), mac_bytes(my_mac), t, dst, msg))
            print("answer-dad: DAD NS for %s at %.3f s answered by %s" % (target, d["t"], my_mac),
                  file=sys.stderr)
            print(json.dumps(d))
            return 0
    print("answer-dad: no DAD NS for %s seen" % target, file=sys.stderr)
    return 1


# ------------------------------------------------------------------- send --
def build(a, my_mac):
    smac = a.src_mac or my_mac
    src = a6(a.src)
    if a.kind == "ns":
        target = a6(a.target)
        dst = a6(a.dst) if a.dst else sn_of(target)
        msg = struct.pack("!BBHI", NS, a.code, 0, 0) + target
        slla = a.slla
        if slla is None and a.src != "::" and s6(src) != "::":
            slla = smac
        if slla and slla != "none":
            msg += lla_opt(1, slla, a.lla_units)
    elif a.kind == "na":
        target = a6(a.target)
        dst = a6(a.dst or "ff02::1")
        msg = struct.pack("!BBHB3x", NA, a.code, 0, int(a.flags, 0)) + target
        tlla = a.tlla or smac
        if tlla != "none":
            msg += lla_opt(2, tlla, a.lla_units)
    else:  # echo
        dst = a6(a.dst)
        msg = struct.pack("!BBHHH", ECHO_REQ, a.code, 0, a.echo_id, a.echo_seq)
        msg += bytes.fromhex(a.echo_data)
    if a.raw_opts:
        msg += bytes.fromhex(a.raw_opts)
    if a.truncate is not None:
        msg = msg[:a.truncate]
    dmac = mac_bytes(a.dst_mac) if a.dst_mac else (mcast_mac(dst) if dst[0] == 0xFF else None)
    if dmac is None:
        raise SystemExit("--dst-mac needed for a unicast destination")
    hlim = a.hop_limit if a.hop_limit is not None else (64 if a.kind == "echo" else 255)
    return icmp6_frame(dmac, mac_bytes(smac), src, dst, msg, hlim, a.bad_csum)


def cmd_send(a):
    if a.print_hex:  # no socket, nothing sent: for checking frames offline
        print(build(a, "02:00:00:00:00:01").hex())
        return
    s = open_sock(a.iface)
    my_mac = mac_str(s.getsockname()[4][:6])
    fr = build(a, my_mac)
    s.send(fr)
    d = decode(fr)
    print("sent %s %s -> %s (%s -> %s) %d bytes" % (a.kind.upper(), d.get("src"), d.get("dst"),
          d["eth_src"], d["eth_dst"], len(fr)), file=sys.stderr)
    n = 0
    for fr, t0 in frames(s, min(a.listen_ms, 10000) / 1000.0):
        if mac_str(fr[6:12]) != a.server_mac.lower():
            continue
        d = decode(fr, t0)
        if d.get("ethertype") != ETH_P_IPV6:
            continue
        print(json.dumps(d), flush=True)
        n += 1
    print("  %d IPv6 frames from %s within %d ms" % (n, a.server_mac, a.listen_ms),
          file=sys.stderr)


# ------------------------------------------------------------------ query --
def cmd_query(a):
    r = []
    try:
        with open(a.file) as f:
            r = [json.loads(x) for x in f if x.strip()]
    except OSError:
        pass
    try:
        v = eval(a.expr, {"r": r, "len": len, "any": any, "all": all, "sorted": sorted,
                          "set": set, "sum": sum, "min": min, "max": max})
    except Exception as e:  # noqa: BLE001: printed so the check fails readably
        v = "ERROR: %s: %s" % (type(e).__name__, e)
    if isinstance(v, bool):
        v = "true" if v else "false"
    elif v is None:
        v = ""
    elif isinstance(v, (list, tuple)):
        v = ",".join(str(x) for x in v)
    print(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ll")
    p.add_argument("mac")
    p = sub.add_parser("sn")
    p.add_argument("addr")
    p = sub.add_parser("query")
    p.add_argument("file")
    p.add_argument("expr")
    p = sub.add_parser("sniff")
    p.add_argument("--iface", required=True)
    p.add_argument("--from-mac", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--ready")
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--want-dad", action="append", default=[])
    p.add_argument("--want-mld", action="store_true")
    p.add_argument("--settle-s", type=float, default=2.0)
    p = sub.add_parser("answer-dad")
    p.add_argument("--iface", required=True)
    p.add_argument("--from-mac", required=True)
    p.add_argument("--target", required=True)
    p.add_argument("--ready")
    p.add_argument("--seconds", type=float, default=10.0)
    p = sub.add_parser("send")
    p.add_argument("--iface", required=True)
    p.add_argument("--server-mac", required=True)
    p.add_argument("--kind", choices=["ns", "na", "echo"], required=True)
    p.add_argument("--src-mac", help="Ethernet source (default: the interface's)")
    p.add_argument("--dst-mac", help="default: the group MAC of a multicast --dst")
    p.add_argument("--src", default="::")
    p.add_argument("--dst", help="NS: default the target's solicited-node group; NA: ff02::1")
    p.add_argument("--target")
    p.add_argument("--slla", help="NS: MAC or 'none' (default: --src-mac unless from ::)")
    p.add_argument("--tlla", help="NA: MAC or 'none' (default: --src-mac)")
    p.add_argument("--lla-units", type=int, default=1, help="link-layer option length (x8)")
    p.add_argument("--flags", default="0x20", help="NA flags byte (R 0x80, S 0x40, O 0x20)")
    p.add_argument("--code", type=int, default=0)
    p.add_argument("--hop-limit", type=int)
    p.add_argument("--bad-csum", action="store_true")
    p.add_argument("--raw-opts", help="hex appended to the ICMPv6 message")
    p.add_argument("--truncate", type=int, help="cut the ICMPv6 message to N bytes")
    p.add_argument("--echo-id", type=int, default=0xBF06)
    p.add_argument("--echo-seq", type=int, default=1)
    p.add_argument("--echo-data", default="626f6f746661726d2d6e6436")
    p.add_argument("--listen-ms", type=int, default=1000)
    p.add_argument("--print-hex", action="store_true", help="print the frame, send nothing")
    a = ap.parse_args()
    if a.cmd == "ll":
        print(s6(ll_of(a.mac)))
    elif a.cmd == "sn":
        print(s6(sn_of(a6(a.addr))))
    elif a.cmd == "query":
        cmd_query(a)
    elif a.cmd == "sniff":
        cmd_sniff(a)
    elif a.cmd == "answer-dad":
        return cmd_answer_dad(a)
    else:
        if a.kind in ("ns", "na") and not a.target:
            ap.error("--target is required for ns and na")
        if a.kind == "echo" and not a.dst:
            ap.error("--dst is required for echo")
        cmd_send(a)


if __name__ == "__main__":
    sys.exit(main())
