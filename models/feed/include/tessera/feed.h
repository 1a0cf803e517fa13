// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// ChangeFeed: every committed change of every model, in commit order, resumable by sequence
// number; pull (Read, with an optional wait), push (Subscribe), durable named consumers stored in
// the database (at-least-once; exactly-once when the consumer acknowledges inside the transaction
// that writes its results), snapshot + stream bootstrap, and retention.
//
//   ASSIGN_OR_RETURN(auto feed, tessera::ChangeFeed::Open(db.get()));
//   ASSIGN_OR_RETURN(auto batch, feed->Read({.from_seq = 1, .wait = absl::Seconds(1)}));
//
// Thread safety: a ChangeFeed is safe for concurrent use; a Subscription is not (use it from one
// thread, except Cancel(), which any thread may call).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tessera/change_event.h"
#include "tessera/db.h"
#include "tessera/model.h"
#include "tessera/transaction.h"

namespace tessera {

// Which events a read or subscription delivers. Empty lists select everything.
struct FeedFilter {
  std::vector<Model> models;         // only these models
  std::vector<std::string> objects;  // only these object names
  std::string ops;                   // only these ops, as characters ("cud", "d"); empty = all
};

// A pull read of the feed.
struct FeedReadOptions {
  uint64_t from_seq = 1;  // first sequence number wanted (inclusive)
  size_t limit = 1000;    // most events returned
  FeedFilter filter;      // which events
  // With no matching event yet, block this long for one (woken by commits, no polling).
  absl::Duration wait = absl::ZeroDuration();
  // Polled between batches of the log read (and before each wait): once it returns true, Read
  // returns Cancelled ("feed read cancelled"). Empty: never cancelled.
  std::function<bool()> cancelled;
};

// A push subscription.
struct SubscribeOptions {
  uint64_t from_seq = 0;  // first sequence number delivered; 0 = only events committed later
  FeedFilter filter;      // which events
  // Back-pressure: the most undelivered events held for this subscriber.
  size_t max_buffered = 4096;
};

// Delivers events in commit order. Obtained from ChangeFeed::Subscribe.
class Subscription {
 public:
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  virtual ~Subscription() = default;  // cancels

  // The next event, waiting at most `timeout` for one: DeadlineExceeded when none came in time,
  // Cancelled after Cancel(), OutOfRange if the subscriber's position was purged.
  [[nodiscard]] virtual absl::StatusOr<ChangeEvent> Next(absl::Duration timeout) = 0;

  // Ends the subscription: a blocked Next() returns Cancelled. Safe from any thread.
  virtual void Cancel() = 0;

 protected:
  Subscription() = default;
};

// Where a new durable consumer starts, and which events it gets. from_seq and a snapshot are
// mutually exclusive.
struct ConsumerStart {
  uint64_t from_seq = 0;                // first event delivered; 0 = the next event committed
  std::optional<Model> snapshot_model;  // with snapshot_object: start with its contents (op 'r')
  std::string snapshot_object;          // then every change after that snapshot
  FeedFilter filter;  // events delivered (stored with the consumer); with a snapshot and no
                      // filter, only the snapshot object's events
};

// A durable consumer as stored in the database.
struct ConsumerInfo {
  std::string name;        // unique name
  uint64_t acked_seq = 0;  // everything up to and including this sequence number is acknowledged
  uint64_t next_seq = 0;   // the next event Next() delivers (after any snapshot events)
  bool snapshot_pending = false;  // snapshot events not yet all acknowledged
};

// How long the feed keeps events. Zero means no limit of that kind.
struct RetentionOptions {
  absl::Duration max_age = absl::ZeroDuration();  // purge events older than this
  uint64_t max_bytes = 0;                         // purge the oldest events beyond this size
  bool hold_for_consumers = true;  // never purge events a durable consumer has not acknowledged
};

class ChangeFeed {
 public:
  // The feed of `db`, which must outlive it: destroy the feed and its subscriptions before
  // closing the database (the feed runs a background purge thread while it lives).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ChangeFeed>> Open(DB* db);

  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;
  virtual ~ChangeFeed() = default;

