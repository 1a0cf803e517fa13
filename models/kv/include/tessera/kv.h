// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The key-value model: named namespaces of byte-string keys and values, with point operations,
// ordered range and prefix scans, atomic counters, compare-and-set and per-key time-to-live.
//
//   ASSIGN_OR_RETURN(auto kv, tessera::KvStore::Open(db));
//   RETURN_IF_ERROR(kv->Put("sessions", "s1", "data", {.ttl_seconds = 60}));
//   ASSIGN_OR_RETURN(std::optional<std::string> v, kv->Get("sessions", "s1"));
//
// Every write without a Transaction argument is its own transaction. Writing to a namespace that
// does not exist creates it (as MongoDB creates collections); reading one that does not exist
// finds nothing. Limits: keys 1..8192 bytes, values up to 16 MiB, namespace names 1..128 bytes of
// [A-Za-z0-9_.-].
//
// Thread safety: a KvStore is safe for concurrent use from many threads. It must not outlive
// its DB.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tessera/cursor.h"
#include "tessera/db.h"

namespace tessera {

inline constexpr size_t kMaxKvKeyBytes = 8192;
inline constexpr size_t kMaxKvValueBytes = 16 << 20;

struct KvPutOptions {
  // Seconds until the key expires (0: never). An expired key is invisible at once and is removed
  // physically by compaction.
  int64_t ttl_seconds = 0;
};

// One entry of a scan. The views stay valid until the cursor moves or is destroyed.
struct KvEntry {
  std::string_view key;    // the key
  std::string_view value;  // the value
};

// Which keys a scan visits. Bounds combine: a key is visited when it has the prefix and lies in
// [from, to).
struct KvScanOptions {
  std::string prefix;               // only keys starting with these bytes ("" = all)
  std::optional<std::string> from;  // the smallest key visited (inclusive)
  std::optional<std::string> to;    // the key where the scan stops (exclusive)
  size_t limit = 0;                 // the most entries returned (0 = no limit)
  bool reverse = false;             // visit keys from largest to smallest
};

// A write of a batch: a put (value set) or a delete (value empty optional).
struct KvWrite {
  std::string key;                   // the key written
  std::optional<std::string> value;  // the new value, or nullopt to delete the key
  int64_t ttl_seconds = 0;           // for a put: seconds until expiry (0: never)
};

class KvStore {
 public:
  // A handle on the key-value model of `db`. `db` must outlive the handle.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<KvStore>> Open(DB* db);

  KvStore(const KvStore&) = delete;
  KvStore& operator=(const KvStore&) = delete;
  virtual ~KvStore() = default;

  // --- Namespaces ---
  // Creates a namespace. AlreadyExists if it exists.
  [[nodiscard]] virtual absl::Status CreateNamespace(std::string_view ns) = 0;
  // Drops a namespace and all its keys. NotFound if it does not exist.
  [[nodiscard]] virtual absl::Status DropNamespace(std::string_view ns) = 0;
  // The names of every namespace, in order.
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::string>> ListNamespaces() = 0;

  // --- Reads: latest committed data, or through a snapshot / transaction ---
  // The value of `key`, or nullopt when absent or expired.
  [[nodiscard]] virtual absl::StatusOr<std::optional<std::string>> Get(std::string_view ns,
                                                                       std::string_view key) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::optional<std::string>> Get(const ReadView& view,
                                                                       std::string_view ns,
                                                                       std::string_view key) = 0;
  // The values of several keys of one namespace, in the order of `keys`.
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::optional<std::string>>> MultiGet(
      std::string_view ns, const std::vector<std::string>& keys) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::optional<std::string>>> MultiGet(
      const ReadView& view, std::string_view ns, const std::vector<std::string>& keys) = 0;
  // A streaming scan in key order (bytewise). The cursor reads a consistent snapshot. A cursor
  // over a view must be destroyed before the view; every cursor before DB::Close.
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Cursor<KvEntry>>> Scan(
      std::string_view ns, const KvScanOptions& options) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Cursor<KvEntry>>> Scan(
      const ReadView& view, std::string_view ns, const KvScanOptions& options) = 0;

  // --- Writes: their own transaction, or inside `txn` ---
  [[nodiscard]] virtual absl::Status Put(std::string_view ns, std::string_view key,
                                         std::string_view value,
                                         const KvPutOptions& options = {}) = 0;
  [[nodiscard]] virtual absl::Status Put(Transaction& txn, std::string_view ns,
                                         std::string_view key, std::string_view value,
                                         const KvPutOptions& options = {}) = 0;
  // Deletes `key`; returns whether it existed (and was not expired).
  [[nodiscard]] virtual absl::StatusOr<bool> Delete(std::string_view ns, std::string_view key) = 0;
  [[nodiscard]] virtual absl::StatusOr<bool> Delete(Transaction& txn, std::string_view ns,
                                                    std::string_view key) = 0;
  // Applies every write of `writes` atomically.
  [[nodiscard]] virtual absl::Status WriteBatch(std::string_view ns,
                                                const std::vector<KvWrite>& writes) = 0;
  [[nodiscard]] virtual absl::Status WriteBatch(Transaction& txn, std::string_view ns,
                                                const std::vector<KvWrite>& writes) = 0;
  // Adds `delta` to the integer stored at `key` (absent counts as 0) and returns the new value.
  // The value is kept as decimal text, so Get returns "42". InvalidArgument if the current value
  // is not a decimal int64, or on overflow. A key's TTL is kept.
  [[nodiscard]] virtual absl::StatusOr<int64_t> Increment(std::string_view ns, std::string_view key,
                                                          int64_t delta = 1) = 0;
  [[nodiscard]] virtual absl::StatusOr<int64_t> Increment(Transaction& txn, std::string_view ns,
                                                          std::string_view key,
                                                          int64_t delta = 1) = 0;
  // Sets `key` to `desired` only if its current value equals `expected` (nullopt: absent).
  // Returns whether it swapped. `desired` nullopt deletes the key.
  [[nodiscard]] virtual absl::StatusOr<bool> CompareAndSet(
      std::string_view ns, std::string_view key, const std::optional<std::string>& expected,
      const std::optional<std::string>& desired, const KvPutOptions& options = {}) = 0;
  [[nodiscard]] virtual absl::StatusOr<bool> CompareAndSet(
      Transaction& txn, std::string_view ns, std::string_view key,
      const std::optional<std::string>& expected, const std::optional<std::string>& desired,
      const KvPutOptions& options = {}) = 0;

 protected:
  KvStore() = default;
};

}  // namespace tessera
