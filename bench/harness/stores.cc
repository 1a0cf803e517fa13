// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "bench/harness/stores.h"

#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/statistics.h"
#include "rocksdb/table.h"

namespace tessera::bench {

absl::StatusOr<std::unique_ptr<DB>> OpenTessera(const std::string& path) {
  Options o;
  o.block_cache_bytes = kCacheBytes;
  o.row_cache_bytes = kRowCacheBytes;
  o.log_destination = LogDestination::kNone;
  return DB::Open(path, o);
}

absl::StatusOr<std::unique_ptr<RawRocks>> RawRocks::Open(const std::string& path) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.max_background_jobs = 2;
  o.bytes_per_sync = 1 << 20;
  o.keep_log_file_num = 3;
  o.max_log_file_size = 4 << 20;
  if (kRowCacheBytes > 0) o.row_cache = rocksdb::NewLRUCache(kRowCacheBytes);
  o.statistics = rocksdb::CreateDBStatistics();
  o.statistics->set_stats_level(rocksdb::StatsLevel::kExceptTimers);
  o.write_buffer_size = 32 << 20;
  o.compression = rocksdb::kLZ4Compression;
  o.bottommost_compression = rocksdb::kZSTD;
  o.memtable_prefix_bloom_size_ratio = 0.05;
  o.memtable_whole_key_filtering = true;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = rocksdb::NewLRUCache(kCacheBytes);
  t.cache_index_and_filter_blocks = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  t.format_version = 5;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10, false));
  // The same data-block hash index as Tessera's point-read column families (engine_open.cc).
  t.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  t.data_block_hash_table_util_ratio = 0.75;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(o, path, &db);
  if (!s.ok()) return absl::InternalError("rocksdb open " + path + ": " + s.ToString());
  auto r = std::unique_ptr<RawRocks>(new RawRocks());
  r->db_.reset(db);
  return r;
}

RawRocks::~RawRocks() {
  if (db_) {
    (void)Flush();
    (void)db_->Close();
  }
}

absl::Status RawRocks::Flush() {
  rocksdb::Status s = db_->Flush(rocksdb::FlushOptions());
  if (!s.ok()) return absl::InternalError("rocksdb flush: " + s.ToString());
  return absl::OkStatus();
}

absl::Status RawRocks::Compact() {
  if (absl::Status f = Flush(); !f.ok()) return f;
  rocksdb::CompactRangeOptions o;
  o.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  rocksdb::Status s = db_->CompactRange(o, nullptr, nullptr);
  if (!s.ok()) return absl::InternalError("rocksdb compact: " + s.ToString());
  return absl::OkStatus();
}

Stmt::Stmt(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
      SQLITE_OK) {
    status_ = absl::InternalError("sqlite prepare: " + std::string(sqlite3_errmsg(db)) + " in " +
                                  std::string(sql));
    stmt_ = nullptr;
  }
}
Stmt::~Stmt() { sqlite3_finalize(stmt_); }
Stmt& Stmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return *this;
}
Stmt& Stmt::Bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Stmt& Stmt::Bind(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Stmt& Stmt::Bind(int i, std::string_view text) {
  sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::BindBlob(int i, std::string_view blob) {
  sqlite3_bind_blob(stmt_, i, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
  return *this;
}
bool Stmt::Step() {
  if (stmt_ == nullptr) return false;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE && status_.ok()) {
    status_ = absl::InternalError("sqlite step: " + std::string(sqlite3_errmsg(db_)));
  }
  return false;
}
int64_t Stmt::Int(int col) { return sqlite3_column_int64(stmt_, col); }
double Stmt::Double(int col) { return sqlite3_column_double(stmt_, col); }
std::string_view Stmt::Text(int col) {
  const void* p = sqlite3_column_blob(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(p), n);
}
int Stmt::Columns() { return sqlite3_column_count(stmt_); }
bool Stmt::IsNull(int col) { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
absl::Status Stmt::Run() {
  while (Step()) {
  }
  return status_;
}

absl::StatusOr<std::unique_ptr<Sqlite>> Sqlite::Open(const std::string& path) {
  auto s = std::unique_ptr<Sqlite>(new Sqlite());
  int rc =
      sqlite3_open_v2(path.c_str(), &s->db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) return absl::InternalError("sqlite open " + path);
  auto st = s->Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144;"
      "PRAGMA temp_store=MEMORY;");
  if (!st.ok()) return st;
  return s;
}

Sqlite::~Sqlite() { sqlite3_close(db_); }

absl::Status Sqlite::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : "unknown";
    sqlite3_free(err);
    return absl::InternalError("sqlite: " + msg + " in " + text.substr(0, 200));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Sqlite::CheckpointedBytes() {
  if (sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr) !=
      SQLITE_OK) {
    return absl::InternalError("sqlite checkpoint: " + std::string(sqlite3_errmsg(db_)));
  }
  Stmt pc(db_, "PRAGMA page_count");
  Stmt ps(db_, "PRAGMA page_size");
  if (!pc.Step() || !ps.Step()) return absl::InternalError("sqlite page_count");
  return static_cast<uint64_t>(pc.Int(0) * ps.Int(0));
}

}  // namespace tessera::bench
