// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Conditions and sorts on _id read the documents by key ("_id_" in explain) instead of scanning
// the collection; the results must be exactly those of the filter applied to every document.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>

#include "models/doc/doc_test_util.h"
#include "query/filter.h"
#include "query/value.h"
#include "tests/util/json_test_util.h"

namespace tessera::test {
namespace {

class DocIdPlanTest : public DocDbTest {
 protected:
  DocExplain Explain(std::string_view coll, const Json& filter, const DocFindOptions& o = {}) {
    auto r = docs_->Explain(coll, filter, o);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : DocExplain{};
  }
};

TEST_F(DocIdPlanTest, EqualityInAndRangeOnIdReadOnlyThoseDocuments) {
  std::vector<Json> docs;
  for (int i = 0; i < 200; ++i) docs.push_back(Json{{"_id", i}, {"v", i % 7}});
  InsertAll("c", docs);

  DocExplain eq = Explain("c", J(R"({"_id": 42})"));
  EXPECT_EQ(eq.index, std::optional<std::string>("_id_"));
  EXPECT_EQ(eq.docs_examined, 1u);
  EXPECT_EQ(eq.returned, 1u);

  DocExplain in = Explain("c", J(R"({"_id": {"$in": [3, 5, 5.0, 1000]}})"));
  EXPECT_EQ(in.docs_examined, 2u);
  EXPECT_EQ(in.returned, 2u);

  DocExplain range = Explain("c", J(R"({"_id": {"$gte": 10, "$lt": 20}, "v": 3})"));
  EXPECT_EQ(range.index, std::optional<std::string>("_id_"));
  EXPECT_EQ(range.docs_examined, 10u);
  EXPECT_EQ(range.returned, 2u);  // 10 and 17

  // A number range on _id does not reach strings (ranges compare within a type).
  InsertAll("c", {Json{{"_id", "zz"}}});
  EXPECT_EQ(Ids("c", J(R"({"_id": {"$gt": 198}})")), std::vector<Json>{Json(199)});

  // Update and delete by _id use the same plan.
  ASSERT_OK_AND_ASSIGN(auto upd,
                       docs_->Update("c", J(R"({"_id": 7})"), J(R"({"$set": {"v": 100}})"), {}));
  (void)upd;
  EXPECT_EQ(Ids("c", J(R"({"v": 100})")), std::vector<Json>{Json(7)});
  ASSERT_OK(docs_->Delete("c", J(R"({"_id": {"$lt": 5}})"), {}).status());
  ASSERT_OK_AND_ASSIGN(uint64_t n, docs_->Count("c", J("{}")));
  EXPECT_EQ(n, 196u);
}

TEST_F(DocIdPlanTest, SortOnIdIsServedByKeyOrderBothWays) {
  std::vector<Json> docs;
  for (int i = 0; i < 50; ++i) docs.push_back(Json{{"_id", i}});
  InsertAll("c", docs);
  DocExplain desc = Explain("c", J("{}"), {.sort = J(R"({"_id": -1})"), .limit = 3});
  EXPECT_TRUE(desc.sort_from_index);
  EXPECT_LE(desc.docs_examined, 4u);  // the limit, plus one read ahead to find ties
  EXPECT_EQ(Ids("c", J("{}"), {.sort = J(R"({"_id": -1})"), .limit = 3}),
            (std::vector<Json>{Json(49), Json(48), Json(47)}));
  EXPECT_EQ(Ids("c", J(R"({"_id": {"$lte": 10}})"), {.sort = J(R"({"_id": -1})"), .limit = 2}),
            (std::vector<Json>{Json(10), Json(9)}));
}

TEST_F(DocIdPlanTest, ASecondaryIndexWithEqualityStillWinsOverAnIdRange) {
  std::vector<Json> docs;
  for (int i = 0; i < 100; ++i) docs.push_back(Json{{"_id", i}, {"v", i}});
  InsertAll("c", docs);
  ASSERT_OK(docs_->CreateIndex("c", {.keys = J(R"({"v": 1})")}, nullptr).status());
  DocExplain e = Explain("c", J(R"({"_id": {"$gte": 0}, "v": 5})"));
  EXPECT_EQ(e.index, std::optional<std::string>("v_1"));
  EXPECT_EQ(e.docs_examined, 1u);
  EXPECT_EQ(Explain("c", J(R"({"_id": 5, "v": 5})")).index, std::optional<std::string>("_id_"));
}

TEST_F(DocIdPlanTest, TheIdIndexNameIsReserved) {
  auto r = docs_->CreateIndex("c", {.keys = J(R"({"v": 1})"), .name = "_id_"}, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("reserved"), std::string::npos) << r.status();
}

// Random _id conditions over _ids of every scalar type and of objects, against the filter
// applied to every document in memory.
TEST_F(DocIdPlanTest, RandomIdConditionsMatchTheFilterOnEveryDocument) {
  const char* seed_env = std::getenv("TESSERA_TEST_SEED");
  uint64_t seed = seed_env != nullptr ? std::strtoull(seed_env, nullptr, 10) : 20261130;
  SCOPED_TRACE(testing::Message() << "seed " << seed);
  std::mt19937_64 rng(seed);
  auto scalar = [&rng]() -> Json {
    switch (rng() % 6) {
      case 0:
        return static_cast<int>(rng() % 40) - 20;
      case 1:
        return static_cast<double>(rng() % 80) / 2.0 - 20.0;
      case 2:
        return std::string(1, static_cast<char>('a' + rng() % 20));
      case 3:
        return rng() % 2 == 0;
      case 4:
        return nullptr;
      default:
        return Json{{"k", static_cast<int>(rng() % 5)}};
    }
  };
  std::vector<Json> docs;
  std::vector<std::string> seen;
  for (int i = 0; i < 300; ++i) {
    Json id = scalar();
    std::string key = id.dump();
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    // 1 and 1.0 are the same _id.
    bool dup = false;
    for (const Json& d : docs) dup = dup || query::CompareValues(d["_id"], id) == 0;
    if (dup) continue;
    seen.push_back(key);
    docs.push_back(Json{{"_id", id}, {"n", i}});
  }
  InsertAll("c", docs);
  static const char* kOps[] = {"$eq", "$gt", "$gte", "$lt", "$lte", "$in", "$ne"};
  int keyed = 0;
  for (int q = 0; q < 400; ++q) {
    Json cond = Json::object();
    std::string op = kOps[rng() % 7];
    if (op == "$in") {
      Json list = Json::array();
      for (size_t n = 1 + rng() % 3; n > 0; --n) list.push_back(scalar());
      cond[op] = list;
    } else {
      cond[op] = scalar();
      if (rng() % 3 == 0) cond[rng() % 2 == 0 ? "$lt" : "$gte"] = scalar();
    }
    Json filter = Json{{"_id", cond}};
    if (rng() % 4 == 0) filter["n"] = Json{{"$gte", static_cast<int>(rng() % 300)}};
    DocFindOptions o;
    if (rng() % 2 == 0) o.sort = Json{{"_id", rng() % 2 == 0 ? 1 : -1}};
    auto f = query::Filter::Parse(filter);
    ASSERT_TRUE(f.ok()) << f.status();
    std::vector<Json> want;
    for (const Json& d : docs) {
      if (f->Matches(d)) want.push_back(d["_id"]);
    }
    std::sort(want.begin(), want.end(),
              [](const Json& a, const Json& b) { return query::CompareValues(a, b) < 0; });
    if (!o.sort.empty() && o.sort["_id"] == -1) std::reverse(want.begin(), want.end());
    std::vector<Json> got = Ids("c", filter, o);
    if (o.sort.empty()) {
      std::sort(got.begin(), got.end(),
                [](const Json& a, const Json& b) { return query::CompareValues(a, b) < 0; });
    }
    ASSERT_EQ(got.size(), want.size()) << filter.dump() << " sort " << o.sort.dump();
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(query::CompareValues(got[i], want[i]), 0) << filter.dump() << " at " << i;
    }
    if (Explain("c", filter, o).index == std::optional<std::string>("_id_")) ++keyed;
  }
  EXPECT_GT(keyed, 150);  // most conditions were served by _id keys, not scans
}

}  // namespace
}  // namespace tessera::test
