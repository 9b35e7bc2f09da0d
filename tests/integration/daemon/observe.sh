#!/usr/bin/env bash
# Passive health, as operators use `observe layer4`: when live traffic hits
# `error-limit` consecutive failed connects to a server, `on-error
# mark-down` takes it DOWN at once (long before its next 10 s check), the
# log says "Health analyze", and clients are redispatched meanwhile.
# And `observe layer7` in mode http: `error-limit` consecutive 5xx answers
# through the proxy (a success in between starts the count again) take a
# mark-down server DOWN and give a fail-check server one failed check, as
# HAProxy 2.6 shows them in `show stat` (HANA, chkfail, hanafail) and logs
# them ("last one was: Wrong http response").
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v socat >/dev/null || skip_all "socat missing"

FE=$(free_port); A=$(free_port); B=$(free_port)
start_testsrv a "$A"
start_testsrv b "$B"
SOCK=$T_TMP/admin.sock
cat >"$T_TMP/weir.cfg" <<CFG
global
    nbthread 2
    stats socket $SOCK level admin
    log stdout format raw local0
defaults
    mode tcp
    log global
    retries 1
    option redispatch
    timeout connect 1s
    timeout client 5s
    timeout server 5s
listen fe
    bind 127.0.0.1:$FE
    balance roundrobin
    server a 127.0.0.1:$A check inter 10s fastinter 300ms downinter 300ms observe layer4 error-limit 3 on-error mark-down
    server b 127.0.0.1:$B check inter 10s
CFG
check "weir starts" start_weir "$T_TMP/weir.cfg"
st() { stats_cmd "$SOCK" "show stat" | awk -F, -v s="$1" '$1=="fe" && $2==s {print $18"/"$37}'; }
# its first check (at a random point of the interval) must be behind us,
# so that only the traffic can find it dead
n=240; while [ $n -gt 0 ] && [ "$(st a)" != "UP/L4OK" ]; do sleep 0.05; n=$((n - 1)); done
check "a is UP after its first check ($(st a))" test "$(st a)" = "UP/L4OK"
kill -TERM "$SRV_PID_a"; sleep 0.2
t0=$(date +%s.%N)
out=$($TCPLOAD --target "127.0.0.1:$FE" --total 8 --pause 0.05)
check "every client is served meanwhile, by b (redispatch) ($out)" test "$(json names.b <<<"$out")" -eq 8
n=40; while [ $n -gt 0 ] && ! grep -q '^DOWN' <<<"$(st a)"; do sleep 0.05; n=$((n - 1)); done
el=$(python3 -c "print(round($(date +%s.%N) - $t0, 2))")
# (the fastinter check that on-error forces may already have replaced
# HANA by L4CON in show stat; the log keeps the cause)
check "a is DOWN after 3 failed connects (got $(st a) after ${el}s; its next check was up to 10 s away)" \
	python3 -c "import sys; sys.exit(0 if '$(st a)'.startswith('DOWN') and $el < 2 else 1)"
check "the log says why, in HAProxy's words" \
	grep -q 'Server fe/a is DOWN, reason: Health analyze, info: "Detected [0-9]* consecutive errors, last one was: L4 unsuccessful connection"' "$T_TMP/weir.log"
out=$($TCPLOAD --target "127.0.0.1:$FE" --total 10)
check "new connections go straight to b (10 of 10)" test "$(json names.b <<<"$out")" -eq 10
start_testsrv a "$A"
n=60; while [ $n -gt 0 ] && ! grep -q '^UP' <<<"$(st a)"; do sleep 0.1; n=$((n - 1)); done
check "once a answers again, its downinter checks bring it back UP ($(st a))" grep -q '^UP' <<<"$(st a)"
check "weir stops on SIGTERM" stop_weir

# ---- observe layer7 (mode http)
command -v curl >/dev/null || { d_done; exit; }
FE7=$(free_port); FE8=$(free_port); H=$(free_port)
start_testsrv h "$H" --mode http
# md: fastinter 3s, the check that on-error hurries comes 3 s later, time
# enough to see what the errors alone did; fc: no fastinter, nothing
# hurries its next check (20 s away), the on-error default is fail-check
cat >"$T_TMP/weir7.cfg" <<CFG
global
    stats socket $SOCK level admin
    log stdout format raw local0
    max-spread-checks 200
defaults
    mode http
    log global
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    option httpchk GET /
listen md
    bind 127.0.0.1:$FE7
    server s 127.0.0.1:$H check inter 20s fastinter 3s rise 2 fall 3 observe layer7 error-limit 3 on-error mark-down
listen fc
    bind 127.0.0.1:$FE8
    option log-health-checks
    server s 127.0.0.1:$H check inter 20s rise 2 fall 3 observe layer7 error-limit 2
