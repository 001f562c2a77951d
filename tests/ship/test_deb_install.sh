#!/usr/bin/env bash
# tests/ship/test_deb_install.sh -- on a disposable machine (CI=true, as
# root): install the package with apt, then run rosterd as the unit does:
# the unit's own ExecStart= command line, as the unit's user, on the unit's
# socket handed over by systemd-socket-activate. rosterctl reaches it, roles
# come from the peer credentials, a solve worker runs under that user, and
# the unit's ExecReload= lines apply a changed configuration. When systemd
# runs as init, the real units are started too, with their whole sandbox.
#   test_deb_install.sh PACKAGE_BUILD_DIR
set -euo pipefail
OUT=$1
. "$(dirname "$0")/lib.sh"

if [ "${CI:-}" != true ] || [ "$(id -u)" != 0 ]; then
        echo "installs a package on this machine: runs only as root with CI=true; skipping"
        exit 77
fi
need apt-get apt
need systemd-socket-activate systemd
need setpriv util-linux
debs=("$OUT"/rosterd_*_*.deb)
[ -f "${debs[0]}" ] || fail "no package in $OUT (ship.package makes it)"
deb=${debs[0]}

CONFIG=/etc/rosterd/rosterd.yaml
SOCKET=/run/rosterd/rosterd.sock
STATE=/var/lib/rosterd
SCHOOL_UID=60123        # a client the access rule added below names
ACTIVATOR=
was_installed=$(dpkg-query -W -f='${Status}' rosterd 2>/dev/null | grep -c 'install ok installed' || true)
state_existed=$([ -e "$STATE" ] && echo 1 || echo 0)

cleanup() {
        if [ -n "$ACTIVATOR" ]; then
                kill "$ACTIVATOR" 2>/dev/null || true
                wait "$ACTIVATOR" 2>/dev/null || true
        fi
        [ -f "$TMP/config.orig" ] && cp "$TMP/config.orig" "$CONFIG"
        if [ "$was_installed" = 0 ]; then
                DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq rosterd >/dev/null 2>&1 || true
                [ "$state_existed" = 1 ] || rm -rf "$STATE"
        fi
        rm -rf "$TMP"
}
trap cleanup EXIT

# Installing: apt resolves the dependencies from the control data.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" \
        >"$TMP/apt.log" 2>&1 || fail "apt-get install $deb failed: $(tail -20 "$TMP/apt.log")"
getent passwd rosterd >/dev/null || fail "the package made no user rosterd"
[ "$(stat -c '%U %a' "$STATE")" = "rosterd 700" ] || fail "$STATE: $(stat -c '%U %a' "$STATE")"
[ -d /run/rosterd ] || fail "the package made no /run/rosterd"
[ -L /etc/systemd/system/sockets.target.wants/rosterd.socket ] ||
        fail "the package did not enable rosterd.socket"
rosterd --check "$CONFIG" >/dev/null || fail "the installed configuration does not load"
cp "$CONFIG" "$TMP/config.orig"

# The command lines of the installed units.
unit=$(systemctl cat rosterd.service 2>/dev/null || cat /lib/systemd/system/rosterd.service)
sock=$(systemctl cat rosterd.socket 2>/dev/null || cat /lib/systemd/system/rosterd.socket)
read -r -a exec_start <<<"$(sed -n 's/^ExecStart=//p' <<<"$unit")"
user=$(sed -n 's/^User=//p' <<<"$unit")
group=$(sed -n 's/^Group=//p' <<<"$unit")
listen=$(sed -n 's/^ListenStream=//p' <<<"$sock")
mode=$(sed -n 's/^SocketMode=//p' <<<"$sock")
[ "$listen" = "$SOCKET" ] || fail "rosterd.socket listens on '$listen'"
mapfile -t reloads < <(sed -n 's/^ExecReload=//p' <<<"$unit")
[ "${#reloads[@]}" -ge 1 ] || fail "rosterd.service has no ExecReload="

# A running systemd started the socket on install; free the path for the
# emulation and give it back afterwards.
under_systemd=false
if [ -d /run/systemd/system ]; then
        under_systemd=true
        systemctl stop rosterd.socket rosterd.service
fi

# systemd-socket-activate binds as root, as PID 1 does, and starts the
# command at the first connection; setpriv drops to the unit's user and
# execs, so the daemon keeps the pid that LISTEN_PID names.
rm -f "$SOCKET"
systemd-socket-activate -l "$SOCKET" -- \
        setpriv --reuid="$user" --regid="$group" --init-groups "${exec_start[@]}" \
        >"$TMP/rosterd.log" 2>&1 &
ACTIVATOR=$!
for _ in $(seq 1 100); do [ -S "$SOCKET" ] && break; sleep 0.1; done
[ -S "$SOCKET" ] || fail "systemd-socket-activate did not bind $SOCKET: $(cat "$TMP/rosterd.log")"
chmod "$mode" "$SOCKET"

