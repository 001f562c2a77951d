#!/usr/bin/env bash
# tests/ship/test_man.sh -- the manual pages render without a warning, read
# as manual pages (NAME for whatis), and document what the programs do:
# every option of every --help, every rosterctl command, every journal
# field and MESSAGE_ID the daemon logs.
#   test_man.sh SOURCE_DIR ROSTERD ROSTERCTL
set -euo pipefail
SRC=$1 ROSTERD=$2 ROSTERCTL=$3
. "$(dirname "$0")/lib.sh"
need groff groff-base
need man man-db
need lexgrog man-db

pages="rosterd.8 rosterctl.1 rosterd.yaml.5 rosterd-documents.5"
for page in $pages; do
        file=$SRC/man/$page
        [ -f "$file" ] || fail "man/$page is missing"
        # Both the way man shows it and plain groff with every warning.
        LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$file" >"$TMP/$page.txt" 2>"$TMP/err" ||
                fail "man -l $page failed: $(cat "$TMP/err")"
        [ ! -s "$TMP/err" ] || fail "man --warnings $page: $(cat "$TMP/err")"
        groff -wall -man -Tutf8 "$file" >/dev/null 2>"$TMP/err"
        [ ! -s "$TMP/err" ] || fail "groff -wall $page: $(cat "$TMP/err")"
        lexgrog "$file" >/dev/null || fail "$page has no NAME section whatis can read"
        grep -q "^SEE ALSO" "$TMP/$page.txt" || fail "$page renders without SEE ALSO"
done

# The rendered text with hyphenation undone, to search for options.
text() { sed -e 's/‐//g' "$TMP/$1.txt" | tr -d '\n' | tr -s ' '; }

documented() {         # documented PAGE WORD...
        local page=$1 body
        shift
        body=$(text "$page")
        for w in "$@"; do
                grep -qF -- "$w" <<<"$body" || fail "$page does not mention $w"
        done
}
options() { grep -oE -- '--[a-z][a-z-]*' | sort -u; }

documented rosterd.8 $("$ROSTERD" --help | options) $("$ROSTERD" --daemon --help | options)
documented rosterctl.1 $("$ROSTERCTL" --help | options)
commands=$("$ROSTERCTL" --help | sed -n '/^Commands:/,/^$/p' | awk '/^  [a-z]/ {print $1}')
[ -n "$commands" ] || fail "rosterctl --help lists no commands"
for c in $commands; do
        documented rosterctl.1 "$c" $("$ROSTERCTL" "$c" --help | options)
done

# The journal fields and event ids of daemon/daemon-log.h.
fields=$(grep -oE 'ROSTER_[A-Z_]+=' "$SRC/daemon/daemon-log.c" | tr -d '=' | sort -u)
ids=$(sed -n 's/^#define RD_MESSAGE_[A-Z_]* *"\([0-9a-f]*\)"/\1/p' "$SRC/daemon/daemon-log.h")
[ -n "$fields" ] && [ -n "$ids" ] || fail "found no journal fields in daemon/daemon-log.[ch]"
documented rosterd.8 $fields $ids
for w in $fields $ids; do
        grep -qF -- "$w" "$SRC/docs/operations.md" || fail "docs/operations.md does not mention $w"
done

# Every key of the configuration has its entry.
documented rosterd.yaml.5 socket state_dir time_limit gap workers message connections \
        subscriber_backlog idle default between max_shift max_week min_rest breaks \
        max_blocks_per_day access employers schools accountmanager admin
echo "ok: $pages"
