// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests of the wide-column store: schema, versions, gets, deletes, increment, check-and-mutate,
// transactions, change events and bad input.
#include "gmock/gmock.h"
#include "models/wide/wide_test_util.h"
#include "nlohmann/json.hpp"

namespace tessera::wide {
namespace {

using ::testing::HasSubstr;

class WideStoreTest : public WideTest {
 protected:
  void SetUp() override {
    WideTest::SetUp();
    ASSERT_OK(store_->CreateFamily("t", "cf", {.max_versions = 3}));
    ASSERT_OK(store_->CreateFamily("t", "meta", {.max_versions = 0}));
  }

  std::vector<ChangeEvent> Events() {
    auto e = db_->ReadChanges({});
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *e : std::vector<ChangeEvent>();
  }

  void ExpectError(const absl::Status& s, absl::StatusCode code, std::string_view fragment) {
    EXPECT_EQ(s.code(), code) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr(std::string(fragment)));
  }
};

TEST_F(WideStoreTest, VersionsReadNewestFirstWithinMaxVersionsAndTimeRange) {
  for (int64_t ts : {10, 20, 30, 40}) PutCell("t", "r", "cf", "q", "v" + std::to_string(ts), ts);
  EXPECT_EQ(GetRendered("t", "r"), "cf:q@40=v40");  // one version by default, like HBase
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0}), "cf:q@40=v40 cf:q@30=v30 cf:q@20=v20");
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 2}), "cf:q@40=v40 cf:q@30=v30");
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0, .min_timestamp = 15, .max_timestamp = 35}),
            "cf:q@30=v30 cf:q@20=v20");
  // The time range does not bring back versions the policy collected.
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0, .max_timestamp = 15}), "none");
  EXPECT_EQ(GetRendered("t", "nobody"), "none");
}

TEST_F(WideStoreTest, SameTimestampReplacesTheVersion) {
  PutCell("t", "r", "cf", "q", "a", 5);
  PutCell("t", "r", "cf", "q", "b", 5);
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0}), "cf:q@5=b");
}

TEST_F(WideStoreTest, AssignedTimestampsAreNowAndSharedByOneWrite) {
  int64_t before = internal::Engine::NowMicros();
  ASSERT_OK(store_->Put("t", "r", {{"cf", "a", "1"}, {"meta", "b", "2"}}));
  int64_t after = internal::Engine::NowMicros();
  ASSERT_OK_AND_ASSIGN(auto row, store_->Get("t", "r"));
  ASSERT_TRUE(row.has_value());
  ASSERT_EQ(row->cells.size(), 2u);
  EXPECT_EQ(row->key, "r");
  EXPECT_GE(row->cells[0].timestamp, before);
  EXPECT_LE(row->cells[0].timestamp, after);
  EXPECT_EQ(row->cells[0].timestamp, row->cells[1].timestamp);
}

TEST_F(WideStoreTest, GetSelectsFamiliesAndColumns) {
  ASSERT_OK(
      store_->Put("t", "r", {{"cf", "a", "1", 1}, {"cf", "b", "2", 1}, {"meta", "x", "3", 1}}));
  EXPECT_EQ(GetRendered("t", "r"), "cf:a@1=1 cf:b@1=2 meta:x@1=3");
  EXPECT_EQ(GetRendered("t", "r", {.columns = {{"meta", {}}}}), "meta:x@1=3");
  EXPECT_EQ(GetRendered("t", "r", {.columns = {{"cf", "b"}}}), "cf:b@1=2");
  EXPECT_EQ(GetRendered("t", "r", {.columns = {{"cf", "b"}, {"meta", "x"}}}),
            "cf:b@1=2 meta:x@1=3");
  EXPECT_EQ(GetRendered("t", "r", {.columns = {{"cf", "zz"}}}), "none");
  // A whole family wins over one of its columns.
  EXPECT_EQ(GetRendered("t", "r", {.columns = {{"cf", "a"}, {"cf", {}}}}), "cf:a@1=1 cf:b@1=2");
}

