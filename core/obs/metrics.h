// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Operation metrics: a lock-free latency histogram per operation ("kv.get", "doc.put", ...), the
// registry that names them, and a scoped timer that measures one operation. The registry fills
// MetricsSnapshot::operations; MetricsSnapshot::ToPrometheusText lives in metrics.cc too.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/mutex.h"
#include "tessera/metrics.h"

namespace tessera::internal {

// A latency histogram in microseconds. Recording is lock-free (relaxed atomic increments).
// Internally the buckets are log-linear: 16 linear sub-buckets per power of two from 1 us up to
// 2^27 us (about 134 s), so percentile estimates are within about 6% of the true value; values
// below 1 us share one bucket and values above the top one an overflow bucket. Separately it
// counts exact cumulative buckets at the short list of output bounds kOutputBounds
// (1, 2, 5, 10, 20, 50, ... us up to 100 s).
// Thread safety: all methods are safe to call concurrently.
class Histogram {
 public:
  static constexpr int kSubBuckets = 16;  // linear sub-buckets per power of two
  static constexpr int kExponents = 27;   // powers of two covered: [1 us, 2^27 us)
  // Bucket 0: [0, 1) us; 1 .. kExponents*kSubBuckets: the log-linear buckets; last: overflow.
  static constexpr int kNumBuckets = kExponents * kSubBuckets + 2;
  // The bounds reported in LatencySummary::buckets: 1, 2, 5 times powers of ten, in microseconds.
  static constexpr std::array<double, 25> kOutputBounds = {
      1,   2,   5,   10,  20,  50,  1e2, 2e2, 5e2, 1e3, 2e3, 5e3, 1e4,
      2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 2e7, 5e7, 1e8};

  Histogram() = default;
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Records one operation that took `micros` microseconds (negative or NaN counts as 0).
  void Record(double micros);
  // Counts one failed operation. It does not count the operation itself: record its latency
  // with Record as well (ScopedOpTimer does both).
  void RecordError();

  // A consistent-enough copy: concurrent recording may leave a few operations half counted.
  // `count` is the number of latencies recorded; `buckets` holds kOutputBounds, cumulative.
  LatencySummary Summarize() const;

  // The internal bucket of a latency, and the bucket's bounds. Exposed for tests.
  static int BucketIndex(double micros);
  static double BucketLower(int index);
  static double BucketUpper(int index);

 private:
  std::array<std::atomic<uint64_t>, kNumBuckets> buckets_{};
  // Exact counts per output bound: bucket i holds latencies in (bound[i-1], bound[i]];
  // the last slot holds those above the largest bound.
  std::array<std::atomic<uint64_t>, kOutputBounds.size() + 1> output_buckets_{};
  std::atomic<uint64_t> errors_{0};
  std::atomic<uint64_t> sum_ns_{0};  // nanoseconds, so concurrent sums are exact
  std::atomic<uint64_t> max_ns_{0};
};

// Named histograms, created on first use and kept for the registry's lifetime. Lookups of an
// existing name take no lock: they read an immutable name index published through an atomic
// pointer; creating a name copies the index under a mutex. Still, hot paths should look a
// histogram up once and keep the pointer.
// Thread safety: all methods are safe to call concurrently.
class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The histogram named `name` ("model.operation", for example "kv.get"), created on first use.
  // The pointer stays valid as long as the registry.
  Histogram* GetHistogram(std::string_view name);

  // Sets out->operations[name] to the summary of every histogram.
  void Fill(MetricsSnapshot* out) const;

 private:
  struct Entry {
    std::string name;
    Histogram histogram;
  };
  using Index = std::map<std::string_view, Histogram*, std::less<>>;  // keys point into entries_

  std::atomic<const Index*> index_;
  mutable util::Mutex mu_;
  std::vector<std::unique_ptr<Entry>> entries_ ABSL_GUARDED_BY(mu_);
  // Every index ever published; older ones may still be read by a concurrent lookup.
  std::vector<std::unique_ptr<const Index>> indexes_ ABSL_GUARDED_BY(mu_);
};

// Measures one operation with the steady clock and records it in a histogram when it goes out of
// scope, as an error too if Fail was called. A null histogram makes it a no-op.
// Thread safety: not thread-safe; use it on one thread.
class ScopedOpTimer {
 public:
  explicit ScopedOpTimer(Histogram* h)
      : histogram_(h),
        start_(h != nullptr ? std::chrono::steady_clock::now()
                            : std::chrono::steady_clock::time_point()) {}
  ScopedOpTimer(const ScopedOpTimer&) = delete;
  ScopedOpTimer& operator=(const ScopedOpTimer&) = delete;

  // Counts this operation as an error.
  void Fail() { failed_ = true; }

  ~ScopedOpTimer() {
    if (histogram_ == nullptr) return;
    const auto elapsed = std::chrono::steady_clock::now() - start_;
    histogram_->Record(std::chrono::duration<double, std::micro>(elapsed).count());
    if (failed_) histogram_->RecordError();
  }

 private:
  Histogram* const histogram_;
  const std::chrono::steady_clock::time_point start_;
  bool failed_ = false;
};

}  // namespace tessera::internal
