// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// TxnImpl: a Tessera transaction over a RocksDB pessimistic transaction, with a snapshot for
// user transactions (snapshot isolation: a write to a key changed by another commit since the
// snapshot, or locked by a live transaction, fails with Aborted); the auto-commit transactions of
// single operations take none and read the latest values under their locks. Models write through it
// and record change events; Commit appends the events to the change log in the same atomic write.
//
// Direct mode (Engine::RunDirect; `txn` null): the auto-commit fast path of single-key writes,
// with no RocksDB transaction at all. It stands in Engine's gate as a fast writer (engine.h
// TryEnterFast) from its first lock until it ends, so no transaction holds or takes a RocksDB
// lock meanwhile; among themselves fast writers lock keys in the engine's striped lock table.
// There, LockAndRead takes the key's stripe (one stripe per transaction) and reads the latest
// committed value; a shared Lock of a meta key (a schema lock) is the gate itself, since only
// lockers take such keys exclusively; PutDirect / DeleteDirect / MergeDirect write keys under
// the held stripe; Get / MultiGet / NewIterator read the latest committed state; Commit writes
// the batch and events through ChangeLog::CommitDirect (same atomicity, event order and stored
// bytes as Commit) and then releases the stripe and leaves the gate. Anything else (an exclusive
// lock of a second stripe, GetForUpdate, Put, Delete, Merge, ...), or a locker in the gate,
// makes the call fail with Aborted and needs_transaction() true: nothing has been written, and
// RunDirect runs the body again in a RocksDB transaction.
//
// A transaction with a RocksDB transaction enters the gate as a locker before its first lock
// (GetForUpdate, Lock, LockWaiting, LockAndRead, Put, Delete, Merge, PutUnlocked: RocksDB's
// PutUntracked skips the conflict check but still locks the key) and leaves it once its locks are
// released (commit, rollback, failed commit or destruction). Reads never enter it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/engine/column_families.h"
#include "core/engine/read_source.h"
#include "rocksdb/utilities/transaction.h"
#include "tessera/change_event.h"
#include "tessera/transaction.h"

namespace tessera::internal {

class Engine;

// Thread safety: not thread-safe (one thread at a time), like every transaction.
class TxnImpl final : public Transaction, public ReadSource {
 public:
  TxnImpl(Engine* engine, rocksdb::Transaction* txn, uint64_t id, std::string label);
  ~TxnImpl() override;

  // Transaction
  absl::Status Commit() override;
  absl::Status Rollback() override;
  bool active() const override { return state_ == State::kActive; }
  uint64_t id() const override { return id_; }
  size_t bytes_written() const override { return bytes_; }
  TxnImpl& impl() override { return *this; }
  ReadSource& source() const override { return const_cast<TxnImpl&>(*this); }

  // ReadSource: sees the transaction's own writes over its snapshot.
  absl::Status Get(Cf cf, std::string_view key, std::string* value, bool* found) override;
  absl::Status MultiGet(Cf cf, const std::vector<std::string>& keys,
                        std::vector<std::string>* values, std::vector<bool>* found) override;
  std::unique_ptr<BoundedIterator> NewIterator(Cf cf, std::string lower,
                                               std::string upper) override;
  Engine& engine() override { return *engine_; }

  // Reads `key` and locks it for this transaction; Aborted if another commit changed it since
  // the snapshot. `exclusive` false takes a shared lock: many transactions may hold it at once,
  // and an exclusive locker waits for all of them (used for per-object schema locks).
  absl::Status GetForUpdate(Cf cf, std::string_view key, std::string* value, bool* found,
                            bool exclusive = true);
  // GetForUpdate without the read: only locks `key` (and checks it against the snapshot).
  absl::Status Lock(Cf cf, std::string_view key, bool exclusive = true);
  // Lock, waiting up to `timeout_ms` for a holder instead of Options::lock_timeout_ms (for a
  // lock known to be held for long stretches, such as a graph's load guard).
  absl::Status LockWaiting(Cf cf, std::string_view key, bool exclusive, int64_t timeout_ms);
  // Writes. Each counts against Options::max_transaction_bytes (ResourceExhausted past it).
  absl::Status Put(Cf cf, std::string_view key, std::string_view value);
  // Put without a conflict check (RocksDB still locks the key), for keys no other transaction
  // can write (a key under an id this transaction allocated). Still read back by this transaction.
  absl::Status PutUnlocked(Cf cf, std::string_view key, std::string_view value);
  // Bulk loads: while indexing is off, writes skip the transaction's write index, so this
  // transaction does not read them back (until commit). Only for keys it will not read again.
  void SetIndexing(bool on);
  absl::Status Delete(Cf cf, std::string_view key);
  absl::Status Merge(Cf cf, std::string_view key, std::string_view operand);

