// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Snapshot + stream: a consumer starts with an object's contents (op 'r') and continues with
// every later change, nothing missed and nothing doubled, also under concurrent writes.
#include <atomic>
#include <map>
#include <thread>

#include "gmock/gmock.h"
#include "models/feed/feed_test_util.h"
#include "nlohmann/json.hpp"
#include "tessera/graph.h"
#include "tessera/ts.h"

namespace tessera {
namespace {

using ::testing::ElementsAre;

class FeedSnapshotTest : public test::FeedTest {
 protected:
  ConsumerStart SnapshotOf(Model m, std::string object) {
    ConsumerStart s;
    s.snapshot_model = m;
    s.snapshot_object = std::move(object);
    return s;
  }
};

TEST_F(FeedSnapshotTest, KvSnapshotThenStream) {
  ASSERT_OK(kv_->Put("ns", "a", "1"));
  ASSERT_OK(kv_->Put("ns", "b", "2"));
  ASSERT_OK(kv_->Put("other", "x", "y"));
  ASSERT_OK(feed_->CreateConsumer("c", SnapshotOf(Model::kKeyValue, "ns")));
  ASSERT_OK(kv_->Put("ns", "a", "3"));     // seq 4
  ASSERT_OK(kv_->Put("other", "x", "z"));  // not this object: filtered out
  ASSERT_OK_AND_ASSIGN(auto events, feed_->Next("c"));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].op, ChangeOp::kSnapshot);
  EXPECT_EQ(events[0].seq, 3u);  // the snapshot's position
  EXPECT_EQ(events[0].key, "a");
  EXPECT_EQ(events[0].after, "1");
  EXPECT_EQ(events[0].txn_index, 0u);
  EXPECT_EQ(events[0].txn_events, 2u);
  EXPECT_EQ(events[1].key, "b");
  EXPECT_EQ(events[2].seq, 4u);
  EXPECT_EQ(events[2].op, ChangeOp::kUpdate);
  ASSERT_OK_AND_ASSIGN(ConsumerInfo info, feed_->GetConsumer("c"));
  EXPECT_TRUE(info.snapshot_pending);
  EXPECT_EQ(info.next_seq, 4u);
}

TEST_F(FeedSnapshotTest, SnapshotEventsAreAcknowledgedOneByOneAcrossRestarts) {
  for (int i = 0; i < 5; ++i) ASSERT_OK(kv_->Put("ns", "k" + std::to_string(i), "v"));
  ASSERT_OK(feed_->CreateConsumer("c", SnapshotOf(Model::kKeyValue, "ns")));
  ASSERT_OK_AND_ASSIGN(auto events, feed_->Next("c", 2));
  ASSERT_EQ(events.size(), 2u);
  ASSERT_OK(feed_->Ack("c", events[1]));
  ReopenAll();
  ASSERT_OK_AND_ASSIGN(events, feed_->Next("c", 2));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].key, "k2");
  // Ack by sequence number acknowledges what the last Next delivered.
  ASSERT_OK(feed_->Ack("c", events[1].seq));
  ASSERT_OK_AND_ASSIGN(events, feed_->Next("c"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].key, "k4");
  ASSERT_OK(kv_->Put("ns", "k9", "v"));
  ASSERT_OK(feed_->Ack("c", events[0]));
  ASSERT_OK_AND_ASSIGN(ConsumerInfo info, feed_->GetConsumer("c"));
  EXPECT_FALSE(info.snapshot_pending);
  ASSERT_OK_AND_ASSIGN(events, feed_->Next("c"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].key, "k9");
  EXPECT_EQ(events[0].op, ChangeOp::kCreate);
}

TEST_F(FeedSnapshotTest, DocAndWideSnapshotsUseTheModelsImageForms) {
  ASSERT_OK(docs_->Insert("users", {Document{{"_id", "u1"}, {"age", 3}}}).status());
  ASSERT_OK(wide_->CreateFamily("t", "f"));
  ASSERT_OK(wide_->Put("t", "r1", {{"f", "q", "x", 7}}));
  ASSERT_OK_AND_ASSIGN(auto log, feed_->Read({}));
  ASSERT_EQ(log.size(), 2u);
  ASSERT_OK(feed_->CreateConsumer("d", SnapshotOf(Model::kDocument, "users")));
  ASSERT_OK(feed_->CreateConsumer("w", SnapshotOf(Model::kWideColumn, "t")));
  ASSERT_OK_AND_ASSIGN(auto d, feed_->Next("d"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].key, log[0].key);
  EXPECT_EQ(d[0].after, log[0].after);
  EXPECT_EQ(d[0].key_format, ImageFormat::kJson);
  ASSERT_OK_AND_ASSIGN(auto w, feed_->Next("w"));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].key, "r1");
  EXPECT_EQ(w[0].after, log[1].after);
}

TEST_F(FeedSnapshotTest, GraphSnapshotHasVerticesThenEdgesInTheWritersForm) {
  ASSERT_OK_AND_ASSIGN(auto graph, GraphStore::Open(db_.get()));
  ASSERT_OK(graph->AddVertex("g", "a", "person", R"({"age": 3})"));
  ASSERT_OK(graph->AddVertex("g", "b"));
  ASSERT_OK(graph->AddEdge("g", "a", "knows", "b", 2.5, R"({"since": 2020})").status());
  ASSERT_OK_AND_ASSIGN(auto log, feed_->Read({}));
  ASSERT_EQ(log.size(), 3u);
  ASSERT_OK(feed_->CreateConsumer("c", SnapshotOf(Model::kGraph, "g")));
  ASSERT_OK_AND_ASSIGN(auto events, feed_->Next("c"));
  ASSERT_EQ(events.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(events[i].op, ChangeOp::kSnapshot);
    EXPECT_EQ(events[i].key, log[i].key);
    EXPECT_EQ(events[i].after, log[i].after);
  }
}

