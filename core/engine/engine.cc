// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The engine's lifetime, transactions and the latest-state read source.
#include "core/engine/engine.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>

#include "core/catalog/meta_keys.h"
#include "core/codec/coding.h"
#include "core/engine/perf_counting.h"
#include "core/engine/txn_impl.h"
#include "core/util/rocks_status.h"
#include "core/util/strings.h"

namespace tessera::internal {
namespace {

// Reads of the latest committed state, or of a RocksDB snapshot when one is given.
class DbReadSource final : public ReadSource {
 public:
  DbReadSource(Engine* engine, const rocksdb::Snapshot* snapshot)
      : engine_(engine), snapshot_(snapshot) {}

  absl::Status Get(Cf cf, std::string_view key, std::string* value, bool* found) override {
    RETURN_IF_ERROR(engine_->CheckOpen());
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot_;
    rocksdb::PinnableSlice pinned;
    rocksdb::Status s = engine_->db()->Get(ro, engine_->cf(cf), rocksdb::Slice(key), &pinned);
    *found = s.ok();
    if (s.ok()) {
      value->assign(pinned.data(), pinned.size());
      return absl::OkStatus();
    }
    if (s.IsNotFound()) return absl::OkStatus();
    return FromRocks(s, "read");
  }

  absl::Status MultiGet(Cf cf, const std::vector<std::string>& keys,
                        std::vector<std::string>* values, std::vector<bool>* found) override {
    RETURN_IF_ERROR(engine_->CheckOpen());
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot_;
    std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
    std::vector<rocksdb::PinnableSlice> pinned(keys.size());
    std::vector<rocksdb::Status> statuses(keys.size());
    engine_->db()->MultiGet(ro, engine_->cf(cf), keys.size(), slices.data(), pinned.data(),
                            statuses.data());
    values->assign(keys.size(), std::string());
    found->assign(keys.size(), false);
    for (size_t i = 0; i < keys.size(); ++i) {
      if (statuses[i].ok()) {
        (*values)[i].assign(pinned[i].data(), pinned[i].size());
        (*found)[i] = true;
      } else if (!statuses[i].IsNotFound()) {
        return FromRocks(statuses[i], "multi-get");
      }
    }
    return absl::OkStatus();
  }

  std::unique_ptr<BoundedIterator> NewIterator(Cf cf, std::string lower,
                                               std::string upper) override {
    auto it = std::make_unique<BoundedIterator>(std::move(lower), std::move(upper));
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot_;
    it->SetBounds(&ro);
    it->Reset(engine_->db()->NewIterator(ro, engine_->cf(cf)));
    return it;
  }

  Engine& engine() override { return *engine_; }