TEST_F(WideStoreTest, RowKeysAndQualifiersAreArbitraryBytes) {
  std::string row("r\0w", 3), qual("\0\xff", 2);
  ASSERT_OK(store_->Put("t", row, {{"cf", qual, std::string("v\0", 2), 1}}));
  ASSERT_OK(store_->Put("t", "r", {{"cf", "", "empty qualifier", 1}}));
  ASSERT_OK_AND_ASSIGN(auto got, store_->Get("t", row));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->key, row);
  EXPECT_EQ(got->cells[0].qualifier, qual);
  EXPECT_EQ(got->cells[0].value, std::string("v\0", 2));
  EXPECT_EQ(GetRendered("t", "r"), "cf:@1=empty qualifier");
}

TEST_F(WideStoreTest, CreateAgainAddsFamiliesAndChangesPolicies) {
  ASSERT_OK_AND_ASSIGN(auto fams, store_->ListFamilies("t"));
  ASSERT_EQ(fams.size(), 2u);
  EXPECT_EQ(fams[0].name, "cf");
  EXPECT_EQ(fams[0].options.max_versions, 3u);
  for (int64_t ts : {1, 2, 3}) PutCell("t", "r", "cf", "q", std::to_string(ts), ts);
  ASSERT_OK(store_->CreateFamily("t", "cf", {.max_versions = 1}));
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0}), "cf:q@3=3");  // applies at once
  ASSERT_OK(store_->CreateFamily("t", "cf", {.max_versions = 5}));
  // Not yet compacted away: the old versions reappear, as in Bigtable before GC runs.
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0}), "cf:q@3=3 cf:q@2=2 cf:q@1=1");
  ASSERT_OK(store_->CreateFamily("t", "extra"));
  ASSERT_OK_AND_ASSIGN(fams, store_->ListFamilies("t"));
  ASSERT_EQ(fams.size(), 3u);
  EXPECT_EQ(fams[2].name, "extra");
  EXPECT_EQ(fams[2].options.max_versions, 1u);  // the default
  ASSERT_OK_AND_ASSIGN(auto tables, store_->ListTables());
  EXPECT_EQ(tables, std::vector<std::string>{"t"});
  ReopenAll();
  ASSERT_OK_AND_ASSIGN(fams, store_->ListFamilies("t"));
  EXPECT_EQ(fams.size(), 3u);
  EXPECT_EQ(fams[0].options.max_versions, 5u);
}

TEST_F(WideStoreTest, DropTableRemovesEverything) {
  PutCell("t", "r", "cf", "q", "v", 1);
  ASSERT_OK(store_->DropTable("t"));
  ExpectError(store_->Get("t", "r").status(), absl::StatusCode::kNotFound, "does not exist");
  ASSERT_OK(store_->CreateFamily("t", "cf"));
  EXPECT_EQ(GetRendered("t", "r"), "none");
  ExpectError(store_->DropTable("nope"), absl::StatusCode::kNotFound, "nope");
}

TEST_F(WideStoreTest, DeleteOneVersion) {
  for (int64_t ts : {1, 2, 3}) PutCell("t", "r", "cf", "q", std::to_string(ts), ts);
  ASSERT_OK_AND_ASSIGN(size_t n, store_->Delete("t", "r", WideDelete::Version("cf", "q", 2)));
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0}), "cf:q@3=3 cf:q@1=1");
  ASSERT_OK_AND_ASSIGN(n, store_->Delete("t", "r", WideDelete::Version("cf", "q", 2)));
  EXPECT_EQ(n, 0u);
}

