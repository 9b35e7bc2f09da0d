#!/usr/bin/env bash
# Passive health, as operators use `observe layer4`: when live traffic hits
# `error-limit` consecutive failed connects to a server, `on-error
# mark-down` takes it DOWN at once (long before its next 10 s check), the
# log says "Health analyze", and clients are redispatched meanwhile.
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
d_done
