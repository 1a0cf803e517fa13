// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// DB: an open Tessera database. One directory, one RocksDB instance; every model's data, the
// catalog and the change log live in it, and one transaction can span all of them.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<tessera::DB> db, tessera::DB::Open("/path", {}));
//   ASSIGN_OR_RETURN(auto kv, tessera::KvStore::Open(db.get()));
//   RETURN_IF_ERROR(kv->Put("users", "alice", "{...}"));
//
// Thread safety: a DB is safe for concurrent use from many threads without external locking.
// Model handles and transactions must not outlive the DB they came from.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tessera/change_event.h"
#include "tessera/metrics.h"
#include "tessera/model.h"
#include "tessera/options.h"
#include "tessera/transaction.h"

namespace tessera {

namespace internal {
class Engine;
}

class DB {
 public:
  // Opens (or, with create_if_missing, creates) the database in directory `path`.
  // Errors: Unavailable if another process holds the database open ("locked");
  // FailedPrecondition for an unknown on-disk format; InvalidArgument for a bad path.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<DB>> Open(std::string_view path,
                                                                const Options& options = {});

  DB(const DB&) = delete;
  DB& operator=(const DB&) = delete;
  virtual ~DB() = default;

  // The directory the database lives in.
  virtual const std::string& path() const = 0;

  // Flushes and closes. Later calls on the DB, its handles and transactions fail with
  // FailedPrecondition. Called by the destructor if needed.
  [[nodiscard]] virtual absl::Status Close() = 0;

  // --- Transactions and snapshots ---

  // Begins a transaction that sees the database as of now plus its own writes.
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Transaction>> Begin(
      const TransactionOptions& options = {}) = 0;

  // Runs `body` in a new transaction and commits it. On a write-write conflict (from the body or
  // the commit) the transaction is rolled back and `body` runs again, up to retry.max_attempts
  // times; then the conflict is returned. Any other error from `body` rolls back and is returned.
  [[nodiscard]] virtual absl::Status RunTransaction(
      const std::function<absl::Status(Transaction&)>& body, const RetryOptions& retry = {},
      const TransactionOptions& options = {}) = 0;

  // A consistent read view of every model as of now.
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Snapshot>> GetSnapshot() = 0;

  // --- Catalog ---

  // Every named object, or those of one model, ordered by model then name.
  [[nodiscard]] virtual absl::StatusOr<std::vector<ObjectInfo>> ListObjects(
      std::optional<Model> model = std::nullopt) = 0;

  // The object `name` of `model`; NotFound if there is none.
  [[nodiscard]] virtual absl::StatusOr<ObjectInfo> GetObject(Model model,
                                                             std::string_view name) = 0;

  // Drops an object and every data and index key it owns (range deletions, not key by key).
  // NotFound if there is none.
  [[nodiscard]] virtual absl::Status DropObject(Model model, std::string_view name) = 0;

  // --- Change log (the minimal reader; the full change feed builds on it) ---

  // Committed events with seq >= options.from_seq, in commit order, at most options.limit.
  [[nodiscard]] virtual absl::StatusOr<std::vector<ChangeEvent>> ReadChanges(
      const ChangeReadOptions& options = {}) = 0;

  // The sequence number of the last committed event (0 when none was ever written).
  virtual uint64_t LastSequence() const = 0;

  // --- Backup ---

  // Writes a consistent copy of the whole database (every model, the catalog and the change log
  // as of one instant) into the new directory `dir`, while other threads keep reading and
  // writing (a RocksDB checkpoint: SST files are hard-linked when `dir` is on the same file
  // system, copied otherwise). The result IS a database directory: DB::Open(dir) or
  // `tessera --db DIR` opens it; to restore, stop the application and copy `dir` back in place of
  // the database directory. AlreadyExists if `dir` exists; InvalidArgument for an empty path.
  [[nodiscard]] virtual absl::Status Backup(std::string_view dir) = 0;

  // --- Maintenance ---

  // Writes every memtable to files and compacts every column family into its last level, as a
  // maintenance step after a bulk load or large deletes: space of overwritten, deleted and
  // expired data (TTL, retention, garbage-collected versions) is reclaimed, and later reads and
  // background work start from a settled tree. Blocks until done; readers and writers may run
  // meanwhile. Costs a rewrite of the whole database.
  [[nodiscard]] virtual absl::Status Compact() = 0;

  // --- Observability ---

  // Operation counts and latencies, sizes and storage statistics, as of now.
  [[nodiscard]] virtual absl::StatusOr<MetricsSnapshot> GetMetrics() = 0;

  // Internal: the engine behind the DB, for the model libraries. Not for applications.
  virtual internal::Engine& engine() = 0;

 protected:
  DB() = default;
};

}  // namespace tessera
