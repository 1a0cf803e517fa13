// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Opening a database: RocksDB options per column family, the format-version check, the lock
// error, and loading the catalog and the change log.
#include <cstdarg>
#include <cstdio>
#include <filesystem>

#include "absl/strings/match.h"
#include "core/catalog/meta_keys.h"
#include "core/engine/engine.h"
#include "core/engine/storage_hooks.h"
#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/listener.h"
#include "rocksdb/statistics.h"
#include "rocksdb/table.h"

namespace tessera::internal {
namespace {

// Tracks whether RocksDB is in a background-error state (it then refuses writes until it
// recovers), so that Close() does not sync a write-ahead log whose last write failed: RocksDB
// 7.8 asserts on that (fixed upstream by facebook/rocksdb#12448).
class StorageErrorListener final : public rocksdb::EventListener {
 public:
  explicit StorageErrorListener(std::shared_ptr<std::atomic<bool>> flag) : flag_(std::move(flag)) {}
  void OnBackgroundError(rocksdb::BackgroundErrorReason, rocksdb::Status* status) override {
    if (status != nullptr && !status->ok() && !status->IsShutdownInProgress()) flag_->store(true);
  }
  void OnErrorRecoveryEnd(const rocksdb::BackgroundErrorRecoveryInfo& info) override {
    if (info.new_bg_error.ok()) flag_->store(false);
  }

 private:
  std::shared_ptr<std::atomic<bool>> flag_;
};

// RocksDB's own diagnostics, routed to Tessera's log instead of RocksDB's LOG file in the database
// directory: warnings and errors only (RocksDB logs every flush and compaction at info level).
// Why not RocksDB's LOG file: on a full disk, Debian's RocksDB 7.8 aborts the process in
// WritableFileWriter::Append (AssertFalseAndGetStatusForPrevError) when it logs the disk-full error
// to a LOG file whose previous append already failed; Tessera's logger drops a line it cannot
// write instead.
class RocksInfoLogger final : public rocksdb::Logger {
 public:
  RocksInfoLogger(internal::Logger* logger, std::string path)
      : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL),
        logger_(logger),
        path_(std::move(path)) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}  // headers and info: dropped
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < rocksdb::InfoLogLevel::WARN_LEVEL || level == rocksdb::InfoLogLevel::HEADER_LEVEL) {
      return;
    }
    char line[1024];
    std::vsnprintf(line, sizeof(line), format, ap);
    logger_->Log(level >= rocksdb::InfoLogLevel::ERROR_LEVEL ? LogLevel::kError : LogLevel::kWarn,
                 {path_, {}, 0}, "rocksdb", {{"message", std::string_view(line)}});
  }

 private:
  internal::Logger* const logger_;  // owned by the Engine, which closes RocksDB before it
  const std::string path_;
};

rocksdb::ColumnFamilyOptions BaseCfOptions(const Options& options,
                                           const std::shared_ptr<rocksdb::Cache>& cache,
                                           bool bloom) {
  rocksdb::ColumnFamilyOptions cf;
  cf.write_buffer_size = options.write_buffer_bytes;
  cf.compression = rocksdb::kLZ4Compression;
  cf.bottommost_compression = rocksdb::kZSTD;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.format_version = 5;
  if (bloom && options.bloom_bits_per_key > 0) {
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(options.bloom_bits_per_key, false));
  }
  if (bloom) {
    // Point-read column families: a hash index inside each data block finds a key without the
    // binary search (docs/benchmarks.md, "Document and key-value reads, session 6").
    table.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
    table.data_block_hash_table_util_ratio = 0.75;
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

}  // namespace

// Opens an Engine; a friend of Engine so that it can fill the private members.
class EngineOpener {
 public:
  static absl::StatusOr<std::unique_ptr<Engine>> Open(std::string_view path,
                                                      const Options& options);
};

