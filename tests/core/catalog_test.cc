// The catalog: create, list, drop (with its data), id allocation, name validation, persistence.
#include "core/catalog/meta_keys.h"
#include "core/engine/engine.h"
#include "tessera/kv.h"
#include "tests/util/test_util.h"

namespace tessera {
namespace {

class CatalogTest : public test::DbTest {};

TEST_F(CatalogTest, CreateListAndGet) {
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  ASSERT_OK(kv->CreateNamespace("b"));
  ASSERT_OK(kv->CreateNamespace("a"));
  EXPECT_TRUE(absl::IsAlreadyExists(kv->CreateNamespace("a")));
  ASSERT_OK_AND_ASSIGN(auto objects, db_->ListObjects());
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].name, "a");
  EXPECT_EQ(objects[1].name, "b");
  EXPECT_NE(objects[0].id, objects[1].id);
  ASSERT_OK_AND_ASSIGN(auto info, db_->GetObject(Model::kKeyValue, "b"));
  EXPECT_EQ(info.model, Model::kKeyValue);
  EXPECT_TRUE(absl::IsNotFound(db_->GetObject(Model::kKeyValue, "zzz").status()));
  EXPECT_TRUE(absl::IsNotFound(db_->GetObject(Model::kDocument, "a").status()));
}

TEST_F(CatalogTest, InvalidNamesAreRejectedWithTheName) {
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  for (std::string bad :
       {std::string(""), std::string(129, 'a'), std::string("has space"), std::string("slash/name"),
        std::string(".hidden"), std::string("nul\0x", 5), std::string("-dash")}) {
    absl::Status s = kv->CreateNamespace(bad);
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << bad << ": " << s;
    EXPECT_TRUE(absl::IsInvalidArgument(kv->Put(bad, "k", "v"))) << bad;
    EXPECT_TRUE(absl::IsInvalidArgument(kv->Get(bad, "k").status())) << bad;
  }
  ASSERT_OK(kv->CreateNamespace("ok_name-1.2"));
}

TEST_F(CatalogTest, DropRemovesEveryKeyAndTheNameCanBeReused) {
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  for (int i = 0; i < 500; ++i) ASSERT_OK(kv->Put("gone", "k" + std::to_string(i), "v"));
  ASSERT_OK(kv->Put("kept", "k", "v"));
  ASSERT_OK_AND_ASSIGN(auto before, db_->GetObject(Model::kKeyValue, "gone"));
  ASSERT_OK(kv->DropNamespace("gone"));
  EXPECT_TRUE(absl::IsNotFound(kv->DropNamespace("gone")));
  ASSERT_OK_AND_ASSIGN(auto v, kv->Get("gone", "k1"));
  EXPECT_FALSE(v.has_value());

  // The raw key range of the dropped id is empty: range deletion removed everything.
  auto& engine = db_->engine();
  auto it =
      engine.latest().NewIterator(internal::Cf::kData, internal::meta::ObjectPrefix(before.id),
                                  internal::meta::ObjectPrefix(before.id + 1));
  (*it)->SeekToFirst();
  EXPECT_FALSE((*it)->Valid());
  it.reset();

  // A new object of the same name gets a new id and starts empty.
  ASSERT_OK(kv->Put("gone", "fresh", "1"));
  ASSERT_OK_AND_ASSIGN(auto after, db_->GetObject(Model::kKeyValue, "gone"));
  EXPECT_GT(after.id, before.id);
  ASSERT_OK_AND_ASSIGN(auto old, kv->Get("gone", "k1"));
  EXPECT_FALSE(old.has_value());
  ASSERT_OK_AND_ASSIGN(auto kept, kv->Get("kept", "k"));
  EXPECT_EQ(kept, "v");
}

TEST_F(CatalogTest, DroppedDataStaysGoneAfterCompactionAndReopen) {
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  for (int i = 0; i < 200; ++i) ASSERT_OK(kv->Put("tmp", "k" + std::to_string(i), "v"));
  ASSERT_OK(kv->DropNamespace("tmp"));
  auto& engine = db_->engine();
  rocksdb::CompactRangeOptions cro;
  ASSERT_TRUE(
      engine.db()->CompactRange(cro, engine.cf(internal::Cf::kData), nullptr, nullptr).ok());
  kv.reset();
  Reopen();
  ASSERT_OK_AND_ASSIGN(kv, KvStore::Open(db_.get()));
  ASSERT_OK_AND_ASSIGN(auto names, kv->ListNamespaces());
  EXPECT_TRUE(names.empty());
  ASSERT_OK_AND_ASSIGN(auto c, kv->Scan("tmp", {}));
  EXPECT_FALSE(c->Valid());
}

TEST_F(CatalogTest, IdsAreNeverReusedAcrossReopen) {
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  ASSERT_OK(kv->CreateNamespace("x"));
  ASSERT_OK_AND_ASSIGN(auto x, db_->GetObject(Model::kKeyValue, "x"));
  ASSERT_OK(kv->DropNamespace("x"));
  kv.reset();
  Reopen();
  ASSERT_OK_AND_ASSIGN(kv, KvStore::Open(db_.get()));
  ASSERT_OK(kv->CreateNamespace("y"));
  ASSERT_OK_AND_ASSIGN(auto y, db_->GetObject(Model::kKeyValue, "y"));
  EXPECT_GT(y.id, x.id);
}

TEST_F(CatalogTest, DropObjectThroughTheDb) {
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  ASSERT_OK(kv->Put("n", "k", "v"));
  ASSERT_OK(db_->DropObject(Model::kKeyValue, "n"));
  ASSERT_OK_AND_ASSIGN(auto objects, db_->ListObjects(Model::kKeyValue));
  EXPECT_TRUE(objects.empty());
}

}  // namespace
}  // namespace tessera
