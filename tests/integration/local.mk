# integration tests: shell scripts run against the real weir binary
TESTS += tests/integration/seeds.sh tests/integration/cli.sh tests/integration/man.sh
EXTRA_DIST += tests/integration/lib.sh tests/integration/seeds.sh tests/integration/cli.sh tests/integration/man.sh contrib/gen-man-keywords
