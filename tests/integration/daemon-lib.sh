# Helpers for tests that run the real daemon (sourced after lib.sh): start
# weir and weir's test backend on loopback, wait for them, stop them all on
# exit. Every address is 127.0.0.1 or ::1.
WEIR_BUILDDIR=${WEIR_BUILDDIR:-$(dirname "$WEIR_BIN")}
TESTSRV=${TESTSRV:-$WEIR_BUILDDIR/tests/tools/weir-testsrv}
TCPLOAD="python3 $WEIR_SRCDIR/tests/tools/tcpload.py"
t_pids=""

d_cleanup() {
	local p
	for p in $t_pids; do kill -TERM "$p" 2>/dev/null; done
	sleep 0.2
	for p in $t_pids; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$T_TMP"
}

d_setup() {
	[ -x "$TESTSRV" ] || skip_all "no test backend at $TESTSRV"
	command -v python3 >/dev/null || skip_all "python3 missing"
	T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/weir-test.XXXXXX")
	chmod 755 "$T_TMP"
	trap d_cleanup EXIT
}

# A free TCP port on 127.0.0.1, below the kernel's ephemeral range (32768+)
# so no client connection of a test running alongside can be holding it;
# each port is handed out once per test.
free_port() {
	python3 - "$T_TMP/ports" <<'PY'
import random, socket, sys
used = set(open(sys.argv[1]).read().split()) if __import__("os").path.exists(sys.argv[1]) else set()
while True:
    p = random.randint(10000, 32000)
    if str(p) in used:
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        s.close()
    open(sys.argv[1], "a").write("%d\n" % p)
    print(p)
    break
PY
}

# wait_port PORT [HOST] [SECONDS]: until something accepts there.
wait_port() {
	local port=$1 host=${2:-127.0.0.1} n=$(( ${3:-10} * 20 ))
	while [ $n -gt 0 ]; do
		python3 -c "import socket,sys; s=socket.create_connection(('$host',$port),0.2); s.close()" \
			2>/dev/null && return 0
		sleep 0.05; n=$((n - 1))
	done
	return 1
}

# start_testsrv NAME PORT [options...]: a backend on 127.0.0.1:PORT.
start_testsrv() {
	local name=$1 port=$2; shift 2
	"$TESTSRV" --listen "127.0.0.1:$port" --name "$name" "$@" \
		>>"$T_TMP/testsrv-$name.log" 2>&1 &
	t_pids="$t_pids $!"
	eval "SRV_PID_$name=$!"
	wait_port "$port"
}

# A test that also runs against HAProxy 2.6 sets PROXY=haproxy (default
# weir) and starts it with start_proxy.
# start_proxy CFG PORT: weir (start_weir), or HAProxy by hand with -db.
start_proxy() {
	if [ "${PROXY:-weir}" = haproxy ]; then
		: >"$T_TMP/weir.log"
		"${HAPROXY_BIN:-/usr/sbin/haproxy}" -db -f "$1" >>"$T_TMP/weir.log" 2>&1 &
		WEIR_PID=$!
		t_pids="$t_pids $WEIR_PID"
		wait_port "$2"
	else
		start_weir "$1"
	fi
}

# between X LO HI: LO <= X <= HI (floats)
between() { python3 -c "import sys; sys.exit(0 if $2 <= $1 <= $3 else 1)"; }

# log_reader NAME: a UNIX datagram socket $T_TMP/NAME.sock whose datagrams
# become the lines of $T_TMP/NAME.lines (one per datagram, as received).
log_reader() {
	python3 - "$T_TMP/$1.sock" "$T_TMP/$1.lines" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        d = s.recv(65536)
        out.write(d.rstrip(b"\n") + b"\n")
PY
	t_pids="$t_pids $!"
	local n=100
	while [ $n -gt 0 ] && [ ! -S "$T_TMP/$1.sock" ]; do sleep 0.05; n=$((n - 1)); done
	: >>"$T_TMP/$1.lines"
}

# start_agent PORT FILE: a test agent (agent-check) on 127.0.0.1:PORT that
# answers each connection with the current content of FILE and closes
# (sets AGENT_PID). With FILE "hello", it answers "up" to a check that sent
# it "hello" (agent-send), "down" to any other.
start_agent() {
	python3 - "$1" "$2" >>"$T_TMP/agent-$1.log" 2>&1 <<'PY' &
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
while True:
    c, _ = s.accept()
    try:
        if sys.argv[2] == "hello":
            c.settimeout(0.1)
            try:
                got = c.recv(100)
            except OSError:
                got = b""
            c.sendall(b"up\n" if b"hello" in got else b"down\n")
        else:
            c.sendall(open(sys.argv[2], "rb").read())
    except OSError:
        pass
    c.close()
PY
	AGENT_PID=$!
	t_pids="$t_pids $AGENT_PID"
	wait_port "$1"
}

# start_weir CFG [flags...]: `weir -W -f CFG` in the background, until it
# logs "Loading success." (sets WEIR_PID, log in $T_TMP/weir.log).
start_weir() {
	local cfg=$1; shift
	: >"$T_TMP/weir.log"
	"$WEIR_BIN" -W -f "$cfg" "$@" >>"$T_TMP/weir.log" 2>&1 &
	WEIR_PID=$!
	t_pids="$t_pids $WEIR_PID"
	wait_log "Loading success." 15
}

# wait_log TEXT [SECONDS] [COUNT]: until weir.log has TEXT (COUNT times).
wait_log() {
	local text=$1 n=$(( ${2:-10} * 20 )) want=${3:-1}
	while [ $n -gt 0 ]; do
		[ "$(grep -cF -- "$text" "$T_TMP/weir.log")" -ge "$want" ] && return 0
		sleep 0.05; n=$((n - 1))
	done
	return 1
}

stop_weir() {
	kill -TERM "$WEIR_PID" 2>/dev/null
	local n=100
	while kill -0 "$WEIR_PID" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
	! kill -0 "$WEIR_PID" 2>/dev/null
}

# The pids of weir's children of one role, from `ps`: master's direct children.
weir_children() {
	ps -o pid= --ppid "$WEIR_PID" | tr -d ' '
}

# json FIELD < json: a field of tcpload's output (dots for nesting).
json() {
	python3 -c "import json,sys; d=json.load(sys.stdin)
for k in '$1'.split('.'): d=d.get(k, 0) if isinstance(d, dict) else 0
print(d)"
}

# stats_cmd SOCKET COMMAND: one command on the stats socket.
stats_cmd() {
	echo "$2" | socat -t 5 stdio "unix-connect:$1"
}

# d_done: the last assertion of every daemon test, then the TAP summary.
# A sanitizer report from any weir process (they share weir.log) fails it.
d_done() {
	if grep -qE 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' "$T_TMP/weir.log"; then
		grep -E -A12 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' "$T_TMP/weir.log" |
			head -40 | sed 's/^/# /'
		not_ok "no sanitizer report from weir's processes"
	else
		ok "no sanitizer report from weir's processes"
	fi
	# a failure shows what the processes said, for the CI log
	if [ "$t_failed" -gt 0 ]; then
		local f
		for f in "$T_TMP"/*.log; do
			echo "# --- last lines of $(basename "$f")"
			tail -15 "$f" | sed 's/^/#   /'
		done
	fi
	done_testing
}
