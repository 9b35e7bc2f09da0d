#!/usr/bin/env bash
# Layer 7 health checks as an operator sees them, through the real daemon:
# `option httpchk` against weir's test backend keeps the server UP with
# check_status L7OK and check_code 200 in `show stat`; a server answering
# 503 goes DOWN with HAProxy's "Layer7 wrong status, code: 503" line and
# L7STS/503 in `show stat`; `option redis-check` passes on +PONG (L7OK)
# and fails on -ERR (L7STS); a tcp-check whose expect does not match goes
# DOWN with L7RSP and "TCPCHK did not match content".
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v socat >/dev/null || skip_all "socat missing"

# fake_srv PORT REPLY: a python server that reads one request and answers
# REPLY (a Python string literal), then closes.
fake_srv() {
	python3 - "$1" "$2" >>"$T_TMP/fake-$1.log" 2>&1 <<'PY' &
import socket, sys, ast
port, reply = int(sys.argv[1]), ast.literal_eval(sys.argv[2]).encode()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(16)
while True:
    c, _ = s.accept()
    c.settimeout(2)
    try:
        c.recv(4096)
        c.sendall(reply)
        c.shutdown(socket.SHUT_WR)
        c.recv(4096)
    except OSError:
        pass
    c.close()
PY
	t_pids="$t_pids $!"
	wait_port "$1"
}

FE=$(free_port); WEB=$(free_port); BAD=$(free_port); PONG=$(free_port); ERR=$(free_port); TCP=$(free_port)
start_testsrv web "$WEB" --mode http
fake_srv "$BAD" '"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"'
fake_srv "$PONG" '"+PONG\r\n"'
fake_srv "$ERR" '"-ERR no such command\r\n"'
fake_srv "$TCP" '"220 hello\r\n"'
SOCK=$T_TMP/admin.sock
cat >"$T_TMP/weir.cfg" <<CFG
global
    log stdout format raw local0
    stats socket $SOCK mode 600 level admin
defaults
    mode tcp
    log global
    timeout connect 1s
    timeout client 10s
    timeout server 10s
backend web
    option httpchk GET /health
    server ok 127.0.0.1:$WEB check inter 300ms
    server bad 127.0.0.1:$BAD check inter 300ms
backend redis
    option redis-check
    server pong 127.0.0.1:$PONG check inter 300ms
    server err 127.0.0.1:$ERR check inter 300ms
backend tcp
    option tcp-check
    tcp-check send PING\r\n
    tcp-check expect string +PONG
    server t 127.0.0.1:$TCP check inter 300ms
frontend fe
    bind 127.0.0.1:$FE
    default_backend web
CFG
check "weir starts" start_weir "$T_TMP/weir.cfg"
csv=""
refresh() { csv=$(stats_cmd "$SOCK" "show stat"); }
col() { awk -F, -v px="$1" -v sv="$2" -v c="$3" 'NR==1{for(i=1;i<=NF;i++){n=$i; sub(/^# /,"",n); if(n==c) k=i}} $1==px && $2==sv {print $k}' <<<"$csv"; }
wait_log "Server tcp/t is DOWN" 5
sleep 0.7
refresh
check "web/ok UP with L7OK, code 200 (got $(col web ok status)/$(col web ok check_status)/$(col web ok check_code))" \
	test "$(col web ok status)/$(col web ok check_status)/$(col web ok check_code)" = UP/L7OK/200
check "web/bad DOWN with L7STS, code 503 (got $(col web bad status)/$(col web bad check_status)/$(col web bad check_code))" \
	test "$(col web bad status)/$(col web bad check_status)/$(col web bad check_code)" = DOWN/L7STS/503
check "the log says 'Server web/bad is DOWN, reason: Layer7 wrong status, code: 503, info: \"Service Unavailable\"'" \
	grep -qF 'Server web/bad is DOWN, reason: Layer7 wrong status, code: 503, info: "Service Unavailable"' "$T_TMP/weir.log"
check "redis/pong UP with L7OK (got $(col redis pong status)/$(col redis pong check_status))" \
	test "$(col redis pong status)/$(col redis pong check_status)" = UP/L7OK
check "redis/err DOWN with L7STS (got $(col redis err status)/$(col redis err check_status))" \
	test "$(col redis err status)/$(col redis err check_status)" = DOWN/L7STS
check "the log carries the server's -ERR line" \
	grep -qF 'Server redis/err is DOWN, reason: Layer7 wrong status, code: 0, info: "-ERR no such command"' "$T_TMP/weir.log"
check "tcp/t DOWN with L7RSP (got $(col tcp t status)/$(col tcp t check_status))" \
	test "$(col tcp t status)/$(col tcp t check_status)" = DOWN/L7RSP
check "the log says TCPCHK did not match content '+PONG' at step 2" \
	grep -qF "info: \"TCPCHK did not match content '+PONG' at step 2\"" "$T_TMP/weir.log"
check "weir stops" stop_weir
d_done
