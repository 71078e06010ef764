#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpora for fuzz_frame and fuzz_tftp (python3 stdlib only).

tests/fuzz/corpus/tftp/  TFTP payloads: requests as real clients send them,
                         DATA/ACK/ERROR/OACK, and every malformed TFTP case of
                         docs BAD-INPUTS.md.
tests/fuzz/corpus/frame/ Ethernet frames: ARP, ICMP echo, DHCP DISCOVER and
                         TFTP over UDP/IPv4 with and without 802.1Q, and the
                         malformed frames of BAD-INPUTS.md.

Both live here because the TFTP frames reuse the TFTP payloads. Output is
deterministic; rerun after changing a seed and commit the result. Usage:
    gen_frame_corpus.py [corpus_dir]   (default: the corpus/ next to this file)
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from bfwire import csum  # noqa: E402

CLIENT_MAC = bytes.fromhex("525400123456")
SERVER_MAC = bytes.fromhex("020000bf0001")
BCAST_MAC = b"\xff" * 6
CLIENT_IP = bytes([192, 168, 2, 91])
SERVER_IP = bytes([192, 168, 2, 1])


def ip(s):
    return bytes(int(x) for x in s.split("."))


# --- TFTP payloads -------------------------------------------------------------------------------

def rrq(name, mode=b"octet", opts=(), op=1, pad=b""):
    b = struct.pack("!H", op) + name + b"\0" + mode + b"\0"
    for k, v in opts:
        b += k + b"\0" + v + b"\0"
    return b + pad


TFTP_GOOD = {
    # Real clients (values as they send them).
    "rrq_tftp_hpa": rrq(b"pxelinux.0"),
    "rrq_tftp_hpa_netascii": rrq(b"pxelinux.cfg/default", b"netascii"),
    "rrq_atftp_blksize_windowsize": rrq(b"images/vmlinuz", opts=[(b"blksize", b"1468"),
                                                                 (b"windowsize", b"16")]),
    "rrq_atftp_multicast": rrq(b"images/initrd.img", opts=[(b"multicast", b"")]),
    "rrq_curl": rrq(b"boot/grub/grub.cfg", opts=[(b"tsize", b"0"), (b"blksize", b"512"),
                                                 (b"timeout", b"6")]),
    "rrq_edk2": rrq(b"EFI/BOOT/BOOTX64.EFI", opts=[(b"blksize", b"1468"), (b"tsize", b"0")]),
    "rrq_edk2_windowsize": rrq(b"EFI/BOOT/grubx64.efi", opts=[(b"blksize", b"1468"),
                                                              (b"windowsize", b"4"),
                                                              (b"tsize", b"0")]),
    "rrq_ipxe": rrq(b"/boot.ipxe", opts=[(b"blksize", b"1432"), (b"tsize", b"0")]),
    "rrq_pxelinux_mac": rrq(b"pxelinux.cfg/01-52-54-00-12-34-56",
                            opts=[(b"tsize", b"0"), (b"blksize", b"1408")]),
    "rrq_upper_case": rrq(b"PXELINUX.0", b"OCTET", [(b"BLKSIZE", b"1024"), (b"TSize", b"0")]),
    "rrq_nul_padding": rrq(b"pxelinux.0", pad=b"\0\0\0\0"),
    "rrq_opts_nul_padding": rrq(b"f", opts=[(b"blksize", b"1400")], pad=b"\0\0"),
    "rrq_all_options_max": rrq(b"f", opts=[(b"blksize", b"65464"), (b"tsize", b"9999999999"),
                                           (b"timeout", b"255"), (b"windowsize", b"65535")]),
    "rrq_all_options_min": rrq(b"f", opts=[(b"blksize", b"8"), (b"tsize", b"0"),
                                           (b"timeout", b"1"), (b"windowsize", b"1")]),
    "rrq_unknown_option": rrq(b"f", opts=[(b"rollover", b"0"), (b"blksize", b"900")]),
    "rrq_duplicate_option": rrq(b"f", opts=[(b"blksize", b"1024"), (b"blksize", b"2048")]),
    "rrq_name_255": rrq(b"a" * 255),
    "rrq_len_512": rrq(b"f", pad=b"\0" * (512 - len(rrq(b"f")))),
    "wrq_tsize": rrq(b"upload.bin", opts=[(b"tsize", b"123456")], op=2),
    "data_1": b"\0\3\0\1" + bytes(range(256)) * 2,
    "data_last_short": b"\0\3\x12\x34" + b"tail",
    "data_empty": b"\0\3\0\5",
    "ack_0": b"\0\4\0\0",
    "ack_65535": b"\0\4\xff\xff",
    "ack_trailing": b"\0\4\0\7junk",
    "error_not_found": b"\0\5\0\1File not found\0",
    "error_option": b"\0\5\0\x08blksize refused\0",
    "error_4_bytes": b"\0\5\0\0",
    "error_unterminated": b"\0\5\0\2Access violation",
    "oack_bare": b"\0\6",
    "oack_full": (b"\0\6blksize\0" b"1468\0tsize\0" b"33554432\0timeout\0" b"3\0"
                  b"windowsize\0" b"16\0"),
}

