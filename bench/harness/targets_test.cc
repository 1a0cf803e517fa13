// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "bench/harness/targets.h"

#include "gtest/gtest.h"

namespace tessera::bench {
namespace {

const TargetCheck* Find(const std::vector<TargetCheck>& checks, const std::string& name) {
  for (const auto& c : checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

TEST(TargetsTest, RatiosOfTwoEnginesInTheRunAgainstTheirBounds) {
  std::vector<ResultRow> rows = {
      {"kv.read", "tessera-kv", {"ops_per_sec", 93, "ops/s"}},
      {"kv.read", "rocksdb", {"ops_per_sec", 100, "ops/s"}},
      {"kv.read", "sqlite", {"ops_per_sec", 80, "ops/s"}},
      {"ycsb.a", "tessera-doc", {"ops_per_sec", 30000, "ops/s"}},
      {"ycsb.a", "sqlite", {"ops_per_sec", 20000, "ops/s"}},
  };
  std::vector<TargetCheck> checks = CheckTargets(rows);
  const TargetCheck* vs_rocks = Find(checks, "kv.read ops_per_sec tessera-kv / rocksdb");
  ASSERT_NE(vs_rocks, nullptr);
  EXPECT_DOUBLE_EQ(vs_rocks->value, 0.93);
  EXPECT_TRUE(vs_rocks->is_ratio);
  EXPECT_TRUE(vs_rocks->met);  // >= 0.9
  EXPECT_EQ(vs_rocks->goal, ">= 0.9");
  const TargetCheck* vs_sqlite = Find(checks, "kv.read ops_per_sec tessera-kv / sqlite");
  ASSERT_NE(vs_sqlite, nullptr);
  EXPECT_DOUBLE_EQ(vs_sqlite->value, 93.0 / 80.0);
  EXPECT_FALSE(vs_sqlite->met);  // 1.16 < 1.2
  // YCSB A is write-heavy: its bound is 2x, so 1.5x misses.
  const TargetCheck* a = Find(checks, "ycsb.a ops_per_sec tessera-doc / sqlite");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->goal, ">= 2");
  EXPECT_FALSE(a->met);
  EXPECT_EQ(a->detail, "30,000 / 20,000 ops/s");
}

TEST(TargetsTest, AbsoluteBoundsAndTheLargestPeakRss) {
  std::vector<ResultRow> rows = {
      {"ts.ingest", "tessera-ts", {"bytes_per_point", 0.67, "B"}},
      {"ts.ingest", "tessera-ts", {"peak_rss_mb", 34, "MB"}},
      {"feed.push_latency", "tessera-kv", {"p99_us", 2500, "us"}},
      {"graph.load", "tessera-graph", {"peak_rss_mb", 52, "MB"}},
  };
  std::vector<TargetCheck> checks = CheckTargets(rows);
  const TargetCheck* bpp = Find(checks, "ts.ingest bytes_per_point tessera-ts");
  ASSERT_NE(bpp, nullptr);
  EXPECT_TRUE(bpp->met);  // <= 1.5
  EXPECT_FALSE(bpp->is_ratio);
  EXPECT_EQ(bpp->goal, "<= 1.5 B");
  const TargetCheck* feed = Find(checks, "feed.push_latency p99_us tessera-kv");
  ASSERT_NE(feed, nullptr);
  EXPECT_FALSE(feed->met);  // 2500 > 2000
  const TargetCheck* rss = Find(checks, "peak_rss_mb, largest of every pair");
  ASSERT_NE(rss, nullptr);
  EXPECT_EQ(rss->value, 52);
  EXPECT_EQ(rss->detail, "graph.load on tessera-graph");
  EXPECT_TRUE(rss->met);
}

TEST(TargetsTest, TargetsWhoseRowsTheRunLacksAreLeftOut) {
  // A run of raw RocksDB alone: no Tessera figure, no ratio; only the memory bound.
  std::vector<ResultRow> rows = {
      {"kv.read", "rocksdb", {"ops_per_sec", 100, "ops/s"}},
      {"kv.read", "rocksdb", {"peak_rss_mb", 20, "MB"}},
  };
  std::vector<TargetCheck> checks = CheckTargets(rows);
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].name, "peak_rss_mb, largest of every pair");
  EXPECT_TRUE(CheckTargets({}).empty());
  EXPECT_EQ(TargetsMarkdown({}), "");
}

TEST(TargetsTest, MarkdownAndTextNameWhatWasMissed) {
  std::vector<ResultRow> rows = {
      {"kv.fill", "tessera-kv", {"ops_per_sec", 66000, "ops/s"}},
      {"kv.fill", "rocksdb", {"ops_per_sec", 100000, "ops/s"}},
  };
  std::vector<TargetCheck> checks = CheckTargets(rows);
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(TargetsText(checks),
            "missed kv.fill ops_per_sec tessera-kv / rocksdb: 0.66 (>= 0.7; 66,000 / 100,000 "
            "ops/s)\n");
  const std::string md = TargetsMarkdown(checks);
  EXPECT_NE(md.find("| kv.fill ops_per_sec tessera-kv / rocksdb | >= 0.7 | 0.66 | 66,000 / "
                    "100,000 ops/s | **no** |"),
            std::string::npos)
      << md;
}

}  // namespace
}  // namespace tessera::bench
