#!/usr/bin/env bash
# Instructions per operation of tessera-bench's measured phase, per engine, under callgrind: the
# figure to compare engines by on a machine whose wall clock swings more than the margins
# (docs/benchmarks.md, "Instructions per operation").
#
#   tools/dev/bench_instructions.sh WORKLOAD OPS [ENGINE...] [-- EXTRA tessera-bench ARGS]
#   tools/dev/bench_instructions.sh kv.fill 5000 tessera-kv rocksdb sqlite
#   tools/dev/bench_instructions.sh ycsb.a 4000 tessera-doc sqlite -- --scale 5000
#
# Each engine runs WORKLOAD's measured phase for exactly OPS operations (`--ops OPS` and an
# unbounded duration) under `valgrind --tool=callgrind`, counting only inside the harness's
# RunOps (the measured phase: the operations and the harness's own per-operation loop, which is
# the same for every engine; not the load, settle or answer digest). Without engines, every
# engine that serves the workload. The `first/this` column is this engine's instructions over
# the first engine's, i.e. the first engine's speed relative to this one by instructions, as
# the targets' ratios put it (with tessera-kv first, kv.fill's rocksdb row reads 0.69: Tessera
# needs 1/0.69 as many instructions per put). Workloads without a RunOps
# phase (graph.load, ts.ingest, feed.*) are not measured. Needs valgrind and a build with the
# benchmarks (BENCH, default build/bin/tessera-bench); takes ~50x the native run time.
#
# CACHE_SIM=1 also simulates the caches (callgrind --cache-sim=yes, about twice as slow) and adds
# an estimate of cycles per operation, Ir + 10 x (L1 misses) + 100 x (last-level misses)
# (KCachegrind's cycle estimate): closer to the clock where code or data spill the L1 caches.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="${BENCH:-$ROOT/build/bin/tessera-bench}"
if [ $# -lt 2 ]; then
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"
  exit 2
fi
workload="$1"
ops="$2"
shift 2
engines=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  engines+=("$1")
  shift
done
[ "${1:-}" = "--" ] && shift
extra=("$@")
if [[ ! "$ops" =~ ^[1-9][0-9]*$ ]]; then
  echo "bench_instructions.sh: OPS must be a positive integer, got '$ops'" >&2
  exit 2
fi
command -v valgrind >/dev/null || { echo "bench_instructions.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
[ -x "$BENCH" ] || { echo "bench_instructions.sh: no $BENCH (build with -DTESSERA_BUILD_BENCHMARKS=ON)" >&2; exit 2; }
if [ ${#engines[@]} -eq 0 ]; then
  # `--list` prints each workload's name and description, then "  engines: a,b,c".
  line="$("$BENCH" --list | awk -v w="$workload" 'found { print; exit } $1 == w { found = 1 }')"
  [ -n "$line" ] || { echo "bench_instructions.sh: no workload $workload (see tessera-bench --list)" >&2; exit 2; }
  read -r -a engines <<<"$(sed 's/^ *engines: *//' <<<"$line" | tr ',' ' ')"
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
sim=()
format='%-26s %-14s %8s %16s %10s'
header=(workload engine ops instructions/op first/this)
if [ "${CACHE_SIM:-0}" = 1 ]; then
  sim=(--cache-sim=yes)
  format+=' %16s %10s'
  header+=(est.cycles/op first/this)
fi
printf "$format\n" "${header[@]}"
first=""
first_cycles=""
for engine in "${engines[@]}"; do
  mkdir -p "$tmp/$engine"
  if ! valgrind --tool=callgrind "${sim[@]}" --callgrind-out-file="$tmp/$engine/cg.%p" \
      --toggle-collect='tessera::bench::RunOps(*, long)' "$BENCH" --workload "$workload" --engine "$engine" \
      --ops "$ops" --duration 1000000 --dir "$tmp/db" "${extra[@]}" \
      >"$tmp/$engine/out" 2>"$tmp/$engine/err"; then
    echo "bench_instructions.sh: $workload on $engine failed:" >&2
    tail -5 "$tmp/$engine/err" "$tmp/$engine/out" >&2
    exit 1
  fi
  rm -rf "$tmp/db"
  # The pair ran in a forked child: its profile is the file with the largest total. With the
  # cache simulation the summary line is Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw (trailing
  # zeros left out); the cycle estimate weighs the misses.
  summary="$(grep -h '^summary:' "$tmp/$engine"/cg.* | sort -k2,2n | tail -1)"
  total="$(awk '{print $2}' <<<"$summary")"
  per_op=$((total / ops))
  [ -n "$first" ] || first="$per_op"
  row=("$workload" "$engine" "$ops" "$per_op"
       "$(awk -v a="$first" -v b="$per_op" 'BEGIN { printf "%.2f", b / a }')")
  if [ ${#sim[@]} -gt 0 ]; then
    cycles="$(awk -v n="$ops" '{ printf "%d", ($2 + 10 * ($5 + $6 + $7) + 100 * ($8 + $9 + $10)) / n }' \
      <<<"$summary")"
    [ -n "$first_cycles" ] || first_cycles="$cycles"
    row+=("$cycles" "$(awk -v a="$first_cycles" -v b="$cycles" 'BEGIN { printf "%.2f", b / a }')")
  fi
  printf "$format\n" "${row[@]}"
done
