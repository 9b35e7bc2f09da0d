#!/usr/bin/env python3
"""A test backend for HTTP/1.1 message framing (tests/integration/daemon/
framing.sh). Each path answers with one framing, on a keep-alive
connection unless the framing needs the close:

  /cl/N        Content-Length N, the body pattern(N) in one write
  /chunked     chunked, chunks of 1, 100, 20000 and 5 bytes, a trailer
  /close       no length: 50000 bytes, then the connection closes
  /head        (HEAD) Content-Length 1234 and no body
  /204, /304   no body (304 with a Content-Length of the resource)
  /split       head + body up to exactly 16384 bytes, 1 s pause, the rest
  /slow        1000 body bytes, 1 s pause, 1000 more
  /md5         the MD5 of the request body (Content-Length or chunked);
               "100 Continue" first when the request expects it

pattern(n) is b"0123456789abcdef" repeated: the client checks bytes, not
only lengths.
"""
import hashlib
import socket
import sys
import threading
import time


def pattern(n):
    unit = b"0123456789abcdef"
    return (unit * (n // len(unit) + 1))[:n]


def read_head(f):
    lines = []
    while True:
        line = f.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            return lines
        lines.append(line.rstrip(b"\r\n"))


def read_body(f, hdrs):
    if hdrs.get(b"transfer-encoding", b"").lower() == b"chunked":
        out = b""
        while True:
            size = int(f.readline().split(b";")[0], 16)
            if size == 0:
                while f.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return out
            out += f.read(size)
            f.readline()
    return f.read(int(hdrs.get(b"content-length", b"0")))


def head(status, fields):
    return ("HTTP/1.1 %s\r\n" % status + "".join("%s: %s\r\n" % kv for kv in fields) +
            "\r\n").encode()


def answer(conn, f, meth, path, hdrs):
    """Writes one response; False when the connection must close."""
    if path.startswith("/cl/"):
        n = int(path[4:])
        conn.sendall(head("200 OK", [("Content-Length", n)]) + pattern(n))
    elif path == "/chunked":
        conn.sendall(head("200 OK", [("Transfer-Encoding", "chunked"), ("Trailer", "X-Sum")]))
        for n in (1, 100, 20000, 5):
            conn.sendall(b"%x\r\n" % n + pattern(n) + b"\r\n")
        conn.sendall(b"0\r\nX-Sum: done\r\n\r\n")
    elif path == "/close":
        conn.sendall(head("200 OK", [("Connection", "close")]) + pattern(50000))
        return False
    elif path == "/head":
        conn.sendall(head("200 OK", [("Content-Length", 1234)]))
    elif path == "/204":
        conn.sendall(head("204 No Content", []))
    elif path == "/304":
        conn.sendall(head("304 Not Modified", [("ETag", '"x"'), ("Content-Length", 1234)]))
    elif path == "/split":
        total = 40000
        h = head("200 OK", [("Content-Length", total)])
        first = 16384 - len(h)
        conn.sendall(h + pattern(total)[:first])
        time.sleep(1.0)
        conn.sendall(pattern(total)[first:])
    elif path == "/slow":
        conn.sendall(head("200 OK", [("Content-Length", 2000)]) + pattern(1000))
        time.sleep(1.0)
        conn.sendall(pattern(2000)[1000:])
    elif path == "/md5":
        if hdrs.get(b"expect", b"").lower() == b"100-continue":
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = read_body(f, hdrs)
        digest = hashlib.md5(body).hexdigest().encode()
        conn.sendall(head("200 OK", [("Content-Length", len(digest))]) + digest)
    else:
        conn.sendall(head("404 Not Found", [("Content-Length", 0)]))
    return True


def serve(conn):
    f = conn.makefile("rb")
    try:
        while True:
            lines = read_head(f)
            if not lines:
                return
            meth, path, _ = lines[0].decode().split(" ", 2)
            hdrs = {}
            for line in lines[1:]:
                k, _, v = line.partition(b":")
                hdrs[k.strip().lower()] = v.strip()
            if meth != "GET" and meth != "HEAD" and path != "/md5":
                read_body(f, hdrs)
            if not answer(conn, f, meth, path, hdrs):
                return
    except (OSError, ValueError):
        pass
    finally:
        conn.close()


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host, int(port)))
    ls.listen(128)
    while True:
        conn, _ = ls.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
