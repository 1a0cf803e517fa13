// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// ycsb.a .. ycsb.f: the YCSB core workloads as workloads/workload[a-f] define them: 10 fields of
// 100 bytes, keys "user" + fnvhash64(n) (insertorder=hashed), an update writes one field, a read
// returns all fields, scrambled zipfian (theta 0.99) / skewed latest / uniform request
// distributions, scan lengths uniform in 1..100, read-modify-write for F.
//
//   workload  read  update  insert  scan  rmw   distribution
//   a         .50   .50     -       -     -     zipfian
//   b         .95   .05     -       -     -     zipfian
//   c         1.0   -       -       -     -     zipfian
//   d         .95   -       .05     -     -     latest
//   e         -     -       .05     .95   -     zipfian (scan start), uniform 1..100 (length)
//   f         .50   -       -       -     .50   zipfian
//
// The records are loaded once per engine (in 1000-record commits) and copied for each workload.
#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>

#include "bench/harness/bench.h"
#include "bench/harness/common.h"
#include "bench/harness/generators.h"
#include "bench/harness/measure.h"
#include "bench/harness/ycsb_engines.h"
#include "tessera/status.h"

namespace tessera::bench {
namespace {

constexpr int64_t kYcsbRecords = 10000;
constexpr size_t kFieldBytes = 100;
constexpr int kMaxScan = 100;
const std::vector<std::string> kYcsbEngines = {"tessera-kv", "tessera-doc", "tessera-wide",
                                               "rocksdb", "sqlite"};

struct Mix {
  double read = 0, update = 0, insert = 0, scan = 0, rmw = 0;
  bool latest = false;  // SkewedLatest instead of ScrambledZipfian
};

enum OpType { kRead, kUpdate, kInsert, kScan, kRmw };
const std::vector<std::string> kOpNames = {"read", "update", "insert", "scan", "rmw"};

std::string YcsbKey(uint64_t n) { return "user" + std::to_string(FnvHash64(n)); }

Fields MakeFields(uint64_t seed, uint64_t n, uint64_t version) {
  Fields f;
  for (int i = 0; i < kYcsbFields; ++i) {
    f.push_back(ValueBytes(seed + version, n * kYcsbFields + i, kFieldBytes));
  }
  return f;
}

// YCSB's AcknowledgedCounterGenerator: the newest insert below which every insert completed.
class AckCounter {
 public:
  explicit AckCounter(uint64_t start) : limit_(start) {}
  void Ack(uint64_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.insert(n);
    while (!pending_.empty() && *pending_.begin() == limit_) {
      pending_.erase(pending_.begin());
      ++limit_;
    }
    last_.store(limit_ - 1, std::memory_order_release);
  }
  uint64_t Last() const { return last_.load(std::memory_order_acquire); }
  void Init() { last_ = limit_ - 1; }

