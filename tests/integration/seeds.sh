#!/usr/bin/env bash
# Promise: `weir -c` judges every configuration of the users' guides as
# HAProxy 2.6 does. Of the 41 originals, those HAProxy accepts exit 0, those
# that only miss certificate files exit 1 naming the file, and the 9 guide
# mistakes exit 1 naming the line and the fix. Of the runnable copies (with
# test certificates), 32 exit 0 and the same 9 exit 1. `-c` never binds,
# connects or resolves (checked with strace).
. "$(dirname "$0")/lib.sh"
shared=$(find_shared) || skip_all "shared/seed-configs not found"
seeds=$shared/seed-configs
t_tmpdir
sh "$seeds/make-test-certs.sh" "$T_TMP/certs" >/dev/null 2>&1 || { not_ok "make-test-certs.sh"; done_testing; exit 1; }
export CERTDIR=$T_TMP/certs ERRDIR=$WEIR_SRCDIR/conf/errors

# expected exit code from results.tsv's verdict column
expect_rc() { case $1 in valid*) echo 0 ;; *) echo 1 ;; esac; }

while IFS=$'\t' read -r file _lines orig runnable _rest; do
	[ "$file" = file ] && continue
	for variant in orig runnable; do
		if [ $variant = orig ]; then path=$seeds/$file; verdict=$orig; else path=$seeds/runnable/$file; verdict=$runnable; fi
		want=$(expect_rc "$verdict")
		out=$("$WEIR_BIN" -c -f "$path" 2>&1); rc=$?
		if [ "$rc" = "$want" ]; then ok "$variant $file exits $want ($verdict)"
		else not_ok "$variant $file exits $rc, want $want ($verdict)"; echo "$out" | sed 's/^/#   /' | head -20; fi
		# a missing certificate is named in the message
		if [ $variant = orig ] && [[ $verdict == *"needs files"* ]]; then
			check "$file names the missing certificate" grep -q '/etc/haproxy/certs/' <<<"$out"
		fi
	done
done <"$seeds/results.tsv"

# The 9 mistakes: line number and the fix in the message (runnable copies).
expect_msg() { # file line substring
	local out
	out=$("$WEIR_BIN" -c -f "$seeds/runnable/$1" 2>&1)
	if grep -F "$1:$2]" <<<"$out" | grep -qF -- "$3"; then ok "$1:$2 says '$3'"
	else not_ok "$1:$2 should say '$3'"; echo "$out" | sed 's/^/#   /' | head -10; fi
}
expect_msg s000-08-http-health-check.cfg 18 "use 'string'"
expect_msg s000-09-multistep-http-check.cfg 19 "http-check connect"
expect_msg s000-12-acl-routing.cfg 32 "date,ltime(%H)"
expect_msg s000-12-acl-routing.cfg 33 "date,ltime(%u)"
expect_msg s000-14-ssl-tuning-global.cfg 10 "ssl-engine"
expect_msg s000-19-multi-layer-rate-limiting.cfg 20 "conflicts"
expect_msg s000-19-multi-layer-rate-limiting.cfg 21 "base32+src"
expect_msg s001-08-perf-tuning-global.cfg 10 "nbthread 4"
expect_msg s002-02-l7-http-https.cfg 42 "is_api"
expect_msg s002-03-advanced-health-checks.cfg 19 "http-check send hdr Host"
expect_msg s002-03-advanced-health-checks.cfg 20 "http-check send hdr User-Agent"
expect_msg s002-07-ssl-hardening-global.cfg 13 "ocsp-update"

# -c over the whole folder (a directory loads its *.cfg in C-locale order)
out=$("$WEIR_BIN" -c -f "$seeds/runnable/s000-06-tcp-redis-master.cfg" -f "$seeds/runnable/s000-16-stats-dashboard.cfg" 2>&1)
check "two -f files load together" test $? -eq 0
out=$("$WEIR_BIN" -c -f "$seeds/runnable/s000-04-backend-cookie-reuse.cfg" -f "$seeds/runnable/s001-01-minimal-production.cfg" 2>&1)
check "a backend declared in two files is reported with both places" \
	grep -q "backend 'web_servers' has the same name as backend 'web_servers' declared at .*s000-04-backend-cookie-reuse.cfg:14" <<<"$out"

# never binds, connects or resolves
if command -v strace >/dev/null 2>&1; then
	strace -f -qq -e trace=bind,connect,sendto,sendmsg -o "$T_TMP/strace" \
		"$WEIR_BIN" -c -f "$seeds/s000-23-production.cfg" >/dev/null 2>&1
	if grep -E 'AF_INET6?|sin_port' "$T_TMP/strace" >/dev/null; then
		not_ok "-c makes no network call"; sed 's/^/#   /' "$T_TMP/strace" | head
	else ok "-c makes no network call (strace)"; fi
else
	echo "# strace not installed: network-call check skipped"
fi
done_testing
