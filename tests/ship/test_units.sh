#!/usr/bin/env bash
# tests/ship/test_units.sh -- systemd reads both units without a word of
# complaint, and they hold what the service needs.
#   test_units.sh SOURCE_DIR ROSTERD
# systemd-analyze verify exits 0 even when it warns, so any output fails.
# It checks that ExecStart= is executable, so the units are verified as
# installed copies that name the built rosterd, and that the manual pages
# of Documentation= exist, so MANPATH holds this tree's pages.
set -euo pipefail
SRC=$1 ROSTERD=$2
. "$(dirname "$0")/lib.sh"
need systemd-analyze systemd
need man man-db

mkdir -p "$TMP/units" "$TMP/man/man1" "$TMP/man/man5" "$TMP/man/man8"
for unit in rosterd.service rosterd.socket; do
        sed "s|/usr/bin/rosterd|$ROSTERD|g" "$SRC/systemd/$unit" >"$TMP/units/$unit"
done
grep -q "ExecStart=$ROSTERD " "$TMP/units/rosterd.service" || fail "ExecStart= does not name /usr/bin/rosterd"
for page in "$SRC"/man/*.[158]; do
        cp "$page" "$TMP/man/man${page##*.}/"
done

out=$(cd "$TMP/units" && MANPATH="$TMP/man" SYSTEMD_LOG_COLOR=0 \
        systemd-analyze verify --recursive-errors=no "$TMP/units/rosterd.socket" \
        "$TMP/units/rosterd.service" 2>&1) || fail "systemd-analyze verify failed: $out"
[ -z "$out" ] || fail "systemd-analyze verify printed:
$out"

# It must complain about a broken unit, or its silence means nothing.
sed 's/^Type=notify/Type=notfy/' "$TMP/units/rosterd.service" >"$TMP/units/broken.service"
bad=$(cd "$TMP/units" && MANPATH="$TMP/man" systemd-analyze verify "$TMP/units/broken.service" 2>&1 || true)
[ -n "$bad" ] || fail "systemd-analyze verify accepted Type=notfy"

# What the service needs, as SPEC §7 and the issue ask.
S=$SRC/systemd/rosterd.service
K=$SRC/systemd/rosterd.socket
has() { grep -qx -- "$2" "$1" || fail "$(basename "$1") lacks the line '$2'"; }
has "$S" "Type=notify"
has "$S" "ExecStart=/usr/bin/rosterd --daemon --config /etc/rosterd/rosterd.yaml"
has "$S" 'ExecReload=/bin/kill -HUP $MAINPID'
has "$S" "Restart=on-failure"
has "$S" "StateDirectory=rosterd"
has "$S" "RuntimeDirectory=rosterd"
has "$S" "ConfigurationDirectory=rosterd"
grep -Eq '^WatchdogSec=[1-9]' "$S" || fail "rosterd.service has no WatchdogSec="
# A user namespace would make every client "nobody" to SO_PEERCRED.
! grep -Eq '^(PrivateUsers=(yes|true|1|on)|DynamicUser=)' "$S" ||
        fail "rosterd.service maps users; roles come from peer credentials"

# The socket is where the daemon and rosterctl look by default, and every
# local user may connect (the access rules decide).
has "$K" "ListenStream=/run/rosterd/rosterd.sock"
has "$K" "SocketMode=0666"
grep -q '"/run/rosterd/rosterd.sock"' "$SRC/config/settings.c" ||
        fail "the daemon's default socket is no longer /run/rosterd/rosterd.sock"

# The user of the unit is the one sysusers.d makes, with the state as home.
user=$(sed -n 's/^User=//p' "$S")
grep -Eq "^u $user - .* /var/lib/rosterd " "$SRC/systemd/rosterd.sysusers" ||
        fail "rosterd.sysusers does not make the user '$user' of the unit"
echo "ok: both units verify silently"
