// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Read views, snapshots and transactions. A transaction reads and writes any model; it sees its
// own writes and, for everything else, the database as of its start (snapshot isolation).
#pragma once

#include <cstdint>

#include "absl/status/status.h"

namespace tessera {

namespace internal {
class ReadSource;
class TxnImpl;
}  // namespace internal

// Something that model reads can be served from: a Snapshot or a Transaction.
// Thread safety: see the concrete classes.
class ReadView {
 public:
  ReadView(const ReadView&) = delete;
  ReadView& operator=(const ReadView&) = delete;
  virtual ~ReadView() = default;

  // Internal: the storage behind the view. Not for applications.
  virtual internal::ReadSource& source() const = 0;

 protected:
  ReadView() = default;
};

// A consistent read handle: every model seen as of one moment. Released on destruction.
// Thread safety: a Snapshot may be read from many threads at once.
class Snapshot : public ReadView {
 public:
  // The last change-log sequence number committed when the snapshot was taken.
  virtual uint64_t sequence() const = 0;
};

// A transaction over every model. Begun by DB::Begin; finished by Commit or Rollback; rolled back
// on destruction if still open. After a conflict (IsConflict) the whole transaction should be
// rolled back and retried (DB::RunTransaction does this).
// Thread safety: not thread-safe; use a transaction from one thread at a time.
class Transaction : public ReadView {
 public:
  // Makes every write of the transaction durable and visible, atomically, with its change
  // events. Aborted on a conflict; FailedPrecondition if already finished.
  [[nodiscard]] virtual absl::Status Commit() = 0;
  // Discards every write. FailedPrecondition if already finished.
  [[nodiscard]] virtual absl::Status Rollback() = 0;
  // True until Commit or Rollback.
  virtual bool active() const = 0;
  // The id of the transaction, unique in the database's lifetime; change events carry it.
  virtual uint64_t id() const = 0;
  // Bytes written so far (keys, values and change events), checked against
  // Options::max_transaction_bytes.
  virtual size_t bytes_written() const = 0;

  // Internal: the implementation. Not for applications.
  virtual internal::TxnImpl& impl() = 0;
};

}  // namespace tessera
