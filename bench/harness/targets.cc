// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "bench/harness/targets.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

#include "core/util/strings.h"

namespace tessera::bench {
namespace {

// A ratio of two engines' figures on one workload, or (without `over`) one engine's figure.
struct Target {
  std::string workload;
  std::string metric;
  std::string engine;
  std::string over;  // the denominator's engine; "" for an absolute bound
  double bound;
  bool at_least;  // value >= bound; otherwise value <= bound
};

std::vector<Target> AllTargets() {
  std::vector<Target> t = {
      {"kv.read", "ops_per_sec", "tessera-kv", "rocksdb", 0.9, true},
      {"kv.read", "ops_per_sec", "tessera-kv", "sqlite", 1.2, true},
      {"kv.fill", "ops_per_sec", "tessera-kv", "rocksdb", 0.7, true},
      {"kv.fill", "ops_per_sec", "tessera-kv", "sqlite", 3.0, true},
  };
  for (const char* w : {"a", "b", "c", "d", "e", "f"}) {
    const std::string name = std::string("ycsb.") + w;
    const bool write_heavy = name == "ycsb.a" || name == "ycsb.f";
    t.push_back({name, "ops_per_sec", "tessera-doc", "sqlite", write_heavy ? 2.0 : 1.0, true});
  }
  t.push_back({"graph.khop2", "ops_per_sec", "tessera-graph", "sqlite", 10, true});
  t.push_back({"graph.khop3", "ops_per_sec", "tessera-graph", "sqlite", 10, true});
  t.push_back({"graph.load", "edges_per_sec", "tessera-graph", "", 1e6, true});
  t.push_back({"ts.ingest", "bytes_per_point", "tessera-ts", "", 1.5, false});
  t.push_back({"ts.ingest", "ops_per_sec", "tessera-ts", "sqlite", 2.0, true});
  t.push_back({"ts.ingest", "ops_per_sec", "tessera-ts", "", 300e3, true});
  for (const char* q : {"single-groupby-1-1-1", "single-groupby-5-8-1", "cpu-max-all-8",
                        "double-groupby-1", "high-cpu-1", "lastpoint", "groupby-orderby-limit"}) {
    t.push_back({std::string("ts.") + q, "ops_per_sec", "tessera-ts", "sqlite", 10, true});
  }
  t.push_back({"feed.push_latency", "p99_us", "tessera-kv", "", 2000, false});
  return t;
}

// "62,213" for 62213.1; small figures keep three significant digits.
std::string Figure(double v) {
  char buf[64];
  if (v < 100) {
    std::snprintf(buf, sizeof(buf), "%.3g", v);
    return buf;
  }
  return util::GroupThousands(static_cast<uint64_t>(std::llround(v)));
}

std::string Ratio(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), v >= 10 ? "%.1f" : "%.2f", v);
  return buf;
}

}  // namespace

std::vector<TargetCheck> CheckTargets(const std::vector<ResultRow>& rows) {
  std::map<std::tuple<std::string, std::string, std::string>, const ResultRow*> by_key;
  for (const auto& r : rows) by_key[{r.workload, r.engine, r.metric.name}] = &r;
  auto find = [&](const std::string& w, const std::string& e,
                  const std::string& m) -> const ResultRow* {
    auto it = by_key.find({w, e, m});
    return it == by_key.end() ? nullptr : it->second;
  };

  std::vector<TargetCheck> out;
  for (const Target& t : AllTargets()) {
    const ResultRow* num = find(t.workload, t.engine, t.metric);
    if (num == nullptr) continue;
    TargetCheck c;
    const std::string bound = Figure(t.bound);
    if (t.over.empty()) {
      c.name = t.workload + " " + t.metric + " " + t.engine;
      c.value = num->metric.value;
      c.goal = std::string(t.at_least ? ">= " : "<= ") + bound + " " + num->metric.unit;
    } else {
      const ResultRow* den = find(t.workload, t.over, t.metric);
      if (den == nullptr || den->metric.value <= 0) continue;
      c.name = t.workload + " " + t.metric + " " + t.engine + " / " + t.over;
      c.value = num->metric.value / den->metric.value;
      c.is_ratio = true;
      c.goal = std::string(t.at_least ? ">= " : "<= ") + bound;
      c.detail =
          Figure(num->metric.value) + " / " + Figure(den->metric.value) + " " + num->metric.unit;
    }
    c.met = t.at_least ? c.value >= t.bound : c.value <= t.bound;
    out.push_back(std::move(c));
  }

  // The memory target: every pair's peak RSS under 1 GiB; reported as the largest.
  const ResultRow* peak = nullptr;
  for (const auto& r : rows) {
    if (r.metric.name == "peak_rss_mb" &&
        (peak == nullptr || r.metric.value > peak->metric.value)) {
      peak = &r;
    }
  }
  if (peak != nullptr) {
    TargetCheck c;
    c.name = "peak_rss_mb, largest of every pair";
    c.goal = "<= 1,024 MB";
    c.value = peak->metric.value;
    c.detail = peak->workload + " on " + peak->engine;
    c.met = c.value <= 1024;
    out.push_back(std::move(c));
  }
  return out;
}

std::string TargetsMarkdown(const std::vector<TargetCheck>& checks) {
  if (checks.empty()) return "";
  std::string md = "| target | goal | measured | figures | met |\n|---|---|---:|---|---|\n";
  for (const auto& c : checks) {
    md += "| " + c.name + " | " + c.goal + " | " + (c.is_ratio ? Ratio(c.value) : Figure(c.value)) +
          " | " + c.detail + " | " + (c.met ? "yes" : "**no**") + " |\n";
  }
  return md;
}

std::string TargetsText(const std::vector<TargetCheck>& checks) {
  std::string text;
  for (const auto& c : checks) {
    text += std::string(c.met ? "met    " : "missed ") + c.name + ": " +
            (c.is_ratio ? Ratio(c.value) : Figure(c.value)) + " (" + c.goal +
            (c.detail.empty() ? "" : "; " + c.detail) + ")\n";
  }
  return text;
}

}  // namespace tessera::bench
