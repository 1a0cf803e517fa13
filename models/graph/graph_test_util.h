// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Test helpers for the graph model: a seeded random graph generator (with self-loops,
// multi-edges, isolated vertices and cycles), a fixture with a GraphStore, and naive in-memory
// reference implementations that the store's traversals and algorithms are compared against.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tessera/graph.h"
#include "tests/util/test_util.h"

namespace tessera::test {

// Every direction, for tests that check each against the reference graph.
inline constexpr Direction kDirs[] = {Direction::kOut, Direction::kIn, Direction::kBoth};

struct RefEdge {
  std::string src, dst, type;
  double weight = 1;
  uint64_t id = 0;
};

struct RefGraph {
  std::vector<std::string> vertices;  // sorted
  std::map<std::string, std::string> labels;
  std::vector<RefEdge> edges;
};

inline std::string VertexName(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "v%03d", i);
  return buf;
}

// n vertices (the last few isolated), m random edges of types "a"/"b" with integer weights 1..9,
// plus explicit self-loops, duplicated (multi) edges and a directed cycle.
inline RefGraph RandomGraph(uint32_t seed, int n, int m) {
  std::mt19937 rng(seed);
  RefGraph g;
  for (int i = 0; i < n; ++i) {
    g.vertices.push_back(VertexName(i));
    g.labels[VertexName(i)] = (i % 3 == 0) ? "P" : "Q";
  }
  const int connected = std::max(2, n - 3);  // the last 3 vertices stay isolated
  std::uniform_int_distribution<int> v(0, connected - 1), w(1, 9), t(0, 1);
  auto add = [&](int s, int d) {
    g.edges.push_back(
        {VertexName(s), VertexName(d), t(rng) ? "a" : "b", static_cast<double>(w(rng)), 0});
  };
  for (int i = 0; i < m; ++i) add(v(rng), v(rng));
  for (int i = 0; i < 3; ++i) {  // self-loops
    int x = v(rng);
    add(x, x);
  }
  for (int i = 0; i < 4 && !g.edges.empty(); ++i) {  // multi-edges
    RefEdge e = g.edges[rng() % g.edges.size()];
    g.edges.push_back(e);
  }
  for (int i = 0; i < 4; ++i) add(i, (i + 1) % 4);  // a cycle v000 -> v001 -> v002 -> v003
  return g;
}

// Writes `g` into `store` as graph `name`, recording the edge ids.
inline void WriteGraph(GraphStore& store, std::string_view name, RefGraph& g) {
  for (const std::string& v : g.vertices) {
    std::string props = "{\"n\": " + std::to_string(std::stoi(v.substr(1))) + "}";
    ASSERT_OK(store.AddVertex(name, v, g.labels[v], props));
  }
  for (RefEdge& e : g.edges) {
    auto id = store.AddEdge(name, e.src, e.type, e.dst, e.weight);
    ASSERT_TRUE(id.ok()) << id.status();
    e.id = *id;
  }
}

// Traversal options without designated initializers (which warn about the fields left out).
inline TraversalOptions Trav(Direction d = Direction::kOut, std::vector<std::string> types = {},
                             size_t limit = 0, std::string where = "") {
  TraversalOptions o;
  o.direction = d;
  o.types = std::move(types);
  o.limit = limit;
  o.where = std::move(where);
  return o;
}

// The hops of `v` as (other, edge) under a direction and type filter; in kBoth a self-loop is
// one hop.
inline std::vector<std::pair<std::string, const RefEdge*>> RefHops(
    const RefGraph& g, const std::string& v, Direction dir, const std::vector<std::string>& types) {
  std::vector<std::pair<std::string, const RefEdge*>> out;
  for (const RefEdge& e : g.edges) {
    if (!types.empty() && std::find(types.begin(), types.end(), e.type) == types.end()) continue;
    bool out_ok = dir != Direction::kIn && e.src == v;
    bool in_ok = dir != Direction::kOut && e.dst == v;
    if (out_ok) {
      out.emplace_back(e.dst, &e);
    } else if (in_ok) {
      out.emplace_back(e.src, &e);
    }
  }
  return out;
}

