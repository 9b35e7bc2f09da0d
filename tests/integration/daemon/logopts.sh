#!/usr/bin/env bash
# Promise: the logging options and connection rules the guides use do what
# HAProxy 2.6 does, as a user sees it in the syslog datagrams, on the wire
# and in `show stat`. The same configuration runs in weir and in HAProxy
# 2.6 (/usr/sbin/haproxy, by hand on loopback with -db), each logging
# rfc3164 datagrams (with their <PRI>) to a UNIX datagram socket:
#  - `tcp-request connection reject if { src 127.0.0.2 }`: a client from
#    127.0.0.2 is closed without a byte of response, nothing reaches the
#    server, nothing is logged, `show stat` counts it in dcon; a client
#    from 127.0.0.1 is served. An `accept` rule before the reject wins.
#  - `unique-id-format` + `unique-id-header X-Request-ID`: the server gets
#    the header, the log's %ID is the same, two requests get two IDs,
#    also two of one keep-alive connection (%rt counts requests).
#  - `option dontlognull`: a connection that sends nothing is not logged;
#    without it, it is: 400 <BADREQ> CR--, 0 bytes, as HAProxy logs it.
#  - `option log-separate-errors`: a 200 at info, a 503 at err; without
#    the option both at info (<PRI> = local0 * 8 + severity).
#  - termination states CD, cR (408) and sH (504); a client that closes
#    while the server prepares the answer (abortonclose): HAProxy 2.6
#    logs no CH for it but a normal 200.
#  - `http-request set-log-level silent`, `http-request capture ... len
#    10`, `http-request set-timeout server 1s`.
# The expected values are checked on the tested proxy's lines, and the
# termination state and status are compared with HAProxy's own line.
#
# PROXY=weir (default) compares weir with HAProxy; PROXY=haproxy compares
# HAProxy with itself, which validates the expectations without weir.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
PROXY=${PROXY:-weir}
HAPROXY=${HAPROXY:-/usr/sbin/haproxy}
[ -x "$HAPROXY" ] || skip_all "no HAProxy at $HAPROXY to compare with"
command -v curl >/dev/null || skip_all "curl missing"
command -v socat >/dev/null || skip_all "socat missing"
python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.2', 0))" 2>/dev/null ||
	skip_all "no 127.0.0.2 to connect from"
: >"$T_TMP/weir.log"

S=$(free_port); R=$(free_port); SB=$(free_port)
start_testsrv s1 "$S" --mode http || { not_ok "test backend starts"; d_done; exit 1; }
start_testsrv rec "$R" --mode http --record "$T_TMP/rec.bytes" ||
	{ not_ok "recording backend starts"; d_done; exit 1; }
: >>"$T_TMP/rec.bytes"

# A backend whose 200 has a 1 MB body sent 1 KB every 100 ms: a client
# that closes after the first bytes aborts mid-body.
python3 - "$SB" >>"$T_TMP/slowbody.log" 2>&1 <<'PY' &
import socket, sys, threading, time
def serve(c):
    try:
        buf = b""
        while b"\r\n\r\n" not in buf:
            d = c.recv(4096)
            if not d:
                return
            buf += d
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
        for _ in range(300):
            c.sendall(b"x" * 1000)
            time.sleep(0.1)
    except OSError:
        pass
    finally:
        c.close()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
t_pids="$t_pids $!"
wait_port "$SB" || not_ok "slow-body backend starts"

FES="ftcp facc fuid fnull fnonull fsep fnosep fterm fmisc"
declare -A P
for x in a b; do for f in $FES; do P[$x,$f]=$(free_port); done; done