absl::StatusOr<std::unique_ptr<Engine>> EngineOpener::Open(std::string_view path_in,
                                                           const Options& options) {
  if (path_in.empty()) return absl::InvalidArgumentError("database path is empty");
  std::string path(path_in);
  std::error_code ec;
  bool exists = std::filesystem::exists(std::filesystem::path(path) / "CURRENT", ec);
  if (exists && options.error_if_exists) {
    return absl::AlreadyExistsError(util::StrCat("database ", path, " already exists"));
  }
  if (!exists) {
    if (!options.create_if_missing) {
      return absl::NotFoundError(util::StrCat("database ", path, " does not exist"));
    }
    if (std::filesystem::exists(path, ec) && !std::filesystem::is_directory(path, ec)) {
      return absl::InvalidArgumentError(
          util::StrCat("database path ", path, " exists and is not a directory"));
    }
    std::filesystem::create_directories(path, ec);
    if (ec) {
      return absl::InvalidArgumentError(
          util::StrCat("cannot create database directory ", path, ": ", ec.message()));
    }
  }

  std::unique_ptr<Engine> engine(new Engine(path, options));
  ASSIGN_OR_RETURN(engine->logger_, Logger::Create(options, path));

  rocksdb::DBOptions db_opts;
  db_opts.create_if_missing = true;
  db_opts.create_missing_column_families = true;
  db_opts.max_background_jobs = 2;
  db_opts.bytes_per_sync = 1 << 20;
  db_opts.keep_log_file_num = 3;
  db_opts.max_log_file_size = 4 << 20;
  // Point-in-time recovery (RocksDB's default, set explicitly because it is a choice): replay of
  // the write-ahead log stops at the first damaged record and the database opens as of the last
  // intact write before it. A torn tail (a crash during a write) costs only that write; damage in
  // the middle of the log loses the writes after it but never leaves a later write visible
  // without an earlier one. kAbsoluteConsistency would refuse to open after any crash that tore
  // a record; kSkipAnyCorruptedRecords could keep later writes whose earlier ones are lost.
  db_opts.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  if (options.rocksdb_statistics) {
    engine->statistics_ = rocksdb::CreateDBStatistics();
    engine->statistics_->set_stats_level(rocksdb::StatsLevel::kExceptTimers);
    db_opts.statistics = engine->statistics_;
  }
  db_opts.listeners.push_back(std::make_shared<StorageErrorListener>(engine->storage_error_));
  db_opts.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db_opts.info_log = std::make_shared<RocksInfoLogger>(engine->logger_.get(), path);
  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  // The row cache (RocksDB's, keyed by SST file and key) serves the point reads of every
  // column family (Get; iterators and MultiGet do not use it). RocksDB 7.8's lets a value
  // covered by a range deletion come back when a merge operand is later written to its key
  // (docs/architecture.md, "Caches"): Tessera's range deletions cover only dropped objects,
  // whose ids are never reused, expired time-series windows and feed positions, none of them
  // ever merged into again.
  if (options.row_cache_bytes > 0) {
    engine->row_cache_ = rocksdb::NewLRUCache(options.row_cache_bytes);
    db_opts.row_cache = engine->row_cache_;
  }
  Engine* raw = engine.get();
  auto view = [raw]() { return raw->catalog_.view(); };

  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (size_t i = 0; i < kNumCfs; ++i) {
    Cf c = static_cast<Cf>(i);
    bool bloom = c == Cf::kMeta || c == Cf::kData;
    rocksdb::ColumnFamilyOptions cf = BaseCfOptions(options, cache, bloom);
    switch (c) {
      case Cf::kData:
        // A memtable bloom filter: the read-before-write of every put (for the change event's
        // before-image) is usually for an absent key, which it answers without a skiplist search.
        cf.memtable_prefix_bloom_size_ratio = 0.05;
        cf.memtable_whole_key_filtering = true;
        cf.merge_operator = NewTesseraMergeOperator();
        cf.compaction_filter_factory = NewTesseraCompactionFilterFactory(
            view, true, [raw](Model m) { return raw->compaction_hook(m); });
        break;
      case Cf::kIndex:
      case Cf::kAdj:
        cf.compaction_filter_factory = NewTesseraCompactionFilterFactory(view, false);
        break;
      case Cf::kFeed:
        cf.compression = rocksdb::kLZ4Compression;
        break;
      case Cf::kMeta:
        cf.write_buffer_size = 4 << 20;
        break;
    }
    cfs.emplace_back(kCfNames[i], cf);
  }

  rocksdb::TransactionDBOptions txn_opts;
  txn_opts.transaction_lock_timeout = options.lock_timeout_ms;
  txn_opts.default_lock_timeout = options.lock_timeout_ms;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status s =
      rocksdb::TransactionDB::Open(db_opts, txn_opts, path, cfs, &handles, &engine->db_);
  if (!s.ok()) {
    if (s.IsIOError() && absl::StrContains(s.ToString(), "lock")) {
      return absl::UnavailableError(
          util::StrCat("database ", path,
                       " is locked: another process (or another DB in this process) has "
                       "it open (",
                       s.ToString(), ")"));
    }
    return FromRocks(s, util::StrCat("open database ", path));
  }
  for (size_t i = 0; i < kNumCfs; ++i) engine->cfs_[i] = handles[i];
  engine->write_options_.sync = options.sync_commits;

  // Format version: written on creation, checked on every open.
  rocksdb::ReadOptions ro;
  std::string version;
  auto* meta_cf = engine->cf(Cf::kMeta);
  s = engine->db_->Get(ro, meta_cf, meta::kFormatKey, &version);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  if (s.IsNotFound()) {
    std::string probe;
    std::unique_ptr<rocksdb::Iterator> it(engine->db_->NewIterator(ro, meta_cf));
    it->SeekToFirst();
    if (it->Valid()) {
      return absl::FailedPreconditionError(
          util::StrCat("database ", path,
                       " has no Tessera format record; it is not a Tessera "
                       "database or it is damaged"));
    }
    std::string v;
    codec::PutVarint64(&v, meta::kFormatVersion);
    RETURN_IF_ERROR(
        FromRocks(engine->db_->Put(wo, meta_cf, meta::kFormatKey, v), "write format version"));
  } else if (!s.ok()) {
    return FromRocks(s, "read format version");
  } else {
    std::string_view in = version;
    uint64_t v = 0;
    if (!codec::GetVarint64(&in, &v) || v != meta::kFormatVersion) {
      return absl::FailedPreconditionError(util::StrCat("database ", path,
                                                        " has on-disk format version ", v,
                                                        "; this build of Tessera reads "
                                                        "format version ",
                                                        meta::kFormatVersion, " only"));
    }
  }

  // Open epoch: the high half of transaction ids, so ids never repeat across restarts.
  std::string epoch;
  s = engine->db_->Get(ro, meta_cf, meta::kEpochKey, &epoch);
  uint64_t e = (s.ok() && epoch.size() == 8) ? codec::DecodeFixed64BE(epoch.data()) : 0;
  engine->epoch_ = e + 1;
  epoch.clear();
  codec::PutFixed64BE(&epoch, engine->epoch_);
  RETURN_IF_ERROR(
      FromRocks(engine->db_->Put(wo, meta_cf, meta::kEpochKey, epoch), "write open epoch"));

  RETURN_IF_ERROR(engine->catalog_.Load());
  RETURN_IF_ERROR(engine->change_log_.Load());
  RETURN_IF_ERROR(engine->LoadBeforeImageSwitches());
  engine->logger_->Log(LogLevel::kInfo, {path, {}, 0}, "db.open",
                       {{"format", meta::kFormatVersion},
                        {"objects", uint64_t{engine->catalog_.List(std::nullopt).size()}},
                        {"last_seq", engine->change_log_.last_seq()}});
  return engine;
}

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(std::string_view path,
                                                     const Options& options) {
  return EngineOpener::Open(path, options);
}

}  // namespace tessera::internal
