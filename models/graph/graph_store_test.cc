// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Graph storage and writes: vertices, edges, degrees, adjacency in both directions, cascading
// vertex deletion, edge ids, change events, restart.
#include "core/codec/coding.h"
#include "core/engine/engine.h"
#include "gtest/gtest.h"
#include "models/graph/graph_codec.h"
#include "models/graph/graph_test_util.h"
#include "nlohmann/json.hpp"

namespace tessera::test {
namespace {

using Json = nlohmann::json;

class GraphStoreTest : public GraphDbTest {
 protected:
  // Every adjacency entry of graph `name`, as (vertex, other) pairs, read straight from the adj
  // column family.
  std::vector<std::pair<std::string, std::string>> AdjEntries(std::string_view name) {
    std::vector<std::pair<std::string, std::string>> out;
    auto id = db_->engine().catalog().FindId(Model::kGraph, name);
    if (!id) return out;
    std::string p = graph::GraphPrefix(*id);
    auto it = db_->engine().latest().NewIterator(internal::Cf::kAdj, p, codec::PrefixSuccessor(p));
    AdjEntry e;
    std::string_view v;
    for ((*it)->SeekToFirst(); (*it)->Valid(); (*it)->Next()) {
      rocksdb::Slice k = (*it)->key();
      EXPECT_TRUE(graph::DecodeAdjKey(std::string_view(k.data(), k.size()), &e, &v));
      out.emplace_back(std::string(v), std::string(e.other));
    }
    return out;
  }
};

TEST_F(GraphStoreTest, VertexRoundTripAndUpsert) {
  ASSERT_OK(graph_->AddVertex("g", "alice", "Person", R"({"age": 30})"));
  ASSERT_OK_AND_ASSIGN(auto v, graph_->GetVertex("g", "alice"));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->label, "Person");
  EXPECT_EQ(Json::parse(v->props), Json::parse(R"({"age": 30})"));
  EXPECT_EQ(v->out_degree, 0);
  ASSERT_OK(graph_->AddVertex("g", "alice", "Admin"));
  ASSERT_OK_AND_ASSIGN(v, graph_->GetVertex("g", "alice"));
  EXPECT_EQ(v->label, "Admin");
  EXPECT_EQ(v->props, "{}");
  ASSERT_OK_AND_ASSIGN(auto none, graph_->GetVertex("g", "bob"));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK_AND_ASSIGN(none, graph_->GetVertex("other", "bob"));
  EXPECT_FALSE(none.has_value());
}

TEST_F(GraphStoreTest, DegreesCountMultiEdgesAndSelfLoops) {
  for (const char* v : {"a", "b"}) ASSERT_OK(graph_->AddVertex("g", v));
  ASSERT_OK(graph_->AddEdge("g", "a", "t", "b").status());
  ASSERT_OK(graph_->AddEdge("g", "a", "t", "b").status());  // multi-edge
  ASSERT_OK(graph_->AddEdge("g", "a", "u", "a").status());  // self-loop
  ASSERT_OK_AND_ASSIGN(auto a, graph_->GetVertex("g", "a"));
  EXPECT_EQ(a->out_degree, 3);
  EXPECT_EQ(a->in_degree, 1);
  ASSERT_OK_AND_ASSIGN(auto b, graph_->GetVertex("g", "b"));
  EXPECT_EQ(b->out_degree, 0);
  EXPECT_EQ(b->in_degree, 2);
}

TEST_F(GraphStoreTest, AdjacencyIsStoredForBothDirectionsAndTypes) {
  for (const char* v : {"a", "b", "c"}) ASSERT_OK(graph_->AddVertex("g", v));
  ASSERT_OK_AND_ASSIGN(uint64_t e1, graph_->AddEdge("g", "a", "knows", "b", 2.5));
  ASSERT_OK_AND_ASSIGN(uint64_t e2, graph_->AddEdge("g", "c", "likes", "a"));
  ASSERT_OK_AND_ASSIGN(auto c, graph_->Edges("g", "a", Direction::kBoth));
  std::vector<std::tuple<Direction, std::string, std::string, uint64_t, double>> got;
  for (; c->Valid(); c->Next()) {
    const AdjEntry& e = c->entry();
    got.emplace_back(e.dir, std::string(e.type), std::string(e.other), e.edge_id, e.weight);
  }
  ASSERT_OK(c->status());
  EXPECT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0],
            std::make_tuple(Direction::kOut, std::string("knows"), std::string("b"), e1, 2.5));
  EXPECT_EQ(got[1],
            std::make_tuple(Direction::kIn, std::string("likes"), std::string("c"), e2, 1.0));
  ASSERT_OK_AND_ASSIGN(c, graph_->Edges("g", "a", Direction::kOut, "likes"));
  EXPECT_FALSE(c->Valid());
  ASSERT_OK_AND_ASSIGN(c, graph_->Edges("g", "b", Direction::kIn, "knows"));
  ASSERT_TRUE(c->Valid());
  EXPECT_EQ(c->entry().other, "a");
  ASSERT_OK_AND_ASSIGN(auto edge, graph_->GetEdge("g", e1));
  ASSERT_TRUE(edge.has_value());
  EXPECT_EQ(edge->src, "a");
  EXPECT_EQ(edge->dst, "b");
  EXPECT_EQ(edge->type, "knows");
  EXPECT_EQ(edge->weight, 2.5);
}

