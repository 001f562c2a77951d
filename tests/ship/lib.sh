# tests/ship/lib.sh -- shared by the ship tests: a temporary folder, a
# failure message, and a skip for a tool that cannot be had here.

TMP=$(mktemp -d /tmp/rosterd-ship-XXXXXX)
trap 'rm -rf "$TMP"' EXIT

fail() {
        echo "FAIL: $*" >&2
        exit 1
}

# need TOOL PACKAGE: skips (77) when TOOL is missing; `make deps` installs
# PACKAGE, so on CI this does not happen.
need() {
        command -v "$1" >/dev/null 2>&1 && return 0
        echo "$1 is not installed (Debian package $2; make deps installs it); skipping"
        exit 77
}
