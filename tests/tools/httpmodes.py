#!/usr/bin/env python3
"""httpmodes.py: the raw-socket clients of tests/integration/daemon/httpmodes.sh.

Each mode connects to 127.0.0.1:PORT, does one short dialogue byte for
byte (no client library normalises anything) and prints one summary line,
then, with a body, the body. Stdlib only, loopback only.

    httpmodes.py idle PORT            GET / (HTTP/1.1), then how long the
                                      idle connection stays open:
                                      "STATUS closed SECONDS" or "STATUS open"
    httpmodes.py ka PORT VER [CONN]   GET /echo in HTTP/VER (with
                                      "Connection: CONN"), then a second one
                                      on the same connection if it stays
                                      open: "STATUS CONNHDR second=STATUS|closed",
                                      then the first body
    httpmodes.py seq PORT N [METHOD]  N requests (GET, or METHOD with a
                                      4-byte body) on one connection, then
                                      close: the statuses, space separated
    httpmodes.py tunnel PORT TARGET   CONNECT TARGET, then a line through
                                      the tunnel: "STATUS ECHOED-LINE"
    httpmodes.py tunserver PORT       a backend answering CONNECT with
                                      "200 Connection established", then
                                      echoing (runs until killed)
"""
import socket
import sys
import threading
import time


def read_head(s, buf, deadline):
    """(status, {lowercase name: value}, rest) or None when closed first."""
    while b"\r\n\r\n" not in buf:
        s.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            b = s.recv(65536)
        except (socket.timeout, ConnectionResetError):
            return None
        if not b:
            return None
        buf += b
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    hdrs = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        hdrs.setdefault(k.strip().lower(), v.strip())
    return int(lines[0].split()[1]), hdrs, rest


def read_response(s, deadline=None):
    """(status, headers, body) of one response with a Content-Length (or
    none: read to the close), None when the connection closed first."""
    deadline = deadline or time.monotonic() + 5
    r = read_head(s, b"", deadline)
    if r is None:
        return None
    st, h, body = r
    n = int(h.get("content-length", "-1"))
    while n < 0 or len(body) < n:
        s.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            b = s.recv(65536)
        except (socket.timeout, ConnectionResetError):
            break
        if not b:
            break
        body += b
    return st, h, body


def closed_within(s, secs):
    """Seconds until the peer closed, or None if still open after secs."""
    t0 = time.monotonic()
    s.settimeout(secs)
    try:
        b = s.recv(1)
    except socket.timeout:
        return None
    except ConnectionResetError:
        b = b""
    return time.monotonic() - t0 if not b else None


def get(path, ver="1.1", conn=None):
    r = "GET %s HTTP/%s\r\nHost: t\r\n" % (path, ver)
    if conn:
        r += "Connection: %s\r\n" % conn
    return (r + "\r\n").encode()


def mode_idle(port):
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.sendall(get("/"))
    r = read_response(s)
    if r is None:
        print("- closed")
        return
    t = closed_within(s, 8)
    print("%d closed %.2f" % (r[0], t) if t is not None else "%d open" % r[0])


def mode_ka(port, ver, conn=None):
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.sendall(get("/echo", ver, conn))
    r = read_response(s)
    if r is None:
        print("- - second=closed")
        return
    st, h, body = r
    second = "closed"
    if closed_within(s, 0.5) is None:
        try:
            s.sendall(get("/echo", ver, conn))
            r2 = read_response(s)
            second = str(r2[0]) if r2 else "closed"
        except OSError:
            pass
    print("%d %s second=%s" % (st, h.get("connection", "-"), second))
    sys.stdout.write(body.decode("latin-1"))


def mode_seq(port, n, method="GET"):
    s = socket.create_connection(("127.0.0.1", port), 5)
    out = []
    for _ in range(n):
        if method == "GET":
            s.sendall(get("/"))
        else:
            s.sendall(("%s / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nabcd" % method).encode())
        r = read_response(s)
        out.append(str(r[0]) if r else "closed")
        if not r:
            break
    s.close()
    print(" ".join(out))


def mode_tunnel(port, target):
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.sendall(("CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (target, target)).encode())
    r = read_head(s, b"", time.monotonic() + 5)
    if r is None:
        print("- -")
        return
    st, _, rest = r
    s.sendall(b"ping through the tunnel\n")
    got = rest
    deadline = time.monotonic() + 5
    while b"\n" not in got and time.monotonic() < deadline:
        s.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            b = s.recv(4096)
        except (socket.timeout, ConnectionResetError):
            break
        if not b:
            break
        got += b
    print("%d %s" % (st, got.decode("latin-1").strip() or "-"))


def tun_serve(c):
    buf = b""
    while b"\r\n\r\n" not in buf:
        b = c.recv(4096)
        if not b:
            return
        buf += b
    c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    rest = buf.split(b"\r\n\r\n", 1)[1]
    if rest:
        c.sendall(rest)
    while True:
        b = c.recv(4096)
        if not b:
            break
        c.sendall(b)
    c.close()


def mode_tunserver(port):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(16)
    while True:
        c, _ = ls.accept()
        threading.Thread(target=tun_serve, args=(c,), daemon=True).start()


def main():
    m, port, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    if m == "idle":
        mode_idle(port)
    elif m == "ka":
        mode_ka(port, *args)
    elif m == "seq":
        mode_seq(port, int(args[0]), *args[1:])
    elif m == "tunnel":
        mode_tunnel(port, args[0])
    elif m == "tunserver":
        mode_tunserver(port)


if __name__ == "__main__":
    main()
