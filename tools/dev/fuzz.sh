#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan + libFuzzer coverage on
# every library) into build-fuzz/ and runs each for FUZZ_SECONDS (default 60) on a copy of its
# seed corpus. A crash leaves its input in build-fuzz/findings/<target>/; copy it into
# tests/fuzz/corpus/<target>/ as a regression input (ctest then replays it on every run).
#   tools/dev/fuzz.sh                     all targets, 60 s each
#   FUZZ_SECONDS=3600 tools/dev/fuzz.sh query    one target, an hour
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-fuzz}"
JOBS="${JOBS:-$(nproc)}"
SECONDS_EACH="${FUZZ_SECONDS:-60}"
CLANG="${CLANG:-clang++-14}"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(key_codec query line_protocol shell_parse stored_values)

cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_CXX_COMPILER="$CLANG" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DTESSERA_FUZZ=ON -DTESSERA_ASAN=ON -DTESSERA_UBSAN=ON -DTESSERA_BUILD_TESTS=ON \
  -DTESSERA_BUILD_BENCHMARKS=OFF -DTESSERA_INSTALL=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS" --target "${targets[@]/#/fuzz_}"

for t in "${targets[@]}"; do
  work="$BUILD_DIR/corpus/$t"
  findings="$BUILD_DIR/findings/$t"
  mkdir -p "$work" "$findings"
  cp -n "$ROOT/tests/fuzz/corpus/$t/"* "$work/" 2>/dev/null || true
  echo "== fuzz_$t for ${SECONDS_EACH} s"
  rc=0
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$BUILD_DIR/bin/fuzz_$t" -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/" "$work" \
    >"$BUILD_DIR/fuzz_$t.log" 2>&1 || rc=$?
  grep -E "^stat::number_of_executed_units|^stat::new_units_added|ERROR|SUMMARY" \
    "$BUILD_DIR/fuzz_$t.log" || true
  if [ "$rc" != 0 ]; then
    echo "fuzz_$t failed (exit $rc): see $BUILD_DIR/fuzz_$t.log and $findings/"
    failed=1
  fi
done
exit "${failed:-0}"
