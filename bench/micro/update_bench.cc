// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// YCSB-style updates of existing records, one commit each: a document update by _id that sets one
// of ten 100-byte fields (`$set`, as tessera-bench's ycsb.a does), the key-value model's put of a
// whole 1 KB record, and raw RocksDB's put of the same record. With TESSERA_BENCH_ITERS and
// TESSERA_BENCH_PRELOAD lowered, run under valgrind --tool=callgrind for instructions per update
// (docs/benchmarks.md, "Document and key-value writes, session 7").
#include <cstdlib>
#include <filesystem>
#include <random>

#include "bench/micro/micro_util.h"
#include "benchmark/benchmark.h"
#include "rocksdb/db.h"
#include "tessera/db.h"
#include "tessera/doc.h"
#include "tessera/kv.h"

namespace {

using tessera::bench::micro::EnvOr;
using tessera::bench::micro::TempPath;

const int kRecords = static_cast<int>(EnvOr("TESSERA_BENCH_PRELOAD", 10000));
const int64_t kIters = EnvOr("TESSERA_BENCH_ITERS", 50000);

std::string RecordKey(int n) { return "user" + std::to_string(1000000 + n); }
std::string FieldName(int i) { return "field" + std::to_string(i); }
std::string FieldValue(uint64_t r) { return std::string(100, static_cast<char>('a' + r % 26)); }
std::string Record(uint64_t r) {
  std::string v;
  for (int i = 0; i < 10; ++i) v += FieldValue(r + i);
  return v;
}

tessera::Options UpdateBenchOptions() {
  tessera::Options o;
  o.log_destination = tessera::LogDestination::kNone;
  o.block_cache_bytes = 256 << 20;
  return o;
}

void BM_Update_TesseraDoc(benchmark::State& state) {
  auto db = tessera::DB::Open(TempPath("doc-update"), UpdateBenchOptions());
  if (!db.ok()) return state.SkipWithError("cannot open the database");
  auto docs = tessera::DocStore::Open(db->get());
  if (!docs.ok()) return state.SkipWithError("cannot open the document store");
  std::vector<tessera::Document> batch;
  for (int n = 0; n < kRecords; ++n) {
    tessera::Document d = {{"_id", RecordKey(n)}};
    for (int i = 0; i < 10; ++i) d[FieldName(i)] = FieldValue(n + i);
    batch.push_back(std::move(d));
    if (batch.size() == 1000 || n == kRecords - 1) {
      if (!(*docs)->Insert("usertable", batch).ok()) return state.SkipWithError("load failed");
      batch.clear();
    }
  }
  std::mt19937_64 rng(42);
  for (auto _ : state) {
    uint64_t r = rng();
    tessera::Document set = {{"$set", {{FieldName(static_cast<int>(r % 10)), FieldValue(r)}}}};
    auto u = (*docs)->Update("usertable", {{"_id", RecordKey(static_cast<int>(r % kRecords))}}, set,
                             {.one = true});
    if (!u.ok() || u->matched != 1) state.SkipWithError("update failed");
  }
  state.SetItemsProcessed(state.iterations());
  docs->reset();
  (void)(*db)->Close();
}
BENCHMARK(BM_Update_TesseraDoc)->Iterations(kIters)->Unit(benchmark::kMicrosecond);

void BM_Update_TesseraKv(benchmark::State& state) {
  auto db = tessera::DB::Open(TempPath("kv-update"), UpdateBenchOptions());
  if (!db.ok()) return state.SkipWithError("cannot open the database");
  auto kv = tessera::KvStore::Open(db->get());
  if (!kv.ok()) return state.SkipWithError("cannot open the key-value store");
  std::vector<tessera::KvWrite> batch;
  for (int n = 0; n < kRecords; ++n) batch.push_back({RecordKey(n), Record(n), 0});
  if (!(*kv)->WriteBatch("usertable", batch).ok()) return state.SkipWithError("load failed");
  std::mt19937_64 rng(42);
  for (auto _ : state) {
    uint64_t r = rng();
    if (!(*kv)->Put("usertable", RecordKey(static_cast<int>(r % kRecords)), Record(r)).ok()) {
      state.SkipWithError("put failed");
    }
  }
  state.SetItemsProcessed(state.iterations());
  kv->reset();
  (void)(*db)->Close();
}
BENCHMARK(BM_Update_TesseraKv)->Iterations(kIters)->Unit(benchmark::kMicrosecond);

void BM_Update_RocksDB(benchmark::State& state) {
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(o, TempPath("raw-update"), &raw).ok()) {
    return state.SkipWithError("cannot open RocksDB");
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions wo;
  for (int n = 0; n < kRecords; ++n) (void)db->Put(wo, RecordKey(n), Record(n));
  std::mt19937_64 rng(42);
  for (auto _ : state) {
    uint64_t r = rng();
    if (!db->Put(wo, RecordKey(static_cast<int>(r % kRecords)), Record(r)).ok()) {
      state.SkipWithError("put failed");
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Update_RocksDB)->Iterations(kIters)->Unit(benchmark::kMicrosecond);

}  // namespace
