#!/usr/bin/env bash
# Promise: weir.cfg(5) documents every keyword the parser accepts, and
# weir(1) every command-line flag. A keyword registered without its man
# entry fails here (regenerate with contrib/gen-man-keywords).
. "$(dirname "$0")/lib.sh"
page=$WEIR_SRCDIR/man/weir.cfg.5
missing=0 total=0
while IFS=$'\t' read -r name _rest; do
	total=$((total + 1))
	esc=$(printf '%s' "$name" | sed 's/\\/\\\\e/g; s/-/\\-/g')
	if ! grep -qF ".B \"$esc\"" "$page"; then
		missing=$((missing + 1)); echo "# not in weir.cfg(5): $name"
	fi
done < <("$WEIR_BIN" --list-keywords)
check "the registry lists keywords ($total)" test "$total" -gt 100
check "weir.cfg(5) documents every registered keyword ($missing missing)" test "$missing" -eq 0
for flag in -f -c -cc -q -V -d -db -D -W -Ws -S -p -sf -st -x -v -vv -n -N -L -C -dW -dM \
	--config --check --version --help --dump=cfg; do
	f=$(printf '%s' "$flag" | sed 's/-/\\\\-/g')
	if grep -qE -- "^\.(B|BI|BR|TP).*$f" "$WEIR_SRCDIR/man/weir.1"; then ok "weir(1) documents $flag"
	else not_ok "weir(1) documents $flag"; fi
done
done_testing
