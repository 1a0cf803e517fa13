// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Durable consumers: create / next / ack / list / get / drop, positions across restarts,
// at-least-once redelivery, and acknowledgement inside a transaction.
#include "gmock/gmock.h"
#include "models/feed/feed_test_util.h"

namespace tessera {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class FeedConsumerTest : public test::FeedTest {
 protected:
  void PutN(int n) {
    for (int i = 0; i < n; ++i) ASSERT_OK(kv_->Put("ns", "k" + std::to_string(i), "v"));
  }
};

TEST_F(FeedConsumerTest, DeliversUntilAcknowledged) {
  PutN(2);
  ASSERT_OK(feed_->CreateConsumer("c1", {.from_seq = 1}));
  ASSERT_OK(feed_->CreateConsumer("late"));  // starts at the next commit
  PutN(3);                                   // seqs 3..5
  ASSERT_OK_AND_ASSIGN(auto events, feed_->Next("c1", 3));
  EXPECT_THAT(Seqs(events), ElementsAre(1, 2, 3));
  // At-least-once: without an ack the same events come again.
  ASSERT_OK_AND_ASSIGN(events, feed_->Next("c1", 3));
  EXPECT_THAT(Seqs(events), ElementsAre(1, 2, 3));
  ASSERT_OK(feed_->Ack("c1", 2));
  ASSERT_OK_AND_ASSIGN(events, feed_->Next("c1"));
  EXPECT_THAT(Seqs(events), ElementsAre(3, 4, 5));
  ASSERT_OK(feed_->Ack("c1", 1));  // never moves back
  ASSERT_OK_AND_ASSIGN(ConsumerInfo info, feed_->GetConsumer("c1"));
  EXPECT_EQ(info.acked_seq, 2u);
  EXPECT_EQ(info.next_seq, 3u);
  EXPECT_FALSE(info.snapshot_pending);
  ASSERT_OK_AND_ASSIGN(events, feed_->Next("late"));
  EXPECT_THAT(Seqs(events), ElementsAre(3, 4, 5));
}

TEST_F(FeedConsumerTest, PositionsSurviveReopen) {
  PutN(4);
  ASSERT_OK(feed_->CreateConsumer("c1", {.from_seq = 1}));
  ASSERT_OK(feed_->CreateConsumer("c2", {.from_seq = 3}));
  ASSERT_OK(feed_->Ack("c1", 3));
  ReopenAll();
  PutN(1);
  ASSERT_OK_AND_ASSIGN(auto events, feed_->Next("c1"));
  EXPECT_THAT(Seqs(events), ElementsAre(4, 5));
  ASSERT_OK_AND_ASSIGN(events, feed_->Next("c2"));
  EXPECT_THAT(Seqs(events), ElementsAre(3, 4, 5));
  ASSERT_OK_AND_ASSIGN(auto list, feed_->ListConsumers());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "c1");
  EXPECT_EQ(list[0].acked_seq, 3u);
  EXPECT_EQ(list[1].name, "c2");
  EXPECT_EQ(list[1].acked_seq, 2u);
}

TEST_F(FeedConsumerTest, AckInsideATransactionCommitsOrRollsBackWithIt) {
  PutN(3);
  ASSERT_OK(feed_->CreateConsumer("c", {.from_seq = 1}));
  {
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
    ASSERT_OK(kv_->Put(*txn, "out", "x", "1"));
    ASSERT_OK(feed_->Ack(*txn, "c", 2));
    ASSERT_OK(txn->Rollback());
  }
  ASSERT_OK_AND_ASSIGN(ConsumerInfo info, feed_->GetConsumer("c"));
  EXPECT_EQ(info.acked_seq, 0u);
  {
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
    ASSERT_OK(kv_->Put(*txn, "out", "x", "1"));
    ASSERT_OK(feed_->Ack(*txn, "c", 2));
    ASSERT_OK(txn->Commit());
  }
  ASSERT_OK_AND_ASSIGN(info, feed_->GetConsumer("c"));
  EXPECT_EQ(info.acked_seq, 2u);
}

TEST_F(FeedConsumerTest, ConcurrentAcksInTransactionsConflict) {
  PutN(3);
  ASSERT_OK(feed_->CreateConsumer("c", {.from_seq = 1}));
  ASSERT_OK_AND_ASSIGN(auto t1, db_->Begin());
  ASSERT_OK_AND_ASSIGN(auto t2, db_->Begin());
  ASSERT_OK(feed_->Ack(*t1, "c", 1));
  // The second acknowledgement of the same consumer waits for the first one's lock and fails:
  // two workers can never both commit results for the same events.
  absl::Status s = feed_->Ack(*t2, "c", 1);
  EXPECT_TRUE(IsConflict(s)) << s;
  ASSERT_OK(t1->Commit());
}

TEST_F(FeedConsumerTest, BadInputGetsClearErrors) {
  PutN(2);
  ASSERT_OK(feed_->CreateConsumer("c"));
  EXPECT_EQ(feed_->CreateConsumer("c").code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(feed_->CreateConsumer("bad name").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(feed_->Next("nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(feed_->Ack("nope", 1).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(feed_->DropConsumer("nope").code(), absl::StatusCode::kNotFound);
  absl::Status s = feed_->Ack("c", 99);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("last committed event is 2"));
  ConsumerStart both{.from_seq = 1, .snapshot_model = Model::kKeyValue, .snapshot_object = "ns"};
  EXPECT_EQ(feed_->CreateConsumer("d", both).code(), absl::StatusCode::kInvalidArgument);
  ConsumerStart no_model{.snapshot_object = "ns"};
  EXPECT_EQ(feed_->CreateConsumer("d", no_model).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(FeedConsumerTest, DropRemovesTheConsumer) {
  PutN(1);
  ASSERT_OK(feed_->CreateConsumer("c", {.from_seq = 1}));
  ASSERT_OK(feed_->DropConsumer("c"));
  EXPECT_EQ(feed_->GetConsumer("c").status().code(), absl::StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto list, feed_->ListConsumers());
  EXPECT_TRUE(list.empty());
  ASSERT_OK(feed_->CreateConsumer("c", {.from_seq = 1}));  // the name is free again
}

TEST_F(FeedConsumerTest, FilteredConsumerGetsOnlyItsEvents) {
  ConsumerStart start{.from_seq = 1};
  start.filter.objects = {"b"};
  ASSERT_OK(feed_->CreateConsumer("c", start));
  ASSERT_OK(kv_->Put("a", "k", "v"));
  ASSERT_OK(kv_->Put("b", "k", "v"));
  ASSERT_OK(kv_->Put("a", "k", "w"));
  ReopenAll();  // the filter is stored with the consumer
  ASSERT_OK_AND_ASSIGN(auto events, feed_->Next("c"));
  EXPECT_THAT(Seqs(events), ElementsAre(2));
}

}  // namespace
}  // namespace tessera