# cfg NAME: the configuration both proxies run (ports of P[NAME,...]).
cfg() {
	local x=$1
	cat >"$T_TMP/$x.cfg" <<CFG
global
    log $T_TMP/$x.sock local0
    stats socket $T_TMP/$x-stats.sock level admin
defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 5s
    timeout server 10s
frontend ftcp
    bind 127.0.0.1:${P[$x,ftcp]}
    tcp-request connection reject if { src 127.0.0.2 }
    default_backend be_rec
frontend facc
    bind 127.0.0.1:${P[$x,facc]}
    tcp-request connection accept if { src 127.0.0.2 }
    tcp-request connection reject if { src 127.0.0.2 }
    default_backend be_rec
frontend fuid
    bind 127.0.0.1:${P[$x,fuid]}
    unique-id-format %{+X}o\ %ci:%cp_%fi:%fp_%Ts_%rt:%pid
    unique-id-header X-Request-ID
    log-format "%ft %ID %ST %{+Q}r"
    default_backend be
frontend fnull
    bind 127.0.0.1:${P[$x,fnull]}
    option dontlognull
    default_backend be
frontend fnonull
    bind 127.0.0.1:${P[$x,fnonull]}
    default_backend be
frontend fsep
    bind 127.0.0.1:${P[$x,fsep]}
    option log-separate-errors
    default_backend be
frontend fnosep
    bind 127.0.0.1:${P[$x,fnosep]}
    default_backend be
frontend fterm
    bind 127.0.0.1:${P[$x,fterm]}
    timeout http-request 1s
    use_backend be_slowbody if { path_beg /cd }
    use_backend be_abort if { path_beg /ch }
    use_backend be_sto if { path_beg /sh }
    default_backend be
listen fmisc
    bind 127.0.0.1:${P[$x,fmisc]}
    http-request set-log-level silent if { path /quiet }
    http-request capture req.hdr(User-Agent) len 10
    http-request set-timeout server 1s if { path /slowserver }
    server s1 127.0.0.1:$S
backend be
    server s1 127.0.0.1:$S
backend be_rec
    server rec 127.0.0.1:$R
backend be_slowbody
    server sb 127.0.0.1:$SB
backend be_abort
    option abortonclose
    server s1 127.0.0.1:$S
backend be_sto
    timeout server 1s
    server s1 127.0.0.1:$S
CFG
}

# start NAME KIND: weir or haproxy with $T_TMP/NAME.cfg.
start() {
	log_reader "$1"
	cfg "$1"
	if [ "$2" = weir ]; then
		start_weir "$T_TMP/$1.cfg" || return 1
	else
		"$HAPROXY" -db -f "$T_TMP/$1.cfg" >>"$T_TMP/haproxy-$1.log" 2>&1 &
		t_pids="$t_pids $!"
	fi
	# not wait_port: a probe connection would be logged (<BADREQ>); the
	# stats socket answers once every listener is bound
	local n=200
	while [ $n -gt 0 ]; do
		stats_cmd "$T_TMP/$1-stats.sock" "show info" 2>/dev/null | grep -q '^Name:' && return 0
		sleep 0.05; n=$((n - 1))
	done
	return 1
}

# msgs NAME FRONTEND: the messages (syslog header cut) of that frontend.
msgs() {
	sed 's/^<[0-9]*>[^]]*\]: //' "$T_TMP/$1.lines" | awk -v f="$2" '$3 == f || $1 == f'
}
# nmsgs NAME FRONTEND: how many.
nmsgs() { msgs "$1" "$2" | wc -l; }
# wait_msgs NAME FRONTEND COUNT: until that frontend has COUNT lines.
wait_msgs() {
	local i
	for i in $(seq 1 100); do
		[ "$(nmsgs "$1" "$2")" -ge "$3" ] && return 0
		sleep 0.05
	done
	return 1
}
# last_msg NAME FRONTEND, last_pri NAME FRONTEND: the frontend's last line,
# its <PRI>.
last_msg() { msgs "$1" "$2" | tail -1; }
last_pri() {
	awk -v f="$2" '{ m = $0; sub(/^<[0-9]*>[^]]*\]: /, "", m); split(m, w, " ")
		if (w[3] == f) p = $0 } END { sub(/^</, "", p); sub(/>.*/, "", p); print p }' "$T_TMP/$1.lines"
}
# field N LINE: the Nth blank-separated word.
field() { awk -v n="$1" '{ print $n }' <<<"$2"; }

# dcon NAME FRONTEND: `show stat`'s dcon of the frontend, by column name.
dcon() {
	stats_cmd "$T_TMP/$1-stats.sock" "show stat" | awk -F, -v f="$2" '
		NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) if ($i == "dcon") c = i; next }
		$1 == f && $2 == "FRONTEND" { print (c ? $c : "nocolumn") }'
}

