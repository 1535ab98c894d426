#!/bin/sh
# Builds the fuzz targets with clang (libFuzzer + ASan + UBSan) and runs
# them: a short smoke run (default, as the test suite does) or a campaign.
# usage: tests/fuzz/run.sh [SECONDS_PER_TARGET]   (0 or none: smoke run)
# The corpus grows in build-fuzz/corpus-*; crashes land in build-fuzz/crash-*.
set -e
cd "$(dirname "$0")/../.."
secs=${1:-0}
if [ ! -d build-fuzz ]; then
    CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
        -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
fi
meson compile -C build-fuzz tests/fuzz/fuzz_load tests/fuzz/fuzz_snapshot >/dev/null
B=build-fuzz
mkdir -p $B/corpus-load $B/corpus-snapshot $B/seeds-load $B/seeds-snapshot
cp examples/*.snn examples/seeds/*.snn models/*.snn tests/errors/*.snn tests/networks/*.snn \
   tests/defects/*.snn $B/seeds-load/ 2>/dev/null
cp tests/defects/*.snap $B/seeds-snapshot/
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
if [ "$secs" = 0 ]; then
    limit="-runs=3000"
else
    limit="-max_total_time=$secs"
fi
for t in load snapshot; do
    echo "== fuzz_$t ($limit)"
    $B/tests/fuzz/fuzz_$t $limit -max_len=65536 -timeout=10 -rss_limit_mb=4096 -dict=tests/fuzz/snn.dict \
        -artifact_prefix=$B/crash-$t- -print_final_stats=1 $B/corpus-$t $B/seeds-$t 2>&1 | \
        grep -E '^(#[0-9]+ *DONE|stat::|==.*ERROR|SUMMARY|Done)' || true
    test -z "$(ls $B/crash-$t-* 2>/dev/null)" || { echo "fuzz_$t found a crash: $(ls $B/crash-$t-*)"; exit 1; }
done
