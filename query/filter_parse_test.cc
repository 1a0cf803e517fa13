// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Filter parse errors: one test per kind, each checking the message names the culprit.
#include "gtest/gtest.h"
#include "query/filter.h"

namespace tessera::query {
namespace {

// The parse error message of `filter`, or "" if it parsed.
std::string Err(const char* filter) {
  auto f = Filter::Parse(Json::parse(filter));
  if (f.ok()) return "";
  EXPECT_TRUE(absl::IsInvalidArgument(f.status()));
  return std::string(f.status().message());
}

#define EXPECT_ERR_HAS(filter, text) \
  EXPECT_NE(Err(filter).find(text), std::string::npos) << Err(filter)

TEST(FilterParseTest, UnknownOperatorNamesItAndPath) {
  EXPECT_EQ(Err(R"({"a.b":{"$foo":1}})"), "unknown operator $foo at a.b");
}
TEST(FilterParseTest, UnknownTopLevelOperator) { EXPECT_ERR_HAS(R"({"$where":"x"})", "$where"); }
TEST(FilterParseTest, InNeedsArray) { EXPECT_ERR_HAS(R"({"a":{"$in":1}})", "$in needs an array"); }
TEST(FilterParseTest, NinNeedsArray) {
  EXPECT_ERR_HAS(R"({"a":{"$nin":{}}})", "$nin needs an array");
}
TEST(FilterParseTest, AllNeedsArray) {
  EXPECT_ERR_HAS(R"({"a":{"$all":"x"}})", "$all needs an array");
}
TEST(FilterParseTest, InRejectsOperatorObjects) {
  EXPECT_ERR_HAS(R"({"a":{"$in":[{"$regex":"x"}]}})", "$regex");
}
TEST(FilterParseTest, SizeNeedsNonNegativeInteger) {
  EXPECT_ERR_HAS(R"({"a":{"$size":-1}})", "$size needs a non-negative integer at a");
  EXPECT_ERR_HAS(R"({"a":{"$size":1.5}})", "$size needs a non-negative integer");
  EXPECT_ERR_HAS(R"({"a":{"$size":"1"}})", "$size needs a non-negative integer");
}
TEST(FilterParseTest, ExistsNeedsBoolean) { EXPECT_ERR_HAS(R"({"a":{"$exists":"y"}})", "$exists"); }
TEST(FilterParseTest, UnknownTypeName) { EXPECT_ERR_HAS(R"({"a":{"$type":"float"}})", "float"); }
TEST(FilterParseTest, UnknownTypeNumber) { EXPECT_ERR_HAS(R"({"a":{"$type":99}})", "99"); }
TEST(FilterParseTest, RegexNeedsString) {
  EXPECT_ERR_HAS(R"({"a":{"$regex":5}})", "$regex needs a string at a");
}
TEST(FilterParseTest, InvalidRegex) {
  EXPECT_ERR_HAS(R"({"a":{"$regex":"(ab"}})", "invalid $regex '(ab'");
}
TEST(FilterParseTest, BackreferencesUnsupportedByRe2) {
  EXPECT_ERR_HAS(R"({"a":{"$regex":"(a)\\1"}})", "invalid $regex");
}
TEST(FilterParseTest, UnknownRegexOption) {
  EXPECT_ERR_HAS(R"({"a":{"$regex":"x","$options":"iq"}})", "'q'");
}
TEST(FilterParseTest, OptionsWithoutRegex) {
  EXPECT_ERR_HAS(R"({"a":{"$options":"i"}})", "$options without $regex at a");
}
TEST(FilterParseTest, ElemMatchNeedsObject) {
  EXPECT_ERR_HAS(R"({"a":{"$elemMatch":[1]}})", "$elemMatch needs an object at a");
}
TEST(FilterParseTest, NotNeedsOperatorExpression) {
  EXPECT_ERR_HAS(R"({"a":{"$not":5}})", "$not needs an operator expression at a");
  EXPECT_ERR_HAS(R"({"a":{"$not":{"b":1}}})", "$not needs an operator expression");
}
TEST(FilterParseTest, MixingOperatorsAndFields) {
  EXPECT_ERR_HAS(R"({"a":{"$gt":1,"b":2}})", "'b'");
}
TEST(FilterParseTest, LogicalNeedsNonEmptyArray) {
  EXPECT_ERR_HAS(R"({"$or":[]})", "$or needs a non-empty array");
  EXPECT_ERR_HAS(R"({"$and":{}})", "$and needs a non-empty array");
  EXPECT_ERR_HAS(R"({"$nor":[1]})", "$nor needs an array of objects");
}
TEST(FilterParseTest, BadPaths) {
  EXPECT_ERR_HAS(R"({"a..b":1})", "a..b");
  EXPECT_ERR_HAS(R"({"a.$x":1})", "a.$x");
}
TEST(FilterParseTest, NotAnObject) { EXPECT_ERR_HAS("[1]", "must be an object"); }
TEST(FilterParseTest, ErrorsInsideNestedClausesNameTheOperator) {
  EXPECT_ERR_HAS(R"({"$or":[{"a":{"$bad":1}}]})", "unknown operator $bad at a");
  EXPECT_ERR_HAS(R"({"a":{"$elemMatch":{"$bad":1}}})", "unknown operator $bad");
}
// kMaxQueryDepth (query/nesting.h): 100 levels of objects and arrays, counted from the filter.
TEST(FilterParseTest, NestingPastOneHundredLevelsIsRefused) {
  auto nested = [](int levels) {  // {"a":{"a":...{"a":1}}} with `levels` objects
    std::string s;
    for (int i = 0; i < levels; ++i) s += R"({"a":)";
    return s + "1" + std::string(levels, '}');
  };
  EXPECT_EQ(Err(nested(100).c_str()), "");
  EXPECT_EQ(Err(nested(101).c_str()), "the filter is nested more than 100 levels deep");
  EXPECT_ERR_HAS(nested(100000).c_str(), "nested more than 100");
  std::string arrays = R"({"a":{"$in":)" + std::string(99, '[') + std::string(99, ']') + "}}";
  EXPECT_ERR_HAS(arrays.c_str(), "nested more than 100");
}

}  // namespace
}  // namespace tessera::query
