// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/ts/ts_aggregate.h"

#include <cmath>
#include <random>

#include "gtest/gtest.h"

namespace tessera::ts {
namespace {

std::vector<Sample> Samples(const std::vector<std::pair<int64_t, double>>& v) {
  std::vector<Sample> out;
  for (auto [t, d] : v) out.push_back(Sample{t, d, d});
  return out;
}

TEST(ParseTsAggregate, AcceptsEveryNameAndRejectsOthers) {
  for (std::string_view n : {"count", "sum", "min", "max", "mean", "first", "last", "stddev", "p50",
                             "p90", "p99", "p0", "p100"}) {
    auto a = ParseTsAggregate(n);
    ASSERT_TRUE(a.ok()) << n;
    EXPECT_EQ(TsAggregateName(*a), n);
  }
  for (std::string_view n : {"", "avg", "p", "p101", "p5x", "P50", "p1000"}) {
    EXPECT_FALSE(ParseTsAggregate(n).ok()) << n;
  }
}

TEST(AggregateSamples, ComputesEachFunction) {
  auto s = Samples({{1, 4}, {2, 1}, {3, 3}, {4, 2}});
  EXPECT_EQ(std::get<int64_t>(AggregateSamples({TsAggFn::kCount}, s)), 4);
  EXPECT_DOUBLE_EQ(std::get<double>(AggregateSamples({TsAggFn::kSum}, s)), 10);
  EXPECT_DOUBLE_EQ(std::get<double>(AggregateSamples({TsAggFn::kMean}, s)), 2.5);
  EXPECT_DOUBLE_EQ(std::get<double>(AggregateSamples({TsAggFn::kMin}, s)), 1);
  EXPECT_DOUBLE_EQ(std::get<double>(AggregateSamples({TsAggFn::kMax}, s)), 4);
  EXPECT_DOUBLE_EQ(std::get<double>(AggregateSamples({TsAggFn::kFirst}, s)), 4);
  EXPECT_DOUBLE_EQ(std::get<double>(AggregateSamples({TsAggFn::kLast}, s)), 2);
  EXPECT_NEAR(std::get<double>(AggregateSamples({TsAggFn::kStddev}, s)), std::sqrt(5.0 / 3), 1e-12);
  // Nearest rank over 1 2 3 4: p50 -> rank 2, p90 and p99 -> rank 4, p0 -> rank 1.
  EXPECT_DOUBLE_EQ(std::get<double>(AggregateSamples({TsAggFn::kPercentile, 50}, s)), 2);
  EXPECT_DOUBLE_EQ(std::get<double>(AggregateSamples({TsAggFn::kPercentile, 90}, s)), 4);
  EXPECT_DOUBLE_EQ(std::get<double>(AggregateSamples({TsAggFn::kPercentile, 0}, s)), 1);
}

TEST(AggregateSamples, StddevOfOneSampleIsNaN) {
  EXPECT_TRUE(
      std::isnan(std::get<double>(AggregateSamples({TsAggFn::kStddev}, Samples({{1, 5}})))));
}

TEST(AggregateSamples, NaNNeitherWinsMinMaxNorBreaksPercentileOrder) {
  const double nan = std::nan("");
  auto s = Samples({{1, nan}, {2, 3}, {3, nan}, {4, 1}});
  EXPECT_DOUBLE_EQ(std::get<double>(AggregateSamples({TsAggFn::kMin}, s)), 1);
  EXPECT_DOUBLE_EQ(std::get<double>(AggregateSamples({TsAggFn::kMax}, s)), 3);
  EXPECT_DOUBLE_EQ(std::get<double>(AggregateSamples({TsAggFn::kPercentile, 50}, s)), 3);
}

TEST(AggregateSamples, KeepsIntegerTypeForSelectors) {
  std::vector<Sample> s{{1, int64_t{7}, 7}, {2, int64_t{-3}, -3}};
  EXPECT_EQ(std::get<int64_t>(AggregateSamples({TsAggFn::kMin}, s)), -3);
  EXPECT_EQ(std::get<int64_t>(AggregateSamples({TsAggFn::kLast}, s)), -3);
  EXPECT_DOUBLE_EQ(std::get<double>(AggregateSamples({TsAggFn::kSum}, s)), 4);
}

TEST(AggregateBuckets, AlignsToTheEpochIncludingNegativeTimes) {
  auto s = Samples({{-15, 1}, {-10, 2}, {-1, 3}, {0, 4}, {9, 5}, {25, 6}});
  auto rows = AggregateBuckets({TsAggFn::kCount}, 10, s);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].first, -20);
  EXPECT_EQ(std::get<int64_t>(rows[0].second), 1);
  EXPECT_EQ(rows[1].first, -10);
  EXPECT_EQ(std::get<int64_t>(rows[1].second), 2);
  EXPECT_EQ(rows[2].first, 0);
  EXPECT_EQ(std::get<int64_t>(rows[2].second), 2);
  EXPECT_EQ(rows[3].first, 20);  // the empty bucket [10, 20) is omitted
}

