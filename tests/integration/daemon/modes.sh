#!/usr/bin/env bash
# The command-line modes as init scripts and systemd units use them:
# -d (foreground, every role in one process) and -db proxy in the
# foreground; -D -p detaches at once, writes the master pid, and SIGTERM
# stops it; -Ws tells systemd READY=1/MAINPID= and RELOADING=1 then READY=1
# on SIGUSR2; -sf hands a port over to a new instance without one failed
# connection; a config with errors exits 1 before binding anything, and a
# config with no listener exits 2 in check mode (1 when started, as
# HAProxy's standalone mode does).
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
: >"$T_TMP/weir.log"

A=$(free_port)
start_testsrv a "$A"

# cfg NAME PORT: a one-listener config file $T_TMP/NAME.cfg
cfg() {
	cat >"$T_TMP/$1.cfg" <<CFG
global
    nbthread 2
defaults
    mode tcp
    timeout connect 2s
    timeout client 10s
    timeout server 10s
listen px
    bind 127.0.0.1:$2
    server a 127.0.0.1:$A
CFG
}
# the weir processes running with this config file (ps, no signals)
procs_of() { ps -eo pid=,args= | awk -v f="$T_TMP/$1.cfg" 'index($0, f) && !/awk/ {print $1}'; }
served() { # served PORT N: N sequential connections all get the banner
	local out; out=$($TCPLOAD --target "127.0.0.1:$1" --total "$2")
	[ "$(json names.a <<<"$out")" -eq "$2" ]
}
gone() { # gone PID [SECONDS]
	local n=$(( ${2:-5} * 20 ))
	while kill -0 "$1" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
	! kill -0 "$1" 2>/dev/null
}
closed() { ! python3 -c "import socket; socket.create_connection(('127.0.0.1',$1),0.5)" 2>/dev/null; }
# wait_in FILE TEXT SECONDS [COUNT]
wait_in() {
	local n=$(( $3 * 20 ))
	while [ $n -gt 0 ]; do
		[ "$(grep -cF -- "$2" "$1" 2>/dev/null)" -ge "${4:-1}" ] && return 0
		sleep 0.05; n=$((n - 1))
	done
	return 1
}

# ---- -d: foreground, every role in one process
P=$(free_port); cfg d "$P"
"$WEIR_BIN" -d -f "$T_TMP/d.cfg" >"$T_TMP/d.log" 2>&1 &
dpid=$!; t_pids="$t_pids $dpid"
check "-d: it listens" wait_port "$P"
check "-d: the process we started is still in the foreground" kill -0 "$dpid"
n=$(procs_of d | wc -l); kids=$(ps -o pid= --ppid "$dpid" | wc -l)
check "-d: exactly one weir process (got $n, children $kids)" test "$n" -eq 1 -a "$kids" -eq 0
check "-d: it proxies (20 of 20)" served "$P" 20
kill -TERM "$dpid"
check "-d: SIGTERM stops it" gone "$dpid"

# ---- -db: foreground, no debug output
P=$(free_port); cfg db "$P"
"$WEIR_BIN" -db -f "$T_TMP/db.cfg" >"$T_TMP/db.log" 2>&1 &
dbpid=$!; t_pids="$t_pids $dbpid"
check "-db: it listens" wait_port "$P"
check "-db: the process we started stays in the foreground" kill -0 "$dbpid"
check "-db: it proxies (20 of 20)" served "$P" 20
kill -TERM "$dbpid"
check "-db: SIGTERM stops it" gone "$dbpid"
check "-db: no weir process left with that config" test -z "$(procs_of db)"

# ---- -D -p pidfile: returns at once, detached
P=$(free_port); cfg bg "$P"
PIDF=$T_TMP/weir.pid
t0=$(date +%s.%N)
timeout 10 "$WEIR_BIN" -D -p "$PIDF" -f "$T_TMP/bg.cfg" >"$T_TMP/bg.log" 2>&1
rc=$?
el=$(python3 -c "import time; print(round(time.time() - $t0, 2))")
for p in $(procs_of bg); do t_pids="$t_pids $p"; done
check "-D: the command exits with status 0 (got $rc)" test "$rc" -eq 0
check "-D: ... and returns at once (${el}s < 3s)" python3 -c "import sys; sys.exit(0 if $el < 3 else 1)"
check "-D: it listens" wait_port "$P"
mpid=$(head -1 "$PIDF" 2>/dev/null | tr -d ' ')
check "-D: the pidfile holds a live pid ($mpid)" kill -0 "${mpid:-999999}"
check "-D: that pid is a weir process" grep -qF "$T_TMP/bg.cfg" <<<"$(ps -o args= -p "${mpid:-1}")"
check "-D: it is the master: the other weir processes are its children" \
	test -z "$(for p in $(procs_of bg); do [ "$p" = "$mpid" ] || [ "$(ps -o ppid= -p "$p" | tr -d ' ')" = "$mpid" ] || echo "$p"; done)"
