// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The time-series model, after InfluxDB: a point has a measurement, a tag set, one or more fields
// and a timestamp in int64 nanoseconds; a series is measurement + tag set + one field. Points are
// appended to a per-series head and sealed into Gorilla-compressed chunks per time window.
//
//   ASSIGN_OR_RETURN(auto ts, tessera::TsStore::Open(db));
//   ASSIGN_OR_RETURN(size_t n, ts->WriteLineProtocol("cpu,host=a usage=0.5 1700000000000000000"));
//   ASSIGN_OR_RETURN(auto rows, ts->Query({.measurement = "cpu", .field = "usage"}));
//
// Every write is its own transaction (there are no Transaction overloads yet). Writing to a
// measurement that does not exist creates it. Fields are float64, int64 (uint64 up to 2^63-1) or
// bool; string fields are refused. docs/models/time-series.md describes the semantics.
//
// Thread safety: a TsStore is safe for concurrent use from many threads. It must not outlive its
// DB.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "tessera/cursor.h"
#include "tessera/db.h"

namespace tessera {

// A stored value: float64, int64 or bool.
using TsValue = std::variant<double, int64_t, bool>;

// Tags as (key, value) pairs. Inputs may be in any order; outputs are sorted by key.
using TsTags = std::vector<std::pair<std::string, std::string>>;

// One point to write: a measurement, tags, one or more fields, a timestamp.
struct TsPoint {
  std::string measurement;                              // the measurement name
  TsTags tags;                                          // tag keys must be unique and non-empty
  std::vector<std::pair<std::string, TsValue>> fields;  // at least one; keys unique, non-empty
  int64_t time = 0;                                     // nanoseconds since the Unix epoch
};

// Aggregation functions of queries and downsampling rules.
enum class TsAggFn { kCount, kSum, kMin, kMax, kMean, kFirst, kLast, kStddev, kPercentile };

// An aggregation: a function, and for kPercentile the percentile in [0, 100].
struct TsAggregate {
  TsAggFn fn = TsAggFn::kMean;  // the function
  double percentile = 50;       // only for kPercentile
};

// Parses "count", "sum", "min", "max", "mean", "first", "last", "stddev", "p50", "p90", "p99"
// (any "pN" with 0 <= N <= 100). InvalidArgument naming the text otherwise.
[[nodiscard]] absl::StatusOr<TsAggregate> ParseTsAggregate(std::string_view text);
// The inverse of ParseTsAggregate.
std::string TsAggregateName(const TsAggregate& agg);

// A tag predicate. kEq and kNe take one value, kIn one or more, kRegex one RE2 pattern matched
// anywhere in the value (anchor it with ^...$ for a full match). kNe and a regex match a series
// without the tag as if its value were "".
struct TsTagFilter {
  enum class Op { kEq, kNe, kIn, kRegex };
  std::string tag;                  // the tag key
  Op op = Op::kEq;                  // the comparison
  std::vector<std::string> values;  // the operand(s)
};

// A condition on a field's value at a time (TsQuery::value_where): `field op value`, the value
// read as a double (int64 converted, bools as 0 and 1). NaN satisfies only kNe.
struct TsValueFilter {
  enum class Op { kLt, kLe, kGt, kGe, kEq, kNe };
  std::string field;  // the field whose value is compared
  Op op = Op::kGt;    // the comparison
  double value = 0;   // the constant
};

// A query of one field of one measurement.
struct TsQuery {
  std::string measurement;               // the measurement
  std::string field;                     // the field
  std::optional<int64_t> from;           // inclusive lower time bound (ns)
  std::optional<int64_t> to;             // exclusive upper time bound (ns)
  std::vector<TsTagFilter> where;        // all must hold (AND)
  std::optional<TsAggregate> aggregate;  // aggregate per bucket; nullopt = raw points
  int64_t every = 0;                     // bucket width in ns (> 0 with an aggregate)
  std::vector<std::string> by;           // group by these tag keys (absent tag = "")
  size_t limit = 0;                      // the most rows per group (0 = no limit)
  bool desc = false;                     // newest first
  // Polled between series (and every few thousand points): once it returns true, Query and Last
  // return Cancelled ("time-series query cancelled"). Empty: never cancelled.
  std::function<bool()> cancelled;
  // Raw queries only (no aggregate): keep only the times at which every condition holds for the
  // group's value of its field (a time at which a condition's field has no point is dropped),
  // as SQL's WHERE usage_user > 90. Query takes conditions on its own field; QueryRows on any
  // field of the measurement (not only the requested ones).
  std::vector<TsValueFilter> value_where;
};

// One row of several fields (QueryRows, LastRows): a time of one group and each field's value.
struct TsFieldsRow {
  int64_t time = 0;  // ns: the bucket's start, the points' time, or (LastRows) the newest value's
  TsTags tags;       // the group's tags (LastRows without `by`: the series' tag set)
  std::vector<std::optional<TsValue>> values;  // values[i]: fields[i]'s, nullopt when it has none
};

// One row of several fields as QueryRowViews and LastRowViews hand it out: a TsFieldsRow whose
// tags and values stay in the cursor's buffers instead of being copied per row. Every member is
// valid until the cursor's next Next() or its destruction, whichever comes first.
struct TsRowView {
  int64_t time = 0;                                 // as TsFieldsRow::time
  const TsTags* tags = nullptr;                     // the group's tags (never null)
  absl::Span<const std::optional<TsValue>> values;  // as TsFieldsRow::values (one per field)
};

// A result row: a time (a bucket's start for aggregates), a value, and the group's tags.
struct TsRow {
  int64_t time = 0;  // ns
  TsValue value;     // count: int64; sum, mean, stddev: double; others keep the field's type
  TsTags tags;       // the values of the group-by tags (for Last without `by`: all tags)
};

// A series: measurement + tags + field.
struct TsSeriesInfo {
  std::string measurement;  // the measurement
  TsTags tags;              // sorted by key
  std::string field;        // the field
};

// Storage figures. `bytes` counts the keys and values of the points' chunks and heads in the
// data column family (before RocksDB's block compression); the series index is not included.
struct TsStats {
  int64_t points = 0;          // stored values (one per series and timestamp)
  int64_t series = 0;          // series
  int64_t bytes = 0;           // see above
  double bytes_per_point = 0;  // bytes / points (0 when there are no points)
};

// Timestamp precision of line-protocol input.
enum class TsPrecision { kNanoseconds, kMicroseconds, kMilliseconds, kSeconds };

class TsStore {
 public:
  // A handle on the time-series model of `db`. `db` must outlive the handle.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<TsStore>> Open(DB* db);

