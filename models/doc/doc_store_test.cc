// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include <gtest/gtest.h>

#include "models/doc/doc_test_util.h"
#include "tests/util/json_test_util.h"

namespace tessera::test {
namespace {

class DocStoreTest : public DocDbTest {};

TEST_F(DocStoreTest, InsertGetAndGeneratedIds) {
  ASSERT_OK_AND_ASSIGN(auto ids, docs_->Insert("users", {J(R"({"_id": 1, "name": "ada"})"),
                                                         J(R"({"name": "bob"})")}));
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0], Json(1));
  ASSERT_TRUE(ids[1].is_string());
  EXPECT_EQ(ids[1].get<std::string>().size(), 24u);
  ASSERT_OK_AND_ASSIGN(auto ada, docs_->Get("users", Json(1)));
  ASSERT_TRUE(ada.has_value());
  EXPECT_EQ((*ada)["name"], "ada");
  ASSERT_OK_AND_ASSIGN(auto bob, docs_->Get("users", ids[1]));
  ASSERT_TRUE(bob.has_value());
  EXPECT_EQ(bob->begin().key(), "_id");  // a generated _id comes first, as in MongoDB
  ASSERT_OK_AND_ASSIGN(auto none, docs_->Get("users", Json(2)));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK_AND_ASSIGN(auto missing_coll, docs_->Get("nobody", Json(1)));
  EXPECT_FALSE(missing_coll.has_value());
}

TEST_F(DocStoreTest, IdsOfDifferentTypesAreDistinctButIntAndDoubleAreOne) {
  InsertAll("c", {J(R"({"_id": "1"})"), J(R"({"_id": 1})"), J(R"({"_id": {"a": 1}})")});
  auto dup = docs_->Insert("c", {J(R"({"_id": 1.0})")});
  EXPECT_TRUE(absl::IsAlreadyExists(dup.status())) << dup.status();
  EXPECT_EQ(Ids("c", J("{}")), (std::vector<Json>{Json(1), Json("1"), J(R"({"a": 1})")}));
}

TEST_F(DocStoreTest, DuplicateIdFailsTheWholeBatch) {
  InsertAll("c", {J(R"({"_id": 1})")});
  auto r = docs_->Insert("c", {J(R"({"_id": 2})"), J(R"({"_id": 1})")});
  ASSERT_TRUE(absl::IsAlreadyExists(r.status()));
  EXPECT_NE(r.status().message().find("duplicate _id 1"), std::string::npos) << r.status();
  ASSERT_OK_AND_ASSIGN(auto two, docs_->Get("c", Json(2)));
  EXPECT_FALSE(two.has_value());
  auto twice = docs_->Insert("c", {J(R"({"_id": 3})"), J(R"({"_id": 3})")});
  EXPECT_TRUE(absl::IsAlreadyExists(twice.status()));
  ASSERT_OK_AND_ASSIGN(uint64_t n, docs_->Count("c", J("{}")));
  EXPECT_EQ(n, 1u);
}

TEST_F(DocStoreTest, BadDocumentsAreRejectedWithClearErrors) {
  auto not_object = docs_->Insert("c", {Json(5)});
  EXPECT_NE(not_object.status().message().find("must be a JSON object"), std::string::npos);
  auto dollar = docs_->Insert("c", {J(R"({"a": {"$x": 1}})")});
  EXPECT_NE(dollar.status().message().find("\"$x\""), std::string::npos) << dollar.status();
  auto dot = docs_->Insert("c", {J(R"({"a.b": 1})")});
  EXPECT_NE(dot.status().message().find("'.'"), std::string::npos);
  auto array_id = docs_->Insert("c", {J(R"({"_id": [1]})")});
  EXPECT_NE(array_id.status().message().find("_id cannot be an array"), std::string::npos);
  Json deep = Json(1);
  for (int i = 0; i < kMaxDocumentDepth + 5; ++i) deep = Json::array({deep});
  auto too_deep = docs_->Insert("c", {Json{{"a", deep}}});
  EXPECT_NE(too_deep.status().message().find("nested more than"), std::string::npos);
  auto big = docs_->Insert("c", {Json{{"a", std::string(kMaxDocumentBytes + 1, 'x')}}});
  EXPECT_NE(big.status().message().find("the limit is"), std::string::npos) << big.status();
  auto utf8 = docs_->Insert("c", {Json{{"a", std::string("\xff\xfe")}}});
  EXPECT_NE(utf8.status().message().find("not valid UTF-8"), std::string::npos) << utf8.status();
  auto utf8_name = docs_->Insert("c", {Json{{std::string("\xc0\x80"), 1}}});
  EXPECT_NE(utf8_name.status().message().find("not valid UTF-8"), std::string::npos);
  auto bad_name = docs_->Insert("bad name!", {J("{}")});
  EXPECT_FALSE(bad_name.ok());
  ASSERT_OK_AND_ASSIGN(auto colls, docs_->ListCollections());
  EXPECT_TRUE(colls.empty() || colls == std::vector<std::string>{"c"});
  ASSERT_OK_AND_ASSIGN(uint64_t n, docs_->Count("c", J("{}")));
  EXPECT_EQ(n, 0u);
}

