// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Retention by size and age, held back by consumers or not, and the stored policy.
#include "gmock/gmock.h"
#include "models/feed/feed_test_util.h"

namespace tessera {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class FeedRetentionTest : public test::FeedTest {
 protected:
  void PutN(int n) {
    for (int i = 0; i < n; ++i) ASSERT_OK(kv_->Put("ns", "k" + std::to_string(i), "value"));
  }
};

TEST_F(FeedRetentionTest, SizeKeepsTheNewestEvents) {
  PutN(10);
  ASSERT_OK_AND_ASSIGN(auto all, feed_->Read({}));
  ASSERT_EQ(all.size(), 10u);
  ASSERT_OK(feed_->SetRetention({.max_bytes = 1}));
  EXPECT_EQ(feed_->FirstSequence(), 11u);
  EXPECT_EQ(feed_->Read({}).status().code(), absl::StatusCode::kOutOfRange);
  ASSERT_OK_AND_ASSIGN(auto events, feed_->Read({.from_seq = 11}));
  EXPECT_TRUE(events.empty());
  PutN(10);  // seqs 11..20
  ASSERT_OK(feed_->SetRetention({.max_bytes = 1 << 20}));
  ASSERT_OK_AND_ASSIGN(uint64_t purged, feed_->Purge());
  EXPECT_EQ(purged, 0u);
  ASSERT_OK_AND_ASSIGN(events, feed_->Read({.from_seq = 11}));
  EXPECT_EQ(events.size(), 10u);
}

TEST_F(FeedRetentionTest, ConsumersHoldEventsBackUnlessToldOtherwise) {
  PutN(5);
  ASSERT_OK(feed_->CreateConsumer("slow", {.from_seq = 1}));
  ASSERT_OK(feed_->Ack("slow", 2));
  ASSERT_OK(feed_->SetRetention({.max_bytes = 1}));
  EXPECT_EQ(feed_->FirstSequence(), 3u);  // 1 and 2 are acknowledged by everyone
  ASSERT_OK_AND_ASSIGN(auto events, feed_->Next("slow"));
  EXPECT_THAT(Seqs(events), ElementsAre(3, 4, 5));
  ASSERT_OK(feed_->SetRetention({.max_bytes = 1, .hold_for_consumers = false}));
  EXPECT_EQ(feed_->FirstSequence(), 6u);
  absl::Status s = feed_->Next("slow").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(s.message()), HasSubstr("consumer 'slow'"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("sequence 3 was purged"));
}

TEST_F(FeedRetentionTest, AgeRetentionPurgesOldEvents) {
  PutN(3);
  absl::SleepFor(absl::Milliseconds(2));  // the events are now older than 1 ms
  ASSERT_OK(feed_->SetRetention({.max_age = absl::Milliseconds(1)}));
  EXPECT_EQ(feed_->FirstSequence(), 4u);
  PutN(2);
  ASSERT_OK(feed_->SetRetention({.max_age = absl::Hours(1)}));
  ASSERT_OK_AND_ASSIGN(auto events, feed_->Read({.from_seq = 4}));
  EXPECT_THAT(Seqs(events), ElementsAre(4, 5));
}

TEST_F(FeedRetentionTest, PolicyAndPurgeMarkSurviveReopen) {
  PutN(3);
  ASSERT_OK(feed_->SetRetention({.max_age = absl::Hours(2), .max_bytes = 1}));
  ReopenAll();
  ASSERT_OK_AND_ASSIGN(RetentionOptions r, feed_->GetRetention());
  EXPECT_EQ(r.max_age, absl::Hours(2));
  EXPECT_EQ(r.max_bytes, 1u);
  EXPECT_TRUE(r.hold_for_consumers);
  EXPECT_EQ(feed_->FirstSequence(), 4u);
  PutN(1);  // numbering continues after the purge: seq 4
  ASSERT_OK_AND_ASSIGN(auto events, feed_->Read({.from_seq = 4}));
  EXPECT_THAT(Seqs(events), ElementsAre(4));
  ASSERT_OK_AND_ASSIGN(uint64_t purged, feed_->Purge());
  EXPECT_EQ(purged, 1u);
  EXPECT_EQ(feed_->FirstSequence(), 5u);
}

TEST_F(FeedRetentionTest, NoPolicyPurgesNothing) {
  PutN(3);
  ASSERT_OK_AND_ASSIGN(uint64_t purged, feed_->Purge());
  EXPECT_EQ(purged, 0u);
  EXPECT_EQ(feed_->FirstSequence(), 1u);
  EXPECT_EQ(feed_->SetRetention({.max_age = -absl::Seconds(1)}).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tessera
