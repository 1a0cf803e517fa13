// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The series index (layout in ts_keys.h): series identity -> id, id -> record, and postings from
// tag key/value pairs and field names to series ids, all in the index column family. Choosing
// series by tags reads only these keys, never point data. Records are cached in memory once
// committed (ids are never reused, so the cache cannot go stale, only unused).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "core/engine/engine.h"
#include "core/util/mutex.h"
#include "models/ts/chunk_codec.h"
#include "tessera/ts.h"

namespace tessera::ts {

// One series of a measurement.
struct SeriesRecord {
  uint64_t sid = 0;                    // series id, unique within the measurement
  ValueType type = ValueType::kFloat;  // the field's value type, fixed at creation
  std::string field;                   // field name
  TsTags tags;                         // sorted by key
};

// The series of one tag set of a measurement that this process has resolved, by field. Immutable
// once published (a new field makes a new copy), so it can be read without a lock.
struct TagSetSeries {
  std::vector<std::shared_ptr<const SeriesRecord>> fields;  // a handful; searched linearly
  // The record of `field`, or null.
  const SeriesRecord* Find(std::string_view field, size_t hint) const;
  std::shared_ptr<const SeriesRecord> FindShared(std::string_view field, size_t hint) const;
};

// Thread safety: safe for concurrent use.
class SeriesIndex {
 public:
  explicit SeriesIndex(internal::Engine* engine) : engine_(engine) {}

  // The series of (field, tags) in measurement `mid` (tags sorted by key), created in its own
  // transaction when new. InvalidArgument if it exists with another value type.
  absl::StatusOr<SeriesRecord> Resolve(uint64_t mid, const std::string& field, const TsTags& tags,
                                       ValueType type);

  // The cached series of the tag set `tagset` (AppendTagSet of sorted tags) of `mid`, or null:
  // what the writers resolve once per series key and batch instead of once per value. Bounded:
  // past kMaxCachedTagSets per measurement the cache starts over (recently seen keys return).
  std::shared_ptr<const TagSetSeries> FindTagSet(uint64_t mid, const std::string& tagset);
  // Resolve, and remembers the record under its tag set for FindTagSet.
  absl::StatusOr<std::shared_ptr<const SeriesRecord>> ResolveInTagSet(uint64_t mid,
                                                                      const std::string& field,
                                                                      const TsTags& tags,
                                                                      const std::string& tagset,
                                                                      ValueType type);
  static constexpr size_t kMaxCachedTagSets = 200000;

  // One series a write needs: field, sorted tags, and the type of its first value.
  struct Wanted {
    const std::string* field;
    const TsTags* tags;
    ValueType type;
  };
  // Loads the records of `wanted` series of `mid` that are not cached, creating the missing ones
  // with their first value's type, in one transaction per kPrefetchBatch series (rather than one
  // each), so that Resolve then finds them cached. Types are not checked here (Resolve does).
  absl::Status Prefetch(uint64_t mid, const std::vector<Wanted>& wanted);
  static constexpr size_t kPrefetchBatch = 4096;

  // The series of `mid` with field `field` (every field if nullopt) matching all of `where`,
  // ordered by series id.
  absl::StatusOr<std::vector<SeriesRecord>> Select(internal::ReadSource& src, uint64_t mid,
                                                   const std::optional<std::string>& field,
                                                   const std::vector<TsTagFilter>& where);

  // One series by id (cached). DataLoss if it is missing.
  absl::StatusOr<SeriesRecord> Load(internal::ReadSource& src, uint64_t mid, uint64_t sid);

  // Forgets the cached series of a dropped measurement.
  void Forget(uint64_t mid);

  // Bumped (process-wide) after every transaction that may have created series (Resolve's and
  // Prefetch's), before their points are written: what ScopeCache validates its entries with
  // (ts_query_cache.h). Any new way of creating series must bump it too.
  static uint64_t Generation() { return generation_.load(std::memory_order_acquire); }

 private:
  struct Cache {
    std::unordered_map<std::string, SeriesRecord> by_identity;
    std::unordered_map<uint64_t, SeriesRecord> by_id;
    std::unordered_map<std::string, std::shared_ptr<const TagSetSeries>> by_tagset;
  };
  void Remember(uint64_t mid, const std::string& identity, const SeriesRecord& r);

  static inline std::atomic<uint64_t> generation_{0};
  internal::Engine* const engine_;
  util::Mutex mu_;
  std::unordered_map<uint64_t, Cache> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tessera::ts
