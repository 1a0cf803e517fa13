// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Engine: the internals behind tessera::DB, shared by every model library. It owns the RocksDB
// TransactionDB and its column families, the catalog, the change log, the logger and the metrics.
// Models reach it through DB::engine(); applications never see it.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/catalog/catalog.h"
#include "core/changelog/change_log.h"
#include "core/engine/column_families.h"
#include "core/engine/compaction_hook.h"
#include "core/engine/read_source.h"
#include "core/obs/logger.h"
#include "core/obs/metrics.h"
#include "core/util/mutex.h"
#include "rocksdb/utilities/transaction_db.h"
#include "tessera/options.h"
#include "tessera/status.h"

namespace tessera::internal {

class TxnImpl;

// Thread safety: safe for concurrent use, except that Close must not race with other calls.
class Engine {
 public:
  static absl::StatusOr<std::unique_ptr<Engine>> Open(std::string_view path,
                                                      const Options& options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // FailedPrecondition once the database is closed.
  absl::Status CheckOpen() const {
    if (closed_.load(std::memory_order_acquire)) {
      return absl::FailedPreconditionError("database " + path_ + " is closed");
    }
    return absl::OkStatus();
  }
  absl::Status Close();

  rocksdb::TransactionDB* db() { return db_; }
  rocksdb::ColumnFamilyHandle* cf(Cf c) { return cfs_[static_cast<int>(c)]; }
  const Options& options() const { return options_; }
  const std::string& path() const { return path_; }
  Catalog& catalog() { return catalog_; }
  ChangeLog& change_log() { return change_log_; }
  Logger& logger() { return *logger_; }
  MetricsRegistry& metrics() { return metrics_; }
  const rocksdb::WriteOptions& write_options() const { return write_options_; }

  // Reads of the latest committed state.
  ReadSource& latest() { return *latest_; }

  // Begins a transaction. The caller owns it; it must be finished or destroyed before Close.
  // With `snapshot` false the transaction reads the latest committed data (enough for a single
  // operation that reads only keys it locks with GetForUpdate, and cheaper: no snapshot is taken).
  absl::StatusOr<std::unique_ptr<TxnImpl>> BeginTxn(std::string_view label, bool snapshot = true);

  // Runs `body` in a new transaction and commits it (unless the body finished it). On a
  // write-write conflict the transaction is rolled back and the body runs again with exponential
  // back-off, up to retry.max_attempts times; any other error rolls back and is returned. Serves
  // DB::RunTransaction and the models' single-operation calls. Runs with RocksDB's perf counting
  // off for the calling thread, whose own perf level is restored on return
  // (core/engine/perf_counting.h); so does RunDirect.
  absl::Status RunInTxn(std::string_view label, bool snapshot, const RetryOptions& retry,
                        absl::FunctionRef<absl::Status(TxnImpl&)> body);

  // Runs `body` as an auto-commit operation, first in direct mode (a TxnImpl without a RocksDB
  // transaction: txn_impl.h "Direct mode"; no begin, no RocksDB lock, no rollback) when no
  // transaction is in the gate below; when one is, or when the body needs more than direct mode
  // offers (TxnImpl::NeedTransaction), the body runs again, from the start, as
  // RunInTxn(label, /*snapshot=*/false, retry, body) would run it. Only for bodies that can run
  // twice (like every auto-commit body, which RunInTxn already retries on conflicts).
  absl::Status RunDirect(std::string_view label, const RetryOptions& retry,
                         absl::FunctionRef<absl::Status(TxnImpl&)> body);
  // A transaction in direct mode (RunDirect's first attempt; for tests). It must be finished and
  // destroyed on the thread that created it (it may hold a stripe's std::mutex).
  std::unique_ptr<TxnImpl> BeginDirect(std::string_view label);

  // Returns a finished RocksDB transaction object for reuse by a later BeginTxn (saves the
  // allocation of its write batch and index). Takes ownership.
  void RecycleTxn(rocksdb::Transaction* txn);

  // The gate between the two ways of excluding writers of a key (docs/architecture.md "How one
  // write flows"). Fast writers (direct-mode transactions) lock keys in the striped table below;
  // lockers (transactions that take or may take locks) lock them in RocksDB's lock manager.
  // The two never run at once: a fast writer counts itself in `fast_writers_` and then checks
  // that `lockers_` is zero (else it steps back out and the operation takes a RocksDB
  // transaction); a locker counts itself in `lockers_` before its first lock and then waits for
  // `fast_writers_` to drain. Both sides are sequentially consistent, so at least one of the two
  // sees the other. A fast writer never waits for a locker, so the wait ends.
  // TryEnterFast: true when the caller is now a fast writer (LeaveFast when done).
  bool TryEnterFast() {
    fast_writers_.fetch_add(1);
    if (lockers_.load() == 0) return true;
    fast_writers_.fetch_sub(1);
    fast_refused_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  void LeaveFast() { fast_writers_.fetch_sub(1); }
  // Counts the caller as a locker and waits until no fast writer is in flight (LeaveLocker after
  // the caller's RocksDB locks are released). Not bounded by Options::lock_timeout_ms: a fast
  // writer in flight waits for nothing but other fast writers' stripes and the commit mutex (which
  // a graph bulk load's ingestion can hold for its fsyncs), so the wait always ends.
  void EnterLocker();
  void LeaveLocker() { lockers_.fetch_sub(1); }
  // The fast writers' lock table: a key's stripe, and the stripe's mutex.
  static constexpr size_t kLockStripes = 1024;
  static size_t StripeOf(Cf cf, std::string_view key);
  std::mutex& stripe(size_t i) { return stripes_[i].mu; }
  // For tests: the gate's counters now, and how often an auto-commit write found a locker in
  // (at RunDirect's hint or in TryEnterFast) and took a transaction instead.
  struct GateCounts {
    int64_t fast_writers = 0;
    int64_t lockers = 0;
    int64_t refused = 0;
  };
  GateCounts gate_counts() const {
    return {fast_writers_.load(), lockers_.load(), fast_refused_.load()};
  }

  // Live transactions and snapshots; Close refuses while any exist.
  std::atomic<int64_t>& live_handles() { return live_handles_; }

  // A new transaction id: the open epoch in the high 32 bits, a counter in the low 32.
  uint64_t NextTxnId() { return (epoch_ << 32) | (txn_counter_.fetch_add(1) + 1); }

  // The current time in microseconds since the Unix epoch (for TTLs and commit times).
  static int64_t NowMicros();

  // rocksdb statistics, or null when off.
  rocksdb::Statistics* statistics() { return statistics_.get(); }
  // The row cache, or null when off (Options::row_cache_bytes = 0).
  rocksdb::Cache* row_cache() { return row_cache_.get(); }

  // Objects whose change events carry no before-image: the change feed's per-object switch,
  // stored under meta::kNoBeforeImagesPrefix and loaded at open. Thread-safe.
  bool BeforeImagesOff(uint64_t object_id) const {
    if (no_before_count_.load(std::memory_order_acquire) == 0) return false;
    util::MutexLock l(&images_mu_);
    return no_before_.contains(object_id);
  }
  // Changes the in-memory switch (the caller stores it in meta).
  void SetBeforeImagesOff(uint64_t object_id, bool off) {
    util::MutexLock l(&images_mu_);
    if (off) {
      no_before_.insert(object_id);
    } else {
      no_before_.erase(object_id);
    }
    no_before_count_.store(no_before_.size(), std::memory_order_release);
  }
  // Reads the switches from meta (at open).
  absl::Status LoadBeforeImageSwitches();

  // Registers (null: removes) the compaction hook consulted for the data keys of `model`'s
  // objects (see compaction_hook.h). Thread-safe; compactions started later use it.
  void SetCompactionHook(Model model, std::shared_ptr<const ModelCompactionHook> hook) {
    util::MutexLock l(&hooks_mu_);
    hooks_[static_cast<size_t>(model) % hooks_.size()] = std::move(hook);
  }
  // The hook registered for `model`, or null.
  std::shared_ptr<const ModelCompactionHook> compaction_hook(Model model) const {
    util::MutexLock l(&hooks_mu_);
    return hooks_[static_cast<size_t>(model) % hooks_.size()];
  }

 private:
  friend class EngineOpener;
  Engine(std::string path, const Options& options);

  std::string path_;
  Options options_;
  rocksdb::TransactionDB* db_ = nullptr;
  std::array<rocksdb::ColumnFamilyHandle*, kNumCfs> cfs_{};
  std::shared_ptr<rocksdb::Statistics> statistics_;
  std::shared_ptr<rocksdb::Cache> row_cache_;
  rocksdb::WriteOptions write_options_;
  std::unique_ptr<Logger> logger_;
  MetricsRegistry metrics_;
  Catalog catalog_;
  ChangeLog change_log_;
  std::unique_ptr<ReadSource> latest_;
  std::atomic<bool> closed_{false};
  std::atomic<int64_t> live_handles_{0};
  // Set while RocksDB reports a background error (a failed WAL write or flush, e.g. disk full),
  // by the listener engine_open.cc installs; Close() then skips the WAL sync.
  std::shared_ptr<std::atomic<bool>> storage_error_ = std::make_shared<std::atomic<bool>>(false);
  uint64_t epoch_ = 0;
  std::atomic<uint32_t> txn_counter_{0};
  util::Mutex pool_mu_;
  std::vector<rocksdb::Transaction*> txn_pool_ ABSL_GUARDED_BY(pool_mu_);
  mutable util::Mutex images_mu_;
  std::unordered_set<uint64_t> no_before_ ABSL_GUARDED_BY(images_mu_);
  std::atomic<size_t> no_before_count_{0};
  mutable util::Mutex hooks_mu_;
  std::array<std::shared_ptr<const ModelCompactionHook>, 8> hooks_ ABSL_GUARDED_BY(hooks_mu_);
  // The gate (see TryEnterFast).
  std::atomic<int64_t> fast_writers_{0};
  std::atomic<int64_t> lockers_{0};
  std::atomic<int64_t> fast_refused_{0};
  struct alignas(64) Stripe {
    std::mutex mu;
  };
  std::unique_ptr<Stripe[]> stripes_{new Stripe[kLockStripes]};
};

}  // namespace tessera::internal
