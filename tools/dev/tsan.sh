#!/usr/bin/env bash
# Builds the libraries and the concurrency tests with ThreadSanitizer (Debug, -O1 -g1) into
# build-tsan/ and runs them: every test whose name matches TSAN_TESTS. The test files holding
# such tests are compiled into one binary, concurrency_test (tests/concurrency/CMakeLists.txt
# finds them), rather than every test binary. tools/dev/tsan.supp lists the only suppressions
# (uninstrumented third-party code); docs/reliability.md describes the run and its cost. A unity
# build, as in tools/dev/test.sh.
#   tools/dev/tsan.sh
#   TSAN_TESTS=BankTest tools/dev/tsan.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${TSAN_BUILD_DIR:-$ROOT/build-tsan}"
JOBS="${JOBS:-$(nproc)}"
TESTS="${TSAN_TESTS:-Concurren|Bank|Thread|WhileWriters|Wakes|WaitReturns|RetriesConflicts}"

cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DTESSERA_TSAN=ON -DTESSERA_TSAN_TESTS="$TESTS" \
  -DTESSERA_BUILD_TESTS=ON -DTESSERA_BUILD_BENCHMARKS=OFF -DTESSERA_INSTALL=OFF \
  -DCMAKE_UNITY_BUILD=ON >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS" --target concurrency_test
TSAN_OPTIONS="suppressions=$ROOT/tools/dev/tsan.supp halt_on_error=1 second_deadlock_stack=1 history_size=7" \
  ctest --test-dir "$BUILD_DIR" -R "^tsan\..*($TESTS)" --no-tests=error --output-on-failure \
    -j "$JOBS" --timeout 600
