#!/usr/bin/env bash
# bench/run.sh -- solve generated weeks at three scales and print numbers.
#
#   bench/run.sh [BUILD_DIR]              (default: build; `make bench` passes it)
#
# For each scale and seed: rosterd-gen writes the documents, then
#   rosterd --solve --week W --stats --time-limit T --write-lp FILE DIR/*.yaml
# is timed (its `stats:` line, /usr/bin/time -v for peak RSS), and the LP
# file it wrote (the coverage model) is solved by CBC with the same time
# limit for comparison. Prints medians per scale as a Markdown table; never
# passes or fails on the numbers. Exit status is non-zero only when a tool
# is missing or a run crashes.
#
# Environment:
#   SCALES="small eindhoven region"   which scales
#   SEEDS="1 2 3"                     one run per seed
#   WEEK=2026-W49
#   TIME_LIMIT_small=30 TIME_LIMIT_eindhoven=60 TIME_LIMIT_region=120   seconds per solve
#   WRITE_LP=1                        0: no --write-lp, no comparison (times rosterd alone)
#   CBC=1                             0 skips the comparison on the LP file
#   CBC_MAX_MB=300                    larger LP files are not given to CBC
#   MEM_LIMIT_MB=12288                address-space limit for rosterd (ulimit -v)
#   KEEP_LP=0                         1 keeps the LP files (hundreds of MB at region scale)
#   OUT=bench/results                 where documents, rosters, LP files and logs go
#   DAEMON=1                          0 skips the daemon benchmark (rosterd-daemon-bench)
#   DAEMON_RUNS=3                     fresh daemons it measures, one after the other
#   DAEMON_ARGS=                      more options for it (--submits, --clients, --data ...)
#   DAEMON_SCALES=                    also measure the daemon on generated weeks (seed 1):
#                                     "region" status while two whole weeks (W, W+1) are
#                                     solved; "eindhoven" re-plan after one class moved,
#                                     with every employer's roster approved
#   DAEMON_TIME_LIMIT=30              solver.time_limit of the daemon on generated weeks
#
# SCALES= (empty) runs the daemon benchmark alone:
#   SCALES= bench/run.sh build
#
# rosterd is stopped after 2 x its time limit + 120 s (status "killed"):
# the time limit is the solver's to keep, and a benchmark must end. CBC gets
# the model as free MPS (converted by glpsol when present: CBC's LP reader
# stalls on files of this size), the same time limit in wall-clock seconds
# (timeMode elapsed) and one thread, like GLPK. The same LP is also solved by
# plain glpsol (GLPK without rosterd's decomposition and staging), so both
# comparison numbers are in the LP's units: its objective is minus the
# priority-weighted covered minutes divided by the model's time unit,
# without the constant (lower is better; see docs/performance.md).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
build="${1:-build}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac

scales="${SCALES-small eindhoven region}"
seeds="${SEEDS:-1 2 3}"
week="${WEEK:-2026-W49}"
use_cbc="${CBC:-1}"
write_lp="${WRITE_LP:-1}"
cbc_max_mb="${CBC_MAX_MB:-300}"
mem_limit_mb="${MEM_LIMIT_MB:-12288}"
keep_lp="${KEEP_LP:-0}"
out="${OUT:-$root/bench/results}"
daemon="${DAEMON:-1}"
daemon_runs="${DAEMON_RUNS:-3}"

gen="$build/bench/rosterd-gen"
rosterd="$build/daemon/rosterd"
daemon_bench="$build/bench/rosterd-daemon-bench"
tools=("$gen" "$rosterd")
[ "$daemon" = 1 ] && tools+=("$daemon_bench")
for tool in "${tools[@]}"; do
        if [ ! -x "$tool" ]; then
                echo "run.sh: $tool not found; build first (make build)" >&2
                exit 1
        fi
done
[ "$write_lp" = 1 ] || use_cbc=0
if [ "$use_cbc" = 1 ] && ! command -v cbc >/dev/null; then
        echo "run.sh: cbc not found (apt-get install coinor-cbc), skipping the comparison" >&2
        use_cbc=0
fi
timer=()
if [ -x /usr/bin/time ]; then
        timer=(/usr/bin/time -v)
fi

mkdir -p "$out"
log="$out/runs.tsv"
printf 'scale\tseed\tparse\tbuild\tsolve\twall\trows\tcolumns\tstatus\tgoals\trss_kb\tcbc_status\tcbc_objective\tcbc_seconds\tglpk_coverage\tglpsol_status\tglpsol_objective\n' >"$log"

# The value of key=... in a stats line, or "-".
field() {
        sed -n "s/.*[[:space:]]$1=\\([^[:space:]]*\\).*/\\1/p" <<<"$2" | head -n1 | sed -E 's/^([0-9.]+)s$/\1/' |
                grep . || echo -
}