 private:
  Engine* const engine_;
  const rocksdb::Snapshot* const snapshot_;
};

}  // namespace

std::unique_ptr<ReadSource> NewDbReadSource(Engine* engine, const rocksdb::Snapshot* snapshot) {
  return std::make_unique<DbReadSource>(engine, snapshot);
}

Engine::Engine(std::string path, const Options& options)
    : path_(std::move(path)), options_(options), catalog_(this), change_log_(this) {
  latest_ = NewDbReadSource(this, nullptr);
}

Engine::~Engine() {
  if (!closed_.load()) {
    absl::Status s = Close();
    if (!s.ok() && logger_) {
      logger_->Log(LogLevel::kError, {path_, {}, 0}, "db.close_failed",
                   {{"error", util::ToStd(s.message())}});
    }
  }
}

absl::Status Engine::LoadBeforeImageSwitches() {
  const std::string& prefix = meta::kNoBeforeImagesPrefix;
  auto it = latest().NewIterator(Cf::kMeta, prefix, codec::PrefixSuccessor(prefix));
  for ((*it)->SeekToFirst(); (*it)->Valid(); (*it)->Next()) {
    rocksdb::Slice k = (*it)->key();
    if (k.size() != prefix.size() + 8) return absl::DataLossError("malformed before-image switch");
    SetBeforeImagesOff(codec::DecodeFixed64BE(k.data() + prefix.size()), true);
  }
  return FromRocks((*it)->status(), "load before-image switches");
}

absl::Status Engine::Close() {
  RETURN_IF_ERROR(CheckOpen());
  if (db_ == nullptr) {
    closed_ = true;
    return absl::OkStatus();
  }
  int64_t live = live_handles_.load();
  if (live > 0) {
    return absl::FailedPreconditionError(
        util::StrCat("cannot close database ", path_, ": ", live,
                     " transactions or snapshots are still open; finish or destroy them first"));
  }
  closed_.store(true, std::memory_order_release);
  {
    util::MutexLock l(&pool_mu_);
    for (auto* t : txn_pool_) delete t;
    txn_pool_.clear();
  }
  // After a failed write (disk full) the log cannot be synced: report the failure instead.
  const bool storage_error = storage_error_->load();
  rocksdb::Status s = storage_error ? rocksdb::Status::IOError(
                                          "a write failed earlier (for example: disk full); the "
                                          "write-ahead log was not synced at close")
                                    : db_->FlushWAL(true);
  for (auto*& h : cfs_) {
    if (h != nullptr) {
      db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
      h = nullptr;
    }
  }
  rocksdb::Status cs = db_->Close();
  delete db_;
  db_ = nullptr;
  if (logger_) {
    logger_->Log(LogLevel::kInfo, {path_, {}, 0}, "db.close", {});
    logger_->Flush();
  }
  RETURN_IF_ERROR(FromRocks(s, "close: flush write-ahead log"));
  if (!cs.ok() && !cs.IsAborted()) return FromRocks(cs, "close");
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<TxnImpl>> Engine::BeginTxn(std::string_view label, bool snapshot) {
  RETURN_IF_ERROR(CheckOpen());
  rocksdb::TransactionOptions to;
  to.set_snapshot = snapshot;
  to.lock_timeout = options_.lock_timeout_ms;
  rocksdb::Transaction* old = nullptr;
  {
    util::MutexLock l(&pool_mu_);
    if (!txn_pool_.empty()) {
      old = txn_pool_.back();
      txn_pool_.pop_back();
    }
  }
  rocksdb::Transaction* txn = db_->BeginTransaction(write_options_, to, old);
  if (txn == nullptr) return absl::InternalError("could not begin a transaction");
  return std::make_unique<TxnImpl>(this, txn, NextTxnId(), std::string(label));
}

absl::Status Engine::RunInTxn(std::string_view label, bool snapshot, const RetryOptions& retry,
                              absl::FunctionRef<absl::Status(TxnImpl&)> body) {
  PerfCountingOff no_perf_counting;
  const int attempts = std::max(1, retry.max_attempts);
  int64_t backoff = retry.initial_backoff_us;
  absl::Status last;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    ASSIGN_OR_RETURN(std::unique_ptr<TxnImpl> txn, BeginTxn(label, snapshot));
    last = body(*txn);
    if (last.ok() && txn->active()) last = txn->Commit();
    if (last.ok()) return last;
    if (txn->active()) txn->Rollback().IgnoreError();
    if (!IsConflict(last)) return last;
    if (attempt < attempts) {
      std::this_thread::sleep_for(std::chrono::microseconds(backoff));
      backoff = std::min(backoff * 2, retry.max_backoff_us);
    }
  }
  return absl::AbortedError(util::StrCat("transaction still conflicting after ", attempts,
                                         " attempts: ", last.message()));
}

absl::Status Engine::RunDirect(std::string_view label, const RetryOptions& retry,
                               absl::FunctionRef<absl::Status(TxnImpl&)> body) {
  RETURN_IF_ERROR(CheckOpen());
  PerfCountingOff no_perf_counting;
  // A hint only (the gate decides): while a transaction holds locks, a direct attempt would be
  // refused at its first lock, so go straight to the transaction.
  if (lockers_.load(std::memory_order_relaxed) == 0) {
    TxnImpl txn(this, nullptr, NextTxnId(), std::string(label));
    absl::Status s = body(txn);
    if (!txn.needs_transaction()) {
      if (s.ok() && txn.active()) s = txn.Commit();
      if (!s.ok() && txn.active()) txn.Rollback().IgnoreError();
      return s;
    }
    // The direct attempt wrote nothing; its destructor releases what it holds.
  } else {
    fast_refused_.fetch_add(1, std::memory_order_relaxed);  // counted as a refusal
  }
  return RunInTxn(label, /*snapshot=*/false, retry, body);
}

std::unique_ptr<TxnImpl> Engine::BeginDirect(std::string_view label) {
  return std::make_unique<TxnImpl>(this, nullptr, NextTxnId(), std::string(label));
}

void Engine::EnterLocker() {
  lockers_.fetch_add(1);
  // Fast writers in flight finish without waiting for anything a locker holds (they wait only
  // for each other's stripes and the commit mutex); new ones see lockers_ and step back.
  for (int spins = 0; fast_writers_.load() != 0; ++spins) {
    if (spins < 1000) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(10));
    }
  }
}

size_t Engine::StripeOf(Cf cf, std::string_view key) {
  const size_t h =
      std::hash<std::string_view>()(key) ^ (static_cast<size_t>(cf) * size_t{0x9E3779B97F4A7C15});
  return h % kLockStripes;
}

void Engine::RecycleTxn(rocksdb::Transaction* txn) {
  {
    util::MutexLock l(&pool_mu_);
    if (txn_pool_.size() < 16 && !closed_.load(std::memory_order_acquire)) {
      txn_pool_.push_back(txn);
      return;
    }
  }
  delete txn;
}

int64_t Engine::NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tessera::internal
