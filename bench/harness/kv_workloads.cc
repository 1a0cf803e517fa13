// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// kv.fill, kv.read, kv.scan: random fill with one commit per write, random point reads, and
// short range scans (10 entries, like db_bench's seekrandom); 16-byte keys, 100-byte values.
#include <filesystem>

#include "bench/harness/bench.h"
#include "bench/harness/common.h"
#include "bench/harness/generators.h"
#include "bench/harness/kv_engines.h"
#include "bench/harness/measure.h"
#include "tessera/status.h"

namespace tessera::bench {
namespace {

constexpr int64_t kKvRecords = 50000;
constexpr size_t kValueBytes = 100;
constexpr size_t kScanLength = 10;
const std::vector<std::string> kKvEngines = {"tessera-kv", "rocksdb", "sqlite"};

// Loads records 0..n-1 (in key-hash order, batches of 1000) once per engine; reopens.
absl::StatusOr<std::unique_ptr<KvEngine>> Prepared(const std::string& engine, const Config& c,
                                                   int64_t n) {
  std::string dir = PreparedDir(c, "kv", engine);
  if (!IsPrepared(dir)) {
    std::filesystem::remove_all(dir);
    ASSIGN_OR_RETURN(auto e, OpenKvEngine(engine, dir));
    std::vector<std::pair<std::string, std::string>> batch;
    for (int64_t i = 0; i < n; ++i) {
      batch.emplace_back(Key16(c.seed, i), ValueBytes(c.seed, i, kValueBytes));
      if (batch.size() == 1000 || i == n - 1) {
        RETURN_IF_ERROR(e->LoadBatch(batch));
        batch.clear();
      }
    }
    RETURN_IF_ERROR(e->Settle());
    RETURN_IF_ERROR(e->Close());
    RETURN_IF_ERROR(MarkPrepared(dir));
  }
  return OpenKvEngine(engine, dir);
}

absl::StatusOr<RunResult> Fill(const std::string& engine, const Config& c) {
  ASSIGN_OR_RETURN(auto e, OpenKvEngine(engine, FreshDir(c, "kv.fill-" + engine)));
  // Each thread writes items thread * 2^40 + index: distinct keys, reproducible.
  auto item = [](int thread, uint64_t index) { return (uint64_t(thread) << 40) + index; };
  ASSIGN_OR_RETURN(PhaseResult r, RunOps(c, {"put"}, [&](OpContext& ctx) -> absl::StatusOr<int> {
                     uint64_t n = item(ctx.thread, ctx.index);
                     char v[kValueBytes];
                     FillValueBytes(c.seed, n, v, kValueBytes);
                     RETURN_IF_ERROR(e->Put(Key16(c.seed, n), std::string_view(v, kValueBytes)));
                     return 0;
                   }));
  // Check: every write is there and reads back (the first 1000 of thread 0).
  ASSIGN_OR_RETURN(uint64_t count, e->Count());
  if (count != r.ops) {
    return absl::DataLossError("kv.fill wrote " + std::to_string(r.ops) + " keys but " +
                               std::to_string(count) + " are stored");
  }
  for (uint64_t i = 0; i < std::min<uint64_t>(1000, r.ops / std::max(1, c.threads) / 2); ++i) {
    ASSIGN_OR_RETURN(auto v, e->Get(Key16(c.seed, item(0, i))));
    if (!v || *v != ValueBytes(c.seed, item(0, i), kValueBytes)) {
      return absl::DataLossError("kv.fill: a written key does not read back");
    }
  }
  RETURN_IF_ERROR(e->Close());
  return RunResult{r.metrics, "all writes stored and read back"};
}

absl::StatusOr<RunResult> Read(const std::string& engine, const Config& c) {
  int64_t n = ScaleOr(c, kKvRecords);
  ASSIGN_OR_RETURN(auto e, Prepared(engine, c, n));
  Digest d;
  for (int64_t i = 0; i < 1000; ++i) {  // present and absent keys
    ASSIGN_OR_RETURN(auto v, e->Get(Key16(c.seed, (i * 7919) % (n + n / 10))));
    d.Add(v ? *v : std::string("<absent>"));
  }
  ASSIGN_OR_RETURN(
      PhaseResult r, RunOps(c, {"get"}, [&](OpContext& ctx) -> absl::StatusOr<int> {
        uint64_t i = UniformInt(*ctx.rng, 0, n - 1);
        ASSIGN_OR_RETURN(auto v, e->Get(Key16(c.seed, i)));
        if (!v || v->size() != kValueBytes) {
          return absl::DataLossError("kv.read: key " + Key16(c.seed, i) + " written but not found");
        }
        return 0;
      }));
  RETURN_IF_ERROR(e->Close());
  return RunResult{r.metrics, d.Hex()};
}

absl::StatusOr<RunResult> ScanWorkload(const std::string& engine, const Config& c) {
  int64_t n = ScaleOr(c, kKvRecords);
  ASSIGN_OR_RETURN(auto e, Prepared(engine, c, n));
  Digest d;
  std::vector<std::pair<std::string, std::string>> out;
  for (int64_t i = 0; i < 200; ++i) {
    out.clear();
    RETURN_IF_ERROR(e->Scan(Key16(c.seed + 1, i), kScanLength, &out));
    for (const auto& [k, v] : out) d.Add(k);
  }
  ASSIGN_OR_RETURN(PhaseResult r, RunOps(c, {"scan"}, [&](OpContext& ctx) -> absl::StatusOr<int> {
                     std::vector<std::pair<std::string, std::string>> rows;
                     rows.reserve(kScanLength);
                     std::string from = Key16(c.seed + 1, (*ctx.rng)());
                     RETURN_IF_ERROR(e->Scan(from, kScanLength, &rows));
                     for (size_t j = 0; j < rows.size(); ++j) {
                       if (rows[j].first < from || (j > 0 && rows[j].first <= rows[j - 1].first)) {
                         return absl::DataLossError("kv.scan: keys out of order");
                       }
                     }
                     return 0;
                   }));
  RETURN_IF_ERROR(e->Close());
  return RunResult{r.metrics, d.Hex()};
}

}  // namespace

std::vector<Workload> KvWorkloads() {
  return {
      {"kv.fill", "random fill, 16-byte keys, 100-byte values, one commit per write", kKvEngines,
       Fill},
      {"kv.read", "random point reads of loaded keys (default 50k records)", kKvEngines, Read},
      {"kv.scan", "range scans of 10 entries from random keys", kKvEngines, ScanWorkload},
  };
}

}  // namespace tessera::bench
