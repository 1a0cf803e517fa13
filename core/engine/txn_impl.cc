// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Transactions (see txn_impl.h).
#include "core/engine/txn_impl.h"

#include <utility>

#include "core/changelog/event_codec.h"
#include "core/engine/engine.h"
#include "core/engine/perf_counting.h"
#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "rocksdb/utilities/write_batch_with_index.h"

namespace tessera::internal {

TxnImpl::TxnImpl(Engine* engine, rocksdb::Transaction* txn, uint64_t id, std::string label)
    : engine_(engine), txn_(txn), id_(id), label_(std::move(label)) {
  engine_->live_handles().fetch_add(1);
}

namespace {

// A finished transaction's direct-write batch, kept by the thread for its next one (saves the
// batch's allocation and its buffer's growth on every single-key write).
thread_local std::unique_ptr<rocksdb::WriteBatch> spare_direct_batch;

// Likewise a finished transaction's (emptied) event vector: its buffer, for the next one. Only
// a small one (capacity <= 16 events) is kept, so a large transaction's buffer is not held.
thread_local std::vector<ChangeEvent> spare_events;

// Direct-mode transactions of this thread in the gate as fast writers (0 or 1). A thread inside
// one must not wait for the gate as a locker (it would wait for itself), nor hold two stripes.
thread_local int fast_sections = 0;

}  // namespace

TxnImpl::~TxnImpl() {
  // Close refuses while transactions are alive, so the database is open here.
  if (txn_ != nullptr) {
    if (state_ == State::kActive) txn_->Rollback().PermitUncheckedError();
    engine_->RecycleTxn(txn_.release());
  }
  LeaveGate();  // after the rollback released the locks
  engine_->live_handles().fetch_sub(1);
  // Commit and Rollback clear the batch, which keeps its buffer: what the thread would keep is
  // that buffer's capacity, not the data size.
  if (direct_ != nullptr && direct_->Data().capacity() <= (64 << 10)) {
    direct_->Clear();
    spare_direct_batch = std::move(direct_);
  }
  if (events_.capacity() != 0 && events_.capacity() <= 16 && spare_events.capacity() == 0) {
    events_.clear();
    spare_events = std::move(events_);
  }
}

absl::Status TxnImpl::CheckActive() const {
  RETURN_IF_ERROR(engine_->CheckOpen());
  switch (state_) {
    case State::kActive:
      return absl::OkStatus();
    case State::kCommitted:
      return absl::FailedPreconditionError(util::StrCat("transaction ", id_, " is committed"));
    case State::kRolledBack:
      return absl::FailedPreconditionError(util::StrCat("transaction ", id_, " is rolled back"));
    case State::kFailed:
      return absl::FailedPreconditionError(
          util::StrCat("transaction ", id_, " failed to commit and is finished"));
  }
  return absl::InternalError("bad transaction state");
}

rocksdb::ReadOptions TxnImpl::ReadOpts() const {
  rocksdb::ReadOptions ro;
  if (txn_ != nullptr) ro.snapshot = txn_->GetSnapshot();
  return ro;
}

absl::Status TxnImpl::NeedTransaction(std::string_view what) {
  needs_txn_ = true;
  return absl::AbortedError(util::StrCat("transaction ", id_, " (", label_, "): ", what,
                                         " needs a RocksDB transaction (direct mode)"));
}

absl::Status TxnImpl::EnterAsLocker() {
  if (gate_ == Gate::kLocker) return absl::OkStatus();
  if (fast_sections > 0) {
    return absl::InternalError(
        util::StrCat("transaction ", id_, " (", label_,
                     ") would take a lock on a thread inside an auto-commit direct write"));
  }
  engine_->EnterLocker();
  gate_ = Gate::kLocker;
  return absl::OkStatus();
}

absl::Status TxnImpl::EnterAsFastWriter() {
  if (gate_ == Gate::kFastWriter) return absl::OkStatus();
  if (fast_sections > 0 || !engine_->TryEnterFast()) return NeedTransaction("a lock");
  gate_ = Gate::kFastWriter;
  ++fast_sections;
  return absl::OkStatus();
}

void TxnImpl::LeaveGate() {
  if (stripe_ >= 0) {
    engine_->stripe(static_cast<size_t>(stripe_)).unlock();
    stripe_ = -1;
  }
  if (gate_ == Gate::kFastWriter) {
    --fast_sections;
    engine_->LeaveFast();
  } else if (gate_ == Gate::kLocker) {
    engine_->LeaveLocker();
  }
  gate_ = Gate::kOut;
}

absl::Status TxnImpl::CheckStripe(Cf cf, std::string_view key) const {
  if (txn_ != nullptr || (stripe_ >= 0 && Engine::StripeOf(cf, key) == size_t(stripe_))) {
    return absl::OkStatus();
  }
  return absl::InternalError(util::StrCat("transaction ", id_, " (", label_,
                                          "): a direct write of a key it has not locked"));
}

rocksdb::WriteBatch* TxnImpl::DirectBatch() {
  if (direct_ == nullptr) {
    direct_ = spare_direct_batch != nullptr ? std::move(spare_direct_batch)
                                            : std::make_unique<rocksdb::WriteBatch>();
  }
  return direct_.get();
}

absl::Status TxnImpl::Account(size_t bytes) {
  size_t limit = engine_->options().max_transaction_bytes;
  if (bytes_ + bytes > limit) {
    return absl::ResourceExhaustedError(util::StrCat(
        "transaction too large: ", bytes_ + bytes, " bytes would exceed the limit of ", limit,
        " bytes (Options::max_transaction_bytes); nothing of this write was "
        "applied"));
  }
  bytes_ += bytes;
  return absl::OkStatus();
}

absl::Status TxnImpl::Get(Cf cf, std::string_view key, std::string* value, bool* found) {
  RETURN_IF_ERROR(CheckActive());
  if (txn_ == nullptr) return engine_->latest().Get(cf, key, value, found);
  rocksdb::Status s = txn_->Get(ReadOpts(), engine_->cf(cf), rocksdb::Slice(key), value);
  *found = s.ok();
  if (s.IsNotFound()) return absl::OkStatus();
  return FromRocks(s, "transaction read");
}

absl::Status TxnImpl::MultiGet(Cf cf, const std::vector<std::string>& keys,
                               std::vector<std::string>* values, std::vector<bool>* found) {
  if (txn_ == nullptr) {
    RETURN_IF_ERROR(CheckActive());
    return engine_->latest().MultiGet(cf, keys, values, found);
  }
  values->assign(keys.size(), std::string());
  found->assign(keys.size(), false);
  for (size_t i = 0; i < keys.size(); ++i) {
    bool f = false;
    RETURN_IF_ERROR(Get(cf, keys[i], &(*values)[i], &f));
    (*found)[i] = f;
  }
  return absl::OkStatus();
}

namespace {

// RocksDB 7.8's transaction iterator merges the transaction's own writes into the base iterator
// without applying iterate_lower_bound / iterate_upper_bound to them, so it can step outside
// [lower, upper) onto the transaction's writes elsewhere. This wrapper enforces the bounds: it is
// invalid outside them, and seeks to the first / last key inside them.
class BoundsCheckingIterator final : public rocksdb::Iterator {
 public:
  BoundsCheckingIterator(rocksdb::Iterator* base, const std::string& lower,
                         const std::string& upper)
      : base_(base), lower_(lower), upper_(upper) {}

