#!/usr/bin/env python3
"""httpload.py: a fixed number of HTTP/1.1 requests over keep-alive connections.

Used by tests/integration/daemon/reuse.sh. Stdlib only (http.client, one
thread per connection), loopback only.

    httpload.py PORT [--conns 50] [--requests 10000] [--path /]

Opens --conns client connections and sends --requests GET requests in all,
spread evenly, each connection waiting for a response before its next
request (no pipelining). A response counts as ok when it is a 200 with a
body; its body (weir-testsrv answers its NAME) is counted per server.
Prints one JSON object:

    {"requests": N, "ok": K, "by_body": {"s1": n, ...}, "client_conns": C,
     "mixed": M, "errors": {"ExceptionName": n}, "seconds": S}

client_conns counts the TCP connections the client had to open: exactly
--conns when the proxy kept every client connection alive. mixed counts
the client connections whose responses came from more than one server:
all of them when the proxy balances each request, not each connection.
"""
import argparse
import collections
import http.client
import json
import threading
import time


class CountingConn(http.client.HTTPConnection):
    """An HTTPConnection that counts its (re)connects."""
    connects = 0
    lock = threading.Lock()

    def connect(self):
        super().connect()
        with CountingConn.lock:
            CountingConn.connects += 1


def worker(port, path, n, res, lock):
    c = CountingConn("127.0.0.1", port, timeout=10)
    ok, bodies, errors = 0, collections.Counter(), collections.Counter()
    for i in range(n):
        try:
            c.request("GET", "%s?c=%d" % (path, i), headers={"Host": "reuse.test"})
            r = c.getresponse()
            body = r.read()
            if r.status == 200 and body:
                ok += 1
                bodies[body.decode(errors="replace").strip()] += 1
            else:
                errors["status_%d" % r.status] += 1
        except Exception as e:  # counted, the connection is reopened
            errors[type(e).__name__] += 1
            c.close()
    c.close()
    with lock:
        res["mixed"] += len(bodies) > 1
        res["ok"] += ok
        res["by_body"].update(bodies)
        res["errors"].update(errors)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--conns", type=int, default=50)
    ap.add_argument("--requests", type=int, default=10000)
    ap.add_argument("--path", default="/")
    a = ap.parse_args()
    res = {"ok": 0, "mixed": 0, "by_body": collections.Counter(), "errors": collections.Counter()}
    lock = threading.Lock()
    per = [a.requests // a.conns + (1 if i < a.requests % a.conns else 0) for i in range(a.conns)]
    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(a.port, a.path, n, res, lock)) for n in per]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({
        "requests": a.requests, "ok": res["ok"], "by_body": dict(res["by_body"]),
        "client_conns": CountingConn.connects, "mixed": res["mixed"], "errors": dict(res["errors"]),
        "seconds": round(time.monotonic() - t0, 3),
    }))


if __name__ == "__main__":
    main()
