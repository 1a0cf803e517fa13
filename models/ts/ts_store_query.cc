// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Queries and statistics of the time-series model (ts_store_impl.h).

#include <algorithm>
#include <map>
#include <set>

#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "models/ts/series_reader.h"
#include "models/ts/ts_aggregate.h"
#include "models/ts/ts_keys.h"
#include "models/ts/ts_store_impl.h"
#include "tessera/status.h"

namespace tessera::ts {
namespace {

using internal::Cf;
using internal::ScopedOpTimer;

std::string TagValue(const TsTags& tags, const std::string& key) {
  for (const auto& [k, v] : tags) {
    if (k == key) return v;
  }
  return "";
}

// The group-by tags of a series, in the order of `by`.
TsTags GroupTags(const SeriesRecord& r, const std::vector<std::string>& by) {
  TsTags out;
  for (const std::string& k : by) out.emplace_back(k, TagValue(r.tags, k));
  return out;
}

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

}  // namespace

absl::StatusOr<std::optional<TsStoreImpl::QueryScope>> TsStoreImpl::ResolveScope(
    internal::ReadSource& src, const TsQuery& q, const std::vector<std::string>& fields,
    bool last) {
  RETURN_IF_ERROR(ValidateQuery(q, last));
  if (fields.empty()) return absl::InvalidArgumentError("time-series query: no field");
  for (const std::string& f : fields) {
    if (f.empty()) return absl::InvalidArgumentError("time-series query: the field is empty");
  }
  RETURN_IF_ERROR(engine_->CheckOpen());
  auto info = engine_->catalog().Find(Model::kTimeSeries, q.measurement);
  if (!info) return std::optional<QueryScope>();
  ASSIGN_OR_RETURN(MeasurementOptions opts, DecodeMeasurementOptions(info->options));
  QueryScope scope;
  scope.mid = info->id;
  scope.lo = std::max(q.from.value_or(INT64_MIN), Cutoff(opts));
  if (q.to && *q.to == INT64_MIN) return std::optional<QueryScope>();
  scope.hi = q.to ? *q.to - 1 : INT64_MAX;
  if (scope.lo > scope.hi) return std::optional<QueryScope>();
  // One index read for every field: the series the tags select, then those of the fields.
  const std::optional<std::string> one =
      fields.size() == 1 ? std::optional<std::string>(fields[0]) : std::nullopt;
  ASSIGN_OR_RETURN(scope.series, index_.Select(src, info->id, one, q.where));
  if (!one) {
    std::set<std::string_view> wanted(fields.begin(), fields.end());
    std::erase_if(scope.series, [&](const SeriesRecord& r) { return !wanted.count(r.field); });
  }
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
  ASSIGN_OR_RETURN(auto out, LastIn(engine_->latest(), q, {q.field}));
  return std::move(out[0]);
}
absl::StatusOr<std::vector<TsRow>> TsStoreImpl::Last(const ReadView& view, const TsQuery& q) {
  RETURN_IF_ERROR(engine_->CheckOpen());
  ASSIGN_OR_RETURN(auto out, LastIn(view.source(), q, {q.field}));
  return std::move(out[0]);
}
absl::StatusOr<std::vector<std::vector<TsRow>>> TsStoreImpl::QueryFields(
    const TsQuery& q, const std::vector<std::string>& fields) {
  return QueryIn(engine_->latest(), q, fields);
}
absl::StatusOr<std::vector<std::vector<TsRow>>> TsStoreImpl::LastFields(
    const TsQuery& q, const std::vector<std::string>& fields) {
  return LastIn(engine_->latest(), q, fields);
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

absl::StatusOr<std::vector<std::vector<TsRow>>> TsStoreImpl::QueryIn(
    internal::ReadSource& src, const TsQuery& q, const std::vector<std::string>& fields) {
  ScopedOpTimer t(h_query_);
  auto fail = [&](absl::Status s) {
    t.Fail();
    return s;
  };
  std::vector<std::vector<TsRow>> result(fields.size());
  auto scope = ResolveScope(src, q, fields, /*last=*/false);
  if (!scope.ok()) return fail(scope.status());
  if (!*scope) return result;
  const uint64_t mid = (*scope)->mid;
  const int64_t lo = (*scope)->lo, hi = (*scope)->hi;
  std::vector<RawPoint> pts;  // one series' points, reused
  std::vector<Sample> samples;
  for (size_t fi = 0; fi < fields.size(); ++fi) {
    std::vector<TsRow>& out = result[fi];
    std::map<TsTags, std::vector<const SeriesRecord*>> groups;
    for (const SeriesRecord& r : (*scope)->series) {
      if (r.field == fields[fi]) groups[GroupTags(r, q.by)].push_back(&r);
    }
    for (const auto& [tags, members] : groups) {
      const size_t first = out.size();  // this group's rows are out[first, end)
      if (q.aggregate && BucketAggregator::Supports(*q.aggregate, members.size())) {
        // Straight from the decoded points into the bucket accumulators.
        BucketAggregator agg(*q.aggregate, q.every);
        for (const SeriesRecord* r : members) {
          if (absl::Status c = CheckCancelled(q); !c.ok()) return fail(c);
          pts.clear();
          if (auto s = ReadSeriesInto(src, mid, r->sid, lo, hi, &pts); !s.ok()) return fail(s);
          agg.AddSeries(r->type, pts);
        }
        for (auto& [time, value] : agg.Finish()) {
          out.push_back(TsRow{time, std::move(value), tags});
        }
      } else if (!q.aggregate && members.size() == 1) {
        // Raw points of one series: already in time order.
        const SeriesRecord* r = members[0];
        if (absl::Status c = CheckCancelled(q); !c.ok()) return fail(c);
        pts.clear();
        if (auto s = ReadSeriesInto(src, mid, r->sid, lo, hi, &pts); !s.ok()) return fail(s);
        out.reserve(out.size() + pts.size());
        for (const RawPoint& p : pts) out.push_back(TsRow{p.ts, ValueOf(r->type, p.bits), tags});
      } else {
        samples.clear();
        for (const SeriesRecord* r : members) {
          if (absl::Status c = CheckCancelled(q); !c.ok()) return fail(c);
          pts.clear();
          if (auto s = ReadSeriesInto(src, mid, r->sid, lo, hi, &pts); !s.ok()) return fail(s);
          for (const RawPoint& p : pts) {
            if (samples.size() % kCancelPollPoints == 0) {
              if (absl::Status c = CheckCancelled(q); !c.ok()) return fail(c);
            }
            TsValue v = ValueOf(r->type, p.bits);
            samples.push_back(Sample{p.ts, v, AsDouble(v)});
          }
        }
        // Series are read in id order, so equal times keep that order.
        if (members.size() > 1) {
          std::stable_sort(samples.begin(), samples.end(),
                           [](const Sample& a, const Sample& b) { return a.ts < b.ts; });
        }
        if (q.aggregate) {
          for (auto& [time, value] : AggregateBuckets(*q.aggregate, q.every, samples)) {
            out.push_back(TsRow{time, std::move(value), tags});
          }
        } else {
          out.reserve(out.size() + samples.size());
          for (Sample& s : samples) out.push_back(TsRow{s.ts, std::move(s.value), tags});
        }
      }
      if (q.desc) std::reverse(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
      if (q.limit != 0 && out.size() - first > q.limit) out.resize(first + q.limit);
    }
  }
  return result;
}

absl::StatusOr<std::vector<std::vector<TsRow>>> TsStoreImpl::LastIn(
    internal::ReadSource& src, const TsQuery& q, const std::vector<std::string>& fields) {
  ScopedOpTimer t(h_last_);
  auto fail = [&](absl::Status s) {
    t.Fail();
    return s;
  };
  std::vector<std::vector<TsRow>> result(fields.size());
  auto scope = ResolveScope(src, q, fields, /*last=*/true);
  if (!scope.ok()) return fail(scope.status());
  if (!*scope) return result;
  for (size_t fi = 0; fi < fields.size(); ++fi) {
    std::vector<TsRow>& out = result[fi];
    std::map<TsTags, TsRow> best;
    for (const SeriesRecord& r : (*scope)->series) {
      if (r.field != fields[fi]) continue;
      if (absl::Status c = CheckCancelled(q); !c.ok()) return fail(c);
      auto p = ReadLastPoint(src, (*scope)->mid, r.sid, (*scope)->lo, (*scope)->hi);
      if (!p.ok()) return fail(p.status());
      if (!*p) continue;
      TsTags tags = q.by.empty() ? r.tags : GroupTags(r, q.by);
      auto it = best.find(tags);
      if (it == best.end() || (*p)->ts > it->second.time) {
        best[tags] = TsRow{(*p)->ts, ValueOf(r.type, (*p)->bits), tags};
      }
    }
    for (auto& [tags, row] : best) out.push_back(std::move(row));
    if (q.desc) std::reverse(out.begin(), out.end());
    if (q.limit != 0 && out.size() > q.limit) out.resize(q.limit);
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