TEST_F(DocStoreTest, FindWithFilterProjectionSortSkipLimit) {
  InsertAll("p", {J(R"({"_id": 1, "n": "a", "age": 30, "tags": ["x", "y"]})"),
                  J(R"({"_id": 2, "n": "b", "age": 25})"),
                  J(R"({"_id": 3, "n": "c", "age": 35, "tags": ["y"]})"),
                  J(R"({"_id": 4, "n": "d", "age": "old"})")});
  EXPECT_EQ(Ids("p", J(R"({"age": {"$gt": 26}})")), (std::vector<Json>{1, 3}));
  EXPECT_EQ(Ids("p", J(R"({"tags": "y"})")), (std::vector<Json>{1, 3}));
  EXPECT_EQ(Ids("p", J("{}"), {.sort = J(R"({"age": -1})")}), (std::vector<Json>{4, 3, 1, 2}));
  EXPECT_EQ(Ids("p", J("{}"), {.sort = J(R"({"age": 1})"), .skip = 1, .limit = 2}),
            (std::vector<Json>{1, 3}));
  ASSERT_OK_AND_ASSIGN(
      auto projected, FindAll("p", J(R"({"_id": 2})"), {.projection = J(R"({"n": 1, "_id": 0})")}));
  ASSERT_EQ(projected.size(), 1u);
  EXPECT_EQ(projected[0], J(R"({"n": "b"})"));
  auto bad = FindAll("p", J(R"({"age": {"$bogus": 1}})"));
  EXPECT_NE(bad.status().message().find("filter"), std::string::npos) << bad.status();
  auto bad_sort = FindAll("p", J("{}"), {.sort = J(R"({"age": 2})")});
  EXPECT_NE(bad_sort.status().message().find("sort"), std::string::npos) << bad_sort.status();
  ASSERT_OK_AND_ASSIGN(uint64_t n, docs_->Count("p", J(R"({"age": {"$type": "number"}})")));
  EXPECT_EQ(n, 3u);
}

