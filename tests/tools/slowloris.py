#!/usr/bin/env python3
"""slowloris.py: many connections that send a request head one byte a second.

Used by tests/integration/daemon/slowloris.sh to show that slow clients
neither stop a proxy from serving others nor outlive `timeout http-request`.
Stdlib only (selectors), loopback only, one thread.

    slowloris.py PORT [--conns 500] [--cap 20] [--ready FILE]

Opens --conns connections, sends each the request line and a Host header
at once, then one byte of an endless "X-Slow:" header per second on every
connection still open. Writes FILE (--ready) once all are connected, and
ends when every connection was closed by the peer or after --cap seconds.
Prints one JSON object:

    {"conns": N, "connected": N, "closed": C, "open": O,
     "first_close": S, "last_close": S,        # seconds after its connect
     "statuses": {"408": K, "-": M}}           # first answer of each closed
                                               # connection, "-": none
"""
import argparse
import json
import re
import selectors
import socket
import time

HEAD = b"GET /slow HTTP/1.1\r\nHost: slow.test\r\nX-Slow: "


class Conn:
    def __init__(self, s):
        self.s, self.t0, self.got, self.closed_at = s, time.monotonic(), b"", None


def open_all(port, n, sel):
    conns = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), 5)
        s.setblocking(False)
        s.send(HEAD)
        c = Conn(s)
        sel.register(s, selectors.EVENT_READ, c)
        conns.append(c)
    return conns


def on_read(sel, c, now):
    try:
        b = c.s.recv(4096)
    except BlockingIOError:
        return
    except OSError:        # reset: closed too
        b = b""
    if b:
        c.got += b
        return
    c.closed_at = now
    sel.unregister(c.s)
    c.s.close()


def drip(conns):
    for c in conns:
        if c.closed_at is None:
            try:
                c.s.send(b"a")
            except OSError:
                pass       # the close shows up as a read event


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--conns", type=int, default=500)
    ap.add_argument("--cap", type=float, default=20.0)
    ap.add_argument("--ready")
    a = ap.parse_args()
    sel = selectors.DefaultSelector()
    conns = open_all(a.port, a.conns, sel)
    if a.ready:
        open(a.ready, "w").write("%d\n" % len(conns))
    start = time.monotonic()
    next_drip = start + 1.0
    while time.monotonic() - start < a.cap and any(c.closed_at is None for c in conns):
        now = time.monotonic()
        if now >= next_drip:
            drip(conns)
            next_drip += 1.0
        for key, _ in sel.select(max(0.0, min(next_drip - now, 0.2))):
            on_read(sel, key.data, time.monotonic())
    closed = [c for c in conns if c.closed_at is not None]
    life = [c.closed_at - c.t0 for c in closed]
    statuses = {}
    for c in closed:
        m = re.match(rb"HTTP/1\.[01] (\d{3})", c.got)
        k = m.group(1).decode() if m else "-"
        statuses[k] = statuses.get(k, 0) + 1
    print(json.dumps({
        "conns": a.conns, "connected": len(conns), "closed": len(closed),
        "open": len(conns) - len(closed),
        "first_close": round(min(life), 3) if life else -1,
        "last_close": round(max(life), 3) if life else -1,
        "statuses": statuses,
    }))


if __name__ == "__main__":
    main()
