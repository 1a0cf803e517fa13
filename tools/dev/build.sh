#!/usr/bin/env bash
# Configures and builds Tessera into BUILD_DIR (default: build/). Extra arguments go to cmake's
# configure step (for example -DTESSERA_ASAN=ON).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
JOBS="${JOBS:-$(nproc)}"
"$ROOT/tools/dev/setup.sh"
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ] || [ $# -gt 0 ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_INSTALL_PREFIX="$BUILD_DIR/stage" -DTESSERA_BUILD_BENCHMARKS=ON "$@" >/dev/null
fi
cmake --build "$BUILD_DIR" -j "$JOBS" ${BUILD_TARGET:+--target $BUILD_TARGET}