CFG
check "weir starts (mode http, observe layer7)" start_weir "$T_TMP/weir7.cfg"
# snap: one `show stat`; col PROXY COLUMN: the server s's field in the
# last snap (parsed as CSV: last_chk may hold commas, quoted)
snap() { S_CSV=$(stats_cmd "$SOCK" "show stat"); }
col() {
	python3 -c "
import csv, sys
rows = list(csv.reader(sys.stdin)) or [[]]
h = [x.lstrip('# ') for x in rows[0]]
for r in rows[1:]:
    if len(r) == len(h) and r[0] == '$1' and r[1] == 's':
        print(r[h.index('$2')])" <<<"$S_CSV"
}
get() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1$2"; }
n=40; while snap; [ $n -gt 0 ] && [ "$(col md check_status) $(col fc check_status)" != "L7OK L7OK" ]; do
	sleep 0.05; n=$((n - 1)); done
check "both servers passed their first check ($(col md status)/$(col md check_status) $(col fc status)/$(col fc check_status))" \
	test "$(col md status)/$(col fc status)" = UP/UP

codes="$(get "$FE7" /status/500) $(get "$FE7" /status/503) $(get "$FE7" /) $(get "$FE7" /status/502) $(get "$FE7" /status/501) $(get "$FE7" /status/500) $(get "$FE7" /status/502)"
check "md: 500 503 200 502 501 500 502 pass through ($codes)" test "$codes" = "500 503 200 502 501 500 502"
sleep 0.3; snap
check "md: still UP, hanafail 0 (the 200 and the 501, no errors, start the count again) ($(col md status), $(col md hanafail))" \
	test "$(col md status) $(col md hanafail)" = "UP 0"
codes="$(get "$FE7" /status/504)"
sleep 0.3; snap
check "md: the 3rd error in a row ($codes) takes s DOWN ($(col md status))" test "$(col md status)" = DOWN
check "md: check_status HANA ($(col md check_status)), check_desc Health analyze" \
	test "$(col md check_status)/$(col md check_desc)" = "HANA/Health analyze"
check "md: last_chk says why ($(col md last_chk))" \
	test "$(col md last_chk)" = "Detected 3 consecutive errors, last one was: Wrong http response"
check "md: no check duration for a HANA result ('$(col md check_duration)')" test -z "$(col md check_duration)"
check "md: hanafail 1, chkfail 1, chkdown 1 ($(col md hanafail) $(col md chkfail) $(col md chkdown))" \
	test "$(col md hanafail) $(col md chkfail) $(col md chkdown)" = "1 1 1"
check "md: the log says so in HAProxy's words" grep -qF \
	'Server md/s is DOWN, reason: Health analyze, info: "Detected 3 consecutive errors, last one was: Wrong http response". 0 active and 0 backup servers left.' \
	"$T_TMP/weir.log"
check "md: a listen section without servers is a proxy in HAProxy's alert" \
	grep -qF "proxy 'md' has no server available!" "$T_TMP/weir.log"
check "md: the backend answers 503 meanwhile" test "$(get "$FE7" /)" = 503

codes="$(get "$FE8" /status/500) $(get "$FE8" /status/500)"
sleep 0.3; snap
check "fc: 2 errors ($codes): one failed check, UP 2/3 ($(col fc status))" test "$(col fc status)" = "UP 2/3"
check "fc: HANA, chkfail 1, hanafail 1, health 3 ($(col fc check_status) $(col fc chkfail) $(col fc hanafail) $(col fc check_health))" \
	test "$(col fc check_status) $(col fc chkfail) $(col fc hanafail) $(col fc check_health)" = "HANA 1 1 3"
check "fc: option log-health-checks logs it as a failed check" grep -qF \
	'Health check for server fc/s failed, reason: Health analyze, info: "Detected 2 consecutive errors, last one was: Wrong http response", status: 2/3 UP.' \
	"$T_TMP/weir.log"
codes="$(get "$FE8" /status/500) $(get "$FE8" /status/500) $(get "$FE8" /status/500) $(get "$FE8" /status/500)"
sleep 0.3; snap
check "fc: 4 more ($codes): two more failed checks, DOWN ($(col fc status), hanafail $(col fc hanafail), chkfail $(col fc chkfail))" \
	test "$(col fc status) $(col fc hanafail) $(col fc chkfail)" = "DOWN 3 3"
check "fc: ... the second one took it DOWN (logged at 0/2 DOWN)" grep -qF \
	'Health check for server fc/s failed, reason: Health analyze, info: "Detected 2 consecutive errors, last one was: Wrong http response", status: 0/2 DOWN.' \
	"$T_TMP/weir.log"
check "fc: with log-health-checks, the DOWN line gives no reason again" \
	grep -qF 'Server fc/s is DOWN. 0 active and 0 backup servers left.' "$T_TMP/weir.log"

# md's hurried checks (fastinter 3 s) find s healthy: UP again after rise 2
n=100; while snap; [ $n -gt 0 ] && [ "$(col md status)" != UP ]; do sleep 0.1; n=$((n - 1)); done
check "md: the fastinter checks bring s back UP within 10 s ($(col md status))" \
	test "$(col md status)" = UP
check "md: ... L7OK again ($(col md check_status), code $(col md check_code))" \
	test "$(col md check_status)/$(col md check_code)" = L7OK/200
check "weir stops on SIGTERM (layer7)" stop_weir
d_done
