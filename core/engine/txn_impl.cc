// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Transactions (see txn_impl.h).
#include "core/engine/txn_impl.h"

#include "core/changelog/event_codec.h"
#include "core/engine/engine.h"
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

}  // namespace

TxnImpl::~TxnImpl() {
  // Close refuses while transactions are alive, so the database is open here.
  if (state_ == State::kActive) txn_->Rollback().PermitUncheckedError();
  engine_->RecycleTxn(txn_.release());
  engine_->live_handles().fetch_sub(1);
  // Commit and Rollback clear the batch, which keeps its buffer: what the thread would keep is
  // that buffer's capacity, not the data size.
  if (direct_ != nullptr && direct_->Data().capacity() <= (64 << 10)) {
    direct_->Clear();
    spare_direct_batch = std::move(direct_);
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
  ro.snapshot = txn_->GetSnapshot();
  return ro;
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
  rocksdb::Status s = txn_->Get(ReadOpts(), engine_->cf(cf), rocksdb::Slice(key), value);
  *found = s.ok();
  if (s.IsNotFound()) return absl::OkStatus();
  return FromRocks(s, "transaction read");
}

absl::Status TxnImpl::MultiGet(Cf cf, const std::vector<std::string>& keys,
                               std::vector<std::string>* values, std::vector<bool>* found) {
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
  rocksdb::Status s =
      txn_->GetForUpdate(ReadOpts(), engine_->cf(cf), rocksdb::Slice(key), value, exclusive);
  *found = s.ok();
  if (s.IsNotFound()) return absl::OkStatus();
  return FromRocks(s, "transaction read for update");
}

absl::Status TxnImpl::Lock(Cf cf, std::string_view key, bool exclusive) {
  RETURN_IF_ERROR(CheckActive());
  // A null value makes RocksDB take the lock without reading the key.
  rocksdb::Status s = txn_->GetForUpdate(ReadOpts(), engine_->cf(cf), rocksdb::Slice(key),
                                         static_cast<std::string*>(nullptr), exclusive);
  if (s.IsNotFound()) return absl::OkStatus();
  return FromRocks(s, "transaction lock");
}

absl::Status TxnImpl::LockWaiting(Cf cf, std::string_view key, bool exclusive, int64_t timeout_ms) {
  RETURN_IF_ERROR(CheckActive());
  txn_->SetLockTimeout(timeout_ms);
  absl::Status s = Lock(cf, key, exclusive);
  txn_->SetLockTimeout(engine_->options().lock_timeout_ms);
  return s;
}

absl::Status TxnImpl::CheckWriteKind(bool direct) const {
  const bool ok = direct ? txn_->GetWriteBatch()->GetWriteBatch()->Count() == 0
                         : direct_ == nullptr || direct_->Count() == 0;
  if (ok) return absl::OkStatus();
  return absl::FailedPreconditionError(
      util::StrCat("transaction ", id_,
                   ": direct writes and transactional writes cannot be mixed in one transaction"));
}

absl::Status TxnImpl::LockAndRead(Cf cf, std::string_view key, std::string* value, bool* found) {
  RETURN_IF_ERROR(CheckActive());
  RETURN_IF_ERROR(CheckWriteKind(/*direct=*/true));
  RETURN_IF_ERROR(Lock(cf, key));
  // Under the lock: the committed value cannot change until this transaction ends. With a
  // snapshot, Lock has checked that the key has not changed since it, so reading at the
  // snapshot reads the latest committed value.
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
  RETURN_IF_ERROR(Account(key.size() + value.size()));
  if (direct_ == nullptr) {
    direct_ = spare_direct_batch != nullptr ? std::move(spare_direct_batch)
                                            : std::make_unique<rocksdb::WriteBatch>();
  }
  return FromRocks(direct_->Put(engine_->cf(cf), rocksdb::Slice(key), rocksdb::Slice(value)),
                   "transaction write");
}

absl::Status TxnImpl::DeleteDirect(Cf cf, std::string_view key) {
  RETURN_IF_ERROR(CheckActive());
  RETURN_IF_ERROR(CheckWriteKind(/*direct=*/true));
  RETURN_IF_ERROR(Account(key.size()));
  if (direct_ == nullptr) {
    direct_ = spare_direct_batch != nullptr ? std::move(spare_direct_batch)
                                            : std::make_unique<rocksdb::WriteBatch>();
  }
  return FromRocks(direct_->Delete(engine_->cf(cf), rocksdb::Slice(key)), "transaction delete");
}

absl::Status TxnImpl::Put(Cf cf, std::string_view key, std::string_view value) {
  RETURN_IF_ERROR(CheckActive());
  RETURN_IF_ERROR(CheckWriteKind(/*direct=*/false));
  RETURN_IF_ERROR(Account(key.size() + value.size()));
  return FromRocks(txn_->Put(engine_->cf(cf), rocksdb::Slice(key), rocksdb::Slice(value)),
                   "transaction write");
}

absl::Status TxnImpl::PutUnlocked(Cf cf, std::string_view key, std::string_view value) {
  RETURN_IF_ERROR(CheckActive());
  RETURN_IF_ERROR(CheckWriteKind(/*direct=*/false));
  RETURN_IF_ERROR(Account(key.size() + value.size()));
  return FromRocks(txn_->PutUntracked(engine_->cf(cf), rocksdb::Slice(key), rocksdb::Slice(value)),
                   "transaction write");
}

void TxnImpl::SetIndexing(bool on) {
  if (txn_ == nullptr) return;
  if (on) {
    txn_->EnableIndexing();
  } else {
    txn_->DisableIndexing();
  }
}

absl::Status TxnImpl::Delete(Cf cf, std::string_view key) {
  RETURN_IF_ERROR(CheckActive());
  RETURN_IF_ERROR(CheckWriteKind(/*direct=*/false));
  RETURN_IF_ERROR(Account(key.size()));
  return FromRocks(txn_->Delete(engine_->cf(cf), rocksdb::Slice(key)), "transaction delete");
}

absl::Status TxnImpl::Merge(Cf cf, std::string_view key, std::string_view operand) {
  RETURN_IF_ERROR(CheckActive());
  RETURN_IF_ERROR(CheckWriteKind(/*direct=*/false));
  RETURN_IF_ERROR(Account(key.size() + operand.size()));
  return FromRocks(txn_->Merge(engine_->cf(cf), rocksdb::Slice(key), rocksdb::Slice(operand)),
                   "transaction merge");
}

absl::Status TxnImpl::AddEvent(ChangeEvent event) {
  RETURN_IF_ERROR(CheckActive());
  if (!engine_->options().change_log) return absl::OkStatus();
  if (event.before && engine_->BeforeImagesOff(event.object_id)) event.before.reset();
  RETURN_IF_ERROR(Account(EstimateEventBytes(event)));
  events_.push_back(std::move(event));
  return absl::OkStatus();
}

absl::Status TxnImpl::Commit() {
  RETURN_IF_ERROR(CheckActive());
  absl::Status s;
  if (direct_ != nullptr && direct_->Count() > 0) {
    // Written while this transaction still holds the locks of the batch's keys; the rollback
    // below (the transaction's own batch is empty) then releases them.
    s = engine_->change_log().CommitDirect(direct_.get(), id_, &events_);
    txn_->Rollback().PermitUncheckedError();
    direct_->Clear();
    if (s.ok()) {
      state_ = State::kCommitted;
      return s;
    }
  } else {
    s = events_.empty() ? engine_->change_log().CommitPlain(txn_.get())
                        : engine_->change_log().Commit(txn_.get(), id_, &events_);
    if (s.ok()) {
      state_ = State::kCommitted;
      return s;
    }
    txn_->Rollback().PermitUncheckedError();
  }
  state_ = State::kFailed;
  engine_->logger().Log(
      LogLevel::kWarn, {engine_->path(), {}, id_}, "txn.commit_failed",
      {{"error", util::ToStd(s.message())}, {"events", uint64_t{events_.size()}}});
  return s;
}

absl::Status TxnImpl::Rollback() {
  RETURN_IF_ERROR(CheckActive());
  state_ = State::kRolledBack;
  events_.clear();
  if (direct_ != nullptr) direct_->Clear();
  return FromRocks(txn_->Rollback(), "rollback");
}

}  // namespace tessera::internal