# from2 PORT: a connection from 127.0.0.2 sending a request; prints what
# came back: "closed" (EOF or reset, no byte), else the bytes' count.
from2() {
	python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.bind(("127.0.0.2", 0))
s.settimeout(5)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
    s.sendall(b"GET /from2 HTTP/1.1\r\nHost: x\r\n\r\n")
    d = s.recv(4096)
    print("closed" if not d else len(d))
except (ConnectionResetError, BrokenPipeError):
    print("closed")
except socket.timeout:
    print("timeout")
PY
}
nrec() { grep -c '^### conn' "$T_TMP/rec.bytes"; }
st() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }

# rawcli PORT MODE: the client of a termination case.
#  empty:   connects and closes without sending
#  partial: sends half a head, waits for the reply (prints its status)
#  cd:      reads the head and a bit of a long body, closes
#  ch:      sends a request for a 2 s answer, closes after 0.5 s
rawcli() {
	python3 - "$1" "$2" <<'PY'
import socket, sys, time
port, mode = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port), 5)
s.settimeout(5)
if mode == "empty":
    time.sleep(0.1)
elif mode == "partial":
    s.sendall(b"GET /partial HTTP/1.1\r\nHost: x\r\n")
    d = b""
    try:
        while True:
            x = s.recv(4096)
            if not x:
                break
            d += x
    except OSError:
        pass
    print(d.split(b" ")[1].decode() if d.startswith(b"HTTP/") else "none")
elif mode == "cd":
    s.sendall(b"GET /cd HTTP/1.1\r\nHost: x\r\n\r\n")
    d = b""
    while len(d) < 3000:
        x = s.recv(4096)
        if not x:
            break
        d += x
    print("got", len(d))
elif mode == "ch":
    s.sendall(b"GET /ch HTTP/1.1\r\nHost: x\r\nX-Delay-Ms: 2000\r\n\r\n")
    time.sleep(0.5)
s.close()
PY
}

# run NAME: every case against the proxy NAME; what the client saw goes
# to $T_TMP/NAME.seen as KEY=VALUE lines.
run() {
	local x=$1 out=$T_TMP/$1.seen t0 t1
	: >"$out"
	# 1. connection rules
	local r0; r0=$(nrec)
	echo "rej_from2=$(from2 "${P[$x,ftcp]}")" >>"$out"
	sleep 0.3
	echo "rej_rec=$(( $(nrec) - r0 ))" >>"$out"
	echo "rej_local=$(st "http://127.0.0.1:${P[$x,ftcp]}/local")" >>"$out"
	wait_msgs "$x" ftcp 1
	echo "rej_dcon=$(dcon "$x" ftcp)" >>"$out"
	echo "acc_from2=$(st --interface 127.0.0.2 "http://127.0.0.1:${P[$x,facc]}/acc")" >>"$out"
	echo "acc_dcon=$(dcon "$x" facc)" >>"$out"
	wait_msgs "$x" facc 1
	# 2. unique id
	curl -s --max-time 5 "http://127.0.0.1:${P[$x,fuid]}/echo" >"$T_TMP/$x.uid1"
	curl -s --max-time 5 "http://127.0.0.1:${P[$x,fuid]}/echo" >"$T_TMP/$x.uid2"
	# two on one keep-alive connection, within the same second
	curl -s --max-time 5 "http://127.0.0.1:${P[$x,fuid]}/echo" "http://127.0.0.1:${P[$x,fuid]}/echo" \
		>"$T_TMP/$x.uid34"
	wait_msgs "$x" fuid 4
	# 3. dontlognull: an empty connection, then a request that is logged
	rawcli "${P[$x,fnull]}" empty
	sleep 0.3
	st "http://127.0.0.1:${P[$x,fnull]}/after-null" >/dev/null
	wait_msgs "$x" fnull 1
	rawcli "${P[$x,fnonull]}" empty
	wait_msgs "$x" fnonull 1
	# 4. log-separate-errors: the PRI of a 200 and of a 503
	local f
	for f in fsep fnosep; do
		st "http://127.0.0.1:${P[$x,$f]}/ok" >/dev/null
		wait_msgs "$x" $f 1
		echo "${f}_ok=$(last_pri "$x" $f)" >>"$out"
		st -H "X-Status: 503" "http://127.0.0.1:${P[$x,$f]}/fail" >/dev/null
		wait_msgs "$x" $f 2
		echo "${f}_err=$(last_pri "$x" $f)" >>"$out"
	done
	# 5. termination states, one line each, in order
	echo "cd_client=$(rawcli "${P[$x,fterm]}" cd)" >>"$out"
	wait_msgs "$x" fterm 1 && echo "term_cd=$(last_msg "$x" fterm)" >>"$out"
	echo "cr_status=$(rawcli "${P[$x,fterm]}" partial)" >>"$out"
	wait_msgs "$x" fterm 2 && echo "term_cr=$(last_msg "$x" fterm)" >>"$out"
	rawcli "${P[$x,fterm]}" ch
	sleep 2.5     # the server answers after 2 s: whatever is logged is there
	wait_msgs "$x" fterm 3 && echo "term_ch=$(last_msg "$x" fterm)" >>"$out"
	echo "sh_status=$(st -H "X-Delay-Ms: 2000" "http://127.0.0.1:${P[$x,fterm]}/sh")" >>"$out"
	wait_msgs "$x" fterm 4 && echo "term_sh=$(last_msg "$x" fterm)" >>"$out"
	# 6. set-log-level, capture, set-timeout
	st "http://127.0.0.1:${P[$x,fmisc]}/quiet" >/dev/null
	st -A "abcdefghijklmnop" "http://127.0.0.1:${P[$x,fmisc]}/after-quiet" >/dev/null
	wait_msgs "$x" fmisc 1
	t0=$(date +%s%N)
	echo "slow_status=$(st -H "X-Delay-Ms: 2000" "http://127.0.0.1:${P[$x,fmisc]}/slowserver")" >>"$out"
	t1=$(date +%s%N)
	echo "slow_ms=$(( (t1 - t0) / 1000000 ))" >>"$out"
	t0=$(date +%s%N)
	echo "other_status=$(st -H "X-Delay-Ms: 2000" "http://127.0.0.1:${P[$x,fmisc]}/other")" >>"$out"
	t1=$(date +%s%N)
	echo "other_ms=$(( (t1 - t0) / 1000000 ))" >>"$out"
	wait_msgs "$x" fmisc 3
	sleep 0.3
}
seen() { sed -n "s/^$2=//p" "$T_TMP/$1.seen" | head -1; }

