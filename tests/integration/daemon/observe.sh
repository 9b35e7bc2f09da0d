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
# And what else `observe layer7` counts, as HAProxy's health analysis:
# refused connects, a server that resets or closes before answering, one
# that answers after `timeout server`, a head that is not HTTP and a body
# that is not valid chunking; each named in HAProxy's words after "last
# one was:", and a correct response in between starts the count again.
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
# hurries its next check (60 s away: none comes during the test, the
# slowest machine included), the on-error default is fail-check
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
    server s 127.0.0.1:$H check inter 60s rise 2 fall 3 observe layer7 error-limit 2
CFG
check "weir starts (mode http, observe layer7)" start_weir "$T_TMP/weir7.cfg"
# snap: one `show stat`, its server-s rows flattened to "PROXY<TAB>COLUMN
# <TAB>value" lines (parsed as CSV: last_chk may hold commas, quoted) by
# one interpreter (not a shim) per snap; col PROXY COLUMN: a field of the
# last snap
PY3=$(python3 -c 'import sys; print(sys.executable)')
snap() {
	S_CSV=$(stats_cmd "$SOCK" "show stat" | "$PY3" -c "
import csv, sys
rows = list(csv.reader(sys.stdin)) or [[]]
h = [x.lstrip('# ') for x in rows[0]]
for r in rows[1:]:
    if len(r) == len(h) and r[1] == 's':
        for k, v in zip(h, r):
            print(r[0] + '\t' + k + '\t' + v)")
}
col() { awk -F'\t' -v p="$1" -v f="$2" '$1 == p && $2 == f { print $3 }' <<<"$S_CSV"; }
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

# ---- observe layer7: failed connects and failed responses
# A backend that misbehaves by path: /close closes after reading the
# request, /rst resets it, /slow answers after 1.5 s (timeout server is
# 400 ms), /junk answers a head that is not HTTP, /badbody a chunked body
# with a bad chunk size, anything else 200. Every answer closes.
BAD=$(free_port); CLOSED=$(free_port); FE9=$(free_port); FE10=$(free_port); FE11=$(free_port)
python3 - "$BAD" >>"$T_TMP/bad.log" 2>&1 <<'PY' &
import socket, socketserver, struct, sys, time
class H(socketserver.BaseRequestHandler):
    def handle(self):
        c, data = self.request, b""
        while b"\r\n\r\n" not in data:
            got = c.recv(4096)
            if not got:
                return
            data += got
        path = data.split(b" ", 2)[1]
        if path == b"/close":
            return
        if path == b"/rst":
            # closed here, before socketserver's own shutdown sends a FIN
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            c.close()
            return
        if path == b"/slow":
            time.sleep(1.5)
        if path == b"/junk":
            c.sendall(b"garbage\r\n\r\n")
        elif path == b"/badbody":
            c.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n")
        else:
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
class S(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
S(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
t_pids="$t_pids $!"
wait_port "$BAD"
# e7: mark-down after 3 errors in a row; c7: traffic to a closed port, the
# check to the test server (check port); k7: one error is one failed
# check (fall 100), so last_chk names each kind as it comes. inter 60s:
# no regular check (it would forget the errors) comes during the test.
cat >"$T_TMP/weir8.cfg" <<CFG
global
    stats socket $SOCK level admin
    log stdout format raw local0
    max-spread-checks 200
defaults
    mode http
    log global
    retries 0
    timeout connect 1s
    timeout client 5s
    timeout server 400ms
listen e7
    bind 127.0.0.1:$FE9
    server s 127.0.0.1:$BAD check inter 60s observe layer7 error-limit 3 on-error mark-down
listen c7
    bind 127.0.0.1:$FE10
    server s 127.0.0.1:$CLOSED check port $H inter 60s observe layer7 error-limit 3 on-error mark-down
listen k7
    bind 127.0.0.1:$FE11
    server s 127.0.0.1:$BAD check inter 60s rise 1 fall 100 observe layer7 error-limit 1
CFG
check "weir starts (layer7 failures)" start_weir "$T_TMP/weir8.cfg"
px_st() { snap; echo "$(col e7 status) $(col c7 status) $(col k7 status)"; }
n=60; while [ $n -gt 0 ] && [ "$(px_st)" != "UP UP UP" ]; do sleep 0.05; n=$((n - 1)); done
check "e7, c7 and k7 passed their first check ($(px_st))" test "$(px_st)" = "UP UP UP"
n=40; while snap; [ $n -gt 0 ] && [ "$(col e7 check_status) $(col c7 check_status) $(col k7 check_status)" != "L4OK L4OK L4OK" ]; do
	sleep 0.05; n=$((n - 1)); done

codes="$(get "$FE10" /) $(get "$FE10" /)"
sleep 0.3; snap
check "c7: 2 refused connects ($codes): still UP, hanafail 0 ($(col c7 status), $(col c7 hanafail))" \
	test "$codes $(col c7 status) $(col c7 hanafail)" = "503 503 UP 0"
codes="$(get "$FE10" /)"
sleep 0.3; snap
check "c7: the 3rd refused connect ($codes) takes s DOWN ($(col c7 status))" test "$(col c7 status)" = DOWN
check "c7: the log names a failed connect in HAProxy's words" grep -qF \
	'Server c7/s is DOWN, reason: Health analyze, info: "Detected 3 consecutive errors, last one was: L4 unsuccessful connection". 0 active and 0 backup servers left.' \
	"$T_TMP/weir.log"

codes="$(get "$FE9" /close) $(get "$FE9" /rst) $(get "$FE9" /)"
sleep 0.3; snap
check "e7: a close and a reset (502 502), then a 200 ($codes): UP, hanafail 0 ($(col e7 status), $(col e7 hanafail))" \
	test "$codes $(col e7 status) $(col e7 hanafail)" = "502 502 200 UP 0"
codes="$(get "$FE9" /slow) $(get "$FE9" /close)"
sleep 0.3; snap
check "e7: a timeout and a close ($codes): 2 in a row, still UP ($(col e7 status))" \
	test "$codes $(col e7 status)" = "504 502 UP"
codes="$(get "$FE9" /rst)"
sleep 0.3; snap
check "e7: the 3rd in a row, a reset ($codes), takes s DOWN ($(col e7 status), hanafail $(col e7 hanafail))" \
	test "$(col e7 status) $(col e7 hanafail)" = "DOWN 1"
check "e7: last_chk names the reset ($(col e7 last_chk))" \
	test "$(col e7 last_chk)" = "Detected 3 consecutive errors, last one was: Read error (http)"
check "e7: the log says so in HAProxy's words" grep -qF \
	'Server e7/s is DOWN, reason: Health analyze, info: "Detected 3 consecutive errors, last one was: Read error (http)". 0 active and 0 backup servers left.' \
	"$T_TMP/weir.log"

# k7: each kind in turn, in HAProxy's words
k7_kind() {
	local path=$1 want=$2 code h0 n=60
	snap; h0=$(col k7 hanafail)
	code=$(get "$FE11" "$path")
	while snap; [ $n -gt 0 ] && [ "$(col k7 hanafail)" = "$h0" ]; do sleep 0.05; n=$((n - 1)); done
	check "k7: $path ($code) is counted: \"$want\" ($(col k7 last_chk))" \
		test "$(col k7 last_chk)" = "Detected 1 consecutive errors, last one was: $want"
}
k7_kind /close "Close from server (http)"
k7_kind /rst "Read error (http)"
k7_kind /slow "Read timeout (http)"
k7_kind /junk "Invalid http response (headers)"
k7_kind /badbody "Invalid http response"
codes="$(get "$FE11" /)"
sleep 0.3; snap
check "k7: a 200 ($codes) is no error: hanafail stays 5, UP 95/100 ($(col k7 hanafail), $(col k7 status), $(col k7 check_health))" \
	test "$(col k7 hanafail) $(col k7 status)" = "5 UP 95/100"
check "weir stops on SIGTERM (layer7 failures)" stop_weir
d_done