# The median of numbers on stdin ("-" when there are none).
median() {
        grep -E '^-?[0-9.]+(e[-+]?[0-9]+)?$' | sort -g | awk '{ v[NR] = $1 } END {
                if (NR == 0) { print "-"; exit }
                if (NR % 2) printf "%g\n", v[(NR + 1) / 2]; else printf "%g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "# rosterd benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# build: $build; week $week; seeds: $seeds"
for scale in $scales; do
        limit_var="TIME_LIMIT_$scale"
        limit="${!limit_var:-}"
        if [ -z "$limit" ]; then
                case "$scale" in
                small) limit=30 ;;
                eindhoven) limit=60 ;;
                *) limit=120 ;;
                esac
        fi
        for seed in $seeds; do
                dir="$out/$scale-$seed"
                rm -rf "$dir"
                "$gen" --scale "$scale" --seed "$seed" --week "$week" --out "$dir"
                lp="$out/$scale-$seed.lp"
                err="$out/$scale-$seed.stderr"
                cmd=("$rosterd" --solve --week "$week" --stats --time-limit "$limit")
                [ "$write_lp" = 1 ] && cmd+=(--write-lp "$lp")
                echo "# $scale seed $seed: ${cmd[*]} $dir/*.yaml" >&2
                hard=$((limit * 2 + 120))
                start=$(date +%s.%N)
                rc=0
                (ulimit -v $((mem_limit_mb * 1024)) &&
                 exec timeout -k 10 "$hard" "${timer[@]}" "${cmd[@]}" "$dir"/*.yaml) \
                        >"$out/$scale-$seed.rosters.yaml" 2>"$err" || rc=$?
                end=$(date +%s.%N)
                if [ "$rc" -ne 0 ]; then
                        echo "run.sh: rosterd exited with $rc on $scale seed $seed (see $err)" >&2
                fi
                stats="$(grep -m1 '^stats:' "$err" || true)"
                if [ -z "$stats" ]; then
                        case "$rc" in
                        124 | 137) stats="stats: status=killed-after-${hard}s" ;;
                        *) stats="stats: status=exit-$rc" ;;
                        esac
                fi
                rss="$(field rss_kb "$stats")"
                if [ "$rss" = - ]; then
                        rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$err" | head -n1)"
                        rss="${rss:--}"
                fi
                goals="$(grep -oE '(coverage|stability|people|handovers|shortfall-min|shortfall-target)=[^ ]+' <<<"$stats" |
                         tr '\n' ' ' | sed 's/ $//' || true)"
                coverage="$(field coverage "$stats" | cut -d/ -f1)"

                cbc_status=- cbc_obj=- cbc_sec=- glpsol_status=- glpsol_obj=-
                lp_mb=0
                [ -s "$lp" ] && lp_mb=$(( $(stat -c %s "$lp") / 1048576 ))
                if [ "$use_cbc" = 1 ] && [ -s "$lp" ] && [ "$lp_mb" -gt "$cbc_max_mb" ]; then
                        cbc_status="skipped:_LP_${lp_mb}MB"
                elif [ "$use_cbc" = 1 ] && [ -s "$lp" ]; then
                        cbc_log="$out/$scale-$seed.cbc.log"
                        model="$lp"
                        if command -v glpsol >/dev/null; then
                                # Writes the MPS file first, then solves.
                                model="$out/$scale-$seed.mps"
                                echo "# $scale seed $seed: glpsol --lp $lp --wfreemps $model --tmlim $limit" >&2
                                timeout -k 10 $((limit + 120)) glpsol --lp "$lp" --wfreemps "$model" \
                                        --tmlim "$limit" -o "$out/$scale-$seed.glpsol.sol" \
                                        >"$out/$scale-$seed.glpsol.log" 2>&1 || true
                                glpsol_status="$(sed -n 's/^Status: *//p' "$out/$scale-$seed.glpsol.sol" 2>/dev/null |
                                                 head -n1 | tr ' ' '_')"
                                glpsol_obj="$(sed -n 's/^Objective: *[^=]*= *\([^ ]*\).*/\1/p' \
                                              "$out/$scale-$seed.glpsol.sol" 2>/dev/null | head -n1)"
                                glpsol_status="${glpsol_status:--}" glpsol_obj="${glpsol_obj:--}"
                                [ -s "$model" ] || model="$lp"
                        fi
                        echo "# $scale seed $seed: cbc $model timeMode elapsed sec $limit threads 1 solve quit" >&2
                        cbc_start=$(date +%s.%N)
                        crc=0
                        timeout -k 10 $((limit + 120)) stdbuf -oL cbc "$model" timeMode elapsed sec "$limit" \
                                threads 1 solve quit >"$cbc_log" 2>&1 || crc=$?
                        cbc_end=$(date +%s.%N)
                        cbc_status="$(sed -n 's/^Result - //p' "$cbc_log" | head -n1 | tr ' ' '_')"
                        cbc_obj="$(sed -n 's/^Objective value: *//p' "$cbc_log" | head -n1 | tr -d ' ')"
                        cbc_sec="$(awk -v a="$cbc_start" -v b="$cbc_end" 'BEGIN { printf "%.2f", b - a }')"
                        [ -z "$cbc_status" ] && [ "$crc" -ne 0 ] && cbc_status="killed-after-$((limit + 120))s"
                        cbc_status="${cbc_status:--}" cbc_obj="${cbc_obj:--}"
                        [ "$model" != "$lp" ] && rm -f "$model"
                fi
                [ "$keep_lp" = 1 ] || rm -f "$lp"
                printf '%s\t%s\t%s\t%s\t%s\t%.3f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
                        "$scale" "$seed" "$(field parse "$stats")" "$(field build "$stats")" \
                        "$(field solve "$stats")" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" \
                        "$(field rows "$stats")" "$(field columns "$stats")" "$(field status "$stats")" \
                        "${goals:--}" "$rss" "$cbc_status" "$cbc_obj" "$cbc_sec" "${coverage:--}" \
                        "$glpsol_status" "$glpsol_obj" >>"$log"
        done
