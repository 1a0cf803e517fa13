// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Durable consumers: positions stored in the meta column family (consumer_codec.h), delivered
// at-least-once; an acknowledgement can commit inside the consumer's own transaction.
#include <algorithm>

#include "core/changelog/event_codec.h"
#include "core/codec/coding.h"
#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "models/feed/change_feed_impl.h"
#include "models/feed/feed_filter.h"
#include "models/feed/feed_snapshot.h"
#include "rocksdb/utilities/transaction_db.h"
#include "tessera/status.h"

namespace tessera::feed {
namespace {

using internal::Cf;
using internal::TxnImpl;

// Snapshot events are written to the meta column family this many at a time.
constexpr size_t kSnapshotWriteBatch = 512;

absl::Status NoConsumer(std::string_view name) {
  return absl::NotFoundError(util::StrCat("no feed consumer '", name, "'"));
}

ConsumerInfo InfoOf(std::string name, const ConsumerRecord& r) {
  ConsumerInfo info;
  info.name = std::move(name);
  info.acked_seq = r.acked_seq;
  info.next_seq = r.acked_seq + 1;
  info.snapshot_pending = r.snapshot_pending();
  return info;
}

}  // namespace

absl::StatusOr<ConsumerRecord> ChangeFeedImpl::LoadConsumer(std::string_view name) {
  RETURN_IF_ERROR(engine_.CheckOpen());
  RETURN_IF_ERROR(ValidateConsumerName(name));
  std::string value;
  bool found = false;
  RETURN_IF_ERROR(engine_.latest().Get(Cf::kMeta, ConsumerKey(name), &value, &found));
  if (!found) return NoConsumer(name);
  ConsumerRecord r;
  RETURN_IF_ERROR(DecodeConsumer(value, &r));
  return r;
}

absl::Status ChangeFeedImpl::DeleteSnapshotRows(std::string_view name) {
  rocksdb::WriteBatch batch;
  batch.DeleteRange(engine_.cf(Cf::kMeta), SnapshotEventsLower(name), SnapshotEventsUpper(name));
  rocksdb::TransactionDBWriteOptimizations opt;
  opt.skip_concurrency_control = true;  // range deletions cannot take row locks
  return internal::FromRocks(engine_.db()->Write(engine_.write_options(), opt, &batch),
                             "feed consumer snapshot delete");
}

absl::Status ChangeFeedImpl::WriteSnapshot(std::string_view name, const ConsumerStart& start,
                                           ConsumerRecord* record) {
  ASSIGN_OR_RETURN(ObjectInfo info, db_->GetObject(*start.snapshot_model, start.snapshot_object));
  // Leftovers of an earlier attempt that failed before its record was written.
  RETURN_IF_ERROR(DeleteSnapshotRows(name));
  // Taken between two commits: its contents are exactly the log up to snap->sequence().
  ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snap, db_->GetSnapshot());
  const uint64_t seq = snap->sequence();
  const int64_t now = internal::Engine::NowMicros();
  std::vector<ChangeEvent> pending;
  uint64_t count = 0;
  std::string value;
  auto flush = [&]() -> absl::Status {
    rocksdb::WriteBatch batch;
    for (const ChangeEvent& e : pending) {
      value.clear();
      internal::EncodeEventValue(e, &value);
      batch.Put(engine_.cf(Cf::kMeta), SnapshotEventKey(name, e.txn_index), value);
    }
    pending.clear();
    rocksdb::TransactionDBWriteOptimizations opt;
    opt.skip_concurrency_control = true;  // fresh keys nobody else writes
    return internal::FromRocks(engine_.db()->Write(engine_.write_options(), opt, &batch),
                               "feed consumer snapshot write");
  };
  RETURN_IF_ERROR(ReadSnapshotEvents(db_, *snap, info, [&](ChangeEvent e) -> absl::Status {
    if (count > UINT32_MAX) {
      return absl::ResourceExhaustedError(
          util::StrCat("snapshot of ", info.name, ": more than 2^32 entries"));
    }
    e.seq = seq;
    e.commit_time_us = now;
    e.txn_id = 0;
    e.txn_index = static_cast<uint32_t>(count++);
    pending.push_back(std::move(e));
    if (pending.size() >= kSnapshotWriteBatch) return flush();
    return absl::OkStatus();
  }));
  if (!pending.empty()) RETURN_IF_ERROR(flush());
  record->acked_seq = seq;
  record->snapshot_seq = seq;
  record->snapshot_total = count;
  record->snapshot_acked = 0;
  if (record->filter.models.empty() && record->filter.objects.empty()) {
    record->filter.models = {info.model};
    record->filter.objects = {info.name};
  }
  return absl::OkStatus();
}

