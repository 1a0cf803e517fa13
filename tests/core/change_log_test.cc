// The change log's write path: order, no gaps, exactly once, rollbacks absent, restarts.
#include <array>
#include <atomic>
#include <map>
#include <random>
#include <thread>

#include "core/catalog/catalog.h"
#include "core/changelog/change_log.h"
#include "core/changelog/event_codec.h"
#include "core/engine/engine.h"
#include "tessera/kv.h"
#include "tests/util/test_util.h"

namespace tessera {
namespace {

class ChangeLogTest : public test::DbTest {};

std::vector<ChangeEvent> ReadAll(DB* db) {
  std::vector<ChangeEvent> all;
  ChangeReadOptions o;
  o.limit = 5000;
  while (true) {
    auto batch = db->ReadChanges(o);
    EXPECT_TRUE(batch.ok()) << batch.status();
    if (!batch.ok() || batch->empty()) break;
    o.from_seq = batch->back().seq + 1;
    for (auto& e : *batch) all.push_back(std::move(e));
  }
  return all;
}

TEST_F(ChangeLogTest, EventsCarryOpsImagesAndTransactionPositions) {
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  ASSERT_OK(kv->Put("ns", "k", "v1"));
  ASSERT_OK(kv->Put("ns", "k", "v2"));
  ASSERT_OK_AND_ASSIGN(bool deleted, kv->Delete("ns", "k"));
  ASSERT_TRUE(deleted);
  ASSERT_OK_AND_ASSIGN(bool again, kv->Delete("ns", "k"));  // nothing to delete: no event
  ASSERT_FALSE(again);
  ASSERT_OK(db_->RunTransaction([&](Transaction& txn) -> absl::Status {
    RETURN_IF_ERROR(kv->Put(txn, "ns", "a", "1"));
    return kv->Put(txn, "other", "b", "2");
  }));
  auto events = ReadAll(db_.get());
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].op, ChangeOp::kCreate);
  EXPECT_FALSE(events[0].before.has_value());
  EXPECT_EQ(events[0].after, "v1");
  EXPECT_EQ(events[1].op, ChangeOp::kUpdate);
  EXPECT_EQ(events[1].before, "v1");
  EXPECT_EQ(events[1].after, "v2");
  EXPECT_EQ(events[2].op, ChangeOp::kDelete);
  EXPECT_EQ(events[2].before, "v2");
  EXPECT_FALSE(events[2].after.has_value());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].seq, i + 1);
    EXPECT_EQ(events[i].model, Model::kKeyValue);
  }
  // The two events of one transaction share its id and commit time and know their positions.
  EXPECT_EQ(events[3].txn_id, events[4].txn_id);
  EXPECT_EQ(events[3].commit_time_us, events[4].commit_time_us);
  EXPECT_EQ(events[3].txn_index, 0u);
  EXPECT_EQ(events[4].txn_index, 1u);
  EXPECT_EQ(events[3].txn_events, 2u);
  EXPECT_EQ(events[4].object, "other");
  EXPECT_EQ(events[4].key, "b");
  EXPECT_NE(events[0].txn_id, events[1].txn_id);
  for (size_t i = 1; i < events.size(); ++i) {
    EXPECT_GE(events[i].commit_time_us, events[i - 1].commit_time_us);
  }
}

