#!/usr/bin/env bash
# `stats admin if LOCALHOST` as the guides use it: the stats page shows
# HAProxy's admin form (a checkbox per server, the action list, Apply);
# POSTing action=maint for a server answers 303 to <uri>;st=DONE, the
# stats socket then shows the server in MAINT and traffic avoids it;
# action=ready brings it back. A page whose condition does not hold
# (`if FALSE`, or no `stats admin`) has no form and answers a POST with
# st=DENY, the state unchanged. Bad forms get HAProxy's statuses (ERRP,
# PART, NONE, EXCD, IVAL), a form sent in pieces is still read whole, one
# that stops coming gets 408, and a reload keeps both the state and the
# page's admin working.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v curl >/dev/null || skip_all "curl missing"
command -v socat >/dev/null || skip_all "socat missing"

FE=$(free_port); ADM=$(free_port); RO=$(free_port); NONE=$(free_port)
S1=$(free_port); S2=$(free_port)
start_testsrv srv1 "$S1" --mode http
start_testsrv srv2 "$S2" --mode http
SOCK=$T_TMP/admin.sock
cat >"$T_TMP/weir.cfg" <<CFG
global
    nbthread 2
    stats socket $SOCK mode 600 level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
listen stats
    bind 127.0.0.1:$ADM
    timeout client 1s
    stats enable
    stats uri /stats
    stats admin if LOCALHOST
listen stats_ro
    bind 127.0.0.1:$RO
    stats enable
    stats uri /stats
    stats admin if FALSE
listen stats_plain
    bind 127.0.0.1:$NONE
    stats enable
    stats uri /stats
backend web
    balance roundrobin
    server srv1 127.0.0.1:$S1
    server srv2 127.0.0.1:$S2
frontend fe
    bind 127.0.0.1:$FE
    default_backend web
CFG
check "weir -c accepts the configuration" "$WEIR_BIN" -c -f "$T_TMP/weir.cfg"
# a bad `stats admin` line: weir -c names file:line and what to write
sed 's/stats admin if FALSE/stats admin FALSE/; s/stats admin if LOCALHOST/stats admin if LOCALHSOT/' \
	"$T_TMP/weir.cfg" >"$T_TMP/bad.cfg"
bad=$("$WEIR_BIN" -c -f "$T_TMP/bad.cfg" 2>&1)
check "weir -c refuses a bad stats admin line" test $? -ne 0
check "... naming file:line and the fix ('stats admin if LOCALHOST')" \
	grep -qF "[$T_TMP/bad.cfg:19] : 'stats admin' requires either 'if' or 'unless' followed by a condition (e.g. 'stats admin if LOCALHOST')" <<<"$bad"
check "... and the unknown ACL at its line" \
	grep -qF "[$T_TMP/bad.cfg:14] : 'stats admin' : no such ACL : 'LOCALHSOT'" <<<"$bad"
check "weir starts" start_weir "$T_TMP/weir.cfg"

page=$(curl -s -m 5 "http://127.0.0.1:$ADM/stats")
check "admin page: web's table is a POST form to the stats uri" \
	grep -q '<form method="post" action="/stats">' <<<"$page"
check "admin page: a checkbox per server" \
	test "$(grep -oE 'name="s" value="srv[12]"' <<<"$page" | sort -u | wc -l)" -eq 2
check "admin page: HAProxy's action list" \
	grep -q 'Choose the action to perform on the checked servers' <<<"$page"
for a in 'ready">Set state to READY' 'drain">Set state to DRAIN' 'maint">Set state to MAINT' \
	 'hdown">Health: force DOWN' 'adown">Agent: force DOWN' 'shutdown">Kill Sessions'; do
	check "admin page: option value=\"$a\"" grep -qF "value=\"$a" <<<"$page"
done
check "admin page: Apply" grep -q 'type="submit" name="submit" value="Apply"' <<<"$page"
BID=$(grep -oE 'name="b" value="#[0-9]+"' <<<"$page" | head -1 | grep -oE '[0-9]+')
check "admin page: the backend travels as b=#<id> ($BID)" test -n "$BID"
for port in "$RO" "$NONE"; do
	p=$(curl -s -m 5 "http://127.0.0.1:$port/stats")
	check "page without admin ($port): the tables, no form, no checkbox" \
		sh -c 'grep -q "srv1" && ! grep -qE "<form|name=\"s\"|Choose the action"' <<<"$p"
