// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// DB::Backup while writer threads run: the copy opens as a database in which a cross-model
// invariant that every transaction keeps still holds.
#include <atomic>
#include <thread>

#include "core/util/strings.h"
#include "tests/transfer/transfer_test_util.h"
#include "tools/transfer/transfer.h"

namespace tessera::test {
namespace {

using ::testing::HasSubstr;

constexpr int kAccounts = 8;
constexpr int64_t kStart = 1000;

// Every transaction moves an amount between two kv accounts (the sum stays kAccounts * kStart)
// and records the move as one document, plus a kv counter of moves: so in any consistent state
// the sum is fixed and the counter equals the number of documents.
absl::Status Transfer(DB* db, KvStore* kv, DocStore* docs, int from, int to, int64_t amount,
                      uint64_t id) {
  return db->RunTransaction([&](Transaction& txn) -> absl::Status {
    RETURN_IF_ERROR(kv->Increment(txn, "accounts", "a" + std::to_string(from), -amount).status());
    RETURN_IF_ERROR(kv->Increment(txn, "accounts", "a" + std::to_string(to), amount).status());
    RETURN_IF_ERROR(kv->Increment(txn, "meta", "moves", 1).status());
    Document d = {{"_id", id}, {"from", from}, {"to", to}, {"amount", amount}};
    return docs->Insert(txn, "moves", {d}).status();
  });
}

absl::Status CheckInvariant(DB* db, int64_t* moves_out) {
  ASSIGN_OR_RETURN(auto kv, KvStore::Open(db));
  ASSIGN_OR_RETURN(auto docs, DocStore::Open(db));
  ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snap, db->GetSnapshot());
  int64_t sum = 0;
  for (int i = 0; i < kAccounts; ++i) {
    ASSIGN_OR_RETURN(auto v, kv->Get(*snap, "accounts", "a" + std::to_string(i)));
    if (!v) return absl::InternalError("an account is missing");
    sum += std::stoll(*v);
  }
  if (sum != kAccounts * kStart) {
    return absl::InternalError(util::StrCat("the accounts sum to ", sum));
  }
  ASSIGN_OR_RETURN(auto moves, kv->Get(*snap, "meta", "moves"));
  int64_t counted = moves ? std::stoll(*moves) : 0;
  ASSIGN_OR_RETURN(uint64_t docs_count, docs->Count(*snap, "moves", Document::object()));
  if (static_cast<int64_t>(docs_count) != counted) {
    return absl::InternalError(
        util::StrCat("the counter says ", counted, " moves, the collection holds ", docs_count));
  }
  *moves_out = counted;
  return absl::OkStatus();
}

class BackupTest : public DbTest {};

TEST_F(BackupTest, BackupUnderConcurrentWritesIsConsistent) {
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  ASSERT_OK_AND_ASSIGN(auto docs, DocStore::Open(db_.get()));
  for (int i = 0; i < kAccounts; ++i) {
    ASSERT_OK(kv->Put("accounts", "a" + std::to_string(i), std::to_string(kStart)));
  }
  ASSERT_OK(docs->CreateCollection("moves"));
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> next_id{1};
  std::atomic<int64_t> committed{0};
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w] {
      uint64_t x = 12345 + w;
      while (!stop.load()) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int from = static_cast<int>((x >> 33) % kAccounts);
        int to = static_cast<int>((x >> 40) % kAccounts);
        absl::Status s =
            Transfer(db_.get(), kv.get(), docs.get(), from, to, 1 + (x >> 50) % 9, next_id++);
        if (s.ok()) {
          ++committed;
        } else if (!IsConflict(s)) {
          ++failures;
        }
      }
    });
  }
  // Take backups while the writers run (each after some commits, so writes are in flight).
  std::vector<std::string> backups;
  for (int b = 0; b < 3; ++b) {
    int64_t target = committed.load() + 20;
    while (committed.load() < target) std::this_thread::yield();
    backups.push_back(dir_->path() + "/backup" + std::to_string(b));
    ASSERT_OK(db_->Backup(backups.back()));
  }
  stop = true;
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(failures.load(), 0);

  int64_t previous = -1;
  for (const std::string& path : backups) {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<DB> copy, DB::Open(path, options_));
    int64_t moves = 0;
    ASSERT_OK(CheckInvariant(copy.get(), &moves));
    EXPECT_GE(moves, 20);
    EXPECT_GE(moves, previous);  // later backups hold at least as much
    previous = moves;
    // The copy is a full database: it takes writes and dumps like any other.
    ASSERT_OK_AND_ASSIGN(auto copy_kv, KvStore::Open(copy.get()));
    ASSERT_OK(copy_kv->Put("meta", "restored", "yes"));
    ASSERT_OK(transfer::Dump(copy.get(), path + ".tdump").status());
  }
  int64_t final_moves = 0;
  ASSERT_OK(CheckInvariant(db_.get(), &final_moves));
  EXPECT_EQ(final_moves, committed.load());
}

TEST_F(BackupTest, ExistingDirectoryIsRefused) {
  absl::Status s = db_->Backup(dir_->path());
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(s.message()), HasSubstr("already exists"));
  EXPECT_EQ(db_->Backup("").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(BackupTest, BackupOfEveryModelEqualsTheSource) {
  ASSERT_OK(PopulateAllModels(db_.get()));
  std::string path = dir_->path() + "/copy";
  ASSERT_OK(db_->Backup(path));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DB> copy, DB::Open(path, options_));
  EXPECT_SAME_DATABASES(db_.get(), copy.get());
}

}  // namespace
}  // namespace tessera::test
