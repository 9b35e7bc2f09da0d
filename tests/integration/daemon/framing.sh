#!/usr/bin/env bash
# HTTP/1.1 message framing through the proxy (RFC 9112 section 6), byte
# for byte: Content-Length bodies from 0 bytes to 1 MB, chunked with a
# trailer, close-delimited, HEAD, 204 and 304 (no body, and the
# connection stays usable after each), request bodies with a length,
# chunked and after "100 Continue". Bodies are streamed: the first part
# of a response the server pauses in reaches the client long before the
# rest, also when it exactly fills weir's 16 KiB buffer (the bytes weir
# sends with MSG_MORE must leave once the server has nothing more).
#
# PROXY=haproxy runs the same assertions against HAProxy 2.6.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
PROXY=${PROXY:-weir}

FE=$(free_port); B=$(free_port)
python3 "$WEIR_SRCDIR/tests/tools/framesrv.py" "127.0.0.1:$B" >"$T_TMP/framesrv.log" 2>&1 &
t_pids="$t_pids $!"
check "the framing backend starts" wait_port "$B"
cat >"$T_TMP/proxy.cfg" <<CFG
global
    nbthread 1
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend fe
    bind 127.0.0.1:$FE
    default_backend be
backend be
    server s1 127.0.0.1:$B
CFG
if [ "$PROXY" = haproxy ]; then
	"${HAPROXY_BIN:-/usr/sbin/haproxy}" -db -f "$T_TMP/proxy.cfg" >"$T_TMP/weir.log" 2>&1 &
	t_pids="$t_pids $!"
	check "haproxy starts" wait_port "$FE"
else
	check "weir starts" start_weir "$T_TMP/proxy.cfg"
fi

r=$(timeout 60 python3 "$WEIR_SRCDIR/tests/tools/framecli.py" 127.0.0.1 "$FE" 2>"$T_TMP/cli.err")
echo "# $r"; sed 's/^/# /' "$T_TMP/cli.err"
is() { test "$(json "$1" <<<"$r")" = "$2"; }
for n in 0 1 16384 16385 1000000; do
	check "Content-Length $n: the body, byte for byte" is cl$n True
done
check "chunked: the body of four chunks, byte for byte" is chunked True
check "chunked: the trailer reaches the client" is chunked_trailer done
check "chunked: the connection frames the next response" is chunked_usable True
check "HEAD: Content-Length kept, no body" is head True
check "HEAD: the connection frames the next response" is head_usable True
check "204: passed on, no body" is s204 204
check "204: the connection frames the next response" is s204_usable True
check "304: passed on, no body" is s304 304
check "304: the connection frames the next response" is s304_usable True
check "a paused body arrives whole" is slow True
ms=$(json slow_first_ms <<<"$r")
check "streamed: its first 1000 bytes arrive before the 1 s pause ends (${ms} ms)" \
	awk -v m="$ms" 'BEGIN { exit !(m > 0 && m < 500) }'
check "a paused body that fills the 16 KiB buffer exactly arrives whole" is split True
ms=$(json split_first_ms <<<"$r")
check "its first 16 KiB arrive at once, not after the pause or a 200 ms cork (${ms} ms)" \
	awk -v m="$ms" 'BEGIN { exit !(m > 0 && m < 150) }'
check "POST with Content-Length: 300000 bytes reach the server intact" is post_cl True
check "POST chunked: 300000 bytes reach the server intact" is post_chunked True
check "Expect: 100-continue: the client gets 100 before sending" is continue 100
check "... then the body reaches the server intact" is post_continue True
check "after the request bodies the connection frames the next response" is post_usable True
check "close-delimited: 50000 bytes, ended by the close" is close True
[ "$PROXY" = weir ] && check "no sanitizer report from weir's processes" \
	bash -c '! grep -q "ERROR: AddressSanitizer\|runtime error:" "$1"' _ "$T_TMP/weir.log"
done_testing
