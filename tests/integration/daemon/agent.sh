#!/usr/bin/env bash
# What an operator sees of `agent-check` through the real daemon (2 workers)
# and a tiny agent on loopback whose answer the test rewrites: "drain" lets
# a held session finish but sends no new one (weight 0); "ready 50%" gives
# the server half its weight (the balancing share follows); "down" takes
# it out although its health check passes; "up" brings it back. `show
# stat` shows the agent's own result in HAProxy 2.6's agent_* columns. A
# reply the agent closes without ending its line is ignored, as HAProxy
# ignores it ("Ignoring incomplete line from agent").
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v socat >/dev/null || skip_all "socat missing"

pct() { python3 -c "print(round(100.0*$1/$2, 1))"; }
within() { python3 -c "import sys; sys.exit(0 if abs($1-$2) <= $3 else 1)"; }

FE=$(free_port); A=$(free_port); B=$(free_port); AG=$(free_port)
SOCK=$T_TMP/stats.sock
start_testsrv a "$A"
start_testsrv b "$B"

# The agent: one line per connection, the current content of agent.reply.
echo up >"$T_TMP/agent.reply"
start_agent "$AG" "$T_TMP/agent.reply"

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
    server a 127.0.0.1:$A weight 10 check inter 200ms agent-check agent-port $AG agent-inter 200ms
    server b 127.0.0.1:$B weight 10 check inter 200ms
CFG
check "weir starts with an agent-checked server" start_weir "$T_TMP/weir.cfg"

# col SERVER COLUMN: one field of a fresh `show stat` (read as CSV: text
# fields such as last_agt are quoted when they hold a comma)
col() {
	stats_cmd "$SOCK" "show stat" | python3 -c "
import csv, sys
rows = list(csv.reader(sys.stdin)) or [[]]
h = [x.lstrip('# ') for x in rows[0]]
for r in rows[1:]:
    if len(r) == len(h) and r[0] == 'lb' and r[1] == '$1':
        print(r[h.index('$2')])"
}
# agent SERVER: the agent columns, as one line
agent() {
	stats_cmd "$SOCK" "show stat" | python3 -c "
import csv, sys
rows = list(csv.reader(sys.stdin)) or [[]]
h = [x.lstrip('# ') for x in rows[0]]
cols = ('agent_status', 'agent_code', 'agent_desc', 'last_agt', 'agent_rise', 'agent_fall', 'agent_health')
for r in rows[1:]:
    if len(r) == len(h) and r[0] == 'lb' and r[1] == '$1':
        print('|'.join(r[h.index(c)] for c in cols))"
}
# agent_says WORDS: the agent's next answer, then two agent-inters.
# (written aside, then renamed: an agent check that reads a half-written
# file would get an empty reply, an L7RSP that later checks keep)
agent_says() { echo "$1" >"$T_TMP/agent.next"; mv "$T_TMP/agent.next" "$T_TMP/agent.reply"; sleep 0.7; }

sleep 0.8
check "up: the agent columns say so ($(agent a))" \
	test "$(agent a)" = "L7OK|0|Layer7 check passed|via agent : up|1|1|1"
d=$(col a agent_duration)
check "up: agent_duration is the agent check's ms ($d)" test "${d:-x}" -ge 0
check "b has no agent: its agent columns are empty ($(agent b))" test "$(agent b)" = "||||||"
out=$($TCPLOAD --target "127.0.0.1:$FE" --total 100)
check "agent up: both servers share 100 connections ($out)" \
	within "$(pct "$(json names.a <<<"$out")" 100)" 50 5

# drain: a session held on a goes on, new sessions all go to b
$TCPLOAD --target "127.0.0.1:$FE" --conns 4 --total 4 --hold 2.5 --echo >"$T_TMP/held.json" &
held=$!
sleep 0.4
agent_says drain
check "drain: show stat weight of a is 0 (got $(col a weight))" test "$(col a weight)" = 0
# HAProxy 2.6 shows a server drained with an agent as "DRAIN (agent)"
check "drain: a shows DRAIN (agent) (got $(col a status))" test "$(col a status)" = "DRAIN (agent)"
scur=$(col a scur)
check "drain: a still holds its sessions (scur $scur)" test "${scur:-0}" -ge 1
out=$($TCPLOAD --target "127.0.0.1:$FE" --total 30)
check "drain: 30 new connections all on b ($out)" test "$(json names.b <<<"$out")" -eq 30
wait "$held"
check "drain: the held sessions finished with their data ($(cat "$T_TMP/held.json"))" \
	test "$(json ok <"$T_TMP/held.json")" -eq 4 -a "$(json names.a <"$T_TMP/held.json")" -eq "$scur"
