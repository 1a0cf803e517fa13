// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Opening the engines the harness compares, with the same settings everywhere:
// - Tessera: a 256 MiB block cache, bloom filters, change log on, WAL without fsync per commit
//   (Options::sync_commits false), logging off.
// - raw RocksDB: the options engine_open.cc gives Tessera's data column family (LZ4, ZSTD at the
//   bottom, 32 MiB memtables with a memtable bloom filter, 10-bit bloom filters, cached and pinned
//   index/filter blocks, format 5, the same 256 MiB block cache, two background jobs, statistics
//   except timers), WAL without fsync.
// - SQLite: WAL journal, synchronous=NORMAL (no fsync per commit in WAL mode), a 256 MiB page
//   cache, prepared statements.
// All three therefore survive a process crash but may lose the last commits on power loss.
//
// Thread safety: Sqlite serialises its users with a mutex (one connection); the others are
// thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "tessera/db.h"

struct sqlite3;
struct sqlite3_stmt;
namespace rocksdb {
class DB;
}

namespace tessera::bench {

// The caches of every RocksDB engine (Tessera's and raw RocksDB alike): a block cache that holds
// every workload's data, and a row cache for repeated point reads.
inline constexpr size_t kCacheBytes = 256 << 20;
inline constexpr size_t kRowCacheBytes = size_t{64} << 20;

// Tessera with the harness's options.
absl::StatusOr<std::unique_ptr<DB>> OpenTessera(const std::string& path);

// Raw RocksDB with Tessera's data-column-family options. Close() flushes (as Tessera does).
class RawRocks {
 public:
  static absl::StatusOr<std::unique_ptr<RawRocks>> Open(const std::string& path);
  ~RawRocks();
  rocksdb::DB* db() { return db_.get(); }
  // Flushes the memtable to an SST file.
  absl::Status Flush();
  // Flushes, then compacts everything into the last level (as tessera::DB::Compact does).
  absl::Status Compact();

 private:
  std::unique_ptr<rocksdb::DB> db_;
};

// A prepared SQLite statement: bind, step, read columns. Reset before each use.
class Stmt {
 public:
  Stmt(sqlite3* db, std::string_view sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return stmt_ != nullptr; }
  Stmt& Reset();
  Stmt& Bind(int i, int64_t v);
  Stmt& Bind(int i, double v);
  Stmt& Bind(int i, std::string_view text);      // as TEXT
  Stmt& BindBlob(int i, std::string_view blob);  // as BLOB
  // Steps once: true when a row is available, false when done; errors go to status().
  bool Step();
  int64_t Int(int col);
  double Double(int col);
  std::string_view Text(int col);
  bool IsNull(int col);
  int Columns();
  absl::Status status() const { return status_; }
  // Steps to the end; the error, if any.
  absl::Status Run();

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  absl::Status status_;
};

// One SQLite connection with the harness's pragmas.
class Sqlite {
 public:
  static absl::StatusOr<std::unique_ptr<Sqlite>> Open(const std::string& path);
  ~Sqlite();
  sqlite3* db() { return db_; }
  absl::Status Exec(std::string_view sql);
  // Serialises the harness's threads on this connection.
  std::mutex& mu() { return mu_; }
  // Checkpoints the WAL into the database file and returns the file's size in bytes.
  absl::StatusOr<uint64_t> CheckpointedBytes();

 private:
  sqlite3* db_ = nullptr;
  std::mutex mu_;
};

}  // namespace tessera::bench
