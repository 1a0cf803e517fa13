// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The row cache (Options::row_cache_bytes): repeated point reads are served from it, and never
// answer with a value a later write replaced, deleted, or dropped with its namespace. The drop
// case guards what docs/architecture.md ("Caches") relies on: RocksDB 7.8's row cache can bring
// back a value covered by a range deletion once a merge operand is written to its key, and a
// namespace drop is a range deletion while counters are merges; ids are never reused, so a
// recreated namespace's keys are other keys.
#include <string>

#include "gtest/gtest.h"
#include "tessera/db.h"
#include "tessera/kv.h"
#include "tests/util/test_util.h"

namespace tessera {
namespace {

class RowCacheTest : public test::DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    OpenKv();
  }
  void OpenKv() {
    kv_.reset();
    ASSERT_OK_AND_ASSIGN(kv_, KvStore::Open(db_.get()));
  }
  uint64_t Ticker(const std::string& name) {
    auto m = db_->GetMetrics();
    EXPECT_TRUE(m.ok()) << m.status();
    auto it = m->rocksdb.find(name);
    return it == m->rocksdb.end() ? 0 : it->second;
  }
  static std::string Key(int i) { return "k" + std::to_string(i); }

  std::unique_ptr<KvStore> kv_;
};

TEST_F(RowCacheTest, RepeatedReadsSeeEveryLaterWrite) {
  for (int i = 0; i < 200; ++i) ASSERT_OK(kv_->Put("ns", Key(i), "v1-" + std::to_string(i)));
  ASSERT_OK(db_->Compact());
  for (int pass = 0; pass < 2; ++pass) {
    for (int i = 0; i < 200; ++i) {
      ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("ns", Key(i)));
      ASSERT_EQ(v, "v1-" + std::to_string(i));
    }
  }
  EXPECT_GE(Ticker("rocksdb.row.cache.hit"), 200u);  // the second pass
  ASSERT_OK_AND_ASSIGN(auto m, db_->GetMetrics());
  EXPECT_GT(m.gauges["row_cache_bytes"], 0u);

  // Overwrite every third key, delete every fifth: the cached rows of the SST file are older.
  auto want = [](int i) -> std::optional<std::string> {
    if (i % 5 == 0) return std::nullopt;
    if (i % 3 == 0) return "v2-" + std::to_string(i);
    return "v1-" + std::to_string(i);
  };
  for (int i = 0; i < 200; ++i) {
    if (i % 3 == 0) ASSERT_OK(kv_->Put("ns", Key(i), "v2-" + std::to_string(i)));
    if (i % 5 == 0) ASSERT_OK(kv_->Delete("ns", Key(i)).status());
  }
  auto check = [&](const std::string& when) {
    for (int i = 0; i < 200; ++i) {
      ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("ns", Key(i)));
      ASSERT_EQ(v, want(i)) << when << " key " << i;
    }
  };
  check("in the memtable");
  ASSERT_OK(db_->Compact());
  check("compacted");
  check("compacted, cached");
  Reopen();
  OpenKv();
  check("reopened");
}

TEST_F(RowCacheTest, RecreatedNamespaceNeverSeesTheDroppedOnesValuesOrCounts) {
  for (int i = 0; i < 50; ++i) {
    ASSERT_OK(kv_->Put("ns", Key(i), "old"));
    ASSERT_OK(kv_->Increment("ns", "count" + std::to_string(i), 10).status());
  }
  ASSERT_OK(db_->Compact());
  for (int i = 0; i < 50; ++i) {  // cached
    ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("ns", Key(i)));
    ASSERT_EQ(v, "old");
    ASSERT_OK_AND_ASSIGN(auto c, kv_->Get("ns", "count" + std::to_string(i)));
    ASSERT_EQ(c, "10");
  }
  ASSERT_OK(kv_->DropNamespace("ns"));  // a range deletion
  // The same names again, counted from nothing (merges onto the dropped keys' names).
  for (int i = 0; i < 50; ++i) {
    ASSERT_OK_AND_ASSIGN(auto c, kv_->Increment("ns", "count" + std::to_string(i), 1));
    ASSERT_EQ(c, 1) << "counter " << i;
  }
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 50; ++i) {
      ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("ns", Key(i)));
      ASSERT_EQ(v, std::nullopt) << "round " << round << " key " << i;
      ASSERT_OK_AND_ASSIGN(auto c, kv_->Get("ns", "count" + std::to_string(i)));
      ASSERT_EQ(c, "1") << "round " << round << " counter " << i;
    }
    if (round == 0) ASSERT_OK(db_->Compact());
    if (round == 1) {
      Reopen();
      OpenKv();
    }
  }
}

TEST_F(RowCacheTest, ZeroBytesTurnsItOff) {
  options_.row_cache_bytes = 0;
  Reopen();
  OpenKv();
  ASSERT_OK(kv_->Put("ns", "k", "v"));
  ASSERT_OK(db_->Compact());
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("ns", "k"));
    ASSERT_EQ(v, "v");
  }
  EXPECT_EQ(Ticker("rocksdb.row.cache.hit"), 0u);
  ASSERT_OK_AND_ASSIGN(auto m, db_->GetMetrics());
  EXPECT_EQ(m.gauges.count("row_cache_bytes"), 0u);
}

}  // namespace
}  // namespace tessera
