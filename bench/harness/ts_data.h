// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The TSBS cpu-only data (timescale/tsbs, cmd/tsbs_generate_data, use case cpu-only): `hosts`
// hosts with 10 tags each (hostname, region, datacenter, rack, os, arch, team, service,
// service_version, service_environment) and 10 int fields (usage_user .. usage_guest_nice), each
// a random walk clamped to [0, 100] with N(0, 1) steps, emitted as int64, every 10 s from
// 2016-01-01T00:00:00Z, time-major (every host at t, then t + 10 s), as InfluxDB line protocol:
//
//   cpu,hostname=host_0,region=eu-west-1,...,service_environment=test usage_user=58i,...,
//     usage_guest_nice=63i 1451606400000000000
//
// Also a small line-protocol parser for this shape (what the SQLite ingest path uses).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::bench {

inline constexpr int kTsFields = 10;
inline constexpr int64_t kTsStartNs = 1451606400LL * 1000000000LL;
inline constexpr int64_t kTsIntervalNs = 10LL * 1000000000LL;
extern const char* const kTsFieldNames[kTsFields];

// Lines for `rows_per_host` timestamps of `hosts` hosts, each ending in '\n', in chunks of at
// most `chunk_rows` lines (one chunk = one write batch).
std::vector<std::string> TsbsLines(uint64_t seed, int64_t hosts, int64_t rows_per_host,
                                   int64_t chunk_rows);

// One parsed cpu line.
struct CpuRow {
  std::string_view tagset;    // "hostname=host_0,region=...": the series key
  std::string_view hostname;  // the hostname tag's value
  int64_t values[kTsFields];  // in kTsFieldNames order
  int64_t time = 0;           // ns
};

// Parses one line of the shape above; false when it does not have that shape.
bool ParseCpuLine(std::string_view line, CpuRow* row);

}  // namespace tessera::bench
