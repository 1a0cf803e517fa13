// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The change feed: opening it, and pull reads (with an optional wait that sleeps on the change
// log's condition variable, never polling).
#include <algorithm>

#include "core/catalog/meta_keys.h"
#include "core/changelog/change_log.h"
#include "core/codec/coding.h"
#include "core/util/strings.h"
#include "models/feed/change_feed_impl.h"
#include "models/feed/feed_filter.h"
#include "tessera/status.h"

namespace tessera {

absl::StatusOr<std::unique_ptr<ChangeFeed>> ChangeFeed::Open(DB* db) {
  if (db == nullptr) return absl::InvalidArgumentError("ChangeFeed::Open: db is null");
  RETURN_IF_ERROR(db->engine().CheckOpen());
  auto feed = std::make_unique<feed::ChangeFeedImpl>(db);
  // Apply a stored retention policy now (it survives restarts), then keep applying it.
  absl::StatusOr<uint64_t> purged = feed->Purge();
  if (!purged.ok()) return purged.status();
  feed->StartPurger();
  return std::unique_ptr<ChangeFeed>(std::move(feed));
}

namespace feed {

// Events are read in batches of this many from the log while filtering.
constexpr size_t kScanBatch = 512;

absl::StatusOr<std::vector<ChangeEvent>> ReadLog(internal::Engine& engine, uint64_t from,
                                                 size_t limit, const FeedFilter& filter,
                                                 std::string_view what, uint64_t* scanned_to,
                                                 const std::function<bool()>& cancelled) {
  internal::ChangeLog& log = engine.change_log();
  from = std::max<uint64_t>(from, 1);
  *scanned_to = from - 1;
  std::vector<ChangeEvent> out;
  const uint64_t last = log.last_seq();
  uint64_t next = from;
  while (out.size() < limit && next <= last) {
    if (cancelled && cancelled()) return absl::CancelledError(util::StrCat(what, " cancelled"));
    const size_t want = std::min<uint64_t>(kScanBatch, last - next + 1);
    ASSIGN_OR_RETURN(std::vector<ChangeEvent> batch, log.Read({.from_seq = next, .limit = want}));
    // Sequence numbers have no gaps: a missing first event was purged (perhaps just now).
    if (batch.empty() || batch.front().seq != next) {
      const uint64_t first = batch.empty() ? last + 1 : batch.front().seq;
      return absl::OutOfRangeError(
          util::StrCat(what, ": sequence ", next,
                       " was purged by the retention policy; the oldest event held is ", first));
    }
    for (ChangeEvent& e : batch) {
      next = e.seq + 1;
      *scanned_to = e.seq;
      if (Matches(filter, e)) {
        out.push_back(std::move(e));
        if (out.size() == limit) break;
      }
    }
  }
  return out;
}

ChangeFeedImpl::ChangeFeedImpl(DB* db) : db_(db), engine_(db->engine()) {}

ChangeFeedImpl::~ChangeFeedImpl() {
  {
    util::MutexLock l(&mu_);
    stopping_ = true;
  }
  if (purger_.joinable()) purger_.join();
}

absl::StatusOr<std::vector<ChangeEvent>> ChangeFeedImpl::Read(const FeedReadOptions& options) {
  RETURN_IF_ERROR(engine_.CheckOpen());
  RETURN_IF_ERROR(ValidateFilter(options.filter));
  if (options.wait < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("feed read: the wait must not be negative");
  }
  std::vector<ChangeEvent> out;
  if (options.limit == 0) return out;
  const absl::Time deadline = absl::Now() + options.wait;
  uint64_t from = std::max<uint64_t>(options.from_seq, 1);
  while (true) {
    uint64_t scanned_to = 0;
    ASSIGN_OR_RETURN(out, ReadLog(engine_, from, options.limit, options.filter, "feed read",
                                  &scanned_to, options.cancelled));
    if (!out.empty()) return out;
    // Nothing matched up to scanned_to: wait for a later commit, skipping what was looked at.
    from = std::max(from, scanned_to + 1);
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return out;
    if (!engine_.change_log().WaitFor(from, left)) return out;
    RETURN_IF_ERROR(engine_.CheckOpen());
  }
}

}  // namespace feed
}  // namespace tessera

namespace tessera::feed {

absl::Status ChangeFeedImpl::SetBeforeImages(Model model, std::string_view object, bool on) {
  RETURN_IF_ERROR(engine_.CheckOpen());
  ASSIGN_OR_RETURN(ObjectInfo info, db_->GetObject(model, object));
  std::string key = internal::meta::kNoBeforeImagesPrefix;
  codec::PutFixed64BE(&key, info.id);
  RETURN_IF_ERROR(engine_.RunInTxn("feed.before_images", false, {}, [&](internal::TxnImpl& txn) {
    return on ? txn.Delete(internal::Cf::kMeta, key) : txn.Put(internal::Cf::kMeta, key, "");
  }));
  engine_.SetBeforeImagesOff(info.id, !on);
  return absl::OkStatus();
}

absl::StatusOr<bool> ChangeFeedImpl::BeforeImages(Model model, std::string_view object) {
  RETURN_IF_ERROR(engine_.CheckOpen());
  ASSIGN_OR_RETURN(ObjectInfo info, db_->GetObject(model, object));
  return !engine_.BeforeImagesOff(info.id);
}

}  // namespace tessera::feed