  // --- Pull ---
  // Events with seq >= from_seq that match the filter, in commit order. OutOfRange if from_seq
  // was purged (never a silent skip).
  [[nodiscard]] virtual absl::StatusOr<std::vector<ChangeEvent>> Read(
      const FeedReadOptions& options) = 0;

  // --- Push ---
  // Starts a reader thread that delivers matching events in commit order into a buffer of
  // options.max_buffered events; when the buffer is full the reader waits (writers never do, and
  // nothing is dropped). The subscription must be destroyed before the DB is closed.
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(
      const SubscribeOptions& options) = 0;

  // --- Durable consumers (stored in the database; positions survive restarts) ---
  // Creates consumer `name` (object-name rules). AlreadyExists if it exists; OutOfRange if
  // from_seq was purged; NotFound for a missing snapshot object. A snapshot is copied into the
  // consumer's records (docs/feed.md; a time series gives one event per series and window).
  [[nodiscard]] virtual absl::Status CreateConsumer(std::string_view name,
                                                    const ConsumerStart& start = {}) = 0;
  // The next unacknowledged events (snapshot events first, op 'r'). At-least-once: events are
  // delivered again until acknowledged. OutOfRange if the consumer's position was purged.
  [[nodiscard]] virtual absl::StatusOr<std::vector<ChangeEvent>> Next(std::string_view name,
                                                                      size_t limit = 1000) = 0;
  // Acknowledges every event up to and including `seq`. Acknowledgements never move back (a
  // lower seq is a no-op); InvalidArgument past the last committed event. Snapshot events (op
  // 'r') all carry the snapshot's position as seq: Ack(snapshot seq) acknowledges those the
  // last Next() of this ChangeFeed delivered, and any later seq acknowledges the whole snapshot.
  [[nodiscard]] virtual absl::Status Ack(std::string_view name, uint64_t seq) = 0;
  // The same inside `txn`: commits with the consumer's results (exactly-once inside Tessera).
  [[nodiscard]] virtual absl::Status Ack(Transaction& txn, std::string_view name, uint64_t seq) = 0;
  // Acknowledges `event` and every event delivered before it; for a snapshot event (op 'r'),
  // exactly the snapshot events up to it, whatever Next() delivered.
  [[nodiscard]] virtual absl::Status Ack(std::string_view name, const ChangeEvent& event) = 0;
  [[nodiscard]] virtual absl::Status Ack(Transaction& txn, std::string_view name,
                                         const ChangeEvent& event) = 0;
  [[nodiscard]] virtual absl::StatusOr<ConsumerInfo> GetConsumer(std::string_view name) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<ConsumerInfo>> ListConsumers() = 0;
  [[nodiscard]] virtual absl::Status DropConsumer(std::string_view name) = 0;

  // --- Before-images ---
  // Switches the before-images of `object`'s change events on (the default) or off, for events
  // recorded from now on; stored in the database. Off saves the space of the old value in every
  // update and delete event (docs/feed.md). NotFound for a missing object.
  [[nodiscard]] virtual absl::Status SetBeforeImages(Model model, std::string_view object,
                                                     bool on) = 0;
  [[nodiscard]] virtual absl::StatusOr<bool> BeforeImages(Model model, std::string_view object) = 0;

  // --- Retention ---
  // Stores the policy (it survives restarts) and applies it now.
  [[nodiscard]] virtual absl::Status SetRetention(const RetentionOptions& options) = 0;
  [[nodiscard]] virtual absl::StatusOr<RetentionOptions> GetRetention() = 0;
  // Applies the stored policy now; returns how many events were purged. The policy is also
  // applied when the feed opens and every minute while a ChangeFeed is open.
  [[nodiscard]] virtual absl::StatusOr<uint64_t> Purge() = 0;
  // The oldest sequence number still held (LastSequence()+1 when the feed is empty).
  virtual uint64_t FirstSequence() = 0;

 protected:
  ChangeFeed() = default;
};

// The event as a JSON object (the envelope of docs/feed.md), one line, no trailing newline.
std::string ChangeEventToJson(const ChangeEvent& event);

}  // namespace tessera
