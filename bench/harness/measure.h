// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The measured phase of a workload: run an operation from N threads until the operation cap or
// the time cap, record every operation's latency by operation type, and turn them into
// ops_per_sec and p50/p99 metrics.
//
// Thread safety: RunOps starts and joins its own threads; the operation must be thread-safe.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "bench/harness/bench.h"

namespace tessera::bench {

// One thread's view of the measured phase.
struct OpContext {
  int thread = 0;        // 0..threads-1
  std::mt19937_64* rng;  // the thread's generator (seeded from the config's seed and thread)
  uint64_t index = 0;    // this operation's number within the thread
};

// What an operation did: its type (an index into the phase's type names) or an error.
using OpFn = absl::FunctionRef<absl::StatusOr<int>(OpContext&)>;

struct PhaseResult {
  uint64_t ops = 0;             // operations completed
  double seconds = 0;           // wall time of the phase
  std::vector<Metric> metrics;  // ops_per_sec, p50_us, p99_us, and per type when several
};

// Runs `op` on config.threads threads until config.max_ops (or `max_ops` if > 0) operations or
// config.duration_s seconds. `types` names the operation types (for per-type percentiles when
// there are several). The first error stops the phase and is returned.
absl::StatusOr<PhaseResult> RunOps(const Config& config, const std::vector<std::string>& types,
                                   OpFn op, int64_t max_ops = 0);

// The p-th percentile (0..100) of `v` (reorders it); 0 for an empty vector.
double Percentile(std::vector<float>* v, double p);

// The process's peak resident set size in MiB (VmHWM).
double PeakRssMb();

// Total size of the regular files under `dir` whose names end with `suffix` ("" = all).
uint64_t DirBytes(const std::string& dir, const std::string& suffix = "");

// A wall-clock stopwatch in seconds.
// Nanoseconds on the steady clock (for intervals, not dates).
int64_t NowNs();

class Stopwatch {
 public:
  Stopwatch();
  double Seconds() const;

 private:
  int64_t start_ns_;
};

}  // namespace tessera::bench
