// The key-value model: every operation, scans in both directions with bounds, counters, CAS,
// batches and bad input.
#include "tessera/kv.h"

#include <malloc.h>

#include <map>
#include <random>
#include <thread>

#if defined(__SANITIZE_ADDRESS__)
#define TESSERA_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TESSERA_TEST_ASAN 1
#endif
#endif
#if TESSERA_TEST_ASAN
// From ASan's allocator interface (sanitizer/allocator_interface.h, not always installed).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

#include "core/engine/engine.h"
#include "rocksdb/perf_context.h"
#include "rocksdb/perf_level.h"
#include "tests/util/kv_test_util.h"

namespace tessera {
namespace {

class KvStoreTest : public test::KvDbTest {
 protected:
  std::vector<std::string> Keys(std::string_view ns, const KvScanOptions& o) {
    std::vector<std::string> out;
    auto c = kv_->Scan(ns, o);
    EXPECT_TRUE(c.ok()) << c.status();
    if (!c.ok()) return out;
    for (; (*c)->Valid(); (*c)->Next()) out.emplace_back((*c)->entry().key);
    EXPECT_OK((*c)->status());
    return out;
  }
};

using Strings = std::vector<std::string>;

TEST_F(KvStoreTest, PutGetDeleteRoundTripBinaryData) {
  std::string key("k\0\xff", 3), value("v\0\x01\xfe", 4);
  ASSERT_OK(kv_->Put("ns", key, value));
  ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("ns", key));
  EXPECT_EQ(v, value);
  ASSERT_OK(kv_->Put("ns", key, ""));  // empty values are values
  ASSERT_OK_AND_ASSIGN(v, kv_->Get("ns", key));
  EXPECT_EQ(v, "");
  ASSERT_OK_AND_ASSIGN(bool deleted, kv_->Delete("ns", key));
  EXPECT_TRUE(deleted);
  ASSERT_OK_AND_ASSIGN(v, kv_->Get("ns", key));
  EXPECT_EQ(v, std::nullopt);
  ASSERT_OK_AND_ASSIGN(deleted, kv_->Delete("ns", key));
  EXPECT_FALSE(deleted);
}

TEST_F(KvStoreTest, MissingNamespaceReadsAsEmpty) {
  ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("nothing", "k"));
  EXPECT_EQ(v, std::nullopt);
  EXPECT_TRUE(Keys("nothing", {}).empty());
  ASSERT_OK_AND_ASSIGN(bool deleted, kv_->Delete("nothing", "k"));
  EXPECT_FALSE(deleted);
  ASSERT_OK_AND_ASSIGN(auto names, kv_->ListNamespaces());
  EXPECT_TRUE(names.empty());  // reads and deletes do not create namespaces
}

TEST_F(KvStoreTest, ScanInTransactionStaysInsideItsRange) {
  // Regression: RocksDB's transaction iterator does not bound the transaction's own writes, so a
  // scan could return the transaction's writes to other namespaces or outside from/to.
  ASSERT_OK(kv_->Put("a", "k1", "v"));
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin({}));
  ASSERT_OK(kv_->Put(*txn, "b", "k0", "other namespace"));
  ASSERT_OK(kv_->Put(*txn, "a", "k2", "mine"));
  ASSERT_OK(kv_->Put(*txn, "a", "z9", "outside"));
  for (bool reverse : {false, true}) {
    ASSERT_OK_AND_ASSIGN(auto c, kv_->Scan(*txn, "a", {.to = "z", .reverse = reverse}));
    Strings keys;
    for (; c->Valid(); c->Next()) keys.emplace_back(c->entry().key);
    ASSERT_OK(c->status());
    EXPECT_EQ(keys, reverse ? (Strings{"k2", "k1"}) : (Strings{"k1", "k2"}));
  }
  ASSERT_OK(txn->Rollback());
}

TEST_F(KvStoreTest, NamespacesAreIsolated) {
  ASSERT_OK(kv_->Put("a", "k", "1"));
  ASSERT_OK(kv_->Put("b", "k", "2"));
  ASSERT_OK(kv_->Put("aa", "k", "3"));
  EXPECT_EQ(Keys("a", {}), Strings{"k"});
  ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("b", "k"));
  EXPECT_EQ(v, "2");
  ASSERT_OK_AND_ASSIGN(auto names, kv_->ListNamespaces());
  EXPECT_EQ(names, (Strings{"a", "aa", "b"}));
}

