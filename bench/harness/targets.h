// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The performance targets Tessera holds itself to (docs/benchmarks.md, "Targets"), checked
// against one run's results: ratios of two engines within the run, or one engine's own figure.
// A target whose rows the run lacks (a workload or engine left out) is not reported.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "bench/harness/runner.h"

namespace tessera::bench {

// One target as checked: what it asks, what the run measured, and whether that meets it.
struct TargetCheck {
  std::string name;       // what is compared, e.g. "kv.read ops/s tessera-kv / rocksdb"
  std::string goal;       // the bound, e.g. ">= 0.9" or "<= 2000 us"
  double value = 0;       // the ratio or figure measured
  std::string detail;     // the figures behind a ratio, e.g. "62,213 / 94,207 ops/s"
  bool is_ratio = false;  // value is one engine's figure over another's
  bool met = false;       // value is within the bound
};

// Every target whose rows `rows` holds, in the order docs/benchmarks.md lists them.
std::vector<TargetCheck> CheckTargets(const std::vector<ResultRow>& rows);

// A Markdown table of `checks` (target, goal, measured, met), or "" when there are none.
std::string TargetsMarkdown(const std::vector<TargetCheck>& checks);

// One line per check, for the terminal: "met   kv.read ... 0.93 (>= 0.9; 1,000 / 1,075)".
std::string TargetsText(const std::vector<TargetCheck>& checks);

}  // namespace tessera::bench
