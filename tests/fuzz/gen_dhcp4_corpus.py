#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpora for fuzz_dhcp4 and fuzz_pxe (python3 stdlib only).

Run from anywhere: python3 tests/fuzz/gen_dhcp4_corpus.py
The outputs are committed; rerunning rewrites the same bytes.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
COOKIE = b"\x63\x82\x53\x63"
MAC = bytes.fromhex("525400123456")
UUID = bytes.fromhex("8a5b2c9e0d1f4e6aa1b2c3d4e5f60718")


def opt(code, val):
    if isinstance(val, str):
        val = val.encode()
    out = b""
    # RFC 3396: long values become consecutive instances of the same code.
    while True:
        out += bytes([code, min(len(val), 255)]) + val[:255]
        val = val[255:]
        if not val:
            return out


def hdr(op=1, hlen=6, xid=0x1A2B3C4D, flags=0x8000, ciaddr=0, giaddr=0, sname=b"", file=b"",
        chaddr=MAC):
    h = struct.pack("!BBBBIHHIIII", op, 1, hlen, 0, xid, 4, flags, ciaddr, 0, 0, giaddr)
    h += chaddr.ljust(16, b"\0") + sname.ljust(64, b"\0") + file.ljust(128, b"\0")
    assert len(h) == 236
    return h


def msg(options, end=True, pad_to=300, **kw):
    m = hdr(**kw) + COOKIE + options + (b"\xff" if end else b"")
    return m.ljust(pad_to, b"\0")


def ip(s):
    return bytes(int(x) for x in s.split("."))


PRL_IPXE = bytes([1, 3, 6, 7, 12, 15, 17, 26, 43, 60, 66, 67, 119, 128, 129, 130, 131, 132,
                  133, 134, 135, 175, 203])
PRL_OVMF = bytes([1, 2, 3, 4, 5, 6, 12, 13, 15, 17, 18, 22, 23, 28, 40, 41, 42, 43, 50, 51, 54,
                  58, 59, 60, 66, 67, 97, 128, 129, 130, 131, 132, 133, 134, 135])
PRL_DHCLIENT = bytes([1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42])
# iPXE's encapsulated feature list (175): e.g. 19 (HTTP), 21 (DNS), 23 (TFTP), 24 (bzImage)
IPXE_175 = opt(19, b"\x01") + opt(21, b"\x01") + opt(23, b"\x01") + opt(24, b"\x01") + \
    opt(235, b"\x01\x02\x03\x00")

good = {
    "ipxe_bios_discover": msg(
        opt(53, b"\x01") + opt(57, b"\x05\xc0") + opt(93, b"\x00\x00") +
        opt(94, b"\x01\x02\x01") + opt(97, b"\x00" + UUID) +
        opt(60, "PXEClient:Arch:00000:UNDI:002001") + opt(77, "iPXE") +
        opt(175, IPXE_175) + opt(55, PRL_IPXE) + opt(61, b"\x01" + MAC)),
    "ovmf_discover": msg(
        opt(53, b"\x01") + opt(57, b"\x05\xc0") + opt(55, PRL_OVMF) +
        opt(97, b"\x00" + UUID) + opt(94, b"\x01\x03\x00") + opt(93, b"\x00\x07") +
        opt(60, "PXEClient:Arch:00007:UNDI:003016")),
    "ovmf_request_4011": msg(
        opt(53, b"\x03") + opt(57, b"\x05\xc0") + opt(55, PRL_OVMF) +
        opt(97, b"\x00" + UUID) + opt(94, b"\x01\x03\x00") + opt(93, b"\x00\x07") +
        opt(60, "PXEClient:Arch:00007:UNDI:003016") +
        opt(43, b"\x47\x04\x80\x00\x00\x00\xff"), ciaddr=0xC0A80A32),
    "dhclient_request": msg(
        opt(53, b"\x03") + opt(50, ip("192.168.10.50")) + opt(54, ip("192.168.10.1")) +
        opt(12, "node17") + opt(55, PRL_DHCLIENT) + opt(61, b"\x01" + MAC), flags=0),
    "http_client_discover": msg(
        opt(53, b"\x01") + opt(93, b"\x00\x10") + opt(94, b"\x01\x03\x00") +
        opt(60, "HTTPClient:Arch:00016:UNDI:003001") + opt(55, PRL_OVMF)),
    "ipxe_rfc3004_user_class": msg(
        opt(53, b"\x01") + opt(77, b"\x05other\x04iPXE") + opt(55, PRL_IPXE)),
    "relay_link_select": msg(
        opt(53, b"\x01") + opt(82, opt(1, b"eth0/1") + opt(5, ip("10.20.0.0"))) +
        opt(60, "PXEClient:Arch:00000:UNDI:002001"), giaddr=0x0A140001),
    "subnet_select_118": msg(opt(53, b"\x01") + opt(118, ip("10.30.0.0"))),
    "overload_file_sname": msg(
        opt(53, b"\x01") + opt(52, b"\x03"),
        file=opt(60, "PXEClient:Arch:00000:UNDI:002001") + b"\xff",
        sname=opt(12, "overloaded") + b"\xff"),
    "overload_split_across_areas": msg(
        opt(53, b"\x01") + opt(52, b"\x01") + opt(77, "iP"), file=opt(77, "XE") + b"\xff"),
    "long_option_split": msg(
        opt(53, b"\x01") + opt(43, bytes(range(256)) + bytes(44)) + opt(77, "x" * 300)),
    "decline": msg(opt(53, b"\x04") + opt(50, ip("192.168.10.50")) +
                   opt(54, ip("192.168.10.1"))),
    "release": msg(opt(53, b"\x07") + opt(54, ip("192.168.10.1")), ciaddr=0xC0A80A32),
    "inform": msg(opt(53, b"\x08") + opt(55, PRL_DHCLIENT), ciaddr=0xC0A80A32),
    "offer_from_server": msg(opt(53, b"\x02") + opt(54, ip("192.168.10.1")), op=2),
    "max_size_small": msg(opt(53, b"\x01") + opt(57, b"\x01\x00") + opt(55, PRL_IPXE)),
    "unpadded_minimal": msg(opt(53, b"\x01"), pad_to=0),
    "uuid_type_nonzero": msg(opt(53, b"\x01") + opt(97, b"\x01" + UUID)),
}

