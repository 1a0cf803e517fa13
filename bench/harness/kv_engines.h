// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// One key-value interface over the engines that can serve it: tessera-kv (KvStore), rocksdb
// (raw, one default column family) and sqlite (a WITHOUT ROWID table kv(k BLOB PRIMARY KEY, v)).
// Every Put is its own commit; LoadBatch commits a batch at once (for preparing data).
//
// Thread safety: every KvEngine is safe for concurrent use (SQLite through one mutex).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace tessera::bench {

class KvEngine {
 public:
  virtual ~KvEngine() = default;
  // One write, its own commit.
  virtual absl::Status Put(std::string_view key, std::string_view value) = 0;
  virtual absl::StatusOr<std::optional<std::string>> Get(std::string_view key) = 0;
  // Up to `n` entries with key >= from, in key order; appended to `out`.
  virtual absl::Status Scan(std::string_view from, size_t n,
                            std::vector<std::pair<std::string, std::string>>* out) = 0;
  // Writes every pair in one commit.
  virtual absl::Status LoadBatch(const std::vector<std::pair<std::string, std::string>>& kvs) = 0;
  // Every key (a full scan).
  virtual absl::StatusOr<uint64_t> Count() = 0;
  // After a load: brings the storage to a settled state, the same for every engine (RocksDB
  // engines flush and compact everything into the last level; SQLite has nothing to do: closing
  // checkpoints its WAL), so that a measured phase does not pay for the load's compactions.
  virtual absl::Status Settle() = 0;
  // Flushes and closes.
  virtual absl::Status Close() = 0;
};

// `engine` is "tessera-kv", "rocksdb" or "sqlite"; `path` a directory (created if missing).
// `ns` names the namespace / table, so several logical maps can share a database.
absl::StatusOr<std::unique_ptr<KvEngine>> OpenKvEngine(const std::string& engine,
                                                       const std::string& path,
                                                       const std::string& ns = "bench");

}  // namespace tessera::bench
