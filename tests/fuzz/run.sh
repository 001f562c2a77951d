#!/bin/sh
# tests/fuzz/run.sh -- build the loader's libFuzzer harness with clang and
# run it over the seed documents of tests/config/data.
#
#   tests/fuzz/run.sh [SECONDS]     default 30; 0 runs until stopped (Ctrl-C)
#
# FUZZ_WORKDIR=DIR keeps the binary, the growing corpus and any crash-*
# files in DIR (default: a temporary directory, removed unless something
# was found). Extra libFuzzer options go in FUZZ_OPTIONS, e.g.
# FUZZ_OPTIONS="-jobs=2 -workers=2". Exits 77 (skipped) without clang.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-30}

if ! command -v clang >/dev/null 2>&1; then
        echo "clang not found: fuzzing skipped"
        exit 77
fi

keep=${FUZZ_WORKDIR:+yes}
work=${FUZZ_WORKDIR:-$(mktemp -d "${TMPDIR:-/tmp}/rosterd-fuzz.XXXXXX")}
mkdir -p "$work/corpus"

# The loader (every config/*.c except the roster writer, which the loader
# does not need) and the problem helpers of the solver.
sources=$(ls "$root"/config/*.c | grep -v '/roster_emit\.c$')
# shellcheck disable=SC2086
if ! clang -std=c17 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -I"$root/config/include" -I"$root/solver/include" \
        "$here/fuzz_loader.c" $sources "$root/solver/problem.c" \
        $(pkg-config --cflags --libs yaml-0.1) -o "$work/fuzz_loader" 2>"$work/build.log"; then
        if grep -q -e 'libclang_rt.fuzzer' -e 'cannot find.*fuzzer' "$work/build.log"; then
                echo "clang has no libFuzzer runtime: fuzzing skipped"
                exit 77
        fi
        cat "$work/build.log" >&2
        exit 1
fi

cp "$root"/tests/config/data/valid/*.yaml "$root"/tests/config/data/invalid/*.yaml "$work/corpus/"

limit="-max_total_time=$seconds"
[ "$seconds" = 0 ] && limit=""
cd "$work"
status=0
# shellcheck disable=SC2086
./fuzz_loader $limit -dict="$here/loader.dict" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        ${FUZZ_OPTIONS:-} corpus || status=$?

if [ "$status" != 0 ]; then
        echo "fuzzing found a problem; inputs and logs are in $work" >&2
        exit 1
fi
[ -n "$keep" ] || rm -rf "$work"
exit 0
