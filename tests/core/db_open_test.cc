// Opening, reopening, locking, format checks and the closed-database errors.
#include <filesystem>
#include <fstream>

#include "core/catalog/meta_keys.h"
#include "core/engine/engine.h"
#include "tessera/kv.h"
#include "tests/util/test_util.h"

namespace tessera {
namespace {

using test::DbTest;
using test::TempDir;

Options Quiet() {
  Options o;
  o.log_destination = LogDestination::kNone;
  return o;
}

TEST(DbOpenTest, CreatesAndReopensWithNothingLost) {
  TempDir dir;
  std::string path = dir.path() + "/db";
  {
    ASSERT_OK_AND_ASSIGN(auto db, DB::Open(path, Quiet()));
    ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db.get()));
    for (int i = 0; i < 100; ++i) {
      ASSERT_OK(kv->Put("ns", "k" + std::to_string(i), "v" + std::to_string(i)));
    }
    ASSERT_OK(db->Close());
  }
  ASSERT_OK_AND_ASSIGN(auto db, DB::Open(path, Quiet()));
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db.get()));
  for (int i = 0; i < 100; ++i) {
    ASSERT_OK_AND_ASSIGN(auto v, kv->Get("ns", "k" + std::to_string(i)));
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(*v, "v" + std::to_string(i));
  }
  EXPECT_EQ(db->LastSequence(), 100u);
}

TEST(DbOpenTest, SecondOpenOfTheSameDirectoryIsLocked) {
  TempDir dir;
  std::string path = dir.path() + "/db";
  ASSERT_OK_AND_ASSIGN(auto db, DB::Open(path, Quiet()));
  auto second = DB::Open(path, Quiet());
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(absl::IsUnavailable(second.status())) << second.status();
  EXPECT_NE(second.status().message().find("locked"), std::string::npos) << second.status();
}

TEST(DbOpenTest, MissingDatabaseWithoutCreateIsNotFound) {
  TempDir dir;
  Options o = Quiet();
  o.create_if_missing = false;
  auto db = DB::Open(dir.path() + "/nothing", o);
  ASSERT_FALSE(db.ok());
  EXPECT_TRUE(absl::IsNotFound(db.status())) << db.status();
}

TEST(DbOpenTest, PathThatIsAFileIsRejected) {
  TempDir dir;
  std::string file = dir.path() + "/file";
  std::ofstream(file) << "x";
  auto db = DB::Open(file, Quiet());
  ASSERT_FALSE(db.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(db.status())) << db.status();
}

TEST(DbOpenTest, EmptyPathIsRejected) {
  auto db = DB::Open("", Quiet());
  ASSERT_FALSE(db.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(db.status()));
}

TEST(DbOpenTest, UnknownFormatVersionIsRefused) {
  TempDir dir;
  std::string path = dir.path() + "/db";
  {
    ASSERT_OK_AND_ASSIGN(auto db, DB::Open(path, Quiet()));
    auto& engine = db->engine();
    std::string v;
    codec::PutVarint64(&v, 99);
    ASSERT_TRUE(engine.db()
                    ->Put(rocksdb::WriteOptions(), engine.cf(internal::Cf::kMeta),
                          internal::meta::kFormatKey, v)
                    .ok());
    ASSERT_OK(db->Close());
  }
  auto db = DB::Open(path, Quiet());
  ASSERT_FALSE(db.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(db.status())) << db.status();
  EXPECT_NE(db.status().message().find("format version 99"), std::string::npos) << db.status();
}

TEST(DbOpenTest, ErrorIfExists) {
  TempDir dir;
  std::string path = dir.path() + "/db";
  { ASSERT_OK_AND_ASSIGN(auto db, DB::Open(path, Quiet())); }
  Options o = Quiet();
  o.error_if_exists = true;
  auto db = DB::Open(path, o);
  EXPECT_TRUE(absl::IsAlreadyExists(db.status())) << db.status();
}

class ClosedDbTest : public DbTest {};

TEST_F(ClosedDbTest, EveryCallOnAClosedDatabaseFailsCleanly) {
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  ASSERT_OK(kv->Put("ns", "k", "v"));
  ASSERT_OK(db_->Close());
  EXPECT_TRUE(absl::IsFailedPrecondition(kv->Get("ns", "k").status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(kv->Put("ns", "k", "v")));
  EXPECT_TRUE(absl::IsFailedPrecondition(kv->Scan("ns", {}).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(db_->Begin().status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(db_->GetSnapshot().status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(db_->ReadChanges().status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(db_->Close()));
  db_.reset();
}

TEST_F(ClosedDbTest, CloseWithAnOpenTransactionIsRefused) {
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
  absl::Status s = db_->Close();
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  ASSERT_OK(txn->Rollback());
  txn.reset();
  ASSERT_OK(db_->Close());
  db_.reset();
}

TEST_F(ClosedDbTest, LogFileIsWrittenInTheDatabaseDirectory) {
  Close();
  options_.log_destination = LogDestination::kFile;
  Reopen();
  Close();
  EXPECT_TRUE(std::filesystem::exists(db_path() + "/tessera.log"));
}

}  // namespace
}  // namespace tessera
