# Helpers for the health-check rigs in this folder (sourced after lib.sh and
# daemon-lib.sh): real redis, PostgreSQL and MariaDB servers from the
# distribution's packages (tests/integration/checks/install-servers.sh), each
# on 127.0.0.1 on a free port with its data in $T_TMP, as an unprivileged user
# when the test runs as root, its pid tracked and stopped on exit; the proxy
# under test; and server state read from the stats socket's `show stat`.
#
# The proxy is $PROXY_CMD followed by the configuration file, `weir -W -f` by
# default. The same scripts run against the reference implementation:
#   PROXY_CMD='/usr/sbin/haproxy -db -f' tests/integration/checks/redis.sh
# so every expectation here is known to hold on HAProxy 2.6.
PROXY_CMD=${PROXY_CMD:-"$WEIR_BIN -W -f"}
SOCK=""           # the stats socket of the running proxy (set by c_setup)
s_pids=""         # servers started here, as pid:signal (their stop signal)
S_CSV=""          # the last `show stat`
S_EL=""           # seconds the last wait_state took
S_LAST=""         # the last state wait_state/stays_state saw

c_cleanup() {
	local e
	[ -n "${WEIR_PID:-}" ] && kill -TERM "$WEIR_PID" 2>/dev/null
	for e in $s_pids; do s_stop "${e%%:*}"; done
	d_cleanup
}

# c_setup: the temp dir (755, so the servers' users can reach their data
# dirs under it), cleanup on exit, the tools every rig needs.
c_setup() {
	command -v python3 >/dev/null || skip_all "python3 missing"
	command -v socat >/dev/null || skip_all "socat missing"
	T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/weir-test.XXXXXX")
	chmod 755 "$T_TMP"
	SOCK=$T_TMP/admin.sock
	trap c_cleanup EXIT
	echo "# proxy: $PROXY_CMD"
}