TEST_F(KvStoreTest, ScansHonourPrefixBoundsLimitAndDirection) {
  for (std::string k : {"a", "ab", "abc", "abd", "b", "ba", "c"}) ASSERT_OK(kv_->Put("ns", k, k));
  EXPECT_EQ(Keys("ns", {}), (Strings{"a", "ab", "abc", "abd", "b", "ba", "c"}));
  KvScanOptions o;
  o.prefix = "ab";
  EXPECT_EQ(Keys("ns", o), (Strings{"ab", "abc", "abd"}));
  o.reverse = true;
  EXPECT_EQ(Keys("ns", o), (Strings{"abd", "abc", "ab"}));
  o = {};
  o.from = "ab";
  o.to = "b";  // exclusive
  EXPECT_EQ(Keys("ns", o), (Strings{"ab", "abc", "abd"}));
  o.reverse = true;
  EXPECT_EQ(Keys("ns", o), (Strings{"abd", "abc", "ab"}));
  o.limit = 2;
  EXPECT_EQ(Keys("ns", o), (Strings{"abd", "abc"}));
  o = {};
  o.limit = 1;
  EXPECT_EQ(Keys("ns", o), Strings{"a"});
  o = {};
  o.from = "b";
  EXPECT_EQ(Keys("ns", o), (Strings{"b", "ba", "c"}));
  o = {};
  o.to = "ab";
  o.reverse = true;
  EXPECT_EQ(Keys("ns", o), Strings{"a"});
  o = {};
  o.prefix = "b";
  o.from = "a";  // bounds intersect the prefix range
  o.to = "bb";
  EXPECT_EQ(Keys("ns", o), (Strings{"b", "ba"}));
  o = {};
  o.from = "z";
  o.to = "a";  // empty range
  EXPECT_TRUE(Keys("ns", o).empty());
  o = {};
  o.prefix = "zz";
  EXPECT_TRUE(Keys("ns", o).empty());
}

TEST_F(KvStoreTest, PrefixOfAllFfBytesScansToTheEndOfTheNamespace) {
  std::string ff("\xff\xff", 2);
  ASSERT_OK(kv_->Put("ns", ff, "1"));
  ASSERT_OK(kv_->Put("ns", ff + "x", "2"));
  ASSERT_OK(kv_->Put("next", "a", "3"));  // the following namespace must not leak in
  KvScanOptions o;
  o.prefix = ff;
  EXPECT_EQ(Keys("ns", o), (Strings{ff, ff + "x"}));
}

TEST_F(KvStoreTest, ScanValuesStayValidUntilNext) {
  ASSERT_OK(kv_->Put("ns", "a", "va"));
  ASSERT_OK(kv_->Put("ns", "b", "vb"));
  ASSERT_OK_AND_ASSIGN(auto c, kv_->Scan("ns", {}));
  ASSERT_TRUE(c->Valid());
  EXPECT_EQ(c->entry().key, "a");
  EXPECT_EQ(c->entry().value, "va");
  c->Next();
  EXPECT_EQ(c->entry().value, "vb");
}

TEST_F(KvStoreTest, ScanSeesAConsistentSnapshot) {
  for (int i = 0; i < 10; ++i) ASSERT_OK(kv_->Put("ns", "k" + std::to_string(i), "old"));
  ASSERT_OK_AND_ASSIGN(auto c, kv_->Scan("ns", {}));
  for (int i = 0; i < 10; ++i) ASSERT_OK(kv_->Put("ns", "k" + std::to_string(i), "new"));
  ASSERT_OK(kv_->Put("ns", "k99", "new"));
  int n = 0;
  for (; c->Valid(); c->Next(), ++n) EXPECT_EQ(c->entry().value, "old");
  EXPECT_EQ(n, 10);
}

TEST_F(KvStoreTest, MultiGetReturnsValuesInOrder) {
  ASSERT_OK(kv_->Put("ns", "a", "1"));
  ASSERT_OK(kv_->Put("ns", "c", "3"));
  ASSERT_OK_AND_ASSIGN(auto vs, kv_->MultiGet("ns", {"c", "b", "a", "c"}));
  ASSERT_EQ(vs.size(), 4u);
  EXPECT_EQ(vs[0], "3");
  EXPECT_EQ(vs[1], std::nullopt);
  EXPECT_EQ(vs[2], "1");
  EXPECT_EQ(vs[3], "3");
  ASSERT_OK_AND_ASSIGN(auto none, kv_->MultiGet("missing", {"a"}));
  EXPECT_EQ(none[0], std::nullopt);
}

