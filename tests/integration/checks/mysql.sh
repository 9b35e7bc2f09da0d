#!/usr/bin/env bash
# MySQL health checks against a real MariaDB (a data dir installed in $T_TMP,
# the server as user mysql on 127.0.0.1 on a free port, grant tables on, the
# user 'weir'@'127.0.0.1' with no password).
# - `option mysql-check` (no user): the server's greeting is enough, UP/L7OK.
# - `option mysql-check user weir`, `... post-41`, `... pre-41`: the check
#   logs in and quits (the server's general log shows it), UP/L7OK.
# - `option mysql-check user nobody`: "Access denied", DOWN/L7STS.
# - The guide's s002-01 tcp-check shape (`tcp-check connect port N`,
#   `send-binary 0a`, `expect binary 0a`: the greeting's protocol version
#   byte 10), UP/L7OK.
# - MariaDB stopped: all DOWN/L4CON within fall x inter + slack.
# PROXY_CMD='/usr/sbin/haproxy -db -f' runs it against HAProxy.
WEIR_SRCDIR=${WEIR_SRCDIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
. "$WEIR_SRCDIR/tests/integration/checks/servers-lib.sh"
c_setup
if [ -z "$MY_BIN" ] || [ -z "$MY_INSTALL" ] || [ -z "$MY_CLI" ]; then
	skip_all "mariadb-server missing (tests/integration/checks/install-servers.sh)"
fi

MY=$(free_port)
check "MariaDB starts on 127.0.0.1:$MY (as $(run_user mysql), user weir@127.0.0.1)" start_mariadb "$MY"
check "weir logs in over TCP with no password" test "$(mycli "$MY" 'SELECT CURRENT_USER()')" = "weir@127.0.0.1"
check "... and nobody does not" grep -q 'Access denied' <<<"$("$MY_CLI" --no-defaults -h 127.0.0.1 -P "$MY" -u nobody -e 'SELECT 1' 2>&1)"

INTER=0.4 RISE=2 FALL=2 SLACK=1.5
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
backend my_greeting
    mode tcp
    option mysql-check
    server my 127.0.0.1:$MY check inter 400ms fall 2 rise 2
backend my_user
    mode tcp
    option mysql-check user weir
    server my 127.0.0.1:$MY check inter 400ms fall 2 rise 2
backend my_post41
    mode tcp
    option mysql-check user weir post-41
    server my 127.0.0.1:$MY check inter 400ms fall 2 rise 2
backend my_pre41
    mode tcp
    option mysql-check user weir pre-41
    server my 127.0.0.1:$MY check inter 400ms fall 2 rise 2
backend my_nobody
    mode tcp
    option mysql-check user nobody post-41
    server my 127.0.0.1:$MY check inter 400ms fall 2 rise 2
# the guide's s002-01 shape
listen mysql-read
    bind 127.0.0.1:$(free_port)
    mode tcp
    balance leastconn
    option tcp-check
    tcp-check connect port $MY
    tcp-check send-binary 0a
    tcp-check expect binary 0a
    server my 127.0.0.1:$MY check inter 400ms rise 2 fall 2 maxconn 1000
CFG
start_proxy "$T_TMP/weir.cfg" || bail "the proxy starts ($PROXY_CMD)"
ok "the proxy starts"

check_state "mysql-check (no user): UP/L7OK" my_greeting my UP/L7OK 3
echo "# $(desc my_greeting my)"
check_state "mysql-check user weir: UP/L7OK" my_user my UP/L7OK 3
echo "# $(desc my_user my)"
check_state "mysql-check user weir post-41: UP/L7OK" my_post41 my UP/L7OK 3
echo "# $(desc my_post41 my)"
check_state "mysql-check user nobody post-41: DOWN/L7STS (Access denied)" my_nobody my DOWN/L7STS 3
echo "# $(desc my_nobody my)"
v=$(stat my_nobody my last_chk)
check "... the server's error is the check's info ('$v')" grep -q "Access denied for user 'nobody'@'127.0.0.1'" <<<"$v"
check_state "the guide's s002-01 tcp-check shape: UP/L7OK" mysql-read my UP/L7OK 3
echo "# $(desc mysql-read my)"
check_state "mysql-check user weir pre-41: UP/L7OK" my_pre41 my UP/L7OK 3
echo "# $(desc my_pre41 my)"
# the logins are real: the server's general log has them, and their QUIT
GL=$T_TMP/my/general.log
# a check's session: Connect weir@127.0.0.1, then Quit, and no query (this
# script's own sessions as weir each run one)
n=$(awk 'match($0, /[0-9]+ (Connect|Query|Quit)/) {
		split(substr($0, RSTART, RLENGTH), f, " ")
		if (f[2] == "Connect" && $0 ~ /weir@127\.0\.0\.1 /) c[f[1]] = 1
		if (f[2] == "Query") q[f[1]] = 1
		if (f[2] == "Quit") e[f[1]] = 1 }
	END { for (i in c) if (!(i in q) && (i in e)) n++; print n + 0 }' "$GL")
check "the server logged check sessions as weir@127.0.0.1 that quit cleanly ($n)" test "$n" -ge 3
check "all still UP after a second" stays_state my_user my UP/L7OK 1

# ---- MariaDB stops
down_max=$(awk -v f=$FALL -v i=$INTER -v s=$SLACK 'BEGIN { print f * i + s }')
t0=$(now)
s_stop "$MY_PID"
wait_state my_user my DOWN/L4CON "$down_max"
el=$(since "$t0")
check "mysql-check user weir: the stopped server goes DOWN/L4CON (got $S_LAST)" test "$S_LAST" = DOWN/L4CON
check "... within fall x inter + slack ($down_max s), took ${el}s" le "$el" "$down_max"
check "the log says 'Server my_user/my is DOWN, reason: Layer4 connection problem'" \
	wait_log "Server my_user/my is DOWN, reason: Layer4 connection problem" 1
check_state "my_post41/my DOWN/L4CON too" my_post41 my DOWN/L4CON 2
check_state "mysql-read/my (tcp-check) DOWN/L4CON too" mysql-read my DOWN/L4CON 2

check "the proxy stops on SIGTERM" stop_weir
d_done
