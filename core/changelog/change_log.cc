// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The change log: sequence assignment at commit, and the minimal reader.
#include "core/changelog/change_log.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/catalog/meta_keys.h"
#include "core/changelog/event_codec.h"
#include "core/codec/coding.h"
#include "core/engine/engine.h"
#include "core/util/rocks_status.h"
#include "rocksdb/utilities/write_batch_with_index.h"

namespace tessera::internal {

absl::Status ChangeLog::Load() {
  uint64_t last = 0;
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> it(engine_->db()->NewIterator(ro, engine_->cf(Cf::kFeed)));
  it->SeekToLast();
  if (it->Valid()) {
    if (it->key().size() != 8) return absl::DataLossError("change log: malformed key");
    last = codec::DecodeFixed64BE(it->key().data());
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "change log load"));
  std::string purged;
  rocksdb::Status s = engine_->db()->Get(ro, engine_->cf(Cf::kMeta), meta::kFeedPurgedKey, &purged);
  if (s.ok() && purged.size() == 8) {
    last = std::max(last, codec::DecodeFixed64BE(purged.data()));
  } else if (!s.IsNotFound()) {
    RETURN_IF_ERROR(FromRocks(s, "change log load"));
  }
  util::MutexLock l(&commit_mu_);
  next_seq_ = last + 1;
  last_seq_.store(last, std::memory_order_release);
  return absl::OkStatus();
}

absl::Status ChangeLog::Commit(rocksdb::Transaction* txn, uint64_t txn_id,
                               std::vector<ChangeEvent>* events) {
  // Straight into the transaction's write batch, past its index: sequence keys are unique and
  // never read back by the transaction, so they need no lock, no conflict check and no
  // read-your-own-writes indexing. They commit in the same atomic write as the data.
  return CommitEvents(txn->GetWriteBatch()->GetWriteBatch(), txn_id, events,
                      [txn] { return txn->Commit(); });
}

absl::Status ChangeLog::CommitDirect(rocksdb::WriteBatch* batch, uint64_t txn_id,
                                     std::vector<ChangeEvent>* events) {
  if (events->empty()) return FromRocks(WriteDirect(batch), "commit");
  return CommitEvents(batch, txn_id, events, [this, batch] { return WriteDirect(batch); });
}

rocksdb::Status ChangeLog::WriteDirect(rocksdb::WriteBatch* batch) {
  // The caller's transaction holds the lock of every key in the batch, so RocksDB's per-write
  // locking (which would wait for those very locks) is skipped; the write is still one atomic
  // WAL record and memtable insert, ordered by RocksDB's write queue.
  rocksdb::TransactionDBWriteOptimizations direct;
  direct.skip_concurrency_control = true;
  return engine_->db()->Write(engine_->write_options(), direct, batch);
}

absl::Status ChangeLog::CommitEvents(rocksdb::WriteBatch* batch, uint64_t txn_id,
                                     std::vector<ChangeEvent>* events,
                                     absl::FunctionRef<rocksdb::Status()> write) {
  std::string key;
  // Each event's value but its images (EncodeEventPieces); kept by the thread between commits.
  thread_local std::string scratch;
  {
    util::MutexLock l(&commit_mu_);
    const uint64_t first = next_seq_;
    const int64_t now = std::max(last_commit_us_, Engine::NowMicros());
    const uint32_t n = static_cast<uint32_t>(events->size());
    auto* feed = engine_->cf(Cf::kFeed);
    for (uint32_t i = 0; i < n; ++i) {
      ChangeEvent& e = (*events)[i];
      e.seq = first + i;
      e.commit_time_us = now;
      e.txn_id = txn_id;
      e.txn_index = i;
      e.txn_events = n;
      key.clear();
      scratch.clear();
      codec::PutFixed64BE(&key, e.seq);
      // The value in pieces (EncodeEventPieces): the images are copied once, into the batch.
      std::string_view pieces[4];
      const size_t np = EncodeEventPieces(e, &scratch, pieces);
      rocksdb::Slice value_slices[4];
      for (size_t p = 0; p < np; ++p) value_slices[p] = rocksdb::Slice(pieces[p]);
      rocksdb::Slice key_slice(key);
      rocksdb::Status s = batch->Put(feed, rocksdb::SliceParts(&key_slice, 1),
                                     rocksdb::SliceParts(value_slices, static_cast<int>(np)));
      if (!s.ok()) return FromRocks(s, "change log append");
    }
    for (const ChangeEvent& e : *events) MarkInFlight(e.object_id);  // before it is visible
    absl::Status committed = FromRocks(write(), "commit");
    // Every object's last sequence first, then publish: a commit with several events of one
    // object never publishes an earlier one of them (without the in-flight bit) once it is
    // visible.
    if (committed.ok()) {
      for (const ChangeEvent& e : *events) last_seq_of_[e.object_id] = e.seq;
    }
    for (const ChangeEvent& e : *events) Published(e.object_id);
    RETURN_IF_ERROR(committed);
    next_seq_ = first + n;
    last_commit_us_ = now;
    last_seq_.store(first + n - 1, std::memory_order_release);
  }
  util::MutexLock w(&wait_mu_);
  wait_cv_.SignalAll();
  return absl::OkStatus();
}

