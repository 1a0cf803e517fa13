// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// DBImpl: the public tessera::DB over the Engine; SnapshotImpl: tessera::Snapshot.

#include <filesystem>
#include <vector>

#include "core/engine/engine.h"
#include "core/engine/txn_impl.h"
#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "rocksdb/cache.h"
#include "rocksdb/utilities/checkpoint.h"
#include "tessera/db.h"
#include "tessera/status.h"

namespace tessera {
namespace internal {
namespace {

class SnapshotImpl final : public Snapshot {
 public:
  SnapshotImpl(Engine* engine, const rocksdb::Snapshot* snap, uint64_t seq)
      : engine_(engine), snap_(snap), seq_(seq), source_(NewDbReadSource(engine, snap)) {
    engine_->live_handles().fetch_add(1);
  }
  ~SnapshotImpl() override {
    if (engine_->CheckOpen().ok()) engine_->db()->ReleaseSnapshot(snap_);
    engine_->live_handles().fetch_sub(1);
  }
  uint64_t sequence() const override { return seq_; }
  ReadSource& source() const override { return *source_; }

 private:
  Engine* const engine_;
  const rocksdb::Snapshot* const snap_;
  const uint64_t seq_;
  std::unique_ptr<ReadSource> source_;
};

class DBImpl final : public DB {
 public:
  explicit DBImpl(std::unique_ptr<Engine> engine) : engine_(std::move(engine)) {}

  const std::string& path() const override { return engine_->path(); }
  absl::Status Close() override { return engine_->Close(); }

  absl::StatusOr<std::unique_ptr<Transaction>> Begin(const TransactionOptions& options) override {
    ASSIGN_OR_RETURN(std::unique_ptr<TxnImpl> txn, engine_->BeginTxn(options.label));
    return std::unique_ptr<Transaction>(std::move(txn));
  }

  absl::Status RunTransaction(const std::function<absl::Status(Transaction&)>& body,
                              const RetryOptions& retry,
                              const TransactionOptions& options) override {
    return engine_->RunInTxn(options.label, /*snapshot=*/true, retry,
                             [&](TxnImpl& txn) { return body(txn); });
  }

  absl::StatusOr<std::unique_ptr<Snapshot>> GetSnapshot() override {
    RETURN_IF_ERROR(engine_->CheckOpen());
    // Taken between commits, so the RocksDB snapshot and the change-log position agree.
    return engine_->change_log().WithCommitsPaused([this](uint64_t seq) {
      return std::unique_ptr<Snapshot>(
          new SnapshotImpl(engine_.get(), engine_->db()->GetSnapshot(), seq));
    });
  }

  absl::StatusOr<std::vector<ObjectInfo>> ListObjects(std::optional<Model> model) override {
    RETURN_IF_ERROR(engine_->CheckOpen());
    return engine_->catalog().List(model);
  }

  absl::StatusOr<ObjectInfo> GetObject(Model model, std::string_view name) override {
    RETURN_IF_ERROR(engine_->CheckOpen());
    return engine_->catalog().Get(model, name);
  }

  absl::Status DropObject(Model model, std::string_view name) override {
    return engine_->catalog().Drop(model, name);
  }

  absl::StatusOr<std::vector<ChangeEvent>> ReadChanges(const ChangeReadOptions& options) override {
    return engine_->change_log().Read(options);
  }

  uint64_t LastSequence() const override { return engine_->change_log().last_seq(); }

  absl::StatusOr<MetricsSnapshot> GetMetrics() override;

  absl::Status Backup(std::string_view dir) override;

  absl::Status Compact() override;

  Engine& engine() override { return *engine_; }