check "-D: detached: a new session, not ours" test "$(ps -o sid= -p "${mpid:-1}" | tr -d ' ')" != "$(ps -o sid= -p $$ | tr -d ' ')"
check "-D: it proxies (20 of 20)" served "$P" 20
kill -TERM "${mpid:-999999}"
check "-D: SIGTERM stops it: the pidfile's pid is gone" gone "${mpid:-999999}"
sleep 0.3
check "-D: no weir process left with that config" test -z "$(procs_of bg)"
check "-D: the port is closed" closed "$P"

# ---- -Ws: systemd notifications on $NOTIFY_SOCKET
P=$(free_port); cfg ws "$P"
NS=$T_TMP/notify.sock
python3 - "$NS" "$T_TMP/notify.txt" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(0.2)
end = time.monotonic() + 30
with open(sys.argv[2], "a") as f:
    while time.monotonic() < end:
        try:
            d = s.recv(4096)
        except socket.timeout:
            continue
        f.write(d.decode(errors="replace").replace("\n", " ").strip() + "\n"); f.flush()
PY
t_pids="$t_pids $!"
n=40; while [ ! -S "$NS" ] && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
: >"$T_TMP/notify.txt"
NOTIFY_SOCKET=$NS "$WEIR_BIN" -Ws -f "$T_TMP/ws.cfg" >"$T_TMP/ws.log" 2>&1 &
wspid=$!; t_pids="$t_pids $wspid"
check "-Ws: READY=1 is sent after start" wait_in "$T_TMP/notify.txt" "READY=1" 10
check "-Ws: MAINPID=$wspid (the master) is sent" grep -qE "(^| )MAINPID=$wspid( |$)" "$T_TMP/notify.txt"
check "-Ws: it proxies once READY (20 of 20)" served "$P" 20
before=$(wc -l <"$T_TMP/notify.txt")
kill -USR2 "$wspid"
wait_in "$T_TMP/notify.txt" "RELOADING=1" 10
wait_in "$T_TMP/notify.txt" "READY=1" 10 2
echo "# notifications: $(tr '\n' ';' <"$T_TMP/notify.txt")"
rl=$(awk -v b="$before" 'NR > b && /(^| )RELOADING=1( |$)/ {print NR; exit}' "$T_TMP/notify.txt")
rd=$(awk -v r="${rl:-999999}" 'NR > r && /(^| )READY=1( |$)/ {print NR; exit}' "$T_TMP/notify.txt")
check "-Ws: SIGUSR2 sends RELOADING=1" test -n "$rl"
check "-Ws: ... then READY=1 again once the new generation runs" test -n "$rd"
check "-Ws: it proxies after the reload (20 of 20)" served "$P" 20
kill -TERM "$wspid"
check "-Ws: SIGTERM stops it" gone "$wspid"

# ---- -sf: a second instance takes the port over, no connection fails
P=$(free_port); cfg sf "$P"
"$WEIR_BIN" -W -f "$T_TMP/sf.cfg" >"$T_TMP/sf1.log" 2>&1 &
old=$!; t_pids="$t_pids $old"
check "-sf: the first instance starts" wait_in "$T_TMP/sf1.log" "Loading success." 10
$TCPLOAD --target "127.0.0.1:$P" --conns 2 --duration 6 --timeout 3 >"$T_TMP/sf-load.json" &
load=$!
sleep 1
"$WEIR_BIN" -W -f "$T_TMP/sf.cfg" -sf "$old" >"$T_TMP/sf2.log" 2>&1 &
new=$!; t_pids="$t_pids $new"
check "-sf: the second instance starts on the same port" wait_in "$T_TMP/sf2.log" "Loading success." 10
check "-sf: the first instance exits after the second is ready" gone "$old" 8
check "-sf: the second instance keeps running" kill -0 "$new"
wait "$load"
out=$(cat "$T_TMP/sf-load.json"); echo "# load across the handover: $out"
# -sf alone binds beside the old instance; weir steers new connections to
# the new sockets with an eBPF program over a socket map (src/master/
# steer.c), so nothing lands in the old instance's queues as it closes
# them. HAProxy documents resets here and -x as the cure (takeover.sh
# asserts zero there); the classic-BPF fallback still resets a few.
check "-sf: the eBPF steering program loaded (no fallback warning)" \
	bash -c '! grep -q "steer\|eBPF" "$1"' _ "$T_TMP/sf2.log"