done

# post URL BODY [curl options]: "CODE LOCATION" of the answer
post() {
	local url=$1 body=$2; shift 2
	curl -s -m 5 -o /dev/null -w '%{http_code} %{redirect_url}' "$@" --data-binary "$body" "$url"
}
# admin SRV: the server's srv_admin_state from show servers state
admin() {
	stats_cmd "$SOCK" "show servers state web" | awk -v s="$1" '$4==s {print $7}'
}
# served N: the servers that answered N requests, as "srv1=a srv2=b"
served() {
	local i a=0 b=0 who
	for i in $(seq "$1"); do
		who=$(curl -s -m 5 -D - -o /dev/null "http://127.0.0.1:$FE/" | tr -d '\r' |
			awk 'tolower($1)=="x-served-by:" {print $2}')
		case $who in srv1) a=$((a + 1)) ;; srv2) b=$((b + 1)) ;; esac
	done
	echo "srv1=$a srv2=$b"
}
U="http://127.0.0.1:$ADM/stats"

# both R: each server answered some of the requests (R from served)
both() { case $1 in *=0*) return 1 ;; esac; }
r=$(served 6)
check "both servers take traffic first ($r)" both "$r"
r=$(post "$U" "action=maint&s=srv1&b=web")
check "POST action=maint&s=srv1&b=web: 303 to /stats;st=DONE ($r)" \
	test "$r" = "303 http://127.0.0.1:$ADM/stats;st=DONE"
check "show servers state: srv1 admin state 1 (FMAINT) ($(admin srv1))" test "$(admin srv1)" = 1
check "show stat: srv1 MAINT" grep -q '^web,srv1,.*,MAINT,' <<<"$(stats_cmd "$SOCK" 'show stat')"
check "traffic avoids srv1 ($(served 6))" test "$(served 6)" = "srv1=0 srv2=6"
check "the redirected page says Action processed successfully." \
	grep -q 'Action processed successfully.' <<<"$(curl -s -m 5 "$U;st=DONE")"
check "... and shows srv1 in maintenance" \
	grep -q '<tr class="maintain">.*srv1' <<<"$(curl -s -m 5 "$U")"
r=$(post "$U" "s=srv1&action=ready&b=%23$BID")
check "POST action=ready with b=#$BID: st=DONE ($r)" test "${r##*;}" = st=DONE
check "srv1 back to admin state 0 ($(admin srv1))" test "$(admin srv1)" = 0
r=$(served 6)
check "traffic reaches srv1 again ($r)" both "$r"
r=$(post "$U" "s=srv1&s=srv2&action=drain&b=web")
check "two servers at once: drain, st=DONE ($r)" test "${r##*;}" = st=DONE
check "both DRAIN ($(admin srv1)/$(admin srv2))" test "$(admin srv1)/$(admin srv2)" = 8/8
r=$(post "$U" "s=srv1&s=srv2&action=ready&b=web")
check "and ready again ($(admin srv1)/$(admin srv2))" test "$(admin srv1)/$(admin srv2)" = 0/0

# denied: the condition does not hold, or there is no stats admin
r=$(post "http://127.0.0.1:$RO/stats" "action=maint&s=srv1&b=web")
check "if FALSE: POST answers 303 st=DENY ($r)" test "$r" = "303 http://127.0.0.1:$RO/stats;st=DENY"
r=$(post "http://127.0.0.1:$NONE/stats" "action=maint&s=srv1&b=web")
check "no stats admin: st=DENY ($r)" test "${r##*;}" = st=DENY
check "a denied POST changes nothing ($(admin srv1))" test "$(admin srv1)" = 0
check "the DENY page says Action denied." \
	grep -q 'Action denied.' <<<"$(curl -s -m 5 "http://127.0.0.1:$RO/stats;st=DENY")"