TEST_F(WideStoreTest, DeletingANewerVersionNeverBringsBackACollectedOne) {
  // max_versions 3: versions 1 and 2 are collected at read time but still on disk.
  for (int64_t ts : {1, 2, 3, 4, 5}) PutCell("t", "r", "cf", "q", std::to_string(ts), ts);
  ASSERT_OK_AND_ASSIGN(size_t n, store_->Delete("t", "r", WideDelete::Version("cf", "q", 5)));
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0}), "cf:q@4=4 cf:q@3=3");
  EXPECT_EQ(RawKeys("t"), 2u);  // the collected versions went with the delete
  // The same for a version hidden by its age that min_versions would keep once it is the newest.
  ASSERT_OK(store_->CreateFamily("t", "aged",
                                 {.max_versions = 0, .ttl_seconds = 3600, .min_versions = 1}));
  int64_t now = internal::Engine::NowMicros();
  PutCell("t", "r2", "aged", "q", "fresh", now);
  PutCell("t", "r2", "aged", "q", "stale", now - int64_t{7200} * 1000000);
  EXPECT_EQ(GetRendered("t", "r2", {.max_versions = 0}),
            "aged:q@" + std::to_string(now) + "=fresh");
  ASSERT_OK_AND_ASSIGN(n, store_->Delete("t", "r2", WideDelete::Version("aged", "q", now)));
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(GetRendered("t", "r2", {.max_versions = 0}), "none");
}

TEST_F(WideStoreTest, DeleteColumnUpToATimestampOrAll) {
  for (int64_t ts : {1, 2, 3}) PutCell("t", "r", "cf", "q", std::to_string(ts), ts);
  PutCell("t", "r", "cf", "other", "o", 1);
  ASSERT_OK_AND_ASSIGN(size_t n, store_->Delete("t", "r", WideDelete::Column("cf", "q", 2)));
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0}), "cf:other@1=o cf:q@3=3");
  ASSERT_OK_AND_ASSIGN(n, store_->Delete("t", "r", WideDelete::Column("cf", "q")));
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0}), "cf:other@1=o");
  // Deletions apply to the cells present: a later write with an older timestamp is visible.
  PutCell("t", "r", "cf", "q", "late", 1);
  EXPECT_EQ(GetRendered("t", "r", {.columns = {{"cf", "q"}}}), "cf:q@1=late");
}

TEST_F(WideStoreTest, DeleteFamilyAndRow) {
  ASSERT_OK(
      store_->Put("t", "r", {{"cf", "a", "1", 1}, {"cf", "b", "2", 1}, {"meta", "x", "3", 1}}));
  ASSERT_OK(store_->Put("t", "r2", {{"cf", "a", "1", 1}}));
  ASSERT_OK_AND_ASSIGN(size_t n, store_->Delete("t", "r", WideDelete::Family("cf")));
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(GetRendered("t", "r"), "meta:x@1=3");
  ASSERT_OK(store_->Put("t", "r", {{"cf", "a", "again", 2}}));
  ASSERT_OK_AND_ASSIGN(n, store_->Delete("t", "r", WideDelete::Row()));
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(GetRendered("t", "r"), "none");
  EXPECT_EQ(GetRendered("t", "r2"), "cf:a@1=1");  // the neighbour is untouched
  ASSERT_OK_AND_ASSIGN(n, store_->Delete("t", "r", WideDelete::Row()));
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(RawKeys("t"), 1u);  // only r2's cell: deletes leave no lock or marker keys
}

TEST_F(WideStoreTest, DeleteCountsOnlyLiveCellsButRemovesCollectedOnes) {
  for (int64_t ts : {1, 2, 3, 4, 5}) PutCell("t", "r", "cf", "q", std::to_string(ts), ts);
  EXPECT_EQ(RawKeys("t"), 5u);
  ASSERT_OK_AND_ASSIGN(size_t n, store_->Delete("t", "r", WideDelete::Column("cf", "q")));
  EXPECT_EQ(n, 3u);  // max_versions 3: two were already invisible
  EXPECT_EQ(RawKeys("t"), 0u);
}