TEST_F(DocStoreTest, UpdateOneManyAndUpsert) {
  InsertAll("u",
            {J(R"({"_id": 1, "a": 1})"), J(R"({"_id": 2, "a": 1})"), J(R"({"_id": 3, "a": 2})")});
  ASSERT_OK_AND_ASSIGN(
      DocUpdateResult one,
      docs_->Update("u", J(R"({"a": 1})"), J(R"({"$inc": {"b": 5}})"), {.one = true}));
  EXPECT_EQ(one.matched, 1u);
  EXPECT_EQ(one.modified, 1u);
  ASSERT_OK_AND_ASSIGN(auto d1, docs_->Get("u", Json(1)));
  EXPECT_EQ((*d1)["b"], 5);  // the first in _id order
  ASSERT_OK_AND_ASSIGN(DocUpdateResult many,
                       docs_->Update("u", J(R"({"a": 1})"), J(R"({"$set": {"b": 5}})"), {}));
  EXPECT_EQ(many.matched, 2u);
  EXPECT_EQ(many.modified, 1u);  // document 1 already had b: 5
  ASSERT_OK_AND_ASSIGN(
      DocUpdateResult up,
      docs_->Update("u", J(R"({"a": 9, "k.x": "y"})"),
                    J(R"({"$set": {"c": 1}, "$setOnInsert": {"new": true}})"), {.upsert = true}));
  EXPECT_EQ(up.matched, 0u);
  ASSERT_TRUE(up.upserted_id.has_value());
  ASSERT_OK_AND_ASSIGN(auto inserted, docs_->Get("u", *up.upserted_id));
  ASSERT_TRUE(inserted.has_value());
  EXPECT_EQ((*inserted)["a"], 9);
  EXPECT_EQ((*inserted)["k"], J(R"({"x": "y"})"));
  EXPECT_EQ((*inserted)["c"], 1);
  EXPECT_EQ((*inserted)["new"], true);
  auto bad = docs_->Update("u", J("{}"), J(R"({"$inc": {"a": "x"}})"), {});
  EXPECT_FALSE(bad.ok());
  auto wrong_type = docs_->Update("u", J(R"({"_id": 3})"), J(R"({"$push": {"a": 1}})"), {});
  EXPECT_FALSE(wrong_type.ok());
  ASSERT_OK_AND_ASSIGN(auto d3, docs_->Get("u", Json(3)));
  EXPECT_EQ((*d3)["a"], 2);  // unchanged after the failed update
}

TEST_F(DocStoreTest, ReplaceKeepsIdAndRefusesAnotherId) {
  InsertAll("r", {J(R"({"_id": 1, "a": 1, "b": 2})")});
  ASSERT_OK_AND_ASSIGN(bool replaced, docs_->Replace("r", Json(1), J(R"({"c": 3})")));
  EXPECT_TRUE(replaced);
  ASSERT_OK_AND_ASSIGN(auto d, docs_->Get("r", Json(1)));
  EXPECT_EQ(*d, J(R"({"_id": 1, "c": 3})"));
  ASSERT_OK_AND_ASSIGN(bool absent, docs_->Replace("r", Json(2), J(R"({"c": 3})")));
  EXPECT_FALSE(absent);
  EXPECT_FALSE(docs_->Replace("r", Json(1), J(R"({"_id": 2})")).ok());
  ASSERT_OK_AND_ASSIGN(DocUpdateResult via_update,
                       docs_->Update("r", J(R"({"_id": 1})"), J(R"({"d": 4})"), {}));
  EXPECT_EQ(via_update.modified, 1u);
  ASSERT_OK_AND_ASSIGN(d, docs_->Get("r", Json(1)));
  EXPECT_EQ(*d, J(R"({"_id": 1, "d": 4})"));
}

TEST_F(DocStoreTest, DeleteOneAndMany) {
  InsertAll("d",
            {J(R"({"_id": 1, "a": 1})"), J(R"({"_id": 2, "a": 1})"), J(R"({"_id": 3, "a": 2})")});
  ASSERT_OK_AND_ASSIGN(uint64_t one, docs_->Delete("d", J(R"({"a": 1})"), true));
  EXPECT_EQ(one, 1u);
  EXPECT_EQ(Ids("d", J("{}")), (std::vector<Json>{2, 3}));
  ASSERT_OK_AND_ASSIGN(uint64_t all, docs_->Delete("d", J("{}"), false));
  EXPECT_EQ(all, 2u);
  ASSERT_OK_AND_ASSIGN(uint64_t none, docs_->Delete("nothing", J("{}"), false));
  EXPECT_EQ(none, 0u);
}

