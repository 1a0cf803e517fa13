// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The in-memory caches of the time-series read path, each used only when it provably gives what
// reading RocksDB would give: scopes, last points (with whole LastRows results) and measurement
// handles (MeasurementCache, below).
//
// ScopeCache: the series a query's tag filter selects, grouped as the query groups them (by the
// `by` tags, or by tag set for Last), keyed by (measurement id, fields, where, by). The series
// index only grows (series are never deleted; a dropped measurement's id is never reused), and
// every series is created by SeriesIndex::Resolve or Prefetch, which bump
// SeriesIndex::Generation() after their transaction commits. An entry is built from the latest
// state after reading the generation g, and used while the generation is still g: then no series
// was created since (or one was, but it is already in the entry, or the points of its creator are
// not written yet, since Resolve and Prefetch return after the bump). Older views (snapshots,
// transactions) may see fewer series than the entry holds; the extra ones have no points in such a
// view (a series exists before any of its points), so Query and Last give the same rows. ListSeries
// does not use it.
//
// LastPointCache: the newest point of each series (any time), valid for the state in which the
// measurement's last change is `change` = ChangeLog::LastSeqOf(mid). Every write of points
// records a change event of its measurement, and the change log sets LastSeqOf under its commit
// mutex, in the same critical section as the RocksDB commit. LastSeqOf reads it without that
// mutex (change_log.h has the argument: the commit marks the object in flight before RocksDB
// publishes it, and a reader that finds the mark waits for the mutex), with the same guarantee as
// taking it: once it returns L, commit L is visible, and a reader that has seen (through RocksDB)
// any later commit of the measurement gets more than L (it only grows). The writes that record no
// event do not change what a reader sees:
// sealing (chunk and head merged the same way), series creation (no points), and retention while
// it stays the same (it deletes windows already older than the cutoff every read applies). A
// retention that is lowered or lifted would let deleted points be seen again, so every entry is
// also tagged with the Catalog::generation() read before the reads it came from (every retention
// change bumps it) and used only at that generation. A reader of the latest state reads
// L, uses entries tagged L, and stores what it read under L only if LastSeqOf is still L after
// its reads (else what it read may be newer than L). A reader of a Snapshot at position T reads
// L after the snapshot was taken: when L <= T the snapshot's state of the measurement is state L.
// Transactions (own uncommitted writes) and databases without a change log never use it. After a
// restart LastSeqOf starts at 0 for every measurement and the cache is empty.
// Whole LastRows results are kept the same way, keyed by (scope id, lo, hi, limit, desc) -- the
// scope id stands for the measurement, fields (order and repeats), where, by and grouping, and
// a scope rebuilt after a series was created gets a new id -- and stored only when every point
// they were built from is provably state L (from entries tagged L, or read at a snapshot, or read
// from the latest state while LastSeqOf stayed L). Not with a retention (the cutoff moves).
//
// Thread safety: every cache is safe for concurrent use; entries are immutable once published.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "core/catalog/catalog.h"
#include "core/util/mutex.h"
#include "models/ts/chunk_codec.h"
#include "models/ts/series_index.h"
#include "tessera/ts.h"

