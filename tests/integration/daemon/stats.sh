#!/usr/bin/env bash
# The stats socket and the master CLI as the guides use them with socat:
# show stat (HAProxy's CSV header, live counters), show info, show servers
# state, set server state/weight taking effect on traffic, levels enforced,
# one-line errors, `;` chains; the master CLI's show proc and @N routing.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v socat >/dev/null || skip_all "socat missing"

FE=$(free_port); A=$(free_port); B=$(free_port)
start_testsrv a "$A"
start_testsrv b "$B"
SOCK=$T_TMP/admin.sock; USOCK=$T_TMP/user.sock; MSOCK=$T_TMP/master.sock
cat >"$T_TMP/weir.cfg" <<CFG
global
    nbthread 2
    stats socket $SOCK mode 600 level admin
    stats socket $USOCK mode 666 level user
    stats timeout 5s
defaults
    mode tcp
    timeout connect 2s
    timeout client 10s
    timeout server 10s
backend web
    balance roundrobin
    server a 127.0.0.1:$A check inter 500ms
    server b 127.0.0.1:$B check inter 500ms
frontend fe
    bind 127.0.0.1:$FE
    default_backend web
CFG
check "weir starts with a master CLI" start_weir "$T_TMP/weir.cfg" -S "$MSOCK"
out=$($TCPLOAD --target "127.0.0.1:$FE" --total 40)
check "40 connections through the proxy" test "$(json ok <<<"$out")" -eq 40
sleep 1.2

csv=$(stats_cmd "$SOCK" "show stat")
hdr=$(head -1 <<<"$csv")
check "show stat starts with HAProxy's header" \
	grep -q '^# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,' <<<"$hdr"
col() { awk -F, -v px="$1" -v sv="$2" -v c="$3" 'NR==1{for(i=1;i<=NF;i++){n=$i; sub(/^# /,"",n); if(n==c) k=i}} $1==px && $2==sv {print $k}' <<<"$csv"; }
check "FRONTEND stot counts the 40 sessions ($(col fe FRONTEND stot))" test "$(col fe FRONTEND stot)" -eq 40
check "BACKEND stot is 40 ($(col web BACKEND stot))" test "$(col web BACKEND stot)" -eq 40
# two workers balance independently, so 40 split as 20 +/- 2
check "the servers' stot add up to 40 (a=$(col web a stot), b=$(col web b stot))" \
	test $(( $(col web a stot) + $(col web b stot) )) -eq 40
check "each server took about half (18..22)" \
	test "$(col web a stot)" -ge 18 -a "$(col web a stot)" -le 22
check "server status UP with L4OK" test "$(col web a status)/$(col web a check_status)" = "UP/L4OK"
check "bytes out counted on the frontend" test "$(col fe FRONTEND bout)" -gt 0
check "FRONTEND status OPEN" test "$(col fe FRONTEND status)" = OPEN

info=$(stats_cmd "$SOCK" "show info")
check "show info names the product" grep -q '^Name: weir' <<<"$info"
check "show info has Nbthread: 2" grep -q '^Nbthread: 2' <<<"$info"
check "show info has CumConns" grep -q '^CumConns: ' <<<"$info"
check "show info counts dropped log lines (DroppedLogs: 0)" grep -q '^DroppedLogs: 0$' <<<"$info"

check "set server weight 3" test -z "$(stats_cmd "$SOCK" 'set server web/a weight 3')"
check "get weight says 3 (initial 1)" test "$(stats_cmd "$SOCK" 'get weight web/a')" = "3 (initial 1)"
sleep 0.2
out=$($TCPLOAD --target "127.0.0.1:$FE" --total 40)
check "weight 3:1 takes effect: a gets 30 of 40 ($(json names.a <<<"$out"))" \
	test "$(json names.a <<<"$out")" -ge 28 -a "$(json names.a <<<"$out")" -le 32
stats_cmd "$SOCK" 'set server web/a state drain' >/dev/null
out=$($TCPLOAD --target "127.0.0.1:$FE" --total 20)
check "drain: no new connection to a" test "$(json names.b <<<"$out")" -eq 20
check "show stat shows DRAIN" grep -q '^web,a,.*,DRAIN,' <<<"$(stats_cmd "$SOCK" 'show stat')"
stats_cmd "$SOCK" 'set server web/a state ready; set server web/b state maint' >/dev/null
out=$($TCPLOAD --target "127.0.0.1:$FE" --total 20)
check "ready + maint in one ';' chain: all to a" test "$(json names.a <<<"$out")" -eq 20
state=$(stats_cmd "$SOCK" 'show servers state web')
check "show servers state: version line 1" test "$(head -1 <<<"$state")" = 1
check "show servers state: b admin 1" test "$(awk '$4=="b"{print $7}' <<<"$state")" = 1
check "enable server brings b back" test -z "$(stats_cmd "$SOCK" 'enable server web/b')"

check "level user may not set servers (Permission denied)" \
	grep -q 'Permission denied' <<<"$(stats_cmd "$USOCK" 'disable server web/a')"
check "level user may read show stat" grep -q '^# pxname' <<<"$(stats_cmd "$USOCK" 'show stat')"
err=$(stats_cmd "$SOCK" 'shwo stat')
check "an unknown command answers in one line" test "$(grep -c . <<<"$err")" -eq 1
check "... and suggests the right one" grep -q 'show stat' <<<"$err"

proc=$(echo "show proc" | socat -t 3 stdio "unix-connect:$MSOCK")
check "master CLI: show proc lists the master" grep -q "^$WEIR_PID .*master" <<<"$proc"
check "master CLI: show proc lists 2 workers" test "$(grep -c ' worker ' <<<"$proc")" -eq 2
check "master CLI: @1 show info" grep -q '^Name: weir' <<<"$(echo '@1 show info' | socat -t 3 stdio "unix-connect:$MSOCK")"
n=$(grep -cF "Loading success." "$T_TMP/weir.log")
echo reload | socat -t 3 stdio "unix-connect:$MSOCK" >/dev/null
check "master CLI: reload" wait_log "Loading success." 10 $((n + 1))
check "weir stops on SIGTERM" stop_weir
d_done
