# integration tests: shell scripts run against the real weir binary
TESTS += tests/integration/seeds.sh tests/integration/cli.sh tests/integration/man.sh
EXTRA_DIST += tests/integration/lib.sh tests/integration/seeds.sh tests/integration/cli.sh tests/integration/man.sh contrib/gen-man-keywords
# the running daemon: real master, workers, checker and stats processes,
# weir's test backend (tests/tools) and real clients on loopback
DAEMON_TESTS = tests/integration/daemon/balance.sh tests/integration/daemon/reload.sh \
	tests/integration/daemon/workers.sh tests/integration/daemon/stats.sh \
	tests/integration/daemon/relay.sh tests/integration/daemon/takeover.sh \
	tests/integration/daemon/modes.sh tests/integration/daemon/timeouts.sh \
	tests/integration/daemon/retries.sh tests/integration/daemon/listeners.sh \
	tests/integration/daemon/checks.sh tests/integration/daemon/drain.sh \
	tests/integration/daemon/quickstart.sh tests/integration/daemon/agent.sh \
	tests/integration/daemon/slowstart.sh tests/integration/daemon/observe.sh \
	tests/integration/daemon/logdrop.sh tests/integration/daemon/websocket.sh \
	tests/integration/daemon/reuse.sh tests/integration/daemon/smuggle.sh \
	tests/integration/daemon/slowloris.sh tests/integration/daemon/httplog.sh \
	tests/integration/daemon/seeds-http.sh tests/integration/daemon/retry-on.sh \
	tests/integration/daemon/monitor.sh tests/integration/daemon/inspect.sh \
	tests/integration/daemon/errorpages.sh tests/integration/daemon/framing.sh \
	tests/integration/daemon/statsadmin.sh tests/integration/daemon/ipacl.sh \
	tests/integration/daemon/httpmodes.sh tests/integration/daemon/logopts.sh \
	tests/integration/daemon/healthctl.sh tests/integration/daemon/prometheus.sh
TESTS += $(DAEMON_TESTS)
EXTRA_DIST += tests/tools/rawhttp.py tests/tools/slowloris.py tests/tools/wstest.py \
	tests/tools/httpload.py tests/tools/framesrv.py tests/tools/framecli.py \
	tests/tools/httpmodes.py
EXTRA_DIST += tests/integration/daemon-lib.sh $(DAEMON_TESTS) tests/tools/tcpload.py \
	tests/integration/daemon/prometheus-types.txt
# health checks against real servers from Debian packages (redis,
# PostgreSQL, MariaDB; contrib/quickstart test installs them with
# tests/integration/checks/install-servers.sh) and weir's own backend
CHECK_TESTS = tests/integration/checks/redis.sh tests/integration/checks/pgsql.sh \
	tests/integration/checks/mysql.sh tests/integration/checks/http.sh \
	tests/integration/checks/l7.sh tests/integration/checks/tls.sh
TESTS += $(CHECK_TESTS)
EXTRA_DIST += $(CHECK_TESTS) tests/integration/checks/servers-lib.sh \
	tests/integration/checks/install-servers.sh
