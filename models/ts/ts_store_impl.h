// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// TsStoreImpl: the time-series model behind tessera/ts.h. Writes, sealing, retention and
// downsampling are in ts_store_write.cc; queries and statistics in ts_store_query.cc.
//
// Write path: points are collected and validated by series key and field (PointBatch), their
// series resolved once per series key (created in their own transactions), and each series'
// points of each time window are Put as one head block in one transaction with one change event
// per measurement per batch. After the commit, windows of the touched series that have closed
// (older than the window before the series' newest) are sealed: head points merged into the
// window's chunk, in a transaction of their own with a snapshot, so a concurrent write to the same
// keys conflicts and retries rather than being lost.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/engine/engine.h"
#include "core/obs/metrics.h"
#include "core/util/mutex.h"
#include "models/ts/measurement_options.h"
#include "models/ts/series_index.h"
#include "models/ts/ts_aggregate.h"
#include "models/ts/ts_batch.h"
#include "models/ts/ts_query_cache.h"
#include "models/ts/ts_rows.h"
#include "models/ts/ts_window_cache.h"
#include "tessera/ts.h"

namespace tessera::ts {

// Thread safety: safe for concurrent use.
class TsStoreImpl final : public TsStore {
 public:
  explicit TsStoreImpl(DB* db);

  absl::Status Write(const std::vector<TsPoint>& points) override;
  absl::Status Write(Transaction& txn, const std::vector<TsPoint>& points) override;
  absl::StatusOr<size_t> WriteLineProtocol(std::string_view text, TsPrecision precision,
                                           size_t first_line) override;
  absl::StatusOr<size_t> WriteLineProtocol(Transaction& txn, std::string_view text,
                                           TsPrecision precision, size_t first_line) override;
  absl::Status Flush(std::string_view measurement) override;
  absl::StatusOr<std::vector<TsRow>> Query(const TsQuery& query) override;
  absl::StatusOr<std::vector<TsRow>> Last(const TsQuery& query) override;
  absl::StatusOr<std::vector<std::vector<TsRow>>> QueryFields(
      const TsQuery& query, const std::vector<std::string>& fields) override;
  absl::StatusOr<std::vector<std::vector<TsRow>>> LastFields(
      const TsQuery& query, const std::vector<std::string>& fields) override;
  absl::StatusOr<std::vector<TsFieldsRow>> QueryRows(
      const TsQuery& query, const std::vector<std::string>& fields) override;
  absl::StatusOr<std::vector<TsFieldsRow>> LastRows(
      const TsQuery& query, const std::vector<std::string>& fields) override;
  absl::StatusOr<std::vector<TsFieldsRow>> QueryRows(
      const ReadView& view, const TsQuery& query, const std::vector<std::string>& fields) override;
  absl::StatusOr<std::vector<TsFieldsRow>> LastRows(
      const ReadView& view, const TsQuery& query, const std::vector<std::string>& fields) override;
  absl::StatusOr<std::unique_ptr<Cursor<TsRowView>>> QueryRowViews(
      const TsQuery& query, const std::vector<std::string>& fields) override;
  absl::StatusOr<std::unique_ptr<Cursor<TsRowView>>> LastRowViews(
      const TsQuery& query, const std::vector<std::string>& fields) override;
  absl::StatusOr<std::unique_ptr<Cursor<TsRowView>>> QueryRowViews(
      const ReadView& view, const TsQuery& query, const std::vector<std::string>& fields) override;
  absl::StatusOr<std::unique_ptr<Cursor<TsRowView>>> LastRowViews(
      const ReadView& view, const TsQuery& query, const std::vector<std::string>& fields) override;
  absl::StatusOr<std::vector<TsRow>> Query(const ReadView& view, const TsQuery& query) override;
  absl::StatusOr<std::vector<TsRow>> Last(const ReadView& view, const TsQuery& query) override;
  absl::StatusOr<std::vector<TsSeriesInfo>> ListSeries(
      const ReadView& view, std::string_view measurement,
      const std::vector<TsTagFilter>& where) override;
  absl::StatusOr<std::vector<TsSeriesInfo>> ListSeries(
      std::string_view measurement, const std::vector<TsTagFilter>& where) override;
  absl::StatusOr<std::vector<std::string>> ListMeasurements() override;
  absl::StatusOr<TsStats> Stats(std::string_view measurement) override;
  absl::Status SetRetention(std::string_view measurement, int64_t duration_ns) override;
  absl::Status EnforceRetention() override;
  absl::Status AddDownsample(std::string_view src, std::string_view dst, const TsAggregate& fn,
                             int64_t every_ns) override;
  absl::Status DropMeasurement(std::string_view measurement) override;

