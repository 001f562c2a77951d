#!/usr/bin/env bash
# The daemon demo: rosterd as a service on a temporary socket and state
# directory, fed with the bundled Eindhoven week the way its three parties
# would, a proposal asked for, shown and approved, then a class moved by
# the school and the re-plan the daemon publishes with what changed.
#   daemon/demo.sh BUILD_DIR EXAMPLES_DIR
set -euo pipefail
build=${1:-build}
examples=${2:-$(dirname "$0")/../config/examples}
rosterd=$build/daemon/rosterd
rosterctl=$build/daemon/rosterctl
week=2026-W49
employer=agri-geldrop

tmp=$(mktemp -d /tmp/rosterd-demo-XXXXXX)
export ROSTERD_SOCKET=$tmp/rosterd.sock
# Past weeks are history and never re-planned; the demo week must not be
# one, whatever the date of the run.
export ROSTERD_TODAY=2026-11-23
pid=
watch=
finish() {
        [ -n "$watch" ] && kill "$watch" 2>/dev/null
        [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
        rm -rf "$tmp"
}
trap finish EXIT
step() { printf '\n== %s\n' "$*"; }

step "Starting rosterd on $ROSTERD_SOCKET (state in $tmp/state)"
"$rosterd" --daemon --config "$examples/rosterd.yaml" --socket "$ROSTERD_SOCKET" \
        --state-dir "$tmp/state" 2>"$tmp/rosterd.log" &
pid=$!
for _ in $(seq 1 100); do "$rosterctl" status >/dev/null 2>&1 && break; sleep 0.1; done
"$rosterctl" status --format table

step "The account managers submit the candidates"
"$rosterctl" submit "$examples/candidates.yaml"
step "The language school and the municipality submit their timetables"
"$rosterctl" submit "$examples"/timetable-*.yaml
step "The employers submit their shift needs"
"$rosterctl" submit "$examples"/shift-needs-*.yaml

step "An account manager asks for a proposal: rosterctl propose --week $week --employer $employer"
"$rosterctl" propose --week "$week" --employer "$employer" --format table

step "... and approves it: rosterctl approve --week $week --employer $employer"
"$rosterctl" approve --week "$week" --employer "$employer"

step "Watching $employer (rosterctl watch) while the school moves a class"
"$rosterctl" watch --employer "$employer" --format table >"$tmp/watch" 2>&1 &
watch=$!
sleep 0.5
# Group a2-mon-wed-eve (c-001, who works Wednesdays at $employer) moves its
# Wednesday evening class to 13:00-16:00.
sed 's/      - {day: wed, start: "18:30", end: "21:00"}/      - {day: wed, start: "13:00", end: "16:00"}/' \
        "$examples/timetable-werkvloertaal.yaml" >"$tmp/timetable-werkvloertaal.yaml"
diff -u "$examples/timetable-werkvloertaal.yaml" "$tmp/timetable-werkvloertaal.yaml" | sed -n '3,$p' || true
"$rosterctl" submit "$tmp/timetable-werkvloertaal.yaml"

step "The re-plan rosterd published (changes against the approved roster first)"
for _ in $(seq 1 600); do grep -q "re-planned" "$tmp/watch" && break; sleep 0.1; done
sleep 0.3
sed -n '/re-planned/,$p' "$tmp/watch"

step "What the daemon holds now: rosterctl list --employer $employer"
"$rosterctl" list --employer "$employer" --format table

step "Stopping rosterd"
kill "$watch"
watch=
kill "$pid"
wait "$pid"
pid=
echo "rosterd stopped; its log:"
sed 's/^/  /' "$tmp/rosterd.log"
