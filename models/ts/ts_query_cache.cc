// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/ts/ts_query_cache.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>

#include "core/util/strings.h"
#include "models/ts/measurement_options.h"
#include "tessera/status.h"

namespace tessera::ts {
namespace {

std::string_view TagValueOf(const TsTags& tags, const std::string& key) {
  for (const auto& [k, v] : tags) {
    if (k == key) return v;
  }
  return "";
}

}  // namespace

void ScopeCache::Key(uint64_t mid, const std::vector<std::string>& fields,
                     const std::vector<TsTagFilter>& where, const std::vector<std::string>& by,
                     Grouping grouping, std::string* key) {
  // Sized once, then written through a pointer: this runs on every query.
  size_t bound = 3 * 10 + 1;
  for (const std::string& f : fields) bound += 10 + f.size();
  for (const TsTagFilter& w : where) {
    bound += 2 * 10 + 1 + w.tag.size();
    for (const std::string& v : w.values) bound += 10 + v.size();
  }
  for (const std::string& b : by) bound += 10 + b.size();
  std::string& k = *key;
  k.resize(bound);
  char* p = k.data();
  auto varint = [&p](uint64_t v) {
    while (v >= 0x80) {
      *p++ = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<char>(v);
  };
  auto str = [&](std::string_view v) {
    varint(v.size());
    std::memcpy(p, v.data(), v.size());
    p += v.size();
  };
  varint(mid);
  *p++ = static_cast<char>(grouping);
  varint(fields.size());
  for (const std::string& f : fields) str(f);
  varint(where.size());
  for (const TsTagFilter& w : where) {
    str(w.tag);
    *p++ = static_cast<char>(w.op);
    // IN is a set: its values in any order (or repeated) select the same series.
    if (w.op == TsTagFilter::Op::kIn && w.values.size() > 1) {
      std::vector<std::string_view> values(w.values.begin(), w.values.end());
      std::sort(values.begin(), values.end());
      values.erase(std::unique(values.begin(), values.end()), values.end());
      varint(values.size());
      for (std::string_view v : values) str(v);
    } else {
      varint(w.values.size());
      for (const std::string& v : w.values) str(v);
    }
  }
  varint(by.size());
  for (const std::string& b : by) str(b);
  k.resize(static_cast<size_t>(p - k.data()));
}

std::shared_ptr<const CachedScope> ScopeCache::Find(std::string_view key, uint64_t generation) {
  util::MutexLock l(&mu_);
  auto it = entries_.find(util::AbslView(key));
  if (it == entries_.end() || it->second->generation != generation) return nullptr;
  return it->second;
}

void ScopeCache::Put(std::string_view key, std::shared_ptr<const CachedScope> scope) {
  const size_t n = scope->series.size();
  if (n > kMaxSeries) return;
  util::MutexLock l(&mu_);
  if ((entries_.size() >= kMaxEntries || series_ + n > kMaxSeries) &&
      !entries_.contains(util::AbslView(key))) {
    entries_.clear();
    series_ = 0;
  }
  auto& slot = entries_[std::string(key)];
  if (slot == nullptr || slot->generation <= scope->generation) {
    series_ = series_ - (slot ? slot->series.size() : 0) + n;
    slot = std::move(scope);
  }
}

std::shared_ptr<const CachedScope> ScopeCache::Build(uint64_t generation,
                                                     std::vector<SeriesRecord> series,
                                                     const std::vector<std::string>& fields,
                                                     const std::vector<std::string>& by,
                                                     Grouping grouping) {
  static std::atomic<uint64_t> next_id{1};
  auto out = std::make_shared<CachedScope>();
  out->id = next_id.fetch_add(1, std::memory_order_relaxed);
  out->generation = generation;
  std::map<std::string_view, uint32_t> field_index;
  for (size_t i = 0; i < fields.size(); ++i) {
    field_index.emplace(fields[i], static_cast<uint32_t>(i));  // the first of duplicates
  }
  std::erase_if(series, [&](const SeriesRecord& r) { return !field_index.count(r.field); });
  out->series = std::move(series);
  std::map<TsTags, std::vector<uint32_t>> groups;  // group tags -> series indices
  for (size_t i = 0; i < out->series.size(); ++i) {
    const SeriesRecord& r = out->series[i];
    TsTags tags;
    if (grouping == Grouping::kByTagSet && by.empty()) {
      tags = r.tags;
    } else {
      for (const std::string& b : by) tags.emplace_back(b, std::string(TagValueOf(r.tags, b)));
    }
    groups[std::move(tags)].push_back(static_cast<uint32_t>(i));
  }
  out->group_of.resize(out->series.size());
  out->field_of.resize(out->series.size());
  for (auto& [tags, idx] : groups) {
    const uint32_t g = static_cast<uint32_t>(out->group_tags.size());
    out->group_tags.push_back(tags);
    auto& m = out->members.emplace_back(fields.size());
    for (uint32_t i : idx) {
      const uint32_t f = field_index.at(out->series[i].field);
      out->group_of[i] = g;
      out->field_of[i] = f;
      m[f].push_back(i);
    }
    // A field listed twice answers as the first of its name.
    for (size_t f = 0; f < fields.size(); ++f) {
      const uint32_t first = field_index.at(fields[f]);
      if (first != f) m[f] = m[first];
    }
  }
  return out;
}

bool LastPointCache::AtGeneration(uint64_t gen) {
  if (gen > gen_) {
    entries_.clear();
    gen_ = gen;
  }
  return gen == gen_;
}

bool LastPointCache::Lookup(uint64_t gen, uint64_t mid, uint64_t change,
                            const std::vector<uint64_t>& sids,
                            std::vector<std::optional<std::optional<RawPoint>>>* out) {
  out->assign(sids.size(), std::nullopt);
  util::MutexLock l(&mu_);
  if (!AtGeneration(gen)) return false;
  auto e = entries_.find(mid);
  if (e == entries_.end() || e->second.change != change) return false;
  bool any = false;
  for (size_t i = 0; i < sids.size(); ++i) {
    auto it = e->second.last.find(sids[i]);
    if (it == e->second.last.end()) continue;
    (*out)[i] = it->second;
    any = true;
  }
  return any;
}

LastPointCache::Entry* LastPointCache::EntryFor(uint64_t mid, uint64_t change) {
  Entry& e = entries_[mid];
  if (e.change > change) return nullptr;  // read in an older state
  if (e.change < change) {
    e.last.clear();
    e.scopes.clear();
    e.rows.clear();
    e.change = change;
  }
  return &e;
}

void LastPointCache::Store(
    uint64_t gen, uint64_t mid, uint64_t change,
    const std::vector<std::pair<uint64_t, std::optional<RawPoint>>>& points) {
  if (points.empty()) return;
  util::MutexLock l(&mu_);
  if (!AtGeneration(gen)) return;
  Entry* e = EntryFor(mid, change);
  if (e == nullptr) return;
  for (const auto& [sid, p] : points) {
    if (e->last.size() >= kMaxSeriesPerMeasurement) break;
    e->last[sid] = p;
  }
}

std::shared_ptr<const std::vector<std::optional<RawPoint>>> LastPointCache::FindScope(
    uint64_t gen, const CachedScope& scope, uint64_t mid, uint64_t change) {
  util::MutexLock l(&mu_);
  if (!AtGeneration(gen)) return nullptr;
  auto e = entries_.find(mid);
  if (e == entries_.end() || e->second.change != change) return nullptr;
  auto it = e->second.scopes.find(scope.id);
  return it == e->second.scopes.end() ? nullptr : it->second;
}

void LastPointCache::StoreScope(
    uint64_t gen, const CachedScope& scope, uint64_t mid, uint64_t change,
    std::shared_ptr<const std::vector<std::optional<RawPoint>>> points) {
  if (points->size() > kMaxScopeSeries) return;
  util::MutexLock l(&mu_);
  if (!AtGeneration(gen)) return;
  Entry* e = EntryFor(mid, change);
  if (e == nullptr) return;
  if (e->scopes.size() >= kMaxScopesPerMeasurement) e->scopes.clear();
  e->scopes[scope.id] = std::move(points);
}

std::shared_ptr<const std::vector<TsFieldsRow>> LastPointCache::FindRows(uint64_t gen, uint64_t mid,
                                                                         uint64_t change,
                                                                         const RowsKey& key) {
  util::MutexLock l(&mu_);
  if (!AtGeneration(gen)) return nullptr;
  auto e = entries_.find(mid);
  if (e == entries_.end() || e->second.change != change) return nullptr;
  for (const auto& [k, rows] : e->second.rows) {
    if (k == key) return rows;
  }
  return nullptr;
}

void LastPointCache::StoreRows(uint64_t gen, uint64_t mid, uint64_t change, const RowsKey& key,
                               std::shared_ptr<const std::vector<TsFieldsRow>> rows) {
  if (rows->size() > kMaxRowsPerResult) return;
  util::MutexLock l(&mu_);
  if (!AtGeneration(gen)) return;
  Entry* e = EntryFor(mid, change);
  if (e == nullptr) return;
  for (auto& [k, r] : e->rows) {
    if (k == key) {
      r = std::move(rows);
      return;
    }
  }
  if (e->rows.size() >= kMaxResultsPerMeasurement) e->rows.clear();
  e->rows.emplace_back(key, std::move(rows));
}

namespace {

bool SameFilters(const std::vector<TsTagFilter>& a, const std::vector<TsTagFilter>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].op != b[i].op || a[i].tag != b[i].tag || a[i].values != b[i].values) return false;
  }
  return true;
}

}  // namespace

