// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Update::Parse errors: one test per kind, each checking the message names the culprit.
#include "gtest/gtest.h"
#include "query/update.h"
#include "query/update_test_util.h"

namespace tessera::query {
namespace {

using test::ParseErr;

#define EXPECT_PARSE_ERR_HAS(update, text) \
  EXPECT_NE(ParseErr(update).find(text), std::string::npos) << ParseErr(update)

TEST(UpdateParseTest, NotAnObject) { EXPECT_PARSE_ERR_HAS("[1]", "must be an object"); }

TEST(UpdateParseTest, MixingOperatorsAndFieldsNamesBoth) {
  EXPECT_PARSE_ERR_HAS(R"({"$set":{"a":1},"b":2})", "$set");
  EXPECT_PARSE_ERR_HAS(R"({"$set":{"a":1},"b":2})", "field b");
}

TEST(UpdateParseTest, UnknownOperator) {
  EXPECT_EQ(ParseErr(R"({"$currentDate":{"a":true}})"), "unknown update operator $currentDate");
}

TEST(UpdateParseTest, OperatorNeedsObject) {
  EXPECT_PARSE_ERR_HAS(R"({"$set":5})", "$set needs an object");
}

TEST(UpdateParseTest, ConflictingPathsNameBoth) {
  EXPECT_EQ(ParseErr(R"({"$set":{"a":1},"$inc":{"a":1}})"),
            "conflicting update paths a ($set) and a ($inc)");
  EXPECT_EQ(ParseErr(R"({"$set":{"a.b":1},"$unset":{"a":1}})"),
            "conflicting update paths a.b ($set) and a ($unset)");
  EXPECT_EQ(ParseErr(R"({"$set":{"a.b":1,"a.b.c":1}})"),
            "conflicting update paths a.b ($set) and a.b.c ($set)");
  EXPECT_EQ(ParseErr(R"({"$set":{"a":1,"ab":1,"a0.a":1}})"), "");  // no prefix of a part
}

TEST(UpdateParseTest, RenameTargetConflictsWithOtherPaths) {
  EXPECT_PARSE_ERR_HAS(R"({"$rename":{"x":"a"},"$set":{"a.b":1}})", "a ($rename) and a.b ($set)");
}

TEST(UpdateParseTest, UpdatingIdIsAnError) {
  EXPECT_EQ(ParseErr(R"({"$set":{"_id":2}})"), "$set _id: cannot update _id");
  EXPECT_PARSE_ERR_HAS(R"({"$unset":{"_id.x":1}})", "$unset _id.x");
  EXPECT_PARSE_ERR_HAS(R"({"$rename":{"a":"_id"}})", "cannot rename to _id");
}

TEST(UpdateParseTest, BadPathNamesOperatorAndPath) {
  EXPECT_PARSE_ERR_HAS(R"({"$set":{"a..b":1}})", "$set a..b");
  EXPECT_PARSE_ERR_HAS(R"({"$inc":{"a.$x":1}})", "$inc a.$x");
  EXPECT_PARSE_ERR_HAS(R"({"$set":{"":1}})", "empty field path");
}

TEST(UpdateParseTest, IncAndMulNeedNumbers) {
  EXPECT_EQ(ParseErr(R"({"$inc":{"a":"1"}})"), R"($inc a: needs a number, got "1")");
  EXPECT_PARSE_ERR_HAS(R"({"$mul":{"a.b":null}})", "$mul a.b: needs a number");
}

TEST(UpdateParseTest, RenameNeedsDistinctNonOverlappingStringTarget) {
  EXPECT_PARSE_ERR_HAS(R"({"$rename":{"a":1}})", "$rename a: needs a string target");
  EXPECT_PARSE_ERR_HAS(R"({"$rename":{"a":"a"}})", "source and target are the same");
  EXPECT_PARSE_ERR_HAS(R"({"$rename":{"a":"a.b"}})", "overlap: a and a.b");
  EXPECT_PARSE_ERR_HAS(R"({"$rename":{"a":"b..c"}})", "$rename a: bad target");
}

TEST(UpdateParseTest, PopNeedsOneOrMinusOne) {
  EXPECT_PARSE_ERR_HAS(R"({"$pop":{"a":2}})", "$pop a: needs 1 or -1");
  EXPECT_EQ(ParseErr(R"({"$pop":{"a":-1.0}})"), "");
}

TEST(UpdateParseTest, PullAllNeedsArray) {
  EXPECT_PARSE_ERR_HAS(R"({"$pullAll":{"a":1}})", "$pullAll a: needs an array");
}

TEST(UpdateParseTest, PullConditionErrorsAreReported) {
  EXPECT_PARSE_ERR_HAS(R"({"$pull":{"a":{"$foo":1}}})", "$pull a: bad condition");
  EXPECT_PARSE_ERR_HAS(R"({"$pull":{"a":{"$foo":1}}})", "$foo");
}

TEST(UpdateParseTest, PushModifierErrors) {
  EXPECT_PARSE_ERR_HAS(R"({"$push":{"a":{"$each":1}}})", "$push a: $each needs an array");
  EXPECT_PARSE_ERR_HAS(R"({"$push":{"a":{"$slice":1}}})", "$push a: modifiers need $each");
  EXPECT_PARSE_ERR_HAS(R"({"$push":{"a":{"$each":[],"$slice":"x"}}})", "$slice needs an integer");
  EXPECT_PARSE_ERR_HAS(R"({"$push":{"a":{"$each":[],"$position":1.5}}})",
                       "$position needs an integer");
  EXPECT_PARSE_ERR_HAS(R"({"$push":{"a":{"$each":[],"$sort":2}}})", "$sort needs 1, -1");
  EXPECT_PARSE_ERR_HAS(R"({"$push":{"a":{"$each":[],"$sort":{"x":0}}}})", "$push a: $sort:");
  EXPECT_PARSE_ERR_HAS(R"({"$push":{"a":{"$each":[],"$bogus":1}}})", "unknown modifier $bogus");
}

TEST(UpdateParseTest, AddToSetAcceptsOnlyEach) {
  EXPECT_PARSE_ERR_HAS(R"({"$addToSet":{"a":{"$each":[1],"$slice":1}}})",
                       "$addToSet a: unknown modifier $slice (only $each)");
}

TEST(UpdateParseTest, ClausesKeepWrittenOrder) {
  auto u = Update::Parse(test::J(R"({"$set":{"b":1,"a":2},"$inc":{"c":1}})"));
  ASSERT_TRUE(u.ok());
  ASSERT_EQ(u->clauses().size(), 3u);
  EXPECT_EQ(u->clauses()[0].path.dotted, "b");
  EXPECT_EQ(u->clauses()[2].op, UpdateOp::kInc);
  EXPECT_FALSE(u->is_replacement());
}

}  // namespace
}  // namespace tessera::query
