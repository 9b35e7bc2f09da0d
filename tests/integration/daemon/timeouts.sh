#!/usr/bin/env bash
# Every wait has the timeout the configuration gives it, as a user sees it
# in mode tcp: an idle client is closed after `timeout client` (log: cD), a
# silent server after `timeout server` (sD), a connect to a host that never
# answers after `timeout connect` (sC), `timeout tunnel` overrides both
# client and server timeouts once the tunnel is up, and a client queued for
# a full server (maxconn 1) is closed after `timeout queue` (sQ).
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup

# the first tcplog line of listen PROXY (raw format: "... PROXY PROXY/srv ...")
logline() { grep -E "^[0-9.]+:[0-9]+ \[[^]]+\] $1 " "$T_TMP/weir.log" | tail -1; }
# field N (1-based, space separated) of a tcplog line
field() { awk -v n="$2" '{print $n}' <<<"$1"; }
wait_line() { # wait_line PROXY SECONDS
	local n=$(( $2 * 20 ))
	while [ $n -gt 0 ]; do [ -n "$(logline "$1")" ] && return 0; sleep 0.05; n=$((n - 1)); done
	return 1
}

# client.py PORT SEND HOLD CAP: connect, send SEND (may be empty), optionally
# check it is echoed, then wait until the peer closes (at most CAP s).
# Prints "<seconds from connect to close> <bytes received> <how>".
cat >"$T_TMP/client.py" <<'PY'
import socket, sys, time
port, send, hold, cap = int(sys.argv[1]), sys.argv[2].encode(), float(sys.argv[3]), float(sys.argv[4])
s = socket.create_connection(("127.0.0.1", port), 5)
t0 = time.monotonic()
got = b""
how = "eof"
if send:
    s.sendall(send)
if hold:                      # go idle HOLD s, then send again: must still be echoed
    time.sleep(hold)
    try:
        s.sendall(b"again\n")
    except OSError:
        how = "send-failed"
s.settimeout(0.05)
while time.monotonic() - t0 < cap:
    try:
        b = s.recv(4096)
    except socket.timeout:
        continue
    except ConnectionResetError:
        how = "reset"; break
    if not b:
        break
    got += b
else:
    how = "open"
print("%.3f %d %s %s" % (time.monotonic() - t0, len(got), how, got.decode(errors="replace").replace("\n", "|") or "-"))
PY
client() { python3 "$T_TMP/client.py" "$@"; }

# A backend that accepts and never says anything nor closes; and one whose
# accept queue is full (listen(0), never accepts, the queue filled), so that a
# SYN to it is dropped and a connect() hangs.
cat >"$T_TMP/silent.py" <<'PY'
import socket, sys, time
mode, port = sys.argv[1], int(sys.argv[2])
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", port))
if mode == "silent":
    l.listen(16); held = []
    end = time.monotonic() + 60
    l.settimeout(0.5)
    while time.monotonic() < end:
        try:
            c, _ = l.accept(); held.append(c)
        except socket.timeout:
            pass
else:  # full: fill the accept queue, never accept
    l.listen(0); fill = []
    for i in range(8):
        c = socket.socket(); c.setblocking(False)
        try:
            c.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fill.append(c)
    time.sleep(60)
PY

FE_C=$(free_port); FE_S=$(free_port); FE_K=$(free_port); FE_T=$(free_port); FE_Q=$(free_port)
ECHO=$(free_port); SILENT=$(free_port); FULL=$(free_port)
start_testsrv echo "$ECHO" --mode echo
python3 "$T_TMP/silent.py" silent "$SILENT" & t_pids="$t_pids $!"
python3 "$T_TMP/silent.py" full "$FULL" & t_pids="$t_pids $!"
wait_port "$SILENT"
sleep 0.5
# is the full backlog really full? a plain connect must time out
if python3 -c "import socket; socket.create_connection(('127.0.0.1',$FULL),0.5)" 2>/dev/null; then
	full_ok=0; echo "# the kernel still completes connects to a full backlog"
else
	full_ok=1
fi

cat >"$T_TMP/weir.cfg" <<CFG
global
    nbthread 2
    log stdout format raw local0
defaults
    mode tcp
    log global
    option tcplog
    timeout connect 2s
    timeout client 10s
    timeout server 10s
listen tc
    bind 127.0.0.1:$FE_C
    timeout client 1s
    server echo 127.0.0.1:$ECHO
listen ts
    bind 127.0.0.1:$FE_S
    timeout server 1s
    server silent 127.0.0.1:$SILENT