std::optional<RecentScope::Value> RecentScope::Find(const TsQuery& q,
                                                    const std::vector<std::string>& fields,
                                                    ScopeCache::Grouping grouping,
                                                    uint64_t catalog_generation,
                                                    uint64_t series_generation) {
  util::MutexLock l(&mu_);
  if (!valid_ || catalog_generation != catalog_generation_ ||
      series_generation != series_generation_ || grouping != grouping_ ||
      q.measurement != measurement_ || fields != fields_ || q.by != by_ ||
      !SameFilters(q.where, where_)) {
    return std::nullopt;
  }
  return value_;
}

void RecentScope::Put(const TsQuery& q, const std::vector<std::string>& fields,
                      ScopeCache::Grouping grouping, uint64_t catalog_generation,
                      uint64_t series_generation, Value value) {
  util::MutexLock l(&mu_);
  valid_ = true;
  measurement_ = q.measurement;
  fields_ = fields;
  where_ = q.where;
  by_ = q.by;
  grouping_ = grouping;
  catalog_generation_ = catalog_generation;
  series_generation_ = series_generation;
  value_ = std::move(value);
}

absl::StatusOr<MeasurementCache::Handle> MeasurementCache::Get(const internal::Catalog& catalog,
                                                               std::string_view name) {
  // Read before the record (the class comment says why).
  const uint64_t generation = catalog.generation();
  {
    util::MutexLock l(&mu_);
    auto it = entries_.find(util::AbslView(name));
    if (it != entries_.end() && it->second.generation == generation) return it->second.handle;
  }
  Handle h;
  if (auto info = catalog.Find(Model::kTimeSeries, name)) {
    ASSIGN_OR_RETURN(MeasurementOptions opts, DecodeMeasurementOptions(info->options));
    h.found = true;
    h.id = info->id;
    h.retention_ns = opts.retention_ns;
  }
  util::MutexLock l(&mu_);
  if (entries_.size() >= kMaxEntries && !entries_.contains(util::AbslView(name))) {
    entries_.clear();
  }
  Entry& e = entries_[std::string(name)];
  if (e.generation <= generation) e = Entry{generation, h};
  return h;
}

void LastPointCache::Erase(uint64_t mid) {
  util::MutexLock l(&mu_);
  entries_.erase(mid);
}

}  // namespace tessera::ts
