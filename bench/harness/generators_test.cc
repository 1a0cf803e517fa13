// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "bench/harness/generators.h"

#include <map>
#include <vector>

#include "bench/harness/common.h"
#include "bench/harness/ts_data.h"
#include "gtest/gtest.h"

namespace tessera::bench {
namespace {

TEST(GeneratorsTest, FnvHashMatchesYcsb) {
  // YCSB Utils.fnvhash64(0) and (1), computed by hand from FNV-1a over 8 little-endian octets.
  EXPECT_NE(FnvHash64(0), FnvHash64(1));
  EXPECT_EQ(FnvHash64(0), FnvHash64(0));
  EXPECT_LT(static_cast<int64_t>(FnvHash64(12345)), INT64_MAX);
  EXPECT_GE(static_cast<int64_t>(FnvHash64(12345)), 0);
}

TEST(GeneratorsTest, ZetaOfSmallN) {
  EXPECT_DOUBLE_EQ(Zeta(1, 0.99), 1.0);
  EXPECT_NEAR(Zeta(2, 0.99), 1.0 + 1.0 / std::pow(2.0, 0.99), 1e-12);
}

TEST(GeneratorsTest, ZipfianFavoursSmallItems) {
  std::mt19937_64 rng(1);
  ZipfianGenerator z(1000);
  std::vector<int> counts(1000);
  for (int i = 0; i < 100000; ++i) {
    uint64_t v = z.Next(rng);
    ASSERT_LT(v, 1000u);
    ++counts[v];
  }
  // Item 0 takes about 1/zeta(1000) = 13% of the draws; it is the most popular.
  EXPECT_GT(counts[0], 10000);
  EXPECT_LT(counts[0], 16000);
  EXPECT_GT(counts[0], counts[1]);
  EXPECT_GT(counts[1], counts[10]);
  EXPECT_GT(counts[10], counts[500]);
}

TEST(GeneratorsTest, ScrambledZipfianSpreadsHotItems) {
  std::mt19937_64 rng(2);
  ScrambledZipfianGenerator z(10000);
  std::map<uint64_t, int> counts;
  for (int i = 0; i < 100000; ++i) {
    uint64_t v = z.Next(rng);
    ASSERT_LT(v, 10000u);
    ++counts[v];
  }
  // The most popular item is not item 0 (it is hashed), and it is much hotter than average.
  auto hottest = std::max_element(counts.begin(), counts.end(),
                                  [](auto& a, auto& b) { return a.second < b.second; });
  EXPECT_NE(hottest->first, 0u);
  EXPECT_GT(hottest->second, 100000 / 10000 * 50);
}

TEST(GeneratorsTest, SkewedLatestPrefersNewest) {
  std::mt19937_64 rng(3);
  SkewedLatestGenerator g(100);
  int newest = 0;
  for (int i = 0; i < 10000; ++i) {
    uint64_t v = g.Next(rng, 199);  // grown from 100 to 200 items
    ASSERT_LE(v, 199u);
    newest += v == 199;
  }
  EXPECT_GT(newest, 1000);  // 1/zeta(200) is about 17%
}

TEST(GeneratorsTest, DeterministicForASeed) {
  std::mt19937_64 a(9), b(9);
  ScrambledZipfianGenerator za(500), zb(500);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(za.Next(a), zb.Next(b));
  EXPECT_EQ(Key16(1, 5), Key16(1, 5));
  EXPECT_NE(Key16(1, 5), Key16(2, 5));
  EXPECT_EQ(Key16(1, 5).size(), 16u);
  EXPECT_EQ(ValueBytes(1, 5, 100), ValueBytes(1, 5, 100));
  EXPECT_EQ(ValueBytes(1, 5, 100).size(), 100u);
}

TEST(DigestTest, OrderAndSeparatorsMatter) {
  Digest a, b, c;
  a.Add(std::string_view("ab"));
  a.Add(std::string_view("c"));
  b.Add(std::string_view("a"));
  b.Add(std::string_view("bc"));
  EXPECT_NE(a.Hex(), b.Hex());
  c.AddRounded(0.1 + 0.2);
  Digest d;
  d.AddRounded(0.3);
  EXPECT_EQ(c.Hex(), d.Hex());
}

TEST(TsDataTest, LinesParseBack) {
  auto chunks = TsbsLines(7, 3, 4, 5);  // 12 lines in chunks of 5
  ASSERT_EQ(chunks.size(), 3u);
  int lines = 0;
  int64_t last_time = 0;
  for (const auto& c : chunks) {
    std::string_view text = c;
    while (!text.empty()) {
      size_t nl = text.find('\n');
      ASSERT_NE(nl, std::string_view::npos);
      CpuRow row;
      ASSERT_TRUE(ParseCpuLine(text.substr(0, nl), &row)) << text.substr(0, nl);
      EXPECT_GE(row.time, last_time);
      last_time = row.time;
      for (int64_t v : row.values) {
        EXPECT_GE(v, 0);
        EXPECT_LE(v, 100);
      }
      EXPECT_EQ(row.hostname.substr(0, 5), "host_");
      text.remove_prefix(nl + 1);
      ++lines;
    }
  }
  EXPECT_EQ(lines, 12);
  EXPECT_EQ(last_time, kTsStartNs + 3 * kTsIntervalNs);
  CpuRow row;
  EXPECT_FALSE(ParseCpuLine("cpu,hostname=a usage_user=1.5 10", &row));
  EXPECT_FALSE(ParseCpuLine("mem,hostname=a usage_user=1i 10", &row));
}

}  // namespace
}  // namespace tessera::bench
