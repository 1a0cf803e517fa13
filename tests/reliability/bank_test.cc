// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Bank transfers across models: accounts live in a key-value namespace, a document collection
// and a wide-column table; many threads move random amounts between random accounts inside
// DB::RunTransaction (read both balances, write both back). Snapshot isolation with conflict
// retries must keep the total constant at every snapshot and lose no update: each account's final
// balance equals its initial balance plus the deltas of the transfers that reported success.
//
// TESSERA_BANK_TRANSFERS sets the transfers per thread (default 150).
#include <atomic>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tessera/doc.h"
#include "tessera/kv.h"
#include "tessera/wide.h"
#include "tests/util/test_util.h"

namespace tessera {
namespace {

constexpr int kPerModel = 6;  // accounts per model
constexpr int kAccounts = 3 * kPerModel;
constexpr int64_t kInitial = 1000;
constexpr int kThreads = 6;

class BankTest : public test::DbTest {
 protected:
  void SetUp() override {
    test::DbTest::SetUp();
    ASSERT_OK_AND_ASSIGN(kv_, KvStore::Open(db_.get()));
    ASSERT_OK_AND_ASSIGN(docs_, DocStore::Open(db_.get()));
    ASSERT_OK_AND_ASSIGN(wide_, WideStore::Open(db_.get()));
    ASSERT_OK(wide_->CreateFamily("wacct", "f"));
    for (int a = 0; a < kAccounts; ++a) {
      ASSERT_OK(db_->RunTransaction([&](Transaction& txn) { return Write(txn, a, kInitial); }));
    }
  }
  void TearDown() override {
    kv_.reset();
    docs_.reset();
    wide_.reset();
    test::DbTest::TearDown();
  }

  static std::string Name(int a) { return "a" + std::to_string(a); }

  // Account a: 0..kPerModel-1 in kv, then documents, then wide rows.
  absl::StatusOr<int64_t> Read(const ReadView& view, int a) {
    if (a < kPerModel) {
      ASSIGN_OR_RETURN(auto v, kv_->Get(view, "kacct", Name(a)));
      if (!v) return absl::NotFoundError(Name(a));
      return std::stoll(*v);
    }
    if (a < 2 * kPerModel) {
      ASSIGN_OR_RETURN(auto d, docs_->Get(view, "dacct", Name(a)));
      if (!d) return absl::NotFoundError(Name(a));
      return (*d)["bal"].get<int64_t>();
    }
    ASSIGN_OR_RETURN(auto row, wide_->Get(view, "wacct", Name(a)));
    if (!row) return absl::NotFoundError(Name(a));
    return std::stoll(row->cells[0].value);
  }

  absl::Status Write(Transaction& txn, int a, int64_t balance) {
    if (a < kPerModel) return kv_->Put(txn, "kacct", Name(a), std::to_string(balance));
    if (a < 2 * kPerModel) {
      Document d = {{"_id", Name(a)}, {"bal", balance}};
      ASSIGN_OR_RETURN(bool replaced, docs_->Replace(txn, "dacct", Name(a), d));
      if (!replaced) return docs_->Insert(txn, "dacct", {d}).status();
      return absl::OkStatus();
    }
    return wide_->Put(txn, "wacct", Name(a), {{"f", "bal", std::to_string(balance)}});
  }

