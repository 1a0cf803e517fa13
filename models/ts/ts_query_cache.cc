// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/ts/ts_query_cache.h"

#include <algorithm>
#include <atomic>
#include <map>

#include "core/codec/coding.h"

namespace tessera::ts {
namespace {

void PutString(std::string* out, std::string_view s) {
  codec::PutVarint64(out, s.size());
  out->append(s);
}

std::string_view TagValueOf(const TsTags& tags, const std::string& key) {
  for (const auto& [k, v] : tags) {
    if (k == key) return v;
  }
  return "";
}

}  // namespace

std::string ScopeCache::Key(uint64_t mid, const std::vector<std::string>& fields,
                            const std::vector<TsTagFilter>& where,
                            const std::vector<std::string>& by, Grouping grouping) {
  std::string k;
  codec::PutVarint64(&k, mid);
  k.push_back(static_cast<char>(grouping));
  codec::PutVarint64(&k, fields.size());
  for (const std::string& f : fields) PutString(&k, f);
  codec::PutVarint64(&k, where.size());
  for (const TsTagFilter& w : where) {
    PutString(&k, w.tag);
    k.push_back(static_cast<char>(w.op));
    // IN is a set: its values in any order (or repeated) select the same series.
    std::vector<std::string_view> values(w.values.begin(), w.values.end());
    if (w.op == TsTagFilter::Op::kIn) {
      std::sort(values.begin(), values.end());
      values.erase(std::unique(values.begin(), values.end()), values.end());
    }
    codec::PutVarint64(&k, values.size());
    for (std::string_view v : values) PutString(&k, v);
  }
  codec::PutVarint64(&k, by.size());
  for (const std::string& b : by) PutString(&k, b);
  return k;
}

std::shared_ptr<const CachedScope> ScopeCache::Find(const std::string& key, uint64_t generation) {
  util::MutexLock l(&mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second->generation != generation) return nullptr;
  return it->second;
}

void ScopeCache::Put(const std::string& key, std::shared_ptr<const CachedScope> scope) {
  const size_t n = scope->series.size();
  if (n > kMaxSeries) return;
  util::MutexLock l(&mu_);
  if ((entries_.size() >= kMaxEntries || series_ + n > kMaxSeries) && !entries_.contains(key)) {
    entries_.clear();
    series_ = 0;
  }
  auto& slot = entries_[key];
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

bool LastPointCache::Lookup(uint64_t mid, uint64_t change, const std::vector<uint64_t>& sids,
                            std::vector<std::optional<std::optional<RawPoint>>>* out) {
  out->assign(sids.size(), std::nullopt);
  util::MutexLock l(&mu_);
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

void LastPointCache::Store(
    uint64_t mid, uint64_t change,
    const std::vector<std::pair<uint64_t, std::optional<RawPoint>>>& points) {
  if (points.empty()) return;
  util::MutexLock l(&mu_);
  Entry& e = entries_[mid];
  if (e.change > change) return;  // read in an older state
  if (e.change < change) {
    e.last.clear();
    e.scopes.clear();
    e.change = change;
  }
  for (const auto& [sid, p] : points) {
    if (e.last.size() >= kMaxSeriesPerMeasurement) break;
    e.last[sid] = p;
  }
}

std::shared_ptr<const std::vector<std::optional<RawPoint>>> LastPointCache::FindScope(
    const CachedScope& scope, uint64_t mid, uint64_t change) {
  util::MutexLock l(&mu_);
  auto e = entries_.find(mid);
  if (e == entries_.end() || e->second.change != change) return nullptr;
  auto it = e->second.scopes.find(scope.id);
  return it == e->second.scopes.end() ? nullptr : it->second;
}

void LastPointCache::StoreScope(
    const CachedScope& scope, uint64_t mid, uint64_t change,
    std::shared_ptr<const std::vector<std::optional<RawPoint>>> points) {
  if (points->size() > kMaxScopeSeries) return;
  util::MutexLock l(&mu_);
  Entry& e = entries_[mid];
  if (e.change > change) return;
  if (e.change < change) {
    e.last.clear();
    e.scopes.clear();
    e.change = change;
  }
  if (e.scopes.size() >= kMaxScopesPerMeasurement) e.scopes.clear();
  e.scopes[scope.id] = std::move(points);
}

void LastPointCache::Erase(uint64_t mid) {
  util::MutexLock l(&mu_);
  entries_.erase(mid);
}

}  // namespace tessera::ts