TFTP_BAD = {
    # Requests
    "bad_no_nul_after_name": b"\0\1pxelinux.0",
    "bad_no_nul_after_mode": b"\0\1pxelinux.0\0octet",
    "bad_no_mode": b"\0\1pxelinux.0\0",
    "bad_empty_name": rrq(b""),
    "bad_mode_mail": rrq(b"f", b"mail"),
    "bad_mode_empty": rrq(b"f", b""),
    "bad_mode_binary": rrq(b"f", b"binary"),
    "bad_name_64k": rrq(b"A" * 65536),
    "bad_name_256": rrq(b"a" * 256),
    "bad_name_dotdot": rrq(b"../etc/passwd"),
    "bad_name_inner_dotdot": rrq(b"pxelinux.cfg/../../etc/shadow"),
    "bad_name_dotdot_only": rrq(b".."),
    "bad_name_slash_dotdot": rrq(b"/.."),
    "bad_name_backslash_dotdot": rrq(b"..\\..\\windows\\win.ini"),
    "bad_name_backslash": rrq(b"boot\\pxelinux.0"),
    "bad_name_absolute": rrq(b"/etc/passwd"),
    "bad_name_double_slash": rrq(b"//boot//pxelinux.0"),
    "bad_name_dot_slash": rrq(b"./boot/./pxelinux.0"),
    "bad_name_control": rrq(b"boot\x01\x1b[2J\n.0"),
    "bad_name_del": rrq(b"boot\x7f"),
    "bad_name_slash_only": rrq(b"/"),
    "bad_blksize_7": rrq(b"f", opts=[(b"blksize", b"7")]),
    "bad_blksize_65465": rrq(b"f", opts=[(b"blksize", b"65465")]),
    "bad_blksize_overflow": rrq(b"f", opts=[(b"blksize", b"18446744073709552128")]),
    "bad_blksize_sign": rrq(b"f", opts=[(b"blksize", b"+512"), (b"timeout", b"-1")]),
    "bad_blksize_space": rrq(b"f", opts=[(b"blksize", b" 512")]),
    "bad_blksize_empty": rrq(b"f", opts=[(b"blksize", b"")]),
    "bad_timeout_0": rrq(b"f", opts=[(b"timeout", b"0")]),
    "bad_timeout_256": rrq(b"f", opts=[(b"timeout", b"256")]),
    "bad_windowsize_0": rrq(b"f", opts=[(b"windowsize", b"0")]),
    "bad_windowsize_65536": rrq(b"f", opts=[(b"windowsize", b"65536")]),
    "bad_tsize_11_digits": rrq(b"f", opts=[(b"tsize", b"10000000000")]),
    "bad_unknown_and_duplicate": rrq(b"f", opts=[(b"foo", b"bar"), (b"blksize", b"7"),
                                                 (b"blksize", b"1468"), (b"foo", b"baz")]),
    "bad_option_without_value": b"\0\1f\0octet\0blksize\0",
    "bad_option_without_nul": b"\0\1f\0octet\0blksize",
    "bad_value_without_nul": b"\0\1f\0octet\0blksize\0" b"512",
    "bad_value_without_name": b"\0\1f\0octet\0\0" b"512\0",
    "bad_request_513": rrq(b"f", pad=b"\0" * (513 - len(rrq(b"f")))),
    "bad_request_600_options": rrq(b"f", opts=[(b"x%d" % i, b"1") for i in range(100)]),
    # Other packets
    "bad_error_2": b"\0\5",
    "bad_error_3": b"\0\5\0",
    "bad_ack_3": b"\0\4\0",
    "bad_data_3": b"\0\3\0",
    "bad_opcode_0": b"\0\0\0\1",
    "bad_opcode_7": b"\0\7\0\1",
    "bad_opcode_ffff": b"\xff\xff",
    "bad_one_byte": b"\1",
    "bad_empty": b"",
}


