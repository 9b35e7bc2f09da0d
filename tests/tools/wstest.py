#!/usr/bin/python3
"""wstest.py: a WebSocket echo server and a client for the tunnel tests.

Uses Debian's python3-websockets (10.x, its asyncio API), so it runs under
/usr/bin/python3, not a python of one's own. Used by
tests/integration/daemon/websocket.sh. Loopback only.

    wstest.py server PORT
        Echo server on 127.0.0.1:PORT: the first message to each client is
        "hello PATH upgrade=<Upgrade header as received>"; then every
        message comes back as it came (text as text, binary as binary);
        "push N" is answered with N messages "push i/N" (server to client).
        Keep-alive pings are off, so an idle tunnel carries no byte.

    wstest.py handshake PORT
        A raw upgrade request on a plain socket: prints the status line and
        whether Sec-WebSocket-Accept is right (RFC 6455 4.2.2), e.g.
        "HTTP/1.1 101 Switching Protocols accept-ok".

    wstest.py client PORT IDLE
        A conversation through PORT, then idle: prints one JSON object with
        welcome (the server's first message), echoed/sent (text and binary
        messages echoed byte for byte), big (a 256 KiB message echoed),
        pushed (server-initiated messages received), after_idle (a message
        echoed after IDLE seconds of silence), idle_close (seconds from the
        last byte received to the close by the peer, -1 if it did not close
        within 30 s) and close_code.
"""
import asyncio
import base64
import hashlib
import json
import os
import socket
import sys
import time

import websockets

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


async def serve_one(ws, path=None):
    path = path or getattr(ws, "path", "?")
    await ws.send("hello %s upgrade=%s" % (path, ws.request_headers.get("Upgrade", "")))
    async for msg in ws:
        if isinstance(msg, str) and msg.startswith("push "):
            n = int(msg[5:])
            for i in range(1, n + 1):
                await ws.send("push %d/%d" % (i, n))
        else:
            await ws.send(msg)


async def server(port):
    async with websockets.serve(serve_one, "127.0.0.1", port, ping_interval=None,
                                max_size=1 << 20):
        await asyncio.Future()


def handshake(port):
    key = base64.b64encode(os.urandom(16))
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.sendall(b"GET /raw HTTP/1.1\r\nHost: ws.test\r\nUpgrade: websocket\r\n"
              b"Connection: Upgrade\r\nSec-WebSocket-Key: " + key +
              b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
    s.settimeout(5)
    got = b""
    while b"\r\n\r\n" not in got:
        b = s.recv(4096)
        if not b:
            break
        got += b
    s.close()
    lines = got.split(b"\r\n\r\n")[0].split(b"\r\n")
    want = base64.b64encode(hashlib.sha1(key + GUID).digest())
    accept = any(l.lower().startswith(b"sec-websocket-accept:") and l.split(b":", 1)[1].strip() == want
                 for l in lines[1:])
    print("%s %s" % (lines[0].decode(errors="replace") if lines[0] else "-",
                     "accept-ok" if accept else "accept-bad"))


async def client(port, idle):
    r = {"welcome": None, "sent": 0, "echoed": 0, "big": False, "pushed": 0,
         "after_idle": False, "idle_close": -1, "close_code": None}
    async with websockets.connect("ws://127.0.0.1:%d/chat" % port, ping_interval=None,
                                  max_size=1 << 20, open_timeout=5) as ws:
        r["welcome"] = await asyncio.wait_for(ws.recv(), 5)
        for m in ["one", "two", "three", b"\x00\x01\xfe\xff binary", "caf\u00e9 \u2603"]:
            await ws.send(m)
            r["sent"] += 1
            if await asyncio.wait_for(ws.recv(), 5) == m:
                r["echoed"] += 1
        big = os.urandom(256 * 1024)
        await ws.send(big)
        r["big"] = await asyncio.wait_for(ws.recv(), 10) == big
        await ws.send("push 3")
        for i in range(3):
            if await asyncio.wait_for(ws.recv(), 5) == "push %d/3" % (i + 1):
                r["pushed"] += 1
        await asyncio.sleep(idle)
        try:
            await ws.send("after idle")
            r["after_idle"] = await asyncio.wait_for(ws.recv(), 5) == "after idle"
        except websockets.ConnectionClosed:
            pass
        last = time.monotonic()
        try:
            await asyncio.wait_for(ws.recv(), 30)
        except websockets.ConnectionClosed as e:
            r["idle_close"] = round(time.monotonic() - last, 3)
            r["close_code"] = e.code
        except asyncio.TimeoutError:
            pass
    print(json.dumps(r))


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "server":
        asyncio.run(server(port))
    elif mode == "handshake":
        handshake(port)
    else:
        asyncio.run(client(port, float(sys.argv[3])))


if __name__ == "__main__":
    main()
