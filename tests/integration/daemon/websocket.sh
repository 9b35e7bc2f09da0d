#!/usr/bin/env bash
# A WebSocket conversation goes through the proxy with a real client and a
# real server (Debian's python3-websockets): the upgrade is answered 101
# with the right Sec-WebSocket-Accept, messages are echoed byte for byte
# both ways (text, binary, 256 KiB, server-initiated), and once upgraded
# the connection is a tunnel under `timeout tunnel` (2 s): it outlives
# `timeout client` and `timeout server` (1 s) while idle, and an idle
# tunnel is closed after about 2 s.
#
# PROXY=haproxy runs the same assertions against HAProxy 2.6.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
PROXY=${PROXY:-weir}
# python3-websockets is Debian's: it lives under /usr/bin/python3
WS_PYTHON=${WS_PYTHON:-/usr/bin/python3}
"$WS_PYTHON" -c 'import websockets' 2>/dev/null ||
	skip_all "python3-websockets not installed (apt-get install python3-websockets)"
WS="$WS_PYTHON $WEIR_SRCDIR/tests/tools/wstest.py"


FE=$(free_port); WSP=$(free_port)
$WS server "$WSP" >>"$T_TMP/wsserver.log" 2>&1 &
t_pids="$t_pids $!"
check "the websockets echo server starts" wait_port "$WSP"
cat >"$T_TMP/proxy.cfg" <<CFG
global
    nbthread 1
defaults
    mode http
    timeout connect 2s
    timeout client 1s
    timeout server 1s
    timeout tunnel 2s
    timeout http-request 5s
frontend fe
    bind 127.0.0.1:$FE
    default_backend ws
backend ws
    server w 127.0.0.1:$WSP
CFG
check "$PROXY starts" start_proxy "$T_TMP/proxy.cfg" "$FE"

out=$($WS handshake "$FE")
check "the upgrade is answered 101 ($out)" grep -q '^HTTP/1.1 101 ' <<<"$out"
check "with the server's Sec-WebSocket-Accept" grep -q ' accept-ok$' <<<"$out"

# idle 1.5 s: past timeout client/server (1 s), short of timeout tunnel (2 s)
res=$($WS client "$FE" 1.5 2>>"$T_TMP/wsclient.log")
echo "# client: $res"
check "the server saw the upgrade request" test "$(json welcome <<<"$res")" = "hello /chat upgrade=websocket"
check "5 of 5 messages echoed (text, binary, UTF-8)" test "$(json echoed <<<"$res")/$(json sent <<<"$res")" = 5/5
check "a 256 KiB message echoed byte for byte" test "$(json big <<<"$res")" = True
check "3 of 3 server-initiated messages received" test "$(json pushed <<<"$res")" = 3
check "1.5 s idle (past timeout client and server): still open, echoed" test "$(json after_idle <<<"$res")" = True
idle=$(json idle_close <<<"$res")
check "an idle tunnel is closed at timeout tunnel (after $idle s; 2 s, bound 1.8-3.5)" between "$idle" 1.8 3.5
check "the proxy still serves an upgrade after it" grep -q '^HTTP/1.1 101 ' <<<"$($WS handshake "$FE")"
d_done
