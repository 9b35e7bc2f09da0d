#!/usr/bin/env bash
# PostgreSQL health checks against a real PostgreSQL (initdb in $T_TMP as
# user postgres, 127.0.0.1 on a free port, pg_hba trusting the role `weir`
# and rejecting every other TCP login).
# - `option pgsql-check user weir`: UP/L7OK ("PostgreSQL server is ok").
# - `option pgsql-check user nobody`: the server answers with an error
#   (pg_hba rejects it): DOWN/L7RSP.
# - The guide's tcp-check sequence (s000-05) with a length field that matches
#   the bytes sent (0x13 = 19 for user "weir"): the server answers 'R'
#   (AuthenticationOk), UP/L7OK.
# - The guide's own s000-05 sequence: it declares 0x28 = 40 bytes and sends
#   22, PostgreSQL waits for the rest and says nothing: the check times out,
#   DOWN/L7TOUT, as on HAProxy.
# - PostgreSQL stopped: DOWN/L4CON within fall x inter + slack.
# PROXY_CMD='/usr/sbin/haproxy -db -f' runs it against HAProxy.
WEIR_SRCDIR=${WEIR_SRCDIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
. "$WEIR_SRCDIR/tests/integration/checks/servers-lib.sh"
c_setup
[ -x "$PG_BIN/initdb" ] || skip_all "PostgreSQL missing (tests/integration/checks/install-servers.sh)"
command -v psql >/dev/null || skip_all "psql missing"

PG=$(free_port)
check "PostgreSQL starts on 127.0.0.1:$PG (initdb as $(run_user postgres), role weir)" start_pg "$PG"
check "psql logs in as weir over TCP" \
	test "$(psql -X -A -t -h 127.0.0.1 -p "$PG" -U weir -d weir -c 'SELECT 1' 2>&1)" = 1

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
backend pg_check
    mode tcp
    option pgsql-check user weir
    server pg 127.0.0.1:$PG check inter 400ms fall 2 rise 2
backend pg_reject
    mode tcp
    option pgsql-check user nobody
    server pg 127.0.0.1:$PG check inter 400ms fall 2 rise 2
# s000-05 with a length field that says what is sent: 4 + 4 + 5 + 5 + 1 = 19
backend pg_tcp
    mode tcp
    balance roundrobin
    option tcp-check
    tcp-check connect
    tcp-check send-binary 00000013 # packet length
    tcp-check send-binary 00030000 # protocol version 3.0
    tcp-check send-binary 7573657200 # "user\0"
    tcp-check send-binary 7765697200 # "weir\0"
    tcp-check send-binary 00 # end of parameters
    tcp-check expect binary 52 # expect Authentication response
    server pg 127.0.0.1:$PG check inter 400ms fall 2 rise 2
# s000-05 as the guide has it: declares 0x28 = 40 bytes, sends 22
backend pg_guide
    mode tcp
    balance roundrobin
    option tcp-check
    tcp-check connect
    tcp-check send-binary 00000028 # packet length
    tcp-check send-binary 00030000 # protocol version 3.0
    tcp-check send-binary 7573657200 # "user\0"
    tcp-check send-binary 686170726f787900 # "haproxy\0"
    tcp-check send-binary 00 # end of parameters
    tcp-check expect binary 52 # expect Authentication response
    server pg 127.0.0.1:$PG check inter 400ms fall 2 rise 2
frontend fe
    bind 127.0.0.1:$(free_port)
    default_backend pg_check
CFG
start_proxy "$T_TMP/weir.cfg" || bail "the proxy starts ($PROXY_CMD)"
ok "the proxy starts"

check_state "pgsql-check user weir: UP/L7OK" pg_check pg UP/L7OK 3
echo "# $(desc pg_check pg)"
v=$(stat pg_check pg last_chk)
check "... 'PostgreSQL server is ok' (last_chk '$v')" test "$v" = "PostgreSQL server is ok"
check_state "pgsql-check user nobody (rejected by pg_hba): DOWN/L7RSP" pg_reject pg DOWN/L7RSP 3
echo "# $(desc pg_reject pg)"
check "the log says 'Server pg_reject/pg is DOWN, reason: Layer7 invalid response, info: \"FATAL\"'" \
	grep -qF "Server pg_reject/pg is DOWN, reason: Layer7 invalid response, info: \"FATAL\"" "$T_TMP/weir.log"
check_state "the guide's tcp-check sequence with the right length (0x13): UP/L7OK" pg_tcp pg UP/L7OK 3
echo "# $(desc pg_tcp pg)"
check_state "the guide's own s000-05 sequence (length 0x28, 22 bytes sent): DOWN/L7TOUT" pg_guide pg DOWN/L7TOUT 3
echo "# $(desc pg_guide pg)"
check "... and stays DOWN (the server never answers a short startup packet)" \
	stays_state pg_guide pg 'DOWN/L7TOUT' 1
# (HAProxy names the binary pattern 52 by its text: 'R')
check "the log says 'Server pg_guide/pg is DOWN, reason: Layer7 timeout, info: \" at step 7 of tcp-check (expect binary 'R')\"'" \
	grep -qF "Server pg_guide/pg is DOWN, reason: Layer7 timeout, info: \" at step 7 of tcp-check (expect binary 'R')\"" "$T_TMP/weir.log"
check "pg_check/pg and pg_tcp/pg still UP/L7OK" test "$(state pg_check pg) $(state pg_tcp pg)" = "UP/L7OK UP/L7OK"

# ---- PostgreSQL stops
down_max=$(awk -v f=$FALL -v i=$INTER -v s=$SLACK 'BEGIN { print f * i + s }')
t0=$(now)
s_stop "$PG_PID"
wait_state pg_check pg DOWN/L4CON "$down_max"
el=$(since "$t0")
check "pgsql-check: the stopped server goes DOWN/L4CON (got $S_LAST)" test "$S_LAST" = DOWN/L4CON
check "... within fall x inter + slack ($down_max s), took ${el}s" le "$el" "$down_max"
check "the log says 'Server pg_check/pg is DOWN, reason: Layer4 connection problem'" \
	wait_log "Server pg_check/pg is DOWN, reason: Layer4 connection problem" 1
check_state "tcp-check: pg_tcp/pg DOWN/L4CON too" pg_tcp pg DOWN/L4CON 2

check "the proxy stops on SIGTERM" stop_weir
d_done