TEST_F(KvStoreTest, BatchIsAtomic) {
  ASSERT_OK(kv_->Put("ns", "gone", "x"));
  ASSERT_OK(kv_->WriteBatch("ns", {{"a", "1", 0}, {"b", "2", 0}, {"gone", std::nullopt, 0}}));
  EXPECT_EQ(Keys("ns", {}), (Strings{"a", "b"}));
  // A bad write anywhere in the batch leaves nothing of it.
  absl::Status s = kv_->WriteBatch("ns", {{"c", "3", 0}, {"", "bad", 0}});
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_EQ(Keys("ns", {}), (Strings{"a", "b"}));
}

TEST_F(KvStoreTest, IncrementCountsAndRejectsNonIntegers) {
  ASSERT_OK_AND_ASSIGN(int64_t v, kv_->Increment("ns", "n"));
  EXPECT_EQ(v, 1);
  ASSERT_OK_AND_ASSIGN(v, kv_->Increment("ns", "n", 41));
  EXPECT_EQ(v, 42);
  ASSERT_OK_AND_ASSIGN(v, kv_->Increment("ns", "n", -50));
  EXPECT_EQ(v, -8);
  ASSERT_OK_AND_ASSIGN(auto text, kv_->Get("ns", "n"));
  EXPECT_EQ(text, "-8");
  ASSERT_OK(kv_->Put("ns", "s", "hello"));
  absl::Status s = kv_->Increment("ns", "s").status();
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_NE(s.message().find("not a decimal integer"), std::string::npos);
  ASSERT_OK(kv_->Put("ns", "big", "9223372036854775807"));
  s = kv_->Increment("ns", "big").status();
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  ASSERT_OK_AND_ASSIGN(text, kv_->Get("ns", "big"));
  EXPECT_EQ(text, "9223372036854775807");
}

TEST_F(KvStoreTest, CountersSurviveFlushCompactionAndReopen) {
  for (int i = 0; i < 100; ++i) ASSERT_OK(kv_->Increment("ns", "n", 2).status());
  ReopenKv();
  ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("ns", "n"));
  EXPECT_EQ(v, "200");
  ASSERT_OK_AND_ASSIGN(int64_t n, kv_->Increment("ns", "n", 1));
  EXPECT_EQ(n, 201);
}

TEST_F(KvStoreTest, ConcurrentIncrementsLoseNothing) {
  constexpr int kThreads = 4, kEach = 250;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        auto r = kv_->Increment("ns", "hot");
        EXPECT_TRUE(r.ok()) << r.status();
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("ns", "hot"));
  EXPECT_EQ(v, std::to_string(kThreads * kEach));
}

TEST_F(KvStoreTest, CompareAndSet) {
  ASSERT_OK_AND_ASSIGN(bool swapped, kv_->CompareAndSet("ns", "k", std::nullopt, "v1"));
  EXPECT_TRUE(swapped);  // absent -> v1
  ASSERT_OK_AND_ASSIGN(swapped, kv_->CompareAndSet("ns", "k", std::nullopt, "v2"));
  EXPECT_FALSE(swapped);  // not absent any more
  ASSERT_OK_AND_ASSIGN(swapped, kv_->CompareAndSet("ns", "k", "wrong", "v2"));
  EXPECT_FALSE(swapped);
  ASSERT_OK_AND_ASSIGN(swapped, kv_->CompareAndSet("ns", "k", "v1", "v2"));
  EXPECT_TRUE(swapped);
  ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("ns", "k"));
  EXPECT_EQ(v, "v2");
  ASSERT_OK_AND_ASSIGN(swapped, kv_->CompareAndSet("ns", "k", "v2", std::nullopt));
  EXPECT_TRUE(swapped);  // delete on match
  ASSERT_OK_AND_ASSIGN(v, kv_->Get("ns", "k"));
  EXPECT_EQ(v, std::nullopt);
}

