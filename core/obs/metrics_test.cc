// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests for the latency histogram (bucketing, percentile estimates, exact concurrent counts), the
// histogram registry, the scoped timer and the Prometheus text rendering of a MetricsSnapshot.
#include "core/obs/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace tessera::internal {
namespace {

// Relative error allowed for a percentile estimate: one internal bucket is 1/16 of its power of
// two wide, so an estimate is within 6.25% of a value in the same bucket.
constexpr double kBucketError = 1.0 / Histogram::kSubBuckets;

void ExpectNear(double estimate, double truth) {
  EXPECT_NEAR(estimate, truth, truth * kBucketError + 1e-9) << "truth " << truth;
}

double ExactQuantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::max<size_t>(rank, 1) - 1];
}

TEST(HistogramTest, BucketBoundsContainTheirValues) {
  for (double v : {1.0, 1.03, 1.5, 2.0, 3.99, 5.0, 10.0, 17.3, 100.0, 999.9, 1e4, 123456.7, 1e6,
                   9.9e7, 1e8, 1.3e8}) {
    const int i = Histogram::BucketIndex(v);
    ASSERT_GT(i, 0) << v;
    ASSERT_LT(i, Histogram::kNumBuckets - 1) << v;
    EXPECT_LE(Histogram::BucketLower(i), v) << v;
    EXPECT_LT(v, Histogram::BucketUpper(i)) << v;
    const double width = Histogram::BucketUpper(i) - Histogram::BucketLower(i);
    EXPECT_LE(width / Histogram::BucketLower(i), kBucketError + 1e-12) << v;
  }
  EXPECT_EQ(Histogram::BucketIndex(0), 0);
  EXPECT_EQ(Histogram::BucketIndex(0.999), 0);
  EXPECT_EQ(Histogram::BucketIndex(-5), 0);
  EXPECT_EQ(Histogram::BucketIndex(std::nan("")), 0);
  EXPECT_EQ(Histogram::BucketIndex(1e12), Histogram::kNumBuckets - 1);
  // Consecutive buckets tile the range.
  for (int i = 0; i + 1 < Histogram::kNumBuckets; ++i) {
    EXPECT_DOUBLE_EQ(Histogram::BucketUpper(i), Histogram::BucketLower(i + 1)) << i;
  }
}

TEST(HistogramTest, EmptySummary) {
  Histogram h;
  LatencySummary s = h.Summarize();
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.errors, 0u);
  EXPECT_EQ(s.sum_us, 0);
  EXPECT_EQ(s.p50_us, 0);
  EXPECT_EQ(s.p99_us, 0);
  EXPECT_EQ(s.max_us, 0);
  ASSERT_EQ(s.buckets.size(), Histogram::kOutputBounds.size());
  for (const auto& [le, n] : s.buckets) EXPECT_EQ(n, 0u) << le;
}

TEST(HistogramTest, UniformDistribution) {
  Histogram h;
  for (int i = 1; i <= 10000; ++i) h.Record(i);
  LatencySummary s = h.Summarize();
  EXPECT_EQ(s.count, 10000u);
  EXPECT_DOUBLE_EQ(s.sum_us, 50005000.0);
  EXPECT_DOUBLE_EQ(s.max_us, 10000.0);
  ExpectNear(s.p50_us, 5000);
  ExpectNear(s.p99_us, 9900);
}

TEST(HistogramTest, ConstantDistribution) {
  Histogram h;
  for (int i = 0; i < 1000; ++i) h.Record(250);
  LatencySummary s = h.Summarize();
  ExpectNear(s.p50_us, 250);
  ExpectNear(s.p99_us, 250);
  EXPECT_LE(s.p99_us, s.max_us);
}

TEST(HistogramTest, BimodalDistribution) {
  Histogram h;
  for (int i = 0; i < 980; ++i) h.Record(10);
  for (int i = 0; i < 20; ++i) h.Record(1000);
  LatencySummary s = h.Summarize();
  ExpectNear(s.p50_us, 10);
  ExpectNear(s.p99_us, 1000);
}

TEST(HistogramTest, LogNormalDistribution) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(std::log(200.0), 1.5);
  std::vector<double> values;
  Histogram h;
  for (int i = 0; i < 100000; ++i) {
    double v = dist(rng);
    values.push_back(v);
    h.Record(v);
  }
  LatencySummary s = h.Summarize();
  ExpectNear(s.p50_us, ExactQuantile(values, 0.5));
  ExpectNear(s.p99_us, ExactQuantile(values, 0.99));
  EXPECT_DOUBLE_EQ(s.max_us,
                   std::round(*std::max_element(values.begin(), values.end()) * 1000) / 1000);
}

