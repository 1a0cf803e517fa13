// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// A measurement's settings, kept as JSON in its catalog record's options (so they persist and
// survive restarts with the catalog):
//
//   {"retention_ns": 86400000000000,
//    "downsample": [{"dst": "cpu_1h", "fn": "mean", "every_ns": 3600000000000}]}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "tessera/ts.h"

namespace tessera::ts {

// A continuous-aggregation rule of a source measurement.
struct DownsampleRule {
  std::string dst;    // destination measurement
  TsAggregate fn;     // aggregate
  int64_t every = 0;  // bucket width, ns
};

// The settings of one measurement.
struct MeasurementOptions {
  int64_t retention_ns = 0;           // 0: keep forever
  std::vector<DownsampleRule> rules;  // continuous aggregations fed by this measurement
};

// "" decodes to defaults. DataLoss on malformed text.
absl::StatusOr<MeasurementOptions> DecodeMeasurementOptions(std::string_view text);
std::string EncodeMeasurementOptions(const MeasurementOptions& o);

}  // namespace tessera::ts
