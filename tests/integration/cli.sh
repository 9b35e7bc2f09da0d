#!/usr/bin/env bash
# Promise: weir's command line behaves like HAProxy's: the flags, their
# exit codes (-c: 0 valid, 1 errors, 2 no listener; -cc: 0 true, 1 false,
# 2 error), -f directories in C-locale order, long forms, and a bad flag
# prints the usage and exits 1.
. "$(dirname "$0")/lib.sh"
t_tmpdir
W=$WEIR_BIN
cd "$T_TMP"

cat >valid.cfg <<'CFG'
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:18080
    default_backend be
backend be
    server s1 127.0.0.1:28080
CFG
printf 'defaults\n    mode http\n    timeout connect 1s\n    timeout client 1s\n    timeout server 1s\nbackend be\n    server s1 127.0.0.1:28080\n' >nolisten.cfg
printf 'global\n    maxconn 100\nfrontend fe\n    bind 127.0.0.1:18080\n    mode htttp\n' >broken.cfg

"$W" -v >out 2>&1; check "-v exits 0" test $? -eq 0
check "-v prints the version" grep -q '^weir version' out
"$W" --version >out 2>&1; check "--version is -v" grep -q '^weir version' out
"$W" -vv >out 2>&1; check "-vv exits 0" test $? -eq 0
for lib in OpenSSL PCRE2 libevent libyaml epoll; do
	check "-vv names $lib" grep -q "$lib" out
done
"$W" --help >out 2>&1; check "--help prints the usage" grep -q 'Usage' out
"$W" -Z >out 2>&1; rc=$?
check "a bad flag exits 1" test $rc -eq 1
check "a bad flag prints the usage" grep -q 'Usage' out
"$W" -c >out 2>&1; check "-c without -f exits 1" test $? -eq 1
"$W" -c -f >out 2>&1; check "-f without a value exits 1" test $? -eq 1

"$W" -c -f valid.cfg >out 2>&1; check "-c valid exits 0" test $? -eq 0
check "-c valid says so" grep -q 'Configuration file is valid' out
"$W" --check --config valid.cfg >/dev/null 2>&1; check "--check --config" test $? -eq 0
"$W" -c -f nolisten.cfg >out 2>&1; check "-c without a listener exits 2" test $? -eq 2
"$W" -c -f broken.cfg >out 2>&1; check "-c with an error exits 1" test $? -eq 1
check "the error names file:line" grep -q 'parsing \[broken.cfg:5\]' out
check "the error suggests the fix" grep -q "'http' or 'tcp'" out
check "a summary line ends the errors" grep -q 'Fatal errors found in configuration' out
"$W" -c -q -f broken.cfg >out 2>&1; check "-q prints nothing" test ! -s out
"$W" -c -q -f valid.cfg >out 2>&1; check "-c -q valid prints nothing" test ! -s out
"$W" -c -- valid.cfg >/dev/null 2>&1; check "files after --" test $? -eq 0
"$W" -c -f valid.cfg -sf 123 456 -x /tmp/none.sock -p /tmp/none.pid -n 100 -N 50 -L peer1 -S 127.0.0.1:1234 -W -dM0x55 >/dev/null 2>&1
check "daemon flags are parsed with -c" test $? -eq 0
"$W" -c -f valid.cfg -n 0 >out 2>&1; check "-n 0 is refused" test $? -eq 1
"$W" -c -f valid.cfg -S 127.0.0.1:99999 >out 2>&1; check "-S with a bad address is refused" test $? -eq 1
check "-S error names the bad port" grep -q "invalid port '99999'" out
"$W" -c -f valid.cfg -x nope >out 2>&1; check "-x without a socket path is refused" test $? -eq 1
"$W" -c -f valid.cfg -dM999 >out 2>&1; check "-dM999 is refused" test $? -eq 1
mkdir sub && cp valid.cfg sub/
"$W" -C sub -c -f valid.cfg >/dev/null 2>&1; check "-C changes directory before loading" test $? -eq 0

# -dW: a warning becomes fatal (a frontend without timeout client warns)
printf 'frontend fe\n    bind 127.0.0.1:18080\n' >warn.cfg
"$W" -c -f warn.cfg >/dev/null 2>&1; check "a warning alone keeps exit 0" test $? -eq 0
"$W" -c -dW -f warn.cfg >/dev/null 2>&1; check "-dW makes warnings fatal" test $? -eq 1

# a directory loads its *.cfg files in C-locale order: B before a
mkdir conf.d
printf 'frontend fe\n    bind 127.0.0.1:18080\n    default_backend be\n' >conf.d/a.cfg
printf 'defaults\n    mode tcp\n    timeout connect 1s\n    timeout client 1s\n    timeout server 1s\n' >conf.d/B.cfg
printf 'backend be\n    server s 127.0.0.1:1\n' >conf.d/c.cfg
printf 'this is not loaded\n' >conf.d/notes.txt
"$W" -c -f conf.d >out 2>&1; check "-f <dir> loads *.cfg in C-locale order" test $? -eq 0

# -cc conditions
"$W" -cc 'version_atleast(0.1)' ; check "-cc true exits 0" test $? -eq 0
"$W" -cc 'version_atleast(99.0)'; check "-cc false exits 1" test $? -eq 1
"$W" -cc 'defined(WEIR_NOT_SET_ANYWHERE)'; check "-cc defined() of an unset variable is false" test $? -eq 1
FOO=bar "$W" -cc 'defined(FOO) && !strneq(bar,bar)'; check "-cc && and !" test $? -eq 0
"$W" -cc 'streq(a,b) || (feature(OPENSSL) && strneq(a,b))'; check "-cc || and parentheses" test $? -eq 0
"$W" -cc 'version_atleast(' 2>/dev/null; check "-cc syntax error exits 2" test $? -eq 2

# the dumps reload to a valid configuration
"$W" -c -f valid.cfg --dump=cfg >dump.cfg 2>/dev/null; check "--dump=cfg exits 0" test $? -eq 0
"$W" -c -f dump.cfg >/dev/null 2>&1; check "the cfg dump is a valid configuration" test $? -eq 0
"$W" -c -f valid.cfg --dump=yaml >dump.yaml 2>/dev/null; check "--dump=yaml exits 0" test $? -eq 0
"$W" -c -f dump.yaml >/dev/null 2>&1; check "the YAML dump is a valid configuration" test $? -eq 0
"$W" -f valid.cfg --dump=cfg >/dev/null 2>&1; check "--dump without -c is refused" test $? -eq 1
done_testing
