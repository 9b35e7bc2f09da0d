#!/usr/bin/env bash
# Listeners and logs as an operator writes them: bind forms ([::1]:port,
# ipv4@, several binds and comma lists in one frontend, unix@ with mode
# 600), a frontend maxconn and the global maxconn holding across all
# workers (extra clients wait and are served, none refused), nbthread 3
# giving 3 workers, a busy port failing the start with an ALERT naming the
# address and exit 1, the tcplog line in HAProxy's exact field format, and
# logs sent to a UDP syslog as RFC 3164 lines with the <134> prefix.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v socat >/dev/null || skip_all "socat missing"
ctl() { echo | socat -t 2 - "tcp:127.0.0.1:$1" 2>/dev/null; }
ctlmax() { ctl "$1" | sed -E 's/.*max=([0-9]+).*/\1/'; }
# banner HOST PORT: the first line a client gets there
banner() { python3 -c "
import socket, sys
s = socket.create_connection(('$1', $2), 3); s.settimeout(3)
print(s.makefile().readline().strip())" 2>/dev/null; }

A=$(free_port); C=$(free_port); CCTL=$(free_port); D=$(free_port); DCTL=$(free_port)
start_testsrv a "$A"
start_testsrv c "$C" --ctl "127.0.0.1:$CCTL"
start_testsrv d "$D" --ctl "127.0.0.1:$DCTL"
P6=$(free_port); P4=$(free_port); M1=$(free_port); M2=$(free_port); M3=$(free_port); M4=$(free_port)
FM=$(free_port); LG=$(free_port); SL=$(free_port); UDP=$(free_port)
UXS=$T_TMP/fe.sock

have6=0
python3 -c "import socket; s=socket.socket(socket.AF_INET6); s.bind(('::1', $P6))" 2>/dev/null && have6=1

# a syslog receiver on UDP 127.0.0.1:$UDP, one datagram a line
python3 - "$UDP" "$T_TMP/syslog.txt" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[1]))); s.settimeout(0.2)
end = time.monotonic() + 40
with open(sys.argv[2], "a") as f:
    while time.monotonic() < end:
        try:
            d = s.recv(65535)
        except socket.timeout:
            continue
        f.write(d.decode(errors="replace").rstrip("\n") + "\n"); f.flush()
PY
t_pids="$t_pids $!"

{
cat <<CFG
global
    nbthread 3
    log stdout format raw local0
defaults
    mode tcp
    timeout connect 2s
    timeout client 10s
    timeout server 10s
    timeout queue 20s
CFG
[ "$have6" = 1 ] && cat <<CFG
listen v6
    bind [::1]:$P6
    server a 127.0.0.1:$A
CFG
cat <<CFG
listen v4
    bind ipv4@127.0.0.1:$P4
    server a 127.0.0.1:$A
listen multi
    bind 127.0.0.1:$M1
    bind 127.0.0.1:$M2
    bind 127.0.0.1:$M3,127.0.0.1:$M4
    server a 127.0.0.1:$A
listen ux
    bind unix@$UXS mode 600
    server a 127.0.0.1:$A
frontend fm
    bind 127.0.0.1:$FM
    maxconn 5
    default_backend bc
backend bc
    server c 127.0.0.1:$C
listen lg
    bind 127.0.0.1:$LG
    log global
    option tcplog
    server a 127.0.0.1:$A
listen sl
    bind 127.0.0.1:$SL
    log 127.0.0.1:$UDP local0
    option tcplog
    server a 127.0.0.1:$A
CFG
} >"$T_TMP/weir.cfg"
check "weir starts" start_weir "$T_TMP/weir.cfg"

# ---- nbthread 3
nw=$(grep -c 'New worker' "$T_TMP/weir.log")
check "nbthread 3: 3 workers forked (log says $nw)" test "$nw" -eq 3
kids=$(weir_children | wc -l)
check "nbthread 3: the master has 3 workers + the checker ($kids children, at least 3, at most 5)" \
	test "$kids" -ge 3 -a "$kids" -le 5

# ---- bind forms
if [ "$have6" = 1 ]; then
	check "bind [::1]:port: a client on ::1 is served" test "$(banner ::1 "$P6")" = a
else
	ok "# SKIP no ::1 on this host"
