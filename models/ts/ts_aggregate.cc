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

}  // namespace ts
}  // namespace tessera