  // Direct writes: the fast path of a single operation that writes only keys it has locked.
  // LockAndRead locks `key` (as GetForUpdate) and reads its committed value at the transaction's
  // snapshot (the latest without one), without looking through the transaction's own writes.
  // PutDirect / DeleteDirect collect writes of keys locked by this transaction in a plain write
  // batch, outside RocksDB's indexed transaction batch (no per-write lock check, no index; this
  // transaction does not read them back); Commit writes that batch and the events straight to
  // the database while the locks are still held, then releases them. The locks, the conflict
  // checks against the snapshot, the atomicity and the event order are those of Commit. Direct
  // writes and Put/Delete/Merge/PutUnlocked cannot be mixed in one transaction
  // (FailedPrecondition).
  absl::Status LockAndRead(Cf cf, std::string_view key, std::string* value, bool* found);
  absl::Status PutDirect(Cf cf, std::string_view key, std::string_view value);
  absl::Status DeleteDirect(Cf cf, std::string_view key);
  absl::Status MergeDirect(Cf cf, std::string_view key, std::string_view operand);

  // Direct mode (see the top of this file): whether this transaction is in it, and whether its
  // body asked for more than it offers (then the operation must run in a RocksDB transaction).
  bool direct_mode() const { return txn_ == nullptr; }
  bool needs_transaction() const { return needs_txn_; }
  // In direct mode: gives up the direct attempt (needs_transaction() becomes true) and returns
  // the Aborted status for the body to return. Nothing may have been written.
  absl::Status NeedTransaction(std::string_view what);
  // Records a change event; its seq, time and transaction fields are filled at commit.
  absl::Status AddEvent(ChangeEvent event);
  // The recorded events (after a successful Commit, with their sequence numbers).
  const std::vector<ChangeEvent>& events() const { return events_; }

  // FailedPrecondition unless the transaction is active and the database open.
  absl::Status CheckActive() const;
  const std::string& label() const { return label_; }

 private:
  enum class State { kActive, kCommitted, kRolledBack, kFailed };
  absl::Status Account(size_t bytes);
  // FailedPrecondition when the transaction has direct writes (`direct` false) or indexed
  // writes (`direct` true): the two kinds cannot be mixed.
  absl::Status CheckWriteKind(bool direct) const;
  rocksdb::ReadOptions ReadOpts() const;
  // The committed value of `key` (at the snapshot, if any), without this transaction's writes.
  absl::Status ReadCommitted(Cf cf, std::string_view key, std::string* value, bool* found);
  // The gate (engine.h): enters as a locker (before a RocksDB lock) or as a fast writer (direct
  // mode), and leaves (releasing a held stripe) once done.
  absl::Status EnterAsLocker();
  absl::Status EnterAsFastWriter();
  void LeaveGate();
  // A direct-mode write must be of a key under the held stripe.
  absl::Status CheckStripe(Cf cf, std::string_view key) const;
  absl::Status CommitFast();
  // Marks the transaction failed, logs `s` (txn.commit_failed) and returns it.
  absl::Status CommitFailed(absl::Status s);
  rocksdb::WriteBatch* DirectBatch();

  Engine* const engine_;
  std::unique_ptr<rocksdb::Transaction> txn_;
  const uint64_t id_;
  const std::string label_;
  State state_ = State::kActive;
  size_t bytes_ = 0;
  std::vector<ChangeEvent> events_;
  // The direct writes (null until the first); see PutDirect.
  std::unique_ptr<rocksdb::WriteBatch> direct_;
  // Where this transaction stands in the engine's gate, and the stripe it holds (direct mode).
  enum class Gate : uint8_t { kOut, kFastWriter, kLocker };
  Gate gate_ = Gate::kOut;
  int stripe_ = -1;
  bool needs_txn_ = false;
};

}  // namespace tessera::internal