  TsStore(const TsStore&) = delete;
  TsStore& operator=(const TsStore&) = delete;
  virtual ~TsStore() = default;

  // --- Writes ---
  // Writes a batch atomically: all points, or none on any error. Returns nothing else.
  [[nodiscard]] virtual absl::Status Write(const std::vector<TsPoint>& points) = 0;
  // The same inside `txn`: the points commit or roll back with it, together with the
  // transaction's writes to other models. New series and measurements are created on their own
  // (like catalog objects), after the transaction's snapshot, so its own reads see its points of
  // series that existed when it began; the windows written are sealed by later writes or Flush. A
  // measurement with downsampling rules is refused (FailedPrecondition): its rollups are computed
  // after a write commits, which a caller's transaction does not report.
  [[nodiscard]] virtual absl::Status Write(Transaction& txn,
                                           const std::vector<TsPoint>& points) = 0;
  // Parses line protocol and writes every point as one batch; returns the number of points
  // (lines). A malformed line fails the whole batch ("line N: ..."; lines are numbered from
  // `first_line`), nothing is written. A line without a timestamp takes the current time.
  [[nodiscard]] virtual absl::StatusOr<size_t> WriteLineProtocol(
      std::string_view text, TsPrecision precision = TsPrecision::kNanoseconds,
      size_t first_line = 1) = 0;
  // The same inside `txn` (see Write(Transaction&, ...)).
  [[nodiscard]] virtual absl::StatusOr<size_t> WriteLineProtocol(
      Transaction& txn, std::string_view text, TsPrecision precision = TsPrecision::kNanoseconds,
      size_t first_line = 1) = 0;
  // Seals every head window of `measurement` (all measurements if empty) into chunks now.
  [[nodiscard]] virtual absl::Status Flush(std::string_view measurement = "") = 0;

