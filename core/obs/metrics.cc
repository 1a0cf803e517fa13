// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The latency histogram, the histogram registry and MetricsSnapshot::ToPrometheusText, which
// renders a snapshot in the Prometheus text exposition format 0.0.4.
#include "core/obs/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

namespace tessera::internal {

int Histogram::BucketIndex(double micros) {
  if (!(micros >= 1)) return 0;  // also NaN
  int exp = 0;
  const double mantissa = std::frexp(micros, &exp);  // micros = mantissa * 2^exp, [0.5, 1)
  const int e = exp - 1;                             // 2^e <= micros < 2^(e+1)
  if (e >= kExponents) return kNumBuckets - 1;
  int sub = static_cast<int>((mantissa * 2 - 1) * kSubBuckets);
  sub = std::clamp(sub, 0, kSubBuckets - 1);
  return 1 + e * kSubBuckets + sub;
}

double Histogram::BucketLower(int index) {
  if (index <= 0) return 0;
  if (index >= kNumBuckets - 1) return std::ldexp(1.0, kExponents);
  const int e = (index - 1) / kSubBuckets;
  const int sub = (index - 1) % kSubBuckets;
  return std::ldexp(1.0 + static_cast<double>(sub) / kSubBuckets, e);
}

double Histogram::BucketUpper(int index) {
  if (index <= 0) return 1;
  if (index >= kNumBuckets - 1) return std::numeric_limits<double>::infinity();
  const int e = (index - 1) / kSubBuckets;
  const int sub = (index - 1) % kSubBuckets;
  return std::ldexp(1.0 + static_cast<double>(sub + 1) / kSubBuckets, e);
}

void Histogram::Record(double micros) {
  if (!(micros > 0)) micros = 0;  // negative or NaN
  buckets_[BucketIndex(micros)].fetch_add(1, std::memory_order_relaxed);
  const size_t out = static_cast<size_t>(
      std::lower_bound(kOutputBounds.begin(), kOutputBounds.end(), micros) - kOutputBounds.begin());
  output_buckets_[out].fetch_add(1, std::memory_order_relaxed);

  // Clamp far below 2^64 ns so the conversion is defined and the sum has room (~292 years).
  const double ns_d = std::min(std::round(micros * 1000), 9.2e18);
  const uint64_t ns = static_cast<uint64_t>(ns_d);
  sum_ns_.fetch_add(ns, std::memory_order_relaxed);
  uint64_t cur = max_ns_.load(std::memory_order_relaxed);
  while (ns > cur && !max_ns_.compare_exchange_weak(cur, ns, std::memory_order_relaxed)) {
  }
}

void Histogram::RecordError() { errors_.fetch_add(1, std::memory_order_relaxed); }

LatencySummary Histogram::Summarize() const {
  LatencySummary s;
  std::array<uint64_t, kNumBuckets> counts;
  uint64_t count = 0;
  for (int i = 0; i < kNumBuckets; ++i) {
    counts[i] = buckets_[i].load(std::memory_order_relaxed);
    count += counts[i];
  }
  s.count = count;
  s.errors = errors_.load(std::memory_order_relaxed);
  s.sum_us = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1000.0;
  s.max_us = static_cast<double>(max_ns_.load(std::memory_order_relaxed)) / 1000.0;

  // The q-quantile: the bucket holding the rank, interpolated linearly inside it, never above
  // the largest latency seen.
  const auto quantile = [&](double q) -> double {
    if (count == 0) return 0;
    const double rank = std::max(1.0, std::ceil(q * static_cast<double>(count)));
    uint64_t before = 0;
    for (int i = 0; i < kNumBuckets; ++i) {
      if (counts[i] == 0) continue;
      if (static_cast<double>(before + counts[i]) >= rank) {
        const double lower = BucketLower(i);
        double upper = BucketUpper(i);
        if (!std::isfinite(upper)) upper = std::max(lower, s.max_us);
        const double frac = (rank - static_cast<double>(before)) / static_cast<double>(counts[i]);
        return std::min(lower + frac * (upper - lower), std::max(s.max_us, lower));
      }
      before += counts[i];
    }
    return s.max_us;
  };
  s.p50_us = quantile(0.50);
  s.p99_us = quantile(0.99);

  uint64_t cumulative = 0;
  for (size_t i = 0; i < kOutputBounds.size(); ++i) {
    cumulative += output_buckets_[i].load(std::memory_order_relaxed);
    s.buckets[kOutputBounds[i]] = std::min(cumulative, count);
  }
  return s;
}

MetricsRegistry::MetricsRegistry() {
  util::MutexLock l(&mu_);
  auto empty = std::make_unique<const Index>();
  index_.store(empty.get(), std::memory_order_release);
  indexes_.push_back(std::move(empty));
}

MetricsRegistry::~MetricsRegistry() = default;

Histogram* MetricsRegistry::GetHistogram(std::string_view name) {
  const Index* index = index_.load(std::memory_order_acquire);
  if (auto it = index->find(name); it != index->end()) return it->second;

  util::MutexLock l(&mu_);
  index = index_.load(std::memory_order_acquire);
  if (auto it = index->find(name); it != index->end()) return it->second;
  // Names are a small, fixed set ("model.operation"), so copying the index on each new name
  // and keeping the old copies for concurrent readers costs little.
  auto entry = std::make_unique<Entry>();
  entry->name = std::string(name);
  auto next = std::make_unique<Index>(*index);
  next->emplace(entry->name, &entry->histogram);
  Histogram* h = &entry->histogram;
  entries_.push_back(std::move(entry));
  index_.store(next.get(), std::memory_order_release);
  indexes_.push_back(std::move(next));
  return h;
}

void MetricsRegistry::Fill(MetricsSnapshot* out) const {
  const Index* index = index_.load(std::memory_order_acquire);
  for (const auto& [name, histogram] : *index) {
    out->operations[std::string(name)] = histogram->Summarize();
  }
}

}  // namespace tessera::internal

