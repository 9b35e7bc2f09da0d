#!/usr/bin/env bash
# Promise: what packaging/ ships would work on a machine: the systemd unit
# is valid, the init script parses, both run /usr/sbin/weir and nothing
# else, `make install` puts the binary and both man pages where the unit
# looks, the default /etc/weir/weir.cfg is valid (no listener: exit 2), and
# debian/rules finds the files it copies from packaging/.
. "$WEIR_SRCDIR/tests/integration/lib.sh"
t_tmpdir
P=$WEIR_SRCDIR/packaging
UNIT=$P/systemd/weir.service
INIT=$P/init.d/weir

# systemd-analyze verify checks that ExecStart's binary exists, so verify a
# copy that runs the built weir; any diagnostic at all is a failure (it
# exits 0 on an unknown key).
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir "$T_TMP/unit"
	sed "s|/usr/sbin/weir|$WEIR_BIN|g" "$UNIT" >"$T_TMP/unit/weir.service"
	out=$(systemd-analyze verify --man=no "$T_TMP/unit/weir.service" 2>&1)
	rc=$?
	[ -n "$out" ] && echo "$out" | sed 's/^/# /'
	check "systemd-analyze verify weir.service" test $rc -eq 0 -a -z "$out"
else
	ok "# SKIP systemd-analyze not installed"
fi
check "the unit is Type=notify with weir -Ws" grep -q '^ExecStart=/usr/sbin/weir -Ws ' "$UNIT"
check "the unit checks the config before start" grep -q '^ExecStartPre=/usr/sbin/weir -f \$CONFIG -c -q' "$UNIT"
check "the unit reloads with SIGUSR2" grep -q '^ExecReload=/bin/kill -USR2 \$MAINPID' "$UNIT"

check "bash -n on the init script" bash -n "$INIT"
check "sh -n on the init script" sh -n "$INIT"
for f in "$P"/debian/postinst "$P"/debian/postrm; do
	check "sh -n on debian/${f##*/}" sh -n "$f"
done

# Every path to a weir binary that the unit and the init script name.
paths=$(grep -ohE '(/[A-Za-z0-9_.-]+)*/s?bin/weir\b' "$UNIT" "$INIT" | sort -u)
check "the unit and init script name a binary" test -n "$paths"
check "that binary is /usr/sbin/weir, and only that" test "$paths" = /usr/sbin/weir
check "the unit runs weir only by that path" \
	test -z "$(grep -E '^Exec[A-Za-z]*=' "$UNIT" | grep -w weir | grep -v '=/usr/sbin/weir ')"
check "the init script's DAEMON is /usr/sbin/weir" grep -q '^DAEMON=/usr/sbin/weir$' "$INIT"

# make install from the build directory, into a scratch root. MAKEFLAGS
# would tie this make to the jobserver of the `make check` running us.
d=$T_TMP/root
(cd "$WEIR_BUILDDIR" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	make -s install DESTDIR="$d" >"$T_TMP/install.out" 2>&1)
check "make install DESTDIR=... succeeds" test $? -eq 0
check "it installs sbin/weir" test -n "$(find "$d" -path '*/sbin/weir' -type f -perm -u+x)"
check "it installs weir(1)" test -n "$(find "$d" -path '*/man1/weir.1*')"
check "it installs weir.cfg(5)" test -n "$(find "$d" -path '*/man5/weir.cfg.5*')"

"$WEIR_BIN" -c -f "$P/weir.cfg" >"$T_TMP/c.out" 2>&1
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 2 ] || sed 's/^/# /' "$T_TMP/c.out"
check "the default weir.cfg is valid (exit 0, or 2: no listener)" test $rc -eq 0 -o $rc -eq 2
check "the default weir.cfg binds no address" test -z "$(grep -E '^[[:space:]]*bind[[:space:]]' "$P/weir.cfg")"

# debian/rules copies these from packaging/ under debhelper's names
maps=$(awk '/^FROM_PACKAGING =/ { f = 1; sub(/^FROM_PACKAGING =/, "") }
	f { more = /\\$/; sub(/\\$/, ""); print; if (!more) exit }' "$P/debian/rules")
check "debian/rules takes the unit, init, default and logrotate from packaging/" \
	test "$(echo $maps | wc -w)" -eq 4
for m in $maps; do
	check "debian/${m#*:} comes from packaging/${m%%:*}" test -f "$P/${m%%:*}"
done
for dep in libevent-dev libssl-dev libpcre2-dev libyaml-dev libcrypt-dev check; do
	check "debian/control Build-Depends on $dep" grep -qE "^ +$dep( |,|$)|Build-Depends:.* $dep( |,|$)" "$P/debian/control"
done
if command -v dpkg-parsechangelog >/dev/null 2>&1; then
	v=$(dpkg-parsechangelog -l "$P/debian/changelog" -S Version 2>/dev/null)
	check "debian/changelog parses" test -n "$v"
	check "changelog and spec agree on the version" \
		grep -q "^Version: *${v%-*}$" "$P/rpm/weir.spec"
else
	ok "# SKIP dpkg-parsechangelog not installed"
fi
if command -v logrotate >/dev/null 2>&1; then
	check "logrotate -d accepts packaging/logrotate/weir" \
		logrotate -d -s "$T_TMP/lr.state" "$P/logrotate/weir"
else
	ok "# SKIP logrotate not installed"
fi
done_testing
