// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "bench/harness/measure.h"

#include "bench/harness/generators.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

namespace tessera::bench {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Stopwatch::Stopwatch() : start_ns_(NowNs()) {}
double Stopwatch::Seconds() const { return static_cast<double>(NowNs() - start_ns_) / 1e9; }

double Percentile(std::vector<float>* v, double p) {
  if (v->empty()) return 0;
  size_t k = static_cast<size_t>(p / 100.0 * static_cast<double>(v->size() - 1) + 0.5);
  k = std::min(k, v->size() - 1);
  std::nth_element(v->begin(), v->begin() + static_cast<std::ptrdiff_t>(k), v->end());
  return (*v)[k];
}

absl::StatusOr<PhaseResult> RunOps(const Config& config, const std::vector<std::string>& types,
                                   OpFn op, int64_t max_ops) {
  const int threads = std::max(1, config.threads);
  const int64_t cap = max_ops > 0 ? max_ops : config.max_ops;
  const int64_t deadline = NowNs() + static_cast<int64_t>(config.duration_s * 1e9);
  std::atomic<int64_t> issued{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  absl::Status first_error;
  // latencies[thread][type], in microseconds.
  std::vector<std::vector<std::vector<float>>> latencies(
      threads, std::vector<std::vector<float>>(types.size()));

  auto body = [&](int t) {
    std::mt19937_64 rng(Mix64(config.seed * 1000003 + static_cast<uint64_t>(t)));
    OpContext ctx{t, &rng, 0};
    auto& mine = latencies[t];
    while (!stop.load(std::memory_order_relaxed)) {
      if (issued.fetch_add(1, std::memory_order_relaxed) >= cap) break;
      int64_t start = NowNs();
      absl::StatusOr<int> type = op(ctx);
      int64_t end = NowNs();
      if (!type.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = type.status();
        stop = true;
        break;
      }
      mine[static_cast<size_t>(*type)].push_back(static_cast<float>(end - start) / 1000.0f);
      ++ctx.index;
      if ((ctx.index & 15) == 0 && end > deadline) break;
    }
  };
  Stopwatch sw;
  if (threads == 1) {
    body(0);
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(body, t);
    for (auto& th : pool) th.join();
  }
  PhaseResult r;
  r.seconds = sw.Seconds();
  if (!first_error.ok()) return first_error;

  std::vector<float> all;
  std::vector<std::vector<float>> per_type(types.size());
  for (auto& th : latencies) {
    for (size_t i = 0; i < types.size(); ++i) {
      per_type[i].insert(per_type[i].end(), th[i].begin(), th[i].end());
    }
  }
  for (auto& v : per_type) all.insert(all.end(), v.begin(), v.end());
  r.ops = all.size();
  r.metrics.push_back({"ops_per_sec", r.seconds > 0 ? r.ops / r.seconds : 0, "ops/s"});
  r.metrics.push_back({"p50_us", Percentile(&all, 50), "us"});
  r.metrics.push_back({"p99_us", Percentile(&all, 99), "us"});
  if (types.size() > 1) {
    for (size_t i = 0; i < types.size(); ++i) {
      if (per_type[i].empty()) continue;
      r.metrics.push_back({types[i] + ".ops", static_cast<double>(per_type[i].size()), "ops"});
      r.metrics.push_back({types[i] + ".p50_us", Percentile(&per_type[i], 50), "us"});
      r.metrics.push_back({types[i] + ".p99_us", Percentile(&per_type[i], 99), "us"});
    }
  }
  return r;
}

double PeakRssMb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

uint64_t DirBytes(const std::string& dir, const std::string& suffix) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string name = it->path().filename().string();
    if (!suffix.empty() &&
        (name.size() < suffix.size() ||
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)) {
      continue;
    }
    total += it->file_size(ec);
  }
  return total;
}

}  // namespace tessera::bench
