#!/usr/bin/env bash
# IP pattern lists at blocklist scale, as a user loads them: a 50,000-line
# CIDR blocklist with `src -f` denies the loopback clients it lists (a
# network, a host, a host written as IPv4-mapped IPv6) and lets the others
# through; a map_ip file of 50,000 networks that overlap routes each client
# with `use_backend %[src,map_ip(...)]` to the value of its longest prefix,
# whatever the order of the lines. Clients are curl bound to 127.0.0.x.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
. "$WEIR_SRCDIR/tests/integration/daemon-lib.sh"
d_setup
command -v curl >/dev/null || skip_all "curl missing"

# 50,000 networks outside 127/8 (10.0.0.0/8 split into /24s), with the
# loopback lines in the middle and at the end
python3 - "$T_TMP" <<'PY'
import sys
d = sys.argv[1]
nets = ["10.%d.%d.0/24" % (i // 256 % 256, i % 256) for i in range(50000)]
with open(d + "/block.lst", "w") as f:
    f.write("\n".join(nets[:25000]) + "\n127.0.5.0/24\n127.0.0.3\n")
    f.write("\n".join(nets[25000:]) + "\n::ffff:127.0.0.4\n")
with open(d + "/route.map", "w") as f:
    f.write("127.0.9.9 be_c\n")                 # the host, before its networks
    f.write("".join(n + " be_x\n" for n in nets))
    f.write("127.0.0.0/8 be_a\n127.0.9.0/24 be_b\n127.0.9.0/24 be_x\n")
PY

FE=$(free_port); A=$(free_port); B=$(free_port); C=$(free_port)
start_testsrv srv_a "$A" --mode http
start_testsrv srv_b "$B" --mode http
start_testsrv srv_c "$C" --mode http
cat >"$T_TMP/weir.cfg" <<CFG
global
    log stdout format raw local0
defaults
    mode http
    log global
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:$FE
    http-request deny if { src -f $T_TMP/block.lst }
    use_backend %[src,map_ip($T_TMP/route.map,be_a)]
backend be_a
    server a 127.0.0.1:$A
backend be_b
    server b 127.0.0.1:$B
backend be_c
    server c 127.0.0.1:$C
backend be_x
    http-request deny
CFG
check "weir starts with a 50,000-line blocklist and map" start_weir "$T_TMP/weir.cfg"

# from SRC: the status and the backend server that answered
from() {
	curl -s -o /dev/null -D "$T_TMP/h" -m 5 --interface "$1" -w '%{http_code}' \
		"http://127.0.0.1:$FE/" 2>/dev/null
	tr -d '\r' <"$T_TMP/h" | sed -n 's/^X-Served-By: /:/Ip' | head -1
}
for c in 127.0.5.1:403 127.0.5.254:403 127.0.0.3:403 127.0.0.4:403 \
	 127.0.0.2:200:srv_a 127.0.6.1:200:srv_a 127.0.9.1:200:srv_b 127.0.9.9:200:srv_c; do
	src=${c%%:*} want=${c#*:}
	got=$(from "$src" | tr -d '\n')
	check "from $src: $want (got $got)" test "$got" = "$want"
done
d_done