TEST_F(ChangeLogTest, ConcurrentWritersGetStrictOrderNoGapsExactlyOnce) {
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  constexpr int kThreads = 4, kCommits = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCommits; ++i) {
        std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
        if (i % 10 == 9) {
          // Every tenth transaction is rolled back: none of it may appear.
          auto txn = db_->Begin();
          ASSERT_TRUE(txn.ok());
          ASSERT_OK(kv->Put(**txn, "ns", "rolled-" + key, "x"));
          ASSERT_OK((*txn)->Rollback());
        } else {
          ASSERT_OK(kv->Put("ns", key, std::to_string(i)));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  auto events = ReadAll(db_.get());
  const size_t expected = kThreads * (kCommits - kCommits / 10);
  ASSERT_EQ(events.size(), expected);
  std::map<std::string, int> seen;
  std::map<int, int> last_index_per_thread;
  for (size_t i = 0; i < events.size(); ++i) {
    ASSERT_EQ(events[i].seq, i + 1) << "gap or disorder at " << i;
    EXPECT_EQ(events[i].key.rfind("rolled-", 0), std::string::npos);
    seen[events[i].key]++;
    // Each thread's commits appear in that thread's program order.
    int t = events[i].key[1] - '0';
    int idx = std::stoi(events[i].key.substr(events[i].key.find('-') + 1));
    auto it = last_index_per_thread.find(t);
    if (it != last_index_per_thread.end()) {
      EXPECT_GT(idx, it->second);
    }
    last_index_per_thread[t] = idx;
  }
  EXPECT_EQ(seen.size(), expected);
  for (auto& [k, n] : seen) EXPECT_EQ(n, 1) << k;
  EXPECT_EQ(db_->LastSequence(), expected);
}

TEST_F(ChangeLogTest, NumberingContinuesAfterReopen) {
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  ASSERT_OK(kv->Put("ns", "a", "1"));
  ASSERT_OK(kv->Put("ns", "b", "2"));
  uint64_t txn_before = 0;
  {
    auto events = ReadAll(db_.get());
    txn_before = events.back().txn_id;
  }
  kv.reset();
  Reopen();
  ASSERT_OK_AND_ASSIGN(kv, KvStore::Open(db_.get()));
  EXPECT_EQ(db_->LastSequence(), 2u);
  ASSERT_OK(kv->Put("ns", "c", "3"));
  auto events = ReadAll(db_.get());
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].seq, 3u);
  EXPECT_NE(events[2].txn_id, txn_before);
  EXPECT_NE(events[2].txn_id, events[0].txn_id);
}

TEST_F(ChangeLogTest, ReadHonoursFromAndLimit) {
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  for (int i = 0; i < 10; ++i) ASSERT_OK(kv->Put("ns", "k" + std::to_string(i), "v"));
  ChangeReadOptions o;
  o.from_seq = 4;
  o.limit = 3;
  ASSERT_OK_AND_ASSIGN(auto events, db_->ReadChanges(o));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].seq, 4u);
  EXPECT_EQ(events[2].seq, 6u);
  o.from_seq = 11;
  ASSERT_OK_AND_ASSIGN(auto none, db_->ReadChanges(o));
  EXPECT_TRUE(none.empty());
  o.from_seq = 0;  // before the first: starts at 1
  ASSERT_OK_AND_ASSIGN(auto first, db_->ReadChanges(o));
  EXPECT_EQ(first[0].seq, 1u);
}

TEST_F(ChangeLogTest, ChangeLogCanBeTurnedOff) {
  Close();
  options_.change_log = false;
  Reopen();
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  ASSERT_OK(kv->Put("ns", "k", "v"));
  ASSERT_OK_AND_ASSIGN(auto events, db_->ReadChanges());
  EXPECT_TRUE(events.empty());
  ASSERT_OK_AND_ASSIGN(auto v, kv->Get("ns", "k"));
  EXPECT_EQ(v, "v");
}

