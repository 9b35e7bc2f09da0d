#!/usr/bin/env python3
"""rawhttp.py: send one raw request, byte for byte, and tell how it ended.

Used by the HTTP integration tests (tests/integration/daemon/smuggle.sh)
to put malformed and smuggling requests through a proxy exactly as
written: no client library normalises anything. Stdlib only, loopback
only.

    rawhttp.py PORT [--host 127.0.0.1] [--wait SECONDS] < request-bytes

Connects, sends stdin's bytes in one go without half-closing (a proxy must
close by itself after refusing a request), then reads until the peer
closes or --wait seconds pass. Prints one line:

    STATUS END SECONDS

STATUS is the status code of the first response ("-" when none came),
END is "closed" (orderly close), "reset" (connection reset: closed too) or
"open" (still open at the deadline), SECONDS the time from the send to the
end. With --show, the bytes received follow on stdout.
"""
import argparse
import re
import socket
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--wait", type=float, default=3.0)
    ap.add_argument("--show", action="store_true")
    a = ap.parse_args()
    data = sys.stdin.buffer.read()
    s = socket.create_connection((a.host, a.port), 5)
    t0 = time.monotonic()
    end, got = "open", b""
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass  # refused before reading it all: what it answered still counts
    deadline = t0 + a.wait
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            b = s.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            end = "reset"
            break
        if not b:
            end = "closed"
            break
        got += b
    m = re.match(rb"HTTP/1\.[01] (\d{3})", got)
    print("%s %s %.3f" % (m.group(1).decode() if m else "-", end, time.monotonic() - t0))
    if a.show:
        sys.stdout.flush()
        sys.stdout.buffer.write(got)
    s.close()


if __name__ == "__main__":
    main()
