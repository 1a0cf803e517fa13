#!/usr/bin/env bash
# Builds the libraries and the test binaries that hold concurrency tests with ThreadSanitizer
# (Debug, -O1 -g1) into build-tsan/ and runs the concurrency tests: every ctest test whose name
# matches TSAN_TESTS. tools/dev/tsan.supp lists the only suppressions (uninstrumented
# third-party code); docs/reliability.md describes the run and its cost.
#   tools/dev/tsan.sh
#   TSAN_TESTS=BankTest tools/dev/tsan.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${TSAN_BUILD_DIR:-$ROOT/build-tsan}"
JOBS="${JOBS:-$(nproc)}"
TESTS="${TSAN_TESTS:-Concurren|Bank|Thread|WhileWriters|Wakes|WaitReturns|RetriesConflicts}"
# The binaries that hold the tests above (a test name matching in another binary is not run).
TARGETS=(bank_test wide_test feed_test kv_test feed_integration_test core_engine_test
         core_obs_test core_util_test doc_test ts_test graph_test)

cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DTESSERA_TSAN=ON -DTESSERA_BUILD_TESTS=ON \
  -DTESSERA_BUILD_BENCHMARKS=OFF -DTESSERA_INSTALL=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS" --target "${TARGETS[@]}"
TSAN_OPTIONS="suppressions=$ROOT/tools/dev/tsan.supp halt_on_error=1 second_deadlock_stack=1 history_size=7" \
  ctest --test-dir "$BUILD_DIR" -R "$TESTS" --output-on-failure -j "$JOBS" --timeout 600