for x in a b; do
	kind=$PROXY; [ $x = b ] && kind=haproxy
	start $x $kind; rc=$?
	check "$kind ($x) starts" test $rc -eq 0
	[ $rc -eq 0 ] || { d_done; exit 1; }
done
run a
run b
for x in a b; do sed "s/^/# $x: /" "$T_TMP/$x.lines"; done

# --- 1. tcp-request connection
check "reject: the client from 127.0.0.2 is closed without a response ($(seen a rej_from2))" \
	test "$(seen a rej_from2)" = closed
check "reject: nothing reached the server ($(seen a rej_rec) connections)" test "$(seen a rej_rec)" = 0
check "reject: a client from 127.0.0.1 is served ($(seen a rej_local))" test "$(seen a rej_local)" = 200
check "reject: show stat counts it in dcon ($(seen a rej_dcon), HAProxy $(seen b rej_dcon))" \
	test "$(seen a rej_dcon)" = 1
check "reject: only the served request is logged, as HAProxy ($(nmsgs a ftcp), HAProxy $(nmsgs b ftcp))" \
	test "$(nmsgs a ftcp)" -eq 1 -a "$(nmsgs b ftcp)" -eq 1
check "reject: no line for 127.0.0.2" test "$(msgs a ftcp | grep -c '^127\.0\.0\.2:')" -eq 0
check "accept before reject: the client from 127.0.0.2 is served ($(seen a acc_from2))" \
	test "$(seen a acc_from2)" = 200
check "accept before reject: dcon stays 0 ($(seen a acc_dcon))" test "$(seen a acc_dcon)" = 0
check "accept before reject: the request is logged from 127.0.0.2" \
	test "$(msgs a facc | grep -c '^127\.0\.0\.2:')" -eq 1