TEST_F(FeedSnapshotTest, TimeSeriesSnapshotHasOneEventPerSeriesAndWindowThenTheStream) {
  ASSERT_OK_AND_ASSIGN(auto ts, TsStore::Open(db_.get()));
  const int64_t kHour = int64_t{3600} * 1000000000;
  const int64_t base = int64_t{1700000000} / 7200 * 7200 * 1000000000;  // a window start
  std::vector<TsPoint> pts;
  for (int i = 0; i < 4; ++i) {
    pts.push_back(TsPoint{"cpu", {{"host", "a"}}, {{"usage", 1.5 * i}}, base + i * kHour});
    pts.push_back(TsPoint{"cpu", {{"host", "b"}}, {{"usage", int64_t{i}}}, base + i * kHour});
  }
  ASSERT_OK(ts->Write(pts));
  ASSERT_OK(feed_->CreateConsumer("c", SnapshotOf(Model::kTimeSeries, "cpu")));
  ASSERT_OK_AND_ASSIGN(auto events, feed_->Next("c"));
  ASSERT_EQ(events.size(), 4u);  // 2 series x 2 windows of 2 hours
  std::map<std::string, nlohmann::json> by_key;
  for (const ChangeEvent& e : events) {
    EXPECT_EQ(e.op, ChangeOp::kSnapshot);
    ASSERT_TRUE(e.after.has_value());
    by_key[e.key] = nlohmann::json::parse(*e.after);
  }
  const std::string a0 = "usage,host=a@" + std::to_string(base);
  ASSERT_EQ(by_key.count(a0), 1u) << events[0].key;
  EXPECT_EQ(by_key[a0]["points"], nlohmann::json::parse("[[" + std::to_string(base) + ", 0.0], [" +
                                                        std::to_string(base + kHour) + ", 1.5]]"));
  EXPECT_EQ(by_key[a0]["tags"], nlohmann::json::parse(R"({"host": "a"})"));
  const std::string b1 = "usage,host=b@" + std::to_string(base + 2 * kHour);
  ASSERT_EQ(by_key.count(b1), 1u);
  EXPECT_EQ(by_key[b1]["points"][1][1], 3);
  ASSERT_OK(feed_->Ack("c", events.back()));
  // Then the stream: the next write's batch event.
  ASSERT_OK(ts->Write({TsPoint{"cpu", {{"host", "a"}}, {{"usage", 9.0}}, base + 5 * kHour}}));
  ASSERT_OK_AND_ASSIGN(auto next, feed_->Next("c"));
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].op, ChangeOp::kCreate);
  EXPECT_EQ(next[0].model, Model::kTimeSeries);
}

TEST_F(FeedSnapshotTest, MissingOrUnsupportedObjects) {
  EXPECT_EQ(feed_->CreateConsumer("c", SnapshotOf(Model::kKeyValue, "nope")).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(feed_->GetConsumer("c").status().code(), absl::StatusCode::kNotFound);
}

// Writers keep changing the namespace while the consumer is created: applying the snapshot and
// then the stream must give exactly the final contents.
TEST_F(FeedSnapshotTest, ExactUnderConcurrentWrites) {
  constexpr int kKeys = 20;
  for (int i = 0; i < kKeys; ++i) ASSERT_OK(kv_->Put("ns", "k" + std::to_string(i), "0"));
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      for (int n = 1; !stop.load() || n < 50; ++n) {
        std::string key = "k" + std::to_string((n * 7 + w) % kKeys);
        if (n % 5 == 0) {
          EXPECT_OK(kv_->Delete("ns", key).status());
        } else {
          EXPECT_OK(kv_->Put("ns", key, std::to_string(n)));
        }
        if (n > 400) break;
      }
    });
  }
  ASSERT_OK(feed_->CreateConsumer("c", SnapshotOf(Model::kKeyValue, "ns")));
  stop = true;
  for (auto& t : writers) t.join();
  std::map<std::string, std::string> view;
  bool snapshot_done = false;
  uint64_t last_seq = 0;
  while (true) {
    ASSERT_OK_AND_ASSIGN(auto events, feed_->Next("c", 64));
    if (events.empty()) break;
    for (const ChangeEvent& e : events) {
      if (e.op == ChangeOp::kSnapshot) {
        ASSERT_FALSE(snapshot_done);
        ASSERT_TRUE(view.emplace(e.key, *e.after).second) << "doubled " << e.key;
        last_seq = e.seq;
      } else {
        snapshot_done = true;
        ASSERT_EQ(e.seq, last_seq + 1) << "gap or repeat in the stream";
        last_seq = e.seq;
        if (e.after) {
          view[e.key] = *e.after;
        } else {
          ASSERT_EQ(view.erase(e.key), 1u) << "deleted a key the view does not hold";
        }
      }
    }
    ASSERT_OK(feed_->Ack("c", events.back()));
  }
  std::map<std::string, std::string> actual;
  ASSERT_OK_AND_ASSIGN(auto cursor, kv_->Scan("ns", {}));
  for (; cursor->Valid(); cursor->Next()) {
    actual.emplace(std::string(cursor->entry().key), std::string(cursor->entry().value));
  }
  EXPECT_EQ(view, actual);
}

}  // namespace
}  // namespace tessera
