#!/usr/bin/env bash
# Seamless reloads, as an operator does them: 20 SIGUSR2 while 20 clients
# keep connections busy refuse and fail nothing; a `set server ... state
# maint` made before them still holds after; a reload with a broken file
# leaves the running generation serving and logs every error with file:line.
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
    stats socket $SOCK mode 600 level admin
defaults
    mode tcp
    timeout connect 2s
    timeout client 10s
    timeout server 10s
backend be
    balance roundrobin
    server a 127.0.0.1:$A
    server b 127.0.0.1:$B
frontend fe
    bind 127.0.0.1:$FE
    default_backend be
CFG
check "weir starts" start_weir "$T_TMP/weir.cfg"
check "set server be/b state maint" test -z "$(stats_cmd "$SOCK" 'set server be/b state maint')"

$TCPLOAD --target "127.0.0.1:$FE" --conns 20 --duration 14 --echo >"$T_TMP/load.json" &
load=$!
# and 10 long connections, each held 1.5 s and checked again after: the
# old workers must let them finish
$TCPLOAD --target "127.0.0.1:$FE" --conns 10 --duration 14 --echo --hold 1.5 >"$T_TMP/held.json" &
held=$!
sleep 0.5
reloaded=0
for i in $(seq 1 20); do
	kill -USR2 "$WEIR_PID"
	wait_log "Loading success." 10 $((i + 1)) && reloaded=$((reloaded + 1))
	sleep 0.25
done
check "20 reloads completed (got $reloaded)" test "$reloaded" -eq 20
check "the master kept its pid" kill -0 "$WEIR_PID"
wait "$load" "$held"
out=$(cat "$T_TMP/held.json")
echo "# held connections during reloads: $out"
check "long connections kept across the reloads: none cut ($(json failed <<<"$out") failed of $(json ok <<<"$out"))" \
	test "$(json failed <<<"$out")" -eq 0 -a "$(json ok <<<"$out")" -ge 50
out=$(cat "$T_TMP/load.json")
echo "# load during reloads: $out"
check "connections served during the reloads (ok=$(json ok <<<"$out"))" test "$(json ok <<<"$out")" -gt 500
check "zero refused connections" test "$(json refused <<<"$out")" -eq 0
check "zero failed connections" test "$(json failed <<<"$out")" -eq 0
check "the maint state survived 20 reloads: no connection went to b" test "$(json names.b <<<"$out")" -eq 0
state=$(stats_cmd "$SOCK" 'show servers state be' | awk '$4 == "b" {print $7}')
check "show servers state: b still has admin state 1 (forced maint), got '$state'" test "$state" = 1
sleep 0.5
old=$(ps -o pid= --ppid "$WEIR_PID" | wc -l)
# this generation's: 2 workers, stats, and the checker (which applies the
# runtime API's forced states even where no server has `check`)
check "old workers drained and exited (children now: $old)" test "$old" -le 4

# a broken configuration: the old generation keeps serving
cp "$T_TMP/weir.cfg" "$T_TMP/good.cfg"
printf 'backend broken\n    balance roundrobbin\n    server x 127.0.0.1:1 wieght 3\n' >>"$T_TMP/weir.cfg"
kids=$(weir_children | sort | tr '\n' ' ')
kill -USR2 "$WEIR_PID"
check "the failed reload is logged" wait_log "Reload failed" 10
check "the error names file:line" grep -qF "weir.cfg:17]" "$T_TMP/weir.log"
check "every error is logged (the second one too)" grep -qF "weir.cfg:18]" "$T_TMP/weir.log"
check "the children are the same processes" test "$kids" = "$(weir_children | sort | tr '\n' ' ')"
out=$($TCPLOAD --target "127.0.0.1:$FE" --total 20 --echo)
check "the old generation still serves (20 of 20)" test "$(json ok <<<"$out")" -eq 20
cp "$T_TMP/good.cfg" "$T_TMP/weir.cfg"
n=$(grep -cF "Loading success." "$T_TMP/weir.log")
kill -HUP "$WEIR_PID"
check "SIGHUP reloads too, once the file is fixed" wait_log "Loading success." 10 $((n + 1))
check "weir stops on SIGTERM" stop_weir
d_done
