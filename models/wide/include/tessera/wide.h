// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The wide-column model (Bigtable / HBase style): tables of rows sorted by row key; each row holds
// cells (family, qualifier, timestamp) -> bytes. Families are declared per table with a garbage
// collection policy (max versions, TTL, min versions); qualifiers are dynamic. A column keeps
// several versions, read newest first.
//
//   ASSIGN_OR_RETURN(auto wide, tessera::WideStore::Open(db));
//   RETURN_IF_ERROR(wide->CreateFamily("web", "contents", {.max_versions = 3}));
//   RETURN_IF_ERROR(wide->Put("web", "com.example/", {{"contents", "html", "<html>..."}}));
//   ASSIGN_OR_RETURN(std::optional<tessera::WideRow> row, wide->Get("web", "com.example/", {}));
//
// Every write without a Transaction argument is its own transaction; every write of a row takes
// the row's lock, so writes of one row are serialised and check-and-mutate and increment are
// atomic. The GC policy is applied at every read; compaction removes the collected cells
// physically once a WideStore has been opened in the process (see docs/models/wide-column.md).
// Limits: row keys 1..4096 bytes, qualifiers up to 1024 bytes, values up to 16 MiB, up to 200
// families per table, timestamps 0..2^63-1 microseconds.
//
// Thread safety: a WideStore is safe for concurrent use from many threads. It must not outlive
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

inline constexpr size_t kMaxWideRowKeyBytes = 4096;
inline constexpr size_t kMaxWideQualifierBytes = 1024;
inline constexpr size_t kMaxWideValueBytes = 16 << 20;
inline constexpr size_t kMaxWideFamilies = 200;

// The garbage-collection policy of a column family. A version (index 0 = newest) of a column is
// kept while index < max_versions (when max_versions > 0) and, when ttl_seconds > 0, while its
// timestamp is at most ttl_seconds old or index < min_versions.
struct WideFamilyOptions {
  uint32_t max_versions = 1;  // versions kept per column (0 = unlimited); HBase's default is 1
  int64_t ttl_seconds = 0;    // maximum age of a cell by its timestamp (0 = forever)
  uint32_t min_versions = 0;  // versions kept regardless of the TTL (bounded by max_versions)
};

// A declared family of a table.
struct WideFamily {
  std::string name;           // the family's name
  WideFamilyOptions options;  // its GC policy
};

// One cell as read.
struct WideCell {
  std::string family;     // family name
  std::string qualifier;  // column qualifier
  int64_t timestamp = 0;  // microseconds
  std::string value;      // the bytes
};

// A row as read: its cells ordered by family (declaration order), qualifier (bytewise), then
// timestamp, newest first.
struct WideRow {
  std::string key;              // the row key
  std::vector<WideCell> cells;  // never empty for a returned row
};

// A cell to write. Without a timestamp the write's time (microseconds) is used; every cell of a
// write without one gets the same time.
struct WideCellWrite {
  std::string family;                     // a declared family
  std::string qualifier;                  // any bytes, up to kMaxWideQualifierBytes
  std::string value;                      // the bytes
  std::optional<int64_t> timestamp = {};  // microseconds, >= 0
};

// A column selection: a whole family (no qualifier) or one column.
struct WideColumn {
  std::string family;                    // the family
  std::optional<std::string> qualifier;  // one qualifier, or nullopt for the whole family
};

// How a value filter compares a cell's value (bytewise) with its operand.
enum class WideCompare { kEqual, kNotEqual, kLess, kLessOrEqual, kGreater, kGreaterOrEqual };

// Keeps only cells whose value compares `op` with `operand`.
struct WideValueFilter {
  WideCompare op = WideCompare::kEqual;  // the comparison
  std::string operand;                   // the bytes compared with
};

// What a Get returns of a row.
struct WideGetOptions {
  std::vector<WideColumn> columns;       // families / columns wanted (empty = all)
  uint32_t max_versions = 1;             // newest versions per column returned (0 = all kept)
  int64_t min_timestamp = 0;             // the time range [min_timestamp, max_timestamp) ...
  std::optional<int64_t> max_timestamp;  // ... (nullopt: no upper bound)
};

// Which rows and cells a Scan returns. Row bounds combine: a row is visited when it has the
// prefix and lies in [from, to). Cell filters apply in this order: column selection, qualifier
// prefix and range, GC policy, time range, max_versions per column, then the value filters (so
// `max_versions 1` with a value filter tests the newest version). A row with no cell left is
// skipped.
struct WideScanOptions {
  std::string prefix;                          // only rows starting with these bytes
  std::optional<std::string> from;             // the first row key visited (inclusive)
  std::optional<std::string> to;               // the row key where the scan stops (exclusive)
  bool reverse = false;                        // rows from last to first (cells keep their order)
  size_t limit = 0;                            // the most rows returned (0 = no limit)
  std::vector<WideColumn> columns;             // families / columns wanted (empty = all)
  std::string qualifier_prefix;                // only qualifiers starting with these bytes
  std::optional<std::string> qualifier_from;   // only qualifiers >= this
  std::optional<std::string> qualifier_to;     // only qualifiers < this
  std::vector<WideValueFilter> value_filters;  // every filter must hold for a cell to be kept
  uint32_t max_versions = 1;                   // cells per column (0 = all kept)
  int64_t min_timestamp = 0;                   // the time range [min_timestamp, max_timestamp)
  std::optional<int64_t> max_timestamp;        // (nullopt: no upper bound)
};

