#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""UDP peers with counted packets, for the network tests.

sink ADDR PORT SECONDS: counts datagrams by source address until SECONDS
  pass with none; prints {"ready": pid} first, then {source: count}.
send SRC DST PORT N [GAP_US]: N datagrams of 100 bytes from SRC."""
import json
import os
import socket
import sys
import time


def family(a):
    return socket.AF_INET6 if ":" in a else socket.AF_INET


def sink(addr, port, quiet):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    if family(addr) == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)   # beside an IPv4 sink on the port
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((addr, port))
    s.settimeout(quiet)
    print(json.dumps({"ready": os.getpid()}), flush=True)
    got = {}
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            _, src = s.recvfrom(2048)
        except socket.timeout:
            break
        got[src[0]] = got.get(src[0], 0) + 1
    print(json.dumps(got), flush=True)


def send(src, dst, port, n, gap_us=0):
    s = socket.socket(family(dst), socket.SOCK_DGRAM)
    s.bind((src, 0))
    for _ in range(n):
        s.sendto(b"x" * 100, (dst, port))
        if gap_us:
            time.sleep(gap_us / 1e6)


if __name__ == "__main__":
    a = sys.argv
    if a[1] == "sink":
        sink(a[2], int(a[3]), float(a[4]))
    else:
        send(a[2], a[3], int(a[4]), int(a[5]), int(a[6]) if len(a) > 6 else 0)