 private:
  std::unique_ptr<Engine> engine_;
};

absl::Status DBImpl::Backup(std::string_view dir) {
  RETURN_IF_ERROR(engine_->CheckOpen());
  if (dir.empty()) return absl::InvalidArgumentError("backup: the directory path is empty");
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::path(dir), ec)) {
    return absl::AlreadyExistsError(
        util::StrCat("backup: ", dir, " already exists; give a new directory"));
  }
  rocksdb::Checkpoint* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(engine_->db(), &raw), "backup"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // A checkpoint of every column family with the live WAL (or a flush), taken by RocksDB at one
  // sequence number: a commit is either wholly in it or not at all.
  return FromRocks(checkpoint->CreateCheckpoint(std::string(dir)), util::StrCat("backup ", dir));
}

absl::Status DBImpl::Compact() {
  RETURN_IF_ERROR(engine_->CheckOpen());
  auto* db = engine_->db();
  rocksdb::FlushOptions flush;
  flush.wait = true;
  std::vector<rocksdb::ColumnFamilyHandle*> all;
  for (size_t i = 0; i < kNumCfs; ++i) all.push_back(engine_->cf(static_cast<Cf>(i)));
  RETURN_IF_ERROR(FromRocks(db->Flush(flush, all), "compact: flush memtables"));
  rocksdb::CompactRangeOptions range;
  // Rewrite the last level too, so that sequence numbers are zeroed and compaction hooks run
  // over every key; nothing is left for RocksDB to schedule afterwards.
  range.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  range.change_level = false;
  for (size_t i = 0; i < kNumCfs; ++i) {
    RETURN_IF_ERROR(FromRocks(db->CompactRange(range, all[i], nullptr, nullptr),
                              util::StrCat("compact column family ", kCfNames[i])));
  }
  return absl::OkStatus();
}

absl::StatusOr<MetricsSnapshot> DBImpl::GetMetrics() {
  RETURN_IF_ERROR(engine_->CheckOpen());
  MetricsSnapshot out;
  engine_->metrics().Fill(&out);
  auto* db = engine_->db();
  for (size_t i = 0; i < kNumCfs; ++i) {
    auto* cf = engine_->cf(static_cast<Cf>(i));
    uint64_t v = 0;
    std::string name = kCfNames[i] == std::string("default") ? "meta" : kCfNames[i];
    if (db->GetIntProperty(cf, "rocksdb.total-sst-files-size", &v)) {
      out.gauges["sst_bytes." + name] = v;
    }
    if (db->GetIntProperty(cf, "rocksdb.cur-size-all-mem-tables", &v)) {
      out.gauges["memtable_bytes." + name] = v;
    }
    if (db->GetIntProperty(cf, "rocksdb.estimate-num-keys", &v)) {
      out.gauges["estimated_keys." + name] = v;
    }
  }
  uint64_t v = 0;
  if (db->GetIntProperty("rocksdb.block-cache-usage", &v)) out.gauges["block_cache_bytes"] = v;
  if (auto* rc = engine_->row_cache()) out.gauges["row_cache_bytes"] = rc->GetUsage();
  out.gauges["changelog.last_seq"] = engine_->change_log().last_seq();
  out.gauges["catalog.objects"] = engine_->catalog().List(std::nullopt).size();
  if (auto* stats = engine_->statistics()) {
    for (auto ticker :
         {rocksdb::BLOCK_CACHE_HIT, rocksdb::BLOCK_CACHE_MISS, rocksdb::ROW_CACHE_HIT,
          rocksdb::ROW_CACHE_MISS, rocksdb::BLOOM_FILTER_USEFUL, rocksdb::BYTES_WRITTEN,
          rocksdb::BYTES_READ, rocksdb::NUMBER_KEYS_WRITTEN, rocksdb::NUMBER_KEYS_READ,
          rocksdb::COMPACT_READ_BYTES, rocksdb::COMPACT_WRITE_BYTES, rocksdb::FLUSH_WRITE_BYTES,
          rocksdb::WAL_FILE_BYTES, rocksdb::STALL_MICROS}) {
      for (const auto& [t, name] : rocksdb::TickersNameMap) {
        if (t == ticker) out.rocksdb[name] = stats->getTickerCount(ticker);
      }
    }
  }
  return out;
}

}  // namespace
}  // namespace internal

absl::StatusOr<std::unique_ptr<DB>> DB::Open(std::string_view path, const Options& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<internal::Engine> engine, internal::Engine::Open(path, options));
  return std::unique_ptr<DB>(new internal::DBImpl(std::move(engine)));
}

}  // namespace tessera
