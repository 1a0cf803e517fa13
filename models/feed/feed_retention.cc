// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Retention: the head of the log is purged with one range deletion of the feed column family,
// and meta::kFeedPurgedKey moves in the same write. By age (commit times never decrease along the
// log, so the cut is found by binary search), by size (summed from the newest event back), and,
// unless told otherwise, never past the oldest position a durable consumer has not acknowledged.
#include <algorithm>

#include "core/catalog/meta_keys.h"
#include "core/changelog/event_codec.h"
#include "core/codec/coding.h"
#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "models/feed/change_feed_impl.h"
#include "rocksdb/utilities/transaction_db.h"
#include "tessera/status.h"

namespace tessera::feed {
namespace {

using internal::Cf;

constexpr absl::Duration kPurgeInterval = absl::Minutes(1);

// Purges of one process never interleave (the purge mark only moves forward).
util::Mutex purge_mu;

std::string SeqKey(uint64_t seq) {
  std::string k;
  codec::PutFixed64BE(&k, seq);
  return k;
}

}  // namespace

uint64_t ChangeFeedImpl::FirstSequence() {
  std::string v;
  bool found = false;
  if (!engine_.latest().Get(Cf::kMeta, internal::meta::kFeedPurgedKey, &v, &found).ok() || !found ||
      v.size() != 8) {
    return 1;
  }
  return codec::DecodeFixed64BE(v.data()) + 1;
}

absl::Status ChangeFeedImpl::SetRetention(const RetentionOptions& options) {
  RETURN_IF_ERROR(engine_.CheckOpen());
  if (options.max_age < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("feed retention: the age must not be negative");
  }
  RETURN_IF_ERROR(engine_.RunInTxn("feed.retention", false, {}, [&](internal::TxnImpl& txn) {
    return txn.Put(Cf::kMeta, RetentionKey(), EncodeRetention(options));
  }));
  return Purge().status();
}

absl::StatusOr<RetentionOptions> ChangeFeedImpl::GetRetention() {
  RETURN_IF_ERROR(engine_.CheckOpen());
  std::string v;
  bool found = false;
  RETURN_IF_ERROR(engine_.latest().Get(Cf::kMeta, RetentionKey(), &v, &found));
  RetentionOptions r;
  if (found) RETURN_IF_ERROR(DecodeRetention(v, &r));
  return r;
}

// The oldest sequence number a durable consumer still needs minus one (UINT64_MAX: none).
absl::StatusOr<uint64_t> ChangeFeedImpl::OldestHeld() {
  ASSIGN_OR_RETURN(std::vector<ConsumerInfo> consumers, ListConsumers());
  uint64_t held = UINT64_MAX;
  for (const ConsumerInfo& c : consumers) held = std::min(held, c.acked_seq);
  return held;
}

absl::StatusOr<uint64_t> ChangeFeedImpl::Purge() {
  ASSIGN_OR_RETURN(RetentionOptions policy, GetRetention());
  if (policy.max_age <= absl::ZeroDuration() && policy.max_bytes == 0) return 0;
  util::MutexLock l(&purge_mu);
  const uint64_t first = FirstSequence();
  const uint64_t last = engine_.change_log().last_seq();
  if (first > last) return 0;
  uint64_t cut = first - 1;  // purge [first, cut]
  internal::ReadSource& src = engine_.latest();
  if (policy.max_age > absl::ZeroDuration()) {
    const int64_t oldest_kept_us =
        internal::Engine::NowMicros() - absl::ToInt64Microseconds(policy.max_age);
    // The last event older than the cut-off: commit times never decrease along the log.
    uint64_t lo = first, hi = last;
    uint64_t found_cut = first - 1;
    while (lo <= hi) {
      const uint64_t mid = lo + (hi - lo) / 2;
      std::string v;
      bool found = false;
      RETURN_IF_ERROR(src.Get(Cf::kFeed, SeqKey(mid), &v, &found));
      if (!found) break;  // purged concurrently by another process: try again later
      ChangeEvent e;
      RETURN_IF_ERROR(internal::DecodeEventValue(mid, v, &e));
      if (e.commit_time_us < oldest_kept_us) {
        found_cut = mid;
        lo = mid + 1;
      } else {
        if (mid == 0) break;
        hi = mid - 1;
      }
    }
    cut = std::max(cut, found_cut);
  }
  if (policy.max_bytes > 0) {
    // Keep the newest events whose keys and values fit in max_bytes.
    auto it = src.NewIterator(Cf::kFeed, SeqKey(first), SeqKey(last + 1));
    uint64_t total = 0;
    for ((*it)->SeekToLast(); (*it)->Valid(); (*it)->Prev()) {
      total += (*it)->key().size() + (*it)->value().size();
      if (total > policy.max_bytes) {
        cut = std::max(cut, codec::DecodeFixed64BE((*it)->key().data()));
        break;
      }
    }
    RETURN_IF_ERROR(internal::FromRocks((*it)->status(), "feed retention"));
  }
  if (policy.hold_for_consumers) {
    ASSIGN_OR_RETURN(uint64_t held, OldestHeld());
    cut = std::min(cut, held);
  }
  if (cut < first) return 0;
  rocksdb::WriteBatch batch;
  batch.DeleteRange(engine_.cf(Cf::kFeed), SeqKey(first), SeqKey(cut + 1));
  batch.Put(engine_.cf(Cf::kMeta), internal::meta::kFeedPurgedKey, SeqKey(cut));
  rocksdb::TransactionDBWriteOptimizations opt;
  opt.skip_concurrency_control = true;  // range deletions cannot take row locks
  RETURN_IF_ERROR(
      internal::FromRocks(engine_.db()->Write(engine_.write_options(), opt, &batch), "feed purge"));
  engine_.logger().Log(LogLevel::kInfo, {engine_.path(), {}, 0}, "feed.purge",
                       {{"from", first}, {"to", cut}});
  return cut - first + 1;
}

void ChangeFeedImpl::StartPurger() {
  purger_ = std::thread([this] { PurgeLoop(); });
}

void ChangeFeedImpl::PurgeLoop() {
  while (true) {
    {
      util::MutexLock l(&mu_);
      auto stop = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
      mu_.AwaitWithTimeout(util::Condition(&stop), kPurgeInterval);
      if (stopping_) return;
    }
    if (!engine_.CheckOpen().ok()) return;
    absl::StatusOr<uint64_t> purged = Purge();
    if (!purged.ok()) {
      engine_.logger().Log(LogLevel::kWarn, {engine_.path(), {}, 0}, "feed.purge_failed",
                           {{"error", util::ToStd(purged.status().message())}});
    }
  }
}

}  // namespace tessera::feed