absl::Status ChangeFeedImpl::CreateConsumer(std::string_view name, const ConsumerStart& start) {
  RETURN_IF_ERROR(engine_.CheckOpen());
  RETURN_IF_ERROR(ValidateConsumerName(name));
  RETURN_IF_ERROR(ValidateFilter(start.filter));
  const bool snapshot = !start.snapshot_object.empty();
  if (snapshot && !start.snapshot_model.has_value()) {
    return absl::InvalidArgumentError(util::StrCat("consumer '", name, "': snapshot object '",
                                                   start.snapshot_object, "' needs its model"));
  }
  if (snapshot && start.from_seq != 0) {
    return absl::InvalidArgumentError(util::StrCat(
        "consumer '", name, "': start from a sequence number or from a snapshot, not both"));
  }
  if (GetConsumer(name).ok()) {
    return absl::AlreadyExistsError(util::StrCat("feed consumer '", name, "' already exists"));
  }
  ConsumerRecord record;
  record.filter = start.filter;
  if (snapshot) {
    RETURN_IF_ERROR(WriteSnapshot(name, start, &record));
  } else if (start.from_seq == 0) {
    record.acked_seq = engine_.change_log().last_seq();
  } else {
    if (start.from_seq < FirstSequence()) {
      return absl::OutOfRangeError(util::StrCat(
          "consumer '", name, "': sequence ", start.from_seq,
          " was purged by the retention policy; the oldest event held is ", FirstSequence()));
    }
    record.acked_seq = start.from_seq - 1;
  }
  const std::string key = ConsumerKey(name);
  absl::Status s = engine_.RunInTxn("feed.consumer.create", false, {}, [&](TxnImpl& txn) {
    std::string old;
    bool found = false;
    RETURN_IF_ERROR(txn.GetForUpdate(Cf::kMeta, key, &old, &found));
    if (found) {
      return absl::AlreadyExistsError(util::StrCat("feed consumer '", name, "' already exists"));
    }
    return txn.Put(Cf::kMeta, key, EncodeConsumer(record));
  });
  if (!s.ok() && snapshot && !absl::IsAlreadyExists(s)) DeleteSnapshotRows(name).IgnoreError();
  return s;
}

absl::StatusOr<std::vector<ChangeEvent>> ChangeFeedImpl::Next(std::string_view name, size_t limit) {
  ASSIGN_OR_RETURN(ConsumerRecord r, LoadConsumer(name));
  std::vector<ChangeEvent> out;
  if (limit == 0) return out;
  if (r.snapshot_pending()) {
    auto it = engine_.latest().NewIterator(Cf::kMeta, SnapshotEventKey(name, r.snapshot_acked),
                                           SnapshotEventsUpper(name));
    for ((*it)->SeekToFirst(); (*it)->Valid() && out.size() < limit; (*it)->Next()) {
      ChangeEvent e;
      rocksdb::Slice v = (*it)->value();
      RETURN_IF_ERROR(
          internal::DecodeEventValue(r.snapshot_seq, std::string_view(v.data(), v.size()), &e));
      e.txn_events = static_cast<uint32_t>(r.snapshot_total);  // known once all were written
      out.push_back(std::move(e));
    }
    RETURN_IF_ERROR(internal::FromRocks((*it)->status(), "feed consumer snapshot read"));
    util::MutexLock l(&mu_);
    delivered_snapshot_[std::string(name)] = r.snapshot_acked + out.size();
  }
  if (out.size() < limit) {
    uint64_t scanned_to = 0;
    ASSIGN_OR_RETURN(std::vector<ChangeEvent> stream,
                     ReadLog(engine_, r.acked_seq + 1, limit - out.size(), r.filter,
                             util::StrCat("consumer '", name, "'"), &scanned_to));
    for (ChangeEvent& e : stream) out.push_back(std::move(e));
  }
  return out;
}

ChangeFeedImpl::AckPoint ChangeFeedImpl::PointOf(const ChangeEvent& e) {
  AckPoint p;
  p.seq = e.seq;
  if (e.op == ChangeOp::kSnapshot) {
    p.snapshot = true;
    p.snapshot_count = uint64_t{e.txn_index} + 1;
  }
  return p;
}

