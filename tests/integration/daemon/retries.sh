#!/usr/bin/env bash
# `retries` and `option redispatch` as a user sees them in mode tcp: with a
# dead server (port closed, no health check) and a live one, every client is
# served by the live one, redispatched sessions are logged with a `+` before
# the retry count, and the wait is bounded by the turn-around of
# min(timeout connect, 1 s) per retry; without redispatch, a session whose
# retries all fail is closed and logged `SC` with its retry count; `show stat`
# counts econ, wretr and wredis to match the logs.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v socat >/dev/null || skip_all "socat missing"

FE_R=$(free_port); FE_N=$(free_port)
B=$(free_port); DEAD=$(free_port); DEAD2=$(free_port)
start_testsrv b "$B"
SOCK=$T_TMP/admin.sock
cat >"$T_TMP/weir.cfg" <<CFG
global
    nbthread 2
    log stdout format raw local0
    stats socket $SOCK mode 600 level admin
defaults
    mode tcp
    log global
    option tcplog
    timeout connect 500ms
    timeout client 10s
    timeout server 10s
listen rd
    bind 127.0.0.1:$FE_R
    retries 2
    option redispatch
    balance roundrobin
    server a 127.0.0.1:$DEAD
    server b 127.0.0.1:$B
listen nr
    bind 127.0.0.1:$FE_N
    retries 2
    server a 127.0.0.1:$DEAD2
CFG
check "weir starts" start_weir "$T_TMP/weir.cfg"

# per-connection latency, sequentially: "<seconds> <banner or ->"
cat >"$T_TMP/one.py" <<'PY'
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
for i in range(n):
    t0 = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", port), 5); s.settimeout(5)
        got = b""
        while not got.endswith(b"\n"):
            b = s.recv(100)
            if not b:
                break
            got += b
        s.close()
        r = got.decode().strip() or "-"
    except OSError as e:
        r = "-"
    print("%.3f %s" % (time.monotonic() - t0, r), flush=True)
PY
# the tcplog lines of one proxy
lines() { grep -E "^[0-9.]+:[0-9]+ \[[^]]+\] $1 " "$T_TMP/weir.log"; }
# stat PX SV COL from a show stat dump in $csv
stat() { awk -F, -v px="$1" -v sv="$2" -v c="$3" 'NR==1{for(i=1;i<=NF;i++){n=$i; sub(/^# /,"",n); if(n==c) k=i}} $1==px && $2==sv {print $k}' <<<"$csv"; }

# ---- redispatch: 10 clients, one after the other
python3 "$T_TMP/one.py" "$FE_R" 10 >"$T_TMP/rd.out"
sed 's/^/# rd: /' "$T_TMP/rd.out" | tr '\n' ' '; echo
check "redispatch: all 10 clients served by b" test "$(awk '$2 == "b"' "$T_TMP/rd.out" | wc -l)" -eq 10
# bound: 2 retries x min(500ms, 1s) turn-around + connect + slack
slow=$(awk '$1 > 2.0' "$T_TMP/rd.out" | wc -l)
check "redispatch: each one served within 2 x 0.5 s + 1 s slack ($slow slower)" test "$slow" -eq 0
sleep 0.5
lines rd | sed 's/^/# /'
check "redispatch: 10 tcplog lines" test "$(lines rd | wc -l)" -eq 10
check "redispatch: every session logged on rd/b" test "$(lines rd | awk '$4 == "rd/b"' | wc -l)" -eq 10
# the counters field %ac/%fc/%bc/%sc/%rc is field 8; %rc its 5th part
rcs=$(lines rd | awk '{split($8, f, "/"); print f[5]}')
nplus=$(grep -c '^+[0-9]' <<<"$rcs")
check "redispatch: the sessions first sent to a are logged '+N' ($nplus of 10)" test "$nplus" -ge 4
check "redispatch: every retry count is 0 or +1/+2 (got $(tr '\n' ' ' <<<"$rcs"))" \
	test -z "$(grep -vE '^(0|\+1|\+2)$' <<<"$rcs")"
