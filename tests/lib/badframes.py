#!/usr/bin/env python3
"""Send a fixed list of malformed Ethernet frames on an interface.

Standard library only (AF_PACKET raw socket, Linux, root). Each frame is built
so that every layer below the one being broken is valid (correct checksums
and lengths), so the frame reaches exactly the check it is meant to trip.

Every frame has a class:
  must  a correct server drops it and counts a drop_* counter (the counter
        named is the one bf_counters.def suggests; the server may pick another
        drop_* name, so only the sum is asserted);
  may   the server may legitimately answer it (an ERROR, an option ignored) or
        the Linux receive path may not deliver it intact (VLAN tags), so it
        only has to survive it.

Bounded: one pass over the list by default, --repeat N (<= 1000) passes,
--gap-ms between frames, 120 s at most. With --listen-ms it also counts the
frames the server (--dst-mac as source) sent while the list went out and for
that long afterwards: after "must" frames alone a correct server sent nothing.
The last line is machine readable:
  BADFRAMES sent=N must_drop=M may=K replies=R
"""
import argparse
import select
import socket
import struct
import sys
import time

from bfwire import csum, eth, ip_bytes, ipv4, mac_bytes, opt, udp  # noqa: F401

ETH_P_IP = 0x0800
ETH_P_8021Q = 0x8100
ETH_P_8021AD = 0x88A8
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def dhcp(chaddr, options, cookie=b"\x63\x82\x53\x63", xid=0x0BF0BAD0, end=True,
         total=None):
    """A BOOTREQUEST; options is raw bytes after the cookie. total truncates."""
    msg = struct.pack("!BBBBIHH4s4s4s4s", 1, 1, 6, 0, xid, 0, 0x8000,
                      b"\0" * 4, b"\0" * 4, b"\0" * 4, b"\0" * 4)
    msg += chaddr + b"\0" * 10 + b"\0" * 64 + b"\0" * 128  # chaddr pad, sname, file
    msg += cookie + options + (b"\xff" if end else b"")
    if total is not None:
        msg = msg[:total]
    return msg



