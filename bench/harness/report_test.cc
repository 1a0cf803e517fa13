// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "bench/harness/report.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bench/harness/runner.h"
#include "bench/harness/svg_chart.h"
#include "gtest/gtest.h"
#include "tests/util/test_util.h"

namespace tessera::bench {
namespace {

TEST(GlobTest, Matches) {
  EXPECT_TRUE(GlobMatch("ycsb.*", "ycsb.a"));
  EXPECT_TRUE(GlobMatch("*", "kv.read"));
  EXPECT_TRUE(GlobMatch("kv.?ead", "kv.read"));
  EXPECT_TRUE(GlobMatch("ts.*-1", "ts.double-groupby-1"));
  EXPECT_FALSE(GlobMatch("ycsb.*", "kv.read"));
  EXPECT_FALSE(GlobMatch("kv.read", "kv.reads"));
  EXPECT_TRUE(GlobMatch("tessera-*", "tessera-kv"));
}

TEST(CompareChecksTest, NamesTheEnginesThatDisagree) {
  CheckMap checks;
  checks["kv.read"] = {{"tessera-kv", "abc"}, {"rocksdb", "abc"}, {"sqlite", "abd"}};
  checks["kv.scan"] = {{"tessera-kv", "x"}, {"rocksdb", "x"}};
  checks["graph.pagerank"] = {{"tessera-graph", "y"}};
  auto failures = CompareChecks(checks);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0],
            "kv.read: answers disagree: tessera-kv gave \"abc\" but sqlite gave \"abd\"");
}

TEST(MediansTest, OneRowPerMetricInFirstSeenOrderHoldingTheMedian) {
  std::vector<ResultRow> rows = {
      {"kv.read", "tessera-kv", {"ops_per_sec", 30, "ops/s"}},
      {"kv.read", "tessera-kv", {"p50_us", 2, "us"}},
      {"kv.read", "rocksdb", {"ops_per_sec", 50, "ops/s"}},
      {"kv.read", "rocksdb", {"ops_per_sec", 40, "ops/s"}},
      {"kv.read", "tessera-kv", {"ops_per_sec", 10, "ops/s"}},
      {"kv.read", "tessera-kv", {"p50_us", 4, "us"}},
      {"kv.read", "tessera-kv", {"ops_per_sec", 20, "ops/s"}},
      {"kv.fill", "tessera-kv", {"ops_per_sec", 7, "ops/s"}},
  };
  std::vector<ResultRow> m = Medians(rows);
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0].engine, "tessera-kv");
  EXPECT_EQ(m[0].metric.name, "ops_per_sec");
  EXPECT_EQ(m[0].metric.value, 20);  // 30, 10, 20: the middle one
  EXPECT_EQ(m[1].metric.name, "p50_us");
  EXPECT_EQ(m[1].metric.value, 3);  // 2 and 4: the mean of the middle two
  EXPECT_EQ(m[1].metric.unit, "us");
  EXPECT_EQ(m[2].engine, "rocksdb");
  EXPECT_EQ(m[2].metric.value, 45);
  EXPECT_EQ(m[3].workload, "kv.fill");
  EXPECT_EQ(m[3].metric.value, 7);
}

TEST(SvgTest, BarsScaleToTheLargest) {
  std::string svg = BarChartSvg("kv.read: ops_per_sec", "ops/s", {{"a", 100}, {"b<&>", 50}});
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("width=\"360\""), std::string::npos);  // the largest bar fills the area
  EXPECT_NE(svg.find("width=\"180\""), std::string::npos);  // half of it
  EXPECT_NE(svg.find("b&lt;&amp;&gt;"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

TEST(ReportTest, JsonHasTheDocumentedShape) {
  Config config;
  auto machine = MachineInfo(config);
  std::vector<ResultRow> rows = {{"kv.read", "rocksdb", {"ops_per_sec", 10, "ops/s"}}};
  auto doc = ResultsJson(machine, rows);
  ASSERT_TRUE(doc.contains("machine"));
  ASSERT_EQ(doc["results"].size(), 1u);
  const auto& r = doc["results"][0];
  EXPECT_EQ(r["workload"], "kv.read");
  EXPECT_EQ(r["engine"], "rocksdb");
  EXPECT_EQ(r["metric"], "ops_per_sec");
  EXPECT_EQ(r["value"], 10.0);
  EXPECT_EQ(r["unit"], "ops/s");
  EXPECT_EQ(r.size(), 5u);
}

TEST(ReportTest, MarkdownHasATableAndAChartPerWorkload) {
  test::TempDir dir;
  RunSummary s;
  s.rows = {{"feed.pull", "tessera-kv", {"ops_per_sec", 9, "events/s"}},
            {"kv.read", "rocksdb", {"ops_per_sec", 200, "ops/s"}},
            {"kv.read", "sqlite", {"ops_per_sec", 100, "ops/s"}},
            {"kv.read", "sqlite", {"p99_us", 7, "us"}}};
  s.failures = {"kv.scan: answers disagree"};
  ASSERT_TRUE(WriteReport(dir.path(), MachineInfo(Config{}), s).ok());
  std::ifstream in(dir.path() + "/README.md");
  std::stringstream md;
  md << in.rdbuf();
  EXPECT_NE(md.str().find("## kv.read"), std::string::npos);
  EXPECT_NE(md.str().find("![kv.read ops_per_sec](kv.read.svg)"), std::string::npos);
  EXPECT_NE(md.str().find("| ops_per_sec (ops/s) | 200 | 100 |"), std::string::npos);
  EXPECT_NE(md.str().find("| p99_us (us) |  | 7 |"), std::string::npos);
  EXPECT_NE(md.str().find("kv.scan: answers disagree"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/kv.read.svg"));
}

}  // namespace
}  // namespace tessera::bench
