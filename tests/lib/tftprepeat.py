#!/usr/bin/env python3
"""TFTP clients that repeat themselves, as PXE ROMs and lossy links make them.

  dup SERVER NAME FILE        the same RRQ twice from one port before any ACK:
                              both must be answered by the same transfer (same
                              server port), which then delivers FILE's bytes;
                              an RRQ repeated mid-transfer changes nothing.
  supersede SERVER A B FILEB  from one port: RRQ A, a few blocks, then RRQ B:
                              B arrives whole (bytes of FILEB) and A's transfer
                              sends nothing more.
  full SERVER NAME N          N ports ask for NAME, one after the other, and
                              acknowledge the OACK (a transfer, not a request
                              that may be evicted): the ones over the server's
                              session limit get no answer at all (no ERROR);
                              once the transfers are aborted, an unanswered
                              port asking again is served.
  errors SERVER PORT          ERRORs and stray packets to PORT, a server port
                              with no transfer (CVE-2024-2169, "Loop DoS"): an
                              ERROR there or to port 69 is never answered (a
                              peer that answers every ERROR gets no loop), and
                              20 ACKs from one source get one ERROR 5 a second.
  noack SERVER NAME WAIT      an RRQ without options, one with options and one
                              asking for a 10 s timeout, never acknowledged:
                              each gets at most 3 answers (the first and 2
                              retransmissions) in WAIT seconds, the timeout
                              option too (it applies after the first ACK),
                              each a timeout (1 s) after the one before;
                              prints the amplification (bytes received /
                              request bytes).

SERVER may be an IPv6 address.

Standard library only. Exit 0 when every expectation holds, 1 otherwise, with
one line per check on stdout ("ok: ..." / "FAIL: ...").
"""
import select
import socket
import struct
import sys
import time

OACK, DATA, ACK, ERROR = 6, 3, 4, 5
failed = False