TEST(HistogramTest, ExtremeValues) {
  Histogram h;
  h.Record(0.25);
  h.Record(-3);
  h.Record(std::nan(""));
  h.Record(5e8);  // 500 s, beyond the top bucket
  LatencySummary s = h.Summarize();
  EXPECT_EQ(s.count, 4u);
  EXPECT_DOUBLE_EQ(s.max_us, 5e8);
  EXPECT_DOUBLE_EQ(s.sum_us, 5e8 + 0.25);
  EXPECT_LE(s.p50_us, 1.0);
  EXPECT_LE(s.p99_us, 5e8);
  EXPECT_GE(s.p99_us, std::ldexp(1.0, Histogram::kExponents));
  EXPECT_EQ(s.buckets.at(1), 3u);
  EXPECT_EQ(s.buckets.at(1e8), 3u);  // the 500 s operation is only in count (+Inf)
}

TEST(HistogramTest, OutputBucketsAreExactAndCumulative) {
  Histogram h;
  for (double v : {0.5, 1.0, 1.5, 2.0, 5.0, 7.0, 10.0, 10.5, 450.0, 500.0, 501.0}) h.Record(v);
  LatencySummary s = h.Summarize();
  EXPECT_EQ(s.buckets.at(1), 2u);   // 0.5, 1
  EXPECT_EQ(s.buckets.at(2), 4u);   // + 1.5, 2
  EXPECT_EQ(s.buckets.at(5), 5u);   // + 5
  EXPECT_EQ(s.buckets.at(10), 7u);  // + 7, 10
  EXPECT_EQ(s.buckets.at(20), 8u);  // + 10.5
  EXPECT_EQ(s.buckets.at(200), 8u);
  EXPECT_EQ(s.buckets.at(500), 10u);  // + 450, 500
  EXPECT_EQ(s.buckets.at(1000), 11u);
  EXPECT_EQ(s.buckets.at(1e8), 11u);
  uint64_t prev = 0;
  for (const auto& [le, n] : s.buckets) {
    EXPECT_GE(n, prev) << le;
    prev = n;
  }
}

TEST(HistogramTest, ErrorsAreCounted) {
  Histogram h;
  h.Record(3);
  h.RecordError();
  h.Record(4);
  LatencySummary s = h.Summarize();
  EXPECT_EQ(s.count, 2u);
  EXPECT_EQ(s.errors, 1u);
}

TEST(HistogramTest, ConcurrentRecordingSumsExactly) {
  Histogram h;
  constexpr int kThreads = 4, kPerThread = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&h, t] {
      for (int i = 0; i < kPerThread; ++i) {
        h.Record((i % 100) + 1 + 0.5 * t);
        if (i % 10 == 0) h.RecordError();
      }
    });
  }
  for (auto& t : threads) t.join();
  LatencySummary s = h.Summarize();
  EXPECT_EQ(s.count, uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(s.errors, uint64_t{kThreads} * kPerThread / 10);
  // Per thread: 1000 * (1 + ... + 100) + kPerThread * 0.5 * t.
  double expected = 0;
  for (int t = 0; t < kThreads; ++t) expected += 1000.0 * 5050 + kPerThread * 0.5 * t;
  EXPECT_DOUBLE_EQ(s.sum_us, expected);
  EXPECT_DOUBLE_EQ(s.max_us, 100 + 0.5 * (kThreads - 1));
  EXPECT_EQ(s.buckets.at(1000), s.count);
  EXPECT_EQ(s.buckets.at(1), 1000u);  // only thread 0 records exactly 1 us
}

