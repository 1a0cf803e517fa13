// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Filter matching, operator by operator. Comments give MongoDB's result where it is surprising.
#include "query/filter.h"

#include "gtest/gtest.h"

namespace tessera::query {
namespace {

// Whether `filter` matches `doc` (both JSON text); a parse error fails the test.
bool M(const char* filter, const char* doc) {
  auto f = Filter::Parse(Json::parse(filter));
  EXPECT_TRUE(f.ok()) << filter << ": " << f.status();
  return f.ok() && f->Matches(Json::parse(doc));
}

TEST(FilterEqTest, EmptyFilterMatchesEverything) {
  EXPECT_TRUE(M("{}", R"({"a":1})"));
  EXPECT_TRUE(M("{}", "{}"));
}

TEST(FilterEqTest, ImplicitEqualityOnScalars) {
  EXPECT_TRUE(M(R"({"a":5})", R"({"a":5})"));
  EXPECT_TRUE(M(R"({"a":5})", R"({"a":5.0})"));
  EXPECT_FALSE(M(R"({"a":5})", R"({"a":"5"})"));
  EXPECT_FALSE(M(R"({"a":5})", R"({"b":5})"));
}

TEST(FilterEqTest, EqualityMatchesArrayElementOrWholeArray) {
  EXPECT_TRUE(M(R"({"a":2})", R"({"a":[1,2,3]})"));
  EXPECT_TRUE(M(R"({"a":[1,2]})", R"({"a":[1,2]})"));
  EXPECT_FALSE(M(R"({"a":[2,1]})", R"({"a":[1,2]})"));
  EXPECT_TRUE(M(R"({"a":[1,2]})", R"({"a":[[1,2],3]})"));  // an element equals the operand
  EXPECT_FALSE(M(R"({"a":1})", R"({"a":[[1,2]]})"));       // only one level is expanded
}

TEST(FilterEqTest, SubDocumentEqualityIsExactAndOrdered) {
  EXPECT_TRUE(M(R"({"a":{"b":1,"c":2}})", R"({"a":{"b":1,"c":2}})"));
  // MongoDB: field order matters, {b,c} != {c,b}.
  EXPECT_FALSE(M(R"({"a":{"b":1,"c":2}})", R"({"a":{"c":2,"b":1}})"));
  EXPECT_FALSE(M(R"({"a":{"b":1}})", R"({"a":{"b":1,"c":2}})"));
}

TEST(FilterEqTest, DottedPathThroughObjectsAndArrays) {
  EXPECT_TRUE(M(R"({"a.b":1})", R"({"a":{"b":1}})"));
  EXPECT_TRUE(M(R"({"a.b":1})", R"({"a":[{"b":2},{"b":1}]})"));
  EXPECT_TRUE(M(R"({"a.b":1})", R"({"a":[{"b":[0,1]}]})"));
  EXPECT_FALSE(M(R"({"a.b":1})", R"({"a":[[{"b":1}]]})"));  // nested arrays are not traversed
  EXPECT_TRUE(M(R"({"a.b.c":1})", R"({"a":[{"b":[{"c":1}]}]})"));
}

TEST(FilterEqTest, NumericPartSelectsArrayPosition) {
  EXPECT_TRUE(M(R"({"a.1":5})", R"({"a":[4,5]})"));
  EXPECT_FALSE(M(R"({"a.0":5})", R"({"a":[4,5]})"));
  EXPECT_TRUE(M(R"({"a.0.b":1})", R"({"a":[{"b":1}]})"));
  EXPECT_TRUE(M(R"({"a.0":5})", R"({"a":{"0":5}})"));  // a field named "0"
}

TEST(FilterEqTest, NullMatchesMissingNullAndArrayOfNull) {
  EXPECT_TRUE(M(R"({"a":null})", R"({"a":null})"));
  EXPECT_TRUE(M(R"({"a":null})", "{}"));
  EXPECT_TRUE(M(R"({"a":null})", R"({"a":[null,1]})"));
  EXPECT_FALSE(M(R"({"a":null})", R"({"a":0})"));
  EXPECT_FALSE(M(R"({"a":null})", R"({"a":[]})"));
  EXPECT_TRUE(M(R"({"a.b":null})", R"({"a":[{"b":1},{"c":1}]})"));  // second element lacks b
  EXPECT_FALSE(M(R"({"a.b":null})", R"({"a":[{"b":1}]})"));
  EXPECT_TRUE(M(R"({"a.b":null})", R"({"a":5})"));
}

TEST(FilterEqTest, ExplicitEqSameAsImplicit) {
  EXPECT_TRUE(M(R"({"a":{"$eq":2}})", R"({"a":[1,2]})"));
  EXPECT_TRUE(M(R"({"a":{"$eq":{"$x":1}}})", R"({"a":{"$x":1}})"));
  EXPECT_FALSE(M(R"({"a":{"$eq":1}})", R"({"a":true})"));
}

TEST(FilterNeTest, NeIsNegationIncludingArrays) {
  EXPECT_TRUE(M(R"({"a":{"$ne":1}})", R"({"a":2})"));
  EXPECT_TRUE(M(R"({"a":{"$ne":1}})", "{}"));
  EXPECT_FALSE(M(R"({"a":{"$ne":1}})", R"({"a":[1,2]})"));  // MongoDB: no element may equal
  EXPECT_TRUE(M(R"({"a":{"$ne":1}})", R"({"a":[2,3]})"));
}

TEST(FilterNeTest, NeNullMeansPresentAndNotNull) {
  EXPECT_FALSE(M(R"({"a":{"$ne":null}})", "{}"));
  EXPECT_FALSE(M(R"({"a":{"$ne":null}})", R"({"a":null})"));
  EXPECT_FALSE(M(R"({"a":{"$ne":null}})", R"({"a":[1,null]})"));
  EXPECT_TRUE(M(R"({"a":{"$ne":null}})", R"({"a":0})"));
  EXPECT_FALSE(M(R"({"a.b":{"$ne":null}})", R"({"a":[{"b":1},{}]})"));
}

TEST(FilterRangeTest, NumbersAcrossIntAndDouble) {
  EXPECT_TRUE(M(R"({"a":{"$gt":5}})", R"({"a":5.5})"));
  EXPECT_FALSE(M(R"({"a":{"$gt":5}})", R"({"a":5})"));
  EXPECT_TRUE(M(R"({"a":{"$gte":5}})", R"({"a":5.0})"));
  EXPECT_TRUE(M(R"({"a":{"$lt":5}})", R"({"a":-1})"));
  EXPECT_TRUE(M(R"({"a":{"$lte":5}})", R"({"a":5})"));
  EXPECT_FALSE(M(R"({"a":{"$lte":5}})", R"({"a":6})"));
}

TEST(FilterRangeTest, TypeBracketing) {
  EXPECT_FALSE(M(R"({"a":{"$gt":5}})", R"({"a":"zzz"})"));
  EXPECT_FALSE(M(R"({"a":{"$lt":"a"}})", R"({"a":1})"));
  EXPECT_FALSE(M(R"({"a":{"$gt":0}})", R"({"a":true})"));
  EXPECT_FALSE(M(R"({"a":{"$gt":0}})", R"({"a":null})"));
  EXPECT_FALSE(M(R"({"a":{"$lt":0}})", "{}"));
  EXPECT_TRUE(M(R"({"a":{"$gt":"abc"}})", R"({"a":"abd"})"));
}

TEST(FilterRangeTest, ArraysMatchIfAnyElementInRange) {
  EXPECT_TRUE(M(R"({"a":{"$gt":5}})", R"({"a":[1,10]})"));
  EXPECT_FALSE(M(R"({"a":{"$gt":50}})", R"({"a":[1,10]})"));
  EXPECT_TRUE(M(R"({"a.b":{"$lt":2}})", R"({"a":[{"b":5},{"b":1}]})"));
}

TEST(FilterRangeTest, SeveralConditionsMayBeMetByDifferentElements) {
  // MongoDB: {a: [1, 10]} matches {$gt: 5, $lt: 6}: 10 > 5 and 1 < 6.
  EXPECT_TRUE(M(R"({"a":{"$gt":5,"$lt":6}})", R"({"a":[1,10]})"));
  EXPECT_FALSE(M(R"({"a":{"$gt":5,"$lt":6}})", R"({"a":7})"));
  EXPECT_FALSE(M(R"({"a":{"$elemMatch":{"$gt":5,"$lt":6}}})", R"({"a":[1,10]})"));
}

TEST(FilterRangeTest, NullBoundsOnlyMatchNullForInclusiveOps) {
  EXPECT_TRUE(M(R"({"a":{"$gte":null}})", "{}"));
  EXPECT_TRUE(M(R"({"a":{"$lte":null}})", R"({"a":null})"));
  EXPECT_FALSE(M(R"({"a":{"$gt":null}})", R"({"a":null})"));
  EXPECT_FALSE(M(R"({"a":{"$gte":null}})", R"({"a":1})"));
}

TEST(FilterRangeTest, ComparesWholeArraysAndObjectsWithinTheirClass) {
  EXPECT_TRUE(M(R"({"a":{"$gt":[1]}})", R"({"a":[1,2]})"));  // the array itself > [1]
  EXPECT_TRUE(M(R"({"a":{"$lt":{"b":2}}})", R"({"a":{"b":1}})"));
  EXPECT_FALSE(M(R"({"a":{"$lt":{"b":2}}})", R"({"a":1})"));
}

TEST(FilterInTest, InMatchesAnyValue) {
  EXPECT_TRUE(M(R"({"a":{"$in":[1,2]}})", R"({"a":2})"));
  EXPECT_FALSE(M(R"({"a":{"$in":[1,2]}})", R"({"a":3})"));
  EXPECT_TRUE(M(R"({"a":{"$in":[1,2]}})", R"({"a":[5,1]})"));
  EXPECT_FALSE(M(R"({"a":{"$in":[]}})", R"({"a":1})"));
  EXPECT_TRUE(M(R"({"a":{"$in":[null]}})", "{}"));
  EXPECT_TRUE(M(R"({"a":{"$in":[[1,2]]}})", R"({"a":[1,2]})"));
  EXPECT_TRUE(M(R"({"a.b":{"$in":["x"]}})", R"({"a":[{"b":"y"},{"b":"x"}]})"));
}

TEST(FilterInTest, NinIsNegationOfIn) {
  EXPECT_TRUE(M(R"({"a":{"$nin":[1,2]}})", R"({"a":3})"));
  EXPECT_TRUE(M(R"({"a":{"$nin":[1,2]}})", "{}"));
  EXPECT_FALSE(M(R"({"a":{"$nin":[1,2]}})", R"({"a":[3,2]})"));
  EXPECT_FALSE(M(R"({"a":{"$nin":[null]}})", "{}"));
  EXPECT_TRUE(M(R"({"a":{"$nin":[]}})", R"({"a":1})"));
}

TEST(FilterExistsTest, ExistsTrueAndFalse) {
  EXPECT_TRUE(M(R"({"a":{"$exists":true}})", R"({"a":null})"));
  EXPECT_FALSE(M(R"({"a":{"$exists":true}})", R"({"b":1})"));
  EXPECT_TRUE(M(R"({"a":{"$exists":false}})", R"({"b":1})"));
  EXPECT_FALSE(M(R"({"a":{"$exists":false}})", R"({"a":[]})"));
  EXPECT_TRUE(M(R"({"a":{"$exists":1}})", R"({"a":0})"));
}

TEST(FilterExistsTest, ExistsThroughArrays) {
  EXPECT_TRUE(M(R"({"a.b":{"$exists":true}})", R"({"a":[{"c":1},{"b":2}]})"));
  EXPECT_FALSE(M(R"({"a.b":{"$exists":true}})", R"({"a":[1,2]})"));
  EXPECT_TRUE(M(R"({"a.b":{"$exists":false}})", R"({"a":[1,2]})"));
  EXPECT_TRUE(M(R"({"a.1":{"$exists":true}})", R"({"a":[1,2]})"));
  EXPECT_FALSE(M(R"({"a.2":{"$exists":true}})", R"({"a":[1,2]})"));
}

TEST(FilterTypeTest, TypeByName) {
  EXPECT_TRUE(M(R"({"a":{"$type":"double"}})", R"({"a":1.5})"));
  EXPECT_FALSE(M(R"({"a":{"$type":"double"}})", R"({"a":1})"));
  EXPECT_TRUE(M(R"({"a":{"$type":"int"}})", R"({"a":1})"));
  EXPECT_TRUE(M(R"({"a":{"$type":"long"}})", R"({"a":4294967296})"));
  EXPECT_FALSE(M(R"({"a":{"$type":"int"}})", R"({"a":4294967296})"));
  EXPECT_TRUE(M(R"({"a":{"$type":"number"}})", R"({"a":2.5})"));
  EXPECT_TRUE(M(R"({"a":{"$type":"string"}})", R"({"a":"x"})"));
  EXPECT_TRUE(M(R"({"a":{"$type":"object"}})", R"({"a":{}})"));
  EXPECT_TRUE(M(R"({"a":{"$type":"bool"}})", R"({"a":false})"));
  EXPECT_TRUE(M(R"({"a":{"$type":"null"}})", R"({"a":null})"));
  EXPECT_FALSE(M(R"({"a":{"$type":"null"}})", "{}"));  // missing is not of type null
}

TEST(FilterTypeTest, TypeArrayMatchesArraysAndElementTypes) {
  EXPECT_TRUE(M(R"({"a":{"$type":"array"}})", R"({"a":[]})"));
  EXPECT_FALSE(M(R"({"a":{"$type":"array"}})", R"({"a":1})"));
  // MongoDB: an array field also matches by the type of its elements.
  EXPECT_TRUE(M(R"({"a":{"$type":"string"}})", R"({"a":[1,"x"]})"));
}

TEST(FilterTypeTest, TypeByNumberAndList) {
  EXPECT_TRUE(M(R"({"a":{"$type":2}})", R"({"a":"x"})"));
  EXPECT_TRUE(M(R"({"a":{"$type":16}})", R"({"a":3})"));
  EXPECT_TRUE(M(R"({"a":{"$type":8}})", R"({"a":true})"));
  EXPECT_TRUE(M(R"({"a":{"$type":["string","bool"]}})", R"({"a":true})"));
  EXPECT_FALSE(M(R"({"a":{"$type":["string",1]}})", R"({"a":3})"));
}

TEST(FilterRegexTest, RegexMatchesStringsOnly) {
  EXPECT_TRUE(M(R"({"a":{"$regex":"^ab"}})", R"({"a":"abc"})"));
  EXPECT_FALSE(M(R"({"a":{"$regex":"^ab"}})", R"({"a":"cab"})"));
  EXPECT_TRUE(M(R"({"a":{"$regex":"b"}})", R"({"a":"cab"})"));  // unanchored search
  EXPECT_FALSE(M(R"({"a":{"$regex":"1"}})", R"({"a":1})"));
  EXPECT_FALSE(M(R"({"a":{"$regex":"x"}})", "{}"));
  EXPECT_TRUE(M(R"({"a":{"$regex":"^x"}})", R"({"a":["y","xz"]})"));
}

TEST(FilterRegexTest, Options) {
  EXPECT_TRUE(M(R"({"a":{"$regex":"^AB","$options":"i"}})", R"({"a":"abc"})"));
  EXPECT_FALSE(M(R"({"a":{"$regex":"^AB"}})", R"({"a":"abc"})"));
  EXPECT_TRUE(M(R"({"a":{"$regex":"^b","$options":"m"}})", "{\"a\":\"a\\nb\"}"));
  EXPECT_FALSE(M(R"({"a":{"$regex":"^b"}})", "{\"a\":\"a\\nb\"}"));
  EXPECT_TRUE(M(R"({"a":{"$regex":"a.b","$options":"s"}})", "{\"a\":\"a\\nb\"}"));
  EXPECT_FALSE(M(R"({"a":{"$regex":"a.b"}})", "{\"a\":\"a\\nb\"}"));
  EXPECT_TRUE(M(R"({"a":{"$regex":"a b # comment\n c","$options":"x"}})", R"({"a":"abc"})"));
  EXPECT_TRUE(M(R"({"a":{"$regex":"a[ ]b","$options":"x"}})", R"({"a":"a b"})"));
}

TEST(FilterAllTest, AllNeedsEveryValue) {
  EXPECT_TRUE(M(R"({"a":{"$all":[1,2]}})", R"({"a":[2,3,1]})"));
  EXPECT_FALSE(M(R"({"a":{"$all":[1,2]}})", R"({"a":[2,3]})"));
  EXPECT_TRUE(M(R"({"a":{"$all":[1]}})", R"({"a":1})"));
  EXPECT_FALSE(M(R"({"a":{"$all":[]}})", R"({"a":[]})"));  // MongoDB: $all [] matches nothing
  EXPECT_TRUE(M(R"({"a":{"$all":[[1,2]]}})", R"({"a":[[1,2],3]})"));
  EXPECT_TRUE(M(R"({"a.b":{"$all":[1,2]}})", R"({"a":[{"b":1},{"b":2}]})"));
}

TEST(FilterSizeTest, SizeCountsArrayElements) {
  EXPECT_TRUE(M(R"({"a":{"$size":2}})", R"({"a":[1,[2,3]]})"));
  EXPECT_FALSE(M(R"({"a":{"$size":1}})", R"({"a":[1,[2,3]]})"));  // no element expansion
  EXPECT_TRUE(M(R"({"a":{"$size":0}})", R"({"a":[]})"));
  EXPECT_FALSE(M(R"({"a":{"$size":0}})", "{}"));
  EXPECT_FALSE(M(R"({"a":{"$size":1}})", R"({"a":"x"})"));
  EXPECT_TRUE(M(R"({"a.b":{"$size":1}})", R"({"a":[{"b":[1]},{"b":[]}]})"));
  EXPECT_TRUE(M(R"({"a":{"$size":2.0}})", R"({"a":[1,2]})"));
}

TEST(FilterElemMatchTest, OperatorFormNeedsOneElementForAll) {
  EXPECT_TRUE(M(R"({"a":{"$elemMatch":{"$gt":5,"$lt":10}}})", R"({"a":[1,7]})"));
  EXPECT_FALSE(M(R"({"a":{"$elemMatch":{"$gt":5,"$lt":10}}})", R"({"a":[1,12]})"));
  EXPECT_FALSE(M(R"({"a":{"$elemMatch":{"$gt":5}}})", R"({"a":7})"));  // not an array
  EXPECT_TRUE(M(R"({"a":{"$elemMatch":{"$ne":1}}})", R"({"a":[1,2]})"));
}

TEST(FilterElemMatchTest, DocumentFormOnObjectElements) {
  const char* doc = R"({"a":[{"b":1,"c":2},{"b":2,"c":1}]})";
  EXPECT_TRUE(M(R"({"a":{"$elemMatch":{"b":1,"c":2}}})", doc));
  EXPECT_FALSE(M(R"({"a":{"$elemMatch":{"b":1,"c":1}}})", doc));
  EXPECT_TRUE(M(R"({"a.b":1,"a.c":1})", doc));  // without $elemMatch: different elements
  EXPECT_TRUE(M(R"({"a":{"$elemMatch":{"b":{"$gte":2},"c":{"$lt":2}}}})", doc));
  EXPECT_TRUE(M(R"({"a":{"$elemMatch":{"$or":[{"b":5},{"c":1}]}}})", doc));
  EXPECT_FALSE(M(R"({"a":{"$elemMatch":{"b":1}}})", R"({"a":[1,2]})"));
}

TEST(FilterElemMatchTest, NestedPathsInsideElemMatch) {
  EXPECT_TRUE(M(R"({"a":{"$elemMatch":{"b.c":3}}})", R"({"a":[{"b":{"c":3}}]})"));
  EXPECT_TRUE(M(R"({"x.a":{"$elemMatch":{"$eq":2}}})", R"({"x":{"a":[1,2]}})"));
}

TEST(FilterNotTest, NotNegatesOperator) {
  EXPECT_TRUE(M(R"({"a":{"$not":{"$gt":5}}})", R"({"a":3})"));
  EXPECT_FALSE(M(R"({"a":{"$not":{"$gt":5}}})", R"({"a":6})"));
  EXPECT_TRUE(M(R"({"a":{"$not":{"$gt":5}}})", "{}"));            // MongoDB: missing matches
  EXPECT_TRUE(M(R"({"a":{"$not":{"$gt":5}}})", R"({"a":"x"})"));  // and other types too
  EXPECT_FALSE(M(R"({"a":{"$not":{"$gt":5}}})", R"({"a":[1,9]})"));
}

TEST(FilterNotTest, NotWithRegexAndSeveralOperators) {
  EXPECT_TRUE(M(R"({"a":{"$not":{"$regex":"^x"}}})", R"({"a":"yx"})"));
  EXPECT_FALSE(M(R"({"a":{"$not":{"$regex":"^X","$options":"i"}}})", R"({"a":"xy"})"));
  EXPECT_TRUE(M(R"({"a":{"$not":{"$gt":1,"$lt":5}}})", R"({"a":7})"));
  EXPECT_FALSE(M(R"({"a":{"$not":{"$gt":1,"$lt":5}}})", R"({"a":3})"));
}

TEST(FilterLogicalTest, AndOrNor) {
  EXPECT_TRUE(M(R"({"$and":[{"a":1},{"b":2}]})", R"({"a":1,"b":2})"));
  EXPECT_FALSE(M(R"({"$and":[{"a":1},{"b":2}]})", R"({"a":1,"b":3})"));
  EXPECT_TRUE(M(R"({"$or":[{"a":1},{"b":2}]})", R"({"a":0,"b":2})"));
  EXPECT_FALSE(M(R"({"$or":[{"a":1},{"b":2}]})", R"({"a":0,"b":0})"));
  EXPECT_TRUE(M(R"({"$nor":[{"a":1},{"b":2}]})", R"({"a":0})"));
  EXPECT_FALSE(M(R"({"$nor":[{"a":1},{"b":2}]})", R"({"b":2})"));
  EXPECT_TRUE(M(R"({"$or":[{}]})", R"({"a":0})"));
  EXPECT_TRUE(M(R"({"a":1,"$or":[{"b":1},{"c":1}]})", R"({"a":1,"c":1})"));
}

TEST(FilterLogicalTest, AndOnSameFieldWithArray) {
  EXPECT_TRUE(M(R"({"$and":[{"a":1},{"a":2}]})", R"({"a":[1,2]})"));
  EXPECT_FALSE(M(R"({"$and":[{"a":1},{"a":2}]})", R"({"a":[1,3]})"));
}

TEST(FilterTreeTest, RootFlattensImplicitAndExplicitAnd) {
  auto f = Filter::Parse(Json::parse(R"({"a":1,"$and":[{"b":2},{"c":{"$gt":1}}]})"));
  ASSERT_TRUE(f.ok());
  const FilterNode& root = f->root();
  EXPECT_EQ(root.op, FilterOp::kAnd);
  ASSERT_EQ(root.children.size(), 3u);
  EXPECT_EQ(root.children[0].op, FilterOp::kEq);
  EXPECT_EQ(root.children[1].path.dotted, "b");
  EXPECT_EQ(root.children[2].op, FilterOp::kGt);
  EXPECT_EQ(root.children[2].operand, Json(1));
}

TEST(FilterTreeTest, EmptyFilterIsAlways) {
  auto f = Filter::Parse(Json::object());
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->root().op, FilterOp::kAlways);
}

TEST(FilterTreeTest, OperatorsBecomeOneNodeEach) {
  auto f = Filter::Parse(Json::parse(R"({"a":{"$gte":1,"$lt":3},"b":{"$not":{"$in":[1]}}})"));
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->root().children.size(), 3u);
  EXPECT_EQ(f->root().children[1].op, FilterOp::kLt);
  const FilterNode& n = f->root().children[2];
  EXPECT_EQ(n.op, FilterOp::kNot);
  ASSERT_EQ(n.children.size(), 1u);
  EXPECT_EQ(n.children[0].op, FilterOp::kIn);
  EXPECT_EQ(n.children[0].path.dotted, "b");
}

TEST(FilterTreeTest, EqualitiesSeedUpserts) {
  auto f = Filter::Parse(Json::parse(R"({"a":1,"b.c":2,"$and":[{"d":3}],"e":{"$gt":1},"f":{"$eq":4},
                      "$or":[{"g":1}]})"));
  ASSERT_TRUE(f.ok());
  auto eq = f->Equalities();
  ASSERT_EQ(eq.size(), 4u);
  EXPECT_EQ(eq[0].first.dotted, "a");
  EXPECT_EQ(eq[1].first.dotted, "b.c");
  EXPECT_EQ(eq[1].second, Json(2));
  EXPECT_EQ(eq[2].first.dotted, "d");
  EXPECT_EQ(eq[3].first.dotted, "f");
}

TEST(FilterMixedTest, MixedTypesInArray) {
  const char* doc = R"({"a":[null,1,"x",{"b":1},[2],true]})";
  EXPECT_TRUE(M(R"({"a":"x"})", doc));
  EXPECT_TRUE(M(R"({"a":true})", doc));
  EXPECT_TRUE(M(R"({"a":[2]})", doc));
  EXPECT_TRUE(M(R"({"a":{"b":1}})", doc));
  EXPECT_TRUE(M(R"({"a.b":1})", doc));
  EXPECT_FALSE(M(R"({"a":2})", doc));
  EXPECT_TRUE(M(R"({"a":{"$gt":0,"$lt":2}})", doc));
}

}  // namespace
}  // namespace tessera::query
