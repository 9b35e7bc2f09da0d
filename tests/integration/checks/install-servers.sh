#!/bin/sh
# Install the real servers the health-check rigs in this folder run
# (redis-server, postgresql, mariadb-server) from the distribution's
# packages, without letting any of them start as a service: the tests run
# their own instances on loopback in a temp dir and must not find a system
# one holding a port or a data dir. Idempotent: nothing to do when all
# three are present. Needs root (apt-get).
#   tests/integration/checks/install-servers.sh
set -eu

have() {
	command -v redis-server >/dev/null 2>&1 &&
		ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 &&
		{ command -v mariadbd >/dev/null 2>&1 || command -v mysqld >/dev/null 2>&1 ||
			[ -x /usr/sbin/mariadbd ] || [ -x /usr/sbin/mysqld ]; }
}
if have; then
	echo "install-servers: redis-server, postgresql and mariadb-server already present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-servers: must run as root (apt-get)" >&2
	exit 1
fi

# policy-rc.d exit 101: invoke-rc.d starts no service during the install.
# Created only if absent, and then removed again whatever happens.
POLICY=/usr/sbin/policy-rc.d
created=""
if [ ! -e "$POLICY" ]; then
	printf '#!/bin/sh\n# temporary, from weir tests/integration/checks/install-servers.sh\nexit 101\n' >"$POLICY"
	chmod 755 "$POLICY"
	created=1
fi
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	if [ -n "$created" ]; then rm -f "$POLICY"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends redis-server postgresql mariadb-server
have || { echo "install-servers: a server is still missing after the install" >&2; exit 1; }
echo "install-servers: done"
exit 0
