// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "query/sort.h"

#include <algorithm>
#include <random>

#include "gtest/gtest.h"
#include "tests/util/json_test_util.h"
#include "tests/util/test_util.h"

namespace tessera::query {
namespace {

using test::J;

TEST(SortSpecTest, ParsesFieldsInOrder) {
  ASSERT_OK_AND_ASSIGN(SortSpec s, SortSpec::Parse(J(R"({"a":1,"b.c":-1})")));
  ASSERT_EQ(s.fields().size(), 2u);
  EXPECT_FALSE(s.fields()[0].descending);
  EXPECT_EQ(s.fields()[1].path.dotted, "b.c");
  EXPECT_TRUE(s.fields()[1].descending);
}

TEST(SortSpecTest, RejectsBadDirectionNamingField) {
  auto s = SortSpec::Parse(J(R"({"a":1,"b":2})"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("b"), absl::string_view::npos);
  EXPECT_FALSE(SortSpec::Parse(J(R"({"a":"asc"})")).ok());
}

TEST(SortSpecTest, RejectsEmptyAndBadPath) {
  EXPECT_FALSE(SortSpec::Parse(J("{}")).ok());
  EXPECT_FALSE(SortSpec::Parse(J("[]")).ok());
  EXPECT_FALSE(SortSpec::Parse(J(R"({"a..b":1})")).ok());
}

TEST(SortSpecTest, ComparesAscendingAndDescending) {
  ASSERT_OK_AND_ASSIGN(SortSpec s, SortSpec::Parse(J(R"({"a":1,"b":-1})")));
  EXPECT_LT(s.Compare(J(R"({"a":1,"b":1})"), J(R"({"a":2,"b":9})")), 0);
  EXPECT_LT(s.Compare(J(R"({"a":1,"b":9})"), J(R"({"a":1,"b":1})")), 0);
  EXPECT_EQ(s.Compare(J(R"({"a":1,"b":1})"), J(R"({"a":1.0,"b":1})")), 0);
}

TEST(SortSpecTest, MissingSortsAsNullAndArraysByMinOrMax) {
  ASSERT_OK_AND_ASSIGN(SortSpec up, SortSpec::Parse(J(R"({"a":1})")));
  EXPECT_LT(up.Compare(J("{}"), J(R"({"a":0})")), 0);
  EXPECT_EQ(up.Compare(J("{}"), J(R"({"a":null})")), 0);
  EXPECT_LT(up.Compare(J(R"({"a":[]})"), J("{}")), 0);             // empty array below null
  EXPECT_LT(up.Compare(J(R"({"a":[5,1]})"), J(R"({"a":2})")), 0);  // min 1 < 2
  ASSERT_OK_AND_ASSIGN(SortSpec down, SortSpec::Parse(J(R"({"a":-1})")));
  EXPECT_LT(down.Compare(J(R"({"a":[5,1]})"), J(R"({"a":2})")), 0);  // max 5 first
}

TEST(SortSpecTest, RandomDocsSortLikeSortKeys) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> d(0, 5);
  std::vector<Json> docs;
  for (int i = 0; i < 200; ++i) {
    Json doc = Json::object();
    int k = d(rng);
    if (k == 1) doc["a"] = d(rng);
    if (k == 2) doc["a"] = Json::array({d(rng), d(rng) * 0.5});
    if (k == 3) doc["a"] = Json::array();
    if (k == 4) doc["a"] = std::string(1, static_cast<char>('a' + d(rng)));
    if (k == 5) doc["a"] = Json::array({Json{{"x", d(rng)}}, "s"});
    doc["b"] = d(rng);
    docs.push_back(doc);
  }
  ASSERT_OK_AND_ASSIGN(SortSpec s, SortSpec::Parse(J(R"({"a":-1,"b":1})")));
  std::vector<Json> by_spec = docs;
  std::stable_sort(by_spec.begin(), by_spec.end(),
                   [&](const Json& x, const Json& y) { return s.Compare(x, y) < 0; });
  ASSERT_OK_AND_ASSIGN(Path a, Path::Parse("a"));
  ASSERT_OK_AND_ASSIGN(Path b, Path::Parse("b"));
  for (size_t i = 0; i + 1 < by_spec.size(); ++i) {
    int c = CompareSortKeys(SortKey(by_spec[i], a, true), SortKey(by_spec[i + 1], a, true));
    ASSERT_GE(c, 0) << by_spec[i].dump() << " " << by_spec[i + 1].dump();
    if (c == 0) {
      ASSERT_LE(CompareSortKeys(SortKey(by_spec[i], b, false), SortKey(by_spec[i + 1], b, false)),
                0);
    }
  }
}

}  // namespace
}  // namespace tessera::query
