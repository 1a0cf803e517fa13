// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The in-memory topology and its cache (graph_topology.h): traversals over it agree with the
// reference, the cache is used only for snapshots it provably matches, and traversals stay right
// while writes (single, in a transaction, bulk loads, deletes) interleave with them.
#include <fstream>

#include "core/engine/engine.h"
#include "gtest/gtest.h"
#include "models/graph/graph_loader.h"
#include "models/graph/graph_reader.h"
#include "models/graph/graph_test_util.h"
#include "models/graph/graph_topology.h"

namespace tessera::test {
namespace {

const std::vector<std::vector<std::string>> kTopologyTypeFilters = {{}, {"a"}, {"b", "a"}, {"zz"}};

std::vector<std::string> RefKHop(const RefGraph& g, const std::string& v, int k, Direction d,
                                 const std::vector<std::string>& types) {
  std::vector<std::string> out;
  for (auto& [o, h] : RefBfs(g, v, d, types)) {
    if (h >= 1 && h <= k) out.push_back(o);
  }
  return out;
}

class GraphTopologyTest : public GraphDbTest {
 protected:
  std::shared_ptr<const graph::Topology> Build(const std::string& name) {
    auto snap = db_->GetSnapshot();
    EXPECT_TRUE(snap.ok());
    auto info = db_->engine().catalog().Get(Model::kGraph, name);
    EXPECT_TRUE(info.ok());
    graph::GraphReader r(&(*snap)->source(), info->id, name);
    auto t = graph::BuildTopology(r, (*snap)->sequence());
    EXPECT_TRUE(t.ok()) << t.status();
    return *t;
  }
  // Every vertex's neighbours and 1..3-hop sets through the store, against the reference.
  void CheckAll(const RefGraph& ref, const std::string& name) {
    for (Direction d : kDirs) {
      for (const auto& types : {std::vector<std::string>{}, std::vector<std::string>{"a"}}) {
        for (const std::string& v : ref.vertices) {
          ASSERT_OK_AND_ASSIGN(auto n, graph_->Neighbors(name, v, Trav(d, types)));
          EXPECT_EQ(n, RefNeighbors(ref, v, d, types)) << v;
          ASSERT_OK_AND_ASSIGN(auto k, graph_->KHop(name, v, 2, Trav(d, types)));
          EXPECT_EQ(k, RefKHop(ref, v, 2, d, types)) << v;
        }
      }
    }
  }
};

TEST_F(GraphTopologyTest, TraversalsOverTheCopyMatchTheReference) {
  RefGraph ref = RandomGraph(5, 24, 40);
  WriteGraph(*graph_, "g", ref);
  auto t = Build("g");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->names, ref.vertices);
  for (Direction d : kDirs) {
    for (const auto& types : kTopologyTypeFilters) {
      for (const std::string& v : ref.vertices) {
        ASSERT_OK_AND_ASSIGN(auto n, graph::TopologyNeighbors(*t, "g", v, Trav(d, types)));
        EXPECT_EQ(n, RefNeighbors(ref, v, d, types)) << v;
        for (int k : {0, 1, 2, 3, 10}) {
          ASSERT_OK_AND_ASSIGN(auto got, graph::TopologyKHop(*t, "g", v, k, Trav(d, types)));
          EXPECT_EQ(got, RefKHop(ref, v, k, d, types)) << v << " k=" << k;
        }
      }
    }
  }
  EXPECT_EQ(graph::TopologyKHop(*t, "g", "nope", 2, {}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(GraphTopologyTest, CacheServesOnlySnapshotsItProvablyMatches) {
  graph::TopologyCache cache;
  auto topo = std::make_shared<graph::Topology>();
  topo->position = 10;
  int builds = 0;
  bool fail = false;
  auto build = [&]() -> absl::StatusOr<std::shared_ptr<const graph::Topology>> {
    ++builds;
    if (fail) return absl::ResourceExhaustedError("too big");
    return std::shared_ptr<const graph::Topology>(topo);
  };
  // Built only after kBuildAfterReads reads that saw the same last change.
  for (int i = 1; i < graph::kBuildAfterReads; ++i) EXPECT_EQ(cache.Get(1, 10, 5, build), nullptr);
  EXPECT_EQ(builds, 0);
  EXPECT_EQ(cache.Get(1, 10, 5, build), topo);
  EXPECT_EQ(builds, 1);
  EXPECT_EQ(cache.Get(1, 12, 5, build), topo);   // newer snapshot, no change since: served
  EXPECT_EQ(cache.Get(1, 12, 10, build), topo);  // the last change is the one it holds
  // An older snapshot than the copy is not served (it may build its own copy: here that fails,
  // and the copy it has stays).
  fail = true;
  EXPECT_EQ(cache.Get(1, 9, 10, build), nullptr);
  EXPECT_EQ(cache.Get(1, 12, 10, build), topo);
  EXPECT_EQ(cache.Get(1, 15, 11, build), nullptr);  // the graph changed after the copy
  EXPECT_EQ(cache.Get(2, 15, 0, build), nullptr);   // another graph has its own entry
  const int before = builds;
  // Each write resets the count: reads must see the same last change again before a rebuild.
  EXPECT_EQ(cache.Get(1, 20, 12, build), nullptr);
  EXPECT_EQ(cache.Get(1, 21, 13, build), nullptr);
  EXPECT_EQ(builds, before);
  cache.Erase(1);
  EXPECT_EQ(cache.Get(1, 12, 5, build), nullptr);
}

// A graph written every few reads must not rebuild its copy after every write (models.followers
// spent 22 ms per rebuild): once a copy was built, the next waits for reads worth a build.
TEST_F(GraphTopologyTest, RebuildAfterAWriteWaitsForReadsWorthABuild) {
  graph::TopologyCache cache;
  auto topo = std::make_shared<graph::Topology>();
  topo->position = 10;
  topo->other[0].resize(100 * graph::kEntriesPerScanRead);
  topo->other[1].resize(100 * graph::kEntriesPerScanRead);
  int builds = 0;
  auto build = [&]() -> absl::StatusOr<std::shared_ptr<const graph::Topology>> {
    ++builds;
    return std::shared_ptr<const graph::Topology>(topo);
  };
  EXPECT_EQ(graph::ReadsBeforeBuild(0), graph::kBuildAfterReads);
  EXPECT_EQ(graph::ReadsBeforeBuild(200 * graph::kEntriesPerScanRead), 200);
  for (int i = 1; i < graph::kBuildAfterReads; ++i) EXPECT_EQ(cache.Get(1, 10, 5, build), nullptr);
  EXPECT_EQ(cache.Get(1, 10, 5, build), topo);  // the first copy: after kBuildAfterReads
  EXPECT_EQ(builds, 1);
  // Writes every few reads: no rebuild.
  for (uint64_t change = 11; change < 60; ++change) {
    for (int i = 0; i < graph::kBuildAfterReads; ++i) {
      EXPECT_EQ(cache.Get(1, change, change, build), nullptr);
    }
  }
  EXPECT_EQ(builds, 1);
  // Reads without writes: rebuilt once the reads are worth a build of 200 * 16 entries.
  topo = std::make_shared<graph::Topology>();
  topo->position = 70;
  for (int i = 1; i < 200; ++i) ASSERT_EQ(cache.Get(1, 70, 70, build), nullptr);
  EXPECT_EQ(builds, 1);
  EXPECT_EQ(cache.Get(1, 70, 70, build), topo);
  EXPECT_EQ(builds, 2);
}

// Writes of every kind interleaved with traversals that keep the cache warm: every answer must
// be the reference's for the graph as written so far.
TEST_F(GraphTopologyTest, TraversalsStayExactWhileWritesInterleave) {
  RefGraph ref = RandomGraph(9, 16, 30);
  WriteGraph(*graph_, "g", ref);
  std::mt19937 rng(4);
  for (int round = 0; round < 8; ++round) {
    // Warm: enough identical reads to build and use the copy.
    for (int i = 0; i < graph::kBuildAfterReads + 1; ++i) {
      ASSERT_OK(graph_->KHop("g", ref.vertices[0], 2).status());
    }
    CheckAll(ref, "g");
    const std::string& a = ref.vertices[rng() % ref.vertices.size()];
    const std::string& b = ref.vertices[rng() % ref.vertices.size()];
    switch (round % 4) {
      case 0: {  // one edge
        ASSERT_OK_AND_ASSIGN(uint64_t id, graph_->AddEdge("g", a, "a", b));
        ref.edges.push_back({a, b, "a", 1, id});
        break;
      }
      case 1: {  // an edge deleted inside a transaction, and one added with it
        RefEdge e = ref.edges[rng() % ref.edges.size()];
        while (e.id == 0) e = ref.edges[rng() % ref.edges.size()];  // loaded: id not recorded
        uint64_t added = 0;
        ASSERT_OK(db_->RunTransaction([&](Transaction& txn) -> absl::Status {
          RETURN_IF_ERROR(graph_->DeleteEdge(txn, "g", e.id).status());
          ASSIGN_OR_RETURN(added, graph_->AddEdge(txn, "g", b, "b", a));
          return absl::OkStatus();
        }));
        ref.edges.erase(std::find_if(ref.edges.begin(), ref.edges.end(),
                                     [&](const RefEdge& x) { return x.id == e.id; }));
        ref.edges.push_back({b, a, "b", 1, added});
        break;
      }
      case 2: {  // a bulk load (ingested)
        std::string path = dir_->path() + "/more.csv";
        std::ofstream(path) << a << "," << b << ",a\n" << b << "," << b << ",b\n";
        ASSERT_OK_AND_ASSIGN(ObjectInfo info, db_->engine().catalog().Get(Model::kGraph, "g"));
        GraphLoadOptions o;
        ASSERT_OK(graph::LoadEdgeListFile(&db_->engine(), info, path, o, 1).status());
        ref.edges.push_back({a, b, "a", 1, 0});
        ref.edges.push_back({b, b, "b", 1, 0});
        break;
      }
      default: {  // a vertex with its edges
        if (a == ref.vertices[0]) break;
        ASSERT_OK(graph_->DeleteVertex("g", a).status());
        std::erase_if(ref.edges, [&](const RefEdge& e) { return e.src == a || e.dst == a; });
        ref.vertices.erase(std::find(ref.vertices.begin(), ref.vertices.end(), a));
        break;
      }
    }
    CheckAll(ref, "g");
  }
}

TEST_F(GraphTopologyTest, WithoutTheChangeLogTraversalsScan) {
  options_.change_log = false;
  ReopenGraph();
  RefGraph ref = RandomGraph(3, 12, 20);
  WriteGraph(*graph_, "g", ref);
  for (int i = 0; i < graph::kBuildAfterReads + 1; ++i) CheckAll(ref, "g");
  ASSERT_OK_AND_ASSIGN(uint64_t id, graph_->AddEdge("g", ref.vertices[0], "a", ref.vertices[1]));
  ref.edges.push_back({ref.vertices[0], ref.vertices[1], "a", 1, id});
  CheckAll(ref, "g");
}

}  // namespace
}  // namespace tessera::test
