// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "query/path.h"

#include "gtest/gtest.h"
#include "tests/util/json_test_util.h"
#include "tests/util/test_util.h"

namespace tessera::query {
namespace {

using test::J;

std::vector<Json> Values(const char* doc, const char* path, bool* multikey = nullptr) {
  auto p = Path::Parse(path);
  EXPECT_TRUE(p.ok());
  std::vector<Json> out;
  bool mk = false;
  CollectValues(J(doc), *p, &out, &mk);
  if (multikey) *multikey = mk;
  return out;
}

TEST(PathTest, ParseSplitsOnDots) {
  ASSERT_OK_AND_ASSIGN(Path p, Path::Parse("a.b.0.c"));
  EXPECT_EQ(p.dotted, "a.b.0.c");
  EXPECT_EQ(p.parts, (std::vector<std::string>{"a", "b", "0", "c"}));
}

TEST(PathTest, ParseRejectsEmptyParts) {
  EXPECT_FALSE(Path::Parse("").ok());
  auto s = Path::Parse("a..b").status();
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_NE(s.message().find("a..b"), absl::string_view::npos);
  EXPECT_FALSE(Path::Parse(".a").ok());
  EXPECT_FALSE(Path::Parse("a.").ok());
}

TEST(PathTest, ParseRejectsDollarParts) {
  auto s = Path::Parse("a.$b").status();
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_NE(s.message().find("a.$b"), absl::string_view::npos);
}

TEST(PathTest, CollectScalarAndNested) {
  bool mk = true;
  EXPECT_EQ(Values(R"({"a":{"b":3}})", "a.b", &mk), std::vector<Json>{Json(3)});
  EXPECT_FALSE(mk);
  EXPECT_TRUE(Values(R"({"a":{"c":3}})", "a.b").empty());
  EXPECT_TRUE(Values(R"({"a":5})", "a.b").empty());
}

TEST(PathTest, CollectExpandsTerminalArrayOneLevel) {
  bool mk = false;
  auto v = Values(R"({"a":[1,[2,3]]})", "a", &mk);
  EXPECT_TRUE(mk);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1], J("[2,3]"));
}

TEST(PathTest, CollectEmptyArrayContributesItself) {
  auto v = Values(R"({"a":[]})", "a");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0], J("[]"));
}

TEST(PathTest, CollectTraversesArraysOfObjects) {
  bool mk = false;
  auto v = Values(R"({"a":[{"b":1},{"c":2},{"b":[3,4]}]})", "a.b", &mk);
  EXPECT_TRUE(mk);
  EXPECT_EQ(v, (std::vector<Json>{Json(1), Json(3), Json(4)}));
}

TEST(PathTest, CollectNumericPartSelectsPosition) {
  EXPECT_EQ(Values(R"({"a":[{"b":1},{"b":2}]})", "a.1.b"), std::vector<Json>{Json(2)});
  EXPECT_TRUE(Values(R"({"a":[{"b":1}]})", "a.5.b").empty());
  // On an object a numeric part is a field name.
  EXPECT_EQ(Values(R"({"a":{"0":7}})", "a.0"), std::vector<Json>{Json(7)});
}

TEST(PathTest, SortKeyPicksMinOrMax) {
  ASSERT_OK_AND_ASSIGN(Path p, Path::Parse("a"));
  EXPECT_EQ(SortKey(J(R"({"a":[3,1,2]})"), p, false), Json(1));
  EXPECT_EQ(SortKey(J(R"({"a":[3,1,2]})"), p, true), Json(3));
  EXPECT_EQ(SortKey(J(R"({"b":1})"), p, false), Json(nullptr));
  EXPECT_EQ(SortKey(J(R"({"a":[1,"x"]})"), p, true), Json("x"));
}

TEST(PathTest, EmptyArraySortsBelowNull) {
  EXPECT_LT(CompareSortKeys(J("[]"), Json(nullptr)), 0);
  EXPECT_GT(CompareSortKeys(J("[1]"), Json(nullptr)), 0);
  EXPECT_EQ(CompareSortKeys(J("[]"), J("[]")), 0);
  ASSERT_OK_AND_ASSIGN(Path p, Path::Parse("a"));
  EXPECT_EQ(SortKey(J(R"({"a":[]})"), p, false), J("[]"));
}

}  // namespace
}  // namespace tessera::query
