#!/usr/bin/env python3
"""Send one crafted DHCPv4 message as a raw Ethernet frame, print the replies.

Standard library only (AF_PACKET raw sockets, Linux, root). The message goes
out as a complete frame (Ethernet + IPv4 + UDP with correct checksums, since
the server drops bad ones), so the sending interface needs no IP address and
the test controls every byte a client or a relay agent would put on the wire:
addresses, ports, flags, giaddr, options.

The capture socket is opened before the message is sent (no race with a fast
server) and listens for --listen-ms (bounded to 10 s). A frame counts as a
reply when it comes from --server-mac, is IPv4 UDP from port 67 or 4011 and
carries a BOOTP message with our xid (--any-xid: any xid). Each reply is
printed as one JSON object per line (nothing is printed when there is none):

  eth_dst, eth_src, ip_src, ip_dst, ip_csum_ok, sport, dport, udp_csum_ok,
  udp_payload_len, dhcp: {op, htype, hlen, hops, xid, secs, flags, ciaddr,
  yiaddr, siaddr, giaddr, chaddr, sname, file, overload, options
  {code: hex}, option_order [codes as they appear], msg_type (53 decoded)}

Options are read like a client reads them: main area, then file, then sname
when option 52 says so; repeated codes concatenate (RFC 3396). sname/file
are reported as text only when they are not overloaded.
A summary goes to stderr. Exit status: 0 when sent (whatever came back).
"""
import argparse
import json
import os
import select
import socket
import struct
import sys
import time

from bfwire import csum, eth, ipv4, mac_bytes, opt, udp

ETH_P_IP = 0x0800
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
COOKIE = b"\x63\x82\x53\x63"

TYPES = {"discover": 1, "request": 3, "decline": 4, "release": 7, "inform": 8}
TYPE_NAMES = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE", 5: "ACK",
              6: "NAK", 7: "RELEASE", 8: "INFORM"}



def mac_str(b):
    return ":".join("%02x" % x for x in b)


def hex_bytes(s):
    return bytes.fromhex(s.replace(":", "").replace(" ", ""))



def udp_csum(src, dst, seg):
    """Checksum of a UDP segment (header with checksum 0) over the pseudo header.
    0 means "no checksum" in UDP, so a computed 0 is sent as 0xFFFF."""
    pseudo = src + dst + struct.pack("!BBH", 0, 17, len(seg))
    return csum(pseudo + seg) or 0xFFFF


def build_frame(dst_mac, src_mac, src_ip, dst_ip, sport, dport, payload):
    return eth(dst_mac, src_mac, ETH_P_IP,
               ipv4(src_ip, dst_ip, 17, udp(src_ip, dst_ip, sport, dport, payload)))



def build_dhcp(a, chaddr):
    """The BOOTREQUEST: fixed header, cookie, options in a client's usual order."""
    flags = 0x8000 if a.flags_broadcast else 0
    msg = struct.pack("!BBBBIHH4s4s4s4s", 1, 1, 6, a.hops, a.xid, 0, flags,
                      socket.inet_aton(a.ciaddr), socket.inet_aton("0.0.0.0"),
                      socket.inet_aton("0.0.0.0"), socket.inet_aton(a.giaddr))
    msg += chaddr + b"\0" * 10 + b"\0" * 64 + b"\0" * 128
    msg += COOKIE
    if a.malform == "opt53-len2":
        # two bytes where exactly one is allowed: the parser must reject it
        o = opt(53, bytes([TYPES[a.type], TYPES[a.type]]))
    else:
        o = opt(53, bytes([TYPES[a.type]]))
    if a.client_id:
        o += opt(61, hex_bytes(a.client_id))
    if a.requested_ip:
        o += opt(50, socket.inet_aton(a.requested_ip))
    if a.server_id:
        o += opt(54, socket.inet_aton(a.server_id))
    if a.max_size is not None:
        o += opt(57, struct.pack("!H", a.max_size))
    if a.prl:
        o += opt(55, bytes(int(x) for x in a.prl.split(",") if x))
    if a.vendor_class is not None:
        o += opt(60, a.vendor_class.encode())
    if a.arch is not None:
        o += opt(93, struct.pack("!H", a.arch))
    if a.uuid:
        u = hex_bytes(a.uuid)
        if len(u) != 16:
            raise ValueError("--uuid needs 16 bytes")
        o += opt(97, b"\0" + u)  # type 0: a GUID follows (RFC 4578)
    if a.user_class_ipxe:
        o += opt(77, b"iPXE")  # iPXE's own raw form, not RFC 3004's
    for spec in a.opt or ():
        code, _, val = spec.partition(":")
        o += opt(int(code), hex_bytes(val))  # e.g. PXE option 43 with sub-option 71
    if a.relay_info:
        o += opt(82, hex_bytes(a.relay_info))  # a relay appends it last
    msg += o
    if a.malform != "no-end":
        msg += b"\xff"
        # Clients pad to the BOOTP minimum (RFC 1542); after END only.
        if len(msg) < 300:
            msg += b"\0" * (300 - len(msg))
    return msg


