#!/usr/bin/env bash
# `./contrib/quickstart run` runs `weir -W -f conf/quickstart.cfg` from the
# top of the tree: this starts the same command on the same file (from a
# scratch copy of the tree's layout) and checks the daemon comes up with
# its four listeners and its stats socket in build/, then what a user sees
# over HTTP: balancing over the two demo backends, the routing examples,
# the stats page and the log. Skipped when one of the quick start's fixed
# ports is taken on this machine.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v socat >/dev/null || skip_all "socat missing"
for p in 8080 8081 8082 8404; do
	python3 -c "import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1',$p))" 2>/dev/null ||
		skip_all "port $p is in use here"
done
mkdir -p "$T_TMP/top/build" "$T_TMP/top/conf"
cp "$WEIR_SRCDIR/conf/quickstart.cfg" "$T_TMP/top/conf/"
cd "$T_TMP/top" || exit 1
: >"$T_TMP/weir.log"
"$WEIR_BIN" -W -f conf/quickstart.cfg >>"$T_TMP/weir.log" 2>&1 &
WEIR_PID=$!; t_pids="$t_pids $WEIR_PID"
check "the quick start configuration starts the daemon" wait_log "Loading success." 15
for p in 8080 8081 8082 8404; do
	check "127.0.0.1:$p accepts connections" wait_port "$p" 127.0.0.1 3
done
check "the stats socket is in build/ and answers show info" \
	grep -q '^Name: weir' <<<"$(stats_cmd build/weir-admin.sock 'show info')"
check "show stat lists the app backend's two demo servers" \
	test "$(stats_cmd build/weir-admin.sock 'show stat' | grep -c '^app,demo[12],')" -eq 2
# what a user of the quick start sees over HTTP
body() { curl -s -m 5 "http://127.0.0.1:$1"; }
n=50; while [ $n -gt 0 ] && [ "$(stats_cmd build/weir-admin.sock 'show stat' | grep -c '^app,demo[12],.*,UP,')" -lt 2 ]; do sleep 0.2; n=$((n - 1)); done
check "both demo servers are UP by their HTTP check" \
	test "$(stats_cmd build/weir-admin.sock 'show stat' | grep -c '^app,demo[12],.*,UP,')" -eq 2
got=$(for i in $(seq 1 10); do body 8080/; done | sort | uniq -c | awk '{print $1 "x" $4}' | tr '\n' ' ')
check "10 requests to :8080 are balanced 5/5 over demo1 and demo2 ($got)" test "$got" = "5xdemo1 5xdemo2 "
check "/health is answered by the frontend itself" test "$(body 8080/health)" = ok
check "/api/ goes to the api backend's servers" grep -Eq '^hello from demo[12]$' <<<"$(body 8080/api/users)"
code=$(curl -s -o "$T_TMP/stats.html" -m 5 -w '%{http_code}' http://127.0.0.1:8404/stats)
check "the stats page answers 200 ($code)" test "$code" = 200
check "... and shows the app backend" grep -q 'app' "$T_TMP/stats.html"
check "... and its CSV form lists demo1" grep -q '^app,demo1,' <<<"$(body '8404/stats;csv')"
check "requests are logged in HAProxy's httplog format" \
	grep -Eq 'www app/demo[12] [0-9]+/[0-9]+/[0-9]+/[0-9]+/[0-9]+ 200 .* "GET / HTTP/1.1"' "$T_TMP/weir.log"
check "weir stops on SIGTERM" stop_weir
d_done
