#!/usr/bin/env bash
# HTTP health checks (`option httpchk` + `http-check`) against weir's test
# backend (weir-testsrv --mode http: 200 with body "NAME\n", header
# X-Served-By: NAME, the status a request's X-Status header asks for) and a
# small python3 server whose status the test sets through a file.
# - `option httpchk GET /health` + `http-check expect status 200`: UP/L7OK,
#   the backend saw GET /health; a 503 (X-Status) is DOWN/L7STS.
# - `expect string`, `rstring`, `hdr name ... value ...`: UP/L7OK when they
#   match; DOWN/L7RSP when the body does not, DOWN/L7STS when the header
#   does not (as HAProxy: a header mismatch is a "wrong status").
# - s000-09 in its corrected form (`http-check connect` before each send):
#   both requests sent (/healthz then /readyz, Host www.example.com), UP;
#   a 503 on the second request only: DOWN/L7STS.
# - A backend turning to 500: DOWN/L7STS (code 500) after fall checks, within
#   fall x inter + slack, through "UP n/3" (going down); back to 200: UP
#   after rise checks, within rise x inter + slack, through "DOWN n/2".
# PROXY_CMD='/usr/sbin/haproxy -db -f' runs it against HAProxy.
WEIR_SRCDIR=${WEIR_SRCDIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
. "$WEIR_SRCDIR/tests/integration/checks/servers-lib.sh"
c_setup
[ -x "$TESTSRV" ] || skip_all "no test backend at $TESTSRV"

A=$(free_port); PY=$(free_port)
check "weir-testsrv app1 starts on 127.0.0.1:$A" start_testsrv app1 "$A" --mode http --log "$T_TMP/app1.req"

# the python server: status from $T_TMP/status at each request, body "py\n"
echo 200 >"$T_TMP/status"
cat >"$T_TMP/statussrv.py" <<'PY'
import http.server, sys
port, status_file, log = int(sys.argv[1]), sys.argv[2], sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        try:
            code = int(open(status_file).read().strip() or 200)
        except (OSError, ValueError):
            code = 200
        body = b"py\n"
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
    do_HEAD = do_GET
    def log_message(self, fmt, *args):
        with open(log, "a") as f:
            f.write("%s %s\n" % (self.requestline, args[1] if len(args) > 1 else ""))
http.server.ThreadingHTTPServer.allow_reuse_address = True
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
PY
python3 "$T_TMP/statussrv.py" "$PY" "$T_TMP/status" "$T_TMP/py.req" >"$T_TMP/statussrv.log" 2>&1 &
s_track $! TERM
check "the python status server starts on 127.0.0.1:$PY" wait_port "$PY" 127.0.0.1 10

INTER=0.3 RISE=2 FALL=3 SLACK=1
cat >"$T_TMP/weir.cfg" <<CFG
global
    log stdout format raw local0
    stats socket $SOCK mode 600 level admin
defaults
    mode http
    log global
    timeout connect 1s
    timeout client 10s
    timeout server 10s
    timeout check 1s
backend h_status
    option httpchk GET /health
    http-check expect status 200
    server app1 127.0.0.1:$A check inter 300ms fall 2 rise 2
backend h_status_503
    option httpchk GET /health
    http-check send hdr X-Status 503
    http-check expect status 200
    server app1 127.0.0.1:$A check inter 300ms fall 2 rise 2
backend h_string
    option httpchk GET /health
    http-check expect string app1
    server app1 127.0.0.1:$A check inter 300ms fall 2 rise 2
backend h_string_bad
    option httpchk GET /health
    http-check expect string nope
    server app1 127.0.0.1:$A check inter 300ms fall 2 rise 2
backend h_rstring
    option httpchk GET /health
    http-check expect rstring ^app[0-9]+
    server app1 127.0.0.1:$A check inter 300ms fall 2 rise 2
backend h_rstring_bad
    option httpchk GET /health
    http-check expect rstring ^[0-9]+
    server app1 127.0.0.1:$A check inter 300ms fall 2 rise 2
backend h_hdr
    option httpchk GET /health
    http-check expect hdr name X-Served-By value app1
    server app1 127.0.0.1:$A check inter 300ms fall 2 rise 2
backend h_hdr_bad
    option httpchk GET /health
    http-check expect hdr name X-Served-By value other
    server app1 127.0.0.1:$A check inter 300ms fall 2 rise 2
# s000-09, corrected: each extra request needs its own connect
backend app_servers
    option httpchk
    http-check connect
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host www.example.com
    http-check expect status 200
    http-check connect
    http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host www.example.com
    http-check expect status 200
    server app1 127.0.0.1:$A check inter 300ms fall 2 rise 2
# the same, the second request answered 503
backend app_servers_bad
    option httpchk
    http-check connect
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host www.example.com
    http-check expect status 200
    http-check connect
    http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host www.example.com hdr X-Status 503
    http-check expect status 200
    server app1 127.0.0.1:$A check inter 300ms fall 2 rise 2
backend h_toggle
    option httpchk GET /health
    http-check expect status 200
    server py 127.0.0.1:$PY check inter 300ms fall 3 rise 2
frontend fe
    bind 127.0.0.1:$(free_port)
    default_backend h_status
CFG
start_proxy "$T_TMP/weir.cfg" || bail "the proxy starts ($PROXY_CMD)"
ok "the proxy starts"

# ---- matchers
check_state "expect status 200: UP/L7OK" h_status app1 UP/L7OK 2
echo "# $(desc h_status app1)"
check "... the backend saw 'GET /health'" grep -q '^req GET /health' "$T_TMP/app1.req"
check_state "expect status 200, the server answers 503: DOWN/L7STS" h_status_503 app1 DOWN/L7STS 2
echo "# $(desc h_status_503 app1)"
check "... check_code 503 (got $(stat h_status_503 app1 check_code))" test "$(stat h_status_503 app1 check_code)" = 503
check_state "expect string app1: UP/L7OK" h_string app1 UP/L7OK 2
check_state "expect string nope: DOWN/L7RSP" h_string_bad app1 DOWN/L7RSP 2
echo "# $(desc h_string_bad app1)"
check_state "expect rstring ^app[0-9]+: UP/L7OK" h_rstring app1 UP/L7OK 2
check_state "expect rstring ^[0-9]+: DOWN/L7RSP" h_rstring_bad app1 DOWN/L7RSP 2
echo "# $(desc h_rstring_bad app1)"
check_state "expect hdr name X-Served-By value app1: UP/L7OK" h_hdr app1 UP/L7OK 2
# (HAProxy counts a header that does not match as a wrong status: L7STS)
check_state "expect hdr name X-Served-By value other: DOWN/L7STS" h_hdr_bad app1 DOWN/L7STS 2
echo "# $(desc h_hdr_bad app1)"

# ---- the multi-step sequence
check_state "s000-09 corrected (/healthz then /readyz): UP/L7OK" app_servers app1 UP/L7OK 2
echo "# $(desc app_servers app1)"
check "... the backend saw GET /healthz with Host: www.example.com" \
	grep -qiE '^req GET /healthz .*Host: www\.example\.com' "$T_TMP/app1.req"
check "... and GET /readyz with Host: www.example.com" \
	grep -qiE '^req GET /readyz .*Host: www\.example\.com' "$T_TMP/app1.req"
grep -m 2 -E '^req GET /(healthz|readyz)' "$T_TMP/app1.req" | sed 's/^/# app1: /'
check_state "s000-09 corrected, /readyz answers 503: DOWN/L7STS" app_servers_bad app1 DOWN/L7STS 2
echo "# $(desc app_servers_bad app1)"
check "... the log says 'Server app_servers_bad/app1 is DOWN, reason: Layer7 wrong status, code: 503, info: \"Service Unavailable\"'" \
	grep -qF "Server app_servers_bad/app1 is DOWN, reason: Layer7 wrong status, code: 503, info: \"Service Unavailable\"" "$T_TMP/weir.log"
check "... the first step passed: the backend saw the second request (GET /readyz, X-Status: 503)" \
	grep -qiE '^req GET /readyz .*X-Status: 503' "$T_TMP/app1.req"

# ---- a backend turning to 500 and back
check_state "h_toggle/py UP/L7OK while it answers 200" h_toggle py UP/L7OK 2
down_max=$(awk -v f=$FALL -v i=$INTER -v s=$SLACK 'BEGIN { print f * i + s }')
down_min=$(awk -v f=$FALL -v i=$INTER 'BEGIN { print (f - 1) * i - 0.1 }')
up_max=$(awk -v r=$RISE -v i=$INTER -v s=$SLACK 'BEGIN { print r * i + s }')
up_min=$(awk -v r=$RISE -v i=$INTER 'BEGIN { print (r - 1) * i - 0.1 }')
# watch_until BE SRV PATTERN SECONDS: wait_state, also collecting in SEEN
# every state shown on the way
watch_until() {
	local t0
	t0=$(now); SEEN=""
	while :; do
		stat_refresh
		S_LAST="$(stat_col "$1" "$2" status)/$(stat_col "$1" "$2" check_status)"
		case "|$SEEN|" in *"|$S_LAST|"*) ;; *) SEEN="$SEEN${SEEN:+|}$S_LAST" ;; esac
		S_EL=$(since "$t0")
		# shellcheck disable=SC2053
		[[ $S_LAST == $3 ]] && return 0
		ge "$S_EL" "$4" && return 1
		sleep 0.05
	done
}
# reached STATE EL MIN: the wait ended in STATE and took at least MIN s
reached() { test "$S_LAST" = "$1" && ge "$2" "$3"; }
echo 500 >"$T_TMP/status"
watch_until h_toggle py DOWN/L7STS "$down_max"
check "the server answering 500 goes DOWN/L7STS (got $S_LAST)" test "$S_LAST" = DOWN/L7STS
check "... within fall x inter + slack ($down_max s), took ${S_EL}s" le "$S_EL" "$down_max"
check "... not before fall checks ($down_min s), took ${S_EL}s" reached DOWN/L7STS "$S_EL" "$down_min"
echo "# states on the way: $SEEN"
check "... through 'UP 2/3' and 'UP 1/3', going down" grep -q 'UP 2/3/L7STS.*UP 1/3/L7STS' <<<"$SEEN"
check "... check_code 500 (got $(stat h_toggle py check_code))" test "$(stat h_toggle py check_code)" = 500
check "the log says 'Server h_toggle/py is DOWN, reason: Layer7 wrong status, code: 500'" \
	wait_log "Server h_toggle/py is DOWN, reason: Layer7 wrong status, code: 500, info: \"Internal Server Error\"" 1
check "it stays DOWN while it answers 500" stays_state h_toggle py DOWN/L7STS 0.6
echo 200 >"$T_TMP/status"
watch_until h_toggle py UP/L7OK "$up_max"
check "back to 200, it comes UP/L7OK (got $S_LAST)" test "$S_LAST" = UP/L7OK
check "... within rise x inter + slack ($up_max s), took ${S_EL}s" le "$S_EL" "$up_max"
check "... not before rise checks ($up_min s), took ${S_EL}s" reached UP/L7OK "$S_EL" "$up_min"
echo "# states on the way: $SEEN"
check "... through 'DOWN 1/2', going up" grep -q 'DOWN 1/2/L7OK' <<<"$SEEN"
check "the log says 'Server h_toggle/py is UP, reason: Layer7 check passed, code: 200'" \
	wait_log "Server h_toggle/py is UP, reason: Layer7 check passed, code: 200" 1
check "the python server saw the checks' GET /health" grep -q '^GET /health HTTP/1\.[01] 500' "$T_TMP/py.req"

check "the proxy stops on SIGTERM" stop_weir
d_done
