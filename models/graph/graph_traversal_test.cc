// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Traversals compared with naive reference implementations on seeded random graphs that have
// self-loops, multi-edges, isolated vertices and cycles.
#include <cmath>

#include "gtest/gtest.h"
#include "models/graph/graph_test_util.h"

namespace tessera::test {
namespace {

const std::vector<std::vector<std::string>> kTypeFilters = {{}, {"a"}, {"b"}, {"a", "b"}};

class GraphTraversalTest : public GraphDbTest, public ::testing::WithParamInterface<uint32_t> {
 protected:
  void SetUp() override {
    GraphDbTest::SetUp();
    ref_ = RandomGraph(GetParam(), 24, 40);
    WriteGraph(*graph_, "g", ref_);
  }
  RefGraph ref_;
};

TEST_P(GraphTraversalTest, NeighborsMatchReference) {
  for (Direction d : kDirs) {
    for (const auto& types : kTypeFilters) {
      for (const std::string& v : ref_.vertices) {
        TraversalOptions o = Trav(d, types);
        ASSERT_OK_AND_ASSIGN(auto got, graph_->Neighbors("g", v, o));
        EXPECT_EQ(got, RefNeighbors(ref_, v, d, types)) << v;
      }
    }
  }
}

TEST_P(GraphTraversalTest, KHopMatchesReferenceBfs) {
  for (Direction d : kDirs) {
    for (const auto& types : kTypeFilters) {
      for (const std::string& v : ref_.vertices) {
        auto dist = RefBfs(ref_, v, d, types);
        for (int k : {0, 1, 2, 3, 10}) {
          std::vector<std::string> want;
          for (auto& [o, h] : dist) {
            if (h >= 1 && h <= k) want.push_back(o);
          }
          ASSERT_OK_AND_ASSIGN(auto got, graph_->KHop("g", v, k, Trav(d, types)));
          EXPECT_EQ(got, want) << v << " k=" << k;
        }
      }
    }
  }
}

// A returned path must exist hop by hop in the reference, under the same filters.
double CheckPath(const RefGraph& g, const GraphPath& p, Direction d,
                 const std::vector<std::string>& types, bool weighted) {
  double total = 0;
  for (size_t i = 0; i + 1 < p.path.size(); ++i) {
    double best = INFINITY;
    for (auto& [o, e] : RefHops(g, p.path[i], d, types)) {
      if (o == p.path[i + 1]) best = std::min(best, weighted ? e->weight : 1.0);
    }
    EXPECT_TRUE(std::isfinite(best)) << "no edge " << p.path[i] << " -> " << p.path[i + 1];
    total += best;
  }
  return total;
}

TEST_P(GraphTraversalTest, ShortestPathsMatchBfsAndBellmanFord) {
  for (Direction d : kDirs) {
    for (const auto& types : kTypeFilters) {
      for (size_t i = 0; i < ref_.vertices.size(); i += 3) {
        const std::string& src = ref_.vertices[i];
        auto hops = RefBfs(ref_, src, d, types);
        auto weights = RefBellmanFord(ref_, src, d, types);
        for (const std::string& dst : ref_.vertices) {
          TraversalOptions o = Trav(d, types);
          ASSERT_OK_AND_ASSIGN(auto p, graph_->ShortestPath("g", src, dst, false, o));
          ASSERT_OK_AND_ASSIGN(auto w, graph_->ShortestPath("g", src, dst, true, o));
          if (hops.count(dst) == 0) {
            EXPECT_FALSE(p.has_value());
            EXPECT_FALSE(w.has_value());
            continue;
          }
          ASSERT_TRUE(p.has_value() && w.has_value()) << src << " -> " << dst;
          EXPECT_EQ(p->length, hops[dst]);
          EXPECT_EQ(p->path.size(), static_cast<size_t>(hops[dst]) + 1);
          EXPECT_EQ(p->path.front(), src);
          EXPECT_EQ(p->path.back(), dst);
          EXPECT_EQ(CheckPath(ref_, *p, d, types, false), hops[dst]);
          EXPECT_DOUBLE_EQ(w->length, weights[dst]) << src << " -> " << dst;
          EXPECT_EQ(w->path.front(), src);
          EXPECT_EQ(w->path.back(), dst);
          EXPECT_DOUBLE_EQ(CheckPath(ref_, *w, d, types, true), weights[dst]);
        }
      }
    }
  }
}

// The unweighted search is bidirectional (a forward and a backward frontier that meet). On denser
// graphs with more paths of equal length, every pair, in every direction, with and without a type
// filter: the length is the reference BFS distance and the path exists hop by hop.
class GraphBidirectionalBfsTest : public GraphDbTest {};

TEST_F(GraphBidirectionalBfsTest, EveryPairMatchesReferenceBfs) {
  for (uint32_t seed : {11u}) {
    RefGraph ref = RandomGraph(seed, 26, 80);
    std::string name = "g" + std::to_string(seed);
    WriteGraph(*graph_, name, ref);
    for (Direction d : kDirs) {
      for (const std::vector<std::string>& types :
           std::vector<std::vector<std::string>>{{}, {"a"}}) {
        for (const std::string& src : ref.vertices) {
          auto hops = RefBfs(ref, src, d, types);
          for (const std::string& dst : ref.vertices) {
            ASSERT_OK_AND_ASSIGN(auto p,
                                 graph_->ShortestPath(name, src, dst, false, Trav(d, types)));
            if (hops.count(dst) == 0) {
              EXPECT_FALSE(p.has_value()) << src << " -> " << dst;
              continue;
            }
            ASSERT_TRUE(p.has_value()) << src << " -> " << dst;
            EXPECT_EQ(p->length, hops[dst]) << src << " -> " << dst;
            ASSERT_EQ(p->path.size(), static_cast<size_t>(hops[dst]) + 1);
            EXPECT_EQ(p->path.front(), src);
            EXPECT_EQ(p->path.back(), dst);
            EXPECT_EQ(CheckPath(ref, *p, d, types, false), hops[dst]);
          }
        }
      }
    }
  }
}

TEST_P(GraphTraversalTest, ExpandMatchesReferenceForEveryPathMode) {
  for (PathMode mode : {PathMode::kWalk, PathMode::kTrail, PathMode::kAcyclic}) {
    for (Direction d : kDirs) {
      for (int min = 0; min <= 2; ++min) {
        for (const std::string& v : {ref_.vertices[0], ref_.vertices[5], ref_.vertices[23]}) {
          ExpandOptions o;
          o.traversal.direction = d;
          o.min_hops = min;
          o.max_hops = 3;
          o.mode = mode;
          ASSERT_OK_AND_ASSIGN(auto walks, graph_->Expand("g", v, o));
          std::vector<std::vector<uint64_t>> got, want;
          for (const GraphWalk& w : walks) {
            ASSERT_EQ(w.vertices.size(), w.edges.size() + 1);
            EXPECT_EQ(w.vertices.front(), v);
            got.push_back(w.edges);
          }
          std::vector<std::string> verts{v};
          std::vector<uint64_t> edges;
          RefExpand(ref_, v, 0, min, 3, mode, d, verts, edges, &want);
          std::sort(got.begin(), got.end());
          std::sort(want.begin(), want.end());
          EXPECT_EQ(got, want) << v << " min=" << min << " mode=" << static_cast<int>(mode);
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, GraphTraversalTest, ::testing::Values(1u, 2u, 3u, 4u));

class GraphTraversalEdgeCases : public GraphDbTest {};

TEST_F(GraphTraversalEdgeCases, LimitsStopEarly) {
  for (const char* v : {"a", "b", "c", "d"}) ASSERT_OK(graph_->AddVertex("g", v));
  for (const char* v : {"b", "c", "d"}) ASSERT_OK(graph_->AddEdge("g", "a", "t", v).status());
  ASSERT_OK_AND_ASSIGN(auto n, graph_->Neighbors("g", "a", Trav(Direction::kOut, {}, 2)));
  EXPECT_EQ(n, (std::vector<std::string>{"b", "c"}));
  ASSERT_OK_AND_ASSIGN(auto k, graph_->KHop("g", "a", 2, Trav(Direction::kOut, {}, 1)));
  EXPECT_EQ(k.size(), 1u);
  ExpandOptions o;
  o.traversal.limit = 2;
  ASSERT_OK_AND_ASSIGN(auto w, graph_->Expand("g", "a", o));
  EXPECT_EQ(w.size(), 2u);
}

TEST_F(GraphTraversalEdgeCases, WalkOnACycleIsCappedByDepthAndTrailIsFinite) {
  ASSERT_OK(graph_->AddVertex("g", "x"));
  ASSERT_OK(graph_->AddEdge("g", "x", "loop", "x").status());
  ExpandOptions o;  // default max: 30 hops
  ASSERT_OK_AND_ASSIGN(auto walks, graph_->Expand("g", "x", o));
  EXPECT_EQ(walks.size(), static_cast<size_t>(kDefaultMaxHops));
  EXPECT_EQ(walks.back().edges.size(), static_cast<size_t>(kDefaultMaxHops));
  o.mode = PathMode::kTrail;
  ASSERT_OK_AND_ASSIGN(walks, graph_->Expand("g", "x", o));
  EXPECT_EQ(walks.size(), 1u);
  o.mode = PathMode::kAcyclic;
  ASSERT_OK_AND_ASSIGN(walks, graph_->Expand("g", "x", o));
  EXPECT_TRUE(walks.empty());
}

TEST_F(GraphTraversalEdgeCases, ExplodingWalkIsResourceExhaustedNotAHang) {
  ASSERT_OK(graph_->AddVertex("g", "x"));
  for (int i = 0; i < 3; ++i) ASSERT_OK(graph_->AddEdge("g", "x", "loop", "x").status());
  ExpandOptions o;  // 3^30 walks
  auto r = graph_->Expand("g", "x", o);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted) << r.status();
}

TEST_F(GraphTraversalEdgeCases, NegativeWeightIsRejectedByDijkstra) {
  for (const char* v : {"a", "b", "c"}) ASSERT_OK(graph_->AddVertex("g", v));
  ASSERT_OK(graph_->AddEdge("g", "a", "t", "b", 2).status());
  ASSERT_OK(graph_->AddEdge("g", "b", "t", "c", -1).status());
  auto r = graph_->ShortestPath("g", "a", "c", true);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("non-negative"), std::string::npos) << r.status();
  ASSERT_OK_AND_ASSIGN(auto p, graph_->ShortestPath("g", "a", "c", false));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->path, (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(GraphTraversalEdgeCases, BadInputGetsClearErrors) {
  ASSERT_OK(graph_->AddVertex("g", "a"));
  EXPECT_EQ(graph_->Neighbors("g", "nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(graph_->Neighbors("missing_graph", "a").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(graph_->KHop("g", "a", -1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(graph_->ShortestPath("g", "a", "zz", false).status().code(),
            absl::StatusCode::kNotFound);
  ExpandOptions o;
  o.min_hops = 3;
  o.max_hops = 2;
  EXPECT_EQ(graph_->Expand("g", "a", o).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(graph_->Neighbors("g", "a", Trav(Direction::kOut, {}, 0, "[1]")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(graph_->Neighbors("g", "a", Trav(Direction::kOut, {}, 0, R"({"x": {"$bogus": 1}})"))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(graph_->Neighbors("g", "", Trav()).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(GraphTraversalEdgeCases, WhereFiltersNeighboursByProperties) {
  ASSERT_OK(graph_->AddVertex("g", "a"));
  ASSERT_OK(graph_->AddVertex("g", "b", "P", R"({"age": 30, "tags": ["x"]})"));
  ASSERT_OK(graph_->AddVertex("g", "c", "P", R"({"age": 20})"));
  ASSERT_OK(graph_->AddVertex("g", "d"));
  for (const char* v : {"b", "c", "d"}) ASSERT_OK(graph_->AddEdge("g", "a", "t", v).status());
  ASSERT_OK_AND_ASSIGN(
      auto n, graph_->Neighbors("g", "a", Trav(Direction::kOut, {}, 0, R"({"age": {"$gt": 25}})")));
  EXPECT_EQ(n, (std::vector<std::string>{"b"}));
  ASSERT_OK_AND_ASSIGN(
      n,
      graph_->Neighbors("g", "a", Trav(Direction::kOut, {}, 0, R"({"age": {"$exists": false}})")));
  EXPECT_EQ(n, (std::vector<std::string>{"d"}));
  ASSERT_OK_AND_ASSIGN(
      n, graph_->Neighbors("g", "a", Trav(Direction::kOut, {}, 0, R"({"tags": "x"})")));
  EXPECT_EQ(n, (std::vector<std::string>{"b"}));
}

}  // namespace
}  // namespace tessera::test
