#!/usr/bin/env bash
# Custom error pages as a client sees them: a frontend importing an
# `http-errors` section answers a deny (403), a backend with no server up
# (503), a server that answers garbage (502) and one too slow for
# `timeout server` (504) with the section's pages, byte for byte (status
# line, the file's headers with names in lower case, body); a backend's own
# errorfile beats the frontend's; deny/return `errorfiles <name>` send the
# named section's page; the files shipped in conf/errors load and are sent;
# a proxy without errorfiles gets the built-in page; `weir -c` accepts the
# configuration, rejects an unknown section at its file:line, and its dump
# reloads to the same dump. `errorloc 503 <url>` on a backend whose server
# is down answers 302 with that Location, `errorloc303 403 <url>` answers a
# deny with a 303 (a client follows it with GET), the log keeping 503 and
# 403 as HAProxy 2.6's does; errorloc without a url or with a code that has
# no page fails `weir -c` at its file:line.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v curl >/dev/null || skip_all "curl missing"

FE=$(free_port); PLAIN=$(free_port); SHIP=$(free_port)
OK=$(free_port); BAD=$(free_port); DEAD=$(free_port); REDIR=$(free_port)
start_testsrv ok "$OK" --mode http
start_testsrv bad "$BAD" --mode close

# page NAME STATUS REASON: a page whose header and body name it.
P=$T_TMP/pages
mkdir -p "$P"
page() {
	printf 'HTTP/1.1 %s %s\r\nContent-Type: text/html\r\nCache-Control: no-cache\r\nX-Page: %s\r\nConnection: close\r\n\r\n<html><body><h1>%s</h1>\n%s page\n</body></html>\n' \
		"$2" "$3" "$1" "$2 $3" "$1" >"$P/$1.http"
}
page site-403 403 Forbidden
page site-502 502 "Bad Gateway"
page site-503 503 "Service Unavailable"
page site-504 504 "Gateway Time-out"
page own-503 503 "Service Unavailable"
page other-403 403 Forbidden
E=$WEIR_SRCDIR/conf/errors

cat >"$T_TMP/weir.cfg" <<CFG
global
    nbthread 2
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    timeout connect 500ms
    timeout client 5s
    timeout server 800ms
frontend fe
    bind 127.0.0.1:$FE
    errorfiles site
    http-request deny if { path_beg /deny }
    http-request deny errorfiles other if { path_beg /other }
    use_backend be_empty if { path_beg /empty }
    use_backend be_dead if { path_beg /dead }
    use_backend be_bad if { path_beg /bad }
    use_backend be_own if { path_beg /own }
    default_backend be_ok
frontend plain
    bind 127.0.0.1:$PLAIN
    http-request deny if { path_beg /deny }
    http-request return status 503 errorfiles site if { path_beg /site }
    use_backend be_empty if { path_beg /empty }
    default_backend be_ok
frontend shipped
    bind 127.0.0.1:$SHIP
    errorfiles shipped
    http-request deny if { path_beg /deny }
    http-request deny deny_status 400 if { path_beg /bad400 }
    use_backend be_empty if { path_beg /empty }
    use_backend be_bad if { path_beg /bad }
    default_backend be_ok
backend be_ok
    server s1 127.0.0.1:$OK
backend be_empty
backend be_dead
    retries 1
    server s1 127.0.0.1:$DEAD
backend be_bad
    server s1 127.0.0.1:$BAD
backend be_own
    errorfile 503 $P/own-503.http
frontend redir
    bind 127.0.0.1:$REDIR
    errorloc303 403 http://127.0.0.1:$OK/denied?from=weir
    http-request deny if { path_beg /deny }
    use_backend be_dead_loc if { path_beg /dead }
    default_backend be_ok
backend be_dead_loc
    retries 1
    errorloc 503 http://127.0.0.1:$OK/maint
    server s1 127.0.0.1:$DEAD
# declared after the proxies that import them, as HAProxy allows
http-errors site
    errorfile 403 $P/site-403.http
    errorfile 502 $P/site-502.http
    errorfile 503 $P/site-503.http
    errorfile 504 $P/site-504.http
http-errors other
    errorfile 403 $P/other-403.http
http-errors shipped
    errorfile 400 $E/400.http
    errorfile 403 $E/403.http
    errorfile 408 $E/408.http
    errorfile 500 $E/500.http
    errorfile 502 $E/502.http
    errorfile 503 $E/503.http
    errorfile 504 $E/504.http
CFG

