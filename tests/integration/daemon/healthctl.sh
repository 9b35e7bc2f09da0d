#!/usr/bin/env bash
# The runtime API's hand on health checks, as HAProxy 2.6 answers it (each
# reply and status compared by hand with haproxy 2.6 on the same config):
#  - `disable health` stops a server's checks and leaves its state as it
#    was ("no check" when UP, plain "DOWN" when down), even while its
#    backend dies; `enable health` resumes them and `fall` checks later the
#    server is DOWN; `show servers state` clears HAProxy's ENABLED bit;
#  - `set server <b>/<s> health up|stopping|down` forces the state at once
#    (the reply comes once the checker applied it), traffic follows, the
#    log says "changed from CLI", and the next checks go on from there;
#    an unchecked server forced down stays down until forced up;
#  - `set server ... agent up|down`, `disable agent` (a "down" agent holds
#    the server no longer) and `enable agent`;
#  - `shutdown sessions server` cuts that server's sessions only;
#  - `set server ... addr <ip> [port <p>]` moves traffic and checks;
#  - the stats page's Health and Agent actions do the same ("changed from
#    Web interface");
#  - wrong uses get HAProxy's one-line errors, and a reload keeps disabled
#    checks and forced states of unchecked servers.
# PROXY=haproxy runs the same assertions against HAProxy 2.6 (but the
# reload, which HAProxy does not carry over).
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v socat >/dev/null || skip_all "socat missing"
command -v curl >/dev/null || skip_all "curl missing"

FE=$(free_port); ADM=$(free_port); A=$(free_port); B=$(free_port); N=$(free_port)
G=$(free_port); AG=$(free_port); DEAD=$(free_port)
SOCK=$T_TMP/stats.sock
start_testsrv a "$A"
start_testsrv b "$B"
start_testsrv n "$N"
start_testsrv g "$G"

echo up >"$T_TMP/agent.reply"
start_agent "$AG" "$T_TMP/agent.reply"
# a second agent: "up" for a check that sent it "hello", else "down"
AG2=$(free_port)
start_agent "$AG2" hello

# a: checked every second (a forced state holds until its next check);
# dead: nothing listens; n: no check; g: health and agent checks.
cat >"$T_TMP/weir.cfg" <<CFG
global
    nbthread 2
    stats socket $SOCK mode 600 level admin
defaults
    mode tcp
    timeout connect 1s
    timeout client 5s
    timeout server 5s
listen lb
    bind 127.0.0.1:$FE
    balance roundrobin
    server a 127.0.0.1:$A check inter 1s rise 2 fall 2
    server b 127.0.0.1:$B check inter 1s rise 2 fall 2
    server dead 127.0.0.1:$DEAD check inter 300ms rise 2 fall 2
    server n 127.0.0.1:$N
    server g 127.0.0.1:$G check inter 300ms agent-check agent-port $AG agent-inter 1s
listen stats
    mode http
    bind 127.0.0.1:$ADM
    stats enable
    stats uri /stats
    stats admin if LOCALHOST
CFG
check "the proxy starts" start_proxy "$T_TMP/weir.cfg" "$FE"

