#!/usr/bin/env python3
"""Seed corpus for fuzz_nd (stdlib only, deterministic): IPv6 frames with ND, RA,
MLDv2, echo and DHCPv6, good ones as real hosts send them and the bad inputs of
BAD-INPUTS.md (ND/RA, IPv6 extension headers, checksums)."""
import os
import socket
import struct
import sys

OUR_MAC = bytes.fromhex("020000bf0001")
CLI_MAC = bytes.fromhex("525400123456")
RADVD_MAC = bytes.fromhex("000c29f64d73")


def a(s):
    return socket.inet_pton(socket.AF_INET6, s)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def frame(dst_mac, src_mac, src, dst, hop, proto, l4, ext=b"", first_nh=None, vlan=None,
          plen=None, pad=b"", fix=True):
    src, dst = a(src), a(dst)
    l4 = bytearray(l4)
    if fix and proto == 58:
        l4[2:4] = b"\0\0"
        ph = src + dst + struct.pack("!I3xB", len(l4), 58)
        l4[2:4] = struct.pack("!H", csum(ph + bytes(l4)))
    if fix and proto == 17:
        l4[6:8] = b"\0\0"
        ph = src + dst + struct.pack("!I3xB", len(l4), 17)
        l4[6:8] = struct.pack("!H", csum(ph + bytes(l4)) or 0xFFFF)
    payload = ext + bytes(l4)
    ip = struct.pack("!IHBB", 0x60000000, len(payload) if plen is None else plen,
                     proto if first_nh is None else first_nh, hop) + src + dst
    eth = dst_mac + src_mac
    if vlan is not None:
        eth += struct.pack("!HH", 0x8100, vlan)
    return eth + b"\x86\xdd" + ip + payload + pad


def lla(t, mac):
    return bytes([t, 1]) + mac


def ns(target, opts=b"", code=0):
    return bytes([135, code, 0, 0, 0, 0, 0, 0]) + a(target) + opts


def ra(hop=64, flags=0xC0, life=300, opts=b""):
    return struct.pack("!BBHBBHII", 134, 0, 0, hop, flags, life, 0, 0) + opts


def pi(prefix, plen=64, flags=0xC0, valid=86400, pref=14400):
    return struct.pack("!BBBBII4x", 3, 4, plen, flags, valid, pref) + a(prefix)