check "drain: no state word: CHECKED, no status change, no info ($(agent a))" \
	test "$(agent a)" = "CHECKED||No status change||1|1|1"
grep -q "Server lb/a enters drain state (via agent)" "$T_TMP/weir.log"
check "drain is logged" test $? -eq 0

# HAProxy: a weight alone does not end the agent's drain, "ready" does
agent_says "50%"
check "50% while drained: still weight 0 (got $(col a weight))" test "$(col a weight)" = 0
agent_says "ready 50%"
check "ready 50%: show stat weight of a is 5 (got $(col a weight))" test "$(col a weight)" = 5
out=$($TCPLOAD --target "127.0.0.1:$FE" --total 150)
check "ready 50%: weights 5:10 give a a third ($out)" \
	within "$(pct "$(json names.a <<<"$out")" 150)" 33.3 5

# down: out of the farm although its port answers
agent_says "down # planned maintenance"
check "down: show stat status of a is DOWN (agent), as HAProxy's (got $(col a status))" \
	test "$(col a status)" = "DOWN (agent)"
check "down: L7STS, code 0, the agent's words, agent_health 0 ($(agent a))" \
	test "$(agent a)" = "L7STS|0|Layer7 wrong status|via agent : down (planned maintenance)|1|1|0"
out=$($TCPLOAD --target "127.0.0.1:$FE" --total 30)
check "down: 30 connections all on b ($out)" test "$(json names.b <<<"$out")" -eq 30
check "down: no connection failed" test "$(json failed <<<"$out")" -eq 0
grep -q 'Server lb/a is DOWN, reason: Layer7 wrong status, info: "via agent : down (planned maintenance)"' \
	"$T_TMP/weir.log"
check "down is logged in HAProxy's words" test $? -eq 0

# up: back, at the weight the agent set last (50 %)
agent_says "up 100%"
check "up: show stat status of a is UP (got $(col a status))" test "$(col a status)" = UP
check "up 100%: weight 10 again (got $(col a weight))" test "$(col a weight)" = 10
out=$($TCPLOAD --target "127.0.0.1:$FE" --total 100)
check "up: both servers share again ($out)" within "$(pct "$(json names.a <<<"$out")" 100)" 50 5
grep -q 'Server lb/a is UP, reason: Layer7 check passed, info: "via agent : up"' "$T_TMP/weir.log"
check "up is logged" test $? -eq 0
check "up: agent_health 1 again ($(agent a))" \
	test "$(agent a)" = "L7OK|0|Layer7 check passed|via agent : up|1|1|1"
agent_says "bogus"
check "a word it does not know: CHECKED, 'agent reports an error : bogus' ($(agent a))" \
	test "$(agent a)" = "CHECKED||No status change|agent reports an error : bogus|1|1|1"

# no end of line before the agent's close: HAProxy ignores the reply
printf 'down 20%%' >"$T_TMP/agent.next"; mv "$T_TMP/agent.next" "$T_TMP/agent.reply"; sleep 0.7
check "a reply without an end of line changes nothing: a UP, weight 10 ($(col a status), $(col a weight))" \
	test "$(col a status) $(col a weight)" = "UP 10"
check "... last_agt says it was ignored, in HAProxy's words ($(agent a))" \
	test "$(agent a)" = "CHECKED||No status change|Ignoring incomplete line from agent|1|1|1"

# the agent gone: its columns say why, the server stays as it is
kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null
sleep 0.7
check "agent gone: L4CON, Connection refused, health kept ($(agent a))" \
	test "$(agent a)" = "L4CON||Layer4 connection problem|Connection refused|1|1|1"
check "agent gone: a stays UP (got $(col a status))" test "$(col a status)" = UP

check "weir stops on SIGTERM" stop_weir
d_done