TEST_F(WideStoreTest, IncrementCountsAndKeepsVersions) {
  ASSERT_OK_AND_ASSIGN(int64_t v, store_->Increment("t", "r", "cf", "n"));
  EXPECT_EQ(v, 1);
  ASSERT_OK_AND_ASSIGN(v, store_->Increment("t", "r", "cf", "n", 41));
  EXPECT_EQ(v, 42);
  ASSERT_OK_AND_ASSIGN(v, store_->Increment("t", "r", "cf", "n", -50));
  EXPECT_EQ(v, -8);
  ASSERT_OK_AND_ASSIGN(auto row, store_->Get("t", "r", {.max_versions = 0}));
  ASSERT_TRUE(row.has_value());
  ASSERT_EQ(row->cells.size(), 3u);
  EXPECT_EQ(row->cells[0].value, "-8");
  EXPECT_GT(row->cells[0].timestamp, row->cells[1].timestamp);
  // A counter whose newest version is in the future still increments on top of it.
  PutCell("t", "r", "cf", "f", "10", INT64_MAX - 1);
  ASSERT_OK_AND_ASSIGN(v, store_->Increment("t", "r", "cf", "f", 5));
  EXPECT_EQ(v, 15);
  EXPECT_EQ(GetRendered("t", "r", {.columns = {{"cf", "f"}}}),
            "cf:f@" + std::to_string(INT64_MAX) + "=15");
}

TEST_F(WideStoreTest, IncrementRefusesNonIntegersAndOverflow) {
  PutCell("t", "r", "cf", "s", "abc", 1);
  ExpectError(store_->Increment("t", "r", "cf", "s").status(), absl::StatusCode::kInvalidArgument,
              "not a decimal integer");
  PutCell("t", "r", "cf", "big", std::to_string(INT64_MAX), 1);
  ExpectError(store_->Increment("t", "r", "cf", "big").status(), absl::StatusCode::kInvalidArgument,
              "overflows");
  EXPECT_EQ(GetRendered("t", "r", {.columns = {{"cf", "big"}}}),
            "cf:big@1=" + std::to_string(INT64_MAX));
}

TEST_F(WideStoreTest, CheckAndMutateAppliesOnlyWhenTheConditionHolds) {
  WideCheck absent{"cf", "lock", std::nullopt};
  ASSERT_OK_AND_ASSIGN(bool applied,
                       store_->CheckAndMutate("t", "r", absent, {{"cf", "lock", "me", 1}}));
  EXPECT_TRUE(applied);
  ASSERT_OK_AND_ASSIGN(applied,
                       store_->CheckAndMutate("t", "r", absent, {{"cf", "lock", "you", 2}}));
  EXPECT_FALSE(applied);
  WideCheck is_me{"cf", "lock", "me"};
  ASSERT_OK_AND_ASSIGN(applied,
                       store_->CheckAndMutate("t", "r", is_me, {{"meta", "owner", "me", 3}},
                                              {WideDelete::Column("cf", "lock")}));
  EXPECT_TRUE(applied);
  EXPECT_EQ(GetRendered("t", "r"), "meta:owner@3=me");
  WideCheck less{"meta", "owner", "zz", WideCompare::kLess};
  ASSERT_OK_AND_ASSIGN(applied, store_->CheckAndMutate("t", "r", less, {{"cf", "x", "y", 4}}));
  EXPECT_TRUE(applied);
  WideCheck greater{"meta", "owner", "zz", WideCompare::kGreater};
  ASSERT_OK_AND_ASSIGN(applied, store_->CheckAndMutate("t", "r", greater, {{"cf", "x", "z", 5}}));
  EXPECT_FALSE(applied);
  EXPECT_EQ(GetRendered("t", "r"), "cf:x@4=y meta:owner@3=me");
}

