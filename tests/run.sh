#!/bin/sh
# Runs the whole test suite from a clean build: installs what is missing,
# builds, runs every test (Check unit tests, golden diagnostics, numerical
# checks against Brian2 data, end-to-end runs of snnc), then the same tests
# under AddressSanitizer + UBSan, then the unit tests under valgrind, then a
# short run of the fuzz targets.
set -e
cd "$(dirname "$0")/.."
sh tests/install-deps.sh

echo "== build and test (debugoptimized)"
rm -rf build-test
meson setup build-test >/dev/null
meson compile -C build-test >/dev/null
# (with MPI found, this includes the mpi suite: tests/mpi/run_mpi.py)
meson test -C build-test --print-errorlogs

echo "== AddressSanitizer + UBSan"
rm -rf build-asan
meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
meson compile -C build-asan >/dev/null
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build-asan --print-errorlogs --suite golden --suite library --suite spatial --suite compiler --suite runtime --suite cli --suite plot --suite threads --suite native

echo "== valgrind"
CK_FORK=no SNN_TEST_NO_NATIVE=1 meson test -C build-test --print-errorlogs --wrapper 'valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite -q' --suite golden --suite runtime --timeout-multiplier 10
echo "== fuzz smoke run (libFuzzer with ASan and UBSan)"
rm -rf build-fuzz
sh tests/fuzz/run.sh
echo "all tests passed"
