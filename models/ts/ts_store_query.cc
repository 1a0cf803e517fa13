// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Queries and statistics of the time-series model (ts_store_impl.h).

#include <algorithm>
#include <bit>
#include <map>
#include <memory>
#include <set>

#include "core/engine/perf_counting.h"
#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "models/ts/chunk_frames.h"
#include "models/ts/series_reader.h"
#include "models/ts/ts_aggregate.h"
#include "models/ts/ts_keys.h"
#include "models/ts/ts_store_impl.h"
#include "tessera/status.h"

namespace tessera::ts {
namespace {

using internal::Cf;
using internal::ScopedOpTimer;

// The bytes of result cells QueryRowsIn fills field by field at a time: half a 32 KiB L1 data
// cache.
constexpr size_t kRowTileBytes = size_t{16} << 10;

absl::Status ValidateQuery(const TsQuery& q, bool last) {
  RETURN_IF_ERROR(internal::Catalog::ValidateName(Model::kTimeSeries, q.measurement));
  if (!last && q.aggregate) {
    if (q.every <= 0) {
      return absl::InvalidArgumentError(util::StrCat(
          "time-series query: an aggregate needs a positive bucket width, got ", q.every, " ns"));
    }
    if (q.aggregate->fn == TsAggFn::kPercentile &&
        !(q.aggregate->percentile >= 0 && q.aggregate->percentile <= 100)) {
      return absl::InvalidArgumentError("time-series query: percentile must lie in [0, 100]");
    }
  }
  for (const std::string& b : q.by) {
    if (b.empty()) return absl::InvalidArgumentError("time-series query: empty group-by tag");
  }
  return absl::OkStatus();
}

// Points between two polls of TsQuery::cancelled while converting samples.
constexpr size_t kCancelPollPoints = 4096;

absl::Status CheckCancelled(const TsQuery& q) {
  if (q.cancelled && q.cancelled()) return absl::CancelledError("time-series query cancelled");
  return absl::OkStatus();
}

absl::Status NoAggregateConditions() {
  return absl::InvalidArgumentError(
      "time-series query: value conditions apply to raw points, not to an aggregate");
}

// Calls f with the conversion of a stored value of `type` to the number value conditions compare
// (bools 0 and 1), as a callable uint64_t -> double: one switch per run of points (FilterPoints;
// NumberOf in ts_aggregate.h converts a single value).
template <class F>
decltype(auto) WithNumber(ValueType type, F&& f) {
  switch (type) {
    case ValueType::kFloat:
      return f([](uint64_t b) { return BitsDouble(b); });
    case ValueType::kInt:
      return f([](uint64_t b) { return static_cast<double>(static_cast<int64_t>(b)); });
    case ValueType::kBool:
      return f([](uint64_t b) { return b != 0 ? 1.0 : 0.0; });
  }
  return f([](uint64_t) { return 0.0; });
}

// Calls f with the test of condition `op` against v, as a callable double -> bool (shared by
// Holds and FilterPoints as WithNumber is).
template <class F>
decltype(auto) WithComparison(TsValueFilter::Op op, double v, F&& f) {
  using Op = TsValueFilter::Op;
  switch (op) {
    case Op::kLt:
      return f([v](double x) { return x < v; });
    case Op::kLe:
      return f([v](double x) { return x <= v; });
    case Op::kGt:
      return f([v](double x) { return x > v; });
    case Op::kGe:
      return f([v](double x) { return x >= v; });
    case Op::kEq:
      return f([v](double x) { return x == v; });
    case Op::kNe:
      return f([v](double x) { return x != v; });
  }
  return f([](double) { return false; });
}

bool Holds(const TsValueFilter& c, double x) {
  return WithComparison(c.op, c.value, [x](auto test) { return test(x); });
}

// Whether a value of the queried field meets every condition (all name that field).
bool ValueMatches(const std::vector<TsValueFilter>& where, ValueType type, uint64_t bits) {
  if (where.empty()) return true;
  const double x = NumberOf(type, bits);
  for (const TsValueFilter& c : where) {
    if (!Holds(c, x)) return false;
  }
  return true;
}

// Appends the time and bits of each of p[0, n) that meets cond (num: a value's bits as the number
// conditions compare).
// (The matches written through pointers: a push_back per match was ~20 instructions, most of a
// match's cost. A frame's run, up to kFramePoints, goes through a stack buffer and is appended
// in one insert; a longer one (a merged window) through room made first: two resizes, ~300
// instructions each, were most of a frame's cost.)
template <class Num, class Cond>
void FilterRun(const RawPoint* p, size_t n, Num num, Cond cond, std::vector<int64_t>* times,
               std::vector<uint64_t>* bits) {
  if (n <= kFramePoints) {
    int64_t t[kFramePoints];
    uint64_t b[kFramePoints];
    size_t c = 0;
    for (size_t i = 0; i < n; ++i) {
      if (cond(num(p[i].bits))) {
        t[c] = p[i].ts;
        b[c++] = p[i].bits;
      }
    }
    times->insert(times->end(), t, t + c);
    bits->insert(bits->end(), b, b + c);
    return;
  }
  const size_t old_t = times->size(), old_b = bits->size();
  times->resize(old_t + n);
  bits->resize(old_b + n);
  int64_t* const t = times->data() + old_t;
  uint64_t* const b = bits->data() + old_b;
  size_t c = 0;
  for (size_t i = 0; i < n; ++i) {
    if (cond(num(p[i].bits))) {
      t[c] = p[i].ts;
      b[c++] = p[i].bits;
    }
  }
  times->resize(old_t + c);
  bits->resize(old_b + c);
}

// The same for the points of one field (of `type`) that meet every condition of `where` (all on
// that field): ValueMatches, with the type's and (one condition) the operator's switch taken
// once per run of points instead of once per point.
void FilterPoints(ValueType type, const std::vector<TsValueFilter>& where, const RawPoint* p,
                  size_t n, std::vector<int64_t>* times, std::vector<uint64_t>* bits) {
  if (where.size() != 1) {
    FilterRun(
        p, n, [](uint64_t b) { return b; },
        [&](uint64_t b) { return ValueMatches(where, type, b); }, times, bits);
    return;
  }
  WithNumber(type, [&](auto num) {
    WithComparison(where[0].op, where[0].value,
                   [&](auto test) { FilterRun(p, n, num, test, times, bits); });
  });
}

}  // namespace

absl::StatusOr<std::optional<TsStoreImpl::QueryScope>> TsStoreImpl::ResolveScope(
    const TsQuery& q, const std::vector<std::string>& fields, ScopeCache::Grouping grouping,
    bool last) {
  RETURN_IF_ERROR(ValidateQuery(q, last));
  if (fields.empty()) return absl::InvalidArgumentError("time-series query: no field");
  for (const std::string& f : fields) {
    if (f.empty()) return absl::InvalidArgumentError("time-series query: the field is empty");
  }
  RETURN_IF_ERROR(engine_->CheckOpen());
  // Both generations are read before the catalog and the series index (ts_query_cache.h).
  const uint64_t catalog_generation = engine_->catalog().generation();
  const uint64_t generation = SeriesIndex::Generation();
  std::optional<RecentScope::Value> recent =
      recent_.Find(q, fields, grouping, catalog_generation, generation);
  MeasurementCache::Handle m;
  if (recent) {
    m = recent->measurement;
  } else {
    ASSIGN_OR_RETURN(m, measurements_.Get(engine_->catalog(), q.measurement));
  }
  if (!m.found) return std::optional<QueryScope>();
  QueryScope scope;
  scope.mid = m.id;
  scope.catalog_generation = catalog_generation;
  scope.retention = m.retention_ns > 0;
  scope.lo =
      std::max(q.from.value_or(INT64_MIN), scope.retention ? NowNs() - m.retention_ns : INT64_MIN);
  if (q.to && *q.to == INT64_MIN) return std::optional<QueryScope>();
  scope.hi = q.to ? *q.to - 1 : INT64_MAX;
  if (scope.lo > scope.hi) return std::optional<QueryScope>();
  if (recent) {
    scope.scope = std::move(recent->scope);
    return std::optional<QueryScope>(std::move(scope));
  }
  thread_local std::string key;  // reused: no allocation per query
  ScopeCache::Key(m.id, fields, q.where, q.by, grouping, &key);
  scope.scope = scopes_.Find(key, generation);
  if (scope.scope == nullptr) {
    // One index read for every field: the series the tags select, then those of the fields.
    const std::optional<std::string> one =
        fields.size() == 1 ? std::optional<std::string>(fields[0]) : std::nullopt;
    ASSIGN_OR_RETURN(std::vector<SeriesRecord> series,
                     index_.Select(engine_->latest(), m.id, one, q.where));
    scope.scope = ScopeCache::Build(generation, std::move(series), fields, q.by, grouping);
    scopes_.Put(key, scope.scope);
  }
  recent_.Put(q, fields, grouping, catalog_generation, generation,
              RecentScope::Value{m, scope.scope});
  return std::optional<QueryScope>(std::move(scope));
}

absl::StatusOr<std::vector<TsRow>> TsStoreImpl::Query(const TsQuery& q) {
  ASSIGN_OR_RETURN(auto out, QueryIn(engine_->latest(), q, {q.field}));
  return std::move(out[0]);
}
absl::StatusOr<std::vector<TsRow>> TsStoreImpl::Query(const ReadView& view, const TsQuery& q) {
  RETURN_IF_ERROR(engine_->CheckOpen());
  ASSIGN_OR_RETURN(auto out, QueryIn(view.source(), q, {q.field}));
  return std::move(out[0]);
}
absl::StatusOr<std::vector<TsRow>> TsStoreImpl::Last(const TsQuery& q) {
  ASSIGN_OR_RETURN(auto out, LastIn(engine_->latest(), nullptr, q, {q.field}));
  return std::move(out[0]);
}
absl::StatusOr<std::vector<TsRow>> TsStoreImpl::Last(const ReadView& view, const TsQuery& q) {
  RETURN_IF_ERROR(engine_->CheckOpen());
  ASSIGN_OR_RETURN(auto out, LastIn(view.source(), &view, q, {q.field}));
  return std::move(out[0]);
}
absl::StatusOr<std::vector<std::vector<TsRow>>> TsStoreImpl::QueryFields(
    const TsQuery& q, const std::vector<std::string>& fields) {
  return QueryIn(engine_->latest(), q, fields);
}
absl::StatusOr<std::vector<std::vector<TsRow>>> TsStoreImpl::LastFields(
    const TsQuery& q, const std::vector<std::string>& fields) {
  return LastIn(engine_->latest(), nullptr, q, fields);
}
absl::StatusOr<std::vector<TsFieldsRow>> TsStoreImpl::QueryRows(
    const TsQuery& q, const std::vector<std::string>& fields) {
  RowsBuffer buf;
  RETURN_IF_ERROR(QueryRowsIn(engine_->latest(), q, fields, &buf));
  return DrainRows(std::move(buf));
}
absl::StatusOr<std::vector<TsFieldsRow>> TsStoreImpl::LastRows(
    const TsQuery& q, const std::vector<std::string>& fields) {
  ASSIGN_OR_RETURN(LastRowsResult r, LastRowsIn(engine_->latest(), nullptr, q, fields));
  return std::move(r).Take();
}
absl::StatusOr<std::vector<TsFieldsRow>> TsStoreImpl::QueryRows(
    const ReadView& view, const TsQuery& q, const std::vector<std::string>& fields) {
  RETURN_IF_ERROR(engine_->CheckOpen());
  RowsBuffer buf;
  RETURN_IF_ERROR(QueryRowsIn(view.source(), q, fields, &buf));
  return DrainRows(std::move(buf));
}
absl::StatusOr<std::vector<TsFieldsRow>> TsStoreImpl::LastRows(
    const ReadView& view, const TsQuery& q, const std::vector<std::string>& fields) {
  RETURN_IF_ERROR(engine_->CheckOpen());
  ASSIGN_OR_RETURN(LastRowsResult r, LastRowsIn(view.source(), &view, q, fields));
  return std::move(r).Take();
}
absl::StatusOr<std::unique_ptr<Cursor<TsRowView>>> TsStoreImpl::QueryRowViews(
    const TsQuery& q, const std::vector<std::string>& fields) {
  RowsBuffer buf;
  RETURN_IF_ERROR(QueryRowsIn(engine_->latest(), q, fields, &buf));
  return NewRowsCursor(std::move(buf));
}
absl::StatusOr<std::unique_ptr<Cursor<TsRowView>>> TsStoreImpl::LastRowViews(
    const TsQuery& q, const std::vector<std::string>& fields) {
  ASSIGN_OR_RETURN(LastRowsResult r, LastRowsIn(engine_->latest(), nullptr, q, fields));
  return NewFieldsRowsCursor(std::move(r));
}
absl::StatusOr<std::unique_ptr<Cursor<TsRowView>>> TsStoreImpl::QueryRowViews(
    const ReadView& view, const TsQuery& q, const std::vector<std::string>& fields) {
  RETURN_IF_ERROR(engine_->CheckOpen());
  RowsBuffer buf;
  RETURN_IF_ERROR(QueryRowsIn(view.source(), q, fields, &buf));
  return NewRowsCursor(std::move(buf));
}
absl::StatusOr<std::unique_ptr<Cursor<TsRowView>>> TsStoreImpl::LastRowViews(
    const ReadView& view, const TsQuery& q, const std::vector<std::string>& fields) {
  RETURN_IF_ERROR(engine_->CheckOpen());
  ASSIGN_OR_RETURN(LastRowsResult r, LastRowsIn(view.source(), &view, q, fields));
  return NewFieldsRowsCursor(std::move(r));
}
absl::StatusOr<std::vector<TsSeriesInfo>> TsStoreImpl::ListSeries(
    std::string_view measurement, const std::vector<TsTagFilter>& where) {
  return ListSeriesIn(engine_->latest(), measurement, where);
}
absl::StatusOr<std::vector<TsSeriesInfo>> TsStoreImpl::ListSeries(
    const ReadView& view, std::string_view measurement, const std::vector<TsTagFilter>& where) {
  RETURN_IF_ERROR(engine_->CheckOpen());
  return ListSeriesIn(view.source(), measurement, where);
}

absl::StatusOr<std::vector<std::pair<int64_t, TsValue>>> TsStoreImpl::GroupValues(
    internal::ReadSource& src, const QueryScope& scope, const TsQuery& q,
    const std::vector<uint32_t>& members, QueryBuffers* buf) {
  if (q.desc && q.limit != 0) {
    // Newest first with a limit: read the newest windows only, widening the range (1, 4, 16, ...
    // windows) until `limit` rows lie wholly inside it (for aggregates: buckets that start in
    // it). Those rows are the full query's newest ones; the caller reverses and cuts them.
    const int64_t top = FloorTo(scope.hi, kWindowNs);
    for (int64_t span = 1;; span *= 4) {
      int64_t back, from;
      if (__builtin_mul_overflow(span - 1, kWindowNs, &back) ||
          __builtin_sub_overflow(top, back, &from) || from <= scope.lo) {
        break;
      }
      ASSIGN_OR_RETURN(auto values, GroupValuesFrom(src, scope, from, q, members, buf));
      auto inside = std::find_if(values.begin(), values.end(),
                                 [&](const auto& v) { return v.first >= from; });
      if (static_cast<size_t>(values.end() - inside) >= q.limit) {
        values.erase(values.begin(), inside);
        return values;
      }
    }
  }
  return GroupValuesFrom(src, scope, scope.lo, q, members, buf);
}

absl::StatusOr<std::vector<std::pair<int64_t, TsValue>>> TsStoreImpl::GroupValuesFrom(
    internal::ReadSource& src, const QueryScope& scope, int64_t lo, const TsQuery& q,
    const std::vector<uint32_t>& members, QueryBuffers* buf) {
  const CachedScope& cs = *scope.scope;
  // One iterator over the measurement for every series of the query: a Seek per series.
  auto iter = [&]() -> internal::BoundedIterator& {
    if (buf->it == nullptr) {
      std::string prefix;
      codec::PutFixed64BE(&prefix, scope.mid);
      buf->it = src.NewIterator(Cf::kData, prefix, codec::PrefixSuccessor(prefix));
    }
    return *buf->it;
  };
  std::vector<std::pair<int64_t, TsValue>> out;
  std::vector<RawPoint>& pts = buf->points;
  if (q.aggregate && BucketAggregator::Supports(*q.aggregate, members.size())) {
    // Straight from the decoded points into the bucket accumulators; blocks that lie inside one
    // bucket by their summaries where those are exact (BucketAggregator::SummaryUse).
    BucketAggregator agg(*q.aggregate, q.every);
    agg.SetRange(lo, scope.hi);
    agg.AllowSummaries(std::all_of(members.begin(), members.end(), [&](uint32_t m) {
      return cs.series[m].type == cs.series[members[0]].type;
    }));
    std::vector<BlockSummary> summaries;
    auto use = [&](const BlockSummary& s) { return agg.SummaryUse(s); };
    for (uint32_t m : members) {
      const SeriesRecord& r = cs.series[m];
      RETURN_IF_ERROR(CheckCancelled(q));
      pts.clear();
      summaries.clear();
      RETURN_IF_ERROR(
          ReadSeriesBlocks(iter(), scope.mid, r.sid, lo, scope.hi, use, &pts, &summaries));
      agg.AddSeries(r.type, pts, summaries);
    }
    return agg.Finish();
  }
  if (!q.aggregate && members.size() == 1) {
    // Raw points of one series: already in time order.
    const SeriesRecord& r = cs.series[members[0]];
    RETURN_IF_ERROR(CheckCancelled(q));
    pts.clear();
    RETURN_IF_ERROR(ReadSeriesWith(iter(), scope.mid, r.sid, lo, scope.hi, &pts));
    out.reserve(pts.size());
    for (const RawPoint& p : pts) {
      if (ValueMatches(q.value_where, r.type, p.bits))
        out.emplace_back(p.ts, ValueOf(r.type, p.bits));
    }
    return out;
  }
  std::vector<Sample>& samples = buf->samples;
  samples.clear();
  for (uint32_t m : members) {
    const SeriesRecord& r = cs.series[m];
    RETURN_IF_ERROR(CheckCancelled(q));
    pts.clear();
    RETURN_IF_ERROR(ReadSeriesWith(iter(), scope.mid, r.sid, lo, scope.hi, &pts));
    for (const RawPoint& p : pts) {
      if (samples.size() % kCancelPollPoints == 0) RETURN_IF_ERROR(CheckCancelled(q));
      if (!ValueMatches(q.value_where, r.type, p.bits)) continue;
      TsValue v = ValueOf(r.type, p.bits);
      samples.push_back(Sample{p.ts, v, AsDouble(v)});
    }
  }
  // Series are read in id order, so equal times keep that order.
  if (members.size() > 1) {
    std::stable_sort(samples.begin(), samples.end(),
                     [](const Sample& a, const Sample& b) { return a.ts < b.ts; });
  }
  if (q.aggregate) return AggregateBuckets(*q.aggregate, q.every, samples);
  out.reserve(samples.size());
  for (Sample& s : samples) out.emplace_back(s.ts, std::move(s.value));
  return out;
}

absl::StatusOr<std::vector<std::vector<TsRow>>> TsStoreImpl::QueryIn(
    internal::ReadSource& src, const TsQuery& q, const std::vector<std::string>& fields) {
  ScopedOpTimer t(h_query_);
  internal::PerfCountingOff no_perf_counting;  // perf_counting.h: a query's reads, uncounted
  auto fail = [&](absl::Status s) {
    t.Fail();
    return s;
  };
  std::vector<std::vector<TsRow>> result(fields.size());
  if (!q.value_where.empty()) {
    if (q.aggregate) return fail(NoAggregateConditions());
    for (const TsValueFilter& c : q.value_where) {
      for (const std::string& f : fields) {
        if (c.field != f) {
          return fail(absl::InvalidArgumentError(
              util::StrCat("time-series query: a value condition on field \"", c.field,
                           "\" in a query of \"", f, "\" (QueryRows filters by other fields)")));
        }
      }
    }
  }
  auto scope = ResolveScope(q, fields, ScopeCache::Grouping::kByTags, /*last=*/false);
  if (!scope.ok()) return fail(scope.status());
  if (!*scope) return result;
  const CachedScope& cs = *(*scope)->scope;
  QueryBuffers buf;
  for (size_t fi = 0; fi < fields.size(); ++fi) {
    std::vector<TsRow>& out = result[fi];
    for (size_t g = 0; g < cs.group_tags.size(); ++g) {
      const std::vector<uint32_t>& members = cs.members[g][fi];
      if (members.empty()) continue;
      auto values = GroupValues(src, **scope, q, members, &buf);
      if (!values.ok()) return fail(values.status());
      const size_t first = out.size();  // this group's rows are out[first, end)
      out.reserve(out.size() + values->size());
      for (auto& [time, value] : *values) {
        out.push_back(TsRow{time, std::move(value), cs.group_tags[g]});
      }
      if (q.desc) std::reverse(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
      if (q.limit != 0 && out.size() - first > q.limit) out.resize(first + q.limit);
    }
  }
  return result;
}

namespace {

// The change for which the last-point cache may serve a read of `view` (null: the latest state)
// of measurement `mid` (ts_query_cache.h): LastSeqOf read after the view was taken; nullopt for
// transactions, for snapshots older than that change and without a change log.
std::optional<uint64_t> CacheableChange(internal::Engine* engine, const ReadView* view,
                                        uint64_t mid) {
  if (!engine->options().change_log) return std::nullopt;
  const Snapshot* snap = view == nullptr ? nullptr : dynamic_cast<const Snapshot*>(view);
  if (view != nullptr && snap == nullptr) return std::nullopt;
  const uint64_t l = engine->change_log().LastSeqOf(mid);
  if (snap != nullptr && l > snap->sequence()) return std::nullopt;
  return l;
}

}  // namespace

absl::Status TsStoreImpl::LastPoints(internal::ReadSource& src, const ReadView* view,
                                     const QueryScope& scope, const TsQuery& q,
                                     std::optional<uint64_t> change,
                                     std::vector<std::optional<RawPoint>>* out, bool* exact) {
  const CachedScope& cs = *scope.scope;
  const size_t n = cs.series.size();
  out->assign(n, std::nullopt);
  *exact = false;
  // With a change, `view` is null (the latest state) or a snapshot that holds state `change`.
  const bool snap = view != nullptr;
  if (!change) {
    for (size_t i = 0; i < n; ++i) {
      RETURN_IF_ERROR(CheckCancelled(q));
      ASSIGN_OR_RETURN((*out)[i],
                       ReadLastPoint(src, scope.mid, cs.series[i].sid, scope.lo, scope.hi));
    }
    return absl::OkStatus();
  }
  // The newest point of any time of every series: the scope's copy, or per series from the
  // cache and, for those it lacks, from RocksDB.
  std::shared_ptr<const std::vector<std::optional<RawPoint>>> newest =
      last_points_.FindScope(scope.catalog_generation, cs, scope.mid, *change);
  bool from_state = true;  // `newest` is state `change`
  if (newest == nullptr) {
    std::vector<uint64_t> sids(n);
    for (size_t i = 0; i < n; ++i) sids[i] = cs.series[i].sid;
    std::vector<std::optional<std::optional<RawPoint>>> cached;
    last_points_.Lookup(scope.catalog_generation, scope.mid, *change, sids, &cached);
    auto all = std::make_shared<std::vector<std::optional<RawPoint>>>(n);
    std::vector<std::pair<uint64_t, std::optional<RawPoint>>> fresh;
    for (size_t i = 0; i < n; ++i) {
      if (cached[i]) {
        (*all)[i] = *cached[i];
        continue;
      }
      RETURN_IF_ERROR(CheckCancelled(q));
      ASSIGN_OR_RETURN((*all)[i], ReadLastPoint(src, scope.mid, sids[i], INT64_MIN, INT64_MAX));
      fresh.emplace_back(sids[i], (*all)[i]);
    }
    // A latest read may have seen commits after `change`: keep what it read only if none came.
    if (snap || engine_->change_log().LastSeqOf(scope.mid) == *change) {
      last_points_.Store(scope.catalog_generation, scope.mid, *change, fresh);
      last_points_.StoreScope(scope.catalog_generation, cs, scope.mid, *change, all);
    } else {
      from_state = false;
    }
    newest = std::move(all);
  }
  bool fallback = false;  // read a series from `src` (a point newer than hi)
  for (size_t i = 0; i < n; ++i) {
    const std::optional<RawPoint>& p = (*newest)[i];
    if (!p || p->ts < scope.lo) continue;  // every point is older than lo
    if (p->ts <= scope.hi) {
      (*out)[i] = p;
    } else {
      RETURN_IF_ERROR(CheckCancelled(q));
      ASSIGN_OR_RETURN((*out)[i],
                       ReadLastPoint(src, scope.mid, cs.series[i].sid, scope.lo, scope.hi));
      fallback = true;
    }
  }
  // What came from `src` is state `change` at a snapshot, or when no commit came since.
  *exact =
      from_state && (!fallback || snap || engine_->change_log().LastSeqOf(scope.mid) == *change);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::vector<TsRow>>> TsStoreImpl::LastIn(
    internal::ReadSource& src, const ReadView* view, const TsQuery& q,
    const std::vector<std::string>& fields) {
  ScopedOpTimer t(h_last_);
  internal::PerfCountingOff no_perf_counting;  // perf_counting.h: a query's reads, uncounted
  auto fail = [&](absl::Status s) {
    t.Fail();
    return s;
  };
  std::vector<std::vector<TsRow>> result(fields.size());
  auto scope = ResolveScope(q, fields, ScopeCache::Grouping::kByTagSet, /*last=*/true);
  if (!scope.ok()) return fail(scope.status());
  if (!*scope) return result;
  const CachedScope& cs = *(*scope)->scope;
  std::vector<std::optional<RawPoint>> last;
  bool exact;
  if (absl::Status s = LastPoints(src, view, **scope, q,
                                  CacheableChange(engine_, view, (*scope)->mid), &last, &exact);
      !s.ok()) {
    return fail(s);
  }
  for (size_t fi = 0; fi < fields.size(); ++fi) {
    std::vector<TsRow>& out = result[fi];
    for (size_t g = 0; g < cs.group_tags.size(); ++g) {
      const uint32_t* best = nullptr;
      for (const uint32_t& m : cs.members[g][fi]) {
        if (last[m] && (best == nullptr || last[m]->ts > last[*best]->ts)) best = &m;
      }
      if (best == nullptr) continue;
      const RawPoint& p = *last[*best];
      out.push_back(TsRow{p.ts, ValueOf(cs.series[*best].type, p.bits), cs.group_tags[g]});
    }
    if (q.desc) std::reverse(out.begin(), out.end());
    if (q.limit != 0 && out.size() > q.limit) out.resize(q.limit);
  }
  return result;
}

namespace {

// Appends one group's rows: the union of the fields' times, each row holding every field's
// value at that time. Each per[f] is ascending with unique times.
void MergeRows(std::vector<std::vector<std::pair<int64_t, TsValue>>>& per, RowsBuffer* out) {
  const size_t n = per.size();
  std::vector<size_t> idx(n, 0);
  while (true) {
    std::optional<int64_t> next;
    for (size_t f = 0; f < n; ++f) {
      if (idx[f] < per[f].size() && (!next || per[f][idx[f]].first < *next)) {
        next = per[f][idx[f]].first;
      }
    }
    if (!next) return;
    std::optional<TsValue>* row = out->AddRow(*next);
    for (size_t f = 0; f < n; ++f) {
      if (idx[f] < per[f].size() && per[f][idx[f]].first == *next) {
        row[f] = std::move(per[f][idx[f]++].second);
      }
    }
  }
}

// The same over raw points: pts[f] of field f (type types[f]) ascending with unique times;
// values are converted only for the rows made.
void MergeRawRows(const std::vector<std::vector<RawPoint>>& pts,
                  const std::vector<ValueType>& types, size_t n, RowsBuffer* out) {
  std::vector<size_t> idx(n, 0);
  while (true) {
    std::optional<int64_t> next;
    for (size_t f = 0; f < n; ++f) {
      if (idx[f] < pts[f].size() && (!next || pts[f][idx[f]].ts < *next)) next = pts[f][idx[f]].ts;
    }
    if (!next) return;
    std::optional<TsValue>* row = out->AddRow(*next);
    for (size_t f = 0; f < n; ++f) {
      const std::vector<RawPoint>& p = pts[f];
      if (idx[f] < p.size() && p[idx[f]].ts == *next) row[f] = ValueOf(types[f], p[idx[f]++].bits);
    }
  }
}

}  // namespace

absl::Status TsStoreImpl::QueryRowsIn(internal::ReadSource& src, const TsQuery& q,
                                      const std::vector<std::string>& fields, RowsBuffer* out) {
  ScopedOpTimer t(h_query_);
  internal::PerfCountingOff no_perf_counting;  // perf_counting.h: a query's reads, uncounted
  auto fail = [&](absl::Status s) {
    t.Fail();
    return s;
  };
  if (fields.empty()) return fail(absl::InvalidArgumentError("time-series query: no field"));
  if (!q.value_where.empty() && q.aggregate) return fail(NoAggregateConditions());
  // The requested fields, then those only the conditions name.
  std::vector<std::string> all = fields;
  std::vector<size_t> cond_field(q.value_where.size());
  for (size_t c = 0; c < q.value_where.size(); ++c) {
    const std::string& f = q.value_where[c].field;
    if (f.empty()) {
      return fail(
          absl::InvalidArgumentError("time-series query: a value condition names no field"));
    }
    auto it = std::find(all.begin(), all.end(), f);
    cond_field[c] = static_cast<size_t>(it - all.begin());
    if (it == all.end()) all.push_back(f);
  }
  auto scope = ResolveScope(q, all, ScopeCache::Grouping::kByTags, /*last=*/false);
  if (!scope.ok()) return fail(scope.status());
  if (!*scope) return absl::OkStatus();
  const CachedScope& cs = *(*scope)->scope;
  out->scope = (*scope)->scope;
  const uint64_t mid = (*scope)->mid;
  const int64_t lo = (*scope)->lo, hi = (*scope)->hi;
  const size_t n = fields.size();
  out->n = n;
  QueryBuffers buf;
  std::vector<std::vector<std::pair<int64_t, TsValue>>> per(n);
  std::vector<std::vector<RawPoint>> pts(all.size());
  std::vector<ValueType> types(n);
  std::vector<int64_t> times, matched, next;
  // value_where: fields' values at `matched` (allocated without zero-filling: read where found)
  std::vector<std::unique_ptr<uint64_t[]>> col_bits(n);
  std::vector<const uint64_t*> col_ptr(n);
  std::vector<std::vector<uint8_t>> col_found(n);
  std::vector<uint64_t> matched_bits;  // the condition field's values at `matched`
  const bool one_field =
      !q.value_where.empty() && std::all_of(cond_field.begin(), cond_field.end(),
                                            [&](size_t f) { return f == cond_field[0]; });
  // One iterator over the measurement for every series read here: a Seek per series.
  auto iter = [&]() -> internal::BoundedIterator& {
    if (buf.it == nullptr) {
      std::string prefix;
      codec::PutFixed64BE(&prefix, mid);
      buf.it = src.NewIterator(Cf::kData, prefix, codec::PrefixSuccessor(prefix));
    }
    return *buf.it;
  };
  for (size_t g = 0; g < cs.group_tags.size(); ++g) {
    const size_t first = out->rows();
    const auto& members = cs.members[g];
    for (auto& p : per) p.clear();
    if (q.aggregate) {
      for (size_t f = 0; f < n; ++f) {
        if (members[f].empty()) continue;
        auto values = GroupValues(src, **scope, q, members[f], &buf);
        if (!values.ok()) return fail(values.status());
        per[f] = std::move(*values);
      }
      MergeRows(per, out);
    } else {
      for (size_t f = 0; f < all.size(); ++f) {
        if (members[f].size() > 1) {
          return fail(absl::InvalidArgumentError(util::StrCat(
              "time-series query: field \"", all[f], "\" has ", members[f].size(),
              " series in one group; rows need one per field (group by the tags that tell "
              "them apart)")));
        }
        pts[f].clear();
      }
      auto read = [&](size_t f) -> absl::Status {
        if (members[f].empty()) return absl::OkStatus();
        RETURN_IF_ERROR(CheckCancelled(q));
        return ReadSeriesWith(iter(), mid, cs.series[members[f][0]].sid, lo, hi, &pts[f]);
      };
      // A condition's field: blocks whose summary excludes a match on it are not decoded (their
      // points are in no row: rows are the matched times).
      auto read_matching = [&](size_t f) -> absl::Status {
        if (members[f].empty()) return absl::OkStatus();
        RETURN_IF_ERROR(CheckCancelled(q));
        const uint64_t sid = cs.series[members[f][0]].sid;
        auto policy = [&](const BlockSummary& s) {
          for (size_t c = 0; c < q.value_where.size(); ++c) {
            if (cond_field[c] == f && SummaryExcludes(q.value_where[c], s)) return BlockUse::kSkip;
          }
          return BlockUse::kDecode;
        };
        std::vector<BlockSummary> none;  // the policy asks for no summary
        return ReadSeriesBlocks(iter(), mid, sid, lo, hi, policy, &pts[f], &none);
      };
      std::vector<bool> loaded(all.size(), false);
      if (!q.value_where.empty()) {
        // The condition field's values at `matched` when it is requested (all found), and which
        // field it is (all.size(): none).
        const uint64_t* cond_values = nullptr;
        size_t cond_f = all.size();
        if (one_field) {
          // Every condition names one field: its points are tested as they are decoded, frame
          // by frame (ReadSeriesVisit: no point vector), and the matches' times and values kept.
          const size_t f = cond_field[0];
          matched.clear();
          matched_bits.clear();
          if (!members[f].empty()) {
            if (absl::Status s = CheckCancelled(q); !s.ok()) return fail(s);
            const SeriesRecord& r = cs.series[members[f][0]];
            auto policy = [&](const BlockSummary& b) {
              for (const TsValueFilter& c : q.value_where) {
                if (SummaryExcludes(c, b)) return BlockUse::kSkip;
              }
              return BlockUse::kDecode;
            };
            auto test = [&](const RawPoint* p, size_t np) {
              FilterPoints(r.type, q.value_where, p, np, &matched, &matched_bits);
            };
            if (absl::Status s = ReadSeriesVisit(iter(), mid, r.sid, lo, hi, policy, test);
                !s.ok()) {
              return fail(s);
            }
          }
          cond_f = f;
          cond_values = matched_bits.data();
        } else {
          // The conditions' fields first; the others only in the windows where rows matched.
          bool first_condition = true;
          for (size_t c = 0; c < q.value_where.size(); ++c) {
            const size_t f = cond_field[c];
            if (!loaded[f]) {
              if (absl::Status s = read_matching(f); !s.ok()) return fail(s);
              loaded[f] = true;
            }
            const ValueType type =
                members[f].empty() ? ValueType::kFloat : cs.series[members[f][0]].type;
            next.clear();
            for (const RawPoint& p : pts[f]) {
              if (Holds(q.value_where[c], NumberOf(type, p.bits))) next.push_back(p.ts);
            }
            if (first_condition) {
              matched.swap(next);
              first_condition = false;
            } else {
              times.clear();
              std::set_intersection(matched.begin(), matched.end(), next.begin(), next.end(),
                                    std::back_inserter(times));
              matched.swap(times);
            }
            if (matched.empty()) break;
          }
        }
        if (matched.empty()) continue;
        // Each requested field's values at the matched times only (ReadSeriesAt: no point
        // vectors, only the blocks holding a match decoded), then one row per matched time.
        for (size_t f = 0; f < n; ++f) {
          types[f] = members[f].empty() ? ValueType::kFloat : cs.series[members[f][0]].type;
          col_ptr[f] = nullptr;
          if (members[f].empty()) {
            col_found[f].assign(matched.size(), 0);
          } else if (f == cond_f) {
            col_found[f].assign(matched.size(), 1);
            col_ptr[f] = cond_values;
          } else if (loaded[f]) {
            col_bits[f] = std::make_unique_for_overwrite<uint64_t[]>(matched.size());
            col_found[f].assign(matched.size(), 0);
            PickPointsAt(pts[f], matched, 0, matched.size(), col_bits[f].get(), &col_found[f]);
            col_ptr[f] = col_bits[f].get();
          } else {
            col_bits[f] = std::make_unique_for_overwrite<uint64_t[]>(matched.size());
            col_ptr[f] = col_bits[f].get();
            if (absl::Status s = CheckCancelled(q); !s.ok()) return fail(s);
            if (absl::Status s = ReadSeriesAt(iter(), mid, cs.series[members[f][0]].sid, matched,
                                              col_bits[f].get(), &col_found[f]);
                !s.ok()) {
              return fail(s);
            }
          }
        }
        // The rows' values, row-major in the result's buffer, made field by field (the value
        // type's switch once per field rather than once per value) over tiles of rows that fit
        // the L1 data cache, the buffer grown by a tile at a time: field by field over all rows
        // wrote each cell to a line evicted since the previous field's pass once the rows
        // outgrew the cache (high-cpu-1: ~70 KB, a miss per cell).
        const size_t base = out->rows();
        out->times.insert(out->times.end(), matched.begin(), matched.end());
        // Grown a tile at a time (see above), reserved geometrically (groups append rows).
        if (out->cells.capacity() < out->rows() * n) {
          out->cells.reserve(std::max(out->rows() * n, 2 * out->cells.capacity()));
        }
        const size_t tile = std::max<size_t>(1, kRowTileBytes / (n * sizeof(out->cells[0])));
        for (size_t k0 = 0; k0 < matched.size(); k0 += tile) {
          const size_t k1 = std::min(matched.size(), k0 + tile);
          out->cells.resize((base + k1) * n);
          for (size_t f = 0; f < n; ++f) {
            const uint8_t* const found = col_found[f].data();
            const uint64_t* const bits = col_ptr[f];
            std::optional<TsValue>* const cell = out->cells.data() + base * n + f;
            auto fill = [&](auto value_of) {
              for (size_t k = k0; k < k1; ++k) {
                if (found[k]) cell[k * n].emplace(value_of(bits[k]));
              }
            };
            switch (types[f]) {
              case ValueType::kFloat:
                fill([](uint64_t x) {
                  return TsValue(std::in_place_type<double>, std::bit_cast<double>(x));
                });
                break;
              case ValueType::kInt:
                fill([](uint64_t x) {
                  return TsValue(std::in_place_type<int64_t>, static_cast<int64_t>(x));
                });
                break;
              case ValueType::kBool:
                fill([](uint64_t x) { return TsValue(std::in_place_type<bool>, x != 0); });
                break;
            }
          }
        }
      } else {
        for (size_t f = 0; f < n; ++f) {
          if (absl::Status s = read(f); !s.ok()) return fail(s);
          types[f] = members[f].empty() ? ValueType::kFloat : cs.series[members[f][0]].type;
        }
        MergeRawRows(pts, types, n, out);
      }
    }
    if (q.desc) out->ReverseFrom(first);
    if (q.limit != 0 && out->rows() - first > q.limit) out->Truncate(first + q.limit);
    if (out->rows() > first) out->groups.emplace_back(first, &cs.group_tags[g]);
  }
  return absl::OkStatus();
}

absl::StatusOr<LastRowsResult> TsStoreImpl::LastRowsIn(internal::ReadSource& src,
                                                       const ReadView* view, const TsQuery& q,
                                                       const std::vector<std::string>& fields) {
  ScopedOpTimer t(h_last_);
  internal::PerfCountingOff no_perf_counting;  // perf_counting.h: a query's reads, uncounted
  auto fail = [&](absl::Status s) {
    t.Fail();
    return s;
  };
  LastRowsResult result;
  std::vector<TsFieldsRow>& rows = result.own;
  auto scope = ResolveScope(q, fields, ScopeCache::Grouping::kByTagSet, /*last=*/true);
  if (!scope.ok()) return fail(scope.status());
  if (!*scope) return result;
  const CachedScope& cs = *(*scope)->scope;
  const uint64_t mid = (*scope)->mid;
  // A repeated LastRows of an unchanged measurement: a copy of the rows built before, kept for
  // state `change` as the last points are (ts_query_cache.h). Not with a retention: its cutoff
  // moves with the clock, so no two queries share a key.
  const std::optional<uint64_t> change = CacheableChange(engine_, view, mid);
  const LastPointCache::RowsKey key{cs.id, (*scope)->lo, (*scope)->hi, q.limit, q.desc};
  const bool keep = change.has_value() && !(*scope)->retention;
  if (keep) {
    result.shared = last_points_.FindRows((*scope)->catalog_generation, mid, *change, key);
    if (result.shared != nullptr) return result;
  }
  std::vector<std::optional<RawPoint>> last;
  bool exact;
  if (absl::Status s = LastPoints(src, view, **scope, q, change, &last, &exact); !s.ok()) {
    return fail(s);
  }
  const size_t n = fields.size();
  rows.reserve(cs.group_tags.size());
  for (size_t g = 0; g < cs.group_tags.size(); ++g) {
    TsFieldsRow row;
    row.values.resize(n);
    bool any = false;
    for (size_t f = 0; f < n; ++f) {
      const uint32_t* best = nullptr;
      for (const uint32_t& m : cs.members[g][f]) {
        if (last[m] && (best == nullptr || last[m]->ts > last[*best]->ts)) best = &m;
      }
      if (best == nullptr) continue;
      const RawPoint& p = *last[*best];
      row.values[f] = ValueOf(cs.series[*best].type, p.bits);
      if (!any || p.ts > row.time) row.time = p.ts;
      any = true;
    }
    if (!any) continue;
    row.tags = cs.group_tags[g];
    rows.push_back(std::move(row));
  }
  if (q.desc) std::reverse(rows.begin(), rows.end());
  if (q.limit != 0 && rows.size() > q.limit) rows.resize(q.limit);
  if (keep && exact) {
    result.shared = std::make_shared<const std::vector<TsFieldsRow>>(std::move(rows));
    last_points_.StoreRows((*scope)->catalog_generation, mid, *change, key, result.shared);
  }
  return result;
}

absl::StatusOr<std::vector<TsSeriesInfo>> TsStoreImpl::ListSeriesIn(
    internal::ReadSource& src, std::string_view measurement,
    const std::vector<TsTagFilter>& where) {
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> ms, Measurements(measurement));
  std::vector<TsSeriesInfo> out;
  for (const ObjectInfo& info : ms) {
    ASSIGN_OR_RETURN(std::vector<SeriesRecord> series,
                     index_.Select(src, info.id, std::nullopt, where));
    std::vector<TsSeriesInfo> part;
    for (SeriesRecord& r : series) {
      part.push_back(TsSeriesInfo{info.name, std::move(r.tags), std::move(r.field)});
    }
    std::sort(part.begin(), part.end(), [](const TsSeriesInfo& a, const TsSeriesInfo& b) {
      return std::tie(a.tags, a.field) < std::tie(b.tags, b.field);
    });
    for (TsSeriesInfo& s : part) out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> TsStoreImpl::ListMeasurements() {
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> ms, Measurements(""));
  std::vector<std::string> out;
  for (ObjectInfo& m : ms) out.push_back(std::move(m.name));
  return out;
}

absl::StatusOr<TsStats> TsStoreImpl::Stats(std::string_view measurement) {
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> ms, Measurements(measurement));
  TsStats st;
  internal::ReadSource& src = engine_->latest();
  for (const ObjectInfo& info : ms) {
    ASSIGN_OR_RETURN(MeasurementOptions o, DecodeMeasurementOptions(info.options));
    const int64_t cutoff = Cutoff(o);
    ASSIGN_OR_RETURN(std::vector<SeriesRecord> series,
                     index_.Select(src, info.id, std::nullopt, {}));
    st.series += static_cast<int64_t>(series.size());
    for (const SeriesRecord& r : series) {
      // Bytes: every stored key and value of the series, visible or not yet reclaimed.
      const std::string prefix = SeriesPrefix(info.id, r.sid);
      auto it = src.NewIterator(Cf::kData, prefix, codec::PrefixSuccessor(prefix));
      for ((*it)->SeekToFirst(); (*it)->Valid(); (*it)->Next()) {
        st.bytes += static_cast<int64_t>((*it)->key().size() + (*it)->value().size());
      }
      RETURN_IF_ERROR(internal::FromRocks((*it)->status(), "time-series stats"));
      ASSIGN_OR_RETURN(std::vector<RawPoint> pts,
                       ReadSeries(src, info.id, r.sid, cutoff, INT64_MAX));
      st.points += static_cast<int64_t>(pts.size());
    }
  }
  st.bytes_per_point =
      st.points == 0 ? 0.0 : static_cast<double>(st.bytes) / static_cast<double>(st.points);
  return st;
}

}  // namespace tessera::ts
