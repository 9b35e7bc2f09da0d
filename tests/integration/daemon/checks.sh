#!/usr/bin/env bash
# Health checks as an operator sees them: a server whose backend stops is
# marked DOWN within fall x inter (+ slack) with HAProxy's log line, the last
# one down logs "backend 'be' has no server available!", a restarted backend
# comes back UP within rise x inter (+ slack), `show stat` status and
# check_status follow (DOWN/L4CON, UP/L4OK), traffic leaves a DOWN server
# within one check interval, and a `disabled` server is never connected to
# (neither traffic nor checks).
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v socat >/dev/null || skip_all "socat missing"
ctl() { echo | socat -t 2 - "tcp:127.0.0.1:$1" 2>/dev/null; }
now() { date +%s.%N; }
since() { python3 -c "import time; print(round(time.time() - $1, 2))"; }
le() { python3 -c "import sys; sys.exit(0 if $1 <= $2 else 1)"; }
ge() { python3 -c "import sys; sys.exit(0 if $1 >= $2 else 1)"; }

FE=$(free_port); S1=$(free_port); S2=$(free_port); S3=$(free_port); S3CTL=$(free_port)
start_testsrv s1 "$S1"
start_testsrv s2 "$S2"
start_testsrv s3 "$S3" --ctl "127.0.0.1:$S3CTL"
# wait_port connected once to s3: start its count from zero
echo RESET | socat -t 1 - "tcp:127.0.0.1:$S3CTL" >/dev/null 2>&1
SOCK=$T_TMP/admin.sock
# inter 300ms, fall 3, rise 2: DOWN after ~0.6-0.9 s, UP after ~0.3-0.6 s
cat >"$T_TMP/weir.cfg" <<CFG
global
    nbthread 2
    log stdout format raw local0
    stats socket $SOCK mode 600 level admin
defaults
    mode tcp
    log global
    timeout connect 1s
    timeout client 10s
    timeout server 10s
backend be
    balance roundrobin
    server s1 127.0.0.1:$S1 check inter 300ms fall 3 rise 2
    server s2 127.0.0.1:$S2 check inter 300ms fall 3 rise 2
    server s3 127.0.0.1:$S3 check inter 300ms disabled
frontend fe
    bind 127.0.0.1:$FE
    default_backend be
CFG
check "weir starts" start_weir "$T_TMP/weir.cfg"
csv=""
refresh() { csv=$(stats_cmd "$SOCK" "show stat"); }
col() { awk -F, -v sv="$1" -v c="$2" 'NR==1{for(i=1;i<=NF;i++){n=$i; sub(/^# /,"",n); if(n==c) k=i}} $1=="be" && $2==sv {print $k}' <<<"$csv"; }
sleep 1
refresh
check "show stat: s1 UP/L4OK after the first checks (got $(col s1 status)/$(col s1 check_status))" \
	test "$(col s1 status)/$(col s1 check_status)" = UP/L4OK
check "show stat: the disabled s3 is MAINT (got $(col s3 status))" test "$(col s3 status)" = MAINT
out=$($TCPLOAD --target "127.0.0.1:$FE" --total 20)
# two workers balance independently: 10 each, give or take one per worker
check "both servers share the traffic (s1=$(json names.s1 <<<"$out") s2=$(json names.s2 <<<"$out"))" \
	test "$(json names.s1 <<<"$out")" -ge 8 -a "$(json names.s1 <<<"$out")" -le 12 -a \
	$(( $(json names.s1 <<<"$out") + $(json names.s2 <<<"$out") )) -eq 20

# ---- s1's backend stops
t0=$(now)
kill -TERM "$SRV_PID_s1"
wait_log "Server be/s1 is DOWN" 5
el=$(since "$t0")
check "s1 goes DOWN within fall x inter + 1 s (0.9 + 1 s), took ${el}s" le "$el" 1.9
check "... not before fall checks have failed (>= 0.4 s), took ${el}s" ge "$el" 0.4
grep -F "Server be/s1 is DOWN" "$T_TMP/weir.log" | head -1 | sed 's/^/# /'
check "the log says 'Server be/s1 is DOWN, reason: Layer4 connection problem'" \
	grep -qF "Server be/s1 is DOWN, reason: Layer4 connection problem" "$T_TMP/weir.log"
check "the log line carries HAProxy's info: \"Connection refused\", check duration" \
	grep -qF "Server be/s1 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", check duration: " "$T_TMP/weir.log"
check "... 1 active and 0 backup servers left" grep -q "Server be/s1 is DOWN.*1 active and 0 backup servers left" "$T_TMP/weir.log"
refresh
check "show stat: s1 DOWN/L4CON (got $(col s1 status)/$(col s1 check_status))" \
	test "$(col s1 status)/$(col s1 check_status)" = DOWN/L4CON
check "show stat: s1 chkdown counted 1 (got $(col s1 chkdown))" test "$(col s1 chkdown)" = 1
# within one check interval of the DOWN, new connections all go to s2
sleep 0.3
out=$($TCPLOAD --target "127.0.0.1:$FE" --total 20)
check "traffic moved to s2: 20 of 20 there, none failed ($out)" \
	test "$(json names.s2 <<<"$out")" -eq 20 -a "$(json failed <<<"$out")" -eq 0

# ---- s2 stops too: the last one down
t0=$(now)
kill -TERM "$SRV_PID_s2"
wait_log "Server be/s2 is DOWN" 5
el=$(since "$t0")
check "s2 goes DOWN within 1.9 s, took ${el}s" le "$el" 1.9
check "the last one down logs \"backend 'be' has no server available!\"" \
	wait_log "backend 'be' has no server available!" 2
check "... once" test "$(grep -cF "backend 'be' has no server available!" "$T_TMP/weir.log")" -le 2
refresh
check "show stat: BACKEND DOWN (got $(col BACKEND status))" test "$(col BACKEND status)" = DOWN

# ---- s1's backend comes back
t0=$(now)
start_testsrv s1 "$S1"
wait_log "Server be/s1 is UP" 5
el=$(since "$t0")
check "s1 comes back UP within rise x inter + 1 s (0.6 + 1 s), took ${el}s" le "$el" 1.6
grep -F "Server be/s1 is UP" "$T_TMP/weir.log" | head -1 | sed 's/^/# /'
check "the log says 'Server be/s1 is UP, reason: Layer4 check passed'" \
	grep -qF "Server be/s1 is UP, reason: Layer4 check passed" "$T_TMP/weir.log"
refresh
check "show stat: s1 UP/L4OK again (got $(col s1 status)/$(col s1 check_status))" \
	test "$(col s1 status)/$(col s1 check_status)" = UP/L4OK
check "show stat: s2 still DOWN/L4CON (got $(col s2 status)/$(col s2 check_status))" \
	test "$(col s2 status)/$(col s2 check_status)" = DOWN/L4CON
check "show stat: BACKEND UP again (got $(col BACKEND status))" test "$(col BACKEND status)" = UP
out=$($TCPLOAD --target "127.0.0.1:$FE" --total 20)
check "traffic back on s1: 20 of 20, none failed" \
	test "$(json names.s1 <<<"$out")" -eq 20 -a "$(json failed <<<"$out")" -eq 0

# ---- the disabled server
seen=$(ctl "$S3CTL")
echo "# s3 (disabled): $seen"
check "the disabled server s3 was never connected to, not even by checks ($seen)" grep -q ' total=0$' <<<"$seen"
check "show stat: s3 still MAINT, stot 0" test "$(col s3 status)/$(col s3 stot)" = MAINT/0

check "weir stops on SIGTERM" stop_weir
d_done
