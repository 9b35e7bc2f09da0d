#!/usr/bin/env bash
# Slow clients cannot hold the proxy: 500 connections that send their
# request head one byte a second (slowloris) do not stop a normal client
# from being served at once, never reach the backend, and are closed at
# `timeout http-request` (3 s here; with 408, or silently), well before
# `timeout client` (30 s) would.
#
# PROXY=haproxy runs the same assertions against HAProxy 2.6.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v curl >/dev/null || skip_all "curl not installed"
command -v socat >/dev/null || skip_all "socat not installed"
PROXY=${PROXY:-weir}


N=500 TMO=3 SLACK=2.5
FE=$(free_port); BE=$(free_port); BECTL=$(free_port)
check "backend starts" start_testsrv web "$BE" --mode http --ctl "127.0.0.1:$BECTL"
cat >"$T_TMP/proxy.cfg" <<CFG
global
    maxconn 4000
    nbthread 1
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout http-request ${TMO}s
frontend fe
    bind 127.0.0.1:$FE
    default_backend be
backend be
    server s1 127.0.0.1:$BE
CFG
check "$PROXY starts" start_proxy "$T_TMP/proxy.cfg" "$FE"
echo RESET | socat -T2 - "TCP:127.0.0.1:$BECTL" >/dev/null

python3 "$WEIR_SRCDIR/tests/tools/slowloris.py" "$FE" --conns $N --cap 20 \
	--ready "$T_TMP/ready" >"$T_TMP/slow.json" 2>"$T_TMP/slow.err" &
slow=$!
n=200
while [ ! -s "$T_TMP/ready" ] && [ $n -gt 0 ] && kill -0 $slow 2>/dev/null; do sleep 0.05; n=$((n - 1)); done
check "$N slow connections are open" test "$(cat "$T_TMP/ready" 2>/dev/null)" = $N
sleep 1    # every slow connection has sent a byte more

# a normal client, five times while they drip: each served well before
# the slow ones could be timed out (bound: 1.5 s, against a 3 s timeout)
worst=0 served=0
for i in 1 2 3 4 5; do
	out=$(curl -s -o /dev/null -m 5 -w '%{http_code} %{time_total}' "http://127.0.0.1:$FE/normal$i")
	[ "${out%% *}" = 200 ] && served=$((served + 1))
	worst=$(python3 -c "print(max($worst, ${out#* }))")
done
check "a normal client is served 5 times of 5 among them" test $served = 5
check "each within 1.5 s (slowest ${worst} s)" between "$worst" 0 1.5
# (weir may carry the five over one pooled server connection: HAProxy's
# safe reuse opens one per client connection, so accepted is 1 to 5)
got=$(echo REQUESTS | socat -T2 - "TCP:127.0.0.1:$BECTL" | sed -n 2p)
check "the normal requests reached the backend, the slow ones never did ($got)" \
	grep -Eq '^requests=5 accepted=[1-5] rejected=0$' <<<"$got"

wait $slow
res=$(cat "$T_TMP/slow.json")
echo "# slowloris: $res"
closed=$(json closed <<<"$res"); first=$(json first_close <<<"$res"); last=$(json last_close <<<"$res")
check "all $N slow connections are closed ($closed)" test "$closed" = $N
check "none before timeout http-request (first after $first s)" between "$first" $((TMO - 1)).5 99
check "all by timeout http-request + ${SLACK} s (last after $last s)" between "$last" 0 "$TMO + $SLACK"
a408=$(json statuses.408 <<<"$res"); none=$(json statuses.- <<<"$res")
check "each closed with a 408 or silently ($a408 x 408, $none silent)" test $((a408 + none)) = $N
check "the proxy still serves after them" \
	test "$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$FE/after")" = 200
d_done
