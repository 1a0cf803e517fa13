// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Aggregation of one group's samples over epoch-aligned buckets (pure; no database).
#pragma once

#include <bit>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "models/ts/chunk_codec.h"
#include "models/ts/series_reader.h"
#include "tessera/ts.h"

namespace tessera::ts {

// The value of `bits` (a stored point's payload) read as `type`. Inline: rows call it per value.
inline TsValue ValueOf(ValueType type, uint64_t bits) {
  switch (type) {
    case ValueType::kFloat:
      return std::bit_cast<double>(bits);
    case ValueType::kInt:
      return static_cast<int64_t>(bits);
    case ValueType::kBool:
      return bits != 0;
  }
  return int64_t{0};
}

// The value of `bits` read as `type`, as a double (bools 0 and 1): what aggregates and value
// conditions compute with.
inline double NumberOf(ValueType type, uint64_t bits) {
  switch (type) {
    case ValueType::kFloat:
      return std::bit_cast<double>(bits);
    case ValueType::kInt:
      return static_cast<double>(static_cast<int64_t>(bits));
    case ValueType::kBool:
      return bits != 0 ? 1.0 : 0.0;
  }
  return 0;
}

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

// Whether no value in the block's summary range can satisfy `c` (so the block holds no match).
bool SummaryExcludes(const TsValueFilter& c, const BlockSummary& s);

// Aggregates a group's series straight from their decoded points into per-bucket accumulators,
// without building samples: the hot loop of aggregate queries. It gives exactly what
// AggregateBuckets gives over the group's samples merged in time order (equal times in the order
// the series are added): count, min and max for any number of series (they do not depend on the
// order, given the tie rule: the earliest sample wins), the other functions but percentiles for
// one series (whose points are already in time order). Not thread-safe.
class BucketAggregator {
 public:
  BucketAggregator(const TsAggregate& agg, int64_t every) : agg_(agg), every_(every) {}
  // Whether the aggregator serves `agg` over a group of `series` series.
  static bool Supports(const TsAggregate& agg, size_t series);
  // Adds the next series of the group: its points ascending by time, one per timestamp, and the
  // summaries of its blocks that SummaryUse accepted (instead of their points).
  void AddSeries(ValueType type, const std::vector<RawPoint>& points,
                 const std::vector<BlockSummary>& summaries = {});
  // The query's time range: buckets then live in one array (up to kMaxDenseBuckets of them)
  // instead of a map. Points outside it still aggregate (in the map).
  void SetRange(int64_t lo, int64_t hi);
  // Whether block summaries may stand for points: count, min and max over a group whose series
  // all have one value type (`same_type`; then equal values have equal bits, whichever wins).
  void AllowSummaries(bool same_type) {
    summaries_ = same_type && (agg_.fn == TsAggFn::kCount || agg_.fn == TsAggFn::kMin ||
                               agg_.fn == TsAggFn::kMax);
  }
  // kSummary when the block lies inside one bucket and its summary gives exactly what its points
  // would (for min/max: the extreme is not NaN, not ±0 -- two values equal but with different
  // bits -- and an int is exact as a double), else kDecode.
  BlockUse SummaryUse(const BlockSummary& s) const;
  // (bucket start, value) of every non-empty bucket, ascending; resets the aggregator.
  std::vector<std::pair<int64_t, TsValue>> Finish();

 private:
  struct Acc {
    int64_t count = 0;
    double sum = 0;           // sum, mean
    double mean = 0, m2 = 0;  // stddev (Welford)
    double best = 0;          // min, max: the chosen value as a double
    int64_t best_ts = 0;      // and its time, series rank and value
    uint32_t best_rank = 0;
    ValueType best_type = ValueType::kFloat;
    uint64_t best_bits = 0;
    ValueType first_type = ValueType::kFloat, last_type = ValueType::kFloat;
    uint64_t first_bits = 0, last_bits = 0;
  };
  static constexpr int64_t kMaxDenseBuckets = 1024;
  void Add(Acc& a, ValueType type, int64_t ts, uint64_t bits, double number);
  // The accumulator of the bucket starting at `start`.
  Acc& Bucket(int64_t start);
  TsValue Result(const Acc& a) const;
  // AddSeries for int points and min (kMax false) or max.
  template <bool kMax>
  void AddIntExtremes(const std::vector<RawPoint>& points);

  TsAggregate agg_;
  int64_t every_;
  bool summaries_ = false;
  uint32_t rank_ = 0;
  absl::btree_map<int64_t, Acc> buckets_;  // buckets outside the dense range
  std::vector<Acc> dense_;                 // SetRange's buckets, from base_
  int64_t base_ = 0;
};

}  // namespace tessera::ts