TEST(ScopedOpTimerTest, RecordsDurationAndFailure) {
  Histogram h;
  {
    ScopedOpTimer timer(&h);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  {
    ScopedOpTimer timer(&h);
    timer.Fail();
  }
  { ScopedOpTimer timer(nullptr); }
  LatencySummary s = h.Summarize();
  EXPECT_EQ(s.count, 2u);
  EXPECT_EQ(s.errors, 1u);
  EXPECT_GE(s.max_us, 2000);
  EXPECT_GE(s.sum_us, 2000);
}

TEST(MetricsRegistryTest, GetHistogramIsStableAndFillsSnapshot) {
  MetricsRegistry registry;
  Histogram* get = registry.GetHistogram("kv.get");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(registry.GetHistogram("kv.get"), get);
  Histogram* put = registry.GetHistogram(std::string("kv.put"));
  EXPECT_NE(put, get);
  for (int i = 0; i < 200; ++i) registry.GetHistogram("op." + std::to_string(i));
  EXPECT_EQ(registry.GetHistogram("kv.get"), get);
  EXPECT_EQ(registry.GetHistogram("kv.put"), put);

  get->Record(10);
  get->Record(20);
  put->Record(5);
  put->RecordError();
  MetricsSnapshot snap;
  registry.Fill(&snap);
  EXPECT_EQ(snap.operations.size(), 202u);
  EXPECT_EQ(snap.operations.at("kv.get").count, 2u);
  EXPECT_DOUBLE_EQ(snap.operations.at("kv.get").sum_us, 30);
  EXPECT_EQ(snap.operations.at("kv.put").errors, 1u);
  EXPECT_EQ(snap.operations.at("op.7").count, 0u);
}

TEST(MetricsRegistryTest, ConcurrentCreationAgreesOnPointers) {
  MetricsRegistry registry;
  constexpr int kThreads = 4, kNames = 50;
  std::vector<std::vector<Histogram*>> seen(kThreads, std::vector<Histogram*>(kNames));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (int n = 0; n < kNames; ++n) {
          Histogram* h = registry.GetHistogram("op." + std::to_string((n + t * 7) % kNames));
          h->Record(1);
          if (round == 0) seen[t][(n + t * 7) % kNames] = h;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int n = 0; n < kNames; ++n) {
    for (int t = 1; t < kThreads; ++t) EXPECT_EQ(seen[t][n], seen[0][n]) << n;
  }
  MetricsSnapshot snap;
  registry.Fill(&snap);
  ASSERT_EQ(snap.operations.size(), static_cast<size_t>(kNames));
  for (const auto& [name, s] : snap.operations) EXPECT_EQ(s.count, uint64_t{kThreads} * 20) << name;
}

// ---- Prometheus text ----

const std::regex& SampleLine() {
  static const std::regex re(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")"
      R"((?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (\S+))");
  return re;
}

bool IsPrometheusFloat(const std::string& v) {
  if (v == "+Inf" || v == "-Inf" || v == "NaN") return true;
  char* end = nullptr;
  std::strtod(v.c_str(), &end);
  return !v.empty() && end == v.c_str() + v.size();
}

// Checks every line and returns the samples as "name{labels}" -> value text.
std::map<std::string, std::string> ParseExposition(const std::string& text) {
  std::map<std::string, std::string> samples;
  std::set<std::string> typed;
  std::string current_family;
  EXPECT_TRUE(text.empty() || text.back() == '\n');
  std::istringstream in(text);
  const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*)");
  const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram))");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, help)) continue;
    if (std::regex_match(line, m, type)) {
      EXPECT_TRUE(typed.insert(m[1]).second) << "family typed twice: " << line;
      current_family = m[1];
      continue;
    }
    if (!std::regex_match(line, m, SampleLine())) {
      ADD_FAILURE() << "not a sample line: [" << line << "]";
      continue;
    }
    const std::string name = m[1];
    EXPECT_EQ(name.rfind(current_family, 0), 0u) << "sample outside its family: " << line;
    EXPECT_TRUE(IsPrometheusFloat(m[3])) << line;
    EXPECT_TRUE(samples.emplace(name + std::string(m[2]), m[3]).second) << "duplicate: " << line;
  }
  return samples;
}

MetricsSnapshot ExampleSnapshot() {
  MetricsSnapshot snap;
  Histogram get, put;
  for (int i = 1; i <= 100; ++i) get.Record(i * 3.5);
  get.RecordError();
  put.Record(1e9);
  snap.operations["kv.get"] = get.Summarize();
  snap.operations["doc.put"] = put.Summarize();
  snap.operations["we\"ird\\op\nname"] = Histogram().Summarize();
  snap.gauges["sst_bytes.data"] = 123;
  snap.gauges["memtable_bytes"] = 4096;
  snap.gauges["changelog.last_seq"] = 18446744073709551615u;
  snap.rocksdb["rocksdb.block.cache.hit"] = 77;
  snap.rocksdb["rocksdb.bytes-written"] = 5;
  return snap;
}

TEST(PrometheusTextTest, EmptySnapshotIsEmpty) {
  EXPECT_EQ(MetricsSnapshot().ToPrometheusText(), "");
}