TEST_F(GraphStoreTest, WritesInsideAUserTransactionCommitOrRollBackWithIt) {
  // Rolled back: nothing of the graph writes stays, not even the vertices.
  {
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
    ASSERT_OK(graph_->AddVertex(*txn, "g", "a", "person"));
    ASSERT_OK(graph_->AddVertex(*txn, "g", "b"));
    ASSERT_OK(graph_->AddEdge(*txn, "g", "a", "knows", "b").status());  // sees its own vertices
    ASSERT_OK(txn->Rollback());
  }
  ASSERT_OK_AND_ASSIGN(auto none, graph_->GetVertex("g", "a"));
  EXPECT_FALSE(none.has_value());
  EXPECT_TRUE(AdjEntries("g").empty());
  // Committed: the vertices, the edge in both directions and the degrees, atomically.
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
  ASSERT_OK(graph_->AddVertex(*txn, "g", "a", "person"));
  ASSERT_OK(graph_->AddVertex(*txn, "g", "b"));
  ASSERT_OK_AND_ASSIGN(uint64_t e1, graph_->AddEdge(*txn, "g", "a", "knows", "b", 2.0));
  ASSERT_OK_AND_ASSIGN(uint64_t e2, graph_->AddEdge(*txn, "g", "b", "knows", "a"));
  ASSERT_OK_AND_ASSIGN(bool deleted, graph_->DeleteEdge(*txn, "g", e2));
  EXPECT_TRUE(deleted);
  ASSERT_OK_AND_ASSIGN(auto before_commit, graph_->GetVertex("g", "a"));
  EXPECT_FALSE(before_commit.has_value());  // others do not see it yet
  ASSERT_OK(txn->Commit());
  ASSERT_OK_AND_ASSIGN(auto a, graph_->GetVertex("g", "a"));
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->label, "person");
  EXPECT_EQ(a->out_degree, 1);
  EXPECT_EQ(a->in_degree, 0);
  ASSERT_OK_AND_ASSIGN(auto edge, graph_->GetEdge("g", e1));
  ASSERT_TRUE(edge.has_value());
  EXPECT_EQ(edge->weight, 2.0);
  EXPECT_EQ(AdjEntries("g").size(), 2u);
  // A missing endpoint inside a transaction is the same NotFound, and the transaction goes on.
  ASSERT_OK_AND_ASSIGN(auto txn2, db_->Begin());
  EXPECT_EQ(graph_->AddEdge(*txn2, "g", "a", "knows", "zz").status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(VertexDeletion del, graph_->DeleteVertex(*txn2, "g", "b"));
  EXPECT_TRUE(del.deleted);
  EXPECT_EQ(del.edges_deleted, 1);
  ASSERT_OK(txn2->Commit());
  EXPECT_TRUE(AdjEntries("g").empty());
}

TEST_F(GraphStoreTest, AddEdgeWithMissingEndpointIsNotFound) {
  ASSERT_OK(graph_->AddVertex("g", "a"));
  auto r = graph_->AddEdge("g", "a", "t", "ghost");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("ghost"), std::string::npos) << r.status();
  EXPECT_EQ(graph_->AddEdge("nograph", "a", "t", "a").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(AdjEntries("g").empty());
}

