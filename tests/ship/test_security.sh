#!/usr/bin/env bash
# tests/ship/test_security.sh -- the sandbox of rosterd.service rates at most
# 1.0 ("SAFE") in systemd-analyze security.
#   test_security.sh SOURCE_DIR
set -euo pipefail
SRC=$1
. "$(dirname "$0")/lib.sh"
need systemd-analyze systemd

unit=$SRC/systemd/rosterd.service
# --threshold is in tenths: 10 means an exposure of 1.0.
out=$(SYSTEMD_LOG_COLOR=0 systemd-analyze security --offline=yes --no-pager --threshold=10 \
        "$unit" 2>&1) || fail "rated above 1.0:
$(grep -E '✗|Overall' <<<"$out")"
score=$(sed -n 's/.*Overall exposure level for rosterd.service: \([0-9.]*\).*/\1/p' <<<"$out")
[ -n "$score" ] || fail "no overall exposure level in:
$out"
awk -v s="$score" 'BEGIN { exit !(s <= 1.0) }' || fail "exposure $score is above 1.0"

# The threshold must bite: the same unit without its sandbox fails it.
sed -n '/^\[Unit\]/,/^# Nothing but/p' "$unit" | grep -v '^# Nothing but' >"$TMP/rosterd.service"
printf '[Install]\nWantedBy=multi-user.target\n' >>"$TMP/rosterd.service"
if systemd-analyze security --offline=yes --no-pager --threshold=10 "$TMP/rosterd.service" \
        >/dev/null 2>&1; then
        fail "an unsandboxed unit passed --threshold=10"
fi
echo "ok: exposure $score"
