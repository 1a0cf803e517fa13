#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite: unit and integration tests (ctest), then the
# example application built against the installed package.
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

echo "== all tests passed in $(( $(date +%s) - start )) s"
