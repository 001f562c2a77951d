#!/usr/bin/env bash
# tests/daemon/test_rosterctl.sh -- rosterctl as SPEC §8 describes it:
# every command, its --help, its formats and its exit status (0 ok, 1 the
# daemon refused, 2 usage, 3 no daemon).
#   test_rosterctl.sh ROSTERD ROSTERCTL DATA_DIR
set -euo pipefail
ROSTERD=$1 ROSTERCTL=$2 DATA=$3
. "$(dirname "$0")/lib.sh"
C=$ROSTERCTL
W=(--week 2026-W49)

# Usage, before any daemon exists.
expect 0 "$C" --help
has "$TMP/out" "Usage: rosterctl"
for cmd in submit validate propose show approve watch status list reload; do
        expect 0 "$C" "$cmd" --help
        has "$TMP/out" "Usage: rosterctl \[--socket PATH\] $cmd"
done
expect 2 "$C"
expect 2 "$C" frobnicate
expect 2 "$C" show --employer bakery-noord
has "$TMP/err" "week is required"
expect 2 "$C" show --week 2026-W99 --employer x
expect 2 "$C" show "${W[@]}" --employer x --format xml
expect 2 "$C" propose "${W[@]}" --format csv
expect 2 "$C" status --week 2026-W49
expect 2 "$C" submit
expect 2 "$C" approve "${W[@]}" --employer x --revision seven
expect 3 "$C" status
has "$TMP/err" "cannot reach rosterd at $ROSTERD_SOCKET"
expect 3 env ROSTERD_SOCKET=/nonexistent/sock "$C" status

start_daemon

# --socket wins over $ROSTERD_SOCKET.
expect 0 env ROSTERD_SOCKET=/nonexistent/sock "$C" --socket "$ROSTERD_SOCKET" status

expect 0 "$C" submit "$DATA/candidates.yaml" "$DATA/timetable.yaml" "$DATA/shift-needs-bakery.yaml"
has "$TMP/out" "candidates.yaml: accepted as candidates revision 1"
has "$TMP/out" "shift-needs-bakery.yaml: accepted as shift-needs/bakery-noord revision 3"
expect 0 "$C" validate "$DATA/shift-needs-garage.yaml"
has "$TMP/out" "shift-needs-garage.yaml: valid (shift-needs/garage-zuid)"
# Errors name the line, column and field of the submitter's file.
expect 1 "$C" submit "$DATA/shift-needs-invalid.yaml" "$DATA/shift-needs-garage.yaml"
has "$TMP/err" "invalid:"
has "$TMP/err" "shift-needs-invalid.yaml:14:14: positions\[0\].shifts\[1\].end: expected a time"
has "$TMP/out" "shift-needs-garage.yaml: accepted as shift-needs/garage-zuid revision 4"
expect 1 "$C" submit "$TMP/missing.yaml"
expect 0 "$C" submit - <"$DATA/shift-needs-garage.yaml"

expect 1 "$C" show "${W[@]}" --employer bakery-noord
has "$TMP/err" "not-found"

expect 0 "$C" propose "${W[@]}" --employer bakery-noord --format yaml
has "$TMP/out" "kind: roster"
has "$TMP/out" "state: proposal"
REV=$(sed -n 's/^revision: //p' "$TMP/out")
[ -n "$REV" ] || fail "no revision in the proposal"
# Not a terminal: no progress line.
lacks "$TMP/err" "solving"
# On a terminal, what the solve waits for is shown and cleared again.
if command -v script >/dev/null; then
        script -qfec "$C propose ${W[*]} --employer bakery-noord --format yaml" "$TMP/tty" \
                >/dev/null 2>&1 || fail "propose on a terminal failed: $(tail -c 600 "$TMP/tty")"
        has "$TMP/tty" "solving 2026-W49 for bakery-noord (time limit [0-9.]*s; 0 running, 0 queued before it)"
        has "$TMP/tty" "kind: roster"
fi
expect 0 "$C" propose "${W[@]}" --format table
has "$TMP/out" "bakery-noord 2026-W49"
has "$TMP/out" "garage-zuid 2026-W49"
has "$TMP/out" "office (Balie)"
has "$TMP/out" "sat 10:00-14:00:"

