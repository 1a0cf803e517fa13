// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Runs the chosen (workload, engine) pairs, each in its own forked child so that peak RSS is
// measured per pair and a crash in one engine cannot take the others down. Collects the
// metrics, compares every engine's answer check within a workload, and shows a progress bar on
// terminals.
//
// Thread safety: not thread-safe; call from the main thread.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "bench/harness/bench.h"

namespace tessera::bench {

// One result row of the JSON output.
struct ResultRow {
  std::string workload;
  std::string engine;
  Metric metric;
};

struct RunSummary {
  std::vector<ResultRow> rows;        // every metric of every successful pair
  std::vector<std::string> failures;  // human-readable failures (errors, disagreeing answers)
};

// Runs the engines of each workload in `workloads` that match `engine_filter` (all when empty),
// config.rounds times: in each round every workload's engines run one after another, in their
// listed order in even rounds and reversed in odd ones, so that a drift in machine speed falls on
// each engine alike. Every round's answers must agree with the first engine's; each metric is the
// median over the rounds (Medians).
RunSummary RunAll(const std::vector<Workload>& workloads,
                  const std::vector<std::string>& engine_filter, const Config& config);

// One row per (workload, engine, metric name), in the order first seen, holding the median of
// that metric's values (the mean of the middle two for an even count).
std::vector<ResultRow> Medians(const std::vector<ResultRow>& rows);

// workload -> (engine, answer check) in run order.
using CheckMap = std::map<std::string, std::vector<std::pair<std::string, std::string>>>;

// One message per engine whose check differs from the first engine's of the same workload.
std::vector<std::string> CompareChecks(const CheckMap& checks);

// Whether `name` matches the glob `pattern` ('*' any run, '?' one character).
bool GlobMatch(std::string_view pattern, std::string_view name);

}  // namespace tessera::bench
