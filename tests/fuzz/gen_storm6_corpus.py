#!/usr/bin/env python3
"""Seeds of the IPv6 mode of fuzz_storm.c (tests/fuzz/corpus/storm/v6_*).

Input format (see fuzz_storm.c): a mode byte (0x40: IPv6 clients; 0x20: keep
checksums; 0x80: cut DATA frames after their headers; bits 1-4: window - 1),
then frames as [len_hi][len_lo][delay_ms][frame]. The harness patches each
DHCPv6 reply's xid from the client its Client Identifier names and, unless
0x20, fills in the checksums; seeds with 0x20 carry their own (but a frame
whose xid the harness patched gets its checksum filled in again).
Run: python3 tests/fuzz/gen_storm6_corpus.py tests/fuzz/corpus/storm
"""
import ipaddress
import struct
import sys

SMAC = bytes.fromhex("02bf00000001")
SDUID = bytes.fromhex("0003000102bf00000001")
SLL = ipaddress.IPv6Address("fe80::bf:ff:fe00:1").packed
SG = ipaddress.IPv6Address("fd00:99::1").packed


def cmac(i):
    return bytes.fromhex("025b000000") + bytes([i])


def cll(i):
    m = cmac(i)
    return bytes.fromhex("fe80000000000000") + bytes([m[0] ^ 2, m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]])


def cg(i):
    return ipaddress.IPv6Address("fd00:99::1:%x" % (i + 5)).packed


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def ip6(dmac, src, dst, nh, l4, ck_off, hops=64):
    pseudo = src + dst + struct.pack("!IxxxB", len(l4), nh)
    l4 = bytearray(l4)
    c = 0xFFFF ^ csum(pseudo + bytes(l4))
    if nh == 17 and c == 0:
        c = 0xFFFF
    l4[ck_off:ck_off + 2] = struct.pack("!H", c)
    hdr = struct.pack("!IHBB", 0x60000000, len(l4), nh, hops) + src + dst
    return dmac + SMAC + b"\x86\xdd" + hdr + bytes(l4)


def udp6(dmac, src, dst, sport, dport, payload):
    u = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    return ip6(dmac, src, dst, 17, u, 6)


def opt(code, val):
    return struct.pack("!HH", code, len(val)) + val


def ia_na(i, addr, valid=7200):
    body = cmac(i)[2:] + struct.pack("!II", 1800, 2880)
    if addr is not None:
        body += opt(5, addr + struct.pack("!II", 3600, valid))
    return opt(3, body)


def dhcp6(i, mtype, addr, url=None, extra=b""):
    # Client Identifier first: the harness finds the client there
    m = bytes([mtype, 0, 0, 0]) + opt(1, bytes.fromhex("00030001") + cmac(i)) + opt(2, SDUID)
    m += ia_na(i, addr) + extra
    if url is not None:
        m += opt(59, url.encode())
    return udp6(cmac(i), SLL, cll(i), 547, 546, m)


def ns(i, target, src, multicast=True, slla=True, opts=None):
    dst = (bytes.fromhex("ff0200000000000000000001ff") + target[13:]) if multicast else target
    dmac = (b"\x33\x33" + dst[12:]) if multicast else cmac(i)
    body = bytes([135, 0, 0, 0, 0, 0, 0, 0]) + target
    if opts is not None:
        body += opts
    elif slla:
        body += bytes([1, 1]) + SMAC
    return ip6(dmac, src, dst, 58, body, 2, hops=255)


def tftp(i, tid, payload):
    return udp6(cmac(i), SG, cg(i), tid, 2000 + i, payload)


def data(i, tid, block, n):
    return tftp(i, tid, struct.pack("!HH", 3, block) + bytes([0xab]) * n)


def oack(i, tid, opts):
    return tftp(i, tid, b"\0\6" + b"".join(k.encode() + b"\0" + str(v).encode() + b"\0" for k, v in opts))


def seed(mode, frames):
    out = bytes([mode])
    for delay, f in frames:
        out += struct.pack("!HB", len(f), delay) + f
    return out


def main(outdir):
    url = "tftp://[fd00:99::1]/nbp6.efi"
    boot = [
        (1, dhcp6(0, 2, cg(0))),
        (1, dhcp6(1, 2, cg(1))),
        (1, dhcp6(0, 7, cg(0), url)),
        (1, ns(0, cg(0), SG)),
        (0, ns(1, cll(1), SLL, multicast=False, slla=False)),
        (1, oack(0, 40000, [("blksize", 512), ("tsize", 1100), ("windowsize", 4)])),
        (1, data(0, 40000, 1, 512)),
        (0, data(0, 40000, 2, 512)),
        (0, data(0, 40000, 3, 76)),
        (1, dhcp6(1, 7, cg(1), "tftp://[fd00:99::1]:69/a%20b")),
        (0, data(1, 33000, 1, 512)),
        (0, data(1, 33000, 2, 0)),
        (1, dhcp6(2, 2, cg(2))),
        (1, dhcp6(2, 7, None, url)),  # NoAddrs: Solicit again
        (1, dhcp6(3, 2, cg(3))),
        (1, dhcp6(3, 7, cg(3), "tftp://boot.example/x")),  # a host name: fails
    ]
    files = {
        "v6_boot_window4": seed(0x40 | 0x01 | (3 << 1), boot),
        "v6_boot_truncated_data": seed(0x40 | 0x80 | 0x01, boot),
        # own checksums, then malformed frames: option past the end, ND option of length 0
        "v6_own_checksums_malformed": seed(0x60 | 0x01, boot[:3] + [
            (1, dhcp6(1, 2, cg(1))[:-2] + b"\0\0"),
            (1, udp6(cmac(1), SLL, cll(1), 547, 546, b"\x07\0\0\0" + opt(1, bytes.fromhex("00030001") + cmac(1))[:-1] + b"\0\x59\xff\xff")),
            (1, ns(0, cll(0), SLL, opts=bytes([1, 0]) + SMAC)),  # ND option of length 0
            (1, ns(0, cll(0), SLL, opts=bytes([1, 2]) + SMAC)),  # ND option past the end
            (1, ns(0, cll(0), SLL)[:-1] + b"\x02"),  # a bad checksum
            (1, ns(0, cg(0), SG, multicast=False)),
            (1, oack(0, 40000, [("blksize", 512)])),
            (1, data(0, 40000, 1, 100)),
        ]),
    }
    for name, b in files.items():
        with open("%s/%s" % (outdir, name), "wb") as f:
            f.write(b)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
