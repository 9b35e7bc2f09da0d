#!/usr/bin/env bash
# `monitor-uri` as an outer load balancer uses it: GET /health is answered
# by weir itself (200, HAProxy's "Service ready." page), never reaches the
# backend and is not logged; with `monitor fail if { nbsrv(be) lt 1 }` it
# turns 503 once the backend's only server is down, and 200 again once it
# is back. Other paths are proxied as usual.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v curl >/dev/null || skip_all "curl missing"

FE=$(free_port); BE=$(free_port)
start_testsrv web "$BE" --mode http --record "$T_TMP/record.txt"
cat >"$T_TMP/weir.cfg" <<CFG
global
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:$FE
    monitor-uri /health
    monitor fail if { nbsrv(be) lt 1 }
    http-request deny
    default_backend be
backend be
    server web 127.0.0.1:$BE check inter 200ms fall 1 rise 1
CFG
check "weir starts" start_weir "$T_TMP/weir.cfg"
sleep 0.5

code() { curl -s -o "$T_TMP/body" -m 5 -w '%{http_code}' "http://127.0.0.1:$FE$1"; }
check "GET /health is 200 ($(code /health))" test "$(code /health)" = 200
check "with HAProxy's page" grep -q "Service ready." "$T_TMP/body"
check "before any rule: /health?x is not the monitor URI, the deny applies ($(code '/health?x'))" \
	test "$(code '/health?x')" = 403
sleep 0.3
check "the probe did not reach the backend" test "$(grep -ac 'GET /health' "$T_TMP/record.txt")" = 0
check "and was not logged" test "$(grep -c '"GET /health HTTP' "$T_TMP/weir.log")" = 0
check "the denied request was logged" grep -q '"GET /health?x HTTP/1.1"' "$T_TMP/weir.log"

kill "$SRV_PID_web"
n=50; while [ $n -gt 0 ] && [ "$(code /health)" != 503 ]; do sleep 0.1; n=$((n - 1)); done
check "with the only server down, /health is 503 ($(code /health))" test "$(code /health)" = 503
start_testsrv web "$BE" --mode http
n=50; while [ $n -gt 0 ] && [ "$(code /health)" != 200 ]; do sleep 0.1; n=$((n - 1)); done
check "back up: 200 again ($(code /health))" test "$(code /health)" = 200
d_done