def parse_options(area, where, opts, order, overload):
    """Walk one options area; append to opts (concatenating repeats)."""
    i = 0
    while i < len(area):
        code = area[i]
        if code == 0:
            i += 1
            continue
        if code == 255:
            return True
        if i + 1 >= len(area) or i + 2 + area[i + 1] > len(area):
            return False  # runs past the area
        val = area[i + 2:i + 2 + area[i + 1]]
        if code == 52 and where == "main" and len(val) == 1:
            overload[0] = val[0]
        opts[code] = opts.get(code, b"") + val
        order.append(code)
        i += 2 + len(val)
    return False  # no END


def cstr(b):
    return b.split(b"\0", 1)[0].decode("latin-1")


def parse_dhcp(p):
    if len(p) < 240 or p[236:240] != COOKIE:
        return None
    (op, htype, hlen, hops, xid, secs, flags) = struct.unpack("!BBBBIHH", p[:12])
    ips = [socket.inet_ntoa(p[12 + 4 * k:16 + 4 * k]) for k in range(4)]
    d = {"op": op, "htype": htype, "hlen": hlen, "hops": hops, "xid": xid,
         "secs": secs, "flags": flags, "ciaddr": ips[0], "yiaddr": ips[1],
         "siaddr": ips[2], "giaddr": ips[3], "chaddr": mac_str(p[28:28 + min(hlen, 16)])}
    opts, order, overload = {}, [], [0]
    end_main = parse_options(p[240:], "main", opts, order, overload)
    end_file = end_sname = None
    if overload[0] & 1:
        end_file = parse_options(p[108:236], "file", opts, order, overload)
    if overload[0] & 2:
        end_sname = parse_options(p[44:108], "sname", opts, order, overload)
    d["sname"] = "" if overload[0] & 2 else cstr(p[44:108])
    d["file"] = "" if overload[0] & 1 else cstr(p[108:236])
    d["overload"] = overload[0]
    d["end_found"] = {"main": end_main, "file": end_file, "sname": end_sname}
    d["options"] = {str(k): v.hex() for k, v in opts.items()}
    d["option_order"] = order
    mt = opts.get(53)
    d["msg_type"] = TYPE_NAMES.get(mt[0], str(mt[0])) if mt and len(mt) == 1 else None
    return d


def parse_reply(fr, server_mac):
    """A JSON-able dict for a server's DHCP frame, or None for anything else."""
    if len(fr) < 14 + 20 + 8 or fr[6:12] != server_mac:
        return None
    if struct.unpack("!H", fr[12:14])[0] != ETH_P_IP:
        return None
    ip = fr[14:]
    ihl = (ip[0] & 0xF) * 4
    tot = struct.unpack("!H", ip[2:4])[0]
    if ip[0] >> 4 != 4 or ip[9] != 17 or ihl < 20 or tot > len(ip) or tot < ihl + 8:
        return None
    seg = ip[ihl:tot]
    sport, dport, ulen, ucs = struct.unpack("!HHHH", seg[:8])
    if sport not in (67, 4011) or ulen > len(seg) or ulen < 8:
        return None
    seg = seg[:ulen]
    src, dst = ip[12:16], ip[16:20]
    # A checksum field of 0 means none was computed (legal, but report it).
    udp_ok = ucs != 0 and udp_csum(src, dst, seg[:6] + b"\0\0" + seg[8:]) == ucs
    d = parse_dhcp(seg[8:])
    if d is None:
        return None
    return {"eth_dst": mac_str(fr[0:6]), "eth_src": mac_str(fr[6:12]),
            "ip_src": socket.inet_ntoa(src), "ip_dst": socket.inet_ntoa(dst),
            "ip_csum_ok": csum(ip[:ihl]) == 0, "sport": sport, "dport": dport,
            "udp_csum_ok": udp_ok, "udp_payload_len": ulen - 8, "dhcp": d}


