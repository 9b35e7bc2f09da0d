#!/usr/bin/env bash
# Server connections are pooled and reused: with `http-reuse safe`, 10,000
# requests over 50 keep-alive client connections, balanced roundrobin over
# 2 servers by one worker (each request on its own, so every client
# connection is served by both), are all served, keep every client
# connection alive, and open at most workers x servers x 50 = 100 server connections,
# in practice far fewer: the test backends count what they accepted and
# the test prints the number.
#
# PROXY=haproxy runs the same assertions against HAProxy 2.6.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v socat >/dev/null || skip_all "socat not installed"
PROXY=${PROXY:-weir}

# ctl PORT COMMAND: one command on a test backend's control port (2nd line)
ctl() { echo "$2" | socat -T2 - "TCP:127.0.0.1:$1" | sed -n 2p; }
# field KEY <<< "k1=v1 k2=v2"
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }

CONNS=50 REQS=10000 WORKERS=1 SERVERS=2
FE=$(free_port); A=$(free_port); ACTL=$(free_port); B=$(free_port); BCTL=$(free_port)
check "backend s1 starts" start_testsrv s1 "$A" --mode http --ctl "127.0.0.1:$ACTL"
check "backend s2 starts" start_testsrv s2 "$B" --mode http --ctl "127.0.0.1:$BCTL"
cat >"$T_TMP/proxy.cfg" <<CFG
global
    nbthread $WORKERS
    maxconn 2000
defaults
    mode http
    timeout connect 2s
    timeout client 20s
    timeout server 20s
    http-reuse safe
frontend fe
    bind 127.0.0.1:$FE
    default_backend be
backend be
    balance roundrobin
    server s1 127.0.0.1:$A
    server s2 127.0.0.1:$B
CFG
check "$PROXY starts" start_proxy "$T_TMP/proxy.cfg" "$FE"
ctl $ACTL RESET >/dev/null; ctl $BCTL RESET >/dev/null

res=$(python3 "$WEIR_SRCDIR/tests/tools/httpload.py" "$FE" --conns $CONNS --requests $REQS)
echo "# client: $res"
check "$REQS of $REQS requests answered 200" test "$(json ok <<<"$res")" = $REQS
check "over $CONNS client connections, all kept alive" test "$(json client_conns <<<"$res")" = $CONNS
check "each request balanced on its own: every client connection saw both servers" \
	test "$(json mixed <<<"$res")" = $CONNS
ra=$(ctl $ACTL REQUESTS); rb=$(ctl $BCTL REQUESTS)
echo "# s1: $ra; s2: $rb"
na=$(field requests <<<"$ra"); nb=$(field requests <<<"$rb")
check "the backends parsed $REQS requests ($na + $nb)" test $((na + nb)) = $REQS
check "roundrobin: each server served about half ($na / $nb)" test "$na" -ge 4500 -a "$nb" -ge 4500
check "the client saw the same split" \
	test "$(json by_body.s1 <<<"$res")/$(json by_body.s2 <<<"$res")" = "$na/$nb"
ca=$(field accepted <<<"$ra"); cb=$(field accepted <<<"$rb")
conns=$((ca + cb)) bound=$((WORKERS * SERVERS * CONNS))
echo "# server connections: $conns ($ca to s1, $cb to s2) for $REQS requests; bound $bound"
check "at most workers x servers x $CONNS = $bound server connections ($conns)" test "$conns" -le "$bound"
check "each server connection carried many requests ($((REQS / (conns > 0 ? conns : 1))) on average, at least 50)" \
	test "$conns" -gt 0 -a $((REQS / (conns > 0 ? conns : 1))) -ge 50
d_done
