#!/usr/bin/env python3
"""Send one crafted DHCPv6 message, print the decoded replies.

Standard library only (kernel UDP sockets, Linux, root for port 546/547 and
SO_BINDTODEVICE). Two ways to send:

  client (default)  bound to [::]:546 on --iface, to ff02::1:2 port 547 with
                    the interface's scope id (the client's link-local is the
                    source, so it must not be tentative any more);
  relay (--relay-src ADDR)
                    the message is wrapped in Relay-forward layers
                    (--link, --peer, --interface-id, --relay-depth) and sent
                    from [ADDR]:547 to [--dst]:547 (unicast); Relay-replies
                    come back to that socket.

The message is built from the command line: type, xid, client DUID, one
IA_NA (--iaid, with --ia-addr addresses for Confirm/Renew/Release/...), ORO,
rapid commit, user class "iPXE", vendor class (enterprise --enterprise, 343
by default), client architecture, server id, elapsed time; --no-client-id and
--truncate-option break it in ways a server must reject.

Each reply whose (innermost) transaction id is ours is printed as lines the
test greps, for example:

  relay_repl hops 0 link fd00:99::1 peer fe80::5 interface_id port7
  type 7 REPLY
  xid 0x00bf01
  server_id 00030001020000000001
  client_id 00030001aabbccddeeff
  status 0 ok
  preference 255
  rapid_commit
  ia_na iaid 1 t1 1800 t2 2880
  iaaddr fd00:99::1a2 pref 3600 valid 7200
  ia_status 2 no addresses
  dns fd00:99::1
  domains lab.example
  info_refresh 86400
  bootfile_url tftp://[fd00:99::1]/ipxe.efi
  vendor_class 343 HTTPClient
  opt 99 0a0b          (any other option, hex)

A reply ends with the line "end". Nothing is printed on stdout when no reply
came; a summary goes to stderr. Exit status 0 when the message was sent.
"""
import argparse
import ipaddress
import os
import select
import socket
import struct
import sys
import time

TYPES = {"solicit": 1, "request": 3, "confirm": 4, "renew": 5, "rebind": 6,
         "release": 8, "decline": 9, "info-request": 11}
NAMES = {1: "SOLICIT", 2: "ADVERTISE", 3: "REQUEST", 4: "CONFIRM", 5: "RENEW",
         6: "REBIND", 7: "REPLY", 8: "RELEASE", 9: "DECLINE", 10: "RECONFIGURE",
         11: "INFORMATION-REQUEST", 12: "RELAY-FORW", 13: "RELAY-REPL"}
ALL_SERVERS = "ff02::1:2"
SO_BINDTODEVICE = getattr(socket, "SO_BINDTODEVICE", 25)


def opt(code, val=b""):
    return struct.pack("!HH", code, len(val)) + val


def hexb(s):
    return bytes.fromhex(s.replace(":", "").replace(" ", ""))


def a16(s):
    return ipaddress.IPv6Address(s).packed


def ntop(b):
    return str(ipaddress.IPv6Address(bytes(b)))


def iface_mac(iface):
    with open("/sys/class/net/%s/address" % iface) as f:
        return hexb(f.read().strip())


def build_msg(a, duid):
    mtype = TYPES.get(a.type) if a.type in TYPES else int(a.type, 0)
    m = struct.pack("!I", (mtype << 24) | (a.xid & 0xFFFFFF))
    if not a.no_client_id:
        m += opt(1, duid)
    if a.server_id:
        m += opt(2, hexb(a.server_id))
    if a.iaid is not None:
        sub = b"".join(opt(5, a16(x) + struct.pack("!II", a.addr_pref, a.addr_valid))
                       for x in a.ia_addr or ())
        m += opt(3, struct.pack("!III", a.iaid, 0, 0) + sub)
    if a.oro:
        codes = [int(x) for x in a.oro.split(",") if x]
        m += opt(6, struct.pack("!%dH" % len(codes), *codes))
    m += opt(8, struct.pack("!H", a.elapsed))
    if a.rapid_commit:
        m += opt(14)
    if a.user_class_ipxe:
        m += opt(15, struct.pack("!H", 4) + b"iPXE")
    if a.vendor_class is not None:
        item = a.vendor_class.encode()
        m += opt(16, struct.pack("!IH", a.enterprise, len(item)) + item)
    if a.arch is not None:
        m += opt(61, struct.pack("!H", a.arch))
    if a.lladdr:  # RFC 6939 client link-layer address (Ethernet)
        m += opt(79, struct.pack("!H", 1) + hexb(a.lladdr))
    if a.truncate_option:
        # An option header that claims 16 bytes with only 2 behind it.
        m += struct.pack("!HH", 8, 16) + b"\0\0"
    return m