inline std::vector<std::string> RefNeighbors(const RefGraph& g, const std::string& v, Direction dir,
                                             const std::vector<std::string>& types) {
  std::set<std::string> s;
  for (auto& [o, e] : RefHops(g, v, dir, types)) s.insert(o);
  return {s.begin(), s.end()};
}

// Hop distances from `src` (BFS over the reference adjacency); absent = unreachable.
inline std::map<std::string, int> RefBfs(const RefGraph& g, const std::string& src, Direction dir,
                                         const std::vector<std::string>& types) {
  std::map<std::string, int> dist{{src, 0}};
  std::vector<std::string> q{src};
  for (size_t i = 0; i < q.size(); ++i) {
    for (auto& [o, e] : RefHops(g, q[i], dir, types)) {
      if (dist.emplace(o, dist[q[i]] + 1).second) q.push_back(o);
    }
  }
  return dist;
}

// Least total weights from `src` (Bellman-Ford relaxation to a fixpoint).
inline std::map<std::string, double> RefBellmanFord(const RefGraph& g, const std::string& src,
                                                    Direction dir,
                                                    const std::vector<std::string>& types) {
  std::map<std::string, double> dist{{src, 0}};
  for (size_t round = 0; round < g.vertices.size(); ++round) {
    bool changed = false;
    for (const std::string& v : g.vertices) {
      auto it = dist.find(v);
      if (it == dist.end()) continue;
      for (auto& [o, e] : RefHops(g, v, dir, types)) {
        double nd = it->second + e->weight;
        auto jt = dist.find(o);
        if (jt == dist.end() || nd < jt->second) {
          dist[o] = nd;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return dist;
}

// Every walk of min..max hops from v (as edge-id sequences), by plain recursion.
inline void RefExpand(const RefGraph& g, const std::string& v, int depth, int min, int max,
                      PathMode mode, Direction dir, std::vector<std::string>& verts,
                      std::vector<uint64_t>& edges, std::vector<std::vector<uint64_t>>* out) {
  if (depth >= min) out->push_back(edges);
  if (depth == max) return;
  for (auto& [o, e] : RefHops(g, v, dir, {})) {
    if (mode == PathMode::kTrail && std::find(edges.begin(), edges.end(), e->id) != edges.end()) {
      continue;
    }
    if (mode == PathMode::kAcyclic && std::find(verts.begin(), verts.end(), o) != verts.end()) {
      continue;
    }
    verts.push_back(o);
    edges.push_back(e->id);
    RefExpand(g, o, depth + 1, min, max, mode, dir, verts, edges, out);
    verts.pop_back();
    edges.pop_back();
  }
}

// Dense power iteration: r' = d * M r + (1 - d) / N with dangling columns uniform.
inline std::map<std::string, double> RefPageRank(const RefGraph& g, double d, int iterations) {
  const size_t n = g.vertices.size();
  std::map<std::string, size_t> idx;
  for (size_t i = 0; i < n; ++i) idx[g.vertices[i]] = i;
  std::vector<std::vector<double>> m(n, std::vector<double>(n, 0));
  std::vector<double> outdeg(n, 0);
  for (const RefEdge& e : g.edges) outdeg[idx[e.src]] += 1;
  for (const RefEdge& e : g.edges) m[idx[e.dst]][idx[e.src]] += 1.0 / outdeg[idx[e.src]];
  for (size_t j = 0; j < n; ++j) {
    if (outdeg[j] == 0) {
      for (size_t i = 0; i < n; ++i) m[i][j] = 1.0 / n;
    }
  }
  std::vector<double> r(n, 1.0 / n);
  for (int it = 0; it < iterations; ++it) {
    std::vector<double> next(n, (1 - d) / n);
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) next[i] += d * m[i][j] * r[j];
    }
    r = next;
  }
  std::map<std::string, double> out;
  for (size_t i = 0; i < n; ++i) out[g.vertices[i]] = r[i];
  return out;
}

// Canonical component numbering: 0.. in the order of each component's smallest vertex.
inline std::vector<std::pair<std::string, int64_t>> Canonical(
    const std::vector<std::string>& sorted_vertices, const std::map<std::string, int>& comp) {
  std::map<int, int64_t> number;
  std::vector<std::pair<std::string, int64_t>> out;
  for (const std::string& v : sorted_vertices) {
    auto [it, fresh] = number.emplace(comp.at(v), static_cast<int64_t>(number.size()));
    out.emplace_back(v, it->second);
  }
  return out;
}

// Weak components by union-find.
inline std::vector<std::pair<std::string, int64_t>> RefWcc(const RefGraph& g) {
  std::map<std::string, std::string> parent;
  for (const std::string& v : g.vertices) parent[v] = v;
  std::function<std::string(const std::string&)> find = [&](const std::string& x) {
    return parent[x] == x ? x : parent[x] = find(parent[x]);
  };
  for (const RefEdge& e : g.edges) parent[find(e.src)] = find(e.dst);
  std::map<std::string, int> comp;
  std::map<std::string, int> root_no;
  for (const std::string& v : g.vertices) {
    comp[v] = root_no.emplace(find(v), static_cast<int>(root_no.size())).first->second;
  }
  return Canonical(g.vertices, comp);
}

// Strong components by Kosaraju (two recursive DFS passes).
inline std::vector<std::pair<std::string, int64_t>> RefScc(const RefGraph& g) {
  std::map<std::string, std::vector<std::string>> fwd, rev;
  for (const RefEdge& e : g.edges) {
    fwd[e.src].push_back(e.dst);
    rev[e.dst].push_back(e.src);
  }
  std::set<std::string> seen;
  std::vector<std::string> order;
  std::function<void(const std::string&)> dfs1 = [&](const std::string& v) {
    if (!seen.insert(v).second) return;
    for (const std::string& w : fwd[v]) dfs1(w);
    order.push_back(v);
  };
  for (const std::string& v : g.vertices) dfs1(v);
  std::map<std::string, int> comp;
  std::function<void(const std::string&, int)> dfs2 = [&](const std::string& v, int c) {
    if (comp.count(v) != 0) return;
    comp[v] = c;
    for (const std::string& w : rev[v]) dfs2(w, c);
  };
  int c = 0;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    if (comp.count(*it) == 0) dfs2(*it, c++);
  }
  return Canonical(g.vertices, comp);
}

// Triangles by brute force over every vertex triple of the undirected simple graph.
inline int64_t RefTriangles(const RefGraph& g) {
  std::set<std::pair<std::string, std::string>> und;
  for (const RefEdge& e : g.edges) {
    if (e.src == e.dst) continue;
    und.insert({std::min(e.src, e.dst), std::max(e.src, e.dst)});
  }
  auto has = [&](const std::string& a, const std::string& b) {
    return und.count({std::min(a, b), std::max(a, b)}) != 0;
  };
  int64_t count = 0;
  const auto& v = g.vertices;
  for (size_t i = 0; i < v.size(); ++i) {
    for (size_t j = i + 1; j < v.size(); ++j) {
      if (!has(v[i], v[j])) continue;
      for (size_t k = j + 1; k < v.size(); ++k) count += has(v[i], v[k]) && has(v[j], v[k]);
    }
  }
  return count;
}

// A database fixture with a GraphStore.
class GraphDbTest : public DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    OpenGraph();
  }
  void TearDown() override {
    graph_.reset();
    DbTest::TearDown();
  }
  void ReopenGraph() {
    graph_.reset();
    Reopen();
    OpenGraph();
  }
  std::unique_ptr<GraphStore> graph_;

 private:
  void OpenGraph() {
    auto g = GraphStore::Open(db_.get());
    ASSERT_TRUE(g.ok()) << g.status();
    graph_ = std::move(g).value();
  }
};

}  // namespace tessera::test
