// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests of the graph commands run through a shell Session on a temporary database: outputs
// compared exactly as JSON, and clear errors for bad input.
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/shell/shell_fixture.h"

namespace tessera::shell {
namespace {

using ::testing::HasSubstr;

class ShellGraphCommandsTest : public ShellTest {
 protected:
  // alice -knows-> bob -knows-> carol, alice -likes(5)-> carol, dave isolated.
  void Social() {
    Run(R"(graph addv s alice Person {"age": 30})");
    Run(R"(graph addv s bob Person {"age": 20})");
    Run("graph addv s carol");
    Run("graph addv s dave");
    Run("graph adde s alice knows bob");
    Run("graph adde s bob knows carol weight 1.5");
    Run("graph adde s alice likes carol weight 5");
  }
};

TEST_F(ShellGraphCommandsTest, VerticesAndEdges) {
  EXPECT_EQ(Run(R"(graph addv s alice Person {"age": 30})"), J(R"({"ok": true})"));
  EXPECT_EQ(Run("graph addv s bob"), J(R"({"ok": true})"));
  EXPECT_EQ(Run(R"(graph adde s alice knows bob weight 2 {"since": 2020})"), J(R"({"edge": 1})"));
  EXPECT_EQ(Run("graph adde s bob knows bob"), J(R"({"edge": 2})"));
  EXPECT_EQ(Run("graph getv s alice"),
            J(R"({"id": "alice", "label": "Person", "props": {"age": 30}, "out_degree": 1,
                  "in_degree": 0})"));
  EXPECT_EQ(Run("graph getv s bob"), J(R"({"id": "bob", "label": "", "props": {},
                                           "out_degree": 1, "in_degree": 2})"));
  EXPECT_EQ(Run("graph getv s nobody"), J("null"));
  EXPECT_EQ(Run("graph dele s 1"), J(R"({"deleted": 1})"));
  EXPECT_EQ(Run("graph dele s 1"), J(R"({"deleted": 0})"));
  EXPECT_EQ(Run("graph delv s bob"), J(R"({"deleted": 1, "edges_deleted": 1})"));
  EXPECT_EQ(Run("graph delv s bob"), J(R"({"deleted": 0, "edges_deleted": 0})"));
  EXPECT_EQ(Run("graph getv s alice")["out_degree"], 0);
}

TEST_F(ShellGraphCommandsTest, Traversals) {
  Social();
  EXPECT_EQ(Run("graph neighbors s alice"), J(R"(["bob", "carol"])"));
  EXPECT_EQ(Run("graph neighbors s carol in"), J(R"(["alice", "bob"])"));
  EXPECT_EQ(Run("graph neighbors s bob both type knows"), J(R"(["alice", "carol"])"));
  EXPECT_EQ(Run(R"(graph neighbors s alice where {"age": {"$lt": 25}})"), J(R"(["bob"])"));
  EXPECT_EQ(Run("graph neighbors s dave both"), J("[]"));
  EXPECT_EQ(Run("graph khop s alice 2"), J(R"({"count": 2})"));
  EXPECT_EQ(Run("graph khop s carol 1 in list"),
            J(R"({"count": 2, "vertices": ["alice", "bob"]})"));
  EXPECT_EQ(Run("graph khop s alice 2 type knows list"),
            J(R"({"count": 2, "vertices": ["bob", "carol"]})"));
  EXPECT_EQ(Run("graph path s alice carol"), J(R"({"length": 1, "path": ["alice", "carol"]})"));
  EXPECT_EQ(Run("graph path s alice carol weighted"),
            J(R"({"length": 2.5, "path": ["alice", "bob", "carol"]})"));
  EXPECT_EQ(Run("graph path s carol alice"), J("null"));
  EXPECT_EQ(Run("graph path s carol alice in"), J(R"({"length": 1, "path": ["carol", "alice"]})"));
  EXPECT_EQ(Run("graph path s alice dave both"), J("null"));
}

TEST_F(ShellGraphCommandsTest, Algorithms) {
  Social();
  EXPECT_EQ(Run("graph components s"), J(R"({"count": 2, "largest": 3})"));
  EXPECT_EQ(Run("graph components s strong"), J(R"({"count": 4, "largest": 1})"));
  EXPECT_EQ(Run("graph triangles s"), J(R"({"count": 1})"));
  Json ranks = Run("graph pagerank s iterations 50 damping 0.85");
  ASSERT_EQ(ranks.size(), 4u);
  double sum = 0;
  for (const Json& r : ranks) sum += r["rank"].get<double>();
  EXPECT_NEAR(sum, 1.0, 1e-9);
  EXPECT_EQ(ranks[0]["id"], "carol");  // every path ends there
  EXPECT_EQ(Run("graph pagerank s top 1").size(), 1u);
}

TEST_F(ShellGraphCommandsTest, Load) {
  std::string file = dir_->path() + "/edges.csv";
  std::ofstream(file) << "# src,dst,type,weight\na,b\nb,c,road,2\nc,a\n";
  EXPECT_EQ(Run("graph load g \"" + file + "\" type rail"), J(R"({"vertices": 3, "edges": 3})"));
  EXPECT_EQ(Run("graph neighbors g a type rail"), J(R"(["b"])"));
  EXPECT_EQ(Run("graph components g strong"), J(R"({"count": 1, "largest": 3})"));
}

TEST_F(ShellGraphCommandsTest, BadInputGetsClearErrors) {
  Social();
  ExpectError("graph adde s alice knows ghost", absl::StatusCode::kNotFound, "ghost");
  ExpectError("graph adde s alice knows bob weight heavy", absl::StatusCode::kInvalidArgument,
              "W must be a number");
  ExpectError("graph adde s alice knows bob extra", absl::StatusCode::kInvalidArgument,
              "unexpected argument 'extra'");
  ExpectError("graph addv s x L notjson", absl::StatusCode::kInvalidArgument,
              "PROPS must be a JSON object");
  ExpectError("graph dele s abc", absl::StatusCode::kInvalidArgument, "EID");
  ExpectError("graph neighbors s nobody", absl::StatusCode::kNotFound, "nobody");
  ExpectError("graph neighbors s alice sideways", absl::StatusCode::kInvalidArgument,
              "unexpected argument 'sideways'");
  ExpectError("graph neighbors s alice where 5", absl::StatusCode::kInvalidArgument, "JSON object");
  ExpectError("graph khop s alice -1", absl::StatusCode::kInvalidArgument, "K");
  ExpectError("graph pagerank s damping 2", absl::StatusCode::kInvalidArgument, "D must be");
  ExpectError("graph load s /no/such/file.csv", absl::StatusCode::kNotFound, "cannot open");
  Run("graph adde s alice neg bob weight -1");
  ExpectError("graph path s alice bob weighted", absl::StatusCode::kInvalidArgument,
              "non-negative");
  Run("begin");
  ExpectError("graph load s /no/such/file.csv", absl::StatusCode::kFailedPrecondition,
              "transaction");
  Run("rollback");
}

TEST_F(ShellGraphCommandsTest, VertexAndEdgeWritesJoinTheSessionTransaction) {
  Run("graph addv t a");
  Run("begin");
  Run("graph addv t b");
  Run("graph adde t a knows b");
  Run("kv put side k v");
  Run("rollback");
  EXPECT_EQ(Run("graph getv t b"), Json(nullptr));
  EXPECT_EQ(Run("kv get side k"), Json(nullptr));
  Run("begin");
  Run("graph addv t b");
  Json edge = Run("graph adde t a knows b");
  Run("kv put side k v");
  Run("commit");
  EXPECT_EQ(Run("graph getv t a")["out_degree"], 1);
  EXPECT_EQ(Run("kv get side k"), Json("v"));
  Run("begin");
  Run("graph dele t " + edge["edge"].dump());
  Run("graph delv t b");
  Run("commit");
  EXPECT_EQ(Run("graph getv t a")["out_degree"], 0);
  EXPECT_EQ(Run("graph getv t b"), Json(nullptr));
}

}  // namespace
}  // namespace tessera::shell
