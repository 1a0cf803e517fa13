// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Edge cases of filter matching: numbers at the limits, NaN, deep paths and negations.
#include <cmath>

#include "gtest/gtest.h"
#include "query/filter.h"

namespace tessera::query {
namespace {

bool M(const Json& filter, const Json& doc) {
  auto f = Filter::Parse(filter);
  EXPECT_TRUE(f.ok()) << filter.dump() << ": " << f.status();
  return f.ok() && f->Matches(doc);
}

TEST(FilterEdgeTest, LargeIntegersCompareExactlyWithDoubles) {
  int64_t big = (int64_t{1} << 53) + 1;
  EXPECT_FALSE(M({{"a", 9007199254740992.0}}, {{"a", big}}));
  EXPECT_TRUE(M({{"a", {{"$gt", 9007199254740992.0}}}}, {{"a", big}}));
  EXPECT_TRUE(M({{"a", uint64_t{5}}}, {{"a", 5}}));
}

TEST(FilterEdgeTest, NanMatchesOnlyNan) {
  Json nan(std::nan(""));
  EXPECT_TRUE(M({{"a", nan}}, {{"a", nan}}));
  EXPECT_FALSE(M({{"a", nan}}, {{"a", 0}}));
  EXPECT_FALSE(M({{"a", {{"$lt", 0}}}}, {{"a", nan}}));
  EXPECT_TRUE(M({{"a", {{"$gte", nan}}}}, {{"a", nan}}));
  EXPECT_FALSE(M({{"a", {{"$gt", nan}}}}, {{"a", 1}}));
}

TEST(FilterEdgeTest, NorOfNeIsDoubleNegation) {
  Json f = Json::parse(R"({"$nor":[{"a":{"$ne":1}}]})");
  EXPECT_TRUE(M(f, Json::parse(R"({"a":[1,2]})")));
  EXPECT_FALSE(M(f, Json::parse(R"({"a":2})")));
}

TEST(FilterEdgeTest, ElemMatchWithNotInside) {
  Json f = Json::parse(R"({"a":{"$elemMatch":{"$not":{"$gt":3}}}})");
  EXPECT_TRUE(M(f, Json::parse(R"({"a":[5,1]})")));
  EXPECT_FALSE(M(f, Json::parse(R"({"a":[5,9]})")));
}

TEST(FilterEdgeTest, ElemMatchNestedInElemMatch) {
  Json f = Json::parse(R"({"a":{"$elemMatch":{"b":{"$elemMatch":{"c":1}}}}})");
  EXPECT_TRUE(M(f, Json::parse(R"({"a":[{"b":[{"c":2},{"c":1}]}]})")));
  EXPECT_FALSE(M(f, Json::parse(R"({"a":[{"b":{"c":1}}]})")));
}

TEST(FilterEdgeTest, PathThroughScalarIsMissing) {
  EXPECT_TRUE(M(Json::parse(R"({"a.b.c":{"$exists":false}})"), Json::parse(R"({"a":{"b":3}})")));
  EXPECT_FALSE(M(Json::parse(R"({"a.b.c":{"$gte":0}})"), Json::parse(R"({"a":{"b":3}})")));
}

TEST(FilterEdgeTest, EmptyArrayFieldAndEmptyObjectOperand) {
  EXPECT_TRUE(M(Json::parse(R"({"a":[]})"), Json::parse(R"({"a":[]})")));
  EXPECT_TRUE(M(Json::parse(R"({"a":[]})"), Json::parse(R"({"a":[[]]})")));
  EXPECT_TRUE(M(Json::parse(R"({"a":{}})"), Json::parse(R"({"a":{}})")));
  EXPECT_FALSE(M(Json::parse(R"({"a":{}})"), Json::parse(R"({"a":{"b":1}})")));
}

TEST(FilterEdgeTest, StringsCompareBytewise) {
  EXPECT_TRUE(M(Json::parse(R"({"a":{"$gt":"Z"}})"), Json::parse(R"({"a":"a"})")));
  EXPECT_TRUE(M(Json::parse(R"({"a":{"$gt":"z"}})"), Json::parse("{\"a\":\"\xc3\xa9\"}")));
}

}  // namespace
}  // namespace tessera::query
