#!/usr/bin/env bash
# Promise: `option httplog` lines are HAProxy 2.6's, field for field. The
# same requests go through weir and through HAProxy 2.6 (/usr/sbin/haproxy,
# run by hand on loopback with -db), both with the same configuration,
# logging raw lines to a UNIX datagram socket, both in front of the same
# weir-testsrv backend: a GET with a query string, a Host (captured) and a
# User-Agent with quotes (captured: '"' prints as #22); a request routed to
# a backend without servers (503, <NOSRV>); a denied one (403); a 404 from
# the server. Lines are split on blanks and compared field by field (one
# TAP line each), except what differs from run to run: the accept date,
# the client port and the timers. The values everyone can predict (status,
# names, termination state, captures, request line) are also checked
# against the expected text, so that two proxies agreeing on a wrong line
# still fail.
#
# PROXY=weir (default) compares weir with HAProxy; PROXY=haproxy compares
# HAProxy with itself, which validates the expectations without weir.
# HAPROXY=path selects the reference binary.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
PROXY=${PROXY:-weir}
HAPROXY=${HAPROXY:-/usr/sbin/haproxy}
[ -x "$HAPROXY" ] || skip_all "no HAProxy at $HAPROXY to compare with"
command -v curl >/dev/null || skip_all "curl missing"
: >"$T_TMP/weir.log"

S=$(free_port)
start_testsrv s1 "$S" --mode http || { not_ok "test backend starts"; d_done; exit 1; }

# log_reader NAME: a UNIX datagram socket $T_TMP/NAME.sock whose datagrams
# become the lines of $T_TMP/NAME.lines (one per datagram, as received).
log_reader() {
	python3 - "$T_TMP/$1.sock" "$T_TMP/$1.lines" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        d = s.recv(65536)
        out.write(d.rstrip(b"\n") + b"\n")
PY
	t_pids="$t_pids $!"
	local n=100
	while [ $n -gt 0 ] && [ ! -S "$T_TMP/$1.sock" ]; do sleep 0.05; n=$((n - 1)); done
	: >>"$T_TMP/$1.lines"
}

# cfg NAME PORT: the configuration both proxies run.
cfg() {
	cat >"$T_TMP/$1.cfg" <<CFG
global
    log $T_TMP/$1.sock format raw local0
defaults
    mode http
    log global
    option httplog
    option dontlognull
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:$2
    capture request header Host len 32
    capture request header User-Agent len 64
    http-request deny if { path_beg /deny }
    use_backend be_empty if { path_beg /nosrv }
    default_backend be
backend be
    server s1 127.0.0.1:$S
backend be_empty
CFG
}

# start NAME KIND PORT: weir or haproxy with $T_TMP/NAME.cfg.
start() {
	log_reader "$1"
	cfg "$1" "$3"
	if [ "$2" = weir ]; then
		start_weir "$T_TMP/$1.cfg" || return 1
	else
		"$HAPROXY" -db -f "$T_TMP/$1.cfg" >>"$T_TMP/haproxy-$1.log" 2>&1 &
		t_pids="$t_pids $!"
	fi
	wait_port "$3"
}

# The requests, in order: NAME curl-arguments (path last).
REQS=(
	"get|-H Host:www.example.com -A test\"agent\"/1.0 /path/page?x=1&y=2"
	"nosrv|-H Host:www.example.com /nosrv/x"
	"deny|-H Host:www.example.com /deny/x"
	"notfound|-H Host:www.example.com -H X-Status:404 /missing"
)

# send PORT: every request, one connection each, in order; each waits for
# its log line so that the lines come in the same order on both sides.
send() {
	local r args path name n=0 i
	for r in "${REQS[@]}"; do
		name=${r%%|*}; args=${r#*|}; path=${args##* }; args=${args% *}
		# shellcheck disable=SC2086 # the words of args are curl options
		curl -s -o /dev/null --max-time 5 $args "http://127.0.0.1:$1$path"
		n=$((n + 1))
		for i in $(seq 1 100); do
			[ "$(wc -l <"$T_TMP/$2.lines")" -ge $n ] && break
			sleep 0.05
		done
	done
}

A=$(free_port); B=$(free_port)
check "$PROXY starts" start a "$PROXY" "$A"
check "HAProxy starts" start b haproxy "$B"
send "$A" a
send "$B" b
check "$PROXY logged one line per request" test "$(wc -l <"$T_TMP/a.lines")" -eq ${#REQS[@]}
check "HAProxy logged one line per request" test "$(wc -l <"$T_TMP/b.lines")" -eq ${#REQS[@]}

# The fields of a line, one per line: the client address loses its port,
# the date and the timers become a placeholder (they differ by run).
fields() {
	tr ' ' '\n' <<<"$1" | awk 'NR == 1 { sub(/:[0-9]+$/, ":PORT") }
		NR == 2 && /^\[/ { $0 = "[DATE]" }
		NR == 5 && /^-?[0-9]+\/-?[0-9]+\/-?[0-9]+\/-?[0-9]+\/\+?-?[0-9]+$/ { $0 = "TIMERS" }
		{ print }'
}

# What HAProxy 2.6's documentation and a lab run say each line holds
# (fields 3.., after client and date; the timers and %B are compared
# between the two proxies only).
declare -A WANT=(
	[get]='fe be/s1 TIMERS 200 * - - ---- * 0/0 {www.example.com|test#22agent#22/1.0} "GET /path/page?x=1&y=2 HTTP/1.1"'
	[nosrv]='fe be_empty/<NOSRV> TIMERS 503 * - - SC-- * 0/0 {www.example.com|curl/*} "GET /nosrv/x HTTP/1.1"'
	[deny]='fe fe/<NOSRV> TIMERS 403 * - - PR-- * 0/0 {www.example.com|curl/*} "GET /deny/x HTTP/1.1"'
	[notfound]='fe be/s1 TIMERS 404 * - - ---- * 0/0 {www.example.com|curl/*} "GET /missing HTTP/1.1"'
)

i=0
for r in "${REQS[@]}"; do
	name=${r%%|*}; i=$((i + 1))
	la=$(sed -n "${i}p" "$T_TMP/a.lines"); lb=$(sed -n "${i}p" "$T_TMP/b.lines")
	echo "# $PROXY:   $la"
	echo "# haproxy: $lb"
	mapfile -t fa < <(fields "$la"); mapfile -t fb < <(fields "$lb")
	check "$name: as many fields (${#fa[@]}) as HAProxy's (${#fb[@]})" test "${#fa[@]}" -eq "${#fb[@]}"
	for j in "${!fb[@]}"; do
		if [ "${fa[$j]:-}" = "${fb[$j]}" ]; then ok "$name: field $((j + 1)) is '${fb[$j]}' as HAProxy's"
		else not_ok "$name: field $((j + 1)) is '${fa[$j]:-}', HAProxy's '${fb[$j]}'"; fi
	done
	# the expected text, field by field, on weir's (or the tested) line
	got=$(fields "$la" | tail -n +3 | tr '\n' ' '); got=${got% }
	# shellcheck disable=SC2053 # WANT is a glob pattern (* for counters, B)
	if [[ $got == ${WANT[$name]} ]]; then ok "$name: the line says what HAProxy 2.6 documents"
	else not_ok "$name: '$got' does not match '${WANT[$name]}'"; fi
done

d_done