bad = {
    "short_235": hdr()[:235],
    "short_239": (hdr() + COOKIE)[:239],
    "no_cookie": hdr() + b"\x63\x82\x53\x64" + opt(53, b"\x01") + b"\xff",
    "optlen_past_end": (hdr() + COOKIE + opt(53, b"\x01") + b"\x0c\x40abc"),
    "code_without_len": (hdr() + COOKIE + opt(53, b"\x01") + b"\x0c"),
    "no_end": msg(opt(53, b"\x01"), end=False, pad_to=0),
    "no_53": msg(opt(55, PRL_IPXE)),
    "53_repeated": msg(opt(53, b"\x01") + opt(53, b"\x01")),
    "53_repeated_other": msg(opt(53, b"\x01") + opt(53, b"\x03")),
    "53_len2": msg(opt(53, b"\x01\x01")),
    "53_value0": msg(opt(53, b"\x00")),
    "53_value9": msg(opt(53, b"\x09")),
    "52_zero": msg(opt(53, b"\x01") + opt(52, b"\x00")),
    "52_four": msg(opt(53, b"\x01") + opt(52, b"\x04")),
    "52_len2": msg(opt(53, b"\x01") + opt(52, b"\x01\x01")),
    "52_in_file": msg(opt(53, b"\x01") + opt(52, b"\x01"), file=opt(52, b"\x02") + b"\xff"),
    "52_in_sname": msg(opt(53, b"\x01") + opt(52, b"\x02"), sname=opt(52, b"\x02") + b"\xff"),
    "overload_file_no_end": msg(opt(53, b"\x01") + opt(52, b"\x01"), file=b"\x0c\x01a"),
    "57_below_576": msg(opt(53, b"\x01") + opt(57, b"\x01\x00")),  # accepted, raised
    "57_len1": msg(opt(53, b"\x01") + opt(57, b"\x05")),
    "61_len0": msg(opt(53, b"\x01") + opt(61, b"")),
    "61_len1": msg(opt(53, b"\x01") + opt(61, b"\x01")),
    "61_len65": msg(opt(53, b"\x01") + opt(61, b"\x01" * 65)),
    "12_len0": msg(opt(53, b"\x01") + opt(12, b"")),
    "12_nul": msg(opt(53, b"\x01") + opt(12, b"ab\x00cd")),
    "12_len64": msg(opt(53, b"\x01") + opt(12, b"h" * 64)),
    "93_len1": msg(opt(53, b"\x01") + opt(93, b"\x00")),
    "93_len3": msg(opt(53, b"\x01") + opt(93, b"\x00\x07\x00")),
    "93_many": msg(opt(53, b"\x01") + opt(93, bytes(40))),  # accepted, 8 kept
    "94_len2": msg(opt(53, b"\x01") + opt(94, b"\x01\x02")),
    "97_len16": msg(opt(53, b"\x01") + opt(97, UUID)),
    "97_len18": msg(opt(53, b"\x01") + opt(97, b"\x00" + UUID + b"\x00")),
    "50_len3": msg(opt(53, b"\x01") + opt(50, b"\x01\x02\x03")),
    "54_len5": msg(opt(53, b"\x03") + opt(54, b"\x01\x02\x03\x04\x05")),
    "hlen_17": msg(opt(53, b"\x01"), hlen=17),
    "82_sub_past_end": msg(opt(53, b"\x01") + opt(82, b"\x05\x08\x0a\x00")),
    "82_sub5_len3": msg(opt(53, b"\x01") + opt(82, b"\x05\x03\x0a\x00\x00")),
    "too_long_4097": msg(opt(53, b"\x01"), pad_to=4097),
}

