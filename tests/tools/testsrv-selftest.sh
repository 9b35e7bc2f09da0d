#!/usr/bin/env bash
# Promise: weir-testsrv, the backend every integration test stands on,
# does what the tests rely on: banner, echo, close and http modes, X-Status,
# keep-alive and Connection: close, bodies (length and chunked), --hold-ms
# timing, the control port's counts and RESET, IPv6 loopback, the --log
# lines, the pidfile as the ready signal, and a clean exit on SIGTERM.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/tools/testsrv-lib.sh"
command -v socat >/dev/null || skip_all "socat not installed"
command -v curl >/dev/null || skip_all "curl not installed"
[ -x "$TS_BIN" ] || skip_all "no $TS_BIN (run make check)"
t_tmpdir
trap 'ts_stop_all; rm -rf "$T_TMP"' EXIT
cd "$T_TMP" || exit 1
L=127.0.0.1
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# banner, with a control port and a log
p=$(ts_port); c=$(ts_port)
check "banner server starts" ts_start b.pid --listen $L:$p --name s1 --ctl $L:$c --log b.log
out=$(echo hello | socat -t1 - TCP:$L:$p)
check "banner: NAME then the echo" test "$out" = "$(printf 's1\nhello')"
check "ctl: one accepted, none open" test "$(ts_counts $c)" = "cur=0 max=1 total=1"
check "log: one accept line with the peer" grep -Eq '^accept 127\.0\.0\.1:[0-9]+$' b.log
check "ctl connections are not counted" test "$(ts_count $c total)" = 1
check "RESET answers OK" test "$(ts_reset $c)" = OK
check "RESET clears max and total" test "$(ts_counts $c)" = "cur=0 max=0 total=0"
check "the pidfile holds the pid" kill -0 "$(cat b.pid)"
ts_stop b.pid; check "SIGTERM: exits and removes the pidfile" test ! -e b.pid

# echo and close
p=$(ts_port)
check "echo server starts" ts_start e.pid --listen $L:$p --name s2 --mode echo
check "echo: only the echo" test "$(echo ping | socat -t1 - TCP:$L:$p)" = ping
p=$(ts_port)
check "close server starts" ts_start x.pid --listen $L:$p --name s3 --mode close
t0=$(now_ms); out=$(socat -u -T3 TCP:$L:$p -); t1=$(now_ms)
check "close: NAME" test "$out" = s3
check "close: closed at once" test $((t1 - t0)) -lt 1000

# --hold-ms: concurrent connections are counted while held, then closed
p=$(ts_port); c=$(ts_port)
check "hold server starts" ts_start h.pid --listen $L:$p --name s4 --hold-ms 700 --ctl $L:$c
held=""
for i in 1 2 3; do socat -u -T5 TCP:$L:$p - >hold$i.out & held="$held $!"; done
sleep 0.3
check "hold: three open at once" test "$(ts_counts $c)" = "cur=3 max=3 total=3"
t0=$(now_ms); out=$(socat -u -T5 TCP:$L:$p -); t1=$(now_ms)
check "hold: banner, then closed by the server" test "$out" = s4
check "hold: after about 700 ms" test $((t1 - t0)) -ge 600 -a $((t1 - t0)) -lt 2000
wait $held
check "hold: all closed after the hold" test "$(ts_count $c cur)" = 0
check "hold: max stays 4" test "$(ts_count $c max)" = 4

# http
p=$(ts_port); c=$(ts_port)
check "http server starts" ts_start w.pid --listen $L:$p --name web1 --mode http --ctl $L:$c --log w.log
check "http: body is NAME" test "$(curl -s http://$L:$p/)" = web1
check "http: 200" test "$(curl -s -o /dev/null -w '%{http_code}' http://$L:$p/)" = 200
check "http: X-Status forces the status" \
	test "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Status: 503' http://$L:$p/)" = 503
ts_reset $c >/dev/null
curl -s -o /dev/null -o /dev/null http://$L:$p/a http://$L:$p/b
check "http: keep-alive serves two requests on one connection" test "$(ts_count $c total)" = 1
ts_reset $c >/dev/null
curl -s -o /dev/null -o /dev/null -H 'Connection: close' http://$L:$p/a http://$L:$p/b
check "http: Connection: close closes" test "$(ts_count $c total)" = 2
out=$(printf 'GET /ten HTTP/1.0\r\nHost: x\r\n\r\n' | socat -t2 - TCP:$L:$p)
check "http: HTTP/1.0 closes after the response" grep -q 'Connection: close' <<<"$out"
check "http: Content-Length" grep -q 'Content-Length: 5' <<<"$out"
ts_reset $c >/dev/null
check "http: a Content-Length body, then keep-alive" \
	test "$(curl -s -d 'a=1&b=2' http://$L:$p/p http://$L:$p/q)" = "$(printf 'web1\nweb1')"
check "http: a chunked body" \
	test "$(curl -s -H 'Transfer-Encoding: chunked' -d 'xyz' http://$L:$p/c)" = web1
check "http: the log has the request and its headers" \
	grep -q '^req GET /a Host: 127.0.0.1:'"$p"' | User-Agent: curl/.* | Accept: \*/\*' w.log
t0=$(now_ms); curl -s -o /dev/null -H 'X-Delay-Ms: 400' http://$L:$p/; t1=$(now_ms)
check "http: X-Delay-Ms delays the response" test $((t1 - t0)) -ge 350
ts_stop w.pid

# IPv6 loopback, two listeners
if socat -h >/dev/null 2>&1 && ip -6 addr show lo 2>/dev/null | grep -q '::1'; then
	p=$(ts_port); q=$(ts_port); c=$(ts_port)
	check "two listeners, one IPv6" ts_start v.pid --listen "[::1]:$p" --listen $L:$q --name v6 --ctl "[::1]:$c"
	check "IPv6: banner" test "$(socat -u -T1 "TCP6:[::1]:$p" - </dev/null | head -1)" = v6
	check "IPv4 listener beside it" test "$(socat -u -T1 TCP:$L:$q - | head -1)" = v6
	check "IPv6 ctl counts both" test "$(socat -T2 - "TCP6:[::1]:$c" </dev/null)" = "cur=0 max=1 total=2"
	ts_stop v.pid
else
	ok "# SKIP no IPv6 loopback"
fi

"$TS_BIN" --listen $L:1 --name z --mode nope >/dev/null 2>&1
check "a bad mode exits 1" test $? -eq 1
"$TS_BIN" --name z >/dev/null 2>&1
check "no --listen exits 1" test $? -eq 1
done_testing
