// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "query/projection.h"

#include "gtest/gtest.h"
#include "tests/util/json_test_util.h"
#include "tests/util/test_util.h"

namespace tessera::query {
namespace {

using test::J;

Json P(const char* proj, const char* doc) {
  auto p = Projection::Parse(J(proj));
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? p->Apply(J(doc)) : Json();
}

TEST(ProjectionTest, EmptyKeepsWholeDocument) {
  ASSERT_OK_AND_ASSIGN(Projection p, Projection::Parse(J("{}")));
  EXPECT_TRUE(p.empty());
  EXPECT_EQ(p.Apply(J(R"({"a":1})")), J(R"({"a":1})"));
}

TEST(ProjectionTest, InclusionKeepsIdByDefault) {
  EXPECT_EQ(P(R"({"a":1})", R"({"_id":7,"a":1,"b":2})"), J(R"({"_id":7,"a":1})"));
  EXPECT_EQ(P(R"({"a":1,"_id":0})", R"({"_id":7,"a":1,"b":2})"), J(R"({"a":1})"));
  EXPECT_EQ(P(R"({"a":true})", R"({"b":2})"), J("{}"));
}

TEST(ProjectionTest, InclusionOfNestedPaths) {
  EXPECT_EQ(P(R"({"a.b":1})", R"({"a":{"b":1,"c":2},"d":3})"), J(R"({"a":{"b":1}})"));
  // MongoDB keeps the enclosing object even if the sub-field is missing.
  EXPECT_EQ(P(R"({"a.b":1})", R"({"a":{"c":2}})"), J(R"({"a":{}})"));
  EXPECT_EQ(P(R"({"a.b":1})", R"({"a":5})"), J("{}"));
}

TEST(ProjectionTest, InclusionThroughArraysOfObjects) {
  // MongoDB drops scalar elements when projecting a sub-field through an array.
  EXPECT_EQ(P(R"({"a.b":1})", R"({"a":[{"b":1,"c":2},5,{"c":3}]})"), J(R"({"a":[{"b":1},{}]})"));
}

TEST(ProjectionTest, ExclusionRemovesPaths) {
  EXPECT_EQ(P(R"({"b":0})", R"({"_id":1,"a":1,"b":2})"), J(R"({"_id":1,"a":1})"));
  EXPECT_EQ(P(R"({"a.b":0})", R"({"a":[{"b":1,"c":2},5]})"), J(R"({"a":[{"c":2},5]})"));
  EXPECT_EQ(P(R"({"_id":0})", R"({"_id":1,"a":1})"), J(R"({"a":1})"));
}

TEST(ProjectionTest, OnlyIdIncluded) {
  EXPECT_EQ(P(R"({"_id":1})", R"({"_id":1,"a":1})"), J(R"({"_id":1})"));
}

TEST(ProjectionTest, MixingInclusionAndExclusionIsAnError) {
  auto p = Projection::Parse(J(R"({"a":1,"b":0})"));
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("a and b"), absl::string_view::npos);
}

TEST(ProjectionTest, PathCollisionNamesBothPaths) {
  auto p = Projection::Parse(J(R"({"a":1,"a.b":1})"));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "path collision a and a.b");
  EXPECT_TRUE(Projection::Parse(J(R"({"a.b":1,"a.c":1,"ab":1})")).ok());
}

TEST(ProjectionTest, BadValuesAreErrors) {
  auto p = Projection::Parse(J(R"({"a":"yes"})"));
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("a"), absl::string_view::npos);
  EXPECT_FALSE(Projection::Parse(J(R"({"a":{"$slice":1}})")).ok());
  EXPECT_FALSE(Projection::Parse(J("[1]")).ok());
}

}  // namespace
}  // namespace tessera::query