class Builder:
    def __init__(self, a):
        self.a = a
        self.smac = mac_bytes(a.src_mac)
        self.dmac = mac_bytes(a.dst_mac)
        self.bcast = b"\xff" * 6
        self.sip = ip_bytes(a.src_ip)
        self.dip = ip_bytes(a.dst_ip)
        self.zero = ip_bytes("0.0.0.0")
        self.allones = ip_bytes("255.255.255.255")
        # A fixed locally administered chaddr: the server may remember it.
        self.chaddr = mac_bytes("02:bf:ba:d0:00:01")

    # A DISCOVER as a real client sends it: 0.0.0.0 -> broadcast, port 68->67.
    def discover_opts(self):
        return opt(53, b"\x01") + opt(55, bytes([1, 3, 6, 15, 67]))

    def dhcp_frame(self, payload, src_mac=None, tags=(), **ipkw):
        u = udp(self.zero, self.allones, 68, 67, payload)
        return eth(self.bcast, src_mac or self.smac, ETH_P_IP,
                   ipv4(self.zero, self.allones, 17, u, **ipkw), tags)

    def tftp_frame(self, payload, sip=None, sport=40069):
        sip = sip or self.sip
        u = udp(sip, self.dip, sport, 69, payload)
        return eth(self.dmac, self.smac, ETH_P_IP, ipv4(sip, self.dip, 17, u))

    def rrq(self, name, mode=b"octet", opts=()):
        p = b"\x00\x01" + name + b"\0" + mode + b"\0"
        for k, v in opts:
            p += k + b"\0" + v + b"\0"
        return p

    def frames(self):
        """Yield (name, class, expected counter, frame bytes)."""
        ok_dhcp = dhcp(self.chaddr, self.discover_opts())
        img = self.a.tftp_name.encode()

        # ---- frames shorter than their headers
        # (AF_PACKET refuses frames shorter than the 14-byte Ethernet header,
        # so the shortest frame is a bare header announcing IPv4.)
        yield ("eth_header_only_ipv4", "must", "drop_ip_short",
               eth(self.dmac, self.smac, ETH_P_IP, b""))
        yield ("trunc_ip_header", "must", "drop_ip_short",
               eth(self.dmac, self.smac, ETH_P_IP, ipv4(self.sip, self.dip, 17, b"")[:10]))
        u = udp(self.sip, self.dip, 40000, 69, b"")[:4]
        yield ("trunc_udp_header", "must", "drop_udp_short",
               eth(self.dmac, self.smac, ETH_P_IP, ipv4(self.sip, self.dip, 17, u)))

        # ---- IPv4 header
        yield "ip_ihl_4", "must", "drop_ip_ihl", self.dhcp_frame(ok_dhcp, ihl=4)
        u = udp(self.sip, self.dip, 40000, 69, self.rrq(img))
        yield ("ip_ihl_15_beyond_frame", "must", "drop_ip_ihl",
               eth(self.dmac, self.smac, ETH_P_IP,
                   ipv4(self.sip, self.dip, 17, u[:12], ihl=15, tot_len=32)))
        yield ("ip_total_len_gt_frame", "must", "drop_ip_len",
               self.dhcp_frame(ok_dhcp, tot_len=20 + 8 + len(ok_dhcp) + 700))
        yield ("ip_total_len_lt_header", "must", "drop_ip_len",
               self.dhcp_frame(ok_dhcp, tot_len=12))
        yield "ip_bad_checksum", "must", "drop_ip_csum", self.dhcp_frame(ok_dhcp, ip_csum=0x1234)

        # ---- fragments carrying DHCP and TFTP (first and non-first)
        # "may": DPDK's net_af_packet joins a PACKET_FANOUT group with
        # PACKET_FANOUT_FLAG_DEFRAG, so the kernel reassembles fragments before
        # the server sees them (a lone fragment never arrives; a complete pair
        # arrives as one whole datagram and may be answered). The server's own
        # fragment drop (drop_ip_frag) is covered by tests/unit/test_net.c and
        # the frame fuzz corpus, where frames reach the classifier untouched.
        u = udp(self.zero, self.allones, 68, 67, ok_dhcp)
        yield ("frag_dhcp_first_MF", "may", "drop_ip_frag",
               eth(self.bcast, self.smac, ETH_P_IP,
                   ipv4(self.zero, self.allones, 17, u[:256], flags_frag=0x2000)))
        yield ("frag_dhcp_second", "may", "drop_ip_frag",
               eth(self.bcast, self.smac, ETH_P_IP,
                   ipv4(self.zero, self.allones, 17, u[256:], flags_frag=256 // 8)))
        u = udp(self.sip, self.dip, 40001, 69, self.rrq(img))
        yield ("frag_tftp_first_MF", "may", "drop_ip_frag",
               eth(self.dmac, self.smac, ETH_P_IP,
                   ipv4(self.sip, self.dip, 17, u, flags_frag=0x2000)))
        yield ("frag_tftp_offset", "may", "drop_ip_frag",
               eth(self.dmac, self.smac, ETH_P_IP,
                   ipv4(self.sip, self.dip, 17, u, flags_frag=0x2000 | 8)))

        # ---- UDP header
        u = udp(self.zero, self.allones, 68, 67, ok_dhcp, length=8 + len(ok_dhcp) + 100)
        yield ("udp_len_gt_payload", "must", "drop_udp_len",
               eth(self.bcast, self.smac, ETH_P_IP, ipv4(self.zero, self.allones, 17, u)))
        u = udp(self.zero, self.allones, 68, 67, ok_dhcp, length=4)
        yield ("udp_len_lt_8", "must", "drop_udp_len",
               eth(self.bcast, self.smac, ETH_P_IP, ipv4(self.zero, self.allones, 17, u)))
        good = udp(self.zero, self.allones, 68, 67, ok_dhcp)
        bad = struct.unpack("!H", good[6:8])[0] ^ 0x5A5A or 1
        u = udp(self.zero, self.allones, 68, 67, ok_dhcp, udp_csum=bad)
        yield ("udp_bad_checksum_dhcp", "must", "drop_udp_csum",
               eth(self.bcast, self.smac, ETH_P_IP, ipv4(self.zero, self.allones, 17, u)))
        good = udp(self.sip, self.dip, 40002, 69, self.rrq(img))
        bad = struct.unpack("!H", good[6:8])[0] ^ 0x5A5A or 1
        u = udp(self.sip, self.dip, 40002, 69, self.rrq(img), udp_csum=bad)
        yield ("udp_bad_checksum_tftp", "must", "drop_udp_csum",
               eth(self.dmac, self.smac, ETH_P_IP, ipv4(self.sip, self.dip, 17, u)))

        # ---- DHCPv4 message
        yield ("dhcp_shorter_than_236", "must", "drop_dhcp4_malformed",
               self.dhcp_frame(dhcp(self.chaddr, b"", total=200)))
        yield ("dhcp_no_magic_cookie", "must", "drop_dhcp4_malformed",
               self.dhcp_frame(dhcp(self.chaddr, self.discover_opts(), cookie=b"\0\0\0\0")))
        yield ("dhcp_option_past_end", "must", "drop_dhcp4_malformed",
               self.dhcp_frame(dhcp(self.chaddr, opt(53, b"\x01") + b"\x0c\xc8" + b"host",
                                    end=False)))
        yield ("dhcp_no_end_option", "may", "drop_dhcp4_malformed",
               self.dhcp_frame(dhcp(self.chaddr, self.discover_opts(), end=False)))
        yield ("dhcp_option53_missing", "must", "drop_dhcp4_bad_msgtype",
               self.dhcp_frame(dhcp(self.chaddr, opt(55, bytes([1, 3, 6])))))
        yield ("dhcp_option53_len2", "must", "drop_dhcp4_malformed",
               self.dhcp_frame(dhcp(self.chaddr, opt(53, b"\x01\x01"))))

        # ---- TFTP request
        yield ("tftp_rrq_no_nul", "must", "drop_tftp_malformed",
               self.tftp_frame(b"\x00\x01" + img))
        yield ("tftp_rrq_mode_no_nul", "must", "drop_tftp_malformed",
               self.tftp_frame(b"\x00\x01" + img + b"\0octet"))
        # The largest name one frame holds at this MTU.
        room = self.a.mtu - 20 - 8 - 2 - 1 - len(b"octet") - 1
        yield ("tftp_rrq_max_frame_name", "may", "drop_tftp_malformed",
               self.tftp_frame(self.rrq(b"A" * room)))
        yield ("tftp_rrq_dotdot", "may", "tftp_not_found",
               self.tftp_frame(self.rrq(b"../../../../etc/passwd"), sport=40010))
        yield ("tftp_rrq_blksize_7", "may", "tftp_bad_option",
               self.tftp_frame(self.rrq(img, opts=[(b"blksize", b"7")]), sport=40011))
        yield ("tftp_rrq_blksize_65465", "may", "tftp_bad_option",
               self.tftp_frame(self.rrq(img, opts=[(b"blksize", b"65465")]), sport=40012))
        yield "tftp_error_2_bytes", "may", "drop_tftp_malformed", self.tftp_frame(b"\x00\x05")

        # ---- source addresses nobody may send from
        u = udp(self.allones, self.dip, 40020, 69, self.rrq(img))
        yield ("src_ip_broadcast_tftp", "must", "drop_ip_src",
               eth(self.dmac, self.smac, ETH_P_IP, ipv4(self.allones, self.dip, 17, u)))
        yield ("src_mac_multicast_dhcp", "must", "drop_src_mac",
               self.dhcp_frame(ok_dhcp, src_mac=mac_bytes("01:00:5e:00:00:01")))

        # ---- VLAN tags. The Linux receive path strips or refuses tags before
        # the server's af_packet socket sees them, so these are "may".
        yield ("vlan_tagged_dhcp", "may", "drop_vlan",
               self.dhcp_frame(ok_dhcp, tags=[(ETH_P_8021Q, 5)]))
        yield ("vlan_double_tagged_dhcp", "may", "drop_vlan",
               self.dhcp_frame(ok_dhcp, tags=[(ETH_P_8021AD, 7), (ETH_P_8021Q, 5)]))
        yield ("vlan_truncated_tag", "may", "drop_vlan",
               self.bcast + self.smac + struct.pack("!H", ETH_P_8021Q) + b"\x00")


def describe(fr):
    """One line about a frame the server sent (for the log)."""
    et = struct.unpack("!H", fr[12:14])[0] if len(fr) >= 14 else 0
    if et == ETH_P_IP and len(fr) >= 34:
        ihl = (fr[14] & 0xF) * 4
        proto = fr[23]
        src, dst = socket.inet_ntoa(fr[26:30]), socket.inet_ntoa(fr[30:34])
        if proto == 17 and len(fr) >= 14 + ihl + 8:
            sp, dp = struct.unpack("!HH", fr[14 + ihl:18 + ihl])
            return "IPv4 UDP %s:%d -> %s:%d, %d bytes" % (src, sp, dst, dp, len(fr))
        return "IPv4 proto %d %s -> %s, %d bytes" % (proto, src, dst, len(fr))
    return "ethertype 0x%04x, %d bytes" % (et, len(fr))


def iface_attr(iface, attr):
    with open("/sys/class/net/%s/%s" % (iface, attr)) as f:
        return f.read().strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iface", required=True, help="interface to send on")
    ap.add_argument("--dst-mac", required=True, help="the server's MAC (unicast frames)")
    ap.add_argument("--src-mac", help="default: the interface's MAC")
    ap.add_argument("--src-ip", default="10.77.0.50")
    ap.add_argument("--dst-ip", default="10.77.0.1")
    ap.add_argument("--tftp-name", default="small.bin",
                    help="an image that exists, for requests with bad options")
    ap.add_argument("--mtu", type=int, help="default: the interface's MTU")
    ap.add_argument("--repeat", type=int, default=1, help="passes over the list (1..1000)")
    ap.add_argument("--gap-ms", type=float, default=2.0, help="pause between frames")
    ap.add_argument("--only", nargs="*", help="send only these frame names")
    ap.add_argument("--class", dest="cls", choices=("all", "must", "may"), default="all",
                    help="send only frames of this class")
    ap.add_argument("--listen-ms", type=int, default=0,
                    help="count frames from --dst-mac until this long after the last send")
    ap.add_argument("--list", action="store_true", help="print the list, send nothing")
    a = ap.parse_args()
    if not 1 <= a.repeat <= 1000:
        ap.error("--repeat must be 1..1000")
    if not 0 <= a.gap_ms <= 1000:
        ap.error("--gap-ms must be 0..1000")
    a.src_mac = a.src_mac or iface_attr(a.iface, "address")
    a.mtu = min(a.mtu or int(iface_attr(a.iface, "mtu")), 9000)

    frames = list(Builder(a).frames())
    if a.only:
        frames = [f for f in frames if f[0] in a.only]
        missing = set(a.only) - {f[0] for f in frames}
        if missing:
            ap.error("unknown frame names: " + ", ".join(sorted(missing)))
    if a.cls != "all":
        frames = [f for f in frames if f[1] == a.cls]
    if a.list:
        for name, cls, ctr, fr in frames:
            print("%-28s %-4s %5d bytes  %s" % (name, cls, len(fr), ctr))
        return 0

    # ETH_P_ALL: also see what the server sends back (our own frames are not
    # looped back to the sending socket; outgoing ones are skipped anyway).
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((a.iface, ETH_P_ALL))
    server = mac_bytes(a.dst_mac)
    replies = []

    def drain(until):
        while True:
            left = until - time.monotonic()
            r, _, _ = select.select([s], [], [], max(left, 0))
            if not r:
                return
            fr, addr = s.recvfrom(65535)
            if addr[2] != PACKET_OUTGOING and fr[6:12] == server:
                replies.append(fr)

    sent = must = may = 0
    deadline = time.monotonic() + 120  # hard bound whatever the arguments
    for rnd in range(a.repeat):
        for name, cls, ctr, fr in frames:
            if time.monotonic() > deadline:
                print("badframes: time bound reached, stopping", file=sys.stderr)
                break
            try:
                n = s.send(fr)
            except OSError as e:
                print("badframes: %s not sent: %s" % (name, e), file=sys.stderr)
                continue
            sent += 1
            if cls == "must":
                must += 1
            else:
                may += 1
            if rnd == 0:
                print("sent %-28s %-4s %5d bytes  expect %s" % (name, cls, n, ctr))
            drain(time.monotonic() + a.gap_ms / 1000.0)
    if a.listen_ms:
        drain(time.monotonic() + min(a.listen_ms, 30000) / 1000.0)
    s.close()
    for fr in replies[:10]:
        print("reply from server: %s" % describe(fr))
    print("BADFRAMES sent=%d must_drop=%d may=%d replies=%d" % (sent, must, may, len(replies)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