namespace tessera::ts {

// The series of a query, grouped. Immutable.
struct CachedScope {
  uint64_t id = 0;                   // unique in the process (keys LastPointCache's copies)
  uint64_t generation = 0;           // SeriesIndex::Generation() read before it was built
  std::vector<SeriesRecord> series;  // selected series of the requested fields, by id
  std::vector<TsTags> group_tags;    // the groups' tags, sorted
  // members[g][f]: indices into `series` of group g's series of field f, by series id.
  std::vector<std::vector<std::vector<uint32_t>>> members;
  // group_of[i]: the group of series[i]; field_of[i]: its index in the requested fields.
  std::vector<uint32_t> group_of, field_of;
};

class ScopeCache {
 public:
  // How a scope groups its series.
  enum class Grouping {
    kByTags,
    kByTagSet
  };  // `by` tags (all series in one group when empty),
      // or, for Last without `by`, each tag set apart
  // The cache key of a query's scope, written over *key (a reused buffer: no allocation once it
  // has grown to the size of the keys in use).
  static void Key(uint64_t mid, const std::vector<std::string>& fields,
                  const std::vector<TsTagFilter>& where, const std::vector<std::string>& by,
                  Grouping grouping, std::string* key);
  // The entry under `key` built at `generation`, or null.
  std::shared_ptr<const CachedScope> Find(std::string_view key, uint64_t generation);
  void Put(std::string_view key, std::shared_ptr<const CachedScope> scope);
  // Groups `series` (selected for `fields`, ordered by id) into a scope.
  static std::shared_ptr<const CachedScope> Build(uint64_t generation,
                                                  std::vector<SeriesRecord> series,
                                                  const std::vector<std::string>& fields,
                                                  const std::vector<std::string>& by,
                                                  Grouping grouping);
  // Bounds: entries, and series records over all entries (then it starts over); a scope of more
  // series than that is not kept.
  static constexpr size_t kMaxEntries = 1024;
  static constexpr size_t kMaxSeries = size_t{1} << 18;

 private:
  util::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const CachedScope>> entries_
      ABSL_GUARDED_BY(mu_);
  size_t series_ ABSL_GUARDED_BY(mu_) = 0;  // records held by entries_
};

// What a query needs of a measurement's catalog record: its id and retention, decoded once per
// catalog generation instead of a catalog lookup (a copy of the name and options) and a JSON
// decode per query. An entry is built from the catalog after reading its generation g and used
// while Catalog::generation() is still g: every create, drop and options change bumps it under
// the catalog's lock, in the same critical section as the change, so a reader that finds g
// current finds the record the entry was built from (or a newer one, only while such a change
// is concurrent with it). A dropped and recreated measurement is a new id and a new generation.
// Thread safety: safe for concurrent use.
class MeasurementCache {
 public:
  struct Handle {
    bool found = false;        // false: no such measurement (a cached miss)
    uint64_t id = 0;           // catalog id
    int64_t retention_ns = 0;  // MeasurementOptions::retention_ns
  };
  // The time-series measurement `name` as the catalog holds it now.
  absl::StatusOr<Handle> Get(const internal::Catalog& catalog, std::string_view name);
  static constexpr size_t kMaxEntries = 4096;  // then it starts over

 private:
  struct Entry {
    uint64_t generation = 0;
    Handle handle;
  };
  util::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

// The last scope a store resolved, with the query inputs it was resolved for, compared with the
// next query's as they are (an IN list in another order is a miss here, not in ScopeCache): a
// repeated query skips MeasurementCache, the scope key and ScopeCache. Used while the catalog's
// generation and SeriesIndex::Generation() are both those read before it was resolved -- the
// conditions under which those two caches would return the same entries.
// Thread safety: safe for concurrent use.
class RecentScope {
 public:
  struct Value {
    MeasurementCache::Handle measurement;
    std::shared_ptr<const CachedScope> scope;
  };
  std::optional<Value> Find(const TsQuery& q, const std::vector<std::string>& fields,
                            ScopeCache::Grouping grouping, uint64_t catalog_generation,
                            uint64_t series_generation);
  void Put(const TsQuery& q, const std::vector<std::string>& fields, ScopeCache::Grouping grouping,
           uint64_t catalog_generation, uint64_t series_generation, Value value);