TEST_F(DocStoreTest, WritesEmitChangeEventsWithBeforeAndAfter) {
  InsertAll("e", {J(R"({"_id": "k", "a": 1})")});
  ASSERT_OK(docs_->Update("e", J(R"({"_id": "k"})"), J(R"({"$set": {"a": 2}})"), {}).status());
  ASSERT_OK(docs_->Delete("e", J("{}"), false).status());
  ASSERT_OK_AND_ASSIGN(auto events, db_->ReadChanges({}));
  std::vector<ChangeEvent> mine;
  for (auto& e : events) {
    if (e.model == Model::kDocument) mine.push_back(e);
  }
  ASSERT_EQ(mine.size(), 3u);
  EXPECT_EQ(mine[0].op, ChangeOp::kCreate);
  EXPECT_EQ(mine[0].key, "\"k\"");
  EXPECT_EQ(Json::parse(*mine[0].after), J(R"({"_id": "k", "a": 1})"));
  EXPECT_EQ(mine[1].op, ChangeOp::kUpdate);
  EXPECT_EQ(Json::parse(*mine[1].before)["a"], 1);
  EXPECT_EQ(Json::parse(*mine[1].after)["a"], 2);
  EXPECT_EQ(mine[2].op, ChangeOp::kDelete);
  EXPECT_FALSE(mine[2].after.has_value());
  EXPECT_EQ(mine[2].object, "e");
}

TEST_F(DocStoreTest, TransactionsSpanCollectionsAndRollBack) {
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin({}));
  ASSERT_OK(docs_->Insert(*txn, "a", {J(R"({"_id": 1})")}).status());
  ASSERT_OK(docs_->Insert(*txn, "b", {J(R"({"_id": 1})")}).status());
  ASSERT_OK_AND_ASSIGN(auto inside, docs_->Get(*txn, "a", Json(1)));
  EXPECT_TRUE(inside.has_value());
  ASSERT_OK_AND_ASSIGN(auto outside, docs_->Get("a", Json(1)));
  EXPECT_FALSE(outside.has_value());
  ASSERT_OK(txn->Rollback());
  ASSERT_OK_AND_ASSIGN(auto after, docs_->Get("b", Json(1)));
  EXPECT_FALSE(after.has_value());
}

TEST_F(DocStoreTest, TransactionScanIgnoresItsOwnWritesOutsideTheRange) {
  // Regression: RocksDB's transaction iterator does not bound the transaction's own writes.
  InsertAll("a", {J(R"({"_id": 1})")});
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin({}));
  ASSERT_OK(docs_->Insert(*txn, "b", {J(R"({"_id": 2})")}).status());
  ASSERT_OK(docs_->Insert(*txn, "a", {J(R"({"_id": 0})")}).status());
  ASSERT_OK_AND_ASSIGN(auto cursor, docs_->Find(*txn, "a", J("{}"), {}));
  std::vector<Json> ids;
  for (; cursor->Valid(); cursor->Next()) ids.push_back(cursor->entry()["_id"]);
  EXPECT_EQ(ids, (std::vector<Json>{0, 1}));
  cursor.reset();
  ASSERT_OK_AND_ASSIGN(uint64_t n, docs_->Count(*txn, "a", J("{}")));
  EXPECT_EQ(n, 2u);
  ASSERT_OK_AND_ASSIGN(DocUpdateResult r,
                       docs_->Update(*txn, "a", J("{}"), J(R"({"$set": {"x": 1}})"), {}));
  EXPECT_EQ(r.matched, 2u);
  ASSERT_OK(txn->Commit());
}

TEST_F(DocStoreTest, DocumentsSurviveReopen) {
  InsertAll("s", {J(R"({"_id": 1, "x": [1, {"y": 2}]})")});
  ReopenDocs();
  ASSERT_OK_AND_ASSIGN(auto d, docs_->Get("s", Json(1)));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, J(R"({"_id": 1, "x": [1, {"y": 2}]})"));
}

TEST_F(DocStoreTest, CursorStreamsAndSeesItsSnapshot) {
  std::vector<Json> many;
  for (int i = 0; i < 1000; ++i) many.push_back(Json{{"_id", i}});
  InsertAll("big", many);
  ASSERT_OK_AND_ASSIGN(auto cursor, docs_->Find("big", J("{}"), {}));
  ASSERT_OK(docs_->Delete("big", J("{}"), false).status());
  int n = 0;
  for (; cursor->Valid(); cursor->Next()) ++n;
  ASSERT_OK(cursor->status());
  EXPECT_EQ(n, 1000);  // the cursor reads the snapshot taken when it was opened
  cursor.reset();
  ASSERT_OK_AND_ASSIGN(uint64_t left, docs_->Count("big", J("{}")));
  EXPECT_EQ(left, 0u);
}

}  // namespace
}  // namespace tessera::test