  // --- Reads ---
  // Raw points or per-bucket aggregates, ordered by group then time.
  [[nodiscard]] virtual absl::StatusOr<std::vector<TsRow>> Query(const TsQuery& query) = 0;
  // The latest point per group of `by` (per series when `by` is empty). Uses measurement, field,
  // where, from, to and by of `query`.
  [[nodiscard]] virtual absl::StatusOr<std::vector<TsRow>> Last(const TsQuery& query) = 0;
  // The series of `measurement` (every measurement if empty) matching `where`.
  [[nodiscard]] virtual absl::StatusOr<std::vector<TsSeriesInfo>> ListSeries(
      std::string_view measurement, const std::vector<TsTagFilter>& where) = 0;
  // Several fields of one measurement at once: result[i] is what Query (or Last) returns with
  // `query.field` set to fields[i] (`query.field` itself is ignored). The tag filter is resolved
  // once for all fields, so this costs less than one call per field (TSBS's multi-field queries).
  // InvalidArgument if `fields` is empty or names an empty field.
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::vector<TsRow>>> QueryFields(
      const TsQuery& query, const std::vector<std::string>& fields) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::vector<TsRow>>> LastFields(
      const TsQuery& query, const std::vector<std::string>& fields) = 0;
  // Several fields as rows, ordered by group then time (`desc`, `limit` per group as Query):
  // each row holds, for one time of one group, every field's value at that time (for aggregates,
  // each field's bucket value); a field without a value there is nullopt. Raw queries need at
  // most one series of each field per group (group `by` the tags that tell series apart), else
  // InvalidArgument; `value_where` filters raw rows. The same series, points and buckets as
  // QueryFields, without a row object per field value.
  [[nodiscard]] virtual absl::StatusOr<std::vector<TsFieldsRow>> QueryRows(
      const TsQuery& query, const std::vector<std::string>& fields) = 0;
  // The latest value of every field per group of `by` (per tag set when `by` is empty), as one
  // row per group: values[i] is what LastFields gives for fields[i] (nullopt when the group has
  // none), time the newest of their times. Fields written together (TSBS's rows) share it.
  [[nodiscard]] virtual absl::StatusOr<std::vector<TsFieldsRow>> LastRows(
      const TsQuery& query, const std::vector<std::string>& fields) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<TsFieldsRow>> QueryRows(
      const ReadView& view, const TsQuery& query, const std::vector<std::string>& fields) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<TsFieldsRow>> LastRows(
      const ReadView& view, const TsQuery& query, const std::vector<std::string>& fields) = 0;
  // QueryRows and LastRows as cursors of row views (TsRowView): the same rows in the same order,
  // and the same errors (returned by the call; the cursor's status() is then always OK), without
  // a copy per row: QueryRowViews keeps the rows' values in one buffer per result that the views
  // point into; LastRowViews views the rows LastRows' cache keeps (a result that is not cached
  // is built as LastRows builds it, a vector per row, and viewed). The query runs
  // when the call is made: the rows are those of the state read then (the latest state, or
  // `view`'s), and writes made while the cursor is iterated do not change them. The cursor
  // holds no reference to the store or to `view`; like every Cursor it is not thread-safe.
  //
  //   ASSIGN_OR_RETURN(auto rows, ts->QueryRowViews(q, fields));
  //   for (; rows->Valid(); rows->Next()) Use(rows->entry().time, rows->entry().values);
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Cursor<TsRowView>>> QueryRowViews(
      const TsQuery& query, const std::vector<std::string>& fields) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Cursor<TsRowView>>> LastRowViews(
      const TsQuery& query, const std::vector<std::string>& fields) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Cursor<TsRowView>>> QueryRowViews(
      const ReadView& view, const TsQuery& query, const std::vector<std::string>& fields) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Cursor<TsRowView>>> LastRowViews(
      const ReadView& view, const TsQuery& query, const std::vector<std::string>& fields) = 0;
  // The same three reads as of `view` (a Snapshot or a Transaction), e.g. to read a time
  // series consistently with other models. The view must outlive the call.
  [[nodiscard]] virtual absl::StatusOr<std::vector<TsRow>> Query(const ReadView& view,
                                                                 const TsQuery& query) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<TsRow>> Last(const ReadView& view,
                                                                const TsQuery& query) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<TsSeriesInfo>> ListSeries(
      const ReadView& view, std::string_view measurement,
      const std::vector<TsTagFilter>& where) = 0;
  // Measurement names, in order.
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::string>> ListMeasurements() = 0;
  // Points, series and bytes of `measurement` (every measurement if empty).
  [[nodiscard]] virtual absl::StatusOr<TsStats> Stats(std::string_view measurement) = 0;

  // --- Administration ---
  // Keeps `measurement`'s data for `duration_ns` (0: forever). Older points are invisible at once
  // and their whole windows are range-deleted by EnforceRetention (which writes also run).
  [[nodiscard]] virtual absl::Status SetRetention(std::string_view measurement,
                                                  int64_t duration_ns) = 0;
  // Range-deletes every window of every measurement that lies wholly past its retention.
  [[nodiscard]] virtual absl::Status EnforceRetention() = 0;
  // Maintains `dst` as `fn` of every field of `src` per `every`-wide bucket, with the same tags
  // and field names: existing data is rolled up now, and every later write to `src` updates the
  // buckets it touches.
  [[nodiscard]] virtual absl::Status AddDownsample(std::string_view src, std::string_view dst,
                                                   const TsAggregate& fn, int64_t every_ns) = 0;
  // Drops a measurement and all its series and points. NotFound if it does not exist.
  [[nodiscard]] virtual absl::Status DropMeasurement(std::string_view measurement) = 0;

 protected:
  TsStore() = default;
};

}  // namespace tessera
