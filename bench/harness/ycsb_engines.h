// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// YCSB's "usertable" (a key and fields field0..field9) on every engine that can hold it:
// - tessera-kv and rocksdb: the fields packed into one value; an update reads, merges and
//   writes the record back (as YCSB's RocksDB binding does);
// - tessera-doc: one document {_id: key, field0: ..., ...}; an update is $set of one field;
// - tessera-wide: one row, family "f", qualifiers field0..field9; an update writes one cell;
// - sqlite: usertable(YCSB_KEY PRIMARY KEY, FIELD0..FIELD9) WITHOUT ROWID, as YCSB's JDBC
//   binding creates it (but clustered by key); an update sets one column.
// Every insert and update is its own commit.
//
// Thread safety: every RecordEngine is safe for concurrent use.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace tessera::bench {

inline constexpr int kYcsbFields = 10;
using Fields = std::vector<std::string>;  // kYcsbFields values, field0 first

class RecordEngine {
 public:
  virtual ~RecordEngine() = default;
  virtual absl::Status Insert(const std::string& key, const Fields& fields) = 0;
  // Every field of the record, or nullopt.
  virtual absl::StatusOr<std::optional<Fields>> Read(const std::string& key) = 0;
  // Sets field `field` of an existing record.
  virtual absl::Status Update(const std::string& key, int field, const std::string& value) = 0;
  // The keys of up to `n` records from `from` on, in key order, reading every field.
  virtual absl::StatusOr<std::vector<std::string>> Scan(const std::string& from, size_t n) = 0;
  // Inserts every record in one commit.
  virtual absl::Status LoadBatch(const std::vector<std::pair<std::string, Fields>>& records) = 0;
  // After the load: see KvEngine::Settle.
  virtual absl::Status Settle() = 0;
  virtual absl::Status Close() = 0;
};

// Engines: tessera-kv, tessera-doc, tessera-wide, rocksdb, sqlite.
absl::StatusOr<std::unique_ptr<RecordEngine>> OpenRecordEngine(const std::string& engine,
                                                               const std::string& path);

}  // namespace tessera::bench