TEST_F(GraphStoreTest, BadInputIsInvalidArgument) {
  ASSERT_OK(graph_->AddVertex("g", "a"));
  EXPECT_EQ(graph_->AddVertex("g", "", "L").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(graph_->AddVertex("g", std::string(2000, 'x')).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(graph_->AddVertex("g", "b", "L", "[1,2]").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(graph_->AddVertex("g", "b", "L", "{bad").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(graph_->AddVertex("bad name", "b").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(graph_->AddEdge("g", "a", "", "a").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(graph_->AddEdge("g", "a", "t", "a", NAN).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(graph_->AddEdge("g", "a", "t", "a", 1, "7").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(GraphStoreTest, EdgeIdsAreUniqueAndNeverReused) {
  for (const char* v : {"a", "b"}) ASSERT_OK(graph_->AddVertex("g", v));
  ASSERT_OK_AND_ASSIGN(uint64_t e1, graph_->AddEdge("g", "a", "t", "b"));
  ASSERT_OK_AND_ASSIGN(uint64_t e2, graph_->AddEdge("g", "a", "t", "b"));
  EXPECT_NE(e1, e2);
  ASSERT_OK_AND_ASSIGN(bool deleted, graph_->DeleteEdge("g", e2));
  EXPECT_TRUE(deleted);
  ASSERT_OK_AND_ASSIGN(deleted, graph_->DeleteEdge("g", e2));
  EXPECT_FALSE(deleted);
  ReopenGraph();
  ASSERT_OK_AND_ASSIGN(uint64_t e3, graph_->AddEdge("g", "a", "t", "b"));
  EXPECT_GT(e3, e2);
  ASSERT_OK_AND_ASSIGN(auto a, graph_->GetVertex("g", "a"));
  EXPECT_EQ(a->out_degree, 2);
}

TEST_F(GraphStoreTest, DeleteVertexLeavesNoDanglingAdjacency) {
  RefGraph ref = RandomGraph(7, 20, 40);
  WriteGraph(*graph_, "g", ref);
  const std::string victim = "v001";  // on the cycle, so it has in- and out-edges
  int64_t incident = 0;
  for (const RefEdge& e : ref.edges) incident += (e.src == victim || e.dst == victim);
  ASSERT_OK_AND_ASSIGN(auto before, graph_->GetVertex("g", "v002"));
  int64_t v002_in_from_victim = 0;
  for (const RefEdge& e : ref.edges) {
    v002_in_from_victim += (e.src == victim && e.dst == "v002");
  }
  ASSERT_OK_AND_ASSIGN(VertexDeletion d, graph_->DeleteVertex("g", victim));
  EXPECT_TRUE(d.deleted);
  EXPECT_EQ(d.edges_deleted, incident);
  for (auto& [v, other] : AdjEntries("g")) {
    EXPECT_NE(v, victim);
    EXPECT_NE(other, victim);
  }
  EXPECT_EQ(AdjEntries("g").size(), 2 * (ref.edges.size() - incident));
  ASSERT_OK_AND_ASSIGN(auto after, graph_->GetVertex("g", "v002"));
  EXPECT_EQ(after->in_degree, before->in_degree - v002_in_from_victim);
  for (const RefEdge& e : ref.edges) {
    ASSERT_OK_AND_ASSIGN(auto edge, graph_->GetEdge("g", e.id));
    EXPECT_EQ(edge.has_value(), e.src != victim && e.dst != victim);
  }
  ASSERT_OK_AND_ASSIGN(auto gone, graph_->GetVertex("g", victim));
  EXPECT_FALSE(gone.has_value());
  ASSERT_OK_AND_ASSIGN(d, graph_->DeleteVertex("g", victim));
  EXPECT_FALSE(d.deleted);
  // Re-created, it starts with no edges and zero degrees.
  ASSERT_OK(graph_->AddVertex("g", victim));
  ASSERT_OK_AND_ASSIGN(auto fresh, graph_->GetVertex("g", victim));
  EXPECT_EQ(fresh->out_degree, 0);
  EXPECT_EQ(fresh->in_degree, 0);
}

TEST_F(GraphStoreTest, DeleteVertexWithSelfLoopCountsItOnce) {
  ASSERT_OK(graph_->AddVertex("g", "x"));
  ASSERT_OK(graph_->AddEdge("g", "x", "t", "x").status());
  ASSERT_OK_AND_ASSIGN(VertexDeletion d, graph_->DeleteVertex("g", "x"));
  EXPECT_EQ(d.edges_deleted, 1);
  EXPECT_TRUE(AdjEntries("g").empty());
}

TEST_F(GraphStoreTest, EveryWriteEmitsChangeEvents) {
  uint64_t start = db_->LastSequence();
  ASSERT_OK(graph_->AddVertex("g", "a", "L", R"({"k": 1})"));
  ASSERT_OK(graph_->AddVertex("g", "b"));
  ASSERT_OK_AND_ASSIGN(uint64_t eid, graph_->AddEdge("g", "a", "t", "b", 3));
  ASSERT_OK_AND_ASSIGN(auto d, graph_->DeleteVertex("g", "b"));
  EXPECT_EQ(d.edges_deleted, 1);
  ChangeReadOptions from;
  from.from_seq = start + 1;
  ASSERT_OK_AND_ASSIGN(auto events, db_->ReadChanges(from));
  ASSERT_EQ(events.size(), 5u);
  for (const ChangeEvent& e : events) {
    EXPECT_EQ(e.model, Model::kGraph);
    EXPECT_EQ(e.object, "g");
    EXPECT_EQ(e.image_format, ImageFormat::kJson);
  }
  EXPECT_EQ(events[0].key, "v:a");
  EXPECT_EQ(events[0].op, ChangeOp::kCreate);
  EXPECT_EQ(Json::parse(*events[0].after), Json::parse(R"({"label":"L","props":{"k":1}})"));
  EXPECT_EQ(events[2].key, "e:" + std::to_string(eid));
  EXPECT_EQ(events[2].op, ChangeOp::kCreate);
  EXPECT_EQ(Json::parse(*events[2].after)["weight"], 3.0);
  // The cascade: the edge delete, then the vertex delete, in one transaction.
  EXPECT_EQ(events[3].key, "e:" + std::to_string(eid));
  EXPECT_EQ(events[3].op, ChangeOp::kDelete);
  EXPECT_EQ(events[4].key, "v:b");
  EXPECT_EQ(events[4].op, ChangeOp::kDelete);
  EXPECT_EQ(events[3].txn_id, events[4].txn_id);
}

TEST_F(GraphStoreTest, RestartKeepsEverything) {
  RefGraph ref = RandomGraph(3, 15, 25);
  WriteGraph(*graph_, "g", ref);
  ASSERT_OK_AND_ASSIGN(auto ids_before, graph_->VertexIds("g"));
  auto adj_before = AdjEntries("g");
  ASSERT_OK_AND_ASSIGN(auto v_before, graph_->GetVertex("g", "v000"));
  ReopenGraph();
  ASSERT_OK_AND_ASSIGN(auto ids_after, graph_->VertexIds("g"));
  EXPECT_EQ(ids_after, ids_before);
  EXPECT_EQ(ids_after, ref.vertices);
  EXPECT_EQ(AdjEntries("g"), adj_before);
  ASSERT_OK_AND_ASSIGN(auto v_after, graph_->GetVertex("g", "v000"));
  EXPECT_EQ(v_after->out_degree, v_before->out_degree);
  EXPECT_EQ(v_after->in_degree, v_before->in_degree);
  EXPECT_EQ(v_after->props, v_before->props);
  for (const std::string& v : ref.vertices) {
    ASSERT_OK_AND_ASSIGN(auto n, graph_->Neighbors("g", v, Trav(Direction::kBoth)));
    EXPECT_EQ(n, RefNeighbors(ref, v, Direction::kBoth, {}));
  }
}

TEST_F(GraphStoreTest, DropGraphRemovesItAndNamesAreListed) {
  ASSERT_OK(graph_->AddVertex("g1", "a"));
  ASSERT_OK(graph_->AddVertex("g2", "a"));
  ASSERT_OK_AND_ASSIGN(auto names, graph_->ListGraphs());
  EXPECT_EQ(names, (std::vector<std::string>{"g1", "g2"}));
  ASSERT_OK(graph_->DropGraph("g1"));
  EXPECT_EQ(graph_->DropGraph("g1").code(), absl::StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto v, graph_->GetVertex("g1", "a"));
  EXPECT_FALSE(v.has_value());
}

}  // namespace
}  // namespace tessera::test
