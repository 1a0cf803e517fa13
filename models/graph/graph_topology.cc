// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The in-memory adjacency copy and its cache (see graph_topology.h).
#include "models/graph/graph_topology.h"

#include <algorithm>

#include "core/util/strings.h"
#include "tessera/status.h"

namespace tessera::graph {
namespace {

absl::Status NotFoundVertex(std::string_view graph, std::string_view id) {
  return absl::NotFoundError(
      util::StrCat("graph ", graph, ": vertex \"", id.substr(0, 128), "\" does not exist"));
}

// The type numbers a filter allows (empty: all), as a mask over type numbers.
std::vector<uint8_t> TypeMask(const Topology& t, const std::vector<std::string>& types) {
  std::vector<uint8_t> mask(t.types.size(), types.empty() ? 1 : 0);
  for (const std::string& name : types) {
    for (size_t i = 0; i < t.types.size(); ++i) {
      if (t.types[i] == name) mask[i] = 1;
    }
  }
  return mask;
}

// Calls fn(other) for every hop of v under the direction and type mask.
template <typename Fn>
void ForEachHop(const Topology& t, uint32_t v, Direction dir, const std::vector<uint8_t>& mask,
                Fn&& fn) {
  for (int d = 0; d < 2; ++d) {
    if (dir != Direction::kBoth && static_cast<int>(dir) != d) continue;
    const uint32_t end = t.offsets[d][v + 1];
    for (uint32_t i = t.offsets[d][v]; i < end; ++i) {
      if (mask[t.type[d][i]]) fn(t.other[d][i]);
    }
  }
}

std::vector<std::string> Names(const Topology& t, std::vector<uint32_t> numbers) {
  std::sort(numbers.begin(), numbers.end());  // numbers follow the byte order of the ids
  std::vector<std::string> out;
  out.reserve(numbers.size());
  for (uint32_t n : numbers) out.push_back(t.names[n]);
  return out;
}

}  // namespace

int64_t Topology::Find(std::string_view id) const {
  auto it = number.find(util::AbslView(id));
  return it == number.end() ? -1 : static_cast<int64_t>(it->second);
}

absl::StatusOr<std::shared_ptr<const Topology>> BuildTopology(GraphReader& r, uint64_t position) {
  auto t = std::make_shared<Topology>();
  t->position = position;
  RETURN_IF_ERROR(r.ForEachVertex([&](std::string_view id, const VertexRecord&) {
    t->number.emplace(util::AbslView(id), static_cast<uint32_t>(t->names.size()));
    t->names.emplace_back(id);
  }));
  const size_t n = t->names.size();
  // Entries per direction in key order; the adjacency keys order vertices by (length, bytes),
  // so each vertex's entries are contiguous but vertices come in another order: gather, then
  // place by vertex number.
  struct Raw {
    uint32_t vertex, other, type;
  };
  std::vector<Raw> raw[2];
  absl::flat_hash_map<std::string, uint32_t> type_number;
  size_t entries = 0;
  absl::Status bad;
  RETURN_IF_ERROR(r.ForEachAdjEntry([&](std::string_view vertex, const AdjEntry& e) {
    if (!bad.ok()) return false;
    if (++entries > kMaxTopologyEntries) {
      bad = absl::ResourceExhaustedError("graph topology: too many edges to cache");
      return false;
    }
    auto v = t->number.find(util::AbslView(vertex));
    auto o = t->number.find(util::AbslView(e.other));
    if (v == t->number.end() || o == t->number.end()) {
      bad =
          absl::DataLossError(util::StrCat("graph ", r.name(), ": adjacency of a missing vertex"));
      return false;
    }
    auto [ty, added] =
        type_number.emplace(util::AbslView(e.type), static_cast<uint32_t>(t->types.size()));
    if (added) t->types.emplace_back(e.type);
    raw[static_cast<int>(e.dir)].push_back({v->second, o->second, ty->second});
    return true;
  }));
  RETURN_IF_ERROR(bad);
  for (int d = 0; d < 2; ++d) {
    // A stable counting sort by vertex keeps each vertex's entries in key order.
    std::vector<uint32_t>& off = t->offsets[d];
    off.assign(n + 1, 0);
    for (const Raw& e : raw[d]) ++off[e.vertex + 1];
    for (size_t i = 0; i < n; ++i) off[i + 1] += off[i];
    std::vector<uint32_t> at(off.begin(), off.end() - 1);
    t->other[d].resize(raw[d].size());
    t->type[d].resize(raw[d].size());
    for (const Raw& e : raw[d]) {
      uint32_t i = at[e.vertex]++;
      t->other[d][i] = e.other;
      t->type[d][i] = e.type;
    }
  }
  return std::shared_ptr<const Topology>(std::move(t));
}

absl::StatusOr<std::vector<std::string>> TopologyKHop(const Topology& t, std::string_view graph,
                                                      std::string_view id, int k,
                                                      const TraversalOptions& o) {
  const int64_t start = t.Find(id);
  if (start < 0) return NotFoundVertex(graph, id);
  const std::vector<uint8_t> mask = TypeMask(t, o.types);
  std::vector<uint8_t> seen(t.names.size(), 0);
  seen[start] = 1;
  std::vector<uint32_t> found;  // in discovery order: each level is a range
  std::vector<uint32_t> frontier{static_cast<uint32_t>(start)};
  for (int hop = 0; hop < k && !frontier.empty(); ++hop) {
    const size_t level_begin = found.size();
    for (uint32_t v : frontier) {
      // Polled per vertex expanded, as the scanning KHop does.
      if (o.cancelled && o.cancelled()) return absl::CancelledError("graph khop cancelled");
      ForEachHop(t, v, o.direction, mask, [&](uint32_t x) {
        if (!seen[x]) {
          seen[x] = 1;
          found.push_back(x);
        }
      });
    }
    frontier.assign(found.begin() + static_cast<std::ptrdiff_t>(level_begin), found.end());
  }
  return Names(t, std::move(found));
}

absl::StatusOr<std::vector<std::string>> TopologyNeighbors(const Topology& t,
                                                           std::string_view graph,
                                                           std::string_view id,
                                                           const TraversalOptions& o) {
  if (o.cancelled && o.cancelled()) return absl::CancelledError("graph neighbors cancelled");
  const int64_t start = t.Find(id);
  if (start < 0) return NotFoundVertex(graph, id);
  const std::vector<uint8_t> mask = TypeMask(t, o.types);
  std::vector<uint32_t> found;
  ForEachHop(t, static_cast<uint32_t>(start), o.direction, mask,
             [&](uint32_t x) { found.push_back(x); });
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return Names(t, std::move(found));
}

int64_t ReadsBeforeBuild(size_t last_entries) {
  return std::max<int64_t>(kBuildAfterReads,
                           static_cast<int64_t>(last_entries / kEntriesPerScanRead));
}

std::shared_ptr<const Topology> TopologyCache::Get(
    uint64_t graph_id, uint64_t snapshot_pos, uint64_t last_change,
    absl::FunctionRef<absl::StatusOr<std::shared_ptr<const Topology>>()> build) {
  {
    util::MutexLock l(&mu_);
    Entry& e = entries_[graph_id];
    if (e.topology != nullptr && e.topology->position <= snapshot_pos &&
        last_change <= e.topology->position) {
      return e.topology;
    }
    if (e.seen_change == last_change) {
      ++e.reads;
    } else {
      e.seen_change = last_change;
      e.reads = 1;
    }
    if (e.reads < ReadsBeforeBuild(e.entries) || e.building) return nullptr;
    e.building = true;
  }
  absl::StatusOr<std::shared_ptr<const Topology>> built = build();
  util::MutexLock l(&mu_);
  Entry& e = entries_[graph_id];
  e.building = false;
  if (!built.ok()) {
    e.reads = -(1 << 30);  // e.g. too large: do not try again until the graph changes
    return nullptr;
  }
  e.entries = std::max<size_t>(1, (*built)->other[0].size() + (*built)->other[1].size());
  if (e.topology == nullptr || e.topology->position < (*built)->position) e.topology = *built;
  return *built;  // read from the caller's own snapshot: exact for it
}

void TopologyCache::Erase(uint64_t graph_id) {
  util::MutexLock l(&mu_);
  entries_.erase(graph_id);
}

}  // namespace tessera::graph
