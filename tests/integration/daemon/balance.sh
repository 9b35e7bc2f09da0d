#!/usr/bin/env bash
# What an operator sees of `balance` in mode tcp, through the real daemon
# (2 workers) and weir's test backends on loopback: weighted roundrobin
# shares, leastconn preferring the idle server, first filling in order,
# backups only when every active server is down, dead servers skipped.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup

pct() { python3 -c "print(round(100.0*$1/$2, 1))"; }
within() { python3 -c "import sys; sys.exit(0 if abs($1-$2) <= $3 else 1)"; }
ctl() { echo | socat -t 2 - "tcp:127.0.0.1:$1" 2>/dev/null; }

FE1=$(free_port); FE2=$(free_port); FE3=$(free_port); FE4=$(free_port); FE5=$(free_port)
FE6=$(free_port); FE7=$(free_port); FE8=$(free_port)
A=$(free_port); B=$(free_port); C=$(free_port); D=$(free_port)
ACTL=$(free_port); BCTL=$(free_port); CCTL=$(free_port)
DEAD=$(free_port)
start_testsrv a "$A" --ctl "127.0.0.1:$ACTL"
start_testsrv b "$B" --ctl "127.0.0.1:$BCTL"
start_testsrv c "$C" --ctl "127.0.0.1:$CCTL"

cat >"$T_TMP/weir.cfg" <<CFG
global
    nbthread 2
defaults
    mode tcp
    timeout connect 2s
    timeout client 10s
    timeout server 10s
listen rr
    bind 127.0.0.1:$FE1
    balance roundrobin
    server a 127.0.0.1:$A weight 3
    server b 127.0.0.1:$B weight 2
    server c 127.0.0.1:$C weight 1
listen lc
    bind 127.0.0.1:$FE2
    balance leastconn
    server a 127.0.0.1:$A
    server b 127.0.0.1:$B
listen first
    bind 127.0.0.1:$FE3
    balance first
    server a 127.0.0.1:$A maxconn 2
    server b 127.0.0.1:$B maxconn 2
    server c 127.0.0.1:$C maxconn 2
listen bck
    bind 127.0.0.1:$FE4
    balance roundrobin
    server a 127.0.0.1:$D check inter 200ms fall 1 rise 1
    server dead 127.0.0.1:$DEAD check inter 200ms fall 1 rise 1
    server c 127.0.0.1:$C backup
    server b 127.0.0.1:$B backup
listen skip
    bind 127.0.0.1:$FE5
    balance roundrobin
    server a 127.0.0.1:$A check inter 200ms fall 1 rise 1
    server dead 127.0.0.1:$DEAD check inter 200ms fall 1 rise 1
listen srr
    bind 127.0.0.1:$FE6
    balance static-rr
    server a 127.0.0.1:$A weight 1
    server b 127.0.0.1:$B weight 3
listen src
    bind 127.0.0.1:$FE7
    balance source
    server a 127.0.0.1:$A
    server b 127.0.0.1:$B
    server c 127.0.0.1:$C
backend only_c
    server c 127.0.0.1:$C
frontend switch
    bind 127.0.0.1:$FE8
    use_backend only_c
    default_backend rr
CFG
check "weir starts with 2 workers" start_weir "$T_TMP/weir.cfg"

# weighted roundrobin 3:2:1 over 600 connections: 50/33/17 % within 2 points
out=$($TCPLOAD --target "127.0.0.1:$FE1" --total 600)
na=$(json names.a <<<"$out"); nb=$(json names.b <<<"$out"); nc=$(json names.c <<<"$out")
echo "# roundrobin 3:2:1 -> a=$na b=$nb c=$nc (failed $(json failed <<<"$out"))"
check "roundrobin: 600 connections served" test "$(json ok <<<"$out")" -eq 600
check "roundrobin: weight 3 gets 50% (got $(pct "$na" 600))" within "$(pct "$na" 600)" 50 2
check "roundrobin: weight 2 gets 33% (got $(pct "$nb" 600))" within "$(pct "$nb" 600)" 33.3 2
check "roundrobin: weight 1 gets 17% (got $(pct "$nc" 600))" within "$(pct "$nc" 600)" 16.7 2

# leastconn: one long connection on one server, then new ones go to the other
$TCPLOAD --target "127.0.0.1:$FE2" --total 1 --hold 4 >/dev/null &
t_pids="$t_pids $!"
sleep 0.5
busy=a; idle=b
case "$(ctl "$BCTL")" in cur=1*) busy=b; idle=a ;; esac
# (a pause between them: the previous one's server side must be closed
# too, or the two servers tie and share)
out=$($TCPLOAD --target "127.0.0.1:$FE2" --total 10 --pause 0.1)
check "leastconn: 10 new connections all go to the idle server $idle" \
	test "$(json "names.$idle" <<<"$out")" -eq 10
sleep 3.6

# first: 5 held connections fill a (2), then b (2), then c (1)
echo RESET | socat -t 1 - "tcp:127.0.0.1:$ACTL" >/dev/null 2>&1
$TCPLOAD --target "127.0.0.1:$FE3" --conns 5 --total 5 --hold 2 >"$T_TMP/first.json" &
t_pids="$t_pids $!"
sleep 1
ca=$(ctl "$ACTL"); cb=$(ctl "$BCTL"); cc=$(ctl "$CCTL")
echo "# first: a[$ca] b[$cb] c[$cc]"
check "first: server a filled to its maxconn 2" grep -q '^cur=2 ' <<<"$ca"
check "first: server b filled to its maxconn 2" grep -q '^cur=2 ' <<<"$cb"
check "first: server c has the fifth" grep -q '^cur=1 ' <<<"$cc"
sleep 1.5

# backups: both actives down (nothing listens) -> only the first backup
sleep 0.5
out=$($TCPLOAD --target "127.0.0.1:$FE4" --total 20)
check "backup: all 20 connections served while actives are down" test "$(json ok <<<"$out")" -eq 20
check "backup: only the first backup (c) serves" test "$(json names.c <<<"$out")" -eq 20
start_testsrv d "$D"
sleep 0.8
out=$($TCPLOAD --target "127.0.0.1:$FE4" --total 20)
check "backup: once an active is up it takes everything" test "$(json names.d <<<"$out")" -eq 20

# a dead server is skipped: no failed connection, all to the live one
out=$($TCPLOAD --target "127.0.0.1:$FE5" --total 30)
check "dead server skipped: 30 of 30 served by a" test "$(json names.a <<<"$out")" -eq 30
check "dead server skipped: no failure" test "$(json failed <<<"$out")" -eq 0

# static-rr 1:3 over 400 connections
out=$($TCPLOAD --target "127.0.0.1:$FE6" --total 400)
check "static-rr 1:3: a gets 25% ($(json names.a <<<"$out") of 400)" within "$(pct "$(json names.a <<<"$out")" 400)" 25 2
# source: one client address always lands on one server
out=$($TCPLOAD --target "127.0.0.1:$FE7" --total 30)
check "source: 30 connections from 127.0.0.1 all on one server ($out)" \
	python3 -c "import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d['ok']==30 and max(d['names'].values())==30 else 1)" "$out"
# use_backend without a condition wins over default_backend
out=$($TCPLOAD --target "127.0.0.1:$FE8" --total 10)
check "use_backend only_c takes the 10 connections" test "$(json names.c <<<"$out")" -eq 10

check "weir stops on SIGTERM" stop_weir
d_done
