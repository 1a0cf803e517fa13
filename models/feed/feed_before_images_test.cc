// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Before-images switched off per object, kept across restarts.
#include "gmock/gmock.h"
#include "models/feed/feed_test_util.h"

namespace tessera {
namespace {

class FeedBeforeImagesTest : public test::FeedTest {};

TEST_F(FeedBeforeImagesTest, SwitchedOffPerObjectAndKeptAcrossRestarts) {
  ASSERT_OK(kv_->Put("lean", "k", "v1"));
  ASSERT_OK(kv_->Put("full", "k", "v1"));
  ASSERT_OK_AND_ASSIGN(bool on, feed_->BeforeImages(Model::kKeyValue, "lean"));
  EXPECT_TRUE(on);
  ASSERT_OK(feed_->SetBeforeImages(Model::kKeyValue, "lean", false));
  ReopenAll();
  ASSERT_OK_AND_ASSIGN(on, feed_->BeforeImages(Model::kKeyValue, "lean"));
  EXPECT_FALSE(on);
  ASSERT_OK(kv_->Put("lean", "k", "v2"));  // seq 3
  ASSERT_OK(kv_->Put("full", "k", "v2"));  // seq 4
  ASSERT_OK(docs_->Insert("d", {Document{{"_id", 1}, {"n", 1}}}).status());
  ASSERT_OK(feed_->SetBeforeImages(Model::kDocument, "d", false));
  ASSERT_OK(docs_->Update("d", Document{{"_id", 1}}, Document{{"$inc", {{"n", 1}}}}, {}).status());
  ASSERT_OK_AND_ASSIGN(auto events, feed_->Read({.from_seq = 3}));
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].before, std::nullopt);
  EXPECT_EQ(events[0].after, "v2");
  EXPECT_EQ(events[0].op, ChangeOp::kUpdate);  // the op still says what happened
  EXPECT_EQ(events[1].before, "v1");
  EXPECT_EQ(events[3].before, std::nullopt);
  EXPECT_TRUE(events[3].after.has_value());
  // On again.
  ASSERT_OK(feed_->SetBeforeImages(Model::kKeyValue, "lean", true));
  ASSERT_OK(kv_->Put("lean", "k", "v3"));
  ASSERT_OK_AND_ASSIGN(events, feed_->Read({.from_seq = 7}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].before, "v2");
  EXPECT_EQ(feed_->SetBeforeImages(Model::kKeyValue, "nope", false).code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace tessera