TEST_F(WideStoreTest, TransactionsSeeTheirOwnWritesAndCommitAtomically) {
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
  ASSERT_OK(store_->Put(*txn, "t", "r", {{"cf", "a", "1", 1}}));
  ASSERT_OK_AND_ASSIGN(int64_t v, store_->Increment(*txn, "t", "r", "cf", "n", 2));
  EXPECT_EQ(v, 2);
  ASSERT_OK_AND_ASSIGN(auto inside, store_->Get(*txn, "t", "r"));
  EXPECT_EQ(Render(inside).substr(0, 9), "cf:a@1=1 ");
  EXPECT_EQ(GetRendered("t", "r"), "none");
  ASSERT_OK(txn->Commit());
  ASSERT_OK_AND_ASSIGN(auto row, store_->Get("t", "r"));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->cells.size(), 2u);

  ASSERT_OK_AND_ASSIGN(auto rolled, db_->Begin());
  ASSERT_OK_AND_ASSIGN(size_t n, store_->Delete(*rolled, "t", "r", WideDelete::Row()));
  EXPECT_EQ(n, 2u);
  ASSERT_OK(rolled->Rollback());
  ASSERT_OK_AND_ASSIGN(row, store_->Get("t", "r"));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->cells.size(), 2u);
}

TEST_F(WideStoreTest, SnapshotReadsIgnoreLaterWrites) {
  PutCell("t", "r", "cf", "q", "old", 1);
  ASSERT_OK_AND_ASSIGN(auto snap, db_->GetSnapshot());
  PutCell("t", "r", "cf", "q", "new", 2);
  ASSERT_OK_AND_ASSIGN(auto row, store_->Get(*snap, "t", "r"));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(Render(row), "cf:q@1=old");
  ASSERT_OK_AND_ASSIGN(auto cursor, store_->Scan(*snap, "t", {}));
  ASSERT_TRUE(cursor->Valid());
  EXPECT_EQ(cursor->entry().cells[0].value, "old");
}

TEST_F(WideStoreTest, ConflictingRowWritesInTransactionsAbort) {
  ASSERT_OK_AND_ASSIGN(auto t1, db_->Begin());
  PutCell("t", "r", "cf", "q", "outside", 1);  // commits after t1's snapshot
  absl::Status s = store_->Put(*t1, "t", "r", {{"cf", "other", "x", 1}});
  EXPECT_TRUE(IsConflict(s)) << s;
}

TEST_F(WideStoreTest, ChangeEventsCarryTheChangedCells) {
  PutCell("t", "r", "cf", "q", "v1", 10);
  PutCell("t", "r", "cf", "q", "v2", 20);
  ASSERT_OK(store_->Delete("t", "r", WideDelete::Column("cf", "q")).status());
  ASSERT_OK(store_->Delete("t", "r", WideDelete::Row()).status());  // nothing left: no event
  auto events = Events();
  ASSERT_EQ(events.size(), 3u);
  auto img = [](const std::optional<std::string>& s) {
    return s ? nlohmann::json::parse(*s) : nlohmann::json();
  };
  EXPECT_EQ(events[0].model, Model::kWideColumn);
  EXPECT_EQ(events[0].object, "t");
  EXPECT_EQ(events[0].key, "r");
  EXPECT_EQ(events[0].image_format, ImageFormat::kJson);
  EXPECT_EQ(events[0].op, ChangeOp::kCreate);
  EXPECT_FALSE(events[0].before.has_value());
  EXPECT_EQ(img(events[0].after),
            nlohmann::json::parse(R"({"cf:q": [{"ts": 10, "value": "v1"}]})"));
  EXPECT_EQ(events[1].op, ChangeOp::kUpdate);
  EXPECT_EQ(img(events[1].before),
            nlohmann::json::parse(R"({"cf:q": [{"ts": 10, "value": "v1"}]})"));
  EXPECT_EQ(img(events[1].after),
            nlohmann::json::parse(R"({"cf:q": [{"ts": 20, "value": "v2"}]})"));
  EXPECT_EQ(events[2].op, ChangeOp::kDelete);
  EXPECT_EQ(
      img(events[2].before),
      nlohmann::json::parse(R"({"cf:q": [{"ts": 20, "value": "v2"}, {"ts": 10, "value": "v1"}]})"));
  EXPECT_FALSE(events[2].after.has_value());
  ASSERT_OK_AND_ASSIGN(int64_t v, store_->Increment("t", "c", "cf", "n", 3));
  EXPECT_EQ(v, 3);
  events = Events();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(img(events[3].after)["cf:n"][0]["value"], "3");
}

