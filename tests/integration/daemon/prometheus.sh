#!/usr/bin/env bash
# `http-request use-service prometheus-exporter if { path /metrics }`, the
# guides' Prometheus setup: a scrape gets HAProxy 2.6's exporter output.
#  - every "# TYPE" line is HAProxy 2.6's, in its order
#    (prometheus-types.txt, read off haproxy 2.6 for this very config);
#  - the values follow the traffic and the states: requests and 2xx
#    counted, a dead server DOWN, a server put in maintenance MAINT, the
#    backend's aggregated counts;
#  - the metrics the guide alerts on are there;
#  - `?scope=` and `no-maint` filter as HAProxy's; an unknown scope is 400;
#    the stats page on the same frontend still answers.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v curl >/dev/null || skip_all "curl missing"
command -v socat >/dev/null || skip_all "socat missing"

ST=$(free_port); FE=$(free_port); TL=$(free_port); S1=$(free_port); S2=$(free_port)
SOCK=$T_TMP/stats.sock
start_testsrv s1 "$S1" --mode http
cat >"$T_TMP/weir.cfg" <<CFG
global
    stats socket $SOCK level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend stats
    bind 127.0.0.1:$ST
    http-request use-service prometheus-exporter if { path /metrics }
    stats enable
    stats uri /stats
frontend fe
    bind 127.0.0.1:$FE
    default_backend be
backend be
    balance roundrobin
    server s1 127.0.0.1:$S1 check inter 1s
    server s2 127.0.0.1:$S2 check inter 1s
listen tcpl
    mode tcp
    bind 127.0.0.1:$TL
    server t1 127.0.0.1:$S1
CFG
check "weir starts" start_weir "$T_TMP/weir.cfg"
sleep 1.5
for i in 1 2 3 4 5 6; do curl -s -o /dev/null "http://127.0.0.1:$FE/"; done
# one slow answer: 300 ms of response time among the 8 last requests
curl -s -o /dev/null -H 'X-Delay-Ms: 300' "http://127.0.0.1:$FE/"
curl -s -o /dev/null "http://127.0.0.1:$FE/"

M=$T_TMP/metrics
code=$(curl -s -D "$T_TMP/head" -o "$M" -w '%{http_code}' "http://127.0.0.1:$ST/metrics")
check "GET /metrics: 200 ($code)" test "$code" = 200
check "content-type text/plain; version=0.0.4, as HAProxy's" \
	grep -qi '^content-type: text/plain; version=0.0.4' "$T_TMP/head"
check "every # TYPE line is HAProxy 2.6's, in its order ($(grep -c '^# TYPE' "$M") lines)" \
	cmp -s <(grep '^# TYPE' "$M") "$WEIR_SRCDIR/tests/integration/daemon/prometheus-types.txt"
check "every metric has its # HELP" test "$(grep -c '^# HELP' "$M")" -eq "$(grep -c '^# TYPE' "$M")"
val() { grep -F "$1 " "$M" | head -1 | awk '{print $NF}'; }
check "8 requests counted on fe ($(val 'haproxy_frontend_http_requests_total{proxy="fe"}'))" \
	test "$(val 'haproxy_frontend_http_requests_total{proxy="fe"}')" = 8
check "... 8 2xx responses on be ($(val 'haproxy_backend_http_responses_total{proxy="be",code="2xx"}'))" \
	test "$(val 'haproxy_backend_http_responses_total{proxy="be",code="2xx"}')" = 8
check "... all 8 on s1, the only one up ($(val 'haproxy_server_sessions_total{proxy="be",server="s1"}'))" \
	test "$(val 'haproxy_server_sessions_total{proxy="be",server="s1"}')" = 8