# ---- weir -c
check "weir -c accepts the configuration" "$WEIR_BIN" -c -q -f "$T_TMP/weir.cfg"
"$WEIR_BIN" -c -f "$T_TMP/weir.cfg" --dump=cfg >"$T_TMP/d1.cfg" 2>/dev/null
"$WEIR_BIN" -c -f "$T_TMP/d1.cfg" --dump=cfg >"$T_TMP/d2.cfg" 2>/dev/null
check "the dump has the three sections" test "$(grep -c '^http-errors ' "$T_TMP/d1.cfg")" -eq 3
check "the dump reloads to the same dump" cmp -s "$T_TMP/d1.cfg" "$T_TMP/d2.cfg"
sed 's/errorfiles site$/errorfiles sitee/' "$T_TMP/weir.cfg" >"$T_TMP/bad.cfg"
out=$("$WEIR_BIN" -c -f "$T_TMP/bad.cfg" 2>&1); rc=$?
echo "$out" | grep -F sitee | sed 's/^/# /'
check "weir -c: an unknown section fails (rc $rc)" test "$rc" -eq 1
check "weir -c: ... named at its file:line, with the fix" \
	grep -qF "parsing [$T_TMP/bad.cfg:13] : proxy 'fe': unknown http-errors section 'sitee'; did you mean 'site' ?" <<<"$out"
grep -E '^    errorloc' "$T_TMP/d1.cfg" | sed 's/^/# /'
check "the dump keeps the errorloc lines" test "$(grep -cE '^    errorloc(303)? ' "$T_TMP/d1.cfg")" -eq 2
sed 's|errorloc 503 http://.*|errorloc 503|' "$T_TMP/weir.cfg" >"$T_TMP/bad.cfg"
n=$(grep -n '^    errorloc 503$' "$T_TMP/bad.cfg" | cut -d: -f1)
out=$("$WEIR_BIN" -c -f "$T_TMP/bad.cfg" 2>&1); rc=$?
echo "$out" | grep -F errorloc | sed 's/^/# /'
check "weir -c: errorloc without a url fails at its file:line (rc $rc), with an example" \
	grep -qF "parsing [$T_TMP/bad.cfg:$n] : errorloc : expects <status_code> and <url> as arguments (for example 'errorloc 503 https://example.com/maintenance.html')." <<<"$out"
sed 's|errorloc303 403 |errorloc303 499 |' "$T_TMP/weir.cfg" >"$T_TMP/bad.cfg"
out=$("$WEIR_BIN" -c -f "$T_TMP/bad.cfg" 2>&1); rc=$?
check "weir -c: errorloc303 with a code without a page fails (rc $rc), listing the codes" \
	grep -qF "errorloc303 : status code '499' not handled (one of 200, 400," <<<"$out"

check "weir starts" start_weir "$T_TMP/weir.cfg"

# get PORT PATH [curl options]: the raw response in $T_TMP/resp
get() {
	local port=$1 path=$2; shift 2
	curl -s -i --max-time 5 "$@" "http://127.0.0.1:$port$path" >"$T_TMP/resp"
}

# sent FILE: is $T_TMP/resp the page of FILE? The status line as written,
# each header of the file (Content-Length and Connection aside, which weir
# sets) with its name in lower case, a right Content-Length, the body.
sent() {
	python3 - "$1" "$T_TMP/resp" <<'PY'
import sys
page, resp = (open(p, "rb").read() for p in sys.argv[1:3])
ph, pb = page.split(b"\r\n\r\n", 1)
if b"\r\n\r\n" not in resp:
    print("# no response head:", resp[:200]); sys.exit(1)
rh, rb = resp.split(b"\r\n\r\n", 1)
pl, rl = ph.split(b"\r\n"), rh.split(b"\r\n")
bad = []
if pl[0] != rl[0]:
    bad.append("status line %r, want %r" % (rl[0], pl[0]))
got = [l.split(b":", 1)[0] + b":" + l.split(b":", 1)[1].strip() for l in rl[1:]]
for l in pl[1:]:
    name, value = l.split(b":", 1)
    if name.lower() in (b"content-length", b"connection"):
        continue
    if name.lower() + b":" + value.strip() not in got:
        bad.append("header %r missing" % l)
if b"content-length:%d" % len(pb) not in got:
    bad.append("no content-length: %d" % len(pb))
if rb != pb:
    bad.append("body %r, want %r" % (rb[:80], pb[:80]))
for b in bad:
    print("#", b)
sys.exit(1 if bad else 0)
PY
}

# builtin STATUS_LINE BODY_TEXT: the built-in page
builtin() {
	head -1 "$T_TMP/resp" | grep -qF "$1" &&
		grep -q '^content-type: text/html' "$T_TMP/resp" &&
		grep -qF "$2" "$T_TMP/resp" && ! grep -qi '^x-page:' "$T_TMP/resp"
}

# ---- the section's pages
get "$FE" /deny
check "deny: the section's 403, byte for byte" sent "$P/site-403.http"
get "$FE" /empty
check "no server in the backend: the section's 503" sent "$P/site-503.http"
get "$FE" /dead
check "the only server refuses connections: the section's 503" sent "$P/site-503.http"
get "$FE" /bad
check "the server answers garbage: the section's 502" sent "$P/site-502.http"
t0=$(date +%s%N)
get "$FE" /slow -H "X-Delay-Ms: 3000"
t1=$(date +%s%N)
check "the server is slower than timeout server: the section's 504" sent "$P/site-504.http"
check "... after timeout server (0.7-2.5 s: $(( (t1 - t0) / 1000000 )) ms)" \
	test $(( (t1 - t0) / 1000000 )) -ge 700 -a $(( (t1 - t0) / 1000000 )) -le 2500
