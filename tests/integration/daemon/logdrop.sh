#!/usr/bin/env bash
# A log target that cannot keep up never slows traffic: with a syslog
# socket nobody reads, every connection is still served at full speed,
# the lines that did not fit are dropped, and show info's DroppedLogs
# counts them.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v socat >/dev/null || skip_all "socat missing"

FE=$(free_port); A=$(free_port)
start_testsrv a "$A"
SOCK=$T_TMP/admin.sock; LOG=$T_TMP/log.sock
# a syslog socket that is bound but never read: its buffer fills up
python3 - "$LOG" <<'PY' &
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.bind(sys.argv[1])
time.sleep(60)
PY
t_pids="$t_pids $!"
n=50; while [ $n -gt 0 ] && [ ! -S "$LOG" ]; do sleep 0.05; n=$((n - 1)); done
cat >"$T_TMP/weir.cfg" <<CFG
global
    nbthread 1
    stats socket $SOCK level admin
    log $LOG local0
defaults
    mode tcp
    log global
    option tcplog
    timeout connect 2s
    timeout client 5s
    timeout server 5s
listen fe
    bind 127.0.0.1:$FE
    server a 127.0.0.1:$A
CFG
check "weir starts" start_weir "$T_TMP/weir.cfg"
out=$($TCPLOAD --target "127.0.0.1:$FE" --conns 10 --total 2000 --timeout 2)
check "2000 of 2000 connections served with a stuck log socket" test "$(json ok <<<"$out")" -eq 2000
check "... without delay (p99 $(json p99_ms <<<"$out") ms < 200)" \
	python3 -c "import sys; sys.exit(0 if $(json p99_ms <<<"$out") < 200 else 1)"
sleep 1.2
drops=$(stats_cmd "$SOCK" "show info" | sed -n 's/^DroppedLogs: //p')
check "show info counts the dropped lines (DroppedLogs: $drops)" test "${drops:-0}" -gt 100
check "weir stops on SIGTERM" stop_weir
d_done
