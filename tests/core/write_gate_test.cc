// The engine's write gate (engine.h TryEnterFast, txn_impl.h "Direct mode"): auto-commit fast
// writers and transactions that take RocksDB locks never run at once, and the gate's counters
// return to zero however a transaction ends.
#include <atomic>
#include <thread>

#include "core/engine/engine.h"
#include "core/engine/txn_impl.h"
#include "tessera/kv.h"
#include "tests/util/kv_test_util.h"

namespace tessera {
namespace {

using internal::Cf;
using internal::Engine;

class WriteGateTest : public test::KvDbTest {
 protected:
  Engine& engine() { return db_->engine(); }
  void ExpectGateEmpty(int line) {
    const Engine::GateCounts c = engine().gate_counts();
    EXPECT_EQ(c.fast_writers, 0) << "line " << line;
    EXPECT_EQ(c.lockers, 0) << "line " << line;
  }
};

TEST_F(WriteGateTest, CountersReturnToZeroHoweverATransactionEnds) {
  std::string value;
  bool found = false;
  ASSERT_OK(kv_->Put("ns", "k", "v"));  // an auto-commit put (direct mode)
  ExpectGateEmpty(__LINE__);
  {  // committed
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin({}));
    ASSERT_OK_AND_ASSIGN(auto read, kv_->Get(*txn, "ns", "k"));  // reads do not enter
    EXPECT_EQ(read, "v");
    EXPECT_EQ(engine().gate_counts().lockers, 0);
    ASSERT_OK(kv_->Put(*txn, "ns", "k", "t"));
    EXPECT_EQ(engine().gate_counts().lockers, 1);
    ASSERT_OK(txn->Commit());
    ExpectGateEmpty(__LINE__);
  }
  {  // rolled back
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin({}));
    ASSERT_OK(kv_->Put(*txn, "ns", "k", "r"));
    EXPECT_EQ(engine().gate_counts().lockers, 1);
    ASSERT_OK(txn->Rollback());
    ExpectGateEmpty(__LINE__);
  }
  {  // destroyed while active
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin({}));
    ASSERT_OK(txn->impl().Lock(Cf::kData, "x"));
    EXPECT_EQ(engine().gate_counts().lockers, 1);
  }
  ExpectGateEmpty(__LINE__);
  {  // a commit, then a second one, which is refused and holds nothing
    ASSERT_OK_AND_ASSIGN(auto txn, engine().BeginTxn("test"));
    ASSERT_OK(txn->GetForUpdate(Cf::kData, "y", &value, &found));
    EXPECT_EQ(engine().gate_counts().lockers, 1);
    ASSERT_OK(txn->Commit());
    EXPECT_FALSE(txn->Commit().ok());  // finished: refused, nothing held
    ExpectGateEmpty(__LINE__);
  }
  {  // direct mode: committed, rolled back, destroyed, and a refused commit
    auto d = engine().BeginDirect("test");
    ASSERT_OK(d->LockAndRead(Cf::kData, "a", &value, &found));
    EXPECT_EQ(engine().gate_counts().fast_writers, 1);
    ASSERT_OK(d->PutDirect(Cf::kData, "a", "1"));
    ASSERT_OK(d->Commit());
    ExpectGateEmpty(__LINE__);
    d = engine().BeginDirect("test");
    ASSERT_OK(d->LockAndRead(Cf::kData, "a", &value, &found));
    EXPECT_EQ(value, "1");
    ASSERT_OK(d->Rollback());
    ExpectGateEmpty(__LINE__);
    d = engine().BeginDirect("test");
    ASSERT_OK(d->LockAndRead(Cf::kData, "a", &value, &found));
    d.reset();
    ExpectGateEmpty(__LINE__);
    d = engine().BeginDirect("test");
    ASSERT_OK(d->LockAndRead(Cf::kData, "a", &value, &found));
    // More than direct mode offers: the attempt gives up, its commit fails, nothing is written.
    EXPECT_TRUE(absl::IsAborted(d->Put(Cf::kData, "a", "2")));
    EXPECT_TRUE(d->needs_transaction());
    EXPECT_FALSE(d->Commit().ok());
    d.reset();
    ExpectGateEmpty(__LINE__);
  }
  {  // a direct-mode writer finds a locker in the gate: it steps back without waiting
    ASSERT_OK_AND_ASSIGN(auto txn, engine().BeginTxn("test", /*snapshot=*/false));
    ASSERT_OK(txn->Lock(Cf::kData, "z"));
    const int64_t refused = engine().gate_counts().refused;
    auto d = engine().BeginDirect("test");
    EXPECT_TRUE(absl::IsAborted(d->LockAndRead(Cf::kData, "a", &value, &found)));
    EXPECT_TRUE(d->needs_transaction());
    EXPECT_EQ(engine().gate_counts().refused, refused + 1);
    EXPECT_EQ(engine().gate_counts().fast_writers, 0);
    d.reset();
    ASSERT_OK(txn->Commit());
    ExpectGateEmpty(__LINE__);
  }
  ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("ns", "k"));
  EXPECT_EQ(v, "t");
}