def wrap_relay(a, inner):
    """Relay-forward layers around inner; the outermost has the highest hop count."""
    msg = inner
    for k in range(a.relay_depth):
        hops = a.relay_hops + k
        body = opt(9, msg)
        if a.interface_id is not None and k == 0:
            body = opt(18, a.interface_id.encode()) + body
        if a.relay_lladdr and k == 0:  # RFC 6939: the relay tells the client's MAC
            body = opt(79, struct.pack("!H", 1) + hexb(a.relay_lladdr)) + body
        msg = struct.pack("!BB", 12, hops & 0xFF) + a16(a.link) + a16(a.peer) + body
    return msg


def walk(p):
    """(code, value) of each option in p; stops at a truncated one."""
    i, out = 0, []
    while i + 4 <= len(p):
        code, ln = struct.unpack("!HH", p[i:i + 4])
        if i + 4 + ln > len(p):
            out.append((-1, p[i:]))
            break
        out.append((code, p[i + 4:i + 4 + ln]))
        i += 4 + ln
    return out


def text(b):
    try:
        s = b.decode()
    except UnicodeDecodeError:
        return b.hex()
    return s if s.isprintable() and s else b.hex()


def names(wire):
    """RFC 1035 names, uncompressed, as dotted text without the trailing dot."""
    out, cur, i = [], [], 0
    while i < len(wire):
        n = wire[i]
        i += 1
        if n == 0:
            out.append(".".join(cur))
            cur = []
            continue
        cur.append(wire[i:i + n].decode("latin-1"))
        i += n
    if cur:
        out.append(".".join(cur) + "(unterminated)")
    return out


def status_line(tag, v):
    code = struct.unpack("!H", v[:2])[0] if len(v) >= 2 else -1
    return "%s %d %s" % (tag, code, v[2:].decode("utf-8", "replace"))


def decode_msg(p, lines):
    if len(p) < 4:
        lines.append("short %s" % p.hex())
        return None
    mtype = p[0]
    xid = struct.unpack("!I", b"\0" + p[1:4])[0]
    lines.append("type %d %s" % (mtype, NAMES.get(mtype, "?")))
    lines.append("xid 0x%06x" % xid)
    for code, v in walk(p[4:]):
        if code == -1:
            lines.append("truncated %s" % v.hex())
        elif code == 1:
            lines.append("client_id %s" % v.hex())
        elif code == 2:
            lines.append("server_id %s" % v.hex())
        elif code in (3, 4):
            if code == 3 and len(v) >= 12:
                iaid, t1, t2 = struct.unpack("!III", v[:12])
                lines.append("ia_na iaid %d t1 %d t2 %d" % (iaid, t1, t2))
                subs = v[12:]
            else:
                iaid = struct.unpack("!I", v[:4])[0] if len(v) >= 4 else -1
                lines.append("ia_%s iaid %d" % ("ta" if code == 4 else "na", iaid))
                subs = v[4:]
            for sc, sv in walk(subs):
                if sc == 5 and len(sv) >= 24:
                    pref, valid = struct.unpack("!II", sv[16:24])
                    lines.append("iaaddr %s pref %d valid %d" % (ntop(sv[:16]), pref, valid))
                    for c2, v2 in walk(sv[24:]):
                        if c2 == 13:
                            lines.append(status_line("iaaddr_status", v2))
                elif sc == 13:
                    lines.append(status_line("ia_status", sv))
                else:
                    lines.append("ia_opt %d %s" % (sc, sv.hex()))
        elif code == 7:
            lines.append("preference %d" % (v[0] if v else -1))
        elif code == 13:
            lines.append(status_line("status", v))
        elif code == 14:
            lines.append("rapid_commit")
        elif code == 16:
            ent = struct.unpack("!I", v[:4])[0] if len(v) >= 4 else -1
            items, i = [], 4
            while i + 2 <= len(v):
                n = struct.unpack("!H", v[i:i + 2])[0]
                items.append(text(v[i + 2:i + 2 + n]))
                i += 2 + n
            lines.append("vendor_class %d %s" % (ent, " ".join(items)))
        elif code == 23:
            lines.append("dns %s" % " ".join(ntop(v[i:i + 16]) for i in range(0, len(v) - 15, 16)))
        elif code == 24:
            lines.append("domains %s" % " ".join(names(v)))
        elif code == 32:
            lines.append("info_refresh %d" % (struct.unpack("!I", v)[0] if len(v) == 4 else -1))
        elif code == 59:
            lines.append("bootfile_url %s" % v.decode("utf-8", "replace"))
        elif code == 60:  # RFC 5970 3.2: length-prefixed parameters
            ps, o = [], 0
            while o + 2 <= len(v):
                n = struct.unpack("!H", v[o:o + 2])[0]
                ps.append(text(v[o + 2:o + 2 + n]))
                o += 2 + n
            lines.append("bootfile_param " + " | ".join(ps))
        else:
            lines.append("opt %d %s" % (code, v.hex()))
    return xid


