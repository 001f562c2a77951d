# tests/daemon/lib.sh -- shared by the shell tests: a daemon in a
# temporary folder and small assertions. Sourced with ROSTERD, ROSTERCTL
# and DATA set.

TMP=$(mktemp -d /tmp/rosterd-shtest-XXXXXX)
chmod 755 "$TMP"
export ROSTERD_SOCKET=$TMP/rosterd.sock
export ROSTERD_TODAY=2026-11-02
DAEMON_PID=

cleanup() {
        if [ -n "$DAEMON_PID" ]; then
                kill "$DAEMON_PID" 2>/dev/null || true
                wait "$DAEMON_PID" 2>/dev/null || true
        fi
        if [ -z "${ROSTERD_TEST_KEEP:-}" ]; then rm -rf "$TMP"; else echo "kept $TMP"; fi
}
trap cleanup EXIT

fail() {
        echo "FAIL: $*" >&2
        [ -f "$TMP/rosterd.log" ] && { echo "--- daemon log:" >&2; tail -20 "$TMP/rosterd.log" >&2; }
        exit 1
}

# start_daemon [CONFIG]: starts rosterd and waits until it answers.
start_daemon() {
        cp "${1:-$DATA/config.yaml}" "$TMP/rosterd.yaml"
        "$ROSTERD" --daemon --config "$TMP/rosterd.yaml" --socket "$ROSTERD_SOCKET" \
                --state-dir "$TMP/state" 2>>"$TMP/rosterd.log" &
        DAEMON_PID=$!
        for _ in $(seq 1 300); do
                "$ROSTERCTL" status >/dev/null 2>&1 && return 0
                kill -0 "$DAEMON_PID" 2>/dev/null || fail "rosterd did not start"
                sleep 0.1
        done
        fail "rosterd did not answer"
}

stop_daemon() {
        kill "$DAEMON_PID"
        wait "$DAEMON_PID" || fail "rosterd exited with $?"
        DAEMON_PID=
}

# expect CODE COMMAND...: runs COMMAND (stdout in $TMP/out, stderr in
# $TMP/err) and checks its exit status.
expect() {
        local want=$1 got=0
        shift
        "$@" >"$TMP/out" 2>"$TMP/err" || got=$?
        [ "$got" = "$want" ] || fail "'$*' exited with $got, expected $want: $(head -c 600 "$TMP/err")"
}

has() { grep -q -- "$2" "$1" || fail "$1 lacks '$2': $(head -c 600 "$1")"; }
lacks() { ! grep -q -i -- "$2" "$1" || fail "$1 holds '$2': $(grep -i -m3 -- "$2" "$1")"; }