# --- 2. unique-id
hdr_id() { sed -n 's/^[Xx]-[Rr]equest-[Ii][Dd]: *//p' "$1" | tr -d '\r'; }
id1=$(hdr_id "$T_TMP/a.uid1"); id2=$(hdr_id "$T_TMP/a.uid2")
l1=$(msgs a fuid | sed -n 1p); l2=$(msgs a fuid | sed -n 2p)
hb=$(hdr_id "$T_TMP/b.uid1")
echo "# ids: $PROXY '$id1' '$id2', HAProxy '$hb'"
UIDRE='^7F000001:[0-9A-F]+_7F000001:[0-9A-F]+_[0-9A-F]+_[0-9A-F]+:[0-9A-F]+$'
check "unique-id: the server receives X-Request-ID in the format's form" \
	grep -qE "$UIDRE" <<<"$id1"
check "unique-id: the frontend port in it is ${P[a,fuid]} in hex" \
	test "$(cut -d_ -f2 <<<"$id1")" = "7F000001:$(printf %04X "${P[a,fuid]}")"
check "unique-id: the log's %ID is the header's ($(field 2 "$l1"))" test "$(field 2 "$l1")" = "$id1"
check "unique-id: the second request's %ID is its header" test "$(field 2 "$l2")" = "$id2"
check "unique-id: two requests get two IDs" test -n "$id1" -a "$id1" != "$id2"
ka=$(hdr_id "$T_TMP/a.uid34" | sort -u | wc -l); kb=$(hdr_id "$T_TMP/b.uid34" | sort -u | wc -l)
check "unique-id: two requests of one keep-alive connection get two IDs ($ka, HAProxy $kb)" \
	test "$ka" -eq 2 -a "$kb" -eq 2
check "unique-id: the log has both, as HAProxy's %rt counts requests" \
	test "$(msgs a fuid | sed -n '3,4p' | awk '{ print $2 }' | sort -u | wc -l)" -eq 2
shape() { sed 's/[0-9A-F]/h/g' <<<"$1"; }
check "unique-id: its fields are as wide as HAProxy's ($(shape "$id1") / $(shape "$hb"))" \
	test "$(shape "$(sed 's/:[0-9A-F]*$//' <<<"$id1")")" = "$(shape "$(sed 's/:[0-9A-F]*$//' <<<"$hb")")"

# --- 3. dontlognull
check "dontlognull: the empty connection is not logged, the request is ($(nmsgs a fnull) line)" \
	test "$(nmsgs a fnull)" -eq 1 -a "$(msgs a fnull | grep -c after-null)" -eq 1
la=$(msgs a fnonull | head -1); lb=$(msgs b fnonull | head -1)
echo "# $PROXY:   $la"; echo "# haproxy: $lb"
check "no dontlognull: the empty connection is logged" test -n "$la"
check "no dontlognull: <BADREQ>, as HAProxy" test "$(field 13 "$la")" = '"<BADREQ>"' -a \
	"$(field 13 "$lb")" = '"<BADREQ>"'
check "no dontlognull: termination state $(field 10 "$la") is CR--, HAProxy's $(field 10 "$lb")" \
	test -n "$lb" -a "$(field 10 "$la")" = "$(field 10 "$lb")" -a "$(field 10 "$la")" = CR--
check "no dontlognull: status $(field 6 "$la"), HAProxy's $(field 6 "$lb")" \
	test -n "$lb" -a "$(field 6 "$la")" = "$(field 6 "$lb")"
check "no dontlognull: 0 bytes sent ($(field 7 "$la"), HAProxy's $(field 7 "$lb"))" \
	test -n "$lb" -a "$(field 7 "$la")" = 0 -a "$(field 7 "$lb")" = 0
check "no dontlognull: backend/server $(field 4 "$la"), HAProxy's $(field 4 "$lb")" \
	test -n "$lb" -a "$(field 4 "$la")" = "$(field 4 "$lb")"

# --- 4. log-separate-errors (local0 = 16: info 134, err 131)
check "log-separate-errors: a 200 at info ($(seen a fsep_ok))" test "$(seen a fsep_ok)" = 134
check "log-separate-errors: a 503 at err ($(seen a fsep_err), HAProxy $(seen b fsep_err))" \
	test "$(seen a fsep_err)" = 131 -a "$(seen b fsep_err)" = 131
check "without it: a 200 at info ($(seen a fnosep_ok))" test "$(seen a fnosep_ok)" = 134
check "without it: a 503 at info too ($(seen a fnosep_err), HAProxy $(seen b fnosep_err))" \
	test "$(seen a fnosep_err)" = 134 -a "$(seen b fnosep_err)" = 134

