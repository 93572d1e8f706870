#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A TCP peer with known byte counts, for the network tests.

serve HOST PORT N [BULK]: accepts N connections in turn. Connection i
  (from 0) receives up(i) bytes, sends down(i) bytes, then waits for the
  client's close and closes. With BULK, each sends BULK bytes instead and
  then echoes what it gets until the client closes.
client HOST PORT N HOLD_MS: N connections in turn, each sends up(i),
  reads down(i), holds HOLD_MS and closes first. Prints one JSON line per
  connection: {"i", "sport", "up", "down"}.
Every wait is bounded (10 s)."""
import json
import os
import socket
import sys
import time


def up(i):
    return 1000 * (i + 1) + 17


def down(i):
    return 3000 * (i + 1) + 5


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def recv_exact(s, n):
    got = 0
    while got < n:
        b = s.recv(min(65536, n - got))
        if not b:
            raise EOFError(f"peer closed after {got} of {n} bytes")
        got += len(b)


def serve(host, port, n, bulk=0):
    l = socket.socket(family(host), socket.SOCK_STREAM)
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind((host, port))
    l.listen(16)
    l.settimeout(10)
    print(json.dumps({"ready": os.getpid()}), flush=True)
    for i in range(n):
        s, _ = l.accept()
        s.settimeout(10)
        if bulk:
            s.sendall(b"b" * bulk)
            while True:     # then an echo: the client's pings
                b = s.recv(65536)
                if not b:
                    break
                s.sendall(b)
        else:
            recv_exact(s, up(i))
            s.sendall(b"d" * down(i))
        while s.recv(65536):
            pass
        s.close()
    l.close()


def client(host, port, n, hold_ms):
    for i in range(n):
        s = socket.create_connection((host, port), timeout=10)
        s.sendall(b"u" * up(i))
        recv_exact(s, down(i))
        print(json.dumps({"i": i, "pid": os.getpid(), "sport": s.getsockname()[1],
                          "up": up(i), "down": down(i)}), flush=True)
        time.sleep(hold_ms / 1000)
        s.close()


if __name__ == "__main__":
    a = sys.argv
    if a[1] == "serve":
        serve(a[2], int(a[3]), int(a[4]), int(a[5]) if len(a) > 5 else 0)
    else:
        client(a[2], int(a[3]), int(a[4]), int(a[5]))
