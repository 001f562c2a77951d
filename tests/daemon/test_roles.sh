#!/usr/bin/env bash
# tests/daemon/test_roles.sh -- roles from peer credentials (SPEC §1):
# clients running as other uids and gids get exactly what their role
# allows, and an employer's view holds no private field. Needs root to
# drop to those ids (skips with 77 otherwise).
#   test_roles.sh ROSTERD ROSTERCTL DATA_DIR
set -euo pipefail
ROSTERD=$1 ROSTERCTL=$2 DATA=$3
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
        echo "needs root and setpriv to run clients as other users; skipping"
        exit 77
fi
. "$(dirname "$0")/lib.sh"

# as UID GID GROUPS COMMAND...: GROUPS is a comma list or "-" for none.
as() {
        local uid=$1 gid=$2 groups=$3
        shift 3
        if [ "$groups" = - ]; then
                setpriv --reuid="$uid" --regid="$gid" --clear-groups "$@"
        else
                setpriv --reuid="$uid" --regid="$gid" --groups="$groups" "$@"
        fi
}
bakery() { as 60001 60001 - "$ROSTERCTL" "$@"; }
garage() { as 60002 60002 - "$ROSTERCTL" "$@"; }
school() { as 60003 60003 - "$ROSTERCTL" "$@"; }
manager() { as 60010 60010 60100 "$ROSTERCTL" "$@"; }
stranger() { as 60099 60099 - "$ROSTERCTL" "$@"; }

start_daemon
W=(--week 2026-W49)
expect 0 "$ROSTERCTL" submit "$DATA/candidates.yaml" "$DATA/timetable.yaml"
cp "$DATA"/shift-needs-*.yaml "$DATA"/timetable*.yaml "$TMP"/
chmod 644 "$TMP"/*.yaml

# A peer no rule names: refused, whatever it asks.
expect 1 stranger status
has "$TMP/err" forbidden
expect 1 stranger submit "$TMP/shift-needs-bakery.yaml"

# Employers submit their own shift needs only.
expect 0 bakery submit "$TMP/shift-needs-bakery.yaml"
expect 1 bakery submit "$TMP/shift-needs-garage.yaml"
has "$TMP/err" forbidden
expect 0 garage submit "$TMP/shift-needs-garage.yaml"
expect 1 bakery submit "$DATA/candidates.yaml"
expect 1 bakery submit "$TMP/timetable.yaml"
expect 1 bakery propose "${W[@]}" --employer bakery-noord
has "$TMP/err" forbidden

# Account managers (by group) ask for proposals and approve them.
expect 0 manager propose "${W[@]}" --format yaml
expect 0 manager approve "${W[@]}" --employer bakery-noord
expect 1 bakery approve "${W[@]}" --employer garage-zuid
has "$TMP/err" forbidden
expect 0 manager show "${W[@]}" --employer bakery-noord --format yaml
has "$TMP/out" paid_hours
has "$TMP/out" "target:"
expect 0 manager show "${W[@]}" --employer garage-zuid --format yaml
has "$TMP/out" "reason: language"
expect 0 manager show "${W[@]}" --employer bakery-noord --format ics
has "$TMP/out" "CATEGORIES:CLASS"
expect 1 manager reload
has "$TMP/err" forbidden

# An employer sees its own roster, and nothing private in it (§10.18).
expect 0 bakery show "${W[@]}" --employer bakery-noord --format yaml
has "$TMP/out" "employer: bakery-noord"
has "$TMP/out" "candidate: c-1"
has "$TMP/out" "Amal"
for word in class groep taal-noord language paid_hours "target:" "max:" "min:" garage dentist \
            detail "A1" "A2" "B2"; do
        lacks "$TMP/out" "$word"
done
expect 0 garage show "${W[@]}" --employer garage-zuid --format yaml
has "$TMP/out" "reason: unavailable"
for word in class groep taal-noord language dentist detail bakery Amal "A1" "A2" "B2" \
            paid_hours "target:"; do
        lacks "$TMP/out" "$word"
done
expect 0 bakery show "${W[@]}" --employer bakery-noord --format ics
lacks "$TMP/out" "CATEGORIES:CLASS"
expect 1 bakery show "${W[@]}" --employer garage-zuid
has "$TMP/err" forbidden
expect 0 bakery list --format yaml
has "$TMP/out" "shift-needs/bakery-noord"
lacks "$TMP/out" garage
lacks "$TMP/out" candidates
lacks "$TMP/out" timetable
expect 1 bakery watch --employer garage-zuid
has "$TMP/err" forbidden

# The school replaces its own timetable only, and sees no rosters.
expect 0 school submit "$TMP/timetable.yaml"
sed 's/school: taal-noord/school: andere-school/' "$TMP/timetable.yaml" >"$TMP/other-school.yaml"
chmod 644 "$TMP/other-school.yaml"
expect 1 school submit "$TMP/other-school.yaml"
has "$TMP/err" forbidden
expect 1 school submit "$DATA/candidates.yaml"
expect 1 school show "${W[@]}" --employer bakery-noord
expect 1 school watch
expect 0 school status --format yaml
has "$TMP/out" "role: school"

# Roles by primary group and by supplementary group.
expect 0 as 60012 60100 - "$ROSTERCTL" show "${W[@]}" --employer garage-zuid
expect 0 as 60013 60013 60013,60200 "$ROSTERCTL" reload

# Rules by name: looked up when the configuration was taken (and again at
# the reload above); an unknown name is logged and grants nothing.
NOBODY=$(id -u nobody)
expect 0 as "$NOBODY" "$NOBODY" - "$ROSTERCTL" show "${W[@]}" --employer garage-zuid --format yaml
expect 1 as "$NOBODY" "$NOBODY" - "$ROSTERCTL" show "${W[@]}" --employer bakery-noord
has "$TMP/err" forbidden
has "$TMP/rosterd.log" 'names group "rosterd-test-no-such-group", which is not known'

# A subscribed employer gets its own rosters, in its view.
as 60001 60001 - "$ROSTERCTL" watch --format yaml >"$TMP/watch" 2>&1 &
WATCH=$!
sleep 0.5
expect 0 manager propose "${W[@]}" --employer bakery-noord
expect 0 manager propose "${W[@]}" --employer garage-zuid
for _ in $(seq 1 100); do grep -q "event: proposal" "$TMP/watch" && break; sleep 0.1; done
sleep 0.5
kill "$WATCH"; wait "$WATCH" 2>/dev/null || true
has "$TMP/watch" "employer: bakery-noord"
lacks "$TMP/watch" "garage"
lacks "$TMP/watch" "paid_hours"
lacks "$TMP/watch" "class"

stop_daemon
echo "roles: ok"
