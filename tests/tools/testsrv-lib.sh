# Helpers for driving weir-testsrv from an integration test (sourced, after
# tests/integration/lib.sh). Every server a test starts is stopped by
# ts_stop_all, which t_tmpdir's EXIT trap does not know about: call it from
# your own trap, or let ts_start install one.
TS_BIN=${TS_BIN:-${WEIR_BUILDDIR:-.}/tests/tools/weir-testsrv}
TS_PIDS=""

# ts_port: a free loopback TCP port, random (so tests of two builds running
# at once rarely collide) and below the kernel's ephemeral range, where
# outgoing connections of other tests would otherwise take it from us.
ts_port() {
	local lo=32768 p i
	read -r lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null
	[ "$lo" -gt 12000 ] || lo=32768
	for i in $(seq 1 50); do
		p=$((10000 + RANDOM % (lo - 10000)))
		if command -v ss >/dev/null 2>&1; then
			ss -Htan "sport = :$p" 2>/dev/null | grep -q . && continue
		fi
		echo "$p"; return 0
	done
	return 1
}

# ts_start PIDFILE ARGS...: start a server, wait until it is ready (the
# pidfile appears once every listener is bound). Fails if it died instead.
ts_start() {
	local pidfile=$1 i; shift
	rm -f "$pidfile"
	"$TS_BIN" --pidfile "$pidfile" "$@" &
	TS_PIDS="$TS_PIDS $!"
	for i in $(seq 1 100); do
		[ -s "$pidfile" ] && return 0
		kill -0 $! 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# ts_stop PIDFILE: SIGTERM, then wait for it (it removes its pidfile).
ts_stop() {
	local pid
	pid=$(cat "$1" 2>/dev/null) || return 1
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

ts_stop_all() {
	local p
	for p in $TS_PIDS; do kill -TERM "$p" 2>/dev/null; done
	for p in $TS_PIDS; do wait "$p" 2>/dev/null; done
	TS_PIDS=""
}

# ts_counts CTLPORT: prints "cur=N max=M total=T"
ts_counts() { socat -T2 - "TCP:127.0.0.1:$1" </dev/null; }
# ts_count CTLPORT cur|max|total: prints one number
ts_count() { ts_counts "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# ts_reset CTLPORT: forget max, total and the request counts; prints OK
ts_reset() { echo RESET | socat -T2 - "TCP:127.0.0.1:$1" | sed -n 2p; }
# ts_requests CTLPORT: prints "requests=R accepted=T rejected=B" (http mode:
# request heads parsed, connections accepted, heads refused by the server)
ts_requests() { echo REQUESTS | socat -T2 - "TCP:127.0.0.1:$1" | sed -n 2p; }
# ts_request_count CTLPORT requests|accepted|rejected: prints one number
ts_request_count() { ts_requests "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# ts_record_conns FILE: how many connections the --record FILE has seen
ts_record_conns() { grep -c '^### conn [0-9]* ' "$1" 2>/dev/null || true; }