# HAProxy's means over the last 1024 (here all 8): one 300 ms among 8
r=$(val 'haproxy_backend_response_time_average_seconds{proxy="be"}')
check "the backend's mean response time: about 300/8 ms ($r s)" between "$r" 0.036 0.045
r=$(val 'haproxy_server_max_response_time_seconds{proxy="be",server="s1"}')
check "s1's longest response: about 0.3 s ($r s)" between "$r" 0.299 0.330
t=$(val 'haproxy_backend_total_time_average_seconds{proxy="be"}')
check "the mean total time is at least the response time's ($t s)" between "$t" 0.036 0.100
check "show stat agrees: rtime 38 ms or so ($(stats_cmd "$SOCK" 'show stat' | awk -F, '$1=="be" && $2=="BACKEND" {print $61}'))" \
	between "$(stats_cmd "$SOCK" 'show stat' | awk -F, '$1=="be" && $2=="BACKEND" {print $61}')" 36 45
check "s1 UP: state=\"UP\" 1" test "$(val 'haproxy_server_status{proxy="be",server="s1",state="UP"}')" = 1
check "s2 dead: state=\"DOWN\" 1, UP 0" \
	test "$(val 'haproxy_server_status{proxy="be",server="s2",state="DOWN"}')/$(val 'haproxy_server_status{proxy="be",server="s2",state="UP"}')" = 1/0
check "s2's check status L4CON" \
	test "$(val 'haproxy_server_check_status{proxy="be",server="s2",state="L4CON"}')" = 1
check "be counts 1 server UP and 1 DOWN (agg_server_status)" \
	test "$(val 'haproxy_backend_agg_server_status{proxy="be",state="UP"}')/$(val 'haproxy_backend_agg_server_status{proxy="be",state="DOWN"}')" = 1/1
check "a backend with a server up: status UP" test "$(val 'haproxy_backend_status{proxy="be",state="UP"}')" = 1
check "an unchecked server has no check_status samples (HAProxy)" \
	test "$(grep -c 'haproxy_server_check_status{proxy="tcpl"' "$M")" -eq 0
check "... and NaN check failures (HAProxy)" \
	test "$(val 'haproxy_server_check_failures_total{proxy="tcpl",server="t1"}')" = NaN
check "a TCP proxy has no HTTP metrics (HAProxy)" \
	test "$(grep -c 'haproxy_frontend_http_requests_total{proxy="tcpl"' "$M")" -eq 0
check "build_info carries weir's version" grep -q '^haproxy_process_build_info{version="' "$M"
# the guide's alert list
for m in haproxy_server_status haproxy_backend_http_responses_total haproxy_frontend_current_sessions \
	 haproxy_backend_response_time_average_seconds haproxy_backend_current_queue; do
	check "the guide's $m is there" grep -q "^$m{" "$M"
done
check "current sessions on fe are 0 after the requests" \
	test "$(val 'haproxy_frontend_current_sessions{proxy="fe"}')" = 0

# scopes
kinds() { curl -s "http://127.0.0.1:$ST/metrics$1" | grep -v '^#' | sed -E 's/^haproxy_([a-z]+)_.*/\1/' | sort -u | tr '\n' ' '; }
check "scope=global: process metrics only ($(kinds '?scope=global'))" test "$(kinds '?scope=global')" = "process "
check "scope=server&scope=frontend ($(kinds '?scope=server&scope=frontend'))" \
	test "$(kinds '?scope=server&scope=frontend')" = "frontend server "
check "scope= (empty): nothing" test -z "$(curl -s "http://127.0.0.1:$ST/metrics?scope=" | grep -v '^#')"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ST/metrics?scope=bogus")
check "an unknown scope: 400 ($code)" test "$code" = 400
stats_cmd "$SOCK" "set server be/s2 state maint" >/dev/null
check "no-maint leaves out a server in maintenance" \
	test "$(curl -s "http://127.0.0.1:$ST/metrics?no-maint" | grep -c 'server="s2"')" -eq 0
curl -s -o "$M" "http://127.0.0.1:$ST/metrics"
check "without it, s2 shows MAINT" \
	test "$(val 'haproxy_server_status{proxy="be",server="s2",state="MAINT"}')" = 1
h=$(curl -s -I "http://127.0.0.1:$ST/metrics" | tr -d '\r')
check "HEAD: 200, no body" test "$(head -1 <<<"$h" | cut -d' ' -f2)" = 200
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ST/stats")
check "the stats page on the same frontend still answers ($code)" test "$code" = 200

check "weir stops on SIGTERM" stop_weir
d_done
