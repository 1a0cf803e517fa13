#!/usr/bin/env bash
# Sets up, builds the shell and starts it on ./tessera-data (or pass --db PATH and other
# arguments of `tessera`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_TARGET=tessera_shell "$ROOT/tools/dev/build.sh" >&2
BIN="${BUILD_DIR:-$ROOT/build}/bin/tessera"
has_db=0
for a in "$@"; do [ "$a" = "--db" ] && has_db=1; done
if [ $has_db -eq 1 ]; then exec "$BIN" "$@"; else exec "$BIN" --db ./tessera-data "$@"; fi