  std::unique_ptr<KvStore> kv_;
  std::unique_ptr<DocStore> docs_;
  std::unique_ptr<WideStore> wide_;
};

TEST_F(BankTest, TransfersAcrossModelsPreserveTotalAndLoseNoUpdate) {
  const char* env = std::getenv("TESSERA_BANK_TRANSFERS");
  const int per_thread = env != nullptr ? std::atoi(env) : 150;
  std::atomic<bool> done{false};
  std::atomic<int> retries{0};
  std::vector<std::map<int, int64_t>> ledgers(kThreads);  // per thread: account -> delta
  std::vector<int> committed(kThreads, 0);
  std::vector<std::string> errors(kThreads);

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(1234 + t);
      std::uniform_int_distribution<int> pick(0, kAccounts - 1);
      std::uniform_int_distribution<int64_t> amount(1, 50);
      RetryOptions retry{.max_attempts = 1000, .initial_backoff_us = 50, .max_backoff_us = 2000};
      for (int i = 0; i < per_thread; ++i) {
        const int from = pick(rng);
        int to = pick(rng);
        if (to == from) to = (to + 1) % kAccounts;
        const int64_t amt = amount(rng);
        int64_t moved = 0;
        int attempts = 0;
        absl::Status s = db_->RunTransaction(
            [&](Transaction& txn) -> absl::Status {
              ++attempts;
              moved = 0;
              ASSIGN_OR_RETURN(int64_t a, Read(txn, from));
              ASSIGN_OR_RETURN(int64_t b, Read(txn, to));
              if (a < amt) return absl::OkStatus();  // insufficient funds: no transfer
              RETURN_IF_ERROR(Write(txn, from, a - amt));
              RETURN_IF_ERROR(Write(txn, to, b + amt));
              moved = amt;
              return absl::OkStatus();
            },
            retry);
        retries += attempts - 1;
        if (!s.ok()) {
          errors[t] = s.ToString();
          return;
        }
        if (moved > 0) {
          ledgers[t][from] -= moved;
          ledgers[t][to] += moved;
          ++committed[t];
        }
      }
    });
  }
  // A reader checks the invariant on consistent snapshots while the transfers run.
  int snapshots_checked = 0;
  std::string reader_error;
  std::thread reader([&] {
    while (!done.load() || snapshots_checked == 0) {
      auto snap = db_->GetSnapshot();
      if (!snap.ok()) {
        reader_error = snap.status().ToString();
        return;
      }
      int64_t total = 0;
      for (int a = 0; a < kAccounts; ++a) {
        auto v = Read(**snap, a);
        if (!v.ok()) {
          reader_error = v.status().ToString();
          return;
        }
        total += *v;
      }
      if (total != kInitial * kAccounts) {
        reader_error = "snapshot total " + std::to_string(total);
        return;
      }
      ++snapshots_checked;
    }
  });
  for (auto& th : threads) th.join();
  done = true;
  reader.join();

  for (int t = 0; t < kThreads; ++t) ASSERT_EQ(errors[t], "") << "thread " << t;
  ASSERT_EQ(reader_error, "");
  std::map<int, int64_t> expected;
  int transfers = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (const auto& [a, d] : ledgers[t]) expected[a] += d;
    transfers += committed[t];
  }
  EXPECT_GT(transfers, 0);
  for (int pass = 0; pass < 2; ++pass) {  // before and after a reopen
    ASSERT_OK_AND_ASSIGN(auto snap, db_->GetSnapshot());
    int64_t total = 0;
    for (int a = 0; a < kAccounts; ++a) {
      ASSERT_OK_AND_ASSIGN(int64_t bal, Read(*snap, a));
      EXPECT_EQ(bal, kInitial + expected[a]) << "lost update on account " << a;
      EXPECT_GE(bal, 0);
      total += bal;
    }
    EXPECT_EQ(total, kInitial * kAccounts);
    snap.reset();
    kv_.reset();
    docs_.reset();
    wide_.reset();
    Reopen();
    ASSERT_OK_AND_ASSIGN(kv_, KvStore::Open(db_.get()));
    ASSERT_OK_AND_ASSIGN(docs_, DocStore::Open(db_.get()));
    ASSERT_OK_AND_ASSIGN(wide_, WideStore::Open(db_.get()));
  }
  std::printf("bank: %d transfers committed, %d conflict retries, %d snapshots checked\n",
              transfers, retries.load(), snapshots_checked);
}

}  // namespace
}  // namespace tessera
