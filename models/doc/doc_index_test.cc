// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "models/doc/doc_test_util.h"
#include "tests/util/json_test_util.h"

namespace tessera::test {
namespace {

class DocIndexTest : public DocDbTest {
 protected:
  DocExplain Explain(std::string_view coll, const Json& filter, const DocFindOptions& o = {}) {
    auto r = docs_->Explain(coll, filter, o);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : DocExplain{};
  }
};

std::vector<Json> People() {
  std::vector<Json> out;
  for (int i = 0; i < 100; ++i) {
    out.push_back(Json{{"_id", i}, {"age", i % 50}, {"city", i % 3 == 0 ? "oslo" : "rome"}});
  }
  return out;
}

TEST_F(DocIndexTest, BuildsFromExistingDocumentsAndIsUsedForEqualityAndRange) {
  InsertAll("p", People());
  uint64_t last_done = 0;
  ASSERT_OK_AND_ASSIGN(std::string name,
                       docs_->CreateIndex("p", {.keys = J(R"({"age": 1})")},
                                          [&](uint64_t done, uint64_t) { last_done = done; }));
  EXPECT_EQ(name, "age_1");
  EXPECT_EQ(last_done, 100u);
  DocExplain eq = Explain("p", J(R"({"age": 7})"));
  EXPECT_EQ(eq.index, std::optional<std::string>("age_1"));
  EXPECT_EQ(eq.keys_examined, 2u);
  EXPECT_EQ(eq.docs_examined, 2u);
  EXPECT_EQ(eq.returned, 2u);
  DocExplain range = Explain("p", J(R"({"age": {"$gte": 10, "$lt": 12}})"));
  EXPECT_EQ(range.index, std::optional<std::string>("age_1"));
  EXPECT_EQ(range.returned, 4u);
  EXPECT_EQ(range.keys_examined, 4u);
  DocExplain in = Explain("p", J(R"({"age": {"$in": [1, 2, 99]}})"));
  EXPECT_EQ(in.returned, 4u);
  EXPECT_EQ(in.keys_examined, 4u);
  DocExplain scan = Explain("p", J(R"({"city": "oslo"})"));
  EXPECT_FALSE(scan.index.has_value());
  EXPECT_EQ(scan.docs_examined, 100u);
  EXPECT_EQ(scan.returned, 34u);
}

TEST_F(DocIndexTest, WritesMaintainTheIndex) {
  ASSERT_OK(docs_->CreateIndex("p", {.keys = J(R"({"age": 1})")}, nullptr).status());
  InsertAll("p", People());
  ASSERT_OK(docs_->Update("p", J(R"({"age": 7})"), J(R"({"$set": {"age": 1000}})"), {}).status());
  EXPECT_EQ(Ids("p", J(R"({"age": 7})")), std::vector<Json>{});
  EXPECT_EQ(Ids("p", J(R"({"age": 1000})")), (std::vector<Json>{7, 57}));
  ASSERT_OK(docs_->Delete("p", J(R"({"_id": 57})"), false).status());
  EXPECT_EQ(Ids("p", J(R"({"age": 1000})")), (std::vector<Json>{7}));
  ASSERT_OK(docs_->Replace("p", Json(7), J(R"({"age": 3})")).status());
  EXPECT_EQ(Ids("p", J(R"({"age": 3})")), (std::vector<Json>{3, 7, 53}));
  EXPECT_EQ(Explain("p", J(R"({"age": 3})")).keys_examined, 3u);
}

TEST_F(DocIndexTest, CompoundIndexServesPrefixAndSortInBothDirections) {
  InsertAll("p", People());
  ASSERT_OK(docs_->CreateIndex("p", {.keys = J(R"({"city": 1, "age": -1})")}, nullptr).status());
  DocExplain prefix = Explain("p", J(R"({"city": "rome", "age": {"$lt": 3}})"));
  EXPECT_EQ(prefix.index, std::optional<std::string>("city_1_age_-1"));
  EXPECT_EQ(prefix.returned, prefix.keys_examined);
  DocFindOptions by_age_desc{.sort = J(R"({"age": -1})")};
  DocExplain sorted = Explain("p", J(R"({"city": "oslo"})"), by_age_desc);
  EXPECT_TRUE(sorted.sort_from_index);
  std::vector<Json> ids = Ids("p", J(R"({"city": "oslo"})"), by_age_desc);
  ASSERT_EQ(ids.size(), 34u);
  // Ages descending; equal ages in _id order.
  EXPECT_EQ(ids[0], 99);  // age 49: ids 49 (rome) and 99 (oslo)
  DocFindOptions by_age_asc{.sort = J(R"({"age": 1})")};
  EXPECT_TRUE(Explain("p", J(R"({"city": "oslo"})"), by_age_asc).sort_from_index);
  std::vector<Json> asc = Ids("p", J(R"({"city": "oslo"})"), by_age_asc);
  ASSERT_EQ(asc.size(), 34u);
  EXPECT_EQ(asc[0], 0);
  EXPECT_EQ(asc[1], 51);  // age 1
  EXPECT_EQ(asc[2], 3);   // age 3
  EXPECT_EQ(asc[3], 54);
}

TEST_F(DocIndexTest, UniqueViolationInABatchWritesNothing) {
  ASSERT_OK(
      docs_->CreateIndex("u", {.keys = J(R"({"email": 1})"), .unique = true}, nullptr).status());
  InsertAll("u", {J(R"({"_id": 1, "email": "a@x"})")});
  auto r =
      docs_->Insert("u", {J(R"({"_id": 2, "email": "b@x"})"), J(R"({"_id": 3, "email": "a@x"})")});
  ASSERT_TRUE(absl::IsAlreadyExists(r.status())) << r.status();
  EXPECT_NE(r.status().message().find("email_1"), std::string::npos);
  EXPECT_NE(r.status().message().find("a@x"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(uint64_t n, docs_->Count("u", J("{}")));
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(Ids("u", J(R"({"email": "b@x"})")), std::vector<Json>{});
  auto within =
      docs_->Insert("u", {J(R"({"_id": 4, "email": "c@x"})"), J(R"({"_id": 5, "email": "c@x"})")});
  EXPECT_TRUE(absl::IsAlreadyExists(within.status()));
  // Moving a key from one document to another in one update-many is fine.
  InsertAll("u", {J(R"({"_id": 6, "email": "d@x"})")});
  auto swap = docs_->Update("u", J("{}"), J(R"({"$set": {"email": "same"}})"), {});
  EXPECT_TRUE(absl::IsAlreadyExists(swap.status())) << "two documents would share a key";
  ASSERT_OK(
      docs_->Update("u", J(R"({"_id": 1})"), J(R"({"$set": {"email": "e@x"}})"), {}).status());
  InsertAll("u", {J(R"({"_id": 7, "email": "a@x"})")});  // a@x is free again
}

TEST_F(DocIndexTest, UniqueIndexOnDuplicatesFailsAndLeavesNoIndex) {
  InsertAll("u", {J(R"({"_id": 1, "k": 1})"), J(R"({"_id": 2, "k": 1})")});
  auto r = docs_->CreateIndex("u", {.keys = J(R"({"k": 1})"), .unique = true}, nullptr);
  ASSERT_TRUE(absl::IsAlreadyExists(r.status())) << r.status();
  ASSERT_OK_AND_ASSIGN(auto list, docs_->ListIndexes("u"));
  EXPECT_TRUE(list.empty());
  EXPECT_FALSE(Explain("u", J(R"({"k": 1})")).index.has_value());
}

TEST_F(DocIndexTest, MultikeyIndexFindsEveryElementAndRefusesParallelArrays) {
  ASSERT_OK(docs_->CreateIndex("m", {.keys = J(R"({"tags": 1})")}, nullptr).status());
  InsertAll("m", {J(R"({"_id": 1, "tags": ["a", "b"]})"), J(R"({"_id": 2, "tags": "b"})"),
                  J(R"({"_id": 3, "tags": []})"), J(R"({"_id": 4, "tags": [5, 15]})")});
  EXPECT_EQ(Ids("m", J(R"({"tags": "b"})")), (std::vector<Json>{1, 2}));
  // Different elements may meet the two sides of a range on a multikey field.
  EXPECT_EQ(Ids("m", J(R"({"tags": {"$gt": 10, "$lt": 6}})")), (std::vector<Json>{4}));
  DocExplain e = Explain("m", J(R"({"tags": {"$in": ["a", "b"]}})"));
  EXPECT_EQ(e.returned, 2u);  // document 1 appears once
  ASSERT_OK_AND_ASSIGN(auto list, docs_->ListIndexes("m"));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_TRUE(list[0].multikey);
  ASSERT_OK(docs_->CreateIndex("m", {.keys = J(R"({"tags": 1, "other": 1})")}, nullptr).status());
  auto parallel = docs_->Insert("m", {J(R"({"_id": 9, "tags": [1], "other": [2]})")});
  EXPECT_NE(parallel.status().message().find("parallel arrays"), std::string::npos)
      << parallel.status();
  auto on_create = docs_->CreateIndex("m2", {.keys = J(R"({"a": 1, "b": 1})")}, nullptr);
  ASSERT_OK(on_create.status());
  InsertAll("m3", {J(R"({"_id": 1, "a": [1], "b": [2]})")});
  auto build = docs_->CreateIndex("m3", {.keys = J(R"({"a": 1, "b": 1})")}, nullptr);
  EXPECT_NE(build.status().message().find("parallel arrays"), std::string::npos) << build.status();
}

TEST_F(DocIndexTest, SparseAndPartialIndexes) {
  InsertAll("s", {J(R"({"_id": 1, "a": 1})"), J(R"({"_id": 2})"),
                  J(R"({"_id": 3, "a": 5, "active": true})")});
  ASSERT_OK(docs_->CreateIndex("s", {.keys = J(R"({"a": 1})"), .sparse = true}, nullptr).status());
  EXPECT_EQ(Ids("s", J(R"({"a": {"$gte": 0}})")), (std::vector<Json>{1, 3}));
  // A sparse index cannot serve a query that must also return documents without the field.
  DocExplain all = Explain("s", J("{}"), {.sort = J(R"({"a": 1})")});
  EXPECT_FALSE(all.index.has_value());
  EXPECT_EQ(all.returned, 3u);
  ASSERT_OK(docs_
                ->CreateIndex("s", {.keys = J(R"({"a": -1})"), .partial = J(R"({"active": true})")},
                              nullptr)
                .status());
  DocExplain partial = Explain("s", J(R"({"a": 5, "active": true})"));
  EXPECT_EQ(partial.returned, 1u);
  DocExplain not_implied = Explain("s", J(R"({"a": {"$lt": 9}})"));
  EXPECT_NE(not_implied.index, std::optional<std::string>("a_-1"));
  EXPECT_EQ(not_implied.returned, 2u);
}

TEST_F(DocIndexTest, DropIndexListAndReopen) {
  InsertAll("d", People());
  ASSERT_OK(
      docs_->CreateIndex("d", {.keys = J(R"({"age": 1})"), .name = "by_age"}, nullptr).status());
  // Creating the same index again is a no-op; the same name with other keys is an error.
  ASSERT_OK(
      docs_->CreateIndex("d", {.keys = J(R"({"age": 1})"), .name = "by_age"}, nullptr).status());
  EXPECT_TRUE(absl::IsAlreadyExists(
      docs_->CreateIndex("d", {.keys = J(R"({"city": 1})"), .name = "by_age"}, nullptr).status()));
  EXPECT_FALSE(docs_->CreateIndex("d", {.keys = J(R"({"a": 2})")}, nullptr).ok());
  EXPECT_FALSE(docs_->CreateIndex("d", {.keys = J(R"({"a": 1, "a.b": 1})")}, nullptr).ok());
  ReopenDocs();
  EXPECT_EQ(Explain("d", J(R"({"age": 3})")).index, std::optional<std::string>("by_age"));
  ASSERT_OK(docs_->DropIndex("d", "by_age"));
  EXPECT_TRUE(absl::IsNotFound(docs_->DropIndex("d", "by_age")));
  ASSERT_OK_AND_ASSIGN(auto list, docs_->ListIndexes("d"));
  EXPECT_TRUE(list.empty());
  DocExplain e = Explain("d", J(R"({"age": 3})"));
  EXPECT_FALSE(e.index.has_value());
  EXPECT_EQ(e.returned, 2u);
  // A new index gets a new number; the dropped entries are never seen again.
  ASSERT_OK(docs_->CreateIndex("d", {.keys = J(R"({"age": 1})")}, nullptr).status());
  EXPECT_EQ(Explain("d", J(R"({"age": 3})")).keys_examined, 2u);
}

TEST_F(DocIndexTest, IndexBuiltWhileWritersRunAgreesWithTheDocuments) {
  std::vector<Json> first;
  for (int i = 0; i < 1500; ++i) first.push_back(Json{{"_id", i}, {"k", i % 37}});
  InsertAll("w", first);
  std::atomic<bool> stop{false};
  std::atomic<int> next{1500};
  std::thread writer([&] {
    while (!stop.load()) {
      int id = next.fetch_add(1);
      auto r = docs_->Insert("w", {Json{{"_id", id}, {"k", id % 37}}});
      if (!r.ok() && !absl::IsAborted(r.status())) ADD_FAILURE() << r.status();
      // Move some documents to another key and delete others, so entries change under the build.
      if (id % 5 == 0) {
        (void)docs_->Update("w", Json{{"_id", id - 1000}}, J(R"({"$inc": {"k": 100}})"), {});
      }
      if (id % 7 == 0) (void)docs_->Delete("w", Json{{"_id", id - 1200}}, false);
    }
  });
  ASSERT_OK(docs_->CreateIndex("w", {.keys = J(R"({"k": 1})")}, nullptr).status());
  while (next.load() < 2500) std::this_thread::yield();
  stop = true;
  writer.join();
  ASSERT_OK_AND_ASSIGN(uint64_t total, docs_->Count("w", J("{}")));
  uint64_t via_index = 0;
  for (int k = 0; k < 37 + 100; ++k) {
    DocExplain e = Explain("w", Json{{"k", k}});
    ASSERT_EQ(e.index, std::optional<std::string>("k_1"));
    EXPECT_EQ(e.keys_examined, e.returned) << "stale index entries for k = " << k;
    // $or is never planned: this is a collection scan.
    auto scan = FindAll("w", Json{{"$or", Json::array({Json{{"k", k}}})}});
    ASSERT_TRUE(scan.ok());
    EXPECT_EQ(e.returned, scan->size());
    via_index += e.returned;
  }
  EXPECT_EQ(via_index, total);
}

TEST_F(DocIndexTest, IndexBuildsAndDropsWhileWritersSetByIdAgreeWithTheDocuments) {
  // $set by _id runs without a RocksDB transaction while no transaction holds locks (the engine's
  // gate, txn_impl.h "Direct mode"): index builds and drops, which lock the collection's schema
  // exclusively in transactions, must still exclude it, so that every document ends up indexed.
  std::vector<Json> first;
  for (int i = 0; i < 300; ++i) first.push_back(Json{{"_id", i}, {"k", i % 37}, {"x", 0}});
  InsertAll("s", first);
  std::atomic<bool> stop{false};
  std::atomic<int> done{0};
  std::thread writer([&] {
    for (int n = 0; !stop.load(); ++n) {
      const int id = (n * 7919) % 300;
      // Alternately an indexed field (the general path while k_1 exists) and an unindexed one.
      const Json set = n % 2 == 0 ? Json{{"$set", {{"k", n % 37}}}} : Json{{"$set", {{"x", n}}}};
      auto r = docs_->Update("s", Json{{"_id", id}}, set, {});
      if (!r.ok()) ADD_FAILURE() << r.status();
      done.fetch_add(1);
    }
  });
  auto wait_for_writes = [&] {
    const int from = done.load();
    while (done.load() < from + 20) std::this_thread::yield();
  };
  for (int round = 0; round < 3; ++round) {
    wait_for_writes();
    ASSERT_OK(docs_->CreateIndex("s", {.keys = J(R"({"k": 1})")}, nullptr).status());
    wait_for_writes();
    ASSERT_OK(docs_->DropIndex("s", "k_1"));
  }
  wait_for_writes();
  ASSERT_OK(docs_->CreateIndex("s", {.keys = J(R"({"k": 1})")}, nullptr).status());
  wait_for_writes();
  stop = true;
  writer.join();
  ASSERT_OK_AND_ASSIGN(uint64_t total, docs_->Count("s", J("{}")));
  EXPECT_EQ(total, 300u);
  uint64_t via_index = 0;
  for (int k = 0; k < 37; ++k) {
    DocExplain e = Explain("s", Json{{"k", k}});
    ASSERT_EQ(e.index, std::optional<std::string>("k_1"));
    EXPECT_EQ(e.keys_examined, e.returned) << "stale index entries for k = " << k;
    auto scan = FindAll("s", Json{{"$or", Json::array({Json{{"k", k}}})}});  // a collection scan
    ASSERT_TRUE(scan.ok());
    EXPECT_EQ(e.returned, scan->size()) << "k = " << k;
    via_index += e.returned;
  }
  EXPECT_EQ(via_index, total);
}

}  // namespace
}  // namespace tessera::test
