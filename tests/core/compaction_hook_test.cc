// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The model compaction hook extension point: a registered hook is asked about the data keys of
// its model's objects only, sees the object's catalog options (including later changes), keeps
// state across the keys of one compaction, and stops being asked once removed.
#include <atomic>

#include "core/codec/coding.h"
#include "core/engine/engine.h"
#include "core/engine/txn_impl.h"
#include "tessera/kv.h"
#include "tests/util/test_util.h"

namespace tessera {
namespace {

using internal::Cf;

// Removes every key whose value equals the object's options string, and counts the keys it
// was offered and the filters it made.
class ValueIsOptionsHook : public internal::ModelCompactionHook {
 public:
  class Filter : public internal::ModelCompactionFilter {
   public:
    explicit Filter(const ValueIsOptionsHook* hook) : hook_(hook) {}
    bool Remove(uint64_t id, std::string_view options, std::string_view key,
                std::string_view value) override {
      hook_->offered++;
      EXPECT_EQ(codec::DecodeFixed64BE(key.data()), id);
      if (!last_key_.empty()) {
        EXPECT_LT(last_key_, std::string(key));  // key order
      }
      last_key_ = std::string(key);
      return value == options;
    }

   private:
    const ValueIsOptionsHook* hook_;
    std::string last_key_;
  };
  std::unique_ptr<internal::ModelCompactionFilter> NewFilter(int64_t now_us) const override {
    EXPECT_GT(now_us, 0);
    filters++;
    return std::make_unique<Filter>(this);
  }
  mutable std::atomic<int> offered{0};
  mutable std::atomic<int> filters{0};
};

class CompactionHookTest : public test::DbTest {
 protected:
  std::string Key(uint64_t id, std::string_view suffix) {
    std::string k;
    codec::PutFixed64BE(&k, id);
    k.append(suffix);
    return k;
  }
  void Write(const std::string& key, const std::string& value) {
    auto& e = db_->engine();
    ASSERT_OK(e.RunInTxn("test", false, {},
                         [&](internal::TxnImpl& txn) { return txn.Put(Cf::kData, key, value); }));
  }
  bool Exists(const std::string& key) {
    std::string v;
    return db_->engine().db()->Get({}, db_->engine().cf(Cf::kData), key, &v).ok();
  }
  void Compact() {
    auto& e = db_->engine();
    ASSERT_TRUE(e.db()->Flush({}, e.cf(Cf::kData)).ok());
    rocksdb::CompactRangeOptions o;
    o.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    ASSERT_TRUE(e.db()->CompactRange(o, e.cf(Cf::kData), nullptr, nullptr).ok());
  }
};

TEST_F(CompactionHookTest, HookDecidesForItsModelOnlyWithTheObjectsOptions) {
  auto& engine = db_->engine();
  ASSERT_OK_AND_ASSIGN(ObjectInfo doc, engine.catalog().Create(Model::kDocument, "d", "drop-me"));
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  ASSERT_OK(kv->Put("ns", "k", "drop-me"));  // a kv value equal to the doc options: untouched
  Write(Key(doc.id, "a"), "drop-me");
  Write(Key(doc.id, "b"), "keep");
  Write(Key(doc.id, "c"), "drop-me");
  auto hook = std::make_shared<ValueIsOptionsHook>();
  engine.SetCompactionHook(Model::kDocument, hook);
  EXPECT_EQ(engine.compaction_hook(Model::kDocument), hook);
  EXPECT_EQ(engine.compaction_hook(Model::kGraph), nullptr);
  Compact();
  EXPECT_FALSE(Exists(Key(doc.id, "a")));
  EXPECT_TRUE(Exists(Key(doc.id, "b")));
  EXPECT_FALSE(Exists(Key(doc.id, "c")));
  EXPECT_EQ(hook->offered.load(), 3);  // never the kv key
  EXPECT_GE(hook->filters.load(), 1);
  ASSERT_OK_AND_ASSIGN(auto v, kv->Get("ns", "k"));
  EXPECT_EQ(v, std::optional<std::string>("drop-me"));
}

TEST_F(CompactionHookTest, OptionChangesReachTheHookAndRemovalStopsIt) {
  auto& engine = db_->engine();
  ASSERT_OK_AND_ASSIGN(ObjectInfo doc, engine.catalog().Create(Model::kDocument, "d", "x"));
  auto hook = std::make_shared<ValueIsOptionsHook>();
  engine.SetCompactionHook(Model::kDocument, hook);
  Write(Key(doc.id, "a"), "y");
  Compact();
  EXPECT_TRUE(Exists(Key(doc.id, "a")));
  ASSERT_OK(engine.catalog().SetOptions(Model::kDocument, "d", "y"));
  engine.SetCompactionHook(Model::kDocument, nullptr);
  Compact();
  EXPECT_TRUE(Exists(Key(doc.id, "a")));  // no hook: kept
  engine.SetCompactionHook(Model::kDocument, hook);
  Compact();
  EXPECT_FALSE(Exists(Key(doc.id, "a")));  // the new options reached the filter
}

// DB::Compact, the public maintenance call: it reaches unflushed writes and the last level (the
// hook sees every key), keeps everything else, and leaves the change log whole.
TEST_F(CompactionHookTest, PublicCompactRunsHooksOverEveryKeyAndKeepsTheRest) {
  auto& engine = db_->engine();
  ASSERT_OK_AND_ASSIGN(ObjectInfo doc, engine.catalog().Create(Model::kDocument, "d", "drop-me"));
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  for (int i = 0; i < 200; ++i) ASSERT_OK(kv->Put("ns", "k" + std::to_string(i), "v"));
  Write(Key(doc.id, "a"), "drop-me");
  Compact();  // "a" now sits in the last level, compacted before the hook existed
  EXPECT_TRUE(Exists(Key(doc.id, "a")));
  Write(Key(doc.id, "b"), "drop-me");  // only in the memtable
  Write(Key(doc.id, "c"), "keep");
  auto hook = std::make_shared<ValueIsOptionsHook>();
  engine.SetCompactionHook(Model::kDocument, hook);
  const uint64_t last = db_->LastSequence();
  ASSERT_OK(db_->Compact());
  EXPECT_FALSE(Exists(Key(doc.id, "a")));
  EXPECT_FALSE(Exists(Key(doc.id, "b")));
  EXPECT_TRUE(Exists(Key(doc.id, "c")));
  EXPECT_EQ(hook->offered.load(), 3);
  for (int i = 0; i < 200; ++i) {
    ASSERT_OK_AND_ASSIGN(auto v, kv->Get("ns", "k" + std::to_string(i)));
    EXPECT_EQ(v, std::optional<std::string>("v"));
  }
  ASSERT_OK_AND_ASSIGN(auto events, db_->ReadChanges({}));
  EXPECT_EQ(events.size(), 200u);  // the kv puts; the raw writes above carry no event
  EXPECT_EQ(db_->LastSequence(), last);
  kv.reset();
  Reopen();
  ASSERT_OK_AND_ASSIGN(auto kv2, KvStore::Open(db_.get()));
  ASSERT_OK_AND_ASSIGN(auto v, kv2->Get("ns", "k199"));
  EXPECT_EQ(v, std::optional<std::string>("v"));
  kv2.reset();
  ASSERT_OK(db_->Close());
  EXPECT_EQ(db_->Compact().code(), absl::StatusCode::kFailedPrecondition);
  db_.reset();
}

}  // namespace
}  // namespace tessera