TEST_F(KvStoreTest, BadInputGetsClearErrors) {
  absl::Status s = kv_->Put("ns", "", "v");
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_NE(s.message().find("key is empty"), std::string::npos);
  s = kv_->Put("ns", std::string(kMaxKvKeyBytes + 1, 'k'), "v");
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_NE(s.message().find("8193 bytes"), std::string::npos) << s;
  ASSERT_OK(kv_->Put("ns", std::string(kMaxKvKeyBytes, 'k'), "v"));
  s = kv_->Put("ns", "k", std::string(kMaxKvValueBytes + 1, 'v'));
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_NE(s.message().find("value is"), std::string::npos) << s;
  s = kv_->Put("ns", "k", "v", {.ttl_seconds = -1});
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_NE(s.message().find("ttl"), std::string::npos) << s;
  s = kv_->Put("bad name", "k", "v");
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_NE(s.message().find("bad name"), std::string::npos) << s;
  EXPECT_TRUE(absl::IsInvalidArgument(kv_->Get("ns", "").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(kv_->Delete("ns", "").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(kv_->Increment("ns", "").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(kv_->MultiGet("ns", {"a", ""}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(kv_->Scan("bad/ns", {}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(KvStore::Open(nullptr).status()));
}

}  // namespace
}  // namespace tessera

namespace tessera {
namespace {

// Guards the event's before-image, which the write path takes out of the stored envelope in
// place (kv_store.cc, Event): with and without an expiry in the envelope, for puts, compare and
// set, increments and deletes, against a model of the namespace, on random operations.
TEST_F(KvStoreTest, EventBeforeImagesArePreviousPayloadsOnRandomWrites) {
  std::mt19937_64 rng(17);
  std::map<std::string, std::string> model;
  struct Expected {
    ChangeOp op;
    std::string key;
    std::optional<std::string> before, after;
  };
  std::vector<Expected> expected;
  for (int i = 0; i < 400; ++i) {
    const std::string key = "k" + std::to_string(rng() % 12);
    std::optional<std::string> before;
    if (auto it = model.find(key); it != model.end()) before = it->second;
    const ChangeOp write = before ? ChangeOp::kUpdate : ChangeOp::kCreate;
    switch (rng() % 5) {
      case 0: {  // a put with an expiry far away: the envelope carries it
        std::string v(rng() % 300, static_cast<char>('a' + i % 26));
        ASSERT_OK(kv_->Put("ns", key, v, {.ttl_seconds = 3600}));
        expected.push_back({write, key, before, v});
        model[key] = v;
        break;
      }
      case 1: {
        std::string v(rng() % 300, static_cast<char>('A' + i % 26));
        ASSERT_OK(kv_->Put("ns", key, v));
        expected.push_back({write, key, before, v});
        model[key] = v;
        break;
      }
      case 2: {
        ASSERT_OK_AND_ASSIGN(bool deleted, kv_->Delete("ns", key));
        ASSERT_EQ(deleted, before.has_value());
        if (before) expected.push_back({ChangeOp::kDelete, key, before, std::nullopt});
        model.erase(key);
        break;
      }
      case 3: {
        std::string v = "cas" + std::to_string(i);
        ASSERT_OK_AND_ASSIGN(bool swapped, kv_->CompareAndSet("ns", key, before, v, {}));
        ASSERT_TRUE(swapped);
        expected.push_back({write, key, before, v});
        model[key] = v;
        break;
      }
      default: {
        if (before &&
            (before->empty() || before->find_first_not_of("0123456789") != std::string::npos)) {
          break;
        }
        ASSERT_OK_AND_ASSIGN(int64_t n, kv_->Increment("ns", key, 3));
        expected.push_back({write, key, before, std::to_string(n)});
        model[key] = std::to_string(n);
        break;
      }
    }
  }
  ChangeReadOptions o;
  o.limit = 10000;
  ASSERT_OK_AND_ASSIGN(std::vector<ChangeEvent> events, db_->ReadChanges(o));
  ASSERT_EQ(events.size(), expected.size());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].op, expected[i].op) << i;
    EXPECT_EQ(events[i].key, expected[i].key) << i;
    EXPECT_EQ(events[i].before, expected[i].before) << i;
    EXPECT_EQ(events[i].after, expected[i].after) << i;
  }
}

}  // namespace
}  // namespace tessera

// Direct writes (TxnImpl::PutDirect): the auto-commit put and delete write their key outside
// RocksDB's indexed transaction batch, after locking it. They must behave exactly as the same
// writes in a transaction, and keep the key's lock, before-image and event order.
#include "core/engine/txn_impl.h"

namespace tessera {
namespace {

struct EventView {
  ChangeOp op;
  std::string key;
  std::optional<std::string> before, after;
  uint32_t txn_events;
  bool operator==(const EventView&) const = default;
};

std::vector<EventView> EventsOf(DB& db, std::string_view object) {
  ChangeReadOptions o;
  o.limit = 100000;
  auto events = db.ReadChanges(o);
  EXPECT_TRUE(events.ok()) << events.status();
  std::vector<EventView> out;
  if (!events.ok()) return out;
  for (const ChangeEvent& e : *events) {
    if (e.object == object) out.push_back({e.op, e.key, e.before, e.after, e.txn_events});
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Contents(KvStore& kv, std::string_view ns) {
  std::vector<std::pair<std::string, std::string>> out;
  auto c = kv.Scan(ns, {});
  EXPECT_TRUE(c.ok()) << c.status();
  if (!c.ok()) return out;
  for (; (*c)->Valid(); (*c)->Next()) {
    out.emplace_back(std::string((*c)->entry().key), std::string((*c)->entry().value));
  }
  EXPECT_OK((*c)->status());
  return out;
}

TEST_F(KvStoreTest, DirectWritesEqualTransactionalWritesOnRandomInputs) {
  std::mt19937_64 rng(91);
  for (int i = 0; i < 300; ++i) {
    const std::string key = "k" + std::to_string(rng() % 10);
    const uint64_t what = rng() % 4;
    const std::string value(rng() % 200, static_cast<char>('a' + i % 26));
    const KvPutOptions opts{.ttl_seconds = what == 1 ? 3600 : 0};
    if (what == 3) {
      ASSERT_OK_AND_ASSIGN(bool fast, kv_->Delete("fast", key));  // direct
      bool slow = false;
      ASSERT_OK(db_->RunTransaction([&](Transaction& txn) -> absl::Status {
        ASSIGN_OR_RETURN(slow, kv_->Delete(txn, "slow", key));
        return absl::OkStatus();
      }));
      ASSERT_EQ(fast, slow) << i;
    } else {
      ASSERT_OK(kv_->Put("fast", key, value, opts));  // direct
      ASSERT_OK(db_->RunTransaction(
          [&](Transaction& txn) { return kv_->Put(txn, "slow", key, value, opts); }));
    }
  }
  EXPECT_EQ(Contents(*kv_, "fast"), Contents(*kv_, "slow"));
  const std::vector<EventView> fast = EventsOf(*db_, "fast"), slow = EventsOf(*db_, "slow");
  EXPECT_GT(fast.size(), 200u);
  EXPECT_EQ(fast, slow);
  // The same after a reopen (the direct writes reached the WAL like commits).
  ReopenKv();
  EXPECT_EQ(Contents(*kv_, "fast"), Contents(*kv_, "slow"));
}

TEST_F(KvStoreTest, DirectPutAfterASnapshotReadMakesTheTransactionsWriteConflict) {
  // The lost update: a transaction reads k at its snapshot, an auto-commit put changes k, then
  // the transaction writes k: it must fail with a conflict, not overwrite the put.
  ASSERT_OK(kv_->Put("ns", "k", "v0"));
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin({}));
  ASSERT_OK_AND_ASSIGN(auto read, kv_->Get(*txn, "ns", "k"));
  EXPECT_EQ(read, "v0");
  ASSERT_OK(kv_->Put("ns", "k", "direct"));
  absl::Status s = kv_->Put(*txn, "ns", "k", read.value_or("") + "+1");
  if (s.ok()) s = txn->Commit();
  EXPECT_TRUE(IsConflict(s)) << s;
  ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("ns", "k"));
  EXPECT_EQ(v, "direct");
}

TEST_F(KvStoreTest, DirectPutWaitsForTheLockOfATransaction) {
  ASSERT_OK(kv_->Put("ns", "k", "v0"));
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin({}));
  ASSERT_OK(kv_->Put(*txn, "ns", "k", "t"));  // holds k's lock until it commits
  const int64_t refused = db_->engine().gate_counts().refused;
  absl::Status put;
  std::thread writer([&] { put = kv_->Put("ns", "k", "d"); });
  // The put found the transaction in the engine's gate (so it left its fast path for a RocksDB
  // transaction, which waits for k's lock) before the transaction commits.
  while (db_->engine().gate_counts().refused == refused) std::this_thread::yield();
  ASSERT_OK(txn->Commit());
  writer.join();
  ASSERT_OK(put);
  const std::vector<EventView> events = EventsOf(*db_, "ns");
  ASSERT_EQ(events.size(), 3u);
  // The direct put could only lock k after the transaction released it: its before-image is
  // the transaction's value and its event follows the transaction's.
  EXPECT_EQ(events[1].after, "t");
  EXPECT_EQ(events[2].before, "t");
  EXPECT_EQ(events[2].after, "d");
  ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("ns", "k"));
  EXPECT_EQ(v, "d");
}

TEST_F(KvStoreTest, DirectPutCannotWriteAKeyATransactionHoldsLocked) {
  // The deterministic half of the test above: while a live transaction holds k's lock, an
  // auto-commit put (on this very thread, so it cannot wait the transaction out) must give up
  // with Aborted after its lock timeouts and retries, and write nothing.
  ASSERT_OK(kv_->Put("ns", "k", "v0"));
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin({}));
  ASSERT_OK(kv_->Put(*txn, "ns", "k", "t"));
  absl::Status put = kv_->Put("ns", "k", "d");
  EXPECT_TRUE(absl::IsAborted(put)) << put;
  ASSERT_OK(txn->Commit());
  ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("ns", "k"));
  EXPECT_EQ(v, "t");
  const std::vector<EventView> events = EventsOf(*db_, "ns");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].before, "v0");
  EXPECT_EQ(events[1].after, "t");
}

