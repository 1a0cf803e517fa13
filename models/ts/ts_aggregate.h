// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Aggregation of one group's samples over epoch-aligned buckets (pure; no database).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "tessera/ts.h"

namespace tessera::ts {

// One sample of a group: its time, its stored value, and that value as a double (bools as 0/1).
struct Sample {
  int64_t ts = 0;     // ns
  TsValue value;      // as stored
  double number = 0;  // value as a double
};

// The double of a value.
double AsDouble(const TsValue& v);

// Aggregates one bucket's samples (non-empty, ordered by time; for equal times the order of the
// input decides first and last). count: int64; sum, mean, stddev: double (sample stddev, NaN
// under two samples); min, max, first, last, percentile (nearest rank): the chosen sample's value.
TsValue AggregateSamples(const TsAggregate& agg, const std::vector<Sample>& samples);

// Splits `samples` (ordered by time) into buckets [k*every, (k+1)*every) and aggregates each
// non-empty one. Returns (bucket start, value) in time order. `every` > 0.
std::vector<std::pair<int64_t, TsValue>> AggregateBuckets(const TsAggregate& agg, int64_t every,
                                                          const std::vector<Sample>& samples);

}  // namespace tessera::ts