TEST(BucketAggregator, DenseRangeAndSummariesGiveWhatThePointsGive) {
  // Random int series (ties, negative times), aggregated from points alone without a range,
  // with a range narrower than the points (some buckets fall back to the map), and with blocks
  // of 10 ns given as summaries where SummaryUse accepts them: all three agree.
  std::mt19937_64 rng(3);
  for (TsAggFn fn : {TsAggFn::kCount, TsAggFn::kMin, TsAggFn::kMax}) {
    for (int round = 0; round < 50; ++round) {
      std::vector<std::vector<RawPoint>> series(1 + rng() % 3);
      for (auto& s : series) {
        int64_t t = -200 + static_cast<int64_t>(rng() % 20);
        for (int i = 0; i < 60; ++i, t += 1 + static_cast<int64_t>(rng() % 7)) {
          s.push_back({t, static_cast<uint64_t>(static_cast<int64_t>(rng() % 9) - 4)});
        }
      }
      const int64_t every = 20;
      BucketAggregator plain({fn}, every), dense({fn}, every), summarized({fn}, every);
      dense.SetRange(-150, 100);
      summarized.SetRange(-1000, 1000);
      summarized.AllowSummaries(true);
      for (const auto& s : series) {
        plain.AddSeries(ValueType::kInt, s);
        dense.AddSeries(ValueType::kInt, s);
        // Blocks [10k, 10k + 9]: summaries where accepted, points elsewhere.
        std::vector<RawPoint> rest;
        std::vector<BlockSummary> sums;
        for (size_t i = 0; i < s.size();) {
          const int64_t start = s[i].ts - ((s[i].ts % 10) + 10) % 10;
          size_t j = i;
          BlockSummary b{start, start + 9, 0, ValueType::kInt, s[i].bits, s[i].bits};
          for (; j < s.size() && s[j].ts <= start + 9; ++j) {
            ++b.count;
            const auto v = static_cast<int64_t>(s[j].bits);
            if (v < static_cast<int64_t>(b.min_bits)) b.min_bits = s[j].bits;
            if (v > static_cast<int64_t>(b.max_bits)) b.max_bits = s[j].bits;
          }
          if (summarized.SummaryUse(b) == BlockUse::kSummary) {
            sums.push_back(b);
          } else {
            rest.insert(rest.end(), s.begin() + static_cast<std::ptrdiff_t>(i),
                        s.begin() + static_cast<std::ptrdiff_t>(j));
          }
          i = j;
        }
        EXPECT_FALSE(sums.empty());
        summarized.AddSeries(ValueType::kInt, rest, sums);
      }
      const auto want = plain.Finish();
      EXPECT_EQ(dense.Finish(), want) << round;
      EXPECT_EQ(summarized.Finish(), want) << round;
    }
  }
}

}  // namespace
}  // namespace tessera::ts
