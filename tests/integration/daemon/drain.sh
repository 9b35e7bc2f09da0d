#!/usr/bin/env bash
# Stopping gracefully, as operators rely on it: SIGUSR1 to the master lets
# running connections finish, refuses new ones, then everything exits;
# after a reload, `hard-stop-after` bounds how long old workers may keep
# their connections; quickstart's configuration starts the daemon for real.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup

FE=$(free_port); A=$(free_port); ACTL=$(free_port)
start_testsrv a "$A" --ctl "127.0.0.1:$ACTL"
ctl() { echo | socat -t 2 - "tcp:127.0.0.1:$1" 2>/dev/null; }
cat >"$T_TMP/weir.cfg" <<CFG
global
    nbthread 2
defaults
    mode tcp
    timeout connect 2s
    timeout client 20s
    timeout server 20s
listen fe
    bind 127.0.0.1:$FE
    server a 127.0.0.1:$A
CFG

# SIGUSR1: held connections complete, then the daemon exits
check "weir starts" start_weir "$T_TMP/weir.cfg"
$TCPLOAD --target "127.0.0.1:$FE" --conns 4 --total 4 --hold 1.5 --echo >"$T_TMP/held.json" &
held=$!
# all 4 through to the backend before the stop (a busy machine is slow)
n=100; while [ $n -gt 0 ] && ! ctl "$ACTL" | grep -q '^cur=4 '; do sleep 0.05; n=$((n - 1)); done
kill -USR1 "$WEIR_PID"
sleep 0.3
check "after SIGUSR1 the port takes no new connection" \
	test "$($TCPLOAD --target "127.0.0.1:$FE" --total 1 --timeout 1 | json ok)" -eq 0
wait "$held"
check "the 4 held connections finished their exchange ($(json ok <"$T_TMP/held.json") ok)" \
	test "$(json ok <"$T_TMP/held.json")" -eq 4
n=40; while kill -0 "$WEIR_PID" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
check "then the daemon exited by itself" test "$(kill -0 "$WEIR_PID" 2>/dev/null && echo alive)" = ""

# hard-stop-after 1s: an old worker holding an idle connection is stopped
sed -i 's/^    nbthread 2$/    nbthread 2\n    hard-stop-after 1s/' "$T_TMP/weir.cfg"
check "weir starts again" start_weir "$T_TMP/weir.cfg"
# a client that holds a connection until the proxy closes it, and says
# when (wall clock), so the delay is measured from the reload itself
python3 - "$FE" "$T_TMP/connected" >"$T_TMP/long.txt" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.recv(100)
open(sys.argv[2], "w").close()
s.settimeout(10)
try:
    while s.recv(100):
        pass
except OSError:
    pass
print(time.time())
PY
long=$!
n=100; while [ ! -e "$T_TMP/connected" ] && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
t_reload=$(date +%s.%N)
kill -USR2 "$WEIR_PID"
check "the reload completes" wait_log "Loading success." 10 2
wait "$long"
el=$(python3 -c "print(round($(cat "$T_TMP/long.txt") - $t_reload, 1))")
check "the old worker's connection was cut by hard-stop-after (after ${el}s, bound 0.8-4)" \
	python3 -c "import sys; sys.exit(0 if 0.8 <= $el <= 4 else 1)"
check "hard-stop-after is logged" grep -q "hard-stop-after" "$T_TMP/weir.log"
check "the new generation serves" test "$($TCPLOAD --target "127.0.0.1:$FE" --total 5 | json ok)" -eq 5
check "weir stops on SIGTERM" stop_weir
d_done
