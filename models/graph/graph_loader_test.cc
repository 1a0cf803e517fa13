// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Bulk load of CSV / TSV edge lists.
#include <fstream>

#include "gtest/gtest.h"
#include "models/graph/graph_loader.h"
#include "models/graph/graph_test_util.h"

namespace tessera::test {
namespace {

class GraphLoaderTest : public GraphDbTest {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_->path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
};

TEST_F(GraphLoaderTest, LoadsCsvInSeveralBatches) {
  std::string f = Write("e.csv",
                        "# comment\n"
                        "a,b\n"
                        "b,c,likes\n"
                        "\n"
                        "c , a , likes , 2.5\n"
                        "a,a\n"
                        "a,b\n");
  GraphLoadOptions o;
  o.batch_edges = 2;
  o.default_type = "rel";
  ASSERT_OK_AND_ASSIGN(GraphLoadResult r, graph_->LoadEdgeList("g", f, o));
  EXPECT_EQ(r.vertices, 3);
  EXPECT_EQ(r.edges, 5);
  ASSERT_OK_AND_ASSIGN(auto a, graph_->GetVertex("g", "a"));
  EXPECT_EQ(a->out_degree, 3);
  EXPECT_EQ(a->in_degree, 2);
  ASSERT_OK_AND_ASSIGN(auto n, graph_->Neighbors("g", "c", Trav(Direction::kOut, {"likes"})));
  EXPECT_EQ(n, (std::vector<std::string>{"a"}));
  ASSERT_OK_AND_ASSIGN(auto p, graph_->ShortestPath("g", "c", "a", true));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->length, 2.5);
  ASSERT_OK_AND_ASSIGN(n, graph_->Neighbors("g", "a", Trav(Direction::kOut, {"rel"})));
  EXPECT_EQ(n, (std::vector<std::string>{"a", "b"}));
}

TEST_F(GraphLoaderTest, LoadsTsvAndReusesExistingVertices) {
  ASSERT_OK(graph_->AddVertex("g", "x", "Keep", R"({"k": 1})"));
  std::string f = Write("e.tsv", "x\ty\tt\t1\ny\tz\n");
  ASSERT_OK_AND_ASSIGN(GraphLoadResult r, graph_->LoadEdgeList("g", f));
  EXPECT_EQ(r.vertices, 2);
  EXPECT_EQ(r.edges, 2);
  ASSERT_OK_AND_ASSIGN(auto x, graph_->GetVertex("g", "x"));
  EXPECT_EQ(x->label, "Keep");
  EXPECT_EQ(x->out_degree, 1);
}

TEST_F(GraphLoaderTest, MalformedLineNamesItsNumber) {
  std::string f = Write("bad.csv", "a,b\nonlyone\n");
  auto r = graph_->LoadEdgeList("g", f);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("line 2"), std::string::npos) << r.status();
  f = Write("bad2.csv", "a,b,t,heavy\n");
  r = graph_->LoadEdgeList("g", f);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("weight"), std::string::npos) << r.status();
  EXPECT_EQ(graph_->LoadEdgeList("g", dir_->path() + "/missing.csv").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(GraphLoaderTest, ParseEdgeRowSplitsOnTabsOrCommas) {
  graph::EdgeRow row;
  ASSERT_OK_AND_ASSIGN(bool has, graph::ParseEdgeRow("a b\tc d\tt", 1, &row));
  EXPECT_TRUE(has);
  EXPECT_EQ(row.src, "a b");
  EXPECT_EQ(row.dst, "c d");
  EXPECT_EQ(row.type, "t");
  ASSERT_OK_AND_ASSIGN(has, graph::ParseEdgeRow("   # note", 2, &row));
  EXPECT_FALSE(has);
  EXPECT_FALSE(graph::ParseEdgeRow("a,,t", 3, &row).ok());
  EXPECT_FALSE(graph::ParseEdgeRow("a,b,t,1,extra", 4, &row).ok());
}

}  // namespace
}  // namespace tessera::test
