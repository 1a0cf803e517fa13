// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// tessera-bench: the shared vocabulary of the harness. A Workload is a named operation mix that
// one or more engines can serve; running it on one engine yields metrics and a check string that
// must be the same on every engine (the runner compares them and fails loudly when they differ).
//
// Thread safety: Config and Workload are immutable once built; run functions are called from one
// process per (workload, engine) pair.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace tessera::bench {

// What the command line chose.
struct Config {
  int64_t scale = 0;         // records, hosts or vertices; 0 = each family's default
  int threads = 1;           // client threads per measured phase
  uint64_t seed = 42;        // seeds every generator
  double duration_s = 0.5;   // the longest measured phase, in seconds
  int64_t max_ops = 200000;  // the most operations of one measured phase
  int rounds = 1;            // runs of every (workload, engine) pair; each metric is their median
  std::string dir;           // working directory for databases and generated files
};

// One figure of one run.
struct Metric {
  std::string name;  // "ops_per_sec", "p50_us", "read.p99_us", "bytes_per_point", ...
  double value = 0;  // the figure
  std::string unit;  // "ops/s", "us", "MB", "B", ...
};

// What running a workload on one engine produced.
struct RunResult {
  std::vector<Metric> metrics;  // the figures
  std::string check;            // an answer digest that every engine must reproduce exactly
};

// A workload: its name, what it does, the engines that can serve it, and how to run it.
struct Workload {
  std::string name;                  // "kv.read"
  std::string description;           // one line for --list
  std::vector<std::string> engines;  // engines that serve it, in report order
  std::function<absl::StatusOr<RunResult>(const std::string& engine, const Config&)> run;
};

// Every engine name the harness knows, in report order.
const std::vector<std::string>& AllEngines();

// Every workload, in priority order. Each family registers its own in *_workloads.cc.
std::vector<Workload> AllWorkloads();
std::vector<Workload> KvWorkloads();
std::vector<Workload> YcsbWorkloads();
std::vector<Workload> DocWorkloads();
std::vector<Workload> GraphWorkloads();
std::vector<Workload> TsWorkloads();
std::vector<Workload> ModelsWorkloads();
std::vector<Workload> FeedWorkloads();

// The scale of a family: the command line's --scale, or the family's default.
inline int64_t ScaleOr(const Config& config, int64_t fallback) {
  return config.scale > 0 ? config.scale : fallback;
}

}  // namespace tessera::bench