now() { local t=${EPOCHREALTIME:-$(date +%s.%N)}; echo "${t/,/.}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }

# as_user USER: ASU, the command prefix that runs a command as USER when we
# are root (setpriv execs, so `"${ASU[@]}" server ... &` leaves the server's
# own pid in $!), nothing otherwise.
as_user() {
	ASU=()
	[ "$(id -u)" -eq 0 ] && ASU=(setpriv --reuid="$1" --regid="$(id -g "$1")" --init-groups --)
	return 0
}
# own USER PATH...: chown to USER when root.
own() {
	local u=$1; shift
	[ "$(id -u)" -ne 0 ] || chown -R "$u:$(id -gn "$u")" "$@"
}
# run_user: the user a server runs as (USER when root and it exists, else us).
run_user() {
	if [ "$(id -u)" -eq 0 ] && id "$1" >/dev/null 2>&1; then echo "$1"; else id -un; fi
}

# s_track PID SIGNAL: stop PID with SIGNAL on exit (or on s_stop).
s_track() { s_pids="$s_pids $1:$2"; }
# s_stop PID: its stop signal, up to 10 s for it to exit, then SIGKILL.
s_stop() {
	local pid=$1 e sig=TERM rest="" n=200
	for e in $s_pids; do
		if [ "${e%%:*}" = "$pid" ]; then sig=${e#*:}; else rest="$rest $e"; fi
	done
	s_pids=$rest
	kill -"$sig" "$pid" 2>/dev/null || return 0
	while kill -0 "$pid" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# ---- the proxy

# start_proxy CFG: $PROXY_CMD CFG in the background (WEIR_PID, output in
# $T_TMP/weir.log), until its stats socket answers `show stat` (15 s).
start_proxy() {
	local n=300
	: >"$T_TMP/weir.log"
	# shellcheck disable=SC2086
	$PROXY_CMD "$1" >>"$T_TMP/weir.log" 2>&1 &
	WEIR_PID=$!
	t_pids="$t_pids $WEIR_PID"
	while [ $n -gt 0 ]; do
		kill -0 "$WEIR_PID" 2>/dev/null || return 1
		[ -S "$SOCK" ] && stats_cmd "$SOCK" "show stat" 2>/dev/null | grep -q '^# pxname,' && return 0
		sleep 0.05; n=$((n - 1))
	done
	return 1
}

# bail WHY: the proxy is not usable; say so, show its log, end the test.
bail() {
	not_ok "$*"
	echo "# --- last lines of weir.log"
	tail -20 "$T_TMP/weir.log" | sed 's/^/#   /'
	d_done
	exit 1
}

# ---- server state from `show stat`

stat_refresh() { S_CSV=$(stats_cmd "$SOCK" "show stat" 2>/dev/null); }
# stat_col BE SRV COLUMN: one field of the last `show stat` (a leading "* ",
# HAProxy's mark of a check in progress, taken off).
stat_col() {
	awk -F, -v be="$1" -v sv="$2" -v c="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) { n = $i; sub(/^# /, "", n); if (n == c) k = i } }
		k && $1 == be && $2 == sv { v = $k; sub(/^\* /, "", v); print v; exit }' <<<"$S_CSV"
}
# stat BE SRV COLUMN: one field of a fresh `show stat` (safe in $(...)).
stat() { stat_refresh; stat_col "$@"; }
# state BE SRV: "status/check_status" now, e.g. UP/L7OK, DOWN/L7RSP.
state() { stat_refresh; echo "$(stat_col "$1" "$2" status)/$(stat_col "$1" "$2" check_status)"; }
# desc BE SRV: what the last check said (check_desc, code, duration, last_chk).
desc() {
	stat_refresh
	echo "$1/$2: $(stat_col "$1" "$2" status)/$(stat_col "$1" "$2" check_status)" \
		"code=$(stat_col "$1" "$2" check_code) desc='$(stat_col "$1" "$2" check_desc)'" \
		"last_chk='$(stat_col "$1" "$2" last_chk)'"
}
# wait_state BE SRV PATTERN SECONDS: until "status/check_status" matches the
# glob PATTERN, for at most SECONDS of wall time (polled every 0.1 s); S_EL is
# how long it took, S_LAST the last state seen.
wait_state() {
	local t0
	t0=$(now)
	while :; do
		S_LAST=$(state "$1" "$2")
		# shellcheck disable=SC2053
		[[ $S_LAST == $3 ]] && { S_EL=$(since "$t0"); return 0; }
		S_EL=$(since "$t0")
		ge "$S_EL" "$4" && return 1
		sleep 0.1
	done
}
# stays_state BE SRV PATTERN SECONDS: the state matches PATTERN all along.
stays_state() {
	local t0
	t0=$(now)
	while :; do
		S_LAST=$(state "$1" "$2")
		# shellcheck disable=SC2053
		[[ $S_LAST == $3 ]] || return 1
		ge "$(since "$t0")" "$4" && return 0
		sleep 0.1
	done
}

# ---- redis

# start_redis NAME PORT [redis-server options...]: a redis on 127.0.0.1:PORT,
# no persistence, data and log in $T_TMP/redis-NAME; REDIS_PID_NAME. A
# master starts a replica's sync at once (redis 7 waits 5 s by default,
# longer than the tests wait for the link).
start_redis() {
	local name=$1 port=$2 d=$T_TMP/redis-$1 u
	shift 2
	u=$(run_user redis)
	mkdir -p "$d" && own "$u" "$d"
	as_user "$u"
	"${ASU[@]}" redis-server --port "$port" --bind 127.0.0.1 --protected-mode no \
		--save "" --appendonly no --daemonize no --dir "$d" --repl-diskless-sync-delay 0 \
		--logfile "$d/redis.log" "$@" >/dev/null 2>&1 &
	eval "REDIS_PID_$name=$!"
	s_track $! TERM
	wait_port "$port" 127.0.0.1 10
}
rcli() { local p=$1; shift; redis-cli -h 127.0.0.1 -p "$p" "$@" 2>/dev/null | tr -d '\r'; }

# ---- PostgreSQL

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
# start_pg PORT: initdb in $T_TMP/pg as user postgres, then postgres on
# 127.0.0.1:PORT (socket dir $T_TMP/pg/sock); pg_hba trusts `weir` and the
# local superuser and rejects every other TCP login. Role and database
# `weir` created. PG_PID.
start_pg() {
	local port=$1 d=$T_TMP/pg u n=100
	u=$(run_user postgres)
	mkdir -p "$d/data" "$d/sock" && own "$u" "$d"
	as_user "$u"
	"${ASU[@]}" "$PG_BIN/initdb" -D "$d/data" -U postgres -A trust -E UTF8 --locale=C \
		--no-sync --no-instructions >"$d/initdb.log" 2>&1 || return 1
	cat >"$d/data/pg_hba.conf" <<-HBA
	local all postgres trust
	host all weir 127.0.0.1/32 trust
	host all all 127.0.0.1/32 reject
	HBA
	own "$u" "$d/data/pg_hba.conf"
	"${ASU[@]}" "$PG_BIN/postgres" -D "$d/data" -p "$port" -k "$d/sock" \
		-c listen_addresses=127.0.0.1 -c fsync=off -c logging_collector=off \
		>"$d/postgres.log" 2>&1 &
	PG_PID=$!
	s_track "$PG_PID" INT  # fast shutdown
	while ! "$PG_BIN/pg_isready" -q -h "$d/sock" -p "$port" -U postgres 2>/dev/null; do
		n=$((n - 1)); [ $n -gt 0 ] || return 1
		kill -0 "$PG_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	psql -X -q -h "$d/sock" -p "$port" -U postgres -d postgres \
		-c "CREATE ROLE weir LOGIN" -c "CREATE DATABASE weir OWNER weir" >>"$d/initdb.log" 2>&1
}

# ---- MariaDB

MY_BIN=$(command -v mariadbd || command -v mysqld || ls /usr/sbin/mariadbd /usr/sbin/mysqld 2>/dev/null | head -1)
MY_INSTALL=$(command -v mariadb-install-db || command -v mysql_install_db)
MY_CLI=$(command -v mariadb || command -v mysql)
# start_mariadb PORT: a data dir installed in $T_TMP/my, then the server on
# 127.0.0.1:PORT as user mysql (socket $T_TMP/my/sock); the user
# 'weir'@'127.0.0.1' created with no password. Every login and command is in
# the general log, $T_TMP/my/general.log. MY_PID.
start_mariadb() {
	local port=$1 d=$T_TMP/my u n=200 uopt=()
	u=$(run_user mysql)
	[ "$(id -u)" -eq 0 ] && uopt=(--user="$u")
	mkdir -p "$d/data" "$d/tmp" && own "$u" "$d"
	"$MY_INSTALL" --no-defaults "${uopt[@]}" --datadir="$d/data" --skip-test-db \
		--auth-root-authentication-method=socket >"$d/install.log" 2>&1 || return 1
	"$MY_BIN" --no-defaults "${uopt[@]}" --datadir="$d/data" --tmpdir="$d/tmp" \
		--socket="$d/sock" --pid-file="$d/mariadb.pid" --port="$port" \
		--bind-address=127.0.0.1 --skip-name-resolve --max-connect-errors=1000000 \
		--innodb-buffer-pool-size=16M --skip-log-bin --log-error="$d/error.log" \
		--general-log --general-log-file="$d/general.log" \
		>"$d/server.log" 2>&1 &
	MY_PID=$!
	s_track "$MY_PID" TERM
	while ! "$MY_CLI" --no-defaults -S "$d/sock" -u root -e "SELECT 1" >/dev/null 2>&1; do
		n=$((n - 1)); [ $n -gt 0 ] || return 1
		kill -0 "$MY_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	"$MY_CLI" --no-defaults -S "$d/sock" -u root \
		-e "CREATE USER 'weir'@'127.0.0.1'; GRANT USAGE ON *.* TO 'weir'@'127.0.0.1'" \
		>>"$d/install.log" 2>&1
}
mycli() { "$MY_CLI" --no-defaults -h 127.0.0.1 -P "$1" -u weir -N -B -e "$2" 2>&1; }

# check_state WHAT BE SRV PATTERN SECONDS: a TAP line, ok when BE/SRV reaches
# PATTERN (a glob on "status/check_status") within SECONDS.
check_state() {
	if wait_state "$2" "$3" "$4" "$5"; then
		ok "$1 ($S_LAST after ${S_EL}s)"
	else
		not_ok "$1 (still $S_LAST after ${S_EL}s)"
	fi
}
