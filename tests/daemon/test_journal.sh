#!/usr/bin/env bash
# tests/daemon/test_journal.sh -- under systemd (stderr is the journal
# stream named by $JOURNAL_STREAM) the log lines go to the journal with
# their structured fields. The journal here is a socat listening on
# /run/systemd/journal/socket in a mount namespace of the test's own, so
# the machine's /run is not touched. Needs root, unshare and socat
# (skips with 77 otherwise).
#   test_journal.sh ROSTERD ROSTERCTL DATA_DIR
set -euo pipefail
if [ -z "${ROSTERD_IN_NAMESPACE:-}" ]; then
        if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null || ! command -v socat >/dev/null; then
                echo "needs root, unshare and socat; skipping"
                exit 77
        fi
        ROSTERD_IN_NAMESPACE=1 exec unshare -m "$0" "$@"
fi
ROSTERD=$1 ROSTERCTL=$2 DATA=$3
. "$(dirname "$0")/lib.sh"

if ! mount -t tmpfs rosterd-test /run 2>/dev/null; then
        echo "cannot mount a private /run; skipping"
        exit 77
fi
mkdir -p /run/systemd/journal
socat -u UNIX-RECV:/run/systemd/journal/socket OPEN:"$TMP/journal",creat,append &
JOURNALD=$!
for _ in $(seq 1 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done

: >"$TMP/rosterd.log"
JOURNAL_STREAM=$(stat -L -c '%d:%i' "$TMP/rosterd.log")
export JOURNAL_STREAM
start_daemon
unset JOURNAL_STREAM
expect 0 "$ROSTERCTL" submit "$DATA/candidates.yaml" "$DATA/timetable.yaml" \
        "$DATA/shift-needs-bakery.yaml"
expect 0 "$ROSTERCTL" propose --week 2026-W49 --employer bakery-noord
stop_daemon
sleep 0.2
kill "$JOURNALD" 2>/dev/null || true

# No log line went to stderr: each is in the journal, with its fields.
lacks "$TMP/rosterd.log" "rosterd\["
has "$TMP/journal" "SYSLOG_IDENTIFIER=rosterd"
has "$TMP/journal" "MESSAGE=Accepted shift-needs/bakery-noord revision 3"
has "$TMP/journal" "ROSTER_EMPLOYER=bakery-noord"
has "$TMP/journal" "ROSTER_REVISION=3"
has "$TMP/journal" "ROSTER_PEER_UID=0"
has "$TMP/journal" "ROSTER_REQUEST_ID=[0-9]*-3"
has "$TMP/journal" "ROSTER_WEEK=2026-W49"
has "$TMP/journal" "MESSAGE_ID=6b1c8a3e0f2d4a7c9e5b1d3f7a9c2e45"
has "$TMP/journal" "CODE_FUNC=run"
echo "journal: ok"