fi
check "bind ipv4@127.0.0.1:port is served" test "$(banner 127.0.0.1 "$P4")" = a
for p in "$M1" "$M2" "$M3" "$M4"; do
	check "several binds in one frontend: port $p is served" test "$(banner 127.0.0.1 "$p")" = a
done
check "bind unix@: the socket file exists" test -S "$UXS"
check "bind unix@ mode 600: the file has mode 600 (got $(stat -c %a "$UXS" 2>/dev/null))" \
	test "$(stat -c %a "$UXS" 2>/dev/null)" = 600
got=$(echo hello | socat -t 2 - "unix-connect:$UXS" 2>/dev/null | tr '\n' '|')
check "bind unix@: socat through it gets the banner and the echo (got '$got')" test "$got" = "a|hello|"

# ---- frontend maxconn 5, 10 clients held 1 s each
echo RESET | socat -t 1 - "tcp:127.0.0.1:$CCTL" >/dev/null 2>&1
t0=$(date +%s.%N)
out=$($TCPLOAD --target "127.0.0.1:$FM" --conns 10 --total 10 --hold 1 --timeout 10)
el=$(python3 -c "import time; print(round(time.time() - $t0, 2))")
seen=$(ctl "$CCTL"); echo "# frontend maxconn 5: $out; backend: $seen; ${el}s"
check "frontend maxconn 5: all 10 clients served (ok=$(json ok <<<"$out"))" test "$(json ok <<<"$out")" -eq 10
check "frontend maxconn 5: none refused nor failed" test "$(json refused <<<"$out")" -eq 0 -a "$(json failed <<<"$out")" -eq 0
check "frontend maxconn 5: the backend never saw more than 5 at once ($seen)" test "$(ctlmax "$CCTL")" -le 5
check "frontend maxconn 5: ... and it did see 5" test "$(ctlmax "$CCTL")" -eq 5
check "frontend maxconn 5: the other 5 waited for a slot (took ${el}s >= 1.8s)" \
	python3 -c "import sys; sys.exit(0 if $el >= 1.8 else 1)"

