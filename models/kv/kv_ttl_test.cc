// Per-key time-to-live: invisible at once when expired, removed physically by compaction.
#include <thread>

#include "core/engine/engine.h"
#include "models/kv/kv_codec.h"
#include "tessera/kv.h"
#include "tests/util/kv_test_util.h"

namespace tessera {
namespace {

class KvTtlTest : public test::KvDbTest {
 protected:
  // Whether a raw record for the key is still stored, expired or not.
  bool RawExists(std::string_view ns, std::string_view key) {
    auto info = db_->GetObject(Model::kKeyValue, ns);
    EXPECT_TRUE(info.ok());
    auto& engine = db_->engine();
    std::string v;
    return engine.db()
        ->Get(rocksdb::ReadOptions(), engine.cf(internal::Cf::kData), kv::EncodeKey(info->id, key),
              &v)
        .ok();
  }
  void CompactAll() {
    auto& engine = db_->engine();
    rocksdb::CompactRangeOptions cro;
    cro.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    ASSERT_TRUE(
        engine.db()->CompactRange(cro, engine.cf(internal::Cf::kData), nullptr, nullptr).ok());
  }
};

TEST_F(KvTtlTest, ExpiredKeyIsInvisibleAtOnceEverywhere) {
  ASSERT_OK(kv_->Put("ns", "short", "v", {.ttl_seconds = 1}));
  ASSERT_OK(kv_->Put("ns", "long", "v", {.ttl_seconds = 3600}));
  ASSERT_OK(kv_->Put("ns", "forever", "v"));
  ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("ns", "short"));
  EXPECT_EQ(v, "v");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_OK_AND_ASSIGN(v, kv_->Get("ns", "short"));
  EXPECT_EQ(v, std::nullopt);
  ASSERT_OK_AND_ASSIGN(auto vs, kv_->MultiGet("ns", {"short", "long"}));
  EXPECT_EQ(vs[0], std::nullopt);
  EXPECT_EQ(vs[1], "v");
  ASSERT_OK_AND_ASSIGN(auto c, kv_->Scan("ns", {}));
  std::vector<std::string> keys;
  for (; c->Valid(); c->Next()) keys.emplace_back(c->entry().key);
  EXPECT_EQ(keys, (std::vector<std::string>{"forever", "long"}));
  // An expired key counts as absent for delete, CAS and increment.
  ASSERT_OK_AND_ASSIGN(bool deleted, kv_->Delete("ns", "short"));
  EXPECT_FALSE(deleted);
  // That auto-commit delete (a direct write) removed the expired record and recorded no event:
  // the key was already gone.
  EXPECT_FALSE(RawExists("ns", "short"));
  ChangeReadOptions all;
  all.limit = 1000;
  ASSERT_OK_AND_ASSIGN(auto events, db_->ReadChanges(all));
  for (const ChangeEvent& e : events) {
    EXPECT_FALSE(e.key == "short" && e.op == ChangeOp::kDelete) << "seq " << e.seq;
  }
  ASSERT_OK(kv_->Put("ns", "short2", "v", {.ttl_seconds = 1}));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_OK_AND_ASSIGN(bool swapped, kv_->CompareAndSet("ns", "short2", std::nullopt, "new"));
  EXPECT_TRUE(swapped);
  ASSERT_OK_AND_ASSIGN(v, kv_->Get("ns", "short2"));
  EXPECT_EQ(v, "new");  // the new value has no ttl
}

TEST_F(KvTtlTest, CompactionRemovesExpiredKeysPhysically) {
  ASSERT_OK(kv_->Put("ns", "short", "v", {.ttl_seconds = 1}));
  ASSERT_OK(kv_->Put("ns", "kept", "v", {.ttl_seconds = 3600}));
  auto& engine = db_->engine();
  ASSERT_TRUE(engine.db()->Flush(rocksdb::FlushOptions(), engine.cf(internal::Cf::kData)).ok());
  EXPECT_TRUE(RawExists("ns", "short"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  CompactAll();
  EXPECT_FALSE(RawExists("ns", "short"));
  EXPECT_TRUE(RawExists("ns", "kept"));
}

TEST_F(KvTtlTest, IncrementKeepsTheTtlAndAnExpiredCounterRestarts) {
  ASSERT_OK(kv_->Put("ns", "n", "10", {.ttl_seconds = 1}));
  ASSERT_OK_AND_ASSIGN(int64_t v, kv_->Increment("ns", "n", 5));
  EXPECT_EQ(v, 15);
  ASSERT_OK_AND_ASSIGN(auto text, kv_->Get("ns", "n"));
  EXPECT_EQ(text, "15");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  // The merged counter inherited the expiry: gone now, even through the merge operator.
  ASSERT_OK_AND_ASSIGN(text, kv_->Get("ns", "n"));
  EXPECT_EQ(text, std::nullopt);
  auto& engine = db_->engine();
  ASSERT_TRUE(engine.db()->Flush(rocksdb::FlushOptions(), engine.cf(internal::Cf::kData)).ok());
  CompactAll();
  ASSERT_OK_AND_ASSIGN(text, kv_->Get("ns", "n"));
  EXPECT_EQ(text, std::nullopt);
  ASSERT_OK_AND_ASSIGN(v, kv_->Increment("ns", "n", 1));
  EXPECT_EQ(v, 1);  // absent counts as 0
}

TEST_F(KvTtlTest, TtlSurvivesReopen) {
  ASSERT_OK(kv_->Put("ns", "k", "v", {.ttl_seconds = 1}));
  ReopenKv();
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("ns", "k"));
  EXPECT_EQ(v, std::nullopt);
}

}  // namespace
}  // namespace tessera
