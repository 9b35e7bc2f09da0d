#!/usr/bin/env bash
# `retry-on` in mode http, as a user sees it: a backend of a bad server and
# a good one (`retries 1`, `option redispatch`, so the one retry goes to
# the other server). For each failure HAProxy names (empty-response,
# junk-response, response-timeout, a status), every GET is answered 200
# by the good server when retry-on lists the failure, and logged with the
# redispatched retry ("+1"); without it the client sees the failure (502,
# 502, 504, 503). A POST is never replayed (the bad server sees it once,
# the client gets 502), and `retry-on none` does not even retry a refused
# connect, which the default (conn-failure) does.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v curl >/dev/null || skip_all "curl missing"

GOOD=$(free_port)
start_testsrv good "$GOOD" --mode http

# bad_server MODE PORT: accepts, reads a request head, then misbehaves;
# one line per accepted connection in $T_TMP/MODE.accepts.
bad_server() {
	python3 - "$1" "$2" "$T_TMP/$1.accepts" <<'PY' &
import socket, sys, threading, time
mode, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port)); srv.listen(64)
def serve(c):
    got = b""
    while b"\r\n\r\n" not in got:
        b = c.recv(4096)
        if not b:
            break
        got += b
    if mode == "junk":
        c.sendall(b"this is not HTTP\r\n\r\n")
    elif mode == "status":
        c.sendall(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 4\r\n\r\nbad\n")
        time.sleep(0.5)
    elif mode == "silent":
        time.sleep(5)
    c.close()
while True:
    c, _ = srv.accept()
    with open(log, "a") as f:
        f.write("accept\n")
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
	t_pids="$t_pids $!"
	wait_port "$2"
}

# backend NAME BADPORT RETRY-ON: the bad server first, then the good one
backend() {
	cat <<CFG
backend $1
    retries 1
    option redispatch
    ${3:+retry-on $3}
    server bad 127.0.0.1:$2
    server good 127.0.0.1:$GOOD
CFG
}

FE=$(free_port)
declare -A BAD
for m in empty junk silent status; do
	BAD[$m]=$(free_port)
	bad_server "$m" "${BAD[$m]}"
done
DEAD=$(free_port)
{
	cat <<CFG
global
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 5s
    timeout server 700ms
frontend fe
    bind 127.0.0.1:$FE
    use_backend %[path,field(2,/)]
CFG
	backend empty "${BAD[empty]}" empty-response
	backend junk "${BAD[junk]}" junk-response
	backend silent "${BAD[silent]}" response-timeout
	backend status "${BAD[status]}" 503
	backend empty_off "${BAD[empty]}" ""
	backend junk_off "${BAD[junk]}" conn-failure
	backend silent_off "${BAD[silent]}" ""
	backend status_off "${BAD[status]}" "conn-failure 502"
	backend post "${BAD[junk]}" all-retryable-errors
	backend dead "$DEAD" ""
	backend dead_none "$DEAD" none
} >"$T_TMP/weir.cfg"
check "weir starts" start_weir "$T_TMP/weir.cfg"

# get PATH N: N sequential GETs on one line, each "good200" when the good
# server answered, else its status
get() {
	local i code out=""
	for i in $(seq 1 "$2"); do
		code=$(curl -s -o "$T_TMP/body" -m 5 -w '%{http_code}' "http://127.0.0.1:$FE$1")
		[ "$(cat "$T_TMP/body")" = good ] && code=good$code
		out="$out $code"
	done
	echo "${out# }"
}
accepts() { wc -l <"$T_TMP/$1.accepts" 2>/dev/null || echo 0; }

for m in empty junk silent status; do
	before=$(accepts "$m")
	got=$(get "/$m/x" 3)
	check "retry-on for '$m': 3 GETs served by the good server ($got)" \
		test "$got" = "good200 good200 good200"
	check "... after trying the bad server each time ($(( $(accepts "$m") - before )) tries)" \
		test $(( $(accepts "$m") - before )) -eq 3
done
wait_log "fe empty/good .* 200 .* [0-9]+/[0-9]+/[0-9]+/[0-9]+/\+1 " 2
check "a retried request is logged with its redispatched retry (+1)" \
	grep -Eq "fe empty/good [^ ]+ 200 .* [0-9]+/[0-9]+/[0-9]+/[0-9]+/\+1 " "$T_TMP/weir.log"

# (round robin: the first request goes to the bad server, the next to
# the good one, which shows the bad one was not retried)
declare -A WANT=([empty]=502 [junk]=502 [silent]=504 [status]=503)
for m in empty junk silent status; do
	got=$(get "/${m}_off/x" 2)
	check "without retry-on for '$m' the client sees ${WANT[$m]} ($got)" \
		test "$got" = "${WANT[$m]} good200"
done

before=$(accepts junk)
got=$(curl -s -o /dev/null -m 5 -w '%{http_code}' -d 'a=1' "http://127.0.0.1:$FE/post/x")
check "a POST is not replayed: 502 ($got)" test "$got" = 502
check "... and reached the bad server once ($(( $(accepts junk) - before )))" \
	test $(( $(accepts junk) - before )) -eq 1

got=$(get /dead/x 2)
check "the default retry-on (conn-failure) redispatches a refused connect ($got)" \
	test "$got" = "good200 good200"
got=$(get /dead_none/x 2)
check "retry-on none does not retry it: 503 ($got)" test "$got" = "503 good200"
d_done
