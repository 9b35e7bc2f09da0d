#!/usr/bin/env bash
# HTTP features as a user sees them through real clients (raw sockets in
# tests/tools/httpmodes.py, curl), one frontend each, all in one process:
#  - `timeout http-keep-alive 1s` closes an idle keep-alive client after
#    about 1 s although `timeout client` is 30 s;
#  - `timeout tarpit 1s` holds a tarpitted request about 1 s, then 500;
#  - `option httpclose`: "Connection: close" to the client (closed after
#    one response) and to the server;
#  - HTTP/1.0: with "Connection: keep-alive" the answer says keep-alive and
#    a second request is served on the same connection; without, closed;
#  - CONNECT to a backend answering 200 becomes a tunnel (`timeout tunnel`);
#  - `option forwardfor header X-Client`, `option forwardfor if-none`;
#  - http-response add-header / replace-header / replace-value / redirect,
#    and log-format values (%b, %s, %ST, %ci, %f) in their arguments
#    on status 404; http-after-response del-header on a server's response
#    and on a locally generated 403;
#  - `http-request use-service prometheus-exporter`;
#  - `http-reuse never|safe|aggressive|always`, by the connections the
#    backends accepted for sequences of client connections.
#
# PROXY=haproxy runs the same script against HAProxy 2.6 (run by hand on
# loopback with -db); every check passes there too. What differs:
#  - use-service: both serve the Prometheus metrics; weir's log line is
#    checked for weir only (termination state LR);
#  - tarpit: HAProxy keeps the client connection open after the 500, weir
#    closes it, so the time is measured to the response, not the close;
#  - header names: HAProxy writes them in lower case, the checks ignore case;
#  - http-reuse safe: HAProxy never gives a client's first request a pooled
#    connection, weir does when it can replay the request (a GET): the
#    client with 3 GETs opens a connection with HAProxy, not with weir
#    (server connections after each client, printed: HAProxy safe 1 2 3 4,
#    aggressive 1 2 3 3; weir 1 2 2 3 and 1 2 2 2), so the checks count
#    only what the POST clients open, which is the same for both.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v socat >/dev/null || skip_all "socat not installed"
command -v curl >/dev/null || skip_all "curl missing"
PROXY=${PROXY:-weir}
HC="python3 $WEIR_SRCDIR/tests/tools/httpmodes.py"

# ctl PORT COMMAND: one command on a test backend's control port (2nd line)
ctl() { echo "$2" | socat -T2 - "TCP:127.0.0.1:$1" | sed -n 2p; }
# accepted CTLPORT: connections that backend accepted since its last RESET
accepted() { ctl "$1" REQUESTS | tr ' ' '\n' | sed -n 's/^accepted=//p'; }
# between LO HI X: LO <= X <= HI (decimals)
between() { python3 -c "import sys; 
try: x = float('$3')
except ValueError: x = -1
sys.exit(not ($1 <= x <= $2))"; }
# has TEXT <<< "$var": one line is TEXT, the case aside (HAProxy writes
# header names in lower case)
has() { grep -qixF -- "$1"; }

S=$(free_port) SCTL=$(free_port) TUN=$(free_port)
F_KA=$(free_port) F_TAR=$(free_port) F_CLOSE=$(free_port) F_MAIN=$(free_port)
F_CONN=$(free_port) F_XC=$(free_port) F_IFN=$(free_port) F_RSP=$(free_port)
F_AFTER=$(free_port) F_SVC=$(free_port)
declare -A RP RC FR
for m in never safe aggressive always always2; do
	RP[$m]=$(free_port) RC[$m]=$(free_port) FR[$m]=$(free_port)
	check "backend for http-reuse $m starts" \
		start_testsrv "r$m" "${RP[$m]}" --mode http --ctl "127.0.0.1:${RC[$m]}"
done
check "backend s1 starts" start_testsrv s1 "$S" --mode http --ctl "127.0.0.1:$SCTL"
$HC tunserver "$TUN" >>"$T_TMP/tunserver.log" 2>&1 &
t_pids="$t_pids $!"
check "CONNECT backend starts" wait_port "$TUN"

cat >"$T_TMP/proxy.cfg" <<CFG
global
    nbthread 1
defaults
    mode http
    log stdout format raw local0
    option httplog
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 30s
frontend ka
    bind 127.0.0.1:$F_KA
    timeout http-keep-alive 1s
    default_backend be
frontend tar
    bind 127.0.0.1:$F_TAR
    log global
    timeout tarpit 1s
    http-request tarpit if { path /tar }
    default_backend be
frontend close
    bind 127.0.0.1:$F_CLOSE
    option httpclose
    default_backend be
frontend main
    bind 127.0.0.1:$F_MAIN
    default_backend be
frontend conn
    bind 127.0.0.1:$F_CONN
    timeout tunnel 30s
    default_backend be_tunnel
frontend xclient
    bind 127.0.0.1:$F_XC
    option forwardfor header X-Client
    default_backend be
frontend ifnone
    bind 127.0.0.1:$F_IFN
    option forwardfor if-none
    default_backend be
frontend rsp
    bind 127.0.0.1:$F_RSP
    http-response add-header X-Added yes
    http-response replace-header X-Served-By (.*) by-\1
    http-response replace-value Content-Type text/(.*) application/\1
    http-response redirect location /x code 302 if { status 404 }
    http-response set-header X-Vars "%b/%s %ST %ci %f"
    http-after-response set-header X-After "%b %ST"
    default_backend be
frontend after
    bind 127.0.0.1:$F_AFTER
    http-request deny if { path /deny }
    http-after-response del-header X-Served-By
    http-after-response del-header Cache-Control
    default_backend be
frontend svc
    bind 127.0.0.1:$F_SVC
    log global
    http-request use-service prometheus-exporter
    default_backend be
backend be
    server s1 127.0.0.1:$S
backend be_tunnel
    server t1 127.0.0.1:$TUN
CFG
for m in never safe aggressive always always2; do
	cat >>"$T_TMP/proxy.cfg" <<CFG
frontend fr_$m
    bind 127.0.0.1:${FR[$m]}
    default_backend br_$m
backend br_$m
    http-reuse ${m%2}
    server r 127.0.0.1:${RP[$m]}
CFG
done
check "$PROXY starts" start_proxy "$T_TMP/proxy.cfg" "$F_KA"
for p in $F_KA $F_TAR $F_CLOSE $F_MAIN $F_CONN $F_XC $F_IFN $F_RSP $F_AFTER $F_SVC; do
	wait_port "$p" 127.0.0.1 5 || not_ok "frontend on $p listens"
done

# 1. timeout http-keep-alive
r=$($HC idle "$F_KA"); set -- $r - - -
echo "# idle keep-alive client: $r"
check "keep-alive: the first request is answered 200 ($1)" test "$1" = 200
check "an idle keep-alive client is closed by timeout http-keep-alive 1s ($2 after $3 s)" \
	test "$2" = closed
check "... after about 1 s, not timeout client's 30 s (0.8 <= $3 <= 3)" between 0.8 3 "$3"

# 2. timeout tarpit
# (HAProxy keeps the connection open after the 500: time to the response)
r=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "http://127.0.0.1:$F_TAR/tar"); set -- $r - - -
echo "# tarpitted request: $r"
check "a tarpitted request gets 500 ($1)" test "$1" = 500
check "... only after timeout tarpit 1s (0.9 <= $2 <= 4)" between 0.9 4 "$2"
r=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "http://127.0.0.1:$F_TAR/ok"); set -- $r - - -
check "a request the rule does not match is served at once (200 in $2 s)" \
	test "$1" = 200 -a "$(python3 -c "print(int(float('$2' if '$2' != '-' else 9) < 0.9))")" = 1

