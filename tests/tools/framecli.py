#!/usr/bin/env python3
"""The client half of tests/integration/daemon/framing.sh: requests to
framesrv.py through the proxy at HOST:PORT, each response parsed by its
own framing (RFC 9112 section 6) and checked byte for byte. Prints one
JSON object: for each case what the client saw (status, body check,
whether the connection stayed usable, timings in ms)."""
import hashlib
import json
import socket
import sys
import time


def pattern(n):
    unit = b"0123456789abcdef"
    return (unit * (n // len(unit) + 1))[:n]


class Conn:
    def __init__(self, addr):
        self.s = socket.create_connection(addr, timeout=5)
        self.buf = b""

    def fill(self):
        d = self.s.recv(65536)
        if not d:
            raise EOFError
        self.buf += d

    def line(self):
        while b"\r\n" not in self.buf:
            self.fill()
        l, self.buf = self.buf.split(b"\r\n", 1)
        return l

    def take(self, n):
        while len(self.buf) < n:
            self.fill()
        d, self.buf = self.buf[:n], self.buf[n:]
        return d

    def head(self):
        status = int(self.line().split(b" ")[1])
        hdrs = {}
        while True:
            l = self.line()
            if not l:
                return status, hdrs
            k, _, v = l.partition(b":")
            hdrs[k.strip().lower().decode()] = v.strip().decode()

    def response(self, meth="GET"):
        """(status, headers, body, trailers), interim 1xx skipped."""
        status, hdrs = self.head()
        while 100 <= status < 200:
            status, hdrs = self.head()
        trailers = {}
        if meth == "HEAD" or status in (204, 304):
            body = b""
        elif hdrs.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.line().split(b";")[0], 16)
                if size == 0:
                    while True:
                        l = self.line()
                        if not l:
                            break
                        k, _, v = l.partition(b":")
                        trailers[k.strip().lower().decode()] = v.strip().decode()
                    break
                body += self.take(size)
                self.line()
        elif "content-length" in hdrs:
            body = self.take(int(hdrs["content-length"]))
        else:
            body = self.buf
            self.buf = b""
            try:
                while True:
                    d = self.s.recv(65536)
                    if not d:
                        break
                    body += d
            except OSError:
                pass
        return status, hdrs, body, trailers

    def get(self, path, meth="GET"):
        self.s.sendall(("%s %s HTTP/1.1\r\nHost: t\r\n\r\n" % (meth, path)).encode())
        return self.response(meth)


def usable(c):
    """The connection still frames correctly: one more request on it."""
    try:
        st, _, body, _ = c.get("/cl/10")
        return st == 200 and body == pattern(10)
    except (OSError, EOFError, ValueError):
        return False


def main():
    addr = (sys.argv[1], int(sys.argv[2]))
    r = {}
    c = Conn(addr)
    for n in (0, 1, 16384, 16385, 1000000):
        st, _, body, _ = c.get("/cl/%d" % n)
        r["cl%d" % n] = st == 200 and body == pattern(n)
    st, h, body, tr = c.get("/chunked")
    want = b"".join(pattern(n) for n in (1, 100, 20000, 5))
    r["chunked"] = st == 200 and body == want
    r["chunked_trailer"] = tr.get("x-sum", "")
    r["chunked_usable"] = usable(c)
    st, h, body, _ = c.get("/head", "HEAD")
    r["head"] = st == 200 and h.get("content-length") == "1234" and body == b""
    r["head_usable"] = usable(c)
    st, _, _, _ = c.get("/204")
    r["s204"] = st
    r["s204_usable"] = usable(c)
    st, _, _, _ = c.get("/304")
    r["s304"] = st
    r["s304_usable"] = usable(c)

    # a body the proxy must stream: the first part before the server ends
    for name in ("slow", "split"):
        best = None
        for _ in range(3):
            t0 = time.monotonic()
            c.s.sendall(b"GET /%s HTTP/1.1\r\nHost: t\r\n\r\n" % name.encode())
            st, h = c.head()
            need = 1000 if name == "slow" else 16384 - 200
            first = c.take(need)
            t1 = time.monotonic()
            rest = c.take(int(h["content-length"]) - need)
            ok = first + rest == pattern(int(h["content-length"]))
            ms = (t1 - t0) * 1000
            best = ms if best is None or ms < best else best
            r[name] = ok
        r[name + "_first_ms"] = round(best, 1)

    # request bodies: Content-Length, chunked, Expect: 100-continue
    body = pattern(300000)
    md5 = hashlib.md5(body).hexdigest()
    c.s.sendall(b"POST /md5 HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    st, _, got, _ = c.response()
    r["post_cl"] = st == 200 and got.decode() == md5
    chunks = b"".join(b"%x\r\n" % len(body[i:i + 7000]) + body[i:i + 7000] + b"\r\n"
                      for i in range(0, len(body), 7000)) + b"0\r\n\r\n"
    c.s.sendall(b"POST /md5 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks)
    st, _, got, _ = c.response()
    r["post_chunked"] = st == 200 and got.decode() == md5
    c.s.sendall(b"POST /md5 HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n"
                b"Expect: 100-continue\r\n\r\n" % len(body))
    st, _ = c.head()
    r["continue"] = st
    c.s.sendall(body)
    st, _, got, _ = c.response()
    r["post_continue"] = st == 200 and got.decode() == md5
    r["post_usable"] = usable(c)

    # close-delimited: the body ends with the server's close
    st, h, body, _ = c.get("/close")
    r["close"] = st == 200 and body == pattern(50000)
    print(json.dumps(r))


if __name__ == "__main__":
    main()
