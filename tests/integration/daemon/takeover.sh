#!/usr/bin/env bash
# The init-script style of restart, as HAProxy's packages do it: a new
# instance started with `-x <stats socket> -sf <old pid>` takes the old
# one's listening sockets over (`expose-fd listeners`), the old one drains
# and exits, and a client hammering the port meanwhile sees no refused and
# no failed connection. Without `expose-fd`, `-x` is refused with a reason.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v socat >/dev/null || skip_all "socat missing"

FE=$(free_port); A=$(free_port)
start_testsrv a "$A"
SOCK=$T_TMP/admin.sock
cat >"$T_TMP/weir.cfg" <<CFG
global
    nbthread 2
    stats socket $SOCK mode 600 level admin expose-fd listeners
defaults
    mode tcp
    timeout connect 2s
    timeout client 10s
    timeout server 10s
listen fe
    bind 127.0.0.1:$FE
    server a 127.0.0.1:$A
CFG
check "the first instance starts" start_weir "$T_TMP/weir.cfg"
first=$WEIR_PID
$TCPLOAD --target "127.0.0.1:$FE" --conns 10 --duration 4 --echo >"$T_TMP/load.json" &
load=$!
sleep 1
"$WEIR_BIN" -W -f "$T_TMP/weir.cfg" -x "$SOCK" -sf "$first" >"$T_TMP/second.log" 2>&1 &
second=$!
t_pids="$t_pids $second"
n=50; while [ $n -gt 0 ] && ! grep -q "Loading success." "$T_TMP/second.log"; do sleep 0.1; n=$((n - 1)); done
check "the second instance took the sockets over" grep -q "took 2 listening sockets over" "$T_TMP/second.log"
check "the second instance is ready" grep -q "Loading success." "$T_TMP/second.log"
n=50; while [ $n -gt 0 ] && kill -0 "$first" 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
check "the first instance exited after -sf" test "$(kill -0 "$first" 2>/dev/null && echo alive)" = ""
wait "$load"
out=$(cat "$T_TMP/load.json")
echo "# load across the takeover: $out"
check "connections served across the takeover" test "$(json ok <<<"$out")" -gt 100
check "zero refused" test "$(json refused <<<"$out")" -eq 0
check "zero failed" test "$(json failed <<<"$out")" -eq 0
check "the second instance serves" test "$($TCPLOAD --target "127.0.0.1:$FE" --total 10 | json ok)" -eq 10

# without expose-fd: a clear refusal, exit 1, nothing bound
sed 's/ expose-fd listeners//' "$T_TMP/weir.cfg" >"$T_TMP/plain.cfg"
cp "$T_TMP/plain.cfg" "$T_TMP/weir.cfg"
kill -USR2 "$second"
n=50; while [ $n -gt 0 ] && [ "$(grep -c 'Loading success.' "$T_TMP/second.log")" -lt 2 ]; do sleep 0.1; n=$((n - 1)); done
check "the second instance reloaded onto a socket without expose-fd" \
	test "$(grep -c 'Loading success.' "$T_TMP/second.log")" -eq 2
"$WEIR_BIN" -W -f "$T_TMP/plain.cfg" -x "$SOCK" >"$T_TMP/third.log" 2>&1
rc=$?
check "-x against a socket without expose-fd exits 1" test "$rc" -eq 1
check "... saying what to declare" grep -q "expose-fd listeners" "$T_TMP/third.log"
kill -TERM "$second"; sleep 0.5
cat "$T_TMP/second.log" >>"$T_TMP/weir.log"
d_done
