// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/ts/ts_aggregate.h"

#include <cmath>

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

}  // namespace
}  // namespace tessera::ts
