// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The change log's write path and its minimal reader. Every committed change of every model is
// appended as an event (event_codec.h) to the feed column family in the same atomic write as the
// data. Sequence numbers are assigned under one commit mutex, so they follow commit order with no
// gaps and no duplicates however many threads commit; transactions without events never take it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/util/mutex.h"
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

  // Commits writes built outside a RocksDB transaction's indexed batch (TxnImpl's direct
  // writes): adds `events` to `batch` as Commit does and writes it straight to the database,
  // without RocksDB's concurrency control. The caller must hold, through a RocksDB transaction,
  // the locks of every key in `batch` until this returns. `events` may be empty.
  absl::Status CommitDirect(rocksdb::WriteBatch* batch, uint64_t txn_id,
                            std::vector<ChangeEvent>* events);

  // Commits `n` events written outside a transaction (a bulk ingestion, bulk_ingest.h): under
  // the commit mutex, `write(first_seq, commit_us)` must store the events under first_seq ..
  // first_seq + n - 1 (with that commit time) and the data they describe in one atomic step.
  // When it succeeds the numbers are published (last_seq(), waiters woken) as for Commit; when
  // it fails nothing is, and the next commit reuses them.
  absl::Status CommitExternal(
      uint32_t n, const std::vector<uint64_t>& object_ids,
      absl::FunctionRef<absl::Status(uint64_t first_seq, int64_t commit_us)> write);

  // The sequence number of the last committed event of catalog object `object_id` (0: none
  // since the database opened). Set under the commit mutex before the commit's numbers are
  // published, so a snapshot (taken between commits) that sees a change of the object was taken
  // after it was set. Lets a model cache a derived view of an object and prove it current.
  // Without a lock for ids below kSeqSlots (every query of a cached read pays it): each such
  // object has a slot holding (seq << 1) | in-flight. A commit, under the commit mutex, marks the
  // slots of its objects in flight BEFORE the RocksDB commit and stores the new sequence (mark
  // cleared) after it. A reader that loads a slot without the mark returns its sequence L (an
  // acquire load: the release store came after commit L returned, so L is visible to it); one
  // that finds the mark waits on the commit mutex and returns the value set by then. So, as with
  // the mutex alone: once L is returned commit L is visible, and a reader that has seen any
  // later commit of the object (through RocksDB, whose publication the mark precedes) can never
  // be returned L again -- it gets the mark or the newer sequence.
  uint64_t LastSeqOf(uint64_t object_id);
  static constexpr uint64_t kSeqSlots = 4096;

  // The sequence number of the last committed event (0 if none).
  uint64_t last_seq() const { return last_seq_.load(std::memory_order_acquire); }

  // Runs `fn` while no commit is in progress, so it sees a state that matches last_seq().
  template <typename Fn>
  auto WithCommitsPaused(Fn&& fn) {
    util::MutexLock l(&commit_mu_);
    return fn(last_seq());
  }

  // Committed events with seq >= options.from_seq, at most options.limit of them.
  absl::StatusOr<std::vector<ChangeEvent>> Read(const ChangeReadOptions& options);

  // Blocks until an event with seq >= `seq` is committed or `timeout` passes; returns whether
  // it was. Does not busy-poll.
  bool WaitFor(uint64_t seq, absl::Duration timeout);

 private:
  Engine* const engine_;
  util::Mutex commit_mu_;
  uint64_t next_seq_ ABSL_GUARDED_BY(commit_mu_) = 1;
  int64_t last_commit_us_ ABSL_GUARDED_BY(commit_mu_) = 0;
  std::atomic<uint64_t> last_seq_{0};
  absl::flat_hash_map<uint64_t, uint64_t> last_seq_of_ ABSL_GUARDED_BY(commit_mu_);
  // LastSeqOf's lock-free slots, by object id (< kSeqSlots); written under commit_mu_.
  std::unique_ptr<std::atomic<uint64_t>[]> seq_slots_ { new std::atomic<uint64_t>[kSeqSlots] {} };
  // Marks the objects of a commit in flight, before it; Published sets their sequence after it
  // (or, when it failed, restores the last one).
  void MarkInFlight(uint64_t object_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(commit_mu_);
  void Published(uint64_t object_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(commit_mu_);
  // Commit and CommitDirect: numbers `events`, appends them to `batch` and runs `write` (which
  // makes `batch` durable and visible) under the commit mutex, then publishes the numbers.
  absl::Status CommitEvents(rocksdb::WriteBatch* batch, uint64_t txn_id,
                            std::vector<ChangeEvent>* events,
                            absl::FunctionRef<rocksdb::Status()> write);
  // Writes `batch` without RocksDB's concurrency control (the caller holds the keys' locks).
  rocksdb::Status WriteDirect(rocksdb::WriteBatch* batch);
  util::Mutex wait_mu_;
  util::CondVar wait_cv_;
};

}  // namespace tessera::internal