# PXE option 43 vectors: seed 002 (ISC dhcpd examples), seed 003 (PXE.menu,
# boot-server-list with 192.168.0.1 for the xx:yy:zz:vv placeholder, pxelinux's string).
PXE = {
    "seed002_ex1": "06:01:00:07:04:e0:00:01:02:09:29:00:00:0a:4c:6f:63:61:6c:20:62:6f:6f:74:"
                   "00:0d:0a:6b:69:63:6b:20:73:74:61:72:74:00:0e:0c:6e:65:74:77:6f:72:6b:20:"
                   "62:6f:6f:74:0a:13:0a:54:79:70:65:20:3c:46:38:3e:20:66:6f:72:20:6d:65:6e:"
                   "75:ff",
    "seed002_ex2": "06:01:03:08:0e:00:0d:01:C0:A8:C5:0C:00:0e:01:C0:A8:C5:0C:09:29:00:00:0a:"
                   "4c:6f:63:61:6c:20:62:6f:6f:74:00:0d:0a:6b:69:63:6b:20:73:74:61:72:74:00:"
                   "0e:0c:6e:65:74:77:6f:72:6b:20:62:6f:6f:74:0a:13:0a:54:79:70:65:20:3c:46:"
                   "38:3e:20:66:6f:72:20:6d:65:6e:75:ff",
    "seed003_ris_lis": "06:01:02:08:0e:80:4c:01:c0:a8:00:01:80:57:01:c0:a8:00:01:09:40:00:00:"
                       "05:4c:6f:63:61:6c:80:4c:1a:4c:49:53:20:28:4c:69:6e:75:78:20:49:6e:73:"
                       "74:61:6c:6c:20:53:65:72:76:65:72:29:80:57:18:52:49:53:20:28:4d:53:20:"
                       "57:69:6e:64:6f:77:73:20:49:6e:73:74:61:6c:6c:29:0a:13:0a:53:65:6c:65:"
                       "63:74:20:42:6f:6f:74:20:53:65:72:76:65:72:47:04:80:57:00:00:ff",
    "seed003_pxelinux": "09:0f:80:00:0c:4e:65:74:77:6f:72:6b:20:62:6f:6f:74:0a:07:00:50:72:6f:"
                        "6d:70:74:06:01:02:08:03:80:00:00:47:04:80:00:00:00:ff",
    "mtftp": "01:04:e0:01:01:01:02:02:04:d2:03:02:04:d3:04:01:05:05:01:0a:ff",
    "pad_unknown_no_end": "00:00:11:02:ab:cd:06:01:08",
    "bad_trunc": "06:01:00:09:29:00:00:0a:4c:6f",
    "bad_code_only": "06",
    "bad_len_6": "06:02:00:00:ff",
    "bad_len_7": "07:03:e0:00:01:ff",
    "bad_len_71": "47:02:80:00:ff",
    "bad_len_10_empty": "0a:00:ff",
    "bad_menu_item_overrun": "09:05:00:00:0a:4c:6f:ff",
    "bad_server_count_overrun": "08:07:00:0d:02:c0:a8:c5:0c:ff",
    "bad_server_ips_limit": "08:27:00:0d:09:" + ":".join(["c0:a8:00:01"] * 9) + ":ff",
}


def pxe_many_menu():
    items = b"".join(b"\x00" + bytes([i, 1]) + b"m" for i in range(17))
    return bytes([9, len(items)]) + items + b"\xff"


def pxe_many_servers():
    s = b"".join(b"\x00" + bytes([i, 0]) for i in range(9))
    return bytes([8, len(s)]) + s + b"\xff"


def write(d, name, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    d4 = os.path.join(HERE, "corpus", "dhcp4")
    dp = os.path.join(HERE, "corpus", "pxe")
    for i, (name, data) in enumerate(good.items()):
        # Vary xid: fuzz_dhcp4 uses its low bits to pick reply variants.
        if len(data) >= 8:
            data = data[:4] + struct.pack("!I", 0x1A2B3C40 + i) + data[8:]
        write(d4, "good_" + name, data)
    for name, data in bad.items():
        write(d4, "bad_" + name, data)
    for name, s in PXE.items():
        write(dp, name, bytes.fromhex(s.replace(":", "")))
    write(dp, "bad_menu_limit", pxe_many_menu())
    write(dp, "bad_servers_limit", pxe_many_servers())
    # A DISCOVER carrying a seed option 43 too (Boot Server Discovery style).
    write(d4, "good_bsd_request_seed002",
          msg(opt(53, b"\x03") + opt(60, "PXEClient:Arch:00000:UNDI:002001") +
              opt(43, bytes.fromhex(PXE["seed002_ex2"].replace(":", "")))))
    for p in (d4, dp):
        ph = os.path.join(p, "placeholder")
        if os.path.exists(ph):
            os.remove(ph)


if __name__ == "__main__":
    main()