# --- frames --------------------------------------------------------------------------------------


def eth(dst, src, etype, vlan=None):
    h = dst + src
    if vlan is not None:
        h += struct.pack("!HH", 0x8100, vlan)
    return h + struct.pack("!H", etype)


def ipv4(src, dst, proto, payload, ihl=5, frag=0, tot=None, opts=b"", bad_csum=False, ver=4):
    opts = opts.ljust((ihl - 5) * 4, b"\x01") if ihl >= 5 else b""
    tot = 20 + len(opts) + len(payload) if tot is None else tot
    h = struct.pack("!BBHHHBBH4s4s", ver << 4 | ihl, 0, tot, 0x1234, frag, 64, proto, 0, src, dst)
    h += opts
    c = csum(h)
    if bad_csum:
        c ^= 0x0101
    h = h[:10] + struct.pack("!H", c) + h[12:]
    return h + payload


def udp(src, dst, sport, dport, data, ulen=None, cs="good"):
    ulen = 8 + len(data) if ulen is None else ulen
    u = struct.pack("!HHHH", sport, dport, ulen, 0) + data
    if cs == "good" or cs == "bad":
        ph = src + dst + struct.pack("!BBH", 0, 17, ulen)
        c = csum(ph + u) or 0xFFFF
        if cs == "bad":
            c ^= 0x8000
        u = u[:6] + struct.pack("!H", c) + u[8:]
    return u


def udp_frame(sport, dport, data, src=CLIENT_IP, dst=SERVER_IP, smac=CLIENT_MAC,
              dmac=SERVER_MAC, vlan=None, ulen=None, cs="good", **ipkw):
    return eth(dmac, smac, 0x0800, vlan) + ipv4(src, dst, 17,
                                                udp(src, dst, sport, dport, data, ulen, cs),
                                                **ipkw)


def dhcp_discover():
    b = struct.pack("!BBBBIHH", 1, 1, 6, 0, 0xDEADBEEF, 4, 0x8000)
    b += b"\0" * 16 + CLIENT_MAC + b"\0" * 10 + b"\0" * 192
    b += bytes([99, 130, 83, 99])
    b += bytes([53, 1, 1, 57, 2, 0x05, 0xC0, 55, 7, 1, 3, 6, 43, 60, 66, 67, 93, 2, 0, 7,
                94, 3, 1, 3, 10, 97, 17, 0]) + bytes(range(16))
    b += bytes([60, 32]) + b"PXEClient:Arch:00007:UNDI:003016" + b"\xff"
    return b.ljust(300, b"\0")


def dhcp_frame(vlan=None, **kw):
    return udp_frame(68, 67, dhcp_discover(), src=ip("0.0.0.0"), dst=ip("255.255.255.255"),
                     dmac=BCAST_MAC, vlan=vlan, **kw)


def icmp_echo(n=56, itype=8, bad=False):
    data = bytes((i * 7 + 1) & 0xFF for i in range(n))
    m = struct.pack("!BBHHH", itype, 0, 0, 0x4242, 7) + data
    c = csum(m) ^ (0x0100 if bad else 0)
    return m[:2] + struct.pack("!H", c) + m[4:]


