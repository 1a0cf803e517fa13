// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/ts/ts_aggregate.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/util/strings.h"
#include "models/ts/ts_keys.h"

namespace tessera {

absl::StatusOr<TsAggregate> ParseTsAggregate(std::string_view text) {
  static constexpr std::pair<std::string_view, TsAggFn> kNames[] = {
      {"count", TsAggFn::kCount}, {"sum", TsAggFn::kSum},      {"min", TsAggFn::kMin},
      {"max", TsAggFn::kMax},     {"mean", TsAggFn::kMean},    {"first", TsAggFn::kFirst},
      {"last", TsAggFn::kLast},   {"stddev", TsAggFn::kStddev}};
  for (const auto& [name, fn] : kNames) {
    if (text == name) return TsAggregate{fn, 0};
  }
  if (text.size() >= 2 && text.size() <= 4 && text[0] == 'p') {
    int p = 0;
    bool digits = true;
    for (char c : text.substr(1)) {
      if (c < '0' || c > '9') digits = false;
      p = p * 10 + (c - '0');
    }
    if (digits && p <= 100) return TsAggregate{TsAggFn::kPercentile, static_cast<double>(p)};
  }
  return absl::InvalidArgumentError(util::StrCat(
      "unknown aggregate \"", text,
      "\"; expected count, sum, min, max, mean, first, last, stddev or pN (0 <= N <= 100)"));
}

std::string TsAggregateName(const TsAggregate& agg) {
  switch (agg.fn) {
    case TsAggFn::kCount:
      return "count";
    case TsAggFn::kSum:
      return "sum";
    case TsAggFn::kMin:
      return "min";
    case TsAggFn::kMax:
      return "max";
    case TsAggFn::kMean:
      return "mean";
    case TsAggFn::kFirst:
      return "first";
    case TsAggFn::kLast:
      return "last";
    case TsAggFn::kStddev:
      return "stddev";
    case TsAggFn::kPercentile:
      return util::StrCat("p", static_cast<int>(agg.percentile));
  }
  return "?";
}

namespace ts {

double AsDouble(const TsValue& v) {
  if (const double* d = std::get_if<double>(&v)) return *d;
  if (const int64_t* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  return std::get<bool>(v) ? 1.0 : 0.0;
}

TsValue AggregateSamples(const TsAggregate& agg, const std::vector<Sample>& s) {
  const size_t n = s.size();
  switch (agg.fn) {
    case TsAggFn::kCount:
      return static_cast<int64_t>(n);
    case TsAggFn::kSum:
    case TsAggFn::kMean: {
      double sum = 0;
      for (const Sample& x : s) sum += x.number;
      return agg.fn == TsAggFn::kSum ? sum : sum / static_cast<double>(n);
    }
    case TsAggFn::kMin:
    case TsAggFn::kMax: {
      size_t best = 0;
      for (size_t i = 1; i < n; ++i) {
        // NaN never wins a comparison, so a NaN is chosen only when it comes first and nothing
        // after it compares; skip a leading NaN explicitly.
        if (std::isnan(s[best].number) && !std::isnan(s[i].number)) {
          best = i;
        } else if (agg.fn == TsAggFn::kMin ? s[i].number < s[best].number
                                           : s[i].number > s[best].number) {
          best = i;
        }
      }
      return s[best].value;
    }
    case TsAggFn::kFirst:
      return s.front().value;
    case TsAggFn::kLast:
      return s.back().value;
    case TsAggFn::kStddev: {
      if (n < 2) return std::numeric_limits<double>::quiet_NaN();
      double mean = 0, m2 = 0;  // Welford
      for (size_t i = 0; i < n; ++i) {
        const double d = s[i].number - mean;
        mean += d / static_cast<double>(i + 1);
        m2 += d * (s[i].number - mean);
      }
      return std::sqrt(m2 / static_cast<double>(n - 1));
    }
    case TsAggFn::kPercentile: {
      std::vector<size_t> idx(n);
      for (size_t i = 0; i < n; ++i) idx[i] = i;
      std::stable_sort(idx.begin(), idx.end(),
                       [&](size_t a, size_t b) {  // NaN sorts last (a strict weak order)
                         if (std::isnan(s[a].number)) return false;
                         return std::isnan(s[b].number) || s[a].number < s[b].number;
                       });
      // Nearest rank: the smallest value with at least p% of the samples at or below it.
      size_t rank = static_cast<size_t>(std::ceil(agg.percentile / 100.0 * static_cast<double>(n)));
      rank = std::clamp<size_t>(rank, 1, n);
      return s[idx[rank - 1]].value;
    }
  }
  return int64_t{0};
}

std::vector<std::pair<int64_t, TsValue>> AggregateBuckets(const TsAggregate& agg, int64_t every,
                                                          const std::vector<Sample>& samples) {
  std::vector<std::pair<int64_t, TsValue>> out;
  std::vector<Sample> bucket;
  int64_t start = 0;
  for (const Sample& s : samples) {
    const int64_t b = FloorTo(s.ts, every);
    if (!bucket.empty() && b != start) {
      out.emplace_back(start, AggregateSamples(agg, bucket));
      bucket.clear();
    }
    start = b;
    bucket.push_back(s);
  }
  if (!bucket.empty()) out.emplace_back(start, AggregateSamples(agg, bucket));
  return out;
}

bool BucketAggregator::Supports(const TsAggregate& agg, size_t series) {
  switch (agg.fn) {
    case TsAggFn::kCount:
    case TsAggFn::kMin:
    case TsAggFn::kMax:
      return true;
    case TsAggFn::kSum:
    case TsAggFn::kMean:
    case TsAggFn::kStddev:
    case TsAggFn::kFirst:
    case TsAggFn::kLast:
      return series <= 1;
    case TsAggFn::kPercentile:
      return false;
  }
  return false;
}

void BucketAggregator::Add(Acc& a, ValueType type, int64_t ts, uint64_t bits, double number) {
  ++a.count;
  switch (agg_.fn) {
    case TsAggFn::kCount:
      break;
    case TsAggFn::kSum:
    case TsAggFn::kMean:
      a.sum += number;
      break;
    case TsAggFn::kStddev: {
      const double d = number - a.mean;
      a.mean += d / static_cast<double>(a.count);
      a.m2 += d * (number - a.mean);
      break;
    }
    case TsAggFn::kMin:
    case TsAggFn::kMax: {
      // AggregateSamples' rule over time order: the greatest (least) non-NaN value, the earliest
      // of equal ones; all NaN: the earliest.
      bool take = a.count == 1;
      if (!take) {
        const bool nan = std::isnan(number), best_nan = std::isnan(a.best);
        const bool earlier = ts != a.best_ts ? ts < a.best_ts : rank_ < a.best_rank;
        if (best_nan) {
          take = !nan || earlier;
        } else if (!nan) {
          const bool better = agg_.fn == TsAggFn::kMax ? number > a.best : number < a.best;
          take = better || (number == a.best && earlier);
        }
      }
      if (take) {
        a.best = number;
        a.best_ts = ts;
        a.best_rank = rank_;
        a.best_type = type;
        a.best_bits = bits;
      }
      break;
    }
    case TsAggFn::kFirst:
      if (a.count == 1) {
        a.first_type = type;
        a.first_bits = bits;
      }
      break;
    case TsAggFn::kLast:
      a.last_type = type;
      a.last_bits = bits;
      break;
    case TsAggFn::kPercentile:
      break;
  }
}

void BucketAggregator::SetRange(int64_t lo, int64_t hi) {
  dense_.clear();
  if (lo > hi) return;
  const int64_t first = FloorTo(lo, every_), last = FloorTo(hi, every_);
  if (first == INT64_MIN || last == INT64_MIN) return;  // out of range: the map serves
  const __int128 n = (static_cast<__int128>(last) - first) / every_ + 1;
  if (n > kMaxDenseBuckets) return;
  base_ = first;
  dense_.resize(static_cast<size_t>(n));
}

BucketAggregator::Acc& BucketAggregator::Bucket(int64_t start) {
  if (!dense_.empty() && start >= base_) {
    const uint64_t i = (static_cast<uint64_t>(start) - static_cast<uint64_t>(base_)) /
                       static_cast<uint64_t>(every_);
    if (i < dense_.size()) return dense_[i];
  }
  return buckets_[start];
}

template <bool kMax>
void BucketAggregator::AddIntExtremes(const std::vector<RawPoint>& points) {
  // Add's rule for min/max, for int points (never NaN) without its per-point dispatch: the run of
  // points of one bucket first (its extreme compared as doubles, the earliest of equal ones
  // kept), then that point into the bucket.
  const RawPoint* p = points.data();
  const size_t n = points.size();
  size_t i = 0;
  while (i < n) {
    const int64_t start = FloorTo(p[i].ts, every_);
    const int64_t end = start > INT64_MAX - every_ ? INT64_MAX : start + every_;
    double best = static_cast<double>(static_cast<int64_t>(p[i].bits));
    size_t at = i;
    size_t j = i + 1;
    for (; j < n && p[j].ts < end; ++j) {
      const double x = static_cast<double>(static_cast<int64_t>(p[j].bits));
      if (kMax ? x > best : x < best) {
        best = x;
        at = j;
      }
    }
    if (end == INT64_MAX) {
      for (; j < n; ++j) {  // the last bucket reaches INT64_MAX (`ts < end` misses it)
        const double x = static_cast<double>(static_cast<int64_t>(p[j].bits));
        if (kMax ? x > best : x < best) {
          best = x;
          at = j;
        }
      }
    }
    Acc& a = Bucket(start);
    a.count += static_cast<int64_t>(j - i);
    bool take = a.count == static_cast<int64_t>(j - i) || std::isnan(a.best) ||
                (kMax ? best > a.best : best < a.best);
    if (!take && best == a.best) {
      take = p[at].ts != a.best_ts ? p[at].ts < a.best_ts : rank_ < a.best_rank;
    }
    if (take) {
      a.best = best;
      a.best_ts = p[at].ts;
      a.best_rank = rank_;
      a.best_type = ValueType::kInt;
      a.best_bits = p[at].bits;
    }
    i = j;
  }
}

bool SummaryExcludes(const TsValueFilter& c, const BlockSummary& s) {
  const double lo = NumberOf(s.type, s.min_bits), hi = NumberOf(s.type, s.max_bits);
  if (std::isnan(lo) || std::isnan(hi)) return false;  // an all-NaN block: not summarized
  // NaN points (left out of a float summary) satisfy no comparison but !=.
  switch (c.op) {
    case TsValueFilter::Op::kLt:
      return !(lo < c.value);
    case TsValueFilter::Op::kLe:
      return !(lo <= c.value);
    case TsValueFilter::Op::kGt:
      return !(hi > c.value);
    case TsValueFilter::Op::kGe:
      return !(hi >= c.value);
    case TsValueFilter::Op::kEq:
      return !(lo <= c.value && c.value <= hi);
    case TsValueFilter::Op::kNe:
      return false;
  }
  return false;
}

BlockUse BucketAggregator::SummaryUse(const BlockSummary& s) const {
  if (!summaries_ || FloorTo(s.start, every_) != FloorTo(s.last, every_)) {
    return BlockUse::kDecode;
  }
  if (agg_.fn == TsAggFn::kCount) return BlockUse::kSummary;
  const uint64_t bits = agg_.fn == TsAggFn::kMax ? s.max_bits : s.min_bits;
  switch (s.type) {
    case ValueType::kFloat: {
      const double v = BitsDouble(bits);
      return std::isnan(v) || v == 0 ? BlockUse::kDecode : BlockUse::kSummary;
    }
    case ValueType::kInt: {
      constexpr int64_t kExact = int64_t{1} << 53;
      const int64_t v = static_cast<int64_t>(bits);
      return v > -kExact && v < kExact ? BlockUse::kSummary : BlockUse::kDecode;
    }
    case ValueType::kBool:
      return BlockUse::kSummary;
  }
  return BlockUse::kDecode;
}

void BucketAggregator::AddSeries(ValueType type, const std::vector<RawPoint>& points,
                                 const std::vector<BlockSummary>& summaries) {
  for (const BlockSummary& s : summaries) {
    // A block stands for its points: its count, and its extreme as one sample at its start
    // (ties between equal extremes choose among equal bits: SummaryUse).
    Acc& a = Bucket(FloorTo(s.start, every_));
    if (agg_.fn == TsAggFn::kCount) {
      a.count += static_cast<int64_t>(s.count);
      continue;
    }
    const uint64_t bits = agg_.fn == TsAggFn::kMax ? s.max_bits : s.min_bits;
    Add(a, type, s.start, bits, NumberOf(type, bits));
    a.count += static_cast<int64_t>(s.count) - 1;
  }
  if (type == ValueType::kInt && (agg_.fn == TsAggFn::kMax || agg_.fn == TsAggFn::kMin)) {
    if (agg_.fn == TsAggFn::kMax) {
      AddIntExtremes<true>(points);
    } else {
      AddIntExtremes<false>(points);
    }
    ++rank_;
    return;
  }
  int64_t start = 0, end = 0;  // the current bucket [start, end)
  bool open = false;
  Acc* acc = nullptr;
  for (const RawPoint& p : points) {
    if (!open || p.ts >= end || p.ts < start) {
      start = FloorTo(p.ts, every_);
      end = start > INT64_MAX - every_ ? INT64_MAX : start + every_;
      acc = &Bucket(start);
      open = true;
    }
    Add(*acc, type, p.ts, p.bits, NumberOf(type, p.bits));
  }
  ++rank_;
}

std::vector<std::pair<int64_t, TsValue>> BucketAggregator::Finish() {
  std::vector<std::pair<int64_t, TsValue>> out;
  // The map holds buckets only when a point fell outside SetRange's range (not from queries):
  // then the dense ones join it, to come out in order.
  for (size_t i = 0; i < dense_.size(); ++i) {
    if (dense_[i].count == 0) continue;
    const int64_t start = base_ + static_cast<int64_t>(i) * every_;
    if (buckets_.empty()) {
      out.emplace_back(start, Result(dense_[i]));
    } else {
      buckets_.emplace(start, dense_[i]);
    }
  }
  if (!buckets_.empty()) {
    out.clear();
    out.reserve(buckets_.size());
    for (const auto& [start, a] : buckets_) out.emplace_back(start, Result(a));
  }
  dense_.clear();
  buckets_.clear();
  rank_ = 0;
  return out;
}

TsValue BucketAggregator::Result(const Acc& a) const {
  switch (agg_.fn) {
    case TsAggFn::kCount:
      return a.count;
    case TsAggFn::kSum:
      return a.sum;
    case TsAggFn::kMean:
      return a.sum / static_cast<double>(a.count);
    case TsAggFn::kStddev:
      return a.count < 2 ? std::numeric_limits<double>::quiet_NaN()
                         : std::sqrt(a.m2 / static_cast<double>(a.count - 1));
    case TsAggFn::kMin:
    case TsAggFn::kMax:
      return ValueOf(a.best_type, a.best_bits);
    case TsAggFn::kFirst:
      return ValueOf(a.first_type, a.first_bits);
    case TsAggFn::kLast:
      return ValueOf(a.last_type, a.last_bits);
    case TsAggFn::kPercentile:
      break;
  }
  return int64_t{0};
}

}  // namespace ts
}  // namespace tessera