namespace tessera {
namespace {

constexpr char kDurationFamily[] = "tessera_operation_duration_microseconds";
constexpr char kErrorsFamily[] = "tessera_operation_errors_total";

// A metric name part: every character outside [a-zA-Z0-9_:] becomes '_'.
std::string SanitizeName(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == ':';
    if (!ok) c = '_';
  }
  return out;
}

// A label value: backslash, double quote and newline escaped.
void AppendLabelValue(std::string_view v, std::string* out) {
  for (char c : v) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '"':
        out->append("\\\"");
        break;
      case '\n':
        out->append("\\n");
        break;
      default:
        out->push_back(c);
    }
  }
}

// HELP text: backslash and newline escaped.
void AppendHelpText(std::string_view v, std::string* out) {
  for (char c : v) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else {
      out->push_back(c);
    }
  }
}

void AppendUint(uint64_t v, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, ec == std::errc() ? end : buf);
}

// A float as Prometheus reads it: integers plainly, others in the shortest exact form.
void AppendFloat(double v, std::string* out) {
  if (std::isnan(v)) {
    out->append("NaN");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "+Inf" : "-Inf");
  } else if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), static_cast<int64_t>(v));
    out->append(buf, ec == std::errc() ? end : buf);
  } else {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
    out->append(buf, ec == std::errc() ? end : buf);
  }
}

void AppendHeader(std::string_view family, std::string_view help, std::string_view type,
                  std::string* out) {
  out->append("# HELP ").append(family).push_back(' ');
  AppendHelpText(help, out);
  out->append("\n# TYPE ").append(family).push_back(' ');
  out->append(type).push_back('\n');
}

// `family{op="<op>"` plus `suffix` labels; the caller closes the brace.
void AppendOpSeries(std::string_view family, std::string_view suffix, std::string_view op,
                    std::string* out) {
  out->append(family).append(suffix).append("{op=\"");
  AppendLabelValue(op, out);
  out->push_back('"');
}

}  // namespace

std::string MetricsSnapshot::ToPrometheusText() const {
  std::string out;
  std::set<std::string, std::less<>> families;  // emitted names, to never repeat a family

  if (!operations.empty()) {
    families.insert(kDurationFamily);
    families.insert(kErrorsFamily);
    AppendHeader(kDurationFamily, "Latency of database operations, in microseconds.", "histogram",
                 &out);
    for (const auto& [op, s] : operations) {
      for (const auto& [le, cumulative] : s.buckets) {
        if (std::isinf(le) || std::isnan(le)) continue;  // +Inf is always written from count
        AppendOpSeries(kDurationFamily, "_bucket", op, &out);
        out.append(",le=\"");
        AppendFloat(le, &out);
        out.append("\"} ");
        AppendUint(std::min(cumulative, s.count), &out);
        out.push_back('\n');
      }
      AppendOpSeries(kDurationFamily, "_bucket", op, &out);
      out.append(",le=\"+Inf\"} ");
      AppendUint(s.count, &out);
      out.push_back('\n');
      AppendOpSeries(kDurationFamily, "_sum", op, &out);
      out.append("} ");
      AppendFloat(s.sum_us, &out);
      out.push_back('\n');
      AppendOpSeries(kDurationFamily, "_count", op, &out);
      out.append("} ");
      AppendUint(s.count, &out);
      out.push_back('\n');
    }
    AppendHeader(kErrorsFamily, "Database operations that failed.", "counter", &out);
    for (const auto& [op, s] : operations) {
      AppendOpSeries(kErrorsFamily, "", op, &out);
      out.append("} ");
      AppendUint(s.errors, &out);
      out.push_back('\n');
    }
  }

  const auto append_single = [&](const std::string& family, std::string_view help,
                                 std::string_view type, uint64_t value) {
    // Two source names can sanitise to one metric name; the first (in name order) wins.
    if (!families.insert(family).second) return;
    AppendHeader(family, help, type, &out);
    out.append(family).push_back(' ');
    AppendUint(value, &out);
    out.push_back('\n');
  };
  for (const auto& [name, value] : gauges) {
    append_single("tessera_" + SanitizeName(name), "Tessera gauge " + name + ".", "gauge", value);
  }
  for (const auto& [name, value] : rocksdb) {
    std::string_view ticker = name;
    if (ticker.substr(0, 8) == "rocksdb.") ticker.remove_prefix(8);
    append_single("tessera_rocksdb_" + SanitizeName(ticker), "RocksDB ticker " + name + ".",
                  "counter", value);
  }
  return out;
}

}  // namespace tessera
