#!/usr/bin/env bash
# Redis health checks against real redis servers: a master and its replica
# (`replicaof`) on loopback.
# - The guide's master check (runnable s000-06: PING/+PONG, INFO
#   replication/role:master, QUIT/+OK): the master UP/L7OK, the replica
#   DOWN/L7TOUT. As HAProxy does: `expect string` on a reply without the
#   string waits for more data until `timeout check` (L7TOUT, "at step 5 of
#   tcp-check (expect string 'role:master')"), it does not fail at once
#   (L7RSP). Traffic through `balance first` reaches the master.
# - The replica promoted (REPLICAOF NO ONE) and the old master demoted: the new
#   master UP within rise x inter + slack, the old one DOWN within
#   fall x (inter + timeout check) + slack, traffic follows.
# - `option redis-check`: both UP/L7OK (PONG); a redis stopped: DOWN/L4CON
#   within fall x inter + slack, the other stays UP.
# - The guide's other shapes: s000-10 (PING\r\n, +PONG) UP; s002-01's
#   `tcp-check send PING` without \r\n never gets an answer: DOWN/L7TOUT.
# PROXY_CMD='/usr/sbin/haproxy -db -f' runs it against HAProxy.
WEIR_SRCDIR=${WEIR_SRCDIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
. "$WEIR_SRCDIR/tests/integration/checks/servers-lib.sh"
c_setup
command -v redis-server >/dev/null || skip_all "redis-server missing (tests/integration/checks/install-servers.sh)"
command -v redis-cli >/dev/null || skip_all "redis-cli missing"

R1=$(free_port); R2=$(free_port); FE=$(free_port)
check "redis r1 (master) starts on 127.0.0.1:$R1" start_redis r1 "$R1"
check "redis r2 (replica of r1) starts on 127.0.0.1:$R2" start_redis r2 "$R2" --replicaof 127.0.0.1 "$R1"
linked() { rcli "$R2" INFO replication | grep -q '^master_link_status:up'; }
n=150; while ! linked && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
check "r2 replicates r1 (master_link_status:up)" linked

# inter 400ms, rise 2, fall 2, timeout check 600ms: UP after <= 0.8 s of
# passing checks, DOWN after <= 0.8 s of failing ones, or 2 x (0.4 + 0.6) s
# when each failing check waits for its timeout; 1.5 s of slack.
INTER=0.4 RISE=2 FALL=2 TCHECK=0.6 SLACK=1.5
cat >"$T_TMP/weir.cfg" <<CFG
global
    log stdout format raw local0
    stats socket $SOCK mode 600 level admin
defaults
    mode tcp
    log global
    timeout connect 1s
    timeout client 10s
    timeout server 10s
    timeout check 600ms
# the guide's master check (s000-06)
backend redis_master
    mode tcp
    balance first
    option tcp-check
    tcp-check connect
    tcp-check send "PING\r\n"
    tcp-check expect string +PONG
    tcp-check send "INFO replication\r\n"
    tcp-check expect string role:master
    tcp-check send "QUIT\r\n"
    tcp-check expect string +OK
    server r1 127.0.0.1:$R1 check inter 400ms fall 2 rise 2
    server r2 127.0.0.1:$R2 check inter 400ms fall 2 rise 2
backend redis_ping
    mode tcp
    option redis-check
    server r1 127.0.0.1:$R1 check inter 400ms fall 2 rise 2
    server r2 127.0.0.1:$R2 check inter 400ms fall 2 rise 2
# s000-10
backend redis_s000_10
    mode tcp
    option tcp-check
    tcp-check connect
    tcp-check send "PING\r\n"
    tcp-check expect string +PONG
    server r1 127.0.0.1:$R1 check inter 400ms
# s002-01: PING without \r\n, redis waits for the end of the line
backend redis_s002_01
    mode tcp
    option tcp-check
    tcp-check send PING

    tcp-check expect string +PONG
    server r1 127.0.0.1:$R1 check inter 400ms rise 2 fall 3
frontend fe
    bind 127.0.0.1:$FE
    default_backend redis_master
CFG
start_proxy "$T_TMP/weir.cfg" || bail "the proxy starts ($PROXY_CMD)"
ok "the proxy starts"

# ---- the guide's master check: master UP, replica DOWN
check_state "redis_master/r1 (master) UP/L7OK" redis_master r1 UP/L7OK 3
echo "# $(desc redis_master r1)"
check_state "redis_master/r2 (replica) DOWN/L7TOUT: role:master never came" redis_master r2 DOWN/L7TOUT 3
echo "# $(desc redis_master r2)"
check "the log names the step: 'Server redis_master/r2 is DOWN, reason: Layer7 timeout, info: \" at step 5 of tcp-check (expect string 'role:master')\"'" \
	grep -qF "Server redis_master/r2 is DOWN, reason: Layer7 timeout, info: \" at step 5 of tcp-check (expect string 'role:master')\"" "$T_TMP/weir.log"
port=$(rcli "$FE" INFO server | sed -n 's/^tcp_port://p')
check "traffic through the proxy reaches the master r1 (tcp_port $port)" test "$port" = "$R1"

# ---- redis-check and the guide's other shapes
check_state "redis_ping/r1 UP/L7OK (PONG)" redis_ping r1 UP/L7OK 3
check_state "redis_ping/r2 UP/L7OK, a replica answers PING too" redis_ping r2 UP/L7OK 3
echo "# $(desc redis_ping r2)"
check_state "redis_s000_10/r1 UP/L7OK" redis_s000_10 r1 UP/L7OK 3
check_state "redis_s002_01/r1 (PING without CRLF) DOWN/L7TOUT: no answer, check timeout" redis_s002_01 r1 DOWN/L7TOUT 4
echo "# $(desc redis_s002_01 r1)"

# ---- failover: r2 promoted, r1 demoted
t0=$(now)
rcli "$R2" REPLICAOF NO ONE >/dev/null
rcli "$R1" REPLICAOF 127.0.0.1 "$R2" >/dev/null
check "r2 is a master now, r1 a replica" \
	test "$(rcli "$R2" ROLE | head -1)/$(rcli "$R1" ROLE | head -1)" = master/slave
up_max=$(awk -v r=$RISE -v i=$INTER -v s=$SLACK 'BEGIN { print r * i + s }')
down_max=$(awk -v f=$FALL -v i=$INTER -v s=$SLACK 'BEGIN { print f * i + s }')
down_tout_max=$(awk -v f=$FALL -v i=$INTER -v t=$TCHECK -v s=$SLACK 'BEGIN { print f * (i + t) + s }')
wait_state redis_master r2 UP/L7OK "$up_max"
el_up=$(since "$t0")
check "the promoted r2 comes UP/L7OK (got $S_LAST)" test "${S_LAST}" = UP/L7OK
check "... within rise x inter + slack ($up_max s), took ${el_up}s" le "$el_up" "$up_max"
wait_state redis_master r1 DOWN/L7TOUT "$down_tout_max"
el_down=$(since "$t0")
check "the demoted r1 goes DOWN/L7TOUT (got $S_LAST)" test "${S_LAST}" = DOWN/L7TOUT
check "... within fall x (inter + timeout check) + slack ($down_tout_max s), took ${el_down}s" \
	le "$el_down" "$down_tout_max"
reached() { test "$S_LAST" = "$1" && ge "$2" "$3"; }
check "... not before fall check timeouts (>= $TCHECK s), took ${el_down}s" reached DOWN/L7TOUT "$el_down" "$TCHECK"
check "the log says 'Server redis_master/r1 is DOWN, reason: Layer7 timeout'" \
	grep -qF "Server redis_master/r1 is DOWN, reason: Layer7 timeout" "$T_TMP/weir.log"
port=$(rcli "$FE" INFO server | sed -n 's/^tcp_port://p')
check "traffic through the proxy follows the master to r2 (tcp_port $port)" test "$port" = "$R2"

# ---- redis-check: a redis stopped goes DOWN
t0=$(now)
# shellcheck disable=SC2154 # set by start_redis
s_stop "$REDIS_PID_r1"
wait_state redis_ping r1 DOWN/L4CON "$down_max"
el=$(since "$t0")
check "redis-check: the stopped r1 goes DOWN/L4CON (got $S_LAST)" test "$S_LAST" = DOWN/L4CON
check "... within fall x inter + slack ($down_max s), took ${el}s" le "$el" "$down_max"
echo "# $(desc redis_ping r1)"
check "redis-check: r2 stays UP/L7OK" stays_state redis_ping r2 UP/L7OK 1
check "the master check: r2 stays UP/L7OK" test "$(state redis_master r2)" = UP/L7OK

check "the proxy stops on SIGTERM" stop_weir
d_done