TEST_F(KvStoreTest, ConcurrentDirectPutsAndTransactionsChainBeforeImages) {
  // Two threads put (direct writes), two increment in transactions that read at a snapshot
  // and compare-and-set (retried on conflicts). In sequence order every event's before-image
  // is the previous event's after-image, and no increment is lost.
  ASSERT_OK(kv_->Put("ns", "k", "0"));
  constexpr int kEach = 60;
  std::atomic<int> increments{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        EXPECT_OK(kv_->Put("ns", "k", std::to_string(1000000 * (t + 1) + i)));
      }
    });
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        absl::Status s = db_->RunTransaction(
            [&](Transaction& txn) -> absl::Status {
              ASSIGN_OR_RETURN(auto cur, kv_->Get(txn, "ns", "k"));
              const std::string next = std::to_string(std::stoll(cur.value_or("0")) + 1);
              ASSIGN_OR_RETURN(bool swapped, kv_->CompareAndSet(txn, "ns", "k", cur, next));
              if (!swapped) return absl::AbortedError("changed under the transaction");
              return absl::OkStatus();
            },
            {.max_attempts = 1000, .initial_backoff_us = 10, .max_backoff_us = 200});
        EXPECT_OK(s);
        if (s.ok()) increments.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  const std::vector<EventView> events = EventsOf(*db_, "ns");
  ASSERT_EQ(events.size(), 1u + 2 * kEach + increments.load());
  for (size_t i = 1; i < events.size(); ++i) {
    ASSERT_EQ(events[i].before, events[i - 1].after) << i;
    ASSERT_EQ(events[i].op, ChangeOp::kUpdate) << i;
  }
  ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("ns", "k"));
  EXPECT_EQ(v, events.back().after);
}

