#!/usr/bin/env bash
# Promise: `option httplog` lines are HAProxy 2.6's, field for field. The
# same requests go through weir and through HAProxy 2.6 (/usr/sbin/haproxy,
# run by hand on loopback with -db), both with the same configuration,
# logging raw lines to a UNIX datagram socket, both in front of the same
# weir-testsrv backend: a GET with a query string, a Host (captured) and a
# User-Agent with quotes (captured: '"' prints as #22); a request routed to
# a backend without servers (503, <NOSRV>); a denied one (403); a 404 from
# the server; chunked responses, with and without a trailer, whose %B
# counts the chunk data, the trailer fields and one byte that ends them,
# not the chunk framing; a chunked request body. Lines are split on blanks and compared field by field (one
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

# cfg NAME PORT UPORT: the configuration both proxies run.
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
frontend fu
    bind 127.0.0.1:$3
    log-format "%ft %b/%s %ST %B %U %{+Q}r"
    default_backend be
backend be
    server s1 127.0.0.1:$S
backend be_empty
CFG
}

# start NAME KIND PORT UPORT: weir or haproxy with $T_TMP/NAME.cfg.
start() {
	log_reader "$1"
	cfg "$1" "$3" "$4"
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
	"chunked|-H Host:www.example.com -H X-Chunked:5,17,300 /chunked"
	"trailers|-H Host:www.example.com -H X-Chunked:1,2,3 -H X-Trailer:X-Sum:abc123 /trailers"
	"chunkpost|-H Host:www.example.com -H Transfer-Encoding:chunked --data-binary chunked-request-body /upload"
)

# send PORT NAME [REQUESTS [LINES]]: every request (of the array named
# REQUESTS, default REQS), one connection each, in order; each waits for
# its log line (LINES are there before) so that the lines come in the same
# order on both sides.
send() {
	local -n reqs=${3:-REQS}
	local r args path name n=${4:-0} i
	for r in "${reqs[@]}"; do
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

A=$(free_port); B=$(free_port); AU=$(free_port); BU=$(free_port)
check "$PROXY starts" start a "$PROXY" "$A" "$AU"
check "HAProxy starts" start b haproxy "$B" "$BU"
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
	[chunked]='fe be/s1 TIMERS 200 * - - ---- * 0/0 {www.example.com|curl/*} "GET /chunked HTTP/1.1"'
	[trailers]='fe be/s1 TIMERS 200 * - - ---- * 0/0 {www.example.com|curl/*} "GET /trailers HTTP/1.1"'
	[chunkpost]='fe be/s1 TIMERS 200 * - - ---- * 0/0 {www.example.com|curl/*} "POST /upload HTTP/1.1"'
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

# %U and %B of request bodies, on a frontend whose log-format has no
# field that changes between runs: the lines must be HAProxy's exactly. A
# chunked request counts its data and one byte that ends the trailers,
# not its chunk framing; a Content-Length one its bytes.
UREQS=(
	"post-cl|--data-binary chunked-request-body /upload"
	"post-chunked|-H Transfer-Encoding:chunked --data-binary chunked-request-body /upload"
	"chunked-both|-H Transfer-Encoding:chunked -H X-Chunked:40,2 --data-binary @$WEIR_SRCDIR/COPYING /both"
)
send "$AU" a UREQS ${#REQS[@]}
send "$BU" b UREQS ${#REQS[@]}
i=${#REQS[@]}
for r in "${UREQS[@]}"; do
	name=${r%%|*}; i=$((i + 1))
	la=$(sed -n "${i}p" "$T_TMP/a.lines"); lb=$(sed -n "${i}p" "$T_TMP/b.lines")
	echo "# $PROXY:   $la"
	echo "# haproxy: $lb"
	if [ -n "$lb" ] && [ "$la" = "$lb" ]; then ok "$name: %B and %U as HAProxy's"
	else not_ok "$name: '$la', HAProxy's '$lb'"; fi
done
# the expected figures: the two POST heads differ only in Content-Length:
# 20 (16 bytes there) against Transfer-Encoding: chunked (24)
cl=$(sed -n "$((${#REQS[@]} + 1))p" "$T_TMP/a.lines" | awk '{ print $5 }')
ch=$(sed -n "$((${#REQS[@]} + 2))p" "$T_TMP/a.lines" | awk '{ print $5 }')
check "a chunked body counts as its data, +8 for the header, +1 for the end ($cl, $ch)" \
	test "$((${cl:-0} + 8 + 1))" -eq "${ch:-0}"

d_done
