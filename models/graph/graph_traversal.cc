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

#include "core/util/strings.h"
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
  RETURN_IF_ERROR(r.RequireVertex(id));
  std::set<std::string, std::less<>> found;
  RETURN_IF_ERROR(r.ForEachEdge(id, o.direction, o.types, [&](const AdjEntry& e) {
    if (found.find(e.other) == found.end()) found.emplace(e.other);
    return true;
  }));
  std::vector<std::string> out;
  for (const std::string& v : found) {
    if (o.limit != 0 && out.size() >= o.limit) break;
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
  RETURN_IF_ERROR(r.RequireVertex(id));
  std::unordered_set<std::string> seen{std::string(id)};
  std::vector<std::string> frontier{std::string(id)};
  std::vector<std::string> out;
  bool full = false;
  for (int hop = 0; hop < k && !frontier.empty() && !full; ++hop) {
    std::vector<std::string> next;
    for (const std::string& v : frontier) {
      RETURN_IF_ERROR(r.ForEachEdge(v, o.direction, o.types, [&](const AdjEntry& e) {
        std::string other(e.other);
        if (seen.insert(other).second) {
          out.push_back(other);
          next.push_back(std::move(other));
          if (o.limit != 0 && out.size() >= o.limit) {
            full = true;
            return false;
          }
        }
        return true;
      }));
      if (full) break;
    }
    frontier = std::move(next);
  }
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

absl::StatusOr<std::optional<GraphPath>> Bfs(GraphReader& r, const std::string& src,
                                             const std::string& dst, const TraversalOptions& o) {
  std::unordered_map<std::string, std::string> parent;
  parent.emplace(src, src);
  std::vector<std::string> frontier{src};
  bool done = src == dst;
  while (!done && !frontier.empty()) {
    std::vector<std::string> next;
    for (const std::string& v : frontier) {
      RETURN_IF_ERROR(r.ForEachEdge(v, o.direction, o.types, [&](const AdjEntry& e) {
        std::string other(e.other);
        if (parent.emplace(other, v).second) {
          if (other == dst) {
            done = true;
            return false;
          }
          next.push_back(std::move(other));
        }
        return true;
      }));
      if (done) break;
    }
    frontier = std::move(next);
  }
  if (!done) return std::optional<GraphPath>();
  GraphPath p;
  p.path = BuildPath(parent, src, dst);
  p.length = static_cast<double>(p.path.size() - 1);
  return std::optional<GraphPath>(std::move(p));
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