# 3. option httpclose
r=$($HC ka "$F_CLOSE" 1.1)
echo "# httpclose: $(head -1 <<<"$r")"
check "option httpclose: the response says Connection: close" test "$(head -1 <<<"$r" | cut -d' ' -f2)" = close
check "... and the client connection is closed after one response" \
	test "$(head -1 <<<"$r" | cut -d' ' -f3)" = second=closed
check "... and the server was sent Connection: close" has "Connection: close" <<<"$r"

# 4. HTTP/1.0 keep-alive
r=$($HC ka "$F_MAIN" 1.0 keep-alive)
echo "# HTTP/1.0 keep-alive: $(head -1 <<<"$r")"
check "HTTP/1.0 with Connection: keep-alive: answered with Connection: keep-alive" \
	test "$(head -1 <<<"$r")" = "200 keep-alive second=200"
r=$($HC ka "$F_MAIN" 1.0)
echo "# HTTP/1.0 without keep-alive: $(head -1 <<<"$r")"
check "HTTP/1.0 without Connection: keep-alive: 200, then the connection is closed" \
	test "$(head -1 <<<"$r" | sed 's/ .* / /')" = "200 second=closed"

# 5. CONNECT
r=$($HC tunnel "$F_CONN" "127.0.0.1:$TUN")
echo "# CONNECT: $r"
check "CONNECT to a backend answering 200: the client gets 200" test "${r%% *}" = 200
check "... and bytes echo through the tunnel" test "${r#* }" = "ping through the tunnel"

# 6. forwardfor
r=$(curl -s "http://127.0.0.1:$F_XC/echo")
check "option forwardfor header X-Client: X-Client carries the client address" has "X-Client: 127.0.0.1" <<<"$r"
check "... and no X-Forwarded-For is added" test "$(grep -ci '^X-Forwarded-For:' <<<"$r")" = 0
r=$(curl -s -H 'X-Forwarded-For: 192.0.2.7' "http://127.0.0.1:$F_IFN/echo")
check "option forwardfor if-none: a client's X-Forwarded-For reaches the server untouched" \
	has "X-Forwarded-For: 192.0.2.7" <<<"$r"
check "... and alone" test "$(grep -ci '^X-Forwarded-For:' <<<"$r")" = 1
r=$(curl -s "http://127.0.0.1:$F_IFN/echo")
check "... and one is added when the client sent none" has "X-Forwarded-For: 127.0.0.1" <<<"$r"

