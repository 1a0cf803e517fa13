// Transactions: atomicity across namespaces, read-your-own-writes, snapshot isolation,
// conflicts and retry, the size limit, finished transactions, snapshots.
#include <atomic>
#include <thread>

#include "tessera/kv.h"
#include "tests/util/kv_test_util.h"

namespace tessera {
namespace {

class TransactionTest : public test::KvDbTest {
 protected:
  std::optional<std::string> Read(std::string_view ns, std::string_view key) {
    auto v = kv_->Get(ns, key);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : std::nullopt;
  }
};

TEST_F(TransactionTest, CommitIsAtomicAcrossTwoNamespaces) {
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
  ASSERT_OK(kv_->Put(*txn, "a", "k", "1"));
  ASSERT_OK(kv_->Put(*txn, "b", "k", "2"));
  EXPECT_EQ(Read("a", "k"), std::nullopt);  // not visible before commit
  ASSERT_OK(txn->Commit());
  EXPECT_EQ(Read("a", "k"), "1");
  EXPECT_EQ(Read("b", "k"), "2");
}

TEST_F(TransactionTest, RollbackLeavesNothingInAnyNamespace) {
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
  ASSERT_OK(kv_->Put(*txn, "a", "k", "1"));
  ASSERT_OK(kv_->Put(*txn, "b", "k", "2"));
  ASSERT_OK(txn->Rollback());
  EXPECT_EQ(Read("a", "k"), std::nullopt);
  EXPECT_EQ(Read("b", "k"), std::nullopt);
  ASSERT_OK_AND_ASSIGN(auto events, db_->ReadChanges());
  EXPECT_TRUE(events.empty());
}

TEST_F(TransactionTest, DestroyingAnOpenTransactionRollsBack) {
  {
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
    ASSERT_OK(kv_->Put(*txn, "a", "k", "1"));
  }
  EXPECT_EQ(Read("a", "k"), std::nullopt);
}

TEST_F(TransactionTest, ReadsItsOwnWritesIncludingScansAndCounters) {
  ASSERT_OK(kv_->Put("a", "x", "committed"));
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
  ASSERT_OK(kv_->Put(*txn, "a", "y", "mine"));
  ASSERT_OK_AND_ASSIGN(auto deleted, kv_->Delete(*txn, "a", "x"));
  EXPECT_TRUE(deleted);
  ASSERT_OK_AND_ASSIGN(auto y, kv_->Get(*txn, "a", "y"));
  EXPECT_EQ(y, "mine");
  ASSERT_OK_AND_ASSIGN(auto x, kv_->Get(*txn, "a", "x"));
  EXPECT_EQ(x, std::nullopt);
  ASSERT_OK_AND_ASSIGN(auto c, kv_->Scan(*txn, "a", {}));
  ASSERT_TRUE(c->Valid());
  EXPECT_EQ(c->entry().key, "y");
  c->Next();
  EXPECT_FALSE(c->Valid());
  ASSERT_OK(c->status());
  c.reset();
  ASSERT_OK(kv_->Increment(*txn, "a", "n", 5).status());
  ASSERT_OK_AND_ASSIGN(auto n, kv_->Increment(*txn, "a", "n", 2));
  EXPECT_EQ(n, 7);
  ASSERT_OK_AND_ASSIGN(auto nv, kv_->Get(*txn, "a", "n"));
  EXPECT_EQ(nv, "7");
  ASSERT_OK(txn->Commit());
  EXPECT_EQ(Read("a", "n"), "7");
}

TEST_F(TransactionTest, SnapshotIsolationHidesLaterCommits) {
  ASSERT_OK(kv_->Put("a", "k", "old"));
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
  ASSERT_OK(kv_->Put("a", "k", "new"));  // committed after the transaction began
  ASSERT_OK(kv_->Put("a", "k2", "new"));
  ASSERT_OK_AND_ASSIGN(auto v, kv_->Get(*txn, "a", "k"));
  EXPECT_EQ(v, "old");
  ASSERT_OK_AND_ASSIGN(auto v2, kv_->Get(*txn, "a", "k2"));
  EXPECT_EQ(v2, std::nullopt);
  ASSERT_OK(txn->Rollback());
}

TEST_F(TransactionTest, WriteWriteConflictIsARetryableError) {
  ASSERT_OK(kv_->Put("a", "k", "0"));
  ASSERT_OK_AND_ASSIGN(auto t1, db_->Begin());
  ASSERT_OK_AND_ASSIGN(auto t2, db_->Begin());
  ASSERT_OK(kv_->Put(*t1, "a", "k", "1"));
  absl::Status s = kv_->Put(*t2, "a", "k", "2");  // locked by t1
  EXPECT_TRUE(IsConflict(s)) << s;
  ASSERT_OK(t1->Commit());
  // t2's snapshot predates t1's commit: still a conflict, never a lost update.
  s = kv_->Put(*t2, "a", "k", "2");
  EXPECT_TRUE(IsConflict(s)) << s;
  ASSERT_OK(t2->Rollback());
  EXPECT_EQ(Read("a", "k"), "1");
}

TEST_F(TransactionTest, RunTransactionRetriesConflictsAndLosesNoIncrement) {
  ASSERT_OK(kv_->Put("a", "counter", "0"));
  constexpr int kThreads = 4, kPerThread = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        RetryOptions retry;
        retry.max_attempts = 1000;
        absl::Status s = db_->RunTransaction(
            [&](Transaction& txn) -> absl::Status {
              // Read-modify-write through a plain get and put: conflicts must be detected.
              ASSIGN_OR_RETURN(auto v, kv_->Get(txn, "a", "counter"));
              int n = std::stoi(v.value_or("0"));
              return kv_->Put(txn, "a", "counter", std::to_string(n + 1));
            },
            retry);
        if (!s.ok()) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Read("a", "counter"), std::to_string(kThreads * kPerThread));
}

TEST_F(TransactionTest, RunTransactionReturnsNonConflictErrorsWithoutRetrying) {
  int calls = 0;
  absl::Status s = db_->RunTransaction([&](Transaction& txn) -> absl::Status {
    ++calls;
    RETURN_IF_ERROR(kv_->Put(txn, "a", "k", "v"));
    return absl::InvalidArgumentError("stop");
  });
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(Read("a", "k"), std::nullopt);
}

TEST_F(TransactionTest, SizeLimitIsAClearErrorAndNeverSplits) {
  options_.max_transaction_bytes = 64 * 1024;
  ReopenKv();
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
  std::string value(1000, 'x');
  absl::Status s;
  int written = 0;
  for (; written < 1000; ++written) {
    s = kv_->Put(*txn, "a", "k" + std::to_string(written), value);
    if (!s.ok()) break;
  }
  EXPECT_TRUE(absl::IsResourceExhausted(s)) << s;
  EXPECT_NE(s.message().find("transaction too large"), std::string::npos);
  EXPECT_GT(written, 10);
  EXPECT_LE(txn->bytes_written(), 64u * 1024);
  ASSERT_OK(txn->Rollback());
  ASSERT_OK_AND_ASSIGN(auto c, kv_->Scan("a", {}));
  EXPECT_FALSE(c->Valid());  // nothing was committed behind the caller's back

  // The same limit applies to one atomic batch.
  std::vector<KvWrite> batch;
  for (int i = 0; i < 100; ++i) batch.push_back({"b" + std::to_string(i), value, 0});
  s = kv_->WriteBatch("a", batch);
  EXPECT_TRUE(absl::IsResourceExhausted(s)) << s;
  ASSERT_OK_AND_ASSIGN(auto c2, kv_->Scan("a", {}));
  EXPECT_FALSE(c2->Valid());
}

TEST_F(TransactionTest, FinishedTransactionRejectsEveryCall) {
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
  ASSERT_OK(kv_->Put(*txn, "a", "k", "v"));
  ASSERT_OK(txn->Commit());
  EXPECT_FALSE(txn->active());
  EXPECT_TRUE(absl::IsFailedPrecondition(txn->Commit()));
  EXPECT_TRUE(absl::IsFailedPrecondition(txn->Rollback()));
  EXPECT_TRUE(absl::IsFailedPrecondition(kv_->Put(*txn, "a", "k", "w")));
  EXPECT_TRUE(absl::IsFailedPrecondition(kv_->Get(*txn, "a", "k").status()));
  ASSERT_OK_AND_ASSIGN(auto t2, db_->Begin());
  ASSERT_OK(t2->Rollback());
  EXPECT_TRUE(absl::IsFailedPrecondition(kv_->Delete(*t2, "a", "k").status()));
}

TEST_F(TransactionTest, SnapshotSeesEveryNamespaceAsOfOneMoment) {
  ASSERT_OK(kv_->Put("a", "k", "1"));
  ASSERT_OK(kv_->Put("b", "k", "1"));
  ASSERT_OK_AND_ASSIGN(auto snap, db_->GetSnapshot());
  uint64_t seq = snap->sequence();
  EXPECT_EQ(seq, db_->LastSequence());
  ASSERT_OK(db_->RunTransaction([&](Transaction& txn) -> absl::Status {
    RETURN_IF_ERROR(kv_->Put(txn, "a", "k", "2"));
    return kv_->Put(txn, "b", "k", "2");
  }));
  ASSERT_OK_AND_ASSIGN(auto a, kv_->Get(*snap, "a", "k"));
  ASSERT_OK_AND_ASSIGN(auto b, kv_->Get(*snap, "b", "k"));
  EXPECT_EQ(a, "1");
  EXPECT_EQ(b, "1");
  ASSERT_OK_AND_ASSIGN(auto c, kv_->Scan(*snap, "a", {}));
  ASSERT_TRUE(c->Valid());
  EXPECT_EQ(c->entry().value, "1");
  c.reset();
  EXPECT_EQ(Read("a", "k"), "2");
  EXPECT_EQ(db_->LastSequence(), seq + 2);
}

}  // namespace
}  // namespace tessera
