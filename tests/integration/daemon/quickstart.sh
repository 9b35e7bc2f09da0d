#!/usr/bin/env bash
# `./contrib/quickstart run` runs `weir -W -f conf/quickstart.cfg` from the
# top of the tree: this starts the same command on the same file (from a
# scratch copy of the tree's layout) and checks the daemon comes up with
# its four listeners and its stats socket in build/. Skipped when one of
# the quick start's fixed ports is taken on this machine.
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
check "weir stops on SIGTERM" stop_weir
d_done
