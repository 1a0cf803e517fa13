// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests of the GC policies: applied at read time at once, the same after a restart, and
// physically by compaction once a WideStore has registered the model's compaction hook.
#include "models/wide/wide_test_util.h"
#include "tessera/kv.h"

namespace tessera::wide {
namespace {

constexpr int64_t kHour = int64_t{3600} * 1000000;

class WideGcTest : public WideTest {
 protected:
  int64_t now() { return internal::Engine::NowMicros(); }
};

TEST_F(WideGcTest, MaxVersionsAtReadAfterRestartAndAfterCompaction) {
  ASSERT_OK(store_->CreateFamily("t", "cf", {.max_versions = 2}));
  for (int64_t ts = 1; ts <= 5; ++ts) PutCell("t", "r", "cf", "q", std::to_string(ts), ts);
  PutCell("t", "r", "cf", "single", "s", 1);
  const std::string want = "cf:q@5=5 cf:q@4=4 cf:single@1=s";
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0}), want);
  EXPECT_EQ(RawKeys("t"), 6u);
  ReopenAll();
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0}), want);
  CompactData();
  EXPECT_EQ(RawKeys("t"), 3u);
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0}), want);
}

TEST_F(WideGcTest, UnlimitedVersionsSurviveCompaction) {
  ASSERT_OK(store_->CreateFamily("t", "all", {.max_versions = 0}));
  for (int64_t ts = 1; ts <= 20; ++ts) PutCell("t", "r", "all", "q", "v", ts);
  CompactData();
  EXPECT_EQ(RawKeys("t"), 20u);
  ASSERT_OK_AND_ASSIGN(auto row, store_->Get("t", "r", {.max_versions = 0}));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->cells.size(), 20u);
}

TEST_F(WideGcTest, TtlAtReadAfterRestartAndAfterCompaction) {
  ASSERT_OK(store_->CreateFamily("t", "cf", {.max_versions = 0, .ttl_seconds = 3600}));
  int64_t t0 = now();
  PutCell("t", "r", "cf", "q", "fresh", t0);
  PutCell("t", "r", "cf", "q", "stale", t0 - 2 * kHour);
  PutCell("t", "old", "cf", "q", "stale", t0 - 2 * kHour);
  const std::string want = "cf:q@" + std::to_string(t0) + "=fresh";
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0}), want);
  EXPECT_EQ(GetRendered("t", "old"), "none");
  EXPECT_EQ(RawKeys("t"), 3u);
  ReopenAll();
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0}), want);
  EXPECT_EQ(GetRendered("t", "old"), "none");
  CompactData();
  EXPECT_EQ(RawKeys("t"), 1u);
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0}), want);
}

TEST_F(WideGcTest, MinVersionsKeepsTheNewestExpiredVersions) {
  ASSERT_OK(
      store_->CreateFamily("t", "cf", {.max_versions = 3, .ttl_seconds = 3600, .min_versions = 1}));
  int64_t t0 = now();
  for (int h : {4, 3, 2}) PutCell("t", "r", "cf", "old", std::to_string(h), t0 - h * kHour);
  PutCell("t", "r", "cf", "mixed", "fresh", t0);
  PutCell("t", "r", "cf", "mixed", "stale", t0 - 2 * kHour);
  const std::string want =
      "cf:mixed@" + std::to_string(t0) + "=fresh cf:old@" + std::to_string(t0 - 2 * kHour) + "=2";
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0}), want);
  ReopenAll();
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0}), want);
  CompactData();
  EXPECT_EQ(RawKeys("t"), 2u);
  EXPECT_EQ(GetRendered("t", "r", {.max_versions = 0}), want);
}

TEST_F(WideGcTest, PhysicalGcBeginsOnceAStoreIsOpened) {
  ASSERT_OK(store_->CreateFamily("t", "cf", {.max_versions = 1}));
  for (int64_t ts = 1; ts <= 4; ++ts) PutCell("t", "r", "cf", "q", "v", ts);
  store_.reset();
  Reopen();  // a new engine: no hook registered yet
  CompactData();
  EXPECT_EQ(RawKeys("t"), 4u);
  OpenStore();
  CompactData();
  EXPECT_EQ(RawKeys("t"), 1u);
  EXPECT_EQ(GetRendered("t", "r"), "cf:q@4=v");
}

TEST_F(WideGcTest, CompactionLeavesOtherTablesAndModelsAlone) {
  ASSERT_OK(store_->CreateFamily("one", "cf", {.max_versions = 1}));
  ASSERT_OK(store_->CreateFamily("all", "cf", {.max_versions = 0}));
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  for (int64_t ts = 1; ts <= 3; ++ts) {
    PutCell("one", "r", "cf", "q", "v", ts);
    PutCell("all", "r", "cf", "q", "v", ts);
    ASSERT_OK(kv->Put("ns", "k" + std::to_string(ts), "v"));
  }
  CompactData();
  EXPECT_EQ(RawKeys("one"), 1u);
  EXPECT_EQ(RawKeys("all"), 3u);
  ASSERT_OK_AND_ASSIGN(auto v, kv->Get("ns", "k2"));
  EXPECT_EQ(v, std::optional<std::string>("v"));
}

TEST_F(WideGcTest, PolicyChangesReachCompaction) {
  ASSERT_OK(store_->CreateFamily("t", "cf", {.max_versions = 0}));
  for (int64_t ts = 1; ts <= 4; ++ts) PutCell("t", "r", "cf", "q", "v", ts);
  CompactData();
  EXPECT_EQ(RawKeys("t"), 4u);
  ASSERT_OK(store_->CreateFamily("t", "cf", {.max_versions = 2}));
  CompactData();
  EXPECT_EQ(RawKeys("t"), 2u);
}

}  // namespace
}  // namespace tessera::wide
