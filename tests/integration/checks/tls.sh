#!/usr/bin/env bash
# Health checks over TLS and with a PROXY header, against `openssl s_server`
# (a self-signed certificate made here with `openssl req`) and a python3
# server that records the first line it reads.
# - `check-ssl verify none`: UP/L6OK; `option httpchk` over TLS: UP/L7OK.
# - `ssl` on the server line (no port/addr): checked over TLS, UP/L6OK.
# - `verify required` with the server's certificate as ca-file: UP/L6OK;
#   with another CA: DOWN/L6RSP, info "SSL handshake failure" as HAProxy
#   (weir adds ": certificate verify failed: <X509 error>").
# - a plain server behind check-ssl: DOWN/L6RSP when it answers the hello
#   with text, DOWN/L6TOUT when it waits for an HTTP request that never
#   comes (weir-testsrv), after the connect timeout.
# - `check-send-proxy`: the server reads "PROXY TCP4 127.0.0.1 127.0.0.1
#   <sport> <port>" before the check's request; with send-proxy-v2 the
#   binary v2 header with the LOCAL command and no address (HAProxy 2.6).
# PROXY_CMD='/usr/sbin/haproxy -db -f' runs it against HAProxy.
WEIR_SRCDIR=${WEIR_SRCDIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
. "$WEIR_SRCDIR/tests/integration/checks/servers-lib.sh"
c_setup
command -v openssl >/dev/null || skip_all "openssl missing"
[ -x "$TESTSRV" ] || skip_all "no test backend at $TESTSRV"

for n in srv other; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
		-subj /CN=localhost -addext subjectAltName=DNS:localhost \
		-keyout "$T_TMP/$n.key" -out "$T_TMP/$n.crt" >/dev/null 2>&1 ||
		skip_all "openssl req cannot make a certificate"
done

S=$(free_port); P=$(free_port); PP=$(free_port)
openssl s_server -quiet -www -accept "$S" -cert "$T_TMP/srv.crt" -key "$T_TMP/srv.key" \
	</dev/null >"$T_TMP/s_server.log" 2>&1 &
s_track $! TERM
check "openssl s_server starts on 127.0.0.1:$S" wait_port "$S" 127.0.0.1 10
check "weir-testsrv starts on 127.0.0.1:$P (plain HTTP)" start_testsrv plain "$P" --mode http

cat >"$T_TMP/pp.py" <<'PY'
import socket, sys
port, out = int(sys.argv[1]), sys.argv[2]
def v2len(d):
    return 16 + int.from_bytes(d[14:16], "big") if d[:1] == b"\r" and len(d) >= 16 else 0
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen(16)
while True:
    c, peer = s.accept()
    data = b""
    while b"\r\n\r\n" not in data[v2len(data):]:
        d = c.recv(4096)
        if not d:
            break
        data += d
    with open(out, "w") as f:
        f.write("peer %s %d\n" % peer)
        if data[:1] == b"\r":
            n = v2len(data)
            f.write("v2 %s\n" % data[:n].hex())
            data = data[n:]
        f.write(data.decode("latin-1"))
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    c.close()
PY
# a plain server answering anything with an HTTP 400 and closing
G=$(free_port)
cat >"$T_TMP/garbage.py" <<'PY'
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
while True:
    c, _ = s.accept()
    if c.recv(4096):
        c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    c.close()
PY
python3 "$T_TMP/garbage.py" "$G" >"$T_TMP/garbage.log" 2>&1 &
s_track $! TERM
check "the plain text server starts on 127.0.0.1:$G" wait_port "$G" 127.0.0.1 10
python3 "$T_TMP/pp.py" "$PP" "$T_TMP/pp.seen" >"$T_TMP/pp.log" 2>&1 &
s_track $! TERM
check "the PROXY recorder starts on 127.0.0.1:$PP" wait_port "$PP" 127.0.0.1 10
PP2=$(free_port)
python3 "$T_TMP/pp.py" "$PP2" "$T_TMP/pp2.seen" >"$T_TMP/pp2.log" 2>&1 &
s_track $! TERM
check "a second PROXY recorder starts on 127.0.0.1:$PP2" wait_port "$PP2" 127.0.0.1 10

cat >"$T_TMP/weir.cfg" <<CFG
global
    log stdout format raw local0
    stats socket $SOCK mode 600 level admin
defaults
    mode http
    log global
    timeout connect 1s
    timeout client 10s
    timeout server 10s
    timeout check 1s
backend t_l6
    server s 127.0.0.1:$S check check-ssl verify none inter 300ms
backend t_ssl
    server s 127.0.0.1:$S ssl verify none check inter 300ms
backend t_http
    option httpchk GET /
    server s 127.0.0.1:$S check check-ssl verify none inter 300ms
backend t_ca_ok
    server s 127.0.0.1:$S check check-ssl verify required ca-file $T_TMP/srv.crt inter 300ms
backend t_ca_bad
    server s 127.0.0.1:$S check check-ssl verify required ca-file $T_TMP/other.crt inter 300ms
backend t_plain
    server s 127.0.0.1:$G check check-ssl verify none inter 300ms
backend t_plain_wait
    server s 127.0.0.1:$P check check-ssl verify none inter 300ms
backend t_pp
    option httpchk GET /pp
    server s 127.0.0.1:$PP check check-send-proxy inter 300ms
backend t_pp2
    option httpchk GET /pp2
    server s 127.0.0.1:$PP2 check check-send-proxy send-proxy-v2 port $PP2 inter 300ms
frontend fe
    bind 127.0.0.1:$(free_port)
    default_backend t_l6
CFG
start_proxy "$T_TMP/weir.cfg" || bail "the proxy starts ($PROXY_CMD)"
ok "the proxy starts"

check_state "check-ssl verify none: UP/L6OK" t_l6 s UP/L6OK 3
check_state "ssl on the server line: checked over TLS, UP/L6OK" t_ssl s UP/L6OK 3
check_state "option httpchk over TLS: UP/L7OK" t_http s UP/L7OK 3
check_state "verify required, the right ca-file: UP/L6OK" t_ca_ok s UP/L6OK 3
check_state "verify required, another CA: DOWN/L6RSP" t_ca_bad s DOWN/L6RSP 3
echo "# $(desc t_ca_bad s)"
check "... the log's info is HAProxy's 'SSL handshake failure'" grep -q 't_ca_bad/s is DOWN.*info: "SSL handshake failure' "$T_TMP/weir.log"
# weir adds OpenSSL's reason after it (HAProxy 2.6 says no more)
case $PROXY_CMD in
*haproxy*) ;;
*) check "... and names the verify error (weir)" grep -q 't_ca_bad/s is DOWN.*certificate verify failed: self-signed certificate' "$T_TMP/weir.log" ;;
esac
check_state "a plain server answering text behind check-ssl: DOWN/L6RSP" t_plain s DOWN/L6RSP 3
echo "# $(desc t_plain s)"
check_state "a plain HTTP server behind check-ssl (waits for a request): DOWN/L6TOUT" t_plain_wait s DOWN/L6TOUT 3
check_state "check-send-proxy to an HTTP server: UP/L7OK" t_pp s UP/L7OK 3
peer_port=$(awk 'NR == 1 { print $3 }' "$T_TMP/pp.seen" 2>/dev/null)
want="PROXY TCP4 127.0.0.1 127.0.0.1 $peer_port $PP"
check "... the server read '$want' first" test "$(sed -n 2p "$T_TMP/pp.seen" | tr -d '\r')" = "$want"
check "... then the check's GET /pp" grep -q '^GET /pp HTTP/1\.0' <(sed -n 3p "$T_TMP/pp.seen")

check_state "check-send-proxy with send-proxy-v2: UP/L7OK" t_pp2 s UP/L7OK 3
echo "# the v2 server read: $(head -c 200 "$T_TMP/pp2.seen" 2>/dev/null | tr '\r\n' '  ')"
want="v2 0d0a0d0a000d0a515549540a20000000"
check "... the server read the v2 LOCAL header first" test "$(sed -n 2p "$T_TMP/pp2.seen")" = "$want"
check "... then the check's GET /pp2" grep -q '^GET /pp2 HTTP/1\.0' <(sed -n 3p "$T_TMP/pp2.seen")
check "the proxy stops on SIGTERM" stop_weir
d_done