# --- 5. termination states: the expected text, then HAProxy's own line
# term CASE STATE STATUS: fields 10 (state) and 6 (status) of the line.
term() {
	local la lb; la=$(seen a "term_$1"); lb=$(seen b "term_$1")
	echo "# $PROXY:   $la"; echo "# haproxy: $lb"
	check "$1: termination state $(field 10 "$la") is $2" test "$(field 10 "$la")" = "$2"
	check "$1: status $(field 6 "$la") is $3" test "$(field 6 "$la")" = "$3"
	check "$1: state and status as HAProxy's ($(field 10 "$lb") $(field 6 "$lb"))" \
		test -n "$lb" -a "$(field 10 "$la") $(field 6 "$la")" = "$(field 10 "$lb") $(field 6 "$lb")"
	check "$1: backend/server $(field 4 "$la") as HAProxy's" test -n "$la" -a "$(field 4 "$la")" = "$(field 4 "$lb")"
}
check "CD: the client read the start of the body ($(seen a cd_client))" \
	grep -q '^got [0-9]' <<<"$(seen a cd_client)"
term cd CD-- 200
check "cR: the partial request gets 408 ($(seen a cr_status))" test "$(seen a cr_status)" = 408
term cr cR-- 408
check "cR: the 408 line counts 0 bytes, as HAProxy's ($(field 7 "$(seen a term_cr)"), $(field 7 "$(seen b term_cr)"))" \
	test "$(field 7 "$(seen a term_cr)")" = 0 -a "$(field 7 "$(seen b term_cr)")" = 0
# HAProxy 2.6 logs no CH for it, abortonclose or not (the request is with
# the server already): the line is a normal 200, the client gone
term ch ---- 200
check "sH: the slow server gets 504 ($(seen a sh_status))" test "$(seen a sh_status)" = 504
term sh sH-- 504

# --- 6. set-log-level, capture, set-timeout
check "set-log-level silent: /quiet is not logged ($(msgs a fmisc | grep -c /quiet) lines)" \
	test "$(msgs a fmisc | grep -c '/quiet ')" -eq 0 -a "$(msgs a fmisc | grep -c after-quiet)" -eq 1
lq=$(msgs a fmisc | grep after-quiet)
check "capture len 10: the line has {abcdefghij}" grep -qF '{abcdefghij}' <<<"$lq"
check "capture: as HAProxy's ($(field 13 "$(msgs b fmisc | grep after-quiet)"))" \
	test "$(field 13 "$lq")" = "$(field 13 "$(msgs b fmisc | grep after-quiet)")"
check "set-timeout server 1s: /slowserver gets 504 ($(seen a slow_status))" test "$(seen a slow_status)" = 504
check "set-timeout server 1s: after about 1 s ($(seen a slow_ms) ms)" \
	test "$(seen a slow_ms)" -ge 900 -a "$(seen a slow_ms)" -lt 1900
check "other paths keep timeout server 10s: 200 ($(seen a other_status))" test "$(seen a other_status)" = 200
check "other paths: after the 2 s delay ($(seen a other_ms) ms)" test "$(seen a other_ms)" -ge 1900
ls=$(msgs a fmisc | grep slowserver)
check "set-timeout: the 504 is logged sH-- ($(field 10 "$ls"))" test "$(field 10 "$ls")" = sH--
# the timers of a request the server answers after 2 s: Tq/Tw/Tc/Tr/Ta
tm=$(field 5 "$(msgs a fmisc | grep '/other ')")
IFS=/ read -r tq tw tc tr ta <<<"$tm"
check "timers Tq/Tw/Tc/Tr/Ta of a 2 s response ($tm): Tr is the server's 2 s" \
	test "${tr:--1}" -ge 1900 -a "${tr:--1}" -lt 4000
check "... Ta covers Tr, Tq, Tw and Tc ($tm)" test "${ta:--1}" -ge $(( ${tr:-0} + ${tq:-0} + ${tw:-0} + ${tc:-0} ))
check "... Tq, Tw and Tc are short, not negative ($tm)" \
	test "${tq:--1}" -ge 0 -a "${tq:-9999}" -lt 500 -a "${tw:--1}" -ge 0 -a "${tw:-9999}" -lt 500 \
	-a "${tc:--1}" -ge 0 -a "${tc:-9999}" -lt 500

d_done
