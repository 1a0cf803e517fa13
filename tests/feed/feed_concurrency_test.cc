// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The change feed's "done when" test: writer threads on kv, doc and wide (some transactions
// spanning two models, some rolled back) while a push subscriber, a pull reader and a durable
// consumer read at once. Every reader must receive every committed event exactly once, in commit
// order, and nothing of a rolled-back transaction. TESSERA_FEED_STRESS_TXNS raises the work.
#include <atomic>
#include <cstdlib>
#include <set>
#include <thread>

#include "core/util/mutex.h"
#include "tessera/doc.h"
#include "tessera/feed.h"
#include "tessera/kv.h"
#include "tessera/wide.h"
#include "tests/util/test_util.h"

namespace tessera {
namespace {

int TxnsPerWriter() {
  const char* env = std::getenv("TESSERA_FEED_STRESS_TXNS");
  return env != nullptr ? std::max(1, std::atoi(env)) : 120;
}

// What a reader saw: (seq, object, key, after) per event.
struct Seen {
  uint64_t seq;
  std::string object;
  std::string key;
  std::string after;
  bool operator<(const Seen& o) const { return seq < o.seq; }
};

Seen Of(const ChangeEvent& e) { return {e.seq, e.object, e.key, e.after.value_or("")}; }

class FeedConcurrencyTest : public test::DbTest {};

TEST_F(FeedConcurrencyTest, EveryReaderGetsEveryCommittedEventOnceInOrder) {
  ASSERT_OK_AND_ASSIGN(auto feed, ChangeFeed::Open(db_.get()));
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  ASSERT_OK_AND_ASSIGN(auto docs, DocStore::Open(db_.get()));
  ASSERT_OK_AND_ASSIGN(auto wide, WideStore::Open(db_.get()));
  ASSERT_OK(wide->CreateFamily("w", "f"));
  ASSERT_OK(kv->Put("kv", "warmup", "x"));  // creates the namespace; seq 1
  ASSERT_OK(docs->Insert("docs", {Document{{"_id", "warmup"}}}).status());  // seq 2
  ConsumerStart start;
  start.from_seq = 1;
  ASSERT_OK(feed->CreateConsumer("durable", start));
  SubscribeOptions push;
  push.from_seq = 1;
  push.max_buffered = 16;
  ASSERT_OK_AND_ASSIGN(auto sub, feed->Subscribe(push));

  const int n = TxnsPerWriter();
  util::Mutex mu;
  std::set<std::pair<std::string, std::string>> committed;  // (object, key) of committed writes
  std::atomic<int> failures{0};
  auto record = [&](std::vector<std::pair<std::string, std::string>> keys) {
    util::MutexLock l(&mu);
    for (auto& k : keys) committed.insert(std::move(k));
  };
  std::vector<std::thread> writers;
  writers.emplace_back([&] {  // kv, every 7th transaction also writes a document
    for (int i = 0; i < n; ++i) {
      std::string key = "k" + std::to_string(i);
      absl::Status s = db_->RunTransaction([&](Transaction& txn) -> absl::Status {
        RETURN_IF_ERROR(kv->Put(txn, "kv", key, "v"));
        if (i % 7 == 0) {
          RETURN_IF_ERROR(docs->Insert(txn, "docs", {Document{{"_id", "kv" + key}}}).status());
        }
        return absl::OkStatus();
      });
      if (!s.ok()) ++failures;
      std::vector<std::pair<std::string, std::string>> keys = {{"kv", key}};
      if (i % 7 == 0) keys.push_back({"docs", "\"kv" + key + "\""});
      record(keys);
    }
  });
  writers.emplace_back([&] {  // doc, every 5th transaction rolled back
    for (int i = 0; i < n; ++i) {
      std::string id = "d" + std::to_string(i);
      auto txn = db_->Begin();
      if (!txn.ok()) {
        ++failures;
        continue;
      }
      if (!docs->Insert(**txn, "docs", {Document{{"_id", id}}}).ok()) ++failures;
      if (i % 5 == 0) {
        if (!(*txn)->Rollback().ok()) ++failures;
        continue;
      }
      if (!(*txn)->Commit().ok()) ++failures;
      record({{"docs", "\"" + id + "\""}});
    }
  });
  writers.emplace_back([&] {  // wide, rows of two cells; every 6th transaction rolled back
    for (int i = 0; i < n; ++i) {
      std::string row = "r" + std::to_string(i);
      auto txn = db_->Begin();
      if (!txn.ok()) {
        ++failures;
        continue;
      }
      if (!wide->Put(**txn, "w", row, {{"f", "a", "1"}, {"f", "b", "2"}}).ok()) ++failures;
      if (i % 6 == 0) {
        if (!(*txn)->Rollback().ok()) ++failures;
        continue;
      }
      if (!(*txn)->Commit().ok()) ++failures;
      record({{"w", row}});
    }
  });

  // The readers run while the writers write. Each stops once it has reached `target`, which is
  // set when the writers are done.
  std::atomic<uint64_t> target{UINT64_MAX};
  std::vector<Seen> pushed, pulled, consumed;
  absl::Status push_status, pull_status, consumer_status;
  std::thread pusher([&] {
    while (pushed.empty() || pushed.back().seq < target.load()) {
      absl::StatusOr<ChangeEvent> e = sub->Next(absl::Milliseconds(100));
      if (absl::IsDeadlineExceeded(e.status())) continue;
      if (!e.ok()) {
        push_status = e.status();
        return;
      }
      pushed.push_back(Of(*e));
    }
  });
  std::thread puller([&] {
    uint64_t from = 1;
    while (from <= target.load()) {
      FeedReadOptions o;
      o.from_seq = from;
      o.limit = 37;
      o.wait = absl::Milliseconds(100);
      auto batch = feed->Read(o);
      if (!batch.ok()) {
        pull_status = batch.status();
        return;
      }
      for (const ChangeEvent& e : *batch) pulled.push_back(Of(e));
      if (!batch->empty()) from = batch->back().seq + 1;
    }
  });
  std::thread consumer([&] {
    while (consumed.empty() || consumed.back().seq < target.load()) {
      auto batch = feed->Next("durable", 23);
      if (!batch.ok()) {
        consumer_status = batch.status();
        return;
      }
      for (const ChangeEvent& e : *batch) consumed.push_back(Of(e));
      if (!batch->empty()) {
        absl::Status s = feed->Ack("durable", batch->back().seq);
        if (!s.ok()) {
          consumer_status = s;
          return;
        }
      }
    }
  });
  for (auto& t : writers) t.join();
  target = db_->LastSequence();
  pusher.join();
  puller.join();
  consumer.join();
  ASSERT_EQ(failures.load(), 0);
  ASSERT_OK(push_status);
  ASSERT_OK(pull_status);
  ASSERT_OK(consumer_status);

  // The log itself: seqs 1..target without gaps, exactly the committed writes (plus warm-up).
  FeedReadOptions all;
  all.limit = 1 << 20;
  ASSERT_OK_AND_ASSIGN(auto log, feed->Read(all));
  ASSERT_EQ(log.size(), target.load());
  std::set<std::pair<std::string, std::string>> in_log;
  for (size_t i = 0; i < log.size(); ++i) {
    ASSERT_EQ(log[i].seq, i + 1);
    ASSERT_TRUE(in_log.insert({log[i].object, log[i].key}).second) << log[i].key;
  }
  committed.insert({"kv", "warmup"});
  committed.insert({"docs", "\"warmup\""});
  EXPECT_EQ(in_log, committed);
  for (const auto* reader : {&pushed, &pulled, &consumed}) {
    ASSERT_EQ(reader->size(), log.size());
    for (size_t i = 0; i < log.size(); ++i) {
      const Seen want = Of(log[i]);
      ASSERT_EQ((*reader)[i].seq, want.seq);
      ASSERT_EQ((*reader)[i].object, want.object);
      ASSERT_EQ((*reader)[i].key, want.key);
      ASSERT_EQ((*reader)[i].after, want.after);
    }
  }
  sub.reset();
}

}  // namespace
}  // namespace tessera
