// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Pull reads: filters, limits, the blocking wait, purged positions, and the JSON envelope.
#include <thread>

#include "gmock/gmock.h"
#include "models/feed/feed_test_util.h"
#include "tessera/feed_json.h"

namespace tessera {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class FeedPullTest : public test::FeedTest {
 protected:
  // kv a (c, u, d), doc users insert, wide t put: seqs 1..5.
  void WriteMix() {
    ASSERT_OK(kv_->Put("a", "k", "v1"));
    ASSERT_OK(kv_->Put("a", "k", "v2"));
    ASSERT_OK_AND_ASSIGN(bool deleted, kv_->Delete("a", "k"));
    ASSERT_TRUE(deleted);
    ASSERT_OK(docs_->Insert("users", {Document{{"_id", 1}, {"name", "ada"}}}).status());
    ASSERT_OK(wide_->CreateFamily("t", "f"));
    ASSERT_OK(wide_->Put("t", "row1", {{"f", "q", "x", 5}}));
  }
};

TEST_F(FeedPullTest, ReadsEverythingInCommitOrder) {
  WriteMix();
  ASSERT_OK_AND_ASSIGN(auto events, feed_->Read({}));
  EXPECT_THAT(Seqs(events), ElementsAre(1, 2, 3, 4, 5));
  ASSERT_OK_AND_ASSIGN(events, feed_->Read({.from_seq = 3, .limit = 2}));
  EXPECT_THAT(Seqs(events), ElementsAre(3, 4));
  ASSERT_OK_AND_ASSIGN(events, feed_->Read({.from_seq = 6}));
  EXPECT_TRUE(events.empty());
  ASSERT_OK_AND_ASSIGN(events, feed_->Read({.limit = 0}));
  EXPECT_TRUE(events.empty());
}

TEST_F(FeedPullTest, FiltersByModelObjectAndOp) {
  WriteMix();
  FeedReadOptions o;
  o.filter.models = {Model::kDocument, Model::kWideColumn};
  ASSERT_OK_AND_ASSIGN(auto events, feed_->Read(o));
  EXPECT_THAT(Seqs(events), ElementsAre(4, 5));
  o = {};
  o.filter.objects = {"a"};
  o.filter.ops = "ud";
  ASSERT_OK_AND_ASSIGN(events, feed_->Read(o));
  EXPECT_THAT(Seqs(events), ElementsAre(2, 3));
  // The limit counts matching events, not scanned ones.
  o = {};
  o.filter.ops = "c";
  o.limit = 2;
  ASSERT_OK_AND_ASSIGN(events, feed_->Read(o));
  EXPECT_THAT(Seqs(events), ElementsAre(1, 4));
  o.filter.ops = "x";
  absl::Status bad = feed_->Read(o).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.message()), HasSubstr("'x'"));
}

TEST_F(FeedPullTest, WaitReturnsTheNextMatchingCommit) {
  WriteMix();
  // Nothing new: the wait ends empty.
  ASSERT_OK_AND_ASSIGN(auto events, feed_->Read({.from_seq = 6, .wait = absl::Milliseconds(5)}));
  EXPECT_TRUE(events.empty());
  // A reader blocked on a filtered read wakes for the matching commit, skipping the others.
  absl::StatusOr<std::vector<ChangeEvent>> got;
  std::thread reader([&] {
    FeedReadOptions o{.from_seq = 6, .wait = absl::Seconds(60)};
    o.filter.objects = {"b"};
    got = feed_->Read(o);
  });
  ASSERT_OK(kv_->Put("a", "x", "1"));
  ASSERT_OK(kv_->Put("b", "y", "2"));
  reader.join();
  ASSERT_OK(got.status());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].seq, 7u);
  EXPECT_EQ((*got)[0].object, "b");
}

TEST_F(FeedPullTest, PurgedPositionIsOutOfRangeNamingTheOldestHeld) {
  WriteMix();
  ASSERT_OK(feed_->SetRetention({.max_bytes = 1}));  // keeps only what fits: nothing
  ASSERT_OK(kv_->Put("a", "k", "again"));
  EXPECT_EQ(feed_->FirstSequence(), 6u);
  absl::Status s = feed_->Read({.from_seq = 2}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(s.message()), HasSubstr("oldest event held is 6"));
  ASSERT_OK_AND_ASSIGN(auto events, feed_->Read({.from_seq = 6}));
  EXPECT_THAT(Seqs(events), ElementsAre(6));
}

TEST_F(FeedPullTest, JsonEnvelopeMatchesTheShell) {
  WriteMix();
  ASSERT_OK_AND_ASSIGN(auto events, feed_->Read({}));
  EXPECT_EQ(ChangeEventToJsonValue(events[1])["before"], "v1");
  nlohmann::ordered_json doc = ChangeEventToJsonValue(events[3]);
  EXPECT_EQ(doc["key"], 1);
  EXPECT_EQ(doc["after"]["name"], "ada");
  EXPECT_EQ(doc["model"], "doc");
  EXPECT_EQ(doc["op"], "c");
  std::string line = ChangeEventToJson(events[0]);
  EXPECT_THAT(line, HasSubstr(R"("seq":1,)"));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  ChangeEvent binary = events[0];
  binary.after = std::string("\xC3(", 2);
  EXPECT_THAT(ChangeEventToJson(binary), HasSubstr("\xEF\xBF\xBD"));
}

}  // namespace
}  // namespace tessera