# 7. http-response / http-after-response
h=$(curl -s -D - -o /dev/null "http://127.0.0.1:$F_RSP/" | tr -d '\r')
check "http-response add-header: X-Added: yes" has "X-Added: yes" <<<"$h"
check "http-response replace-header: X-Served-By: by-s1" has "X-Served-By: by-s1" <<<"$h"
check "http-response replace-value: Content-Type: application/plain" has "Content-Type: application/plain" <<<"$h"
check "http-response log-format values: %b/%s %ST %ci %f = be/s1 200 127.0.0.1 rsp" \
	has "X-Vars: be/s1 200 127.0.0.1 rsp" <<<"$h"
check "http-after-response log-format values: %b %ST = be 200" has "X-After: be 200" <<<"$h"
h=$(curl -s -D - -o /dev/null "http://127.0.0.1:$F_RSP/status/404" | tr -d '\r')
check "http-response redirect if { status 404 }: the client gets 302" test "$(head -1 <<<"$h" | cut -d' ' -f2)" = 302
check "... to location /x" has "Location: /x" <<<"$h"
h=$(curl -s -D - -o /dev/null "http://127.0.0.1:$F_RSP/status/200" | tr -d '\r')
check "... and a 200 is not redirected" test "$(head -1 <<<"$h" | cut -d' ' -f2)" = 200
h=$(curl -s -D - -o /dev/null "http://127.0.0.1:$F_AFTER/" | tr -d '\r')
check "http-after-response del-header removes the server's X-Served-By" \
	test "$(head -1 <<<"$h" | cut -d' ' -f2)/$(grep -ci '^X-Served-By:' <<<"$h")" = 200/0
h=$(curl -s -D - -o /dev/null "http://127.0.0.1:$F_AFTER/deny" | tr -d '\r')
check "http-after-response del-header applies to a local 403 too (no Cache-Control)" \
	test "$(head -1 <<<"$h" | cut -d' ' -f2)/$(grep -ci '^Cache-Control:' <<<"$h")" = 403/0

# 8. use-service (prometheus.sh checks the metrics themselves)
st=$(curl -s -o "$T_TMP/svc.body" -w '%{http_code}' "http://127.0.0.1:$F_SVC/metrics")
check "use-service prometheus-exporter: the metrics are served ($st)" \
	grep -q '^haproxy_frontend_http_requests_total{proxy="svc"}' "$T_TMP/svc.body"
if [ "$PROXY" != haproxy ]; then
	wait_log ' LR-' 5
	check "... and logged as intercepted by the proxy (200, LR)" \
		grep -qE 'svc .* 200 .* LR-' "$T_TMP/weir.log"
fi

# 9. http-reuse: sequences of client connections, each closed before the
# next starts (a pause lets the proxy see the close and pool what it held)
seq_conns() { # FRONTPORT N REQS [METHOD]: N client connections in a row
	local i out=""
	for i in $(seq "$2"); do out="$out$($HC seq "$1" "$3" ${4:-}) "; sleep 0.3; done
	echo "$out"
}
for m in never always; do
	ctl "${RC[$m]}" RESET >/dev/null
	r=$(seq_conns "${FR[$m]}" 4 2)
	check "http-reuse $m: 4 client connections x 2 GETs all answered" test "$r" = "200 200 200 200 200 200 200 200 "
	eval "n_$m=$(accepted "${RC[$m]}")"
done
echo "# server connections for 4 client connections: never $n_never, always $n_always"
check "http-reuse never: no server connection shared across clients ($n_never >= 4)" test "$n_never" -ge 4
check "http-reuse always: fewer server connections than clients ($n_always < 4)" test "$n_always" -lt 4
# One GET client, then a POST client (not replayable), then a client with 3
# GETs on one connection (which proves it can be reused), then a POST
# client: how many server connections each step opened.
for m in safe aggressive always2; do
	ctl "${RC[$m]}" RESET >/dev/null
	r=$(seq_conns "${FR[$m]}" 1 1); a1=$(accepted "${RC[$m]}")
	r="$r$(seq_conns "${FR[$m]}" 1 1 POST)"; a2=$(accepted "${RC[$m]}")
	r="$r$(seq_conns "${FR[$m]}" 1 3)"; a3=$(accepted "${RC[$m]}")
	r="$r$(seq_conns "${FR[$m]}" 1 1 POST)"; a4=$(accepted "${RC[$m]}")
	echo "# http-reuse ${m%2}: server connections after each client: $a1 $a2 $a3 $a4"
	check "http-reuse ${m%2}: every request answered" test "$r" = "200 200 200 200 200 200 "
	eval "s1_${m%2}=$((a2 - a1)) s3_${m%2}=$((a4 - a3))"
done
check "http-reuse safe: a client's first POST takes no pooled connection" test "$s1_safe/$s3_safe" = 1/1
check "http-reuse aggressive: ... not one that served a single request" test "$s1_aggressive" = 1
check "http-reuse aggressive: ... but one proven by several requests" test "$s3_aggressive" = 0
check "http-reuse always: a client's first POST takes any pooled connection" test "$s1_always/$s3_always" = 0/0
d_done