TEST_F(KvStoreTest, ConcurrentFastIncrementsCasAndTransactionsLoseNothingAndChainImages) {
  // Auto-commit increments and compare-and-sets (direct mode while no transaction holds locks)
  // race transactional read-modify-writes of the same keys: every increment lands, and each
  // key's events chain (before-image == the previous event's after-image).
  const std::vector<std::string> keys = {"c0", "c1", "c2"};
  for (const std::string& k : keys) ASSERT_OK(kv_->Put("ns", k, "0"));
  constexpr int kEach = 30;
  const RetryOptions retry{.max_attempts = 1000, .initial_backoff_us = 10, .max_backoff_us = 200};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        EXPECT_OK(kv_->Increment("ns", keys[(i + t) % 3], 1).status());
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < kEach; ++i) {
      for (;;) {
        ASSERT_OK_AND_ASSIGN(auto cur, kv_->Get("ns", keys[i % 3]));
        const std::string next = std::to_string(std::stoll(cur.value_or("0")) + 1);
        ASSERT_OK_AND_ASSIGN(bool swapped, kv_->CompareAndSet("ns", keys[i % 3], cur, next));
        if (swapped) break;
      }
    }
  });
  threads.emplace_back([&] {
    for (int i = 0; i < kEach; ++i) {
      EXPECT_OK(db_->RunTransaction(
          [&](Transaction& txn) -> absl::Status {
            ASSIGN_OR_RETURN(auto cur, kv_->Get(txn, "ns", keys[(i + 2) % 3]));
            return kv_->Put(txn, "ns", keys[(i + 2) % 3],
                            std::to_string(std::stoll(cur.value_or("0")) + 1));
          },
          retry));
    }
  });
  for (auto& t : threads) t.join();
  int64_t total = 0;
  for (const std::string& k : keys) {
    ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("ns", k));
    total += std::stoll(v.value_or("0"));
  }
  EXPECT_EQ(total, 4 * kEach);
  std::map<std::string, std::optional<std::string>> last;
  size_t n = 0;
  for (const EventView& e : EventsOf(*db_, "ns")) {
    if (last.count(e.key)) {
      ASSERT_EQ(e.before, last[e.key]) << e.key << " event " << n;
    }
    last[e.key] = e.after;
    ++n;
  }
  EXPECT_EQ(n, keys.size() + 4 * kEach);
  EXPECT_EQ(db_->engine().gate_counts().fast_writers, 0);
  EXPECT_EQ(db_->engine().gate_counts().lockers, 0);
}

