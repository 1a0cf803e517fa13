// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// A point-in-time copy of a database's metrics: operation counts and latencies per model and
// operation, storage sizes and selected RocksDB statistics.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace tessera {

struct LatencySummary {
  uint64_t count = 0;   // operations measured
  uint64_t errors = 0;  // of which failed
  double sum_us = 0;    // total latency, microseconds
  double p50_us = 0;    // median latency, microseconds (bucket estimate)
  double p99_us = 0;    // 99th percentile latency, microseconds (bucket estimate)
  double max_us = 0;    // largest latency seen, microseconds
  // Cumulative histogram: upper bound in microseconds -> operations at or under it.
  std::map<double, uint64_t> buckets;
};

struct MetricsSnapshot {
  // "model.operation" (for example "kv.get") -> latency summary.
  std::map<std::string, LatencySummary> operations;
  // Sizes and counters: "sst_bytes.data", "memtable_bytes", "changelog.last_seq", ...
  std::map<std::string, uint64_t> gauges;
  // Selected RocksDB tickers ("rocksdb.block.cache.hit", ...); empty when statistics are off.
  std::map<std::string, uint64_t> rocksdb;

  // The snapshot in Prometheus text exposition format (version 0.0.4).
  std::string ToPrometheusText() const;
};

}  // namespace tessera
