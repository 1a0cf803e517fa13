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

TEST_F(GraphLoaderTest, ReportsProgressPerBatchAndStopsWhenCancelled) {
  std::string text;
  for (int i = 0; i < 10; ++i)
    text += "v" + std::to_string(i) + ",v" + std::to_string(i + 1) + "\n";
  std::string f = Write("p.csv", text);
  GraphLoadOptions o;
  o.batch_edges = 3;
  std::vector<std::pair<int64_t, uint64_t>> seen;
  o.on_progress = [&](int64_t edges, uint64_t bytes) { seen.emplace_back(edges, bytes); };
  ASSERT_OK_AND_ASSIGN(GraphLoadResult r, graph_->LoadEdgeList("g", f, o));
  EXPECT_EQ(r.edges, 10);
  ASSERT_EQ(seen.size(), 4u);  // batches of 3, 3, 3, 1
  for (size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GT(seen[i].first, seen[i - 1].first);
    EXPECT_GT(seen[i].second, seen[i - 1].second);
  }
  EXPECT_EQ(seen.back(), (std::pair<int64_t, uint64_t>{10, text.size()}));

  // Cancelled after two batches: those stay, nothing after them is written.
  int polls = 0;
  o.on_progress = nullptr;
  o.cancelled = [&] { return ++polls > 2; };
  absl::StatusOr<GraphLoadResult> cut = graph_->LoadEdgeList("h", f, o);
  EXPECT_EQ(cut.status().code(), absl::StatusCode::kCancelled) << cut.status();
  EXPECT_NE(cut.status().message().find("6 edges"), std::string::npos) << cut.status();
  ASSERT_OK_AND_ASSIGN(auto v5, graph_->GetVertex("h", "v5"));
  ASSERT_TRUE(v5.has_value());
  EXPECT_EQ(v5->out_degree, 1);
  ASSERT_OK_AND_ASSIGN(auto v7, graph_->GetVertex("h", "v7"));
  EXPECT_FALSE(v7.has_value());
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

// The loader reads the file in 1 MiB blocks: a comment longer than a block, a row that straddles
// a block boundary, a CRLF line and a last line without a newline all read as lines, and line
// numbers still count every line.
TEST_F(GraphLoaderTest, ReadsLinesAcrossBlockBoundaries) {
  std::string text = "a,b\n";
  text += "#" + std::string((1 << 20) + 100, 'x') + "\n";
  const size_t boundary = 2 << 20;
  text += "#" + std::string(boundary - 2 - text.size() - 2, 'y') + "\n";
  ASSERT_EQ(text.size(), boundary - 2);
  text += "c,d\r\n";
  text += "d,e";
  std::string path = dir_->path() + "/blocks.csv";
  std::ofstream(path) << text;
  ASSERT_OK_AND_ASSIGN(GraphLoadResult r, graph_->LoadEdgeList("g", path));
  EXPECT_EQ(r.edges, 3);
  EXPECT_EQ(r.vertices, 5);
  ASSERT_OK_AND_ASSIGN(auto n, graph_->Neighbors("g", "c"));
  EXPECT_EQ(n, std::vector<std::string>{"d"});
  ASSERT_OK_AND_ASSIGN(n, graph_->Neighbors("g", "d"));
  EXPECT_EQ(n, std::vector<std::string>{"e"});
  std::ofstream(path, std::ios::app) << "\nbad\n";
  auto bad = graph_->LoadEdgeList("h", path);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("line 6"), std::string::npos) << bad.status();
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