check "redispatch: termination state -- for all (served normally)" \
	test "$(lines rd | awk '$7 == "--"' | wc -l)" -eq 10
# the redispatched ones did wait the turn-around (HAProxy: min(connect, 1s)),
# and the timers say where: "Tc ... the connection to establish to the final
# server, including retries" (configuration.txt 8.2.2); Tw+Tc covers it
# whichever of the two an implementation charges it to
tc_ok=$(lines rd | awk '{split($8, f, "/"); split($5, t, "/"); if (f[5] ~ /^\+/ && t[1] + t[2] >= 400) n++} END {print n+0}')
check "redispatch: their %Tw+%Tc include the turn-around (>= 400 ms for $tc_ok of $nplus)" test "$tc_ok" -eq "$nplus"

# ---- no redispatch, every attempt fails
python3 "$T_TMP/one.py" "$FE_N" 3 >"$T_TMP/nr.out"
sed 's/^/# nr: /' "$T_TMP/nr.out" | tr '\n' ' '; echo
check "no redispatch: the 3 clients are closed with nothing received" \
	test "$(awk '$2 == "-"' "$T_TMP/nr.out" | wc -l)" -eq 3
check "no redispatch: each closed after the 2 turn-arounds (0.8-2.5 s)" \
	test "$(awk '$1 >= 0.8 && $1 <= 2.5' "$T_TMP/nr.out" | wc -l)" -eq 3
sleep 0.3
lines nr | sed 's/^/# /'
check "no redispatch: 3 tcplog lines" test "$(lines nr | wc -l)" -eq 3
check "no redispatch: termination state SC" test "$(lines nr | awk '$7 == "SC"' | wc -l)" -eq 3
check "no redispatch: logged on the server tried (nr/a)" test "$(lines nr | awk '$4 == "nr/a"' | wc -l)" -eq 3
check "no redispatch: retry count 2" test "$(lines nr | awk '{split($8, f, "/"); print f[5]}' | grep -cx 2)" -eq 3
check "no redispatch: %Tc is -1 and %B 0" test "$(lines nr | awk '{split($5, t, "/"); if (t[2] == -1 && $6 == 0) n++} END {print n+0}')" -eq 3

# ---- show stat
csv=$(stats_cmd "$SOCK" "show stat")
grep -E '^(rd|nr),' <<<"$csv" | cut -d, -f1,2,14-18 | sed 's/^/# /'
redisp=$nplus
retr=$(awk '/^\+/ {sub(/^\+/, ""); n += $0 - 1} END {print n+0}' <<<"$rcs")
check "show stat: rd BACKEND wredis = the redispatched sessions ($redisp), got $(stat rd BACKEND wredis)" \
	test "$(stat rd BACKEND wredis)" = "$redisp"
check "show stat: rd/a wredis = $redisp (the server switched away from), got $(stat rd a wredis)" \
	test "$(stat rd a wredis)" = "$redisp"
check "show stat: rd BACKEND wretr = retries on the same server ($retr), got $(stat rd BACKEND wretr)" \
	test "$(stat rd BACKEND wretr)" = "$retr"
check "show stat: rd econ 0 (no session gave up), got $(stat rd BACKEND econ)" test "$(stat rd BACKEND econ)" = 0
check "show stat: rd/b stot 10, got $(stat rd b stot)" test "$(stat rd b stot)" = 10
check "show stat: nr BACKEND econ 3 (one per session that gave up), got $(stat nr BACKEND econ)" \
	test "$(stat nr BACKEND econ)" = 3
check "show stat: nr/a econ 3, got $(stat nr a econ)" test "$(stat nr a econ)" = 3
check "show stat: nr BACKEND wretr 6 (2 per session), got $(stat nr BACKEND wretr)" \
	test "$(stat nr BACKEND wretr)" = 6
check "show stat: nr/a wretr 6, got $(stat nr a wretr)" test "$(stat nr a wretr)" = 6
check "show stat: nr wredis 0, got $(stat nr BACKEND wredis)" test "$(stat nr BACKEND wredis)" = 0

check "weir stops on SIGTERM" stop_weir
d_done
