#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""GETs on one keep-alive connection, printed as http_check.py's EXPECT lines.

  keepalive_get.py PORT [--tls] [--wait FIFO PATH] PATH...
--tls speaks TLS (any certificate); --wait FIFO PATH first GETs PATH (not
printed) and reads FIFO until someone writes to it, so the connection
predates what the caller starts meanwhile (the agent)."""
import socket
import ssl
import sys


def main():
    args = sys.argv[1:]
    port, args = int(args[0]), args[1:]
    tls = "--tls" in args
    args = [a for a in args if a != "--tls"]
    wait = None
    if args[:1] == ["--wait"]:
        wait, args = (args[1], args[2]), args[3:]
    s = socket.create_connection(("127.0.0.1", port))
    if tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        s = ctx.wrap_socket(s)

    def get(path):
        r = f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        s.sendall(r)
        buf = b""
        while b"\r\n\r\n" not in buf:
            buf += s.recv(65536)
        head, body = buf.split(b"\r\n\r\n", 1)
        n = int([l.split(b":")[1] for l in head.split(b"\r\n")
                 if l.lower().startswith(b"content-length")][0])
        while len(body) < n:
            body += s.recv(65536)
        return f"{s.getsockname()[1]} GET {path} {int(head.split()[1])} {len(head) + 4} {n} 0 {len(r)}"

    if wait:
        get(wait[1])
        open(wait[0]).read()
    print("\n".join(get(p) for p in args), flush=True)
    s.close()


if __name__ == "__main__":
    main()