def icmp_frame(n=56, vlan=None, src=CLIENT_IP, dst=SERVER_IP, bad=False, **ipkw):
    return eth(SERVER_MAC, CLIENT_MAC, 0x0800, vlan) + ipv4(src, dst, 1,
                                                             icmp_echo(n, bad=bad), **ipkw)


def arp_frame(op=1, vlan=None, hlen=6, plen=4, htype=1, ptype=0x0800, tpa=SERVER_IP):
    a = struct.pack("!HHBBH", htype, ptype, hlen, plen, op) + CLIENT_MAC + CLIENT_IP
    a += b"\0" * 6 + tpa
    f = eth(BCAST_MAC, CLIENT_MAC, 0x0806, vlan) + a
    return f.ljust(60, b"\0")


def frames():
    f = {}
    tftp_rrq = TFTP_GOOD["rrq_ipxe"]
    good_udp = udp_frame(2070, 69, tftp_rrq)
    # Good frames
    f["arp_request"] = arp_frame()
    f["arp_request_vlan"] = arp_frame(vlan=100)
    f["arp_reply"] = arp_frame(op=2)
    f["arp_probe_spa0"] = arp_frame().replace(CLIENT_IP, b"\0\0\0\0", 1)
    f["icmp_echo"] = icmp_frame()
    f["icmp_echo_odd"] = icmp_frame(n=57)
    f["icmp_echo_empty"] = icmp_frame(n=0)
    f["icmp_echo_vlan"] = icmp_frame(vlan=7)
    f["icmp_echo_ip_options"] = icmp_frame(ihl=6)
    f["icmp_echo_to_broadcast"] = icmp_frame(dst=ip("255.255.255.255"))
    f["icmp_echo_to_multicast"] = icmp_frame(dst=ip("224.0.0.1"))
    f["dhcp_discover"] = dhcp_frame()
    f["dhcp_discover_vlan"] = dhcp_frame(vlan=0x2064)
    f["dhcp_discover_no_udp_csum"] = dhcp_frame(cs="none")
    f["tftp_rrq"] = good_udp
    f["tftp_rrq_vlan"] = udp_frame(2070, 69, tftp_rrq, vlan=5)
    f["tftp_rrq_odd_len"] = udp_frame(2070, 69, TFTP_GOOD["rrq_tftp_hpa"] + b"\0")
    f["tftp_rrq_ip_options"] = udp_frame(2070, 69, tftp_rrq, ihl=7)
    f["tftp_ack_padded"] = udp_frame(2070, 50123, b"\0\4\0\1") + b"\0" * 16
    f["tftp_rrq_df"] = udp_frame(2070, 69, tftp_rrq, frag=0x4000)
    # Malformed frames (BAD-INPUTS.md, frames)
    f["bad_empty"] = b""
    f["bad_runt_13"] = good_udp[:13]
    f["bad_eth_only"] = good_udp[:14]
    f["bad_vlan_cut"] = dhcp_frame(vlan=1)[:16]
    f["bad_qinq"] = eth(SERVER_MAC, CLIENT_MAC, 0x8100, 1)[:-2] + struct.pack(
        "!HHH", 0x8100, 2, 0x0800) + good_udp[14:]
    f["bad_8021ad_inner"] = eth(SERVER_MAC, CLIENT_MAC, 0x88A8, 1) + good_udp[14:]
    f["bad_ipv6_ethertype"] = eth(SERVER_MAC, CLIENT_MAC, 0x86DD) + b"\x60" + b"\0" * 39
    f["bad_ip_cut_19"] = good_udp[:14 + 19]
    f["bad_udp_cut"] = good_udp[:14 + 20 + 7]
    f["bad_udp_short"] = eth(SERVER_MAC, CLIENT_MAC, 0x0800) + ipv4(CLIENT_IP, SERVER_IP, 17,
                                                                     good_udp[34:41])
    f["bad_frame_cut_payload"] = good_udp[:-5]
    f["bad_ip_version_6"] = udp_frame(2070, 69, tftp_rrq, ver=6)
    f["bad_ihl_4"] = udp_frame(2070, 69, tftp_rrq, ihl=4)
    f["bad_ihl_0"] = udp_frame(2070, 69, tftp_rrq, ihl=0)
    f["bad_ihl_past_frame"] = udp_frame(2070, 69, b"", ihl=15)[:14 + 40]
    f["bad_ip_tot_past_frame"] = udp_frame(2070, 69, tftp_rrq, tot=20 + 8 + len(tftp_rrq) + 1)
    f["bad_ip_tot_below_ihl"] = udp_frame(2070, 69, tftp_rrq, tot=19)
    f["bad_ip_csum"] = udp_frame(2070, 69, tftp_rrq, bad_csum=True)
    f["bad_frag_mf_dhcp"] = dhcp_frame(frag=0x2000)
    f["bad_frag_offset_tftp"] = udp_frame(2070, 69, tftp_rrq, frag=0x00B9)
    f["bad_frag_mf_icmp"] = icmp_frame(frag=0x2000)
    f["bad_udp_len_past_ip"] = udp_frame(2070, 69, tftp_rrq, ulen=8 + len(tftp_rrq) + 1)
    f["bad_udp_len_7"] = udp_frame(2070, 69, tftp_rrq, ulen=7)
    f["bad_udp_len_0"] = udp_frame(2070, 69, tftp_rrq, ulen=0, cs="none")
    f["bad_udp_len_ffff"] = dhcp_frame(ulen=0xFFFF, cs="none")
    f["bad_udp_csum"] = udp_frame(2070, 69, tftp_rrq, cs="bad")
    f["bad_dhcp_udp_csum"] = dhcp_frame(cs="bad")
    f["bad_icmp_csum"] = icmp_frame(bad=True)
    f["bad_icmp_short"] = eth(SERVER_MAC, CLIENT_MAC, 0x0800) + ipv4(
        CLIENT_IP, SERVER_IP, 1, icmp_echo(0)[:7])
    f["bad_src_mac_broadcast"] = udp_frame(2070, 69, tftp_rrq, smac=BCAST_MAC)
    f["bad_src_mac_multicast"] = dhcp_frame()[:6] + bytes.fromhex("01005e000001") + \
        dhcp_frame()[12:]
    f["bad_src_ip_broadcast"] = udp_frame(68, 67, dhcp_discover(), src=ip("255.255.255.255"),
                                          dst=ip("255.255.255.255"), dmac=BCAST_MAC)
    f["bad_src_ip_multicast"] = udp_frame(2070, 69, tftp_rrq, src=ip("224.0.0.251"))
    f["bad_src_ip_loopback"] = icmp_frame(src=ip("127.0.0.1"))
    f["bad_src_ip_class_e"] = udp_frame(2070, 69, tftp_rrq, src=ip("240.0.0.1"))
    f["bad_proto_tcp"] = eth(SERVER_MAC, CLIENT_MAC, 0x0800) + ipv4(CLIENT_IP, SERVER_IP, 6,
                                                                     b"\0" * 20)
    f["bad_arp_cut"] = arp_frame()[:14 + 27]
    f["bad_arp_hlen"] = arp_frame(hlen=8)
    f["bad_arp_plen"] = arp_frame(plen=16, vlan=3)
    f["bad_arp_htype"] = arp_frame(htype=6)
    f["bad_arp_ptype"] = arp_frame(ptype=0x86DD)
    return f


def write(dirname, items):
    os.makedirs(dirname, exist_ok=True)
    ph = os.path.join(dirname, "placeholder")
    if os.path.exists(ph):
        os.remove(ph)
    for name, data in items.items():
        with open(os.path.join(dirname, name), "wb") as fh:
            fh.write(data)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus")
    tftp = dict(TFTP_GOOD)
    tftp.update(TFTP_BAD)
    write(os.path.join(root, "tftp"), tftp)
    fr = frames()
    write(os.path.join(root, "frame"), fr)
    print("tftp: %d seeds, frame: %d seeds" % (len(tftp), len(fr)))


if __name__ == "__main__":
    main()