 private:
  util::Mutex mu_;
  bool valid_ ABSL_GUARDED_BY(mu_) = false;
  std::string measurement_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> fields_ ABSL_GUARDED_BY(mu_);
  std::vector<TsTagFilter> where_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> by_ ABSL_GUARDED_BY(mu_);
  ScopeCache::Grouping grouping_ ABSL_GUARDED_BY(mu_) = ScopeCache::Grouping::kByTags;
  uint64_t catalog_generation_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t series_generation_ ABSL_GUARDED_BY(mu_) = 0;
  Value value_ ABSL_GUARDED_BY(mu_);
};

class LastPointCache {
 public:
  // What a LastRows result depends on besides the measurement's state and the scope's fields
  // and grouping (all in the scope's identity).
  struct RowsKey {
    uint64_t scope_id = 0;   // CachedScope::id
    int64_t lo = 0, hi = 0;  // the visible time range
    size_t limit = 0;
    bool desc = false;
    bool operator==(const RowsKey&) const = default;
  };
  // The rows of a LastRows of `key` in state `change` of `mid` (stored by StoreRows), or null.
  //
  // Every call also takes `gen`, the Catalog::generation() the caller read before its reads:
  // retention deletes record no change event, but every retention change bumps the catalog
  // generation, so entries are used and stored only at the newest generation seen (a newer one
  // clears them all).
  std::shared_ptr<const std::vector<TsFieldsRow>> FindRows(uint64_t gen, uint64_t mid,
                                                           uint64_t change, const RowsKey& key);
  // Remembers the rows of a LastRows that provably read state `change` (ts_store_query.cc).
  void StoreRows(uint64_t gen, uint64_t mid, uint64_t change, const RowsKey& key,
                 std::shared_ptr<const std::vector<TsFieldsRow>> rows);
  // Results: at most this many per measurement, of at most kMaxRowsPerResult rows each.
  static constexpr size_t kMaxResultsPerMeasurement = 32;
  static constexpr size_t kMaxRowsPerResult = 4096;

  // The cached newest point of each of `sids` of `mid` in state `change`: (*out)[i] is nullopt
  // when sids[i] is not cached, else the point (or nullopt: the series has no point). Returns
  // whether any was cached.
  bool Lookup(uint64_t gen, uint64_t mid, uint64_t change, const std::vector<uint64_t>& sids,
              std::vector<std::optional<std::optional<RawPoint>>>* out);
  // Remembers newest points read in state `change` (an entry for an older change is replaced;
  // points for an older change than the entry's are dropped).
  void Store(uint64_t gen, uint64_t mid, uint64_t change,
             const std::vector<std::pair<uint64_t, std::optional<RawPoint>>>& points);
  // The newest points of every series of `scope` in state `change` (aligned with
  // scope.series), when a complete set was stored with StoreScope; else null. What a repeated
  // Last of the same scope reads instead of one lookup per series.
  std::shared_ptr<const std::vector<std::optional<RawPoint>>> FindScope(uint64_t gen,
                                                                        const CachedScope& scope,
                                                                        uint64_t mid,
                                                                        uint64_t change);
  void StoreScope(uint64_t gen, const CachedScope& scope, uint64_t mid, uint64_t change,
                  std::shared_ptr<const std::vector<std::optional<RawPoint>>> points);
  // Forgets a measurement (dropped).
  void Erase(uint64_t mid);
  static constexpr size_t kMaxSeriesPerMeasurement = size_t{4} << 20;
  // Scope copies: at most this many per measurement, of scopes of at most kMaxScopeSeries.
  static constexpr size_t kMaxScopesPerMeasurement = 32;
  static constexpr size_t kMaxScopeSeries = size_t{1} << 16;

 private:
  struct Entry {
    uint64_t change = 0;
    absl::flat_hash_map<uint64_t, std::optional<RawPoint>> last;  // by series id
    // By CachedScope::id: the newest point of each of its series.
    absl::flat_hash_map<uint64_t, std::shared_ptr<const std::vector<std::optional<RawPoint>>>>
        scopes;
    // LastRows results (a few: a linear search).
    std::vector<std::pair<RowsKey, std::shared_ptr<const std::vector<TsFieldsRow>>>> rows;
  };
  // The entry of `mid` made current for `change` (cleared when older); null when the entry is
  // newer than `change` (what was read is older than what it holds).
  Entry* EntryFor(uint64_t mid, uint64_t change) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Whether entries may be used or stored at catalog generation `gen` (clears them all when
  // `gen` is newer than any seen).
  bool AtGeneration(uint64_t gen) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  util::Mutex mu_;
  uint64_t gen_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<uint64_t, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tessera::ts