TEST(PrometheusTextTest, ContainsExpectedLines) {
  const std::string text = ExampleSnapshot().ToPrometheusText();
  for (const char* expected : {
           "# TYPE tessera_operation_duration_microseconds histogram\n",
           "# HELP tessera_operation_duration_microseconds ",
           "\ntessera_operation_duration_microseconds_bucket{op=\"kv.get\",le=\"1\"} 0\n",
           "\ntessera_operation_duration_microseconds_bucket{op=\"kv.get\",le=\"10\"} 2\n",
           "\ntessera_operation_duration_microseconds_bucket{op=\"kv.get\",le=\"100\"} 28\n",
           "\ntessera_operation_duration_microseconds_bucket{op=\"kv.get\",le=\"100000000\"} 100\n",
           "\ntessera_operation_duration_microseconds_bucket{op=\"kv.get\",le=\"+Inf\"} 100\n",
           "\ntessera_operation_duration_microseconds_sum{op=\"kv.get\"} 17675\n",
           "\ntessera_operation_duration_microseconds_count{op=\"kv.get\"} 100\n",
           "\ntessera_operation_duration_microseconds_bucket{op=\"doc.put\",le=\"100000000\"} 0\n",
           "\ntessera_operation_duration_microseconds_bucket{op=\"doc.put\",le=\"+Inf\"} 1\n",
           "\ntessera_operation_duration_microseconds_count{op=\"we\\\"ird\\\\op\\nname\"} 0\n",
           "# TYPE tessera_operation_errors_total counter\n",
           "\ntessera_operation_errors_total{op=\"kv.get\"} 1\n",
           "\ntessera_operation_errors_total{op=\"doc.put\"} 0\n",
           "# TYPE tessera_sst_bytes_data gauge\n",
           "\ntessera_sst_bytes_data 123\n",
           "\ntessera_memtable_bytes 4096\n",
           "\ntessera_changelog_last_seq 18446744073709551615\n",
           "# TYPE tessera_rocksdb_block_cache_hit counter\n",
           "\ntessera_rocksdb_block_cache_hit 77\n",
           "\ntessera_rocksdb_bytes_written 5\n",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n" << text;
  }
}

TEST(PrometheusTextTest, ParsesLineByLine) {
  const MetricsSnapshot snap = ExampleSnapshot();
  const std::map<std::string, std::string> samples = ParseExposition(snap.ToPrometheusText());
  // Per operation: 25 bounds + Inf + sum + count, and one error counter.
  EXPECT_EQ(samples.size(), 3 * (Histogram::kOutputBounds.size() + 4) + 3 + 2);
  // Bucket counts are non-decreasing and +Inf equals _count.
  const std::string prefix = "tessera_operation_duration_microseconds_bucket{op=\"kv.get\",le=\"";
  uint64_t prev = 0;
  for (double bound : Histogram::kOutputBounds) {
    std::ostringstream le;
    le << std::fixed;
    le.precision(0);
    le << bound;
    auto it = samples.find(prefix + le.str() + "\"}");
    ASSERT_NE(it, samples.end()) << le.str();
    uint64_t n = std::stoull(it->second);
    EXPECT_GE(n, prev);
    prev = n;
  }
  EXPECT_EQ(samples.at(prefix + "+Inf\"}"),
            samples.at("tessera_operation_duration_microseconds_count{op=\"kv.get\"}"));
}

TEST(PrometheusTextTest, SanitizesAndDeduplicatesNames) {
  MetricsSnapshot snap;
  snap.gauges["a.b"] = 1;
  snap.gauges["a_b"] = 2;  // sanitises to the same name; the first in order wins
  snap.gauges["weird name/é"] = 3;
  snap.rocksdb["no.prefix"] = 4;
  const std::string text = snap.ToPrometheusText();
  ParseExposition(text);
  EXPECT_NE(text.find("\ntessera_a_b 1\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("tessera_a_b 2"), std::string::npos) << text;
  EXPECT_NE(text.find("\ntessera_weird_name___ 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\ntessera_rocksdb_no_prefix 4\n"), std::string::npos) << text;
}

TEST(PrometheusTextTest, FractionalSumsAndInfBoundInMap) {
  MetricsSnapshot snap;
  LatencySummary s;
  s.count = 2;
  s.sum_us = 1.25;
  s.buckets[1] = 1;
  s.buckets[std::numeric_limits<double>::infinity()] = 2;  // never written twice
  snap.operations["x"] = s;
  const std::string text = snap.ToPrometheusText();
  ParseExposition(text);
  EXPECT_NE(text.find("tessera_operation_duration_microseconds_sum{op=\"x\"} 1.25\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace tessera::internal