def iface_mac(iface):
    with open("/sys/class/net/%s/address" % iface) as f:
        return f.read().strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iface", required=True)
    ap.add_argument("--server-mac", required=True, help="replies come from this MAC")
    ap.add_argument("--type", choices=sorted(TYPES), default="discover")
    ap.add_argument("--xid", type=lambda s: int(s, 0), default=None,
                    help="default: random")
    ap.add_argument("--chaddr", help="default: the interface's MAC")
    ap.add_argument("--src-mac", help="Ethernet source; default: the interface's MAC")
    ap.add_argument("--flags-broadcast", action="store_true")
    ap.add_argument("--hops", type=int, default=0)
    ap.add_argument("--ciaddr", default="0.0.0.0")
    ap.add_argument("--giaddr", default="0.0.0.0")
    ap.add_argument("--src-ip", default="0.0.0.0")
    ap.add_argument("--dst-ip", default="255.255.255.255")
    ap.add_argument("--src-port", type=int, default=68, help="67 when acting as a relay")
    ap.add_argument("--dst-port", type=int, default=67)
    ap.add_argument("--dst-mac", default="ff:ff:ff:ff:ff:ff")
    ap.add_argument("--requested-ip", help="option 50")
    ap.add_argument("--server-id", help="option 54")
    ap.add_argument("--client-id", help="option 61, hex")
    ap.add_argument("--arch", type=int, help="option 93")
    ap.add_argument("--vendor-class", help="option 60")
    ap.add_argument("--uuid", help="option 97: 16 bytes hex (type 0 is prefixed)")
    ap.add_argument("--user-class-ipxe", action="store_true", help='option 77 = raw "iPXE"')
    ap.add_argument("--prl", help="option 55, comma separated codes")
    ap.add_argument("--relay-info", help="option 82, hex")
    ap.add_argument("--opt", action="append", help="any option, CODE:HEX (repeatable)")
    ap.add_argument("--max-size", type=int, help="option 57")
    ap.add_argument("--malform", choices=("no-end", "opt53-len2"),
                    help="break the message in one way the parser must reject")
    ap.add_argument("--listen-ms", type=int, default=1000)
    ap.add_argument("--any-xid", action="store_true", help="report replies with any xid")
    a = ap.parse_args()
    if not 0 <= a.listen_ms <= 10000:
        ap.error("--listen-ms must be 0..10000")
    if a.xid is None:
        a.xid = struct.unpack("!I", os.urandom(4))[0]
    own = mac_bytes(iface_mac(a.iface))
    chaddr = mac_bytes(a.chaddr) if a.chaddr else own
    src_mac = mac_bytes(a.src_mac) if a.src_mac else own
    server = mac_bytes(a.server_mac)

    payload = build_dhcp(a, chaddr)
    frame = build_frame(mac_bytes(a.dst_mac), src_mac, socket.inet_aton(a.src_ip),
                        socket.inet_aton(a.dst_ip), a.src_port, a.dst_port, payload)

    # ETH_P_ALL sees every frame on the link, also unicast to other MACs
    # (a reply to a chaddr that is not ours arrives as PACKET_OTHERHOST).
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((a.iface, ETH_P_ALL))
    s.send(frame)
    print("dhcp4probe: sent %s xid 0x%08x, %d bytes (DHCP %d) on %s"
          % (a.type.upper(), a.xid, len(frame), len(payload), a.iface), file=sys.stderr)

    replies = other = 0
    until = time.monotonic() + a.listen_ms / 1000.0
    while True:
        left = until - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([s], [], [], left)
        if not r:
            break
        fr, addr = s.recvfrom(65535)
        if addr[2] == PACKET_OUTGOING:
            continue
        rep = parse_reply(fr, server)
        if rep is None:
            continue
        if not a.any_xid and rep["dhcp"]["xid"] != a.xid:
            other += 1
            continue
        replies += 1
        print(json.dumps(rep, sort_keys=True), flush=True)
    s.close()
    print("dhcp4probe: %d replies (%d with another xid ignored)" % (replies, other),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