absl::Status ChangeLog::CommitPlain(rocksdb::Transaction* txn) {
  // No events, no sequence numbers: nothing to order against other commits.
  return FromRocks(txn->Commit(), "commit");
}

absl::Status ChangeLog::CommitExternal(
    uint32_t n, const std::vector<uint64_t>& object_ids,
    absl::FunctionRef<absl::Status(uint64_t first_seq, int64_t commit_us)> write) {
  {
    util::MutexLock l(&commit_mu_);
    const uint64_t first = next_seq_;
    const int64_t now = std::max(last_commit_us_, Engine::NowMicros());
    for (uint64_t id : object_ids) MarkInFlight(id);  // before it is visible
    absl::Status written = write(first, now);
    for (uint64_t id : object_ids) {
      if (written.ok() && n != 0) last_seq_of_[id] = first + n - 1;
      Published(id);
    }
    RETURN_IF_ERROR(written);
    if (n == 0) return absl::OkStatus();
    next_seq_ = first + n;
    last_commit_us_ = now;
    last_seq_.store(first + n - 1, std::memory_order_release);
  }
  util::MutexLock w(&wait_mu_);
  wait_cv_.SignalAll();
  return absl::OkStatus();
}

void ChangeLog::MarkInFlight(uint64_t object_id) {
  if (object_id >= kSeqSlots) return;
  std::atomic<uint64_t>& slot = seq_slots_[object_id];
  slot.store(slot.load(std::memory_order_relaxed) | 1, std::memory_order_release);
}

void ChangeLog::Published(uint64_t object_id) {
  if (object_id >= kSeqSlots) return;
  auto it = last_seq_of_.find(object_id);
  const uint64_t seq = it == last_seq_of_.end() ? 0 : it->second;
  seq_slots_[object_id].store(seq << 1, std::memory_order_release);
}

uint64_t ChangeLog::LastSeqOf(uint64_t object_id) {
  // The argument is in change_log.h.
  if (object_id < kSeqSlots) {
    const uint64_t v = seq_slots_[object_id].load(std::memory_order_acquire);
    if ((v & 1) == 0) return v >> 1;
  }
  util::MutexLock l(&commit_mu_);
  auto it = last_seq_of_.find(object_id);
  return it == last_seq_of_.end() ? 0 : it->second;
}

absl::StatusOr<std::vector<ChangeEvent>> ChangeLog::Read(const ChangeReadOptions& options) {
  RETURN_IF_ERROR(engine_->CheckOpen());
  std::vector<ChangeEvent> out;
  const uint64_t last = last_seq();
  if (options.limit == 0 || options.from_seq > last) return out;
  std::string lower, upper;
  codec::PutFixed64BE(&lower, std::max<uint64_t>(options.from_seq, 1));
  codec::PutFixed64BE(&upper, last + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(engine_->db()->NewIterator(ro, engine_->cf(Cf::kFeed)));
  for (it->Seek(lower); it->Valid() && out.size() < options.limit; it->Next()) {
    if (it->key().size() != 8) return absl::DataLossError("change log: malformed key");
    ChangeEvent e;
    RETURN_IF_ERROR(DecodeEventValue(codec::DecodeFixed64BE(it->key().data()),
                                     std::string_view(it->value().data(), it->value().size()), &e));
    out.push_back(std::move(e));
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "change log read"));
  return out;
}

bool ChangeLog::WaitFor(uint64_t seq, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  util::MutexLock w(&wait_mu_);
  while (last_seq() < seq) {
    if (wait_cv_.WaitWithDeadline(&wait_mu_, deadline)) return last_seq() >= seq;
  }
  return true;
}

}  // namespace tessera::internal
