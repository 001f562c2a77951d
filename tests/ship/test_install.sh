#!/usr/bin/env bash
# tests/ship/test_install.sh -- `cmake --install` into a DESTDIR puts every
# file at its path, the installed units name the installed binary and
# configuration, the configuration loads, and the sysusers.d and
# tmpfiles.d files make the user and folders the units expect.
#   test_install.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
SRC=$1 BUILD=$2
. "$(dirname "$0")/lib.sh"
. "$BUILD/ship/paths.sh"

D=$TMP/dest
DESTDIR=$D cmake --install "$BUILD" >"$TMP/install.log" 2>&1 ||
        fail "cmake --install failed: $(tail -5 "$TMP/install.log")"

expect=(
        "$BINDIR/rosterd" "$BINDIR/rosterctl"
        "$CONFIGDIR/rosterd.yaml"
        "$UNITDIR/rosterd.service" "$UNITDIR/rosterd.socket"
        "$SYSUSERSDIR/rosterd.conf" "$TMPFILESDIR/rosterd.conf"
        "$MANDIR/man8/rosterd.8" "$MANDIR/man1/rosterctl.1"
        "$MANDIR/man5/rosterd.yaml.5" "$MANDIR/man5/rosterd-documents.5"
        "$DOCDIR/README.md" "$DOCDIR/operations.md" "$DOCDIR/daemon.md"
        "$DOCDIR/protocol.md" "$DOCDIR/documents.md" "$DOCDIR/examples/README.md"
)
for f in "$SRC"/config/examples/*.yaml; do
        expect+=("$DOCDIR/examples/$(basename "$f")")
done
for f in "${expect[@]}"; do
        [ -f "$D$f" ] || fail "not installed: $f"
done
# Nothing lands outside the expected places.
(cd "$D" && find . -type f | sed 's|^\.||' | sort) >"$TMP/installed"
printf '%s\n' "${expect[@]}" | sort >"$TMP/expected"
extra=$(comm -23 "$TMP/installed" "$TMP/expected")
[ -z "$extra" ] || fail "installed but not expected: $extra"
[ -x "$D$BINDIR/rosterd" ] && [ -x "$D$BINDIR/rosterctl" ] || fail "binaries are not executable"
"$D$BINDIR/rosterd" --version | grep -q '^rosterd ' || fail "installed rosterd does not run"

# The installed units name the installed paths.
grep -qx "ExecStart=$BINDIR/rosterd --daemon --config $CONFIGDIR/rosterd.yaml" \
        "$D$UNITDIR/rosterd.service" || fail "installed ExecStart= names other paths"
grep -qx "ExecReload=$BINDIR/rosterd --check $CONFIGDIR/rosterd.yaml" \
        "$D$UNITDIR/rosterd.service" || fail "installed ExecReload= names other paths"
grep -qx "ListenStream=/run/rosterd/rosterd.sock" "$D$UNITDIR/rosterd.socket" ||
        fail "installed rosterd.socket listens elsewhere"

# The default configuration loads, and so do the access rules it shows as
# comments once uncommented.
cfg=$D$CONFIGDIR/rosterd.yaml
"$D$BINDIR/rosterd" --check "$cfg" >/dev/null || fail "the installed rosterd.yaml does not load"
sed -e '/^access: \[\]/d' -e 's/^# access:/access:/' -e 's/^#   -/  -/' "$cfg" >"$TMP/rules.yaml"
grep -q "^  - {group: " "$TMP/rules.yaml" || fail "rosterd.yaml shows no access rules"
"$D$BINDIR/rosterd" --check "$TMP/rules.yaml" >/dev/null || fail "the commented access rules do not load"

# An install over an edited configuration keeps it.
echo "# edited" >>"$cfg"
DESTDIR=$D cmake --install "$BUILD" >/dev/null 2>&1 || fail "the second install failed"
tail -1 "$cfg" | grep -qx "# edited" || fail "a second install overwrote the configuration"

# sysusers.d and tmpfiles.d, applied to an empty root.
if command -v systemd-sysusers >/dev/null && command -v systemd-tmpfiles >/dev/null; then
        R=$TMP/root
        mkdir -p "$R/etc" "$R/var/lib" "$R/run"
        systemd-sysusers --root="$R" "$D$SYSUSERSDIR/rosterd.conf" 2>"$TMP/err" ||
                fail "systemd-sysusers: $(cat "$TMP/err")"
        grep -q "^rosterd:x:[0-9]*:[0-9]*:[^:]*:/var/lib/rosterd:" "$R/etc/passwd" ||
                fail "sysusers made no user rosterd: $(cat "$R/etc/passwd")"
        grep -q "^rosterd-clients:" "$R/etc/group" || fail "sysusers made no group rosterd-clients"
        systemd-tmpfiles --root="$R" --create "$D$TMPFILESDIR/rosterd.conf" 2>"$TMP/err" ||
                fail "systemd-tmpfiles: $(cat "$TMP/err")"
        [ "$(stat -c %a "$R/var/lib/rosterd")" = 700 ] || fail "/var/lib/rosterd is not mode 0700"
        [ -d "$R/run/rosterd" ] || fail "tmpfiles made no /run/rosterd"
else
        echo "note: systemd-sysusers/systemd-tmpfiles missing; their files were not applied"
fi
echo "ok: ${#expect[@]} files installed"
