#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite: unit and integration tests (ctest), the
# example application built against the installed package, then the tests again under ASan and
# UBSan (set TESSERA_SKIP_SANITIZERS=1 to skip that part locally).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
JOBS="${JOBS:-$(nproc)}"
export BUILD_DIR JOBS
start=$(date +%s)

echo "== build"
"$ROOT/tools/dev/build.sh"

echo "== unit and integration tests"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" --timeout 600

echo "== install and build the example application against the installed package"
rm -rf "$BUILD_DIR/stage" "$BUILD_DIR/example"
cmake --install "$BUILD_DIR" --prefix "$BUILD_DIR/stage" >/dev/null
cmake -S "$ROOT/examples/embed" -B "$BUILD_DIR/example" -G Ninja \
  -DCMAKE_PREFIX_PATH="$BUILD_DIR/stage" >/dev/null
cmake --build "$BUILD_DIR/example" -j "$JOBS" >/dev/null
example_db="$(mktemp -d)"
"$BUILD_DIR/example/embed_example" "$example_db/db"
rm -rf "$example_db"

if [ "${TESSERA_SKIP_SANITIZERS:-0}" != "1" ]; then
  echo "== the same tests under AddressSanitizer + UndefinedBehaviorSanitizer"
  BUILD_DIR="$BUILD_DIR-asan" "$ROOT/tools/dev/build.sh" -DCMAKE_BUILD_TYPE=Debug \
    -DTESSERA_ASAN=ON -DTESSERA_UBSAN=ON -DTESSERA_BUILD_BENCHMARKS=OFF -DTESSERA_INSTALL=OFF
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "$BUILD_DIR-asan" --output-on-failure -j "$JOBS" --timeout 900
fi

echo "== all tests passed in $(( $(date +%s) - start )) s"
