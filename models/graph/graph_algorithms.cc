// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Graph algorithms (see graph_algorithms.h).
#include "models/graph/graph_algorithms.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "core/util/strings.h"
#include "models/graph/graph_cancel.h"
#include "tessera/status.h"

namespace tessera::graph {

absl::StatusOr<Subgraph> LoadSubgraph(GraphReader& r, const SubgraphOptions& o) {
  Subgraph g;
  RETURN_IF_ERROR(CheckCancelled(o, "graph algorithm"));
  RETURN_IF_ERROR(r.ForEachVertex([&](std::string_view id, const VertexRecord& rec) {
    if (o.vertex_label.empty() || rec.label == o.vertex_label) g.ids.emplace_back(id);
  }));
  if (g.ids.size() > UINT32_MAX) {
    return absl::ResourceExhaustedError("graph algorithms: more than 2^32 vertices");
  }
  RETURN_IF_ERROR(CheckCancelled(o, "graph algorithm"));
  std::unordered_map<std::string_view, uint32_t> index;
  index.reserve(g.ids.size());
  for (uint32_t i = 0; i < g.ids.size(); ++i) index.emplace(g.ids[i], i);
  RETURN_IF_ERROR(r.ForEachOutEdge([&](std::string_view src, const AdjEntry& e) {
    if (!o.types.empty() && std::find(o.types.begin(), o.types.end(), e.type) == o.types.end()) {
      return;
    }
    auto s = index.find(src);
    auto d = index.find(e.other);
    if (s == index.end() || d == index.end()) return;
    g.edges.emplace_back(s->second, d->second);
  }));
  RETURN_IF_ERROR(CheckCancelled(o, "graph algorithm"));
  return g;
}

absl::StatusOr<std::vector<RankedVertex>> RunPageRank(const Subgraph& g, const PageRankOptions& o) {
  if (!(o.damping >= 0 && o.damping <= 1)) {
    return absl::InvalidArgumentError(
        util::StrCat("graph pagerank: damping must be in [0, 1], got ", o.damping));
  }
  if (o.iterations < 0 || o.iterations > 100000) {
    return absl::InvalidArgumentError(
        util::StrCat("graph pagerank: iterations must be in 0..100000, got ", o.iterations));
  }
  if (!(o.tolerance >= 0)) {
    return absl::InvalidArgumentError("graph pagerank: tolerance must be >= 0");
  }
  const size_t n = g.ids.size();
  std::vector<RankedVertex> out;
  if (n == 0) return out;
  std::vector<uint32_t> outdeg(n, 0);
  for (auto [s, d] : g.edges) ++outdeg[s];
  std::vector<double> rank(n, 1.0 / static_cast<double>(n)), next(n);
  for (int it = 0; it < o.iterations; ++it) {
    RETURN_IF_ERROR(CheckCancelled(o.subgraph, "graph pagerank"));
    double dangling = 0;
    for (size_t v = 0; v < n; ++v) {
      if (outdeg[v] == 0) dangling += rank[v];
    }
    const double base = (1.0 - o.damping) / n + o.damping * dangling / n;
    std::fill(next.begin(), next.end(), base);
    for (auto [s, d] : g.edges) next[d] += o.damping * rank[s] / outdeg[s];
    double change = 0;
    for (size_t v = 0; v < n; ++v) change += std::fabs(next[v] - rank[v]);
    rank.swap(next);
    if (change < o.tolerance) break;
  }
  out.reserve(n);
  for (size_t v = 0; v < n; ++v) out.push_back({g.ids[v], rank[v]});
  std::stable_sort(out.begin(), out.end(),
                   [](const RankedVertex& a, const RankedVertex& b) { return a.rank > b.rank; });
  if (o.top != 0 && out.size() > o.top) out.resize(o.top);
  return out;
}

namespace {

uint32_t Find(std::vector<uint32_t>& parent, uint32_t x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

// Tarjan's algorithm, iterative. Returns a component representative per vertex.
absl::StatusOr<std::vector<uint32_t>> StrongComponents(const Subgraph& g,
                                                       const SubgraphOptions& o) {
  const uint32_t n = static_cast<uint32_t>(g.ids.size());
  std::vector<uint32_t> offsets(n + 1, 0), targets(g.edges.size());
  for (auto [s, d] : g.edges) ++offsets[s + 1];
  for (uint32_t i = 0; i < n; ++i) offsets[i + 1] += offsets[i];
  std::vector<uint32_t> fill(offsets.begin(), offsets.end() - 1);
  for (auto [s, d] : g.edges) targets[fill[s]++] = d;

  constexpr uint32_t kUnset = UINT32_MAX;
  std::vector<uint32_t> index(n, kUnset), low(n, 0), comp(n, kUnset);
  std::vector<bool> on_stack(n, false);
  std::vector<uint32_t> stack;
  std::vector<std::pair<uint32_t, uint32_t>> call;  // (vertex, next edge position)
  uint32_t counter = 0;
  for (uint32_t root = 0; root < n; ++root) {
    if (root % kCancelPoll == 0) RETURN_IF_ERROR(CheckCancelled(o, "graph components"));
    if (index[root] != kUnset) continue;
    call.emplace_back(root, offsets[root]);
    index[root] = low[root] = counter++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!call.empty()) {
      auto& [v, pos] = call.back();
      if (pos < offsets[v + 1]) {
        uint32_t w = targets[pos++];
        if (index[w] == kUnset) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          on_stack[w] = true;
          call.emplace_back(w, offsets[w]);
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      uint32_t done = v;
      call.pop_back();
      if (!call.empty()) low[call.back().first] = std::min(low[call.back().first], low[done]);
      if (low[done] == index[done]) {
        uint32_t w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          comp[w] = done;
        } while (w != done);
      }
    }
  }
  return comp;
}

}  // namespace

absl::StatusOr<ComponentsResult> RunComponents(const Subgraph& g, bool strong,
                                               const SubgraphOptions& o) {
  const uint32_t n = static_cast<uint32_t>(g.ids.size());
  std::vector<uint32_t> rep;
  if (strong) {
    ASSIGN_OR_RETURN(rep, StrongComponents(g, o));
  } else {
    rep.resize(n);
    std::iota(rep.begin(), rep.end(), 0);
    for (auto [s, d] : g.edges) {
      uint32_t a = Find(rep, s), b = Find(rep, d);
      if (a != b) rep[std::max(a, b)] = std::min(a, b);
    }
    for (uint32_t v = 0; v < n; ++v) rep[v] = Find(rep, v);
  }
  ComponentsResult r;
  std::unordered_map<uint32_t, int64_t> number;
  std::vector<int64_t> sizes;
  r.membership.reserve(n);
  for (uint32_t v = 0; v < n; ++v) {  // ids are sorted: numbers follow the smallest member
    auto [it, fresh] = number.emplace(rep[v], static_cast<int64_t>(sizes.size()));
    if (fresh) sizes.push_back(0);
    ++sizes[it->second];
    r.membership.emplace_back(g.ids[v], it->second);
  }
  r.count = static_cast<int64_t>(sizes.size());
  r.largest = sizes.empty() ? 0 : *std::max_element(sizes.begin(), sizes.end());
  return r;
}

absl::StatusOr<int64_t> RunTriangles(const Subgraph& g, const SubgraphOptions& o) {
  const uint32_t n = static_cast<uint32_t>(g.ids.size());
  std::vector<std::vector<uint32_t>> adj(n);
  for (auto [s, d] : g.edges) {
    if (s == d) continue;
    adj[s].push_back(d);
    adj[d].push_back(s);
  }
  for (auto& a : adj) {
    std::sort(a.begin(), a.end());
    a.erase(std::unique(a.begin(), a.end()), a.end());
  }
  // Orient every edge from lower to higher (degree, index) so each triangle is counted once.
  auto before = [&](uint32_t a, uint32_t b) {
    return adj[a].size() != adj[b].size() ? adj[a].size() < adj[b].size() : a < b;
  };
  std::vector<std::vector<uint32_t>> fwd(n);
  for (uint32_t v = 0; v < n; ++v) {
    for (uint32_t w : adj[v]) {
      if (before(v, w)) fwd[v].push_back(w);
    }
  }
  int64_t count = 0;
  std::vector<uint8_t> mark(n, 0);
  for (uint32_t v = 0; v < n; ++v) {
    if (v % kCancelPoll == 0) RETURN_IF_ERROR(CheckCancelled(o, "graph triangles"));
    for (uint32_t w : fwd[v]) mark[w] = 1;
    for (uint32_t w : fwd[v]) {
      for (uint32_t x : fwd[w]) count += mark[x];
    }
    for (uint32_t w : fwd[v]) mark[w] = 0;
  }
  return count;
}

}  // namespace tessera::graph