// LastSeqOf (lock-free for small ids) against commits racing it: a reader that has seen a
// committed value of an object then gets a LastSeqOf at least that commit's sequence; a
// LastSeqOf it got names a commit of that very object, and one that the reader then sees.
TEST_F(ChangeLogTest, LastSeqOfIsExactUnderConcurrentCommits) {
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  ASSERT_OK(kv->Put("a", "k", "-1"));
  ASSERT_OK(kv->Put("b", "k", "-1"));
  internal::Engine& engine = db_->engine();
  const std::optional<uint64_t> id = engine.catalog().FindId(Model::kKeyValue, "a");
  ASSERT_TRUE(id.has_value());
  constexpr int kWrites = 300;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < kWrites; ++i) EXPECT_OK(kv->Put("a", "k", std::to_string(i)));
    done = true;
  });
  std::thread other([&] {  // commits of another object between them
    for (int i = 0; !done; ++i) EXPECT_OK(kv->Put("b", "k", std::to_string(i)));
  });
  // (value seen, LastSeqOf after) and (LastSeqOf, value seen after).
  std::vector<std::pair<int, uint64_t>> seen_then_seq[2];
  std::vector<std::pair<uint64_t, int>> seq_then_seen[2];
  auto reader = [&](int r) {
    while (!done) {
      auto v = kv->Get("a", "k");
      ASSERT_TRUE(v.ok() && v->has_value());
      seen_then_seq[r].emplace_back(std::stoi(**v), engine.change_log().LastSeqOf(*id));
      const uint64_t l = engine.change_log().LastSeqOf(*id);
      v = kv->Get("a", "k");
      ASSERT_TRUE(v.ok() && v->has_value());
      seq_then_seen[r].emplace_back(l, std::stoi(**v));
    }
  };
  std::thread r0(reader, 0), r1(reader, 1);
  writer.join();
  other.join();
  r0.join();
  r1.join();
  std::map<int, uint64_t> seq_of_value;  // of object a
  std::map<uint64_t, int> value_of_seq;
  for (const ChangeEvent& e : ReadAll(db_.get())) {
    if (e.object_id != *id) continue;
    ASSERT_TRUE(e.after.has_value());
    seq_of_value[std::stoi(*e.after)] = e.seq;
    value_of_seq[e.seq] = std::stoi(*e.after);
  }
  ASSERT_EQ(seq_of_value.size(), size_t{kWrites + 1});
  for (int r = 0; r < 2; ++r) {
    for (const auto& [value, seq] : seen_then_seq[r]) {
      EXPECT_GE(seq, seq_of_value.at(value)) << "behind a commit already seen";
    }
    for (const auto& [seq, value] : seq_then_seen[r]) {
      ASSERT_TRUE(value_of_seq.count(seq)) << seq << " is no commit of the object";
      EXPECT_GE(value, value_of_seq.at(seq)) << "commit " << seq << " was not visible yet";
    }
  }
  EXPECT_EQ(engine.change_log().LastSeqOf(*id), seq_of_value.at(kWrites - 1));
}

}  // namespace
}  // namespace tessera

namespace tessera {
namespace {

// The commit writes events from EncodeEventPieces; readers decode EncodeEventValue's layout.
TEST(EventCodecTest, PiecesConcatenateToTheValueEncoding) {
  std::mt19937_64 rng(5);
  auto random_bytes = [&](size_t max) {
    std::string s(rng() % (max + 1), '\0');
    for (char& c : s) c = static_cast<char>(rng());
    return s;
  };
  for (int i = 0; i < 500; ++i) {
    ChangeEvent e;
    e.model = static_cast<Model>(1 + rng() % 5);
    e.object_id = rng() >> (rng() % 64);
    e.object = random_bytes(20);
    e.op = std::array<ChangeOp, 3>{ChangeOp::kCreate, ChangeOp::kUpdate, ChangeOp::kDelete}[i % 3];
    e.key_format = static_cast<ImageFormat>(rng() % 2);
    e.key = random_bytes(40);
    e.image_format = static_cast<ImageFormat>(rng() % 2);
    // Image sizes around the one-byte and two-byte varint limits.
    if (rng() % 3 != 0) e.before = random_bytes(rng() % 2 ? 130 : 20000);
    if (rng() % 3 != 0) e.after = random_bytes(rng() % 2 ? 130 : 20000);
    e.commit_time_us = static_cast<int64_t>(rng() >> 1);
    e.txn_id = rng();
    e.txn_index = static_cast<uint32_t>(rng() % 1000);
    e.txn_events = e.txn_index + 1;
    std::string value;
    internal::EncodeEventValue(e, &value);
    std::string scratch;
    std::string_view parts[4];
    const size_t n = internal::EncodeEventPieces(e, &scratch, parts);
    ASSERT_LE(n, 4u);
    std::string joined;
    for (size_t p = 0; p < n; ++p) joined.append(parts[p]);
    ASSERT_EQ(joined, value) << "event " << i;
    ChangeEvent back;
    ASSERT_OK(internal::DecodeEventValue(7, joined, &back));
    EXPECT_EQ(back.before, e.before);
    EXPECT_EQ(back.after, e.after);
    EXPECT_EQ(back.key, e.key);
  }
}

}  // namespace
}  // namespace tessera
