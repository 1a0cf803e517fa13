// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Push subscriptions: commit order, filters, back-pressure without loss, cancellation.
#include <thread>

#include "gmock/gmock.h"
#include "models/feed/feed_test_util.h"

namespace tessera {
namespace {

using ::testing::ElementsAre;

class FeedPushTest : public test::FeedTest {};

constexpr absl::Duration kLong = absl::Seconds(60);

TEST_F(FeedPushTest, DeliversLaterCommitsInOrder) {
  ASSERT_OK(kv_->Put("ns", "before", "v"));  // seq 1: not delivered (from_seq 0 = later)
  ASSERT_OK_AND_ASSIGN(auto sub, feed_->Subscribe({}));
  ASSERT_OK(kv_->Put("ns", "a", "1"));
  ASSERT_OK(kv_->Put("ns", "b", "2"));
  ASSERT_OK_AND_ASSIGN(ChangeEvent e, sub->Next(kLong));
  EXPECT_EQ(e.seq, 2u);
  EXPECT_EQ(e.key, "a");
  ASSERT_OK_AND_ASSIGN(e, sub->Next(kLong));
  EXPECT_EQ(e.seq, 3u);
  EXPECT_EQ(sub->Next(absl::Milliseconds(1)).status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST_F(FeedPushTest, FromSeqAndFilter) {
  ASSERT_OK(kv_->Put("a", "k", "1"));
  ASSERT_OK(kv_->Put("b", "k", "2"));
  ASSERT_OK(kv_->Put("a", "k", "3"));
  SubscribeOptions o{.from_seq = 1};
  o.filter.objects = {"a"};
  ASSERT_OK_AND_ASSIGN(auto sub, feed_->Subscribe(o));
  ASSERT_OK_AND_ASSIGN(ChangeEvent e, sub->Next(kLong));
  EXPECT_EQ(e.seq, 1u);
  ASSERT_OK_AND_ASSIGN(e, sub->Next(kLong));
  EXPECT_EQ(e.seq, 3u);
  EXPECT_EQ(e.op, ChangeOp::kUpdate);
}

TEST_F(FeedPushTest, SlowSubscriberGetsEverythingThroughASmallBuffer) {
  ASSERT_OK_AND_ASSIGN(auto sub, feed_->Subscribe({.max_buffered = 2}));
  // Writers are not held back by the full buffer.
  for (int i = 0; i < 200; ++i) ASSERT_OK(kv_->Put("ns", "k" + std::to_string(i), "v"));
  for (uint64_t seq = 1; seq <= 200; ++seq) {
    ASSERT_OK_AND_ASSIGN(ChangeEvent e, sub->Next(kLong));
    ASSERT_EQ(e.seq, seq);
  }
}

TEST_F(FeedPushTest, CancelWakesABlockedNext) {
  ASSERT_OK_AND_ASSIGN(auto sub, feed_->Subscribe({}));
  absl::Status got;
  std::thread t([&] { got = sub->Next(kLong).status(); });
  sub->Cancel();
  t.join();
  EXPECT_EQ(got.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(sub->Next(kLong).status().code(), absl::StatusCode::kCancelled);
}

TEST_F(FeedPushTest, PurgedStartIsOutOfRange) {
  ASSERT_OK(kv_->Put("ns", "a", "1"));
  ASSERT_OK(kv_->Put("ns", "a", "2"));
  ASSERT_OK(feed_->SetRetention({.max_bytes = 1}));
  EXPECT_EQ(feed_->Subscribe({.from_seq = 1}).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(feed_->Subscribe({.max_buffered = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tessera
