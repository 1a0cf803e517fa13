#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite: the library and shell in release mode (gcc),
# the example application built against the installed package, then every unit and integration
# test (ctest) under AddressSanitizer + UndefinedBehaviorSanitizer (a clang build, with
# precompiled headers, that also builds the benchmarks and their tests and runs each libFuzzer
# target for FUZZ_SECONDS, default 10; ASAN_CXX=g++ for gcc). Compiling the tests once (not once
# plain and once sanitized) keeps a 2-core CI run within its budget (docs/development.md).
# TESSERA_SKIP_SANITIZERS=1 runs the tests in the release build instead (faster locally). Then the
# concurrency tests under ThreadSanitizer (tools/dev/tsan.sh; TESSERA_SKIP_TSAN=1 skips them).
# The three CI builds are unity builds (CMAKE_UNITY_BUILD: a target's files compiled eight to a
# translation unit), which takes roughly 40% off their compile time; so two files of one target
# cannot define same-named helpers in their anonymous namespaces (docs/development.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
JOBS="${JOBS:-$(nproc)}"
export BUILD_DIR JOBS
start=$(date +%s)

sanitize=1
[ "${TESSERA_SKIP_SANITIZERS:-0}" = "1" ] && sanitize=0

echo "== build"
if [ "$sanitize" = 1 ]; then
  "$ROOT/tools/dev/build.sh" -DCMAKE_BUILD_TYPE=Release -DTESSERA_BUILD_TESTS=OFF \
    -DTESSERA_BUILD_BENCHMARKS=OFF -DCMAKE_UNITY_BUILD=ON
else
  "$ROOT/tools/dev/build.sh" -DTESSERA_BUILD_TESTS=ON
  echo "== unit and integration tests"
  ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" --timeout 600
fi

echo "== install and build the example application against the installed package"
rm -rf "$BUILD_DIR/stage" "$BUILD_DIR/example"
cmake --install "$BUILD_DIR" --prefix "$BUILD_DIR/stage" >/dev/null
cmake -S "$ROOT/examples/embed" -B "$BUILD_DIR/example" -G Ninja \
  -DCMAKE_PREFIX_PATH="$BUILD_DIR/stage" >/dev/null
cmake --build "$BUILD_DIR/example" -j "$JOBS" >/dev/null
example_db="$(mktemp -d)"
"$BUILD_DIR/example/embed_example" "$example_db/db"
"$BUILD_DIR/example/feed_view_example" "$example_db/feed"
rm -rf "$example_db"

if [ "$sanitize" = 1 ]; then
  echo "== unit and integration tests under AddressSanitizer + UndefinedBehaviorSanitizer," \
    "and each libFuzzer target for ${FUZZ_SECONDS:-10} s"
  # Built with clang so that the same build also makes the fuzz targets real libFuzzer binaries
  # (TESSERA_FUZZ): ctest runs each briefly beside the tests, at no extra compile cost.
  # -g1: line tables for sanitizer reports, without full debug info (much faster to compile/link).
  asan_cxx="${ASAN_CXX:-clang++-14}"
  fuzz=OFF
  case "$asan_cxx" in *clang*) fuzz=ON ;; esac
  BUILD_DIR="$BUILD_DIR-asan" "$ROOT/tools/dev/build.sh" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_COMPILER="$asan_cxx" -DTESSERA_FUZZ="$fuzz" \
    -DTESSERA_FUZZ_SECONDS="${FUZZ_SECONDS:-10}" \
    -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DTESSERA_ASAN=ON -DTESSERA_UBSAN=ON -DTESSERA_BUILD_BENCHMARKS=ON \
    -DTESSERA_INSTALL=OFF -DCMAKE_UNITY_BUILD=ON
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "$BUILD_DIR-asan" --output-on-failure -j "$JOBS" --timeout 900
fi

if [ "$sanitize" = 1 ] && [ "${TESSERA_SKIP_TSAN:-0}" != "1" ]; then
  # The libraries and the one binary holding the concurrency tests, a third time, with TSan
  # (about 3 minutes on 2 cores; docs/reliability.md). TESSERA_SKIP_TSAN=1 skips it.
  echo "== concurrency tests under ThreadSanitizer"
  TSAN_BUILD_DIR="$BUILD_DIR-tsan" "$ROOT/tools/dev/tsan.sh"
fi

echo "== all tests passed in $(( $(date +%s) - start )) s"
