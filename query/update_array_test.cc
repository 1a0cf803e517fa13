// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Update: array operators ($push with modifiers, $addToSet, $pop, $pull, $pullAll).
#include "gtest/gtest.h"
#include "query/update.h"
#include "query/update_test_util.h"

namespace tessera::query {
namespace {

using test::ApplyErr;
using test::Changed;
using test::J;
using test::U;

// ---- $push ----

TEST(UpdatePushTest, AppendsOneValue) {
  EXPECT_EQ(U(R"({"$push":{"a":3}})", R"({"a":[1,2]})"), J(R"({"a":[1,2,3]})"));
  // An array value is pushed as one element (use $each to append several).
  EXPECT_EQ(U(R"({"$push":{"a":[3,4]}})", R"({"a":[1]})"), J(R"({"a":[1,[3,4]]})"));
}

TEST(UpdatePushTest, MissingFieldCreatesArray) {
  EXPECT_EQ(U(R"({"$push":{"a.b":1}})", "{}"), J(R"({"a":{"b":[1]}})"));
  EXPECT_EQ(U(R"({"$push":{"a":{"$each":[]}}})", "{}"), J(R"({"a":[]})"));
}

TEST(UpdatePushTest, NonArrayIsAnError) {
  std::string e = ApplyErr(R"({"$push":{"a":1}})", R"({"a":{"x":1}})");
  EXPECT_NE(e.find("$push a"), std::string::npos) << e;
  EXPECT_NE(e.find("non-array"), std::string::npos) << e;
  EXPECT_NE(ApplyErr(R"({"$push":{"a":1}})", R"({"a":null})"), "");
}

TEST(UpdatePushTest, EachAppendsSeveral) {
  EXPECT_EQ(U(R"({"$push":{"a":{"$each":[3,4]}}})", R"({"a":[1]})"), J(R"({"a":[1,3,4]})"));
}

TEST(UpdatePushTest, PositionInsertsAt) {
  EXPECT_EQ(U(R"({"$push":{"a":{"$each":[8,9],"$position":1}}})", R"({"a":[1,2,3]})"),
            J(R"({"a":[1,8,9,2,3]})"));
  EXPECT_EQ(U(R"({"$push":{"a":{"$each":[9],"$position":99}}})", R"({"a":[1]})"),
            J(R"({"a":[1,9]})"));
}

TEST(UpdatePushTest, NegativePositionCountsFromTheEnd) {
  // MongoDB: $position -1 inserts before the last element.
  EXPECT_EQ(U(R"({"$push":{"a":{"$each":[9],"$position":-1}}})", R"({"a":[1,2,3]})"),
            J(R"({"a":[1,2,9,3]})"));
  EXPECT_EQ(U(R"({"$push":{"a":{"$each":[9],"$position":-10}}})", R"({"a":[1,2]})"),
            J(R"({"a":[9,1,2]})"));
}

TEST(UpdatePushTest, SliceKeepsFirstOrLast) {
  EXPECT_EQ(U(R"({"$push":{"a":{"$each":[4,5],"$slice":3}}})", R"({"a":[1,2,3]})"),
            J(R"({"a":[1,2,3]})"));
  EXPECT_EQ(U(R"({"$push":{"a":{"$each":[4,5],"$slice":-2}}})", R"({"a":[1,2,3]})"),
            J(R"({"a":[4,5]})"));
  EXPECT_EQ(U(R"({"$push":{"a":{"$each":[],"$slice":0}}})", R"({"a":[1,2]})"), J(R"({"a":[]})"));
  EXPECT_FALSE(Changed(R"({"$push":{"a":{"$each":[],"$slice":5}}})", R"({"a":[1,2]})"));
}

TEST(UpdatePushTest, SortWholeElementsThenSlice) {
  EXPECT_EQ(U(R"({"$push":{"a":{"$each":[2,"x",null],"$sort":1}}})", R"({"a":[3,1]})"),
            J(R"({"a":[null,1,2,3,"x"]})"));
  EXPECT_EQ(U(R"({"$push":{"a":{"$each":[5],"$sort":-1,"$slice":2}}})", R"({"a":[3,9,1]})"),
            J(R"({"a":[9,5]})"));
}

TEST(UpdatePushTest, SortByElementField) {
  EXPECT_EQ(
      U(R"({"$push":{"a":{"$each":[{"s":2}],"$sort":{"s":-1}}}})", R"({"a":[{"s":1},{"s":3}]})"),
      J(R"({"a":[{"s":3},{"s":2},{"s":1}]})"));
}

TEST(UpdatePushTest, IntoNestedArrayPosition) {
  EXPECT_EQ(U(R"({"$push":{"a.1":5}})", R"({"a":[[1],[2]]})"), J(R"({"a":[[1],[2,5]]})"));
}

// ---- $addToSet ----

TEST(UpdateAddToSetTest, AddsOnlyAbsentValues) {
  EXPECT_EQ(U(R"({"$addToSet":{"a":3}})", R"({"a":[1,2]})"), J(R"({"a":[1,2,3]})"));
  EXPECT_FALSE(Changed(R"({"$addToSet":{"a":2}})", R"({"a":[1,2]})"));
}

TEST(UpdateAddToSetTest, NumbersCompareByValue) {
  // 2.0 equals 2 under MongoDB's comparison, so nothing is added.
  EXPECT_FALSE(Changed(R"({"$addToSet":{"a":2.0}})", R"({"a":[1,2]})"));
}

TEST(UpdateAddToSetTest, DocumentsMatchWithFieldOrder) {
  // MongoDB: {b:1,c:2} and {c:2,b:1} are different documents for $addToSet.
  EXPECT_EQ(U(R"({"$addToSet":{"a":{"c":2,"b":1}}})", R"({"a":[{"b":1,"c":2}]})"),
            J(R"({"a":[{"b":1,"c":2},{"c":2,"b":1}]})"));
  EXPECT_FALSE(Changed(R"({"$addToSet":{"a":{"b":1,"c":2}}})", R"({"a":[{"b":1,"c":2}]})"));
}

TEST(UpdateAddToSetTest, EachDeduplicatesAgainstArrayAndItself) {
  EXPECT_EQ(U(R"({"$addToSet":{"a":{"$each":[2,3,3,4]}}})", R"({"a":[1,2]})"),
            J(R"({"a":[1,2,3,4]})"));
  EXPECT_EQ(U(R"({"$addToSet":{"a":{"$each":[1,1]}}})", "{}"), J(R"({"a":[1]})"));
}

TEST(UpdateAddToSetTest, ArrayValueIsOneElement) {
  EXPECT_EQ(U(R"({"$addToSet":{"a":[1]}})", R"({"a":[1]})"), J(R"({"a":[1,[1]]})"));
}

TEST(UpdateAddToSetTest, NonArrayIsAnError) {
  EXPECT_NE(ApplyErr(R"({"$addToSet":{"a":1}})", R"({"a":"s"})").find("$addToSet a"),
            std::string::npos);
}

// ---- $pop ----

TEST(UpdatePopTest, RemovesLastOrFirst) {
  EXPECT_EQ(U(R"({"$pop":{"a":1}})", R"({"a":[1,2,3]})"), J(R"({"a":[1,2]})"));
  EXPECT_EQ(U(R"({"$pop":{"a":-1}})", R"({"a":[1,2,3]})"), J(R"({"a":[2,3]})"));
}

TEST(UpdatePopTest, EmptyOrMissingIsNoOp) {
  EXPECT_FALSE(Changed(R"({"$pop":{"a":1}})", R"({"a":[]})"));
  EXPECT_FALSE(Changed(R"({"$pop":{"a":1}})", R"({"b":1})"));
}

TEST(UpdatePopTest, NonArrayIsAnError) {
  EXPECT_NE(ApplyErr(R"({"$pop":{"a":1}})", R"({"a":5})").find("$pop a"), std::string::npos);
}

TEST(UpdatePopTest, NestedPath) {
  EXPECT_EQ(U(R"({"$pop":{"a.b":-1}})", R"({"a":{"b":[1,2]}})"), J(R"({"a":{"b":[2]}})"));
}

// ---- $pull ----

TEST(UpdatePullTest, RemovesEqualValues) {
  EXPECT_EQ(U(R"({"$pull":{"a":2}})", R"({"a":[1,2,3,2]})"), J(R"({"a":[1,3]})"));
  EXPECT_EQ(U(R"({"$pull":{"a":2}})", R"({"a":[1,2.0]})"), J(R"({"a":[1]})"));
  EXPECT_EQ(U(R"({"$pull":{"a":null}})", R"({"a":[null,1]})"), J(R"({"a":[1]})"));
}

TEST(UpdatePullTest, ArrayValueRemovesEqualArrays) {
  EXPECT_EQ(U(R"({"$pull":{"a":[1,2]}})", R"({"a":[[1,2],1,2,[2,1]]})"), J(R"({"a":[1,2,[2,1]]})"));
}

TEST(UpdatePullTest, OperatorConditionOnElements) {
  EXPECT_EQ(U(R"({"$pull":{"a":{"$gte":3}}})", R"({"a":[1,5,2,3,"x"]})"), J(R"({"a":[1,2,"x"]})"));
  EXPECT_EQ(U(R"({"$pull":{"a":{"$in":["x",1]}}})", R"({"a":[1,5,"x"]})"), J(R"({"a":[5]})"));
}

TEST(UpdatePullTest, DocumentConditionIsAFilterOnElementFields) {
  // MongoDB treats a document as a query on the elements: extra fields do not stop a match.
  EXPECT_EQ(U(R"({"$pull":{"a":{"s":{"$gt":1},"t":"x"}}})",
              R"({"a":[{"s":2,"t":"x","u":0},{"s":2,"t":"y"},{"s":0,"t":"x"},5]})"),
            J(R"({"a":[{"s":2,"t":"y"},{"s":0,"t":"x"},5]})"));
}

TEST(UpdatePullTest, EmptyDocumentConditionRemovesAllDocuments) {
  EXPECT_EQ(U(R"({"$pull":{"a":{}}})", R"({"a":[{"x":1},1,{}]})"), J(R"({"a":[1]})"));
}

TEST(UpdatePullTest, ConditionSeesNestedArraysAsElements) {
  EXPECT_EQ(U(R"({"$pull":{"a":{"$size":2}}})", R"({"a":[[1,2],[1],3]})"), J(R"({"a":[[1],3]})"));
}

TEST(UpdatePullTest, MissingIsNoOpAndNonArrayIsAnError) {
  EXPECT_FALSE(Changed(R"({"$pull":{"a":1}})", "{}"));
  EXPECT_FALSE(Changed(R"({"$pull":{"a":9}})", R"({"a":[1]})"));
  EXPECT_NE(ApplyErr(R"({"$pull":{"a":1}})", R"({"a":1})").find("$pull a"), std::string::npos);
}

// ---- $pullAll ----

TEST(UpdatePullAllTest, RemovesEveryListedValue) {
  EXPECT_EQ(U(R"({"$pullAll":{"a":[1,"x",[2]]}})", R"({"a":[1,2,"x",[2],1,3]})"),
            J(R"({"a":[2,3]})"));
}

TEST(UpdatePullAllTest, DocumentsMatchExactly) {
  // Unlike $pull, $pullAll compares documents as wholes.
  EXPECT_EQ(U(R"({"$pullAll":{"a":[{"s":1}]}})", R"({"a":[{"s":1},{"s":1,"t":2}]})"),
            J(R"({"a":[{"s":1,"t":2}]})"));
}

TEST(UpdatePullAllTest, MissingIsNoOpAndNonArrayIsAnError) {
  EXPECT_FALSE(Changed(R"({"$pullAll":{"a.b":[1]}})", R"({"a":1})"));
  EXPECT_NE(ApplyErr(R"({"$pullAll":{"a":[1]}})", R"({"a":{"b":1}})").find("$pullAll a"),
            std::string::npos);
}

TEST(UpdateArrayOpsTest, SeveralOperatorsOnDifferentArrays) {
  EXPECT_EQ(U(R"({"$push":{"a":3},"$pull":{"b":1},"$addToSet":{"c":1},"$pop":{"d":1}})",
              R"({"a":[],"b":[1,2],"c":[1],"d":[1,2]})"),
            J(R"({"a":[3],"b":[2],"c":[1],"d":[1]})"));
}

}  // namespace
}  // namespace tessera::query