TEST_F(WideStoreTest, BadInputGetsClearErrors) {
  using C = absl::StatusCode;
  ExpectError(store_->Put("t", "", {{"cf", "q", "v"}}), C::kInvalidArgument, "row key is empty");
  ExpectError(store_->Put("t", std::string(kMaxWideRowKeyBytes + 1, 'x'), {{"cf", "q", "v"}}),
              C::kInvalidArgument, "the limit is 4096");
  ExpectError(store_->Put("t", "r", {{"nope", "q", "v"}}), C::kNotFound,
              "no column family \"nope\" (families: cf, meta)");
  ExpectError(store_->Put("t", "r", {{"cf", "q", "v", -1}}), C::kInvalidArgument,
              "must be a non-negative number of microseconds, got -1");
  ExpectError(store_->Put("t", "r", {}), C::kInvalidArgument, "no cells");
  ExpectError(store_->Put("t", "r", {{"cf", std::string(kMaxWideQualifierBytes + 1, 'q'), "v"}}),
              C::kInvalidArgument, "qualifier is 1025 bytes");
  ExpectError(store_->Put("missing", "r", {{"cf", "q", "v"}}), C::kNotFound,
              "table \"missing\" does not exist");
  ExpectError(store_->Get("t", "").status(), C::kInvalidArgument, "row key is empty");
  ExpectError(store_->Get("t", "r", {.columns = {{"nope", {}}}}).status(), C::kNotFound, "nope");
  ExpectError(store_->Get("t", "r", {.min_timestamp = 5, .max_timestamp = 4}).status(),
              C::kInvalidArgument, "time range is empty");
  ExpectError(store_->Get("t", "r", {.min_timestamp = -3}).status(), C::kInvalidArgument,
              "min_timestamp must be a non-negative");
  ExpectError(store_->Scan("t", {.columns = {{"nope", {}}}}).status(), C::kNotFound, "nope");
  ExpectError(store_->Delete("t", "r", WideDelete::Family("nope")).status(), C::kNotFound, "nope");
  WideDelete no_ts = WideDelete::Version("cf", "q", 1);
  no_ts.timestamp.reset();
  ExpectError(store_->Delete("t", "r", no_ts).status(), C::kInvalidArgument, "needs its timestamp");
  ExpectError(store_->CreateFamily("t", "bad:name"), C::kInvalidArgument, "may only hold");
  ExpectError(store_->CreateFamily("t", ""), C::kInvalidArgument, "1..64 bytes");
  ExpectError(store_->CreateFamily("bad name", "cf"), C::kInvalidArgument, "bad name");
  ExpectError(store_->CreateFamily("t", "cf", {.ttl_seconds = -1}), C::kInvalidArgument, "ttl");
  ExpectError(store_->CreateFamily("t", "cf", {.max_versions = 1, .min_versions = 2}),
              C::kInvalidArgument, "min_versions (2) exceeds max_versions (1)");
  ExpectError(store_->CheckAndMutate("t", "r", {"nope", "q", "x"}, {}).status(), C::kNotFound,
              "nope");
  // Nothing was written by any of them.
  EXPECT_FALSE(db_->GetObject(Model::kWideColumn, "missing").ok());
  EXPECT_EQ(RawKeys("t"), 0u);
}

}  // namespace
}  // namespace tessera::wide
