"""Frame building for bootfarm's python test tools (stdlib only).

Ethernet (with VLAN tags), IPv4, UDP with correct checksums unless told
otherwise (the malformed-frame sender breaks them on purpose), DHCP options.
One place, so every tool puts the same bytes on the wire.
"""
import socket
import struct


def mac_bytes(s):
    b = bytes(int(x, 16) for x in s.split(":"))
    if len(b) != 6:
        raise ValueError("bad MAC " + s)
    return b


def ip_bytes(s):
    return socket.inet_aton(s)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def eth(dst, src, etype, payload, tags=()):
    """tags: list of (tpid, tci) VLAN tags, outermost first."""
    hdr = dst + src
    for tpid, tci in tags:
        hdr += struct.pack("!HH", tpid, tci)
    return hdr + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, payload, ihl=5, tot_len=None, ip_csum=None,
         flags_frag=0, ident=0x4242, ttl=64, options=b""):
    """IPv4 header + payload. ihl is written as given; options pad the header."""
    if tot_len is None:
        tot_len = 20 + len(options) + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", (4 << 4) | (ihl & 0xF), 0, tot_len & 0xFFFF,
                      ident, flags_frag, ttl, proto, 0, src, dst) + options
    if ip_csum is None:
        ip_csum = csum(hdr)
    hdr = hdr[:10] + struct.pack("!H", ip_csum) + hdr[12:]
    return hdr + payload


def udp(src, dst, sport, dport, payload, length=None, udp_csum=None):
    """UDP header + payload; checksum over the pseudo header unless given."""
    if length is None:
        length = 8 + len(payload)
    hdr = struct.pack("!HHHH", sport, dport, length & 0xFFFF, 0)
    if udp_csum is None:
        pseudo = src + dst + struct.pack("!BBH", 0, 17, 8 + len(payload))
        udp_csum = csum(pseudo + hdr + payload) or 0xFFFF
    return hdr[:6] + struct.pack("!H", udp_csum) + payload


def opt(code, data):
    """One DHCP option (code, length, value)."""
    if len(data) > 255:
        raise ValueError("option %d longer than 255 bytes" % code)
    return bytes([code, len(data)]) + data
