#!/usr/bin/env python3
"""Seed sequences for fuzz_worker: "BFW1" + (2-byte length, frame)*.

Each seed is a conversation a real client has with the server (DORA, PXE and
iPXE DISCOVERs, a relay, TFTP with and without options driven to the end
through the retargeted port 65535, errors, ARP, ping). Run from anywhere;
writes tests/fuzz/corpus/worker/.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from bfwire import csum, eth, ipv4, opt as o, udp  # noqa: E402

SRV_MAC = bytes.fromhex("020000000001")
CLI_MAC = bytes.fromhex("02bf00000042")
BCAST = b"\xff" * 6
SRV_IP = bytes([10, 77, 0, 1])
CLI_IP = bytes([10, 77, 0, 100])
ZERO = bytes(4)
ALL = b"\xff" * 4


def frame(dmac, smac, src, dst, sport, dport, payload):
    return eth(dmac, smac, 0x0800, ipv4(src, dst, 17, udp(src, dst, sport, dport, payload),
                                       ident=1))


def dhcp(mtype, chaddr=CLI_MAC, opts=b"", ciaddr=ZERO, giaddr=ZERO, flags=0x8000):
    m = struct.pack("!BBBBIHH4s4s4s4s", 1, 1, 6, 0, 0x1234, 0, flags, ciaddr, ZERO, ZERO, giaddr)
    m += chaddr + bytes(10) + bytes(64) + bytes(128) + b"\x63\x82\x53\x63"
    return m + bytes([53, 1, mtype]) + opts + b"\xff"


def dhcp_frame(payload, smac=CLI_MAC):
    return frame(BCAST, smac, ZERO, ALL, 68, 67, payload)


def tftp(payload, dport=69, sport=40000):
    return frame(SRV_MAC, CLI_MAC, CLI_IP, SRV_IP, sport, dport, payload)


def rrq(name, *opts):
    p = b"\0\1" + name + b"\0octet\0"
    for k, v in opts:
        p += k + b"\0" + v + b"\0"
    return p


def ack(n):
    return struct.pack("!HH", 4, n)


PXE = (o(60, b"PXEClient:Arch:00007:UNDI:003016") + o(93, b"\0\7") + o(94, b"\1\3\0")
       + o(97, b"\0" + bytes(range(16))) + o(55, bytes([1, 3, 6, 15, 43, 60, 66, 67, 97])))

SEEDS = {
    "dora": [dhcp_frame(dhcp(1, opts=o(55, b"\1\3\6\x0f\x43"))),
             dhcp_frame(dhcp(3, opts=o(54, SRV_IP) + o(50, CLI_IP)))],
    "dora_release": [dhcp_frame(dhcp(1)),
                     dhcp_frame(dhcp(3, opts=o(54, SRV_IP) + o(50, CLI_IP))),
                     frame(SRV_MAC, CLI_MAC, CLI_IP, SRV_IP, 68, 67,
                           dhcp(7, ciaddr=CLI_IP, opts=o(54, SRV_IP)))],
    "decline": [dhcp_frame(dhcp(1)),
                dhcp_frame(dhcp(3, opts=o(54, SRV_IP) + o(50, CLI_IP))),
                dhcp_frame(dhcp(4, opts=o(54, SRV_IP) + o(50, CLI_IP)))],
    "init_reboot_wrong_net": [dhcp_frame(dhcp(3, opts=o(50, bytes([10, 99, 0, 7]))))],
    "inform": [frame(SRV_MAC, CLI_MAC, bytes([10, 77, 0, 77]), SRV_IP, 68, 67,
                     dhcp(8, ciaddr=bytes([10, 77, 0, 77])))],
    "pxe_efi": [dhcp_frame(dhcp(1, opts=PXE))],
    "ipxe": [dhcp_frame(dhcp(1, opts=o(77, b"iPXE") + o(175, b"\xb1\x05\x01\x10\xec\x10\x00")))],
    "reserved": [dhcp_frame(dhcp(1, chaddr=bytes.fromhex("020000007705")),
                            smac=bytes.fromhex("020000007705"))],
    "relay": [frame(SRV_MAC, CLI_MAC, bytes([10, 77, 0, 2]), SRV_IP, 67, 67,
                    dhcp(1, giaddr=bytes([10, 77, 0, 2]), opts=o(82, b"\1\4abcd")))],
    "pool_exhaustion": [dhcp_frame(dhcp(1, chaddr=bytes([2, 0, 0, 0, 9, i]), opts=b""),
                                   smac=bytes([2, 0, 0, 0, 9, i])) for i in range(6)],
    "tftp_lockstep": [tftp(rrq(b"small.bin"))] + [tftp(ack(i), dport=0xFFFF) for i in (1, 2)],
    "tftp_options": [tftp(rrq(b"small.bin", (b"blksize", b"64"), (b"tsize", b"0"),
                              (b"windowsize", b"4"), (b"timeout", b"1")))]
    + [tftp(ack(i), dport=0xFFFF) for i in (0, 4, 4, 3, 8, 10)],
    "tftp_edk2_probe": [tftp(rrq(b"small.bin", (b"tsize", b"0"), (b"blksize", b"1468"))),
                        tftp(b"\0\5\0\x08abort\0", dport=0xFFFF)],
    "tftp_wrong_source": [tftp(rrq(b"small.bin")), tftp(ack(1), dport=0xFFFF, sport=40001)],
    "tftp_netascii": [tftp(b"\0\1boot.ipxe\0netascii\0"), tftp(ack(1), dport=0xFFFF)],
    "tftp_errors": [tftp(rrq(b"../etc/passwd")), tftp(rrq(b"nothere")),
                    tftp(b"\0\2small.bin\0octet\0"), tftp(ack(5), dport=5555)],
    "tftp_per_source": [tftp(rrq(b"small.bin"), sport=41000 + i) for i in range(6)],
    # the same RRQ twice, ACK 0 and 1, a late copy, then another file from the same port
    "tftp_repeat": [tftp(rrq(b"small.bin", (b"blksize", b"64"), (b"tsize", b"0")))] * 2
    + [tftp(ack(0), dport=0xFFFF), tftp(ack(1), dport=0xFFFF),
       tftp(rrq(b"small.bin", (b"blksize", b"64"), (b"tsize", b"0"))),
       tftp(rrq(b"boot.ipxe")), tftp(ack(1), dport=0xFFFF)],
    "arp_icmp": [BCAST + CLI_MAC + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1)
                 + CLI_MAC + CLI_IP + bytes(6) + SRV_IP,
                 SRV_MAC + CLI_MAC + b"\x08\x00" + ipv4(CLI_IP, SRV_IP, 1, (lambda b: b[:2] + struct.pack("!H", csum(b)) + b[4:])(b"\x08\0\0\0\0\1\0\1pingdata"), ident=1)],
}

# ---- IPv6: ND, echo, RS, DHCPv6 (relayed too), TFTP over IPv6 ----
SRV6 = bytes.fromhex("fd000099000000000000000000000001")
CLI6 = bytes.fromhex("fd000099000000000000000000000050")
CLI_LL = bytes.fromhex("fe8000000000000000bfbffffe000042")
ALL_DHCP = bytes.fromhex("ff020000000000000000000000010002")
ALL_ROUTERS = bytes.fromhex("ff020000000000000000000000000002")


def pseudo6(src, dst, nh, body):
    return csum(src + dst + struct.pack("!IxxxB", len(body), nh) + body)


def ip6(src, dst, nh, body, hlim=255):
    return struct.pack("!IHBB", 6 << 28, len(body), nh, hlim) + src + dst + body


def icmp6(dmac, src, dst, typ, code, rest, hlim=255):
    body = struct.pack("!BBH", typ, code, 0) + rest
    c = pseudo6(src, dst, 58, body)
    body = body[:2] + struct.pack("!H", c) + body[4:]
    return eth(dmac, CLI_MAC, 0x86DD, ip6(src, dst, 58, body, hlim))


def udp6(dmac, src, dst, sport, dport, payload):
    body = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = pseudo6(src, dst, 17, body) or 0xFFFF
    body = body[:6] + struct.pack("!H", c) + body[8:]
    return eth(dmac, CLI_MAC, 0x86DD, ip6(src, dst, 17, body, 64))


def o6(code, val=b""):
    return struct.pack("!HH", code, len(val)) + val


SN_SRV = bytes.fromhex("ff0200000000000000000001ff000001")
DUID = o6(1, bytes.fromhex("00030001") + CLI_MAC)
SRVID = o6(2, bytes.fromhex("00030001") + SRV_MAC)
IA = o6(3, struct.pack("!III", 1, 0, 0))
PD = o6(25, struct.pack("!III", 2, 0, 0))
PXE6 = o6(61, b"\0\x07") + o6(16, struct.pack("!IH", 343, 32) + b"PXEClient:Arch:00007:UNDI:003016")


def d6(typ, *opts):
    return struct.pack("!I", typ << 24 | 0x00beef) + b"".join(opts)


def relay(msg):
    return bytes([12, 0]) + CLI6 + CLI_LL + o6(18, b"port7") + o6(9, msg)


SEEDS.update({
    "ip6_nd_echo": [icmp6(b"\x33\x33\xff\0\0\1", CLI6, SN_SRV, 135, 0,
                          bytes(4) + SRV6 + b"\x01\x01" + CLI_MAC),
                    icmp6(SRV_MAC, CLI6, SRV6, 128, 0, b"\0\1\0\1ping6data", 64),
                    icmp6(b"\x33\x33\0\0\0\2", CLI_LL, ALL_ROUTERS, 133, 0,
                          bytes(4) + b"\x01\x01" + CLI_MAC)],
    "dhcp6_dora": [udp6(b"\x33\x33\0\1\0\2", CLI_LL, ALL_DHCP, 546, 547,
                        d6(1, DUID, IA, PD, o6(6, b"\0\x17\0\x3b"), PXE6)),
                   udp6(b"\x33\x33\0\1\0\2", CLI_LL, ALL_DHCP, 546, 547,
                        d6(3, DUID, SRVID, IA, PD, PXE6)),
                   udp6(b"\x33\x33\0\1\0\2", CLI_LL, ALL_DHCP, 546, 547,
                        d6(8, DUID, SRVID, IA)),
                   udp6(b"\x33\x33\0\1\0\2", CLI_LL, ALL_DHCP, 546, 547,
                        d6(11, DUID, o6(6, b"\0\x17")))],
    "dhcp6_rapid_relay": [udp6(SRV_MAC, CLI6, SRV6, 547, 547,
                               relay(d6(1, DUID, IA, o6(14), o6(15, b"\0\x04iPXE"))))],
    "tftp6": [udp6(SRV_MAC, CLI6, SRV6, 40000, 69,
                   rrq(b"small.bin", (b"blksize", b"64"), (b"windowsize", b"2")))]
    + [udp6(SRV_MAC, CLI6, SRV6, 40000, 0xFFFF, ack(i)) for i in (0, 2, 4, 6, 8, 10)],
})


# Multicast TFTP (dp_mtftp.c): PXE MTFTP on port 1759 and RFC 2090 on 69, the
# stream's TID reached through port 65535; a second client joins, errors.
SEEDS.update({
    "mtftp_pxe": [tftp(rrq(b"small.bin"), dport=1759), tftp(rrq(b"small.bin"), dport=1759,
                                                             sport=40001)]
    + [tftp(ack(i), dport=0xFFFF) for i in (1, 1, 2)],
    "mtftp_pxe_garbage": [tftp(b"\0\1small.bin", dport=1759), tftp(b"\0\2x\0octet\0", dport=1759),
                          tftp(b"\0\1small.bin\0netascii\0", dport=1759),
                          tftp(rrq(b"boot.ipxe"), dport=1759), tftp(b"\0", dport=1759)],
    "mtftp_rfc2090": [tftp(rrq(b"small.bin", (b"multicast", b""), (b"tsize", b"0"))),
                      tftp(rrq(b"small.bin", (b"multicast", b""), (b"blksize", b"512")),
                           sport=40001)]
    + [tftp(ack(i), dport=0xFFFF) for i in (0, 1, 2)]
    + [tftp(ack(i), dport=0xFFFF, sport=40001) for i in (0, 2)],
    "mtftp_rfc2090_error": [tftp(rrq(b"small.bin", (b"multicast", b""))),
                            tftp(rrq(b"small.bin", (b"multicast", b"")), sport=40001),
                            tftp(b"\0\5\0\0bye\0", dport=0xFFFF),
                            tftp(ack(5), dport=0xFFFF, sport=40002)],
})


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "worker")
    os.makedirs(out, exist_ok=True)
    for name, frames in SEEDS.items():
        blob = b"BFW1" + b"".join(struct.pack("!H", len(f)) + f for f in frames)
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)
    print("wrote %d seeds to %s" % (len(SEEDS), out))


if __name__ == "__main__":
    main()