TEST_F(WriteGateTest, DirectWritesOfUnlockedKeysAndSecondStripesAreRefused) {
  std::string value;
  bool found = false;
  auto d = engine().BeginDirect("test");
  EXPECT_TRUE(absl::IsInternal(d->PutDirect(Cf::kData, "a", "1")));  // not locked
  ASSERT_OK(d->LockAndRead(Cf::kData, "a", &value, &found));
  EXPECT_FALSE(found);
  // A key of another stripe: direct mode holds one stripe (no ordering among several).
  std::string other = "b";
  while (Engine::StripeOf(Cf::kData, other) == Engine::StripeOf(Cf::kData, "a")) other += "b";
  EXPECT_TRUE(absl::IsAborted(d->LockAndRead(Cf::kData, other, &value, &found)));
  EXPECT_TRUE(d->needs_transaction());
  // A thread inside a fast write cannot start another (it could wait for its own stripe), nor
  // take RocksDB locks (it would wait in the gate for itself): both are refused, not deadlocked.
  auto nested = engine().BeginDirect("test");
  EXPECT_TRUE(absl::IsAborted(nested->LockAndRead(Cf::kData, "a", &value, &found)));
  ASSERT_OK_AND_ASSIGN(auto txn, engine().BeginTxn("test", /*snapshot=*/false));
  EXPECT_TRUE(absl::IsInternal(txn->Lock(Cf::kData, "a")));
  d.reset();
  // An exclusive lock of a meta key (schema locks are taken exclusively by transactions only).
  auto m = engine().BeginDirect("test");
  EXPECT_TRUE(absl::IsAborted(m->LockAndRead(Cf::kMeta, "s", &value, &found)));
  ASSERT_OK(m->Lock(Cf::kMeta, "s", /*exclusive=*/false));  // shared: the gate itself
  EXPECT_TRUE(absl::IsAborted(m->Lock(Cf::kMeta, "s", /*exclusive=*/true)));
}

TEST_F(WriteGateTest, ThreadTakingItsFirstLockWaitsForFastWritersInFlight) {
  // A direct-mode writer has locked and written k but not committed. A transaction on another
  // thread that locks k must wait for it (the gate), then read its write under its lock.
  std::string value;
  bool found = false;
  auto d = engine().BeginDirect("test");
  ASSERT_OK(d->LockAndRead(Cf::kData, "k", &value, &found));
  ASSERT_OK(d->PutDirect(Cf::kData, "k", "fast"));
  std::atomic<bool> locked{false};
  std::string seen;
  bool seen_found = false;
  std::thread locker([&] {
    auto txn = engine().BeginTxn("test", /*snapshot=*/false);
    ASSERT_OK(txn.status());
    ASSERT_OK((*txn)->GetForUpdate(Cf::kData, "k", &seen, &seen_found));
    locked = true;
    ASSERT_OK((*txn)->Put(Cf::kData, "k", "locked"));
    ASSERT_OK((*txn)->Commit());
  });
  while (engine().gate_counts().lockers == 0) std::this_thread::yield();
  // The locker is in the gate, so it cannot lock k while this writer is in flight (given the
  // chance: a broken gate would let it through here).
  for (int i = 0; i < 1000 && !locked.load(); ++i) std::this_thread::yield();
  EXPECT_FALSE(locked.load());
  ASSERT_OK(d->Commit());
  locker.join();
  EXPECT_TRUE(seen_found);
  EXPECT_EQ(seen, "fast");
  ASSERT_OK(engine().latest().Get(Cf::kData, "k", &value, &found));
  EXPECT_EQ(value, "locked");
  ExpectGateEmpty(__LINE__);
}

TEST_F(WriteGateTest, PutUnlockedLocksTheKeyInRocksDbSoItEntersTheGate) {
  // Review (session 10): RocksDB's PutUntracked, behind TxnImpl::PutUnlocked, still takes the
  // key's lock in a pessimistic TransactionDB (rocksdb/utilities/transaction.h, "will still
  // acquire locks"). A transaction holding that lock outside the gate lets a fast writer write
  // the same key meanwhile: its write is then overwritten by the transaction's commit, and the
  // fast writer's event is not the before-image of the next one.
  ASSERT_OK_AND_ASSIGN(auto txn, engine().BeginTxn("test", /*snapshot=*/false));
  ASSERT_OK(txn->PutUnlocked(Cf::kData, "k", "txn"));
  {  // RocksDB holds k's lock for txn: another transaction cannot take it.
    ASSERT_OK_AND_ASSIGN(auto other, engine().BeginTxn("test", /*snapshot=*/false));
    EXPECT_TRUE(IsConflict(other->Lock(Cf::kData, "k")));
  }
  EXPECT_EQ(engine().gate_counts().lockers, 1);
  std::string value;
  bool found = false;
  auto d = engine().BeginDirect("test");
  EXPECT_TRUE(absl::IsAborted(d->LockAndRead(Cf::kData, "k", &value, &found)))
      << "a fast writer got k while a transaction holds its RocksDB lock";
  d.reset();
  ASSERT_OK(txn->Commit());
  ExpectGateEmpty(__LINE__);
}

}  // namespace
}  // namespace tessera