 private:
  std::mutex mu_;
  uint64_t limit_;
  std::set<uint64_t> pending_;
  std::atomic<uint64_t> last_{0};
};

absl::Status Prepare(const std::string& engine, const Config& c, int64_t n,
                     const std::string& dir) {
  if (IsPrepared(dir)) return absl::OkStatus();
  std::filesystem::remove_all(dir);
  ASSIGN_OR_RETURN(auto e, OpenRecordEngine(engine, dir));
  std::vector<std::pair<std::string, Fields>> batch;
  for (int64_t i = 0; i < n; ++i) {
    batch.emplace_back(YcsbKey(i), MakeFields(c.seed, i, 0));
    if (batch.size() == 1000 || i == n - 1) {
      RETURN_IF_ERROR(e->LoadBatch(batch));
      batch.clear();
    }
  }
  RETURN_IF_ERROR(e->Settle());
  RETURN_IF_ERROR(e->Close());
  return MarkPrepared(dir);
}

absl::StatusOr<RunResult> Run(const std::string& name, const Mix& mix, const std::string& engine,
                              const Config& c) {
  const int64_t n = ScaleOr(c, kYcsbRecords);
  std::string prepared = PreparedDir(c, "ycsb", engine);
  RETURN_IF_ERROR(Prepare(engine, c, n, prepared));
  std::string dir = FreshDir(c, name + "-" + engine);
  std::filesystem::remove_all(dir);
  std::error_code ec;
  std::filesystem::copy(prepared, dir, std::filesystem::copy_options::recursive, ec);
  if (ec) return absl::InternalError("copy " + prepared + ": " + ec.message());
  ASSIGN_OR_RETURN(auto e, OpenRecordEngine(engine, dir));

  // Answers every engine must agree on: 200 records and a 20-record scan, as loaded.
  Digest d;
  for (int64_t i = 0; i < 200; ++i) {
    ASSIGN_OR_RETURN(auto f, e->Read(YcsbKey(i % n)));
    if (!f) return absl::DataLossError("ycsb: loaded record " + YcsbKey(i % n) + " not found");
    for (const auto& v : *f) d.Add(v);
  }
  ASSIGN_OR_RETURN(auto keys, e->Scan(YcsbKey(0), 20));
  for (const auto& k : keys) d.Add(k);

  AckCounter acked(n);
  acked.Init();
  std::atomic<uint64_t> next_insert{static_cast<uint64_t>(n)};
  std::vector<ScrambledZipfianGenerator> zipf(c.threads, ScrambledZipfianGenerator(n));
  std::vector<SkewedLatestGenerator> latest(c.threads, SkewedLatestGenerator(n));
  auto choose = [&](OpContext& ctx) -> uint64_t {
    if (mix.latest) return latest[ctx.thread].Next(*ctx.rng, acked.Last());
    // Keys inserted during the run extend the space; zipfian picks among the loaded ones and
    // the acknowledged inserts, as YCSB's CoreWorkload does (retrying past the limit).
    uint64_t limit = acked.Last();
    uint64_t k;
    do {
      k = zipf[ctx.thread].Next(*ctx.rng);
    } while (k > limit);
    return k;
  };
  auto op = [&](OpContext& ctx) -> absl::StatusOr<int> {
    double p = std::uniform_real_distribution<double>(0, 1)(*ctx.rng);
    if ((p -= mix.read) < 0) {
      uint64_t k = choose(ctx);
      ASSIGN_OR_RETURN(auto f, e->Read(YcsbKey(k)));
      if (!f || f->size() != kYcsbFields) {
        return absl::DataLossError("ycsb read: record " + YcsbKey(k) + " missing or short");
      }
      return kRead;
    }
    if ((p -= mix.update) < 0) {
      RETURN_IF_ERROR(e->Update(YcsbKey(choose(ctx)), static_cast<int>((*ctx.rng)() % 10),
                                ValueBytes(c.seed, (*ctx.rng)(), kFieldBytes)));
      return kUpdate;
    }
    if ((p -= mix.insert) < 0) {
      uint64_t k = next_insert.fetch_add(1);
      RETURN_IF_ERROR(e->Insert(YcsbKey(k), MakeFields(c.seed, k, 0)));
      acked.Ack(k);
      return kInsert;
    }
    if ((p -= mix.scan) < 0) {
      uint64_t k = choose(ctx);
      size_t len = UniformInt(*ctx.rng, 1, kMaxScan);
      ASSIGN_OR_RETURN(auto got, e->Scan(YcsbKey(k), len));
      if (got.empty() || got[0] != YcsbKey(k) || got.size() > len) {
        return absl::DataLossError("ycsb scan from " + YcsbKey(k) + " did not start there");
      }
      return kScan;
    }
    uint64_t k = choose(ctx);  // read-modify-write
    ASSIGN_OR_RETURN(auto f, e->Read(YcsbKey(k)));
    if (!f) return absl::DataLossError("ycsb rmw: record " + YcsbKey(k) + " missing");
    RETURN_IF_ERROR(e->Update(YcsbKey(k), static_cast<int>((*ctx.rng)() % 10),
                              ValueBytes(c.seed, (*ctx.rng)(), kFieldBytes)));
    return kRmw;
  };
  ASSIGN_OR_RETURN(PhaseResult r, RunOps(c, kOpNames, op));
  // Every insert must be readable.
  for (uint64_t k = n; k < next_insert.load(); ++k) {
    ASSIGN_OR_RETURN(auto f, e->Read(YcsbKey(k)));
    if (!f) return absl::DataLossError("ycsb: inserted record " + YcsbKey(k) + " not found");
  }
  RETURN_IF_ERROR(e->Close());
  std::filesystem::remove_all(dir, ec);
  return RunResult{r.metrics, d.Hex()};
}

Workload Make(const std::string& letter, const std::string& what, Mix mix) {
  std::string name = "ycsb." + letter;
  return {name, what, kYcsbEngines, [name, mix](const std::string& engine, const Config& c) {
            return Run(name, mix, engine, c);
          }};
}

}  // namespace

std::vector<Workload> YcsbWorkloads() {
  return {
      Make("a", "YCSB A: 50% read, 50% update, zipfian", {.read = .5, .update = .5}),
      Make("b", "YCSB B: 95% read, 5% update, zipfian", {.read = .95, .update = .05}),
      Make("c", "YCSB C: 100% read, zipfian", {.read = 1}),
      Make("d", "YCSB D: 95% read, 5% insert, latest",
           {.read = .95, .insert = .05, .latest = true}),
      Make("e", "YCSB E: 95% scan (1..100), 5% insert, zipfian", {.insert = .05, .scan = .95}),
      Make("f", "YCSB F: 50% read, 50% read-modify-write, zipfian", {.read = .5, .rmw = .5}),
  };
}

}  // namespace tessera::bench
