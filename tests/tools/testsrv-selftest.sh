#!/usr/bin/env bash
# Promise: weir-testsrv, the backend every integration test stands on,
# does what the tests rely on: banner, echo, close and http modes, X-Status,
# X-Chunked and X-Trailer, keep-alive and Connection: close, bodies (length and chunked), --hold-ms
# timing, the control port's counts, RESET and REQUESTS, IPv6 loopback, the
# --log lines, the http paths /echo, /status/NNN and /close and --echo,
# --record (every byte as received, by connection), the pidfile as the
# ready signal, and a clean exit on SIGTERM.
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
check "http: X-Chunked and X-Trailer: those chunks, that trailer, framed" \
	test "$(curl -s --raw -H 'X-Chunked: 2,11' -H 'X-Trailer: X-T: v' http://$L:$p/ | od -An -c | tr -d ' \n')" = \
	'2\r\naa\r\nb\r\nbbbbbbbbbbb\r\n0\r\nX-T:v\r\n\r\n'
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

# http paths: /echo, /status/NNN, /close; REQUESTS
ts_reset $c >/dev/null
out=$(curl -s -H 'X-Forwarded-For: 192.0.2.7' -H 'x-MiXed:  two  spaces ' "http://$L:$p/echo?q=1")
check "echo: the request line first" test "$(head -1 <<<"$out")" = "GET /echo?q=1 HTTP/1.1"
check "echo: a header as received (case, inner spaces)" grep -qx 'x-MiXed:  two  spaces ' <<<"$out"
check "echo: X-Forwarded-For listed" grep -qx 'X-Forwarded-For: 192.0.2.7' <<<"$out"
check "echo: no CR, no empty line" test "$(tr -d -c '\r' <<<"$out" | wc -c)$(grep -c '^$' <<<"$out")" = 00
check "echo: six lines (request line, Host, UA, Accept, two added)" test "$(wc -l <<<"$out")" = 6
out=$(printf 'POST http://other.example/echo/x HTTP/1.1\r\nHost: h\r\nX-Nul: a\0b\r\nContent-Length: 3\r\n\r\nabc' |
	socat -t2 - TCP:$L:$p | sed -n '/^\r$/,$p' | tail -n +2 | od -An -c | tr -s ' \n' ' ')
check "echo: absolute form, NUL kept, body not echoed" \
	test "$out" = " P O S T h t t p : / / o t h e r . e x a m p l e / e c h o / x H T T P / 1 . 1 \\n H o s t : h \\n X - N u l : a \\0 b \\n C o n t e n t - L e n g t h : 3 \\n "
check "echo: HEAD gets no body" test "$(curl -s -I -o /dev/null -w '%{size_download}' http://$L:$p/echo)" = 0
check "/status/404 answers 404" test "$(curl -s -o /dev/null -w '%{http_code}' http://$L:$p/status/404)" = 404
check "/status/503/deeper answers 503" test "$(curl -s -o /dev/null -w '%{http_code}' "http://$L:$p/status/503/x?y")" = 503
check "/status/204: no body, no length" \
	test "$(curl -s -i http://$L:$p/status/204 | grep -ci '^content-length')" = 0
check "X-Status wins over /status/NNN" \
	test "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Status: 418' http://$L:$p/status/500)" = 418
check "/status/5000 is not a status path" test "$(curl -s -o /dev/null -w '%{http_code}' http://$L:$p/status/5000)" = 200
ts_reset $c >/dev/null
out=$(curl -s -i http://$L:$p/close http://$L:$p/a)
check "/close: Connection: close" grep -q '^Connection: close' <<<"$out"
check "/close: the next request needs a new connection" test "$(ts_count $c total)" = 2
printf 'BROKEN\r\n\r\n' | socat -t1 - TCP:$L:$p >bad.out
check "a head without a version is refused with 400" grep -q '^HTTP/1.1 400 ' bad.out
check "REQUESTS: parsed, accepted, refused" test "$(ts_requests $c)" = "requests=2 accepted=3 rejected=1"
check "REQUESTS: one number" test "$(ts_request_count $c requests)" = 2
check "RESET clears the request counts" test "$(ts_reset $c)$(ts_requests $c)" = "OKrequests=0 accepted=0 rejected=0"
check "an unknown command names REQUESTS" \
	grep -q "ERR unknown command 'NOPE' (try RESET or REQUESTS)" <<<"$(echo NOPE | socat -T2 - TCP:$L:$c)"
ts_stop w.pid

# --echo: every request echoed
p=$(ts_port)
check "http --echo server starts" ts_start we.pid --listen $L:$p --name web2 --mode http --echo
check "--echo: any path answers its head" \
	test "$(curl -s http://$L:$p/any/path | head -1)" = "GET /any/path HTTP/1.1"
ts_stop we.pid

# --record: every byte as received, one section per connection
p=$(ts_port); c=$(ts_port)
check "http --record server starts" ts_start r.pid --listen $L:$p --name rec --mode http --ctl $L:$c --record rec.txt
check "--record: the file exists before any connection" test -e rec.txt
check "--record: no connection yet" test "$(ts_record_conns rec.txt)" = 0
printf 'GET /one HTTP/1.1\r\nHost: a\r\n\r\n' | socat -t1 - TCP:$L:$p >/dev/null
python3 - "$L" "$p" <<'PY'
import socket, sys, time
a = socket.create_connection((sys.argv[1], int(sys.argv[2])))
b = socket.create_connection((sys.argv[1], int(sys.argv[2])))
a.sendall(b"GET /two HTTP/1.1\r\nX-A:"); time.sleep(0.2)
b.sendall(b"GET /three HTTP/1.1\r\nHost: b\r\n\r\n"); time.sleep(0.2)
a.sendall(b" 1\r\n\r\n"); time.sleep(0.2)
a.close(); b.close()
PY
sleep 0.2
check "--record: one separator with the peer per connection" test "$(ts_record_conns rec.txt)" = 3
check "--record: the first request byte for byte" \
	test "$(sed -n '2,4p' rec.txt | od -An -c | tr -s ' \n' ' ')" = " G E T / o n e H T T P / 1 . 1 \\r \\n H o s t : a \\r \\n \\r \\n "
check "--record: interleaved bytes go back under their connection's line" \
	test "$(grep -v '^### conn [0-9]* 127' rec.txt | tail -n +4 | tr -d '\r')" = "$(printf '### conn 2\nGET /two HTTP/1.1\nX-A:\n### conn 3\nGET /three HTTP/1.1\nHost: b\n\n### conn 2\n 1\n')"
check "--record: a separator after a partial line starts a new line" grep -qx 'X-A:' rec.txt
check "--record: the backend counted what it parsed" test "$(ts_request_count $c requests)" = 3
ts_stop r.pid
p=$(ts_port)
check "--record in echo mode" ts_start re.pid --listen $L:$p --name rececho --mode echo --record rec2.txt
echo ping | socat -t1 - TCP:$L:$p >/dev/null
check "--record: echo mode bytes too" test "$(sed -n 2p rec2.txt)" = ping
ts_stop re.pid

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