absl::Status ChangeFeedImpl::AckIn(TxnImpl& txn, std::string_view name, const AckPoint& point) {
  RETURN_IF_ERROR(ValidateConsumerName(name));
  const uint64_t last = engine_.change_log().last_seq();
  if (point.seq > last) {
    return absl::InvalidArgumentError(util::StrCat("consumer '", name, "': cannot acknowledge ",
                                                   point.seq, ", the last committed event is ",
                                                   last));
  }
  const std::string key = ConsumerKey(name);
  std::string value;
  bool found = false;
  RETURN_IF_ERROR(txn.GetForUpdate(Cf::kMeta, key, &value, &found));
  if (!found) return NoConsumer(name);
  ConsumerRecord r;
  RETURN_IF_ERROR(DecodeConsumer(value, &r));
  const ConsumerRecord before = r;
  if (point.snapshot) {
    if (point.seq != r.snapshot_seq || point.snapshot_count > r.snapshot_total) {
      return absl::InvalidArgumentError(util::StrCat(
          "consumer '", name, "': the snapshot event is not one of this consumer's snapshot"));
    }
    r.snapshot_acked = std::max(r.snapshot_acked, point.snapshot_count);
  } else {
    if (r.snapshot_pending()) {
      if (point.seq > r.snapshot_seq) {
        r.snapshot_acked = r.snapshot_total;  // stream events come after the whole snapshot
      } else if (point.seq == r.snapshot_seq) {
        util::MutexLock l(&mu_);
        auto it = delivered_snapshot_.find(name);
        if (it != delivered_snapshot_.end()) {
          r.snapshot_acked = std::max(r.snapshot_acked, std::min(it->second, r.snapshot_total));
        }
      }
    }
    r.acked_seq = std::max(r.acked_seq, point.seq);
  }
  if (r.acked_seq == before.acked_seq && r.snapshot_acked == before.snapshot_acked) {
    return absl::OkStatus();
  }
  return txn.Put(Cf::kMeta, key, EncodeConsumer(r));
}

absl::Status ChangeFeedImpl::Ack(std::string_view name, uint64_t seq) {
  RETURN_IF_ERROR(engine_.CheckOpen());
  return engine_.RunInTxn("feed.consumer.ack", false, {},
                          [&](TxnImpl& txn) { return AckIn(txn, name, {.seq = seq}); });
}

absl::Status ChangeFeedImpl::Ack(Transaction& txn, std::string_view name, uint64_t seq) {
  RETURN_IF_ERROR(txn.impl().CheckActive());
  return AckIn(txn.impl(), name, {.seq = seq});
}

absl::Status ChangeFeedImpl::Ack(std::string_view name, const ChangeEvent& event) {
  RETURN_IF_ERROR(engine_.CheckOpen());
  return engine_.RunInTxn("feed.consumer.ack", false, {},
                          [&](TxnImpl& txn) { return AckIn(txn, name, PointOf(event)); });
}

absl::Status ChangeFeedImpl::Ack(Transaction& txn, std::string_view name,
                                 const ChangeEvent& event) {
  RETURN_IF_ERROR(txn.impl().CheckActive());
  return AckIn(txn.impl(), name, PointOf(event));
}

absl::StatusOr<ConsumerInfo> ChangeFeedImpl::GetConsumer(std::string_view name) {
  ASSIGN_OR_RETURN(ConsumerRecord r, LoadConsumer(name));
  return InfoOf(std::string(name), r);
}

absl::StatusOr<std::vector<ConsumerInfo>> ChangeFeedImpl::ListConsumers() {
  RETURN_IF_ERROR(engine_.CheckOpen());
  std::vector<ConsumerInfo> out;
  const std::string prefix = ConsumerKeyPrefix();
  auto it = engine_.latest().NewIterator(Cf::kMeta, prefix, codec::PrefixSuccessor(prefix));
  for ((*it)->SeekToFirst(); (*it)->Valid(); (*it)->Next()) {
    rocksdb::Slice k = (*it)->key();
    rocksdb::Slice v = (*it)->value();
    ConsumerRecord r;
    RETURN_IF_ERROR(DecodeConsumer(std::string_view(v.data(), v.size()), &r));
    out.push_back(InfoOf(std::string(k.data() + prefix.size(), k.size() - prefix.size()), r));
  }
  RETURN_IF_ERROR(internal::FromRocks((*it)->status(), "feed consumer list"));
  return out;
}

absl::Status ChangeFeedImpl::DropConsumer(std::string_view name) {
  RETURN_IF_ERROR(LoadConsumer(name).status());
  const std::string key = ConsumerKey(name);
  RETURN_IF_ERROR(engine_.RunInTxn("feed.consumer.drop", false, {}, [&](TxnImpl& txn) {
    std::string value;
    bool found = false;
    RETURN_IF_ERROR(txn.GetForUpdate(Cf::kMeta, key, &value, &found));
    if (!found) return NoConsumer(name);
    return txn.Delete(Cf::kMeta, key);
  }));
  {
    util::MutexLock l(&mu_);
    delivered_snapshot_.erase(std::string(name));
  }
  return DeleteSnapshotRows(name);
}

}  // namespace tessera::feed
