// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Reads one series' points from the data column family: per window, the sealed chunk merged with
// the head points not yet sealed into it (a head point replaces a chunk point of the same time:
// it is the later write). Layout in ts_keys.h.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "core/engine/read_source.h"
#include "models/ts/chunk_codec.h"

namespace tessera::ts {

// The width of a chunk's time window: 2 hours of nanoseconds (Gorilla's and Prometheus' block).
inline constexpr int64_t kWindowNs = int64_t{2} * 3600 * 1000000000;

// Points of series `sid` of measurement `mid` with lo <= ts <= hi, ascending.
absl::StatusOr<std::vector<RawPoint>> ReadSeries(internal::ReadSource& src, uint64_t mid,
                                                 uint64_t sid, int64_t lo, int64_t hi);

// The latest point with lo <= ts <= hi, or nullopt.
absl::StatusOr<std::optional<RawPoint>> ReadLastPoint(internal::ReadSource& src, uint64_t mid,
                                                      uint64_t sid, int64_t lo, int64_t hi);

// Merges a window's chunk points (ascending) with its head points (ascending): head wins.
std::vector<RawPoint> MergeWindow(std::vector<RawPoint> chunk, const std::vector<RawPoint>& head);

}  // namespace tessera::ts
