#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Checks sonde's "http" events against what the clients saw.

  http_check.py EVENTS EXPECT SERVER_PID [tls]
EXPECT has one line per request: "port method path status head body upload
reqhead [chunked]" (curl's -w numbers, or the pipelining client's). Every
request must appear exactly once from the client (matched by its local
port, in order) and once from the server pid (by the client's port as its
peer), with the method, path, status and sizes the client saw, and a
plausible latency: the server's inside the client's; with "tls", both
ends must be marked as TLS plaintext. Prints one line per finding; exits 1
on any failure."""
import json
import sys
from collections import defaultdict


def main():
    events, expect, server_pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
    tls = sys.argv[4:] == ["tls"]
    client, server = defaultdict(list), defaultdict(list)
    for line in open(events):
        e = json.loads(line)
        if e.get("type") != "http":
            continue
        if e["role"] == "client":
            client[e["sport"]].append(e)
        elif e["pid"] == server_pid or e.get("ppid") == server_pid:
            server[e["dport"]].append(e)
    fails = 0
    want = defaultdict(list)
    for line in open(expect):
        f = line.split()
        if f:
            want[int(f[0])].append(f)
    n = 0
    for port, reqs in want.items():
        c, s = client.get(port, []), server.get(port, [])
        if len(c) != len(reqs) or len(s) != len(reqs):
            print(f"FAIL: port {port}: {len(reqs)} requests, client saw {len(c)}, server {len(s)}")
            fails += 1
            continue
        for f, ce, se in zip(reqs, c, s):
            _, method, path, status, head, body, upload, reqhead = f[:8]
            chunked = len(f) > 8
            for who, e in (("client", ce), ("server", se)):
                got = (e["method"], e["path"], e["status"], e["response_body_bytes"],
                       e["request_body_bytes"], e["request_bytes"])
                exp = (method, path, int(status), int(body), int(upload), int(reqhead) + int(upload))
                ok = got == exp
                head_bytes = e["response_bytes"] - e["response_body_bytes"]
                if chunked:	# framing on the wire; the body exact unless estimated
                    ok = (got[:3] + got[4:]) == (exp[:3] + exp[4:]) and head_bytes > int(head)
                    ok = ok and (e["response_body_bytes"] == int(body) or
                                 (e.get("response_body_estimated") and
                                  e["response_bytes"] > int(head) + int(body)))
                else:
                    ok = ok and head_bytes == int(head)
                ok = ok and 0 < e["duration_ns"] < 5e9 and e.get("tls", False) == tls
                if not ok:
                    print(f"FAIL: {who} {port} {method} {path}: got {got} head+framing {head_bytes} "
                          f"duration {e['duration_ns']} tls {e.get('tls', False)}, want {exp} head {head}")
                    fails += 1
            if se["duration_ns"] > ce["duration_ns"]:
                print(f"FAIL: {port} {path}: server took {se['duration_ns']} ns, longer than the "
                      f"client's {ce['duration_ns']} ns")
                fails += 1
            n += 1
    print(f"checked {n} requests from both ends")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
