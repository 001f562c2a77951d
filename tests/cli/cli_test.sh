#!/usr/bin/env bash
# The rosterd command end to end, as a script or a person would use it.
#   cli_test.sh ROSTERD DATA_DIR
set -uo pipefail
rosterd=$1
data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
passed=0

ok()   { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && sed 's/^/    /' "$2"; }

expect_exit() { # NAME EXPECTED COMMAND...
        local name=$1 expected=$2; shift 2
        "$@" >"$tmp/out" 2>"$tmp/err"
        local got=$?
        if [ "$got" = "$expected" ]; then ok "$name"; else fail "$name: exit $got, expected $expected" "$tmp/err"; fi
}

good=("$data/config.yaml" "$data/shift-needs-bakkerij.yaml" "$data/timetable.yaml" "$data/candidates.yaml")

# --check
expect_exit "check accepts valid documents" 0 "$rosterd" --check "${good[@]}"
expect_exit "check rejects an invalid document" 1 "$rosterd" --check "$data/bad-shift-needs.yaml"
# Every error of the file at once, each with file:line:column: path.
if grep -q '^.*bad-shift-needs.yaml:10:14: positions\[0\]\.shifts\[0\]\.end: ' "$tmp/err" &&
   grep -q '^.*bad-shift-needs.yaml:11:9: positions\[0\]\.shifts\[0\]\.headcout: ' "$tmp/err"; then
        ok "check names file, line, column and field of every error"
else
        fail "check error positions" "$tmp/err"
fi

# usage errors
expect_exit "no mode is a usage error" 2 "$rosterd" "${good[@]}"
expect_exit "--solve without --week is a usage error" 2 "$rosterd" --solve "${good[@]}"
expect_exit "a malformed week is a usage error" 2 "$rosterd" --solve --week 2026-49 "${good[@]}"
expect_exit "--help succeeds" 0 "$rosterd" --help

# --solve: an invalid document stops everything
expect_exit "solve refuses invalid input" 1 "$rosterd" --solve --week 2026-W49 "${good[@]}" "$data/bad-shift-needs.yaml"
if [ ! -s "$tmp/out" ]; then ok "nothing is printed on stdout for invalid input"; else fail "stdout not empty on invalid input" "$tmp/out"; fi

# --solve: the optimum derived by hand in tests/cli/README.md
"$rosterd" --solve --week 2026-W49 --format yaml "${good[@]}" >"$tmp/roster1.yaml" 2>"$tmp/err"
if [ $? = 0 ]; then ok "solve succeeds"; else fail "solve failed" "$tmp/err"; fi
for want in 'status: optimal' 'coverage: {required: 2400, covered: 2400}' \
            'people: {value: 2, proven: true}' 'handovers: {value: 1, proven: true}' \
            'shortfall-min: {value: 0, proven: true}' 'shortfall-target: {value: 30, proven: true}' \
            '{id: c-002, name: Yonas, paid_hours: 11.5, min: 8, target: 12, max: 12, days: 2}' \
            '{id: c-001, name: Amal, paid_hours: 26.5, min: 12, target: 20, max: 40, days: 4}'; do
        if grep -qF -- "$want" "$tmp/roster1.yaml"; then ok "roster has: $want"; else fail "roster lacks: $want" "$tmp/roster1.yaml"; fi
done
# c-001's class ends 11:00 in Woensel, 30m away: never before 11:30 on tue/thu.
if grep -E '\{day: (tue|thu), start: "(08|09|10|11):[0-9]{2}".*candidate: c-001' "$tmp/roster1.yaml" >/dev/null; then
        fail "c-001 planned during class or travel" "$tmp/roster1.yaml"
else
        ok "c-001 never works during class plus travel"
fi

# determinism: byte-identical output
"$rosterd" --solve --week 2026-W49 --format yaml "${good[@]}" >"$tmp/roster2.yaml" 2>/dev/null
if cmp -s "$tmp/roster1.yaml" "$tmp/roster2.yaml"; then ok "same input, same bytes"; else fail "output differs between runs"; fi

# the output is itself a valid document, and as an approved roster it is kept
sed 's/^state: proposal$/state: approved/' "$tmp/roster1.yaml" >"$tmp/approved.yaml"
expect_exit "the roster output validates" 0 "$rosterd" --check "$tmp/approved.yaml"
"$rosterd" --solve --week 2026-W49 --format yaml --approved "$tmp/approved.yaml" "${good[@]}" >"$tmp/replan.yaml" 2>"$tmp/err"
if grep -qF 'stability: {value: 0, proven: true}' "$tmp/replan.yaml"; then
        ok "re-planning an unchanged week keeps the approved roster"
else
        fail "re-plan changed an unchanged week" "$tmp/replan.yaml"
fi

# the employer's view shows no class, level or personal hours
"$rosterd" --solve --week 2026-W49 --format yaml --view employer "${good[@]}" >"$tmp/employer.yaml" 2>/dev/null
if grep -qE 'class|a2-tue-thu|language|detail:|, (min|target|max|paid_hours): |goals:|shortfall' "$tmp/employer.yaml"; then
        fail "employer view leaks private fields" "$tmp/employer.yaml"
else
        ok "employer view has no private fields"
fi

# candidates placed elsewhere who could have helped: in the full view only
examples="$data/../../../config/examples"
"$rosterd" --solve --week 2026-W49 --employer buurtvers-woensel --format yaml "$examples"/*.yaml \
        >"$tmp/full.yaml" 2>/dev/null
"$rosterd" --solve --week 2026-W49 --employer buurtvers-woensel --format yaml --view employer \
        "$examples"/*.yaml >"$tmp/employer.yaml" 2>/dev/null
if grep -q 'reason: not-placed' "$tmp/full.yaml" && grep -q 'why:' "$tmp/employer.yaml" &&
   ! grep -q 'not-placed' "$tmp/employer.yaml"; then
        ok "not-placed entries are in the full view only"
else
        fail "not-placed entries in the views" "$tmp/employer.yaml"
fi

# table output
"$rosterd" --solve --week 2026-W49 --format table "${good[@]}" >"$tmp/table.txt" 2>"$tmp/err"
if grep -q 'c-001 Amal' "$tmp/table.txt" && grep -q '^  shift' "$tmp/table.txt"; then
        ok "table shows the shift row and the people"
else
        fail "table output" "$tmp/table.txt"
fi

# --write-lp writes a model other solvers can read
expect_exit "--write-lp succeeds" 0 "$rosterd" --solve --week 2026-W49 --write-lp "$tmp/model.lp" "${good[@]}"
if grep -qi '^subject to' "$tmp/model.lp" 2>/dev/null; then ok "LP file written"; else fail "LP file missing or malformed"; fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