TEST_F(KvStoreTest, DirectAndTransactionalWritesDoNotMix) {
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin({}));
  internal::TxnImpl& impl = txn->impl();
  ASSERT_OK(impl.Put(internal::Cf::kData, "a", "1"));
  EXPECT_TRUE(absl::IsFailedPrecondition(impl.PutDirect(internal::Cf::kData, "b", "2")));
  EXPECT_TRUE(absl::IsFailedPrecondition(impl.DeleteDirect(internal::Cf::kData, "b")));
  ASSERT_OK(txn->Rollback());
  ASSERT_OK_AND_ASSIGN(auto txn2, db_->Begin({}));
  internal::TxnImpl& impl2 = txn2->impl();
  bool found = true;
  std::string value;
  ASSERT_OK(impl2.LockAndRead(internal::Cf::kData, "b", &value, &found));
  EXPECT_FALSE(found);
  ASSERT_OK(impl2.PutDirect(internal::Cf::kData, "b", "2"));
  EXPECT_TRUE(absl::IsFailedPrecondition(impl2.Put(internal::Cf::kData, "c", "3")));
  EXPECT_TRUE(absl::IsFailedPrecondition(impl2.Delete(internal::Cf::kData, "c")));
  ASSERT_OK(txn2->Commit());
  ASSERT_OK_AND_ASSIGN(auto txn3, db_->Begin({}));
  ASSERT_OK(txn3->impl().GetForUpdate(internal::Cf::kData, "b", &value, &found));
  EXPECT_TRUE(found);
  EXPECT_EQ(value, "2");
  ASSERT_OK(txn3->Rollback());
}

// Bytes allocated on the heap now (ASan's allocator under ASan, glibc's otherwise).
int64_t HeapBytesInUse() {
#if TESSERA_TEST_ASAN
  return static_cast<int64_t>(__sanitizer_get_current_allocated_bytes());
#else
  const struct mallinfo2 mi = mallinfo2();
  return static_cast<int64_t>(mi.uordblks + mi.hblkhd);
#endif
}