rosterctl status --format yaml >"$TMP/status" 2>"$TMP/err" ||
        fail "rosterctl status: $(cat "$TMP/err") $(cat "$TMP/rosterd.log")"
grep -qx "config: $CONFIG" "$TMP/status" || fail "the daemon reads another configuration: $(cat "$TMP/status")"
grep -qx "state_dir: $STATE" "$TMP/status" || fail "the daemon keeps its state elsewhere"
grep -q "role: admin" "$TMP/status" || fail "root is not admin: $(cat "$TMP/status")"
pid=$(sed -n 's/^pid: //p' "$TMP/status")
[ "$pid" = "$ACTIVATOR" ] || fail "rosterd runs as pid $pid, not the activated $ACTIVATOR"
[ "$(stat -c %U "/proc/$pid")" = "$user" ] || fail "rosterd does not run as $user"
[ "$(stat -c %U "$STATE/lock")" = "$user" ] || fail "the state is not $user's"

# Roles come from the peer's credentials, across the two users.
client() { setpriv --reuid="$SCHOOL_UID" --regid="$SCHOOL_UID" --clear-groups rosterctl "$@"; }
if client status >/dev/null 2>"$TMP/err"; then
        fail "uid $SCHOOL_UID, named by no rule, was let in"
fi
grep -q forbidden "$TMP/err" || fail "uid $SCHOOL_UID was not refused as forbidden: $(cat "$TMP/err")"

# Documents as admin, and a solve: its worker runs as the unit's user too.
examples=/usr/share/doc/rosterd/examples
rosterctl submit "$examples/candidates.yaml" "$examples/timetable-werkvloertaal.yaml" \
        "$examples/shift-needs-agri-geldrop.yaml" >/dev/null 2>"$TMP/err" ||
        fail "submit: $(cat "$TMP/err")"
rosterctl propose --week 2026-W49 --employer agri-geldrop --format yaml >"$TMP/roster" 2>"$TMP/err" ||
        fail "propose: $(cat "$TMP/err") $(tail -5 "$TMP/rosterd.log")"
grep -qx "employer: agri-geldrop" "$TMP/roster" || fail "propose printed no roster"
ls "$STATE"/rosters/*.agri-geldrop.yaml >/dev/null 2>&1 || fail "the proposal is not stored"

# Reload as the unit does: its ExecReload= lines, run as its user, with
# $MAINPID. The new rule names the client, which becomes a school.
sed -i "s/^access: \[\]$/access: [{user: \"$SCHOOL_UID\", role: school, schools: [werkvloertaal]}]/" \
        "$CONFIG"
grep -q "user: \"$SCHOOL_UID\"" "$CONFIG" || fail "could not add an access rule to $CONFIG"
for line in "${reloads[@]}"; do
        read -r -a cmd <<<"${line//\$MAINPID/$pid}"
        setpriv --reuid="$user" --regid="$group" --init-groups "${cmd[@]}" >/dev/null 2>"$TMP/err" ||
                fail "ExecReload=$line failed: $(cat "$TMP/err")"
done
for _ in $(seq 1 50); do
        client status --format yaml >"$TMP/status" 2>/dev/null && break
        sleep 0.1
done
grep -q "role: school" "$TMP/status" || fail "after the reload uid $SCHOOL_UID is not a school: $(cat "$TMP/status")"
client submit "$examples/timetable-werkvloertaal.yaml" >/dev/null 2>"$TMP/err" ||
        fail "the school may not submit its timetable: $(cat "$TMP/err")"
if client submit "$examples/candidates.yaml" >/dev/null 2>&1; then
        fail "a school submitted candidates"
fi

kill "$ACTIVATOR"
wait "$ACTIVATOR" || fail "rosterd exited with $? on SIGTERM"
ACTIVATOR=

# Under a running systemd: the real units, with their whole sandbox.
if $under_systemd; then
        systemctl start rosterd.socket
        rosterctl status --format yaml >"$TMP/status" 2>"$TMP/err" ||
                fail "rosterctl status through the unit: $(cat "$TMP/err")"
        client status --format yaml >"$TMP/status" 2>"$TMP/err" ||
                fail "the school through the unit: $(cat "$TMP/err")"
        grep -q "role: school" "$TMP/status" || fail "roles do not survive the sandbox: $(cat "$TMP/status")"
        systemctl reload rosterd || fail "systemctl reload rosterd failed"
        systemctl is-active --quiet rosterd || fail "rosterd is not active after a reload"
        systemctl stop rosterd.socket rosterd.service
else
        echo "note: systemd is not init here; the units' sandbox itself was not started"
fi
echo "ok: installed $(basename "$deb"), reached rosterd as $user through $SOCKET"
