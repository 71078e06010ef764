#!/usr/bin/env python3
"""A stand-in for bootfarmd's control socket, to test bootfarmctl without the daemon.

Listens on a UNIX stream socket. For each connection: reads one line (the
request), appends it as received to --requests, answers with the response
that --responses (a JSON object) holds under the request's "cmd", closes.

A response that is a JSON object is sent as one line; a string is sent
verbatim (to test malformed replies); the string "@stall" sends nothing and
holds the connection until the client leaves (to test the client's timeout).
A "cmd" with no canned response gets {"ok":false,"error":"fakectl: ..."}.

Exits after --lifetime seconds, so a test that forgets it never hangs.
Standard library only.
"""
import argparse
import json
import os
import socket
import sys
import time


def read_line(conn):
    buf = b""
    while b"\n" not in buf:
        chunk = conn.recv(65536)
        if not chunk:
            break
        buf += chunk
    return buf.split(b"\n", 1)[0]


def answer(conn, line, responses, requests_path):
    with open(requests_path, "ab") as f:
        f.write(line + b"\n")
    try:
        cmd = json.loads(line).get("cmd")
    except (ValueError, AttributeError):
        cmd = None
    resp = responses.get(cmd, {"ok": False, "error": "fakectl: no response for %r" % cmd})
    if resp == "@stall":
        conn.settimeout(None)
        while conn.recv(4096):
            pass
        return
    if isinstance(resp, str):
        conn.sendall(resp.encode())
    else:
        conn.sendall(json.dumps(resp).encode() + b"\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--socket", required=True)
    ap.add_argument("--responses", required=True, help="JSON object: cmd -> response")
    ap.add_argument("--requests", required=True, help="each request line is appended here")
    ap.add_argument("--lifetime", type=float, default=120.0)
    ap.add_argument("--mode", type=lambda s: int(s, 8), default=0o666,
                    help="permission bits of the socket (octal)")
    a = ap.parse_args()

    with open(a.responses) as f:
        responses = json.load(f)
    try:
        os.unlink(a.socket)
    except FileNotFoundError:
        pass
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(a.socket)
    os.chmod(a.socket, a.mode)
    srv.listen(8)
    deadline = time.monotonic() + a.lifetime
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        srv.settimeout(left)
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            break
        with conn:
            conn.settimeout(10)
            try:
                answer(conn, read_line(conn), responses, a.requests)
            except OSError as e:  # a client that gives up must not stop the server
                print("fakectl: %s" % e, file=sys.stderr)
    os.unlink(a.socket)


if __name__ == "__main__":
    main()