check "-sf: the port answered throughout: zero refused connections" \
	test "$(json refused <<<"$out")" -eq 0
check "-sf: at most 1 in 5000 connections reset at the handover ($(json failed <<<"$out"))" \
	test $(( $(json failed <<<"$out") * 5000 )) -le "$(json ok <<<"$out")"
check "-sf: ... and it did serve during the handover ($(json ok <<<"$out") ok)" test "$(json ok <<<"$out")" -gt 50
check "-sf: the second instance proxies alone (20 of 20)" served "$P" 20
kill -TERM "$new"; gone "$new"

# ---- a config with errors: exit 1, every error named, nothing bound
P=$(free_port)
cat >"$T_TMP/bad.cfg" <<CFG
defaults
    mode tcp
    timeout connect 2s
    timeout client 10s
    timeout server 10s
listen px
    bind 127.0.0.1:$P
    balance roundrobbin
    server a 127.0.0.1:$A wieght 3
CFG
timeout 10 "$WEIR_BIN" -W -f "$T_TMP/bad.cfg" >"$T_TMP/bad.log" 2>&1
rc=$?
sed 's/^/# /' "$T_TMP/bad.log" | head -8
check "config errors: weir -W -f exits 1 (got $rc)" test "$rc" -eq 1
check "config errors: the first error names bad.cfg:8" grep -q 'bad\.cfg:8\]' "$T_TMP/bad.log"
check "config errors: the second one too (bad.cfg:9)" grep -q 'bad\.cfg:9\]' "$T_TMP/bad.log"
check "config errors: nothing listens on the port" closed "$P"
check "config errors: no weir process left" test -z "$(procs_of bad)"
# the port held by someone else: the config errors are reported, never a bind error
python3 -c "
import socket, time
s = socket.socket(); s.bind(('127.0.0.1', $P)); s.listen(1); time.sleep(12)" &
holder=$!; t_pids="$t_pids $holder"
wait_port "$P"
timeout 10 "$WEIR_BIN" -W -f "$T_TMP/bad.cfg" >"$T_TMP/bad2.log" 2>&1
rc=$?
check "config errors: checked before any bind (exit $rc, no bind error with the port busy)" \
	test "$rc" -eq 1 -a -z "$(grep -iE 'bind|address already in use' "$T_TMP/bad2.log")"
kill "$holder" 2>/dev/null

# ---- no listener
cat >"$T_TMP/nol.cfg" <<CFG
defaults
    mode tcp
    timeout connect 2s
    timeout client 10s
    timeout server 10s
backend be
    server a 127.0.0.1:$A
CFG
timeout 10 "$WEIR_BIN" -c -f "$T_TMP/nol.cfg" >"$T_TMP/nol.log" 2>&1
rc=$?
check "no listener: weir -c exits 2 (got $rc)" test "$rc" -eq 2
timeout 10 "$WEIR_BIN" -db -f "$T_TMP/nol.cfg" >"$T_TMP/nol2.log" 2>&1
rc=$?
sed 's/^/# /' "$T_TMP/nol2.log" | head -4
check "no listener: started with -db it exits 1 like HAProxy's standalone mode (got $rc)" test "$rc" -eq 1
check "no listener: ... with an ALERT saying so" grep -qi 'ALERT.*listener' "$T_TMP/nol2.log"

# the sanitizer check covers every instance started above
cat "$T_TMP"/d.log "$T_TMP"/db.log "$T_TMP"/bg.log "$T_TMP"/ws.log "$T_TMP"/sf1.log \
	"$T_TMP"/sf2.log "$T_TMP"/bad.log "$T_TMP"/nol2.log >>"$T_TMP/weir.log" 2>/dev/null
d_done
