#!/usr/bin/env bash
# tests/ship/test_package.sh -- `make package` builds a Debian package whose
# control data names the runtime libraries, marks the configuration a
# conffile, carries the maintainer scripts, and holds every file.
#   test_package.sh SOURCE_DIR PACKAGE_BUILD_DIR
set -euo pipefail
SRC=$1 OUT=$2
. "$(dirname "$0")/lib.sh"
need dpkg-deb dpkg
need cpack cmake

# A make of our own, not a job of the make that may have started ctest.
unset MAKEFLAGS MFLAGS MAKELEVEL
rm -f "$OUT"/rosterd_*.deb
make -C "$SRC" --no-print-directory package PACKAGE_DIR="$OUT" JOBS=2 >"$TMP/make.log" 2>&1 ||
        fail "make package failed: $(tail -20 "$TMP/make.log")"
debs=("$OUT"/rosterd_*_*.deb)
[ -f "${debs[0]}" ] || fail "make package made no rosterd_*.deb: $(tail -5 "$TMP/make.log")"
deb=${debs[0]}

[ "$(dpkg-deb -f "$deb" Package)" = rosterd ] || fail "the package is not called rosterd"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libglpk40 libyaml-0-2 libsystemd0 libc6; do
        grep -qE "(^|, )$lib( |,|$)" <<<"$depends" || fail "Depends: lacks $lib: $depends"
done
! grep -qE 'libasan|libubsan' <<<"$depends" || fail "the package holds sanitizer builds: $depends"

dpkg-deb -e "$deb" "$TMP/control"
grep -qx /etc/rosterd/rosterd.yaml "$TMP/control/conffiles" || fail "rosterd.yaml is no conffile"
for s in postinst prerm postrm; do
        [ -x "$TMP/control/$s" ] || fail "no executable $s"
        sh -n "$TMP/control/$s" || fail "$s is not valid sh"
done
grep -q 'systemd-sysusers' "$TMP/control/postinst" || fail "postinst makes no user"
grep -q 'rosterd.socket' "$TMP/control/postinst" || fail "postinst does not enable the socket"

dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|' >"$TMP/files"
for f in /usr/bin/rosterd /usr/bin/rosterctl /etc/rosterd/rosterd.yaml \
         /lib/systemd/system/rosterd.service /lib/systemd/system/rosterd.socket \
         /usr/lib/sysusers.d/rosterd.conf /usr/lib/tmpfiles.d/rosterd.conf \
         /usr/share/man/man8/rosterd.8 /usr/share/man/man1/rosterctl.1 \
         /usr/share/man/man5/rosterd.yaml.5 /usr/share/man/man5/rosterd-documents.5 \
         /usr/share/doc/rosterd/operations.md /usr/share/doc/rosterd/examples/candidates.yaml; do
        grep -qx -- "$f" "$TMP/files" || fail "the package lacks $f"
done
echo "ok: $(basename "$deb"): Depends: $depends"