// What a Delete removes from a row. Deletions apply to the cells present when they run (as in
// Bigtable): a later write with an older timestamp is visible.
struct WideDelete {
  enum class Scope { kRow, kFamily, kColumn, kVersion };
  Scope scope = Scope::kRow;
  std::string family;                // kFamily, kColumn, kVersion
  std::string qualifier;             // kColumn, kVersion
  std::optional<int64_t> timestamp;  // kColumn: versions <= it (nullopt: all); kVersion: required

  static WideDelete Row() { return {}; }
  static WideDelete Family(std::string f) { return {Scope::kFamily, std::move(f), {}, {}}; }
  static WideDelete Column(std::string f, std::string q, std::optional<int64_t> up_to = {}) {
    return {Scope::kColumn, std::move(f), std::move(q), up_to};
  }
  static WideDelete Version(std::string f, std::string q, int64_t ts) {
    return {Scope::kVersion, std::move(f), std::move(q), ts};
  }
};

// The condition of a check-and-mutate: the newest live version of one column compared with
// `expected` (bytewise, by `op`), or, with `expected` nullopt, the column having no live version.
struct WideCheck {
  std::string family;                    // the column checked ...
  std::string qualifier;                 // ...
  std::optional<std::string> expected;   // nullopt: the column must be absent
  WideCompare op = WideCompare::kEqual;  // current `op` expected
};

class WideStore {
 public:
  // A handle on the wide-column model of `db`; registers the model's compaction hook on the
  // database's engine (physical GC). `db` must outlive the handle.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<WideStore>> Open(DB* db);

  WideStore(const WideStore&) = delete;
  WideStore& operator=(const WideStore&) = delete;
  virtual ~WideStore() = default;

  // --- Tables and families ---
  // Declares `family` in `table`, creating the table if needed. If the family exists its policy
  // is replaced. InvalidArgument for a bad name or policy.
  [[nodiscard]] virtual absl::Status CreateFamily(std::string_view table, std::string_view family,
                                                  const WideFamilyOptions& options = {}) = 0;
  // Drops a table and all its cells. NotFound if it does not exist.
  [[nodiscard]] virtual absl::Status DropTable(std::string_view table) = 0;
  // The names of every table, in order.
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::string>> ListTables() = 0;
  // The families of `table` in declaration order. NotFound if it does not exist.
  [[nodiscard]] virtual absl::StatusOr<std::vector<WideFamily>> ListFamilies(
      std::string_view table) = 0;

  // --- Reads: latest committed data, or through a snapshot / transaction ---
  // The row's live cells selected by `options`, or nullopt when none.
  [[nodiscard]] virtual absl::StatusOr<std::optional<WideRow>> Get(
      std::string_view table, std::string_view row, const WideGetOptions& options = {}) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::optional<WideRow>> Get(
      const ReadView& view, std::string_view table, std::string_view row,
      const WideGetOptions& options = {}) = 0;
  // A streaming scan of rows, one row at a time. A cursor over a view must be destroyed before
  // the view; every cursor before DB::Close.
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Cursor<WideRow>>> Scan(
      std::string_view table, const WideScanOptions& options = {}) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Cursor<WideRow>>> Scan(
      const ReadView& view, std::string_view table, const WideScanOptions& options = {}) = 0;

  // --- Writes: their own transaction, or inside `txn` ---
  // Writes the cells (one row, atomically). A cell with the timestamp of an existing version
  // replaces it.
  [[nodiscard]] virtual absl::Status Put(std::string_view table, std::string_view row,
                                         const std::vector<WideCellWrite>& cells) = 0;
  [[nodiscard]] virtual absl::Status Put(Transaction& txn, std::string_view table,
                                         std::string_view row,
                                         const std::vector<WideCellWrite>& cells) = 0;
  // Deletes what `what` names; returns how many live cells were removed.
  [[nodiscard]] virtual absl::StatusOr<size_t> Delete(std::string_view table, std::string_view row,
                                                      const WideDelete& what) = 0;
  [[nodiscard]] virtual absl::StatusOr<size_t> Delete(Transaction& txn, std::string_view table,
                                                      std::string_view row,
                                                      const WideDelete& what) = 0;
  // If `check` holds, applies `puts` then `deletes` to the row, atomically; returns whether it
  // did.
  [[nodiscard]] virtual absl::StatusOr<bool> CheckAndMutate(
      std::string_view table, std::string_view row, const WideCheck& check,
      const std::vector<WideCellWrite>& puts, const std::vector<WideDelete>& deletes = {}) = 0;
  [[nodiscard]] virtual absl::StatusOr<bool> CheckAndMutate(
      Transaction& txn, std::string_view table, std::string_view row, const WideCheck& check,
      const std::vector<WideCellWrite>& puts, const std::vector<WideDelete>& deletes = {}) = 0;
  // Adds `delta` to the decimal integer in the newest version of the column (absent: 0) and
  // writes the sum as a new version (decimal text) at max(now, newest timestamp + 1). Returns
  // the sum. InvalidArgument if the value is not a decimal int64 or on overflow.
  [[nodiscard]] virtual absl::StatusOr<int64_t> Increment(std::string_view table,
                                                          std::string_view row,
                                                          std::string_view family,
                                                          std::string_view qualifier,
                                                          int64_t delta = 1) = 0;
  [[nodiscard]] virtual absl::StatusOr<int64_t> Increment(Transaction& txn, std::string_view table,
                                                          std::string_view row,
                                                          std::string_view family,
                                                          std::string_view qualifier,
                                                          int64_t delta = 1) = 0;

 protected:
  WideStore() = default;
};

}  // namespace tessera