 private:
  // One series' points of a write: sorted by time, one per timestamp, within retention.
  struct SeriesPoints {
    std::shared_ptr<const SeriesRecord> rec;
    std::vector<RawPoint> points;
  };
  // The windows of a series known to hold unsealed head points.
  struct OpenWindows {
    bool loaded = false;
    std::set<int64_t> windows;
    int64_t newest = INT64_MIN;
    // Open windows that a committed write of this store left holding points: never empty again
    // (only retention and drop delete, and a head block is right in an emptied window too), so
    // a write appends a head block there without reading the window's keys first.
    std::set<int64_t> filled;
  };

  // What Query and Last read: the measurement, the visible time range and the chosen series,
  // grouped (ts_query_cache.h).
  struct QueryScope {
    uint64_t mid = 0;                          // the measurement id
    int64_t lo = 0;                            // first visible time (inclusive)
    int64_t hi = 0;                            // last visible time (inclusive)
    bool retention = false;                    // lo moves with the clock (a retention is set)
    uint64_t catalog_generation = 0;           // Catalog::generation() read before resolving
    std::shared_ptr<const CachedScope> scope;  // the series the tags and fields select, grouped
  };
  // Validates `q` (with `fields` in place of q.field) and resolves its scope; nullopt when
  // nothing can match (no such measurement, or an empty time range). The series come from the
  // latest state of the series index (a superset of any older view's: see ts_query_cache.h).
  absl::StatusOr<std::optional<QueryScope>> ResolveScope(const TsQuery& q,
                                                         const std::vector<std::string>& fields,
                                                         ScopeCache::Grouping grouping, bool last);
  // `view` is the caller's view, null for the latest state (it decides the last-point cache).
  absl::StatusOr<std::vector<std::vector<TsRow>>> QueryIn(internal::ReadSource& src,
                                                          const TsQuery& q,
                                                          const std::vector<std::string>& fields);
  absl::StatusOr<std::vector<std::vector<TsRow>>> LastIn(internal::ReadSource& src,
                                                         const ReadView* view, const TsQuery& q,
                                                         const std::vector<std::string>& fields);
  // The one implementation of QueryRows and QueryRowViews: fills *out (empty) with the rows.
  absl::Status QueryRowsIn(internal::ReadSource& src, const TsQuery& q,
                           const std::vector<std::string>& fields, RowsBuffer* out);
  // The one implementation of LastRows and LastRowViews.
  absl::StatusOr<LastRowsResult> LastRowsIn(internal::ReadSource& src, const ReadView* view,
                                            const TsQuery& q,
                                            const std::vector<std::string>& fields);
  // Buffers reused across the groups of one query.
  struct QueryBuffers {
    std::vector<RawPoint> points;
    std::vector<Sample> samples;
    std::unique_ptr<internal::BoundedIterator> it;  // over the measurement's data, made once
  };
  // One group's rows of one field, (time, value) ascending: raw points (filtered by
  // q.value_where) or bucket aggregates of the group's series `members` (indices into the scope).
  absl::StatusOr<std::vector<std::pair<int64_t, TsValue>>> GroupValues(
      internal::ReadSource& src, const QueryScope& scope, const TsQuery& q,
      const std::vector<uint32_t>& members, QueryBuffers* buf);
  // The same over [lo, scope.hi] (GroupValues reads only the newest windows for desc + limit).
  absl::StatusOr<std::vector<std::pair<int64_t, TsValue>>> GroupValuesFrom(
      internal::ReadSource& src, const QueryScope& scope, int64_t lo, const TsQuery& q,
      const std::vector<uint32_t>& members, QueryBuffers* buf);
  // The newest point within [lo, hi] of each series of `scope` (by index into scope.series),
  // through the last-point cache when `change` (the one it may serve `view` for, or nullopt) is
  // set; *exact tells whether `out` is provably the measurement's state at `change`.
  absl::Status LastPoints(internal::ReadSource& src, const ReadView* view, const QueryScope& scope,
                          const TsQuery& q, std::optional<uint64_t> change,
                          std::vector<std::optional<RawPoint>>* out, bool* exact);
  absl::StatusOr<std::vector<TsSeriesInfo>> ListSeriesIn(internal::ReadSource& src,
                                                         std::string_view measurement,
                                                         const std::vector<TsTagFilter>& where);

