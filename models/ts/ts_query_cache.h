// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Two in-memory caches of the time-series read path, each used only when it provably gives what
// reading RocksDB would give.
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
// mutex, in the same critical section as the RocksDB commit; LastSeqOf takes that mutex, so once
// it returns L, commit L is visible and any later commit of the measurement will make it return
// more than L (it only grows). The writes that record no event do not change what a reader sees:
// sealing (chunk and head merged the same way), retention (it deletes windows already older than
// the cutoff every read applies), series creation (no points). A reader of the latest state reads
// L, uses entries tagged L, and stores what it read under L only if LastSeqOf is still L after
// its reads (else what it read may be newer than L). A reader of a Snapshot at position T reads
// L after the snapshot was taken: when L <= T the snapshot's state of the measurement is state L.
// Transactions (own uncommitted writes) and databases without a change log never use it. After a
// restart LastSeqOf starts at 0 for every measurement and the cache is empty.
//
// Thread safety: both caches are safe for concurrent use; entries are immutable once published.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
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
  // The cache key of a query's scope.
  static std::string Key(uint64_t mid, const std::vector<std::string>& fields,
                         const std::vector<TsTagFilter>& where, const std::vector<std::string>& by,
                         Grouping grouping);
  // The entry under `key` built at `generation`, or null.
  std::shared_ptr<const CachedScope> Find(const std::string& key, uint64_t generation);
  void Put(const std::string& key, std::shared_ptr<const CachedScope> scope);
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

class LastPointCache {
 public:
  // The cached newest point of each of `sids` of `mid` in state `change`: (*out)[i] is nullopt
  // when sids[i] is not cached, else the point (or nullopt: the series has no point). Returns
  // whether any was cached.
  bool Lookup(uint64_t mid, uint64_t change, const std::vector<uint64_t>& sids,
              std::vector<std::optional<std::optional<RawPoint>>>* out);
  // Remembers newest points read in state `change` (an entry for an older change is replaced;
  // points for an older change than the entry's are dropped).
  void Store(uint64_t mid, uint64_t change,
             const std::vector<std::pair<uint64_t, std::optional<RawPoint>>>& points);
  // The newest points of every series of `scope` in state `change` (aligned with
  // scope.series), when a complete set was stored with StoreScope; else null. What a repeated
  // Last of the same scope reads instead of one lookup per series.
  std::shared_ptr<const std::vector<std::optional<RawPoint>>> FindScope(const CachedScope& scope,
                                                                        uint64_t mid,
                                                                        uint64_t change);
  void StoreScope(const CachedScope& scope, uint64_t mid, uint64_t change,
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
  };
  util::Mutex mu_;
  absl::flat_hash_map<uint64_t, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tessera::ts