cmd() { stats_cmd "$SOCK" "$1" | sed '/^$/d'; }
# col SERVER COLUMN: one field of a fresh `show stat`
col() {
	stats_cmd "$SOCK" "show stat" | python3 -c "
import csv, sys
rows = list(csv.reader(sys.stdin)) or [[]]
h = [x.lstrip('# ') for x in rows[0]]
for r in rows[1:]:
    if len(r) == len(h) and r[0] == 'lb' and r[1] == '$1':
        print(r[h.index('$2')])"
}
# checks SERVER: the check columns HAProxy empties when checks are off
checks() { echo "$(col "$1" check_status)|$(col "$1" check_desc)|$(col "$1" check_health)"; }
agentcols() { echo "$(col "$1" agent_status)|$(col "$1" agent_health)"; }
# state SERVER FIELD: one field of `show servers state lb`
state() {
	stats_cmd "$SOCK" "show servers state lb" | awk -v s="$1" -v f="$2" '
	/^# be_id/ { for (i = 2; i <= NF; i++) h[$i] = i - 1 } $4 == s { print $(h[f]) }'
}
# until_status SERVER WANT SECONDS: polls show stat until the status is WANT
until_status() {
	local end=$(($(date +%s%N) / 1000000 + $3 * 1000))
	while [ "$(($(date +%s%N) / 1000000))" -lt "$end" ]; do
		[ "$(col "$1" status)" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
# names N: which servers N fresh connections reached, as "a=.. b=.."
spread() { $TCPLOAD --target "127.0.0.1:$FE" --total "$1"; }
logged() { grep -qF "$1" "$T_TMP/weir.log"; }

sleep 1.5
check "at start: a UP, dead DOWN, n no check, g UP ($(col a status), $(col dead status), $(col n status), $(col g status))" \
	test "$(col a status)|$(col dead status)|$(col n status)|$(col g status)" = "UP|DOWN|no check|UP"
check "srv_check_state 6 (configured, enabled) for a, 0 for n ($(state a srv_check_state), $(state n srv_check_state))" \
	test "$(state a srv_check_state)|$(state n srv_check_state)" = "6|0"
check "srv_agent_state 22 for g ($(state g srv_agent_state))" test "$(state g srv_agent_state)" = 22

# --- disable / enable health
check "disable health: an empty reply" test -z "$(cmd 'disable health lb/dead')"
check "disable health on a DOWN server: plain DOWN, check columns empty ($(col dead status), $(checks dead))" \
	test "$(col dead status)|$(checks dead)" = "DOWN|||"
check "... srv_check_state loses ENABLED: 2 ($(state dead srv_check_state))" \
	test "$(state dead srv_check_state)" = 2
cmd 'disable health lb/a' >/dev/null
check "disable health on an UP server: 'no check' ($(col a status))" test "$(col a status)" = "no check"
# its backend dies: no check sees it, a stays UP
kill "$SRV_PID_a"; wait "$SRV_PID_a" 2>/dev/null
sleep 2.5
check "a's backend gone, checks disabled: a is still 'no check' ($(col a status))" \
	test "$(col a status)" = "no check"
check "enable health: an empty reply" test -z "$(cmd 'enable health lb/a')"
t0=$(date +%s%N)
until_status a DOWN 6
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
check "enable health: a goes DOWN after fall (2) checks at inter 1s (${ms} ms)" \
	test "$(col a status)" = DOWN -a "$ms" -le 4500
start_testsrv a "$A"
check "a's backend back: a UP again after rise checks" until_status a UP 6
cmd 'enable health lb/dead' >/dev/null
check "enable health on dead: its check columns are back ($(checks dead))" \
	test "$(checks dead)" = "L4CON|Layer4 connection problem|0"

# --- set server health
out=$(spread 40)
check "before forcing: a takes a share ($out)" test "$(json names.a <<<"$out")" -ge 5
check "set server health down: an empty reply" test -z "$(cmd 'set server lb/a health down')"
s=$(col a status)
check "a is DOWN as soon as the reply came ($s)" test "$s" = DOWN -o "$s" = "DOWN 1/2"
out=$(spread 30)
check "forced DOWN: no connection reaches a ($out)" test "$(json names.a <<<"$out")" -eq 0
check "it is logged 'changed from CLI' with the servers left" \
	logged "Server lb/a is DOWN, changed from CLI. 3 active and 0 backup servers left."
check "its next checks pass: a is UP again within rise x inter" until_status a UP 4

# (b's checks held off meanwhile: its next pass would end the NOLB at once)
cmd 'disable health lb/b' >/dev/null
cmd 'set server lb/b health stopping' >/dev/null
check "set server health stopping: NOLB ($(col b status))" test "$(col b status)" = NOLB
out=$(spread 30)
check "NOLB: no new connection on b ($out)" test "$(json names.b <<<"$out")" -eq 0
check "logged 'is stopping, changed from CLI'" logged "Server lb/b is stopping, changed from CLI."
cmd 'enable health lb/b' >/dev/null
check "b's next passing check makes it UP" until_status b UP 3

cmd 'set server lb/dead health up' >/dev/null
s=$(col dead status)
check "set server health up on a dead server: UP at once ($s)" test "${s%% *}" = UP
check "logged 'is UP, changed from CLI'" logged "Server lb/dead is UP, changed from CLI."
check "its failing checks take it DOWN again" until_status dead DOWN 3

cmd 'set server lb/n health down' >/dev/null
check "an unchecked server forced down: DOWN ($(col n status))" test "$(col n status)" = DOWN
sleep 1
out=$(spread 30)
check "... stays DOWN without checks, no connection on it ($(col n status), $out)" \
	test "$(col n status)" = DOWN -a "$(json names.n <<<"$out")" -eq 0

# --- a reload keeps the operator's choices (weir's: HAProxy forgets them)
if [ "${PROXY:-weir}" != haproxy ]; then
	cmd 'disable health lb/b' >/dev/null
	kill -USR2 "$WEIR_PID"
	check "reload" wait_log "Loading success." 10 2
	sleep 0.5
	check "after the reload: b's checks still disabled ($(col b status), srv_check_state $(state b srv_check_state))" \
		test "$(col b status)|$(state b srv_check_state)" = "no check|2"
	check "after the reload: n still forced DOWN ($(col n status))" test "$(col n status)" = DOWN
	cmd 'enable health lb/b' >/dev/null
fi
cmd 'set server lb/n health up' >/dev/null
check "set server health up on n: 'no check' again ($(col n status))" test "$(col n status)" = "no check"
out=$(spread 50)
check "n takes connections again ($out)" test "$(json names.n <<<"$out")" -ge 5

# --- agent
# says() WORDS: the agent's next answer, then one agent-inter and a margin.
# A reply without a state word ("100%") changes no state, so a forced one
# holds until the test asks the agent for "up".
says() { echo "$1" >"$T_TMP/agent.next"; mv "$T_TMP/agent.next" "$T_TMP/agent.reply"; sleep 1.2; }
says "100%"
check "set server agent down: an empty reply" test -z "$(cmd 'set server lb/g agent down')"
s=$(col g status)
check "g is DOWN (agent) at once ($s)" test "$s" = "DOWN (agent)"
check "logged 'changed from CLI'" logged "Server lb/g is DOWN, changed from CLI."
sleep 1.2
check "a reply without a state word keeps the forced state ($(col g status))" \
	test "$(col g status)" = "DOWN (agent)"
echo up >"$T_TMP/agent.next"; mv "$T_TMP/agent.next" "$T_TMP/agent.reply"
check "the agent's next 'up' brings g back" until_status g UP 3
echo down >"$T_TMP/agent.next"; mv "$T_TMP/agent.next" "$T_TMP/agent.reply"
check "the agent says down: DOWN (agent)" until_status g "DOWN (agent)" 3
cmd 'disable agent lb/g' >/dev/null
check "disable agent: a 'down' agent holds g no longer, its health check brings it UP" \
	until_status g UP 2
check "... agent columns empty ($(agentcols g)), srv_agent_state 18 ($(state g srv_agent_state))" \
	test "$(agentcols g)|$(state g srv_agent_state)" = "||18"
check "set server agent while disabled: HAProxy's error" \
	test "$(cmd 'set server lb/g agent up')" = "agent checks are not enabled on this server."
cmd 'enable agent lb/g' >/dev/null
check "enable agent: the agent runs again and takes g DOWN" until_status g "DOWN (agent)" 3
echo up >"$T_TMP/agent.next"; mv "$T_TMP/agent.next" "$T_TMP/agent.reply"
check "... and 'up' brings it back" until_status g UP 3

# --- shutdown sessions server: a's sessions cut, the others go on
check "before the kill: every server UP" until_status g UP 3
$TCPLOAD --target "127.0.0.1:$FE" --conns 8 --total 8 --hold 1.5 --echo >"$T_TMP/held.json" &
held=$!
sleep 0.5
scur=$(col a scur)
check "shutdown sessions server: an empty reply (a held $scur)" \
	test -z "$(cmd 'shutdown sessions server lb/a')" -a "${scur:-0}" -ge 1
sleep 0.4
check "... a holds none within a few tenths of a second ($(col a scur))" test "$(col a scur)" = 0
wait "$held"
out=$(cat "$T_TMP/held.json")
check "... the $scur on a were cut, every other one carried its data ($out)" \
	test "$(json failed <<<"$out")" -eq "$scur" -a "$(json ok <<<"$out")" -eq $((8 - scur)) \
	-a "$(json names.a <<<"$out")" -eq 0
check "shutdown sessions server needs a server" \
	test "$(cmd 'shutdown sessions server lb/nope')" = "No such server."

# --- the checks' own targets at run time
check "set server agent-port: an empty reply" test -z "$(cmd "set server lb/g agent-port $AG2")"
check "... the agent is asked there (it says down to a silent check)" until_status g "DOWN (agent)" 3
check "... show servers state srv_agent_port ($(state g srv_agent_port))" test "$(state g srv_agent_port)" = "$AG2"
check "set server agent-send hello: the agent there says up" \
	sh -c "[ -z \"\$(echo 'set server lb/g agent-send hello' | socat -t 5 stdio unix-connect:$SOCK | sed '/^\$/d')\" ]"
check "... g UP again" until_status g UP 3
cmd "set server lb/g agent-port $AG" >/dev/null
cmd "set server lb/g agent-send" >/dev/null
check "set server check-port: a's check goes to a dead port, a DOWN" \
	sh -c "[ -z \"\$(echo 'set server lb/a check-port $DEAD' | socat -t 5 stdio unix-connect:$SOCK | sed '/^\$/d')\" ]"
until_status a DOWN 5
check "... a DOWN after fall checks ($(col a status), srv_check_port $(state a srv_check_port))" \
	test "$(col a status)|$(state a srv_check_port)" = "DOWN|$DEAD"
cmd "set server lb/a check-addr 127.0.0.1 port $A" >/dev/null
check "set server check-addr with a port: a's check back on its server, UP" until_status a UP 5
check "... srv_check_addr and srv_check_port ($(state a srv_check_addr) $(state a srv_check_port))" \
	test "$(state a srv_check_addr) $(state a srv_check_port)" = "127.0.0.1 $A"
check "check-port on a server without check: HAProxy's error" \
	test "$(cmd 'set server lb/n check-port 5')" = "health checks are not enabled on this server"
check "check-port abc: HAProxy's error" \
	test "$(cmd 'set server lb/a check-port abc')" = "provided port is not an integer"
check "check-port without a port" \
	test "$(cmd 'set server lb/a check-port')" = "set server <b>/<s> check-port requires a port."
check "check-addr bogus: HAProxy's error" test "$(cmd 'set server lb/a check-addr bogus')" = "invalid addr 'bogus'"
check "agent-send on a server without agent: HAProxy's error" \
	test "$(cmd 'set server lb/a agent-send x')" = "agent checks are not enabled on this server."

# --- the stats page's actions
post() {
	curl -s -m 5 -o /dev/null -w '%{redirect_url}' --data-binary "$1" "http://127.0.0.1:$ADM/stats"
}
r=$(post "s=a&action=hdown&b=lb")
check "page: Health force DOWN answers st=DONE ($r)" test "${r##*;st=}" = DONE
s=$(col a status)
check "page: a DOWN ($s)" test "$s" = DOWN -o "$s" = "DOWN 1/2"
check "page: logged 'changed from Web interface'" \
	logged "Server lb/a is DOWN, changed from Web interface."
until_status a UP 4
r=$(post "s=a&s=n&action=dhlth&b=lb")
check "page: Health disable on a checked and an unchecked server: DONE, n not counted ($r)" \
	test "${r##*;st=}" = DONE
check "page: a 'no check'" test "$(col a status)" = "no check"
r=$(post "s=a&action=ehlth&b=lb")
check "page: Health enable: DONE, a UP ($r, $(col a status))" \
	test "${r##*;st=}|$(col a status)" = "DONE|UP"
says "100%"
r=$(post "s=g&action=adown&b=lb")
s=$(col g status)
check "page: Agent force DOWN: DONE, g DOWN (agent) ($r, $s)" \
	test "${r##*;st=}|$s" = "DONE|DOWN (agent)"
r=$(post "s=a&action=arunn&b=lb")
check "page: Agent force UP on a server without agent: not counted, NONE ($r)" \
	test "${r##*;st=}" = NONE
r=$(post "s=a&s=nope&action=hrunn&b=lb")
check "page: an unknown server counts but is not altered: PART ($r)" test "${r##*;st=}" = PART
check "page: the action list offers the health and agent actions" \
	sh -c "curl -s -m 5 http://127.0.0.1:$ADM/stats | grep -q '<option value=\"hrunn\">Health: force UP'"

# --- set server addr: traffic and checks follow the new address
N2=$(free_port)
start_testsrv n2 "$N2" --listen "127.0.0.2:$N2"
r=$(cmd "set server lb/n addr 127.0.0.2 port $N2")
check "set server addr: HAProxy's reply ($r)" \
	test "$r" = "IP changed from '127.0.0.1' to '127.0.0.2', port changed from '$N' to '$N2' by 'stats socket command'"
out=$(spread 40)
check "... n's share now reaches the new address ($out)" \
	test "$(json names.n2 <<<"$out")" -ge 5 -a "$(json names.n <<<"$out")" -eq 0
check "... show stat addr says so ($(col n addr))" test "$(col n addr)" = "127.0.0.2:$N2"
check "... and show servers state ($(state n srv_addr) $(state n srv_port))" \
	test "$(state n srv_addr) $(state n srv_port)" = "127.0.0.2 $N2"
r=$(cmd "set server lb/n addr 127.0.0.2")
check "the same address again: nothing to change ($r)" \
	test "$r" = "no need to change the addr by 'stats socket command'"
cmd "set server lb/dead addr 127.0.0.1 port $B" >/dev/null
check "a dead server moved to a live address: its check follows, UP" until_status dead UP 3
check "a bad address: HAProxy's error" \
	test "$(cmd 'set server lb/n addr 10.0.0.300')" = "Invalid addr '10.0.0.300' by 'stats socket command'"
# (HAProxy takes the address and wraps the port: 70000 becomes 4464)
if [ "${PROXY:-weir}" != haproxy ]; then
	check "a bad port: refused whole, nothing changed" \
		test "$(cmd 'set server lb/n addr 127.0.0.3 port 70000')|$(col n addr)" = \
		"Invalid port '70000': a port is 1 to 65535 (nothing changed) by 'stats socket command'|127.0.0.2:$N2"
fi

# --- wrong uses: one line each, HAProxy's words
check "health: a wrong word" test "$(cmd 'set server lb/a health bogus')" = \
	"'set server <srv> health' expects 'up', 'stopping', or 'down'."
check "agent: a wrong word" test "$(cmd 'set server lb/g agent bogus')" = \
	"'set server <srv> agent' expects 'up' or 'down'."
check "agent on a server without one" test "$(cmd 'set server lb/a agent down')" = \
	"agent checks are not enabled on this server."
check "enable health on a server without check" test "$(cmd 'enable health lb/n')" = \
	"Health check was not configured on this server, cannot enable."
check "enable agent on a server without agent" test "$(cmd 'enable agent lb/a')" = \
	"Agent was not configured on this server, cannot enable."
check "disable health on an unknown server" test "$(cmd 'disable health lb/nope')" = "No such server."
check "disable health without a server" test "$(cmd 'disable health')" = "Require 'backend/server'."
check "help lists the four switches" \
	test "$(cmd help | grep -cE '^  (enable|disable) (health|agent) ')" -eq 4

if [ "${PROXY:-weir}" = haproxy ]; then
	kill "$WEIR_PID"; done_testing; exit
fi
check "weir stops on SIGTERM" stop_weir
d_done