# Not a terminal: YAML by default.
expect 0 "$C" show "${W[@]}" --employer bakery-noord
head -1 "$TMP/out" | grep -q "^kind: roster" || fail "show does not default to yaml"
expect 0 "$C" show "${W[@]}" --employer bakery-noord --format table
has "$TMP/out" "c-1 Amal"
has "$TMP/out" "07:00-13:00"
expect 0 "$C" show "${W[@]}" --employer bakery-noord --format csv
head -1 "$TMP/out" | grep -q "^employer,week,revision,state,position,day,date,start,end,kind,candidate,name,missing" \
        || fail "csv header"
has "$TMP/out" "bakery-noord,2026-W49,.*,proposal,oven,tue,2026-12-01,07:00,13:00,work,c-1,Amal,"
grep -q $'\r$' "$TMP/out" || fail "csv lines end in CRLF"
# One calendar per person, with work blocks and class sessions.
expect 0 "$C" show "${W[@]}" --employer bakery-noord --format ics --candidate c-1
[ "$(grep -c '^BEGIN:VCALENDAR' "$TMP/out")" = 1 ] || fail "one calendar expected"
[ "$(grep -c '^CATEGORIES:WORK' "$TMP/out")" = 5 ] || fail "five work blocks expected"
has "$TMP/out" "DTSTART:20261201T140000"
has "$TMP/out" "SUMMARY:Class: groep-dinsdag-middag\\\\, taal-noord"
has "$TMP/out" "DTSTART:20261130T070000"
grep -q $'^END:VCALENDAR\r$' "$TMP/out" || fail "ics lines end in CRLF"
awk '{ if (length($0) > 76) exit 1 }' "$TMP/out" || fail "ics lines longer than 75 octets"
expect 1 "$C" show "${W[@]}" --employer bakery-noord --format ics --candidate c-9
expect 2 "$C" show "${W[@]}" --employer bakery-noord --candidate c-1
# --candidate narrows the table and the CSV to one person's blocks.
expect 0 "$C" show "${W[@]}" --employer garage-zuid --format table --candidate c-3
has "$TMP/out" "c-3 Chiara"
has "$TMP/out" "09:00-15:00"
lacks "$TMP/out" "office"
lacks "$TMP/out" "uncovered"
expect 0 "$C" show "${W[@]}" --employer garage-zuid --format csv --candidate c-3
[ "$(wc -l <"$TMP/out")" = 2 ] || fail "one block of c-3 expected: $(cat "$TMP/out")"

expect 1 "$C" approve "${W[@]}" --employer bakery-noord --revision 1
has "$TMP/err" "conflict"
expect 0 "$C" approve "${W[@]}" --employer bakery-noord
has "$TMP/out" "approved bakery-noord 2026-W49 revision"
expect 0 "$C" show "${W[@]}" --employer bakery-noord
has "$TMP/out" "state: approved"

expect 0 "$C" status --format table
has "$TMP/out" "role admin"
expect 0 "$C" status --format yaml
has "$TMP/out" "^state: "
has "$TMP/out" "workers: 2"
expect 0 "$C" list --format table
has "$TMP/out" "shift-needs/bakery-noord"
expect 0 "$C" list --current --kind shift-needs --format yaml
has "$TMP/out" "holds: true"

# watch prints re-plans with their changes as they come.
"$C" watch --employer bakery-noord --format yaml >"$TMP/watch" 2>&1 &
WATCH=$!
sleep 0.5
expect 0 "$C" submit "$DATA/timetable-moved.yaml"
for _ in $(seq 1 600); do grep -q "replan: true" "$TMP/watch" && break; sleep 0.1; done
kill "$WATCH"; wait "$WATCH" 2>/dev/null || true
has "$TMP/watch" "event: proposal"
has "$TMP/watch" "replan: true"
has "$TMP/watch" "changes:"
has "$TMP/watch" "kind: roster"
expect 0 "$C" show "${W[@]}" --employer bakery-noord --proposal --format table
has "$TMP/out" "changes against the approved roster:"
has "$TMP/out" "oven             tue 07:00-13:00  c-1 -> c-2"

expect 0 "$C" reload
has "$TMP/out" reloaded

stop_daemon
expect 3 "$C" status
echo "rosterctl: ok"
