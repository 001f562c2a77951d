#!/usr/bin/env bash
# The demo of `make demo`: one Eindhoven week, solved by the one-shot
# command and shown as a week grid per employer.
#   config/examples/demo.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
rosterd="$build/daemon/rosterd"
week=2026-W49

echo "== Checking the example documents"
"$rosterd" --check "$here"/*.yaml

echo
echo "== Planning $week for every employer (rosterd --solve --format table)"
"$rosterd" --solve --week "$week" --format table "$here"/*.yaml

echo "== The same week as roster documents: rosterd --solve --week $week --format yaml $here/*.yaml"
