#!/usr/bin/env bash
# Bytes arrive intact both ways: 16 MiB through the proxy to an echoing
# backend and back, byte for byte, with the bulk moved by splice() (seen
# with strace on the worker); half-close: a client that shuts its side
# still gets the whole reply.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup

FE=$(free_port); E=$(free_port)
start_testsrv e "$E" --mode echo
cat >"$T_TMP/weir.cfg" <<CFG
global
    nbthread 1
defaults
    mode tcp
    timeout connect 2s
    timeout client 20s
    timeout server 20s
listen bulk
    bind 127.0.0.1:$FE
    server e 127.0.0.1:$E
CFG
check "weir starts" start_weir "$T_TMP/weir.cfg"
worker=$(sed -n 's/.*New worker (\([0-9]*\)) forked.*/\1/p' "$T_TMP/weir.log" | head -1)

head -c $((16 * 1024 * 1024)) /dev/urandom >"$T_TMP/in.bin"
tracing=0
if command -v strace >/dev/null; then
	strace -f -e trace=splice -c -o "$T_TMP/strace.txt" -p "$worker" 2>/dev/null &
	st=$!; tracing=1; sleep 0.5
fi
python3 - "$FE" "$T_TMP/in.bin" "$T_TMP/out.bin" <<'PY'
import socket, sys, threading
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
data = open(sys.argv[2], "rb").read()
out = bytearray()
def rd():
    while len(out) < len(data):
        b = s.recv(1 << 16)
        if not b:
            break
        out.extend(b)
t = threading.Thread(target=rd); t.start()
s.sendall(data)
t.join(30)
open(sys.argv[3], "wb").write(out)
PY
check "16 MiB came back" test "$(stat -c %s "$T_TMP/out.bin")" -eq $((16 * 1024 * 1024))
check "byte for byte" cmp -s "$T_TMP/in.bin" "$T_TMP/out.bin"
if [ $tracing = 1 ]; then
	kill -INT "$st" 2>/dev/null; wait "$st" 2>/dev/null
	calls=$(awk '$NF == "splice" {print $4}' "$T_TMP/strace.txt")
	echo "# splice calls in the worker: ${calls:-0}"
	check "the bulk was spliced (splice calls: ${calls:-0})" test "${calls:-0}" -gt 10
fi

# half-close: the client sends, shuts its write side, and reads to the end
got=$(python3 - "$FE" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.sendall(b"x" * 100000)
s.shutdown(socket.SHUT_WR)
n = 0
while True:
    b = s.recv(65536)
    if not b:
        break
    n += len(b)
print(n)
PY
)
check "half-close: all 100000 bytes echoed after the client shut its side (got $got)" test "$got" = 100000
check "weir stops on SIGTERM" stop_weir
d_done