def hbh(nh, opts):
    return bytes([nh, (len(opts) + 2) // 8 - 1]) + opts


SN_CLI = bytes.fromhex("3333ff123456")
SN_OUR = bytes.fromhex("3333ffbf0001")
ALLN = bytes.fromhex("333300000001")
ALLR = bytes.fromhex("333300000002")
CLI = "fe80::5054:ff:fe12:3456"
OUR = "fe80::ff:febf:1"
RADVD = "fe80::20c:29ff:fef6:4d73"
PFX = "3ffe:501:ffff:100::"
NONCE = bytes([14, 1, 0x9A, 0x31, 0x6C, 0x02, 0xE4, 0x77])
DNSSL = bytes([31, 3, 0, 0, 0, 0, 1, 0x2C]) + b"\x07example\x03com\x00" + b"\0" * 3
RDNSS = bytes([25, 3, 0, 0, 0, 0, 1, 0x2C]) + a("3ffe:501:ffff:100::1")
MTU = struct.pack("!BBHI", 5, 1, 0, 1500)
SOLICIT = (bytes([1, 0x12, 0x34, 0x56]) + bytes.fromhex("0001000a00030001525400123456")
           + bytes.fromhex("000800020000") + bytes.fromhex("000600040017003b"))
RADVD_RA = ra(opts=pi(PFX) + lla(1, RADVD_MAC))

SEEDS = {
    "ns_dad_linux": frame(SN_CLI, CLI_MAC, "::", "ff02::1:ff12:3456", 255, 58, ns(CLI, NONCE)),
    "ns_slla": frame(SN_OUR, CLI_MAC, CLI, "ff02::1:ffbf:1", 255, 58, ns(OUR, lla(1, CLI_MAC))),
    "ns_slla_vlan": frame(SN_OUR, CLI_MAC, CLI, "ff02::1:ffbf:1", 255, 58,
                          ns(OUR, lla(1, CLI_MAC)), vlan=100),
    "ns_nud_padded": frame(OUR_MAC, CLI_MAC, CLI, OUR, 255, 58, ns(OUR), pad=b"\0" * 16),
    "ns_dad_for_our_address": frame(SN_OUR, CLI_MAC, "::", "ff02::1:ffbf:1", 255, 58, ns(OUR)),
    "rs_rdisc6": frame(ALLR, CLI_MAC, CLI, "ff02::2", 255, 58, bytes(8) .replace(b"\0", b"\x85", 1)
                       + lla(1, CLI_MAC)),
    "rs_unspec": frame(ALLR, CLI_MAC, "::", "ff02::2", 255, 58, b"\x85" + bytes(7)),
    "ra_radvd_seed": frame(ALLN, RADVD_MAC, RADVD, "ff02::1", 255, 58, RADVD_RA),
    "ra_radvd_dns_mtu": frame(ALLN, RADVD_MAC, RADVD, "ff02::1", 255, 58,
                              ra(opts=pi(PFX) + lla(1, RADVD_MAC) + MTU + RDNSS + DNSSL)),
    "na_solicited": frame(OUR_MAC, CLI_MAC, CLI, OUR, 255, 58,
                          bytes([136, 0, 0, 0, 0x60, 0, 0, 0]) + a(CLI) + lla(2, CLI_MAC)),
    "echo_request": frame(OUR_MAC, CLI_MAC, CLI, OUR, 64, 58,
                          bytes([128, 0, 0, 0, 0x42, 0x42, 0, 7]) + bytes(range(1, 57))),
    "echo_request_ext_headers": frame(OUR_MAC, CLI_MAC, CLI, OUR, 64, 58,
                                      bytes([128, 0, 0, 0, 0, 1, 0, 1]) + b"ping",
                                      ext=hbh(60, bytes([1, 4, 0, 0, 0, 0]))
                                      + hbh(58, bytes([0x1E, 4, 1, 2, 3, 4])), first_nh=0),
    "udp_dhcp6_solicit": frame(bytes.fromhex("333300010002"), CLI_MAC, CLI, "ff02::1:2", 1, 17,
                               struct.pack("!HHHH", 546, 547, 8 + len(SOLICIT), 0) + SOLICIT),
    "mld2_report": frame(bytes.fromhex("333300000016"), CLI_MAC, CLI, "ff02::16", 1, 58,
                         bytes([143, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0]) + a("ff02::1:ff12:3456"),
                         ext=hbh(58, bytes([5, 2, 0, 0, 1, 0])), first_nh=0),
    # bad inputs
    "bad_ns_hop_limit_254": frame(SN_OUR, CLI_MAC, CLI, "ff02::1:ffbf:1", 254, 58,
                                  ns(OUR, lla(1, CLI_MAC))),
    "bad_ns_opt_len0": frame(SN_OUR, CLI_MAC, CLI, "ff02::1:ffbf:1", 255, 58,
                             ns(OUR, bytes([1, 0]) + CLI_MAC)),
    "bad_rs_unspec_slla": frame(ALLR, CLI_MAC, "::", "ff02::2", 255, 58,
                                b"\x85" + bytes(7) + lla(1, CLI_MAC)),
    "bad_ns_multicast_target": frame(SN_OUR, CLI_MAC, CLI, "ff02::1:ffbf:1", 255, 58,
                                     ns("ff02::1", lla(1, CLI_MAC))),
    "bad_ns_in_fragment": frame(SN_OUR, CLI_MAC, CLI, "ff02::1:ffbf:1", 255, 58,
                                ns(OUR, lla(1, CLI_MAC)),
                                ext=bytes([58, 0, 0, 1, 0x12, 0x34, 0x56, 0x78]), first_nh=44),
    "bad_ext_dstopt_loop": frame(OUR_MAC, CLI_MAC, CLI, OUR, 64, 58,
                                 bytes([128, 0, 0, 0, 0, 1, 0, 1]),
                                 ext=hbh(60, bytes([1, 4, 0, 0, 0, 0])) * 3
                                 + hbh(58, bytes([1, 4, 0, 0, 0, 0])), first_nh=60),
    "bad_ra_prefix_len_129": frame(ALLN, RADVD_MAC, RADVD, "ff02::1", 255, 58,
                                   ra(opts=pi(PFX, plen=129) + lla(1, RADVD_MAC))),
    "bad_ra_dnssl_pointer": frame(ALLN, RADVD_MAC, RADVD, "ff02::1", 255, 58,
                                  ra(opts=bytes([31, 2, 0, 0, 0, 0, 1, 0x2C, 0xC0, 0x0C])
                                     + bytes(6))),
    "bad_udp_csum_zero": frame(bytes.fromhex("333300010002"), CLI_MAC, CLI, "ff02::1:2", 1, 17,
                               struct.pack("!HHHH", 546, 547, 8 + len(SOLICIT), 0) + SOLICIT,
                               fix=False),
    "bad_plen_past_frame": frame(SN_OUR, CLI_MAC, CLI, "ff02::1:ffbf:1", 255, 58,
                                 ns(OUR, lla(1, CLI_MAC)), plen=33),
}


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "nd")
    os.makedirs(d, exist_ok=True)
    for name, b in sorted(SEEDS.items()):
        with open(os.path.join(d, name), "wb") as f:
            f.write(b)
    print("wrote %d seeds to %s" % (len(SEEDS), d))


main()