  bool Valid() const override {
    if (!base_->Valid()) return false;
    rocksdb::Slice k = base_->key();
    if (!lower_.empty() && k.compare(lower_) < 0) return false;
    if (!upper_.empty() && k.compare(upper_) >= 0) return false;
    return true;
  }
  void SeekToFirst() override {
    if (lower_.empty()) {
      base_->SeekToFirst();
    } else {
      base_->Seek(lower_);
    }
  }
  void SeekToLast() override {
    if (upper_.empty()) {
      base_->SeekToLast();
      return;
    }
    base_->SeekForPrev(upper_);
    if (base_->Valid() && base_->key().compare(upper_) >= 0) base_->Prev();
  }
  void Seek(const rocksdb::Slice& target) override {
    if (!lower_.empty() && target.compare(lower_) < 0) {
      base_->Seek(lower_);
    } else {
      base_->Seek(target);
    }
  }
  void SeekForPrev(const rocksdb::Slice& target) override {
    if (!upper_.empty() && target.compare(upper_) >= 0) {
      SeekToLast();
    } else {
      base_->SeekForPrev(target);
    }
  }
  void Next() override { base_->Next(); }
  void Prev() override { base_->Prev(); }
  rocksdb::Slice key() const override { return base_->key(); }
  rocksdb::Slice value() const override { return base_->value(); }
  rocksdb::Status status() const override { return base_->status(); }

