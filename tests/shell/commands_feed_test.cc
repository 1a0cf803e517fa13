// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The change feed's shell commands: feed read (and changes), feed tail, feed consumer ...,
// feed retention.
#include <sstream>

#include "tests/shell/shell_fixture.h"

namespace tessera::shell {
namespace {

using ::testing::HasSubstr;

class ShellFeedCommandsTest : public ShellTest {
 protected:
  void WriteSome() {
    Run("kv put users alice v1");                        // 1
    Run("kv put users alice v2");                        // 2
    Run(R"(doc insert orders {"_id": 1, "s": "new"})");  // 3
  }
  static std::vector<uint64_t> Seqs(const Json& events) {
    std::vector<uint64_t> out;
    for (const Json& e : events) out.push_back(e["seq"].get<uint64_t>());
    return out;
  }
};

TEST_F(ShellFeedCommandsTest, ReadFiltersAndChangesIsAnAlias) {
  WriteSome();
  EXPECT_EQ(Seqs(Run("feed read")), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(Run("feed read from 2 limit 5"), Run("changes from 2 limit 5"));
  EXPECT_EQ(Seqs(Run("feed read model doc")), (std::vector<uint64_t>{3}));
  EXPECT_EQ(Seqs(Run("feed read model kv,doc op u")), (std::vector<uint64_t>{2}));
  EXPECT_EQ(Seqs(Run("feed read name users,orders limit 2")), (std::vector<uint64_t>{1, 2}));
  Json doc = Run("feed read model doc")[0];
  EXPECT_EQ(doc["key"], 1);
  EXPECT_EQ(doc["after"]["s"], "new");
  EXPECT_EQ(Run("feed read from 4 wait 1"), J("[]"));
  ExpectInvalid("feed read model sql", "unknown model 'sql'");
  ExpectInvalid("feed read op cx", "'x'");
  ExpectInvalid("feed read wait soon", "MS");
}

TEST_F(ShellFeedCommandsTest, TailPrintsJsonLinesAndStops) {
  WriteSome();
  std::ostringstream out;
  session_->set_stream_out(&out);
  EXPECT_EQ(Run("feed tail from 2 limit 2"), J(R"({"ok": true, "events": 2})"));
  std::istringstream lines(out.str());
  std::string line;
  std::vector<uint64_t> seqs;
  while (std::getline(lines, line)) seqs.push_back(Json::parse(line)["seq"].get<uint64_t>());
  EXPECT_EQ(seqs, (std::vector<uint64_t>{2, 3}));
  out.str("");
  EXPECT_EQ(Run("feed tail from 1 model doc limit 1"), J(R"({"ok": true, "events": 1})"));
  EXPECT_THAT(out.str(), HasSubstr(R"("model":"doc")"));
  // Ctrl-C ends a tail that would otherwise wait for ever.
  session_->cancel_token().Cancel();
  EXPECT_EQ(RunError("feed tail").code(), absl::StatusCode::kCancelled);
  session_->cancel_token().Reset();
}

TEST_F(ShellFeedCommandsTest, ConsumersCreateNextAckListDrop) {
  WriteSome();
  EXPECT_EQ(Run("feed consumer create audit from 2"), J(R"({"ok": true})"));
  EXPECT_EQ(Seqs(Run("feed consumer next audit limit 1")), (std::vector<uint64_t>{2}));
  EXPECT_EQ(Seqs(Run("feed consumer next audit")), (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(Run("feed consumer ack audit 2"), J(R"({"ok": true})"));
  EXPECT_EQ(Seqs(Run("feed consumer next audit")), (std::vector<uint64_t>{3}));
  Run("feed consumer create later");
  EXPECT_EQ(Run("feed consumer list"),
            J(R"([{"name": "audit", "acked_seq": 2, "next_seq": 3, "snapshot_pending": false},
                  {"name": "later", "acked_seq": 3, "next_seq": 4, "snapshot_pending": false}])"));
  EXPECT_EQ(Run("feed consumer drop later"), J(R"({"ok": true})"));
  EXPECT_EQ(Run("feed consumer list").size(), 1u);
  ExpectError("feed consumer create audit", absl::StatusCode::kAlreadyExists, "audit");
  ExpectError("feed consumer next nobody", absl::StatusCode::kNotFound, "nobody");
  ExpectInvalid("feed consumer ack audit 99", "last committed event is 3");
  ExpectInvalid("feed consumer create x from 1 snapshot users", "not both");
  ExpectInvalid("feed consumer create x from 0", "SEQ");
}

TEST_F(ShellFeedCommandsTest, SnapshotConsumerFindsTheObjectOrAsksForTheModel) {
  WriteSome();
  Run("feed consumer create snap snapshot orders");
  Json events = Run("feed consumer next snap");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["op"], "r");
  EXPECT_EQ(events[0]["seq"], 3);
  EXPECT_EQ(events[0]["after"]["s"], "new");
  Run("kv put orders k v");  // now "orders" names a kv namespace and a doc collection
  ExpectInvalid("feed consumer create amb snapshot orders", "kv:orders");
  Run("feed consumer create bykv snapshot kv:orders");
  events = Run("feed consumer next bykv");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["key"], "k");
  EXPECT_EQ(events[0]["model"], "kv");
  ExpectError("feed consumer create none snapshot nothing", absl::StatusCode::kNotFound, "nothing");
  ExpectInvalid("feed consumer create bad snapshot sql:orders", "unknown model 'sql'");
}

TEST_F(ShellFeedCommandsTest, RetentionSetsAndPurges) {
  WriteSome();
  EXPECT_EQ(Run("feed retention age 7d size 1073741824"), J(R"({"ok": true})"));
  EXPECT_EQ(Run("feed read").size(), 3u);
  EXPECT_EQ(Run("feed retention age 90s"), J(R"({"ok": true})"));
  ExpectInvalid("feed retention age 3w", "DURATION");
  ExpectInvalid("feed retention size lots", "BYTES");
  EXPECT_EQ(Run("feed retention size 1 nohold"), J(R"({"ok": true})"));
  ExpectError("feed read from 1", absl::StatusCode::kOutOfRange, "oldest event held is 4");
  EXPECT_EQ(Run("feed read from 4"), J("[]"));
}

}  // namespace
}  // namespace tessera::shell