// The auto-commit put builds the stored key and value in buffers its thread reuses (kv_store.cc
// PutIn): a put after a longer key and a much larger value, and one under another namespace,
// must store and log only their own bytes.
TEST_F(KvStoreTest, PutsReusingTheThreadsBuffersStoreAndLogOnlyTheirOwnBytes) {
  const std::string big(100 << 10, 'b');
  const std::string long_key(200, 'k');
  ASSERT_OK(kv_->Put("ns", long_key, big));
  ASSERT_OK(kv_->Put("ns", "k", "small"));
  ASSERT_OK(kv_->Put("other", "k", ""));
  ASSERT_OK(kv_->Put("ns", "k", "again"));
  ASSERT_OK_AND_ASSIGN(auto v1, kv_->Get("ns", long_key));
  EXPECT_EQ(v1, big);
  ASSERT_OK_AND_ASSIGN(auto v2, kv_->Get("ns", "k"));
  EXPECT_EQ(v2, "again");
  ASSERT_OK_AND_ASSIGN(auto v3, kv_->Get("other", "k"));
  EXPECT_EQ(v3, "");
  EXPECT_EQ(Keys("ns", {}), (Strings{"k", long_key}));
  ASSERT_OK_AND_ASSIGN(std::vector<ChangeEvent> events, db_->ReadChanges({}));
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].key, long_key);
  EXPECT_EQ(events[0].after, big);
  EXPECT_EQ(events[1].key, "k");
  EXPECT_EQ(events[1].op, ChangeOp::kCreate);
  EXPECT_EQ(events[1].after, "small");
  EXPECT_EQ(events[2].object, "other");
  EXPECT_EQ(events[2].after, "");
  EXPECT_EQ(events[3].op, ChangeOp::kUpdate);
  EXPECT_EQ(events[3].before, "small");
  EXPECT_EQ(events[3].after, "again");
}

// Tessera's writes run with RocksDB's perf counting off (engine.cc PerfCountingOff) and give the
// calling thread its own perf level back afterwards.
TEST_F(KvStoreTest, WritesDoNotCountIntoRocksPerfContextAndRestoreTheThreadsPerfLevel) {
  // However the test ends, this thread goes back to RocksDB's default level for later tests.
  struct DefaultLevelAfter {
    ~DefaultLevelAfter() { rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount); }
  } restore;
  ASSERT_OK(kv_->Put("ns", "a", "1"));  // the namespace exists before counting starts
  for (auto level : {rocksdb::PerfLevel::kEnableCount, rocksdb::PerfLevel::kEnableTime}) {
    rocksdb::SetPerfLevel(level);
    rocksdb::get_perf_context()->Reset();
    ASSERT_OK(kv_->Put("ns", "b", "2"));
    ASSERT_OK_AND_ASSIGN(int64_t n, kv_->Increment("ns", "n", 1));
    EXPECT_EQ(n, level == rocksdb::PerfLevel::kEnableCount ? 1 : 2);
    ASSERT_OK(kv_->Delete("ns", "b").status());
    // A transaction's closure (Engine::RunInTxn) as well.
    ASSERT_OK(db_->RunTransaction(
        [&](Transaction& txn) -> absl::Status { return kv_->Put(txn, "ns", "t", "x"); }));
    EXPECT_EQ(rocksdb::get_perf_context()->user_key_comparison_count, 0u);
    // And the commit of a transaction from DB::Begin (its reads, made by the caller's thread
    // outside any Tessera write call, count as the caller set; its commit does not).
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
    ASSERT_OK(kv_->Put(*txn, "ns", "u", "y"));
    rocksdb::get_perf_context()->Reset();
    ASSERT_OK(txn->Commit());
    EXPECT_EQ(rocksdb::get_perf_context()->user_key_comparison_count, 0u);
    EXPECT_EQ(rocksdb::GetPerfLevel(), level);
  }
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  ASSERT_OK(kv_->Put("ns", "c", "3"));
  EXPECT_EQ(rocksdb::GetPerfLevel(), rocksdb::PerfLevel::kDisable);
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);  // RocksDB's default
  ASSERT_OK_AND_ASSIGN(auto c, kv_->Get("ns", "c"));
  EXPECT_EQ(c, "3");
}

// A thread keeps its last direct-write batch for its next one (txn_impl.cc), but not one that
// grew past 64 KiB: a 2 MiB put must not leave the thread holding megabytes until it exits.
TEST_F(KvStoreTest, ThreadDoesNotKeepALargeDirectWriteBatch) {
  const std::string big(2 << 20, 'v');
  int64_t held = 0;
  std::thread writer([&] {
    ASSERT_OK(kv_->Put("ns", "k", big));  // direct: value + event (after-image) in the batch
    held = HeapBytesInUse();
  });
  writer.join();
  // What the thread still held after its put returned and freed at its exit.
  EXPECT_LT(held - HeapBytesInUse(), int64_t{1} << 20);
}

}  // namespace
}  // namespace tessera
