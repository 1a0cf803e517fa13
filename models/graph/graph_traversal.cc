// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Traversals (see graph_traversal.h).
#include "models/graph/graph_traversal.h"

#include <algorithm>
#include <limits>
#include <queue>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "core/util/strings.h"
#include "models/graph/graph_cancel.h"
#include "nlohmann/json.hpp"
#include "query/filter.h"
#include "tessera/status.h"

namespace tessera::graph {
namespace {

using Json = nlohmann::ordered_json;

absl::Status CheckTypes(const TraversalOptions& o) {
  for (const std::string& t : o.types) {
    if (t.empty() || t.size() > kMaxEdgeTypeBytes) {
      return absl::InvalidArgumentError(
          util::StrCat("graph edge type filter must be 1..", kMaxEdgeTypeBytes, " bytes"));
    }
  }
  if (o.direction != Direction::kOut && o.direction != Direction::kIn &&
      o.direction != Direction::kBoth) {
    return absl::InvalidArgumentError("graph traversal: unknown direction");
  }
  return absl::OkStatus();
}

// In kBoth, a self-loop is seen twice (its out and its in entry); it is one edge, one hop.
bool SkipDuplicateLoop(const AdjEntry& e, std::string_view from, Direction dir) {
  return dir == Direction::kBoth && e.dir == Direction::kIn && e.other == from;
}

absl::StatusOr<query::Filter> ParseWhere(const std::string& where) {
  Json j = Json::parse(where, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError(
        util::StrCat("graph where filter must be a JSON object, got: ", where.substr(0, 80)));
  }
  return query::Filter::Parse(j);
}

}  // namespace

absl::StatusOr<std::vector<std::string>> Neighbors(GraphReader& r, std::string_view id,
                                                   const TraversalOptions& o) {
  RETURN_IF_ERROR(CheckTypes(o));
  std::optional<query::Filter> filter;
  if (!o.where.empty()) {
    ASSIGN_OR_RETURN(filter, ParseWhere(o.where));
  }
  RETURN_IF_ERROR(CheckCancelled(o, "graph neighbors"));
  std::vector<std::string> found;
  size_t seen = 0;
  bool cancelled = false;
  RETURN_IF_ERROR(r.ForEachEdge(id, o.direction, o.types, [&](const AdjEntry& e) {
    if (++seen % kCancelPoll == 0 && o.cancelled && o.cancelled()) {
      cancelled = true;
      return false;
    }
    if (found.empty() || found.back() != e.other) found.emplace_back(e.other);
    return true;
  }));
  if (cancelled) return absl::CancelledError("graph neighbors cancelled");
  // A vertex with adjacency exists (deletes cascade), so only an empty answer needs the check.
  if (found.empty()) RETURN_IF_ERROR(r.RequireVertex(id));
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  std::vector<std::string> out;
  for (const std::string& v : found) {
    if (o.limit != 0 && out.size() >= o.limit) break;
    if (filter && out.size() % kCancelPoll == 0) {
      RETURN_IF_ERROR(CheckCancelled(o, "graph neighbors"));
    }
    if (filter) {
      ASSIGN_OR_RETURN(auto rec, r.GetVertex(v));
      if (!rec) continue;
      Json props = Json::parse(rec->props, nullptr, false);
      if (props.is_discarded() || !filter->Matches(props)) continue;
    }
    out.push_back(v);
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> KHop(GraphReader& r, std::string_view id, int k,
                                              const TraversalOptions& o) {
  RETURN_IF_ERROR(CheckTypes(o));
  if (k < 0 || k > kMaxHopsLimit) {
    return absl::InvalidArgumentError(
        util::StrCat("graph khop: K must be between 0 and ", kMaxHopsLimit, ", got ", k));
  }
  // Each vertex is stored once in `out` (in discovery order, so each level is a range of it) and
  // once in `seen`; adjacency keys are decoded in place, one iterator serves every vertex.
  absl::flat_hash_set<std::string> seen;
  seen.emplace(util::AbslView(id));
  std::vector<std::string> out;
  bool full = false;
  bool any_edge = false;
  std::string v(id);
  size_t level_begin = 0, level_end = 0;  // the frontier after hop 0: out[level_begin, level_end)
  for (int hop = 0; hop < k && !full; ++hop) {
    const size_t count = hop == 0 ? 1 : level_end - level_begin;
    if (count == 0) break;
    for (size_t i = 0; i < count && !full; ++i) {
      RETURN_IF_ERROR(CheckCancelled(o, "graph khop"));
      if (hop > 0) v = out[level_begin + i];  // a copy: `out` grows during the scan
      RETURN_IF_ERROR(r.ForEachEdge(v, o.direction, o.types, [&](const AdjEntry& e) {
        any_edge = true;
        if (seen.find(util::AbslView(e.other)) != seen.end()) return true;
        seen.emplace(util::AbslView(e.other));
        out.emplace_back(e.other);
        if (o.limit != 0 && out.size() >= o.limit) {
          full = true;
          return false;
        }
        return true;
      }));
    }
    level_begin = hop == 0 ? 0 : level_end;
    level_end = out.size();
  }
  // A vertex with adjacency exists (deletes cascade): only a start without edges needs a check.
  if (!any_edge) RETURN_IF_ERROR(r.RequireVertex(id));
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

std::vector<std::string> BuildPath(const std::unordered_map<std::string, std::string>& parent,
                                   const std::string& src, const std::string& dst) {
  std::vector<std::string> path{dst};
  while (path.back() != src) path.push_back(parent.at(path.back()));
  std::reverse(path.begin(), path.end());
  return path;
}

Direction Reverse(Direction d) {
  if (d == Direction::kOut) return Direction::kIn;
  if (d == Direction::kIn) return Direction::kOut;
  return Direction::kBoth;
}

// Bidirectional breadth-first search: a forward search from src (following o.direction) and a
// backward one from dst (following the reverse direction) expand one whole level at a time,
// always the side with the smaller frontier, until they meet. The first level that meets
// decides the length; among its meeting points the one giving the shortest path is kept.
absl::StatusOr<std::optional<GraphPath>> Bfs(GraphReader& r, const std::string& src,
                                             const std::string& dst, const TraversalOptions& o) {
  if (src == dst) {
    GraphPath p;
    p.path = {src};
    return std::optional<GraphPath>(std::move(p));
  }
  struct Side {
    std::vector<std::string> names;  // discovery order
    std::vector<uint32_t> parent;    // index of the vertex each was reached from
    std::vector<uint32_t> depth;
    absl::flat_hash_map<std::string, uint32_t> index;
    size_t level_begin = 0;
    Direction dir;
    uint32_t Add(std::string_view v, uint32_t from, uint32_t d) {
      auto id = static_cast<uint32_t>(names.size());
      index.emplace(util::AbslView(v), id);
      names.emplace_back(v);
      parent.push_back(from);
      depth.push_back(d);
      return id;
    }
  };
  Side fwd, bwd;
  fwd.dir = o.direction;
  bwd.dir = Reverse(o.direction);
  fwd.Add(src, 0, 0);
  bwd.Add(dst, 0, 0);
  std::string v;
  while (fwd.level_begin < fwd.names.size() && bwd.level_begin < bwd.names.size()) {
    const bool forward = fwd.names.size() - fwd.level_begin <= bwd.names.size() - bwd.level_begin;
    Side& a = forward ? fwd : bwd;
    Side& b = forward ? bwd : fwd;
    const size_t level_end = a.names.size();
    // The best meeting of this level: (total hops, index in a, index in b).
    uint32_t best = UINT32_MAX, best_a = 0, best_b = 0;
    for (size_t i = a.level_begin; i < level_end; ++i) {
      RETURN_IF_ERROR(CheckCancelled(o, "graph path"));
      v = a.names[i];  // a copy: names grows during the scan
      const uint32_t from = static_cast<uint32_t>(i);
      const uint32_t d = a.depth[i] + 1;
      RETURN_IF_ERROR(r.ForEachEdge(v, a.dir, o.types, [&](const AdjEntry& e) {
        if (a.index.find(util::AbslView(e.other)) != a.index.end()) return true;
        uint32_t id = a.Add(e.other, from, d);
        auto met = b.index.find(util::AbslView(e.other));
        if (met != b.index.end() && d + b.depth[met->second] < best) {
          best = d + b.depth[met->second];
          best_a = id;
          best_b = met->second;
        }
        return true;
      }));
    }
    a.level_begin = level_end;
    if (best == UINT32_MAX) continue;
    // Path: src .. meeting vertex (forward parents, reversed), then .. dst (backward parents).
    uint32_t f = forward ? best_a : best_b;
    uint32_t g = forward ? best_b : best_a;
    GraphPath p;
    for (uint32_t x = f;; x = fwd.parent[x]) {
      p.path.push_back(fwd.names[x]);
      if (x == 0) break;
    }
    std::reverse(p.path.begin(), p.path.end());
    for (uint32_t x = g; x != 0;) {
      x = bwd.parent[x];
      p.path.push_back(bwd.names[x]);
    }
    p.length = static_cast<double>(p.path.size() - 1);
    return std::optional<GraphPath>(std::move(p));
  }
  return std::optional<GraphPath>();
}

absl::StatusOr<std::optional<GraphPath>> Dijkstra(GraphReader& r, const std::string& src,
                                                  const std::string& dst,
                                                  const TraversalOptions& o) {
  std::unordered_map<std::string, double> dist{{src, 0.0}};
  std::unordered_map<std::string, std::string> parent{{src, src}};
  std::unordered_set<std::string> settled;
  using Item = std::pair<double, std::string>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
  heap.emplace(0.0, src);
  absl::Status bad;
  while (!heap.empty()) {
    // Named copies, not structured bindings: the lambda below captures them (C++20 allows it,
    // clang 14 does not).
    const double d = heap.top().first;
    const std::string v = heap.top().second;
    heap.pop();
    if (!settled.insert(v).second) continue;
    RETURN_IF_ERROR(CheckCancelled(o, "graph path"));
    if (v == dst) {
      GraphPath p;
      p.length = d;
      p.path = BuildPath(parent, src, dst);
      return std::optional<GraphPath>(std::move(p));
    }
    RETURN_IF_ERROR(r.ForEachEdge(v, o.direction, o.types, [&](const AdjEntry& e) {
      if (e.weight < 0) {
        bad = absl::InvalidArgumentError(util::StrCat(
            "graph ", r.name(), ": weighted shortest path needs non-negative weights, but edge ",
            e.edge_id, " has weight ", e.weight));
        return false;
      }
      std::string other(e.other);
      if (settled.count(other) != 0) return true;
      double nd = d + e.weight;
      auto it = dist.find(other);
      if (it == dist.end() || nd < it->second) {
        dist[other] = nd;
        parent[other] = v;
        heap.emplace(nd, std::move(other));
      }
      return true;
    }));
    RETURN_IF_ERROR(bad);
  }
  return std::optional<GraphPath>();
}

}  // namespace

absl::StatusOr<std::optional<GraphPath>> ShortestPath(GraphReader& r, std::string_view src,
                                                      std::string_view dst, bool weighted,
                                                      const TraversalOptions& o) {
  RETURN_IF_ERROR(CheckTypes(o));
  RETURN_IF_ERROR(r.RequireVertex(src));
  RETURN_IF_ERROR(r.RequireVertex(dst));
  RETURN_IF_ERROR(CheckCancelled(o, "graph path"));
  if (weighted) return Dijkstra(r, std::string(src), std::string(dst), o);
  return Bfs(r, std::string(src), std::string(dst), o);
}

absl::StatusOr<std::vector<GraphWalk>> Expand(GraphReader& r, std::string_view id,
                                              const ExpandOptions& o) {
  const TraversalOptions& t = o.traversal;
  RETURN_IF_ERROR(CheckTypes(t));
  if (o.min_hops < 0 || o.max_hops < o.min_hops || o.max_hops > kMaxHopsLimit) {
    return absl::InvalidArgumentError(util::StrCat("graph expand: need 0 <= min (", o.min_hops,
                                                   ") <= max (", o.max_hops,
                                                   ") <= ", kMaxHopsLimit));
  }
  RETURN_IF_ERROR(r.RequireVertex(id));
  RETURN_IF_ERROR(CheckCancelled(t, "graph expand"));
  std::vector<GraphWalk> out;
  GraphWalk cur;
  cur.vertices.push_back(std::string(id));
  std::multiset<std::string> on_path{std::string(id)};
  std::multiset<uint64_t> edges_on_path;
  size_t steps = 0;
  absl::Status stop;
  // Depth-first: each frame holds the hops available from the vertex at its depth.
  struct Hop {
    std::string to;
    uint64_t edge;
  };
  std::vector<std::vector<Hop>> stack;
  std::vector<size_t> pos;
  auto hops_from = [&](const std::string& v) -> absl::StatusOr<std::vector<Hop>> {
    std::vector<Hop> hops;
    RETURN_IF_ERROR(r.ForEachEdge(v, t.direction, t.types, [&](const AdjEntry& e) {
      if (!SkipDuplicateLoop(e, v, t.direction)) hops.push_back({std::string(e.other), e.edge_id});
      return true;
    }));
    return hops;
  };
  auto emit = [&]() -> bool {  // false: stop
    int depth = static_cast<int>(cur.edges.size());
    if (depth < o.min_hops) return true;
    if (t.limit == 0 && out.size() >= kMaxExpandPaths) {
      stop = absl::ResourceExhaustedError(util::StrCat("graph expand: more than ", kMaxExpandPaths,
                                                       " paths; set a limit or narrow the search"));
      return false;
    }
    out.push_back(cur);
    return t.limit == 0 || out.size() < t.limit;
  };
  if (!emit()) return stop.ok() ? absl::StatusOr<std::vector<GraphWalk>>(out) : stop;
  if (o.max_hops > 0) {
    ASSIGN_OR_RETURN(auto first, hops_from(cur.vertices[0]));
    stack.push_back(std::move(first));
    pos.push_back(0);
  }
  while (!stack.empty()) {
    if (pos.back() >= stack.back().size()) {
      stack.pop_back();
      pos.pop_back();
      if (!cur.edges.empty()) {
        on_path.erase(on_path.find(cur.vertices.back()));
        edges_on_path.erase(edges_on_path.find(cur.edges.back()));
        cur.vertices.pop_back();
        cur.edges.pop_back();
      }
      continue;
    }
    Hop h = stack.back()[pos.back()++];
    if (o.mode == PathMode::kTrail && edges_on_path.count(h.edge) != 0) continue;
    if (o.mode == PathMode::kAcyclic && on_path.count(h.to) != 0) continue;
    if (steps % kCancelPoll == 0) RETURN_IF_ERROR(CheckCancelled(t, "graph expand"));
    if (++steps > kMaxExpandPaths * 10) {
      return absl::ResourceExhaustedError(util::StrCat(
          "graph expand: more than ", kMaxExpandPaths * 10, " steps; narrow the search"));
    }
    cur.vertices.push_back(h.to);
    cur.edges.push_back(h.edge);
    on_path.insert(h.to);
    edges_on_path.insert(h.edge);
    if (!emit()) break;
    if (static_cast<int>(cur.edges.size()) < o.max_hops) {
      ASSIGN_OR_RETURN(auto next, hops_from(h.to));
      stack.push_back(std::move(next));
      pos.push_back(0);
    } else {
      on_path.erase(on_path.find(cur.vertices.back()));
      edges_on_path.erase(edges_on_path.find(cur.edges.back()));
      cur.vertices.pop_back();
      cur.edges.pop_back();
    }
  }
  RETURN_IF_ERROR(stop);
  return out;
}

}  // namespace tessera::graph