def check(cond, what):
    global failed
    print(("ok: " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failed = True


def rrq(name, blksize=1468, timeout=None):
    r = b"\0\1" + name.encode() + b"\0octet\0blksize\0%d\0tsize\0000\0" % blksize
    if timeout:
        r += b"timeout\0%d\0" % timeout
    return r


def recv(s, wait):
    """(opcode, block or error code, payload, server address) or None."""
    s.settimeout(wait)
    try:
        data, peer = s.recvfrom(65536)
    except socket.timeout:
        return None
    if len(data) < 4:
        return (-1, 0, data, peer)
    op, num = struct.unpack("!HH", data[:4])
    return (op, num, data[4:], peer)


FAMILY = socket.AF_INET


def sock():
    s = socket.socket(FAMILY, socket.SOCK_DGRAM)
    s.bind(("::" if FAMILY == socket.AF_INET6 else "0.0.0.0", 0))
    return s


def oack_opts(payload):
    parts = payload.split(b"\0")
    return {parts[i].decode(): parts[i + 1].decode() for i in range(0, len(parts) - 1, 2)}


def fetch(s, tid, blksize, first=1, late_rrq=None):
    """ACK 0 already sent or not: receive blocks from `first` on until the short
    one, from `tid` only. Returns the bytes, or None."""
    out = bytearray()
    expect = first
    sent_late = False
    deadline = time.time() + 60
    while time.time() < deadline:
        r = recv(s, 5)
        if r is None:
            s.sendto(struct.pack("!HH", ACK, (expect - 1) & 0xFFFF), tid)
            continue
        op, num, pl, peer = r
        if peer != tid:
            check(False, "a packet from another server port %s (opcode %d)" % (peer, op))
            return None
        if op == OACK:
            check(late_rrq is None or not sent_late, "no OACK answers a repeated RRQ mid-transfer")
            continue
        if op != DATA:
            check(False, "expected DATA, got opcode %d" % op)
            return None
        if num != expect & 0xFFFF:
            continue
        out += pl
        s.sendto(struct.pack("!HH", ACK, num), tid)
        expect += 1
        if late_rrq is not None and not sent_late and expect == first + 3:
            s.sendto(late_rrq, (tid[0], 69))
            sent_late = True
        if len(pl) < blksize:
            return bytes(out)
    return None


def cmd_dup(server, name, path):
    want = open(path, "rb").read()
    s = sock()
    s.sendto(rrq(name), (server, 69))
    a = recv(s, 5)
    check(a is not None and a[0] == OACK, "first RRQ answered by an OACK")
    if not a or a[0] != OACK:
        return
    s.sendto(rrq(name), (server, 69))
    b = recv(s, 5)
    check(b is not None and b[0] == OACK, "the repeated RRQ answered by an OACK")
    if not b or b[0] != OACK:
        return
    check(a[3] == b[3], "both OACKs from one transfer (server port %d and %d)" % (a[3][1], b[3][1]))
    check(oack_opts(b[2]).get("tsize") == str(len(want)), "the second OACK carries tsize %d" % len(want))
    s.sendto(struct.pack("!HH", ACK, 0), a[3])
    got = fetch(s, a[3], 1468, late_rrq=rrq(name))
    check(got == want, "the file arrived whole and once (%s of %d bytes)"
          % (len(got) if got is not None else "none", len(want)))
    # nothing more: no second transfer was started by either repeat
    r = recv(s, 2.5)
    check(r is None, "no packet after the final ACK (no second transfer)")


def cmd_supersede(server, a_name, b_name, b_path):
    want = open(b_path, "rb").read()
    s = sock()
    s.sendto(rrq(a_name, 512), (server, 69))
    o = recv(s, 5)
    check(o is not None and o[0] == OACK, "RRQ %s answered" % a_name)
    if not o or o[0] != OACK:
        return
    tid_a = o[3]
    s.sendto(struct.pack("!HH", ACK, 0), tid_a)
    for k in range(1, 4):
        d = recv(s, 5)
        if d is None or d[0] != DATA:
            check(False, "block %d of %s" % (k, a_name))
            return
        s.sendto(struct.pack("!HH", ACK, d[1]), tid_a)
    # give the rest up: ask for another file from the same port
    s.sendto(rrq(b_name), (server, 69))
    deadline = time.time() + 5
    tid_b = None
    while time.time() < deadline:
        r = recv(s, 1)
        if r and r[0] == OACK:
            tid_b = r[3]
            break
    check(tid_b is not None, "RRQ %s from the same port answered by an OACK" % b_name)
    if tid_b is None:
        return
    check(tid_b != tid_a, "by a new transfer (port %d, was %d)" % (tid_b[1], tid_a[1]))
    s.sendto(struct.pack("!HH", ACK, 0), tid_b)
    got = bytearray()
    expect = 1
    stale = 0
    deadline = time.time() + 30
    while time.time() < deadline:
        r = recv(s, 3)
        if r is None:
            s.sendto(struct.pack("!HH", ACK, expect - 1), tid_b)
            continue
        if r[3] == tid_a:
            stale += 1  # only what was in flight when B was asked for
            continue
        if r[0] != DATA or r[1] != expect:
            continue
        got += r[2]
        s.sendto(struct.pack("!HH", ACK, r[1]), tid_b)
        expect += 1
        if len(r[2]) < 1468:
            break
    check(bytes(got) == want, "%s arrived whole (%d of %d bytes)" % (b_name, len(got), len(want)))
    # A's transfer is over: its timeout (1 s) passes without a retransmission
    quiet = recv(s, 2.5)
    check(quiet is None, "%s's old transfer sends nothing more" % a_name)


def cmd_full(server, name, n):
    socks = [sock() for _ in range(n)]
    answered, silent = [], []
    for s in socks:
        s.sendto(rrq(name, 512, timeout=10), (server, 69))
        r = recv(s, 1.5)
        if r is None:
            silent.append(s)
        else:
            check(r[0] == OACK, "an answered request gets an OACK (opcode %d)" % r[0])
            s.sendto(struct.pack("!HH", ACK, 0), r[3])  # a transfer now,
            d = recv(s, 1.5)  # once block 1 shows the server took the ACK
            check(d is not None and d[0] == DATA, "an acknowledged OACK is followed by DATA")
            answered.append((s, r[3]))
    check(len(answered) >= 1 and len(silent) >= 1,
          "%d requests answered, %d over the limit" % (len(answered), len(silent)))
    if not answered or not silent:
        return
    # the silent ones got nothing at all, not even an ERROR
    for s in silent:
        check(recv(s, 0.2) is None, "no ERROR for a request over the limit")
    # abort the transfers: their sessions are free for the next request (all of
    # them: with several workers, the request may reach another worker's table)
    for s, tid in answered:
        s.sendto(struct.pack("!HH", ERROR, 0) + b"bye\0", tid)
    time.sleep(0.2)
    late = silent[0]
    late.sendto(rrq(name, 512, timeout=10), (server, 69))
    r = recv(late, 3)
    check(r is not None and r[0] == OACK, "asked again after the transfers ended: served")
    if r is not None and r[0] == OACK:
        late.sendto(struct.pack("!HH", ERROR, 0) + b"bye\0", r[3])


def drain(s, wait):
    """Every packet that arrives within `wait` seconds (at most 1000)."""
    got = []
    end = time.time() + wait
    while len(got) < 1000 and time.time() < end:
        r = recv(s, max(0.01, end - time.time()))
        if r is not None:
            got.append(r)
    return got


def cmd_errors(server, port):
    s = sock()
    err = struct.pack("!HH", ERROR, 5) + b"Unknown transfer ID\0"
    # A peer that answers every ERROR with an ERROR, as a server that thinks
    # it is being spoken to: the spoofed opener of the loop. Bounded: 2 s.
    s.sendto(err, (server, port))
    loops = 0
    end = time.time() + 2
    while time.time() < end and loops < 1000:
        r = recv(s, max(0.01, end - time.time()))
        if r is None:
            break
        loops += 1
        s.sendto(err, r[3])
    check(loops == 0, "an ERROR to a port with no transfer is not answered (%d answers)" % loops)
    s.sendto(err, (server, 69))
    got = drain(s, 1)
    check(not got, "an ERROR to port 69 is not answered (%d answers)" % len(got))
    # Anything else there is told "unknown transfer ID", once a second per source.
    for _ in range(20):
        s.sendto(struct.pack("!HH", ACK, 1), (server, port))
    got = drain(s, 0.8)
    errs = [r for r in got if r[0] == ERROR and r[1] == 5]
    check(len(got) == 1 and len(errs) == 1,
          "20 ACKs to a port with no transfer: one ERROR 5 (%d packets, %d ERROR 5)"
          % (len(got), len(errs)))
    time.sleep(0.4)  # past the second: the source may be told again
    s.sendto(struct.pack("!HH", ACK, 1), (server, port))
    got = drain(s, 1)
    check(len(got) == 1 and got[0][0] == ERROR and got[0][1] == 5,
          "a second later: one ERROR 5 again (%d packets)" % len(got))


def cmd_noack(server, name, wait):
    # header bytes per frame around the UDP payload: Ethernet + IP + UDP
    hdr = 14 + (40 if FAMILY == socket.AF_INET6 else 20) + 8
    cases = [("RRQ without options", b"\0\1" + name.encode() + b"\0octet\0"),
             ("RRQ with blksize 1468 and tsize", rrq(name)),
             ("RRQ with timeout 10", rrq(name, timeout=10))]
    socks = []
    for what, req in cases:
        s = sock()
        s.sendto(req, (server, 69))
        socks.append((what, req, s))
    t0 = time.time()
    answers = {id(s): [] for _, _, s in socks}
    while time.time() < t0 + wait:  # never acknowledge; note when answers come
        ready, _, _ = select.select([s for _, _, s in socks], [], [],
                                    max(0.01, t0 + wait - time.time()))
        for s in ready:
            r = recv(s, 0.01)
            if r is not None and len(answers[id(s)]) < 100:
                answers[id(s)].append(r + (time.time() - t0,))
    for what, req, s in socks:
        got = answers[id(s)]
        n = len(got)
        pl = sum(4 + len(r[2]) for r in got)
        fr = sum(max(60, hdr + 4 + len(r[2])) for r in got)
        check(n == 3, "%s never acknowledged: %d answers in %.0f s (the first and 2 retransmissions)"
              % (what, n, wait))
        print("%s: answers at %s s" % (what, ", ".join("%.2f" % r[4] for r in got)))
        gaps = [b[4] - a[4] for a, b in zip(got, got[1:])]
        check(all(g < 1.9 for g in gaps), "%s: retransmitted a timeout (1 s) apart, not a "
              "timer-wheel turn later (gaps %s s)" % (what, ", ".join("%.2f" % g for g in gaps)))
        print("amplification, %s, never acknowledged: %d answers, %d / %d UDP payload bytes "
              "= %.1fx, %d / %d frame bytes = %.1fx"
              % (what, n, pl, len(req), pl / len(req), fr, max(60, hdr + len(req)),
                 fr / max(60, hdr + len(req))))


def main():
    global FAMILY
    a = sys.argv[1:]
    if len(a) > 1 and ":" in a[1]:
        FAMILY = socket.AF_INET6
    if len(a) == 4 and a[0] == "dup":
        cmd_dup(a[1], a[2], a[3])
    elif len(a) == 5 and a[0] == "supersede":
        cmd_supersede(a[1], a[2], a[3], a[4])
    elif len(a) == 4 and a[0] == "full":
        cmd_full(a[1], a[2], int(a[3]))
    elif len(a) == 4 and a[0] == "noack":
        cmd_noack(a[1], a[2], float(a[3]))
    elif len(a) == 3 and a[0] == "errors":
        cmd_errors(a[1], int(a[2]))
    else:
        sys.exit(__doc__)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