listen tk
    bind 127.0.0.1:$FE_K
    retries 0
    timeout connect 500ms
    server full 127.0.0.1:$FULL
listen tt
    bind 127.0.0.1:$FE_T
    timeout client 1s
    timeout server 1s
    timeout tunnel 2s
    server echo 127.0.0.1:$ECHO
listen tq
    bind 127.0.0.1:$FE_Q
    timeout queue 1s
    server echo 127.0.0.1:$ECHO maxconn 1
CFG
check "weir starts" start_weir "$T_TMP/weir.cfg"

# timeout client 1s: the client sends nothing, the server says nothing
r=$(client "$FE_C" "" 0 6)
echo "# timeout client: $r"
check "timeout client 1s: the idle client is closed after 0.8-2.5 s (got $(field "$r" 1) s, $(field "$r" 3))" \
	between "$(field "$r" 1)" 0.8 2.5
check "timeout client: the connection was closed, not left open" test "$(field "$r" 3)" != open
wait_line tc 3; l=$(logline tc); echo "# $l"
check "timeout client: tcplog termination state cD" test "$(field "$l" 7)" = cD

# timeout server 1s: the client sends a line, the server never answers
r=$(client "$FE_S" "hello
" 0 6)
echo "# timeout server: $r"
check "timeout server 1s: closed after 0.8-2.5 s (got $(field "$r" 1) s)" between "$(field "$r" 1)" 0.8 2.5
check "timeout server: nothing came back" test "$(field "$r" 2)" -eq 0
wait_line ts 3; l=$(logline ts); echo "# $l"
check "timeout server: tcplog termination state sD" test "$(field "$l" 7)" = sD

# timeout connect 500ms (retries 0) to a server whose backlog is full
if [ "$full_ok" = 1 ]; then
	r=$(client "$FE_K" "" 0 6)
	echo "# timeout connect: $r"
	check "timeout connect 500ms: the client is closed after 0.3-1.5 s (got $(field "$r" 1) s)" \
		between "$(field "$r" 1)" 0.3 1.5
	check "timeout connect: nothing came back" test "$(field "$r" 2)" -eq 0
	wait_line tk 3; l=$(logline tk); echo "# $l"
	check "timeout connect: tcplog termination state sC" test "$(field "$l" 7)" = sC
	tc=$(field "$l" 5 | cut -d/ -f2)
	check "timeout connect: %Tc is -1 (never connected), got $tc" test "$tc" = -1
else
	ok "# SKIP timeout connect: cannot make a non-answering address here"
fi

# timeout tunnel 2s overrides client/server 1s: 1.5 s idle, then still echoes;
# then idle again: closed after the tunnel timeout, not the 1 s ones
r=$(client "$FE_T" "first
" 1.5 6)
echo "# timeout tunnel: $r"
check "timeout tunnel: the connection survives 1.5 s idle (both lines echoed: $(field "$r" 4))" \
	test "$(field "$r" 4)" = "first|again|"
check "timeout tunnel: then closed 2 s after the last activity (1.5+2: 3.2-4.8 s, got $(field "$r" 1))" \
	between "$(field "$r" 1)" 3.2 4.8
wait_line tt 3; l=$(logline tt); echo "# $l"
check "timeout tunnel: the close is a client or server timeout in the log (cD/sD), got $(field "$l" 7)" \
	grep -qE '^(cD|sD)$' <<<"$(field "$l" 7)"

# timeout queue 1s: one client holds the only slot (maxconn 1) for 3 s
client "$FE_Q" "hold
" 0 3 >"$T_TMP/holder.out" &
holder=$!
sleep 0.3
r=$(client "$FE_Q" "queued
" 0 6)
echo "# timeout queue: $r"
check "timeout queue 1s: the queued client is closed after 0.8-2.5 s (got $(field "$r" 1) s)" \
	between "$(field "$r" 1)" 0.8 2.5
check "timeout queue: the queued client got nothing from the server" test "$(field "$r" 2)" -eq 0
sleep 0.3; l=$(logline tq); echo "# $l"
check "timeout queue: tcplog termination state sQ" test "$(field "$l" 7)" = sQ
# HAProxy sets Tw when the queue timeout strikes: "-1" only for a session that
# never reached the queue (configuration.txt 8.4)
tw=$(field "$l" 5 | cut -d/ -f1)
check "timeout queue: %Tw is the time spent queued (800-2500 ms), got $tw" between "$tw" 800 2500
wait "$holder"
check "timeout queue: the holder itself was served (its line echoed)" grep -q ' hold|$' "$T_TMP/holder.out"

check "weir stops on SIGTERM" stop_weir
d_done