# bad forms
st() { r=$(post "$U" "$@"); echo "${r##*;}"; }
check "unknown action: st=ERRP" test "$(st "action=frobnicate&s=srv1&b=web")" = st=ERRP
check "unknown backend: st=ERRP" test "$(st "action=maint&s=srv1&b=nosuch")" = st=ERRP
check "no backend: st=ERRP" test "$(st "action=maint&s=srv1")" = st=ERRP
check "broken %-encoding: st=ERRP" test "$(st "action=maint&s=srv%zz&b=web")" = st=ERRP
check "unknown server only: st=ERRP" test "$(st "action=maint&s=nosuch&b=web")" = st=ERRP
check "an agent action on servers without agent counts none: st=NONE" test "$(st "action=adown&s=srv1&b=web")" = st=NONE
check "nothing checked: st=NONE" test "$(st "action=maint&b=web")" = st=NONE
check "an empty form: st=NONE" test "$(st "")" = st=NONE
check "bad forms changed nothing ($(admin srv1))" test "$(admin srv1)" = 0
check "one known and one unknown server: st=PART" \
	test "$(st "s=nosuch&s=srv2&action=maint&b=web")" = st=PART
check "... the known one changed ($(admin srv2))" test "$(admin srv2)" = 1
st "action=ready&s=srv2&b=web" >/dev/null
pad=$(for i in $(seq 250); do printf '&x=0123456789'; done)   # keys the page ignores
t=$(curl -s -m 5 -o /dev/null -w '%{http_code} %{redirect_url} %{time_total}' -H 'Expect: 100-continue' \
	--data-binary "s=srv1&action=maint&b=web$pad" "$U")
check "a 3 KB form with Expect: 100-continue: st=DONE at once ($t)" \
	awk -v t="$t" 'BEGIN { split(t, f, " "); exit !(f[1] == 303 && f[2] ~ /st=DONE$/ && f[3] < 0.9) }'
st "action=ready&s=srv1&b=web" >/dev/null
big=$(head -c 20000 /dev/zero | tr '\0' x)
check "a form larger than the buffer: st=EXCD" test "$(st "s=$big&action=maint&b=web")" = st=EXCD
check "a chunked form: st=IVAL" \
	test "$(st "action=maint&s=srv1&b=web" -H 'Transfer-Encoding: chunked')" = st=IVAL
check "still nothing changed ($(admin srv1)/$(admin srv2))" test "$(admin srv1)/$(admin srv2)" = 0/0

# the form in three pieces, 200 ms apart: read whole, then applied
out=$(python3 - "$ADM" <<'PY'
import socket, sys, time
body = b"s=srv1&action=maint&b=web"
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.sendall(b"POST /stats HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
          b"Content-Length: %d\r\n\r\n" % len(body))
for part in (body[:5], body[5:15], body[15:]):
    time.sleep(0.2)
    s.sendall(part)
s.settimeout(5)
got = b""
while b"\r\n\r\n" not in got:
    b = s.recv(4096)
    if not b:
        break
    got += b
print(got.split(b"\r\n")[0].decode(), [l for l in got.decode().split("\r\n") if l.lower().startswith("location")])
PY
)
check "a form in three reads: 303 st=DONE ($out)" grep -q '303 See Other.*;st=DONE' <<<"$out"
check "... srv1 in MAINT ($(admin srv1))" test "$(admin srv1)" = 1
st "action=ready&s=srv1&b=web" >/dev/null
r=$(printf 'POST /stats HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\naction=maint' |
	python3 "$WEIR_SRCDIR/tests/tools/rawhttp.py" "$ADM" --wait 4)
check "a form that stops coming: 408 after timeout client ($r)" test "${r%% *}" = 408
check "... and nothing changed ($(admin srv1))" test "$(admin srv1)" = 0
# a reload: the new generation has its own channel, the state set from
# the page is carried over
st "action=maint&s=srv2&b=web" >/dev/null
kill -USR2 "$WEIR_PID"
check "reload" wait_log "Loading success." 15 2
sleep 0.5
check "after the reload srv2 is still MAINT ($(admin srv2))" test "$(admin srv2)" = 1
check "and the page applies forms again: ready, st=DONE" test "$(st "action=ready&s=srv2&b=web")" = st=DONE
check "... srv2 ready ($(admin srv2))" test "$(admin srv2)" = 0
check "weir stops on SIGTERM" stop_weir
d_done
