// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Algorithms compared with naive references (dense power iteration, union-find, Kosaraju,
// brute-force triangles) on seeded random graphs with self-loops, multi-edges, isolated vertices
// and cycles, on the whole graph and on subgraphs.
#include <cmath>
#include <numeric>

#include "gtest/gtest.h"
#include "models/graph/graph_test_util.h"

namespace tessera::test {
namespace {

// The part of `g` kept by a label and type selection.
RefGraph Restrict(const RefGraph& g, const std::string& label,
                  const std::vector<std::string>& types) {
  RefGraph out;
  for (const std::string& v : g.vertices) {
    if (label.empty() || g.labels.at(v) == label) {
      out.vertices.push_back(v);
      out.labels[v] = g.labels.at(v);
    }
  }
  auto kept = [&](const std::string& v) { return out.labels.count(v) != 0; };
  for (const RefEdge& e : g.edges) {
    if (!types.empty() && std::find(types.begin(), types.end(), e.type) == types.end()) continue;
    if (kept(e.src) && kept(e.dst)) out.edges.push_back(e);
  }
  return out;
}

struct Selection {
  std::string label;
  std::vector<std::string> types;
};
const Selection kSelections[] = {{"", {}}, {"", {"a"}}, {"Q", {}}, {"P", {"a", "b"}}};

class GraphAlgorithmsTest : public GraphDbTest, public ::testing::WithParamInterface<uint32_t> {
 protected:
  void SetUp() override {
    GraphDbTest::SetUp();
    ref_ = RandomGraph(GetParam(), 30, 55);
    WriteGraph(*graph_, "g", ref_);
  }
  RefGraph ref_;
};

TEST_P(GraphAlgorithmsTest, PageRankMatchesDensePowerIteration) {
  for (const Selection& s : kSelections) {
    RefGraph sub = Restrict(ref_, s.label, s.types);
    for (double d : {0.85, 0.5}) {
      PageRankOptions o;
      o.subgraph = {s.label, s.types};
      o.damping = d;
      o.iterations = 30;
      o.tolerance = 0;  // run every iteration, as the reference does
      ASSERT_OK_AND_ASSIGN(auto ranks, graph_->PageRank("g", o));
      auto want = RefPageRank(sub, d, 30);
      ASSERT_EQ(ranks.size(), want.size());
      double sum = 0;
      for (size_t i = 0; i < ranks.size(); ++i) {
        EXPECT_NEAR(ranks[i].rank, want[ranks[i].id], 1e-12) << ranks[i].id;
        if (i > 0) {
          EXPECT_GE(ranks[i - 1].rank, ranks[i].rank);
        }
        sum += ranks[i].rank;
      }
      EXPECT_NEAR(sum, 1.0, 1e-9);
    }
  }
}

TEST_P(GraphAlgorithmsTest, ComponentsMatchUnionFindAndKosaraju) {
  for (const Selection& s : kSelections) {
    RefGraph sub = Restrict(ref_, s.label, s.types);
    for (bool strong : {false, true}) {
      ASSERT_OK_AND_ASSIGN(auto c, graph_->Components("g", strong, {s.label, s.types}));
      auto want = strong ? RefScc(sub) : RefWcc(sub);
      EXPECT_EQ(c.membership, want) << "strong=" << strong << " label=" << s.label;
      std::map<int64_t, int64_t> sizes;
      for (auto& [v, n] : want) ++sizes[n];
      EXPECT_EQ(c.count, static_cast<int64_t>(sizes.size()));
      int64_t largest = 0;
      for (auto& [n, size] : sizes) largest = std::max(largest, size);
      EXPECT_EQ(c.largest, largest);
    }
  }
}

TEST_P(GraphAlgorithmsTest, TrianglesMatchBruteForce) {
  for (const Selection& s : kSelections) {
    ASSERT_OK_AND_ASSIGN(int64_t n, graph_->Triangles("g", {s.label, s.types}));
    EXPECT_EQ(n, RefTriangles(Restrict(ref_, s.label, s.types)));
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, GraphAlgorithmsTest, ::testing::Values(11u, 12u, 13u, 14u));

class GraphAlgorithmsEdgeCases : public GraphDbTest {};

TEST_F(GraphAlgorithmsEdgeCases, HandBuiltGraphHasKnownAnswers) {
  // a <-> b, b -> c, c -> a (one SCC of 3), d -> d (self-loop), e isolated; triangle a-b-c.
  for (const char* v : {"a", "b", "c", "d", "e"}) ASSERT_OK(graph_->AddVertex("g", v));
  ASSERT_OK(graph_->AddEdge("g", "a", "t", "b").status());
  ASSERT_OK(graph_->AddEdge("g", "b", "t", "a").status());
  ASSERT_OK(graph_->AddEdge("g", "b", "t", "c").status());
  ASSERT_OK(graph_->AddEdge("g", "c", "t", "a").status());
  ASSERT_OK(graph_->AddEdge("g", "d", "t", "d").status());
  ASSERT_OK_AND_ASSIGN(auto wcc, graph_->Components("g", false));
  EXPECT_EQ(wcc.count, 3);
  EXPECT_EQ(wcc.largest, 3);
  ASSERT_OK_AND_ASSIGN(auto scc, graph_->Components("g", true));
  EXPECT_EQ(scc.count, 3);
  ASSERT_OK_AND_ASSIGN(int64_t t, graph_->Triangles("g"));
  EXPECT_EQ(t, 1);
  PageRankOptions o;
  o.top = 2;
  ASSERT_OK_AND_ASSIGN(auto top, graph_->PageRank("g", o));
  ASSERT_EQ(top.size(), 2u);
}

TEST_F(GraphAlgorithmsEdgeCases, EmptyOrMissingGraphAndBadOptions) {
  ASSERT_OK_AND_ASSIGN(auto ranks, graph_->PageRank("none"));
  EXPECT_TRUE(ranks.empty());
  ASSERT_OK_AND_ASSIGN(auto c, graph_->Components("none", false));
  EXPECT_EQ(c.count, 0);
  EXPECT_EQ(c.largest, 0);
  PageRankOptions o;
  o.damping = 1.5;
  EXPECT_EQ(graph_->PageRank("none", o).status().code(), absl::StatusCode::kInvalidArgument);
  o.damping = 0.85;
  o.iterations = -1;
  EXPECT_EQ(graph_->PageRank("none", o).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(graph_->Triangles("bad name!").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::test
