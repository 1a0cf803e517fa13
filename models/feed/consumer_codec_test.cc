// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/feed/consumer_codec.h"

#include "gtest/gtest.h"
#include "tests/util/test_util.h"

namespace tessera::feed {
namespace {

TEST(ConsumerCodecTest, RecordRoundTripsWithFilter) {
  ConsumerRecord r;
  r.acked_seq = 300;
  r.snapshot_seq = 17;
  r.snapshot_total = 5;
  r.snapshot_acked = 2;
  r.filter.models = {Model::kDocument, Model::kKeyValue};
  r.filter.objects = {"users", "orders"};
  r.filter.ops = "cd";
  ConsumerRecord back;
  ASSERT_OK(DecodeConsumer(EncodeConsumer(r), &back));
  EXPECT_EQ(back.acked_seq, 300u);
  EXPECT_EQ(back.snapshot_seq, 17u);
  EXPECT_EQ(back.snapshot_total, 5u);
  EXPECT_EQ(back.snapshot_acked, 2u);
  EXPECT_TRUE(back.snapshot_pending());
  EXPECT_EQ(back.filter.models, r.filter.models);
  EXPECT_EQ(back.filter.objects, r.filter.objects);
  EXPECT_EQ(back.filter.ops, "cd");
}

TEST(ConsumerCodecTest, MalformedRecordsAreDataLoss) {
  std::string good = EncodeConsumer({});
  ConsumerRecord r;
  EXPECT_EQ(DecodeConsumer("", &r).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeConsumer(good.substr(0, good.size() - 1), &r).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeConsumer(good + "x", &r).code(), absl::StatusCode::kDataLoss);
  std::string bad_version = good;
  bad_version[0] = 9;
  EXPECT_EQ(DecodeConsumer(bad_version, &r).code(), absl::StatusCode::kDataLoss);
}

TEST(ConsumerCodecTest, RetentionRoundTrips) {
  RetentionOptions o;
  o.max_age = absl::Hours(36);
  o.max_bytes = 1 << 30;
  o.hold_for_consumers = false;
  RetentionOptions back;
  ASSERT_OK(DecodeRetention(EncodeRetention(o), &back));
  EXPECT_EQ(back.max_age, absl::Hours(36));
  EXPECT_EQ(back.max_bytes, uint64_t{1} << 30);
  EXPECT_FALSE(back.hold_for_consumers);
  EXPECT_EQ(DecodeRetention("\x01", &back).code(), absl::StatusCode::kDataLoss);
}

TEST(ConsumerCodecTest, NamesFollowObjectNameRules) {
  EXPECT_OK(ValidateConsumerName("exporter-1.v2_a"));
  EXPECT_EQ(ValidateConsumerName("").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateConsumerName(std::string(129, 'a')).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateConsumerName("a b").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateConsumerName(std::string("a\0b", 3)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateConsumerName("-x").code(), absl::StatusCode::kInvalidArgument);
}

TEST(ConsumerCodecTest, SnapshotKeysOfOneConsumerSortInsideItsRange) {
  EXPECT_LT(SnapshotEventsLower("a"), SnapshotEventKey("a", 0));
  EXPECT_LT(SnapshotEventKey("a", 0), SnapshotEventKey("a", 1));
  EXPECT_LT(SnapshotEventKey("a", UINT64_MAX), SnapshotEventsUpper("a"));
  // "a" and "a.b": the 0x00 separator keeps one consumer's events out of the other's range.
  EXPECT_LT(SnapshotEventsUpper("a"), SnapshotEventsLower("a.b"));
}

}  // namespace
}  // namespace tessera::feed