get "$FE" /own
check "a backend's own errorfile beats the frontend's page" sent "$P/own-503.http"
get "$FE" /other
check "deny errorfiles other: that section's 403" sent "$P/other-403.http"
get "$FE" /deny -I
check "HEAD: the page's head, no body" \
	python3 -c "import sys; d=open('$T_TMP/resp','rb').read(); sys.exit(0 if d.startswith(b'HTTP/1.1 403 Forbidden\r\n') and d.endswith(b'\r\n\r\n') and b'x-page: site-403' in d else 1)"
get "$FE" /hello
check "a normal request still reaches the server" grep -q '^ok$' "$T_TMP/resp"

# ---- a proxy without errorfiles
get "$PLAIN" /deny
check "no errorfiles: the built-in 403" builtin "HTTP/1.1 403 Forbidden" "Request forbidden by administrative rules."
get "$PLAIN" /empty
check "no errorfiles: the built-in 503" builtin "HTTP/1.1 503 Service Unavailable" "No server is available to handle this request."
get "$PLAIN" /site
check "return status 503 errorfiles site: the section's page" sent "$P/site-503.http"

# ---- errorloc: a redirect instead of the page, the status logged as HAProxy does
# redirect CODE REASON LOCATION: is $T_TMP/resp that redirect, with no body?
redirect() {
	python3 - "$T_TMP/resp" "$1" "$2" "$3" <<'PY'
import sys
resp = open(sys.argv[1], "rb").read()
code, reason, loc = sys.argv[2:5]
head, _, body = resp.partition(b"\r\n\r\n")
lines = head.split(b"\r\n")
want = b"HTTP/1.1 %s %s" % (code.encode(), reason.encode())
bad = []
if lines[0] != want:
    bad.append("status line %r, want %r" % (lines[0], want))
for h in (b"location: " + loc.encode(), b"content-length: 0", b"cache-control: no-cache"):
    if h not in lines:
        bad.append("no %r in %r" % (h, lines[1:]))
if body:
    bad.append("a body %r" % body[:80])
for b in bad:
    print("#", b)
sys.exit(1 if bad else 0)
PY
}
get "$REDIR" /dead-loc
check "a backend whose server is down: errorloc 503 answers 302 with its Location" \
	redirect 302 Found "http://127.0.0.1:$OK/maint"
get "$REDIR" /deny-loc
check "a deny: errorloc303 403 answers 303 with its Location" \
	redirect 303 "See Other" "http://127.0.0.1:$OK/denied?from=weir"
get "$REDIR" /deny-loc -X POST -d x=1 -L
check "... which a client (curl -L, POST turned into GET) follows to the server" grep -q '^ok$' "$T_TMP/resp"
get "$REDIR" /deny-loc -I
check "HEAD: the same 303 head" redirect 303 "See Other" "http://127.0.0.1:$OK/denied?from=weir"
get "$REDIR" /hello
check "a request that needs no error page still reaches the server" grep -q '^ok$' "$T_TMP/resp"

# ---- the shipped pages
get "$SHIP" /deny
check "shipped conf/errors/403.http is sent" sent "$E/403.http"
get "$SHIP" /empty
check "shipped conf/errors/503.http is sent" sent "$E/503.http"
get "$SHIP" /bad
check "shipped conf/errors/502.http is sent" sent "$E/502.http"
get "$SHIP" /bad400
check "shipped conf/errors/400.http is sent (deny_status 400)" sent "$E/400.http"
printf 'GET / HTTP/1.1\r\nHost\r\n\r\n' | python3 "$WEIR_SRCDIR/tests/tools/rawhttp.py" "$SHIP" --show >"$T_TMP/raw" 2>&1
head -1 "$T_TMP/raw" | sed 's/^/# /'
tail -n +2 "$T_TMP/raw" >"$T_TMP/resp"
check "a request that does not parse: shipped 400.http" sent "$E/400.http"

# the log says what the client got
sleep 0.3
check "the log has the 504 as sH (server timeout)" grep -qE ' 504 .* sH-- ' "$T_TMP/weir.log"
grep -F -- '-loc HTTP/1.1"' "$T_TMP/weir.log" | sed 's/^/# /'
# HAProxy 2.6 logs the error's status, not the redirect's, and counts the
# page as it counts its own (HTX) bytes: 81 + the url for a 302, 85 + the
# url for a 303 (from its logs of the same pages)
loc=http://127.0.0.1:$OK/maint
check "the log has the errorloc 503 as 503, SC, $((81 + ${#loc})) bytes" \
	grep -qE " be_dead_loc/s1 .* 503 $((81 + ${#loc})) - - SC-- .*\"GET /dead-loc HTTP/1.1\"" "$T_TMP/weir.log"
loc=http://127.0.0.1:$OK/denied?from=weir
check "the log has the errorloc303 deny as 403, PR, $((85 + ${#loc})) bytes" \
	grep -qE " redir/<NOSRV> .* 403 $((85 + ${#loc})) - - PR-- .*\"GET /deny-loc HTTP/1.1\"" "$T_TMP/weir.log"

check "weir stops on SIGTERM" stop_weir
d_done
