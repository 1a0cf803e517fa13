// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Options for opening a database and for transactions. Plain structs: every field has a default.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

namespace tessera {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

// Where the structured JSON log lines go.
enum class LogDestination {
  kFile,      // a size-rotated file `tessera.log` in the database directory
  kStderr,    // standard error
  kCallback,  // Options::log_callback, one call per line
  kNone,      // nowhere
};

struct Options {
  // Create the database directory and its files if they do not exist.
  bool create_if_missing = true;
  // Refuse to open a database that already exists.
  bool error_if_exists = false;
  // Every commit waits for its write-ahead-log record to reach the disk (fsync).
  bool sync_commits = false;
  // Size of the shared block cache, in bytes.
  size_t block_cache_bytes = 64 << 20;
  // Size of the row cache, in bytes (0: none): repeated point reads of a key answered without
  // finding and parsing its block (docs/architecture.md, "Caches").
  size_t row_cache_bytes = 32 << 20;
  // Size of one memtable, in bytes, per column family.
  size_t write_buffer_bytes = 32 << 20;
  // Bits per key of the bloom filters on point-read column families (0 turns them off).
  int bloom_bits_per_key = 10;
  // The largest transaction, counting every key, value and change event it writes, in bytes.
  size_t max_transaction_bytes = 64 << 20;
  // How long a write waits for a row lock held by another transaction before it reports a
  // conflict, in milliseconds.
  int64_t lock_timeout_ms = 20;
  // Record every change in the change log (the change feed). Turning it off saves a write per
  // change; the feed then has nothing to deliver.
  bool change_log = true;
  // Collect RocksDB's internal statistics for the metrics snapshot (costs a few percent).
  bool rocksdb_statistics = true;
  // Where log lines go, and the least severe level written.
  LogDestination log_destination = LogDestination::kFile;
  LogLevel log_level = LogLevel::kInfo;
  // With LogDestination::kCallback: receives each log line, one JSON object of text. Called from
  // the thread that logs; must be thread-safe.
  std::function<void(LogLevel, std::string_view)> log_callback;
  // With LogDestination::kFile: the size at which the log file rotates, and how many old files
  // are kept.
  size_t log_file_bytes = 8 << 20;
  int log_files_kept = 3;
};

struct TransactionOptions {
  // Readable label attached to the transaction's log lines (for example the operation's name).
  std::string_view label = {};
};

// How DB::RunTransaction retries a closure that hit a write-write conflict.
struct RetryOptions {
  // The most attempts, the first one included.
  int max_attempts = 10;
  // The first back-off between attempts, doubled after each conflict, in microseconds.
  int64_t initial_backoff_us = 100;
  // The longest back-off, in microseconds.
  int64_t max_backoff_us = 20000;
};

}  // namespace tessera
