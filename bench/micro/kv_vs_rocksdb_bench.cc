// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The key-value model against raw RocksDB with the same options (block cache, bloom filters,
// LZ4, WAL on without sync): random fill with one commit per write, and random point reads.
// 16-byte keys, 100-byte values. Compare the two engines' figures from the same run.
#include <cstdlib>
#include <filesystem>
#include <random>

#include "bench/micro/micro_util.h"
#include "benchmark/benchmark.h"
#include "core/engine/engine.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/statistics.h"
#include "rocksdb/table.h"
#include "tessera/db.h"
#include "tessera/kv.h"

namespace {

using tessera::bench::micro::EnvOr;
using tessera::bench::micro::TempPath;

// Iterations and the preloaded key count (lower them through the environment: micro_util.h).
const int kPreload = static_cast<int>(EnvOr("TESSERA_BENCH_PRELOAD", 200000));
const int64_t kWriteIters = EnvOr("TESSERA_BENCH_ITERS", 200000);
const int64_t kReadIters = EnvOr("TESSERA_BENCH_ITERS", 500000);

std::string Key(uint64_t n) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(n));
  return std::string(buf, 16);
}

const std::string& Value() {
  static const std::string v(100, 'v');
  return v;
}

tessera::Options TesseraOptions(bool change_log, bool statistics = true) {
  tessera::Options o;
  o.rocksdb_statistics = statistics;
  o.log_destination = tessera::LogDestination::kNone;
  o.change_log = change_log;
  o.block_cache_bytes = 256 << 20;
  return o;
}

// Raw RocksDB with the options Tessera gives its data column family, statistics included (as
// Tessera collects them by default).
std::unique_ptr<rocksdb::DB> OpenRaw(const std::string& path, bool statistics = true) {
  rocksdb::Options o;
  if (statistics) {
    o.statistics = rocksdb::CreateDBStatistics();
    o.statistics->set_stats_level(rocksdb::StatsLevel::kExceptTimers);
  }
  o.create_if_missing = true;
  o.write_buffer_size = 32 << 20;
  o.compression = rocksdb::kLZ4Compression;
  o.bottommost_compression = rocksdb::kZSTD;
  o.max_background_jobs = 2;
  o.memtable_prefix_bloom_size_ratio = 0.05;
  o.memtable_whole_key_filtering = true;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = rocksdb::NewLRUCache(256 << 20);
  t.cache_index_and_filter_blocks = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  t.format_version = 5;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10, false));
  // The same data-block hash index as Tessera's point-read column families (engine_open.cc).
  t.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  t.data_block_hash_table_util_ratio = 0.75;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::Open(o, path, &db).ok()) return nullptr;
  return std::unique_ptr<rocksdb::DB>(db);
}

void BM_Fill_RocksDB(benchmark::State& state) {
  auto db = OpenRaw(TempPath("raw-fill"));
  std::mt19937_64 rng(42);
  rocksdb::WriteOptions wo;
  for (auto _ : state) {
    if (!db->Put(wo, Key(rng()), Value()).ok()) state.SkipWithError("put failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Fill_RocksDB)->Iterations(kWriteIters)->Unit(benchmark::kMicrosecond);

// A fresh Tessera database with a key-value store on it, closed on destruction.
struct TesseraKv {
  std::unique_ptr<tessera::DB> db;
  std::unique_ptr<tessera::KvStore> kv;
  ~TesseraKv() {
    kv.reset();
    if (db) (void)db->Close();
  }
};

// Null (and the benchmark marked failed) when the database cannot be opened.
std::unique_ptr<TesseraKv> OpenTessera(benchmark::State& state, const char* name,
                                       const tessera::Options& options) {
  auto t = std::make_unique<TesseraKv>();
  auto db = tessera::DB::Open(TempPath(name), options);
  if (!db.ok()) {
    state.SkipWithError("cannot open the database");
    return nullptr;
  }
  t->db = std::move(db).value();
  auto kv = tessera::KvStore::Open(t->db.get());
  if (!kv.ok()) {
    state.SkipWithError("cannot open the key-value store");
    return nullptr;
  }
  t->kv = std::move(kv).value();
  return t;
}

void FillTessera(benchmark::State& state, bool change_log) {
  auto t = OpenTessera(state, "kv-fill", TesseraOptions(change_log));
  if (t == nullptr) return;
  std::mt19937_64 rng(42);
  for (auto _ : state) {
    if (!t->kv->Put("bench", Key(rng()), Value()).ok()) state.SkipWithError("put failed");
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_Fill_TesseraKv_ChangeLogOn(benchmark::State& state) { FillTessera(state, true); }
void BM_Fill_TesseraKv_ChangeLogOff(benchmark::State& state) { FillTessera(state, false); }
BENCHMARK(BM_Fill_TesseraKv_ChangeLogOn)->Iterations(kWriteIters)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Fill_TesseraKv_ChangeLogOff)->Iterations(kWriteIters)->Unit(benchmark::kMicrosecond);

void ReadRaw(benchmark::State& state, bool statistics) {
  auto db = OpenRaw(TempPath("raw-read"), statistics);
  rocksdb::WriteOptions wo;
  for (int i = 0; i < kPreload; ++i) (void)db->Put(wo, Key(i), Value());
  (void)db->Flush(rocksdb::FlushOptions());
  std::mt19937_64 rng(7);
  std::string v;
  for (auto _ : state) {
    if (!db->Get(rocksdb::ReadOptions(), Key(rng() % kPreload), &v).ok()) {
      state.SkipWithError("get failed");
    }
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_Read_RocksDB(benchmark::State& state) { ReadRaw(state, true); }
void BM_Read_RocksDB_NoStatistics(benchmark::State& state) { ReadRaw(state, false); }
BENCHMARK(BM_Read_RocksDB_NoStatistics)->Iterations(kReadIters)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Read_RocksDB)->Iterations(kReadIters)->Unit(benchmark::kMicrosecond);

void ReadTessera(benchmark::State& state, bool statistics) {
  auto t = OpenTessera(state, "kv-read", TesseraOptions(false, statistics));
  if (t == nullptr) return;
  std::vector<tessera::KvWrite> batch;
  for (int i = 0; i < kPreload; ++i) {
    batch.push_back({Key(i), Value(), 0});
    if (batch.size() == 10000) {
      (void)t->kv->WriteBatch("bench", batch);
      batch.clear();
    }
  }
  (void)t->kv->WriteBatch("bench", batch);
  auto& engine = t->db->engine();
  (void)engine.db()->Flush(rocksdb::FlushOptions(), engine.cf(tessera::internal::Cf::kData));
  std::mt19937_64 rng(7);
  for (auto _ : state) {
    auto v = t->kv->Get("bench", Key(rng() % kPreload));
    if (!v.ok() || !v->has_value()) state.SkipWithError("get failed");
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_Read_TesseraKv(benchmark::State& state) { ReadTessera(state, true); }
void BM_Read_TesseraKv_NoStatistics(benchmark::State& state) { ReadTessera(state, false); }
BENCHMARK(BM_Read_TesseraKv)->Iterations(kReadIters)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Read_TesseraKv_NoStatistics)->Iterations(kReadIters)->Unit(benchmark::kMicrosecond);

}  // namespace