done

if [ -n "$scales" ]; then
echo
echo "Per run ($log):"
echo
echo "| scale | seed | parse s | build s | solve s | rows | columns | status | goals value/bound/gap | peak RSS MB | LP: glpsol | LP: CBC |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
tail -n +2 "$log" | while IFS=$'\t' read -r scale seed parse bld solve wall rows cols status goals rss cst cobj csec gcov gst gobj; do
        rss_mb=-
        [ "$rss" != - ] && rss_mb=$(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }')
        echo "| $scale | $seed | $parse | $bld | $solve | $rows | $cols | $status | $goals | $rss_mb |" \
             "$gst $gobj | $cst $cobj (${csec}s) |"
done

echo
echo "Medians per scale:"
echo
echo "| scale | runs | parse s | build s | solve s | rows | columns | statuses | peak RSS MB | CBC s | CBC statuses |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for scale in $scales; do
        rows_of() { awk -F'\t' -v s="$scale" -v c="$1" 'NR > 1 && $1 == s { print $c }' "$log"; }
        n="$(rows_of 1 | wc -l)"
        rss_kb="$(rows_of 11 | median)"
        rss_mb=-
        [ "$rss_kb" != - ] && rss_mb=$(awk -v k="$rss_kb" 'BEGIN { printf "%.0f", k / 1024 }')
        echo "| $scale | $n | $(rows_of 3 | median) | $(rows_of 4 | median) | $(rows_of 5 | median) |" \
             "$(rows_of 7 | median) | $(rows_of 8 | median) | $(rows_of 9 | sort | uniq -c | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }') |" \
             "$rss_mb | $(rows_of 14 | median) | $(rows_of 12 | sort | uniq -c | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }') |"
done
fi

# The daemon: submission, status and re-plan latency, RSS (docs/performance.md, "Daemon").
if [ "$daemon" = 1 ]; then
        echo
        echo "# $daemon_bench --runs $daemon_runs ${DAEMON_ARGS:-}" >&2
        # shellcheck disable=SC2086 # DAEMON_ARGS is a list of options
        "$daemon_bench" --rosterd "$rosterd" --runs "$daemon_runs" ${DAEMON_ARGS:-} |
                tee "$out/daemon.md"
        # The week after $week, for the second whole-week solve.
        # (January 4th lies in week 1; seven days after a day of week N is
        # in the next week, whether the year has 52 weeks or 53.)
        next_week="$(date -d "${week%-W*}-01-04 +$((10#${week#*-W} * 7)) days" +%G-W%V)"
        for scale in ${DAEMON_SCALES:-}; do
                dir="$out/daemon-$scale"
                rm -rf "$dir"
                "$gen" --scale "$scale" --seed 1 --week "$week" --out "$dir"
                args=(--data "$dir" --week "$week" --runs "$daemon_runs"
                      --time-limit "${DAEMON_TIME_LIMIT:-30}")
                case "$scale" in
                region) args+=(--phases status --status-weeks "$week,$next_week") ;;
                *) args+=(--phases replan) ;;
                esac
                echo "# $daemon_bench ${args[*]}" >&2
                "$daemon_bench" --rosterd "$rosterd" "${args[@]}" | tee "$out/daemon-$scale.md"
        done
fi