  // Writes `points` in `user` (a caller's transaction) or, when null, in a transaction of its
  // own followed by sealing, downsampling (depth: the rule nesting) and retention.
  absl::Status WriteImpl(const std::vector<TsPoint>& points, int depth,
                         Transaction* user = nullptr);
  absl::StatusOr<size_t> WriteLines(std::string_view text, TsPrecision precision, size_t first_line,
                                    Transaction* user);
  // The second half of every write: resolves (or creates) the batch's series, appends one head
  // block per series and window, and (without `user`) seals, downsamples and enforces retention.
  absl::Status WriteBatch(PointBatch& batch, int depth, Transaction* user);
  absl::Status AfterWrite(const ObjectInfo& info, const MeasurementOptions& opts,
                          const std::vector<SeriesPoints>& series, int depth);
  absl::Status SealWindow(uint64_t mid, uint64_t sid, ValueType type, int64_t window);
  // Loads the series' open windows once, and moves the block counter past their head blocks.
  absl::Status LoadOpenWindows(uint64_t mid, uint64_t sid);
  // A head block number above every one used before, in this process or (through the clock and
  // LoadOpenWindows) before a restart. Shared by every TsStore of the process.
  static uint64_t NextBlockSeq();
  static void BumpBlockSeq(uint64_t used);
  absl::Status Downsample(const ObjectInfo& src, const DownsampleRule& rule,
                          const std::vector<std::pair<const SeriesRecord*, int64_t>>& buckets,
                          int depth);
  absl::Status EnforceRetentionFor(const ObjectInfo& info, int64_t retention_ns);
  // ns since the epoch.
  static int64_t NowNs();
  // The oldest visible time of a measurement (INT64_MIN without retention).
  static int64_t Cutoff(const MeasurementOptions& o);
  // The ts measurements named by `measurement` ("" = all).
  absl::StatusOr<std::vector<ObjectInfo>> Measurements(std::string_view measurement);
  absl::Status UpdateOptions(std::string_view measurement,
                             const std::function<absl::Status(MeasurementOptions*)>& change);

  DB* const db_;
  internal::Engine* const engine_;
  SeriesIndex index_;
  ScopeCache scopes_;              // query scopes (ts_query_cache.h)
  LastPointCache last_points_;     // newest point per series (ts_query_cache.h)
  MeasurementCache measurements_;  // catalog id and retention per name (ts_query_cache.h)
  RecentScope recent_;             // the last scope resolved (ts_query_cache.h)
  internal::Histogram* h_write_;
  internal::Histogram* h_query_;
  internal::Histogram* h_last_;
  internal::Histogram* h_seal_;
  util::Mutex options_mu_;  // serialises read-modify-write of measurement options
  util::Mutex mu_;
  std::map<std::pair<uint64_t, uint64_t>, OpenWindows> open_ ABSL_GUARDED_BY(mu_);
  std::map<uint64_t, int64_t> last_retention_ns_ ABSL_GUARDED_BY(mu_);  // by measurement id
  WindowCache windows_;  // points of the open windows this store wrote (ts_window_cache.h)
};

}  // namespace tessera::ts