def decode(p, lines):
    """Relay-reply layers, then the message; returns the inner xid."""
    depth = 0
    while len(p) >= 34 and p[0] in (12, 13) and depth < 40:
        inner = None
        extra = []
        for code, v in walk(p[34:]):
            if code == 9:
                inner = v
            elif code == 18:
                extra.append("interface_id %s" % text(v))
            else:
                extra.append("relay_opt %d %s" % (code, v.hex()))
        lines.append(" ".join(["relay_%s hops %d link %s peer %s" % (
            "repl" if p[0] == 13 else "forw", p[1], ntop(p[2:18]), ntop(p[18:34]))] + extra))
        if inner is None:
            lines.append("no_relay_msg")
            return None
        p = inner
        depth += 1
    return decode_msg(p, lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iface", required=True)
    ap.add_argument("--type", default="solicit",
                    help="|".join(sorted(TYPES)) + " or a number")
    ap.add_argument("--xid", type=lambda s: int(s, 0), default=None, help="default: random")
    ap.add_argument("--duid", help="client DUID hex; default DUID-LL of the interface")
    ap.add_argument("--no-client-id", action="store_true")
    ap.add_argument("--iaid", type=lambda s: int(s, 0), help="add an IA_NA with this IAID")
    ap.add_argument("--ia-addr", action="append", help="IAADDR inside the IA_NA (repeatable)")
    ap.add_argument("--addr-pref", type=int, default=0)
    ap.add_argument("--addr-valid", type=int, default=0)
    ap.add_argument("--oro", help="option request codes, comma separated")
    ap.add_argument("--elapsed", type=int, default=0)
    ap.add_argument("--rapid-commit", action="store_true")
    ap.add_argument("--user-class-ipxe", action="store_true")
    ap.add_argument("--vendor-class", help="one vendor class item (text)")
    ap.add_argument("--enterprise", type=int, default=343)
    ap.add_argument("--arch", type=int, help="client architecture type (option 61)")
    ap.add_argument("--lladdr", help="client link-layer address option 79 (MAC)")
    ap.add_argument("--relay-lladdr", help="relay mode: option 79 in the innermost layer")
    ap.add_argument("--server-id", help="server DUID hex")
    ap.add_argument("--truncate-option", action="store_true",
                    help="end with an option whose length runs past the message")
    ap.add_argument("--relay-src", help="act as a relay: send from [ADDR]:547")
    ap.add_argument("--dst", default=ALL_SERVERS, help="relay mode: the server's address")
    ap.add_argument("--link", default="::", help="relay link-address")
    ap.add_argument("--peer", default="fe80::5", help="relay peer-address")
    ap.add_argument("--interface-id", help="relay INTERFACE_ID (text), innermost layer")
    ap.add_argument("--relay-depth", type=int, default=1, help="relay layers (relay mode)")
    ap.add_argument("--relay-hops", type=int, default=0, help="innermost layer's hop count")
    ap.add_argument("--listen-ms", type=int, default=1500)
    a = ap.parse_args()
    if not 0 <= a.listen_ms <= 10000:
        ap.error("--listen-ms must be 0..10000")
    if a.xid is None:
        a.xid = struct.unpack("!I", b"\0" + os.urandom(3))[0]
    a.xid &= 0xFFFFFF
    duid = hexb(a.duid) if a.duid else b"\0\x03\0\x01" + iface_mac(a.iface)
    ifindex = socket.if_nametoindex(a.iface)

    msg = build_msg(a, duid)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, a.iface.encode())
    if a.relay_src:
        msg = wrap_relay(a, msg)
        s.bind((a.relay_src, 547))
        dst = (a.dst, 547, 0, ifindex if a.dst.lower().startswith(("fe80", "ff02")) else 0)
    else:
        s.bind(("::", 546))
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
        dst = (a.dst, 547, 0, ifindex)
    s.sendto(msg, dst)
    print("dhcp6probe: sent %s xid 0x%06x, %d bytes to [%s]:547%s"
          % (a.type, a.xid, len(msg), a.dst, " as relay" if a.relay_src else ""),
          file=sys.stderr)

    replies = other = 0
    until = time.monotonic() + a.listen_ms / 1000.0
    while True:
        left = until - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([s], [], [], left)
        if not r:
            break
        data, src = s.recvfrom(65535)
        lines = []
        xid = decode(data, lines)
        if xid != a.xid:
            other += 1
            continue
        replies += 1
        print("from %s port %d" % (src[0].split("%")[0], src[1]))
        print("\n".join(lines))
        print("end", flush=True)
        # Duplicates would show within a short while; no need to wait longer.
        until = min(until, time.monotonic() + 0.3)
    s.close()
    print("dhcp6probe: %d replies (%d other ignored)" % (replies, other), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
