#!/usr/bin/env bash
# What an operator sees of `slowstart` through the real daemon (2 workers):
# a server that comes back UP after being DOWN does not get its full share
# at once; its weight ramps up over the slowstart period, so its share of
# sequential connections grows window over window, `show stat` shows the
# ramp in the throttle column, and after the period it is back to an even
# share. A server UP at startup gets no ramp.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v socat >/dev/null || skip_all "socat missing"

share() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(round(100.0*d['names'].get('a',0)/max(d['ok'],1), 1))" "$1"; }
lt() { python3 -c "import sys; sys.exit(0 if $1 < $2 else 1)"; }
within() { python3 -c "import sys; sys.exit(0 if abs($1-$2) <= $3 else 1)"; }

FE=$(free_port); A=$(free_port); B=$(free_port)
SOCK=$T_TMP/stats.sock
start_testsrv b "$B"

# weight 100: the ramp's percent steps need a weight to act on (weight 1
# times any percentage rounds to 1)
cat >"$T_TMP/weir.cfg" <<CFG
global
    nbthread 2
    stats socket $SOCK mode 600 level admin
defaults
    mode tcp
    timeout connect 2s
    timeout client 10s
    timeout server 10s
listen lb
    bind 127.0.0.1:$FE
    balance roundrobin
    server a 127.0.0.1:$A weight 100 check inter 200ms rise 1 fall 1 slowstart 6s
    server b 127.0.0.1:$B weight 100 check inter 200ms rise 1 fall 1 slowstart 6s
CFG
col() {
	stats_cmd "$SOCK" "show stat" | awk -F, -v sv="$1" -v c="$2" \
		'NR==1{for(i=1;i<=NF;i++){n=$i; sub(/^# /,"",n); if(n==c) k=i}} $1=="lb" && $2==sv {print $k}'
}
check "weir starts" start_weir "$T_TMP/weir.cfg"
check "the checker sees a DOWN (nothing listens)" wait_log "Server lb/a is DOWN" 5
check "b, UP at startup, is not throttled (throttle '$(col b throttle)')" test -z "$(col b throttle)"

start_testsrv a "$A"
check "a comes UP once its backend listens" wait_log "Server lb/a is UP" 5
th=$(col a throttle)
check "show stat throttle shows a ramping ($th)" test -n "$th" -a "${th:-100}" -lt 40

w1=$($TCPLOAD --target "127.0.0.1:$FE" --duration 1.9 --pause 0.005)
w2=$($TCPLOAD --target "127.0.0.1:$FE" --duration 1.9 --pause 0.005)
w3=$($TCPLOAD --target "127.0.0.1:$FE" --duration 1.9 --pause 0.005)
s1=$(share "$w1"); s2=$(share "$w2"); s3=$(share "$w3")
echo "# share of a over three 2 s windows: $s1% $s2% $s3%"
check "every connection served" test "$(json failed <<<"$w1")$(json failed <<<"$w2")$(json failed <<<"$w3")" = 000
check "a gets some traffic while ramping ($s1%)" lt 0 "$s1"
check "window 2 share > window 1 ($s2 > $s1)" lt "$s1" "$s2"
check "window 3 share > window 2 ($s3 > $s2)" lt "$s2" "$s3"
check "window 1 well under an even share ($s1 < 30)" lt "$s1" 30

sleep 0.6
check "after the period: no throttle (got '$(col a throttle)')" test -z "$(col a throttle)"
out=$($TCPLOAD --target "127.0.0.1:$FE" --total 100)
check "after the period: an even share ($(share "$out")%)" within "$(share "$out")" 50 5

check "weir stops on SIGTERM" stop_weir
d_done
