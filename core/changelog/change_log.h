// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The change log's write path and its minimal reader. Every committed change of every model is
// appended as an event (event_codec.h) to the feed column family in the same atomic write as the
// data. Sequence numbers are assigned under one commit mutex, so they follow commit order with no
// gaps and no duplicates however many threads commit; transactions without events never take it.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "rocksdb/utilities/transaction.h"
#include "tessera/change_event.h"

namespace tessera::internal {

class Engine;

// Thread safety: safe for concurrent use.
class ChangeLog {
 public:
  explicit ChangeLog(Engine* engine) : engine_(engine) {}

  // Finds the last sequence number written (or purged) so numbering continues after a restart.
  absl::Status Load();

  // Adds `events` to `txn` under sequence numbers that follow the last committed one and commits
  // it. On success each event's seq and commit time are set.
  absl::Status Commit(rocksdb::Transaction* txn, uint64_t txn_id, std::vector<ChangeEvent>* events);

  // Commits a transaction that has no events.
  absl::Status CommitPlain(rocksdb::Transaction* txn);

  // The sequence number of the last committed event (0 if none).
  uint64_t last_seq() const { return last_seq_.load(std::memory_order_acquire); }

  // Runs `fn` while no commit is in progress, so it sees a state that matches last_seq().
  template <typename Fn>
  auto WithCommitsPaused(Fn&& fn) {
    absl::MutexLock l(&commit_mu_);
    return fn(last_seq());
  }

  // Committed events with seq >= options.from_seq, at most options.limit of them.
  absl::StatusOr<std::vector<ChangeEvent>> Read(const ChangeReadOptions& options);

  // Blocks until an event with seq >= `seq` is committed or `timeout` passes; returns whether
  // it was. Does not busy-poll.
  bool WaitFor(uint64_t seq, absl::Duration timeout);

 private:
  Engine* const engine_;
  absl::Mutex commit_mu_;
  uint64_t next_seq_ ABSL_GUARDED_BY(commit_mu_) = 1;
  int64_t last_commit_us_ ABSL_GUARDED_BY(commit_mu_) = 0;
  std::atomic<uint64_t> last_seq_{0};
  absl::Mutex wait_mu_;
  absl::CondVar wait_cv_;
};

}  // namespace tessera::internal
