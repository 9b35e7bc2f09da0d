#!/usr/bin/env bash
# `tcp-request inspect-delay` and `tcp-request content` as the guides use
# them, in mode tcp: TLS passthrough routed by SNI (a real ClientHello
# from Python's ssl module, whole or split over two sends), plain clients
# going on at once to the default backend, a silent client going on when
# the delay ends, and a `reject` on the first bytes (logged PR--, nothing
# reaches a server). In mode http, a content rule rejects by path: the
# connection closes without a response and the others are served.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v curl >/dev/null || skip_all "curl missing"

FE=$(free_port); FR=$(free_port); FH=$(free_port)
A=$(free_port); B=$(free_port); P=$(free_port); W=$(free_port)
start_testsrv a "$A" --mode banner
start_testsrv b "$B" --mode banner
start_testsrv plain "$P" --mode banner
start_testsrv web "$W" --mode http
cat >"$T_TMP/weir.cfg" <<CFG
global
    log stdout format raw local0
defaults
    log global
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend tls
    mode tcp
    option tcplog
    bind 127.0.0.1:$FE
    tcp-request inspect-delay 2s
    tcp-request content accept if { req_ssl_hello_type 1 }
    use_backend be_a if { req_ssl_sni -i a.test }
    use_backend be_b if { req.ssl_sni -m end .b.test }
    default_backend be_plain
frontend guard
    mode tcp
    option tcplog
    bind 127.0.0.1:$FR
    tcp-request inspect-delay 2s
    tcp-request content reject if { req.payload(0,4) -m bin 47455420 }
    default_backend be_plain
frontend web
    mode http
    option httplog
    bind 127.0.0.1:$FH
    tcp-request content reject if { path_beg /blocked }
    default_backend be_web
backend be_a
    mode tcp
    server a 127.0.0.1:$A
backend be_b
    mode tcp
    server b 127.0.0.1:$B
backend be_plain
    mode tcp
    server plain 127.0.0.1:$P
backend be_web
    mode http
    server web 127.0.0.1:$W
CFG
check "weir starts" start_weir "$T_TMP/weir.cfg"

# client PORT SNI|-|text:... [split]: sends a ClientHello for SNI (or the
# text, or nothing), prints "<first line back or -> <seconds>"
cat >"$T_TMP/client.py" <<'PY'
import socket, ssl, sys, time
port, what = int(sys.argv[1]), sys.argv[2]
split = len(sys.argv) > 3
data = b""
if what.startswith("text:"):
    data = what[5:].encode()
elif what != "-":
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_hostname=what)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    data = out.read()
t0 = time.monotonic()
s = socket.create_connection(("127.0.0.1", port), 5)
s.settimeout(6)
if split:
    s.sendall(data[:10]); time.sleep(0.3); s.sendall(data[10:])
elif data:
    s.sendall(data)
got = b""
try:
    while b"\n" not in got:
        b = s.recv(100)
        if not b:
            break
        got += b
except OSError:
    pass
line = got.split(b"\n")[0].decode(errors="replace") if b"\n" in got else "-"
print(line, round(time.monotonic() - t0, 2))
PY
cli() { python3 "$T_TMP/client.py" "$@"; }
secs() { echo "${1#* }"; }
within() { python3 -c "import sys; sys.exit(0 if $2 <= $1 <= $3 else 1)"; }

out=$(cli "$FE" a.test)
check "a ClientHello for a.test goes to be_a ($out)" test "${out% *}" = a
check "... at once (${out#* } s)" within "$(secs "$out")" 0 1
out=$(cli "$FE" www.b.test)
check "one for www.b.test goes to be_b (-m end) ($out)" test "${out% *}" = b
out=$(cli "$FE" a.test split)
check "a ClientHello split over two sends still goes to be_a ($out)" test "${out% *}" = a
out=$(cli "$FE" c.test)
check "an unknown name goes to the default backend ($out)" test "${out% *}" = plain
out=$(cli "$FE" "text:hello")
check "plain bytes go to the default backend ($out)" test "${out% *}" = plain
check "... without waiting for the delay (${out#* } s)" within "$(secs "$out")" 0 1
out=$(cli "$FE" -)
check "a silent client goes on when the 2 s delay ends ($out)" test "${out% *}" = plain
check "... not before, not much after (${out#* } s)" within "$(secs "$out")" 1.9 3.5

out=$(cli "$FR" "text:GET / HTTP/1.0")
check "content reject on the first bytes closes: no banner ($out)" test "${out% *}" = -
wait_log "guard guard/<NOSRV> .* PR " 1
check "... logged PR--" grep -Eq "guard guard/<NOSRV> .* PR " "$T_TMP/weir.log"
out=$(cli "$FR" "text:PING")
check "other bytes pass ($out)" test "${out% *}" = plain

code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$FH/blocked/x")
check "mode http: a content reject closes without a response ($code)" test "$code" = 000
code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$FH/ok")
check "other requests are served ($code)" test "$code" = 200
d_done