 private:
  std::unique_ptr<rocksdb::Iterator> base_;
  const std::string& lower_;  // owned by the BoundedIterator, which outlives this
  const std::string& upper_;
};

}  // namespace

std::unique_ptr<BoundedIterator> TxnImpl::NewIterator(Cf cf, std::string lower, std::string upper) {
  if (txn_ == nullptr) return engine_->latest().NewIterator(cf, std::move(lower), std::move(upper));
  auto it = std::make_unique<BoundedIterator>(std::move(lower), std::move(upper));
  rocksdb::ReadOptions ro = ReadOpts();
  it->SetBounds(&ro);
  it->Reset(
      new BoundsCheckingIterator(txn_->GetIterator(ro, engine_->cf(cf)), it->lower(), it->upper()));
  return it;
}

absl::Status TxnImpl::GetForUpdate(Cf cf, std::string_view key, std::string* value, bool* found,
                                   bool exclusive) {
  RETURN_IF_ERROR(CheckActive());
  if (txn_ == nullptr) return NeedTransaction("GetForUpdate");
  RETURN_IF_ERROR(EnterAsLocker());
  rocksdb::Status s =
      txn_->GetForUpdate(ReadOpts(), engine_->cf(cf), rocksdb::Slice(key), value, exclusive);
  *found = s.ok();
  if (s.IsNotFound()) return absl::OkStatus();
  return FromRocks(s, "transaction read for update");
}

absl::Status TxnImpl::Lock(Cf cf, std::string_view key, bool exclusive) {
  RETURN_IF_ERROR(CheckActive());
  if (txn_ == nullptr) {
    // A shared lock of a meta key (a schema lock): only lockers take those exclusively, and none
    // is in the gate while this fast writer is.
    if (exclusive || cf != Cf::kMeta) return NeedTransaction("this lock");
    return EnterAsFastWriter();
  }
  RETURN_IF_ERROR(EnterAsLocker());
  // A null value makes RocksDB take the lock without reading the key.
  rocksdb::Status s = txn_->GetForUpdate(ReadOpts(), engine_->cf(cf), rocksdb::Slice(key),
                                         static_cast<std::string*>(nullptr), exclusive);
  if (s.IsNotFound()) return absl::OkStatus();
  return FromRocks(s, "transaction lock");
}

absl::Status TxnImpl::LockWaiting(Cf cf, std::string_view key, bool exclusive, int64_t timeout_ms) {
  RETURN_IF_ERROR(CheckActive());
  if (txn_ == nullptr) return NeedTransaction("LockWaiting");
  txn_->SetLockTimeout(timeout_ms);
  absl::Status s = Lock(cf, key, exclusive);
  txn_->SetLockTimeout(engine_->options().lock_timeout_ms);
  return s;
}

absl::Status TxnImpl::CheckWriteKind(bool direct) const {
  const bool ok = direct ? txn_ == nullptr || txn_->GetWriteBatch()->GetWriteBatch()->Count() == 0
                         : direct_ == nullptr || direct_->Count() == 0;
  if (ok) return absl::OkStatus();
  return absl::FailedPreconditionError(
      util::StrCat("transaction ", id_,
                   ": direct writes and transactional writes cannot be mixed in one transaction"));
}

absl::Status TxnImpl::LockAndRead(Cf cf, std::string_view key, std::string* value, bool* found) {
  RETURN_IF_ERROR(CheckActive());
  if (txn_ == nullptr) {
    // Meta keys are locked shared by fast writers (Lock): never exclusively here.
    if (cf == Cf::kMeta) return NeedTransaction("an exclusive lock of a meta key");
    RETURN_IF_ERROR(EnterAsFastWriter());
    const size_t s = Engine::StripeOf(cf, key);
    if (stripe_ < 0) {
      engine_->stripe(s).lock();
      stripe_ = static_cast<int>(s);
    } else if (size_t(stripe_) != s) {
      return NeedTransaction("a second stripe");  // ordered stripes are not needed yet
    }
    // Under the stripe, with no locker in the gate: no one else writes `key` until this ends.
    return ReadCommitted(cf, key, value, found);
  }
  RETURN_IF_ERROR(CheckWriteKind(/*direct=*/true));
  RETURN_IF_ERROR(Lock(cf, key));
  // Under the lock: the committed value cannot change until this transaction ends. With a
  // snapshot, Lock has checked that the key has not changed since it, so reading at the
  // snapshot reads the latest committed value.
  return ReadCommitted(cf, key, value, found);
}

absl::Status TxnImpl::ReadCommitted(Cf cf, std::string_view key, std::string* value, bool* found) {
  rocksdb::PinnableSlice pinned;
  rocksdb::Status s = engine_->db()->Get(ReadOpts(), engine_->cf(cf), rocksdb::Slice(key), &pinned);
  *found = s.ok();
  if (s.ok()) {
    value->assign(pinned.data(), pinned.size());
    return absl::OkStatus();
  }
  if (s.IsNotFound()) return absl::OkStatus();
  return FromRocks(s, "transaction read for update");
}

absl::Status TxnImpl::PutDirect(Cf cf, std::string_view key, std::string_view value) {
  RETURN_IF_ERROR(CheckActive());
  RETURN_IF_ERROR(CheckWriteKind(/*direct=*/true));
  RETURN_IF_ERROR(CheckStripe(cf, key));
  RETURN_IF_ERROR(Account(key.size() + value.size()));
  return FromRocks(DirectBatch()->Put(engine_->cf(cf), rocksdb::Slice(key), rocksdb::Slice(value)),
                   "transaction write");
}

absl::Status TxnImpl::DeleteDirect(Cf cf, std::string_view key) {
  RETURN_IF_ERROR(CheckActive());
  RETURN_IF_ERROR(CheckWriteKind(/*direct=*/true));
  RETURN_IF_ERROR(CheckStripe(cf, key));
  RETURN_IF_ERROR(Account(key.size()));
  return FromRocks(DirectBatch()->Delete(engine_->cf(cf), rocksdb::Slice(key)),
                   "transaction delete");
}

absl::Status TxnImpl::MergeDirect(Cf cf, std::string_view key, std::string_view operand) {
  RETURN_IF_ERROR(CheckActive());
  RETURN_IF_ERROR(CheckWriteKind(/*direct=*/true));
  RETURN_IF_ERROR(CheckStripe(cf, key));
  RETURN_IF_ERROR(Account(key.size() + operand.size()));
  return FromRocks(
      DirectBatch()->Merge(engine_->cf(cf), rocksdb::Slice(key), rocksdb::Slice(operand)),
      "transaction merge");
}

absl::Status TxnImpl::Put(Cf cf, std::string_view key, std::string_view value) {
  RETURN_IF_ERROR(CheckActive());
  if (txn_ == nullptr) return NeedTransaction("Put");
  RETURN_IF_ERROR(CheckWriteKind(/*direct=*/false));
  RETURN_IF_ERROR(Account(key.size() + value.size()));
  RETURN_IF_ERROR(EnterAsLocker());
  return FromRocks(txn_->Put(engine_->cf(cf), rocksdb::Slice(key), rocksdb::Slice(value)),
                   "transaction write");
}

absl::Status TxnImpl::PutUnlocked(Cf cf, std::string_view key, std::string_view value) {
  RETURN_IF_ERROR(CheckActive());
  if (txn_ == nullptr) return NeedTransaction("PutUnlocked");
  RETURN_IF_ERROR(CheckWriteKind(/*direct=*/false));
  RETURN_IF_ERROR(Account(key.size() + value.size()));
  // PutUntracked skips the conflict check, but a pessimistic transaction still locks the key.
  RETURN_IF_ERROR(EnterAsLocker());
  return FromRocks(txn_->PutUntracked(engine_->cf(cf), rocksdb::Slice(key), rocksdb::Slice(value)),
                   "transaction write");
}

void TxnImpl::SetIndexing(bool on) {
  if (txn_ == nullptr) return;  // direct mode has no indexed batch
  if (on) {
    txn_->EnableIndexing();
  } else {
    txn_->DisableIndexing();
  }
}

absl::Status TxnImpl::Delete(Cf cf, std::string_view key) {
  RETURN_IF_ERROR(CheckActive());
  if (txn_ == nullptr) return NeedTransaction("Delete");
  RETURN_IF_ERROR(CheckWriteKind(/*direct=*/false));
  RETURN_IF_ERROR(Account(key.size()));
  RETURN_IF_ERROR(EnterAsLocker());
  return FromRocks(txn_->Delete(engine_->cf(cf), rocksdb::Slice(key)), "transaction delete");
}

absl::Status TxnImpl::Merge(Cf cf, std::string_view key, std::string_view operand) {
  RETURN_IF_ERROR(CheckActive());
  if (txn_ == nullptr) return NeedTransaction("Merge");
  RETURN_IF_ERROR(CheckWriteKind(/*direct=*/false));
  RETURN_IF_ERROR(Account(key.size() + operand.size()));
  RETURN_IF_ERROR(EnterAsLocker());
  return FromRocks(txn_->Merge(engine_->cf(cf), rocksdb::Slice(key), rocksdb::Slice(operand)),
                   "transaction merge");
}

absl::Status TxnImpl::AddEvent(ChangeEvent event) {
  RETURN_IF_ERROR(CheckActive());
  if (!engine_->options().change_log) return absl::OkStatus();
  if (event.before && engine_->BeforeImagesOff(event.object_id)) event.before.reset();
  RETURN_IF_ERROR(Account(EstimateEventBytes(event)));
  if (events_.capacity() == 0) events_.swap(spare_events);
  events_.push_back(std::move(event));
  return absl::OkStatus();
}

absl::Status TxnImpl::Commit() {
  RETURN_IF_ERROR(CheckActive());
  PerfCountingOff no_perf_counting;  // also for DB::Begin's transactions and time-series writes
  if (txn_ == nullptr) return CommitFast();
  absl::Status s;
  if (direct_ != nullptr && direct_->Count() > 0) {
    // Written while this transaction still holds the locks of the batch's keys; the rollback
    // below (the transaction's own batch is empty) then releases them.
    s = engine_->change_log().CommitDirect(direct_.get(), id_, &events_);
    txn_->Rollback().PermitUncheckedError();
    LeaveGate();
    direct_->Clear();
    if (s.ok()) {
      state_ = State::kCommitted;
      return s;
    }
  } else {
    s = events_.empty() ? engine_->change_log().CommitPlain(txn_.get())
                        : engine_->change_log().Commit(txn_.get(), id_, &events_);
    if (s.ok()) {
      LeaveGate();  // RocksDB's commit released the locks
      state_ = State::kCommitted;
      return s;
    }
    txn_->Rollback().PermitUncheckedError();
    LeaveGate();
  }
  return CommitFailed(std::move(s));
}

absl::Status TxnImpl::CommitFailed(absl::Status s) {
  state_ = State::kFailed;
  engine_->logger().Log(
      LogLevel::kWarn, {engine_->path(), {}, id_}, "txn.commit_failed",
      {{"error", util::ToStd(s.message())}, {"events", uint64_t{events_.size()}}});
  return s;
}

absl::Status TxnImpl::CommitFast() {
  if (needs_txn_) {
    // Refused: nothing was written; give up the stripe and the gate at once.
    state_ = State::kFailed;
    events_.clear();
    if (direct_ != nullptr) direct_->Clear();
    LeaveGate();
    return NeedTransaction("commit");
  }
  absl::Status s;
  if ((direct_ != nullptr && direct_->Count() > 0) || !events_.empty()) {
    // Written while the stripe is held and this fast writer keeps lockers out of the gate.
    s = engine_->change_log().CommitDirect(DirectBatch(), id_, &events_);
    direct_->Clear();
  }
  LeaveGate();
  if (s.ok()) {
    state_ = State::kCommitted;
    return s;
  }
  return CommitFailed(std::move(s));
}

absl::Status TxnImpl::Rollback() {
  RETURN_IF_ERROR(CheckActive());
  state_ = State::kRolledBack;
  events_.clear();
  if (direct_ != nullptr) direct_->Clear();
  absl::Status s = txn_ != nullptr ? FromRocks(txn_->Rollback(), "rollback") : absl::OkStatus();
  LeaveGate();
  return s;
}

}  // namespace tessera::internal
