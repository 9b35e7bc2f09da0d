#!/usr/bin/env bash
# The process model as an operator sees it: accepting balanced between 2
# workers; a SIGKILLed worker is restarted while the other one's
# connections go on; workers and checker run as the configured user while
# the master stays root; a server maxconn of 10 holds across both workers
# (the backend counts what it sees at once).
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
[ "$(id -u)" = 0 ] || skip_all "needs root (user/group switch)"
getent passwd nobody >/dev/null || skip_all "no user nobody"
grp=$(id -gn nobody)
ctl() { echo | socat -t 2 - "tcp:127.0.0.1:$1" 2>/dev/null; }

FE=$(free_port); FE2=$(free_port); A=$(free_port); B=$(free_port); ACTL=$(free_port)
BCTL=$(free_port)
start_testsrv a "$A" --ctl "127.0.0.1:$ACTL"
start_testsrv b "$B" --ctl "127.0.0.1:$BCTL"
cat >"$T_TMP/weir.cfg" <<CFG
global
    nbthread 2
    user nobody
    group $grp
    log stdout format raw local0
defaults
    mode tcp
    log global
    timeout connect 2s
    timeout client 10s
    timeout server 10s
    timeout queue 20s
listen fe
    bind 127.0.0.1:$FE
    log-format "worker=%pid %b/%s %ts"
    balance roundrobin
    server b 127.0.0.1:$B check inter 1s
listen capped
    bind 127.0.0.1:$FE2
    server a 127.0.0.1:$A maxconn 10
CFG
check "weir starts" start_weir "$T_TMP/weir.cfg"

# who runs as whom
check "the master runs as root" test "$(ps -o user= -p "$WEIR_PID" | tr -d ' ')" = root
users=$(ps -o user= --ppid "$WEIR_PID" | sort -u | tr -d ' ' | tr '\n' ' ')
check "every child (workers, checker) runs as nobody (got: $users)" test "$users" = "nobody "
check "three children: 2 workers and the checker" test "$(weir_children | wc -l)" -eq 3

# accepting is balanced: neither worker takes more than 60%
out=$($TCPLOAD --target "127.0.0.1:$FE" --conns 10 --total 400)
check "400 connections served" test "$(json ok <<<"$out")" -eq 400
sleep 0.3
max=$(grep -o 'worker=[0-9]*' "$T_TMP/weir.log" | sort | uniq -c | sort -rn | awk 'NR==1{print $1}')
tot=$(grep -c 'worker=[0-9]*' "$T_TMP/weir.log")
echo "# per worker: $(grep -o 'worker=[0-9]*' "$T_TMP/weir.log" | sort | uniq -c | tr '\n' ' ')"
check "no worker took more than 60% ($max of $tot)" test $((max * 100)) -le $((tot * 60))

# server maxconn 10 across 2 workers, 50 concurrent clients
echo RESET | socat -t 1 - "tcp:127.0.0.1:$ACTL" >/dev/null 2>&1
out=$($TCPLOAD --target "127.0.0.1:$FE2" --conns 50 --total 200 --hold 0.2 --timeout 30)
seen=$(ctl "$ACTL")
echo "# backend a: $seen; load: $out"
check "all 200 connections served through the queue" test "$(json ok <<<"$out")" -eq 200
check "the backend never saw more than 10 at once ($seen)" \
	test "$(sed -E 's/.*max=([0-9]+).*/\1/' <<<"$seen")" -le 10
check "the backend did see 10 at once (the limit is used)" \
	test "$(sed -E 's/.*max=([0-9]+).*/\1/' <<<"$seen")" -eq 10

# SIGKILL one worker while 20 connections are held open on both
$TCPLOAD --target "127.0.0.1:$FE" --conns 20 --total 20 --hold 2 --echo >"$T_TMP/held.json" &
held=$!
# every one of them accepted and connected through (a busy machine is slow)
n=100; while [ $n -gt 0 ] && ! ctl "$BCTL" | grep -q '^cur=20 '; do sleep 0.05; n=$((n - 1)); done
workers=$(sed -n 's/.*New worker (\([0-9]*\)) forked.*/\1/p' "$T_TMP/weir.log")
victim=$(head -1 <<<"$workers"); other=$(sed -n 2p <<<"$workers")
kill -KILL "$victim"
wait "$held"
out=$(cat "$T_TMP/held.json")
echo "# held connections across the kill: $out"
check "the dead worker is logged and restarted" wait_log "exited with code 137" 5
check "a new worker was forked" wait_log "New worker" 5 3
ok=$(json ok <<<"$out"); failed=$(json failed <<<"$out")
check "connections on the surviving worker completed ($ok of 20 ok)" test "$ok" -ge 1
check "the killed worker's connections were cut ($failed failed)" test "$failed" -ge 1
check "no connection lost or refused beyond those two groups" test $((ok + failed)) -eq 20 -a "$(json refused <<<"$out")" -eq 0
check "the surviving process kept serving (same pid)" kill -0 "$other"
sleep 0.5
out=$($TCPLOAD --target "127.0.0.1:$FE" --total 40)
check "after the restart every new connection is served (40 of 40)" test "$(json ok <<<"$out")" -eq 40
check "weir stops on SIGTERM" stop_weir
d_done
