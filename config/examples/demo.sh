#!/usr/bin/env bash
# The demo of `make demo`: the bundled Eindhoven week (2026-W49).
#   1. every example document validated by the one-shot command;
#   2. one employer's week solved by the one-shot command, as a week grid;
#   3. the daemon on a temporary socket: the three parties submit, a
#      proposal is shown and approved, a class moves, the re-plan arrives.
#   config/examples/demo.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
rosterd="$build/daemon/rosterd"
week=2026-W49

echo "== Checking the example documents: rosterd --check config/examples/*.yaml"
"$rosterd" --check "$here"/*.yaml

echo
echo "== One employer's week with the one-shot command:"
echo "   rosterd --solve --week $week --employer agri-geldrop --format table config/examples/*.yaml"
"$rosterd" --solve --week "$week" --employer agri-geldrop --format table --time-limit 20 "$here"/*.yaml

"$here/../../daemon/demo.sh" "$build" "$here"