# ---- tcplog: HAProxy's format, field by field
r=$(python3 -c "
import socket, time
s = socket.create_connection(('127.0.0.1', $LG), 3); s.settimeout(3)
got = b''
def more():
    global got
    b = s.recv(100)
    if not b: raise SystemExit('closed early after %d bytes' % len(got))
    got += b
while not got.endswith(b'\n'): more()
s.sendall(b'hello world\n')
while len(got) < 14: more()
time.sleep(0.3)
print(s.getsockname()[1], len(got)); s.close()")
cport=${r% *}; cbytes=${r#* }
sleep 0.4
l=$(grep -E "^127\.0\.0\.1:$cport " "$T_TMP/weir.log" | tail -1)
echo "# client port $cport received $cbytes bytes; log: $l"
read -r f_c f_t1 f_ft f_bs f_tm f_b f_ts f_cn f_q f_rest <<<"$l"
check "tcplog: %ci:%cp is the client's address and port" test "$f_c" = "127.0.0.1:$cport"
check "tcplog: [%t] is [dd/Mmm/yyyy:hh:mm:ss.mmm] ($f_t1)" \
	grep -qE '^\[[0-9]{2}/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\]$' <<<"$f_t1"
check "tcplog: %ft is the frontend name (lg)" test "$f_ft" = lg
check "tcplog: %b/%s is lg/a" test "$f_bs" = lg/a
check "tcplog: %Tw/%Tc/%Tt are three integers ($f_tm)" grep -qE '^-?[0-9]+/-?[0-9]+/[0-9]+$' <<<"$f_tm"
tt=${f_tm##*/}
check "tcplog: %Tt covers the 0.3 s the client stayed (300-2000 ms, got $tt)" test "${tt:-0}" -ge 300 -a "${tt:-0}" -le 2000
check "tcplog: %B equals the bytes the client received ($cbytes), got $f_b" test "$f_b" = "$cbytes"
check "tcplog: %ts is two characters, -- for a normal close ($f_ts)" test "$f_ts" = "--"
check "tcplog: %ac/%fc/%bc/%sc/%rc are five integers ($f_cn)" grep -qE '^[0-9]+/[0-9]+/[0-9]+/[0-9]+/\+?[0-9]+$' <<<"$f_cn"
check "tcplog: %sq/%bq are two integers ($f_q)" grep -qE '^[0-9]+/[0-9]+$' <<<"$f_q"
check "tcplog: nothing after %sq/%bq" test -z "$f_rest"

# ---- log to a UDP syslog
banner 127.0.0.1 "$SL" >/dev/null
n=60; while ! grep -q 'sl sl/a' "$T_TMP/syslog.txt" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
sl=$(grep 'sl sl/a' "$T_TMP/syslog.txt" | tail -1)
echo "# syslog: $sl"
check "syslog UDP: the traffic log line arrives" test -n "$sl"
check "syslog UDP: local0 info is <134>" grep -q '^<134>' <<<"$sl"
check "syslog UDP: RFC 3164 header: <134>Mmm dd hh:mm:ss [host ]tag[pid]: " \
	grep -qE '^<134>(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 1-3][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} ([^ ]+ )?[A-Za-z0-9_.-]+\[[0-9]+\]: ' <<<"$sl"
check "syslog UDP: the message is the tcplog line" grep -qE '\]: 127\.0\.0\.1:[0-9]+ \[[^]]+\] sl sl/a [-0-9]+/[-0-9]+/[0-9]+ 2 ' <<<"$sl"

check "weir stops on SIGTERM" stop_weir
cp "$T_TMP/weir.log" "$T_TMP/weir-1.log"

# ---- global maxconn 4 across 2 workers, 10 clients held 1 s each
G=$(free_port)
cat >"$T_TMP/g.cfg" <<CFG
global
    nbthread 2
    maxconn 4
defaults
    mode tcp
    timeout connect 2s
    timeout client 10s
    timeout server 10s
listen g
    bind 127.0.0.1:$G
    server d 127.0.0.1:$D
CFG
check "weir starts with global maxconn 4" start_weir "$T_TMP/g.cfg"
echo RESET | socat -t 1 - "tcp:127.0.0.1:$DCTL" >/dev/null 2>&1
out=$($TCPLOAD --target "127.0.0.1:$G" --conns 10 --total 10 --hold 1 --timeout 10)
seen=$(ctl "$DCTL"); echo "# global maxconn 4: $out; backend: $seen"
check "global maxconn 4: all 10 clients served, none refused (ok=$(json ok <<<"$out"))" \
	test "$(json ok <<<"$out")" -eq 10 -a "$(json refused <<<"$out")" -eq 0
check "global maxconn 4: the backend never saw more than 4 at once ($seen)" test "$(ctlmax "$DCTL")" -le 4
check "global maxconn 4: ... and it did see 4" test "$(ctlmax "$DCTL")" -eq 4
check "weir stops on SIGTERM" stop_weir
cat "$T_TMP/weir.log" >>"$T_TMP/weir-1.log"

# ---- a bind to a port another process holds
PU=$(free_port)
python3 -c "
import socket, time
s = socket.socket(); s.bind(('127.0.0.1', $PU)); s.listen(1); time.sleep(15)" &
holder=$!; t_pids="$t_pids $holder"
wait_port "$PU"
sed "s/127.0.0.1:$G\$/127.0.0.1:$PU/" "$T_TMP/g.cfg" >"$T_TMP/busy.cfg"
timeout 10 "$WEIR_BIN" -W -f "$T_TMP/busy.cfg" >"$T_TMP/busy.log" 2>&1
rc=$?
sed 's/^/# /' "$T_TMP/busy.log" | head -5
check "busy port: weir exits 1 at start (got $rc)" test "$rc" -eq 1
check "busy port: an ALERT names the address 127.0.0.1:$PU" grep -qE "ALERT.*127\.0\.0\.1:$PU([^0-9]|$)" "$T_TMP/busy.log"
check "busy port: ... and says why (Address already in use)" grep -q 'Address already in use' "$T_TMP/busy.log"
check "busy port: no weir process left" test -z "$(ps -eo args= | grep -F "$T_TMP/busy.cfg" | grep -v grep)"
kill "$holder" 2>/dev/null

cat "$T_TMP/weir-1.log" "$T_TMP/busy.log" >>"$T_TMP/weir.log"
d_done
