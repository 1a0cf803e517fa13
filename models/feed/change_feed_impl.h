// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// ChangeFeedImpl: the change feed over the engine's change log. Pull reads go straight to the log
// (change_feed.cc); durable consumers live in the meta column family (feed_consumers.cc,
// consumer_codec.h); subscriptions run a reader thread each (feed_subscription.cc); retention
// purges the head of the log with one range deletion (feed_retention.cc).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/engine/engine.h"
#include "core/engine/txn_impl.h"
#include "core/util/mutex.h"
#include "models/feed/consumer_codec.h"
#include "tessera/feed.h"

namespace tessera::feed {

// Reads up to `limit` events matching `filter` from seq `from` on, without waiting. OutOfRange
// when `from` was purged. Sets *scanned_to to the last sequence number looked at (from - 1 when
// none). `what` names the reader in errors ("read", "consumer 'x'"). `cancelled`, when set, is
// polled before each batch: Cancelled once it returns true.
absl::StatusOr<std::vector<ChangeEvent>> ReadLog(internal::Engine& engine, uint64_t from,
                                                 size_t limit, const FeedFilter& filter,
                                                 std::string_view what, uint64_t* scanned_to,
                                                 const std::function<bool()>& cancelled = {});

// Thread safety: safe for concurrent use.
class ChangeFeedImpl final : public ChangeFeed {
 public:
  explicit ChangeFeedImpl(DB* db);
  ~ChangeFeedImpl() override;

  absl::StatusOr<std::vector<ChangeEvent>> Read(const FeedReadOptions& options) override;
  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(const SubscribeOptions& options) override;

  absl::Status CreateConsumer(std::string_view name, const ConsumerStart& start) override;
  absl::StatusOr<std::vector<ChangeEvent>> Next(std::string_view name, size_t limit) override;
  absl::Status Ack(std::string_view name, uint64_t seq) override;
  absl::Status Ack(Transaction& txn, std::string_view name, uint64_t seq) override;
  absl::Status Ack(std::string_view name, const ChangeEvent& event) override;
  absl::Status Ack(Transaction& txn, std::string_view name, const ChangeEvent& event) override;
  absl::StatusOr<ConsumerInfo> GetConsumer(std::string_view name) override;
  absl::StatusOr<std::vector<ConsumerInfo>> ListConsumers() override;
  absl::Status DropConsumer(std::string_view name) override;

  absl::Status SetBeforeImages(Model model, std::string_view object, bool on) override;
  absl::StatusOr<bool> BeforeImages(Model model, std::string_view object) override;

  absl::Status SetRetention(const RetentionOptions& options) override;
  absl::StatusOr<RetentionOptions> GetRetention() override;
  absl::StatusOr<uint64_t> Purge() override;
  uint64_t FirstSequence() override;

  // Starts the background purge (every kPurgeInterval while a retention policy is stored).
  void StartPurger();

 private:
  // What an acknowledgement covers: stream events up to `seq`, or (snapshot) the first
  // `snapshot_count` snapshot events of the snapshot taken at `seq`.
  struct AckPoint {
    uint64_t seq = 0;
    bool snapshot = false;
    uint64_t snapshot_count = 0;
  };
  absl::Status AckIn(internal::TxnImpl& txn, std::string_view name, const AckPoint& point);
  static AckPoint PointOf(const ChangeEvent& e);
  absl::StatusOr<ConsumerRecord> LoadConsumer(std::string_view name);
  absl::Status WriteSnapshot(std::string_view name, const ConsumerStart& start,
                             ConsumerRecord* record);
  absl::Status DeleteSnapshotRows(std::string_view name);
  absl::StatusOr<uint64_t> OldestHeld();
  void PurgeLoop();

  DB* const db_;
  internal::Engine& engine_;
  util::Mutex mu_;
  // Per consumer, how many snapshot events the last Next() delivered (for Ack by seq).
  std::map<std::string, uint64_t, std::less<>> delivered_snapshot_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread purger_;
};

}  // namespace tessera::feed
