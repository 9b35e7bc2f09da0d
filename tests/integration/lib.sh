# Shared helpers for integration tests (sourced). Each test prints TAP-style
# lines "ok N - what" / "not ok N - what" and exits non-zero on failure;
# tests/run-all counts them.
set -u
WEIR_BIN=${WEIR_BIN:-$(pwd)/weir}
WEIR_SRCDIR=${WEIR_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
t_n=0
t_failed=0

ok() { t_n=$((t_n + 1)); echo "ok $t_n - $*"; }
not_ok() { t_n=$((t_n + 1)); t_failed=$((t_failed + 1)); echo "not ok $t_n - $*"; }
# check "description" command...: ok when the command succeeds
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
done_testing() { echo "# $t_n tests, $t_failed failed"; [ "$t_failed" -eq 0 ]; }
skip_all() { echo "# SKIP $*"; exit 77; }

# The shared folder beside the checkout (seed configs, benchmark).
find_shared() {
	local d
	for d in "${WEIR_SHARED:-}" "$WEIR_SRCDIR/../shared" "$WEIR_SRCDIR/../../shared"; do
		[ -n "$d" ] && [ -d "$d/seed-configs" ] && { cd "$d" && pwd; return 0; }
	done
	return 1
}

t_tmpdir() {
	T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/weir-test.XXXXXX")
	trap 'rm -rf "$T_TMP"' EXIT
}
