// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Update: field operators ($set $unset $inc $mul $min $max $rename $setOnInsert), replacement
// documents, the order of application, change detection and TouchedFields.
#include "query/update.h"

#include "gtest/gtest.h"
#include "query/update_test_util.h"
#include "tests/util/test_util.h"

namespace tessera::query {
namespace {

using test::ApplyErr;
using test::Changed;
using test::J;
using test::U;

// ---- $set ----

TEST(UpdateSetTest, SetsTopLevelAndKeepsFieldPosition) {
  EXPECT_EQ(U(R"({"$set":{"a":5}})", R"({"_id":1,"a":1,"b":2})").dump(),
            R"({"_id":1,"a":5,"b":2})");
  EXPECT_EQ(U(R"({"$set":{"c":3}})", R"({"_id":1,"a":1})").dump(), R"({"_id":1,"a":1,"c":3})");
}

TEST(UpdateSetTest, DottedPathCreatesMissingObjects) {
  EXPECT_EQ(U(R"({"$set":{"a.b.c":1}})", R"({"_id":1})"), J(R"({"_id":1,"a":{"b":{"c":1}}})"));
  EXPECT_EQ(U(R"({"$set":{"a.b":1}})", R"({"a":{"x":0}})"), J(R"({"a":{"x":0,"b":1}})"));
}

TEST(UpdateSetTest, NumericPartSetsArrayPosition) {
  EXPECT_EQ(U(R"({"$set":{"a.1":9}})", R"({"a":[1,2,3]})"), J(R"({"a":[1,9,3]})"));
  EXPECT_EQ(U(R"({"$set":{"a.0.b":9}})", R"({"a":[{"b":1},{"b":2}]})"),
            J(R"({"a":[{"b":9},{"b":2}]})"));
}

TEST(UpdateSetTest, PositionPastTheEndPadsWithNull) {
  // MongoDB: {$set: {"a.4": 9}} on [1] gives [1, null, null, null, 9].
  EXPECT_EQ(U(R"({"$set":{"a.4":9}})", R"({"a":[1]})"), J(R"({"a":[1,null,null,null,9]})"));
  EXPECT_EQ(U(R"({"$set":{"a.2.b":1}})", R"({"a":[]})"), J(R"({"a":[null,null,{"b":1}]})"));
}

TEST(UpdateSetTest, NumericPartOnMissingFieldCreatesObjectField) {
  // MongoDB creates {a: {"0": 1}}, not an array, when a is missing.
  EXPECT_EQ(U(R"({"$set":{"a.0":1}})", "{}"), J(R"({"a":{"0":1}})"));
}

TEST(UpdateSetTest, NonNumericPartOnArrayIsAnError) {
  EXPECT_NE(ApplyErr(R"({"$set":{"a.b":1}})", R"({"a":[{"b":1}]})").find("cannot create field 'b'"),
            std::string::npos);
}

TEST(UpdateSetTest, PathThroughScalarOrNullIsAnError) {
  std::string e = ApplyErr(R"({"$set":{"a.b.c":1}})", R"({"a":{"b":5}})");
  EXPECT_NE(e.find("$set a.b.c"), std::string::npos) << e;
  EXPECT_NE(e.find("a.b (5)"), std::string::npos) << e;
  EXPECT_NE(ApplyErr(R"({"$set":{"a.b":1}})", R"({"a":null})"), "");
  // An existing null array element is not replaced by an object either.
  EXPECT_NE(ApplyErr(R"({"$set":{"a.0.b":1}})", R"({"a":[null]})"), "");
}

TEST(UpdateSetTest, SetsWholeValuesOfAnyType) {
  EXPECT_EQ(U(R"({"$set":{"a":{"x":[1,{"y":null}]}}})", R"({"a":1})"),
            J(R"({"a":{"x":[1,{"y":null}]}})"));
  EXPECT_EQ(U(R"({"$set":{"a":null}})", R"({"a":[1]})"), J(R"({"a":null})"));
}

TEST(UpdateSetTest, SameValueIsNoChange) {
  EXPECT_FALSE(Changed(R"({"$set":{"a":1}})", R"({"a":1})"));
  EXPECT_FALSE(Changed(R"({"$set":{"a.b":[1,{"c":2}]}})", R"({"a":{"b":[1,{"c":2}]}})"));
  EXPECT_TRUE(Changed(R"({"$set":{"a":2}})", R"({"a":1})"));
  // A different numeric type is a change (MongoDB stores the new type).
  EXPECT_TRUE(Changed(R"({"$set":{"a":1.0}})", R"({"a":1})"));
  // So is a different field order inside a sub-document.
  EXPECT_TRUE(Changed(R"({"$set":{"a":{"y":1,"x":2}}})", R"({"a":{"x":2,"y":1}})"));
}

TEST(UpdateSetTest, EmptyOperatorIsANoOp) { EXPECT_FALSE(Changed(R"({"$set":{}})", R"({"a":1})")); }

TEST(UpdateSetTest, SeveralFieldsAreCreatedInFieldNameOrder) {
  // MongoDB 5.0+ applies update operators in lexicographic field order.
  EXPECT_EQ(U(R"({"$set":{"b":1,"a":2}})", "{}").dump(), R"({"a":2,"b":1})");
  EXPECT_EQ(U(R"({"$set":{"z":1},"$inc":{"m":1},"$push":{"c":1}})", "{}").dump(),
            R"({"c":[1],"m":1,"z":1})");
  // Numeric parts in numeric order: 10 after 9.
  EXPECT_EQ(U(R"({"$set":{"a.10":1,"a.9":2}})", "{}").dump(), R"({"a":{"9":2,"10":1}})");
}

// ---- $unset ----

TEST(UpdateUnsetTest, RemovesFieldsAtAnyDepth) {
  EXPECT_EQ(U(R"({"$unset":{"a":""}})", R"({"a":1,"b":2})"), J(R"({"b":2})"));
  EXPECT_EQ(U(R"({"$unset":{"a.b":1}})", R"({"a":{"b":1,"c":2}})"), J(R"({"a":{"c":2}})"));
}

TEST(UpdateUnsetTest, MissingPathIsNoOp) {
  EXPECT_FALSE(Changed(R"({"$unset":{"x":1}})", R"({"a":1})"));
  EXPECT_FALSE(Changed(R"({"$unset":{"a.b.c":1}})", R"({"a":5})"));
  EXPECT_FALSE(Changed(R"({"$unset":{"a.b":1}})", R"({"a":[{"b":1}]})"));  // no traversal
  EXPECT_FALSE(Changed(R"({"$unset":{"a.5":1}})", R"({"a":[1]})"));
}

TEST(UpdateUnsetTest, ArrayPositionBecomesNull) {
  // MongoDB keeps the array length: {$unset: {"a.1": 1}} on [1,2,3] gives [1, null, 3].
  EXPECT_EQ(U(R"({"$unset":{"a.1":1}})", R"({"a":[1,2,3]})"), J(R"({"a":[1,null,3]})"));
  EXPECT_EQ(U(R"({"$unset":{"a.0.b":1}})", R"({"a":[{"b":1,"c":2}]})"), J(R"({"a":[{"c":2}]})"));
}

// ---- $inc / $mul ----

TEST(UpdateIncTest, IntegersStayIntegers) {
  Json d = U(R"({"$inc":{"a":2}})", R"({"a":3})");
  EXPECT_EQ(d["a"], 5);
  EXPECT_TRUE(d["a"].is_number_integer());
  EXPECT_EQ(U(R"({"$inc":{"a":-10}})", R"({"a":3})")["a"], -7);
}

TEST(UpdateIncTest, DoubleOnEitherSideGivesDouble) {
  Json d = U(R"({"$inc":{"a":0.5}})", R"({"a":1})");
  EXPECT_TRUE(d["a"].is_number_float());
  EXPECT_EQ(d["a"].get<double>(), 1.5);
  d = U(R"({"$inc":{"a":1}})", R"({"a":1.0})");
  EXPECT_TRUE(d["a"].is_number_float());
  EXPECT_EQ(d["a"].get<double>(), 2.0);
}

TEST(UpdateIncTest, MissingFieldIsSetToTheOperand) {
  EXPECT_EQ(U(R"({"$inc":{"a.b":3}})", "{}"), J(R"({"a":{"b":3}})"));
}

TEST(UpdateIncTest, NonNumberIsAnErrorAndLeavesDocumentUnchanged) {
  std::string e = ApplyErr(R"({"$set":{"b":1},"$inc":{"a":1}})", R"({"a":"x"})");
  EXPECT_NE(e.find("$inc a"), std::string::npos) << e;
  EXPECT_NE(e.find("non-number \"x\""), std::string::npos) << e;
  // null is not a number either (MongoDB: "Cannot apply $inc to a value of non-numeric type null").
  EXPECT_NE(ApplyErr(R"({"$inc":{"a":1}})", R"({"a":null})"), "");
  EXPECT_NE(ApplyErr(R"({"$inc":{"a":1}})", R"({"a":[1]})"), "");
}

TEST(UpdateIncTest, ZeroIncrementIsNoChange) {
  EXPECT_FALSE(Changed(R"({"$inc":{"a":0}})", R"({"a":7})"));
  // ...but 0.0 turns an integer into a double, which is a change.
  EXPECT_TRUE(Changed(R"({"$inc":{"a":0.0}})", R"({"a":7})"));
}

TEST(UpdateIncTest, IntegerOverflowIsAnError) {
  std::string e = ApplyErr(R"({"$inc":{"a":1}})", R"({"a":18446744073709551615})");
  EXPECT_NE(e.find("integer overflow"), std::string::npos) << e;
  EXPECT_NE(ApplyErr(R"({"$inc":{"a":-1}})", R"({"a":-9223372036854775808})"), "");
}

TEST(UpdateIncTest, ResultsBetweenInt64AndUint64AreKept) {
  Json d = U(R"({"$inc":{"a":1}})", R"({"a":9223372036854775807})");
  EXPECT_EQ(d["a"].get<uint64_t>(), 9223372036854775808ULL);
  d = U(R"({"$inc":{"a":-1}})", R"({"a":9223372036854775808})");
  EXPECT_EQ(d["a"].get<int64_t>(), INT64_MAX);
}

TEST(UpdateIncTest, IncrementsInsideArrays) {
  EXPECT_EQ(U(R"({"$inc":{"a.1.n":1}})", R"({"a":[{"n":1},{"n":2}]})"),
            J(R"({"a":[{"n":1},{"n":3}]})"));
}

TEST(UpdateMulTest, MultipliesKeepingTypes) {
  Json d = U(R"({"$mul":{"a":3}})", R"({"a":4})");
  EXPECT_EQ(d["a"], 12);
  EXPECT_TRUE(d["a"].is_number_integer());
  d = U(R"({"$mul":{"a":1.5}})", R"({"a":4})");
  EXPECT_TRUE(d["a"].is_number_float());
  EXPECT_EQ(d["a"].get<double>(), 6.0);
}

TEST(UpdateMulTest, MissingFieldBecomesZeroOfOperandType) {
  // MongoDB: $mul on a missing field sets it to 0 of the multiplier's numeric type.
  Json d = U(R"({"$mul":{"a":5}})", "{}");
  EXPECT_EQ(d["a"], 0);
  EXPECT_TRUE(d["a"].is_number_integer());
  d = U(R"({"$mul":{"a":2.5}})", "{}");
  EXPECT_TRUE(d["a"].is_number_float());
}

TEST(UpdateMulTest, OverflowAndNonNumberAreErrors) {
  EXPECT_NE(ApplyErr(R"({"$mul":{"a":4294967296}})", R"({"a":4294967296000})").find("overflow"),
            std::string::npos);
  EXPECT_NE(ApplyErr(R"({"$mul":{"a":2}})", R"({"a":true})").find("$mul a"), std::string::npos);
}

// ---- $min / $max ----

TEST(UpdateMinMaxTest, ReplacesOnlyWhenBetter) {
  EXPECT_EQ(U(R"({"$min":{"a":3}})", R"({"a":5})"), J(R"({"a":3})"));
  EXPECT_FALSE(Changed(R"({"$min":{"a":7}})", R"({"a":5})"));
  EXPECT_EQ(U(R"({"$max":{"a":7}})", R"({"a":5})"), J(R"({"a":7})"));
  EXPECT_FALSE(Changed(R"({"$max":{"a":3}})", R"({"a":5})"));
}

TEST(UpdateMinMaxTest, EqualValueOfAnotherNumericTypeIsNoChange) {
  EXPECT_FALSE(Changed(R"({"$min":{"a":5.0}})", R"({"a":5})"));
}

TEST(UpdateMinMaxTest, MissingFieldIsSet) {
  EXPECT_EQ(U(R"({"$max":{"a.b":1}})", "{}"), J(R"({"a":{"b":1}})"));
}

TEST(UpdateMinMaxTest, AcrossTypesUsesTypeOrder) {
  // null < numbers < strings < objects < arrays < booleans.
  EXPECT_EQ(U(R"({"$min":{"a":null}})", R"({"a":1})"), J(R"({"a":null})"));
  EXPECT_EQ(U(R"({"$max":{"a":"x"}})", R"({"a":100})"), J(R"({"a":"x"})"));
  EXPECT_FALSE(Changed(R"({"$max":{"a":100}})", R"({"a":"x"})"));
  EXPECT_EQ(U(R"({"$max":{"a":true}})", R"({"a":[1]})"), J(R"({"a":true})"));
}

TEST(UpdateMinMaxTest, ComparesArraysAndObjectsAsWholes) {
  EXPECT_EQ(U(R"({"$min":{"a":[1,2]}})", R"({"a":[1,3]})"), J(R"({"a":[1,2]})"));
  EXPECT_EQ(U(R"({"$max":{"a":{"x":2}}})", R"({"a":{"x":1}})"), J(R"({"a":{"x":2}})"));
}

// ---- $rename ----

TEST(UpdateRenameTest, MovesValueToTarget) {
  EXPECT_EQ(U(R"({"$rename":{"a":"b"}})", R"({"a":1,"c":2})").dump(), R"({"c":2,"b":1})");
  EXPECT_EQ(U(R"({"$rename":{"a.x":"b.y"}})", R"({"a":{"x":[1],"z":0}})"),
            J(R"({"a":{"z":0},"b":{"y":[1]}})"));
}

TEST(UpdateRenameTest, OverwritesExistingTarget) {
  EXPECT_EQ(U(R"({"$rename":{"a":"b"}})", R"({"a":1,"b":2})"), J(R"({"b":1})"));
}

TEST(UpdateRenameTest, MissingSourceIsNoOp) {
  EXPECT_FALSE(Changed(R"({"$rename":{"a":"b"}})", R"({"b":2})"));
  EXPECT_FALSE(Changed(R"({"$rename":{"a.x":"b"}})", R"({"a":5})"));
}

TEST(UpdateRenameTest, PathThroughArrayIsAnError) {
  std::string e = ApplyErr(R"({"$rename":{"a.0":"b"}})", R"({"a":[1,2]})");
  EXPECT_NE(e.find("array a"), std::string::npos) << e;
  e = ApplyErr(R"({"$rename":{"x":"a.0"}})", R"({"x":1,"a":[1,2]})");
  EXPECT_NE(e.find("array a"), std::string::npos) << e;
}

TEST(UpdateRenameTest, WholeArrayValueMayBeRenamed) {
  EXPECT_EQ(U(R"({"$rename":{"a":"b"}})", R"({"a":[1,2]})"), J(R"({"b":[1,2]})"));
}

TEST(UpdateRenameTest, TargetThroughScalarIsAnError) {
  EXPECT_NE(ApplyErr(R"({"$rename":{"a":"b.c"}})", R"({"a":1,"b":2})"), "");
}

// ---- $setOnInsert ----

TEST(UpdateSetOnInsertTest, AppliesOnlyOnInsert) {
  const char* u = R"({"$set":{"a":1},"$setOnInsert":{"created":true}})";
  EXPECT_EQ(U(u, R"({"_id":1})", /*is_insert=*/true), J(R"({"_id":1,"a":1,"created":true})"));
  EXPECT_EQ(U(u, R"({"_id":1})", /*is_insert=*/false), J(R"({"_id":1,"a":1})"));
  EXPECT_FALSE(Changed(R"({"$setOnInsert":{"x":1}})", R"({"_id":1})", false));
}

// ---- replacement ----

TEST(UpdateReplacementTest, ReplacesAllButId) {
  ASSERT_OK_AND_ASSIGN(Update u, Update::Parse(J(R"({"b":2,"c":{"d":1}})")));
  EXPECT_TRUE(u.is_replacement());
  EXPECT_EQ(U(R"({"b":2,"c":{"d":1}})", R"({"_id":7,"a":1})").dump(),
            R"({"_id":7,"b":2,"c":{"d":1}})");
}

TEST(UpdateReplacementTest, IdComesFirstAndSameIdIsAllowed) {
  EXPECT_EQ(U(R"({"b":2,"_id":7})", R"({"_id":7,"a":1})").dump(), R"({"_id":7,"b":2})");
}

TEST(UpdateReplacementTest, DifferentIdIsAnError) {
  std::string e = ApplyErr(R"({"_id":8,"b":2})", R"({"_id":7,"a":1})");
  EXPECT_NE(e.find("_id"), std::string::npos) << e;
}

TEST(UpdateReplacementTest, DocumentWithoutIdTakesTheReplacementId) {
  EXPECT_EQ(U(R"({"_id":3,"b":2})", "{}", true), J(R"({"_id":3,"b":2})"));
}

TEST(UpdateReplacementTest, IdenticalReplacementIsNoChange) {
  EXPECT_FALSE(Changed(R"({"a":1})", R"({"_id":7,"a":1})"));
  EXPECT_TRUE(Changed(R"({"a":1})", R"({"_id":7,"a":1,"b":2})"));
}

TEST(UpdateReplacementTest, EmptyUpdateIsAnEmptyReplacement) {
  // MongoDB treats {} as a replacement by an empty document (the _id stays).
  ASSERT_OK_AND_ASSIGN(Update u, Update::Parse(J("{}")));
  EXPECT_TRUE(u.is_replacement());
  EXPECT_EQ(U("{}", R"({"_id":1,"a":1})"), J(R"({"_id":1})"));
}

// ---- Apply on a non-object, TouchedFields ----

TEST(UpdateApplyTest, NonObjectDocumentIsAnError) {
  ASSERT_OK_AND_ASSIGN(Update u, Update::Parse(J(R"({"$set":{"a":1}})")));
  Json d = J("[1]");
  EXPECT_FALSE(u.Apply(&d, false).ok());
  EXPECT_FALSE(u.Apply(nullptr, false).ok());
}

TEST(UpdateApplyTest, FailureInALaterOperatorUndoesEarlierOnes) {
  // $set a runs before $push z in field order; $push fails, so a must not change.
  std::string e = ApplyErr(R"({"$set":{"a":2},"$push":{"z":1}})", R"({"a":1,"z":5})");
  EXPECT_NE(e.find("$push z"), std::string::npos) << e;
}

TEST(UpdateTouchedFieldsTest, ListsFirstPartsSortedAndDistinct) {
  ASSERT_OK_AND_ASSIGN(
      Update u,
      Update::Parse(J(
          R"({"$set":{"b.x":1,"b.y":2},"$inc":{"a":1},"$rename":{"c":"d.e"},"$setOnInsert":{"f":1}})")));
  auto t = u.TouchedFields();
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, (std::vector<std::string>{"a", "b", "c", "d", "f"}));
}

TEST(UpdateTouchedFieldsTest, ReplacementTouchesEverything) {
  ASSERT_OK_AND_ASSIGN(Update u, Update::Parse(J(R"({"a":1})")));
  EXPECT_FALSE(u.TouchedFields().has_value());
}

TEST(UpdateIdenticalValuesTest, TypesAndOrderMatter) {
  EXPECT_TRUE(IdenticalValues(J("5"), Json(int64_t{5})));  // unsigned vs signed 5
  EXPECT_FALSE(IdenticalValues(J("5"), J("5.0")));
  EXPECT_FALSE(IdenticalValues(J("-1"), Json(uint64_t{18446744073709551615ULL})));
  EXPECT_FALSE(IdenticalValues(J(R"({"a":1,"b":2})"), J(R"({"b":2,"a":1})")));
  EXPECT_FALSE(IdenticalValues(J("0.0"), J("-0.0")));
  EXPECT_TRUE(IdenticalValues(J(R"([1,{"a":[null]}])"), J(R"([1,{"a":[null]}])")));
}

}  // namespace
}  // namespace tessera::query
